/* indicators.c: a progress report's indicators, read from long-form data (indicator, area,
 * year, value, england, north-west, target, source): the latest figure, the change on the
 * year before, the gaps to England and the North West, a red/amber/green status by the
 * template's rule, and a sentence that says it all. Used by bind.c ({{ phrase KEY }}),
 * the <indicator-table> component here and charts (<chart indicator=KEY>). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *
col(const struct table *t, size_t r, const char *name)
{
	int c = csv_column(t, name);

	return c < 0 ? "" : t->cells[r * t->ncols + (size_t)c].text;
}

/* A figure, or NAN when the cell is empty ("not published"). */
static double
num(const char *s)
{
	char *end;
	double v;

	if (*s == '\0')
		return NAN;
	v = strtod(s, &end);
	return end == s ? NAN : v;
}

static const struct table *
data_of(const struct datasets *d)
{
	return datasets_find(d, d && d->ind_data ? d->ind_data : "indicators");
}

static const struct table *
list_of(const struct datasets *d)
{
	return datasets_find(d, d && d->ind_list ? d->ind_list : "indicator-list");
}

enum rag
indicator_rag(double value, double england, int higher_better, double amber)
{
	double gap;

	if (isnan(value) || isnan(england))
		return RAG_NONE;
	gap = higher_better ? value - england : england - value;
	if (gap >= -1e-9)
		return RAG_GREEN;
	return gap >= -amber - 1e-9 ? RAG_AMBER : RAG_RED;
}

int
indicator_stat(const struct datasets *d, const char *key, struct ind_stat *s)
{
	const struct table *t = data_of(d), *l = list_of(d);
	long prev_row = -1, last_row = -1;

	memset(s, 0, sizeof(*s));
	s->key = key;
	s->latest = s->prev = s->england = s->nw = s->target = NAN;
	if (t == NULL || l == NULL)
		return -1;
	for (size_t r = 0; r < l->nrows; r++)
		if (strcmp(col(l, r, "indicator"), key) == 0) {
			s->name = col(l, r, "name");
			s->unit = col(l, r, "unit");
			s->higher_better = strcmp(col(l, r, "better"), "lower") != 0;
			s->found = 1;
		}
	if (!s->found)
		return -1;
	/* the latest year with a figure, and the row of the year before it */
	for (size_t r = 0; r < t->nrows; r++) {
		int year = atoi(col(t, r, "year"));

		if (strcmp(col(t, r, "indicator"), key) != 0)
			continue;
		if (!isnan(num(col(t, r, "value"))) && year > s->year) {
			s->year = year;
			last_row = (long)r;
		}
	}
	if (last_row < 0)
		return 0;
	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(col(t, r, "indicator"), key) == 0 &&
		    atoi(col(t, r, "year")) == s->year - 1)
			prev_row = (long)r;
	s->latest = num(col(t, (size_t)last_row, "value"));
	s->england = num(col(t, (size_t)last_row, "england"));
	s->nw = num(col(t, (size_t)last_row, "north-west"));
	s->target = num(col(t, (size_t)last_row, "target"));
	s->illustrative = strcmp(col(t, (size_t)last_row, "source"), "illustrative") == 0;
	s->prev = prev_row < 0 ? NAN : num(col(t, (size_t)prev_row, "value"));
	s->rag = indicator_rag(s->latest, s->england, s->higher_better, d->rag_amber);
	return 0;
}

/* A figure as written: whole numbers bare, others to one decimal, a true minus sign. */
void
indicator_number(struct buf *b, double v)
{
	char s[32];

	if (v < 0)
		buf_adds(b, "\xe2\x88\x92");
	v = fabs(v);
	if (fabs(v - round(v)) < 0.05)
		snprintf(s, sizeof(s), "%.0f", round(v));
	else
		snprintf(s, sizeof(s), "%.1f", v);
	buf_adds(b, s);
}

/* The figure with its unit: "69%", "46.2", "−0.12". */
static void
with_unit(struct buf *b, const struct ind_stat *s, double v)
{
	if (strcmp(s->unit, "score") == 0) {
		char t[32];

		snprintf(t, sizeof(t), "%.2f", fabs(v));
		buf_adds(b, v < 0 ? "\xe2\x88\x92" : v > 0 ? "+" : "");
		buf_adds(b, t);
		return;
	}
	indicator_number(b, v);
	if (strcmp(s->unit, "%") == 0)
		buf_adds(b, "%");
}

/* "2 points", "0.05": a difference, with the word for what it is counted in. */
static void
difference(struct buf *b, const struct ind_stat *s, double d)
{
	if (strcmp(s->unit, "score") == 0) {
		char t[32];

		snprintf(t, sizeof(t), "%.2f", fabs(d));
		buf_adds(b, t);
		return;
	}
	indicator_number(b, fabs(d));
	buf_adds(b, fabs(fabs(d) - 1) < 0.05 ? " point" : " points");
}

char *
indicator_phrase(const struct ind_stat *s)
{
	struct buf b = { 0 };
	char year[16];
	double d;

	if (isnan(s->latest)) {
		buf_adds(&b, "not published");
		return b.s;
	}
	with_unit(&b, s, s->latest);
	snprintf(year, sizeof(year), "%d", s->year - 1);
	if (isnan(s->prev)) {
		buf_adds(&b, " (no figure was published for ");
		buf_adds(&b, year);
		buf_adds(&b, ")");
	} else if (fabs(d = s->latest - s->prev) < 0.005) {
		buf_adds(&b, ", unchanged on ");
		buf_adds(&b, year);
	} else {
		buf_adds(&b, d > 0 ? ", up " : ", down ");
		difference(&b, s, d);
		buf_adds(&b, " on ");
		buf_adds(&b, year);
	}
	if (!isnan(s->england)) {
		d = s->latest - s->england;
		buf_adds(&b, isnan(s->prev) ? ", and " : " and ");
		if (fabs(d) < 0.005)
			buf_adds(&b, "in line with England");
		else {
			difference(&b, s, d);
			buf_adds(&b, d > 0 ? " above England" : " below England");
		}
	}
	return b.s;
}

const char *
rag_name(enum rag r)
{
	static const char *const names[] = { "–", "Green", "Amber", "Red" };

	return names[r];
}

/* ---- <indicator-table phase="primary">: the summary table of a phase ---- */

static struct node *
cell(const char *file, int line, const char *text, int align)
{
	struct node *n = node_new(N_CELL, file, line, 1);

	buf_adds(&n->text.text, text);
	n->align = align;
	return n;
}

/* "↑ +2" / "↓ −1.5" / "→ 0" / "2021 not published". */
static char *
change_text(const struct ind_stat *s)
{
	struct buf b = { 0 };
	double d = s->latest - s->prev;
	char year[16];

	if (isnan(s->latest) || isnan(s->prev)) {
		snprintf(year, sizeof(year), "%d", s->year - 1);
		buf_adds(&b, isnan(s->latest) ? "–" : year);
		if (!isnan(s->latest))
			buf_adds(&b, " not published");
		return b.s;
	}
	buf_adds(&b, fabs(d) < 0.005 ? "\xe2\x86\x92 " : d > 0 ? "\xe2\x86\x91 +" :
	    "\xe2\x86\x93 ");
	if (strcmp(s->unit, "score") == 0) {
		char t[32];

		snprintf(t, sizeof(t), "%.2f", fabs(d));
		buf_adds(&b, d < 0 ? "\xe2\x88\x92" : "");
		buf_adds(&b, t);
	} else
		indicator_number(&b, d);
	return b.s;
}

static char *
figure_text(const struct ind_stat *s, double v)
{
	struct buf b = { 0 };

	if (isnan(v))
		buf_adds(&b, "not published");
	else
		with_unit(&b, s, v);
	return b.s;
}

struct node *
indicator_table_make(const struct component_call *c)
{
	static const char *const heads[] = { "Indicator", "Year", "Sefton", "Change",
	    "England", "North West", "Status" };
	char *phase = component_attr(c->tag, "phase");
	const struct table *l = list_of(c->data);
	struct node *table, *row;

	if (phase == NULL || l == NULL || data_of(c->data) == NULL) {
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, phase ? "<indicator-table> needs "
		    "data/indicators.csv and data/indicator-list.csv" : "<indicator-table> needs "
		    "phase=\"…\", as the indicator list names it");
		free(phase);
		return NULL;
	}
	table = node_new(N_TABLE, c->file, c->line, c->col);
	table->label = xstrdup("auto 9% 11% 14% 11% 11% 11%");
	table->src = xasprintf("indicators (%s)", phase);
	row = node_new(N_ROW, c->file, c->line, c->col);
	node_append(table, row);
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		node_append(row, cell(c->file, c->line, heads[i], i ? 2 : 0));
	for (size_t r = 0; r < l->nrows; r++) {
		struct ind_stat s;
		char *t[6], year[16];

		if (strcmp(col(l, r, "phase"), phase) != 0)
			continue;
		indicator_stat(c->data, col(l, r, "indicator"), &s);
		snprintf(year, sizeof(year), "%d", s.year);
		t[0] = xstrdup(s.year ? year : "–");
		t[1] = figure_text(&s, s.latest);
		t[2] = change_text(&s);
		t[3] = figure_text(&s, s.england);
		t[4] = figure_text(&s, s.nw);
		t[5] = xstrdup(rag_name(s.rag));
		row = node_new(N_ROW, l->path, l->cells[r * l->ncols].line, 1);
		node_append(table, row);
		node_append(row, cell(l->path, row->line, s.name, 0));
		for (int i = 0; i < 6; i++) {
			struct node *cl = cell(l->path, row->line, t[i], 2);

			if (i == 5)	/* the status: its colour, and its word for who cannot see it */
				cl->fill = s.rag == RAG_GREEN ? 0xd4edda : s.rag == RAG_AMBER ? 0xfbe7b5 :
				    s.rag == RAG_RED ? 0xf5c6cb : 0;
			node_append(row, cl);
			free(t[i]);
		}
	}
	free(phase);
	return table;
}

/* The years of indicator `key` as a small table: year, Sefton, North West, England. */
struct table *
indicator_series(struct gen *g, const struct datasets *d, const char *key)
{
	const struct table *t = data_of(d);
	struct buf b = { 0 };
	struct table *out;

	if (t == NULL)
		return NULL;
	buf_adds(&b, "year,sefton,north-west,england\n");
	for (size_t r = 0; r < t->nrows; r++) {
		if (strcmp(col(t, r, "indicator"), key) != 0)
			continue;
		buf_adds(&b, col(t, r, "year"));
		buf_addc(&b, ',');
		buf_adds(&b, col(t, r, "value"));
		buf_addc(&b, ',');
		buf_adds(&b, col(t, r, "north-west"));
		buf_addc(&b, ',');
		buf_adds(&b, col(t, r, "england"));
		buf_addc(&b, '\n');
	}
	out = csv_read(g, t->path, b.s, b.len);
	buf_free(&b);
	return out;
}

int
indicators_illustrative(const struct datasets *d)
{
	const struct table *t = data_of(d);

	for (size_t r = 0; t != NULL && r < t->nrows; r++)
		if (strcmp(col(t, r, "source"), "illustrative") == 0)
			return 1;
	return 0;
}
