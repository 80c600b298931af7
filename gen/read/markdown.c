/* SPDX-License-Identifier: GPL-3.0-or-later */
/* markdown.c: GitHub's cmark-gfm parses the Markdown (tables, strikethrough, autolinks,
 * footnotes); this file turns its AST into gen's tree, iteratively, with depth bounded.
 * Called by document.c for each Markdown file; appends blocks to the document node. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <glib.h>

#include "gen.h"

struct md {
	struct gen	*g;
	const char	*file;		/* the Markdown file */
	struct expansion *x;	/* its text with data merged, the way back, the figures */
	const struct datasets *data;	/* for components' figures */
	struct node	*doc;		/* where chapters go */
	cmark_node	**defs;		/* footnote definitions of this file */
	size_t		 ndefs;
	struct node	*chapter_notes;	/* N_FOOTNOTES being filled for this chapter */
	int		 nnotes;	/* footnotes numbered so far in the document */
	char		**refs;		/* labels numbered so far in this file ... */
	int		*refnum;	/* ... and their numbers */
	size_t		 nrefs;
	int		 warned_depth;	/* said once that nesting was capped */
	int		 warned_html;	/* said once that raw HTML is not typeset */
};

static const char *
type_name(cmark_node *n)
{
	return cmark_node_get_type_string(n);
}

/* The user's line and column of cmark node n, through the data expansion. */
static void
node_pos(struct md *md, cmark_node *n, int *line, int *col)
{
	int l = cmark_node_get_start_line(n), c = cmark_node_get_start_column(n);

	bind_position(md->x, l > 0 ? l : 1, c > 0 ? c : 1, line, col);
}

static int
pos_line(struct md *md, cmark_node *n)
{
	int line, col;

	node_pos(md, n, &line, &col);
	return line;
}

static int
pos_col(struct md *md, cmark_node *n)
{
	int line, col;

	node_pos(md, n, &line, &col);
	return col;
}

/* Text `s` that cmark read, with the data's values put back where their seals stand (see
 * struct expansion; in a tag's attributes, `attr`, as HTML writes them) and the characters
 * that would reorder or hide it unseen left out (hidden_char()): `s` itself, or a copy in
 * *own for the caller to free. */
static const char *
unsealed_as(struct md *md, const char *s, char **own, int attr)
{
	size_t at;
	unsigned c;

	*own = bind_unseal(md->x, s, attr);
	s = *own != NULL ? *own : s != NULL ? s : "";
	if (hidden_find(s, strlen(s), &at, &c) != NULL) {	/* said when the file was read */
		if (*own == NULL)
			s = *own = xstrdup(s);
		hidden_strip(*own);
	}
	return s;
}

static const char *
unsealed(struct md *md, const char *s, char **own)
{
	return unsealed_as(md, s, own, 0);
}

static struct node *
md_node(struct md *md, enum node_type t, cmark_node *src)
{
	return node_new(t, md->file, pos_line(md, src), pos_col(md, src));
}

/* The number of the footnote labelled `label`, numbering it now if it is new. */
static int
note_number(struct md *md, const char *label, int *is_new)
{
	for (size_t i = 0; i < md->nrefs; i++)
		if (strcmp(md->refs[i], label) == 0) {
			*is_new = 0;
			return md->refnum[i];
		}
	md->refs = xrealloc(md->refs, (md->nrefs + 1) * sizeof(*md->refs));
	md->refnum = xrealloc(md->refnum, (md->nrefs + 1) * sizeof(*md->refnum));
	md->refs[md->nrefs] = xstrdup(label);
	md->refnum[md->nrefs] = ++md->nnotes;
	md->nrefs++;
	*is_new = 1;
	return md->nnotes;
}

static void convert_blocks(struct md *, cmark_node *from, struct node *into);

/* Converts the definition of footnote `label` and queues it for the end of the chapter. */
static void
queue_note(struct md *md, const char *label, int num, cmark_node *at)
{
	struct node *note;
	size_t ix;

	if (md->chapter_notes == NULL)
		md->chapter_notes = md_node(md, N_FOOTNOTES, at);
	note = md_node(md, N_NOTE, at);
	note->label = xasprintf("%d", num);
	note->id = xasprintf("fn-%d", num);
	node_append(md->chapter_notes, note);
	/* cmark-gfm numbers references 1, 2 ... in the order first referenced, gives each
	 * reference its number as its literal, and moves the definitions to the end of the
	 * document in that order. */
	ix = strtoul(label, NULL, 10);
	if (ix >= 1 && ix <= md->ndefs) {
		note->line = pos_line(md, md->defs[ix - 1]);
		convert_blocks(md, md->defs[ix - 1], note);
	}
}

/* Appends the footnotes of the chapter just ended. */
static void
flush_notes(struct md *md)
{
	if (md->chapter_notes != NULL)
		node_append(md->doc, md->chapter_notes);
	md->chapter_notes = NULL;
}

/* Converts the inline children of block `b` into `in`, walking with cmark's iterator. */
static void
convert_inlines(struct md *md, cmark_node *b, struct inl *in)
{
	cmark_iter *it = cmark_iter_new(b);
	cmark_event_type ev;
	size_t start[256];	/* where each open styled inline began */
	int depth = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *tn = type_name(n);
		unsigned style = 0;

		if (n == b)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
			char *own;
			size_t s0 = in->text.len;

			buf_adds(&in->text, unsealed(md, cmark_node_get_literal(n), &own));
			free(own);
			if (t == CMARK_NODE_CODE)
				inl_span(in, s0, in->text.len, ST_CODE, NULL);
			continue;
		}
		if (t == CMARK_NODE_SOFTBREAK) {
			buf_addc(&in->text, ' ');
			continue;
		}
		if (t == CMARK_NODE_LINEBREAK) {
			buf_addc(&in->text, '\n');
			continue;
		}
		if (t == CMARK_NODE_HTML_INLINE) {
			if (!md->warned_html++)
				msg(md->g, MSG_WARNING, md->file, pos_line(md, b), pos_col(md, b),
				    "raw HTML is not typeset");
			continue;
		}
		if (t == CMARK_NODE_FOOTNOTE_REFERENCE && ev == CMARK_EVENT_ENTER) {
			const char *label = cmark_node_get_literal(n);
			int is_new, num = note_number(md, label ? label : "", &is_new);
			size_t s0 = in->text.len;
			char *ref = xasprintf("%d", num), *dest = xasprintf("#fn-%d", num);
			struct span *sp;

			buf_adds(&in->text, ref);
			sp = inl_span(in, s0, in->text.len, ST_SUPER | ST_LINK, dest);
			sp->line = pos_line(md, cmark_node_get_start_line(n) > 0 ? n : b);
			sp->col = pos_col(md, cmark_node_get_start_line(n) > 0 ? n : b);
			free(ref);
			free(dest);
			if (is_new)
				queue_note(md, label ? label : "", num, n);
			continue;
		}
		if (t == CMARK_NODE_EMPH)
			style = ST_EM;
		else if (t == CMARK_NODE_STRONG)
			style = ST_STRONG;
		else if (t == CMARK_NODE_LINK)
			style = ST_LINK;
		else if (t == CMARK_NODE_IMAGE)
			style = ST_EM;	/* an image within a line: its alternative text */
		else if (strcmp(tn, "strikethrough") == 0)
			style = ST_STRIKE;
		if (style == 0)
			continue;
		if (ev == CMARK_EVENT_ENTER) {
			if (depth < (int)(sizeof(start) / sizeof(start[0])))
				start[depth] = in->text.len;
			depth++;
			if (t == CMARK_NODE_IMAGE) {
				msg(md->g, MSG_WARNING, md->file, pos_line(md, b), pos_col(md, b),
				    "an image within a line of text is shown as its description; "
				    "give it a paragraph of its own to show the picture");
				buf_adds(&in->text, "[");
			}
		} else {
			depth--;
			if (t == CMARK_NODE_IMAGE)
				buf_adds(&in->text, "]");
			if (depth < (int)(sizeof(start) / sizeof(start[0])) &&
			    start[depth] < in->text.len) {
				char *own = NULL;
				const char *url = t == CMARK_NODE_LINK ? unsealed(md,
				    cmark_node_get_url(n), &own) : NULL;
				struct span *sp = inl_span(in, start[depth], in->text.len, style, url);

				free(own);
				/* cmark gives inlines a position when it knows one */
				sp->line = pos_line(md, cmark_node_get_start_line(n) > 0 ? n : b);
				sp->col = pos_col(md, cmark_node_get_start_line(n) > 0 ? n : b);
			}
		}
	}
	cmark_iter_free(it);
}

/* The image, when paragraph `p` holds an image and nothing else. */
static cmark_node *
lone_image(cmark_node *p)
{
	cmark_node *c = cmark_node_first_child(p);

	if (c == NULL || cmark_node_get_type(c) != CMARK_NODE_IMAGE)
		return NULL;
	return cmark_node_next(c) == NULL ? c : NULL;
}

static struct node *
convert_figure(struct md *md, cmark_node *p, cmark_node *img)
{
	struct node *f = md_node(md, N_FIGURE, p);
	char *own, *title_own;
	const char *title = unsealed(md, cmark_node_get_title(img), &title_own);

	f->src = xstrdup(unsealed(md, cmark_node_get_url(img), &own));
	free(own);
	convert_inlines(md, img, &f->text);
	inl_typeset(&f->text);
	f->alt = xstrdup(inl_str(&f->text));
	if (*title != '\0') {
		inl_free(&f->text);
		buf_adds(&f->text.text, title);
	}
	free(title_own);
	return f;
}

/* The label of the next item of list `l`. */
static char *
item_label(struct node *l, int index)
{
	static const char *const bullets[] = { "\xe2\x80\xa2", "\xe2\x80\x93", "\xe2\x97\xa6" };

	if (l->ordered)
		return xasprintf("%d.", l->start + index);
	return xstrdup(bullets[l->level % 3]);
}

static int
list_depth(struct node *n)
{
	int d = 0;

	for (; n != NULL; n = n->parent)
		if (n->type == N_LIST)
			d++;
	return d;
}

static int
container_depth(struct node *n)
{
	int d = 0;

	for (; n != NULL; n = n->parent)
		if (n->type == N_LIST || n->type == N_QUOTE)
			d++;
	return d;
}

/* ---- components: HTML-like tags alone on their lines, e.g. <divider title="…">, found
 * in components.c ---- */

/* Tags of HTML, which gen does not typeset (a warning), as opposed to a misspelt
 * component (an error). */
static const char *const html_tags[] = {
	"a", "abbr", "address", "article", "aside", "audio", "b", "blockquote", "body", "br",
	"button", "canvas", "caption", "center", "cite", "code", "col", "dd", "del", "details",
	"dfn", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "font",
	"footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i",
	"iframe", "img", "input", "ins", "kbd", "label", "li", "link", "main", "map", "mark",
	"menu", "meta", "nav", "noscript", "object", "ol", "option", "p", "param", "picture",
	"pre", "q", "s", "samp", "script", "section", "select", "small", "source", "span",
	"strike", "strong", "style", "sub", "summary", "sup", "svg", "table", "tbody", "td",
	"textarea", "tfoot", "th", "thead", "title", "tr", "track", "u", "ul", "var", "video",
};

/* Reads an HTML block: a known component becomes its node; HTML is not typeset. */
static struct node *
component(struct md *md, cmark_node *n)
{
	char *own;
	const char *lit = unsealed_as(md, cmark_node_get_literal(n), &own, 1), *p,
	    *near = NULL;
	const struct component *comp;
	char name[32];
	size_t len = 0;
	struct node *made = NULL;

	p = lit ? lit : "";
	while (*p == ' ')
		p++;
	if (p[0] != '<' || !isalpha((unsigned char)p[1])) {
		if (strncmp(p, "<!--", 4) != 0 && !md->warned_html++)	/* comments are silent */
			msg(md->g, MSG_WARNING, md->file, pos_line(md, n), pos_col(md, n),
			    "raw HTML is not typeset");
		free(own);
		return NULL;
	}
	for (p++; (isalnum((unsigned char)*p) || *p == '-') && len < sizeof(name) - 1; p++)
		name[len++] = (char)tolower((unsigned char)*p);
	name[len] = '\0';
	if ((comp = component_find(name, &near)) != NULL) {
		struct component_call call = { md->g, md->data, md->file, 0, 0, lit, md->x };

		node_pos(md, n, &call.line, &call.col);
		made = comp->make(&call);
		free(own);
		return made;
	}
	for (size_t i = 0; i < sizeof(html_tags) / sizeof(html_tags[0]); i++)
		if (strcmp(name, html_tags[i]) == 0) {
			if (!md->warned_html++)
				msg(md->g, MSG_WARNING, md->file, pos_line(md, n), pos_col(md, n),
				    "raw HTML is not typeset");
			free(own);
			return NULL;
		}
	/* A tag close to a component's name is a misspelling; anything else is HTML. */
	if (near != NULL)
		msg(md->g, MSG_ERROR, md->file, pos_line(md, n), pos_col(md, n), "unknown "
		    "component <%s> (did you mean <%s>?)", name, near);
	else if (!md->warned_html++)
		msg(md->g, MSG_WARNING, md->file, pos_line(md, n), pos_col(md, n),
		    "raw HTML is not typeset (<%s> is not a component)", name);
	free(own);
	return NULL;
}

/* Makes the gen node for block `n` entered under `cur`; returns it, or NULL when the block
 * is handled whole (leaf) or skipped. *descend says whether to walk its children. */
static struct node *
enter_block(struct md *md, cmark_node *n, struct node *cur, int *descend)
{
	cmark_node_type t = cmark_node_get_type(n);
	const char *tn = type_name(n);
	struct node *x = NULL;
	cmark_node *img;

	*descend = 0;
	switch (t) {
	case CMARK_NODE_BLOCK_QUOTE:
		x = md_node(md, N_QUOTE, n);
		*descend = 1;
		break;
	case CMARK_NODE_LIST:
		x = md_node(md, N_LIST, n);
		x->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		x->start = cmark_node_get_list_start(n);
		x->tight = cmark_node_get_list_tight(n);
		x->level = list_depth(cur);
		*descend = 1;
		break;
	case CMARK_NODE_ITEM: {
		int index = 0;

		for (struct node *s = cur->first; s; s = s->next)
			index++;
		x = md_node(md, N_ITEM, n);
		x->label = item_label(cur, index);
		*descend = 1;
		break;
	}
	case CMARK_NODE_HEADING:
		x = md_node(md, N_HEADING, n);
		x->level = cmark_node_get_heading_level(n);
		convert_inlines(md, n, &x->text);
		/* its anchor is made from its words as written, as GitHub makes it */
		x->src = xstrdup(inl_str(&x->text));
		inl_typeset(&x->text);
		break;
	case CMARK_NODE_PARAGRAPH:
		if ((img = lone_image(n)) != NULL)
			x = convert_figure(md, n, img);
		else {
			x = md_node(md, N_PARAGRAPH, n);
			convert_inlines(md, n, &x->text);
			inl_typeset(&x->text);
			if (x->text.text.len == 0) {	/* an empty value alone */
				node_free(x);
				x = NULL;
			}
		}
		break;
	case CMARK_NODE_CODE_BLOCK: {
		char *own;
		const char *lit = unsealed(md, cmark_node_get_literal(n), &own);
		size_t len = strlen(lit);

		while (len > 0 && lit[len - 1] == '\n')
			len--;
		x = md_node(md, N_CODE, n);
		buf_add(&x->text.text, lit, len);
		free(own);
		break;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		x = md_node(md, N_RULE, n);
		break;
	case CMARK_NODE_HTML_BLOCK:
		x = component(md, n);
		break;
	default:
		if (strcmp(tn, "table") == 0) {
			x = md_node(md, N_TABLE, n);
			*descend = 1;
		} else if (strcmp(tn, "table_row") == 0 || strcmp(tn, "table_header") == 0) {
			x = md_node(md, N_ROW, n);
			*descend = 1;
		} else if (strcmp(tn, "table_cell") == 0) {
			uint8_t *al = cmark_gfm_extensions_get_table_alignments(
			    cmark_node_parent(cmark_node_parent(n)));
			int col = 0;

			for (struct node *s = cur->first; s; s = s->next)
				col++;
			x = md_node(md, N_CELL, n);
			if (al != NULL && col < cmark_gfm_extensions_get_table_columns(
			    cmark_node_parent(cmark_node_parent(n))))
				x->align = al[col] == 'c' ? 1 : al[col] == 'r' ? 2 : 0;
			convert_inlines(md, n, &x->text);
			inl_typeset(&x->text);
		}
		break;
	}
	return x;
}

/* Walks the blocks below `from` (not `from` itself) with cmark's iterator, appending to
 * `into`. Containers nested deeper than MAX_DEPTH are flattened into the deepest one. */
static void
convert_blocks(struct md *md, cmark_node *from, struct node *into)
{
	cmark_iter *it = cmark_iter_new(from);
	cmark_event_type ev;
	struct node *cur = into;
	/* For each open cmark container: did it make a gen node (1) or was it flattened (0)? */
	struct buf made = { 0 };

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		int descend;
		struct node *x;

		if (n == from)
			continue;
		if (ev == CMARK_EVENT_EXIT) {
			if (made.len > 0 && made.s[--made.len] == 1)
				cur = cur->parent;
			continue;
		}
		if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION) {
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			continue;
		}
		if (from == cmark_node_parent(n) && into == md->doc &&
		    cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 1)
			flush_notes(md);
		x = enter_block(md, n, cur, &descend);
		if (x != NULL && (x->type == N_QUOTE || x->type == N_LIST) &&
		    container_depth(cur) >= MAX_DEPTH) {
			if (!md->warned_depth++)
				msg(md->g, MSG_WARNING, md->file, x->line, x->col,
				    "lists and quotes nested deeper than %d levels are set at "
				    "level %d", MAX_DEPTH, MAX_DEPTH);
			node_free(x);
			x = NULL;
		}
		if (x != NULL && x->type == N_ITEM && cur->type != N_LIST) {
			node_free(x);	/* the item of a flattened list */
			x = NULL;
		}
		if (x != NULL) {
			struct node *more = x->next;	/* what a component sets after itself */

			x->next = NULL;
			node_append(cur, x);
			while (more != NULL) {
				struct node *next = more->next;

				more->next = NULL;
				node_append(cur, more);
				more = next;
			}
		}
		if (descend) {
			buf_addc(&made, x != NULL);
			if (x != NULL)
				cur = x;
		} else
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);	/* skip what it held */
	}
	buf_free(&made);
	cmark_iter_free(it);
}

void
markdown_parse(struct gen *g, const char *file, struct expansion *x,
    const struct datasets *data, struct node *doc)
{
	static const char *const exts[] = { "table", "strikethrough", "autolink" };
	struct md md = { 0 };
	cmark_parser *p;
	cmark_node *root;

	cmark_gfm_core_extensions_ensure_registered();
	/* Smart punctuation: curly quotes, en and em dashes from -- and ---, an ellipsis */
	p = cmark_parser_new(CMARK_OPT_FOOTNOTES | CMARK_OPT_SMART);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(exts[i]));
	cmark_parser_feed(p, x->text.s, x->text.len);
	root = cmark_parser_finish(p);

	md.g = g;
	md.file = file;
	md.x = x;
	md.data = data;
	md.doc = doc;
	for (struct node *c = doc->first; c; c = c->next)
		if (c->type == N_FOOTNOTES)
			for (struct node *f = c->first; f; f = f->next)
				md.nnotes++;
	for (cmark_node *c = cmark_node_first_child(root); c; c = cmark_node_next(c))
		if (cmark_node_get_type(c) == CMARK_NODE_FOOTNOTE_DEFINITION) {
			md.defs = xrealloc(md.defs, (md.ndefs + 1) * sizeof(*md.defs));
			md.defs[md.ndefs++] = c;
		}
	convert_blocks(&md, root, doc);
	flush_notes(&md);

	for (size_t i = 0; i < md.nrefs; i++)
		free(md.refs[i]);
	free(md.refs);
	free(md.refnum);
	free(md.defs);
	cmark_node_free(root);
	cmark_parser_free(p);
}
