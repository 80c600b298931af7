/* SPDX-License-Identifier: GPL-3.0-or-later */
/* replay.c: runs a fuzz target (linked with it, built by the ordinary compiler with the
 * sanitizers) once over each file named on the command line: the seeds and every past
 * finding kept in tests/fuzz/corpus, replayed by `make test` so a fixed crash stays fixed
 * and the targets keep building. Prints "PASS corpus-file" per file that returns. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../gen/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		char *data;
		size_t len;

		if (read_file(NULL, argv[i], 1 << 20, &data, &len) == -1) {
			printf("FAIL %s cannot be read\n", argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		printf("PASS %s\n", argv[i]);
		fflush(stdout);
	}
	return 0;
}
