/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bind.c: values from data merged into a Markdown file before cmark reads it.
 * `{{ table.key }}`, `{{ table.key.column | thousands }}`, `{{#each table}} … {{/each}}`,
 * `{{#if …}} … {{else}} … {{/if}}`. Called by document.c for each Markdown file; hands on the
 * expanded text and a map from its bytes back to the user's lines and columns. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen.h"

#define MAX_NEST 16	/* {{#each}} and {{#if}} inside one another */
/* What one file's tags may expand to: as much text as a Markdown file may hold, and a bound
 * on the tags met (loops in loops multiply them, even when they write nothing). */
#define MAX_EXPANSION	MAX_FILE_BYTES
#define MAX_PIECES	(MAX_FILE_BYTES / 16)	/* stretches of text in the map back */
#define MAX_TAGS	10000000
#define MAX_USES	100000	/* figures remembered for the preflight page, a file */

struct bctx {
	struct gen		*g;
	const char		*file;
	const char		*src;		/* the file's text */
	size_t			 len;
	int			 line0;		/* the line of src[0] */
	const struct datasets	*data;
	struct expansion	*out;
	const struct table	*row_table[MAX_NEST];	/* the rows of the loops open ... */
	size_t			 row[MAX_NEST];		/* ... and the row each is on */
	int			 nrow;
	int			 plain;		/* values go in unescaped (titles) */
	GHashTable		*said;		/* "offset message" of each error reported */
	size_t			 tags;		/* tags met, loops counted each time round */
	int			 full;		/* a limit was passed: nothing more is written */
};

/* Where byte `off` of the source is, as the user counts. */
static void
src_pos(const struct bctx *b, size_t off, int *line, int *col)
{
	text_position(b->src, off, line, col);
	*line += b->line0 - 1;
	*col += b->out->col0;
}

static void
berr(struct bctx *b, size_t off, const char *fmt, const char *a, const char *c)
{
	int line, col;
	char *key = xasprintf("%zu %p", off, (const void *)fmt);

	/* A tag inside a loop is met once per row: report it once. */
	if (b->said == NULL)
		b->said = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	if (!g_hash_table_add(b->said, key))
		return;
	if (!msg_shown(b->g, MSG_ERROR, b->file)) {	/* counted, not found in the text */
		msg(b->g, MSG_ERROR, b->file, 0, 0, "%s", "");
		return;
	}
	src_pos(b, off, &line, &col);
	msg(b->g, MSG_ERROR, b->file, line, col, fmt, a, c);
}

/* Whether the expansion has passed a limit; the first time, reports it at the tag at `off`,
 * the one that passed it, and stops all further output. */
static int
over(struct bctx *b, size_t off)
{
	if (b->full)
		return 1;
	if (b->out->text.len + b->out->vbytes > MAX_EXPANSION || b->out->nmap > MAX_PIECES)
		berr(b, off, "this tag makes the text more than %s MB long, the most a Markdown "
		    "file may hold (loops inside loops multiply)%s", "64", "");
	else if (b->tags > MAX_TAGS)
		berr(b, off, "this tag makes more than %s tags to expand, the most gen does for "
		    "one file (loops inside loops multiply)%s", "10,000,000", "");
	else
		return 0;
	b->full = 1;
	return 1;
}

/* Appends output bytes that came from source offset `from` (each maps to itself). */
static void
emit_src(struct bctx *b, size_t from, size_t n)
{
	struct expansion *x = b->out;

	if (n == 0 || b->full)
		return;
	x->map = xgrow(x->map, x->nmap, sizeof(*x->map));
	x->map[x->nmap].out = x->text.len;
	x->map[x->nmap].src = from;
	x->map[x->nmap].literal = 1;
	x->nmap++;
	buf_add(&x->text, b->src + from, n);
}

#define SEAL_OPEN	"\xef\xb7\x90"	/* U+FDD0 */
#define SEAL_CLOSE	"\xef\xb7\x91"	/* U+FDD1 */
#define SEAL_DIGIT	"\xef\xb7"		/* U+FDE0 + d: 0xa0 + d as the last byte */

/* Appends a value; all its bytes map to the tag that produced it. In Markdown the value goes
 * in sealed (see struct expansion), so that whatever it holds is set as written, never read
 * as markup; in a plain value (a title) it goes in as it is. Line breaks become spaces. */
static void
emit_value(struct bctx *b, size_t tag, const char *v)
{
	struct expansion *x = b->out;
	char *copy = xstrdup(v);

	if (b->full) {
		free(copy);
		return;
	}
	x->map = xgrow(x->map, x->nmap, sizeof(*x->map));
	x->map[x->nmap].out = x->text.len;
	x->map[x->nmap].src = tag;
	x->map[x->nmap].literal = 0;
	x->nmap++;
	for (char *p = copy; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (b->plain) {
		buf_adds(&x->text, copy);
		free(copy);
		return;
	}
	buf_adds(&x->text, SEAL_OPEN);
	for (int shift = 60; shift >= 0; shift -= 4)	/* the index, without leading zeros */
		if ((x->nvalues >> shift) != 0 || shift == 0) {
			buf_adds(&x->text, SEAL_DIGIT);
			buf_addc(&x->text, (char)(0xa0 + ((x->nvalues >> shift) & 0xf)));
		}
	buf_adds(&x->text, SEAL_CLOSE);
	x->values = xgrow(x->values, x->nvalues, sizeof(*x->values));
	x->values[x->nvalues++] = copy;
	x->vbytes += strlen(copy);
}

char *
bind_unseal(const struct expansion *x, const char *s, int attr)
{
	struct buf b = { 0 };
	const char *p = s, *at;

	if (s == NULL || x->nvalues == 0 || strstr(s, SEAL_OPEN) == NULL)
		return NULL;
	while ((at = strstr(p, SEAL_OPEN)) != NULL) {
		const char *q = at + 3;
		size_t i = 0;

		buf_add(&b, p, (size_t)(at - p));
		while (strncmp(q, SEAL_DIGIT, 2) == 0 && (unsigned char)q[2] >= 0xa0 &&
		    (unsigned char)q[2] <= 0xaf && i < x->nvalues) {
			i = i * 16 + ((unsigned char)q[2] - 0xa0);
			q += 3;
		}
		if (strncmp(q, SEAL_CLOSE, 3) == 0 && i < x->nvalues) {
			for (const char *v = x->values[i]; *v; v++)	/* in a tag, as HTML has it */
				if (attr && *v == '\'')
					buf_adds(&b, "&#39;");
				else if (attr)
					xml_escape(&b, v, 1);
				else
					buf_addc(&b, *v);
			p = q + 3;
		} else {	/* not a whole seal: cannot be, as input holds none; dropped */
			p = at + 3;
		}
	}
	buf_adds(&b, p);
	return b.s ? b.s : xstrdup("");
}

/* ---- names ---- */

/* The row of `t` whose first column is `key`, or -1. */
static long
find_row(const struct table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (strcmp(t->cells[r * t->ncols].text, key) == 0)
			return (long)r;
	return -1;
}

static void
hint_table(struct bctx *b, size_t off, const char *name)
{
	const char **names, *near;

	if (datasets_broken(b->data, name))
		return;		/* the file's own errors are said */
	names = xcalloc(b->data ? b->data->n + 1 : 1, sizeof(*names));
	for (size_t i = 0; b->data && i < b->data->n; i++)
		names[i] = b->data->v[i]->name;
	near = nearest_word(name, names, b->data ? b->data->n : 0);
	if (near != NULL)
		berr(b, off, "no data table `%s` (did you mean `%s`?)", name, near);
	else
		berr(b, off, "no data table `%s` (a file data/%s.csv)", name, name);
	free(names);
}

static void
hint_row(struct bctx *b, size_t off, const struct table *t, const char *key)
{
	const char **keys, *near;
	char *what;

	if (t->errors > 0)
		return;		/* the row may be one the reader left out, and said so */
	keys = xcalloc(t->nrows + 1, sizeof(*keys));
	what = xasprintf("%s.%s", t->name, key);
	for (size_t r = 0; r < t->nrows; r++)
		keys[r] = t->cells[r * t->ncols].text;
	near = nearest_word(key, keys, t->nrows);
	if (near != NULL) {
		char *full = xasprintf("%s.%s", t->name, near);

		berr(b, off, "no row `%s` in the data (did you mean `%s`?)", what, full);
		free(full);
	}
	else
		berr(b, off, "no row `%s` in the data: no row's first column says it%s", what, "");
	free(what);
	free(keys);
}

/* Reports an unknown column; `prefix` ("table.row") is how the user reached the row, or
 * NULL inside a loop, where a bare column name is written. */
static void
hint_column(struct bctx *b, size_t off, const struct table *t, const char *prefix,
    const char *col)
{
	const char *near = nearest_word(col, (const char *const *)t->cols, t->ncols);
	char *what = prefix ? xasprintf("%s.%s", prefix, col) : xstrdup(col);
	char *full = near == NULL ? NULL : prefix ? xasprintf("%s.%s", prefix, near) :
	    xstrdup(near);

	if (full != NULL)
		berr(b, off, "no column `%s` (did you mean `%s`?)", what, full);
	else
		berr(b, off, "no column `%s` in %s", what, t->path);
	free(full);
	free(what);
}

/* Whether the first column of t, by which {{ table.key }} finds a row, names a row twice
 * (said once, at the rows). */
static int
key_repeated(struct bctx *b, const struct table *t)
{
	static const int first[] = { 0 };

	return csv_need_unique(b->g, t, first, 1) > 0;
}

/* Resolves a dotted name to a cell: `column` (in a loop), `table.key` (the row's value
 * column: `value` if there is one, else the second), `table.key.column`. Reports and
 * returns NULL when it names nothing. */
static const struct cell *
resolve(struct bctx *b, size_t off, const char *name, const struct table **tp)
{
	char *copy = xstrdup(name), *part[3] = { NULL, NULL, NULL }, *save = NULL;
	const struct table *t;
	const struct cell *cell = NULL;
	int n = 0, c;
	long r;

	for (char *p = strtok_r(copy, ".", &save); p && n < 3; p = strtok_r(NULL, ".", &save))
		part[n++] = p;
	if (n == 0)
		berr(b, off, "`{{%s}}` names nothing: write a value's name, e.g. {{ table.row }}%s",
		    name, "");
	else if (n == 2 && strcmp(part[0], "row") == 0 && b->data && b->data->row_table) {
		t = b->data->row_table;
		if ((c = csv_column(t, part[1])) >= 0) {
			cell = &t->cells[b->data->row * t->ncols + (size_t)c];
			*tp = t;
		} else
			hint_column(b, off, t, "row", part[1]);
	} else if (n == 1 && b->nrow > 0) {
		t = b->row_table[b->nrow - 1];
		if ((c = csv_column(t, part[0])) >= 0)
			cell = &t->cells[b->row[b->nrow - 1] * t->ncols + (size_t)c];
		else
			hint_column(b, off, t, NULL, part[0]);
	} else if (n == 1)
		berr(b, off, "`%s` names no value: write table.row or table.row.column%s", name, "");
	else if ((t = datasets_find(b->data, part[0])) == NULL)
		hint_table(b, off, part[0]);
	else if ((r = find_row(t, part[1])) < 0)
		hint_row(b, off, t, part[1]);
	else if (key_repeated(b, t))
		;	/* which row is meant is not known: said at the rows */
	else {
		c = n == 3 ? csv_column(t, part[2]) : csv_column(t, "value");
		if (n == 2 && c < 0)
			c = t->ncols > 1 ? 1 : 0;
		if (c < 0) {
			char *prefix = xasprintf("%s.%s", part[0], part[1]);

			hint_column(b, off, t, prefix, part[2]);
			free(prefix);
		}
		else {
			cell = &t->cells[(size_t)r * t->ncols + (size_t)c];
			*tp = t;
		}
	}
	if (cell != NULL && n == 1)
		*tp = b->row_table[b->nrow - 1];
	free(copy);
	return cell;
}

/* ---- formats ---- */

/* A number as written in a cell, in decimal digits: formats work on these, not on a double,
 * so 99999999999999999999999 keeps every digit and 2.25 is exactly halfway. */
struct decimal {
	int	 neg;		/* written with a minus */
	char	*whole;		/* the digits before the point, no leading zeros ("" for 0) */
	char	*frac;		/* the digits after it */
};

/* Reads "−40,374.5", "86 %", "+3" into d (the caller frees whole and frac); -1 when the
 * text is not such a number. */
static int
decimal_read(const char *s, struct decimal *d)
{
	struct buf w = { 0 }, f = { 0 };

	d->neg = 0;
	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		d->neg = *s++ == '-';
	else if (strncmp(s, "\xe2\x88\x92", 3) == 0) {	/* U+2212 minus */
		d->neg = 1;
		s += 3;
	}
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	for (; isdigit((unsigned char)*s) || *s == ','; s++)
		if (*s != ',' && (w.len > 0 || *s != '0'))
			buf_addc(&w, *s);
	if (*s == '.')
		for (s++; isdigit((unsigned char)*s); s++)
			buf_addc(&f, *s);
	while (*s == ' ' || *s == '%')
		s++;
	if (*s != '\0') {
		buf_free(&w);
		buf_free(&f);
		return -1;
	}
	d->whole = w.s ? w.s : xstrdup("");
	d->frac = f.s ? f.s : xstrdup("");
	return 0;
}

/* Writes the number `text` (its value `v`, for text that is not plain decimal digits) with
 * `dec` decimals (-1: none for a whole number, else one), rounded half away from zero on the
 * digits as written (2.25 to one place is 2.3, as spreadsheets and published statistics
 * round), with thousands separators when `sep`, "+" before a positive number when `sign`,
 * and never a minus before a number that shows as zero. */
static void
put_number(struct buf *b, const char *text, double v, int dec, int sep, int sign)
{
	struct decimal d;
	struct buf digits = { 0 };
	size_t intlen, flen, from = 0;
	int zero = 1;

	if (decimal_read(text, &d) == -1) {	/* not as a CSV number is written */
		char tmp[64];

		snprintf(tmp, sizeof(tmp), "%.*f", dec < 0 ? 6 : dec, fabs(v));
		d.neg = v < 0;
		d.whole = xstrndup(tmp, strcspn(tmp, "."));
		d.frac = xstrdup(strchr(tmp, '.') ? strchr(tmp, '.') + 1 : "");
	}
	flen = strlen(d.frac);
	if (dec < 0)
		dec = strspn(d.frac, "0") == flen ? 0 : 1;
	buf_adds(&digits, "0");		/* room for a carry */
	buf_adds(&digits, d.whole);
	intlen = digits.len;
	buf_add(&digits, d.frac, flen < (size_t)dec ? flen : (size_t)dec);
	for (size_t k = flen; k < (size_t)dec; k++)
		buf_addc(&digits, '0');
	if (flen > (size_t)dec && d.frac[dec] >= '5')	/* half or more: away from zero */
		for (size_t k = digits.len; k-- > 0;) {
			if (digits.s[k] != '9') {
				digits.s[k]++;
				break;
			}
			digits.s[k] = '0';
		}
	for (size_t k = 0; k < digits.len; k++)
		zero &= digits.s[k] == '0';
	if (!zero && (d.neg || sign))
		buf_adds(b, d.neg ? "\xe2\x88\x92" : "+");	/* U+2212 minus */
	while (from + 1 < intlen && digits.s[from] == '0')	/* the carry's room, unused */
		from++;
	for (size_t i = from; i < intlen; i++) {
		if (sep && i > from && (intlen - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, digits.s[i]);
	}
	if (dec > 0) {
		buf_addc(b, '.');
		buf_add(b, digits.s + intlen, (size_t)dec);
	}
	buf_free(&digits);
	free(d.whole);
	free(d.frac);
}

/* Whether column c of t has a number in any cell: a column of figures, perhaps with slips,
 * rather than a column of text. */
static int
has_figures(const struct table *t, size_t c)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (t->cells[r * t->ncols + c].kind == D_NUMBER)
			return 1;
	return 0;
}

/* Applies the formats after the first `|` of a tag to a cell. Returns the text (caller
 * frees), or NULL after reporting a bad format. */
static char *
format(struct bctx *b, size_t off, const struct cell *cell, const struct table *t,
    const char *fmts)
{
	struct buf out = { 0 };
	int dec = -1, sep = 0, pct = 0, sign = 0, numeric = 0, bare = 0;
	char *copy = xstrdup(fmts), *save = NULL;
	enum col_type type = COL_TEXT;

	if (t != NULL)
		type = t->types[(size_t)(cell - t->cells) % t->ncols];
	for (char *f = strtok_r(copy, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
		char word[32];
		int arg = -1;

		if (sscanf(f, " %31s %d", word, &arg) < 1)
			continue;
		numeric = 1;
		if (strcmp(word, "thousands") == 0)
			sep = 1;
		else if (strcmp(word, "percent") == 0)
			pct = 1, dec = arg >= 0 ? arg : dec;
		else if (strcmp(word, "decimals") == 0 && arg >= 0 && arg <= 6)
			dec = arg;
		else if (strcmp(word, "signed") == 0)
			sign = 1;
		else if (strcmp(word, "number") == 0)
			bare = 1;
		else {
			const char *names[] = { "thousands", "percent", "decimals", "signed",
			    "number" };
			const char *near = nearest_word(word, names, 5);

			if (near != NULL)
				berr(b, off, "unknown format `%s` (did you mean `%s`?)", word, near);
			else
				berr(b, off, "unknown format `%s` (the formats are thousands, "
				    "percent, decimals N, signed and number)%s", word, "");
			free(copy);
			return NULL;
		}
	}
	free(copy);
	if (t != NULL && DATUM_MISSING(cell->kind) && (type == COL_NUMBER ||
	    type == COL_PERCENT)) {
		/* a figure not given: its meaning in words, never a zero or a blank */
		if (cell->kind == D_EMPTY)
			csv_say(b->g, t, MSG_WARNING, cell->line, cell->col, "this cell is empty, so "
			    "the page says \"%s\" where it is used", datum_words(data_words(b->data), D_EMPTY, 1));
		return xstrdup(datum_words(data_words(b->data), cell->kind, 1));
	}
	if (!numeric && type != COL_PERCENT)	/* as written; a percentage gains its sign */
		return xstrdup(cell->text);
	if (t != NULL && cell->kind != D_NUMBER) {
		size_t c = (size_t)(cell - t->cells) % t->ncols;

		if (!has_figures(t, c))
			berr(b, off, "column `%s` holds text, not figures, so it cannot be formatted "
			    "as a number (%s)", t->cols[c], t->path);
		else	/* a column of figures with slips: each is said, once */
			csv_need_numbers(b->g, t, c);
		return NULL;
	}
	put_number(&out, cell->text, cell->num, dec, sep, sign);
	if (pct || ((cell->pct || type == COL_PERCENT) && !bare))	/* `number`: a percentage's
								 * figure alone */
		buf_adds(&out, "%");
	return out.s;
}

/* Remembers that the tag at `off` put cell c of table t into the text as `text`. */
static void
note_use(struct bctx *b, size_t off, const struct table *t, const struct cell *c,
    const char *text)
{
	int line, col;

	if (t == NULL)
		return;
	src_pos(b, off, &line, &col);
	bind_note(b->out, text, t->path, c->line, c->col, c->kind, b->file, line);
}

void
bind_note(struct expansion *x, const char *shown, const char *csv, int row, int col, int kind,
    const char *file, int line)
{
	if (x == NULL || x->nuses >= MAX_USES)
		return;
	x->uses = xrealloc(x->uses, (x->nuses + 1) * sizeof(*x->uses));
	x->uses[x->nuses++] = (struct figure_use){ xstrdup(shown), csv, row, col, kind, file,
	    line };
}

/* ---- tags ---- */

/* Reads the tag at src[off] ("{{" ... "}}"): its inside trimmed into *inner; returns the
 * offset after it, or 0 when unclosed. */
static size_t
read_tag(struct bctx *b, size_t off, char **inner)
{
	const char *s = b->src + off + 2, *e = strstr(s, "}}");
	const char *nl = memchr(s, '\n', e ? (size_t)(e - s) : strlen(s));

	if (e == NULL || nl != NULL)
		return 0;
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*inner = xstrndup(s, (size_t)(e - s));
	return (size_t)(strstr(b->src + off + 2, "}}") - b->src) + 2;
}

static size_t expand(struct bctx *, size_t from, size_t to, int emit, int emit_else,
    const char *until);

/* Whether a cell is true for {{#if}}: a figure other than 0; in a column of yes and no (in
 * any case), yes, and any other value there an error; other text when it is not empty. */
static int
truth(struct bctx *b, const struct table *t, const struct cell *c, int *ok)
{
	static const char *const yes_no[] = { "yes", "no" };
	size_t col = (size_t)(c - t->cells) % t->ncols, flags = 0, other = 0;

	if (c->kind == D_NUMBER)
		return c->num != 0;
	if (DATUM_MISSING(c->kind))
		return 0;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = t->cells[r * t->ncols + col].text;

		if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "no") == 0)
			flags++;
		else if (*s != '\0')
			other++;
	}
	if (flags > 0 && flags >= other) {	/* a column of flags: a slip is an error */
		if (csv_need_choice(b->g, t, col, yes_no, 2) > 0 &&
		    strcasecmp(c->text, "yes") != 0 && strcasecmp(c->text, "no") != 0)
			return *ok = 0;
		return strcasecmp(c->text, "yes") == 0;
	}
	return 1;
}

/* Evaluates an {{#if}} condition: a value that is set and not 0 or "no"; or `a OP b` with
 * OP one of == != < > <= >= and b a number or a "quoted" text. *ok is 0 after an error. */
static int
condition(struct bctx *b, size_t off, const char *cond, int *ok)
{
	char lhs[128], op[3], rhs[128];
	const struct table *t = NULL;
	const struct cell *c;
	double l, r;

	*ok = 1;
	if (sscanf(cond, "%127s %2[<>=!] %127s", lhs, op, rhs) == 3) {
		if ((c = resolve(b, off, lhs, &t)) == NULL)
			return *ok = 0;
		if (rhs[0] == '"') {
			size_t n = strlen(rhs);
			int eq = n >= 2 && rhs[n - 1] == '"' && strlen(c->text) == n - 2 &&
			    strncmp(c->text, rhs + 1, n - 2) == 0;

			return strcmp(op, "!=") == 0 ? !eq : eq;
		}
		if (c->kind == D_TEXT) {	/* a comparison needs a figure */
			csv_need_numbers(b->g, t, (size_t)(c - t->cells) % t->ncols);
			return *ok = 0;
		}
		if (DATUM_MISSING(c->kind))
			return 0;	/* no figure: no comparison holds */
		l = c->num;
		r = strtod(rhs, NULL);
		return strcmp(op, "<") == 0 ? l < r : strcmp(op, ">") == 0 ? l > r :
		    strcmp(op, "<=") == 0 ? l <= r : strcmp(op, ">=") == 0 ? l >= r :
		    strcmp(op, "!=") == 0 ? l != r : l == r;
	}
	if ((c = resolve(b, off, cond, &t)) == NULL)
		return *ok = 0;
	return truth(b, t, c, ok);
}

/* {{#each TABLE}} at `off`, its body from `end`: the body once per row. */
static size_t
expand_each(struct bctx *b, size_t off, size_t end, size_t to, int emit, const char *name)
{
	const struct table *t = datasets_find(b->data, name);
	size_t after = 0;

	if (t == NULL && emit)
		hint_table(b, off, name);
	if (b->nrow == MAX_NEST) {
		berr(b, off, "loops and conditions nested more than %s deep%s", "16", "");
		return to;
	}
	b->row_table[b->nrow] = t;
	for (size_t r = 0; t != NULL && emit && r < t->nrows; r++) {
		b->row[b->nrow++] = r;
		after = expand(b, end, to, 1, 1, "/each");
		b->nrow--;
		if (over(b, off))
			return after ? after : to;
	}
	if (t == NULL || !emit || t->nrows == 0) {
		b->row[b->nrow++] = 0;
		after = expand(b, end, to, 0, 0, "/each");
		b->nrow--;
	}
	if (after == 0) {
		berr(b, off, "`{{#each %s}}` has no `{{/each}}`%s", name, "");
		return to;
	}
	return after;
}

/* {{ phrase KEY }}: the sentence a progress report says of indicator KEY. */
static void
emit_phrase(struct bctx *b, size_t off, const char *key)
{
	struct ind_stat s;
	char *text;

	while (*key == ' ')
		key++;
	if (indicator_stat(b->data, key, &s) == -1 && indicators_broken(b->data))
		return;		/* their errors are said */
	if (indicator_stat(b->data, key, &s) == -1) {
		const struct table *l = datasets_find(b->data, b->data && b->data->ind_list ?
		    b->data->ind_list : "indicator-list");
		const char **keys = xcalloc(l ? l->nrows + 1 : 1, sizeof(*keys)), *near;
		int c = l ? csv_column(l, "indicator") : -1;

		for (size_t r = 0; c >= 0 && r < l->nrows; r++)
			keys[r] = l->cells[r * l->ncols + (size_t)c].text;
		near = nearest_word(key, keys, c >= 0 ? l->nrows : 0);
		if (near != NULL)
			berr(b, off, "no indicator `%s` in the indicator list (did you mean `%s`?)",
			    key, near);
		else
			berr(b, off, "no indicator `%s`: the indicator list (data/indicator-list.csv) "
			    "does not name it%s", key, "");
		free(keys);
		return;
	}
	text = indicator_phrase(&s);
	emit_value(b, off, text);
	free(text);
	if (s.latest_cell != NULL) {	/* the figure, as the phrase says it */
		struct buf fig = { 0 };

		if (isnan(s.latest))
			buf_adds(&fig, datum_words(data_words(b->data), s.latest_kind, 1));
		else
			indicator_figure(&fig, &s, s.latest, 1);
		note_use(b, off, s.t, s.latest_cell, fig.s ? fig.s : "");
		buf_free(&fig);
	}
}

/* {{ year }}: the report's year, from the front matter. */
static void
emit_year(struct bctx *b, size_t off)
{
	char y[16];

	if (b->data == NULL || b->data->year == 0) {
		berr(b, off, "`{{ year }}` is the report's year: give it as `year:` in the front "
		    "matter%s%s", "", "");
		return;
	}
	snprintf(y, sizeof(y), "%d", b->data->year);
	emit_value(b, off, y);
}

/* Expands one tag at `off` ending at `end`; returns the offset after all it covers. */
static size_t
expand_tag(struct bctx *b, size_t off, size_t end, size_t to, int emit, const char *inner)
{
	if (strcmp(inner, "#each") == 0 || strcmp(inner, "#if") == 0) {
		if (emit)
			berr(b, off, "`{{%s}}` needs %s", inner, inner[1] == 'e' ?
			    "the table to repeat: {{#each TABLE}}" : "a condition: {{#if VALUE}}");
		return end;
	}
	if (strncmp(inner, "phrase ", 7) == 0) {
		if (emit)
			emit_phrase(b, off, inner + 7);
		return end;
	}
	if (strncmp(inner, "#each ", 6) == 0) {
		const char *name = inner + 6;

		while (*name == ' ')
			name++;
		return expand_each(b, off, end, to, emit, name);
	}
	if (strncmp(inner, "#if ", 4) == 0) {
		int ok = 1, yes = emit ? condition(b, off, inner + 4, &ok) : 0;
		size_t after = expand(b, end, to, emit && ok && yes, emit && ok && !yes, "/if");

		if (after == 0) {
			berr(b, off, "`{{#if %s}}` has no `{{/if}}`%s", inner + 4, "");
			return to;
		}
		return after;
	}
	if (strcmp(inner, "/each") == 0 || strcmp(inner, "/if") == 0 ||
	    strcmp(inner, "else") == 0) {
		if (emit)
			berr(b, off, "`{{%s}}` closes nothing that is open%s", inner, "");
		return end;
	}
	if (emit) {
		char *name = xstrdup(inner), *bar = strchr(name, '|'), *text = NULL;
		const struct table *t = NULL;
		const struct cell *c;
		size_t n;

		if (bar != NULL)
			*bar = '\0';
		n = strlen(name);
		while (n > 0 && name[n - 1] == ' ')
			name[--n] = '\0';
		if (strcmp(name, "year") == 0 && !(b->nrow > 0 && b->row_table[b->nrow - 1] &&
		    csv_column(b->row_table[b->nrow - 1], "year") >= 0)) {
			emit_year(b, off);
			free(name);
			return end;
		}
		if ((c = resolve(b, off, name, &t)) != NULL &&
		    (text = format(b, off, c, t, bar ? bar + 1 : "")) != NULL) {
			emit_value(b, off, text);
			note_use(b, off, t, c, text);
			over(b, off);
		}
		free(text);
		free(name);
	}
	return end;
}

/* Expands src[from, to): literal text and tags. With `until` ("/each" or "/if"), stops at
 * that closing tag and returns the offset after it (0 if it never comes); an {{else}} at
 * this level switches from `emit` to `emit_else`. */
static size_t
expand(struct bctx *b, size_t from, size_t to, int emit, int emit_else, const char *until)
{
	size_t i = from, lit = from;
	int else_seen = 0;

	while (i + 1 < to) {
		char *inner = NULL;
		size_t end;

		if (b->src[i] != '{' || b->src[i + 1] != '{') {
			i++;
			continue;
		}
		if ((end = read_tag(b, i, &inner)) == 0 || end > to) {
			free(inner);
			i += 2;
			continue;
		}
		if (emit)
			emit_src(b, lit, i - lit);
		if (emit && ++b->tags > MAX_TAGS && over(b, i))
			emit = emit_else = 0;	/* read on to the closing tag, writing nothing */
		if (until != NULL && strcmp(inner, until) == 0) {
			free(inner);
			return end;
		}
		if (until != NULL && strcmp(until, "/if") == 0 && strcmp(inner, "else") == 0 &&
		    !else_seen) {
			else_seen = 1;
			emit = emit_else;
			i = lit = end;
			free(inner);
			continue;
		}
		i = lit = expand_tag(b, i, end, to, emit, inner);
		free(inner);
	}
	if (emit)
		emit_src(b, lit, to - lit);
	return until == NULL ? to : 0;
}

/* Offsets where each line of s starts. */
static size_t *
line_starts(const char *s, size_t len, size_t *n)
{
	size_t *v = xmalloc(sizeof(*v)), cap = 1;

	*n = 0;
	v[(*n)++] = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n') {
			if (*n == cap)
				v = xrealloc(v, (cap *= 2) * sizeof(*v));
			v[(*n)++] = i + 1;
		}
	return v;
}

int
bind_text(struct gen *g, const char *file, const char *text, size_t len, int line0, int col0,
    const struct datasets *data, struct expansion *x)
{
	struct bctx b = { 0 };
	int before = g->errors;

	memset(x, 0, sizeof(*x));
	x->src = text;
	x->srclen = len;
	x->line0 = line0;
	x->col0 = col0;
	b.g = g;
	b.file = file;
	b.src = text;
	b.len = len;
	b.line0 = line0;
	b.data = data;
	b.out = x;
	if (memmem(text, len, "{{", 2) == NULL)
		emit_src(&b, 0, len);
	else
		expand(&b, 0, len, 1, 1, NULL);
	if (b.full) {		/* what was made is cut off at a limit: none of it is read */
		x->text.len = 0;
		x->nmap = 0;
		while (x->nvalues > 0)
			free(x->values[--x->nvalues]);
	}
	if (x->text.s == NULL)
		buf_adds(&x->text, "");
	x->text.s[x->text.len] = '\0';
	if (b.said != NULL)
		g_hash_table_destroy(b.said);
	x->out_lines = line_starts(x->text.s, x->text.len, &x->nout_lines);
	x->src_lines = line_starts(text, len, &x->nsrc_lines);
	x->memo = xcalloc(1, sizeof(*x->memo));
	x->memo->line = (size_t)-1;
	return g->errors > before ? -1 : 0;
}

char *
bind_plain(struct gen *g, const char *file, const char *text, int line0, int col0,
    const struct datasets *data)
{
	struct bctx b = { 0 };
	struct expansion x = { 0 };
	int before = g->errors;
	char *out;

	x.col0 = col0;
	b.g = g;
	b.file = file;
	b.src = text;
	b.len = strlen(text);
	b.line0 = line0;
	b.data = data;
	b.out = &x;
	b.plain = 1;
	expand(&b, 0, b.len, 1, 1, NULL);
	if (b.said != NULL)
		g_hash_table_destroy(b.said);
	free(x.map);
	free(x.values);		/* none: plain values go in the text */
	for (size_t i = 0; i < x.nuses; i++)	/* a title's figures are not the text's */
		free(x.uses[i].value);
	free(x.uses);
	out = x.text.s ? x.text.s : xstrdup("");
	if (g->errors > before) {
		free(out);
		return NULL;
	}
	return out;
}

/* The index of the last entry of v[0..n) that is <= key. */
static size_t
floor_index(const size_t *v, size_t n, size_t key, size_t stride)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (*(const size_t *)((const char *)v + mid * stride) <= key)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void
bind_position(const struct expansion *x, int line, int col, int *sline, int *scol)
{
	size_t off, src, l, m;
	const char *p;

	if (line < 1 || x->nout_lines == 0) {
		*sline = x->line0;
		*scol = 1;
		return;
	}
	l = (size_t)line - 1 < x->nout_lines ? (size_t)line - 1 : x->nout_lines - 1;
	off = x->out_lines[l] + (size_t)(col > 0 ? col - 1 : 0);	/* cmark counts bytes */
	m = x->nmap ? floor_index(&x->map[0].out, x->nmap, off, sizeof(*x->map)) : 0;
	src = x->nmap == 0 ? 0 : x->map[m].literal ? x->map[m].src + (off - x->map[m].out) :
	    x->map[m].src;
	if (src > x->srclen)
		src = x->srclen;
	l = floor_index(x->src_lines, x->nsrc_lines, src, sizeof(size_t));
	*sline = (int)l + x->line0;
	/* Characters from the start of the line, or on from the last position asked for on
	 * it: a line of 70,000 links is counted once, not once a link. */
	if (x->memo != NULL && x->memo->line == l && x->memo->src <= src) {
		p = x->src + x->memo->src;
		*scol = x->memo->col;
	} else {
		p = x->src + x->src_lines[l];
		*scol = 1 + x->col0;
	}
	for (; p < x->src + src; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			(*scol)++;
	if (x->memo != NULL)
		*x->memo = (struct posmemo){ l, src, *scol };
}

void
bind_free(struct expansion *x)
{
	for (size_t i = 0; i < x->nvalues; i++)
		free(x->values[i]);
	free(x->values);
	buf_free(&x->text);
	free(x->map);
	free(x->out_lines);
	free(x->src_lines);
	free(x->memo);
	for (size_t i = 0; i < x->nuses; i++)
		free(x->uses[i].value);
	free(x->uses);
	memset(x, 0, sizeof(*x));
}
