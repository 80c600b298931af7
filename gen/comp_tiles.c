/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_tiles.c: <key-figures data="key-figures" columns="3">, the page of big numbers:
 * a tile per row of the table, with its number (value and unit), label and detail, and, when
 * a table of the tile's key exists (data/schools.csv for `schools`), its items as a list.
 * Made from its tag (components.c); layout.c sets its tiles as cards in a grid. */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *
col_text(const struct table *t, size_t r, const char *col)
{
	int c = csv_column(t, col);

	return c < 0 ? "" : t->cells[r * t->ncols + (size_t)c].text;
}

/* A whole number with thousands separators as written from "40374"; other figures as they
 * are written; a figure not given in words. */
static void
add_number(struct buf *b, const struct cell *c)
{
	const char *v = c->text;
	size_t n = strspn(v, "0123456789");

	if (DATUM_MISSING(c->kind)) {
		buf_adds(b, datum_words(c->kind, 0));
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
		const char *count = col_text(t, r, "count"), *what = col_text(t, r, "item");
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

	if (t == NULL) {
		if (name == NULL || !datasets_broken(c->data, name))
			msg(c->g, MSG_ERROR, c->file, c->line, c->col, name ? "<key-figures> names "
			    "`%s`, but there is no such file in data/" : "<key-figures> needs "
			    "data=\"TABLE\"%s", name ? name : "");
	} else if (check_tiles(c->g, t) == 0) {
		tiles = node_new(N_COMPONENT, c->file, c->line, c->col);
		tiles->comp = &comp_key_figures;
		tiles->start = cols ? atoi(cols) : 3;
		if (tiles->start < 1 || tiles->start > 6)
			tiles->start = 3;
		for (size_t r = 0; r < t->nrows; r++) {
			const struct cell *vc = &t->cells[r * t->ncols + (size_t)csv_column(t,
			    "value")];
			struct node *tile = node_new(N_PART, t->path, vc->line, vc->col);
			const char *detail = col_text(t, r, "detail"), *key = col_text(t, r, "key");
			const struct table *list = key[0] ? datasets_find(c->data, key) : NULL;

			add_number(&tile->text.text, vc);
			buf_adds(&tile->text.text, col_text(t, r, "unit"));
			inl_typeset(&tile->text);	/* a true minus, as the rest of the page */
			node_append(tile, para(t->path, vc->line, 1, col_text(t, r, "label")));
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
	.shape = SHAPE_CARDS,
	.whole_tag = "Div",
	.part_tag = "Div",
	.html = tiles_html,
	.css = tiles_css,
};
