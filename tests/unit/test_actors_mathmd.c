/*  mathmd: statements' Markdown to HTML with TeX math kept exactly as written. */
#include "gv_test.h"
#include "mathmd.h"

#include <stdlib.h>
#include <string.h>

static char *s_html(const char *md)
{
    return mathmd_render(md, strlen(md));
}

static void inline_math_survives_backslash_escapes_and_emphasis(void)
{
    char *h = s_html("Let $S = \\{1, 2\\}$ and $a*b*c$, with $x_1 \\le x_2$.");
    CHECK_CONTAINS(h, "$S = \\{1, 2\\}$");
    CHECK_CONTAINS(h, "$a*b*c$");
    CHECK_CONTAINS(h, "$x_1 \\le x_2$");
    CHECK(h && strstr(h, "<em>") == NULL);
    free(h);
}

static void display_math_may_cross_lines_and_is_html_escaped(void)
{
    char *h = s_html("Sum:\n\n$$\n\\sum_{i<n} a_i \\\\\nb & c\n$$\n\nDone.");
    CHECK_CONTAINS(h, "$$\n\\sum_{i&lt;n} a_i \\\\\nb &amp; c\n$$");
    CHECK_CONTAINS(h, "<p>Done.</p>");
    free(h);
}

static void markdown_around_math_still_renders(void)
{
    char *h = s_html("# Input\n\nTwo **integers** $a$ and $b$ ($|a| \\le 10^9$).\n\n* one\n* two\n");
    CHECK_CONTAINS(h, "<h1>Input</h1>");
    CHECK_CONTAINS(h, "<strong>integers</strong> $a$ and $b$ ($|a| \\le 10^9$).");
    CHECK_CONTAINS(h, "<li>one</li>");
    free(h);
}

static void dollars_that_are_not_math_stay_text(void)
{
    char *h = s_html("It costs $5 and $6. A lone $ sign. $ spaced $ too. Escaped \\$x\\$.");
    CHECK_CONTAINS(h, "It costs $5 and $6. A lone $ sign. $ spaced $ too. Escaped $x$.");
    free(h);
}

static void code_keeps_its_dollars(void)
{
    char *h = s_html("Run `echo $HOME $PATH`.\n\n```\nprice = $a*b*$\n```\n");
    CHECK_CONTAINS(h, "<code>echo $HOME $PATH</code>");
    CHECK_CONTAINS(h, "<pre><code>price = $a*b*$\n</code></pre>");
    free(h);
}

static void raw_html_is_still_dropped(void)
{
    char *h = s_html("<script>alert(1)</script>\n\n$<b>$ and [x](javascript:alert(1))");
    CHECK(h && strstr(h, "<script>") == NULL);
    CHECK_CONTAINS(h, "$&lt;b&gt;$");
    CHECK(h && strstr(h, "javascript:") == NULL);
    free(h);
}

static void token_text_in_the_input_disables_protection_but_renders(void)
{
    char *h = s_html("GVMATH0X and $a*b*$");
    CHECK_CONTAINS(h, "GVMATH0X");
    free(h);
    h = s_html("");
    CHECK(h != NULL);
    free(h);
    h = s_html("$");
    CHECK_CONTAINS(h, "$");
    free(h);
}

int main(void)
{
    RUN(inline_math_survives_backslash_escapes_and_emphasis);
    RUN(display_math_may_cross_lines_and_is_html_escaped);
    RUN(markdown_around_math_still_renders);
    RUN(dollars_that_are_not_math_stay_text);
    RUN(code_keeps_its_dollars);
    RUN(raw_html_is_still_dropped);
    RUN(token_text_in_the_input_disables_protection_but_renders);
    return TEST_SUMMARY();
}
