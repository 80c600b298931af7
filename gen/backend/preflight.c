/* SPDX-License-Identifier: GPL-3.0-or-later */
/* preflight.c: what a person reads before a document goes out. outdir/OUTNAME/preflight.html
 * gives a verdict (ready, ready with warnings, not ready), every error and warning with its
 * file and line, the figures not published, each picture beside its alternative text, what
 * gen checked and what a person must, the facts for the printer, and what changed since the
 * kept build (changes.c); accessibility.html and accessibility.md are the accessibility
 * statement in the GOV.UK model's sections, claiming no more than the checks found. Fed by
 * the messages msg() kept; every word is the template's (<words>). The last back-end of
 * backend.c's table, and `gen check --report`'s. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <glib.h>

#include "gen.h"

/* What the pages are made from. */
struct pre {
	struct gen		*g;
	const struct doc	*d;
	const struct template	*t;	/* the words: the document's template, or words.xml */
	const struct finding	**f;	/* the document's findings, in order */
	size_t			 nf, errors, warnings;
	const char		*title, *author;
	const char		*date;	/* when the statement was prepared, in words */
	int			 stopped;	/* a build that stopped at its errors */
	int			 beside;	/* the components' files are written beside it */
};

#define MAX_THUMB_BYTES	(2 << 20)	/* a picture shown on the page, at most */

#define W(p, w)	((p)->t->word[(w)])

static const char PAGE_CSS[] =
	"body{margin:0;font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f4f2}"
	"main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 3rem;background:#fff}"
	"h1{font-size:1.75rem;line-height:1.2;margin:0 0 1rem}"
	"h2{font-size:1.3rem;margin:2rem 0 .5rem;padding-top:.5rem;border-top:2px solid #ddd}"
	"h3{font-size:1.1rem}"
	".verdict{font-size:1.25rem;padding:1rem 1.25rem;border-left:.5rem solid;margin:0}"
	".ok{background:#e6f4ea;border-color:#1e6b35}.warn{background:#fff4d6;"
	"border-color:#8a5a00}.bad{background:#fde8e8;border-color:#a4161a}"
	"table{border-collapse:collapse;width:100%;margin:.5rem 0}"
	"th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid"
	" #ccc;overflow-wrap:break-word}th{background:#eef0f3}td:first-child{min-width:5.5rem}"
	".kind-error,.kind-warning{white-space:nowrap}.kind-error{color:#a4161a;font-weight:bold}.kind-warning{color:#7a4f00;"
	"font-weight:bold}a{color:#0b57a4}dt{font-weight:bold;margin-top:.5rem}dd{margin:0}"
	"code{font-size:.95em}td img{max-width:12rem;max-height:9rem;border:1px solid #ccc;"
	"background:#fff}@media (max-width:40rem){th,td{overflow-wrap:anywhere}td:first-child{min-width:4.5rem}}";

/* Appends `s` escaped for HTML. */
static void
esc(struct buf *b, const char *s)
{
	xml_escape(b, s, strlen(s));
}

#define MAX_SLOTS	4	/* {names} in one of the pages' words, at most */

/* Appends word `w` with its {name}s filled in from `vals` (NAME, VALUE pairs, NULL-ended),
 * all escaped for HTML when `html` (words_fill()). */
static void
fill(struct buf *b, const char *w, int html, const char *const *vals)
{
	const char *names[MAX_SLOTS], *v[MAX_SLOTS];
	struct buf e[MAX_SLOTS] = { { 0 } };
	size_t n;

	for (n = 0; n < MAX_SLOTS && vals[2 * n] != NULL; n++) {
		names[n] = vals[2 * n];
		v[n] = vals[2 * n + 1];
		if (html) {
			xml_escape(&e[n], v[n], strlen(v[n]));
			v[n] = e[n].s ? e[n].s : "";
		}
	}
	words_fill(b, w, names, v, n, html);
	while (n > 0)
		buf_free(&e[--n]);
}

static void
element(struct buf *b, const char *tag, const char *text)
{
	buf_adds(b, "<");
	buf_adds(b, tag);
	buf_adds(b, ">");
	esc(b, text);
	buf_adds(b, "</");
	buf_adds(b, tag);
	buf_adds(b, ">\n");
}

static void
page_start(struct buf *b, const struct pre *p, const char *title)
{
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
	esc(b, p->d->lang ? p->d->lang : "en-GB");
	buf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\""
	    "Content-Security-Policy\" content=\"" HTML_CSP "\">\n<title>");
	esc(b, title);
	buf_adds(b, "</title>\n<style>");
	buf_adds(b, PAGE_CSS);
	buf_adds(b, "</style>\n</head>\n<body>\n<main>\n");
	element(b, "h1", title);
}

/* "file:line:col" of a finding, or its file alone. */
static char *
where(const struct finding *f)
{
	if (f->file == NULL)
		return xstrdup("gen");
	if (f->line > 0 && f->col > 0)
		return xasprintf("%s:%d:%d", f->file, f->line, f->col);
	if (f->line > 0)
		return xasprintf("%s:%d", f->file, f->line);
	return xstrdup(f->file);
}

/* A link to `file` at `line`, as the preview serves it ("/source/FILE#L12"); put() makes it
 * a path from the page's own folder when it writes the page (preflight_relink()). A file
 * outside the project is linked by its path. */
void
preflight_link(struct buf *b, const char *file, int line, const char *shown)
{
	char *url = g_uri_escape_string(file, "/", FALSE);

	buf_adds(b, file[0] == '/' ? "<a href=\"" : "<a href=\"" SOURCE_HREF);
	esc(b, url);
	if (line > 0) {
		char n[24];

		snprintf(n, sizeof(n), "#L%d", line);
		buf_adds(b, n);
	}
	buf_adds(b, "\">");
	esc(b, shown);
	buf_adds(b, "</a>");
	g_free(url);
}

static int
verdict(const struct pre *p)
{
	return p->errors > 0 || p->d->failed || p->stopped ? 2 : p->warnings > 0 ? 1 : 0;
}

static const char *
verdict_words(const struct pre *p)
{
	static const enum word w[] = { W_PF_READY, W_PF_READY_WARN, W_PF_NOT_READY };

	return W(p, w[verdict(p)]);
}

static void
counts(struct buf *b, const struct pre *p, int html)
{
	char e[24], w[24];
	const char *vals[] = { "errors", e, "warnings", w, NULL };

	snprintf(e, sizeof(e), "%zu", p->errors);
	snprintf(w, sizeof(w), "%zu", p->warnings);
	fill(b, W(p, W_PF_COUNTS), html, vals);
}

static void
findings_table(struct buf *b, const struct pre *p)
{
	element(b, "h2", W(p, W_PF_PROBLEMS));
	if (p->nf == 0) {
		element(b, "p", W(p, W_PF_NONE));
		return;
	}
	element(b, "p", W(p, W_PF_PREVIEW));
	table_head(b, p->t, (const enum word[]){ W_PF_KIND, W_PF_WHERE, W_PF_WHAT }, 3);
	for (size_t i = 0; i < p->nf; i++) {
		const struct finding *f = p->f[i];
		int err = f->level == MSG_ERROR;
		char *at = where(f);

		buf_adds(b, err ? "<tr><td class=\"kind-error\">" : "<tr><td class=\""
		    "kind-warning\">");
		esc(b, W(p, err ? W_PF_ERROR : W_PF_WARNING));
		buf_adds(b, "</td><td>");
		if (f->file != NULL)
			preflight_link(b, f->file, f->line, at);
		else
			esc(b, at);
		buf_adds(b, "</td><td>");
		esc(b, f->text);
		buf_adds(b, "</td></tr>\n");
		free(at);
	}
	buf_adds(b, "</tbody>\n</table>\n");
	if (p->g->found_more > 0) {
		char n[24];
		const char *vals[] = { "n", n, NULL };

		snprintf(n, sizeof(n), "%zu", p->g->found_more);
		buf_adds(b, "<p>");
		fill(b, W(p, W_PF_MORE), 1, vals);
		buf_adds(b, "</p>\n");
	}
}

#define CELLS_SHOWN	40	/* cells listed in a row of the figures not given, at most */

/* A row of the figures not given: those shown alike, from one table, at one place. */
struct fig_row {
	const struct figure_use *first;
	struct buf	 cells;		/* the cells after the first, as links */
	size_t		 n;		/* how many */
};

/* Adds use u to its row in rows (keyed in `seen`), or starts one. */
static void
fig_row_add(GHashTable *seen, GPtrArray *rows, const struct figure_use *u)
{
	char *key = xasprintf("%s\x1f%s\x1f%s\x1f%d", u->value, u->csv, u->file, u->line);
	struct fig_row *r = g_hash_table_lookup(seen, key);

	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		r->first = u;
		g_ptr_array_add(rows, r);
		g_hash_table_insert(seen, key, r);
		return;
	}
	free(key);
	if (++r->n <= CELLS_SHOWN) {
		char *at = xasprintf("%d:%d", u->row, u->col);

		buf_adds(&r->cells, ", ");
		preflight_link(&r->cells, u->csv, u->row, at);
		free(at);
	}
}

static void
fig_row_write(struct buf *b, const struct pre *p, struct fig_row *r)
{
	const struct figure_use *u = r->first;
	char *cell = xasprintf("%s:%d:%d", u->csv, u->row, u->col);
	char *use = xasprintf("%s:%d", u->file, u->line), n[24];
	const char *vals[] = { "n", n, NULL };

	buf_adds(b, "<tr><td>");
	esc(b, u->value);
	buf_adds(b, "</td><td>");
	preflight_link(b, u->csv, u->row, cell);
	if (r->cells.len > 0)
		buf_add(b, r->cells.s, r->cells.len);
	if (r->n > CELLS_SHOWN) {
		snprintf(n, sizeof(n), "%zu", r->n - CELLS_SHOWN);
		buf_adds(b, " ");
		fill(b, W(p, W_PF_MORE_CELLS), 1, vals);
	}
	buf_adds(b, "</td><td>");
	preflight_link(b, u->file, u->line, use);
	buf_adds(b, "</td></tr>\n");
	free(cell);
	free(use);
	buf_free(&r->cells);
	free(r);
}

/* The figures used that are not given (suppressed, not published …), a row for those shown
 * alike from one table at one place, and the illustrative note. */
static void
figures_marked(struct buf *b, const struct pre *p)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	GPtrArray *rows = g_ptr_array_new();

	element(b, "h2", W(p, W_PF_FIGURES));
	if (indicators_illustrative(&p->d->data))
		element(b, "p", W(p, W_PF_ILLUSTRATIVE));
	for (size_t i = 0; i < p->d->nfigs; i++)
		if (DATUM_MISSING(p->d->figs[i].kind))
			fig_row_add(seen, rows, &p->d->figs[i]);
	if (rows->len > 0)
		table_head(b, p->t, (const enum word[]){ W_PF_SHOWN_AS, W_PF_SOURCE,
		    W_PF_WHERE }, 3);
	for (guint i = 0; i < rows->len; i++)
		fig_row_write(b, p, rows->pdata[i]);
	if (rows->len > 0)
		buf_adds(b, "</tbody>\n</table>\n");
	else if (!indicators_illustrative(&p->d->data))
		element(b, "p", W(p, W_PF_FIGURES_NONE));
	g_ptr_array_free(rows, TRUE);
	g_hash_table_destroy(seen);
}

/* A picture's file shown small, as inline data (the page is a file of its own, with no
 * assets); none when it is too large to carry, or not found. */
static void
thumbnail(struct buf *b, const struct node *n)
{
	static const struct {
		const char *ext, *type;
	} types[] = { { ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" }, { ".svg", "image/svg+xml" } };
	const char *dot = n->path ? strrchr(n->path, '.') : NULL;
	gchar *data, *b64;
	gsize len;
	size_t i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (g_ascii_strcasecmp(dot, types[i].ext) == 0)
			break;
	if (dot == NULL || i == sizeof(types) / sizeof(types[0]) ||
	    !g_file_get_contents(n->path, &data, &len, NULL))
		return;
	if (len <= MAX_THUMB_BYTES) {
		b64 = g_base64_encode((const guchar *)data, len);
		buf_adds(b, "<img alt=\"\" src=\"data:");
		buf_adds(b, types[i].type);
		buf_adds(b, ";base64,");
		buf_adds(b, b64);
		buf_adds(b, "\"><br>");
		g_free(b64);
	}
	g_free(data);
}

/* One row of the pictures' table: the picture, its name (a link to where it is), its
 * alternative text. */
/* A part's picture, the file its component writes beside this page (a panel's PNG); its
 * alternative text is beside it, so the picture's own is empty. */
static void
part_picture(struct buf *b, const struct node *n)
{
	char *file = n->comp->picture(n), *rel;

	if (file == NULL)
		return;
	rel = n->parent != NULL && n->parent->dir != NULL ? xasprintf("%s/%s", n->parent->dir,
	    file) : xstrdup(file);
	buf_adds(b, "<img src=\"");
	esc(b, rel);
	buf_adds(b, "\" alt=\"\"><br>");
	free(rel);
	free(file);
}

static void
picture_row(struct buf *b, const struct pre *p, const struct node *n, const char *name)
{
	char *at = xasprintf("%s:%d", n->file ? n->file : "", n->line);

	buf_adds(b, "<tr><td>");
	if (n->type == N_FIGURE)
		thumbnail(b, n);
	else if (p->beside && n->type == N_PART && n->comp->picture != NULL)
		part_picture(b, n);
	esc(b, name);
	buf_adds(b, "<br>");
	if (n->file != NULL)
		preflight_link(b, n->file, n->line, at);
	buf_adds(b, "</td><td>");
	esc(b, n->alt != NULL && n->alt[0] != '\0' ? n->alt : W(p, W_PF_ALT_NONE));
	buf_adds(b, "</td></tr>\n");
	free(at);
}

/* Every picture (a figure), chart and panel (a component, or a part of one, with its own
 * alternative text), in reading order; walks the tree without recursion. */
static void
pictures(struct buf *b, const struct pre *p)
{
	const struct node *root = p->d->root, *n = root ? root->first : NULL;
	size_t count = 0;

	element(b, "h2", W(p, W_PF_PICTURES));
	element(b, "p", W(p, W_PF_PICTURES_INTRO));
	while (n != NULL) {
		const char *name = n->type == N_FIGURE ? n->src : NULL;

		if ((n->type == N_PART || n->type == N_COMPONENT) && n->alt != NULL)
			name = n->label ? n->label : *inl_str(&n->text) ? inl_str(&n->text) :
			    n->comp ? n->comp->tag : "";

		if (name != NULL) {
			if (count++ == 0) {
				table_head(b, p->t, (const enum word[]){ W_PF_PICTURE, W_PF_ALT }, 2);
			}
			picture_row(b, p, n, name);
		}
		if (n->first != NULL) {
			n = n->first;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent == root ? NULL : n->parent;
		n = n ? n->next : NULL;
	}
	if (count > 0)
		buf_adds(b, "</tbody>\n</table>\n");
	else
		element(b, "p", W(p, W_PF_PICTURES_NONE));
}

static const enum word checked[] = { W_PF_CHECK_ALT, W_PF_CHECK_HEADINGS, W_PF_CHECK_TABLES,
	W_PF_CHECK_CONTRAST, W_PF_CHECK_LANG, W_PF_CHECK_GLYPHS, W_PF_CHECK_DATA,
	W_PF_CHECK_PPI };
static const enum word made[] = { W_PF_MADE_TAGS, W_PF_MADE_BOXES, W_PF_MADE_FONTS,
	W_PF_MADE_BLACK };
static const enum word manual[] = { W_PF_MANUAL_ORDER, W_PF_MANUAL_ALT, W_PF_MANUAL_PLAIN,
	W_PF_MANUAL_COLOUR };

static void
list(struct buf *b, const struct pre *p, const enum word *w, size_t n, int html)
{
	if (html)
		buf_adds(b, "<ul>\n");
	for (size_t i = 0; i < n; i++) {
		if (html)
			element(b, "li", W(p, w[i]));
		else {
			buf_adds(b, "- ");
			buf_adds(b, W(p, w[i]));
			buf_addc(b, '\n');
		}
	}
	buf_adds(b, html ? "</ul>\n" : "\n");
}

static void
fact(struct buf *b, const char *term, const char *value)
{
	element(b, "dt", term);
	element(b, "dd", value);
}

/* The facts for the printer, from the template and the PDF written. */
static void
print_facts(struct buf *b, const struct pre *p)
{
	const struct template *t = p->d->tpl;
	struct buf fonts = { 0 };
	char *s;
	size_t low = 0;

	element(b, "h2", W(p, W_PF_PRINT));
	buf_adds(b, "<dl>\n");
	if (t != NULL) {	/* the document's own template was read */
		s = xasprintf("%.0f × %.0f mm", t->page_w * 25.4 / 72, t->page_h * 25.4 / 72);
		fact(b, W(p, W_PF_TRIM), s);
		free(s);
		s = xasprintf("%.0f mm", t->bleed * 25.4 / 72);
		fact(b, W(p, W_PF_BLEED), s);
		free(s);
		fact(b, W(p, W_PF_INTENT), t->intent == PI_SWOP ? "SWOP (CGATS TR 001)" :
		    "FOGRA39 (ISO Coated v2)");
		for (int r = 0; r < R_NROLES; r++) {
			int seen = 0;

			for (int k = 0; k < r && !seen; k++)
				seen = strcmp(t->role[k].family, t->role[r].family) == 0;
			if (!seen) {
				buf_adds(&fonts, fonts.len ? ", " : "");
				buf_adds(&fonts, t->role[r].family);
			}
		}
		fact(b, W(p, W_PF_FONTS), fonts.s ? fonts.s : "");
		buf_free(&fonts);
		fact(b, W(p, W_PF_INKS), W(p, W_PF_INKS_TEXT));
	}
	if (p->g->pdf_pages > 0 && !p->d->failed) {
		s = xasprintf("%zu", p->g->pdf_pages);
		fact(b, W(p, W_PF_PAGES), s);
		free(s);
	}
	for (size_t i = 0; i < p->nf; i++)
		low += strstr(p->f[i]->text, " ppi; print needs ") != NULL;
	if (low == 0)
		fact(b, W(p, W_PF_RESOLUTION), W(p, W_PF_RESOLUTION_OK));
	else {
		char n[24];
		const char *vals[] = { "n", n, NULL };
		struct buf v = { 0 };

		snprintf(n, sizeof(n), "%zu", low);
		fill(&v, W(p, W_PF_RESOLUTION_LOW), 0, vals);
		fact(b, W(p, W_PF_RESOLUTION), v.s);
		buf_free(&v);
	}
	buf_adds(b, "</dl>\n");
}

static char *
preflight_page(const struct pre *p, struct buf *changes)
{
	struct buf b = { 0 };
	char *title = xasprintf("%s %s", W(p, W_PF_TITLE), p->title);
	static const char *const cls[] = { "ok", "warn", "bad" };

	page_start(&b, p, title);
	buf_adds(&b, "<p class=\"verdict ");
	buf_adds(&b, cls[verdict(p)]);
	buf_adds(&b, "\"><strong>");
	esc(&b, verdict_words(p));
	buf_adds(&b, "</strong> ");
	counts(&b, p, 1);
	buf_adds(&b, "</p>\n");
	if (p->stopped)
		element(&b, "p", W(p, W_PF_STOPPED));
	findings_table(&b, p);
	figures_marked(&b, p);
	pictures(&b, p);
	element(&b, "h2", W(p, W_PF_CHANGES));
	buf_add(&b, changes->s ? changes->s : "", changes->len);
	element(&b, "h2", W(p, W_PF_CHECKED));
	element(&b, "p", W(p, W_PF_CHECKED_INTRO));
	list(&b, p, checked, sizeof(checked) / sizeof(checked[0]), 1);
	element(&b, "h2", W(p, W_PF_MADE));
	element(&b, "p", W(p, W_PF_MADE_INTRO));
	list(&b, p, made, sizeof(made) / sizeof(made[0]), 1);
	element(&b, "h2", W(p, W_PF_MANUAL));
	element(&b, "p", W(p, W_PF_MANUAL_INTRO));
	list(&b, p, manual, sizeof(manual) / sizeof(manual[0]), 1);
	print_facts(&b, p);
	buf_adds(&b, "</main>\n</body>\n</html>\n");
	free(title);
	return b.s;
}

/* ---- the accessibility statement, as HTML and as Markdown ---- */

static void
heading(struct buf *b, int level, const char *text, int html)
{
	if (html) {
		element(b, level == 2 ? "h2" : "h3", text);
		return;
	}
	buf_adds(b, level == 2 ? "## " : "### ");
	buf_adds(b, text);
	buf_adds(b, "\n\n");
}

static void
para(struct buf *b, const struct pre *p, enum word w, int html)
{
	const char *vals[] = { "title", p->title, "author", p->author, "date", p->date, NULL };

	buf_adds(b, html ? "<p>" : "");
	fill(b, W(p, w), html, vals);
	buf_adds(b, html ? "</p>\n" : "\n\n");
}

/* Non-accessible content: the findings of the accessibility checks, none invented. */
static void
non_accessible(struct buf *b, const struct pre *p, int html)
{
	size_t n = 0;

	heading(b, 2, W(p, W_ST_NONACC), html);
	heading(b, 3, W(p, W_ST_NONCOMP), html);
	for (size_t i = 0; i < p->nf; i++) {
		char *at;

		if (!p->f[i]->access)
			continue;
		if (n++ == 0 && html)
			buf_adds(b, "<ul>\n");
		at = where(p->f[i]);
		buf_adds(b, html ? "<li>" : "- ");
		if (html)
			esc(b, p->f[i]->text);
		else
			buf_adds(b, p->f[i]->text);
		buf_adds(b, " (");
		if (html)
			esc(b, at);
		else
			buf_adds(b, at);
		buf_adds(b, html ? ")</li>\n" : ")\n");
		free(at);
	}
	if (n > 0)
		buf_adds(b, html ? "</ul>\n" : "\n");
	else
		para(b, p, W_ST_NONE, html);
}

static size_t
access_findings(const struct pre *p, int level)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nf; i++)
		n += p->f[i]->access && p->f[i]->level == level;
	return n;
}

static char *
statement(const struct pre *p, int html)
{
	struct buf b = { 0 };
	char *title = xasprintf("%s %s", W(p, W_ST_TITLE), p->title);
	const struct doc *d = p->d;
	const struct fm_entry *contact = d->failed ? NULL : frontmatter_get(&d->fm,
	    "accessibility-contact");

	if (html)
		page_start(&b, p, title);
	else {
		buf_adds(&b, "# ");
		buf_adds(&b, title);
		buf_adds(&b, "\n\n");
	}
	para(&b, p, W_ST_INTRO, html);
	heading(&b, 2, W(p, W_ST_STATUS), html);
	para(&b, p, access_findings(p, MSG_ERROR) > 0 || d->failed ? W_ST_NOT :
	    access_findings(p, MSG_WARNING) > 0 ? W_ST_PARTIAL : W_ST_FULL, html);
	non_accessible(&b, p, html);
	heading(&b, 2, W(p, W_ST_PREP), html);
	para(&b, p, W_ST_PREPARED, html);
	para(&b, p, W_ST_METHOD, html);
	list(&b, p, checked, sizeof(checked) / sizeof(checked[0]), html);
	para(&b, p, W_ST_MANUAL, html);
	list(&b, p, manual, sizeof(manual) / sizeof(manual[0]), html);
	heading(&b, 2, W(p, W_ST_FEEDBACK), html);
	para(&b, p, W_ST_CONTACT, html);
	buf_adds(&b, html ? "<p>" : "");
	if (html)
		esc(&b, contact && *contact->value ? contact->value : W(p, W_ST_CONTACT_NONE));
	else
		buf_adds(&b, contact && *contact->value ? contact->value :
		    W(p, W_ST_CONTACT_NONE));
	buf_adds(&b, html ? "</p>\n" : "\n\n");
	heading(&b, 2, W(p, W_ST_ENFORCE), html);
	para(&b, p, W_ST_ENFORCE_TEXT, html);
	heading(&b, 2, W(p, W_ST_TECH), html);
	para(&b, p, W_ST_TECH_TEXT, html);
	if (html)
		buf_adds(&b, "</main>\n</body>\n</html>\n");
	else
		b.len--, b.s[b.len] = '\0';	/* one line end at the end */
	free(title);
	return b.s;
}

/* ---- writing ---- */

/* A JSON string. */
static void
json_str(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
		} else if (c < 0x20) {
			char u[8];

			snprintf(u, sizeof(u), "\\u%04x", c);
			buf_adds(b, u);
		} else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/* What `gen check --report` prints: a line, or with --json the findings for tools. */
static void
say(const struct pre *p, const char *page, int json)
{
	struct buf b = { 0 };
	static const char *const v[] = { "ready", "ready-with-warnings", "not-ready" };
	char *num;

	if (!json) {
		buf_adds(&b, p->d->outname);
		buf_adds(&b, ": ");
		buf_adds(&b, verdict_words(p));
		buf_addc(&b, ' ');
		counts(&b, p, 0);
		buf_adds(&b, "\n  ");
		buf_adds(&b, page);
		buf_addc(&b, '\n');
	} else {
		buf_adds(&b, "{\"document\":");
		json_str(&b, p->d->outname);
		buf_adds(&b, ",\"verdict\":");
		json_str(&b, v[verdict(p)]);
		num = xasprintf(",\"errors\":%zu,\"warnings\":%zu,\"page\":", p->errors,
		    p->warnings);
		buf_adds(&b, num);
		free(num);
		json_str(&b, page);
		buf_adds(&b, ",\"findings\":[");
		for (size_t i = 0; i < p->nf; i++) {
			const struct finding *f = p->f[i];

			buf_adds(&b, i ? ",{\"level\":" : "{\"level\":");
			json_str(&b, f->level == MSG_ERROR ? "error" : "warning");
			buf_adds(&b, ",\"file\":");
			json_str(&b, f->file);
			num = xasprintf(",\"line\":%d,\"column\":%d,\"accessibility\":%s,"
			    "\"message\":", f->line, f->col, f->access ? "true" : "false");
			buf_adds(&b, num);
			free(num);
			json_str(&b, f->text);
			buf_addc(&b, '}');
		}
		buf_adds(&b, "]}\n");
	}
	fflush(stderr);
	fwrite(b.s, 1, b.len, stdout);
	fflush(stdout);
	buf_free(&b);
}

/* The start of a link from the folder outdir/`below` to the project's folder, escaped:
 * "../../" for out/DOC/ in the project; NULL when out/ or the project cannot be resolved
 * (the links are then left as the preview serves them). The caller frees. */
char *
preflight_root_href(const struct gen *g, const char *below)
{
	char out[PATH_MAX], *from, *to, *up, *esc_up;
	gchar **a, **b;
	size_t i = 0, j;
	struct buf r = { 0 };

	if (g->realroot == NULL || realpath(g->outdir, out) == NULL)
		return NULL;
	from = xasprintf("%s/%s", out, below);
	to = xstrdup(g->realroot);
	a = g_strsplit(from, "/", -1);
	b = g_strsplit(to, "/", -1);
	while (a[i] != NULL && b[i] != NULL && strcmp(a[i], b[i]) == 0)
		i++;
	for (j = i; a[j] != NULL; j++)
		if (a[j][0] != '\0')
			buf_adds(&r, "../");
	for (j = i; b[j] != NULL; j++)
		if (b[j][0] != '\0') {
			buf_adds(&r, b[j]);
			buf_addc(&r, '/');
		}
	up = r.s ? r.s : xstrdup("./");
	esc_up = g_uri_escape_string(up, "/", FALSE);
	r = (struct buf){ 0 };
	esc(&r, esc_up);
	g_free(esc_up);
	g_strfreev(a);
	g_strfreev(b);
	free(from);
	free(to);
	free(up);
	return r.s ? r.s : xstrdup("");
}

/* `page` with each link that starts `href="FROM` starting `href="TO` instead. The caller
 * frees. Only gen's own markup holds `href="`: what a document says is escaped. */
char *
preflight_relink(const char *page, const char *from, const char *to)
{
	struct buf r = { 0 };
	char *f = xasprintf("href=\"%s", from);
	const char *s = page, *h;

	while ((h = strstr(s, f)) != NULL) {
		buf_add(&r, s, (size_t)(h - s));
		buf_adds(&r, "href=\"");
		buf_adds(&r, to);
		s = h + strlen(f);
	}
	buf_adds(&r, s);
	free(f);
	return r.s ? r.s : xstrdup("");
}

/* Writes dir/name; the preflight page with its links to the project's files made paths
 * from dir, so that they open where the page is read. */
static int
put(struct gen *g, const char *dir, const char *name, const char *s)
{
	char *path = xasprintf("%s/%s", dir, name), *up = NULL, *linked = NULL;
	int rc;

	if (strcmp(name, "preflight.html") == 0 && strncmp(dir, g->outdir,
	    strlen(g->outdir)) == 0 && dir[strlen(g->outdir)] == '/' &&
	    (up = preflight_root_href(g, dir + strlen(g->outdir) + 1)) != NULL)
		s = linked = preflight_relink(s, SOURCE_HREF, up);
	rc = write_file_said(g, path, s, strlen(s));
	free(up);
	free(linked);

	if (rc == 0 && g->verbose)
		fprintf(stderr, "gen: wrote %s\n", path);
	free(path);
	return rc;
}

/* The document's findings: those it said while it loaded, then the job's. */
static void
gather(struct pre *p)
{
	const struct gen *g = p->g;
	size_t from = g->job_found > p->d->found1 ? g->job_found : p->d->found1;

	p->f = xmalloc((p->d->found1 - p->d->found0 + g->nfound - from + 1) * sizeof(*p->f));
	for (int level = MSG_ERROR; level >= MSG_WARNING; level--) {	/* errors first */
		for (size_t i = p->d->found0; i < p->d->found1 && i < g->nfound; i++)
			if (g->found[i].level == level)
				p->f[p->nf++] = &g->found[i];
		for (size_t i = from; i < g->nfound; i++)
			if (g->found[i].level == level)
				p->f[p->nf++] = &g->found[i];
	}
	for (size_t i = 0; i < p->nf; i++) {
		p->errors += p->f[i]->level == MSG_ERROR;
		p->warnings += p->f[i]->level == MSG_WARNING;
	}
}

/* gen's words, read again after a build that stopped, with what they say of themselves
 * (said once already) left unsaid and uncounted; NULL when they cannot be read. */
static struct template *
words_quietly(struct gen *g)
{
	size_t found = g->nfound;
	int errors = g->errors, status = g->status, saved, null;
	struct template *t;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved == -1 || null == -1 || dup2(null, STDERR_FILENO) == -1) {
		if (saved != -1)
			close(saved);
		if (null != -1)
			close(null);
		return NULL;
	}
	t = template_load(g, "words", NULL, 0, 0);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(null);
	msg_forget(g, found);
	g->errors = errors;
	g->status = status;
	return t;
}

/* The words and findings of d's pages: the document's template, or words.xml alone when it
 * failed; returns -1 when neither is there. */
static int
pre_start(struct pre *p, struct template **words, struct buf *date)
{
	const struct doc *d = p->d;
	time_t when = d->date > 0 ? d->date : p->g->epoch >= 0 ? p->g->epoch : time(NULL);
	struct tm tm;
	char day[8];

	p->t = d->tpl;
	if (p->t == NULL && p->stopped)	/* the words alone, their errors said already */
		p->t = *words = words_quietly(p->g);
	else if (p->t == NULL)		/* the template failed: the words alone */
		p->t = *words = template_load(p->g, "words", NULL, 0, 0);
	if (p->t == NULL)
		return -1;
	gather(p);
	p->title = d->title ? d->title : d->name;
	p->author = d->author ? d->author : p->title;
	gmtime_r(&when, &tm);
	snprintf(day, sizeof(day), "%d", tm.tm_mday);
	date_words(date, p->t->word, &tm, day);
	p->date = date->s ? date->s : "";
	return 0;
}

/* The pages of d; `beside`: the components' files are made in the same build. */
static int
report(struct gen *g, const struct doc *d, int tell, int json, int beside)
{
	struct pre p = { .g = g, .d = d, .beside = beside };
	struct template *words = NULL;
	struct buf changes = { 0 }, date = { 0 };
	char *dir = xasprintf("%s/%s", g->outdir, d->outname), *page, *st, *md, *where;
	int rc;

	if (pre_start(&p, &words, &date) == -1) {
		free(dir);
		return -1;
	}
	changes_report(g, d, p.t, &changes);
	page = preflight_page(&p, &changes);
	st = statement(&p, 1);
	md = statement(&p, 0);
	rc = out_mkdir(dir);
	if (rc == -1)
		msg(g, MSG_FATAL, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
	if (rc == 0)
		rc = put(g, dir, "preflight.html", page);
	if (rc == 0)
		rc = put(g, dir, "accessibility.html", st);
	if (rc == 0)
		rc = put(g, dir, "accessibility.md", md);
	if (rc == 0 && !d->failed && g->keep)
		rc = changes_keep(g, d);
	where = xasprintf("%s/preflight.html", dir);
	if (rc == 0 && tell)
		say(&p, where, json);
	free(where);
	free(page);
	free(st);
	free(md);
	buf_free(&changes);
	buf_free(&date);
	free(p.f);
	free(dir);
	template_free(words);
	return rc;
}

int
preflight_report(struct gen *g, const struct doc *d, int tell, int json)
{
	return report(g, d, tell, json, 0);
}

/* Puts `page` in place of each preflight page of the rows' folders under dir. */
static void
rows_stopped(struct gen *g, const char *dir, const char *page)
{
	GDir *gd = g_dir_open(dir, 0, NULL);
	const char *name;

	while (gd != NULL && (name = g_dir_read_name(gd)) != NULL) {
		char *sub = xasprintf("%s/%s", dir, name), *pf = xasprintf("%s/preflight.html", sub);

		if (name[0] != '.' && g_file_test(pf, G_FILE_TEST_IS_REGULAR) &&
		    !g_file_test(pf, G_FILE_TEST_IS_SYMLINK))
			put(g, sub, "preflight.html", page);
		free(sub);
		free(pf);
	}
	if (gd != NULL)
		g_dir_close(gd);
}

int
preflight_stopped(struct gen *g, const struct doc *d, const char *outname)
{
	struct pre p = { .g = g, .d = d, .stopped = 1 };
	struct template *words = NULL;
	struct buf none = { 0 }, date = { 0 };
	char *dir = xasprintf("%s/%s", g->outdir, outname), *page;
	int rc;

	if (g->outputs != 0 && (g->outputs & OUT_REPORT) == 0) {
		free(dir);
		return 0;
	}
	if (pre_start(&p, &words, &date) == -1) {
		free(dir);
		return -1;
	}
	page = preflight_page(&p, &none);
	rc = out_mkdir(dir);
	if (rc == 0)
		rc = put(g, dir, "preflight.html", page);
	if (rc == 0 && d->tpl != NULL && d->tpl->per_row != NULL && strchr(outname, '/') == NULL)
		rows_stopped(g, dir, page);
	free(page);
	buf_free(&date);
	free(p.f);
	free(dir);
	template_free(words);
	return rc;
}

static int
preflight_write(struct gen *g, const struct doc *d)
{
	return report(g, d, 0, 0, g->outputs == 0 || (g->outputs & OUT_FILES) != 0);
}

const struct backend backend_preflight = {
	.name = "preflight",
	.bit = OUT_REPORT,
	.write = preflight_write,
};
