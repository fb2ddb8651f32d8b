/*  gv_config — the cluster map, read from cluster.toml.
 *
 *  The file is parsed with toml++ (C++, gv_config.cpp) behind this C interface; Debian has no
 *  C TOML library. Loading is strict: an unknown key, a value of the wrong type or out of
 *  range, a duplicate node name or an actor placed twice is an error whose message names the
 *  file, line, key and a hint ("cluster.toml line 12: unknown key `judge_threds` (did you mean
 *  `judge_threads`?)").
 *
 *  "{data}" inside endpoint strings and paths is replaced by the data directory passed to
 *  gv_config_load(), so several clusters with different data dirs can run side by side.
 *
 *  The struct is public and read-only after loading; everything in it belongs to the config and
 *  is freed by gv_config_destroy().
 */
#ifndef GV_CONFIG_H
#define GV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The edge's limits (issue 10; edge/limits.h): workers kept from streams for plain requests
 * (threads/4, 1..GV_EDGE_STREAM_RESERVE_MAX), and civetweb's request_timeout_ms default. */
#define GV_EDGE_STREAM_RESERVE_MAX 64
#define GV_EDGE_HEADER_TIMEOUT_MS_DEFAULT 10000
static inline uint32_t gv_edge_stream_reserve(uint32_t threads)
{
    uint32_t r = threads / 4;
    if (r < 1) r = 1;
    if (r > GV_EDGE_STREAM_RESERVE_MAX) r = GV_EDGE_STREAM_RESERVE_MAX;
    return r > threads ? threads : r;
}

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults of the sandbox's disk, task and wall-clock bounds (issue 10, points 5 and 6). */
#define GV_LANG_PROCESSES_DEFAULT 64  /* pids.max of a run: threads count, like DOMjudge's 64 */
#define GV_WORK_SIZE_MB_DEFAULT 256   /* a work directory's tmpfs (= the old per-file limit) */
#define GV_WORK_INODES_DEFAULT 10000  /* files in a work directory or a run's /tmp */
#define GV_COMPILE_CACHE_MB_DEFAULT 1024
#define GV_WALL_TIME_PERCENT_DEFAULT 150 /* wall limit = the larger of time limit x 150 % */
#define GV_WALL_TIME_EXTRA_MS_DEFAULT 2000 /* and time limit + 2000 ms (DOMjudge's overshoot) */

typedef enum { GV_ROLE_BROKER, GV_ROLE_ACTORS, GV_ROLE_EDGE, GV_ROLE_JUDGE } gv_role_t;

#define GV_UID_WINDOW_DEFAULT 4096u        /* judge `uid_window` */
#define GV_UID_WINDOW_MAX (1u << 24)        /* uid_base (at most 4e9) + this stays a valid uid */
#define GV_UID_LOCK_DIR_DEFAULT "/run/gavel/uids" /* judge `uid_lock_dir` */

typedef struct {
    char *name;     /* unique across the cluster: "broker", "actors-1", "edge-1", "judge-1" */
    gv_role_t role;
    char *host;     /* host this node runs on ("127.0.0.1", "localhost", a hostname) */

    /* broker: the endpoints it binds (everyone else connects to them) */
    char *router_endpoint; /* requests/replies, ROUTER   e.g. "ipc://{data}/run/broker.sock" */
    char *pub_endpoint;    /* actors publish events here (XSUB) */
    char *sub_endpoint;    /* edges subscribe here (XPUB) */

    /* actors */
    char **actors;         /* singleton actor addresses hosted: "accounts", "problems", ... */
    size_t n_actors;
    bool contests;         /* hosts a share of the contest actors ("contest/<id>") */
    uint64_t map_size_mb;  /* LMDB map size (default 65536 = 64 GiB, sparse) */

    /* edge */
    char *listen;          /* "127.0.0.1:8080" — overridden by `gavel up --http PORT` */
    uint32_t threads;      /* civetweb worker threads (default 64) */
    uint32_t max_streams;  /* event feeds + live WebSockets at once (default threads minus
                              gv_edge_stream_reserve(threads); at most that) */
    uint32_t max_streams_per_address;     /* default max_streams / 2 (at least 1) */
    uint32_t max_connections_per_address; /* 0 = no cap; default threads / 2 (at least 1) */
    uint32_t header_timeout_ms; /* civetweb request_timeout_ms (default 10000) */
    char **trusted_addresses;   /* exempt from the per-address caps (default 127.0.0.1, ::1) */
    size_t n_trusted_addresses;

    /* judge */
    uint32_t slots;        /* jobs run at once (default 1) */
    char *run_user;        /* unprivileged user that runs submissions (default "nobody") */
    char *languages_only;  /* unused unless set: comma list restricting languages */
    bool insecure;         /* judge anyway when isolation cannot be enforced (warns per job) */
    uint32_t uid_base;     /* slot i runs as uid uid_base + i (default 60000) */
    uint32_t tmp_size_mb;  /* size of each run's private /tmp (default 64) */
    uint32_t work_size_mb; /* bytes of a job's work directory, a tmpfs (default 256) */
    uint32_t work_inodes;  /* files + directories in a work directory or a run's /tmp (10000) */
    /* Run uids: each slot has 2 (its submissions', its checkers' and interactors'), reserved
     * host-wide in the first free block of [uid_base, uid_base + uid_window). */
    uint32_t uid_window;   /* run uids are reserved in [uid_base, uid_base + uid_window) */
    char *uid_lock_dir;    /* host-wide directory of uid lock files (default /run/gavel/uids) */
} gv_node_cfg_t;

typedef struct {
    char *id;              /* "c", "cpp", "python3" */
    char *name;            /* "C", "C++", "Python 3" */
    char *source_file;     /* "main.c" — the file name the source is written to */
    char **compile;        /* argv with {src} {exe} {dir} placeholders; NULL/0 = no compile */
    size_t n_compile;
    char **run;            /* argv with the same placeholders */
    size_t n_run;
    char **version;        /* argv that prints the version (first line is kept) */
    size_t n_version;
    uint32_t compile_time_limit_ms; /* default 10000 */
    uint32_t processes;    /* tasks (processes + threads) a run may have, counted by the pids
                              cgroup (default GV_LANG_PROCESSES_DEFAULT = 64) */
    char **binds;          /* extra read-only paths the sandbox must show (toolchains) */
    size_t n_binds;
    char **env;            /* "NAME=value" entries for compile and run */
    size_t n_env;
    char **toolchain;      /* argv the judge runs at start (on the host, as itself): its first
                              line, an absolute directory, replaces {toolchain} in compile,
                              run, version and binds; NULL/0 = none */
    size_t n_toolchain;
} gv_lang_cfg_t;

typedef struct {
    char *path;            /* the file that was loaded */
    char *data_dir;        /* absolute */
    char *cluster_name;

    uint32_t heartbeat_interval_ms; /* default 1000 */
    uint32_t heartbeat_liveness;    /* missed beats before a peer is dead, default 3 */

    uint64_t max_message_bytes;  /* ZMQ_MAXMSGSIZE on every socket, default 64 MiB */
    uint64_t max_body_bytes;     /* HTTP request body cap, default 1 MiB */
    uint64_t max_source_bytes;   /* submission source cap, default 65536 */
    uint32_t request_timeout_ms; /* edge waits this long for an actor reply, default 5000 */

    uint32_t token_ttl_s;        /* session token lifetime, default 86400 */
    uint32_t reoffer_interval_ms; /* judge queue re-offers unfinished jobs this often, default 30000 */
    uint32_t judge_default_time_limit_ms; /* default 2000 */
    uint64_t judge_output_limit_kb;       /* default 65536 */
    uint64_t judge_cache_mb;              /* test data cache bound, default 1024 */
    uint64_t judge_compile_cache_mb;      /* compiled programs kept per judge, default 1024 */
    uint32_t judge_wall_time_percent;     /* a run's wall-clock limit: the larger of its time */
    uint32_t judge_wall_time_extra_ms;    /* limit x percent / 100 and time limit + extra */
    uint32_t contest_submissions_per_minute; /* per user and contest, default 10 */
    uint32_t user_submissions_per_minute; /* per user, practice and contest, default 10 */
    uint32_t max_queued_per_user; /* a user's submissions waiting for a verdict, default 10 */

    gv_node_cfg_t *nodes;
    size_t n_nodes;
    gv_lang_cfg_t *langs;
    size_t n_langs;
} gv_config_t;

/* Loads and validates `path`. Returns NULL with a sentence in err on any problem. */
gv_config_t *gv_config_load(const char *path, const char *data_dir, char *err, size_t errlen);
void gv_config_destroy(gv_config_t **self_p);

const gv_node_cfg_t *gv_config_node(const gv_config_t *c, const char *name);
const gv_node_cfg_t *gv_config_broker(const gv_config_t *c); /* exactly one broker exists */
const gv_lang_cfg_t *gv_config_lang(const gv_config_t *c, const char *id);
/* Name of the actor node that owns `address` ("accounts", "contest/42"), or NULL. Contest
 * actors are spread over the nodes with `contests = true` by a stable hash of the id. */
const char *gv_config_owner(const gv_config_t *c, const char *address);
const char *gv_role_name(gv_role_t r);

#ifdef __cplusplus
}
#endif
#endif
