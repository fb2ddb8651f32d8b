#!/usr/bin/python3
"""Contest benchmark (run by `ops/gavel bench contest`). Prints one table:

  1. applying one verdict to a contest scoreboard with 100 and with 10,000 contestants, and the
     ratio (goal <= 2): the numbers of tests/bench/bench_contest_apply.c, run from the build
     directory (its own output is printed under the table);
  2. `GET /api/v1/contests/{id}/scoreboard` of a 1,000-row board (ICPC, 5 problems, anonymous)
     in requests/s next to nginx serving the very same bytes as a static file, both measured
     with the same wrk settings (goal: the edge at >= 0.7x nginx);
  3. the live feed's fan-out: N anonymous WebSocket clients (tests/bench/ws_fanout.c) follow
     the contest; an admin posts an announcement and each client's receive time is taken
     against the request's send time (an upper bound of commit -> client) and its reply's
     arrival (a lower bound: the reply is sent after the commit); N = 1,000, then more, until
     the first N at which an edge refuses or drops connections. With a judge in the cluster,
     also verdict -> every client's scoreboard row, against the moment the submitter's own
     live connection sees its `submission` event with status done.

Environment: GAVEL_BUILD (the Release build dir; `ops/gavel bench` sets it),
GAVEL_BENCH_FANOUT (fan-out steps, default "1000,2000,4000,5000,10000"), GAVEL_BENCH_KEEP=1
(keep the temporary directory with the cluster's logs; kept anyway when something failed),
GAVEL_BENCH_CONTESTANTS (board rows, default 1000; smaller only to try the script quickly).
"""
import base64
import http.client
import json
import os
import queue
import random
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GAVEL = os.path.join(ROOT, "ops", "gavel")
BUILD = os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build-bench"))
os.environ["GAVEL_BUILD"] = BUILD
ADMIN_PASSWORD = "bench-contest-admin-pw"

CONTESTANTS = int(os.environ.get("GAVEL_BENCH_CONTESTANTS", "1000"))  # fewer only to try the script
PROBLEMS = ["A", "B", "C", "D", "E"]
SUBMITTERS = 40            # contestants who submit before the GET measure, so rows differ
REG_THREADS = 8            # registration is Argon2id-bound at the edge (one hash per core)
WRK_THREADS, WRK_CONNS, WRK_SECONDS, WRK_WARMUP_S = 2, 50, 10, 2
FANOUT_STEPS = [int(x) for x in os.environ.get("GAVEL_BENCH_FANOUT", "1000,2000,4000,5000,10000").split(",")]
FANOUT_ROUNDS = 5          # announcements per step
VERDICT_ROUNDS = 5         # judged submissions for the verdict -> client figure (N = first step)
EDGE_THREADS_MAX = 4096    # cluster.toml's upper bound for an edge's `threads`
ROUND_WAIT_MS = 15000      # a fan-out round waits at most this long for every client
STEP_READY_S = 120         # connecting one step's clients, at most
DEADLINE_S = 570           # the whole benchmark; later parts are skipped past it
C_AB = ("#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);"
        "printf(\"%lld\\n\",a+b);return 0;}\n")
C_WA = C_AB.replace("a+b", "a+b+1")

T_START = time.monotonic()


def say(msg):
    print(f"bench_contest: {msg}", file=sys.stderr, flush=True)


def left_s():
    return DEADLINE_S - (time.monotonic() - T_START)


# ---- small HTTP client (one keep-alive connection per thread) ---------------------------------

class Http:
    def __init__(self, port):
        self.port = port
        self.local = threading.local()

    def call(self, method, path, body=None, token=None, raw=False, timeout=30):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body) if body is not None else None
        for attempt in range(2):  # one retry when a kept-alive connection was closed
            c = getattr(self.local, "conn", None)
            if c is None:
                c = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
            try:
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                payload = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    c.close()
                    self.local.conn = None
                return r.status, dict(r.getheaders()), (payload if raw else _json(payload))
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def _json(b):
    try:
        return json.loads(b) if b else None
    except ValueError:
        return b


def expect(status, want, what, body):
    if status != want:
        raise SystemExit(f"bench_contest: {what}: HTTP {status}, expected {want}: {body!r:.300}")


# ---- a minimal WebSocket client for the submitter (frames timestamped by a reader thread) ------

class WsClient:
    def __init__(self, port, path="/api/v1/live"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf and len(buf) < 8192:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        head, _, self.buf = buf.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"WebSocket handshake refused: {head[:200]!r}")
        self.frames = queue.Queue()
        self.lock = threading.Lock()
        self.sock.settimeout(None)
        self.closed = False
        self.t_recv = time.time_ns()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def send_text(self, text, opcode=0x1):
        p = text.encode() if isinstance(text, str) else text
        mask = os.urandom(4)
        n = len(p)
        head = bytes([0x80 | opcode])
        head += bytes([0x80 | n]) if n < 126 else (bytes([0x80 | 126]) + struct.pack(">H", n)
                                                   if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
        with self.lock:
            self.sock.sendall(head + mask + bytes(b ^ mask[i & 3] for i, b in enumerate(p)))

    def _read(self):
        buf = self.buf
        try:
            while True:
                while True:  # every whole frame in buf
                    if len(buf) < 2:
                        break
                    op, n, h = buf[0] & 15, buf[1] & 127, 2
                    if n == 126:
                        if len(buf) < 4:
                            break
                        n, h = struct.unpack(">H", buf[2:4])[0], 4
                    elif n == 127:
                        if len(buf) < 10:
                            break
                        n, h = struct.unpack(">Q", buf[2:10])[0], 10
                    if len(buf) < h + n:
                        break
                    payload, buf = buf[h:h + n], buf[h + n:]
                    if op == 0x9:
                        self.send_text(payload, 0xA)
                    elif op == 0x8:
                        self.frames.put((time.time_ns(), None))
                        return
                    elif op in (0x0, 0x1):
                        self.frames.put((self.t_recv, payload))
                chunk = self.sock.recv(65536)
                self.t_recv = time.time_ns()
                if not chunk:
                    self.frames.put((self.t_recv, None))
                    return
                buf += chunk
        except OSError:
            self.frames.put((time.time_ns(), None))

    def next_json(self, deadline):
        """(receive time ns, parsed frame) or (None, None) at the deadline or on close."""
        while True:
            wait = deadline - time.monotonic()
            if wait <= 0:
                return None, None
            try:
                t, payload = self.frames.get(timeout=wait)
            except queue.Empty:
                return None, None
            if payload is None:
                return None, None
            try:
                return t, json.loads(payload)
            except ValueError:
                continue

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.send_text(struct.pack(">H", 1000), 0x8)
            except OSError:
                pass
            self.sock.close()


# ---- ws_fanout driver ------------------------------------------------------------------------

class Fanout:
    """One ws_fanout process: N clients following one topic (see ws_fanout.c's protocol)."""

    def __init__(self, exe, port, n, subscribe):
        self.n = n
        self.p = subprocess.Popen([exe, "-c", "128", "-C", str(STEP_READY_S - 10), "-w", str(ROUND_WAIT_MS),
                                   "-L", str(max(60, int(left_s()) + 60)), "127.0.0.1", str(port),
                                   "/api/v1/live", str(n), subscribe],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self, timeout):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"ws_fanout said nothing for {timeout:.0f} s")
        if line is None:
            raise RuntimeError("ws_fanout exited: " + (self.p.stderr.read() or "").strip()[-300:])
        if line.startswith("ERROR"):
            raise RuntimeError("ws_fanout: " + line)
        return line

    def send(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()

    def ready(self):
        """(subscribed, failed, [(count, reason)])."""
        fails = []
        deadline = time.monotonic() + STEP_READY_S
        while True:
            line = self.line(max(1, deadline - time.monotonic()))
            if line.startswith("FAIL "):
                _, count, reason = line.split(" ", 2)
                fails.append((int(count), reason))
            elif line.startswith("READY "):
                _, ok, failed = line.split()
                return int(ok), int(failed), fails

    def arm(self, marker):
        self.send("ROUND " + marker)
        line = self.line(30)
        if not line.startswith("ARMED "):
            raise RuntimeError("ws_fanout: expected ARMED, got " + line)
        return int(line.split()[1])

    def finish(self, *t0s):
        """Sends the reference times; returns (got, expected, lost)."""
        self.send("T0 " + " ".join(str(t) for t in t0s))
        line = self.line(ROUND_WAIT_MS / 1000 + 30)
        _, got, exp, lost = line.split()
        for _ in t0s:
            self.line(10)  # per-round LAT lines; the totals are what we report
        return int(got), int(exp), int(lost)

    def totals(self):
        """{t0 index: dist dict}, [(count, reason)] of clients closed after READY."""
        self.send("TOTAL")
        tot, closed = {}, []
        while True:
            line = self.line(30)
            if line == "END":
                return tot, closed
            if line.startswith("TOTAL "):
                f = line.split()
                tot[int(f[1])] = dict(n=int(f[2]), p50=float(f[3]), p90=float(f[4]), p99=float(f[5]),
                                      max=float(f[6]), min=float(f[7]))
            elif line.startswith("CLOSED "):
                _, count, reason = line.split(" ", 2)
                closed.append((int(count), reason))

    def quit(self):
        if self.p.poll() is None:
            try:
                self.send("QUIT")
                self.p.stdin.close()
            except OSError:
                pass
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.p.kill()  # our own child, by its handle
                self.p.wait(timeout=5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A cluster started and stopped through ops/gavel with the binaries of BUILD (as
    tests/integration/conftest.py does, without needing pytest)."""

    def __init__(self, data, config):
        self.data, self.config, self.port = data, config, free_port()
        self.env = dict(os.environ, GAVEL_NO_BUILD="1", GAVEL_BUILD=BUILD, GAVEL_ADMIN_PASSWORD=ADMIN_PASSWORD)

    def up(self):
        r = subprocess.run([GAVEL, "up", "--detach", "--data", self.data, "--config", self.config,
                            "--http", str(self.port)], env=self.env, capture_output=True, text=True,
                           timeout=180)
        if r.returncode != 0:
            raise SystemExit(f"bench_contest: ops/gavel up failed ({r.returncode}):\n{r.stdout}{r.stderr}")

    def down(self):
        subprocess.run([GAVEL, "down", "--data", self.data], env=self.env, capture_output=True, timeout=120)

    def actor_cpu_s(self):
        """CPU seconds used so far by the actors node(s) this cluster started, or None."""
        run, total, found = os.path.join(self.data, "run"), 0, False
        for name in os.listdir(run) if os.path.isdir(run) else []:
            if not (name.startswith("actors") and name.endswith(".pid")):
                continue
            try:
                with open(os.path.join(run, name)) as f:
                    pid = int(f.read().strip())
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
                found = True
            except (OSError, ValueError, IndexError):
                continue
        return total / os.sysconf("SC_CLK_TCK") if found else None


# ---- part 1: verdict apply (bench_contest_apply) ---------------------------------------------

def find_apply_binary():
    for rel in ("tests/bench_contest_apply", "tests/bench/bench_contest_apply", "bench_contest_apply"):
        p = os.path.join(BUILD, rel)
        if os.access(p, os.X_OK):
            return p
    for dirpath, _, files in os.walk(BUILD):
        if "bench_contest_apply" in files and "CMakeFiles" not in dirpath:
            return os.path.join(dirpath, "bench_contest_apply")
    return None


def apply_bench(tmpdir):
    """(rows for the table, raw output or a sentence)."""
    exe = find_apply_binary()
    if not exe:
        return [("verdict apply, N=100 / N=10,000", "not built", "ratio <= 2")], \
            f"(bench_contest_apply is not built in {BUILD})"
    try:
        r = subprocess.run([exe, tmpdir], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return [("verdict apply, N=100 / N=10,000", "timed out", "ratio <= 2")], \
            "bench_contest_apply did not finish within 300 s"
    out = r.stdout.rstrip()
    if r.returncode != 0:
        return [("verdict apply, N=100 / N=10,000", f"failed ({r.returncode})", "ratio <= 2")], \
            out + "\n" + r.stderr.strip()[-2000:]
    rows = []
    # header: "... single  batch  durable"; data: "<N>  med p90  med p90 ..."; "10k/100  r r ..."
    modes, data = None, {}
    for line in out.splitlines():
        words = line.split()
        if not words:
            continue
        if modes is None and len(words) >= 1 and all(re.fullmatch(r"[a-z]+", w) for w in words) \
                and "single" in words:
            modes = words
        elif modes and re.fullmatch(r"\d+|10k/100", words[0]) and len(words) >= 1 + 2 * len(modes):
            try:
                data[words[0]] = [float(x) for x in words[1:1 + 2 * len(modes)]]
            except ValueError:
                pass
    if modes and "100" in data and "10000" in data:
        for i, mode in enumerate(modes):
            a, b = data["100"][2 * i], data["10000"][2 * i]
            label = {"single": "one verdict per commit, no fsync",
                     "batch": "per verdict in batches of 50, no fsync",
                     "durable": "per verdict in batches of 50, fsync"}.get(mode, mode)
            rows.append((f"verdict apply median N=100 / N=10,000, {label}", f"{a:.1f} / {b:.1f} us", ""))
            rows.append((f"  ratio N=10,000 / N=100 ({mode})", f"{b / a:.2f}x",
                         "info (fsync-bound)" if mode == "durable" else "<= 2"))
    else:
        rows.append(("verdict apply, N=100 / N=10,000", "see below", "ratio <= 2"))
    return rows, out


# ---- part 2: scoreboard GET vs nginx ---------------------------------------------------------

WRK_LUA = """
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d\\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99)))
end
"""


def ensure_nginx():
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if exe:
        return exe
    if os.geteuid() != 0:
        say("nginx is missing; run as root, or: apt-get install -y nginx-light")
        return None
    say("installing nginx-light (for the static-file baseline)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-qq", "nginx-light"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def start_nginx(exe, tmp, url_path, body):
    """nginx as our child on a free port, serving body at url_path. (Popen, port)."""
    prefix = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(prefix, "www"), exist_ok=True)
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    static = os.path.join(prefix, "www", "scoreboard.json")
    with open(static, "wb") as f:
        f.write(body)
    # nginx started as root serves files from unprivileged workers (nobody): they must reach it
    os.chmod(tmp, 0o711)
    for d in (prefix, os.path.join(prefix, "www")):
        os.chmod(d, 0o755)
    os.chmod(static, 0o644)
    port = free_port()
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off;
master_process on;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    types {{ }}
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        client_body_temp_path {prefix}/tmp;
        location = {url_path} {{
            alias {static};
            add_header Cache-Control no-store;
        }}
    }}
}}
""")
    p = subprocess.Popen([exe, "-p", prefix, "-e", os.path.join(prefix, "logs", "error.log"), "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise RuntimeError("nginx exited: " + p.stderr.read().decode(errors="replace")[-500:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return p, port, static
        except OSError:
            time.sleep(0.05)
    stop_child(p)
    raise RuntimeError("nginx did not listen within 10 s")


def stop_child(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)  # nginx: fast shutdown; by our own child's pid
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def wrk(url, lua, seconds):
    r = subprocess.run(["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNS}", f"-d{seconds}s", "--latency",
                        "-s", lua, url], capture_output=True, text=True, timeout=seconds + 60)
    m = re.search(r"RESULT (.*)", r.stdout)
    if not m:
        raise RuntimeError("wrk failed:\n" + r.stdout + r.stderr)
    res = {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    ok = res["requests"] - res["non2xx"]
    res["rps"] = ok / (res["duration_us"] / 1e6)
    return res


def get_raw(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


# ---- the cluster -----------------------------------------------------------------------------

def bench_config(path, threads, keep_judge=True):
    text = open(os.path.join(ROOT, "cluster.toml")).read()
    blocks = re.split(r"(?m)^(?=\[\[node\]\])", text)
    out = []
    for b in blocks:
        if re.search(r'(?m)^role\s*=\s*"judge"', b) and not keep_judge:
            continue
        if re.search(r'(?m)^role\s*=\s*"edge"', b):
            if re.search(r"(?m)^threads\s*=", b):
                b = re.sub(r"(?m)^threads\s*=.*$", f"threads = {threads}", b)
            else:
                b = b.rstrip("\n") + f"\nthreads = {threads}\n\n"
        out.append(b)
    with open(path, "w") as f:
        f.write("".join(out))


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            return need
        except (ValueError, OSError):
            say(f"cannot raise the open-files limit to {need} (hard limit {hard}); fan-out may stop early")
            need = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def setup_contest(http_, admin):
    st, _, b = http_.call("GET", "/api/v1/problems?q=A%2BB", token=admin)
    expect(st, 200, "find the demo problem", b)
    found = [p["id"] for p in b["items"] if p["title"] == "A+B"]
    if not found:
        raise SystemExit("bench_contest: ops/gavel up did not seed the demo problem A+B")
    pid_a = found[0]
    problems = [{"problem_id": pid_a, "label": "A"}]
    for label in PROBLEMS[1:]:
        st, _, b = http_.call("POST", "/api/v1/problems", {
            "title": f"Bench problem {label}", "statement_md": "Nothing to solve.",
            "time_limit_ms": 1000, "memory_limit_kb": 262144}, token=admin)
        expect(st, 201, "create a problem", b)
        problems.append({"problem_id": b["id"], "label": label})
    start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
    st, _, b = http_.call("POST", "/api/v1/contests", {
        "title": "Bench contest", "start_time": start, "duration_s": 5 * 3600, "scoring": "icpc",
        "penalty_min": 20, "problems": problems}, token=admin)
    expect(st, 201, "create the contest", b)
    return b["id"], pid_a


def register_users(http_, cid, n, tag):
    """[(username, token)] for n contestants registered for contest cid."""
    def one(i):
        name = f"cb{tag}u{i:05d}"
        for what, method, path, body, want in (
                ("register", "POST", "/api/v1/auth/register", {"username": name, "password": "correct horse"}, 201),
                ("login", "POST", "/api/v1/auth/login", {"username": name, "password": "correct horse"}, 200),
                ("contest register", "POST", f"/api/v1/contests/{cid}/register", {}, 204)):
            for attempt in range(20):  # 503 "too many sign-ins ... retry" and 429 are retried, bounded
                st, hdr, b = http_.call(method, path, body, token=tok if what == "contest register" else None)
                if st in (429, 503):
                    time.sleep(min(5, float(hdr.get("Retry-After", "1"))))
                    continue
                break
            if what == "register" and st == 409:  # a retried request that had gone through
                st = want
            expect(st, want, f"{what} {name}", b)
            if what == "login":
                tok = b["token"]
        return name, tok
    with ThreadPoolExecutor(REG_THREADS) as ex:
        return list(ex.map(one, range(n)))


def submit(http_, token, cid, pid, source):
    for attempt in range(5):
        st, hdr, b = http_.call("POST", "/api/v1/submissions", {
            "problem_id": pid, "language": "c", "source": source, "contest_id": cid}, token=token)
        if st == 503:
            time.sleep(0.5)
            continue
        break
    expect(st, 202, "submit", b)
    return b["id"]


def judge_ready(http_, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st, _, b = http_.call("GET", "/api/v1/languages")
        if st == 200 and any(lang.get("id") == "c" for lang in b):
            return True
        time.sleep(0.5)
    return False


def wait_done(http_, admin, sids, timeout):
    deadline = time.monotonic() + timeout
    pending = set(sids)
    while pending and time.monotonic() < deadline:
        for sid in list(pending):
            st, _, b = http_.call("GET", f"/api/v1/submissions/{sid}", token=admin)
            if st == 200 and b.get("status") == "done":
                pending.discard(sid)
        if pending:
            time.sleep(0.3)
    return len(sids) - len(pending)


# ---- part 3: fan-out --------------------------------------------------------------------------

def verdict_rounds(f, port, http_, cid, pid, users):
    """Judged submissions while f's clients follow the contest: per round, the submitter's own
    live connection (signed in, same contest topic) timestamps its `submission` event with
    status done; every client's receive time of the submitter's new row ("solved":1 in a
    `scoreboard` event) is taken against it (t0 #0) and against the POST (t0 #1)."""
    got_all = exp_all = 0
    for r, (name, token) in enumerate(users):
        ws = WsClient(port)
        try:
            ws.send_text(json.dumps({"subscribe": f"contest/{cid}", "token": token}))
            deadline = time.monotonic() + 10
            while True:
                _, fr = ws.next_json(deadline)
                if fr is None:
                    raise RuntimeError("the submitter's live subscription was not acknowledged")
                if fr.get("subscribed"):
                    break
            f.arm(f'"username":"{name}","solved":1')
            t_post = time.time_ns()
            sid = submit(http_, token, cid, pid, C_AB + f"/* verdict round {r} {t_post} */\n")
            t_ref, deadline = None, time.monotonic() + 60
            while t_ref is None:
                t, fr = ws.next_json(deadline)
                if fr is None:
                    break
                d = fr.get("data") or {}
                if fr.get("type") == "submission" and str(d.get("id")) == str(sid) and d.get("status") == "done":
                    t_ref = t
                    if d.get("verdict") != "AC":
                        raise RuntimeError(f"submission {sid} got {d.get('verdict')}, expected AC")
            if t_ref is None:
                f.finish(t_post, t_post)
                raise RuntimeError(f"no `submission` done event for submission {sid} within 60 s")
            got, exp, _ = f.finish(t_ref, t_post)
            got_all, exp_all = got_all + got, exp_all + exp
        finally:
            ws.close()
    return got_all, exp_all


def fanout_step(exe, port, http_, admin, cid, n, verdict_users=None, pid=None):
    """One step of N clients: dict with subscribed, failed, fails, connect_s, ann (t0 index ->
    distribution; 0 = announcement sent, 1 = its reply received), got/expected/lost, closed,
    and with verdict_users also ver (0 = submitter saw done, 1 = submission POSTed), vgot/vexp."""
    res = dict(n=n)
    f = Fanout(exe, port, n, json.dumps({"subscribe": f"contest/{cid}"}, separators=(",", ":")))
    try:
        t = time.monotonic()
        ok, failed, fails = f.ready()
        res.update(subscribed=ok, failed=failed, fails=fails, connect_s=time.monotonic() - t)
        if ok == 0:
            return res
        got_all = exp_all = lost_all = 0
        for r in range(FANOUT_ROUNDS):
            marker = f"fanout-{n}-{r}-{random.getrandbits(48):012x}"
            f.arm(marker)
            t_send = time.time_ns()
            st, _, b = http_.call("POST", f"/api/v1/contests/{cid}/announcements", {"text": marker}, token=admin)
            t_reply = time.time_ns()
            expect(st, 201, "announce", b)
            got, exp, lost = f.finish(t_send, t_reply)
            got_all, exp_all, lost_all = got_all + got, exp_all + exp, lost_all + lost
            time.sleep(0.2)
        res.update(got=got_all, expected=exp_all, lost=lost_all)
        res["ann"], res["closed"] = f.totals()
        if verdict_users:
            try:
                res["vgot"], res["vexp"] = verdict_rounds(f, port, http_, cid, pid, verdict_users)
            except RuntimeError as e:
                res["verdict_error"] = str(e)
            res["ver"], res["closed"] = f.totals()
        return res
    finally:
        f.quit()


def fmt_ms(x):
    return f"{x:.1f}" if abs(x) < 100 else f"{x:.0f}"


def dist_rows(label, d, goal=""):
    return [(f"{label} p50 / p99 / max", f"{fmt_ms(d['p50'])} / {fmt_ms(d['p99'])} / {fmt_ms(d['max'])} ms", goal)]


# ---- main -------------------------------------------------------------------------------------

def print_table(rows, notes, apply_out):
    w = max(len(r[0]) for r in rows)
    v = max(12, max(len(r[1]) for r in rows))
    print(f"{'benchmark':<{w}}  {'result':>{v}}  goal")
    print("-" * (w + v + 14))
    for name, val, goal in rows:
        print(f"{name:<{w}}  {val:>{v}}  {goal}")
    print("\nNotes:")
    for n in notes:
        print(f"  * {n}")
    print("\nbench_contest_apply output:")
    for line in (apply_out or "").splitlines():
        print("  " + line)


def main():
    ws_exe = os.path.join(BUILD, "tests", "ws_fanout")
    if not os.access(ws_exe, os.X_OK):
        say(f"building ws_fanout in {BUILD}")
        subprocess.run(["cmake", "--build", BUILD, "--target", "ws_fanout"], check=True,
                       stdout=subprocess.DEVNULL)
    # ws_fanout needs one descriptor per client; the edge two per worker (its ZeroMQ socket and
    # that socket's mailbox), one per client and a few hundred more (ZeroMQ, logs, LMDB)
    nofile = raise_nofile(max(max(FANOUT_STEPS) + 256, 3 * EDGE_THREADS_MAX + 1024))
    base = os.path.join(ROOT, "var") if os.path.isdir(os.path.join(ROOT, "var")) else None
    tmp = tempfile.mkdtemp(prefix="gavel-bench-contest-", dir=base)
    rows, notes, failed = [], [], False
    say("running bench_contest_apply")
    apply_rows, apply_out = apply_bench(tmp)  # first, on an idle machine
    rows += apply_rows
    nginx_exe = ensure_nginx()

    threads = EDGE_THREADS_MAX  # each live client holds a civetweb worker: as many as allowed
    cfg = os.path.join(tmp, "bench.toml")
    bench_config(cfg, threads)
    # CZMQ's default context allows 1024 sockets and every civetweb worker opens one (its broker
    # link): without this an edge with more than ~1020 threads aborts in zsock_new_checked.
    os.environ.setdefault("ZSYS_MAX_SOCKETS", str(threads + 1024))
    c = Cluster(data=os.path.join(tmp, "data"), config=cfg)
    nginx, completed = None, False
    try:
        say(f"starting a cluster (edge threads = {threads}, open files {nofile}) in {tmp}")
        c.up()
        http_ = Http(c.port)
        st, _, b = http_.call("POST", "/api/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})
        expect(st, 200, "admin login", b)
        admin = b["token"]
        cid, pid_a = setup_contest(http_, admin)
        tag = f"{random.getrandbits(24):06x}"
        say(f"registering {CONTESTANTS} contestants for contest {cid} ({REG_THREADS} threads; Argon2id-bound)")
        t = time.monotonic()
        users = register_users(http_, cid, CONTESTANTS, tag)
        reg_s = time.monotonic() - t
        have_judge = judge_ready(http_, 60)
        sids = []
        for i, (name, token) in enumerate(users[:SUBMITTERS]):
            if i % 3 != 1:
                sids.append(submit(http_, token, cid, pid_a, C_WA + f"/* {tag} {i} wa */\n"))
            if i % 3 != 2:
                sids.append(submit(http_, token, cid, pid_a, C_AB + f"/* {tag} {i} ac */\n"))
        judged = wait_done(http_, admin, sids, 120) if have_judge else 0
        say(f"{len(sids)} submissions from {SUBMITTERS} contestants, {judged} judged"
            + ("" if have_judge else " (no judge offers C: they stay pending)"))

        # ---- 2. GET scoreboard vs nginx
        path = f"/api/v1/contests/{cid}/scoreboard"
        st, body = get_raw(c.port, path)
        expect(st, 200, "anonymous scoreboard GET", body[:200])
        board = json.loads(body)
        nrows = len(board["rows"])
        if nrows != CONTESTANTS:
            raise SystemExit(f"bench_contest: the board has {nrows} rows, expected {CONTESTANTS}")
        lua = os.path.join(tmp, "get.lua")
        with open(lua, "w") as f:
            f.write(WRK_LUA)
        nginx_res = None
        if nginx_exe:
            nginx, nport, static = start_nginx(nginx_exe, tmp, path, body)
            st_e, again = get_raw(c.port, path)
            st_n, from_nginx = get_raw(nport, path)
            with open(static, "rb") as fh:
                on_disk = fh.read()
            if st_e != 200 or st_n != 200 or again != on_disk or from_nginx != on_disk:
                raise SystemExit("bench_contest: the edge's scoreboard bytes differ from the static "
                                 f"file (edge {st_e}, {len(again)} B; nginx {st_n}, {len(from_nginx)} B; "
                                 f"file {len(on_disk)} B)")
            say(f"board: {nrows} rows, {len(body):,} bytes, byte-identical from the edge and nginx")
        say(f"wrk -t{WRK_THREADS} -c{WRK_CONNS} -d{WRK_SECONDS}s against the edge"
            + (" and nginx" if nginx_exe else "") + f" (each after a {WRK_WARMUP_S} s warm-up)")
        wrk(f"http://127.0.0.1:{c.port}{path}", lua, WRK_WARMUP_S)
        actor_cpu0 = c.actor_cpu_s()
        edge_res = wrk(f"http://127.0.0.1:{c.port}{path}", lua, WRK_SECONDS)
        actor_cpu = c.actor_cpu_s() - actor_cpu0 if actor_cpu0 is not None else None
        if nginx_exe:
            wrk(f"http://127.0.0.1:{nport}{path}", lua, WRK_WARMUP_S)
            nginx_res = wrk(f"http://127.0.0.1:{nport}{path}", lua, WRK_SECONDS)
            stop_child(nginx)
            nginx = None
        kib = len(body) / 1024
        rows.append((f"GET scoreboard {nrows} rows x {len(PROBLEMS)} problems ({kib:.0f} KiB), edge",
                     f"{edge_res['rps']:,.0f} req/s", ""))
        rows.append(("  edge latency p50 / p99",
                     f"{edge_res['p50_us'] / 1000:.2f} / {edge_res['p99_us'] / 1000:.2f} ms", ""))
        rows.append(("  edge non-2xx / socket errors", f"{edge_res['non2xx']} / {edge_res['socket_errors']}", "0 / 0"))
        if actor_cpu is not None:  # board fills: each cache miss has the contest actor build the board
            rows.append((f"  actors node CPU during those {WRK_SECONDS} s", f"{actor_cpu:.2f} s", ""))
        if nginx_res:
            rows.append(("GET same bytes, nginx static file", f"{nginx_res['rps']:,.0f} req/s", "reference"))
            rows.append(("  nginx latency p50 / p99",
                         f"{nginx_res['p50_us'] / 1000:.2f} / {nginx_res['p99_us'] / 1000:.2f} ms", ""))
            rows.append(("  nginx non-2xx / socket errors",
                         f"{nginx_res['non2xx']} / {nginx_res['socket_errors']}", "0 / 0"))
            rows.append(("  edge / nginx", f"{edge_res['rps'] / nginx_res['rps']:.2f}x", ">= 0.7x"))
        else:
            rows.append(("GET same bytes, nginx static file", "no nginx", "reference"))
        failed |= bool(edge_res["non2xx"] or edge_res["socket_errors"])

        # ---- 3. fan-out
        verdict_users = users[SUBMITTERS:SUBMITTERS + VERDICT_ROUNDS] if have_judge else None
        stopped, ver = None, None
        for i, n in enumerate(FANOUT_STEPS):
            if left_s() < 60:
                stopped = f"fan-out skipped N >= {n:,}: the benchmark's time budget is spent"
                break
            say(f"fan-out: {n:,} clients, {FANOUT_ROUNDS} announcements"
                + (f", then {VERDICT_ROUNDS} judged submissions" if i == 0 and verdict_users else ""))
            res = fanout_step(ws_exe, c.port, http_, admin, cid, n, verdict_users if i == 0 else None, pid_a)
            if res.get("ann"):
                head = f"fan-out N={n:,}" + (f" ({res['subscribed']:,} connected)" if res["failed"] else "")
                rows += dist_rows(f"{head} announcement -> client, t0 = sent:", res["ann"][0])
                rows += dist_rows("  t0 = reply received:", res["ann"][1])
                rows.append(("  events received / expected", f"{res['got']:,} / {res['expected']:,}", "all"))
                rows.append(("  connect + subscribe all clients", f"{res['connect_s']:.1f} s", ""))
            if res.get("ver"):
                ver = (n, res)
            if res.get("verdict_error"):
                notes.append("verdict fan-out: " + res["verdict_error"])
            for count, reason in res.get("closed", []):
                notes.append(f"N={n:,}: {count:,} clients were closed after subscribing: {reason}")
            if res["failed"] or res.get("lost") or res.get("closed"):
                why = "; ".join(f"{cnt:,} x {reason}" for cnt, reason in res["fails"] + res.get("closed", []))
                rows.append((f"fan-out N={n:,}: connections",
                             f"{res['subscribed']:,} ok / {res['failed']:,} failed", "all"))
                stopped = f"fan-out stopped at N={n:,}: {res['subscribed']:,} subscribed, {res['failed']:,} failed: {why}"
                break
            time.sleep(2)  # the edge forgets the previous step's clients before the next connects
        if ver:
            n, res = ver
            d = res["ver"]
            if d:
                rows += dist_rows(f"verdict -> client N={n:,}, t0 = submitter sees done:", d[0])
                rows += dist_rows("  t0 = submission POSTed (judging included):", d[1])
                rows.append(("  rows received / expected", f"{res['vgot']:,} / {res['vexp']:,}", "all"))
        elif not have_judge:
            rows.append(("verdict -> client", "no judge", ""))

        notes += [
            f"verdict apply: tests/bench/bench_contest_apply.c at the actor (node_handle_batch, no sockets); "
            "medians of 500 verdicts to random contestants, 5 problems, 3 judged submissions each before.",
            f"GET: {CONTESTANTS} contestants registered over HTTP in {reg_s:.0f} s ({REG_THREADS} threads; "
            f"register + login cost two Argon2id hashes at the edge, at most one per core); "
            f"{len(sids)} submissions by {SUBMITTERS} of them ({judged} judged) so rows differ; board fetched "
            "anonymously once, saved, and checked byte for byte against a second edge GET and nginx's answer.",
            f"GET: wrk -t{WRK_THREADS} -c{WRK_CONNS} -d{WRK_SECONDS}s --latency, anonymous, HTTP/1.1 keep-alive "
            f"on both, same URL path, {WRK_WARMUP_S} s warm-up each; the edge answers from its scoreboard cache "
            "(sbcache; a miss asks the contest actor for the whole board and renders it: the actors node's "
            "CPU time during the run shows how many misses there were). nginx 'worker_processes auto' "
            f"(= {os.cpu_count()} workers: every core, as the edge's threads may use), sendfile on, access_log "
            "off, keepalive_requests 1000000, the file served by alias with Cache-Control: no-store. "
            "wrk, the edge (or nginx) and the idle cluster share this host's "
            f"{os.cpu_count()} cores.",
            f"fan-out: one edge with threads = {threads} (cluster.toml's maximum; each open WebSocket holds a "
            f"civetweb worker thread, and the edge admits threads - min(threads/4, 64) = "
            f"{threads - min(threads // 4, 64):,} live clients); ZSYS_MAX_SOCKETS={os.environ['ZSYS_MAX_SOCKETS']} "
            "for the cluster (CZMQ's default context allows 1024 sockets and each civetweb worker opens "
            "one: without it an edge with more than ~1020 threads aborts in zsock_new_checked); open "
            "files raised to "
            f"{nofile} for this process and the cluster it starts.",
            "fan-out: N anonymous clients (tests/bench/ws_fanout.c, one epoll thread on this host) subscribe to "
            f"contest/<id>; per step {FANOUT_ROUNDS} announcements, each a unique text; a client's time is when "
            "its frame with that text was read (CLOCK_REALTIME). The commit is not observable from outside, so "
            "each figure is given against two t0s that bracket it: the request's send time (upper bound: "
            "includes the request's way in and the commit's fsync) and its reply's arrival (lower bound: the "
            "edge replies only after the commit; negative when the event beats the reply).",
        ]
        if ver:
            notes.append("verdict -> client: a fresh contestant per round submits A+B in C; its own signed-in "
                         "connection to contest/<id> timestamps its `submission` event with status done "
                         "(t0); every client's time is when its `scoreboard` event with that contestant's "
                         "row solved arrived. Both events are logged by the contest actor for the same "
                         "verdict, so this is the spread of the fan-out, not including the commit.")
        notes.append(stopped or f"fan-out: every step up to N={FANOUT_STEPS[-1]:,} connected fully")
        print_table(rows, notes, apply_out)
        completed = True
        return 1 if failed else 0
    finally:
        stop_child(nginx)
        c.down()
        if os.environ.get("GAVEL_BENCH_KEEP") == "1" or failed or not completed:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
