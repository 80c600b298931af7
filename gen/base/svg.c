/* SPDX-License-Identifier: GPL-3.0-or-later */
/* svg.c: the SVG gen writes from cairo's: made accessible as a file of its own (a panel's),
 * or with its ids made unique for a place among others in a web page. Called by the
 * components' files() and by html.c's html_svg(). */
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
	buf_adds(out, words ? words : "");	/* over the glyphs, last */
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
