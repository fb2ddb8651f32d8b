"""The ICPC CLICS Contest API (2023-06) under /api/contests: the event feed is NDJSON line by
line, resumes exactly after any token it gave (since_token), and agrees with the REST
endpoints (submissions, judgements, runs, clarifications, teams, problems, state); the CLICS
scoreboard agrees with /api/v1/contests/{id}/scoreboard. Contestants see their own
submissions only, anonymous readers none."""
import datetime
import json
import time

import pytest
import requests

C_SUM = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\\n", a + b); return 0; }
"""
C_WRONG = C_SUM.replace("a + b", "a + b + 1")

TYPES = {"contest", "judgement-types", "languages", "problems", "teams", "state", "submissions",
         "judgements", "runs", "clarifications"}


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def get_ok(cluster, path, token=None):
    r = cluster.req("GET", path, token=token)
    assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text}"
    return r.json()


def feed_lines(cluster, cid, token=None, since=None):
    q = "stream=false" + (f"&since_token={since}" if since is not None else "")
    r = cluster.req("GET", f"/api/contests/{cid}/event-feed?{q}", token=token)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/x-ndjson")
    assert r.text == "" or r.text.endswith("\n")
    return r.text.split("\n")[:-1]


def final_objects(lines):
    """(type, id) -> data after applying every notification in order (null data deletes)."""
    objs = {}
    for line in lines:
        n = json.loads(line)
        key = (n["type"], n["id"])
        if n["data"] is None:
            objs.pop(key, None)
        else:
            objs[key] = n["data"]
    return objs


@pytest.fixture(scope="module")
def contest(cluster):
    """A running ICPC contest with a freeze later on: two teams, an AC, a WA then an AC, a
    question answered to everyone and an announcement."""
    admin = cluster.admin()
    cluster.wait_languages(["c"])
    pid = cluster.demo_problem()
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
    r = cluster.req("POST", "/api/v1/contests", token=admin, json={
        "title": f"CLICS {time.monotonic_ns()}", "start_time": rfc3339(start), "duration_s": 7200,
        "scoring": "icpc", "freeze_s": 1800, "problems": [{"problem_id": pid, "label": "A"}]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    teams = []
    for prefix in ("clicsa", "clicsb"):
        _, token = cluster.new_user(prefix)
        r = cluster.req("POST", f"/api/v1/contests/{cid}/register", token=token)
        assert r.status_code == 204, r.text
        teams.append(token)
    plan = [(teams[0], C_SUM), (teams[1], C_WRONG), (teams[1], C_SUM)]
    sids = []
    for token, src in plan:
        r = cluster.req("POST", "/api/v1/submissions", token=token,
                        json={"problem_id": pid, "language": "c", "source": src, "contest_id": cid})
        assert r.status_code == 202, r.text
        sids.append(r.json()["id"])
        cluster.wait_verdict(token, sids[-1])
    r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=teams[0],
                    json={"text": "Can a be negative?", "problem_id": pid})
    assert r.status_code == 201, r.text
    r = cluster.req("POST", f"/api/v1/contests/{cid}/clarifications", token=admin,
                    json={"reply_to": r.json()["id"], "text": "Yes.", "public": True})
    assert r.status_code == 200, r.text
    r = cluster.req("POST", f"/api/v1/contests/{cid}/announcements", token=admin,
                    json={"title": "Welcome", "text": "Good luck"})
    assert r.status_code == 201, r.text
    me = [get_ok(cluster, "/api/v1/users/me", t)["id"] for t in teams]
    return {"id": cid, "admin": admin, "teams": teams, "team_ids": me, "sids": sids, "pid": pid}


def test_the_feed_is_ndjson_one_notification_per_line(cluster, contest):
    lines = feed_lines(cluster, contest["id"], contest["admin"])
    assert lines, "the feed is empty"
    seen = set()
    for line in lines:
        n = json.loads(line)  # every line is one JSON document
        assert isinstance(n, dict) and set(n) <= {"type", "id", "data", "token"}, n
        assert n["type"] in TYPES, n
        if n["type"] in ("contest", "state"):
            assert n["id"] is None
        else:
            assert isinstance(n["id"], str) and n["id"]
            assert n["data"] is None or n["data"]["id"] == n["id"]
        assert "token" not in n or isinstance(n["token"], str)
        seen.add(n["type"])
    assert json.loads(lines[0])["type"] == "contest"
    assert TYPES <= seen, f"missing notification types: {TYPES - seen}"
    # tokens only grow: they are the contest's event ids
    tokens = [int(json.loads(l)["token"]) for l in lines if "token" in json.loads(l)]
    assert tokens == sorted(tokens)


def test_since_token_resumes_exactly_after_that_token(cluster, contest):
    cid, admin = contest["id"], contest["admin"]
    full = feed_lines(cluster, cid, admin)
    tokens = [json.loads(l).get("token") for l in full]
    distinct = sorted({t for t in tokens if t}, key=int)
    assert len(distinct) >= 5
    for token in distinct:
        last = max(i for i, t in enumerate(tokens) if t == token)
        assert feed_lines(cluster, cid, admin, since=token) == full[last + 1:], token
    r = cluster.req("GET", f"/api/contests/{cid}/event-feed?stream=false&since_token="
                    f"{int(distinct[-1]) + 1000}", token=admin)
    assert r.status_code == 400 and "since_token" in r.json()["error"]["message"]
    r = cluster.req("GET", f"/api/contests/{cid}/event-feed?since_token=abc", token=admin)
    assert r.status_code == 400


def test_the_feed_agrees_with_the_rest_endpoints(cluster, contest):
    cid, admin = contest["id"], contest["admin"]
    objs = final_objects(feed_lines(cluster, cid, admin))
    for endpoint in ("submissions", "judgements", "runs", "clarifications", "teams", "problems",
                     "judgement-types", "languages"):
        rest = get_ok(cluster, f"/api/contests/{cid}/{endpoint}", admin)
        from_feed = {i: d for (t, i), d in objs.items() if t == endpoint}
        assert {o["id"]: o for o in rest} == from_feed, endpoint
        for o in rest[:3]:  # item endpoints answer the same objects
            assert get_ok(cluster, f"/api/contests/{cid}/{endpoint}/{o['id']}", admin) == o
    assert objs[("contest", None)] == get_ok(cluster, f"/api/contests/{cid}", admin)
    assert objs[("state", None)] == get_ok(cluster, f"/api/contests/{cid}/state", admin)

    subs = {s["id"]: s for s in get_ok(cluster, f"/api/contests/{cid}/submissions", admin)}
    assert set(contest["sids"]) <= set(subs)
    judgements = {j["submission_id"]: j for j in
                  get_ok(cluster, f"/api/contests/{cid}/judgements", admin)}
    verdicts = [judgements[s]["judgement_type_id"] for s in contest["sids"]]
    assert verdicts == ["AC", "WA", "AC"]
    runs = get_ok(cluster, f"/api/contests/{cid}/runs", admin)
    assert {r["judgement_id"] for r in runs} >= set(contest["sids"])
    types = {t["id"]: t for t in get_ok(cluster, f"/api/contests/{cid}/judgement-types")}
    assert types["CE"]["penalty"] is False and types["WA"]["penalty"] is True
    assert types["AC"]["solved"] is True


def test_the_scoreboard_agrees_with_the_v1_scoreboard(cluster, contest):
    cid = contest["id"]
    c = get_ok(cluster, f"/api/v1/contests/{cid}")
    label_to_pid = {p["label"]: p["problem_id"] for p in c["problems"]}
    for token in (contest["admin"], None, contest["teams"][0]):
        v1 = get_ok(cluster, f"/api/v1/contests/{cid}/scoreboard", token)
        clics = get_ok(cluster, f"/api/contests/{cid}/scoreboard", token)
        assert clics["state"] == get_ok(cluster, f"/api/contests/{cid}/state", token)
        assert len(clics["rows"]) == len(v1["rows"])
        for a, b in zip(clics["rows"], v1["rows"]):
            assert a["rank"] == b["rank"] and a["team_id"] == b["user_id"]
            assert a["score"]["num_solved"] == b["solved"]
            assert a["score"]["total_time"] == b["penalty"]
            cells = {p["problem_id"]: p for p in a["problems"]}
            for cell in b["problems"]:
                p = cells[label_to_pid[cell["label"]]]
                assert p["solved"] == cell["solved"]
                assert p["num_judged"] == cell["attempts"]
                assert p["num_pending"] == cell["pending"]
                assert p.get("time") == (cell["time_min"] if cell["solved"] else None)
    rows = {r["team_id"]: r for r in get_ok(cluster, f"/api/contests/{cid}/scoreboard",
                                            contest["admin"])["rows"]}
    a, b = (rows[t] for t in contest["team_ids"])
    assert a["score"]["num_solved"] == 1 and b["score"]["num_solved"] == 1
    assert b["problems"][0]["num_judged"] == 2
    assert b["score"]["total_time"] >= a["score"]["total_time"] + 20  # one rejected attempt


def test_contestants_see_their_own_submissions_and_anonymous_readers_none(cluster, contest):
    cid = contest["id"]
    anon = final_objects(feed_lines(cluster, cid))
    assert not [k for k in anon if k[0] in ("submissions", "judgements", "runs")]
    assert ("teams", contest["team_ids"][0]) in anon
    assert get_ok(cluster, f"/api/contests/{cid}/submissions") == []
    mine = contest["team_ids"][0]
    own = final_objects(feed_lines(cluster, cid, contest["teams"][0]))
    subs = [d for (t, _), d in own.items() if t == "submissions"]
    assert subs and all(s["team_id"] == mine for s in subs)
    rest = get_ok(cluster, f"/api/contests/{cid}/submissions", contest["teams"][0])
    assert {s["id"] for s in rest} == {s["id"] for s in subs}


def test_the_stream_delivers_new_submissions_and_verdicts_live(cluster, contest):
    cid, admin = contest["id"], contest["admin"]
    known = len(feed_lines(cluster, cid, admin))
    with requests.get(f"{cluster.url}/api/contests/{cid}/event-feed", stream=True, timeout=30,
                      headers={"Authorization": "Bearer " + admin}) as r:
        assert r.status_code == 200
        assert r.headers.get("Transfer-Encoding") == "chunked"
        lines = r.iter_lines(decode_unicode=True)
        for _ in range(known):
            next(lines)
        token = contest["teams"][0]
        s = cluster.req("POST", "/api/v1/submissions", token=token,
                        json={"problem_id": contest["pid"], "language": "c", "source": C_SUM,
                              "contest_id": cid})
        assert s.status_code == 202, s.text
        sid = s.json()["id"]
        got = set()
        deadline = time.time() + 60
        for line in lines:
            assert time.time() < deadline, f"no live notifications for submission {sid}"
            if not line:
                continue  # keep-alive
            n = json.loads(line)
            if n["id"] == sid and n["type"] in ("submissions", "judgements"):
                got.add(n["type"])
                assert "token" in n
            if got == {"submissions", "judgements"}:
                break
