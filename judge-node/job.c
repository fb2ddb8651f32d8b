/*  job — compile, run, check one submission (see job.h). */
#include "job.h"
#include "gv_log.h"
#include "jtiming.h"
#include "gv_config.h"

#include <czmq.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define JE_PREFIX "judge error: "
#define JOB_INTERACT_SLACK_MS 100

void job_result_clear(job_result_t *res)
{
    free(res->compile_output);
    free(res->tests);
    memset(res, 0, sizeof *res);
}

void job_result_je(job_result_t *res, const char *fmt, ...)
{
    free(res->compile_output);
    free(res->tests);
    memset(res, 0, sizeof *res);
    snprintf(res->verdict, sizeof res->verdict, "JE");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof res->message, fmt, ap);
    va_end(ap);
    res->compile_output = zsys_sprintf(JE_PREFIX "%s", res->message);
}

int job_rmtree(const char *path)
{
    return compile_rmtree(path);
}

uint32_t job_wall_limit_ms(uint32_t time_ms, uint32_t percent, uint32_t extra_ms)
{
    uint64_t scaled = (uint64_t)time_ms * percent / 100u, padded = (uint64_t)time_ms + extra_ms;
    uint64_t ms = scaled > padded ? scaled : padded;
    return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static const char *s_verdict(runner_status_t s)
{
    switch (s) {
    case RUN_OK: return "AC";
    case RUN_TLE: return "TLE";
    case RUN_MLE: return "MLE";
    case RUN_OLE: return "OLE";
    case RUN_RTE: return "RTE";
    default: return "JE";
    }
}

/* The submission's runner spec for one test. */
static void s_run_spec(const job_spec_t *spec, runner_spec_t *rs, char **argv, char **env,
                       const job_test_t *t, const char *out)
{
    compile_runner_spec(rs, spec->lang, env, spec->work_dir, spec->user, spec->slot,
                        spec->cancel_fd);
    if (rs->max_processes < spec->max_processes)
        rs->max_processes = spec->max_processes;
    rs->argv = argv;
    rs->stdin_path = t->input_path;
    rs->stdout_path = out;
    rs->cpu_limit_ms = spec->time_limit_ms;
    rs->wall_limit_ms = spec->wall_limit_ms
                            ? spec->wall_limit_ms
                            : job_wall_limit_ms(spec->time_limit_ms, GV_WALL_TIME_PERCENT_DEFAULT,
                                                GV_WALL_TIME_EXTRA_MS_DEFAULT);
    rs->memory_limit_kb = spec->memory_limit_kb;
    rs->output_limit_bytes = spec->output_limit_bytes;
}

typedef enum { TEST_DONE, TEST_JE, TEST_CANCELLED } test_outcome_t;

/* An interactive test: decides tr->verdict from both runs (rules in job.h). */
static test_outcome_t s_interact(const job_spec_t *spec, runner_spec_t *rs, const job_test_t *t,
                                 job_test_result_t *tr, char *why, size_t whylen)
{
    runner_result_t rp, ri;
    check_verdict_t iv;
    char msg[JOB_MESSAGE_MAX] = "";
    rs->stdout_path = NULL;
    rs->output_limit_bytes = 0; /* stdout is the pipe to the interactor */
    int rc = judgeprog_interact(spec->interactor, rs, t->input_path, t->answer_path, &rp, &ri,
                                &iv, msg, sizeof msg);
    if (rp.cancelled || ri.cancelled || !runner_healthy())
        return TEST_CANCELLED;
    if (rc != 0) {
        snprintf(why, whylen, "%s", msg[0] ? msg : "the interaction could not be run");
        return TEST_JE;
    }
    tr->time_ms = rp.wall_killed ? rp.wall_ms : rp.cpu_ms;
    tr->memory_kb = rp.peak_kb;
    /* The runner does not say which run ended first, so when the interactor answered WA:
     *   - SIGPIPE, or a non-zero exit (typically on the EOF the interactor left): its WA wins;
     *   - another signal (abort, segfault): the submission crashed by itself, RTE;
     *   - TLE/MLE: stands, unless the interactor ended clearly (JOB_INTERACT_SLACK_MS) before
     *     the submission on the wall clock (both start together). */
    bool prog_failed = rp.status != RUN_OK;
    bool sigpipe = rp.term_signal == SIGPIPE;
    bool resource = rp.status == RUN_TLE || rp.status == RUN_MLE;
    bool inter_first = resource ? ri.wall_ms + JOB_INTERACT_SLACK_MS < rp.wall_ms
                                : rp.term_signal == 0;
    const char *v;
    if (iv == CHECK_WA && (!prog_failed || inter_first || sigpipe))
        v = "WA";
    else if (prog_failed && !(sigpipe && iv == CHECK_FAIL))
        v = s_verdict(rp.status);
    else if (iv == CHECK_AC)
        v = "AC";
    else {
        snprintf(why, whylen, "interactor: %s", msg);
        return TEST_JE;
    }
    snprintf(tr->verdict, sizeof tr->verdict, "%s", v);
    snprintf(tr->message, sizeof tr->message, "%s",
             strcmp(v, "WA") == 0 || strcmp(v, "AC") == 0 ? msg : rp.message);
    return TEST_DONE;
}

/* A plain test: run, then check. */
static test_outcome_t s_plain(const job_spec_t *spec, runner_spec_t *rs, const job_test_t *t,
                              const char *out, job_test_result_t *tr, char *why, size_t whylen)
{
    runner_result_t rr;
    long long tt = jtiming_us();
    runner_run(rs, &rr);
    jtiming_mark(&tt, "job.run");
    if (rr.cancelled || !runner_healthy())
        return TEST_CANCELLED;
    if (rr.status == RUN_JE) {
        snprintf(why, whylen, "%s", rr.message);
        return TEST_JE;
    }
    tr->time_ms = rr.wall_killed ? rr.wall_ms : rr.cpu_ms;
    tr->memory_kb = rr.peak_kb;
    struct stat st;
    if (rr.status == RUN_TLE && spec->output_limit_bytes && stat(out, &st) == 0 &&
        (uint64_t)st.st_size >= spec->output_limit_bytes) {
        /* a runtime that ignores SIGXFSZ (the JVM) keeps writing into EFBIG until its time
         * runs out: the full output file says what really stopped it */
        rr.status = RUN_OLE;
        snprintf(rr.message, sizeof rr.message, "output reached the %llu byte limit",
                 (unsigned long long)spec->output_limit_bytes);
    }
    snprintf(tr->verdict, sizeof tr->verdict, "%s", s_verdict(rr.status));
    if (rr.status != RUN_OK) {
        snprintf(tr->message, sizeof tr->message, "%s", rr.message);
        return TEST_DONE;
    }
    char msg[JOB_MESSAGE_MAX] = "";
    check_verdict_t cv;
    if (spec->custom) {
        bool cancelled;
        cv = judgeprog_check(spec->custom, t->input_path, t->answer_path, out, msg, sizeof msg,
                             &cancelled);
        if (cancelled)
            return TEST_CANCELLED;
    } else {
        cv = checker_run(spec->checker, t->answer_path, out, msg, sizeof msg);
    }
    jtiming_mark(&tt, "job.check");
    if (cv == CHECK_FAIL) {
        snprintf(why, whylen, "checker failed: %s", msg);
        return TEST_JE;
    }
    snprintf(tr->verdict, sizeof tr->verdict, "%s", cv == CHECK_AC ? "AC" : "WA");
    snprintf(tr->message, sizeof tr->message, "%s", msg);
    return TEST_DONE;
}

static void s_tests(const job_spec_t *spec, char **env, job_result_t *res)
{
    char **argv = languages_argv(spec->lang->run, spec->lang->source_file, COMPILE_EXE, ".");
    char *out = zsys_sprintf("%s/output", spec->out_dir);
    res->tests = calloc(spec->n_tests ? spec->n_tests : 1, sizeof *res->tests);
    if (!argv || !out || !res->tests) {
        job_result_je(res, "out of memory");
        goto done;
    }
    snprintf(res->verdict, sizeof res->verdict, "AC");
    bool failed = false;
    for (size_t i = 0; i < spec->n_tests && (!failed || spec->run_all); i++) {
        const job_test_t *t = &spec->tests[i];
        long long tp = jtiming_us();
        if (spec->on_test)
            spec->on_test(spec->arg, t->n, res->n_tests ? &res->tests[res->n_tests - 1] : NULL);
        jtiming_mark(&tp, "job.progress_msg");
        runner_spec_t rs;
        s_run_spec(spec, &rs, argv, env, t, out);
        job_test_result_t *tr = &res->tests[res->n_tests];
        memset(tr, 0, sizeof *tr);
        tr->n = t->n;
        memcpy(tr->group, t->group, sizeof tr->group);
        char why[400] = "";
        test_outcome_t o = spec->interactor ? s_interact(spec, &rs, t, tr, why, sizeof why)
                                            : s_plain(spec, &rs, t, out, tr, why, sizeof why);
        if (o == TEST_CANCELLED) { /* stopping, or no runs possible: no verdict */
            res->cancelled = true;
            goto done;
        }
        if (o == TEST_JE) {
            job_result_je(res, "test %u: %s", t->n, why);
            goto done;
        }
        res->n_tests++;
        if (tr->time_ms > res->time_ms)
            res->time_ms = tr->time_ms;
        if (tr->memory_kb > res->memory_kb)
            res->memory_kb = tr->memory_kb;
        if (strcmp(tr->verdict, "AC") != 0 && !failed) {
            failed = true;
            snprintf(res->verdict, sizeof res->verdict, "%s", tr->verdict);
            snprintf(res->message, sizeof res->message, "test %u: %s", t->n, tr->message);
        }
    }
done:
    if (out)
        unlink(out);
    languages_argv_free(&argv);
    zstr_free(&out);
}

void job_run(const job_spec_t *spec, job_result_t *res)
{
    memset(res, 0, sizeof *res);
    long long tj = jtiming_us();
    char *log = zsys_sprintf("%s/compile.log", spec->out_dir);
    char **env = compile_env(spec->lang, spec->work_dir);
    if (!log || !env) {
        job_result_je(res, "out of memory");
        goto done;
    }
    if (zsys_dir_create("%s", spec->out_dir) != 0 || chmod(spec->out_dir, 0700) != 0) {
        job_result_je(res, "cannot make directory %s: %s", spec->out_dir, strerror(errno));
        goto done;
    }
    compile_spec_t cs = {.lang = spec->lang, .source = spec->source,
                         .source_len = spec->source_len, .dir = spec->work_dir,
                         .log_path = log, .user = spec->user, .slot = spec->slot,
                         .cancel_fd = spec->cancel_fd, .cache = spec->cache,
                         .max_processes = spec->max_processes};
    compile_result_t cr;
    jtiming_mark(&tj, "job.out_dir_setup");
    compile_run(&cs, &cr);
    tj = jtiming_us();
    switch (cr.status) {
    case COMPILE_CANCELLED:
        res->cancelled = true;
        break;
    case COMPILE_JE:
        job_result_je(res, "%s", cr.message);
        break;
    case COMPILE_CE:
        snprintf(res->verdict, sizeof res->verdict, "CE");
        snprintf(res->message, sizeof res->message, "%s", cr.message);
        res->compile_output = cr.output;
        cr.output = NULL;
        break;
    case COMPILE_OK:
        res->compile_output = cr.output;
        res->compile_cached = cr.cached;
        cr.output = NULL;
        s_tests(spec, env, res);
        break;
    }
    compile_result_clear(&cr);
    jtiming_mark(&tj, "job.tests_total");
done:
    compile_env_free(&env);
    zstr_free(&log);
    if (res->cancelled) { /* nothing will be reported; keep the result empty */
        job_result_clear(res);
        res->cancelled = true;
    }
}
