/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_official.c: libFuzzer target over published statistics read as downloaded (make
 * fuzz). The input is a declaration, then a line "----" and a published file (an EES data
 * file or a Fingertips export), then another "----" and the EES file's metadata: each
 * published part is read as data/pub.csv and data/pub.meta.csv are, and the declaration
 * makes its table from them, in a report of 2023 set beside England and the North West. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The part of [s, end) before the next "\n----\n" (or the end); *next is after it. */
static size_t
part(const char *s, const char *end, const char **next)
{
	const char *sep = memmem(s, (size_t)(end - s), "\n----\n", 6);

	*next = sep ? sep + 6 : end;
	return sep ? (size_t)(sep - s) + 1 : (size_t)(end - s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct comparator cmp[] = { { (char *)"england", (char *)"England" },
	    { (char *)"north-west", (char *)"North West" } };
	struct gen g = { 0 };
	struct datasets d = { .cmp = cmp, .ncmp = 2, .year = 2023 };
	const char *s = (const char *)data, *end = s + size, *next;
	size_t n = part(s, end, &next), k;
	const char *decl = s;
	size_t decl_len = n;

	d.v = xcalloc(3, sizeof(*d.v));
	for (int i = 0; i < 2 && next < end; i++) {
		struct table *t;

		s = next;
		k = part(s, end, &next);
		t = csv_read(&g, i == 0 ? "data/pub.csv" : "data/pub.meta.csv", s, k);
		d.v[d.n++] = t ? t : csv_failed(i == 0 ? "data/pub.csv" : "data/pub.meta.csv");
	}
	official_read(&g, &d, "data/table.source", decl, decl_len);
	for (size_t i = 0; i < d.n; i++)
		csv_free(d.v[i]);
	free(d.v);
	msg_flush(&g);
	return 0;
}
