"""`inconcert ingest --format telegram`: Telegram Desktop JSON exports."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

TELEGRAM = DATA / "telegram"
CHANNEL = "1487654321"


def test_channel_export_counts_every_message_and_quarantines_the_one_without_id(workspace):
    run = ingest(workspace, "telegram", TELEGRAM / "channel.json")
    assert_clean_exit(run)
    # 9 messages: 2 service messages count but are no posts; one message has no id.
    assert summary_counts(run) == (8, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 6
    assert scalar(workspace, "SELECT count(*) FROM actions") == 17
    assert query(workspace, "SELECT record, reason FROM quarantine") == [(9, "missing 'id'")]


def test_channel_posts_have_chat_scoped_ids_kinds_and_utc_times(workspace):
    ingest(workspace, "telegram", TELEGRAM / "channel.json")
    posts = query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id, ts FROM posts ORDER BY ts, post_id")
    forward_ref = posts[3][2]
    assert posts == [
        (f"{CHANNEL}/2", "post", None, None, dt.datetime(2024, 3, 1, 12, 0)),
        (f"{CHANNEL}/3", "post", None, None, dt.datetime(2024, 3, 1, 12, 1)),
        (f"{CHANNEL}/4", "reply", None, f"{CHANNEL}/3", dt.datetime(2024, 3, 1, 12, 2)),
        (f"{CHANNEL}/5", "forward", forward_ref, None, dt.datetime(2024, 3, 1, 12, 3)),
        (f"{CHANNEL}/7", "post", None, None, dt.datetime(2024, 3, 1, 12, 5)),
        # No date_unixtime: the zone-less local `date` is all there is.
        (f"{CHANNEL}/8", "post", None, None, dt.datetime(2024, 3, 1, 16, 0)),
    ]
    assert forward_ref.startswith("forward:channel1122334455:")
    # `date` says 15:30 (Tehran); `date_unixtime` is the true 12:00 UTC.
    assert scalar(workspace, f"SELECT ts FROM posts WHERE post_id = '{CHANNEL}/2'") == dt.datetime(2024, 3, 1, 12, 0)


def test_polymorphic_text_is_joined_and_entities_become_actions(workspace):
    ingest(workspace, "telegram", TELEGRAM / "channel.json")
    assert scalar(workspace, f"SELECT text FROM posts WHERE post_id = '{CHANNEL}/3'") == (
        "Read the report: https://example.org/report?utm_source=telegram #انتخابات #Iran via @NewsAgency and t.me/newsagency"
    )
    assert scalar(workspace, f"SELECT text FROM posts WHERE post_id = '{CHANNEL}/2'") == "سلام دنیا 🌍 خبرهای امروز را دنبال کنید"
    objects = query(
        workspace,
        f"SELECT kind, object_id FROM actions WHERE content_id IN ('{CHANNEL}/3', '{CHANNEL}/4', '{CHANNEL}/7') "
        "AND kind <> 'text' ORDER BY content_id, kind, object_id",
    )
    assert objects == [
        ("domain", "example.org"),
        ("domain", "t.me"),
        ("hashtag", "iran"),
        ("hashtag", "انتخابات"),
        ("hashtag-sequence", "انتخابات iran"),
        ("link", "https://example.org/report"),
        ("link", "https://t.me/newsagency"),  # a bare `link` entity gets a scheme
        ("mention", "newsagency"),
        ("domain", "news.example.com"),
        ("link", "https://news.example.com/a/123"),  # from the text_link's href
        ("reply", f"{CHANNEL}/3"),
        ("mention", "user5551234"),  # mention_name by user id, written as from_id writes it
    ]


def test_a_forward_is_a_retweet_and_shares_nothing_else(workspace):
    ingest(workspace, "telegram", TELEGRAM / "channel.json")
    kinds = query(workspace, f"SELECT kind FROM actions WHERE content_id = '{CHANNEL}/5'")
    assert kinds == [("retweet",)]


def test_the_channel_is_an_account_and_service_messages_add_no_post(workspace):
    ingest(workspace, "telegram", TELEGRAM / "channel.json")
    assert query(workspace, "SELECT account_id, display_name FROM accounts") == [
        ("channel1487654321", "اخبار فوری | Breaking News")
    ]
    # The old-style post without from_id is the channel's.
    assert scalar(workspace, f"SELECT account_id FROM posts WHERE post_id = '{CHANNEL}/8'") == "channel1487654321"
    assert scalar(workspace, f"SELECT count(*) FROM posts WHERE post_id IN ('{CHANNEL}/1', '{CHANNEL}/6')") == 0


def test_whole_account_export_reads_every_chat_and_left_chat(workspace):
    run = ingest(workspace, "telegram", TELEGRAM / "account.json")
    assert_clean_exit(run)
    assert summary_counts(run) == (6, 1, 0)
    posts = query(workspace, "SELECT post_id, account_id, kind, reply_to_post_id FROM posts ORDER BY ts")
    assert posts == [
        ("1300000001/2", "user101", "forward", None),
        ("1300000001/3", "user202", "reply", "1300000001/2"),
        ("4440001/1", "user4440001", "post", None),
        ("4440001/2", "user777000111", "post", None),
        ("1999000001/1", "channel1999000001", "post", None),
    ]
    accounts = query(workspace, "SELECT account_id, display_name FROM accounts ORDER BY account_id")
    assert accounts == [
        ("channel1999000001", "Old Channel"),
        ("user101", "Reza"),  # the joiner of a service message, who also posts
        ("user202", "Mina"),
        ("user4440001", "Sara"),
        ("user777000111", "Me"),
    ]
    assert scalar(workspace, "SELECT count(*) FROM actions") == 8


def test_two_accounts_forwarding_the_same_original_share_the_ref(workspace):
    """The channel and Reza forward one message of channel1122334455; the copies differ
    in spacing and in the Arabic vs Persian yeh, which the text fingerprint ignores."""
    ingest(workspace, "telegram", TELEGRAM / "channel.json")
    ingest(workspace, "telegram", TELEGRAM / "account.json")
    refs = query(workspace, "SELECT DISTINCT ref_post_id FROM posts WHERE kind = 'forward'")
    assert len(refs) == 1
    sharers = query(
        workspace, "SELECT account_id FROM actions WHERE kind = 'retweet' AND object_id = ? ORDER BY account_id", [refs[0][0]]
    )
    assert sharers == [("channel1487654321",), ("user101",)]


def test_a_document_that_breaks_off_keeps_the_messages_before_the_break(workspace):
    run = ingest(workspace, "telegram", TELEGRAM / "channel_truncated.json")
    assert_clean_exit(run)
    # Messages 1-4 are whole; the file ends inside message 5.
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 3
    record, reason = query(workspace, "SELECT record, reason FROM quarantine")[0]
    assert record == 5 and reason.startswith("JSON document breaks off after record 4")


def test_a_file_that_is_not_a_telegram_export_is_exit_2_naming_it(workspace):
    jetstream = DATA / "bluesky" / "jetstream.jsonl"
    run = ingest(workspace, "telegram", jetstream)
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "jetstream.jsonl" in run.stderr and "not a Telegram JSON export" in run.stderr
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0


def test_a_json_document_without_messages_is_exit_2(workspace, tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"name": "x", "items": [1, 2, 3]}')
    run = ingest(workspace, "telegram", other)
    assert_clean_exit(run, 2)
    assert "other.json" in run.stderr and "no 'messages' list" in run.stderr
