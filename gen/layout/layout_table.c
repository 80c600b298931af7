/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout_table.c: tables: column widths from the cells' words, rows never split, the
 * header row repeated on each page a table runs onto. Called by layout.c's place_blocks(). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"
#include "layout.h"

/* ---- tables: a first, simple layout; rows are never split ---- */

struct row {
	const struct node	*node;
	PangoLayout		**cell;
	double			 h;
};

/* Widths written "auto 25% 30mm …", one word a column: fixed and proportional columns take
 * their share, the automatic ones share the rest by their natural widths. */
static void
spec_widths(const char *spec, int ncols, double avail, const double *nat, const double *min,
    double *w)
{
	char *copy = xstrdup(spec), *save = NULL, *tok = strtok_r(copy, " ,", &save);
	double used = 0, natauto = 0;
	int *is_auto = xcalloc((size_t)ncols, sizeof(int));

	for (int c = 0; c < ncols; c++, tok = tok ? strtok_r(NULL, " ,", &save) : NULL) {
		char *end;
		double v = tok ? strtod(tok, &end) : 0;

		if (tok == NULL || strcmp(tok, "auto") == 0 || end == tok)
			is_auto[c] = 1;
		else if (*end == '%')
			w[c] = avail * v / 100;
		else
			w[c] = strcmp(end, "mm") == 0 ? v * 72 / 25.4 : strcmp(end, "cm") == 0 ?
			    v * 72 / 2.54 : v;
		if (is_auto[c])
			natauto += nat[c];
		else
			used += w[c];
	}
	for (int c = 0; c < ncols; c++)
		if (is_auto[c])
			w[c] = fmax(min[c], natauto > 0 ? (avail - used) * nat[c] / natauto :
			    (avail - used) / ncols);
	free(is_auto);
	free(copy);
}

/* Column widths: natural widths when they fit, else shrunk towards each column's longest
 * word, proportionally to what each column can give. Each cell's longest word goes in cmin,
 * row by row. */
static void
column_widths(struct flow *f, const struct node *table, int ncols, double avail, double *w,
    double *cmin)
{
	const struct style *s = &f->t->role[R_TABLE];
	double *nat = xcalloc((size_t)ncols, sizeof(double)), *min = xcalloc((size_t)ncols,
	    sizeof(double)), tn = 0, tm = 0;
	size_t row = 0;

	for (const struct node *r = table->first; r; r = r->next, row++) {
		int c = 0;

		if (r->group)	/* a group's row spans the columns: it sets no width */
			continue;
		for (const struct node *cl = r->first; cl && c < ncols; cl = cl->next, c++) {
			double *m = &cmin[row * (size_t)ncols + (size_t)c];

			nat[c] = fmax(nat[c], text_width(f, s, &cl->text, -1, 0) +
			    2 * CELL_PAD);
			/* one word a line: the longest word's width */
			*m = text_width(f, s, &cl->text, 1.0 / PANGO_SCALE, LO_WORDS) +
			    2 * CELL_PAD;
			min[c] = fmax(min[c], *m);
		}
	}
	for (int c = 0; c < ncols; c++) {
		min[c] = fmin(min[c], avail / ncols);
		tn += nat[c];
		tm += min[c];
	}
	for (int c = 0; c < ncols; c++) {
		if (tn <= avail)
			w[c] = nat[c] + (avail - tn) * (nat[c] / tn);
		else
			w[c] = min[c] + (avail - tm) * ((nat[c] - min[c]) / (tn - tm));
	}
	if (table->widths != NULL)	/* the template's or tag's widths */
		spec_widths(table->widths, ncols, avail, nat, min, w);
	if (table->rowheads && ncols > 1) {	/* labels as wide as they need, within reason */
		double rest = 0;

		for (int c = 1; c < ncols; c++)
			rest += w[c];
		w[0] = fmin(nat[0] + 8, avail * 0.36);
		for (int c = 1; c < ncols; c++)
			w[c] *= (avail - w[0]) / rest;
	}
	free(nat);
	free(min);
}

/* A table's column widths in `avail` pt, and each cell's narrowest width, row by row: worked
 * out once for the table, whether its heading asks first (table_lead()) or the table. */
static const double *
table_widths(struct flow *f, const struct node *table, int ncols, double avail,
    const double **cmin)
{
	size_t nrows = 0;

	if (f->tw_table != table || f->tw_avail != avail) {
		for (const struct node *r = table->first; r; r = r->next)
			nrows++;
		free(f->tw_w);
		free(f->tw_min);
		f->tw_w = xcalloc((size_t)ncols, sizeof(double));
		f->tw_min = xcalloc(nrows * (size_t)ncols, sizeof(double));
		column_widths(f, table, ncols, avail, f->tw_w, f->tw_min);
		f->tw_table = table;
		f->tw_avail = avail;
	}
	if (cmin != NULL)
		*cmin = f->tw_min;
	return f->tw_w;
}

/* Lays out a row's cells in columns `w` wide; with LO_TEMP in `opts`, only to measure (the
 * caller unrefs the cells). */
static void
measure_row(struct flow *f, struct row *row, int ncols, const double *w, int header,
    int rowhead, int opts)
{
	const struct style *ts = &f->t->role[R_TABLE];
	int c = 0;

	double all = 0;

	for (int k = 0; k < ncols; k++)
		all += w[k];
	row->cell = xcalloc((size_t)ncols, sizeof(*row->cell));
	row->h = ts->leading;
	for (const struct node *cl = row->node->first; cl && c < ncols; cl = cl->next, c++) {
		PangoRectangle lr;
		struct style s = *ts;
		/* a group's row: its one cell across the table */
		double cw = row->node->group ? all : w[c];

		if (header || (rowhead && c == 0))
			s.weight = 700;
		/* Set right, figures are of one width, so columns of numbers align. */
		row->cell[c] = make_layout(f, &s, &cl->text, inl_str(&cl->text),
		    cw - 2 * CELL_PAD, opts | (cl->align == 1 ? LO_CENTRE : cl->align == 2 ?
		    LO_RIGHT | LO_TNUM : 0) | (strncmp(inl_str(&cl->text), "\xe2\x80\xa2\xc2\xa0",
		    5) == 0 ? LO_HANG : 0));
		layout_extents(row->cell[c], &lr);
		row->h = fmax(row->h, FROM_PANGO(lr.height));
	}
	row->h += 2 * CELL_PAD;
}

static void
emit_row(struct flow *f, const struct row *row, int ncols, const double *w,
    const struct frame *fr, int header, int band, int repeat)
{
	double x = fr->x;
	int c = 0;
	struct piece *pc;

	if (row->node->totals && !header) {	/* a totals row: ruled above, never banded */
		pc = add_piece(f, PC_RULE, row->node, fr->x, f->y, fr->w, 0.9);
		pc->colour = f->t->role[R_TABLE].colour;
		pc->role = RO_ARTIFACT;
		band = 0;
	}
	if (header || band || row->node->group) {
		pc = add_piece(f, PC_FILL, row->node, fr->x, f->y, fr->w, row->h);
		pc->colour = header ? f->t->accent : f->t->band;
		pc->role = RO_ARTIFACT;
		if (row->node->group) {	/* a group's row: on the band, ruled above */
			pc = add_piece(f, PC_RULE, row->node, fr->x, f->y, fr->w, 1.2);
			pc->colour = f->t->accent;
			pc->role = RO_ARTIFACT;
		}
	} else if (row->node->parent->rowheads) {
		pc = add_piece(f, PC_FILL, row->node, fr->x, f->y, w[0], row->h);
		pc->colour = f->t->band;
		pc->role = RO_ARTIFACT;
	}
	for (const struct node *cl = row->node->first; cl && c < ncols; cl = cl->next, c++) {
		if (cl->fill != 0) {	/* a status's colour */
			pc = add_piece(f, PC_FILL, cl, x, f->y, w[c], row->h);
			pc->colour = cl->fill;
			pc->role = RO_ARTIFACT;
		}
		pc = add_piece(f, PC_TEXT, cl, x + CELL_PAD, f->y + CELL_PAD, (row->node->group ?
		    fr->w : w[c]) - 2 * CELL_PAD, row->h - 2 * CELL_PAD);
		pc->layout = row->cell[c];
		pc->line0 = 0;
		pc->line1 = layout_line_count(row->cell[c]);
		pc->colour = header ? f->t->accent_text : f->t->role[R_TABLE].colour;
		pc->role = repeat ? RO_ARTIFACT : RO_BLOCK;
		pc->first = !repeat;
		x += w[c];
	}
	f->y += row->h;
	pc = add_piece(f, PC_RULE, row->node, fr->x, f->y - 0.4, fr->w, 0.4);
	pc->colour = f->t->rule;
	pc->role = RO_ARTIFACT;
	f->fresh = 0;
}

/* The height of a table's caption, header and first row: what must follow its heading. */
double
table_lead(struct flow *f, const struct node *table, const struct frame *fr)
{
	int ncols = 0, i = 0;
	const double *w;
	double h = 6;
	struct row rows[2];

	for (const struct node *r = table->first; r; r = r->next) {
		int c = 0;

		for (const struct node *cl = r->first; cl; cl = cl->next)
			c++;
		ncols = c > ncols ? c : ncols;
	}
	if (ncols == 0)
		return 0;
	w = table_widths(f, table, ncols, fr->w, NULL);
	for (const struct node *r = table->first; r && i < 2; r = r->next, i++) {
		int c = 0;

		rows[i].node = r;
		measure_row(f, &rows[i], ncols, w, !table->rowheads && i == 0, table->rowheads,
		    LO_TEMP);
		h += rows[i].h;
		for (const struct node *cl = r->first; cl && c < ncols; cl = cl->next, c++)
			g_object_unref(rows[i].cell[c]);
		free(rows[i].cell);
	}
	if (table->text.text.len > 0)
		h += f->t->role[R_CAPTION].leading * 2;
	return h;
}

/* Whether a cell's words are a figure: digits with their signs and separators. */
static int
is_figure(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits = 1;
		else if (strchr(" ,.%+-", *s) == NULL && strncmp(s, "\xe2\x88\x92", 3) != 0 &&
		    strncmp(s, "\xc2\xa3", 2) != 0 && ((unsigned char)*s & 0xc0) != 0x80)
			return 0;	/* not a digit, a sign, a separator, − or £ */
	}
	return digits;
}

/* Says when a column is narrower than a word in it, which pango then breaks inside: a
 * warning naming the table, or an error at the cell when the word is a figure (split over
 * two lines, it misreads). Only the widths chosen here tell, so layout says it, on the
 * main flow only (the worker thread's measures what the main flow places again). */
static void
check_columns(struct flow *f, const struct node *table, int ncols, const double *w,
    const double *cmin)
{
	const char *name = table->name != NULL ? table->name : "";

	for (int c = 0; c < ncols && !f->storing; c++) {
		const struct node *worst = NULL;
		double widest = 0;

		size_t row = 0;

		for (const struct node *r = table->first; r; r = r->next, row++) {
			const struct node *cl = r->first;
			double ww;

			if (r->group)	/* a group's row spans the columns */
				continue;
			for (int k = 0; cl != NULL && k < c; k++)
				cl = cl->next;
			if (cl == NULL || cl->text.text.len == 0)
				continue;
			ww = cmin[row * (size_t)ncols + (size_t)c];
			if (ww <= w[c] + 0.5)
				continue;
			if (is_figure(inl_str(&cl->text)))
				msg(f->g, MSG_ERROR, cl->file, cl->line, cl->col, "`%s` does not fit "
				    "column %d of the table%s%s%s (%.0f mm wide) and would be broken; "
				    "give the column more room (widths=\"…\") or the table fewer "
				    "columns", inl_str(&cl->text), c + 1, *name ? " `" : "", name,
				    *name ? "`" : "", w[c] * 25.4 / 72);
			else if (ww > widest) {
				widest = ww;
				worst = cl;
			}
		}
		if (worst != NULL)
			msg(f->g, MSG_WARNING, table->file, table->line, table->col, "column %d "
			    "of the table%s%s%s is %.0f mm wide, narrower than a word in it (line %d), "
			    "which is broken", c + 1, *name ? " `" : "", name, *name ? "`" : "",
			    w[c] * 25.4 / 72, worst->line);
	}
}

void
place_table(struct flow *f, const struct node *table, const struct frame *fr)
{
	int ncols = 0, nrows = 0, i = 0, k, head = !table->rowheads;
	const double *w, *cmin;
	struct row *rows;

	for (const struct node *r = table->first; r; r = r->next, nrows++) {
		int c = 0;

		for (const struct node *cl = r->first; cl; cl = cl->next)
			c++;
		ncols = c > ncols ? c : ncols;
	}
	if (ncols == 0)
		return;
	rows = xcalloc((size_t)nrows, sizeof(*rows));
	w = table_widths(f, table, ncols, fr->w, &cmin);
	check_columns(f, table, ncols, w, cmin);
	for (const struct node *r = table->first; r; r = r->next, i++) {
		rows[i].node = r;
		measure_row(f, &rows[i], ncols, w, head && i == 0, table->rowheads, 0);
	}
	f->y += space_above(f, 6);
	if (table->text.text.len > 0) {	/* a caption, kept with the first rows */
		const struct style *cs = &f->t->role[R_CAPTION];
		PangoLayout *l = make_layout(f, cs, &table->text, inl_str(&table->text), fr->w, 0);
		struct piece *pc;

		if (!f->fresh && f->y + layout_h(l) + rows[0].h * 2 > column_end(f))
			new_page(f, PG_BODY);
		pc = add_piece(f, PC_TEXT, table, fr->x, f->y, fr->w, layout_h(l));
		pc->layout = l;
		pc->line1 = layout_line_count(l);
		pc->role = RO_CAPTION;
		pc->colour = cs->colour;
		pc->first = 1;
		f->y += layout_h(l) + 4;
		f->fresh = 0;
	}
	for (i = 0, k = 0; i < nrows; i++) {
		/* a header or a group's row is kept with the row after it */
		int lead = (head && i == 0) || rows[i].node->group;
		double need = rows[i].h + (lead && i + 1 < nrows ? rows[i + 1].h : 0);

		if (!f->fresh && f->y + need > column_end(f)) {
			new_page(f, PG_BODY);
			if (head && i > 0)
				emit_row(f, &rows[0], ncols, w, fr, 1, 0, 1);
		}
		/* every other row banded, counted afresh under each group */
		k = rows[i].node->group || (head && i == 0) ? 0 : k + 1;
		emit_row(f, &rows[i], ncols, w, fr, head && i == 0, head && i > 0 &&
		    !rows[i].node->group && k % 2 == 0, 0);
	}
	f->space = text_style(f, fr)->after + 4;
	for (i = 0; i < nrows; i++)
		free(rows[i].cell);
	free(rows);
}
