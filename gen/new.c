/* SPDX-License-Identifier: GPL-3.0-or-later */
/* new.c: `gen new DOC --from OLD`, next year's document from this year's. Copies the folder
 * content/OLD to content/DOC (its Markdown, front matter and data), moves the year on in the
 * front matter (`year:`, `date:`, and the years and dated weekdays in its other values), and
 * says what is left to update by hand. Called by main.c; reads and writes content/ only. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gen.h"

static const char *const weekdays[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
	"Thursday", "Friday", "Saturday" };
static const char *const months[] = { "January", "February", "March", "April", "May",
	"June", "July", "August", "September", "October", "November", "December" };

/* The weekday (0 Sunday) of a date, by Sakamoto's method. */
static int
weekday(int y, int m, int d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };

	y -= m < 3;
	return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* Whether s[i, i + 4) is a year on its own (not part of a longer number). */
static int
year_at(const char *s, size_t i, int year)
{
	char y[8];

	snprintf(y, sizeof(y), "%04d", year % 10000);
	return strncmp(s + i, y, 4) == 0 && (i == 0 || !isdigit((unsigned char)s[i - 1])) &&
	    !isdigit((unsigned char)s[i + 4]);
}

/* A front-matter line with each of the years around `from` (the year before, that year, the
 * year after, when a report is presented) moved on by one, and a
 * weekday written before a date ("Tuesday 19 March 2024") made right for the new year. The
 * caller frees. */
static char *
move_years(const char *v, int from)
{
	struct buf b = { 0 };
	size_t n = strlen(v);

	for (size_t i = 0; i < n; ) {
		int y = year_at(v, i, from) ? from : year_at(v, i, from - 1) ? from - 1 :
		    year_at(v, i, from + 1) ? from + 1 : 0;

		if (y != 0) {
			char num[16];

			snprintf(num, sizeof(num), "%d", y + 1);
			buf_adds(&b, num);
			i += 4;
		} else
			buf_addc(&b, v[i++]);
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	/* "Tuesday 19 March 2025": the weekday of the date as it now is */
	for (int w = 0; w < 7; w++) {
		char *at = strstr(b.s, weekdays[w]), month[16];
		int d, y, m;

		if (at == NULL || sscanf(at + strlen(weekdays[w]), " %d %15s %d", &d, month, &y) != 3)
			continue;
		for (m = 0; m < 12 && strcmp(month, months[m]) != 0; m++)
			;
		if (m < 12 && d >= 1 && d <= 31) {
			const char *right = weekdays[weekday(y, m + 1, d)];
			char *fixed = xasprintf("%.*s%s%s", (int)(at - b.s), b.s, right,
			    at + strlen(weekdays[w]));

			buf_free(&b);
			buf_adds(&b, fixed);
			free(fixed);
		}
		break;
	}
	return b.s;
}

/* The front matter with its year moved on: `year:` and `date:` by one year, other values'
 * years too. Sets *year to the old year (from `year:`, or else `date:`). */
static char *
move_front_matter(const char *text, size_t body, int *year)
{
	struct buf b = { 0 };
	const char *p = text, *end = text + body;

	*year = 0;
	for (const char *l = p; l < end; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : end)
		if (strncmp(l, "year:", 5) == 0)
			*year = atoi(l + 5);
	for (const char *l = p; *year == 0 && l < end; l = strchr(l, '\n') ? strchr(l, '\n') + 1 :
	    end)
		if (strncmp(l, "date:", 5) == 0)
			*year = atoi(l + 5 + strspn(l + 5, " "));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);
		char *line = xstrndup(p, len), *orig = xstrdup(line), *moved;

		if (strncmp(line, "date:", 5) == 0) {	/* a year on; 29 February to the 28th */
			int y, m, d;

			if (sscanf(line + 5, " %d-%d-%d", &y, &m, &d) == 3) {
				char *nd = xasprintf("date: %04d-%02d-%02d\n", y + 1, m,
				    m == 2 && d == 29 ? 28 : d);

				free(line);
				line = nd;
			}
		}
		moved = *year > 0 ? move_years(line, *year) : xstrdup(line);
		if (strcmp(moved, orig) != 0)	/* said, so it can be checked */
			printf("  %.*s  ->  %s", (int)strcspn(orig, "\n"), orig, moved);
		buf_adds(&b, moved);
		free(moved);
		free(orig);
		free(line);
		p += len;
	}
	buf_add(&b, end, strlen(end));
	return b.s;
}

/* Counts the times `year` stands alone in text. */
static int
mentions(const char *text, int year)
{
	int n = 0;

	for (size_t i = 0; text[i]; i++)
		n += year_at(text, i, year);
	return n;
}

/* Copies the regular files of folder `from` into `to` (made here), and its data/ folder. */
static int
copy_folder(struct gen *g, const char *from, const char *to, int depth)
{
	DIR *dp = opendir(from);
	struct dirent *e;
	int rc = 0;

	if (dp == NULL || (mkdir(to, 0777) == -1 && errno != EEXIST)) {
		msg(g, MSG_FATAL, dp ? to : from, 0, 0, "cannot %s: %s", dp ? "make the folder" :
		    "read the folder", strerror(errno));
		if (dp)
			closedir(dp);
		return -1;
	}
	while (rc == 0 && (e = readdir(dp)) != NULL) {
		char *src, *dst, *data;
		size_t len;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		src = xasprintf("%s/%s", from, e->d_name);
		dst = xasprintf("%s/%s", to, e->d_name);
		if (lstat(src, &st) == 0 && S_ISDIR(st.st_mode) && depth == 0)
			rc = copy_folder(g, src, dst, depth + 1);
		else if (S_ISREG(st.st_mode)) {
			if (read_file(g, src, MAX_FILE_BYTES, &data, &len) == -1 ||
			    write_file(dst, data, len) == -1) {
				msg(g, MSG_FATAL, src, 0, 0, "cannot copy: %s", strerror(errno));
				rc = -1;
			} else
				free(data);
		}
		free(src);
		free(dst);
	}
	closedir(dp);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder `dir` that end in `ext`, in name order; the caller frees. */
static char **
names(const char *dir, const char *ext, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t k = strlen(ext);

	*n = 0;
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > k && strcmp(e->d_name + l - k, ext) == 0 && e->d_name[0] != '.') {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = xstrdup(e->d_name);
		}
	}
	if (dp != NULL)
		closedir(dp);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* Says what is left to do by hand: the narrative that names the old year, and each data
 * file with a `year` column but no row of the new year. */
static void
to_do(struct gen *g, const char *dir, int year)
{
	char *data = xasprintf("%s/data", dir), **v;
	size_t nv;

	printf("Next, by hand:\n");
	v = names(dir, ".md", &nv);
	for (size_t i = 0; i < nv; i++) {
		size_t len;
		char *path, *text;
		int n;

		path = xasprintf("%s/%s", dir, v[i]);
		if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == 0) {
			if ((n = mentions(text, year)) > 0)
				printf("  %s: the narrative names %d %d time%s; write it for %d\n", path,
				    year, n, n == 1 ? "" : "s", year + 1);
			free(text);
		}
		free(path);
		free(v[i]);
	}
	free(v);
	v = names(data, ".csv", &nv);
	for (size_t i = 0; i < nv; i++) {
		size_t len;
		char *path, *text;
		struct table *t;

		path = xasprintf("%s/%s", data, v[i]);
		if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == 0) {
			if ((t = csv_read(g, path, text, len)) != NULL) {
				int c = csv_column(t, "year"), has = 0;

				for (size_t r = 0; c >= 0 && r < t->nrows; r++)
					has |= t->cells[r * t->ncols + (size_t)c].num == year + 1;
				if (c >= 0 && !has)
					printf("  %s: add the rows for %d\n", path, year + 1);
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

int
new_document(struct gen *g, const char *name, const char *from)
{
	char *src = project_path(g, "content"), *dst, *index, *text, *moved;
	struct frontmatter fm = { 0 };
	struct stat st;
	size_t len;
	int year, rc = -1;

	dst = xasprintf("%s/%s", src, name);
	index = xasprintf("%s/%s", src, from);
	free(src);
	src = index;

	if (strchr(name, '/') || name[0] == '.' || *name == '\0')
		msg(g, MSG_ERROR, NULL, 0, 0, "`%s` is not a document name: a folder name in "
		    "content/, such as progress-2024", name);
	else if (stat(src, &st) == -1 || !S_ISDIR(st.st_mode))
		msg(g, MSG_ERROR, NULL, 0, 0, "there is no document `%s` in content/", from);
	else if (stat(dst, &st) == 0)
		msg(g, MSG_ERROR, NULL, 0, 0, "content/%s exists already; gen new makes a new "
		    "document and changes none", name);
	else if (copy_folder(g, src, dst, 0) == 0) {
		index = xasprintf("%s/index.md", dst);
		if (read_file(g, index, MAX_FILE_BYTES, &text, &len) == -1)
			msg(g, MSG_ERROR, index, 0, 0, "cannot read: %s", strerror(errno));
		else {
			if (frontmatter_parse(g, index, text, len, &fm) == 0) {
				printf("In content/%s/index.md:\n", name);
				moved = move_front_matter(text, fm.body, &year);
				if (write_file(index, moved, strlen(moved)) == -1)
					msg(g, MSG_FATAL, index, 0, 0, "cannot write: %s",
					    strerror(errno));
				else {
					printf("Made content/%s from content/%s", name, from);
					if (year > 0)
						printf(", moved on from %d to %d", year, year + 1);
					printf(".\n");
					rc = 0;
					if (year > 0)
						to_do(g, dst, year);
				}
				free(moved);
			}
			frontmatter_free(&fm);
			free(text);
		}
		free(index);
	}
	free(src);
	free(dst);
	return rc;
}
