/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pdf_post.c: the last stage of render_pdf(). Reopens the PDF cairo wrote with libqpdf, adds
 * what cairo 1.16 cannot write (/Lang, XMP, the elements' attributes, artifacts, page boxes,
 * the output intent, D: dates), checks that the tree holds to PDF/UA-1 as the XMP will claim,
 * and writes the final file deterministically, with object streams. */

#define _POSIX_C_SOURCE 200809L	/* gmtime_r */

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "gen.h"
#include "pdf_write.h"

#define TREE_DEPTH	256	/* deeper structure or number trees are refused; ends cycles */

/* The printing conditions a template may name (enum print_intent), each registered with
 * the ICC, and the output profile the PDF carries for it: gen's own for FOGRA39 (made from
 * Fogra's characterisation data, built into gen), ghostscript's for SWOP (CGATS TR 001). */
static const struct condition {
	const char	*id;		/* /OutputConditionIdentifier */
	const char	*condition;	/* /OutputCondition: the printing condition in words */
	const char	*info;		/* /Info: the profile's name */
	size_t		 profile;	/* its index in profiles[] */
} conditions[] = {
	[PI_FOGRA39] = { "FOGRA39", "Offset printing, according to ISO 12647-2:2004/Amd 1, "
	    "OFCOM, paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A "
	    "(CMY) and B (K)", "Coated FOGRA39 (ISO 12647-2:2004)", 0 },
	[PI_SWOP] = { "CGATS TR 001", "SWOP (Publication) Grade 1 Paper", "SWOP (Publication) "
	    "Grade 1 Paper, Artifex CMYK SWOP Profile", 1 },
};
/* What cairo's DeviceRGB means: the colours without an ink are sRGB. */
#define SRGB_PROFILE	 "/usr/share/color/icc/sRGB.icc"

/* The objects the post-pass adds, which pdf_write.c writes (struct pw_extra). */
enum extra { X_XMP, X_DEST, X_SRGB_ICC, X_SRGB, X_INTENT, NEXTRA };

/* One run of the post-pass. */
struct post {
	struct gen		*g;
	qpdf_data		 q;
	const char		*in;	/* the file messages name */
	const char		*pdf;	/* what cairo wrote */
	size_t			 len;
	const struct pdf_post	*p;
	size_t			 nel;	/* structure elements met so far, in document order */
	int			 level;	/* the last heading's level, 0 before the first */
	int			 nh1;	/* H1 elements met */
	int			 nlinks;	/* Link annotations given their /Contents */
	qpdf_oh			 srgb;	/* the ICCBased sRGB colour space, once made */
	int			 maxobj;	/* above every object's number (read_pdf()) */
	unsigned char		*kind;	/* how each object is written: enum pw_kind */
	struct pw_extra		 extra[NEXTRA];	/* numbered from maxobj */
	struct buf		 xmp;	/* the XMP packet, extra[X_XMP]'s bytes */
	struct buf		 said;	/* the elements' text, taken when walked (pdf_write.h) */
	struct pw_said		*said_at;	/* where each object's is, by number */
};

static int	visit(struct post *, qpdf_oh, int);

/* ---- libqpdf, loaded when needed (pdf_write.h says why) ---- */

struct qpdf_fns qp;
static pthread_once_t qpdf_once = PTHREAD_ONCE_INIT;
static char qpdf_why[256] = "not loaded";	/* empty once every function was found */
static int qpdf_oom;		/* it failed to load for want of memory */
static pthread_t preload_thread;
static int preloading;		/* preload_thread runs, or ran and is not yet joined */

static void
qpdf_load(void)
{
	void *h = dlopen(QPDF_SO, RTLD_NOW | RTLD_LOCAL), *sym;

	if (h == NULL) {
		snprintf(qpdf_why, sizeof(qpdf_why), "%s", dlerror());
		qpdf_oom = memory_gone();
		return;
	}
#define QPDF_FN_FIND(fn) \
	if ((sym = dlsym(h, #fn)) == NULL) { \
		snprintf(qpdf_why, sizeof(qpdf_why), "%s lacks %s", QPDF_SO, #fn); \
		return; \
	} \
	memcpy(&qp.fn, &sym, sizeof sym);
	QPDF_FNS(QPDF_FN_FIND)
	qpdf_why[0] = '\0';
}

static void *
preload(void *arg)
{
	(void)arg;
	oom_thread_stack();
	pthread_once(&qpdf_once, qpdf_load);
	return NULL;
}

void
pdf_post_preload(void)
{
	if (!preloading)
		preloading = pthread_create(&preload_thread, NULL, preload, NULL) == 0;
}

void
pdf_post_preload_end(void)
{
	if (preloading)
		pthread_join(preload_thread, NULL);
	preloading = 0;
}

/* Loads libqpdf if no thread has (waiting for the one loading it); 0, or -1 after msg(). */
static int
qpdf_ready(struct gen *g, const char *name)
{
	pthread_once(&qpdf_once, qpdf_load);
	if (qpdf_why[0] == '\0')
		return 0;
	if (qpdf_oom)
		out_of_memory();	/* said by this thread, as when gen linked it at start-up */
	msg(g, MSG_FATAL, name, 0, 0, "a PDF is written with libqpdf (%s), which could not be "
	    "loaded: %s", QPDF_SO, qpdf_why);
	return -1;
}

/* Reports `what` as fatal, with qpdf's pending error text when there is one; returns -1. */
static int
fail(struct post *c, const char *what)
{
	const char *why = qp.qpdf_has_error(c->q) ?
	    qp.qpdf_get_error_full_text(c->q, qp.qpdf_get_error(c->q)) : NULL;

	if (why != NULL && strstr(why, "bad_alloc") != NULL)	/* C++'s word for it */
		msg(c->g, MSG_FATAL, c->in, 0, 0, "%s: out of memory", what);
	else if (why != NULL)
		msg(c->g, MSG_FATAL, c->in, 0, 0, "%s: %s", what, why);
	else
		msg(c->g, MSG_FATAL, c->in, 0, 0, "%s", what);
	return -1;
}

/* Returns -1 after reporting `what` when qpdf has an error pending, else 0. */
static int
check(struct post *c, const char *what)
{
	return qp.qpdf_has_error(c->q) ? fail(c, what) : 0;
}

/* Writes `t` in UTC as "D:YYYYMMDDHHmmSSZ" to pdf and "YYYY-MM-DDTHH:mm:SSZ" to xmp (32 bytes
 * each); returns -1 for a time outside the years 1000-9999. */
static int
format_dates(time_t t, char *pdf, char *xmp)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 1000 - 1900 || tm.tm_year > 9999 - 1900)
		return -1;
	strftime(pdf, 32, "D:%Y%m%d%H%M%SZ", &tm);
	strftime(xmp, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

/* Appends `s` escaped for XML (xml_escape(), and ' as &apos;), dropping the control
 * characters XML 1.0 cannot hold. */
static void
xml_add(struct buf *b, const char *s)
{
	unsigned char ch;

	for (; (ch = (unsigned char)*s) != '\0'; s++) {
		if (ch == '\'')
			buf_adds(b, "&apos;");
		else if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r')
			xml_escape(b, s, 1);
	}
}

/* Appends one XMP property when `value` is set; `list` is NULL for a simple value, else the
 * RDF container holding it ("Alt" gets the x-default language). */
static void
xmp_prop(struct buf *b, const char *name, const char *list, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	buf_adds(b, "   <");
	buf_adds(b, name);
	buf_adds(b, ">");
	if (list != NULL) {
		buf_adds(b, "<rdf:");
		buf_adds(b, list);
		buf_adds(b, strcmp(list, "Alt") == 0 ?
		    "><rdf:li xml:lang=\"x-default\">" : "><rdf:li>");
	}
	xml_add(b, value);
	if (list != NULL) {
		buf_adds(b, "</rdf:li></rdf:");
		buf_adds(b, list);
		buf_adds(b, ">");
	}
	buf_adds(b, "</");
	buf_adds(b, name);
	buf_adds(b, ">\n");
}

/* Builds the XMP packet: Dublin Core, dates, producer, the document's identity and the
 * PDF/X-4 and PDF/UA-1 identifiers. */
static void
xmp_build(struct buf *b, const struct pdf_post *p, const char *date, const char *docid)
{
	buf_adds(b, "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	    "  <rdf:Description rdf:about=\"\"\n"
	    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	    "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
	    "    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"\n"
	    "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
	    "   <dc:format>application/pdf</dc:format>\n");
	xmp_prop(b, "dc:title", "Alt", p->title);
	xmp_prop(b, "dc:creator", "Seq", p->author);
	xmp_prop(b, "dc:description", "Alt", p->subject);
	xmp_prop(b, "dc:language", "Bag", p->lang);
	xmp_prop(b, "pdf:Keywords", NULL, p->keywords);
	xmp_prop(b, "pdf:Producer", NULL, "gen");
	xmp_prop(b, "xmp:CreatorTool", NULL, "gen " GEN_VERSION);	/* the Info's /Creator */
	xmp_prop(b, "xmp:CreateDate", NULL, date);
	xmp_prop(b, "xmp:ModifyDate", NULL, date);
	xmp_prop(b, "xmp:MetadataDate", NULL, date);
	xmp_prop(b, "xmpMM:DocumentID", NULL, docid);
	xmp_prop(b, "xmpMM:VersionID", NULL, "1");
	xmp_prop(b, "xmpMM:RenditionClass", NULL, "default");
	xmp_prop(b, "pdf:Trapped", NULL, "False");
	buf_adds(b, "   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n");
	if (p->ua)
		buf_adds(b, "   <pdfuaid:part>1</pdfuaid:part>\n");
	buf_adds(b, "  </rdf:Description>\n"
	    " </rdf:RDF>\n"
	    "</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>\n");
}

/* Returns the dictionary under `key` in `dict`, putting an empty one there when missing. */
static qpdf_oh
sub_dict(qpdf_data q, qpdf_oh dict, const char *key)
{
	qpdf_oh d;

	d = qp.qpdf_oh_get_key(q, dict, key);
	if (qp.qpdf_oh_is_dictionary(q, d))
		return d;
	qp.qpdf_oh_release(q, d);
	d = qp.qpdf_oh_new_dictionary(q);
	qp.qpdf_oh_replace_key(q, dict, key, d);
	return d;
}

/* Opens what cairo wrote; refuses a damaged file rather than repairing it. qpdf reads each
 * object when it is first asked for. */
static int
read_pdf(struct post *c)
{
	qpdf_oh size;
	long n;

	qp.qpdf_set_attempt_recovery(c->q, QPDF_FALSE);
	qp.qpdf_read_memory(c->q, c->in, c->pdf, c->len, NULL);
	if (check(c, "cannot read the PDF cairo wrote") == -1)
		return -1;
	size = qp.qpdf_oh_get_key(c->q, qp.qpdf_get_trailer(c->q), "/Size");
	n = qp.qpdf_oh_is_integer(c->q, size) ? (long)qp.qpdf_oh_get_int_value(c->q, size) : 0;
	qp.qpdf_oh_release(c->q, size);
	/* an object takes more than a byte of the file: a /Size beyond that lies */
	if (n <= 0 || n > INT_MAX / 2 || (size_t)n > c->len)
		return fail(c, "cannot read the PDF cairo wrote: its objects are numbered beyond "
		    "what the post-pass can add to");
	c->maxobj = (int)n;
	c->kind = xcalloc((size_t)n, 1);
	c->said_at = xcalloc((size_t)n, sizeof(*c->said_at));
	return 0;
}

/* What stands for the added object `which` until pdf_write.c makes it a reference. */
static qpdf_oh
extra_ref(struct post *c, enum extra which)
{
	char name[64];

	snprintf(name, sizeof(name), PW_MARKER "%d", (int)which);
	return qp.qpdf_oh_new_name(c->q, name);
}

/* Sets /Lang, /ViewerPreferences, /MarkInfo and the XMP /Metadata stream on the catalog. */
static int
fix_catalog(struct post *c, const char *xmpdate)
{
	qpdf_data q = c->q;
	qpdf_oh root, d;
	char docid[64];
	const char *const parts[] = { c->p->title, c->p->subject, c->p->author, xmpdate };
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	const char *hex;

	/* The same document gives the same identity: a hash of what identifies it. */
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		g_checksum_update(sum, (const guchar *)(parts[i] ? parts[i] : ""),
		    (gssize)strlen(parts[i] ? parts[i] : "") + 1);
	hex = g_checksum_get_string(sum);
	snprintf(docid, sizeof(docid), "uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	    hex + 16, hex + 20);
	g_checksum_free(sum);

	root = qp.qpdf_get_root(q);
	if (c->p->lang != NULL)
		qp.qpdf_oh_replace_key(q, root, "/Lang", qp.qpdf_oh_new_unicode_string(q, c->p->lang));
	d = sub_dict(q, root, "/ViewerPreferences");
	qp.qpdf_oh_replace_key(q, d, "/DisplayDocTitle", qp.qpdf_oh_new_bool(q, QPDF_TRUE));
	d = sub_dict(q, root, "/MarkInfo");
	qp.qpdf_oh_replace_key(q, d, "/Marked", qp.qpdf_oh_new_bool(q, QPDF_TRUE));

	/* Left without a filter, so that what reads XMP without PDF finds it. */
	xmp_build(&c->xmp, c->p, xmpdate, docid);
	c->extra[X_XMP].text = xstrdup("<< /Type /Metadata /Subtype /XML >>");
	c->extra[X_XMP].data = (const unsigned char *)c->xmp.s;
	c->extra[X_XMP].len = c->xmp.len;
	qp.qpdf_oh_replace_key(q, root, "/Metadata", extra_ref(c, X_XMP));
	return check(c, "cannot update the document catalog");
}

/* Sets one text string in the information dictionary when `value` is given. */
static void
info_set(qpdf_data q, qpdf_oh info, const char *key, const char *value)
{
	if (value != NULL)
		qp.qpdf_oh_replace_key(q, info, key, qp.qpdf_oh_new_unicode_string(q, value));
}

/* Fills the information dictionary to match the XMP; keeps what cairo wrote where the caller
 * gives nothing. */
static int
fix_info(struct post *c, const char *pdfdate)
{
	qpdf_data q = c->q;
	qpdf_oh trailer, info;

	trailer = qp.qpdf_get_trailer(q);
	info = qp.qpdf_oh_get_key(q, trailer, "/Info");
	if (!qp.qpdf_oh_is_dictionary(q, info)) {	/* pdf_write.c makes it an object */
		info = qp.qpdf_oh_new_dictionary(q);
		qp.qpdf_oh_replace_key(q, trailer, "/Info", info);
	}
	info_set(q, info, "/Title", c->p->title);
	info_set(q, info, "/Author", c->p->author);
	info_set(q, info, "/Subject", c->p->subject);
	info_set(q, info, "/Keywords", c->p->keywords);
	info_set(q, info, "/Producer", "gen");
	info_set(q, info, "/CreationDate", pdfdate);
	info_set(q, info, "/ModDate", pdfdate);
	info_set(q, info, "/GTS_PDFXVersion", "PDF/X-4");
	qp.qpdf_oh_replace_key(q, info, "/Trapped", qp.qpdf_oh_new_name(q, "/False"));
	return check(c, "cannot update the document information");
}

/* Is the kid `oh` marked content (an MCID, an MCR or nothing) rather than an element or OBJR? */
static int
is_content(qpdf_data q, qpdf_oh oh)
{
	return qp.qpdf_oh_is_null(q, oh) || qp.qpdf_oh_is_integer(q, oh) ||
	    qp.qpdf_oh_is_dictionary_of_type(q, oh, "/MCR", "");
}

/* Does the /Private element hold only marked content, so that dropping it orphans nothing? */
static int
private_ok(qpdf_data q, qpdf_oh elem)
{
	qpdf_oh k, kid;
	int i, n, ok;

	k = qp.qpdf_oh_get_key(q, elem, "/K");
	if (!qp.qpdf_oh_is_array(q, k)) {
		ok = is_content(q, k);
	} else {
		n = qp.qpdf_oh_get_array_n_items(q, k);
		for (ok = 1, i = 0; ok && i < n; i++) {
			kid = qp.qpdf_oh_get_array_item(q, k, i);
			ok = is_content(q, kid);
			qp.qpdf_oh_release(q, kid);
		}
	}
	qp.qpdf_oh_release(q, k);
	return ok;
}

/* The number of the element `oh` when it is one of cairo's objects, else 0 (direct). */
static int
elem_id(struct post *c, qpdf_oh oh)
{
	int id = qp.qpdf_oh_get_object_id(c->q, oh);

	return id > 0 && id < c->maxobj && qp.qpdf_oh_get_generation(c->q, oh) == 0 ? id : 0;
}

/* Keeps the text of element `elem`, whose walk is over (nothing changes it after), for
 * pdf_write.c to write. Returns 0, or -1 after msg(). */
static int
say(struct post *c, qpdf_oh elem)
{
	int id = elem_id(c, elem);
	const char *text;

	if (id == 0)
		return 0;	/* direct: written with what holds it */
	text = qp.qpdf_oh_unparse_resolved(c->q, elem);
	if (check(c, "cannot update the structure tree") < 0)
		return -1;
	c->said_at[id].at = c->said.len;
	c->said_at[id].len = qp.qpdf_get_last_string_length(c->q);
	buf_add(&c->said, text, c->said_at[id].len);
	return 0;
}

/* Has qpdf forget the element `kid` of an array once its text is kept (or it is dropped):
 * the 48,000 elements of a 1,000-page report parsed and held took 80 MB. Only a kid of an
 * array: qpdf writes a dictionary without a key whose value is an object made null, but an
 * array keeps the reference; and its parent still names it by number. */
static void
forget(struct post *c, qpdf_oh kid)
{
	int id = elem_id(c, kid);
	qpdf_oh null;

	if (id == 0 || (c->said_at[id].len == 0 && c->kind[id] != PW_DROP))
		return;
	null = qp.qpdf_oh_new_null(c->q);
	qp.qpdf_replace_object(c->q, id, 0, null);
	qp.qpdf_oh_release(c->q, null);
}

/* Walks the kids of `parent` (an element or the tree root) depth first in document order,
 * removing /Private elements from its /K. A /K array that loses kids is replaced by a new one
 * holding the rest: erasing one by one from the Document's tens of thousands of kids would
 * be quadratic. Returns 0 or -1 after msg(). */
static int
walk(struct post *c, qpdf_oh parent, int depth)
{
	qpdf_data q = c->q;
	qpdf_oh k, kid, kept = 0;
	int i, n, r;

	if (depth > TREE_DEPTH)
		return fail(c, "the structure tree is too deep");
	k = qp.qpdf_oh_get_key(q, parent, "/K");
	if (!qp.qpdf_oh_is_array(q, k)) {
		if ((r = visit(c, k, depth)) == 1)
			qp.qpdf_oh_remove_key(q, parent, "/K");
	} else {
		n = qp.qpdf_oh_get_array_n_items(q, k);
		for (r = 0, i = 0; r >= 0 && i < n; i++) {
			kid = qp.qpdf_oh_get_array_item(q, k, i);
			r = visit(c, kid, depth);
			if (r >= 0)
				forget(c, kid);
			if (r == 1 && kept == 0) {	/* the first to go: copy the kids before it */
				kept = qp.qpdf_oh_new_array(q);
				for (int j = 0; j < i; j++) {
					qpdf_oh x = qp.qpdf_oh_get_array_item(q, k, j);

					qp.qpdf_oh_append_item(q, kept, x);
					qp.qpdf_oh_release(q, x);
				}
			} else if (r == 0 && kept != 0)
				qp.qpdf_oh_append_item(q, kept, kid);
			qp.qpdf_oh_release(q, kid);
		}
		if (r >= 0 && kept != 0)
			qp.qpdf_oh_replace_key(q, parent, "/K", kept);
	}
	qp.qpdf_oh_release(q, k);
	return r < 0 ? -1 : 0;
}

/* Gives the annotations a Link element refers to (through OBJR kids) their /Contents. */
static int
link_contents(struct post *c, qpdf_oh link, const char *text)
{
	qpdf_data q = c->q;
	qpdf_oh k, kid, annot;
	int n, found = 0;

	k = qp.qpdf_oh_get_key(q, link, "/K");
	if (!qp.qpdf_oh_is_array(q, k))
		k = qp.qpdf_oh_wrap_in_array(q, k);
	n = qp.qpdf_oh_get_array_n_items(q, k);
	for (int i = 0; i < n; i++) {
		kid = qp.qpdf_oh_get_array_item(q, k, i);
		if (qp.qpdf_oh_is_dictionary_of_type(q, kid, "/OBJR", "")) {
			annot = qp.qpdf_oh_get_key(q, kid, "/Obj");
			if (qp.qpdf_oh_is_dictionary(q, annot)) {
				qp.qpdf_oh_replace_key(q, annot, "/Contents",
				    qp.qpdf_oh_new_unicode_string(q, text));
				found++;
			}
			qp.qpdf_oh_release(q, annot);
		}
		qp.qpdf_oh_release(q, kid);
	}
	qp.qpdf_oh_release(q, k);
	c->nlinks += found;
	return found;
}

/* Checks the heading element `type` ("/H2") against the ones before it: the title's H1
 * first and alone, no level skipped (Matterhorn 14-002, 14-003). */
static int
heading_order(struct post *c, const char *type)
{
	int level;

	if (type[0] != '/' || type[1] != 'H' || type[2] < '1' || type[2] > '6' || type[3] != '\0')
		return 0;
	level = type[2] - '0';
	if (!c->p->ua)
		return 0;
	if (level == 1 && c->nh1++ > 0)
		return fail(c, "internal error: a second H1; the title is the document's one H1");
	if (level > c->level + 1)
		return fail(c, "internal error: a heading skips a level in the structure tree");
	c->level = level;
	return 0;
}

/* Adds what render.c listed for this element (the next in document order): a Figure's
 * /Alt, a TH's /Scope, a Note's /ID, a Link annotation's /Contents; and checks that what
 * the XMP will claim holds. Returns -1 after msg() when it does not. */
static int
attributes(struct post *c, qpdf_oh elem, const char *type)
{
	qpdf_data q = c->q;
	const struct pdf_elem *e;
	qpdf_oh a;

	if (c->nel >= c->p->nelems || strcmp(type + 1, c->p->elems[c->nel].type) != 0)
		return fail(c, "internal error: the structure tree is out of step with the "
		    "elements drawn");
	e = &c->p->elems[c->nel++];
	if (strcmp(type, "/Figure") == 0) {
		if ((e->alt == NULL || e->alt[0] == '\0') && c->p->ua)
			return fail(c, "internal error: a figure has no alternative text");
		if (e->alt != NULL)
			qp.qpdf_oh_replace_key(q, elem, "/Alt", qp.qpdf_oh_new_unicode_string(q,
			    e->alt));
	} else if (strcmp(type, "/TH") == 0) {
		if (e->scope == NULL)
			return fail(c, "internal error: a table header cell has no scope");
		a = qp.qpdf_oh_new_dictionary(q);
		qp.qpdf_oh_replace_key(q, a, "/O", qp.qpdf_oh_new_name(q, "/Table"));
		qp.qpdf_oh_replace_key(q, a, "/Scope", qp.qpdf_oh_new_name(q, e->scope[0] == 'R' ?
		    "/Row" : "/Column"));
		if (e->colspan > 1)
			qp.qpdf_oh_replace_key(q, a, "/ColSpan", qp.qpdf_oh_new_integer(q, e->colspan));
		qp.qpdf_oh_replace_key(q, elem, "/A", a);
	} else if (strcmp(type, "/Note") == 0) {
		qp.qpdf_oh_replace_key(q, elem, "/ID", qp.qpdf_oh_new_string(q, e->id));
	} else if (strcmp(type, "/Link") == 0) {
		if (e->contents == NULL || link_contents(c, elem, e->contents) == 0)
			return fail(c, "internal error: a link has no annotation or no "
			    "description");
	}
	return heading_order(c, type);
}

/* Handles one kid: adds its attributes and descends into elements. Returns 1 for a
 * /Private element the caller drops, 0 to keep the kid, -1 after msg(). A dropped element
 * is marked PW_DROP, so that pdf_write.c writes null for it where the parent tree (the
 * marked content's parents) names it. */
static int
visit(struct post *c, qpdf_oh kid, int depth)
{
	qpdf_data q = c->q;
	qpdf_oh s;
	char type[32];
	int id = elem_id(c, kid);

	if (id > 0 && (c->said_at[id].len > 0 || c->kind[id] == PW_DROP))
		return fail(c, "the structure tree names an element twice");
	if (!qp.qpdf_oh_is_dictionary(q, kid))
		return 0;	/* marked content */
	s = qp.qpdf_oh_get_key(q, kid, "/S");
	snprintf(type, sizeof(type), "%s", qp.qpdf_oh_is_name(q, s) ? qp.qpdf_oh_get_name(q, s) : "");
	qp.qpdf_oh_release(q, s);
	if (type[0] == '\0')
		return 0;	/* an MCR or OBJR */
	if (attributes(c, kid, type) < 0)
		return -1;
	if (strcmp(type, "/Private") == 0) {
		if (!private_ok(q, kid))
			return fail(c, "a Private (artifact) tag holds other tags or links; "
			    "only drawing may go inside it");
		id = qp.qpdf_oh_get_object_id(q, kid);
		if (id >= c->maxobj)
			return fail(c, "the structure tree names objects beyond the PDF's /Size");
		if (id > 0)
			c->kind[id] = PW_DROP;
		return 1;
	}
	return walk(c, kid, depth + 1) < 0 || say(c, kid) < 0 ? -1 : 0;
}

/* Gives the elements their attributes and drops the /Private elements from the structure tree. */
static int
fix_structure(struct post *c)
{
	qpdf_data q = c->q;
	qpdf_oh tree;

	tree = qp.qpdf_oh_get_key(q, qp.qpdf_get_root(q), "/StructTreeRoot");
	if (!qp.qpdf_oh_is_dictionary(q, tree))
		return fail(c, "the PDF has no structure tree (the renderer must open the "
		    "Document tag before anything else)");
	if (walk(c, tree, 0) < 0)
		return -1;
	if (c->nel != c->p->nelems)
		return fail(c, "internal error: the structure tree is out of step with the "
		    "elements drawn");
	if (c->nh1 != 1 && c->p->ua)
		return fail(c, "internal error: the document has no H1 (its title)");
	return check(c, "cannot update the structure tree");
}

/* Is `ch` white space in a content stream? */
static int
is_space(char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f' || ch == '\0';
}

/* Returns the length of "/Private << /MCID n >> BDC", cairo 1.16's exact form, at s, or 0. */
static size_t
private_bdc(const char *s, size_t len)
{
	static const char head[] = "/Private << /MCID ", tail[] = " >> BDC";
	size_t i = sizeof head - 1, digits = sizeof head - 1;

	if (len < i || memcmp(s, head, i) != 0)
		return 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == digits || len - i < sizeof tail - 1 || memcmp(s + i, tail, sizeof tail - 1) != 0)
		return 0;
	i += sizeof tail - 1;
	return i == len || is_space(s[i]) ? i : 0;
}

/* Returns the index just past the literal string that opens at s[i] (pdf_write.c's too). */
size_t
pdf_skip_string(const char *s, size_t len, size_t i)
{
	int depth = 0;

	for (; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return len;
}

/* Returns the index just past the "EI" that ends the inline image data after "ID" at s[i]. */
static size_t
skip_image(const char *s, size_t len, size_t i)
{
	for (i += 3; i + 2 <= len; i++)
		if (s[i] == 'E' && s[i + 1] == 'I' && is_space(s[i - 1]) &&
		    (i + 2 == len || is_space(s[i + 2])))
			return i + 2;
	return len;
}

/* Is `ch` a delimiter in a content stream (ISO 32000-1 7.2.2)? */
static int
is_delim(char ch)
{
	return strchr("()<>[]{}/%", ch) != NULL;
}

/* The number token at s[i] (an operand: digits with a sign or a point), its value in *v;
 * returns the index past it, or i when none starts there. */
static size_t
number(const char *s, size_t len, size_t i, double *v)
{
	size_t j = i + (s[i] == '+' || s[i] == '-');
	double x = 0, scale = 1;
	int digits = 0, point = 0;

	for (; j < len && ((s[j] >= '0' && s[j] <= '9') || (s[j] == '.' && !point)); j++)
		if (s[j] == '.')
			point = 1;
		else {
			x = x * 10 + (s[j] - '0');
			scale *= point ? 10 : 1;
			digits++;
		}
	if (digits == 0 || (j < len && !is_space(s[j]) && !is_delim(s[j])))
		return i;
	*v = (s[i] == '-' ? -x : x) / scale;
	return j;
}

/* The ink of the colour "r g b" (0 to 1 each, as cairo writes 0xRRGGBB / 255), or NULL. */
static const struct ink *
ink_of(const struct pdf_post *p, const double rgb[3])
{
	unsigned c = 0;

	for (int i = 0; i < 3; i++) {
		double v = rgb[i] * 255;
		long r = lround(v);

		if (r < 0 || r > 255 || fabs(v - (double)r) > 0.01)
			return NULL;
		c = c << 8 | (unsigned)r;
	}
	for (size_t i = 0; i < p->ninks; i++)
		if (p->inks[i].rgb == c)
			return &p->inks[i];
	return NULL;
}

/* Appends the ink's "c m y k" (fractions of 1, exactly as the template gives them). */
static void
add_cmyk(struct buf *b, const struct ink *k)
{
	char v[16];

	for (int i = 0; i < 4; i++) {
		unsigned h = k->cmyk[i];

		if (h == 0 || h == 10000)
			snprintf(v, sizeof(v), "%s%u", i ? " " : "", h / 10000);
		else {
			int n = snprintf(v, sizeof(v), "%s0.%04u", i ? " " : "", h);

			while (v[n - 1] == '0')
				v[--n] = '\0';
		}
		buf_adds(b, v);
	}
}

/* Copies content stream `s` to `out` with each colour given as an ink ("r g b rg", "RG")
 * set in its CMYK ("c m y k k", "K"), and on a page (`page`) each /Private BDC made
 * "/Artifact BMC" (its EMC stays). Strings, names, comments and inline images are skipped,
 * so text that merely reads like an operator is kept. Returns how many were changed; `out`
 * stays empty when none. */
static size_t
rewrite(const struct pdf_post *p, const char *s, size_t len, int page, struct buf *out)
{
	size_t i = 0, done = 0, n = 0, m, at[3] = { 0 }, nnum = 0;
	double v[3];
	const struct ink *k;
	const char *e;

	while (i < len) {
		switch (s[i]) {
		case '(':
			i = pdf_skip_string(s, len, i);
			nnum = 0;
			break;
		case '<':
			if (i + 1 < len && s[i + 1] == '<')
				i += 2;
			else
				i = (e = memchr(s + i, '>', len - i)) ? (size_t)(e - s) + 1 : len;
			nnum = 0;
			break;
		case '%':
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
			break;
		case '/':
			nnum = 0;
			if (page && (m = private_bdc(s + i, len - i)) != 0) {
				buf_add(out, s + done, i - done);
				buf_adds(out, "/Artifact BMC");
				done = i += m;
				n++;
				break;
			}
			for (i++; i < len && !is_space(s[i]) && !is_delim(s[i]); i++)
				;
			break;
		default:
			if (is_space(s[i]) || is_delim(s[i])) {
				nnum = is_space(s[i]) ? nnum : 0;
				i++;
				break;
			}
			if ((m = number(s, len, i, &v[nnum % 3])) != i) {
				at[nnum++ % 3] = i;
				i = m;
				break;
			}
			for (m = i; m < len && !is_space(s[m]) && !is_delim(s[m]); m++)
				;
			if (m - i == 2 && s[i] == 'I' && s[i + 1] == 'D' && i > 0 &&
			    is_space(s[i - 1])) {
				i = skip_image(s, len, i);
				nnum = 0;
				break;
			}
			if (m - i == 2 && ((s[i] == 'r' && s[i + 1] == 'g') || (s[i] == 'R' &&
			    s[i + 1] == 'G')) && nnum == 3 && (k = ink_of(p, v)) != NULL) {
				buf_add(out, s + done, at[0] - done);
				add_cmyk(out, k);
				buf_adds(out, s[i] == 'r' ? " k" : " K");
				done = m;
				n++;
			}
			nnum = 0;
			i = m;
		}
	}
	if (n > 0)
		buf_add(out, s + done, len - done);
	return n;
}

/* Marks the page's content to be written (pdf_write.c) with /Private content made an
 * artifact and the inks in their CMYK: rewritten there, as it is written, and let go. */
static int
fix_content(struct post *c, qpdf_oh page)
{
	qpdf_data q = c->q;
	qpdf_oh st = qp.qpdf_oh_get_key(q, page, "/Contents"), x;
	int n = qp.qpdf_oh_is_array(q, st) ? qp.qpdf_oh_get_array_n_items(q, st) : 1, id, r = 0;

	for (int i = 0; r == 0 && i < n; i++) {
		x = qp.qpdf_oh_is_array(q, st) ? qp.qpdf_oh_get_array_item(q, st, i) : st;
		id = qp.qpdf_oh_get_object_id(q, x);
		if (qp.qpdf_oh_is_stream(q, x) && (id <= 0 || id >= c->maxobj))
			r = fail(c, "cannot read a page's content");
		else if (qp.qpdf_oh_is_stream(q, x))
			c->kind[id] = PW_PAGE;
		if (x != st)
			qp.qpdf_oh_release(q, x);
	}
	qp.qpdf_oh_release(q, st);
	return r == 0 ? check(c, "cannot read a page's content") : -1;
}

/* Sets /BleedBox to the media box inset by the room for printer's marks, and /TrimBox to
 * that inset by the bleed: cairo drew the page with both around it. */
static int
set_boxes(struct post *c, qpdf_oh page)
{
	qpdf_data q = c->q;
	qpdf_oh mb, x, trim, bleed;
	double v[4], m = c->p->marks, b = c->p->bleed + m;
	int i;

	mb = qp.qpdf_oh_get_key(q, page, "/MediaBox");
	if (!qp.qpdf_oh_is_array(q, mb) || qp.qpdf_oh_get_array_n_items(q, mb) != 4)
		return fail(c, "a page has no /MediaBox");
	for (i = 0; i < 4; i++) {
		x = qp.qpdf_oh_get_array_item(q, mb, i);
		if (!qp.qpdf_oh_is_number(q, x))
			return fail(c, "a page's /MediaBox is not four numbers");
		v[i] = qp.qpdf_oh_get_numeric_value(q, x);
		qp.qpdf_oh_release(q, x);
	}
	qp.qpdf_oh_release(q, mb);
	if (v[0] > v[2] || v[1] > v[3] || v[2] - v[0] <= 2 * b || v[3] - v[1] <= 2 * b)
		return fail(c, "the bleed does not fit inside the page's /MediaBox");
	trim = qp.qpdf_oh_new_array(q);
	bleed = qp.qpdf_oh_new_array(q);
	for (i = 0; i < 4; i++) {
		qp.qpdf_oh_append_item(q, trim, qp.qpdf_oh_new_real_from_double(q,
		    i < 2 ? v[i] + b : v[i] - b, 5));
		qp.qpdf_oh_append_item(q, bleed, qp.qpdf_oh_new_real_from_double(q,
		    i < 2 ? v[i] + m : v[i] - m, 5));
	}
	qp.qpdf_oh_replace_key(q, page, "/TrimBox", trim);
	qp.qpdf_oh_replace_key(q, page, "/BleedBox", bleed);
	return 0;
}

/* Fails unless every Link annotation of the page has its /Contents (Matterhorn 28-012). */
static int
check_annots(struct post *c, qpdf_oh page)
{
	qpdf_data q = c->q;
	qpdf_oh a = qp.qpdf_oh_get_key(q, page, "/Annots"), an;
	int n = qp.qpdf_oh_is_array(q, a) ? qp.qpdf_oh_get_array_n_items(q, a) : 0, bad = 0;

	for (int i = 0; i < n; i++) {
		an = qp.qpdf_oh_get_array_item(q, a, i);
		bad |= !qp.qpdf_oh_has_key(q, an, "/Contents");
		qp.qpdf_oh_release(q, an);
	}
	qp.qpdf_oh_release(q, a);
	return bad ? fail(c, "internal error: a link has no description") : 0;
}

/* Sets /Tabs /S and the page boxes, and makes running heads artifacts, on every page. */
static int
fix_pages(struct post *c)
{
	qpdf_data q = c->q;
	qpdf_oh page;
	int i, n;

	qp.qpdf_push_inherited_attributes_to_page(q);
	n = qp.qpdf_get_num_pages(q);
	if (check(c, "cannot read the page tree") < 0)
		return -1;
	for (i = 0; i < n; i++) {
		page = qp.qpdf_get_page_n(q, (size_t)i);
		qp.qpdf_oh_replace_key(q, page, "/Tabs", qp.qpdf_oh_new_name(q, "/S"));
		if (set_boxes(c, page) < 0 || check_annots(c, page) < 0 ||
		    fix_content(c, page) < 0)
			return -1;
		qp.qpdf_oh_release(q, page);
		if (check(c, "cannot update a page") < 0)
			return -1;
	}
	return 0;
}

/* The colour profiles, deflated: the one gen carries as the Makefile deflated it, the system's
 * read and deflated once a process (a batch's every PDF holds them). */
static struct profile {
	const char		*path;	/* a system file, or NULL: the profile built into gen */
	const unsigned char	*z;	/* the profile, deflated */
	size_t			 len;
} profiles[] = {
	{ NULL, fogra39_icc_z, 0 },
	{ "/usr/share/color/icc/ghostscript/default_cmyk.icc", NULL, 0 },
	{ SRGB_PROFILE, NULL, 0 },
};
#define SRGB_INDEX	2
static pthread_mutex_t profiles_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sets p->z to the profile deflated, unless it is already; -1 if it cannot be read, with
 * errno set. */
static int
load_profile(struct profile *p)
{
	char *data = NULL;
	unsigned char *z;
	size_t len;
	uLongf zlen;
	int r;

	if (p->path == NULL)
		p->len = fogra39_icc_zlen;
	if (p->z != NULL)
		return 0;
	/* a system file, outside the project: read_file() without the project's check */
	if (read_file(NULL, p->path, MAX_FILE_BYTES, &data, &len) == -1)
		return -1;
	/* the profiles hardly compress: the fastest level is as small, within half a per cent */
	zlen = compressBound((uLong)len);
	z = xmalloc(zlen);
	r = compress2(z, &zlen, (const Bytef *)data, (uLong)len, Z_BEST_SPEED);
	free(data);
	if (r != Z_OK) {
		free(z);
		errno = ENOMEM;
		return -1;
	}
	p->z = z;
	p->len = zlen;
	return 0;
}

/* The added stream `x` holding the ICC profile `which` (an index into profiles[]), of `n`
 * colour components; `more` is more of its dictionary ("" for nothing). */
static int
icc_stream(struct post *c, size_t which, int n, enum extra x, const char *more)
{
	struct profile *p = &profiles[which];
	int r;

	pthread_mutex_lock(&profiles_lock);
	r = load_profile(p);
	pthread_mutex_unlock(&profiles_lock);
	if (r == -1) {
		if (p->path == NULL)	/* the profile gen carries: only memory can fail */
			msg(c->g, MSG_FATAL, c->in, 0, 0, "out of memory");
		else
			msg(c->g, MSG_FATAL, p->path, 0, 0, "cannot read the colour profile: %s "
			    "(install icc-profiles-free and libgs-common)", read_error(errno));
		return -1;
	}
	c->extra[x].text = xasprintf("<< /N %d%s /Filter /FlateDecode >>", n, more);
	c->extra[x].data = p->z;
	c->extra[x].len = p->len;
	return 0;
}

/* Is `oh` the name /DeviceRGB? */
static int
is_rgb(qpdf_data q, qpdf_oh oh)
{
	return qp.qpdf_oh_is_name_and_equals(q, oh, "/DeviceRGB");
}

/* Is the stream dictionary `d` a form's or a tiling pattern's, content that sets colours? */
static int
has_content(qpdf_data q, qpdf_oh d)
{
	qpdf_oh t = qp.qpdf_oh_get_key(q, d, "/Subtype"), p = qp.qpdf_oh_get_key(q, d, "/PatternType");
	int r = qp.qpdf_oh_is_name_and_equals(q, t, "/Form") || qp.qpdf_oh_is_integer(q, p);

	qp.qpdf_oh_release(q, t);
	qp.qpdf_oh_release(q, p);
	return r;
}

/* Makes the colour of one object print as the template says: a form's or pattern's content
 * in the inks' CMYK; an image's or shading's /ColorSpace sRGB, and /DefaultRGB in its
 * resources, which turns the content's other rg and RG into sRGB (ISO 32000-1 8.6.5.6); a
 * transparency group's blending in CMYK (the output intent's), so that black ink stays
 * black ink where it is composited. */
static int
colour_object(struct post *c, qpdf_oh obj)
{
	qpdf_data q = c->q;
	int stream = qp.qpdf_oh_is_stream(q, obj);
	qpdf_oh d = stream ? qp.qpdf_oh_get_dict(q, obj) : obj, x, res, cs;

	/* most objects are structure elements, with none of the keys: asked cheaply */
	if (!qp.qpdf_oh_is_dictionary(q, d) || !(stream || qp.qpdf_oh_has_key(q, d, "/ColorSpace") ||
	    qp.qpdf_oh_has_key(q, d, "/Group") || qp.qpdf_oh_has_key(q, d, "/Resources")))
		return 0;
	x = qp.qpdf_oh_get_key(q, d, "/ColorSpace");
	if (is_rgb(q, x))
		qp.qpdf_oh_replace_key(q, d, "/ColorSpace", c->srgb);
	qp.qpdf_oh_release(q, x);
	x = qp.qpdf_oh_get_key(q, d, "/Group");
	if (qp.qpdf_oh_is_dictionary(q, x)) {
		qpdf_oh g = qp.qpdf_oh_get_key(q, x, "/CS");

		if (is_rgb(q, g))
			qp.qpdf_oh_replace_key(q, x, "/CS", qp.qpdf_oh_new_name(q, "/DeviceCMYK"));
		qp.qpdf_oh_release(q, g);
	}
	qp.qpdf_oh_release(q, x);
	res = qp.qpdf_oh_get_key(q, d, "/Resources");
	if (qp.qpdf_oh_is_dictionary(q, res)) {
		cs = sub_dict(q, res, "/ColorSpace");
		qp.qpdf_oh_replace_key(q, cs, "/DefaultRGB", c->srgb);
	}
	qp.qpdf_oh_release(q, res);
	/* its inks set in their CMYK as pdf_write.c writes it, as a page's content */
	if (stream && c->p->ninks > 0 && has_content(q, d))
		c->kind[qp.qpdf_oh_get_object_id(q, obj)] = PW_FORM;
	if (stream)
		qp.qpdf_oh_release(q, d);
	return 0;
}

/* PDF/X-4 print: the output intent names the printing condition the template chose (an
 * output profile, of class prtr); the inks are in their CMYK, which that condition
 * characterises, and the other RGB that cairo writes is made device-independent sRGB,
 * which the printer converts to it. */
static int
fix_colour(struct post *c)
{
	qpdf_data q = c->q;
	const struct condition *pc = &conditions[c->p->intent == PI_SWOP ? PI_SWOP : PI_FOGRA39];
	qpdf_oh root = qp.qpdf_get_root(q), oi, arr;

	if (icc_stream(c, pc->profile, 4, X_DEST, "") < 0 || icc_stream(c, SRGB_INDEX, 3,
	    X_SRGB_ICC, " /Alternate /DeviceRGB") < 0)
		return -1;
	c->extra[X_SRGB].text = xasprintf("[ /ICCBased " PW_MARKER_TEXT "%d ]", X_SRGB_ICC);
	c->srgb = extra_ref(c, X_SRGB);
	oi = qp.qpdf_oh_new_dictionary(q);
	qp.qpdf_oh_replace_key(q, oi, "/Type", qp.qpdf_oh_new_name(q, "/OutputIntent"));
	qp.qpdf_oh_replace_key(q, oi, "/S", qp.qpdf_oh_new_name(q, "/GTS_PDFX"));
	qp.qpdf_oh_replace_key(q, oi, "/OutputConditionIdentifier", qp.qpdf_oh_new_string(q, pc->id));
	qp.qpdf_oh_replace_key(q, oi, "/OutputCondition", qp.qpdf_oh_new_string(q, pc->condition));
	qp.qpdf_oh_replace_key(q, oi, "/RegistryName", qp.qpdf_oh_new_string(q,
	    "http://www.color.org"));
	qp.qpdf_oh_replace_key(q, oi, "/Info", qp.qpdf_oh_new_string(q, pc->info));
	qp.qpdf_oh_replace_key(q, oi, "/DestOutputProfile", extra_ref(c, X_DEST));
	c->extra[X_INTENT].text = xstrdup(qp.qpdf_oh_unparse(q, oi));
	arr = qp.qpdf_oh_new_array(q);
	qp.qpdf_oh_append_item(q, arr, extra_ref(c, X_INTENT));
	qp.qpdf_oh_replace_key(q, root, "/OutputIntents", arr);
	/* cairo numbers its objects from 1 with generation 0: every one is reached. */
	for (int i = 1; i < c->maxobj; i++) {
		qpdf_oh obj = qp.qpdf_get_object_by_id(q, i, 0);
		int r = colour_object(c, obj);

		qp.qpdf_oh_release(q, obj);
		if (r < 0)
			return -1;
	}
	return check(c, "cannot set the colour for print");
}
static int	warnings(struct post *, int);

/* pdf_write.c's rewrite: rewrite() with the post-pass's inks. */
static size_t
rewrite_content(const void *arg, const char *s, size_t len, int page, struct buf *out)
{
	return rewrite(arg, s, len, page, out);
}

/* Writes the result to `out` (pdf_write.c): object streams, compressed streams,
 * deterministic /ID. It is made in memory and gen writes the file, so that a short write (a
 * full disk) is seen, and only when nothing went wrong: once written, the previous file is
 * gone. */
static int
write_pdf(struct post *c, const char *out)
{
	struct pdf_writer w = { .g = c->g, .q = c->q, .in = c->in, .kind = c->kind,
	    .base = c->maxobj, .extra = c->extra, .nextra = NEXTRA, .rewrite = rewrite_content,
	    .arg = c->p, .said = &c->said, .said_at = c->said_at };
	int r = -1;

	if (pdf_write_file(&w) < 0 || check(c, "cannot write the output") < 0 ||
	    warnings(c, 1) > 0)
		;
	else if (write_file(out, w.pdf.s, w.pdf.len) == -1)
		msg(c->g, MSG_FATAL, c->in, 0, 0, "cannot write: %s", strerror(errno));
	else {
		c->g->pdf_bytes = w.pdf.len;
		c->g->pdf_pages = (size_t)qp.qpdf_get_num_pages(c->q);
		r = 0;
	}
	buf_free(&w.pdf);
	return r;
}

/* Reports qpdf's warnings: duplicate keys in cairo's resource dictionaries, which the rewrite
 * resolves, as notes under -v; anything else means cairo's file is damaged, and is fatal when
 * `report` is set. Returns the number of such other warnings. */
static int
warnings(struct post *c, int report)
{
	static const char dup[] = "dictionary has duplicated key";
	qpdf_error e;
	int benign, bad = 0;

	while (qp.qpdf_more_warnings(c->q)) {
		e = qp.qpdf_next_warning(c->q);
		benign = strncmp(qp.qpdf_get_error_message_detail(c->q, e), dup, sizeof dup - 1) == 0;
		if (benign && c->g->verbose)
			msg(c->g, MSG_NOTE, c->in, 0, 0, "qpdf: %s",
			    qp.qpdf_get_error_full_text(c->q, e));
		else if (!benign && bad++ == 0 && report)
			msg(c->g, MSG_FATAL, c->in, 0, 0, "the PDF cairo wrote is damaged: %s",
			    qp.qpdf_get_error_full_text(c->q, e));
	}
	return bad;
}

int
pdf_post(struct gen *g, const char *pdf, size_t len, const char *out, const char *name,
    const struct pdf_post *p)
{
	struct post c = { .g = g, .in = name, .pdf = pdf, .len = len, .p = p };
	char pdfdate[32], xmpdate[32];
	int r = -1;

	if (qpdf_ready(g, name) == -1)
		return -1;
	c.q = qp.qpdf_init();
	qp.qpdf_silence_errors(c.q);
	qp.qpdf_set_suppress_warnings(c.q, QPDF_TRUE);
	if (format_dates(p->date, pdfdate, xmpdate) < 0)
		msg(g, MSG_FATAL, name, 0, 0, "the document date has no PDF form");
	else if (read_pdf(&c) == 0 && fix_catalog(&c, xmpdate) == 0 && fix_info(&c, pdfdate) == 0 &&
	    fix_structure(&c) == 0 && fix_pages(&c) == 0 && fix_colour(&c) == 0 &&
	    write_pdf(&c, out) == 0)
		r = 0;
	warnings(&c, 0);	/* those of a failed run, under -v */
	qp.qpdf_cleanup(&c.q);
	for (int i = 0; i < NEXTRA; i++)
		free(c.extra[i].text);
	buf_free(&c.xmp);
	buf_free(&c.said);
	free(c.said_at);
	free(c.kind);
	return r;
}
