"""`inconcert serve`: the JSON API over a read-only workspace, and the rules that keep it
safe (loopback by default, token elsewhere, CSP, no path traversal, size limits)."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import assert_clean_exit, query, run_cli
from fastapi.testclient import TestClient
from report_fixtures import HANDLE_PAYLOAD, ORIGINALS, TEXT_PAYLOAD, TITLE_PAYLOAD, build_hostile_workspace

from inconcert.store.workspace import Workspace
from inconcert.web.app import guarded_app


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_hostile_workspace(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def client(hostile):
    with Workspace.open(hostile, read_only=True) as ws:
        yield TestClient(guarded_app(ws, token=None, loopback_only=True), base_url="http://127.0.0.1:8765")


def test_page_is_a_shell_with_no_inline_script_and_a_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "http" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script src="static/inconcert.js"></script>' in response.text
    assert "<script>" not in response.text
    assert client.get("/static/inconcert.js").headers["content-type"].startswith("text/javascript")


@pytest.mark.parametrize("path", [
    "/static/../html.py", "/static/..%2fhtml.py", "/static/%2e%2e%2f%2e%2e%2fstore%2fworkspace.py",
    "/static/inconcert.js%00.py", "/static//etc/passwd", "/static/..\\html.py", "/../../etc/passwd",
])
def test_no_path_reaches_the_file_system(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "import" not in response.text and "root:" not in response.text


def test_only_reads_and_only_small_requests(client):
    assert client.post("/api/overview", content=b"x").status_code == 405
    assert client.get("/api/overview", headers={"content-length": "100000"}).status_code == 413
    assert client.get("/api/overview", headers={"content-length": "ten"}).status_code == 400
    assert client.get("/api/search?q=" + "a" * 5000).status_code == 414
    assert client.get("/api/search", params={"q": "a" * 300}).status_code == 422
    assert client.get("/api/search", params={"q": "vote", "limit": 100000}).status_code == 422
    assert client.get("/api/network", params={"min_weight": -1}).status_code == 422


def test_loopback_server_refuses_foreign_host_headers(client):
    """A page on another site cannot reach the app through DNS rebinding."""
    assert client.get("/api/overview", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/api/overview", headers={"host": "localhost:8765"}).status_code == 200


def test_token_is_required_beyond_loopback(hostile):
    with Workspace.open(hostile, read_only=True) as ws:
        app = guarded_app(ws, token="s3cret-token", loopback_only=False)
        client = TestClient(app, base_url="http://203.0.113.5:8765")
        assert client.get("/api/overview").status_code == 401
        assert client.get("/api/overview", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/overview", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        first = client.get("/?token=s3cret-token")
        assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
        assert client.get("/api/overview").status_code == 200  # the cookie carries it from now on


def test_report_endpoint_is_the_page_data_without_inline_evidence(client, hostile):
    data = client.get("/api/report").json()
    assert data["evidence"] is None
    assert data["network"]["shown_edges"] == query(hostile, "SELECT count(*) FROM coordination_edges")[0][0]
    assert data["accounts"]["u1"]["handle"] == HANDLE_PAYLOAD


def test_evidence_endpoint_returns_the_posts_and_delta_t(client, hostile):
    evidence = client.get("/api/evidence", params={"a": "u2", "b": "u1"}).json()
    assert (evidence["account_a"], evidence["account_b"]) == ("u1", "u2")
    assert evidence["total_pairs"] == len(evidence["pairs"]) == ORIGINALS
    kind, obj, content_a, ts_a, content_b, ts_b, delta = evidence["pairs"][0]
    assert kind == "retweet" and delta == 3.0
    assert evidence["posts"][content_a]["text"].endswith(TEXT_PAYLOAD)
    assert evidence["posts"][content_a]["handle"] == HANDLE_PAYLOAD


def test_filters_recount_edges_from_their_evidence(client, hostile):
    everything = client.get("/api/network").json()
    assert everything["shown_edges"] == 6
    heavy = client.get("/api/network", params={"min_weight": ORIGINALS + 1}).json()
    assert heavy["shown_edges"] == 0
    first_hours = client.get("/api/network", params={"since": "2023-11-14T00:00:00", "until": "2023-11-15T00:00:00"}).json()
    expected = query(hostile, "SELECT count(*) FROM coordination_evidence WHERE account_a = 'u1' AND account_b = 'u2' AND ts_b < '2023-11-15'")[0][0]
    weights = dict(zip(zip(first_hours["edges"]["source"], first_hours["edges"]["target"]), first_hours["edges"]["weight"]))
    ids = first_hours["nodes"]["id"]
    assert weights[(ids.index("u1"), ids.index("u2"))] == expected < ORIGINALS
    assert client.get("/api/network", params={"kind": "hashtag"}).json()["shown_edges"] == 0
    cluster = everything["nodes"]["cluster"][0]
    assert client.get("/api/network", params={"cluster": cluster}).json()["shown_edges"] == 6
    assert client.get("/api/network", params={"cluster": cluster + 1}).json()["shown_edges"] == 0


def test_search_finds_posts_and_articles_and_returns_text_as_data(client):
    found = client.get("/api/search", params={"q": "window.__PWNED=2"}).json()
    assert found["posts"] and all(TEXT_PAYLOAD in p["text"] for p in found["posts"])
    assert client.get("/api/search", params={"q": "council"}).json()["articles"][0]["doc_id"] in ("hostile-1", "plain-2")
    assert client.get("/api/search", params={"q": "%_"}).json() == {"posts": [], "more_posts": False, "articles": [], "scope": "all posts and articles in the workspace"}
    narratives = client.get("/api/narratives").json()
    assert any(d["title"] == TITLE_PAYLOAD for d in narratives["articles"]["docs"])


def test_openapi_documents_the_json_endpoints(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/report", "/api/network", "/api/evidence", "/api/search", "/api/clusters", "/api/timelines",
            "/api/signals", "/api/narratives", "/api/overview"} <= set(spec["paths"])
    assert client.get("/docs").status_code == 404  # its page would load scripts from a CDN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(*args: object) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "inconcert.cli", "serve", *map(str, args)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, process.stdout.readline()


def wait_until_up(url: str, process: subprocess.Popen, **kwargs) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(url, timeout=2, **kwargs)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {process.stderr.read()}")
            time.sleep(0.2)


def test_serve_binds_loopback_and_leaves_the_workspace_untouched(hostile):
    database = hostile / "inconcert.duckdb"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    port = free_port()
    process, first_line = start_server("--workspace", hostile, "--port", port, "-q")
    try:
        assert f"http://127.0.0.1:{port}/" in first_line and "read-only" in first_line
        assert wait_until_up(f"http://127.0.0.1:{port}/api/overview", process).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/api/report").json()["network"]["shown_edges"] == 6
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_serve_beyond_loopback_prints_a_token_and_requires_it(hostile):
    port = free_port()
    process, first_line = start_server("--workspace", hostile, "--host", "0.0.0.0", "--port", port, "-q")
    try:
        token = first_line.split("token ")[1].strip()
        assert len(token) >= 24
        assert wait_until_up(f"http://127.0.0.1:{port}/api/overview", process).status_code == 401
        authorised = httpx.get(f"http://127.0.0.1:{port}/api/overview", headers={"authorization": f"Bearer {token}"})
        assert authorised.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_user_mistakes_exit_2(tmp_path, hostile):
    missing = run_cli("serve", "--workspace", tmp_path / "nothing")
    assert_clean_exit(missing, 2)
    assert "--workspace" in missing.stderr
    bad_port = run_cli("serve", "--workspace", hostile, "--port", 70000)
    assert_clean_exit(bad_port, 2)
    assert "--port" in bad_port.stderr
