#!/usr/bin/python3
"""Sandbox benchmark (issue 3). Prints one table:

  * the sandbox's per-run cost for /bin/true and for A+B in C (median of 500 runs, through
    runner_run() as the judge makes them) beside a plain fork/exec of the same program, and the
    difference (goal: at most 1.0 ms per run);
  * judge throughput: 200 A+B submissions in C, 12 tests each, through a real cluster (submitted
    at once, timed until the last verdict), beside the same work (gcc compile + 12 runs + an
    answer comparison per submission) done by a plain shell loop without a sandbox
    (goal: at least 0.9x the loop).

Run as root (the sandbox needs it): `GAVEL_BUILD=build-sandbox tests/bench/bench_judge.py`.
The per-run helper (bench_sandbox_runs.c) is compiled here against the build's judge core.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from conftest import RELAXED_LIMITS, Cluster, ROOT, config_with  # noqa: E402

BUILD = os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build-sandbox"))
os.environ["GAVEL_BUILD"] = BUILD
RUNS = int(os.environ.get("GAVEL_BENCH_RUNS", "500"))
SUBMISSIONS = int(os.environ.get("GAVEL_BENCH_SUBMISSIONS", "200"))
TESTS = 12
C_AB = ("#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
        "printf(\"%lld\\n\",a+b);return 0;}\n")


def build_helper(work):
    exe = os.path.join(work, "bench_sandbox_runs")
    subprocess.run(["gcc", "-O2", "-I", os.path.join(ROOT, "judge-node"), "-o", exe,
                    os.path.join(HERE, "bench_sandbox_runs.c"),
                    os.path.join(BUILD, "judge-node", "libgavel_judge_core.a"), "-lseccomp"],
                   check=True)
    return exe


def per_run(helper, work, prog, stdin=None):
    args = [helper, str(RUNS), work, prog] + ([stdin] if stdin else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    kv = dict(f.split("=") for f in out.split())
    return float(kv["sandbox_us"]) / 1000, float(kv["plain_us"]) / 1000, kv["mode"]


def make_tests(rng):
    tests = []
    for _ in range(TESTS):
        a, b = rng.randint(-10**12, 10**12), rng.randint(-10**12, 10**12)
        tests.append((f"{a} {b}\n", f"{a + b}\n"))
    return tests


def loop_baseline(work, tests):
    """The same compile + 12 runs + comparison per submission, by a shell loop, no sandbox."""
    d = os.path.join(work, "loop")
    os.makedirs(d)
    for i, (inp, out) in enumerate(tests):
        open(os.path.join(d, f"{i}.in"), "w").write(inp)
        open(os.path.join(d, f"{i}.ans"), "w").write(out)
    for k in range(SUBMISSIONS):
        open(os.path.join(d, f"s{k}.c"), "w").write(C_AB + f"/* {k} */\n")
    script = f"""
cd {d}
for k in $(seq 0 {SUBMISSIONS - 1}); do
  gcc -O2 -o exe s$k.c -lm || exit 1
  for i in $(seq 0 {TESTS - 1}); do
    ./exe < $i.in > out || exit 1
    cmp -s out $i.ans || exit 1
  done
done
"""
    t0 = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", script], check=True)
    return time.perf_counter() - t0


def judge_throughput(tests):
    c = Cluster(config=config_with(**RELAXED_LIMITS))  # 20 queued per user at once
    try:
        c.up()
        admin = c.admin()
        r = c.req("POST", "/api/v1/problems", token=admin, json={
            "title": "Bench A+B", "statement_md": "a+b", "time_limit_ms": 1000,
            "memory_limit_kb": 262144})
        assert r.status_code == 201, r.text
        pid = r.json()["id"]
        for inp, out in tests:
            r = c.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                      json={"input": inp, "output": out})
            assert r.status_code == 201, r.text
        # Several users, so a per-user submission rate limit cannot pace the benchmark.
        users = [c.new_user(f"bench{u}")[1] for u in range(10)]
        c.wait_verdict(users[0], c.submit(users[0], pid, "c", C_AB + "/* warm */\n").json()["id"])
        r = c.req("GET", "/api/v1/admin/judges", token=admin)
        judges = r.json() if r.status_code == 200 else []
        isolation = judges[0].get("isolation", {}) if judges else {}
        t0 = time.perf_counter()
        ids = []
        for k in range(SUBMISSIONS):  # distinct sources: nothing served from a compile cache
            tok = users[k % len(users)]
            r = c.submit(tok, pid, "c", C_AB + f"/* {k} {time.time_ns()} */\n")
            assert r.status_code in (200, 201, 202), r.text
            ids.append((tok, r.json()["id"]))
        for tok, sid in ids:
            v = c.wait_verdict(tok, sid, timeout=600)
            assert v["verdict"] == "AC", v
        return time.perf_counter() - t0, isolation
    finally:
        c.down()


def main():
    work = tempfile.mkdtemp(prefix="gavel-bench-judge-")
    os.chmod(work, 0o755)
    try:
        helper = build_helper(work)
        ab = os.path.join(work, "ab")
        open(ab + ".c", "w").write(C_AB)
        subprocess.run(["gcc", "-O2", "-o", ab, ab + ".c"], check=True)
        inp = os.path.join(work, "ab.in")
        open(inp, "w").write("1 2\n")
        t_box, t_plain, mode = per_run(helper, work, "/bin/true")
        a_box, a_plain, _ = per_run(helper, work, ab, inp)
        tests = make_tests(random.Random(3))
        loop_s = loop_baseline(work, tests)
        judge_s, isolation = judge_throughput(tests)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("runner mode", mode, "", "namespaces"),
        (f"/bin/true per run (median of {RUNS})", f"{t_box:.2f} ms", f"plain fork/exec {t_plain:.2f} ms",
         f"+{t_box - t_plain:.2f} ms (goal <= 1.00)"),
        (f"A+B in C per run (median of {RUNS})", f"{a_box:.2f} ms", f"plain fork/exec {a_plain:.2f} ms",
         f"+{a_box - a_plain:.2f} ms (goal <= 1.00)"),
        (f"{SUBMISSIONS} A+B submissions x {TESTS} tests, judge",
         f"{judge_s:.1f} s ({SUBMISSIONS / judge_s:.1f}/s)",
         f"shell loop {loop_s:.1f} s ({SUBMISSIONS / loop_s:.1f}/s)",
         f"{loop_s / judge_s:.2f}x the loop (goal >= 0.90)"),
        ("judge isolation (READY)", ", ".join(f"{k}={v}" for k, v in sorted(isolation.items())
                                              if k in ("sandbox", "seccomp", "cgroup", "memory", "network")),
         "", ""),
    ]
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    print("\n".join("  ".join(r[i].ljust(w[i]) for i in range(4)) for r in rows))


if __name__ == "__main__":
    main()
