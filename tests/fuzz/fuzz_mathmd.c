/*  libFuzzer target: problem statements (jury input, shown to every contestant) through
 *  mathmd_render. Nothing may crash or leak; math tokens never leak into the output. */
#include "mathmd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *html = mathmd_render((const char *)data, size);
    if (html && !memmem(data, size, "GVMATH", 6) && strstr(html, "GVMATH")) abort();
    free(html);
    return 0;
}
