"""`inconcert signals` on the generated scenario and on organic-only data: the planted
creation burst is found and nothing is flagged where nothing was planted; bots score
above ordinary accounts; the bot network's accounts come out as synchronised pairs; every
file has the contract's columns."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timezone

import pytest
from scipy import stats

from conftest import DATA, assert_clean_exit, ingest, query, read_csv, run_cli
from inconcert.simulate import build_world, write_scenario
from inconcert.simulate.scenario import retweet_counts
from inconcert.simulate.world import IN_COLLECTION
from inconcert.simulate.writers import write_twitter_v2

CREATION_COLUMNS = ["period_start", "period_end", "n_created", "expected", "score", "flagged"]
FEATURE_COLUMNS = {"followers", "following", "posts_count", "followers_per_day", "handle_digits", "handle_length",
                   "description_length", "repost_share", "hour_entropy", "burstiness", "interval_regularity"}


def header(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return next(csv.reader(stream))


def signals(workspace, out, *flags):
    run = run_cli("signals", "--workspace", workspace, "--out", out, *flags)
    assert_clean_exit(run)
    return run


def moment(text: str) -> datetime:
    """A period bound or timestamp as written (a date, or a date-time ending in Z)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("signals")
    manifest = write_scenario(root / "scenario", seed=7, scale=0.5)
    workspace = root / "ws"
    for file in manifest.files:
        assert_clean_exit(ingest(workspace, file.format, file.path))
    assert_clean_exit(run_cli("coordination", "--workspace", workspace, "--out", root / "coordination",
                              "--window", "60", "--kind", "any"))
    signals(workspace, root / "signals")
    truth = json.loads(manifest.ground_truth.read_text(encoding="utf-8"))
    return workspace, root / "signals", truth


@pytest.fixture(scope="module")
def organic_only(tmp_path_factory):
    """The simulator's organic crowd alone, viral bursts included, as twarc2 pages."""
    root = tmp_path_factory.mktemp("organic")
    world = build_world(seed=23, scale=0.6)
    organic = {account.account_id for account in world.crowd.accounts}

    def organic_post(post) -> bool:
        return all(p is None or p.author.account_id in organic for p in (post, post.ref, post.reply_to)) and not post.mentions

    posts = [post for post in world.tweets(IN_COLLECTION) if organic_post(post)]
    write_twitter_v2(root / "organic.jsonl", posts, retweet_counts(world))
    workspace = root / "ws"
    assert_clean_exit(ingest(workspace, "twitter-v2", root / "organic.jsonl"))
    signals(workspace, root / "signals")
    return workspace, root / "signals", organic


def bots_of(truth) -> set[str]:
    accounts = truth["bot_network"]["accounts"]
    return set(accounts["twitter-v2"]) | set(accounts["io-archive"])


def organic_of(truth, workspace) -> set[str]:
    """The scenario's ordinary Twitter accounts: everyone but the two operations and the seeds the bots amplify."""
    planted = bots_of(truth) | set(truth["hashtag_campaign"]["accounts"]["twitter-v2"])
    planted |= {seed["account_id"] for seed in truth["bot_network"]["seed_accounts"]}
    twitter = {row[0] for row in query(workspace, "SELECT account_id FROM accounts WHERE platform = 'twitter'")}
    return twitter - planted


def test_files_and_columns_follow_the_contract(scenario):
    _, out, _ = scenario
    for name in ("creation_bursts.csv", "accounts.csv", "volume_bursts.csv", "sync_pairs.csv", "parameters.json"):
        assert (out / name).is_file(), name
    assert header(out / "creation_bursts.csv")[:6] == CREATION_COLUMNS
    columns = header(out / "accounts.csv")
    assert columns[:3] == ["account_id", "created_at", "bot_score"]
    assert "in_creation_burst" in columns and FEATURE_COLUMNS <= set(columns)
    for row in read_csv(out / "creation_bursts.csv"):
        assert moment(row["period_start"]) < moment(row["period_end"])
        assert row["flagged"] in ("true", "false")
    for row in read_csv(out / "accounts.csv"):
        assert 0 <= float(row["bot_score"]) <= 1
        assert row["in_creation_burst"] in ("true", "false")
        if row["created_at"]:
            moment(row["created_at"])
    assert {"kind", "object_id", "n_accounts", "coordinated_share", "gini", "top10_share"} <= set(header(out / "volume_bursts.csv"))


def test_planted_creation_burst_is_found_and_flagged(scenario):
    _, out, truth = scenario
    burst = truth["bot_network"]["creation_burst"]
    start, end = moment(burst["start"]), moment(burst["end"])
    flagged = [row for row in read_csv(out / "creation_bursts.csv") if row["flagged"] == "true"]
    assert flagged
    for row in flagged:  # every flagged period is the planted burst, nothing else
        assert start <= moment(row["period_start"]) and moment(row["period_end"]) <= end, row
    assert sum(int(row["n_created"]) for row in flagged) >= burst["n_accounts"]
    assert all(row["coordinated_clusters"] for row in flagged)  # its accounts fall into coordinated clusters
    in_burst = {row["account_id"] for row in read_csv(out / "accounts.csv") if row["in_creation_burst"] == "true"}
    assert bots_of(truth) <= in_burst
    assert len(in_burst - bots_of(truth)) <= len(burst["others_in_window"])


def test_bots_score_clearly_above_organic_accounts(scenario):
    workspace, out, truth = scenario
    bots, organic = bots_of(truth), organic_of(truth, workspace)
    rows = [row for row in read_csv(out / "accounts.csv") if row["account_id"] in bots | organic]
    scores = [float(row["bot_score"]) for row in rows]
    is_bot = [row["account_id"] in bots for row in rows]
    ranks = stats.rankdata(scores)
    n_bots, n_organic = sum(is_bot), len(is_bot) - sum(is_bot)
    auc = (sum(r for r, b in zip(ranks, is_bot) if b) - n_bots * (n_bots + 1) / 2) / (n_bots * n_organic)
    assert n_bots == len(bots) and auc >= 0.9, auc


def test_bot_network_comes_out_as_synchronised_pairs(scenario):
    workspace, out, truth = scenario
    bots = set(truth["bot_network"]["accounts"]["twitter-v2"])
    organic = organic_of(truth, workspace)
    pairs = query(workspace, "SELECT account_a, account_b, similarity, p_value, q_value FROM signals_sync_pairs")
    assert len(pairs) == len(read_csv(out / "sync_pairs.csv"))
    assert all(a < b and 0 < similarity <= 1 + 1e-9 and p <= q for a, b, similarity, p, q in pairs)
    among_bots = sum(a in bots and b in bots for a, b, *_ in pairs)
    assert among_bots >= 0.5 * len(bots) * (len(bots) - 1) / 2
    both_organic = sum(a in organic and b in organic for a, b, *_ in pairs)
    assert both_organic <= 0.01 * len(pairs)


def test_hashtag_campaign_bursts_are_carried_by_coordinated_accounts(scenario):
    _, out, truth = scenario
    campaign = {tag.lower() for tag in truth["hashtag_campaign"]["hashtags"]}
    bursts = read_csv(out / "volume_bursts.csv")
    pushed = [row for row in bursts if row["kind"] == "hashtag" and row["object_id"] in campaign]
    assert pushed
    for row in bursts:
        assert 0 <= float(row["gini"]) <= 1 and 0 < float(row["top10_share"]) <= 1
        assert int(row["n_accounts"]) <= int(row["n_posts"])
    assert all(float(row["coordinated_share"]) >= 0.5 for row in pushed)


def test_workspace_keeps_one_table_per_signal(scenario):
    workspace, _, _ = scenario
    tables = {row[0] for row in query(workspace, "SELECT table_name FROM information_schema.tables")}
    assert {"signals_creation_bursts", "signals_volume_bursts", "signals_accounts", "signals_sync_pairs",
            "signals_parameters"} <= tables


def test_organic_only_data_flags_no_burst_and_few_bots(organic_only):
    workspace, out, organic = organic_only
    rows = read_csv(out / "creation_bursts.csv")
    assert rows and not [row for row in rows if row["flagged"] == "true"]
    accounts = [row for row in read_csv(out / "accounts.csv") if row["account_id"] in organic]
    assert len(accounts) >= 0.9 * len(organic)
    assert not [row for row in accounts if row["in_creation_burst"] == "true"]
    assert sum(float(row["bot_score"]) >= 0.5 for row in accounts) <= 0.01 * len(accounts)
    pairs = query(workspace, "SELECT count(*) FROM signals_sync_pairs")[0][0]
    assert pairs <= 0.0001 * len(organic) ** 2


def test_minute_resolution_archive_alone(scenario, tmp_path):
    """An io-archive file (minute timestamps, date-only creation dates, hashed handles)."""
    workspace, _, _ = scenario
    archive = workspace.parent / "scenario" / "io_archive.csv"
    assert_clean_exit(ingest(tmp_path / "ws", "io-archive", archive))
    signals(tmp_path / "ws", tmp_path / "out")
    accounts = read_csv(tmp_path / "out" / "accounts.csv")
    assert accounts and all(row["created_at"] and row["handle_length"] == "" for row in accounts)
    assert all(row["burstiness"] != "" for row in accounts if int(row["n_posts_seen"]) >= 3)


def test_bluesky_accounts_are_dated_by_first_seen(tmp_path):
    assert_clean_exit(ingest(tmp_path / "ws", "bluesky", DATA / "bluesky" / "jetstream.jsonl"))
    signals(tmp_path / "ws", tmp_path / "out")
    accounts = read_csv(tmp_path / "out" / "accounts.csv")
    assert accounts and {row["created_at_source"] for row in accounts} == {"first_seen"}
    assert {row["date_basis"] for row in read_csv(tmp_path / "out" / "creation_bursts.csv")} == {"first_seen"}
    assert all(float(row["bot_score"]) < 0.5 for row in accounts)  # missing features never raise a score


@pytest.mark.parametrize("flags", [
    ("--fdr", "0"), ("--fdr", "1.5"), ("--sync-bin", "0"), ("--min-burst-accounts", "0"), ("--fdr", "many"),
])
def test_bad_flags_exit_2(scenario, tmp_path, flags):
    workspace, _, _ = scenario
    run = run_cli("signals", "--workspace", workspace, "--out", tmp_path / "out", *flags)
    assert_clean_exit(run, 2)
    assert flags[0] in run.stderr


def test_nothing_to_analyse_and_out_not_a_folder_exit_2(scenario, tmp_path):
    run = run_cli("signals", "--workspace", tmp_path / "empty", "--out", tmp_path / "out")
    assert_clean_exit(run, 2)
    assert "ingest" in run.stderr
    workspace, _, _ = scenario
    (tmp_path / "file").write_text("x", encoding="utf-8")
    run = run_cli("signals", "--workspace", workspace, "--out", tmp_path / "file")
    assert_clean_exit(run, 2)
    assert "--out" in run.stderr
