/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_chart.c: charts from CSV. <chart type="line|bar" data=… x=… series="a|b" names="A|B"
 * title=… unit=%> plots series over years, with a gap (never a zero) where a year has no
 * figure; <chart type="judgement" data=… label=… grade=… self=… previous=… average=…> is an
 * inspection's summary of judgements on the 1-7 scale. Made by markdown.c, placed by
 * layout.c as a figure, drawn by render.c; the description it makes is the figure's /Alt. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define CHART_TEXT	MIN_TEXT_PT	/* labels, axes and keys */
/* Series s's colour from the theme, which theme.c checks against the page. */
#define SERIES(t, s)	((t)->series[(s) % (t)->nseries])
#define JROW		25.0	/* pt a judgement row: two lines of its function's name */
#define JMARKS		3	/* grades one mark of a row may give ("3 (literacy); 2 (numeracy)") */
#define JHEAD		44.0	/* pt above the rows: the title, the key, the scale */
#define JWORDS		44.0	/* pt kept right of grade 7 for its word beside the bar */

enum chart_type { CH_LINE, CH_BAR, CH_JUDGEMENT };

struct chart {
	enum chart_type	 type;
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
};

/* The meaning of grade g (1 to 7) in the tag's scale="Very good|Good|…", or NULL. */
static char *
grade_words(const struct chart *ch, int g)
{
	const char *p = ch->scale;

	for (int i = 1; p != NULL && i < g; i++)
		if ((p = strchr(p, '|')) != NULL)
			p++;
	return p == NULL ? NULL : xstrndup(p, strcspn(p, "|"));
}

static void	chart_free(void *);

/* A tag's attribute in its typographic form, or NULL. The caller frees. */
static char *
typeset_attr(const char *tag, const char *name)
{
	char *v = component_attr(tag, name), *t = v ? typeset(v, strlen(v), NULL) : NULL;

	free(v);
	return t;
}

/* ---- from data ---- */

/* A cell's figure, or NAN when the year has none (an empty cell, or a symbol of official
 * statistics such as `[x]` or `c`): a gap, never a zero. Sets *bad for any other text. */
static double
figure(const struct cell *c, int *bad)
{
	if (c->kind == D_NUMBER)
		return c->num;
	if (c->kind == D_TEXT)
		*bad = 1;
	return NAN;
}

static double
value(const struct chart *ch, size_t r, int col)
{
	int bad = 0;

	return col < 0 ? NAN : figure(&ch->t->cells[r * ch->t->ncols + (size_t)col], &bad);
}

/* What row r of a judgement chart is called: its number, and its function's name. */
static char *
row_name(const struct chart *ch, size_t r)
{
	const char *no = ch->t->cells[r * ch->t->ncols + (size_t)ch->x].text;
	char *s = ch->fn < 0 ? xstrdup(no) : xasprintf("%s %s", no, ch->t->cells[r *
	    ch->t->ncols + (size_t)ch->fn].text), *t = typeset(s, strlen(s), NULL);

	free(s);
	return t;
}

/* Looks up column `name` of t, reporting a missing one at the tag. */
static int
column(const struct component_call *c, const struct table *t, const char *name)
{
	int col = csv_column(t, name);
	const char *near;

	if (col < 0) {
		near = nearest_word(name, (const char *const *)t->cols, t->ncols);
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "%s has no column `%s`%s%s%s",
		    t->path, name, near ? " (did you mean `" : "", near ? near : "",
		    near ? "`?)" : "");
	}
	return col;
}

/* The grade mark m of row r gives (k-th of its grades), or NAN. */
static double
mark(const struct chart *ch, size_t r, int m, int k)
{
	return ch->marks[(r * 4 + (size_t)m) * JMARKS + (size_t)k];
}

/* Reads a judgement cell of mark m: a grade (`6`), a grade with its meaning (`6 Poor`), or
 * several, each with a note, `3 Highly satisfactory (literacy); 2 Good (numeracy)`; or a
 * symbol for none (`not stated`). A meaning that is not the scale's for its grade, or a
 * grade outside 1 to 7, is an error at the cell. Returns the bad cells (0 or 1). */
static int
read_marks(const struct component_call *c, struct chart *ch, size_t r, int m)
{
	const struct cell *ce = &ch->t->cells[r * ch->t->ncols + (size_t)ch->y[m]];
	const char *p = ce->text, *col = ch->t->cols[ch->y[m]];
	int k = 0;

	if (DATUM_MISSING(ce->kind))
		return 0;
	while (*p != '\0') {
		char *end, *words;
		long g = strtol(p, &end, 10);
		size_t n;

		while (*end == ' ')
			end++;
		n = strcspn(end, ";(");
		while (n > 0 && end[n - 1] == ' ')
			n--;
		words = grade_words(ch, (int)g);
		if (end == p || g < 1 || g > 7 || k == JMARKS || (n > 0 && (words == NULL ||
		    strlen(words) != n || strncasecmp(words, end, n) != 0))) {
			if (g >= 1 && g <= 7 && k < JMARKS && words != NULL)
				csv_say(c->g, ch->t, MSG_ERROR, ce->line, ce->col, "`%s` in column "
				    "`%s`: grade %ld is `%s` on the chart's scale", ce->text, col, g,
				    words);
			else
				csv_say(c->g, ch->t, MSG_ERROR, ce->line, ce->col, "`%s` in column `%s` "
				    "is not a grade from 1 to 7 (a grade, its meaning if you like, "
				    "several parted by `;`, or `not stated`)", ce->text, col);
			free(words);
			return 1;
		}
		free(words);
		ch->marks[(r * 4 + (size_t)m) * JMARKS + (size_t)k++] = (double)g;
		p = end + strcspn(end, ";");
		p += *p == ';';
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* Checks every figure the chart plots, each bad one an error at its cell. */
static int
check_figures(const struct component_call *c, struct chart *ch)
{
	int bad_cells = 0;

	if (ch->type == CH_JUDGEMENT) {
		size_t n = ch->t->nrows * 4 * JMARKS;

		ch->marks = xcalloc(n + 1, sizeof(double));
		for (size_t i = 0; i < n; i++)
			ch->marks[i] = NAN;
	}
	for (int s = 0; s < ch->n; s++) {
		if (ch->y[s] < 0)
			continue;
		if (ch->type != CH_JUDGEMENT || s == 0)	/* a bar's grade: a figure */
			bad_cells += csv_need_numbers(c->g, ch->t, (size_t)ch->y[s]);
		for (size_t r = 0; ch->type == CH_JUDGEMENT && r < ch->t->nrows; r++) {
			const struct cell *ce = &ch->t->cells[r * ch->t->ncols + (size_t)ch->y[s]];

			if (s > 0)	/* the other marks: grades as read_marks() reads them */
				bad_cells += read_marks(c, ch, r, s);
			else if (ce->kind == D_NUMBER && (ce->num < 1 || ce->num > 7 ||
			    ce->num != floor(ce->num))) {
				csv_say(c->g, ch->t, MSG_ERROR, ce->line, ce->col, "`%s` in column `%s` "
				    "is not a grade from 1 to 7", ce->text, ch->t->cols[ch->y[s]]);
				bad_cells++;
			} else if (ce->kind == D_NUMBER)
				ch->marks[r * 4 * JMARKS] = ce->num;
		}
	}
	return bad_cells;
}

/* The value axis: from a round number at or below the lowest figure (0 for bars) to one at
 * or above the highest, in at most 5 steps of 1, 2, 2.5 or 5 times a power of ten. */
static void
nice_axis(struct chart *ch)
{
	double lo = INFINITY, hi = -INFINITY, range, mag, step = 1;
	static const double mult[] = { 1, 2, 2.5, 5, 10, 20 };

	for (size_t r = 0; r < ch->t->nrows; r++)
		for (int s = 0; s < ch->n; s++) {
			double v = value(ch, r, ch->y[s]);

			if (!isnan(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	if (ch->type == CH_BAR)
		lo = fmin(0, lo);
	if (hi <= lo)
		hi = lo + 1;
	range = hi - lo;
	mag = pow(10, floor(log10(range)));
	for (int i = 0; i < 6; i++) {
		step = mult[i] * mag / 2;
		if (range / step <= 4)
			break;
	}
	ch->ymin = ch->type == CH_BAR ? lo : floor(lo / step) * step;
	if (ch->type == CH_LINE && ch->ymin == lo && lo > 0)
		ch->ymin -= step;	/* room below the lowest point */
	if (ch->ymin < 0 && lo >= 0)
		ch->ymin = 0;
	ch->ymax = ceil(hi / step) * step;
	if (ch->ymax == hi)
		ch->ymax += step;	/* room above the highest point for its label */
	ch->ystep = step;
}

/* The description read aloud in place of the chart. */
static char *
describe(const struct chart *ch)
{
	struct buf b = { 0 };
	size_t nr = ch->t->nrows;
	char num[160];

	if (ch->type == CH_JUDGEMENT) {
		char *best = grade_words(ch, 1), *worst = grade_words(ch, 7);

		if (ch->title != NULL) {
			buf_adds(&b, ch->title);
			buf_adds(&b, ": ");
		}
		snprintf(num, sizeof(num), "grades from 1%s%s%s to 7%s%s%s.", best ? " (" : "",
		    best ? best : "", best ? ")" : "", worst ? " (" : "", worst ? worst : "",
		    worst ? ")" : "");
		buf_adds(&b, num);
		free(best);
		free(worst);
		for (size_t r = 0; r < nr; r++) {
			char *rn = row_name(ch, r);
			int said = 0;

			buf_adds(&b, " ");
			buf_adds(&b, rn);
			free(rn);
			buf_adds(&b, ":");
			for (int s = 0; s < 4; s++) {
				const struct cell *ce;

				if (ch->y[s] < 0)
					continue;
				ce = &ch->t->cells[r * ch->t->ncols + (size_t)ch->y[s]];
				snprintf(num, sizeof(num), "%s %s ", said++ ? "," : "", ch->name[s]);
				buf_adds(&b, num);
				buf_adds(&b, DATUM_MISSING(ce->kind) ? datum_words(ce->kind, 1) :
				    ce->text);
			}
			buf_adds(&b, ".");
		}
		return b.s;
	}
	buf_adds(&b, ch->type == CH_LINE ? "Line chart: " : "Bar chart: ");
	buf_adds(&b, ch->title ? ch->title : "");
	if (nr > 0) {
		buf_adds(&b, ", ");
		buf_adds(&b, ch->t->cells[(size_t)ch->x].text);
		buf_adds(&b, " to ");
		buf_adds(&b, ch->t->cells[(nr - 1) * ch->t->ncols + (size_t)ch->x].text);
		buf_adds(&b, ".");
	}
	for (int s = 0; s < ch->n; s++) {
		buf_adds(&b, " ");
		buf_adds(&b, ch->name[s]);
		buf_adds(&b, ":");
		for (size_t r = 0; r < nr; r++) {
			double v = value(ch, r, ch->y[s]);

			if (isnan(v))
				snprintf(num, sizeof(num), "%s %s in %s", r ? "," : "",
				    datum_words(ch->t->cells[r * ch->t->ncols + (size_t)ch->y[s]].kind,
				    1), ch->t->cells[r * ch->t->ncols + (size_t)ch->x].text);
			else
				snprintf(num, sizeof(num), "%s %g%s in %s", r ? "," : "", v,
				    ch->unit ? ch->unit : "",
				    ch->t->cells[r * ch->t->ncols + (size_t)ch->x].text);
			buf_adds(&b, num);
		}
		buf_adds(&b, ".");
	}
	return b.s;
}

static struct node *
chart_make(const struct component_call *c)
{
	char *type = component_attr(c->tag, "type"), *data = component_attr(c->tag, "data");
	const struct table *t = NULL;
	struct chart *ch;
	struct node *n = NULL;
	int bad = 0;
	char *ind = NULL, *ind_series = NULL, *ind_names = NULL;
	struct table *owned = NULL;

	if (data != NULL)
		t = datasets_find(c->data, data);
	if ((ind = component_attr(c->tag, "indicator")) != NULL) {
		if ((owned = indicator_series(c->g, c->data, ind, &ind_series, &ind_names)) == NULL &&
		    indicators_broken(c->data))
			bad = 1;	/* their errors are said */
		else if (owned == NULL || owned->nrows == 0)
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<chart> names indicator `%s`, "
			    "which has no rows in the indicators' data", ind);
		t = owned != NULL && owned->nrows > 0 ? owned : NULL;
		if (t == NULL) {
			csv_free(owned);
			owned = NULL;
		}
		data = data ? data : xstrdup(ind);
	}
	if (type == NULL || (strcmp(type, "line") && strcmp(type, "bar") &&
	    strcmp(type, "judgement"))) {
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<chart> needs type=\"line\", "
		    "\"bar\" or \"judgement\"");
		bad = 1;
	} else if (t == NULL) {
		if (!bad && (data == NULL || !datasets_broken(c->data, data)))
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<chart> needs data=\"TABLE\", a "
		    "file in data/%s%s", data ? ": there is no " : "", data ? data : "");
		bad = 1;
	}
	if (bad) {
		free(type);
		free(data);
		free(ind);
		free(ind_series);
		free(ind_names);
		csv_free(owned);
		return NULL;
	}
	ch = xcalloc(1, sizeof(*ch));
	ch->fn = -1;
	ch->t = t;
	ch->owned = owned;
	ch->type = strcmp(type, "line") == 0 ? CH_LINE : strcmp(type, "bar") == 0 ? CH_BAR :
	    CH_JUDGEMENT;
	ch->title = typeset_attr(c->tag, "title");
	ch->unit = component_attr(c->tag, "unit");
	if (ch->type == CH_JUDGEMENT) {
		static const char *const keys[] = { "grade", "self", "previous", "average" };
		char *label = component_attr(c->tag, "label");

		char *names = component_attr(c->tag, "names"), *save = NULL;
		char *nm = names ? strtok_r(names, "|", &save) : NULL;

		char *name = component_attr(c->tag, "name");

		ch->x = column(c, t, label ? label : t->cols[0]);
		ch->fn = name ? column(c, t, name) : -1;
		bad |= name != NULL && ch->fn < 0;
		free(name);
		ch->scale = component_attr(c->tag, "scale");
		for (int s = 0; s < 4; s++) {
			char *col = component_attr(c->tag, keys[s]);

			ch->y[s] = col ? column(c, t, col) : -1;
			bad |= col != NULL && ch->y[s] < 0;
			/* the key's words: names="…", one for each of the four, or the column */
			ch->name[s] = typeset(nm ? nm : col ? col : keys[s], strlen(nm ? nm : col ?
			    col : keys[s]), NULL);
			nm = nm ? strtok_r(NULL, "|", &save) : NULL;
			free(col);
		}
		free(names);
		ch->n = 4;
		bad |= ch->x < 0 || ch->y[0] < 0;
		free(label);
	} else {
		char *x = component_attr(c->tag, "x"), *series = component_attr(c->tag, "series");
		char *names = component_attr(c->tag, "names"), *s1 = NULL, *s2 = NULL;
		struct ind_stat st;

		if (ind != NULL) {	/* an indicator's years: Sefton against the region and England */
			free(x);
			free(series);
			free(names);
			x = xstrdup("year");
			series = ind_series;
			names = ind_names;
			ind_series = ind_names = NULL;
			if (ch->unit == NULL && indicator_stat(c->data, ind, &st) == 0 &&
			    strcmp(st.unit, "%") == 0)
				ch->unit = xstrdup("%");
		}
		char *nm = names ? strtok_r(names, "|", &s2) : NULL;

		ch->x = column(c, t, x ? x : t->cols[0]);
		for (char *s = series ? strtok_r(series, "|", &s1) : NULL; s && ch->n < MAX_SERIES;
		    s = strtok_r(NULL, "|", &s1), nm = nm ? strtok_r(NULL, "|", &s2) : NULL) {
			ch->y[ch->n] = column(c, t, s);
			bad |= ch->y[ch->n] < 0;
			ch->name[ch->n++] = typeset(nm ? nm : s, strlen(nm ? nm : s), NULL);
		}
		if (ch->n == 0) {
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<chart> needs series=\"a|b\": "
			    "the columns to plot");
			bad = 1;
		}
		bad |= ch->x < 0;
		free(x);
		free(series);
		free(names);
	}
	/* An indicator's figures were checked in their own file (indicators_check()). */
	if (!bad && (owned != NULL || check_figures(c, ch) == 0)) {
		if (ch->type == CH_JUDGEMENT)
			ch->ymax = 7;
		else
			nice_axis(ch);
		n = node_new(N_COMPONENT, c->file, c->line, c->col);
		n->comp = &comp_chart;
		n->data = ch;
		n->alt = describe(ch);
	} else
		chart_free(ch);
	free(type);
	free(data);
	free(ind);
	free(ind_series);
	free(ind_names);
	return n;
}

const char *
chart_title(const struct node *n)
{
	return ((const struct chart *)n->data)->title;
}

/* A cell of the figures' table. */
static struct node *
figure_cell(const struct node *n, const char *text, int align)
{
	struct node *c = node_new(N_CELL, n->file, n->line, n->col);

	buf_adds(&c->text.text, text);
	inl_typeset(&c->text);
	c->align = align;
	return c;
}

struct node *
chart_table(const struct node *n)
{
	static const char *const judged[] = { "Grade", "Self-evaluation", "Previous grade",
	    "Average of all authorities" };
	const struct chart *ch = n->data;
	const struct table *t = ch->t;
	struct node *table = node_new(N_TABLE, n->file, n->line, n->col), *row;

	row = node_new(N_ROW, n->file, n->line, n->col);
	node_append(table, row);
	node_append(row, figure_cell(n, t->cols[ch->x], 0));
	if (ch->fn >= 0)
		node_append(row, figure_cell(n, t->cols[ch->fn], 0));
	for (int s = 0; s < ch->n; s++)
		if (ch->y[s] >= 0)
			node_append(row, figure_cell(n, ch->type == CH_JUDGEMENT ? judged[s] :
			    ch->name[s], 2));
	for (size_t r = 0; r < t->nrows; r++) {
		row = node_new(N_ROW, n->file, n->line, n->col);
		node_append(table, row);
		node_append(row, figure_cell(n, t->cells[r * t->ncols + (size_t)ch->x].text, 0));
		if (ch->fn >= 0)
			node_append(row, figure_cell(n, t->cells[r * t->ncols + (size_t)ch->fn].text,
			    0));
		for (int s = 0; s < ch->n; s++) {
			const struct cell *c;
			char num[64];

			if (ch->y[s] < 0)
				continue;
			c = &t->cells[r * t->ncols + (size_t)ch->y[s]];
			if (c->kind == D_NUMBER)
				snprintf(num, sizeof(num), "%g%s", c->num, ch->unit ? ch->unit : "");
			node_append(row, figure_cell(n, c->kind == D_NUMBER ? num :
			    DATUM_MISSING(c->kind) ? datum_words(c->kind, 0) : c->text,
			    c->kind == D_TEXT ? 0 : 2));
		}
	}
	return table;
}

static void
chart_free(void *p)
{
	struct chart *ch = p;

	if (ch == NULL)
		return;
	for (int s = 0; s < MAX_SERIES; s++)
		free(ch->name[s]);
	free(ch->scale);
	free(ch->marks);
	free(ch->title);
	free(ch->unit);
	csv_free(ch->owned);
	free(ch);
}

/* ---- drawing ---- */

static void
colour(cairo_t *cr, unsigned c)
{
	cairo_set_source_rgb(cr, (c >> 16) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* A line of the chart's text at `size` and `weight`, in the body's family. The caller unrefs
 * it. */
static PangoLayout *
chart_layout(PangoContext *ctx, const struct template *t, const char *s, double size,
    int weight)
{
	struct style st = t->role[R_BODY];

	st.size = size;
	st.weight = weight;
	st.italic = 0;
	return layout_text(ctx, &st, s, 0);
}

/* Sets text at (x, y); align 0 left, 1 centre, 2 right of x. Returns its width. */
static double
text(cairo_t *cr, PangoContext *ctx, const struct template *t, const char *s, double size,
    int weight, double x, double y, int align, unsigned c)
{
	PangoLayout *l = chart_layout(ctx, t, s, size, weight);
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	colour(cr, c);
	cairo_move_to(cr, x - (align == 1 ? lr.width / 2.0 : align == 2 ? lr.width : 0) /
	    PANGO_SCALE, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return lr.width / (double)PANGO_SCALE;
}

/* A judgement's function at (x, y) in at most two lines of `width` pt, set right against
 * its bar and centred on the row: shortened at a word with an ellipsis when longer (the
 * table beside the chart gives it whole). */
static void
label(cairo_t *cr, PangoContext *ctx, const struct template *t, const char *s, double x,
    double y, double width)
{
	struct style st = t->role[R_BODY];
	PangoLayout *l;
	PangoRectangle lr;

	st.size = CHART_TEXT;
	st.leading = CHART_TEXT * 1.2;
	st.weight = 400;
	st.italic = 0;
	l = layout_text(ctx, &st, s, width);
	pango_layout_set_height(l, -2);		/* two lines at most */
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	pango_layout_get_extents(l, NULL, &lr);
	colour(cr, t->role[R_BODY].colour);
	cairo_move_to(cr, x, y + (JROW - lr.height / (double)PANGO_SCALE) / 2);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

/* A marker of shape s (circle, square, triangle …): a second cue beside colour. */
static void
marker(cairo_t *cr, int s, double x, double y, double r)
{
	cairo_new_path(cr);
	switch (s % 3) {
	case 0:
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
		break;
	case 1:
		cairo_rectangle(cr, x - r, y - r, 2 * r, 2 * r);
		break;
	default:
		cairo_move_to(cr, x, y - r * 1.2);
		cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
		cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
		cairo_close_path(cr);
	}
	cairo_fill(cr);
}

static void
dash(cairo_t *cr, int s)
{
	static const double d1[] = { 5, 3 }, d2[] = { 1.5, 2.5 };

	if (s % 3 == 0)
		cairo_set_dash(cr, NULL, 0, 0);
	else
		cairo_set_dash(cr, s % 3 == 1 ? d1 : d2, 2, 0);
}

static double
chart_height(const struct node *n, double w)
{
	const struct chart *ch = n->data;

	if (ch->type == CH_JUDGEMENT)
		return JHEAD + JROW * ch->t->nrows + 16;
	return fmin(w * 0.55, 300);
}

/* A label's box on the chart, kept so that no later label covers it. */
struct lbox {
	double	 x0, y0, x1, y1;
};

#define MAX_LABELS	256

/* The labels placed so far. */
struct placed {
	struct lbox	 v[MAX_LABELS];
	int		 n;
};

static int
collides(const struct placed *pl, double x0, double y0, double x1, double y1)
{
	for (int i = 0; i < pl->n; i++)
		if (x0 < pl->v[i].x1 && x1 > pl->v[i].x0 && y0 < pl->v[i].y1 && y1 > pl->v[i].y0)
			return 1;
	return 0;
}

static void
keep(struct placed *pl, double x0, double y0, double x1, double y1)
{
	if (pl->n < MAX_LABELS)
		pl->v[pl->n++] = (struct lbox){ x0, y0, x1, y1 };
}

/* The width and height of text s at `size` and `weight`. */
static void
measure(PangoContext *ctx, const struct template *t, const char *s, double size, int weight,
    double *w, double *h)
{
	PangoLayout *l = chart_layout(ctx, t, s, size, weight);
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	*w = lr.width / (double)PANGO_SCALE;
	*h = lr.height / (double)PANGO_SCALE;
	g_object_unref(l);
}

/* Sets a label (align as text()) at the first place from (x, y) moving by `step` pt (up when
 * negative) where it covers no label placed before, within [lo, hi]; keeps its box. */
static void
place_text(cairo_t *cr, PangoContext *ctx, const struct template *t, struct placed *pl,
    const char *s, int weight, double x, double y, int align, unsigned c, double step,
    double lo, double hi)
{
	double w, h, x0;

	measure(ctx, t, s, CHART_TEXT, weight, &w, &h);
	x0 = x - (align == 1 ? w / 2 : align == 2 ? w : 0);
	for (int tries = 0; tries < 40 && collides(pl, x0, y, x0 + w, y + h); tries++) {
		if (y + step < lo || y + step + h > hi)
			break;
		y += step;
	}
	text(cr, ctx, t, s, CHART_TEXT, weight, x, y, align, c);
	keep(pl, x0, y, x0 + w, y + h);
}

/* The value of a point, as the chart labels it ("72%", "−0.03": a true minus). */
static void
point_label(char *out, size_t size, double v, const char *unit)
{
	snprintf(out, size, "%s%g%s", v < 0 ? "\xe2\x88\x92" : "", fabs(v), unit ? unit : "");
}

/* Line and bar charts: title, a key naming each series as it is drawn (its line, dash and
 * marker), value axis with grid, years, the series; each run of years without figures said
 * once under it ("not published"), and the values where lines end set apart. */
static void
draw_series(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct chart *ch,
    double x, double y, double w, double h)
{
	size_t nr = ch->t->nrows;
	double top = y + 38, left = x + 34, right = x + w - 30, bottom = y + h - 20, lx = x;
	double slot = nr ? (right - left) / nr : 1;
	int nticks = (int)lround((ch->ymax - ch->ymin) / ch->ystep);
	struct { double x, y; unsigned c; char s[32]; } end[MAX_SERIES * 16];
	int nend = 0;
	struct placed pl = { .n = 0 };

	text(cr, ctx, t, ch->title ? ch->title : "", 10.5, 700, x, y, 0, t->role[R_BODY].colour);
	for (int s = 0; s < ch->n; s++) {	/* the key: each series' line, dash and marker */
		colour(cr, SERIES(t, s));
		if (ch->type == CH_LINE) {
			cairo_set_line_width(cr, 1.6);
			dash(cr, s);
			cairo_move_to(cr, lx, y + 23);
			cairo_line_to(cr, lx + 16, y + 23);
			cairo_stroke(cr);
			cairo_set_dash(cr, NULL, 0, 0);
			marker(cr, s, lx + 8, y + 23, 3.2);
			lx += 20;
		} else {
			cairo_rectangle(cr, lx, y + 19, 10, 8);
			cairo_fill(cr);
			lx += 14;
		}
		lx += text(cr, ctx, t, ch->name[s], 8.5, 400, lx, y + 17, 0,
		    t->role[R_BODY].colour) + 12;
	}
	cairo_set_line_width(cr, 0.4);
	for (int i = 0; i <= nticks; i++) {	/* grid and value labels */
		double gy = bottom - (bottom - top) * i / nticks;
		char lab[32];

		colour(cr, i ? t->grid : t->muted);
		cairo_move_to(cr, left, gy);
		cairo_line_to(cr, right, gy);
		cairo_stroke(cr);
		point_label(lab, sizeof(lab), ch->ymin + ch->ystep * i, ch->unit);
		text(cr, ctx, t, lab, CHART_TEXT, 400, left - 4, gy - 5, 2, t->muted);
	}
	for (size_t r = 0; r < nr; r++)	/* the years */
		text(cr, ctx, t, ch->t->cells[r * ch->t->ncols + (size_t)ch->x].text, CHART_TEXT,
		    400, left + slot * (r + 0.5), bottom + 4, 1, t->muted);
	for (int s = 0; s < ch->n; s++) {
		int drawing = 0;

		for (size_t r = 0; r < nr; r++) {
			double v = value(ch, r, ch->y[s]), cx = left + slot * (r + 0.5);
			double vy = bottom - (bottom - top) * (isnan(v) ? 0 : (v - ch->ymin) /
			    (ch->ymax - ch->ymin));

			if (ch->type == CH_BAR) {
				double bw = slot * 0.8 / ch->n, bx = left + slot * r + slot * 0.1 +
				    bw * s;

				colour(cr, SERIES(t, s));
				if (isnan(v))	/* no figure: no bar, never a zero */
					continue;
				cairo_rectangle(cr, bx, vy, bw - 1, bottom - vy);
				cairo_fill(cr);
				keep(&pl, bx, vy, bx + bw - 1, bottom);
				continue;
			}
			if (isnan(v)) {	/* a gap in the line */
				drawing = 0;
				continue;
			}
			colour(cr, SERIES(t, s));
			cairo_set_line_width(cr, 1.6);
			dash(cr, s);
			if (drawing) {
				cairo_line_to(cr, cx, vy);
				cairo_stroke(cr);
			}
			cairo_set_dash(cr, NULL, 0, 0);
			marker(cr, s, cx, vy, 2.6);
			cairo_move_to(cr, cx, vy);
			drawing = 1;
			if ((r + 1 == nr || isnan(value(ch, r + 1, ch->y[s]))) &&
			    nend < MAX_SERIES * 16) {	/* the value where a line ends */
				end[nend].x = cx;
				end[nend].y = vy - 6;
				end[nend].c = SERIES(t, s);
				point_label(end[nend++].s, sizeof(end[0].s), v, ch->unit);
			}
		}
		cairo_new_path(cr);
	}
	/* End labels at one year in the order of their points, each at least a line below the
	 * one above it, and the group moved up whole if it would fall below the axis. */
	for (int i = 1; i < nend; i++)	/* by year, then from the top */
		for (int k = i; k > 0 && (end[k].x < end[k - 1].x || (end[k].x == end[k - 1].x &&
		    end[k].y < end[k - 1].y)); k--) {
			__typeof__(end[0]) tmp = end[k];

			end[k] = end[k - 1];
			end[k - 1] = tmp;
		}
	for (int i = 0, j; i < nend; i = j) {
		double over;

		for (j = i + 1; j < nend && end[j].x == end[i].x; j++)
			end[j].y = fmax(end[j].y, end[j - 1].y + 10.5);
		if ((over = end[j - 1].y + 10 - bottom) > 0)
			for (int k = i; k < j; k++)
				end[k].y -= over;
	}
	for (int i = 0; i < nend; i++) {
		double lw, lh;

		measure(ctx, t, end[i].s, CHART_TEXT, 600, &lw, &lh);
		text(cr, ctx, t, end[i].s, CHART_TEXT, 600, end[i].x + 6, end[i].y, 0, end[i].c);
		keep(&pl, end[i].x + 6, end[i].y, end[i].x + 6 + lw, end[i].y + lh);
	}
	for (size_t r = 0; ch->type == CH_BAR && r < nr; r++)	/* the bars' values */
		for (int s = 0; s < ch->n; s++) {
			double v = value(ch, r, ch->y[s]), bw = slot * 0.8 / ch->n;
			double vy = bottom - (bottom - top) * (v - ch->ymin) / (ch->ymax - ch->ymin);
			char lab[32];

			if (isnan(v))
				continue;
			point_label(lab, sizeof(lab), v, NULL);
			place_text(cr, ctx, t, &pl, lab, 400, left + slot * r + slot * 0.1 + bw * s +
			    bw / 2, vy - 11, 1, t->role[R_BODY].colour, -10, y + 30, bottom);
		}
	/* What each run of years without any figure means, said once under the run. */
	for (size_t r = 0, e; r < nr; r = e) {
		int none = 1;
		enum datum k = ch->t->cells[r * ch->t->ncols + (size_t)ch->y[0]].kind;

		for (int s = 0; s < ch->n; s++)
			none &= isnan(value(ch, r, ch->y[s]));
		for (e = r + 1; none && e < nr; e++) {
			int all = 1;

			for (int s = 0; s < ch->n; s++)
				all &= isnan(value(ch, e, ch->y[s]));
			if (!all || ch->t->cells[e * ch->t->ncols + (size_t)ch->y[0]].kind != k)
				break;
		}
		if (none) {
			double lw, lh, cx = left + slot * (r + e) / 2.0;

			measure(ctx, t, datum_words(k, 0), CHART_TEXT, 400, &lw, &lh);
			cx = fmin(fmax(cx, left + lw / 2), right - lw / 2);	/* within the axes */
			place_text(cr, ctx, t, &pl, datum_words(k, 0), 400, cx, bottom - 13, 1,
			    t->muted, -11, top, bottom);
		}
	}
}

/* Whether mark m is drawn anywhere in the chart: the key names only the marks drawn. */
static int
mark_drawn(const struct chart *ch, int m)
{
	for (size_t r = 0; ch->y[m] >= 0 && r < ch->t->nrows; r++)
		if (!isnan(mark(ch, r, m, 0)))
			return 1;
	return 0;
}

/* Draws mark m (the bar's key excepted) centred at (cx, cy), `size` pt tall. */
static void
draw_mark(cairo_t *cr, const struct template *t, int m, double cx, double cy, double size)
{
	colour(cr, m == 3 ? SERIES(t, 1) : t->role[R_BODY].colour);
	if (m == 1)
		marker(cr, 2, cx, cy, size / 4);
	else if (m == 2)
		cairo_rectangle(cr, cx - 0.8, cy - size / 2, 1.6, size);
	else {
		double d = size / 4;

		cairo_move_to(cr, cx, cy - d);
		cairo_line_to(cr, cx + d, cy);
		cairo_line_to(cr, cx, cy + d);
		cairo_line_to(cr, cx - d, cy);
		cairo_close_path(cr);
	}
	cairo_fill(cr);
}

/* The inspection chart: for each function its number and name, a bar to its grade with the
 * grade's meaning beside it, a triangle at the self-evaluation, a line at each previous grade
 * and a diamond at the average; a key naming every mark drawn, the scale above, and what
 * the grades mean below. */
static void
draw_judgement(cairo_t *cr, PangoContext *ctx, const struct template *t,
    const struct chart *ch, double x, double y, double w)
{
	double lw = w * 0.47, left = x + lw + 8, right = x + w - JWORDS, unit = (right - left) / 7;
	double top = y + JHEAD, lx = x;

	if (ch->title != NULL)
		text(cr, ctx, t, ch->title, 10.5, 700, x, y, 0, t->role[R_BODY].colour);
	for (int s = 0; s < 4; s++) {	/* the key: every mark drawn, and only those */
		if (!mark_drawn(ch, s))
			continue;
		if (s == 0) {
			colour(cr, t->accent);
			cairo_rectangle(cr, lx, y + 19, 12, 7);
			cairo_fill(cr);
		} else
			draw_mark(cr, t, s, lx + 6, y + 22.5, 12);
		lx += 16 + text(cr, ctx, t, ch->name[s], CHART_TEXT, 400, lx + 15, y + 17, 0,
		    t->role[R_BODY].colour) + 12;
	}
	for (int g = 1; g <= 7; g++) {	/* the scale */
		char lab[8];

		snprintf(lab, sizeof(lab), "%d", g);
		text(cr, ctx, t, lab, CHART_TEXT, 600, left + unit * (g - 0.5), top - 12, 1,
		    t->muted);
		colour(cr, t->grid);
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, left + unit * g, top - 2);
		cairo_line_to(cr, left + unit * g, top + JROW * ch->t->nrows);
		cairo_stroke(cr);
	}
	for (size_t r = 0; r < ch->t->nrows; r++) {
		double ry = top + JROW * r, g = value(ch, r, ch->y[0]), end = left;
		char *rn = row_name(ch, r), *words;

		label(cr, ctx, t, rn, x, ry, lw);
		free(rn);
		if (!isnan(g)) {
			end = left + unit * (g - 0.5);
			colour(cr, t->accent);
			cairo_rectangle(cr, left, ry + 5, end - left, JROW - 10);
			cairo_fill(cr);
		}
		for (int s = 1; s < 4; s++)
			for (int k = 0; k < JMARKS; k++) {
				double v = mark(ch, r, s, k);

				if (isnan(v))
					continue;
				draw_mark(cr, t, s, left + unit * (v - 0.5), ry + JROW / 2, s == 2 ?
				    JROW - 4 : 12);
			}
		/* the grade's meaning beside its bar, clear of the marks that follow it */
		if (!isnan(g) && (words = grade_words(ch, (int)g)) != NULL) {
			PangoLayout *l = chart_layout(ctx, t, words, CHART_TEXT, 600);
			PangoRectangle lr;
			double at = end + 4;

			pango_layout_get_extents(l, NULL, &lr);
			for (int s = 1; s < 4; s++)	/* a mark under the words: after it */
				for (int k = 0; k < JMARKS; k++) {
					double mx = left + unit * (mark(ch, r, s, k) - 0.5);

					if (!isnan(mx) && mx + 5 > at && mx - 5 < at + lr.width /
					    (double)PANGO_SCALE)
						at = mx + 7;
				}
			colour(cr, t->role[R_BODY].colour);
			cairo_move_to(cr, at, ry + (JROW - lr.height / (double)PANGO_SCALE) / 2);
			pango_cairo_show_layout(cr, l);
			g_object_unref(l);
			free(words);
		}
	}
	{
		struct buf b = { 0 };	/* what the grades mean */

		for (int gr = 1; gr <= 7 && ch->scale != NULL; gr++) {
			char *w = grade_words(ch, gr), *part = xasprintf("%s%d = %s", gr > 1 ? ", " :
			    "", gr, w ? w : "");

			buf_adds(&b, part);
			free(part);
			free(w);
		}
		if (b.s != NULL)
			text(cr, ctx, t, b.s, CHART_TEXT, 400, x, top + JROW * ch->t->nrows + 4, 0,
			    t->muted);
		buf_free(&b);
	}
}

static void
chart_draw(void *vcr, PangoContext *ctx, const struct template *t, const struct node *n,
    double x, double y, double w)
{
	cairo_t *cr = vcr;

	cairo_save(cr);
	if (((const struct chart *)n->data)->type == CH_JUDGEMENT)
		draw_judgement(cr, ctx, t, n->data, x, y, w);
	else
		draw_series(cr, ctx, t, n->data, x, y, w, chart_height(n, w));
	cairo_restore(cr);
}

/* ---- as HTML: the chart as inline SVG, and its figures in a table under it ---- */

static void
chart_html(struct hout *h, const struct node *n)
{
	const char *title = chart_title(n);
	struct node *t = chart_table(n);

	html_raw(h, "<figure class=\"chart\">");
	html_svg(h, n, 480, title ? title : "Chart", n->alt ? n->alt : "");
	html_raw(h, "<details><summary>The figures in this chart</summary>\n");
	buf_adds(&t->text.text, title ? title : "The figures in this chart");
	html_table(h, t);
	node_free(t);
	html_raw(h, "</details></figure>\n");
}

static void
chart_css(struct buf *b, const struct template *t)
{
	(void)t;
	buf_adds(b, ".chart svg{width:100%;height:auto}\n");
}

const struct component comp_chart = {
	.tag = "chart",
	.make = chart_make,
	.shape = SHAPE_BOX,
	.whole_tag = "Figure",
	.height = chart_height,
	.draw = chart_draw,
	.html = chart_html,
	.css = chart_css,
	.free = chart_free,
};
