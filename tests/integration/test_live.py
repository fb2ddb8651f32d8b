"""The live feed, WebSocket GET /api/v1/live (API.md "Live updates", edge/live.h): who sees
which event, replay with `since` that neither skips nor repeats, submission topics, bad input,
and a client too slow to keep up, which is closed with 4001 while the others get everything."""
import json
import socket
import threading
import time

import pytest
import requests
import websocket

C_AC = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n"


# ---- helpers ---------------------------------------------------------------------------------

def connect(cluster, token=None, query="", rcvbuf=None):
    url = cluster.url.replace("http://", "ws://") + "/api/v1/live" + query
    header = ["Authorization: Bearer " + token] if token else []
    sockopt = ((socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf),) if rcvbuf else ()
    return websocket.create_connection(url, timeout=30, header=header, sockopt=sockopt)


def send(ws, **msg):
    ws.send(json.dumps(msg))


def recv(ws):
    return json.loads(ws.recv())


def subscribe(ws, topic, **kw):
    """Subscribes; returns (frames before the answer, the answer: {"subscribed"} or {"error"})."""
    send(ws, subscribe=topic, **kw)
    before = []
    while True:
        m = recv(ws)
        if m.get("subscribed") == topic or ("error" in m and m.get("topic") == topic):
            return before, m
        before.append(m)


def read_until(ws, done, timeout=60):
    """Frames until done(frame) is true (that frame included)."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        ws.settimeout(max(0.1, deadline - time.time()))
        m = recv(ws)
        out.append(m)
        if done(m):
            return out
    raise AssertionError(f"no expected frame within {timeout} s; got {out[-5:]}")


def new_contest(cluster, problem_id):
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    r = cluster.req("POST", "/api/v1/contests", token=cluster.admin(), json={
        "title": f"Live {time.monotonic_ns()}", "start_time": start, "duration_s": 3600,
        "scoring": "icpc", "problems": [{"problem_id": problem_id, "label": "A"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def announce(cluster, cid, text, session=None, **kw):
    s = session or cluster.http
    r = s.post(f"{cluster.url}/api/v1/contests/{cid}/announcements", timeout=30,
               headers={"Authorization": "Bearer " + cluster.admin()}, json={"text": text, **kw})
    assert r.status_code == 201, r.text


def user_id(cluster, token):
    r = cluster.req("GET", "/api/v1/users/me", token=token)
    assert r.status_code == 200, r.text
    return r.json()["id"]


def is_announcement(text):
    return lambda m: m.get("type") == "announcement" and m["data"].get("answer") == text


# ---- tests -----------------------------------------------------------------------------------

def test_messages_are_answered_and_bad_ones_named(cluster):
    ws = connect(cluster)
    _, ack = subscribe(ws, "contest/1")
    assert ack == {"subscribed": "contest/1"}
    _, err = subscribe(ws, "contest/1")
    assert err["error"]["code"] == "conflict"

    ws.send("subscribe me")
    assert recv(ws)["error"]["code"] == "bad_json"
    send(ws, subscribe="judge/1")
    m = recv(ws)
    assert m["error"]["code"] == "invalid_field" and "subscribe" in m["error"]["message"]
    ws.send_binary(b"\x00\x01")
    assert recv(ws)["error"]["code"] == "bad_json"

    _, err = subscribe(ws, "submission/1")
    assert err["error"]["code"] == "unauthorized"  # submissions need a token
    _, err = subscribe(ws, "contest/2", token="not.a.token")
    assert err["error"]["code"] == "unauthorized"

    send(ws, unsubscribe="contest/1")
    assert recv(ws) == {"unsubscribed": "contest/1"}
    send(ws, unsubscribe="contest/1")
    assert recv(ws)["error"]["code"] == "not_found"

    for i in range(16):
        _, ack = subscribe(ws, f"contest/{100 + i}")
        assert "subscribed" in ack
    _, err = subscribe(ws, "contest/200")
    assert err["error"]["code"] == "too_many_subscriptions"

    ws.ping(b"still there?")
    op, data = ws.recv_data(control_frame=True)
    assert (op, data) == (websocket.ABNF.OPCODE_PONG, b"still there?")

    ws.send(json.dumps({"subscribe": "contest/1", "pad": "x" * 5000}))
    op, data = ws.recv_data(control_frame=True)
    assert op == websocket.ABNF.OPCODE_CLOSE and int.from_bytes(data[:2], "big") == 1009
    ws.close()


def test_plain_http_to_the_feed_is_not_a_websocket(cluster):
    r = cluster.req("GET", "/api/v1/live")
    assert r.status_code in (400, 404, 426), r.text
    assert "error" in r.json()


def test_each_viewer_sees_what_the_visibility_allows(cluster):
    pid = cluster.demo_problem()
    cid = new_contest(cluster, pid)
    _, a_tok = cluster.new_user("la")
    _, b_tok = cluster.new_user("lb")
    b_id = user_id(cluster, b_tok)
    for tok in (a_tok, b_tok):
        assert cluster.req("POST", f"/api/v1/contests/{cid}/register", token=tok).status_code == 204
    topic = f"contest/{cid}"
    anon = connect(cluster)
    a = connect(cluster)                             # token in the subscribe message
    b = connect(cluster, query="?token=" + b_tok)    # token in the query (browsers)
    jury = connect(cluster, token=cluster.admin())   # token in the handshake header
    for ws, kw in ((anon, {}), (a, {"token": a_tok}), (b, {}), (jury, {})):
        assert "subscribed" in subscribe(ws, topic, **kw)[1]

    r = cluster.req("POST", "/api/v1/submissions", token=a_tok,
                    json={"problem_id": pid, "language": "c", "source": C_AC, "contest_id": cid})
    assert r.status_code == 202, r.text
    sid = r.json()["id"]
    assert cluster.wait_verdict(a_tok, sid)["verdict"] == "AC"
    announce(cluster, cid, "only for b", to_user_id=b_id)
    announce(cluster, cid, "marker")  # everyone sees this one, after everything above

    seen = {name: read_until(ws, is_announcement("marker"))
            for name, ws in (("anon", anon), ("a", a), ("b", b), ("jury", jury))}

    def types(name):
        return [m["type"] for m in seen[name]]

    def solved_rows(name):
        return [row for m in seen[name] if m["type"] == "scoreboard"
                for row in m["data"]["rows"] if row["solved"] == 1]

    for name in seen:  # ids only go up on a topic (own events: their own_id, CONTESTS.md)
        ids = [m["id"] for m in seen[name] if "own_id" not in m]
        assert ids == sorted(set(ids)), (name, ids)
        own = [m["own_id"] for m in seen[name] if "own_id" in m]
        assert own == sorted(set(own)), (name, own)
        assert solved_rows(name), name  # the board is public while the contest is not frozen
    # submission events: the submitter and the jury only
    mine = [m for m in seen["a"] if m["type"] == "submission"]
    assert mine and all(m["data"]["id"] == sid for m in mine)
    assert mine[-1]["data"]["status"] == "done" and mine[-1]["data"]["verdict"] == "AC"
    assert "submission" in types("jury")
    assert "submission" not in types("anon") and "submission" not in types("b")
    # an announcement to one user: that user and the jury
    private = is_announcement("only for b")
    assert any(private(m) for m in seen["b"]) and any(private(m) for m in seen["jury"])
    assert not any(private(m) for m in seen["a"]) and not any(private(m) for m in seen["anon"])
    for ws in (anon, a, b, jury):
        ws.close()


def test_since_replays_what_was_missed_then_goes_live_without_gaps_or_repeats(cluster):
    cid = new_contest(cluster, cluster.demo_problem())
    topic = f"contest/{cid}"
    for i in range(20):
        announce(cluster, cid, f"early {i}")
    total = 60

    def late():
        s = requests.Session()
        for i in range(20, total):
            announce(cluster, cid, f"late {i}", session=s)
            time.sleep(0.02)  # so that followers join while it goes on

    writer = threading.Thread(target=late)
    writer.start()
    results = {}

    def follow(k):
        time.sleep(k * 0.15)  # join at different points of the stream
        ws = connect(cluster, token=cluster.admin())
        before, ack = subscribe(ws, topic, since=0)
        assert "subscribed" in ack, ack
        last = is_announcement(f"late {total - 1}")
        after = [] if any(last(m) for m in before) else read_until(ws, last)
        results[k] = [m["id"] for m in before + after]
        ws.close()

    followers = [threading.Thread(target=follow, args=(k,)) for k in range(6)]
    for t in followers:
        t.start()
    for t in followers:
        t.join(120)
    writer.join()
    assert len(results) == 6
    for k, ids in results.items():  # the staff view holds every event: ids 1..last, once each
        assert ids == list(range(1, ids[-1] + 1)), (k, ids)

    # a client that drops out and comes back with since= the last id it saw misses nothing
    ws = connect(cluster)
    before, _ = subscribe(ws, topic, since=0)
    first_half = [m["id"] for m in before][:30]
    ws.close()
    ws = connect(cluster)
    before, _ = subscribe(ws, topic, since=first_half[-1])
    assert [m["id"] for m in before] == list(range(first_half[-1] + 1, results[0][-1] + 1))
    ws.close()


def test_submission_topic_sends_the_state_first_then_progress(cluster):
    pid = cluster.demo_problem()
    _, a_tok = cluster.new_user("ls")
    _, b_tok = cluster.new_user("lt")
    sid = cluster.submit(a_tok, pid, "c", C_AC).json()["id"]
    topic = f"submission/{sid}"
    ws = connect(cluster, token=a_tok)
    before, ack = subscribe(ws, topic)
    assert "subscribed" in ack, ack
    assert before and before[0]["type"] == "submission" and before[0]["topic"] == topic
    state = before[0]["data"]
    assert state["id"] == sid and "source" not in state
    frames = before
    if state["status"] != "done":
        frames += read_until(ws, lambda m: m.get("data", {}).get("status") == "done")
    assert frames[-1]["data"]["verdict"] == "AC"
    ids = [m["id"] for m in frames if m["id"]]
    assert ids == sorted(set(ids))
    ws.close()

    other = connect(cluster, token=b_tok)  # someone else's submission
    _, err = subscribe(other, topic)
    assert err["error"]["code"] == "not_found"
    other.close()
    jury = connect(cluster, token=cluster.admin())
    before, ack = subscribe(jury, topic)
    assert "subscribed" in ack and before[0]["data"]["verdict"] == "AC"
    jury.close()


def test_a_slow_client_is_closed_with_4001_and_the_others_get_everything(cluster):
    cid = new_contest(cluster, cluster.demo_problem())
    topic = f"contest/{cid}"
    fast = connect(cluster, token=cluster.admin())
    assert "subscribed" in subscribe(fast, topic)[1]
    slow = connect(cluster, rcvbuf=4096)  # reads nothing until the end
    assert "subscribed" in subscribe(slow, topic)[1]
    n, text = 1500, "x" * 4000  # ~6 MB: more than the kernel buffers hold
    got = []

    def reader():
        got.extend(read_until(fast, is_announcement("the end"), timeout=300))

    rt = threading.Thread(target=reader)
    rt.start()

    def post(part):
        s = requests.Session()
        for i in range(part, n, 4):
            announce(cluster, cid, f"{i} {text}", session=s)

    posters = [threading.Thread(target=post, args=(p,)) for p in range(4)]
    for t in posters:
        t.start()
    for t in posters:
        t.join()
    announce(cluster, cid, "the end")
    rt.join(300)
    assert len([m for m in got if m["type"] == "announcement"]) == n + 1
    ids = [m["id"] for m in got]
    assert ids == list(range(ids[0], ids[0] + len(ids)))

    time.sleep(2)  # the slow client's blocked write has now taken over a second
    code, frames = None, 0
    slow.settimeout(30)
    try:
        while True:
            op, data = slow.recv_data(control_frame=True)
            if op == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big")
                reason = data[2:].decode()
                break
            frames += 1
    except (websocket.WebSocketConnectionClosedException, ConnectionError):
        pass
    assert frames < n
    if code is None:  # its socket stayed full past the write timeout: dropped without a word
        assert "live client too slow" in cluster.logs()
    else:
        assert code == 4001 and "since" in reason, (code, reason)
    assert cluster.req("GET", "/healthz").status_code == 200
    # /metrics counts the drop and still sees the fast client
    metrics = dict(l.split(" ", 1) for l in cluster.req("GET", "/metrics").text.splitlines()
                   if l.startswith("gavel_live_"))
    assert int(metrics["gavel_live_dropped_slow_total"]) >= 1, metrics
    assert int(metrics["gavel_live_clients"]) >= 1, metrics
    fast.close()
