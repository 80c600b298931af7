/* main.c: the command line. `gen build` and `gen check` over the documents in content/,
 * exit statuses, progress on a terminal, and outputs renamed into place only when whole. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

static const char usage_text[] =
"usage: gen [options] build [DOC...]\n"
"       gen [options] check [DOC...]\n"
"\n"
"Builds the documents in content/ into out/: each DOC is a folder name in content/\n"
"(or a path to a folder holding index.md); with none, every document is built.\n"
"`check` reads and validates everything without rendering.\n"
"\n"
"options:\n"
"  -C, --project DIR  the project folder (default: the current folder)\n"
"  -o, --out DIR      where outputs go (default: PROJECT/out)\n"
"  -q, --quiet        no progress, even on a terminal\n"
"  -v, --verbose      say what is written\n"
"  -p, --pdf-only     write the PDFs but not the panels' PNG and SVG files\n"
"  -j, --jobs N       build on up to N processes at once, and lay a long document out\n"
"                     on two threads unless N is 1 (default: one per processor)\n"
"  -d, --draft        a missing picture or link target is a warning, not an error:\n"
"                     a framed placeholder stands in for the picture\n"
"  -T, --trace        print the laid-out pages as text instead of writing PDFs\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"exit status:\n"
"  0  everything asked for was built (or checked)\n"
"  1  a document, template or data file is wrong (messages say file:line:col)\n"
"  2  the command line is wrong\n"
"  3  the environment failed (a file could not be written, fonts missing)\n"
"\n"
"SOURCE_DATE_EPOCH, when set, replaces each document's date in the PDF's metadata.\n";

static int
usage(const char *fmt, const char *arg)
{
	fputs("gen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'gen --help'.\n", stderr);
	return EXIT_USAGE;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every folder in content/ that holds an index.md, in name order. */
static char **
all_documents(struct gen *g, size_t *n)
{
	char *dir = project_path(g, "content"), **v = NULL;
	DIR *dp = opendir(dir);
	struct dirent *e;

	*n = 0;
	while (dp != NULL && (e = readdir(dp)) != NULL) {
		char *index;

		if (e->d_name[0] == '.')
			continue;
		index = xasprintf("%s/%s/index.md", dir, e->d_name);
		if (access(index, F_OK) == 0) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
		}
		free(index);
	}
	if (dp != NULL)
		closedir(dp);
	free(dir);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static int
make_dirs(const char *path)
{
	char *p = xstrdup(path);

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
	if (!is_dir(path)) {	/* a file where the folder should be */
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* The temporary file being written, removed if the build is interrupted: the one piece of
 * state a signal handler can reach, so it is here and nowhere else. */
static char pending[PATH_MAX];

static void
on_signal(int sig)
{
	unlink(pending);	/* async-signal-safe */
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

/* Writes each hundred-children panel alone, as PNG and SVG, in outdir/OUTNAME/. */
static void
write_panels(struct gen *g, const struct doc *d)
{
	char *dir = xasprintf("%s/%s", g->outdir, d->outname), *sub;
	int made = 0;

	for (const struct node *n = d->root->first; n; n = n->next) {
		if (n->type != N_PANELS)
			continue;
		if (!made && make_dirs(dir) == -1) {
			msg(g, MSG_FATAL, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
			break;
		}
		made = 1;
		sub = n->src ? xasprintf("%s/%s", dir, n->src) : xstrdup(dir);
		if (n->src != NULL && make_dirs(sub) == -1) {
			msg(g, MSG_FATAL, sub, 0, 0, "cannot make the folder: %s", strerror(errno));
			free(sub);
			break;
		}
		for (const struct node *p = n->first; p; p = p->next)
			if (hundred_files(g, d->tpl, p, sub) == -1)
				break;
		free(sub);
	}
	free(dir);
}

/* Renders the parsed document to outdir/d->outname.pdf; the file appears only when whole. */
static void
write_pdf(struct gen *g, const struct doc *d)
{
	char *out = xasprintf("%s/%s.pdf", g->outdir, d->outname);
	char *dir = xstrdup(out), *slash = strrchr(dir, '/');
	char *tmp;

	*slash = '\0';
	if (make_dirs(dir) == -1) {
		msg(g, MSG_FATAL, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
		free(dir);
		free(out);
		return;
	}
	tmp = xasprintf("%s/.%s.%ld.tmp", dir, slash + 1, (long)getpid());
	snprintf(pending, sizeof(pending), "%s", tmp);
	if (render_pdf(g, d, tmp, out) == 0) {
		if (rename(tmp, out) == -1)
			msg(g, MSG_FATAL, out, 0, 0, "cannot write: %s", strerror(errno));
		else if (g->verbose)
			fprintf(stderr, "gen: wrote %s\n", out);
		if (!g->pdf_only)
			write_panels(g, d);
	}
	unlink(tmp);
	pending[0] = '\0';
	free(tmp);
	free(dir);
	free(out);
}

/* jobs_run()'s callback: builds document `d`, or its data row `row`. */
static void
build_job(struct gen *g, struct doc *d, long row)
{
	if (row < 0 || doc_row(g, d, (size_t)row) == 0)
		write_pdf(g, d);
}

/* Checks one document, once or once per row of its data; or, with -T, prints its pages. */
static void
check_one(struct gen *g, const char *dir, size_t i, size_t n)
{
	struct doc *d;

	if (g->progress)
		fprintf(stderr, "[%zu/%zu] %s\n", i + 1, n, dir);
	if ((d = doc_load(g, dir)) == NULL)
		return;
	if (d->data.row_table == NULL) {
		if (g->trace) {
			struct pages *ps = layout_document(g, d);

			pages_dump(ps, stdout);
			pages_free(ps);
		}
		doc_free(d);
		return;
	}
	for (size_t r = 0; r < d->data.row_table->nrows; r++) {
		int worst = g->status;

		doc_row(g, d, r);
		g->status = g->status > worst ? g->status : worst;
	}
	doc_free(d);
}

/* The -j argument: a whole number from 1 to 64; 0 when it is not one. */
static int
parse_jobs(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v >= 1 && v <= 64 ? (int)v : 0;
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

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "project", required_argument, NULL, 'C' },
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "trace", no_argument, NULL, 'T' },
		{ "draft", no_argument, NULL, 'd' },
		{ "pdf-only", no_argument, NULL, 'p' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen g = { 0 };
	const char *root = ".", *outdir = NULL;
	char realroot[PATH_MAX], *content, *defout = NULL, **docs = NULL;
	int c, quiet = 0, build;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nproc = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
	size_t ndocs = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "C:o:qvdpj:ThV", longopts, NULL)) != -1) {
		switch (c) {
		case 'C':
			root = optarg;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			g.verbose = 1;
			break;
		case 'T':
			g.trace = 1;
			break;
		case 'd':
			g.draft = 1;
			break;
		case 'p':
			g.pdf_only = 1;
			break;
		case 'j':
			if ((nproc = parse_jobs(optarg)) == 0)
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
	if (optind >= argc)
		return usage("no command: say `build` or `check`%s", "");
	if (strcmp(argv[optind], "build") == 0)
		build = 1;
	else if (strcmp(argv[optind], "check") == 0)
		build = 0;
	else
		return usage("unknown command `%s` (build or check)", argv[optind]);
	optind++;

	content = xasprintf("%s/content", root);
	if (realpath(root, realroot) == NULL || !is_dir(content)) {
		free(content);
		return usage("`%s` is not a gen project (it has no content/ folder); run gen in "
		    "the project folder or give -C DIR", root);
	}
	free(content);
	g.root = root;
	g.realroot = realroot;
	g.jobs = nproc;
	g.outdir = outdir ? outdir : (defout = project_path(&g, "out"));
	g.progress = !quiet && isatty(STDERR_FILENO);
	g.epoch = source_date_epoch();
	if (fonts_init(&g) == -1)
		return EXIT_ENV;
	catch_signals();

	if (optind == argc)
		docs = all_documents(&g, &ndocs);
	else
		for (; optind < argc; optind++) {
			const char *a = argv[optind];
			char *rel = xasprintf("content/%s", a);
			char *dir = strchr(a, '/') ? xstrdup(a) : project_path(&g, rel);

			free(rel);

			if (!is_dir(dir)) {
				size_t nall;
				char **all = all_documents(&g, &nall), *msgtext;
				const char **names = xcalloc(nall + 1, sizeof(*names)), *near;
				int rc;

				for (size_t k = 0; k < nall; k++)
					names[k] = strrchr(all[k], '/') + 1;
				near = strchr(a, '/') ? NULL : nearest_word(a, names, nall);
				msgtext = near ? xasprintf("no document `%s` (did you mean `%s`?)", a, near) :
				    xasprintf("no document `%s` (no such folder in content/)", a);
				rc = usage("%s", msgtext);
				free(msgtext);
				for (size_t k = 0; k < nall; k++)
					free(all[k]);
				free(all);
				free(names);

				free(dir);
				while (ndocs > 0)
					free(docs[--ndocs]);
				free(docs);
				free(defout);
				return rc;
			}
			docs = xrealloc(docs, (ndocs + 1) * sizeof(*docs));
			docs[ndocs++] = dir;
		}
	if (build && !g.trace && (c = jobs_worker(&g, docs, ndocs, build_job)) >= 0)
		g.status = c;	/* a worker process of another gen's */
	else if (build && !g.trace)
		jobs_run(&g, argv, docs, ndocs, g.jobs, build_job);
	else
		for (size_t i = 0; i < ndocs; i++)
			check_one(&g, docs[i], i, ndocs);
	for (size_t i = 0; i < ndocs; i++)
		free(docs[i]);
	free(docs);
	free(defout);
	fonts_fini(&g);
	return g.status;
}
