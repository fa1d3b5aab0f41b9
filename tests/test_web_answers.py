"""How `inconcert serve` answers: each view computed once and kept as encoded bytes,
gzipped for clients that accept it, with the security headers on every reply."""

from __future__ import annotations

import gzip
import json
import threading
import time
from pathlib import Path

import pytest
from fastapi.encoders import jsonable_encoder
from fastapi.testclient import TestClient
from report_fixtures import HANDLE_PAYLOAD, build_hostile_workspace

from inconcert.report import views
from inconcert.store.workspace import Workspace
from inconcert.web.app import AnswerCache, accepts_gzip, guarded_app

LOOPBACK = "http://127.0.0.1:8765"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_hostile_workspace(tmp_path_factory.mktemp("answers"))


@pytest.fixture(scope="module")
def client(hostile):
    with Workspace.open(hostile, read_only=True) as ws, \
            TestClient(guarded_app(ws, token=None, loopback_only=True), base_url=LOOPBACK) as client:
        yield client


def test_large_answers_are_gzipped_only_for_clients_that_accept_it(client):
    packed = client.get("/api/report", headers={"accept-encoding": "gzip"})
    plain = client.get("/api/report", headers={"accept-encoding": "identity"})
    assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert int(packed.headers["content-length"]) < int(plain.headers["content-length"])
    assert packed.json() == plain.json()
    assert plain.json()["accounts"]["u1"]["handle"] == HANDLE_PAYLOAD  # untrusted text stays data, unchanged
    for response in (packed, plain):
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    refused = client.get("/static/inconcert.js", headers={"accept-encoding": "gzip;q=0, deflate"})
    assert "content-encoding" not in refused.headers and refused.headers["content-type"].startswith("text/javascript")


def test_the_token_still_guards_gzipped_answers(hostile):
    with Workspace.open(hostile, read_only=True) as ws:
        client = TestClient(guarded_app(ws, token="s3cret-token", loopback_only=False), base_url="http://203.0.113.5:8765")
        refused = client.get("/api/report", headers={"accept-encoding": "gzip"})
        assert refused.status_code == 401 and "coordination" not in refused.text
        allowed = client.get("/api/report", headers={"accept-encoding": "gzip", "authorization": "Bearer s3cret-token"})
        assert allowed.status_code == 200 and allowed.headers["content-encoding"] == "gzip"


@pytest.mark.parametrize("header,accepted", [
    ("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.5", True), ("*", True), ("identity", False), ("", False),
    ("gzip;q=0", False), ("deflate, gzip;q=0.000", False), ("*;q=0", False), ("gzip;q=nonsense", False),
])
def test_accept_encoding_is_read_with_its_weights(header, accepted):
    assert accepts_gzip(header) is accepted


def test_a_crowd_asking_for_a_cold_view_waits_for_one_computation(hostile):
    with Workspace.open(hostile, read_only=True) as ws:
        cache = AnswerCache(ws)
        computed = []

        def overview(con):
            computed.append(1)
            time.sleep(0.2)  # long enough for every thread to arrive while it runs
            return views.overview(con)

        answers = []
        threads = [threading.Thread(target=lambda: answers.append(cache._compute(("overview",), overview))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(computed) == 1 and len(answers) == 8
        assert len({answer.plain for answer in answers}) == 1
        expected = json.loads(json.dumps(jsonable_encoder(views.overview(ws.con))))
        assert json.loads(answers[0].plain) == expected
        assert answers[0].gzipped is None or gzip.decompress(answers[0].gzipped) == answers[0].plain
