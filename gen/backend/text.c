/* SPDX-License-Identifier: GPL-3.0-or-later */
/* text.c: the plain-text back-end, out/DOC.txt: the document's words and figures in reading
 * order from the same tree the PDF and the web pages are made from, for an editor to diff
 * between two drafts and for tests to check content without pango or cairo. Headings are
 * marked with #, tables set as aligned text, each picture as its alternative text. One of the
 * back-ends in backend.c's table; it names no component. Its file is one of the job's, put
 * in place with the PDF by out_end() or not at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define TABLE_GAP	2	/* spaces between a table's columns */

struct text {
	struct buf	 b;		/* the file */
	const struct doc *d;
	const char	*missing;	/* the template's word for a missing picture */
};

static void	blocks(struct text *, const struct node *, const char *indent);

/* Inline text: a footnote's reference in brackets ([2]), a hard break a new line under the
 * indent. */
static void
inlines(struct text *x, const struct inl *in, const char *indent)
{
	const char *s = inl_str(in);
	size_t len = strlen(s);

	for (size_t i = 0; i <= len; i++) {
		for (size_t k = 0; k < in->nspans; k++) {
			if (!(in->spans[k].style & ST_SUPER))
				continue;
			if (in->spans[k].end == i && in->spans[k].start < i)
				buf_addc(&x->b, ']');
			if (in->spans[k].start == i && in->spans[k].end > i)
				buf_addc(&x->b, '[');
		}
		if (i == len)
			break;
		buf_addc(&x->b, s[i]);
		if (s[i] == '\n')
			buf_adds(&x->b, indent);
	}
}

/* One paragraph of inline text after `lead` (a label, a heading's marks), then a blank line. */
static void
para(struct text *x, const char *indent, const char *lead, const char *label,
    const struct inl *in)
{
	buf_adds(&x->b, indent);
	buf_adds(&x->b, lead);
	if (label != NULL && label[0] != '\0') {
		buf_adds(&x->b, label);
		buf_addc(&x->b, ' ');
	}
	inlines(x, in, indent);
	buf_adds(&x->b, "\n\n");
}

/* A heading of structure level l (1 the title): as many # as its level, then its number
 * (`label`) and words. */
static void
heading(struct text *x, int l, const char *label, const struct inl *in, const char *indent)
{
	char marks[8];

	l = l < 1 ? 1 : l > 6 ? 6 : l;
	memset(marks, '#', (size_t)l);
	marks[l] = ' ';
	marks[l + 1] = '\0';
	para(x, indent, marks, label, in);
}

/* Blocks hung after `lead` (a list item's label, a note's number): their lines indented by
 * its width, `lead` over the first. */
static void
hang(struct text *x, const char *lead, const struct node *first, const char *indent)
{
	char *in = xasprintf("%s%*s", indent, (int)utf8_count(lead, strlen(lead)), "");
	size_t at = x->b.len;

	blocks(x, first, in);
	if (x->b.len >= at + strlen(in)) {	/* the first indent becomes `lead` */
		char *rest = xstrdup(x->b.s + at + strlen(in));

		x->b.len = at;
		buf_adds(&x->b, indent);
		buf_adds(&x->b, lead);
		buf_adds(&x->b, rest);
		free(rest);
	}
	free(in);
}

/* A list: each item after its label ("•" as "-", "3."), its blocks hung under it; a tight
 * list (and the lists inside it) with no blank line inside, one after it. */
static void
list(struct text *x, const struct node *n, const char *indent)
{
	size_t at = x->b.len, k = at;

	for (const struct node *it = n->first; it != NULL; it = it->next) {
		const char *label = it->label && strcmp(it->label, "\xe2\x80\xa2") != 0 ?
		    it->label : "-";
		char *lead = xasprintf("%s ", label);

		hang(x, lead, it->first, indent);
		free(lead);
	}
	if (!n->tight)
		return;
	for (size_t i = at; i < x->b.len; i++)	/* every blank line out ... */
		if (!(x->b.s[i] == '\n' && k > at && x->b.s[k - 1] == '\n'))
			x->b.s[k++] = x->b.s[i];
	x->b.len = k;
	x->b.s[k] = '\0';
	buf_addc(&x->b, '\n');	/* ... and one after the list */
}

/* A cell's words on one line: its hard breaks as spaces. */
static char *
cell_text(struct text *x, const struct node *c)
{
	struct text one = { { NULL, 0, 0 }, x->d, x->missing };

	inlines(&one, &c->text, "");
	for (char *p = one.b.s; p != NULL && *p; p++)
		if (*p == '\n')
			*p = ' ';
	return one.b.s ? one.b.s : xstrdup("");
}

/* Row r's cells' words, and the widths of the columns so far. */
static char **
row_cells(struct text *x, const struct node *r, size_t *ncols, size_t **w, size_t *nw)
{
	char **cells = NULL;
	size_t n = 0;

	for (const struct node *c = r->first; c != NULL; c = c->next, n++) {
		cells = xgrow(cells, n, sizeof(*cells));
		cells[n] = cell_text(x, c);
		if (n >= *nw) {
			*w = xrealloc(*w, (n + 1) * sizeof(**w));
			(*w)[(*nw)++] = 0;
		}
		if (!r->group && utf8_count(cells[n], strlen(cells[n])) > (*w)[n])
			(*w)[n] = utf8_count(cells[n], strlen(cells[n]));
	}
	*ncols = n;
	return cells;
}

/* One row: each cell padded to its column, figures set right; a group's row alone. */
static void
put_row(struct text *x, const struct node *r, char **cells, size_t n, const size_t *w,
    const char *indent)
{
	const struct node *c = r->first;
	size_t line = x->b.len;

	buf_adds(&x->b, indent);
	for (size_t i = 0; i < n; i++, c = c->next) {
		size_t pad = r->group ? 0 : w[i] - utf8_count(cells[i], strlen(cells[i]));

		for (size_t k = 0; c->align == 2 && k < pad; k++)
			buf_addc(&x->b, ' ');
		buf_adds(&x->b, cells[i]);
		for (size_t k = 0; c->align != 2 && i + 1 < n && k < pad; k++)
			buf_addc(&x->b, ' ');
		for (size_t k = 0; i + 1 < n && k < TABLE_GAP; k++)
			buf_addc(&x->b, ' ');
	}
	while (x->b.len > line && x->b.s[x->b.len - 1] == ' ')
		x->b.s[--x->b.len] = '\0';
	buf_addc(&x->b, '\n');
}

/* A table as aligned text: its caption, the header row ruled off below, a totals row ruled
 * off above. */
static void
table(struct text *x, const struct node *n, const char *indent)
{
	size_t nrows = 0, *ncols = NULL, *w = NULL, nw = 0, total = 0;
	char ***cells = NULL;
	const struct node *r;
	size_t i;

	if (n->text.text.len > 0)
		para(x, indent, "", NULL, &n->text);
	for (r = n->first; r != NULL; r = r->next, nrows++) {
		cells = xgrow(cells, nrows, sizeof(*cells));
		ncols = xgrow(ncols, nrows, sizeof(*ncols));
		cells[nrows] = row_cells(x, r, &ncols[nrows], &w, &nw);
	}
	for (i = 0; i < nw; i++)
		total += w[i] + (i + 1 < nw ? TABLE_GAP : 0);
	for (r = n->first, i = 0; r != NULL; r = r->next, i++) {
		int rule = (i == 1 && !n->rowheads) || r->totals;

		for (int k = 0; rule && r->totals; k++) {	/* a totals row: ruled above */
			if (k == 0)
				buf_adds(&x->b, indent);
			if ((size_t)k == total) {
				buf_addc(&x->b, '\n');
				break;
			}
			buf_addc(&x->b, '-');
		}
		if (i == 1 && !n->rowheads && !r->totals) {	/* under the header */
			buf_adds(&x->b, indent);
			for (size_t k = 0; k < total; k++)
				buf_addc(&x->b, '-');
			buf_addc(&x->b, '\n');
		}
		put_row(x, r, cells[i], ncols[i], w, indent);
		for (size_t k = 0; k < ncols[i]; k++)
			free(cells[i][k]);
		free(cells[i]);
	}
	buf_addc(&x->b, '\n');
	free(cells);
	free(ncols);
	free(w);
}

/* A component: its headline and name, its words for a reader who cannot see it, and its
 * parts, each as its alternative text or as its words and blocks. */
static void
component(struct text *x, const struct node *n, const char *indent)
{
	if (n->label != NULL)	/* a headline: a heading of the structure */
		heading(x, n->hlevel > 0 ? n->hlevel : 2, NULL, &(struct inl){ { (char *)n->label,
		    strlen(n->label), 0 }, NULL, 0 }, indent);
	if (n->text.text.len > 0 && (n->label == NULL || n->text_under))
		para(x, indent, "", NULL, &n->text);
	if (n->alt != NULL) {
		buf_adds(&x->b, indent);
		buf_addc(&x->b, '[');
		buf_adds(&x->b, n->alt);
		buf_adds(&x->b, "]\n\n");
	}
	for (const struct node *p = n->first; p != NULL; p = p->next) {
		if (p->type != N_PART) {
			blocks(x, p, indent);
			continue;
		}
		if (p->alt != NULL) {
			buf_adds(&x->b, indent);
			buf_addc(&x->b, '[');
			buf_adds(&x->b, p->alt);
			buf_adds(&x->b, "]\n\n");
		} else {
			if (p->text.text.len > 0)
				para(x, indent, "", NULL, &p->text);
			blocks(x, p->first, indent);
		}
	}
}

/* A picture: its alternative text (or, in a draft, that it is missing), then its caption. */
static void
figure(struct text *x, const struct node *n, const char *indent)
{
	buf_adds(&x->b, indent);
	buf_addc(&x->b, '[');
	if (n->image == NULL && n->path == NULL) {
		buf_adds(&x->b, x->missing);
		buf_adds(&x->b, ": ");
		buf_adds(&x->b, n->src ? n->src : "");
	} else
		buf_adds(&x->b, n->alt ? n->alt : "");
	buf_adds(&x->b, "]\n\n");
	if (n->text.text.len > 0)
		para(x, indent, "", NULL, &n->text);
}

static void
block(struct text *x, const struct node *n, const char *indent)
{
	char *in;

	switch (n->type) {
	case N_HEADING:
	case N_DIVIDER:
		heading(x, n->hlevel > 0 ? n->hlevel : n->level + 1, n->label, &n->text, indent);
		break;
	case N_PARAGRAPH:
		para(x, indent, "", n->label, &n->text);
		break;
	case N_LIST:
		list(x, n, indent);
		break;
	case N_QUOTE:
		in = xasprintf("%s> ", indent);
		blocks(x, n->first, in);
		free(in);
		break;
	case N_CODE:
		in = xasprintf("%s    ", indent);
		buf_adds(&x->b, in);
		inlines(x, &(struct inl){ n->text.text, NULL, 0 }, in);
		buf_adds(&x->b, "\n\n");
		free(in);
		break;
	case N_RULE:
		buf_adds(&x->b, indent);
		buf_adds(&x->b, "* * *\n\n");
		break;
	case N_TABLE:
		table(x, n, indent);
		break;
	case N_FIGURE:
		figure(x, n, indent);
		break;
	case N_NOTE:
		in = xasprintf("[%s] ", n->label ? n->label : "");
		hang(x, in, n->first, indent);
		free(in);
		break;
	case N_COMPONENT:
		component(x, n, indent);
		break;
	case N_FOOTNOTES:
	case N_DOCUMENT:
	case N_ITEM:
	case N_PART:
		blocks(x, n->first, indent);
		break;
	case N_TOC:		/* the reading order is the contents */
	case N_ROW:
	case N_CELL:
		break;
	}
}

static void
blocks(struct text *x, const struct node *n, const char *indent)
{
	for (; n != NULL; n = n->next)
		block(x, n, indent);
}

static void *
text_begin(struct gen *g, const struct doc *d)
{
	struct text *x = xcalloc(1, sizeof(*x));

	(void)g;
	x->d = d;
	x->missing = d->tpl->word[W_PICTURE_MISSING];
	if (d->tpl->cover && d->title != NULL) {	/* the cover's title; else the tree's */
		buf_adds(&x->b, "# ");
		buf_adds(&x->b, d->title);
		buf_adds(&x->b, "\n\n");
		if (d->subtitle != NULL) {
			buf_adds(&x->b, d->subtitle);
			buf_adds(&x->b, "\n\n");
		}
	}
	return x;
}

static void
text_block(void *state, const struct node *n)
{
	block(state, n, "");
}

/* One line end at the end. */
static void
text_finish(struct text *x)
{
	while (x->b.len > 1 && x->b.s[x->b.len - 1] == '\n' && x->b.s[x->b.len - 2] == '\n')
		x->b.s[--x->b.len] = '\0';
}

char *
text_of(struct gen *g, const struct doc *d, size_t *len)
{
	struct text *x = text_begin(g, d);
	char *s;

	for (const struct node *n = d->root->first; n != NULL; n = n->next)
		block(x, n, "");
	text_finish(x);
	s = x->b.s ? x->b.s : xstrdup("");
	*len = x->b.len;
	free(x);
	return s;
}

static int
text_end(void *state, struct gen *g)
{
	struct text *x = state;
	char *path = xasprintf("%s/%s.txt", g->outdir, x->d->outname);
	int rc = 0;

	text_finish(x);
	if (write_file_said(g, path, x->b.s ? x->b.s : "", x->b.len) == -1)
		rc = -1;
	else if (g->verbose)
		fprintf(stderr, "gen: wrote %s\n", path);
	buf_free(&x->b);
	free(path);
	free(x);
	return rc;
}

const struct backend backend_text = {
	.name = "text",
	.bit = OUT_TEXT,
	.begin = text_begin,
	.block = text_block,
	.end = text_end,
};
