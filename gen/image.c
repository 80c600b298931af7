/* image.c: pictures placed by Markdown images: PNG (cairo), JPEG (gdk-pixbuf to decode,
 * embedded in the PDF as the original JPEG) and SVG (librsvg, drawn as vectors).
 * Called by validate.c, which decodes each image once, and render.c, which draws it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>

#include "gen.h"

#define MAX_IMAGE_PIXELS (100u * 1000 * 1000)	/* refuse decompression bombs */

struct image {
	cairo_surface_t	*surface;	/* PNG, JPEG: the pixels */
	RsvgHandle	*svg;		/* SVG */
	double		 w, h;		/* natural size, pt */
};

/* Copies a pixbuf into a cairo image surface (premultiplied ARGB32). */
static cairo_surface_t *
pixbuf_surface(GdkPixbuf *pb)
{
	int w = gdk_pixbuf_get_width(pb), h = gdk_pixbuf_get_height(pb);
	int n = gdk_pixbuf_get_n_channels(pb), rs = gdk_pixbuf_get_rowstride(pb);
	const guchar *px = gdk_pixbuf_read_pixels(pb);
	cairo_surface_t *s = cairo_image_surface_create(n == 4 ? CAIRO_FORMAT_ARGB32 :
	    CAIRO_FORMAT_RGB24, w, h);
	unsigned char *d = cairo_image_surface_get_data(s);
	int ds = cairo_image_surface_get_stride(s);

	cairo_surface_flush(s);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const guchar *p = px + y * rs + x * n;
			unsigned a = n == 4 ? p[3] : 255;
			uint32_t v = a << 24 | (p[0] * a / 255) << 16 | (p[1] * a / 255) << 8 |
			    (p[2] * a / 255);

			memcpy(d + y * ds + x * 4, &v, 4);
		}
	cairo_surface_mark_dirty(s);
	return s;
}

static struct image *
load_jpeg(const char *path, const char **why)
{
	GError *err = NULL;
	GdkPixbuf *pb;
	struct image *im;
	char *data;
	size_t len;
	int w, h;

	if (gdk_pixbuf_get_file_info(path, &w, &h) == NULL || (size_t)w * (size_t)h >
	    MAX_IMAGE_PIXELS) {
		*why = "not a readable JPEG, or larger than 100 megapixels";
		return NULL;
	}
	if ((pb = gdk_pixbuf_new_from_file(path, &err)) == NULL) {
		g_error_free(err);
		*why = "not a readable JPEG";
		return NULL;
	}
	im = xcalloc(1, sizeof(*im));
	im->surface = pixbuf_surface(pb);
	im->w = gdk_pixbuf_get_width(pb) * 0.75;
	im->h = gdk_pixbuf_get_height(pb) * 0.75;
	g_object_unref(pb);
	if (read_file(path, MAX_FILE_BYTES, &data, &len) == 0)
		cairo_surface_set_mime_data(im->surface, CAIRO_MIME_TYPE_JPEG,
		    (unsigned char *)data, len, free, data);
	return im;
}

static struct image *
load_png(const char *path, const char **why)
{
	unsigned char ihdr[24];
	FILE *f = fopen(path, "rb");
	cairo_surface_t *s;
	struct image *im;
	size_t w, h;

	if (f == NULL || fread(ihdr, 1, sizeof(ihdr), f) != sizeof(ihdr)) {
		if (f != NULL)
			fclose(f);
		*why = "not a readable PNG";
		return NULL;
	}
	fclose(f);
	w = (size_t)ihdr[16] << 24 | ihdr[17] << 16 | ihdr[18] << 8 | ihdr[19];
	h = (size_t)ihdr[20] << 24 | ihdr[21] << 16 | ihdr[22] << 8 | ihdr[23];
	if (w == 0 || h == 0 || w * h > MAX_IMAGE_PIXELS) {
		*why = "a PNG of no size or of more than 100 megapixels";
		return NULL;
	}
	s = cairo_image_surface_create_from_png(path);
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
	gboolean ok = rsvg_handle_render_document(h, cr, &vp, &err);

	if (err != NULL)
		g_error_free(err);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return ok;
}

static struct image *
load_svg(const char *path, const char **why)
{
	GError *err = NULL;
	char *data;
	size_t len;
	RsvgHandle *h;
	struct image *im;
	double w, h_;

	if (read_file(path, MAX_FILE_BYTES, &data, &len) == -1) {
		*why = "cannot be read";
		return NULL;
	}
	h = rsvg_handle_new_from_data((const guint8 *)data, len, &err);
	free(data);
	if (h == NULL) {
		g_error_free(err);
		*why = "not a readable SVG";
		return NULL;
	}
	if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &h_) || w <= 0 || h_ <= 0) {
		RsvgRectangle ink, logical;

		if (!rsvg_handle_get_geometry_for_element(h, NULL, &ink, &logical, NULL) ||
		    logical.width <= 0 || logical.height <= 0) {
			g_object_unref(h);
			*why = "an SVG without a size (give it width and height or a viewBox)";
			return NULL;
		}
		w = logical.width;
		h_ = logical.height;
	}
	if (!svg_draws(h)) {
		g_object_unref(h);
		*why = "an SVG librsvg cannot draw (too many elements or references, or broken)";
		return NULL;
	}
	im = xcalloc(1, sizeof(*im));
	im->svg = h;
	im->w = w * 0.75;
	im->h = h_ * 0.75;
	return im;
}

struct image *
image_load(const char *path, const char **why)
{
	unsigned char head[8] = { 0 };
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		*why = "cannot be read";
		return NULL;
	}
	if (fread(head, 1, sizeof(head), f) < 3)
		memset(head, 0, sizeof(head));
	fclose(f);
	if (memcmp(head, "\x89PNG", 4) == 0)
		return load_png(path, why);
	if (memcmp(head, "\xff\xd8\xff", 3) == 0)
		return load_jpeg(path, why);
	return load_svg(path, why);
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

		rsvg_handle_render_document(im->svg, cr, &vp, NULL);
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
	free(im);
}
