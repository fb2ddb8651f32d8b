"""The edge under a flood of long-lived streams, oversized WebSocket frames and slow clients
(issue 10, points 10-12). One cluster whose edge has threads = 8, so the limits that follow
from it are small: at most 6 streams (threads minus a reserve of threads/4), at most 3 per
client address (half the budget), at most 4 connections per client address (threads/2).

Loopback has every 127.x.y.z address, so binding a client socket to 127.0.0.2, 127.0.0.3, ...
shows that the per-address caps are per address. Every wait is bounded; the time bounds are
generous (seconds where the edge answers in milliseconds) so a loaded machine does not flake.
"""
import base64
import datetime
import os
import re
import select
import shutil
import socket
import struct
import tempfile
import time

import pytest
import requests

from conftest import ROOT, Cluster

THREADS = 8
MAX_STREAMS = 6          # THREADS - THREADS / 4
STREAMS_PER_ADDRESS = 3  # MAX_STREAMS / 2
CONNS_PER_ADDRESS = 4    # THREADS / 2
FAST = 3.0               # "still served": an answer within this many seconds


def edge_config(tmp):
    """cluster.toml with the edge's threads = 8 and nothing else changed."""
    with open(os.path.join(ROOT, "cluster.toml")) as f:
        text = f.read()
    text, n = re.subn(r"(?m)^threads = 64$", f"threads = {THREADS}", text)
    assert n == 1, "cluster.toml's edge no longer says `threads = 64`"
    path = os.path.join(tmp, "cluster.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture(scope="module")
def cluster():
    tmp = tempfile.mkdtemp(prefix="gavel-limits-")
    c = Cluster(config=edge_config(tmp))
    try:
        c.up()
        yield c
    finally:
        c.down()
        shutil.rmtree(tmp, ignore_errors=True)


def rfc3339(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.fixture(scope="module")
def contest(cluster):
    admin = cluster.admin()
    pid = cluster.demo_problem()
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=30)
    r = cluster.req("POST", "/api/v1/contests", token=admin, json={
        "title": f"Limits {time.monotonic_ns()}", "start_time": rfc3339(start),
        "duration_s": 7200, "scoring": "icpc",
        "problems": [{"problem_id": pid, "label": "A"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


# ---- raw connections --------------------------------------------------------------------

def raw(cluster, src="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect(("127.0.0.1", cluster.port))
    return s


def read_head(s, limit=16384):
    """Status code and headers (lower-case names) of the response on s."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < limit:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    assert lines and lines[0].startswith("HTTP/1."), f"no HTTP response: {data[:200]!r}"
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers


def open_feed(cluster, cid, src="127.0.0.1"):
    """A streaming event feed: (socket, status, headers); the socket stays open."""
    s = raw(cluster, src)
    s.sendall(f"GET /api/contests/{cid}/event-feed HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    status, headers = read_head(s)
    return s, status, headers


def open_ws(cluster, src="127.0.0.1"):
    """A WebSocket on /api/v1/live, handshake done by hand: (socket, status, headers)."""
    s = raw(cluster, src)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/v1/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
               f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
    status, headers = read_head(s)
    return s, status, headers


def quick_get(cluster, path="/healthz", src="127.0.0.1"):
    """GET path on a fresh connection from src; (status, seconds). Bounded by FAST * 3."""
    t0 = time.monotonic()
    s = raw(cluster, src, timeout=FAST * 3)
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        status, _ = read_head(s)
    except (socket.timeout, ConnectionError):
        status = 0
    finally:
        s.close()
    return status, time.monotonic() - t0


def metric(cluster, name):
    r = requests.get(cluster.url + "/metrics", timeout=FAST * 3)
    assert r.status_code == 200
    m = re.search(rf"(?m)^{re.escape(name)} (\d+)$", r.text)
    assert m, f"/metrics has no {name}:\n{r.text[-1500:]}"
    return int(m.group(1))


def wait_metric(cluster, name, want, within):
    deadline = time.monotonic() + within
    while True:
        v = metric(cluster, name)
        if v == want or time.monotonic() > deadline:
            return v
        time.sleep(0.05)


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


# ---- 10: long-lived streams -------------------------------------------------------------

def test_streams_have_a_budget_and_ordinary_requests_stay_fast(cluster, contest):
    socks = []
    try:
        for i in range(MAX_STREAMS):  # two per address, three addresses
            s, status, _ = open_feed(cluster, contest, f"127.0.0.{10 + i // 2}")
            socks.append(s)
            assert status == 200, f"stream {i + 1} of {MAX_STREAMS} refused: {status}"
        s, status, headers = open_feed(cluster, contest, "127.0.0.20")
        socks.append(s)
        assert status == 503, f"a stream past the budget of {MAX_STREAMS} got {status}"
        assert int(headers.get("retry-after", "0")) > 0, headers
        s, status, headers = open_ws(cluster, "127.0.0.21")
        socks.append(s)
        assert status == 503, f"a WebSocket past the shared budget got {status}"
        assert int(headers.get("retry-after", "0")) > 0, headers
        for path in ("/healthz", "/api/v1/languages", f"/api/v1/contests/{contest}"):
            for _ in range(3):
                status, took = quick_get(cluster, path)
                assert status == 200 and took < FAST, f"{path}: {status} after {took:.2f} s"
        assert metric(cluster, "gavel_streams") == MAX_STREAMS
        assert metric(cluster, "gavel_streams_refused_total") >= 2
    finally:
        close_all(socks)


def test_streams_are_capped_per_address(cluster, contest):
    socks = []
    try:
        for i in range(STREAMS_PER_ADDRESS):
            s, status, _ = open_ws(cluster, "127.0.0.30") if i == 0 else \
                open_feed(cluster, contest, "127.0.0.30")
            socks.append(s)
            assert status == 200 or status == 101, f"stream {i + 1} from one address: {status}"
        s, status, headers = open_feed(cluster, contest, "127.0.0.30")
        socks.append(s)
        assert status == 503, f"stream {STREAMS_PER_ADDRESS + 1} from one address got {status}"
        assert int(headers.get("retry-after", "0")) > 0, headers
        s, status, _ = open_feed(cluster, contest, "127.0.0.31")  # another address: room
        socks.append(s)
        assert status == 200, f"a stream from another address got {status}"
    finally:
        close_all(socks)


def test_a_peer_that_closes_is_released_at_once(cluster, contest):
    assert wait_metric(cluster, "gavel_streams", 0, 10) == 0
    for _ in range(2):  # twice the budget in a row: each round must find it free again
        socks = []
        try:
            for i in range(MAX_STREAMS):
                s, status, _ = open_feed(cluster, contest, f"127.0.0.{40 + i // 2}")
                socks.append(s)
                assert status == 200, f"stream {i + 1}: {status} (closed streams still held?)"
        finally:
            close_all(socks)
        # noticed at once, not at the next keep-alive line (30 s)
        assert wait_metric(cluster, "gavel_streams", 0, 2.0) == 0
        status, took = quick_get(cluster)
        assert status == 200 and took < FAST, f"/healthz after the streams closed: {status}"


# ---- 11: oversized WebSocket frames -----------------------------------------------------

def edge_pid(cluster):
    with open(os.path.join(cluster.data, "run", "edge-1.pid")) as f:
        return int(f.read().strip())


def vm_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def read_close_code(s, within):
    """The status code of the first close frame the server sends, or None."""
    s.settimeout(within)
    data = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        while len(data) >= 2:
            op, ln = data[0] & 0x0F, data[1] & 0x7F
            hl = 2 + (2 if ln == 126 else 8 if ln == 127 else 0)
            if len(data) < hl:
                break
            if ln == 126:
                ln = struct.unpack(">H", data[2:4])[0]
            elif ln == 127:
                ln = struct.unpack(">Q", data[2:10])[0]
            if len(data) < hl + ln:
                break
            payload, data = data[hl:hl + ln], data[hl + ln:]
            if op == 8:
                return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionError):
            return None
        if not chunk:
            return None
        data += chunk
    return None


def test_a_100_mb_frame_is_refused_with_1009_before_it_is_read(cluster):
    pid = edge_pid(cluster)
    before = vm_kb(pid, "VmRSS")
    s, status, _ = open_ws(cluster, "127.0.0.50")
    try:
        assert status == 101, status
        declared = 100 * 1000 * 1000
        s.sendall(bytes([0x81, 0x80 | 127]) + struct.pack(">Q", declared) + os.urandom(4))
        sent, chunk = 0, os.urandom(1 << 20)
        s.settimeout(2)
        try:  # up to 32 MB of the payload while the edge keeps reading it and says nothing
            while sent < (32 << 20) and not select.select([s], [], [], 0)[0]:
                s.sendall(chunk)
                sent += len(chunk)
        except (socket.timeout, ConnectionError):
            pass
        code = read_close_code(s, 10)
        grew = vm_kb(pid, "VmRSS") - before
        assert code == 1009, f"close code {code} after {sent >> 20} MB of a 100 MB frame"
        assert grew < 8 * 1024, f"the edge's RSS grew by {grew} kB for one refused frame"
    finally:
        s.close()


def test_small_frames_still_work_after_reading_headers_ourselves(cluster):
    s, status, _ = open_ws(cluster, "127.0.0.51")
    try:
        assert status == 101
        msg = b'{"subscribe":"contest/1"}'
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(msg))
        s.sendall(bytes([0x81, 0x80 | len(msg)]) + mask + body)
        s.settimeout(10)
        data, deadline = b"", time.monotonic() + 10
        while b"contest/1" not in data and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert data[:1] == b"\x81" and b"contest/1" in data, data
    finally:
        s.close()


def test_an_empty_ping_gets_a_pong_and_the_socket_stays_open(cluster):
    s, status, _ = open_ws(cluster, "127.0.0.52")
    try:
        assert status == 101
        s.sendall(bytes([0x89, 0x80]) + os.urandom(4))  # ping, no payload
        s.settimeout(10)
        data = s.recv(16)
        assert data[:2] == b"\x8a\x00", data  # pong, no payload
        msg = b'{"subscribe":"contest/1"}'
        mask = os.urandom(4)
        s.sendall(bytes([0x81, 0x80 | len(msg)]) + mask +
                  bytes(b ^ mask[i % 4] for i, b in enumerate(msg)))
        got, deadline = b"", time.monotonic() + 10
        while b"contest/1" not in got and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        assert b"contest/1" in got, got
    finally:
        s.close()


# ---- 12: slow clients -------------------------------------------------------------------

def test_slow_header_connections_do_not_deny_service(cluster):
    """10x threads connections from one address, each sending a header byte now and then:
    ordinary requests from another address keep being answered."""
    slow = []
    try:
        for _ in range(10 * THREADS):
            s = raw(cluster, "127.0.0.60", timeout=2)
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            slow.append(s)
        deadline = time.monotonic() + 6
        answered = 0
        while time.monotonic() < deadline:
            for s in slow:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            status, took = quick_get(cluster, src="127.0.0.61")
            assert status == 200 and took < FAST, \
                f"/healthz with {len(slow)} slow connections open: {status} after {took:.2f} s"
            answered += 1
            time.sleep(0.2)
        assert answered >= 3
    finally:
        close_all(slow)


def test_slow_header_connections_from_many_addresses_do_not_deny_service(cluster):
    """10x threads slow connections, each from its own address (the per-address cap does not
    apply): while the edge is busy a connection whose request head is not there is refused, so
    complete requests keep being answered."""
    slow = []
    try:
        for i in range(10 * THREADS):
            s = raw(cluster, f"127.0.{70 + i // 200}.{10 + i % 200}", timeout=2)
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            slow.append(s)
        deadline = time.monotonic() + 6
        answered = 0
        while time.monotonic() < deadline:
            for s in slow:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            status, took = quick_get(cluster, src="127.0.0.62")
            assert status == 200 and took < FAST, \
                f"/healthz with {len(slow)} slow connections open: {status} after {took:.2f} s"
            answered += 1
            time.sleep(0.2)
        assert answered >= 3
        assert metric(cluster, "gavel_connections_refused_total") > 0
    finally:
        close_all(slow)
