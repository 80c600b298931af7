/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_csv.c: libFuzzer target over the CSV reader and its type checks (make fuzz). */
#include <stdint.h>
#include <stdlib.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen g = { 0 };
	struct table *t = csv_read(&g, "fuzz.csv", (const char *)data, size);

	if (t != NULL) {
		for (size_t c = 0; c < t->ncols; c++)
			csv_set_type(&g, t, c, (enum col_type)(c % 4));
		csv_free(t);
	}
	msg_flush(&g);
	return 0;
}
