/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msg.c: every diagnostic gen prints goes through msg(), in GNU style
 * "file:line:col: level: text", and raises the run's exit status. Each file's errors and
 * warnings are shown up to MAX_SHOWN; msg_flush() then says how many more there were. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define MAX_SHOWN	20	/* errors and warnings shown for one file */
#define MAX_KEPT	10000	/* ... and kept for the preflight page, in a run */

static const char *const level_names[] = {
	[MSG_NOTE] = "note",
	[MSG_WARNING] = "warning",
	[MSG_ERROR] = "error",
	[MSG_FATAL] = "error",
};

/* Prints `s` with control characters escaped (\n, \t, \x1b ...): a name or a value holding
 * a newline cannot forge a line of its own, nor an escape sequence move the cursor; and
 * with bidirectional controls and the other characters hidden_char() names written as
 * \u202E, so that a file's name cannot reorder the message around it. */
static void
put_escaped(const char *s)
{
	size_t at, n;
	unsigned u;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 &&
		    c <= 0xf4 ? 4 : 1;
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\t')
			fputs("\\t", stderr);
		else if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else if (n > 1 && strnlen(s, n) == n && utf8_invalid(s, n) == (size_t)-1 &&
		    hidden_find(s, n, &at, &u) != NULL) {
			fprintf(stderr, "\\u%04X", u);
			s += n - 1;
		} else
			fputc(c, stderr);
	}
}

/* The text of a message, formatted; the caller frees. */
static char *
format(const char *fmt, va_list ap)
{
	va_list again;
	char *text;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	text = xmalloc(n < 0 ? 1 : (size_t)n + 1);
	vsnprintf(text, n < 0 ? 1 : (size_t)n + 1, fmt, again);
	va_end(again);
	return text;
}

/* The count of messages for `file` ("" for none), added when new. */
static struct msg_count *
count_for(struct gen *g, const char *file)
{
	for (size_t i = 0; i < g->ncounts; i++)
		if (strcmp(g->counts[i].file, file) == 0)
			return &g->counts[i];
	g->counts = xrealloc(g->counts, (g->ncounts + 1) * sizeof(*g->counts));
	g->counts[g->ncounts] = (struct msg_count){ xstrdup(file), 0, 0 };
	return &g->counts[g->ncounts++];
}

/* Keeps a message for the preflight page, those not shown too, up to MAX_KEPT; the rest
 * are counted. */
static void
keep(struct gen *g, enum msg_level level, const char *file, int line, int col,
    const char *text)
{
	if (g->nfound >= MAX_KEPT) {
		g->found_more++;
		return;
	}
	g->found = xrealloc(g->found, (g->nfound + 1) * sizeof(*g->found));
	g->found[g->nfound++] = (struct finding){ level == MSG_FATAL ? MSG_ERROR : (int)level,
	    g->access, file ? xstrdup(file) : NULL, line, col, xstrdup(text) };
}

void
msg_access(struct gen *g)
{
	g->access = 1;
}

void
msg_take(struct gen *to, struct gen *from)
{
	if (from->nfound == 0 || from->found == to->found)
		return;
	to->found = xrealloc(to->found, (to->nfound + from->nfound) * sizeof(*to->found));
	memcpy(to->found + to->nfound, from->found, from->nfound * sizeof(*from->found));
	to->nfound += from->nfound;
	to->found_more += from->found_more;
	free(from->found);
	from->found = NULL;
	from->nfound = 0;
}

void
msg_forget(struct gen *g, size_t from)
{
	for (size_t i = from; i < g->nfound; i++) {
		free(g->found[i].file);
		free(g->found[i].text);
	}
	g->nfound = from < g->nfound ? from : g->nfound;
	g->found_more = 0;
	if (g->nfound == 0) {
		free(g->found);
		g->found = NULL;
	}
}

void
msg(struct gen *g, enum msg_level level, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;
	char *text;

	if (level == MSG_ERROR) {
		g->errors++;
		if (g->status < EXIT_INPUT)
			g->status = EXIT_INPUT;
	} else if (level == MSG_FATAL) {
		g->errors++;
		g->fatal++;
		g->status = EXIT_ENV;
	}
	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	if (g->collect && level != MSG_NOTE && text[0] != '\0')
		keep(g, level, file, line, col, text);
	g->access = 0;
	if (level == MSG_ERROR || level == MSG_WARNING) {
		struct msg_count *c = count_for(g, file ? file : "");

		if (c->shown == MAX_SHOWN) {
			c->hidden++;
			free(text);
			return;
		}
		c->shown++;
	}

	fflush(stdout);
	flockfile(stderr);	/* one message a line, whatever thread says it */
	if (file != NULL) {
		put_escaped(file);
		if (line > 0) {
			fprintf(stderr, ":%d", line);
			if (col > 0)
				fprintf(stderr, ":%d", col);
		}
		fputs(": ", stderr);
	} else
		fputs("gen: ", stderr);
	fprintf(stderr, "%s: ", level_names[level]);
	put_escaped(text);
	fputc('\n', stderr);
	funlockfile(stderr);
	free(text);
}

int
msg_usage(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	fflush(stdout);
	fputs("gen: ", stderr);
	put_escaped(text);
	fputs("\nTry 'gen --help'.\n", stderr);
	free(text);
	return EXIT_USAGE;
}

int
msg_shown(struct gen *g, enum msg_level level, const char *file)
{
	if (level != MSG_ERROR && level != MSG_WARNING)
		return 1;
	return count_for(g, file ? file : "")->shown < MAX_SHOWN;
}

void
msg_flush(struct gen *g)
{
	for (size_t i = 0; i < g->ncounts; i++) {
		struct msg_count *c = &g->counts[i];

		if (c->hidden > 0) {
			if (c->file[0] != '\0')
				put_escaped(c->file);
			fprintf(stderr, "%snote: and %zu more errors or warnings, not shown\n",
			    c->file[0] != '\0' ? ": " : "gen: ", c->hidden);
		}
		free(c->file);
	}
	free(g->counts);
	g->counts = NULL;
	g->ncounts = 0;
}
