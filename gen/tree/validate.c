/* SPDX-License-Identifier: GPL-3.0-or-later */
/* validate.c: every user error in a document's tree is found here, after the front ends and
 * before layout: heading anchors, link targets, images. It also normalises (anchors, resolved
 * image paths) so layout and render only read. Called by document.c. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib-object.h>

#include "gen.h"

/* A missing picture or link target: an error, or in a draft a warning. */
#define MISSING(g) ((g)->draft ? MSG_WARNING : MSG_ERROR)

/* What PDF/UA-1 forbids: an error, or in a draft a warning, and the draft's PDF does not
 * claim PDF/UA. */
static enum msg_level
not_ua(struct gen *g, struct doc *d)
{
	d->not_ua = g->draft;
	msg_access(g);
	return g->draft ? MSG_WARNING : MSG_ERROR;
}

/* Every anchor, in a list for hints and in a hash table for lookups: a document of 200,000
 * headings is checked in linear time. */
struct anchors {
	char		**v;	/* "#id" of every heading and note, owned */
	size_t		  n;
	GHashTable	 *set;	/* the same strings, not owned by the table */
	GHashTable	 *tries;	/* a heading's slug -> the next suffix to try (a pointer
				 * holding a number), so 10,000 headings alike cost 10,000 */
};

/* GitHub's heading anchor: lower case, letters, digits, spaces, hyphens and underscores
 * kept, spaces made hyphens, everything else dropped. */
static char *
slug(const char *text)
{
	struct buf b = { 0 };
	const char *p;

	for (p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		char out[6];

		if (c == ' ' || c == '\n')
			buf_addc(&b, '-');
		else if (c == '-' || c == '_' || g_unichar_isalnum(c))
			buf_add(&b, out, (size_t)g_unichar_to_utf8(g_unichar_tolower(c), out));
	}
	if (b.s == NULL)
		buf_adds(&b, "");
	return b.s;
}

static int
has_anchor(const struct anchors *a, const char *id)
{
	return g_hash_table_contains(a->set, id);
}

static void
add_anchor(struct anchors *a, const char *id)
{
	a->v = xgrow(a->v, a->n, sizeof(*a->v));
	a->v[a->n] = xasprintf("#%s", id);
	g_hash_table_add(a->set, a->v[a->n++]);
}

static const char *
nearest(const struct anchors *a, const char *id)
{
	return nearest_word(id, (const char *const *)a->v, a->n);
}

/* Checks the links of n; `hints` counts the "did you mean" searches, each a pass over every
 * anchor, made only for as many broken links as are shown. */
static void
check_links(struct gen *g, struct node *n, const struct anchors *a, size_t *hints)
{
	for (size_t i = 0; i < n->text.nspans; i++) {
		struct span *sp = &n->text.spans[i];
		const char *near;

		if (!(sp->style & ST_LINK) || sp->link == NULL)
			continue;
		if (sp->link[0] == '#') {
			if (has_anchor(a, sp->link))
				continue;
			near = (*hints)++ < 20 ? nearest(a, sp->link) : NULL;
			if (g->draft)
				sp->style &= ~(unsigned)ST_LINK;
			msg(g, MISSING(g), n->file, sp->line, sp->col,
			    "no heading has the anchor `%s`%s%s%s", sp->link,
			    near ? " (did you mean `" : "", near ? near : "", near ? "`?)" : "");
		} else if (g_str_has_prefix(sp->link, "https://") ||
		    g_str_has_prefix(sp->link, "http://") || g_str_has_prefix(sp->link, "mailto:"))
			continue;
		else {
			msg(g, MSG_WARNING, n->file, sp->line, sp->col,
			    "`%s` is neither a web address nor a #heading anchor; it is set as "
			    "plain text", sp->link);
			sp->style &= ~(unsigned)ST_LINK;
		}
	}
}

#define PRINT_PPI 300	/* what print needs of a raster picture */

/* Warns of a raster picture that prints under 300 ppi at the size layout places it (its
 * natural size, made smaller to fit the text column and 60% of its height). */
static void
check_ppi(struct gen *g, const struct template *t, const struct node *f)
{
	int pw, ph;
	double w, h, colw, colh, scale, ppi;

	if (t == NULL || image_pixels(f->image, &pw, &ph) == -1)
		return;
	image_size(f->image, &w, &h);
	colw = t->page_w - t->margin_inner - t->margin_outer;
	colh = (t->page_h - t->margin_top - t->margin_bottom) * 0.6;
	scale = fmin(1.0, fmin(colw / w, colh / h));
	ppi = pw / (w * scale / 72);
	if (ppi < PRINT_PPI - 0.5)
		msg(g, MSG_WARNING, f->file, f->line, f->col, "picture `%s` (%d × %d px) prints "
		    "at %.0f ppi; print needs %d ppi, which it reaches at %.0f × %.0f mm or less",
		    f->src, pw, ph, ppi, PRINT_PPI, pw * 25.4 / PRINT_PPI, ph * 25.4 / PRINT_PPI);
}

/* Resolves a figure's path beside its Markdown file and keeps it inside the project. */
static void
check_figure(struct gen *g, struct doc *d, struct node *f)
{
	const struct template *t = d->tpl;
	char *dir = g_path_get_dirname(f->file), *joined, real[PATH_MAX], root[PATH_MAX];
	const char *why;
	size_t rl;

	/* Matterhorn 13-004: a Figure without alternative text fails PDF/UA. */
	if (f->alt == NULL || f->alt[0] == '\0')
		msg(g, not_ua(g, d), f->file, f->line, f->col, "picture `%s` has no alternative "
		    "text: write what it shows in ![...] for readers who cannot see it", f->src);

	if (f->src[0] == '\0' || strstr(f->src, "://") != NULL || f->src[0] == '/') {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s`: give a path inside the "
		    "project, relative to this file", f->src);
		g_free(dir);
		return;
	}
	joined = xasprintf("%s/%s", dir, f->src);
	g_free(dir);
	if (realpath(joined, real) == NULL) {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s` not found", f->src);
		free(joined);
		return;
	}
	free(joined);
	if (realpath(g->realroot, root) == NULL)
		root[0] = '\0';
	rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0')) {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s` is outside the project",
		    f->src);
		return;
	}
	if ((f->image = image_load(g, real, &why)) == NULL) {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s` is %s", f->src, why);
		return;
	}
	f->path = xstrdup(real);
	check_ppi(g, t, f);
}

/* Walks the tree in document order without recursion, calling fn on each node. */
static void
walk(struct node *root, void (*fn)(struct node *, void *), void *arg)
{
	struct node *n = root;

	while (n != NULL) {
		fn(n, arg);
		if (n->first != NULL)
			n = n->first;
		else {
			while (n != NULL && n != root && n->next == NULL)
				n = n->parent;
			if (n == NULL || n == root)
				break;
			n = n->next;
		}
	}
}

static void
name_heading(struct node *n, void *arg)
{
	struct anchors *a = arg;
	char *base, *id;
	size_t k;

	if (n->type == N_NOTE)
		add_anchor(a, n->id);
	if (n->type != N_HEADING && n->type != N_DIVIDER)	/* a part's title is a target */
		return;
	base = slug(n->src != NULL ? n->src : inl_str(&n->text));	/* words as written */
	for (k = GPOINTER_TO_SIZE(g_hash_table_lookup(a->tries, base));; k++) {
		char *hash;
		int taken;

		id = k == 0 ? xstrdup(base) : xasprintf("%s-%zu", base, k);
		hash = xasprintf("#%s", id);
		taken = has_anchor(a, hash);
		free(hash);
		if (!taken)
			break;
		free(id);
	}
	g_hash_table_replace(a->tries, base, GSIZE_TO_POINTER(k + 1));
	add_anchor(a, id);
	n->id = id;
}

struct vctx {
	struct gen		*g;
	struct doc		*d;
	const struct anchors	*a;
	const struct template	*t;
	GHashTable		*said;		/* "family char" of each missing glyph said */
	size_t			 hints;		/* anchors suggested for broken links */
	GHashTable		*nested;	/* files told their nesting is capped */
};

/* Warns, once a file, at the list or quote `n` from which nested lists and quotes indent no
 * further, as layout.c's indent() sets them: the lines keep MIN_MEASURE of the column. */
static void
check_nesting(struct vctx *v, const struct node *n)
{
	const struct node *chain[MAX_DEPTH + 2];
	double col = v->t->page_w - v->t->margin_inner - v->t->margin_outer, w = col;
	int k = 0;

	if ((n->type != N_LIST && n->type != N_QUOTE) || g_hash_table_contains(v->nested,
	    n->file))
		return;
	for (const struct node *c = n; c != NULL && k < MAX_DEPTH + 2; c = c->parent)
		if (c->type == N_LIST || c->type == N_QUOTE)
			chain[k++] = c;
	while (k-- > 0) {
		double want = chain[k]->type == N_QUOTE ? QUOTE_INDENT : chain[k]->ordered ?
		    LIST_INDENT + 6 : LIST_INDENT;

		if (w - want < col * MIN_MEASURE)
			break;
		w -= want;
	}
	if (k != 0)	/* capped above n, or not at all */
		return;
	g_hash_table_add(v->nested, (char *)n->file);
	msg(v->g, MSG_WARNING, n->file, n->line, n->col, "lists and quotes nested this deep "
	    "are set no further in, so that their lines keep half the column's width");
}

/* Adds to `miss` each character of text[from, to) that the fonts' `family` cannot show and
 * that no warning has named yet (v->said, by family and character). */
static void
missing_in(struct vctx *v, const char *family, const char *text, size_t from, size_t to,
    GArray *miss)
{
	size_t at;
	unsigned c;

	while ((c = fonts_missing_glyph(v->g, family, text, from, to, &at)) != 0) {
		char *key = xasprintf("%s %X", family, c);

		if (g_hash_table_add(v->said, key))
			g_array_append_val(miss, c);
		from = at + (size_t)g_unichar_to_utf8(c, NULL);
	}
}

static int
cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

/* Warns, at `file`:`line`:`col`, of every character in `miss` that fonts/ has no glyph for
 * in `family`, however many: they would print as empty boxes. A run of neighbours in
 * Unicode is named as a range. */
static void
say_missing(struct vctx *v, const char *family, GArray *miss, const char *file, int line,
    int col)
{
	struct buf b = { 0 };
	unsigned *c = (unsigned *)(void *)miss->data;
	size_t n = miss->len;

	if (n == 0)
		return;
	qsort(c, n, sizeof(*c), cmp_unsigned);
	for (size_t i = 0, k; i < n; i = k) {
		char utf[8] = { 0 }, *item;

		for (k = i + 1; k < n && c[k] == c[k - 1] + 1; k++)
			;
		utf[g_unichar_to_utf8(c[i], utf)] = '\0';
		if (k - i >= 3)
			item = xasprintf("%sU+%04X to U+%04X (%zu characters from %s)", i ? ", " : "",
			    c[i], c[k - 1], k - i, utf);
		else {
			k = i + 1;
			item = xasprintf("%sU+%04X (%s)", i ? ", " : "", c[i], utf);
		}
		buf_adds(&b, item);
		free(item);
	}
	msg_access(v->g);
	msg(v->g, MSG_WARNING, file, line, col, "fonts/ has no %s glyph for %s: %s; add a font "
	    "that has %s or write the text another way", family, b.s, n == 1 ? "it prints as "
	    "an empty box" : "they print as empty boxes", n == 1 ? "it" : "them");
	buf_free(&b);
	g_array_set_size(miss, 0);
}

/* Checks that the fonts can show every character of a node's text. */
static void
check_glyphs(struct vctx *v, const struct node *n)
{
	const char *body = v->t->role[R_BODY].family, *code = v->t->role[R_CODE].family;
	const char *text = inl_str(&n->text);
	GArray *mb = g_array_new(FALSE, FALSE, sizeof(unsigned));
	GArray *mc = g_array_new(FALSE, FALSE, sizeof(unsigned));
	size_t pos = 0;

	if (n->text.text.len == 0)
		;	/* but perhaps words drawn from data, below */
	else if (n->type == N_CODE)
		missing_in(v, code, text, 0, n->text.text.len, mc);
	else {
		for (size_t i = 0; i < n->text.nspans; i++) {
			const struct span *sp = &n->text.spans[i];

			if (!(sp->style & ST_CODE) || sp->start < pos)
				continue;
			missing_in(v, body, text, pos, sp->start, mb);
			missing_in(v, code, text, sp->start, sp->end, mc);
			pos = sp->end;
		}
		missing_in(v, body, text, pos, n->text.text.len, mb);
	}
	if (n->type != N_FIGURE && n->alt != NULL)	/* a panel's or chart's words from data */
		missing_in(v, body, n->alt, 0, strlen(n->alt), mb);
	say_missing(v, body, mb, n->file, n->line, n->col);
	say_missing(v, code, mc, n->file, n->line, n->col);
	g_array_free(mb, TRUE);
	g_array_free(mc, TRUE);
}

/* Checks that the cover's title, subtitle and strapline fit on its band, smaller if they
 * must, down to half their size (layout_cover()): past that, an error at the title. */
static void
check_cover_fit(struct vctx *v)
{
	PangoContext *ctx;
	struct cover c;
	const struct fm_entry *e = frontmatter_get(&v->d->fm, "title");
	int rc;

	if (!v->t->cover || v->d->title == NULL)
		return;
	ctx = layout_context();
	rc = layout_cover(ctx, v->t, v->d, &c);
	for (int i = 0; i < 3; i++)
		if (c.layout[i] != NULL)
			g_object_unref(c.layout[i]);
	g_object_unref(ctx);
	if (rc == -1)
		msg(v->g, MSG_ERROR, v->d->index, e ? e->line : 1, e ? e->col : 1, "the title "
		    "(%ld characters)%s not fit on the cover, even with the title at half its "
		    "size%s: shorten the title, or move words to `subtitle:`",
		    g_utf8_strlen(v->d->title, -1), v->d->subtitle && v->d->strapline ?
		    ", subtitle and strapline do" : v->d->subtitle ? " and subtitle do" :
		    v->d->strapline ? " and strapline do" : " does", v->d->subtitle ||
		    v->d->strapline ? " and the rest at 10 pt" : "");
}

/* Checks the cover's words, which are no node of the tree: the title, subtitle and
 * strapline in their roles' fonts, at their front-matter lines. */
static void
check_cover_glyphs(struct vctx *v)
{
	static const char *const keys[] = { "title", "subtitle", "strapline", "author" };
	const char *text[] = { v->d->title, v->d->subtitle, v->d->strapline, v->d->author };
	const enum style_role role[] = { R_TITLE, R_SUBTITLE, R_BODY, R_SUBTITLE };
	GArray *miss = g_array_new(FALSE, FALSE, sizeof(unsigned));

	for (size_t i = 0; v->t->cover && i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct fm_entry *e = frontmatter_get(&v->d->fm, keys[i]);

		if (text[i] == NULL || e == NULL)
			continue;
		missing_in(v, v->t->role[role[i]].family, text[i], 0, strlen(text[i]), miss);
		say_missing(v, v->t->role[role[i]].family, miss, v->d->index, e->line, e->col);
	}
	g_array_free(miss, TRUE);
}

/* A table whose fixed and proportional columns alone are wider than the text column. */
static void
check_widths(struct vctx *v, const struct node *table)
{
	const struct template *t = v->t;
	double avail = t->page_w - t->margin_inner - t->margin_outer, sum = 0;
	char *copy = xstrdup(table->widths), *save = NULL;

	for (char *tok = strtok_r(copy, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		char *end;
		double x = strtod(tok, &end);

		if (strcmp(tok, "auto") == 0)
			continue;
		if (end == tok || x < 0 || (*end != '\0' && strcmp(end, "%") != 0 &&
		    strcmp(end, "mm") != 0 && strcmp(end, "cm") != 0 && strcmp(end, "pt") != 0)) {
			msg(v->g, MSG_ERROR, table->file, table->line, table->col, "column width `%s` "
			    "is not auto, a percentage or a length", tok);
			continue;
		}
		sum += *end == '%' ? avail * x / 100 : strcmp(end, "mm") == 0 ? x * 72 / 25.4 :
		    strcmp(end, "cm") == 0 ? x * 72 / 2.54 : x;
	}
	if (sum > avail + 0.5)
		msg(v->g, MSG_ERROR, table->file, table->line, table->col, "table `%s` is wider "
		    "than its frame: its columns take %.0f mm of the %.0f mm the page gives",
		    table->name ? table->name : "", sum * 25.4 / 72, avail * 25.4 / 72);
	free(copy);
}

/* Matterhorn 15: a table a screen reader reads cell by cell needs its header row. */
static void
check_header(struct gen *g, struct doc *d, const struct node *table)
{
	for (const struct node *c = table->first ? table->first->first : NULL; c; c = c->next)
		if (c->text.text.len > 0)
			return;
	msg(g, not_ua(g, d), table->file, table->line, table->col, "table has no header row: "
	    "name its columns, so a screen reader can say what each cell is");
}

/* The node after n in document order (its first child, else the next along), or NULL. */
static struct node *
next_node(struct node *n)
{
	if (n->first != NULL)
		return n->first;
	while (n != NULL && n->next == NULL)
		n = n->parent;
	return n ? n->next : NULL;
}

/* `level` (1-6) as Markdown writes it: "#", "##" ... */
static const char *
hashes(int level)
{
	static const char h[] = "######";

	return h + 6 - (level < 1 ? 1 : level > 6 ? 6 : level);
}

/* Gives each heading its structure level: the title is the one H1 (on the cover, in the
 * cover block, as the panels' headline, or else set as a heading before the rest), a `#`
 * heading an H2 under it, and so on. A heading that skips a level is an error at its line
 * (Matterhorn 14-003): screen readers list and jump by level. */
static void
outline(struct gen *g, struct doc *d)
{
	struct node *n = d->root, *first = NULL;
	int titled = d->tpl != NULL && d->tpl->cover, prev, part = 0;

	for (n = d->root->first; n != NULL; n = next_node(n)) {
		if (n->type == N_CELL && n->hlevel == 1)
			titled = 1;
		if (first == NULL && (n->type == N_HEADING || n->type == N_DIVIDER ||
		    (n->type == N_COMPONENT && n->label != NULL)))
			first = n;
	}
	if (!titled && d->title == NULL)
		return;	/* the front matter is wrong, and said so: nothing to build */
	if (!titled && first != NULL && first->type == N_COMPONENT && first->label != NULL) {
		first->hlevel = 1;
		titled = 1;
	}
	if (!titled) {	/* nowhere else: the title opens the text */
		struct node *h = node_new(N_HEADING, d->index, 1, 1);
		const struct fm_entry *e = frontmatter_get(&d->fm, "title");

		if (e != NULL) {
			h->line = e->line;
			h->col = e->col;
		}
		buf_adds(&h->text.text, d->title);
		h->level = 1;
		h->hlevel = 1;
		h->parent = d->root;
		h->next = d->root->first;
		if (d->root->first != NULL)
			d->root->first->prev = h;
		else
			d->root->last = h;
		d->root->first = h;
	}
	prev = titled ? 1 : 0;
	for (n = d->root->first; n != NULL; ) {
		if (n->type == N_DIVIDER && d->tpl != NULL && d->tpl->parts)
			part = 1;	/* the chapters after it are its sections */
		if (n->type == N_HEADING || n->type == N_DIVIDER ||
		    (n->type == N_COMPONENT && n->label != NULL)) {	/* a headline heads them */
			if (n->hlevel == 0)
				n->hlevel = n->type == N_HEADING ? n->level + 1 + part :
				    n->type == N_DIVIDER ? 2 : 2 + part;
			if (n->hlevel > prev + 1 && n->type == N_HEADING)
				msg(g, not_ua(g, d), n->file, n->line, n->col, "a `%s` heading "
				    "after %s%s%s skips a level (screen readers navigate by "
				    "level): make it `%s`",
				    hashes(n->level), prev > 1 ? "a `" : "the document's title",
				    prev > 1 ? hashes(prev - 1) : "", prev > 1 ? "` heading" : "",
				    hashes(prev));
			prev = n->hlevel;
		}
		n = next_node(n);
	}
}

/* How many of the sorted offsets at[0..n) are below `x`. */
static size_t
count_below(const size_t *at, size_t n, size_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (at[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Lets a word too long for any line break, in linear time: break_long_words(), with the
 * spans moved along. */
static void
break_words(struct inl *in)
{
	size_t *at, nat;
	char *s = break_long_words(inl_str(in), in->text.len, &at, &nat);

	if (s == NULL)
		return;
	for (size_t i = 0; i < in->nspans; i++) {
		in->spans[i].start += 3 * count_below(at, nat, in->spans[i].start);
		in->spans[i].end += 3 * count_below(at, nat, in->spans[i].end);
	}
	free(in->text.s);
	in->text.s = s;
	in->text.len = strlen(s);
	in->text.cap = in->text.len + 1;
	free(at);
}

/* Pango adds up a paragraph's width on one line in an int of 1/1024 pt: past about 250,000
 * characters it overflows and the paragraph comes out as one clipped line. So a longer text
 * is set in blocks of at most MAX_BLOCK bytes: a paragraph as several (with a warning), a
 * heading, cell or caption that long is an error. */
#define MAX_BLOCK	32768

/* The text [a, b) of `from` as a new node of its type after `after`, spans cut to fit. */
static struct node *
split_off(struct node *from, struct node *after, size_t a, size_t b)
{
	struct node *n = node_new(from->type, from->file, from->line, from->col);

	buf_add(&n->text.text, inl_str(&from->text) + a, b - a);
	for (size_t i = 0; i < from->text.nspans; i++) {
		const struct span *sp = &from->text.spans[i];
		struct span *c;

		if (sp->end <= a || sp->start >= b)
			continue;
		c = inl_span(&n->text, (sp->start > a ? sp->start : a) - a,
		    (sp->end < b ? sp->end : b) - a, sp->style, sp->link);
		c->line = sp->line;
		c->col = sp->col;
	}
	n->parent = from->parent;
	n->prev = after;
	n->next = after->next;
	if (after->next != NULL)
		after->next->prev = n;
	else if (from->parent != NULL)
		from->parent->last = n;
	after->next = n;
	return n;
}

/* Where to end a block that starts at `from`: after the last space within MAX_BLOCK bytes,
 * or else between two characters. */
static size_t
block_end(const char *s, size_t len, size_t from)
{
	size_t end = from + MAX_BLOCK;

	if (end >= len)
		return len;
	for (size_t k = end; k > from + MAX_BLOCK / 2; k--)
		if (s[k - 1] == ' ' || s[k - 1] == '\n')
			return k;
	while (end > from + 1 && ((unsigned char)s[end] & 0xc0) == 0x80)
		end--;
	return end;
}

/* The length of the longest line of s, in bytes. */
static size_t
longest_line(const char *s)
{
	size_t best = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, "\n");

		best = n > best ? n : best;
		s += n + (s[n] == '\n');
	}
	return best;
}

static void
split_long_text(struct gen *g, struct node *n)
{
	const char *s = inl_str(&n->text);
	size_t len = n->text.text.len, end, first;
	struct node *after = n;
	size_t kept = 0;

	if (len <= MAX_BLOCK)
		return;
	if (n->type != N_PARAGRAPH) {
		msg(g, MSG_ERROR, n->file, n->line, n->col, "this text is %zu bytes long; a "
		    "heading, table cell, caption or list label can hold at most %d", len,
		    MAX_BLOCK);
		return;
	}
	msg(g, MSG_WARNING, n->file, n->line, n->col, "a paragraph of %zu bytes is set as "
	    "paragraphs of at most %d", len, MAX_BLOCK);
	first = block_end(s, len, 0);
	for (size_t a = first; a < len; a = end) {
		end = block_end(s, len, a);
		after = split_off(n, after, a, end);
	}
	n->text.text.len = first;	/* the first block stays here */
	n->text.text.s[first] = '\0';
	for (size_t i = 0; i < n->text.nspans; i++) {
		struct span *sp = &n->text.spans[i];

		if (sp->start >= first) {
			free(sp->link);
			continue;
		}
		if (sp->end > first)
			sp->end = first;
		n->text.spans[kept++] = *sp;
	}
	n->text.nspans = kept;
}

static void
check_node(struct node *n, void *arg)
{
	struct vctx *v = arg;

	if (n->type == N_TABLE && n->widths != NULL && v->t != NULL)
		check_widths(v, n);
	check_links(v->g, n, v->a, &v->hints);
	if (v->t != NULL) {
		check_glyphs(v, n);
		check_nesting(v, n);
	}
	if (n->type == N_FIGURE)
		check_figure(v->g, v->d, n);
	if (n->type == N_TABLE && !n->rowheads)
		check_header(v->g, v->d, n);
	if (n->type != N_CODE) {	/* set with breaks anywhere: no need */
		split_long_text(v->g, n);
		break_words(&n->text);
	} else if (longest_line(inl_str(&n->text)) > MAX_BLOCK)
		msg(v->g, MSG_ERROR, n->file, n->line, n->col, "a line of this code is more than "
		    "%d bytes long, more than can be set", MAX_BLOCK);
}

/* ---- words a line never breaks ---- */

/* The length of the month's name at `p` (January … December, or its first three
 * letters), or 0. */
static size_t
month_at(const char *p)
{
	static const char *const months[] = { "January", "February", "March", "April", "May",
	    "June", "July", "August", "September", "October", "November", "December" };

	for (size_t i = 0; i < sizeof(months) / sizeof(months[0]); i++) {
		size_t n = strlen(months[i]);

		if (strncmp(p, months[i], n) == 0 && !isalpha((unsigned char)p[n]))
			return n;
		if (strncmp(p, months[i], 3) == 0 && !isalpha((unsigned char)p[3]))
			return 3;
	}
	return 0;
}

/* The length of a unit set with the figure before it (12 years, £2 trillion), or 0. */
static size_t
unit_at(const char *p)
{
	static const char *const units[] = { "per cent", "percentage points", "points", "pupils",
	    "children", "schools", "years", "yrs", "million", "billion", "trillion", "mm", "cm",
	    "km", "kg", "g", "pt" };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i]);

		if (strncmp(p, units[i], n) == 0 && !isalnum((unsigned char)p[n]))
			return n;
	}
	return 0;
}

/* Past a figure at p: digits, with , and . between digits, and a % after. */
static const char *
figure_end(const char *p)
{
	while (isdigit((unsigned char)*p) || ((*p == ',' || *p == '.') &&
	    isdigit((unsigned char)p[1])))
		p++;
	return *p == '%' ? p + 1 : p;
}

#define EN_RULE		"\xe2\x80\x93"
#define WORD_JOINER	"\xe2\x81\xa0"	/* U+2060: no break here, and nothing shown */
#define NO_BREAK_SPACE	"\xc2\xa0"

/* Where a line would make a reader stumble, the text is tied: a word joiner after an en
 * rule between figures (2020–2025, 0–18: pango breaks after an en rule), and a no-break
 * space between a figure and its unit (12 years, 0–18 yrs, £2 trillion) and inside a date
 * (30 June 2022, June 2022). Spans move with the text. */
static void
tie_text(struct node *n, void *arg)
{
	struct inl *in = &n->text;
	const char *s = in->text.s, *p;
	struct buf b = { 0 };
	size_t *at = NULL, nat = 0;	/* old offsets where the text grew, one a byte */

	(void)arg;
	if (s == NULL || n->type == N_CODE || strpbrk(s, "0123456789") == NULL)
		return;
	for (p = s; *p; ) {
		const char *q;
		size_t k;

		if (!isdigit((unsigned char)*p) || (p > s && isalnum((unsigned char)p[-1]))) {
			buf_addc(&b, *p++);
			continue;
		}
		q = figure_end(p);
		buf_add(&b, p, (size_t)(q - p));
		p = q;
		while (strncmp(p, EN_RULE, 3) == 0 && isdigit((unsigned char)p[3])) {
			buf_adds(&b, EN_RULE WORD_JOINER);
			at = xrealloc(at, (nat + 3) * sizeof(*at));
			for (int i = 0; i < 3; i++)
				at[nat++] = (size_t)(p + 3 - s);
			q = figure_end(p + 3);
			buf_add(&b, p + 3, (size_t)(q - p - 3));
			p = q;
		}
		if (*p == ' ' && ((k = unit_at(p + 1)) > 0 || (k = month_at(p + 1)) > 0)) {
			int month = month_at(p + 1) > 0;

			buf_adds(&b, NO_BREAK_SPACE);
			at = xrealloc(at, (nat + 2) * sizeof(*at));
			at[nat++] = (size_t)(p + 1 - s);
			buf_add(&b, p + 1, k);
			p += 1 + k;
			if (month && *p == ' ' && isdigit((unsigned char)p[1])) {	/* its year */
				buf_adds(&b, NO_BREAK_SPACE);
				at[nat++] = (size_t)(p + 1 - s);
				p++;
			}
		}
	}
	if (nat > 0) {
		for (size_t i = 0; i < in->nspans; i++) {
			size_t ds = 0, de = 0;

			for (size_t k = 0; k < nat; k++) {
				ds += at[k] <= in->spans[i].start;
				de += at[k] <= in->spans[i].end;
			}
			in->spans[i].start += ds;
			in->spans[i].end += de;
		}
		buf_free(&in->text);
		in->text = b;
	} else
		buf_free(&b);
	free(at);
}

/* Numbers the paragraphs as the template says, once for every back-end: each numbered
 * chapter's heading and paragraph gets its label ("3." and "3.1" in a committee report; ""
 * and "12" when they run on through the document). Appendices are never numbered, nor what
 * follows them, nor a component's note. */
static void
number_paragraphs(struct doc *d)
{
	int style = d->tpl != NULL ? d->tpl->numbered : 0, chapter = 0, para = 0, on = 0;
	const char *only = style ? d->tpl->number_chapters : NULL;

	for (struct node *n = style ? d->root->first : NULL; n != NULL; n = n->next) {
		if (n->type != N_HEADING && n->type != N_PARAGRAPH)
			continue;
		free(n->label);
		n->label = NULL;
		if (n->type == N_HEADING && n->level == 1) {
			if (n->appendix)
				chapter = -1;
			on = chapter >= 0 && (style == NUMBER_CHAPTERS || only == NULL ||
			    fnmatch(only, inl_str(&n->text), 0) == 0);
			if (on && style == NUMBER_CHAPTERS) {
				n->label = xasprintf("%d.", ++chapter);
				para = 0;
			} else if (on)
				n->label = xstrdup("");
		} else if (on && n->type == N_PARAGRAPH && !n->note)
			n->label = style == NUMBER_CHAPTERS ? xasprintf("%d.%d", chapter, ++para) :
			    xasprintf("%d", ++para);
	}
}

void
validate(struct gen *g, struct doc *d)
{
	struct anchors a = { NULL, 0, g_hash_table_new(g_str_hash, g_str_equal),
	    g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL) };
	struct vctx v = { g, d, &a, d->tpl, g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    NULL), 0, g_hash_table_new(g_str_hash, g_str_equal) };

	d->not_ua = 0;
	outline(g, d);
	walk(d->root, name_heading, &a);
	if (d->tpl != NULL) {
		check_cover_glyphs(&v);
		check_cover_fit(&v);
	}
	walk(d->root, check_node, &v);
	g_hash_table_destroy(v.nested);
	g_hash_table_destroy(v.said);
	g_hash_table_destroy(a.set);
	g_hash_table_destroy(a.tries);
	walk(d->root, tie_text, NULL);
	number_paragraphs(d);
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i]);
	free(a.v);
}
