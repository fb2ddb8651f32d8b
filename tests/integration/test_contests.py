"""Contests end to end: several contestants submit right and wrong solutions to a running ICPC
contest; the scoreboard over HTTP equals an independent computation (scoring_ref.py); a
WebSocket client sees an event for every submission with strictly increasing ids; a client
that disconnects and resumes with `since` misses nothing; a contestant never receives another
contestant's submission details; a frozen board hides post-freeze results from contestants
only, and the thaw reveals them. Also the contest rules: registration, window, problem
membership and the per-user rate limit."""
import calendar
import json
import os
import sys
import time

import pytest
import websocket

sys.path.insert(0, os.path.dirname(__file__))
import scoring_ref  # noqa: E402

C_SUM = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\\n", a + b); return 0; }
"""
C_DIFF = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\\n", a - b); return 0; }
"""
C_BROKEN = "int main(void) { return syntax error; }\n"


def parse_ms(s):
    """"2026-11-21T10:00:00.123Z" → Unix ms."""
    base, frac = s[:19], s[20:23] if len(s) > 20 else "000"
    return calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(frac)


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def make_contest(cluster, title, start, duration_s, problems, freeze_s=None, scoring="icpc"):
    body = {"title": title, "start_time": rfc3339(start), "duration_s": duration_s,
            "scoring": scoring, "problems": problems}
    if freeze_s is not None:
        body["freeze_s"] = freeze_s
    r = cluster.req("POST", "/api/v1/contests", token=cluster.admin(), json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def make_problem(cluster, title):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": title, "statement_md": "Add two numbers.", "time_limit_ms": 1000,
        "memory_limit_kb": 262144})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for a, b in [(1, 2), (5, 7), (-3, 3)]:
        r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                        json={"input": f"{a} {b}\n", "output": f"{a + b}\n"})
        assert r.status_code == 201, r.text
    return pid


def register(cluster, cid, token):
    r = cluster.req("POST", f"/api/v1/contests/{cid}/register", token=token)
    assert r.status_code == 204, r.text


def submit(cluster, token, cid, pid, source):
    r = cluster.req("POST", "/api/v1/submissions", token=token,
                    json={"problem_id": pid, "language": "c", "source": source, "contest_id": cid})
    assert r.status_code == 202, r.text
    return r.json()["id"]


class Live:
    """A WebSocket client of /api/v1/live that records every event of one topic."""

    def __init__(self, cluster, topic, token=None, since=None):
        self.ws = websocket.create_connection(cluster.url.replace("http", "ws", 1) + "/api/v1/live",
                                              timeout=10)
        msg = {"subscribe": topic}
        if token:
            msg["token"] = token
        if since is not None:
            msg["since"] = since
        self.ws.send(json.dumps(msg))
        self.events = []

    def read_until_idle(self, idle=2.0, limit=None, deadline=60):
        """Reads events until none arrives for `idle` seconds (or `limit` were read)."""
        end = time.time() + deadline
        self.ws.settimeout(idle)
        while time.time() < end:
            if limit is not None and len(self.events) >= limit:
                return
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return
            if not raw:
                return
            m = json.loads(raw)
            assert "error" not in m, m
            if "type" in m and "id" in m:  # events; other frames acknowledge subscriptions
                self.events.append(m)

    def close(self):
        self.ws.close()


def wait_all_done(cluster, token, sids, timeout=120):
    return {sid: cluster.wait_verdict(token, sid, timeout=timeout) for sid in sids}


def board(cluster, cid, token=None, public=False):
    r = cluster.req("GET", f"/api/v1/contests/{cid}/scoreboard" + ("?view=public" if public else ""),
                    token=token)
    assert r.status_code == 200, r.text
    return r.json()


def comparable(rows):
    keep = ("rank", "user_id", "username", "solved", "penalty")
    out = []
    for r in sorted(rows, key=lambda r: (r["rank"], int(r["user_id"]))):
        out.append({**{k: r[k] for k in keep},
                    "problems": [{k: p[k] for k in ("label", "solved", "attempts", "pending",
                                                     "time_min", "first_to_solve")}
                                 for p in r["problems"]]})
    return out


def test_contest_rules(cluster):
    cluster.wait_languages(["c"])
    pid = cluster.demo_problem()
    other = make_problem(cluster, f"Outside {time.monotonic_ns()}")
    now = time.time()
    running = make_contest(cluster, "Rules", now - 60, 3600, [{"problem_id": pid, "label": "A"}])
    later = make_contest(cluster, "Later", now + 3600, 3600, [{"problem_id": pid, "label": "A"}])
    _, tok = cluster.new_user("rules")

    def refused(cid, p, status, code):
        r = cluster.req("POST", "/api/v1/submissions", token=tok,
                        json={"problem_id": p, "language": "c", "source": C_SUM, "contest_id": cid})
        assert r.status_code == status, r.text
        err = r.json()["error"]
        assert err["code"] == code and len(err["message"]) > 10, err
        return r

    refused(running, pid, 403, "not_registered")
    register(cluster, running, tok)
    register(cluster, running, tok)  # idempotent
    refused(running, other, 403, "problem_not_in_contest")
    register(cluster, later, tok)
    refused(later, pid, 403, "contest_not_running")
    r = cluster.req("POST", "/api/v1/submissions", token=tok,
                    json={"problem_id": pid, "language": "c", "source": C_SUM, "contest_id": 999999})
    assert r.status_code == 404, r.text
    # the rate limit: 10 a minute by default, then 429 with Retry-After
    for _ in range(10):
        submit(cluster, tok, running, pid, C_SUM)
    r = refused(running, pid, 429, "rate_limited")
    assert 1 <= int(r.headers["Retry-After"]) <= 60, r.headers
    # a contestant may not create contests
    r = cluster.req("POST", "/api/v1/contests", token=tok, json={
        "title": "x", "start_time": rfc3339(now), "duration_s": 600, "scoring": "icpc",
        "problems": [{"problem_id": pid, "label": "A"}]})
    assert r.status_code == 403, r.text
    # listing and the contest object
    r = cluster.req("GET", "/api/v1/contests", token=tok)
    assert r.status_code == 200 and running in [c["id"] for c in r.json()["items"]], r.text
    c = cluster.req("GET", f"/api/v1/contests/{running}", token=tok).json()
    assert c["state"] == "running" and c["registered"] is True and c["problems"][0]["label"] == "A", c
    assert cluster.req("GET", f"/api/v1/contests/{later}").json()["state"] == "scheduled"


def test_scoreboard_live_feed_privacy_and_resume(cluster):
    cluster.wait_languages(["c"])
    admin = cluster.admin()
    pa = cluster.demo_problem()
    pb = make_problem(cluster, f"B {time.monotonic_ns()}")
    start = time.time() - 90  # submissions land in minute 1 or 2
    cid = make_contest(cluster, "Scoreboard", start, 3600,
                       [{"problem_id": pa, "label": "A"}, {"problem_id": pb, "label": "B"}])
    users = [cluster.new_user(f"cu{i}") for i in range(4)]
    for _, tok in users:
        register(cluster, cid, tok)
    me = {name: cluster.req("GET", "/api/v1/users/me", token=tok).json()["id"] for name, tok in users}

    jury = Live(cluster, f"contest/{cid}", token=admin)
    spy_name, spy_tok = users[3]
    spy = Live(cluster, f"contest/{cid}", token=spy_tok)
    resumer = Live(cluster, f"contest/{cid}", token=admin, since=0)
    resumer.read_until_idle(idle=1.0)  # the registrations so far
    plan = [  # (user index, problem, source)
        (0, pa, C_DIFF), (0, pa, C_SUM), (0, pb, C_SUM),
        (1, pa, C_BROKEN), (1, pa, C_SUM),
        (2, pb, C_DIFF), (2, pb, C_DIFF),
        (3, pa, C_SUM), (3, pb, C_SUM),
    ]
    sids = []
    for i, (u, p, src) in enumerate(plan):
        sids.append((u, submit(cluster, users[u][1], cid, p, src)))
        if i == 3:  # the resumer drops out in the middle and comes back later
            resumer.read_until_idle(idle=0.5)
            last = max(e["id"] for e in resumer.events)
            resumer.close()
    verdicts = {}
    for u, sid in sids:
        verdicts[sid] = cluster.wait_verdict(users[u][1], sid, timeout=120)
    time.sleep(1.0)  # let the last scoreboard events travel
    jury.read_until_idle()
    spy.read_until_idle()
    back = Live(cluster, f"contest/{cid}", token=admin, since=last)
    back.read_until_idle()
    full = Live(cluster, f"contest/{cid}", token=admin, since=0)
    full.read_until_idle()

    # every submission has events, ids strictly increase (a contestant's own events by
    # own_id: they take no public id, docs/CONTESTS.md "Event numbering")
    for stream in (jury, spy, back, full):
        ids = [e["id"] for e in stream.events if "own_id" not in e]
        assert ids == sorted(set(ids)), ids
        own = [e["own_id"] for e in stream.events if "own_id" in e]
        assert own == sorted(set(own)), own
    seen = {e["data"]["id"] for e in jury.events if e["type"] == "submission"}
    assert {sid for _, sid in sids} <= seen, (seen, sids)
    for e in jury.events:
        if e["type"] == "submission":
            assert e["topic"] == f"contest/{cid}"
    done = {e["data"]["id"]: e["data"]["verdict"] for e in jury.events
            if e["type"] == "submission" and e["data"]["status"] == "done"}
    for _, sid in sids:
        assert done[sid] == verdicts[sid]["verdict"], (sid, done.get(sid))

    # resuming with `since` misses nothing: before + after the gap == the whole log
    before = [e["id"] for e in resumer.events]
    after = [e["id"] for e in back.events]
    assert after and min(after) > last
    assert before + after == [e["id"] for e in full.events]

    # privacy: the spy sees only its own submissions' details
    spy_subs = [e for e in spy.events if e["type"] == "submission"]
    assert spy_subs and all(e["data"]["user_id"] == me[spy_name] for e in spy_subs), spy_subs
    assert {e["data"]["id"] for e in spy_subs} == {sid for u, sid in sids if u == 3}
    r = cluster.req("GET", f"/api/v1/submissions/{sids[0][1]}", token=spy_tok)
    assert r.status_code == 404, r.text

    # the scoreboard equals an independent computation
    subs = []
    for u, sid in sids:
        s = verdicts[sid]
        subs.append({"user_id": s["user_id"], "username": users[u][0],
                     "label": "A" if s["problem_id"] == pa else "B",
                     "submitted_at_ms": parse_ms(s["submitted_at"]), "verdict": s["verdict"],
                     "subtasks_ok": set()})
    c = cluster.req("GET", f"/api/v1/contests/{cid}", token=admin).json()
    start_ms = parse_ms(c["start_time"])
    expected = scoring_ref.expected_board(
        "icpc", start_ms, 60, 20, [{"label": "A", "points": 1, "subtasks": []},
                                   {"label": "B", "points": 1, "subtasks": []}],
        subs, users=[{"user_id": me[n], "username": n} for n, _ in users])
    got = board(cluster, cid, admin)
    assert got["frozen"] is False
    assert comparable(got["rows"]) == comparable(expected), (got["rows"], expected)
    # contestants see the same board while nothing is frozen
    assert comparable(board(cluster, cid, spy_tok)["rows"]) == comparable(expected)
    # the live scoreboard events end in the same state as the board
    last_row = {}
    for e in jury.events:
        if e["type"] == "scoreboard":
            for row in e["data"]["rows"]:
                last_row[row["user_id"]] = row
    for row in got["rows"]:
        ev = dict(last_row[row["user_id"]])
        assert ev["solved"] == row["solved"] and ev["penalty"] == row["penalty"], (ev, row)
    for s in (jury, spy, back, full):
        s.close()


def test_freeze_hides_results_from_contestants_only(cluster):
    cluster.wait_languages(["c"])
    admin = cluster.admin()
    pa = cluster.demo_problem()
    # started 10 min ago, 20 min long, frozen for the last 15: the freeze began 5 min ago
    cid = make_contest(cluster, "Frozen", time.time() - 600, 1200,
                       [{"problem_id": pa, "label": "A"}], freeze_s=900)
    (name, tok), (name2, tok2) = cluster.new_user("fz"), cluster.new_user("fy")
    register(cluster, cid, tok)
    register(cluster, cid, tok2)
    watcher = Live(cluster, f"contest/{cid}", token=tok2)
    sid = submit(cluster, tok, cid, pa, C_SUM)
    assert cluster.wait_verdict(tok, sid)["verdict"] == "AC"
    time.sleep(0.5)
    watcher.read_until_idle(idle=1.5)

    jury_board = board(cluster, cid, admin)
    public = board(cluster, cid, tok2)
    assert jury_board["frozen"] is False and public["frozen"] is True
    row = lambda b: next(r for r in b["rows"] if r["username"] == name)  # noqa: E731
    assert row(jury_board)["solved"] == 1 and row(jury_board)["problems"][0]["solved"]
    assert row(public)["solved"] == 0 and row(public)["problems"][0]["pending"] == 1
    # the submitter itself sees the public board too (its own verdict is on its submission)
    assert row(board(cluster, cid, tok))["solved"] == 0
    assert board(cluster, cid, admin, public=True)["rows"] == public["rows"]
    assert cluster.req("GET", f"/api/v1/contests/{cid}", token=tok).json()["state"] == "frozen"
    # the other contestant's feed shows the row pending, never solved
    for e in watcher.events:
        assert e["type"] != "submission", e
        if e["type"] == "scoreboard":
            for r in e["data"]["rows"]:
                assert r["solved"] == 0, e

    # thaw: contestants see everything, and live boards get the change
    r = cluster.req("POST", f"/api/v1/contests/{cid}/thaw", token=tok)
    assert r.status_code == 403, r.text
    r = cluster.req("POST", f"/api/v1/contests/{cid}/thaw", token=admin)
    assert r.status_code == 204, r.text
    watcher.read_until_idle(idle=1.5)
    thawed = board(cluster, cid, tok2)
    assert thawed["frozen"] is False and row(thawed)["solved"] == 1
    assert any(e["type"] == "scoreboard" and any(r["solved"] == 1 for r in e["data"]["rows"])
               for e in watcher.events), watcher.events
    watcher.close()


def test_clarifications_arrive_live(cluster):
    admin = cluster.admin()
    pa = cluster.demo_problem()
    cid = make_contest(cluster, "Clar", time.time() - 60, 3600, [{"problem_id": pa, "label": "A"}])
    (n1, t1), (n2, t2) = cluster.new_user("ca"), cluster.new_user("cb")
    register(cluster, cid, t1)
    register(cluster, cid, t2)
    w2 = Live(cluster, f"contest/{cid}", token=t2)
    r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=t1,
                    json={"text": "Is the input one line?", "problem_id": pa})
    assert r.status_code == 201, r.text
    clar = r.json()["id"]
    r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=admin,
                    json={"reply_to": clar, "text": "Yes.", "public": False})
    assert r.status_code in (200, 201), r.text
    w2.read_until_idle(idle=1.0)
    assert not [e for e in w2.events if e["type"] == "clarification"], w2.events  # private
    items = cluster.req("GET", f"/api/v1/contests/{cid}/clarifications", token=t2).json()["items"]
    assert not [c for c in items if c["kind"] == "clarification"], items
    r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=admin,
                    json={"reply_to": clar, "text": "Yes, one line.", "public": True})
    assert r.status_code in (200, 201), r.text
    r = cluster.req("POST", f"/api/v1/contests/{cid}/announcements", token=admin,
                    json={"text": "Problem A has 12 tests.", "title": "Note"})
    assert r.status_code == 201, r.text
    w2.read_until_idle(idle=1.5)
    kinds = [(e["type"], e["data"].get("answer")) for e in w2.events]
    assert ("clarification", "Yes, one line.") in kinds, kinds
    assert ("announcement", "Problem A has 12 tests.") in kinds, kinds
    r = cluster.req("POST", f"/api/v1/contests/{cid}/announcements", token=t1, json={"text": "hi"})
    assert r.status_code == 403, r.text
    w2.close()


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
