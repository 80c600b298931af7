/* msg.c: every diagnostic gen prints goes through msg(), in GNU style
 * "file:line:col: level: text", and raises the run's exit status. */
#include <stdarg.h>

#include "gen.h"

static const char *const level_names[] = {
	[MSG_NOTE] = "note",
	[MSG_WARNING] = "warning",
	[MSG_ERROR] = "error",
	[MSG_FATAL] = "error",
};

void
msg(struct gen *g, enum msg_level level, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (file != NULL) {
		fputs(file, stderr);
		if (line > 0) {
			fprintf(stderr, ":%d", line);
			if (col > 0)
				fprintf(stderr, ":%d", col);
		}
		fputs(": ", stderr);
	} else
		fputs("gen: ", stderr);
	fprintf(stderr, "%s: ", level_names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);

	if (level == MSG_ERROR) {
		g->errors++;
		if (g->status < EXIT_INPUT)
			g->status = EXIT_INPUT;
	} else if (level == MSG_FATAL) {
		g->errors++;
		g->status = EXIT_ENV;
	}
}
