"""Issue 10 point 8: during the freeze, what the public and other contestants observe must not
depend on the verdict of a frozen submission (docs/CONTESTS.md "Event numbering").

Two contests are built the same way, step by step: X and Y register, Y submits once, X submits
during the freeze (an AC that runs every test in one contest, a WA that fails test 1 in the
other), then an announcement. An anonymous viewer and Y then look at everything they can see:
live event frames (live and replayed), CLICS event-feed lines and tokens, the public scoreboard,
the contest, the submission lists. With ids of objects and timestamps normalised (they differ
between two contests by construction) the two observations must be identical, event ids and
feed tokens included. The jury still sees every event (more in the AC contest) with its own
ids, and `since` resumes each sequence exactly."""
import json
import time

import pytest
import websocket

C_AC = ("#include <stdio.h>\nint main(void){long a,b;if(scanf(\"%ld %ld\",&a,&b)!=2)return 1;"
        "printf(\"%ld\\n\",a+b);return 0;}\n")
C_WA = ("#include <stdio.h>\nint main(void){long a,b;if(scanf(\"%ld %ld\",&a,&b)!=2)return 1;"
        "printf(\"%ld\\n\",a-b);return 0;}\n")
TESTS = 8
TITLE = "Freeze secrecy"
# values that differ between two identically built contests: object ids and clocks
VOLATILE = {"id", "contest_id", "sub_id", "submission_id", "judgement_id", "problem_id",
            "submitted_at", "judged_at", "created_at", "answered_at", "time", "start_time",
            "end_time", "freeze_time", "server_time", "contest_time", "contest_time_min",
            "start_contest_time", "end_contest_time", "started", "frozen", "ended", "thawed",
            "finalized", "end_of_updates", "time_ms", "memory_kb", "max_run_time", "run_time",
            "formal_name", "name"}


# ---- helpers ---------------------------------------------------------------------------------

def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def norm(v, key=None):
    """v with the values of VOLATILE keys replaced by their type's name."""
    if key in VOLATILE and not isinstance(v, (dict, list)):
        return type(v).__name__
    if isinstance(v, dict):
        return {k: norm(x, k) for k, x in sorted(v.items())}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def frame(m):
    """A live frame with its event id kept and everything volatile inside data normalised."""
    return {"id": m["id"], "own_id": m.get("own_id"), "type": m["type"], "data": norm(m["data"])}


def ws_connect(cluster):
    return websocket.create_connection(cluster.url.replace("http", "ws", 1) + "/api/v1/live",
                                       timeout=30)


def subscribe(ws, topic, token=None, **kw):
    """Subscribes; returns the event frames that came before the acknowledgement."""
    msg = {"subscribe": topic, **kw}
    if token:
        msg["token"] = token
    ws.send(json.dumps(msg))
    out = []
    while True:
        m = json.loads(ws.recv())
        assert "error" not in m, m
        if m.get("subscribed") == topic:
            return out
        if "type" in m:
            out.append(m)


def is_marker(m):
    return m.get("type") == "announcement" and m["data"].get("answer") == "marker"


def read_until_marker(ws, timeout=60):
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        ws.settimeout(max(0.1, deadline - time.time()))
        m = json.loads(ws.recv())
        assert "error" not in m, m
        if "type" not in m:
            continue
        out.append(m)
        if is_marker(m):
            return out
    raise AssertionError(f"no marker within {timeout} s; got {out[-5:]}")


def replay(cluster, topic, token=None, **kw):
    """Everything the viewer may see of the topic's log, replayed from `since`."""
    ws = ws_connect(cluster)
    try:
        kw.setdefault("since", 0)
        return subscribe(ws, topic, token, **kw)
    finally:
        ws.close()


def feed(cluster, cid, token=None, since=None):
    q = "stream=false" + (f"&since_token={since}" if since is not None else "")
    r = cluster.req("GET", f"/api/contests/{cid}/event-feed?{q}", token=token)
    assert r.status_code == 200, r.text
    return [json.loads(line) for line in r.text.split("\n") if line]


def get(cluster, path, token=None):
    r = cluster.req("GET", path, token=token)
    assert r.status_code == 200, f"GET {path}: {r.status_code} {r.text}"
    return r.json()


def make_problem(cluster):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": f"Frozen sums {time.monotonic_ns()}", "statement_md": "Add two numbers.",
        "time_limit_ms": 1000, "memory_limit_kb": 262144})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for i in range(TESTS):  # a - b is wrong on every test: the WA stops at test 1
        a, b = i + 1, 2 * i + 3
        r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                        json={"input": f"{a} {b}\n", "output": f"{a + b}\n"})
        assert r.status_code == 201, r.text
    return pid


def submit(cluster, token, cid, pid, source):
    r = cluster.req("POST", "/api/v1/submissions", token=token,
                    json={"problem_id": pid, "language": "c", "source": source, "contest_id": cid})
    assert r.status_code == 202, r.text
    return r.json()["id"]


def settle(cluster, cid, token, count_before=None, quiet=1.0, timeout=30):
    """Waits until the jury's view of the log stops growing for `quiet` seconds (timers that
    log the start and the freeze, events after a verdict)."""
    last, since = None, time.time()
    deadline = time.time() + timeout
    while time.time() < deadline:
        n = len(replay(cluster, f"contest/{cid}", token))
        if n != last:
            last, since = n, time.time()
        elif time.time() - since >= quiet:
            return n
        time.sleep(0.2)
    raise AssertionError(f"contest {cid}'s log kept growing for {timeout} s")


def build_run(cluster, pid, x_tok, y_tok, x_source):
    """One contest, built the same way every time; returns what each viewer observed."""
    admin = cluster.admin()
    now = time.time()  # minute 50 of 60, the last 20 frozen
    r = cluster.req("POST", "/api/v1/contests", token=admin, json={
        "title": TITLE, "start_time": rfc3339(now - 50 * 60), "duration_s": 3600, "freeze_s": 1200,
        "scoring": "icpc", "problems": [{"problem_id": pid, "label": "A"}]})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    topic = f"contest/{cid}"
    settle(cluster, cid, admin)
    assert get(cluster, f"/api/v1/contests/{cid}")["state"] == "frozen"
    for tok in (x_tok, y_tok):
        assert cluster.req("POST", f"/api/v1/contests/{cid}/register", token=tok).status_code == 204
    settle(cluster, cid, admin)
    # live viewers from here on: anonymous, Y, and the jury
    live = {"anon": (ws_connect(cluster), None), "y": (ws_connect(cluster), y_tok),
            "jury": (ws_connect(cluster), admin)}
    for ws, tok in live.values():
        subscribe(ws, topic, tok)
    ys = submit(cluster, y_tok, cid, pid, C_WA)
    assert cluster.wait_verdict(y_tok, ys)["verdict"] == "WA"
    settle(cluster, cid, admin)
    xs = submit(cluster, x_tok, cid, pid, x_source)
    x_verdict = cluster.wait_verdict(x_tok, xs)["verdict"]
    settle(cluster, cid, admin)
    r = cluster.req("POST", f"/api/v1/contests/{cid}/announcements", token=admin,
                    json={"text": "marker"})
    assert r.status_code == 201, r.text
    seen = {name: read_until_marker(ws) for name, (ws, _) in live.items()}
    for ws, _ in live.values():
        ws.close()
    out = {"cid": cid, "x_verdict": x_verdict, "x_sub": xs,
           "frozen": get(cluster, f"/api/v1/contests/{cid}/scoreboard")["frozen"]}
    for name, tok in (("anon", None), ("y", y_tok)):
        out[name] = {
            "live": [frame(m) for m in seen[name]],
            "replay": [frame(m) for m in replay(cluster, topic, tok)],
            "feed": [{"type": n["type"], "token": n.get("token"), "data": norm(n["data"])}
                     for n in feed(cluster, cid, tok)],
            "board": norm(get(cluster, f"/api/v1/contests/{cid}/scoreboard", tok)),
            "contest": norm(get(cluster, f"/api/v1/contests/{cid}", tok)),
            "clics_board": norm(get(cluster, f"/api/contests/{cid}/scoreboard", tok)),
            "clics_subs": norm(get(cluster, f"/api/contests/{cid}/submissions", tok)),
            "clics_judgements": norm(get(cluster, f"/api/contests/{cid}/judgements", tok)),
        }
        if tok:
            out[name]["subs"] = norm(get(cluster, f"/api/v1/contests/{cid}/submissions", tok))
            out[name]["v1_subs"] = norm(get(cluster, f"/api/v1/submissions?contest_id={cid}", tok))
    out["jury_live"] = seen["jury"]
    out["jury_replay"] = replay(cluster, topic, admin)
    return out


@pytest.fixture(scope="module")
def runs(cluster):
    cluster.wait_languages(["c"])
    pid = make_problem(cluster)
    _, x_tok = cluster.new_user("fx")
    _, y_tok = cluster.new_user("fy")
    ac = build_run(cluster, pid, x_tok, y_tok, C_AC)
    wa = build_run(cluster, pid, x_tok, y_tok, C_WA)
    assert ac["x_verdict"] == "AC" and wa["x_verdict"] == "WA"
    y_id = get(cluster, "/api/v1/users/me", y_tok)["id"]
    return {"ac": ac, "wa": wa, "x": x_tok, "y": y_tok, "y_id": y_id}


# ---- tests -----------------------------------------------------------------------------------

def test_the_jury_sees_every_event_with_its_own_ids(runs):
    for k in ("ac", "wa"):
        ids = [m["id"] for m in runs[k]["jury_replay"]]
        # jury ids: every event of the log; staff skip only the public board's own events
        assert ids == sorted(set(ids)) and ids[0] == 1, (k, ids)
        assert not [m for m in runs[k]["jury_replay"] if "own_id" in m], k
        live = [m["id"] for m in runs[k]["jury_live"]]
        assert live == ids[len(ids) - len(live):], (k, live)
        progress = [m for m in runs[k]["jury_replay"] if m["type"] == "submission"
                    and m["data"]["id"] == runs[k]["x_sub"] and m["data"].get("test")]
        assert progress, k  # the jury follows the frozen submission's tests
    # the AC ran every test, the WA stopped at the first: the jury's log is longer
    assert len(runs["ac"]["jury_replay"]) > len(runs["wa"]["jury_replay"])


@pytest.mark.parametrize("viewer", ["anon", "y"])
@pytest.mark.parametrize("what", ["live", "replay", "feed", "board", "contest", "clics_board",
                                  "clics_subs", "clics_judgements", "subs", "v1_subs"])
def test_a_frozen_verdict_changes_nothing_others_observe(runs, viewer, what):
    ac, wa = runs["ac"][viewer], runs["wa"][viewer]
    if what not in ac:
        pytest.skip("only signed-in viewers have own lists")
    assert ac[what] == wa[what], (what, viewer)


def test_others_see_no_trace_of_the_frozen_submission_but_its_pending_cell(runs):
    for k in ("ac", "wa"):
        for viewer in ("anon", "y"):
            frames = runs[k][viewer]["replay"]
            ids = [m["id"] for m in frames if m.get("own_id") is None]
            assert ids == list(range(1, len(ids) + 1)), (k, viewer, ids)  # the public sequence
            subs = [m for m in frames if m["type"] == "submission"]
            if viewer == "anon":
                assert not subs, k
            else:  # Y's own only, each with its own id and no public one of its own
                assert subs and all(m["data"]["user_id"] == runs["y_id"] for m in subs), k
                own = [m["own_id"] for m in subs]
                assert own == list(range(1, len(own) + 1)), (k, own)
        assert runs[k]["frozen"] is True


def test_since_resumes_the_public_and_the_own_sequence_exactly(runs, cluster):
    run = runs["ac"]
    topic = f"contest/{run['cid']}"
    full = replay(cluster, topic)  # anonymous: the public sequence
    for cut in range(0, len(full) + 1):
        since = full[cut - 1]["id"] if cut else 0
        assert replay(cluster, topic, since=since) == full[cut:], since
    y = runs["y"]
    full = replay(cluster, topic, y)  # Y: the public sequence plus Y's own events
    assert [m for m in full if m.get("own_id")], "Y's own submission events are in its stream"
    for cut in range(0, len(full) + 1):
        since = max([m["id"] for m in full[:cut]], default=0)
        own = max([m["own_id"] for m in full[:cut] if m.get("own_id")], default=0)
        assert replay(cluster, topic, y, since=since, since_own=own) == full[cut:], (since, own)
    # the CLICS feed of Y resumes after each of its tokens
    lines = feed(cluster, run["cid"], y)
    tokens = [n.get("token") for n in lines]
    for token in sorted({t for t in tokens if t}, key=int):
        last = max(i for i, t in enumerate(tokens) if t == token)
        assert feed(cluster, run["cid"], y, since=token) == lines[last + 1:], token
