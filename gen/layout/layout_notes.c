/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout_notes.c: footnotes, set at the foot of the page that first refers to them, the
 * lines that refer to one kept on its page. Called by layout.c as it places text. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "gen.h"
#include "layout.h"

/* ---- footnotes, set at the foot of the page that refers to them ---- */

#define FOOT_RULE	10.0	/* pt above the first note: a short rule and space */
#define NOTE_INDENT	14.0	/* pt from the column's left to a note's text */

/* The layouts of a note's text, in the note style; the first is the first paragraph. */
static PangoLayout *
note_layout(struct flow *f, const struct node *para)
{
	const struct style *s = &f->t->role[R_NOTE];

	return make_layout(f, s, &para->text, inl_str(&para->text), f->width - NOTE_INDENT, 0);
}

/* The height a note takes at the foot: its paragraphs and the space after each. */
static double
note_height(struct flow *f, const struct node *note)
{
	const struct style *s = &f->t->role[R_NOTE];
	double h = 0;

	for (const struct node *p = note->first; p; p = p->next)
		h += layout_h(note_layout(f, p)) + s->after;
	return h > 0 ? h : s->leading;
}

/* The note a reference span points to, if it is one not yet set. */
static const struct node *
span_note(struct flow *f, const struct span *sp)
{
	unsigned long num;

	if (!(sp->style & ST_SUPER) || sp->link == NULL || strncmp(sp->link, "#fn-", 4) != 0)
		return NULL;
	num = strtoul(sp->link + 4, NULL, 10);
	if (num < 1 || num > f->nnotes || f->note_done[num - 1])
		return NULL;
	return f->notes[num - 1];
}

/* Calls fn for each note first referred to in lines [a, b) of block n's layout l. */
static void
each_note(struct flow *f, const struct node *n, PangoLayout *l, int a, int b,
    void (*fn)(struct flow *, const struct node *, void *), void *arg)
{
	PangoLayoutLine *first, *last;
	size_t from, to;

	if (n == NULL || n->text.nspans == 0 || f->nnotes == 0 || a >= b)
		return;
	first = layout_lines(l)->line[a];
	last = layout_lines(l)->line[b - 1];
	from = layout_text_offset(l, (size_t)first->start_index);
	to = layout_text_offset(l, (size_t)(last->start_index + last->length));
	for (size_t i = 0; i < n->text.nspans; i++) {
		const struct node *note = span_note(f, &n->text.spans[i]);

		if (note != NULL && n->text.spans[i].start >= from && n->text.spans[i].start < to)
			fn(f, note, arg);
	}
}

static size_t
note_index(const struct node *note)
{
	return strtoul(note->id + 3, NULL, 10) - 1;
}

static void
sum_note(struct flow *f, const struct node *note, void *arg)
{
	*(double *)arg += f->note_h[note_index(note)];
}

/* How many lines from k fit in `room` with the notes they refer to set below them. */
int
fit_with_notes(struct flow *f, const struct node *n, PangoLayout *l, const struct lines *ln,
    int k, double room)
{
	int total = ln->n - k, m = 0;
	double notes = 0;

	while (m < total) {
		double add = 0;

		each_note(f, n, l, k + m, k + m + 1, sum_note, &add);
		if (add > 0 && f->nfoot == 0 && notes == 0)
			add += FOOT_RULE;
		if (lines_h(ln, k, k + m + 1) + notes + add > room + 0.01)
			break;
		notes += add;
		m++;
	}
	return keep_lines(total, m, MIN_LINES);
}

static void
queue_note(struct flow *f, const struct node *note, void *arg)
{
	size_t i = note_index(note);

	(void)arg;
	if (f->note_done[i])
		return;
	f->note_done[i] = 1;
	if (f->nfoot == 0)
		f->foot_h += FOOT_RULE;
	f->foot = xrealloc(f->foot, (f->nfoot + 1) * sizeof(*f->foot));
	f->foot[f->nfoot++] = note;
	f->foot_h += f->note_h[i];
}

/* Reserves the foot of the page for the notes lines [a, b) of block n refer to. */
void
take_notes(struct flow *f, const struct node *n, PangoLayout *l, int a, int b)
{
	each_note(f, n, l, a, b, queue_note, NULL);
}

/* Sets the notes waiting for this page's foot, under a short rule. */
void
flush_foot(struct flow *f)
{
	const struct style *s = &f->t->role[R_NOTE];
	double y = f->bottom - f->foot_h;
	struct piece *pc;

	if (f->nfoot == 0)
		return;
	pc = add_piece(f, PC_RULE, NULL, 0, y + 2, f->width / 4, 0.5);
	pc->colour = 0x9aa5b8;
	pc->role = RO_ARTIFACT;
	y += FOOT_RULE;
	for (size_t i = 0; i < f->nfoot; i++) {
		const struct node *note = f->foot[i];
		PangoLayout *lab = make_layout(f, s, NULL, note->label, -1, 0);

		pc = add_piece(f, PC_TEXT, note, 0, y, NOTE_INDENT, 0);
		pc->layout = lab;
		pc->line1 = 1;
		pc->role = RO_LABEL;
		pc->colour = f->t->accent;
		for (const struct node *p = note->first; p; p = p->next) {
			PangoLayout *l = note_layout(f, p);

			pc = add_piece(f, PC_TEXT, p, NOTE_INDENT, y, f->width - NOTE_INDENT,
			    layout_h(l));
			pc->layout = l;
			pc->line1 = layout_line_count(l);
			pc->colour = s->colour;
			pc->first = 1;
			y += layout_h(l) + s->after;
		}
	}
	f->nfoot = 0;
	f->foot_h = 0;
}

/* Finds every footnote of the document, numbered fn-1, fn-2 ... in order. */
void
find_notes(struct flow *f, const struct node *root)
{
	for (const struct node *c = root->first; c; c = c->next)
		if (c->type == N_FOOTNOTES)
			for (const struct node *nt = c->first; nt; nt = nt->next) {
				f->notes = xrealloc(f->notes, (f->nnotes + 1) * sizeof(*f->notes));
				f->notes[f->nnotes++] = nt;
			}
	f->note_done = xcalloc(f->nnotes + 1, 1);
	f->note_h = xcalloc(f->nnotes + 1, sizeof(double));
	for (size_t i = 0; i < f->nnotes; i++)
		f->note_h[i] = note_height(f, f->notes[i]);
}

