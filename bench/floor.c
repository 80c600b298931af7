/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/floor.c: the libraries' floor for bench/run.sh: what cmark-gfm, pango and cairo alone
 * cost for a document. `floor IN.md OUT.pdf` parses IN.md, sets one PangoLayout per block
 * (heading, paragraph, list item, table row as tab-separated text) at gen's bench width and
 * font, breaks pages by height and draws each block on a cairo PDF surface. No templates, no
 * data, no tagging, no running heads: a lower bound, not a rival. Run from the repository root
 * (it reads fonts/fonts.conf, so only fonts/ is seen). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pango/pangocairo.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (20 * MM)
#define MAX_DEPTH 64

struct floor {
	cairo_t *cr;
	PangoContext *pc;		/* one context: 72 dpi, unrounded glyph positions */
	PangoFontDescription *body;	/* Inter 10.5 pt */
	PangoFontDescription *h1, *h2;	/* Inter Bold 18 and 14 pt */
	double y;			/* top of the next block on this page */
	int pages;			/* pages finished so far */
};

/* Appends the inlines under node to s as pango markup. */
static void inlines(GString *s, cmark_node *node, int depth)
{
	for (cmark_node *n = cmark_node_first_child(node); n; n = cmark_node_next(n)) {
		const char *lit;
		char *esc;

		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(n);
			esc = g_markup_escape_text(lit ? lit : "", -1);
			g_string_append(s, esc);
			g_free(esc);
			break;
		case CMARK_NODE_SOFTBREAK:
			g_string_append_c(s, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			g_string_append_c(s, '\n');
			break;
		case CMARK_NODE_STRONG:
			g_string_append(s, "<b>");
			if (depth < MAX_DEPTH)
				inlines(s, n, depth + 1);
			g_string_append(s, "</b>");
			break;
		case CMARK_NODE_EMPH:
			g_string_append(s, "<i>");
			if (depth < MAX_DEPTH)
				inlines(s, n, depth + 1);
			g_string_append(s, "</i>");
			break;
		default:
			if (depth < MAX_DEPTH)
				inlines(s, n, depth + 1);
			break;
		}
	}
}

/* Sets markup in one layout at indent, breaking the page first if it does not fit. */
static void block(struct floor *f, const char *markup, const PangoFontDescription *font,
    double indent, double after)
{
	PangoLayout *layout = pango_layout_new(f->pc);
	int w, h;

	pango_layout_set_font_description(layout, font);
	pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN - indent) * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
	pango_layout_set_markup(layout, markup, -1);
	pango_layout_get_size(layout, &w, &h);
	double height = (double)h / PANGO_SCALE;

	if (f->y + height > PAGE_H - MARGIN && f->y > MARGIN) {
		cairo_show_page(f->cr);
		f->pages++;
		f->y = MARGIN;
	}
	cairo_move_to(f->cr, MARGIN + indent, f->y);
	pango_cairo_show_layout(f->cr, layout);
	f->y += height + after;
	g_object_unref(layout);
}

/* Lays out every block under node; list items get a bullet and an indent. */
static void blocks(struct floor *f, cmark_node *node, int depth, double indent)
{
	for (cmark_node *n = cmark_node_first_child(node); n; n = cmark_node_next(n)) {
		GString *s = g_string_new(NULL);
		const char *type = cmark_node_get_type_string(n);

		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			inlines(s, n, 0);
			block(f, s->str, cmark_node_get_heading_level(n) == 1 ? f->h1 : f->h2,
			    indent, 7);
			break;
		case CMARK_NODE_PARAGRAPH:
			if (cmark_node_get_type(node) == CMARK_NODE_ITEM &&
			    n == cmark_node_first_child(node))
				g_string_append(s, "•\t");
			inlines(s, n, 0);
			block(f, s->str, f->body, indent, 7);
			break;
		case CMARK_NODE_CODE_BLOCK: {
			char *esc = g_markup_escape_text(cmark_node_get_literal(n), -1);
			g_string_append_printf(s, "<tt>%s</tt>", esc);
			g_free(esc);
			block(f, s->str, f->body, indent, 7);
			break;
		}
		case CMARK_NODE_LIST:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_BLOCK_QUOTE:
			if (depth < MAX_DEPTH)
				blocks(f, n, depth + 1,
				    indent + (cmark_node_get_type(n) == CMARK_NODE_LIST ? 0 : 6));
			break;
		default:
			if (strcmp(type, "table_row") == 0 || strcmp(type, "table_header") == 0) {
				for (cmark_node *c = cmark_node_first_child(n); c;
				    c = cmark_node_next(c)) {
					if (c != cmark_node_first_child(n))
						g_string_append_c(s, '\t');
					inlines(s, c, 0);
				}
				block(f, s->str, f->body, indent, 3);
			} else if (depth < MAX_DEPTH) {
				blocks(f, n, depth + 1, indent);
			}
			break;
		}
		g_string_free(s, TRUE);
	}
}

static cmark_node *parse(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!fp) {
		perror(path);
		exit(1);
	}
	cmark_gfm_core_extensions_ensure_registered();
	cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
	cmark_syntax_extension *table = cmark_find_syntax_extension("table");
	if (table)
		cmark_parser_attach_syntax_extension(p, table);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		cmark_parser_feed(p, buf, n);
	fclose(fp);
	cmark_node *doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

/* Skips gen's front matter: the Markdown starts after the second "---" line. */
static cmark_node *parse_body(const char *path, char *tmp, size_t tmpsize)
{
	FILE *in = fopen(path, "rb");
	char line[4096];
	int dashes = 0;

	if (!in) {
		perror(path);
		exit(1);
	}
	snprintf(tmp, tmpsize, "%s.body", path);
	FILE *out = NULL;
	while (fgets(line, sizeof line, in)) {
		if (!out && dashes < 2 && strcmp(line, "---\n") == 0) {
			if (++dashes == 2)
				out = fopen(tmp, "wb");
			continue;
		}
		if (out)
			fputs(line, out);
	}
	fclose(in);
	if (!out)
		return parse(path);
	fclose(out);
	cmark_node *doc = parse(tmp);
	remove(tmp);
	return doc;
}

int main(int argc, char **argv)
{
	char tmp[4096];
	struct floor f = {0};

	if (argc != 3) {
		fprintf(stderr, "usage: floor IN.md OUT.pdf\n");
		return 2;
	}
	/* fontconfig reads a relative FONTCONFIG_FILE from its own folder, so make it absolute */
	char *conf = realpath("fonts/fonts.conf", NULL);
	if (!conf) {
		perror("fonts/fonts.conf");
		return 1;
	}
	setenv("FONTCONFIG_FILE", conf, 1);
	free(conf);

	cmark_node *doc = parse_body(argv[1], tmp, sizeof tmp);
	cairo_surface_t *surface = cairo_pdf_surface_create(argv[2], PAGE_W, PAGE_H);
	f.cr = cairo_create(surface);
	f.pc = pango_cairo_create_context(f.cr);
	pango_cairo_context_set_resolution(f.pc, 72);
	pango_context_set_round_glyph_positions(f.pc, FALSE);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(f.pc, fo);
	cairo_font_options_destroy(fo);
	f.body = pango_font_description_from_string("Inter 10.5");
	f.h1 = pango_font_description_from_string("Inter Bold 18");
	f.h2 = pango_font_description_from_string("Inter Bold 14");
	f.y = MARGIN;

	blocks(&f, doc, 0, 0);
	cairo_show_page(f.cr);
	f.pages++;

	pango_font_description_free(f.body);
	pango_font_description_free(f.h1);
	pango_font_description_free(f.h2);
	g_object_unref(f.pc);
	cairo_destroy(f.cr);
	cairo_surface_finish(surface);
	cairo_status_t st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	cmark_node_free(doc);
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "floor: %s: %s\n", argv[2], cairo_status_to_string(st));
		return 1;
	}
	return 0;
}
