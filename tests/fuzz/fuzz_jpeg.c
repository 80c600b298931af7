/* fuzz_jpeg.c: libFuzzer target over the JPEG loader (image_decode(), as image_load() calls it
 * on a file's bytes); input without the JPEG signature gets it in front (make fuzz). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "\xff\xd8\xff";
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
