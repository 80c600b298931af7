/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_outcome.c: <outcomes data="outcomes" headers="Outcome|How this will be achieved|How
 * we will know">, a strategy's outcome grid: a row per outcome of the table, the outcome in
 * bold in the first column and, in each other column, its items one to a line, each with a
 * bullet. Made from its tag (components.c); hands on an N_TABLE, so the table layout sets it (the
 * header row repeated on each page, rows never split). */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static struct node *
cell(const char *file, int line, int col)
{
	return node_new(N_CELL, file, line, col);
}

/* The header row: `headers` split at "|", or else the table's column names. Returns -1 after
 * an error when the headers do not match the columns. */
static int
header_row(const struct component_call *c, const struct table *t, char *headers,
    struct node *row)
{
	char *save = NULL, *h = headers ? strtok_r(headers, "|", &save) : NULL;
	size_t n = 0;

	for (size_t col = 0; col < t->ncols; col++) {
		struct node *x = cell(t->path, t->col_line[col], t->col_col[col]);

		buf_adds(&x->text.text, h ? h : t->cols[col]);
		inl_typeset(&x->text);
		node_append(row, x);
		if (h != NULL) {
			n++;
			h = strtok_r(NULL, "|", &save);
		}
	}
	if (headers != NULL && (n != t->ncols || h != NULL)) {
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<outcomes> headers= names %zu "
		    "column%s, but data/%s.csv has %zu", n + (h != NULL), n + (h != NULL) == 1 ?
		    "" : "s", t->name, t->ncols);
		return -1;
	}
	return 0;
}

static struct node *
outcome_make(const struct component_call *c)
{
	char *name = component_attr(c->tag, "data"), *headers = component_attr(c->tag, "headers");
	char *widths = component_attr(c->tag, "widths");
	const struct table *t = NULL;
	struct node *table = NULL, *row;
	int bad = 0;

	if (name == NULL)
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<outcomes> needs data=\"TABLE\": "
		    "the CSV file in data/ with a row for each outcome");
	else if ((t = datasets_find(c->data, name)) == NULL) {
		const char *names[64], *near;
		size_t n = 0;

		for (size_t i = 0; c->data != NULL && i < c->data->n && n < 64; i++)
			names[n++] = c->data->v[i]->name;
		near = nearest_word(name, names, n);
		if (!datasets_broken(c->data, name))
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<outcomes> names `%s`, but "
			    "there is no data/%s.csv%s%s%s", name, name, near ? " (did you mean `" :
			    "", near ? near : "", near ? "`?)" : "");
	} else if (t->ncols < 2) {
		msg(c->g, MSG_ERROR, t->path, 1, 1, "<outcomes> needs at least two columns: the "
		    "outcome, then what is done for it (data/%s.csv has %zu)", name, t->ncols);
		t = NULL;
	}
	if (t != NULL) {
		table = node_new(N_TABLE, c->file, c->line, c->col);
		table->widths = xstrdup(widths ? widths : "26%");
		table->name = xstrdup(name);
		row = node_new(N_ROW, c->file, c->line, c->col);
		node_append(table, row);
		bad = header_row(c, t, headers, row);
		for (size_t r = 0; r < t->nrows; r++) {
			const struct cell *first = &t->cells[r * t->ncols];

			if (first->text[0] == '\0') {
				csv_say(c->g, t, MSG_ERROR, first->line, first->col, "the outcome is "
				    "empty; each row of an outcome grid names its outcome");
				bad++;
			}
			row = node_new(N_ROW, t->path, first->line, 1);
			node_append(table, row);
			for (size_t col = 0; col < t->ncols; col++) {
				const struct cell *ce = &t->cells[r * t->ncols + col];
				struct node *x = cell(t->path, ce->line, ce->col);

				if (col == 0) {
					buf_adds(&x->text.text, ce->text);
					inl_span(&x->text, 0, x->text.text.len, ST_STRONG, NULL);
				} else
					component_items(&x->text.text, ce->text);
				inl_typeset(&x->text);
				node_append(row, x);
			}
		}
	}
	if (bad > 0) {
		node_free(table);
		table = NULL;
	}
	free(name);
	free(headers);
	free(widths);
	return table;
}

const struct component comp_outcomes = { .tag = "outcomes", .make = outcome_make };
