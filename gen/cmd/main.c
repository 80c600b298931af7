/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the command line. `gen build` and `gen check` over the documents in content/,
 * exit statuses, progress on a terminal, and each job's outputs put in place whole (output.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>

#include "gen.h"

/* GLib 2.74's slice allocator (pango's items, runs and glyph strings, every GSList) keeps
 * what is freed for the next slice, in magazines of slabs taken from malloc() and never given
 * back. Once a long document's pages were drawn and freed, its slabs (about 38 MB at 1,000
 * sections) stayed malloc()'s "in use", scattered through both layout threads' arenas, and
 * kept about 90 MB of freed memory around them from malloc_trim() while the post-pass ran.
 * Told to, it takes each slice from malloc() and frees it there, as GLib 2.76 and later
 * always do. It must be told before the first slice is taken, which a library's constructor
 * does before main(): so here, in .preinit_array, which runs before every library's
 * constructors. G_SLICE in the environment, read when that first slice is taken, still
 * overrides it. */
static void
slices_from_malloc(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	G_GNUC_BEGIN_IGNORE_DEPRECATIONS
	g_slice_set_config(G_SLICE_CONFIG_ALWAYS_MALLOC, TRUE);
	G_GNUC_END_IGNORE_DEPRECATIONS
}
__attribute__((section(".preinit_array"), used))
static void (*const preinit[])(int, char **, char **) = { slices_from_malloc };

static const char usage_text[] =
"usage: gen [options] build [DOC...]\n"
"       gen [options] check [DOC...]\n"
"       gen [options] init [DIR] [--template NAME]\n"
"       gen [options] jobs [DOC...]\n"
"       gen [options] new DOC --from OLD\n"
"       gen [options] preview [DOC] [--port N]\n"
"       gen [options] templates\n"
"\n"
"Builds the documents in content/ into out/: DOC.pdf and its HTML twin DOC/index.html,\n"
"each document replaced whole or, when its build fails, left as it was.\n"
"Each DOC is a folder name in content/ (or a path to a folder holding index.md); with\n"
"none, every document is built, past any that fails.\n"
"`check` reads and validates everything without rendering, and says where each\n"
"document's template and fonts come from: the project's own templates/ and fonts/ come\n"
"first, gen's installed ones fill in what they lack. `init` makes a new project in DIR\n"
"(default: the current folder) from a starter: strategy, progress-report,\n"
"committee-report, constituency-pack or plain (the default). `jobs` lists the outputs\n"
"`build` would make, one a line (`build` takes those names too: DOC/ROW builds one\n"
"row of a document built per row). `new` starts content/DOC from content/OLD with\n"
"the year moved on, and says what to update by hand. `preview` serves DOC (without\n"
"one, it asks which) at http://127.0.0.1:N/, the port the same each time for a project,\n"
"its HTML beside its PDF's pages, and builds it again on every save. `templates` lists\n"
"the templates a document can name, one line each.\n"
"\n"
"options:\n"
"  -C, --project DIR  the project folder (default: the current folder)\n"
"  -o, --out DIR      where outputs go (default: PROJECT/out)\n"
"  -q, --quiet        no progress, even on a terminal\n"
"  -v, --verbose      say what is written\n"
"  -p, --pdf-only     write the PDFs alone (out/DOC.pdf); out/DOC/ is left as it is\n"
"      --html-only    write out/DOC/ alone: the HTML twin and the panels' PNG and\n"
"                     SVG files; out/DOC.pdf is left as it is\n"
"      --report       (check) write out/DOC/preflight.html, the page to read before\n"
"                     publishing, and the accessibility statement, and say the verdict\n"
"      --json         (check) the same, the findings printed as JSON for tools\n"
"      --keep         (build) keep this build's text in out/.kept/: the next build's\n"
"                     preflight page says what changed since\n"
"      --baseline NAME  (build, check) keep in, and compare with, out/.kept/NAME/\n"
"                     instead: a version of its own, such as `approved`\n"
"  -m, --marks        crop marks and a slug line (document, date, page) beyond the\n"
"                     bleed, for the printer; the page grows to hold them\n"
"      --shard K/N    build (or list) the K-th of N shares of the outputs: N copies of\n"
"                     gen, one per share, build everything once between them\n"
"  -j, --jobs N       build on up to N processes at once, and lay a long document out\n"
"                     on two threads unless N is 1 (default: one per processor)\n"
"  -d, --draft        a missing picture or link target is a warning, not an error:\n"
"                     a framed placeholder stands in for the picture\n"
"      --from OLD     (new) the document to start from\n"
"      --port N       (preview) serve on port N (default: one of 8100-8999, the same\n"
"                     each time for a project)\n"
"      --template NAME  (init) the starter to begin from (default: plain)\n"
"  -T, --trace        print the laid-out pages as text instead of writing PDFs\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"exit status:\n"
"  0  everything asked for was built (or checked)\n"
"  1  a document, template or data file is wrong (messages say file:line:col)\n"
"  2  the command line is wrong\n"
"  3  the environment failed (a file could not be written, fonts missing, out of\n"
"     memory); the previous outputs are left as they were\n"
"\n"
"SOURCE_DATE_EPOCH, when set, replaces each document's date in the PDF's metadata.\n"
"See gen(1) for files, examples and the rest of the environment.\n";

static int
usage(const char *fmt, const char *arg)
{
	return msg_usage(fmt, arg);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether folder `dir` holds an index.md, and so is a document. */
static int
has_index(const char *dir)
{
	char *index = xasprintf("%s/index.md", dir);
	int ok = access(index, F_OK) == 0;

	free(index);
	return ok;
}

/* Whether `dir` is the same folder as one of docs[0, n). */
static int
listed(char *const *docs, size_t n, const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];

	for (size_t i = 0; i < n; i++)
		if (realpath(docs[i], a) != NULL && realpath(dir, b) != NULL && strcmp(a, b) == 0)
			return 1;
	return 0;
}

/* Says of folder content/NAME, which has no index.md, that it has one in another case
 * (INDEX.MD), which does not make it a document. */
static void
index_in_other_case(struct gen *g, const char *content, const char *name)
{
	char *dir = xasprintf("%s/%s", content, name), *path;
	DIR *dp = opendir(dir);
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL)
		if (strcasecmp(e->d_name, "index.md") == 0) {
			path = xasprintf("%s/%s", dir, e->d_name);
			msg(g, MSG_WARNING, path, 0, 0, "%s is not built: a document starts from "
			    "index.md, in lower case (rename this file)", name);
			free(path);
		}
	if (dp != NULL)
		closedir(dp);
	free(dir);
}

/* dir_list()'s filter for content/'s documents: folders that hold an index.md (`arg`: the
 * gen, to say of one that has it in another case that it is not built). */
static int
is_document(const char *content, const char *name, void *arg)
{
	char *index = xasprintf("%s/%s/index.md", content, name);
	int yes = access(index, F_OK) == 0;

	if (!yes)
		index_in_other_case(arg, content, name);
	free(index);
	return yes;
}

/* Every folder in content/ that holds an index.md (its path), in name order. */
static char **
all_documents(struct gen *g, size_t *n)
{
	char *dir = project_path(g, "content"), **v = dir_list(dir, is_document, g, cmp_strings,
	    n);

	for (size_t i = 0; i < *n; i++) {
		char *path = xasprintf("%s/%s", dir, v[i]);

		free(v[i]);
		v[i] = path;
	}
	free(dir);
	return v;
}

static void
on_signal(int sig)
{
	if (syscall(SYS_gettid) != getpid()) {
		/* Caught by another thread (the twin's, the layout's, a library's): sent on to
		 * the main thread, so that the files are removed while it stands still, never
		 * under it while it goes on writing them (and says it cannot). */
		int e = errno;

		syscall(SYS_tgkill, getpid(), getpid(), sig);
		errno = e;
		return;
	}
	if (!write_abandon(sig))
		return;		/* a commit is under way: it raises the signal again when done */
	jobs_kill(sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* jobs_run()'s callback: builds document `d`, or its data row `row`, with the back-ends
 * chosen (backend.c's table). Its outputs are made afresh and put in place together at the
 * end (out_begin(), out_end()), or not at all. */
static void
build_job(struct gen *g, struct doc *d, long row)
{
	size_t before = g->nfound, fatal = g->fatal;
	int errors;

	if (row >= 0 && doc_row(g, d, (size_t)row) != 0) {
		g->job_found = before;
		if (g->fatal == fatal)
			preflight_stopped(g, d, d->outname);
		return;
	}
	errors = g->errors;
	if (out_begin(g, d->outname) == -1)
		return;
	g->job_found = g->nfound;
	g->pdf_pages = 0;
	backends_write(g, d);
	out_end(g, g->errors == errors);
	/* its files stay as they were, and its page says why (unless it was the system's
	 * failure, not the sources': a full disk is not made fuller) */
	if (g->errors != errors && g->fatal == fatal)
		preflight_stopped(g, d, d->outname);
}

/* check --report: the preflight page of a document (of each row of one built per row),
 * and its verdict on stdout. */
static void
report_one(struct gen *g, struct doc *d)
{
	int worst = g->status;

	g->job_found = g->nfound;
	g->pdf_pages = 0;
	if (d->failed || d->data.row_table == NULL) {
		preflight_report(g, d, 1, g->report == 2);
		doc_free(d);
		return;
	}
	for (size_t r = 0; r < d->data.row_table->nrows; r++) {
		if (!jobs_wanted(g, d, (long)r))
			continue;
		g->job_found = g->nfound;
		if (doc_row(g, d, r) == 0 || g->report)
			preflight_report(g, d, 1, g->report == 2);
		msg_flush(g);
		g->status = g->status > worst ? g->status : worst;
	}
	doc_free(d);
}

/* Checks one document, once or once per row of its data; or, with -T, prints its pages. */
static void
check_one(struct gen *g, const char *dir, size_t i, size_t n)
{
	struct doc *d;

	if (g->progress)
		fprintf(stderr, "[%zu/%zu] %s\n", i + 1, n, dir);
	d = doc_load(g, dir);
	msg_flush(g);
	if (d == NULL)
		return;
	if (g->report) {
		report_one(g, d);
		return;
	}
	if (!g->trace)
		project_report(g, d);
	if (d->data.row_table == NULL) {
		if (jobs_unknown_rows(g, d) > 0)
			g->status = EXIT_USAGE;
		if (g->trace) {
			struct pages *ps = layout_document(g, d);

			pages_dump(ps, stdout);
			pages_free(ps);
		}
		doc_free(d);
		return;
	}
	if (jobs_unknown_rows(g, d) > 0)
		g->status = EXIT_USAGE;
	for (size_t r = 0; r < d->data.row_table->nrows; r++) {
		int worst = g->status;

		if (!jobs_wanted(g, d, (long)r))
			continue;
		doc_row(g, d, r);
		msg_flush(g);
		g->status = g->status > worst ? g->status : worst;
	}
	doc_free(d);
}

/* A whole number from `min` to `max` written in digits alone (no sign, no space), up to
 * `stop` (a character, or '\0' for the end); -1 when it is not one. *end is set after it. */
static long
parse_number(const char *s, long min, long max, char stop, const char **end)
{
	long v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > max)
			return -1;	/* before it could overflow */
	if (p == s || *p != stop || v < min)
		return -1;
	*end = p;
	return v;
}

/* The -j argument: a whole number from 1 to 64; 0 when it is not one. */
static int
parse_jobs(const char *s)
{
	const char *end;
	long v = parse_number(s, 1, 64, '\0', &end);

	return v < 0 ? 0 : (int)v;
}

static time_t
source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return (time_t)-1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return (time_t)-1;
	return (time_t)v;
}

/* `gen new DOC --from OLD`. */
static int
new_command(struct gen *g, const char *root, int argc, char *argv[], const char *from)
{
	char *content = xasprintf("%s/content", root);
	int ok = is_dir(content);

	free(content);
	if (argc != 2 || from == NULL)
		return usage("usage: gen new DOC --from OLD (e.g. gen new progress-2024 --from "
		    "progress-2023)%s", "");
	if (!ok)
		return usage("`%s` is not a gen project (it has no content/ folder)", root);
	g->root = root;
	return new_document(g, argv[1], from);
}

/* Whether `row` (DOC/ROW) names a row of the document in `dir`, said when it does not. The
 * document's own messages are left for the preview to show. */
static int
row_known(struct gen *g, const char *dir, char *row)
{
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC), bad = 0;
	struct doc *d;

	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	d = doc_load(g, dir);
	msg_flush(g);
	fflush(stderr);
	if (saved >= 0 && null >= 0)
		dup2(saved, STDERR_FILENO);
	if (saved >= 0)
		close(saved);
	if (null >= 0)
		close(null);
	g->only = &row;
	g->nonly = 1;
	if (d != NULL)
		bad = jobs_unknown_rows(g, d);
	g->only = NULL;
	g->nonly = 0;
	g->errors = 0;
	g->status = 0;
	doc_free(d);
	return bad == 0;
}

/* `gen init [DIR] [--template NAME]` and `gen templates`: the project is DIR, or -C's. */
static int
project_command(struct gen *g, const char *root, int argc, char *argv[], const char *starter)
{
	char realroot[PATH_MAX];
	int init = strcmp(argv[0], "init") == 0, rc;

	if (argc > (init ? 2 : 1))
		return usage(init ? "usage: gen init [DIR] [--template NAME]%s" :
		    "usage: gen templates%s", "");
	g->root = init && argc == 2 ? argv[1] : root;
	g->realroot = realpath(g->root, realroot) ? realroot : NULL;
	project_find_share(g);
	rc = init ? init_project(g, g->root, starter ? starter : "plain") : list_templates(g);
	free(g->share);
	return rc;
}

/* The title in the front matter of content/DOC/index.md, for a list (a document built per
 * row: its list's title, as its title names the row); NULL without one. The caller frees. */
static char *
doc_title(struct gen *g, const char *dir)
{
	char *index = xasprintf("%s/index.md", dir), *text, *title = NULL, *list = NULL;
	size_t len;

	if (read_file(g, index, MAX_FILE_BYTES, &text, &len) == 0) {
		if (strncmp(text, "---\n", 4) == 0)
			for (char *l = text + 4; *l && strncmp(l, "---", 3) != 0; ) {
				size_t n = strcspn(l, "\n"), k = strncmp(l, "title:", 6) == 0 ? 6 :
				    strncmp(l, "list-title:", 11) == 0 ? 11 : 0;

				if (k > 0) {
					char *v = l + k, *e = l + n;

					while (*v == ' ')
						v++;
					while (e > v && (e[-1] == ' ' || e[-1] == '\r'))
						e--;
					free(k == 6 ? title : list);
					*(k == 6 ? &title : &list) = xstrndup(v, (size_t)(e - v));
				}
				l += n + (l[n] == '\n');
			}
		free(text);
	}
	free(index);
	if (list != NULL && (title == NULL || strstr(title, "{{") != NULL)) {
		free(title);
		return list;
	}
	free(list);
	return title;
}

/* Lists the documents on stdout and reads which to preview, by number or name, from
 * stdin. Returns the one chosen (the caller frees), or NULL when none is. */
static char *
choose_document(struct gen *g, char **all, size_t nall)
{
	char line[256], *pick = NULL, *end;
	unsigned long k;

	if (strcmp(g->root, ".") == 0)
		printf("The documents of this project:\n");
	else
		printf("The documents of %s:\n", g->root);
	for (size_t i = 0; i < nall; i++) {
		char *title = doc_title(g, all[i]);

		printf("  %2zu  %-24s %s\n", i + 1, strrchr(all[i], '/') + 1, title ? title : "");
		free(title);
	}
	printf("Preview which? (a number or a name): ");
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL) {
		putchar('\n');
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	k = strtoul(line, &end, 10);
	if (end != line && *end == '\0' && k >= 1 && k <= nall)
		pick = xstrdup(strrchr(all[k - 1], '/') + 1);
	else if (line[0] != '\0')
		pick = xstrdup(line);
	return pick;
}

/* `gen preview [DOC] [--port N]`: DOC a folder of content/, or one row of it (DOC/ROW);
 * without DOC, the project's one document, or the one chosen from the list. `port` -1: the
 * project's own. */
static int
preview_command(struct gen *g, const char *root, const char *outdir, int argc, char *argv[],
    int port)
{
	char realroot[PATH_MAX], *dir = NULL, *row = NULL, *defout = NULL, **all, *chosen = NULL;
	const char *name = argc == 2 ? argv[1] : NULL;
	size_t nall;
	int rc;

	if (argc > 2)
		return usage("usage: gen preview [DOC] [--port N]%s", "");
	if (realpath(root, realroot) == NULL)
		return usage("`%s` is not a gen project", root);
	g->root = root;
	g->realroot = realroot;
	g->jobs = 1;
	g->outdir = outdir ? outdir : (defout = project_path(g, "out"));
	g->epoch = source_date_epoch();
	all = all_documents(g, &nall);
	if (name == NULL && nall == 1)
		name = chosen = xstrdup(strrchr(all[0], '/') + 1);
	else if (name == NULL && nall > 1)
		name = chosen = choose_document(g, all, nall);
	if (name != NULL) {
		char *given = xstrdup(name), *slash, *doc, *rel;

		for (size_t n = strlen(given); n > 1 && given[n - 1] == '/'; n--)
			given[n - 1] = '\0';	/* `strategy-2022/` names it too */
		slash = strchr(given, '/');
		doc = slash ? xstrndup(given, (size_t)(slash - given)) : xstrdup(given);
		rel = xasprintf("content/%s", doc);

		dir = project_path(g, rel);
		row = slash ? xstrdup(given) : NULL;
		free(rel);
		free(doc);
		free(given);
	}
	for (size_t i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	if (dir == NULL || !is_dir(dir)) {
		rc = dir ? usage("no document `%s` in content/", name) : nall == 0 ?
		    usage("no document to preview: content/ holds none (gen init makes a "
		    "project)%s", "") : usage("say which document to preview: gen preview DOC%s",
		    "");
		free(dir);
		free(row);
		free(defout);
		free(chosen);
		return rc;
	}
	project_find_share(g);
	if (fonts_init(g) == -1)
		rc = EXIT_ENV;
	else {
		catch_signals();
		out_lock(g);	/* a build beside it leaves its files alone */
		if (row != NULL && !row_known(g, dir, row)) {
			rc = EXIT_USAGE;
			fonts_fini(g);
		} else
			rc = preview_run(g, dir, row, port, build_job);
		out_unlock();
	}
	free(g->share);
	free(dir);
	free(row);
	free(defout);
	free(chosen);
	return rc;
}

/* What the command line asks for, beside what it sets in struct gen. */
struct options {
	const char	*root, *outdir, *from, *starter, *command;
	int		 port;	/* --port; -1: the project's own */
	int		 quiet, nproc;
	int		 given;	/* --from, --port, --shard, --template, each a bit */
};

/* An option that does nothing for the command `cmd` is a slip, not to be passed over:
 * returns its exit status, or -1. `given` has a bit for each option given (struct options). */
static int
misplaced(int given, const char *cmd)
{
	if ((given & 1 << 0) && strcmp(cmd, "new") != 0)
		return usage("--from is for `gen new DOC --from OLD`, not `%s`", cmd);
	if ((given & 1 << 1) && strcmp(cmd, "preview") != 0)
		return usage("--port is for `gen preview`, not `%s`", cmd);
	if ((given & 1 << 2) && (strcmp(cmd, "new") == 0 ||
	    strcmp(cmd, "preview") == 0 || strcmp(cmd, "init") == 0 ||
	    strcmp(cmd, "templates") == 0))
		return usage("--shard is for `gen build` and `gen jobs`, not `%s`", cmd);
	if ((given & 1 << 3) && strcmp(cmd, "init") != 0)
		return usage("--template is for `gen init [DIR] --template NAME`, not `%s`",
		    cmd);
	if ((given & 1 << 4) && strcmp(cmd, "check") != 0)
		return usage("--report and --json are for `gen check`, not `%s`", cmd);
	if ((given & 1 << 5) && strcmp(cmd, "build") != 0)
		return usage("--keep is for `gen build`, not `%s`", cmd);
	if ((given & 1 << 6) && strcmp(cmd, "build") != 0 &&
	    strcmp(cmd, "check") != 0)
		return usage("--baseline is for `gen build` and `gen check`, not `%s`",
		    cmd);
	return -1;
}

/* Reads the options into g and o, leaving optind at the command; returns -1, or the exit
 * status gen ends with (a slip of the command line, --help, --version). */
static int
parse_options(int argc, char *argv[], struct gen *g, struct options *o)
{
	static const struct option longopts[] = {
		{ "project", required_argument, NULL, 'C' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", no_argument, NULL, 'T' },
		{ "draft", no_argument, NULL, 'd' },
		{ "pdf-only", no_argument, NULL, 'p' },
		{ "html-only", no_argument, NULL, 'H' },
		{ "from", required_argument, NULL, 'F' },
		{ "shard", required_argument, NULL, 'S' },
		{ "port", required_argument, NULL, 'P' },
		{ "template", required_argument, NULL, 'E' },
		{ "marks", no_argument, NULL, 'm' },
		{ "report", no_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'J' },
		{ "keep", no_argument, NULL, 'K' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), k, n;
	const char *end;
	int c, rc, pdf_only = 0, html_only = 0;

	*o = (struct options){ .root = ".", .port = -1,
	    .nproc = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "C:o:qvdpmj:ThV", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
		case 'o':
			if (*optarg == '\0')
				return usage("%s wants a folder, not an empty name", c == 'C' ? "-C" :
				    "-o");
			*(c == 'C' ? &o->root : &o->outdir) = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			g->verbose = 1;
			break;
		case 'T':
			g->trace = 1;
			break;
		case 'd':
			g->draft = 1;
			break;
		case 'p':	/* the PDF alone */
			pdf_only = 1;
			break;
		case 'H':	/* the twin, with the files its pages show */
			html_only = 1;
			break;
		case 'F':
			o->from = optarg;
			o->given |= 1 << 0;
			break;
		case 'P':
			if ((k = parse_number(optarg, 0, 65535, '\0', &end)) < 0)
				return usage("--port wants a port number from 1 to 65535 (0: any "
				    "free one), not `%s`", optarg);
			o->port = (int)k;
			o->given |= 1 << 1;
			break;
		case 'E':
			o->starter = optarg;
			o->given |= 1 << 3;
			break;
		case 'S':
			if ((k = parse_number(optarg, 1, 100000, '/', &end)) < 0 ||
			    (n = parse_number(end + 1, 1, 100000, '\0', &end)) < 0 || k > n)
				return usage("--shard wants K/N, the K-th of N shares, with 1 <= K <= N "
				    "<= 100000, not `%s`", optarg);
			g->shard_k = (unsigned)k;
			g->shard_n = (unsigned)n;
			o->given |= 1 << 2;
			break;
		case 'm':
			g->marks = 1;
			break;
		case 'R':	/* check --report, and --json: the preflight page */
		case 'J':
			g->report = c == 'J' ? 2 : g->report > 0 ? g->report : 1;
			o->given |= 1 << 4;
			break;
		case 'K':
			g->keep = 1;
			o->given |= 1 << 5;
			break;
		case 'B':	/* out/.kept/NAME/: a name of letters, digits and hyphens */
			if (optarg[strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-")] != '\0' || *optarg == '\0' || *optarg == '-' ||
			    strlen(optarg) > 64)
				return usage("--baseline wants a name of letters, digits and hyphens "
				    "(up to 64), as `approved`, not `%s`", optarg);
			g->baseline = optarg;
			o->given |= 1 << 6;
			break;
		case 'j':
			if ((o->nproc = parse_jobs(optarg)) == 0)
				return usage("-j wants a number of processes from 1 to 64, not `%s`",
				    optarg);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_BUILT;
		case 'V':
			puts("gen " GEN_VERSION);
			return EXIT_BUILT;
		default:
			return usage("unknown option `%s`", argv[optind - 1]);
		}
	}
	if (pdf_only && html_only)
		return usage("--pdf-only and --html-only together would write nothing%s", "");
	if (optind >= argc)
		return usage("no command: say `build`, `check` or `init` (gen --help lists them "
		    "all)%s", "");
	if ((rc = misplaced(o->given, argv[optind])) >= 0)
		return rc;
	g->outputs = pdf_only ? OUT_PDF : html_only ? OUT_HTML | OUT_FILES | OUT_REPORT : 0;
	o->command = argv[optind];
	return -1;
}

/* Frees a list of names. */
static void
free_list(char **list, size_t n)
{
	while (n > 0)
		free(list[--n]);
	free(list);
}

/* The documents named from argv[optind] on, or every one, into *docs (folders); rows named
 * as DOC/ROW, and the whole documents named beside them, into g->only. Returns -1, or the
 * exit status of a slip (a name that is not a document). */
static int
named_documents(struct gen *g, int argc, char *argv[], char ***docsp, size_t *ndocsp)
{
	char **docs = NULL, **whole = NULL;
	size_t ndocs = 0, nwhole = 0;

	if (optind == argc) {
		*docsp = all_documents(g, ndocsp);
		return -1;
	}
	for (; optind < argc; optind++) {
		const char *a = argv[optind];
		char *rel;

		for (size_t n = strlen(a); n > 1 && a[n - 1] == '/'; n--)
			argv[optind][n - 1] = '\0';	/* `strategy-2022/` names it too */
		rel = xasprintf("content/%s", a);
		char *dir = strchr(a, '/') ? xstrdup(a) : project_path(g, rel);

		free(rel);
		if (!is_dir(dir) && strchr(a, '/') != NULL && a[0] != '/' && a[0] != '.') {
			/* one output of a document built per row, as `gen jobs` names it */
			char *doc = xstrndup(a, (size_t)(strchr(a, '/') - a));

			rel = xasprintf("content/%s", doc);
			free(dir);
			dir = project_path(g, rel);
			free(rel);
			free(doc);
			if (is_dir(dir)) {
				g->only = xrealloc(g->only, (g->nonly + 1) * sizeof(*g->only));
				g->only[g->nonly++] = xstrdup(a);
				for (size_t k = 0; k < ndocs && dir != NULL; k++)
					if (strcmp(docs[k], dir) == 0) {
						free(dir);
						dir = NULL;	/* listed already */
					}
				if (dir != NULL) {
					docs = xrealloc(docs, (ndocs + 1) * sizeof(*docs));
					docs[ndocs++] = dir;
				}
				continue;
			}
		}

		if (!is_dir(dir) || !has_index(dir)) {
			size_t nall;
			char **all = all_documents(g, &nall), *msgtext;
			const char **names = xcalloc(nall + 1, sizeof(*names)), *near;
			int rc;

			for (size_t k = 0; k < nall; k++)
				names[k] = strrchr(all[k], '/') + 1;
			near = strchr(a, '/') ? NULL : nearest_word(a, names, nall);
			msgtext = near ? xasprintf("no document `%s` (did you mean `%s`?)", a, near) :
			    is_dir(dir) ? xasprintf("`%s` is not a document: a document is a "
			    "folder of content/ that holds index.md", a) :
			    xasprintf("no document `%s` (no such folder in content/)", a);
			rc = usage("%s", msgtext);
			free(msgtext);
			for (size_t k = 0; k < nall; k++)
				free(all[k]);
			free(all);
			free(names);

			free(dir);
			free_list(docs, ndocs);
			free_list(whole, nwhole);
			free_list(g->only, g->nonly);
			g->only = NULL;
			g->nonly = 0;
			return rc;
		}
		/* a whole document, which rows named beside it must not narrow */
		whole = xrealloc(whole, (nwhole + 1) * sizeof(*whole));
		whole[nwhole++] = xstrdup(strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir);
		if (listed(docs, ndocs, dir)) {	/* named twice: built once */
			free(dir);
			continue;
		}
		docs = xrealloc(docs, (ndocs + 1) * sizeof(*docs));
		docs[ndocs++] = dir;
	}
	for (size_t i = 0; i < nwhole; i++)
		if (g->nonly > 0) {
			g->only = xrealloc(g->only, (g->nonly + 1) * sizeof(*g->only));
			g->only[g->nonly++] = whole[i];
		} else
			free(whole[i]);
	free(whole);
	*docsp = docs;
	*ndocsp = ndocs;
	return -1;
}

int
main(int argc, char *argv[])
{
	struct gen g = { 0 };
	struct options o;
	char realroot[PATH_MAX], *content, *defout = NULL, **docs = NULL;
	size_t ndocs = 0;
	int rc, build;

	/* stderr goes to a memory file while documents load and in worker processes; running
	 * out of memory there must still be said where the user sees it. */
	oom_report_to(fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10));	/* above a worker's fd 3 */
	oom_catch_glib();
	oom_catch_crashes();
	oom_thread_stack();
	if ((rc = parse_options(argc, argv, &g, &o)) >= 0)
		return rc;
	if (strcmp(o.command, "init") == 0 || strcmp(o.command, "templates") == 0)
		return project_command(&g, o.root, argc - optind, argv + optind, o.starter);
	if (strcmp(o.command, "new") == 0)
		return new_command(&g, o.root, argc - optind, argv + optind, o.from);
	g.collect = 1;	/* the messages, for the preflight page */
	if (strcmp(o.command, "preview") == 0) {
		rc = preview_command(&g, o.root, o.outdir, argc - optind, argv + optind, o.port);
		msg_forget(&g, 0);
		return rc;
	}
	if (strcmp(o.command, "build") == 0)
		build = 1;
	else if (strcmp(o.command, "jobs") == 0)
		build = 2;
	else if (strcmp(o.command, "check") == 0)
		build = 0;
	else
		return usage("unknown command `%s` (build, check, init, jobs, new, preview or "
		    "templates)", o.command);
	optind++;

	content = xasprintf("%s/content", o.root);
	if (realpath(o.root, realroot) == NULL || !is_dir(content)) {
		free(content);
		return usage("`%s` is not a gen project (it has no content/ folder); run gen in "
		    "the project folder or give -C DIR", o.root);
	}
	free(content);
	g.root = o.root;
	g.realroot = realroot;
	g.jobs = o.nproc;
	g.outdir = o.outdir ? o.outdir : (defout = project_path(&g, "out"));
	g.progress = !o.quiet && isatty(STDERR_FILENO);
	g.epoch = source_date_epoch();
	project_find_share(&g);
	if (fonts_init(&g) == -1) {
		msg_forget(&g, 0);
		free(g.share);
		free(defout);
		return EXIT_ENV;
	}
	catch_signals();
	if ((rc = named_documents(&g, argc, argv, &docs, &ndocs)) >= 0) {
		msg_forget(&g, 0);
		fonts_fini(&g);
		free(defout);
		free(g.share);
		return rc;
	}
	/* A build that writes PDFs here loads libqpdf on a thread while it reads and lays out
	 * its documents; a parent that hands several documents to worker processes writes none
	 * itself (one document built per row on workers still loads it, needlessly). */
	if (build == 1 && !g.trace && (g.outputs == 0 || (g.outputs & OUT_PDF)) &&
	    (getenv("GEN_WORKER") != NULL || g.jobs <= 1 || ndocs <= 1))
		pdf_post_preload();
	if (build == 2)
		jobs_list(&g, docs, ndocs);
	else if (build && !g.trace && (rc = jobs_worker(&g, docs, ndocs, build_job)) >= 0)
		g.status = rc;	/* a worker process of another gen's */
	else if (build && !g.trace) {
		out_lock(&g);
		jobs_run(&g, argv, docs, ndocs, g.jobs, build_job);
		out_unlock();
	} else
		for (size_t i = 0; i < ndocs; i++)
			check_one(&g, docs[i], i, ndocs);
	pdf_post_preload_end();
	msg_flush(&g);
	msg_forget(&g, 0);
	free_list(docs, ndocs);
	free_list(g.only, g.nonly);
	free(defout);
	fonts_fini(&g);
	free(g.share);
	return g.status;
}
