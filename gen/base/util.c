/* SPDX-License-Identifier: GPL-3.0-or-later */
/* util.c: allocation that never fails, growable buffers, whole-file reads and UTF-8 checks.
 * Called by every stage; owns no state. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "gen.h"

/* Where running out of memory is reported: stderr as it was when gen started (main.c sets
 * it), not the memory file that holds a loading document's or a worker's messages. */
static int oom_fd = STDERR_FILENO;

void
oom_report_to(int fd)
{
	if (fd >= 0)
		oom_fd = fd;
}

static _Noreturn void
oom(void)
{
	static const char text[] = "gen: error: out of memory\n";

	write_abandon(0);	/* the job's files half made go; the previous outputs stay */
	if (write(oom_fd, text, sizeof(text) - 1) < 0) {
		/* nothing more can be said */
	}
	_exit(EXIT_ENV);	/* exit() would run handlers that may allocate */
}

/* GLib's own allocations (its hash tables, pango's, cairo's fonts) and its threads end the
 * program through g_error() when memory runs out: said here, as gen says it, before GLib
 * aborts. So is a library's warning at a moment when memory has run out (pango's "failed to
 * create cairo scaled font"): that is what it is about. */
static void
glib_error(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)data;
	if ((level & G_LOG_LEVEL_ERROR) && message != NULL && (strstr(message, "allocate") ||
	    strstr(message, "creating thread")))	/* a thread's stack is memory too */
		oom();
	if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) &&
	    memory_gone())
		oom();
	/* a font gen checked at start-up that cairo cannot make now: its text would be left
	 * out ("expect ugly output"), never to be written */
	if (domain != NULL && strcmp(domain, "Pango") == 0 && message != NULL &&
	    strstr(message, "failed to create cairo scaled font") != NULL)
		oom();
	g_log_default_handler(domain, level, message, NULL);
}

void
oom_catch_glib(void)
{
	g_log_set_handler("GLib", G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL, glib_error, NULL);
	g_log_set_default_handler(glib_error, NULL);	/* every other library's */
}

void
out_of_memory(void)
{
	oom();
}

void
oom_thread_stack(void)
{
	/* GLib, out of memory, can fail to format its own "failed to allocate" message and
	 * try again until the thread's stack is gone: on_crash() needs a stack of its own */
	static _Thread_local char stack[64 << 10] __attribute__((aligned(16)));
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack), .ss_flags = 0 }, had;

	if (sigaltstack(NULL, &had) == 0 && !(had.ss_flags & SS_DISABLE))
		return;		/* one is there (the sanitizers make their own) */
	sigaltstack(&ss, NULL);
}

/* The crashes a library makes of memory running out: fontconfig, for one, uses what a failed
 * malloc() returned, and a C++ library aborts on std::bad_alloc. */
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGABRT };
static struct sigaction crash_before[3];

/* Whether memory has run out: 64 MB more cannot be mapped. Async-signal-safe. */
int
memory_gone(void)
{
	size_t n = (size_t)64 << 20;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 1;
	munmap(p, n);
	return 0;
}

static void
on_crash(int sig, siginfo_t *info, void *ctx)
{
	if (memory_gone())
		oom();
	/* Any other crash goes on as it would have: to the handler before this one (the
	 * sanitizers'), or, returning, to the default, at the same instruction or abort(). */
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++) {
		const struct sigaction *was = &crash_before[i];

		if (crash_signals[i] != sig)
			continue;
		sigaction(sig, was, NULL);
		if ((was->sa_flags & SA_SIGINFO) && was->sa_sigaction != NULL)
			was->sa_sigaction(sig, info, ctx);
		else if (!(was->sa_flags & SA_SIGINFO) && was->sa_handler != SIG_DFL &&
		    was->sa_handler != SIG_IGN)
			was->sa_handler(sig);
	}
}

void
oom_catch_crashes(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		sigaction(crash_signals[i], &sa, &crash_before[i]);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xgrow(void *v, size_t n, size_t size)
{
	if ((n & (n - 1)) != 0)		/* not a power of two: there is room */
		return v;
	return xrealloc(v, (n ? 2 * n : 1) * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Whether `real`, a resolved path, lies inside the resolved folder `root`. */
static int
under(const char *root, const char *real)
{
	size_t rl = strlen(root);

	return strcmp(root, "/") == 0 || (strncmp(real, root, rl) == 0 && real[rl] == '/');
}

/* Whether the open file `fd` lies inside `root`: by its own resolved name, from /proc, not
 * by `path`, which a link swapped in meanwhile could change. */
static int
fd_under(const char *root, int fd, const char *path)
{
	char proc[64], real[PATH_MAX];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, real, sizeof(real) - 1)) > 0)
		real[n] = '\0';
	else if (realpath(path, real) == NULL)
		return 0;
	return under(root, real);
}

int
in_project(const struct gen *g, const char *path)
{
	char real[PATH_MAX];

	if (g == NULL || g->realroot == NULL || realpath(path, real) == NULL)
		return 1;	/* nothing to check against, or nothing there: opening says so */
	return under(g->realroot, real) || (g->docroot != NULL && (under(g->docroot, real) ||
	    strcmp(g->docroot, real) == 0));	/* a document's own folder is the folder itself */
}

int
read_file(const struct gen *g, const char *path, size_t max, char **out, size_t *len)
{
	const char *root = g != NULL ? g->realroot : NULL, *own = g != NULL ? g->docroot : NULL;
	char real[PATH_MAX];
	struct stat st;
	char *p;
	size_t n = 0;
	ssize_t r;
	int fd, e;

	if (g != NULL && g->on_read != NULL)
		g->on_read(g->on_read_arg, path);
	/* Outside the project, nothing is even opened; nor is a device (opening one can act),
	 * and a FIFO is opened without waiting for a writer, then refused. */
	if (root != NULL && realpath(path, real) != NULL && !under(root, real) &&
	    (own == NULL || !under(own, real))) {
		errno = EXDEV;
		return -1;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOMEM)	/* the kernel's memory, or ours: said as such */
			oom();
		return -1;
	}
	if (root != NULL && !fd_under(root, fd, path) &&
	    (own == NULL || !fd_under(own, fd, path)))
		e = EXDEV;
	else if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		e = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
	else if ((uintmax_t)st.st_size > max)
		e = EFBIG;
	else
		e = 0;
	if (e != 0) {
		close(fd);
		errno = e;
		return -1;
	}
	p = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size && (r = read(fd, p + n, (size_t)st.st_size - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(p);
			close(fd);
			if (e == ENOMEM)
				oom();
			errno = e;
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	*out = p;
	*len = n;
	return 0;
}

int
write_all(int fd, const void *p, size_t len)
{
	const char *s = p;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *
read_error(int err)
{
	switch (err) {
	case EXDEV:
		return "it is outside the project (a symbolic link leads out of it)";
	case ENODEV:
		return "not a regular file (a FIFO, a device or a socket)";
	case EFBIG:
		return "the file is larger than 64 MB";
	default:
		return strerror(err);
	}
}

size_t
utf8_invalid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return i;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return (size_t)-1;
}

/* Characters left out of the input: they reorder, hide or break text without being seen. */
static const struct { unsigned lo, hi; const char *what; } hidden[] = {
	{ 0x0000, 0x0008, "a control character" }, { 0x000b, 0x000c, "a control character" },
	{ 0x000e, 0x001f, "a control character" }, { 0x007f, 0x009f, "a control character" },
	{ 0x061c, 0x061c, "an ARABIC LETTER MARK" },
	{ 0x200e, 0x200e, "a LEFT-TO-RIGHT MARK" }, { 0x200f, 0x200f, "a RIGHT-TO-LEFT MARK" },
	{ 0x2028, 0x2028, "a LINE SEPARATOR" }, { 0x2029, 0x2029, "a PARAGRAPH SEPARATOR" },
	{ 0x202a, 0x202a, "a LEFT-TO-RIGHT EMBEDDING" },
	{ 0x202b, 0x202b, "a RIGHT-TO-LEFT EMBEDDING" },
	{ 0x202c, 0x202c, "a POP DIRECTIONAL FORMATTING" },
	{ 0x202d, 0x202d, "a LEFT-TO-RIGHT OVERRIDE" },
	{ 0x202e, 0x202e, "a RIGHT-TO-LEFT OVERRIDE" },
	{ 0x2066, 0x2066, "a LEFT-TO-RIGHT ISOLATE" }, { 0x2067, 0x2067, "a RIGHT-TO-LEFT ISOLATE" },
	{ 0x2068, 0x2068, "a FIRST STRONG ISOLATE" }, { 0x2069, 0x2069, "a POP DIRECTIONAL ISOLATE" },
	{ 0x206a, 0x206f, "a deprecated format character" },
	{ 0xfdd0, 0xfdef, "a noncharacter" }, { 0xfeff, 0xfeff, "a byte-order mark" },
	{ 0xfff9, 0xfffb, "an interlinear annotation character" },
	{ 0xe0001, 0xe0001, "a language tag character" },
	{ 0xe0020, 0xe007f, "a tag character" },
};

/* The character at s and its length, reading none of the `left` bytes' beyond: a sequence
 * cut short (or not UTF-8 at all: the fuzzers give any bytes) is U+FFFD, the rest of them. */
static unsigned
char_at(const char *str, size_t left, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;

	if (n > left)
		return *len = left, 0xfffd;
	*len = n;
	if (n == 1)
		return s[0];
	if (n == 2)
		return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	if (n == 3)
		return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 |
		    (s[2] & 0x3f);
	return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
	    (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

const char *
hidden_char(unsigned c)
{
	if (c == '\t' || c == '\n' || c == '\r')
		return NULL;
	if ((c & 0xfffe) == 0xfffe && c <= 0x10ffff)
		return "a noncharacter";
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (c >= hidden[i].lo && c <= hidden[i].hi)
			return hidden[i].what;
	return NULL;
}

const char *
hidden_find(const char *s, size_t len, size_t *at, unsigned *c)
{
	size_t n;

	for (size_t i = 0; i < len; i += n) {
		unsigned char b = (unsigned char)s[i];
		const char *what;

		if (b >= 0x20 && b < 0x7f) {	/* the common case, at once */
			n = 1;
			continue;
		}
		*c = char_at(s + i, len - i, &n);
		if ((what = hidden_char(*c)) != NULL) {
			*at = i;
			return what;
		}
	}
	return NULL;
}

char *
hidden_say(unsigned c, const char *where)
{
	const char *what = hidden_char(c);
	int bidi = c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
	int space = c == 0x0b || c == 0x0c || c == 0x85 || c == 0x2028 || c == 0x2029;

	return xasprintf("%s (U+%04X)%s is %s%s", what ? what : "a character", c, where,
	    space ? "set as a space" : "left out", bidi ? ": unseen, it would reorder the text "
	    "around it" : space ? "" : ": it is not text a reader sees");
}

size_t
hidden_strip(char *s)
{
	size_t at, n, len = strlen(s), count = 0, w = 0;
	unsigned c;

	if (hidden_find(s, len, &at, &c) == NULL)
		return 0;
	for (size_t i = 0; i < len; i += n) {
		c = char_at(s + i, len - i, &n);
		if (hidden_char(c) == NULL)
			memmove(s + w, s + i, n), w += n;
		else {
			count++;
			if (c == 0x0b || c == 0x0c || c == 0x85 || c == 0x2028 || c == 0x2029)
				s[w++] = ' ';	/* a break between words stays one */
		}
	}
	s[w] = '\0';
	return count;
}

void
text_position(const char *s, size_t off, int *line, int *col)
{
	size_t i;
	int l = 1, c = 1;

	for (i = 0; i < off && s[i] != '\0'; i++) {
		if (s[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	}
	*line = l;
	*col = c;
}

char *
project_path(const struct gen *g, const char *rel)
{
	if (strcmp(g->root, ".") == 0)
		return xstrdup(rel);
	return xasprintf("%s/%s", g->root, rel);
}

char *
break_long_words(const char *s, size_t len, size_t **at, size_t *nat)
{
	static const char zwsp[] = "\xe2\x80\x8b";	/* U+200B zero width space */
	size_t run = 0, from = 0;
	struct buf b = { 0 };

	*at = NULL;
	*nat = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\n' || c == '\t' ||
		    (i + 2 < len && memcmp(s + i, zwsp, 3) == 0)) {
			run = 0;
			continue;
		}
		if ((c & 0xc0) == 0x80)		/* inside a character */
			continue;
		if (run++ < MAX_WORD)
			continue;
		*at = xgrow(*at, *nat, sizeof(**at));
		(*at)[(*nat)++] = i;
		buf_add(&b, s + from, i - from);
		buf_add(&b, zwsp, 3);
		from = i;
		run = 1;
	}
	if (*nat == 0)
		return NULL;
	buf_add(&b, s + from, len - from);
	return b.s;
}

/* Edit distance between two short strings; SIZE_MAX for long ones. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, prev, best;

	if (la > 200 || lb > 200)
		return SIZE_MAX;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];

			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *
nearest_word(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bd = strlen(word) / 3 + 2;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(cands[i], word);

		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	return best;
}

/* Whether byte c begins or continues a letter or a digit for the typographic rules: ASCII
 * ones, and any character beyond ASCII (letters of other alphabets, accented letters). */
static int
wordish(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Whether the run of non-spaces at s (len bytes left) is a web or mail address or a date
 * written 2022-06-30, whose characters are never changed. */
static int
verbatim_at(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && s[n] != '\n')
		n++;
	if (n >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) &&
	    s[4] == '-' && isdigit((unsigned char)s[5]) && s[7] == '-' &&
	    isdigit((unsigned char)s[9]) && (n == 10 || !isdigit((unsigned char)s[10])))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@' || (i + 3 <= n && strncmp(s + i, "://", 3) == 0) ||
		    (i + 4 <= n && strncmp(s + i, "www.", 4) == 0))
			return 1;
	return 0;
}

char *
typeset(const char *s, size_t len, size_t **map)
{
	struct buf b = { 0 };
	size_t *m = map ? xcalloc(len + 1, sizeof(*m)) : NULL;
	int verbatim = 0;

	buf_adds(&b, "");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i], prev = i ? (unsigned char)s[i - 1] : ' ';
		unsigned char next = i + 1 < len ? (unsigned char)s[i + 1] : ' ';
		unsigned char after = i + 2 < len ? (unsigned char)s[i + 2] : ' ';

		if (m)
			m[i] = b.len;
		if (i == 0 || prev == ' ' || prev == '\n')
			verbatim = verbatim_at(s + i, len - i);
		if (verbatim || (c != '\'' && c != '"' && c != '-')) {
			buf_addc(&b, (char)c);
			continue;
		}
		if (c == '\'')		/* an apostrophe or a closing quote, else an opening one */
			buf_adds(&b, wordish(prev) || strchr(".,;:!?)]}%", prev) || !wordish(next) ?
			    "\xe2\x80\x99" : "\xe2\x80\x98");
		else if (c == '"')
			buf_adds(&b, i == 0 || strchr(" \n([{/", prev) || prev == 0x93 ?
			    "\xe2\x80\x9c" : "\xe2\x80\x9d");
		else if (isdigit(prev) && isdigit(next))	/* a range: 2019–2020 */
			buf_adds(&b, "\xe2\x80\x93");
		else if ((prev == ' ' || prev == '\n') && (next == ' ' || next == '\n'))
			buf_adds(&b, "\xe2\x80\x93");		/* a dash between words */
		else if ((i == 0 || strchr(" \n([/", prev)) && (isdigit(next) || (next == '.' &&
		    isdigit(after))))
			buf_adds(&b, "\xe2\x88\x92");		/* a minus: −3, −0.5 */
		else
			buf_addc(&b, '-');
	}
	if (m) {
		m[len] = b.len;
		*map = m;
	}
	return b.s;
}

void
xml_escape(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (s[i]) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, s[i]);
		}
}

size_t
words_fill(struct buf *b, const char *fmt, const char *const names[],
    const char *const vals[], size_t n, int escape)
{
	size_t empty = 0, i;
	const char *e;

	for (const char *p = fmt != NULL ? fmt : ""; *p; p++) {
		for (i = n, e = *p == '{' ? strchr(p, '}') : NULL; e != NULL && i == n; )
			for (i = 0; i < n && (strlen(names[i]) != (size_t)(e - p - 1) ||
			    strncmp(p + 1, names[i], strlen(names[i])) != 0); i++)
				;
		if (e == NULL || i == n) {
			if (escape)
				xml_escape(b, p, 1);
			else
				buf_addc(b, *p);
			continue;
		}
		empty += vals[i] == NULL || vals[i][0] == '\0';
		buf_adds(b, vals[i] != NULL ? vals[i] : "");
		p = e;
	}
	return empty;
}

void
date_words(struct buf *b, char *const *words, const struct tm *tm, const char *day)
{
	const char *m = words[W_MONTHS];
	char year[16], *month;

	for (int i = 0; i < tm->tm_mon && m != NULL; i++)
		if ((m = strchr(m, '|')) != NULL)
			m++;
	month = xstrndup(m != NULL ? m : "", m != NULL ? strcspn(m, "|") : 0);
	snprintf(year, sizeof(year), "%d", tm->tm_year + 1900);
	words_fill(b, words[day != NULL ? W_DAY_MONTH_YEAR : W_MONTH_YEAR], (const char *[]){
	    "day", "month", "year" }, (const char *[]){ day, month, year }, 3, 0);
	free(month);
}

char *
file_slug(const char *s)
{
	enum { SLUG_MAX = 80 };	/* bytes of a row's file name, before ".pdf" */
	struct buf b = { 0 };

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) && c < 0x80)
			buf_addc(&b, (char)tolower(c));
		else if (b.len > 0 && b.s[b.len - 1] != '-')
			buf_addc(&b, '-');
	}
	/* A file name stays short: cut a long one at the last word that fits. */
	if (b.len > SLUG_MAX) {
		size_t cut = SLUG_MAX;

		while (cut > SLUG_MAX / 2 && b.s[cut] != '-')
			cut--;
		b.s[b.len = cut] = '\0';
	}
	while (b.len > 0 && b.s[b.len - 1] == '-')
		b.s[--b.len] = '\0';
	if (b.s == NULL)
		buf_adds(&b, "");
	if (strcmp(b.s, "assets") == 0)	/* the pictures' folder beside rows and panels */
		buf_adds(&b, "-2");
	return b.s;
}

size_t
utf8_count(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

char **
dir_list(const char *dir, int (*keep)(const char *dir, const char *name, void *arg),
    void *arg, int (*cmp)(const void *, const void *), size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **v = NULL;

	*n = 0;
	while (dp != NULL && (e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.' && (keep == NULL || keep(dir, e->d_name, arg))) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = xstrdup(e->d_name);
		}
	if (dp != NULL)
		closedir(dp);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp);
	return v;
}

/* What dir_names() keeps: names ending in an ending. */
struct ending {
	const char	*ext;
	int		 nocase;
};

static int
has_ending(const char *dir, const char *name, void *arg)
{
	const struct ending *x = arg;
	size_t l = strlen(name), k = strlen(x->ext);

	(void)dir;
	return l > k && (x->nocase ? strcasecmp(name + l - k, x->ext) :
	    strcmp(name + l - k, x->ext)) == 0;
}

char **
dir_names(const char *dir, const char *ext, int nocase, int (*cmp)(const void *, const void *),
    size_t *n)
{
	return dir_list(dir, has_ending, &(struct ending){ ext, nocase }, cmp, n);
}

int
cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
