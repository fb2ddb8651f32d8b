"""Security: every ZeroMQ link is CURVE; a node whose public key is not authorised is refused,
and the same request with an authorised node's key is answered."""
import os
import subprocess
import tempfile

from conftest import ROOT


def _probe(cluster, cert):
    probe = os.path.join(os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build")), "tests", "curve_probe")
    config = os.path.join(ROOT, "cluster.toml")
    return subprocess.run([probe, config, cluster.data, cert], capture_output=True, text=True, timeout=30)


def test_unknown_curve_key_is_refused(cluster):
    d = tempfile.mkdtemp(prefix="gavel-rogue-")
    keygen = os.path.join(os.environ.get("GAVEL_BUILD", os.path.join(ROOT, "build")), "ops", "gavel-keygen")
    subprocess.run([keygen, "--out", d, "--name", "rogue"], check=True, capture_output=True)
    r = _probe(cluster, os.path.join(d, "rogue.cert"))
    assert r.returncode == 3, r.stdout + r.stderr


def test_authorised_key_is_admitted(cluster):
    r = _probe(cluster, os.path.join(cluster.data, "keys", "edge-1.cert"))
    assert r.returncode == 0, r.stdout + r.stderr
