/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_table.c: <data-table data="TABLE" headers="A|B" widths="auto 25% 30mm" caption="…"
 * group="COLUMN" items="bullets">, a CSV file set as a table: the same rows and cells as a
 * Markdown table, so one layout serves both; a group column's value heads its rows, in a row
 * across the table. Called by markdown.c; hands on an N_TABLE whose `widths` holds the column
 * widths, and whose group rows are N_ROWs of level 1 with one cell. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gen.h"

static const struct table *
find(const struct component_call *c, const char *name)
{
	const char *names[128], *near;
	size_t n = 0;

	if (datasets_broken(c->data, name))
		return NULL;	/* its errors are said */
	for (size_t i = 0; c->data != NULL && i < c->data->n; i++) {
		if (strcmp(c->data->v[i]->name, name) == 0)
			return c->data->v[i];
		if (n < 128)
			names[n++] = c->data->v[i]->name;
	}
	near = nearest_word(name, names, n);
	msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<data-table> names `%s`, but there is no "
	    "data/%s.csv%s%s%s", name, name, near ? " (did you mean `" : "", near ? near : "",
	    near ? "`?)" : "");
	return NULL;
}

/* Whether column c holds figures (worked out from its cells, or declared), set
 * right-aligned with figures of one width. */
static int
numeric_column(const struct table *t, size_t c)
{
	return t->types[c] == COL_NUMBER || t->types[c] == COL_PERCENT;
}

/* What a cell of a column of figures shows: the figure as written, the meaning of a symbol
 * in words, and a dash for an empty cell, with a warning (a table never hides a gap). */
static const char *
shown_text(struct gen *g, const struct datasets *d, const struct table *t,
    const struct cell *ce)
{
	if (ce->kind == D_EMPTY) {
		csv_say(g, t, MSG_WARNING, ce->line, ce->col, "this cell is empty, so the table "
		    "shows a dash; write the figure, or a symbol such as [x] (not available) or "
		    "[z] (not applicable)");
		return "\xe2\x80\x93";
	}
	return DATUM_MISSING(ce->kind) ? datum_words(data_words(d), ce->kind, 0) : ce->text;
}

/* A cell: a list written "a; b; c" is set one item to a line, each after a bullet when
 * `bullets` (items="bullets", in a column where some cell holds a list). */
static struct node *
cell(const char *file, int line, int col, const char *text, int align, int bullets)
{
	struct node *n = node_new(N_CELL, file, line, col);

	if (bullets)
		component_items(&n->text.text, text);
	else
		for (const char *p = text; *p; p++) {
			if (p[0] == ';' && p[1] == ' ') {
				buf_addc(&n->text.text, '\n');
				p++;
			} else
				buf_addc(&n->text.text, *p);
		}
	n->align = align;
	inl_typeset(&n->text);
	return n;
}

/* A row across the table that heads the rows after it: a group's name. */
static struct node *
group_row(const struct table *t, const struct cell *ce)
{
	struct node *row = node_new(N_ROW, t->path, ce->line, 1), *x = cell(t->path, ce->line,
	    ce->col, ce->text, 0, 0);

	row->group = 1;
	inl_span(&x->text, 0, x->text.text.len, ST_STRONG, NULL);
	node_append(row, x);
	return row;
}

/* Whether a row whose first cell says `first` is a totals row: one the tag's totals= names
 * ("Total schools budget|Schools formula spending share"), or else one whose first word is
 * "Total" or "Totals"; totals="none" marks none. */
static int
totals_row(const char *first, const char *totals)
{
	size_t n;

	if (totals != NULL) {
		if (strcasecmp(totals, "none") == 0)
			return 0;
		for (const char *p = totals; *p; p += n + (p[n] == '|')) {
			n = strcspn(p, "|");
			if (n == strlen(first) && strncasecmp(p, first, n) == 0)
				return 1;
		}
		return 0;
	}
	n = strncasecmp(first, "totals", 6) == 0 ? 6 : strncasecmp(first, "total", 5) == 0 ? 5 :
	    0;
	return n > 0 && (first[n] == '\0' || first[n] == ' ' || first[n] == ':');
}

static struct node *
table_make(const struct component_call *c)
{
	char *name = component_attr(c->tag, "data"), *headers = component_attr(c->tag, "headers");
	char *widths = component_attr(c->tag, "widths"), *caption = component_attr(c->tag,
	    "caption"), *totals = component_attr(c->tag, "totals"), *save = NULL, *h;
	char *group = component_attr(c->tag, "group"), *items = component_attr(c->tag, "items");
	const struct table *t = NULL;
	struct node *table = NULL, *row;
	size_t col = 0;
	int *num = NULL, *listed = NULL, gc = -1;
	int bullets = items != NULL && strcmp(items, "bullets") == 0;
	const char *last = NULL;

	if (name == NULL)
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<data-table> needs data=\"TABLE\", "
		    "the CSV file in data/ to set");
	else if (items != NULL && !bullets)
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<data-table> items=\"%s\": the "
		    "only choice is items=\"bullets\" (a list written a; b set with bullets)", items);
	else if ((t = find(c, name)) != NULL &&
	    (group == NULL || (gc = csv_need_column(c->g, t, group, "<data-table group=…>")) >= 0)) {
		num = xcalloc(t->ncols + 1, sizeof(*num));
		listed = xcalloc(t->ncols + 1, sizeof(*listed));
		for (size_t r = 0; r < t->nrows; r++)	/* the columns that hold lists */
			for (col = 0; col < t->ncols; col++)
				listed[col] |= strstr(t->cells[r * t->ncols + col].text, "; ") != NULL;
		for (col = 0; col < t->ncols; col++)
			num[col] = numeric_column(t, col) ? 2 : 0;
		col = 0;
		table = node_new(N_TABLE, c->file, c->line, c->col);
		table->widths = widths ? xstrdup(widths) : NULL;
		table->name = xstrdup(name);
		if (caption != NULL) {
			buf_adds(&table->text.text, caption);
			inl_typeset(&table->text);
		}
		row = node_new(N_ROW, c->file, c->line, c->col);
		node_append(table, row);
		for (h = headers ? strtok_r(headers, "|", &save) : NULL; col < t->ncols; col++) {
			if ((int)col == gc)	/* the group column heads rows, not a column */
				continue;
			node_append(row, cell(t->path, t->col_line[col], t->col_col[col],
			    h ? h : t->cols[col], num[col], 0));
			h = h ? strtok_r(NULL, "|", &save) : NULL;
		}
		for (size_t r = 0; r < t->nrows; r++) {
			size_t first = gc == 0 ? 1 : 0;

			if (gc >= 0) {
				const struct cell *g = &t->cells[r * t->ncols + (size_t)gc];

				if (g->text[0] != '\0' && (last == NULL || strcmp(last, g->text)))
					node_append(table, group_row(t, g));
				last = g->text;
			}
			row = node_new(N_ROW, t->path, t->cells[r * t->ncols].line, 1);
			row->totals = t->ncols > first && totals_row(t->cells[r * t->ncols +
			    first].text, totals);
			node_append(table, row);
			for (col = 0; col < t->ncols; col++) {
				const struct cell *ce = &t->cells[r * t->ncols + col];
				struct node *x;

				if ((int)col == gc)
					continue;
				x = cell(t->path, ce->line, ce->col, num[col] ? shown_text(c->g, c->data, t,
				    ce) : ce->text, num[col], bullets && listed[col]);

				if (row->totals && x->text.text.len > 0)	/* in bold */
					inl_span(&x->text, 0, x->text.text.len, ST_STRONG, NULL);
				node_append(row, x);
			}
		}
	}
	free(num);
	free(listed);
	free(name);
	free(headers);
	free(widths);
	free(caption);
	free(totals);
	free(group);
	free(items);
	return table;
}

const struct component comp_data_table = { .tag = "data-table", .make = table_make };
