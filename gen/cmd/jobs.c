/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jobs.c: `gen build` on several processes (-j). The parent reads every document first; the
 * documents, and each data row of a document built once per row, are then jobs, and job k
 * goes to worker process k mod N. A worker is gen itself started afresh (not a fork: by then
 * the libraries run threads of their own, and a fork can copy a lock another thread holds)
 * with GEN_WORKER="k n jobs parent-pid" in its environment and a pipe on fd 3; it reads the
 * documents again, quietly, builds its jobs and sends what each said on stderr, whole,
 * through the pipe. The parent prints the jobs' messages in job order, so the output reads as
 * a serial build's would, and takes the worst exit status. Called by main.c; the build of one
 * job is main.c's callback. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen.h"

#define MAX_WORKERS	64
#define REPORT_FD	3	/* a worker's pipe to the parent */

extern char **environ;

/* One job: a document, or one row of a document built per row. */
struct job {
	size_t		 doc;		/* index into the document list */
	long		 row;		/* -1: the document has no rows */
	struct buf	 out;		/* its messages, once reported */
	int		 done;
	int		 status;	/* its exit status, once done */
};

/* What a worker sends after each job: this header, then `len` bytes of messages. */
struct report {
	uint32_t	 job;
	uint32_t	 len;
	uint32_t	 status;	/* the job's exit status */
};

/* The workers' process ids, for the signal handler: each set before the worker can run (its
 * start and this are one step for a signal), and cleared only once it has ended, before it is
 * reaped (so that its id is never another process's); 0 where none. */
static volatile pid_t workers[MAX_WORKERS];

void
jobs_kill(int sig)
{
	siginfo_t info;

	for (int i = 0; i < MAX_WORKERS; i++)
		if (workers[i] > 0)
			kill(workers[i], sig);	/* all async-signal-safe */
	/* Each worker removes what it was writing as it ends: this build ends after them,
	 * never leaving one at work in out/ (nor its temporary files there a moment more). */
	for (int i = 0; i < MAX_WORKERS; i++)
		while (workers[i] > 0 && waitid(P_PID, (id_t)workers[i], &info,
		    WEXITED | WNOWAIT) == -1 && errno == EINTR)
			;
}

/* Reads back what fd 2 (the memory file `mfd`) holds, empties it, and sends it as job j's
 * report on `pipefd`, with the job's exit status. */
static int
send_report(int mfd, int pipefd, size_t j, int status)
{
	off_t end = lseek(mfd, 0, SEEK_CUR);
	struct report h = { (uint32_t)j, 0, (uint32_t)status };
	char *s;
	ssize_t n;

	if (end < 0 || end > (off_t)UINT32_MAX)
		return -1;
	s = xmalloc((size_t)end + 1);
	n = pread(mfd, s, (size_t)end, 0);
	h.len = n > 0 ? (uint32_t)n : 0;
	if (write_all(pipefd, &h, sizeof(h)) < 0 || write_all(pipefd, s, h.len) < 0) {
		free(s);
		return -1;
	}
	free(s);
	if (ftruncate(mfd, 0) < 0 || lseek(mfd, 0, SEEK_SET) < 0)
		return -1;
	return 0;
}

/* A worker's jobs: w, w + n, w + 2n ... of the `njobs` its parent listed, run with stderr
 * in a memory file, each job's messages sent on `pipefd`. Returns the worst exit status. */
static int
work(struct gen *g, struct doc **loaded, struct job *jobs, size_t njobs, size_t w, size_t n,
    int pipefd, jobs_fn *run)
{
	int worst = 0;

	g->progress = 0;
	for (size_t j = w; j < njobs; j += n) {
		g->status = 0;
		run(g, loaded[jobs[j].doc], jobs[j].row);
		msg_flush(g);
		worst = g->status > worst ? g->status : worst;
		fflush(stderr);
		if (send_report(STDERR_FILENO, pipefd, j, g->status) < 0)
			return EXIT_ENV;
	}
	return worst;
}

/* Reads reports from the workers' pipes until all close, printing each job's messages as
 * soon as every job before it has printed. */
static void
collect(struct gen *g, struct job *jobs, size_t njobs, int *fds, size_t n)
{
	struct pollfd *pf = xcalloc(n, sizeof(*pf));
	struct buf *in = xcalloc(n, sizeof(*in));
	size_t open = n, next = 0, done = 0;
	char chunk[65536];

	for (size_t i = 0; i < n; i++)
		pf[i] = (struct pollfd){ fds[i], POLLIN, 0 };
	while (open > 0) {
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			ssize_t r;
			struct report h;

			if (pf[i].fd < 0 || pf[i].revents == 0)
				continue;
			if ((r = read(pf[i].fd, chunk, sizeof(chunk))) <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				close(pf[i].fd);
				pf[i].fd = -1;
				open--;
				continue;
			}
			buf_add(&in[i], chunk, (size_t)r);
			while (in[i].len >= sizeof(h)) {	/* every whole report */
				memcpy(&h, in[i].s, sizeof(h));
				if (in[i].len - sizeof(h) < h.len)
					break;
				if (h.job < njobs && !jobs[h.job].done) {
					buf_add(&jobs[h.job].out, in[i].s + sizeof(h), h.len);
					jobs[h.job].done = 1;
					jobs[h.job].status = (int)h.status;
					done++;
				}
				in[i].len -= sizeof(h) + h.len;
				memmove(in[i].s, in[i].s + sizeof(h) + h.len, in[i].len);
			}
		}
		for (; next < njobs && jobs[next].done; next++)
			if (jobs[next].out.len > 0) {
				if (g->progress)
					fputs("\r\033[K", stderr);	/* over the count */
				fwrite(jobs[next].out.s, 1, jobs[next].out.len, stderr);
			}
		if (g->progress)
			fprintf(stderr, "\r  %zu of %zu built", done, njobs);
	}
	if (g->progress)
		fputc('\n', stderr);
	for (; next < njobs; next++)	/* a worker died: what the rest said */
		if (jobs[next].out.len > 0)
			fwrite(jobs[next].out.s, 1, jobs[next].out.len, stderr);
	for (size_t i = 0; i < n; i++)
		buf_free(&in[i]);
	free(in);
	free(pf);
}

/* The output a job makes, named as `gen jobs` lists it and `gen build` takes it:
 * "strategy-2022", "constituencies/bootle-constituency". The caller frees. */
static char *
job_name(const struct doc *d, long row)
{
	const struct table *t = d->data.row_table;
	char *slug, *name;

	if (row < 0)
		return xstrdup(d->name);
	slug = file_slug(t->cells[(size_t)row * t->ncols +
	    (size_t)csv_column(t, d->tpl->per_row_name)].text);
	name = xasprintf("%s/%s", d->name, slug);
	free(slug);
	return name;
}

int
jobs_unknown_rows(struct gen *g, const struct doc *d)
{
	const struct table *t = d->data.row_table;
	size_t n = strlen(d->name);
	int bad = 0;

	for (size_t i = 0; i < g->nonly; i++) {
		const char *o = g->only[i], **rows, *near;
		int found = 0;

		if (strncmp(o, d->name, n) != 0 || o[n] != '/')
			continue;
		if (t == NULL) {
			msg_usage("no output `%s`: %s is one document, not one per row of its data "
			    "(name it alone: %s)", o, d->name, d->name);
			bad++;
			continue;
		}
		rows = xcalloc(t->nrows + 1, sizeof(*rows));
		for (size_t r = 0; r < t->nrows && !found; r++) {
			rows[r] = job_name(d, (long)r);
			found = strcmp(rows[r], o) == 0;
		}
		if (!found && (near = nearest_word(o, rows, t->nrows)) != NULL)
			msg_usage("no output `%s` (did you mean `%s`?)", o, near);
		else if (!found)
			msg_usage("no output `%s`: no row of %s makes it (`gen jobs %s` lists them)",
			    o, t->path, d->name);
		bad += !found;
		for (size_t r = 0; r < t->nrows; r++)
			free((char *)rows[r]);
		free(rows);
	}
	return bad;
}

int
jobs_wanted(const struct gen *g, const struct doc *d, long row)
{
	char *name = job_name(d, row);
	uint64_t h = 14695981039346656037u;	/* FNV-1a */
	int keep = g->nonly == 0;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	for (size_t i = 0; i < g->nonly && !keep; i++)
		keep = strcmp(g->only[i], name) == 0 || strcmp(g->only[i], d->name) == 0;
	if (g->shard_n > 0 && h % g->shard_n != g->shard_k - 1)
		keep = 0;
	free(name);
	return keep;
}

/* Loads each document, with its messages kept aside, to list the jobs. Each document's load
 * messages go before its first job's; a document that does not load has no jobs, and its
 * messages go before the next one's (or at the end, in `tail`); with `stopped` (the build's
 * own process), its preflight page says it stopped. */
static struct job *
list_jobs(struct gen *g, char *const *docs, size_t ndocs, struct doc **loaded, size_t *njobs,
    struct buf *tail, int *unknown, int stopped)
{
	struct job *jobs = NULL;
	struct buf pending = { NULL, 0, 0 };
	int mfd = memfd_create("gen-load", 0), saved = dup(STDERR_FILENO);

	*njobs = 0;
	for (size_t i = 0; i < ndocs; i++) {
		struct doc *d;
		size_t rows, first = *njobs, fatal = g->fatal;
		off_t end;

		fflush(stderr);
		if (mfd >= 0 && saved >= 0)
			dup2(mfd, STDERR_FILENO);
		g->keep_failed = stopped;
		loaded[i] = d = doc_load(g, docs[i]);
		g->keep_failed = 0;
		msg_flush(g);
		fflush(stderr);
		if (mfd >= 0 && saved >= 0) {
			dup2(saved, STDERR_FILENO);
			if ((end = lseek(mfd, 0, SEEK_CUR)) > 0) {
				char *s = xmalloc((size_t)end);
				ssize_t r = pread(mfd, s, (size_t)end, 0);

				if (r > 0)
					buf_add(&pending, s, (size_t)r);
				free(s);
			}
			if (ftruncate(mfd, 0) < 0 || lseek(mfd, 0, SEEK_SET) < 0) {
				close(mfd);	/* messages go straight to stderr from now on */
				mfd = -1;
			}
		}
		if (d != NULL && d->failed) {	/* its page says so; its files stay as they were */
			if (g->fatal == fatal)
				preflight_stopped(g, d, d->name);
			doc_free(d);
			loaded[i] = d = NULL;
		}
		if (d == NULL)
			continue;
		*unknown += jobs_unknown_rows(g, d);
		rows = d->data.row_table != NULL ? d->data.row_table->nrows : 1;
		jobs = xrealloc(jobs, (*njobs + rows) * sizeof(*jobs));
		for (size_t r = 0; r < rows; r++)
			if (jobs_wanted(g, d, d->data.row_table ? (long)r : -1))
				jobs[(*njobs)++] = (struct job){ i, d->data.row_table ? (long)r : -1,
				    { NULL, 0, 0 }, 0, 0 };
		if (*njobs > first && pending.len > 0) {
			buf_add(&jobs[first].out, pending.s, pending.len);
			pending.len = 0;
		}
	}
	if (pending.len > 0)
		buf_add(tail, pending.s, pending.len);
	buf_free(&pending);
	if (*unknown > 0) {	/* a name given that names nothing: nothing is built */
		for (size_t j = 0; j < *njobs; j++) {
			buf_add(tail, jobs[j].out.s, jobs[j].out.len);
			buf_free(&jobs[j].out);
		}
		*njobs = 0;
		g->status = EXIT_USAGE;
	}
	if (mfd >= 0)
		close(mfd);
	if (saved >= 0)
		close(saved);
	return jobs;
}

/* Runs the jobs here, one after another, each after its load messages. */
static void
run_here(struct gen *g, struct doc **loaded, struct job *jobs, size_t njobs, jobs_fn *run)
{
	int worst = g->status;

	for (size_t j = 0; j < njobs; j++) {
		if (jobs[j].out.len > 0)
			fwrite(jobs[j].out.s, 1, jobs[j].out.len, stderr);
		if (g->progress)	/* the cursor back at the start: a message writes over it */
			fprintf(stderr, "\r\033[K  %zu of %zu\r", j + 1, njobs);
		g->status = 0;
		run(g, loaded[jobs[j].doc], jobs[j].row);
		msg_flush(g);
		jobs[j].done = 1;
		jobs[j].status = g->status;
		worst = g->status > worst ? g->status : worst;
		if (g->progress)
			fputs("\r\033[K", stderr);
	}
	g->status = worst;
}

/* Starts worker w of n for `njobs` jobs: this program again, with the same arguments, its
 * report pipe's write end on REPORT_FD; sets workers[w] to its pid. Returns the pid, or -1.
 * No signal is taken between the start and workers[w]: one taken before the pid is known
 * would end this build with the worker still at work. */
static pid_t
spawn_worker(char *const *argv, size_t w, size_t n, size_t njobs, int pipefd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t all, was;
	char var[96], **env;
	size_t nenv = 0;
	pid_t pid;
	int rc;

	for (size_t i = 0; environ[i] != NULL; i++)
		nenv++;
	env = xcalloc(nenv + 2, sizeof(*env));
	nenv = 0;
	for (size_t i = 0; environ[i] != NULL; i++)	/* this process's own, if any, goes */
		if (strncmp(environ[i], "GEN_WORKER=", 11) != 0)
			env[nenv++] = environ[i];
	snprintf(var, sizeof(var), "GEN_WORKER=%zu %zu %zu %ld", w, n, njobs, (long)getpid());
	env[nenv] = var;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd, REPORT_FD);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &was);	/* a signal meanwhile waits (main.c's
						 * handler sends one taken on another thread here) */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &was);	/* the worker takes them as this did */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, env);
	if (rc == 0)
		workers[w] = pid;
	pthread_sigmask(SIG_SETMASK, &was, NULL);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	return rc == 0 ? pid : -1;
}

/* Starts up to nproc workers for the jobs and prints their messages; returns the worst of
 * their exit statuses. */
static int
run_workers(struct gen *g, char *const *argv, struct job *jobs, size_t njobs, int nproc)
{
	int fds[MAX_WORKERS], status, worst = 0;
	pid_t pids[MAX_WORKERS];
	size_t n = (size_t)nproc < njobs ? (size_t)nproc : njobs;

	n = n < MAX_WORKERS ? n : MAX_WORKERS;
	fflush(NULL);
	for (size_t w = 0; w < n; w++) {
		int p[2] = { -1, -1 };

		if (pipe2(p, O_CLOEXEC) < 0) {
			pids[w] = -1;
		} else {
			pids[w] = spawn_worker(argv, w, n, njobs, p[1]);
			close(p[1]);
		}
		if (pids[w] < 0) {
			msg(g, MSG_FATAL, NULL, 0, 0, "cannot start a build process: %s",
			    strerror(errno));
			if (p[0] >= 0)
				close(p[0]);
			n = w;	/* the jobs of workers not started are not built */
			break;
		}
		fds[w] = p[0];
	}
	collect(g, jobs, njobs, fds, n);
	for (size_t w = 0; w < n; w++) {
		siginfo_t info;

		while (waitid(P_PID, (id_t)pids[w], &info, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
		workers[w] = 0;	/* ended: no signal is passed on to its id from now */
		while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status))
			worst = WEXITSTATUS(status) > worst ? WEXITSTATUS(status) : worst;
		else {
			msg(g, MSG_FATAL, NULL, 0, 0, "a build process ended by signal %d",
			    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			worst = EXIT_ENV;
		}
	}
	return worst;
}

/* After a build of several outputs, names each that was not built (a document that did not
 * load, or a job that failed or was never reported), so that a failure among many is not lost
 * above the others' messages. */
static void
say_failures(char *const *docs, size_t ndocs, struct doc **loaded, const struct job *jobs,
    size_t njobs)
{
	struct buf names = { NULL, 0, 0 };
	size_t failed = 0, total = njobs;

	for (size_t i = 0; i < ndocs; i++)
		if (loaded[i] == NULL) {
			const char *slash = strrchr(docs[i], '/');

			buf_adds(&names, failed++ ? ", " : "");
			buf_adds(&names, slash ? slash + 1 : docs[i]);
			total++;
		}
	for (size_t j = 0; j < njobs; j++)
		if (!jobs[j].done || jobs[j].status != 0) {
			char *name = job_name(loaded[jobs[j].doc], jobs[j].row);

			buf_adds(&names, failed++ ? ", " : "");
			buf_adds(&names, name);
			free(name);
		}
	if (failed > 0 && total > 1)
		fprintf(stderr, "gen: %zu of %zu not built: %s (the messages above say why)\n",
		    failed, total, names.s);
	buf_free(&names);
}

/* After a build of every row of every document, all of them built, removes the outputs of
 * rows no longer in the data (an area renamed or dropped) and the pictures no row shows. */
static void
prune_rows(struct gen *g, struct doc **loaded, size_t ndocs)
{
	for (size_t i = 0; i < ndocs; i++) {
		const struct doc *d = loaded[i];
		char **rows;
		size_t n;

		if (d == NULL || d->data.row_table == NULL)
			continue;
		n = d->data.row_table->nrows;
		rows = xcalloc(n + 1, sizeof(*rows));
		for (size_t r = 0; r < n; r++) {
			char *name = job_name(d, (long)r);

			rows[r] = xstrdup(strchr(name, '/') + 1);
			free(name);
		}
		out_prune(g, d->name, rows, n);
		for (size_t r = 0; r < n; r++)
			free(rows[r]);
		free(rows);
	}
}

/* Frees the jobs and the documents read. */
static void
jobs_free(struct job *jobs, size_t njobs, struct doc **loaded, size_t ndocs)
{
	for (size_t j = 0; j < njobs; j++)
		buf_free(&jobs[j].out);
	free(jobs);
	for (size_t i = 0; i < ndocs; i++)
		if (loaded[i] != NULL)
			doc_free(loaded[i]);
	free(loaded);
}

void
jobs_run(struct gen *g, char *const *argv, char *const *docs, size_t ndocs, int nproc,
    jobs_fn *run)
{
	struct doc **loaded = xcalloc(ndocs + 1, sizeof(*loaded));
	struct buf tail = { NULL, 0, 0 };
	struct job *jobs;
	size_t njobs;
	int worst, unknown = 0;

	jobs = list_jobs(g, docs, ndocs, loaded, &njobs, &tail, &unknown, 1);
	if (nproc <= 1 || njobs <= 1)
		run_here(g, loaded, jobs, njobs, run);
	else {
		worst = run_workers(g, argv, jobs, njobs, nproc);
		g->status = worst > g->status ? worst : g->status;
	}
	if (tail.len > 0)
		fwrite(tail.s, 1, tail.len, stderr);
	buf_free(&tail);
	say_failures(docs, ndocs, loaded, jobs, njobs);
	if (g->status == EXIT_BUILT && g->nonly == 0 && g->shard_n == 0)
		prune_rows(g, loaded, ndocs);
	jobs_free(jobs, njobs, loaded, ndocs);
}

int
jobs_list(struct gen *g, char *const *docs, size_t ndocs)
{
	struct doc **loaded = xcalloc(ndocs + 1, sizeof(*loaded));
	struct buf tail = { NULL, 0, 0 };
	struct job *jobs;
	size_t njobs;
	int unknown = 0;

	jobs = list_jobs(g, docs, ndocs, loaded, &njobs, &tail, &unknown, 0);
	for (size_t j = 0; j < njobs; j++) {
		char *name = job_name(loaded[jobs[j].doc], jobs[j].row);

		fputs(jobs[j].out.s ? jobs[j].out.s : "", stderr);	/* its load messages */
		puts(name);
		free(name);
	}
	if (tail.len > 0)
		fwrite(tail.s, 1, tail.len, stderr);
	buf_free(&tail);
	jobs_free(jobs, njobs, loaded, ndocs);
	return g->status;
}

int
jobs_worker(struct gen *g, char *const *docs, size_t ndocs, jobs_fn *run)
{
	const char *v = getenv("GEN_WORKER");
	struct doc **loaded;
	struct buf tail = { NULL, 0, 0 };
	struct job *jobs;
	size_t w, n, want, njobs;
	long parent;
	struct stat st;
	int mfd, rc, unknown = 0;

	if (v == NULL || sscanf(v, "%zu %zu %zu %ld", &w, &n, &want, &parent) != 4 || w >= n ||
	    fstat(REPORT_FD, &st) == -1 || !S_ISFIFO(st.st_mode))
		return -1;	/* not a worker: GEN_WORKER is the parent's to set */
	/* A worker whose parent dies (even by kill -9) is sent SIGTERM, which removes the file
	 * it is writing and ends it; a parent already gone before this line is seen here. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != (pid_t)parent)
		return EXIT_ENV;
	if ((mfd = memfd_create("gen-messages", 0)) < 0 || dup2(mfd, STDERR_FILENO) < 0)
		return EXIT_ENV;
	loaded = xcalloc(ndocs + 1, sizeof(*loaded));
	jobs = list_jobs(g, docs, ndocs, loaded, &njobs, &tail, &unknown, 0);	/* the parent
										 * reported */
	buf_free(&tail);
	if (ftruncate(STDERR_FILENO, 0) < 0 || lseek(STDERR_FILENO, 0, SEEK_SET) < 0)
		rc = EXIT_ENV;
	else if (njobs != want) {	/* a file changed since the parent read it */
		msg(g, MSG_FATAL, NULL, 0, 0, "the documents changed during the build");
		send_report(STDERR_FILENO, REPORT_FD, w, EXIT_ENV);
		rc = EXIT_ENV;
	} else
		rc = work(g, loaded, jobs, njobs, w, n, REPORT_FD, run);
	jobs_free(jobs, njobs, loaded, ndocs);
	return rc;
}
