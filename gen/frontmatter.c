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

int
frontmatter_parse(struct gen *g, const char *file, const char *text, size_t len,
    struct frontmatter *fm)
{
	const char *s = text, *end = text + len;
	size_t n;
	int line = 1, bad = 0;

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
			return -1;
		}
		s++;
		line++;
		n = line_len(s, end);
		if (is_fence(s, n))
			break;
		if (n == 0 || s[0] == '#')
			continue;
		if (fm_line(g, fm, s, n, line) == -1)
			bad = 1;
	}
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
