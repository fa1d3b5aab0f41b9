"""Exact parity with the peers on CooRTweet's Russian sample: the same account pairs and
`weight`/`avg_time_delta` as CooRTweet 2.1.3, the same directed weights as the QUT
coordination-network-toolkit 1.5.2 (reference outputs in ../shared/data/coortweet)."""

from __future__ import annotations

import csv

import pytest

from conftest import assert_clean_exit, ingest, needs_shared_data
from inconcert.coordination.detect import CoordinationParams, detect
from inconcert.store.workspace import Workspace


@pytest.fixture(scope="module")
def russian_workspace(tmp_path_factory):
    parquet = needs_shared_data("coortweet", "russian_coord_tweets.parquet")
    workspace = tmp_path_factory.mktemp("russian") / "ws"
    assert_clean_exit(ingest(workspace, "actions", parquet))
    return workspace


def reference(name: str) -> list[dict]:
    path = needs_shared_data("coortweet", "reference", name)
    with open(path, newline="") as stream:
        return list(csv.DictReader(stream))


def our_edges(workspace, window: int, min_participation: int) -> dict[tuple[str, str], tuple]:
    with Workspace.open(workspace) as ws:
        detect(ws, CoordinationParams(window=window, kind="retweet", min_participation=min_participation))
        rows = ws.con.execute(
            "SELECT account_a, account_b, weight, mean_time_delta, weight_ab, weight_ba FROM coordination_edges"
        ).fetchall()
    return {(a, b): (w, d, ab, ba) for a, b, w, d, ab, ba in rows}


@pytest.mark.parametrize(
    "window, min_participation, name",
    [(60, 1, "coortweet_ru_tw60_mp1_edges.csv"), (60, 2, "coortweet_ru_tw60_mp2_edges.csv"),
     (10, 2, "coortweet_ru_tw10_mp2_edges.csv")],
)
def test_same_pairs_and_weights_as_coortweet(russian_workspace, window, min_participation, name):
    expected = {
        (min(r["from"], r["to"]), max(r["from"], r["to"])): (int(r["weight"]), float(r["avg_time_delta"]))
        for r in reference(name)
    }
    ours = our_edges(russian_workspace, window, min_participation)
    assert set(ours) == set(expected)
    for pair, (weight, mean_delta) in expected.items():
        assert ours[pair][0] == weight, pair
        assert ours[pair][1] == pytest.approx(mean_delta, rel=1e-9), pair


@pytest.mark.parametrize("window, name", [(60, "cnt_ru_tw60_edges.csv"), (10, "cnt_ru_tw10_edges.csv")])
def test_directed_weights_equal_the_qut_toolkit(russian_workspace, window, name):
    expected = {(r["source"], r["target"]): int(r["weight"]) for r in reference(name)}
    ours = {}
    for (a, b), (_, _, weight_ab, weight_ba) in our_edges(russian_workspace, window, 1).items():
        ours[(a, b)], ours[(b, a)] = weight_ab, weight_ba
    assert ours == expected
