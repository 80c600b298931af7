/* SPDX-License-Identifier: GPL-3.0-or-later */
/* project.c: where a project's files come from. A project's own templates/ and fonts/ come
 * first; a file it lacks is taken from gen's installed defaults, found beside the program
 * (PREFIX/share/gen for PREFIX/bin/gen, so an extracted package works too; the source tree
 * for a gen run where it was built). Called by main.c (find, report), template.c and html.c
 * (a file of templates/ or fonts/) and fonts.c (the font folders). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

#include "gen.h"

static int
has_dir(const char *base, const char *sub)
{
	char *p = xasprintf("%s/%s", base, sub);
	struct stat st;
	int ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return ok;
}

/* A folder of defaults: it holds templates/ and fonts/. Returns it resolved, or NULL. */
static char *
defaults_at(const char *dir)
{
	char real[PATH_MAX];

	if (realpath(dir, real) == NULL || !has_dir(real, "templates") || !has_dir(real, "fonts"))
		return NULL;
	return xstrdup(real);
}

void
project_find_share(struct gen *g)
{
	char exe[PATH_MAX], *bin, *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	g->share = NULL;
	if (n <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	bin = xasprintf("%s/../share/gen", exe);	/* installed: PREFIX/bin/gen */
	if ((g->share = defaults_at(bin)) == NULL) {
		free(bin);
		bin = xasprintf("%s/..", exe);	/* gen/gen or build/gen in the source tree */
		if (has_dir(bin, "starters"))
			g->share = defaults_at(bin);
	}
	free(bin);
}

/* Whether gen takes files from the installed defaults: they were found, and they are not
 * the project itself (gen run in its own source tree). */
static int
share_apart(const struct gen *g)
{
	return g->share != NULL && (g->realroot == NULL || strcmp(g->share, g->realroot) != 0);
}

char *
project_file(const struct gen *g, const char *rel, int *installed)
{
	char *own = project_path(g, rel), *shared;
	struct stat st;

	*installed = 0;
	/* The project's own, even a link or a file it cannot read: reading it says so. */
	if (!share_apart(g) || lstat(own, &st) == 0 || errno != ENOENT)
		return own;
	shared = xasprintf("%s/%s", g->share, rel);
	if (stat(shared, &st) == -1) {
		free(shared);
		return own;
	}
	free(own);
	*installed = 1;
	return shared;
}

struct gen
project_reader(const struct gen *g, int installed)
{
	struct gen r = *g;

	if (installed) {	/* reads must stay inside the installed defaults */
		r.realroot = g->share;
		r.docroot = NULL;
	}
	return r;
}

int
project_read(struct gen *g, const char *rel, char **path, char **text, size_t *len)
{
	int installed;
	struct gen r;

	*path = project_file(g, rel, &installed);
	r = project_reader(g, installed);
	return read_file(&r, *path, MAX_FILE_BYTES, text, len);
}

char **
project_list(const struct gen *g, const char *rel, const char *ext, size_t *n)
{
	char *dirs[2], **names = NULL;
	size_t el = strlen(ext);

	*n = 0;
	dirs[0] = project_path(g, rel);
	dirs[1] = share_apart(g) ? xasprintf("%s/%s", g->share, rel) : NULL;
	for (int k = 0; k < 2 && dirs[k] != NULL; k++) {
		DIR *dp = opendir(dirs[k]);
		struct dirent *e;

		while (dp != NULL && (e = readdir(dp)) != NULL) {
			size_t l = strlen(e->d_name), i;
			char *name;

			if (e->d_name[0] == '.' || l <= el || strcmp(e->d_name + l - el, ext) != 0)
				continue;
			name = xstrndup(e->d_name, l - el);
			for (i = 0; i < *n && strcmp(names[i], name) != 0; i++)
				;
			if (i < *n) {	/* the project's own, listed already */
				free(name);
				continue;
			}
			names = xrealloc(names, (*n + 1) * sizeof(*names));
			names[(*n)++] = name;
		}
		if (dp != NULL)
			closedir(dp);
		free(dirs[k]);
	}
	if (*n > 1)
		qsort(names, *n, sizeof(*names), cmp_strings);
	return names;
}

/* Appends `s` to b with XML's five characters escaped. */
static void
xml_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&apos;"); break;
		default: buf_addc(b, *s);
		}
}

int
project_fonts(struct gen *g)
{
	char own[PATH_MAX], *dirs[2] = { NULL, NULL }, *fonts;
	struct buf conf = { 0 };
	FcConfig *fc;
	int ok;

	fonts = xasprintf("%s/fonts", g->realroot);
	if (has_dir(g->realroot, "fonts") && realpath(fonts, own) != NULL)
		dirs[0] = xstrdup(own);
	free(fonts);
	if (g->share != NULL) {
		fonts = xasprintf("%s/fonts", g->share);
		if (dirs[0] == NULL || strcmp(dirs[0], fonts) != 0)
			dirs[dirs[0] != NULL] = fonts;
		else
			free(fonts);
	}
	if (dirs[0] == NULL) {
		msg(g, MSG_FATAL, "fonts", 0, 0, "no fonts: the project has no fonts/ folder, and "
		    "gen's installed fonts were not found beside the program (reinstall gen, or "
		    "copy a fonts/ folder into the project)");
		return -1;
	}
	/* Only these folders, the project's first: fontconfig takes the first of two fonts
	 * that match alike. No system font is ever scanned, and none is looked for again. */
	buf_adds(&conf, "<?xml version=\"1.0\"?>\n<fontconfig>\n");
	for (int i = 0; i < 2 && dirs[i] != NULL; i++) {
		buf_adds(&conf, "  <dir>");
		xml_text(&conf, dirs[i]);
		buf_adds(&conf, "</dir>\n");
		free(dirs[i]);
	}
	/* fontconfig's own caches, where it keeps them when a configuration names none */
	buf_adds(&conf, "  <cachedir>/var/cache/fontconfig</cachedir>\n"
	    "  <cachedir prefix=\"xdg\">fontconfig</cachedir>\n"
	    "  <config><rescan><int>0</int></rescan></config>\n</fontconfig>\n");
	fc = FcConfigCreate();
	ok = fc != NULL && FcConfigParseAndLoadFromMemory(fc, (const FcChar8 *)conf.s, FcTrue) &&
	    FcConfigBuildFonts(fc) && FcConfigSetCurrent(fc);
	if (fc != NULL)
		FcConfigDestroy(fc);	/* fontconfig keeps its own reference to the current */
	buf_free(&conf);
	if (!ok) {
		msg(g, MSG_FATAL, "fonts", 0, 0, "the font configuration could not be made");
		return -1;
	}
	return 0;
}

/* Prints "  WHAT  NAME PATH (this project)" or "… (installed)" for `path`. */
static void
say_from(const struct gen *g, const char *what, const char *name, const char *path)
{
	char real[PATH_MAX];
	size_t sl = share_apart(g) ? strlen(g->share) : 0, rl = strlen(g->realroot);
	int installed;

	if (realpath(path, real) == NULL)
		snprintf(real, sizeof(real), "%s", path);
	installed = sl > 0 && strncmp(real, g->share, sl) == 0 && real[sl] == '/';
	if (!installed && path[0] == '/' && strncmp(path, g->realroot, rl) == 0 &&
	    path[rl] == '/')
		path += rl + 1;	/* the project's, as the user writes it */
	printf("  %-9s %s%s%s (%s)\n", what, name ? name : "", name ? ": " : "",
	    installed ? real : path, installed ? "installed" : "this project");
}

/* Prints the folder fontconfig takes `family` from. */
static void
say_font(const struct gen *g, const char *family)
{
	FcPattern *pat = FcPatternCreate(), *match;
	FcResult res;
	FcChar8 *file;

	FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	if (match != NULL && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch) {
		char *dir = xstrdup((const char *)file);

		*strrchr(dir, '/') = '\0';
		say_from(g, "font", family, dir);
		free(dir);
	}
	if (match != NULL)
		FcPatternDestroy(match);
	FcPatternDestroy(pat);
}

void
project_report(const struct gen *g, const struct doc *d)
{
	const struct template *t = d->tpl;

	printf("%s:\n", d->name);
	for (size_t i = 0, named = 0; i < t->nfiles; i++) {
		const char *base = strrchr(t->files[i], '/');

		if (strcmp(base ? base + 1 : t->files[i], "words.xml") == 0)
			say_from(g, "words", NULL, t->files[i]);	/* read before the template */
		else
			say_from(g, named++ == 0 ? "template" : "includes", NULL, t->files[i]);
	}
	if (t->logo_path != NULL)
		say_from(g, "logo", NULL, t->logo_path);
	for (int r = 0; r < R_NROLES; r++) {
		int seen = 0;

		for (int k = 0; k < r && !seen; k++)
			seen = strcmp(t->role[k].family, t->role[r].family) == 0;
		if (!seen)
			say_font(g, t->role[r].family);
	}
}
