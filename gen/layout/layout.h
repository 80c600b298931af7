/* SPDX-License-Identifier: GPL-3.0-or-later */
/* layout.h: what the layout files (layout.c and layout_*.c) share, private to them: the
 * flow that fills the pages, and the helpers each file lends the others. Components see only
 * the page interface in gen.h. */
#ifndef LAYOUT_H
#define LAYOUT_H

#define LABEL_GAP	6.0	/* pt between a list label and its text */
#define CELL_PAD	4.0	/* pt around table cell text */
#define CODE_PAD	6.0	/* pt around code block text */
#define TIGHT_AFTER	3.0	/* pt after a paragraph in a tight list */
#define MIN_LINES	2	/* lines of a paragraph kept together at a page break */
#define AHEAD_MIN	24000	/* bytes of text (about eight pages) worth a second thread */

#define PT(v)		((int)lround((v) * PANGO_SCALE))
#define FROM_PANGO(v)	((double)(v) / PANGO_SCALE)

struct flow {
	struct gen		*g;
	const struct doc	*d;
	const struct template	*t;
	struct pages		*ps;
	double			 top, bottom;	/* the text column's y range on every page */
	double			 width;		/* the text column's width */
	double			 y;		/* where the next block goes */
	double			 space;		/* space owed below the last block */
	int			 fresh;		/* nothing placed on the current page yet */
	const struct node	*chapter;	/* the chapter heading in force */
	const struct node	*part;		/* the part's divider in force (<contents parts>) */
	struct piece		 label;		/* a list label waiting for its item's first line */
	int			 has_label;
	const struct node	**notes;	/* footnote N is notes[N - 1] */
	char			*note_done;	/* ... is already placed ... */
	double			*note_h;	/* ... and takes this height at the foot */
	size_t			 nnotes;
	const struct node	**foot;		/* the notes waiting for this page's foot */
	double			 foot_h;	/* the height they need there, rule included */
	size_t			 nfoot;
	int			 chapter_no;	/* in a chapter whose paragraphs are numbered */
	const struct node	**heads;	/* headings in order, with ... */
	int			*head_page;	/* ... the body page each starts on */
	int			 body_start;	/* the body page index.md's pages end before (front
						 * matter numbered in roman), or 0 */
	struct memo {				/* what components keep between nodes */
		const struct component	*comp;
		void			*data;	/* owned, freed with free() */
	}			*memos;
	size_t			 nmemos;
	size_t			 nheads;
	GHashTable		*ahead;		/* layouts made ahead, by layout_key() */
	GHashTable		*reuse;		/* the contents' layouts, kept for its next pass */
	int			 storing;	/* the worker's flow: make_layout() fills ahead */
	const struct node	*lead_n;	/* the paragraph lead_height() laid out ... */
	const struct style	*lead_s;	/* ... in this style ... */
	double			 lead_w;	/* ... this wide: place_paragraph() takes ... */
	PangoLayout		*lead_l;	/* ... this layout rather than make it again */
	const struct node	*tw_table;	/* the table table_widths() measured ... */
	double			 tw_avail;	/* ... in this width: ... */
	double			*tw_w;		/* ... its columns' widths ... */
	double			*tw_min;	/* ... and each cell's longest word, row by row */
	struct widths		*widths;	/* pre_break()'s widths of words, this thread's */
	struct worker		*worker;	/* making layouts from ... */
	const struct node	*split;		/* ... this top-level block on */
};

/* A second thread that lays out the second half of a long document's blocks while the first
 * thread does the first half. It paginates too, as if the half began on a page of its own,
 * but only the layouts it makes are kept: pagination is the cheap part and stays with the
 * first thread, which takes each layout it needs, identical, from the worker's. */
struct worker {
	pthread_t		 thread;
	struct flow		 f;		/* the worker's own flow */
	PangoContext		*ctx;		/* made in the worker: its own font map */
	GHashTable		*made;		/* key -> GQueue of layouts, in order made */
};

/* Where and how wide a block goes, and in which style. */
#define MAX_BARS	32	/* quotes' bars: more would take half the column */

struct frame {
	double		 x, w;		/* from the column's left */
	enum style_role	 role;		/* R_BODY, R_NOTE, R_TABLE ... */
	int		 quote;		/* block-quote depth */
	int		 tight;		/* in a tight list */
	int		 capped;	/* lists and quotes here indent no further */
	int		 bars;		/* the outermost quotes, which have a bar ... */
	double		 bar[MAX_BARS];	/* ... at these x */
};

/* make_layout()'s options: everything about a layout is fixed when it is made, so that one
 * made ahead (below) is the same as one made in place. */
enum {
	LO_CODE = 1 << 0,	/* code: broken anywhere, no ligatures */
	LO_CENTRE = 1 << 1,	/* lines centred ... */
	LO_RIGHT = 1 << 2,	/* ... or set right */
	LO_TNUM = 1 << 3,	/* figures of one width */
	LO_WORDS = 1 << 4,	/* broken only between words (for a column's narrowest width) */
	LO_TEMP = 1 << 5,	/* only measured: the caller unrefs it, the pages never hold it */
	LO_HANG = 1 << 6,	/* lines after a bullet ("• ") hang under its words, not under it */
	LO_PANGO = 1 << 7	/* asked of pango itself (a component's): never set from kept
				 * glyphs (linebreak.c) */
};

/* ---- what one layout file lends the others ---- */

/* layout.c: layouts, pages and pieces, blocks */
/* Makes a layout of `text` in style `s`, `width` pt wide (or unbroken when `width` <= 0),
 * with the inline spans styled; `opts` are LO_* bits. The pages own it, unless LO_TEMP. */
PangoLayout	*make_layout(struct flow *, const struct style *s, const struct inl *in,
		    const char *text, double width, int opts);
double		 layout_h(PangoLayout *);	/* its height, pt */
/* The width of `in` laid out `width` pt wide with `opts`: measured, and let go. */
double		 text_width(struct flow *, const struct style *, const struct inl *,
		    double width, int opts);
const struct style *text_style(struct flow *, const struct frame *);
struct page	*cur_page(struct flow *);
/* Where the text column ends on this page: above the footnotes it holds. */
double		 column_end(const struct flow *);
void		 new_page(struct flow *, enum page_kind);
/* Adds a piece to the current page, in body text's colour until set. */
struct piece	*add_piece(struct flow *, enum piece_kind, const struct node *, double x,
		    double y, double w, double h);
/* The gap before a block: the larger of what the last block owes and what this one asks,
 * none at the top of a page. */
double		 space_above(struct flow *, double before);
/* The height of lines [a, b) of a layout. */
double		 lines_h(const struct lines *, int a, int b);
/* Of n lines, m fit: how many may stay, kept to the widow and orphan rule. */
int		 keep_lines(int n, int m, int min);
/* Places a run of sibling blocks starting at `n`, in frame `fr0`. */
void		 place_blocks(struct flow *, const struct node *n, struct frame fr0);
/* Frees what a flow gathered on its way (not its pages). */
void		 flow_free(struct flow *);
/* Bytes of text in `n` and the blocks inside it. */
size_t		 text_weight(const struct node *);

/* layout_notes.c: footnotes */
/* How many lines from k fit in `room` with the notes they refer to set below them. */
int		 fit_with_notes(struct flow *, const struct node *n, PangoLayout *,
		    const struct lines *, int k, double room);
/* Reserves the foot of the page for the notes lines [a, b) of block n refer to. */
void		 take_notes(struct flow *, const struct node *n, PangoLayout *, int a, int b);
/* Sets the notes waiting for this page's foot, under a short rule. */
void		 flush_foot(struct flow *);
/* Finds every footnote of the document, numbered fn-1, fn-2 ... in order. */
void		 find_notes(struct flow *, const struct node *root);

/* layout_table.c: tables */
/* The height of a table's caption, header and first row: what must follow its heading. */
double		 table_lead(struct flow *, const struct node *table, const struct frame *);
void		 place_table(struct flow *, const struct node *table, const struct frame *);

/* layout_front.c: the contents */
/* Lays out the contents pages, the body starting on page `first_body`. */
void		 place_contents(struct flow *, int first_body);

/* layout_ahead.c: the second thread */
/* Starts the worker on the second half of a long document; waits for it and takes its
 * layouts; drops those not taken. */
void		 ahead_start(struct flow *);
void		 ahead_join(struct flow *);
void		 ahead_end(struct flow *);

#endif
