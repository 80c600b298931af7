/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout_front.c: the front of a document: the cover's words fitted to its band, and the
 * contents, laid out after the body with the page numbers it found; page labels. Called by
 * layout.c and render.c. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"
#include "layout.h"

int
layout_cover(PangoContext *ctx, const struct template *t, const struct doc *d,
    struct cover *c)
{
	const char *text[3] = { d->title, d->subtitle, d->strapline };
	const enum style_role role[3] = { R_TITLE, R_SUBTITLE, R_BODY };
	int plain = t->cover == COVER_PLAIN;
	double band = t->page_h * COVER_BAND, colw = t->page_w - t->margin_inner -
	    t->margin_outer, top = t->margin_top, bottom = band - 24, lw, lh;

	if (t->logo != NULL) {	/* below the logo, 64 pt wide */
		image_size(t->logo, &lw, &lh);
		top += 64 * lh / lw + 24;
	}
	if (plain)
		top = fmax(top, t->page_h * COVER_PLAIN_TOP);
	memset(c, 0, sizeof(*c));
	/* The title alone smaller first (to half its size), then the others too. */
	for (int step = 0; step <= 20; step++) {
		double scale[3], y = 0, end = 0, y0;

		scale[0] = 1 - (step < 10 ? step : 10) * 0.05;
		scale[1] = scale[2] = 1 - (step > 10 ? step - 10 : 0) * 0.05;
		for (int i = 0; i < 3; i++) {
			struct style st = t->role[role[i]];
			PangoRectangle lr;

			if (text[i] == NULL)
				continue;
			if (role[i] == R_BODY) {	/* the strapline: 14 pt italic */
				st.size = 14;
				st.italic = 1;
			}
			if (i > 0)	/* never below 10 pt */
				scale[i] = fmax(scale[i], fmin(1, 10 / st.size));
			if (role[i] == R_BODY)
				y += 18 * scale[i];
			st.size *= scale[i];
			c->layout[i] = layout_text(ctx, &st, text[i], colw);
			pango_layout_get_extents(c->layout[i], NULL, &lr);
			c->y[i] = y;
			end = y + FROM_PANGO(lr.height);
			if (lr.width > 0)	/* its lines' pitch, or their own height */
				y += fmax(pango_layout_get_line_count(c->layout[i]) * st.leading *
				    scale[i], FROM_PANGO(lr.height)) + 12 * scale[i];
		}
		if (end <= bottom - top || step == 20) {
			/* only as high as it must */
			y0 = plain ? top : fmax(fmin(band * 0.38, bottom - end), top);
			for (int i = 0; i < 3; i++)
				c->y[i] += y0;
			c->bottom = y0 + end;
			c->scale = scale[0];
			return end <= bottom - top ? 0 : -1;
		}
		for (int i = 0; i < 3; i++)
			if (c->layout[i] != NULL) {
				g_object_unref(c->layout[i]);
				c->layout[i] = NULL;
			}
	}
	return -1;
}

/* ---- the contents: laid out after the body, with its page numbers ---- */

char *
page_label(const struct pages *ps, size_t i)
{
	static const char *const ones[] = { "", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii",
	    "ix" }, *const tens[] = { "", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc" };

	if ((int)i < ps->front && i < 99)
		return xasprintf("%s%s", tens[(i + 1) / 10], ones[(i + 1) % 10]);
	return xasprintf("%zu", i + 1 - (size_t)ps->front);
}

size_t
page_count(const struct pages *ps)
{
	return ps->n - (size_t)ps->front;
}

void
place_contents(struct flow *f, int first_body)
{
	const struct style *ts = &f->t->role[R_H1];
	PangoLayout *title = make_layout(f, ts, NULL, contents_title(f->t), f->width, 0);
	struct frame fr = { .w = f->width, .role = R_BODY };
	struct piece *pc;

	new_page(f, PG_TOC);
	cur_page(f)->opens_chapter = 1;
	pc = add_piece(f, PC_TEXT, NULL, 0, f->y, f->width, 0);
	pc->layout = title;
	pc->line0 = 0;
	pc->line1 = layout_line_count(title);
	pc->colour = ts->colour;
	f->y += FROM_PANGO(layout_line_count(title) * PT(ts->leading)) + ts->after;
	f->fresh = 0;
	for (size_t i = 0; i < f->nheads; i++) {
		const struct node *h = f->heads[i];
		/* its level in the contents: a part's chapters are listed under it */
		int lv = h->hlevel > 1 ? h->hlevel - 1 : h->level;
		const struct style *s = &f->t->role[lv <= 1 ? R_TOC1 : R_TOC2];
		double indent = lv <= 1 ? 0 : 14.0 * (lv - 1);
		char *num;
		PangoLayout *l, *nl;
		PangoRectangle lr;

		if (lv > f->t->toc_depth)
			continue;
		num = page_label(&(struct pages){ .front = f->t->front_roman ? first_body +
		    f->body_start : 0 }, (size_t)(first_body + f->head_page[i]));
		l = make_layout(f, s, &h->text, inl_str(&h->text), fr.w - indent - 40, 0);
		nl = make_layout(f, s, NULL, num, -1, 0);
		free(num);
		layout_extents(l, &lr);
		f->y += space_above(f, s->before);
		if (f->y + FROM_PANGO(lr.height) > f->bottom)
			new_page(f, PG_TOC);
		pc = add_piece(f, PC_TEXT, h, indent, f->y, fr.w - indent, FROM_PANGO(lr.height));
		pc->layout = l;
		pc->aux = nl;
		pc->line0 = 0;
		pc->line1 = layout_line_count(l);
		pc->role = RO_TOC;
		pc->colour = s->colour;
		f->y += FROM_PANGO(lr.height);
		f->fresh = 0;
		f->space = s->after;
	}
}

