/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backend.c: what a build writes, behind one interface (struct backend: begin a document,
 * each block of the tree in reading order, end) and in one table. A new output format is a
 * file of its own and a line here; main.c asks the table and names no format. */
#include <stddef.h>

#include "gen.h"

static const struct backend *const backends[] = {
	&backend_text,
};

void
backends_write(struct gen *g, const struct doc *d)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		void *state = backends[i]->begin(g, d);

		if (state == NULL)
			continue;
		for (const struct node *n = d->root->first; n != NULL; n = n->next)
			backends[i]->block(state, n);
		backends[i]->end(state, g);
	}
}
