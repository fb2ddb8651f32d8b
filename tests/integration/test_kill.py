"""Crash safety: while submissions are being posted, SIGKILL the actor node, then the broker,
then the judge, restarting each with `ops/gavel up`. Every submission that got a 202 must
still exist and end with exactly one verdict — the right one."""
import os
import signal
import threading
import time

from conftest import RELAXED_LIMITS, Cluster, config_with
from test_core_api import C_AC, C_WA


def _pid(cluster, role):
    return [n for n in cluster.status()["nodes"] if n["role"] == role][0]["pid"]


def test_kill_each_node_mid_stream_loses_nothing():
    c = Cluster(config=config_with(**RELAXED_LIMITS))
    try:
        c.up()
        _, token = c.new_user("crash")
        pid = c.demo_problem()
        accepted = {}  # id -> expected verdict
        stop = threading.Event()
        errors = []

        def poster():
            i = 0
            while not stop.is_set():
                src, want = (C_AC, "AC") if i % 3 else (C_WA, "WA")
                i += 1
                try:
                    r = c.submit(token, pid, "c", src)
                    if r.status_code == 202:
                        accepted[r.json()["id"]] = want
                    elif r.status_code != 503:
                        errors.append((r.status_code, r.text))
                except Exception as e:  # connection refused while the edge is fine is an error
                    errors.append(("exception", repr(e)))
                time.sleep(0.05)

        t = threading.Thread(target=poster)
        t.start()
        try:
            for role in ("actors", "broker", "judge"):
                time.sleep(1.5)
                os.kill(_pid(c, role), signal.SIGKILL)
                time.sleep(0.5)
                c.up()
        finally:
            time.sleep(1.5)
            stop.set()
            t.join()
        assert not errors, errors[:5]
        assert len(accepted) >= 20, f"only {len(accepted)} submissions accepted"
        for sid, want in accepted.items():
            s = c.wait_verdict(token, sid, timeout=120)
            assert s["verdict"] == want, s
            assert len(s["tests"]) == (12 if want == "AC" else 1), s
        # verdicts are final: a second look sees the same
        for sid, want in list(accepted.items())[:10]:
            s = c.req("GET", f"/api/v1/submissions/{sid}", token=token).json()
            assert s["status"] == "done" and s["verdict"] == want
    finally:
        c.down()
