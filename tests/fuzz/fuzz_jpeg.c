/* fuzz_jpeg.c: libFuzzer target over the JPEG loader (make fuzz); see fuzz_image.h. */
#define IMAGE_MAGIC "\xff\xd8\xff"
#include "fuzz_image.h"
