/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/factcheck.c: checks a document's facts list (tests/facts/DOC.facts) against what the
 * reader gets: the PDF's text (pdftotext) and the HTML twin's text (every page of it, read
 * with libxml2's HTML parser). A fact is words from a source document, with the source's line;
 * each must be in both, exactly, except that quotes, apostrophes, dashes and spacing may take
 * either typographic form, and a number's thousands may be grouped or not. A line
 * `-<TAB>WORDS` says words that must be in neither.
 *
 * Usage: factcheck FACTS OUTDIR DOC. Prints a line per fact missing (or present where it must
 * not be) with the facts list's line and the source's, then a count; exits 0 when every fact
 * holds, 1 when one does not, 2 when the list or an output cannot be read. The list:
 *
 *	# a comment
 *	source lea-inspection-report-2004.txt	(the source the following facts come from)
 *	output constituencies/bootle-constituency	(the output they are on; default DOC)
 *	654	5.7 | The effectiveness of the LEA in promoting racial equality | 6
 *	-	not published
 *
 * `|` parts the cells of a table row: any spacing may come between them. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>

struct text {
	char	*out;		/* the output's name: "inspection-2004" */
	char	*pdf;		/* its PDF's words, normalised */
	char	*html;		/* its HTML twin's words, normalised */
	struct text *next;
};

struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->s = realloc(b->s, b->cap)) == NULL) {
			fprintf(stderr, "factcheck: out of memory\n");
			exit(2);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Drops in place what may differ in how a fact is set but not in what it says: the spaces
 * around a dash or a slash ("2022 - 2027", "2022–2027"; a line may end after a slash), and
 * the commas that group a number's
 * thousands ("3,757", "3757"). Returns s. */
static char *
tidy(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == ' ' && (r[1] == '-' || r[1] == '/' || (w > s && (w[-1] == '-' ||
		    w[-1] == '/'))))
			continue;
		if (*r == ',' && w > s && isdigit((unsigned char)w[-1]) &&
		    isdigit((unsigned char)r[1]) && isdigit((unsigned char)r[2]) &&
		    isdigit((unsigned char)r[3]) && !isdigit((unsigned char)r[4]))
			continue;
		*w++ = *r;
	}
	*w = '\0';
	return s;
}

/* The words of `in` in one form: curly quotes and apostrophes straight, dashes and the
 * minus sign a hyphen, every run of spaces (no-break and thin ones too), bullets and `|` one
 * space, soft hyphens, zero-width spaces and word joiners gone, an ellipsis three dots;
 * then tidy(). The caller frees. */
static char *
normalise(const char *in, int bars)
{
	static const struct { const char *from, *to; } map[] = {
		{ "\xe2\x80\x98", "'" }, { "\xe2\x80\x99", "'" }, { "\xca\xbc", "'" },
		{ "\xe2\x80\x9c", "\"" }, { "\xe2\x80\x9d", "\"" },
		{ "\xe2\x80\x90", "-" }, { "\xe2\x80\x91", "-" }, { "\xe2\x80\x93", "-" },
		{ "\xe2\x80\x94", "-" }, { "\xe2\x88\x92", "-" },
		{ "\xe2\x80\xa2", " " },	/* a list's bullet: a mark, not a word */
		{ "\xc2\xa0", " " }, { "\xe2\x80\xaf", " " }, { "\xe2\x80\x89", " " },
		{ "\xe2\x80\x8a", " " }, { "\xe2\x80\x82", " " }, { "\xe2\x80\x83", " " },
		{ "\xc2\xad", "" }, { "\xe2\x80\x8b", "" }, { "\xe2\x81\xa0", "" },
		{ "\xef\xbb\xbf", "" }, { "\xe2\x80\xa6", "..." },
	};
	struct sbuf b = { 0 };
	int space = 1;

	add(&b, "", 0);
	for (const char *p = in; *p; ) {
		const char *to = NULL;
		size_t n = 1;

		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			size_t l = strlen(map[i].from);

			if (strncmp(p, map[i].from, l) == 0) {
				to = map[i].to;
				n = l;
				break;
			}
		}
		if (to == NULL && (isspace((unsigned char)*p) || (bars && *p == '|')))
			to = " ";
		if (to != NULL && strcmp(to, " ") == 0) {
			if (!space)
				add(&b, " ", 1);
			space = 1;
		} else if (to != NULL) {
			add(&b, to, strlen(to));
			space = space && *to == '\0';
		} else {
			add(&b, p, 1);
			space = 0;
		}
		p += n;
	}
	while (b.len > 0 && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	return tidy(b.s);
}

/* The PDF's text, as pdftotext reads it; NULL when there is no such PDF. */
static char *
pdf_text(const char *path)
{
	struct sbuf b = { 0 };
	char *cmd, chunk[8192];
	FILE *fp;
	size_t n;

	if (access(path, R_OK) != 0 || strchr(path, '\'') != NULL ||
	    asprintf(&cmd, "pdftotext -q -raw -enc UTF-8 '%s' -", path) < 0)
		return NULL;
	fp = popen(cmd, "r");
	free(cmd);
	if (fp == NULL)
		return NULL;
	add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		add(&b, chunk, n);
	if (pclose(fp) != 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Elements whose text runs on into the next: no space at their edges. */
static int
inline_element(const char *name)
{
	static const char *const names[] = { "a", "abbr", "b", "cite", "code", "em", "i", "kbd",
	    "mark", "q", "s", "small", "span", "strong", "sub", "sup", "u", "del", "ins", "time",
	    "bdi", "bdo", "var" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static void
walk(xmlNode *n, struct sbuf *b)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL)
			add(b, (const char *)n->content, strlen((const char *)n->content));
		else if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			int in = inline_element(name);

			if (strcmp(name, "script") == 0 || strcmp(name, "style") == 0 ||
			    strcmp(name, "head") == 0)
				continue;
			if (!in)
				add(b, " ", 1);
			if (strcmp(name, "img") == 0) {	/* a picture's words are its alt text */
				xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");

				if (alt != NULL) {
					add(b, (const char *)alt, strlen((const char *)alt));
					xmlFree(alt);
				}
			}
			walk(n->children, b);
			if (!in)
				add(b, " ", 1);
		}
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of every HTML page of the twin in `dir`, page after page (not the team's own
 * pages, preflight.html and the accessibility statement); NULL when it has none. */
static char *
html_text(const char *dir)
{
	struct sbuf b = { 0 };
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	if (dp == NULL)
		return NULL;
	while ((e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 5 && strcmp(e->d_name + l - 5, ".html") == 0 &&
		    strcmp(e->d_name, "preflight.html") != 0 &&
		    strcmp(e->d_name, "accessibility.html") != 0) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		char *path;
		htmlDocPtr doc;

		if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
			exit(2);
		doc = htmlReadFile(path, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR |
		    HTML_PARSE_NOWARNING);
		free(path);
		if (doc != NULL) {
			walk(xmlDocGetRootElement(doc), &b);
			add(&b, " ", 1);
			xmlFreeDoc(doc);
		}
		free(names[i]);
	}
	free(names);
	if (n == 0) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The texts of output `out` (read once). Exits 2 when it was not built. */
static struct text *
texts(struct text **all, const char *outdir, const char *out)
{
	struct text *t;
	char *path, *raw;

	for (t = *all; t != NULL; t = t->next)
		if (strcmp(t->out, out) == 0)
			return t;
	t = calloc(1, sizeof(*t));
	t->out = strdup(out);
	if (asprintf(&path, "%s/%s.pdf", outdir, out) < 0)
		exit(2);
	if ((raw = pdf_text(path)) == NULL) {
		fprintf(stderr, "factcheck: cannot read the text of %s\n", path);
		exit(2);
	}
	t->pdf = normalise(raw, 0);
	free(raw);
	path[strlen(path) - 4] = '\0';
	if ((raw = html_text(path)) == NULL) {
		fprintf(stderr, "factcheck: %s holds no HTML pages\n", path);
		exit(2);
	}
	t->html = normalise(raw, 0);
	free(raw);
	free(path);
	t->next = *all;
	*all = t;
	return t;
}

/* Says where a fact missing from `hay` goes astray: the longest run of its first words
 * there, and what follows it on the page. */
static void
near_miss(const char *hay, const char *fact, const char *what)
{
	const char *best = NULL;
	size_t bestlen = 0, words = 0;

	for (const char *p = fact; ; p++) {
		if (*p == ' ' || *p == '\0') {
			size_t len = (size_t)(p - fact);
			char *pre = strndup(fact, len);
			const char *at = strstr(hay, pre);

			free(pre);
			words++;
			if (at == NULL)
				break;
			best = at;
			bestlen = len;
			if (*p == '\0')
				break;
		}
	}
	if (best != NULL && (words > 2 || bestlen >= 12)) {
		const char *after = best + bestlen;
		int k = 0;

		while (after[k] && k < 48)
			k++;
		while (k > 0 && (after[k] & 0xc0) == 0x80)
			k--;
		printf("\tthe %s has \"%.*s\" then \"%.*s\"\n", what, (int)bestlen, best, k, after);
	}
}

int
main(int argc, char **argv)
{
	struct text *all = NULL;
	char line[8192], *source = strdup("the source"), *out;
	FILE *fp;
	int lineno = 0, facts = 0, bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: factcheck FACTS OUTDIR DOC\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "factcheck: cannot read %s\n", argv[1]);
		return 2;
	}
	out = strdup(argv[3]);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *tab, *fact, *end;
		long seedline = 0;
		int absent;
		struct text *t;
		const char *in_pdf, *in_html;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (strncmp(line, "source ", 7) == 0) {
			free(source);
			source = strdup(line + 7);
			continue;
		}
		if (strncmp(line, "output ", 7) == 0) {
			free(out);
			out = strdup(line + 7);
			continue;
		}
		if ((tab = strchr(line, '\t')) == NULL) {
			printf("%s:%d: not a fact: write the source's line, a tab, and the words\n",
			    argv[1], lineno);
			return 2;
		}
		*tab = '\0';
		absent = strcmp(line, "-") == 0;
		if (!absent && ((seedline = strtol(line, &end, 10)) <= 0 || *end != '\0')) {
			printf("%s:%d: `%s` is not a line of the source\n", argv[1], lineno, line);
			return 2;
		}
		fact = normalise(tab + 1, 1);
		t = texts(&all, argv[2], out);
		facts++;
		in_pdf = strstr(t->pdf, fact);
		in_html = strstr(t->html, fact);
		if (absent && (in_pdf || in_html)) {
			printf("%s:%d: \"%s\" is in %s%s%s, which the sources never say\n", argv[1],
			    lineno, tab + 1, in_pdf ? "the PDF" : "", in_pdf && in_html ? " and " :
			    "", in_html ? "the HTML" : "");
			bad++;
		} else if (!absent && (!in_pdf || !in_html)) {
			printf("%s:%d: %s:%ld: \"%s\" is not in %s%s%s of %s\n", argv[1], lineno,
			    source, seedline, tab + 1, !in_pdf ? "the PDF" : "", !in_pdf &&
			    !in_html ? " or " : "", !in_html ? "the HTML" : "", out);
			if (!in_pdf)
				near_miss(t->pdf, fact, "PDF");
			if (!in_html)
				near_miss(t->html, fact, "HTML");
			bad++;
		}
		free(fact);
	}
	fclose(fp);
	free(source);
	free(out);
	printf("%d facts, %d not as the sources say\n", facts, bad);
	while (all != NULL) {
		struct text *next = all->next;

		free(all->out);
		free(all->pdf);
		free(all->html);
		free(all);
		all = next;
	}
	return bad > 0;
}
