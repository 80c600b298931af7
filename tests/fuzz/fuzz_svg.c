/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_svg.c: libFuzzer target over the SVG loader (make fuzz); see fuzz_image.h. */
#define IMAGE_MAGIC "<svg"
#include "fuzz_image.h"
