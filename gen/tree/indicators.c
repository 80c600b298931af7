/* SPDX-License-Identifier: GPL-3.0-or-later */
/* indicators.c: a progress report's indicators, read from long-form data (indicator, area,
 * year, value, a column per comparator, and optionally target, source, ci-lower, ci-upper,
 * and the period, name, unit and dp a published file gives: official.c) and a list of them
 * (indicator, name, phase, unit, better, amber): the figure for the
 * report's year, the change on the year before, the gaps to the comparators, a status by
 * each indicator's own rule, and a sentence that says it all. Checked once by
 * indicators_check() (document.c); used by bind.c ({{ phrase KEY }}), the <indicator-table>
 * component (comp_indicators.c) and charts (<chart indicator=KEY>). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MINUS	"\xe2\x88\x92"	/* U+2212 */

const struct table *
indicators_data(const struct datasets *d)
{
	return datasets_find(d, d && d->ind_data ? d->ind_data : "indicators");
}

const struct table *
indicators_list(const struct datasets *d)
{
	return datasets_find(d, d && d->ind_list ? d->ind_list : "indicator-list");
}

static const struct cell *
cell_at(const struct table *t, size_t r, const char *name)
{
	int c = csv_column(t, name);

	return c < 0 ? NULL : &t->cells[r * t->ncols + (size_t)c];
}

/* A figure, or NAN; *kind says why there is none (a symbol, or an empty cell). */
static double
figure(const struct table *t, size_t r, const char *name, unsigned char *kind)
{
	const struct cell *c = cell_at(t, r, name);

	if (kind != NULL)
		*kind = c == NULL ? D_EMPTY : c->kind;
	return c == NULL || c->kind != D_NUMBER ? NAN : c->num;
}

static int
year_of(const struct table *t, size_t r)
{
	const struct cell *c = cell_at(t, r, "year");

	return c != NULL && c->kind == D_NUMBER ? (int)c->num : 0;
}

/* The area a row is of: every row when the data has no `area` column. */
static int
of_area(const struct table *t, size_t r, const char *area)
{
	return area == NULL || csv_column(t, "area") < 0 || strcmp(csv_text(t, r, "area"), area) == 0;
}

/* Whether the data has a row of indicator `key`. */
static int
has_rows(const struct table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(csv_text(t, r, "indicator"), key) == 0)
			return 1;
	return 0;
}

/* How the data writes year `year` of indicator `key`: the `period` a published file gives
 * ("2022/23"), or another year's moved on, or else the year. */
static void
period_of(const struct datasets *d, const struct table *t, const char *key, int year,
    char *out, size_t size)
{
	long any = -1;

	for (size_t r = 0; csv_column(t, "period") >= 0 && r < t->nrows; r++) {
		if (strcmp(csv_text(t, r, "indicator"), key) != 0 || !of_area(t, r, d->area))
			continue;
		if (year_of(t, r) == year) {
			snprintf(out, size, "%s", csv_text(t, r, "period"));
			return;
		}
		any = (long)r;
	}
	if (any >= 0)
		period_shift(csv_text(t, (size_t)any, "period"), year - year_of(t, (size_t)any), out,
		    size);
	else
		snprintf(out, size, "%d", year);
}

/* The text of column `name` on any row of indicator `key`, or "". */
static const char *
data_says(const struct table *t, const char *key, const char *name)
{
	for (size_t r = 0; csv_column(t, name) >= 0 && r < t->nrows; r++)
		if (strcmp(csv_text(t, r, "indicator"), key) == 0 && csv_text(t, r, name)[0] != '\0')
			return csv_text(t, r, name);
	return "";
}

enum rag
indicator_rag(double value, double comparator, int higher_better, double amber)
{
	double gap;

	if (isnan(value) || isnan(comparator) || isnan(amber))
		return RAG_NONE;
	gap = higher_better ? value - comparator : comparator - value;
	if (gap >= -1e-9)
		return RAG_GREEN;
	return gap >= -amber - 1e-9 ? RAG_AMBER : RAG_RED;
}

enum rag
indicator_interval(double lo, double hi, double comparator, int higher_better)
{
	if (isnan(lo) || isnan(hi) || isnan(comparator))
		return RAG_NONE;
	if (lo > comparator)
		return higher_better ? RAG_BETTER : RAG_WORSE;
	if (hi < comparator)
		return higher_better ? RAG_WORSE : RAG_BETTER;
	return RAG_SIMILAR;
}

/* The area the report is on: the front matter's, or the data's only one. */
const char *
indicators_area(const struct datasets *d, const struct table *t)
{
	if (d->area != NULL)
		return d->area;
	return t != NULL && t->nrows > 0 ? csv_text(t, 0, "area") : "";
}

/* Checks the columns of t that `need` names; returns how many are missing. */
static int
need_columns(struct gen *g, const struct table *t, const char *const *need, size_t n,
    const char *who)
{
	int missing = 0;

	for (size_t i = 0; i < n; i++)
		missing += csv_need_column(g, t, need[i], who) < 0;
	return missing;
}

/* Checks that each column of `names` that t has holds figures. */
static int
need_figures(struct gen *g, const struct table *t, const char *const *names, size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		int c = csv_column(t, names[i]);

		if (c >= 0)
			bad += csv_need_numbers(g, t, (size_t)c);
	}
	return bad;
}

/* Checks the indicator list: its columns, `better` and `unit`, each indicator once, and an
 * amber band for each indicator judged by the band rule. */
static int
check_list(struct gen *g, const struct table *l, const struct table *t)
{
	static const char *const need[] = { "indicator", "name", "phase", "unit", "better",
	    "amber" };
	static const char *const better[] = { "higher", "lower" };
	static const char *const units[] = { "%", "points", "score", "number", "£", "£m", "pp" };
	static const char *const amber[] = { "amber", "dp" };
	int bad = need_columns(g, l, need, 6, "the indicators' status rule"), key, u, blank = 0;

	if (bad > 0)
		return bad;
	key = csv_column(l, "indicator");
	u = csv_column(l, "unit");
	bad += csv_need_choice(g, l, (size_t)csv_column(l, "better"), better, 2);
	for (size_t r = 0; r < l->nrows; r++)
		blank += same_words(l->cells[r * l->ncols + (size_t)u].text, "");
	/* a unit left empty is the published file's, where the data gives one */
	if (blank == 0 || csv_column(t, "unit") < 0)
		bad += csv_need_choice(g, l, (size_t)u, units, 7);
	else
		for (size_t r = 0; r < l->nrows; r++) {
			const struct cell *c = &l->cells[r * l->ncols + (size_t)u];
			size_t i;

			for (i = 0; i < 7 && !same_words(c->text, units[i]); i++)
				;
			if (i == 7 && !same_words(c->text, "")) {
				csv_say(g, l, MSG_ERROR, c->line, c->col, "`%s` in column `unit` is not "
				    "one of `%%`, `points`, `score`, `number`, `£`, `£m` or `pp`",
				    c->text);
				bad++;
			}
		}
	bad += need_figures(g, l, amber, 2);
	bad += csv_need_unique(g, l, &key, 1);
	return bad;
}

/* Checks that each indicator of the list whose unit it leaves to the data has one there
 * (a Fingertips export does not say its indicators' units). */
static int
check_units(struct gen *g, const struct table *t, const struct table *l)
{
	int bad = 0;

	for (size_t k = 0; k < l->nrows; k++) {
		const struct cell *u = cell_at(l, k, "unit");
		const char *key = csv_text(l, k, "indicator");
		size_t r;

		if (u->text[0] != '\0')
			continue;
		for (r = 0; r < t->nrows; r++)
			if (strcmp(csv_text(t, r, "indicator"), key) == 0 && csv_text(t, r, "unit")[0] != '\0')
				break;
		if (r < t->nrows || !has_rows(t, key))
			continue;
		csv_say(g, l, MSG_ERROR, u->line, u->col, "no unit for `%s`: the file it comes from "
		    "does not say it, so write it here (`%%`, `points`, `score`, `number`, `£`, "
		    "`£m` or `pp`)", key);
		bad++;
	}
	return bad;
}

/* Checks the indicators' data: its columns and figures, each (indicator, area, year) once,
 * every indicator in the list, one area or the front matter's. */
static int
check_data(struct gen *g, const struct datasets *d, const struct table *t,
    const struct table *l)
{
	static const char *const need[] = { "indicator", "year", "value" };
	static const char *const figures[] = { "year", "value", "target", "ci-lower",
	    "ci-upper" };
	int bad = need_columns(g, t, need, 3, "the indicators"), key[3], nkey = 0;
	const char **names;
	const char *area = NULL;

	for (size_t i = 0; i < d->ncmp; i++)
		bad += csv_need_column(g, t, d->cmp[i].column, "a <comparator> of the template") < 0;
	if (bad > 0)
		return bad;
	bad += need_figures(g, t, figures, 5);
	for (size_t i = 0; i < d->ncmp; i++)
		bad += csv_need_numbers(g, t, (size_t)csv_column(t, d->cmp[i].column));
	key[nkey++] = csv_column(t, "indicator");
	if (csv_column(t, "area") >= 0)
		key[nkey++] = csv_column(t, "area");
	key[nkey++] = csv_column(t, "year");
	bad += csv_need_unique(g, t, key, (size_t)nkey);
	names = xcalloc(l->nrows + 1, sizeof(*names));
	for (size_t r = 0; r < l->nrows; r++)
		names[r] = csv_text(l, r, "indicator");
	for (size_t r = 0; r < t->nrows; r++) {
		const struct cell *c = cell_at(t, r, "indicator");
		const char *near;
		size_t k;

		for (k = 0; k < l->nrows && strcmp(names[k], c->text) != 0; k++)
			;
		if (k == l->nrows) {
			near = nearest_word(c->text, names, l->nrows);
			csv_say(g, t, MSG_ERROR, c->line, c->col, "indicator `%s` is not in %s%s%s%s",
			    c->text, l->path, near ? " (did you mean `" : "", near ? near : "",
			    near ? "`?)" : "");
			bad++;
		}
		if (d->area == NULL && csv_column(t, "area") >= 0) {
			const struct cell *a = cell_at(t, r, "area");

			if (area == NULL)
				area = a->text;
			else if (strcmp(area, a->text) != 0) {
				csv_say(g, t, MSG_ERROR, a->line, a->col, "the data has more than one "
				    "area (`%s` and `%s`); say which the report is on with `area:` in "
				    "the front matter", area, a->text);
				bad++;
			}
		}
	}
	free(names);
	return bad;
}

/* Warns of each indicator of the list with no figure for the report's year. */
static void
check_year(struct gen *g, const struct datasets *d, const struct table *t,
    const struct table *l)
{
	for (size_t k = 0; k < l->nrows; k++) {
		const char *key = csv_text(l, k, "indicator");
		const struct cell *found = NULL;

		for (size_t r = 0; r < t->nrows && found == NULL; r++)
			if (strcmp(csv_text(t, r, "indicator"), key) == 0 && year_of(t, r) == d->year &&
			    of_area(t, r, d->area))
				found = cell_at(t, r, "value");
		if (found == NULL)
			csv_say(g, t, MSG_WARNING, 0, 0, "no row for `%s` in %d, the report's year: "
			    "the report says \"not published\"%s", key, d->year,
			    d->latest_published ? " and gives the latest earlier figure" : "");
		else if (found->kind == D_EMPTY)
			csv_say(g, t, MSG_WARNING, found->line, found->col, "no figure for `%s` in "
			    "%d, the report's year: the report says \"not published\"%s", key,
			    d->year, d->latest_published ? " and gives the latest earlier figure" :
			    "");
	}
}

int
indicators_check(struct gen *g, const struct datasets *d)
{
	const struct table *t = indicators_data(d), *l = indicators_list(d);
	int bad = 0;

	if (t == NULL || l == NULL)
		return 0;	/* the components that need them say so, at their tags */
	if (t->errors > 0 || l->errors > 0)
		return 1;	/* said already */
	bad += check_list(g, l, t);
	if (bad == 0)
		bad += check_data(g, d, t, l);
	if (bad == 0)
		bad += check_units(g, t, l);
	if (bad == 0 && d->year > 0)
		check_year(g, d, t, l);
	return bad;
}

/* The row of indicator `key` in `year` for the report's area, or -1. */
static long
row_of(const struct datasets *d, const struct table *t, const char *key, int year)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (year_of(t, r) == year && strcmp(csv_text(t, r, "indicator"), key) == 0 &&
		    of_area(t, r, d->area))
			return (long)r;
	return -1;
}

int
indicator_stat(const struct datasets *d, const char *key, struct ind_stat *s)
{
	const struct table *t = indicators_data(d), *l = indicators_list(d);
	long row, prev;

	memset(s, 0, sizeof(*s));
	s->data = d;
	s->key = key;
	s->name = s->unit = "";
	s->latest = s->prev = s->target = s->lo = s->hi = s->amber = NAN;
	for (int i = 0; i < MAX_COMPARATORS; i++)
		s->cmp[i] = NAN;
	s->cmp_label = d != NULL && d->ncmp > 0 ? d->cmp[0].label : "England";
	if (t == NULL || l == NULL)
		return -1;
	s->area = indicators_area(d, t);
	s->dp = -1;
	for (size_t r = 0; r < l->nrows; r++)
		if (strcmp(csv_text(l, r, "indicator"), key) == 0) {
			double dp = figure(l, r, "dp", NULL);

			/* the name, unit and decimal places the list leaves empty are the
			 * published file's */
			s->name = csv_text(l, r, "name")[0] ? csv_text(l, r, "name") : data_says(t, key, "name");
			s->unit = csv_text(l, r, "unit")[0] ? csv_text(l, r, "unit") : data_says(t, key, "unit");
			if (isnan(dp))
				dp = atof(data_says(t, key, "dp")[0] ? data_says(t, key, "dp") : "-1");
			s->dp = dp >= 0 && dp <= 9 ? (int)dp : -1;
			s->higher_better = strcasecmp(csv_text(l, r, "better"), "lower") != 0;
			s->amber = figure(l, r, "amber", NULL);
			s->found = 1;
		}
	if (!s->found)
		return -1;
	s->report_year = s->year = d->year;
	period_of(d, t, key, d->year, s->report_period, sizeof(s->report_period));
	snprintf(s->period, sizeof(s->period), "%s", s->report_period);
	period_of(d, t, key, d->year - 1, s->prev_period, sizeof(s->prev_period));
	row = row_of(d, t, key, d->year);
	s->latest_kind = D_EMPTY;
	s->t = t;
	if (row >= 0) {
		s->latest = figure(t, (size_t)row, "value", &s->latest_kind);
		s->latest_cell = cell_at(t, (size_t)row, "value");
	}
	if (isnan(s->latest) && d->latest_published) {	/* the latest published before */
		long best = -1;
		int by = 0;

		for (size_t r = 0; r < t->nrows; r++) {
			int y = year_of(t, r);

			if (y < d->year && y > by && strcmp(csv_text(t, r, "indicator"), key) == 0 &&
			    of_area(t, r, d->area) && !isnan(figure(t, r, "value", NULL))) {
				by = y;
				best = (long)r;
			}
		}
		if (best >= 0) {
			row = best;
			s->year = by;
			s->latest = figure(t, (size_t)row, "value", &s->latest_kind);
			s->latest_cell = cell_at(t, (size_t)row, "value");
			period_of(d, t, key, by, s->period, sizeof(s->period));
			period_of(d, t, key, by - 1, s->prev_period, sizeof(s->prev_period));
		}
	}
	if (row < 0)
		return 0;
	for (size_t i = 0; i < d->ncmp && i < MAX_COMPARATORS; i++) {
		s->cmp[i] = figure(t, (size_t)row, d->cmp[i].column, &s->cmp_kind[i]);
		s->cmp_cell[i] = cell_at(t, (size_t)row, d->cmp[i].column);
	}
	s->target = figure(t, (size_t)row, "target", NULL);
	s->lo = figure(t, (size_t)row, "ci-lower", NULL);
	s->hi = figure(t, (size_t)row, "ci-upper", NULL);
	s->illustrative = strcmp(csv_text(t, (size_t)row, "source"), "illustrative") == 0;
	prev = row_of(d, t, key, s->year - 1);
	s->prev_kind = D_EMPTY;
	if (prev >= 0)
		s->prev = figure(t, (size_t)prev, "value", &s->prev_kind);
	if (!isnan(s->lo) && !isnan(s->hi))
		s->rag = indicator_interval(s->lo, s->hi, s->cmp[0], s->higher_better);
	else
		s->rag = indicator_rag(s->latest, s->cmp[0], s->higher_better, s->amber);
	return 0;
}

/* A figure as written: whole numbers bare, others to one decimal, a true minus sign. */
void
indicator_number(struct buf *b, double v)
{
	char s[32];

	if (v < 0 && fabs(v) >= 0.05)
		buf_adds(b, MINUS);
	v = fabs(v);
	if (fabs(v - round(v)) < 0.05)
		snprintf(s, sizeof(s), "%.0f", round(v));
	else
		snprintf(s, sizeof(s), "%.1f", v);
	buf_adds(b, s);
}

/* Whether v shows as zero at the figure's decimal places. */
static int
shows_zero(const struct ind_stat *s, double v)
{
	int dp = s->dp >= 0 ? s->dp : strcmp(s->unit, "score") == 0 ? 2 : 1;

	return floor(fabs(v) * pow(10, dp) + 0.5 + 1e-7) == 0;
}

/* |v| as the unit writes a figure: with the published file's decimal places where it gives
 * them, else whole numbers bare and others to one decimal (a score to two). */
static void
digits(struct buf *b, const struct ind_stat *s, double v)
{
	int money = strcmp(s->unit, "£") == 0 || strcmp(s->unit, "£m") == 0;
	int group = money || strcmp(s->unit, "number") == 0;

	if (s->dp >= 0)
		figure_fixed(b, v, s->dp, group);
	else if (strcmp(s->unit, "score") == 0)
		figure_fixed(b, v, 2, 0);
	else if (group && fabs(fabs(v) - round(fabs(v))) < 0.05)
		figure_fixed(b, v, 0, 1);
	else
		indicator_number(b, fabs(v));
}

/* |v| with its unit: "69%", "46.2", "£5,230", "£1.2m"; percentage points bare. */
static void
unit_figure(struct buf *b, const struct ind_stat *s, double v)
{
	if (strcmp(s->unit, "£") == 0 || strcmp(s->unit, "£m") == 0)
		buf_adds(b, "£");
	digits(b, s, v);
	if (strcmp(s->unit, "%") == 0)
		buf_adds(b, "%");
	else if (strcmp(s->unit, "£m") == 0)
		buf_adds(b, "m");
}

/* |v| with its unit, "2.5 pp", or in a sentence "2.5 percentage points". */
static void
unit_words(struct buf *b, const struct ind_stat *s, double v, int sentence)
{
	struct buf n = { 0 };

	if (strcmp(s->unit, "pp") != 0) {
		unit_figure(b, s, v);
		return;
	}
	digits(&n, s, v);
	indicator_unit(b, s->data, !sentence ? W_PP : shows_zero(s, fabs(v) - 1) ?
	    W_PERCENTAGE_POINT : W_PERCENTAGE_POINTS, n.s);
	buf_free(&n);
}

void
indicator_unit(struct buf *b, const struct datasets *d, enum word w, const char *n)
{
	words_fill(b, data_word(d, w), (const char *[]){ "n" }, (const char *[]){ n }, 1, 0);
}

/* The figure with its unit and sign: "69%", "46.2", "−0.12", "+0.05", "−£120". */
static void
with_unit(struct buf *b, const struct ind_stat *s, double v, int sentence)
{
	if (!shows_zero(s, v))
		buf_adds(b, v < 0 ? MINUS : strcmp(s->unit, "score") == 0 ? "+" : "");
	unit_words(b, s, v, sentence);
}

void
indicator_figure(struct buf *b, const struct ind_stat *s, double v, int sentence)
{
	with_unit(b, s, v, sentence);
}

/* "2 points", "0.05", "£120": a difference, with the word for what it is counted in. */
static void
difference(struct buf *b, const struct ind_stat *s, double d)
{
	if (strcmp(s->unit, "%") == 0 || strcmp(s->unit, "points") == 0) {
		struct buf n = { 0 };

		digits(&n, s, d);
		indicator_unit(b, s->data, shows_zero(s, fabs(d) - 1) ? W_POINT : W_POINTS, n.s);
		buf_free(&n);
		return;
	}
	unit_words(b, s, d, 1);
}

/* Appends the template's word w with {names} filled in with vals[], n of them. */
static void
say(struct buf *b, const struct ind_stat *s, enum word w, const char *const names[],
    const char *const vals[], size_t n)
{
	words_fill(b, data_word(s->data, w), names, vals, n, 0);
}

/* The phrase so far, *b, put into word w's {phrase} with its other {names} filled. */
static void
wrap(struct buf *b, const struct ind_stat *s, enum word w, const char *name1,
    const char *val1, const char *name2, const char *val2)
{
	struct buf o = { 0 };

	say(&o, s, w, (const char *[]){ "phrase", name1, name2 }, (const char *[]){ b->s, val1,
	    val2 }, name2 != NULL ? 3 : 2);
	buf_free(b);
	*b = o;
}

/* ", when no figure was published for 2021" or " (not published in 2021)". */
static void
no_previous(struct buf *b, const struct ind_stat *s)
{
	struct buf prev = { 0 };

	if (s->prev_kind == D_EMPTY)
		say(&prev, s, W_PHRASE_UNPUBLISHED, (const char *[]){ "year" },
		    (const char *[]){ s->prev_period }, 1);
	else
		say(&prev, s, W_PHRASE_WITHHELD, (const char *[]){ "why", "year" },
		    (const char *[]){ datum_words(data_words(s->data), s->prev_kind, 1),
		    s->prev_period }, 2);
	wrap(b, s, s->year != s->report_year ? W_PHRASE_THEN : W_PHRASE_ASIDE, "previous",
	    prev.s, NULL, NULL);
	buf_free(&prev);
}

char *
indicator_phrase(const struct ind_stat *s)
{
	struct buf b = { 0 }, fig = { 0 }, diff = { 0 };
	double d;

	if (isnan(s->latest)) {
		say(&b, s, W_FIGURE_MISSING, (const char *[]){ "why", "year" }, (const char *[]){
		    datum_words(data_words(s->data), s->latest_kind, 1), s->report_period }, 2);
		return b.s != NULL ? b.s : xstrdup("");
	}
	with_unit(&fig, s, s->latest, 1);
	if (s->year != s->report_year)	/* an earlier year's figure, said as such */
		say(&b, s, W_FIGURE_EARLIER, (const char *[]){ "figure", "year", "report" },
		    (const char *[]){ fig.s, s->period, s->report_period }, 3);
	else
		buf_adds(&b, fig.s);
	if (isnan(s->prev))
		no_previous(&b, s);
	else if (fabs(d = s->latest - s->prev) < 0.005)
		wrap(&b, s, W_PHRASE_UNCHANGED, "year", s->prev_period, NULL, NULL);
	else {
		difference(&diff, s, d);
		wrap(&b, s, d > 0 ? W_PHRASE_UP : W_PHRASE_DOWN, "change", diff.s, "year",
		    s->prev_period);
	}
	if (!isnan(s->cmp[0])) {
		struct buf cmp = { 0 };

		d = s->latest - s->cmp[0];
		diff.len = 0;
		if (fabs(d) < 0.005)
			say(&cmp, s, W_PHRASE_LEVEL, (const char *[]){ "comparator" },
			    (const char *[]){ s->cmp_label }, 1);
		else {
			difference(&diff, s, d);
			say(&cmp, s, d > 0 ? W_PHRASE_ABOVE : W_PHRASE_BELOW, (const char *[]){
			    "change", "comparator" }, (const char *[]){ diff.s, s->cmp_label }, 2);
		}
		wrap(&b, s, isnan(s->prev) && s->year == s->report_year ? W_PHRASE_AND_ASIDE :
		    W_PHRASE_AND, "comparison", cmp.s, NULL, NULL);
		buf_free(&cmp);
	}
	buf_free(&fig);
	buf_free(&diff);
	return b.s != NULL ? b.s : xstrdup("");
}

/* "↑ +2" / "↓ −1.5" / "→ 0" / "2021 not published". */
char *
indicator_change(const struct ind_stat *s)
{
	struct buf b = { 0 };
	double d = s->latest - s->prev;

	if (isnan(s->latest))
		return xstrdup("–");
	if (isnan(s->prev)) {
		buf_adds(&b, s->prev_period);
		buf_adds(&b, " ");
		buf_adds(&b, datum_words(data_words(s->data), s->prev_kind, 0));
		return b.s;
	}
	buf_adds(&b, fabs(d) < 0.005 ? "\xe2\x86\x92 " : d > 0 ? "\xe2\x86\x91 +" :
	    "\xe2\x86\x93 ");
	if (strcmp(s->unit, "score") == 0) {
		char t[32];

		snprintf(t, sizeof(t), "%.2f", fabs(d));
		buf_adds(&b, d <= -0.005 ? MINUS : "");
		buf_adds(&b, t);
	} else if (s->dp >= 0 || (strcmp(s->unit, "%") != 0 && strcmp(s->unit, "points") != 0)) {
		/* as the published file gives its figures: "↑ +£120", "↓ −1.3" */
		buf_adds(&b, d < 0 && !shows_zero(s, d) ? MINUS : "");
		buf_adds(&b, strncmp(s->unit, "£", strlen("£")) == 0 ? "£" : "");
		digits(&b, s, d);
		buf_adds(&b, strcmp(s->unit, "£m") == 0 ? "m" : "");
	} else
		indicator_number(&b, d);
	return b.s;
}

const char *
rag_name(const struct datasets *d, enum rag r)
{
	return r == RAG_NONE ? "–" : data_word(d, W_GREEN + (int)r - RAG_GREEN);
}

/* The status's colour, so that it is seen as well as read (its CMYK for print is among
 * template.c's defaults). */
unsigned
rag_fill(enum rag r)
{
	switch (r) {
	case RAG_GREEN:
	case RAG_BETTER:
		return 0xd4edda;
	case RAG_AMBER:
	case RAG_SIMILAR:
		return 0xfbe7b5;
	case RAG_RED:
	case RAG_WORSE:
		return 0xf5c6cb;
	case RAG_NONE:
		break;
	}
	return 0;
}

/* Adds a figure to a chart's CSV text: to the indicator's decimal places where the data
 * gives them (a published file's 46.2176 is 46.2), else as written. */
static void
series_value(struct buf *b, const struct cell *c, int dp, int last)
{
	struct buf v = { 0 };

	if (c == NULL || c->kind != D_NUMBER || dp < 0) {
		csv_add_field(b, c ? c->text : "", last);
		return;
	}
	if (c->num < 0 && floor(fabs(c->num) * pow(10, dp) + 0.5 + 1e-7) != 0)
		buf_addc(&v, '-');
	figure_fixed(&v, c->num, dp, 0);
	csv_add_field(b, v.s, last);
	buf_free(&v);
}

/* The row of indicator `key` with the first year after row `after`'s (the first year of all
 * when after < 0), or t->nrows: the rows of a series in the order of their years. */
static size_t
next_row(const struct datasets *d, const struct table *t, const char *key, long after)
{
	int from = after < 0 ? -1 : year_of(t, (size_t)after);
	size_t best = t->nrows;

	for (size_t r = 0; r < t->nrows; r++)
		if (year_of(t, r) > from && strcmp(csv_text(t, r, "indicator"), key) == 0 &&
		    of_area(t, r, d->area) && (best == t->nrows || year_of(t, r) < year_of(t, best)))
			best = r;
	return best;
}

struct table *
indicator_series(struct gen *g, const struct datasets *d, const char *key, char **series,
    char **names)
{
	const struct table *t = indicators_data(d);
	struct buf b = { 0 }, s = { 0 }, n = { 0 };
	struct table *out;
	struct ind_stat st;
	int dp = -1;

	*series = *names = NULL;
	if (t == NULL)
		return NULL;
	if (indicator_stat(d, key, &st) == 0)
		dp = st.dp;
	buf_adds(&b, "year,v0");
	buf_adds(&s, "v0");
	buf_adds(&n, indicators_area(d, t));
	for (size_t i = 0; i < d->ncmp; i++) {
		char c[32];

		snprintf(c, sizeof(c), "v%zu", i + 1);
		buf_addc(&b, ',');
		buf_adds(&b, c);
		buf_addc(&s, '|');
		buf_adds(&s, c);
		buf_addc(&n, '|');
		buf_adds(&n, d->cmp[i].label);
	}
	buf_addc(&b, '\n');
	for (size_t r = next_row(d, t, key, -1); r < t->nrows; r = next_row(d, t, key, (long)r)) {
		/* the years as the data writes them: "2022/23" where it gives the period */
		csv_add_field(&b, csv_text(t, r, csv_column(t, "period") >= 0 ? "period" : "year"), 0);
		series_value(&b, cell_at(t, r, "value"), dp, d->ncmp == 0);
		for (size_t i = 0; i < d->ncmp; i++)
			series_value(&b, cell_at(t, r, d->cmp[i].column), dp, i + 1 == d->ncmp);
	}
	out = csv_read(g, t->path, b.s, b.len);
	buf_free(&b);
	/* each cell where the data has it, for what the chart's figures came from */
	for (size_t r = next_row(d, t, key, -1), k = 0; out != NULL && k < out->nrows && r < t->nrows;
	    r = next_row(d, t, key, (long)r), k++) {
		const struct cell *from[1 + MAX_COMPARATORS] = { cell_at(t, r, "value") };

		for (size_t i = 0; i < d->ncmp && i < MAX_COMPARATORS; i++)
			from[i + 1] = cell_at(t, r, d->cmp[i].column);
		for (size_t c = 1; c < out->ncols && c <= 1 + MAX_COMPARATORS; c++)
			if (from[c - 1] != NULL) {
				out->cells[k * out->ncols + c].line = from[c - 1]->line;
				out->cells[k * out->ncols + c].col = from[c - 1]->col;
			}
	}
	*series = s.s;
	*names = n.s;
	return out;
}

int
indicators_illustrative(const struct datasets *d)
{
	const struct table *t = indicators_data(d);

	for (size_t r = 0; t != NULL && r < t->nrows; r++)
		if (strcmp(csv_text(t, r, "source"), "illustrative") == 0)
			return 1;
	return 0;
}

int
indicators_broken(const struct datasets *d)
{
	return datasets_broken(d, d && d->ind_data ? d->ind_data : "indicators") ||
	    datasets_broken(d, d && d->ind_list ? d->ind_list : "indicator-list");
}
