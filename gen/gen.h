/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gen.h: the one internal header. The tree every stage shares, the context passed to every
 * stage, and one entry point per stage, in pipeline order:
 * frontmatter -> markdown -> template -> validate -> layout -> render -> pdf_post. */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#define GEN_VERSION "0.1.0"

/* Exit statuses, worst wins. */
enum gen_exit {
	EXIT_BUILT = 0,		/* everything asked for was built */
	EXIT_INPUT = 1,		/* a user's file is wrong */
	EXIT_USAGE = 2,		/* wrong command line */
	EXIT_ENV = 3		/* environment or I/O failure */
};

/* Limits on input, so hostile files give an error rather than unbounded memory. */
#define MAX_FILE_BYTES	(64u << 20)	/* one Markdown, CSV or XML file */
#define MAX_DEPTH	64		/* nesting of block quotes and lists that is laid out */
#define QUOTE_INDENT	14.0		/* pt per block-quote level */
#define LIST_INDENT	18.0		/* pt per list level (6 more for numbers) */
#define MIN_MEASURE	0.5		/* of the column: nested lists and quotes indent no
					 * further than leaves lines this wide */

/* ---- util.c: allocation that never returns NULL, small strings, files ---- */

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* Makes room for element n of an array of `size`-byte elements grown only by this, one at a
 * time from NULL (n: the count so far): it doubles at each power of two, so n additions copy
 * O(n) bytes, not O(n^2) as a realloc by one does where realloc always copies (ASan). */
void	*xgrow(void *v, size_t n, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Where xmalloc() says "out of memory" before exiting with EXIT_ENV (stderr by default). */
void	 oom_report_to(int fd);
/* Makes GLib's failed allocations say "out of memory" and exit the same way. */
void	 oom_catch_glib(void);
/* Says "out of memory" and exits with EXIT_ENV, as xmalloc() does: for a library's failed
 * allocation seen otherwise (a cairo surface in CAIRO_STATUS_NO_MEMORY). */
void	 out_of_memory(void) __attribute__((noreturn));
/* Whether memory has run out (64 MB more cannot be mapped): a library that failed to load
 * (dlopen) then failed for want of memory, not for being missing. */
int	 memory_gone(void);
/* Makes a crash (SIGSEGV, SIGBUS, SIGABRT) at a moment when memory has run out (a library
 * that uses a failed malloc()'s NULL, or aborts on C++'s bad_alloc) say "out of memory" and
 * exit the same way; any other crash goes on as before. */
void	 oom_catch_crashes(void);
/* Gives the calling thread a stack for those crashes (one that ran out of stack): each of
 * gen's threads calls it first. */
void	 oom_thread_stack(void);

/* A growable byte buffer; `s` is always NUL-terminated. */
struct buf {
	char	*s;		/* contents, owned */
	size_t	 len;		/* bytes used, excluding the NUL */
	size_t	 cap;		/* bytes allocated */
};
void	 buf_add(struct buf *, const char *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, char);
void	 buf_free(struct buf *);
/* Appends s[0, n) as XML and HTML text and attribute values hold it: &, <, > and " as
 * references. The one escaper for markup. */
void	 xml_escape(struct buf *, const char *s, size_t n);
/* Appends the template's words `fmt` with each {name} of names[] filled in with vals[i]
 * (NULL as ""), the rest as written, as XML text when `escape` (the values are not escaped).
 * A {…} it does not name stays as written: template.c checks each word's {names}. A NULL
 * fmt is "". Returns how many of the {names} it filled were empty. */
size_t	 words_fill(struct buf *, const char *fmt, const char *const names[],
	    const char *const vals[], size_t n, int escape);
/* Appends the date tm in the template's `words` (enum word): "December 2026", or with its
 * `day` as written ("7"), "7 December 2026". */
void	 date_words(struct buf *, char *const *words, const struct tm *tm, const char *day);

struct gen;

/* Reads a whole regular file into *out (NUL-terminated; the caller frees). Returns 0, or -1
 * with errno set: EFBIG when larger than `max`, ENODEV when not a regular file (a FIFO is
 * never waited on), EXDEV when, links resolved, it lies outside the project g->realroot
 * and g->docroot (g NULL: anywhere). read_error() says each in words. */
int	 read_file(const struct gen *, const char *path, size_t max, char **out, size_t *len);
/* Whether `path`, links resolved, lies inside the project (as read_file() checks a file):
 * for a folder, before its names are listed. */
int	 in_project(const struct gen *, const char *path);
/* Writes all of `len` bytes to `fd`, again after an interruption; returns 0, or -1 with
 * errno set. */
int	 write_all(int fd, const void *p, size_t len);
/* What read_file()'s errno means, for a message after "cannot read: ". */
const char *read_error(int err);

/* Returns the byte offset of the first invalid UTF-8 sequence, or (size_t)-1 when valid. */
size_t	 utf8_invalid(const char *, size_t);
/* The characters of UTF-8 text s[0, n): what a column counts. */
size_t	 utf8_count(const char *s, size_t n);
/* Line and column (1-based, columns in characters) of byte offset `off` in `s`. */
void	 text_position(const char *s, size_t off, int *line, int *col);
/* What character `c` is, in words ("a RIGHT-TO-LEFT OVERRIDE"), when it is one that gen
 * leaves out of what it reads because it would reorder, hide or break text unseen: control
 * characters but tab and line ends, bidirectional controls (U+202A-U+202E, U+2066-U+2069,
 * U+200E, U+200F, U+061C), line and paragraph separators, byte-order marks inside text,
 * noncharacters, tag and other invisible format characters; NULL for any other. */
const char *hidden_char(unsigned c);
/* The first such character in s[0, len) (valid UTF-8): its words, its offset in *at and
 * the character in *c; NULL when there is none. */
const char *hidden_find(const char *s, size_t len, size_t *at, unsigned *c);
/* Leaves those characters out of s, in place (a line or page break becomes a space); returns
 * how many there were. */
size_t	 hidden_strip(char *s);
/* The warning that character `c` (one hidden_char() names) is left out; `where` follows
 * its name (" in this cell", or ""). The caller frees. */
char	*hidden_say(unsigned c, const char *where);

/* Pango finds where to break a word with no break in it by shaping the rest of it again for
 * each line: time grows with the square of its length. So a run of more than MAX_WORD
 * characters without a space gets a zero width space (U+200B) after every MAX_WORD. Returns
 * the new text (the caller frees; NUL-terminated), with *at (the caller frees) the *nat
 * offsets of `s` each went before; NULL when no run is that long. */
#define MAX_WORD	200
char	*break_long_words(const char *s, size_t len, size_t **at, size_t *nat);

/* The typographic form of `len` bytes of text, as a reader gets every word gen sets: quotes
 * and apostrophes curly, a hyphen between figures an en dash (2019–2020), a hyphen between
 * spaces an en dash, one before a figure a minus sign (−3); web and mail addresses as they
 * are. The caller frees; with `map`, *map (the caller frees) gives for each byte offset of
 * the text, and its end, the offset in the result. */
char	*typeset(const char *s, size_t len, size_t **map);

/* The candidate closest to `word` by edit distance, if close enough to suggest, or NULL. */
const char *nearest_word(const char *word, const char *const *cands, size_t n);

/* The file name `s` gives: lowercase letters and digits, a hyphen for each run of anything
 * else, at most 80 bytes cut at a hyphen ("Bootle Constituency" to "bootle-constituency"):
 * a row's output, a panel's files; never "assets" (the pictures' folder beside them). The
 * caller frees. */
char	*file_slug(const char *s);
/* The names of the entries of folder `dir` that keep(dir, name, arg) keeps (`keep` NULL:
 * all), hidden ones left out, sorted by `cmp` (*n of them); the caller frees each and the
 * array. No folder, no names. */
char	**dir_list(const char *dir, int (*keep)(const char *dir, const char *name, void *arg),
	    void *arg, int (*cmp)(const void *, const void *), size_t *n);
/* dir_list()'s names of files that end in `ext` (in any case when `nocase`). */
char	**dir_names(const char *dir, const char *ext, int nocase,
	    int (*cmp)(const void *, const void *), size_t *n);
/* strcmp() for qsort() and bsearch() over an array of strings. */
int	 cmp_strings(const void *a, const void *b);

/* The path of `rel` in the project, as the user would write it ("templates/x.xml" when
 * gen runs in the project folder). The caller frees. */
char	*project_path(const struct gen *, const char *rel);

/* ---- output.c: how files reach out/, whole ---- */

/* Writes `len` bytes to `path`, whole or not at all. Between out_begin() and out_end(), a
 * file of the job's folder (out/NAME/...) goes into the job's fresh folder, and a file beside
 * it (out/NAME.pdf, out/NAME.txt: NAME and an ending) waits under a temporary name; out_end()
 * puts them all in place. Any other file
 * goes into a new file beside it under a name nobody can guess, synced, then renamed over
 * `path`. Below out/, no link is followed: a link where a file or folder goes is replaced.
 * A full disk or a file size limit shows as -1 with errno set; nothing is then in place. */
int	 write_file(const char *path, const void *data, size_t len);
/* write_file(), saying "cannot write" at `path` when it fails; -1 then. */
int	 write_file_said(struct gen *, const char *path, const void *data, size_t len);
#define TEMP_MARK ".gen-"	/* in the temporary names: ".poverty.png.gen-0123456789ab.tmp" */
/* Makes the folder `path` (and those above it), as write_file() would place it. */
int	 out_mkdir(const char *path);
/* Opens a file of out/ to read, through no link below out/. Returns a descriptor or -1. */
int	 out_open(const char *path);
/* Starts a job's stage: its outputs are out/OUTNAME.pdf and the folder out/OUTNAME/, where
 * OUTNAME is "DOC" or "DOC/ROW". Returns 0, or -1 after msg(). */
int	 out_begin(struct gen *, const char *outname);
/* Ends the stage: when `ok` and every file was written, the fresh folder (if the job wrote
 * one) takes the place of out/OUTNAME/ in one step, then the PDF and the job's other files
 * beside it (out/OUTNAME.txt) theirs; else nothing changes. Returns 0, or -1 after msg(). */
int	 out_end(struct gen *, int ok);
/* Holds a shared lock on out/.gen.lock while this build writes there; a build that finds
 * itself alone first finishes or removes what killed builds left. out_unlock() lets go. */
void	 out_lock(struct gen *);
void	 out_unlock(void);
/* After every row of the per-row document `doc` was built, removes from out/DOC/ the rows
 * not among `rows` (their slugs) and the pictures no row shows; only when no other build
 * writes to out/. */
void	 out_prune(struct gen *, const char *doc, char *const *rows, size_t n);
/* For a signal handler (async-signal-safe): removes the stage's temporary files and folder
 * and returns 1; or, while a commit is under way, keeps `sig` for out_end() to raise again
 * when it is done, and returns 0. */
int	 write_abandon(int sig);

/* ---- msg.c: diagnostics, the only place that prints a message ---- */

enum msg_level { MSG_NOTE, MSG_WARNING, MSG_ERROR, MSG_FATAL };
/* Prints "file:line:col: level: text" (fields that are 0/NULL are left out; control
 * characters escaped) and raises the run's exit status: an error to EXIT_INPUT, a fatal one
 * to EXIT_ENV. Past 20 errors and warnings for one file, the rest are only counted. */
void	 msg(struct gen *, enum msg_level, const char *file, int line, int col,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Prints "gen: text" and "Try 'gen --help'." for a wrong command line; returns EXIT_USAGE. */
int	 msg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Whether a message of `level` about `file` would be printed, not only counted: a caller
 * can spare itself the work of placing it. */
int	 msg_shown(struct gen *, enum msg_level, const char *file);
/* Says for each file how many of its messages were not shown ("and 57 more"), and starts
 * counting afresh: at the end of each document or job. */
void	 msg_flush(struct gen *);
/* One message said, kept for the preflight page (struct gen's found). */
struct finding {
	int		 level;		/* enum msg_level: MSG_WARNING or MSG_ERROR */
	int		 access;	/* an accessibility check's (msg_access()) */
	char		*file;		/* owned, or NULL */
	int		 line, col;
	char		*text;		/* owned */
};
/* Marks the next message as an accessibility check's, for the accessibility statement. */
void	 msg_access(struct gen *);
/* Moves every finding `from` holds to the end of `to`'s (a thread's copy of struct gen);
 * the findings past the most a run keeps (10,000) are counted in found_more. */
void	 msg_take(struct gen *to, struct gen *from);
/* Frees the findings kept from index `from` on. */
void	 msg_forget(struct gen *, size_t from);
/* Says what is wrong with the command line: "gen: text" and where help is. Returns
 * EXIT_USAGE. */
int	 msg_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Messages of one file, for the cap. */
struct msg_count {
	char	*file;		/* owned; "" for messages about no file */
	size_t	 shown, hidden;
};

/* ---- the context ---- */

struct gen {
	const char	*root;		/* the project folder as given: templates/, content/, fonts/ */
	const char	*realroot;	/* the same, resolved: what inputs must stay inside ... */
	const char	*docroot;	/* ... or this, the document's own folder (doc->ownroot) */
	const char	*outdir;	/* where outputs go (default root/out) */
	int		 verbose;	/* -v: say each step */
	int		 trace;		/* -T: print the pages instead of rendering */
	int		 draft;		/* --draft: missing pictures and anchors only warn */
	unsigned	 outputs;	/* the back-ends to write (OUT_* of backend.c's table;
					 * 0: all): --pdf-only and --html-only choose */
	int		 marks;		/* --marks: crop marks and a slug beyond the bleed */
	unsigned	 shard_k, shard_n;	/* --shard K/N: build the K-th of N shares of the
					 * outputs (shard_n 0: all of them) */
	char		**only;		/* outputs named on the command line ("doc/row"), or */
	size_t		 nonly;		/* ... none: every output of the documents named */
	int		 jobs;		/* -j: processes, and threads in a layout, at most */
	struct fontcache *fonts;	/* fonts.c: faces loaded to check glyph coverage */
	int		 progress;	/* show progress: stderr is a terminal */
	int		 status;	/* worst enum gen_exit so far */
	int		 errors;	/* errors in the current document */
	struct msg_count *counts;	/* msg.c: messages per file since msg_flush(), owned */
	size_t		 ncounts;
	time_t		 epoch;		/* SOURCE_DATE_EPOCH, or -1 */
	void		(*on_read)(void *, const char *);	/* told each path read_file() */
	void		*on_read_arg;	/* ... is asked for (the preview watches its folder) */
	size_t		 pdf_bytes;	/* the size of the PDF last written, for the HTML's link */
	void		(*laid_out)(void *);	/* told when the PDF's pages are laid out ... */
	void		*laid_out_arg;	/* ... (backend.c starts the twin beside the drawing) */
	char		*share;		/* gen's installed defaults, resolved (owned), or NULL */
	int		 collect;	/* keep the messages in found: the commands do */
	size_t		 fatal;		/* MSG_FATALs said: the environment failed */
	int		 keep_failed;	/* doc_load() keeps a document with errors (d->failed),
					 * to say what is wrong on its preflight page */
	struct finding	*found;		/* every error and warning said, in order (owned) */
	size_t		 nfound;
	size_t		 found_more;	/* ... and those past the most kept, counted */
	int		 access;	/* the next message is an accessibility check's */
	size_t		 job_found;	/* the findings of the job being built start here */
	int		 report;	/* check --report: a document with errors is kept */
	int		 keep;		/* build --keep: this build becomes the baseline */
	const char	*baseline;	/* --baseline NAME: out/.kept/NAME/, or NULL: out/.kept/ */
	size_t		 pdf_pages;	/* the pages of the PDF last written */
};

/* ---- the tree ---- */

enum node_type {
	N_DOCUMENT,	/* root: children are blocks */
	N_HEADING,	/* level 1-4, inline text */
	N_PARAGRAPH,	/* inline text; start: a component's note, never numbered */
	N_LIST,		/* children are N_ITEM; ordered, start, tight */
	N_ITEM,		/* children are blocks; label holds "•" or "3." */
	N_QUOTE,	/* children are blocks */
	N_CODE,		/* preformatted text, no inline styles */
	N_RULE,		/* thematic break */
	N_TABLE,	/* children are N_ROW; first row is the header */
	N_ROW,		/* children are N_CELL; start: a totals row (bold, ruled above); level
			 * 1: a group's row, one cell across the table heading the rows after */
	N_CELL,		/* inline text; align */
	N_FIGURE,	/* an image alone in its paragraph: src, alt, caption */
	N_FOOTNOTES,	/* the notes of one chapter: children are N_NOTE */
	N_NOTE,		/* one footnote: label, children are blocks */
	N_TOC,		/* where the contents go */
	N_DIVIDER,	/* a part's divider page: its title in text */
	N_COMPONENT,	/* a component's part of the document, from data: comp says which
			 * and how it is laid out, drawn and written (components.c); start,
			 * label, text, alt and data as the component keeps them */
	N_PART		/* a part of a component (a panel, a tile): children of N_COMPONENT */
};

#define SUPER_SCALE	0.66	/* size of a superscript (footnote reference) ... */
#define MIN_TEXT_PT	8.0	/* ... and of any text, at least: smaller is hard to read */
#define SUPER_RISE	0.5	/* its rise, as a fraction of its size */

/* Inline styles of a span of text. */
enum {
	ST_EM = 1 << 0,
	ST_STRONG = 1 << 1,
	ST_STRIKE = 1 << 2,
	ST_CODE = 1 << 3,
	ST_LINK = 1 << 4,
	ST_SUPER = 1 << 5	/* footnote reference */
};

struct span {
	size_t	 start, end;	/* byte range in the owning text */
	unsigned style;		/* ST_* bits */
	char	*link;		/* ST_LINK: "#anchor" or a URI, owned */
	int	 line, col;	/* ST_LINK: where the link is written */
};

/* Inline content: plain UTF-8 text (hard breaks are "\n") plus styled spans over it. */
struct inl {
	struct buf	 text;		/* the words as read */
	struct span	*spans;		/* owned; sorted by start */
	size_t		 nspans;
};

struct node {
	enum node_type	 type;
	struct node	*parent, *first, *last, *next, *prev;
	const char	*file;		/* the user's file this came from (not owned) */
	int		 line, col;	/* where in it */
	int		 level;		/* N_HEADING: its level; N_LIST: its depth (0 = outermost) */
	int		 ordered;	/* N_LIST: numbered */
	int		 start;		/* N_LIST: first number */
	int		 tight;		/* N_LIST: no space between items */
	int		 appendix;	/* N_HEADING (level 1): an appendix's, on a page of its own,
				 * outside the chapters' numbering */
	int		 note;		/* N_PARAGRAPH: a component's note (a status table's rule),
				 * set as a caption and never numbered */
	int		 group;		/* N_ROW: a group's heading, one cell across the table */
	int		 totals;	/* N_ROW: a totals row, ruled above and in bold */
	int		 align;		/* N_CELL: 0 left, 1 centre, 2 right */
	int		 rowheads;	/* N_TABLE: no header row; each row's first cell heads it */
	int		 hlevel;	/* N_HEADING, N_DIVIDER, N_PANELS, N_CELL: the structure
				 * heading it is tagged as, 1-6 (validate); 1 is the title */
	char		*label;		/* N_ITEM: "•", "3."; N_NOTE: "2"; a numbered chapter's
				 * N_HEADING "3." ("" when only its paragraphs are) and
				 * N_PARAGRAPH "3.1" or "12" (validate.c) */
	char		*widths;	/* N_TABLE: its columns' widths as a template or a tag
				 * writes them ("auto 25% 30mm"), owned; NULL: from the
				 * cells */
	char		*id;		/* N_HEADING, N_NOTE: link anchor, owned */
	char		*src;		/* N_FIGURE: image path as written; N_HEADING: its words
				 * as written, before typeset() (its anchor); owned */
	char		*name;		/* N_TABLE: the data it shows, as messages name it, owned */
	char		*dir;		/* N_COMPONENT: the folder of out/DOC/ its parts' files
				 * go in (NULL: out/DOC/ itself), owned */
	int		 text_under;	/* N_COMPONENT: its words (`text`: an area's name) are
				 * set under its headline (`label`) too */
	char		*path;		/* N_FIGURE: resolved path (validate), owned */
	struct inl	 text;		/* heading, paragraph, cell, code, figure caption */
	char		*alt;		/* N_FIGURE: alternative text, owned */
	struct image	*image;		/* N_FIGURE: decoded by validate, owned */
	const struct component *comp;	/* N_COMPONENT, N_PART: the component */
	void		*data;		/* N_COMPONENT, N_PART: the component's own data, freed by
				 * comp->free */
	unsigned	 fill;		/* N_CELL: a background colour (a status), 0 for none */
};

/* The words of inline content, "" when there are none. */
static inline const char *
inl_str(const struct inl *in)
{
	return in->text.s ? in->text.s : "";
}

struct node	*node_new(enum node_type, const char *file, int line, int col);
void		 node_append(struct node *parent, struct node *child);
/* Frees a node and all below it, without recursion. */
void		 node_free(struct node *);
/* Adds a span over [start, end) of the text; `link` is copied. Returns it to set a position. */
struct span	*inl_span(struct inl *, size_t start, size_t end, unsigned style, const char *link);
void		 inl_free(struct inl *);
/* Sets the words of `in` in their typographic form (typeset()), its code as it is; the spans
 * move with their text. */
void		 inl_typeset(struct inl *);

/* ---- image.c: PNG, JPEG and SVG pictures ---- */

struct image;
/* Decodes the image at `path`, a file of the project (read_file()); on failure returns NULL
 * with a reason in *why (static), for "image `x` is ...". */
struct image	*image_load(const struct gen *, const char *path, const char **why);
/* Decodes a PNG, JPEG or SVG from `len` bytes at `data` (NUL-terminated, as read_file()
 * gives them), which it takes; the same checks and reasons as image_load(). */
struct image	*image_decode(char *data, size_t len, const char **why);
/* The SVG `data` (NUL-terminated) drawn again by librsvg on cairo's SVG surface, at its
 * natural size: drawing alone, without script, event attributes or references to other
 * files. Returns 0 with *out filled, or -1 with a reason in *why. */
int		 image_svg_clean(const char *data, size_t len, struct buf *out, const char **why);
/* Natural size in points (96 px to the inch for pixel images without a resolution). */
void		 image_size(const struct image *, double *w, double *h);
/* The pixels of a PNG or JPEG; -1 for an SVG, which has none. */
int		 image_pixels(const struct image *, int *w, int *h);
/* Draws the image scaled into the box (x, y, w, h) of `cr`. */
void		 image_draw(const struct image *, void *cr, double x, double y, double w, double h);
void		 image_free(struct image *);
#define IMAGE_BAND_ROWS	16
/* A band of a PNG's rows as image_png_encode() compresses it: the same rows, the same bytes. */
struct image_band {
	unsigned char	*z;
	size_t		 zlen;
	size_t		 rawlen;	/* the rows' length as PNG has them ... */
	uint32_t	 adler;		/* ... and their Adler-32 */
};
#ifdef CAIRO_H
/* A cairo_write_func_t that appends to the struct buf `closure`. */
cairo_status_t	 cairo_to_buf(void *closure, const unsigned char *data, unsigned int len);
/* Encodes an RGB24 surface as an 8-bit RGB PNG in `out`, its resolution recorded as `dpi`,
 * with `alt` in language `lang` as its description. With `keep` (one a band of
 * IMAGE_BAND_ROWS rows), a copy of each band's compressed rows there, the caller's to free.
 * Returns 0, or -1. */
int		 image_png_encode(cairo_surface_t *, double dpi, const char *alt,
		    const char *lang, struct buf *out, struct image_band *keep);
#endif
/* The PNG image_png_encode() makes of a w x h picture whose bands (kept from pictures
 * before) are `bands`, one for each IMAGE_BAND_ROWS rows. Returns 0, or -1. */
int		 image_png_join(int w, int h, double dpi, const char *alt, const char *lang,
		    const struct image_band *const *bands, struct buf *out);
/* Changes the resolution image_png_encode() recorded in `png` to `dpi`: its pHYs chunk is
 * the same length whatever the value, so only that chunk's data and checksum change, and
 * one compressed image serves at two resolutions. Returns 0, or -1 when there is no pHYs. */
int		 image_png_set_dpi(struct buf *png, double dpi);

/* ---- svg.c: the SVG gen writes ---- */

/* cairo's SVG has the text as glyph outlines: gives it a title, a description and an ARIA
 * role and label, so the web page's reader hears what the picture says, and `words` (what
 * gen writes itself: text over the glyphs, a panel's children; or NULL) last; cairo's surface ids renumbered 1, 2 ... so the same
 * picture gives the same bytes. Appends the result of `svg` (NUL-terminated) to `out`;
 * returns -1 when it holds no <svg> element. */
int		 svg_accessible(const char *svg, const char *title, const char *desc,
		    const char *lang, const char *words, struct buf *out);
/* Appends cairo's SVG (after its opening tag) with every id given the prefix `pre` and
 * renumbered in order of first appearance (cairo numbers its surfaces across the whole
 * process), so that several pictures can share a page and the same picture gives the same
 * bytes. */
void		 svg_prefix_ids(struct buf *, const char *svg, const char *pre);
/* Appends a <path> with id `id` of cairo's `path`, filled with colour `fill` (0xRRGGBB)
 * and, when `stroke` is a colour rather than -1, outlined in it `width` wide: a shape for
 * <defs>, drawn again and again by svg_use(). */
struct cairo_path;
void		 svg_shape(struct buf *, const char *id, const struct cairo_path *path,
		    unsigned fill, int stroke, double width);
/* Appends a <use> of the shape `id` (svg_shape()) moved to (x, y). */
void		 svg_use(struct buf *, const char *id, double x, double y);

/* ---- bind.c: data values, loops and conditions merged into Markdown ---- */

struct table;

/* The data tables of a document, from its data/ folder. */
struct datasets {
	struct table	**v;		/* owned */
	size_t		  n;
	const struct table *row_table;	/* one output per row: the table, and ... */
	size_t		  row;		/* ... the row being built, named `row` in tags */
	const char	 *ind_data;	/* a progress report's indicators (long form) ... */
	const char	 *ind_list;	/* ... and their names, phases, units and rules */
	const struct comparator *cmp;	/* what the indicators are set beside; the first ... */
	size_t		  ncmp;		/* ... is what their status is judged against */
	int		  latest_published;	/* no figure for the year: the latest before it */
	int		  year;		/* the report's year (front matter `year:`), or 0 */
	const char	 *area;		/* the area reported on (front matter `area:`), or NULL */
	int		  unread;	/* the data folder could not be read (and said so) */
	char *const	 *words;	/* the template's words (enum word), or NULL */
};
/* The template's word w for what d's components make; "" without a template. */
const char	*data_word(const struct datasets *d, int w);
/* The template's words for what d's components make (enum word), or NULL. */
char *const	*data_words(const struct datasets *d);

/* The table of data/NAME.csv, or NULL (also when the file could not be read at all)
 * (csv.c). */
const struct table *datasets_find(const struct datasets *, const char *name);
/* Whether data/NAME.csv exists but could not be read: its errors are said, and what names
 * it says nothing more (csv.c). */
int		 datasets_broken(const struct datasets *, const char *name);

/* A stretch of expanded text and where it came from. */
struct srcmap {
	size_t	 out;		/* where the stretch starts in the expanded text */
	size_t	 src;		/* literal: the same byte in the source; value: its tag */
	int	 literal;	/* copied from the source, byte for byte */
};

/* A Markdown file with its {{ }} tags expanded, and the way back to the source. A value
 * from data stands in the text as a seal: U+FDD0, its index in `values` in hexadecimal
 * digits U+FDE0-U+FDEF, U+FDD1 (noncharacters, which no input holds and which Markdown reads
 * as letters), so that cmark never reads a value as markup; bind_unseal() puts the values
 * in the text cmark hands back. */
/* A figure from data put into the text: where it came from, for the preflight page. */
struct figure_use {
	char		*value;		/* as the page shows it, owned */
	const char	*csv;		/* the table's path (not owned: the document's data) */
	int		 row, col;	/* the cell, as a spreadsheet counts them */
	int		 kind;		/* enum datum: a figure not given is DATUM_MISSING */
	const char	*file;		/* the Markdown file ... */
	int		 line;		/* ... and line of the tag */
};

struct expansion {
	struct figure_use *uses;	/* the figures put in, owned */
	size_t		 nuses;
	struct buf	 text;		/* the expanded text */
	char		**values;	/* the values sealed in it, owned */
	size_t		 nvalues;
	size_t		 vbytes;	/* their length, counted against the limit */
	struct srcmap	*map;		/* owned, by `out` */
	size_t		 nmap;
	const char	*src;		/* the source text (not owned) */
	size_t		 srclen;
	int		 line0;		/* the source's first line number */
	int		 col0;		/* columns the source's lines are indented by */
	size_t		*out_lines;	/* where each line of the expanded text starts */
	size_t		 nout_lines;
	size_t		*src_lines;	/* where each line of the source starts */
	size_t		 nsrc_lines;
	struct posmemo {		/* the last position bind_position() found, owned */
		size_t	 line, src;
		int	 col;
	}		*memo;
};

/* Expands `{{ … }}` tags in text (its first line is line0 of file, its lines indented by
 * col0 columns there) with values from data.
 * Reports each bad tag through msg(); returns 0 or -1. Free with bind_free(). */
int		 bind_text(struct gen *, const char *file, const char *text, size_t len,
		     int line0, int col0, const struct datasets *, struct expansion *);
/* Maps a line and byte column of the expanded text to the user's line and column. */
void		 bind_position(const struct expansion *, int line, int col, int *sline,
		     int *scol);
void		 bind_free(struct expansion *);
/* Notes in x that `shown` came from the cell at (row, col) of csv, put in at file:line. */
void		 bind_note(struct expansion *x, const char *shown, const char *csv, int row,
		    int col, int kind, const char *file, int line);
/* `s` (text, a URL or a tag that cmark read from the expansion) with each value put back
 * where its seal is, with `attr` as an HTML attribute's value writes it (&quot; ...): a copy
 * for the caller to free, or NULL when `s` holds no seal. */
char		*bind_unseal(const struct expansion *, const char *s, int attr);
/* Expands the tags of a plain value (a title), with no Markdown escapes. The caller frees
 * the result; NULL after reporting an error. */
char		*bind_plain(struct gen *, const char *file, const char *text, int line0,
		     int col0, const struct datasets *);

/* ---- csv.c: data tables from content/<doc>/data/NAME.csv ---- */

enum col_type { COL_TEXT, COL_NUMBER, COL_PERCENT, COL_DATE };

/* What a cell holds, worked out from its text. The symbols are those UK official statistics
 * use in tables for a figure that is not given (the Government Statistical Service's list). */
enum datum {
	D_EMPTY,		/* nothing written */
	D_NUMBER,		/* a number: num */
	D_TEXT,			/* anything else */
	D_NA,			/* .. : - x [x]: not available */
	D_SUPPRESSED,		/* c [c]: suppressed to protect confidentiality */
	D_NOT_APPLICABLE,	/* z [z]: not applicable */
	D_LOW,			/* low [low]: rounds to zero, but is not zero */
	D_UNRELIABLE,		/* u [u]: too unreliable to publish */
	D_NO_DATA,		/* w [w]: no data (there were no cases) */
	D_NOT_STATED		/* "not stated": the source gives none (a previous grade) */
};

/* Whether a cell of that kind stands for a figure that is not given (the symbols and an
 * empty cell): never zero, never an error in a column of figures. */
#define DATUM_MISSING(k)	((k) == D_EMPTY || (k) >= D_NA)

/* The words a reader gets for a figure that is not given: `sentence` 0 for a table cell or
 * a chart label ("suppressed"), 1 for running text and alternative text ("suppressed to
 * protect confidentiality"), in the template's `words` (t->word, data_words(); NULL: "").
 * The one place these are chosen. */
const char	*datum_words(char *const *words, enum datum, int sentence);

struct cell {
	char		*text;	/* the field as written, unquoted; "" when empty (in the store) */
	double		 num;	/* D_NUMBER (or a declared date): the value, 0-100 for a
				 * percentage; NAN otherwise */
	int		 line;	/* the row as a spreadsheet counts it (the header is row 1) */
	unsigned short	 col;	/* the column as a spreadsheet counts it (A is 1) */
	unsigned char	 kind;	/* enum datum */
	unsigned char	 pct;	/* the number was written with % */
};

struct table_said;

struct table {
	char		*name;		/* the file's stem: "key-figures" for data/key-figures.csv */
	char		*path;		/* as given, for messages */
	size_t		 ncols, nrows;	/* columns, and rows after the header */
	char		**cols;		/* header names, owned */
	int		*col_line, *col_col;	/* where each header name is (row 1, column) */
	enum col_type	*types;		/* worked out from the cells, or declared */
	struct cell	*cells;		/* row-major: cells[r * ncols + c] */
	char		*store;		/* every cell's text, NUL-separated, owned */
	int		 errors;	/* errors reported in the file: later look-ups into a
					 * table that failed say nothing more */
	struct table_said *said;	/* what has been reported of it (once each), owned */
};

/* Reads CSV text as Excel writes it: UTF-8 with or without a BOM (UTF-16 "Unicode text",
 * tab-separated, and Windows-1252 text are read too; semicolon-separated text is refused
 * with how to save it), RFC 4180 quoting (commas, quotes and newlines inside quoted fields;
 * a newline inside is kept as "\n"), CRLF, LF or CR line ends, a header row. Blank lines are
 * skipped, except in a table of one column, where they are empty cells (trailing ones
 * dropped). At most 10,000 columns, 1,000,000 rows, 10,000,000 cells and 1 MB a field.
 * Every problem is reported (up to 20) through msg() at path:ROW:COL as a spreadsheet
 * counts them, and every row read: a ragged row is reported and left out. Each column's
 * type is worked out from its cells: a number or a symbol in every cell that is not empty
 * (at least one number) makes it COL_NUMBER, or COL_PERCENT when the numbers have `%`.
 * Returns the table, with t->errors set when anything was wrong, or NULL when there is no
 * table at all (an empty file, a workbook). `text` is copied: the caller may free it. The
 * caller frees the table with csv_free(). */
struct table	*csv_read(struct gen *, const char *path, const char *text, size_t len);
/* A table that stands for a file that could not be read (its errors said): no columns, no
 * rows, errors set. */
struct table	*csv_failed(const char *path);
/* Declares column `c` of type `t` and checks every cell of it, reporting each bad one at its
 * row:col ("content/doc/data/x.csv:5:3: error: `12a` in column `schools` is not a number").
 * Numbers: 40374, 40,374, -1.5, −1.5; percentages: 86, 86%, 86.5 % from 0 to 100; dates:
 * 2022-06-30 or 30/06/2022. Empty cells and the symbols are allowed (a figure not given, num
 * NAN). Returns the number of bad cells (their num is NAN). */
int		 csv_set_type(struct gen *, struct table *, size_t c, enum col_type t);
/* The index of the column named `name`, or -1. */
int		 csv_column(const struct table *, const char *name);
/* The text of row r's cell in the column named `name`; "" when there is no such column. */
const char	*csv_text(const struct table *, size_t r, const char *name);
/* The index of the column `who` needs (e.g. "the indicator table"), or -1 after an error at
 * the header: "no column `north-west` (did you mean `northwest`?); WHO needs it". Said once
 * a table and name; nothing is said of a table that already failed. */
int		 csv_need_column(struct gen *, const struct table *, const char *name,
		     const char *who);
/* Checks that every cell of column c is a figure: a number, a symbol or empty; each other
 * cell an error ("`eight` in column `low-birth-weight` is not a number"), said once a
 * column. Returns the number of bad cells. */
int		 csv_need_numbers(struct gen *, const struct table *, size_t c);
/* Checks that each cell of column c is one of `allowed` (without regard to case); each
 * other an error listing them, once a column. Returns the number of bad cells. */
int		 csv_need_choice(struct gen *, const struct table *, size_t c,
		     const char *const *allowed, size_t n);
/* Checks that no two rows have the same values in the columns `cols` (a key): each repeat
 * an error naming both rows, once a table and key. Returns the number of repeats. */
int		 csv_need_unique(struct gen *, const struct table *, const int *cols, size_t n);
/* Reports `fmt` at a table's cell or header, unless the same was said of the table before
 * (an error in a document built once per row is said once). */
void		 csv_say(struct gen *, const struct table *, enum msg_level, int line, int col,
		     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The name of column c as a spreadsheet letters it: "A", "AB". */
void		 csv_letters(size_t c, char *out, size_t size);
/* Adds `s` to CSV text as a quoted field, then a comma, or a line end when `last`: for a
 * table made from others (an indicator's years, published statistics). */
void		 csv_add_field(struct buf *, const char *s, int last);
void		 csv_free(struct table *);

/* ---- official.c, ees.c, fingertips.c: published statistics, read as downloaded ---- */

/* A period of a published file: the year it is placed in, and how readers write it. */
struct period {
	int	 year;		/* the calendar year it ends in: 2023 for 2022/23 */
	char	 label[64];	/* "2022/23", "Q1 2023", "2020–22", "Autumn term 2022/23" */
};

/* One published file that a declaration takes figures from, as its shape opens it. */
struct pubfile {
	const char		*file;		/* as the declaration names it: "ks4-la.csv" */
	const struct table	*t;		/* the file, read as any data file */
	const struct table	*meta;		/* an EES file's .meta.csv, or NULL */
	const struct pubshape	*shape;
	unsigned char		*breakdown;	/* per column: rows of one area and period may
						 * differ in it (a filter, a time identifier) */
	const char		**fallback;	/* per column: the value taken where rows differ
						 * and the declaration names none ("Total"), or
						 * NULL */
	unsigned char		*level;		/* per column: it says an area's level or type
						 * (geographic_level, Area Type): a value the
						 * declaration names there is taken where an
						 * area's rows differ in it, not required of
						 * every area's rows; the three arrays owned */
};

/* A measure of a published file: where its figures are, what it is called, its format. */
struct measure {
	int		 col;		/* the column of its figures */
	int		 lo, hi;	/* the columns of its 95% confidence limits, or -1 */
	int		 key;		/* its rows are those whose column `key` says `id` ... */
	const char	*id;		/* ... (-1 and NULL: every row) */
	const char	*name;		/* its label: "Average Attainment 8 score per pupil" */
	const char	*unit;		/* "%", "£", "£m", "pp", "number", or "" when not said */
	int		 dp;		/* decimal places to show, or -1 when not said */
};

/* A published shape (ees.c, fingertips.c): how official.c reads a file of it. Messages about
 * the file's own cells go to the file, at ROW:COL, through csv_say(). */
struct pubshape {
	const char	*what;		/* "an EES data file", for messages */
	const char	*codes;		/* where its areas' codes are, for messages */
	/* Whether table t (of data/NAME.csv) looks like this shape. */
	int		 (*looks)(const struct datasets *, const struct table *t);
	/* Checks the file's columns (and metadata) and fills in its breakdowns; 0, or -1 after
	 * errors at the file. */
	int		 (*open)(struct gen *, const struct datasets *, struct pubfile *);
	/* Finds the measure the declaration writes as `text`; 0, or -1 with the reason, to follow
	 * "FILE has no measure `text`", in *why (the caller frees). */
	int		 (*measure)(const struct pubfile *, const char *text, struct measure *,
			    char **why);
	/* The area row r is of: its code (and a second code, as an LA's old number), its name
	 * and its level ("Local authority", "Region"); *code NULL when the row has none. */
	void		 (*area)(const struct pubfile *, size_t r, const char **code,
			    const char **code2, const char **name, const char **level);
	/* The period of row r; 0, or -1 after an error at its cell. */
	int		 (*period)(struct gen *, const struct pubfile *, size_t r, struct period *);
	/* The figure of measure m in row r as a cell of gen's own data holds it (the number as
	 * written, or a symbol: "c", "x", "z", "low", "u"); NULL after an error at its cell. */
	const char	*(*figure)(struct gen *, const struct pubfile *, const struct measure *,
			    size_t r);
};

extern const struct pubshape shape_ees, shape_fingertips;

/* Reads a declaration, data/NAME.source (`path`, its `len` bytes of `text`): which published
 * files among d's tables, which of their measures, filters and rows (the area and the
 * comparators, or a list of areas), and adds the table NAME they make to d, in the shape
 * gen's own data has: the long form of a progress report's indicators (`area:`), or a row
 * for each area (`areas:`). Every mismatch is an error at the declaration or at the file's
 * ROW:COL. Returns 0, or -1 after errors. */
int		 official_read(struct gen *, struct datasets *, const char *path,
		     const char *text, size_t len);
/* |v| to `dp` decimal places, rounded half away from zero as published statistics round,
 * its whole part grouped in thousands when `group`: "1,234.6". */
void		 figure_fixed(struct buf *, double v, int dp, int group);
/* The symbol gen's own data writes for a figure not given of kind k ("c", "x", "z", "low",
 * "u", "w"), or NULL for a number or text. */
const char	*datum_symbol(enum datum k);
/* The label of the period `by` years on from `label`: "2021/22" + 1 is "2022/23". */
void		 period_shift(const char *label, int by, char *out, size_t size);
/* Whether a and b are the same words, without regard to case or to spaces around them: how
 * a declaration's names and values are matched with a published file's. */
int		 same_words(const char *a, const char *b);

/* ---- frontmatter.c ---- */

struct fm_entry {
	char	*key, *value;	/* owned */
	int	 line, col;	/* of the value */
};

struct frontmatter {
	const char	*file;		/* the index.md path (not owned) */
	struct fm_entry	*v;		/* owned */
	size_t		 n;
	size_t		 body;		/* byte offset where the Markdown starts */
	int		 body_line;	/* its line number */
};

/* Splits "---\nkey: value\n---\n" off the start of `text`. Reports errors through msg();
 * returns 0 or -1. */
int		 frontmatter_parse(struct gen *, const char *file, const char *text, size_t len,
		     struct frontmatter *);
const struct fm_entry *frontmatter_get(const struct frontmatter *, const char *key);
void		 frontmatter_free(struct frontmatter *);

/* ---- markdown.c: cmark-gfm AST to the tree ---- */

struct expansion;
struct datasets;

/* Parses a Markdown file's expanded text and appends its blocks to `doc`; components
 * take their figures from `data`, and note those they show in `x`'s uses. */
void		 markdown_parse(struct gen *, const char *file, struct expansion *,
		     const struct datasets *data, struct node *doc);

/* ---- template.c: page masters and theme from templates/NAME.xml ---- */

#define MAX_SERIES	6	/* series in a chart, and colours for them */

struct style {
	char	*family;	/* font family, as in fonts/ */
	int	 weight;	/* 400 regular, 600 semibold, 700 bold */
	int	 italic;
	double	 size;		/* pt */
	double	 leading;	/* line pitch, pt */
	double	 before, after;	/* space above and below, pt */
	unsigned colour;	/* 0xRRGGBB */
	int	 page_break;	/* a heading starts a new page: enum page_break */
	int	 line, col;	/* where the template sets it, for errors; 0 for defaults */
	const char *file;	/* ... in this file (the template's own list) */
};

#define COVER_PLAIN	2	/* a cover with the title on white, the accent a rule */

/* How paragraphs are numbered (<numbering style=…/>): validate.c gives each its label. */
enum numbering {
	NUMBER_CHAPTERS = 1,	/* a committee report's: chapters 1., 2., their paragraphs 1.1 */
	NUMBER_CONTINUOUS	/* an inspection report's: 1, 2 … through the chapters named */
};

/* When a heading starts a new page (a template's page-break=). */
enum page_break {
	PB_NO,		/* it flows, kept with what follows */
	PB_YES,		/* always */
	PB_RIGHT,	/* always, on a right-hand (odd) page */
	PB_AUTO		/* unless the page so far is less than PB_AUTO_SHARE full */
};
#define PB_AUTO_SHARE	0.4

/* The roles a template styles. A key-figure tile's number, label and the rest of its words
 * (figure, figure-label, figure-detail) take body text's family, style and colour (the
 * number the accent) unless the template styles them. */
enum style_role { R_BODY, R_H1, R_H2, R_H3, R_H4, R_CODE, R_CAPTION, R_HEADER, R_FOOTER,
	R_TITLE, R_SUBTITLE, R_TOC1, R_TOC2, R_NOTE, R_TABLE, R_FIGURE, R_FIGURE_LABEL,
	R_FIGURE_DETAIL, R_NROLES };

/* A column type a template declares: <data table="T"><column name="C" type="number"/>. */
struct coltype {
	char		*table, *column;	/* owned */
	int		 type;			/* enum col_type */
	int		 line, col;		/* where the template says it */
};

/* A front-matter value the template sets before the Markdown: a row of the cover block,
 * or a headed section (<front><field key= label=/>, <sections><section key= heading=/>). */
struct tfield {
	char		*key;		/* the front-matter key, owned */
	char		*label;		/* what the page says, owned */
	int		 required;	/* the front matter must give it */
	int		 line, col;	/* where the template says it */
};

/* A running head or foot: the text of each slot, with {title}, {section}, {page}, {pages},
 * {date} and {subtitle} filled in on each page. */
enum { FU_LEFT, FU_CENTRE, FU_RIGHT, FU_INSIDE, FU_OUTSIDE, FU_NSLOTS };
struct furniture {
	char		*slot[FU_NSLOTS];	/* owned; NULL when empty */
};

/* A colour's values for print: the PDF uses them exactly in place of its RGB
 * (<print><ink rgb= cmyk=/></print> in the theme). */
struct ink {
	unsigned	 rgb;		/* 0xRRGGBB, as the theme's colours give it */
	unsigned short	 cmyk[4];	/* C, M, Y, K in hundredths of a per cent (0-10000) */
};

/* The words gen writes itself, the same in every output: <words contents="Contents" …/>, in
 * templates/words.xml, which every template reads first, and in a template. */
enum word {
	W_CONTENTS,		/* contents=: the contents' heading where <contents> gives none */
	W_SKIP,			/* skip=: the web page's link past its header to the text */
	W_PREVIOUS,		/* previous=, next=: before the name of the web page ... */
	W_NEXT,			/* ... before or after this one */
	W_PAGER,		/* pager=: what the links to them are, for a screen reader */
	W_PICTURE_MISSING,	/* picture-missing=: before a missing picture's file, in a draft */
	W_INDICATOR,		/* indicator=, year=, change=, status=: an indicator table's ... */
	W_YEAR,
	W_CHANGE,
	W_STATUS,		/* ... headings */
	W_GREEN,		/* green= … worse=: the statuses, in enum rag's order */
	W_AMBER,
	W_RED,
	W_BETTER,
	W_SIMILAR,
	W_WORSE,
	W_GRADE,		/* grade=, self-evaluation=, previous-grade=, average=: the ... */
	W_SELF,
	W_PREVIOUS_GRADE,
	W_AVERAGE,		/* ... headings of a judgement chart's figures */
	W_LINE_CHART,		/* line-chart=, bar-chart=: before a chart's title in ... */
	W_BAR_CHART,		/* ... its description */
	W_CHART,		/* untitled-chart=: an untitled chart's name */
	W_CHART_FIGURES,	/* chart-figures=: the web page's table of a chart's figures */
	W_NOTE,			/* note=: a footnote's reference, for a screen reader */
	W_NOTES,		/* notes=, back-to-reference=: the web page's footnotes ... */
	W_BACK,			/* ... and each one's link back */
	W_GO_TO_PAGE,		/* go-to-page=: a PDF's contents entry, for a screen reader */
	W_FOOTNOTE,		/* footnote=: a PDF's footnote reference, {n} */
	/* Sentences with {names} that gen fills in (template.c's word_slots[] lists them): */
	W_STATUS_RULE,		/* status-rule= … status-intervals=: the note under an ... */
	W_STATUS_BANDS,
	W_STATUS_BAND,
	W_STATUS_INTERVALS,	/* ... indicator table, of the rule that decided its colours */
	W_PP,			/* pp=: a figure in percentage points, in a table */
	W_PERCENTAGE_POINT,	/* percentage-point= … points=: a figure or a difference ... */
	W_PERCENTAGE_POINTS,
	W_POINT,
	W_POINTS,		/* ... in a sentence, one or more */
	W_CHART_ABOUT,		/* chart-about= … chart-grade=: a chart's description ... */
	W_CHART_SERIES,
	W_CHART_FIGURE,
	W_CHART_GRADES,
	W_CHART_GRADE,		/* ... read aloud in place of it */
	W_CHILDREN,		/* children=, children-missing=: a panel of children's ... */
	W_CHILDREN_MISSING,	/* ... description */
	W_NOT_PUBLISHED,	/* not-published= … not-stated=: a figure not given (enum ... */
	W_SUPPRESSED,
	W_SUPPRESSED_SENTENCE,
	W_NOT_APPLICABLE,
	W_LOW,
	W_LOW_SENTENCE,
	W_UNRELIABLE,
	W_UNRELIABLE_SENTENCE,
	W_NO_CASES,
	W_NO_CASES_SENTENCE,
	W_NOT_STATED,		/* ... datum), in a table and, -sentence, in running text */
	W_FIGURE_MISSING,	/* figure-missing= … phrase-and-aside=: an indicator's ... */
	W_FIGURE_EARLIER,
	W_PHRASE_UNPUBLISHED,
	W_PHRASE_WITHHELD,
	W_PHRASE_THEN,
	W_PHRASE_ASIDE,
	W_PHRASE_UNCHANGED,
	W_PHRASE_UP,
	W_PHRASE_DOWN,
	W_PHRASE_LEVEL,
	W_PHRASE_ABOVE,
	W_PHRASE_BELOW,
	W_PHRASE_AND,
	W_PHRASE_AND_ASIDE,	/* ... phrase ({{ indicator KEY }}), from its parts */
	W_MONTHS,		/* months=: the twelve months' names, parted by `|` */
	W_MONTH_YEAR,		/* month-year=, day-month-year=: a date (date_words()) */
	W_DAY_MONTH_YEAR,
	W_SLUG,			/* slug=: the printer's line beyond the bleed (--marks) */
	W_ILLUSTRATIVE,		/* illustrative=: a web page's foot, when figures are so marked */
	/* the preflight page: its title, before the document's */
	W_PF_TITLE,		/* preflight= */
	W_PF_READY,		/* ready= */
	W_PF_READY_WARN,		/* ready-with-warnings= */
	W_PF_NOT_READY,		/* not-ready= */
	W_PF_COUNTS,		/* findings-count= */
	W_PF_PROBLEMS,		/* findings= */
	W_PF_ERROR,		/* finding-error= */
	W_PF_WARNING,		/* finding-warning= */
	W_PF_KIND,		/* finding-kind= */
	W_PF_WHERE,		/* finding-where= */
	W_PF_WHAT,		/* finding-what= */
	W_PF_NONE,		/* findings-none= */
	W_PF_MORE,		/* findings-more= */
	W_PF_PREVIEW,		/* preview-note= */
	W_PF_FIGURES,		/* figures-marked= */
	W_PF_FIGURE,		/* figure= */
	W_PF_SOURCE,		/* figure-source= */
	W_PF_SHOWN_AS,		/* figure-shown= */
	W_PF_FIGURES_NONE,		/* figures-marked-none= */
	W_PF_MORE_CELLS,		/* figure-cells-more= */
	W_PF_STOPPED,		/* build-stopped= */
	W_PF_ILLUSTRATIVE,		/* figures-illustrative= */
	W_PF_PICTURES,		/* pictures= */
	W_PF_PICTURES_INTRO,		/* pictures-intro= */
	W_PF_PICTURE,		/* picture= */
	W_PF_ALT,		/* alternative-text= */
	W_PF_ALT_NONE,		/* alternative-text-none= */
	W_PF_PICTURES_NONE,		/* pictures-none= */
	W_PF_CHECKED,		/* checked= */
	W_PF_CHECKED_INTRO,		/* checked-intro= */
	W_PF_CHECK_ALT,		/* check-alt= */
	W_PF_CHECK_HEADINGS,		/* check-headings= */
	W_PF_CHECK_TABLES,		/* check-tables= */
	W_PF_CHECK_GLYPHS,		/* check-glyphs= */
	W_PF_CHECK_CONTRAST,		/* check-contrast= */
	W_PF_CHECK_LANG,		/* check-lang= */
	W_PF_CHECK_DATA,		/* check-data= */
	W_PF_CHECK_PPI,		/* check-ppi= */
	W_PF_MADE,		/* made= */
	W_PF_MADE_INTRO,		/* made-intro= */
	W_PF_MADE_TAGS,		/* made-tags= */
	W_PF_MADE_BOXES,		/* made-boxes= */
	W_PF_MADE_FONTS,		/* made-fonts= */
	W_PF_MADE_BLACK,		/* made-black= */
	W_PF_MANUAL,		/* manual= */
	W_PF_MANUAL_INTRO,		/* manual-intro= */
	W_PF_MANUAL_ORDER,		/* manual-order= */
	W_PF_MANUAL_ALT,		/* manual-alt= */
	W_PF_MANUAL_PLAIN,		/* manual-plain= */
	W_PF_MANUAL_COLOUR,		/* manual-colour= */
	W_PF_PRINT,		/* print= */
	W_PF_TRIM,		/* trim= */
	W_PF_BLEED,		/* bleed= */
	W_PF_PAGES,		/* pages= */
	W_PF_INTENT,		/* output-intent= */
	W_PF_FONTS,		/* fonts= */
	W_PF_INKS,		/* inks= */
	W_PF_INKS_TEXT,		/* inks-text= */
	W_PF_RESOLUTION,		/* resolution= */
	W_PF_RESOLUTION_OK,		/* resolution-ok= */
	W_PF_RESOLUTION_LOW,		/* resolution-low= */
	W_PF_CHANGES,		/* changes= */
	W_PF_CHANGES_NONE,		/* changes-none= */
	W_PF_CHANGES_NO_BASE,		/* changes-no-baseline= */
	W_PF_CH_FIGURE,		/* changed-figure= */
	W_PF_CH_ADDED,		/* changed-added= */
	W_PF_CH_REMOVED,		/* changed-removed= */
	W_PF_CH_REWORDED,		/* changed-reworded= */
	W_PF_CH_PAGES,		/* changed-pages= */
	W_PF_CH_PICTURE,		/* changed-picture= */
	W_PF_CH_WAS,		/* changed-was= */
	W_PF_CH_NOW,		/* changed-now= */
	W_PF_CH_KIND,		/* changed-kind= */
	/* the accessibility statement (the GOV.UK model's sections) */
	W_ST_TITLE,		/* statement= */
	W_ST_INTRO,		/* statement-intro= */
	W_ST_STATUS,		/* statement-status= */
	W_ST_FULL,		/* statement-full= */
	W_ST_PARTIAL,		/* statement-partial= */
	W_ST_NOT,		/* statement-not= */
	W_ST_NONACC,		/* statement-non-accessible= */
	W_ST_NONCOMP,		/* statement-non-compliance= */
	W_ST_NONE,		/* statement-none= */
	W_ST_PREP,		/* statement-preparation= */
	W_ST_PREPARED,		/* statement-prepared= */
	W_ST_METHOD,		/* statement-method= */
	W_ST_MANUAL,		/* statement-manual= */
	W_ST_FEEDBACK,		/* statement-feedback= */
	W_ST_CONTACT,		/* statement-contact= */
	W_ST_CONTACT_NONE,		/* statement-contact-none= */
	W_ST_ENFORCE,		/* statement-enforcement= */
	W_ST_ENFORCE_TEXT,		/* statement-enforcement-text= */
	W_ST_TECH,		/* statement-technical= */
	W_ST_TECH_TEXT,		/* statement-technical-text= */
	W_NWORDS
};
/* The attribute of <words> that sets word w. */
const char	*word_name(enum word w);

/* The printing condition a PDF's output intent names (<print intent=…>). */
enum print_intent { PI_FOGRA39, PI_SWOP };

struct template {
	char		*name;		/* as named in front matter */
	struct furniture header;	/* on every page but the first of a chapter */
	struct furniture footer;	/* on every page but the cover and dividers */
	struct tfield	*front;		/* the cover block's rows, owned */
	size_t		 nfront;
	struct tfield	*sections;	/* headed sections from front matter, owned */
	size_t		 nsections;
	int		 numbered;	/* paragraphs numbered: enum numbering, 0 for none */
	char		*number_chapters;	/* continuous: the chapters numbered, a pattern
					 * of their headings ("Section *"), owned; NULL: all */
	char		*appendix_label;	/* "Appendix {n}: ", owned; NULL: "{n}. " */
	int		 appendix_numbers;	/* appendices numbered 1, 2 (else A, B) */
	char		*ind_data, *ind_list;	/* <indicators data=… list=…> */
	char		*ind_note;	/* illustrative-note=: {note} when a figure is marked
					 * illustrative, owned */
	struct comparator *cmp;		/* its <comparator>s, owned; the first judges */
	size_t		 ncmp;
	int		 latest_published;	/* latest="published" */
	int		 infographic;	/* panel pages are full-bleed: ... */
	unsigned	 infographic_bg;	/* ... on this colour, to the bleed */
	char		*per_row;	/* one output per row of this table ... */
	char		*per_row_name;	/* ... named after this column of it (slugged) */
	int		 per_row_line, per_row_col;	/* where the template says so */
	struct coltype	*coltypes;	/* owned */
	size_t		 ncoltypes;
	char		*path;		/* templates/NAME.xml */
	double		 page_w, page_h;	/* pt */
	double		 margin_top, margin_bottom, margin_inner, margin_outer;	/* pt */
	double		 bleed;		/* pt */
	unsigned	 accent;	/* theme colour for rules, cover, table headings */
	unsigned	 accent_text;	/* text on the accent colour */
	unsigned	 band;		/* every other table row, tiles, label columns */
	unsigned	 rule;		/* the rules under table rows */
	unsigned	 series[MAX_SERIES];	/* charts' series: lines, bars, markers, labels */
	int		 nseries;
	unsigned	 muted;		/* secondary text: chart axes, "no data" */
	unsigned	 grid;		/* chart gridlines (decoration: values are labelled) */
	unsigned	 outline;	/* the children of a panel not counted */
	const char	*colour_file;	/* where <colour> was last read, for messages */
	int		 colour_line, colour_col;
	struct ink	*inks;		/* colours given for print, owned; the last for an RGB wins */
	size_t		 ninks;
	int		 intent;	/* enum print_intent */
	const char	*bg_file;	/* where <infographic background=…> was read */
	int		 bg_line, bg_col;
	char		**files;	/* the files read (the template, its includes), owned */
	size_t		 nfiles;
	int		 marks;		/* <marks/>: crop marks and a slug, as --marks */
	int		 cover;		/* has a cover page: 1 its title on a band of the
					 * accent colour, COVER_PLAIN on white */
	struct image	*logo;		/* on the cover, from templates/ (owned) */
	char		*logo_path;	/* the logo's file, owned */
	int		 toc;		/* has a contents page */
	int		 toc_depth;	/* heading levels listed in the contents */
	int		 parts;		/* <contents parts="yes">: a divider opens a part, listed in
					 * the contents and bookmarks above the chapters after it,
					 * and named by {part} in running heads */
	int		 html_split;	/* <html split="N"/>: a web page per heading of level N */
	char		*html_download;	/* <html download=…>: the link to the PDF, {size}, owned */
	char		*html_published;	/* … published=: {date}, {author}, owned */
	char		*html_source;	/* … source=: {source}, owned */
	char		*toc_title;	/* <contents title=…>, owned; NULL: the word contents= */
	char		*word[W_NWORDS];	/* the words gen writes itself, owned: <words> */
	int		 front_roman;	/* the cover, contents and index.md numbered i, ii … */
	struct style	 role[R_NROLES];
};

/* Loads templates/NAME.xml; reports errors through msg() at `file:line:col` (where the
 * template is named) and returns NULL. */
struct template	*template_load(struct gen *, const char *name, const char *file, int line, int col);
/* Reads a template from its text, NUL-terminated as read_file() gives it (template_load()
 * reads the file, then this). */
struct template	*template_parse(struct gen *, const char *name, const char *text, size_t len);
void		 template_free(struct template *);
/* The one line templates/NAME.xml says of itself (<template description=…>), or NULL;
 * *installed says whether the file is the installed one. The caller frees. */
char		*template_description(struct gen *, const char *name, int *installed);
const char	*role_name(enum style_role);
/* The contents' heading: the template's <contents title=…>, or its word for contents. */
const char	*contents_title(const struct template *);

/* ---- theme.c: the theme's contrast and sizes, checked before anything is drawn ---- */

/* Reports at the template each colour pair under its WCAG contrast (text 4.5:1, large
 * text 3:1, graphics 3:1) and each text style under 8 pt; returns -1 after any. */
int		 theme_check(struct gen *, const struct template *);

/* ---- fonts.c: the private fontconfig and the check that a style exists ---- */

/* Makes fontconfig see fonts/ and the installed fonts alone (project_fonts()); must run
 * before any pango or cairo call. */
int		 fonts_init(struct gen *);
/* Reports an error (at the template's file) for a family or style fonts/ lacks. */
int		 fonts_check(struct gen *, const struct template *);
void		 fonts_fini(struct gen *);
/* The first character of `text` (from byte `from`, to byte `to`) that the regular face of
 * `family` has no glyph for, or 0; *at is set to its byte offset. */
unsigned	 fonts_missing_glyph(struct gen *, const char *family, const char *text,
		     size_t from, size_t to, size_t *at);

/* ---- project.c: the project's own files first, then gen's installed defaults ---- */

struct doc;

/* Sets g->share to the installed defaults beside the program (PREFIX/share/gen), or the
 * source tree gen was built in, or NULL. */
void		 project_find_share(struct gen *);
/* The path of `rel` ("templates/plain.xml"): the project's own when it has one (even a
 * link or an unreadable file: reading it says why), else the installed default's, with
 * *installed set; the project's path when neither has it. The caller frees. */
char		*project_file(const struct gen *, const char *rel, int *installed);
/* The context to read an installed default with (installed: reads stay inside it; else g
 * as it is). Pass it to read_file() and image_load() only: it shares g's message counts. */
struct gen	 project_reader(const struct gen *, int installed);
/* For a file read in layers (templates/words.xml: gen's, then the project's over it): the
 * installed `rel` when the project has its own too, else NULL (project_read() then reads the
 * one there is). The caller frees. */
char		*project_beneath(const struct gen *, const char *rel);
/* Reads `rel` as project_file() finds it; *path is what was read (the caller frees it,
 * and *text after a success). Returns read_file()'s result. */
int		 project_read(struct gen *, const char *rel, char **path, char **text, size_t *len);
/* The names in the project's folder `rel` and in the installed one ending in `ext`, the
 * ending taken off, each once, in order. The caller frees each and the array. */
char		**project_list(const struct gen *, const char *rel, const char *ext, size_t *n);
/* Makes fontconfig see the project's fonts/ and then the installed fonts, and no other:
 * before any pango or cairo call. Returns -1 after msg(). */
int		 project_fonts(struct gen *);
/* Prints on stdout where a loaded document's template, includes, logo and fonts come from. */
void		 project_report(const struct gen *, const struct doc *);

/* ---- document.c: one document folder read and checked ---- */

struct doc {
	char		*name;		/* folder name: out/NAME.pdf */
	char		*dir;		/* content/NAME */
	char		*ownroot;	/* resolved, when named by its path outside the project */
	char		*index;		/* content/NAME/index.md */
	char		**files;	/* every Markdown file, index.md first, owned */
	char		**texts;	/* their contents, owned */
	size_t		*lens;		/* their lengths in bytes */
	size_t		 nfiles;
	struct frontmatter fm;
	const char	*title, *subtitle, *author, *subject, *keywords, *lang, *strapline;
	const char	*source;	/* where its figures come from (`source:`), or NULL */
	const char	*list_title;	/* one output per row: their list page's (`list-title:`) */
	char		*imprint;	/* the cover's foot: who publishes it and how it may be
					 * used, a paragraph a line (owned) */
	const char	*rights;	/* the copyright line under it: "© Crown copyright 2004" */
	const char	*short_title;	/* what running heads call it, when the title is long */
	char		*bound[6];	/* per row: those values with their tags expanded */
	char		*outname;	/* out/NAME.pdf, or out/DOC/SLUG.pdf for one per row */
	time_t		 date;		/* from front matter `date`, or SOURCE_DATE_EPOCH */
	struct template	*tpl;
	struct datasets	 data;		/* data/NAME.csv */
	struct node	*root;		/* N_DOCUMENT */
	int		 not_ua;	/* a draft breaking PDF/UA-1: its PDF does not claim it */
	int		 failed;	/* check --report: loaded with errors, kept to report */
	size_t		 found0, found1;	/* struct gen's findings while it loaded */
	struct figure_use *figs;	/* the figures its text uses, owned (values) */
	size_t		 nfigs;
};

/* Reads and validates a document; errors go through msg(). Returns NULL when the document
 * cannot be built. A document built once per data row is read here and parsed for each
 * row by doc_row(). */
struct doc	*doc_load(struct gen *, const char *dir);
/* Parses the document for row r of its per-row table; returns 0, or -1 after msg(). */
int		 doc_row(struct gen *, struct doc *, size_t r);
void		 doc_free(struct doc *);
/* Frees d's figures kept from its expansions. */
void		 doc_figures_free(struct doc *);

/* ---- validate.c ---- */

/* Checks links, images, nesting and normalises the tree; every user error is found here. */
void		 validate(struct gen *, struct doc *);

/* ---- layout.c: lines and pages (pango), handed to render.c as pieces on pages ---- */

typedef struct _PangoLayout PangoLayout;
typedef struct _PangoContext PangoContext;
typedef struct _PangoLayoutLine PangoLayoutLine;
typedef struct _PangoAttrList PangoAttrList;
typedef struct _PangoRectangle PangoRectangle;

enum piece_kind {
	PC_TEXT,	/* lines [line0, line1) of a layout */
	PC_RULE,	/* a filled rectangle that is decoration: rules, quote bars */
	PC_FILL,	/* a tinted background: code blocks, table rows */
	PC_IMAGE,	/* node->image scaled into the box */
	PC_PANEL	/* a component (or a part of one) drawn into the box by its draw() */
};

enum piece_role {
	RO_BLOCK,	/* the node's own content */
	RO_LABEL,	/* a list bullet or number, a footnote number */
	RO_CAPTION,	/* a figure's caption */
	RO_TOC,		/* a contents entry: layout is its text, aux its page number */
	RO_ARTIFACT	/* repeated or decorative: not in the structure tree */
};

struct piece {
	enum piece_kind	 kind;
	enum piece_role	 role;
	const struct node *node;	/* where it came from: tags and anchors */
	PangoLayout	*layout;	/* PC_TEXT (owned by the pages) */
	PangoLayout	*aux;		/* RO_TOC: the page number, right-aligned at x + w */
	int		 line0, line1;	/* PC_TEXT: the lines drawn */
	double		 x, y, w, h;	/* box: x from the text column's left, y from the trim top */
	unsigned	 colour;	/* text, rule or fill colour */
	int		 first;		/* the node's first piece: its anchor goes here */
	int		 absolute;	/* x is from the trim box's left, not the column's */
};

enum page_kind { PG_COVER, PG_TOC, PG_BODY };

struct page {
	struct piece	*v;		/* owned */
	size_t		 n, cap;
	enum page_kind	 kind;
	const struct node *chapter;	/* the chapter heading in force, for the running header */
	const struct node *part;	/* the part's divider in force, or NULL ({part}) */
	int		 opens_chapter;	/* a chapter starts here: no running header */
	int		 bare;		/* a divider: no running header or page number */
};

struct pages {
	struct page	*v;		/* owned */
	size_t		 n;
	PangoContext	*ctx;		/* the pango context layouts were made in, ... */
	PangoContext	*ctx_ahead;	/* ... or this one, a second thread's (or NULL) */
	PangoLayout	**layouts;	/* every layout, owned */
	size_t		 nlayouts;
	int		 ntoc;		/* contents pages */
	int		 front;		/* pages numbered i, ii … before the body's 1 (0: none) */
};

/* The number page `i` (from 0) shows: "iv" in roman front matter, else "3". The caller
 * frees. */
char		*page_label(const struct pages *, size_t i);
/* How many pages the body numbers count ({pages}). */
size_t		 page_count(const struct pages *);

/* Line geometry of a layout, pt from its top: what layout breaks pages by and render
 * draws at. Text set to a pitch keeps it exactly. */
struct lines {
	int		 n;		/* lines */
	double		*top, *h;	/* each line's top and height */
	double		*base;		/* its baseline */
	double		*x;		/* its left edge (alignment) */
	PangoLayoutLine	**line;		/* the line itself */
};
/* The geometry of a layout, measured once and kept with the layout (which owns it). */
const struct lines *layout_lines(PangoLayout *);

/* ---- linebreak.c: paragraphs set left, broken before pango lays them out ---- */

struct widths;
/* Makes `l` (its font set) hold `text`, styled by `al`, broken into lines `width` pango units
 * wide: with a newline after each line but the last, its attributes moved to match, and no
 * width of its own. Widths of words are kept in *wd (made when NULL; one a thread). Returns
 * -1, changing nothing, when pango should break the text itself. */
int		 pre_break(struct widths **wd, PangoContext *, PangoLayout *l, const char *text,
		    size_t len, PangoAttrList *al, int width, int glyphs);
void		 widths_free(struct widths *);
/* Empties the widths of words, a cache, and gives their memory back. */
void		 widths_forget(struct widths *);
/* A layout pre_break() set from its kept glyphs (when asked, `glyphs`, and able: Latin text
 * set left to right, every font giving a line the same height, no invisible character or
 * missing glyph): its lines, made by linebreak.c and read by layout_lines() and
 * render.c, never handed to pango, which has not shaped the layout's text. Everything about
 * such a layout is asked of layout_lines(), layout_extents() and layout_line_count(), never
 * of pango (which would shape it all again). GEN_NO_GLYPH_RUNS=1 turns this off. */
struct glyph_lines {
	int		 n;		/* lines */
	PangoLayoutLine	**line;		/* each line: one run (owned) */
	int		 height;	/* each line's logical height, pango units */
	int		 baseline;	/* its baseline below its top */
	int		 width;		/* the widest line's width */
	struct glyph_pack *pack;	/* the runs' glyphs, packed until drawn (owned), or NULL
					 * when the runs hold them */
};
/* Its lines, or NULL when pango laid it out. */
const struct glyph_lines *glyph_lines(PangoLayout *);
/* Gives line i's runs their glyph strings back from the packed glyphs, to be drawn, and
 * lets them go again: a no-op for a layout pango laid out. */
void		 glyph_line_open(PangoLayout *, int i);
void		 glyph_line_close(PangoLayout *, int i);
/* pango_layout_get_extents()'s logical rectangle and pango_layout_get_line_count(), from the
 * kept glyphs when the layout was set from them. */
void		 layout_extents(PangoLayout *, PangoRectangle *logical);
int		 layout_line_count(PangoLayout *);
/* The offset in a block's own text of byte `off` of its layout's text (which has a newline
 * after each line pre_break() ended). */
size_t		 layout_text_offset(PangoLayout *, size_t off);

/* Lays the document out into pages. The caller frees with pages_free(). */
struct pages	*layout_document(struct gen *, const struct doc *);
void		 pages_free(struct pages *);
/* Prints the pages as text, one line a piece: what tests of pagination compare. */
void		 pages_dump(const struct pages *, FILE *);
/* How many of the lines from `k` (tops and heights in pt) fit in `room` pt, kept to the
 * widow and orphan rule: at least `min` lines on each side of a break, or none. */
int		 layout_fit_lines(const double *top, const double *h, int nlines, int k,
		     double room, int min);
/* A plain layout of `text` in style s, wrapped to `width` pt (not when width <= 0): for
 * running heads, covers and the components' own text. The caller unrefs it. */
PangoLayout	*layout_text(PangoContext *, const struct style *, const char *text,
		     double width);
/* The PangoContext set up for print: 72 dpi, unhinted, unrounded, British English. */
PangoContext	*layout_context(void);
#define COVER_BAND	0.62	/* of the page's height: the cover's band of colour */
#define COVER_PLAIN_TOP	0.2	/* ... and where a plain cover's title starts */
/* The cover's title, subtitle and strapline, laid out on its band. */
struct cover {
	PangoLayout	*layout[3];	/* title, subtitle, strapline; NULL where none */
	double		 y[3];		/* the top of each on the page */
	double		 scale;		/* of the title's size: below 1 when smaller to fit */
	double		 bottom;	/* the foot of the last of them on the page */
};
/* Lays out the cover's words to fit its band below the logo (a plain cover: below its
 * rule, above where the band would end): at their size where they fit,
 * or else the title smaller, down to half its size, then the others too. Returns 0, or -1
 * when they do not fit even so (laid out at half size all the same). The caller unrefs the
 * layouts. */
int		 layout_cover(PangoContext *, const struct template *, const struct doc *,
		     struct cover *);

/* ---- the page interface: what a component places itself with (layout.c) ---- */

struct component;
struct flow;		/* the pages being filled, and where the next block goes */
/* The column a component goes in, and the text around it. */
struct column {
	double			 x, w;	/* pt from the text column's left, and wide */
	const struct style	*text;	/* the style of the text it sits in */
};
const struct template *flow_template(const struct flow *);
double		 flow_width(const struct flow *);	/* the text column's width */
double		 flow_y(const struct flow *);		/* where the next block goes */
double		 flow_bottom(const struct flow *);	/* where this page's column ends */
int		 flow_fresh(const struct flow *);	/* nothing placed on this page yet */
/* Moves down by the space owed above a block that asks for `before` pt (none at a page's
 * top). */
void		 flow_gap(struct flow *, double before);
/* A new body page, unless nothing is on this one yet. */
void		 flow_break(struct flow *);
/* A new body page when `h` pt do not fit below flow_y() on this one (never on an empty
 * one). */
void		 flow_need(struct flow *, double h);
/* The block just placed ends at `y` (the page is no longer fresh when it moved), and owes
 * `space` pt below it. */
void		 flow_end(struct flow *, double y, double space);
/* Adds a piece to this page; its colour is body text's until set. */
struct piece	*flow_add(struct flow *, enum piece_kind, const struct node *, double x,
		    double y, double w, double h);
/* `text` (with the spans of `in`, or none) laid out in style s, `width` pt wide (<= 0:
 * unbroken); the pages own it. */
PangoLayout	*flow_text(struct flow *, const struct style *, const struct inl *,
		    const char *text, double width);
/* Adds all the lines of l as a piece at (x, y), `w` wide, in `colour`: the node's first. */
struct piece	*flow_add_text(struct flow *, const struct node *, PangoLayout *, double x,
		    double y, double w, unsigned colour);
/* The width of `in` in style s: on one line, or (`words`) its longest word. */
double		 flow_text_width(struct flow *, const struct style *, const struct inl *,
		    int words);
/* The height of a layout's lines, pt. */
double		 layout_height(PangoLayout *);
/* What a component keeps from one of its nodes to the next in this flow (one slot a
 * component, NULL at first; the flow frees it with free()). */
void		**flow_memo(struct flow *, const struct component *);
/* A component as one box height() tall, kept whole on a page as a figure is: the place()
 * of a chart. */
void		 flow_place_box(struct flow *, const struct node *, const struct column *);

/* ---- components: tags in Markdown that make parts of a document from data ---- */

struct component_call {
	struct gen		*g;
	const struct datasets	*data;	/* the document's tables, and the row being built */
	const char		*file;	/* where the tag is */
	int			 line, col;
	const char		*tag;	/* the tag's text, for component_attr() */
	struct expansion	*figs;	/* where the figures it shows are noted, or NULL */
};

/* Notes that the component shows cell `c` of table `t` as `shown` ("66%", "not
 * published"), for the preflight page and the changes since the kept build. */
void		 component_figure(const struct component_call *, const struct table *t,
		    const struct cell *c, const char *shown);

/* The value of attribute `name` of a component's tag, or NULL, with &amp; &quot; &#39;
 * &lt; &gt; read as HTML reads them. The caller frees. */
char		*component_attr(const char *tag, const char *name);
/* Adds the items of a cell written "a; b; c" to `b`, one to a line, each after a bullet. */
void		 component_items(struct buf *b, const char *text);

struct hout;

/* A component: one file comp_NAME.c with its operations, and one line in components.c.
 * The later stages ask the table, and name no component. */
struct component {
	const char	*tag;		/* "hundreds", "chart" ... */
	/* Reads the tag's attributes and checks them against the data, errors at the tag or
	 * the data's cells; returns its node (N_COMPONENT, or ordinary nodes), or NULL. */
	struct node	*(*make)(const struct component_call *);
	/* Places the node on the pages through the page interface (NULL: it made ordinary
	 * nodes, a table or a divider, which layout.c places). */
	void		 (*place)(struct flow *, const struct node *, const struct column *);
	const char	*whole_tag;	/* the structure types the PDF tags the whole ... */
	const char	*part_tag;	/* ... and each part as (NULL: none) */
	/* The height of a box, or of a part, at width w. */
	double		 (*height)(const struct node *, double w);
	/* Draws the box, or a part, at (x, y), w wide, with cairo. */
	void		 (*draw)(void *cr, PangoContext *, const struct template *,
			    const struct node *, double x, double y, double w);
	/* Writes itself as HTML (html.c's helpers). */
	void		 (*html)(struct hout *, const struct node *);
	/* Writes files of its own for a part beside the HTML (a panel's PNG and SVG), adding a
	 * line "FILE<tab>TEXT" to `alt` for each; 0, or -1 after msg(). */
	int		 (*files)(struct gen *, const struct template *, const struct node *part,
			    const char *lang, const char *dir, struct buf *alt);
	/* The file files() writes for part p that shows it on a screen, as files() names it
	 * in its folder ("poverty-1080.png"), for the preflight page; NULL: none. The caller
	 * frees. */
	char		*(*picture)(const struct node *part);
	/* Adds the rules its HTML needs to the stylesheet, in the theme's colours. */
	void		 (*css)(struct buf *, const struct template *);
	void		 (*free)(void *);	/* its node's data */
};

/* The component whose tag is `tag`, or NULL; *near is set to the nearest tag, if close. */
const struct component *component_find(const char *tag, const char **near);
/* The i-th component of the table, or NULL past its end. */
const struct component *component_nth(size_t i);

/* ---- the components (each comp_NAME.c; listed in components.c) ---- */

extern const struct component comp_hundreds, comp_data_table, comp_key_figures, comp_chart,
    comp_indicator_table, comp_divider, comp_outcomes;


/* ---- html.c: what a component's html() writes with ---- */

/* Text, escaped; raw markup; inline text with its spans; blocks; a table. */
void		 html_text(struct hout *, const char *);
void		 html_raw(struct hout *, const char *);
void		 html_inlines(struct hout *, const struct inl *);
void		 html_blocks(struct hout *, const struct node *first);
void		 html_table(struct hout *, const struct node *);
/* The level of the heading node n is on this page (h1 …). */
int		 html_heading_level(const struct hout *, const struct node *);
/* Draws n with its component's draw() into an inline SVG w pt wide, named by `title` and
 * described by `desc` for screen readers. */
void		 html_svg(struct hout *, const struct node *, double w, const char *title,
		    const char *desc);
const struct template *html_template(const struct hout *);
/* Adds "PROP:#rrggbb;" to a stylesheet. */
void		 css_colour(struct buf *, const char *prop, unsigned colour);

/* ---- indicators.c: a progress report's indicators ---- */

/* A status: by the band rule (green, amber, red) or, where the data gives confidence limits,
 * by the interval rule public health profiles use (better, similar, worse). */
enum rag { RAG_NONE, RAG_GREEN, RAG_AMBER, RAG_RED, RAG_BETTER, RAG_SIMILAR, RAG_WORSE };

#define MAX_COMPARATORS	4

/* One indicator as the report states it. */
struct ind_stat {
	const struct datasets *data;	/* the indicators' data: its template's words */
	const char	*key, *name, *unit;	/* unit: "%", "points", "score", "number", "£",
					 * "£m" or "pp" */
	int		 dp;		/* decimal places to show, or -1: as gen's own rule */
	const char	*area;		/* the area reported on */
	int		 found;		/* the indicator list names it */
	int		 higher_better;	/* "better" is not "lower" */
	double		 amber;		/* the amber band, in the indicator's unit (NAN: none) */
	int		 year;		/* the year of `latest`: the report's, or the latest
					 * published before it (latest="published") */
	int		 report_year;	/* the report's year */
	double		 latest, prev;	/* that year's figure, the year before's (NAN: none) */
	unsigned char	 latest_kind, prev_kind;	/* enum datum: why a figure is NAN */
	double		 cmp[MAX_COMPARATORS];	/* the comparators in that year */
	unsigned char	 cmp_kind[MAX_COMPARATORS];
	const struct table *t;		/* the data they come from ... */
	const struct cell *latest_cell, *cmp_cell[MAX_COMPARATORS];	/* ... their cells, or
							 * NULL */
	const char	*cmp_label;	/* what the status is judged against: "England" */
	double		 lo, hi;	/* the figure's confidence limits (NAN: none) */
	double		 target;
	int		 illustrative;	/* the latest figure is marked so in the data */
	enum rag	 rag;
	char		 period[64];	/* how the data writes `year` ("2022/23"), ... */
	char		 prev_period[64];	/* ... the year before ... */
	char		 report_period[64];	/* ... and the report's year */
};

/* A comparator of a progress report: a column of the indicators' data, as the template
 * names it (<comparator column="england" label="England"/>). */
struct comparator {
	char		*column, *label;	/* owned */
};

/* The status by the band rule: green at or better than the comparator, amber at most
 * `amber` behind it, red further behind; none without both figures. */
enum rag	 indicator_rag(double value, double comparator, int higher_better, double amber);
/* The status by the interval rule: better or worse only when the whole interval [lo, hi]
 * lies beyond the comparator, similar otherwise. */
enum rag	 indicator_interval(double lo, double hi, double comparator, int higher_better);
/* Checks the indicators' data and list once, before anything uses them: the columns the
 * report needs, figures, `better` and `unit` values, repeated keys, indicators the list does
 * not name; warns of a figure missing for the report's year. Returns the errors found. */
int		 indicators_check(struct gen *, const struct datasets *);
/* Fills s for indicator `key`; returns -1 when the indicator list does not name it. */
int		 indicator_stat(const struct datasets *, const char *key, struct ind_stat *);
/* "69%, up 2 points on 2018 and 3 points below England". The caller frees. */
char		*indicator_phrase(const struct ind_stat *);
void		 indicator_number(struct buf *, double);
/* The status as the template words it: "Green", "Similar"; "–" for none. */
const char	*rag_name(const struct datasets *, enum rag);
/* The status's colour, so that it is seen as well as read (its CMYK for print is among
 * template.c's defaults); 0 for none. */
unsigned	 rag_fill(enum rag);
/* The change on the year before: "↑ +2" / "↓ −1.5" / "→ 0" / "2021 not published". The
 * caller frees. */
char		*indicator_change(const struct ind_stat *);
/* Figure v with the indicator's unit and decimal places ("69%", "£1,200"); `sentence` 1
 * for running text ("3 percentage points"). */
void		 indicator_figure(struct buf *, const struct ind_stat *, double v, int sentence);
/* Figure n (its digits) in the unit the template's word w says: W_PP, W_PERCENTAGE_POINT(S),
 * W_POINT(S) ("2 percentage points"). */
void		 indicator_unit(struct buf *, const struct datasets *, enum word w, const char *n);
/* The indicators' data and their list, or NULL. */
const struct table *indicators_data(const struct datasets *);
const struct table *indicators_list(const struct datasets *);
/* The area reported on: front matter's `area:`, or the data's first row's. */
const char	*indicators_area(const struct datasets *, const struct table *data);
/* An indicator's years as a table (year, the area, each comparator) for a chart; *series
 * and *names are its columns and their names, "|"-separated (the caller frees all three;
 * the table with csv_free()). */
struct table	*indicator_series(struct gen *, const struct datasets *, const char *key,
		    char **series, char **names);
/* Whether any figure of the indicators is marked illustrative. */
int		 indicators_illustrative(const struct datasets *);
/* Whether the indicators' data or list is there but could not be read (its errors said):
 * what uses them then says nothing more. */
int		 indicators_broken(const struct datasets *);

/* ---- jobs.c: building on several processes ---- */

/* Builds one job: document `d` (row < 0) or its data row `row`. */
typedef void jobs_fn(struct gen *, struct doc *, long row);
/* Reads every document in `docs`, then builds each, and each data row of those built per
 * row, on up to `nproc` processes (gen started again with `argv`); messages come out in the
 * serial order. Raises g->status. */
void		 jobs_run(struct gen *, char *const *argv, char *const *docs, size_t ndocs,
		    int nproc, jobs_fn *);
/* In a worker process that jobs_run() started: builds its share of the jobs and returns the
 * exit status; elsewhere returns -1. */
int		 jobs_worker(struct gen *, char *const *docs, size_t ndocs, jobs_fn *);
/* Prints the outputs `gen build` would make of `docs`, one per line ("strategy-2022",
 * "constituencies/bootle-constituency"), after --shard; returns the exit status. */
int		 jobs_list(struct gen *, char *const *docs, size_t ndocs);
/* Whether job `row` of `d` (-1: the document) is asked for: in the shard (by a hash of its
 * output's name, so an output stays in its shard whatever else is added), and named, when
 * names are given (g->only). */
int		 jobs_wanted(const struct gen *, const struct doc *, long row);
/* Says of each name given (g->only) that is one of `d`'s rows, DOC/ROW, but names none of
 * them; returns how many, a command-line error. */
int		 jobs_unknown_rows(struct gen *, const struct doc *);
/* Passes signal `sig` on to the worker processes and waits until each has ended, having
 * removed what it was writing (async-signal-safe: main.c's signal handler). */
void		 jobs_kill(int sig);

/* ---- render.c: one drawing path for the pages (cairo) ---- */

/* Renders the document to a tagged PDF written at `tmp`; messages name `path`, where the
 * caller will put it. Returns 0, or -1 after msg(). */
int		 render_pdf(struct gen *, const struct doc *, const char *tmp, const char *path);

/* ---- html.c: the HTML twin ---- */

/* Every page's Content-Security-Policy: no script at all, and nothing fetched but the page's
 * own files (its stylesheet, fonts and pictures; a picture may also be inline data). */
#define HTML_CSP "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " \
	"font-src 'self'; base-uri 'none'; form-action 'none'"

/* Writes the document (or the row being built) as HTML beside its PDF: outdir/OUTNAME/
 * index.html, a page per chapter when the template splits it, and the stylesheet, fonts and
 * pictures in an assets folder. Returns 0, or -1 after msg(). */
int		 html_write(struct gen *, const struct doc *);
/* The same in two steps, so the twin can be made while the PDF is: html_make() makes every
 * file in memory (NULL after msg()); html_put() writes them, messages going to `g`; the
 * caller frees with html_free(), written or not. */
struct html_twin;
struct html_twin *html_make(struct gen *, const struct doc *);
int		 html_put(struct html_twin *, struct gen *g);
void		 html_free(struct html_twin *);

/* ---- backend.c: what a build writes, one file each and one table ---- */

/* An output format, one of backend.c's table. A back-end writes the whole laid-out
 * document at once (`write`: the PDF, which lays the document out into pages and draws each
 * as it goes, and the panels' files), or makes it in memory on a thread of its own while the
 * others write (`make`, then `put`: the HTML twin), or streams the validated tree (`begin`,
 * each top-level `block` in reading order, `end`: the text). Every file goes through
 * write_file(), so the job's outputs are put in place together or not at all. */
struct backend {
	const char	*name;		/* "pdf", "html", "files", "text" */
	unsigned	 bit;		/* its OUT_* in struct gen's outputs */
	/* Writes d's output; 0, or -1 after msg(). */
	int		 (*write)(struct gen *, const struct doc *d);
	/* Makes d's output in memory (messages to its own `g`), NULL after msg(); put() writes
	 * it, free() frees it, written or not. */
	void		*(*make)(struct gen *, const struct doc *d);
	int		 (*put)(void *made, struct gen *);
	void		 (*free)(void *made);
	/* Starts the output of d; returns its state, or NULL after msg(). */
	void		*(*begin)(struct gen *, const struct doc *d);
	void		 (*block)(void *state, const struct node *);
	/* Writes the output and frees the state; 0, or -1 after msg(). */
	int		 (*end)(void *state, struct gen *);
};

enum {	/* the back-ends a build may choose */
	OUT_PDF = 1 << 0,	/* out/DOC.pdf */
	OUT_FILES = 1 << 1,	/* the components' own files (a panel's PNG and SVG) */
	OUT_HTML = 1 << 2,	/* the twin, out/DOC/index.html … */
	OUT_TEXT = 1 << 3,	/* out/DOC.txt */
	OUT_REPORT = 1 << 4,	/* out/DOC/preflight.html, accessibility.html */
};

/* The back-ends of the table (render.c, backend.c, html.c, text.c, preflight.c). */
extern const struct backend backend_pdf, backend_files, backend_html, backend_text,
	    backend_preflight;

/* text.c: the text of out/DOC.txt, made in memory; the caller frees. */
char		*text_of(struct gen *, const struct doc *, size_t *len);

/* preflight.c: outdir/OUTNAME/preflight.html, accessibility.html and accessibility.md,
 * from d's findings (those it said while it loaded, and g's from g->job_found on) and what
 * gen checks; a document that failed (d->failed) is reported as not ready. With --keep, the
 * text of this build is kept in outdir/.kept/ to compare the next with. Prints the verdict
 * (`json`: as JSON) on stdout when `say`. Returns 0, or -1 after msg(). */
int		 preflight_report(struct gen *, const struct doc *, int say, int json);
/* A build of d that stopped at its errors: outdir/OUTNAME/preflight.html alone says so, not
 * ready, with its findings (and, for the whole of a document built once per row, the page of
 * each row built before), while the document's other files stay those of the last build
 * that worked. Returns 0, or -1 after msg(). */
int		 preflight_stopped(struct gen *, const struct doc *, const char *outname);
/* Appends a link to `file` at `line`: /source/FILE#LLINE, as gen preview serves it, which the
 * page's writer makes a path from the page's folder (preflight_root_href()). */
void		 preflight_link(struct buf *, const char *file, int line, const char *shown);
/* The start of a link from outdir/BELOW to the project's folder ("../../"), or NULL; and a
 * page with its links starting FROM made to start TO (the preview turns them back). */
char		*preflight_root_href(const struct gen *, const char *below);
char		*preflight_relink(const char *page, const char *from, const char *to);
#define SOURCE_HREF	"/source/"	/* a project file's page in the preview */
/* changes.c: what changed since the kept build, as the preflight page's HTML, into out. */
void		 changes_report(struct gen *, const struct doc *, const struct template *,
		     struct buf *out);
/* Keeps d's text and facts in outdir/.kept/ (build --keep); 0, or -1 after msg(). */
int		 changes_keep(struct gen *, const struct doc *);
/* Opens an HTML table of the preflight's pages, its column headings the words `cols`. */
void		 table_head(struct buf *, const struct template *, const enum word *, size_t);

/* Writes document d (or the row being built) with each back-end of the table that g's
 * outputs choose, in the table's order, each only while no error has been said; with two
 * threads or more, one that makes in memory is made beside the others. */
void		 backends_write(struct gen *, const struct doc *d);

/* ---- preview.c: the document in a browser, following every save ---- */

/* Builds the document in folder `dir` (the row named `row`, for a document built per row),
 * serves it at http://127.0.0.1:PORT/ (a free port when 0; the project's own, made from its
 * path, when -1) and builds it again on every save; runs until interrupted. */
int		 preview_run(struct gen *, const char *dir, const char *row, int port,
		    jobs_fn *build);

/* ---- lang.c: the document's language ---- */

/* Checks `tag` as a language tag of BCP 47 (en-GB, cy, sr-Cyrl, es-419, en-GB-x-sefton) with
 * its language and region from ISO 639-1 and ISO 3166-1, and puts it in its canonical case
 * in place (en-gb to en-GB). Returns it, or NULL with *why, a sentence naming the tag, to
 * free. */
char		*lang_check(char *tag, char **why);

/* ---- new.c: next year's document from this year's ---- */

/* Copies content/FROM to content/NAME whole or not at all, with the year moved on, and
 * prints each line it changed and what is left to update by hand. Returns the exit status,
 * after saying what went wrong. */
int		 new_document(struct gen *, const char *name, const char *from);
/* Line `s` with each year around `from` (the year before, that year, the year after) moved
 * on by one, each exactly once: dates (29 February to the 28th) with their weekdays made
 * right, academic years as a whole ("2023/24" to "2024/25"); `force` moves a date of any
 * year. Adds to `left` what it left as it was, in words, "; " between. The caller frees. */
char		*year_move_line(const char *s, int from, int force, struct buf *left);

/* ---- init.c: a new project from a starter, and the list of templates ---- */

/* `gen init`: makes a project in `dir` (made if missing; refused if it holds content/)
 * from the installed starter `kind`. Returns the exit status. */
int		 init_project(struct gen *, const char *dir, const char *kind);
/* `gen templates`: prints each template, the project's and the installed, with its
 * description. Returns the exit status. */
int		 list_templates(struct gen *);

/* ---- pdf_post.c: what cairo cannot write, added with libqpdf ---- */

/* What the post-pass adds to one structure element; render.c lists one for each element
 * it begins, in the order it begins them, which is the tree's depth-first order. */
struct pdf_elem {
	const char	*type;		/* the standard structure type begun: "TH", "Link" ... */
	const char	*scope;		/* TH: "Column" or "Row" */
	const char	*alt;		/* Figure: its /Alt (not owned) */
	char		*id;		/* Note: a /ID unique in the document, owned */
	char		*contents;	/* Link: its annotation's /Contents, owned */
	int		 colspan;	/* TH: the columns it spans, when more than one */
};

struct pdf_post {
	const char	*lang;		/* /Lang, e.g. "en-GB" */
	const char	*title;		/* for XMP dc:title */
	const char	*author;	/* XMP dc:creator */
	const char	*subject;	/* XMP dc:description */
	const char	*keywords;	/* XMP pdf:Keywords */
	time_t		 date;		/* /CreationDate and /ModDate as D:YYYYMMDDHHmmSSZ */
	const struct pdf_elem *elems;	/* every structure element, in depth-first order */
	size_t		 nelems;
	double		 bleed;		/* pt the BleedBox extends beyond the TrimBox */
	double		 marks;		/* pt beyond the BleedBox for crop marks and the slug */
	const struct ink *inks;		/* RGB colours drawn in these CMYK values */
	size_t		 ninks;
	int		 intent;	/* the output intent: enum print_intent */
	int		 ua;		/* claim PDF/UA-1 (and check the tree holds to it) */
};

/* The FOGRA39 output profile gen carries, made by the Makefile into build/ from
 * profiles/FOGRA39.icc: deflated at zlib's fastest level, as a PDF's stream holds it. */
extern const unsigned char fogra39_icc_z[];
extern const size_t fogra39_icc_zlen;

/* Rewrites the PDF cairo wrote (`len` bytes at `pdf`, kept until the call returns: qpdf reads
 * it lazily) into the file `out`, naming `name` in messages: /Lang, /ViewerPreferences
 * DisplayDocTitle, XMP metadata with the PDF/X-4 and PDF/UA-1 identifiers, the elements'
 * attributes (/Alt, /Scope, /ID, links' /Contents), /Tabs /S, page boxes, the output intent,
 * the inks' colours in their CMYK and the rest in sRGB, D: dates, /Private content turned into Artifacts, deterministic
 * /ID, duplicate resource keys removed. Fails, writing nothing, when the structure breaks
 * what the XMP claims. Returns 0, or -1 after msg(). */
int		 pdf_post(struct gen *, const char *pdf, size_t len, const char *out,
		    const char *name, const struct pdf_post *);
/* Starts loading libqpdf on a thread of its own, for a build that will write a PDF: it loads
 * while the documents are read and laid out. pdf_post() waits for it, or loads it itself
 * when nothing started it. pdf_post_preload_end() waits for the thread, before exit. */
void		 pdf_post_preload(void);
void		 pdf_post_preload_end(void);

#endif
