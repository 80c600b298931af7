/* document.c: one document folder, content/NAME/, read into the tree: index.md's front
 * matter, then every Markdown file in name order, the template it names and its fonts.
 * Called by main.c; hands a checked struct doc to render_pdf(). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads one Markdown file into d->files/d->texts; reports unreadable or non-UTF-8 files. */
static int
add_file(struct gen *g, struct doc *d, char *path)
{
	char *text;
	size_t len, bad;
	int line, col;

	if (read_file(path, MAX_FILE_BYTES, &text, &len) == -1) {
		if (errno == EFBIG)
			msg(g, MSG_ERROR, path, 1, 1, "the file is larger than %u MB",
			    MAX_FILE_BYTES >> 20);
		else
			msg(g, MSG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
		free(path);
		return -1;
	}
	if ((bad = utf8_invalid(text, len)) != (size_t)-1) {
		text_position(text, bad, &line, &col);
		msg(g, MSG_ERROR, path, line, col, "invalid UTF-8 (byte 0x%02x); save the file "
		    "as UTF-8", (unsigned char)text[bad]);
		free(text);
		free(path);
		return -1;
	}
	d->files = xrealloc(d->files, (d->nfiles + 1) * sizeof(*d->files));
	d->texts = xrealloc(d->texts, (d->nfiles + 1) * sizeof(*d->texts));
	d->files[d->nfiles] = path;
	d->texts[d->nfiles] = text;
	d->lens = xrealloc(d->lens, (d->nfiles + 1) * sizeof(*d->lens));
	d->lens[d->nfiles] = len;
	d->nfiles++;
	return 0;
}

/* Lists the folder's other *.md files in name order after index.md. */
static int
add_chapters(struct gen *g, struct doc *d)
{
	DIR *dir = opendir(d->dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;

	if (dir == NULL) {
		msg(g, MSG_ERROR, d->dir, 0, 0, "cannot read the folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 3 && strcmp(e->d_name + l - 3, ".md") == 0 && e->d_name[0] != '.' &&
		    strcmp(e->d_name, "index.md") != 0) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (add_file(g, d, xasprintf("%s/%s", d->dir, names[i])) == -1)
			bad = 1;
		free(names[i]);
	}
	free(names);
	return bad ? -1 : 0;
}

/* Parses "YYYY-MM-DD" into a UTC time. */
static int
parse_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, m, d;
	char end;

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || strlen(s) != 10 ||
	    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	*out = timegm(&tm);
	gmtime_r(out, &tm);
	return tm.tm_mday == d ? 0 : -1;
}

static const char *
fm_value(struct doc *d, const char *key)
{
	const struct fm_entry *e = frontmatter_get(&d->fm, key);

	return e && *e->value ? e->value : NULL;
}

/* Checks index.md's front matter and takes the document's settings from it. */
static int
read_settings(struct gen *g, struct doc *d)
{
	static const char *const required[] = { "title", "template", "date" };
	const struct fm_entry *e;
	int bad = 0;

	if (d->fm.n == 0) {
		msg(g, MSG_ERROR, d->index, 1, 1, "index.md must start with front matter: a `---` "
		    "line, `title:`, `template:` and `date:` lines, and a closing `---` line");
		return -1;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (fm_value(d, required[i]) == NULL) {
			msg(g, MSG_ERROR, d->index, 1, 1, "the front matter has no `%s:`",
			    required[i]);
			bad = 1;
		}
	if ((e = frontmatter_get(&d->fm, "date")) != NULL && *e->value &&
	    parse_date(e->value, &d->date) == -1) {
		msg(g, MSG_ERROR, d->index, e->line, e->col, "`%s` is not a date; write it as "
		    "YYYY-MM-DD, e.g. 2022-06-30", e->value);
		bad = 1;
	}
	if (g->epoch != (time_t)-1)
		d->date = g->epoch;
	d->title = fm_value(d, "title");
	d->subtitle = fm_value(d, "subtitle");
	d->strapline = fm_value(d, "strapline");
	d->author = fm_value(d, "author");
	d->subject = fm_value(d, "subject");
	d->keywords = fm_value(d, "keywords");
	d->lang = fm_value(d, "lang") ? fm_value(d, "lang") : "en-GB";
	if (!bad && (e = frontmatter_get(&d->fm, "template")) != NULL &&
	    (d->tpl = template_load(g, e->value, d->index, e->line, e->col)) == NULL)
		bad = 1;
	if (d->tpl != NULL && fonts_check(g, d->tpl) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

struct doc *
doc_load(struct gen *g, const char *dir)
{
	struct doc *d = xcalloc(1, sizeof(*d));
	const char *slash;
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	d->dir = xstrndup(dir, len);
	slash = strrchr(d->dir, '/');
	d->name = xstrdup(slash ? slash + 1 : d->dir);
	d->index = xasprintf("%s/index.md", d->dir);
	d->root = node_new(N_DOCUMENT, d->index, 1, 1);
	g->errors = 0;

	if (add_file(g, d, xstrdup(d->index)) == -1 || add_chapters(g, d) == -1)
		goto fail;
	if (frontmatter_parse(g, d->index, d->texts[0], d->lens[0], &d->fm) == -1)
		goto fail;
	/* Read on after a bad setting, so one run reports the errors of every file. */
	read_settings(g, d);
	for (size_t i = 0; i < d->nfiles; i++) {
		size_t off = i == 0 ? d->fm.body : 0;

		markdown_parse(g, d->files[i], d->texts[i] + off, d->lens[i] - off,
		    i == 0 ? d->fm.body_line : 1, d->root);
	}
	validate(g, d);
	if (g->errors == 0)
		return d;
fail:
	doc_free(d);
	return NULL;
}

void
doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i]);
		free(d->texts[i]);
	}
	free(d->files);
	free(d->texts);
	free(d->lens);
	frontmatter_free(&d->fm);
	template_free(d->tpl);
	node_free(d->root);
	free(d->name);
	free(d->dir);
	free(d->index);
	free(d);
}
