/* SPDX-License-Identifier: GPL-3.0-or-later */
/* preview.c: `gen preview DOC`, the document in a browser that follows every save. A small
 * web server (libmicrohttpd) on the loopback address serves one page: the HTML twin's text
 * beside the PDF's pages as pictures (poppler), and the messages of a build that failed over
 * the last good pages. inotify sees a save of any file the document reads; the document is
 * built again, the HTML first (it needs no layout) and then the PDF, and the open page is told
 * by server-sent events and changes, where it is, what differs. Called by main.c. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cairo.h>
#include <microhttpd.h>
#include <poppler.h>

#include "gen.h"

/* poppler (the pages as pictures) and libmicrohttpd (the server) serve the preview alone, so
 * they are loaded when it starts, not with gen: loading and binding them was about 7 ms of
 * every gen process's start, an eighth of a one-page build. Their sonames come from the
 * Makefile. */
#define PREVIEW_FNS(X) \
	X(0, poppler_document_new_from_bytes) \
	X(0, poppler_document_get_n_pages) \
	X(0, poppler_document_get_page) \
	X(0, poppler_page_get_size) \
	X(0, poppler_page_render) \
	X(1, MHD_start_daemon) \
	X(1, MHD_create_response_from_buffer) \
	X(1, MHD_create_response_from_callback) \
	X(1, MHD_add_response_header) \
	X(1, MHD_queue_response) \
	X(1, MHD_destroy_response) \
	X(1, MHD_get_connection_values) \
	X(1, MHD_lookup_connection_value)
#define PREVIEW_FN_FIELD(so, fn)	__typeof__(fn) *fn;
static struct {
	PREVIEW_FNS(PREVIEW_FN_FIELD)
} lib;

/* Loads poppler and libmicrohttpd and finds the functions the preview calls; -1, said, when
 * one is missing. */
static int
load_libs(struct gen *g)
{
	static const char *const so[] = { POPPLER_GLIB_SO, MICROHTTPD_SO };
	static const char *const deb[] = { "libpoppler-glib8", "libmicrohttpd12" };
	void *h[2], *sym;

	for (size_t i = 0; i < 2; i++)
		if ((h[i] = dlopen(so[i], RTLD_NOW | RTLD_LOCAL)) == NULL) {
			msg(g, MSG_FATAL, NULL, 0, 0, "the preview needs %s (install %s): %s",
			    so[i], deb[i], dlerror());
			return -1;
		}
#define PREVIEW_FN_FIND(i, fn) \
	if ((sym = dlsym(h[i], #fn)) == NULL) { \
		msg(g, MSG_FATAL, NULL, 0, 0, "the preview needs %s, which %s lacks", #fn, so[i]); \
		return -1; \
	} \
	memcpy(&lib.fn, &sym, sizeof sym);
	PREVIEW_FNS(PREVIEW_FN_FIND)
	return 0;
}

#define PAGE_SCALE	(80.0 / 72.0)	/* the PDF's pages at 80 pixels to the inch */
#define KEEP_ALIVE	3		/* seconds between an event stream's keep-alives ... */
#define REQUEST_TIMEOUT	5		/* ... within this, after which a silent connection ends */
#define MAX_WATCHED	4096		/* folders watched, at most */

/* What the server shows, and what the build loop changes (under `lock`). */
struct preview {
	struct gen	*g;
	char		*dir;		/* content/DOC */
	char		*row;		/* the row previewed, as `gen jobs` names it, or NULL */
	jobs_fn		*build;		/* main.c's build of one document or row */
	char		*outname;	/* out/OUTNAME.pdf and out/OUTNAME/, of the last build */
	char		*assets;	/* the HTML's assets folder */
	char		*title;
	char		*lang;
	char		*before;	/* the template's words for the preflight page's link */
	pthread_mutex_t	 lock;
	pthread_cond_t	 changed;
	unsigned long	 generation;	/* one more for each change of what is shown */
	unsigned long	 pages_made;	/* one more for each new set of pages: their URLs */
	struct buf	 text;		/* the HTML twin's pages' <main>s, the last good ones */
	struct buf	 errors;	/* the last build's messages as HTML, or empty */
	struct buf	*pages;		/* the PDF's pages as PNG */
	size_t		 npages;
	unsigned	 port;
	char		*pdf;		/* out/OUTNAME.pdf, of the last build that made one */
	int		 stopping;
	int		 pdf_pass;	/* the build loop's second pass, the whole build's */
	int		 inotify;	/* the watches on what the build reads */
	char		*realout;	/* out/, resolved: never watched, the build writes there */
	pthread_mutex_t	 reads_lock;	/* the twin's thread reads too */
	GHashTable	*reads;		/* the folders of the files the builds asked for */
	GHashTable	*watched;	/* watch descriptor -> its folder (owned) */
};

/* ---- building ---- */

/* Runs fn with stderr in a memory file; returns what it said (the caller frees), and says it
 * on the terminal too. */
static char *
captured(struct preview *p, void (*fn)(struct preview *))
{
	int mfd = memfd_create("gen-preview", 0), saved = dup(STDERR_FILENO);
	char *text = NULL;
	off_t end;

	fflush(stderr);
	if (mfd >= 0 && saved >= 0)
		dup2(mfd, STDERR_FILENO);
	fn(p);
	fflush(stderr);
	if (mfd >= 0 && saved >= 0) {
		dup2(saved, STDERR_FILENO);
		end = lseek(mfd, 0, SEEK_END);
		text = xcalloc((size_t)(end > 0 ? end : 0) + 1, 1);
		if (end > 0 && pread(mfd, text, (size_t)end, 0) < 0)
			text[0] = '\0';
		fputs(text, stderr);
	}
	if (mfd >= 0)
		close(mfd);
	if (saved >= 0)
		close(saved);
	return text ? text : xstrdup("");
}

/* The messages as HTML: each with the line of the file it points at, and a caret under the
 * column, as a compiler shows them. */
static void
messages_html(struct preview *p, const char *text, struct buf *out)
{
	buf_adds(out, "<ul class=\"messages\">\n");
	for (const char *l = text; *l; ) {
		const char *nl = strchr(l, '\n'), *e = nl ? nl : l + strlen(l);
		char path[1024];
		int line = 0, col = 0;

		buf_adds(out, "<li><pre>");
		xml_escape(out, l, (size_t)(e - l));
		if (sscanf(l, "%1023[^:]:%d:%d:", path, &line, &col) >= 2 && line > 0 &&
		    strstr(path, "..") == NULL) {
			char *file, *src;
			size_t len;

			file = xstrdup(path);
			if (read_file(p->g, file, MAX_FILE_BYTES, &src, &len) == 0) {
				const char *s = src;

				for (int k = 1; k < line && (s = strchr(s, '\n')) != NULL; k++)
					s++;
				if (s != NULL) {
					size_t n = strcspn(s, "\n");

					buf_adds(out, "\n    ");
					xml_escape(out, s, n);
					if (col > 0) {
						buf_adds(out, "\n    ");
						for (int k = 1; k < col && k < 400; k++)
							buf_addc(out, ' ');
						buf_adds(out, "^");
					}
				}
				free(src);
			}
			free(file);
		}
		buf_adds(out, "</pre></li>\n");
		l = nl ? nl + 1 : e;
	}
	buf_adds(out, "</ul>\n");
}

/* Reads a file the build wrote, through no link below out/ (out_open()). Returns 0 with *out
 * (NUL-terminated; the caller frees), or -1. */
static int
read_out(const char *path, char **out, size_t *len)
{
	int fd = out_open(path);
	struct stat st;
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > (off_t)MAX_FILE_BYTES) {
		close(fd);
		return -1;
	}
	*out = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size && (n = read(fd, *out + got, (size_t)st.st_size -
	    got)) > 0)
		got += (size_t)n;
	close(fd);
	(*out)[got] = '\0';
	*len = got;
	return 0;
}

/* Appends what is between <main …> and </main> of the HTML file at path. */
static void
add_main(struct buf *b, const char *path)
{
	char *html, *m, *end;
	size_t len;

	if (read_out(path, &html, &len) == -1)
		return;
	if ((m = strstr(html, "<main")) != NULL && (m = strchr(m, '>')) != NULL &&
	    (end = strstr(m, "</main>")) != NULL)
		buf_add(b, m + 1, (size_t)(end - m - 1));
	free(html);
}

/* The document's HTML pages in their order: index.html, then each the contents links to
 * (their names percent-encoded, as the twin writes them). */
static void
read_twin(struct preview *p, struct buf *b)
{
	char *dir = xasprintf("%s/%s", p->g->outdir, p->outname), *index, *html;
	size_t len;

	index = xasprintf("%s/index.html", dir);
	add_main(b, index);
	if (read_out(index, &html, &len) == 0) {
		char *nav = strstr(html, "<nav class=\"contents\"");

		for (char *a = nav; a && (a = strstr(a, "<li><a href=\"")) != NULL; ) {
			char *q, *file, *name;

			a += 13;
			if ((q = strchr(a, '"')) == NULL || memchr(a, '/', (size_t)(q - a)))
				break;
			name = xstrndup(a, (size_t)(q - a));
			file = g_uri_unescape_string(name, "/");
			if (file != NULL && file[0] != '.') {
				char *path = xasprintf("%s/%s", dir, file);

				add_main(b, path);
				free(path);
			}
			g_free(file);
			free(name);
		}
		free(html);
	}
	free(index);
	free(dir);
}

/* The PDF's pages as PNG, drawn by poppler from the PDF's bytes. */
static void
read_pages(struct preview *p, struct buf **pages, size_t *n)
{
	char *path = xasprintf("%s/%s.pdf", p->g->outdir, p->outname), *data;
	PopplerDocument *doc = NULL;
	GBytes *bytes = NULL;
	size_t len;

	*pages = NULL;
	*n = 0;
	if (read_out(path, &data, &len) == 0) {
		bytes = g_bytes_new_take(data, len);
		doc = lib.poppler_document_new_from_bytes(bytes, NULL, NULL);
	}
	for (int i = 0; doc != NULL && i < lib.poppler_document_get_n_pages(doc); i++) {
		PopplerPage *page = lib.poppler_document_get_page(doc, i);
		double w, h;
		cairo_surface_t *s;
		cairo_t *cr;

		lib.poppler_page_get_size(page, &w, &h);
		s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * PAGE_SCALE),
		    (int)(h * PAGE_SCALE));
		cr = cairo_create(s);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, PAGE_SCALE, PAGE_SCALE);
		lib.poppler_page_render(page, cr);
		cairo_destroy(cr);
		*pages = xrealloc(*pages, (*n + 1) * sizeof(**pages));
		memset(&(*pages)[*n], 0, sizeof(**pages));
		cairo_surface_write_to_png_stream(s, cairo_to_buf, &(*pages)[*n]);
		(*n)++;
		cairo_surface_destroy(s);
		g_object_unref(page);
	}
	if (doc != NULL)
		g_object_unref(doc);
	if (bytes != NULL)
		g_bytes_unref(bytes);
	free(path);
}

/* The id of the first element with one in the <main> of the twin's page `file`, or NULL.
 * The caller frees. */
static char *
first_id(struct preview *p, const char *file)
{
	char *path = xasprintf("%s/%s/%s", p->g->outdir, p->outname, file), *html, *m, *id = NULL;
	size_t len;

	if (strchr(file, '/') == NULL && file[0] != '.' &&
	    read_file(NULL, path, MAX_FILE_BYTES, &html, &len) == 0) {
		if ((m = strstr(html, "<main")) != NULL && (m = strchr(m, '>')) != NULL &&
		    (m = strstr(m, " id=\"")) != NULL)
			id = xstrndup(m + 5, strcspn(m + 5, "\""));
		free(html);
	}
	free(path);
	return id;
}

/* The preview holds every page of the twin, one after another: a link to one of them
 * ("background.html", "background.html#aims") becomes a link within the preview ("#aims",
 * or the page's first heading), and a link to the twin's index its top. The PDF's link
 * ("../DOC.pdf") and the assets' stay as they are: the server answers them. */
static void
local_links(struct preview *p, struct buf *text)
{
	struct buf out = { 0 };
	const char *s = text->s ? text->s : "", *h;

	while ((h = strstr(s, "href=\"")) != NULL) {
		const char *v = h + 6, *q = strchr(v, '"'), *hash, *dot;
		size_t n = q ? (size_t)(q - v) : 0;

		buf_add(&out, s, (size_t)(v - s));
		s = v;
		if (q == NULL)
			break;
		hash = memchr(v, '#', n);
		dot = hash ? hash - 5 : q - 5;
		if (dot >= v && strncmp(dot, ".html", 5) == 0 && memchr(v, '/', n) == NULL &&
		    memchr(v, ':', n) == NULL) {
			char *name = xstrndup(v, (size_t)(dot + 5 - v));
			char *file = g_uri_unescape_string(name, "/");
			char *id = hash || file == NULL || strcmp(file, "index.html") == 0 ? NULL :
			    first_id(p, file);

			if (hash != NULL)
				buf_add(&out, hash, (size_t)(q - hash));
			else {
				buf_addc(&out, '#');
				buf_adds(&out, id ? id : "doc");
			}
			free(id);
			g_free(file);
			free(name);
			s = q;
		}
	}
	buf_adds(&out, s);
	buf_free(text);
	*text = out;
}

/* One pass of the build: the document read and checked, and its HTML written (fast: it needs
 * no layout), or everything `gen build` writes (p->pdf_pass); p->outname names what was
 * built. */
static void
build_once(struct preview *p)
{
	struct gen *g = p->g;
	struct doc *d;
	long row = -1;

	g->errors = 0;
	g->status = 0;
	msg_forget(g, 0);	/* the last build's findings: this build reports its own */
	if ((d = doc_load(g, p->dir)) == NULL)
		return;
	if (d->data.row_table != NULL) {	/* the row asked for, or the first */
		row = 0;
		for (size_t r = 0; p->row != NULL && r < d->data.row_table->nrows; r++) {
			const struct table *t = d->data.row_table;
			char *slug = file_slug(t->cells[r * t->ncols +
			    (size_t)csv_column(t, d->tpl->per_row_name)].text);
			char *name = xasprintf("%s/%s", d->name, slug);

			if (strcmp(name, p->row) == 0)
				row = (long)r;
			free(name);
			free(slug);
		}
		if (d->data.row_table->nrows == 0) {
			doc_free(d);
			return;
		}
	}
	g->outputs = p->pdf_pass ? 0 : OUT_HTML | OUT_FILES | OUT_REPORT;	/* 0: all */
	p->build(g, d, row);
	g->outputs = 0;
	if (g->errors == 0 && g->status == 0) {
		free(p->outname);
		p->outname = xstrdup(d->outname);
		free(p->title);
		p->title = xstrdup(d->title ? d->title : d->name);
		free(p->lang);
		p->lang = xstrdup(d->lang);
		free(p->before);
		p->before = xasprintf("%s %s", d->tpl->word[W_PF_TITLE], p->title);
	}
	doc_free(d);
}

/* The second pass, the whole build as `gen build` makes it: the PDF, and the twin, text and
 * preflight page again, so that out/ ends as a build leaves it (the twin's link gives this
 * PDF's size, the preflight page its pages) and the page shows the same twin. What this pass
 * says goes over the page: an error only the PDF finds (a figure too wide for its column)
 * is shown, not hidden behind the pages of the last good build. */
static void
rebuild_whole(struct preview *p)
{
	char *said;
	struct buf text = { 0 }, errors = { 0 }, *pages = NULL;
	size_t npages = 0;
	int ok;

	p->pdf_pass = 1;
	said = captured(p, build_once);
	ok = p->g->errors == 0 && p->g->status == 0;
	if (ok) {
		read_twin(p, &text);
		local_links(p, &text);
		read_pages(p, &pages, &npages);
	} else
		messages_html(p, said, &errors);
	free(said);
	pthread_mutex_lock(&p->lock);
	if (ok) {
		buf_free(&p->text);
		p->text = text;
		free(p->pdf);
		p->pdf = xasprintf("%s/%s.pdf", p->g->outdir, p->outname);
		for (size_t i = 0; i < p->npages; i++)
			buf_free(&p->pages[i]);
		free(p->pages);
		p->pages = pages;
		p->npages = npages;
		p->pages_made++;
	}
	buf_free(&p->errors);
	p->errors = errors;
	p->generation++;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
}

/* Builds, and publishes what changed: the HTML at once, then the whole build's. */
static void
rebuild(struct preview *p)
{
	char *said;
	struct buf text = { 0 }, errors = { 0 };
	int ok;

	p->pdf_pass = 0;
	said = captured(p, build_once);
	ok = p->g->errors == 0 && p->g->status == 0;
	if (ok) {
		read_twin(p, &text);
		local_links(p, &text);
	} else
		messages_html(p, said, &errors);
	free(said);
	pthread_mutex_lock(&p->lock);
	if (ok) {
		buf_free(&p->text);
		p->text = text;
	}
	buf_free(&p->errors);
	p->errors = errors;
	p->generation++;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	if (!ok)
		return;
	/* The open page fetches the new text now: let it have the processor for a moment
	 * before the PDF's layout takes it. */
	nanosleep(&(struct timespec){ 0, 150 * 1000 * 1000 }, NULL);
	rebuild_whole(p);
}

/* ---- serving ---- */

static const char preview_style[] =
	"<style>.preview{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);"
	"gap:2rem;padding:0 1rem}#doc{max-width:46rem}#pages img{display:block;width:100%;"
	"max-width:40rem;margin:0 auto 1rem;box-shadow:0 1px 4px #0005}"
	"#errors:not(:empty){position:sticky;top:0;z-index:5;background:#fff4f4;"
	"border:3px solid #b10e1e;padding:.5rem 1rem;margin:0 1rem}"
	"#errors pre{white-space:pre-wrap;margin:.25rem 0}"
	".preflight{margin:.75rem 1rem;font-weight:bold}"
	"@media (max-width:60rem){.preview{grid-template-columns:minmax(0,1fr)}}</style>\n";

/* What the page shows, which changes (p->lock held): the last build's messages, what the
 * last good build says and its pages. Each event of /events carries it too. */
static void
page_parts(struct preview *p, struct buf *b)
{
	char gen[64];

	snprintf(gen, sizeof(gen), "%lu", p->generation);
	buf_adds(b, "<div id=\"errors\" role=\"alert\">");
	buf_add(b, p->errors.s ? p->errors.s : "", p->errors.len);
	buf_adds(b, "</div>\n");
	if (p->before != NULL) {	/* the page to read before publishing */
		buf_adds(b, "<p class=\"preflight\"><a href=\"/preflight.html\">");
		xml_escape(b, p->before, strlen(p->before));
		buf_adds(b, "</a></p>\n");
	}
	buf_adds(b, "<div class=\"preview\">\n<main id=\"doc\" data-generation=\"");
	buf_adds(b, gen);
	buf_adds(b, "\">\n");
	buf_add(b, p->text.s ? p->text.s : "", p->text.len);
	buf_adds(b, "</main>\n<div id=\"pages\" role=\"region\" aria-label=\"The PDF's pages\">\n");
	for (size_t i = 0; i < p->npages; i++) {	/* new URLs only for new pages */
		char img[256];

		snprintf(img, sizeof(img), "<img src=\"/page/%zu.png?v=%lu\" alt=\"Page %zu of the "
		    "PDF\" loading=\"lazy\">\n", i + 1, p->pages_made, i + 1);
		buf_adds(b, img);
	}
	buf_adds(b, "</div>\n</div>\n");
}

/* The page: what the last good build says, its pages, and the last build's messages. Its
 * one script carries `nonce`, which the page's Content-Security-Policy names: no other script
 * runs, whatever the document's text holds. */
static char *
page(struct preview *p, const char *nonce)
{
	struct buf b = { 0 };

	pthread_mutex_lock(&p->lock);
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"");
	xml_escape(&b, p->lang ? p->lang : "en-GB", strlen(p->lang ? p->lang : "en-GB"));
	buf_adds(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>Preview: ");
	xml_escape(&b, p->title ? p->title : "", strlen(p->title ? p->title : ""));
	buf_adds(&b, "</title>\n<link rel=\"stylesheet\" href=\"/assets/gen.css\">\n");
	buf_adds(&b, preview_style);
	buf_adds(&b, "</head>\n<body>\n");
	page_parts(p, &b);
	pthread_mutex_unlock(&p->lock);
	buf_adds(&b, "<script nonce=\"");
	buf_adds(&b, nonce);
	buf_adds(&b, "\">\n"
	    /* Only what differs is changed: the browser then lays out again that part alone,
	     * where the whole document's text put in afresh took it 60 to 200 ms. */
	    "const same = (a, b) => a.nodeType === b.nodeType && a.nodeName === b.nodeName &&\n"
	    "  (a.nodeType !== 1 || a.attributes.length === b.attributes.length &&\n"
	    "   [...b.attributes].every((t) => a.getAttribute(t.name) === t.value));\n"
	    /* an element of `list` from `at`, a few on, equal to x; or -1 */
	    "const near = (x, list, at) => {\n"
	    "  for (let k = at; x.nodeType === 1 && k < list.length && k < at + 4; k++)\n"
	    "    if (x.isEqualNode(list[k])) return k;\n"
	    "  return -1;\n"
	    "};\n"
	    /* a's children made b's: those equal kept, those put in or taken out (a link to the
	     * PDF in each chapter once there is one) found a few nodes on, the rest patched */
	    "const patch = (a, b) => {\n"
	    "  if (a.isEqualNode(b)) return;\n"
	    "  if (!same(a, b)) { a.replaceWith(b); return; }\n"
	    "  if (a.nodeType !== 1) { a.nodeValue = b.nodeValue; return; }\n"
	    "  const as = [...a.childNodes], bs = [...b.childNodes];\n"
	    "  let i = 0, j = 0, k;\n"
	    "  while (i < as.length && j < bs.length)\n"
	    "    if (as[i].isEqualNode(bs[j])) { i++; j++; }\n"
	    "    else if ((k = near(as[i], bs, j + 1)) >= 0)\n"
	    "      while (j < k) a.insertBefore(bs[j++], as[i]);\n"
	    "    else if ((k = near(bs[j], as, i + 1)) >= 0)\n"
	    "      while (i < k) as[i++].remove();\n"
	    "    else patch(as[i++], bs[j++]);\n"
	    "  while (i < as.length) as[i++].remove();\n"
	    "  while (j < bs.length) a.append(bs[j++]);\n"
	    "};\n"
	    "let last = Promise.resolve();\n"
	    "const update = (html) => {\n"
	    "  const y = scrollY, d = new DOMParser().parseFromString(html, 'text/html');\n"
	    "  for (const id of ['errors', 'doc', 'pages']) {\n"
	    "    const a = document.getElementById(id), b = d.getElementById(id);\n"
	    "    for (const t of [...a.attributes])\n"
	    "      if (!b.hasAttribute(t.name)) a.removeAttribute(t.name);\n"
	    "    for (const t of [...b.attributes])\n"
	    "      if (a.getAttribute(t.name) !== t.value) a.setAttribute(t.name, t.value);\n"
	    "    patch(a, b);\n"
	    "  }\n"
	    "  scrollTo(0, y);\n"
	    "};\n"
	    /* the events from the generation shown on, each with the new parts */
	    "new EventSource('/events?since=' + document.getElementById('doc').dataset.generation)\n"
	    "  .onmessage = (e) => { last = last.then(() => update(e.data)).catch(() => {}); };\n"
	    "</script>\n</body>\n</html>\n");
	return b.s;
}

/* The policy of what the preview serves, but its page: the published pages' own. */
#define SERVED_CSP HTML_CSP "; frame-ancestors 'none'"

/* Sends a response; `csp` is its Content-Security-Policy, or NULL for SERVED_CSP. */
static enum MHD_Result
reply_csp(struct MHD_Connection *c, unsigned status, const char *type, void *data, size_t len,
    enum MHD_ResponseMemoryMode mode, const char *csp)
{
	struct MHD_Response *r = lib.MHD_create_response_from_buffer(len, data, mode);
	enum MHD_Result rc;

	lib.MHD_add_response_header(r, "Content-Type", type);
	lib.MHD_add_response_header(r, "Cache-Control", "no-store");
	lib.MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	lib.MHD_add_response_header(r, "Content-Security-Policy", csp ? csp : SERVED_CSP);
	rc = lib.MHD_queue_response(c, status, r);
	lib.MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *type, void *data, size_t len,
    enum MHD_ResponseMemoryMode mode)
{
	return reply_csp(c, status, type, data, len, mode, NULL);
}

static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned status, const char *why)
{
	return reply(c, status, "text/plain; charset=utf-8", (void *)why, strlen(why),
	    MHD_RESPMEM_PERSISTENT);
}

/* An event stream's state: the generation the browser has seen, and what is still to be
 * sent of the last event. */
struct stream {
	struct preview	*p;
	unsigned long	 seen;
	struct buf	 event;
	size_t		 sent;
};

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	buf_free(&s->event);
	free(s);
}

/* The event of a new generation: the page's parts, a line of data each line. */
static void
stream_event(struct stream *s)
{
	struct buf parts = { 0 };

	page_parts(s->p, &parts);
	buf_free(&s->event);
	s->sent = 0;
	for (const char *l = parts.s ? parts.s : ""; *l; ) {
		size_t n = strcspn(l, "\r\n");

		buf_adds(&s->event, "data: ");
		buf_add(&s->event, l, n);
		buf_addc(&s->event, '\n');
		l += n;
		l += *l == '\r' && l[1] == '\n' ? 2 : *l != '\0';
	}
	buf_addc(&s->event, '\n');
	buf_free(&parts);
}

static ssize_t
stream_next(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	struct preview *p = s->p;
	struct timespec until;
	int n = 0;

	(void)pos;
	if (s->sent < s->event.len) {	/* the rest of the last event */
		size_t k = s->event.len - s->sent < max ? s->event.len - s->sent : max;

		memcpy(buf, s->event.s + s->sent, k);
		s->sent += k;
		return (ssize_t)k;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEP_ALIVE;
	pthread_mutex_lock(&p->lock);
	while (p->generation == s->seen && !p->stopping &&
	    pthread_cond_timedwait(&p->changed, &p->lock, &until) == 0)
		;
	if (p->stopping)
		n = -1;
	else if (p->generation != s->seen) {
		s->seen = p->generation;
		stream_event(s);
		n = (int)(s->event.len < max ? s->event.len : max);
		memcpy(buf, s->event.s, (size_t)n);
		s->sent = (size_t)n;
	} else
		n = snprintf(buf, max, ": still here\n\n");
	pthread_mutex_unlock(&p->lock);
	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

/* The file at `path` below out/ (freed here), read without following a link, as `type`. */
static enum MHD_Result
serve_out(struct MHD_Connection *c, char *path, const char *type)
{
	int fd = out_open(path);
	struct stat st;
	char *data;
	size_t len;

	free(path);
	if (fd < 0)
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		close(fd);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	len = (size_t)st.st_size;
	data = xmalloc(len + 1);
	if (read(fd, data, len) != (ssize_t)len) {
		close(fd);
		free(data);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	close(fd);
	return reply(c, MHD_HTTP_OK, type, data, len, MHD_RESPMEM_MUST_FREE);
}

/* A file of the HTML's assets: a name of letters, digits, dots, dashes and underscores, in
 * the folder or its fonts/; read without following a link. */
static enum MHD_Result
asset(struct preview *p, struct MHD_Connection *c, const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".css", "text/css" }, { ".otf", "font/otf" }, { ".ttf", "font/ttf" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		{ ".svg", "image/svg+xml" },
	};
	const char *type = NULL;
	size_t n = strlen(name), slashes = 0;
	char *path;

	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		if (ch == '/')
			slashes++;
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_'))
			return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	if (n == 0 || name[0] == '.' || strstr(name, "..") || slashes > 1 ||
	    (slashes == 1 && strncmp(name, "fonts/", 6) != 0))
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (n > strlen(types[i].ext) && strcmp(name + n - strlen(types[i].ext),
		    types[i].ext) == 0)
			type = types[i].type;
	pthread_mutex_lock(&p->lock);
	path = p->assets ? xasprintf("%s/%s", p->assets, name) : NULL;
	pthread_mutex_unlock(&p->lock);
	if (type == NULL || path == NULL) {
		free(path);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	return serve_out(c, path, type);
}

/* The PDF, by the name the twin's link gives it ("../DOC.pdf", which is "/DOC.pdf" here). */
static enum MHD_Result
pdf(struct preview *p, struct MHD_Connection *c, const char *name)
{
	char *path, *data;
	const char *base;
	size_t len;

	pthread_mutex_lock(&p->lock);
	path = p->pdf ? xstrdup(p->pdf) : NULL;
	pthread_mutex_unlock(&p->lock);
	base = path ? strrchr(path, '/') : NULL;
	if (base == NULL || strcmp(base + 1, name) != 0 ||
	    read_file(NULL, path, 1u << 30, &data, &len) == -1) {
		free(path);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	free(path);
	return reply(c, MHD_HTTP_OK, "application/pdf", data, len, MHD_RESPMEM_MUST_FREE);
}

/* The preflight page or the accessibility statement of the last build, as written in
 * out/OUTNAME/; the preflight page's links to the project's files, paths from its folder
 * there, made to open the files here (/source/). */
static enum MHD_Result
report_page(struct preview *p, struct MHD_Connection *c, const char *name)
{
	char *path, *up = NULL, *html, *linked;
	size_t len;

	pthread_mutex_lock(&p->lock);
	path = p->outname ? xasprintf("%s/%s/%s", p->g->outdir, p->outname, name) : NULL;
	if (path != NULL && strcmp(name, "preflight.html") == 0)
		up = preflight_root_href(p->g, p->outname);
	pthread_mutex_unlock(&p->lock);
	if (path == NULL)
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (up == NULL)
		return serve_out(c, path, "text/html; charset=utf-8");
	if (read_out(path, &html, &len) == -1) {
		free(path);
		free(up);
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	linked = preflight_relink(html, up, SOURCE_HREF);
	free(html);
	free(path);
	free(up);
	return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", linked, strlen(linked),
	    MHD_RESPMEM_MUST_FREE);
}

/* A source file of the project (Markdown, CSV, a template, a declaration), a line to an
 * element with its number as id ("#L12"), the line the preflight page links to marked: what
 * "open in the preview" opens. Files outside the project, or of other kinds, are not shown. */
static enum MHD_Result
source_page(struct preview *p, struct MHD_Connection *c, const char *rel)
{
	static const char *const exts[] = { ".md", ".MD", ".markdown", ".csv", ".CSV", ".xml",
		".source" };
	const char *dot = strrchr(rel, '.');
	struct buf b = { 0 };
	char *text, num[32];
	size_t len, i, line = 1;

	for (i = 0; dot != NULL && i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcmp(dot, exts[i]) == 0)
			break;
	if (dot == NULL || i == sizeof(exts) / sizeof(exts[0]) ||
	    read_file(p->g, rel, 64u << 20, &text, &len) == -1)
		return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"");
	xml_escape(&b, p->lang ? p->lang : "en-GB", strlen(p->lang ? p->lang : "en-GB"));
	buf_adds(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	xml_escape(&b, rel, strlen(rel));
	buf_adds(&b, "</title>\n<style>body{margin:1rem;font:1rem/1.5 system-ui,sans-serif;"
	    "color:#1a1a1a}pre{counter-reset:l;font-size:.9rem;white-space:pre-wrap}"
	    ".l{display:block;padding-left:4em;text-indent:-4em}.l::before{counter-increment:l;"
	    "content:counter(l);display:inline-block;width:3.5em;margin-right:.5em;"
	    "text-align:right;color:#555}.l:target{background:#fff4d6;outline:2px solid "
	    "#8a5a00}</style>\n</head>\n<body>\n<main>\n<h1>");
	xml_escape(&b, rel, strlen(rel));
	buf_adds(&b, "</h1>\n<pre>");
	for (const char *s = text, *e; s < text + len || line == 1; s = e + 1, line++) {
		e = memchr(s, '\n', (size_t)(text + len - s));
		if (e == NULL)
			e = text + len;
		snprintf(num, sizeof(num), "<span class=\"l\" id=\"L%zu\">", line);
		buf_adds(&b, num);
		xml_escape(&b, s, (size_t)(e - s) - (e > s && e[-1] == '\r'));
		buf_adds(&b, "</span>");
		if (e == text + len)
			break;
	}
	buf_adds(&b, "</pre>\n</main>\n</body>\n</html>\n");
	free(text);
	return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", b.s, b.len,
	    MHD_RESPMEM_MUST_FREE);
}

/* Counts a request's Host headers. */
static enum MHD_Result
count_host(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	if (g_ascii_strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0)
		(*(int *)cls)++;
	return MHD_YES;
}

/* Whether the request has one Host, and it is this server by its loopback name, so that a
 * page elsewhere cannot reach it by a name it has pointed at 127.0.0.1 (DNS rebinding), nor
 * by a second Host that a proxy on the way would read instead. */
static int
own_host(const struct preview *p, struct MHD_Connection *c)
{
	const char *host = lib.MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	char a[64], b[64];
	int n = 0;

	lib.MHD_get_connection_values(c, MHD_HEADER_KIND, count_host, &n);
	snprintf(a, sizeof(a), "127.0.0.1:%u", p->port);
	snprintf(b, sizeof(b), "localhost:%u", p->port);
	return n == 1 && host != NULL && (strcmp(host, a) == 0 || strcmp(host, b) == 0);
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_len, void **state)
{
	struct preview *p = cls;
	unsigned long n;
	char end;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)state;
	if (!own_host(p, c))
		return refuse(c, MHD_HTTP_FORBIDDEN, "this preview answers only to its own address\n");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	if (strcmp(url, "/") == 0) {
		unsigned char r[18];
		char nonce[32], *csp, *html, *b64;
		enum MHD_Result rc;

		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			return refuse(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no random numbers\n");
		b64 = g_base64_encode(r, sizeof(r));
		snprintf(nonce, sizeof(nonce), "%s", b64);
		g_free(b64);
		html = page(p, nonce);
		csp = xasprintf("default-src 'none'; script-src 'nonce-%s'; connect-src 'self'; "
		    "img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; "
		    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'", nonce);
		rc = reply_csp(c, MHD_HTTP_OK, "text/html; charset=utf-8", html, strlen(html),
		    MHD_RESPMEM_MUST_FREE, csp);
		free(csp);
		return rc;
	}
	if (strcmp(url, "/events") == 0) {
		struct stream *s = xcalloc(1, sizeof(*s));
		struct MHD_Response *r;
		enum MHD_Result rc;

		const char *since = lib.MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
		    "since");
		char *e = NULL;
		unsigned long g;

		s->p = p;
		pthread_mutex_lock(&p->lock);
		/* from the generation the page shows, so that a change meanwhile is sent */
		g = since ? strtoul(since, &e, 10) : 0;
		s->seen = since && *since && *e == '\0' && g <= p->generation ? g : p->generation;
		pthread_mutex_unlock(&p->lock);
		r = lib.MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32768, stream_next, s,
		    stream_free);
		lib.MHD_add_response_header(r, "Content-Type", "text/event-stream");
		lib.MHD_add_response_header(r, "Cache-Control", "no-store");
		rc = lib.MHD_queue_response(c, MHD_HTTP_OK, r);
		lib.MHD_destroy_response(r);
		return rc;
	}
	if (sscanf(url, "/page/%lu.pn%c", &n, &end) == 2 && end == 'g') {
		void *png = NULL;
		size_t len = 0;

		pthread_mutex_lock(&p->lock);
		if (n >= 1 && n <= p->npages) {
			len = p->pages[n - 1].len;
			png = xmalloc(len + 1);
			memcpy(png, p->pages[n - 1].s, len);
		}
		pthread_mutex_unlock(&p->lock);
		if (png == NULL)
			return refuse(c, MHD_HTTP_NOT_FOUND, "no such page\n");
		return reply(c, MHD_HTTP_OK, "image/png", png, len, MHD_RESPMEM_MUST_FREE);
	}
	if (strncmp(url, "/assets/", 8) == 0)
		return asset(p, c, url + 8);
	if (strcmp(url, "/preflight.html") == 0 || strcmp(url, "/accessibility.html") == 0)
		return report_page(p, c, url + 1);
	if (strncmp(url, "/source/", 8) == 0)
		return source_page(p, c, url + 8);
	if (strlen(url) > 5 && strcmp(url + strlen(url) - 4, ".pdf") == 0)
		return pdf(p, c, url + 1);
	return refuse(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* ---- watching ---- */

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | \
	IN_DELETE_SELF | IN_MOVE_SELF)

/* One folder watched; `only`, when set, names the entries whose changes count, as
 * "/content/templates/" (the project's folder, where other files change too). */
struct watched {
	char	*dir;
	char	*only;
};

static void
watched_free(void *v)
{
	struct watched *w = v;

	free(w->dir);
	free(w->only);
	free(w);
}

/* read_file()'s hook (g->on_read): the folder of each file a build asks for is watched. */
static void
note_read(void *arg, const char *path)
{
	struct preview *p = arg;
	char *dir = g_path_get_dirname(path);

	pthread_mutex_lock(&p->reads_lock);
	g_hash_table_add(p->reads, dir);	/* the table frees a copy it had */
	pthread_mutex_unlock(&p->reads_lock);
}

/* Watches the folder `dir` (never through a link, never out/); `only` as struct watched
 * says. Returns 0 when it is watched. */
static int
watch_one(struct preview *p, const char *dir, const char *only)
{
	char real[PATH_MAX];
	struct watched *w;
	size_t ol = p->realout ? strlen(p->realout) : 0;
	int wd;

	if (g_hash_table_size(p->watched) >= MAX_WATCHED || realpath(dir, real) == NULL ||
	    (ol > 0 && strncmp(real, p->realout, ol) == 0 && (real[ol] == '\0' ||
	    real[ol] == '/')))
		return -1;
	if ((wd = inotify_add_watch(p->inotify, dir, WATCH_MASK | IN_ONLYDIR | IN_DONT_FOLLOW)) < 0)
		return -1;
	w = g_hash_table_lookup(p->watched, GINT_TO_POINTER(wd));
	if (w == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->dir = xstrdup(dir);
		w->only = only ? xstrdup(only) : NULL;
		g_hash_table_replace(p->watched, GINT_TO_POINTER(wd), w);
	} else if (only == NULL) {	/* watched for all it holds, too */
		free(w->only);
		w->only = NULL;
	}
	return 0;
}

/* Watches `dir` and the folders below it, to `depth` levels, not through links and not
 * into hidden folders. */
static void
watch_tree(struct preview *p, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *e;

	if (watch_one(p, dir, NULL) == -1 || depth == 0 || (dp = opendir(dir)) == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		char *sub;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(p, sub, depth - 1);
		free(sub);
	}
	closedir(dp);
}

/* Watches, as they are now, the folders a build reads: the project's (for templates/ and
 * fonts/ made later), content/ (for the document's folder deleted and put back), the
 * document's folder and every folder in it, templates/ and fonts/, and the folder of every
 * file a build asked for, or the nearest folder above it that exists (so that a folder
 * made later is seen). */
static void
rewatch(struct preview *p)
{
	char *content = project_path(p->g, "content"), *templates = project_path(p->g,
	    "templates"), *fonts = project_path(p->g, "fonts"), *only, *base;
	GHashTableIter it;
	gpointer key;

	if (p->realout == NULL)
		p->realout = realpath(p->g->outdir, NULL);
	watch_one(p, p->g->root, "/content/templates/fonts/");
	base = g_path_get_basename(p->dir);
	only = xasprintf("/%s/", base);
	watch_one(p, content, only);
	free(only);
	g_free(base);
	watch_tree(p, p->dir, 8);
	watch_tree(p, templates, 4);
	watch_tree(p, fonts, 4);
	pthread_mutex_lock(&p->reads_lock);
	g_hash_table_iter_init(&it, p->reads);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		char *dir = xstrdup(key);

		while (watch_one(p, dir, NULL) == -1 && errno == ENOENT && in_project(p->g, dir)) {
			char *up = g_path_get_dirname(dir);
			int top = strcmp(up, dir) == 0;

			free(dir);
			dir = xstrdup(up);
			g_free(up);
			if (top)
				break;
		}
		free(dir);
	}
	pthread_mutex_unlock(&p->reads_lock);
	free(content);
	free(templates);
	free(fonts);
}

/* Whether an inotify event is a change a build reads. */
static int
counts(struct preview *p, const struct inotify_event *e)
{
	struct watched *w = g_hash_table_lookup(p->watched, GINT_TO_POINTER(e->wd));

	if (e->mask & IN_IGNORED) {	/* its folder is gone */
		g_hash_table_remove(p->watched, GINT_TO_POINTER(e->wd));
		return 0;
	}
	if (w != NULL && w->only != NULL) {
		char *name = xasprintf("/%s/", e->len > 0 ? e->name : "");
		int in = strstr(w->only, name) != NULL;

		free(name);
		return in;
	}
	return 1;
}

/* How long a save's events must stay quiet before the build starts, in milliseconds: a
 * file written and closed, or renamed into place, ends a save (an editor's steps follow one
 * another within a millisecond); anything else (a file made, removed or moved away) is a
 * step on the way, and is given longer. */
#define SETTLE_SAVED	5
#define SETTLE_BETWEEN	25

/* Waits for a save, then for the writes around it to settle. */
static void
wait_for_save(struct preview *p)
{
	char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pf = { p->inotify, POLLIN, 0 };
	int quiet = -1;	/* until a change counts: none */
	ssize_t n;

	do {	/* an editor's save is several events: take them all */
		while (poll(&pf, 1, quiet) < 0 && errno == EINTR)
			;
		if (!(pf.revents & POLLIN))
			break;
		while ((n = read(p->inotify, events, sizeof(events))) > 0)
			for (char *at = events; at < events + n; ) {
				const struct inotify_event *e = (const void *)at;

				if (counts(p, e))
					quiet = e->mask & (IN_CLOSE_WRITE | IN_MOVED_TO) ?
					    SETTLE_SAVED : SETTLE_BETWEEN;
				at += sizeof(*e) + e->len;
			}
	} while (1);
}

/* The HTML's assets folder, once a build has said where the document goes: beside its
 * pages, or for a row of a document built per row, beside the rows. */
static void
find_assets(struct preview *p)
{
	const char *slash;

	if (p->assets != NULL || p->outname == NULL)
		return;
	slash = strchr(p->outname, '/');
	pthread_mutex_lock(&p->lock);
	p->assets = xasprintf("%s/%.*s/assets", p->g->outdir,
	    (int)(slash ? (size_t)(slash - p->outname) : strlen(p->outname)), p->outname);
	pthread_mutex_unlock(&p->lock);
}

/* ---- the port ---- */

#define PORT_FIRST	8100	/* a project's own port is one of these ... */
#define PORT_COUNT	900
#define PORT_TRIES	10	/* ... or, while it is in use, one of the few after it */

/* The project's own port, the same each time: from a hash of its path (FNV-1a). */
static unsigned
project_port(const char *realroot)
{
	uint64_t h = 14695981039346656037u;

	for (const unsigned char *c = (const unsigned char *)realroot; *c; c++)
		h = (h ^ *c) * 1099511628211u;
	return PORT_FIRST + (unsigned)(h % PORT_COUNT);
}

/* A socket listening on 127.0.0.1, on `port` (0: any free one), or (port -1) on the
 * project's own or, while that is in use, one of the few after it; *bound is the port.
 * Returns the socket, or -1 after msg() says which port was in use and how to choose. */
static int
listen_on(struct gen *g, int port, unsigned *bound)
{
	unsigned usual = port >= 0 ? (unsigned)port : project_port(g->realroot), at = usual;
	int tries = port >= 0 ? 1 : PORT_TRIES, fd = -1, e = 0;

	for (int i = 0; i < tries; i++) {
		struct sockaddr_in addr = { .sin_family = AF_INET };
		socklen_t len = sizeof(addr);
		int on = 1;

		at = port >= 0 ? usual : PORT_FIRST + (usual - PORT_FIRST + (unsigned)i) % PORT_COUNT;
		addr.sin_port = htons((uint16_t)at);
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* this machine alone */
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			break;
		/* A preview stopped a moment ago leaves connections waiting: not in use. */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 64) == 0 &&
		    getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
			*bound = ntohs(addr.sin_port);
			return fd;
		}
		e = errno;
		close(fd);
		fd = -1;
		if (e != EADDRINUSE)
			break;
	}
	if (fd < 0 && e == 0)
		e = errno;
	if (e == EADDRINUSE && tries == 1)
		msg(g, MSG_FATAL, NULL, 0, 0, "port %u on 127.0.0.1 is in use (another preview, or "
		    "another program): choose another with --port, e.g. --port %u", usual,
		    usual < 65535 ? usual + 1 : usual - 1);
	else if (e == EADDRINUSE)
		msg(g, MSG_FATAL, NULL, 0, 0, "ports %u to %u on 127.0.0.1, this project's own, are "
		    "in use (other previews, or other programs): choose one with --port N", usual,
		    at);
	else if (e == EACCES)
		msg(g, MSG_FATAL, NULL, 0, 0, "cannot serve the preview on 127.0.0.1:%u: %s (ports "
		    "below 1024 are the system's): choose another with --port N", at, strerror(e));
	else
		msg(g, MSG_FATAL, NULL, 0, 0, "cannot serve the preview on 127.0.0.1:%u: %s", at,
		    strerror(e));
	return -1;
}

int
preview_run(struct gen *g, const char *dir, const char *row, int port, jobs_fn *build)
{
	struct preview p = { .g = g, .build = build };
	struct MHD_Daemon *daemon;
	unsigned usual = port >= 0 ? (unsigned)port : project_port(g->realroot);
	int sock;

	if (load_libs(g) == -1 || (sock = listen_on(g, port, &p.port)) < 0)
		return g->status;
	p.dir = xstrdup(dir);
	p.row = row ? xstrdup(row) : NULL;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	pthread_mutex_init(&p.reads_lock, NULL);
	p.reads = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p.watched = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, watched_free);
	g->on_read = note_read;
	g->on_read_arg = &p;
	g->progress = 0;
	if ((p.inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		msg(g, MSG_FATAL, NULL, 0, 0, "cannot watch the files: %s", strerror(errno));
		return g->status;
	}
	rewatch(&p);
	rebuild(&p);
	rewatch(&p);
	find_assets(&p);
	/* a request that does not arrive whole within REQUEST_TIMEOUT seconds is closed, and
	 * few connections are kept: each is a thread */
	daemon = lib.MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, &p, MHD_OPTION_LISTEN_SOCKET, sock,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)REQUEST_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
	if (daemon == NULL) {
		msg(g, MSG_FATAL, NULL, 0, 0, "cannot serve the preview on 127.0.0.1:%u: %s", p.port,
		    strerror(errno));
		close(sock);
		return g->status;
	}
	printf("Preview at http://127.0.0.1:%u/ (it follows every save; Ctrl-C to stop)\n",
	    p.port);
	if (port < 0 && p.port != usual)
		printf("(port %u, this project's usual one, is in use)\n", usual);
	fflush(stdout);
	for (;;) {	/* until interrupted */
		wait_for_save(&p);
		rewatch(&p);	/* the folders as they are now: a save in one made meanwhile */
		rebuild(&p);
		rewatch(&p);	/* and those this build read */
		find_assets(&p);
	}
	return 0;
}
