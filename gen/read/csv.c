/* SPDX-License-Identifier: GPL-3.0-or-later */
/* csv.c: data tables from content/<doc>/data/NAME.csv, read strictly as Excel writes them, with
 * every problem reported at its line and column. Called by document.c; hands on named columns
 * of cells, which csv_set_type() checks as numbers, percentages or dates. */
#include <assert.h>
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen.h"

#define MAX_COLS	10000
#define MAX_ROWS	1000000
#define MAX_CELLS	10000000	/* rows times columns: 240 MB of struct cell */
#define MAX_FIELD	(1u << 20)	/* bytes in one field */
#define MAX_ERRORS	20		/* reported in one file before the rest are left unsaid */
#define SHOWN		40		/* bytes of a cell quoted in a message */

#define MINUS		"\xe2\x88\x92"	/* U+2212, the real minus sign */
#define SAVE_AS		"save it from Excel as `CSV UTF-8 (Comma delimited)`"

/* The bytes that end a run of ordinary text in a quoted field; an unquoted one also stops at
 * the separator (the reader's own table). */
static const unsigned char stops_quoted[256] = {
	[0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1
};

/* What the reporter of a table remembers: each message said of it, so it is said once, and
 * the results of checks asked for again. */
struct table_said {
	GHashTable	*said;		/* the messages said, as keys (owned) */
	GHashTable	*memo;		/* check name -> its result + 1 (GINT_TO_POINTER) */
	int		 count[MSG_FATAL + 1];	/* messages said after reading, by level: each
					 * level capped like the reader's errors */
};

static struct table_said *
said_new(void)
{
	struct table_said *s = xcalloc(1, sizeof(*s));

	s->said = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	s->memo = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	return s;
}

enum { END_FIELD, END_RECORD, END_FILE };	/* what ended a field */

/* The reader's state over one file. */
struct reader {
	struct gen	*g;
	struct table	*t;
	const char	*p, *end;	/* the next byte, and the end of the text */
	int		 line, col;	/* where p is: the row as a spreadsheet counts it, and the
				 * field's column (1 is A) */
	char		 sep;		/* the field separator: ',' or a tab */
	unsigned char	 stops_plain[256];	/* what ends a run of an unquoted field */
	char		*out;		/* the next free byte of t->store */
	int		 errors;	/* reported in this file */
	int		 stop;		/* too many errors, or a limit passed: read no further */
};

static void	rerr(struct reader *, int, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

/* Reports an error in the file; after MAX_ERRORS of them, says so once and stops the reader. */
static void
rerr(struct reader *r, int line, int col, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (r->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msg(r->g, MSG_ERROR, r->t->path, line, col, "%s", text);
	r->t->errors++;
	if (++r->errors == MAX_ERRORS) {
		msg(r->g, MSG_NOTE, r->t->path, 0, 0,
		    "too many errors; the rest of the file is not checked");
		r->stop = 1;
	}
}

/* Puts `s` (n bytes) into out for a message: at most SHOWN bytes, cut between characters. */
static void
shown(const char *s, size_t n, char *out, size_t size)
{
	size_t k = n;

	if (k > SHOWN) {
		k = SHOWN;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	snprintf(out, size, "%.*s%s", (int)k, s, k < n ? "…" : "");
}

/* Narrows [*s, *s + *n) to leave out spaces and tabs at either end. */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static void	infer_types(struct table *);
static int	memo(const struct table *, const char *, int);

/* The column named as a message names it: "`low-birth-weight`". */
static void
col_name(const struct table *t, size_t c, char *out, size_t size)
{
	if (c < t->ncols && t->cols[c][0] != '\0')
		shown(t->cols[c], strlen(t->cols[c]), out, size);
	else
		csv_letters(c, out, size);
}

void
csv_letters(size_t c, char *out, size_t size)
{
	char tmp[16];
	size_t n = 0;

	c++;
	while (c > 0 && n < sizeof(tmp)) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n && i + 1 < size; i++)
		out[i] = tmp[n - 1 - i];
	out[n < size ? n : size - 1] = '\0';
}

/* Steps over the line end at r->p: "\r\n", "\n", or a lone "\r" as old Mac Excel wrote. A
 * line end between records starts a new row; one inside a quoted field does not. */
static void
eol(struct reader *r, int new_row)
{
	if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
		r->p++;
	r->p++;
	if (new_row) {
		r->line++;
		r->col = 1;
	}
}

/* Copies the bytes from r->p up to the first that `stops` marks (or the end) into the
 * store; returns where it stopped. */
static const unsigned char *
copy_run(struct reader *r, const unsigned char *stops)
{
	const unsigned char *q = (const unsigned char *)r->p, *e = (const unsigned char *)r->end;

	while (q < e && !stops[*q])
		q++;
	memcpy(r->out, r->p, (size_t)((const char *)q - r->p));
	r->out += (const char *)q - r->p;
	r->p = (const char *)q;
	return q;
}

/* Copies unquoted text up to the next separator, line end or end of file into the store.
 * `quote_seen` is set when a quote here was already reported (text after a closing quote). */
static void
plain(struct reader *r, const struct cell *c, int quote_seen)
{
	const unsigned char *q, *e = (const unsigned char *)r->end;

	for (;;) {
		q = copy_run(r, r->stops_plain);
		if (q == e || *q == (unsigned char)r->sep || *q == '\n' || *q == '\r')
			return;
		if (*q == '\0')
			rerr(r, r->line, r->col, "a NUL byte; is this really a CSV file?");
		else if (!quote_seen) {
			const char *s = c->text;
			size_t n = (size_t)(r->out - s);

			trim(&s, &n);
			if (n == 0)
				rerr(r, r->line, r->col, "spaces before the opening quote; remove them "
				    "so that the quote starts the field");
			else
				rerr(r, r->line, r->col, "a quote inside an unquoted field; put the "
				    "whole field in quotes and double the quote");
			quote_seen = 1;
		}
		*r->out++ = (char)*q;
		r->p++;
	}
}

/* Copies a quoted field, r->p at its opening quote, into the store: "" is a quote, and a line
 * end inside is "\n". */
static void
quoted(struct reader *r, const struct cell *c)
{
	const unsigned char *q, *e = (const unsigned char *)r->end;

	r->p++;
	for (;;) {
		q = copy_run(r, stops_quoted);
		if (q == e) {
			rerr(r, c->line, c->col, "this quote is never closed; the field runs on to "
			    "the end of the file");
			return;
		}
		if (*q == '\n' || *q == '\r') {
			eol(r, 0);
			*r->out++ = '\n';
			continue;
		}
		if (*q == '\0')
			rerr(r, r->line, r->col, "a NUL byte; is this really a CSV file?");
		else if (q + 1 < e && q[1] == '"')	/* "" is one quote */
			r->p++;
		else
			break;
		*r->out++ = (char)*q;
		r->p++;
	}
	r->p++;		/* the closing quote */
	if (r->p == r->end || *r->p == r->sep || *r->p == '\n' || *r->p == '\r')
		return;
	if (*r->p == ' ' || *r->p == '\t')
		rerr(r, r->line, r->col, "spaces after the closing quote; remove them, or put "
		    "them inside the quotes");
	else
		rerr(r, r->line, r->col, "text after the closing quote; a quote inside a quoted "
		    "field is written twice (\"\")");
	plain(r, c, 1);
}

/* Leaves out of cell c, just read, each character that would reorder, hide or break its
 * text unseen (hidden_char()), with a warning at the cell for each. */
static void
leave_hidden(struct reader *r, struct cell *c)
{
	size_t len = (size_t)(r->out - c->text), at, from = 0;
	unsigned ch;

	if (memchr(c->text, '\0', len) != NULL || hidden_find(c->text, len, &at, &ch) == NULL)
		return;		/* a NUL byte is an error of its own */
	while (hidden_find(c->text + from, len - from, &at, &ch) != NULL) {
		char *say = hidden_say(ch, " in this cell");

		msg(r->g, MSG_WARNING, r->t->path, c->line, c->col, "%s", say);
		free(say);
		from += at + 1;		/* past its first byte: the next character's start */
		while (from < len && ((unsigned char)c->text[from] & 0xc0) == 0x80)
			from++;
	}
	*r->out = '\0';
	hidden_strip(c->text);
	r->out = c->text + strlen(c->text);
}

/* Reads one field at r->p into the store (NUL-terminated) and sets c's text and position.
 * Returns what ended it, which it steps over. */
static int
field(struct reader *r, struct cell *c)
{
	int is_quoted = r->p < r->end && *r->p == '"', errors = r->errors;
	size_t bad;

	c->text = r->out;
	c->num = NAN;
	c->kind = D_EMPTY;
	c->pct = 0;
	c->line = r->line;
	c->col = (unsigned short)(r->col < 65535 ? r->col : 65535);
	if (is_quoted)
		quoted(r, c);
	else
		plain(r, c, 0);
	if ((size_t)(r->out - c->text) > MAX_FIELD && r->errors == errors)
		rerr(r, c->line, c->col, "this field is longer than 1 MB%s",
		    is_quoted ? "; is a closing quote missing?" : "");
	if ((bad = utf8_invalid(c->text, (size_t)(r->out - c->text))) != (size_t)-1)
		rerr(r, c->line, c->col, "invalid UTF-8 (byte 0x%02x); %s",
		    (unsigned char)c->text[bad], SAVE_AS);
	else
		leave_hidden(r, c);
	*r->out++ = '\0';
	if (r->p == r->end)
		return END_FILE;
	if (*r->p == r->sep) {
		r->p++;
		r->col++;
		return END_FIELD;
	}
	eol(r, 1);
	return END_RECORD;
}

static int
is_blank_line(const struct reader *r)
{
	return *r->p == '\n' || *r->p == '\r';
}

struct name_at {
	const char	*name;
	size_t		 i;	/* its column */
};

static int
cmp_name_at(const void *a, const void *b)
{
	const struct name_at *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	return d != 0 ? d : (x->i > y->i) - (x->i < y->i);
}

/* Reports header names that are empty, and names given twice (at the later column). */
static void
check_names(struct reader *r)
{
	struct table *t = r->t;
	struct name_at *v = xmalloc(t->ncols * sizeof(*v));
	size_t *first = xcalloc(t->ncols, sizeof(*first));	/* 1 + the first column so named */
	char name[64], letters[16];

	for (size_t i = 0; i < t->ncols; i++) {
		v[i].name = t->cols[i];
		v[i].i = i;
	}
	qsort(v, t->ncols, sizeof(*v), cmp_name_at);
	for (size_t i = 1; i < t->ncols; i++)
		if (strcmp(v[i].name, v[i - 1].name) == 0)
			first[v[i].i] = first[v[i - 1].i] ? first[v[i - 1].i] : v[i - 1].i + 1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i][0] == '\0') {
			csv_letters(i, letters, sizeof(letters));
			rerr(r, t->col_line[i], t->col_col[i], "column %s has no name; name it in "
			    "the header row, or delete the column if it is empty", letters);
		} else if (first[i] != 0) {
			shown(t->cols[i], strlen(t->cols[i]), name, sizeof(name));
			csv_letters(first[i] - 1, letters, sizeof(letters));
			rerr(r, t->col_line[i], t->col_col[i],
			    "column `%s` is named twice (first in column %s)", name, letters);
		}
	}
	free(first);
	free(v);
}

/* Reads the header row: the column names, trimmed of spaces. Returns 0, or -1 when there is
 * no table to read rows into. */
static int
header(struct reader *r)
{
	struct table *t = r->t;
	struct cell c;
	size_t cap = 0;
	int end;

	while (r->p < r->end && is_blank_line(r))
		eol(r, 1);
	if (r->p == r->end) {
		rerr(r, 0, 0, "the file is empty; it needs a header row naming the columns");
		return -1;
	}
	do {
		const char *s;
		size_t n;

		end = field(r, &c);
		if (t->ncols == MAX_COLS) {
			rerr(r, c.line, c.col, "more than 10,000 columns; gen reads at most 10,000");
			r->stop = 1;
			return -1;
		}
		if (t->ncols == cap) {
			cap = cap ? 2 * cap : 16;
			t->cols = xrealloc(t->cols, cap * sizeof(*t->cols));
			t->col_line = xrealloc(t->col_line, cap * sizeof(*t->col_line));
			t->col_col = xrealloc(t->col_col, cap * sizeof(*t->col_col));
		}
		s = c.text;
		n = strlen(s);
		trim(&s, &n);
		t->cols[t->ncols] = xstrndup(s, n);
		t->col_line[t->ncols] = c.line;
		t->col_col[t->ncols] = (int)t->ncols + 1;
		t->ncols++;
	} while (end == END_FIELD);
	t->types = xcalloc(t->ncols, sizeof(*t->types));
	check_names(r);
	return 0;
}

static int
all_empty(const struct cell *row, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (row[i].text[0] != '\0')
			return 0;
	return 1;
}

/* Reads the rows after the header. Blank lines and rows of empty fields are skipped (Excel
 * writes ",," for an empty row); in a table of one column, where Excel writes an empty cell as a blank line, they are
 * empty cells, except at the end of the file. A row with too few or too many fields is
 * reported and left out, and the rows after it are read as usual. */
static void
rows(struct reader *r)
{
	struct table *t = r->t;
	size_t cap = 0, keep = 0, max_rows = MAX_CELLS / t->ncols;
	struct cell extra;

	if (max_rows > MAX_ROWS)
		max_rows = MAX_ROWS;
	while (!r->stop && r->p < r->end) {
		int line = r->line, blank = is_blank_line(r), end, xcol = 0;
		struct cell *row;
		size_t n = 0;

		if (blank && t->ncols > 1) {
			eol(r, 1);
			continue;
		}
		if (t->nrows == max_rows) {
			if (max_rows == MAX_ROWS)
				rerr(r, line, 1, "more than 1,000,000 rows; gen reads at most "
				    "1,000,000");
			else
				rerr(r, line, 1, "more than 10,000,000 cells (rows times columns); "
				    "gen reads at most 10,000,000");
			r->stop = 1;
			break;
		}
		if (t->nrows == cap) {
			cap = cap ? 2 * cap : 64;
			if (cap > max_rows)
				cap = max_rows;
			t->cells = xrealloc(t->cells, cap * t->ncols * sizeof(*t->cells));
		}
		row = t->cells + t->nrows * t->ncols;
		do {
			end = field(r, n < t->ncols ? &row[n] : &extra);
			if (n++ == t->ncols)
				xcol = extra.col;
		} while (end == END_FIELD);
		if (n != t->ncols) {
			rerr(r, line, n > t->ncols ? xcol : (int)n, "row %d has %zu field%s but the "
			    "header names %zu column%s; this row is left out", line, n,
			    n == 1 ? "" : "s", t->ncols, t->ncols == 1 ? "" : "s");
			continue;
		}
		if (t->ncols > 1 && all_empty(row, t->ncols))
			continue;	/* Excel's ",,," for a row that only looks empty */
		t->nrows++;
		if (!blank)
			keep = t->nrows;
	}
	t->nrows = keep;
}

/* The file's name without its folder or extension. */
static char *
stem(const char *path)
{
	const char *s = strrchr(path, '/'), *dot;

	s = s ? s + 1 : path;
	dot = strrchr(s, '.');
	return dot && dot != s ? xstrndup(s, (size_t)(dot - s)) : xstrdup(s);
}

/* Whether s holds a well-formed UTF-8 sequence of two to four bytes anywhere: text that has
 * one and also bytes that are not UTF-8 is damaged UTF-8, not another encoding. */
static int
has_utf8_sequence(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		    c >= 0xf0 && c <= 0xf4 ? 4 : 0;

		if (k > 0 && i + k <= n && utf8_invalid(s + i, k) == (size_t)-1)
			return 1;
	}
	return 0;
}

/* Counts the separators `sep` outside quotes on the first line of s. */
static size_t
count_on_first_line(const char *s, size_t n, char sep)
{
	size_t k = 0;
	int in = 0;

	for (size_t i = 0; i < n && (in || (s[i] != '\n' && s[i] != '\r')); i++)
		if (s[i] == '"')
			in = !in;
		else if (!in && s[i] == sep)
			k++;
	return k;
}

/* The encoding of text that has no byte-order mark but NUL bytes where UTF-16 or UTF-32
 * has them, judged from its first 4 KB: "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", or
 * NULL for none of them. */
static const char *
wide_encoding(const char *text, size_t len)
{
	size_t n = len < 4096 ? len : 4096, zero[4] = { 0 };

	if (n < 4 || memchr(text, '\0', n) == NULL)
		return NULL;
	n -= n % 4;
	for (size_t i = 0; i < n; i++)
		zero[i % 4] += text[i] == '\0';
	n /= 4;		/* each position's count */
	if (zero[0] < n / 10 && zero[1] > n * 9 / 10 && zero[2] > n * 9 / 10 &&
	    zero[3] > n * 9 / 10)
		return len % 4 == 0 ? "UTF-32LE" : NULL;
	if (zero[3] < n / 10 && zero[0] > n * 9 / 10 && zero[1] > n * 9 / 10 &&
	    zero[2] > n * 9 / 10)
		return len % 4 == 0 ? "UTF-32BE" : NULL;
	if (zero[0] + zero[2] < n / 5 && zero[1] + zero[3] > n * 9 / 5)
		return "UTF-16LE";
	if (zero[1] + zero[3] < n / 5 && zero[0] + zero[2] > n * 9 / 5)
		return "UTF-16BE";
	return NULL;
}

/* Turns Excel's other kinds of "CSV" into UTF-8: UTF-16 with a byte-order mark ("Unicode
 * text"), and Windows-1252 (a `£` or a curly quote in a file saved as plain "CSV"), with a
 * warning; so too UTF-16 without its mark, as some programs write it. Returns the text to
 * read (`text`, or a converted copy in *conv), or NULL after an error. */
static const char *
decode(struct reader *r, const char *text, size_t *len, char **conv)
{
	gsize n = 0;
	const char *wide;

	*conv = NULL;
	if (*len >= 2 && (memcmp(text, "\xff\xfe", 2) == 0 || memcmp(text, "\xfe\xff", 2) == 0)) {
		*conv = g_convert(text, (gssize)*len, "UTF-8", "UTF-16", NULL, &n, NULL);
		if (*conv == NULL) {
			rerr(r, 0, 0, "this UTF-16 text is damaged; %s", SAVE_AS);
			return NULL;
		}
		*len = n;
		return *conv;
	}
	if ((wide = wide_encoding(text, *len)) != NULL) {
		char *name = xasprintf("%.6s (%s-endian)", wide, wide[6] == 'L' ? "little" :
		    "big");

		if (strncmp(wide, "UTF-32", 6) == 0 || (*conv = g_convert(text, (gssize)*len,
		    "UTF-8", wide, NULL, &n, NULL)) == NULL)
			rerr(r, 0, 0, "this file is %s text%s; %s", name, strncmp(wide, "UTF-32",
			    6) == 0 ? "" : ", and damaged", SAVE_AS);
		else
			msg(r->g, MSG_WARNING, r->t->path, 0, 0, "this file is %s text without a "
			    "byte-order mark: read as such; to be sure of every character, %s",
			    name, SAVE_AS);
		free(name);
		if (*conv == NULL)
			return NULL;
		*len = n;
		return *conv;
	}
	if (utf8_invalid(text, *len) == (size_t)-1 || has_utf8_sequence(text, *len) ||
	    memchr(text, '\0', *len) != NULL)
		return text;	/* UTF-8, or damaged UTF-8: each bad byte is reported */
	*conv = g_convert(text, (gssize)*len, "UTF-8", "WINDOWS-1252", NULL, &n, NULL);
	if (*conv == NULL) {
		rerr(r, 0, 0, "this file is neither UTF-8 nor Windows-1252 text; %s", SAVE_AS);
		return NULL;
	}
	msg(r->g, MSG_WARNING, r->t->path, 0, 0, "this file is not UTF-8: read as Windows-1252 "
	    "(Excel's plain \"CSV\"); to be sure of every character, %s", SAVE_AS);
	*len = n;
	return *conv;
}

/* Chooses the separator from the header row: a comma, or a tab (Excel's "Unicode text" and
 * "Text (Tab delimited)"). A header with semicolons and no comma is Excel's CSV where the
 * decimal mark is a comma: refused, since `1,5` could be read as either number. */
static int
separator(struct reader *r)
{
	size_t n = (size_t)(r->end - r->p);

	r->sep = ',';
	if (count_on_first_line(r->p, n, ',') > 0)
		return 0;
	if (count_on_first_line(r->p, n, '\t') > 0)
		r->sep = '\t';
	else if (count_on_first_line(r->p, n, ';') > 0) {
		rerr(r, 1, 1, "the columns are separated by semicolons, as Excel writes CSV where a "
		    "comma is the decimal mark; %s, with `.` as the decimal mark", SAVE_AS);
		return -1;
	}
	return 0;
}

struct table *
csv_failed(const char *path)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->name = stem(path);
	t->path = xstrdup(path);
	t->said = said_new();
	t->errors = 1;
	return t;
}

struct table *
csv_read(struct gen *g, const char *path, const char *text, size_t len)
{
	struct table *t = xcalloc(1, sizeof(*t));
	struct reader r = { .g = g, .t = t, .line = 1, .col = 1 };
	char *conv = NULL;

	t->name = stem(path);
	t->path = xstrdup(path);
	t->said = said_new();
	if (len > MAX_FILE_BYTES)
		rerr(&r, 0, 0, "the file is larger than %u MB", MAX_FILE_BYTES >> 20);
	else if (len >= 4 && memcmp(text, "PK\3\4", 4) == 0)
		rerr(&r, 0, 0, "this is an Excel workbook, not CSV text; %s", SAVE_AS);
	else
		text = decode(&r, text, &len, &conv);
	if (r.errors > 0) {
		free(conv);
		csv_free(t);
		return NULL;
	}
	r.p = text;
	r.end = text + len;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r.p += 3;
	if (separator(&r) == -1) {
		free(conv);
		csv_free(t);
		return NULL;
	}
	memcpy(r.stops_plain, stops_quoted, sizeof(r.stops_plain));
	r.stops_plain[(unsigned char)r.sep] = 1;
	/* Unquoting only shrinks a field, and each field's NUL takes the place of the separator
	 * or line end after it (or is the one extra byte at the end of the file). */
	t->store = r.out = xmalloc(len + 1);
	if (r.stop || header(&r) == -1) {
		free(conv);
		csv_free(t);
		return NULL;
	}
	if (!r.stop)
		rows(&r);
	free(conv);
	infer_types(t);
	return t;
}

/* Counts the digits at s[i] onwards. */
static size_t
digits(const char *s, size_t n, size_t i)
{
	size_t k = 0;

	while (i + k < n && s[i + k] >= '0' && s[i + k] <= '9')
		k++;
	return k;
}

/* Checks the form of a number as people write it: 40374, 40,374, -1.5, −1.5 (with a real
 * minus), .5. Returns NULL, or a hint to follow "is not a number" ("" when there is nothing to
 * add). */
static const char *
number_form(const char *s, size_t n)
{
	size_t i = 0, whole, frac = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	else if (n >= 3 && memcmp(s, MINUS, 3) == 0)
		i += 3;
	whole = digits(s, n, i);
	i += whole;
	if (whole > 0 && i < n && s[i] == ',') {
		if (whole > 3)
			return "; commas must group the digits in threes (40,374), and the decimal "
			    "point is `.`";
		while (i < n && s[i] == ',') {
			if (digits(s, n, i + 1) != 3)
				return "; commas must group the digits in threes (40,374), and the "
				    "decimal point is `.`";
			i += 4;
		}
	}
	if (i < n && s[i] == '.') {
		frac = digits(s, n, i + 1);
		if (frac == 0)
			return "";
		i += 1 + frac;
	}
	if (whole == 0 && frac == 0)
		return "";
	if (i < n)
		return s[i] == 'e' || s[i] == 'E' ? "; write it in full, without an exponent" : "";
	return NULL;
}

static int
has_currency(const char *s, size_t n)
{
	static const char *const signs[] = { "£", "$", "€", "¥" };

	for (size_t c = 0; c < sizeof(signs) / sizeof(*signs); c++)
		for (size_t j = 0, k = strlen(signs[c]); j + k <= n; j++)
			if (memcmp(s + j, signs[c], k) == 0)
				return 1;
	return 0;
}

/* Parses a number of the form number_form() checks. Returns NULL, or a hint to follow "is not
 * a number". */
static const char *
number(const char *s, size_t n, double *v)
{
	const char *dp, *why = number_form(s, n);
	char buf[160];
	size_t k = 0;

	if (why != NULL)
		return has_currency(s, n) ? "; write the number without the currency sign" : why;
	dp = localeconv()->decimal_point;
	if (n > 100 || strlen(dp) > 8)
		return "; it has too many digits";
	if (s[0] == '-' || s[0] == MINUS[0])
		buf[k++] = '-';
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			buf[k++] = s[i];
		else if (s[i] == '.')
			for (const char *d = dp; *d != '\0'; d++)
				buf[k++] = *d;
	buf[k] = '\0';
	*v = strtod(buf, NULL);		/* digits only, and the locale's decimal point */
	if (*v == 0)
		*v = 0;			/* not -0 */
	return NULL;
}

static int
days_in(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (Howard Hinnant's days_from_civil). */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The value of s[i, i + k), all digits. */
static int
digits_value(const char *s, size_t i, size_t k)
{
	int v = 0;

	while (k-- > 0)
		v = 10 * v + (s[i++] - '0');
	return v;
}

/* Parses 2022-06-30 or 30/06/2022 (day first) into days since 1970-01-01. Returns 0, or -1
 * with a hint to follow "is not a date" in why. */
static int
date(const char *s, size_t n, double *v, char *why, size_t size)
{
	static const char *const months[] = { "January", "February", "March", "April", "May",
	    "June", "July", "August", "September", "October", "November", "December" };
	size_t dd, mm;
	int y, m, d, british = 0;

	if (n == 10 && digits(s, n, 0) == 4 && s[4] == '-' && digits(s, n, 5) == 2 &&
	    s[7] == '-' && digits(s, n, 8) == 2) {
		y = digits_value(s, 0, 4);
		m = digits_value(s, 5, 2);
		d = digits_value(s, 8, 2);
	} else if ((dd = digits(s, n, 0)) >= 1 && dd <= 2 && dd < n && s[dd] == '/' &&
	    (mm = digits(s, n, dd + 1)) >= 1 && mm <= 2 && dd + mm + 1 < n &&
	    s[dd + mm + 1] == '/' && digits(s, n, dd + mm + 2) == 4 && dd + mm + 6 == n) {
		d = digits_value(s, 0, dd);
		m = digits_value(s, dd + 1, mm);
		y = digits_value(s, dd + mm + 2, 4);
		british = 1;
	} else {
		snprintf(why, size, "; write it as 2022-06-30 or 30/06/2022");
		return -1;
	}
	if (m < 1 || m > 12) {
		snprintf(why, size, ": there is no month %d%s", m,
		    british && d <= 12 ? " (the day comes first, as in 30/06/2022)" : "");
		return -1;
	}
	if (d < 1 || d > days_in(y, m)) {
		if (d < 1)
			snprintf(why, size, ": there is no day 0");
		else
			snprintf(why, size, ": %s %d has %d days", months[m - 1], y,
			    days_in(y, m));
		return -1;
	}
	*v = (double)days_from_civil(y, m, d);
	return 0;
}

/* The symbols of UK official statistics for a figure not given, as written in a cell
 * (without regard to case), and what each means. */
static const struct {
	const char	*sym;
	enum datum	 kind;
} symbols[] = {
	{ "..", D_NA }, { ":", D_NA }, { "-", D_NA }, { "x", D_NA }, { "[x]", D_NA },
	{ "c", D_SUPPRESSED }, { "[c]", D_SUPPRESSED },
	{ "z", D_NOT_APPLICABLE }, { "[z]", D_NOT_APPLICABLE },
	{ "low", D_LOW }, { "[low]", D_LOW },
	{ "u", D_UNRELIABLE }, { "[u]", D_UNRELIABLE },
	{ "w", D_NO_DATA }, { "[w]", D_NO_DATA },
	{ "not stated", D_NOT_STATED }
};

const char *
datum_words(char *const *words, enum datum k, int sentence)
{
	enum word w;

	switch (k) {
	case D_EMPTY:
	case D_NA:
		w = W_NOT_PUBLISHED;
		break;
	case D_SUPPRESSED:
		w = sentence ? W_SUPPRESSED_SENTENCE : W_SUPPRESSED;
		break;
	case D_NOT_APPLICABLE:
		w = W_NOT_APPLICABLE;
		break;
	case D_LOW:
		w = sentence ? W_LOW_SENTENCE : W_LOW;
		break;
	case D_UNRELIABLE:
		w = sentence ? W_UNRELIABLE_SENTENCE : W_UNRELIABLE;
		break;
	case D_NO_DATA:
		w = sentence ? W_NO_CASES_SENTENCE : W_NO_CASES;
		break;
	case D_NOT_STATED:
		w = W_NOT_STATED;
		break;
	default:	/* D_NUMBER, D_TEXT: a figure is given */
		return "";
	}
	return words != NULL && words[w] != NULL ? words[w] : "";
}

/* What the trimmed text s (n bytes) holds: a symbol, a number (with *pct when written with
 * `%`), or text. */
static enum datum
classify(const char *s, size_t n, double *v, unsigned char *pct)
{
	size_t k = n;

	*v = NAN;
	*pct = 0;
	if (n == 0)
		return D_EMPTY;
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (strlen(symbols[i].sym) == n && strncasecmp(s, symbols[i].sym, n) == 0)
			return symbols[i].kind;
	if (s[k - 1] == '%') {
		k--;
		while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		*pct = 1;
	}
	if (k > 0 && number(s, k, v) == NULL)
		return D_NUMBER;
	*v = NAN;
	*pct = 0;
	return D_TEXT;
}

/* Works out each cell's kind and each column's type: a column whose every cell is a number, a
 * symbol or empty, with at least one number, holds figures (percentages when every number has
 * `%`); any other is text. */
static void
infer_types(struct table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		size_t numbers = 0, pcts = 0, texts = 0, symbols = 0;

		for (size_t r = 0; r < t->nrows; r++) {
			struct cell *cell = &t->cells[r * t->ncols + c];
			const char *s = cell->text;
			size_t n = strlen(s);

			trim(&s, &n);
			cell->kind = (unsigned char)classify(s, n, &cell->num, &cell->pct);
			numbers += cell->kind == D_NUMBER;
			pcts += cell->pct;
			texts += cell->kind == D_TEXT;
			symbols += cell->kind >= D_NA;
		}
		t->types[c] = texts > 0 || numbers + symbols == 0 ? COL_TEXT :
		    numbers > 0 && pcts == numbers ? COL_PERCENT : COL_NUMBER;
	}
}

/* Checks one non-empty cell s (n bytes, trimmed) as type t and sets *v. Returns 0, or -1
 * with the reason in why, to follow "`s` in column `c` is not …". */
static int
check_cell(enum col_type t, const char *s, size_t n, double *v, char *why, size_t size)
{
	const char *hint = NULL, *what = NULL;
	char buf[128];
	size_t k = n;

	switch (t) {
	case COL_TEXT:
		return 0;
	case COL_NUMBER:
		what = "a number";
		hint = number(s, n, v);
		break;
	case COL_PERCENT:
		what = "a percentage from 0 to 100";
		if (s[k - 1] == '%')
			k--;
		while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k == 0 || number(s, k, v) != NULL || *v < 0 || *v > 100)
			hint = "";
		break;
	case COL_DATE:
		what = "a date";
		if (date(s, n, v, buf, sizeof(buf)) == -1)
			hint = buf;
		break;
	}
	if (hint == NULL)
		return 0;
	snprintf(why, size, "is not %s%s", what, hint);
	return -1;
}

void
csv_say(struct gen *g, const struct table *t, enum msg_level level, int line, int col,
    const char *fmt, ...)
{
	struct table_said *s = t->said;
	char text[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!g_hash_table_add(s->said, xasprintf("%d:%d:%d:%s", (int)level, line, col, text)))
		return;		/* said before: once is enough */
	if (++s->count[level] > MAX_ERRORS) {
		if (s->count[level] == MAX_ERRORS + 1)
			msg(g, MSG_NOTE, t->path, 0, 0, "more %ss in this file are not shown",
			    level == MSG_WARNING ? "warning" : "error");
		if (level >= MSG_ERROR) {	/* unsaid, but the build still fails */
			g->errors++;
			if (g->status < EXIT_INPUT)
				g->status = EXIT_INPUT;
		}
		return;
	}
	msg(g, level, t->path, line, col, "%s", text);
}

/* Reports the cell at row r of column c as not a `what`: "`eight` in column `gcse` is not
 * a number". */
static void
bad_cell(struct gen *g, const struct table *t, size_t r, size_t c, const char *why)
{
	const struct cell *cell = &t->cells[r * t->ncols + c];
	const char *s = cell->text;
	size_t n = strlen(s);
	char text[SHOWN + 8], name[SHOWN + 8];

	trim(&s, &n);
	shown(s, n, text, sizeof(text));
	col_name(t, c, name, sizeof(name));
	csv_say(g, t, MSG_ERROR, cell->line, cell->col, "`%s` in column `%s` %s", text, name,
	    why);
}

int
csv_set_type(struct gen *g, struct table *t, size_t c, enum col_type type)
{
	int bad = 0;

	assert(c < t->ncols);
	t->types[c] = type;
	for (size_t r = 0; r < t->nrows; r++) {
		struct cell *cell = &t->cells[r * t->ncols + c];
		const char *s = cell->text;
		size_t n = strlen(s);
		char why[256];

		trim(&s, &n);
		if (type == COL_TEXT || cell->kind == D_EMPTY || DATUM_MISSING(cell->kind))
			continue;
		if (check_cell(type, s, n, &cell->num, why, sizeof(why)) == -1) {
			cell->num = NAN;
			cell->kind = D_TEXT;
			bad++;
			bad_cell(g, t, r, c, why);
		} else if (type == COL_DATE)
			cell->kind = D_NUMBER;
	}
	return bad;
}

int
csv_column(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

int
csv_need_column(struct gen *g, const struct table *t, const char *name, const char *who)
{
	int c = csv_column(t, name);
	const char *near;
	char shown_name[SHOWN + 8];

	if (c >= 0)
		return c;
	if (t->ncols == 0)
		return -1;
	shown(name, strlen(name), shown_name, sizeof(shown_name));
	near = nearest_word(name, (const char *const *)t->cols, t->ncols);
	if (near != NULL)
		csv_say(g, t, MSG_ERROR, 1, csv_column(t, near) + 1, "no column `%s` (did you mean "
		    "`%s`?); %s needs it", shown_name, near, who);
	else
		csv_say(g, t, MSG_ERROR, 1, (int)t->ncols + 1, "no column `%s`; %s needs it",
		    shown_name, who);
	return -1;
}

int
csv_need_numbers(struct gen *g, const struct table *t, size_t c)
{
	char name[32];
	int bad = 0;

	snprintf(name, sizeof(name), "numbers,%zu", c);
	if ((bad = memo(t, name, -1)) >= 0)
		return bad;
	bad = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		const struct cell *cell = &t->cells[r * t->ncols + c];
		const char *s = cell->text, *hint;
		size_t n = strlen(s);
		double v;
		char why[160];

		if (cell->kind != D_TEXT)
			continue;
		trim(&s, &n);
		hint = number(s, n, &v);
		if (hint != NULL && *hint == '\0' && n > 0 && isalpha((unsigned char)*s))
			hint = "; where there is no figure, write a symbol: [x] not available, [c] "
			    "suppressed, [z] not applicable";
		snprintf(why, sizeof(why), "is not a number%s", hint ? hint : "");
		bad_cell(g, t, r, c, why);
		bad++;
	}
	memo(t, name, bad);
	return bad;
}

int
csv_need_choice(struct gen *g, const struct table *t, size_t c, const char *const *allowed,
    size_t n)
{
	struct buf list = { 0 };
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		buf_adds(&list, i == 0 ? "`" : i + 1 == n ? "` or `" : "`, `");
		buf_adds(&list, allowed[i]);
	}
	buf_adds(&list, "`");
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = t->cells[r * t->ncols + c].text;
		size_t k = strlen(s), i;
		char why[400];

		trim(&s, &k);
		for (i = 0; i < n; i++)
			if (strlen(allowed[i]) == k && strncasecmp(s, allowed[i], k) == 0)
				break;
		if (i < n)
			continue;
		snprintf(why, sizeof(why), "is not one of %s", list.s);
		bad_cell(g, t, r, c, why);
		bad++;
	}
	buf_free(&list);
	return bad;
}

/* Whether rows a and b have the same values in `cols`. */
static int
same_key(const struct table *t, size_t a, size_t b, const int *cols, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cell *x = &t->cells[a * t->ncols + (size_t)cols[i]];
		const struct cell *y = &t->cells[b * t->ncols + (size_t)cols[i]];

		if (x->kind == D_NUMBER && y->kind == D_NUMBER ? x->num != y->num :
		    strcmp(x->text, y->text) != 0)
			return 0;
	}
	return 1;
}

struct keyed {
	char	*key;	/* the key's values, joined */
	size_t	 row;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	return d != 0 ? d : (x->row > y->row) - (x->row < y->row);
}

/* A check's result kept with the table, so a check asked for again costs nothing. Returns
 * the result kept under `name`, or -1; with set >= 0, keeps it. */
static int
memo(const struct table *t, const char *name, int set)
{
	gpointer v = g_hash_table_lookup(t->said->memo, name);

	if (v != NULL)
		return GPOINTER_TO_INT(v) - 1;
	if (set >= 0)
		g_hash_table_insert(t->said->memo, xstrdup(name), GINT_TO_POINTER(set + 1));
	return -1;
}

int
csv_need_unique(struct gen *g, const struct table *t, const int *cols, size_t n)
{
	struct keyed *v;
	struct buf what = { 0 }, name = { 0 };
	int repeats = 0, kept;

	buf_adds(&name, "unique");
	for (size_t i = 0; i < n; i++) {
		char c[24];

		snprintf(c, sizeof(c), ",%d", cols[i]);
		buf_adds(&name, c);
	}
	if ((kept = memo(t, name.s, -1)) >= 0) {
		buf_free(&name);
		return kept;
	}
	v = xcalloc(t->nrows + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		buf_adds(&what, i == 0 ? "" : i + 1 == n ? " and " : ", ");
		buf_adds(&what, t->cols[cols[i]]);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		struct buf k = { 0 };

		for (size_t i = 0; i < n; i++) {
			const struct cell *c = &t->cells[r * t->ncols + (size_t)cols[i]];
			char num[64];

			if (c->kind == D_NUMBER)
				snprintf(num, sizeof(num), "%.17g", c->num);
			buf_adds(&k, c->kind == D_NUMBER ? num : c->text);
			buf_addc(&k, '\x1f');
		}
		v[r].key = k.s;
		v[r].row = r;
	}
	qsort(v, t->nrows, sizeof(*v), cmp_keyed);
	for (size_t i = 1; i < t->nrows; i++) {
		size_t first = i - 1;
		const struct cell *c;

		if (strcmp(v[i].key, v[first].key) != 0 ||
		    !same_key(t, v[i].row, v[first].row, cols, n))
			continue;
		while (first > 0 && strcmp(v[first - 1].key, v[i].key) == 0)
			first--;
		c = &t->cells[v[i].row * t->ncols + (size_t)cols[0]];
		csv_say(g, t, MSG_ERROR, c->line, c->col, "rows %d and %d have the same %s; give "
		    "each only once", t->cells[v[first].row * t->ncols].line, c->line, what.s);
		repeats++;
	}
	for (size_t r = 0; r < t->nrows; r++)
		free(v[r].key);
	free(v);
	buf_free(&what);
	memo(t, name.s, repeats);
	buf_free(&name);
	return repeats;
}

void
csv_add_field(struct buf *b, const char *s, int last)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_adds(b, last ? "\"\n" : "\",");
}

void
csv_free(struct table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->col_line);
	free(t->col_col);
	free(t->types);
	free(t->cells);
	free(t->store);
	free(t->name);
	free(t->path);
	if (t->said != NULL) {
		g_hash_table_destroy(t->said->said);
		g_hash_table_destroy(t->said->memo);
		free(t->said);
	}
	free(t);
}

const char *
csv_text(const struct table *t, size_t r, const char *name)
{
	int c = csv_column(t, name);

	return c < 0 ? "" : t->cells[r * t->ncols + (size_t)c].text;
}

/* ---- the tables of a document, by name ---- */

const struct table *
datasets_find(const struct datasets *d, const char *name)
{
	for (size_t i = 0; d != NULL && i < d->n; i++)
		if (strcmp(d->v[i]->name, name) == 0)
			return d->v[i]->ncols > 0 ? d->v[i] : NULL;
	return NULL;
}

int
datasets_broken(const struct datasets *d, const char *name)
{
	if (d != NULL && d->unread)
		return 1;
	for (size_t i = 0; d != NULL && i < d->n; i++)
		if (strcmp(d->v[i]->name, name) == 0)
			return d->v[i]->ncols == 0;
	return 0;
}

const char *
data_word(const struct datasets *d, int w)
{
	return d != NULL && d->words != NULL && d->words[w] != NULL ? d->words[w] : "";
}

char *const *
data_words(const struct datasets *d)
{
	return d != NULL ? d->words : NULL;
}
