"""`inconcert ingest --format cnt-csv`: the QUT coordination-network-toolkit CSV."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

MESSAGES = DATA / "cnt-csv" / "messages.csv"


def test_good_rows_are_kept_and_broken_rows_quarantined(workspace):
    run = ingest(workspace, "cnt-csv", MESSAGES)
    assert_clean_exit(run)
    # 11 data rows (CRLF, one message spans two lines): a row without message_id, one
    # with the time "yesterday" and one with 9 fields are quarantined.
    assert summary_counts(run) == (8, 1, 3)
    reasons = query(workspace, "SELECT record, reason FROM quarantine ORDER BY record")
    assert reasons == [
        (10, "missing 'message_id'"),
        (11, "not a date-time: 'yesterday'"),
        (12, "9 fields where the header has 8"),
    ]
    # message_id 1001 appears twice: the first row wins, as in the toolkit.
    assert scalar(workspace, "SELECT count(*) FROM posts") == 7
    assert scalar(workspace, "SELECT text FROM posts WHERE post_id = '1001'").startswith("Check this out https://")
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 5
    assert scalar(workspace, "SELECT count(*) FROM actions") == 23


def test_reposts_replies_and_times(workspace):
    ingest(workspace, "cnt-csv", MESSAGES)
    posts = {
        row[0]: row[1:]
        for row in query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id, ts, platform FROM posts")
    }
    assert posts["1001"] == ("post", None, None, dt.datetime(2021, 3, 1, 12, 0, 0), "cnt")
    assert posts["1002"][:3] == ("repost", "1001", None)
    # Fractional Unix seconds and an ISO date-time with Z are both UTC.
    assert posts["1003"][:4] == ("reply", None, "1001", dt.datetime(2021, 3, 1, 12, 0, 30, 500000))
    assert posts["1004"][3] == dt.datetime(2021, 3, 1, 12, 1, 0)
    # A repost that is also a reply stays a repost and keeps its reply target.
    assert posts["1006"][:3] == ("repost", "1004", "1003")
    assert scalar(workspace, "SELECT text FROM posts WHERE post_id = '1005'") == 'Multi-line message,\nwith a comma and "quotes"'
    assert query(workspace, "SELECT account_id, handle FROM accounts WHERE account_id IN ('u3', 'u4') ORDER BY 1") == [
        ("u3", "карина"), ("u4", "مریم"),
    ]


def test_shared_objects_become_normalised_actions(workspace):
    ingest(workspace, "cnt-csv", MESSAGES)

    def objects(content_id: str) -> set[tuple[str, str]]:
        rows = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ?", [content_id])
        return {(kind, obj) for kind, obj in rows if kind != "text"}

    assert objects("1001") == {
        ("link", "https://example.com/a"), ("domain", "example.com"),
        ("hashtag", "election2024"), ("mention", "bob"),
    }
    # Reposts count once, as a retweet of the original, not again as link or hashtag.
    assert objects("1002") == {("retweet", "1001")}
    assert objects("1003") == {("hashtag", "выборы"), ("mention", "alice"), ("reply", "1001")}
    # Persian digits in a hashtag fold to ASCII; the urls cell is space-separated.
    assert ("hashtag", "انتخابات_1400") in objects("1004")
    assert {obj for kind, obj in objects("1005") if kind == "link"} == {"https://example.com/b", "https://example.org/c"}
    # A handle with dots is one mention; an e-mail address is none.
    assert objects("1009") == {("hashtag", "مرحبا"), ("mention", "alice.bsky.social")}


def test_a_truncated_file_keeps_the_rows_before_the_cut(workspace, tmp_path):
    data = MESSAGES.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index(b"with a comma")])
    run = ingest(workspace, "cnt-csv", cut)
    assert_clean_exit(run)
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'timestamp'"


def test_another_formats_csv_is_exit_2_naming_the_file(workspace):
    other = DATA / "io-archive" / "io_tweets.csv"
    run = ingest(workspace, "cnt-csv", other)
    assert_clean_exit(run, 2)
    message = run.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "io_tweets.csv" in message and "message_id" in message
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0
