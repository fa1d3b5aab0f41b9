"""`inconcert simulate`: a seeded scenario whose files say exactly what its ground truth says.

The checks read the written files, not the generator's objects, so they hold the ground
truth to what a reader of those files will actually find.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import assert_clean_exit, run_cli

from inconcert.ingest import FORMATS
from inconcert.normalize import normalize_hashtag, normalize_url
from inconcert.simulate import write_scenario

SCALE = 0.3


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def moment(value: str) -> dt.datetime:
    """`2024-03-05T09:40:00Z`, `2024-03-05T09:40:00.000Z`, `2024-03-05 09:40` as naive UTC."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)


def word_distance(a: str, b: str) -> int:
    """Levenshtein distance in words, written out here independently of the generator."""
    x, y = a.split(), b.split()
    row = list(range(len(y) + 1))
    for i in range(1, len(x) + 1):
        diagonal, row[0] = row[0], i
        for j in range(1, len(y) + 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] != y[j - 1]))
    return row[-1]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    write_scenario(out, seed=7, scale=SCALE)
    return out


@pytest.fixture(scope="module")
def truth(scenario) -> dict:
    return json.loads((scenario / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def v2_tweets(scenario) -> dict[str, dict]:
    """Every tweet of the twarc2 file's `data`, by id."""
    tweets = {}
    with open(scenario / "twitter_v2.jsonl", encoding="utf-8") as pages:
        for line in pages:
            for tweet in json.loads(line)["data"]:
                tweets[tweet["id"]] = tweet
    return tweets


@pytest.fixture(scope="module")
def archive_rows(scenario) -> dict[str, dict]:
    with open(scenario / "io_archive.csv", encoding="utf-8", newline="") as stream:
        return {row["tweetid"]: row for row in csv.DictReader(stream)}


@pytest.fixture(scope="module")
def articles(scenario) -> dict[str, dict]:
    with open(scenario / "articles.jsonl", encoding="utf-8") as lines:
        return {a["id"]: a for a in map(json.loads, lines)}


@pytest.fixture(scope="module")
def telegram(scenario) -> dict[str, dict]:
    """Telegram messages by the id the reader gives them, `{chat id}/{message id}`."""
    export = json.loads((scenario / "telegram" / "result.json").read_text(encoding="utf-8"))
    return {f"{chat['id']}/{m['id']}": m for chat in export["chats"]["list"] for m in chat["messages"]}


# -- determinism ---------------------------------------------------------------------------


def test_the_same_seed_writes_byte_identical_files(tmp_path):
    write_scenario(tmp_path / "a", seed=11, scale=0.1)
    write_scenario(tmp_path / "b", seed=11, scale=0.1)
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert list(first) == [
        "articles.jsonl", "ground_truth.json", "io_archive.csv", "manifest.json", "telegram/result.json", "twitter_v2.jsonl",
    ]
    assert first == second


def test_another_seed_writes_another_world(tmp_path):
    write_scenario(tmp_path / "a", seed=11, scale=0.1)
    write_scenario(tmp_path / "b", seed=12, scale=0.1)
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert all(first[name] != second[name] for name in first)


# -- the manifest --------------------------------------------------------------------------


def test_manifest_names_every_file_with_a_known_format(scenario):
    manifest = json.loads((scenario / "manifest.json").read_text(encoding="utf-8"))
    assert [(f["path"], f["format"]) for f in manifest["files"]] == [
        ("twitter_v2.jsonl", "twitter-v2"), ("io_archive.csv", "io-archive"),
        ("telegram/result.json", "telegram"), ("articles.jsonl", "articles"),
    ]
    assert all(f["format"] in FORMATS and (scenario / f["path"]).is_file() for f in manifest["files"])
    assert manifest["totals"]["posts"] == sum(f["posts"] for f in manifest["files"])
    assert (manifest["seed"], manifest["scale"], manifest["ground_truth"]) == (7, SCALE, "ground_truth.json")


def test_record_counts_in_the_manifest_are_what_the_files_hold(scenario, v2_tweets, archive_rows, telegram, articles):
    files = {f["format"]: f for f in json.loads((scenario / "manifest.json").read_text(encoding="utf-8"))["files"]}
    assert files["twitter-v2"]["records"] == len(v2_tweets)
    assert files["io-archive"]["records"] == len(archive_rows)
    assert files["telegram"]["records"] == len(telegram)
    assert files["articles"]["records"] == files["articles"]["articles"] == len(articles) == 24


# -- operation 1: the bot network ----------------------------------------------------------


def test_bots_were_created_inside_the_stated_burst(truth):
    network = truth["bot_network"]
    burst = network["creation_burst"]
    start, end = moment(burst["start"]), moment(burst["end"])
    assert end - start == dt.timedelta(days=2)
    assert len(network["profiles"]) == burst["n_accounts"] == 40
    assert all(start <= moment(p["created_at"]) < end for p in network["profiles"])
    assert len(burst["others_in_window"]) <= 2, "the organic baseline is about one account every four days"


def test_bot_profiles_look_made_in_bulk(scenario, v2_tweets, truth):
    bots = set(truth["bot_network"]["accounts"]["twitter-v2"])
    users = {}
    with open(scenario / "twitter_v2.jsonl", encoding="utf-8") as pages:
        for line in pages:
            users.update((u["id"], u) for u in json.loads(line)["includes"]["users"] if u["id"] in bots)
    assert set(users) == bots
    for user in users.values():
        assert user["username"][-8:].isdigit()
        assert "default_profile_images" in user["profile_image_url"] and user["description"] == ""


def test_bot_retweets_of_each_seed_post_come_within_seconds(v2_tweets, archive_rows, truth):
    bots = set(truth["bot_network"]["accounts"]["twitter-v2"]) | set(truth["bot_network"]["accounts"]["io-archive"])
    amplified = truth["bot_network"]["amplified_posts"]
    assert sum(a["format"] == "twitter-v2" for a in amplified) == 30
    for post in amplified:
        times = sorted(moment(r["ts"]) for r in post["retweets"])
        within = sum(t - times[0] <= dt.timedelta(seconds=20) for t in times)
        assert len(times) >= 3 and within >= 0.7 * len(times), post["post_id"]
        for retweet in post["retweets"]:
            assert retweet["account_id"] in bots
            if post["format"] == "twitter-v2":
                tweet = v2_tweets[retweet["post_id"]]
                assert tweet["referenced_tweets"] == [{"type": "retweeted", "id": post["post_id"]}]
                assert moment(tweet["created_at"]) == moment(retweet["ts"])
            else:
                row = archive_rows[retweet["post_id"]]
                assert (row["is_retweet"], row["retweet_tweetid"], row["userid"]) == ("True", post["post_id"], retweet["account_id"])


def test_pushed_links_are_one_link_pasted_many_ways(v2_tweets, archive_rows, truth):
    for push in truth["bot_network"]["link_pushes"]:
        raw = {p["raw_url"] for p in push["posts"]}
        assert len(raw) > 1, "the variants must differ before normalisation"
        # http and https variants stay apart until normalize_url folds the scheme.
        folded = {normalize_url(url).replace("http://", "https://", 1) for url in raw}
        assert folded == {normalize_url(push["canonical_url"])}
        for post in push["posts"]:
            if push["format"] == "twitter-v2":
                expanded = [u["expanded_url"] for u in v2_tweets[post["post_id"]]["entities"]["urls"]]
            else:
                expanded = [archive_rows[post["post_id"]]["urls"].strip("[]")]
            assert expanded == [post["raw_url"]]
    assert any("utm_source" in p["raw_url"] for push in truth["bot_network"]["link_pushes"] for p in push["posts"])


def test_every_pasted_text_is_within_two_words_of_its_template(v2_tweets, archive_rows, truth):
    waves = truth["bot_network"]["near_duplicate_text"]
    assert len(waves) == 14
    edits = []
    for wave in waves:
        for post in wave["posts"]:
            if wave["format"] == "twitter-v2":
                written = v2_tweets[post["post_id"]]["text"]
            else:
                written = archive_rows[post["post_id"]]["tweet_text"]
            assert written == post["text"]
            assert word_distance(wave["template"], written) == post["edits"] <= 2
            edits.append(post["edits"])
    assert {0, 1, 2} <= set(edits), "exact copies and one- and two-word edits are all planted"


# -- operation 2: the hashtag network ------------------------------------------------------


def test_hashtag_waves_are_minutes_apart_and_never_retweets(v2_tweets, truth):
    campaign = truth["hashtag_campaign"]
    accounts = set(campaign["accounts"]["twitter-v2"])
    assert len(accounts) == 25 and len(campaign["waves"]) == 24
    sequence = campaign["hashtag_sequence"]
    full_sequences = 0
    for wave in campaign["waves"]:
        times = [moment(p["ts"]) for p in wave["posts"]]
        assert max(times) - min(times) <= dt.timedelta(seconds=campaign["wave_spread_seconds"])
        for post in wave["posts"]:
            tags = [normalize_hashtag(h["tag"]) for h in v2_tweets[post["post_id"]]["entities"]["hashtags"]]
            assert tags and set(tags) <= set(sequence.split())
            full_sequences += " ".join(tags) == sequence
    assert full_sequences > 0.6 * sum(len(w["posts"]) for w in campaign["waves"])
    assert campaign["retweets_by_these_accounts"] == 0
    assert not any(t["author_id"] in accounts and "referenced_tweets" in t for t in v2_tweets.values())


def test_pushers_are_older_accounts(truth):
    assert all(moment(p["created_at"]).year <= 2021 for p in truth["hashtag_campaign"]["profiles"])


# -- the organic crowd ---------------------------------------------------------------------


def test_viral_bursts_are_hundreds_of_organic_retweets_within_the_hour(v2_tweets, truth):
    bursts = truth["organic"]["viral_bursts"]
    planted = set(truth["bot_network"]["accounts"]["twitter-v2"]) | set(truth["hashtag_campaign"]["accounts"]["twitter-v2"])
    assert len(bursts) == 2
    for burst in bursts:
        retweets = [v2_tweets[i] for i in burst["retweet_ids"]]
        assert len(retweets) == burst["retweets"] == round(0.2 * 1500 * SCALE)
        assert not planted & {t["author_id"] for t in retweets}
        assert all(dt.timedelta(0) <= moment(t["created_at"]) - moment(burst["posted_at"]) < dt.timedelta(hours=1) for t in retweets)


def test_organic_activity_is_heavy_tailed(v2_tweets, truth):
    planted = set(truth["bot_network"]["accounts"]["twitter-v2"]) | set(truth["hashtag_campaign"]["accounts"]["twitter-v2"])
    per_account: dict[str, int] = {}
    for tweet in v2_tweets.values():
        if tweet["author_id"] not in planted:
            per_account[tweet["author_id"]] = per_account.get(tweet["author_id"], 0) + 1
    counts = sorted(per_account.values(), reverse=True)
    top_tenth = counts[: len(counts) // 10]
    assert sum(top_tenth) > 0.3 * sum(counts), "a tenth of the accounts make a large share of the posts"
    assert counts[len(counts) // 2] <= 6


# -- Telegram ------------------------------------------------------------------------------


def test_amplifier_channels_forward_the_hub_within_seconds(telegram, truth):
    hub = truth["telegram"]["hub"]
    amplifiers = {a["from_id"] for a in truth["telegram"]["amplifiers"]}
    delays = []
    for group in truth["telegram"]["coordinated_forwards"]:
        original = telegram[group["original_post_id"]]
        assert original["from_id"] == hub["from_id"]
        for copy in group["forwards"]:
            message = telegram[copy["post_id"]]
            assert message["from_id"] in amplifiers
            assert (message["forwarded_from"], message["forwarded_from_id"]) == (hub["name"], hub["from_id"])
            assert message["text_entities"] == original["text_entities"]
            delays.append(int(message["date_unixtime"]) - int(original["date_unixtime"]))
    assert all(0 < d <= 600 for d in delays) and sum(d <= 25 for d in delays) > 0.8 * len(delays)
    created = [moment(a["created_at"]) for a in truth["telegram"]["amplifiers"]]
    assert max(created) - min(created) < dt.timedelta(days=2)


def test_telegram_dates_are_local_and_unixtime_is_utc(telegram):
    for message in telegram.values():
        utc = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(message["date_unixtime"]))
        assert moment(message["date"]) - utc == dt.timedelta(hours=3)


# -- the narrative -------------------------------------------------------------------------


def test_every_recycled_passage_is_in_both_articles(articles, truth):
    reuse = truth["narrative"]["reuse"]
    assert len(reuse) >= 10
    for passage in reuse:
        source, copy = articles[passage["source_doc"]], articles[passage["copy_doc"]]
        assert source["text"][passage["source_start"]:passage["source_end"]] == passage["source_text"]
        assert copy["text"][passage["copy_start"]:passage["copy_end"]] == passage["copy_text"]
        assert 1 <= len(passage["edits"]) <= 4
        assert 1 <= word_distance(passage["source_text"], passage["copy_text"]) <= 2 * len(passage["edits"])
        assert len(passage["source_text"].split()) >= 15
        assert moment(copy["published"]) > moment(source["published"])
        assert source["outlet"] != copy["outlet"]


def test_figures_and_labels_sit_where_the_ground_truth_says(articles, truth):
    narrative = truth["narrative"]
    for finding in narrative["figures"]:
        assert articles[finding["doc_id"]]["text"][finding["start"]:finding["end"]] == finding["text"]
    for label in narrative["labels"]:
        assert articles[label["doc_id"]]["text"][label["start"]:label["end"]] == f"{label['entity']}, {label['label']}"
    assert {f["doc_id"] for f in narrative["figures"]} == set(articles), "every article states a death toll"
    assert {l["doc_id"] for l in narrative["labels"]} == set(articles), "every article labels the actors"


def test_outlets_disagree_on_the_toll_and_the_labels(articles, truth):
    narrative = truth["narrative"]
    values = {outlet: {f["value"] for f in figures} for outlet, figures in narrative["contested_figures"].items()}
    assert values["The Meridian Herald"] == {40} and values["Coastline Daily"] == {12} and values["Civic Wire"] == {40, 12}
    labels = narrative["labels_by_outlet"]
    assert labels["The Meridian Herald"]["Tavrin Movement"] == "a terrorist organization"
    assert labels["Coastline Daily"]["Tavrin Movement"] == "the leading opposition group"
    camp = {o["name"]: o["camp"] for o in narrative["outlets"]}
    for article in articles.values():
        if camp[article["outlet"]] == "A":
            assert "death toll at 12" not in article["text"] and "opposition group" not in article["text"]
        if camp[article["outlet"]] == "B":
            assert "at least 40" not in article["text"] and "terrorist" not in article["text"]


# -- the command ---------------------------------------------------------------------------


def test_simulate_command_writes_and_says_what_it_wrote(tmp_path):
    run = run_cli("simulate", "--out", tmp_path / "s", "--seed", 3, "--scale", 0.1)
    assert_clean_exit(run)
    assert (tmp_path / "s" / "manifest.json").is_file() and (tmp_path / "s" / "ground_truth.json").is_file()
    assert "twitter_v2.jsonl" in run.stdout and "planted bot network: 40 accounts" in run.stdout
    assert run.stdout.strip().splitlines()[-1].startswith("wrote 4 files to ")


@pytest.mark.parametrize(
    ("args", "named"),
    [(("--scale", "0"), "--scale"), (("--scale", "-1"), "--scale"), (("--scale", "nan"), "--scale")],
)
def test_bad_scale_is_exit_2_naming_the_flag(tmp_path, args, named):
    run = run_cli("simulate", "--out", tmp_path / "s", *args)
    assert_clean_exit(run, 2)
    assert named in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_out_that_is_a_file_is_exit_2(tmp_path):
    occupied = tmp_path / "taken"
    occupied.write_text("not a folder")
    run = run_cli("simulate", "--out", occupied)
    assert_clean_exit(run, 2)
    assert "--out" in run.stderr and "taken" in run.stderr
