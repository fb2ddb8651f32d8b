"""Disk, task and wall-clock bounds of the sandbox (issue 10, points 5 and 6), through a real
cluster whose judge has small bounds: work directories of 16 MiB / 500 files, a /tmp of
32 MiB (tmp_size_mb; work_inodes bounds its files too).

* a compile whose output does not fit its work directory is CE, and the compile output says
  which bound stopped it;
* a run that fills /tmp, with bytes or with empty files, is OLE, and the judge's log says
  which bound;
* a program with eight threads is AC in C, C++ and Rust (the pids cgroup counts tasks: the
  default leaves room for threads), and a fork bomb is still contained (TLE);
* a program that sleeps 10 s under a 5 s limit is TLE at the wall-clock bound (the larger of
  time limit x 150 % and time limit + 2 s by default: 7.5 s), not AC after 10 s.

The hostile programs live in hostile/; most print "ok" once they are done, so a verdict other
than the expected one means the bound did not hold.
"""
import os
import re
import tempfile

import pytest

from conftest import Cluster, ROOT

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile")
WORK_SIZE_MB = 16
WORK_INODES = 500
TMP_SIZE_MB = 32


def bounded_config():
    """The shipped cluster.toml with the judge's bounds made small."""
    text = open(os.path.join(ROOT, "cluster.toml")).read()
    judge = 'run_user = "nobody"\n'
    assert judge in text, "the shipped cluster.toml changed: update this test"
    text = text.replace(judge, judge + f"work_size_mb = {WORK_SIZE_MB}\n"
                        f"work_inodes = {WORK_INODES}\ntmp_size_mb = {TMP_SIZE_MB}\n", 1)
    fd, path = tempfile.mkstemp(prefix="gavel-bounds-", suffix=".toml")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def bounded():
    config = bounded_config()
    c = Cluster(config=config)
    try:
        c.up()
        admin = c.admin()
        c.problems = {}
        for name, limit in (("ok", 1000), ("ok5", 5000)):
            r = c.req("POST", "/api/v1/problems", token=admin, json={
                "title": f"Bounds {name}", "statement_md": "Print ok.",
                "time_limit_ms": limit, "memory_limit_kb": 256 * 1024})
            assert r.status_code == 201, r.text
            c.problems[name] = r.json()["id"]
            r = c.req("POST", f"/api/v1/problems/{c.problems[name]}/tests", token=admin,
                      json={"input": "x\n", "output": "ok\n"})
            assert r.status_code == 201, r.text
        c.user = c.new_user("bounds")[1]
        c.offered = c.wait_languages({"c"})
        yield c
    finally:
        c.down()
        os.unlink(config)


def judge(c, name, language="c", problem="ok"):
    text = open(os.path.join(HOSTILE, name)).read()
    r = c.submit(c.user, c.problems[problem], language, text)
    assert r.status_code in (200, 201, 202), r.text
    return c.wait_verdict(c.user, r.json()["id"], timeout=120)


def judge_log(c):
    return open(os.path.join(c.data, "logs", "judge-1.log"), errors="replace").read()


def detail_of(c, sid):
    """The `detail` of the judge's "job finished" line for submission sid."""
    for line in judge_log(c).splitlines():
        if "job finished" in line and re.search(rf"\bsub_id={sid}\b", line):
            m = re.search(r'detail="([^"]*)"', line)
            return m.group(1) if m else ""
    return None


def test_compile_bigger_than_the_work_directory_is_ce_naming_the_bound(bounded):
    got = judge(bounded, "huge_binary.c")
    assert got["verdict"] == "CE", f"{got}\n" + bounded.logs()
    out = got.get("compile_output") or ""
    assert "work_size_mb" in out and f"{WORK_SIZE_MB} MiB" in out, out


def test_run_that_fills_tmp_is_ole_naming_the_bound(bounded):
    got = judge(bounded, "fill_tmp.c")
    assert got["verdict"] == "OLE", f"{got}\n" + bounded.logs()
    detail = detail_of(bounded, got["id"])
    assert detail and "/tmp is full" in detail and "tmp_size_mb" in detail, detail


def test_run_that_fills_tmp_with_empty_files_is_ole_naming_the_inode_bound(bounded):
    got = judge(bounded, "many_files.c")
    assert got["verdict"] == "OLE", f"{got}\n" + bounded.logs()
    detail = detail_of(bounded, got["id"])
    assert detail and f"{WORK_INODES} files" in detail and "work_inodes" in detail, detail


@pytest.mark.parametrize("name,language", [("threads.c", "c"), ("threads.cpp", "cpp"),
                                           ("threads.rs", "rust")])
def test_program_with_eight_threads_is_ac(bounded, name, language):
    if language not in bounded.offered:
        pytest.skip(f"no judge offers {language} on this host")
    got = judge(bounded, name, language)
    assert got["verdict"] == "AC", f"{name}: {got}\n" + bounded.logs()


def test_fork_bomb_is_still_contained(bounded):
    got = judge(bounded, "fork_bomb.c")
    assert got["verdict"] == "TLE", f"{got}\n" + bounded.logs()


def test_sleep_past_the_wall_clock_bound_is_tle(bounded):
    got = judge(bounded, "sleep_10s.c", problem="ok5")
    assert got["verdict"] == "TLE", f"{got}\n" + bounded.logs()
    # killed at max(5 s x 150 %, 5 s + 2 s) = 7.5 s, before the program's 10 s were over
    assert 5000 <= got["time_ms"] < 10000, got
    detail = detail_of(bounded, got["id"])
    assert detail and "wall-clock limit of 7500 ms" in detail, detail


def work_mounts(mountinfo):
    """Mount points of the judge's work directories (tmpfs, source "gavel-work")."""
    found = []
    for line in open(mountinfo):
        fields = line.split()
        sep = fields.index("-")
        if fields[sep + 1] == "tmpfs" and fields[sep + 2] == "gavel-work":
            found.append(fields[4])
    return found


def test_after_the_bounds_the_judge_still_judges_and_mounts_stay_its_own(bounded):
    got = judge(bounded, "threads.c")
    assert got["verdict"] == "AC", f"{got}\n" + bounded.logs()
    pid = open(os.path.join(bounded.data, "run", "judge-1.pid")).read().strip()
    # the judge mounts in a namespace of its own: nothing it mounts shows on the host, so
    # nothing outlives a killed judge
    host = set(work_mounts("/proc/self/mountinfo"))
    mounts = [m for m in work_mounts(f"/proc/{pid}/mountinfo") if m not in host]
    # the slot's run directory stays mounted until its next job; no build directory is left
    assert len([m for m in mounts if m.endswith("/0")]) == 1, mounts
    assert not [m for m in mounts if m.endswith(".build")], mounts
