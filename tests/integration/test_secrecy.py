"""Contest secrecy (issue 10, point 7): the problem set of a contest that has not started is
invisible to everyone but jury and admin — problem list, search, GET, submissions (practice and
contest), GET /contests/{id}, CLICS problems and event feed, the live feed — and appears at the
start; a problem marked unpublished by hand is hidden the same way."""
import json
import os
import subprocess
import time

import websocket
from conftest import ADMIN_PASSWORD, ROOT

C_SUM = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\\n", a + b); return 0; }
"""


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def make_problem(cluster, title):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": title, "statement_md": "Add two numbers, secretly.", "time_limit_ms": 1000,
        "memory_limit_kb": 262144})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                    json={"input": "1 2\n", "output": "3\n"})
    assert r.status_code == 201, r.text
    return pid


def contest_body(title, start, pids):
    return {"title": title, "start_time": rfc3339(start), "duration_s": 3600, "scoring": "icpc",
            "problems": [{"problem_id": p, "label": chr(ord("A") + i)} for i, p in enumerate(pids)]}


def listed(cluster, token, q):
    r = cluster.req("GET", "/api/v1/problems", token=token, params={"q": q, "per_page": 100})
    assert r.status_code == 200, r.text
    return r.json()


def live_contest_events(cluster, cid, token=None):
    """Every `contest` event of contest cid the caller may see (replayed from id 0)."""
    url = cluster.url.replace("http://", "ws://") + "/api/v1/live"
    header = ["Authorization: Bearer " + token] if token else []
    ws = websocket.create_connection(url, timeout=30, header=header)
    try:
        ws.send(json.dumps({"subscribe": f"contest/{cid}", "since": 0}))
        frames = []
        while True:
            m = json.loads(ws.recv())
            if m.get("subscribed") == f"contest/{cid}":
                break
            assert "error" not in m, m
            frames.append(m)
        return [f["data"] for f in frames if f.get("type") == "contest"]
    finally:
        ws.close()


def feed(cluster, cid, token=None):
    r = cluster.req("GET", f"/api/contests/{cid}/event-feed?stream=false", token=token)
    assert r.status_code == 200, r.text
    return [json.loads(l) for l in r.text.split("\n") if l]


def feed_problem_ids(lines):
    ids = set()
    for n in lines:
        if n["type"] == "problems":
            d = n["data"]
            for p in d if isinstance(d, list) else [d]:
                if p:
                    ids.add(p["id"])
    return ids


def submit(cluster, token, pid, cid=None):
    body = {"problem_id": pid, "language": "c", "source": C_SUM}
    if cid is not None:
        body["contest_id"] = cid
    return cluster.req("POST", "/api/v1/submissions", token=token, json=body)


def assert_hidden(cluster, pid, cid, words, who, token):
    got = listed(cluster, token, words)
    assert got["items"] == [] and got["total"] == 0, f"{who}: search shows {got}"
    all_items = listed(cluster, token, "")
    assert pid not in [p["id"] for p in all_items["items"]], f"{who}: list shows {pid}"
    assert all_items["total"] == len(all_items["items"]), f"{who}: total counts hidden problems"
    r = cluster.req("GET", f"/api/v1/problems/{pid}", token=token)
    assert r.status_code == 404, f"{who}: GET problem {r.status_code} {r.text[:200]}"
    r = cluster.req("GET", f"/api/v1/contests/{cid}", token=token)
    assert r.status_code == 200, r.text
    assert r.json()["problems"] == [], f"{who}: contest shows {r.json()['problems']}"
    r = cluster.req("GET", f"/api/contests/{cid}/problems", token=token)
    assert r.status_code == 200 and r.json() == [], f"{who}: CLICS problems {r.text[:300]}"
    r = cluster.req("GET", f"/api/contests/{cid}/problems/{pid}", token=token)
    assert r.status_code == 404, f"{who}: CLICS problem {r.status_code}"
    lines = feed(cluster, cid, token)
    assert feed_problem_ids(lines) == set(), f"{who}: event feed shows problems"
    for n in lines:
        if n["type"] == "contest" and n["data"]:
            assert "problems" not in n["data"] or not n["data"]["problems"], n
    for data in live_contest_events(cluster, cid, token):
        assert data["problems"] == [], f"{who}: live contest event shows {data['problems']}"
    if token:
        r = submit(cluster, token, pid)
        assert r.status_code == 404, f"{who}: practice submission {r.status_code} {r.text}"
        r = submit(cluster, token, pid, cid)
        assert r.status_code == 404, f"{who}: contest submission {r.status_code} {r.text}"


def assert_visible(cluster, pid, cid, words, who, token):
    got = listed(cluster, token, words)
    assert [p["id"] for p in got["items"]] == [pid] and got["total"] == 1, f"{who}: {got}"
    r = cluster.req("GET", f"/api/v1/problems/{pid}", token=token)
    assert r.status_code == 200, f"{who}: GET problem {r.status_code} {r.text}"
    assert "secretly" in r.json()["statement_md"]
    assert r.json()["published"] is True
    r = cluster.req("GET", f"/api/v1/contests/{cid}", token=token)
    assert [p["problem_id"] for p in r.json()["problems"]] == [pid], f"{who}: {r.text}"
    r = cluster.req("GET", f"/api/contests/{cid}/problems", token=token)
    assert r.status_code == 200 and [p["id"] for p in r.json()] == [pid], f"{who}: {r.text}"
    assert feed_problem_ids(feed(cluster, cid, token)) == {pid}, f"{who}: event feed"
    assert [pid] in [[p["problem_id"] for p in d["problems"]]
                     for d in live_contest_events(cluster, cid, token)], f"{who}: live feed"


def test_a_contest_problem_is_hidden_until_the_start(cluster):
    admin = cluster.admin()
    _, tok = cluster.new_user("secret")
    words = f"Quokka {time.monotonic_ns()}"
    pid = make_problem(cluster, f"{words} sum")
    body = contest_body(f"Secret {words}", time.time() + 3600, [pid])
    r = cluster.req("POST", "/api/v1/contests", token=admin, json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    r = cluster.req("POST", f"/api/v1/contests/{cid}/register", token=tok)
    assert r.status_code == 204, r.text

    assert_hidden(cluster, pid, cid, words, "anonymous", None)
    assert_hidden(cluster, pid, cid, words, "contestant", tok)
    # no membership oracle: a visible practice problem and the hidden one get the same answers
    practice = make_problem(cluster, f"Practice {time.monotonic_ns()}")
    r = submit(cluster, tok, practice, cid)
    assert r.status_code == 403 and r.json()["error"]["code"] == "contest_not_running", r.text
    for p in (pid, practice, "999999"):
        r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=tok,
                        json={"text": "Is this one hard?", "problem_id": p})
        assert r.status_code == 400 and "before the contest starts" in r.text, (p, r.text)

    # admin sees everything, and is told the problem is hidden
    r = cluster.req("GET", f"/api/v1/problems/{pid}", token=admin)
    assert r.status_code == 200 and r.json()["hidden"] is True and r.json()["published"] is True
    assert [p["id"] for p in listed(cluster, admin, words)["items"]] == [pid]
    r = cluster.req("GET", f"/api/v1/contests/{cid}", token=admin)
    assert [p["problem_id"] for p in r.json()["problems"]] == [pid]
    r = cluster.req("GET", f"/api/contests/{cid}/problems", token=admin)
    assert [p["id"] for p in r.json()] == [pid]
    assert feed_problem_ids(feed(cluster, cid, admin)) == {pid}
    assert any(d["problems"] for d in live_contest_events(cluster, cid, admin))
    # a staff GET must not open the edge's existence cache to contestants
    r = submit(cluster, tok, pid)
    assert r.status_code == 404, r.text

    # the contest starts in a few seconds: everything appears
    start = time.time() + 6
    body["start_time"] = rfc3339(start)
    r = cluster.req("PUT", f"/api/v1/contests/{cid}", token=admin, json=body)
    assert r.status_code == 200, r.text
    # still before the start (two quick requests; a loaded machine has seconds to spare)
    assert cluster.req("GET", f"/api/v1/problems/{pid}", token=tok).status_code == 404
    assert cluster.req("GET", f"/api/v1/contests/{cid}", token=tok).json()["problems"] == []
    assert time.time() < start - 1, "the checks before the start took too long to mean anything"
    deadline = time.time() + 30
    while cluster.req("GET", f"/api/v1/contests/{cid}").json()["state"] == "scheduled":
        assert time.time() < deadline, "the contest did not start"
        time.sleep(0.25)
    # the start's `contest` event is logged within a tick of the start (bounded wait)
    while not any(d["problems"] for d in live_contest_events(cluster, cid)):
        assert time.time() < deadline, "no `contest` event with the problems after the start"
        time.sleep(0.25)
    assert_visible(cluster, pid, cid, words, "anonymous", None)
    assert_visible(cluster, pid, cid, words, "contestant", tok)
    r = cluster.req("GET", f"/api/v1/problems/{pid}", token=admin)
    assert r.json()["hidden"] is False
    r = submit(cluster, tok, pid)
    assert r.status_code == 202, r.text
    r = submit(cluster, tok, pid, cid)
    assert r.status_code == 202, r.text

    # a problem of a started contest stays visible when a later contest uses it too; a new
    # problem of that later contest is hidden
    words2 = f"Wombat {time.monotonic_ns()}"
    pid2 = make_problem(cluster, f"{words2} sum")
    later = contest_body(f"Later {words2}", time.time() + 3600, [pid, pid2])
    r = cluster.req("POST", "/api/v1/contests", token=admin, json=later)
    assert r.status_code == 201, r.text
    cid2 = r.json()["id"]
    assert cluster.req("GET", f"/api/v1/problems/{pid}").status_code == 200
    assert cluster.req("GET", f"/api/v1/problems/{pid2}").status_code == 404
    assert listed(cluster, None, words2)["total"] == 0
    r = cluster.req("GET", f"/api/v1/contests/{cid2}")
    assert r.json()["problems"] == []


def test_an_unpublished_problem_is_hidden_from_everyone_but_staff(cluster):
    admin = cluster.admin()
    _, tok = cluster.new_user("unpub")
    words = f"Numbat {time.monotonic_ns()}"
    pid = make_problem(cluster, f"{words} sum")
    assert cluster.req("GET", f"/api/v1/problems/{pid}").json()["published"] is True
    r = cluster.req("PUT", f"/api/v1/problems/{pid}", token=admin, json={"published": False})
    assert r.status_code == 200, r.text
    assert r.json()["published"] is False and r.json()["hidden"] is True
    for who, t in [("anonymous", None), ("contestant", tok)]:
        assert listed(cluster, t, words)["total"] == 0, who
        r = cluster.req("GET", f"/api/v1/problems/{pid}", token=t)
        assert r.status_code == 404, f"{who}: {r.status_code}"
    r = submit(cluster, tok, pid)
    assert r.status_code == 404, r.text
    assert [p["id"] for p in listed(cluster, admin, words)["items"]] == [pid]
    r = cluster.req("PUT", f"/api/v1/problems/{pid}", token=admin, json={"published": "yes"})
    assert r.status_code == 400 and "`published`" in r.text, r.text
    r = cluster.req("PUT", f"/api/v1/problems/{pid}", token=admin, json={"published": True})
    assert r.status_code == 200 and r.json()["published"] is True, r.text
    assert listed(cluster, None, words)["total"] == 1
    # the same through gavelctl
    ctl = [os.path.join(ROOT, "ops", "gavelctl"), "--url", cluster.url, "--user", "admin",
           "problem"]
    env = dict(os.environ, GAVELCTL_PASSWORD=ADMIN_PASSWORD)
    out = subprocess.run(ctl + ["unpublish", pid], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "published=false" in out.stdout, out.stdout + out.stderr
    assert cluster.req("GET", f"/api/v1/problems/{pid}", token=tok).status_code == 404
    out = subprocess.run(ctl + ["publish", pid], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "published=true" in out.stdout, out.stdout + out.stderr
    assert cluster.req("GET", f"/api/v1/problems/{pid}", token=tok).status_code == 200
    r = submit(cluster, tok, pid)
    assert r.status_code == 202, r.text
