"""The Python API runs the same analyses as the command line and hands back the stored
results as Arrow tables."""

from __future__ import annotations

import csv

import pytest

import inconcert.api as ic
from conftest import DATA, assert_clean_exit, run_cli
from inconcert.errors import UserError
from inconcert.simulate.scenario import write_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("api")
    manifest = write_scenario(root / "scenario", seed=7)
    return root, manifest


def test_ingest_and_coordination_match_the_command_line(scenario, tmp_path):
    root, manifest = scenario
    api_ws, cli_ws = tmp_path / "api-ws", tmp_path / "cli-ws"
    for file in manifest.files:
        report = ic.ingest(api_ws, file.format, file.path)
        assert report.summary().startswith("ingested")
        assert_clean_exit(run_cli("ingest", "--workspace", cli_ws, "--format", file.format, file.path))

    found = ic.coordination(api_ws, window=60, kind="any", out=tmp_path / "api-out", graph_files=False)
    assert_clean_exit(run_cli("coordination", "--workspace", cli_ws, "--window", "60", "--kind", "any",
                              "--no-graph-files", "--out", tmp_path / "cli-out"))
    with open(tmp_path / "cli-out" / "edges.csv", newline="", encoding="utf-8") as stream:
        cli_edges = [(row["account_a"], row["account_b"], int(row["weight"])) for row in csv.DictReader(stream)]
    edges = found["edges"]
    assert list(zip(*(edges[c].to_pylist() for c in ("account_a", "account_b", "weight")))) == cli_edges
    assert found.summary.edges == len(cli_edges) > 0
    assert found.summary.flagged_accounts == sum(found["accounts"]["flagged"].to_pylist())
    assert (tmp_path / "api-out" / "edges.csv").read_bytes() == (tmp_path / "cli-out" / "edges.csv").read_bytes()
    assert set(found.tables) == {"edges", "accounts", "clusters", "evidence", "viral_objects", "parameters"}
    assert len(found.to_pandas("evidence")) == found.summary.pairs

    assert "coordination_edges" in ic.tables(api_ws)
    assert ic.table(api_ws, "coordination_edges").num_rows == len(cli_edges)
    assert ic.table(api_ws, "actions").num_rows > 0


def test_signals_returns_its_tables(tmp_path):
    ic.ingest(tmp_path / "ws", "twitter-v2", DATA / "twitter-v2")
    found = ic.signals(tmp_path / "ws", fdr=0.05)
    assert "accounts" in found.tables and found["accounts"].num_rows == found.summary.accounts


@pytest.mark.parametrize(
    "call, named",
    [
        (lambda ws: ic.coordination(ws, window=60, kind="likes"), "--kind likes"),
        (lambda ws: ic.coordination(ws, window="soon"), "window 'soon'"),
        (lambda ws: ic.signals(ws, fdr=0.05, no_such_threshold=1), "no_such_threshold"),
        (lambda ws: ic.table(ws, "nothing_here"), "nothing_here"),
        (lambda ws: ic.ingest(ws, "myspace", DATA / "actions" / "actions.csv"), "myspace"),
    ],
)
def test_mistakes_raise_user_error_with_the_sentence(tmp_path, call, named):
    ic.ingest(tmp_path / "ws", "actions", DATA / "actions" / "actions.csv")
    with pytest.raises(UserError, match=named.replace("(", r"\(")):
        call(tmp_path / "ws")
