"""Rejudge (POST /api/v1/admin/rejudge): a submission judged WA, the admin fixes the problem's
test (PUT /api/v1/problems/{id}/tests/{n}), a rejudge makes it a new attempt that gets AC, and
the WA stays in the submission's history."""
import time

C_SUM = """#include <stdio.h>
int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\\n", a + b); return 0; }
"""


def make_problem(cluster, answer):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": f"Rejudge me {time.monotonic_ns()}", "statement_md": "Add two numbers.",
        "time_limit_ms": 1000, "memory_limit_kb": 262144})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                    json={"input": "2 3\n", "output": answer})
    assert r.status_code == 201 and r.json()["n"] == 1, r.text
    return pid


def wait_attempt_done(cluster, token, sid, attempt, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = cluster.req("GET", f"/api/v1/submissions/{sid}", token=token).json()
        if s["attempt"] >= attempt and s["status"] == "done":
            return s
        time.sleep(0.1)
    raise AssertionError(f"submission {sid} attempt {attempt} got no verdict\n" + cluster.logs())


def test_rejudge_after_fixing_the_test_turns_wa_into_ac_and_keeps_the_wa(cluster):
    admin = cluster.admin()
    _, token = cluster.new_user("rj")
    pid = make_problem(cluster, "6\n")  # the test's answer is wrong
    sid = cluster.submit(token, pid, "c", C_SUM).json()["id"]
    first = cluster.wait_verdict(token, sid)
    assert first["verdict"] == "WA", first
    assert first["history"] == []

    r = cluster.req("PUT", f"/api/v1/problems/{pid}/tests/1", token=admin,
                    json={"input": "2 3\n", "output": "5\n"})
    assert r.status_code == 200, r.text
    r = cluster.req("POST", "/api/v1/admin/rejudge", token=admin, json={"submission_ids": [sid]})
    assert r.status_code == 202, r.text
    assert r.json() == {"count": 1}

    s = wait_attempt_done(cluster, token, sid, first["attempt"] + 1)
    assert s["verdict"] == "AC", s
    assert s["attempt"] == first["attempt"] + 1
    assert len(s["history"]) == 1, s["history"]
    h = s["history"][0]
    assert h["attempt"] == first["attempt"] and h["verdict"] == "WA"
    assert h["tests"] and h["tests"][0]["verdict"] == "WA"
    assert h["judged_at"] and h["time_ms"] == first["time_ms"]


def test_rejudge_of_a_whole_problem_counts_and_rejudges_each(cluster):
    admin = cluster.admin()
    _, token = cluster.new_user("rjp")
    pid = make_problem(cluster, "5\n")
    sids = [cluster.submit(token, pid, "c", C_SUM).json()["id"] for _ in range(3)]
    firsts = [cluster.wait_verdict(token, s) for s in sids]
    assert all(f["verdict"] == "AC" for f in firsts)
    r = cluster.req("POST", "/api/v1/admin/rejudge", token=admin, json={"problem_id": pid})
    assert r.status_code == 202 and r.json() == {"count": 3}, r.text
    for sid, f in zip(sids, firsts):
        s = wait_attempt_done(cluster, token, sid, f["attempt"] + 1)
        assert s["verdict"] == "AC" and [h["verdict"] for h in s["history"]] == ["AC"]


def test_only_admins_rejudge_and_bad_bodies_name_the_field(cluster):
    _, token = cluster.new_user("rjn")
    r = cluster.req("POST", "/api/v1/admin/rejudge", token=token, json={"problem_id": "1"})
    assert r.status_code == 403
    r = cluster.req("POST", "/api/v1/admin/rejudge", token=cluster.admin(), json={})
    assert r.status_code == 400 and "submission_ids" in r.json()["error"]["message"]
    r = cluster.req("POST", "/api/v1/admin/rejudge", token=cluster.admin(),
                    json={"submission_ids": ["x"]})
    assert r.status_code == 400 and "submission_ids[0]" in r.json()["error"]["message"]
    r = cluster.req("PUT", "/api/v1/problems/999999/tests/1", token=cluster.admin(),
                    json={"input": "", "output": ""})
    assert r.status_code == 404
