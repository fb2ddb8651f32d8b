"""ops/gavel as an operator uses it: up, status --json, down; two clusters side by side."""
import os
import signal
import time

import requests

from conftest import Cluster


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_two_clusters_run_side_by_side_and_stop_cleanly():
    a, b = Cluster(), Cluster()
    try:
        a.up()
        b.up()
        for c in (a, b):
            r = requests.get(c.url + "/healthz", timeout=5)
            assert r.status_code == 200 and r.json()["status"] == "ok"
        st = a.status()
        roles = sorted(n["role"] for n in st["nodes"])
        assert roles == ["actors", "broker", "edge", "judge"], st
        assert all(n["state"] == "running" and isinstance(n["pid"], int) for n in st["nodes"])
        for n in st["nodes"]:
            assert {"role", "name", "pid", "endpoint", "state"} <= set(n)
        pids_a = [n["pid"] for n in st["nodes"]]
        pids_b = [n["pid"] for n in b.status()["nodes"]]
        assert not set(pids_a) & set(pids_b)
        # the first admin's password is written with mode 0600 (or taken from the environment)
        keys = os.path.join(a.data, "keys")
        secret = [f for f in os.listdir(keys) if f.endswith("_secret")]
        assert secret and all(os.stat(os.path.join(keys, f)).st_mode & 0o077 == 0 for f in secret)
        assert os.stat(os.path.join(keys, "token.key")).st_mode & 0o077 == 0
        a.down()
        deadline = time.time() + 10
        while any(_alive(p) for p in pids_a) and time.time() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids_a), "ops/gavel down left processes running"
        assert all(n["state"] == "stopped" for n in a.status()["nodes"])
        # b is unaffected
        assert requests.get(b.url + "/healthz", timeout=5).status_code == 200
    finally:
        a.down()
        b.down()


def test_up_is_idempotent_and_healthz_fails_without_broker():
    c = Cluster()
    try:
        c.up()
        c.up()  # already running: no second copy of any node
        st = c.status()
        assert len(st["nodes"]) == 4
        broker = [n for n in st["nodes"] if n["role"] == "broker"][0]
        os.kill(broker["pid"], signal.SIGKILL)
        deadline = time.time() + 15
        code = 200
        while time.time() < deadline:
            code = requests.get(c.url + "/healthz", timeout=5).status_code
            if code == 503:
                break
            time.sleep(0.2)
        assert code == 503
        r = requests.get(c.url + "/healthz", timeout=5)
        assert "error" in r.json()
        c.up()  # restarts only the broker
        deadline = time.time() + 20
        while time.time() < deadline and requests.get(c.url + "/healthz", timeout=5).status_code != 200:
            time.sleep(0.2)
        assert requests.get(c.url + "/healthz", timeout=5).status_code == 200
    finally:
        c.down()
