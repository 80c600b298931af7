/* SPDX-License-Identifier: GPL-3.0-or-later */
/* html.c: the HTML twin of a document, from the same validated tree as its PDF: one page, or
 * a page per chapter when the template splits it (<html split="1"/>), with a contents list and
 * previous/next links; one stylesheet made from the template's theme; the fonts and pictures
 * copied beside it. Called by main.c after the PDF; knows no other back-end. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define ASSETS	"assets"	/* the folder beside the pages: stylesheet, fonts, pictures */

/* A page of the HTML: the blocks [first, end) of the document's top level. */
struct hpage {
	const struct node *first, *end;	/* end: the next page's first block, or NULL */
	const struct node *heading;	/* the chapter heading that opens it (NULL: index) */
	char		*file;		/* "index.html", "foreword.html" */
};

/* What the writer carries through a document. */
struct hout {
	struct gen		*g;
	const struct doc	*d;
	const struct template	*t;
	struct hpage		*pages;
	size_t			 npages;
	int			 split;		/* the heading level that starts a page, or 0 */
	const char		*up;		/* the assets folder from a page: "assets/" */
	int			 notes;		/* footnote blocks written: notes' ids are unique */
	int			 svgs;		/* inline SVGs written: their ids are unique */
	int			 tables;	/* tables written: their captions' ids are unique */
	size_t			 page;		/* the page being written: 0 is index.html */
	struct buf		*out;		/* the page being written */
	GHashTable		*copied;	/* pictures put in assets/ already, by name */
	struct staged		*files;		/* what put() was given, when staging ... */
	size_t			 nfiles;
	int			 staging;	/* ... for html_put() to write */
};

/* A file of the twin, made but not yet written. */
struct staged {
	char	*rel;		/* under outdir/OUTNAME */
	char	*data;
	size_t	 len;
};

/* ---- text ---- */

static void
esc(struct buf *b, const char *s)
{
	xml_escape(b, s, strlen(s));
}

/* Appends a URL for an attribute: percent-encoded where a URL cannot hold a byte as it is
 * (a space, a quote, <, >, a control or a non-ASCII byte), and `&` as "&amp;". With `name`
 * set, the URL is one name gen made (a page's or a picture's file), and #, ?, % and the
 * other characters that would end or change a path are encoded too. */
static void
url(struct buf *b, const char *s, int name)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(name ? "-._~/" : "-._~/:@!$'()*+,;=?#%[]", c) != NULL)
			buf_addc(b, (char)c);
		else if (c == '&' && !name)
			buf_adds(b, "&amp;");
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[c >> 4]);
			buf_addc(b, hex[c & 15]);
		}
	}
}

/* The page a heading anchor is on, for a link to it from another page. */
static const char *
page_of_anchor(const struct hout *h, const char *id)
{
	for (size_t i = 0; i < h->npages; i++)
		for (const struct node *n = h->pages[i].first; n != h->pages[i].end; n = n->next) {
			const struct node *stack[MAX_DEPTH + 8];
			int sp = 0;

			stack[sp++] = n;
			while (sp > 0) {	/* the block and what it holds */
				const struct node *x = stack[--sp];

				if (x->id != NULL && strcmp(x->id, id) == 0)
					return h->pages[i].file;
				for (const struct node *c = x->last; c && sp < MAX_DEPTH + 8;
				    c = c->prev)
					stack[sp++] = c;
			}
		}
	return NULL;
}

/* A link's href: a web address as it is; "#anchor" as it is on a single page, or with the
 * page the anchor is on. */
static void
href(struct hout *h, const char *link)
{
	const char *page;

	if (link[0] == '#' && h->npages > 1 && strncmp(link, "#fn-", 4) != 0 &&
	    (page = page_of_anchor(h, link + 1)) != NULL)
		url(h->out, page, 1);
	url(h->out, link, 0);
}

/* The tags open at byte `at` of inline text, outermost first. */
static size_t
open_at(const struct inl *in, size_t at, const struct span **v, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < in->nspans && n < max; i++)
		if (in->spans[i].start <= at && at < in->spans[i].end)
			v[n++] = &in->spans[i];
	return n;
}

static void
open_span(struct hout *h, const struct span *s)
{
	struct buf *b = h->out;

	if (s->style & ST_SUPER) {	/* a footnote reference: its note is in the next block */
		char id[64];

		snprintf(id, sizeof(id), "%d-%s", h->notes + 1, s->link + 4);	/* "#fn-N" */
		buf_adds(b, "<sup class=\"fnref\"><a href=\"#fn");
		url(b, id, 1);
		buf_adds(b, "\" id=\"fnref");
		esc(b, id);
		buf_adds(b, "\" aria-label=\"");
		esc(b, h->t->word[W_NOTE]);
		buf_adds(b, " ");
		esc(b, s->link + 4);
		buf_adds(b, "\">");
		return;
	}
	if (s->style & ST_LINK) {
		buf_adds(b, "<a href=\"");
		href(h, s->link);
		buf_adds(b, "\">");
	}
	if (s->style & ST_STRONG)
		buf_adds(b, "<strong>");
	if (s->style & ST_EM)
		buf_adds(b, "<em>");
	if (s->style & ST_STRIKE)
		buf_adds(b, "<del>");
	if (s->style & ST_CODE)
		buf_adds(b, "<code>");
}

static void
close_span(struct hout *h, const struct span *s)
{
	struct buf *b = h->out;

	if (s->style & ST_SUPER) {
		buf_adds(b, "</a></sup>");
		return;
	}
	if (s->style & ST_CODE)
		buf_adds(b, "</code>");
	if (s->style & ST_STRIKE)
		buf_adds(b, "</del>");
	if (s->style & ST_EM)
		buf_adds(b, "</em>");
	if (s->style & ST_STRONG)
		buf_adds(b, "</strong>");
	if (s->style & ST_LINK)
		buf_adds(b, "</a>");
}

/* Inline text with its spans as nested elements; a hard break as <br>. Spans that cross
 * are closed and opened again, so the elements always nest. */
static void
inlines(struct hout *h, const struct inl *in)
{
	const char *s = inl_str(in);
	size_t len = in->text.len, at = 0;
	const struct span *cur[32];
	size_t ncur = 0;

	while (at < len) {
		const struct span *want[32];
		size_t nwant = open_at(in, at, want, 32), keep = 0, next = len;

		while (keep < ncur && keep < nwant && cur[keep] == want[keep])
			keep++;
		while (ncur > keep)
			close_span(h, cur[--ncur]);
		for (; ncur < nwant; ncur++) {
			cur[ncur] = want[ncur];
			open_span(h, cur[ncur]);
		}
		for (size_t i = 0; i < in->nspans; i++) {	/* the next boundary */
			if (in->spans[i].start > at && in->spans[i].start < next)
				next = in->spans[i].start;
			if (in->spans[i].end > at && in->spans[i].end < next)
				next = in->spans[i].end;
		}
		for (size_t i = at; i < next; i++)
			if (s[i] == '\n') {
				xml_escape(h->out, s + at, i - at);
				buf_adds(h->out, "<br>");
				at = i + 1;
			}
		xml_escape(h->out, s + at, next - at);
		at = next;
	}
	while (ncur > 0)
		close_span(h, cur[--ncur]);
}

/* ---- blocks ---- */

static void blocks(struct hout *, const struct node *first, const struct node *end);

static void
tag_id(struct hout *h, const char *tag, const struct node *n, const char *cls)
{
	buf_adds(h->out, "<");
	buf_adds(h->out, tag);
	if (n != NULL && n->id != NULL) {
		buf_adds(h->out, " id=\"");
		esc(h->out, n->id);
		buf_adds(h->out, "\"");
	}
	if (cls != NULL) {
		buf_adds(h->out, " class=\"");
		buf_adds(h->out, cls);
		buf_adds(h->out, "\"");
	}
	buf_adds(h->out, ">");
}

/* The HTML heading level of a heading: its level in the PDF's structure (validate gives the
 * title 1, a `#` heading 2 …), or on a chapter page of its own, one below the chapter's
 * heading, which is that page's h1. */
static int
heading_level(const struct hout *h, const struct node *n)
{
	int l = n->hlevel > 0 ? n->hlevel : n->level + 1;

	if (h->page > 0)
		l -= h->split;
	return l < 1 ? 1 : l > 6 ? 6 : l;
}

static void
heading(struct hout *h, const struct node *n)
{
	char tag[4];

	snprintf(tag, sizeof(tag), "h%d", heading_level(h, n));
	tag_id(h, tag, n, NULL);
	if (n->label != NULL && n->label[0] != '\0') {	/* numbered, as the PDF numbers it */
		buf_adds(h->out, "<span class=\"pnum\">");
		esc(h->out, n->label);
		buf_adds(h->out, " </span>");
	}
	inlines(h, &n->text);
	buf_adds(h->out, "</");
	buf_adds(h->out, tag);
	buf_adds(h->out, ">\n");
}

static void
paragraph(struct hout *h, const struct node *n)
{
	tag_id(h, "p", n, n->note ? "note" : NULL);
	if (n->label != NULL) {	/* numbered, as the PDF numbers it */
		buf_adds(h->out, "<span class=\"pnum\">");
		esc(h->out, n->label);
		buf_adds(h->out, " </span>");
	}
	inlines(h, &n->text);
	buf_adds(h->out, "</p>\n");
}

static void
list(struct hout *h, const struct node *n)
{
	if (n->ordered) {
		char a[48];

		snprintf(a, sizeof(a), "<ol%s", n->start != 1 ? " start=\"" : "");
		buf_adds(h->out, a);
		if (n->start != 1) {
			snprintf(a, sizeof(a), "%d\"", n->start);
			buf_adds(h->out, a);
		}
		buf_adds(h->out, ">\n");
	} else
		buf_adds(h->out, "<ul>\n");
	for (const struct node *i = n->first; i; i = i->next) {
		buf_adds(h->out, "<li>");
		if (n->tight && i->first && i->first->type == N_PARAGRAPH && i->first->next == NULL)
			inlines(h, &i->first->text);
		else
			blocks(h, i->first, NULL);
		buf_adds(h->out, "</li>\n");
	}
	buf_adds(h->out, n->ordered ? "</ol>\n" : "</ul>\n");
}

/* Whether a cell holds a figure: right-aligned, in tabular figures. */
static int
numeric_cell(const struct node *c)
{
	return c->align == 2;
}

/* The heading (with its id) or part title a block comes under, on the page being written,
 * or NULL (a heading on an earlier page of a split twin names nothing on this one). */
static const struct node *
heading_above(const struct hout *h, const struct node *n)
{
	const struct node *first = h->pages != NULL ? h->pages[h->page].first : NULL;

	for (; n != NULL && n != first; n = n->parent)
		for (const struct node *p = n->prev; p != NULL; p = p->prev) {
			if ((p->type == N_HEADING && p->id != NULL) || p->type == N_DIVIDER)
				return p;
			if (p == first)
				return NULL;
		}
	return NULL;
}

static void
table(struct hout *h, const struct node *n)
{
	const struct node *head = n->rowheads ? NULL : n->first, *above;
	char id[32];

	/* A wide table scrolls on its own, not the page (WCAG 1.4.10): a region a keyboard
	 * can reach and scroll, named by the table's caption, or else by the heading it comes
	 * under, or else by the document's title. */
	snprintf(id, sizeof(id), "tcap-%d", ++h->tables);
	buf_adds(h->out, "<div class=\"table\" role=\"region\" tabindex=\"0\" ");
	if (n->text.text.len > 0) {
		buf_adds(h->out, "aria-labelledby=\"");
		buf_adds(h->out, id);
	} else if ((above = heading_above(h, n)) != NULL && above->type == N_HEADING) {
		buf_adds(h->out, "aria-labelledby=\"");
		esc(h->out, above->id);
	} else if (above != NULL) {	/* a part's title, which has no id */
		buf_adds(h->out, "aria-label=\"");
		esc(h->out, inl_str(&above->text));
	} else {
		buf_adds(h->out, "aria-label=\"");
		esc(h->out, h->d->title);	/* a cover block, first on the page */
	}
	buf_adds(h->out, "\">\n<table>\n");
	if (n->text.text.len > 0) {
		buf_adds(h->out, "<caption id=\"");
		buf_adds(h->out, id);
		buf_adds(h->out, "\">");
		inlines(h, &n->text);
		buf_adds(h->out, "</caption>\n");
	}
	for (const struct node *r = n->first; r; r = r->next) {
		if (r == head)
			buf_adds(h->out, "<thead>\n");
		else if (r == (head ? head->next : n->first))
			buf_adds(h->out, "<tbody>\n");
		else if (r->group)	/* a group's rows: a body of their own */
			buf_adds(h->out, "</tbody>\n<tbody>\n");
		buf_adds(h->out, r->group ? "<tr class=\"group\">" : "<tr>");
		for (const struct node *c = r->first; c; c = c->next) {
			int th = r == head || (n->rowheads && c == r->first) || r->group;
			const char *cls = numeric_cell(c) ? "num" : c->align == 1 ? "centre" : NULL;
			char style[64];

			buf_adds(h->out, th ? "<th scope=\"" : "<td");
			if (r->group && head != NULL) {	/* across the table */
				int ncols = 0;

				for (const struct node *k = head->first; k; k = k->next)
					ncols++;
				snprintf(style, sizeof(style), "rowgroup\" colspan=\"%d\"", ncols);
				buf_adds(h->out, style);
			} else if (th)
				buf_adds(h->out, r == head ? "col\"" : "row\"");
			if (cls != NULL) {
				buf_adds(h->out, " class=\"");
				buf_adds(h->out, cls);
				buf_adds(h->out, "\"");
			}
			if (c->fill != 0) {	/* a status: its colour, beside its word */
				snprintf(style, sizeof(style), " style=\"background:#%06x\"", c->fill);
				buf_adds(h->out, style);
			}
			buf_adds(h->out, ">");
			if (c->hlevel > 0) {	/* the title, in a cover block: the page's h1 */
				snprintf(style, sizeof(style), "<h%d class=\"in-cell\">",
				    heading_level(h, c));
				buf_adds(h->out, style);
			}
			inlines(h, &c->text);
			if (c->hlevel > 0) {
				snprintf(style, sizeof(style), "</h%d>", heading_level(h, c));
				buf_adds(h->out, style);
			}
			buf_adds(h->out, th ? "</th>" : "</td>");
		}
		buf_adds(h->out, "</tr>\n");
		if (r == head)
			buf_adds(h->out, "</thead>\n");
	}
	if (n->first != NULL && (head == NULL || head->next != NULL))
		buf_adds(h->out, "</tbody>\n");
	buf_adds(h->out, "</table>\n</div>\n");
}

static int	put(struct hout *, const char *, const char *, size_t);
static int	same_file(struct hout *, const char *, const char *, size_t);

/* A picture's name in the assets folder: the letters, digits, hyphens and underscores of its
 * file's name (at most 40), then 16 hexadecimal digits of the SHA-256 of what is written, so
 * that the same name is always the same picture, whichever folder or row it came from, and a
 * name needs no escaping in a URL. The caller frees. */
static char *
asset_name(const char *path, const char *data, size_t len, const char *ext)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dot = strrchr(base, '.');
	size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
	char *hash = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	char *name;
	struct buf stem = { 0 };

	for (size_t i = 0; i < n && stem.len < 40; i++) {
		unsigned char c = (unsigned char)base[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-')
			buf_addc(&stem, (char)c);
		else if (stem.len > 0 && stem.s[stem.len - 1] != '-')
			buf_addc(&stem, '-');
	}
	while (stem.len > 0 && stem.s[stem.len - 1] == '-')
		stem.s[--stem.len] = '\0';
	name = xasprintf("%s-%.16s%s", stem.len ? stem.s : "picture", hash, ext);
	g_free(hash);
	buf_free(&stem);
	return name;
}

/* Copies a picture into the assets folder: a PNG or JPEG as it is, an SVG drawn again by
 * librsvg into cairo's SVG, which holds drawing alone (no script, no event attribute, no
 * reference to another file). Returns its file name there (the caller frees), or NULL after
 * msg(). */
static char *
copy_asset(struct hout *h, const char *path)
{
	struct buf svg = { 0 }, clean = { 0 };
	char *data, *name = NULL, *to;
	const char *why = NULL, *ext;
	size_t len;

	if (read_file(h->g, path, 256u << 20, &data, &len) == -1) {
		msg(h->g, MSG_FATAL, path, 0, 0, "cannot read: %s", read_error(errno));
		return NULL;
	}
	if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
		ext = ".png";
	else if (len >= 3 && memcmp(data, "\xff\xd8\xff", 3) == 0)
		ext = ".jpg";
	else if (image_svg_clean(data, len, &svg, &why) == 0) {
		svg_prefix_ids(&clean, svg.s, "p");	/* cairo's ids, numbered alike in every run */
		buf_free(&svg);
		free(data);
		data = clean.s;
		len = clean.len;
		ext = ".svg";
	} else {
		msg(h->g, MSG_FATAL, path, 0, 0, "cannot copy the picture for the HTML: %s",
		    why ? why : "not a PNG, JPEG or SVG file");
		free(data);
		return NULL;
	}
	name = asset_name(path, data, len, ext);
	to = xasprintf("%s%s", h->up, name);
	if (h->copied == NULL)
		h->copied = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	if (g_hash_table_contains(h->copied, name) ||
	    (strncmp(to, "../", 3) == 0 && same_file(h, to, NULL, len)))
		;	/* shown before, or the rows share it: its name says what it holds */
	else if (put(h, to, data, len) == -1) {
		free(name);
		name = NULL;
	} else
		g_hash_table_add(h->copied, xstrdup(name));
	free(to);
	free(data);
	return name;
}

static void
figure(struct hout *h, const struct node *n)
{
	char *name = n->path ? copy_asset(h, n->path) : NULL;

	tag_id(h, "figure", n, NULL);
	if (name != NULL) {
		buf_adds(h->out, "<img src=\"");
		url(h->out, h->up, 1);
		url(h->out, name, 1);
		buf_adds(h->out, "\" alt=\"");
		esc(h->out, n->alt ? n->alt : "");
		buf_adds(h->out, "\">");
	} else {	/* --draft: the picture is missing, and the page says so */
		buf_adds(h->out, "<p class=\"missing\">");
		esc(h->out, h->t->word[W_PICTURE_MISSING]);
		buf_adds(h->out, ": ");
		esc(h->out, n->src ? n->src : "");
		buf_adds(h->out, "</p>");
	}
	if (n->text.text.len > 0) {
		buf_adds(h->out, "<figcaption>");
		inlines(h, &n->text);
		buf_adds(h->out, "</figcaption>");
	}
	buf_adds(h->out, "</figure>\n");
	free(name);
}

static void
footnotes(struct hout *h, const struct node *n)
{
	h->notes++;
	buf_adds(h->out, "<section class=\"footnotes\" aria-label=\"");
	esc(h->out, h->t->word[W_NOTES]);
	buf_adds(h->out, "\">\n<ol>\n");
	for (const struct node *note = n->first; note; note = note->next) {
		char id[64];

		snprintf(id, sizeof(id), "%d-%s", h->notes, note->label ? note->label : "");
		buf_adds(h->out, "<li id=\"fn");
		esc(h->out, id);
		buf_adds(h->out, "\" value=\"");
		esc(h->out, note->label ? note->label : "");
		buf_adds(h->out, "\">");
		blocks(h, note->first, NULL);
		buf_adds(h->out, "<p class=\"back\"><a href=\"#fnref");
		url(h->out, id, 1);
		buf_adds(h->out, "\">");
		esc(h->out, h->t->word[W_BACK]);
		buf_adds(h->out, " ");
		esc(h->out, note->label ? note->label : "");
		buf_adds(h->out, "</a></p></li>\n");
	}
	buf_adds(h->out, "</ol>\n</section>\n");
}

/* ---- pictures drawn by gen (a component's draw()) as inline SVG ---- */

void
html_svg(struct hout *h, const struct node *n, double w, const char *title, const char *desc)
{
	double hgt = n->comp->height(n, w);
	struct buf svg = { 0 };
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(cairo_to_buf, &svg, w, hgt);
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = layout_context();
	char pre[32], *tag;
	const char *open, *gt;

	n->comp->draw(cr, ctx, h->t, n, 0, 0, w);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	cairo_surface_destroy(s);
	g_object_unref(ctx);
	if (svg.s == NULL || (open = strstr(svg.s, "<svg")) == NULL ||
	    (gt = strchr(open, '>')) == NULL) {
		buf_free(&svg);
		return;
	}
	snprintf(pre, sizeof(pre), "s%d-", ++h->svgs);
	/* the opening tag, made to scale, with its name and description */
	tag = xasprintf("<svg viewBox=\"0 0 %g %g\" role=\"img\" aria-labelledby=\"%st %sd\" "
	    "class=\"chart\"><title id=\"%st\">", w, hgt, pre, pre, pre);
	buf_adds(h->out, tag);
	free(tag);
	esc(h->out, title);
	buf_adds(h->out, "</title><desc id=\"");
	buf_adds(h->out, pre);
	buf_adds(h->out, "d\">");
	esc(h->out, desc);
	buf_adds(h->out, "</desc>");
	svg_prefix_ids(h->out, gt + 1, pre);
	buf_adds(h->out, "\n");
	buf_free(&svg);
}

static void
block(struct hout *h, const struct node *n)
{
	switch (n->type) {
	case N_HEADING:
		heading(h, n);
		break;
	case N_PARAGRAPH:
		paragraph(h, n);
		break;
	case N_LIST:
		list(h, n);
		break;
	case N_QUOTE:
		buf_adds(h->out, "<blockquote>\n");
		blocks(h, n->first, NULL);
		buf_adds(h->out, "</blockquote>\n");
		break;
	case N_CODE:
		buf_adds(h->out, "<pre tabindex=\"0\"><code>");
		esc(h->out, inl_str(&n->text));
		buf_adds(h->out, "</code></pre>\n");
		break;
	case N_RULE:
		buf_adds(h->out, "<hr>\n");
		break;
	case N_TABLE:
		table(h, n);
		break;
	case N_FIGURE:
		figure(h, n);
		break;
	case N_FOOTNOTES:
		footnotes(h, n);
		break;
	case N_DIVIDER: {	/* a part's title: a heading, as the PDF tags it */
		char tag[48];

		snprintf(tag, sizeof(tag), "<h%d class=\"divider\">", heading_level(h, n));
		buf_adds(h->out, tag);
		inlines(h, &n->text);
		snprintf(tag, sizeof(tag), "</h%d>\n", heading_level(h, n));
		buf_adds(h->out, tag);
		break;
	}
	case N_COMPONENT:	/* it writes itself */
		if (n->comp->html != NULL)
			n->comp->html(h, n);
		break;
	case N_TOC:		/* the pages have their own contents list */
	case N_DOCUMENT:
	case N_ITEM:
	case N_ROW:
	case N_CELL:
	case N_NOTE:
	case N_PART:
		break;
	}
}

static void
blocks(struct hout *h, const struct node *first, const struct node *end)
{
	for (const struct node *n = first; n != NULL && n != end; n = n->next)
		block(h, n);
}

/* ---- what components write with ---- */

void
html_text(struct hout *h, const char *s)
{
	esc(h->out, s);
}

void
html_raw(struct hout *h, const char *s)
{
	buf_adds(h->out, s);
}

void
html_inlines(struct hout *h, const struct inl *in)
{
	inlines(h, in);
}

void
html_blocks(struct hout *h, const struct node *first)
{
	blocks(h, first, NULL);
}

void
html_table(struct hout *h, const struct node *n)
{
	table(h, n);
}

int
html_heading_level(const struct hout *h, const struct node *n)
{
	return heading_level(h, n);
}

const struct template *
html_template(const struct hout *h)
{
	return h->t;
}

/* ---- pages ---- */

/* The file of a chapter's page: its heading's anchor, cut to 100 bytes (at a hyphen where
 * there is one), never "index" or the name of a page before it (case aside, as some file
 * systems compare names): "-2", "-3" … then. The caller frees. */
static char *
page_file(const struct hout *h, const char *id)
{
	enum { MAX_STEM = 100 };
	size_t n = strlen(id);
	char *stem, *file = NULL;

	if (n > MAX_STEM) {
		size_t cut = MAX_STEM;

		while (cut > 0 && ((unsigned char)id[cut] & 0xc0) == 0x80)
			cut--;
		n = cut;
		while (cut > MAX_STEM / 2 && id[cut] != '-')
			cut--;
		if (id[cut] == '-')
			n = cut;
	}
	stem = n > 0 ? xstrndup(id, n) : xstrdup("chapter");
	for (int k = 1; file == NULL; k++) {
		int taken;

		file = k == 1 ? xasprintf("%s.html", stem) : xasprintf("%s-%d.html", stem, k);
		taken = g_ascii_strcasecmp(file, "index.html") == 0;
		for (size_t i = 0; i < h->npages && !taken; i++)
			taken = h->pages[i].file != NULL &&
			    g_ascii_strcasecmp(h->pages[i].file, file) == 0;
		if (taken) {
			free(file);
			file = NULL;
		}
	}
	free(stem);
	return file;
}

/* Splits the document's blocks into pages at headings of the template's split level. */
static void
paginate(struct hout *h)
{
	const struct node *n;

	h->pages = xcalloc(1, sizeof(*h->pages));
	h->pages[0].first = h->d->root->first;
	h->pages[0].file = xstrdup("index.html");
	h->npages = 1;
	for (n = h->d->root->first; n && h->split > 0; n = n->next) {
		struct hpage *p;
		char *file;

		/* a page for each heading of the level, or each part (a divider with its first
		 * chapter, when that follows it at once) */
		if (n->type == N_DIVIDER ? !h->t->parts : n->type != N_HEADING ||
		    n->level != h->split || (h->t->parts && n->prev != NULL &&
		    n->prev->type == N_DIVIDER))
			continue;
		file = page_file(h, n->id ? n->id : "");
		h->pages = xrealloc(h->pages, (h->npages + 1) * sizeof(*h->pages));
		h->pages[h->npages - 1].end = n;
		p = &h->pages[h->npages++];
		memset(p, 0, sizeof(*p));
		p->first = p->heading = n;
		p->file = file;
	}
}

/* A page's <title>: its chapter's heading and the document's title. The caller frees. */
static char *
page_title(struct hout *h, const struct hpage *p)
{
	return p->heading != NULL ? xasprintf("%s – %s", inl_str(&p->heading->text),
	    h->d->title) : xstrdup(h->d->title);
}

/* Opens a page: its head, with `title` and the stylesheet in `assets` ("assets/"), and
 * the body's skip link. */
static void
page_start(struct hout *h, const char *title, const char *assets)
{
	buf_adds(h->out, "<!DOCTYPE html>\n<html lang=\"");
	esc(h->out, h->d->lang);
	buf_adds(h->out, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n");
	/* Safe to host: no script runs, and nothing is fetched but the page's own files. */
	buf_adds(h->out, "<meta http-equiv=\"Content-Security-Policy\" content=\"" HTML_CSP
	    "\">\n<title>");
	esc(h->out, title);
	buf_adds(h->out, "</title>\n<link rel=\"stylesheet\" href=\"");
	buf_adds(h->out, assets);
	buf_adds(h->out, "gen.css\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	esc(h->out, h->t->word[W_SKIP]);
	buf_adds(h->out, "</a>\n");
}

/* ---- publishing: the way up, the date and the source, the PDF ---- */

/* Where a page's link to its PDF goes: put() writes it there once the PDF's size is known
 * (the twin is made while the PDF is drawn). */
#define PDF_MARK	"<!--gen:pdf-->"

/* Appends the template's words `fmt` (text) with each {name} of names[] filled in with
 * html[] (HTML); appends nothing, and returns 0, when a value it names is empty. */
static int
fill(struct buf *b, const char *fmt, const char *const names[], const char *const html[],
    size_t n)
{
	struct buf o = { 0 };
	int whole = words_fill(&o, fmt, names, html, n, 1) == 0;

	if (whole && o.s != NULL)
		buf_add(b, o.s, o.len);
	buf_free(&o);
	return whole;
}

/* A line of what a page says of its publication: fill()'s words, or nothing. */
static void
meta_line(struct hout *h, const char *fmt, const char *const names[],
    const char *const html[], size_t n)
{
	struct buf o = { 0 };

	if (fill(&o, fmt, names, html, n) && o.len > 0) {
		buf_adds(h->out, "<p class=\"pub\">");
		buf_add(h->out, o.s, o.len);
		buf_adds(h->out, "</p>\n");
	}
	buf_free(&o);
}

/* The lines that say when the document was published, by whom, and where its figures come
 * from, in the template's words; a line whose value the document lacks is left out. */
static void
published(struct hout *h)
{
	static const char *const pub[] = { "date", "author" }, *const src[] = { "source" };
	struct buf author = { 0 }, source = { 0 }, when = { 0 }, date = { 0 };
	char day[16], iso[48];
	struct tm tm;

	gmtime_r(&h->d->date, &tm);
	snprintf(day, sizeof(day), "%d", tm.tm_mday);
	snprintf(iso, sizeof(iso), "<time datetime=\"%04d-%02d-%02d\">", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	date_words(&when, h->t->word, &tm, day);
	buf_adds(&date, iso);
	esc(&date, when.s != NULL ? when.s : "");
	buf_adds(&date, "</time>");
	buf_free(&when);
	if (h->d->author != NULL)
		esc(&author, h->d->author);
	if (h->d->source != NULL)
		esc(&source, h->d->source);
	meta_line(h, h->t->html_published, pub, (const char *[]){ date.s, author.s }, 2);
	meta_line(h, h->t->html_source, src, (const char *[]){ source.s }, 1);
	buf_free(&date);
	buf_free(&author);
	buf_free(&source);
}

/* The name of the row being built (its cell in the column that names the outputs). */
static const char *
row_name(const struct doc *d, size_t r)
{
	const struct table *t = d->data.row_table;

	return t->cells[r * t->ncols + (size_t)csv_column(t, d->tpl->per_row_name)].text;
}

/* The title of the list of a per-row document's outputs: `list-title:`, or else the
 * subtitle when it names no row, or else the folder's name. */
static const char *
list_title(const struct doc *d)
{
	const struct fm_entry *e = frontmatter_get(&d->fm, "subtitle");

	if (d->list_title != NULL)
		return d->list_title;
	return e != NULL && *e->value && strstr(e->value, "{{") == NULL ? e->value : d->name;
}

/* The top of every page: the way up (to the document's first page from a chapter, to the
 * list of outputs from a row's page), a row's date and source, and the link to the PDF. */
static void
masthead(struct hout *h, const struct hpage *p)
{
	if (h->d->data.row_table == NULL && p->heading == NULL && h->t->cover)
		return;		/* the title block says it all, and links to the PDF */
	buf_adds(h->out, "<header class=\"masthead\">\n");
	if (h->d->data.row_table != NULL) {
		buf_adds(h->out, "<nav class=\"crumbs\"><ol><li><a href=\"../index.html\">");
		esc(h->out, list_title(h->d));
		buf_adds(h->out, "</a></li><li aria-current=\"page\">");
		esc(h->out, row_name(h->d, h->d->data.row));
		buf_adds(h->out, "</li></ol></nav>\n");
		published(h);
	} else if (p->heading != NULL) {	/* a chapter: the document it belongs to */
		buf_adds(h->out, "<p class=\"up\"><a href=\"index.html\">");
		esc(h->out, h->d->title);
		buf_adds(h->out, "</a></p>\n");
	}
	if (p->heading != NULL || !h->t->cover)	/* else it ends the title block */
		buf_adds(h->out, PDF_MARK "\n");
	buf_adds(h->out, "</header>\n");
}

/* The link to the PDF, `bytes` long, in the template's words: "Download the PDF (1.2 MB)". */
static void
download(struct hout *h, struct buf *b, size_t bytes)
{
	static const char *const names[] = { "size" };
	const char *base = strrchr(h->d->outname, '/');
	char size[32];

	if (bytes < 1000 * 1024)
		snprintf(size, sizeof(size), "%zu KB", bytes < 512 ? (size_t)1 :
		    (bytes + 512) / 1024);
	else
		snprintf(size, sizeof(size), "%.1f MB", bytes / (1024.0 * 1024.0));
	buf_adds(b, "<p class=\"download\"><a href=\"../");
	url(b, base ? base + 1 : h->d->outname, 1);
	buf_adds(b, ".pdf\" type=\"application/pdf\">");
	fill(b, h->t->html_download, names, (const char *[]){ size }, 1);
	buf_adds(b, "</a></p>");
}

/* `text` (a page) with its PDF_MARK replaced by the link to the PDF: the one this build
 * wrote, or else the one out/ holds (--html-only); by nothing when there is none. The
 * caller frees. */
static char *
with_download(struct hout *h, const char *text, size_t len, size_t *outlen)
{
	const char *m = memmem(text, len, PDF_MARK, strlen(PDF_MARK));
	size_t bytes = h->g->pdf_bytes;
	struct buf b = { 0 };
	struct stat st;
	char *pdf;

	if (m == NULL)
		return NULL;
	if (bytes == 0) {
		pdf = xasprintf("%s/%s.pdf", h->g->outdir, h->d->outname);
		if (stat(pdf, &st) == 0 && S_ISREG(st.st_mode))
			bytes = (size_t)st.st_size;
		free(pdf);
	}
	buf_add(&b, text, (size_t)(m - text));
	if (bytes > 0)
		download(h, &b, bytes);
	buf_add(&b, m + strlen(PDF_MARK), len - (size_t)(m - text) - strlen(PDF_MARK));
	*outlen = b.len;
	return b.s;
}

/* The list of a per-row document's outputs (../index.html beside their folders, the same
 * from every row): its title, date and source, and a link to each row's page. The caller
 * frees. */
static char *
list_page(struct hout *h)
{
	const struct table *t = h->d->data.row_table;
	struct buf page = { 0 }, *keep = h->out;
	char *slug;

	h->out = &page;
	page_start(h, list_title(h->d), ASSETS "/");
	buf_adds(&page, "<main id=\"main\" tabindex=\"-1\">\n<h1>");
	esc(&page, list_title(h->d));
	buf_adds(&page, "</h1>\n");
	published(h);
	buf_adds(&page, "<ul class=\"outputs\">\n");
	for (size_t r = 0; r < t->nrows; r++) {
		slug = file_slug(row_name(h->d, r));
		buf_adds(&page, "<li><a href=\"");
		url(&page, slug, 1);
		buf_adds(&page, "/index.html\">");
		esc(&page, row_name(h->d, r));
		buf_adds(&page, "</a></li>\n");
		free(slug);
	}
	buf_adds(&page, "</ul>\n</main>\n</body>\n</html>\n");
	h->out = keep;
	return page.s;
}

/* The document's title block: what the PDF's cover says. */
static void
title_block(struct hout *h)
{
	struct buf date = { 0 };
	struct tm tm;

	if (!h->t->cover)	/* the title is in the tree: a cover block's, the panels' ... */
		return;
	buf_adds(h->out, "<div class=\"cover\">\n<h1>");
	esc(h->out, h->d->title);
	buf_adds(h->out, "</h1>\n");
	if (h->d->subtitle) {
		buf_adds(h->out, "<p class=\"subtitle\">");
		esc(h->out, h->d->subtitle);
		buf_adds(h->out, "</p>\n");
	}
	if (h->d->strapline) {
		buf_adds(h->out, "<p class=\"strapline\">");
		esc(h->out, h->d->strapline);
		buf_adds(h->out, "</p>\n");
	}
	gmtime_r(&h->d->date, &tm);
	date_words(&date, h->t->word, &tm, NULL);
	buf_adds(h->out, "<p class=\"meta\">");
	if (h->d->author) {
		esc(h->out, h->d->author);
		buf_adds(h->out, "</p>\n<p class=\"meta\">");
	}
	esc(h->out, date.s != NULL ? date.s : "");
	buf_adds(h->out, "</p>\n");
	buf_free(&date);
	for (const char *p = h->d->imprint; p != NULL && *p; ) {	/* as the cover's foot */
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *para = xstrndup(p, len);

		buf_adds(h->out, "<p class=\"imprint\">");
		esc(h->out, para);
		buf_adds(h->out, "</p>\n");
		free(para);
		p = e ? e + 1 : p + len;
	}
	if (h->d->rights != NULL) {
		buf_adds(h->out, "<p class=\"imprint\">");
		esc(h->out, h->d->rights);
		buf_adds(h->out, "</p>\n");
	}
	buf_adds(h->out, PDF_MARK "\n</div>\n");
}

static void
contents(struct hout *h)
{
	buf_adds(h->out, "<nav class=\"contents\" aria-labelledby=\"contents-h\">\n"
	    "<h2 id=\"contents-h\">");
	esc(h->out, contents_title(h->t));
	buf_adds(h->out, "</h2>\n<ol>\n");
	for (size_t i = 1; i < h->npages; i++) {
		buf_adds(h->out, "<li><a href=\"");
		url(h->out, h->pages[i].file, 1);
		buf_adds(h->out, "\">");
		esc(h->out, inl_str(&h->pages[i].heading->text));
		buf_adds(h->out, "</a></li>\n");
	}
	buf_adds(h->out, "</ol>\n</nav>\n");
}

static void
pager(struct hout *h, size_t i)
{
	if (h->npages < 2)
		return;
	buf_adds(h->out, "<nav class=\"pager\" aria-label=\"");
	esc(h->out, h->t->word[W_PAGER]);
	buf_adds(h->out, "\">\n<ul>\n");
	if (i > 0) {
		buf_adds(h->out, "<li><a rel=\"prev\" href=\"");
		url(h->out, h->pages[i - 1].file, 1);
		buf_adds(h->out, "\">");
		esc(h->out, h->t->word[W_PREVIOUS]);
		buf_adds(h->out, " ");
		esc(h->out, i > 1 ? inl_str(&h->pages[i - 1].heading->text) :
		    contents_title(h->t));
		buf_adds(h->out, "</a></li>\n");
	}
	if (i + 1 < h->npages) {
		buf_adds(h->out, "<li><a rel=\"next\" href=\"");
		url(h->out, h->pages[i + 1].file, 1);
		buf_adds(h->out, "\">");
		esc(h->out, h->t->word[W_NEXT]);
		buf_adds(h->out, " ");
		esc(h->out, inl_str(&h->pages[i + 1].heading->text));
		buf_adds(h->out, "</a></li>\n");
	}
	buf_adds(h->out, "</ul>\n</nav>\n");
}

static void
write_page(struct hout *h, size_t i)
{
	const struct hpage *p = &h->pages[i];
	char *title = page_title(h, p);

	page_start(h, title, h->up);
	free(title);
	masthead(h, p);
	buf_adds(h->out, "<main id=\"main\" tabindex=\"-1\">\n");
	if (i == 0) {
		title_block(h);
		if (h->npages > 1)
			contents(h);
	}
	blocks(h, p->first, p->end);
	buf_adds(h->out, "</main>\n");
	pager(h, i);
	buf_adds(h->out, "<footer class=\"foot\">\n");
	if (indicators_illustrative(&h->d->data)) {
		buf_adds(h->out, "<p class=\"caveat\">");
		esc(h->out, h->t->word[W_ILLUSTRATIVE]);
		buf_adds(h->out, "</p>\n");
	}
	buf_adds(h->out, "</footer>\n</body>\n</html>\n");
}

/* ---- the stylesheet ---- */

void
css_colour(struct buf *b, const char *prop, unsigned c)
{
	char s[48];

	snprintf(s, sizeof(s), "%s:#%06x;", prop, c);
	buf_adds(b, s);
}

/* A style as CSS: its family, weight, style, size relative to the body's and colour. */
static void
css_style(struct buf *b, const struct template *t, enum style_role r)
{
	const struct style *s = &t->role[r], *body = &t->role[R_BODY];
	char v[160];

	snprintf(v, sizeof(v), "font-family:\"%s\",sans-serif;font-weight:%d;font-style:%s;"
	    "font-size:%.3grem;line-height:%.3g;", s->family, s->weight, s->italic ? "italic" :
	    "normal", s->size / body->size, s->leading / s->size);
	buf_adds(b, v);
	css_colour(b, "color", s->colour);
}

/* The font files the theme uses, as @font-face rules; their files copied by copy_fonts(). */
static const struct {
	const char	*file;		/* in fonts/ */
	const char	*family;
	int		 weight, italic;
} font_files[] = {
	{ "inter/Inter-Regular.otf", "Inter", 400, 0 },
	{ "inter/Inter-Italic.otf", "Inter", 400, 1 },
	{ "inter/Inter-SemiBold.otf", "Inter", 600, 0 },
	{ "inter/Inter-SemiBoldItalic.otf", "Inter", 600, 1 },
	{ "inter/Inter-Bold.otf", "Inter", 700, 0 },
	{ "inter/Inter-BoldItalic.otf", "Inter", 700, 1 },
	{ "fira-code/FiraCode-Regular.ttf", "Fira Code", 400, 0 },
	{ "fira-code/FiraCode-Bold.ttf", "Fira Code", 700, 0 },
};

static char *
stylesheet(const struct template *t)
{
	struct buf b = { 0 };
	char v[512];

	for (size_t i = 0; i < sizeof(font_files) / sizeof(font_files[0]); i++) {
		const char *base = strrchr(font_files[i].file, '/') + 1;

		snprintf(v, sizeof(v), "@font-face{font-family:\"%s\";src:url(\"fonts/%s\") "
		    "format(\"opentype\");font-weight:%d;font-style:%s;font-display:swap}\n",
		    font_files[i].family, base, font_files[i].weight,
		    font_files[i].italic ? "italic" : "normal");
		buf_adds(&b, v);
	}
	buf_adds(&b, "html{font-size:112.5%;-webkit-text-size-adjust:100%}\n"
	    "body{margin:0;background:#fff;");
	css_style(&b, t, R_BODY);
	buf_adds(&b, "font-size:1rem;line-height:1.5}\n");
	buf_adds(&b, "main,.masthead,.pager,.foot{max-width:46rem;margin:0 auto;padding:0 1rem}\n"
	    "main{padding-bottom:2rem}\n*{box-sizing:border-box}\n"
	    "p,li,td,th,dd{overflow-wrap:break-word}\n");
	for (int l = 1; l <= 4; l++) {	/* the theme's headings, a level down: h1 is the title */
		static const double most[] = { 1.75, 1.4, 1.2, 1.05 };

		snprintf(v, sizeof(v), "h%d{", l + 1);
		buf_adds(&b, v);
		css_style(&b, t, (enum style_role)(R_H1 + l - 1));
		snprintf(v, sizeof(v), "font-size:min(%.3grem,%.3grem);margin:1.6em 0 .5em}\n",
		    t->role[R_H1 + l - 1].size / t->role[R_BODY].size, most[l - 1]);
		buf_adds(&b, v);
	}
	buf_adds(&b, "h1{");
	css_style(&b, t, R_TITLE);
	css_colour(&b, "color", t->accent);	/* the title's own colour is for the cover band */
	buf_adds(&b, "font-size:2.2rem;line-height:1.15;margin:1.5rem 0 1rem}\n"
	    "h6{font-size:1rem}\nh1,h2,h3{overflow-wrap:break-word;hyphens:auto}\n"
	    "@media (max-width:30rem){h1{font-size:1.6rem}h2{font-size:min(1.4rem,1.75rem)}}\n.pnum{font-weight:600;margin-right:.6em}\n");
	buf_adds(&b, "a{");
	css_colour(&b, "color", t->accent);
	buf_adds(&b, "text-decoration:underline;text-underline-offset:.15em}\n"
	    "a:hover{text-decoration-thickness:3px}\n"
	    ":focus-visible{outline:3px solid #ffdd00;box-shadow:0 0 0 6px #0b0c0c;"
	    "outline-offset:0}\n"
	    ".skip{position:absolute;left:-9999px;top:0;padding:.5rem 1rem;background:#fff}\n"
	    ".skip:focus{left:0;z-index:10}\n");
	buf_adds(&b, ".cover{border-bottom:6px solid ");
	snprintf(v, sizeof(v), "#%06x", t->accent);
	buf_adds(&b, v);
	buf_adds(&b, ";margin-bottom:2rem;padding-bottom:1rem}\n.subtitle{font-size:1.4rem;"
	    "font-weight:600;margin:.25rem 0}\n.strapline{font-style:italic;font-size:1.15rem}\n"
	    ".imprint{font-size:.85rem}\n"
	    ".meta{margin:.25rem 0}\n");
	buf_adds(&b, ".masthead{padding-top:1rem}\n.masthead p,.pub{margin:.25rem 0}\n"
	    ".cover .download{margin-top:1rem}\n"
	    ".up{font-weight:600}\n.crumbs ol{list-style:none;margin:0 0 .5rem;padding:0;"
	    "display:flex;flex-wrap:wrap}\n.crumbs li+li::before{content:\"\\203a\";content:\"\\203a\"/\"\";"
	    "margin:0 .5em}\n.download a{font-weight:600}\n"
	    ".outputs{padding-left:1.25rem}\n.outputs li{margin:.4rem 0}\n"
	    ".contents ol{padding-left:1.5rem}\n.contents li{margin:.35rem 0}\n"
	    ".pager ul{list-style:none;padding:1rem 0;margin:0;display:flex;flex-wrap:wrap;"
	    "gap:1rem;justify-content:space-between;border-top:1px solid #b1b4b6}\n"
	    ".foot{font-size:.9rem;padding-bottom:2rem}\n.caveat{font-weight:600}\n");
	buf_adds(&b, "blockquote{margin:1rem 0;padding-left:1rem;border-left:5px solid ");
	buf_adds(&b, v);
	buf_adds(&b, "}\npre{overflow-x:auto;padding:.75rem;background:#f3f2f1}\ncode{");
	css_style(&b, t, R_CODE);
	buf_adds(&b, "font-size:.9em}\nhr{border:0;border-top:1px solid #b1b4b6}\n"
	    "img{max-width:100%;height:auto}\nfigure{margin:1.5rem 0}\n"
	    "figcaption,caption{");
	css_style(&b, t, R_CAPTION);
	buf_adds(&b, "font-size:.9rem;text-align:left;padding:.25rem 0}\n");
	buf_adds(&b, ".table{overflow-x:auto;margin:1rem 0}\ntable{border-collapse:collapse;"
	    "width:100%;font-size:.9rem}\nth,td{padding:.4rem .5rem;vertical-align:top;"
	    "text-align:left;border-bottom:1px solid ");
	snprintf(v, sizeof(v), "#%06x", t->rule);
	buf_adds(&b, v);
	buf_adds(&b, "}\nthead th{");
	css_colour(&b, "background", t->accent);
	css_colour(&b, "color", t->accent_text);
	buf_adds(&b, "}\ntbody th{font-weight:600;");
	css_colour(&b, "background", t->band);
	buf_adds(&b, "}\ntbody tr:nth-child(even) td{");
	css_colour(&b, "background", t->band);
	/* under a group's row, banded from the second row, as the PDF bands them */
	buf_adds(&b, "}\n.group~tr td{background:none}\n.group~tr:nth-child(odd) td{");
	css_colour(&b, "background", t->band);
	buf_adds(&b, "}\n.group th{font-weight:700;");
	css_colour(&b, "border-top:2px solid", t->accent);
	buf_adds(&b, "}\n.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	    "th.num,td.num{min-width:0}\n.centre{text-align:center}\n.note{font-size:.9rem}\n");
	buf_adds(&b, ".footnotes{margin-top:2rem;border-top:1px solid #b1b4b6;font-size:.9rem}\n"
	    ".back{margin:.25rem 0}\n.fnref a{text-decoration:none;padding:0 .15em}\n"
	    "h2.divider,h1.divider{font-size:1.8rem;font-weight:700;padding:1.5rem 1rem;margin:2rem 0;");
	css_colour(&b, "background", t->accent);
	css_colour(&b, "color", t->accent_text);
	buf_adds(&b, "}\n.in-cell{font:inherit;color:inherit;margin:0}\ndetails{margin:.5rem 0}\n"
	    "summary{cursor:pointer}\n.defs{position:absolute;width:0;height:0}\n"
	    ".headline{font-size:1.6rem;font-weight:700;line-height:1.2;margin:1.5rem 0 1rem;");
	css_colour(&b, "color", t->accent);
	buf_adds(&b, "}\n");
	for (size_t i = 0; component_nth(i) != NULL; i++)	/* what each component needs */
		if (component_nth(i)->css != NULL)
			component_nth(i)->css(&b, t);
	buf_adds(&b, "@media print{.skip,.pager,.masthead{display:none}html{font-size:11pt}"
	    "main{max-width:none}a{color:inherit}.table{overflow:visible}"
	    "details{display:block}h2,h3,h4{break-after:avoid}tr,figure{break-inside:avoid}}\n");
	return b.s;
}

/* The path of `rel`: under outdir/OUTNAME, or, for ".." and "../…" (the list of a per-row
 * document's rows and the assets they share), the document's folder and under it. The
 * caller frees. */
static char *
out_path(const struct hout *h, const char *rel)
{
	const char *slash = strrchr(h->d->outname, '/');

	if (strcmp(rel, "..") == 0 && slash != NULL)	/* the document's folder itself */
		return xasprintf("%s/%.*s", h->g->outdir, (int)(slash - h->d->outname),
		    h->d->outname);
	if (strncmp(rel, "../", 3) == 0 && slash != NULL)
		return xasprintf("%s/%.*s/%s", h->g->outdir, (int)(slash - h->d->outname),
		    h->d->outname, rel + 3);
	return *rel ? xasprintf("%s/%s/%s", h->g->outdir, h->d->outname, rel) :
	    xasprintf("%s/%s", h->g->outdir, h->d->outname);
}

/* Writes `text` to `rel` (out_path(); a page with its link to the PDF), or keeps a copy for
 * html_put() when staging.
 * Returns 0, or -1 after msg(). */
static int
put(struct hout *h, const char *rel, const char *text, size_t len)
{
	char *path, *page;
	int rc;

	if (h->staging) {
		struct staged *f;

		h->files = xrealloc(h->files, (h->nfiles + 1) * sizeof(*h->files));
		f = &h->files[h->nfiles++];
		f->rel = xstrdup(rel);
		f->data = xmalloc(len + 1);
		memcpy(f->data, text, len);
		f->len = len;
		return 0;
	}
	path = out_path(h, rel);
	page = with_download(h, text, len, &len);
	rc = write_file_said(h->g, path, page ? page : text, len);
	free(page);
	free(path);
	return rc;
}

/* Makes the folder `rel` (out_path()) and those above it (when staging, html_put() will). */
static int
folder(struct hout *h, const char *rel)
{
	char *path;
	int rc = 0;

	if (h->staging)
		return 0;
	path = out_path(h, rel);
	if ((rc = out_mkdir(path)) == -1)
		msg(h->g, MSG_FATAL, path, 0, 0, "cannot make the folder: %s", strerror(errno));
	free(path);
	return rc;
}

/* Whether `rel` (out_path()) holds `len` bytes, and these bytes when `data` is given: for
 * the assets the rows of a document share, which outlast each row's build. */
static int
same_file(struct hout *h, const char *rel, const char *data, size_t len)
{
	char *path = out_path(h, rel), *old = xmalloc(len + 1);
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd = out_open(path), same;

	free(path);
	same = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
	while (same && data != NULL && got < len && (n = read(fd, old + got, len - got)) > 0)
		got += (size_t)n;
	if (same && data != NULL)
		same = got == len && memcmp(old, data, len) == 0;
	if (fd >= 0)
		close(fd);
	free(old);
	return same;
}

/* The stylesheet and the fonts, in the assets folder. The rows of a per-row document share
 * theirs, written where they are not there yet or not the same; a document's own are made
 * with the rest of its folder (where unchanged, write_file() links the old file). */
static int
write_assets(struct hout *h)
{
	char *css = stylesheet(h->t), *rel, *src, *data;
	int shared = strncmp(h->up, "../", 3) == 0;
	size_t len;
	struct stat st;
	int rc, installed;

	rel = xasprintf("%sfonts", h->up);
	rc = folder(h, rel);
	free(rel);
	rel = xasprintf("%sgen.css", h->up);
	if (rc == 0 && !(shared && same_file(h, rel, css, strlen(css))))
		rc = put(h, rel, css, strlen(css));
	free(rel);
	free(css);
	for (size_t i = 0; rc == 0 && i < sizeof(font_files) / sizeof(font_files[0]); i++) {
		rel = xasprintf("fonts/%s", font_files[i].file);	/* the project's, or installed */
		src = project_file(h->g, rel, &installed);
		free(rel);
		rel = xasprintf("%sfonts/%s", h->up, strrchr(font_files[i].file, '/') + 1);
		if (shared && stat(src, &st) == 0 && same_file(h, rel, NULL, (size_t)st.st_size))
			;	/* the font is there */
		else if (read_file(NULL, src, 64u << 20, &data, &len) == -1) {
			msg(h->g, MSG_FATAL, src, 0, 0, "cannot read: %s", strerror(errno));
			rc = -1;
		} else {
			rc = put(h, rel, data, len);
			free(data);
		}
		free(rel);
		free(src);
	}
	return rc;
}

/* Writes the twin's pages through put(). Returns 0, or -1 after msg(). */
static int
write_twin(struct hout *h)
{
	int rc = 0;
	struct buf page = { 0 };

	if (folder(h, h->up) == -1 || write_assets(h) == -1)
		return -1;
	if (h->d->data.row_table != NULL) {	/* the list of the rows' pages, shared */
		char *list = list_page(h);

		if (!same_file(h, "../index.html", list, strlen(list)))
			rc = put(h, "../index.html", list, strlen(list));
		free(list);
		if (rc == -1)
			return -1;
	}
	paginate(h);
	for (size_t i = 0; rc == 0 && i < h->npages; i++) {
		h->page = i;
		h->out = &page;
		page.len = 0;
		if (page.s != NULL)
			page.s[0] = '\0';
		write_page(h, i);
		rc = put(h, h->pages[i].file, page.s, page.len);
	}
	buf_free(&page);
	for (size_t i = 0; i < h->npages; i++)
		free(h->pages[i].file);
	free(h->pages);
	h->pages = NULL;
	h->npages = 0;
	if (h->copied != NULL)
		g_hash_table_destroy(h->copied);
	h->copied = NULL;
	return rc;
}

static void
twin_init(struct hout *h, struct gen *g, const struct doc *d)
{
	*h = (struct hout){ .g = g, .d = d, .t = d->tpl };
	/* the rows of a per-row document share their assets */
	h->up = d->data.row_table != NULL ? "../" ASSETS "/" : ASSETS "/";
	h->split = d->tpl->html_split;
}

int
html_write(struct gen *g, const struct doc *d)
{
	struct hout h;

	twin_init(&h, g, d);
	return write_twin(&h);
}

/* The twin made by html_make(): its files, staged. */
struct html_twin {
	struct hout	 h;
};

struct html_twin *
html_make(struct gen *g, const struct doc *d)
{
	struct html_twin *tw = xmalloc(sizeof(*tw));

	twin_init(&tw->h, g, d);
	tw->h.staging = 1;
	if (write_twin(&tw->h) == -1) {
		html_free(tw);
		return NULL;
	}
	return tw;
}

int
html_put(struct html_twin *tw, struct gen *g)
{
	struct hout *h = &tw->h;
	int rc = 0;

	h->g = g;
	h->staging = 0;
	for (size_t i = 0; rc == 0 && i < h->nfiles; i++) {
		const struct staged *f = &h->files[i];
		char *dir = xstrdup(f->rel), *slash = strrchr(dir, '/');

		if (slash != NULL) {
			*slash = '\0';
			rc = folder(h, dir);
		} else
			rc = folder(h, "");
		free(dir);
		if (rc == 0)
			rc = put(h, f->rel, f->data, f->len);
	}
	return rc;
}

void
html_free(struct html_twin *tw)
{
	if (tw == NULL)
		return;
	for (size_t i = 0; i < tw->h.nfiles; i++) {
		free(tw->h.files[i].rel);
		free(tw->h.files[i].data);
	}
	free(tw->h.files);
	free(tw);
}

/* The twin as a back-end: written at once, or made in memory beside the PDF and put later. */
static void *
twin_make(struct gen *g, const struct doc *d)
{
	return html_make(g, d);
}

static int
twin_put(void *made, struct gen *g)
{
	return html_put(made, g);
}

static void
twin_free(void *made)
{
	html_free(made);
}

const struct backend backend_html = {
	.name = "html",
	.bit = OUT_HTML,
	.write = html_write,
	.make = twin_make,
	.put = twin_put,
	.free = twin_free,
};
