/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_frontmatter.c: libFuzzer target over the front-matter reader (make fuzz). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen g = { 0 };
	struct frontmatter fm;
	char *text = xstrndup((const char *)data, size);	/* as read_file() gives it */

	frontmatter_parse(&g, "fuzz.md", text, size, &fm);
	frontmatter_get(&fm, "title");
	frontmatter_free(&fm);
	free(text);
	msg_flush(&g);
	return 0;
}
