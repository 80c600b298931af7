/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_document.c: libFuzzer target over a whole document (make fuzz): the input is an
 * index.md (front matter, Markdown, {{ }} tags and components) with two small tables, read,
 * bound, parsed, validated and laid out on a small page, as `gen build` does before it
 * draws; its first line is also made a row's file name (file_slug()). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char tpl[] = "<template><page width=\"120mm\" height=\"90mm\" margin=\"10mm\"/>"
    "<cover/><contents depth=\"2\"/><footer outside=\"{page} of {pages}\"/></template>";
static const char key_figures[] = "key,value,label\nchildren,40374,children\n"
    "schools,102,schools\ngood-ey,86,settings judged good\n";
static const char areas[] = "area,poverty,change\nBootle,29,2.5\nSouthport,15,-1.2\n"
    "Sefton Central,11,\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g0;
	static char root[PATH_MAX], name[] = "fuzz", dir[] = "content/fuzz";
	struct gen g = { .root = ".", .jobs = 1, .realroot = root };	/* pictures only from the project */
	struct doc d = { 0 };
	struct table *tables[2];
	char *text = xstrndup((const char *)data, size), *slug;
	char *file = xstrdup("content/fuzz/index.md");

	if (g0.realroot == NULL) {	/* fonts/ of the project the target runs in */
		g0.realroot = ".";
		fonts_init(&g0);
		if (realpath(".", root) == NULL)
			abort();
	}
	slug = file_slug(text);
	free(slug);
	if (utf8_invalid(text, size) != (size_t)-1)
		goto done;
	tables[0] = csv_read(&g, "data/key-figures.csv", key_figures, sizeof(key_figures) - 1);
	tables[1] = csv_read(&g, "data/areas.csv", areas, sizeof(areas) - 1);
	csv_set_type(&g, tables[0], 1, COL_NUMBER);
	csv_set_type(&g, tables[1], 1, COL_PERCENT);
	csv_set_type(&g, tables[1], 2, COL_NUMBER);
	d.data.v = tables;
	d.data.n = 2;
	d.name = d.outname = name;
	d.dir = dir;
	d.index = file;
	d.files = &file;
	d.texts = &text;
	d.lens = &size;
	d.nfiles = 1;
	d.title = "Fuzz";
	d.lang = "en-GB";
	if (frontmatter_parse(&g, file, text, size, &d.fm) == 0 &&
	    (d.tpl = template_parse(&g, "fuzz", tpl, sizeof(tpl) - 1)) != NULL) {
		struct expansion x;

		d.root = node_new(N_DOCUMENT, file, 1, 1);
		bind_text(&g, file, text + d.fm.body, size - d.fm.body, d.fm.body_line, 0, &d.data,
		    &x);
		markdown_parse(&g, file, &x, &d.data, d.root);
		bind_free(&x);
		validate(&g, &d);
		pages_free(layout_document(&g, &d));
		node_free(d.root);
		template_free(d.tpl);
	}
	frontmatter_free(&d.fm);
	csv_free(tables[0]);
	csv_free(tables[1]);
done:
	free(text);
	free(file);
	fonts_fini(&g);
	msg_flush(&g);
	return 0;
}
