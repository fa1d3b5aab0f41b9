"""`inconcert ingest --format io-archive`: X/Twitter information-operations archive CSV."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

TWEETS = DATA / "io-archive" / "io_tweets.csv"
HASHED_A = "+bRvtw8xd8M1ODMHqsb6FcyuadhmEjfiW3U+WZcNXQ="
HASHED_B = "9d1Xo2ZkQ8vJb3cU0yTqW7eLrN5sP4aG6hF1mK2jD0s="


def test_good_rows_are_kept_and_broken_rows_quarantined(workspace):
    run = ingest(workspace, "io-archive", TWEETS)
    assert_clean_exit(run)
    # 10 tweets: one with an impossible tweet_time and one without tweetid are quarantined.
    assert summary_counts(run) == (8, 1, 2)
    assert query(workspace, "SELECT record, reason FROM quarantine ORDER BY record") == [
        (11, "not a date-time: '2018-13-45 99:99'"),
        (12, "missing 'tweetid'"),
    ]
    assert scalar(workspace, "SELECT count(*) FROM posts") == 8
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 4
    assert scalar(workspace, "SELECT count(*) FROM actions") == 22
    assert scalar(workspace, "SELECT DISTINCT platform FROM posts") == "twitter"


def test_kinds_references_and_minute_resolution_times(workspace):
    ingest(workspace, "io-archive", TWEETS)
    posts = {
        row[0][-2:]: row[1:]
        for row in query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id, ts, account_id FROM posts")
    }
    assert posts["01"] == ("post", None, None, dt.datetime(2018, 5, 1, 12, 34), "2417165418")
    # Hashed user ids are kept exactly as given.
    assert posts["02"] == ("repost", "990000000000000001", None, dt.datetime(2018, 5, 1, 12, 35), HASHED_A)
    assert posts["03"] == ("reply", None, "990000000000000001", dt.datetime(2018, 5, 1, 12, 36, 15), HASHED_B)
    assert posts["04"][:2] == ("quote", "990000000000000099")
    post = query(workspace, "SELECT text, lang, client FROM posts WHERE post_id = '990000000000000006'")[0]
    assert post == ("Fish &amp; chips, anyone? 🐟🍟\nSecond line", "en", "Twitter for Android")


def test_profiles_come_from_the_repeated_user_columns(workspace):
    ingest(workspace, "io-archive", TWEETS)
    profile = query(
        workspace,
        "SELECT handle, display_name, created_at, followers, following, location, description, url "
        "FROM accounts WHERE account_id = '2417165418'",
    )[0]
    assert profile == (
        "RealNewsDaily", "Новости Дня", dt.datetime(2014, 2, 27), 12000, 300,
        "Москва, Россия", "Новости, факты\nи аналитика 📰", "http://t.co/abc123",
    )
    # An unreadable follower_count leaves that field empty and keeps the tweet.
    assert query(workspace, "SELECT followers, following, created_at FROM accounts WHERE account_id = '2417165420'") == [
        (None, 12, dt.datetime(2016, 7, 1, 9, 15)),
    ]


def test_bracketed_lists_become_actions(workspace):
    ingest(workspace, "io-archive", TWEETS)

    def objects(tweet: str) -> set[tuple[str, str]]:
        rows = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ?", [tweet])
        return {(kind, obj) for kind, obj in rows if kind != "text"}

    assert objects("990000000000000001") == {
        ("hashtag", "выборы"), ("hashtag", "vote"), ("hashtag-sequence", "выборы vote"),
        ("link", "https://example.com/story"), ("domain", "example.com"), ("mention", "2417165419"),
    }
    assert objects("990000000000000002") == {("retweet", "990000000000000001")}
    assert objects("990000000000000003") == {
        ("hashtag", "الانتخابات"), ("mention", "2417165418"), ("reply", "990000000000000001"),
    }
    # "nan" cells are empty lists, not the word nan.
    assert objects("990000000000000010") == set()


def test_a_release_with_only_the_required_columns(workspace, tmp_path):
    minimal = tmp_path / "minimal.csv"
    minimal.write_text("userid,tweetid,tweet_time\nu1,1,2019-01-01 00:00\nu2,2,2019-01-01 00:01:30\n", encoding="utf-8")
    run = ingest(workspace, "io-archive", minimal)
    assert_clean_exit(run)
    assert summary_counts(run) == (2, 1, 0)
    assert query(workspace, "SELECT post_id, account_id, kind, ts FROM posts ORDER BY post_id") == [
        ("1", "u1", "post", dt.datetime(2019, 1, 1, 0, 0)),
        ("2", "u2", "post", dt.datetime(2019, 1, 1, 0, 1, 30)),
    ]


def test_a_truncated_file_keeps_the_rows_before_the_cut(workspace, tmp_path):
    data = TWEETS.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index("هذا صحيح".encode())])
    run = ingest(workspace, "io-archive", cut)
    assert_clean_exit(run)
    # Tweets 1 and 2 are whole; tweet 3 stops inside tweet_text, before its time.
    assert summary_counts(run) == (2, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'tweet_time'"


def test_another_formats_csv_is_exit_2_naming_the_file(workspace):
    run = ingest(workspace, "io-archive", DATA / "cnt-csv" / "messages.csv")
    assert_clean_exit(run, 2)
    message = run.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "messages.csv" in message and "tweetid" in message
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0
