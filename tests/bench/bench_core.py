#!/usr/bin/python3
"""Platform-core benchmark (run by `ops/gavel bench`). Prints one table:

  * LMDB's own durable single-put commit rate on the disk the cluster uses;
  * durable submission accepts per second over HTTP — 50 keep-alive connections for 10 s (wrk),
    with p50/p99 latency — against a cluster with no judge attached, so judging does not compete
    for the CPU (submissions just queue, durably);
  * submit → verdict latency for A+B in C with 12 tests on an idle cluster (p50 over 20
    sequential submissions, each with a distinct source so nothing is served from a cache;
    the verdict is seen by polling every 2 ms).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from conftest import RELAXED_LIMITS, Cluster, ROOT, config_with  # noqa: E402

BUILD = os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build-bench"))
os.environ["GAVEL_BUILD"] = BUILD
CONNECTIONS, SECONDS = 50, 10
C_AB = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b);return 0;}\n"


def config_without_judge(path):
    text = open(config_with(**RELAXED_LIMITS)).read()  # one user floods on purpose
    blocks = re.split(r"(?m)^(?=\[\[node\]\])", text)
    kept = [b for b in blocks if not re.search(r'(?m)^role\s*=\s*"judge"', b)]
    open(path, "w").write("".join(kept))


def lmdb_rate(dir_):
    out = subprocess.run([os.path.join(BUILD, "tests", "bench_lmdb_commit"), dir_, "3"],
                         capture_output=True, text=True, check=True).stdout
    return float(out.split("=")[1])


def accept_bench():
    tmp = tempfile.mkdtemp(prefix="gavel-bench-", dir=os.path.join(ROOT, "var") if os.path.isdir(os.path.join(ROOT, "var")) else None)
    cfg = os.path.join(tmp, "bench.toml")
    config_without_judge(cfg)
    c = Cluster(data=os.path.join(tmp, "data"), config=cfg)
    try:
        c.up()
        _, token = c.new_user("bench")
        pid = c.demo_problem()
        env = dict(os.environ, GAVEL_TOKEN=token, GAVEL_PROBLEM=pid)
        lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "submit.lua")
        r = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "-s", lua,
                            c.url + "/api/v1/submissions"], env=env, capture_output=True, text=True)
        m = re.search(r"RESULT (.*)", r.stdout)
        if not m:
            raise SystemExit("wrk failed:\n" + r.stdout + r.stderr)
        res = dict(kv.split("=") for kv in m.group(1).split())
        res = {k: int(v) for k, v in res.items()}
        lmdb = lmdb_rate(tempfile.mkdtemp(dir=tmp))
        # every accepted submission must really be there
        total = c.req("GET", "/api/v1/submissions?per_page=1", token=c.admin()).json()["total"]
        return res, lmdb, total
    finally:
        c.down()


def verdict_bench(n=20):
    c = Cluster(config=config_with(**RELAXED_LIMITS))  # 21 submissions by one user, in turn
    try:
        c.up()
        _, token = c.new_user("lat")
        pid = c.demo_problem()
        c.wait_verdict(token, c.submit(token, pid, "c", C_AB).json()["id"])  # warm-up
        times = []
        for i in range(n):
            src = C_AB + f"/* {i} {time.time_ns()} */\n"
            t0 = time.perf_counter()
            sid = c.submit(token, pid, "c", src).json()["id"]
            while True:
                s = c.req("GET", f"/api/v1/submissions/{sid}", token=token).json()
                if s["status"] == "done":
                    break
                time.sleep(0.002)
            times.append((time.perf_counter() - t0) * 1000)
            assert s["verdict"] == "AC", s
        return statistics.median(times), max(times)
    finally:
        c.down()


def main():
    res, lmdb, total = accept_bench()
    secs = res["duration_us"] / 1e6
    ok = res["requests"] - res["non2xx"]
    rate = ok / secs
    p50, pmax = verdict_bench()
    rows = [
        ("LMDB durable single-put commits/s (same disk)", f"{lmdb:,.0f}", "reference"),
        (f"durable accepts/s, HTTP, {CONNECTIONS} conns, {SECONDS}s", f"{rate:,.0f}", ">= 5,000"),
        ("  accept latency p50", f"{res['p50_us']/1000:.2f} ms", ""),
        ("  accept latency p99", f"{res['p99_us']/1000:.2f} ms", "< 25 ms"),
        ("  non-2xx / socket errors", f"{res['non2xx']} / {res['socket_errors']}", "0 / 0"),
        ("  submissions stored (checked via API)", f"{total:,}", f">= {ok:,}"),
        ("  accepts per LMDB commit-rate", f"{rate / lmdb:.1f}x", "group commit"),
        ("submit -> verdict p50, A+B in C, 12 tests", f"{p50:.0f} ms", "< 150 ms"),
        ("submit -> verdict max of 20", f"{pmax:.0f} ms", ""),
    ]
    w = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{w}}  {'result':>12}  goal")
    print("-" * (w + 30))
    for name, val, goal in rows:
        print(f"{name:<{w}}  {val:>12}  {goal}")
    if total < ok:
        raise SystemExit("FAIL: fewer submissions stored than were acknowledged")


if __name__ == "__main__":
    main()
