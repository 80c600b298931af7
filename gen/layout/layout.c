/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout.c: lines and pages. Pango breaks each block into lines (linebreak.c does it first
 * for text set left); this file stacks blocks down the text column, keeps headings with what
 * follows, never leaves a single line of a paragraph alone at a page's foot or head, and
 * lends components the page interface (gen.h) to place themselves with; footnotes, tables,
 * the contents and the second thread are in layout_*.c. Called by render.c; hands on
 * struct pages. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"
#include "layout.h"

/* The indent of a list or quote inside frame `fr`: `want`, or 0 from where it would leave
 * lines narrower than the column's MIN_MEASURE (validate.c warns there); `in` is the
 * frame inside, capped from then on. */
static double
indent(const struct flow *f, const struct frame *fr, double want, struct frame *in)
{
	if (!fr->capped && fr->w - want >= f->width * MIN_MEASURE)
		return want;
	in->capped = 1;
	return 0;
}

PangoContext *
layout_context(void)
{
	PangoContext *ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	cairo_font_options_t *fo = cairo_font_options_create();

	pango_cairo_context_set_resolution(ctx, 72);
	pango_context_set_round_glyph_positions(ctx, FALSE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(ctx, pango_language_from_string("en-gb"));
	return ctx;
}

static PangoFontDescription *
style_font(const struct style *s)
{
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, s->family);
	pango_font_description_set_weight(fd, (PangoWeight)s->weight);
	pango_font_description_set_style(fd, s->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_absolute_size(fd, s->size * PANGO_SCALE);
	return fd;
}

PangoLayout *
layout_text(PangoContext *ctx, const struct style *s, const char *text, double width)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = style_font(s);
	size_t *at, nat;
	char *broken = width > 0 ? break_long_words(text, strlen(text), &at, &nat) : NULL;

	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, PT(width));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, broken ? broken : text, -1);
	if (broken != NULL) {
		free(broken);
		free(at);
	}
	return l;
}

static void
attr_add(PangoAttrList *al, PangoAttribute *a, size_t start, size_t end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(al, a);
}

/* Everything a layout is made from, as a string: layouts with equal keys are equal. The
 * family and the text go in with their lengths, so no two inputs give the same key. */
static char *
layout_key(const struct style *s, const struct inl *in, const char *text, int width, int opts)
{
	struct buf b = { NULL, 0, 0 };
	char num[160];

	snprintf(num, sizeof(num), "%d %d %.17g %.17g %d %d %zu:", s->weight, s->italic, s->size,
	    s->leading, width, opts, strlen(s->family));
	buf_adds(&b, num);
	buf_adds(&b, s->family);
	for (size_t i = 0; in != NULL && i < in->nspans; i++) {
		snprintf(num, sizeof(num), " %zu-%zu-%u", in->spans[i].start, in->spans[i].end,
		    in->spans[i].style);
		buf_adds(&b, num);
	}
	snprintf(num, sizeof(num), " %zu:", strlen(text));
	buf_adds(&b, num);
	buf_adds(&b, text);
	return b.s;
}

/* Counts `l` among the layouts the pages own. */
static void
own_layout(struct flow *f, PangoLayout *l)
{
	f->ps->layouts = xrealloc(f->ps->layouts, (f->ps->nlayouts + 1) * sizeof(PangoLayout *));
	f->ps->layouts[f->ps->nlayouts++] = l;
}

/* Makes a layout of `text` in style `s`, `width` pt wide (or unbroken when `width` <= 0),
 * with the inline spans styled; `opts` are LO_* bits. */
PangoLayout *
make_layout(struct flow *f, const struct style *s, const struct inl *in, const char *text,
    double width, int opts)
{
	PangoLayout *l;
	PangoFontDescription *fd;
	PangoAttrList *al;
	const struct style *cs = &f->t->role[R_CODE];
	size_t len = strlen(text);
	int w = width > 0 ? (PT(width) > 0 ? PT(width) : 1) : -1;
	char *key = f->ahead != NULL || f->reuse != NULL ? layout_key(s, in, text, w, opts) :
	    NULL;
	GQueue *q;

	if (f->ahead != NULL && !f->storing && (q = g_hash_table_lookup(f->ahead, key)) != NULL &&
	    (l = g_queue_pop_head(q)) != NULL) {
		free(key);
		if (!(opts & LO_TEMP))
			own_layout(f, l);
		return l;
	}
	if (f->reuse != NULL && (l = g_hash_table_lookup(f->reuse, key)) != NULL) {
		free(key);
		g_object_ref(l);	/* drawn as it is: layouts do not change */
		if (!(opts & LO_TEMP))
			own_layout(f, l);
		return l;
	}
	l = pango_layout_new(f->ps->ctx);
	fd = style_font(s);
	al = pango_attr_list_new();
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_wrap(l, opts & LO_CODE ? PANGO_WRAP_CHAR : opts & LO_WORDS ?
	    PANGO_WRAP_WORD : PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, opts & LO_CENTRE ? PANGO_ALIGN_CENTER : opts & LO_RIGHT ?
	    PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	attr_add(al, pango_attr_line_height_new_absolute(PT(s->leading)), 0, len);
	g_object_set_data(G_OBJECT(l), "gen-pitch", GINT_TO_POINTER(PT(s->leading)));
	if (opts & LO_CODE)
		attr_add(al, pango_attr_font_features_new("liga 0, calt 0"), 0, len);
	if (opts & LO_TNUM)
		attr_add(al, pango_attr_font_features_new("tnum 1"), 0, len);
	for (size_t i = 0; in != NULL && i < in->nspans; i++) {
		const struct span *sp = &in->spans[i];

		if (sp->style & ST_EM)
			attr_add(al, pango_attr_style_new(s->italic ? PANGO_STYLE_NORMAL :
			    PANGO_STYLE_ITALIC), sp->start, sp->end);
		if (sp->style & ST_STRONG)
			attr_add(al, pango_attr_weight_new(PANGO_WEIGHT_BOLD), sp->start, sp->end);
		if (sp->style & ST_STRIKE)
			attr_add(al, pango_attr_strikethrough_new(TRUE), sp->start, sp->end);
		if (sp->style & ST_LINK) {
			attr_add(al, pango_attr_foreground_new((guint16)((f->t->accent >> 16) * 257),
			    (guint16)(((f->t->accent >> 8) & 0xff) * 257),
			    (guint16)((f->t->accent & 0xff) * 257)), sp->start, sp->end);
			if (!(sp->style & ST_SUPER))
				attr_add(al, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE),
				    sp->start, sp->end);
		}
		/* Smaller here; render.c raises it, so the line keeps its pitch. */
		if (sp->style & ST_SUPER)
			attr_add(al, pango_attr_size_new_absolute(PT(fmax(MIN_TEXT_PT,
			    s->size * SUPER_SCALE))), sp->start, sp->end);
	}
	/* Code last, so emphasis around it cannot ask for a code face fonts/ lacks. */
	for (size_t i = 0; in != NULL && i < in->nspans; i++) {
		const struct span *sp = &in->spans[i];

		if (!(sp->style & ST_CODE))
			continue;
		attr_add(al, pango_attr_family_new(cs->family), sp->start, sp->end);
		attr_add(al, pango_attr_style_new(PANGO_STYLE_NORMAL), sp->start, sp->end);
		attr_add(al, pango_attr_size_new_absolute(PT(fmax(MIN_TEXT_PT, s->size * 0.9))),
		    sp->start, sp->end);
		attr_add(al, pango_attr_font_features_new("liga 0, calt 0"), sp->start, sp->end);
	}
	if (opts & LO_HANG) {	/* each item's lines after its first under its words */
		PangoLayout *b = pango_layout_new(f->ps->ctx);
		PangoRectangle br;

		pango_layout_set_font_description(b, pango_layout_get_font_description(l));
		pango_layout_set_text(b, "\xe2\x80\xa2\xc2\xa0", -1);
		pango_layout_get_extents(b, NULL, &br);
		pango_layout_set_indent(l, -br.width);
		g_object_unref(b);
	}
	if (w <= 0 || (opts & (LO_CODE | LO_WORDS | LO_CENTRE | LO_RIGHT | LO_HANG)) ||
	    pre_break(&f->widths, f->ps->ctx, l, text, len, al, w, !(opts & LO_PANGO)) != 0) {
		pango_layout_set_width(l, w);	/* pango breaks it */
		pango_layout_set_text(l, text, (int)len);
		pango_layout_set_attributes(l, al);
	}
	pango_attr_list_unref(al);
	if (f->storing) {		/* the worker's: measured now, taken later */
		layout_lines(l);
		if ((q = g_hash_table_lookup(f->ahead, key)) == NULL) {
			q = g_queue_new();
			g_hash_table_insert(f->ahead, key, q);
		} else
			free(key);
		g_queue_push_tail(q, l);
		if (opts & LO_TEMP)
			g_object_ref(l);	/* the queue's, and the caller's */
	} else {
		if (f->reuse != NULL)
			g_hash_table_insert(f->reuse, key, g_object_ref(l));
		else
			free(key);
		if (!(opts & LO_TEMP))
			own_layout(f, l);
	}
	return l;
}

/* ---- pages and pieces ---- */

struct page *
cur_page(struct flow *f)
{
	return &f->ps->v[f->ps->n - 1];
}


/* Where the text column ends on this page: above the footnotes it holds. */
double
column_end(const struct flow *f)
{
	return f->bottom - f->foot_h;
}

void
new_page(struct flow *f, enum page_kind kind)
{
	struct page *p;

	if (f->ps->n > 0)
		flush_foot(f);

	f->ps->v = xrealloc(f->ps->v, (f->ps->n + 1) * sizeof(*f->ps->v));
	p = &f->ps->v[f->ps->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->chapter = f->chapter;
	p->part = f->part;
	f->y = f->top;
	f->space = 0;
	f->fresh = 1;
}

struct piece *
add_piece(struct flow *f, enum piece_kind kind, const struct node *n, double x, double y,
    double w, double h)
{
	struct page *p = cur_page(f);
	struct piece *pc;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	pc = &p->v[p->n++];
	memset(pc, 0, sizeof(*pc));
	pc->kind = kind;
	pc->node = n;
	pc->x = x;
	pc->y = y;
	pc->w = w;
	pc->h = h;
	pc->colour = 0x1a1a1a;
	return pc;
}

/* Moves to a new body page unless the current one is still empty. */
static void
break_page(struct flow *f)
{
	if (!f->fresh)
		new_page(f, PG_BODY);
}

/* The gap before a block: the larger of what the last block owes and what this one asks,
 * none at the top of a page. */
double
space_above(struct flow *f, double before)
{
	if (f->fresh)
		return 0;
	return f->space > before ? f->space : before;
}

/* Places the waiting list label beside the first line at baseline `base`. */
static void
place_label(struct flow *f, double base)
{
	struct piece *pc;
	int b;

	if (!f->has_label)
		return;
	b = pango_layout_get_baseline(f->label.layout);
	pc = add_piece(f, PC_TEXT, f->label.node, f->label.x, base - FROM_PANGO(b),
	    f->label.w, 0);
	pc->layout = f->label.layout;
	pc->role = RO_LABEL;
	pc->line0 = 0;
	pc->line1 = 1;
	pc->colour = f->label.colour;
	f->has_label = 0;
}

static void
lines_destroy(gpointer p)
{
	struct lines *ln = p;

	free(ln->top);
	free(ln->line);
	free(ln);
}

const struct lines *
layout_lines(PangoLayout *l)
{
	struct lines *ln = g_object_get_data(G_OBJECT(l), "gen-lines");
	const struct glyph_lines *gl;
	PangoLayoutIter *it;
	double pitch, ascent = 1e9;
	int i = 0;

	if (ln != NULL)		/* measured once, whatever draws it afterwards */
		return ln;
	ln = xcalloc(1, sizeof(*ln));
	pitch = FROM_PANGO(GPOINTER_TO_INT(g_object_get_data(G_OBJECT(l), "gen-pitch")));
	ln->n = layout_line_count(l);
	ln->top = xmalloc(4 * (size_t)ln->n * sizeof(double));
	ln->h = ln->top + ln->n;
	ln->base = ln->h + ln->n;
	ln->x = ln->base + ln->n;
	ln->line = xcalloc((size_t)ln->n, sizeof(*ln->line));
	if ((gl = glyph_lines(l)) != NULL) {	/* set from kept glyphs: pango's geometry */
		for (i = 0; i < ln->n; i++) {
			ln->top[i] = FROM_PANGO(i * gl->height);
			ln->h[i] = FROM_PANGO(gl->height);
			ln->base[i] = FROM_PANGO(i * gl->height + gl->baseline);
			ln->x[i] = 0;
			ln->line[i] = gl->line[i];
			ascent = fmin(ascent, ln->base[i] - ln->top[i]);
		}
		goto pitched;
	}
	it = pango_layout_get_iter(l);
	do {
		PangoRectangle logical;

		pango_layout_iter_get_line_extents(it, NULL, &logical);
		ln->top[i] = FROM_PANGO(logical.y);
		ln->h[i] = FROM_PANGO(logical.height);
		ln->base[i] = FROM_PANGO(pango_layout_iter_get_baseline(it));
		ln->x[i] = FROM_PANGO(logical.x);
		ln->line[i] = pango_layout_iter_get_line_readonly(it);
		ascent = fmin(ascent, ln->base[i] - ln->top[i]);
		i++;
	} while (i < ln->n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
pitched:
	/* Text set to a pitch keeps it, whatever smaller type a line holds. */
	for (i = 0; pitch > 0 && i < ln->n; i++) {
		ln->top[i] = ln->top[0] + i * pitch;
		ln->h[i] = pitch;
		ln->base[i] = ln->top[i] + ascent;
	}
	g_object_set_data_full(G_OBJECT(l), "gen-lines", ln, lines_destroy);
	return ln;
}

/* Height of lines [a, b). */
double
lines_h(const struct lines *ln, int a, int b)
{
	return b > a ? ln->top[b - 1] + ln->h[b - 1] - ln->top[a] : 0;
}

/* Whether block n follows other content inside its q-th enclosing quote (counting from the
 * outermost, 0), so that quote's bar runs on through the gap above n. */
static int
quote_continues(const struct node *n, int q, int depth)
{
	int level = depth;

	for (; n != NULL && level > q; n = n->parent) {
		if (n->prev != NULL)
			return 1;
		if (n->parent != NULL && n->parent->type == N_QUOTE)
			level--;
	}
	return 0;
}

/* Draws quote bars beside a fragment from y0 to y1; `gap` is the space above it, which a
 * bar bridges when the quote goes on from above. */
static void
quote_bars(struct flow *f, const struct node *n, const struct frame *fr, double y0,
    double y1, double gap)
{
	for (int q = 0; q < fr->bars; q++) {
		double top = y0 - (quote_continues(n, q, fr->quote) ? gap : 0);
		struct piece *pc = add_piece(f, PC_RULE, NULL, fr->bar[q], top, 2.5, y1 - top);

		pc->colour = 0xc8d3e6;
		pc->role = RO_ARTIFACT;
	}
}

/* Of n lines, m fit: how many may stay, kept to the widow and orphan rule. */
int
keep_lines(int n, int m, int min)
{
	if (m == n)
		return m;
	if (n - m < min)
		m = n - min;
	if (m < min && n >= min)
		m = 0;
	return m < 0 ? 0 : m;
}

int
layout_fit_lines(const double *top, const double *h, int nlines, int k, double room, int min)
{
	int n = nlines - k, m = 0;

	while (m < n && top[k + m] + h[k + m] - top[k] <= room + 0.01)
		m++;
	return keep_lines(n, m, min);
}

/* ---- blocks ---- */

double
layout_h(PangoLayout *l)
{
	PangoRectangle lr;

	layout_extents(l, &lr);
	return FROM_PANGO(lr.height);
}

/* The width of `in` laid out `width` pt wide with `opts`: measured, and let go. */
double
text_width(struct flow *f, const struct style *s, const struct inl *in, double width, int opts)
{
	PangoLayout *l = make_layout(f, s, in, inl_str(in), width, opts | LO_TEMP);
	PangoRectangle lr;

	layout_extents(l, &lr);
	g_object_unref(l);
	return FROM_PANGO(lr.width);
}

/* Stacks a laid-out text block down the pages, splitting between lines where it must. */
static void
place_text(struct flow *f, const struct node *n, PangoLayout *l, const struct frame *fr,
    double before, double after, unsigned colour, int fill)
{
	const struct lines *lp = layout_lines(l);
	struct lines ln = *lp;
	int k = 0, first = 1;
	double pad = fill ? CODE_PAD : 0, above;

	above = space_above(f, before);
	f->y += above;
	while (k < ln.n) {
		double room = column_end(f) - f->y - 2 * pad;
		int m = fit_with_notes(f, n, l, &ln, k, room);
		struct piece *pc;

		if (m == 0 && f->fresh)
			m = 1;	/* a line taller than the page: set it rather than loop */
		if (m == 0) {
			new_page(f, PG_BODY);
			continue;
		}
		if (fill) {
			pc = add_piece(f, PC_FILL, n, fr->x, f->y, fr->w, lines_h(&ln, k, k + m) +
			    2 * pad);
			pc->colour = 0xf1f3f6;
			pc->role = RO_ARTIFACT;
		}
		quote_bars(f, n, fr, f->y, f->y + lines_h(&ln, k, k + m) + 2 * pad,
		    first ? above : 0);
		place_label(f, f->y + pad + ln.base[k] - ln.top[k]);
		pc = add_piece(f, PC_TEXT, n, fr->x + pad, f->y + pad, fr->w - 2 * pad,
		    lines_h(&ln, k, k + m));
		pc->layout = l;
		pc->line0 = k;
		pc->line1 = k + m;
		pc->colour = colour;
		pc->first = first;
		first = 0;
		take_notes(f, n, l, k, k + m);
		f->y += lines_h(&ln, k, k + m) + 2 * pad;
		f->fresh = 0;
		k += m;
		if (k < ln.n)
			new_page(f, PG_BODY);
	}
	f->space = after;
}

#define NUM_INDENT 34.0	/* pt: numbered paragraphs hang their numbers in this */

/* Numbered paragraphs (a committee report's 1.1, 1.2): a chapter heading takes the next
 * number, each paragraph after it the next sub-number, hung in the margin of the frame. */
static struct frame
number_block(struct flow *f, const struct node *n, struct frame fr)
{
	const struct style *s = NULL;
	PangoRectangle lr;

	if (!f->t->numbered || n->parent == NULL || n->parent->type != N_DOCUMENT)
		return fr;
	if (n->type == N_HEADING && n->level == 1)	/* validate.c numbered the chapter */
		f->chapter_no = n->label != NULL;
	if (!f->chapter_no)
		return fr;
	if (f->t->numbered == NUMBER_CONTINUOUS && n->type != N_PARAGRAPH &&
	    n->type != N_LIST && n->type != N_QUOTE && n->type != N_CODE)
		return fr;	/* headings, tables and figures at the margin; text indented,
				 * the paragraphs' numbers hung in the margin it leaves */
	if (n->label != NULL && n->label[0] != '\0')
		s = n->type == N_HEADING ? &f->t->role[R_H1] : text_style(f, &fr);
	if (s != NULL) {
		f->label.layout = make_layout(f, s, NULL, n->label, -1, 0);
		pango_layout_get_extents(f->label.layout, NULL, &lr);
		f->label.node = n;
		f->label.x = fr.x;
		f->label.w = FROM_PANGO(lr.width);
		f->label.colour = s->colour;
		f->has_label = 1;
	}
	fr.x += NUM_INDENT;
	fr.w -= NUM_INDENT;
	return fr;
}

/* A divider page: the part's title large on the accent colour, to the bleed. */
static void
place_divider(struct flow *f, const struct node *n)
{
	const struct template *t = f->t;
	const struct style *s = &t->role[R_TITLE];
	PangoLayout *l = make_layout(f, s, &n->text, inl_str(&n->text), f->width, 0);
	struct piece *pc;

	break_page(f);
	cur_page(f)->bare = 1;
	cur_page(f)->opens_chapter = 1;
	if (t->parts && n->id != NULL) {	/* a part: in the contents, over its chapters */
		f->part = n;
		f->chapter = NULL;
		f->heads = xrealloc(f->heads, (f->nheads + 1) * sizeof(*f->heads));
		f->head_page = xrealloc(f->head_page, (f->nheads + 1) * sizeof(*f->head_page));
		f->heads[f->nheads] = n;
		f->head_page[f->nheads] = (int)f->ps->n - 1;
		f->nheads++;
	}
	pc = add_piece(f, PC_FILL, n, -t->bleed, -t->bleed, t->page_w + 2 * t->bleed,
	    t->page_h + 2 * t->bleed);
	pc->absolute = 1;
	pc->colour = t->accent;
	pc->role = RO_ARTIFACT;
	pc = add_piece(f, PC_TEXT, n, 0, t->page_h * 0.38, f->width, layout_h(l));
	pc->layout = l;
	pc->line1 = layout_line_count(l);
	pc->colour = t->accent_text;
	pc->first = 1;
	f->fresh = 0;
	new_page(f, PG_BODY);
}



const struct style *
text_style(struct flow *f, const struct frame *fr)
{
	return &f->t->role[fr->role];
}


/* Height of a block's first lines, for keeping a heading with what follows it. */
static double
lead_height(struct flow *f, const struct node *n, const struct frame *fr)
{
	while (n != NULL && (n->type == N_LIST || n->type == N_ITEM || n->type == N_QUOTE ||
	    n->type == N_FOOTNOTES || n->type == N_NOTE))
		n = n->first;
	if (n == NULL)
		return 0;
	if (n->type == N_PARAGRAPH && !n->note) {
		/* its first lines as set; a paragraph too short to split by the widow and
		 * orphan rule comes whole */
		const struct style *s = text_style(f, fr);
		PangoLayout *l = make_layout(f, s, &n->text, inl_str(&n->text), fr->w, 0);
		const struct lines *ln = layout_lines(l);
		int k = ln->n < 2 * MIN_LINES ? ln->n : MIN_LINES;

		f->lead_n = n;
		f->lead_s = s;
		f->lead_w = fr->w;
		f->lead_l = l;

		return s->before + (k > 0 ? ln->top[k - 1] + ln->h[k - 1] : 0);
	}
	if (n->type == N_PARAGRAPH || n->type == N_CODE) {
		const struct style *s = text_style(f, fr);
		int lines = (int)(n->text.text.len / 60) + 1;

		return s->before + s->leading * (lines < MIN_LINES ? lines : MIN_LINES);
	}
	if (n->type == N_HEADING)
		return 0;	/* chains of headings are handled heading by heading */
	if (n->type == N_TABLE)
		return table_lead(f, n, fr);
	if (n->type == N_COMPONENT && n->comp->place == flow_place_box)
		return n->comp->height(n, fr->w) + 10;
	if (n->type == N_FIGURE && n->image != NULL) {
		double w, h;

		image_size(n->image, &w, &h);
		return fmin(h * fmin(1.0, fr->w / w), (f->bottom - f->top) * 0.6);
	}
	return 40;
}


/* About how tall the section that heading n opens is, up to the next heading of its level
 * or above, by its words; -1 for a section with a table, a chart, a figure or tiles, which
 * opens a page of its own. */
static double
chapter_height(struct flow *f, const struct node *n)
{
	const struct style *body = &f->t->role[R_BODY];
	double h = 0, per_line = f->width / (body->size * 0.5);

	for (const struct node *b = n; b != NULL; b = b->next) {
		if (b != n && b->type == N_HEADING && b->level <= n->level)
			break;
		switch (b->type) {
		case N_TABLE: case N_FIGURE: case N_COMPONENT: case N_DIVIDER:
			return -1;
		default:
			h += (ceil((double)text_weight(b) / per_line) + 1) * body->leading;
		}
	}
	return h;
}

/* A heading's page break (enum page_break): an appendix, or a chapter whose template asks,
 * opens a page; on a right-hand page after a blank one if need be; or, with "auto", unless
 * the page the last chapter ended on is less than PB_AUTO_SHARE full or the chapter fits
 * whole in what is left of it (a chapter with a table, chart, figure or tiles always opens
 * a page). */
static void
heading_break(struct flow *f, const struct node *n, int how)
{
	double h = chapter_height(f, n);

	if (how == PB_AUTO && h >= 0 && (f->y - f->top < PB_AUTO_SHARE * (column_end(f) - f->top) ||
	    f->y + space_above(f, f->t->role[R_H1].before) + h <= column_end(f)))
		return;
	break_page(f);
	if (how == PB_RIGHT && f->ps->n % 2 == 0) {	/* a left-hand page: left blank */
		cur_page(f)->bare = 1;
		new_page(f, PG_BODY);
	}
}

static void
place_heading(struct flow *f, const struct node *n, const struct frame *fr)
{
	int level = n->level < 1 ? 1 : n->level > 4 ? 4 : n->level;
	/* The document's title, set where there is no cover to hold it, above the chapters. */
	int title = n->type == N_HEADING && n->hlevel == 1;
	const struct style *s = &f->t->role[title ? R_TITLE : R_H1 + level - 1];
	PangoLayout *l = make_layout(f, s, &n->text, inl_str(&n->text), fr->w, 0);
	PangoRectangle logical;
	double need;
	const struct node *next = n->next;

	if (!title && (s->page_break || (level == 1 && n->appendix)) && fr->quote == 0 &&
	    n->parent->type == N_DOCUMENT)
		heading_break(f, n, n->appendix ? PB_YES : s->page_break);
	layout_extents(l, &logical);
	need = space_above(f, s->before) + FROM_PANGO(logical.height);
	/* Keep with what follows: a chain of headings and the first lines after them. */
	while (next != NULL && next->type == N_HEADING) {
		need += f->t->role[R_H1 + (next->level > 4 ? 3 : next->level - 1)].before +
		    f->t->role[R_H1 + (next->level > 4 ? 3 : next->level - 1)].leading;
		next = next->next;
	}
	need += s->after + lead_height(f, next, fr);
	if (!f->fresh && f->y + need > column_end(f))
		new_page(f, PG_BODY);
	if (level == 1 && n->parent->type == N_DOCUMENT) {
		f->chapter = n;
		if (f->fresh) {
			cur_page(f)->chapter = n;
			if (s->page_break || n->appendix)	/* a chapter's opening page */
				cur_page(f)->opens_chapter = 1;
		}
	}
	if (n->id != NULL && level <= 4 && !title) {
		f->heads = xrealloc(f->heads, (f->nheads + 1) * sizeof(*f->heads));
		f->head_page = xrealloc(f->head_page, (f->nheads + 1) * sizeof(*f->head_page));
		f->heads[f->nheads] = n;
		f->head_page[f->nheads] = (int)f->ps->n - 1;
		f->nheads++;
	}
	place_text(f, n, l, fr, s->before, s->after, s->colour, 0);
}

static void
place_paragraph(struct flow *f, const struct node *n, const struct frame *fr)
{
	/* a component's note (a status table's rule) is set as a caption */
	const struct style *s = n->note ? &f->t->role[R_CAPTION] : text_style(f, fr);
	PangoLayout *l = f->lead_n == n && f->lead_s == s && f->lead_w == fr->w ? f->lead_l :
	    make_layout(f, s, &n->text, inl_str(&n->text), fr->w, 0);
	double after = fr->tight && n->next == NULL ? TIGHT_AFTER : fr->tight ? TIGHT_AFTER :
	    s->after;

	place_text(f, n, l, fr, s->before, after, fr->quote ? 0x3a3f4a : s->colour, 0);
}

static void
place_code(struct flow *f, const struct node *n, const struct frame *fr)
{
	const struct style *s = &f->t->role[R_CODE];
	PangoLayout *l = make_layout(f, s, NULL, inl_str(&n->text),
	    fr->w - 2 * CODE_PAD, LO_CODE);

	place_text(f, n, l, fr, s->before + 2, text_style(f, fr)->after, s->colour, 1);
}

static void
place_rule(struct flow *f, const struct node *n, const struct frame *fr)
{
	const struct style *s = text_style(f, fr);
	struct piece *pc;

	f->y += space_above(f, s->after);
	if (f->y + s->after + 1 > column_end(f))
		new_page(f, PG_BODY);
	pc = add_piece(f, PC_RULE, n, fr->x, f->y + s->after / 2, fr->w, 0.75);
	pc->colour = 0x9aa5b8;
	pc->role = RO_ARTIFACT;
	f->y += s->after + 1;
	f->fresh = 0;
	f->space = s->after;
}

static void
place_figure(struct flow *f, const struct node *n, const struct frame *fr)
{
	const struct style *cs = &f->t->role[R_CAPTION];
	PangoLayout *cap = NULL;
	PangoRectangle logical = { 0 };
	double w, h, scale, total;
	struct piece *pc;

	if (n->image != NULL)
		image_size(n->image, &w, &h);
	else {			/* a draft's missing picture: a frame to hold its place */
		w = fr->w * 0.6;
		h = 90;
	}
	scale = fmin(1.0, fmin(fr->w / w, (f->bottom - f->top) * 0.6 / h));
	w *= scale;
	h *= scale;
	if (n->text.text.len > 0) {
		cap = make_layout(f, cs, &n->text, inl_str(&n->text), fr->w, LO_CENTRE);
		pango_layout_get_extents(cap, NULL, &logical);
	}
	f->y += space_above(f, text_style(f, fr)->after);
	total = h + (cap ? cs->before + FROM_PANGO(logical.height) : 0);
	if (!f->fresh && f->y + total > column_end(f))
		new_page(f, PG_BODY);
	pc = add_piece(f, PC_IMAGE, n, fr->x + (fr->w - w) / 2, f->y, w, h);
	pc->first = 1;
	f->y += h;
	f->fresh = 0;
	if (cap != NULL) {
		pc = add_piece(f, PC_TEXT, n, fr->x, f->y + cs->before, fr->w,
		    FROM_PANGO(logical.height));
		pc->layout = cap;
		pc->line0 = 0;
		pc->line1 = pango_layout_get_line_count(cap);
		pc->role = RO_CAPTION;
		pc->colour = cs->colour;
		f->y += cs->before + FROM_PANGO(logical.height);
	}
	f->space = cs->after;
}

static void
place_list(struct flow *f, const struct node *list, struct frame fr)
{
	const struct style *s = text_style(f, &fr);
	struct frame inner = fr;
	double in_by = indent(f, &fr, list->ordered ? LIST_INDENT + 6 : LIST_INDENT, &inner);
	int index = 0;

	if (list->parent->type == N_DOCUMENT || list->parent->type == N_QUOTE)
		f->y += space_above(f, 0);
	for (const struct node *it = list->first; it; it = it->next, index++) {
		struct frame in = inner;
		PangoLayout *lab;
		PangoRectangle logical;

		in.x = fr.x + in_by;
		in.w = fr.w - in_by;
		in.tight = list->tight;
		if (f->has_label) {	/* an item that opens with a list: its label first */
			f->y += space_above(f, 0);
			place_label(f, f->y + FROM_PANGO(pango_layout_get_baseline(f->label.layout)));
		}
		lab = make_layout(f, s, NULL, it->label, -1, 0);
		pango_layout_get_extents(lab, NULL, &logical);
		f->label.layout = lab;
		f->label.node = it;
		f->label.x = in.x - LABEL_GAP - FROM_PANGO(logical.width);
		f->label.w = FROM_PANGO(logical.width);
		f->label.colour = list->ordered ? s->colour : f->t->accent;
		f->has_label = 1;
		if (it->first == NULL) {
			/* an empty item: its label alone */
			f->y += space_above(f, 0);
			if (f->y + s->leading > column_end(f))
				new_page(f, PG_BODY);
			place_label(f, f->y + FROM_PANGO(pango_layout_get_baseline(lab)));
			f->y += s->leading;
			f->fresh = 0;
			f->space = list->tight ? TIGHT_AFTER : s->after;
		} else
			place_blocks(f, it->first, in);
		f->has_label = 0;
	}
	f->space = fr.tight ? TIGHT_AFTER : s->after;	/* a list inside a tight list */
}

/* ---- the page interface: what components place themselves with (gen.h) ---- */

const struct template *
flow_template(const struct flow *f)
{
	return f->t;
}

double
flow_width(const struct flow *f)
{
	return f->width;
}

double
flow_y(const struct flow *f)
{
	return f->y;
}

double
flow_bottom(const struct flow *f)
{
	return column_end(f);
}

int
flow_fresh(const struct flow *f)
{
	return f->fresh;
}

void
flow_gap(struct flow *f, double before)
{
	f->y += space_above(f, before);
}

void
flow_break(struct flow *f)
{
	break_page(f);
}

void
flow_need(struct flow *f, double h)
{
	if (!f->fresh && f->y + h > column_end(f))
		new_page(f, PG_BODY);
}

void
flow_end(struct flow *f, double y, double space)
{
	if (y != f->y)
		f->fresh = 0;
	f->y = y;
	f->space = space;
}

struct piece *
flow_add(struct flow *f, enum piece_kind kind, const struct node *n, double x, double y,
    double w, double h)
{
	return add_piece(f, kind, n, x, y, w, h);
}

PangoLayout *
flow_text(struct flow *f, const struct style *s, const struct inl *in, const char *text,
    double width)
{
	return make_layout(f, s, in, text, width, LO_PANGO);	/* a component asks pango */
}

struct piece *
flow_add_text(struct flow *f, const struct node *n, PangoLayout *l, double x, double y,
    double w, unsigned colour)
{
	struct piece *pc = add_piece(f, PC_TEXT, n, x, y, w, layout_h(l));

	pc->layout = l;
	pc->line1 = layout_line_count(l);
	pc->colour = colour;
	pc->first = 1;
	return pc;
}

double
flow_text_width(struct flow *f, const struct style *s, const struct inl *in, int words)
{
	return text_width(f, s, in, words ? 1.0 / PANGO_SCALE : -1, words ? LO_WORDS : 0);
}

double
layout_height(PangoLayout *l)
{
	return layout_h(l);
}

void **
flow_memo(struct flow *f, const struct component *c)
{
	for (size_t i = 0; i < f->nmemos; i++)
		if (f->memos[i].comp == c)
			return &f->memos[i].data;
	f->memos = xrealloc(f->memos, (f->nmemos + 1) * sizeof(*f->memos));
	f->memos[f->nmemos] = (struct memo){ c, NULL };
	return &f->memos[f->nmemos++].data;
}

/* A component's box (a chart), kept whole on a page, like a figure. */
void
flow_place_box(struct flow *f, const struct node *n, const struct column *col)
{
	double h = n->comp->height(n, col->w);
	struct piece *pc;

	f->y += space_above(f, 10);
	if (!f->fresh && f->y + h > column_end(f))
		new_page(f, PG_BODY);
	pc = add_piece(f, PC_PANEL, n, col->x, f->y, col->w, h);
	pc->first = 1;
	f->y += h;
	f->fresh = 0;
	f->space = 12;
}


/* Places a run of sibling blocks starting at `n`, in frame `fr`. */
void
place_blocks(struct flow *f, const struct node *n, struct frame fr0)
{
	for (; n != NULL; n = n->next) {
		struct frame fr, in;

		if (n == f->split)	/* from here on, the worker's layouts */
			ahead_join(f);
		if (f->t->front_roman && f->body_start == 0 && !f->storing && n->parent != NULL &&
		    n->parent->type == N_DOCUMENT && strcmp(n->file, f->d->files[0]) != 0) {
			break_page(f);	/* the body's page 1 */
			f->body_start = (int)f->ps->n - 1;
		}
		fr = number_block(f, n, fr0);
		in = fr;

		switch (n->type) {
		case N_DIVIDER:
			place_divider(f, n);
			break;
		case N_COMPONENT:	/* by itself; the component is not named here */
			if (n->comp->place != NULL)
				n->comp->place(f, n, &(struct column){ fr.x, fr.w,
				    text_style(f, &fr) });
			break;
		case N_PART:		/* placed by its component */
			break;
		case N_HEADING:
			place_heading(f, n, &fr);
			break;
		case N_PARAGRAPH:
			place_paragraph(f, n, &fr);
			break;
		case N_CODE:
			place_code(f, n, &fr);
			break;
		case N_RULE:
			place_rule(f, n, &fr);
			break;
		case N_FIGURE:
			place_figure(f, n, &fr);
			break;
		case N_LIST:
			place_list(f, n, fr);
			break;
		case N_QUOTE:
			if ((in.x = indent(f, &fr, QUOTE_INDENT, &in)) > 0 && fr.bars < MAX_BARS)
				in.bar[in.bars++] = fr.x;	/* its bar, in the indent */
			in.w = fr.w - in.x;
			in.x += fr.x;
			in.quote = fr.quote + 1;
			place_blocks(f, n->first, in);
			f->space = text_style(f, &fr)->after;
			break;
		case N_TABLE:
			place_table(f, n, &fr);
			break;
		case N_FOOTNOTES:	/* set at the foot of the pages that refer to them */
			break;
		case N_DOCUMENT:
		case N_ITEM:
		case N_ROW:
		case N_CELL:
		case N_NOTE:
		case N_TOC:
			place_blocks(f, n->first, fr);
			break;
		}
	}
}

/* Frees what a flow gathered on its way (not its pages). */
void
flow_free(struct flow *f)
{
	free(f->heads);
	free(f->head_page);
	free(f->notes);
	free(f->note_done);
	free(f->note_h);
	free(f->foot);
	free(f->tw_w);
	free(f->tw_min);
	widths_free(f->widths);
	for (size_t i = 0; i < f->nmemos; i++)
		free(f->memos[i].data);
	free(f->memos);
}

struct pages *
layout_document(struct gen *g, const struct doc *d)
{
	struct flow f = { 0 };
	struct frame fr;
	struct pages *body = xcalloc(1, sizeof(*body)), *all;
	int ncover;

	f.g = g;
	f.d = d;
	f.t = d->tpl;
	f.ps = body;
	body->ctx = layout_context();
	f.top = d->tpl->margin_top;
	f.bottom = d->tpl->page_h - d->tpl->margin_bottom;
	f.width = d->tpl->page_w - d->tpl->margin_inner - d->tpl->margin_outer;
	fr = (struct frame){ .w = f.width, .role = R_BODY };

	ahead_start(&f);
	find_notes(&f, d->root);
	new_page(&f, PG_BODY);
	cur_page(&f)->opens_chapter = 1;	/* no running header on the first page */
	place_blocks(&f, d->root->first, fr);
	flush_foot(&f);
	ahead_end(&f);

	/* The front pages: cover, then the contents, numbered before the body. */
	all = xcalloc(1, sizeof(*all));
	all->ctx = body->ctx;
	all->ctx_ahead = body->ctx_ahead;
	f.ps = all;
	ncover = d->tpl->cover ? 1 : 0;
	if (ncover) {
		new_page(&f, PG_COVER);
		cur_page(&f)->opens_chapter = 1;
	}
	if (d->tpl->toc) {
		/* Page numbers are as wide whatever the contents' length, so one pass suffices
		 * unless the contents' page count changes the numbers' digits: then redo. */
		size_t mark = all->n;
		int ntoc = 1;

		/* A second pass (when the first found more pages than it guessed) sets the
		 * same entries: it takes the first pass's layouts, only the numbers are new. */
		f.reuse = g_hash_table_new_full(g_str_hash, g_str_equal, free, g_object_unref);
		for (int pass = 0; pass < 3; pass++) {
			for (size_t i = mark; i < all->n; i++)
				free(all->v[i].v);
			all->n = mark;
			place_contents(&f, ncover + ntoc);
			if ((int)(all->n - mark) == ntoc)
				break;
			ntoc = (int)(all->n - mark);
		}
		all->ntoc = ntoc;
		g_hash_table_destroy(f.reuse);
		f.reuse = NULL;
	}
	if (d->tpl->front_roman)
		all->front = (int)all->n + f.body_start;
	all->v = xrealloc(all->v, (all->n + body->n) * sizeof(*all->v));
	memcpy(all->v + all->n, body->v, body->n * sizeof(*body->v));
	all->n += body->n;
	if (body->nlayouts > 0) {
		all->layouts = xrealloc(all->layouts, (all->nlayouts + body->nlayouts) *
		    sizeof(PangoLayout *));
		memcpy(all->layouts + all->nlayouts, body->layouts, body->nlayouts *
		    sizeof(PangoLayout *));
		all->nlayouts += body->nlayouts;
	}
	free(body->v);
	free(body->layouts);
	free(body);
	flow_free(&f);
	return all;
}

void
pages_free(struct pages *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].v);
	free(ps->v);
	for (size_t i = 0; i < ps->nlayouts; i++)
		if (ps->layouts[i] != NULL)	/* render.c drops each once drawn */
			g_object_unref(ps->layouts[i]);
	free(ps->layouts);
	g_object_unref(ps->ctx);
	if (ps->ctx_ahead != NULL)
		g_object_unref(ps->ctx_ahead);
	free(ps);
}

static const char *const kind_names[] = { "text", "rule", "fill", "image", "panel" };
static const char *const role_names[] = { "", " label", " caption", " toc", " artifact" };
static const char *const node_names[] = { "document", "heading", "paragraph", "list", "item",
	"quote", "code", "rule", "table", "row", "cell", "figure", "footnotes", "note", "toc",
	"divider", "component", "part" };
static const char *const page_names[] = { "cover", "contents", "body" };

void
pages_dump(const struct pages *ps, FILE *fp)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct page *pg = &ps->v[i];

		fprintf(fp, "page %zu %s%s\n", i + 1, page_names[pg->kind],
		    pg->opens_chapter ? " opens-chapter" : "");
		for (size_t k = 0; k < pg->n; k++) {
			const struct piece *pc = &pg->v[k];

			fprintf(fp, "  %s%s %s y=%.1f h=%.1f", kind_names[pc->kind],
			    role_names[pc->role], pc->node ? node_names[pc->node->type] : "-",
			    pc->y, pc->h);
			if (pc->kind == PC_TEXT) {
				PangoLayoutLine *l = layout_lines(pc->layout)->line[pc->line0];
				const char *t = pango_layout_get_text(pc->layout) + l->start_index;
				int len = l->length;

				if (len > 24) {	/* cut at a character's start */
					len = 24;
					while (len > 0 && (t[len] & 0xc0) == 0x80)
						len--;
				}
				fprintf(fp, " lines %d-%d \"%.*s\"", pc->line0, pc->line1, len, t);
			}
			fputc('\n', fp);
		}
	}
}
