/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_chart.c: charts from CSV, <chart type=… data=… title=…>: the component, the table of
 * chart types (one file each: comp_chart_judgement.c; line and bar charts here), and what
 * the types share. <chart type="line|bar" data=… x=… series="a|b" names="A|B" unit=%> plots
 * series over years, with a gap (never a zero) where a year has no figure. Made by
 * markdown.c, placed as a figure, drawn by render.c; the description it makes is the
 * figure's /Alt. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "gen.h"
#include "chart.h"

static void	chart_free(void *);
static const struct chart_kind *kind_find(const char *);
static char	*kind_list(void);

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

double
chart_value(const struct chart *ch, size_t r, int col)
{
	int bad = 0;

	return col < 0 ? NAN : figure(&ch->t->cells[r * ch->t->ncols + (size_t)col], &bad);
}

/* Looks up column `name` of t, reporting a missing one at the tag. */
int
chart_column(const struct component_call *c, const struct table *t, const char *name)
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

/* Checks every figure a line or bar chart plots, each bad one an error at its cell. */
static int
series_check(const struct component_call *c, struct chart *ch)
{
	int bad_cells = 0;

	for (int s = 0; s < ch->n; s++)
		if (ch->y[s] >= 0)
			bad_cells += csv_need_numbers(c->g, ch->t, (size_t)ch->y[s]);
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
			double v = chart_value(ch, r, ch->y[s]);

			if (!isnan(v)) {
				lo = fmin(lo, v);
				hi = fmax(hi, v);
			}
		}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	if (ch->kind == &chart_bar)
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
	ch->ymin = ch->kind == &chart_bar ? lo : floor(lo / step) * step;
	if (ch->kind == &chart_line && ch->ymin == lo && lo > 0)
		ch->ymin -= step;	/* room below the lowest point */
	if (ch->ymin < 0 && lo >= 0)
		ch->ymin = 0;
	ch->ymax = ceil(hi / step) * step;
	if (ch->ymax == hi)
		ch->ymax += step;	/* room above the highest point for its label */
	ch->ystep = step;
}

/* Series s's figure in row r as the description says it: "66%", "not published". */
static const char *
series_figure(const struct chart *ch, size_t r, int s, char num[160])
{
	const struct cell *ce = &ch->t->cells[r * ch->t->ncols + (size_t)ch->y[s]];
	double v = chart_value(ch, r, ch->y[s]);

	if (isnan(v))
		return datum_words(data_words(ch->data), ce->kind, 1);
	snprintf(num, 160, "%g%s", v, ch->unit ? ch->unit : "");
	return num;
}

/* Notes each figure a line or bar chart shows, with its cell. */
static void
series_note(const struct component_call *c, const struct chart *ch)
{
	for (int s = 0; s < ch->n; s++)
		for (size_t r = 0; r < ch->t->nrows; r++) {
			char num[160];

			component_figure(c, ch->t, &ch->t->cells[r * ch->t->ncols + (size_t)ch->y[s]],
			    series_figure(ch, r, s, num));
		}
}

/* The description of a line or bar chart, read aloud in place of it, in the template's
 * words: the chart, its title and span, then each series' figures. */
static char *
series_describe(const struct chart *ch)
{
	struct buf b = { 0 };
	const struct table *t = ch->t;
	size_t nr = t->nrows, nc = t->ncols, x = (size_t)ch->x;
	const char *kind = data_word(ch->data, ch->kind == &chart_line ? W_LINE_CHART :
	    W_BAR_CHART), *title = ch->title ? ch->title : "";

	if (nr > 0)
		words_fill(&b, data_word(ch->data, W_CHART_ABOUT), (const char *[]){ "chart",
		    "title", "from", "to" }, (const char *[]){ kind, title, t->cells[x].text,
		    t->cells[(nr - 1) * nc + x].text }, 4, 0);
	else {
		buf_adds(&b, kind);
		buf_adds(&b, " ");
		buf_adds(&b, title);
	}
	for (int s = 0; s < ch->n; s++) {
		struct buf figs = { 0 };

		for (size_t r = 0; r < nr; r++) {
			char num[160];

			buf_adds(&figs, r ? ", " : "");
			words_fill(&figs, data_word(ch->data, W_CHART_FIGURE), (const char *[]){
			    "figure", "when" }, (const char *[]){ series_figure(ch, r, s, num),
			    t->cells[r * nc + x].text }, 2, 0);
		}
		buf_adds(&b, " ");
		words_fill(&b, data_word(ch->data, W_CHART_SERIES), (const char *[]){ "series",
		    "figures" }, (const char *[]){ ch->name[s], figs.s }, 2, 0);
		buf_free(&figs);
	}
	return b.s;
}

/* ---- the component ---- */

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
	const struct chart_kind *kind;

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
	if ((kind = kind_find(type)) == NULL) {
		char *types = kind_list();

		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<chart> needs type=%s", types);
		free(types);
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
	ch->kind = kind;
	ch->data = c->data;
	ch->title = typeset_attr(c->tag, "title");
	ch->unit = component_attr(c->tag, "unit");
	bad |= ch->kind->read(c, ch, ind, &ind_series, &ind_names);
	/* An indicator's figures were checked in their own file (indicators_check()). */
	if (!bad && (owned != NULL || ch->kind->check(c, ch) == 0)) {
		if (ch->kind->axis != NULL)
			ch->kind->axis(ch);
		n = node_new(N_COMPONENT, c->file, c->line, c->col);
		n->comp = &comp_chart;
		n->data = ch;
		n->alt = ch->kind->describe(ch);
		if (ch->kind->describe == series_describe)
			series_note(c, ch);
	} else
		chart_free(ch);
	free(type);
	free(data);
	free(ind);
	free(ind_series);
	free(ind_names);
	return n;
}

/* The chart's title, or NULL. */
static const char *
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

/* Its figures as a table (N_TABLE: a header row, then a row per x) for readers who cannot
 * see the picture, which the caller frees with node_free(). */
static struct node *
chart_table(const struct node *n)
{
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
			node_append(row, figure_cell(n, ch->kind->heading != NULL ?
			    ch->kind->heading(ch, s) : ch->name[s], 2));
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
			    DATUM_MISSING(c->kind) ? datum_words(data_words(ch->data), c->kind, 0) : c->text,
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

void
chart_colour(cairo_t *cr, unsigned c)
{
	cairo_set_source_rgb(cr, (c >> 16) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* A line of the chart's text at `size` and `weight`, in the body's family. The caller unrefs
 * it. */
PangoLayout *
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
double
chart_text(cairo_t *cr, PangoContext *ctx, const struct template *t, const char *s, double size,
    int weight, double x, double y, int align, unsigned c)
{
	PangoLayout *l = chart_layout(ctx, t, s, size, weight);
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	chart_colour(cr, c);
	cairo_move_to(cr, x - (align == 1 ? lr.width / 2.0 : align == 2 ? lr.width : 0) /
	    PANGO_SCALE, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	return lr.width / (double)PANGO_SCALE;
}

/* A marker of shape s (circle, square, triangle …): a second cue beside colour. */
void
chart_marker(cairo_t *cr, int s, double x, double y, double r)
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

	return ch->kind->height(ch, w);
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

/* Sets a label (align as chart_text()) at the first place from (x, y) moving by `step` pt (up when
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
	chart_text(cr, ctx, t, s, CHART_TEXT, weight, x, y, align, c);
	keep(pl, x0, y, x0 + w, y + h);
}

/* The value of a point, as the chart labels it ("72%", "−0.03": a true minus). */
static void
point_label(char *out, size_t size, double v, const char *unit)
{
	snprintf(out, size, "%s%g%s", v < 0 ? "\xe2\x88\x92" : "", fabs(v), unit ? unit : "");
}

/* The key of a line or bar chart, under its title: each series' line, dash and marker, or
 * its bar's colour, and its name. */
static void
draw_key(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct chart *ch,
    double x, double y)
{
	double lx = x;

	for (int s = 0; s < ch->n; s++) {
		chart_colour(cr, SERIES(t, s));
		if (ch->kind == &chart_line) {
			cairo_set_line_width(cr, 1.6);
			dash(cr, s);
			cairo_move_to(cr, lx, y + 23);
			cairo_line_to(cr, lx + 16, y + 23);
			cairo_stroke(cr);
			cairo_set_dash(cr, NULL, 0, 0);
			chart_marker(cr, s, lx + 8, y + 23, 3.2);
			lx += 20;
		} else {
			cairo_rectangle(cr, lx, y + 19, 10, 8);
			cairo_fill(cr);
			lx += 14;
		}
		lx += chart_text(cr, ctx, t, ch->name[s], 8.5, 400, lx, y + 17, 0,
		    t->role[R_BODY].colour) + 12;
	}
}

/* Line and bar charts: title, a key naming each series as it is drawn (its line, dash and
 * marker), value axis with grid, years, the series; each run of years without figures said
 * once under it ("not published"), and the values where lines end set apart. */
static void
draw_series(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct chart *ch,
    double x, double y, double w, double h)
{
	size_t nr = ch->t->nrows;
	double top = y + 38, left = x + 34, right = x + w - 30, bottom = y + h - 20;
	double slot = nr ? (right - left) / nr : 1;
	int nticks = (int)lround((ch->ymax - ch->ymin) / ch->ystep);
	struct { double x, y; unsigned c; char s[32]; } end[MAX_SERIES * 16];
	int nend = 0;
	struct placed pl = { .n = 0 };

	chart_text(cr, ctx, t, ch->title ? ch->title : "", 10.5, 700, x, y, 0, t->role[R_BODY].colour);
	draw_key(cr, ctx, t, ch, x, y);
	cairo_set_line_width(cr, 0.4);
	for (int i = 0; i <= nticks; i++) {	/* grid and value labels */
		double gy = bottom - (bottom - top) * i / nticks;
		char lab[32];

		chart_colour(cr, i ? t->grid : t->muted);
		cairo_move_to(cr, left, gy);
		cairo_line_to(cr, right, gy);
		cairo_stroke(cr);
		point_label(lab, sizeof(lab), ch->ymin + ch->ystep * i, ch->unit);
		chart_text(cr, ctx, t, lab, CHART_TEXT, 400, left - 4, gy - 5, 2, t->muted);
	}
	for (size_t r = 0; r < nr; r++)	/* the years */
		chart_text(cr, ctx, t, ch->t->cells[r * ch->t->ncols + (size_t)ch->x].text, CHART_TEXT,
		    400, left + slot * (r + 0.5), bottom + 4, 1, t->muted);
	for (int s = 0; s < ch->n; s++) {
		int drawing = 0;

		for (size_t r = 0; r < nr; r++) {
			double v = chart_value(ch, r, ch->y[s]), cx = left + slot * (r + 0.5);
			double vy = bottom - (bottom - top) * (isnan(v) ? 0 : (v - ch->ymin) /
			    (ch->ymax - ch->ymin));

			if (ch->kind == &chart_bar) {
				double bw = slot * 0.8 / ch->n, bx = left + slot * r + slot * 0.1 +
				    bw * s;

				chart_colour(cr, SERIES(t, s));
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
			chart_colour(cr, SERIES(t, s));
			cairo_set_line_width(cr, 1.6);
			dash(cr, s);
			if (drawing) {
				cairo_line_to(cr, cx, vy);
				cairo_stroke(cr);
			}
			cairo_set_dash(cr, NULL, 0, 0);
			chart_marker(cr, s, cx, vy, 2.6);
			cairo_move_to(cr, cx, vy);
			drawing = 1;
			if ((r + 1 == nr || isnan(chart_value(ch, r + 1, ch->y[s]))) &&
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
		chart_text(cr, ctx, t, end[i].s, CHART_TEXT, 600, end[i].x + 6, end[i].y, 0, end[i].c);
		keep(&pl, end[i].x + 6, end[i].y, end[i].x + 6 + lw, end[i].y + lh);
	}
	for (size_t r = 0; ch->kind == &chart_bar && r < nr; r++)	/* the bars' values */
		for (int s = 0; s < ch->n; s++) {
			double v = chart_value(ch, r, ch->y[s]), bw = slot * 0.8 / ch->n;
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
			none &= isnan(chart_value(ch, r, ch->y[s]));
		for (e = r + 1; none && e < nr; e++) {
			int all = 1;

			for (int s = 0; s < ch->n; s++)
				all &= isnan(chart_value(ch, e, ch->y[s]));
			if (!all || ch->t->cells[e * ch->t->ncols + (size_t)ch->y[0]].kind != k)
				break;
		}
		if (none) {
			double lw, lh, cx = left + slot * (r + e) / 2.0;

			measure(ctx, t, datum_words(t->word, k, 0), CHART_TEXT, 400, &lw, &lh);
			cx = fmin(fmax(cx, left + lw / 2), right - lw / 2);	/* within the axes */
			place_text(cr, ctx, t, &pl, datum_words(t->word, k, 0), 400, cx, bottom - 13, 1,
			    t->muted, -11, top, bottom);
		}
	}
}

/* Reads a line or bar chart's columns: x=, series="a|b" and their names="A|B", or an
 * indicator's years. Returns nonzero when any is wrong, said at the tag. */
static int
series_read(const struct component_call *c, struct chart *ch, const char *ind,
    char **ind_series, char **ind_names)
{
	const struct table *t = ch->t;
	char *x = component_attr(c->tag, "x"), *series = component_attr(c->tag, "series");
	char *names = component_attr(c->tag, "names"), *s1 = NULL, *s2 = NULL;
	struct ind_stat st;
	int bad = 0;

	if (ind != NULL) {	/* an indicator's years: Sefton against the region and England */
		free(x);
		free(series);
		free(names);
		x = xstrdup("year");
		series = *ind_series;
		names = *ind_names;
		*ind_series = *ind_names = NULL;
		if (ch->unit == NULL && indicator_stat(c->data, ind, &st) == 0 &&
		    strcmp(st.unit, "%") == 0)
			ch->unit = xstrdup("%");
	}
	char *nm = names ? strtok_r(names, "|", &s2) : NULL;

	ch->x = chart_column(c, t, x ? x : t->cols[0]);
	for (char *s = series ? strtok_r(series, "|", &s1) : NULL; s && ch->n < MAX_SERIES;
	    s = strtok_r(NULL, "|", &s1), nm = nm ? strtok_r(NULL, "|", &s2) : NULL) {
		ch->y[ch->n] = chart_column(c, t, s);
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
	return bad;
}

static double
series_height(const struct chart *ch, double w)
{
	(void)ch;
	return fmin(w * 0.55, 300);
}

static void
series_draw(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct chart *ch,
    double x, double y, double w)
{
	draw_series(cr, ctx, t, ch, x, y, w, series_height(ch, w));
}

/* Line and bar charts differ only where draw_series() and nice_axis() ask which they are. */
#define SERIES_KIND(name) { .type = name, .read = series_read, .check = series_check, \
	.axis = nice_axis, .describe = series_describe, .height = series_height, \
	.draw = series_draw }

const struct chart_kind chart_line = SERIES_KIND("line"), chart_bar = SERIES_KIND("bar");

/* The chart types: a new one is a file of its own and a line here. */
static const struct chart_kind *const kinds[] = {
	&chart_line,
	&chart_bar,
	&chart_judgement,
};

static const struct chart_kind *
kind_find(const char *type)
{
	for (size_t i = 0; type != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->type, type) == 0)
			return kinds[i];
	return NULL;
}

/* The types a tag may name, as a message lists them: "line", "bar" or "judgement". The
 * caller frees. */
static char *
kind_list(void)
{
	struct buf b = { 0 };
	size_t n = sizeof(kinds) / sizeof(kinds[0]);

	for (size_t i = 0; i < n; i++) {
		buf_adds(&b, i == 0 ? "\"" : i + 1 < n ? ", \"" : " or \"");
		buf_adds(&b, kinds[i]->type);
		buf_adds(&b, "\"");
	}
	return b.s;
}

static void
chart_draw(void *vcr, PangoContext *ctx, const struct template *t, const struct node *n,
    double x, double y, double w)
{
	cairo_t *cr = vcr;

	cairo_save(cr);
	((const struct chart *)n->data)->kind->draw(cr, ctx, t, n->data, x, y, w);
	cairo_restore(cr);
}

/* ---- as HTML: the chart as inline SVG, and its figures in a table under it ---- */

static void
chart_html(struct hout *h, const struct node *n)
{
	const char *title = chart_title(n);
	struct node *t = chart_table(n);
	char *const *word = html_template(h)->word;

	html_raw(h, "<figure class=\"chart\">");
	html_svg(h, n, 480, title ? title : word[W_CHART], n->alt ? n->alt : "");
	html_raw(h, "<details><summary>");
	html_text(h, word[W_CHART_FIGURES]);
	html_raw(h, "</summary>\n");
	buf_adds(&t->text.text, title ? title : word[W_CHART_FIGURES]);
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
	.place = flow_place_box,
	.whole_tag = "Figure",
	.height = chart_height,
	.draw = chart_draw,
	.html = chart_html,
	.css = chart_css,
	.free = chart_free,
};
