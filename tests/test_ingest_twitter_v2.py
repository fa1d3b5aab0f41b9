"""`inconcert ingest --format twitter-v2`: twarc2 response pages with `includes`, and
flattened v2 tweets."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

V2 = DATA / "twitter-v2"
PAGES = V2 / "pages.jsonl"
FLAT = V2 / "flattened.jsonl"

ORIGINAL = "1594300000000000001"  # only in page 1's includes.tweets
QUOTE, REPLY, LONG_POST = "1594302000000000103", "1594303000000000104", "1594304000000000105"
RT_B, RT_C, RT_B_LONG = "1594301111111111101", "1594301157000000102", "1594306000000000107"
HAGHIGHAT, ALI, REZA, GULF, CHECKER = (
    "1173880432545218560", "1490001122334455667", "1490001122334455668", "95000001", "1500000000000000001",
)


def test_each_tweet_of_a_page_is_a_record(workspace):
    run = ingest(workspace, "twitter-v2", PAGES)
    assert_clean_exit(run)
    # Pages of 3, 3 and 1 tweets (one without an author), a line cut off, and an empty
    # search page that adds nothing.
    assert summary_counts(run) == (6, 1, 2)
    quarantined = query(workspace, "SELECT record, reason FROM quarantine ORDER BY record")
    assert quarantined[0] == (2, "missing 'author_id'")
    assert quarantined[1][0] == 4 and quarantined[1][1].startswith("not valid JSON")
    # The six tweets plus the original known only from includes (the quoted tweet and the
    # long post are in includes too, but their own copies in `data` are kept).
    assert scalar(workspace, "SELECT count(*) FROM posts") == 7
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 5
    assert scalar(workspace, "SELECT count(*) FROM actions") == 21


def test_retweet_points_at_the_original_from_includes_with_its_own_author(workspace):
    ingest(workspace, "twitter-v2", PAGES)
    rows = query(workspace, "SELECT post_id, account_id, kind, ref_post_id FROM posts WHERE kind = 'repost' ORDER BY post_id")
    assert rows == [
        (RT_B, ALI, "repost", ORIGINAL),
        (RT_C, REZA, "repost", ORIGINAL),
        (RT_B_LONG, ALI, "repost", LONG_POST),
    ]
    account, kind, text, ts, url = query(
        workspace, "SELECT account_id, kind, text, ts, url FROM posts WHERE post_id = ?", [ORIGINAL]
    )[0]
    assert (account, kind) == (HAGHIGHAT, "post")
    # The whole text, not the retweet's truncated `RT @x: …`, with `&amp;` unescaped.
    assert text.startswith("تجمع بزرگ امروز در میدان آزادی؛ مردم & دانشجویان #ایران")
    assert ts == dt.datetime(2022, 11, 20, 10, 0)
    assert url == f"https://twitter.com/haghighat_news/status/{ORIGINAL}"
    retweeters = query(workspace, "SELECT account_id, ts FROM actions WHERE kind = 'retweet' AND object_id = ? ORDER BY ts", [ORIGINAL])
    assert retweeters == [(ALI, dt.datetime(2022, 11, 20, 10, 15, 30)), (REZA, dt.datetime(2022, 11, 20, 10, 15, 41))]


def test_quote_and_reply(workspace):
    ingest(workspace, "twitter-v2", PAGES)
    rows = query(workspace, "SELECT post_id, kind, ref_post_id, reply_to_post_id, text FROM posts WHERE post_id IN (?, ?)", [QUOTE, REPLY])
    posts = {post_id: rest for post_id, *rest in rows}
    assert posts[QUOTE] == ["quote", ORIGINAL, None, "هذا غير صحيح & مضلل. الصورة قديمة https://t.co/QuOtEd0103"]
    assert posts[REPLY] == ["reply", None, QUOTE, "@gulf_observer Source? The photo is from 2019 😕 <reverse image search>"]
    actions = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ? AND kind IN ('mention', 'reply') ORDER BY kind", [REPLY])
    assert actions == [("mention", GULF), ("reply", QUOTE)]


def test_entities_media_and_long_posts(workspace):
    ingest(workspace, "twitter-v2", PAGES)

    def objects(post_id: str, kind: str) -> list[str]:
        sql = "SELECT object_id FROM actions WHERE content_id = ? AND kind = ? ORDER BY object_id"
        return [row[0] for row in query(workspace, sql, [post_id, kind])]

    # The original's link is its expanded URL; the link to its own photo is media, not a link.
    assert objects(ORIGINAL, "link") == ["https://bit.ly/3rally"]
    assert objects(ORIGINAL, "image") == ["1594299990000000900"]
    assert objects(ORIGINAL, "hashtag") == ["ایران"]
    # A long post: whole text and entities from note_tweet.
    text = scalar(workspace, "SELECT text FROM posts WHERE post_id = ?", [LONG_POST])
    assert text.endswith("#ایران #مهسا_امینی https://t.co/LoNgReAd05")
    assert objects(LONG_POST, "hashtag-sequence") == ["ایران مهسا_امینی"]
    assert objects(LONG_POST, "link") == ["https://haghighat.example.ir/live/2022-11-20"]
    assert objects(LONG_POST, "image") == ["1594303990000000950"]
    assert scalar(workspace, "SELECT count(*) FROM actions WHERE object_id LIKE '%/photo/%'") == 0
    # Reposts share nothing but the original.
    assert objects(RT_B, "hashtag") == [] and objects(RT_B, "mention") == []


def test_clients_languages_and_times(workspace):
    ingest(workspace, "twitter-v2", PAGES)
    assert query(workspace, "SELECT ts, client, lang FROM posts WHERE post_id = ?", [QUOTE]) == [
        (dt.datetime(2022, 11, 20, 10, 20), "Twitter Web App", "ar")
    ]
    assert scalar(workspace, "SELECT client FROM posts WHERE post_id = ?", [RT_B]) == "Twitter for Android"


def test_account_profiles_from_includes(workspace):
    ingest(workspace, "twitter-v2", PAGES)
    columns = (
        "handle, display_name, created_at, followers, following, posts_count, likes_count, listed_count, "
        "verified, description, location, url"
    )
    assert query(workspace, f"SELECT {columns} FROM accounts WHERE account_id = ?", [HAGHIGHAT]) == [(
        "haghighat_news", "حقیقت نیوز", dt.datetime(2019, 9, 17, 9, 12, 44), 18250, 412, 30711, 1502, 96,
        False, "اخبار فوری ایران و جهان | Breaking news", "تهران", "https://haghighat.example.ir",
    )]
    assert query(workspace, "SELECT handle, verified, followers FROM accounts WHERE account_id = ?", [GULF]) == [
        ("gulf_observer", True, 250300)
    ]
    handles = [row[0] for row in query(workspace, "SELECT handle FROM accounts ORDER BY handle")]
    assert handles == ["fact_checker_e", "gulf_observer", "haghighat_news", "patriot_ali_77", "patriot_reza_78"]


def test_flattened_tweets(workspace):
    run = ingest(workspace, "twitter-v2", FLAT)
    assert_clean_exit(run)
    assert summary_counts(run) == (3, 1, 0)
    rows = query(workspace, "SELECT post_id, account_id, kind, ref_post_id, reply_to_post_id FROM posts ORDER BY post_id")
    assert rows == [
        ("1601000000000000001", "44556677", "post", None, None),  # inline in the retweet and the reply
        ("1601000500000000002", "1600000000000000011", "repost", "1601000000000000001", None),
        ("1601000600000000003", "1600000000000000022", "reply", None, "1601000000000000001"),
        ("1601000700000000004", "1600000000000000011", "post", None, None),
    ]
    # The inline original's author, with the profile twarc2 wrote into it.
    assert query(workspace, "SELECT handle, likes_count, location FROM accounts WHERE account_id = '44556677'") == [
        ("dr_sara_m", 33000, "Isfahan")
    ]
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 3
    assert scalar(workspace, "SELECT count(*) FROM actions") == 12
    assert scalar(
        workspace, "SELECT object_id FROM actions WHERE content_id = '1601000000000000001' AND kind = 'link'"
    ) == "https://news.example.com/isfahan-medicine"
    assert scalar(
        workspace, "SELECT object_id FROM actions WHERE content_id = '1601000700000000004' AND kind = 'image'"
    ) == "1601000690000000777"


def test_truncated_copy_keeps_the_good_records(workspace, tmp_path):
    lines = PAGES.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(lines[0] + lines[1][: len(lines[1]) // 2])
    run = ingest(workspace, "twitter-v2", cut)
    assert_clean_exit(run)
    # Page 1's three tweets; the page cut in half is one quarantined line.
    assert summary_counts(run) == (3, 1, 1)
    assert scalar(workspace, "SELECT count(*) FROM posts") == 4


def test_a_file_that_is_not_v2_json_is_exit_2(workspace, tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("id,text\n1,hello\n2,world\n")
    run = ingest(workspace, "twitter-v2", table)
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "table.csv" in run.stderr and "twitter-v2" in run.stderr


def test_v1_tweets_are_refused_with_a_hint(workspace):
    run = ingest(workspace, "twitter-v2", DATA / "twitter-v1" / "tweets.jsonl")
    assert_clean_exit(run, 2)
    assert len(run.stderr.strip().splitlines()) == 1
    assert "tweets.jsonl" in run.stderr and "use --format twitter-v1" in run.stderr
