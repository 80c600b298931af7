/* SPDX-License-Identifier: GPL-3.0-or-later */
/* document.c: one document folder, content/NAME/, read into the tree: index.md's front
 * matter, then every Markdown file in name order, the template it names and its fonts.
 * Called by main.c; hands a checked struct doc to the back-ends. */
#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "gen.h"

/* Warns of each character of the file's text that is left out (hidden_char(): a bidi
 * control, a control character ...) where it stands; the Markdown reader and the front
 * matter leave them out. A NUL, which cmark would make U+FFFD, becomes a DEL, left out the
 * same way, and a noncharacter of the values' seals (struct expansion) becomes U+FDD2. */
static void
say_hidden(struct gen *g, const char *path, char *text, size_t len)
{
	size_t at, from = 0, pos = 0;
	unsigned c;
	int line = 1, col = 1;

	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		from = pos = 3;		/* a byte-order mark at the start is no slip */
	while (hidden_find(text + from, len - from, &at, &c) != NULL) {
		if (c >= 0xfdd0 && c <= 0xfdef)	/* never taken for a value's seal */
			memcpy(text + from + at, "\xef\xb7\x92", 3);
		from += at + (size_t)g_unichar_to_utf8(c, NULL);
		if (!msg_shown(g, MSG_WARNING, path)) {	/* only counted */
			msg(g, MSG_WARNING, path, 0, 0, "%s", "");
			continue;
		}
		char *say = hidden_say(c, "");

		for (at = from - (size_t)g_unichar_to_utf8(c, NULL); pos < at; pos++)
			if (text[pos] == '\n')		/* onward from the last one */
				line++, col = 1;
			else if (((unsigned char)text[pos] & 0xc0) != 0x80)
				col++;
		msg(g, MSG_WARNING, path, line, col, "%s", say);
		free(say);
	}
	for (char *p = memchr(text, '\0', len); p != NULL; p = memchr(p, '\0',
	    len - (size_t)(p - text)))
		*p = 0x7f;
}

/* Reads one Markdown file into d->files/d->texts; reports unreadable or non-UTF-8 files. */
static int
add_file(struct gen *g, struct doc *d, char *path)
{
	char *text;
	size_t len, bad;
	int line, col;

	if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == -1) {
		if (errno == EFBIG)
			msg(g, MSG_ERROR, path, 1, 1, "the file is larger than %u MB",
			    MAX_FILE_BYTES >> 20);
		else
			msg(g, MSG_ERROR, path, 0, 0, "cannot read: %s", read_error(errno));
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
	say_hidden(g, path, text, len);
	d->files = xrealloc(d->files, (d->nfiles + 1) * sizeof(*d->files));
	d->texts = xrealloc(d->texts, (d->nfiles + 1) * sizeof(*d->texts));
	d->files[d->nfiles] = path;
	d->texts[d->nfiles] = text;
	d->lens = xrealloc(d->lens, (d->nfiles + 1) * sizeof(*d->lens));
	d->lens[d->nfiles] = len;
	d->nfiles++;
	return 0;
}

static int
is_appendix(const char *name)
{
	return strncasecmp(name, "appendix", 8) == 0;
}

/* The heading's prefix of appendix `i` (from 0), as the template words and numbers it:
 * "Appendix A: ", "Appendix 1: ". The caller frees. */
static char *
appendix_prefix(const struct template *t, int i)
{
	const char *label = t && t->appendix_label ? t->appendix_label : "{n}. ", *p, *q;
	char n[16];
	struct buf b = { 0 };

	if (t && t->appendix_numbers)
		snprintf(n, sizeof(n), "%d", i + 1);
	else
		snprintf(n, sizeof(n), "%c", 'A' + i);
	for (p = label; (q = strstr(p, "{n}")) != NULL; p = q + 3) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, n);
	}
	buf_adds(&b, p);
	return b.s ? b.s : xstrdup("");
}

/* Heads each chapter of an appendix file "Appendix A: …", "Appendix B: …" in turn. */
static void
label_appendices(const struct template *t, struct node *from, int *count)
{
	for (struct node *n = from; n != NULL; n = n->next) {
		struct inl *in = &n->text;
		char *prefix;
		size_t plen;
		struct buf b = { 0 };

		if (n->type != N_HEADING || n->level != 1 || *count >= 26)
			continue;
		n->appendix = 1;
		prefix = appendix_prefix(t, (*count)++);
		plen = strlen(prefix);
		buf_adds(&b, prefix);
		buf_add(&b, in->text.s ? in->text.s : "", in->text.len);
		buf_free(&in->text);
		in->text = b;
		for (size_t i = 0; i < in->nspans; i++) {
			in->spans[i].start += plen;
			in->spans[i].end += plen;
		}
		free(prefix);
	}
}

/* Lists the folder's other *.md files in name order after index.md. */
static int
add_chapters(struct gen *g, struct doc *d)
{
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;

	if (!in_project(g, d->dir)) {	/* its names are not even listed */
		msg(g, MSG_ERROR, d->dir, 0, 0, "cannot read the folder: %s", read_error(EXDEV));
		return -1;
	}
	if ((dir = opendir(d->dir)) == NULL) {
		msg(g, MSG_ERROR, d->dir, 0, 0, "cannot read the folder: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);

		/* 04-PLAN.MD as Windows saves it is a chapter too */
		if (e->d_name[0] == '.' || strcmp(e->d_name, "index.md") == 0 || !((l > 3 &&
		    strcasecmp(e->d_name + l - 3, ".md") == 0) || (l > 9 &&
		    strcasecmp(e->d_name + l - 9, ".markdown") == 0)))
			continue;
		if (strcasecmp(e->d_name, "index.md") == 0) {	/* INDEX.MD beside index.md */
			char *path = xasprintf("%s/%s", d->dir, e->d_name);

			msg(g, MSG_WARNING, path, 0, 0, "not read: the document starts from "
			    "index.md, in lower case, and this name differs from it only in case");
			free(path);
			continue;
		}
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_strings);
	/* Chapters in name order, then the appendices (appendix*.md) in theirs. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if (is_appendix(names[i]) != pass)
				continue;
			if (add_file(g, d, xasprintf("%s/%s", d->dir, names[i])) == -1)
				bad = 1;
		}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
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

/* The imprint as the cover sets it: a paragraph a line, the lines of each (a front-matter
 * block breaks them) run together. NULL for none; the caller frees. */
static char *
imprint_text(const char *v)
{
	struct buf b = { 0 };

	for (const char *p = v; p != NULL && *p; p++) {
		if (*p != '\n')
			buf_addc(&b, *p);
		else if (p[1] == '\n') {	/* a blank line: the next paragraph */
			while (p[1] == '\n')
				p++;
			buf_addc(&b, '\n');
		} else if (p[1] != '\0')
			buf_addc(&b, ' ');
	}
	return b.s;
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
	if ((e = frontmatter_get(&d->fm, "year")) != NULL && *e->value) {
		char *end;
		long y = strtol(e->value, &end, 10);

		if (*end != '\0' || y < 1900 || y > 9999 || !isdigit((unsigned char)e->value[0])) {
			msg(g, MSG_ERROR, d->index, e->line, e->col, "`%s` is not a year; write it "
			    "as four digits, e.g. 2024", e->value);
			bad = 1;
		} else
			d->data.year = (int)y;
	}
	d->data.area = fm_value(d, "area");
	d->title = fm_value(d, "title");
	d->subtitle = fm_value(d, "subtitle");
	d->strapline = fm_value(d, "strapline");
	d->source = fm_value(d, "source");
	d->list_title = fm_value(d, "list-title");
	d->author = fm_value(d, "author");
	d->imprint = imprint_text(fm_value(d, "imprint"));
	d->rights = fm_value(d, "rights");
	d->short_title = fm_value(d, "short-title");
	d->subject = fm_value(d, "subject");
	d->keywords = fm_value(d, "keywords");
	d->lang = "en-GB";
	if ((e = frontmatter_get(&d->fm, "lang")) != NULL && *e->value) {
		char *why;

		/* the entry's own text, put in its canonical case (en-gb to en-GB) */
		if (lang_check(e->value, &why) != NULL)
			d->lang = e->value;
		else {
			msg_access(g);
			msg(g, MSG_ERROR, d->index, e->line, e->col, "%s", why);
			free(why);
			bad = 1;
		}
	}
	if (!bad && (e = frontmatter_get(&d->fm, "template")) != NULL &&
	    (d->tpl = template_load(g, e->value, d->index, e->line, e->col)) == NULL)
		bad = 1;
	if (d->tpl != NULL && fonts_check(g, d->tpl) == -1)
		bad = 1;
	if (d->tpl != NULL && theme_check(g, d->tpl) == -1)
		bad = 1;
	return bad ? -1 : 0;
}

static struct node *
text_node(enum node_type type, const char *file, int line, int col, const char *text)
{
	struct node *n = node_new(type, file, line, col);

	buf_adds(&n->text.text, text);
	return n;
}

/* A cover block's value: items written "a; b" set one to a line (a report to two bodies,
 * on two dates) when `split`. The caller frees. */
static char *
one_a_line(const char *v, int split)
{
	struct buf b = { 0 };

	for (; *v; v++) {
		if (split && v[0] == ';' && v[1] == ' ') {
			buf_addc(&b, '\n');
			while (v[1] == ' ')
				v++;
		} else
			buf_addc(&b, *v);
	}
	return b.s ? b.s : xstrdup("");
}

/* Moves the figures an expansion put into the text to d's list. */
static void
take_figures(struct doc *d, struct expansion *x)
{
	if (x->nuses == 0)
		return;
	d->figs = xrealloc(d->figs, (d->nfigs + x->nuses) * sizeof(*d->figs));
	memcpy(d->figs + d->nfigs, x->uses, x->nuses * sizeof(*x->uses));
	d->nfigs += x->nuses;
	free(x->uses);
	x->uses = NULL;
	x->nuses = 0;
}

/* What the template sets from the front matter before the Markdown: the cover block, a
 * table of label and value, then a headed section for each long value (Markdown). */
static void
front_blocks(struct gen *g, struct doc *d)
{
	const struct template *t = d->tpl;
	struct node *table = NULL;

	for (size_t i = 0; t != NULL && i < t->nfront + t->nsections; i++) {
		int front = i < t->nfront;
		const struct tfield *f = front ? &t->front[i] : &t->sections[i - t->nfront];
		const struct fm_entry *e = frontmatter_get(&d->fm, f->key);
		struct node *row;
		struct expansion x;
		char *lines;

		if (e == NULL || e->value[0] == '\0') {
			if (f->required)
				msg(g, MSG_ERROR, d->index, 1, 1, "the %s template needs `%s:` in the "
				    "front matter (%s)", t->name, f->key, f->label);
			continue;
		}
		if (front) {
			if (table == NULL) {
				table = node_new(N_TABLE, d->index, e->line, 1);
				table->rowheads = 1;
				node_append(d->root, table);
			}
			row = node_new(N_ROW, d->index, e->line, 1);
			node_append(table, row);
			node_append(row, text_node(N_CELL, d->index, e->line, 1, f->label));
			lines = one_a_line(e->value, strcmp(f->key, "title") != 0);
			node_append(row, text_node(N_CELL, d->index, e->line, e->col, lines));
			free(lines);
			if (strcmp(f->key, "title") == 0)	/* the cover block's title ... */
				row->last->hlevel = 1;		/* ... is the document's H1 */
			continue;
		}
		/* Set as a level-2 heading, and a section under the title: H2. */
		row = text_node(N_HEADING, d->index, e->line, 1, f->label);
		row->level = 2;
		row->hlevel = 2;
		node_append(d->root, row);
		bind_text(g, d->index, e->value, strlen(e->value), e->line, e->col - 1, &d->data,
		    &x);
		markdown_parse(g, d->index, &x, &d->data, d->root);
		take_figures(d, &x);
		bind_free(&x);
	}
}

/* Applies the column types the template declares to the tables this document has. */
static void
apply_types(struct gen *g, struct doc *d)
{
	for (size_t i = 0; d->tpl != NULL && i < d->tpl->ncoltypes; i++) {
		const struct coltype *ct = &d->tpl->coltypes[i];

		for (size_t k = 0; k < d->data.n; k++) {
			struct table *t = d->data.v[k];
			int c;

			if (strcmp(t->name, ct->table) != 0 || t->ncols == 0)
				continue;	/* a file not read has said why */
			if ((c = csv_column(t, ct->column)) < 0) {
				const char *near = nearest_word(ct->column,
				    (const char *const *)t->cols, t->ncols);

				msg(g, MSG_ERROR, d->tpl->path, ct->line, ct->col, "%s has no column "
				    "`%s`%s%s%s", t->path, ct->column, near ? " (did you mean `" : "",
				    near ? near : "", near ? "`?)" : "");
			} else
				csv_set_type(g, t, (size_t)c, ct->type);
		}
	}
}

/* Adds the table file `path` to the document's data as `name`: an error said and a failed
 * table kept when it cannot be read. */
static void
add_table(struct gen *g, struct doc *d, const char *path)
{
	char *text;
	size_t len;
	struct table *t;

	if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == -1) {
		msg(g, MSG_ERROR, path, 0, 0, errno == EFBIG ? "the file is larger than "
		    "64 MB" : "cannot read: %s", read_error(errno));
		t = NULL;
	} else {
		t = csv_read(g, path, text, len);
		free(text);
	}
	/* A file that could not be read stays known, so that what uses it adds no error of
	 * its own. */
	if (t == NULL)
		t = csv_failed(path);
	d->data.v = xrealloc(d->data.v, (d->data.n + 1) * sizeof(*d->data.v));
	d->data.v[d->data.n++] = t;
}

/* Says that the shared table `table` of document `doc` is not at `path`, with the nearest
 * table that document has. */
static void
shared_missing(struct gen *g, const struct doc *d, const struct fm_entry *e, const char *path,
    const char *doc, const char *table)
{
	char *dir = xstrndup(path, (size_t)(strrchr(path, '/') - path)), **names;
	const char *near;
	size_t n;

	names = dir_names(dir, ".csv", 0, cmp_strings, &n);
	for (size_t i = 0; i < n; i++)
		names[i][strlen(names[i]) - 4] = '\0';
	near = nearest_word(table, (const char *const *)names, n);
	msg(g, MSG_ERROR, d->index, e->line, e->col, "shared-data: there is no %s/data/%s.csv "
	    "beside this document%s%s/%s%s", doc, table, near ? " (did you mean `" : "",
	    near ? doc : "", near ? near : "", near ? "`?)" : "");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
}

/* The tables other documents share with this one: `shared-data: strategy-2022/priorities`
 * (several parted by `;`) reads content/strategy-2022/data/priorities.csv as this document's
 * table `priorities`, so that what two documents say of one thing is written once. */
static void
load_shared(struct gen *g, struct doc *d)
{
	const struct fm_entry *e = frontmatter_get(&d->fm, "shared-data");
	char *list = e ? xstrdup(e->value) : NULL, *save = NULL;

	for (char *it = list ? strtok_r(list, ";", &save) : NULL; it != NULL;
	    it = strtok_r(NULL, ";", &save)) {
		char *slash, *path;
		size_t n;

		it += strspn(it, " ");
		for (n = strlen(it); n > 0 && it[n - 1] == ' '; n--)
			it[n - 1] = '\0';
		slash = strchr(it, '/');
		if (slash == NULL || slash == it || slash[1] == '\0' || strchr(slash + 1, '/') ||
		    it[strspn(it, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
		    "-_./")] != '\0' || strstr(it, "..") != NULL) {
			msg(g, MSG_ERROR, d->index, e->line, e->col, "shared-data: `%s` is not "
			    "DOCUMENT/TABLE (e.g. strategy-2022/priorities, a table in the data folder "
			    "of another document in content/)", it);
			continue;
		}
		if (datasets_find(&d->data, slash + 1) != NULL || datasets_broken(&d->data,
		    slash + 1)) {
			msg(g, MSG_ERROR, d->index, e->line, e->col, "shared-data: this document has "
			    "a table `%s` of its own; share one or the other", slash + 1);
			continue;
		}
		slash[0] = '\0';
		n = (size_t)(strrchr(d->dir, '/') ? strrchr(d->dir, '/') - d->dir : 0);
		path = n ? xasprintf("%.*s/%s/data/%s.csv", (int)n, d->dir, it, slash + 1) :
		    xasprintf("../%s/data/%s.csv", it, slash + 1);
		if (access(path, F_OK) != 0)
			shared_missing(g, d, e, path, it, slash + 1);
		else
			add_table(g, d, path);
		free(path);
	}
	free(list);
}

/* Reads every data/NAME.csv of the document, in name order. */
static void
load_data(struct gen *g, struct doc *d)
{
	char *dir = xasprintf("%s/data", d->dir), **names = NULL;
	size_t n = 0;

	if (!in_project(g, dir)) {	/* its names are not even listed */
		msg(g, MSG_ERROR, dir, 0, 0, "cannot read the folder: %s", read_error(EXDEV));
		d->data.unread = 1;	/* what names a table in it says nothing more */
	} else
		names = dir_names(dir, ".csv", 0, cmp_strings, &n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);

		add_table(g, d, path);
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
	load_shared(g, d);
	apply_types(g, d);
}

/* Reads each declaration data/NAME.source of the document, in name order: the table NAME,
 * made from published files among its data (official.c). */
static void
load_declarations(struct gen *g, struct doc *d)
{
	char *dir = xasprintf("%s/data", d->dir), **names = NULL;
	size_t n = 0;

	if (!d->data.unread)
		names = dir_names(dir, ".source", 0, cmp_strings, &n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]), *text;
		size_t len;

		if (read_file(g, path, MAX_FILE_BYTES, &text, &len) == -1)
			msg(g, MSG_ERROR, path, 0, 0, errno == EFBIG ? "the file is larger than "
			    "64 MB" : "cannot read: %s", read_error(errno));
		else {
			official_read(g, &d->data, path, text, len);
			free(text);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	free(dir);
}

/* A progress report's year and indicators: `year:` in the front matter, and the data
 * checked once. */
static void
check_indicators(struct gen *g, struct doc *d)
{
	if (d->data.year == 0)
		msg(g, MSG_ERROR, d->index, 1, 1, "the %s template reports on a year: give it as "
		    "`year:` in the front matter (e.g. year: 2024)", d->tpl->name);
	indicators_check(g, &d->data);
}

/* Expands the tags in the front matter's titles (for one output per row). */
static void
bind_settings(struct gen *g, struct doc *d)
{
	static const char *const keys[] = { "title", "subtitle", "strapline", "author",
	    "subject", "keywords" };
	const char **fields[] = { &d->title, &d->subtitle, &d->strapline, &d->author,
	    &d->subject, &d->keywords };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct fm_entry *e = frontmatter_get(&d->fm, keys[i]);

		free(d->bound[i]);
		d->bound[i] = NULL;
		if (e == NULL || strstr(e->value, "{{") == NULL)
			continue;
		if ((d->bound[i] = bind_plain(g, d->index, e->value, e->line, e->col - 1,
		    &d->data)) != NULL)
			*fields[i] = d->bound[i];
	}
}

/* Builds the tree from the Markdown files (with the current row, if any) and checks it. */
static int
parse_body(struct gen *g, struct doc *d)
{
	int before = g->errors, appendices = 0;
	struct node *last;
	const char *slash;

	node_free(d->root);
	d->root = node_new(N_DOCUMENT, d->index, 1, 1);
	doc_figures_free(d);
	bind_settings(g, d);
	front_blocks(g, d);
	for (size_t i = 0; i < d->nfiles; i++) {
		size_t off = i == 0 ? d->fm.body : 0;
		struct expansion x;

		bind_text(g, d->files[i], d->texts[i] + off, d->lens[i] - off,
		    i == 0 ? d->fm.body_line : 1, 0, &d->data, &x);
		last = d->root->last;
		markdown_parse(g, d->files[i], &x, &d->data, d->root);
		take_figures(d, &x);
		bind_free(&x);
		slash = strrchr(d->files[i], '/');
		if (is_appendix(slash ? slash + 1 : d->files[i]))
			label_appendices(d->tpl, last ? last->next : d->root->first,
			    &appendices);
	}
	validate(g, d);
	return g->errors > before ? -1 : 0;
}

/* Checks the per-row table and column the template names, and that every row makes a
 * distinct, non-empty file name. */
static void
check_per_row(struct gen *g, struct doc *d)
{
	const struct template *t = d->tpl;
	const struct table *tab = NULL;
	char **slugs;
	int c;

	if (datasets_broken(&d->data, t->per_row))
		return;		/* its errors are said */
	for (size_t i = 0; i < d->data.n; i++)
		if (strcmp(d->data.v[i]->name, t->per_row) == 0)
			tab = d->data.v[i];
	if (tab == NULL) {
		msg(g, MSG_ERROR, t->path, t->per_row_line, t->per_row_col, "<per-row> names "
		    "`%s`, but %s/data has no %s.csv", t->per_row, d->dir, t->per_row);
		return;
	}
	if ((c = csv_column(tab, t->per_row_name)) < 0) {
		msg(g, MSG_ERROR, t->path, t->per_row_line, t->per_row_col, "<per-row> names the "
		    "column `%s`, but %s has none", t->per_row_name, tab->path);
		return;
	}
	d->data.row_table = tab;
	csv_need_unique(g, tab, &c, 1);		/* each area once */
	slugs = xcalloc(tab->nrows + 1, sizeof(*slugs));
	for (size_t r = 0; r < tab->nrows; r++) {
		const struct cell *cell = &tab->cells[r * tab->ncols + (size_t)c];

		slugs[r] = file_slug(cell->text);
		if (slugs[r][0] == '\0')
			msg(g, MSG_ERROR, tab->path, cell->line, cell->col, "`%s` makes no file name "
			    "(it needs a letter or a digit)", cell->text);
		for (size_t k = 0; k < r && slugs[r][0]; k++)
			if (strcmp(slugs[k], slugs[r]) == 0 && strcmp(tab->cells[k * tab->ncols +
			    (size_t)c].text, cell->text) != 0) {	/* the same name is said above */
				msg(g, MSG_ERROR, tab->path, cell->line, cell->col, "this row and "
				    "row %d would both be written to %s/%s.pdf", tab->cells[k *
				    tab->ncols].line, d->name, slugs[r]);
				break;
			}
	}
	for (size_t r = 0; r < tab->nrows; r++)
		free(slugs[r]);
	free(slugs);
}

int
doc_row(struct gen *g, struct doc *d, size_t r)
{
	const struct table *t = d->data.row_table;
	char *slug = file_slug(t->cells[r * t->ncols + (size_t)csv_column(t,
	    d->tpl->per_row_name)].text);

	g->errors = 0;
	g->docroot = d->ownroot;
	d->data.row = r;
	free(d->outname);
	d->outname = xasprintf("%s/%s", d->name, slug);
	free(slug);
	return parse_body(g, d);
}

/* A document named by its path outside the project (`gen build ~/drafts/note`) may read its
 * own folder as well as the project; one in content/ reads only the project, so a link there
 * cannot lead out of it. Returns that folder, resolved, or NULL. The caller frees. */
static char *
own_root(const struct gen *g, const char *dir)
{
	char *parent = g_path_get_dirname(dir), *content = xasprintf("%s/content", g->realroot);
	char real[PATH_MAX], *own = NULL;

	if ((realpath(parent, real) == NULL || strcmp(real, content) != 0) &&
	    realpath(dir, real) != NULL)
		own = xstrdup(real);
	g_free(parent);
	free(content);
	return own;
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
	d->outname = xstrdup(d->name);
	d->index = xasprintf("%s/index.md", d->dir);
	d->ownroot = own_root(g, d->dir);
	g->docroot = d->ownroot;
	g->errors = 0;
	d->found0 = d->found1 = g->nfound;

	if (add_file(g, d, xstrdup(d->index)) == -1 || add_chapters(g, d) == -1)
		goto fail;
	if (frontmatter_parse(g, d->index, d->texts[0], d->lens[0], &d->fm) == -1)
		goto fail;
	/* Read on after a bad setting, so one run reports the errors of every file. */
	read_settings(g, d);
	load_data(g, d);
	if (d->tpl != NULL) {
		d->data.ind_data = d->tpl->ind_data;
		d->data.ind_list = d->tpl->ind_list;
		d->data.cmp = d->tpl->cmp;
		d->data.ncmp = d->tpl->ncmp;
		d->data.latest_published = d->tpl->latest_published;
		d->data.words = d->tpl->word;
	}
	load_declarations(g, d);
	if (d->tpl != NULL && d->tpl->ind_data != NULL)
		check_indicators(g, d);
	if (d->tpl != NULL && d->tpl->per_row != NULL) {
		check_per_row(g, d);
		/* Each row is parsed by doc_row(); the first is parsed here too, where the
		 * components check their figures in every row, so that an error in the data
		 * is reported once, not once a row. */
		if (d->data.row_table != NULL && d->data.row_table->nrows > 0) {
			int errors = g->errors;

			doc_row(g, d, 0);
			g->errors += errors;
		}
	} else
		parse_body(g, d);
	d->found1 = g->nfound;
	if (g->errors == 0)
		return d;
fail:
	if ((g->report || g->keep_failed) && d->nfiles > 0) {	/* kept, to say what is wrong */
		d->found1 = g->nfound;
		d->failed = 1;
		return d;
	}
	doc_free(d);
	return NULL;
}

void
doc_figures_free(struct doc *d)
{
	for (size_t i = 0; i < d->nfigs; i++)
		free(d->figs[i].value);
	free(d->figs);
	d->figs = NULL;
	d->nfigs = 0;
}

void
doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	doc_figures_free(d);
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i]);
		free(d->texts[i]);
	}
	free(d->files);
	free(d->texts);
	free(d->lens);
	for (size_t i = 0; i < d->data.n; i++)
		csv_free(d->data.v[i]);
	free(d->data.v);
	frontmatter_free(&d->fm);
	template_free(d->tpl);
	node_free(d->root);
	for (size_t i = 0; i < sizeof(d->bound) / sizeof(d->bound[0]); i++)
		free(d->bound[i]);
	free(d->outname);
	free(d->imprint);
	free(d->name);
	free(d->dir);
	free(d->index);
	free(d->ownroot);
	free(d);
}
