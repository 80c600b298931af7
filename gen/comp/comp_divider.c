/* SPDX-License-Identifier: GPL-3.0-or-later */
/* comp_divider.c: <divider title="…">, a part's divider page: an ordinary node (N_DIVIDER)
 * that layout.c places and html.c writes as a part's heading. Made from its tag
 * (components.c). */
#include <stdlib.h>

#include "gen.h"

/* <divider title="…">: a part's divider page, an ordinary node the layout knows. */
static struct node *
divider_make(const struct component_call *c)
{
	struct node *x = node_new(N_DIVIDER, c->file, c->line, c->col);
	char *title = component_attr(c->tag, "title");

	if (title == NULL)
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<divider> needs title=\"…\"");
	else
		buf_adds(&x->text.text, title);
	free(title);
	return x;
}

const struct component comp_divider = { .tag = "divider", .make = divider_make };
