"""End to end through one real cluster: accounts, problems, submissions judged in C and
Python to every core verdict, and every bad input answered with the right status and an
API error body."""
import time

import pytest

C_AC = "#include <stdio.h>\nint main(void){long long a,b;if(scanf(\"%lld %lld\",&a,&b)!=2)return 1;printf(\"%lld\\n\",a+b);return 0;}\n"
C_WA = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a-b);return 0;}\n"
C_TLE = "int main(void){volatile unsigned long x=0;for(;;)x++;}\n"
C_RTE = "#include <stdlib.h>\nint main(void){abort();}\n"
C_CE = "int main(void){ this is not C }\n"
PY_AC = "a, b = map(int, input().split())\nprint(a + b)\n"
PY_WA = "print(42)\n"
PY_TLE = "while True:\n    pass\n"
PY_RTE = "raise SystemExit(3)\n"
PY_CE = "def broken(:\n    pass\n"

CASES = [
    ("c", C_AC, "AC"), ("c", C_WA, "WA"), ("c", C_TLE, "TLE"), ("c", C_RTE, "RTE"), ("c", C_CE, "CE"),
    ("python3", PY_AC, "AC"), ("python3", PY_WA, "WA"), ("python3", PY_TLE, "TLE"),
    ("python3", PY_RTE, "RTE"), ("python3", PY_CE, "CE"),
]


def assert_error(r, status, code=None, mentions=None):
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text}"
    body = r.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"], body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"], body
    if code:
        assert body["error"]["code"] == code, body
    if mentions:
        assert mentions in body["error"]["message"], body


def test_healthz_reports_ok(cluster):
    r = cluster.req("GET", "/healthz")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "ok"


def test_register_login_and_me(cluster):
    name, token = cluster.new_user("alice")
    r = cluster.req("GET", "/api/v1/users/me", token=token)
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["username"] == name and me["role"] == "contestant" and isinstance(me["id"], str)
    r = cluster.req("POST", "/api/v1/auth/login", json={"username": name, "password": "correct horse"})
    body = r.json()
    assert body["user"]["username"] == name and body["expires_at"].endswith("Z")
    assert cluster.req("POST", "/api/v1/auth/logout", token=token).status_code == 204


def test_admin_creates_problem_with_tests(cluster):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": "Echo", "statement_md": "# Echo\n\nPrint the input. <script>alert(1)</script>",
        "time_limit_ms": 1000, "memory_limit_kb": 65536, "tags": ["io"]})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert isinstance(pid, str)
    r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                    json={"input": "hello\n", "output": "hello\n", "sample": True})
    assert r.status_code == 201 and r.json()["n"] == 1, r.text
    r = cluster.req("GET", f"/api/v1/problems/{pid}")
    p = r.json()
    assert p["title"] == "Echo" and p["samples"] == [{"input": "hello\n", "output": "hello\n"}]
    assert "<h1>Echo</h1>" in p["statement_html"] and "<script>" not in p["statement_html"]
    r = cluster.req("GET", "/api/v1/problems?q=ech")
    assert any(i["id"] == pid for i in r.json()["items"])


def test_languages_lists_c_and_python(cluster):
    r = cluster.req("GET", "/api/v1/languages")
    assert r.status_code == 200, r.text
    ids = {l["id"] for l in r.json()}
    assert {"c", "python3"} <= ids
    assert all(l["version"] for l in r.json())


@pytest.mark.parametrize("language,source,verdict", CASES, ids=[f"{l}-{v}" for l, _, v in CASES])
def test_submission_gets_expected_verdict(cluster, language, source, verdict):
    _, token = cluster.new_user("sub")
    pid = cluster.demo_problem()
    r = cluster.submit(token, pid, language, source)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    s = cluster.wait_verdict(token, r.json()["id"])
    assert s["verdict"] == verdict, s
    assert s["language"] == language and s["problem_id"] == pid
    if verdict == "AC":
        assert len(s["tests"]) == 12 and all(t["verdict"] == "AC" for t in s["tests"])
    if verdict == "CE":
        assert s["compile_output"], s
        assert s["tests"] == []
    if verdict in ("WA", "TLE", "RTE"):
        assert s["tests"] and s["tests"][-1]["verdict"] == verdict


def test_contestant_sees_only_own_submissions(cluster):
    _, a = cluster.new_user("own")
    _, b = cluster.new_user("other")
    pid = cluster.demo_problem()
    sid = cluster.submit(a, pid, "c", C_AC).json()["id"]
    assert cluster.req("GET", f"/api/v1/submissions/{sid}", token=a).status_code == 200
    assert cluster.req("GET", f"/api/v1/submissions/{sid}", token=b).status_code in (403, 404)
    mine = cluster.req("GET", "/api/v1/submissions", token=b).json()["items"]
    assert all(s["id"] != sid for s in mine)
    assert cluster.req("GET", f"/api/v1/submissions/{sid}", token=cluster.admin()).status_code == 200


# ---- bad input -------------------------------------------------------------------------

def test_malformed_json_is_400(cluster):
    r = cluster.req("POST", "/api/v1/auth/register", data=b"{not json",
                    headers={"Content-Type": "application/json"})
    assert_error(r, 400)


def test_missing_and_invalid_fields_are_named(cluster):
    assert_error(cluster.req("POST", "/api/v1/auth/register", json={"password": "long enough"}),
                 400, mentions="username")
    assert_error(cluster.req("POST", "/api/v1/auth/register", json={"username": "shorty", "password": "x"}),
                 400, mentions="password")
    assert_error(cluster.req("POST", "/api/v1/auth/register", json={"username": 5, "password": "long enough"}),
                 400, mentions="username")
    admin = cluster.admin()
    assert_error(cluster.req("POST", "/api/v1/problems", token=admin,
                             json={"statement_md": "x", "time_limit_ms": 1000, "memory_limit_kb": 65536}),
                 400, mentions="title")
    assert_error(cluster.req("POST", "/api/v1/problems", token=admin,
                             json={"title": "t", "statement_md": "x", "time_limit_ms": "fast", "memory_limit_kb": 65536}),
                 400, mentions="time_limit_ms")
    _, token = cluster.new_user("bad")
    pid = cluster.demo_problem()
    assert_error(cluster.req("POST", "/api/v1/submissions", token=token, json={"problem_id": pid, "source": "x"}),
                 400, mentions="language")
    assert_error(cluster.req("POST", "/api/v1/submissions", token=token, json={"problem_id": pid, "language": "c"}),
                 400, mentions="source")


def test_username_taken_is_409(cluster):
    name, _ = cluster.new_user("dup")
    assert_error(cluster.req("POST", "/api/v1/auth/register", json={"username": name, "password": "whatever123"}), 409)
    assert_error(cluster.req("POST", "/api/v1/auth/register", json={"username": name.upper(), "password": "whatever123"}), 409)


def test_auth_failures_are_401(cluster):
    name, _ = cluster.new_user("pw")
    assert_error(cluster.req("POST", "/api/v1/auth/login", json={"username": name, "password": "wrong password"}), 401)
    assert_error(cluster.req("POST", "/api/v1/auth/login", json={"username": "nobody-here", "password": "wrong password"}), 401)
    assert_error(cluster.req("GET", "/api/v1/users/me"), 401)
    assert_error(cluster.req("GET", "/api/v1/users/me", token="not.a.token"), 401)
    assert_error(cluster.req("POST", "/api/v1/submissions", json={"problem_id": "1", "language": "c", "source": "x"}), 401)


def test_contestant_gets_403_on_admin_and_jury_endpoints(cluster):
    _, token = cluster.new_user("weak")
    assert_error(cluster.req("GET", "/api/v1/admin/judges", token=token), 403)
    assert_error(cluster.req("POST", "/api/v1/problems", token=token, json={
        "title": "x", "statement_md": "x", "time_limit_ms": 1000, "memory_limit_kb": 65536}), 403)
    pid = cluster.demo_problem()
    assert_error(cluster.req("DELETE", f"/api/v1/problems/{pid}", token=token), 403)
    assert_error(cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=token,
                             json={"input": "1 2\n", "output": "3\n"}), 403)


def test_admin_sees_judges(cluster):
    r = cluster.req("GET", "/api/v1/admin/judges", token=cluster.admin())
    assert r.status_code == 200, r.text
    judges = r.json()
    assert judges and judges[0]["state"] in ("idle", "busy") and "c" in judges[0]["languages"]
    assert {"id", "host", "languages", "state", "job", "last_seen"} <= set(judges[0])


def test_unknown_ids_and_routes_are_404(cluster):
    assert_error(cluster.req("GET", "/api/v1/problems/999999"), 404)
    assert_error(cluster.req("GET", "/api/v1/problems/abc"), 404)
    _, token = cluster.new_user("nf")
    assert_error(cluster.req("GET", "/api/v1/submissions/999999", token=token), 404)
    assert_error(cluster.submit(token, "999999", "c", C_AC), 404)
    assert_error(cluster.req("GET", "/api/v1/no/such/route"), 404)


def test_wrong_method_is_405(cluster):
    r = cluster.req("DELETE", "/api/v1/languages")
    assert_error(r, 405)
    assert "GET" in r.headers.get("Allow", "")


def test_too_large_is_413(cluster):
    _, token = cluster.new_user("big")
    pid = cluster.demo_problem()
    assert_error(cluster.submit(token, pid, "c", "x" * (64 * 1024 + 1)), 413)
    huge = {"username": "u" * 10, "password": "p" * (2 * 1024 * 1024)}
    assert_error(cluster.req("POST", "/api/v1/auth/register", json=huge), 413)


def test_unknown_language_is_400(cluster):
    _, token = cluster.new_user("lang")
    assert_error(cluster.submit(token, cluster.demo_problem(), "cobol", "x"), 400, mentions="language")


def test_metrics_are_prometheus_text(cluster):
    r = cluster.req("GET", "/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "gavel_http_requests_total{" in r.text
    assert "gavel_http_request_duration_seconds_bucket{" in r.text
    assert "gavel_judges_connected" in r.text
