/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout.c: lines and pages. Pango breaks each block into lines (linebreak.c does it first
 * for text set left); this file stacks blocks down the text column, keeps headings with what
 * follows, never leaves a single line of a paragraph alone at a page's foot or head, repeats
 * table headers, then builds the contents with the page numbers it found. Called by
 * render.c; hands on struct pages. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"

#define LABEL_GAP	6.0	/* pt between a list label and its text */
#define CELL_PAD	4.0	/* pt around table cell text */
#define CODE_PAD	6.0	/* pt around code block text */
#define TIGHT_AFTER	3.0	/* pt after a paragraph in a tight list */
#define MIN_LINES	2	/* lines of a paragraph kept together at a page break */
#define AHEAD_MIN	24000	/* bytes of text (about eight pages) worth a second thread */

#define PT(v)		((int)lround((v) * PANGO_SCALE))
#define FROM_PANGO(v)	((double)(v) / PANGO_SCALE)

struct flow {
	struct gen		*g;
	const struct doc	*d;
	const struct template	*t;
	struct pages		*ps;
	double			 top, bottom;	/* the text column's y range on every page */
	double			 width;		/* the text column's width */
	double			 y;		/* where the next block goes */
	double			 space;		/* space owed below the last block */
	int			 fresh;		/* nothing placed on the current page yet */
	const struct node	*chapter;	/* the chapter heading in force */
	const struct node	*part;		/* the part's divider in force (<contents parts>) */
	struct piece		 label;		/* a list label waiting for its item's first line */
	int			 has_label;
	const struct node	**notes;	/* footnote N is notes[N - 1] */
	char			*note_done;	/* ... is already placed ... */
	double			*note_h;	/* ... and takes this height at the foot */
	size_t			 nnotes;
	const struct node	**foot;		/* the notes waiting for this page's foot */
	double			 foot_h;	/* the height they need there, rule included */
	size_t			 nfoot;
	int			 chapter_no;	/* in a chapter whose paragraphs are numbered */
	const struct node	**heads;	/* headings in order, with ... */
	int			*head_page;	/* ... the body page each starts on */
	int			 body_start;	/* the body page index.md's pages end before (front
						 * matter numbered in roman), or 0 */
	int			 panel_per, panel_cols;	/* the last area's panels: so many a page,
						 * in columns ... */
	double			 panel_w;	/* ... this wide, for the next area's to match */
	size_t			 panel_n;	/* ... of so many panels */
	size_t			 nheads;
	GHashTable		*ahead;		/* layouts made ahead, by layout_key() */
	GHashTable		*reuse;		/* the contents' layouts, kept for its next pass */
	int			 storing;	/* the worker's flow: make_layout() fills ahead */
	const struct node	*lead_n;	/* the paragraph lead_height() laid out ... */
	const struct style	*lead_s;	/* ... in this style ... */
	double			 lead_w;	/* ... this wide: place_paragraph() takes ... */
	PangoLayout		*lead_l;	/* ... this layout rather than make it again */
	const struct node	*tw_table;	/* the table table_widths() measured ... */
	double			 tw_avail;	/* ... in this width: ... */
	double			*tw_w;		/* ... its columns' widths ... */
	double			*tw_min;	/* ... and each cell's longest word, row by row */
	struct widths		*widths;	/* pre_break()'s widths of words, this thread's */
	struct worker		*worker;	/* making layouts from ... */
	const struct node	*split;		/* ... this top-level block on */
};

/* A second thread that lays out the second half of a long document's blocks while the first
 * thread does the first half. It paginates too, as if the half began on a page of its own,
 * but only the layouts it makes are kept: pagination is the cheap part and stays with the
 * first thread, which takes each layout it needs, identical, from the worker's. */
struct worker {
	pthread_t		 thread;
	struct flow		 f;		/* the worker's own flow */
	PangoContext		*ctx;		/* made in the worker: its own font map */
	GHashTable		*made;		/* key -> GQueue of layouts, in order made */
};

/* Where and how wide a block goes, and in which style. */
#define MAX_BARS	32	/* quotes' bars: more would take half the column */

struct frame {
	double		 x, w;		/* from the column's left */
	enum style_role	 role;		/* R_BODY, R_NOTE, R_TABLE ... */
	int		 quote;		/* block-quote depth */
	int		 tight;		/* in a tight list */
	int		 capped;	/* lists and quotes here indent no further */
	int		 bars;		/* the outermost quotes, which have a bar ... */
	double		 bar[MAX_BARS];	/* ... at these x */
};

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

int
layout_cover(PangoContext *ctx, const struct template *t, const struct doc *d,
    struct cover *c)
{
	const char *text[3] = { d->title, d->subtitle, d->strapline };
	const enum style_role role[3] = { R_TITLE, R_SUBTITLE, R_BODY };
	int plain = t->cover == COVER_PLAIN;
	double band = t->page_h * COVER_BAND, colw = t->page_w - t->margin_inner -
	    t->margin_outer, top = t->margin_top, bottom = band - 24, lw, lh;

	if (t->logo != NULL) {	/* below the logo, 64 pt wide */
		image_size(t->logo, &lw, &lh);
		top += 64 * lh / lw + 24;
	}
	if (plain)
		top = fmax(top, t->page_h * COVER_PLAIN_TOP);
	memset(c, 0, sizeof(*c));
	/* The title alone smaller first (to half its size), then the others too. */
	for (int step = 0; step <= 20; step++) {
		double scale[3], y = 0, end = 0, y0;

		scale[0] = 1 - (step < 10 ? step : 10) * 0.05;
		scale[1] = scale[2] = 1 - (step > 10 ? step - 10 : 0) * 0.05;
		for (int i = 0; i < 3; i++) {
			struct style st = t->role[role[i]];
			PangoRectangle lr;

			if (text[i] == NULL)
				continue;
			if (role[i] == R_BODY) {	/* the strapline: 14 pt italic */
				st.size = 14;
				st.italic = 1;
			}
			if (i > 0)	/* never below 10 pt */
				scale[i] = fmax(scale[i], fmin(1, 10 / st.size));
			if (role[i] == R_BODY)
				y += 18 * scale[i];
			st.size *= scale[i];
			c->layout[i] = layout_text(ctx, &st, text[i], colw);
			pango_layout_get_extents(c->layout[i], NULL, &lr);
			c->y[i] = y;
			end = y + FROM_PANGO(lr.height);
			if (lr.width > 0)	/* its lines' pitch, or their own height */
				y += fmax(pango_layout_get_line_count(c->layout[i]) * st.leading *
				    scale[i], FROM_PANGO(lr.height)) + 12 * scale[i];
		}
		if (end <= bottom - top || step == 20) {
			/* only as high as it must */
			y0 = plain ? top : fmax(fmin(band * 0.38, bottom - end), top);
			for (int i = 0; i < 3; i++)
				c->y[i] += y0;
			c->bottom = y0 + end;
			c->scale = scale[0];
			return end <= bottom - top ? 0 : -1;
		}
		for (int i = 0; i < 3; i++)
			if (c->layout[i] != NULL) {
				g_object_unref(c->layout[i]);
				c->layout[i] = NULL;
			}
	}
	return -1;
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

/* make_layout()'s options: everything about a layout is fixed when it is made, so that one
 * made ahead (below) is the same as one made in place. */
enum {
	LO_CODE = 1 << 0,	/* code: broken anywhere, no ligatures */
	LO_CENTRE = 1 << 1,	/* lines centred ... */
	LO_RIGHT = 1 << 2,	/* ... or set right */
	LO_TNUM = 1 << 3,	/* figures of one width */
	LO_WORDS = 1 << 4,	/* broken only between words (for a column's narrowest width) */
	LO_TEMP = 1 << 5,	/* only measured: the caller unrefs it, the pages never hold it */
	LO_HANG = 1 << 6	/* lines after a bullet ("• ") hang under its words, not under it */
};

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
static PangoLayout *
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
	    pre_break(&f->widths, f->ps->ctx, l, text, len, al, w) != 0) {
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

static struct page *
cur_page(struct flow *f)
{
	return &f->ps->v[f->ps->n - 1];
}

static void flush_foot(struct flow *);

/* Where the text column ends on this page: above the footnotes it holds. */
static double
bottom(const struct flow *f)
{
	return f->bottom - f->foot_h;
}

static void
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

static struct piece *
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
static double
gap(struct flow *f, double before)
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
	PangoLayoutIter *it;
	double pitch, ascent = 1e9;
	int i = 0;

	if (ln != NULL)		/* measured once, whatever draws it afterwards */
		return ln;
	ln = xcalloc(1, sizeof(*ln));
	it = pango_layout_get_iter(l);
	pitch = FROM_PANGO(GPOINTER_TO_INT(g_object_get_data(G_OBJECT(l), "gen-pitch")));
	ln->n = pango_layout_get_line_count(l);
	ln->top = xmalloc(4 * (size_t)ln->n * sizeof(double));
	ln->h = ln->top + ln->n;
	ln->base = ln->h + ln->n;
	ln->x = ln->base + ln->n;
	ln->line = xcalloc((size_t)ln->n, sizeof(*ln->line));
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
static double
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
static int
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

/* ---- footnotes, set at the foot of the page that refers to them ---- */

#define FOOT_RULE	10.0	/* pt above the first note: a short rule and space */
#define NOTE_INDENT	14.0	/* pt from the column's left to a note's text */

/* The layouts of a note's text, in the note style; the first is the first paragraph. */
static PangoLayout *
note_layout(struct flow *f, const struct node *para)
{
	const struct style *s = &f->t->role[R_NOTE];

	return make_layout(f, s, &para->text, inl_str(&para->text), f->width - NOTE_INDENT, 0);
}

static double
layout_h(PangoLayout *l)
{
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	return FROM_PANGO(lr.height);
}

/* The height a note takes at the foot: its paragraphs and the space after each. */
static double
note_height(struct flow *f, const struct node *note)
{
	const struct style *s = &f->t->role[R_NOTE];
	double h = 0;

	for (const struct node *p = note->first; p; p = p->next)
		h += layout_h(note_layout(f, p)) + s->after;
	return h > 0 ? h : s->leading;
}

/* The note a reference span points to, if it is one not yet set. */
static const struct node *
span_note(struct flow *f, const struct span *sp)
{
	unsigned long num;

	if (!(sp->style & ST_SUPER) || sp->link == NULL || strncmp(sp->link, "#fn-", 4) != 0)
		return NULL;
	num = strtoul(sp->link + 4, NULL, 10);
	if (num < 1 || num > f->nnotes || f->note_done[num - 1])
		return NULL;
	return f->notes[num - 1];
}

/* Calls fn for each note first referred to in lines [a, b) of block n's layout l. */
static void
each_note(struct flow *f, const struct node *n, PangoLayout *l, int a, int b,
    void (*fn)(struct flow *, const struct node *, void *), void *arg)
{
	PangoLayoutLine *first, *last;
	size_t from, to;

	if (n == NULL || n->text.nspans == 0 || f->nnotes == 0 || a >= b)
		return;
	first = pango_layout_get_line_readonly(l, a);
	last = pango_layout_get_line_readonly(l, b - 1);
	from = layout_text_offset(l, (size_t)first->start_index);
	to = layout_text_offset(l, (size_t)(last->start_index + last->length));
	for (size_t i = 0; i < n->text.nspans; i++) {
		const struct node *note = span_note(f, &n->text.spans[i]);

		if (note != NULL && n->text.spans[i].start >= from && n->text.spans[i].start < to)
			fn(f, note, arg);
	}
}

static size_t
note_index(const struct node *note)
{
	return strtoul(note->id + 3, NULL, 10) - 1;
}

static void
sum_note(struct flow *f, const struct node *note, void *arg)
{
	*(double *)arg += f->note_h[note_index(note)];
}

/* How many lines from k fit in `room` with the notes they refer to set below them. */
static int
fit_with_notes(struct flow *f, const struct node *n, PangoLayout *l, const struct lines *ln,
    int k, double room)
{
	int total = ln->n - k, m = 0;
	double notes = 0;

	while (m < total) {
		double add = 0;

		each_note(f, n, l, k + m, k + m + 1, sum_note, &add);
		if (add > 0 && f->nfoot == 0 && notes == 0)
			add += FOOT_RULE;
		if (lines_h(ln, k, k + m + 1) + notes + add > room + 0.01)
			break;
		notes += add;
		m++;
	}
	return keep_lines(total, m, MIN_LINES);
}

static void
queue_note(struct flow *f, const struct node *note, void *arg)
{
	size_t i = note_index(note);

	(void)arg;
	if (f->note_done[i])
		return;
	f->note_done[i] = 1;
	if (f->nfoot == 0)
		f->foot_h += FOOT_RULE;
	f->foot = xrealloc(f->foot, (f->nfoot + 1) * sizeof(*f->foot));
	f->foot[f->nfoot++] = note;
	f->foot_h += f->note_h[i];
}

/* Reserves the foot of the page for the notes lines [a, b) of block n refer to. */
static void
take_notes(struct flow *f, const struct node *n, PangoLayout *l, int a, int b)
{
	each_note(f, n, l, a, b, queue_note, NULL);
}

/* Sets the notes waiting for this page's foot, under a short rule. */
static void
flush_foot(struct flow *f)
{
	const struct style *s = &f->t->role[R_NOTE];
	double y = f->bottom - f->foot_h;
	struct piece *pc;

	if (f->nfoot == 0)
		return;
	pc = add_piece(f, PC_RULE, NULL, 0, y + 2, f->width / 4, 0.5);
	pc->colour = 0x9aa5b8;
	pc->role = RO_ARTIFACT;
	y += FOOT_RULE;
	for (size_t i = 0; i < f->nfoot; i++) {
		const struct node *note = f->foot[i];
		PangoLayout *lab = make_layout(f, s, NULL, note->label, -1, 0);

		pc = add_piece(f, PC_TEXT, note, 0, y, NOTE_INDENT, 0);
		pc->layout = lab;
		pc->line1 = 1;
		pc->role = RO_LABEL;
		pc->colour = f->t->accent;
		for (const struct node *p = note->first; p; p = p->next) {
			PangoLayout *l = note_layout(f, p);

			pc = add_piece(f, PC_TEXT, p, NOTE_INDENT, y, f->width - NOTE_INDENT,
			    layout_h(l));
			pc->layout = l;
			pc->line1 = pango_layout_get_line_count(l);
			pc->colour = s->colour;
			pc->first = 1;
			y += layout_h(l) + s->after;
		}
	}
	f->nfoot = 0;
	f->foot_h = 0;
}

/* Finds every footnote of the document, numbered fn-1, fn-2 ... in order. */
static void
find_notes(struct flow *f, const struct node *root)
{
	for (const struct node *c = root->first; c; c = c->next)
		if (c->type == N_FOOTNOTES)
			for (const struct node *nt = c->first; nt; nt = nt->next) {
				f->notes = xrealloc(f->notes, (f->nnotes + 1) * sizeof(*f->notes));
				f->notes[f->nnotes++] = nt;
			}
	f->note_done = xcalloc(f->nnotes + 1, 1);
	f->note_h = xcalloc(f->nnotes + 1, sizeof(double));
	for (size_t i = 0; i < f->nnotes; i++)
		f->note_h[i] = note_height(f, f->notes[i]);
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

	above = gap(f, before);
	f->y += above;
	while (k < ln.n) {
		double room = bottom(f) - f->y - 2 * pad;
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

/* ---- blocks ---- */

static void place_blocks(struct flow *, const struct node *first, struct frame);

static const struct style *
text_style(struct flow *f, const struct frame *fr)
{
	return &f->t->role[fr->role];
}

static double table_lead(struct flow *, const struct node *, const struct frame *);

/* Height of a block's first lines, for keeping a heading with what follows it. */
static double
lead_height(struct flow *f, const struct node *n, const struct frame *fr)
{
	while (n != NULL && (n->type == N_LIST || n->type == N_ITEM || n->type == N_QUOTE ||
	    n->type == N_FOOTNOTES || n->type == N_NOTE))
		n = n->first;
	if (n == NULL)
		return 0;
	if (n->type == N_PARAGRAPH && !n->start) {
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
	if (n->type == N_COMPONENT && n->comp->shape == SHAPE_BOX)
		return n->comp->height(n, fr->w) + 10;
	if (n->type == N_FIGURE && n->image != NULL) {
		double w, h;

		image_size(n->image, &w, &h);
		return fmin(h * fmin(1.0, fr->w / w), (f->bottom - f->top) * 0.6);
	}
	return 40;
}

static size_t text_weight(const struct node *);

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

	if (how == PB_AUTO && h >= 0 && (f->y - f->top < PB_AUTO_SHARE * (bottom(f) - f->top) ||
	    f->y + gap(f, f->t->role[R_H1].before) + h <= bottom(f)))
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

	if (!title && (s->page_break || (level == 1 && n->start)) && fr->quote == 0 &&
	    n->parent->type == N_DOCUMENT)
		heading_break(f, n, n->start ? PB_YES : s->page_break);
	pango_layout_get_extents(l, NULL, &logical);
	need = gap(f, s->before) + FROM_PANGO(logical.height);
	/* Keep with what follows: a chain of headings and the first lines after them. */
	while (next != NULL && next->type == N_HEADING) {
		need += f->t->role[R_H1 + (next->level > 4 ? 3 : next->level - 1)].before +
		    f->t->role[R_H1 + (next->level > 4 ? 3 : next->level - 1)].leading;
		next = next->next;
	}
	need += s->after + lead_height(f, next, fr);
	if (!f->fresh && f->y + need > bottom(f))
		new_page(f, PG_BODY);
	if (level == 1 && n->parent->type == N_DOCUMENT) {
		f->chapter = n;
		if (f->fresh) {
			cur_page(f)->chapter = n;
			if (s->page_break || n->start)	/* a chapter's opening page */
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
	const struct style *s = n->start ? &f->t->role[R_CAPTION] : text_style(f, fr);
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

	f->y += gap(f, s->after);
	if (f->y + s->after + 1 > bottom(f))
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
	f->y += gap(f, text_style(f, fr)->after);
	total = h + (cap ? cs->before + FROM_PANGO(logical.height) : 0);
	if (!f->fresh && f->y + total > bottom(f))
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
		f->y += gap(f, 0);
	for (const struct node *it = list->first; it; it = it->next, index++) {
		struct frame in = inner;
		PangoLayout *lab;
		PangoRectangle logical;

		in.x = fr.x + in_by;
		in.w = fr.w - in_by;
		in.tight = list->tight;
		if (f->has_label) {	/* an item that opens with a list: its label first */
			f->y += gap(f, 0);
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
			f->y += gap(f, 0);
			if (f->y + s->leading > bottom(f))
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

/* ---- tables: a first, simple layout; rows are never split ---- */

struct row {
	const struct node	*node;
	PangoLayout		**cell;
	double			 h;
};

/* Widths written "auto 25% 30mm …", one word a column: fixed and proportional columns take
 * their share, the automatic ones share the rest by their natural widths. */
static void
spec_widths(const char *spec, int ncols, double avail, const double *nat, const double *min,
    double *w)
{
	char *copy = xstrdup(spec), *save = NULL, *tok = strtok_r(copy, " ,", &save);
	double used = 0, natauto = 0;
	int *is_auto = xcalloc((size_t)ncols, sizeof(int));

	for (int c = 0; c < ncols; c++, tok = tok ? strtok_r(NULL, " ,", &save) : NULL) {
		char *end;
		double v = tok ? strtod(tok, &end) : 0;

		if (tok == NULL || strcmp(tok, "auto") == 0 || end == tok)
			is_auto[c] = 1;
		else if (*end == '%')
			w[c] = avail * v / 100;
		else
			w[c] = strcmp(end, "mm") == 0 ? v * 72 / 25.4 : strcmp(end, "cm") == 0 ?
			    v * 72 / 2.54 : v;
		if (is_auto[c])
			natauto += nat[c];
		else
			used += w[c];
	}
	for (int c = 0; c < ncols; c++)
		if (is_auto[c])
			w[c] = fmax(min[c], natauto > 0 ? (avail - used) * nat[c] / natauto :
			    (avail - used) / ncols);
	free(is_auto);
	free(copy);
}

/* The width of `in` laid out `width` pt wide with `opts`: measured, and let go. */
static double
text_width(struct flow *f, const struct style *s, const struct inl *in, double width, int opts)
{
	PangoLayout *l = make_layout(f, s, in, inl_str(in), width, opts | LO_TEMP);
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	g_object_unref(l);
	return FROM_PANGO(lr.width);
}

/* Column widths: natural widths when they fit, else shrunk towards each column's longest
 * word, proportionally to what each column can give. Each cell's longest word goes in cmin,
 * row by row. */
static void
column_widths(struct flow *f, const struct node *table, int ncols, double avail, double *w,
    double *cmin)
{
	const struct style *s = &f->t->role[R_TABLE];
	double *nat = xcalloc((size_t)ncols, sizeof(double)), *min = xcalloc((size_t)ncols,
	    sizeof(double)), tn = 0, tm = 0;
	size_t row = 0;

	for (const struct node *r = table->first; r; r = r->next, row++) {
		int c = 0;

		if (r->level > 0)	/* a group's row spans the columns: it sets no width */
			continue;
		for (const struct node *cl = r->first; cl && c < ncols; cl = cl->next, c++) {
			double *m = &cmin[row * (size_t)ncols + (size_t)c];

			nat[c] = fmax(nat[c], text_width(f, s, &cl->text, -1, 0) +
			    2 * CELL_PAD);
			/* one word a line: the longest word's width */
			*m = text_width(f, s, &cl->text, 1.0 / PANGO_SCALE, LO_WORDS) +
			    2 * CELL_PAD;
			min[c] = fmax(min[c], *m);
		}
	}
	for (int c = 0; c < ncols; c++) {
		min[c] = fmin(min[c], avail / ncols);
		tn += nat[c];
		tm += min[c];
	}
	for (int c = 0; c < ncols; c++) {
		if (tn <= avail)
			w[c] = nat[c] + (avail - tn) * (nat[c] / tn);
		else
			w[c] = min[c] + (avail - tm) * ((nat[c] - min[c]) / (tn - tm));
	}
	if (table->label != NULL)	/* the template's or tag's widths */
		spec_widths(table->label, ncols, avail, nat, min, w);
	if (table->rowheads && ncols > 1) {	/* labels as wide as they need, within reason */
		double rest = 0;

		for (int c = 1; c < ncols; c++)
			rest += w[c];
		w[0] = fmin(nat[0] + 8, avail * 0.36);
		for (int c = 1; c < ncols; c++)
			w[c] *= (avail - w[0]) / rest;
	}
	free(nat);
	free(min);
}

/* A table's column widths in `avail` pt, and each cell's narrowest width, row by row: worked
 * out once for the table, whether its heading asks first (table_lead()) or the table. */
static const double *
table_widths(struct flow *f, const struct node *table, int ncols, double avail,
    const double **cmin)
{
	size_t nrows = 0;

	if (f->tw_table != table || f->tw_avail != avail) {
		for (const struct node *r = table->first; r; r = r->next)
			nrows++;
		free(f->tw_w);
		free(f->tw_min);
		f->tw_w = xcalloc((size_t)ncols, sizeof(double));
		f->tw_min = xcalloc(nrows * (size_t)ncols, sizeof(double));
		column_widths(f, table, ncols, avail, f->tw_w, f->tw_min);
		f->tw_table = table;
		f->tw_avail = avail;
	}
	if (cmin != NULL)
		*cmin = f->tw_min;
	return f->tw_w;
}

/* Lays out a row's cells in columns `w` wide; with LO_TEMP in `opts`, only to measure (the
 * caller unrefs the cells). */
static void
measure_row(struct flow *f, struct row *row, int ncols, const double *w, int header,
    int rowhead, int opts)
{
	const struct style *ts = &f->t->role[R_TABLE];
	int c = 0;

	double all = 0;

	for (int k = 0; k < ncols; k++)
		all += w[k];
	row->cell = xcalloc((size_t)ncols, sizeof(*row->cell));
	row->h = ts->leading;
	for (const struct node *cl = row->node->first; cl && c < ncols; cl = cl->next, c++) {
		PangoRectangle lr;
		struct style s = *ts;
		/* a group's row: its one cell across the table */
		double cw = row->node->level > 0 ? all : w[c];

		if (header || (rowhead && c == 0))
			s.weight = 700;
		/* Set right, figures are of one width, so columns of numbers align. */
		row->cell[c] = make_layout(f, &s, &cl->text, inl_str(&cl->text),
		    cw - 2 * CELL_PAD, opts | (cl->align == 1 ? LO_CENTRE : cl->align == 2 ?
		    LO_RIGHT | LO_TNUM : 0) | (strncmp(inl_str(&cl->text), "\xe2\x80\xa2\xc2\xa0",
		    5) == 0 ? LO_HANG : 0));
		pango_layout_get_extents(row->cell[c], NULL, &lr);
		row->h = fmax(row->h, FROM_PANGO(lr.height));
	}
	row->h += 2 * CELL_PAD;
}

static void
emit_row(struct flow *f, const struct row *row, int ncols, const double *w,
    const struct frame *fr, int header, int band, int repeat)
{
	double x = fr->x;
	int c = 0;
	struct piece *pc;

	if (row->node->start && !header) {	/* a totals row: ruled above, never banded */
		pc = add_piece(f, PC_RULE, row->node, fr->x, f->y, fr->w, 0.9);
		pc->colour = f->t->role[R_TABLE].colour;
		pc->role = RO_ARTIFACT;
		band = 0;
	}
	if (header || band || row->node->level > 0) {
		pc = add_piece(f, PC_FILL, row->node, fr->x, f->y, fr->w, row->h);
		pc->colour = header ? f->t->accent : f->t->band;
		pc->role = RO_ARTIFACT;
		if (row->node->level > 0) {	/* a group's row: on the band, ruled above */
			pc = add_piece(f, PC_RULE, row->node, fr->x, f->y, fr->w, 1.2);
			pc->colour = f->t->accent;
			pc->role = RO_ARTIFACT;
		}
	} else if (row->node->parent->rowheads) {
		pc = add_piece(f, PC_FILL, row->node, fr->x, f->y, w[0], row->h);
		pc->colour = f->t->band;
		pc->role = RO_ARTIFACT;
	}
	for (const struct node *cl = row->node->first; cl && c < ncols; cl = cl->next, c++) {
		if (cl->fill != 0) {	/* a status's colour */
			pc = add_piece(f, PC_FILL, cl, x, f->y, w[c], row->h);
			pc->colour = cl->fill;
			pc->role = RO_ARTIFACT;
		}
		pc = add_piece(f, PC_TEXT, cl, x + CELL_PAD, f->y + CELL_PAD, (row->node->level > 0 ?
		    fr->w : w[c]) - 2 * CELL_PAD, row->h - 2 * CELL_PAD);
		pc->layout = row->cell[c];
		pc->line0 = 0;
		pc->line1 = pango_layout_get_line_count(row->cell[c]);
		pc->colour = header ? f->t->accent_text : f->t->role[R_TABLE].colour;
		pc->role = repeat ? RO_ARTIFACT : RO_BLOCK;
		pc->first = !repeat;
		x += w[c];
	}
	f->y += row->h;
	pc = add_piece(f, PC_RULE, row->node, fr->x, f->y - 0.4, fr->w, 0.4);
	pc->colour = f->t->rule;
	pc->role = RO_ARTIFACT;
	f->fresh = 0;
}

/* The height of a table's caption, header and first row: what must follow its heading. */
static double
table_lead(struct flow *f, const struct node *table, const struct frame *fr)
{
	int ncols = 0, i = 0;
	const double *w;
	double h = 6;
	struct row rows[2];

	for (const struct node *r = table->first; r; r = r->next) {
		int c = 0;

		for (const struct node *cl = r->first; cl; cl = cl->next)
			c++;
		ncols = c > ncols ? c : ncols;
	}
	if (ncols == 0)
		return 0;
	w = table_widths(f, table, ncols, fr->w, NULL);
	for (const struct node *r = table->first; r && i < 2; r = r->next, i++) {
		int c = 0;

		rows[i].node = r;
		measure_row(f, &rows[i], ncols, w, !table->rowheads && i == 0, table->rowheads,
		    LO_TEMP);
		h += rows[i].h;
		for (const struct node *cl = r->first; cl && c < ncols; cl = cl->next, c++)
			g_object_unref(rows[i].cell[c]);
		free(rows[i].cell);
	}
	if (table->text.text.len > 0)
		h += f->t->role[R_CAPTION].leading * 2;
	return h;
}

/* Whether a cell's words are a figure: digits with their signs and separators. */
static int
is_figure(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits = 1;
		else if (strchr(" ,.%+-", *s) == NULL && strncmp(s, "\xe2\x88\x92", 3) != 0 &&
		    strncmp(s, "\xc2\xa3", 2) != 0 && ((unsigned char)*s & 0xc0) != 0x80)
			return 0;	/* not a digit, a sign, a separator, − or £ */
	}
	return digits;
}

/* Says when a column is narrower than a word in it, which pango then breaks inside: a
 * warning naming the table, or an error at the cell when the word is a figure (split over
 * two lines, it misreads). Only the widths chosen here tell, so layout says it, on the
 * main flow only (the worker thread's measures what the main flow places again). */
static void
check_columns(struct flow *f, const struct node *table, int ncols, const double *w,
    const double *cmin)
{
	const char *name = table->src != NULL ? table->src : "";

	for (int c = 0; c < ncols && !f->storing; c++) {
		const struct node *worst = NULL;
		double widest = 0;

		size_t row = 0;

		for (const struct node *r = table->first; r; r = r->next, row++) {
			const struct node *cl = r->first;
			double ww;

			if (r->level > 0)	/* a group's row spans the columns */
				continue;
			for (int k = 0; cl != NULL && k < c; k++)
				cl = cl->next;
			if (cl == NULL || cl->text.text.len == 0)
				continue;
			ww = cmin[row * (size_t)ncols + (size_t)c];
			if (ww <= w[c] + 0.5)
				continue;
			if (is_figure(inl_str(&cl->text)))
				msg(f->g, MSG_ERROR, cl->file, cl->line, cl->col, "`%s` does not fit "
				    "column %d of the table%s%s%s (%.0f mm wide) and would be broken; "
				    "give the column more room (widths=\"…\") or the table fewer "
				    "columns", inl_str(&cl->text), c + 1, *name ? " `" : "", name,
				    *name ? "`" : "", w[c] * 25.4 / 72);
			else if (ww > widest) {
				widest = ww;
				worst = cl;
			}
		}
		if (worst != NULL)
			msg(f->g, MSG_WARNING, table->file, table->line, table->col, "column %d "
			    "of the table%s%s%s is %.0f mm wide, narrower than a word in it (line %d), "
			    "which is broken", c + 1, *name ? " `" : "", name, *name ? "`" : "",
			    w[c] * 25.4 / 72, worst->line);
	}
}

static void
place_table(struct flow *f, const struct node *table, const struct frame *fr)
{
	int ncols = 0, nrows = 0, i = 0, k, head = !table->rowheads;
	const double *w, *cmin;
	struct row *rows;

	for (const struct node *r = table->first; r; r = r->next, nrows++) {
		int c = 0;

		for (const struct node *cl = r->first; cl; cl = cl->next)
			c++;
		ncols = c > ncols ? c : ncols;
	}
	if (ncols == 0)
		return;
	rows = xcalloc((size_t)nrows, sizeof(*rows));
	w = table_widths(f, table, ncols, fr->w, &cmin);
	check_columns(f, table, ncols, w, cmin);
	for (const struct node *r = table->first; r; r = r->next, i++) {
		rows[i].node = r;
		measure_row(f, &rows[i], ncols, w, head && i == 0, table->rowheads, 0);
	}
	f->y += gap(f, 6);
	if (table->text.text.len > 0) {	/* a caption, kept with the first rows */
		const struct style *cs = &f->t->role[R_CAPTION];
		PangoLayout *l = make_layout(f, cs, &table->text, inl_str(&table->text), fr->w, 0);
		struct piece *pc;

		if (!f->fresh && f->y + layout_h(l) + rows[0].h * 2 > bottom(f))
			new_page(f, PG_BODY);
		pc = add_piece(f, PC_TEXT, table, fr->x, f->y, fr->w, layout_h(l));
		pc->layout = l;
		pc->line1 = pango_layout_get_line_count(l);
		pc->role = RO_CAPTION;
		pc->colour = cs->colour;
		pc->first = 1;
		f->y += layout_h(l) + 4;
		f->fresh = 0;
	}
	for (i = 0, k = 0; i < nrows; i++) {
		/* a header or a group's row is kept with the row after it */
		int lead = (head && i == 0) || rows[i].node->level > 0;
		double need = rows[i].h + (lead && i + 1 < nrows ? rows[i + 1].h : 0);

		if (!f->fresh && f->y + need > bottom(f)) {
			new_page(f, PG_BODY);
			if (head && i > 0)
				emit_row(f, &rows[0], ncols, w, fr, 1, 0, 1);
		}
		/* every other row banded, counted afresh under each group */
		k = rows[i].node->level > 0 || (head && i == 0) ? 0 : k + 1;
		emit_row(f, &rows[i], ncols, w, fr, head && i == 0, head && i > 0 &&
		    rows[i].node->level == 0 && k % 2 == 0, 0);
	}
	f->space = text_style(f, fr)->after + 4;
	for (i = 0; i < nrows; i++)
		free(rows[i].cell);
	free(rows);
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
	/* validate.c numbers headings and paragraphs; a table's label is its widths */
	if ((n->type == N_HEADING || n->type == N_PARAGRAPH) && n->label != NULL &&
	    n->label[0] != '\0')
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
	pc->line1 = pango_layout_get_line_count(l);
	pc->colour = t->accent_text;
	pc->first = 1;
	f->fresh = 0;
	new_page(f, PG_BODY);
}

#define CARD_PAD 10.0	/* pt inside a card (a component's part) */
#define CARD_GAP 10.0	/* pt between cards */

/* A style derived from body text for a part of a card. */
static struct style
card_style(struct flow *f, double size, double leading, int weight, unsigned colour)
{
	struct style s = f->t->role[R_BODY];

	s.size = size;
	s.leading = leading;
	s.weight = weight;
	s.colour = colour;
	return s;
}

/* Makes s smaller, as far as the smallest text allowed, until `in` fits `width` pt: on one
 * line, or (LO_WORDS) with none of its words broken. */
static void
fit_card_style(struct flow *f, struct style *s, const struct inl *in, double width, int opts)
{
	double w = text_width(f, s, in, opts & LO_WORDS ? 1.0 / PANGO_SCALE : -1, opts);

	if (w > width && w > 0) {
		double k = fmax(MIN_TEXT_PT / s->size, width / w * 0.98);

		s->size *= k;
		s->leading *= k;
	}
}

/* Measures (emit = 0) or places (emit = 1) one card's content from y in column x, w wide;
 * returns its height. */
static double
one_card(struct flow *f, const struct node *card, double x, double y, double w, int emit)
{
	struct style num = card_style(f, 30, 34, 700, f->t->accent);
	struct style lab = card_style(f, 10.5, 14, 600, f->t->role[R_BODY].colour);
	struct style small = card_style(f, 9, 12.5, 400, f->t->role[R_BODY].colour);
	double top = y + CARD_PAD, iw = w - 2 * CARD_PAD;
	PangoLayout *l;

	/* No word of a tile is ever broken: the number on one line, and each word of its
	 * words within the tile, the type made smaller where a tile is too narrow. */
	fit_card_style(f, &num, &card->text, iw, 0);
	for (const struct node *c = card->first; c; c = c->next) {
		if (c->type == N_PARAGRAPH)
			fit_card_style(f, c == card->first ? &lab : &small, &c->text, iw, LO_WORDS);
		for (const struct node *it = c->type == N_LIST ? c->first : NULL; it; it = it->next)
			fit_card_style(f, &small, &it->first->text, iw - 10, LO_WORDS);
	}
	l = make_layout(f, &num, NULL, inl_str(&card->text), iw, 0);
	struct piece *pc;
	int k = 0;

	if (emit) {
		pc = add_piece(f, PC_TEXT, card, x + CARD_PAD, top, iw, layout_h(l));
		pc->layout = l;
		pc->line1 = pango_layout_get_line_count(l);
		pc->colour = num.colour;
		pc->first = 1;
	}
	top += layout_h(l);
	for (const struct node *c = card->first; c; c = c->next, k++) {
		if (c->type == N_PARAGRAPH) {
			l = make_layout(f, k == 0 ? &lab : &small, &c->text, inl_str(&c->text), iw, 0);
			top += k == 0 ? 0 : 3;
			if (emit) {
				pc = add_piece(f, PC_TEXT, c, x + CARD_PAD, top, iw, layout_h(l));
				pc->layout = l;
				pc->line1 = pango_layout_get_line_count(l);
				pc->colour = k == 0 ? lab.colour : small.colour;
				pc->first = 1;
			}
			top += layout_h(l);
			continue;
		}
		top += 6;	/* the list */
		for (const struct node *it = c->first; it; it = it->next) {
			PangoLayout *b = make_layout(f, &small, NULL, it->label, -1, 0);

			l = make_layout(f, &small, &it->first->text, inl_str(&it->first->text),
			    iw - 10, 0);
			if (emit) {
				pc = add_piece(f, PC_TEXT, it, x + CARD_PAD, top, 8, 0);
				pc->layout = b;
				pc->line1 = 1;
				pc->role = RO_LABEL;
				pc->colour = f->t->accent;
				pc = add_piece(f, PC_TEXT, it->first, x + CARD_PAD + 10, top, iw - 10,
				    layout_h(l));
				pc->layout = l;
				pc->line1 = pango_layout_get_line_count(l);
				pc->colour = small.colour;
				pc->first = 1;
			}
			top += layout_h(l) + 1;
		}
	}
	return top + CARD_PAD - y;
}

/* A component's parts as cards (key-figure tiles) in rows of n->start, each row as tall as
 * its tallest card. */
static void
place_cards(struct flow *f, const struct node *n, const struct frame *fr)
{
	int cols = n->start;
	double tw = (fr->w - (cols - 1) * CARD_GAP) / cols;
	const struct node *row = n->first;

	f->y += gap(f, 8);
	while (row != NULL) {
		double h = 0;
		const struct node *t = row;
		int i;

		for (i = 0; t != NULL && i < cols; t = t->next, i++)
			h = fmax(h, one_card(f, t, 0, 0, tw, 0));
		if (!f->fresh && f->y + h > bottom(f))
			new_page(f, PG_BODY);
		for (i = 0, t = row; t != NULL && i < cols; t = t->next, i++) {
			double x = fr->x + i * (tw + CARD_GAP);
			struct piece *pc = add_piece(f, PC_FILL, NULL, x, f->y, tw, h);

			pc->colour = f->t->band;
			pc->role = RO_ARTIFACT;
			one_card(f, t, x, f->y, tw, 1);
		}
		row = t;
		f->y += h + CARD_GAP;
		f->fresh = 0;
	}
	f->space = text_style(f, fr)->after;
}

/* A component's box (a chart), kept whole on a page, like a figure. */
static void
place_box(struct flow *f, const struct node *n, const struct frame *fr)
{
	double h = n->comp->height(n, fr->w);
	struct piece *pc;

	f->y += gap(f, 10);
	if (!f->fresh && f->y + h > bottom(f))
		new_page(f, PG_BODY);
	pc = add_piece(f, PC_PANEL, n, fr->x, f->y, fr->w, h);
	pc->first = 1;
	f->y += h;
	f->fresh = 0;
	f->space = 12;
}

#define PANEL_GAP 18.0	/* pt between hundred-children panels */
#define PANEL_FILL 0.8	/* a panel page is filled to at least this share of its height */
#define PANEL_MIN 120.0	/* pt: a panel narrower than this (42 mm) is hard to read */

/* How the panels of one area sit on their pages: `cols` across, up to `per` a page, each
 * `w` wide. */
struct panel_plan {
	int	 per, cols;
	double	 w;
};

/* The widest a part can be in `rows` rows of `room` pt, `cols` across `width` pt (a part's
 * height is its component's: a width times a ratio, plus a fixed part). */
static double
panel_width(const struct node *part, int rows, int cols, double width, double room)
{
	double by_w = (width - (cols - 1) * PANEL_GAP) / cols;
	double ph = (room - (rows - 1) * PANEL_GAP) / rows, h0 = part->comp->height(part, 0);
	double by_h = (ph - h0) / (part->comp->height(part, 1) - h0);

	return fmax(1, fmin(by_w, by_h));
}

/* Chooses how `n` panels go on pages whose panels start at y0 and may end at `end`, with
 * at most `most` a page, shared evenly among the pages: as many a page as fill every page
 * to PANEL_FILL of its height with panels at least PANEL_MIN wide, and of those ways the
 * one with the largest panels. When no way does, the one that comes nearest. */
static struct panel_plan
panel_plan(const struct node *part, int n, int most, double width, double y0, double end,
    double page_h)
{
	struct panel_plan best = { most, most, 0 }, nearest = best;
	double best_score = -1, best_fill = -1;

	for (int per = 1; per <= most && per <= n; per++) {
		int pages = (n + per - 1) / per, kmax = (n + pages - 1) / pages, kmin = n / pages;

		for (int cols = 1; cols <= kmax; cols++) {
			int rmax = (kmax + cols - 1) / cols, rmin = (kmin + cols - 1) / cols;
			double w = panel_width(part, rmax, cols, width, end - y0);
			double h = part->comp->height(part, w);
			double fill = (y0 + rmin * h + (rmin - 1) * PANEL_GAP) / page_h;
			double score = kmax * 10000.0 + w;

			if (fill >= PANEL_FILL && w >= PANEL_MIN && score > best_score) {
				best = (struct panel_plan){ kmax, cols, w };
				best_score = score;
			}
			if (fill > best_fill) {
				nearest = (struct panel_plan){ kmax, cols, w };
				best_fill = fill;
			}
		}
	}
	return best_score < 0 ? nearest : best;
}

/* The headline of a page of panels (and the area's name under it, when the headline does
 * not name it); returns where the panels start. */
static double
panels_head(struct flow *f, const struct node *n, int first)
{
	const struct style *hs = &f->t->role[R_H1], *as = &f->t->role[R_H2];
	double y = f->y;

	if (n->label != NULL) {
		PangoLayout *l = make_layout(f, hs, NULL, n->label, f->width, 0);
		struct piece *pc = add_piece(f, PC_TEXT, n, 0, y, f->width, layout_h(l));

		pc->layout = l;
		pc->line1 = pango_layout_get_line_count(l);
		pc->colour = hs->colour;
		pc->role = first ? RO_CAPTION : RO_ARTIFACT;
		pc->first = first;
		y += layout_h(l) + hs->after;
	}
	if (n->label == NULL || n->level) {
		PangoLayout *l = make_layout(f, as, NULL, inl_str(&n->text), f->width, 0);
		struct piece *pc = add_piece(f, PC_TEXT, n, 0, y, f->width, layout_h(l));

		pc->layout = l;
		pc->line1 = pango_layout_get_line_count(l);
		pc->colour = as->colour;
		pc->role = RO_ARTIFACT;
		y += layout_h(l) + as->after;
	}
	return y + 12;
}

/* A component's parts as pages (hundred-children panels), on pages of their own under the
 * headline, all of one size and as large as the page allows (panel_plan()), each row
 * centred. */
static void
place_pages(struct flow *f, const struct node *n)
{
	const struct node *c = n->first;
	int total = 0, k = 0, page = 0;
	struct panel_plan plan;
	double y0;

	for (const struct node *p = c; p != NULL; p = p->next)
		total++;
	if (n->prev == NULL || n->prev->type != N_HEADING)
		break_page(f);	/* under a heading, the panels start on its page */
	else
		f->y += gap(f, 12);
	if (total == 0)
		return;
	y0 = f->y + (n->label ? layout_h(make_layout(f, &f->t->role[R_H1], NULL, n->label,
	    f->width, 0)) + f->t->role[R_H1].after : 0) + (n->label == NULL || n->level ?
	    layout_h(make_layout(f, &f->t->role[R_H2], NULL, inl_str(&n->text), f->width, 0)) +
	    f->t->role[R_H2].after : 0) + 12;
	plan = panel_plan(c, total, n->start, f->width, y0, bottom(f), f->t->page_h);
	if (n->prev != NULL && n->prev->type == N_COMPONENT && n->prev->comp == n->comp &&
	    f->panel_w > 0 &&
	    n->prev->first != NULL && total == (int)f->panel_n)	/* an area list: as the last */
		plan = (struct panel_plan){ f->panel_per, f->panel_cols, f->panel_w };
	f->panel_per = plan.per;
	f->panel_cols = plan.cols;
	f->panel_w = plan.w;
	f->panel_n = (size_t)total;
	for (int pages = (total + plan.per - 1) / plan.per; page < pages; page++) {
		int on_page = (total - k) / (pages - page), rows, placed = 0;
		double ph = n->comp->height(c, plan.w), y;
		struct piece *pc;

		if (page > 0)
			break_page(f);
		if (f->t->infographic) {	/* the full-bleed infographic page */
			pc = add_piece(f, PC_FILL, NULL, -f->t->bleed, -f->t->bleed, f->t->page_w +
			    2 * f->t->bleed, f->t->page_h + 2 * f->t->bleed);
			pc->absolute = 1;
			pc->colour = f->t->infographic_bg;
			pc->role = RO_ARTIFACT;
		}
		if ((total - k) % (pages - page) != 0)
			on_page++;
		y = panels_head(f, n, k == 0);
		rows = (on_page + plan.cols - 1) / plan.cols;
		for (int r = 0; r < rows; r++) {
			int in_row = (on_page - placed) / (rows - r) +
			    ((on_page - placed) % (rows - r) != 0);
			double x = (f->width - in_row * plan.w - (in_row - 1) * PANEL_GAP) / 2;

			for (int i = 0; i < in_row; i++, c = c->next, k++, placed++) {
				pc = add_piece(f, PC_PANEL, c, x + i * (plan.w + PANEL_GAP), y,
				    plan.w, ph);
				pc->first = 1;
			}
			y += ph + (r + 1 < rows ? PANEL_GAP : 0);
		}
		f->y = y;
		f->fresh = 0;
	}
	f->space = text_style(f, &(struct frame){ .w = 0, .role = R_BODY })->after;
}

static void	ahead_join(struct flow *);

/* Places a run of sibling blocks starting at `n`, in frame `fr`. */
static void
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
		case N_COMPONENT:	/* by its shape; the component is not named here */
			if (n->comp->shape == SHAPE_PAGES)
				place_pages(f, n);
			else if (n->comp->shape == SHAPE_CARDS)
				place_cards(f, n, &fr);
			else if (n->comp->shape == SHAPE_BOX)
				place_box(f, n, &fr);
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

/* ---- the second thread ---- */

/* Frees what a flow gathered on its way (not its pages). */
static void
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
}

/* Bytes of text in `n` and the blocks inside it. */
static size_t
text_weight(const struct node *n)
{
	size_t w = n->text.text.len;

	for (const struct node *c = n->first; c != NULL; c = c->next)
		w += text_weight(c);
	return w;
}

static void
queue_free(gpointer q)
{
	g_queue_free_full(q, g_object_unref);
}

/* The worker: lays out the blocks from w->f.split to the end, keeping every layout made. */
static void *
work_ahead(void *arg)
{
	struct worker *w = arg;
	struct flow *f = &w->f;
	const struct node *from = f->split;

	oom_thread_stack();
	w->ctx = layout_context();	/* in this thread: pango's font map is per thread */
	f->ps = xcalloc(1, sizeof(*f->ps));
	f->ps->ctx = w->ctx;
	f->split = NULL;
	find_notes(f, f->d->root);
	f->ahead = w->made;
	f->storing = 1;
	new_page(f, PG_BODY);
	place_blocks(f, from, (struct frame){ .w = f->width, .role = R_BODY });
	g_object_ref(w->ctx);	/* the pages go, their context stays for the first thread */
	pages_free(f->ps);
	flow_free(f);
	return NULL;
}

/* Starts the worker on the second half of the document's text, when it is long enough to
 * be worth a thread; else leaves f->worker NULL. */
static void
ahead_start(struct flow *f)
{
	const struct node *n;
	size_t total = text_weight(f->d->root), sum = 0;
	struct worker *w;

	if (total < AHEAD_MIN || f->g->jobs < 2)
		return;
	for (n = f->d->root->first; n != NULL && sum < total / 2; n = n->next)
		sum += text_weight(n);
	if (n == NULL || n == f->d->root->first)
		return;
	w = xcalloc(1, sizeof(*w));
	w->f = (struct flow){ .d = f->d, .t = f->t, .top = f->top, .bottom = f->bottom,
	    .width = f->width, .split = n };
	w->made = g_hash_table_new_full(g_str_hash, g_str_equal, free, queue_free);
	if (pthread_create(&w->thread, NULL, work_ahead, w) != 0) {
		g_hash_table_destroy(w->made);
		free(w);
		return;		/* one thread does it all */
	}
	f->worker = w;
	f->split = n;
}

/* Waits for the worker and takes its layouts; a no-op without one. */
static void
ahead_join(struct flow *f)
{
	struct worker *w = f->worker;

	if (w == NULL)
		return;
	pthread_join(w->thread, NULL);
	f->ahead = w->made;
	f->ps->ctx_ahead = w->ctx;
	f->worker = NULL;
	f->split = NULL;
	free(w);
}

/* Drops the layouts made ahead that were not taken. */
static void
ahead_end(struct flow *f)
{
	ahead_join(f);
	if (f->ahead != NULL)
		g_hash_table_destroy(f->ahead);
	f->ahead = NULL;
}

/* ---- the contents: laid out after the body, with its page numbers ---- */

char *
page_label(const struct pages *ps, size_t i)
{
	static const char *const ones[] = { "", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii",
	    "ix" }, *const tens[] = { "", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc" };

	if ((int)i < ps->front && i < 99)
		return xasprintf("%s%s", tens[(i + 1) / 10], ones[(i + 1) % 10]);
	return xasprintf("%zu", i + 1 - (size_t)ps->front);
}

size_t
page_count(const struct pages *ps)
{
	return ps->n - (size_t)ps->front;
}

static void
place_contents(struct flow *f, int first_body)
{
	const struct style *ts = &f->t->role[R_H1];
	PangoLayout *title = make_layout(f, ts, NULL, f->t->toc_title ? f->t->toc_title : "",
	    f->width, 0);
	struct frame fr = { .w = f->width, .role = R_BODY };
	struct piece *pc;

	new_page(f, PG_TOC);
	cur_page(f)->opens_chapter = 1;
	pc = add_piece(f, PC_TEXT, NULL, 0, f->y, f->width, 0);
	pc->layout = title;
	pc->line0 = 0;
	pc->line1 = pango_layout_get_line_count(title);
	pc->colour = ts->colour;
	f->y += FROM_PANGO(pango_layout_get_line_count(title) * PT(ts->leading)) + ts->after;
	f->fresh = 0;
	for (size_t i = 0; i < f->nheads; i++) {
		const struct node *h = f->heads[i];
		/* its level in the contents: a part's chapters are listed under it */
		int lv = h->hlevel > 1 ? h->hlevel - 1 : h->level;
		const struct style *s = &f->t->role[lv <= 1 ? R_TOC1 : R_TOC2];
		double indent = lv <= 1 ? 0 : 14.0 * (lv - 1);
		char *num;
		PangoLayout *l, *nl;
		PangoRectangle lr;

		if (lv > f->t->toc_depth)
			continue;
		num = page_label(&(struct pages){ .front = f->t->front_roman ? first_body +
		    f->body_start : 0 }, (size_t)(first_body + f->head_page[i]));
		l = make_layout(f, s, &h->text, inl_str(&h->text), fr.w - indent - 40, 0);
		nl = make_layout(f, s, NULL, num, -1, 0);
		free(num);
		pango_layout_get_extents(l, NULL, &lr);
		f->y += gap(f, s->before);
		if (f->y + FROM_PANGO(lr.height) > f->bottom)
			new_page(f, PG_TOC);
		pc = add_piece(f, PC_TEXT, h, indent, f->y, fr.w - indent, FROM_PANGO(lr.height));
		pc->layout = l;
		pc->aux = nl;
		pc->line0 = 0;
		pc->line1 = pango_layout_get_line_count(l);
		pc->role = RO_TOC;
		pc->colour = s->colour;
		f->y += FROM_PANGO(lr.height);
		f->fresh = 0;
		f->space = s->after;
	}
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
				PangoLayoutLine *l = pango_layout_get_line_readonly(pc->layout,
				    pc->line0);
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
