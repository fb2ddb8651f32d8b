"""Shared fixtures: real Gavel clusters on loopback, started and stopped through ops/gavel.

Each cluster gets a fresh temporary data directory (so its ZeroMQ ipc sockets, keys and LMDB
are its own) and a free HTTP port, so several clusters run side by side. Binaries come from
$GAVEL_BUILD (ctest sets it); nothing is rebuilt here.
"""
import atexit
import json
import os
import re
import socket
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GAVEL = os.path.join(ROOT, "ops", "gavel")
ADMIN_PASSWORD = "integration-admin-pw"


def config_with(**keys):
    """A copy of the shipped cluster.toml with some keys set (a key the file does not have is
    left out, so a suite also runs, and fails, against a build from before that key). The
    file is removed when the test process exits."""
    with open(os.path.join(ROOT, "cluster.toml")) as f:
        text = f.read()
    for key, value in keys.items():
        text = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
    fd, path = tempfile.mkstemp(prefix="gavel-it-", suffix=".toml")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))
    return path


# Per-user submission limits out of the way, for suites that submit many times as one user on
# purpose (every language and verdict, hostile programs, a crash stream); test_floods pins them.
RELAXED_LIMITS = {"submissions_per_minute_per_user": 100000, "max_queued_per_user": 100000}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, data=None, port=None, config=None):
        self.data = data or tempfile.mkdtemp(prefix="gavel-it-")
        self.port = port or free_port()
        self.config = config
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = requests.Session()
        self._admin = None

    def env(self):
        e = dict(os.environ)
        e["GAVEL_NO_BUILD"] = "1"
        e["GAVEL_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        e.setdefault("GAVEL_BUILD", os.path.join(ROOT, "build"))
        return e

    def gavel(self, *args, check=True, timeout=120):
        cmd = [GAVEL, *args, "--data", self.data]
        if self.config and args[0] == "up":
            cmd += ["--config", self.config]
        r = subprocess.run(cmd, env=self.env(), capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}\n"
                                 + self.logs())
        return r

    def up(self):
        return self.gavel("up", "--detach", "--http", str(self.port))

    def down(self):
        return self.gavel("down", check=False)

    def status(self):
        return json.loads(self.gavel("status", "--json").stdout)

    def logs(self):
        out = []
        d = os.path.join(self.data, "logs")
        if os.path.isdir(d):
            for f in sorted(os.listdir(d)):
                with open(os.path.join(d, f), errors="replace") as fh:
                    out.append(f"--- {f} ---\n" + "".join(fh.readlines()[-40:]))
        return "\n".join(out)

    # --- HTTP helpers -------------------------------------------------------------------
    def req(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = "Bearer " + token
        kw.setdefault("timeout", 30)
        return self.http.request(method, self.url + path, headers=headers, **kw)

    def login(self, user, password):
        r = self.req("POST", "/api/v1/auth/login", json={"username": user, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def admin(self):
        if not self._admin:
            self._admin = self.login("admin", ADMIN_PASSWORD)
        return self._admin

    def new_user(self, prefix="user"):
        name = f"{prefix}{time.monotonic_ns() % 10**9}"
        r = self.req("POST", "/api/v1/auth/register", json={"username": name, "password": "correct horse"})
        assert r.status_code == 201, r.text
        return name, self.login(name, "correct horse")

    def demo_problem(self):
        r = self.req("GET", "/api/v1/problems?q=A%2BB", token=self.admin())
        assert r.status_code == 200, r.text
        items = [p for p in r.json()["items"] if p["title"] == "A+B"]
        assert items, "the demo problem was not seeded"
        return items[0]["id"]

    def wait_languages(self, required, timeout=60):
        """The languages live judges offer, once every id in `required` is among them (a
        judge says READY only after probing its sandbox and toolchains)."""
        deadline = time.time() + timeout
        offered = set()
        while time.time() < deadline:
            r = self.req("GET", "/api/v1/languages")
            assert r.status_code == 200, r.text
            offered = {l["id"] for l in r.json()}
            if set(required) <= offered:  # a judge lists all its languages in one READY
                return offered
            time.sleep(0.2)
        raise AssertionError(f"judges offer {sorted(offered)}, expected at least {sorted(required)}\n"
                             + self.logs())

    def submit(self, token, problem_id, language, source):
        return self.req("POST", "/api/v1/submissions", token=token,
                        json={"problem_id": problem_id, "language": language, "source": source})

    def wait_verdict(self, token, sid, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.req("GET", f"/api/v1/submissions/{sid}", token=token)
            if r.status_code == 200 and r.json()["status"] == "done":
                return r.json()
            time.sleep(0.1)
        raise AssertionError(f"submission {sid} got no verdict in {timeout} s\n" + self.logs())


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(config=config_with(**RELAXED_LIMITS))
    try:
        c.up()
        yield c
    finally:
        c.down()
