"""`inconcert demo`: the generated scenario goes through the real readers into a workspace
that holds exactly what the generator says it wrote, planted operations included."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import assert_clean_exit, query, run_cli, scalar

WINDOW = 20  # seconds: the planted bots retweet a seed post within this of each other


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("demo") / "ws"
    run = run_cli("demo", "--workspace", workspace)
    return workspace, run


@pytest.fixture(scope="module")
def manifest(demo) -> dict:
    workspace, _ = demo
    return json.loads((workspace / "scenario" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def truth(demo) -> dict:
    workspace, _ = demo
    return json.loads((workspace / "scenario" / "ground_truth.json").read_text(encoding="utf-8"))


def test_demo_exits_0_and_ends_with_the_report_path(demo):
    workspace, run = demo
    assert_clean_exit(run)
    assert run.stdout.strip().splitlines()[-1] == str(workspace / "report.html")
    assert (workspace / "report.html").stat().st_size > 0
    assert "inconcert serve --workspace" in run.stdout
    assert "bot network: 40 accounts" in run.stdout and "quarantined" in run.stdout


def test_every_file_is_ingested_whole_with_its_format(demo, manifest):
    workspace, _ = demo
    rows = query(
        workspace,
        "SELECT format, n_records, n_quarantined, n_posts, n_accounts, n_actions, n_articles FROM ingests ORDER BY ingest_id",
    )
    expected = [
        (f["format"], f["records"], 0, f["posts"], f["accounts"], f["actions"], f["articles"]) for f in manifest["files"]
    ]
    assert rows == expected
    assert scalar(workspace, "SELECT count(*) FROM quarantine") == 0


def test_workspace_holds_what_the_generator_says_it_wrote(demo, manifest):
    workspace, _ = demo
    totals = manifest["totals"]
    assert scalar(workspace, "SELECT count(*) FROM posts") == totals["posts"]
    assert scalar(workspace, "SELECT count(*) FROM accounts") == totals["accounts"]
    assert scalar(workspace, "SELECT count(*) FROM actions") == totals["actions"]
    assert scalar(workspace, "SELECT count(*) FROM articles") == totals["articles"] == 24


def test_planted_bots_retweet_each_seed_post_within_seconds(demo, truth):
    workspace, _ = demo
    bots = truth["bot_network"]["accounts"]["twitter-v2"]
    amplified = [a["post_id"] for a in truth["bot_network"]["amplified_posts"] if a["format"] == "twitter-v2"]
    rows = query(
        workspace,
        """
        SELECT object_id, list(epoch(ts) ORDER BY ts) FROM actions
        WHERE kind = 'retweet' AND platform = 'twitter' AND list_contains(?, account_id) AND list_contains(?, object_id)
        GROUP BY object_id
        """,
        [bots, amplified],
    )
    assert {object_id for object_id, _ in rows} == set(amplified)
    close = total = 0
    for _, times in rows:
        gaps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert len(times) >= 3 and min(gaps) < WINDOW
        close += sum(gap < WINDOW for gap in gaps)
        total += len(gaps)
    assert close > 0.8 * total


def test_archived_bots_keep_their_hashed_ids_and_creation_burst(demo, truth):
    workspace, _ = demo
    archived = truth["bot_network"]["accounts"]["io-archive"]
    burst = truth["bot_network"]["creation_burst"]
    rows = query(
        workspace,
        "SELECT account_id, created_at FROM accounts WHERE platform = 'twitter' AND list_contains(?, account_id)",
        [archived],
    )
    assert len(rows) == 40
    first_day = dt.datetime.fromisoformat(burst["start"][:10])
    assert all(first_day <= created < first_day + dt.timedelta(days=2) for _, created in rows)


def test_telegram_forwards_of_one_hub_post_share_one_object(demo, truth):
    workspace, _ = demo
    objects = []
    for group in truth["telegram"]["coordinated_forwards"]:
        ids = [f["post_id"] for f in group["forwards"]]
        refs = {r[0] for r in query(workspace, "SELECT ref_post_id FROM posts WHERE list_contains(?, post_id)", [ids])}
        assert len(refs) == 1 and None not in refs
        objects.extend(refs)
    assert len(set(objects)) == len(objects)


def test_running_the_demo_again_adds_nothing(demo, manifest):
    workspace, _ = demo
    again = run_cli("demo", "--workspace", workspace)
    assert_clean_exit(again)
    assert again.stdout.strip().splitlines()[-1] == str(workspace / "report.html")
    assert again.stderr.count("already ingested, skipped") == len(manifest["files"])
    assert scalar(workspace, "SELECT count(*) FROM ingests") == len(manifest["files"])
    assert scalar(workspace, "SELECT count(*) FROM posts") == manifest["totals"]["posts"]
    assert scalar(workspace, "SELECT count(*) FROM actions") == manifest["totals"]["actions"]


def test_a_workspace_that_is_a_file_is_exit_2(tmp_path):
    occupied = tmp_path / "occupied"
    occupied.write_text("")
    run = run_cli("demo", "--workspace", occupied)
    assert_clean_exit(run, 2)
    assert "occupied" in run.stderr and len(run.stderr.strip().splitlines()) == 1
