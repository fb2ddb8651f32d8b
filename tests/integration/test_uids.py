"""Run uids are unique on the host: every judge reserves its uids (one per slot for
submissions, one per slot for checkers and interactors) with lock files in a host-wide
directory (`uid_lock_dir`, default /run/gavel/uids) held for its lifetime, so two judges on
one host — two clusters with the same default `uid_base`, say — never share a uid. A judge
whose whole window (`uid_base` .. `uid_base + uid_window - 1`) is taken refuses to start,
naming the taken range and who holds it.

Needs root (separate uids only exist there)."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from conftest import ROOT, Cluster

BUILD = os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build"))
LOCK_DIR = "/run/gavel/uids"


def judge_uids(c, timeout=60):
    """{judge id: (first, last)} from /api/v1/admin/judges, once every judge is there."""
    deadline = time.time() + timeout
    while True:
        r = c.req("GET", "/api/v1/admin/judges", token=c.admin())
        assert r.status_code == 200, r.text
        judges = r.json()
        if judges and all("uid_first" in (j.get("isolation") or {}) for j in judges):
            return {j["id"]: (j["isolation"]["uid_first"], j["isolation"]["uid_last"])
                    for j in judges}
        if time.time() > deadline:
            raise AssertionError(f"judges do not report their uids: {judges}\n" + c.logs())
        time.sleep(0.2)


def test_two_clusters_on_one_host_get_disjoint_uids():
    assert os.geteuid() == 0, "this test needs root: only root judges run as separate uids"
    a, b = Cluster(), Cluster()
    try:
        a.up()
        b.up()
        ua, ub = judge_uids(a), judge_uids(b)
        (fa, la), = ua.values()
        (fb, lb), = ub.values()
        # one slot each: a uid for submissions and one for checkers and interactors
        assert la - fa + 1 == 2 and lb - fb + 1 == 2, (ua, ub)
        assert la < fb or lb < fa, f"both clusters' judges run as the same uids: {ua} {ub}"
        # each uid's lock file names the judge that holds it
        for c, (first, last) in ((a, (fa, la)), (b, (fb, lb))):
            for uid in range(first, last + 1):
                holder = open(os.path.join(LOCK_DIR, str(uid))).read()
                assert f"data={c.data}" in holder and "node=judge-1" in holder, holder
    finally:
        a.down()
        b.down()


def _config(d, uid_base, uid_window):
    cfg = os.path.join(d, "cluster.toml")
    text = open(os.path.join(ROOT, "cluster.toml")).read()
    text, n = re.subn(r'(?m)^(role = "judge"\n(?:.*\n)*?name = "judge-1"\n)',
                      r'\1uid_base = %d\nuid_window = %d\n' % (uid_base, uid_window), text)
    assert n == 1
    open(cfg, "w").write(text)
    return cfg


def _judge(cfg, data, log):
    subprocess.run([os.path.join(BUILD, "ops", "gavel-keygen"), "--config", cfg, "--data", data],
                   check=True, capture_output=True)
    cmd = [os.path.join(BUILD, "judge-node", "gavel-judge"), "--config", cfg, "--data", data,
           "--name", "judge-1"]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd="/",
                            start_new_session=True)


def _stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def test_a_judge_whose_uid_window_is_taken_refuses_to_start_and_names_the_holder():
    assert os.geteuid() == 0, "this test needs root: only root judges run as separate uids"
    # A window of its own, far from every default: exactly one judge (1 slot = 2 uids) fits.
    base = 3_000_000_000 + (os.getpid() % 100000) * 8
    d = tempfile.mkdtemp(prefix="gavel-uids-")
    cfg = _config(d, base, 2)
    first_log, second_log = os.path.join(d, "first.log"), os.path.join(d, "second.log")
    f1, f2 = open(first_log, "w"), open(second_log, "w")
    p1 = _judge(cfg, os.path.join(d, "one"), f1)
    p2 = None
    try:
        deadline, out = time.time() + 60, ""
        while time.time() < deadline and "uids reserved" not in out and p1.poll() is None:
            time.sleep(0.1)
            out = open(first_log).read()
        assert "uids reserved" in out and f"first={base} last={base + 1}" in out, out
        p2 = _judge(cfg, os.path.join(d, "two"), f2)
        try:
            p2.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        out2 = open(second_log).read()
        assert p2.returncode not in (None, 0), f"the second judge did not refuse:\n{out2}"
        assert f"uids {base}..{base + 1}" in out2 and "are taken" in out2, out2
        assert f"pid={p1.pid}" in out2 and f"data={os.path.join(d, 'one')}" in out2, out2
        assert "uid_base" in out2 and "uid_window" in out2, out2  # what to do about it
        assert p1.poll() is None, "the first judge must keep running"
    finally:
        _stop(p1)
        if p2:
            _stop(p2)
        f1.close()
        f2.close()
        for uid in (base, base + 1):
            try:
                os.unlink(os.path.join(LOCK_DIR, str(uid)))
            except OSError:
                pass
        shutil.rmtree(d, ignore_errors=True)
