/* SPDX-License-Identifier: GPL-3.0-or-later */
/* image.c: pictures placed by Markdown images: PNG (cairo), JPEG (libjpeg to decode and check
 * every byte, embedded in the PDF as the original JPEG) and SVG (librsvg, drawn as vectors).
 * Called by validate.c, which decodes each image once, and render.c, which draws it. And
 * pictures gen writes: cairo's output into memory, PNG with libpng (a panel's files). */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <jpeglib.h>
#include <librsvg/rsvg.h>
#include <libxml/parser.h>
#include <png.h>
#include <zlib.h>

#include "gen.h"

#define MAX_IMAGE_PIXELS (100u * 1000 * 1000)	/* refuse decompression bombs */

/* librsvg draws SVG pictures alone, so it is loaded the first time one is read, not with gen:
 * loading and binding it (with gdk-pixbuf, which it alone needs) was about 3 ms of every gen
 * process's start, a twentieth of a one-page build. Its soname comes from the Makefile. Read
 * on the twin's thread and the PDF's at once, so loaded once under pthread_once(). */
#define RSVG_FNS(X) \
	X(rsvg_handle_new_from_data) \
	X(rsvg_handle_get_intrinsic_size_in_pixels) \
	X(rsvg_handle_get_geometry_for_element) \
	X(rsvg_handle_render_document)
#define RSVG_FN_FIELD(fn)	__typeof__(fn) *fn;
static struct {
	RSVG_FNS(RSVG_FN_FIELD)
} rsvg;
static pthread_once_t rsvg_once = PTHREAD_ONCE_INIT;
static int rsvg_loaded;		/* 1 once every function was found */

static void
rsvg_load(void)
{
	void *h = dlopen(RSVG_SO, RTLD_NOW | RTLD_LOCAL), *sym;

	if (h == NULL && memory_gone())
		out_of_memory();	/* as when gen linked it at start-up */
	if (h == NULL)
		return;
#define RSVG_FN_FIND(fn) \
	if ((sym = dlsym(h, #fn)) == NULL) \
		return; \
	memcpy(&rsvg.fn, &sym, sizeof sym);
	RSVG_FNS(RSVG_FN_FIND)
	rsvg_loaded = 1;
}

/* Loads librsvg if it is not yet; 0, or -1 with `why` said when it cannot be. */
static int
rsvg_ready(const char **why)
{
	pthread_once(&rsvg_once, rsvg_load);
	if (!rsvg_loaded)
		*why = "an SVG, which needs " RSVG_SO " (install librsvg2-2)";
	return rsvg_loaded ? 0 : -1;
}

struct image {
	cairo_surface_t	*surface;	/* PNG, JPEG: the pixels */
	RsvgHandle	*svg;		/* SVG: as drawn again by librsvg on cairo's SVG surface */
	struct buf	 clean;		/* ... which wrote this: drawing alone */
	double		 w, h;		/* natural size, pt */
};

/* A picture that declares more pixels than this for each byte of its file is refused before
 * it is decoded: no PNG (deflate packs at most 1,032 bytes into one, 8 pixels a byte) or JPEG
 * can hold that many, so its data must be missing. */
#define MAX_PIXELS_PER_BYTE 10000

/* Whether a picture of w x h pixels in a file of `len` bytes is worth decoding. */
static int
size_ok(size_t w, size_t h, size_t len, const char **why)
{
	if (w == 0 || h == 0 || w > MAX_IMAGE_PIXELS || h > MAX_IMAGE_PIXELS ||
	    w * h > MAX_IMAGE_PIXELS) {
		*why = "a picture of no size or of more than 100 megapixels";
		return 0;
	}
	if (w * h / MAX_PIXELS_PER_BYTE > len) {
		*why = "damaged: its file is far too small for the size it declares";
		return 0;
	}
	return 1;
}

/* libjpeg's error handler: back to load_jpeg() instead of exit(). */
struct jpeg_err {
	struct jpeg_error_mgr	 pub;
	jmp_buf			 jump;
	int			 warnings;	/* corrupt or missing data libjpeg made good */
};

static void
jpeg_fail(j_common_ptr j)
{
	longjmp(((struct jpeg_err *)j->err)->jump, 1);
}

/* libjpeg's warnings (level -1) are damaged data it papered over, such as a file cut short
 * and filled in grey: counted, and the picture refused. */
static void
jpeg_note(j_common_ptr j, int level)
{
	if (level < 0)
		((struct jpeg_err *)j->err)->warnings++;
}

/* Decodes a whole JPEG with libjpeg into a cairo surface; NULL if any of it is damaged. */
static cairo_surface_t *
jpeg_surface(const char *data, size_t len, const char **why)
{
	struct jpeg_decompress_struct j;
	struct jpeg_err err;
	cairo_surface_t *volatile s = NULL;
	unsigned char *volatile row = NULL;
	unsigned char *px;
	int stride;

	j.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = jpeg_fail;
	err.pub.emit_message = jpeg_note;
	err.warnings = 0;
	*why = "not a readable JPEG (its data is damaged or cut short)";
	if (setjmp(err.jump)) {
		jpeg_destroy_decompress(&j);
		free(row);
		if (s != NULL)
			cairo_surface_destroy(s);
		return NULL;
	}
	jpeg_create_decompress(&j);
	jpeg_mem_src(&j, (const unsigned char *)data, (unsigned long)len);
	jpeg_read_header(&j, TRUE);
	if (!size_ok(j.image_width, j.image_height, len, why))
		longjmp(err.jump, 1);
	*why = "not a readable JPEG (its data is damaged or cut short)";
	if (j.jpeg_color_space == JCS_CMYK || j.jpeg_color_space == JCS_YCCK)
		j.out_color_space = JCS_CMYK;
	else
		j.out_color_space = JCS_RGB;
	jpeg_start_decompress(&j);
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)j.output_width,
	    (int)j.output_height);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		longjmp(err.jump, 1);
	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	stride = cairo_image_surface_get_stride(s);
	row = xmalloc((size_t)j.output_width * (size_t)j.output_components);
	while (j.output_scanline < j.output_height) {
		uint32_t *d = (uint32_t *)(void *)(px + (size_t)j.output_scanline * stride);
		JSAMPROW r = row;

		jpeg_read_scanlines(&j, &r, 1);
		for (JDIMENSION x = 0; x < j.output_width; x++) {
			const unsigned char *p = row + x * (size_t)j.output_components;
			unsigned rgb[3];

			for (int c = 0; c < 3; c++)	/* Adobe's CMYK is stored inverted */
				rgb[c] = j.out_color_space == JCS_CMYK ? p[c] * p[3] / 255 : p[c];
			d[x] = 0xffu << 24 | rgb[0] << 16 | rgb[1] << 8 | rgb[2];
		}
	}
	jpeg_finish_decompress(&j);
	if (err.warnings > 0)
		longjmp(err.jump, 1);
	jpeg_destroy_decompress(&j);
	free(row);
	cairo_surface_mark_dirty(s);
	return s;
}

/* A JPEG: decoded in full to check it (a file cut short or corrupt is refused); the PDF
 * embeds the original bytes. Takes `data`. */
static struct image *
load_jpeg(char *data, size_t len, const char **why)
{
	cairo_surface_t *s = jpeg_surface(data, len, why);
	struct image *im;

	if (s == NULL) {
		free(data);
		return NULL;
	}
	im = xcalloc(1, sizeof(*im));
	im->surface = s;
	im->w = cairo_image_surface_get_width(s) * 0.75;
	im->h = cairo_image_surface_get_height(s) * 0.75;
	cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, (unsigned char *)data, len, free,
	    data);
	return im;
}

/* What cairo's PNG reader reads from: the file's bytes in memory. */
struct png_src {
	const char	*p;
	size_t		 left;
};

static cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_src *src = closure;

	if (len > src->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, src->p, len);
	src->p += len;
	src->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

static struct image *
load_png(const char *data, size_t len, const char **why)
{
	const unsigned char *ihdr = (const unsigned char *)data;
	struct png_src src = { data, len };
	cairo_surface_t *s;
	struct image *im;
	size_t w, h;

	if (len < 24) {
		*why = "not a readable PNG";
		return NULL;
	}
	w = (size_t)ihdr[16] << 24 | ihdr[17] << 16 | ihdr[18] << 8 | ihdr[19];
	h = (size_t)ihdr[20] << 24 | ihdr[21] << 16 | ihdr[22] << 8 | ihdr[23];
	if (!size_ok(w, h, len, why))
		return NULL;
	s = cairo_image_surface_create_from_png_stream(png_read, &src);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		*why = "not a readable PNG";
		return NULL;
	}
	im = xcalloc(1, sizeof(*im));
	im->surface = s;
	im->w = cairo_image_surface_get_width(s) * 0.75;
	im->h = cairo_image_surface_get_height(s) * 0.75;
	return im;
}

/* Draws the SVG once, small, so a picture librsvg refuses (its limits stop reference
 * bombs) is an error now rather than a blank figure later. */
static int
svg_draws(RsvgHandle *h)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
	cairo_t *cr = cairo_create(s);
	RsvgRectangle vp = { 0, 0, 8, 8 };
	GError *err = NULL;
	gboolean ok = rsvg.rsvg_handle_render_document(h, cr, &vp, &err);

	if (err != NULL)
		g_error_free(err);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return ok;
}

#define MAX_SVG_DRAWN	200000	/* elements an SVG may draw, its <use> references followed */

/* How many elements drawing the subtree `n` draws, following each <use> to what it names
 * (`ids`: id -> element; `memo`: element -> its count, or -1 while it is being counted, which
 * a reference back to it makes a loop). At most MAX_SVG_DRAWN + 1. */
static long
svg_drawn(xmlNode *n, GHashTable *ids, GHashTable *memo, int depth)
{
	gpointer had;
	long count = 1;
	xmlChar *href;

	if (depth > 256)
		return MAX_SVG_DRAWN + 1;
	if (g_hash_table_lookup_extended(memo, n, NULL, &had))
		return GPOINTER_TO_SIZE(had) == (gsize)-1 ? MAX_SVG_DRAWN + 1 :
		    (long)GPOINTER_TO_SIZE(had);
	g_hash_table_insert(memo, n, GSIZE_TO_POINTER((gsize)-1));
	for (xmlNode *c = n->children; c != NULL && count <= MAX_SVG_DRAWN; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			count += svg_drawn(c, ids, memo, depth + 1);
	if (xmlStrcmp(n->name, (const xmlChar *)"use") == 0 &&
	    ((href = xmlGetProp(n, (const xmlChar *)"href")) != NULL ||
	    (href = xmlGetNsProp(n, (const xmlChar *)"href",
	    (const xmlChar *)"http://www.w3.org/1999/xlink")) != NULL)) {
		xmlNode *to = href[0] == '#' ? g_hash_table_lookup(ids, href + 1) : NULL;

		if (to != NULL && count <= MAX_SVG_DRAWN)
			count += svg_drawn(to, ids, memo, depth + 1);
		xmlFree(href);
	}
	if (count > MAX_SVG_DRAWN)
		count = MAX_SVG_DRAWN + 1;
	g_hash_table_insert(memo, n, GSIZE_TO_POINTER((gsize)count));
	return count;
}

/* Adds every element with an id below `n` to `ids`. */
static void
svg_ids(xmlNode *n, GHashTable *ids)
{
	for (xmlNode *c = n; c != NULL; c = c->next) {
		xmlChar *id;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((id = xmlGetProp(c, (const xmlChar *)"id")) != NULL) {
			if (!g_hash_table_contains(ids, id))
				g_hash_table_insert(ids, g_strdup((const char *)id), c);
			xmlFree(id);
		}
		svg_ids(c->children, ids);
	}
}

/* Whether drawing the SVG would draw more than MAX_SVG_DRAWN elements, or follows a loop of
 * references: a reference bomb, refused in time linear in its size rather than drawn until
 * librsvg's own limits stop it (seconds, for one of a few kilobytes). XML read as templates
 * are: no network, no entity expanded. */
static int
svg_bomb(const char *data, size_t len)
{
	xmlDoc *doc;
	GHashTable *ids, *memo;
	long n;

	if (len > INT_MAX || (doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) == NULL)
		return 0;	/* librsvg says what is wrong with it */
	ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	memo = g_hash_table_new(g_direct_hash, g_direct_equal);
	svg_ids(xmlDocGetRootElement(doc), ids);
	n = xmlDocGetRootElement(doc) ? svg_drawn(xmlDocGetRootElement(doc), ids, memo, 0) : 0;
	g_hash_table_destroy(memo);
	g_hash_table_destroy(ids);
	xmlFreeDoc(doc);
	return n > MAX_SVG_DRAWN;
}

/* Draws the SVG `h` (w x h px) on cairo's SVG surface, into `out`: what librsvg draws and no
 * more, so no script, no event attribute, no reference to another file and no link (which
 * librsvg would make a link tag of in the PDF, out of step with gen's structure tree). */
static int
svg_redraw(RsvgHandle *h, double w, double hgt, struct buf *out)
{
	cairo_surface_t *s = cairo_svg_surface_create_for_stream(cairo_to_buf, out, w, hgt);
	RsvgRectangle vp = { 0, 0, w, hgt };
	cairo_t *cr;
	int ok;

	cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
	cr = cairo_create(s);
	ok = rsvg.rsvg_handle_render_document(h, cr, &vp, NULL);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	ok = ok && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && out->s != NULL;
	cairo_surface_destroy(s);
	return ok ? 0 : -1;
}

/* An SVG, read from memory: with no file name librsvg has no folder to load other files
 * from, so an SVG cannot pull in anything from outside. What is drawn is the SVG drawn
 * again (svg_redraw()). */
static struct image *
load_svg(const char *data, size_t len, const char **why)
{
	GError *err = NULL;
	RsvgHandle *h, *again;
	struct image *im;
	struct buf clean = { NULL, 0, 0 };
	double w, h_;

	if (rsvg_ready(why) == -1)
		return NULL;
	if (svg_bomb(data, len)) {
		*why = "an SVG librsvg cannot draw (too many elements or references, or broken)";
		return NULL;
	}
	h = rsvg.rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	if (h == NULL) {
		g_error_free(err);
		*why = "not a readable SVG";
		return NULL;
	}
	if (!rsvg.rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &h_) || w <= 0 || h_ <= 0) {
		RsvgRectangle ink, logical;

		if (!rsvg.rsvg_handle_get_geometry_for_element(h, NULL, &ink, &logical, NULL) ||
		    logical.width <= 0 || logical.height <= 0) {
			g_object_unref(h);
			*why = "an SVG without a size (give it width and height or a viewBox)";
			return NULL;
		}
		w = logical.width;
		h_ = logical.height;
	}
	if (!svg_draws(h) || svg_redraw(h, w, h_, &clean) == -1 ||
	    (again = rsvg.rsvg_handle_new_from_data((const guint8 *)clean.s, clean.len, NULL)) ==
	    NULL) {
		g_object_unref(h);
		buf_free(&clean);
		*why = "an SVG librsvg cannot draw (too many elements or references, or broken)";
		return NULL;
	}
	g_object_unref(h);
	im = xcalloc(1, sizeof(*im));
	im->svg = again;
	im->clean = clean;
	im->w = w * 0.75;
	im->h = h_ * 0.75;
	return im;
}

int
image_svg_clean(const char *data, size_t len, struct buf *out, const char **why)
{
	struct image *im = strstr(data, "<svg") ? load_svg(data, len, why) : NULL;

	if (im == NULL)
		return -1;
	*out = im->clean;
	im->clean = (struct buf){ NULL, 0, 0 };
	image_free(im);
	return 0;
}

struct image *
image_decode(char *data, size_t len, const char **why)
{
	struct image *im;

	if (len >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0)
		im = load_png(data, len, why);
	else if (len >= 3 && memcmp(data, "\xff\xd8\xff", 3) == 0)
		return load_jpeg(data, len, why);	/* keeps the bytes, or frees them */
	else if (strstr(data, "<svg") != NULL)
		im = load_svg(data, len, why);
	else {
		*why = "not a PNG, JPEG or SVG file";
		im = NULL;
	}
	free(data);
	return im;
}

struct image *
image_load(const struct gen *g, const char *path, const char **why)
{
	char *data;
	size_t len;

	if (read_file(g, path, MAX_FILE_BYTES, &data, &len) == -1) {
		*why = errno == ENOENT ? "not found" : read_error(errno);
		return NULL;
	}
	return image_decode(data, len, why);
}

void
image_size(const struct image *im, double *w, double *h)
{
	*w = im->w;
	*h = im->h;
}

int
image_pixels(const struct image *im, int *w, int *h)
{
	if (im->surface == NULL)
		return -1;
	*w = cairo_image_surface_get_width(im->surface);
	*h = cairo_image_surface_get_height(im->surface);
	return 0;
}

void
image_draw(const struct image *im, void *vcr, double x, double y, double w, double h)
{
	cairo_t *cr = vcr;

	cairo_save(cr);
	if (im->svg != NULL) {
		RsvgRectangle vp = { x, y, w, h };

		rsvg.rsvg_handle_render_document(im->svg, cr, &vp, NULL);
	} else {
		cairo_translate(cr, x, y);
		cairo_scale(cr, w / cairo_image_surface_get_width(im->surface),
		    h / cairo_image_surface_get_height(im->surface));
		cairo_set_source_surface(cr, im->surface, 0, 0);
		cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
		cairo_paint(cr);
	}
	cairo_restore(cr);
}

void
image_free(struct image *im)
{
	if (im == NULL)
		return;
	if (im->surface != NULL)
		cairo_surface_destroy(im->surface);
	if (im->svg != NULL)
		g_object_unref(im->svg);
	buf_free(&im->clean);
	free(im);
}

/* ---- writing: what gen draws with cairo, as PNG and into memory ---- */

cairo_status_t
cairo_to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_add(closure, (const char *)data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* libpng's write callback: appends to the buffer in memory. */
static void
png_to_buf(png_structp png, png_bytep data, size_t len)
{
	buf_add(png_get_io_ptr(png), (const char *)data, len);
}

static void
png_no_flush(png_structp png)
{
	(void)png;
}

/* Puts a big-endian 32-bit number at p. */
static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A panel's pixels, as PNG wants them (a filter byte, then RGB, a row at a time), go into one
 * zlib stream. Panels repeat themselves: white rows, and the rows of the grid of children, the
 * same in every panel a template draws. So the stream is made of bands of BAND_ROWS rows, each
 * deflated on its own (a fresh compressor ended by a sync flush, so that the pieces join into
 * one valid stream) and kept: a band met again in this process, pixel for pixel, is copied, not
 * deflated again. A band's bytes depend on its pixels alone, so a file is the same whether or
 * not its bands were met before: byte-identical run to run, whatever was built first. */
#define BAND_ROWS IMAGE_BAND_ROWS
#define BAND_CACHE_BYTES (32u << 20)	/* bands kept, at most; then the idle are let go */

struct band {
	uint64_t	 hash;
	unsigned char	*px;		/* the band's rows as cairo holds them: the key */
	size_t		 pxlen;
	unsigned char	*z;		/* the band deflated */
	size_t		 zlen;
	size_t		 rawlen;	/* the length of its filtered rows ... */
	uint32_t	 adler;		/* ... and their Adler-32 */
	int		 idle;		/* sweeps since it was last met */
};

static struct {
	pthread_mutex_t	 lock;
	struct band	*b;		/* open addressing; cap is 0 or a power of two */
	size_t		 cap, n, bytes;
	z_stream	 z;
	int		 zready;
	unsigned char	*raw, *out;	/* a band's filtered rows and what deflate makes of them, */
	size_t		 rawcap, outcap;	/* kept from band to band */
	unsigned char	**spare;	/* keys let go, of a whole band's length, to be used again */
	size_t		 nspare, spare_cap, spare_len;	/* rather than freed and faulted in anew */
} bands = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A hash of p[0..n), in four lanes that the processor runs side by side. */
static uint64_t
band_hash(const unsigned char *p, size_t n)
{
	uint64_t lane[4] = { 0x9e3779b97f4a7c15u ^ n, 0xc2b2ae3d27d4eb4fu, 0x165667b19e3779f9u,
	    0x27d4eb2f165667c5u }, v, h = 0;
	size_t i = 0;

	for (; i + 32 <= n; i += 32)
		for (int k = 0; k < 4; k++) {
			memcpy(&v, p + i + 8 * k, 8);
			lane[k] = (lane[k] ^ v) * 0xff51afd7ed558ccdu;
			lane[k] ^= lane[k] >> 32;
		}
	for (; i < n; i++)
		lane[0] = (lane[0] ^ p[i]) * 0x100000001b3u;
	for (int k = 0; k < 4; k++)
		h = (h ^ lane[k]) * 0xff51afd7ed558ccdu;
	return h ^ h >> 29;
}

/* The slot holding the band whose pixels are px[0..n), or the empty slot where it goes. */
static struct band *
band_slot(uint64_t h, const unsigned char *px, size_t n)
{
	size_t k = (size_t)h & (bands.cap - 1);

	while (bands.b[k].px != NULL && (bands.b[k].hash != h || bands.b[k].pxlen != n ||
	    memcmp(bands.b[k].px, px, n) != 0))
		k = (k + 1) & (bands.cap - 1);
	return &bands.b[k];
}

static void
band_let_go(struct band *b)
{
	bands.bytes -= b->pxlen + b->zlen;
	bands.n--;
	if (b->pxlen == bands.spare_len) {
		if (bands.nspare == bands.spare_cap) {
			bands.spare_cap = bands.spare_cap ? bands.spare_cap * 2 : 64;
			bands.spare = xrealloc(bands.spare, bands.spare_cap * sizeof *bands.spare);
		}
		bands.spare[bands.nspare++] = b->px;
	} else
		free(b->px);
	free(b->z);
}

/* Makes room for one more band. Over the budget, lets go of the bands not met again in the
 * last two sweeps, then, while more than three quarters of the budget is kept, of those not
 * met since the last, then of all; the table is rebuilt at twice the bands it holds. */
static void
band_room(void)
{
	struct band *old = bands.b;
	size_t oldcap = bands.cap, cap = 64;
	int sweep = bands.bytes > BAND_CACHE_BYTES;

	if (!sweep && (bands.n + 1) * 2 <= bands.cap)
		return;
	for (int idle = 2; sweep && idle >= 0; idle--)
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].px != NULL && old[i].idle >= idle &&
			    (idle == 2 || bands.bytes > BAND_CACHE_BYTES / 4 * 3)) {
				band_let_go(&old[i]);
				old[i].px = NULL;
			}
	while (cap < (bands.n + 1) * 2)
		cap *= 2;
	bands.b = xcalloc(cap, sizeof *bands.b);
	bands.cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].px != NULL) {
			old[i].idle += sweep;
			*band_slot(old[i].hash, old[i].px, old[i].pxlen) = old[i];
		}
	free(old);
}

/* Deflates the band whose pixels are `key` (`rows` rows of `w` pixels in cairo's RGB24, one
 * after another) into the empty slot b, which keeps a copy of the key. */
static void
band_make(struct band *b, uint64_t h, const unsigned char *key, size_t keylen, int w, int rows)
{
	size_t rawlen = (size_t)rows * (1 + (size_t)w * 3), zlen;
	unsigned char *r;

	/* Flat colours and a grid of children alike: unfiltered, a colour repeats every three
	 * bytes and a child's rows every so many pixels, which zlib's fastest level finds as
	 * matches (against SUB rows and run-length deflate, a third less time for files a
	 * third the size). */
	if (!bands.zready && deflateInit2(&bands.z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		out_of_memory();
	bands.zready = 1;
	deflateReset(&bands.z);
	if (bands.rawcap < rawlen) {
		bands.raw = xrealloc(bands.raw, rawlen);
		bands.rawcap = rawlen;
		bands.outcap = deflateBound(&bands.z, rawlen) + 16;
		bands.out = xrealloc(bands.out, bands.outcap);
	}
	r = bands.raw;
	for (int y = 0; y < rows; y++) {
		const uint32_t *px = (const uint32_t *)(key + (size_t)y * (size_t)w * 4);

		*r++ = 0;	/* filter: none */
		for (int x = 0; x < w; x++) {	/* opaque: no unpremultiplying */
			*r++ = (unsigned char)(px[x] >> 16);
			*r++ = (unsigned char)(px[x] >> 8);
			*r++ = (unsigned char)px[x];
		}
	}
	bands.z.next_in = bands.raw;
	bands.z.avail_in = (uInt)rawlen;
	bands.z.next_out = bands.out;
	bands.z.avail_out = (uInt)bands.outcap;
	if (deflate(&bands.z, Z_SYNC_FLUSH) != Z_OK || bands.z.avail_in != 0)
		out_of_memory();	/* cannot happen: room for deflateBound's worst */
	zlen = bands.outcap - bands.z.avail_out;
	if (bands.spare_len == 0)
		bands.spare_len = keylen;	/* the first band is a whole one */
	*b = (struct band){ .hash = h, .px = keylen == bands.spare_len && bands.nspare > 0 ?
	    bands.spare[--bands.nspare] : xmalloc(keylen), .pxlen = keylen, .z = xmalloc(zlen),
	    .zlen = zlen, .rawlen = rawlen,
	    .adler = (uint32_t)adler32(adler32(0, NULL, 0), bands.raw, (uInt)rawlen) };
	memcpy(b->px, key, keylen);
	memcpy(b->z, bands.out, zlen);
	bands.bytes += keylen + zlen;
	bands.n++;
}

static void deflate_end(struct buf *, uLong);

/* The zlib stream of the pixels of the RGB24 surface s, band by band, into `out`; with
 * `keep`, a copy of each band as deflated there too (image_png_join()). */
static void
image_deflate(cairo_surface_t *s, struct buf *out, struct image_band *keep)
{
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	const unsigned char *data = cairo_image_surface_get_data(s);
	size_t rowlen = (size_t)w * 4;
	/* Rows one after another (a stride of exactly a row, as for a panel) are the key where
	 * they lie; only rows with a gap between them are gathered first. */
	unsigned char *gather = (size_t)stride != rowlen ? xmalloc(rowlen * BAND_ROWS) : NULL;
	uLong adler = adler32(0, NULL, 0);

	buf_add(out, "\x78\x01", 2);	/* deflate, 32 KB window, the fastest level */
	pthread_mutex_lock(&bands.lock);
	for (int y = 0; y < h; y += BAND_ROWS) {
		int rows = h - y < BAND_ROWS ? h - y : BAND_ROWS;
		size_t keylen = rowlen * (size_t)rows;
		const unsigned char *key = data + (size_t)y * rowlen;
		struct band *b;
		uint64_t hash;

		if (gather != NULL) {
			for (int i = 0; i < rows; i++)
				memcpy(gather + rowlen * (size_t)i, data + (size_t)(y + i) *
				    (size_t)stride, rowlen);
			key = gather;
		}
		hash = band_hash(key, keylen);
		band_room();
		b = band_slot(hash, key, keylen);
		if (b->px == NULL)
			band_make(b, hash, key, keylen, w, rows);
		else
			b->idle = 0;
		buf_add(out, (const char *)b->z, b->zlen);
		adler = adler32_combine(adler, b->adler, (z_off_t)b->rawlen);
		if (keep != NULL) {
			struct image_band *k = &keep[y / BAND_ROWS];

			*k = (struct image_band){ xmalloc(b->zlen), b->zlen, b->rawlen, b->adler };
			memcpy(k->z, b->z, b->zlen);
		}
	}
	pthread_mutex_unlock(&bands.lock);
	free(gather);
	deflate_end(out, adler);
}

/* Ends the zlib stream in `out` whose rows' Adler-32 is `adler`: the last block, empty, in
 * fixed codes; then the checksum. */
static void
deflate_end(struct buf *out, uLong adler)
{
	unsigned char tail[4] = { 0x03, 0x00 };

	buf_add(out, (const char *)tail, 2);
	put32(tail, (uint32_t)adler);
	buf_add(out, (const char *)tail, 4);
}

/* A PNG of w x h pixels whose zlib stream is `idat` (image_png_encode()), into `out`. */
static int
png_wrap(int w, int h, double dpi, const char *alt, const char *lang, struct buf *idat,
    struct buf *out)
{
	png_text text = { 0 };
	png_structp png;
	png_infop info;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png_create_info_struct(png);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, out, png_to_buf, png_no_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	    PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, (png_uint_32)lround(dpi / 0.0254),
	    (png_uint_32)lround(dpi / 0.0254), PNG_RESOLUTION_METER);
	/* The colours are sRGB, as the theme gives them; and the picture says what it shows,
	 * in the one place a PNG has for it (an iTXt Description). */
	png_set_sRGB_gAMA_and_cHRM(png, info, PNG_sRGB_INTENT_PERCEPTUAL);
	text.compression = PNG_ITXT_COMPRESSION_NONE;
	text.key = (png_charp)"Description";
	text.text = (png_charp)alt;
	text.itxt_length = strlen(alt);
	text.lang = (png_charp)lang;
	png_set_text(png, info, &text, 1);
	png_write_info(png, info);
	/* the pixels, deflated above, as one IDAT chunk; then the end */
	png_write_chunk(png, (png_const_bytep)"IDAT", (png_const_bytep)idat->s, idat->len);
	png_write_chunk(png, (png_const_bytep)"IEND", NULL, 0);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int
image_png_encode(cairo_surface_t *s, double dpi, const char *alt, const char *lang,
    struct buf *out, struct image_band *keep)
{
	struct buf idat = { NULL, 0, 0 };
	int rc;

	cairo_surface_flush(s);
	image_deflate(s, &idat, keep);
	rc = png_wrap(cairo_image_surface_get_width(s), cairo_image_surface_get_height(s), dpi,
	    alt, lang, &idat, out);
	buf_free(&idat);
	return rc;
}

int
image_png_join(int w, int h, double dpi, const char *alt, const char *lang,
    const struct image_band *const *bands, struct buf *out)
{
	struct buf idat = { NULL, 0, 0 };
	uLong adler = adler32(0, NULL, 0);
	int rc;

	buf_add(&idat, "\x78\x01", 2);	/* as image_deflate() begins */
	for (int y = 0; y < h; y += BAND_ROWS) {
		const struct image_band *b = bands[y / BAND_ROWS];

		buf_add(&idat, (const char *)b->z, b->zlen);
		adler = adler32_combine(adler, b->adler, (z_off_t)b->rawlen);
	}
	deflate_end(&idat, adler);
	rc = png_wrap(w, h, dpi, alt, lang, &idat, out);
	buf_free(&idat);
	return rc;
}

int
image_png_set_dpi(struct buf *png, double dpi)
{
	unsigned char *p = (unsigned char *)png->s;
	size_t at = 8;	/* after the signature, chunk by chunk */
	uint32_t ppm = (uint32_t)lround(dpi / 0.0254);

	while (at + 12 <= png->len) {
		uint32_t len = (uint32_t)p[at] << 24 | (uint32_t)p[at + 1] << 16 |
		    (uint32_t)p[at + 2] << 8 | p[at + 3];

		if (len > png->len - at - 12)
			return -1;
		if (memcmp(p + at + 4, "pHYs", 4) == 0 && len == 9) {
			put32(p + at + 8, ppm);
			put32(p + at + 12, ppm);
			put32(p + at + 17, (uint32_t)crc32(crc32(0, NULL, 0), p + at + 4, 13));
			return 0;
		}
		at += 12 + len;
	}
	return -1;
}
