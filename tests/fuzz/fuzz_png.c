/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_png.c: libFuzzer target over the PNG loader (make fuzz); see fuzz_image.h. */
#define IMAGE_MAGIC "\x89PNG\r\n\x1a\n"
#include "fuzz_image.h"
