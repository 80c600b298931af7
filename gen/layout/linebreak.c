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
 *
 * Glyph runs: a Latin paragraph set left to right whose fonts all give a line the same
 * height is not given to pango to shape at all. Each piece keeps its glyphs beside its width,
 * and a line's part of an item is its pieces' glyphs joined where HarfBuzz says no lookup
 * looked across their boundaries (else that part is shaped whole, once), made into the runs
 * pango would have made, split by colour and underline as pango splits them; render.c draws
 * them as it draws pango's (tests/glyph.sh compares the PDFs made with and without, and
 * GEN_GLYPH_CHECK=1 every such layout with pango's). Called by layout.c's make_layout(). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sanitizer/asan_interface.h>	/* no-ops unless built with -fsanitize=address */

#include <hb.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define NEAR_MEASURE	(2 * PANGO_SCALE)	/* a line this near its measure is shaped whole */
/* Distinct pieces a thread keeps (about 120 bytes each with their glyphs), then it starts
 * afresh: a document's words repeat well within that (the most a document in content/
 * keeps is 1,629), while the bench's made-up words, nearly all distinct, kept 104,000 a
 * thread at 1,000 sections, 25 MB on the two threads until the last page was laid out.
 * At 16,384 the peak at the end of layout was 10 MB lower, but callgrind counted 4.9% more
 * instructions at 1,000 sections (words shaped again). */
#define PIECES_MAX	65536

/* The pieces' keys and values are kept in blocks of this many bytes mapped apart from
 * malloc()'s heap, all let go at once when the table starts afresh: malloc()ed, they were
 * about 20 MB of holes at 1,000 sections between the layouts the pages keep, which
 * malloc_trim() could not give back. */
#define ROOM_BLOCK	(1024 * 1024)

struct room_block {
	struct room_block *prev;
	size_t		 size;
};

/* The widths of pieces already shaped, by font, features and text: one table a thread. */
struct widths {
	GHashTable	*table;		/* a set of struct piece_key, each with its value */
	struct room_block *room;	/* the blocks holding them, the newest first, ... */
	char		*room_at;	/* ... which is free from here ... */
	size_t		 room_left;	/* ... for so many bytes */
	GHashTable	*fonts;		/* holding each font the table names */
	struct face {			/* the fonts and features the keys name, ... */
		PangoFont	*font;
		const char	*features;
	}		*faces;
	size_t		 nfaces;
	unsigned	 last;		/* ... the last named */
	GHashTable	*metrics;	/* struct metrics_key -> struct line_metrics (owned) */
	hb_buffer_t	*buf;		/* shaping in this buffer */
	void		*key;		/* looking up by this key */
	size_t		 nkey;		/* of this many bytes */
	char		*scratch;	/* a piece between two spaces, to shape */
	size_t		 nscratch;
	int		 glyphs;	/* drawing from kept glyphs (GEN_NO_GLYPH_RUNS unset) */
	int		 check;		/* comparing each with pango's own (GEN_GLYPH_CHECK) */
	size_t		 checked;	/* ... so many layouts, ... */
	size_t		 lines;		/* ... of so many lines */
};

/* One glyph of a piece shaped on its own: what pango's PangoGlyphInfo would hold, small, as
 * every distinct word of a document keeps its own (a glyph with an offset is not kept). */
struct piece_glyph {
	uint16_t	 id;		/* the font's glyph */
	uint16_t	 cluster;	/* byte offset in the piece of its cluster */
	int16_t		 adv;		/* advance, pango units: 32 pt at most, which a
					 * glyph of text is far within (kept glyphs of a
					 * larger one would not come back: not kept) */
};

/* A piece's width and, when it can be drawn from, its glyphs. */
struct piece_val {
	int		 width;		/* pango units */
	unsigned	 clean:1;	/* its glyphs are pango's: no missing glyph, no
					 * invisible character, no mark, no offset */
	unsigned	 safe_start:1;	/* shaped the same whatever comes before it ... */
	unsigned	 safe_end:1;	/* ... or after it (HarfBuzz's unsafe-to-concat) */
	unsigned	 n:29;		/* glyphs in g, when clean */
	struct piece_glyph g[];
};

/* n bytes, zeroed, kept until room_free(). Under AddressSanitizer what is not handed out is
 * marked unaddressable, so that a read or write past a piece is caught as it would be in
 * malloc()'s heap. */
static void *
room_alloc(struct widths *wd, size_t n)
{
	size_t whole = (n + 7) & ~(size_t)7;
	void *p;

	if (whole > wd->room_left) {
		size_t size = whole + sizeof(struct room_block) > ROOM_BLOCK ?
		    whole + sizeof(struct room_block) : ROOM_BLOCK;
		struct room_block *b = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (b == MAP_FAILED)
			out_of_memory();
		b->prev = wd->room;
		b->size = size;
		wd->room = b;
		wd->room_at = (char *)(b + 1);
		wd->room_left = size - sizeof(*b);
		ASAN_POISON_MEMORY_REGION(wd->room_at, wd->room_left);
	}
	p = wd->room_at;
	wd->room_at += whole;
	wd->room_left -= whole;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	return p;
}

/* Gives back p, of n bytes, when it was the last room_alloc() (zeroed again). */
static void
room_back(struct widths *wd, void *p, size_t n)
{
	size_t whole = (n + 7) & ~(size_t)7;

	if ((char *)p + whole == wd->room_at) {
		memset(p, 0, n);
		ASAN_POISON_MEMORY_REGION(p, whole);
		wd->room_at -= whole;
		wd->room_left += whole;
	}
}

static void
room_free(struct widths *wd)
{
	while (wd->room != NULL) {
		struct room_block *b = wd->room;

		wd->room = b->prev;
		/* unmarked first: the addresses may be mapped again for another use */
		ASAN_UNPOISON_MEMORY_REGION(b, b->size);
		munmap(b, b->size);
	}
	wd->room_at = NULL;
	wd->room_left = 0;
}

/* Empties the widths of words (a cache). */
void
widths_forget(struct widths *wd)
{
	if (wd == NULL)
		return;
	g_hash_table_remove_all(wd->table);
	room_free(wd);
}

void
widths_free(struct widths *wd)
{
	if (wd == NULL)
		return;
	if (wd->check)		/* what a test counts, so that it knows the check ran */
		fprintf(stderr, "gen: glyph check: %zu layouts, %zu lines as pango's\n",
		    wd->checked, wd->lines);
	g_hash_table_destroy(wd->table);
	room_free(wd);
	g_hash_table_destroy(wd->fonts);
	free(wd->faces);
	g_hash_table_destroy(wd->metrics);
	hb_buffer_destroy(wd->buf);
	free(wd->key);
	free(wd->scratch);
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

/* A piece's key in struct widths: its font and features, its text; its value follows it in
 * the room, at value_of(). Small, as the bench's words are nearly all distinct and a thread
 * keeps up to 65,536: with pointers to the font and features, the key took about 16 bytes
 * more, and the table a value's pointer more in each of its slots (about 2.5 a piece). */
struct piece_key {
	uint32_t	 n;		/* bytes of text */
	uint16_t	 face;		/* wd->faces[face] */
	char		 text[];
};

#define KEY_SIZE(n)	((offsetof(struct piece_key, text) + (n) + 7) & ~(size_t)7)

static struct piece_val *
value_of(const struct piece_key *k)
{
	return (struct piece_val *)((char *)k + KEY_SIZE(k->n));
}

static guint
piece_hash(gconstpointer p)
{
	const struct piece_key *k = p;
	guint h = k->face;

	for (size_t i = 0; i < k->n; i++)
		h = h * 31 + (unsigned char)k->text[i];
	return h;
}

static gboolean
piece_equal(gconstpointer a, gconstpointer b)
{
	const struct piece_key *x = a, *y = b;

	return x->face == y->face && x->n == y->n && memcmp(x->text, y->text, x->n) == 0;
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

/* Shapes the n bytes at s into wd->buf on their own by `sh`, with `flags` beside the text's
 * ends; returns their width in pango units. */
static int
shape(struct widths *wd, const struct shaper *sh, const char *s, size_t n,
    hb_buffer_flags_t flags)
{
	hb_glyph_position_t *pos;
	unsigned ng;
	int w = 0;

	hb_buffer_clear_contents(wd->buf);
	hb_buffer_set_direction(wd->buf, HB_DIRECTION_LTR);
	hb_buffer_set_script(wd->buf, sh->script);
	hb_buffer_set_language(wd->buf, sh->lang);
	hb_buffer_set_cluster_level(wd->buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_set_flags(wd->buf, HB_BUFFER_FLAG_BOT | HB_BUFFER_FLAG_EOT | flags);
	hb_buffer_add_utf8(wd->buf, s, (int)n, 0, (int)n);
	hb_shape(sh->hb, wd->buf, sh->fv, sh->nf);
	pos = hb_buffer_get_glyph_positions(wd->buf, &ng);
	for (unsigned i = 0; i < ng; i++)
		w += pos[i].x_advance;
	return w;
}

/* The width in pango units of the n bytes at s shaped on their own by `sh`. */
static int
shape_width(struct widths *wd, const struct shaper *sh, const char *s, size_t n)
{
	return shape(wd, sh, s, n, 0);
}

/* Whether pango's shaping of the n bytes at s gives HarfBuzz's glyphs as they are: no
 * control, format or private character (pango draws some as nothing, some as hex boxes),
 * no mark (a mark first gets a dotted circle), no Hangul filler. */
static int
plain_text(const char *s, size_t n)
{
	for (const char *p = s; p < s + n; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			continue;
		}
		switch (g_unichar_type(c)) {
		case G_UNICODE_CONTROL: case G_UNICODE_FORMAT: case G_UNICODE_UNASSIGNED:
		case G_UNICODE_PRIVATE_USE: case G_UNICODE_SURROGATE:
		case G_UNICODE_SPACING_MARK: case G_UNICODE_ENCLOSING_MARK:
		case G_UNICODE_NON_SPACING_MARK: case G_UNICODE_LINE_SEPARATOR:
		case G_UNICODE_PARAGRAPH_SEPARATOR:
			return 0;
		default:
			if (c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0)
				return 0;
		}
	}
	return 1;
}

/* Glyphs [from, to) of wd->buf as a piece's, their clusters less `off`, `pre` bytes after
 * room kept for its key; NULL when one is missing from the font (pango would draw a box) or
 * is offset. */
static struct piece_val *
keep_glyphs(struct widths *wd, unsigned from, unsigned to, unsigned off, size_t pre)
{
	unsigned ng;
	hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(wd->buf, &ng);
	hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(wd->buf, &ng);
	size_t size = pre + sizeof(struct piece_val) + (to - from) * sizeof(struct piece_glyph);
	char *at = room_alloc(wd, size);
	struct piece_val *pv = (struct piece_val *)(at + pre);

	pv->clean = 1;
	pv->n = to - from;
	for (unsigned i = from; i < to; i++) {
		struct piece_glyph *g = &pv->g[i - from];

		if (gi[i].codepoint == 0 || gi[i].codepoint > UINT16_MAX || gi[i].cluster < off ||
		    gi[i].cluster - off > UINT16_MAX || pos[i].x_offset != 0 ||
		    pos[i].y_offset != 0 || pos[i].x_advance < INT16_MIN ||
		    pos[i].x_advance > INT16_MAX) {
			room_back(wd, at, size);
			return NULL;
		}
		g->id = (uint16_t)gi[i].codepoint;
		g->adv = (int16_t)pos[i].x_advance;
		g->cluster = (uint16_t)(gi[i].cluster - off);
		pv->width += g->adv;
	}
	return pv;
}

/* The n bytes at s shaped by `sh`: their width and, drawing from glyphs, the glyphs and
 * whether the text before or after could change them, `pre` bytes after room for its key.
 * Shaped between two spaces, where HarfBuzz marks unsafe to concatenate a boundary that any
 * lookup looked across; when both are clear the piece's glyphs are those it has shaped on
 * its own. */
static struct piece_val *
shape_piece(struct widths *wd, const struct shaper *sh, const char *s, size_t n, size_t pre)
{
	struct piece_val *pv = NULL;
	hb_glyph_info_t *gi;
	unsigned ng;
	int start = 0, end = 0;

	if (wd->glyphs && n > 0 && plain_text(s, n)) {
		if (wd->nscratch < n + 2) {
			wd->nscratch = n + 66;
			wd->scratch = xrealloc(wd->scratch, wd->nscratch);
		}
		wd->scratch[0] = ' ';
		memcpy(wd->scratch + 1, s, n);
		wd->scratch[n + 1] = ' ';
		shape(wd, sh, wd->scratch, n + 2, HB_BUFFER_FLAG_PRODUCE_UNSAFE_TO_CONCAT);
		gi = hb_buffer_get_glyph_infos(wd->buf, &ng);
		if (ng >= 3 && gi[0].cluster == 0 && gi[1].cluster == 1 &&
		    gi[ng - 1].cluster == n + 1 && gi[ng - 2].cluster <= n) {
			start = !(hb_glyph_info_get_glyph_flags(&gi[1]) &
			    HB_GLYPH_FLAG_UNSAFE_TO_CONCAT);
			end = !(hb_glyph_info_get_glyph_flags(&gi[ng - 1]) &
			    HB_GLYPH_FLAG_UNSAFE_TO_CONCAT);
		}
		if (start && end)
			pv = keep_glyphs(wd, 1, ng - 1, 1, pre);
		if (pv == NULL) {
			shape(wd, sh, s, n, 0);
			hb_buffer_get_glyph_infos(wd->buf, &ng);
			pv = keep_glyphs(wd, 0, ng, 0, pre);
		}
	}
	if (pv == NULL) {
		pv = (struct piece_val *)((char *)room_alloc(wd, pre + sizeof(*pv)) + pre);
		pv->width = shape_width(wd, sh, s, n);
		return pv;
	}
	pv->safe_start = start;
	pv->safe_end = end;
	return pv;
}

/* The place of sh's font and features in wd->faces, added when new; -1 when a key could not
 * name it. */
static int
face_of(struct widths *wd, const struct shaper *sh)
{
	size_t i = wd->last;

	if (i < wd->nfaces && wd->faces[i].font == sh->font &&
	    wd->faces[i].features == sh->features)
		return (int)i;
	for (i = 0; i < wd->nfaces; i++)
		if (wd->faces[i].font == sh->font && wd->faces[i].features == sh->features)
			break;
	if (i > UINT16_MAX)
		return -1;
	if (i == wd->nfaces) {
		/* the font is held while the table names it, so no other font takes its
		 * address */
		if (!g_hash_table_contains(wd->fonts, sh->font))
			g_hash_table_add(wd->fonts, g_object_ref(sh->font));
		wd->faces = xrealloc(wd->faces, (wd->nfaces + 1) * sizeof(*wd->faces));
		wd->faces[wd->nfaces++] = (struct face){ sh->font, sh->features };
	}
	wd->last = (unsigned)i;
	return (int)i;
}

/* Bytes [off, off + n) of `text` shaped on their own by `sh` (shape_piece()); kept by
 * font, features and text. */
static const struct piece_val *
piece_val(struct widths *wd, const struct shaper *sh, const char *text, size_t off, size_t n)
{
	int face = n <= UINT32_MAX ? face_of(wd, sh) : -1;
	size_t pre = KEY_SIZE(n);
	struct piece_key *k;
	struct piece_val *v;

	if (wd->nkey < pre) {
		wd->nkey = pre + 64;
		wd->key = xrealloc(wd->key, wd->nkey);
	}
	k = wd->key;
	k->n = (uint32_t)n;
	k->face = (uint16_t)face;
	memcpy(k->text, text + off, n);
	if (face >= 0 && (k = g_hash_table_lookup(wd->table, k)) != NULL)
		return value_of(k);
	v = shape_piece(wd, sh, text + off, n, pre);
	if (face >= 0)	/* the key in the room before its value */
		g_hash_table_add(wd->table, memcpy((char *)v - pre, wd->key,
		    offsetof(struct piece_key, text) + n));
	return v;
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

/* What choose_breaks() found on its way, for drawing the lines from kept glyphs. */
struct found {
	size_t		 nitems;	/* 0 when the lines cannot be drawn from glyphs */
	struct found_item {
		PangoItem	*item;		/* a copy of the paragraph's item (Latin, set
						 * left to right) ... */
		struct shaper	 sh;		/* ... how it is shaped ... */
		size_t		 a, b;		/* ... and its bytes [a, b) */
	}		*items;
	size_t		 n;
	struct piece_ref {
		size_t			 a, b;	/* bytes [a, b) of the text ... */
		const struct piece_val	*v;	/* ... shaped (the table owns it) */
	}		*p;		/* each piece in order (none across an item's end) */
};

static void
found_free(struct found *fo)
{
	for (size_t i = 0; i < fo->nitems; i++)
		if (fo->items[i].item != NULL)	/* not taken by pack_lines() */
			pango_item_free(fo->items[i].item);
	free(fo->items);
	free(fo->p);
}

/* Keeps the paragraph's items, v[0 .. nv) shaped as `items`, in fo when each is Latin and set
 * left to right; `byte` takes characters to bytes. */
static void
keep_items(struct found *fo, GList *items, const struct item_span *v, size_t nv,
    const size_t *byte)
{
	size_t i = 0;

	for (GList *it = items; it != NULL; it = it->next, i++) {
		const PangoItem *item = it->data;

		if (i >= nv || item->analysis.level % 2 != 0 || v[i].sh.script != HB_SCRIPT_LATIN)
			return;
	}
	fo->items = xcalloc(nv, sizeof(*fo->items));
	for (GList *it = items; it != NULL && fo->nitems < nv; it = it->next) {
		struct found_item *fi = &fo->items[fo->nitems];

		fi->item = pango_item_copy(it->data);
		fi->sh = v[fo->nitems].sh;
		fi->a = byte[v[fo->nitems].a];
		fi->b = byte[v[fo->nitems].b];
		fo->nitems++;
	}
}

/* Chooses the line breaks of `text` (len bytes, in font `fd` styled by `al`) set left `width`
 * pango units wide. Returns the byte offsets after which lines end (each but the last), in
 * *at, *nat; -1 when pango should break it itself: a word wider than the line, a hyphen to
 * add, right-to-left text. */
static int
choose_breaks(struct widths *wd, PangoContext *ctx, const char *text, size_t len,
    const PangoFontDescription *fd, PangoAttrList *al, int width, size_t **at, size_t *nat,
    struct found *fo)
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
		const struct piece_val *pv;

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
			pv = piece_val(wd, sh, text, byte[b], byte[e] - byte[b]);
			cum[e] = cum[b] + pv->width;
			if (fo != NULL) {
				fo->p = xrealloc(fo->p, (fo->n + 1) * sizeof(*fo->p));
				fo->p[fo->n].a = byte[b];
				fo->p[fo->n].b = byte[e];
				fo->p[fo->n++].v = pv;
			}
			for (long k = b + 1; k < e; k++)
				cum[k] = -1;	/* inside a piece: never a break */
			if (la[e - 1].is_white)
				white[e - 1] = piece_val(wd, sh, text, byte[e - 1],
				    byte[e] - byte[e - 1])->width;
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
	if (fo != NULL && rc == 0)
		keep_items(fo, items, v, nv, byte);
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

/* ---- lines drawn from the kept glyphs ---- */

/* A layout's lines as it keeps them until they are drawn: its runs' glyphs at 6 bytes a glyph
 * where pango's glyph strings take 24 and room to grow, and each run as the item it is made
 * from and its bytes (20 bytes, the items kept once a paragraph), where a PangoGlyphItem, a
 * PangoItem with its attributes and a list node took about 150 more (the glyph strings and
 * runs were 120 MB of the 160 the heap held after layout at 1,000 sections; packed, 26 MB).
 * glyph_line_open() makes a line's runs again, as lines_from_glyphs() made them
 * and style_runs() styled them, the same to the bit, for render.c to draw. */
struct packed_run {
	unsigned	 at;		/* its glyphs: g[at] up to the next run's */
	unsigned	 item;		/* made from items[item], ... */
	int		 offset, length, num_chars;	/* ... these bytes of the layout's text */
};

struct glyph_pack {
	PangoItem		**items;	/* the paragraph's items (owned) */
	size_t			 nitems;
	PangoAttrList		*style;		/* colour, underline and strike, or NULL */
	unsigned		*line_run;	/* line i's runs: [line_run[i], line_run[i + 1]) */
	struct packed_run	*run;		/* and one more, its `at` the end of g */
	struct piece_glyph	*g;		/* clusters from the run's start; id
						 * PACK_EMPTY for PANGO_GLYPH_EMPTY */
};

#define PACK_EMPTY	UINT16_MAX	/* no font has a glyph of this id (at most 65,535) */

/* Glyph j of a packed run, as pango's. */
static void
unpack_glyph(const struct piece_glyph *g, unsigned j, PangoGlyphInfo *gi, int *cluster)
{
	memset(gi, 0, sizeof(*gi));
	gi->glyph = g[j].id == PACK_EMPTY ? PANGO_GLYPH_EMPTY : g[j].id;
	gi->geometry.width = g[j].adv;
	gi->attr.is_cluster_start = j == 0 || g[j].cluster != g[j - 1].cluster;
	*cluster = g[j].cluster;
}

/* Packs glyph j of gs into *g; 0 when unpacking it would not give it back exactly. */
static int
pack_glyph(const PangoGlyphString *gs, int j, struct piece_glyph *g)
{
	const PangoGlyphInfo *gi = &gs->glyphs[j];
	PangoGlyphInfo back;
	int cluster;

	if ((gi->glyph >= PACK_EMPTY && gi->glyph != PANGO_GLYPH_EMPTY) ||
	    gs->log_clusters[j] < 0 || gs->log_clusters[j] > UINT16_MAX)
		return 0;
	g[j].id = gi->glyph == PANGO_GLYPH_EMPTY ? PACK_EMPTY : (uint16_t)gi->glyph;
	if (gi->geometry.width < INT16_MIN || gi->geometry.width > INT16_MAX)
		return 0;
	g[j].adv = (int16_t)gi->geometry.width;
	g[j].cluster = (uint16_t)gs->log_clusters[j];
	unpack_glyph(g, (unsigned)j, &back, &cluster);
	return memcmp(&back, gi, sizeof(back)) == 0 && cluster == gs->log_clusters[j];
}

/* The attributes of `al` that style runs once shaped (colour, underline, strike), or NULL. */
static PangoAttrList *
style_list(PangoAttrList *al)
{
	PangoAttrList *rest = pango_attr_list_copy(al), *x;
	GSList *left;

	if ((x = pango_attr_list_filter(rest, affects_items, NULL)) != NULL)
		pango_attr_list_unref(x);
	if ((x = pango_attr_list_filter(rest, affects_shape, NULL)) != NULL)
		pango_attr_list_unref(x);
	left = pango_attr_list_get_attributes(rest);
	if (left == NULL) {
		pango_attr_list_unref(rest);
		return NULL;
	}
	g_slist_free_full(left, (GDestroyNotify)pango_attribute_destroy);
	return rest;
}

/* The runs of a line, styled by `style` (when not NULL) as pango does once it has shaped
 * them (pango-layout.c's apply_attributes_to_runs()); `t` is the layout's text. */
static GSList *
style_line(GSList *runs, PangoAttrList *style, const char *t)
{
	GSList *styled = NULL;

	if (style == NULL)
		return runs;
	for (GSList *r = runs; r != NULL; r = r->next)
		styled = g_slist_concat(styled, pango_glyph_item_apply_attrs(r->data, (char *)t,
		    style));
	g_slist_free(runs);
	return styled;
}

/* Which of fo's items line `line` (bytes [from, to) of the block's text) takes its run r'th
 * from, as glyph_line() goes through them. */
static unsigned
run_item(const struct found *fo, size_t from, size_t to, unsigned r)
{
	for (size_t t = 0; t < fo->nitems; t++)
		if ((fo->items[t].a > from ? fo->items[t].a : from) <
		    (fo->items[t].b < to ? fo->items[t].b : to) && r-- == 0)
			return (unsigned)t;
	return UINT_MAX;
}

/* Packs gl's runs (fo's, not yet styled) and lets them go, keeping fo's items and the style
 * `al` puts on them for glyph_line_open(); returns 0, changing nothing, when a glyph or run
 * would not come back the same. */
static int
pack_lines(struct glyph_lines *gl, struct found *fo, PangoAttrList *al)
{
	size_t nruns = 0, ng = 0, r = 0, k = 0;
	struct glyph_pack *p;

	for (int i = 0; i < gl->n; i++)
		for (GSList *x = gl->line[i]->runs; x != NULL; x = x->next) {
			nruns++;
			ng += (size_t)((PangoGlyphItem *)x->data)->glyphs->num_glyphs;
		}
	if (ng > UINT_MAX / 2)
		return 0;
	p = xcalloc(1, sizeof(*p) + ((size_t)gl->n + 1) * sizeof(unsigned) + (nruns + 1) *
	    sizeof(struct packed_run) + ng * sizeof(struct piece_glyph));
	p->line_run = (unsigned *)(p + 1);
	p->run = (struct packed_run *)(p->line_run + gl->n + 1);
	p->g = (struct piece_glyph *)(p->run + nruns + 1);
	for (int i = 0; i < gl->n; i++) {
		size_t from = (size_t)(gl->line[i]->start_index - i);
		size_t to = from + (size_t)gl->line[i]->length;
		unsigned q = 0;

		p->line_run[i] = (unsigned)r;
		for (GSList *x = gl->line[i]->runs; x != NULL; x = x->next, r++, q++) {
			const PangoGlyphItem *run = x->data;
			const PangoGlyphString *gs = run->glyphs;
			struct packed_run *pr = &p->run[r];

			pr->at = (unsigned)k;
			pr->item = run_item(fo, from, to, q);
			pr->offset = run->item->offset;
			pr->length = run->item->length;
			pr->num_chars = run->item->num_chars;
			if (pr->item == UINT_MAX || run->y_offset != 0 ||
			    run->start_x_offset != 0 || run->end_x_offset != 0) {
				free(p);
				return 0;
			}
			for (int j = 0; j < gs->num_glyphs; j++)
				if (!pack_glyph(gs, j, p->g + k)) {
					free(p);
					return 0;
				}
			k += (size_t)gs->num_glyphs;
		}
	}
	p->line_run[gl->n] = (unsigned)r;
	p->run[r].at = (unsigned)k;
	p->nitems = fo->nitems;
	p->items = xcalloc(fo->nitems, sizeof(*p->items));
	for (size_t t = 0; t < fo->nitems; t++) {	/* taken from fo, which is done with */
		p->items[t] = fo->items[t].item;
		fo->items[t].item = NULL;
	}
	p->style = style_list(al);
	for (int i = 0; i < gl->n; i++) {
		g_slist_free_full(gl->line[i]->runs, (GDestroyNotify)pango_glyph_item_free);
		gl->line[i]->runs = NULL;
	}
	gl->pack = p;
	return 1;
}

void
glyph_line_open(PangoLayout *l, int i)
{
	const struct glyph_lines *gl = glyph_lines(l);
	const struct glyph_pack *p;
	GSList *runs = NULL;

	if (gl == NULL || (p = gl->pack) == NULL || i < 0 || i >= gl->n ||
	    gl->line[i]->runs != NULL)
		return;
	for (unsigned r = p->line_run[i]; r < p->line_run[i + 1]; r++) {
		const struct packed_run *pr = &p->run[r];
		unsigned n = p->run[r + 1].at - pr->at;
		PangoGlyphItem *run = g_slice_new0(PangoGlyphItem);
		PangoItem *item = pango_item_copy(p->items[pr->item]);

		item->offset = pr->offset;
		item->length = pr->length;
		item->num_chars = pr->num_chars;
		run->item = item;
		run->glyphs = pango_glyph_string_new();
		pango_glyph_string_set_size(run->glyphs, (gint)n);
		for (unsigned j = 0; j < n; j++)
			unpack_glyph(p->g + pr->at, j, &run->glyphs->glyphs[j],
			    &run->glyphs->log_clusters[j]);
		runs = g_slist_prepend(runs, run);
	}
	gl->line[i]->runs = style_line(g_slist_reverse(runs), p->style, pango_layout_get_text(l));
}

void
glyph_line_close(PangoLayout *l, int i)
{
	const struct glyph_lines *gl = glyph_lines(l);

	if (gl == NULL || gl->pack == NULL || i < 0 || i >= gl->n)
		return;
	g_slist_free_full(gl->line[i]->runs, (GDestroyNotify)pango_glyph_item_free);
	gl->line[i]->runs = NULL;
}

static void
glyph_lines_free(gpointer p)
{
	struct glyph_lines *gl = p;

	for (int i = 0; i < gl->n; i++) {
		if (gl->line[i] == NULL)
			continue;
		g_slist_free_full(gl->line[i]->runs, (GDestroyNotify)pango_glyph_item_free);
		g_free(gl->line[i]);
	}
	free(gl->line);
	if (gl->pack != NULL) {
		for (size_t t = 0; t < gl->pack->nitems; t++)
			pango_item_free(gl->pack->items[t]);
		free(gl->pack->items);
		if (gl->pack->style != NULL)
			pango_attr_list_unref(gl->pack->style);
		free(gl->pack);
	}
	free(gl);
}

const struct glyph_lines *
glyph_lines(PangoLayout *l)
{
	return g_object_get_data(G_OBJECT(l), "gen-glyphs");
}

void
layout_extents(PangoLayout *l, PangoRectangle *logical)
{
	const struct glyph_lines *gl = glyph_lines(l);

	if (gl == NULL) {
		pango_layout_get_extents(l, NULL, logical);
		return;
	}
	logical->x = 0;
	logical->y = 0;
	logical->width = gl->width;
	logical->height = gl->n * gl->height;
}

int
layout_line_count(PangoLayout *l)
{
	const struct glyph_lines *gl = glyph_lines(l);

	return gl != NULL ? gl->n : pango_layout_get_line_count(l);
}

/* The logical height and baseline pango gives a line set in `font` alone at line height
 * `pitch` (the same for every line of it: a glyph's logical height is its font's): measured
 * once on a line of `ch` (its bytes), a character of the text. Returns -1 when pango set it
 * in another font. */
static int
line_metrics(struct widths *wd, PangoContext *ctx, PangoFont *font, int pitch, const char *ch,
    int *height, int *baseline)
{
	PangoFontDescription *fd;
	char *key = g_strdup_printf("%p %d", (void *)font, pitch);
	int *m = g_hash_table_lookup(wd->metrics, key);
	PangoLayout *probe;
	PangoAttrList *al;
	PangoAttribute *at;
	PangoLayoutIter *it;
	PangoLayoutLine *line;
	PangoRectangle lr;

	if (m != NULL) {
		g_free(key);
		*height = m[0];
		*baseline = m[1];
		return 0;
	}
	probe = pango_layout_new(ctx);
	fd = pango_font_describe_with_absolute_size(font);
	pango_layout_set_font_description(probe, fd);
	pango_font_description_free(fd);
	al = pango_attr_list_new();
	at = pango_attr_line_height_new_absolute(pitch);
	pango_attr_list_insert(al, at);
	pango_layout_set_attributes(probe, al);
	pango_attr_list_unref(al);
	pango_layout_set_text(probe, ch, (int)(g_utf8_next_char(ch) - ch));
	line = pango_layout_get_line_readonly(probe, 0);
	if (line == NULL || line->runs == NULL || line->runs->next != NULL ||
	    ((PangoGlyphItem *)line->runs->data)->item->analysis.font != font) {
		g_free(key);
		g_object_unref(probe);
		return -1;
	}
	it = pango_layout_get_iter(probe);
	pango_layout_iter_get_line_extents(it, NULL, &lr);
	m = xcalloc(2, sizeof(*m));
	m[0] = lr.height;
	m[1] = pango_layout_iter_get_baseline(it) - lr.y;
	pango_layout_iter_free(it);
	g_object_unref(probe);
	/* the font is held while the table names it, so no other font takes its address */
	if (!g_hash_table_contains(wd->fonts, font))
		g_hash_table_add(wd->fonts, g_object_ref(font));
	g_hash_table_insert(wd->metrics, xstrdup(key), m);
	g_free(key);
	*height = m[0];
	*baseline = m[1];
	return 0;
}

/* The glyphs of bytes [from, to) of `text`, a run of pieces p[0 .. np) of one item shaped by
 * `sh`: kept ones joined where every piece is clean and every boundary between them safe,
 * else the run shaped whole. Their clusters are from `from`. NULL when pango would draw
 * otherwise. */
static PangoGlyphString *
run_glyphs(struct widths *wd, const struct shaper *sh, const struct piece_ref *p, size_t np,
    const char *text, size_t from, size_t to)
{
	PangoGlyphString *gs = pango_glyph_string_new();
	struct piece_val *whole = NULL;
	struct piece_ref one;
	int joined = 1, k = 0, last = -1;

	for (size_t i = 0; i < np; i++)
		if (!p[i].v->clean || (i > 0 && (!p[i - 1].v->safe_end || !p[i].v->safe_start)))
			joined = 0;
	if (!joined) {
		unsigned ng;

		if (!plain_text(text + from, to - from)) {
			pango_glyph_string_free(gs);
			return NULL;
		}
		shape(wd, sh, text + from, to - from, 0);
		hb_buffer_get_glyph_infos(wd->buf, &ng);
		if ((whole = keep_glyphs(wd, 0, ng, 0, 0)) == NULL) {
			pango_glyph_string_free(gs);
			return NULL;
		}
		one.a = from;
		one.b = to;
		one.v = whole;
		p = &one;
		np = 1;
	}
	for (size_t i = 0; i < np; i++)
		k += (int)p[i].v->n;
	pango_glyph_string_set_size(gs, k);
	k = 0;
	for (size_t i = 0; i < np; i++)
		for (unsigned j = 0; j < p[i].v->n; j++, k++) {
			const struct piece_glyph *g = &p[i].v->g[j];
			PangoGlyphInfo *gi = &gs->glyphs[k];
			int cl = (int)(p[i].a - from + g->cluster);

			memset(gi, 0, sizeof(*gi));
			gi->glyph = g->id;
			gi->geometry.width = g->adv;
			gi->attr.is_cluster_start = cl != last;
			gs->log_clusters[k] = last = cl;
		}
	if (whole != NULL)	/* the last taken from the room: given back */
		room_back(wd, whole, sizeof(*whole) + whole->n * sizeof(whole->g[0]));
	return gs;
}

/* Whether bytes [from, to) of `text` hold a character of `script`, so that pango, itemizing
 * the line alone, gives its common characters (spaces, figures, stops) that script too. */
static int
has_script(const char *text, size_t from, size_t to, hb_script_t script)
{
	for (const char *q = text + from; q < text + to; q = g_utf8_next_char(q))
		if ((hb_script_t)g_unicode_script_to_iso15924(g_unichar_get_script(
		    g_utf8_get_char(q))) == script)
			return 1;
	return 0;
}

/* A run of bytes [from, to) of `text`, glyphs `gs`, made from item `src` as pango makes one
 * of a line `shift` bytes further on in the layout's text. */
static PangoGlyphItem *
glyph_run(const PangoItem *src, PangoGlyphString *gs, const char *text, size_t from, size_t to,
    size_t shift)
{
	PangoGlyphItem *run = g_slice_new0(PangoGlyphItem);
	PangoItem *item = pango_item_copy((PangoItem *)src);

	item->offset = (int)(from + shift);
	item->length = (int)(to - from);
	item->num_chars = (int)g_utf8_strlen(text + from, (gssize)(to - from));
	run->item = item;
	run->glyphs = gs;
	return run;
}

/* Line i of lines_from_glyphs(): bytes [from, to) of `text`, a run an item or part of one
 * there, or NULL when pango would lay it out otherwise. */
static PangoLayoutLine *
glyph_line(struct widths *wd, const struct found *fo, PangoLayout *l, const char *text,
    size_t from, size_t to, size_t i)
{
	PangoLayoutLine *line = g_new0(PangoLayoutLine, 1);
	size_t k = 0;

	line->layout = l;
	line->start_index = (int)(from + i);
	line->length = (int)(to - from);
	line->is_paragraph_start = 1;
	line->resolved_dir = PANGO_DIRECTION_LTR;
	while (k < fo->n && fo->p[k].b <= from)
		k++;
	for (size_t t = 0; t < fo->nitems; t++) {
		const struct found_item *fi = &fo->items[t];
		size_t a = fi->a > from ? fi->a : from, b = fi->b < to ? fi->b : to, k0 = k;
		PangoGlyphString *gs;

		if (a >= b)
			continue;
		while (k < fo->n && fo->p[k].b <= b)
			k++;
		if ((gs = run_glyphs(wd, &fi->sh, fo->p + k0, k - k0, text, a, b)) == NULL) {
			g_slist_free_full(line->runs, (GDestroyNotify)pango_glyph_item_free);
			g_free(line);
			return NULL;
		}
		line->runs = g_slist_prepend(line->runs, glyph_run(fi->item, gs, text, a, b, i));
	}
	line->runs = g_slist_reverse(line->runs);
	return line;
}

/* The logical height and baseline of a line of the paragraph's: every item's font must give
 * the same (or -1). */
static int
found_metrics(struct widths *wd, PangoContext *ctx, const struct found *fo, int pitch,
    const char *text, int *height, int *baseline)
{
	for (size_t t = 0; t < fo->nitems; t++) {
		int h, b;

		if (line_metrics(wd, ctx, fo->items[t].item->analysis.font, pitch,
		    text + fo->items[t].a, &h, &b) != 0 || (t > 0 && (h != *height ||
		    b != *baseline)))
			return -1;
		*height = h;
		*baseline = b;
	}
	return 0;
}

/* Puts the attributes of `al` that do not change the shaping (colour, underline, strike) on
 * the runs of each line, split where they start and end, as pango does once it has shaped
 * them (pango-layout.c's apply_attributes_to_runs()); `t` is the layout's text. */
static void
style_runs(struct glyph_lines *gl, PangoAttrList *al, const char *t)
{
	PangoAttrList *style = style_list(al);

	for (int i = 0; style != NULL && i < gl->n; i++)
		gl->line[i]->runs = style_line(gl->line[i]->runs, style, t);
	if (style != NULL)
		pango_attr_list_unref(style);
}

/* The lines of `l` (text `t`, the block's `text` with a newline at each of at[0 .. nat)),
 * made from the pieces choose_breaks() kept, as pango would lay them out and settle_lines()
 * settle them: kept with the layout for layout_lines() and render.c. Returns 0; 1 when
 * pango must shape them itself; -1 when a line is wider than `width`. */
static int
lines_from_glyphs(struct widths *wd, PangoContext *ctx, PangoLayout *l, struct found *fo,
    const char *text, size_t len, const size_t *at, size_t nat, int width, PangoAttrList *al,
    const char *t)
{
	struct glyph_lines *gl = xcalloc(1, sizeof(*gl));
	int pitch = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(l), "gen-pitch"));

	if (fo->nitems == 0 || len == 0 || pitch <= 0 ||
	    found_metrics(wd, ctx, fo, pitch, text, &gl->height, &gl->baseline) != 0) {
		free(gl);
		return 1;
	}
	gl->n = (int)nat + 1;
	gl->line = xcalloc(nat + 1, sizeof(*gl->line));
	g_object_set_data_full(G_OBJECT(l), "gen-glyphs", gl, glyph_lines_free);
	for (size_t i = 0, from = 0; i <= nat; i++) {
		size_t to = i < nat ? at[i] : len;
		PangoGlyphString *gs;
		int w = 0;

		if (!has_script(text, from, to, HB_SCRIPT_LATIN) ||
		    (gl->line[i] = glyph_line(wd, fo, l, text, from, to, i)) == NULL ||
		    gl->line[i]->runs == NULL) {
			g_object_set_data(G_OBJECT(l), "gen-glyphs", NULL);
			return 1;
		}
		/* the space a line but the last ends in, zeroed as settle_lines() does */
		gs = ((PangoGlyphItem *)g_slist_last(gl->line[i]->runs)->data)->glyphs;
		if (i < nat && g_unichar_isspace(g_utf8_get_char(g_utf8_prev_char(text + to)))) {
			int g = gs->num_glyphs - 1;

			if (g >= 0 && (g == 0 || gs->log_clusters[g] != gs->log_clusters[g - 1])) {
				gs->glyphs[g].geometry.width = 0;
				gs->glyphs[g].glyph = PANGO_GLYPH_EMPTY;
			}
		}
		for (GSList *r = gl->line[i]->runs; r != NULL; r = r->next)
			w += pango_glyph_string_get_width(((PangoGlyphItem *)r->data)->glyphs);
		if (w > width) {
			g_object_set_data(G_OBJECT(l), "gen-glyphs", NULL);
			return -1;
		}
		gl->width = w > gl->width ? w : gl->width;
		from = to;
	}
	if (!pack_lines(gl, fo, al))	/* kept packed until drawn, or else styled now */
		style_runs(gl, al, t);
	return 0;
}

/* Whether two glyph strings of one length hold the same glyphs at the same places. */
static int
same_glyphs(const PangoGlyphString *a, const PangoGlyphString *b)
{
	for (int i = 0; i < a->num_glyphs; i++) {
		const PangoGlyphInfo *x = &a->glyphs[i], *y = &b->glyphs[i];

		if (x->glyph != y->glyph || x->geometry.width != y->geometry.width ||
		    x->geometry.x_offset != y->geometry.x_offset ||
		    x->geometry.y_offset != y->geometry.y_offset ||
		    x->attr.is_cluster_start != y->attr.is_cluster_start ||
		    x->attr.is_color != y->attr.is_color)
			return 0;
	}
	return 1;
}

/* A run's colour, underline and strike, as one number to compare. */
static guint64
decoration(const PangoGlyphItem *run)
{
	guint64 d = 0;

	for (GSList *a = run->item->analysis.extra_attrs; a != NULL; a = a->next) {
		const PangoAttribute *at = a->data;

		if (at->klass->type == PANGO_ATTR_FOREGROUND)
			d ^= 1 + ((guint64)((const PangoAttrColor *)at)->color.red << 8 ^
			    (guint64)((const PangoAttrColor *)at)->color.green << 24 ^
			    (guint64)((const PangoAttrColor *)at)->color.blue << 40);
		else if (at->klass->type == PANGO_ATTR_UNDERLINE ||
		    at->klass->type == PANGO_ATTR_STRIKETHROUGH)
			d ^= (guint64)(((const PangoAttrInt *)at)->value + 1) << (2 +
			    (at->klass->type == PANGO_ATTR_UNDERLINE ? 0 : 4));
	}
	return d;
}

/* Whether two runs are the same text in the same font, the same glyphs at the same places,
 * with the same colour and lines. */
static int
same_run(const PangoGlyphItem *ra, const PangoGlyphItem *rb)
{
	return decoration(ra) == decoration(rb) && ra->item->offset == rb->item->offset && ra->item->length == rb->item->length &&
	    ra->item->num_chars == rb->item->num_chars &&
	    ra->item->analysis.font == rb->item->analysis.font &&
	    ra->item->analysis.level == rb->item->analysis.level &&
	    ra->glyphs->num_glyphs == rb->glyphs->num_glyphs &&
	    same_glyphs(ra->glyphs, rb->glyphs) &&
	    memcmp(ra->glyphs->log_clusters, rb->glyphs->log_clusters,
	    sizeof(int) * (size_t)ra->glyphs->num_glyphs) == 0 &&
	    ra->y_offset == rb->y_offset && ra->start_x_offset == rb->start_x_offset &&
	    ra->end_x_offset == rb->end_x_offset;
}

/* GEN_GLYPH_CHECK: compares the lines made from kept glyphs with those pango makes of the
 * same layout, glyph by glyph, and aborts on any difference (a debugging aid). */
static void
check_glyph_lines(PangoLayout *l, const char *t, int width)
{
	const struct glyph_lines *gl = glyph_lines(l);
	PangoLayout *c = pango_layout_copy(l);
	PangoLayoutIter *it;
	PangoRectangle pr, mr;
	int i = 0, bad = 0;

	settle_lines(c, t, width);
	if (pango_layout_get_line_count(c) != gl->n)
		bad = 1;
	it = pango_layout_get_iter(c);
	do {
		PangoLayoutLine *a = pango_layout_iter_get_line_readonly(it), *b;

		if (bad || i >= gl->n)
			break;
		glyph_line_open(l, i);	/* kept packed: its runs made again */
		b = gl->line[i];
		pango_layout_iter_get_line_extents(it, NULL, &pr);
		if (a->start_index != b->start_index || a->length != b->length ||
		    g_slist_length(a->runs) != g_slist_length(b->runs) || pr.y != i * gl->height ||
		    pr.height != gl->height || pr.x != 0 ||
		    pango_layout_iter_get_baseline(it) - pr.y != gl->baseline) {
			bad = 2;
			break;
		}
		for (GSList *x = a->runs, *y = b->runs; x != NULL && !bad; x = x->next, y = y->next)
			if (!same_run(x->data, y->data))
				bad = 3;
		glyph_line_close(l, i);
		i++;
	} while (!bad && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	pango_layout_get_extents(c, NULL, &pr);
	layout_extents(l, &mr);
	if (!bad && memcmp(&pr, &mr, sizeof(pr)) != 0)
		bad = 4;
	if (bad) {
		fprintf(stderr, "gen: glyph runs differ from pango's (%d, line %d): %s\n", bad, i, t);
		abort();
	}
	g_object_unref(c);
}

int
pre_break(struct widths **wdp, PangoContext *ctx, PangoLayout *l, const char *text, size_t len,
    PangoAttrList *al, int width, int glyphs)
{
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	struct widths *wd = *wdp;
	size_t *at, nat;
	struct buf t = { NULL, 0, 0 };
	struct breaks *b;
	PangoAttrList *shifted;
	struct found fo = { 0 };
	int rc = 0;

	if (breaks_itself(text, len))
		return -1;
	if (wd == NULL) {
		wd = *wdp = xcalloc(1, sizeof(*wd));
		wd->table = g_hash_table_new(piece_hash, piece_equal);
		wd->fonts = g_hash_table_new_full(NULL, NULL, g_object_unref, NULL);
		wd->metrics = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
		wd->glyphs = getenv("GEN_NO_GLYPH_RUNS") == NULL;
		wd->check = getenv("GEN_GLYPH_CHECK") != NULL;
		wd->buf = hb_buffer_create();
	}
	if (g_hash_table_size(wd->table) >= PIECES_MAX) {	/* a cache: the same if shaped
								 * again */
		widths_forget(wd);
	}
	if (choose_breaks(wd, ctx, text, len, fd, al, width, &at, &nat,
	    glyphs && wd->glyphs ? &fo : NULL) != 0) {
		found_free(&fo);
		return -1;
	}
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
	pango_layout_set_width(l, -1);
	pango_layout_set_text(l, t.s != NULL ? t.s : "", (int)t.len);
	pango_layout_set_attributes(l, shifted);
	g_object_set_data_full(G_OBJECT(l), "gen-breaks", b, breaks_free);
	/* drawn from the kept glyphs, or else shaped by pango, its lines settled */
	if (fo.nitems > 0)
		rc = lines_from_glyphs(wd, ctx, l, &fo, text, len, at, nat, width, shifted,
		    t.s != NULL ? t.s : "");
	pango_attr_list_unref(shifted);
	if (rc == 0 && fo.nitems > 0 && wd->check) {
		check_glyph_lines(l, t.s != NULL ? t.s : "", width);
		wd->checked++;
		wd->lines += (size_t)glyph_lines(l)->n;
	}
	if (rc == 1 || fo.nitems == 0)
		rc = settle_lines(l, t.s != NULL ? t.s : "", width);
	if (rc != 0)
		g_object_set_data(G_OBJECT(l), "gen-breaks", NULL);
	found_free(&fo);
	free(at);
	free(t.s);
	return rc != 0 ? -1 : 0;
}

