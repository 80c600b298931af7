/* SPDX-License-Identifier: GPL-3.0-or-later */
/* specsplit: cuts a CommonMark spec.txt into one gen document per example.
 * Run by tests/spec.sh as `specsplit spec.txt OUTDIR`; writes OUTDIR/exNNNN/index.md,
 * OUTDIR/exNNNN/words (the words the example's PDF must show) and OUTDIR/count. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FENCE "````````````````````````````````"	/* 32 backticks */
#define FENCE_LEN 32
#define MAX_EXAMPLES 9999	/* NNNN has four digits */
#define POISON '\001'		/* stands in the text for an entity we do not decode */

struct buf {
	char *p;		/* bytes, not NUL-terminated */
	size_t len;		/* bytes in use */
	size_t cap;		/* bytes allocated */
};

struct split {
	const char *path;	/* the spec file, for messages */
	const char *outdir;	/* where the exNNNN folders go */
	int count;		/* examples written so far */
	struct buf md;		/* the current example's Markdown, tabs restored */
	struct buf html;	/* the current example's expected HTML, tabs restored */
	struct buf words;	/* scratch: its words, one a line */
};

enum state { OUTSIDE, MARKDOWN, HTML };

/* Prints "specsplit: MESSAGE" and exits 1. */
static _Noreturn void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("specsplit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Appends n bytes to b; exits when memory runs out. */
static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = 2 * (b->len + n) + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			die("out of memory");
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Appends one line and a newline to b, turning each "→" (U+2192) into a tab. */
static void
buf_add_line(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (n - i >= 3 && memcmp(s + i, "\xe2\x86\x92", 3) == 0) {
			buf_add(b, "\t", 1);
			i += 2;
		} else
			buf_add(b, s + i, 1);
	}
	buf_add(b, "\n", 1);
}

/* Writes head then body to OUTDIR/name; exits on any error. */
static void
put_file(const struct split *sp, const char *name, const char *head, const struct buf *body)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sp->outdir, name) >= sizeof(path))
		die("%s/%s: path too long", sp->outdir, name);
	if ((f = fopen(path, "w")) == NULL)
		die("%s: %s", path, strerror(errno));
	fputs(head, f);
	if (body->len > 0)
		fwrite(body->p, 1, body->len, f);
	if (ferror(f) | fclose(f))
		die("%s: write error", path);
}

/* Creates the folder at path unless it exists; exits on any other error. */
static void
make_dir(const char *path)
{
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
}

/* Is the line "FENCE example", maybe followed by extension names? */
static int
is_example_start(const char *s, size_t n)
{
	static const char start[] = FENCE " example";
	size_t sn = sizeof(start) - 1;

	return n >= sn && memcmp(s, start, sn) == 0 && (n == sn || s[sn] == ' ');
}

static int
is_fence(const char *s, size_t n)
{
	return n == FENCE_LEN && memcmp(s, FENCE, FENCE_LEN) == 0;
}

/* Does the Markdown hold raw HTML: '<' then a letter, '/', '!' or '?'? */
static int
has_raw_html(const struct buf *md)
{
	for (size_t i = 0; i + 1 < md->len; i++) {
		char c = md->p[i + 1];

		if (md->p[i] == '<' && (c == '/' || c == '!' || c == '?' ||
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 1;
	}
	return 0;
}

static int
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Decodes the entity at s ('&' first) into *out; returns the bytes it takes. */
static size_t
decode_entity(const char *s, size_t n, char *out)
{
	static const char *names[] = { "amp", "lt", "gt", "quot" };
	size_t len = 1;
	const char *semi;
	unsigned long cp;
	char *stop;

	while (len < n && (is_word_char(s[len]) || s[len] == '#'))
		len++;
	if (len == n || s[len] != ';') {
		*out = ' ';		/* a lone '&' separates words */
		return 1;
	}
	semi = s + len++;
	*out = POISON;
	for (int i = 0; i < 4; i++)
		if (len == strlen(names[i]) + 2 && memcmp(s + 1, names[i], len - 2) == 0)
			*out = "&<>\""[i];
	if (len > 3 && s[1] == '#') {
		errno = 0;
		cp = s[2] == 'x' || s[2] == 'X' ? strtoul(s + 3, &stop, 16) : strtoul(s + 2, &stop, 10);
		if (errno == 0 && stop == semi)
			*out = cp > 0 && cp < 128 ? (char)cp : ' ';
	}
	return len;
}

/* Appends to sp->words the words of sp->html: tags dropped, entities decoded, 2+ long. */
static void
find_words(struct split *sp)
{
	const struct buf *h = &sp->html;
	size_t start = sp->words.len;
	int poisoned = 0;

	for (size_t i = 0; i <= h->len; i++) {
		char c = ' ';

		if (i < h->len && h->p[i] == '<')
			while (i < h->len && h->p[i] != '>')
				i++;
		else if (i < h->len && h->p[i] == '&')
			i += decode_entity(h->p + i, h->len - i, &c) - 1;
		else if (i < h->len)
			c = h->p[i];
		if (c == POISON)
			poisoned = 1;
		else if (is_word_char(c))
			buf_add(&sp->words, &c, 1);
		else {
			if (sp->words.len - start >= 2 && !poisoned)
				buf_add(&sp->words, "\n", 1);
			else
				sp->words.len = start;
			start = sp->words.len;
			poisoned = 0;
		}
	}
}

/* Writes the folder exNNNN for the example now in sp->md and sp->html. */
static void
emit_example(struct split *sp)
{
	char dir[4096], name[64], head[128];

	if (++sp->count > MAX_EXAMPLES)
		die("%s: more than %d examples", sp->path, MAX_EXAMPLES);
	if ((size_t)snprintf(dir, sizeof(dir), "%s/ex%04d", sp->outdir, sp->count) >= sizeof(dir))
		die("%s: path too long", sp->outdir);
	make_dir(dir);
	snprintf(name, sizeof(name), "ex%04d/index.md", sp->count);
	snprintf(head, sizeof(head),
	    "---\ntitle: Example %04d\ntemplate: plain\ndate: 2024-01-01\n---\n", sp->count);
	put_file(sp, name, head, &sp->md);

	sp->words.len = 0;
	if (!has_raw_html(&sp->md))
		find_words(sp);
	snprintf(name, sizeof(name), "ex%04d/words", sp->count);
	put_file(sp, name, "", &sp->words);
}

/* Walks the spec line by line, writing each example as it closes. */
static void
split(struct split *sp, const char *data, size_t len)
{
	enum state st = OUTSIDE;
	int lineno = 0, start = 0;
	size_t n;

	for (size_t pos = 0; pos < len; pos += n + 1) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);

		n = nl ? (size_t)(nl - line) : len - pos;
		lineno++;
		if (st == OUTSIDE) {
			if (is_fence(line, n))
				die("%s:%d: closing fence outside an example", sp->path, lineno);
			if (is_example_start(line, n)) {
				st = MARKDOWN;
				start = lineno;
				sp->md.len = sp->html.len = 0;
			}
		} else if (is_example_start(line, n))
			die("%s:%d: the example of line %d is not closed", sp->path, lineno, start);
		else if (st == MARKDOWN && is_fence(line, n))
			die("%s:%d: the example has no '.' line", sp->path, start);
		else if (st == MARKDOWN && n == 1 && line[0] == '.')
			st = HTML;
		else if (st == MARKDOWN)
			buf_add_line(&sp->md, line, n);
		else if (is_fence(line, n)) {
			emit_example(sp);
			st = OUTSIDE;
		} else
			buf_add_line(&sp->html, line, n);
	}
	if (st != OUTSIDE)
		die("%s:%d: the example is not closed at the end of the file", sp->path, start);
}

int
main(int argc, char *argv[])
{
	static struct split sp;
	struct buf data = { NULL, 0, 0 }, none = { NULL, 0, 0 };
	char chunk[65536], count[32];
	size_t n;
	FILE *f;

	if (argc != 3) {
		fputs("usage: specsplit spec.txt OUTDIR\n", stderr);
		return 1;
	}
	sp.path = argv[1];
	sp.outdir = argv[2];
	if ((f = fopen(sp.path, "rb")) == NULL)
		die("%s: %s", sp.path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	if (ferror(f) | fclose(f))
		die("%s: read error", sp.path);
	make_dir(sp.outdir);
	split(&sp, data.p, data.len);
	if (sp.count == 0)
		die("%s: no examples", sp.path);
	snprintf(count, sizeof(count), "%d\n", sp.count);
	put_file(&sp, "count", count, &none);
	free(data.p);
	return 0;
}
