/* SPDX-License-Identifier: GPL-3.0-or-later */
/* linebreak.c: the lines of a paragraph set left, broken by gen before pango sees them.
 *
 * Pango 1.50 shapes a paragraph it wraps about two and a half times over: the whole text,
 * then each line's piece again at every break it weighs near the line's end. So for text set
 * left, gen finds the breaks itself, by pango's rule (the last break at which the line, less
 * the one space it ends in, fits), over the widths of the pieces between breaks, each
 * distinct piece shaped once per font and kept; a line near its measure is shaped whole, as
 * pango does. Then pango gets the text with a newline after each break and no width to wrap
 * to, and shapes it once. The lines, glyphs and text are those pango's own breaking gives
 * (the tests compare whole documents byte for byte); anything else is left to pango.
 * Called by layout.c's make_layout(). */
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define NEAR_MEASURE	(2 * PANGO_SCALE)	/* a line this near its measure is shaped whole */

/* The widths of pieces already shaped, by font, features and text: one table a thread. */
struct widths {
	GHashTable	*table;		/* struct piece_key -> width + 1 */
	GHashTable	*fonts;		/* holding each font the table names */
	hb_buffer_t	*buf;		/* shaping in this buffer */
	void		*key;		/* looking up by this key */
	size_t		 nkey;		/* of this many bytes */
};

void
widths_free(struct widths *wd)
{
	if (wd == NULL)
		return;
	g_hash_table_destroy(wd->table);
	g_hash_table_destroy(wd->fonts);
	hb_buffer_destroy(wd->buf);
	free(wd->key);
	free(wd);
}

/* Where a layout's text has a newline that the block's text has not: their offsets in the
 * layout's text, ascending. */
struct breaks {
	size_t	 n;
	size_t	*at;
};

static void
breaks_free(gpointer p)
{
	struct breaks *b = p;

	free(b->at);
	free(b);
}

size_t
layout_text_offset(PangoLayout *l, size_t off)
{
	const struct breaks *b = g_object_get_data(G_OBJECT(l), "gen-breaks");
	size_t lo = 0, hi = b != NULL ? b->n : 0;

	while (lo < hi) {	/* how many newlines come before off */
		size_t mid = (lo + hi) / 2;

		if (b->at[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return off - lo;
}

/* How one item's pieces are shaped: as pango shapes them (pango_hb_shape() in pango 1.50),
 * less what only draws (the invisible glyph, the text around the item). */
struct shaper {
	PangoFont	*font;
	const char	*features;	/* the item's font features, interned; NULL for none */
	hb_font_t	*hb;
	hb_feature_t	 fv[32];
	unsigned	 nf;
	hb_script_t	 script;
	hb_language_t	 lang;
};

/* A piece's key in struct widths: its font and features, then its text. */
struct piece_key {
	PangoFont	*font;
	const char	*features;
	size_t		 n;
	char		 text[];
};

static guint
piece_hash(gconstpointer p)
{
	const struct piece_key *k = p;
	guint h = g_direct_hash(k->font) ^ g_direct_hash(k->features);

	for (size_t i = 0; i < k->n; i++)
		h = h * 31 + (unsigned char)k->text[i];
	return h;
}

static gboolean
piece_equal(gconstpointer a, gconstpointer b)
{
	const struct piece_key *x = a, *y = b;

	return x->font == y->font && x->features == y->features && x->n == y->n &&
	    memcmp(x->text, y->text, x->n) == 0;
}

static void
shaper_init(struct shaper *sh, const PangoItem *item)
{
	GString *feat = g_string_new(NULL);

	sh->font = item->analysis.font;
	sh->hb = pango_font_get_hb_font(sh->font);
	sh->nf = 0;
	pango_font_get_features(sh->font, sh->fv, G_N_ELEMENTS(sh->fv), &sh->nf);
	for (GSList *a = item->analysis.extra_attrs; a != NULL; a = a->next) {
		const PangoAttribute *at = a->data;
		const char *fs;

		if (at->klass->type != PANGO_ATTR_FONT_FEATURES)
			continue;
		fs = ((const PangoAttrFontFeatures *)at)->features;
		g_string_append(feat, fs);
		g_string_append_c(feat, '|');
		for (const char *p = fs; *p && sh->nf < G_N_ELEMENTS(sh->fv); ) {
			size_t n = strcspn(p, ",");

			if (hb_feature_from_string(p, (int)n, &sh->fv[sh->nf]))
				sh->nf++;
			p += n + (p[n] == ',');
			while (*p == ' ')
				p++;
		}
	}
	sh->features = feat->len > 0 ? g_intern_string(feat->str) : NULL;
	g_string_free(feat, TRUE);
	sh->script = (hb_script_t)g_unicode_script_to_iso15924(item->analysis.script);
	sh->lang = hb_language_from_string(pango_language_to_string(item->analysis.language), -1);
}

/* The width in pango units of the n bytes at s shaped on their own by `sh`. */
static int
shape_width(struct widths *wd, const struct shaper *sh, const char *s, size_t n)
{
	hb_glyph_position_t *pos;
	unsigned ng;
	int w = 0;

	hb_buffer_clear_contents(wd->buf);
	hb_buffer_set_direction(wd->buf, HB_DIRECTION_LTR);
	hb_buffer_set_script(wd->buf, sh->script);
	hb_buffer_set_language(wd->buf, sh->lang);
	hb_buffer_set_cluster_level(wd->buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_set_flags(wd->buf, HB_BUFFER_FLAG_BOT | HB_BUFFER_FLAG_EOT);
	hb_buffer_add_utf8(wd->buf, s, (int)n, 0, (int)n);
	hb_shape(sh->hb, wd->buf, sh->fv, sh->nf);
	pos = hb_buffer_get_glyph_positions(wd->buf, &ng);
	for (unsigned i = 0; i < ng; i++)
		w += pos[i].x_advance;
	return w;
}

/* The width in pango units of bytes [off, off + n) of `text` shaped on their own by `sh`;
 * kept by font, features and text. */
static int
piece_width(struct widths *wd, const struct shaper *sh, const char *text, size_t off, size_t n)
{
	struct piece_key *k;
	gpointer v;
	int w;

	if (wd->nkey < sizeof(*k) + n) {
		wd->nkey = sizeof(*k) + n + 64;
		wd->key = xrealloc(wd->key, wd->nkey);
	}
	k = wd->key;
	k->font = sh->font;
	k->features = sh->features;
	k->n = n;
	memcpy(k->text, text + off, n);
	if ((v = g_hash_table_lookup(wd->table, k)) != NULL)
		return GPOINTER_TO_INT(v) - 1;
	w = shape_width(wd, sh, text + off, n);
	/* the font is held while the table names it, so no other font takes its address */
	if (!g_hash_table_contains(wd->fonts, sh->font))
		g_hash_table_add(wd->fonts, g_object_ref(sh->font));
	g_hash_table_insert(wd->table, g_memdup2(k, sizeof(*k) + n), GINT_TO_POINTER(w + 1));
	return w;
}

/* An item of a paragraph: its characters [a, b) and how they are shaped. */
struct item_span {
	long		 a, b;
	struct shaper	 sh;
};

/* The width of characters [from, to) set as one line, as pango measures a line it breaks:
 * each item's part shaped whole, so the kerning across words counts. */
static long
line_width(struct widths *wd, const struct item_span *v, size_t nv, const char *text,
    const size_t *byte, long from, long to)
{
	long w = 0;

	for (size_t i = 0; i < nv; i++) {
		long a = v[i].a > from ? v[i].a : from, b = v[i].b < to ? v[i].b : to;

		if (a < b)
			w += shape_width(wd, &v[i].sh, text + byte[a], byte[b] - byte[a]);
	}
	return w;
}

/* Whether attribute `a` takes part in itemizing a layout (pango-layout.c's list). */
static gboolean
affects_items(PangoAttribute *a, gpointer unused)
{
	(void)unused;
	switch ((int)a->klass->type) {
	case PANGO_ATTR_LANGUAGE: case PANGO_ATTR_FAMILY: case PANGO_ATTR_STYLE:
	case PANGO_ATTR_WEIGHT: case PANGO_ATTR_VARIANT: case PANGO_ATTR_STRETCH:
	case PANGO_ATTR_SIZE: case PANGO_ATTR_FONT_DESC: case PANGO_ATTR_SCALE:
	case PANGO_ATTR_FALLBACK: case PANGO_ATTR_ABSOLUTE_SIZE: case PANGO_ATTR_GRAVITY:
	case PANGO_ATTR_GRAVITY_HINT: case PANGO_ATTR_FONT_SCALE: case PANGO_ATTR_LETTER_SPACING:
	case PANGO_ATTR_SHAPE: case PANGO_ATTR_RISE: case PANGO_ATTR_BASELINE_SHIFT:
	case PANGO_ATTR_LINE_HEIGHT: case PANGO_ATTR_ABSOLUTE_LINE_HEIGHT:
	case PANGO_ATTR_TEXT_TRANSFORM:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Whether attribute `a` changes how an item is shaped or broken (the same file's list). */
static gboolean
affects_shape(PangoAttribute *a, gpointer unused)
{
	(void)unused;
	switch ((int)a->klass->type) {
	case PANGO_ATTR_ALLOW_BREAKS: case PANGO_ATTR_WORD: case PANGO_ATTR_SENTENCE:
	case PANGO_ATTR_INSERT_HYPHENS: case PANGO_ATTR_FONT_FEATURES: case PANGO_ATTR_SHOW:
		return TRUE;
	default:
		return FALSE;
	}
}

/* Whether pango would need more than its greedy breaking for `text`: line or paragraph
 * separators, tabs, soft hyphens. */
static int
breaks_itself(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' ||
		    (c == 0xc2 && i + 1 < len && ((unsigned char)text[i + 1] == 0x85 ||
		    (unsigned char)text[i + 1] == 0xad)) ||
		    (c == 0xe2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
		    ((unsigned char)text[i + 2] == 0xa8 || (unsigned char)text[i + 2] == 0xa9)))
			return 1;
	}
	return 0;
}

/* Chooses the line breaks of `text` (len bytes, in font `fd` styled by `al`) set left `width`
 * pango units wide. Returns the byte offsets after which lines end (each but the last), in
 * *at, *nat; -1 when pango should break it itself: a word wider than the line, a hyphen to
 * add, right-to-left text. */
static int
choose_breaks(struct widths *wd, PangoContext *ctx, const char *text, size_t len,
    const PangoFontDescription *fd, PangoAttrList *al, int width, size_t **at, size_t *nat)
{
	long nchars = g_utf8_strlen(text, (gssize)len);
	PangoLogAttr *la = xcalloc((size_t)nchars + 1, sizeof(*la));
	PangoAttrList *rest = pango_attr_list_copy(al), *font, *shape;
	PangoAttrIterator *ai;
	GList *items;
	struct item_span *v;
	size_t nv = 0;
	size_t *byte = xcalloc((size_t)nchars + 1, sizeof(*byte));	/* char -> byte */
	long *cum = xcalloc((size_t)nchars + 1, sizeof(*cum));	/* width before char */
	int *white = xcalloc((size_t)nchars + 1, sizeof(*white));	/* a white char's width */
	long c = 0, line = 0, last = -1;
	int rc = 0;

	*at = NULL;
	*nat = 0;
	/* Itemized as pango itemizes a layout: by the attributes that choose the font (under
	 * them, the layout's), then given those that shape; the rest (colour, underline) are
	 * put on the lines' runs, unshaped, so a link is shaped with the words around it. */
	font = pango_attr_list_filter(rest, affects_items, NULL);
	shape = pango_attr_list_filter(rest, affects_shape, NULL);
	if (font == NULL)
		font = pango_attr_list_new();
	pango_attr_list_insert_before(font, pango_attr_font_desc_new(fd));
	items = pango_itemize(ctx, text, 0, (int)len, font, NULL);
	if (shape != NULL) {
		ai = pango_attr_list_get_iterator(shape);
		for (GList *it = items; it != NULL; it = it->next)
			pango_item_apply_attrs(it->data, ai);
		pango_attr_iterator_destroy(ai);
		pango_attr_list_unref(shape);
	}
	pango_attr_list_unref(font);
	pango_attr_list_unref(rest);
	v = xcalloc(g_list_length(items) + 1, sizeof(*v));
	pango_get_log_attrs(text, (int)len, -1, pango_context_get_language(ctx), la,
	    (int)nchars + 1);
	for (const char *p = text; c < nchars; p = g_utf8_next_char(p))
		byte[c++] = (size_t)(p - text);
	byte[nchars] = len;
	/* widths of the pieces between breaks and item ends, cumulated at their ends */
	for (GList *it = items; it != NULL && rc == 0; it = it->next) {
		const PangoItem *item = it->data;
		long a = g_utf8_pointer_to_offset(text, text + item->offset), b = a;
		struct shaper *sh = &v[nv].sh;

		if (item->analysis.level % 2 != 0 || a + item->num_chars > nchars)
			rc = -1;	/* right to left; or attributes that split a character */
		shaper_init(sh, item);
		v[nv].a = a;
		v[nv++].b = a + item->num_chars;
		while (rc == 0 && b < a + item->num_chars) {
			long e = b + 1;

			while (e < a + item->num_chars && !la[e].is_line_break)
				e++;
			if (e < nchars && la[e].is_line_break && la[e].break_inserts_hyphen)
				rc = -1;	/* pango adds a hyphen there */
			cum[e] = cum[b] + piece_width(wd, sh, text, byte[b], byte[e] - byte[b]);
			for (long k = b + 1; k < e; k++)
				cum[k] = -1;	/* inside a piece: never a break */
			if (la[e - 1].is_white)
				white[e - 1] = piece_width(wd, sh, text, byte[e - 1],
				    byte[e] - byte[e - 1]);
			b = e;
		}
	}
	/* greedy: each line ends at the last break where it fits, less its final space; near
	 * the measure, the line is shaped whole, as pango does */
	for (c = line + 1; rc == 0 && c <= nchars; c++) {
		long w, sp;

		if (c < nchars && (!la[c].is_line_break || cum[c] < 0))
			continue;
		sp = la[c - 1].is_white ? white[c - 1] : 0;
		w = cum[c] - cum[line] - sp;
		if (labs(w - width) <= NEAR_MEASURE)
			w = line_width(wd, v, nv, text, byte, line, c) - sp;
		if (w <= width) {
			last = c;
			continue;
		}
		if (last < 0) {
			rc = -1;	/* a word wider than the line: pango breaks inside it */
			break;
		}
		*at = xrealloc(*at, (*nat + 1) * sizeof(**at));
		(*at)[(*nat)++] = byte[last];
		line = last;
		last = -1;
		c = line;	/* the loop's c++ weighs the breaks after the new line's start */
	}
	g_list_free_full(items, (GDestroyNotify)pango_item_free);
	free(v);
	free(la);
	free(byte);
	free(cum);
	free(white);
	if (rc != 0) {
		free(*at);
		*at = NULL;
		*nat = 0;
	}
	return rc;
}

/* Zeroes the space each line but the last ends in, as pango does at the breaks it makes;
 * returns -1 when a line is wider than `width` pango units (a piece shaped on its own was
 * narrower than in its line), for pango to break the text itself. */
static int
settle_lines(PangoLayout *l, const char *text, int width)
{
	GSList *lines = pango_layout_get_lines(l);

	for (GSList *li = lines; li != NULL; li = li->next) {
		PangoLayoutLine *line = li->data;
		PangoGlyphItem *run;
		PangoGlyphString *gs;
		PangoRectangle lr;
		int g;

		if (li->next != NULL && line->runs != NULL && line->length > 0 &&
		    g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(text + line->start_index +
		    line->length)))) {
			run = g_slist_last(line->runs)->data;
			gs = run->glyphs;
			g = gs->num_glyphs - 1;
			if (g >= 0 && (g == 0 || gs->log_clusters[g] != gs->log_clusters[g - 1])) {
				gs->glyphs[g].geometry.width = 0;
				gs->glyphs[g].glyph = PANGO_GLYPH_EMPTY;
			}
		}
		pango_layout_line_get_extents(line, NULL, &lr);
		if (lr.width > width)
			return -1;
	}
	return 0;
}

int
pre_break(struct widths **wdp, PangoContext *ctx, PangoLayout *l, const char *text, size_t len,
    PangoAttrList *al, int width)
{
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	struct widths *wd = *wdp;
	size_t *at, nat;
	struct buf t = { NULL, 0, 0 };
	struct breaks *b;
	PangoAttrList *shifted;

	if (breaks_itself(text, len))
		return -1;
	if (wd == NULL) {
		wd = *wdp = xcalloc(1, sizeof(*wd));
		wd->table = g_hash_table_new_full(piece_hash, piece_equal, free, NULL);
		wd->fonts = g_hash_table_new_full(NULL, NULL, g_object_unref, NULL);
		wd->buf = hb_buffer_create();
	}
	if (choose_breaks(wd, ctx, text, len, fd, al, width, &at, &nat) != 0)
		return -1;
	b = xcalloc(1, sizeof(*b));
	b->at = xcalloc(nat + 1, sizeof(*b->at));
	b->n = nat;
	shifted = pango_attr_list_copy(al);
	for (size_t i = 0, from = 0; i <= nat; i++) {
		size_t to = i < nat ? at[i] : len;

		buf_add(&t, text + from, to - from);
		if (i < nat) {
			b->at[i] = t.len;
			buf_addc(&t, '\n');
			pango_attr_list_update(shifted, (int)t.len - 1, 0, 1);
		}
		from = to;
	}
	free(at);
	pango_layout_set_width(l, -1);
	pango_layout_set_text(l, t.s != NULL ? t.s : "", (int)t.len);
	pango_layout_set_attributes(l, shifted);
	pango_attr_list_unref(shifted);
	g_object_set_data_full(G_OBJECT(l), "gen-breaks", b, breaks_free);
	if (settle_lines(l, t.s != NULL ? t.s : "", width) != 0) {
		g_object_set_data(G_OBJECT(l), "gen-breaks", NULL);
		free(t.s);
		return -1;
	}
	free(t.s);
	return 0;
}

