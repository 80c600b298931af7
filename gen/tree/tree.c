/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tree.c: nodes of the one tree every stage shares: create, link, free.
 * Front ends build it, validate normalises it, layout and render only read it. */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct node *
node_new(enum node_type type, const char *file, int line, int col)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

void
node_append(struct node *parent, struct node *child)
{
	child->parent = parent;
	child->prev = parent->last;
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
}

struct span *
inl_span(struct inl *in, size_t start, size_t end, unsigned style, const char *link)
{
	struct span *sp;

	in->spans = xgrow(in->spans, in->nspans, sizeof(*in->spans));
	sp = &in->spans[in->nspans++];
	memset(sp, 0, sizeof(*sp));
	sp->start = start;
	sp->end = end;
	sp->style = style;
	sp->link = link ? xstrdup(link) : NULL;
	return sp;
}

void
inl_free(struct inl *in)
{
	for (size_t i = 0; i < in->nspans; i++)
		free(in->spans[i].link);
	free(in->spans);
	buf_free(&in->text);
	in->spans = NULL;
	in->nspans = 0;
}

/* Frees the tree by splicing each node's children into the sibling list ahead of it, as cmark
 * does, so a tree of any depth is freed without recursion. Siblings after `n` are kept. */
void
node_free(struct node *n)
{
	struct node *next, *stop = n ? n->next : NULL;

	while (n != stop) {
		if (n->first != NULL) {
			n->last->next = n->next;
			n->next = n->first;
			n->first = n->last = NULL;
		}
		next = n->next;
		free(n->label);
		free(n->widths);
		free(n->id);
		free(n->src);
		free(n->name);
		free(n->dir);
		free(n->path);
		free(n->alt);
		image_free(n->image);
		if (n->data != NULL && n->comp != NULL && n->comp->free != NULL)
			n->comp->free(n->data);	/* a component's own data */
		inl_free(&n->text);
		free(n);
		n = next;
	}
}

void
inl_typeset(struct inl *in)
{
	struct buf b = { 0 };
	size_t len = in->text.len, *map = xcalloc(len + 1, sizeof(*map)), at = 0;

	if (in->text.s == NULL) {
		free(map);
		return;
	}
	while (at < len) {	/* each stretch between code spans, then the code as it is */
		size_t code = len, code_end = len, *m;
		char *t;

		for (size_t i = 0; i < in->nspans; i++)
			if ((in->spans[i].style & ST_CODE) && in->spans[i].end > at &&
			    in->spans[i].start < code) {
				code = in->spans[i].start < at ? at : in->spans[i].start;
				code_end = in->spans[i].end;
			}
		t = typeset(in->text.s + at, code - at, &m);
		for (size_t i = 0; i < code - at; i++)
			map[at + i] = b.len + m[i];
		buf_adds(&b, t);
		free(t);
		free(m);
		for (size_t i = code; i < code_end; i++) {
			map[i] = b.len;
			buf_addc(&b, in->text.s[i]);
		}
		at = code_end;
	}
	map[len] = b.len;
	for (size_t i = 0; i < in->nspans; i++) {
		in->spans[i].start = map[in->spans[i].start];
		in->spans[i].end = map[in->spans[i].end];
	}
	free(map);
	if (b.s == NULL)
		buf_adds(&b, "");
	buf_free(&in->text);
	in->text = b;
}
