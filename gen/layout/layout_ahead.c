/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout_ahead.c: a second thread that lays out the second half of a long document while
 * the first thread does the first half; layout.c takes each layout it needs from it. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"
#include "layout.h"

/* ---- the second thread ---- */

/* Bytes of text in `n` and the blocks inside it. */
size_t
text_weight(const struct node *n)
{
	size_t w = n->text.text.len;

	for (const struct node *c = n->first; c != NULL; c = c->next)
		w += text_weight(c);
	return w;
}

static void
queue_free(gpointer q)
{
	g_queue_free_full(q, g_object_unref);
}

/* The worker: lays out the blocks from w->f.split to the end, keeping every layout made. */
static void *
work_ahead(void *arg)
{
	struct worker *w = arg;
	struct flow *f = &w->f;
	const struct node *from = f->split;

	oom_thread_stack();
	w->ctx = layout_context();	/* in this thread: pango's font map is per thread */
	f->ps = xcalloc(1, sizeof(*f->ps));
	f->ps->ctx = w->ctx;
	f->split = NULL;
	find_notes(f, f->d->root);
	f->ahead = w->made;
	f->storing = 1;
	new_page(f, PG_BODY);
	place_blocks(f, from, (struct frame){ .w = f->width, .role = R_BODY });
	g_object_ref(w->ctx);	/* the pages go, their context stays for the first thread */
	pages_free(f->ps);
	flow_free(f);
	return NULL;
}

/* Starts the worker on the second half of the document's text, when it is long enough to
 * be worth a thread; else leaves f->worker NULL. */
void
ahead_start(struct flow *f)
{
	const struct node *n;
	size_t total = text_weight(f->d->root), sum = 0;
	struct worker *w;

	if (total < AHEAD_MIN || f->g->jobs < 2)
		return;
	for (n = f->d->root->first; n != NULL && sum < total / 2; n = n->next)
		sum += text_weight(n);
	if (n == NULL || n == f->d->root->first)
		return;
	w = xcalloc(1, sizeof(*w));
	w->f = (struct flow){ .d = f->d, .t = f->t, .top = f->top, .bottom = f->bottom,
	    .width = f->width, .split = n };
	w->made = g_hash_table_new_full(g_str_hash, g_str_equal, free, queue_free);
	if (pthread_create(&w->thread, NULL, work_ahead, w) != 0) {
		g_hash_table_destroy(w->made);
		free(w);
		return;		/* one thread does it all */
	}
	f->worker = w;
	f->split = n;
}

/* Waits for the worker and takes its layouts; a no-op without one. */
void
ahead_join(struct flow *f)
{
	struct worker *w = f->worker;

	if (w == NULL)
		return;
	/* From here on the layouts are the worker's: this thread's widths of words (a cache)
	 * are hardly needed again (at 1,000 sections not one word is shaped after this), and
	 * kept they were the second full table beside the worker's at the layout's peak. */
	widths_forget(f->widths);
	pthread_join(w->thread, NULL);
	f->ahead = w->made;
	f->ps->ctx_ahead = w->ctx;
	f->worker = NULL;
	f->split = NULL;
	free(w);
}

/* Drops the layouts made ahead that were not taken. */
void
ahead_end(struct flow *f)
{
	ahead_join(f);
	if (f->ahead != NULL)
		g_hash_table_destroy(f->ahead);
	f->ahead = NULL;
}

