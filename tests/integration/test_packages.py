"""Problem packages: POST /api/v1/problems/import (Kattis/problemarchive zips), the package's
own submissions, `gavelctl problem import` and `gavelctl problem verify`, and hostile zips.

tests/packages/anyperm has a custom output validator (C, Kattis protocol, with a local header)
and tests/packages/guess is interactive (a C interactor). Verifying them needs judges that run
custom validators and interactors (issue 3, item 5)."""
import io
import os
import subprocess
import zipfile

import pytest

from conftest import ADMIN_PASSWORD, ROOT

PACKAGES = os.path.join(ROOT, "tests", "packages")
GAVELCTL = os.path.join(ROOT, "ops", "gavelctl")


def zip_dir(path, prefix=""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in os.walk(path):
            for f in sorted(files):
                full = os.path.join(root, f)
                z.write(full, prefix + os.path.relpath(full, path))
    return buf.getvalue()


def zip_of(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def gavelctl(cluster, *args, timeout=600):
    env = dict(os.environ, GAVELCTL_PASSWORD=ADMIN_PASSWORD)
    return subprocess.run([GAVELCTL, "--url", cluster.url, "--user", "admin", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def import_zip(cluster, body, token=None):
    return cluster.req("POST", "/api/v1/problems/import", token=token or cluster.admin(),
                       data=body, headers={"Content-Type": "application/zip"}, timeout=120)


# ---- importing -----------------------------------------------------------------------------

def test_raw_import_creates_problem_tests_and_package_submissions(cluster):
    admin = cluster.admin()
    r = import_zip(cluster, zip_dir(os.path.join(PACKAGES, "anyperm"), prefix="anyperm/"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["tests"] == 4 and body["submissions"] == 8
    assert any("LaTeX" in w for w in body["warnings"]), body["warnings"]
    assert any("input validators" in w for w in body["warnings"]), body["warnings"]
    pid = body["id"]
    p = cluster.req("GET", f"/api/v1/problems/{pid}", token=admin).json()
    assert p["title"] == "Any Permutation" and p["time_limit_ms"] == 1000
    assert p["memory_limit_kb"] == 256 * 1024
    assert p["checker"]["type"] == "custom" and p["checker"]["protocol"] == "kattis"
    assert "source" not in p["checker"] and len(p["checker"]["source_hash"]) == 64
    assert p["samples"] == [{"input": "3\n", "output": "1 2 3\n"}]
    _, contestant = cluster.new_user("pkg")
    seen = cluster.req("GET", f"/api/v1/problems/{pid}", token=contestant).json()
    assert "checker" not in seen and "interactor" not in seen
    subs = cluster.req("GET", f"/api/v1/problems/{pid}/package-submissions", token=admin).json()
    assert subs["total"] == 8
    by_name = {s["name"]: s for s in subs["items"]}
    assert by_name["identity.c"]["expected"] == "AC" and by_name["identity.c"]["language"] == "c"
    assert by_name["spin.c"]["expected"] == "TLE" and by_name["broken.c"]["expected"] == "CE"
    assert by_name["reverse.py"]["language"] == "python3"
    r = cluster.req("GET", f"/api/v1/problems/{pid}/package-submissions", token=contestant)
    assert r.status_code == 403


def test_raw_import_of_an_interactive_package(cluster):
    r = import_zip(cluster, zip_dir(os.path.join(PACKAGES, "guess")))
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert r.json()["tests"] == 7
    p = cluster.req("GET", f"/api/v1/problems/{pid}", token=cluster.admin()).json()
    assert p["title"] == "Guess the Number" and p["time_limit_ms"] == 2000
    assert p["interactor"]["protocol"] == "kattis" and p["interactor"]["language"] == "c"
    assert "source" not in p["interactor"]


def test_only_jury_and_admins_import(cluster):
    _, token = cluster.new_user("pkgc")
    r = import_zip(cluster, zip_dir(os.path.join(PACKAGES, "guess")), token=token)
    assert r.status_code == 403


# ---- refusing bad packages -------------------------------------------------------------------

def test_a_body_that_is_not_a_zip_is_400(cluster):
    r = import_zip(cluster, b"this is plainly not a zip archive")
    assert r.status_code == 400, r.text
    assert "not a zip" in r.json()["error"]["message"]


def test_path_traversal_is_400(cluster):
    body = zip_of([("problem.yaml", "name: Evil\n"), ("../../etc/evil", "x"),
                   ("data/sample/1.in", "1\n"), ("data/sample/1.ans", "1\n")])
    r = import_zip(cluster, body)
    assert r.status_code == 400, r.text
    assert "unsafe file name" in r.json()["error"]["message"]
    body = zip_of([("/problem.yaml", "name: Evil\n")])
    assert import_zip(cluster, body).status_code == 400


def test_a_zip_bomb_is_refused(cluster):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("problem.yaml", "name: Bomb\n")
        z.writestr("data/secret/1.ans", "1\n")
        with z.open("data/secret/1.in", "w", force_zip64=True) as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(200):  # 200 MiB of zeros, about 200 KiB compressed
                f.write(chunk)
    assert len(buf.getvalue()) < 2 << 20
    r = import_zip(cluster, buf.getvalue())
    assert r.status_code in (400, 413), r.text
    assert r.status_code == 413 and "unpacks to more than" in r.json()["error"]["message"]


def test_missing_problem_yaml_is_400_naming_it(cluster):
    body = zip_of([("data/sample/1.in", "1\n"), ("data/sample/1.ans", "1\n")])
    r = import_zip(cluster, body)
    assert r.status_code == 400, r.text
    assert "problem.yaml" in r.json()["error"]["message"]


def test_a_failed_import_leaves_no_problem_behind(cluster):
    admin = cluster.admin()
    before = cluster.req("GET", "/api/v1/problems?per_page=200", token=admin).json()["total"]
    body = zip_of([("problem.yaml", "name: Broken\nvalidation: custom\n"),
                   ("data/sample/1.in", "1\n"), ("data/sample/1.ans", "1\n"),
                   ("output_validators/v/validate.sh", "exit 42\n")])
    r = import_zip(cluster, body)
    assert r.status_code == 400 and "output_validators" in r.json()["error"]["message"], r.text
    after = cluster.req("GET", "/api/v1/problems?per_page=200", token=admin).json()["total"]
    assert after == before


# ---- gavelctl: import and verify ---------------------------------------------------------------

def imported_id(out):
    for line in out.splitlines():
        if line.startswith("imported problem "):
            return line.split()[2].rstrip(":")
    raise AssertionError(f"no `imported problem` line in:\n{out}")


@pytest.mark.parametrize("package", ["anyperm", "guess"])
def test_gavelctl_imports_a_directory_and_verifies_it_clean(cluster, package):
    r = gavelctl(cluster, "problem", "import", os.path.join(PACKAGES, package))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "upload [" in r.stderr and "100.0%" in r.stderr  # the progress bar
    pid = imported_id(r.stdout)
    v = gavelctl(cluster, "problem", "verify", pid, "--timeout", "300")
    assert "EXPECTED" in v.stdout, v.stdout + v.stderr
    assert v.returncode == 0, f"package {package} was flagged:\n{v.stdout}{v.stderr}\n" + cluster.logs()
    assert "package verified" in v.stdout and "MISMATCH" not in v.stdout
    print(v.stdout)


def test_gavelctl_imports_a_zip_and_flags_a_package_whose_submissions_disagree(cluster, tmp_path):
    # an A+B package whose `accepted` folder holds a wrong solution
    body = zip_of([
        ("problem.yaml", "name: Flagged\nlimits:\n  time_limit: 1\n"),
        ("data/secret/1.in", "1 2\n"), ("data/secret/1.ans", "3\n"),
        ("submissions/accepted/right.py", "a, b = map(int, input().split())\nprint(a + b)\n"),
        ("submissions/accepted/wrong.py", "print(0)\n"),
    ])
    z = tmp_path / "flagged.zip"
    z.write_bytes(body)
    r = gavelctl(cluster, "problem", "import", str(z))
    assert r.returncode == 0, r.stdout + r.stderr
    pid = imported_id(r.stdout)
    v = gavelctl(cluster, "problem", "verify", pid, "--timeout", "120")
    assert v.returncode == 1, v.stdout + v.stderr
    assert "FLAGGED" in v.stdout and "MISMATCH" in v.stdout
    assert "accepted/wrong.py" in v.stdout
