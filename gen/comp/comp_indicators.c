/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_indicators.c: <indicator-table phase="primary">, the summary table of a progress
 * report's phase: each indicator's figure, change, comparators and status, coloured by
 * status, with a note of the rule that decided the colours. The figures and words come from
 * indicators.c; made from its tag (components.c) as an ordinary table and note. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gen.h"

static struct node *
cell(const char *file, int line, const char *text, int align)
{
	struct node *n = node_new(N_CELL, file, line, 1);

	buf_adds(&n->text.text, text);
	inl_typeset(&n->text);
	n->align = align;
	return n;
}

static char *
figure_text(const struct ind_stat *s, double v, unsigned char kind)
{
	struct buf b = { 0 };

	if (isnan(v))
		buf_adds(&b, datum_words(data_words(s->data), kind, 0));
	else
		indicator_figure(&b, s, v, 0);
	return b.s;
}

/* An amber band as the note states it: "2 percentage points", "0.1". */
static void
band_text(struct buf *b, const struct ind_stat *s)
{
	char t[32];

	snprintf(t, sizeof(t), "%s%g", strncmp(s->unit, "£", strlen("£")) == 0 ? "£" : "",
	    s->amber);
	if (strcmp(s->unit, "%") == 0 || strcmp(s->unit, "pp") == 0)
		indicator_unit(b, s->data, s->amber == 1 ? W_PERCENTAGE_POINT :
		    W_PERCENTAGE_POINTS, t);
	else if (strcmp(s->unit, "points") == 0)
		indicator_unit(b, s->data, s->amber == 1 ? W_POINT : W_POINTS, t);
	else {
		buf_adds(b, t);
		buf_adds(b, strcmp(s->unit, "£m") == 0 ? "m" : "");
	}
}

/* Whether st[i] has an amber band, and the same as one before it. */
static int
band_said(const struct ind_stat *st, size_t i)
{
	struct buf t = { 0 };
	int seen = 0;

	band_text(&t, &st[i]);
	for (size_t k = 0; k < i && !seen; k++)
		if (st[k].rag != RAG_NONE && st[k].rag < RAG_BETTER) {
			struct buf u = { 0 };

			band_text(&u, &st[k]);
			seen = strcmp(u.s, t.s) == 0;
			buf_free(&u);
		}
	buf_free(&t);
	return seen;
}

/* Each amber band once, "2 percentage points (Reading; Writing), 3 points (Maths)": with
 * the indicators it is for when the bands differ. */
static void
bands_text(struct buf *b, const struct ind_stat *st, size_t n)
{
	size_t kinds = 0, said = 0;

	for (size_t i = 0; i < n; i++)
		kinds += st[i].rag != RAG_NONE && st[i].rag < RAG_BETTER && !band_said(st, i);
	for (size_t i = 0; i < n; i++) {
		struct buf t = { 0 }, names = { 0 };

		if (st[i].rag == RAG_NONE || st[i].rag >= RAG_BETTER || band_said(st, i))
			continue;
		if (said++ > 0)
			buf_adds(b, ", ");
		band_text(&t, &st[i]);
		if (kinds == 1) {
			buf_adds(b, t.s);
			buf_free(&t);
			break;
		}
		for (size_t k = i, m = 0; k < n; k++) {
			struct buf u = { 0 };

			if (st[k].rag != RAG_NONE && st[k].rag < RAG_BETTER) {
				band_text(&u, &st[k]);
				if (strcmp(u.s, t.s) == 0) {
					buf_adds(&names, m++ ? "; " : "");
					buf_adds(&names, st[k].name);
				}
			}
			buf_free(&u);
		}
		words_fill(b, data_word(st[0].data, W_STATUS_BAND), (const char *[]){ "band",
		    "indicators" }, (const char *[]){ t.s, names.s }, 2, 0);
		buf_free(&t);
		buf_free(&names);
	}
}

/* The note under a status table: the rule and the comparator, from the same settings that
 * decided the colours, in the template's words. */
static struct node *
rule_note(const struct component_call *c, const struct ind_stat *st, size_t n)
{
	struct node *p = node_new(N_PARAGRAPH, c->file, c->line, c->col);
	struct buf *b = &p->text.text, bands = { 0 };
	const char *cmp = n > 0 ? st[0].cmp_label : "";
	int amber = 0, intervals = 0;

	p->note = 1;	/* the table's note, not a numbered paragraph of the report */
	for (size_t i = 0; i < n; i++) {
		intervals += st[i].rag >= RAG_BETTER;
		amber += st[i].rag != RAG_NONE && st[i].rag < RAG_BETTER;
	}
	words_fill(b, data_word(c->data, W_STATUS_RULE), (const char *[]){ "area",
	    "comparator" }, (const char *[]){ n > 0 ? st[0].area : "", cmp }, 2, 0);
	if (amber > 0) {
		bands_text(&bands, st, n);
		buf_adds(b, " ");
		words_fill(b, data_word(c->data, W_STATUS_BANDS), (const char *[]){ "comparator",
		    "bands" }, (const char *[]){ cmp, bands.s }, 2, 0);
		buf_free(&bands);
	}
	if (intervals > 0) {
		buf_adds(b, " ");
		words_fill(b, data_word(c->data, W_STATUS_INTERVALS),
		    (const char *[]){ "comparator" }, (const char *[]){ cmp }, 1, 0);
	}
	return p;
}

static struct node *
indicator_table_make(const struct component_call *c)
{
	char *phase = component_attr(c->tag, "phase");
	const struct table *l = indicators_list(c->data), *t = indicators_data(c->data);
	struct node *table, *row;
	struct ind_stat *st;
	struct buf widths = { 0 };
	size_t ncmp = c->data->ncmp, n = 0;
	int periods;

	if (phase != NULL && (l == NULL || t == NULL) && indicators_broken(c->data)) {
		free(phase);	/* their errors are said */
		return NULL;
	}
	if (phase == NULL || l == NULL || t == NULL) {
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, phase ? "<indicator-table> needs "
		    "data/indicators.csv and data/indicator-list.csv" : "<indicator-table> needs "
		    "phase=\"…\", as the indicator list names it");
		free(phase);
		return NULL;
	}
	table = node_new(N_TABLE, c->file, c->line, c->col);
	periods = csv_column(t, "period") >= 0;
	/* room for a period written "2022/23", and for "2021/22 suppressed" */
	buf_adds(&widths, periods ? "auto 11% 14% 14%" : "auto 8% 14% 12%");
	for (size_t i = 0; i < ncmp; i++)	/* room for "not published" on two lines */
		buf_adds(&widths, periods ? " 14%" : " 13%");
	buf_adds(&widths, " 11%");
	table->widths = widths.s;
	table->name = xasprintf("indicators (%s)", phase);
	row = node_new(N_ROW, c->file, c->line, c->col);
	node_append(table, row);
	node_append(row, cell(c->file, c->line, data_word(c->data, W_INDICATOR), 0));
	node_append(row, cell(c->file, c->line, data_word(c->data, W_YEAR), 2));
	node_append(row, cell(c->file, c->line, indicators_area(c->data, t), 2));
	node_append(row, cell(c->file, c->line, data_word(c->data, W_CHANGE), 2));
	for (size_t i = 0; i < ncmp; i++)
		node_append(row, cell(c->file, c->line, c->data->cmp[i].label, 2));
	node_append(row, cell(c->file, c->line, data_word(c->data, W_STATUS), 2));
	st = xcalloc(l->nrows + 1, sizeof(*st));
	for (size_t r = 0; r < l->nrows; r++) {
		struct ind_stat *s = &st[n];
		char *text, year[64];

		if (strcasecmp(csv_text(l, r, "phase"), phase) != 0)
			continue;
		indicator_stat(c->data, csv_text(l, r, "indicator"), s);
		n++;
		snprintf(year, sizeof(year), "%s", s->period);
		row = node_new(N_ROW, l->path, l->cells[r * l->ncols].line, 1);
		node_append(table, row);
		node_append(row, cell(l->path, row->line, s->name, 0));
		node_append(row, cell(l->path, row->line, year, 2));
		text = figure_text(s, s->latest, s->latest_kind);
		node_append(row, cell(l->path, row->line, text, 2));
		component_figure(c, s->t, s->latest_cell, text);
		free(text);
		text = indicator_change(s);
		node_append(row, cell(l->path, row->line, text, 2));
		free(text);
		for (size_t i = 0; i < ncmp; i++) {
			text = figure_text(s, s->cmp[i], s->cmp_kind[i]);
			node_append(row, cell(l->path, row->line, text, 2));
			component_figure(c, s->t, s->cmp_cell[i], text);
			free(text);
		}
		/* the status: its colour, and its word for who cannot see it */
		node_append(row, cell(l->path, row->line, rag_name(c->data, s->rag), 2));
		row->last->fill = rag_fill(s->rag);
	}
	table->next = rule_note(c, st, n);	/* markdown.c places the note after the table */
	free(st);
	free(phase);
	return table;
}

const struct component comp_indicator_table = {
	.tag = "indicator-table",
	.make = indicator_table_make,
};

