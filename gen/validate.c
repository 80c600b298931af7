/* validate.c: every user error in a document's tree is found here, after the front ends and
 * before layout: heading anchors, link targets, images. It also normalises (anchors, resolved
 * image paths) so layout and render only read. Called by document.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen.h"

/* A missing picture or link target: an error, or in a draft a warning. */
#define MISSING(g) ((g)->draft ? MSG_WARNING : MSG_ERROR)

struct anchors {
	char	**v;	/* "#id" of every heading and note, owned */
	size_t	  n;
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
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], id) == 0)
			return 1;
	return 0;
}

static void
add_anchor(struct anchors *a, const char *id)
{
	a->v = xrealloc(a->v, (a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = xasprintf("#%s", id);
}

static const char *
nearest(const struct anchors *a, const char *id)
{
	return nearest_word(id, (const char *const *)a->v, a->n);
}

static void
check_links(struct gen *g, struct node *n, const struct anchors *a)
{
	for (size_t i = 0; i < n->text.nspans; i++) {
		struct span *sp = &n->text.spans[i];
		const char *near;

		if (!(sp->style & ST_LINK) || sp->link == NULL)
			continue;
		if (sp->link[0] == '#') {
			if (has_anchor(a, sp->link))
				continue;
			near = nearest(a, sp->link);
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

/* The image type from its first bytes: "png", "jpeg", "svg", or NULL. */
static const char *
sniff(const char *path)
{
	unsigned char h[512];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	n = fread(h, 1, sizeof(h) - 1, f);
	fclose(f);
	h[n] = '\0';
	if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "png";
	if (n >= 3 && memcmp(h, "\xff\xd8\xff", 3) == 0)
		return "jpeg";
	if (strstr((const char *)h, "<svg") != NULL)
		return "svg";
	return NULL;
}

/* Resolves a figure's path beside its Markdown file and keeps it inside the project. */
static void
check_figure(struct gen *g, struct node *f)
{
	char *dir = g_path_get_dirname(f->file), *joined, real[PATH_MAX], root[PATH_MAX];
	const char *why;
	size_t rl;

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
	if (sniff(real) == NULL) {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s` is not a PNG, JPEG or SVG "
		    "file", f->src);
		return;
	}
	f->path = xstrdup(real);
	if ((f->image = image_load(real, &why)) == NULL) {
		msg(g, MISSING(g), f->file, f->line, f->col, "image `%s` is %s", f->src, why);
		return;
	}
	if (f->alt == NULL || f->alt[0] == '\0')
		msg(g, MSG_WARNING, f->file, f->line, f->col, "image `%s` has no description; "
		    "write one in ![...] for readers who cannot see it", f->src);
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

	if (n->type == N_NOTE)
		add_anchor(a, n->id);
	if (n->type != N_HEADING)
		return;
	base = slug(inl_str(&n->text));
	id = xstrdup(base);
	for (int k = 1;; k++) {
		char *hash = xasprintf("#%s", id);
		int taken = has_anchor(a, hash);

		free(hash);
		if (!taken)
			break;
		free(id);
		id = xasprintf("%s-%d", base, k);
	}
	free(base);
	add_anchor(a, id);
	n->id = id;
}

struct vctx {
	struct gen		*g;
	const struct anchors	*a;
	const struct template	*t;
	unsigned		 said[16];	/* characters already reported */
	int			 nsaid;
};

/* Warns of a character the fonts cannot show: it would print as an empty box. */
static void
check_glyphs_in(struct vctx *v, const struct node *n, const char *family, size_t from,
    size_t to)
{
	size_t at;
	unsigned c;
	char utf[8] = { 0 };

	while ((c = fonts_missing_glyph(v->g, family, inl_str(&n->text), from, to, &at)) != 0) {
		int said = 0;

		for (int i = 0; i < v->nsaid; i++)
			said |= v->said[i] == c;
		if (!said && v->nsaid < 16) {
			v->said[v->nsaid++] = c;
			utf[g_unichar_to_utf8(c, utf)] = '\0';
			msg(v->g, MSG_WARNING, n->file, n->line, n->col, "fonts/ has no %s glyph for "
			    "U+%04X (%s): it prints as an empty box; add a font that has it or "
			    "write the text another way", family, c, utf);
		}
		from = at + (size_t)g_unichar_to_utf8(c, NULL);
	}
}

/* Checks that the fonts can show every character of a node's text. */
static void
check_glyphs(struct vctx *v, const struct node *n)
{
	const char *body = v->t->role[R_BODY].family, *code = v->t->role[R_CODE].family;
	size_t pos = 0;

	if (n->text.text.len == 0)
		return;
	if (n->type == N_CODE) {
		check_glyphs_in(v, n, code, 0, n->text.text.len);
		return;
	}
	for (size_t i = 0; i < n->text.nspans; i++) {
		const struct span *sp = &n->text.spans[i];

		if (!(sp->style & ST_CODE) || sp->start < pos)
			continue;
		check_glyphs_in(v, n, body, pos, sp->start);
		check_glyphs_in(v, n, code, sp->start, sp->end);
		pos = sp->end;
	}
	check_glyphs_in(v, n, body, pos, n->text.text.len);
}

/* A table whose fixed and proportional columns alone are wider than the text column. */
static void
check_widths(struct vctx *v, const struct node *table)
{
	const struct template *t = v->t;
	double avail = t->page_w - t->margin_inner - t->margin_outer, sum = 0;
	char *copy = xstrdup(table->label), *save = NULL;

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
		    table->src ? table->src : "", sum * 25.4 / 72, avail * 25.4 / 72);
	free(copy);
}

static void
check_node(struct node *n, void *arg)
{
	struct vctx *v = arg;

	if (n->type == N_TABLE && n->label != NULL && v->t != NULL)
		check_widths(v, n);
	check_links(v->g, n, v->a);
	if (v->t != NULL)
		check_glyphs(v, n);
	if (n->type == N_FIGURE)
		check_figure(v->g, n);
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

void
validate(struct gen *g, struct doc *d)
{
	struct anchors a = { 0 };
	struct vctx v = { g, &a, d->tpl, { 0 }, 0 };

	walk(d->root, name_heading, &a);
	walk(d->root, check_node, &v);
	walk(d->root, tie_text, NULL);
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i]);
	free(a.v);
}
