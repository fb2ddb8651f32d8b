"""Practice floods (issue 10, point 9): every submission of a contestant counts against a
per-user rate (`[limits] submissions_per_minute_per_user`) and a cap on the submissions waiting
for a verdict (`[limits] max_queued_per_user`), both 429 with Retry-After; and the judge queue
serves contest submissions before practice ones, round-robin between users.

Two clusters of their own, so their limits do not leak into other suites. The order test stops
this suite's judge with SIGSTOP (by the PID `ops/gavel` recorded for it; heartbeat liveness is
raised so the broker does not declare it lost meanwhile) while it queues a practice flood and a
contest submission, then lets it go and reads the order the judge took them in from its log.
"""
import os
import re
import signal
import time

import pytest

from conftest import Cluster, config_with
from test_contests import make_contest, register

RATE = 5    # submissions_per_minute_per_user of the rate cluster
QUEUED = 3  # max_queued_per_user of the queue cluster

C_SUM = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%%ld %%ld", &a, &b) != 2) return 1; printf("%%ld\\n", a + b); return 0; }
/* %s */
"""


def source(tag):
    """A correct A+B whose text differs per tag, so that no two share a compile-cache entry."""
    return C_SUM % tag


def start(**keys):
    c = Cluster(config=config_with(**keys))
    c.up()
    return c


@pytest.fixture(scope="module")
def rate_cluster():
    c = start(submissions_per_minute_per_user=RATE, max_queued_per_user=100)
    try:
        yield c
    finally:
        c.down()


@pytest.fixture(scope="module")
def queue_cluster():
    c = start(submissions_per_minute_per_user=1000, max_queued_per_user=QUEUED, liveness=100)
    try:
        yield c
    finally:
        c.down()


def post(cluster, token, pid, tag, contest_id=None):
    body = {"problem_id": pid, "language": "c", "source": source(tag)}
    if contest_id:
        body["contest_id"] = contest_id
    return cluster.req("POST", "/api/v1/submissions", token=token, json=body)


def assert_429(r, code, phrase):
    assert r.status_code == 429, r.text
    err = r.json()["error"]
    assert err["code"] == code and phrase in err["message"], err
    assert int(r.headers["Retry-After"]) >= 1, r.headers


def judge_order(cluster):
    """Submission ids in the order this cluster's judge started them (its log)."""
    with open(os.path.join(cluster.data, "logs", "judge-1.log"), errors="replace") as f:
        return [m.group(1) for m in re.finditer(r'msg="job started" sub_id=(\d+)', f.read())]


class StoppedJudge:
    """SIGSTOP the cluster's judge for the duration of a `with` block (SIGCONT on the way out,
    whatever happens). Only the PID this suite's cluster recorded is signalled."""

    def __init__(self, cluster):
        with open(os.path.join(cluster.data, "run", "judge-1.pid")) as f:
            self.pid = int(f.read().strip())
        with open(f"/proc/{self.pid}/cmdline", "rb") as f:
            assert b"gavel-judge" in f.read(), "judge-1.pid does not name this cluster's judge"

    def __enter__(self):
        os.kill(self.pid, signal.SIGSTOP)
        return self

    def __exit__(self, *exc):
        os.kill(self.pid, signal.SIGCONT)
        return False


def test_a_practice_burst_is_cut_at_the_per_user_rate(rate_cluster):
    c = rate_cluster
    pid = c.demo_problem()
    _, tok = c.new_user("burst")
    codes = []
    for i in range(25):
        r = post(c, tok, pid, f"burst {i}")
        codes.append(r.status_code)
        if r.status_code == 429:
            assert_429(r, "rate_limited", f"at most {RATE} a minute")
            assert 1 <= int(r.headers["Retry-After"]) <= 60, r.headers
    assert codes.count(202) == RATE and codes.count(429) == 25 - RATE, codes
    assert codes[:RATE] == [202] * RATE, codes
    # the budget covers contest submissions too (the demo contest is running)
    r = c.req("GET", "/api/v1/contests", token=tok)
    demo = [x["id"] for x in r.json()["items"] if x["title"] == "Demo contest"]
    assert demo, r.text
    register(c, demo[0], tok)
    assert_429(post(c, tok, pid, "contest", contest_id=demo[0]), "rate_limited", "a minute")
    # another user has a budget of their own; admin is exempt
    _, other = c.new_user("calm")
    assert post(c, other, pid, "calm").status_code == 202
    for i in range(RATE + 2):
        r = post(c, c.admin(), pid, f"admin {i}")
        assert r.status_code == 202, r.text


def test_submissions_waiting_for_a_verdict_are_capped(queue_cluster):
    c = queue_cluster
    pid = c.demo_problem()
    c.wait_languages(["c"])
    _, tok = c.new_user("waiter")
    with StoppedJudge(c):
        sids = [post(c, tok, pid, f"wait {i}") for i in range(QUEUED + 2)]
        codes = [r.status_code for r in sids]
        assert codes == [202] * QUEUED + [429, 429], [(r.status_code, r.text) for r in sids]
        assert_429(sids[-1], "too_many_queued", f"you have {QUEUED} submissions waiting")
    for r in sids[:QUEUED]:
        c.wait_verdict(tok, r.json()["id"], timeout=120)
    assert post(c, tok, pid, "after the verdicts").status_code == 202


def test_a_contest_submission_is_judged_before_a_practice_flood(queue_cluster):
    c = queue_cluster
    pid = c.demo_problem()
    c.wait_languages(["c"])
    cid = make_contest(c, "Floods", int(time.time()) - 60, 3600, [{"problem_id": pid, "label": "A"}])
    _, p1 = c.new_user("flood1")
    _, p2 = c.new_user("flood2")
    _, ct = c.new_user("contestant")
    register(c, cid, ct)
    whose = {}
    with StoppedJudge(c):
        # the first practice job goes to the (stopped) judge at once; the rest wait in the queue
        for user, tok in (("p1", p1), ("p2", p2)):
            for i in range(QUEUED):
                r = post(c, tok, pid, f"{user} {i}")
                assert r.status_code == 202, r.text
                whose[r.json()["id"]] = user
        r = post(c, ct, pid, "contest", contest_id=cid)
        assert r.status_code == 202, r.text
        whose[r.json()["id"]] = "contest"
    tokens = {"p1": p1, "p2": p2, "contest": ct}
    for sid, user in whose.items():
        c.wait_verdict(tokens[user], sid, timeout=180)
    # the judge has one slot: the order of its "job started" lines is the order of judging
    order = [w for w in judge_order(c) if w in whose]
    assert sorted(order) == sorted(whose), (order, whose)
    users = [whose[s] for s in order]
    # only the practice job the judge already held when the contest one came may go first
    assert users.index("contest") <= 1, users
    # and the two flooding users take turns: flood2 is judged before flood1's last
    assert users.index("p2") < len(users) - 1 - users[::-1].index("p1"), users
