/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_jpeg.c: libFuzzer target over the JPEG loader (make fuzz); see fuzz_image.h. */
#define IMAGE_MAGIC "\xff\xd8\xff"
#include "fuzz_image.h"
