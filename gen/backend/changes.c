/* SPDX-License-Identifier: GPL-3.0-or-later */
/* changes.c: what changed since the kept build, for the preflight page. `gen build --keep`
 * keeps the document's text (as out/DOC.txt has it) in outdir/.kept/OUTNAME.txt and its
 * facts beside it, OUTNAME.facts (the pages, and each picture's content hash); a later
 * build compares its own with them, paragraph by paragraph: a paragraph whose words are
 * the same but for its figures lists each figure changed, old and new, with the CSV cell
 * the new one comes from; other paragraphs are added, removed or reworded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "gen.h"

#define MAX_PARAS	4000	/* paragraphs compared, at most, each side */

/* A text cut into its paragraphs (pointers into one owned copy). */
struct paras {
	char	*text;
	char	**p;
	size_t	 n;
};

static void
split(struct paras *x, char *text)
{
	char *s = text, *e;

	x->text = text;
	x->p = NULL;
	x->n = 0;
	while (s != NULL && *s != '\0' && x->n < MAX_PARAS) {
		e = strstr(s, "\n\n");
		if (e != NULL)
			*e = '\0';
		while (*s == '\n')
			s++;
		for (size_t n = strlen(s); n > 0 && s[n - 1] == '\n'; n--)
			s[n - 1] = '\0';
		if (*s != '\0') {
			x->p = xrealloc(x->p, (x->n + 1) * sizeof(*x->p));
			x->p[x->n++] = s;
		}
		s = e ? e + 2 : NULL;
	}
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The length of the figure at s (digits, with , . and a trailing %), or 0. */
static size_t
figure_len(const char *s)
{
	size_t n = 0;

	if (!is_digit(*s))
		return 0;
	while (is_digit(s[n]) || ((s[n] == ',' || s[n] == '.') && is_digit(s[n + 1])))
		n++;
	return s[n] == '%' ? n + 1 : n;
}

/* `s` with each figure as '#', and its figures in *figs (caller frees both). */
static char *
skeleton(const char *s, GPtrArray *figs)
{
	struct buf b = { 0 };

	while (*s) {
		size_t n = figure_len(s);

		if (n > 0 && (b.len == 0 || !is_digit(b.s[b.len - 1]))) {
			g_ptr_array_add(figs, g_strndup(s, n));
			buf_addc(&b, '#');
			s += n;
		} else
			buf_addc(&b, *s++);
	}
	return b.s ? b.s : xstrdup("");
}

static void
cell(struct buf *b, const char *s)
{
	buf_adds(b, "<td>");
	xml_escape(b, s ? s : "", s ? strlen(s) : 0);
	buf_adds(b, "</td>");
}

/* A row of the changes' table; `from`, the CSV cell a changed figure comes from, or NULL. */
static void
row(struct buf *b, const char *kind, const char *was, const char *now,
    const struct figure_use *from)
{
	buf_adds(b, "<tr>");
	cell(b, kind);
	cell(b, was);
	cell(b, now);
	if (from != NULL) {
		char *at = xasprintf("%s:%d:%d", from->csv, from->row, from->col);

		buf_adds(b, "<td>");
		preflight_link(b, from->csv, from->row, at);
		buf_adds(b, "</td>");
		free(at);
	} else
		cell(b, NULL);
	buf_adds(b, "</tr>\n");
}

/* A figure kept and now different: its cell, what it was and what it is. */
struct changed {
	const struct figure_use *u;	/* its cell and value now */
	char	*was;
};

struct cmp {
	const struct doc	*d;
	const struct template	*t;
	struct changed		*ch;	/* the figures whose cells changed since the kept build */
	size_t			 nch;
};

/* Takes `v` out of the hunk's words `s`, in place, leaving a mark ('\x01') where it was:
 * a figure where a whole figure is written so, other words ("not published") where they
 * are. Returns whether it was there. */
static int
cut(char *s, const char *v)
{
	size_t n = strlen(v);
	char *p = NULL;

	if (n == 0)
		return 0;
	if (figure_len(v) == n) {
		for (char *q = s; *q && p == NULL; q++)
			if ((q == s || !is_digit(q[-1])) && figure_len(q) == n && strncmp(q, v, n) == 0)
				p = q;
	} else
		p = strstr(s, v);
	if (p == NULL)
		return 0;
	*p = '\x01';
	memmove(p + 1, p + n, strlen(p + n) + 1);
	return 1;
}

/* Whether two paragraphs share at least half their words. */
static int
alike(const char *a, const char *b)
{
	char **wa = g_strsplit_set(a, " \n", -1), **wb = g_strsplit_set(b, " \n", -1);
	size_t na = g_strv_length(wa), nb = g_strv_length(wb), same = 0;

	for (size_t i = 0; i < na; i++)
		same += g_strv_contains((const char *const *)wb, wa[i]);
	g_strfreev(wa);
	g_strfreev(wb);
	return same * 2 >= (na > nb ? na : nb);
}

/* A word-level hunk: old words `a` against new `b` (NULL-ended). Lists each changed cell
 * whose old value is in the old words and new in the new, with its cell; then, when nothing
 * but figures differs, the other figures paired in order, with none (a figure worked out
 * from others, or one whose use was not kept: never a guess). Returns whether other words
 * differ. */
static int
hunk_words(struct buf *out, const struct cmp *c, char **a, char **b)
{
	char *ja = g_strjoinv(" ", a), *jb = g_strjoinv(" ", b), *sa, *sb;
	GPtrArray *fa = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *fb = g_ptr_array_new_with_free_func(g_free);
	int other;

	for (size_t i = 0; i < c->nch; i++) {
		const struct changed *x = &c->ch[i];
		char *ta, *tb;

		if (strstr(ja, x->was) == NULL || strstr(jb, x->u->value) == NULL)
			continue;	/* not in this hunk: nothing copied */
		ta = g_strdup(ja);
		tb = g_strdup(jb);
		if (cut(ta, x->was) && cut(tb, x->u->value)) {
			row(out, c->t->word[W_PF_CH_FIGURE], x->was, x->u->value, x->u);
			g_free(ja);
			g_free(jb);
			ja = ta;
			jb = tb;
		} else {
			g_free(ta);
			g_free(tb);
		}
	}
	sa = skeleton(ja, fa);
	sb = skeleton(jb, fb);
	other = strcmp(sa, sb) != 0 || fa->len != fb->len;
	for (guint i = 0; !other && i < fa->len; i++)
		if (strcmp(fa->pdata[i], fb->pdata[i]) != 0)
			row(out, c->t->word[W_PF_CH_FIGURE], fa->pdata[i], fb->pdata[i], NULL);
	g_ptr_array_free(fa, TRUE);
	g_ptr_array_free(fb, TRUE);
	free(sa);
	free(sb);
	g_free(ja);
	g_free(jb);
	return other;
}

/* Line `l` with each run of spaces as one, and a rule of dashes as one dash. */
static char *
squeezed(const char *l)
{
	struct buf b = { 0 };

	for (; *l; l++)
		if (!((*l == ' ' || *l == '-') && b.len > 0 && b.s[b.len - 1] == *l))
			buf_addc(&b, *l);
	return b.s ? b.s : xstrdup("");
}

/* Whether `lines` has `l`, but for the spaces that pad a table's columns. */
static int
has_line(char **lines, const char *l)
{
	char *sl = squeezed(l);
	int yes = 0;

	for (size_t i = 0; !yes && lines[i] != NULL; i++) {
		char *s = squeezed(lines[i]);

		yes = strcmp(s, sl) == 0;
		free(s);
	}
	free(sl);
	return yes;
}

/* The lines of `a` that `b` does not have, one to a line. */
static char *
lines_only(const char *a, const char *b)
{
	char **la = g_strsplit(a, "\n", -1), **lb = g_strsplit(b, "\n", -1);
	struct buf o = { 0 };

	for (size_t i = 0; la[i] != NULL; i++)
		if (!has_line(lb, la[i])) {
			buf_adds(&o, o.len ? "\n" : "");
			buf_adds(&o, la[i]);
		}
	g_strfreev(la);
	g_strfreev(lb);
	return o.s ? o.s : xstrdup("");
}

/* The words of `s`, NULL-ended, none empty (a table's columns are padded with spaces). */
static char **
words_of(const char *s)
{
	char **w = g_strsplit_set(s, " \n", -1);
	size_t n = 0;

	for (size_t i = 0; w[i] != NULL; i++)
		if (w[i][0] != '\0')
			w[n++] = w[i];
		else
			g_free(w[i]);
	w[n] = NULL;
	return w;
}

#define MAX_WORDS	4000	/* words of a paragraph compared word by word, at most */

/* The figures changed between two paragraphs alike, word by word (their longest common
 * subsequence of words, and the runs between); returns whether other words changed. */
static int
word_diff(struct buf *out, const struct cmp *c, const char *a, const char *b)
{
	char **wa = words_of(a), **wb = words_of(b);
	size_t na = g_strv_length(wa), nb = g_strv_length(wb), w = nb + 1, i, j, a0, b0;
	unsigned short *l;
	int other = 0;

	if (na > MAX_WORDS || nb > MAX_WORDS) {
		g_strfreev(wa);
		g_strfreev(wb);
		return 1;
	}
	l = xcalloc((na + 1) * w, sizeof(*l));
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			l[i * w + j] = strcmp(wa[i], wb[j]) == 0 ? l[(i + 1) * w + j + 1] + 1 :
			    l[(i + 1) * w + j] > l[i * w + j + 1] ? l[(i + 1) * w + j] :
			    l[i * w + j + 1];
	for (i = j = a0 = b0 = 0;;) {
		int same = i < na && j < nb && strcmp(wa[i], wb[j]) == 0;

		if (same || (i == na && j == nb)) {
			if (i > a0 || j > b0) {
				char *ea = wa[i], *eb = wb[j];

				wa[i] = wb[j] = NULL;	/* the hunk's words, ended */
				other |= hunk_words(out, c, wa + a0, wb + b0);
				wa[i] = ea;
				wb[j] = eb;
			}
			if (!same)
				break;
			a0 = ++i;
			b0 = ++j;
		} else if (j < nb && (i == na || l[i * w + j + 1] >= l[(i + 1) * w + j]))
			j++;
		else
			i++;
	}
	free(l);
	g_strfreev(wa);
	g_strfreev(wb);
	return other;
}

/* Old paragraph `a` against new `b`: its figures changed (1), or reworded (2); 0 when
 * they are not the same paragraph. Says so in `out`, unless it is NULL: each figure changed,
 * with its cell, then (reworded) the words, or of a table the lines that changed. */
static int
compare(struct buf *out, const struct cmp *c, const char *a, const char *b)
{
	GPtrArray *fa = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *fb = g_ptr_array_new_with_free_func(g_free);
	char *sa = skeleton(a, fa), *sb = skeleton(b, fb);
	int kind = strcmp(sa, sb) == 0 && fa->len == fb->len ? 1 : alike(a, b) ? 2 : 0;

	g_ptr_array_free(fa, TRUE);
	g_ptr_array_free(fb, TRUE);
	free(sa);
	free(sb);
	if (out != NULL && kind != 0 && word_diff(out, c, a, b) && kind == 2) {
		if (strchr(a, '\n') != NULL && strchr(b, '\n') != NULL) {
			char *oa = lines_only(a, b), *ob = lines_only(b, a);

			row(out, c->t->word[W_PF_CH_REWORDED], oa, ob, NULL);
			free(oa);
			free(ob);
		} else
			row(out, c->t->word[W_PF_CH_REWORDED], a, b, NULL);
	}
	return kind;
}

/* One run of paragraphs removed (old[a0, a1)) and added (new[b0, b1)) between two the
 * same: each old one paired, in order, with the next new one alike (the new ones passed
 * over are added), or else removed; the new ones left are added. */
static void
hunk(struct buf *out, const struct cmp *c, const struct paras *o, size_t a0, size_t a1,
    const struct paras *n, size_t b0, size_t b1)
{
	for (; a0 < a1; a0++) {
		size_t k = b0;

		while (k < b1 && compare(NULL, c, o->p[a0], n->p[k]) == 0)
			k++;
		if (k == b1) {
			row(out, c->t->word[W_PF_CH_REMOVED], o->p[a0], NULL, NULL);
			continue;
		}
		for (; b0 < k; b0++)
			row(out, c->t->word[W_PF_CH_ADDED], NULL, n->p[b0], NULL);
		compare(out, c, o->p[a0], n->p[b0++]);
	}
	for (; b0 < b1; b0++)
		row(out, c->t->word[W_PF_CH_ADDED], NULL, n->p[b0], NULL);
}

/* The paragraphs' longest common subsequence, and the runs between. */
static void
diff(struct buf *out, const struct cmp *c, const struct paras *o, const struct paras *n)
{
	size_t w = n->n + 1, i, j, a0, b0;
	unsigned short *l = xcalloc((o->n + 1) * w, sizeof(*l));

	for (i = o->n; i-- > 0;)
		for (j = n->n; j-- > 0;)
			l[i * w + j] = strcmp(o->p[i], n->p[j]) == 0 ? l[(i + 1) * w + j + 1] + 1 :
			    l[(i + 1) * w + j] > l[i * w + j + 1] ? l[(i + 1) * w + j] :
			    l[i * w + j + 1];
	for (i = j = a0 = b0 = 0; i < o->n || j < n->n;) {
		if (i < o->n && j < n->n && strcmp(o->p[i], n->p[j]) == 0) {
			hunk(out, c, o, a0, i, n, b0, j);
			a0 = ++i;
			b0 = ++j;
		} else if (j < n->n && (i == o->n || l[i * w + j + 1] >= l[(i + 1) * w + j]))
			j++;
		else
			i++;
	}
	hunk(out, c, o, a0, i, n, b0, j);
	free(l);
}

/* Each figure use's key in the facts: its cell, and which use of that cell it is, in reading
 * order ("data/figures.csv:4:2#1"), so that a use keeps its key when the text around it
 * moves. NULL-ended; the caller frees. */
static char **
use_keys(const struct doc *d)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	char **keys = xcalloc(d->nfigs + 1, sizeof(*keys));

	for (size_t i = 0; i < d->nfigs; i++) {
		const struct figure_use *u = &d->figs[i];
		char *cell = g_strdup_printf("%s:%d:%d", u->csv, u->row, u->col);
		size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, cell));

		keys[i] = g_strdup_printf("%s#%zu", cell, k);
		g_hash_table_replace(seen, cell, GSIZE_TO_POINTER(k + 1));
	}
	g_hash_table_destroy(seen);
	return keys;
}

/* The facts kept beside the text: the pages, each figure from data (by use_keys()), and each
 * picture's content hash. */
static char *
facts(const struct gen *g, const struct doc *d)
{
	struct buf b = { 0 };
	char *s, **keys;

	s = xasprintf("pages\t%zu\n", g->pdf_pages);
	buf_adds(&b, s);
	free(s);
	keys = use_keys(d);
	for (size_t i = 0; i < d->nfigs; i++) {	/* each figure from data, by cell and use */
		s = xasprintf("figure\t%s\t%s\n", keys[i], d->figs[i].value);
		buf_adds(&b, s);
		free(s);
	}
	g_strfreev(keys);
	for (const struct node *n = d->root ? d->root->first : NULL; n != NULL;) {
		gchar *data, *sum;
		gsize len;

		if (n->type == N_FIGURE && n->path != NULL &&
		    g_file_get_contents(n->path, &data, &len, NULL)) {
			sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data,
			    len);
			s = xasprintf("picture\t%s\t%s\n", n->src, sum);
			buf_adds(&b, s);
			free(s);
			g_free(sum);
			g_free(data);
		}
		if (n->first != NULL) {
			n = n->first;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent == d->root ? NULL : n->parent;
		n = n ? n->next : NULL;
	}
	return b.s;
}

/* The value of `key` in kept facts (the line "KEY\tVALUE"), or NULL; the caller frees. */
static char *
fact_of(const char *facts, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = facts; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, key, k) == 0 && p[k] == '\t')
			return xstrndup(p + k + 1, strcspn(p + k + 1, "\n"));
	return NULL;
}

/* Pages added or removed, and pictures changed, from the facts. */
static void
facts_diff(struct buf *out, const struct template *t, const char *was, const char *now)
{
	char *a = fact_of(was, "pages"), *b = fact_of(now, "pages");

	if (a && b && strcmp(a, b) != 0 && strcmp(b, "0") != 0)
		row(out, t->word[W_PF_CH_PAGES], a, b, NULL);
	free(a);
	free(b);
	for (const char *p = now; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char *line = xstrndup(p, strcspn(p, "\n")), *tab = strrchr(line, '\t'), *old;

		if (strncmp(line, "picture\t", 8) == 0 && tab != NULL) {
			*tab = '\0';
			old = fact_of(was, line);
			if (old != NULL && strcmp(old, tab + 1) != 0)
				row(out, t->word[W_PF_CH_PICTURE], line + 8, line + 8, NULL);
			free(old);
		}
		free(line);
	}
}

/* qsort(): the longer value now first; then in reading order. */
static int
longer_first(const void *a, const void *b)
{
	const struct changed *x = a, *y = b;
	size_t lx = strlen(x->u->value), ly = strlen(y->u->value);

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->u < y->u ? -1 : x->u > y->u;
}

/* The figures whose uses (use_keys()) showed another value in the kept facts. */
static void
changed_cells(struct cmp *c, const char *was)
{
	GHashTable *kept = g_hash_table_new_full(g_str_hash, g_str_equal, free, free);
	const char *p = was;
	char **keys;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n), *tab = strrchr(line, '\t');

		if (strncmp(line, "figure\t", 7) == 0 && tab != NULL && tab > line + 7) {
			*tab = '\0';
			g_hash_table_replace(kept, xstrdup(line + 7), xstrdup(tab + 1));
		}
		free(line);
		p = p[n] ? p + n + 1 : NULL;
	}
	keys = use_keys(c->d);
	for (size_t i = 0; i < c->d->nfigs; i++) {
		const struct figure_use *u = &c->d->figs[i];
		const char *old = g_hash_table_lookup(kept, keys[i]);

		if (old != NULL && strcmp(old, u->value) != 0) {
			c->ch = xrealloc(c->ch, (c->nch + 1) * sizeof(*c->ch));
			c->ch[c->nch++] = (struct changed){ u, xstrdup(old) };
		}
	}
	g_strfreev(keys);
	g_hash_table_destroy(kept);
	/* the longest values first, so that "suppressed" does not take the start of "suppressed
	 * to protect confidentiality" where both are met */
	if (c->nch > 1)
		qsort(c->ch, c->nch, sizeof(*c->ch), longer_first);
}

static char *
kept_path(const struct gen *g, const struct doc *d, const char *ext)
{
	return xasprintf("%s/.kept/%s%s%s.%s", g->outdir, g->baseline ? g->baseline : "",
	    g->baseline ? "/" : "", d->outname, ext);
}

/* Opens a table of the preflight's pages: its column headings are the template's words
 * `cols`, `n` of them. */
void
table_head(struct buf *b, const struct template *t, const enum word *cols, size_t n)
{
	buf_adds(b, "<table>\n<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		buf_adds(b, "<th scope=\"col\">");
		xml_escape(b, t->word[cols[i]], strlen(t->word[cols[i]]));
		buf_adds(b, "</th>");
	}
	buf_adds(b, "</tr></thead>\n<tbody>\n");
}

void
changes_report(struct gen *g, const struct doc *d, const struct template *t, struct buf *out)
{
	char *tp = kept_path(g, d, "txt"), *fp = kept_path(g, d, "facts"), *was = NULL,
	    *wasfacts = NULL, *now, *nowfacts;
	size_t len;
	struct paras o, n;
	struct buf rows = { 0 };
	struct cmp c = { d, t, NULL, 0 };

	if (d->failed || d->root == NULL || !g_file_get_contents(tp, &was, NULL, NULL)) {
		buf_adds(out, "<p>");
		xml_escape(out, t->word[W_PF_CHANGES_NO_BASE], strlen(t->word[W_PF_CHANGES_NO_BASE]));
		buf_adds(out, "</p>\n");
		free(tp);
		free(fp);
		return;
	}
	g_file_get_contents(fp, &wasfacts, NULL, NULL);
	now = text_of(g, d, &len);
	nowfacts = facts(g, d);
	split(&o, was);
	split(&n, now);
	changed_cells(&c, wasfacts ? wasfacts : "");
	diff(&rows, &c, &o, &n);
	facts_diff(&rows, t, wasfacts ? wasfacts : "", nowfacts);
	if (rows.len == 0) {
		buf_adds(out, "<p>");
		xml_escape(out, t->word[W_PF_CHANGES_NONE], strlen(t->word[W_PF_CHANGES_NONE]));
		buf_adds(out, "</p>\n");
	} else {
		static const enum word head[] = { W_PF_CH_KIND, W_PF_CH_WAS, W_PF_CH_NOW,
			W_PF_SOURCE };

		table_head(out, t, head, sizeof(head) / sizeof(head[0]));
		buf_add(out, rows.s, rows.len);
		buf_adds(out, "</tbody>\n</table>\n");
	}
	buf_free(&rows);
	for (size_t i = 0; i < c.nch; i++)
		free(c.ch[i].was);
	free(c.ch);
	free(o.p);
	free(n.p);
	g_free(was);
	g_free(wasfacts);
	free(now);
	free(nowfacts);
	free(tp);
	free(fp);
}

int
changes_keep(struct gen *g, const struct doc *d)
{
	char *tp = kept_path(g, d, "txt"), *fp = kept_path(g, d, "facts"), *dir, *text, *f;
	size_t len;
	int rc;

	dir = g_path_get_dirname(tp);
	text = text_of(g, d, &len);
	f = facts(g, d);
	if ((rc = out_mkdir(dir)) == 0 && (rc = write_file(tp, text, len)) == 0)
		rc = write_file(fp, f, strlen(f));
	if (rc == -1)
		msg(g, MSG_FATAL, tp, 0, 0, "cannot keep the text: %s", strerror(errno));
	g_free(dir);
	free(text);
	free(f);
	free(tp);
	free(fp);
	return rc;
}
