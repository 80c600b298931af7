/* SPDX-License-Identifier: GPL-3.0-or-later */
/* unit.c: unit tests of the decisions that are easiest to get subtly wrong: front matter,
 * the widow and orphan rule, UTF-8 checks, line breaks. Linked with gen's objects; run by
 * tests/run.sh from the repository's root, it prints "PASS name" or "FAIL name: why" per
 * test. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

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

	rc = parse(&g, "---\nsummary: |\n  Line one\n  line two\n\n  Para two\nnext: >\n  folded\n  text\n---\n", &fm);
	e = frontmatter_get(&fm, "summary");
	check(rc == 0 && e && strcmp(e->value, "Line one\nline two\n\nPara two") == 0 &&
	    e->line == 3 && e->col == 3, "frontmatter-block", "a | block was not read whole");
	e = frontmatter_get(&fm, "next");
	check(e && strcmp(e->value, "folded text") == 0, "frontmatter-folded",
	    "a > block was not folded");
	frontmatter_free(&fm);

	rc = parse(&g, "# No front matter\n", &fm);
	check(rc == 0 && fm.n == 0 && fm.body == 0, "frontmatter-none",
	    "text without front matter was not left whole");
	frontmatter_free(&fm);
	msg_flush(&g);
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

static struct table *
csv(struct gen *g, const char *text)
{
	g->errors = 0;
	return csv_read(g, "data/t.csv", text, strlen(text));
}

/* A table of one column `x` holding the cells given, one a line. */
static struct table *
csv_column_of(struct gen *g, const char *cells)
{
	char *text = xasprintf("x\n%s", cells);
	struct table *t = csv(g, text);

	free(text);
	return t;
}

static void
test_csv(void)
{
	struct gen g = { 0 };
	struct table *t;
	struct buf b = { 0 };
	int bad;

	t = csv(&g, "\xef\xbb\xbfName,Note,Value\r\nAlpha,\"a, b\",1\r\nBeta,\"two\r\nlines\",2\r\n"
	    "Gamma,\"say \"\"hi\"\"\",3\r\n");
	check(t && g.errors == 0 && t->ncols == 3 && t->nrows == 3 &&
	    strcmp(t->cols[0], "Name") == 0 && t->col_col[0] == 1 && t->col_col[2] == 3,
	    "csv-header", "BOM or header names wrong");
	check(t && strcmp(t->cells[1].text, "a, b") == 0 &&
	    strcmp(t->cells[4].text, "two\nlines") == 0 &&
	    strcmp(t->cells[7].text, "say \"hi\"") == 0, "csv-quoted",
	    "quoted comma, newline or doubled quote wrong");
	check(t && t->cells[3].line == 3 && t->cells[5].line == 3 && t->cells[5].col == 3 &&
	    t->cells[6].line == 4 && t->cells[6].col == 1 && t->cells[8].col == 3,
	    "csv-positions", "cells must be at the row and column a spreadsheet shows");
	check(t && csv_column(t, "Value") == 2 && csv_column(t, "value") == -1 &&
	    strcmp(t->name, "t") == 0, "csv-column", "column lookup or table name wrong");
	csv_free(t);

	t = csv(&g, "a,b\r1,2\r3,4");
	check(t && t->nrows == 2 && t->cells[2].line == 3 && strcmp(t->cells[3].text, "4") == 0,
	    "csv-cr", "lone CR line ends (old Mac Excel) not read");
	csv_free(t);

	t = csv(&g, "a,b,c\n1,2,3\n1,2\n1,2,3,4\n,,\n5,6,7\n");
	check(t && g.errors == 2 && t->errors == 2 && t->nrows == 2 &&
	    strcmp(t->cells[3].text, "5") == 0 && t->cells[3].line == 6, "csv-ragged",
	    "two ragged rows must be said and left out, the rows after them read");
	csv_free(t);
	t = csv(&g, "a,b, a \n1,2,3\n");
	check(t && t->errors == 1 && g.errors == 1, "csv-duplicate",
	    "a column named twice was not refused");
	csv_free(t);
	t = csv(&g, "a,,c\n1,2,3\n");
	check(t && t->errors == 1 && g.errors == 1, "csv-unnamed",
	    "an empty column name was not refused");
	csv_free(t);
	t = csv(&g, "");
	check(!t && g.errors == 1, "csv-empty", "an empty file was not refused");
	t = csv(&g, "\xef\xbb\xbf\r\n");
	check(!t && g.errors == 1, "csv-empty-bom", "a file of a BOM and a blank line was read");
	t = csv(&g, "a,b\n1,\"open\n2,3\n");
	check(t && t->errors == 1 && g.errors == 1, "csv-unclosed",
	    "an unclosed quote was not refused once");
	csv_free(t);
	t = csv(&g, "a,b\n1,x\"y\n2,\"z\"w\n3, \"v\"\n");
	check(t && g.errors == 3, "csv-stray-quotes",
	    "quotes inside unquoted fields or after closing quotes not refused");
	csv_free(t);
	t = csv(&g, "a,b\n1,\xff\n2,caf\xc3\xa9\n3,\xe9\n");
	check(t && g.errors == 2, "csv-utf8", "invalid UTF-8 not refused at each place");
	csv_free(t);
	g.errors = 0;
	t = csv_read(&g, "data/t.csv", "a,b\n1,x\0y\n", 10);
	check(t && g.errors == 1, "csv-nul", "a NUL byte was not refused");
	csv_free(t);
	t = csv(&g, "item,price\nCaf\xe9,\xa3" "3\n\x93Quoted\x94,4\n");
	check(t && g.errors == 0 && strcmp(t->cells[0].text, "Caf\xc3\xa9") == 0 &&
	    strcmp(t->cells[1].text, "\xc2\xa3" "3") == 0 &&
	    strcmp(t->cells[2].text, "\xe2\x80\x9cQuoted\xe2\x80\x9d") == 0,
	    "csv-windows-1252", "a Windows-1252 file was not read as such");
	csv_free(t);
	g.errors = 0;
	t = csv_read(&g, "data/t.csv", "\xff\xfe" "a\0\t\0b\0\n\0" "1\0\t\0" "2\0\n\0", 16);
	check(t && g.errors == 0 && t->ncols == 2 && t->nrows == 1 &&
	    strcmp(t->cells[1].text, "2") == 0, "csv-utf16-tabs",
	    "Excel's Unicode text (UTF-16, tab-separated) was not read");
	csv_free(t);
	t = csv(&g, "area;value\nBootle;1,5\n");
	check(!t && g.errors == 1, "csv-semicolons", "a semicolon-separated file was read");
	g.errors = 0;
	t = csv(&g, "PK\3\4 workbook");
	check(!t && g.errors == 1, "csv-xlsx", "a workbook was read as CSV");

	t = csv(&g, "a,b\n\n1,2\n\n\n3,4\n\n");
	check(t && t->nrows == 2 && t->cells[2].line == 6, "csv-blank-lines",
	    "blank lines between rows are not skipped");
	csv_free(t);
	t = csv_column_of(&g, "p\n\nq\n\n\n");
	check(t && t->nrows == 3 && t->cells[1].text[0] == '\0' && t->cells[2].line == 4,
	    "csv-one-column", "a blank line in a one-column table is an empty cell");
	csv_free(t);

	t = csv(&g, "\xc3\x81rea,n\n\xc3\x91" "and\xc3\xba,12a\n");
	g.errors = 0;
	bad = t ? csv_set_type(&g, t, 1, COL_NUMBER) : -1;
	check(bad == 1 && g.errors == 1 && t->col_col[1] == 2 && t->cells[1].line == 2 &&
	    t->cells[1].col == 2, "csv-columns-as-a-spreadsheet",
	    "columns must be counted as a spreadsheet counts them");
	csv_free(t);

	t = csv(&g, "k,n,p,s,t,m\na,\" 7 \",12.5%,[c],x,1\nb,\"1,234\",3%,..,1e1,[z]\n"
	    "c,\xe2\x88\x92" "3,0%,low,0x10,\n");
	check(t && t->types[1] == COL_NUMBER && t->types[2] == COL_PERCENT &&
	    t->types[3] == COL_NUMBER && t->types[4] == COL_TEXT && t->types[5] == COL_NUMBER &&
	    t->types[0] == COL_TEXT && t->cells[7].num == 1234 && t->cells[13].num == -3 &&
	    t->cells[8].pct && t->cells[8].num == 3, "csv-types-worked-out",
	    "numbers, percentages and symbols must make a column of figures; 1e1 and 0x10 do not");
	check(t && t->cells[3].kind == D_SUPPRESSED && t->cells[9].kind == D_NA &&
	    t->cells[15].kind == D_LOW && t->cells[11].kind == D_NOT_APPLICABLE &&
	    t->cells[17].kind == D_EMPTY && isnan(t->cells[3].num), "csv-symbols",
	    "the symbols of official statistics must be figures not given, never zero");
	g.errors = 0;
	check(t && csv_need_numbers(&g, t, 4) == 2 && g.errors == 2 &&
	    csv_need_numbers(&g, t, 4) == 2 && g.errors == 2, "csv-need-numbers",
	    "each cell that is not a figure must be said once");
	csv_free(t);
	t = csv(&g, "indicator,year,value\ngld,2023,1\nneet,2023,2\ngld,2023,3\n");
	{
		int key[2] = { 0, 1 };

		g.errors = 0;
		check(t && csv_need_unique(&g, t, key, 2) == 1 && g.errors == 1, "csv-repeated-key",
		    "a repeated key must be an error");
	}
	csv_free(t);

	t = csv_column_of(&g, "40374\n\" 40,374 \"\n\xe2\x88\x92" "1.2\n-1.5\n\"1,234,567.25\"\n\n\"  \"\n");
	bad = t ? csv_set_type(&g, t, 0, COL_NUMBER) : -1;
	check(bad == 0 && g.errors == 0 && t->nrows == 7 && t->types[0] == COL_NUMBER &&
	    t->cells[0].num == 40374 && t->cells[1].num == 40374 && t->cells[2].num == -1.2 &&
	    t->cells[3].num == -1.5 && t->cells[4].num == 1234567.25, "csv-numbers",
	    "40374, 40,374, \xe2\x88\x92" "1.2 or 1,234,567.25 misread");
	check(bad == 0 && isnan(t->cells[5].num) && isnan(t->cells[6].num), "csv-missing",
	    "empty cells must be allowed, as NAN");
	csv_free(t);
	t = csv_column_of(&g, "\"4,03,74\"\n1e3\n\"\xc2\xa3" "1,200\"\n12a\n\"1,5\"\n1.\n--\n");
	bad = t ? csv_set_type(&g, t, 0, COL_NUMBER) : -1;
	check(bad == 7 && g.errors == 7 && isnan(t->cells[0].num), "csv-not-numbers",
	    "4,03,74, 1e3, \xc2\xa3" "1,200, 12a, 1,5, 1. or -- accepted as a number");
	csv_free(t);

	t = csv_column_of(&g, "86%\n86.5 %\n0\n100\n105\n-1\n%\n");
	bad = t ? csv_set_type(&g, t, 0, COL_PERCENT) : -1;
	check(bad == 3 && g.errors == 3 && t->cells[0].num == 86 && t->cells[1].num == 86.5 &&
	    t->cells[3].num == 100 && isnan(t->cells[4].num), "csv-percent",
	    "86% must be 86; 105, -1 and % are not percentages");
	csv_free(t);

	t = csv_column_of(&g, "2022-06-30\n30/06/2022\n1/7/2022\n2024-02-29\n1969-12-31\n");
	bad = t ? csv_set_type(&g, t, 0, COL_DATE) : -1;
	check(bad == 0 && g.errors == 0 && t->cells[0].num == 19173 &&
	    t->cells[1].num == 19173 && t->cells[2].num == 19174 && t->cells[3].num == 19782 &&
	    t->cells[4].num == -1, "csv-dates", "dates misread");
	csv_free(t);
	t = csv_column_of(&g, "2023-02-29\n06/30/2022\n2022-13-01\n30.06.2022\n2022-6-30\n"
	    "31/04/2022\n2022-06-30T10:00\n");
	bad = t ? csv_set_type(&g, t, 0, COL_DATE) : -1;
	check(bad == 7 && g.errors == 7, "csv-not-dates", "impossible or foreign dates accepted");
	csv_free(t);

	for (int i = 0; i <= 10000; i++)
		buf_adds(&b, i ? ",c" : "c");
	t = csv(&g, b.s);
	check(!t && g.errors == 1, "csv-max-columns", "10,001 columns accepted");
	buf_free(&b);
	buf_adds(&b, "a\n\"");
	for (int i = 0; i <= (1 << 20); i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\"\n");
	t = csv(&g, b.s);
	check(t && g.errors == 1, "csv-max-field", "a field over 1 MB accepted");
	csv_free(t);
	buf_free(&b);
	buf_adds(&b, "a\n");
	for (int i = 0; i < 1000001; i++)
		buf_add(&b, "1\n", 2);
	t = csv(&g, b.s);
	check(t && g.errors == 1, "csv-max-rows", "1,000,001 rows accepted");
	csv_free(t);
	buf_free(&b);
	buf_adds(&b, "a,b\n");
	for (int i = 0; i < 30; i++)
		buf_adds(&b, "1\n");
	t = csv(&g, b.s);
	check(t && g.errors == 20, "csv-too-many-errors", "errors not cut off at 20 in a file");
	csv_free(t);
	buf_free(&b);
	msg_flush(&g);
}

/* A datasets of two tables made from CSV text, for the indicator tests. */
static struct datasets *
indicator_data(struct gen *g, struct table **v)
{
	static const char list[] = "indicator,name,phase,unit,better,amber\n"
	    "gld,Good level of development,primary,%,Higher,2\n"
	    "neet,NEET,post-16,%,lower,2\n"
	    "p8,Progress 8,secondary,score,higher,0.1\n"
	    "ks2,KS2,primary,%,higher,2\n"
	    "flat,Flat,primary,%,higher,2\n"
	    "obese,Obese,primary,%,lower,\n";
	static const char data[] = "indicator,area,year,value,england,north-west,target,source,"
	    "ci-lower,ci-upper\n"
	    "gld,Sefton,2018,67,71.5,70,74,illustrative,,\n"
	    "gld,Sefton,2019,69,72,71,74,seed,,\n"
	    "neet,Sefton,2020,4.5,5.5,5,,illustrative,,\n"
	    "neet,Sefton,2021,3.8,5.5,5,,seed,,\n"
	    "p8,Sefton,2022,-0.1,0,-0.05,,illustrative,,\n"
	    "p8,Sefton,2023,-0.15,0,-0.05,,illustrative,,\n"
	    "ks2,Sefton,2021,[x],[x],[x],,illustrative,,\n"
	    "ks2,Sefton,2022,59,59,58,,illustrative,,\n"
	    "ks2,Sefton,2023,[c],60,59,,illustrative,,\n"
	    "flat,Sefton,2022,60,61,60,,illustrative,,\n"
	    "flat,Sefton,2023,60,61.5,60,,illustrative,,\n"
	    "obese,Sefton,2023,24.1,22.3,23,,illustrative,23.2,25.0\n"
	    "obese,Sefton,2022,22.9,22.3,23,,illustrative,21.9,23.9\n";
	static char e[] = "england", el[] = "England", nw[] = "north-west", nwl[] = "North West";
	static const struct comparator cmp[] = { { e, el }, { nw, nwl } };
	static struct datasets ds;

	static struct template *t;	/* gen's words, read from templates/words.xml */
	struct gen here = *g;	/* in the project at the root, where the tests run */
	char *text;
	gsize len;

	here.root = ".";
	if (t == NULL && g_file_get_contents("templates/words.xml", &text, &len, NULL)) {
		t = template_parse(&here, "words", text, len);
		g_free(text);
	}
	ds.words = t != NULL ? t->word : NULL;
	v[0] = csv_read(g, "data/indicator-list.csv", list, sizeof(list) - 1);
	v[1] = csv_read(g, "data/indicators.csv", data, sizeof(data) - 1);
	ds.v = v;
	ds.n = 2;
	ds.cmp = cmp;
	ds.ncmp = 2;
	return &ds;
}

/* The phrase for indicator `key` in a report of `year`; the caller frees. */
static char *
phrase(struct datasets *ds, const char *key, int year, struct ind_stat *s)
{
	ds->year = year;
	indicator_stat(ds, key, s);
	return indicator_phrase(s);
}

static void
test_indicators(void)
{
	struct gen g = { 0 };
	struct table *v[2];
	struct datasets *ds = indicator_data(&g, v);
	struct ind_stat s;
	char *p;

	check(indicator_rag(72, 72, 1, 2) == RAG_GREEN && indicator_rag(70, 72, 1, 2) == RAG_AMBER &&
	    indicator_rag(69.9, 72, 1, 2) == RAG_RED && indicator_rag(5, 5.5, 0, 2) == RAG_GREEN &&
	    indicator_rag(6, 5.5, 0, 2) == RAG_AMBER && indicator_rag(8, 5.5, 0, 2) == RAG_RED,
	    "rag-rule", "green at England, amber within 2 points, red beyond; lower is better");
	check(indicator_rag(-0.15, 0, 1, 0.1) == RAG_RED && indicator_rag(-0.05, 0, 1, 0.1) ==
	    RAG_AMBER, "rag-band-in-the-unit", "Progress 8's band is a tenth of a point");
	check(indicator_rag(70, NAN, 1, 2) == RAG_NONE, "rag-none",
	    "no status without England's figure");
	check(indicator_interval(23.2, 25, 22.3, 0) == RAG_WORSE &&
	    indicator_interval(21.9, 23.9, 22.3, 0) == RAG_SIMILAR &&
	    indicator_interval(20, 22, 22.3, 0) == RAG_BETTER &&
	    indicator_interval(23, 25, 22.3, 1) == RAG_BETTER, "rag-interval",
	    "better or worse only when the whole interval lies beyond the comparator");
	g.errors = 0;
	check(indicators_check(&g, ds) == 0 && g.errors == 0, "indicators-check",
	    "sound indicators refused");
	p = phrase(ds, "gld", 2019, &s);
	check(strcmp(p, "69%, up 2 points on 2018 and 3 points below England") == 0 &&
	    s.rag == RAG_RED && s.year == 2019, "phrase-up", p);
	free(p);
	p = phrase(ds, "neet", 2021, &s);
	check(strcmp(p, "3.8%, down 0.7 points on 2020 and 1.7 points below England") == 0 &&
	    s.rag == RAG_GREEN, "phrase-down-lower-better", p);
	free(p);
	p = phrase(ds, "p8", 2023, &s);
	check(strcmp(p, "\xe2\x88\x92" "0.15, down 0.05 on 2022 and 0.15 below England") == 0 &&
	    s.rag == RAG_RED, "phrase-score-minus", p);
	free(p);
	p = phrase(ds, "ks2", 2022, &s);
	check(strcmp(p, "59% (not published in 2021), and in line with England") == 0 &&
	    s.rag == RAG_GREEN, "phrase-no-previous-year", p);
	free(p);
	p = phrase(ds, "ks2", 2023, &s);
	check(strcmp(p, "suppressed to protect confidentiality for 2023") == 0 &&
	    s.rag == RAG_NONE, "phrase-suppressed", p);
	free(p);
	p = phrase(ds, "flat", 2023, &s);
	check(strcmp(p, "60%, unchanged on 2022 and 1.5 points below England") == 0 &&
	    s.rag == RAG_AMBER, "phrase-unchanged", p);
	free(p);
	p = phrase(ds, "gld", 2020, &s);
	check(strcmp(p, "not published for 2020") == 0 && isnan(s.latest), "phrase-no-figure-for-year",
	    "an earlier year's figure must never stand in for the report's year");
	free(p);
	ds->latest_published = 1;
	p = phrase(ds, "gld", 2020, &s);
	check(strcmp(p, "69% in 2019 (none is published for 2020), up 2 points on 2018 and 3 "
	    "points below England") == 0, "phrase-latest-published", p);
	free(p);
	ds->latest_published = 0;
	p = phrase(ds, "obese", 2023, &s);
	{	/* the status's word is the template's */
		static char worse[] = "Worse";
		char *const *gens = ds->words, *words[W_NWORDS] = { NULL };

		words[W_WORSE] = worse;
		ds->words = words;
		check(s.rag == RAG_WORSE && strcmp(rag_name(ds, s.rag), "Worse") == 0,
		    "interval-rule", p);
		ds->words = gens;
	}
	free(p);
	check(indicator_stat(ds, "nope", &s) == -1, "indicator-unknown", "an unknown key found");
	csv_free(v[0]);
	csv_free(v[1]);
	msg_flush(&g);
}


/* Whether two layouts have the same lines: the same text, extents, glyphs and positions. */
static int
same_lines(PangoLayout *a, PangoLayout *b, char *why, size_t nwhy)
{
	int n = pango_layout_get_line_count(a);
	const char *ta = pango_layout_get_text(a), *tb = pango_layout_get_text(b);

	if (pango_layout_get_line_count(b) != n) {
		snprintf(why, nwhy, "%d lines, not %d", pango_layout_get_line_count(b), n);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		PangoLayoutLine *la = pango_layout_get_line_readonly(a, i);
		PangoLayoutLine *lb = pango_layout_get_line_readonly(b, i);
		PangoRectangle ra, rb;
		GSList *x, *y;

		pango_layout_line_get_extents(la, NULL, &ra);
		pango_layout_line_get_extents(lb, NULL, &rb);
		if (la->length != lb->length || memcmp(ta + la->start_index, tb + lb->start_index,
		    (size_t)la->length) != 0 || ra.x != rb.x || ra.width != rb.width ||
		    ra.height != rb.height) {
			snprintf(why, nwhy, "line %d: '%.*s' (%d wide), not '%.*s' (%d wide)", i,
			    lb->length, tb + lb->start_index, rb.width, la->length,
			    ta + la->start_index, ra.width);
			return 0;
		}
		for (x = la->runs, y = lb->runs; x && y; x = x->next, y = y->next) {
			PangoGlyphString *ga = ((PangoGlyphItem *)x->data)->glyphs;
			PangoGlyphString *gb = ((PangoGlyphItem *)y->data)->glyphs;

			if (ga->num_glyphs != gb->num_glyphs || memcmp(ga->glyphs, gb->glyphs,
			    (size_t)ga->num_glyphs * sizeof(*ga->glyphs)) != 0) {
				snprintf(why, nwhy, "line %d: other glyphs", i);
				return 0;
			}
		}
		if (x != NULL || y != NULL) {
			snprintf(why, nwhy, "line %d: other runs", i);
			return 0;
		}
	}
	return 1;
}

/* Whether the runs of a line pango made (la) and of one made from kept glyphs (lb) are the
 * same: the same text, glyphs, places, clusters, colours and lines. */
static int
same_runs(const PangoLayoutLine *la, const PangoLayoutLine *lb, const char *ta,
    const char *tb)
{
	const GSList *x, *y;

	for (x = la->runs, y = lb->runs; x && y; x = x->next, y = y->next) {
		const PangoGlyphItem *ra = x->data, *rb = y->data;
		const PangoGlyphString *ga = ra->glyphs, *gb = rb->glyphs;

		if (ra->item->length != rb->item->length || ra->item->analysis.font !=
		    rb->item->analysis.font || memcmp(ta + ra->item->offset, tb + rb->item->offset,
		    (size_t)ra->item->length) != 0 || ga->num_glyphs != gb->num_glyphs ||
		    g_slist_length(ra->item->analysis.extra_attrs) !=
		    g_slist_length(rb->item->analysis.extra_attrs))
			return 0;
		for (int g = 0; g < ga->num_glyphs; g++)
			if (ga->glyphs[g].glyph != gb->glyphs[g].glyph ||
			    ga->glyphs[g].geometry.width != gb->glyphs[g].geometry.width ||
			    ga->glyphs[g].geometry.x_offset != gb->glyphs[g].geometry.x_offset ||
			    ga->glyphs[g].geometry.y_offset != gb->glyphs[g].geometry.y_offset ||
			    ga->glyphs[g].attr.is_cluster_start !=
			    gb->glyphs[g].attr.is_cluster_start ||
			    ga->log_clusters[g] != gb->log_clusters[g])
				return 0;
	}
	return x == NULL && y == NULL;
}

/* One paragraph of test_linebreak() (`text`, styled by `al`, `width` wide) set with glyph
 * runs, at a pitch, against pango breaking it itself: the same lines and runs, the same
 * heights and baselines. Counts in *glyphed the paragraphs drawn from kept glyphs. */
static int
glyph_case(PangoContext *ctx, struct widths **wd, const PangoFontDescription *fd,
    PangoAttrList *al, const char *text, size_t len, int width, int *glyphed, char *why,
    size_t nwhy)
{
	PangoAttrList *pitched = pango_attr_list_copy(al);
	PangoLayout *a = pango_layout_new(ctx), *c = pango_layout_new(ctx);
	const struct glyph_lines *gl;
	PangoLayoutIter *it;
	int ok = 1, i = 0;

	pango_attr_list_insert(pitched, pango_attr_line_height_new_absolute(14 * PANGO_SCALE));
	pango_layout_set_font_description(a, fd);
	pango_layout_set_font_description(c, fd);
	pango_layout_set_wrap(a, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_width(a, width);
	pango_layout_set_text(a, text, (int)len);
	pango_layout_set_attributes(a, pitched);
	g_object_set_data(G_OBJECT(c), "gen-pitch", GINT_TO_POINTER(14 * PANGO_SCALE));
	if (pre_break(wd, ctx, c, text, len, pitched, width, 1) != 0 ||
	    (gl = glyph_lines(c)) == NULL)
		goto done;
	(*glyphed)++;
	it = pango_layout_get_iter(a);
	ok = gl->n == pango_layout_get_line_count(a);
	do {
		PangoRectangle r;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		glyph_line_open(c, i);	/* its glyphs, kept packed, as render.c draws them */
		ok = ok && i < gl->n && r.height == gl->height && r.y == i * gl->height &&
		    pango_layout_iter_get_baseline(it) - r.y == gl->baseline &&
		    same_runs(pango_layout_iter_get_line_readonly(it), gl->line[i],
		    pango_layout_get_text(a), pango_layout_get_text(c));
		glyph_line_close(c, i);
		i++;
	} while (ok && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (!ok)
		snprintf(why, nwhy, "line %d of '%.60s…' not as pango sets it", i - 1, text);
done:
	g_object_unref(a);
	g_object_unref(c);
	pango_attr_list_unref(pitched);
	return ok;
}

/* linebreak.c breaks text set left as pango does: the same lines, glyph for glyph, for text
 * with bold words, links and figures at several widths; and leaves to pango what it must.
 * Set from kept glyphs, the lines and runs are pango's too. */
static void
test_linebreak(void)
{
	static const char *words[] = { "the", "council", "will", "publish", "progress",
	    "against", "each", "priority,", "every", "year:", "well-known", "figures", "2009–2011",
	    "£1,234.56", "https://www.gnu.org/licenses/", "and/or", "Wellbeing", "AVAWAY",
	    "“quoted”", "T.", "V", "—", "self-evaluation", "(LAVA)" };
	PangoContext *ctx;
	PangoFontDescription *fd = pango_font_description_from_string("Inter");
	struct widths *wd = NULL;
	char why[400] = "";
	int ok = 1, prebroken = 0, cases = 0, glyphed = 0;
	unsigned seed = 7;

	ctx = layout_context();
	pango_font_description_set_absolute_size(fd, 10.5 * PANGO_SCALE);
	for (int para = 0; ok && para < 120; para++) {
		struct buf t = { NULL, 0, 0 };
		int nw = 5 + (int)((seed = seed * 1103515245 + 12345) >> 16) % 90;
		int width = (170 + (para % 6) * 62) * PANGO_SCALE;	/* no word is wider */
		size_t bold = 0, bold_end = 0, link = 0, link_end = 0;

		for (int i = 0; i < nw; i++) {
			seed = seed * 1103515245 + 12345;
			if (i > 0)
				buf_adds(&t, (seed >> 8) % 13 == 0 ? "  " : " ");
			if (i == nw / 3)
				bold = t.len;
			if (i == nw / 2)
				link = t.len;
			buf_adds(&t, words[(seed >> 16) % (sizeof(words) / sizeof(words[0]))]);
			if (i == nw / 3 + 1)
				bold_end = t.len;
			if (i == nw / 2 + 2)
				link_end = t.len;
		}
		for (int attrs = 0; ok && attrs < 2; attrs++) {
			PangoAttrList *al = pango_attr_list_new();
			PangoLayout *a = pango_layout_new(ctx), *b = pango_layout_new(ctx);
			PangoAttribute *at;

			if (attrs) {
				at = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
				at->start_index = (guint)bold;
				at->end_index = (guint)(bold_end > bold ? bold_end : t.len);
				pango_attr_list_insert(al, at);
				at = pango_attr_underline_new(PANGO_UNDERLINE_SINGLE);
				at->start_index = (guint)link;
				at->end_index = (guint)(link_end > link ? link_end : t.len);
				pango_attr_list_insert(al, at);
				at = pango_attr_font_features_new("tnum 1");
				at->start_index = 0;
				at->end_index = (guint)t.len;
				pango_attr_list_insert(al, at);
			}
			pango_layout_set_font_description(a, fd);
			pango_layout_set_font_description(b, fd);
			pango_layout_set_wrap(a, PANGO_WRAP_WORD_CHAR);
			pango_layout_set_wrap(b, PANGO_WRAP_WORD_CHAR);
			pango_layout_set_width(a, width);
			pango_layout_set_text(a, t.s, (int)t.len);
			pango_layout_set_attributes(a, al);
			if (pre_break(&wd, ctx, b, t.s, t.len, al, width, 0) == 0) {
				prebroken++;
				ok = same_lines(a, b, why, sizeof(why));
			}
			if (ok)
				ok = glyph_case(ctx, &wd, fd, al, t.s, t.len, width, &glyphed, why,
				    sizeof(why));
			cases++;
			g_object_unref(a);
			g_object_unref(b);
			pango_attr_list_unref(al);
		}
		buf_free(&t);
	}
	/* lines that fit only with the kerning across a break (a hyphen before T, Y or a
	 * figure; a slash before J): set at exactly their width, and a unit either side */
	for (int i = 0; ok && i < 4; i++) {
		static const char *lines[] = { "The plan for well-Year", "Outcomes in 2009-2011",
		    "Choose and/Join", "A T-Vat" };
		char text[128];
		PangoLayout *m = pango_layout_new(ctx);
		PangoRectangle r;

		pango_layout_set_font_description(m, fd);
		pango_layout_set_text(m, lines[i], -1);
		pango_layout_get_extents(m, NULL, &r);
		g_object_unref(m);
		snprintf(text, sizeof(text), "%s and more words after it", lines[i]);
		for (int d = -1; ok && d <= 1; d++) {
			PangoAttrList *al = pango_attr_list_new();
			PangoLayout *a = pango_layout_new(ctx), *b = pango_layout_new(ctx);

			pango_layout_set_font_description(a, fd);
			pango_layout_set_font_description(b, fd);
			pango_layout_set_wrap(a, PANGO_WRAP_WORD_CHAR);
			pango_layout_set_width(a, r.width + d);
			pango_layout_set_text(a, text, -1);
			if (pre_break(&wd, ctx, b, text, strlen(text), al, r.width + d, 0) == 0)
				ok = same_lines(a, b, why, sizeof(why));
			else {
				ok = 0;
				snprintf(why, sizeof(why), "'%s' left to pango", text);
			}
			g_object_unref(a);
			g_object_unref(b);
			pango_attr_list_unref(al);
		}
	}
	if (ok && prebroken < cases * 9 / 10)
		snprintf(why, sizeof(why), "pango broke %d of %d paragraphs itself",
		    cases - prebroken, cases);
	check(ok && prebroken >= cases * 9 / 10, "linebreak-as-pango", why);
	if (glyphed < cases * 8 / 10)
		snprintf(why, sizeof(why), "only %d of %d paragraphs drawn from kept glyphs",
		    glyphed, cases);
	check(ok && glyphed >= cases * 8 / 10, "glyph-runs-as-pango", why);
	{
		PangoLayout *l = pango_layout_new(ctx);
		PangoAttrList *al = pango_attr_list_new();
		static const char soft[] = "a self\xc2\xad" "evaluation", longw[] =
		    "Supercalifragilisticexpialidociousandmoreandmore";

		pango_layout_set_font_description(l, fd);
		check(pre_break(&wd, ctx, l, soft, strlen(soft), al, 20 * PANGO_SCALE, 1) == -1 &&
		    pre_break(&wd, ctx, l, longw, strlen(longw), al, 50 * PANGO_SCALE, 1) == -1,
		    "linebreak-leaves-to-pango", "a soft hyphen or an overlong word was broken");
		g_object_unref(l);
		pango_attr_list_unref(al);
	}
	widths_free(wd);
	pango_font_description_free(fd);
	g_object_unref(ctx);
}

/* Whether gen new's mover makes `want` of line `in` moved on from `from`, leaving a note
 * that holds `note` (NULL: none). */
static int
moves(const char *in, int from, int force, const char *want, const char *note)
{
	struct buf left = { 0 };
	char *out;
	int ok;

	out = year_move_line(in, from, force, &left);
	ok = strcmp(out, want) == 0 && (note == NULL ? left.len == 0 : left.s != NULL &&
	    strstr(left.s, note) != NULL);
	if (!ok)
		printf("# year_move_line(\"%s\", %d) = \"%s\" [%s]\n", in, from, out,
		    left.s ? left.s : "");
	free(out);
	buf_free(&left);
	return ok;
}

static void
test_new(void)
{
	check(moves("date: 2022-06-30", 2022, 1, "date: 2023-06-30", NULL) &&
	    moves("date: 2024-03-19", 2023, 1, "date: 2025-03-19", NULL),
	    "new-date-once", "a date moved other than one year");
	check(moves("date: 2024-02-29", 2024, 1, "date: 2025-02-28", "2025 has no 29 February") &&
	    moves("Thursday 29 February 2024", 2024, 0, "Friday 28 February 2025", "the 28th"),
	    "new-leap-day", "29 February not moved to the 28th, or not said");
	check(moves("meeting-date: Tuesday 19 March 2024; Thursday 21 March 2024", 2023, 0,
	    "meeting-date: Wednesday 19 March 2025; Friday 21 March 2025", NULL) &&
	    moves("Tue 19 Mar 2024, TUESDAY 19TH MARCH 2024", 2023, 0,
	    "Wed 19 Mar 2025, WEDNESDAY 19TH MARCH 2025", NULL) &&
	    moves("Tuesday, March 19, 2024", 2023, 0, "Wednesday, March 19, 2025", NULL),
	    "new-weekdays", "not every weekday made right for its new date");
	check(moves("2023/24 and 2024/25, 2022-23, 2023\xe2\x80\x93" "24, 2023/2024", 2023, 0,
	    "2024/25 and 2025/26, 2023-24, 2024\xe2\x80\x93" "25, 2024/2025", NULL),
	    "new-academic-years", "an academic year not moved as a whole");
	check(moves("19/03/2024 and 2024-03-19 and 19-Mar-2024", 2023, 0,
	    "19/03/2025 and 2025-03-19 and 19-Mar-2025", NULL) &&
	    moves("progress in 2023, May 2024", 2023, 0, "progress in 2024, May 2025", NULL),
	    "new-dates-and-years", "a date or a year not moved on");
	check(moves("Sefton 2022\xe2\x80\x93" "2027", 2022, 0, "Sefton 2023\xe2\x80\x93" "2027",
	    "`2027` left as it was (only years 2021 to 2023 move on)") &&
	    moves("on Tuesday the Board", 2023, 0, "on Tuesday the Board", "`Tuesday` comes with "
	    "no date") && moves("31 April 2024", 2023, 0, "31 April 2024", "is not a date") &&
	    moves("Tuesday 19 March", 2023, 0, "Tuesday 19 March", "names no year") &&
	    moves("12024 children, 2,023", 2023, 0, "12024 children, 2,023", NULL),
	    "new-left-said", "what is left as it was is not said, or a number was taken for a "
	    "year");
}

/* lang_check() on a copy of `tag`: its canonical form, or "!" and the reason's start. */
static int
lang_is(const char *tag, const char *want)
{
	char *t = xstrdup(tag), *why = NULL, *got = lang_check(t, &why);
	int ok = got != NULL ? strcmp(got, want) == 0 : want[0] == '!' &&
	    strstr(why, want + 1) != NULL;

	if (!ok)
		printf("# lang_check(\"%s\") = %s [%s]\n", tag, got ? got : "NULL", why ? why : "");
	free(why);
	free(t);
	return ok;
}

static void
test_lang(void)
{
	check(lang_is("en-GB", "en-GB") && lang_is("en-gb", "en-GB") && lang_is("CY", "cy") &&
	    lang_is("sr-cyrl-rs", "sr-Cyrl-RS") && lang_is("es-419", "es-419") &&
	    lang_is("de-DE-1996", "de-DE-1996") && lang_is("en-GB-x-Sefton", "en-GB-x-sefton") &&
	    lang_is("x-council", "x-council") && lang_is("sco", "sco"),
	    "lang-canonical", "a well-formed tag refused, or not put in its canonical case");
	check(lang_is("english", "!did you mean `en-GB`?") && lang_is("eng", "!did you mean") &&
	    lang_is("en-UK", "!code is GB, not UK (en-GB)") && lang_is("en_GB", "!(en-GB)") &&
	    lang_is("zz", "!language of ISO 639") && lang_is("en-ZX", "!not a region") &&
	    lang_is("en-", "!ends with `-`") && lang_is("en--GB", "!cannot be part") &&
	    lang_is("en-GB-GB", "!out of place") && lang_is("en-x-toolongpart", "!1 to 8") &&
	    lang_is("", "!is empty"), "lang-refused", "a tag that is not BCP 47 accepted");
}

static void
test_hidden(void)
{
	char s[] = "a\xe2\x80\xae" "12\x07 b\xe2\x80\xa8" "c\xef\xb7\x90" "d\xe2\x80\x8b" "e";
	size_t at;
	unsigned c;

	check(hidden_find("x \xe2\x81\xa6y", 6, &at, &c) != NULL && at == 2 && c == 0x2066 &&
	    hidden_find("caf\xc3\xa9 \xe2\x80\x93 \xc2\xad", 10, &at, &c) == NULL,
	    "hidden-find", "a bidi isolate missed, or ordinary text taken for hidden");
	check(hidden_strip(s) == 4 && strcmp(s, "a12 b c" "d\xe2\x80\x8b" "e") == 0,
	    "hidden-strip", "controls not left out, a separator not made a space, or a zero "
	    "width space taken");
}

/* Periods moved on, as a report says the year before; figures rounded as published. */
static void
test_periods(void)
{
	static const struct {
		const char	*label, *want;
		int		 by;
	} cases[] = {
		{ "2022/23", "2021/22", -1 }, { "2023", "2022", -1 }, { "2020\xe2\x80\x93" "22",
		    "2019\xe2\x80\x93" "21", -1 }, { "2019/20\xe2\x80\x93" "2021/22",
		    "2020/21\xe2\x80\x93" "2022/23", 1 }, { "Q3 2022/23", "Q3 2021/22", -1 },
		{ "Autumn term 1999/00", "Autumn term 2000/01", 1 }, { "Week 12, 2023",
		    "Week 12, 2022", -1 }, { "October 2022 to March 2023",
		    "October 2021 to March 2022", -1 }
	};
	char out[64], why[160];
	struct buf b = { 0 };
	int ok = 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		period_shift(cases[i].label, cases[i].by, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0 && ok) {
			snprintf(why, sizeof(why), "%s moved by %d is %s", cases[i].label, cases[i].by,
			    out);
			ok = 0;
		}
	}
	check(ok, "period-shift", why);
	figure_fixed(&b, 2.25, 1, 0);
	buf_adds(&b, " ");
	figure_fixed(&b, 1234567.5, 0, 1);
	buf_adds(&b, " ");
	figure_fixed(&b, -46.2176, 1, 0);
	check(strcmp(b.s, "2.3 1,234,568 46.2") == 0, "figure-fixed", b.s);
	buf_free(&b);
	check(same_words("  Total ", "total") && !same_words("Total", "Totals"), "same-words",
	    "filter values compare without regard to case and spaces");
}

int
main(void)
{
	char *conf = realpath("fonts/fonts.conf", NULL);	/* run from the root */

	if (conf != NULL)	/* before pango starts: fonts/ alone, as gen has it */
		setenv("FONTCONFIG_FILE", conf, 1);
	free(conf);
	test_frontmatter();
	test_widows();
	test_utf8();
	test_csv();
	test_indicators();
	test_periods();
	test_linebreak();
	test_new();
	test_lang();
	test_hidden();
	return failed;
}
