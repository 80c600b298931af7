/* fonts.c: gen sees only the fonts in fonts/, through a private fontconfig configuration,
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

int
fonts_init(struct gen *g)
{
	char *conf = xasprintf("%s/fonts/fonts.conf", g->realroot);

	if (access(conf, R_OK) == -1) {
		msg(g, MSG_FATAL, conf, 0, 0, "the font configuration is missing");
		free(conf);
		return -1;
	}
	/* Before the first pango or cairo call, so no system font is ever scanned. */
	setenv("FONTCONFIG_FILE", conf, 1);
	unsetenv("FONTCONFIG_PATH");
	free(conf);
	return 0;
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
	pango_cairo_font_map_set_default(NULL);
}
