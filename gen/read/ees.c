/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ees.c: the DfE's Explore Education Statistics (EES) data files, as the department's open
 * data standards define them: a tidy CSV (time_period, time_identifier, geographic_level,
 * country_code, country_name, each level's codes and names, filters, indicators) with its
 * .meta.csv (col_name, col_type, label, indicator_grouping, indicator_unit, indicator_dp,
 * filter_hint, filter_grouping_column). One struct pubshape for official.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *const mandatory[] = { "time_period", "time_identifier", "geographic_level",
    "country_code", "country_name" };

static const char *const meta_columns[] = { "col_name", "col_type", "label",
    "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint",
    "filter_grouping_column" };

/* Each geographic level, the columns of its code (a second for an LA's old number) and
 * name, as the standards list them. */
static const struct level {
	const char	*level, *code, *code2, *name;
} levels[] = {
	{ "National", "country_code", NULL, "country_name" },
	{ "Regional", "region_code", NULL, "region_name" },
	{ "Local authority", "new_la_code", "old_la_code", "la_name" },
	{ "Local authority district", "lad_code", NULL, "lad_name" },
	{ "RSC region", NULL, NULL, "rsc_region_lead_name" },
	{ "Parliamentary constituency", "pcon_code", NULL, "pcon_name" },
	{ "Local skills improvement plan area", "lsip_code", NULL, "lsip_name" },
	{ "Local enterprise partnership", "local_enterprise_partnership_code", NULL,
	    "local_enterprise_partnership_name" },
	{ "English devolved area", "english_devolved_area_code", NULL,
	    "english_devolved_area_name" },
	{ "Mayoral combined authority", "mayoral_combined_authority_code", NULL,
	    "mayoral_combined_authority_name" },
	{ "Opportunity area", "opportunity_area_code", NULL, "opportunity_area_name" },
	{ "Ward", "ward_code", NULL, "ward_name" },
	{ "MAT", "trust_id", NULL, "trust_name" },
	{ "Sponsor", "sponsor_id", NULL, "sponsor_name" },
	{ "School", "school_urn", "school_laestab", "school_name" },
	{ "Provider", "provider_ukprn", NULL, "provider_name" },
	{ "Institution", "institution_id", NULL, "institution_name" },
	{ "Planning area", "planning_area_code", NULL, "planning_area_name" },
	{ "Police force area", "pfa_code", NULL, "pfa_name" }
};
#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

/* The time identifiers of the standards: the digits of their time_period (4: a year; 6:
 * two consecutive years, 201819) and how a period is written ("%s": the year or years). */
static const struct ident {
	const char	*id;
	int		 digits;
	const char	*label;		/* a printf format of the years ("2022/23" or "2023") */
	int		 part;		/* 1, 2: the halves of a financial year */
} idents[] = {
	{ "Academic year", 6, "%s", 0 }, { "Financial year", 6, "%s", 0 },
	{ "Tax year", 6, "%s", 0 }, { "Calendar year", 4, "%s", 0 },
	{ "Reporting year", 4, "%s", 0 },
	{ "Academic year Q1", 6, "Q1 %s", 0 }, { "Academic year Q2", 6, "Q2 %s", 0 },
	{ "Academic year Q3", 6, "Q3 %s", 0 }, { "Academic year Q4", 6, "Q4 %s", 0 },
	{ "Financial year Q1", 6, "Q1 %s", 0 }, { "Financial year Q2", 6, "Q2 %s", 0 },
	{ "Financial year Q3", 6, "Q3 %s", 0 }, { "Financial year Q4", 6, "Q4 %s", 0 },
	{ "Tax year Q1", 6, "Q1 %s", 0 }, { "Tax year Q2", 6, "Q2 %s", 0 },
	{ "Tax year Q3", 6, "Q3 %s", 0 }, { "Tax year Q4", 6, "Q4 %s", 0 },
	{ "Calendar year Q1", 4, "Q1 %s", 0 }, { "Calendar year Q2", 4, "Q2 %s", 0 },
	{ "Calendar year Q3", 4, "Q3 %s", 0 }, { "Calendar year Q4", 4, "Q4 %s", 0 },
	{ "Autumn term", 6, "Autumn term %s", 0 }, { "Spring term", 6, "Spring term %s", 0 },
	{ "Summer term", 6, "Summer term %s", 0 },
	{ "Autumn and spring term", 6, "Autumn and spring terms %s", 0 },
	{ "Part 1 (April to September)", 6, NULL, 1 },
	{ "Part 2 (October to March)", 6, NULL, 2 },
	{ "January", 4, "January %s", 0 }, { "February", 4, "February %s", 0 },
	{ "March", 4, "March %s", 0 }, { "April", 4, "April %s", 0 },
	{ "May", 4, "May %s", 0 }, { "June", 4, "June %s", 0 }, { "July", 4, "July %s", 0 },
	{ "August", 4, "August %s", 0 }, { "September", 4, "September %s", 0 },
	{ "October", 4, "October %s", 0 }, { "November", 4, "November %s", 0 },
	{ "December", 4, "December %s", 0 }
};
#define NIDENTS	(sizeof(idents) / sizeof(idents[0]))

/* The EES units and what gen calls them. */
static const struct {
	const char	*ees, *unit;
} units[] = {
	{ "", "number" }, { "%", "%" }, { "£", "£" }, { "£m", "£m" }, { "pp", "pp" },
	{ "numberstring", "number" }
};

static const char *
text_at(const struct table *t, size_t r, int c)
{
	return c < 0 ? "" : t->cells[r * t->ncols + (size_t)c].text;
}

static const struct cell *
cell_at(const struct table *t, size_t r, int c)
{
	return &t->cells[r * t->ncols + (size_t)c];
}

/* The metadata of data/NAME.csv: the table of data/NAME.meta.csv, or NULL. */
static const struct table *
meta_of(const struct datasets *d, const struct table *t)
{
	char *name = xasprintf("%s.meta", t->name);
	const struct table *m = datasets_find(d, name);

	free(name);
	return m;
}

static int
ees_looks(const struct datasets *d, const struct table *t)
{
	return meta_of(d, t) != NULL || csv_column(t, "time_period") >= 0 ||
	    csv_column(t, "geographic_level") >= 0;
}

/* The metadata's row for column `name` of the data, or -1. */
static long
meta_row(const struct table *m, const char *name)
{
	int c = csv_column(m, "col_name");

	for (size_t r = 0; c >= 0 && r < m->nrows; r++)
		if (strcmp(text_at(m, r, c), name) == 0)
			return (long)r;
	return -1;
}

/* Whether the metadata says column `name` of the data is an indicator. */
static int
is_indicator(const struct table *m, const char *name)
{
	long r = meta_row(m, name);

	return r >= 0 && same_words(text_at(m, (size_t)r, csv_column(m, "col_type")),
	    "Indicator");
}

/* Checks the metadata: its columns, each row's col_type, unit and decimal places, and that
 * each col_name is a column of the data. Returns the errors found. */
static int
check_meta(struct gen *g, const struct table *t, const struct table *m)
{
	int bad = 0, name, type, unit, dp;

	for (size_t i = 0; i < sizeof(meta_columns) / sizeof(*meta_columns); i++)
		bad += csv_need_column(g, m, meta_columns[i], "an EES metadata file (a row for "
		    "each filter and indicator of its data file)") < 0;
	if (bad > 0)
		return bad;
	name = csv_column(m, "col_name");
	type = csv_column(m, "col_type");
	unit = csv_column(m, "indicator_unit");
	dp = csv_column(m, "indicator_dp");
	for (size_t r = 0; r < m->nrows; r++) {
		const struct cell *n = cell_at(m, r, name), *ty = cell_at(m, r, type);
		const struct cell *u = cell_at(m, r, unit), *p = cell_at(m, r, dp);
		size_t k;

		if (csv_column(t, n->text) < 0) {
			const char *near = nearest_word(n->text, (const char *const *)t->cols,
			    t->ncols);

			csv_say(g, m, MSG_ERROR, n->line, n->col, "`%s` is not a column of %s%s%s%s",
			    n->text, t->path, near ? " (did you mean `" : "", near ? near : "",
			    near ? "`?)" : "");
			bad++;
		}
		if (!same_words(ty->text, "Filter") && !same_words(ty->text, "Indicator")) {
			csv_say(g, m, MSG_ERROR, ty->line, ty->col, "`%s` in column `col_type` is "
			    "not `Filter` or `Indicator`", ty->text);
			bad++;
		}
		for (k = 0; k < sizeof(units) / sizeof(*units); k++)
			if (strcmp(u->text, units[k].ees) == 0)
				break;
		if (k == sizeof(units) / sizeof(*units)) {
			csv_say(g, m, MSG_ERROR, u->line, u->col, "`%s` in column `indicator_unit` is "
			    "not one of EES's units: `%%`, `£`, `£m`, `pp`, `numberstring`, or "
			    "empty for a number", u->text);
			bad++;
		}
		if (p->text[0] != '\0' && (p->kind != D_NUMBER || p->num < 0 || p->num > 9 ||
		    p->num != (int)p->num)) {
			csv_say(g, m, MSG_ERROR, p->line, p->col, "`%s` in column `indicator_dp` is "
			    "not a number of decimal places from 0 to 9", p->text);
			bad++;
		}
	}
	return bad;
}

/* Whether column `name` holds a geographic level's code or name. (geographic_level itself
 * is a breakdown: one area's code may be at two levels, as an LA's is at `Local authority`
 * and `Local authority district`.) */
static int
is_geography(const char *name)
{
	for (size_t i = 0; i < NLEVELS; i++)
		if ((levels[i].code && strcmp(name, levels[i].code) == 0) ||
		    (levels[i].code2 && strcmp(name, levels[i].code2) == 0) ||
		    strcmp(name, levels[i].name) == 0)
			return 1;
	return 0;
}

/* Checks that the file has the columns each of its geographic levels needs. */
static int
check_levels(struct gen *g, const struct table *t)
{
	int lc = csv_column(t, "geographic_level"), bad = 0;

	for (size_t i = 0; i < NLEVELS; i++) {
		const char *need[3] = { levels[i].code, levels[i].code2, levels[i].name };
		size_t r;

		for (r = 0; r < t->nrows; r++)
			if (same_words(text_at(t, r, lc), levels[i].level))
				break;
		for (size_t k = 0; r < t->nrows && k < 3; k++) {
			char *who;

			if (need[k] == NULL)
				continue;
			who = xasprintf("an EES file with `%s` rows (row %d)", levels[i].level,
			    cell_at(t, r, lc)->line);
			bad += csv_need_column(g, t, need[k], who) < 0;
			free(who);
		}
	}
	return bad;
}

static int
ees_open(struct gen *g, const struct datasets *d, struct pubfile *f)
{
	const struct table *t = f->t, *m = meta_of(d, t);
	int bad = 0;

	for (size_t i = 0; i < sizeof(mandatory) / sizeof(*mandatory); i++)
		bad += csv_need_column(g, t, mandatory[i], "an EES data file (it begins "
		    "time_period, time_identifier, geographic_level, country_code, country_name)")
		    < 0;
	if (m == NULL) {
		if (!datasets_broken(d, t->name))	/* else its own errors are said */
			csv_say(g, t, MSG_ERROR, 0, 0, "no metadata file beside it: EES publishes "
			    "%s.meta.csv with each data file; download it too and put it in the "
			    "same folder", t->name);
		return -1;
	}
	if (m->errors > 0 || bad > 0)
		return -1;
	if (check_meta(g, t, m) > 0 || check_levels(g, t) > 0)
		return -1;
	f->meta = m;
	f->breakdown = xcalloc(t->ncols + 1, 1);
	f->fallback = xcalloc(t->ncols + 1, sizeof(*f->fallback));
	f->level = xcalloc(t->ncols + 1, 1);
	for (size_t c = 0; c < t->ncols; c++) {
		const char *name = t->cols[c];

		if (is_indicator(m, name) || is_geography(name) ||
		    strcmp(name, "time_period") == 0)
			continue;
		f->breakdown[c] = 1;
		f->level[c] = strcmp(name, "geographic_level") == 0;
		/* A filter's aggregate is `Total`, as the standards have it. */
		if (strcmp(name, "time_identifier") != 0 && strcmp(name, "geographic_level") != 0)
			f->fallback[c] = "Total";
	}
	return 0;
}

static int
ees_measure(const struct pubfile *f, const char *text, struct measure *s, char **why)
{
	const struct table *m = f->meta;
	int name = csv_column(m, "col_name"), type = csv_column(m, "col_type");
	const char **cands = xcalloc(m->nrows + 1, sizeof(*cands)), *near;
	size_t n = 0;
	long r = -1;

	for (size_t k = 0; k < m->nrows; k++) {
		if (!same_words(text_at(m, k, type), "Indicator"))
			continue;
		cands[n++] = text_at(m, k, name);
		if (r < 0 && (strcmp(text_at(m, k, name), text) == 0 ||
		    same_words(text_at(m, k, csv_column(m, "label")), text)))
			r = (long)k;
	}
	if (r < 0) {
		near = nearest_word(text, cands, n);
		if (meta_row(m, text) >= 0)
			*why = xasprintf(": `%s` is one of its filters", text);
		else if (near != NULL)
			*why = xasprintf(" (did you mean `%s`?)", near);
		else
			*why = xasprintf("; its indicators are listed in %s", m->path);
		free(cands);
		return -1;
	}
	free(cands);
	memset(s, 0, sizeof(*s));
	s->col = csv_column(f->t, text_at(m, (size_t)r, name));
	s->lo = s->hi = s->key = -1;
	s->name = text_at(m, (size_t)r, csv_column(m, "label"));
	s->unit = "number";
	for (size_t k = 0; k < sizeof(units) / sizeof(*units); k++)
		if (strcmp(text_at(m, (size_t)r, csv_column(m, "indicator_unit")), units[k].ees)
		    == 0)
			s->unit = units[k].unit;
	s->dp = -1;
	if (cell_at(m, (size_t)r, csv_column(m, "indicator_dp"))->kind == D_NUMBER)
		s->dp = (int)cell_at(m, (size_t)r, csv_column(m, "indicator_dp"))->num;
	return 0;
}

static void
ees_area(const struct pubfile *f, size_t r, const char **code, const char **code2,
    const char **name, const char **level)
{
	const struct table *t = f->t;
	const char *l = text_at(t, r, csv_column(t, "geographic_level"));

	*code = *code2 = *name = NULL;
	*level = l;
	for (size_t i = 0; i < NLEVELS; i++) {
		if (!same_words(l, levels[i].level))
			continue;
		*code = levels[i].code ? text_at(t, r, csv_column(t, levels[i].code)) : NULL;
		*code2 = levels[i].code2 ? text_at(t, r, csv_column(t, levels[i].code2)) : NULL;
		*name = text_at(t, r, csv_column(t, levels[i].name));
		if (*code != NULL && **code == '\0')
			*code = NULL;
		return;
	}
}

/* Whether s is n digits and nothing else. */
static int
digits_only(const char *s, size_t n)
{
	size_t i = 0;

	while (isdigit((unsigned char)s[i]))
		i++;
	return i == n && s[i] == '\0';
}

/* The number of a time identifier `Week N` (1 to 53), or 0. */
static int
week_of(const char *s)
{
	int n = 0;

	if (strncasecmp(s, "Week ", 5) != 0 || !digits_only(s + 5, strlen(s + 5)) ||
	    strlen(s + 5) > 2)
		return 0;
	n = atoi(s + 5);
	return n >= 1 && n <= 53 ? n : 0;
}

static int
ees_period(struct gen *g, const struct pubfile *f, size_t r, struct period *p)
{
	const struct table *t = f->t;
	const struct cell *tp = cell_at(t, r, csv_column(t, "time_period"));
	const struct cell *ti = cell_at(t, r, csv_column(t, "time_identifier"));
	const struct ident *id = NULL;
	const char *names[NIDENTS], *near;
	char years[16];
	int y, week;

	for (size_t i = 0; i < NIDENTS; i++) {
		names[i] = idents[i].id;
		if (same_words(ti->text, idents[i].id))
			id = &idents[i];
	}
	if (id == NULL && (week = week_of(ti->text)) > 0) {
		if (!digits_only(tp->text, 4)) {
			csv_say(g, t, MSG_ERROR, tp->line, tp->col, "`%s` in column `time_period` is "
			    "not a year of four digits, such as 2023, for `%s`", tp->text, ti->text);
			return -1;
		}
		p->year = atoi(tp->text);
		snprintf(p->label, sizeof(p->label), "Week %d, %d", week, p->year);
		return 0;
	}
	if (id == NULL) {
		near = nearest_word(ti->text, names, NIDENTS);
		csv_say(g, t, MSG_ERROR, ti->line, ti->col, "`%s` in column `time_identifier` is "
		    "not one of EES's time identifiers%s%s%s", ti->text, near ? " (did you mean `" :
		    " (`Academic year`, `Calendar year`, `Financial year` …)", near ? near : "",
		    near ? "`?)" : "");
		return -1;
	}
	if (!digits_only(tp->text, (size_t)id->digits)) {
		csv_say(g, t, MSG_ERROR, tp->line, tp->col, "`%s` in column `time_period` is not %s "
		    "for `%s`", tp->text, id->digits == 4 ? "a year of four digits, such as 2023" :
		    "two years in six digits, such as 202223", id->id);
		return -1;
	}
	y = atoi(tp->text);
	if (id->digits == 6) {
		if (y % 100 != (y / 100 + 1) % 100) {
			csv_say(g, t, MSG_ERROR, tp->line, tp->col, "`%s` in column `time_period` is "
			    "not two consecutive years: write the first year and the last two digits "
			    "of the next, as %d%02d", tp->text, y / 100, (y / 100 + 1) % 100);
			return -1;
		}
		y /= 100;
		snprintf(years, sizeof(years), "%d/%02d", y, (y + 1) % 100);
		p->year = y + 1;
	} else {
		snprintf(years, sizeof(years), "%d", y);
		p->year = y;
	}
	if (id->part == 1)
		snprintf(p->label, sizeof(p->label), "April to September %d", y);
	else if (id->part == 2)
		snprintf(p->label, sizeof(p->label), "October %d to March %d", y, y + 1);
	else
		snprintf(p->label, sizeof(p->label), id->label, years);
	return 0;
}

/* The symbols EES files use for a figure not given, beyond those csv.c knows: `k` (an
 * older DfE mark of a figure not published) and `~` (the obsolete mark of one that rounds to
 * zero). */
static const char *
figure_of(const struct cell *c)
{
	if (c->kind == D_NUMBER)
		return c->text;
	if (datum_symbol(c->kind) != NULL)
		return datum_symbol(c->kind);
	if (same_words(c->text, "k"))
		return "x";
	if (same_words(c->text, "~"))
		return "low";
	return NULL;
}

static const char *
ees_figure(struct gen *g, const struct pubfile *f, const struct measure *m, size_t r)
{
	const struct cell *c = cell_at(f->t, r, m->col);
	const char *v = figure_of(c);

	if (c->kind == D_EMPTY) {
		csv_say(g, f->t, MSG_WARNING, c->line, c->col, "this cell of `%s` is empty, where "
		    "EES files give a symbol (c, x, z, u or low) for a figure not given: the page "
		    "says \"not published\"", f->t->cols[m->col]);
		return "x";
	}
	if (v == NULL)
		csv_say(g, f->t, MSG_ERROR, c->line, c->col, "`%s` in column `%s` is not a number "
		    "or one of EES's symbols (c, x, z, u, low)", c->text, f->t->cols[m->col]);
	return v;
}

const struct pubshape shape_ees = {
	.what = "an EES data file",
	.codes = "its levels' code columns (country_code, region_code, new_la_code, "
	    "old_la_code, pcon_code …)",
	.looks = ees_looks,
	.open = ees_open,
	.measure = ees_measure,
	.area = ees_area,
	.period = ees_period,
	.figure = ees_figure,
};
