"""`inconcert report`: one self-contained HTML file, its data inlined and inert, built from
the workspace's tables (running missing analyses with defaults)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from conftest import assert_clean_exit, ingest, query, run_cli, scalar
from report_fixtures import ORIGINALS, PAYLOADS, TEXT_PAYLOAD, build_hostile_workspace, write_articles, write_messages

from inconcert.report.html import json_for_script

DATA_BLOCK = re.compile(r'<script type="application/json" id="inconcert-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build_hostile_workspace(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def report(hostile, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    run = run_cli("report", "--workspace", hostile, "--out", out)
    return out, run


def inlined_data(html: str) -> dict:
    blocks = DATA_BLOCK.findall(html)
    assert len(blocks) == 1, "exactly one data block, ended by its own </script>"
    return json.loads(blocks[0])


def test_report_writes_one_file_and_says_so(report):
    out, run = report
    assert_clean_exit(run)
    assert run.stdout.strip().splitlines()[-1].startswith(f"wrote {out} (")
    assert out.stat().st_size > 100_000  # the bundle is inside
    assert not list(out.parent.glob(".*.tmp")), "no temporary file left behind"


def test_report_loads_nothing_from_the_network(report):
    html = report[0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    script_hash = re.search(r"script-src '(sha256-[^']+)'", policy).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    import base64
    import hashlib

    assert script_hash == "sha256-" + base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()


def test_payloads_stay_inside_the_json_block_as_data(report):
    html = report[0].read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload not in html, "raw markup from the data must never reach the HTML"
    text = json.dumps(inlined_data(html), ensure_ascii=False)
    for payload in PAYLOADS:
        assert json.dumps(payload, ensure_ascii=False)[1:-1] in text, f"{payload!r} is shown to the analyst as text"


def test_json_for_script_cannot_end_its_element():
    encoded = json_for_script({"text": TEXT_PAYLOAD + "\u2028&"})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"text": TEXT_PAYLOAD + "\u2028&"}


def test_network_and_evidence_match_the_workspace(hostile, report):
    data = inlined_data(report[0].read_text(encoding="utf-8"))
    network = data["network"]
    assert network["shown_edges"] == network["total_edges"] == scalar(hostile, "SELECT count(*) FROM coordination_edges")
    assert sorted(network["nodes"]["id"]) == [r[0] for r in query(hostile, "SELECT account_id FROM coordination_accounts ORDER BY 1")]
    ids = network["nodes"]["id"]
    pairs = {tuple(sorted((ids[s], ids[t]))) for s, t in zip(network["edges"]["source"], network["edges"]["target"])}
    assert pairs == set(query(hostile, "SELECT account_a, account_b FROM coordination_edges"))
    # The evidence of u1-u2: the actual retweets, their times and the seconds between them.
    evidence = data["evidence"]["pairs"]["u1\nu2"]
    expected = query(hostile, "SELECT content_a, content_b, delta_seconds FROM coordination_evidence WHERE account_a = 'u1' AND account_b = 'u2' ORDER BY delta_seconds, ts_a")
    assert [(p[2], p[4], p[6]) for p in evidence] == expected[: len(evidence)]
    post = data["evidence"]["posts"][evidence[0][2]]
    assert post["text"].startswith("RT ") and TEXT_PAYLOAD in post["text"] and post["account"] == "u1"
    assert data["accounts"]["u1"]["handle"] == PAYLOADS[0]


def test_clusters_timelines_and_overview_come_from_their_tables(hostile, report):
    data = inlined_data(report[0].read_text(encoding="utf-8"))
    assert data["overview"]["counts"]["posts"] == scalar(hostile, "SELECT count(*) FROM posts")
    assert {s["format"] for s in data["overview"]["sources"]} == {"cnt-csv", "articles"}
    cards = data["clusters"]["cards"]
    flagged = [c for c in cards if c["flagged"]]
    assert flagged and {m["id"] for m in flagged[0]["members"]} == {"u1", "u2", "u3", "u4"}
    activity = data["timelines"]["activity"]
    assert sum(activity["flagged"]) + sum(activity["other"]) == scalar(hostile, "SELECT count(*) FROM posts")
    assert sum(activity["flagged"]) == 4 * ORIGINALS  # the four flagged accounts' retweets
    docs = {d["doc_id"]: d for d in data["narratives"]["articles"]["docs"]}
    assert docs["hostile-1"]["title"] == PAYLOADS[2]


def test_report_runs_a_missing_coordination_analysis_with_defaults(tmp_path):
    messages = tmp_path / "messages.csv"
    write_messages(messages)
    workspace = tmp_path / "ws"
    assert_clean_exit(ingest(workspace, "cnt-csv", messages))
    run = run_cli("report", "--workspace", workspace, "--out", tmp_path / "r.html")
    assert_clean_exit(run)
    assert "coordination" in run.stderr
    assert scalar(workspace, "SELECT count(*) FROM coordination_edges") > 0
    assert scalar(workspace, "SELECT value FROM coordination_parameters WHERE name = 'window'") == "60"
    data = inlined_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert data["network"]["shown_edges"] > 0


def test_a_section_without_data_says_so(tmp_path):
    articles = tmp_path / "articles.jsonl"
    write_articles(articles)
    workspace = tmp_path / "ws"
    assert_clean_exit(ingest(workspace, "articles", articles))
    run = run_cli("report", "--workspace", workspace, "--out", tmp_path / "r.html")
    assert_clean_exit(run)
    data = inlined_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert data["network"]["message"] == "No coordination analysis in this workspace: it has no actions to compare."
    assert "message" in data["timelines"]["activity"]


def test_user_mistakes_exit_2_with_one_sentence(tmp_path, hostile):
    missing = run_cli("report", "--workspace", tmp_path / "nothing", "--out", tmp_path / "r.html")
    assert_clean_exit(missing, 2)
    assert "--workspace" in missing.stderr and not (tmp_path / "nothing").exists()
    folder = run_cli("report", "--workspace", hostile, "--out", tmp_path)
    assert_clean_exit(folder, 2)
    assert "--out" in folder.stderr
