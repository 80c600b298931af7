/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_post.c: libFuzzer target over the post-pass (make fuzz): the input is taken for the PDF
 * cairo wrote, and pdf_post() adds what cairo cannot (language, XMP, figures' /Alt,
 * artifacts, boxes, inks in CMYK) and writes it, into a folder of its own that is emptied
 * after each. The elements are those of corpus/post/whole.pdf (cairo 1.16's, two pages), the
 * one seed that gets past the structure's checks to the pages, the colour and pdf_write.c;
 * without the H1 no input could (PDF/UA asks for the title's H1). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/gen-fuzz-post.XXXXXX";

static void
remove_dir(void)
{
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pdf_elem elems[] = { { "Document", NULL, NULL, NULL, NULL, 0 },
	    { "H1", NULL, NULL, NULL, NULL, 0 },
	    { "Figure", NULL, "A chart of the figures", NULL, NULL, 0 },
	    { "Table", NULL, NULL, NULL, NULL, 0 }, { "TH", "Column", NULL, NULL, NULL, 2 },
	    { "Figure", NULL, "A photograph", NULL, NULL, 0 } };
	static const struct ink inks[] = { { 0x000000, { 0, 0, 0, 10000 } },
	    { 0x1d4f91, { 9400, 6500, 0, 1900 } } };
	static char *out;
	struct gen g = { 0 };
	struct pdf_post p = { .lang = "en-GB", .title = "Fuzz", .author = "An author",
	    .subject = "A subject", .keywords = "some, keywords", .date = 1656547200,
	    .elems = elems, .nelems = sizeof(elems) / sizeof(elems[0]), .bleed = 8.5, .inks = inks,
	    .ninks = sizeof(inks) / sizeof(inks[0]), .ua = 1 };

	if (out == NULL) {
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(remove_dir);
		out = xasprintf("%s/out.pdf", dir);
	}
	pdf_post(&g, (const char *)data, size, out, "out/fuzz.pdf", &p);
	unlink(out);
	msg_flush(&g);
	return 0;
}
