/* SPDX-License-Identifier: GPL-3.0-or-later */
/* theme.c: checks a template's theme before anything is drawn: every colour of text against
 * what it is set on, every colour a chart or panel draws with against its background (WCAG
 * 2 contrast), and every text style's size. Called by document.c after the template loads;
 * an error names both colours and the ratio, at the line of the template that sets them. */
#include <math.h>
#include <stdio.h>

#include "gen.h"

#define WHITE		0xffffff	/* the page */
#define TEXT_RATIO	4.5	/* WCAG 1.4.3: text */
#define LARGE_RATIO	3.0	/* ... text of 18 pt, or 14 pt bold; 1.4.11: graphics */

/* What the check looks at: a colour on another, where the template sets them. */
struct pair {
	unsigned	 fg, bg;
	const char	*fg_name, *bg_name;	/* "body text", "the band" ... */
	double		 need;			/* the least ratio */
	const char	*file;			/* where to report, or NULL for the defaults */
	int		 line, col;
};

struct tcheck {
	struct gen		*g;
	const struct template	*t;
	int			 bad;
};

/* The relative luminance of an sRGB colour (WCAG 2). */
static double
luminance(unsigned c)
{
	double v[3];

	for (int i = 0; i < 3; i++) {
		double x = ((c >> (16 - 8 * i)) & 0xff) / 255.0;

		v[i] = x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
	}
	return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

static double
contrast(unsigned a, unsigned b)
{
	double la = luminance(a), lb = luminance(b);

	return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

static void
check_pair(struct tcheck *c, const struct pair *p)
{
	double r = contrast(p->fg, p->bg), shown = round(r * 100) / 100;

	if (r >= p->need)
		return;
	if (shown >= p->need)	/* 4.497 is not 4.50:1 */
		shown = floor(r * 100) / 100;
	msg_access(c->g);
	msg(c->g, MSG_ERROR, p->file ? p->file : c->t->path, p->file ? p->line : 0,
	    p->file ? p->col : 0, "%s #%06x on %s #%06x has a contrast of %.2f:1; %s needs "
	    "%.1f:1", p->fg_name, p->fg, p->bg_name, p->bg, shown,
	    p->need == TEXT_RATIO ? "text" : "large text or a graphic", p->need);
	c->bad = 1;
}

/* Text large enough for 3:1 (WCAG's 18 pt, or 14 pt bold). */
static int
large(const struct style *s)
{
	return s->size >= 18 || (s->size >= 14 && s->weight >= 700);
}

/* A style's colour on a background. */
static void
style_on(struct tcheck *c, enum style_role r, const char *name, unsigned bg,
    const char *bg_name)
{
	const struct style *s = &c->t->role[r];

	check_pair(c, &(struct pair){ s->colour, bg, name, bg_name, large(s) ? LARGE_RATIO :
	    TEXT_RATIO, s->line ? s->file : NULL, s->line, s->col });
}

/* A colour of <colour> (or the defaults) on a background. */
static void
theme_on(struct tcheck *c, unsigned fg, const char *name, unsigned bg, const char *bg_name,
    double need)
{
	const struct template *t = c->t;

	check_pair(c, &(struct pair){ fg, bg, name, bg_name, need, t->colour_file,
	    t->colour_line, t->colour_col });
}

int
theme_check(struct gen *g, const struct template *t)
{
	static const struct { enum style_role r; const char *name; } page[] = {
		{ R_BODY, "body text" }, { R_H1, "the h1 style's colour" },
		{ R_H2, "the h2 style's colour" }, { R_H3, "the h3 style's colour" },
		{ R_H4, "the h4 style's colour" }, { R_CODE, "code" },
		{ R_CAPTION, "the caption style's colour" }, { R_HEADER, "the running head" },
		{ R_FOOTER, "the running foot" }, { R_SUBTITLE, "the subtitle style's colour" },
		{ R_TOC1, "the toc1 style's colour" }, { R_TOC2, "the toc2 style's colour" },
		{ R_NOTE, "the note style's colour" }, { R_TABLE, "table text" },
	};
	struct tcheck c = { g, t, 0 };
	char name[64];

	for (int r = 0; r < R_NROLES; r++)
		if (t->role[r].size < MIN_TEXT_PT) {
			msg_access(g);
			msg(g, MSG_ERROR, t->role[r].line ? t->role[r].file : t->path,
			    t->role[r].line, t->role[r].col, "the %s style's size %gpt is under "
			    "8pt, too small to read", role_name((enum style_role)r),
			    t->role[r].size);
			c.bad = 1;
		}
	for (size_t i = 0; i < sizeof(page) / sizeof(page[0]); i++)
		style_on(&c, page[i].r, page[i].name, WHITE, "the page's white");
	if (!t->cover)	/* the title heads the first page; a cover sets it in accent-text */
		style_on(&c, R_TITLE, "the title style's colour", WHITE, "the page's white");
	/* Banded table rows and key-figure tiles; headers and the cover on the accent. */
	style_on(&c, R_TABLE, "table text", t->band, "the band");
	style_on(&c, R_BODY, "body text", t->band, "the band (key-figure tiles)");
	theme_on(&c, t->accent_text, "accent-text", t->accent, "the accent", TEXT_RATIO);
	/* The accent as text (tile numbers and bullets, the cover's date) and as a graphic. */
	theme_on(&c, t->accent, "the accent", WHITE, "the page's white", TEXT_RATIO);
	theme_on(&c, t->accent, "the accent", t->band, "the band", TEXT_RATIO);
	/* Charts: each series is a line, bars and markers, and labels in its colour. */
	theme_on(&c, t->muted, "muted text (chart axes)", WHITE, "the page's white", TEXT_RATIO);
	for (int s = 0; s < t->nseries; s++) {
		snprintf(name, sizeof(name), "chart series %d", s + 1);
		theme_on(&c, t->series[s], name, WHITE, "the page's white", TEXT_RATIO);
	}
	/* The panels: on the infographic page, and alone on white (PNG, SVG). */
	theme_on(&c, t->outline, "the outline of a child not counted", WHITE,
	    "the page's white", LARGE_RATIO);
	if (t->infographic) {
		const struct style *b = &t->role[R_BODY];
		struct pair on_bg[] = {
			{ b->colour, t->infographic_bg, "body text", "the infographic background",
			    TEXT_RATIO, t->bg_file, t->bg_line, t->bg_col },
			{ t->accent, t->infographic_bg, "the accent", "the infographic background",
			    LARGE_RATIO, t->bg_file, t->bg_line, t->bg_col },
			{ t->outline, t->infographic_bg, "the outline of a child not counted",
			    "the infographic background", LARGE_RATIO, t->bg_file, t->bg_line,
			    t->bg_col },
		};

		for (size_t i = 0; i < sizeof(on_bg) / sizeof(on_bg[0]); i++)
			check_pair(&c, &on_bg[i]);
	}
	return c.bad ? -1 : 0;
}
