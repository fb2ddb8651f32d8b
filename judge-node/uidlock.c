/*  uidlock — host-wide uid reservation with lock files (see uidlock.h). */
#include "uidlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

struct uidlock {
    uint32_t first, count;
    int *fds; /* one locked lock file per uid, held until destroy */
};

/* A run of taken uids with one holder, for the refusal. */
typedef struct {
    uint32_t lo, hi;
    char holder[UIDLOCK_HOLDER_MAX];
} taken_t;

typedef struct {
    taken_t shown[UIDLOCK_SHOWN_HOLDERS];
    size_t n_shown;
    uint64_t more; /* taken uids beyond the shown ranges */
    uint64_t total;
} taken_list_t;

static void s_note_taken(taken_list_t *t, uint32_t uid, const char *holder)
{
    t->total++;
    taken_t *last = t->n_shown ? &t->shown[t->n_shown - 1] : NULL;
    if (last && last->hi + 1 == uid && strcmp(last->holder, holder) == 0) {
        last->hi = uid;
        return;
    }
    if (t->n_shown == UIDLOCK_SHOWN_HOLDERS) {
        t->more++;
        return;
    }
    taken_t *n = &t->shown[t->n_shown++];
    n->lo = n->hi = uid;
    snprintf(n->holder, sizeof n->holder, "%s", holder);
}

/* mkdir -p with 0755 for each missing component; then the directory must be ours and
 * writable by nobody else (anyone who could write it could steal or fake reservations).
 * Returns an O_DIRECTORY descriptor, or -1 with err. */
static int s_open_dir(const char *dir, char *err, size_t errlen)
{
    char p[4096];
    if (dir[0] != '/' || strlen(dir) >= sizeof p) {
        snprintf(err, errlen, "the uid lock directory `%s` must be an absolute path", dir);
        return -1;
    }
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen,
                     "cannot create the uid lock directory %s (at %s: %s): create it, or set "
                     "`uid_lock_dir` on this judge node in cluster.toml to a directory every "
                     "judge on this host shares",
                     dir, p, strerror(errno));
            return -1;
        }
        if (!s)
            break;
        *s = '/';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open the uid lock directory %s: %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 022)) {
        snprintf(err, errlen,
                 "the uid lock directory %s is owned by uid %u with mode %03o, but must be owned "
                 "by uid %u and writable by nobody else: fix it (chown, chmod go-w)",
                 dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

/* Opens <dfd>/<name> as a regular file for locking. -1 with err. */
static int s_open_file(int dfd, const char *dir, const char *name, char *err, size_t errlen)
{
    int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "cannot open the uid lock file %s/%s: %s", dir, name,
                 fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* 1 locked (*out = fd), 0 taken (holder filled), -1 error (err filled). holder NULL: only
 * look (a free uid is unlocked again at once and its file left as it was). */
static int s_lock_uid(int dfd, const char *dir, uint32_t uid, const char *holder, int *out,
                      char *who, size_t wholen, char *err, size_t errlen)
{
    char name[16];
    snprintf(name, sizeof name, "%u", (unsigned)uid);
    int fd = s_open_file(dfd, dir, name, err, errlen);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e != EWOULDBLOCK) {
            snprintf(err, errlen, "cannot lock %s/%s: %s", dir, name, strerror(e));
            close(fd);
            return -1;
        }
        ssize_t n = pread(fd, who, wholen - 1, 0);
        size_t len = n > 0 ? (size_t)n : 0;
        while (len && (who[len - 1] == '\n' || who[len - 1] == ' '))
            len--;
        who[len] = '\0';
        for (size_t i = 0; i < len; i++) /* one line, printable */
            if ((unsigned char)who[i] < 0x20 || who[i] == 0x7f)
                who[i] = ' ';
        if (!len)
            snprintf(who, wholen, "a process that left no name in %s/%s", dir, name);
        close(fd);
        return 0;
    }
    if (!holder) {
        close(fd);
        return 1;
    }
    size_t hl = strlen(holder);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, holder, hl, 0) != (ssize_t)hl ||
        pwrite(fd, "\n", 1, (off_t)hl) != 1) {
        snprintf(err, errlen, "cannot write %s/%s: %s", dir, name, strerror(errno));
        close(fd);
        return -1;
    }
    *out = fd;
    return 1;
}

static void s_refusal(const taken_list_t *t, uint32_t base, uint32_t window, uint32_t count,
                      char *err, size_t errlen)
{
    uint64_t last = (uint64_t)base + window - 1;
    int n = snprintf(err, errlen,
                     "cannot reserve %u consecutive run uids for this judge: its window %u..%llu "
                     "(uid_base %u, uid_window %u) has no free block:",
                     (unsigned)count, (unsigned)base, (unsigned long long)last, (unsigned)base,
                     (unsigned)window);
    for (size_t i = 0; i < t->n_shown && n >= 0 && (size_t)n < errlen; i++) {
        const taken_t *r = &t->shown[i];
        if (r->lo == r->hi)
            n += snprintf(err + n, errlen - (size_t)n, "%s uid %u is taken by %s", i ? ";" : "",
                          (unsigned)r->lo, r->holder);
        else
            n += snprintf(err + n, errlen - (size_t)n, "%s uids %u..%u are taken by %s",
                          i ? ";" : "", (unsigned)r->lo, (unsigned)r->hi, r->holder);
    }
    if (t->more && n >= 0 && (size_t)n < errlen)
        n += snprintf(err + n, errlen - (size_t)n, "; and %llu more uids by other judges",
                      (unsigned long long)t->more);
    if (n >= 0 && (size_t)n < errlen)
        snprintf(err + n, errlen - (size_t)n,
                 ". Stop a judge that holds them, or give this judge node another `uid_base` "
                 "or a larger `uid_window` in cluster.toml");
}

/* One open file per held uid: make room for count of them beside what the judge needs. */
static int s_room_for_fds(uint32_t count, char *err, size_t errlen)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)count + UIDLOCK_FD_HEADROOM;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
        snprintf(err, errlen,
                 "holding %u uid locks needs %llu open files but the judge may open only %llu: "
                 "raise its hard open-file limit (ulimit -Hn, or LimitNOFILE= in its unit), or "
                 "give it fewer slots",
                 (unsigned)count, (unsigned long long)need, (unsigned long long)rl.rlim_max);
        return -1;
    }
    rl.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
        snprintf(err, errlen, "cannot raise the open-file limit to %llu: %s",
                 (unsigned long long)need, strerror(errno));
        return -1;
    }
    return 0;
}

uidlock_t *uidlock_reserve(const char *dir, uint32_t base, uint32_t window, uint32_t count,
                           const char *holder, char *err, size_t errlen)
{
    if (!dir || !holder || count == 0 || window < count ||
        (uint64_t)base + window > (uint64_t)UINT32_MAX) {
        snprintf(err, errlen, "cannot reserve %u uids in a window of %u from %u", (unsigned)count,
                 (unsigned)window, (unsigned)base);
        return NULL;
    }
    uidlock_t *self = calloc(1, sizeof *self);
    int *fds = calloc(count, sizeof *fds);
    taken_list_t *taken = calloc(1, sizeof *taken);
    char *who = malloc(UIDLOCK_HOLDER_MAX);
    int dfd = -1, scan = -1;
    bool ok = false;
    if (!self || !fds || !taken || !who) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (s_room_for_fds(count, err, errlen) != 0 || (dfd = s_open_dir(dir, err, errlen)) < 0 ||
        (scan = s_open_file(dfd, dir, ".scan", err, errlen)) < 0)
        goto done;
    int rc;
    while ((rc = flock(scan, LOCK_EX)) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        snprintf(err, errlen, "cannot lock %s/.scan: %s", dir, strerror(errno));
        goto done;
    }
    /* Each uid is tried in at most one attempt: after a taken uid the next attempt starts
     * just past it, so the scan is O(window). */
    uint64_t start = base, end = (uint64_t)base + window;
    while (!ok && start + count <= end) {
        uint32_t got = 0;
        rc = 1;
        while (got < count && (rc = s_lock_uid(dfd, dir, (uint32_t)(start + got), holder,
                                               &fds[got], who, UIDLOCK_HOLDER_MAX, err,
                                               errlen)) == 1)
            got++;
        if (got == count) {
            ok = true;
            break;
        }
        for (uint32_t i = 0; i < got; i++)
            close(fds[i]);
        if (rc < 0)
            goto done;
        s_note_taken(taken, (uint32_t)(start + got), who);
        start += got + 1;
    }
    if (!ok) {
        /* The uids past the last attempt were too few to try: look at them too, so the
         * refusal names every taken uid of the window (between attempts all were free). */
        for (; start < end; start++) {
            int fd = -1;
            rc = s_lock_uid(dfd, dir, (uint32_t)start, NULL, &fd, who, UIDLOCK_HOLDER_MAX, err,
                            errlen);
            if (rc < 0)
                goto done;
            if (rc == 0)
                s_note_taken(taken, (uint32_t)start, who);
        }
        s_refusal(taken, base, window, count, err, errlen);
        goto done;
    }
    self->first = (uint32_t)start;
    self->count = count;
    self->fds = fds;
    fds = NULL;
done:
    if (scan >= 0)
        close(scan); /* releases the scan lock; the uid locks stay */
    if (dfd >= 0)
        close(dfd);
    free(fds);
    free(taken);
    free(who);
    if (!ok) {
        free(self);
        self = NULL;
    }
    return self;
}

void uidlock_destroy(uidlock_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    uidlock_t *self = *self_p;
    for (uint32_t i = 0; self->fds && i < self->count; i++)
        close(self->fds[i]);
    free(self->fds);
    free(self);
    *self_p = NULL;
}

uint32_t uidlock_first(const uidlock_t *self)
{
    return self ? self->first : 0;
}

uint32_t uidlock_count(const uidlock_t *self)
{
    return self ? self->count : 0;
}
