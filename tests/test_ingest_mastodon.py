"""`inconcert ingest --format mastodon`: Mastodon API statuses as arrays or JSON lines."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

MASTODON = DATA / "mastodon"
ALICE_STATUS = "https://mastodon.social/users/alice/statuses/112012345678901234"
CAROL_STATUS = "https://mastodon.online/users/carol/statuses/112012340000000555"
BOB_REBLOG = "https://fosstodon.org/users/bob/statuses/112012346000000001/activity"
DAVE_REPLY = "https://mstdn.social/users/dave/statuses/112012347000000002"
ERIN_QUOTE = "https://social.example/users/erin/statuses/112012348000000003"


def test_array_counts_statuses_not_the_originals_they_carry(workspace):
    run = ingest(workspace, "mastodon", MASTODON / "statuses.json")
    assert_clean_exit(run)
    # 5 statuses, one without `uri`. The reblogged original (carol's) is stored but not
    # counted; the quoted original is alice's status, already in the file.
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 5
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 5
    assert scalar(workspace, "SELECT count(*) FROM actions") == 13
    assert query(workspace, "SELECT record, reason FROM quarantine") == [(5, "missing 'uri'")]


def test_kinds_and_references_are_keyed_on_uri(workspace):
    ingest(workspace, "mastodon", MASTODON / "statuses.json")
    posts = query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id FROM posts ORDER BY ts")
    assert posts == [
        (CAROL_STATUS, "post", None, None),
        (ALICE_STATUS, "post", None, None),
        (BOB_REBLOG, "repost", CAROL_STATUS, None),
        # Only the server-local parent id is given: it is qualified by the status's host.
        (DAVE_REPLY, "reply", None, "mstdn.social/109876543210987654"),
        (ERIN_QUOTE, "quote", ALICE_STATUS, None),
    ]
    assert query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ?", [BOB_REBLOG]) == [
        ("retweet", CAROL_STATUS)
    ]


def test_html_content_becomes_text_with_line_breaks_and_entities_decoded(workspace):
    ingest(workspace, "mastodon", MASTODON / "statuses.json")
    texts = dict(query(workspace, "SELECT post_id, text FROM posts"))
    assert texts[ALICE_STATUS] == (
        "Check this & that: https://example.com/article?utm_source=mastodon #Climate\n\nSecond line\nthird @bob 🌍"
    )
    assert texts[DAVE_REPLY] == '@alice نظر شما "درست" است <اما> کامل نیست'
    assert texts[CAROL_STATUS] == "الحقيقة لا تُخفى #غزة"
    assert texts[BOB_REBLOG] is None


def test_links_hashtags_mentions_and_blurhash_images(workspace):
    ingest(workspace, "mastodon", MASTODON / "statuses.json")
    rows = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ? AND kind <> 'text' ORDER BY kind", [ALICE_STATUS])
    # The hashtag and mention links in the HTML are not shared links; the card repeats the article.
    assert rows == [
        ("domain", "example.com"),
        ("hashtag", "climate"),
        ("image", "UeKUpFxuo~R%0nW;WCnhF6RjaJt757oJodS$"),
        ("link", "https://example.com/article"),
        ("mention", "https://fosstodon.org/@bob"),
    ]
    assert scalar(workspace, "SELECT object_id FROM actions WHERE content_id = ? AND kind = 'hashtag'", [CAROL_STATUS]) == "غزة"


def test_posts_keep_language_url_and_client(workspace):
    ingest(workspace, "mastodon", MASTODON / "statuses.json")
    assert query(workspace, "SELECT lang, url, client, ts FROM posts WHERE post_id = ?", [ALICE_STATUS]) == [
        ("en", "https://mastodon.social/@alice/112012345678901234", "Tusky", dt.datetime(2024, 3, 1, 12, 0))
    ]
    assert scalar(workspace, "SELECT lang FROM posts WHERE post_id = ?", [CAROL_STATUS]) == "ar"


def test_accounts_carry_profile_fields_and_full_handles(workspace):
    ingest(workspace, "mastodon", MASTODON / "statuses.json")
    alice = query(
        workspace,
        "SELECT handle, display_name, created_at, followers, following, posts_count, description, url "
        "FROM accounts WHERE account_id = 'https://mastodon.social/users/alice'",
    )
    assert alice == [
        (
            "alice@mastodon.social",  # local acct `alice` gets the server from the account url
            "Alice 🌱",
            dt.datetime(2022, 11, 7),
            1523,
            310,
            4821,
            "Climate reporter. Views mine & only mine.\n\nShe/her",
            "https://mastodon.social/@alice",
        )
    ]
    handles = [r[0] for r in query(workspace, "SELECT handle FROM accounts ORDER BY handle")]
    assert handles == ["alice@mastodon.social", "bob@fosstodon.org", "carol@mastodon.online", "dave@mstdn.social", "erin@social.example"]


def test_json_lines_with_a_status_an_array_a_broken_line_and_a_shallow_quote(workspace):
    run = ingest(workspace, "mastodon", MASTODON / "statuses.jsonl")
    assert_clean_exit(run)
    assert summary_counts(run) == (4, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 4
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 2
    assert scalar(workspace, "SELECT count(*) FROM actions") == 10
    record, reason = query(workspace, "SELECT record, reason FROM quarantine")[0]
    assert record == 3 and reason.startswith("not valid JSON")
    # Accounts from servers before Mastodon 4.2 have no `uri`: the profile url is the id.
    assert scalar(workspace, "SELECT DISTINCT account_id FROM posts WHERE post_id LIKE '%/frank/%'") == "https://kolektiva.social/@frank"
    quote = query(workspace, "SELECT kind, ref_post_id FROM posts WHERE post_id LIKE '%113100000000000004'")
    assert quote == [("quote", "kolektiva.social/113099999999999999")]


def test_arrays_one_per_line_with_a_bare_status_between_them(workspace, tmp_path):
    status, page = (MASTODON / "statuses.jsonl").read_text().splitlines()[:2]
    pages = tmp_path / "pages.json"
    pages.write_text(f"{page}\n{status}\n{page.replace('11310000000000000', '11320000000000000')}\n")
    run = ingest(workspace, "mastodon", pages)
    assert_clean_exit(run)
    assert summary_counts(run) == (5, 1, 0)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 5


def test_an_array_cut_mid_status_keeps_the_statuses_before(workspace, tmp_path):
    data = (MASTODON / "statuses.json").read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: data.index(b'"in_reply_to_id": "109876543210987654"')])  # inside dave's reply
    run = ingest(workspace, "mastodon", cut)
    assert_clean_exit(run)
    assert summary_counts(run) == (2, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 3  # alice, bob's reblog, carol's original
    assert scalar(workspace, "SELECT reason FROM quarantine").startswith("JSON document breaks off after record 2")


def test_a_file_that_is_not_mastodon_is_exit_2_naming_it(workspace):
    run = ingest(workspace, "mastodon", DATA / "bluesky" / "jetstream.jsonl")
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "jetstream.jsonl" in run.stderr and "missing 'uri'" in run.stderr
