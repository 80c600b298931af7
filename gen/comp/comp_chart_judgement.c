/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_chart_judgement.c: <chart type="judgement" data=… label=… name=… grade=… self=…
 * previous=… average=… scale="Excellent|…">, an inspection's summary of judgements on the
 * 1-7 scale: for each function a bar to its grade, with its self-evaluation, previous grades
 * and the average of all authorities marked. One of the chart types in comp_chart.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "gen.h"
#include "chart.h"

#define JROW		25.0	/* pt a judgement row: two lines of its function's name */
#define JHEAD		44.0	/* pt above the rows: the title, the key, the scale */
#define JWORDS		44.0	/* pt kept right of grade 7 for its word beside the bar */

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
	chart_colour(cr, t->role[R_BODY].colour);
	cairo_move_to(cr, x, y + (JROW - lr.height / (double)PANGO_SCALE) / 2);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
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
	chart_colour(cr, m == 3 ? SERIES(t, 1) : t->role[R_BODY].colour);
	if (m == 1)
		chart_marker(cr, 2, cx, cy, size / 4);
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
		chart_text(cr, ctx, t, ch->title, 10.5, 700, x, y, 0, t->role[R_BODY].colour);
	for (int s = 0; s < 4; s++) {	/* the key: every mark drawn, and only those */
		if (!mark_drawn(ch, s))
			continue;
		if (s == 0) {
			chart_colour(cr, t->accent);
			cairo_rectangle(cr, lx, y + 19, 12, 7);
			cairo_fill(cr);
		} else
			draw_mark(cr, t, s, lx + 6, y + 22.5, 12);
		lx += 16 + chart_text(cr, ctx, t, ch->name[s], CHART_TEXT, 400, lx + 15, y + 17, 0,
		    t->role[R_BODY].colour) + 12;
	}
	for (int g = 1; g <= 7; g++) {	/* the scale */
		char lab[8];

		snprintf(lab, sizeof(lab), "%d", g);
		chart_text(cr, ctx, t, lab, CHART_TEXT, 600, left + unit * (g - 0.5), top - 12, 1,
		    t->muted);
		chart_colour(cr, t->grid);
		cairo_set_line_width(cr, 0.4);
		cairo_move_to(cr, left + unit * g, top - 2);
		cairo_line_to(cr, left + unit * g, top + JROW * ch->t->nrows);
		cairo_stroke(cr);
	}
	for (size_t r = 0; r < ch->t->nrows; r++) {
		double ry = top + JROW * r, g = chart_value(ch, r, ch->y[0]), end = left;
		char *rn = row_name(ch, r), *words;

		label(cr, ctx, t, rn, x, ry, lw);
		free(rn);
		if (!isnan(g)) {
			end = left + unit * (g - 0.5);
			chart_colour(cr, t->accent);
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
			chart_colour(cr, t->role[R_BODY].colour);
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
			chart_text(cr, ctx, t, b.s, CHART_TEXT, 400, x, top + JROW * ch->t->nrows + 4, 0,
			    t->muted);
		buf_free(&b);
	}
}

/* Reads the columns of the functions (label=, name=) and of the four marks (grade=, self=,
 * previous=, average=), their names in the key (names="A|B|C|D") and the scale. */
static int
judgement_read(const struct component_call *c, struct chart *ch, const char *ind,
    char **ind_series, char **ind_names)
{
	static const char *const keys[] = { "grade", "self", "previous", "average" };
	const struct table *t = ch->t;
	char *label = component_attr(c->tag, "label"), *name = component_attr(c->tag, "name");
	char *names = component_attr(c->tag, "names"), *save = NULL;
	char *nm = names ? strtok_r(names, "|", &save) : NULL;
	int bad = 0;

	(void)ind;	/* an indicator's years are not judgements */
	(void)ind_series;
	(void)ind_names;
	ch->x = chart_column(c, t, label ? label : t->cols[0]);
	ch->fn = name ? chart_column(c, t, name) : -1;
	bad |= name != NULL && ch->fn < 0;
	free(name);
	ch->scale = component_attr(c->tag, "scale");
	for (int s = 0; s < 4; s++) {
		char *col = component_attr(c->tag, keys[s]);

		ch->y[s] = col ? chart_column(c, t, col) : -1;
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
	ch->ymax = 7;
	return bad;
}

/* Checks every grade: the bar's a figure from 1 to 7, the other marks as read_marks() reads
 * them; each bad one an error at its cell. */
static int
judgement_check(const struct component_call *c, struct chart *ch)
{
	size_t n = ch->t->nrows * 4 * JMARKS;
	int bad_cells = 0;

	ch->marks = xcalloc(n + 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		ch->marks[i] = NAN;
	for (int s = 0; s < ch->n; s++) {
		if (ch->y[s] < 0)
			continue;
		if (s == 0)	/* a bar's grade: a figure */
			bad_cells += csv_need_numbers(c->g, ch->t, (size_t)ch->y[s]);
		for (size_t r = 0; r < ch->t->nrows; r++) {
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

/* Grade g ("1") as the description says it: with its `meaning` on the scale, if any. */
static void
grade_said(struct buf *b, const struct chart *ch, const char *g, const char *meaning)
{
	if (meaning == NULL)
		buf_adds(b, g);
	else
		words_fill(b, data_word(ch->data, W_CHART_GRADE), (const char *[]){ "grade",
		    "meaning" }, (const char *[]){ g, meaning }, 2, 0);
}

/* The description read aloud in place of the chart. */
static char *
judgement_describe(const struct chart *ch)
{
	struct buf b = { 0 };
	size_t nr = ch->t->nrows;
	char num[160];

	char *best = grade_words(ch, 1), *worst = grade_words(ch, 7);
	struct buf lo = { 0 }, hi = { 0 };

	if (ch->title != NULL) {
		buf_adds(&b, ch->title);
		buf_adds(&b, ": ");
	}
	grade_said(&lo, ch, "1", best);
	grade_said(&hi, ch, "7", worst);
	words_fill(&b, data_word(ch->data, W_CHART_GRADES), (const char *[]){ "best", "worst" },
	    (const char *[]){ lo.s, hi.s }, 2, 0);
	buf_free(&lo);
	buf_free(&hi);
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
			buf_adds(&b, DATUM_MISSING(ce->kind) ? datum_words(data_words(ch->data), ce->kind, 1) :
			    ce->text);
		}
		buf_adds(&b, ".");
	}
	return b.s;
}

static const char *
judgement_heading(const struct chart *ch, int s)
{
	static const int word[] = { W_GRADE, W_SELF, W_PREVIOUS_GRADE, W_AVERAGE };

	return data_word(ch->data, word[s]);
}

static double
judgement_height(const struct chart *ch, double w)
{
	(void)w;
	return JHEAD + JROW * ch->t->nrows + 16;
}

const struct chart_kind chart_judgement = {
	.type = "judgement",
	.read = judgement_read,
	.check = judgement_check,
	.describe = judgement_describe,
	.heading = judgement_heading,
	.height = judgement_height,
	.draw = draw_judgement,
};
