/* SPDX-License-Identifier: GPL-3.0-or-later */
/* output.c: how a build's files reach out/. A job (a document, or one row of a document built
 * per row) makes its folder out/NAME/ afresh under a temporary name, and its files beside it
 * (out/NAME.pdf, out/NAME.txt) under others; out_end() puts them in place together: the
 * folder exchanged with the old one in one step (renameat2's RENAME_EXCHANGE), then the PDF
 * and the rest renamed over the old ones. So a failure or a signal leaves the previous
 * outputs or the new ones, never a mix, and nothing the new build did not make. Below out/,
 * no symbolic link is followed. Called by main.c (a job's stage, the lock on out/), jobs.c
 * (rows no longer in the data), preview.c (reading back) and every writer, through
 * write_file(). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gen.h"

#define HOLD_MAX	64	/* files a stage keeps open until their data is on disk */
#define SIDE_MAX	4	/* files beside a job's folder: out/NAME.pdf, out/NAME.txt …*/
#define TREE_DEPTH	16	/* folders below a job's folder that are removed */
#define LOCK_NAME	".gen.lock"

/* out/ itself: the folder every path below is reached from. */
static struct {
	char	*path;		/* g->outdir, as the writers spell it */
	int	 fd;		/* open, or -1 */
	int	 lock;		/* LOCK_NAME, held shared while this build runs, or -1 */
} out = { NULL, -1, -1 };

/* The job's stage, from out_begin() to out_end(). The names a signal handler removes are
 * here: only the main thread changes them, and a name is set whole before its file or folder
 * is made, and cleared only once it is gone or renamed. */
static struct {
	int	 on;
	char	*dir;		/* out/NAME as the writers spell it: files under it go to `fresh` */
	char	*parent;	/* the folder holding it and the side files, as the writers
				 * spell it */
	int	 parentfd;	/* ... open */
	char	 name[NAME_MAX + 1];	/* NAME */
	int	 oldfd;		/* the previous out/NAME/, for files that have not changed, or -1 */
	int	 freshfd;	/* the fresh folder, once the first file is written to it, or -1 */
	char	 fresh[NAME_MAX + 1];	/* its name in parentfd; after the exchange, the old one's */
	ino_t	 freshino;
	struct side {		/* a file beside the folder, out/NAME.EXT (the PDF, the text) */
		char	*path;	/* as the writers spell it */
		char	 ext[16];	/* ".pdf" */
		int	 fd;	/* written under its temporary name ..., or -1 when closed */
		char	 tmp[NAME_MAX + 1];	/* ... this, in parentfd, or "" */
	}	 side[SIDE_MAX];	/* in the order they were first written */
	size_t	 nside;
	int	 fd[HOLD_MAX];	/* files written, their data on its way to disk */
	size_t	 nfd;
	int	 failed;	/* a file could not be written: nothing will be put in place */
} stage = { .parentfd = -1, .oldfd = -1, .freshfd = -1 };

/* A file written outside a stage, under its temporary name (for the signal handler). */
static int writing_dir = -1;
static char writing[NAME_MAX + 1];

/* Whether a commit is under way: a signal then waits for it to end (see write_abandon()). */
enum { C_IDLE, C_COMMITTING, C_ENDING };
static atomic_int commit_state;
static volatile sig_atomic_t pending_signal;

/* ---- names ---- */

/* Sets a name a signal handler may read: the rest first, the first byte last. */
static void
set_name(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n == 0) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst + 1, src + 1, n);	/* with its NUL */
	atomic_signal_fence(memory_order_seq_cst);
	dst[0] = src[0];
}

/* A name nobody can guess beside `name`: "." NAME ".gen-" 12 hex digits `suffix`, NAME cut
 * (at a character) so that the whole fits the file system's 255 bytes, with ".commit" in
 * place of ".tmp" too (write_record()). */
static int
temp_name(char out_[NAME_MAX + 1], const char *name, const char *suffix)
{
	size_t max = NAME_MAX - 1 - strlen(TEMP_MARK) - 12 - strlen(".commit"), n = strlen(name);
	unsigned char r[6];

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -1;
	snprintf(out_, NAME_MAX + 1, ".%.*s" TEMP_MARK "%02x%02x%02x%02x%02x%02x%s", (int)n,
	    name, r[0], r[1], r[2], r[3], r[4], r[5], suffix);
	return 0;
}

/* Whether `name` is one temp_name() made with `suffix`. */
static int
is_temp(const char *name, const char *suffix)
{
	size_t l = strlen(name), s = strlen(suffix), m = strlen(TEMP_MARK);

	return name[0] == '.' && l >= 1 + m + 12 + s && strcmp(name + l - s, suffix) == 0 &&
	    strspn(name + l - s - 12, "0123456789abcdef") >= 12 &&
	    strncmp(name + l - s - 12 - m, TEMP_MARK, m) == 0;
}

/* The part of `path` below the folder `dir` ("a/b" of "out/doc/a/b" under "out/doc"), or NULL
 * when it is not below it. */
static const char *
below(const char *dir, const char *path)
{
	size_t n = dir ? strlen(dir) : 0;

	if (n == 0 || strncmp(path, dir, n) != 0 || path[n] != '/')
		return NULL;
	while (path[n] == '/')
		n++;
	return path + n;
}

/* ---- folders, never through a link ---- */

/* Opens the folder `rel` ("a/b", or "" for `fd` itself) below the folder `fd`, making what is
 * missing when `make` is set. A component is never followed when it is a link: with `make`,
 * a link (or a file) where a folder belongs is replaced by a folder, since out/ is gen's;
 * without, it is ENOTDIR. ".." is refused. Returns a descriptor, or -1 with errno set. */
static int
open_below(int fd, const char *rel, int make)
{
	int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	while (cur >= 0 && *rel != '\0') {
		size_t n = strcspn(rel, "/");
		char part[NAME_MAX + 1];
		int next;

		if (n > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(part, rel, n);
		part[n] = '\0';
		rel += n;
		while (*rel == '/')
			rel++;
		if (n == 0 || strcmp(part, ".") == 0)
			continue;
		if (strcmp(part, "..") == 0) {
			close(cur);
			errno = EINVAL;
			return -1;
		}
		if (make && mkdirat(cur, part, 0777) == -1 && errno != EEXIST) {
			close(cur);
			return -1;
		}
		next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -1 && make && (errno == ELOOP || errno == ENOTDIR)) {
			/* a link or a file planted where gen keeps a folder */
			if (unlinkat(cur, part, 0) == 0 && mkdirat(cur, part, 0777) == 0)
				next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				    O_CLOEXEC);
		} else if (next == -1 && errno == ELOOP)
			errno = ENOTDIR;
		close(cur);
		cur = next;
	}
	return cur;
}

/* mkdir -p, following links: for out/ itself, which is the user's to place. */
static int
make_dirs(const char *path)
{
	char *p = xstrdup(path);
	struct stat st;

	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) == -1 && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = '/';
		}
	free(p);
	if (mkdir(path, 0777) == -1 && errno != EEXIST)
		return -1;
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {	/* a file where it should be */
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Opens out/ (g->outdir), making it when it is missing. Returns 0, or -1 with errno set. */
static int
open_out(const struct gen *g)
{
	if (out.path != NULL && strcmp(out.path, g->outdir) == 0 && out.fd >= 0)
		return 0;
	if (out.fd >= 0)
		close(out.fd);
	free(out.path);
	out.path = xstrdup(g->outdir);
	out.fd = -1;
	if (make_dirs(g->outdir) == -1)
		return -1;
	out.fd = open(g->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return out.fd >= 0 ? 0 : -1;
}

struct linux_dirent64 {
	uint64_t	 d_ino;
	int64_t		 d_off;
	unsigned short	 d_reclen;
	unsigned char	 d_type;
	char		 d_name[];
};

/* Removes `name` in the folder `dfd` and, when it is a folder, all it holds (to `depth`
 * levels), following no link. Only system calls, so that a signal handler may call it.
 * Returns 0 when it is gone. */
static int
remove_tree_at(int dfd, const char *name, int depth)
{
	char buf[2048] __attribute__((aligned(8)));
	int fd, removed;
	long n;

	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth <= 0 ||
	    (fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	fchmod(fd, S_IRWXU);	/* a folder made read-only is still gen's to remove */
	do {	/* from the start again after each batch: removing moves what is listed */
		removed = 0;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
			for (long at = 0; at < n; ) {
				struct linux_dirent64 *e = (void *)(buf + at);

				at += e->d_reclen;
				if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
				    remove_tree_at(fd, e->d_name, depth - 1) == 0)
					removed++;
			}
	} while (removed > 0 && lseek(fd, 0, SEEK_SET) == 0);
	close(fd);
	return unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

/* ---- the signal handler's part ---- */

int
write_abandon(int sig)
{
	int idle = C_IDLE;

	if (!atomic_compare_exchange_strong(&commit_state, &idle, C_ENDING)) {
		if (idle == C_COMMITTING)
			pending_signal = sig;	/* out_end() raises it again when done */
		return 0;
	}
	if (writing[0] != '\0')
		unlinkat(writing_dir, writing, 0);	/* all async-signal-safe */
	for (size_t i = 0; i < stage.nside; i++)
		if (stage.side[i].tmp[0] != '\0')
			unlinkat(stage.parentfd, stage.side[i].tmp, 0);
	if (stage.fresh[0] != '\0')
		remove_tree_at(stage.parentfd, stage.fresh, TREE_DEPTH);
	return 1;
}

/* ---- writing ---- */

/* Sends the held files' data to disk and closes them. Returns 0, or -1 with errno set. */
static int
settle(void)
{
	int e = 0;

	for (size_t i = 0; i < stage.nfd; i++) {
		if (fdatasync(stage.fd[i]) == -1 && errno != EINVAL && e == 0)
			e = errno;
		if (close(stage.fd[i]) == -1 && e == 0)
			e = errno;
	}
	stage.nfd = 0;
	errno = e;
	return e == 0 ? 0 : -1;
}

/* The fresh folder, made on the first file written to it. Its name is the signal handler's
 * before the folder is made (see create_temp()). */
static int
fresh_folder(void)
{
	char name[NAME_MAX + 1];
	struct stat st;

	for (int tries = 0; stage.freshfd < 0 && tries < 100; tries++) {
		if (temp_name(name, stage.name, ".tmp") == -1)
			return -1;
		set_name(stage.fresh, name);
		if (mkdirat(stage.parentfd, name, 0777) == -1) {
			int e = errno;

			stage.fresh[0] = '\0';
			if ((errno = e) == EEXIST)
				continue;
			return -1;
		}
		stage.freshfd = openat(stage.parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (stage.freshfd < 0 || fstat(stage.freshfd, &st) == -1)
			return -1;
		stage.freshino = st.st_ino;
	}
	return stage.freshfd >= 0 ? 0 : -1;
}

/* Whether the previous build wrote exactly these bytes at `rel` (in the folder `dfd` of
 * the old out/NAME/): then the file is linked, not written again. */
static int
unchanged(int dfd, const char *base, const char *data, size_t len)
{
	struct stat st;
	char *old;
	int fd, same = 0;

	if ((fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
		size_t got = 0;
		ssize_t n;

		old = xmalloc(len + 1);
		while (got < len && (n = read(fd, old + got, len - got)) > 0)
			got += (size_t)n;
		same = got == len && memcmp(old, data, len) == 0;
		free(old);
	}
	close(fd);
	return same;
}

/* Writes `rel` in the fresh folder. Its data reach the disk before out_end() puts the
 * folder in place. */
static int
write_staged(const char *rel, const char *data, size_t len)
{
	const char *slash = strrchr(rel, '/');
	char *dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
	const char *base = slash ? slash + 1 : rel;
	int dfd = -1, ofd = -1, fd = -1, e;

	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		errno = EINVAL;
		goto fail;
	}
	/* Each name once: a second file of the same name is an error (EEXIST), never the first
	 * replaced unseen; nor is a file linked from the old folder ever written into. */
	if (fresh_folder() == -1 || (dfd = open_below(stage.freshfd, dir, 1)) == -1)
		goto fail;
	if (stage.oldfd >= 0 && (ofd = open_below(stage.oldfd, dir, 0)) >= 0 &&
	    unchanged(ofd, base, data, len) && linkat(ofd, base, dfd, base, 0) == 0)
		goto done;
	if ((fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0666)) == -1 || write_all(fd, data, len) == -1)
		goto fail;
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (stage.nfd == HOLD_MAX && settle() == -1)
		goto fail;
	stage.fd[stage.nfd++] = fd;
	fd = -1;
done:
	if (ofd >= 0)
		close(ofd);
	close(dfd);
	free(dir);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (ofd >= 0)
		close(ofd);
	if (dfd >= 0)
		close(dfd);
	free(dir);
	stage.failed = 1;
	errno = e;
	return -1;
}

/* Creates a file under a temporary name for `base` in the folder `dfd`, the name in `name`,
 * one the signal handler removes: set before the file is made and cleared when none is, as a
 * signal taken in the making (while it waits for the disk) is handled as it returns, and must
 * not find a file it cannot name. Returns the file's descriptor, or -1 with errno set. */
static int
create_temp(int dfd, const char *base, char name[NAME_MAX + 1])
{
	char maybe[NAME_MAX + 1];
	int fd = -1, e;

	for (int tries = 0; tries < 100 && fd == -1; tries++) {
		if (temp_name(maybe, base, ".tmp") == -1)
			return -1;
		set_name(name, maybe);
		if ((fd = openat(dfd, maybe, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666)) == -1) {
			e = errno;
			name[0] = '\0';
			if ((errno = e) != EEXIST)
				return -1;
		}
	}
	return fd;
}

/* The side file of the job at `path` (out/NAME.EXT, no slash in EXT), or NULL. */
static struct side *
side_of(const char *path)
{
	const char *ext = strncmp(path, stage.dir, strlen(stage.dir)) == 0 ?
	    path + strlen(stage.dir) : NULL;

	if (ext == NULL || ext[0] != '.' || strchr(ext, '/') != NULL ||
	    strlen(ext) >= sizeof(stage.side[0].ext) || strlen(stage.name) + strlen(ext) > NAME_MAX)
		return NULL;
	for (size_t i = 0; i < stage.nside; i++)
		if (strcmp(stage.side[i].ext, ext) == 0)
			return &stage.side[i];
	if (stage.nside == SIDE_MAX)
		return NULL;
	stage.side[stage.nside] = (struct side){ .path = xstrdup(path), .fd = -1 };
	snprintf(stage.side[stage.nside].ext, sizeof(stage.side[0].ext), "%s", ext);
	return &stage.side[stage.nside++];
}

/* A side file of the job (its PDF, its text), under its temporary name until out_end()
 * renames it. */
static int
write_side_staged(struct side *sd, const char *data, size_t len)
{
	int fd, e;

	if (sd->tmp[0] != '\0') {	/* written again: the first goes */
		unlinkat(stage.parentfd, sd->tmp, 0);
		sd->tmp[0] = '\0';
		close(sd->fd);
		sd->fd = -1;
	}
	if ((fd = create_temp(stage.parentfd, stage.name, sd->tmp)) == -1) {
		stage.failed = 1;
		return -1;
	}
	sd->fd = fd;
	if (write_all(fd, data, len) == -1) {
		e = errno;
		stage.failed = 1;
		errno = e;
		return -1;
	}
	sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	return 0;
}

/* Writes `path` whole, at once: under a temporary name in the folder `dfd`, synced, then
 * renamed over `base` (a link there is replaced, not followed). */
static int
write_now(int dfd, const char *base, const char *data, size_t len)
{
	char name[NAME_MAX + 1];
	int fd, e;

	writing_dir = dfd;
	if ((fd = create_temp(dfd, base, writing)) == -1)
		return -1;
	memcpy(name, writing, sizeof(name));
	if (write_all(fd, data, len) == -1 || (fdatasync(fd) == -1 && errno != EINVAL))
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, name, dfd, base) == -1)
		goto fail;
	writing[0] = '\0';
	return 0;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	unlinkat(dfd, name, 0);
	writing[0] = '\0';
	errno = e;
	return -1;
}

int
write_file(const char *path, const void *data, size_t len)
{
	const char *rel, *slash = strrchr(path, '/');
	struct side *sd;
	char *dir;
	int dfd, rc, e;

	if (stage.on && (rel = below(stage.dir, path)) != NULL)
		return write_staged(rel, data, len);
	if (stage.on && (sd = side_of(path)) != NULL)
		return write_side_staged(sd, data, len);
	dir = slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
	if (out.fd >= 0 && (rel = below(out.path, dir)) != NULL)
		dfd = open_below(out.fd, rel, 1);	/* below out/: no link followed */
	else if (out.fd >= 0 && strcmp(dir, out.path) == 0)
		dfd = fcntl(out.fd, F_DUPFD_CLOEXEC, 0);
	else
		dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (dfd == -1)
		return -1;
	rc = write_now(dfd, slash ? slash + 1 : path, data, len);
	e = errno;
	close(dfd);
	errno = e;
	return rc;
}

int
write_file_said(struct gen *g, const char *path, const void *data, size_t len)
{
	int rc = write_file(path, data, len);

	if (rc == -1)
		msg(g, MSG_FATAL, path, 0, 0, "cannot write: %s", strerror(errno));
	return rc;
}

int
out_mkdir(const char *path)
{
	const char *rel;
	int fd;

	if (stage.on && (rel = below(stage.dir, path)) != NULL) {
		if (fresh_folder() == -1)
			return -1;
		fd = open_below(stage.freshfd, rel, 1);
	} else if (stage.on && strcmp(path, stage.dir) == 0)
		return fresh_folder();
	else if (out.fd >= 0 && (rel = below(out.path, path)) != NULL)
		fd = open_below(out.fd, rel, 1);
	else
		return make_dirs(path);
	if (fd == -1)
		return -1;
	close(fd);
	return 0;
}

int
out_open(const char *path)
{
	const char *rel = out.fd >= 0 ? below(out.path, path) : NULL, *slash;
	char *dir;
	int dfd, fd, e;

	if (rel == NULL)
		return open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	slash = strrchr(rel, '/');
	dir = slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
	dfd = open_below(out.fd, dir, 0);
	free(dir);
	if (dfd == -1)
		return -1;
	fd = openat(dfd, slash ? slash + 1 : rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* ---- a job's stage ---- */

int
out_begin(struct gen *g, const char *outname)
{
	const char *slash = strrchr(outname, '/'), *name = slash ? slash + 1 : outname;
	char *parent = slash ? xstrndup(outname, (size_t)(slash - outname)) : xstrdup("");

	if (open_out(g) == -1 || (stage.parentfd = open_below(out.fd, parent, 1)) == -1) {
		char *where = *parent ? xasprintf("%s/%s", g->outdir, parent) :
		    xstrdup(g->outdir);

		msg(g, MSG_FATAL, where, 0, 0, "cannot make the folder: %s", strerror(errno));
		free(where);
		free(parent);
		return -1;
	}
	stage.dir = xasprintf("%s/%s", g->outdir, outname);
	stage.parent = *parent ? xasprintf("%s/%s", g->outdir, parent) : xstrdup(g->outdir);
	free(parent);
	if (strlen(name) + strlen(".pdf") > NAME_MAX || *name == '\0') {
		char *pdf = xasprintf("%s.pdf", stage.dir);

		msg(g, MSG_FATAL, pdf, 0, 0, "cannot write: the name is longer than a file "
		    "name may be (%d bytes)", NAME_MAX);
		free(pdf);
		close(stage.parentfd);
		stage.parentfd = -1;
		free(stage.dir);
		free(stage.parent);
		return -1;
	}
	snprintf(stage.name, sizeof(stage.name), "%s", name);
	stage.oldfd = openat(stage.parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	stage.freshfd = -1;
	stage.fresh[0] = '\0';
	stage.nside = 0;
	stage.nfd = 0;
	stage.failed = 0;
	stage.on = 1;
	return 0;
}

/* The longest record write_record() writes. */
#define RECORD_MAX	((2 + 2 * SIDE_MAX) * (NAME_MAX + 1) + 64)

/* Writes the record of a commit that puts both a folder and its side files in place, for a
 * build that finds it after this one was killed between the two (out_lock()).
 * NUL-separated: what the fresh folder is, the name, then each side file's temporary name
 * and ending (".pdf"). */
static void
write_record(char rec[NAME_MAX + 1])
{
	char text[RECORD_MAX];
	int n, fd;

	memcpy(rec, stage.fresh, strlen(stage.fresh) - strlen(".tmp"));
	strcpy(rec + strlen(stage.fresh) - strlen(".tmp"), ".commit");
	n = snprintf(text, sizeof(text), "gen commit 2%c%llu%c%s%c", 0,
	    (unsigned long long)stage.freshino, 0, stage.name, 0);
	for (size_t i = 0; i < stage.nside; i++)
		if (stage.side[i].tmp[0] != '\0')
			n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%c%s%c",
			    stage.side[i].tmp, 0, stage.side[i].ext, 0);
	fd = openat(stage.parentfd, rec, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0666);
	if (fd < 0 || write_all(fd, text, (size_t)n) == -1 || close(fd) == -1) {
		if (fd >= 0)
			unlinkat(stage.parentfd, rec, 0);
		rec[0] = '\0';	/* no record: the window stays, as without one */
	}
}

/* Puts folder `fresh` in place as `name` in `dfd`, exchanging it with what is there; then
 * `fresh` holds the old one, or nothing (*had_old 0). On a file system without exchange,
 * the old one is first renamed to `spare`. */
static int
swap_in(int dfd, const char *fresh, const char *name, char *spare, int *had_old)
{
	struct stat st;

	*had_old = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!*had_old) {
		if (renameat2(dfd, fresh, dfd, name, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
		*had_old = 1;	/* made meanwhile, by a build beside this one */
	}
	if (renameat2(dfd, fresh, dfd, name, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* no exchange here: the old one aside first (for a moment, there is none) */
	if (temp_name(spare, name, ".tmp") == -1 || renameat(dfd, name, dfd, spare) == -1)
		return -1;
	if (renameat(dfd, fresh, dfd, name) == -1) {
		renameat(dfd, spare, dfd, name);
		return -1;
	}
	return 0;
}

/* The commit lock: one commit at a time in out/, so that two builds of the same document
 * side by side cannot leave one's folder with the other's PDF. An open file description's
 * lock on LOCK_NAME, apart from the shared flock() each build holds on it. */
static int
commit_lock(void)
{
	struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	int fd = openat(out.fd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);

	while (fd >= 0 && fcntl(fd, F_OFD_SETLKW, &l) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Puts the stage's side files in place, in the order they were written, after its folder.
 * Returns the one that could not be (the folder is then put back), or NULL. The PDF comes
 * first: a rename in one folder fails, if at all, on the first (a folder in its way). */
static struct side *
put_sides(void)
{
	char dest[NAME_MAX + 1];

	for (size_t i = 0; i < stage.nside; i++) {
		struct side *sd = &stage.side[i];

		if (sd->tmp[0] == '\0')
			continue;
		snprintf(dest, sizeof(dest), "%s%s", stage.name, sd->ext);
		if (renameat(stage.parentfd, sd->tmp, stage.parentfd, dest) == -1)
			return sd;
		sd->tmp[0] = '\0';
	}
	return NULL;
}

/* Puts the stage's folder and side files in place: the folder first, then the PDF and the
 * rest. A signal meanwhile waits until all are done. Returns 0, or -1 after msg() with the
 * old ones in place. */
static int
commit(struct gen *g)
{
	char rec[NAME_MAX + 1] = "", spare[NAME_MAX + 1] = "";
	int lock = commit_lock(), state = C_IDLE, had_old = 0, rc = 0, sig;
	struct side *bad;

	if (!atomic_compare_exchange_strong(&commit_state, &state, C_COMMITTING))
		for (;;)
			pause();	/* a signal is ending the process */
	if (stage.freshfd >= 0 && stage.nside > 0)
		write_record(rec);
	if (stage.freshfd >= 0 &&
	    swap_in(stage.parentfd, stage.fresh, stage.name, spare, &had_old) == -1) {
		msg(g, MSG_FATAL, stage.dir, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
	} else if ((bad = put_sides()) != NULL) {
		msg(g, MSG_FATAL, bad->path, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
		if (stage.freshfd >= 0 && had_old && spare[0] == '\0')	/* the old folder back */
			renameat2(stage.parentfd, stage.fresh, stage.parentfd, stage.name,
			    RENAME_EXCHANGE);
		else if (stage.freshfd >= 0 && had_old)
			renameat(stage.parentfd, spare, stage.parentfd, stage.name);
		else if (stage.freshfd >= 0)
			renameat(stage.parentfd, stage.name, stage.parentfd, stage.fresh);
	} else {
		if (spare[0] != '\0')
			set_name(stage.fresh, spare);	/* the old folder, to remove */
		else if (stage.freshfd >= 0 && !had_old)
			stage.fresh[0] = '\0';	/* nothing was there */
	}
	if (rec[0] != '\0')
		unlinkat(stage.parentfd, rec, 0);
	atomic_store(&commit_state, C_IDLE);
	if (lock >= 0)
		close(lock);
	if ((sig = pending_signal) != 0)
		raise(sig);	/* ends the process, removing what the stage left */
	return rc;
}

/* Sends the side files' data to disk and closes them. Returns NULL, or the one that could
 * not be, with errno set. */
static struct side *
settle_sides(void)
{
	struct side *bad = NULL;

	for (size_t i = 0; i < stage.nside; i++) {
		struct side *sd = &stage.side[i];
		int e = 0;

		if (sd->fd < 0)
			continue;
		if ((fdatasync(sd->fd) == -1 && errno != EINVAL))
			e = errno;
		if (close(sd->fd) == -1 && e == 0)
			e = errno;
		sd->fd = -1;
		if (e != 0 && bad == NULL) {
			bad = sd;
			errno = e;
		}
	}
	return bad;
}

int
out_end(struct gen *g, int ok)
{
	struct side *bad;
	int rc = -1;

	if (!stage.on)
		return 0;
	if (ok && !stage.failed && settle() == -1)
		msg(g, MSG_FATAL, stage.dir, 0, 0, "cannot write: %s", strerror(errno));
	else if (ok && !stage.failed && (bad = settle_sides()) != NULL)
		msg(g, MSG_FATAL, bad->path, 0, 0, "cannot write: %s", strerror(errno));
	else if (ok && !stage.failed)
		rc = commit(g);
	/* what is left: the fresh folder of a failed job, or the old one of a done one */
	settle();
	for (size_t i = 0; i < stage.nside; i++) {
		if (stage.side[i].fd >= 0)
			close(stage.side[i].fd);
		if (stage.side[i].tmp[0] != '\0')
			unlinkat(stage.parentfd, stage.side[i].tmp, 0);
		stage.side[i].tmp[0] = '\0';
		free(stage.side[i].path);
	}
	stage.nside = 0;
	if (stage.fresh[0] != '\0')
		remove_tree_at(stage.parentfd, stage.fresh, TREE_DEPTH);
	stage.fresh[0] = '\0';
	if (stage.freshfd >= 0)
		close(stage.freshfd);
	if (stage.oldfd >= 0)
		close(stage.oldfd);
	close(stage.parentfd);
	stage.freshfd = stage.oldfd = stage.parentfd = -1;
	stage.on = 0;
	free(stage.dir);
	free(stage.parent);
	stage.dir = stage.parent = NULL;
	return rc;
}

/* ---- what a killed build left ---- */

/* The field after `p` in a record ending at `end` (NUL-separated), or `end`. */
static const char *
next_field(const char *p, const char *end)
{
	return p < end ? p + strlen(p) + 1 : end;
}

/* Finishes the commit whose record `rec` (in `dfd`) a killed build left. If its new folder is
 * in place (the folder there is the one the record names, by its inode), its side files (the
 * PDF, the text) are put beside it; else (the exchange was not made, or a later build has
 * since put its own in place) nothing is, and the temporary files go with the rest. Either
 * way each PDF stands with its own folder. */
static void
finish_commit(int dfd, const char *rec)
{
	char text[RECORD_MAX], dest[RECORD_MAX];
	const char *end, *ino, *name, *tmp, *ext;
	struct stat st;
	ssize_t n = -1;
	int fd;

	if ((fd = openat(dfd, rec, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
	}
	if (n > 0) {
		text[n] = '\0';
		end = text + n;
		ino = next_field(text, end);
		name = next_field(ino, end);
		if (strcmp(text, "gen commit 2") == 0 && name < end && *name != '\0' &&
		    strchr(name, '/') == NULL && strlen(name) + 4 <= NAME_MAX &&
		    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
		    (unsigned long long)st.st_ino == strtoull(ino, NULL, 10))
			for (tmp = next_field(name, end); (ext = next_field(tmp, end)) < end;
			    tmp = next_field(ext, end))
				if (strchr(tmp, '/') == NULL && is_temp(tmp, ".tmp") &&
				    ext[0] == '.' && strchr(ext, '/') == NULL &&
				    strlen(name) + strlen(ext) <= NAME_MAX) {
					snprintf(dest, sizeof(dest), "%s%s", name, ext);
					renameat(dfd, tmp, dfd, dest);
				}
	}
	unlinkat(dfd, rec, 0);
}

/* Removes what killed builds left in the folder `dfd` and those below (to `depth` levels):
 * first finishing their commits, then their temporary files and folders. */
static void
remove_temps_at(int dfd, int depth)
{
	DIR *dp;
	struct dirent *e;
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);

	if (fd == -1 || (dp = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		rewinddir(dp);
		while ((e = readdir(dp)) != NULL) {
			struct stat st;
			int sub;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
			    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
				continue;
			if (pass == 0 && is_temp(e->d_name, ".commit"))
				finish_commit(dfd, e->d_name);
			else if (pass == 1 && is_temp(e->d_name, ".tmp"))
				remove_tree_at(dfd, e->d_name, TREE_DEPTH);
			else if (pass == 1 && S_ISDIR(st.st_mode) && depth > 0 &&
			    (sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC)) >= 0) {
				remove_temps_at(sub, depth - 1);
				close(sub);
			}
		}
	}
	closedir(dp);
}

void
out_lock(struct gen *g)
{
	struct stat st;

	out.lock = -1;
	if (open_out(g) == -1)
		return;		/* the writes will say why */
	out.lock = openat(out.fd, LOCK_NAME, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0666);
	if (out.lock == -1)
		return;
	if (fstat(out.lock, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(out.lock);
		out.lock = -1;
		return;
	}
	if (flock(out.lock, LOCK_EX | LOCK_NB) == 0)
		remove_temps_at(out.fd, 3);	/* out/DOC/assets/fonts/ */
	while (flock(out.lock, LOCK_SH) == -1 && errno == EINTR)
		;	/* waits while another build removes its stale files */
}

void
out_unlock(void)
{
	if (out.lock >= 0)
		close(out.lock);
	out.lock = -1;
}

/* ---- rows no longer in the data ---- */

/* Adds to `names` each "../assets/NAME" the pages of the folder `dfd` refer to. */
static void
assets_used(int dfd, char ***names, size_t *n)
{
	static const char ref[] = "=\"../assets/";
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name), len = 0, got = 0;
		struct stat st;
		char *html;
		ssize_t r;
		int hf;

		if (l < 6 || strcmp(e->d_name + l - 5, ".html") != 0 ||
		    (hf = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC)) < 0)
			continue;
		if (fstat(hf, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < MAX_FILE_BYTES)
			len = (size_t)st.st_size;
		html = xmalloc(len + 1);
		while (got < len && (r = read(hf, html + got, len - got)) > 0)
			got += (size_t)r;
		html[got] = '\0';
		close(hf);
		for (const char *p = html; (p = strstr(p, ref)) != NULL; ) {
			p += sizeof(ref) - 1;
			*names = xgrow(*names, *n, sizeof(**names));
			(*names)[(*n)++] = xstrndup(p, strcspn(p, "\"/"));
		}
		free(html);
	}
	if (dp != NULL)
		closedir(dp);
	else if (fd >= 0)
		close(fd);
}

void
out_prune(struct gen *g, const char *doc, char *const *rows, size_t nrows)
{
	char **keep = xcalloc(nrows + 1, sizeof(*keep)), **used = NULL, *name;
	size_t nused = 0;
	int dfd, afd, fd;
	DIR *dp;
	struct dirent *e;

	/* only while no other build writes here: it may be adding rows or pictures */
	if (out.lock < 0 || out.fd < 0 || flock(out.lock, LOCK_EX | LOCK_NB) == -1 ||
	    (dfd = open_below(out.fd, doc, 0)) == -1) {
		free(keep);
		if (out.lock >= 0)
			flock(out.lock, LOCK_SH);
		return;
	}
	for (size_t i = 0; i < nrows; i++)
		keep[i] = rows[i];
	qsort(keep, nrows, sizeof(*keep), cmp_strings);
	fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	dp = fd >= 0 ? fdopendir(fd) : NULL;
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);
		int row;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "assets") == 0 ||
		    strcmp(e->d_name, "index.html") == 0)
			continue;	/* a build's temporary files, the rows' pictures and list */
		/* a row's PDF and its text version are named for it, as its folder is */
		name = l > 4 && (strcmp(e->d_name + l - 4, ".pdf") == 0 ||
		    strcmp(e->d_name + l - 4, ".txt") == 0) ? xstrndup(e->d_name, l - 4) :
		    xstrdup(e->d_name);
		row = bsearch(&name, keep, nrows, sizeof(*keep), cmp_strings) != NULL;
		free(name);
		if (!row) {
			if (g->verbose)
				fprintf(stderr, "gen: removed %s/%s/%s (not a row of the data)\n",
				    g->outdir, doc, e->d_name);
			remove_tree_at(dfd, e->d_name, TREE_DEPTH);
		} else if ((fd = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) >= 0) {
			assets_used(fd, &used, &nused);
			close(fd);
		}
	}
	if (dp != NULL)
		closedir(dp);
	/* the pictures no row's page shows */
	if (nused > 0)
		qsort(used, nused, sizeof(*used), cmp_strings);
	afd = openat(dfd, "assets", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	fd = afd >= 0 ? fcntl(afd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0 && (dp = fdopendir(fd)) == NULL)
		close(fd);
	else if (fd >= 0) {
		while ((e = readdir(dp)) != NULL) {
			const char *n = e->d_name;

			if (n[0] == '.' || strcmp(n, "gen.css") == 0 || strcmp(n, "fonts") == 0 ||
			    (nused > 0 && bsearch(&n, used, nused, sizeof(*used), cmp_strings)))
				continue;
			remove_tree_at(afd, n, TREE_DEPTH);
		}
		closedir(dp);
	}
	if (afd >= 0)
		close(afd);
	for (size_t i = 0; i < nused; i++)
		free(used[i]);
	free(used);
	free(keep);
	close(dfd);
	flock(out.lock, LOCK_SH);
}
