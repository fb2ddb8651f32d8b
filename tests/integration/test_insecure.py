"""A judge that cannot isolate submissions refuses to judge, unless its node says
`insecure = true` — and then it says so loudly. Simulated by starting gavel-judge as an
unprivileged user (no namespaces, no cgroups), the situation on a host without root."""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from conftest import ROOT

BUILD = os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build"))
NOBODY = 65534


def _setup(insecure):
    d = tempfile.mkdtemp(prefix="gavel-insecure-")
    cfg = os.path.join(d, "cluster.toml")
    text = open(os.path.join(ROOT, "cluster.toml")).read()
    if insecure:
        text = re.sub(r'(?m)^(role = "judge"\n(?:.*\n)*?name = "judge-1"\n)', r'\1insecure = true\n', text)
        assert "insecure = true" in text
    open(cfg, "w").write(text)
    data = os.path.join(d, "data")
    subprocess.run([os.path.join(BUILD, "ops", "gavel-keygen"), "--config", cfg, "--data", data],
                   check=True, capture_output=True)
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            os.chown(os.path.join(root, n), NOBODY, NOBODY)
    os.chown(d, NOBODY, NOBODY)
    return d, cfg, data


def _judge(cfg, data, log):
    cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
           os.path.join(BUILD, "judge-node", "gavel-judge"), "--config", cfg, "--data", data,
           "--name", "judge-1"]
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd="/")


def test_judge_without_isolation_refuses_to_judge():
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        raise AssertionError("this test needs root and setpriv (util-linux) to drop to nobody")
    d, cfg, data = _setup(insecure=False)
    try:
        log = os.path.join(d, "judge.log")
        with open(log, "w") as f:
            p = _judge(cfg, data, f)
            p.wait(timeout=60)
        out = open(log).read()
        assert p.returncode != 0, out
        assert "REFUSING TO JUDGE" in out and "insecure = true" in out, out
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_insecure_judge_runs_and_warns():
    d, cfg, data = _setup(insecure=True)
    log = os.path.join(d, "judge.log")
    f = open(log, "w")
    p = _judge(cfg, data, f)
    try:
        deadline, out = time.time() + 30, ""
        while time.time() < deadline and "INSECURE JUDGE" not in out and p.poll() is None:
            time.sleep(0.1)
            out = open(log).read()
        out = open(log).read()
        assert "INSECURE JUDGE" in out, out
        assert p.poll() is None, f"the insecure judge exited ({p.returncode}):\n{out}"
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        f.close()
        shutil.rmtree(d, ignore_errors=True)
