"""`inconcert ingest --format 4cat`: 4CAT mapped CSV and NDJSON exports."""

from __future__ import annotations

import datetime as dt
import json

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

TWITTER_CSV = DATA / "4cat" / "twitter_export.csv"
TELEGRAM_CSV = DATA / "4cat" / "telegram_export.csv"
TWITTER_NDJSON = DATA / "4cat" / "twitter_zeeschuimer.ndjson"
TELEGRAM_NDJSON = DATA / "4cat" / "telegram_raw.ndjson"
RETWEET_STAND_IN = "rt:RealNewsDaily:533b10dc2c0416af"
FORWARD = "1234567890@1645678800"  # forwarded-from channel id @ the original's Unix time


def _objects(workspace, content_id: str) -> set[tuple[str, str]]:
    rows = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ?", [content_id])
    return {(kind, obj) for kind, obj in rows if kind != "text"}


def test_twitter_csv(workspace):
    run = ingest(workspace, "4cat", TWITTER_CSV)
    assert_clean_exit(run)
    # 8 rows: one with an unreadable time (and no unix_timestamp) and one without id.
    assert summary_counts(run) == (6, 1, 2)
    assert query(workspace, "SELECT record, reason FROM quarantine ORDER BY record") == [
        (7, "not a date-time: 'not a date'"),
        (8, "missing 'id'"),
    ]
    assert scalar(workspace, "SELECT count(*) FROM posts") == 6
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 5
    assert scalar(workspace, "SELECT count(*) FROM actions") == 16
    # No datasource column: the platform is 4cat; author_id is the account, author the handle.
    assert query(workspace, "SELECT DISTINCT platform FROM posts UNION SELECT DISTINCT platform FROM accounts") == [("4cat",)]
    assert query(workspace, "SELECT handle, display_name FROM accounts WHERE account_id = '1700000000000000002'") == [
        ("bot_olga_1990", "Ольга 🌷"),
    ]


def test_twitter_csv_kinds_and_the_retweet_stand_in(workspace):
    ingest(workspace, "4cat", TWITTER_CSV)
    posts = {
        row[0][-1:]: row[1:]
        for row in query(workspace, "SELECT post_id, kind, ref_post_id, ts, url, lang, client FROM posts")
    }
    assert posts["1"] == ("post", None, dt.datetime(2024, 3, 2, 10, 0),
                          "https://x.com/RealNewsDaily/status/1764000000000000001", "ru", "Twitter Web App")
    # Both retweets of one tweet point at the same stand-in, so they co-retweet.
    assert posts["2"][:2] == ("repost", RETWEET_STAND_IN)
    assert posts["3"][:2] == ("repost", RETWEET_STAND_IN)
    assert posts["4"][:2] == ("quote", None)
    assert posts["5"][:2] == ("reply", None)
    assert _objects(workspace, "1764000000000000002") == {("retweet", RETWEET_STAND_IN)}
    # Lists are comma-joined; a comma inside a URL does not split it.
    assert _objects(workspace, "1764000000000000001") == {
        ("hashtag", "выборы"), ("hashtag", "vote"), ("hashtag-sequence", "выборы vote"),
        ("link", "https://example.com/story"), ("domain", "example.com"),
        ("link", "https://example.org/list?ids=1%2C2%2C3"), ("domain", "example.org"),
        ("mention", "kremlin_pool"),
    }
    # The hashtags column is what Twitter saw; an empty one means none, whatever the text.
    assert _objects(workspace, "1764000000000000008") == set()
    assert scalar(workspace, "SELECT text FROM posts WHERE post_id = '1764000000000000008'") == (
        'Первая строка, вторая "цитата"\nи третья строка #нехештег'
    )


def test_telegram_csv_forwards_replies_and_photos(workspace):
    run = ingest(workspace, "4cat", TELEGRAM_CSV)
    assert_clean_exit(run)
    assert summary_counts(run) == (5, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'author_id' or 'author'"
    posts = {row[0]: row[1:] for row in query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id, ts FROM posts")}
    assert posts["rusnews_channel-1501"] == ("post", None, None, dt.datetime(2022, 2, 24, 5, 0))
    assert posts["persian_group-76"] == ("forward", FORWARD, None, dt.datetime(2022, 2, 24, 5, 3, 10))
    # Without unix_timestamp_forwarded_from the forwarded time column gives the same reference.
    assert posts["arab_channel-402"][:2] == ("forward", FORWARD)
    # reply_to is a message number in the same chat.
    assert posts["persian_group-77"][:3] == ("reply", None, "persian_group-76")
    assert _objects(workspace, "persian_group-76") == {("retweet", FORWARD)}
    assert _objects(workspace, "persian_group-77") == {("reply", "persian_group-76"), ("mention", "rusnews_channel")}
    # Links come from the text and link_attached; the photo's Telegram id is an image object.
    assert _objects(workspace, "rusnews_channel-1501") == {
        ("link", "https://example.ru/news/777"), ("domain", "example.ru"),
        ("hashtag", "срочно"), ("image", "5436123456789012345"),
    }
    assert _objects(workspace, "arab_channel-403") == {("link", "https://www.youtube.com/watch?v=abc123"), ("domain", "youtube.com")}
    assert query(workspace, "SELECT account_id, handle, display_name FROM accounts ORDER BY account_id") == [
        ("1234567890", "rusnews_channel", None),
        ("5550001111", "reza_fa", "رضا احمدی"),
        ("5550002222", None, "سارا"),
        ("9876543210", "arab_channel", None),
    ]


def test_zeeschuimer_twitter_ndjson(workspace):
    run = ingest(workspace, "4cat", TWITTER_NDJSON)
    assert_clean_exit(run)
    # 7 lines: a tombstone, a broken created_at and a line cut mid-object are quarantined.
    assert summary_counts(run) == (4, 1, 3)
    assert query(workspace, "SELECT record, reason FROM quarantine ORDER BY record") == [
        (4, "a withheld or deleted tweet (tombstone)"),
        (6, "not a date-time: 'yesterday at noon'"),
        (7, "not valid JSON (Input data was truncated)"),
    ]
    # Raw GraphQL tweets carry real ids: platform twitter, retweets point at the original.
    posts = {row[0][-1:]: row[1:] for row in query(workspace, "SELECT post_id, platform, kind, ref_post_id, reply_to_post_id FROM posts")}
    assert posts == {
        "1": ("twitter", "post", None, None),
        "2": ("twitter", "repost", "1764000000000000001", None),
        "4": ("twitter", "quote", "1764000000000000001", None),
        "5": ("twitter", "reply", None, "1764000000000000001"),
    }
    assert scalar(workspace, "SELECT count(*) FROM actions") == 14
    assert _objects(workspace, "1764000000000000001") == {
        ("hashtag", "выборы"), ("hashtag", "vote"), ("hashtag-sequence", "выборы vote"),
        ("link", "https://example.com/story"), ("domain", "example.com"),
        ("mention", "2417165419"), ("image", "3_1764000000000000100"),
    }
    assert scalar(workspace, "SELECT client FROM posts WHERE post_id = '1764000000000000002'") == "Twitter for Android"


def test_zeeschuimer_profiles_old_and_new_layout(workspace):
    ingest(workspace, "4cat", TWITTER_NDJSON)
    assert query(
        workspace,
        "SELECT account_id, handle, display_name, created_at, followers, following, posts_count, location, url "
        "FROM accounts ORDER BY account_id",
    ) == [
        ("1500000000000000003", "arab_voice", "صوت عربي", dt.datetime(2018, 1, 1), 800, 900, 1200, None, None),
        ("1700000000000000001", "bot_ivan_1987", "Иван", dt.datetime(2023, 11, 3, 10, 0), 12, 580, 9001, "Россия", None),
        ("2417165418", "RealNewsDaily", "Новости Дня", dt.datetime(2014, 2, 27, 9, 12, 44), 12000, 300, 45210,
         "Москва", "https://example.ru"),
    ]


def test_raw_telegram_ndjson_matches_the_csv_ids(workspace):
    run = ingest(workspace, "4cat", TELEGRAM_NDJSON)
    assert_clean_exit(run)
    assert summary_counts(run) == (3, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine").startswith("a Telegram service message")
    posts = {row[0]: row[1:] for row in query(workspace, "SELECT post_id, platform, kind, ref_post_id, reply_to_post_id FROM posts")}
    assert posts == {
        "rusnews_channel-1501": ("4cat", "post", None, None),
        "persian_group-76": ("4cat", "forward", FORWARD, None),
        "persian_group-77": ("4cat", "reply", None, "persian_group-76"),
    }
    # The link hidden behind text (MessageEntityTextUrl) is a shared object.
    assert _objects(workspace, "rusnews_channel-1501") == {
        ("link", "https://example.ru/news/777"), ("domain", "example.ru"),
        ("hashtag", "срочно"), ("image", "5436123456789012345"),
    }
    assert _objects(workspace, "persian_group-77") == {("reply", "persian_group-76"), ("mention", "rusnews_channel")}
    assert scalar(workspace, "SELECT display_name FROM accounts WHERE account_id = '1234567890'") == "Новости 24/7"


def test_mapped_ndjson_lines_and_unknown_raw_items(workspace, tmp_path):
    lines = [
        {"id": "t1", "thread_id": "t1", "author": "anon_5f3a", "body": "Hello #world https://example.net/x",
         "timestamp": "2023-01-01 12:00:00", "datasource": "bsky"},
        {"nav_index": "2:1", "item_id": "7200000000000000001", "timestamp_collected": 1700000000000,
         "source_platform": "tiktok.com", "data": {"id": "7200000000000000001", "desc": "dance 💃", "createTime": 1699999999}},
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n", encoding="utf-8")
    run = ingest(workspace, "4cat", path)
    assert_clean_exit(run)
    assert summary_counts(run) == (1, 1, 1)
    assert query(workspace, "SELECT platform, post_id, account_id, handle, ts FROM posts JOIN accounts USING (platform, account_id)") == [
        ("bluesky", "t1", "anon_5f3a", "anon_5f3a", dt.datetime(2023, 1, 1, 12, 0)),
    ]
    assert _objects(workspace, "t1") == {("hashtag", "world"), ("link", "https://example.net/x"), ("domain", "example.net")}
    assert scalar(workspace, "SELECT reason FROM quarantine").startswith("a raw tiktok.com item (Zeeschuimer import)")


def test_a_truncated_csv_keeps_the_rows_before_the_cut(workspace, tmp_path):
    data = TWITTER_CSV.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index("هذا مهم".encode())])
    run = ingest(workspace, "4cat", cut)
    assert_clean_exit(run)
    # Rows 1-3 are whole; row 4 stops at its body, before the author columns.
    assert summary_counts(run) == (3, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'author_id' or 'author'"


def test_another_formats_csv_is_exit_2_naming_the_file(workspace):
    run = ingest(workspace, "4cat", DATA / "crowdtangle" / "facebook_pages.csv")
    assert_clean_exit(run, 2)
    message = run.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "facebook_pages.csv" in message and "id, author, body, timestamp" in message
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0


def test_json_lines_of_another_format_are_exit_2(workspace, tmp_path):
    jetstream = tmp_path / "jetstream.jsonl"
    jetstream.write_text('{"did": "did:plc:abc", "time_us": 1700000000000000, "kind": "identity"}\n', encoding="utf-8")
    run = ingest(workspace, "4cat", jetstream)
    assert_clean_exit(run, 2)
    assert "jetstream.jsonl" in run.stderr and "not a 4CAT item" in run.stderr
