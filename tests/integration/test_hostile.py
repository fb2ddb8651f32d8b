"""Hostile programs through a real cluster: each gets the verdict the sandbox promises, the
judge keeps judging afterwards, and no process of a run is left behind.

The programs live in hostile/ (C, and two in Python). Most print "ok" when their attack
failed, so a problem whose answer is "ok" turns "the attack was blocked" into AC. Limits of
the problem: 1 s, 256 MiB. Leftovers are looked for in /proc: any process in one of the
judge's sandbox cgroups (gavel-<launcher pid>/s<slot>), or owned by one of the judge's run
uids (the range it reserved, as /api/v1/admin/judges reports it: uids move off uid_base when
another judge on the host holds them).
"""
import os
import re
import stat
import time

import pytest

from conftest import RELAXED_LIMITS, Cluster, config_with

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = os.path.join(HERE, "hostile")
MEMORY_KB = 256 * 1024


@pytest.fixture(scope="module")
def hostile():
    c = Cluster(config=config_with(**RELAXED_LIMITS))
    try:
        c.up()
        admin = c.admin()
        r = c.req("POST", "/api/v1/problems", token=admin, json={
            "title": "Blocked", "statement_md": "Print ok.", "time_limit_ms": 1000,
            "memory_limit_kb": MEMORY_KB})
        assert r.status_code == 201, r.text
        c.ok_problem = r.json()["id"]
        for _ in range(2):  # two tests: whatever test 1 leaves must be gone in test 2
            r = c.req("POST", f"/api/v1/problems/{c.ok_problem}/tests", token=admin,
                      json={"input": "x\n", "output": "ok\n"})
            assert r.status_code == 201, r.text
        c.user = c.new_user("hostile")[1]
        yield c
    finally:
        c.down()


def cluster_ports(c):
    """The edge's HTTP port and every tcp:// port and ipc:// path in the cluster's config."""
    lines = open(os.path.join(c.data, "cluster.toml")).read().splitlines()
    text = "\n".join(l.split("#", 1)[0] for l in lines)
    ports = {c.port} | {int(p) for p in re.findall(r"tcp://[^:\"'\s]+:(\d+)", text)}
    ipc = set()
    run = os.path.join(c.data, "run")
    for f in os.listdir(run) if os.path.isdir(run) else []:
        path = os.path.join(run, f)
        if stat.S_ISSOCK(os.stat(path).st_mode):
            ipc.add(path)
    return sorted(ports), sorted(ipc)


def source(c, name):
    text = open(os.path.join(HOSTILE, name)).read()
    ports, ipc = cluster_ports(c)
    if name.endswith((".py", ".rs")):
        return text.replace("GAVEL_PORTS", repr(ports))
    defs = "#define GAVEL_PORTS %s\n" % ", ".join(map(str, ports))
    defs += "#define GAVEL_IPC %s\n" % (", ".join('"%s"' % p for p in ipc) if ipc else "NULL")
    defs += '#define GAVEL_DATA "%s"\n' % c.data
    return defs + text


def judge(c, name, language=None):
    language = language or ("python3" if name.endswith(".py") else "c")
    r = c.submit(c.user, c.ok_problem, language, source(c, name))
    assert r.status_code in (200, 201, 202), r.text
    return c.wait_verdict(c.user, r.json()["id"], timeout=120)


CASES = [
    ("fork_bomb.c", "TLE"),
    ("connect_ports.c", "AC"),
    ("read_secrets.c", "AC"),
    ("write_outside.c", "AC"),
    ("kill_all.c", "AC"),
    ("daemon.c", "AC"),
    ("endless_output.c", "OLE"),
    ("touch_1g.c", "MLE"),
    ("malloc_untouched.c", "AC"),
    ("deep_recursion.c", "AC"),
    ("sleep_forever.c", "TLE"),
    ("leave_file.c", "AC"),
    ("crlf.c", "AC"),
    ("no_newline.c", "AC"),
    ("own_session.c", "AC"),
    ("socket.py", "AC"),
    ("secrets.py", "AC"),
]


@pytest.mark.parametrize("name,verdict", CASES, ids=[n for n, _ in CASES])
def test_hostile_program_gets_its_verdict(hostile, name, verdict):
    got = judge(hostile, name)
    assert got["verdict"] == verdict, f"{name}: {got}\n" + hostile.logs()


def interactive_problem(c):
    """An interactive problem whose interactor (hostile/interactor_uid.c) says its uid and
    accepts only the answer "different"."""
    if getattr(c, "inter_problem", None):
        return c.inter_problem
    admin = c.admin()
    r = c.req("POST", "/api/v1/problems", token=admin, json={
        "title": "Interacted", "statement_md": "Answer.", "time_limit_ms": 1000,
        "memory_limit_kb": MEMORY_KB,
        "interactor": {"protocol": "kattis", "language": "c",
                       "source": open(os.path.join(HOSTILE, "interactor_uid.c")).read()}})
    assert r.status_code == 201, r.text
    c.inter_problem = r.json()["id"]
    r = c.req("POST", f"/api/v1/problems/{c.inter_problem}/tests", token=admin,
              json={"input": "1\n", "output": "1\n"})
    assert r.status_code == 201, r.text
    return c.inter_problem


def judge_interactive(c, name):
    r = c.submit(c.user, interactive_problem(c), "c", source(c, name))
    assert r.status_code in (200, 201, 202), r.text
    return c.wait_verdict(c.user, r.json()["id"], timeout=120)


def test_killing_its_process_group_cannot_turn_a_wa_into_a_je(hostile):
    """kill(0, SIGTERM) and kill(-1, SIGTERM) by a program that ignores SIGTERM: the
    interactor (outside the program's sandbox) must live on, so the verdict is the program's
    own WA, never a JE (which does not count)."""
    got = judge_interactive(hostile, "kill_group.c")
    assert got["verdict"] == "WA", f"{got}\n" + hostile.logs()


def test_interactor_runs_as_another_uid_than_the_program(hostile):
    got = judge_interactive(hostile, "uid_check.c")
    assert got["verdict"] == "AC", f"{got}\n" + hostile.logs()


def test_checker_runs_as_another_uid_than_the_program(hostile):
    admin = hostile.admin()
    r = hostile.req("POST", "/api/v1/problems", token=admin, json={
        "title": "Checked uid", "statement_md": "Print your uid.", "time_limit_ms": 1000,
        "memory_limit_kb": MEMORY_KB,
        "checker": {"type": "custom", "protocol": "testlib", "language": "c",
                    "source": open(os.path.join(HOSTILE, "checker_uid.c")).read()}})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = hostile.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                    json={"input": "1\n", "output": "1\n"})
    assert r.status_code == 201, r.text
    r = hostile.submit(hostile.user, pid, "c", source(hostile, "print_uid.c"))
    assert r.status_code in (200, 201, 202), r.text
    got = hostile.wait_verdict(hostile.user, r.json()["id"], timeout=120)
    assert got["verdict"] == "AC", f"{got}\n" + hostile.logs()


def test_the_cluster_ports_are_reachable_from_outside_the_sandbox(hostile):
    """So connect_ports.c's "ok" means the sandbox blocked it, not that nothing listens."""
    import socket
    with socket.create_connection(("127.0.0.1", hostile.port), timeout=2):
        pass


def test_judge_is_isolated_and_says_so(hostile):
    r = hostile.req("GET", "/api/v1/admin/judges", token=hostile.admin())
    assert r.status_code == 200, r.text
    iso = r.json()[0]["isolation"]
    assert iso["sandbox"] == "namespaces" and iso["seccomp"] and iso["memory"], iso
    assert iso["network"] == "none" and not iso["insecure"], iso
    assert set(iso["namespaces"]) == {"pid", "mount", "net", "ipc", "uts", "cgroup"}, iso


def judge_uids(c):
    """The judge's run uids (first, last), from its READY isolation."""
    r = c.req("GET", "/api/v1/admin/judges", token=c.admin())
    assert r.status_code == 200, r.text
    iso = r.json()[0]["isolation"]
    assert "uid_first" in iso and "uid_last" in iso, iso
    return iso["uid_first"], iso["uid_last"]


def test_judge_reports_its_reserved_uids(hostile):
    first, last = judge_uids(hostile)
    assert last - first + 1 == 2, (first, last)  # one slot: submissions, checkers


def launcher_pids(c):
    """This cluster's judge launchers: their pids name the sandbox cgroups (gavel-<pid>)."""
    judge = int(open(os.path.join(c.data, "run", "judge-1.pid")).read())
    found = set()
    for task in os.listdir(f"/proc/{judge}/task"):
        for pid in open(f"/proc/{judge}/task/{task}/children").read().split():
            try:
                if open(f"/proc/{pid}/comm").read().strip() == "gavel-launcher":
                    found.add(int(pid))
            except OSError:
                pass
    assert found, f"judge {judge} has no gavel-launcher child"
    return found


def sandbox_leftovers(uids, launchers):
    """Processes in this judge's sandbox cgroups or owned by one of its run uids (other
    clusters on the host have theirs)."""
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            st = os.stat(f"/proc/{pid}")
            groups = open(f"/proc/{pid}/cgroup").read()
        except OSError:
            continue
        boxes = {int(m) for m in re.findall(r"/gavel-(\d+)/s\d+", groups)}
        in_box = bool(boxes & launchers)
        # a judge of another cluster that does not reserve its uids may run as ours
        elsewhere = bool(boxes) and not in_box
        if in_box or (uids[0] <= st.st_uid <= uids[1] and not elsewhere):
            left.append((pid, st.st_uid, open(f"/proc/{pid}/comm").read().strip()))
    return left


def test_after_the_suite_the_judge_still_judges_and_nothing_is_left(hostile):
    ab = hostile.demo_problem()
    src = '#include <stdio.h>\nint main(void){long a,b;scanf("%ld %ld",&a,&b);printf("%ld\\n",a+b);return 0;}\n'
    r = hostile.submit(hostile.user, ab, "c", src)
    assert r.status_code in (200, 201, 202), r.text
    assert hostile.wait_verdict(hostile.user, r.json()["id"])["verdict"] == "AC"
    uids, launchers = judge_uids(hostile), launcher_pids(hostile)
    deadline = time.time() + 5
    while sandbox_leftovers(uids, launchers) and time.time() < deadline:
        time.sleep(0.1)
    assert sandbox_leftovers(uids, launchers) == []


# ---- issue 10, points 2 and 4: file locks, and what a run sees of the host ------------------

LEAK_CASES = [
    ("file_locks.c", "AC"),  # locks, leases and F_NOTIFY on shared binds fail with EPERM
    ("host_view.c", "AC"),   # cgroup namespace, no host paths, empty /usr/local and /root
]


@pytest.mark.parametrize("name,verdict", LEAK_CASES, ids=[n for n, _ in LEAK_CASES])
def test_a_run_can_neither_lock_shared_files_nor_see_the_host(hostile, name, verdict):
    got = judge(hostile, name)
    assert got["verdict"] == verdict, f"{name}: {got}\n" + hostile.logs()


def test_a_rust_program_sees_only_its_toolchains_rustc_and_libraries(hostile):
    """rust_view.rs: no /root/.cargo, one toolchain with only bin/rustc and lib/, empty
    /usr/local (compiling it also proves rustc works with only those binds)."""
    offered = hostile.wait_languages({"c"})
    if "rust" not in offered:
        pytest.skip("this judge offers no rust")
    got = judge(hostile, "rust_view.rs", language="rust")
    assert got["verdict"] == "AC", f"rust_view.rs: {got}\n" + hostile.logs()


def test_a_root_process_on_the_host_can_lock_while_a_run_tries_to_hold_the_lock(hostile):
    """hold_lock.c tries to keep an exclusive flock on /etc/ld.so.cache for 700 ms per test;
    meanwhile this process (root, on the host) keeps taking and dropping the same lock, and
    must never find it taken."""
    import fcntl
    import threading
    stop = threading.Event()
    seen = {"tries": 0, "blocked": 0}

    def locker():
        with open("/etc/ld.so.cache", "rb") as f:
            while not stop.is_set():
                seen["tries"] += 1
                try:
                    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    fcntl.flock(f, fcntl.LOCK_UN)
                except BlockingIOError:
                    seen["blocked"] += 1
                stop.wait(0.005)

    t = threading.Thread(target=locker, daemon=True)
    t.start()
    try:
        got = judge(hostile, "hold_lock.c")
    finally:
        stop.set()
        t.join(timeout=5)
    assert seen["tries"] > 0
    assert seen["blocked"] == 0, f"the host found the lock taken {seen['blocked']} times " \
                                 f"of {seen['tries']}: {got}"
    assert got["verdict"] == "AC", f"hold_lock.c: {got}\n" + hostile.logs()
