/* SPDX-License-Identifier: GPL-3.0-or-later */
/* frontmatter.c: the "---" block of `key: value` lines at the top of a Markdown file.
 * Called by document.c; hands on the entries with their positions and where the body starts. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Returns the length of the line at s (without its "\n" or "\r\n"). */
static size_t
line_len(const char *s, const char *end)
{
	const char *p = memchr(s, '\n', (size_t)(end - s));
	size_t n = p ? (size_t)(p - s) : (size_t)(end - s);

	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}

static int
is_fence(const char *s, size_t n)
{
	while (n > 3 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(s, "---", 3) == 0;
}

static void
fm_add(struct frontmatter *fm, char *key, char *value, int line, int col)
{
	hidden_strip(value);	/* said where it stands when the file was read */
	fm->v = xrealloc(fm->v, (fm->n + 1) * sizeof(*fm->v));
	fm->v[fm->n].key = key;
	fm->v[fm->n].value = value;
	fm->v[fm->n].line = line;
	fm->v[fm->n].col = col;
	fm->n++;
}

/* Parses one "key: value" line; reports a malformed one. Returns 0 or -1. */
static int
fm_line(struct gen *g, struct frontmatter *fm, const char *s, size_t n, int line)
{
	size_t k = 0, v, e;

	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_'))
		k++;
	if (k == 0 || k >= n || s[k] != ':') {
		msg(g, MSG_ERROR, fm->file, line, (int)k + 1,
		    "expected `key: value` in the front matter");
		return -1;
	}
	for (size_t i = 0; i < fm->n; i++)
		if (strlen(fm->v[i].key) == k && memcmp(fm->v[i].key, s, k) == 0) {
			msg(g, MSG_ERROR, fm->file, line, 1,
			    "`%s` is given twice (first on line %d)", fm->v[i].key, fm->v[i].line);
			return -1;
		}
	v = k + 1;
	while (v < n && (s[v] == ' ' || s[v] == '\t'))
		v++;
	e = n;
	while (e > v && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e - v >= 2 && (s[v] == '"' || s[v] == '\'') && s[e - 1] == s[v]) {
		v++;
		e--;
	}
	fm_add(fm, xstrndup(s, k), xstrndup(s + v, e - v), line, (int)v + 1);
	return 0;
}

/* Adds one line of a `key: |` block to acc, less the block's indentation. */
static void
block_line(struct frontmatter *fm, long block, struct buf *acc, int *indent, const char *s,
    size_t n, int line)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n) {		/* a blank line inside the block */
		buf_addc(acc, '\n');
		return;
	}
	if (*indent < 0) {
		*indent = (int)i;
		fm->v[block].line = line;
		fm->v[block].col = (int)i + 1;
	}
	i = i < (size_t)*indent ? i : (size_t)*indent;
	buf_add(acc, s + i, n - i);
	buf_addc(acc, '\n');
}

/* Makes the lines read the block's value: `|` keeps line breaks, `>` joins lines with
 * spaces and keeps blank lines as paragraph breaks. */
static void
block_end(struct frontmatter *fm, long block, struct buf *acc, int folded)
{
	char *v = acc->s ? acc->s : xstrdup("");
	size_t n = strlen(v);

	while (n > 0 && v[n - 1] == '\n')
		v[--n] = '\0';
	for (size_t i = 0; folded && i < n; i++)
		if (v[i] == '\n' && v[i + 1] != '\n' && (i == 0 || v[i - 1] != '\n'))
			v[i] = ' ';
	hidden_strip(v);
	free(fm->v[block].value);
	fm->v[block].value = v;
	acc->s = NULL;
	acc->len = acc->cap = 0;
}

int
frontmatter_parse(struct gen *g, const char *file, const char *text, size_t len,
    struct frontmatter *fm)
{
	const char *s = text, *end = text + len;
	size_t n;
	int line = 1, bad = 0, indent = -1, folded = 0;
	long block = -1;	/* the entry whose `|` or `>` block is being read */
	struct buf acc = { 0 };

	memset(fm, 0, sizeof(*fm));
	fm->file = file;
	fm->body_line = 1;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	n = line_len(s, end);
	if (!is_fence(s, n))
		return 0;
	for (;;) {
		s += n;
		if (s < end && *s == '\r')
			s++;
		if (s >= end) {
			msg(g, MSG_ERROR, file, 1, 1,
			    "front matter has no closing `---` line");
			buf_free(&acc);
			return -1;
		}
		s++;
		line++;
		n = line_len(s, end);
		if (is_fence(s, n))
			break;
		if (block >= 0 && (n == 0 || s[0] == ' ' || s[0] == '\t')) {
			block_line(fm, block, &acc, &indent, s, n, line);
			continue;
		}
		if (block >= 0)
			block_end(fm, block, &acc, folded);
		block = -1;
		if (n == 0 || s[0] == '#')
			continue;
		if (s[0] == ' ' || s[0] == '\t') {
			msg(g, MSG_ERROR, file, line, 1, "an indented line belongs to a `key: |` "
			    "block; start the line at the margin or put `|` after the key above");
			bad = 1;
			continue;
		}
		if (fm_line(g, fm, s, n, line) == -1)
			bad = 1;
		else if (strcmp(fm->v[fm->n - 1].value, "|") == 0 ||
		    strcmp(fm->v[fm->n - 1].value, ">") == 0) {
			block = (long)fm->n - 1;
			folded = fm->v[block].value[0] == '>';
			indent = -1;
		}
	}
	if (block >= 0)
		block_end(fm, block, &acc, folded);
	s += n;
	if (s < end && *s == '\r')
		s++;
	if (s < end)
		s++;
	fm->body = (size_t)(s - text);
	fm->body_line = line + 1;
	return bad ? -1 : 0;
}

const struct fm_entry *
frontmatter_get(const struct frontmatter *fm, const char *key)
{
	for (size_t i = 0; i < fm->n; i++)
		if (strcmp(fm->v[i].key, key) == 0)
			return &fm->v[i];
	return NULL;
}

void
frontmatter_free(struct frontmatter *fm)
{
	for (size_t i = 0; i < fm->n; i++) {
		free(fm->v[i].key);
		free(fm->v[i].value);
	}
	free(fm->v);
	fm->v = NULL;
	fm->n = 0;
}
