/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/pngdiff.c: compares two PNGs as cairo's test suite does, under a tolerance: the
 * pixels whose red, green or blue differ by more than DELTA are counted, and the images
 * match when they are the same size and at most MAX_PERMILLE of their pixels differ.
 * Usage: pngdiff REFERENCE.png OUTPUT.png; prints the count, exits 0 (match) or 1. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>

#define DELTA		48	/* a channel this far apart is a different pixel */
#define MAX_PERMILLE	4	/* differing pixels allowed, per thousand */

struct img {
	png_uint_32	 w, h;
	png_bytep	 px;	/* RGBA, row by row */
};

static int
load(const char *path, struct img *im)
{
	png_image pi = { .version = PNG_IMAGE_VERSION };

	if (!png_image_begin_read_from_file(&pi, path))
		return -1;
	pi.format = PNG_FORMAT_RGBA;
	im->w = pi.width;
	im->h = pi.height;
	if ((im->px = malloc(PNG_IMAGE_SIZE(pi))) == NULL ||
	    !png_image_finish_read(&pi, NULL, im->px, 0, NULL)) {
		png_image_free(&pi);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct img a, b;
	unsigned long differ = 0, total;

	if (argc != 3) {
		fprintf(stderr, "usage: pngdiff REFERENCE.png OUTPUT.png\n");
		return 2;
	}
	if (load(argv[1], &a) == -1 || load(argv[2], &b) == -1) {
		fprintf(stderr, "pngdiff: cannot read %s or %s\n", argv[1], argv[2]);
		return 2;
	}
	if (a.w != b.w || a.h != b.h) {
		printf("size %ux%u, not %ux%u\n", (unsigned)b.w, (unsigned)b.h, (unsigned)a.w,
		    (unsigned)a.h);
		return 1;
	}
	total = (unsigned long)a.w * a.h;
	for (unsigned long i = 0; i < total; i++)
		for (int c = 0; c < 3; c++)
			if (abs(a.px[i * 4 + c] - b.px[i * 4 + c]) > DELTA) {
				differ++;
				break;
			}
	printf("%lu of %lu pixels differ\n", differ, total);
	free(a.px);
	free(b.px);
	return differ * 1000 <= total * MAX_PERMILLE ? 0 : 1;
}
