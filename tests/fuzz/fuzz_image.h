/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_image.h: the libFuzzer target over a picture loader (image_decode(), as image_load()
 * calls it on a file's bytes), included by fuzz_png.c, fuzz_jpeg.c and fuzz_svg.c, each
 * defining IMAGE_MAGIC, its format's signature: input without it gets it in front. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = IMAGE_MAGIC;
	size_t m = sizeof(magic) - 1, pre = size >= m && memcmp(data, magic, m) == 0 ? 0 : m;
	char *bytes = xmalloc(pre + size + 1);	/* NUL-terminated, as read_file() gives it */
	const char *why;
	struct image *im;

	memcpy(bytes, magic, pre);
	memcpy(bytes + pre, data, size);
	bytes[pre + size] = '\0';
	if ((im = image_decode(bytes, pre + size, &why)) != NULL) {
		double w, h;

		image_size(im, &w, &h);
		image_free(im);
	}
	return 0;
}
