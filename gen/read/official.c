/* SPDX-License-Identifier: GPL-3.0-or-later */
/* official.c: published statistics read as downloaded. A declaration, data/NAME.source,
 * says which published files of the document's data (EES data files, Fingertips exports:
 * ees.c, fingertips.c), which of their measures, filter values and rows it takes; this makes
 * from them the table NAME in the shape gen's own data has, so the indicators, their status,
 * sentences, charts and panels read it as they read a CSV. Called by document.c. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen.h"

#define SHOWN_VALUES	12	/* values of a column listed in a hint */

/* A `key: value` line of the declaration. */
struct setting {
	char	*key, *value;	/* trimmed, owned */
	int	 line;
	int	 kcol, vcol;	/* where the key and the value start, in characters */
};

/* A filter of a section: rows are taken only where column `col` says `value`. */
struct filter {
	const struct setting *s;
	int	 col;
};

/* A `[file.csv]` line and the settings under it: one published file. */
struct section {
	char		*file;		/* as written, owned */
	int		 line, col;
	struct setting	*v;		/* owned */
	size_t		 n;
	struct pubfile	 pf;		/* the file, opened (pf.t NULL: it could not be) */
	struct filter	*filters;	/* owned */
	size_t		 nfilters;
	unsigned char	*pass;		/* per row of the file: every filter holds; owned */
	GHashTable	*rows;		/* an area's code -> GArray of its rows (size_t) */
	int		 illustrative;	/* `illustrative: yes`: its figures are examples */
	int		 failed;	/* a row could not be taken (said once): the rest of the
					 * file is not taken either */
};

/* A measure the declaration takes: `att8: avg_att8` in a section. */
struct want {
	const struct setting *s;	/* the line: its key names it in the table made */
	struct section	*sec;
	struct measure	 m;
};

/* An area the declaration names: the area or a comparator of a report, or one of a list. */
struct place {
	const char	*column;	/* the comparator's column; NULL for the area itself */
	char		*code;		/* its code as written, owned */
	int		 line, col;	/* where */
	const char	*name;		/* as the first file that has it calls it */
};

/* A row taken for a measure and an area: its period and where it is. */
struct taken {
	struct period	 p;
	size_t		 row;
};

struct decl {
	struct gen	*g;
	struct datasets	*d;
	const char	*path;
	struct setting	*top;		/* the settings before the first section, owned */
	size_t		 ntop;
	struct section	*sec;		/* owned */
	size_t		 nsec;
	struct want	*want;		/* owned */
	size_t		 nwant;
	struct place	*place;		/* owned */
	size_t		 nplaces;
	int		 wide;		/* `areas:`: a row for each area, not years of one */
	int		 errors;
};

/* ---- small helpers ---- */

int
same_words(const char *a, const char *b)
{
	size_t na, nb;

	while (*a == ' ' || *a == '\t')
		a++;
	while (*b == ' ' || *b == '\t')
		b++;
	na = strlen(a);
	nb = strlen(b);
	while (na > 0 && (a[na - 1] == ' ' || a[na - 1] == '\t'))
		na--;
	while (nb > 0 && (b[nb - 1] == ' ' || b[nb - 1] == '\t'))
		nb--;
	return na == nb && strncasecmp(a, b, na) == 0;
}

void
period_shift(const char *label, int by, char *out, size_t size)
{
	struct buf b = { 0 };
	const char *s = label;

	/* Every year in full moves on by `by`; a year written by its last two digits after
	 * `/` or an en rule ("2022/23", "2020–22") moves with it. */
	while (*s != '\0') {
		size_t n = 0;
		char num[16];

		while (isdigit((unsigned char)s[n]))
			n++;
		if (n == 4) {
			snprintf(num, sizeof(num), "%04d", atoi(s) + by);
			buf_adds(&b, num);
		} else if (n == 2 && s > label && (s[-1] == '/' || (s - label >= 3 &&
		    memcmp(s - 3, "\xe2\x80\x93", 3) == 0))) {
			snprintf(num, sizeof(num), "%02d", ((atoi(s) + by) % 100 + 100) % 100);
			buf_adds(&b, num);
		} else if (n > 0)
			buf_add(&b, s, n);
		else
			buf_addc(&b, *s++);
		s += n;
	}
	snprintf(out, size, "%s", b.s ? b.s : "");
	buf_free(&b);
}

void
figure_fixed(struct buf *b, double v, int dp, int group)
{
	double p = pow(10, dp), a = floor(fabs(v) * p + 0.5 + 1e-7);
	char t[400];
	size_t whole;

	snprintf(t, sizeof(t), "%.*f", dp, a / p);
	whole = strcspn(t, ".");
	for (size_t i = 0; i < whole; i++) {
		if (group && i > 0 && (whole - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, t[i]);
	}
	buf_adds(b, t + whole);
}

const char *
datum_symbol(enum datum k)
{
	switch (k) {
	case D_NA:
		return "x";
	case D_SUPPRESSED:
		return "c";
	case D_NOT_APPLICABLE:
		return "z";
	case D_LOW:
		return "low";
	case D_UNRELIABLE:
		return "u";
	case D_NO_DATA:
		return "w";
	case D_NOT_STATED:
		return "not stated";
	case D_EMPTY:
	case D_NUMBER:
	case D_TEXT:
		break;
	}
	return NULL;
}

static void	derr(struct decl *, int, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Reports an error in the declaration. */
static void
derr(struct decl *dc, int line, int col, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msg(dc->g, MSG_ERROR, dc->path, line, col, "%s", text);
	dc->errors++;
}

static const char *
text_at(const struct table *t, size_t r, int c)
{
	return t->cells[r * t->ncols + (size_t)c].text;
}

/* The characters of s before byte `off`, plus one: a column as messages count them. */
static int
column_of(const char *s, size_t off)
{
	return 1 + (int)utf8_count(s, off);
}

/* ---- reading the declaration ---- */

/* Narrows [*s, *e) to leave out spaces at either end. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* Reads one line (its `n` bytes at `s`, line number `line`) into dc. */
static void
parse_line(struct decl *dc, const char *s, size_t n, int line)
{
	const char *p = s, *e = s + n, *colon, *hash;
	struct setting *v;

	/* A comment: a line starting with #, or # after a space to the end of a line. */
	for (hash = s; (hash = memchr(hash, '#', (size_t)(e - hash))) != NULL; hash++)
		if (hash == s || hash[-1] == ' ' || hash[-1] == '\t') {
			e = hash;
			break;
		}
	trim(&p, &e);
	if (p == e)
		return;
	if (*p == '[') {
		const char *q = memchr(p, ']', (size_t)(e - p));

		if (q == NULL || q + 1 != e) {
			derr(dc, line, column_of(s, (size_t)(p - s)), "a `[` line names a published "
			    "file, as `[ks4-la.csv]`, and ends with `]`");
			return;
		}
		dc->sec = xgrow(dc->sec, dc->nsec, sizeof(*dc->sec));
		memset(&dc->sec[dc->nsec], 0, sizeof(*dc->sec));
		p++;
		trim(&p, &q);
		dc->sec[dc->nsec].file = xstrndup(p, (size_t)(q - p));
		dc->sec[dc->nsec].line = line;
		dc->sec[dc->nsec].col = column_of(s, (size_t)(p - s));
		dc->nsec++;
		return;
	}
	if ((colon = memchr(p, ':', (size_t)(e - p))) == NULL || colon == p) {
		derr(dc, line, column_of(s, (size_t)(p - s)), "expected `key: value`, a "
		    "`[file.csv]` line naming a published file, or a comment starting with `#`");
		return;
	}
	if (dc->nsec == 0) {
		dc->top = xgrow(dc->top, dc->ntop, sizeof(*dc->top));
		v = &dc->top[dc->ntop++];
	} else {
		struct section *sec = &dc->sec[dc->nsec - 1];

		sec->v = xgrow(sec->v, sec->n, sizeof(*sec->v));
		v = &sec->v[sec->n++];
	}
	{
		const char *ke = colon, *vs = colon + 1, *ve = e;

		trim(&p, &ke);
		trim(&vs, &ve);
		v->key = xstrndup(p, (size_t)(ke - p));
		v->value = xstrndup(vs, (size_t)(ve - vs));
		v->line = line;
		v->kcol = column_of(s, (size_t)(p - s));
		v->vcol = column_of(s, (size_t)(vs - s));
	}
}

/* Splits the declaration into its lines; returns 0, or -1 after an error. */
static int
parse(struct decl *dc, const char *text, size_t len)
{
	size_t bad, i = 0;
	int line = 1, lline, lcol;

	if ((bad = utf8_invalid(text, len)) != (size_t)-1) {
		text_position(text, bad, &lline, &lcol);
		derr(dc, lline, lcol, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		    (unsigned char)text[bad]);
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	if (memchr(text, '\0', len) != NULL) {
		derr(dc, 0, 0, "a NUL byte: this is not a text file");
		return -1;
	}
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		if (n > 0 && text[i + n - 1] == '\r')
			parse_line(dc, text + i, n - 1, line);
		else
			parse_line(dc, text + i, n, line);
		i += n + 1;
		line++;
	}
	return dc->errors > 0 ? -1 : 0;
}

/* ---- the published files ---- */

/* The data file nearest in name to `file`, "x.csv", for a hint, or NULL. The caller frees. */
static char *
nearest_file(const struct datasets *d, const char *file)
{
	char **names = xcalloc(d->n + 1, sizeof(*names));
	const char *w;
	char *near;
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++) {
		size_t l = strlen(d->v[i]->name);

		if (l <= 5 || strcmp(d->v[i]->name + l - 5, ".meta") != 0)	/* not metadata */
			names[n++] = xasprintf("%s.csv", d->v[i]->name);
	}
	w = nearest_word(file, (const char *const *)names, n);
	near = w ? xstrdup(w) : NULL;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return near;
}

/* Finds a section's file among the document's tables and opens it as its shape. */
static int
open_section(struct decl *dc, struct section *sec)
{
	size_t l = strlen(sec->file);
	char *name;
	const struct table *t;
	char *near;

	if (l <= 4 || strcasecmp(sec->file + l - 4, ".csv") != 0 || strchr(sec->file, '/') ||
	    strchr(sec->file, '\\')) {
		derr(dc, sec->line, sec->col, "`%s` is not the name of a CSV file in the data "
		    "folder, such as `ks4-la.csv`", sec->file);
		return -1;
	}
	name = xstrndup(sec->file, l - 4);
	t = datasets_find(dc->d, name);
	if (t != NULL && (strlen(t->path) < 4 || strcmp(t->path + strlen(t->path) - 4, ".csv")))
		t = NULL;	/* a table another declaration made, not a file */
	if (t == NULL) {
		if (!datasets_broken(dc->d, name)) {	/* else its own errors are said */
			near = nearest_file(dc->d, sec->file);
			derr(dc, sec->line, sec->col, "there is no %s in the data folder%s%s%s",
			    sec->file, near ? " (did you mean `" : "", near ? near : "",
			    near ? "`?)" : "");
			free(near);
		} else
			dc->errors++;
		free(name);
		return -1;
	}
	free(name);
	if (t->errors > 0) {
		dc->errors++;
		return -1;
	}
	sec->pf.file = sec->file;
	sec->pf.t = t;
	if (shape_ees.looks(dc->d, t))
		sec->pf.shape = &shape_ees;
	else if (shape_fingertips.looks(dc->d, t))
		sec->pf.shape = &shape_fingertips;
	else {
		csv_say(dc->g, t, MSG_ERROR, 1, 1, "this is neither an EES data file (its columns "
		    "begin time_period, time_identifier, geographic_level, and its metadata is in "
		    "%s.meta.csv) nor a Fingertips export (its columns begin Indicator ID, "
		    "Indicator Name, Parent Code)", t->name);
		dc->errors++;
		return -1;
	}
	if (sec->pf.shape->open(dc->g, dc->d, &sec->pf) == -1) {
		sec->pf.t = NULL;
		dc->errors++;
		return -1;
	}
	return 0;
}

/* The distinct values of column c of t, in the order they first come; *n is set. The
 * caller frees the array (not the strings). */
static const char **
distinct(const struct table *t, int c, size_t *n)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	const char **v = NULL;

	*n = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = text_at(t, r, c);

		if (g_hash_table_add(seen, (gpointer)s)) {
			v = xgrow(v, *n, sizeof(*v));
			v[(*n)++] = s;
		}
	}
	g_hash_table_destroy(seen);
	return v;
}

/* "`Total`, `Boys`, `Girls`": at most SHOWN_VALUES of v, for a message. The caller frees. */
static char *
listed(const char *const *v, size_t n)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n && i < SHOWN_VALUES; i++) {
		buf_adds(&b, i == 0 ? "`" : i + 1 == n ? "` and `" : "`, `");
		buf_adds(&b, v[i][0] ? v[i] : "(empty)");
	}
	buf_adds(&b, n == 0 ? "nothing" : n > SHOWN_VALUES ? "` …" : "`");
	return b.s;
}

/* The column of the section's file that `key` names (without regard to case), or -1. */
static int
column_named(const struct table *t, const char *key)
{
	int c = csv_column(t, key);

	for (size_t i = 0; c < 0 && i < t->ncols; i++)
		if (same_words(t->cols[i], key))
			c = (int)i;
	return c;
}

/* A setting of a section that names a column: a filter. Checks the column may be one and
 * the file holds the value. */
static void
add_filter(struct decl *dc, struct section *sec, const struct setting *s, int c)
{
	const struct table *t = sec->pf.t;
	const char **v, *near;
	size_t n, i;
	char *held;

	for (size_t k = 0; k < sec->nfilters; k++)
		if (sec->filters[k].col == c) {
			derr(dc, s->line, s->kcol, "the filter `%s` is given twice in [%s] (first on "
			    "line %d)", t->cols[c], sec->file, sec->filters[k].s->line);
			return;
		}
	if (!sec->pf.breakdown[c]) {
		struct buf b = { 0 };
		size_t k = 0;

		for (size_t i = 0; i < t->ncols; i++)
			if (sec->pf.breakdown[i] && k++ < SHOWN_VALUES) {
				buf_adds(&b, k > 1 ? "`, `" : "`");
				buf_adds(&b, t->cols[i]);
			}
		buf_adds(&b, k == 0 ? "none" : "`");
		derr(dc, s->line, s->kcol, "`%s` is not a filter of %s, which gen picks rows by "
		    "(its filters are %s); to take a measure, write `NAME: %s`", t->cols[c],
		    sec->file, b.s, t->cols[c]);
		buf_free(&b);
		return;
	}
	v = distinct(t, c, &n);
	for (i = 0; i < n && !same_words(v[i], s->value); i++)
		;
	if (i == n) {
		near = nearest_word(s->value, v, n);
		held = listed(v, n);
		derr(dc, s->line, s->vcol, "%s has no `%s` in column `%s`%s%s%s; it holds %s",
		    sec->file, s->value, t->cols[c], near ? " (did you mean `" : "", near ? near : "",
		    near ? "`?)" : "", held);
		free(held);
	} else {
		sec->filters = xgrow(sec->filters, sec->nfilters, sizeof(*sec->filters));
		sec->filters[sec->nfilters].s = s;
		sec->filters[sec->nfilters++].col = c;
	}
	free(v);
}

/* The key a measure is known by must be new. */
static int
key_taken(struct decl *dc, const struct setting *s)
{
	for (size_t i = 0; i < dc->nwant; i++)
		if (strcmp(dc->want[i].s->key, s->key) == 0) {
			derr(dc, s->line, s->kcol, "`%s` is taken twice (first on line %d); give each "
			    "measure a name of its own", s->key, dc->want[i].s->line);
			return 1;
		}
	return 0;
}

/* A setting of a section that is not a column: a measure, `KEY: MEASURE`. */
static void
add_measure(struct decl *dc, struct section *sec, const struct setting *s)
{
	struct measure m;
	char *why = NULL;
	const char *near;

	if (sec->pf.shape->measure(&sec->pf, s->value, &m, &why) == -1) {
		near = nearest_word(s->key, (const char *const *)sec->pf.t->cols,
		    sec->pf.t->ncols);
		if (near != NULL)
			derr(dc, s->line, s->kcol, "`%s: %s` is neither a filter nor a measure of %s: "
			    "it has no column `%s` (did you mean `%s`?), and no measure `%s`",
			    s->key, s->value, sec->file, s->key, near, s->value);
		else
			derr(dc, s->line, s->vcol, "%s has no measure `%s`%s", sec->file, s->value,
			    why);
		free(why);
		return;
	}
	if (key_taken(dc, s))
		return;
	dc->want = xgrow(dc->want, dc->nwant, sizeof(*dc->want));
	dc->want[dc->nwant].s = s;
	dc->want[dc->nwant].sec = sec;
	dc->want[dc->nwant++].m = m;
}

/* Sorts a section's settings into filters and measures, and marks the rows the filters
 * keep. */
static void
read_section(struct decl *dc, struct section *sec)
{
	const struct table *t = sec->pf.t;
	size_t wants = dc->nwant;
	int errors = dc->errors;

	for (size_t i = 0; i < sec->n; i++) {
		const struct setting *s = &sec->v[i];
		int c;

		if (same_words(s->key, "illustrative")) {
			if (same_words(s->value, "yes") || same_words(s->value, "no"))
				sec->illustrative = same_words(s->value, "yes");
			else
				derr(dc, s->line, s->vcol, "`illustrative` is `yes` (the file's figures "
				    "are examples, and the page says so) or `no`");
		} else if ((c = column_named(t, s->key)) >= 0)
			add_filter(dc, sec, s, c);
		else
			add_measure(dc, sec, s);
	}
	if (dc->nwant == wants && dc->errors == errors)
		derr(dc, sec->line, sec->col, "[%s] takes no measure: add a line `NAME: MEASURE` "
		    "under it, such as `att8: avg_att8` (an EES indicator) or `poverty: 10101` (a "
		    "Fingertips Indicator ID)", sec->file);
	sec->pass = xmalloc(t->nrows + 1);
	for (size_t r = 0; r < t->nrows; r++) {
		sec->pass[r] = 1;
		for (size_t k = 0; k < sec->nfilters && sec->pass[r]; k++)
			if (!sec->pf.level[sec->filters[k].col])	/* a level: pick() */
				sec->pass[r] = same_words(text_at(t, r, sec->filters[k].col),
				    sec->filters[k].s->value);
	}
}

static void
free_rows(gpointer p)
{
	g_array_free(p, TRUE);
}

/* Indexes a section's rows by their areas' codes. */
static void
index_rows(struct section *sec)
{
	const struct pubfile *f = &sec->pf;

	sec->rows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_rows);
	for (size_t r = 0; r < f->t->nrows; r++) {
		const char *code[2], *name, *level;

		f->shape->area(f, r, &code[0], &code[1], &name, &level);
		for (int k = 0; k < 2; k++) {
			GArray *a;

			if (code[k] == NULL || code[k][0] == '\0')
				continue;
			if ((a = g_hash_table_lookup(sec->rows, code[k])) == NULL) {
				a = g_array_new(FALSE, FALSE, sizeof(size_t));
				g_hash_table_insert(sec->rows, (gpointer)code[k], a);
			}
			g_array_append_val(a, r);
		}
	}
}

/* ---- the areas ---- */

static void
add_place(struct decl *dc, const char *column, const char *code, int line, int col)
{
	dc->place = xgrow(dc->place, dc->nplaces, sizeof(*dc->place));
	dc->place[dc->nplaces].column = column;
	dc->place[dc->nplaces].code = xstrdup(code);
	dc->place[dc->nplaces].line = line;
	dc->place[dc->nplaces].col = col;
	dc->place[dc->nplaces++].name = NULL;
}

/* The settings before the first section: `area:` and a code for each comparator of the
 * template, or `areas:`. */
static void
read_top(struct decl *dc)
{
	const struct setting *area = NULL, *areas = NULL;

	for (size_t i = 0; i < dc->ntop; i++) {
		const struct setting *s = &dc->top[i];
		size_t k;

		for (k = 0; k < i && !same_words(dc->top[k].key, s->key); k++)
			;
		if (k < i) {
			derr(dc, s->line, s->kcol, "`%s` is given twice (first on line %d)", s->key,
			    dc->top[k].line);
			continue;
		}
		if (same_words(s->key, "area"))
			area = s;
		else if (same_words(s->key, "areas"))
			areas = s;
	}
	if (area != NULL && areas != NULL) {
		derr(dc, areas->line, areas->kcol, "give `area:` (one area over the years, with "
		    "comparators) or `areas:` (a row for each area), not both");
		return;
	}
	if (area == NULL && areas == NULL) {
		derr(dc, dc->ntop > 0 ? dc->top[0].line : 1, 1, "say which area the figures are of "
		    "before the first file: `area: E08000014` (its GSS code) for a report on one "
		    "area, or `areas: E14000544; E14000919` for a row for each");
		return;
	}
	dc->wide = areas != NULL;
	if (area != NULL)
		add_place(dc, NULL, area->value, area->line, area->vcol);
	for (size_t i = 0; i < dc->ntop; i++) {
		const struct setting *s = &dc->top[i];
		const char **cols;
		const char *near;
		size_t k;

		if (s == area || s == areas)
			continue;
		for (k = 0; !dc->wide && k < dc->d->ncmp; k++)
			if (same_words(dc->d->cmp[k].column, s->key))
				break;
		if (!dc->wide && k < dc->d->ncmp) {
			add_place(dc, dc->d->cmp[k].column, s->value, s->line, s->vcol);
			continue;
		}
		cols = xcalloc(dc->d->ncmp + 3, sizeof(*cols));
		cols[0] = "area";
		cols[1] = "areas";
		for (k = 0; k < dc->d->ncmp; k++)
			cols[k + 2] = dc->d->cmp[k].column;
		near = nearest_word(s->key, cols, dc->d->ncmp + 2);
		derr(dc, s->line, s->kcol, "unknown setting `%s`%s%s%s: before the first file come "
		    "`area:` and a line for each comparator of the template%s", s->key,
		    near ? " (did you mean `" : "", near ? near : "", near ? "`?)" : "",
		    dc->d->ncmp > 0 ? "" : " (it names none)");
		free(cols);
	}
	for (size_t k = 0; !dc->wide && k < dc->d->ncmp; k++) {
		size_t i;

		for (i = 1; i < dc->nplaces; i++)
			if (dc->place[i].column == dc->d->cmp[k].column)
				break;
		if (i == dc->nplaces)
			derr(dc, area->line, 1, "the template sets the figures beside `%s` (%s): say "
			    "which area that is with a line `%s:` and its GSS code",
			    dc->d->cmp[k].column, dc->d->cmp[k].label, dc->d->cmp[k].column);
	}
	if (areas != NULL) {
		const char *p = areas->value;

		if (strncasecmp(p, "every ", 6) == 0)
			return;		/* places made from the first file: every_area() */
		while (*p != '\0') {
			size_t n = strcspn(p, ";,");
			const char *s = p, *e = p + n;

			trim(&s, &e);
			if (s < e) {
				char *code = xstrndup(s, (size_t)(e - s));

				add_place(dc, NULL, code, areas->line, areas->vcol +
				    column_of(areas->value, (size_t)(s - areas->value)) - 1);
				free(code);
			}
			p += n + (p[n] != '\0');
		}
		if (dc->nplaces == 0)
			derr(dc, areas->line, areas->vcol, "`areas:` lists the areas' GSS codes, "
			    "separated by `;`, or says `every` and a level, as `every Local "
			    "authority`");
	}
}

/* `areas: every LEVEL`: every area of that geographic level (EES) or Area Type
 * (Fingertips) that the first file holds under its filters, in the order it has them. */
static void
every_area(struct decl *dc, const struct setting *s)
{
	const char *level = s->value + 6, **levels = NULL, *near;
	struct section *sec = &dc->sec[0];
	const struct pubfile *f = &sec->pf;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);	/* levels */
	GHashTable *taken = g_hash_table_new(g_str_hash, g_str_equal);	/* codes */
	size_t nlevels = 0;

	while (*level == ' ')
		level++;
	for (size_t r = 0; r < f->t->nrows; r++) {
		const char *code, *code2, *name, *lv;

		f->shape->area(f, r, &code, &code2, &name, &lv);
		if (g_hash_table_add(seen, (gpointer)lv)) {
			levels = xgrow(levels, nlevels, sizeof(*levels));
			levels[nlevels++] = lv;
		}
		if (sec->pass[r] && code != NULL && same_words(lv, level) &&
		    g_hash_table_add(taken, (gpointer)code))
			add_place(dc, NULL, code, s->line, s->vcol);
	}
	if (dc->nplaces == 0) {
		char *held = listed(levels, nlevels);

		near = nearest_word(level, levels, nlevels);
		derr(dc, s->line, s->vcol, "%s has no area of the level `%s`%s%s%s under its "
		    "filters; its levels are %s", sec->file, level, near ? " (did you mean `" : "",
		    near ? near : "", near ? "`?)" : "", held);
		free(held);
	}
	free(levels);
	g_hash_table_destroy(seen);
	g_hash_table_destroy(taken);
}

/* "breakdown `Total` and sex `Total`": a section's filters, for a message. The caller frees. */
static char *
filters_text(const struct section *sec)
{
	struct buf b = { 0 };
	size_t shown = 0, n = 0;

	for (size_t k = 0; k < sec->nfilters; k++)
		n += !sec->pf.level[sec->filters[k].col];
	for (size_t k = 0; k < sec->nfilters; k++) {
		if (sec->pf.level[sec->filters[k].col])
			continue;
		buf_adds(&b, shown == 0 ? "" : shown + 1 == n ? " and " : ", ");
		shown++;
		buf_adds(&b, sec->pf.t->cols[sec->filters[k].col]);
		buf_adds(&b, " `");
		buf_adds(&b, sec->filters[k].s->value);
		buf_adds(&b, "`");
	}
	return b.s ? b.s : xstrdup("");
}

/* A level the section names (Area Type, geographic_level) must be one of the area's: the
 * comparators, at levels of their own, are not held to it. */
static void
check_levels(struct decl *dc, const struct section *sec, const struct place *pl,
    const GArray *rows)
{
	const struct table *t = sec->pf.t;

	for (size_t k = 0; k < sec->nfilters; k++) {
		int c = sec->filters[k].col;
		const char **held = NULL;
		size_t n = 0;
		guint j;

		if (!sec->pf.level[c])
			continue;
		for (j = 0; j < rows->len; j++) {
			const char *v = text_at(t, g_array_index(rows, size_t, j), c);
			size_t i;

			if (same_words(v, sec->filters[k].s->value))
				break;
			for (i = 0; i < n && strcmp(held[i], v) != 0; i++)
				;
			if (i == n) {
				held = xgrow(held, n, sizeof(*held));
				held[n++] = v;
			}
		}
		if (j == rows->len) {
			char *list = listed(held, n);

			derr(dc, sec->filters[k].s->line, sec->filters[k].s->vcol, "no row of %s for "
			    "%s (%s) has %s `%s`; its rows have %s", sec->file, pl->name, pl->code,
			    t->cols[c], sec->filters[k].s->value, list);
			free(list);
		}
		free(held);
	}
}

/* Finds each place in each file: an area code not found is an error at the declaration,
 * with the code of an area so named, or the nearest code, as a hint. */
static void
find_places(struct decl *dc)
{
	for (size_t i = 0; i < dc->nplaces; i++) {
		struct place *pl = &dc->place[i];

		for (size_t k = 0; k < dc->nsec; k++) {
			struct section *sec = &dc->sec[k];
			const struct pubfile *f = &sec->pf;
			GArray *rows = g_hash_table_lookup(sec->rows, pl->code);
			const char *code, *code2, *name, *level;
			size_t n = 0;

			if (f->t == NULL)
				continue;
			if (rows == NULL) {
				const char *hint = NULL, *near, **codes;
				GHashTableIter it;
				gpointer key;

				/* the area written by its name, or known by another code in an
				 * earlier file (an LA's old number) */
				for (size_t r = 0; r < f->t->nrows && hint == NULL; r++) {
					f->shape->area(f, r, &code, &code2, &name, &level);
					if (code != NULL && name != NULL && (same_words(name, pl->code) ||
					    (pl->name != NULL && same_words(name, pl->name))))
						hint = code;
				}
				codes = xcalloc(g_hash_table_size(sec->rows) + 1, sizeof(*codes));
				g_hash_table_iter_init(&it, sec->rows);
				while (g_hash_table_iter_next(&it, &key, NULL))
					codes[n++] = key;
				qsort(codes, n, sizeof(*codes), cmp_strings);
				near = hint ? NULL : nearest_word(pl->code, codes, n);
				if (hint != NULL)
					derr(dc, pl->line, pl->col, "%s has no area with the code `%s` in "
					    "%s: give the area's GSS code (%s has `%s` as %s)", sec->file,
					    pl->code, f->shape->codes, sec->file, pl->name ? pl->name :
					    pl->code, hint);
				else
					derr(dc, pl->line, pl->col, "%s has no area with the code `%s` in "
					    "%s%s%s%s", sec->file, pl->code, f->shape->codes,
					    near ? " (did you mean `" : "", near ? near : "",
					    near ? "`?)" : "");
				free(codes);
				continue;
			}
			for (guint j = 0; j < rows->len; j++) {
				size_t r = g_array_index(rows, size_t, j);

				if (pl->name == NULL) {
					f->shape->area(f, r, &code, &code2, &name, &level);
					pl->name = name;
				}
				n += sec->pass[r];
			}
			if (n == 0) {
				char *which = filters_text(sec);

				derr(dc, pl->line, pl->col, "no row of %s for %s (%s) has %s", sec->file,
				    pl->name, pl->code, which);
				free(which);
			} else if (pl->column == NULL)	/* the area, or one of the list */
				check_levels(dc, sec, pl, rows);
		}
	}
}

/* ---- the rows of a measure ---- */

/* Whether the rows v[0, n) differ in column c. */
static int
differ(const struct table *t, const size_t *v, size_t n, int c)
{
	for (size_t i = 1; i < n; i++)
		if (!same_words(text_at(t, v[i], c), text_at(t, v[0], c)))
			return 1;
	return 0;
}

/* Keeps those of rows v[0, n) that say `value` in column c, when they differ there and
 * any does; returns how many are kept. */
static size_t
prefer(const struct table *t, size_t *v, size_t n, int c, const char *value)
{
	size_t k = 0;

	if (!differ(t, v, n, c))
		return n;
	for (size_t i = 0; i < n; i++)
		if (same_words(text_at(t, v[i], c), value))
			v[k++] = v[i];
	return k > 0 ? k : n;
}

/* Whether the declaration's section names a filter on column c. */
static int
declared(const struct section *sec, int c)
{
	for (size_t k = 0; k < sec->nfilters; k++)
		if (sec->filters[k].col == c)
			return 1;
	return 0;
}

/* Of rows v[0, n), all of one area and period, the one the declaration means: where they
 * differ in a breakdown it does not name, the one with its aggregate value (EES's `Total`,
 * Fingertips' `Persons` and no category). Two rows left is an error at the later one, naming
 * the column they differ in. Returns the row, or (size_t)-1. */
static size_t
pick(struct decl *dc, struct want *w, const struct place *pl, const struct period *p,
    size_t *v, size_t n)
{
	const struct section *sec = w->sec;
	const struct pubfile *f = &sec->pf;
	const struct table *t = f->t;

	/* a level the declaration names (geographic_level: Local authority), where the
	 * area has rows at it; then each breakdown's aggregate */
	for (size_t k = 0; k < sec->nfilters && n > 1; k++)
		n = prefer(t, v, n, sec->filters[k].col, sec->filters[k].s->value);
	for (size_t c = 0; c < t->ncols && n > 1; c++)
		if (f->breakdown[c] && f->fallback[c] != NULL && !declared(sec, (int)c))
			n = prefer(t, v, n, (int)c, f->fallback[c]);
	if (n == 1)
		return v[0];
	for (size_t c = 0; c < t->ncols; c++) {
		const struct cell *a = &t->cells[v[0] * t->ncols + c];
		const struct cell *b = &t->cells[v[1] * t->ncols + c];

		if (!f->breakdown[c] || declared(sec, (int)c) || same_words(a->text, b->text))
			continue;
		csv_say(dc->g, t, MSG_ERROR, b->line, b->col, "rows %d and %d both give `%s` for %s "
		    "(%s) in %s: they differ in `%s` (`%s`, `%s`); say which to take in %s, under "
		    "[%s], as `%s: %s`", a->line, b->line, w->s->value, pl->name, pl->code, p->label,
		    t->cols[c], a->text, b->text, dc->path, sec->file, t->cols[c], a->text);
		dc->errors++;
		w->sec->failed = 1;
		return (size_t)-1;
	}
	{
		const char *code, *code2, *name[2], *level;

		f->shape->area(f, v[0], &code, &code2, &name[0], &level);
		f->shape->area(f, v[1], &code, &code2, &name[1], &level);
		if (name[0] != NULL && name[1] != NULL && !same_words(name[0], name[1])) {
			csv_say(dc->g, t, MSG_ERROR, t->cells[v[1] * t->ncols].line, 1, "rows %d and "
			    "%d give one code, %s, to two areas, `%s` and `%s`",
			    t->cells[v[0] * t->ncols].line, t->cells[v[1] * t->ncols].line, pl->code,
			    name[0], name[1]);
			dc->errors++;
			w->sec->failed = 1;
			return (size_t)-1;
		}
	}
	csv_say(dc->g, t, MSG_ERROR, t->cells[v[1] * t->ncols].line, 1, "rows %d and %d both "
	    "give `%s` for %s (%s) in %s, and nothing in them tells them apart",
	    t->cells[v[0] * t->ncols].line, t->cells[v[1] * t->ncols].line, w->s->value,
	    pl->name, pl->code, p->label);
	dc->errors++;
	w->sec->failed = 1;
	return (size_t)-1;
}

static int
cmp_taken(const void *a, const void *b)
{
	const struct taken *x = a, *y = b;

	if (x->p.year != y->p.year)
		return (x->p.year > y->p.year) - (x->p.year < y->p.year);
	return (x->row > y->row) - (x->row < y->row);
}

/* The rows of measure w for place pl, one a period, in the order of the periods: into *out
 * (the caller frees); returns how many. */
static size_t
rows_of(struct decl *dc, struct want *w, const struct place *pl, struct taken **out)
{
	const struct section *sec = w->sec;
	const struct pubfile *f = &sec->pf;
	GArray *rows = g_hash_table_lookup(sec->rows, pl->code);
	struct taken *v = NULL;
	size_t n = 0, k = 0, *group;

	*out = NULL;
	for (guint j = 0; !sec->failed && rows != NULL && j < rows->len; j++) {
		size_t r = g_array_index(rows, size_t, j);

		if (!sec->pass[r] || (w->m.key >= 0 && strcmp(text_at(f->t, r, w->m.key),
		    w->m.id) != 0))
			continue;
		v = xgrow(v, n, sizeof(*v));
		if (f->shape->period(dc->g, f, r, &v[n].p) == -1) {
			dc->errors++;
			w->sec->failed = 1;
			break;
		}
		v[n++].row = r;
	}
	if (sec->failed)
		n = 0;
	if (n == 0) {
		free(v);
		return 0;
	}
	qsort(v, n, sizeof(*v), cmp_taken);
	group = xmalloc(n * sizeof(*group));
	for (size_t i = 0; i < n && !sec->failed;) {
		size_t j = i, m = 0, r;

		while (j < n && v[j].p.year == v[i].p.year)
			group[m++] = v[j++].row;
		if ((r = pick(dc, w, pl, &v[i].p, group, m)) != (size_t)-1) {
			v[k] = v[i];
			v[k++].row = r;
		}
		i = j;
	}
	free(group);
	*out = v;
	return sec->failed ? 0 : k;
}

/* The label of year `year` in the periods v[0, n) of a measure: its own, or the last one's
 * moved on. */
static void
label_of(const struct taken *v, size_t n, int year, char *out, size_t size)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].p.year == year) {
			snprintf(out, size, "%s", v[i].p.label);
			return;
		}
	if (n > 0)
		period_shift(v[n - 1].p.label, year - v[n - 1].p.year, out, size);
	else
		snprintf(out, size, "%d", year);
}

/* "2018/19 to 2021/22": the periods a file holds, for a message. */
static void
held_text(const struct taken *v, size_t n, char *out, size_t size)
{
	if (n == 0)
		snprintf(out, size, "no period");
	else if (n == 1)
		snprintf(out, size, "only %s", v[0].p.label);
	else
		snprintf(out, size, "%s to %s", v[0].p.label, v[n - 1].p.label);
}

/* A confidence limit of measure m in row r, or "". */
static const char *
limit(const struct want *w, int c, size_t r)
{
	const struct cell *cell;

	if (c < 0)
		return "";
	cell = &w->sec->pf.t->cells[r * w->sec->pf.t->ncols + (size_t)c];
	return cell->kind == D_NUMBER ? cell->text : "";
}

/* ---- the tables made ---- */

/* Whether the place's figure is there for the report's year; else an error at the measure. */
static int
has_year(struct decl *dc, const struct want *w, const struct place *pl,
    const struct taken *v, size_t n, int year, const char *what)
{
	char label[64], held[160];

	for (size_t i = 0; i < n; i++)
		if (v[i].p.year == year)
			return 1;
	label_of(v, n, year, label, sizeof(label));
	held_text(v, n, held, sizeof(held));
	derr(dc, w->s->line, w->s->vcol, "%s has no `%s` for %s (%s) in %s, %s (it holds %s)",
	    w->sec->file, w->s->value, pl->name, pl->code, label, what, held);
	return 0;
}

/* The row of periods v[0, n) in `year`, or NULL. */
static const struct taken *
taken_in(const struct taken *v, size_t n, int year)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].p.year == year)
			return &v[i];
	return NULL;
}

/* One row of the long form: measure w in `year`, from each place's periods v[k][0, n[k])
 * (the area's first); a place with no row that year has no figure published ("x"). */
static void
long_row(struct decl *dc, struct buf *b, const struct want *w, int year, struct taken **v,
    const size_t *n)
{
	const struct pubfile *f = &w->sec->pf;
	const struct taken *a = taken_in(v[0], n[0], year), *t;
	char y[16], dp[16], label[64];

	label[0] = '\0';
	for (size_t k = 0; k < dc->nplaces && label[0] == '\0'; k++)
		if ((t = taken_in(v[k], n[k], year)) != NULL)
			snprintf(label, sizeof(label), "%s", t->p.label);
	if (label[0] == '\0')	/* a year none has, within the series: named as its neighbours */
		label_of(v[0], n[0], year, label, sizeof(label));
	snprintf(y, sizeof(y), "%d", year);
	dp[0] = '\0';
	if (w->m.dp >= 0)
		snprintf(dp, sizeof(dp), "%d", w->m.dp);
	csv_add_field(b, w->s->key, 0);
	csv_add_field(b, dc->place[0].name, 0);
	csv_add_field(b, y, 0);
	csv_add_field(b, label, 0);
	for (size_t k = 0; k < dc->nplaces; k++) {
		const char *fig = "x";	/* the place's figure that year is not in the file */

		if ((t = taken_in(v[k], n[k], year)) != NULL &&
		    (fig = f->shape->figure(dc->g, f, &w->m, t->row)) == NULL) {
			dc->errors++;
			fig = "x";
		}
		csv_add_field(b, fig, 0);
	}
	csv_add_field(b, a ? limit(w, w->m.lo, a->row) : "", 0);
	csv_add_field(b, a ? limit(w, w->m.hi, a->row) : "", 0);
	csv_add_field(b, w->m.name, 0);
	csv_add_field(b, w->m.unit, 0);
	csv_add_field(b, dp, 0);
	csv_add_field(b, w->sec->illustrative ? "illustrative" : "published", 1);
}

/* The last year of any of the places' periods v[k][0, n[k]). */
static int
last_year(struct taken **v, const size_t *n, size_t nplaces)
{
	int last = 0;

	for (size_t k = 0; k < nplaces; k++)
		if (n[k] > 0 && v[k][n[k] - 1].p.year > last)
			last = v[k][n[k] - 1].p.year;
	return last;
}

/* The long form of a report's indicators: a row for each measure and period of the area,
 * with the comparators' figures, up to the report's year. */
static void
make_long(struct decl *dc, struct buf *b)
{
	const struct datasets *d = dc->d;
	struct taken **v = xcalloc(dc->nplaces, sizeof(*v));
	size_t *n = xcalloc(dc->nplaces, sizeof(*n));

	buf_adds(b, "indicator,area,year,period,value");
	for (size_t k = 1; k < dc->nplaces; k++) {
		buf_addc(b, ',');
		csv_add_field(b, dc->place[k].column, 1);
		b->s[--b->len] = '\0';		/* the line goes on */
	}
	buf_adds(b, ",ci-lower,ci-upper,name,unit,dp,source\n");
	for (size_t i = 0; i < dc->nwant; i++) {
		struct want *w = &dc->want[i];
		int missing = 0;	/* said of the measure: its comparators are not said */

		for (size_t k = 0; k < dc->nplaces; k++) {
			n[k] = rows_of(dc, w, &dc->place[k], &v[k]);
			if (d->year > 0)	/* a report shows nothing after its year */
				while (n[k] > 0 && v[k][n[k] - 1].p.year > d->year)
					n[k]--;
			if (w->sec->failed || missing)
				continue;
			if (n[k] == 0) {
				derr(dc, w->s->line, w->s->vcol, "%s has no `%s` for %s (%s) under "
				    "its filters", w->sec->file, w->s->value, dc->place[k].name,
				    dc->place[k].code);
				missing = 1;
			} else if (d->year > 0 && !d->latest_published)
				missing = !has_year(dc, w, &dc->place[k], v[k], n[k], d->year,
				    "the report's year");
		}
		/* every year from the area's first to the last any place has: a year within the
		 * series that a file leaves out is a year with no figure, a gap in a chart */
		for (int y = n[0] > 0 ? v[0][0].p.year : 1, last = last_year(v, n, dc->nplaces);
		    n[0] > 0 && y <= last; y++)
			long_row(dc, b, w, y, v, n);
		for (size_t k = 0; k < dc->nplaces; k++) {
			free(v[k]);
			v[k] = NULL;
		}
	}
	free(v);
	free(n);
}

/* A figure of a row for each area, as gen's own data writes it: to the measure's decimal
 * places, with `%` for a percentage ("18.4%"), or a symbol. */
static void
wide_figure(struct buf *b, const struct want *w, const char *fig, size_t r)
{
	const struct cell *c = &w->sec->pf.t->cells[r * w->sec->pf.t->ncols + (size_t)w->m.col];
	struct buf v = { 0 };

	if (c->kind != D_NUMBER || strcmp(fig, c->text) != 0) {
		csv_add_field(b, fig, 0);
		return;
	}
	if (w->m.dp < 0)
		buf_adds(&v, fig);
	else {
		if (c->num < 0 && floor(fabs(c->num) * pow(10, w->m.dp) + 0.5 + 1e-7) != 0)
			buf_addc(&v, '-');
		figure_fixed(&v, c->num, w->m.dp, 0);
	}
	if (strcmp(w->m.unit, "%") == 0)
		buf_addc(&v, '%');
	csv_add_field(b, v.s, 0);
	buf_free(&v);
}

/* A row for each area: its name and code, then each measure's figure in the document's
 * year, or else in the latest period any of the areas has. */
static void
make_wide(struct decl *dc, struct buf *b)
{
	struct taken **v = xcalloc(dc->nplaces * dc->nwant + 1, sizeof(*v));
	size_t *n = xcalloc(dc->nplaces * dc->nwant + 1, sizeof(*n));
	int *year = xcalloc(dc->nwant + 1, sizeof(*year));

	buf_adds(b, "area,code");
	for (size_t i = 0; i < dc->nwant; i++) {
		char *period = xasprintf("%s-period", dc->want[i].s->key);

		buf_addc(b, ',');
		csv_add_field(b, dc->want[i].s->key, 0);
		csv_add_field(b, period, 1);
		b->s[--b->len] = '\0';
		free(period);
	}
	buf_addc(b, '\n');
	for (size_t i = 0; i < dc->nwant; i++) {
		year[i] = dc->d->year;
		for (size_t k = 0; k < dc->nplaces; k++) {
			size_t at = k * dc->nwant + i;

			n[at] = rows_of(dc, &dc->want[i], &dc->place[k], &v[at]);
			if (dc->d->year == 0 && n[at] > 0 && v[at][n[at] - 1].p.year > year[i])
				year[i] = v[at][n[at] - 1].p.year;
		}
		for (size_t k = 0; k < dc->nplaces && !dc->want[i].sec->failed; k++) {
			size_t at = k * dc->nwant + i;

			if (n[at] == 0)
				derr(dc, dc->want[i].s->line, dc->want[i].s->vcol, "%s has no `%s` for "
				    "%s (%s) under its filters", dc->want[i].sec->file,
				    dc->want[i].s->value, dc->place[k].name, dc->place[k].code);
			else
				has_year(dc, &dc->want[i], &dc->place[k], v[at], n[at], year[i],
				    dc->d->year > 0 ? "the document's year" : "the latest year of the "
				    "others");
		}
	}
	for (size_t k = 0; dc->errors == 0 && k < dc->nplaces; k++) {
		csv_add_field(b, dc->place[k].name, 0);
		csv_add_field(b, dc->place[k].code, dc->nwant == 0);
		for (size_t i = 0; i < dc->nwant; i++) {
			const struct want *w = &dc->want[i];
			size_t at = k * dc->nwant + i, j;
			const char *fig;

			for (j = 0; v[at][j].p.year != year[i]; j++)
				;
			if ((fig = w->sec->pf.shape->figure(dc->g, &w->sec->pf, &w->m,
			    v[at][j].row)) == NULL) {
				dc->errors++;
				fig = "";
			}
			wide_figure(b, w, fig, v[at][j].row);
			csv_add_field(b, v[at][j].p.label, i + 1 == dc->nwant);
		}
	}
	for (size_t i = 0; i < dc->nplaces * dc->nwant; i++)
		free(v[i]);
	free(v);
	free(n);
	free(year);
}

/* Points each cell of the table made at the declaration's line that made it: a measure's
 * line for its figures, the area's for the rest. */
static void
place_cells(struct decl *dc, struct table *t)
{
	const struct setting *area = NULL;

	for (size_t i = 0; i < dc->ntop; i++)
		if (same_words(dc->top[i].key, dc->wide ? "areas" : "area"))
			area = &dc->top[i];
	for (size_t c = 0; c < t->ncols; c++) {
		const struct setting *s = area;

		for (size_t i = 0; i < dc->nwant; i++) {
			size_t l = strlen(dc->want[i].s->key);

			if (dc->wide && strncmp(t->cols[c], dc->want[i].s->key, l) == 0 &&
			    (t->cols[c][l] == '\0' || strcmp(t->cols[c] + l, "-period") == 0))
				s = dc->want[i].s;
		}
		t->col_line[c] = s ? s->line : 1;
		t->col_col[c] = s ? s->kcol : 1;
		for (size_t r = 0; r < t->nrows; r++) {
			struct cell *cell = &t->cells[r * t->ncols + c];
			const struct setting *rs = s;

			for (size_t i = 0; !dc->wide && i < dc->nwant; i++)
				if (strcmp(t->cells[r * t->ncols].text, dc->want[i].s->key) == 0)
					rs = dc->want[i].s;
			cell->line = rs ? rs->line : 1;
			cell->col = (unsigned short)(rs ? rs->kcol : 1);
		}
	}
}

static void
decl_free(struct decl *dc)
{
	for (size_t i = 0; i < dc->ntop; i++) {
		free(dc->top[i].key);
		free(dc->top[i].value);
	}
	free(dc->top);
	for (size_t k = 0; k < dc->nsec; k++) {
		struct section *sec = &dc->sec[k];

		for (size_t i = 0; i < sec->n; i++) {
			free(sec->v[i].key);
			free(sec->v[i].value);
		}
		free(sec->v);
		free(sec->file);
		free(sec->filters);
		free(sec->pass);
		free(sec->pf.breakdown);
		free(sec->pf.fallback);
		free(sec->pf.level);
		if (sec->rows != NULL)
			g_hash_table_destroy(sec->rows);
	}
	free(dc->sec);
	free(dc->want);
	for (size_t i = 0; i < dc->nplaces; i++)
		free(dc->place[i].code);
	free(dc->place);
}

/* The table's name: the declaration's file name without its folder and `.source`. */
static char *
table_name(const char *path)
{
	const char *s = strrchr(path, '/'), *dot;

	s = s ? s + 1 : path;
	dot = strrchr(s, '.');
	return dot && dot != s ? xstrndup(s, (size_t)(dot - s)) : xstrdup(s);
}

/* Checks the front matter's `area:`, if any, against the area's name in the files. */
static void
check_area_name(struct decl *dc)
{
	const struct place *pl = &dc->place[0];

	if (dc->wide || dc->d->area == NULL || pl->name == NULL ||
	    same_words(dc->d->area, pl->name))
		return;
	derr(dc, pl->line, pl->col, "the front matter says `area: %s`, but %s is `%s` in %s",
	    dc->d->area, pl->code, pl->name, dc->sec[0].file);
}

int
official_read(struct gen *g, struct datasets *d, const char *path, const char *text,
    size_t len)
{
	struct decl dc = { .g = g, .d = d, .path = path };
	char *name = table_name(path);
	struct buf b = { 0 };
	struct table *t = NULL;

	if (datasets_find(d, name) != NULL || datasets_broken(d, name)) {
		if (!d->unread)
			derr(&dc, 0, 0, "both this and data/%s.csv make the table `%s`; keep one",
			    name, name);
		free(name);
		return -1;
	}
	if (parse(&dc, text, len) == -1)
		goto done;
	read_top(&dc);
	if (dc.nsec == 0 && dc.errors == 0)
		derr(&dc, dc.ntop > 0 ? dc.top[dc.ntop - 1].line : 1, 1, "it names no published "
		    "file: add a line `[file.csv]` naming one in the data folder, and under it the "
		    "filters and measures to take");
	for (size_t k = 0; k < dc.nsec; k++)
		if (open_section(&dc, &dc.sec[k]) == 0) {
			read_section(&dc, &dc.sec[k]);
			index_rows(&dc.sec[k]);
		}
	if (dc.errors > 0)
		goto done;
	for (size_t i = 0; dc.wide && i < dc.ntop; i++)
		if (same_words(dc.top[i].key, "areas") && strncasecmp(dc.top[i].value, "every ",
		    6) == 0)
			every_area(&dc, &dc.top[i]);
	find_places(&dc);
	if (dc.errors > 0)
		goto done;
	check_area_name(&dc);
	if (dc.wide)
		make_wide(&dc, &b);
	else
		make_long(&dc, &b);
	if (dc.errors > 0)
		goto done;
	if ((t = csv_read(g, path, b.s, b.len)) == NULL) {
		dc.errors++;
		goto done;
	}
	free(t->name);
	t->name = xstrdup(name);
	place_cells(&dc, t);
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	d->v[d->n++] = t;
done:
	if (t == NULL) {	/* what names the table says nothing more: its errors are said */
		d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
		d->v[d->n++] = csv_failed(path);
	}
	buf_free(&b);
	decl_free(&dc);
	free(name);
	return dc.errors > 0 ? -1 : 0;
}
