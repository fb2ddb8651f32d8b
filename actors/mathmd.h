/*  mathmd — a problem statement's Markdown to HTML, TeX math kept for KaTeX.
 *
 *  Math spans ($...$ on one line, $$...$$ across lines) reach the HTML exactly as written
 *  (HTML-escaped), so CommonMark's backslash escapes and emphasis never touch them; the
 *  browser renders them with KaTeX. Code spans and fenced code blocks stay code. Rendering
 *  is cmark's safe mode (raw HTML and javascript: links are dropped).
 */
#ifndef ACTORS_MATHMD_H
#define ACTORS_MATHMD_H

#include <stddef.h>

/* Spans protected per statement; later ones are left to Markdown. */
#define MATHMD_MAX_SPANS 20000

/* The HTML (malloc'ed, NUL-terminated; free() it), or NULL when out of memory. */
char *mathmd_render(const char *md, size_t len);

#endif
