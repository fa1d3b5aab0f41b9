"""`inconcert ingest --format twitter-v1`: Twitter API v1.1 tweets as JSON lines (twarc 1),
a JSON array of tweets, or a search response."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

V1 = DATA / "twitter-v1"
TWEETS = V1 / "tweets.jsonl"

ORIGINAL = "1050118621198921728"  # news_watcher's post, retweeted, quoted and replied to
PERSIAN_ORIGINAL = "1050117000000000001"  # only in the file as a retweet's retweeted_status
QUOTE = "1050119500000000004"
NEWS_WATCHER, TEHRAN_VOICE, CAIRO_DAILY, QUIET_BOT = "2837591045", "1099887766554433281", "3321998877", "1046677889900112233"


def test_each_tweet_is_a_record_and_notices_are_skipped(workspace):
    run = ingest(workspace, "twitter-v1", TWEETS)
    assert_clean_exit(run)
    # 14 lines: 10 tweets, a delete and a limit notice (neither counted nor quarantined),
    # a line cut off mid-object and a tweet whose user was stripped.
    assert summary_counts(run) == (10, 1, 2)
    quarantined = query(workspace, "SELECT record, reason FROM quarantine ORDER BY record")
    assert [record for record, _ in quarantined] == [8, 12]
    assert quarantined[0][1].startswith("not valid JSON")
    assert quarantined[1][1] == "missing 'user'"
    # The 10 tweets plus the Persian original that only a retweet carries.
    assert scalar(workspace, "SELECT count(*) FROM posts") == 11
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 6
    assert scalar(workspace, "SELECT count(*) FROM actions") == 36
    assert scalar(workspace, "SELECT n_records FROM ingests") == 10


def test_kinds_and_what_they_point_at(workspace):
    ingest(workspace, "twitter-v1", TWEETS)
    rows = query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id FROM posts")
    posts = {post_id: rest for post_id, *rest in rows}
    assert posts[ORIGINAL] == ["post", None, None]
    assert posts["1050118746717429760"] == ["repost", ORIGINAL, None]
    assert posts["1050119001234567890"] == ["repost", PERSIAN_ORIGINAL, None]
    assert posts[QUOTE] == ["quote", ORIGINAL, None]
    assert posts["1050119800000000005"] == ["reply", None, ORIGINAL]
    # A retweet of a quote carries the quoted tweet at its top level too: repost wins.
    assert posts["1050120400000000007"] == ["repost", QUOTE, None]
    kinds = dict(query(workspace, "SELECT kind, count(*) FROM posts GROUP BY kind"))
    assert kinds == {"post": 6, "repost": 3, "quote": 1, "reply": 1}


def test_retweeted_original_is_stored_with_its_own_author(workspace):
    ingest(workspace, "twitter-v1", TWEETS)
    account, text, ts, url, client = query(
        workspace, "SELECT account_id, text, ts, url, client FROM posts WHERE post_id = ?", [PERSIAN_ORIGINAL]
    )[0]
    assert account == TEHRAN_VOICE
    assert text == "مردم در خیابان\u200cهای تهران جمع شده\u200cاند؛ صدای ما را بشنوید #اعتراض https://t.co/Fa1sIr0o9x"
    assert ts == dt.datetime(2018, 10, 10, 20, 12, 58)
    assert url == f"https://twitter.com/tehran_voice/status/{PERSIAN_ORIGINAL}"
    assert client == "Twitter for iPhone"
    # Its own shares are actions of its author; the retweet itself is only a retweet.
    assert query(
        workspace, "SELECT kind, object_id FROM actions WHERE content_id = ? AND kind IN ('hashtag', 'link')", [PERSIAN_ORIGINAL]
    ) == [("hashtag", "اعتراض"), ("link", "https://www.bbc.com/persian/iran-45812345")]
    assert query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = '1050119001234567890'") == [
        ("retweet", PERSIAN_ORIGINAL)
    ]


def test_text_is_what_the_user_wrote(workspace):
    ingest(workspace, "twitter-v1", TWEETS)
    texts = dict(query(workspace, "SELECT post_id, text FROM posts"))
    assert texts[ORIGINAL].startswith("Protesters & police clash near the ministry 🔥 #Protest")
    assert texts["1050119800000000005"] == "@news_watcher Is this confirmed? <source> please"
    assert texts["1050121600000000011"] == "گزارش کامل & تصاویر از #اعتراضات امروز https://t.co/BbCc123456"
    # A streamed tweet over 140 characters: the whole text comes from extended_tweet.
    assert texts["1050120100000000006"].endswith("heavy police presence. #Tehran #IranProtests https://t.co/Ext1Link99")
    # Numeric ids only, compat-mode `text`.
    assert texts["1050121300000000010"] == "Update: ministry statement expected at 22:00 #Tehran"


def test_times_clients_languages_and_links(workspace):
    ingest(workspace, "twitter-v1", TWEETS)
    rows = query(workspace, "SELECT post_id, ts, client, lang, url, account_id FROM posts")
    posts = {post_id: rest for post_id, *rest in rows}
    assert posts[ORIGINAL] == [
        dt.datetime(2018, 10, 10, 20, 19, 24), "Twitter for Android", "en",
        f"https://twitter.com/news_watcher/status/{ORIGINAL}", NEWS_WATCHER,
    ]
    assert posts["1050121600000000011"][1] == "dlvr.it & friends"
    assert posts["1050121300000000010"][1:] == [
        "web", "en", "https://twitter.com/news_watcher/status/1050121300000000010", NEWS_WATCHER,
    ]
    assert posts[QUOTE][2] == "ar"


def test_entities_become_normalised_actions(workspace):
    ingest(workspace, "twitter-v1", TWEETS)

    def objects(post_id: str, kind: str) -> list[str]:
        sql = "SELECT object_id FROM actions WHERE content_id = ? AND kind = ? ORDER BY object_id"
        return [row[0] for row in query(workspace, sql, [post_id, kind])]

    # Expanded URL (not t.co), tracking parameters and the trailing slash gone.
    assert objects(ORIGINAL, "link") == ["https://www.example-news.com/world/2018/10/10/clash"]
    assert objects(ORIGINAL, "domain") == ["example-news.com"]
    assert objects(ORIGINAL, "hashtag-sequence") == ["protest tehran"]
    # extended_entities lists both photos; entities.media only the first.
    assert objects(ORIGINAL, "image") == ["1050118600000000001", "1050118600000000002"]
    # The truncated streamed tweet's entities come from extended_tweet, not the cut text.
    assert objects("1050120100000000006", "link") == ["https://example.org/report?id=42&lang=en"]
    assert objects("1050120100000000006", "hashtag") == ["iranprotests", "tehran"]
    assert objects("1050120100000000006", "image") == ["1050120000000000099"]
    assert objects("1050119800000000005", "mention") == [NEWS_WATCHER]
    assert objects("1050119800000000005", "reply") == [ORIGINAL]
    assert objects("1050121600000000011", "hashtag") == ["اعتراضات"]
    retweets = query(workspace, "SELECT account_id, object_id FROM actions WHERE kind = 'retweet' ORDER BY ts")
    assert retweets == [
        ("1044332211009988771", ORIGINAL), ("1044332211009988771", PERSIAN_ORIGINAL), ("1045566778899001122", QUOTE),
    ]


def test_account_profiles(workspace):
    ingest(workspace, "twitter-v1", TWEETS)
    columns = (
        "handle, display_name, created_at, followers, following, posts_count, likes_count, listed_count, "
        "verified, default_profile, default_profile_image, description, location, url"
    )
    profile = query(workspace, f"SELECT {columns} FROM accounts WHERE account_id = ?", [NEWS_WATCHER])[0]
    assert profile == (
        "news_watcher", "News Watcher", dt.datetime(2014, 10, 20, 8, 30), 1520, 310, 8842, 1201, 12,
        False, True, False, "Watching the news so you don't have to. Tips & leads welcome", "London",
        "https://newswatcher.example.org",
    )
    arabic = query(workspace, "SELECT display_name, verified, followers FROM accounts WHERE account_id = ?", [CAIRO_DAILY])
    assert arabic == [("القاهرة اليوم", True, 88012)]
    # Unreadable optional values ("n/a" followers, "yesterday" as creation time) are left
    # empty; the tweet and the rest of the profile are kept.
    odd = query(workspace, "SELECT created_at, followers, following, default_profile_image FROM accounts WHERE account_id = ?", [QUIET_BOT])
    assert odd == [(None, None, 5001, True)]
    assert scalar(workspace, "SELECT count(*) FROM posts WHERE account_id = ?", [QUIET_BOT]) == 1


def test_search_response_and_json_array(workspace):
    run = ingest(workspace, "twitter-v1", V1 / "search.json", V1 / "tweets-array.json")
    assert_clean_exit(run)
    assert summary_counts(run) == (4, 2, 0)
    assert query(workspace, "SELECT post_id, kind, ref_post_id FROM posts ORDER BY post_id") == [
        ("1050300000000000001", "post", None),
        ("1050300100000000002", "repost", "1050300000000000001"),
        ("1050400000000000001", "post", None),
        ("1050400100000000002", "repost", "1050400000000000001"),
    ]
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 4
    assert scalar(workspace, "SELECT object_id FROM actions WHERE content_id = '1050400000000000001' AND kind = 'hashtag'") == "تهران"


def test_truncated_copy_keeps_the_good_records(workspace, tmp_path):
    lines = TWEETS.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:5]) + lines[5][: len(lines[5]) // 2])
    run = ingest(workspace, "twitter-v1", cut)
    assert_clean_exit(run)
    # Four tweets and the delete notice before the cut; the cut line is quarantined.
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT record FROM quarantine") == 6


def test_a_file_that_is_not_v1_tweets_is_exit_2(workspace, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("id,text\n1,hello\n2,world\n")
    run = ingest(workspace, "twitter-v1", table)
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "table.csv" in run.stderr and "twitter-v1" in run.stderr


def test_v2_pages_are_refused_with_a_hint(workspace):
    run = ingest(workspace, "twitter-v1", DATA / "twitter-v2" / "pages.jsonl")
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "pages.jsonl" in run.stderr and "use --format twitter-v2" in run.stderr
    assert scalar(workspace, "SELECT count(*) FROM posts") == 0
