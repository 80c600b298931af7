/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_tiles.c: <key-figures data="key-figures" columns="3">, the page of big numbers:
 * a tile per row of the table, with its number (value and unit), label and detail, and, when
 * a table of the tile's key exists (data/schools.csv for `schools`), its items as a list.
 * Made from its tag (components.c); it places its tiles in rows through the page interface. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* The key figures' own data (their N_COMPONENT's `data`, freed with it). */
struct tiles {
	int		 cols;		/* tiles a row, 1 to 6 (columns=) */
};

/* A whole number with thousands separators as written from "40374"; other figures as they
 * are written; a figure not given in words. */
static void
add_number(struct buf *b, const struct datasets *d, const struct cell *c)
{
	const char *v = c->text;
	size_t n = strspn(v, "0123456789");

	if (DATUM_MISSING(c->kind)) {
		buf_adds(b, datum_words(data_words(d), c->kind, 0));
		return;
	}
	if (n < 5 || v[n] != '\0') {	/* 102, 3.5, or already grouped: as written */
		buf_adds(b, v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, v[i]);
	}
}

static struct node *
para(const char *file, int line, int col, const char *text)
{
	struct node *p = node_new(N_PARAGRAPH, file, line, col);

	buf_adds(&p->text.text, text);
	inl_typeset(&p->text);
	return p;
}

/* The list of a tile: the rows of its key's table, "count item" or "item". */
static struct node *
tile_list(const struct table *t)
{
	struct node *list = node_new(N_LIST, t->path, 1, 1);

	list->tight = 1;
	for (size_t r = 0; r < t->nrows; r++) {
		struct node *item = node_new(N_ITEM, t->path, t->cells[r * t->ncols].line, 1);
		const char *count = csv_text(t, r, "count"), *what = csv_text(t, r, "item");
		char *text = count[0] ? xasprintf("%s %s", count, what) : xstrdup(what);

		item->label = xstrdup("\xe2\x80\xa2");
		node_append(item, para(t->path, item->line, 1, text));
		node_append(list, item);
		free(text);
	}
	return list;
}

/* Checks the key figures: a value and a label for each, the values figures, and each key
 * once. Returns the errors. */
static int
check_tiles(struct gen *g, const struct table *t)
{
	int bad = (csv_need_column(g, t, "value", "key figures") < 0) +
	    (csv_need_column(g, t, "label", "key figures") < 0), k;

	if (bad > 0)
		return bad;
	bad += csv_need_numbers(g, t, (size_t)csv_column(t, "value"));
	for (size_t r = 0; r < t->nrows; r++) {
		const struct cell *vc = &t->cells[r * t->ncols + (size_t)csv_column(t, "value")];

		if (vc->kind == D_EMPTY) {
			csv_say(g, t, MSG_ERROR, vc->line, vc->col, "this key figure has no value; "
			    "write it, or a symbol such as [x] (not available)");
			bad++;
		}
	}
	if ((k = csv_column(t, "key")) >= 0)
		bad += csv_need_unique(g, t, &k, 1);
	return bad;
}

static struct node *
tiles_make(const struct component_call *c)
{
	char *name = component_attr(c->tag, "data"), *cols = component_attr(c->tag, "columns");
	const struct table *t = name ? datasets_find(c->data, name) : NULL;
	struct node *tiles = NULL;
	struct tiles *row;

	if (t == NULL) {
		if (name == NULL || !datasets_broken(c->data, name))
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, name ? "<key-figures> names "
			    "`%s`, but there is no such file in data/" : "<key-figures> needs "
			    "data=\"TABLE\"%s", name ? name : "");
	} else if (check_tiles(c->g, t) == 0) {
		tiles = node_new(N_COMPONENT, c->file, c->line, c->col);
		tiles->comp = &comp_key_figures;
		row = xcalloc(1, sizeof(*row));
		row->cols = cols ? atoi(cols) : 3;
		if (row->cols < 1 || row->cols > 6)
			row->cols = 3;
		tiles->data = row;
		for (size_t r = 0; r < t->nrows; r++) {
			const struct cell *vc = &t->cells[r * t->ncols + (size_t)csv_column(t,
			    "value")];
			struct node *tile = node_new(N_PART, t->path, vc->line, vc->col);
			const char *detail = csv_text(t, r, "detail"), *key = csv_text(t, r, "key");
			const struct table *list = key[0] ? datasets_find(c->data, key) : NULL;

			add_number(&tile->text.text, c->data, vc);
			buf_adds(&tile->text.text, csv_text(t, r, "unit"));
			inl_typeset(&tile->text);	/* a true minus, as the rest of the page */
			node_append(tile, para(t->path, vc->line, 1, csv_text(t, r, "label")));
			if (detail[0] != '\0')
				node_append(tile, para(t->path, vc->line, 1, detail));
			if (list != NULL && list != t)
				node_append(tile, tile_list(list));
			tile->comp = &comp_key_figures;
			node_append(tiles, tile);
		}
	}
	free(name);
	free(cols);
	return tiles;
}

/* ---- placed on the pages: the tiles as cards in rows ---- */

#define CARD_PAD 10.0	/* pt inside a tile */
#define CARD_GAP 10.0	/* pt between tiles */
#define ITEM_INDENT 10.0	/* pt from a list's bullet to its words */

/* The styles of a tile: its number, its label, the rest. */
struct tile_styles {
	struct style	 num, lab, small;
};

/* Makes s smaller, as far as the smallest text allowed, until `in` fits `width` pt: on one
 * line, or (`words`) with none of its words broken. */
static void
fit_style(struct flow *f, struct style *s, const struct inl *in, double width, int words)
{
	double w = flow_text_width(f, s, in, words);

	if (w > width && w > 0) {
		double k = fmax(MIN_TEXT_PT / s->size, width / w * 0.98);

		s->size *= k;
		s->leading *= k;
	}
}

/* No word of a tile is ever broken: the number on one line, and each word of its words
 * within the tile, the type made smaller where a tile is too narrow. */
static struct tile_styles
tile_styles(struct flow *f, const struct node *card, double iw)
{
	const struct template *t = flow_template(f);
	struct tile_styles st = { t->role[R_FIGURE], t->role[R_FIGURE_LABEL],
	    t->role[R_FIGURE_DETAIL] };

	fit_style(f, &st.num, &card->text, iw, 0);
	for (const struct node *c = card->first; c; c = c->next) {
		if (c->type == N_PARAGRAPH)
			fit_style(f, c == card->first ? &st.lab : &st.small, &c->text, iw, 1);
		for (const struct node *it = c->type == N_LIST ? c->first : NULL; it; it = it->next)
			fit_style(f, &st.small, &it->first->text, iw - ITEM_INDENT, 1);
	}
	return st;
}

/* A tile's list from `top`, its items each after a bullet; returns where it ends. */
static double
tile_items(struct flow *f, const struct node *list, const struct style *small, double x,
    double top, double iw, int emit)
{
	for (const struct node *it = list->first; it; it = it->next) {
		PangoLayout *b = flow_text(f, small, NULL, it->label, -1);
		PangoLayout *l = flow_text(f, small, &it->first->text, inl_str(&it->first->text),
		    iw - ITEM_INDENT);

		if (emit) {
			struct piece *pc = flow_add(f, PC_TEXT, it, x, top, 8, 0);

			pc->layout = b;
			pc->line1 = 1;
			pc->role = RO_LABEL;
			pc->colour = flow_template(f)->accent;
			flow_add_text(f, it->first, l, x + ITEM_INDENT, top, iw - ITEM_INDENT,
			    small->colour);
		}
		top += layout_height(l) + 1;
	}
	return top;
}

/* Measures (emit = 0) or places (emit = 1) one tile's content from y in column x, w wide;
 * returns its height. */
static double
one_tile(struct flow *f, const struct node *card, double x, double y, double w, int emit)
{
	double top = y + CARD_PAD, iw = w - 2 * CARD_PAD;
	struct tile_styles st = tile_styles(f, card, iw);
	PangoLayout *l = flow_text(f, &st.num, NULL, inl_str(&card->text), iw);
	int k = 0;

	if (emit)
		flow_add_text(f, card, l, x + CARD_PAD, top, iw, st.num.colour);
	top += layout_height(l);
	for (const struct node *c = card->first; c; c = c->next, k++) {
		const struct style *s = k == 0 ? &st.lab : &st.small;

		if (c->type != N_PARAGRAPH) {
			top = tile_items(f, c, &st.small, x + CARD_PAD, top + 6, iw, emit);
			continue;
		}
		l = flow_text(f, s, &c->text, inl_str(&c->text), iw);
		top += k == 0 ? 0 : 3;
		if (emit)
			flow_add_text(f, c, l, x + CARD_PAD, top, iw, s->colour);
		top += layout_height(l);
	}
	return top + CARD_PAD - y;
}

/* The tiles in rows of the tag's cols=, each row as tall as its tallest tile. */
static void
tiles_place(struct flow *f, const struct node *n, const struct column *col)
{
	int cols = ((const struct tiles *)n->data)->cols;
	double tw = (col->w - (cols - 1) * CARD_GAP) / cols, y;
	const struct node *row = n->first;

	flow_gap(f, 8);
	y = flow_y(f);
	while (row != NULL) {
		double h = 0;
		const struct node *t = row;
		int i;

		for (i = 0; t != NULL && i < cols; t = t->next, i++)
			h = fmax(h, one_tile(f, t, 0, 0, tw, 0));
		flow_need(f, h);
		y = flow_y(f);
		for (i = 0, t = row; t != NULL && i < cols; t = t->next, i++) {
			double x = col->x + i * (tw + CARD_GAP);
			struct piece *pc = flow_add(f, PC_FILL, NULL, x, y, tw, h);

			pc->colour = flow_template(f)->band;
			pc->role = RO_ARTIFACT;
			one_tile(f, t, x, y, tw, 1);
		}
		row = t;
		flow_end(f, y + h + CARD_GAP, 0);
	}
	flow_end(f, flow_y(f), col->text->after);
}

/* As HTML: the tiles as a list, each its number, then its label and the rest. */
static void
tiles_html(struct hout *h, const struct node *n)
{
	html_raw(h, "<ul class=\"tiles\">\n");
	for (const struct node *t = n->first; t; t = t->next) {
		html_raw(h, "<li class=\"tile\"><p class=\"big\">");
		html_inlines(h, &t->text);
		html_raw(h, "</p>\n");
		html_blocks(h, t->first);
		html_raw(h, "</li>\n");
	}
	html_raw(h, "</ul>\n");
}

static void
tiles_css(struct buf *b, const struct template *t)
{
	buf_adds(b, ".tiles{list-style:none;padding:0;display:grid;gap:1rem;"
	    "grid-template-columns:repeat(auto-fill,minmax(min(100%,13rem),1fr))}\n"
	    ".tile{padding:1rem;");
	css_colour(b, "background", t->band);
	buf_adds(b, "}\n.tile .big{font-size:2.2rem;font-weight:700;margin:0;line-height:1.1;"
	    "white-space:nowrap;");	/* a figure is never broken */
	css_colour(b, "color", t->accent);
	buf_adds(b, "}\n");
}

const struct component comp_key_figures = {
	.tag = "key-figures",
	.make = tiles_make,
	.place = tiles_place,
	.whole_tag = "Div",
	.part_tag = "Div",
	.html = tiles_html,
	.css = tiles_css,
	.free = free,	/* a struct tiles */
};
