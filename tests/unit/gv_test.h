/*  gv_test — the smallest test harness that tells you what failed: CHECK keeps going and
 *  counts, the runner prints "N passed, N failed" and exits non-zero on any failure. */
#ifndef GV_TEST_H
#define GV_TEST_H
#include <stdio.h>
#include <string.h>

static int gv_test_failures, gv_test_checks;
#define CHECK(cond)                                                                              \
    do {                                                                                         \
        gv_test_checks++;                                                                        \
        if (!(cond)) {                                                                           \
            gv_test_failures++;                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);             \
        }                                                                                        \
    } while (0)
#define CHECK_STR(a, b) CHECK((a) != NULL && strcmp((a), (b)) == 0)
#define CHECK_CONTAINS(hay, needle) CHECK((hay) != NULL && strstr((hay), (needle)) != NULL)

static int gv_test_passed, gv_test_failed;
#define RUN(fn)                                                                                  \
    do {                                                                                         \
        int before = gv_test_failures;                                                           \
        fn();                                                                                    \
        if (gv_test_failures == before) {                                                        \
            gv_test_passed++;                                                                    \
            printf("ok   %s\n", #fn);                                                            \
        } else {                                                                                 \
            gv_test_failed++;                                                                    \
            printf("FAIL %s\n", #fn);                                                            \
        }                                                                                        \
    } while (0)
#define TEST_SUMMARY()                                                                           \
    (printf("%d passed, %d failed\n", gv_test_passed, gv_test_failed), gv_test_failed ? 1 : 0)
#endif
