/* SPDX-License-Identifier: GPL-3.0-or-later */
/* init.c: `gen init [DIR] [--template NAME]`, a new project from one of the installed
 * starters (starters/NAME/content/DOC/: a document, its data/ and a README saying what each
 * column means), and `gen templates`, the templates a document can name, with the line each
 * says of itself. Called by main.c; reads the installed defaults and writes DIR alone. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "gen.h"

#define MAX_STARTER_DEPTH	6	/* folders in a starter, at most this deep */

/* dir_list()'s filter for folders (not links to them). */
static int
is_folder(const char *dir, const char *name, void *arg)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct stat st;
	int yes = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);

	(void)arg;
	free(path);
	return yes;
}

/* The starters installed: the folders of share/starters, in order. */
static char **
starters(const struct gen *g, size_t *n)
{
	char *dir = g->share ? xasprintf("%s/starters", g->share) : NULL, **v = NULL;

	*n = 0;
	if (dir != NULL)
		v = dir_list(dir, is_folder, NULL, cmp_strings, n);
	free(dir);
	return v;
}

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Copies the folder `from` (inside the installed defaults, read through `reader`) to the new
 * folder `to`: its files and folders, no links. Returns 0, or -1 after msg(). */
static int
copy_tree(struct gen *g, const struct gen *reader, const char *from, const char *to,
    int depth)
{
	DIR *dp;
	struct dirent *e;
	int rc = 0;

	if (depth > MAX_STARTER_DEPTH || (dp = opendir(from)) == NULL) {
		msg(g, MSG_FATAL, from, 0, 0, "cannot read the starter: %s",
		    depth > MAX_STARTER_DEPTH ? "folders nested too deep" : strerror(errno));
		return -1;
	}
	if (mkdir(to, 0777) == -1 && errno != EEXIST) {
		msg(g, MSG_FATAL, to, 0, 0, "cannot make the folder: %s", strerror(errno));
		closedir(dp);
		return -1;
	}
	while (rc == 0 && (e = readdir(dp)) != NULL) {
		char *src, *dst, *text;
		struct stat st;
		size_t len;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		src = xasprintf("%s/%s", from, e->d_name);
		dst = xasprintf("%s/%s", to, e->d_name);
		if (lstat(src, &st) == 0 && S_ISDIR(st.st_mode))
			rc = copy_tree(g, reader, src, dst, depth + 1);
		else if (lstat(src, &st) == 0 && S_ISREG(st.st_mode)) {
			if (read_file(reader, src, MAX_FILE_BYTES, &text, &len) == -1) {
				msg(g, MSG_FATAL, src, 0, 0, "cannot read: %s", read_error(errno));
				rc = -1;
			} else {
				if (write_file(dst, text, len) == -1) {
					msg(g, MSG_FATAL, dst, 0, 0, "cannot write: %s",
					    strerror(errno));
					rc = -1;
				}
				free(text);
			}
		}
		free(src);
		free(dst);
	}
	closedir(dp);
	return rc;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Makes `dir` and the folders above it that are missing. */
static int
make_path(const char *dir)
{
	char *p = xstrdup(dir);
	struct stat st;

	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) == -1 && errno != EEXIST)
				break;
			*s = '/';
		}
	free(p);
	if (mkdir(dir, 0777) == -1 && errno != EEXIST)
		return -1;
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Adds /out/ to DIR/.gitignore (made when missing) unless a line already names out/. */
static int
ignore_out(struct gen *g, const char *dir)
{
	char *path = xasprintf("%s/.gitignore", dir), *text = NULL;
	size_t len = 0;
	struct buf b = { 0 };
	int rc = 0, has = 0;

	if (read_file(NULL, path, MAX_FILE_BYTES, &text, &len) == 0)
		for (char *l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			size_t n = strcspn(l, "\r\n");

			has |= (n == 3 && strncmp(l, "out", 3) == 0) ||
			    (n == 4 && (strncmp(l, "out/", 4) == 0 || strncmp(l, "/out", 4) == 0)) ||
			    (n == 5 && strncmp(l, "/out/", 5) == 0);
		}
	else if (errno != ENOENT) {
		msg(g, MSG_FATAL, path, 0, 0, "cannot read: %s", read_error(errno));
		free(path);
		return -1;
	}
	if (!has) {
		buf_add(&b, text ? text : "", len);
		if (len > 0 && text[len - 1] != '\n')
			buf_addc(&b, '\n');
		buf_adds(&b, "# What gen builds: made again by `gen build`, never edited by hand.\n"
		    "/out/\n");
		if (write_file(path, b.s, b.len) == -1) {
			msg(g, MSG_FATAL, path, 0, 0, "cannot write: %s", strerror(errno));
			rc = -1;
		}
		buf_free(&b);
	}
	free(text);
	free(path);
	return rc;
}

/* Moves each thing the starter holds (made in `tmp`) into `dir`, where nothing of the name
 * may be yet. Returns 0, or -1 after msg(). */
static int
move_in(struct gen *g, const char *tmp, const char *dir)
{
	DIR *dp = opendir(tmp);
	struct dirent *e;
	int rc = 0;

	while (rc == 0 && dp != NULL && (e = readdir(dp)) != NULL) {
		char *from, *to;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		from = xasprintf("%s/%s", tmp, e->d_name);
		to = xasprintf("%s/%s", dir, e->d_name);
		if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == -1) {
			msg(g, MSG_FATAL, to, 0, 0, "cannot put the starter's %s in place: %s",
			    e->d_name, strerror(errno));
			rc = -1;
		}
		free(from);
		free(to);
	}
	if (dp != NULL)
		closedir(dp);
	return rc;
}

/* Prints what was made (the documents in DIR/content) and what to do next. */
static void
say_made(const char *dir, const char *kind)
{
	char *content = xasprintf("%s/content", dir), *quoted;
	DIR *dp = opendir(content);
	struct dirent *e;

	printf("Made a %s project in %s:\n", kind, dir);
	while (dp != NULL && (e = readdir(dp)) != NULL)
		if (e->d_name[0] != '.')
			printf("  content/%s/  its document: index.md to edit, and data/ (its "
			    "README.md says what each column means)\n", e->d_name);
	if (dp != NULL)
		closedir(dp);
	/* quoted only where a shell needs it */
	quoted = strpbrk(dir, " \t'\"$`\\!&;|<>()*?[]#~{}") ? g_shell_quote(dir) :
	    g_strdup(dir);
	printf("Next: cd %s, then `gen build` (the PDF and web pages go to out/) or "
	    "`gen preview`.\n", quoted);
	g_free(quoted);
	free(content);
}

int
init_project(struct gen *g, const char *dir, const char *kind)
{
	char **names, *from, *content, *tmp;
	size_t n;
	struct stat st;
	int rc = 0, found = 0;
	struct gen reader;

	if (g->share == NULL) {
		msg(g, MSG_FATAL, NULL, 0, 0, "gen's installed defaults (templates, fonts, "
		    "starters) were not found beside the program: reinstall gen");
		return g->status;
	}
	names = starters(g, &n);
	for (size_t i = 0; i < n && !found; i++)
		found = strcmp(names[i], kind) == 0;
	if (!found) {
		const char *near = nearest_word(kind, (const char *const *)names, n);
		struct buf all = { 0 };

		for (size_t i = 0; i < n; i++) {
			buf_adds(&all, names[i]);
			buf_adds(&all, i + 2 < n ? ", " : i + 1 < n ? " or " : "");
		}
		rc = near ? msg_usage("no starter `%s` (did you mean `%s`?)", kind, near) :
		    msg_usage("no starter `%s`: --template takes %s", kind, all.s ? all.s : "none");
		buf_free(&all);
		free_names(names, n);
		return rc;
	}
	free_names(names, n);
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		return msg_usage("`%s` is a file: gen init makes a project in a folder", dir);
	content = xasprintf("%s/content", dir);
	if (lstat(content, &st) == 0) {
		free(content);
		return msg_usage("`%s` already holds a gen project (it has a content/ folder): "
		    "start a new one in another folder, e.g. gen init NEW-FOLDER", dir);
	}
	free(content);
	if (make_path(dir) == -1) {
		msg(g, MSG_FATAL, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
		return g->status;
	}
	/* Made whole in a hidden folder beside, then moved in: never half a project. */
	tmp = xasprintf("%s/.gen-init-XXXXXX", dir);
	if (mkdtemp(tmp) == NULL) {
		msg(g, MSG_FATAL, dir, 0, 0, "cannot write in the folder: %s", strerror(errno));
		free(tmp);
		return g->status;
	}
	from = xasprintf("%s/starters/%s", g->share, kind);
	reader = project_reader(g, 1);
	if (copy_tree(g, &reader, from, tmp, 0) == 0 && move_in(g, tmp, dir) == 0 &&
	    ignore_out(g, dir) == 0)
		say_made(dir, kind);
	nftw(tmp, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(from);
	free(tmp);
	return g->status;
}

int
list_templates(struct gen *g)
{
	size_t n, ns;
	char **names = project_list(g, "templates", ".xml", &n), **kinds = starters(g, &ns);
	int width = 0;

	for (size_t i = 0; i < n; i++)
		width = (int)strlen(names[i]) > width ? (int)strlen(names[i]) : width;
	for (size_t i = 0; i < n; i++) {
		int installed;
		char *about;

		if (strcmp(names[i], "words") == 0)
			continue;	/* the words every template reads, not one to name */
		about = template_description(g, names[i], &installed);

		printf("%-*s  %s%s\n", width, names[i], about ? about : "(it says nothing of "
		    "itself: <template description=…>)", installed ? "" : " [this project's]");
		free(about);
	}
	if (ns > 0) {
		printf("Starters (gen init --template NAME):");
		for (size_t k = 0; k < ns; k++)
			printf(" %s", kinds[k]);
		putchar('\n');
	}
	if (n == 0)
		msg(g, MSG_FATAL, NULL, 0, 0, "no templates: the project has no templates/ "
		    "folder, and gen's installed ones were not found beside the program");
	free_names(names, n);
	free_names(kinds, ns);
	return g->status;
}
