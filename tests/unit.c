/* unit.c: unit tests of the decisions that are easiest to get subtly wrong: front matter,
 * the widow and orphan rule, UTF-8 checks. Linked with gen's objects; run by tests/run.sh,
 * it prints "PASS name" or "FAIL name: why" per test. */
#include <stdlib.h>
#include <string.h>

#include "../gen/gen.h"

static int failed;

static void
check(int cond, const char *name, const char *why)
{
	if (cond)
		printf("PASS unit/%s\n", name);
	else {
		printf("FAIL unit/%s: %s\n", name, why);
		failed = 1;
	}
}

static int
parse(struct gen *g, const char *text, struct frontmatter *fm)
{
	g->errors = 0;
	return frontmatter_parse(g, "t.md", text, strlen(text), fm);
}

static void
test_frontmatter(void)
{
	struct gen g = { 0 };
	struct frontmatter fm;
	const struct fm_entry *e;
	int rc;

	rc = parse(&g, "---\ntitle: A  \ntemplate: \"plain\"\n# a comment\n\ndate: 2022-06-30\n---\n# Body\n", &fm);
	e = frontmatter_get(&fm, "template");
	check(rc == 0 && fm.n == 3 && e && strcmp(e->value, "plain") == 0 && e->line == 3 &&
	    e->col == 12, "frontmatter-values", "keys, quotes or positions wrong");
	check(fm.body_line == 8 && strncmp("# Body", "---\ntitle: A  \ntemplate: \"plain\"\n"
	    "# a comment\n\ndate: 2022-06-30\n---\n# Body\n" + fm.body, 6) == 0,
	    "frontmatter-body", "the body does not start after the closing line");
	e = frontmatter_get(&fm, "title");
	check(e && strcmp(e->value, "A") == 0, "frontmatter-trim", "trailing spaces kept");
	frontmatter_free(&fm);

	rc = parse(&g, "\xef\xbb\xbf---\r\ntitle: B\r\n---\r\nText\r\n", &fm);
	e = frontmatter_get(&fm, "title");
	check(rc == 0 && e && strcmp(e->value, "B") == 0 && fm.body_line == 4,
	    "frontmatter-bom-crlf", "BOM or CRLF not handled");
	frontmatter_free(&fm);

	rc = parse(&g, "---\ntitle: A\n", &fm);
	check(rc == -1 && g.errors == 1, "frontmatter-unclosed", "no error for a missing ---");
	frontmatter_free(&fm);

	rc = parse(&g, "---\ntitle: A\ntitle: B\n---\n", &fm);
	check(rc == -1 && g.errors == 1, "frontmatter-duplicate", "no error for a repeated key");
	frontmatter_free(&fm);

	rc = parse(&g, "---\nthis is not a key\n---\n", &fm);
	check(rc == -1 && g.errors == 1, "frontmatter-malformed", "no error for a bad line");
	frontmatter_free(&fm);

	rc = parse(&g, "# No front matter\n", &fm);
	check(rc == 0 && fm.n == 0 && fm.body == 0, "frontmatter-none",
	    "text without front matter was not left whole");
	frontmatter_free(&fm);
}

/* Ten lines of 15 pt. */
static void
test_widows(void)
{
	double top[10], h[10];

	for (int i = 0; i < 10; i++) {
		top[i] = 15.0 * i;
		h[i] = 15.0;
	}
	check(layout_fit_lines(top, h, 10, 0, 150, 2) == 10, "fit-all", "all ten should fit");
	check(layout_fit_lines(top, h, 10, 0, 149, 2) == 8, "fit-widow",
	    "nine fit: one would be a widow, so eight go");
	check(layout_fit_lines(top, h, 10, 0, 100, 2) == 6, "fit-plain", "six lines fit in 100pt");
	check(layout_fit_lines(top, h, 10, 0, 20, 2) == 0, "fit-orphan",
	    "one line alone at the foot of a page is an orphan");
	check(layout_fit_lines(top, h, 10, 0, 30, 2) == 2, "fit-two", "two lines may stay");
	check(layout_fit_lines(top, h, 3, 0, 40, 2) == 0, "fit-three",
	    "three lines with room for two: none may stay (1 would be left alone)");
	check(layout_fit_lines(top, h, 1, 0, 10, 2) == 0, "fit-one-none",
	    "a one-line paragraph that does not fit goes whole");
	check(layout_fit_lines(top, h, 10, 4, 45, 2) == 3, "fit-from-k",
	    "from line 4, three lines fit in 45pt");
}

static void
test_utf8(void)
{
	int line, col;

	check(utf8_invalid("caf\xc3\xa9 \xe2\x80\x93", 9) == (size_t)-1, "utf8-valid",
	    "valid text refused");
	check(utf8_invalid("ab\xff", 3) == 2, "utf8-invalid", "0xff accepted");
	check(utf8_invalid("\xc0\xaf", 2) == 0, "utf8-overlong", "overlong form accepted");
	check(utf8_invalid("\xed\xa0\x80", 3) == 0, "utf8-surrogate", "surrogate accepted");
	check(utf8_invalid("\xe2\x80", 2) == 0, "utf8-truncated", "truncated sequence accepted");
	text_position("a\nb\xc3\xa9x", 5, &line, &col);
	check(line == 2 && col == 3, "text-position", "columns must count characters");
}

int
main(void)
{
	test_frontmatter();
	test_widows();
	test_utf8();
	return failed;
}
