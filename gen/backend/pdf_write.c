/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pdf_write.c: writes the file of the PDF post-pass. qpdf has read cairo's PDF and
 * pdf_post.c has changed its objects; qpdf serialises each object (unparse) and this file
 * lays them out: the objects reachable from the trailer in the order they are reached,
 * numbered again from 1, all but streams packed into object streams, each stream's bytes
 * copied as they are, a page's content rewritten at the moment it is written and freed, an
 * xref stream. So neither a second copy of the content nor qpdf's writer is needed. */

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "gen.h"
#include "pdf_write.h"

#define PER_STREAM	100	/* objects in an object stream, as qpdf packs them */

/* Where an object is: type 1 at offset f2, type 2 the f3-th of object stream f2. */
struct xent {
	unsigned char	 type;
	size_t		 f2;
	unsigned	 f3;
};

struct w {
	struct pdf_writer *pw;
	qpdf_data	 q;
	struct buf	*out;
	int		*num;		/* the new number of each of qpdf's, 0 before it is reached */
	size_t		 nnum;
	int		*queue;		/* qpdf's numbers, in the order reached */
	size_t		 nq;
	struct xent	*x;		/* by new number */
	size_t		 capx;
	int		 count;		/* numbers given */
	struct buf	 head, data;	/* the object stream being filled: offsets, objects */
	int		 osnum, osn;	/* its number and how many it holds */
	struct buf	 text;		/* an object's text, copied from qpdf */
};

/* Reports `what` as fatal, with qpdf's pending error text when there is one; returns -1. */
static int
wfail(struct w *w, const char *what)
{
	qpdf_data q = w->q;
	const char *why = qp.qpdf_has_error(q) ?
	    qp.qpdf_get_error_full_text(q, qp.qpdf_get_error(q)) : NULL;

	if (why != NULL && strstr(why, "bad_alloc") != NULL)
		msg(w->pw->g, MSG_FATAL, w->pw->in, 0, 0, "%s: out of memory", what);
	else if (why != NULL)
		msg(w->pw->g, MSG_FATAL, w->pw->in, 0, 0, "%s: %s", what, why);
	else
		msg(w->pw->g, MSG_FATAL, w->pw->in, 0, 0, "%s", what);
	return -1;
}

/* Gives the next number, with room for its entry. */
static int
next_number(struct w *w)
{
	size_t n = (size_t)++w->count;

	if (n >= w->capx) {
		w->capx = w->capx ? w->capx * 2 : 1024;
		w->x = xrealloc(w->x, w->capx * sizeof(*w->x));
	}
	memset(&w->x[n], 0, sizeof(w->x[n]));
	return (int)n;
}

/* White space and delimiters (ISO 32000-1 7.2.2), looked up: every byte of every object
 * is classed. */
static unsigned char cls[256];
enum { C_SPACE = 1, C_DELIM = 2 };

static void
classes(void)
{
	for (const char *p = " \n\r\t\f"; *p; p++)
		cls[(unsigned char)*p] = C_SPACE;
	cls[0] = C_SPACE;
	for (const char *p = "()<>[]{}/%"; *p; p++)
		cls[(unsigned char)*p] = C_DELIM;
}

static int
is_space(char ch)
{
	return cls[(unsigned char)ch] == C_SPACE;
}

static int
is_delim(char ch)
{
	return cls[(unsigned char)ch] == C_DELIM;
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* The reference "id gen R" at s[i]: returns the index past it, or i when none starts there. */
static size_t
ref_at(const char *s, size_t len, size_t i, long *id, long *gen)
{
	size_t j = i;
	long v[2];

	for (int k = 0; k < 2; k++) {
		if (j >= len || !is_digit(s[j]))
			return i;
		for (v[k] = 0; j < len && is_digit(s[j]); j++)
			if ((v[k] = v[k] * 10 + (s[j] - '0')) > INT_MAX)
				return i;
		if (j >= len || !is_space(s[j]))
			return i;
		while (j < len && is_space(s[j]))
			j++;
	}
	if (j >= len || s[j] != 'R' || (j + 1 < len && !is_space(s[j + 1]) &&
	    !is_delim(s[j + 1])))
		return i;
	*id = v[0];
	*gen = v[1];
	return j + 1;
}

/* The new number of qpdf's object `id` (or of extra id - base), reaching it first when it is
 * new. */
static int
reach(struct w *w, int id)
{
	if (w->num[id] == 0) {
		w->num[id] = next_number(w);
		w->queue[w->nq++] = id;
	}
	return w->num[id];
}

/* The new number of qpdf's object `id` `gen`; 0 for an object that is not there or is
 * dropped (null), -1 after msg(). */
static int
number_of(struct w *w, long id, long gen)
{
	qpdf_oh oh;
	int null;

	if (gen == 0 && id > 0 && id < w->pw->base)
		return w->pw->kind[id] == PW_DROP ? 0 : reach(w, (int)id);
	oh = qp.qpdf_get_object_by_id(w->q, (int)id, (int)gen);
	null = qp.qpdf_oh_is_null(w->q, oh);
	qp.qpdf_oh_release(w->q, oh);
	if (qp.qpdf_has_error(w->q) || !null)
		return wfail(w, "cannot write the output: cairo's PDF has objects numbered beyond "
		    "its /Size");
	return 0;
}

/* Which extra the name at s is (its PW_MARKER form, unparsed), or -1. */
static int
marker(const char *s, size_t len)
{
	static const char m[] = PW_MARKER_TEXT;
	size_t i = sizeof m - 1;
	int k = 0;

	if (len <= i || memcmp(s, m, i) != 0 || !is_digit(s[i]))
		return -1;
	for (; i < len && is_digit(s[i]) && k < 1000; i++)
		k = k * 10 + (s[i] - '0');
	if ((i < len && !is_space(s[i]) && !is_delim(s[i])) || k >= 1000)
		return -1;
	return k;
}

/* Appends object text `s` to `out` with each reference given its new number, and each
 * marker of an extra a reference to it. */
static int
renumber(struct w *w, const char *s, size_t len, struct buf *out)
{
	size_t i = 0, done = 0, j;
	long id, gen;
	const char *e;
	char ref[32];
	int n, k;

	while (i < len) {
		if (s[i] == '(')
			i = pdf_skip_string(s, len, i);
		else if (s[i] == '<' && i + 1 < len && s[i + 1] == '<')
			i += 2;
		else if (s[i] == '<')	/* a hex string */
			i = (e = memchr(s + i, '>', len - i)) ? (size_t)(e - s) + 1 : len;
		else if (s[i] == '/' && (k = marker(s + i, len - i)) >= 0) {
			if (k >= w->pw->nextra)
				return wfail(w, "internal error: a marker names no added object");
			n = reach(w, w->pw->base + k);
			buf_add(out, s + done, i - done);
			snprintf(ref, sizeof(ref), "%d 0 R", n);
			buf_adds(out, ref);
			for (i++; i < len && !is_space(s[i]) && !is_delim(s[i]); i++)
				;
			done = i;
		} else if (is_digit(s[i]) && (j = ref_at(s, len, i, &id, &gen)) > i) {
			if ((n = number_of(w, id, gen)) < 0)
				return -1;
			buf_add(out, s + done, i - done);
			if (n == 0)
				buf_adds(out, "null");
			else {
				snprintf(ref, sizeof(ref), "%d 0 R", n);
				buf_adds(out, ref);
			}
			done = i = j;
		} else if (s[i] == '/' || (!is_space(s[i]) && !is_delim(s[i]))) {
			/* a name, a number or a keyword, whole: "/F1 0 R" is no reference */
			for (i++; i < len && !is_space(s[i]) && !is_delim(s[i]); i++)
				;
		} else
			i++;
	}
	buf_add(out, s + done, len - done);
	return 0;
}

/* Deflates s[0, len) at zlib's default level, as qpdf's writer does, into `out`. */
static int
deflate_to(const void *s, size_t len, struct buf *out)
{
	uLongf zlen = compressBound((uLong)len);

	out->len = 0;
	if (out->cap < zlen + 1) {
		out->s = xrealloc(out->s, zlen + 1);
		out->cap = zlen + 1;
	}
	if (compress2((Bytef *)out->s, &zlen, s, (uLong)len, Z_DEFAULT_COMPRESSION) != Z_OK)
		return -1;
	out->len = zlen;
	out->s[zlen] = '\0';
	return 0;
}

/* Appends "N 0 obj\n" for a top-level object, noting where it starts. */
static void
open_object(struct w *w, int n)
{
	char h[32];

	w->x[n].type = 1;
	w->x[n].f2 = w->out->len;
	snprintf(h, sizeof(h), "%d 0 obj\n", n);
	buf_adds(w->out, h);
}

/* Appends a stream whose dictionary `dict` ends in ">>" (in qpdf's numbers when `renum`,
 * else in the file's): its /Length put before that end, then the bytes. */
static int
put_stream(struct w *w, int n, const char *dict, size_t dlen, int renum, const void *data,
    size_t len)
{
	char l[48];

	while (dlen > 0 && is_space(dict[dlen - 1]))
		dlen--;
	if (dlen < 4 || memcmp(dict + dlen - 2, ">>", 2) != 0)
		return wfail(w, "internal error: a stream's dictionary is not a dictionary");
	open_object(w, n);
	if (!renum)
		buf_add(w->out, dict, dlen - 2);
	else if (renumber(w, dict, dlen - 2, w->out) < 0)
		return -1;
	snprintf(l, sizeof(l), "%s/Length %zu >>\nstream\n", is_space(dict[dlen - 3]) ? "" : " ",
	    len);
	buf_adds(w->out, l);
	buf_add(w->out, data, len);
	buf_adds(w->out, "\nendstream\nendobj\n");
	return 0;
}

/* Writes the object stream being filled, if it holds any. */
static int
flush_objects(struct w *w)
{
	struct buf all = { NULL, 0, 0 }, z = { NULL, 0, 0 };
	char d[96];
	int r;

	if (w->osn == 0)
		return 0;
	buf_add(&all, w->head.s, w->head.len);
	buf_add(&all, w->data.s, w->data.len);
	r = deflate_to(all.s, all.len, &z);
	if (r == 0) {
		snprintf(d, sizeof(d), "<< /Type /ObjStm /N %d /First %zu /Filter /FlateDecode >>",
		    w->osn, w->head.len);
		r = put_stream(w, w->osnum, d, strlen(d), 0, z.s, z.len);
	} else
		r = wfail(w, "cannot write the output: out of memory");
	buf_free(&all);
	buf_free(&z);
	w->head.len = w->data.len = 0;
	w->osn = 0;
	return r;
}

/* Puts object `n` (text `s`, not a stream) into the object stream being filled. */
static int
put_object(struct w *w, int n, const char *s, size_t len)
{
	char h[48];

	if (w->osn == 0)
		w->osnum = next_number(w);
	snprintf(h, sizeof(h), "%d %zu ", n, w->data.len);
	buf_adds(&w->head, h);
	w->x[n].type = 2;
	w->x[n].f2 = (size_t)w->osnum;
	w->x[n].f3 = (unsigned)w->osn;
	if (renumber(w, s, len, &w->data) < 0)
		return -1;
	buf_addc(&w->data, '\n');
	return ++w->osn == PER_STREAM ? flush_objects(w) : 0;
}

/* Copies qpdf's last string into w->text: the next call to qpdf may replace it. */
static void
take_text(struct w *w, const char *s)
{
	w->text.len = 0;
	buf_add(&w->text, s, qp.qpdf_get_last_string_length(w->q));
}

/* The rewritten content of stream `oh`, deflated into `z`; z stays empty when nothing in it
 * changes. */
static int
rewrite_content(struct w *w, qpdf_oh oh, int kind, struct buf *z)
{
	unsigned char *data = NULL;
	size_t len = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	struct buf b = { NULL, 0, 0 };
	int r = 0;

	qp.qpdf_oh_get_stream_data(w->q, oh, qpdf_dl_generalized, &filtered, &data, &len);
	if (qp.qpdf_has_error(w->q) || !filtered) {
		free(data);
		return wfail(w, kind == PW_PAGE ? "cannot read a page's content" :
		    "cannot read a form's content");
	}
	if (len > 0 && w->pw->rewrite(w->pw->arg, (const char *)data, len, kind == PW_PAGE,
	    &b) > 0 && deflate_to(b.s, b.len, z) < 0)
		r = wfail(w, "cannot write the output: out of memory");
	free(data);
	buf_free(&b);
	return r;
}

/* Writes qpdf's stream `oh`, object `id`, as object `n`. */
static int
write_stream(struct w *w, int id, int n, qpdf_oh oh)
{
	qpdf_data q = w->q;
	qpdf_oh d = qp.qpdf_oh_get_dict(q, oh), t;
	struct buf z = { NULL, 0, 0 };
	unsigned char *data = NULL;
	size_t len = 0;
	QPDF_BOOL filtered;
	int kind = w->pw->kind[id], r, meta;

	if ((kind == PW_PAGE || kind == PW_FORM) && rewrite_content(w, oh, kind, &z) < 0)
		return -1;
	if (z.len > 0) {
		qp.qpdf_oh_replace_key(q, d, "/Filter", qp.qpdf_oh_new_name(q, "/FlateDecode"));
		qp.qpdf_oh_remove_key(q, d, "/DecodeParms");
	} else {
		qp.qpdf_oh_get_stream_data(q, oh, qpdf_dl_none, &filtered, &data, &len);
		t = qp.qpdf_oh_get_key(q, d, "/Type");
		meta = qp.qpdf_oh_is_name_and_equals(q, t, "/Metadata");
		qp.qpdf_oh_release(q, t);
		/* as qpdf's writer: a stream without a filter is compressed, XMP aside */
		if (!qp.qpdf_has_error(q) && !meta && !qp.qpdf_oh_has_key(q, d, "/Filter") && len > 0) {
			if (deflate_to(data, len, &z) < 0) {
				free(data);
				return wfail(w, "cannot write the output: out of memory");
			}
			qp.qpdf_oh_replace_key(q, d, "/Filter", qp.qpdf_oh_new_name(q, "/FlateDecode"));
			qp.qpdf_oh_remove_key(q, d, "/DecodeParms");
		}
	}
	qp.qpdf_oh_remove_key(q, d, "/Length");
	take_text(w, qp.qpdf_oh_unparse_resolved(q, d));
	qp.qpdf_oh_release(q, d);
	if (qp.qpdf_has_error(q))
		r = wfail(w, "cannot write the output");
	else if (z.len > 0)
		r = put_stream(w, n, w->text.s, w->text.len, 1, z.s, z.len);
	else
		r = put_stream(w, n, w->text.s, w->text.len, 1, data, len);
	free(data);
	buf_free(&z);
	return r;
}

/* Writes the object qpdf knows as `id` (or the post-pass's extra of that number). */
static int
write_one(struct w *w, int id)
{
	qpdf_data q = w->q;
	const struct pw_extra *e;
	int n = w->num[id], r;
	qpdf_oh oh;

	if (id >= w->pw->base) {
		e = &w->pw->extra[id - w->pw->base];
		if (e->text == NULL)
			return wfail(w, "internal error: an added object was named but not made");
		return e->data == NULL ? put_object(w, n, e->text, strlen(e->text)) :
		    put_stream(w, n, e->text, strlen(e->text), 1, e->data, e->len);
	}
	if (w->pw->said_at != NULL && w->pw->said_at[id].len > 0)
		return put_object(w, n, w->pw->said->s + w->pw->said_at[id].at,
		    w->pw->said_at[id].len);
	oh = qp.qpdf_get_object_by_id(q, id, 0);
	if (qp.qpdf_oh_is_stream(q, oh))
		r = write_stream(w, id, n, oh);
	else {
		take_text(w, qp.qpdf_oh_unparse_resolved(q, oh));
		r = qp.qpdf_has_error(q) ? wfail(w, "cannot write the output") :
		    put_object(w, n, w->text.s, w->text.len);
	}
	qp.qpdf_oh_release(q, oh);
	return r;
}

/* The number of bytes `v` needs, at least 1. */
static int
width(size_t v)
{
	int n = 1;

	while (v >>= 8)
		n++;
	return n;
}

/* Appends the xref stream (object `n`) and the end of the file. */
static int
write_xref(struct w *w, int n, int root, int info)
{
	struct buf rows = { NULL, 0, 0 }, z = { NULL, 0, 0 };
	size_t max2 = 0, start, cols;
	unsigned max3 = 0;
	int w2, w3, r;
	unsigned char row[32], prev[32] = { 0 };
	char d[320], idtext[33], infotext[32] = "";
	GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);

	/* the same objects, the same bytes, the same /ID */
	g_checksum_update(md5, (const guchar *)w->out->s, (gssize)w->out->len);
	snprintf(idtext, sizeof(idtext), "%s", g_checksum_get_string(md5));
	g_checksum_free(md5);
	start = w->out->len;
	w->x[n].type = 1;	/* its own entry, at the offset put_stream() gives it */
	w->x[n].f2 = start;
	for (int i = 1; i <= w->count; i++) {
		max2 = w->x[i].f2 > max2 ? w->x[i].f2 : max2;
		max3 = w->x[i].f3 > max3 ? w->x[i].f3 : max3;
	}
	w2 = width(max2);
	w3 = width(max3);
	cols = (size_t)(1 + w2 + w3);
	for (int i = 0; i <= w->count; i++) {	/* PNG Up: each byte less the one above */
		row[0] = w->x[i].type;
		for (int k = 0; k < w2; k++)
			row[1 + k] = (unsigned char)(w->x[i].f2 >> (8 * (w2 - 1 - k)));
		for (int k = 0; k < w3; k++)
			row[1 + w2 + k] = (unsigned char)(w->x[i].f3 >> (8 * (w3 - 1 - k)));
		buf_addc(&rows, 2);
		for (size_t k = 0; k < cols; k++) {
			buf_addc(&rows, (char)(unsigned char)(row[k] - prev[k]));
			prev[k] = row[k];
		}
	}
	r = deflate_to(rows.s, rows.len, &z);
	buf_free(&rows);
	if (r < 0) {
		buf_free(&z);
		return wfail(w, "cannot write the output: out of memory");
	}
	if (info > 0)
		snprintf(infotext, sizeof(infotext), " /Info %d 0 R", info);
	snprintf(d, sizeof(d), "<< /Type /XRef /Size %d /W [ 1 %d %d ] /Root %d 0 R%s "
	    "/ID [<%s><%s>] /Filter /FlateDecode /DecodeParms << /Columns %zu /Predictor 12 >> >>",
	    w->count + 1, w2, w3, root, infotext, idtext, idtext, cols);
	r = put_stream(w, n, d, strlen(d), 0, z.s, z.len);
	buf_free(&z);
	snprintf(d, sizeof(d), "startxref\n%zu\n%%%%EOF\n", start);
	buf_adds(w->out, d);
	return r;
}

/* The trailer's /Info: its new number, 0 without one, -1 after msg(). An information
 * dictionary the post-pass made (direct in the trailer) is written as an object. */
static int
write_info(struct w *w)
{
	qpdf_data q = w->q;
	qpdf_oh info = qp.qpdf_oh_get_key(q, qp.qpdf_get_trailer(q), "/Info");
	int n = 0;

	if (qp.qpdf_oh_is_indirect(q, info))
		n = number_of(w, qp.qpdf_oh_get_object_id(q, info), qp.qpdf_oh_get_generation(q, info));
	else if (qp.qpdf_oh_is_dictionary(q, info)) {
		n = next_number(w);
		take_text(w, qp.qpdf_oh_unparse_resolved(q, info));
		if (put_object(w, n, w->text.s, w->text.len) < 0)
			n = -1;
	}
	qp.qpdf_oh_release(q, info);
	return n;
}

int
pdf_write_file(struct pdf_writer *pw)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct w w = { .pw = pw, .q = pw->q, .out = &pw->pdf };
	qpdf_oh root = qp.qpdf_get_root(pw->q);
	int nroot, ninfo, r = -1;

	pthread_once(&once, classes);
	w.nnum = (size_t)pw->base + (size_t)pw->nextra;
	w.num = xcalloc(w.nnum, sizeof(*w.num));
	w.queue = xmalloc(w.nnum * sizeof(*w.queue));
	pw->pdf.len = 0;
	/* PDF/X-4 allows at most PDF 1.6; PDF/UA-1 asks for nothing 1.6 lacks. */
	buf_adds(w.out, "%PDF-1.6\n%\xbf\xf7\xa2\xfe\n");
	w.capx = 1024;
	w.x = xcalloc(w.capx, sizeof(*w.x));	/* number 0, the head of the free list */
	nroot = qp.qpdf_oh_is_indirect(w.q, root) ? number_of(&w, qp.qpdf_oh_get_object_id(w.q,
	    root), qp.qpdf_oh_get_generation(w.q, root)) : 0;
	if (nroot == 0)
		wfail(&w, "cannot write the output: the catalog is not an object");
	else if (nroot > 0 && (ninfo = write_info(&w)) >= 0) {
		r = 0;
		for (size_t i = 0; r == 0 && i < w.nq; i++)
			r = write_one(&w, w.queue[i]);
		if (r == 0 && flush_objects(&w) == 0)
			r = write_xref(&w, next_number(&w), nroot, ninfo);
	}
	free(w.num);
	free(w.queue);
	free(w.x);
	buf_free(&w.head);
	buf_free(&w.data);
	buf_free(&w.text);
	return r;
}
