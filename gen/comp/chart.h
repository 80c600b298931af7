/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chart.h: what the chart files share, private to them: the chart read from its tag, the
 * chart types (one file each, one line in comp_chart.c's table), and the helpers
 * comp_chart.c lends the types. */
#ifndef CHART_H
#define CHART_H

#include <cairo.h>

#define CHART_TEXT	MIN_TEXT_PT	/* labels, axes and keys */
/* Series s's colour from the theme, which theme.c checks against the page. */
#define SERIES(t, s)	((t)->series[(s) % (t)->nseries])
#define JMARKS		3	/* grades one mark of a judgement may give ("3 (literacy); 2
				 * (numeracy)") */

struct chart_kind;

struct chart {
	const struct chart_kind *kind;	/* its type: how it is read and drawn */
	const struct table *t;		/* the data (the document's, or `owned`) */
	struct table	*owned;		/* an indicator's years, made for this chart */
	int		 x;		/* the column of years, or of labels (judgement) */
	int		 y[MAX_SERIES];	/* the series' columns; judgement: grade, self,
					 * previous, average (-1 when absent) */
	char		*name[MAX_SERIES];	/* the series' names, owned */
	int		 n;		/* series */
	char		*title, *unit;	/* owned */
	char		*scale;		/* judgement: what grades 1 to 7 mean, "a|b|…", owned */
	int		 fn;		/* judgement: the column of the functions' names, or -1 */
	double		*marks;		/* judgement: each row's grades for each of the four
					 * marks, JMARKS a mark (NAN: none), owned */
	double		 ymin, ymax;	/* the value axis: 0 for bars, near the data for lines */
	double		 ystep;		/* its gridlines' step */
	const struct datasets *data;	/* the document's data and the template's words */
};

/* A type of chart, <chart type=…>: how it is read from the tag, checked, described, sized
 * and drawn. */
struct chart_kind {
	const char	*type;		/* what type= says: "line" */
	/* Reads the type's own attributes into ch (ch->t is its table; ind, an indicator's
	 * name or NULL, with the columns and names of its years, which it may take). Returns
	 * nonzero when any is wrong, said at the tag. */
	int		 (*read)(const struct component_call *, struct chart *, const char *ind,
			    char **ind_series, char **ind_names);
	/* Checks the figures it plots, each bad one an error at its cell; returns how many. */
	int		 (*check)(const struct component_call *, struct chart *);
	void		 (*axis)(struct chart *);	/* sets the value axis, or NULL */
	char		*(*describe)(const struct chart *);	/* its /Alt; the caller frees */
	/* The heading of series s in the table of the chart's figures (NULL: its name). */
	const char	*(*heading)(const struct chart *, int s);
	double		 (*height)(const struct chart *, double w);
	void		 (*draw)(cairo_t *, PangoContext *, const struct template *,
			    const struct chart *, double x, double y, double w);
};

extern const struct chart_kind chart_line, chart_bar, chart_judgement;

/* Column `name` of t, or -1 after an error at the tag (with the nearest name). */
int		 chart_column(const struct component_call *, const struct table *t,
		    const char *name);
/* The figure of row r in column col, or NAN where there is none. */
double		 chart_value(const struct chart *, size_t r, int col);
void		 chart_colour(cairo_t *, unsigned rgb);
/* A line of the chart's text at `size` and `weight`, in the body's family. The caller
 * unrefs it. */
PangoLayout	*chart_layout(PangoContext *, const struct template *, const char *s,
		    double size, int weight);
/* Sets text at (x, y); align 0 left, 1 centre, 2 right of x. Returns its width. */
double		 chart_text(cairo_t *, PangoContext *, const struct template *, const char *s,
		    double size, int weight, double x, double y, int align, unsigned rgb);
/* A marker of shape s (circle, square, triangle …): a second cue beside colour. */
void		 chart_marker(cairo_t *, int s, double x, double y, double r);

#endif
