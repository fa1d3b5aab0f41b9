"""`inconcert ingest --format bluesky`: Jetstream JSON lines."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

JETSTREAM = DATA / "bluesky" / "jetstream.jsonl"
ALICE = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
BOB = "did:plc:z72i7hdynmk6r22z27h6tvur"
CAROL = "did:plc:4qqizocrnriintskkh6trnzv"
ALICE_POST = f"at://{ALICE}/app.bsky.feed.post/3kmx7abc2f22c"
ALICE_IMAGES = f"at://{ALICE}/app.bsky.feed.post/3kmx7ajk3bq2y"


def test_every_line_is_a_record_and_broken_lines_are_quarantined(workspace):
    run = ingest(workspace, "bluesky", JETSTREAM)
    assert_clean_exit(run)
    # 14 lines: a cut-off line and one without `did` are quarantined; the like, the
    # delete and the account event are records that yield nothing.
    assert summary_counts(run) == (12, 1, 2)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 8
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 5
    assert scalar(workspace, "SELECT count(*) FROM actions") == 20
    reasons = query(workspace, "SELECT record, reason FROM quarantine ORDER BY record")
    assert reasons[0][0] == 13 and reasons[0][1].startswith("not valid JSON")
    assert reasons[1] == (14, "missing 'did'")


def test_kinds_and_references(workspace):
    ingest(workspace, "bluesky", JETSTREAM)
    posts = query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id FROM posts ORDER BY ts")
    assert posts == [
        (ALICE_POST, "post", None, None),
        (f"at://{BOB}/app.bsky.feed.post/3kmx7aef4x52k", "reply", None, ALICE_POST),
        (f"at://{CAROL}/app.bsky.feed.post/3kmx7agh6m42s", "quote", ALICE_POST, None),
        (f"at://{BOB}/app.bsky.feed.repost/3kmx7ahj2ss2b", "repost", ALICE_POST, None),
        (ALICE_IMAGES, "post", None, None),
        ("at://did:web:dave.example.com/app.bsky.feed.post/3kmx7amn5dc2q", "post", None, None),
        (f"at://{CAROL}/app.bsky.feed.post/3kmx7aop7ff2w", "quote", ALICE_IMAGES, None),  # recordWithMedia
        ("at://did:plc:vc7f4oafdgxsihk4cry2xpze/app.bsky.feed.post/3kmx7ast5nm2e", "post", None, None),  # early Jetstream
    ]
    assert scalar(workspace, "SELECT object_id FROM actions WHERE kind = 'retweet'") == ALICE_POST


def test_times_are_utc_from_created_at_or_else_time_us(workspace):
    ingest(workspace, "bluesky", JETSTREAM)
    times = dict(query(workspace, "SELECT post_id, ts FROM posts"))
    # `+03:30` in createdAt is converted to UTC.
    assert times[f"at://{BOB}/app.bsky.feed.post/3kmx7aef4x52k"] == dt.datetime(2024, 3, 1, 12, 1)
    # No createdAt: Jetstream's time_us (microseconds) is used.
    assert times["at://did:web:dave.example.com/app.bsky.feed.post/3kmx7amn5dc2q"] == dt.datetime(2024, 3, 1, 12, 2, 30, 250000)


def test_facets_tags_external_cards_and_image_cids_become_actions(workspace):
    ingest(workspace, "bluesky", JETSTREAM)
    rows = query(
        workspace,
        "SELECT content_id, kind, object_id FROM actions WHERE kind IN ('link', 'hashtag', 'mention', 'image')",
    )
    assert sorted(rows) == sorted([
        (f"at://{BOB}/app.bsky.feed.post/3kmx7aef4x52k", "hashtag", "اقلیم"),
        (f"at://{CAROL}/app.bsky.feed.post/3kmx7aop7ff2w", "image", "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"),
        ("at://did:web:dave.example.com/app.bsky.feed.post/3kmx7amn5dc2q", "link", "https://news.example.org/story/42"),
        (ALICE_POST, "hashtag", "climateaction"),
        (ALICE_POST, "link", "https://example.com/climate"),  # the facet's full URI, tracking removed
        (ALICE_POST, "mention", BOB),  # mentions by DID
        (ALICE_IMAGES, "hashtag", "rally2024"),  # from the out-of-text `tags`
        (ALICE_IMAGES, "image", "bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy"),
        (ALICE_IMAGES, "image", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"),
    ])


def test_posts_keep_language_url_and_text(workspace):
    ingest(workspace, "bluesky", JETSTREAM)
    row = query(workspace, "SELECT text, lang, url FROM posts WHERE post_id = ?", [f"at://{BOB}/app.bsky.feed.post/3kmx7aef4x52k"])
    assert row == [("کاملاً موافقم ✊ #اقلیم", "fa", f"https://bsky.app/profile/{BOB}/post/3kmx7aef4x52k")]


def test_identity_events_name_the_account_and_likes_add_none(workspace):
    ingest(workspace, "bluesky", JETSTREAM)
    assert scalar(workspace, "SELECT handle FROM accounts WHERE account_id = ?", [ALICE]) == "alice.bsky.social"
    # The liker (frank) and the deactivated account (gina) posted nothing.
    assert scalar(workspace, "SELECT count(*) FROM accounts WHERE account_id IN ('did:plc:q6gjnaw2blty4crticxkmujt', 'did:plc:yk4dd2qkboz2yv6tpubpc6co')") == 0


def test_a_copy_cut_mid_line_keeps_the_lines_before(workspace, tmp_path):
    data = JETSTREAM.read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: data.index(b'"3kmx7ajk3bq2y"') + 5])  # inside line 5, the images post
    run = ingest(workspace, "bluesky", cut)
    assert_clean_exit(run)
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 4


def test_a_file_that_is_not_jetstream_is_exit_2_naming_it(workspace):
    run = ingest(workspace, "bluesky", DATA / "mastodon" / "statuses.json")
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "statuses.json" in run.stderr and "missing 'did'" in run.stderr
