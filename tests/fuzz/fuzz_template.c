/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_template.c: libFuzzer target over the template reader: XML parsed with no network,
 * entities or DTD, then the page, theme, data, furniture and the rest (make fuzz). Includes
 * and logos name files in templates/, which the fuzzer's project has: they load or fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen g = { 0 };
	char *text = xstrndup((const char *)data, size);	/* as read_file() gives it */

	g.root = ".";
	g.realroot = ".";
	template_free(template_parse(&g, "fuzz", text, size));
	free(text);
	msg_flush(&g);
	return 0;
}
