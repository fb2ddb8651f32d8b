"""Brute-force protection: repeated failed logins from one client are answered 429 with
Retry-After. Its own cluster, so the limit does not leak into other tests."""
from test_core_api import assert_error


def test_repeated_failed_logins_are_429(cluster):
    name, _ = cluster.new_user("brute")
    codes = []
    for _ in range(15):
        r = cluster.req("POST", "/api/v1/auth/login", json={"username": name, "password": "not it at all"})
        codes.append(r.status_code)
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) > 0
            assert_error(r, 429)
            break
    assert 429 in codes, codes
