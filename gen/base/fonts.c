/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fonts.c: gen sees only the fonts in fonts/ (the project's, then the installed ones),
 * and refuses a family or style that is not there rather than let fontconfig substitute.
 * Called by main.c (init, fini) and document.c (check). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define COVER_CACHE	0x800	/* characters below this have their coverage kept */

struct fontcache {
	PangoContext	*ctx;		/* for loading faces */
	char		*family[8];	/* faces loaded so far ... */
	PangoFont	*font[8];	/* ... and the faces */
	int		 n;
	unsigned char	 has[8][COVER_CACHE];	/* per face and character: 0 not asked yet,
						 * 1 the face has it, 2 it lacks it */
};

int
fonts_init(struct gen *g)
{
	/* Before the first pango or cairo call, so no system font is ever scanned. */
	return project_fonts(g);
}

/* Loads family/weight/italic and says whether fonts/ really has it. */
static int
font_exists(PangoContext *ctx, const char *family, int weight, int italic)
{
	PangoFontDescription *want = pango_font_description_new(), *got;
	PangoFont *font;
	int ok = 0;

	pango_font_description_set_family(want, family);
	pango_font_description_set_weight(want, (PangoWeight)weight);
	pango_font_description_set_style(want, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_font_description_set_size(want, 10 * PANGO_SCALE);
	font = pango_context_load_font(ctx, want);
	if (font != NULL) {
		got = pango_font_describe(font);
		ok = strcasecmp(pango_font_description_get_family(got), family) == 0 &&
		    pango_font_description_get_weight(got) == (PangoWeight)weight &&
		    (pango_font_description_get_style(got) != PANGO_STYLE_NORMAL) == (italic != 0);
		pango_font_description_free(got);
		g_object_unref(font);
	}
	pango_font_description_free(want);
	return ok;
}

int
fonts_check(struct gen *g, const struct template *t)
{
	PangoFontMap *map = pango_cairo_font_map_get_default();
	PangoContext *ctx = pango_font_map_create_context(map);
	int bad = 0;

	for (int r = 0; r < R_NROLES; r++) {
		const struct style *s = &t->role[r];
		/* The faces this role's text can ask for: its own, and emphasis and strong in it. */
		int want[4][2] = { { s->weight, s->italic }, { s->weight, !s->italic },
		    { 700, s->italic }, { 700, !s->italic } };
		int nwant = r == R_CODE ? 1 : 4;

		if (r >= R_FIGURE && s->line == 0)
			continue;	/* body text's family: said of the body */

		if (r == R_CODE)
			want[0][1] = 0;
		for (int i = 0; i < nwant; i++) {
			if (font_exists(ctx, s->family, want[i][0], want[i][1]))
				continue;
			msg(g, MSG_ERROR, t->path, s->line ? s->line : 1, s->col ? s->col : 1,
			    "fonts/ has no %s %s%s (needed by the %s style); add it to fonts/ or "
			    "choose another family", s->family,
			    want[i][0] >= 700 ? "Bold" : want[i][0] >= 600 ? "SemiBold" : "Regular",
			    want[i][1] ? " Italic" : "", role_name((enum style_role)r));
			bad = 1;
			break;
		}
	}
	g_object_unref(ctx);
	return bad ? -1 : 0;
}

void
fonts_fini(struct gen *g)
{
	(void)g;
	/* Lets go of the font map; fontconfig's own one-time allocations stay until exit
	 * (FcFini asserts when cairo still caches a face, so it is not called). */
	if (g->fonts != NULL) {
		for (int i = 0; i < g->fonts->n; i++) {
			free(g->fonts->family[i]);
			g_object_unref(g->fonts->font[i]);
		}
		g_object_unref(g->fonts->ctx);
		free(g->fonts);
		g->fonts = NULL;
	}
	pango_cairo_font_map_set_default(NULL);
}

static PangoFont *
cached_font(struct gen *g, const char *family, int *slot)
{
	struct fontcache *fc;
	PangoFontDescription *fd;
	int i;

	if (g->fonts == NULL) {
		g->fonts = xcalloc(1, sizeof(*g->fonts));
		g->fonts->ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	}
	fc = g->fonts;
	for (i = 0; i < fc->n; i++)
		if (strcmp(fc->family[i], family) == 0) {
			*slot = i;
			return fc->font[i];
		}
	if (fc->n == 8)
		return NULL;
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_size(fd, 10 * PANGO_SCALE);
	fc->font[fc->n] = pango_context_load_font(fc->ctx, fd);
	pango_font_description_free(fd);
	if (fc->font[fc->n] == NULL)
		return NULL;
	fc->family[fc->n] = xstrdup(family);
	*slot = fc->n;
	return fc->font[fc->n++];
}

/* Does `font` (cache slot `slot`) have character c? Asks pango once per character below
 * COVER_CACHE: the check runs over every character of a document. */
static int
has_char(struct fontcache *fc, int slot, PangoFont *font, gunichar c)
{
	unsigned char *k;

	if (c >= COVER_CACHE)
		return pango_font_has_char(font, c);
	k = &fc->has[slot][c];
	if (*k == 0)
		*k = pango_font_has_char(font, c) ? 1 : 2;
	return *k == 1;
}

/* Whether c needs no glyph of its own: a soft hyphen (drawn as a hyphen where a line
 * breaks), a format character (U+200B, a joiner), a variation selector or another
 * character Unicode says is ignored where it cannot be shown. Combining marks do need one. */
static int
drawn_without(gunichar c)
{
	return c == 0xad || c == 0x34f || g_unichar_type(c) == G_UNICODE_FORMAT ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef) ||
	    (c >= 0x180b && c <= 0x180f) || c == 0x115f || c == 0x1160 || c == 0x3164 ||
	    c == 0xffa0;
}

/* Whether HarfBuzz, which composes and decomposes as Unicode does, shows c all the same: a
 * combining mark that makes, with the character before it, one the font has (e followed
 * by U+0301 as é), or a character whose parts the font has (ǘ as u, U+0308, U+0301). */
static int
shaped_another_way(struct fontcache *fc, int slot, PangoFont *font, gunichar prev, gunichar c)
{
	gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH], whole;
	gsize n;

	if (prev != 0 && g_unichar_compose(prev, c, &whole) && has_char(fc, slot, font, whole))
		return 1;
	n = g_unichar_fully_decompose(c, FALSE, parts, G_N_ELEMENTS(parts));
	if (n < 2)
		return 0;
	for (gsize i = 0; i < n; i++)
		if (!has_char(fc, slot, font, parts[i]))
			return 0;
	return 1;
}

unsigned
fonts_missing_glyph(struct gen *g, const char *family, const char *text, size_t from,
    size_t to, size_t *at)
{
	int slot;
	PangoFont *font = cached_font(g, family, &slot);
	const char *p = text + from;

	gunichar prev = 0;

	if (font == NULL)
		return 0;
	while (p < text + to && *p != '\0') {
		gunichar c = (unsigned char)*p < 0x80 ? (gunichar)*p : g_utf8_get_char(p);

		if (c >= 0x20 && c != 0x7f && !drawn_without(c) &&
		    !has_char(g->fonts, slot, font, c) && !shaped_another_way(g->fonts, slot,
		    font, prev, c)) {
			*at = (size_t)(p - text);
			return c;
		}
		prev = c;
		p = c < 0x80 ? p + 1 : g_utf8_next_char(p);
	}
	return 0;
}
