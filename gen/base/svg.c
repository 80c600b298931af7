/* SPDX-License-Identifier: GPL-3.0-or-later */
/* svg.c: the SVG gen writes from cairo's: made accessible as a file of its own (a panel's),
 * or with its ids made unique for a place among others in a web page. Called by the
 * components' files() and by html.c's html_svg(). */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Appends `s` to `b` with each "surfaceN" (cairo names its surfaces from a counter of the
 * whole process, so the same panel would get another id after other panels) renumbered
 * 1, 2 ... in order of first appearance: the same panel, the same bytes. */
static void
add_renumbered(struct buf *b, const char *s)
{
	static const char word[] = "surface";
	unsigned long seen[64];
	size_t nseen = 0, k;
	const char *p;
	char *end;
	char num[32];

	while ((p = strstr(s, word)) != NULL) {
		unsigned long v;

		p += sizeof(word) - 1;
		buf_add(b, s, (size_t)(p - s));
		s = p;
		if (*p < '0' || *p > '9')
			continue;
		v = strtoul(p, &end, 10);
		for (k = 0; k < nseen && seen[k] != v; k++)
			;
		if (k == nseen && nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = v;
		snprintf(num, sizeof(num), "%zu", k + 1);
		buf_adds(b, num);
		s = end;
	}
	buf_adds(b, s);
}

/* cairo's SVG has the text as glyph outlines: give it a title, a description and an ARIA
 * role and label, so the web page's reader hears what the picture says. Appends the result of
 * `svg` (NUL-terminated) to `out`; returns -1 when it holds no <svg> element. */
int
svg_accessible(const char *svg, const char *title, const char *desc, const char *lang,
    const char *words, struct buf *out)
{
	const char *open, *end, *close;
	char *middle;

	if ((open = strstr(svg, "<svg")) == NULL || (end = strchr(open, '>')) == NULL ||
	    (close = strstr(end, "</svg>")) == NULL)
		return -1;
	buf_add(out, svg, (size_t)(open - svg) + 4);
	buf_adds(out, " role=\"img\" lang=\"");
	xml_escape(out, lang, strlen(lang));
	buf_adds(out, "\" xml:lang=\"");
	xml_escape(out, lang, strlen(lang));
	buf_adds(out, "\" aria-label=\"");
	xml_escape(out, desc, strlen(desc));
	buf_adds(out, "\"");
	buf_add(out, open + 4, (size_t)(end - open - 4) + 1);
	buf_adds(out, "\n<title>");
	xml_escape(out, title, strlen(title));
	buf_adds(out, "</title>\n<desc>");
	xml_escape(out, desc, strlen(desc));
	buf_adds(out, "</desc>");
	middle = xstrndup(end + 1, (size_t)(close - end - 1));
	add_renumbered(out, middle);
	free(middle);
	buf_adds(out, words ? words : "");	/* gen's own: over the glyphs, last */
	buf_adds(out, close);
	return 0;
}

void
svg_prefix_ids(struct buf *b, const char *svg, const char *pre)
{
	char **ids = NULL;
	size_t nids = 0;
	const char *p = svg;

	for (const char *q = p; (q = strstr(q, " id=\"")) != NULL; ) {	/* the ids, in order */
		const char *e = strchr(q + 5, '"');

		if (e == NULL)
			break;
		ids = xrealloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = xstrndup(q + 5, (size_t)(e - q - 5));
		q = e;
	}
	while (*p) {
		size_t k = 0, i;

		if (strncmp(p, " id=\"", 5) == 0)
			k = 5;
		else if (*p == '#')
			k = 1;
		if (k == 0) {
			buf_addc(b, *p++);
			continue;
		}
		buf_add(b, p, k);
		p += k;
		for (i = 0; i < nids; i++) {
			size_t l = strlen(ids[i]);

			if (strncmp(p, ids[i], l) == 0 && (p[l] == '"' || p[l] == ')')) {
				char num[64];

				snprintf(num, sizeof(num), "%s%zu", pre, i + 1);
				buf_adds(b, num);
				p += l;
				break;
			}
		}
	}
	for (size_t i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
}

/* Appends `v` as cairo's SVG does: at most six decimals, no trailing zeros ("12.5", "-3"). */
static void
add_number(struct buf *b, double v)
{
	char num[48];
	size_t n = (size_t)snprintf(num, sizeof(num), "%.6f", v);

	while (n > 0 && num[n - 1] == '0')
		n--;
	if (n > 0 && num[n - 1] == '.')
		n--;
	num[n] = '\0';
	buf_adds(b, strcmp(num, "-0") == 0 ? "0" : num);
}

/* Appends colour 0xRRGGBB as cairo's SVG writes it: rgb() in percentages. */
static void
add_colour(struct buf *b, unsigned c)
{
	buf_adds(b, "rgb(");
	for (int shift = 16; shift >= 0; shift -= 8) {
		add_number(b, ((c >> shift) & 0xff) / 2.55);
		buf_adds(b, shift ? "%," : "%)");
	}
}

/* Appends a <path> of cairo's `path` with id `id`, filled with colour `fill` and, when
 * `stroke` is a colour (not -1), outlined with it `width` wide: a shape to be drawn again
 * and again with svg_use(), from the <defs> it is written in. */
void
svg_shape(struct buf *b, const char *id, const struct cairo_path *path, unsigned fill,
    int stroke, double width)
{
	static const char op[] = { 'M', 'L', 'C', 'Z' };	/* cairo_path_data_type_t's order */

	buf_adds(b, "<path id=\"");
	xml_escape(b, id, strlen(id));
	buf_adds(b, "\" style=\"fill-rule:nonzero;fill:");
	add_colour(b, fill);
	buf_adds(b, ";fill-opacity:1;");
	if (stroke >= 0) {
		buf_adds(b, "stroke-width:");
		add_number(b, width);
		buf_adds(b, ";stroke-linecap:butt;stroke-linejoin:miter;stroke:");
		add_colour(b, (unsigned)stroke);
		buf_adds(b, ";stroke-opacity:1;stroke-miterlimit:10;");
	} else
		buf_adds(b, "stroke:none;");
	buf_adds(b, "\" d=\"");
	for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
		const cairo_path_data_t *d = &path->data[i];

		if (i > 0)
			buf_addc(b, ' ');
		buf_addc(b, op[d->header.type]);
		for (int k = 1; k < d->header.length; k++) {
			buf_addc(b, ' ');
			add_number(b, d[k].point.x);
			buf_addc(b, ' ');
			add_number(b, d[k].point.y);
		}
	}
	buf_adds(b, "\"/>\n");
}

/* Appends a <use> of the shape `id` (svg_shape()) moved to (x, y). */
void
svg_use(struct buf *b, const char *id, double x, double y)
{
	buf_adds(b, "<use xlink:href=\"#");
	xml_escape(b, id, strlen(id));
	buf_adds(b, "\" x=\"");
	add_number(b, x);
	buf_adds(b, "\" y=\"");
	add_number(b, y);
	buf_adds(b, "\"/>\n");
}
