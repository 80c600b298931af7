/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_component.c: libFuzzer target over each component's attribute reader and builder
 * (make fuzz). The input's first line is the tag, such as <chart type="bar" data="t" …>;
 * the rest is the CSV of the table `t` (also the row being built, for <hundreds>). The node
 * made is then measured and drawn, as layout and render would, through its component's
 * operations (components.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Measures and draws what the component made, on a small surface. */
static void
draw(struct gen *g, const struct node *n)
{
	static const char xml[] = "<template><page size=\"A5\" margin=\"15mm\"/></template>";
	struct template *t = template_parse(g, "fuzz", xml, sizeof(xml) - 1);
	cairo_surface_t *s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = layout_context();

	for (const struct node *p = n; t != NULL && p != NULL; p = p->next) {
		if (p->type != N_COMPONENT || p->comp->draw == NULL)
			continue;
		if (p->comp->place == flow_place_box) {	/* the component's own operations */
			p->comp->height(p, 300);
			p->comp->draw(cr, ctx, t, p, 0, 0, 300);
		} else
			for (const struct node *h = p->first; h; h = h->next) {
				p->comp->height(h, 300);
				p->comp->draw(cr, ctx, t, h, 0, 0, 300);
			}
	}
	g_object_unref(ctx);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	template_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g0;
	struct gen g = { .root = "." };
	char *text = xstrndup((const char *)data, size), *nl = strchr(text, '\n');
	struct table *t = NULL;
	struct datasets ds = { 0 };
	struct component_call call = { &g, &ds, "fuzz.md", 1, 1, text, NULL };
	struct node *n = NULL;

	if (g0.realroot == NULL) {	/* fonts/ of the project the target runs in */
		g0.realroot = ".";
		fonts_init(&g0);
	}
	if (nl != NULL && utf8_invalid(text, size) == (size_t)-1) {
		*nl = '\0';
		if ((t = csv_read(&g, "data/t.csv", nl + 1, strlen(nl + 1))) != NULL) {
			ds.v = &t;
			ds.n = 1;
			ds.row_table = t->nrows > 0 ? t : NULL;
		}
		for (size_t i = 0; component_nth(i) != NULL; i++) {	/* the tag's component */
			const struct component *c = component_nth(i);
			size_t k = strlen(c->tag);

			if (text[0] == '<' && strncmp(text + 1, c->tag, k) == 0 &&
			    (text[k + 1] == ' ' || text[k + 1] == '>' || text[k + 1] == '\0'))
				n = c->make(&call);
		}
		if (n != NULL) {
			draw(&g, n);
			node_free(n);
		}
	}
	if (t != NULL)
		csv_free(t);
	free(text);
	msg_flush(&g);
	return 0;
}
