"""The edge serves the web UI from $GAVEL_BUILD/edge/web: index.html with its security
headers, the single-page app's client-side routes, every asset index.html links, gzip and
ETag revalidation, year-long caching of versioned (?v=) assets, and JSON 404s for what is not
the UI's. Generic on purpose: it reads index.html to learn the assets instead of knowing the
app's files, so it holds for any build of the UI."""
import gzip
import http.client
import os
import re

import pytest

from conftest import ROOT

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
}
IMMUTABLE = "public, max-age=31536000, immutable"
IDENTITY = {"Accept-Encoding": "identity"}


def web_dir():
    return os.path.join(os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build")), "edge", "web")


@pytest.fixture(scope="module")
def index_html():
    path = os.path.join(web_dir(), "index.html")
    if not os.path.isfile(path):
        pytest.fail(f"{path} does not exist: the web UI is not built in this build directory "
                    "(build the gavel_web target, e.g. `cmake --build <build dir>`, then rerun)")
    with open(path, "rb") as f:
        return f.read()


def local_assets(html):
    """Local URLs ("/app.css?v=...") in index.html's src= and href= attributes, in order."""
    urls = re.findall(rb"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html)
    out = []
    for u in urls:
        u = u.decode()
        if u.startswith("/") and not u.startswith("//") and u != "/" and u not in out:
            out.append(u)
    return out


def ext_of(url):
    path = url.split("?", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return os.path.splitext(last)[1].lower()


def raw_get(cluster, path, headers=None):
    """GET without decoding: (response, body bytes as sent)."""
    r = cluster.req("GET", path, headers=dict(headers or {}), stream=True)
    body = r.raw.read(decode_content=False)
    r.close()
    return r, body


def assert_json_404(r):
    assert r.status_code == 404, f"{r.status_code}: {r.text[:200]}"
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["error"]["code"] == "not_found", body
    assert body["error"]["message"], body


def test_root_serves_index_html_with_security_headers(cluster, index_html):
    r = cluster.req("GET", "/", headers=dict(IDENTITY))
    assert r.status_code == 200, r.text[:200]
    assert r.content == index_html
    h = r.headers
    assert h["Content-Type"] == "text/html; charset=utf-8"
    assert int(h["Content-Length"]) == len(index_html)
    assert "Content-Encoding" not in h
    assert h["Content-Security-Policy"] == CSP
    assert h["Cache-Control"] == "no-cache"
    assert re.fullmatch(r'"[0-9a-f]{32}"', h["ETag"]), h["ETag"]
    assert h["Vary"] == "Accept-Encoding"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Frame-Options"] == "DENY"
    assert cluster.req("GET", "/index.html", headers=dict(IDENTITY)).content == index_html


def test_a_matching_if_none_match_answers_304(cluster, index_html):
    etag = cluster.req("GET", "/", headers=dict(IDENTITY)).headers["ETag"]
    for inm in (etag, "W/" + etag, f'"other", {etag}', "*"):
        r = cluster.req("GET", "/", headers={**IDENTITY, "If-None-Match": inm})
        assert r.status_code == 304, (inm, r.status_code)
        assert r.content == b""
        assert r.headers["ETag"] == etag
        assert r.headers["Cache-Control"] == "no-cache"
    r = cluster.req("GET", "/", headers={**IDENTITY, "If-None-Match": '"stale"'})
    assert r.status_code == 200 and r.content == index_html
    # the gzip'd representation has its own tag, and revalidates against it
    g = cluster.req("GET", "/", headers={"Accept-Encoding": "gzip"})
    if g.headers.get("Content-Encoding") == "gzip":
        assert g.headers["ETag"] != etag
        r = cluster.req("GET", "/", headers={"Accept-Encoding": "gzip", "If-None-Match": g.headers["ETag"]})
        assert r.status_code == 304


def test_client_side_routes_get_the_app(cluster, index_html):
    for path in ("/contests/1", "/contests/1/scoreboard", "/login", "/problems/"):
        r = cluster.req("GET", path, headers=dict(IDENTITY))
        assert r.status_code == 200, (path, r.status_code)
        assert r.content == index_html, path
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert r.headers["Cache-Control"] == "no-cache"
        assert r.headers["Content-Security-Policy"] == CSP


def test_head_sends_the_headers_only(cluster, index_html):
    r = cluster.req("HEAD", "/", headers=dict(IDENTITY))
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["Content-Length"]) == len(index_html)
    assert r.headers["ETag"]
    # the connection is still in step after a body-less response with a Content-Length
    assert cluster.req("GET", "/healthz").json()["status"] == "ok"


def test_every_asset_index_html_links_is_served(cluster, index_html):
    assets = local_assets(index_html)
    assert assets, "index.html links no local assets"
    for url in assets:
        r = cluster.req("GET", url, headers=dict(IDENTITY))
        assert r.status_code == 200, (url, r.status_code, r.text[:200])
        ext = ext_of(url)
        assert r.headers["Content-Type"] == TYPES.get(ext, "application/octet-stream"), url
        on_disk = os.path.join(web_dir(), url.split("?", 1)[0].lstrip("/"))
        with open(on_disk, "rb") as f:
            assert r.content == f.read(), url
        assert r.headers["ETag"] and r.headers["X-Content-Type-Options"] == "nosniff"
        expect = IMMUTABLE if "v=" in url.split("?", 1)[-1] and ext != ".html" else "no-cache"
        assert r.headers["Cache-Control"] == expect, url
        if ext != ".html":
            assert "Content-Security-Policy" not in r.headers, url


def test_gzip_variants_are_served_to_clients_that_take_them(cluster, index_html):
    candidates = [u for u in local_assets(index_html) if ext_of(u) in (".js", ".css")
                  and os.path.isfile(os.path.join(web_dir(), u.split("?", 1)[0].lstrip("/") + ".gz"))]
    assert candidates, "no .js or .css linked from index.html has a .gz sibling in " + web_dir()
    url = candidates[0].split("?", 1)[0]
    identity = cluster.req("GET", url, headers=dict(IDENTITY))
    assert identity.status_code == 200 and "Content-Encoding" not in identity.headers
    r, body = raw_get(cluster, url, {"Accept-Encoding": "gzip, deflate"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert r.headers["Vary"] == "Accept-Encoding"
    assert int(r.headers["Content-Length"]) == len(body) < len(identity.content)
    assert gzip.decompress(body) == identity.content
    assert r.headers["ETag"] != identity.headers["ETag"]
    for refused in ("gzip;q=0", "br", "gzip;q=0, *"):
        r, body = raw_get(cluster, url, {"Accept-Encoding": refused})
        assert "Content-Encoding" not in r.headers, refused
        assert body == identity.content, refused


def test_versioned_urls_are_cached_for_a_year(cluster, index_html):
    asset = next((u.split("?", 1)[0] for u in local_assets(index_html)
                  if ext_of(u) in (".js", ".css")), None)
    assert asset, "index.html links no .js or .css"
    assert cluster.req("GET", asset + "?v=x").headers["Cache-Control"] == IMMUTABLE
    assert cluster.req("GET", asset + "?a=1&v=x").headers["Cache-Control"] == IMMUTABLE
    assert cluster.req("GET", asset).headers["Cache-Control"] == "no-cache"
    assert cluster.req("GET", asset + "?dev=1").headers["Cache-Control"] == "no-cache"
    # the app's entry point is never pinned, or a new deployment would not reach browsers
    assert cluster.req("GET", "/?v=x").headers["Cache-Control"] == "no-cache"


def test_what_is_not_the_uis_answers_the_json_404(cluster, index_html):
    assert_json_404(cluster.req("GET", "/nope.js"))
    assert_json_404(cluster.req("GET", "/js/nope.css"))
    r = cluster.req("GET", "/api/v1/nope")
    assert_json_404(r)
    assert "no such resource" in r.json()["error"]["message"]
    assert_json_404(cluster.req("GET", "/api/v1/contests/1/nope"))
    assert_json_404(cluster.req("POST", "/index.html", json={}))
    assert_json_404(cluster.req("GET", "/index.html.gz"))
    assert cluster.req("GET", "/healthz").json()["status"] == "ok"


def test_dot_segments_never_leave_the_ui(cluster, index_html):
    for path in ("/%2e%2e/%2e%2e/etc/passwd", "/js/..%2f..%2f..%2fetc%2fpasswd", "/..%5c..%5cetc%5cpasswd"):
        conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
        finally:
            conn.close()
        assert b"root:" not in body, path
        assert r.status in (200, 400, 404), (path, r.status)
        if r.status == 200:
            assert body == index_html, path


def test_metrics_count_ui_requests_as_static(cluster, index_html):
    assert cluster.req("GET", "/").status_code == 200
    text = cluster.req("GET", "/metrics").text
    assert 'gavel_http_requests_total{route="static",method="GET",status="200"}' in text


def test_kept_connections_say_when_the_edge_closes_them(cluster):
    # Clients that honour Keep-Alive: timeout (Node's fetch) then never reuse a socket the edge
    # is closing; without it a POST could race the close and fail with no answer at all.
    r = cluster.req("GET", "/healthz")
    assert r.headers.get("Connection") == "keep-alive", r.headers
    assert r.headers.get("Keep-Alive") == "timeout=2", r.headers
    r = cluster.req("GET", "/", headers={"Connection": "close"})
    assert r.headers.get("Connection") == "close" and "Keep-Alive" not in r.headers, r.headers
