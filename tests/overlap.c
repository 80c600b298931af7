/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/overlap.c: finds words that overlap on a PDF's pages, as a reader would see them
 * collide ("not publishednot published"): every word with its box from `pdftotext -bbox`,
 * and any two on a page whose boxes overlap by more than a hair across and by more than a
 * third of the smaller's height up and down (the boxes of two lines set tight, each the
 * font's whole height, may share a sliver that no glyph reaches).
 * Usage: overlap FILE.pdf; prints a line per pair and exits 1 when there is any, 0 when
 * there is none, 2 when the PDF cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HAIR	0.6	/* pt two boxes may share: glyphs' boxes touch at their edges */
#define LINES	0.3	/* of the smaller box's height two lines' boxes may share */

struct word {
	double	 x0, y0, x1, y1;
	char	 text[64];
};

static int
by_top(const void *a, const void *b)
{
	const struct word *p = a, *q = b;

	return p->y0 < q->y0 ? -1 : p->y0 > q->y0;
}

/* Reports the overlapping pairs among a page's words; returns how many. */
static int
check_page(const char *pdf, int page, struct word *w, size_t n)
{
	int found = 0;

	qsort(w, n, sizeof(*w), by_top);
	for (size_t i = 0; i < n; i++)
		for (size_t k = i + 1; k < n && w[k].y0 < w[i].y1 - HAIR; k++) {
			double h = w[i].y1 - w[i].y0 < w[k].y1 - w[k].y0 ? w[i].y1 - w[i].y0 :
			    w[k].y1 - w[k].y0;
			double dx = (w[i].x1 < w[k].x1 ? w[i].x1 : w[k].x1) -
			    (w[i].x0 > w[k].x0 ? w[i].x0 : w[k].x0);
			double dy = (w[i].y1 < w[k].y1 ? w[i].y1 : w[k].y1) -
			    (w[i].y0 > w[k].y0 ? w[i].y0 : w[k].y0);

			if (dx > HAIR && dy > HAIR && dy > LINES * h) {
				printf("%s: page %d: \"%s\" and \"%s\" overlap at %.0f, %.0f\n", pdf,
				    page, w[i].text, w[k].text, w[k].x0, w[k].y0);
				found++;
			}
		}
	return found;
}

int
main(int argc, char **argv)
{
	char *cmd, line[4096];
	FILE *fp;
	struct word *w = NULL;
	size_t n = 0, cap = 0;
	int page = 0, found = 0;

	if (argc != 2 || strchr(argv[1], '\'') != NULL) {
		fprintf(stderr, "usage: overlap FILE.pdf\n");
		return 2;
	}
	if (asprintf(&cmd, "pdftotext -q -bbox '%s' -", argv[1]) < 0 ||
	    (fp = popen(cmd, "r")) == NULL)
		return 2;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p;

		if (strstr(line, "<page ") != NULL) {
			found += check_page(argv[1], page, w, n);
			n = 0;
			page++;
		} else if ((p = strstr(line, "<word ")) != NULL) {
			struct word x = { 0 };
			char *t = strchr(p, '>'), *e;

			if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x.x0,
			    &x.y0, &x.x1, &x.y1) != 4 || t == NULL)
				continue;
			if ((e = strstr(++t, "</word>")) != NULL)
				*e = '\0';
			snprintf(x.text, sizeof(x.text), "%s", t);
			if (n == cap && (w = realloc(w, (cap = cap ? 2 * cap : 512) *
			    sizeof(*w))) == NULL)
				return 2;
			w[n++] = x;
		}
	}
	found += check_page(argv[1], page, w, n);
	free(w);
	free(cmd);
	if (pclose(fp) != 0 || page == 0) {
		fprintf(stderr, "overlap: cannot read the words of %s\n", argv[1]);
		return 2;
	}
	return found > 0;
}
