/* csv.c: data tables from content/<doc>/data/NAME.csv, read strictly as Excel writes them, with
 * every problem reported at its line and column. Called by document.c; hands on named columns
 * of cells, which csv_set_type() checks as numbers, percentages or dates. */
#include <assert.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MAX_COLS	10000
#define MAX_ROWS	1000000
#define MAX_CELLS	10000000	/* rows times columns: 240 MB of struct cell */
#define MAX_FIELD	(1u << 20)	/* bytes in one field */
#define MAX_ERRORS	20		/* reported in one file before the rest are left unsaid */
#define SHOWN		40		/* bytes of a cell quoted in a message */

#define MINUS		"\xe2\x88\x92"	/* U+2212, the real minus sign */
#define SAVE_AS		"save it from Excel as `CSV UTF-8 (Comma delimited)`"

/* The bytes that end a run of ordinary text in an unquoted field, and in a quoted one. */
static const unsigned char stops_plain[256] = {
	[0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1
};
static const unsigned char stops_quoted[256] = {
	[0] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1
};

enum { END_FIELD, END_RECORD, END_FILE };	/* what ended a field */

/* The reader's state over one file. */
struct reader {
	struct gen	*g;
	struct table	*t;
	const char	*p, *end;	/* the next byte, and the end of the text */
	int		 line, col;	/* where p is (col in characters) */
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

/* Moves line and col over s[from, to), counting line ends and characters as the reader does. */
static void
advance(const char *s, size_t from, size_t to, int *line, int *col)
{
	for (size_t i = from; i < to; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n')) {
			(*line)++;
			*col = 1;
		} else if (s[i] != '\r' && ((unsigned char)s[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

/* Reports every invalid UTF-8 sequence in the text. */
static void
check_utf8(struct reader *r)
{
	const char *s = r->p;
	size_t len = (size_t)(r->end - s), off = 0, from = 0, at;
	int line = 1, col = 1;

	while (!r->stop && off < len && (at = utf8_invalid(s + off, len - off)) != (size_t)-1) {
		at += off;
		advance(s, from, at, &line, &col);
		from = at;
		rerr(r, line, col, "invalid UTF-8 (byte 0x%02x); %s", (unsigned char)s[at], SAVE_AS);
		off = at + 1;
		while (off < len && ((unsigned char)s[off] & 0xc0) == 0x80)
			off++;
	}
}

/* Steps over the line end at r->p: "\r\n", "\n", or a lone "\r" as old Mac Excel wrote. */
static void
eol(struct reader *r)
{
	if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
		r->p++;
	r->p++;
	r->line++;
	r->col = 1;
}

/* Copies the bytes from r->p up to the first that `stops` marks (or the end) into the
 * store, counting columns in characters; returns where it stopped. */
static const unsigned char *
copy_run(struct reader *r, const unsigned char *stops)
{
	const unsigned char *q = (const unsigned char *)r->p, *e = (const unsigned char *)r->end;
	int col = r->col;

	while (q < e && !stops[*q]) {
		col += (*q & 0xc0) != 0x80;
		q++;
	}
	memcpy(r->out, r->p, (size_t)((const char *)q - r->p));
	r->out += (const char *)q - r->p;
	r->p = (const char *)q;
	r->col = col;
	return q;
}

/* Copies unquoted text up to the next comma, line end or end of file into the store.
 * `quote_seen` is set when a quote here was already reported (text after a closing quote). */
static void
plain(struct reader *r, const struct cell *c, int quote_seen)
{
	const unsigned char *q, *e = (const unsigned char *)r->end;

	for (;;) {
		q = copy_run(r, stops_plain);
		if (q == e || *q == ',' || *q == '\n' || *q == '\r')
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
		r->col++;
	}
}

/* Copies a quoted field, r->p at its opening quote, into the store: "" is a quote, and a line
 * end inside is "\n". */
static void
quoted(struct reader *r, const struct cell *c)
{
	const unsigned char *q, *e = (const unsigned char *)r->end;

	r->p++;
	r->col++;
	for (;;) {
		q = copy_run(r, stops_quoted);
		if (q == e) {
			rerr(r, c->line, c->col, "this quote is never closed; the field runs on to "
			    "the end of the file");
			return;
		}
		if (*q == '\n' || *q == '\r') {
			eol(r);
			*r->out++ = '\n';
			continue;
		}
		if (*q == '\0')
			rerr(r, r->line, r->col, "a NUL byte; is this really a CSV file?");
		else if (q + 1 < e && q[1] == '"') {	/* "" is one quote */
			r->p++;
			r->col++;
		} else
			break;
		*r->out++ = (char)*q;
		r->p++;
		r->col++;
	}
	r->p++;		/* the closing quote */
	r->col++;
	if (r->p == r->end || *r->p == ',' || *r->p == '\n' || *r->p == '\r')
		return;
	if (*r->p == ' ' || *r->p == '\t')
		rerr(r, r->line, r->col, "spaces after the closing quote; remove them, or put "
		    "them inside the quotes");
	else
		rerr(r, r->line, r->col, "text after the closing quote; a quote inside a quoted "
		    "field is written twice (\"\")");
	plain(r, c, 1);
}

/* Reads one field at r->p into the store (NUL-terminated) and sets c's text and position.
 * Returns what ended it, which it steps over. */
static int
field(struct reader *r, struct cell *c)
{
	int is_quoted = r->p < r->end && *r->p == '"', errors = r->errors;

	c->text = r->out;
	c->num = 0;
	c->line = r->line;
	c->col = r->col;
	if (is_quoted)
		quoted(r, c);
	else
		plain(r, c, 0);
	if ((size_t)(r->out - c->text) > MAX_FIELD && r->errors == errors)
		rerr(r, c->line, c->col, "this field is longer than 1 MB%s",
		    is_quoted ? "; is a closing quote missing?" : "");
	*r->out++ = '\0';
	if (r->p == r->end)
		return END_FILE;
	if (*r->p == ',') {
		r->p++;
		r->col++;
		return END_FIELD;
	}
	eol(r);
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
	char name[64];

	for (size_t i = 0; i < t->ncols; i++) {
		v[i].name = t->cols[i];
		v[i].i = i;
	}
	qsort(v, t->ncols, sizeof(*v), cmp_name_at);
	for (size_t i = 1; i < t->ncols; i++)
		if (strcmp(v[i].name, v[i - 1].name) == 0)
			first[v[i].i] = first[v[i - 1].i] ? first[v[i - 1].i] : v[i - 1].i + 1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i][0] == '\0')
			rerr(r, t->col_line[i], t->col_col[i], "column %zu has no name; name it in "
			    "the header row, or delete the column if it is empty", i + 1);
		else if (first[i] != 0) {
			shown(t->cols[i], strlen(t->cols[i]), name, sizeof(name));
			rerr(r, t->col_line[i], t->col_col[i],
			    "column `%s` is named twice (first in column %zu)", name, first[i]);
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
		eol(r);
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
		t->col_col[t->ncols] = c.col;
		t->ncols++;
	} while (end == END_FIELD);
	t->types = xcalloc(t->ncols, sizeof(*t->types));
	check_names(r);
	return 0;
}

/* Reads the rows after the header. Blank lines are skipped (Excel writes ",," for an empty
 * row); in a table of one column, where Excel writes an empty cell as a blank line, they are
 * empty cells, except at the end of the file. */
static void
rows(struct reader *r)
{
	struct table *t = r->t;
	size_t cap = 0, keep = 0, max_rows = MAX_CELLS / t->ncols;
	struct cell extra;

	if (max_rows > MAX_ROWS)
		max_rows = MAX_ROWS;
	while (!r->stop && r->p < r->end) {
		int line = r->line, blank = is_blank_line(r), end, xline = 0, xcol = 0;
		struct cell *row;
		size_t n = 0;

		if (blank && t->ncols > 1) {
			eol(r);
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
			if (n++ == t->ncols) {
				xline = extra.line;
				xcol = extra.col;
			}
		} while (end == END_FIELD);
		if (n != t->ncols) {
			rerr(r, n > t->ncols ? xline : line, n > t->ncols ? xcol : 1,
			    "row has %zu field%s but the header names %zu column%s", n,
			    n == 1 ? "" : "s", t->ncols, t->ncols == 1 ? "" : "s");
			continue;
		}
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

struct table *
csv_read(struct gen *g, const char *path, const char *text, size_t len)
{
	struct table *t = xcalloc(1, sizeof(*t));
	struct reader r = { .g = g, .t = t, .p = text, .end = text + len, .line = 1, .col = 1 };

	t->name = stem(path);
	t->path = xstrdup(path);
	if (len > MAX_FILE_BYTES)
		rerr(&r, 0, 0, "the file is larger than %u MB", MAX_FILE_BYTES >> 20);
	else if (len >= 4 && memcmp(text, "PK\3\4", 4) == 0)
		rerr(&r, 0, 0, "this is an Excel workbook, not CSV text; %s", SAVE_AS);
	else if (len >= 2 && (memcmp(text, "\xff\xfe", 2) == 0 || memcmp(text, "\xfe\xff", 2) == 0))
		rerr(&r, 0, 0, "this is UTF-16 text; %s", SAVE_AS);
	if (r.errors > 0) {
		csv_free(t);
		return NULL;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		r.p += 3;
	check_utf8(&r);
	/* Unquoting only shrinks a field, and each field's NUL takes the place of the comma or
	 * line end after it (or is the one extra byte at the end of the file). */
	t->store = r.out = xmalloc(len + 1);
	if (!r.stop && header(&r) == 0 && !r.stop)
		rows(&r);
	if (r.errors > 0) {
		csv_free(t);
		return NULL;
	}
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

/* Checks one non-empty cell s (n bytes, trimmed) as type t and sets *v. Returns 0, or -1
 * with the message in why. */
static int
check_cell(enum col_type t, const char *s, size_t n, double *v, char *why, size_t size)
{
	const char *hint = NULL, *what = NULL;
	char text[SHOWN + 8], buf[128];
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
		if (number(s, k, v) != NULL || *v < 0 || *v > 100)
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
	shown(s, n, text, sizeof(text));
	snprintf(why, size, "`%s` is not %s%s", text, what, hint);
	return -1;
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
		if (type == COL_TEXT)
			cell->num = 0;
		else if (n == 0)
			cell->num = NAN;
		else if (check_cell(type, s, n, &cell->num, why, sizeof(why)) == -1) {
			cell->num = NAN;
			if (++bad <= MAX_ERRORS)
				msg(g, MSG_ERROR, t->path, cell->line, cell->col, "%s", why);
		}
	}
	if (bad > MAX_ERRORS) {
		char name[SHOWN + 8];

		shown(t->cols[c], strlen(t->cols[c]), name, sizeof(name));
		msg(g, MSG_NOTE, t->path, 0, 0, "%d more bad cells in column `%s` not shown",
		    bad - MAX_ERRORS, name);
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
	free(t);
}
