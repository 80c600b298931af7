/* SPDX-License-Identifier: GPL-3.0-or-later */
/* template.c: reads templates/NAME.xml (page, cover, contents, theme styles) with libxml2,
 * safely: no network, no external entities, no DTD. Called by document.c; hands on a
 * struct template that layout and render read. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "gen.h"

static const char *const role_names[R_NROLES] = {
	[R_BODY] = "body", [R_H1] = "h1", [R_H2] = "h2", [R_H3] = "h3", [R_H4] = "h4",
	[R_CODE] = "code", [R_CAPTION] = "caption", [R_HEADER] = "header",
	[R_FOOTER] = "footer", [R_TITLE] = "title", [R_SUBTITLE] = "subtitle",
	[R_TOC1] = "toc1", [R_TOC2] = "toc2", [R_NOTE] = "note", [R_TABLE] = "table",
	[R_FIGURE] = "figure", [R_FIGURE_LABEL] = "figure-label",
	[R_FIGURE_DETAIL] = "figure-detail",
};

/* The attributes of <words>, by enum word, then NULL: <words> takes these and no other. */
static const char *const word_names[W_NWORDS + 1] = {
	[W_CONTENTS] = "contents", [W_SKIP] = "skip", [W_PREVIOUS] = "previous",
	[W_NEXT] = "next", [W_PAGER] = "pager", [W_PICTURE_MISSING] = "picture-missing",
	[W_INDICATOR] = "indicator", [W_YEAR] = "year", [W_CHANGE] = "change",
	[W_STATUS] = "status", [W_GREEN] = "green", [W_AMBER] = "amber", [W_RED] = "red",
	[W_BETTER] = "better", [W_SIMILAR] = "similar", [W_WORSE] = "worse",
	[W_GRADE] = "grade", [W_SELF] = "self-evaluation", [W_PREVIOUS_GRADE] = "previous-grade",
	[W_AVERAGE] = "average", [W_LINE_CHART] = "line-chart", [W_BAR_CHART] = "bar-chart",
	[W_CHART] = "untitled-chart", [W_CHART_FIGURES] = "chart-figures", [W_NOTE] = "note",
	[W_NOTES] = "notes", [W_BACK] = "back-to-reference", [W_GO_TO_PAGE] = "go-to-page",
	[W_FOOTNOTE] = "footnote", [W_STATUS_RULE] = "status-rule",
	[W_STATUS_BANDS] = "status-bands", [W_STATUS_BAND] = "status-band",
	[W_STATUS_INTERVALS] = "status-intervals", [W_PP] = "pp",
	[W_PERCENTAGE_POINT] = "percentage-point", [W_PERCENTAGE_POINTS] = "percentage-points",
	[W_POINT] = "point", [W_POINTS] = "points", [W_CHART_ABOUT] = "chart-about",
	[W_CHART_SERIES] = "chart-series", [W_CHART_FIGURE] = "chart-figure",
	[W_CHART_GRADES] = "chart-grades", [W_CHART_GRADE] = "chart-grade",
	[W_CHILDREN] = "children", [W_CHILDREN_MISSING] = "children-missing",
	[W_NOT_PUBLISHED] = "not-published", [W_SUPPRESSED] = "suppressed",
	[W_SUPPRESSED_SENTENCE] = "suppressed-sentence", [W_NOT_APPLICABLE] = "not-applicable",
	[W_LOW] = "low", [W_LOW_SENTENCE] = "low-sentence", [W_UNRELIABLE] = "unreliable",
	[W_UNRELIABLE_SENTENCE] = "unreliable-sentence", [W_NO_CASES] = "no-cases",
	[W_NO_CASES_SENTENCE] = "no-cases-sentence", [W_NOT_STATED] = "not-stated",
	[W_FIGURE_MISSING] = "figure-missing", [W_FIGURE_EARLIER] = "figure-earlier",
	[W_PHRASE_UNPUBLISHED] = "phrase-unpublished", [W_PHRASE_WITHHELD] = "phrase-withheld",
	[W_PHRASE_THEN] = "phrase-then", [W_PHRASE_ASIDE] = "phrase-aside",
	[W_PHRASE_UNCHANGED] = "phrase-unchanged", [W_PHRASE_UP] = "phrase-up",
	[W_PHRASE_DOWN] = "phrase-down", [W_PHRASE_LEVEL] = "phrase-level",
	[W_PHRASE_ABOVE] = "phrase-above", [W_PHRASE_BELOW] = "phrase-below",
	[W_PHRASE_AND] = "phrase-and", [W_PHRASE_AND_ASIDE] = "phrase-and-aside",
	[W_MONTHS] = "months", [W_MONTH_YEAR] = "month-year",
	[W_DAY_MONTH_YEAR] = "day-month-year", [W_SLUG] = "slug",
	[W_ILLUSTRATIVE] = "illustrative",
	[W_PF_TITLE] = "preflight",
	[W_PF_READY] = "ready",
	[W_PF_READY_WARN] = "ready-with-warnings",
	[W_PF_NOT_READY] = "not-ready",
	[W_PF_COUNTS] = "findings-count",
	[W_PF_PROBLEMS] = "findings",
	[W_PF_ERROR] = "finding-error",
	[W_PF_WARNING] = "finding-warning",
	[W_PF_KIND] = "finding-kind",
	[W_PF_WHERE] = "finding-where",
	[W_PF_WHAT] = "finding-what",
	[W_PF_NONE] = "findings-none",
	[W_PF_MORE] = "findings-more",
	[W_PF_PREVIEW] = "preview-note",
	[W_PF_FIGURES] = "figures-marked",
	[W_PF_FIGURE] = "figure",
	[W_PF_SOURCE] = "figure-source",
	[W_PF_SHOWN_AS] = "figure-shown",
	[W_PF_FIGURES_NONE] = "figures-marked-none",
	[W_PF_MORE_CELLS] = "figure-cells-more",
	[W_PF_STOPPED] = "build-stopped",
	[W_PF_ILLUSTRATIVE] = "figures-illustrative",
	[W_PF_PICTURES] = "pictures",
	[W_PF_PICTURES_INTRO] = "pictures-intro",
	[W_PF_PICTURE] = "picture",
	[W_PF_ALT] = "alternative-text",
	[W_PF_ALT_NONE] = "alternative-text-none",
	[W_PF_PICTURES_NONE] = "pictures-none",
	[W_PF_CHECKED] = "checked",
	[W_PF_CHECKED_INTRO] = "checked-intro",
	[W_PF_CHECK_ALT] = "check-alt",
	[W_PF_CHECK_HEADINGS] = "check-headings",
	[W_PF_CHECK_TABLES] = "check-tables",
	[W_PF_CHECK_GLYPHS] = "check-glyphs",
	[W_PF_CHECK_CONTRAST] = "check-contrast",
	[W_PF_CHECK_LANG] = "check-lang",
	[W_PF_CHECK_DATA] = "check-data",
	[W_PF_CHECK_PPI] = "check-ppi",
	[W_PF_MADE] = "made",
	[W_PF_MADE_INTRO] = "made-intro",
	[W_PF_MADE_TAGS] = "made-tags",
	[W_PF_MADE_BOXES] = "made-boxes",
	[W_PF_MADE_FONTS] = "made-fonts",
	[W_PF_MADE_BLACK] = "made-black",
	[W_PF_MANUAL] = "manual",
	[W_PF_MANUAL_INTRO] = "manual-intro",
	[W_PF_MANUAL_ORDER] = "manual-order",
	[W_PF_MANUAL_ALT] = "manual-alt",
	[W_PF_MANUAL_PLAIN] = "manual-plain",
	[W_PF_MANUAL_COLOUR] = "manual-colour",
	[W_PF_PRINT] = "print",
	[W_PF_TRIM] = "trim",
	[W_PF_BLEED] = "bleed",
	[W_PF_PAGES] = "pages",
	[W_PF_INTENT] = "output-intent",
	[W_PF_FONTS] = "fonts",
	[W_PF_INKS] = "inks",
	[W_PF_INKS_TEXT] = "inks-text",
	[W_PF_RESOLUTION] = "resolution",
	[W_PF_RESOLUTION_OK] = "resolution-ok",
	[W_PF_RESOLUTION_LOW] = "resolution-low",
	[W_PF_CHANGES] = "changes",
	[W_PF_CHANGES_NONE] = "changes-none",
	[W_PF_CHANGES_NO_BASE] = "changes-no-baseline",
	[W_PF_CH_FIGURE] = "changed-figure",
	[W_PF_CH_ADDED] = "changed-added",
	[W_PF_CH_REMOVED] = "changed-removed",
	[W_PF_CH_REWORDED] = "changed-reworded",
	[W_PF_CH_PAGES] = "changed-pages",
	[W_PF_CH_PICTURE] = "changed-picture",
	[W_PF_CH_WAS] = "changed-was",
	[W_PF_CH_NOW] = "changed-now",
	[W_PF_CH_KIND] = "changed-kind",
	[W_ST_TITLE] = "statement",
	[W_ST_INTRO] = "statement-intro",
	[W_ST_STATUS] = "statement-status",
	[W_ST_FULL] = "statement-full",
	[W_ST_PARTIAL] = "statement-partial",
	[W_ST_NOT] = "statement-not",
	[W_ST_NONACC] = "statement-non-accessible",
	[W_ST_NONCOMP] = "statement-non-compliance",
	[W_ST_NONE] = "statement-none",
	[W_ST_PREP] = "statement-preparation",
	[W_ST_PREPARED] = "statement-prepared",
	[W_ST_METHOD] = "statement-method",
	[W_ST_MANUAL] = "statement-manual",
	[W_ST_FEEDBACK] = "statement-feedback",
	[W_ST_CONTACT] = "statement-contact",
	[W_ST_CONTACT_NONE] = "statement-contact-none",
	[W_ST_ENFORCE] = "statement-enforcement",
	[W_ST_ENFORCE_TEXT] = "statement-enforcement-text",
	[W_ST_TECH] = "statement-technical",
	[W_ST_TECH_TEXT] = "statement-technical-text",
};

/* enum word by its name, sorted, for word_index(): <words> has well over a hundred
 * attributes, and finding each along word_names[] (check_attrs(), then xmlGetProp() for
 * every word, each going through the element's attributes) was about 1.4 million
 * instructions a document, every document reading gen's words.xml and the project's. */
static int word_order[W_NWORDS];
static pthread_once_t word_order_once = PTHREAD_ONCE_INIT;

static int
by_word_name(const void *a, const void *b)
{
	return strcmp(word_names[*(const int *)a], word_names[*(const int *)b]);
}

static void
sort_words(void)
{
	for (int w = 0; w < W_NWORDS; w++)
		word_order[w] = w;
	qsort(word_order, W_NWORDS, sizeof(word_order[0]), by_word_name);
}

/* The word whose attribute is `name`, or -1. */
static int
word_index(const char *name)
{
	size_t lo = 0, hi = W_NWORDS;

	pthread_once(&word_order_once, sort_words);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, word_names[word_order[mid]]);

		if (cmp == 0)
			return word_order[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The {names} gen fills in a word, "|name|…|" (words_fill()); NULL: none. */
static const char *const word_slots[W_NWORDS] = {
	[W_FOOTNOTE] = "|n|", [W_STATUS_RULE] = "|area|comparator|",
	[W_STATUS_BANDS] = "|comparator|bands|", [W_STATUS_BAND] = "|band|indicators|",
	[W_STATUS_INTERVALS] = "|comparator|", [W_PP] = "|n|", [W_PERCENTAGE_POINT] = "|n|",
	[W_PERCENTAGE_POINTS] = "|n|", [W_POINT] = "|n|", [W_POINTS] = "|n|",
	[W_CHART_ABOUT] = "|chart|title|from|to|", [W_CHART_SERIES] = "|series|figures|",
	[W_CHART_FIGURE] = "|figure|when|", [W_CHART_GRADES] = "|best|worst|",
	[W_CHART_GRADE] = "|grade|meaning|", [W_CHILDREN] = "|count|area|what|",
	[W_CHILDREN_MISSING] = "|area|what|figure|", [W_FIGURE_MISSING] = "|why|year|",
	[W_FIGURE_EARLIER] = "|figure|year|report|", [W_PHRASE_UNPUBLISHED] = "|year|",
	[W_PHRASE_WITHHELD] = "|why|year|", [W_PHRASE_THEN] = "|phrase|previous|",
	[W_PHRASE_ASIDE] = "|phrase|previous|", [W_PHRASE_UNCHANGED] = "|phrase|year|",
	[W_PHRASE_UP] = "|phrase|change|year|", [W_PHRASE_DOWN] = "|phrase|change|year|",
	[W_PHRASE_LEVEL] = "|comparator|", [W_PHRASE_ABOVE] = "|change|comparator|",
	[W_PHRASE_BELOW] = "|change|comparator|", [W_PHRASE_AND] = "|phrase|comparison|",
	[W_PHRASE_AND_ASIDE] = "|phrase|comparison|", [W_MONTH_YEAR] = "|month|year|",
	[W_DAY_MONTH_YEAR] = "|day|month|year|", [W_SLUG] = "|file|title|date|page|pages|",
	[W_PF_COUNTS] = "|errors|warnings|",
	[W_PF_MORE] = "|n|",
	[W_PF_MORE_CELLS] = "|n|",
	[W_PF_RESOLUTION_LOW] = "|n|",
	[W_ST_INTRO] = "|title|author|date|",
	[W_ST_FULL] = "|title|author|date|",
	[W_ST_PARTIAL] = "|title|author|date|",
	[W_ST_NOT] = "|title|author|date|",
	[W_ST_NONE] = "|title|author|date|",
	[W_ST_PREPARED] = "|title|author|date|",
	[W_ST_METHOD] = "|title|author|date|",
	[W_ST_MANUAL] = "|title|author|date|",
	[W_ST_CONTACT] = "|title|author|date|",
	[W_ST_ENFORCE_TEXT] = "|title|author|date|",
	[W_ST_TECH_TEXT] = "|title|author|date|",
};

#define MAX_INCLUDES 8	/* templates including templates, at most this deep */
#define WORDS_FILE "templates/words.xml"	/* gen's words, and a project's changes to them */

struct tctx {
	struct gen	*g;
	struct template	*t;
	const char	*path;	/* the file being read (the template or an include) */
	const char	*cur;	/* the same, kept in the template's list of files */
	const char	*src;	/* its XML text, for columns */
	const char	*chain[MAX_INCLUDES + 1];	/* the files being read, outermost first */
	int		 depth;
	int		 bad;
};

/* Column of the first `needle` on line `line` of the source, or 1. */
static int
src_col(const char *src, int line, const char *needle)
{
	const char *p = src, *e, *hit;
	int l = 1, col;

	while (l < line && (p = strchr(p, '\n')) != NULL) {
		p++;
		l++;
	}
	if (p == NULL)
		return 1;
	e = strchr(p, '\n');
	hit = strstr(p, needle);
	if (hit == NULL || (e != NULL && hit > e))
		return 1;
	col = 1;
	for (const char *q = p; q < hit; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

static void
terr(struct tctx *c, xmlNode *n, const char *attr, const char *fmt, const char *arg)
{
	char needle[128];
	int line = (int)xmlGetLineNo(n);

	snprintf(needle, sizeof(needle), attr ? "%s=" : "<%s", attr ? attr : (const char *)n->name);
	msg(c->g, MSG_ERROR, c->path, line, src_col(c->src, line, needle), fmt, arg);
	c->bad = 1;
}

/* Parses a length such as "22mm", "10.5pt", "1in" or "10.5" (points) into *out. */
static int
parse_length(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || v < 0 || v > 10000)
		return -1;
	if (strcmp(end, "mm") == 0)
		v *= 72.0 / 25.4;
	else if (strcmp(end, "cm") == 0)
		v *= 72.0 / 2.54;
	else if (strcmp(end, "in") == 0)
		v *= 72.0;
	else if (*end != '\0' && strcmp(end, "pt") != 0)
		return -1;
	*out = v;
	return 0;
}

static int
parse_colour(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (s[0] != '#' || strlen(s) != 7)
		return -1;
	for (int i = 1; i < 7; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (unsigned)(isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return 0;
}

/* Reads length attribute `name` of `n` into *out when present. */
static void
attr_length(struct tctx *c, xmlNode *n, const char *name, double *out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (v != NULL && parse_length((const char *)v, out) == -1)
		terr(c, n, name, "`%s` is not a length (write e.g. 20mm or 10.5pt)",
		    (const char *)v);
	xmlFree(v);
}

static void
attr_colour(struct tctx *c, xmlNode *n, const char *name, unsigned *out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (v != NULL && parse_colour((const char *)v, out) == -1)
		terr(c, n, name, "`%s` is not a colour (write #rrggbb)", (const char *)v);
	xmlFree(v);
}

static void
read_page(struct tctx *c, xmlNode *n)
{
	xmlChar *size = xmlGetProp(n, (const xmlChar *)"size");
	double m = -1;

	if (size != NULL) {
		if (strcmp((const char *)size, "A4") == 0) {
			c->t->page_w = 595.2756;
			c->t->page_h = 841.8898;
		} else if (strcmp((const char *)size, "A5") == 0) {
			c->t->page_w = 419.5276;
			c->t->page_h = 595.2756;
		} else
			terr(c, n, "size", "unknown page size `%s` (A4 or A5, or give width "
			    "and height)", (const char *)size);
	}
	xmlFree(size);
	attr_length(c, n, "width", &c->t->page_w);
	attr_length(c, n, "height", &c->t->page_h);
	attr_length(c, n, "bleed", &c->t->bleed);
	attr_length(c, n, "margin", &m);
	if (m >= 0)
		c->t->margin_top = c->t->margin_bottom = c->t->margin_inner =
		    c->t->margin_outer = m;
	attr_length(c, n, "margin-top", &c->t->margin_top);
	attr_length(c, n, "margin-bottom", &c->t->margin_bottom);
	attr_length(c, n, "margin-inner", &c->t->margin_inner);
	attr_length(c, n, "margin-outer", &c->t->margin_outer);
}

static void
read_style(struct tctx *c, xmlNode *n)
{
	xmlChar *role = xmlGetProp(n, (const xmlChar *)"role");
	xmlChar *v;
	struct style *st = NULL;

	for (int i = 0; role != NULL && i < R_NROLES; i++)
		if (strcmp((const char *)role, role_names[i]) == 0)
			st = &c->t->role[i];
	if (st == NULL) {
		terr(c, n, role ? "role" : NULL, role ? "unknown style role `%s`" :
		    "a style needs a role=\"...\"%s", role ? (const char *)role : "");
		xmlFree(role);
		return;
	}
	xmlFree(role);
	st->line = (int)xmlGetLineNo(n);
	st->col = src_col(c->src, st->line, "<style");
	st->file = c->cur;
	if ((v = xmlGetProp(n, (const xmlChar *)"family")) != NULL) {
		free(st->family);
		st->family = xstrdup((const char *)v);
		xmlFree(v);
	}
	if ((v = xmlGetProp(n, (const xmlChar *)"weight")) != NULL) {
		const char *w = (const char *)v;

		st->weight = strcmp(w, "regular") == 0 ? 400 : strcmp(w, "semibold") == 0 ? 600 :
		    strcmp(w, "bold") == 0 ? 700 : -1;
		if (st->weight < 0)
			terr(c, n, "weight", "unknown weight `%s` (regular, semibold or bold)", w);
		xmlFree(v);
	}
	if ((v = xmlGetProp(n, (const xmlChar *)"style")) != NULL) {
		st->italic = strcmp((const char *)v, "italic") == 0;
		if (!st->italic && strcmp((const char *)v, "normal") != 0)
			terr(c, n, "style", "unknown style `%s` (normal or italic)",
			    (const char *)v);
		xmlFree(v);
	}
	if ((v = xmlGetProp(n, (const xmlChar *)"page-break")) != NULL) {
		static const char *const breaks[] = { "no", "yes", "right", "auto" };
		size_t i;

		for (i = 0; i < 4 && strcmp((const char *)v, breaks[i]) != 0; i++)
			;
		if (i == 4)
			terr(c, n, "page-break", "unknown page-break `%s` (yes, right, auto or no)",
			    (const char *)v);
		else
			st->page_break = (int)i;
		xmlFree(v);
	}
	attr_length(c, n, "size", &st->size);
	attr_length(c, n, "leading", &st->leading);
	attr_length(c, n, "before", &st->before);
	attr_length(c, n, "after", &st->after);
	attr_colour(c, n, "colour", &st->colour);
}

/* series="#1d4f91 #b35a12 …": the charts' colours, one a series, in order. */
static void
read_series(struct tctx *c, xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"series");
	char *copy, *save = NULL;
	int k = 0;

	if (v == NULL)
		return;
	copy = xstrdup((const char *)v);
	for (char *tok = strtok_r(copy, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		if (k == MAX_SERIES)
			terr(c, n, "series", "more than 6 series colours in `%s`", (const char *)v);
		else if (parse_colour(tok, &c->t->series[k]) == -1)
			terr(c, n, "series", "`%s` is not a colour (write #rrggbb)", tok);
		else {
			k++;
			continue;
		}
		break;
	}
	if (k == 0)
		terr(c, n, "series", "series=\"%s\" names no colour", (const char *)v);
	else
		c->t->nseries = k;
	free(copy);
	xmlFree(v);
}

/* Parses "100 72 0 12" (C M Y K in per cent, up to two decimals, `%` and commas allowed)
 * into hundredths of a per cent. */
static int
parse_cmyk(const char *s, unsigned short out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0, decimals = -1;

		while (*s == ' ' || *s == ',')
			s++;
		for (; isdigit((unsigned char)*s) || (*s == '.' && decimals < 0); s++) {
			if (*s == '.') {
				decimals = 0;
				continue;
			}
			if (decimals == 2 || v > 100)
				return -1;
			v = v * 10 + (unsigned)(*s - '0');
			digits++;
			if (decimals >= 0)
				decimals++;
		}
		if (digits == 0 || decimals == 0)
			return -1;
		for (int d = decimals < 0 ? 0 : decimals; d < 2; d++)
			v *= 10;
		if (v > 10000)
			return -1;
		out[i] = (unsigned short)v;
		if (*s == '%')
			s++;
		if (*s != '\0' && *s != ' ' && *s != ',')
			return -1;
	}
	while (*s == ' ')
		s++;
	return *s == '\0' ? 0 : -1;
}

/* Sets the ink of `rgb`, replacing one given before (an include's) for the same colour. */
static void
set_ink(struct template *t, unsigned rgb, const unsigned short cmyk[4])
{
	size_t i;

	for (i = 0; i < t->ninks && t->inks[i].rgb != rgb; i++)
		;
	if (i == t->ninks) {
		t->inks = xrealloc(t->inks, (t->ninks + 1) * sizeof(*t->inks));
		t->ninks++;
	}
	t->inks[i].rgb = rgb;
	memcpy(t->inks[i].cmyk, cmyk, sizeof(t->inks[i].cmyk));
}

/* <print intent="FOGRA39|SWOP"> with <ink rgb="#1d4f91" cmyk="94 65 0 19"/> children: the
 * printing condition and the CMYK each colour prints in. */
static void
read_print(struct tctx *c, xmlNode *print)
{
	static const char *const intents[] = { [PI_FOGRA39] = "FOGRA39", [PI_SWOP] = "SWOP" };
	xmlChar *v = xmlGetProp(print, (const xmlChar *)"intent");

	if (v != NULL) {
		size_t i;

		for (i = 0; i < 2 && strcmp((const char *)v, intents[i]) != 0; i++)
			;
		if (i == 2)
			terr(c, print, "intent", "unknown output intent `%s` (FOGRA39, for "
			    "coated paper on a European press, or SWOP)", (const char *)v);
		else
			c->t->intent = (int)i;
		xmlFree(v);
	}
	for (xmlNode *n = print->children; n; n = n->next) {
		xmlChar *rgb, *cmyk;
		unsigned colour = 0;
		unsigned short k[4];
		int ok = 1;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "ink") != 0) {
			terr(c, n, NULL, "unknown element <%s> in <print> (it holds <ink>s)",
			    (const char *)n->name);
			continue;
		}
		rgb = xmlGetProp(n, (const xmlChar *)"rgb");
		cmyk = xmlGetProp(n, (const xmlChar *)"cmyk");
		if (rgb == NULL || cmyk == NULL) {
			terr(c, n, NULL, "an <ink> needs rgb=\"#rrggbb\" and cmyk=\"C M Y K\"%s",
			    "");
			ok = 0;
		}
		if (rgb != NULL && parse_colour((const char *)rgb, &colour) == -1) {
			terr(c, n, "rgb", "`%s` is not a colour (write #rrggbb)", (const char *)rgb);
			ok = 0;
		}
		if (cmyk != NULL && parse_cmyk((const char *)cmyk, k) == -1) {
			terr(c, n, "cmyk", "`%s` is not a CMYK colour (write four percentages, C M "
			    "Y K, e.g. cmyk=\"94 65 0 19\")", (const char *)cmyk);
			ok = 0;
		}
		if (ok)
			set_ink(c->t, colour, k);
		xmlFree(rgb);
		xmlFree(cmyk);
	}
}

static void
read_theme(struct tctx *c, xmlNode *theme)
{
	for (xmlNode *n = theme->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "style") == 0)
			read_style(c, n);
		else if (strcmp((const char *)n->name, "colour") == 0) {
			attr_colour(c, n, "accent", &c->t->accent);
			attr_colour(c, n, "accent-text", &c->t->accent_text);
			attr_colour(c, n, "band", &c->t->band);
			attr_colour(c, n, "rule", &c->t->rule);
			attr_colour(c, n, "muted", &c->t->muted);
			attr_colour(c, n, "grid", &c->t->grid);
			attr_colour(c, n, "outline", &c->t->outline);
			read_series(c, n);
			c->t->colour_file = c->cur;
			c->t->colour_line = (int)xmlGetLineNo(n);
			c->t->colour_col = src_col(c->src, c->t->colour_line, "<colour");
		} else if (strcmp((const char *)n->name, "print") == 0)
			read_print(c, n);
		else
			terr(c, n, NULL, "unknown element <%s> in <theme>", (const char *)n->name);
	}
}

/* <data table="T"> with <column name="C" type="number|percentage|text|date"/> children. */
static void
read_data(struct tctx *c, xmlNode *data)
{
	static const char *const types[] = { "text", "number", "percentage", "date" };
	xmlChar *table = xmlGetProp(data, (const xmlChar *)"table");

	if (table == NULL) {
		terr(c, data, NULL, "<data> needs table=\"NAME\" (the file data/NAME.csv)%s", "");
		return;
	}
	for (xmlNode *n = data->children; n; n = n->next) {
		xmlChar *name, *type;
		struct coltype *ct;
		int t = -1;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "column") != 0) {
			terr(c, n, NULL, "unknown element <%s> in <data>", (const char *)n->name);
			continue;
		}
		name = xmlGetProp(n, (const xmlChar *)"name");
		type = xmlGetProp(n, (const xmlChar *)"type");
		for (int i = 0; type != NULL && i < 4; i++)
			if (strcmp((const char *)type, types[i]) == 0)
				t = i;
		if (name == NULL)
			terr(c, n, NULL, "a <column> needs name=\"...\"%s", "");
		else if (t < 0)
			terr(c, n, type ? "type" : NULL, "column type `%s` is not text, number, "
			    "percentage or date", type ? (const char *)type : "");
		else {
			c->t->coltypes = xrealloc(c->t->coltypes, (c->t->ncoltypes + 1) *
			    sizeof(*c->t->coltypes));
			ct = &c->t->coltypes[c->t->ncoltypes++];
			ct->table = xstrdup((const char *)table);
			ct->column = xstrdup((const char *)name);
			ct->type = t;
			ct->line = (int)xmlGetLineNo(n);
			ct->col = src_col(c->src, ct->line, "<column");
		}
		xmlFree(name);
		xmlFree(type);
	}
	xmlFree(table);
}

/* <front> and <sections>: children <ELEM key="…" LABEL="…" required="yes"/>. */
static void
read_fields(struct tctx *c, xmlNode *parent, const char *elem, const char *label,
    struct tfield **v, size_t *nv)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		xmlChar *key, *lab, *req;
		struct tfield *f;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, elem) != 0) {
			terr(c, n, NULL, "unknown element <%s> here", (const char *)n->name);
			continue;
		}
		key = xmlGetProp(n, (const xmlChar *)"key");
		lab = xmlGetProp(n, (const xmlChar *)label);
		req = xmlGetProp(n, (const xmlChar *)"required");
		if (key == NULL || lab == NULL)
			terr(c, n, NULL, key ? "<%s> needs a label" : "<%s> needs key=\"…\", the "
			    "front-matter key it shows", elem);
		else {
			*v = xrealloc(*v, (*nv + 1) * sizeof(**v));
			f = &(*v)[(*nv)++];
			f->key = xstrdup((const char *)key);
			f->label = xstrdup((const char *)lab);
			f->required = req != NULL && strcmp((const char *)req, "yes") == 0;
			f->line = (int)xmlGetLineNo(n);
			f->col = src_col(c->src, f->line, "<");
		}
		xmlFree(key);
		xmlFree(lab);
		xmlFree(req);
	}
}

/* A plain file name in templates/: letters, digits, dots, hyphens; no folders. */
static int
valid_file(const char *s)
{
	if (*s == '\0' || *s == '.' || strlen(s) > 128)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* The cover's logo: a file of templates/ (the project's, or else the installed one), kept
 * inside that folder. */
static void
read_logo(struct tctx *c, xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"logo");
	char *rel, *path, real[PATH_MAX], dir[PATH_MAX], *tdir;
	const char *why, *s = (const char *)v;
	size_t dl;
	int installed;
	struct gen r;

	if (v == NULL)
		return;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			s = NULL;
	if (s == NULL || *s == '.' || *s == '\0') {
		terr(c, n, "logo", "logo `%s`: name a file in templates/ (no folders)",
		    (const char *)v);
		xmlFree(v);
		return;
	}
	rel = xasprintf("templates/%s", s);
	path = project_file(c->g, rel, &installed);
	r = project_reader(c->g, installed);
	tdir = xasprintf("%s/templates", r.realroot);
	if (realpath(path, real) == NULL)
		terr(c, n, "logo", "logo `%s` not found in templates/", s);
	else if (realpath(tdir, dir) == NULL || strncmp(real, dir, dl = strlen(dir)) != 0 ||
	    real[dl] != '/')
		terr(c, n, "logo", "logo `%s` is outside templates/", s);
	else if (image_free(c->t->logo), (c->t->logo = image_load(&r, real, &why)) == NULL) {
		char *m = xasprintf("logo `%%s` is %s", why);

		terr(c, n, "logo", m, s);
		free(m);
	} else {
		free(c->t->logo_path);
		c->t->logo_path = xstrdup(path);
	}
	free(tdir);
	free(path);
	free(rel);
	xmlFree(v);
}

static void read_include(struct tctx *, xmlNode *);
static void read_xml_file(struct tctx *, const char *, const char *, size_t);

/* <header left="{title}" right="{section}"/>, <footer outside="Page {page} of {pages}"/>:
 * the element replaces the default; slots are left, centre, right, inside and outside. */
static void
read_furniture(struct tctx *c, xmlNode *n, struct furniture *fu)
{
	static const char *const slots[FU_NSLOTS] = { "left", "centre", "right", "inside",
	    "outside" };

	for (int i = 0; i < FU_NSLOTS; i++) {
		xmlChar *v = xmlGetProp(n, (const xmlChar *)slots[i]);

		free(fu->slot[i]);
		fu->slot[i] = v ? xstrdup((const char *)v) : NULL;
		xmlFree(v);
	}
	for (xmlAttr *a = n->properties; a; a = a->next) {
		int known = 0;

		for (int i = 0; i < FU_NSLOTS; i++)
			known |= strcmp((const char *)a->name, slots[i]) == 0;
		if (!known)
			terr(c, n, (const char *)a->name, "unknown place `%s` (left, centre, right, "
			    "inside or outside)", (const char *)a->name);
	}
}

/* <per-row table="areas" name="area"/>: one output per row, named after a column. */
static void
read_per_row(struct tctx *c, xmlNode *n)
{
	xmlChar *table = xmlGetProp(n, (const xmlChar *)"table");
	xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");

	if (table == NULL || name == NULL)
		terr(c, n, NULL, "<per-row> needs table=\"…\" (the data file) and name=\"…\" (the "
		    "column that names each output)%s", "");
	else {
		free(c->t->per_row);
		free(c->t->per_row_name);
		c->t->per_row = xstrdup((const char *)table);
		c->t->per_row_name = xstrdup((const char *)name);
		c->t->per_row_line = (int)xmlGetLineNo(n);
		c->t->per_row_col = src_col(c->src, c->t->per_row_line, "<per-row");
	}
	xmlFree(table);
	xmlFree(name);
}

/* Whether each {placeholder} of v, attribute `name` of `n`, is one of those it takes,
 * `names` ("|date|author|"); if not, an error at the first that is not. */
static void
check_slots(struct tctx *c, xmlNode *n, const char *name, const char *names, const char *v)
{
	const char *p, *e;
	char want[40];

	for (p = v; (p = strchr(p, '{')) != NULL; p = e) {
		e = strchr(p, '}');
		if (e != NULL && e - p < 32)
			snprintf(want, sizeof(want), "|%.*s|", (int)(e - p - 1), p + 1);
		if (e == NULL || e - p >= 32 || strstr(names, want) == NULL) {
			struct buf b = { 0 };
			char *m;

			for (const char *q = names + 1; *q; q = strchr(q, '|') + 1) {
				buf_adds(&b, q == names + 1 ? "{" : strchr(q, '|')[1] ? ", {" :
				    " or {");
				buf_add(&b, q, (size_t)(strchr(q, '|') - q));
				buf_adds(&b, "}");
			}
			m = xasprintf("`%.*s` in %s= is nothing gen fills in (it fills in %s)",
			    e != NULL && e - p < 32 ? (int)(e - p + 1) : 1, p, name, b.s);
			terr(c, n, name, "%s", m);
			free(m);
			buf_free(&b);
			break;
		}
	}
}

/* The words of <html> attribute `name` of `n` into *out, checking that each {placeholder}
 * is one of those it takes, `names` ("|date|author|"). */
static void
html_words(struct tctx *c, xmlNode *n, const char *name, const char *names, char **out)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (v == NULL)
		return;
	check_slots(c, n, name, names, (const char *)v);
	free(*out);
	*out = xstrdup((const char *)v);
	xmlFree(v);
}

/* How many times ch is in s. */
static size_t
count_char(const char *s, char ch)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == ch;
	return n;
}

/* <words contents="Contents" …/>: the words gen writes itself. */
static void
read_words(struct tctx *c, xmlNode *n)
{
	xmlAttr *at[W_NWORDS] = { NULL };
	int w;

	/* each word's attribute found in one pass: the first of its name, as xmlGetProp()
	 * finds it; its value is what xmlGetProp() would return (xmlNodeGetContent() of an
	 * attribute) */
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
		if ((w = word_index((const char *)a->name)) >= 0 && at[w] == NULL)
			at[w] = a;
	for (w = 0; w < W_NWORDS; w++) {
		xmlChar *v = at[w] != NULL ? xmlNodeGetContent((xmlNode *)at[w]) : NULL;

		if (v == NULL)
			continue;
		if (word_slots[w] != NULL)
			check_slots(c, n, word_names[w], word_slots[w], (const char *)v);
		if (w == W_MONTHS && count_char((const char *)v, '|') != 11)
			terr(c, n, word_names[w], "months=\"%s\" is not twelve names parted by `|`",
			    (const char *)v);
		free(c->t->word[w]);
		c->t->word[w] = xstrdup((const char *)v);
		xmlFree(v);
	}
}

/* One words.xml, read at `path` through `reader`: its text read as a template's. A file that
 * is there but cannot be read is an error; one that is not there, nothing. */
static void
read_words_at(struct tctx *c, const struct gen *reader, const char *path)
{
	char *text;
	size_t len;

	if (read_file(reader, path, MAX_FILE_BYTES, &text, &len) == -1) {
		if (errno != ENOENT) {
			msg(c->g, MSG_ERROR, path, 0, 0, "cannot read: %s", read_error(errno));
			c->bad = 1;
		}
		return;
	}
	c->chain[c->depth++] = path;
	read_xml_file(c, path, text, len);
	c->depth--;
	free(text);
}

/* The words: gen's (the installed templates/words.xml), then the project's templates/
 * words.xml over them, each word it gives in place of gen's; read before the template so
 * that its <words> can change any. */
static void
read_words_file(struct tctx *c)
{
	char *beneath = project_beneath(c->g, WORDS_FILE), *path;
	int installed;
	struct gen reader;

	if (beneath != NULL) {
		reader = project_reader(c->g, 1);
		read_words_at(c, &reader, beneath);
		free(beneath);
	}
	path = project_file(c->g, WORDS_FILE, &installed);
	reader = project_reader(c->g, installed);
	read_words_at(c, &reader, path);
	free(path);
}

const char *
word_name(enum word w)
{
	return word_names[w];
}

const char *
contents_title(const struct template *t)
{
	return t->toc_title != NULL ? t->toc_title : t->word[W_CONTENTS];
}

/* <html split="1"/>: the HTML twin has a page per heading of that level (0: one page); its
 * words for publishing: the link to the PDF, the date and the source. */
static void
read_html(struct tctx *c, xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"split");

	html_words(c, n, "download", "|size|", &c->t->html_download);
	html_words(c, n, "published", "|date|author|", &c->t->html_published);
	html_words(c, n, "source", "|source|", &c->t->html_source);

	if (v != NULL) {
		if (strlen((const char *)v) != 1 || v[0] < '0' || v[0] > '4')
			terr(c, n, "split", "split=\"%s\" is not a heading level from 1 to 4 (or 0 "
			    "for one page)", (const char *)v);
		else
			c->t->html_split = v[0] - '0';
	}
	xmlFree(v);
}

/* Frees the comparators of a template. */
static void
free_comparators(struct template *t)
{
	for (size_t i = 0; i < t->ncmp; i++) {
		free(t->cmp[i].column);
		free(t->cmp[i].label);
	}
	free(t->cmp);
	t->cmp = NULL;
	t->ncmp = 0;
}

static void
add_comparator(struct template *t, const char *column, const char *label)
{
	t->cmp = xrealloc(t->cmp, (t->ncmp + 1) * sizeof(*t->cmp));
	t->cmp[t->ncmp].column = xstrdup(column);
	t->cmp[t->ncmp++].label = xstrdup(label);
}

/* <indicators data="indicators" list="indicator-list" latest="year|published">, with a
 * <comparator column="england" label="England"/> for each comparator, the first the one the
 * status is judged against (England, then the North West, when none is given). */
static void
read_indicators(struct tctx *c, xmlNode *n)
{
	xmlChar *a = xmlGetProp(n, (const xmlChar *)"data");
	xmlChar *b = xmlGetProp(n, (const xmlChar *)"list");
	xmlChar *latest = xmlGetProp(n, (const xmlChar *)"latest");
	xmlChar *note = xmlGetProp(n, (const xmlChar *)"illustrative-note");

	if (note != NULL) {
		free(c->t->ind_note);
		c->t->ind_note = xstrdup((const char *)note);
		xmlFree(note);
	}
	free(c->t->ind_data);
	free(c->t->ind_list);
	c->t->ind_data = xstrdup(a ? (const char *)a : "indicators");
	c->t->ind_list = xstrdup(b ? (const char *)b : "indicator-list");
	c->t->latest_published = 0;
	if (latest != NULL && strcmp((const char *)latest, "published") == 0)
		c->t->latest_published = 1;
	else if (latest != NULL && strcmp((const char *)latest, "year") != 0)
		terr(c, n, "latest", "latest=\"%s\" is not `year` (the report's year alone) or "
		    "`published` (the latest figure published by then)", (const char *)latest);
	xmlFree(a);
	xmlFree(b);
	xmlFree(latest);
	free_comparators(c->t);
	for (xmlNode *k = n->children; k; k = k->next) {
		xmlChar *col, *label;

		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)k->name, "comparator") != 0) {
			terr(c, k, NULL, "<indicators> holds only <comparator> elements, not <%s>",
			    (const char *)k->name);
			continue;
		}
		col = xmlGetProp(k, (const xmlChar *)"column");
		label = xmlGetProp(k, (const xmlChar *)"label");
		if (col == NULL || label == NULL)
			terr(c, k, NULL, "<comparator> needs column=\"…\" (in the indicators' "
			    "data) and label=\"…\" (what the page calls it)%s", "");
		else if (c->t->ncmp == MAX_COMPARATORS)
			terr(c, k, NULL, "at most four comparators%s", "");
		else
			add_comparator(c->t, (const char *)col, (const char *)label);
		xmlFree(col);
		xmlFree(label);
	}
	if (c->t->ncmp == 0) {
		add_comparator(c->t, "england", "England");
		add_comparator(c->t, "north-west", "North West");
	}
}

/* <appendices label="Appendix {n}: " numbering="letters|numbers"/>: how an appendix's
 * chapters are headed. */
static void
read_appendices(struct tctx *c, xmlNode *n)
{
	xmlChar *v;

	if ((v = xmlGetProp(n, (const xmlChar *)"label")) != NULL) {
		free(c->t->appendix_label);
		c->t->appendix_label = xstrdup((const char *)v);
		xmlFree(v);
	}
	if ((v = xmlGetProp(n, (const xmlChar *)"numbering")) != NULL) {
		if (strcmp((const char *)v, "letters") == 0)
			c->t->appendix_numbers = 0;
		else if (strcmp((const char *)v, "numbers") == 0)
			c->t->appendix_numbers = 1;
		else
			terr(c, n, "numbering", "unknown numbering `%s` (letters or numbers)",
			    (const char *)v);
		xmlFree(v);
	}
}

/* <numbering style="chapters|continuous" chapters="Section *"/>: a committee report's
 * numbered chapters and paragraphs (1., 1.1), or an inspection report's paragraphs numbered
 * 1, 2 … through the chapters whose headings match the pattern (all without one). */
static void
read_numbering(struct tctx *c, xmlNode *n)
{
	xmlChar *v;

	c->t->numbered = NUMBER_CHAPTERS;
	if ((v = xmlGetProp(n, (const xmlChar *)"style")) != NULL) {
		if (strcmp((const char *)v, "continuous") == 0)
			c->t->numbered = NUMBER_CONTINUOUS;
		else if (strcmp((const char *)v, "chapters") != 0)
			terr(c, n, "style", "unknown numbering style `%s` (chapters or continuous)",
			    (const char *)v);
		xmlFree(v);
	}
	if ((v = xmlGetProp(n, (const xmlChar *)"chapters")) != NULL) {
		free(c->t->number_chapters);
		c->t->number_chapters = xstrdup((const char *)v);
		xmlFree(v);
	}
}

static void
read_root(struct tctx *c, xmlNode *root)
{
	for (xmlNode *n = root->children; n; n = n->next) {
		const char *name = (const char *)n->name;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(name, "page") == 0)
			read_page(c, n);
		else if (strcmp(name, "theme") == 0)
			read_theme(c, n);
		else if (strcmp(name, "data") == 0)
			read_data(c, n);
		else if (strcmp(name, "include") == 0)
			read_include(c, n);
		else if (strcmp(name, "words") == 0)
			read_words(c, n);
		else if (strcmp(name, "front") == 0)
			read_fields(c, n, "field", "label", &c->t->front, &c->t->nfront);
		else if (strcmp(name, "sections") == 0)
			read_fields(c, n, "section", "heading", &c->t->sections, &c->t->nsections);
		else if (strcmp(name, "header") == 0)
			read_furniture(c, n, &c->t->header);
		else if (strcmp(name, "footer") == 0)
			read_furniture(c, n, &c->t->footer);
		else if (strcmp(name, "indicators") == 0)
			read_indicators(c, n);
		else if (strcmp(name, "html") == 0)
			read_html(c, n);
		else if (strcmp(name, "infographic") == 0) {
			c->t->infographic = 1;
			attr_colour(c, n, "background", &c->t->infographic_bg);
			c->t->bg_file = c->cur;
			c->t->bg_line = (int)xmlGetLineNo(n);
			c->t->bg_col = src_col(c->src, c->t->bg_line, "background=");
		} else if (strcmp(name, "page-numbers") == 0) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"front");

			c->t->front_roman = v != NULL && strcmp((const char *)v, "roman") == 0;
			if (v != NULL && !c->t->front_roman && strcmp((const char *)v, "arabic") != 0)
				terr(c, n, "front", "unknown numbering `%s` (roman or arabic)",
				    (const char *)v);
			xmlFree(v);
		} else if (strcmp(name, "appendices") == 0)
			read_appendices(c, n);
		else if (strcmp(name, "numbering") == 0)
			read_numbering(c, n);
		else if (strcmp(name, "marks") == 0)
			c->t->marks = 1;
		else if (strcmp(name, "per-row") == 0)
			read_per_row(c, n);
		else if (strcmp(name, "cover") == 0) {
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"style");

			c->t->cover = 1;
			if (v != NULL && strcmp((const char *)v, "plain") == 0)
				c->t->cover = COVER_PLAIN;
			else if (v != NULL && strcmp((const char *)v, "band") != 0)
				terr(c, n, "style", "unknown cover style `%s` (band or plain)",
				    (const char *)v);
			if (v != NULL)
				xmlFree(v);
			read_logo(c, n);
		}
		else if (strcmp(name, "contents") == 0) {
			xmlChar *d = xmlGetProp(n, (const xmlChar *)"depth");

			xmlChar *title = xmlGetProp(n, (const xmlChar *)"title");
			xmlChar *parts = xmlGetProp(n, (const xmlChar *)"parts");

			c->t->toc = 1;
			if (parts != NULL) {
				c->t->parts = strcmp((const char *)parts, "yes") == 0;
				if (strcmp((const char *)parts, "yes") && strcmp((const char *)parts,
				    "no"))
					terr(c, n, "parts", "contents parts=\"%s\": yes or no",
					    (const char *)parts);
				xmlFree(parts);
			}
			if (title != NULL) {
				free(c->t->toc_title);
				c->t->toc_title = xstrdup((const char *)title);
				xmlFree(title);
			}
			if (d != NULL) {
				c->t->toc_depth = atoi((const char *)d);
				if (c->t->toc_depth < 1 || c->t->toc_depth > 4)
					terr(c, n, "depth", "contents depth `%s` is not 1 to 4",
					    (const char *)d);
			}
			xmlFree(d);
		} else
			terr(c, n, NULL, "unknown element <%s> in a template", name);
	}
}

static void
defaults(struct template *t)
{
	static const struct { enum style_role r; int w; double size, lead, before, after; } d[] = {
		{ R_BODY, 400, 10.5, 15, 0, 7 }, { R_H1, 700, 24, 29, 0, 14 },
		{ R_H2, 700, 15, 19, 16, 6 }, { R_H3, 600, 12, 16, 12, 4 },
		{ R_H4, 600, 10.5, 15, 10, 3 }, { R_CODE, 400, 9, 13, 0, 7 },
		{ R_CAPTION, 400, 9, 12, 4, 10 }, { R_HEADER, 400, 8.5, 11, 0, 0 },
		{ R_FOOTER, 400, 8.5, 11, 0, 0 }, { R_TITLE, 700, 36, 42, 0, 12 },
		{ R_SUBTITLE, 400, 18, 24, 0, 12 }, { R_TOC1, 600, 11, 16, 8, 2 },
		{ R_TOC2, 400, 10.5, 15, 0, 2 }, { R_NOTE, 400, 8.5, 12, 0, 3 },
		{ R_TABLE, 400, 9, 12.5, 0, 0 }, { R_FIGURE, 700, 30, 34, 0, 0 },
		{ R_FIGURE_LABEL, 600, 10.5, 14, 0, 0 }, { R_FIGURE_DETAIL, 400, 9, 12.5, 0, 0 },
	};
	/* gen's own colours for print, in hundredths of a per cent: black, text (#1a1a1a),
	 * quoted text, rules under notes and between sections, quote bars and the background
	 * of code in black ink alone, as light as each shows on screen; the statuses' fills
	 * (green, amber, red) in their FOGRA39 separations. */
	static const struct ink k[] = {
		{ 0x000000, { 0, 0, 0, 10000 } }, { 0x1a1a1a, { 0, 0, 0, 10000 } },
		{ 0x3a3f4a, { 0, 0, 0, 9200 } }, { 0x9aa5b8, { 0, 0, 0, 4800 } },
		{ 0xc8d3e6, { 0, 0, 0, 2500 } }, { 0xf1f3f6, { 0, 0, 0, 700 } },
		{ 0xd4edda, { 1600, 100, 1700, 300 } }, { 0xfbe7b5, { 0, 700, 3400, 400 } },
		{ 0xf5c6cb, { 0, 2800, 1200, 400 } },
	};

	t->page_w = 595.2756;
	t->page_h = 841.8898;
	t->margin_top = t->margin_bottom = t->margin_inner = t->margin_outer = 72 * 20 / 25.4;
	t->bleed = 72 * 3 / 25.4;	/* print-ready by default */
	t->header.slot[FU_LEFT] = xstrdup("{title}");
	t->header.slot[FU_RIGHT] = xstrdup("{section}");
	t->footer.slot[FU_OUTSIDE] = xstrdup("{page}");
	t->accent = 0x1d4f91;
	t->accent_text = 0xffffff;
	t->band = 0xeef1f6;
	t->infographic_bg = 0xeef2f8;
	t->rule = 0xb8c2d3;
	/* Each at least 4.5:1 on white: series colours label their own lines. */
	memcpy(t->series, (const unsigned[]){ 0x1d4f91, 0xb35a12, 0x1e766c, 0x7a5195, 0x5b6578,
	    0xb23a48 }, sizeof(t->series));
	t->nseries = MAX_SERIES;
	t->muted = 0x5b6578;
	t->grid = 0xdde2ea;
	t->outline = 0x7d8696;
	t->toc_depth = 2;
	t->intent = PI_FOGRA39;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		set_ink(t, k[i].rgb, k[i].cmyk);
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		struct style *s = &t->role[d[i].r];

		s->family = xstrdup(d[i].r == R_CODE ? "Fira Code" : "Inter");
		s->weight = d[i].w;
		s->size = d[i].size;
		s->leading = d[i].lead;
		s->before = d[i].before;
		s->after = d[i].after;
		s->colour = 0x1a1a1a;
	}
}

/* The key-figure roles the template does not style take body text's family, style and
 * colour; the figure, the accent. */
static void
inherit_body(struct template *t)
{
	const struct style *body = &t->role[R_BODY];

	for (int r = R_FIGURE; r <= R_FIGURE_DETAIL; r++) {
		struct style *s = &t->role[r];

		if (s->line != 0)
			continue;
		free(s->family);
		s->family = xstrdup(body->family);
		s->italic = body->italic;
		s->colour = r == R_FIGURE ? t->accent : body->colour;
	}
}

static xmlParserInputPtr
deny_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* SAX hook: a DOCTYPE is where entity bombs and external entities live; stop at it. */
static void
refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)ext;
	(void)sys;
	*(int *)ctxt->_private = 1;
	xmlStopParser(ctxt);
}

/* Parses the XML text safely; reports and returns NULL on any error. */
static xmlDoc *
parse_xml(struct tctx *c, const char *text, size_t len)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc *doc;
	int doctype = 0;

	xmlSetExternalEntityLoader(deny_entity);
	ctxt = xmlNewParserCtxt();
	ctxt->_private = &doctype;
	ctxt->sax->internalSubset = refuse_doctype;
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, c->path, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doctype) {
		msg(c->g, MSG_ERROR, c->path, ctxt->input ? ctxt->input->line : 1, 1,
		    "a DOCTYPE is not allowed in a template (entities are not expanded)");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc == NULL || !ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char *m = xstrdup(e && e->message ? e->message : "not well-formed XML");
		size_t n = strlen(m);

		while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
			m[--n] = '\0';
		if (strstr(m, "Excessive depth") != NULL) {	/* libxml2's limit, in our words */
			free(m);
			m = xstrdup("elements are nested more than 256 deep");
		}
		msg(c->g, MSG_ERROR, c->path, e ? e->line : 1, e && e->int2 > 0 ? e->int2 : 1,
		    "%s", m);
		free(m);
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/* Reports a template name with no file, suggesting the nearest that exists. */
static void
unknown_template(struct gen *g, const char *name, const char *file, int line, int col)
{
	size_t n;
	char **names = project_list(g, "templates", ".xml", &n);
	const char *near = nearest_word(name, (const char *const *)names, n);

	if (near != NULL)
		msg(g, MSG_ERROR, file, line, col, "unknown template `%s` (did you mean `%s`?)",
		    name, near);
	else
		msg(g, MSG_ERROR, file, line, col, "unknown template `%s` (there is no "
		    "templates/%s.xml%s; `gen templates` lists them)", name, name,
		    g->share != NULL ? ", here or installed" : "");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Every attribute each element takes: an attribute not listed is an error, with the nearest
 * listed one as a hint (a misspelt margin would otherwise be dropped without a word). An
 * attribute a reader takes must be added here. */
static const struct {
	const char	*elem;
	const char	*attrs[32];
} known_attrs[] = {
	{ "template", { "description", NULL } },
	{ "page", { "size", "width", "height", "bleed", "margin", "margin-top", "margin-bottom",
	    "margin-inner", "margin-outer", NULL } },
	{ "theme", { NULL } },
	{ "style", { "role", "family", "weight", "style", "page-break", "size", "leading",
	    "before", "after", "colour", NULL } },
	{ "colour", { "accent", "accent-text", "band", "rule", "series", "muted", "grid",
	    "outline", NULL } },
	{ "print", { "intent", NULL } },
	{ "ink", { "rgb", "cmyk", NULL } },
	{ "data", { "table", NULL } },
	{ "column", { "name", "type", NULL } },
	{ "include", { "file", NULL } },
	{ "words", { NULL } },	/* word_names[] */
	{ "front", { NULL } },
	{ "field", { "key", "label", "required", NULL } },
	{ "sections", { NULL } },
	{ "section", { "key", "heading", "required", NULL } },
	{ "header", { "left", "centre", "right", "inside", "outside", NULL } },
	{ "footer", { "left", "centre", "right", "inside", "outside", NULL } },
	{ "indicators", { "data", "list", "latest", "illustrative-note", NULL } },
	{ "page-numbers", { "front", NULL } },
	{ "appendices", { "label", "numbering", NULL } },
	{ "comparator", { "column", "label", NULL } },
	{ "html", { "split", "download", "published", "source", NULL } },
	{ "marks", { NULL } },
	{ "infographic", { "background", NULL } },
	{ "numbering", { "style", "chapters", NULL } },
	{ "per-row", { "table", "name", NULL } },
	{ "cover", { "logo", "style", NULL } },
	{ "contents", { "depth", "title", "parts", NULL } },
};

/* The message for an attribute <elem> does not take, "%s" standing for it. The caller
 * frees. */
static char *
attr_hint(const char *elem, const char *const *names, size_t n, const char *near)
{
	struct buf b = { 0 };

	buf_adds(&b, "unknown attribute `%s` of <");
	buf_adds(&b, elem);
	if (near != NULL) {
		buf_adds(&b, "> (did you mean `");
		buf_adds(&b, near);
		buf_adds(&b, "`?)");
	} else if (n == 0)
		buf_adds(&b, ">, which takes none");
	else {
		buf_adds(&b, "> (it takes ");
		for (size_t i = 0; i < n; i++) {
			buf_adds(&b, names[i]);
			buf_adds(&b, i + 2 < n ? ", " : i + 1 < n ? " and " : ")");
		}
	}
	return b.s;
}

/* Reports each attribute of each element below `root` that the element does not take.
 * Elements gen does not know are reported where they are read. Walks without recursion. */
static void
check_attrs(struct tctx *c, xmlNode *root)
{
	xmlNode *n = root;

	while (n != NULL) {
		size_t k, na;

		for (k = 0; n->type == XML_ELEMENT_NODE &&
		    k < sizeof(known_attrs) / sizeof(known_attrs[0]); k++)
			if (strcmp((const char *)n->name, known_attrs[k].elem) == 0)
				break;
		if (n->type == XML_ELEMENT_NODE && k < sizeof(known_attrs) / sizeof(known_attrs[0]))
			for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
				const char *const *names = strcmp(known_attrs[k].elem, "words") == 0 ?
				    word_names : known_attrs[k].attrs, *near;
				const char *name = (const char *)a->name;
				char *m;

				if (names == word_names) {
					if (word_index(name) >= 0)
						continue;
					na = W_NWORDS;
				} else {
					for (na = 0; names[na] != NULL && strcmp(names[na], name) != 0;
					    na++)
						;
					if (names[na] != NULL)
						continue;
				}
				near = nearest_word(name, names, na);
				m = attr_hint(known_attrs[k].elem, names, na, near);
				terr(c, n, name, m, name);
				free(m);
			}
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n != NULL && n != root && n->next == NULL)
			n = n->parent;
		n = n == NULL || n == root ? NULL : n->next;
	}
}

/* Parses one template file's text and reads its elements into the template. */
static void
read_xml_file(struct tctx *c, const char *path, const char *text, size_t len)
{
	const char *saved_path = c->path, *saved_src = c->src, *saved_cur = c->cur;
	xmlDoc *doc;
	xmlNode *root;

	c->path = path;
	c->src = text;
	c->t->files = xrealloc(c->t->files, (c->t->nfiles + 1) * sizeof(*c->t->files));
	c->cur = c->t->files[c->t->nfiles++] = xstrdup(path);
	if ((doc = parse_xml(c, text, len)) != NULL) {
		root = xmlDocGetRootElement(doc);
		if (root == NULL || strcmp((const char *)root->name, "template") != 0)
			terr(c, root ? root : (xmlNode *)doc, NULL,
			    "the root element must be <template>%s", "");
		else {
			check_attrs(c, root);
			read_root(c, root);
		}
		xmlFreeDoc(doc);
	} else
		c->bad = 1;
	c->path = saved_path;
	c->src = saved_src;
	c->cur = saved_cur;
}

/* <include file="brand.xml"/>: another file of templates/ read here, as if written in
 * place; a theme several templates share. No folders, no loops. */
static void
read_include(struct tctx *c, xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"file");
	char *rel, *path, *text;
	size_t len;
	int installed;
	struct gen reader;

	if (v == NULL || !valid_file((const char *)v)) {
		terr(c, n, v ? "file" : NULL, "include `%s`: name a file in templates/ (no "
		    "folders)", v ? (const char *)v : "");
		xmlFree(v);
		return;
	}
	rel = xasprintf("templates/%s", (const char *)v);
	path = project_file(c->g, rel, &installed);
	reader = project_reader(c->g, installed);
	for (int i = 0; i < c->depth; i++)
		if (strcmp(c->chain[i], path) == 0) {
			terr(c, n, "file", "`%s` includes itself (through the files it includes)",
			    (const char *)v);
			goto done;
		}
	if (c->depth > MAX_INCLUDES)
		terr(c, n, "file", "includes nested more than 8 deep at `%s`", (const char *)v);
	else if (read_file(&reader, path, MAX_FILE_BYTES, &text, &len) == -1) {
		if (errno == ENOENT)
			terr(c, n, "file", "include `%s` not found in templates/", (const char *)v);
		else {
			char *m = xasprintf("include `%%s` cannot be read: %s", read_error(errno));

			terr(c, n, "file", m, (const char *)v);
			free(m);
		}
	} else {
		c->chain[c->depth++] = path;
		read_xml_file(c, path, text, len);
		c->depth--;
		free(text);
	}
done:
	free(path);
	free(rel);
	xmlFree(v);
}

static struct template *template_parse_at(struct gen *, const char *name, const char *path,
    const char *text, size_t len);

struct template *
template_load(struct gen *g, const char *name, const char *file, int line, int col)
{
	char *text, *rel, *path;
	size_t len;
	struct template *t = NULL;

	if (!valid_name(name)) {
		msg(g, MSG_ERROR, file, line, col, "`%s` is not a template name (letters, digits "
		    "and hyphens; the file is templates/NAME.xml)", name);
		return NULL;
	}
	rel = xasprintf("templates/%s.xml", name);
	if (project_read(g, rel, &path, &text, &len) == -1) {
		if (errno == ENOENT)
			unknown_template(g, name, file, line, col);
		else
			msg(g, MSG_ERROR, path, 0, 0, "cannot read: %s", read_error(errno));
	} else {
		t = template_parse_at(g, name, path, text, len);
		free(text);
	}
	for (int w = 0; t != NULL && w < W_NWORDS; w++)
		if (t->word[w] == NULL) {
			msg(g, MSG_ERROR, path, 0, 0, "no word for %s=: give it in <words> here, or "
			    "keep templates/words.xml, which gives them all", word_names[w]);
			template_free(t);
			t = NULL;
		}
	if (t != NULL && (t->html_download == NULL || t->html_published == NULL ||
	    t->html_source == NULL)) {
		msg(g, MSG_ERROR, path, 0, 0, "no words for <html %s=>: give them here, or keep "
		    "templates/words.xml, which gives them", t->html_download == NULL ? "download" :
		    t->html_published == NULL ? "published" : "source");
		template_free(t);
		t = NULL;
	}
	free(path);
	free(rel);
	return t;
}

struct template *
template_parse(struct gen *g, const char *name, const char *text, size_t len)
{
	char *rel = xasprintf("templates/%s.xml", name), *path = project_path(g, rel);
	struct template *t = template_parse_at(g, name, path, text, len);

	free(path);
	free(rel);
	return t;
}

/* Reads the template `name` from its text, read from `path`. */
static struct template *
template_parse_at(struct gen *g, const char *name, const char *path, const char *text,
    size_t len)
{
	struct tctx c = { 0 };

	c.g = g;
	c.t = xcalloc(1, sizeof(*c.t));
	c.t->name = xstrdup(name);
	c.t->path = xstrdup(path);
	defaults(c.t);
	if (strcmp(name, "words") != 0)
		read_words_file(&c);
	c.chain[c.depth++] = c.t->path;
	read_xml_file(&c, c.t->path, text, len);
	if (c.bad) {
		template_free(c.t);
		return NULL;
	}
	inherit_body(c.t);
	return c.t;
}

char *
template_description(struct gen *g, const char *name, int *installed)
{
	struct tctx c = { 0 };
	char *rel = xasprintf("templates/%s.xml", name), *path, *text, *about = NULL;
	size_t len;
	xmlDoc *doc;
	xmlNode *root;
	xmlChar *v;

	free(project_file(g, rel, installed));
	if (project_read(g, rel, &path, &text, &len) == -1)
		msg(g, MSG_ERROR, path, 0, 0, "cannot read: %s", read_error(errno));
	else {
		c.g = g;
		c.path = path;
		if ((doc = parse_xml(&c, text, len)) != NULL) {
			root = xmlDocGetRootElement(doc);
			if (root != NULL && (v = xmlGetProp(root, (const xmlChar *)"description"))) {
				about = xstrdup((const char *)v);
				xmlFree(v);
			}
			xmlFreeDoc(doc);
		}
		free(text);
	}
	free(path);
	free(rel);
	return about;
}

const char *
role_name(enum style_role r)
{
	return role_names[r];
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < R_NROLES; i++)
		free(t->role[i].family);
	for (size_t i = 0; i < t->ncoltypes; i++) {
		free(t->coltypes[i].table);
		free(t->coltypes[i].column);
	}
	free(t->coltypes);
	free(t->inks);
	image_free(t->logo);
	free(t->logo_path);
	for (int i = 0; i < FU_NSLOTS; i++) {
		free(t->header.slot[i]);
		free(t->footer.slot[i]);
	}
	free(t->per_row);
	free(t->appendix_label);
	free(t->number_chapters);
	free(t->toc_title);
	for (int w = 0; w < W_NWORDS; w++)
		free(t->word[w]);
	free(t->html_download);
	free(t->html_published);
	free(t->html_source);
	free(t->ind_note);
	free(t->per_row_name);
	free(t->ind_data);
	free(t->ind_list);
	free_comparators(t);
	for (size_t i = 0; i < t->nfront; i++) {
		free(t->front[i].key);
		free(t->front[i].label);
	}
	free(t->front);
	for (size_t i = 0; i < t->nsections; i++) {
		free(t->sections[i].key);
		free(t->sections[i].label);
	}
	free(t->sections);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	free(t->name);
	free(t->path);
	free(t);
}
