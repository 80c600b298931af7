/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fingertips.c: OHID's Fingertips indicator exports (the "Export table" CSV and the API's
 * all_data/csv), as published: 27 columns from Indicator ID, Indicator Name, Parent Code,
 * Parent Name, Area Code, Area Name, Area Type, Sex, Age, Category Type, Category, Time
 * period, Value, the 95% and 99.8% confidence limits, Count, Denominator, Value note … to
 * Time period range. One struct pubshape for official.c. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* The columns gen reads; the export's others (trend, comparisons, the 99.8% limits, Time
 * period Sortable, New data …) may be there or not. */
static const char *const needed[] = { "Indicator ID", "Indicator Name", "Area Code",
    "Area Name", "Area Type", "Sex", "Age", "Category Type", "Category", "Time period",
    "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Value note" };

/* The columns in which rows of one area and period may differ, and the value taken where
 * the declaration names none: the whole population (no category), both sexes. */
static const struct {
	const char	*col, *fallback;
	int		 level;		/* it says an area's type or its parent */
} breakdowns[] = {
	{ "Parent Code", NULL, 1 }, { "Parent Name", NULL, 1 }, { "Area Type", NULL, 1 },
	{ "Sex", "Persons", 0 }, { "Age", NULL, 0 }, { "Category Type", "", 0 },
	{ "Category", "", 0 }, { "Time period", NULL, 0 }, { "Time period range", NULL, 0 }
};

static const char *
text_at(const struct table *t, size_t r, int c)
{
	return c < 0 ? "" : t->cells[r * t->ncols + (size_t)c].text;
}

static int
ft_looks(const struct datasets *d, const struct table *t)
{
	(void)d;
	return csv_column(t, "Indicator ID") >= 0 || csv_column(t, "Area Code") >= 0;
}

static int
ft_open(struct gen *g, const struct datasets *d, struct pubfile *f)
{
	const struct table *t = f->t;
	int bad = 0;

	(void)d;
	for (size_t i = 0; i < sizeof(needed) / sizeof(*needed); i++)
		bad += csv_need_column(g, t, needed[i], "a Fingertips export (its columns run "
		    "from `Indicator ID` to `Time period range`)") < 0;
	if (bad > 0)
		return -1;
	f->breakdown = xcalloc(t->ncols + 1, 1);
	f->fallback = xcalloc(t->ncols + 1, sizeof(*f->fallback));
	f->level = xcalloc(t->ncols + 1, 1);
	for (size_t i = 0; i < sizeof(breakdowns) / sizeof(*breakdowns); i++) {
		int c = csv_column(t, breakdowns[i].col);

		if (c >= 0) {
			f->breakdown[c] = 1;
			f->fallback[c] = breakdowns[i].fallback;
			f->level[c] = (unsigned char)breakdowns[i].level;
		}
	}
	return 0;
}

/* The export's indicators, "10101 (Children in low income families (under 16s))", at most
 * five, for a message. The caller frees. */
static char *
indicators_held(const struct table *t, int id, int name)
{
	struct buf b = { 0 };
	size_t n = 0;

	for (size_t r = 0; r < t->nrows && n <= 5; r++) {
		size_t k;

		for (k = 0; k < r; k++)
			if (strcmp(text_at(t, k, id), text_at(t, r, id)) == 0)
				break;
		if (k < r)
			continue;
		if (n++ == 5) {
			buf_adds(&b, " …");
			break;
		}
		buf_adds(&b, n > 1 ? ", " : "");
		buf_adds(&b, text_at(t, r, id));
		buf_adds(&b, " (");
		buf_adds(&b, text_at(t, r, name));
		buf_adds(&b, ")");
	}
	return b.s ? b.s : xstrdup("none");
}

static int
ft_measure(const struct pubfile *f, const char *text, struct measure *s, char **why)
{
	const struct table *t = f->t;
	int id = csv_column(t, "Indicator ID"), name = csv_column(t, "Indicator Name");
	long r = -1;

	for (size_t k = 0; k < t->nrows && r < 0; k++)
		if (strcmp(text_at(t, k, id), text) == 0 || same_words(text_at(t, k, name), text))
			r = (long)k;
	if (r < 0) {
		char *held = indicators_held(t, id, name);

		*why = xasprintf(": it holds %s", held);
		free(held);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->col = csv_column(t, "Value");
	s->lo = csv_column(t, "Lower CI 95.0 limit");
	s->hi = csv_column(t, "Upper CI 95.0 limit");
	s->key = id;
	s->id = text_at(t, (size_t)r, id);
	s->name = text_at(t, (size_t)r, name);
	s->unit = "";		/* the export does not say it; the indicator list does */
	s->dp = -1;
	return 0;
}

static void
ft_area(const struct pubfile *f, size_t r, const char **code, const char **code2,
    const char **name, const char **level)
{
	const struct table *t = f->t;

	*code = text_at(t, r, csv_column(t, "Area Code"));
	*code2 = NULL;
	*name = text_at(t, r, csv_column(t, "Area Name"));
	*level = text_at(t, r, csv_column(t, "Area Type"));
	if (**code == '\0')
		*code = NULL;
}

/* Reads n digits at *s into *v; returns 0, or -1 when they are not there. */
static int
take_digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		*v = 10 * *v + ((*s)[i] - '0');
	}
	if (isdigit((unsigned char)(*s)[n]))
		return -1;
	*s += n;
	return 0;
}

/* Steps over spaces, then `c` (with spaces after it); returns 0, or -1 when c is not there. */
static int
take(const char **s, char c)
{
	while (**s == ' ')
		(*s)++;
	if (**s != c)
		return -1;
	(*s)++;
	while (**s == ' ')
		(*s)++;
	return 0;
}

/* A year written in full or by its last two digits after `from`: the first after it. */
static int
after(int from, int yy)
{
	int y = from - from % 100 + yy;

	return y <= from ? y + 100 : y;
}

/* Reads "2022", "2022/23" (a financial or academic year) at *s into its first year and
 * *split; returns 0 or -1. */
static int
one_year(const char **s, int *y, int *split)
{
	int yy;

	if (take_digits(s, 4, y) == -1)
		return -1;
	*split = 0;
	if (**s == '/') {
		(*s)++;
		if (take_digits(s, 2, &yy) == -1 || yy != (*y + 1) % 100)
			return -1;
		*split = 1;
	}
	return 0;
}

static const char *const months[] = { "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December" };

/* Parses Fingertips' "Time period": 2022, 2022/23, "2020 - 22" (three years pooled),
 * "2019/20 - 21/22", each with " Q1" … " Q4" for a quarter, or "Jan 2023" / "January 2023".
 * Returns 0, or -1 when it is none of these. */
static int
parse_period(const char *text, struct period *p)
{
	const char *s = text;
	char first[16], last[16], quarter[8] = "";
	int y, split, y2, split2, q;

	while (*s == ' ')
		s++;
	for (int m = 0; m < 12; m++) {
		size_t n = strlen(months[m]);

		if (strncasecmp(s, months[m], 3) == 0 && (s[3] == ' ' ||
		    (strncasecmp(s, months[m], n) == 0 && s[n] == ' '))) {
			s += s[3] == ' ' ? 3 : n;
			while (*s == ' ')
				s++;
			if (take_digits(&s, 4, &y) == -1 || *s != '\0')
				return -1;
			p->year = y;
			snprintf(p->label, sizeof(p->label), "%s %d", months[m], y);
			return 0;
		}
	}
	if (one_year(&s, &y, &split) == -1)
		return -1;
	snprintf(first, sizeof(first), split ? "%d/%02d" : "%d", y, (y + 1) % 100);
	p->year = y + split;
	last[0] = '\0';
	if (take(&s, '-') == 0) {	/* a range: "2020 - 22", "2019/20 - 21/22" */
		if (take_digits(&s, 2, &y2) == -1)
			return -1;
		y2 = after(y, y2);
		split2 = 0;
		if (*s == '/') {
			int yy;

			s++;
			if (take_digits(&s, 2, &yy) == -1 || yy != (y2 + 1) % 100)
				return -1;
			split2 = 1;
		}
		if (split2 != split)
			return -1;
		snprintf(last, sizeof(last), split ? "%d/%02d" : "%02d", split ? y2 : y2 % 100,
		    (y2 + 1) % 100);
		p->year = y2 + split;
	}
	while (*s == ' ')
		s++;
	if ((*s == 'Q' || *s == 'q') && s[1] >= '1' && s[1] <= '4' && s[2] == '\0') {
		q = s[1] - '0';
		snprintf(quarter, sizeof(quarter), "Q%d ", q);
		s += 2;
	}
	if (*s != '\0')
		return -1;
	snprintf(p->label, sizeof(p->label), "%s%s%s%s", quarter, first, last[0] ? "–" : "",
	    last);
	return 0;
}

static int
ft_period(struct gen *g, const struct pubfile *f, size_t r, struct period *p)
{
	const struct table *t = f->t;
	const struct cell *c = &t->cells[r * t->ncols + (size_t)csv_column(t, "Time period")];

	if (parse_period(c->text, p) == 0)
		return 0;
	csv_say(g, t, MSG_ERROR, c->line, c->col, "`%s` in column `Time period` is not a period "
	    "gen can place in a year (such as 2022, 2022/23, 2020 - 22 or 2022/23 Q1)", c->text);
	return -1;
}

/* What an empty Value's note says, as a symbol: suppressed (for disclosure control, or a
 * small count), not applicable, too unreliable (too few cases to calculate), or else not
 * published (missing in the source, or no note). */
static const char *
note_symbol(const char *note)
{
	char *low = xstrdup(note);
	const char *s = "x";

	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);

	if (strstr(low, "suppress") != NULL || strstr(low, "disclosure") != NULL)
		s = "c";
	else if (strstr(low, "not applicable") != NULL)
		s = "z";
	else if (strstr(low, "too small") != NULL || strstr(low, "reliab") != NULL ||
	    strstr(low, "small number") != NULL)
		s = "u";
	free(low);
	return s;
}

static const char *
ft_figure(struct gen *g, const struct pubfile *f, const struct measure *m, size_t r)
{
	const struct table *t = f->t;
	const struct cell *c = &t->cells[r * t->ncols + (size_t)m->col];

	if (c->kind == D_NUMBER)
		return c->text;
	if (c->kind == D_EMPTY)	/* Fingertips leaves the value empty and says why in a note */
		return note_symbol(text_at(t, r, csv_column(t, "Value note")));
	if (datum_symbol(c->kind) != NULL)
		return datum_symbol(c->kind);
	csv_say(g, t, MSG_ERROR, c->line, c->col, "`%s` in column `Value` is not a number; "
	    "Fingertips leaves a value it does not give empty, and says why in `Value note`",
	    c->text);
	return NULL;
}

const struct pubshape shape_fingertips = {
	.what = "a Fingertips export",
	.codes = "column `Area Code`",
	.looks = ft_looks,
	.open = ft_open,
	.measure = ft_measure,
	.area = ft_area,
	.period = ft_period,
	.figure = ft_figure,
};
