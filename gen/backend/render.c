/* SPDX-License-Identifier: GPL-3.0-or-later */
/* render.c: draws the laid-out pages with cairo into a tagged PDF: structure tags from the
 * tree (Document, H1-H6, P, L/LI/Lbl/LBody, Table/THead/TBody/TR/TH/TD, Figure, Link,
 * Reference, Note, TOC/TOCI), running heads as artifacts, anchors, links, bookmarks and
 * printer's marks; then hands the file, and what each element needs that cairo cannot
 * write, to pdf_post().
 * Called by main.c through render_pdf(); reads the tree and the pages, changing neither but
 * for dropping each layout once the last page that draws it is drawn. */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define MAX_TAGS (2 * MAX_DEPTH + 16)
#define MARK_GAP	(72 * 1 / 25.4)		/* crop marks start this far beyond the bleed */
#define MARK_LEN	(72 * 6 / 25.4)		/* and are this long */
#define MARK_ROOM	(72 * 12 / 25.4)	/* the page grows by this beyond the bleed */
/* Drawing gives the memory of the layouts it is done with back every so many pages: freed
 * among what is kept, it would stay with the process as holes malloc() cannot return. */
#define TRIM_PAGES	64

struct tag {
	const char	*name;		/* a standard structure type */
	const void	*key;		/* what makes it this element: a node, or NULL */
	int		 sub;		/* tells apart elements of one node (Lbl / LBody) */
};

struct rctx {
	struct gen		*g;
	const struct doc	*d;
	const struct template	*t;
	const struct pages	*ps;
	cairo_surface_t		*surface;
	cairo_t			*cr;
	struct tag		 open[MAX_TAGS];	/* the structure elements open now */
	int			 nopen;
	int			 leaf;		/* open[nopen-1] holds content */
	int			 outline[8];	/* the last bookmark at each heading level */
	struct pdf_elem		*elems;		/* every structure element begun, in order */
	size_t			 nelems, elemcap;
	int			 notes;		/* Notes so far: each one's /ID */
	int			 caveat;	/* the running foot's {note} is tagged once */
	double			 marks;		/* room for crop marks beyond the bleed, or 0 */
	int			 pageno;	/* 1-based */
	double			 left;		/* the text column's left on this page */
};

static const char *const heading_tags[] = { "H1", "H1", "H2", "H3", "H4", "H5", "H6" };

static void
set_colour(cairo_t *cr, unsigned c)
{
	cairo_set_source_rgb(cr, (c >> 16) / 255.0, ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
}

/* ---- structure tags ---- */

/* Begins structure element `name` and lists it for the post-pass, which adds what cairo
 * cannot write; returns its entry to fill in. Every element goes through here, so the list
 * stays in step with the tree. */
static struct pdf_elem *
elem_begin(struct rctx *r, const char *name, const char *attr)
{
	struct pdf_elem *e;

	cairo_tag_begin(r->cr, name, attr);
	if (r->nelems == r->elemcap) {
		r->elemcap = r->elemcap ? 2 * r->elemcap : 256;
		r->elems = xrealloc(r->elems, r->elemcap * sizeof(*r->elems));
	}
	e = &r->elems[r->nelems++];
	*e = (struct pdf_elem){ name, NULL, NULL, NULL, NULL, 0 };	/* CAIRO_TAG_LINK is "Link" */
	return e;
}

/* Begins the element of `t`, with the attributes its node gives it. */
static void
tag_open(struct rctx *r, const struct tag *t)
{
	struct pdf_elem *e = elem_begin(r, t->name, NULL);
	const struct node *n = t->key;

	if (strcmp(t->name, "TH") == 0) {
		e->scope = n->parent->parent->rowheads ? "Row" : "Column";
		if (n->parent->group)	/* a group's row: one cell across the table */
			for (const struct node *c = n->parent->parent->first->first; c; c = c->next)
				e->colspan++;
	}
	else if (strcmp(t->name, "Figure") == 0)
		e->alt = n->alt;
	else if (strcmp(t->name, "Note") == 0)
		e->id = xasprintf("note-%d", ++r->notes);
}

static void
tag_close(struct rctx *r)
{
	r->nopen--;
	cairo_tag_end(r->cr, r->open[r->nopen].name);
	r->leaf = 0;
}

/* Closes the open content element, so decoration can be drawn outside it: cairo marks the
 * content of an element only while it has no child elements. */
static void
close_leaf(struct rctx *r)
{
	if (r->leaf && r->nopen > 1)
		tag_close(r);
	r->leaf = 0;
}

/* Builds the structure path of a piece below the Document, outermost first; returns its
 * length. The Document element is open throughout and is not in the path. */
static int
piece_path(const struct piece *pc, const struct page *pg, int cover, struct tag *path)
{
	struct tag rev[MAX_TAGS];
	int n = 0;
	const struct node *prev = NULL;

	if (pc->role == RO_TOC) {	/* its Link is begun as the entry is drawn */
		rev[n++] = (struct tag){ "TOCI", pc->node, 3 };
		rev[n++] = (struct tag){ "TOC", NULL, 1 };
	} else if (pc->node == NULL)	/* the contents' heading: under the cover's title, or
					 * before a title set with the text, not a heading */
		rev[n++] = (struct tag){ pg->kind == PG_TOC && cover ? "H2" : "P", pc, 0 };
	for (const struct node *x = pc->node; pc->role != RO_TOC && x != NULL &&
	    n < MAX_TAGS - 3; prev = x, x = x->parent) {
		switch (x->type) {
		case N_DOCUMENT:
			break;
		case N_HEADING:
			rev[n++] = (struct tag){ heading_tags[x->hlevel > 6 ? 6 : x->hlevel], x,
			    0 };
			break;
		case N_PARAGRAPH:
		case N_CODE:
			rev[n++] = (struct tag){ "P", x, 0 };
			break;
		case N_LIST:
			rev[n++] = (struct tag){ "L", x, 0 };
			break;
		case N_ITEM:
			if (prev == NULL && pc->role == RO_LABEL)
				rev[n++] = (struct tag){ "Lbl", x, 1 };
			else
				rev[n++] = (struct tag){ "LBody", x, 2 };
			rev[n++] = (struct tag){ "LI", x, 0 };
			break;
		case N_QUOTE:
			rev[n++] = (struct tag){ "BlockQuote", x, 0 };
			break;
		case N_TABLE:
			if (prev == NULL && pc->role == RO_CAPTION)
				rev[n++] = (struct tag){ "Caption", x, 1 };
			rev[n++] = (struct tag){ "Table", x, 0 };
			break;
		case N_COMPONENT:	/* as its component says; its headline a heading */
			if (prev == NULL && pc->role == RO_CAPTION)
				rev[n++] = (struct tag){ heading_tags[x->hlevel], x, 1 };
			rev[n++] = (struct tag){ x->comp->whole_tag, x, 0 };
			break;
		case N_PART:
			if (prev == NULL && pc->kind == PC_TEXT)	/* a card's own text */
				rev[n++] = (struct tag){ "P", x, 1 };
			rev[n++] = (struct tag){ x->comp->part_tag, x, 0 };
			break;
		case N_ROW:
			rev[n++] = (struct tag){ "TR", x, 0 };
			/* A header row repeated on each page is an artifact there; the one
			 * tagged heads the body, as a screen reader's table navigation wants. */
			if (!x->parent->rowheads)
				rev[n++] = x->prev == NULL ? (struct tag){ "THead", x->parent, 3 } :
				    (struct tag){ "TBody", x->parent, 4 };
			break;
		case N_CELL:
			if (x->hlevel > 0)	/* the title in a cover block */
				rev[n++] = (struct tag){ heading_tags[x->hlevel], x, 1 };
			rev[n++] = (struct tag){ (x->parent->parent->rowheads ? x->prev == NULL :
			    x->parent->prev == NULL || x->parent->group) ? "TH" : "TD", x, 0 };
			break;
		case N_FIGURE:
			rev[n++] = pc->role == RO_CAPTION ? (struct tag){ "Caption", x, 2 } :
			    (struct tag){ "Figure", x, 1 };
			break;
		case N_FOOTNOTES:
			rev[n++] = (struct tag){ "Div", x, 0 };
			break;
		case N_NOTE:
			/* The number as a Span: Lbl belongs in a list item. */
			if (prev == NULL && pc->role == RO_LABEL)
				rev[n++] = (struct tag){ "Span", x, 1 };
			rev[n++] = (struct tag){ "Note", x, 0 };
			break;
		case N_DIVIDER:
			rev[n++] = (struct tag){ heading_tags[x->hlevel], x, 0 };
			break;
		case N_RULE:
		case N_TOC:
			break;
		}
	}
	for (int i = 0; i < n; i++)
		path[i] = rev[n - 1 - i];
	return n;
}

static int
same_tag(const struct tag *a, const struct tag *b)
{
	return a->key == b->key && a->sub == b->sub && strcmp(a->name, b->name) == 0;
}

/* Makes the open elements, below the Document, equal `path`, closing and opening as
 * needed. */
static void
tags_to(struct rctx *r, const struct tag *path, int n)
{
	int common = 0;

	while (common < r->nopen - 1 && common < n && same_tag(&r->open[common + 1],
	    &path[common]))
		common++;
	if (common == n && r->nopen == n + 1 && r->leaf)
		return;
	while (r->nopen > common + 1)
		tag_close(r);
	for (int i = common; i < n; i++) {
		tag_open(r, &path[i]);
		r->open[r->nopen++] = path[i];
	}
	r->leaf = 1;
}

/* ---- text ---- */

static void
escape_attr(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
}

/* Percent-encodes what a URI must not hold as it is (RFC 3986): spaces, controls, bytes
 * beyond ASCII, and the characters cairo 1.16 writes unescaped into the PDF string. */
static void
escape_uri(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || strchr("\\()<>\"'{}|^`", c) != NULL) {
			char hex[4];

			snprintf(hex, sizeof(hex), "%%%02X", c);
			buf_adds(b, hex);
		} else
			buf_addc(b, (char)c);
	}
}

static char *
link_attr(const char *target)
{
	struct buf b = { 0 };

	if (target[0] == '#') {
		buf_adds(&b, "dest='");
		escape_attr(&b, target + 1);
	} else {
		buf_adds(&b, "uri='");
		escape_uri(&b, target);
	}
	buf_addc(&b, '\'');
	return b.s;
}

/* The span with `style` holding byte `off` of the piece's own text (any byte when off is
 * SIZE_MAX), or NULL. Labels and contents entries have no spans of their node's. */
static const struct span *
span_at(const struct piece *pc, size_t off, unsigned style)
{
	const struct inl *in;

	if (pc->node == NULL || pc->role == RO_LABEL || pc->role == RO_TOC)
		return NULL;
	in = &pc->node->text;
	for (size_t i = 0; i < in->nspans; i++)
		if ((in->spans[i].style & style) && (off == SIZE_MAX ||
		    (off >= in->spans[i].start && off < in->spans[i].end)))
			return &in->spans[i];
	return NULL;
}

/* Draws underline and strikethrough of one run, which pango leaves to its renderer. */
static void
decorate(cairo_t *cr, PangoGlyphItem *run, double x, double base, double w)
{
	PangoFontMetrics *m = NULL;

	for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
		PangoAttribute *at = a->data;
		int pos, thick;

		if (at->klass->type == PANGO_ATTR_UNDERLINE &&
		    ((PangoAttrInt *)at)->value != PANGO_UNDERLINE_NONE) {
			m = m ? m : pango_font_get_metrics(run->item->analysis.font, NULL);
			pos = pango_font_metrics_get_underline_position(m);
			thick = pango_font_metrics_get_underline_thickness(m);
		} else if (at->klass->type == PANGO_ATTR_STRIKETHROUGH &&
		    ((PangoAttrInt *)at)->value) {
			m = m ? m : pango_font_get_metrics(run->item->analysis.font, NULL);
			pos = pango_font_metrics_get_strikethrough_position(m);
			thick = pango_font_metrics_get_strikethrough_thickness(m);
		} else
			continue;
		cairo_rectangle(cr, x, base - pos / (double)PANGO_SCALE, w,
		    thick / (double)PANGO_SCALE);
		cairo_fill(cr);
	}
	if (m != NULL)
		pango_font_metrics_unref(m);
}

static unsigned
run_colour(PangoGlyphItem *run, unsigned dflt)
{
	for (GSList *a = run->item->analysis.extra_attrs; a; a = a->next) {
		PangoAttribute *at = a->data;

		if (at->klass->type == PANGO_ATTR_FOREGROUND) {
			PangoColor c = ((PangoAttrColor *)at)->color;

			return (unsigned)(c.red >> 8) << 16 | (unsigned)(c.green >> 8) << 8 |
			    (unsigned)(c.blue >> 8);
		}
	}
	return dflt;
}

/* How far a superscript run is raised: by half its own size. */
static double
rise(PangoGlyphItem *run)
{
	PangoFontDescription *fd = pango_font_describe_with_absolute_size(run->item->analysis.font);
	double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;

	pango_font_description_free(fd);
	return size * SUPER_RISE;
}

/* Begins the inline element of a run: a Link (in a Reference when it is a footnote's
 * number) named by its words for the annotation's /Contents, or a Span. */
static void
inline_begin(struct rctx *r, const struct piece *pc, const struct span *sp)
{
	const char *words = inl_str(&pc->node->text);
	struct pdf_elem *e;
	char *attr;

	if (sp == NULL) {
		elem_begin(r, "Span", NULL);
		return;
	}
	if (sp->style & ST_SUPER)
		elem_begin(r, "Reference", NULL);
	attr = link_attr(sp->link);
	e = elem_begin(r, CAIRO_TAG_LINK, attr);
	free(attr);
	e->contents = xstrndup(words + sp->start, sp->end - sp->start);
	if (sp->style & ST_SUPER) {	/* "Footnote 3", in the template's words */
		struct buf b = { 0 };

		words_fill(&b, r->t->word[W_FOOTNOTE], (const char *[]){ "n" },
		    (const char *[]){ e->contents }, 1, 0);
		free(e->contents);
		e->contents = b.s != NULL ? b.s : xstrdup("");
	}
}

static void
inline_end(struct rctx *r, const struct span *sp)
{
	cairo_tag_end(r->cr, sp ? CAIRO_TAG_LINK : "Span");
	if (sp != NULL && (sp->style & ST_SUPER))
		cairo_tag_end(r->cr, "Reference");
}

/* Draws one line run by run at (x, base); with `links`, each run sits in a Span or a Link
 * element so the link's words belong to it. */
static void
draw_line(struct rctx *r, const struct piece *pc, PangoLayoutLine *line, double x, double base,
    int links)
{
	const char *text = pango_layout_get_text(line->layout);
	const struct span *open_link = NULL;
	int in_inline = 0;

	for (GSList *l = line->runs; l; l = l->next) {
		PangoGlyphItem *run = l->data;
		double w = pango_glyph_string_get_width(run->glyphs) / (double)PANGO_SCALE;

		if (links) {
			const struct span *sp = span_at(pc, layout_text_offset(line->layout,
			    (size_t)run->item->offset), ST_LINK);

			if (!in_inline || sp != open_link) {
				if (in_inline)
					inline_end(r, open_link);
				inline_begin(r, pc, sp);
				open_link = sp;
				in_inline = 1;
			}
		}
		set_colour(r->cr, run_colour(run, pc->colour));
		cairo_move_to(r->cr, x, base - (span_at(pc, layout_text_offset(line->layout,
		    (size_t)run->item->offset), ST_SUPER) ? rise(run) : 0));
		pango_cairo_show_glyph_item(r->cr, text, run);
		decorate(r->cr, run, x, base, w);
		x += w;
	}
	if (in_inline)
		inline_end(r, open_link);
}

/* Draws lines [line0, line1) of the piece's layout with line0's top at the piece's y. */
static void
draw_lines(struct rctx *r, const struct piece *pc, PangoLayout *layout, int line0, int line1,
    double x, double y)
{
	const struct lines *ln = layout_lines(layout);
	int links = span_at(pc, SIZE_MAX, ST_LINK) != NULL;

	for (int i = line0; i < line1 && i < ln->n; i++) {
		glyph_line_open(layout, i);	/* kept packed, drawn from glyph strings */
		draw_line(r, pc, ln->line[i], x + ln->x[i], y + ln->base[i] - ln->top[line0],
		    links);
		glyph_line_close(layout, i);
	}
}

/* Draws a layout outside the structure tree (running heads, decoration). */
static void
draw_artifact_text(struct rctx *r, PangoLayout *l, double x, double y, unsigned colour)
{
	struct piece pc = { 0 };

	pc.colour = colour;
	close_leaf(r);
	elem_begin(r, "Private", NULL);
	draw_lines(r, &pc, l, 0, pango_layout_get_line_count(l), x, y);
	cairo_tag_end(r->cr, "Private");
}

/* ---- pieces ---- */

static void
add_bookmark(struct rctx *r, const struct node *h)
{
	/* its level in the outline: a part's chapters nest under it */
	int level = h->hlevel > 1 ? h->hlevel - 1 : h->level;

	level = level < 1 ? 1 : level > 4 ? 4 : level;
	int parent = 0;
	char *attr;
	struct buf b = { 0 };

	for (int l = level - 1; l >= 1; l--)
		if (r->outline[l] != 0) {
			parent = r->outline[l];
			break;
		}
	escape_attr(&b, h->id);
	attr = xasprintf("dest='%s'", b.s);
	r->outline[level] = cairo_pdf_surface_add_outline(r->surface, parent,
	    inl_str(&h->text), attr, level == 1 ? CAIRO_PDF_OUTLINE_FLAG_OPEN : 0);
	for (int l = level + 1; l < 8; l++)
		r->outline[l] = 0;
	free(attr);
	buf_free(&b);
}

static PangoLayout *simple_layout(struct rctx *, enum style_role, const char *, double);

/* A draft's stand-in for a missing picture: a dashed frame that names the file. */
static void
draw_placeholder(struct rctx *r, const struct piece *pc, double x)
{
	char *text = xasprintf("%s: %s", r->d->tpl->word[W_PICTURE_MISSING], pc->node->src);
	PangoLayout *l = simple_layout(r, R_CAPTION, text, pc->w - 16);
	struct piece tp = { 0 };
	static const double dash[] = { 4, 3 };

	cairo_save(r->cr);
	set_colour(r->cr, 0x8a94a6);
	cairo_set_line_width(r->cr, 1);
	cairo_set_dash(r->cr, dash, 2, 0);
	cairo_rectangle(r->cr, x + 0.5, pc->y + 0.5, pc->w - 1, pc->h - 1);
	cairo_stroke(r->cr);
	cairo_restore(r->cr);
	tp.colour = 0x5b6578;
	draw_lines(r, &tp, l, 0, pango_layout_get_line_count(l), x + 8, pc->y + 8);
	g_object_unref(l);
	free(text);
}

static void
draw_piece(struct rctx *r, const struct piece *pc, const struct page *pg)
{
	struct tag path[MAX_TAGS];
	const char *anchor = NULL;
	char *attr = NULL;
	cairo_t *cr = r->cr;
	double x = pc->absolute ? pc->x : r->left + pc->x;

	if (pc->kind == PC_RULE || pc->kind == PC_FILL || pc->role == RO_ARTIFACT) {
		close_leaf(r);
		elem_begin(r, "Private", NULL);
		if (pc->kind == PC_TEXT)
			draw_lines(r, pc, pc->layout, pc->line0, pc->line1, x, pc->y);
		else {
			set_colour(cr, pc->colour);
			cairo_rectangle(cr, x, pc->y, pc->w, pc->h);
			cairo_fill(cr);
		}
		cairo_tag_end(cr, "Private");
		return;
	}
	tags_to(r, path, piece_path(pc, pg, r->t->cover, path));
	if (pc->first && pc->node != NULL && pc->node->id && (pc->node->type == N_HEADING ||
	    (pc->node->type == N_DIVIDER && r->t->parts))) {	/* a part's divider too */
		anchor = pc->node->id;
		if (pc->node->level <= 4)
			add_bookmark(r, pc->node);
	} else if (pc->role == RO_LABEL && pc->node->type == N_NOTE)
		anchor = pc->node->id;
	if (anchor != NULL) {
		struct buf b = { 0 };

		escape_attr(&b, anchor);
		attr = xasprintf("name='%s'", b.s);
		cairo_tag_begin(cr, CAIRO_TAG_DEST, attr);
		buf_free(&b);
	}
	if (pc->kind == PC_PANEL)	/* a component, or a part of one, draws itself */
		pc->node->comp->draw(cr, r->ps->ctx, r->t, pc->node, x, pc->y, pc->w);
	else if (pc->kind == PC_IMAGE && pc->node->image != NULL)
		image_draw(pc->node->image, cr, x, pc->y, pc->w, pc->h);
	else if (pc->kind == PC_IMAGE)
		draw_placeholder(r, pc, x);
	else if (pc->role == RO_TOC) {
		char *dest = xasprintf("#%s", pc->node->id), *la = link_attr(dest);
		PangoRectangle nr, lr;
		int last = pc->line1 - 1;

		elem_begin(r, CAIRO_TAG_LINK, la)->contents = xasprintf("%s %s: %s",
		    r->t->word[W_GO_TO_PAGE], pango_layout_get_text(pc->aux),
		    inl_str(&pc->node->text));
		draw_lines(r, pc, pc->layout, pc->line0, pc->line1, x, pc->y);
		pango_layout_get_extents(pc->aux, NULL, &nr);
		pango_layout_index_to_pos(pc->layout, pango_layout_get_line_readonly(pc->layout,
		    last)->start_index, &lr);
		draw_lines(r, pc, pc->aux, 0, 1, r->left + pc->x + pc->w - nr.width /
		    (double)PANGO_SCALE, pc->y + lr.y / (double)PANGO_SCALE);
		cairo_tag_end(cr, CAIRO_TAG_LINK);
		free(dest);
		free(la);
	} else
		draw_lines(r, pc, pc->layout, pc->line0, pc->line1, x, pc->y);
	if (anchor != NULL)
		cairo_tag_end(cr, CAIRO_TAG_DEST);
	free(attr);
}

/* ---- page furniture ---- */

static PangoLayout *
simple_layout(struct rctx *r, enum style_role role, const char *text, double width)
{
	return layout_text(r->ps->ctx, &r->t->role[role], text, width);
}

static double
layout_width(PangoLayout *l)
{
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	return lr.width / (double)PANGO_SCALE;
}

/* The document's date in the template's words, with `day` ("07") or without; the caller
 * frees. */
static char *
date_text(const struct rctx *r, const char *day)
{
	struct buf b = { 0 };
	struct tm tm;

	gmtime_r(&r->d->date, &tm);
	date_words(&b, r->t->word, &tm, day);
	return b.s != NULL ? b.s : xstrdup("");
}

/* A running head's text with {title}, {subtitle}, {section}, {part}, {page}, {pages} and {date}
 * filled in. The caller frees. */
static char *
furniture_text(struct rctx *r, const struct page *pg, const char *fmt)
{
	struct buf b = { 0 };
	char num[32], *date = date_text(r, NULL), *label = NULL;

	for (const char *p = fmt; *p; p++) {
		const char *v = NULL;

		if (*p == '{') {
			size_t n = strcspn(p + 1, "}");

			if (n == 5 && strncmp(p + 1, "title", 5) == 0)	/* a short one */
				v = r->d->short_title ? r->d->short_title : r->d->title;
			else if (n == 8 && strncmp(p + 1, "subtitle", 8) == 0)
				v = r->d->subtitle ? r->d->subtitle : "";
			else if (n == 7 && strncmp(p + 1, "section", 7) == 0)
				v = pg->chapter ? inl_str(&pg->chapter->text) : "";
			else if (n == 4 && strncmp(p + 1, "part", 4) == 0)	/* or the chapter */
				v = pg->part ? inl_str(&pg->part->text) : pg->chapter ?
				    inl_str(&pg->chapter->text) : "";
			else if (n == 4 && strncmp(p + 1, "page", 4) == 0)
				label = page_label(r->ps, (size_t)r->pageno - 1), v = label;
			else if (n == 5 && strncmp(p + 1, "pages", 5) == 0)
				snprintf(num, sizeof(num), "%zu", page_count(r->ps)), v = num;
			else if (n == 4 && strncmp(p + 1, "date", 4) == 0)
				v = date;
			else if (n == 4 && strncmp(p + 1, "note", 4) == 0)
				v = indicators_illustrative(&r->d->data) && r->t->ind_note ?
				    r->t->ind_note : "";
			if (v != NULL) {
				buf_adds(&b, v);
				free(label);
				label = NULL;
				p += n + 1;
				continue;
			}
		}
		buf_addc(&b, *p);
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	free(date);
	return b.s;
}

#define BAND_GAP 12.0	/* pt kept between two slots of a running head */

/* `text` shortened at a word, with an ellipsis, to fit `room` pt; as it is when it fits.
 * The caller frees. */
static char *
shorten(struct rctx *r, enum style_role role, const char *text, double room)
{
	char *s = xstrdup(text), *cut, *with;
	PangoLayout *l = simple_layout(r, role, s, -1);
	double w = layout_width(l);

	g_object_unref(l);
	if (w <= room)
		return s;
	while ((cut = strrchr(s, ' ')) != NULL) {
		for (;;) {	/* no ellipsis after a comma, a colon or a dash */
			if (cut > s && strchr(" ,:;", cut[-1]) != NULL)
				cut--;
			else if (cut - s >= 3 && strncmp(cut - 3, "\xe2\x80\x93", 3) == 0)
				cut -= 3;
			else
				break;
		}
		*cut = '\0';
		with = xasprintf("%s\xe2\x80\xa6", s);
		l = simple_layout(r, role, with, -1);
		w = layout_width(l);
		g_object_unref(l);
		if (w <= room) {
			free(s);
			return with;
		}
		free(with);
	}
	free(s);
	return xstrdup(text);	/* one word: as it is */
}

/* Draws one line of running head or foot: each slot's text at its place (left, centre,
 * right), whole when it fits beside the others, or else shortened at a word with an
 * ellipsis to the room they leave it. Returns whether it drew anything. */
static int
draw_band(struct rctx *r, const struct page *pg, const struct furniture *fu,
    enum style_role role, double y)
{
	const struct template *t = r->t;
	double colw = t->page_w - t->margin_inner - t->margin_outer, w[3] = { 0 }, room[3];
	int odd = r->pageno % 2, drew = 0;
	/* Where each slot goes: 0 left, 1 centre, 2 right; inside and outside follow the
	 * binding (a right-hand, odd page is bound on its left). */
	const int place[FU_NSLOTS] = { 0, 1, 2, odd ? 0 : 2, odd ? 2 : 0 };
	char *text[3] = { NULL, NULL, NULL };
	int note[3] = { 0, 0, 0 };	/* the slot holds {note}, the caveat */

	for (int i = 0; i < FU_NSLOTS; i++) {
		char *s;
		PangoLayout *l;

		if (fu->slot[i] == NULL)
			continue;
		s = furniture_text(r, pg, fu->slot[i]);
		if (s[0] == '\0' || text[place[i]] != NULL) {
			free(s);
			continue;
		}
		text[place[i]] = s;
		note[place[i]] = strstr(fu->slot[i], "{note}") != NULL;
		l = simple_layout(r, role, s, -1);
		w[place[i]] = layout_width(l);
		g_object_unref(l);
	}
	if (text[1] != NULL) {	/* a centre slot: each side keeps to its half */
		room[1] = fmin(w[1], colw - (text[0] || text[2] ? 2 * BAND_GAP : 0));
		room[0] = room[2] = (colw - room[1]) / 2 - BAND_GAP;
	} else if (w[0] + w[2] + BAND_GAP <= colw || text[0] == NULL || text[2] == NULL) {
		room[0] = room[2] = colw;
	} else if (w[0] <= (colw - BAND_GAP) / 2) {	/* the shorter keeps its words */
		room[0] = w[0];
		room[2] = colw - w[0] - BAND_GAP;
	} else if (w[2] <= (colw - BAND_GAP) / 2) {
		room[2] = w[2];
		room[0] = colw - w[2] - BAND_GAP;
	} else
		room[0] = room[2] = (colw - BAND_GAP) / 2;
	for (int k = 0; k < 3; k++) {
		PangoLayout *l;
		char *s;
		double x, lw;

		if (text[k] == NULL)
			continue;
		s = shorten(r, role, text[k], room[k]);
		l = simple_layout(r, role, s, -1);
		lw = layout_width(l);
		x = k == 0 ? r->left : k == 1 ? r->left + (colw - lw) / 2 : r->left + colw - lw;
		if (!r->caveat && note[k]) {
			/* A caveat on every page is said once to a screen reader: tagged
			 * where it first appears, an artifact after. */
			struct piece pc = { 0 };

			pc.colour = t->role[role].colour;
			tags_to(r, (struct tag[]){ { "P", &r->caveat, 0 } }, 1);
			draw_lines(r, &pc, l, 0, pango_layout_get_line_count(l), x, y);
			close_leaf(r);
			r->caveat = 1;
		} else
			draw_artifact_text(r, l, x, y, t->role[role].colour);
		g_object_unref(l);
		free(s);
		free(text[k]);
		drew = 1;
	}
	return drew;
}

static void
draw_furniture(struct rctx *r, const struct page *pg)
{
	const struct template *t = r->t;
	double colw = t->page_w - t->margin_inner - t->margin_outer;
	double hy = t->margin_top * 0.45, fy = t->page_h - t->margin_bottom * 0.55;

	if (pg->kind == PG_COVER || pg->bare)
		return;
	if (!pg->opens_chapter && draw_band(r, pg, &t->header, R_HEADER, hy)) {
		close_leaf(r);
		elem_begin(r, "Private", NULL);
		set_colour(r->cr, t->rule);
		cairo_rectangle(r->cr, r->left, hy + t->role[R_HEADER].leading + 3, colw, 0.5);
		cairo_fill(r->cr);
		cairo_tag_end(r->cr, "Private");
	}
	draw_band(r, pg, &t->footer, R_FOOTER, fy);
}

static double
layout_h_pt(PangoLayout *l)
{
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	return lr.height / (double)PANGO_SCALE;
}

/* The cover's foot: the imprint's paragraphs (one a line) and the copyright
 * line, in the note style, ending at the bottom margin. */
static void
draw_imprint(struct rctx *r)
{
	const struct template *t = r->t;
	const struct doc *d = r->d;
	double colw = t->page_w - t->margin_inner - t->margin_outer, h = 0, y;
	PangoLayout *l[32];
	int n = 0;
	struct piece pc = { 0 };

	for (const char *p = d->imprint; p != NULL && *p && n < 31; ) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *para = xstrndup(p, len);

		l[n] = simple_layout(r, R_NOTE, para, colw);
		h += layout_h_pt(l[n++]) + t->role[R_NOTE].after;
		free(para);
		p = e ? e + 1 : p + len;
	}
	if (d->rights != NULL) {
		l[n] = simple_layout(r, R_NOTE, d->rights, colw);
		h += layout_h_pt(l[n++]);
	}
	y = t->page_h - t->margin_bottom - h;
	for (int i = 0; i < n; i++) {
		tags_to(r, (struct tag[]){ { "P", &l[i], 0 } }, 1);
		pc.colour = t->role[R_NOTE].colour;
		draw_lines(r, &pc, l[i], 0, pango_layout_get_line_count(l[i]), r->left, y);
		y += layout_h_pt(l[i]) + t->role[R_NOTE].after;
		g_object_unref(l[i]);
	}
}

/* The cover: the title set on a band of the accent colour, into the bleed; or, for a plain
 * cover, on white under a rule of the accent colour. Then who publishes it and when, and
 * at its foot the imprint and the copyright line. */
static void
draw_cover(struct rctx *r)
{
	const struct template *t = r->t;
	const struct doc *d = r->d;
	int plain = t->cover == COVER_PLAIN;
	double colw = t->page_w - t->margin_inner - t->margin_outer, y;
	double band = t->page_h * (plain ? COVER_PLAIN_TOP : COVER_BAND);
	PangoLayout *l;
	char *date;
	struct piece pc = { 0 };
	struct cover cv;
	const char *words[3] = { d->title, d->subtitle, d->strapline };
	static const enum style_role cover_role[3] = { R_TITLE, R_SUBTITLE, R_BODY };

	close_leaf(r);
	elem_begin(r, "Private", NULL);
	set_colour(r->cr, t->accent);
	if (plain)
		cairo_rectangle(r->cr, r->left, t->margin_top, colw, 3);
	else
		cairo_rectangle(r->cr, -t->bleed, -t->bleed, t->page_w + 2 * t->bleed,
		    band + t->bleed);
	cairo_fill(r->cr);
	cairo_tag_end(r->cr, "Private");
	if (t->logo != NULL) {	/* decoration: the title says who publishes */
		double lw, lh, size = 64;

		image_size(t->logo, &lw, &lh);
		elem_begin(r, "Private", NULL);
		image_draw(t->logo, r->cr, r->left, t->margin_top, size, size * lh / lw);
		cairo_tag_end(r->cr, "Private");
	}

	/* The title, subtitle and strapline on the band, smaller where they must be to fit
	 * (validate.c has said when even half size does not). */
	layout_cover(r->ps->ctx, t, d, &cv);
	for (int i = 0; i < 3; i++) {
		if (cv.layout[i] == NULL)
			continue;
		/* The title is the document's one H1. */
		tags_to(r, (struct tag[]){ { i == 0 ? "H1" : "P", words[i], 0 } }, 1);
		pc.colour = plain ? t->role[cover_role[i]].colour : t->accent_text;
		draw_lines(r, &pc, cv.layout[i], 0, pango_layout_get_line_count(cv.layout[i]),
		    r->left, cv.y[i]);
		g_object_unref(cv.layout[i]);
	}
	date = date_text(r, NULL);
	y = plain ? cv.bottom + 48 : band + 28;
	for (int i = 0; i < 2; i++) {
		const char *text = i == 0 ? (d->author ? d->author : "") : date;

		l = simple_layout(r, R_SUBTITLE, text, colw);
		tags_to(r, (struct tag[]){ { "P", &d->date + i, 0 } }, 1);
		pc.colour = i == 0 ? t->role[R_SUBTITLE].colour : t->accent;
		draw_lines(r, &pc, l, 0, pango_layout_get_line_count(l), r->left, y);
		y += pango_layout_get_line_count(l) * t->role[R_SUBTITLE].leading + 4;
		g_object_unref(l);
	}
	free(date);
	if (d->imprint != NULL || d->rights != NULL)
		draw_imprint(r);
}

/* ---- the file ---- */

static void
set_metadata(struct rctx *r)
{
	const struct doc *d = r->d;
	char date[32];
	struct tm tm;

	gmtime_r(&d->date, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_TITLE, d->title);
	if (d->author)
		cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_AUTHOR, d->author);
	if (d->subject)
		cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_SUBJECT, d->subject);
	if (d->keywords)
		cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_KEYWORDS,
		    d->keywords);
	cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_CREATOR,
	    "gen " GEN_VERSION);
	cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(r->surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

/* Crop marks at the trim's corners and a slug line (document, date, page) beyond the
 * bleed, for the printer: artifacts, in black. */
static void
draw_marks(struct rctx *r)
{
	const struct template *t = r->t;
	double o = r->marks + t->bleed, w = t->page_w, h = t->page_h;
	double gap = t->bleed + MARK_GAP, len = MARK_LEN;
	char *date, *text, day[16], page[16], pages[24];
	struct tm tm;
	struct buf slug = { 0 };
	PangoLayout *l;
	struct style st = t->role[R_FOOTER];

	close_leaf(r);
	elem_begin(r, "Private", NULL);
	cairo_save(r->cr);
	cairo_translate(r->cr, o, o);
	set_colour(r->cr, 0x000000);
	cairo_set_line_width(r->cr, 0.25);
	for (int c = 0; c < 4; c++) {
		double x = c % 2 ? w : 0, y = c < 2 ? 0 : h, sx = c % 2 ? 1 : -1;
		double sy = c < 2 ? -1 : 1;

		cairo_move_to(r->cr, x + sx * gap, y);
		cairo_line_to(r->cr, x + sx * (gap + len), y);
		cairo_move_to(r->cr, x, y + sy * gap);
		cairo_line_to(r->cr, x, y + sy * (gap + len));
	}
	cairo_stroke(r->cr);
	gmtime_r(&r->d->date, &tm);
	snprintf(day, sizeof(day), "%02d", tm.tm_mday);
	snprintf(page, sizeof(page), "%d", r->pageno);
	snprintf(pages, sizeof(pages), "%zu", r->ps->n);
	date = date_text(r, day);
	words_fill(&slug, t->word[W_SLUG], (const char *[]){ "file", "title", "date", "page",
	    "pages" }, (const char *[]){ r->d->outname, r->d->title, date, page, pages }, 5, 0);
	text = slug.s != NULL ? slug.s : xstrdup("");
	free(date);
	st.size = 8;
	st.weight = 400;
	st.italic = 0;
	l = layout_text(r->ps->ctx, &st, text, -1);
	pango_layout_set_width(l, (int)((w - 2 * len) * PANGO_SCALE));
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_MIDDLE);
	cairo_move_to(r->cr, len, h + gap + 2);
	pango_cairo_show_layout(r->cr, l);
	g_object_unref(l);
	free(text);
	cairo_restore(r->cr);
	cairo_tag_end(r->cr, "Private");
}

/* The layouts by the page that draws them last (a counting sort): those no page draws, then
 * page 1's, page 2's …; *end says where each page's end, (*end)[p] for page p from 1 and
 * (*end)[0] for those none draws. The caller frees both. */
static size_t *
last_drawn(const struct pages *ps, size_t **end)
{
	GHashTable *at = g_hash_table_new(NULL, NULL);
	size_t *last = xcalloc(ps->nlayouts + 1, sizeof(*last));
	size_t *count = xcalloc(ps->n + 2, sizeof(*count));
	size_t *order = xcalloc(ps->nlayouts + 1, sizeof(*order));

	for (size_t i = 0; i < ps->nlayouts; i++)
		g_hash_table_insert(at, ps->layouts[i], GSIZE_TO_POINTER(i + 1));
	for (size_t i = 0; i < ps->n; i++)
		for (size_t k = 0; k < ps->v[i].n; k++) {
			const struct piece *pc = &ps->v[i].v[k];
			size_t j;

			if (pc->layout != NULL &&
			    (j = GPOINTER_TO_SIZE(g_hash_table_lookup(at, pc->layout))) > 0)
				last[j - 1] = i + 1;
			if (pc->aux != NULL &&
			    (j = GPOINTER_TO_SIZE(g_hash_table_lookup(at, pc->aux))) > 0)
				last[j - 1] = i + 1;
		}
	g_hash_table_destroy(at);
	for (size_t i = 0; i < ps->nlayouts; i++)	/* a counting sort by last page */
		count[last[i] + 1]++;
	for (size_t p = 1; p < ps->n + 2; p++)
		count[p] += count[p - 1];
	for (size_t i = 0; i < ps->nlayouts; i++)
		order[count[last[i]]++] = i;
	free(last);
	*end = count;
	return order;
}

/* Draws every page into the surface, dropping each layout once drawn for the last time. */
static void
draw_pages(struct rctx *r)
{
	const struct template *t = r->t;
	struct pages *ps = (struct pages *)r->ps;
	size_t *end, *order = last_drawn(ps, &end), o = end[0];

	elem_begin(r, "Document", NULL);
	r->open[0] = (struct tag){ "Document", NULL, 9 };
	r->nopen = 1;
	for (size_t i = 0; i < r->ps->n; i++) {
		const struct page *pg = &r->ps->v[i];

		r->pageno = (int)i + 1;
		r->left = r->pageno % 2 ? t->margin_inner : t->margin_outer;
		cairo_save(r->cr);
		cairo_translate(r->cr, t->bleed + r->marks, t->bleed + r->marks);
		/* Nothing reaches past the bleed into the printer's marks. */
		cairo_rectangle(r->cr, -t->bleed, -t->bleed, t->page_w + 2 * t->bleed,
		    t->page_h + 2 * t->bleed);
		cairo_clip(r->cr);
		/* Full-bleed backgrounds first, then the running heads, then the rest. */
		for (size_t k = 0; k < pg->n; k++)
			if (pg->v[k].absolute && pg->v[k].kind == PC_FILL)
				draw_piece(r, &pg->v[k], pg);
		draw_furniture(r, pg);
		if (pg->kind == PG_COVER)
			draw_cover(r);
		for (size_t k = 0; k < pg->n; k++)
			if (!(pg->v[k].absolute && pg->v[k].kind == PC_FILL))
				draw_piece(r, &pg->v[k], pg);
		close_leaf(r);
		cairo_restore(r->cr);
		if (r->marks > 0)
			draw_marks(r);
		cairo_show_page(r->cr);
		for (; o < end[i + 1]; o++) {	/* drawn for the last time */
			g_object_unref(ps->layouts[order[o]]);
			ps->layouts[order[o]] = NULL;
		}
		if (i % TRIM_PAGES == TRIM_PAGES - 1)
			malloc_trim(0);
	}
	free(order);
	free(end);
	while (r->nopen > 0)
		tag_close(r);
}

int
render_pdf(struct gen *g, const struct doc *d, const char *tmp, const char *path)
{
	struct rctx r = { 0 };
	struct buf raw = { NULL, 0, 0 };
	struct pdf_post post = { 0 };
	cairo_status_t st;
	int rc = 0, before;

	r.g = g;
	r.d = d;
	r.t = d->tpl;
	before = g->errors;
	r.ps = layout_document(g, d);
	if (g->errors > before) {	/* text layout cannot set (a figure too wide) */
		pages_free((struct pages *)r.ps);
		return -1;
	}
	/* The second layout thread's arena is left with the holes of what it freed (its widths
	 * of words, about 20 MB at 1,000 sections) between the layouts the pages keep, and no
	 * thread allocates there again: given back before the drawing grows. */
	malloc_trim(0);
	if (g->laid_out != NULL)
		g->laid_out(g->laid_out_arg);
	r.marks = g->marks || d->tpl->marks ? MARK_ROOM : 0;
	r.surface = cairo_pdf_surface_create_for_stream(cairo_to_buf, &raw,
	    d->tpl->page_w + 2 * (d->tpl->bleed + r.marks),
	    d->tpl->page_h + 2 * (d->tpl->bleed + r.marks));
	cairo_pdf_surface_restrict_to_version(r.surface, CAIRO_PDF_VERSION_1_5);
	set_metadata(&r);
	r.cr = cairo_create(r.surface);
	draw_pages(&r);
	cairo_destroy(r.cr);
	cairo_surface_finish(r.surface);
	st = cairo_surface_status(r.surface);
	cairo_surface_destroy(r.surface);
	pages_free((struct pages *)r.ps);	/* before qpdf needs the memory ... */
	malloc_trim(0);		/* ... and back to the system: the layout thread's is not reused */
	if (st != CAIRO_STATUS_SUCCESS) {
		msg(g, MSG_FATAL, path, 0, 0, "cannot write the PDF: %s",
		    cairo_status_to_string(st));
		rc = -1;
	} else {
		post.lang = d->lang;
		post.title = d->title;
		post.author = d->author;
		post.subject = d->subject;
		post.keywords = d->keywords;
		post.date = d->date;
		post.elems = r.elems;
		post.nelems = r.nelems;
		post.bleed = d->tpl->bleed;
		post.marks = r.marks;
		post.inks = d->tpl->inks;
		post.ninks = d->tpl->ninks;
		post.intent = d->tpl->intent;
		post.ua = !d->not_ua;
		if (d->not_ua)
			msg(g, MSG_NOTE, path, 0, 0, "this draft breaks PDF/UA-1 (see the warnings "
			    "above), so its metadata does not claim it");
		rc = pdf_post(g, raw.s, raw.len, tmp, path, &post);
	}
	buf_free(&raw);
	for (size_t i = 0; i < r.nelems; i++) {
		free(r.elems[i].id);
		free(r.elems[i].contents);
	}
	free(r.elems);
	return rc;
}

/* The PDF as a back-end: out/DOC.pdf, put in place by out_end() with the job's other files. */
static int
pdf_write(struct gen *g, const struct doc *d)
{
	char *out = xasprintf("%s/%s.pdf", g->outdir, d->outname);
	int rc = render_pdf(g, d, out, out);

	if (rc == 0 && g->verbose)
		fprintf(stderr, "gen: wrote %s\n", out);
	free(out);
	return rc;
}

const struct backend backend_pdf = {
	.name = "pdf",
	.bit = OUT_PDF,
	.write = pdf_write,
};
