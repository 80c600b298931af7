/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_markdown.c: libFuzzer target over the bind step and Markdown to the tree: tags with
 * values from a small table, then cmark-gfm and gen's conversion (make fuzz). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char csv[] = "key,value,label\nchildren,40374,children\nschools,102,schools\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen g = { 0 };
	struct table *t = csv_read(&g, "data/key-figures.csv", csv, sizeof(csv) - 1);
	struct datasets ds = { .v = &t, .n = 1 };
	struct expansion x;
	struct node *root = node_new(N_DOCUMENT, "fuzz.md", 1, 1);
	char *text = xstrndup((const char *)data, size);

	csv_set_type(&g, t, 1, COL_NUMBER);
	if (utf8_invalid(text, size) == (size_t)-1) {	/* as document.c lets through */
		bind_text(&g, "fuzz.md", text, size, 1, 0, &ds, &x);
		markdown_parse(&g, "fuzz.md", &x, &ds, root);
		bind_free(&x);
	}
	node_free(root);
	csv_free(t);
	free(text);
	msg_flush(&g);
	return 0;
}
