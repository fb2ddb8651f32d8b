"""Custom checkers through a real cluster: problems created with the API carry a testlib checker
or a Kattis output validator (API.md `checker` {type:"custom", protocol, language, source}), and
submissions are judged by it — AC, WA, a presentation error (WA), a failing checker (JE, never
AC). Skipped, with the reason, while the problems API does not take custom checkers yet."""
import pytest

TESTLIB = r"""#include <stdio.h>
int main(int argc, char **argv) {
    FILE *out = fopen(argv[2], "r"), *ans = fopen(argv[3], "r");
    long long x, y;
    if (!out || !ans || fscanf(ans, "%lld", &y) != 1) { fprintf(stderr, "no answer"); return 3; }
    if (fscanf(out, "%lld", &x) != 1) { fprintf(stderr, "no number"); return 2; }
    if (y == 999) return 3;                        /* this test makes the checker fail */
    if (x % 1000 != y % 1000) { fprintf(stderr, "got %lld", x); return 1; }
    return 0;                                      /* accepts any x equal to y mod 1000 */
}
"""
KATTIS = r"""#include <stdio.h>
int main(int argc, char **argv) {
    FILE *ans = fopen(argv[2], "r"); long long x, y; char p[4096];
    snprintf(p, sizeof p, "%sjudgemessage.txt", argv[3]);
    FILE *fb = fopen(p, "w");
    if (!ans || !fb || fscanf(ans, "%lld", &y) != 1) return 1;
    if (scanf("%lld", &x) != 1 || x % 1000 != y % 1000) { fprintf(fb, "wrong"); return 43; }
    return 42;
}
"""
ECHO_PLUS_1000 = "#include <stdio.h>\nint main(void){long long a,b;scanf(\"%lld %lld\",&a,&b);printf(\"%lld\\n\",a+b+1000);return 0;}\n"
WRONG = "#include <stdio.h>\nint main(void){puts(\"7\");return 0;}\n"
WORDS = "#include <stdio.h>\nint main(void){puts(\"seven\");return 0;}\n"


def make_problem(cluster, checker, tests):
    admin = cluster.admin()
    r = cluster.req("POST", "/api/v1/problems", token=admin, json={
        "title": "checked", "statement_md": "x", "time_limit_ms": 1000,
        "memory_limit_kb": 262144, "checker": checker})
    if r.status_code != 201:
        pytest.skip(f"problems API does not take custom checkers yet: {r.status_code} {r.text[:200]}")
    pid = r.json()["id"]
    for inp, out in tests:
        r = cluster.req("POST", f"/api/v1/problems/{pid}/tests", token=admin,
                        json={"input": inp, "output": out})
        assert r.status_code == 201, r.text
    return pid


def judge(cluster, pid, source):
    _, token = cluster.new_user("chk")
    r = cluster.submit(token, pid, "c", source)
    assert r.status_code == 202, r.text
    return cluster.wait_verdict(token, r.json()["id"], timeout=120)


@pytest.mark.parametrize("protocol,source", [("testlib", TESTLIB), ("kattis", KATTIS)])
def test_custom_checker_accepts_what_tokens_would_not(cluster, protocol, source):
    pid = make_problem(cluster, {"type": "custom", "protocol": protocol, "language": "c",
                                 "source": source}, [("1 2\n", "3\n"), ("5 5\n", "10\n")])
    sub = judge(cluster, pid, ECHO_PLUS_1000)
    assert sub["verdict"] == "AC", sub
    sub = judge(cluster, pid, WRONG)
    assert sub["verdict"] == "WA", sub
    assert len(sub["tests"]) == 1


def test_testlib_presentation_error_is_wa(cluster):
    pid = make_problem(cluster, {"type": "custom", "protocol": "testlib", "language": "c",
                                 "source": TESTLIB}, [("1 2\n", "3\n")])
    assert judge(cluster, pid, WORDS)["verdict"] == "WA"


def test_failing_checker_is_je_never_ac(cluster):
    pid = make_problem(cluster, {"type": "custom", "protocol": "testlib", "language": "c",
                                 "source": TESTLIB}, [("1 2\n", "999\n")])
    sub = judge(cluster, pid, ECHO_PLUS_1000)
    assert sub["verdict"] == "JE", sub
    assert "judge error" in (sub["compile_output"] or "")


def test_float_checker_through_the_api(cluster):
    pid = make_problem(cluster, {"type": "float", "abs": 1e-3, "rel": 0},
                       [("1 2\n", "3.0004\n")])
    assert judge(cluster, pid, "#include <stdio.h>\nint main(void){puts(\"3\");return 0;}\n")["verdict"] == "AC"
    assert judge(cluster, pid, "#include <stdio.h>\nint main(void){puts(\"3.01\");return 0;}\n")["verdict"] == "WA"
