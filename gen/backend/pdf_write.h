/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pdf_write.h: the file writer of the PDF post-pass (pdf_write.c), shared with pdf_post.c
 * alone. */

#ifndef PDF_WRITE_H
#define PDF_WRITE_H

#include <qpdf/qpdf-c.h>

#include "gen.h"

/* libqpdf, with the libraries it alone needs (libstdc++, GnuTLS and what that needs), is
 * loaded (dlopen) by pdf_post.c, not with gen: loading and binding it was about 6 ms of every
 * process's start. A build that writes a PDF loads it on a thread of its own while it reads
 * its documents and lays them out (pdf_post_preload()); every call goes through `qp`. */
#define QPDF_FNS(X) \
	X(qpdf_cleanup) \
	X(qpdf_get_error) \
	X(qpdf_get_error_full_text) \
	X(qpdf_get_error_message_detail) \
	X(qpdf_get_last_string_length) \
	X(qpdf_get_num_pages) \
	X(qpdf_get_object_by_id) \
	X(qpdf_get_page_n) \
	X(qpdf_get_root) \
	X(qpdf_get_trailer) \
	X(qpdf_has_error) \
	X(qpdf_init) \
	X(qpdf_more_warnings) \
	X(qpdf_next_warning) \
	X(qpdf_oh_append_item) \
	X(qpdf_oh_get_array_item) \
	X(qpdf_oh_get_array_n_items) \
	X(qpdf_oh_get_dict) \
	X(qpdf_oh_get_generation) \
	X(qpdf_oh_get_int_value) \
	X(qpdf_oh_get_key) \
	X(qpdf_oh_get_name) \
	X(qpdf_oh_get_numeric_value) \
	X(qpdf_oh_get_object_id) \
	X(qpdf_oh_get_stream_data) \
	X(qpdf_oh_has_key) \
	X(qpdf_oh_is_array) \
	X(qpdf_oh_is_dictionary) \
	X(qpdf_oh_is_dictionary_of_type) \
	X(qpdf_oh_is_indirect) \
	X(qpdf_oh_is_integer) \
	X(qpdf_oh_is_name) \
	X(qpdf_oh_is_name_and_equals) \
	X(qpdf_oh_is_null) \
	X(qpdf_oh_is_number) \
	X(qpdf_oh_is_stream) \
	X(qpdf_oh_new_array) \
	X(qpdf_oh_new_bool) \
	X(qpdf_oh_new_dictionary) \
	X(qpdf_oh_new_integer) \
	X(qpdf_oh_new_name) \
	X(qpdf_oh_new_null) \
	X(qpdf_oh_new_real_from_double) \
	X(qpdf_oh_new_string) \
	X(qpdf_oh_new_unicode_string) \
	X(qpdf_oh_release) \
	X(qpdf_oh_remove_key) \
	X(qpdf_oh_replace_key) \
	X(qpdf_oh_unparse) \
	X(qpdf_oh_unparse_resolved) \
	X(qpdf_oh_wrap_in_array) \
	X(qpdf_push_inherited_attributes_to_page) \
	X(qpdf_read_memory) \
	X(qpdf_replace_object) \
	X(qpdf_set_attempt_recovery) \
	X(qpdf_set_suppress_warnings) \
	X(qpdf_silence_errors)
#define QPDF_FN_FIELD(fn)	__typeof__(fn) *fn;
struct qpdf_fns {
	QPDF_FNS(QPDF_FN_FIELD)
};
extern struct qpdf_fns qp;

/* How a stream of cairo's is written. */
enum pw_kind {
	PW_COPY,	/* its bytes as they are (compressed when they are not) */
	PW_PAGE,	/* a page's content: rewritten as it is written */
	PW_FORM,	/* a form's or tiling pattern's content: rewritten as it is written */
	PW_DROP,	/* not written: a reference to it is written as null */
};

/* An object the post-pass adds, which qpdf does not hold (qpdf 11.3 reads every object of
 * the file before it makes one). qpdf's objects refer to extra[i] by the name PW_MARKER
 * followed by i in decimal, which the writer turns into a reference; so does an extra's text
 * (PW_MARKER_TEXT, the name as qpdf writes it). */
#define PW_MARKER	"/\001\002gen-extra-"
#define PW_MARKER_TEXT	"/#01#02gen-extra-"

struct pw_extra {
	char		*text;	/* the object in PDF syntax, or a stream's dictionary without
				 * its /Length; owned */
	const unsigned char *data;	/* a stream's bytes as written, or NULL: not a stream */
	size_t		 len;
};

/* One writing of the file. The caller fills the fields down to `arg`. */
struct pdf_writer {
	struct gen	*g;
	qpdf_data	 q;
	const char	*in;		/* the file messages name */
	unsigned char	*kind;		/* enum pw_kind by object number, below `base` */
	int		 base;		/* above cairo's numbers: extra[i] is number base + i */
	struct pw_extra	*extra;
	int		 nextra;
	/* Rewrites content `s` (a page's when `page`) into `out`; returns the changes made. */
	size_t		(*rewrite)(const void *arg, const char *s, size_t len, int page,
			    struct buf *out);
	const void	*arg;
	/* Objects serialised before they were written, by number below `base` (or NULL): the
	 * text of object i is said->s[said_at[i].at, + len) when said_at[i].len > 0. The
	 * post-pass takes the text of each structure element when it is done with it and has
	 * qpdf forget the element, which would otherwise hold every one parsed until the end. */
	const struct buf *said;
	const struct pw_said { size_t at, len; } *said_at;
	struct buf	 pdf;		/* the file made, owned by the caller */
};

/* Writes into w->pdf every object reachable from qpdf's trailer (its /Root and /Info):
 * numbered from 1 in the order they are reached, all but streams a hundred to a deflated
 * object stream, streams with their bytes as they are except the content `kind` names,
 * rewritten as it is written and then let go; an xref stream and a /ID that is the MD5 of
 * the bytes before it, so that the same objects give the same file. PDF 1.6. Returns 0, or
 * -1 after msg(). */
int	 pdf_write_file(struct pdf_writer *w);
size_t	 pdf_skip_string(const char *s, size_t len, size_t i);

#endif
