/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_hundred.c: the hundred-children panel. "If Bootle Constituency had 100 children …
 * 29 will live in poverty": the number, its caption and a 10 x 10 grid of children, N of
 * them filled in the accent colour and the rest drawn in outline, so the count survives
 * greyscale print. Made from data by markdown.c, placed by layout.c, drawn by render.c on
 * a page, and written here alone as PNG (300 dpi and 1080 x 1080) and SVG. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include "gen.h"

#define GRID		10	/* children a row, and rows */
#define CHILD_H		1.3	/* a child's cell: this much taller than wide */
#define NUMBER_H	0.34	/* the number's band, as a share of the panel's width */
#define CAPTION_H	48.0	/* pt for the caption: three lines */

/* A panel's own data (its N_PART's `data`, freed with it). */
struct panel {
	int		 count;		/* children of the 100, or -1: no figure */
	enum datum	 kind;		/* why there is no figure */
	char		 slug[96];	/* its files' name (file_slug(): at most 80 bytes) */
};

/* An area's panels' own data (their N_COMPONENT's `data`, freed with it). */
struct panels {
	int		 per_page;	/* at most this many a page, 1 to 8 */
};

static const struct panel *
panel_of(const struct node *n)
{
	return n->data;
}

/* ---- from data ---- */

/* Checks the figures of one panel's column in every area, once: a number of children from
 * 0 to 100 or a symbol for a figure not given; an empty cell is a slip. */
static int
check_column(struct gen *g, const struct table *areas, size_t c)
{
	int bad = csv_need_numbers(g, areas, c);

	for (size_t r = 0; r < areas->nrows; r++) {
		const struct cell *vc = &areas->cells[r * areas->ncols + c];

		if (vc->kind == D_EMPTY) {
			csv_say(g, areas, MSG_ERROR, vc->line, vc->col, "the cell for `%s` in column "
			    "`%s` is empty; write the figure, or a symbol such as [x] (not available) "
			    "or [c] (suppressed)", areas->cells[r * areas->ncols].text,
			    areas->cols[c]);
			bad++;
		} else if (vc->kind == D_NUMBER && !(vc->num >= 0 && vc->num <= 100)) {
			csv_say(g, areas, MSG_ERROR, vc->line, vc->col, "`%s` in column `%s` is not "
			    "a number of children from 0 to 100", vc->text, areas->cols[c]);
			bad++;
		}
	}
	return bad;
}

/* Checks that the names the column `c` of `t` makes (file_slug(), then `tails`, as the
 * panels' files or the areas' folders are named) are each a name, and no two alike: where two
 * would be, one file would silently take the other's place. */
static int
check_names(struct gen *g, const struct table *t, size_t c, const char *const *tails,
    size_t ntails, const char *what)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int bad = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		const struct cell *cell = &t->cells[r * t->ncols + c];
		char *slug = file_slug(cell->text);

		if (slug[0] == '\0') {
			csv_say(g, t, MSG_ERROR, cell->line, cell->col, "`%s` makes no file name for "
			    "%s (it needs a letter or a digit)", cell->text, what);
			bad++;
		}
		for (size_t k = 0; k < ntails && slug[0] != '\0'; k++) {
			char *name = xasprintf("%s%s", slug, tails[k]);
			const struct cell *other = g_hash_table_lookup(seen, name);

			if (other != NULL && strcmp(other->text, cell->text) != 0) {
				csv_say(g, t, MSG_ERROR, cell->line, cell->col, "`%s` and `%s` (row %d) "
				    "would both be saved as %s; give one of them another name",
				    cell->text, other->text, other->line, name);
				bad++;
				free(name);
				break;
			}
			g_hash_table_insert(seen, name, (gpointer)cell);
		}
		free(slug);
	}
	g_hash_table_destroy(seen);
	return bad;
}

/* Checks the panels' data for every area at once, so that a slip is said once, not once an
 * area: the indicators' columns, each key a column of the area list, its figures, and the
 * names of the files the panels are saved as (and of the areas' folders, in a document of
 * `several` areas). */
static int
check_panels(struct gen *g, const struct table *ind, const struct table *areas, int several)
{
	static const char *const panel_files[] = { ".png", "-1080.png", ".svg" };
	static const char *const folder[] = { "/" };
	static const int first[] = { 0 };
	int bad = 0, k;

	if (csv_need_column(g, ind, "key", "the panels (each key is a column of the area list)")
	    < 0 || csv_need_column(g, ind, "caption", "the panels") < 0)
		return 1;
	k = csv_column(ind, "key");
	bad += csv_need_unique(g, ind, &k, 1);
	bad += csv_need_unique(g, areas, first, 1);
	if (bad == 0)
		bad += check_names(g, ind, (size_t)k, panel_files, 3, "a panel's files");
	if (bad == 0 && several)
		bad += check_names(g, areas, 0, folder, 1, "the area's panels' folder");
	for (size_t i = 0; i < ind->nrows; i++) {
		const struct cell *kc = &ind->cells[i * ind->ncols + (size_t)k];
		char *who = xasprintf("the `%s` panel (%s row %d)", kc->text, ind->path, kc->line);
		int c = csv_need_column(g, areas, kc->text, who);

		free(who);
		if (c < 0)
			bad++;
		else
			bad += check_column(g, areas, (size_t)c);
	}
	return bad;
}

/* Reads a figure as a count of 100: rounded half up to a whole one (28.5 is 29). */
static int
count_of(double v)
{
	return (int)floor(v + 0.5);
}

/* One panel for indicator row i: its value from the area's row (checked). */
static struct node *
one_panel(const struct datasets *d, const struct table *ind, size_t i,
    const struct table *areas, size_t row, const char *file, int line, int col)
{
	const char *key = csv_text(ind, i, "key"), *caption = csv_text(ind, i, "caption");
	const char *sentence = csv_text(ind, i, "sentence");
	const char *what = sentence[0] ? sentence : caption;
	const char *area = areas->cells[row * areas->ncols].text;
	const struct cell *vc = &areas->cells[row * areas->ncols + (size_t)csv_column(areas,
	    key)];
	struct node *n = node_new(N_PART, file, line, col);
	struct panel *pn = xcalloc(1, sizeof(*pn));
	struct buf b = { 0 };
	char *slug = file_slug(key);

	snprintf(pn->slug, sizeof(pn->slug), "%s", slug);
	free(slug);
	n->comp = &comp_hundreds;
	n->data = pn;
	n->label = typeset(caption, strlen(caption), NULL);
	buf_adds(&n->text.text, area);
	if (vc->kind == D_NUMBER) {
		char count[16];

		pn->count = count_of(vc->num);
		snprintf(count, sizeof(count), "%d", pn->count);
		words_fill(&b, data_word(d, W_CHILDREN), (const char *[]){ "count", "area",
		    "what" }, (const char *[]){ count, area, what }, 3, 0);
	} else {	/* a figure not given: said in words, and no child is counted */
		pn->count = -1;
		pn->kind = vc->kind;
		words_fill(&b, data_word(d, W_CHILDREN_MISSING), (const char *[]){ "area", "what",
		    "figure" }, (const char *[]){ area, what, datum_words(data_words(d), vc->kind, 1) }, 3, 0);
	}
	n->alt = b.s != NULL ? b.s : xstrdup("");
	return n;
}

/* The table a tag names, or NULL after an error with the nearest name. */
static const struct table *
named_table(struct gen *g, const struct datasets *d, const char *file, int line, int col,
    const char *attr, const char *name)
{
	const struct table *t = datasets_find(d, name);
	const char *names[64], *near;
	size_t n = 0;

	if (t != NULL || datasets_broken(d, name))
		return t;	/* found, or its errors are said */
	for (size_t i = 0; d != NULL && i < d->n && n < 64; i++)
		names[n++] = d->v[i]->name;
	near = nearest_word(name, names, n);
	msg(g, MSG_ERROR, file, line, col, "<hundreds>%s names `%s`, but there is no data/%s.csv"
	    "%s%s%s", attr, name, name, near ? " (did you mean `" : "", near ? near : "",
	    near ? "`?)" : "");
	return NULL;
}

/* The headline with {area} replaced by the area's name; the caller frees. */
static char *
headline(const char *heading, const char *area)
{
	struct buf b = { NULL, 0, 0 };
	const char *p, *q;
	char *t;

	for (p = heading; (q = strstr(p, "{area}")) != NULL; p = q + 6) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, area);
	}
	buf_adds(&b, p);
	t = typeset(b.s ? b.s : "", b.len, NULL);
	buf_free(&b);
	return t;
}

/* Notes the figure of each panel of row `row`, as its panel shows it ("29"). */
static void
note_panels(const struct component_call *call, const struct table *ind,
    const struct table *areas, size_t row)
{
	for (size_t i = 0; i < ind->nrows; i++) {
		const struct cell *vc = &areas->cells[row * areas->ncols +
		    (size_t)csv_column(areas, csv_text(ind, i, "key"))];
		char count[16];

		snprintf(count, sizeof(count), "%d", count_of(vc->num));
		component_figure(call, areas, vc, vc->kind == D_NUMBER ? count :
		    datum_words(data_words(call->data), vc->kind, 1));
	}
}

#define NAME_FITS	60	/* characters of an area's name a panel's title holds well */

/* The panels of indicator table `ind` for row `row` of `areas`: a component headed by
 * `heading` (NULL: none). In a document of several areas (`several`) the panels' files go
 * in a folder of the area's own, and a headline that does not name the area has the area's
 * name set under it. */
static struct node *
area_panels(struct gen *g, const struct datasets *d, const struct table *ind, const struct table *areas, size_t row,
    const char *heading, int per_page, int several, const char *file, int line, int col)
{
	const struct cell *name = &areas->cells[row * areas->ncols];
	struct node *panels;
	struct panels *pp;
	glong len;

	if ((len = g_utf8_strlen(name->text, -1)) > NAME_FITS)
		csv_say(g, areas, MSG_WARNING, name->line, name->col, "the area's name is %ld "
		    "characters long; a panel's title holds about %d well, so its children are "
		    "drawn smaller", len, NAME_FITS);
	panels = node_new(N_COMPONENT, file, line, col);
	panels->comp = &comp_hundreds;
	pp = xcalloc(1, sizeof(*pp));
	pp->per_page = per_page < 1 ? 1 : per_page > 8 ? 8 : per_page;
	panels->data = pp;
	buf_adds(&panels->text.text, name->text);
	if (heading != NULL) {
		panels->label = headline(heading, name->text);
		panels->text_under = strstr(heading, "{area}") == NULL;
	}
	if (several)
		panels->dir = file_slug(name->text);
	for (size_t i = 0; i < ind->nrows; i++)
		node_append(panels, one_panel(d, ind, i, areas, row, file, line, col));
	return panels;
}

static struct node *
hundred_make(const struct component_call *call)
{
	struct gen *g = call->g;
	const struct datasets *d = call->data;
	const char *file = call->file;
	int line = call->line, col = call->col, per_page;
	char *indicators = component_attr(call->tag, "indicators");
	char *pp = component_attr(call->tag, "per-page");
	char *list = component_attr(call->tag, "areas");
	char *heading = component_attr(call->tag, "heading");
	const struct table *ind = NULL, *areas = NULL;
	struct node *first = NULL, *last = NULL;

	per_page = pp ? atoi(pp) : 5;
	if (indicators == NULL)
		msg(g, MSG_ERROR, file, line, col, "<hundreds> needs indicators=\"TABLE\": the "
		    "data file that lists each panel's column and caption");
	else if ((ind = named_table(g, d, file, line, col, "", indicators)) == NULL)
		;
	else if (list != NULL)
		areas = named_table(g, d, file, line, col, " areas=", list);
	else if ((areas = d ? d->row_table : NULL) == NULL)
		msg(g, MSG_ERROR, file, line, col, "<hundreds> shows the figures of the area being "
		    "built (a template with <per-row table=\"…\" name=\"…\"/>), or of every row of "
		    "an area list: give areas=\"TABLE\"");
	if (ind != NULL && areas != NULL && check_panels(g, ind, areas, list != NULL) == 0) {
		for (size_t r = 0; r < areas->nrows; r++) {
			struct node *p;

			if (list == NULL && r != d->row)
				continue;
			p = area_panels(g, d, ind, areas, r, heading, per_page, list != NULL, file,
			    line, col);
			note_panels(call, ind, areas, r);
			if (last != NULL)
				last->next = p;
			else
				first = p;
			last = p;
		}
	}
	free(indicators);
	free(pp);
	free(list);
	free(heading);
	return first;
}

/* ---- drawing ---- */

static double
hundred_height(const struct node *part, double w)
{
	(void)part;	/* every panel is of one size */
	return w * NUMBER_H + CAPTION_H + GRID * (w / GRID) * CHILD_H;
}

/* ---- placed on the pages: each area's panels on pages of their own ---- */

#define PANEL_GAP 18.0	/* pt between panels */
#define PANEL_FILL 0.8	/* a panel page is filled to at least this share of its height */
#define PANEL_MIN 120.0	/* pt: a panel narrower than this (42 mm) is hard to read */
#define HEAD_GAP 12.0	/* pt under the headline */

/* How the panels of one area sit on their pages: `cols` across, up to `per` a page, each
 * `w` wide; kept (flow_memo()) for the next area's, `n` panels, to match. */
struct panel_plan {
	int	 per, cols;
	double	 w;
	size_t	 n;
};

/* The widest a panel can be in `rows` rows of `room` pt, `cols` across `width` pt (its
 * height is a width times a ratio, plus a fixed part). */
static double
panel_width(const struct node *part, int rows, int cols, double width, double room)
{
	double by_w = (width - (cols - 1) * PANEL_GAP) / cols;
	double ph = (room - (rows - 1) * PANEL_GAP) / rows, h0 = hundred_height(part, 0);
	double by_h = (ph - h0) / (hundred_height(part, 1) - h0);

	return fmax(1, fmin(by_w, by_h));
}

/* Chooses how `n` panels go on pages whose panels start at y0 and may end at `end`, with
 * at most `most` a page, shared evenly among the pages: as many a page as fill every page
 * to PANEL_FILL of its height with panels at least PANEL_MIN wide, and of those ways the
 * one with the largest panels. When no way does, the one that comes nearest. */
static struct panel_plan
panel_plan(const struct node *part, int n, int most, double width, double y0, double end,
    double page_h)
{
	struct panel_plan best = { most, most, 0, 0 }, nearest = best;
	double best_score = -1, best_fill = -1;

	for (int per = 1; per <= most && per <= n; per++) {
		int pages = (n + per - 1) / per, kmax = (n + pages - 1) / pages, kmin = n / pages;

		for (int cols = 1; cols <= kmax; cols++) {
			int rmax = (kmax + cols - 1) / cols, rmin = (kmin + cols - 1) / cols;
			double w = panel_width(part, rmax, cols, width, end - y0);
			double h = hundred_height(part, w);
			double fill = (y0 + rmin * h + (rmin - 1) * PANEL_GAP) / page_h;
			double score = kmax * 10000.0 + w;

			if (fill >= PANEL_FILL && w >= PANEL_MIN && score > best_score) {
				best = (struct panel_plan){ kmax, cols, w, 0 };
				best_score = score;
			}
			if (fill > best_fill) {
				nearest = (struct panel_plan){ kmax, cols, w, 0 };
				best_fill = fill;
			}
		}
	}
	return best_score < 0 ? nearest : best;
}

/* The headline of a page of panels (and the area's name under it, when the headline does
 * not name it) from y: placed (emit), or only measured. Returns where the panels start. */
static double
panels_head(struct flow *f, const struct node *n, double y, int first, int emit)
{
	const struct template *t = flow_template(f);
	const struct style *hs = &t->role[R_H1], *as = &t->role[R_H2];
	double width = flow_width(f);

	if (n->label != NULL) {
		PangoLayout *l = flow_text(f, hs, NULL, n->label, width);

		if (emit) {
			struct piece *pc = flow_add_text(f, n, l, 0, y, width, hs->colour);

			pc->role = first ? RO_CAPTION : RO_ARTIFACT;
			pc->first = first;
		}
		y += layout_height(l) + hs->after;
	}
	if (n->label == NULL || n->text_under) {
		PangoLayout *l = flow_text(f, as, NULL, inl_str(&n->text), width);

		if (emit) {
			struct piece *pc = flow_add_text(f, n, l, 0, y, width, as->colour);

			pc->role = RO_ARTIFACT;
			pc->first = 0;
		}
		y += layout_height(l) + as->after;
	}
	return y + HEAD_GAP;
}

/* The plan for n's `total` panels: as large as the page allows, or the last area's when
 * this one follows it with as many. */
static struct panel_plan
plan_for(struct flow *f, const struct node *n, int total)
{
	const struct template *t = flow_template(f);
	struct panel_plan **last = (struct panel_plan **)flow_memo(f, n->comp), plan;

	plan = panel_plan(n->first, total, ((const struct panels *)n->data)->per_page,
	    flow_width(f),
	    panels_head(f, n, flow_y(f), 0, 0), flow_bottom(f), t->page_h);
	if (n->prev != NULL && n->prev->type == N_COMPONENT && n->prev->comp == n->comp &&
	    *last != NULL && (*last)->w > 0 && n->prev->first != NULL &&
	    (size_t)total == (*last)->n)	/* an area list: as the last */
		plan = **last;
	if (*last == NULL)
		*last = xcalloc(1, sizeof(**last));
	**last = plan;
	(*last)->n = (size_t)total;
	return plan;
}

/* One page of panels, `on_page` of them from c, rows centred; returns where they end. */
static double
panels_page(struct flow *f, const struct node *n, const struct node **c, int on_page,
    const struct panel_plan *plan, int first)
{
	const struct template *t = flow_template(f);
	double ph = hundred_height(*c, plan->w), y;
	int rows = (on_page + plan->cols - 1) / plan->cols, placed = 0;

	if (t->infographic) {	/* the full-bleed infographic page */
		struct piece *pc = flow_add(f, PC_FILL, NULL, -t->bleed, -t->bleed,
		    t->page_w + 2 * t->bleed, t->page_h + 2 * t->bleed);

		pc->absolute = 1;
		pc->colour = t->infographic_bg;
		pc->role = RO_ARTIFACT;
	}
	y = panels_head(f, n, flow_y(f), first, 1);
	for (int r = 0; r < rows; r++) {
		int in_row = (on_page - placed) / (rows - r) +
		    ((on_page - placed) % (rows - r) != 0);
		double x = (flow_width(f) - in_row * plan->w - (in_row - 1) * PANEL_GAP) / 2;

		for (int i = 0; i < in_row; i++, *c = (*c)->next, placed++)
			flow_add(f, PC_PANEL, *c, x + i * (plan->w + PANEL_GAP), y, plan->w,
			    ph)->first = 1;
		y += ph + (r + 1 < rows ? PANEL_GAP : 0);
	}
	return y;
}

/* An area's panels on pages of their own under the headline, all of one size and as large
 * as the page allows (panel_plan()), each row centred. */
static void
hundred_place(struct flow *f, const struct node *n, const struct column *col)
{
	const struct node *c = n->first;
	int total = 0, k = 0;
	struct panel_plan plan;

	for (const struct node *p = c; p != NULL; p = p->next)
		total++;
	if (n->prev == NULL || n->prev->type != N_HEADING)
		flow_break(f);	/* under a heading, the panels start on its page */
	else
		flow_gap(f, 12);
	if (total == 0)
		return;
	plan = plan_for(f, n, total);
	for (int pages = (total + plan.per - 1) / plan.per, page = 0; page < pages; page++) {
		int on_page = (total - k) / (pages - page);

		if (page > 0)
			flow_break(f);
		if ((total - k) % (pages - page) != 0)
			on_page++;
		flow_end(f, panels_page(f, n, &c, on_page, &plan, k == 0), 0);
		k += on_page;
	}
	(void)col;	/* on pages of their own, whatever the column */
	flow_end(f, flow_y(f), flow_template(f)->role[R_BODY].after);
}

/* One child's outline in the cell at (x, y), w wide: a head and a body. */
static void
child_path(cairo_t *cr, double x, double y, double w)
{
	double h = w * CHILD_H, cx = x + w / 2, r = w * 0.17;

	cairo_new_path(cr);
	cairo_arc(cr, cx, y + h * 0.2, r, 0, 2 * M_PI);
	cairo_new_sub_path(cr);
	/* shoulders to feet: a rounded body, narrower at the foot */
	cairo_move_to(cr, cx - w * 0.26, y + h * 0.47);
	cairo_curve_to(cr, cx - w * 0.26, y + h * 0.38, cx + w * 0.26, y + h * 0.38,
	    cx + w * 0.26, y + h * 0.47);
	cairo_line_to(cr, cx + w * 0.17, y + h * 0.9);
	cairo_line_to(cr, cx - w * 0.17, y + h * 0.9);
	cairo_close_path(cr);
}

/* The width of an unfilled child's outline, w wide. */
static double
child_line(double w)
{
	return fmax(0.5, w * 0.045);
}

/* One child in the cell at (x, y), w wide: a head and a body, filled or in outline. */
static void
child(cairo_t *cr, double x, double y, double w, int counted, const struct template *t)
{
	unsigned accent = t->accent, outline = t->outline;

	child_path(cr, x, y, w);
	if (counted) {
		cairo_set_source_rgb(cr, (accent >> 16) / 255.0, ((accent >> 8) & 0xff) / 255.0,
		    (accent & 0xff) / 255.0);
		cairo_fill(cr);
	} else {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, (outline >> 16) / 255.0, ((outline >> 8) & 0xff) / 255.0,
		    (outline & 0xff) / 255.0);
		cairo_set_line_width(cr, child_line(w));
		cairo_stroke(cr);
	}
}

/* A layout of `text` in a template style, resized, wrapped to `width` (or not, when 0). */
static PangoLayout *
text_layout(PangoContext *ctx, const struct style *s, const char *text, double size,
    int weight, double width)
{
	struct style st = *s;

	st.size = size;
	st.weight = weight;
	st.italic = 0;
	return layout_text(ctx, &st, text, width);
}


/* Appends the words of layout `l`, drawn at (x, y), to an SVG as invisible <text>, a line an
 * element on the glyphs' own baseline and as wide: cairo draws glyphs as outlines, and
 * this is what a reader selects, copies and searches. */
static void
svg_words(struct buf *b, PangoLayout *l, double x, double y)
{
	const PangoFontDescription *fd = pango_layout_get_font_description(l);
	const char *text = pango_layout_get_text(l);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	char attr[160];

	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle lr;
		char *words;

		pango_layout_iter_get_line_extents(it, NULL, &lr);
		words = xstrndup(text + line->start_index, (size_t)line->length);
		g_strstrip(words);
		if (words[0] != '\0') {
			snprintf(attr, sizeof(attr), "<text x=\"%.2f\" y=\"%.2f\" "
			    "font-family=\"%s\" font-size=\"%.2f\" font-weight=\"%d\" "
			    "textLength=\"%.2f\" lengthAdjust=\"spacingAndGlyphs\" "
			    "fill-opacity=\"0\">", x + lr.x / (double)PANGO_SCALE,
			    y + pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE,
			    pango_font_description_get_family(fd),
			    pango_font_description_get_size(fd) / (double)PANGO_SCALE,
			    (int)pango_font_description_get_weight(fd),
			    lr.width / (double)PANGO_SCALE);
			buf_adds(b, attr);
			xml_escape(b, words, strlen(words));
			buf_adds(b, "</text>\n");
		}
		free(words);
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* A panel's SVG as it is made: gen's words (svg_words()) and children (grid_svg()); and,
 * while `compose` is set, cairo's text not drawn on the panel's surface but put together
 * from pieces (svg_piece()). */
struct svg_out {
	struct buf	 words;
	int		 compose, failed;
	struct buf	 head, defs, body;	/* cairo's, as it writes them for the whole panel */
	int		 nfonts;		/* font ids used so far: the next piece's start here */
	GPtrArray	*fonts;			/* their cairo fonts, each a piece's alone */
	double		 side;			/* the panel's, pt */
};

/* A piece of cairo's SVG: one layout drawn alone, split where cairo's own SVG of a whole
 * panel joins its pieces. */
struct svg_piece {
	char	*head;		/* up to the <defs> (or the surface's group) */
	char	*defs;		/* the glyphs' <symbol>s, fonts numbered from 0 */
	char	*body;		/* the drawing, inside the surface's group */
	int	 nfonts;
};

#define PIECES_BYTES (16u << 20)	/* pieces kept, at most; then all are let go */

/* The pieces met in this process, by what cairo is given to draw (piece_key()): a panel's
 * headline is the same in each of an area's panels, its number and caption in many areas'. */
static struct {
	pthread_mutex_t	 lock;
	GHashTable	*v;
	size_t		 bytes;
} pieces = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
piece_free(void *v)
{
	struct svg_piece *pc = v;

	free(pc->head);
	free(pc->defs);
	free(pc->body);
	free(pc);
}

/* What cairo is given when layout `l` is drawn at (x, y) in `colour`: each run's font and
 * glyphs where they go. Adds the runs' cairo fonts to `fonts`. Returns NULL for a run that
 * carries attributes of its own (a colour, a line), which this key does not hold. */
static char *
piece_key(PangoLayout *l, double x, double y, unsigned colour, double side, GPtrArray *fonts)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	struct buf b = { NULL, 0, 0 };
	char num[96];
	int ok = 1;

	snprintf(num, sizeof(num), "%a %a %a %06x|", x, y, side, colour);
	buf_adds(&b, num);
	do {
		PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
		PangoFontDescription *fd;
		PangoRectangle lr;
		char *desc;

		if (run == NULL)
			continue;	/* a line's end */
		if (run->item->analysis.extra_attrs != NULL) {
			ok = 0;
			break;
		}
		pango_layout_iter_get_run_extents(it, NULL, &lr);
		fd = pango_font_describe_with_absolute_size(run->item->analysis.font);
		desc = pango_font_description_to_string(fd);
		pango_font_description_free(fd);
		snprintf(num, sizeof(num), "\n%d %d %d %zu:", lr.x, pango_layout_iter_get_baseline(it),
		    run->glyphs->num_glyphs, strlen(desc));
		buf_adds(&b, num);
		buf_adds(&b, desc);
		g_free(desc);
		for (int i = 0; i < run->glyphs->num_glyphs; i++) {
			const PangoGlyphInfo *gi = &run->glyphs->glyphs[i];

			snprintf(num, sizeof(num), " %u %d %d %d", gi->glyph, gi->geometry.width,
			    gi->geometry.x_offset, gi->geometry.y_offset);
			buf_adds(&b, num);
		}
		g_ptr_array_add(fonts, pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(
		    run->item->analysis.font)));
	} while (pango_layout_iter_next_run(it));
	pango_layout_iter_free(it);
	if (!ok)
		buf_free(&b);
	return ok ? (b.s ? b.s : xstrdup("")) : NULL;
}

/* Draws layout `l` (NULL: the white ground) alone on an SVG surface `side` pt square, and
 * splits what cairo writes (svg_piece). NULL when it is not as expected. */
static struct svg_piece *
piece_draw(PangoLayout *l, double x, double y, unsigned colour, double side)
{
	struct buf svg = { NULL, 0, 0 };
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(cairo_to_buf, &svg, side, side);
	cairo_t *cr = cairo_create(s);
	struct svg_piece *pc = NULL;
	const char *d0, *d1, *g0, *g1;

	cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	cairo_set_source_rgb(cr, (colour >> 16) / 255.0, ((colour >> 8) & 0xff) / 255.0,
	    (colour & 0xff) / 255.0);
	if (l != NULL) {
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, l);
	} else
		cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && svg.s != NULL &&
	    (g0 = strstr(svg.s, "<g id=\"surface")) != NULL && (g0 = strstr(g0, "\">\n")) != NULL &&
	    (g1 = strstr(g0, "</g>\n</svg>\n")) != NULL && g1[12] == '\0') {
		d0 = strstr(svg.s, "<defs>\n<g>\n");
		d1 = d0 ? strstr(d0, "</g>\n</defs>\n") : NULL;
		if (d0 == NULL || (d1 != NULL && d1 < g0)) {
			const char *end = d0 ? d0 : strstr(svg.s, "<g id=\"surface");

			pc = xcalloc(1, sizeof(*pc));
			pc->head = xstrndup(svg.s, (size_t)(end - svg.s));
			pc->defs = d0 ? xstrndup(d0 + 11, (size_t)(d1 - d0 - 11)) : xstrdup("");
			pc->body = xstrndup(g0 + 3, (size_t)(g1 - g0 - 3));
			for (const char *p = pc->defs; (p = strstr(p, "id=\"glyph")) != NULL; p += 9)
				pc->nfonts = MAX(pc->nfonts, atoi(p + 9) + 1);
		}
	}
	cairo_surface_destroy(s);
	buf_free(&svg);
	return pc;
}

/* Appends `s` to `b` with each glyph's font id ("glyph2-5", after `id="` or `href="#`)
 * moved on by `by`: a piece's fonts as numbered in the whole panel. */
static void
add_glyph_ids(struct buf *b, const char *s, int by)
{
	const char *p;
	char num[16];

	while ((p = strstr(s, "glyph")) != NULL) {
		char *end;
		long v;

		p += 5;
		buf_add(b, s, (size_t)(p - s));
		v = strtol(p, &end, 10);
		if (end == p || *end != '-' || (p[-6] != '"' && p[-6] != '#')) {
			s = p;
			continue;
		}
		snprintf(num, sizeof(num), "%ld", v + by);
		buf_adds(b, num);
		s = end;
	}
	buf_adds(b, s);
}

/* Adds the piece of layout `l` at (x, y) (NULL: the white ground) to the panel's SVG, from
 * the pieces met before or drawn now. cairo numbers the fonts of a surface in the order it
 * meets them, a glyph's <symbol> under its font: so a piece's fonts follow the pieces' before,
 * as long as no two pieces share a font (else `failed`, and the panel is drawn whole). */
static void
svg_piece(struct svg_out *so, PangoLayout *l, double x, double y, unsigned colour, double side)
{
	GPtrArray *fonts = g_ptr_array_new();
	char *key = l ? piece_key(l, x, y, colour, side, fonts) : xasprintf("ground %a %06x",
	    side, colour);
	struct svg_piece *pc = NULL;
	guint own = 0;

	for (guint i = 0; key != NULL && i < fonts->len; i++) {
		guint at;

		if (g_ptr_array_find(so->fonts, fonts->pdata[i], &at) && at < so->fonts->len - own)
			so->failed = 1;	/* a font an earlier piece used */
		else if (!g_ptr_array_find(so->fonts, fonts->pdata[i], NULL)) {
			g_ptr_array_add(so->fonts, fonts->pdata[i]);
			own++;
		}
	}
	g_ptr_array_free(fonts, TRUE);
	if (key == NULL || so->failed) {
		so->failed = 1;
		free(key);
		return;
	}
	pthread_mutex_lock(&pieces.lock);
	if (pieces.v == NULL)
		pieces.v = g_hash_table_new_full(g_str_hash, g_str_equal, free, piece_free);
	if ((pc = g_hash_table_lookup(pieces.v, key)) == NULL &&
	    (pc = piece_draw(l, x, y, colour, side)) != NULL) {
		size_t bytes = strlen(key) + strlen(pc->head) + strlen(pc->defs) + strlen(pc->body);

		if (pieces.bytes + bytes > PIECES_BYTES) {
			g_hash_table_remove_all(pieces.v);
			pieces.bytes = 0;
		}
		g_hash_table_insert(pieces.v, key, pc);
		pieces.bytes += bytes;
		key = NULL;
	}
	if (pc == NULL || (int)own != pc->nfonts)
		so->failed = 1;	/* not as cairo writes it, or a font counted twice */
	else {
		if (so->head.len == 0)
			buf_adds(&so->head, pc->head);
		add_glyph_ids(&so->defs, pc->defs, so->nfonts);
		add_glyph_ids(&so->body, pc->body, so->nfonts);
		so->nfonts += pc->nfonts;
	}
	pthread_mutex_unlock(&pieces.lock);
	free(key);
}

/* Draws layout `l` at (x, y); for an SVG (`so`), also lists its text there, and while
 * composing puts it in as a piece rather than drawing it. */
static void
show(cairo_t *cr, PangoLayout *l, double x, double y, unsigned colour, struct svg_out *so)
{
	if (so != NULL && so->compose)
		svg_piece(so, l, x, y, colour, so->side);
	else {
		cairo_set_source_rgb(cr, (colour >> 16) / 255.0, ((colour >> 8) & 0xff) / 255.0,
		    (colour & 0xff) / 255.0);
		cairo_move_to(cr, x, y);
		pango_cairo_show_layout(cr, l);
	}
	if (so != NULL)
		svg_words(&so->words, l, x, y);
}

/* The 10 x 10 children written into an SVG by gen itself, in `svg`: each kind of child once,
 * a shape in <defs> (its outline as cairo makes it, from child_path()), and a <use> of it a
 * cell, rather than cairo writing the same path 100 times. `cr` draws the SVG in its own
 * units (svg_file(): no scale), so (x, y) and the path's points are the SVG's. */
static void
grid_svg(cairo_t *cr, struct buf *svg, double x, double y, double cw, int count,
    const struct template *t)
{
	static const char *const id[] = { "child", "child-counted" };
	cairo_path_t *path;

	child_path(cr, 0, 0, cw);
	path = cairo_copy_path(cr);
	cairo_new_path(cr);
	buf_adds(svg, "<defs>\n");
	svg_shape(svg, id[0], path, 0xffffff, (int)t->outline, child_line(cw));
	svg_shape(svg, id[1], path, t->accent, -1, 0);
	buf_adds(svg, "</defs>\n");
	cairo_path_destroy(path);
	for (int i = 0; i < GRID * GRID; i++)
		svg_use(svg, id[i < count], x + (i % GRID) * cw, y + (i / GRID) * cw * CHILD_H);
}

/* The 10 x 10 children in pixels: each kind of child drawn once, on white, and its pixels
 * copied to each cell, its corner moved to the nearest whole pixel (a fiftieth of the
 * drawing, for a shift of the children by at most half a pixel). */
static void
grid_pixels(cairo_t *cr, double x, double y, double cw, int count, const struct template *t)
{
	cairo_matrix_t m;
	cairo_surface_t *one[2], *target = cairo_get_target(cr);
	unsigned char *data = cairo_image_surface_get_data(target);
	int tw, th, stride = cairo_image_surface_get_stride(target);
	int W = cairo_image_surface_get_width(target), H = cairo_image_surface_get_height(target);

	cairo_get_matrix(cr, &m);
	tw = (int)ceil(cw * m.xx) + 1;
	th = (int)ceil(cw * CHILD_H * m.yy) + 1;
	for (int k = 0; k < 2; k++) {
		cairo_t *rc;

		one[k] = cairo_image_surface_create(CAIRO_FORMAT_RGB24, tw, th);
		rc = cairo_create(one[k]);
		cairo_set_source_rgb(rc, 1, 1, 1);
		cairo_paint(rc);
		cairo_scale(rc, m.xx, m.yy);
		child(rc, 0, 0, cw, k, t);
		cairo_destroy(rc);
	}
	cairo_surface_flush(target);
	cairo_surface_flush(one[0]);
	cairo_surface_flush(one[1]);
	for (int i = 0; i < GRID * GRID; i++) {	/* opaque: each cell's rows copied */
		cairo_surface_t *src = one[i < count];
		double dx = x + (i % GRID) * cw, dy = y + (i / GRID) * cw * CHILD_H;
		int left, top, from, to;

		cairo_user_to_device(cr, &dx, &dy);
		left = (int)floor(dx + 0.5);
		top = (int)floor(dy + 0.5);
		from = left < 0 ? -left : 0;	/* the columns inside the picture */
		to = left + tw > W ? W - left : tw;
		for (int r = top < 0 ? -top : 0; r < th && top + r < H && from < to; r++)
			memcpy(data + (size_t)(top + r) * (size_t)stride + (size_t)(left + from) * 4,
			    cairo_image_surface_get_data(src) + (size_t)r *
			    (size_t)cairo_image_surface_get_stride(src) + (size_t)from * 4,
			    (size_t)(to - from) * 4);
	}
	cairo_surface_mark_dirty(target);
	cairo_surface_destroy(one[0]);
	cairo_surface_destroy(one[1]);
}

/* The 10 x 10 children, w wide, the first `count` of them filled; with `svg`, written
 * there by gen itself (grid_svg()), not drawn on `cr`. */
static void
grid(cairo_t *cr, double x, double y, double w, int count, const struct template *t,
    struct buf *svg)
{
	double cw = w / GRID;
	cairo_rectangle_t cell = { 0, 0, cw, cw * CHILD_H };
	cairo_surface_t *one[2];
	cairo_matrix_t m;
	cairo_t *rc;

	if (svg != NULL) {
		grid_svg(cr, svg, x, y, cw, count, t);
		return;
	}
	cairo_get_matrix(cr, &m);
	if (cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_IMAGE &&
	    m.xy == 0 && m.yx == 0 && m.xx > 0 && m.yy > 0) {
		grid_pixels(cr, x, y, cw, count, t);
		return;
	}
	if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_PDF) {
		for (int i = 0; i < GRID * GRID; i++)	/* an image turned, say: each drawn */
			child(cr, x + (i % GRID) * cw, y + (i / GRID) * cw * CHILD_H, cw,
			    i < count, t);
		return;
	}
	/* In a PDF each kind of child is drawn once, as a form the page uses 100 times: a
	 * tenth of the content to write and compress. */
	for (int k = 0; k < 2; k++) {
		one[k] = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &cell);
		rc = cairo_create(one[k]);
		child(rc, 0, 0, cw, k, t);
		cairo_destroy(rc);
	}
	for (int i = 0; i < GRID * GRID; i++) {
		cairo_set_source_surface(cr, one[i < count], x + (i % GRID) * cw,
		    y + (i / GRID) * cw * CHILD_H);
		cairo_paint(cr);
	}
	cairo_surface_destroy(one[0]);
	cairo_surface_destroy(one[1]);
}

/* The number's layout, `size` pt (or what its absence means), and the caption's, wrapped to
 * `width`, in `num` and `cap`; `h` is the number's height, where the caption starts under it. */
static void
number_layouts(PangoContext *ctx, const struct template *t, const struct node *n, double size,
    double csize, double width, PangoLayout **num, PangoLayout **cap, double *h)
{
	const struct style *body = &t->role[R_BODY];
	char count[8];
	PangoRectangle lr;

	snprintf(count, sizeof(count), "%d", panel_of(n)->count);
	if (panel_of(n)->count < 0)	/* no figure: what it means, where the number would be */
		*num = text_layout(ctx, body, datum_words(t->word, panel_of(n)->kind, 0),
		    size * 0.4, 700, width);
	else
		*num = text_layout(ctx, body, count, size, 700, 0);
	pango_layout_get_extents(*num, NULL, &lr);
	*h = lr.height / (double)PANGO_SCALE;
	*cap = text_layout(ctx, body, n->label, csize, 600, width);
}

/* The number, `size` pt, and under it the caption wrapped to `width`. */
static void
number_caption(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct node *n,
    double x, double y, double size, double csize, double width, struct svg_out *words)
{
	PangoLayout *num, *cap;
	double h;

	number_layouts(ctx, t, n, size, csize, width, &num, &cap, &h);
	show(cr, num, x, y, t->accent, words);
	show(cr, cap, x, y + h, t->role[R_BODY].colour, words);
	g_object_unref(num);
	g_object_unref(cap);
}

static void
hundred_draw(void *vcr, PangoContext *ctx, const struct template *t, const struct node *n,
    double x, double y, double w)
{
	cairo_t *cr = vcr;
	double size = fmin(11, w / 14);

	/* A long caption is set smaller rather than run into the children below it. */
	for (; size > MIN_TEXT_PT; size -= 0.5) {
		PangoLayout *l = text_layout(ctx, &t->role[R_BODY], n->label, size, 600, w);
		PangoRectangle lr;

		pango_layout_get_extents(l, NULL, &lr);
		g_object_unref(l);
		if (lr.height / (double)PANGO_SCALE <= CAPTION_H - 4)
			break;
	}
	number_caption(cr, ctx, t, n, x, y, w * NUMBER_H * 0.8, size, w, NULL);
	grid(cr, x, y + w * NUMBER_H + CAPTION_H, w, panel_of(n)->count, t, NULL);
}

/* ---- the panel alone: PNG and SVG ---- */

/* A panel's headline when it stands alone: the tag's heading, with the area's name after it
 * when the heading does not name it; the area's name alone without a heading. The caller
 * frees. */
static char *
panel_headline(const struct node *n)
{
	const struct node *p = n->parent;

	if (p == NULL || p->label == NULL)
		return xstrdup(inl_str(&n->text));
	if (p->text_under)
		return xasprintf("%s\n%s", p->label, inl_str(&n->text));
	return xstrdup(p->label);
}

/* A panel alone, on a square `side` pt: its headline across the top at (m, m), its number
 * at (m, ny) and caption at (m, cy) on the left, its children (gw wide) at (gx, top) on the
 * right; laid out, not drawn. */
struct square {
	PangoLayout	*head, *num, *cap;
	double		 m, top, gw, gx, ny, cy;
};

static void
square_plan(PangoContext *ctx, const struct template *t, const struct node *n, double side,
    struct square *q)
{
	double inner = side - 2 * side * 0.07, room, h;
	char *head = panel_headline(n);
	PangoRectangle lr;

	q->m = side * 0.07;
	q->head = text_layout(ctx, &t->role[R_BODY], head, side * 0.045, 700, inner);
	free(head);
	pango_layout_get_extents(q->head, NULL, &lr);
	q->top = q->m + lr.height / (double)PANGO_SCALE + side * 0.06;
	room = side - q->m - q->top;
	q->gw = fmin(inner * 0.55, room / (GRID * CHILD_H / GRID * GRID / GRID));
	q->gw = fmin(q->gw, room / CHILD_H);
	q->gx = side - q->m - q->gw;
	q->ny = q->top - side * 0.02;
	number_layouts(ctx, t, n, side * 0.2, side * 0.038, inner - q->gw - side * 0.05, &q->num,
	    &q->cap, &h);
	q->cy = q->ny + h;
}

static void
square_free(struct square *q)
{
	g_object_unref(q->head);
	g_object_unref(q->num);
	g_object_unref(q->cap);
}

/* Draws the panel with its headline on a white square of side `side` pt: the headline
 * across the top, the number and caption on the left, the children on the right. With
 * `words` (an SVG's), lists its text there and writes the children there (grid_svg()). */
static void
square_draw(cairo_t *cr, const struct square *q, const struct template *t, const struct node *n,
    double side, struct svg_out *words)
{
	if (words != NULL && words->compose)
		svg_piece(words, NULL, 0, 0, 0xffffff, side);
	else {
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
	}
	show(cr, q->head, q->m, q->m, t->accent, words);
	grid(cr, q->gx, q->top, q->gw, panel_of(n)->count, t, words ? &words->words : NULL);
	show(cr, q->num, q->m, q->ny, t->accent, words);
	show(cr, q->cap, q->m, q->cy, t->role[R_BODY].colour, words);
}

static void
draw_square(cairo_t *cr, PangoContext *ctx, const struct template *t, const struct node *n,
    double side, struct svg_out *words)
{
	struct square q;

	square_plan(ctx, t, n, side, &q);
	square_draw(cr, &q, t, n, side, words);
	square_free(&q);
}

/* Writes `len` bytes to `path` (whole or not at all: write_file()). */
static int
write_atomic(struct gen *g, const char *path, const char *data, size_t len)
{
	if (write_file(path, data, len) == -1) {
		msg(g, MSG_FATAL, path, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- a panel's PNG from parts kept ---- */

/* A panel's picture is three parts: the headline (the same in each of an area's panels, one
 * after another), the number, caption and children below it (the same in every area with
 * that figure, where the headline takes as many lines), and white. When the rows the first
 * two can reach (their ink, and INK_MARGIN more) lie in bands of the PNG's of their own, apart,
 * each band is its part's alone: kept from a panel drawn before, by what its part draws, the
 * PNG is joined from them (image_png_join()), not drawn and compressed again. The rows are
 * checked on each panel drawn: a part that reached past its rows is not kept. */
#define INK_MARGIN	2	/* px past the ink a part is taken to reach (smoothing) */
#define INK_GAP		3	/* white rows, at least, between the two parts */
#define PARTS_BYTES	(32u << 20)	/* body parts kept, at most; then all are let go */

struct png_part {
	int		 r0, r1;	/* the rows it reaches (png_rows()) */
	int		 first, n;	/* its bands */
	struct image_band *b;
	size_t		 bytes;
};

static struct {
	pthread_mutex_t	 lock;
	GHashTable	*v;		/* body parts and white bands, by png_keys()'s key */
	size_t		 bytes;
	char		*head_key;	/* the last headline's */
	struct png_part	*head;
} kept = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
part_free(void *v)
{
	struct png_part *pp = v;

	for (int i = 0; pp != NULL && i < pp->n; i++)
		free(pp->b[i].z);
	if (pp != NULL)
		free(pp->b);
	free(pp);
}

/* Widens rows [*r0, *r1] to the ink of layout `l` drawn at (x, y) pt, `k` px a pt. */
static void
ink_rows(PangoLayout *l, double y, double k, int *r0, int *r1)
{
	PangoRectangle ink;

	pango_layout_get_extents(l, &ink, NULL);
	if (ink.height <= 0)
		return;
	*r0 = MIN(*r0, (int)floor((y + ink.y / (double)PANGO_SCALE) * k) - INK_MARGIN);
	*r1 = MAX(*r1, (int)ceil((y + (ink.y + ink.height) / (double)PANGO_SCALE) * k) +
	    INK_MARGIN);
}

/* A panel's parts: what each draws, as keys, and the rows each can reach. */
struct png_parts {
	char	*head, *body;
	int	 h0, h1, b0, b1;	/* rows: the headline's, the body's */
};

/* The keys of the parts of panel `q`, PX px square; 0, or -1 for text cairo is given more
 * than glyphs for (piece_key()). */
static int
png_keys(const struct square *q, const struct template *t, const struct node *n, double side,
    int px, struct png_parts *pp)
{
	char grid[160], *head, *num, *cap;
	GPtrArray *fonts = g_ptr_array_new();

	head = piece_key(q->head, q->m, q->m, t->accent, side, fonts);
	num = piece_key(q->num, q->m, q->ny, t->accent, side, fonts);
	cap = piece_key(q->cap, q->m, q->cy, t->role[R_BODY].colour, side, fonts);
	snprintf(grid, sizeof(grid), "%d %a %a %a %d %06x %06x", px, q->gx, q->top, q->gw,
	    panel_of(n)->count, t->accent, t->outline);
	if (head != NULL)
		pp->head = xasprintf("%d %s", px, head);
	if (num != NULL && cap != NULL)
		pp->body = xasprintf("%s\n%s\n%s", grid, num, cap);
	free(head);
	free(num);
	free(cap);
	g_ptr_array_free(fonts, TRUE);
	return pp->head != NULL && pp->body != NULL ? 0 : -1;
}

/* The rows the parts of panel `q` reach, PX px square: their ink, and the children's cells of
 * pixels from the top of the first row (grid_pixels()) to the bottom of the last. */
static void
png_rows(const struct square *q, double side, int px, struct png_parts *pp)
{
	double k = px / side;

	pp->h0 = pp->b0 = INT_MAX;
	pp->h1 = pp->b1 = INT_MIN;
	ink_rows(q->head, q->m, k, &pp->h0, &pp->h1);
	ink_rows(q->num, q->ny, k, &pp->b0, &pp->b1);
	ink_rows(q->cap, q->cy, k, &pp->b0, &pp->b1);
	pp->b0 = MIN(pp->b0, (int)floor(q->top * k) - INK_MARGIN);
	pp->b1 = MAX(pp->b1, (int)ceil((q->top + q->gw * CHILD_H) * k) + 2 + INK_MARGIN);
}

/* Whether the headline's rows [h0, h1] and the body's [b0, b1] of a picture `px` high lie in
 * bands apart, white rows between them. */
static int
parts_apart(int h0, int h1, int b0, int b1, int px)
{
	return h0 >= 0 && h0 <= h1 && b0 - h1 > INK_GAP &&
	    b0 / IMAGE_BAND_ROWS > h1 / IMAGE_BAND_ROWS && b1 < px;
}

/* The key of a white band of `rows` rows, w px wide. */
static char *
white_key(int w, int rows)
{
	return xasprintf("white %d %d", w, rows);
}

/* Each band of the w x h panel of parts `pp` from the parts kept, in `bands`; 0 when all are
 * there. Called with kept.lock held. */
static int
png_from_parts(const struct png_parts *pp, int w, int h, const struct image_band **bands)
{
	const struct png_part *body = kept.v ? g_hash_table_lookup(kept.v, pp->body) : NULL;

	if (kept.head == NULL || strcmp(kept.head_key, pp->head) != 0 || body == NULL ||
	    !parts_apart(kept.head->r0, kept.head->r1, body->r0, body->r1, h))
		return -1;
	for (int y = 0, k = 0; y < h; y += IMAGE_BAND_ROWS, k++) {
		const struct png_part *part = k >= kept.head->first && k < kept.head->first +
		    kept.head->n ? kept.head : k >= body->first && k < body->first + body->n ?
		    body : NULL;

		if (part == NULL) {
			char *key = white_key(w, MIN(IMAGE_BAND_ROWS, h - y));

			part = g_hash_table_lookup(kept.v, key);
			free(key);
			if (part == NULL)
				return -1;
			bands[k] = &part->b[0];
		} else
			bands[k] = &part->b[k - part->first];
	}
	return 0;
}

/* A part reaching rows [r0, r1], made of the bands of `got` that hold them, which it takes. */
static struct png_part *
part_take(struct image_band *got, int r0, int r1)
{
	struct png_part *pp = xcalloc(1, sizeof(*pp));
	int first = r0 / IMAGE_BAND_ROWS, last = r1 / IMAGE_BAND_ROWS;

	pp->r0 = r0;
	pp->r1 = r1;
	pp->first = first;
	pp->n = last - first + 1;
	pp->b = xmalloc((size_t)pp->n * sizeof(*pp->b));
	for (int i = 0; i < pp->n; i++) {
		pp->b[i] = got[first + i];
		got[first + i].z = NULL;
		pp->bytes += pp->b[i].zlen;
	}
	return pp;
}

/* Whether rows [r0, r1] of the picture `px` (w px, `stride` bytes a row) are white. */
static int
rows_white(const unsigned char *px, int stride, int w, int r0, int r1)
{
	static unsigned char white[4 * 4096];	/* cairo's white, its unused byte set too */

	if (white[0] == 0)
		memset(white, 0xff, sizeof(white));
	for (int r = MAX(r0, 0); r <= r1; r++) {
		const uint32_t *row = (const uint32_t *)(px + (size_t)r * (size_t)stride);

		if ((size_t)w * 4 <= sizeof(white) && memcmp(row, white, (size_t)w * 4) == 0)
			continue;
		for (int x = 0; x < w; x++)
			if ((row[x] & 0xffffff) != 0xffffff)
				return 0;
	}
	return 1;
}

/* Keeps the parts `pp` of the panel just drawn (pixels `px`, h rows), whose bands are `got`
 * (those taken are set to NULL), once its rows outside them are seen to be white. Called
 * with kept.lock held. */
static void
png_keep_parts(const struct png_parts *pp, const unsigned char *px, int stride, int w, int h,
    struct image_band *got)
{
	int hb0 = pp->h0 / IMAGE_BAND_ROWS, hb1 = pp->h1 / IMAGE_BAND_ROWS;
	int bb0 = pp->b0 / IMAGE_BAND_ROWS, bb1 = pp->b1 / IMAGE_BAND_ROWS;

	if (!rows_white(px, stride, w, 0, pp->h0 - 1) ||
	    !rows_white(px, stride, w, pp->h1 + 1, pp->b0 - 1) ||
	    !rows_white(px, stride, w, pp->b1 + 1, h - 1))
		return;	/* a part reached past its rows: nothing kept of this panel */
	if (kept.v == NULL)
		kept.v = g_hash_table_new_full(g_str_hash, g_str_equal, free, part_free);
	if (kept.head == NULL || strcmp(kept.head_key, pp->head) != 0) {
		part_free(kept.head);
		free(kept.head_key);
		kept.head = part_take(got, pp->h0, pp->h1);
		kept.head_key = xstrdup(pp->head);
	}
	if (kept.bytes > PARTS_BYTES) {
		g_hash_table_remove_all(kept.v);
		kept.bytes = 0;
	}
	if (g_hash_table_lookup(kept.v, pp->body) == NULL) {
		struct png_part *body = part_take(got, pp->b0, pp->b1);

		kept.bytes += body->bytes;
		g_hash_table_insert(kept.v, xstrdup(pp->body), body);
	}
	for (int y = 0, k = 0; y < h; y += IMAGE_BAND_ROWS, k++) {
		char *key;

		if ((k >= hb0 && k <= hb1) || (k >= bb0 && k <= bb1) || got[k].z == NULL)
			continue;
		key = white_key(w, MIN(IMAGE_BAND_ROWS, h - y));
		if (g_hash_table_lookup(kept.v, key) == NULL)
			g_hash_table_insert(kept.v, key, part_take(got, y, y));
		else
			free(key);
	}
}

/* The panel as PNG: drawn once at 1080 px square and compressed once, then written as the
 * print file (300 dpi: 91.4 mm) and the social-media file (the same pixels at 144 dpi). */
static int
png_files(struct gen *g, const struct template *t, const struct node *n, const char *lang,
    const char *print, const char *social)
{
	enum { PX = 1080, NBANDS = (PX + IMAGE_BAND_ROWS - 1) / IMAGE_BAND_ROWS };
	const struct image_band *bands[NBANDS];
	struct image_band got[NBANDS];
	struct png_parts pp = { NULL, NULL, 0, 0, 0, 0 };
	struct square q;
	int parted;
	/* One picture's memory for every panel, drawn over whole each time (draw_square()
	 * paints it white first): 4.5 MB not mapped, faulted in and given back a panel. */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static unsigned char *pixels;
	int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, PX);
	int mine = pthread_mutex_trylock(&lock) == 0;
	unsigned char *px = mine ? pixels : NULL;
	cairo_surface_t *s;
	cairo_t *cr;
	PangoContext *ctx;
	struct buf png = { NULL, 0, 0 };
	int rc;

	if (px == NULL)		/* the first panel, or another thread's at once: its own */
		px = xmalloc((size_t)stride * PX);
	if (mine)
		pixels = px;
	s = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_RGB24, PX, PX, stride);
	if (cairo_surface_status(s) == CAIRO_STATUS_NO_MEMORY)
		out_of_memory();
	cr = cairo_create(s);
	ctx = layout_context();
	cairo_scale(cr, PX / 540.0, PX / 540.0);	/* drawn on a 540 pt square */
	pango_cairo_update_context(cr, ctx);
	square_plan(ctx, t, n, 540, &q);
	parted = png_keys(&q, t, n, 540, PX, &pp) == 0;
	pthread_mutex_lock(&kept.lock);
	if (parted && png_from_parts(&pp, PX, PX, bands) == 0)
		rc = image_png_join(PX, PX, 300, n->alt, lang, bands, &png);
	else {
		if (parted) {	/* a part new: where they are, to keep them */
			png_rows(&q, 540, PX, &pp);
			parted = parts_apart(pp.h0, pp.h1, pp.b0, pp.b1, PX);
		}
		square_draw(cr, &q, t, n, 540, NULL);
		rc = image_png_encode(s, 300, n->alt, lang, &png, parted ? got : NULL);
		if (parted && rc == 0)
			png_keep_parts(&pp, px, stride, PX, PX, got);
		for (int k = 0; parted && k < NBANDS; k++)
			free(got[k].z);
	}
	pthread_mutex_unlock(&kept.lock);
	square_free(&q);
	free(pp.head);
	free(pp.body);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	if (mine)
		pthread_mutex_unlock(&lock);
	else
		free(px);
	g_object_unref(ctx);
	if (rc == -1) {
		msg(g, MSG_FATAL, print, 0, 0, "cannot encode the PNG");
	} else if ((rc = write_atomic(g, print, png.s, png.len)) == 0) {
		if ((rc = image_png_set_dpi(&png, 144)) == -1)
			msg(g, MSG_FATAL, social, 0, 0, "cannot set the PNG's resolution");
		else
			rc = write_atomic(g, social, png.s, png.len);
	}
	buf_free(&png);
	return rc;
}

/* cairo's SVG of the panel whose pieces `so` holds (svg_piece()), as cairo writes it. */
static void
svg_join(const struct svg_out *so, struct buf *svg)
{
	buf_add(svg, so->head.s, so->head.len);
	if (so->defs.len > 0) {
		buf_adds(svg, "<defs>\n<g>\n");
		buf_add(svg, so->defs.s, so->defs.len);
		buf_adds(svg, "</g>\n</defs>\n");
	}
	buf_adds(svg, "<g id=\"surface1\">\n");
	buf_add(svg, so->body.s, so->body.len);
	buf_adds(svg, "</g>\n</svg>\n");
}

/* The panel as SVG, made accessible and written once. cairo's part of it is put together
 * from pieces drawn alone and kept (svg_piece()): the same bytes as cairo's SVG of the whole
 * panel, which is drawn instead when the pieces cannot say what it would be. */
static int
svg_file(struct gen *g, const struct template *t, const struct node *n, const char *lang,
    const char *path)
{
	char *title = panel_headline(n);
	struct buf svg = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	struct svg_out so = { .compose = 1, .fonts = g_ptr_array_new(), .side = 540 };
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(cairo_to_buf, &svg, 540, 540);
	cairo_t *cr = cairo_create(s);
	PangoContext *ctx = layout_context();
	int rc;

	cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
	pango_cairo_update_context(cr, ctx);
	draw_square(cr, ctx, t, n, 540, &so);
	if (so.failed) {	/* drawn whole by cairo */
		buf_free(&so.words);
		so.compose = 0;
		draw_square(cr, ctx, t, n, 540, &so);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (!so.failed) {
		buf_free(&svg);
		svg_join(&so, &svg);
	}
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || svg.s == NULL ||
	    svg_accessible(svg.s, title, n->alt, lang, so.words.s, &out) == -1) {
		msg(g, MSG_FATAL, path, 0, 0, "cannot write the SVG");
		rc = -1;
	} else
		rc = write_atomic(g, path, out.s, out.len);
	cairo_surface_destroy(s);
	g_object_unref(ctx);
	buf_free(&svg);
	buf_free(&out);
	buf_free(&so.words);
	buf_free(&so.head);
	buf_free(&so.defs);
	buf_free(&so.body);
	g_ptr_array_free(so.fonts, TRUE);
	free(title);
	return rc;
}

static int
hundred_files(struct gen *g, const struct template *t, const struct node *n, const char *lang,
    const char *dir, struct buf *alt)
{
	const char *slug = panel_of(n)->slug;
	char *print = xasprintf("%s/%s.png", dir, slug);
	char *social = xasprintf("%s/%s-1080.png", dir, slug);
	char *web = xasprintf("%s/%s.svg", dir, slug);
	int rc = png_files(g, t, n, lang, print, social) | svg_file(g, t, n, lang, web);

	/* One line a panel: what to paste beside the picture when posting it. */
	buf_adds(alt, slug);
	buf_adds(alt, "-1080.png\t");
	for (const char *p = n->alt; *p; p++)
		buf_addc(alt, *p == '\n' || *p == '\t' ? ' ' : *p);
	buf_addc(alt, '\n');

	free(print);
	free(social);
	free(web);
	return rc ? -1 : 0;
}

static char *
hundred_picture(const struct node *n)
{
	return xasprintf("%s-1080.png", panel_of(n)->slug);
}

/* ---- as HTML ---- */

/* Appends `text` as lines of at most `width` characters, broken between words, as <tspan>s
 * `lead` apart from y. */
static void
svg_lines(struct hout *h, const char *text, int width, double x, double y, double lead)
{
	const char *p = text;
	int lines = 0;

	while (*p) {
		const char *end = p, *brk = NULL;
		char at[64], *piece;
		glong chars = 0;

		while (*end && chars <= width) {	/* the last space that keeps the line short */
			if (*end == ' ')
				brk = end;
			end = g_utf8_next_char(end);
			chars++;
		}
		if (*end == '\0' && chars <= width)
			brk = end;
		else if (brk == NULL)
			brk = end;	/* a word longer than a line: it runs on */
		snprintf(at, sizeof(at), "<tspan x=\"%g\" y=\"%g\">", x, y + lines * lead);
		html_raw(h, at);
		piece = xstrndup(p, (size_t)(brk - p));
		html_text(h, piece);
		free(piece);
		html_raw(h, "</tspan>");
		lines++;
		p = *brk == ' ' ? brk + 1 : brk;
	}
}

/* The child, drawn once a page as a symbol the panels use 100 times each. */
static const char child_symbol[] =
	"<svg class=\"defs\" aria-hidden=\"true\" focusable=\"false\"><defs>"
	"<symbol id=\"child\" viewBox=\"0 0 10 13\"><circle cx=\"5\" cy=\"2.6\" r=\"1.7\"/>"
	"<path d=\"M2.4 6.1C2.4 4.9 7.6 4.9 7.6 6.1L6.7 11.7H3.3Z\"/></symbol>"
	"</defs></svg>\n";

/* A panel: its number and caption as the SVG's own text (selectable, searchable), the 100
 * children, and the sentence a screen reader says for it all. */
static void
panel_html(struct hout *h, const struct node *p)
{
	char num[160];

	html_raw(h, "<li class=\"panel\"><svg viewBox=\"0 0 100 186\" role=\"img\" aria-label=\"");
	html_text(h, p->alt ? p->alt : "");
	html_raw(h, "\">");
	if (panel_of(p)->count >= 0) {
		snprintf(num, sizeof(num), "<text x=\"0\" y=\"20\" class=\"count\">%d</text>",
		    panel_of(p)->count);
		html_raw(h, num);
	} else {	/* no figure: what that means, where the number would be */
		html_raw(h, "<text x=\"0\" y=\"16\" class=\"count none\">");
		html_text(h, datum_words(html_template(h)->word, panel_of(p)->kind, 0));
		html_raw(h, "</text>");
	}
	html_raw(h, "<text class=\"caption\">");
	svg_lines(h, p->label ? p->label : "", 24, 0, 31, 7.5);
	html_raw(h, "</text>");
	for (int i = 0; i < GRID * GRID; i++) {
		snprintf(num, sizeof(num), "<use href=\"#child\" x=\"%d\" y=\"%d\" width=\"10\" "
		    "height=\"13\" class=\"%s\"/>", (i % GRID) * 10, 56 + (i / GRID) * 13,
		    i < panel_of(p)->count ? "on" : "off");
		html_raw(h, num);
	}
	html_raw(h, "</svg></li>\n");
}

/* As HTML: the headline as the heading the PDF tags it as, then the panels as a list. */
static void
hundred_html(struct hout *h, const struct node *n)
{
	if (n->label != NULL) {
		char tag[48];

		snprintf(tag, sizeof(tag), "<h%d class=\"headline\">", html_heading_level(h, n));
		html_raw(h, tag);
		html_text(h, n->label);
		snprintf(tag, sizeof(tag), "</h%d>\n", html_heading_level(h, n));
		html_raw(h, tag);
	}
	if (n->label == NULL || n->text_under) {	/* the area's name, as the PDF sets it under the
						 * headline: a visual cue (each panel's text names it) */
		html_raw(h, "<p class=\"area\" aria-hidden=\"true\">");
		html_text(h, inl_str(&n->text));
		html_raw(h, "</p>\n");
	}
	html_raw(h, child_symbol);
	html_raw(h, "<ul class=\"panels\">\n");
	for (const struct node *p = n->first; p; p = p->next)
		panel_html(h, p);
	html_raw(h, "</ul>\n");
}

static void
hundred_css(struct buf *b, const struct template *t)
{
	buf_adds(b, ".area{font-size:1.3rem;font-weight:700;margin:.5rem 0}\n"
	    ".panels{list-style:none;padding:0;display:grid;gap:1rem;"
	    "grid-template-columns:repeat(auto-fill,minmax(min(100%,13rem),1fr))}\n"
	    ".panel svg{width:100%;max-width:16rem;height:auto;overflow:visible}\n"
	    ".panel .count{font-size:22px;font-weight:700;");
	css_colour(b, "fill", t->accent);
	buf_adds(b, "}\n.panel .count.none{font-size:11px}\n.panel .caption{font-size:6.2px;"
	    "font-weight:600;");
	css_colour(b, "fill", t->role[R_BODY].colour);
	buf_adds(b, "}\n.panel .on{");
	css_colour(b, "fill", t->accent);
	buf_adds(b, "}\n.panel .off{fill:#fff;stroke-width:.5;");
	css_colour(b, "stroke", t->outline);
	buf_adds(b, "}\n");
}

const struct component comp_hundreds = {
	.tag = "hundreds",
	.make = hundred_make,
	.place = hundred_place,
	.whole_tag = "Sect",
	.part_tag = "Figure",
	.height = hundred_height,
	.draw = hundred_draw,
	.html = hundred_html,
	.files = hundred_files,
	.picture = hundred_picture,
	.css = hundred_css,
	.free = free,	/* a struct panel or struct panels, neither holding more */
};
