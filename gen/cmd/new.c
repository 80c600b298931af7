/* SPDX-License-Identifier: GPL-3.0-or-later */
/* new.c: `gen new DOC --from OLD`, next year's document from this year's. Copies the folder
 * content/OLD to content/DOC whole or not at all, moves the front matter on a year (each year,
 * date, weekday and academic year once), and lists what is left to update by hand, line by
 * line. Called by main.c; reads and writes content/ only. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

#define NAME_MAX_BYTES	200	/* a document's name: out/NAME.pdf and its temporaries fit */
#define COPY_DEPTH	8	/* folders inside a document's folder that are copied */
#define STAGING		".gen-new-"	/* content/.gen-new-PID-DOC while it is being made */

/* ---- moving dates on a year ---- */

static const char *const weekdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
	"Thursday", "Friday", "Saturday" };
static const char *const months[] = { "January", "February", "March", "April", "May",
	"June", "July", "August", "September", "October", "November", "December" };

/* Short forms, with what they stand for. */
static const struct { const char *word; int n; } wd_short[] = {
	{ "Sun", 0 }, { "Mon", 1 }, { "Tues", 2 }, { "Tue", 2 }, { "Weds", 3 }, { "Wed", 3 },
	{ "Thurs", 4 }, { "Thur", 4 }, { "Thu", 4 }, { "Fri", 5 }, { "Sat", 6 },
}, mon_short[] = {
	{ "Jan", 1 }, { "Feb", 2 }, { "Mar", 3 }, { "Apr", 4 }, { "Jun", 6 }, { "Jul", 7 },
	{ "Aug", 8 }, { "Sept", 9 }, { "Sep", 9 }, { "Oct", 10 }, { "Nov", 11 }, { "Dec", 12 },
};

/* The weekday (0 Sunday) of a date, by Sakamoto's method. */
static int
weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	y -= m < 3;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static int
days_in(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

/* How many digits stand at s (at most `max`; 0 when more follow). */
static size_t
digits_at(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && isdigit((unsigned char)s[n]))
		n++;
	return n > max ? 0 : n;
}

/* Whether s[i] starts a token: nothing or neither a letter nor a digit before it. */
static int
starts_token(const char *s, size_t i)
{
	return i == 0 || !isalnum((unsigned char)s[i - 1]);
}

/* The word of `full` (or of `abbr`) written at s, in any case and as a whole word: its
 * number (the index in `full`, or the short form's), its length in *len; -1 when none. */
static int
word_at(const char *s, const char *const *full, size_t nfull, const void *abbr, size_t nabbr,
    size_t *len)
{
	const struct { const char *word; int n; } *a = abbr;

	for (size_t i = 0; i < nfull + nabbr; i++) {
		const char *w = i < nfull ? full[i] : a[i - nfull].word;
		size_t n = strlen(w);

		if (strncasecmp(s, w, n) == 0 && !isalpha((unsigned char)s[n])) {
			*len = n;
			return i < nfull ? (int)i : a[i - nfull].n;
		}
	}
	return -1;
}

static int
month_at(const char *s, size_t *len)
{
	int m = word_at(s, months, 12, mon_short, sizeof(mon_short) / sizeof(mon_short[0]), len);

	return m < 0 ? -1 : *len > 4 ? m + 1 : m;	/* full names count from 0 */
}

/* A date as written, with where its parts are, so that it is rewritten in its own style. */
struct date {
	size_t	 end;			/* offset after it */
	int	 y, m, d;		/* y 0: no year written */
	size_t	 ys, ds, dn;		/* where the year and the day are, the day's digits */
	int	 suffix;		/* the day has "st", "nd", "rd" or "th" */
	int	 wd;			/* the weekday written before it, or -1 */
	size_t	 ws, wn;		/* where that is and its length */
};

/* A day of the month at s + i: one or two digits, perhaps "19th". */
static int
day_at(const char *s, size_t i, struct date *t)
{
	size_t n = digits_at(s + i, 2);

	if (n == 0 || !starts_token(s, i))
		return 0;
	t->ds = i;
	t->dn = n;
	t->d = atoi(s + i);
	t->suffix = 0;
	if (strncasecmp(s + i + n, "st", 2) == 0 || strncasecmp(s + i + n, "nd", 2) == 0 ||
	    strncasecmp(s + i + n, "rd", 2) == 0 || strncasecmp(s + i + n, "th", 2) == 0) {
		if (isalpha((unsigned char)s[i + n + 2]))
			return 0;
		t->suffix = 1;
		n += 2;
	}
	return (int)n;
}

/* A four-digit year at s + i standing alone. */
static int
year_at(const char *s, size_t i)
{
	return digits_at(s + i, 4) == 4 && (i == 0 || !isdigit((unsigned char)s[i - 1])) ?
	    atoi(s + i) : 0;
}

/* Skips the spaces and commas between a date's words; at least one space unless `sep`. */
static size_t
gap_at(const char *s, size_t i, int comma)
{
	size_t j = i;

	if (comma && (s[j] == ',' || s[j] == '.'))
		j++;
	while (s[j] == ' ')
		j++;
	return j;
}

/* A date at s + i: "19 March 2024" ("19th Mar. 2024", "19-Mar-2024"), "March 19, 2024",
 * "2024-03-19" or "19/03/2024"; the year may be missing from the first two. */
static int
date_at(const char *s, size_t i, struct date *t)
{
	size_t n, j, ml;
	int m;

	memset(t, 0, sizeof(*t));
	t->wd = -1;
	if (!starts_token(s, i))
		return 0;
	if (year_at(s, i) && s[i + 4] == '-' && digits_at(s + i + 5, 2) == 2 &&
	    s[i + 7] == '-' && digits_at(s + i + 8, 2) == 2) {	/* 2024-03-19 */
		t->y = atoi(s + i);
		t->ys = i;
		t->m = atoi(s + i + 5);
		t->d = atoi(s + i + 8);
		t->ds = i + 8;
		t->dn = 2;
		t->end = i + 10;
		return 1;
	}
	if ((n = digits_at(s + i, 2)) > 0 && (s[i + n] == '/' || s[i + n] == '.' ||
	    s[i + n] == '-')) {	/* 19/03/2024 */
		char sep = s[i + n];
		size_t mn = digits_at(s + i + n + 1, 2);

		if (mn > 0 && s[i + n + 1 + mn] == sep && year_at(s, i + n + 2 + mn)) {
			t->d = atoi(s + i);
			t->ds = i;
			t->dn = n;
			t->m = atoi(s + i + n + 1);
			t->ys = i + n + 2 + mn;
			t->y = atoi(s + t->ys);
			t->end = t->ys + 4;
			return 1;
		}
	}
	if ((n = (size_t)day_at(s, i, t)) > 0) {	/* 19 March 2024, 19-Mar-2024 */
		int dash = s[i + n] == '-';

		j = dash ? i + n + 1 : gap_at(s, i + n, 0);
		if ((!dash && j == i + n) || (m = month_at(s + j, &ml)) < 0)
			return 0;
		t->m = m;
		j += ml + (s[j + ml] == '.');
		t->end = j;
		if (dash ? s[j] == '-' && year_at(s, j + 1) : gap_at(s, j, 0) > j &&
		    year_at(s, gap_at(s, j, 0))) {
			t->ys = dash ? j + 1 : gap_at(s, j, 0);
			t->y = atoi(s + t->ys);
			t->end = t->ys + 4;
		}
		return 1;
	}
	if ((m = month_at(s + i, &ml)) >= 0) {		/* March 19, 2024 */
		j = i + ml + (s[i + ml] == '.');
		if (gap_at(s, j, 0) == j || (n = (size_t)day_at(s, gap_at(s, j, 0), t)) == 0)
			return 0;
		t->m = m;
		j = gap_at(s, j, 0) + n;
		t->end = j;
		if (gap_at(s, j, 1) > j && year_at(s, gap_at(s, j, 1))) {
			t->ys = gap_at(s, j, 1);
			t->y = atoi(s + t->ys);
			t->end = t->ys + 4;
		}
		return 1;
	}
	return 0;
}

/* `word` written in the case of `like` (TUESDAY, tuesday, Tuesday). */
static void
add_cased(struct buf *b, const char *word, const char *like, size_t n)
{
	int upper = 1, lower = 1;

	for (size_t i = 0; i < n; i++)
		if (isalpha((unsigned char)like[i])) {
			upper &= isupper((unsigned char)like[i]) != 0;
			lower &= islower((unsigned char)like[i]) != 0;
		}
	for (size_t i = 0; word[i]; i++)
		buf_addc(b, (char)(upper ? toupper((unsigned char)word[i]) : lower ?
		    tolower((unsigned char)word[i]) : word[i]));
}

/* Adds a note for the user to `left`, "; " between notes. */
static void
note(struct buf *left, const char *fmt, const char *a, const char *b)
{
	char *s = xasprintf(fmt, a, b);

	if (left->len > 0)
		buf_adds(left, "; ");
	buf_adds(left, s);
	free(s);
}

/* Notes that `what` was left, its year not one of those moved on from `from`. */
static void
window(struct buf *left, const char *what, int from)
{
	char *years = xasprintf("%d to %d", from - 1, from + 1);

	note(left, "`%s` left as it was (only years %s move on)", what, years);
	free(years);
}

/* Writes date `t` of `s` moved on a year: the day kept (29 February becomes the 28th), the
 * weekday made right for the new date, the rest as written. */
static void
put_date(struct buf *b, const char *s, size_t i, const struct date *t, struct buf *left)
{
	int d = t->d == 29 && t->m == 2 && days_in(t->y + 1, 2) == 28 ? 28 : t->d;
	char num[16];

	for (size_t k = i; k < t->end; ) {
		if (t->wd >= 0 && k == t->ws) {
			const char *w = weekdays[weekday(t->y + 1, t->m, d)];
			char abbr[4];

			snprintf(abbr, sizeof(abbr), "%.3s", w);
			add_cased(b, t->wn > 3 && t->wn == strlen(weekdays[t->wd]) ? w : abbr,
			    s + k, t->wn);
			k += t->wn;
		} else if (k == t->ds && d != t->d) {
			snprintf(num, sizeof(num), "%0*d", (int)t->dn, d);
			buf_adds(b, num);
			k += t->dn;
		} else if (k == t->ys) {
			snprintf(num, sizeof(num), "%04d", t->y + 1);
			buf_adds(b, num);
			k += 4;
		} else
			buf_addc(b, s[k++]);
	}
	if (d != t->d) {
		char *was = xstrndup(s + (t->wd >= 0 ? t->ws : i), t->end - (t->wd >= 0 ?
		    t->ws : i)), *y = xasprintf("%d", t->y + 1);

		note(left, "`%s` moves to the 28th: %s has no 29 February", was, y);
		free(was);
		free(y);
	}
}

/* An academic or financial year at s + i: "2023/24", "2023-24", "2023–24", "2023/2024".
 * Returns its length, with the separator's in *sep; 0 when none. */
static size_t
academic_at(const char *s, size_t i, size_t *sep)
{
	int y = year_at(s, i);
	size_t k = i + 4;

	if (y == 0)
		return 0;
	*sep = strncmp(s + k, "\xe2\x80\x93", 3) == 0 ? 3 : s[k] == '/' || s[k] == '-' ? 1 : 0;
	if (*sep == 0)
		return 0;
	k += *sep;
	if (digits_at(s + k, 4) == 4 && atoi(s + k) == y + 1)
		return 4 + *sep + 4;
	if (digits_at(s + k, 2) == 2 && atoi(s + k) == (y + 1) % 100)
		return 4 + *sep + 2;
	return 0;
}

/* Moves on one year each year of `line` from the years around `from` (the year before, that
 * year and the year after, when a report is presented), and each date in them, every one
 * exactly once: a date with its weekday, an academic year as a whole. `force` moves a date
 * whatever its year (the `date:` line). What it leaves, and why, is added to `left` for the
 * user. The caller frees. */
char *
year_move_line(const char *s, int from, int force, struct buf *left)
{
	struct buf b = { 0 };
	size_t i = 0, n, sep, wl;
	struct date t;
	int w, y;

	while (s[i] != '\0') {
		if (!starts_token(s, i)) {
			buf_addc(&b, s[i++]);
			continue;
		}
		w = word_at(s + i, weekdays, 7, wd_short, sizeof(wd_short) / sizeof(wd_short[0]),
		    &wl);
		if (w >= 0 && date_at(s, gap_at(s, i + wl, 1), &t) && t.y > 0 &&
		    gap_at(s, i + wl, 1) > i + wl) {
			t.wd = w;	/* "Tuesday 19 March 2024": moved as one */
			t.ws = i;
			t.wn = wl;
		} else if (w >= 0 && (wl > 4 || date_at(s, gap_at(s, i + wl, 1), &t))) {
			int dated = date_at(s, gap_at(s, i + wl, 1), &t);
			char *what = xstrndup(s + i, dated ? t.end - i : wl);

			note(left, dated ? "`%s` names no year: left as it was%s" : "`%s` comes with "
			    "no date gen new can read: left as it was%s", what, "");
			free(what);
			buf_add(&b, s + i, wl);
			i += wl;
			continue;
		} else if (!date_at(s, i, &t) || t.y == 0)
			t.end = 0;
		if (t.end > 0) {
			int at = t.wd >= 0 ? (int)t.ws : (int)i;
			char *what = xstrndup(s + at, t.end - (size_t)at);

			if (t.m < 1 || t.m > 12 || t.d < 1 || t.d > days_in(t.y, t.m))
				note(left, "`%s` is not a date: left as it was%s", what, "");
			else if (force || (t.y >= from - 1 && t.y <= from + 1)) {
				put_date(&b, s, (size_t)at, &t, left);
				i = t.end;
				free(what);
				continue;
			} else
				window(left, what, from);
			buf_add(&b, s + at, t.end - (size_t)at);
			i = t.end;
			free(what);
			continue;
		}
		n = academic_at(s, i, &sep);
		y = year_at(s, i);
		if (n > 0 || (y >= 1900 && y < 2200)) {
			char num[16], *what;

			if (y >= from - 1 && y <= from + 1) {
				snprintf(num, sizeof(num), "%d", y + 1);
				buf_adds(&b, num);
				if (n > 0) {
					buf_add(&b, s + i + 4, sep);
					snprintf(num, sizeof(num), n - sep == 6 ? "%02d" : "%d",
					    n - sep == 6 ? (y + 2) % 100 : y + 2);
					buf_adds(&b, num);
				}
			} else {
				what = xstrndup(s + i, n > 0 ? n : 4);
				window(left, what, from);
				buf_adds(&b, what);
				free(what);
			}
			i += n > 0 ? n : 4;
			continue;
		}
		buf_addc(&b, s[i++]);
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	return b.s;
}

/* ---- the front matter and the narrative ---- */

/* The year the document is on: `year:`, or else the year of `date:`; 0 when neither. */
static int
old_year(const struct frontmatter *fm)
{
	const struct fm_entry *e = frontmatter_get(fm, "year");
	int y;

	if (e != NULL && digits_at(e->value, 4) == 4 && e->value[4] == '\0')
		return atoi(e->value);
	e = frontmatter_get(fm, "date");
	if (e != NULL && digits_at(e->value, 4) == 4 && e->value[4] == '-' &&
	    (y = atoi(e->value)) >= 1900)
		return y;
	return 0;
}

/* index.md's front matter (text[0, body)) moved on from year `from`: adds to `changes`
 * each line it changed, as it was and as it is, and to `todo` each it left in part. The
 * caller frees. */
static char *
move_front_matter(const char *text, size_t body, int from, const char *index,
    struct buf *changes, struct buf *todo)
{
	struct buf b = { 0 };
	const char *p = text, *end = text + body;

	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		char *orig = xstrndup(p, len), *moved;
		struct buf left = { 0 };

		/* shared-data: names other documents ("strategy-2022"), not years */
		moved = strncmp(orig, "shared-data:", 12) == 0 ? xstrdup(orig) :
		    year_move_line(orig, from, strncmp(orig, "date:", 5) == 0, &left);
		if (strcmp(moved, orig) != 0) {		/* said, so it can be checked */
			char *item = xasprintf("  %.*s  ->  %.*s\n", (int)strcspn(orig, "\r\n"),
			    orig, (int)strcspn(moved, "\r\n"), moved);

			buf_adds(changes, item);
			free(item);
		}
		if (left.len > 0) {
			char *item = xasprintf("  %s:%d: %s\n", index, line, left.s);

			buf_adds(todo, item);
			free(item);
		}
		buf_adds(&b, moved);
		buf_free(&left);
		free(moved);
		free(orig);
		p += len;
	}
	buf_add(&b, end, strlen(end));
	return b.s;
}

/* Chapters in the order a build reads them: index.md, the others by name, the appendices. */
static int
cmp_chapter(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int rx = strcmp(x, "index.md") == 0 ? 0 : strncasecmp(x, "appendix", 8) == 0 ? 2 : 1;
	int ry = strcmp(y, "index.md") == 0 ? 0 : strncasecmp(y, "appendix", 8) == 0 ? 2 : 1;

	return rx != ry ? rx - ry : strcmp(x, y);
}

/* Adds to `todo` each line of the narrative (after `skip` bytes of front matter) that names
 * the old year. */
static void
narrative_lines(const char *path, const char *text, size_t skip, int year, struct buf *todo)
{
	int line = 1;

	for (size_t i = 0; i < skip && text[i]; i++)
		line += text[i] == '\n';
	for (const char *p = text + skip; *p; line++) {
		size_t len = strcspn(p, "\n");
		int names = 0;

		for (size_t i = 0; i + 4 <= len && !names; i++)
			names = year_at(p, i) == year && !isdigit((unsigned char)p[i + 4]);
		if (names) {
			char *item = xasprintf("  %s:%d: the narrative names %d; write it for %d\n",
			    path, line, year, year + 1);

			buf_adds(todo, item);
			free(item);
		}
		p += len + (p[len] == '\n');
	}
}

/* Adds to `todo` what is left by hand in the new document `dir` (shown as `shown`): the
 * narrative's lines that name the old year, and each data file with a `year` column but
 * no row of the new year. */
static void
to_do(struct gen *g, const char *dir, const char *shown, int year, size_t index_body,
    struct buf *todo)
{
	char *data = xasprintf("%s/data", dir), **v;
	size_t nv;

	v = dir_names(dir, ".md", 1, cmp_chapter, &nv);
	for (size_t i = 0; i < nv; i++) {
		char *path = xasprintf("%s/%s", dir, v[i]), *at = xasprintf("%s/%s", shown, v[i]);
		char *text;
		size_t len;

		if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == 0) {
			narrative_lines(at, text, strcmp(v[i], "index.md") == 0 ? index_body : 0,
			    year, todo);
			free(text);
		}
		free(at);
		free(path);
		free(v[i]);
	}
	free(v);
	v = dir_names(data, ".csv", 1, cmp_chapter, &nv);
	for (size_t i = 0; i < nv; i++) {
		char *path = xasprintf("%s/%s", data, v[i]), *text;
		size_t len;
		struct table *t;

		if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == 0) {
			if ((t = csv_read(g, path, text, len)) != NULL) {
				int c = csv_column(t, "year"), has = 0;

				for (size_t r = 0; c >= 0 && r < t->nrows; r++)
					has |= t->cells[r * t->ncols + (size_t)c].num == year + 1;
				if (c >= 0 && !has) {
					char *item = xasprintf("  %s/data/%s: add the rows for %d\n",
					    shown, v[i], year + 1);

					buf_adds(todo, item);
					free(item);
				}
				csv_free(t);
			}
			free(text);
		}
		free(path);
		free(v[i]);
	}
	free(v);
	free(data);
}

/* ---- the copy, made whole or not at all ---- */

/* Removes the folder `path` and what it holds (only folders and files: what a copy made). */
static void
remove_tree(const char *path)
{
	DIR *dp = opendir(path);
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		char *sub;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(sub);
		else
			unlink(sub);
		free(sub);
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(path);
}

/* Removes what a `gen new` that was stopped left in content/ (.gen-new-PID-DOC, its process
 * gone). */
static void
remove_stale(const char *content)
{
	DIR *dp = opendir(content);
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		long pid;
		char *path;

		if (strncmp(e->d_name, STAGING, strlen(STAGING)) != 0 ||
		    (pid = strtol(e->d_name + strlen(STAGING), NULL, 10)) <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = xasprintf("%s/%s", content, e->d_name);
		remove_tree(path);
		free(path);
	}
	if (dp != NULL)
		closedir(dp);
}

/* Writes a new file `path` (never through a link) with `len` bytes. */
static int
put_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	ssize_t n;

	if (fd == -1)
		return -1;
	while (len > 0) {
		if ((n = write(fd, data, len)) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;

			close(fd);
			errno = e;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return close(fd);
}

/* Copies the files and folders of `from` into the folder `to` (made here). Hidden files are
 * left; a link, a FIFO or a device is left with a note in `todo`. */
static int
copy_tree(struct gen *g, const char *from, const char *to, const char *shown, int depth,
    struct buf *todo)
{
	DIR *dp = opendir(from);
	struct dirent *e;
	int rc = 0;

	if (dp == NULL) {
		msg(g, MSG_FATAL, from, 0, 0, "cannot read the folder: %s", strerror(errno));
		return -1;
	}
	if (mkdir(to, 0777) == -1 && (depth == 0 ? errno != EEXIST : 1)) {
		msg(g, MSG_FATAL, to, 0, 0, "cannot make the folder: %s", strerror(errno));
		closedir(dp);
		return -1;
	}
	while (rc == 0 && (e = readdir(dp)) != NULL) {
		char *src, *dst, *at, *data, *item = NULL;
		size_t len;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		src = xasprintf("%s/%s", from, e->d_name);
		dst = xasprintf("%s/%s", to, e->d_name);
		at = xasprintf("%s/%s", shown, e->d_name);
		if (lstat(src, &st) == -1) {
			msg(g, MSG_FATAL, src, 0, 0, "cannot read: %s", strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode) && depth < COPY_DEPTH)
			rc = copy_tree(g, src, dst, at, depth + 1, todo);
		else if (S_ISDIR(st.st_mode))
			item = xasprintf("  %s: not copied: folders nest more than %d deep\n", at,
			    COPY_DEPTH);
		else if (!S_ISREG(st.st_mode))
			item = xasprintf("  %s: not copied: %s\n", at, S_ISLNK(st.st_mode) ?
			    "a symbolic link" : "not a regular file");
		else if (read_file(g, src, MAX_FILE_BYTES, &data, &len) == -1) {
			msg(g, MSG_ERROR, src, 0, 0, "cannot copy: %s", read_error(errno));
			rc = -1;
		} else {
			if (put_file(dst, data, len) == -1) {
				msg(g, MSG_FATAL, dst, 0, 0, "cannot write: %s", strerror(errno));
				rc = -1;
			}
			free(data);
		}
		if (item != NULL)
			buf_adds(todo, item);
		free(item);
		free(at);
		free(src);
		free(dst);
	}
	closedir(dp);
	return rc;
}

/* ---- the names the user typed ---- */

/* A name as typed, less trailing slashes and a leading "content/" (what a shell's
 * completion gives). The caller frees. */
static char *
plain_name(const char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		n--;
	if (strncmp(s, "content/", 8) == 0 && n > 8)
		s += 8, n -= 8;
	return xstrndup(s, n);
}

/* Whether `s` can name a document: a folder name, not hidden, not an option, no control
 * characters, short enough for the file names made from it. */
static int
good_name(const char *s)
{
	if (*s == '\0' || *s == '.' || *s == '-' || strlen(s) > NAME_MAX_BYTES)
		return 0;
	for (; *s; s++)
		if (*s == '/' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* The documents in content/ with a name close to `name`, for a hint; NULL when none. */
static const char *
near_document(const char *content, const char *name, char **buf)
{
	size_t n;
	char **v = NULL;
	DIR *dp = opendir(content);
	struct dirent *e;
	const char *near;

	n = 0;
	while (dp != NULL && (e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.') {
			v = xrealloc(v, (n + 1) * sizeof(*v));
			v[n++] = xstrdup(e->d_name);
		}
	if (dp != NULL)
		closedir(dp);
	near = nearest_word(name, (const char *const *)v, n);
	*buf = near ? xstrdup(near) : NULL;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return *buf;
}

/* Checks the name of the new document and of the one it starts from; returns the folder to
 * copy (the caller frees), or NULL after saying what is wrong (*rc its exit status). */
static char *
check_names(struct gen *g, const char *content, const char *name, const char *from, int *rc)
{
	char *src, real[PATH_MAX], realc[PATH_MAX], *index, *near = NULL;
	struct stat st;

	*rc = EXIT_USAGE;
	if (!good_name(name)) {
		msg_usage("`%s` is not a name for a document: a folder name in content/, such as "
		    "progress-2024 (at most %d bytes, not starting with `.` or `-`)", name,
		    NAME_MAX_BYTES);
		return NULL;
	}
	if (*from == '\0') {
		msg_usage("--from needs the name of the document to start from, a folder in "
		    "content/ such as progress-2023");
		return NULL;
	}
	if (!good_name(from)) {
		msg_usage("--from `%s` is not a document: give the name of a folder in content/, "
		    "such as progress-2023", from);
		return NULL;
	}
	src = xasprintf("%s/%s", content, from);
	index = xasprintf("%s/index.md", src);
	if (lstat(src, &st) == -1 || !(S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode))) {
		if (near_document(content, from, &near) != NULL)
			msg_usage("--from: no document `%s` in content/ (did you mean `%s`?)", from,
			    near);
		else
			msg_usage("--from: no document `%s` in content/", from);
	} else if (realpath(src, real) == NULL || realpath(content, realc) == NULL ||
	    strncmp(real, realc, strlen(realc)) != 0 || real[strlen(realc)] != '/') {
		*rc = EXIT_INPUT;
		msg(g, MSG_ERROR, src, 0, 0, "this link leads out of content/: gen new copies "
		    "only the documents in content/");
	} else if (stat(index, &st) == -1 || !S_ISREG(st.st_mode))
		msg_usage("--from: content/%s has no index.md, so it is not a document", from);
	else {
		free(index);
		return src;
	}
	free(near);
	free(index);
	free(src);
	return NULL;
}

int
new_document(struct gen *g, const char *name_arg, const char *from_arg)
{
	char *content = project_path(g, "content"), *name = plain_name(name_arg);
	char *from = plain_name(from_arg), *src, *dst, *stage = NULL, *index = NULL;
	char *text = NULL, *moved = NULL, *shown = NULL;
	struct frontmatter fm = { 0 };
	struct buf todo = { 0 }, changes = { 0 };
	struct stat st;
	size_t len;
	int year, rc;

	remove_stale(content);
	dst = xasprintf("%s/%s", content, name);
	if ((src = check_names(g, content, name, from, &rc)) == NULL)
		goto done;
	rc = EXIT_INPUT;
	if (lstat(dst, &st) == 0) {
		msg(g, MSG_ERROR, NULL, 0, 0, "content/%s exists already; gen new makes a new "
		    "document and changes none", name);
		goto done;
	}
	/* Read and checked before anything is made. */
	index = xasprintf("%s/index.md", src);
	if (read_file(g, index, MAX_FILE_BYTES, &text, &len) == -1) {
		msg(g, MSG_ERROR, index, 0, 0, "cannot read: %s", read_error(errno));
		goto done;
	}
	if (frontmatter_parse(g, index, text, len, &fm) == -1)
		goto done;
	if ((year = old_year(&fm)) == 0) {
		msg(g, MSG_ERROR, index, 1, 1, "gen new moves a document on from its year: give "
		    "`year:` or `date:` (YYYY-MM-DD) in the front matter");
		goto done;
	}
	stage = xasprintf("%s/%s%ld-%s", content, STAGING, (long)getpid(), name);
	shown = xasprintf("content/%s", name);
	free(index);
	index = xasprintf("%s/index.md", shown);
	moved = move_front_matter(text, fm.body, year, index, &changes, &todo);
	free(index);
	index = xasprintf("%s/index.md", stage);
	if (copy_tree(g, src, stage, shown, 0, &todo) == -1)
		goto done;
	if (unlink(index) == -1 || put_file(index, moved, strlen(moved)) == -1) {
		msg(g, MSG_FATAL, index, 0, 0, "cannot write: %s", strerror(errno));
		goto done;
	}
	to_do(g, stage, shown, year, fm.body, &todo);
	if (renameat2(AT_FDCWD, stage, AT_FDCWD, dst, RENAME_NOREPLACE) == -1) {
		if (errno == EEXIST)
			msg(g, MSG_ERROR, NULL, 0, 0, "content/%s exists already; gen new makes a "
			    "new document and changes none", name);
		else
			msg(g, MSG_FATAL, dst, 0, 0, "cannot make the folder: %s", strerror(errno));
		goto done;
	}
	printf("In content/%s/index.md:\n%s", name, changes.s ? changes.s : "");
	printf("Made content/%s from content/%s, moved on from %d to %d.\n", name, from, year,
	    year + 1);
	if (todo.len > 0)
		printf("Next, by hand:\n%s", todo.s);
	rc = EXIT_BUILT;
done:
	if (stage != NULL && rc != EXIT_BUILT)
		remove_tree(stage);
	frontmatter_free(&fm);
	buf_free(&todo);
	buf_free(&changes);
	free(shown);
	free(moved);
	free(text);
	free(stage);
	free(index);
	free(src);
	free(dst);
	free(from);
	free(name);
	free(content);
	msg_flush(g);
	return rc;
}
