/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/synth.c: writes the same synthetic report as gen Markdown and as Typst markup, for
 * bench/run.sh. `synth N OUTDIR` gives N sections of about one A4 page each, in
 * OUTDIR/gen/content/doc/index.md and OUTDIR/doc.typ; a fixed-seed LCG makes every run alike. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long seed = 20240101ULL;

/* A number in [0, n), from Knuth's MMIX LCG; the high bits are the good ones. */
static unsigned rnd(unsigned n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((seed >> 33) % n);
}

static const char *const syll[] = {
	"al", "an", "ar", "be", "ca", "co", "de", "di", "en", "er", "es", "fa", "ge", "in", "is",
	"la", "le", "li", "ma", "me", "mo", "na", "ne", "no", "or", "pa", "pe", "ra", "re", "ri",
	"ro", "sa", "se", "si", "ta", "te", "ti", "to", "un", "ve", "vi", "wa", "ed", "ing", "ly",
};
#define NSYLL (sizeof syll / sizeof syll[0])

/* One pseudo-English word of 1-4 syllables into buf (at least 16 bytes). */
static void word(char *buf)
{
	unsigned n = 1 + rnd(3) + (rnd(4) == 0);

	buf[0] = '\0';
	while (n--)
		strcat(buf, syll[rnd(NSYLL)]);
}

struct out {
	FILE *md;	/* gen's index.md */
	FILE *typ;	/* Typst's doc.typ */
};

/* The same text to both files. */
static void both(struct out *o, const char *s)
{
	fputs(s, o->md);
	fputs(s, o->typ);
}

/* n words; a word may be bold or italic when marks is set (Markdown ** and *, Typst * and _). */
static void words(struct out *o, unsigned n, int capital, int marks)
{
	char w[32];

	for (unsigned i = 0; i < n; i++) {
		word(w);
		if (i == 0 && capital)
			w[0] = (char)(w[0] - 'a' + 'A');
		if (i > 0)
			both(o, " ");
		unsigned m = marks ? rnd(8) : 7;
		if (m == 0) {
			fprintf(o->md, "**%s**", w);
			fprintf(o->typ, "*%s*", w);
		} else if (m == 1) {
			fprintf(o->md, "*%s*", w);
			fprintf(o->typ, "_%s_", w);
		} else {
			both(o, w);
		}
		if (i + 1 < n && rnd(12) == 0)
			both(o, ",");
	}
}

static void paragraph(struct out *o)
{
	unsigned sentences = 6 + rnd(4);

	for (unsigned s = 0; s < sentences; s++) {
		if (s > 0)
			both(o, " ");
		words(o, 8 + rnd(10), 1, 0);
		both(o, ".");
	}
	both(o, "\n\n");
}

static void table(struct out *o)
{
	char w[32];

	fputs("#table(columns: 5,\n", o->typ);
	for (int r = 0; r < 8; r++) {
		fputs("|", o->md);
		fputs(" ", o->typ);
		for (int c = 0; c < 5; c++) {
			if (r == 0 || c == 0)
				word(w);
			else
				snprintf(w, sizeof w, "%u", rnd(100000));
			fprintf(o->md, " %s |", w);
			fprintf(o->typ, " [%s],", w);
		}
		fputs("\n", o->md);
		fputs("\n", o->typ);
		if (r == 0)
			fputs("|---|--:|--:|--:|--:|\n", o->md);
	}
	fputs(")\n\n", o->typ);
	fputs("\n", o->md);
}

static void section(struct out *o, int k)
{
	fputs("# ", o->md);
	fputs("== ", o->typ);
	fprintf(o->md, "%d ", k + 1);
	fprintf(o->typ, "%d ", k + 1);
	words(o, 2 + rnd(4), 1, 0);
	both(o, "\n\n");

	unsigned paras = 4 + rnd(3);
	for (unsigned p = 0; p < paras; p++)
		paragraph(o);
	for (int i = 0; i < 4; i++) {
		both(o, "- ");
		words(o, 8 + rnd(12), 1, 1);
		both(o, "\n");
	}
	both(o, "\n");
	if (k % 3 == 2)
		table(o);
}

/* mkdir -p for a path we build ourselves (no trailing slash). */
static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			perror(path);
			exit(1);
		}
		*p = '/';
	}
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	char path[4096];
	struct out o;

	if (argc != 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: synth N OUTDIR\n");
		return 2;
	}
	int n = atoi(argv[1]);

	snprintf(path, sizeof path, "%s/gen/content/doc", argv[2]);
	mkdirs(path);
	snprintf(path, sizeof path, "%s/gen/content/doc/index.md", argv[2]);
	o.md = fopen(path, "w");
	snprintf(path, sizeof path, "%s/doc.typ", argv[2]);
	o.typ = fopen(path, "w");
	if (!o.md || !o.typ) {
		perror("synth");
		return 1;
	}

	fprintf(o.md, "---\ntitle: Benchmark of %d pages\ntemplate: bench\ndate: 2024-01-01\n"
	    "---\n\n", n);
	fputs("#set page(paper: \"a4\", margin: 20mm, numbering: \"1\")\n"
	    "#set text(font: \"Inter\", size: 10.5pt)\n"
	    "#set par(leading: 6.4pt)\n\n", o.typ);
	for (int k = 0; k < n; k++)
		section(&o, k);

	if (fclose(o.md) != 0 || fclose(o.typ) != 0) {
		perror("synth");
		return 1;
	}
	return 0;
}
