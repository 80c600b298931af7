/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backend.c: what a build writes, behind one interface (struct backend, gen.h) and in one
 * table. A new output format is a file of its own and a line here; main.c asks the table
 * and names no format. The panels' files are this file's own back-end: each component node
 * that has files of its own writes them. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* Writes the files components make of their own beside the HTML (each hundred-children
 * panel alone, as PNG and SVG), and their alternative texts, in outdir/OUTNAME/. */
static int
files_write(struct gen *g, const struct doc *d)
{
	char *dir = xasprintf("%s/%s", g->outdir, d->outname), *path, *sub;
	struct buf alt = { NULL, 0, 0 };
	int made = 0, rc = 0;

	for (const struct node *n = d->root->first; n && rc == 0; n = n->next) {
		if (n->type != N_COMPONENT || n->comp->files == NULL)
			continue;
		if (!made && out_mkdir(dir) == -1) {
			msg(g, MSG_FATAL, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
			rc = -1;
			break;
		}
		made = 1;
		sub = n->dir ? xasprintf("%s/%s", dir, n->dir) : xstrdup(dir);
		if (n->dir != NULL && out_mkdir(sub) == -1) {
			msg(g, MSG_FATAL, sub, 0, 0, "cannot make the folder: %s", strerror(errno));
			rc = -1;
		}
		for (const struct node *p = n->first; p && rc == 0; p = p->next)
			rc = n->comp->files(g, d->tpl, p, d->lang, sub, &alt);
		free(sub);
	}
	/* The panels' alternative texts in one file, for posting them to social media. */
	if (rc == 0 && alt.len > 0) {
		path = xasprintf("%s/alt-text.txt", dir);
		rc = write_file_said(g, path, alt.s, alt.len);
		free(path);
	}
	buf_free(&alt);
	free(dir);
	return rc;
}

const struct backend backend_files = {
	.name = "files",
	.bit = OUT_FILES,
	.write = files_write,
};

/* In the order they are written: the PDF first, as the others are made only for a
 * document whose PDF was made (a build's first error stops the rest). */
static const struct backend *const backends[] = {
	&backend_pdf,
	&backend_files,
	&backend_html,
	&backend_text,
	&backend_preflight,	/* last: it reports what the others said */
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static int
chosen(const struct gen *g, const struct backend *b)
{
	return g->outputs == 0 || (g->outputs & b->bit) != 0;
}

/* A back-end made in memory on a thread of its own while the others write. */
struct beside {
	const struct backend	*b;
	struct gen		 g;	/* a copy, with messages counted apart */
	const struct doc	*d;
	void			*made;
	pthread_t		 thread;
	struct gen		*from;	/* what g is a copy of, when it is started */
	int			 started;
};

static void *
make_beside(void *arg)
{
	struct beside *t = arg;

	oom_thread_stack();
	t->made = t->b->make(&t->g, t->d);
	malloc_trim(0);		/* what it freed making it, back while the PDF goes on */
	return NULL;
}

/* Starts t's back-end on a thread of its own, unless it is started; t->b NULL when it cannot
 * be. */
static void
start_beside(void *arg)
{
	struct beside *t = arg;

	if (t->started || t->b == NULL)
		return;
	t->g = *t->from;
	t->g.counts = NULL;
	t->g.ncounts = 0;
	t->g.errors = 0;
	t->g.found = NULL;
	t->g.nfound = 0;
	t->g.found_more = 0;
	t->g.laid_out = NULL;
	t->started = pthread_create(&t->thread, NULL, make_beside, t) == 0;
	if (!t->started)
		t->b = NULL;
}

/* Writes d with back-end b, unless it is the one being made beside. */
static void
write_one(struct gen *g, const struct doc *d, const struct backend *b)
{
	if (b->write != NULL)
		b->write(g, d);
	else if (b->make != NULL) {
		void *made = b->make(g, d);

		if (made != NULL)
			b->put(made, g);
		b->free(made);
	} else {
		void *state = b->begin(g, d);

		if (state == NULL)
			return;
		for (const struct node *n = d->root->first; n != NULL; n = n->next)
			b->block(state, n);
		b->end(state, g);
	}
}

void
backends_write(struct gen *g, const struct doc *d)
{
	int errors = g->errors, nchosen = 0;
	struct beside t = { 0 };

	for (size_t i = 0; i < NBACKENDS; i++)
		nchosen += chosen(g, backends[i]);
	/* With processors to spare, the first that makes in memory is made beside the rest
	 * (the twin beside the PDF, which keeps one processor busy while it draws): started
	 * when render_pdf() has laid the pages out, not before, where it ran beside the
	 * layout's two threads and what it keeps (its files, 6 MB at 1,000 sections) and the
	 * holes it left were held through the layout's peak. */
	for (size_t i = 0; i < NBACKENDS && g->jobs > 1 && nchosen > 1 && t.b == NULL; i++)
		if (backends[i]->make != NULL && chosen(g, backends[i])) {
			t = (struct beside){ .b = backends[i], .from = g, .d = d };
			g->laid_out = start_beside;
			g->laid_out_arg = &t;
		}
	for (size_t i = 0; i < NBACKENDS; i++) {
		const struct backend *b = backends[i];

		if (!chosen(g, b) || g->errors != errors)
			continue;
		if (b == t.b) {
			g->laid_out = NULL;	/* not started by now: made here */
			g->laid_out_arg = NULL;
		}
		if (b != t.b || !t.started) {
			write_one(g, d, b);
			continue;
		}
		pthread_join(t.thread, NULL);	/* its turn: what it made, written now */
		t.started = 0;
		msg_flush(&t.g);
		msg_take(g, &t.g);
		g->status = t.g.status > g->status ? t.g.status : g->status;
		if (t.made != NULL && t.g.errors == 0)
			b->put(t.made, g);
		g->errors += t.g.errors;
		b->free(t.made);
		t.made = NULL;
	}
	g->laid_out = NULL;
	g->laid_out_arg = NULL;
	if (t.started) {	/* an error before its turn: waited for, and let go unwritten */
		pthread_join(t.thread, NULL);
		msg_flush(&t.g);
		msg_take(g, &t.g);
		g->status = t.g.status > g->status ? t.g.status : g->status;
		g->errors += t.g.errors;
		t.b->free(t.made);
	}
}
