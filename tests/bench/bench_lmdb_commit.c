/*  bench_lmdb_commit — LMDB's own durable commit rate: one small put per write transaction,
 *  each commit synced, for N seconds, in a directory on the disk under test. This is the
 *  ceiling a design without group commit could reach. Prints "commits_per_s=<n>". */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_lmdb_commit DIR SECONDS\n");
        return 2;
    }
    double secs = atof(argv[2]);
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    int rc = mdb_env_create(&env);
    if (!rc)
        rc = mdb_env_set_mapsize(env, (size_t)1 << 30);
    if (!rc)
        rc = mdb_env_open(env, argv[1], 0, 0600);
    if (!rc)
        rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (!rc)
        rc = mdb_dbi_open(txn, NULL, 0, &dbi);
    if (!rc)
        rc = mdb_txn_commit(txn);
    if (rc) {
        fprintf(stderr, "lmdb: %s\n", mdb_strerror(rc));
        return 1;
    }
    char val[256];
    memset(val, 'x', sizeof val);
    unsigned long long n = 0;
    double t0 = s_now(), t;
    do {
        unsigned long long key = n;
        MDB_val k = {sizeof key, &key}, v = {sizeof val, val};
        if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) || (rc = mdb_put(txn, dbi, &k, &v, 0)) ||
            (rc = mdb_txn_commit(txn))) {
            fprintf(stderr, "lmdb: %s\n", mdb_strerror(rc));
            return 1;
        }
        n++;
        t = s_now();
    } while (t - t0 < secs);
    printf("commits_per_s=%.0f\n", n / (t - t0));
    mdb_env_close(env);
    return 0;
}
