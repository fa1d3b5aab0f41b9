"""`inconcert ingest --format crowdtangle`: CrowdTangle CSV exports (Facebook, Instagram)."""

from __future__ import annotations

import datetime as dt

from conftest import DATA, assert_clean_exit, ingest, query, scalar, summary_counts

FACEBOOK = DATA / "crowdtangle" / "facebook_pages.csv"
INSTAGRAM = DATA / "crowdtangle" / "instagram_accounts.csv"
FIRST_POST = "https://www.facebook.com/100044383574349/posts/3869152449799151"


def _objects(workspace, content_id: str) -> set[tuple[str, str]]:
    rows = query(workspace, "SELECT kind, object_id FROM actions WHERE content_id = ?", [content_id])
    return {(kind, obj) for kind, obj in rows if kind != "text"}


def test_facebook_export_with_bom_and_crlf(workspace):
    run = ingest(workspace, "crowdtangle", FACEBOOK)
    assert_clean_exit(run)
    # 8 posts: one with an unknown zone abbreviation and one without URL are quarantined.
    assert summary_counts(run) == (6, 1, 2)
    assert query(workspace, "SELECT record, reason FROM quarantine ORDER BY record") == [
        (8, "unknown time zone 'XYZT' in 'Post Created'"),
        (9, "missing 'URL'"),
    ]
    assert scalar(workspace, "SELECT count(*) FROM posts") == 6
    assert scalar(workspace, "SELECT count(*) FROM accounts") == 3
    assert scalar(workspace, "SELECT count(*) FROM actions") == 22
    assert scalar(workspace, "SELECT DISTINCT platform FROM posts") == "facebook"


def test_zone_abbreviations_become_utc(workspace):
    ingest(workspace, "crowdtangle", FACEBOOK)
    times = dict(query(workspace, "SELECT split_part(post_id, '/', 6), ts FROM posts"))
    assert times["3869152449799151"] == dt.datetime(2021, 3, 1, 18, 45, 10)  # 13:45:10 EST
    assert times["10158765432109876"] == dt.datetime(2021, 3, 1, 18, 46, 2)  # 19:46:02 CET
    assert times["3870000000000001"] == dt.datetime(2021, 3, 2, 16, 0, 0)  # 08:00 PST
    assert times["2950000000000000"] == dt.datetime(2021, 3, 2, 10, 0, 0)  # UTC
    assert times["3999999999999999"] == dt.datetime(2021, 6, 1, 10, 0, 0)  # 12:00 CEST
    assert times["10158800000000000"] == dt.datetime(2021, 6, 1, 11, 0, 5)  # 14:00:05 EEST


def test_post_url_is_the_id_and_the_page_is_the_account(workspace):
    ingest(workspace, "crowdtangle", FACEBOOK)
    post = query(workspace, "SELECT account_id, kind, url, text FROM posts WHERE post_id = ?", [FIRST_POST])[0]
    assert post == ("100044383574349", "post", FIRST_POST, "Читайте: https://bit.ly/3xYzAbc #выборы2021 🗳️")
    page = query(
        workspace,
        "SELECT handle, display_name, created_at, followers, description, location FROM accounts "
        "WHERE account_id = '100044383574349'",
    )[0]
    # "162,345" followers is read as a number; Page Created has no zone and is taken as UTC.
    assert page == ("novostidnya", "Новости Дня", dt.datetime(2012, 5, 23, 19, 26, 16), 162345,
                    "Главные новости, без цензуры", "RU")
    # Unreadable "Followers at Posting" falls back to the page's likes; no user name stays empty.
    assert query(workspace, "SELECT handle, followers FROM accounts WHERE account_id = '1775530489376621'") == [
        (None, 4000),
    ]


def test_link_and_final_link_are_shared_objects(workspace):
    ingest(workspace, "crowdtangle", FACEBOOK)
    # The short link and the expanded Final Link (tracking parameters dropped) both count;
    # hashtags come from the message, not from the link preview's description.
    expected = {
        ("link", "https://bit.ly/3xYzAbc"), ("domain", "bit.ly"),
        ("link", "https://example.ru/news/123"), ("domain", "example.ru"),
    }
    assert _objects(workspace, FIRST_POST) == expected | {("hashtag", "выборы2021")}
    second = "https://www.facebook.com/104958162837/posts/10158765432109876"
    assert _objects(workspace, second) == expected | {("hashtag", "انتخابات")}
    persian = "https://www.facebook.com/1775530489376621/posts/2950000000000000"
    assert _objects(workspace, persian) == {("hashtag", "انتخابات_1400")}


def test_instagram_export(workspace):
    run = ingest(workspace, "crowdtangle", INSTAGRAM)
    assert_clean_exit(run)
    assert summary_counts(run) == (3, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'Post Created'"
    assert scalar(workspace, "SELECT DISTINCT platform FROM posts") == "instagram"
    assert query(workspace, "SELECT account_id, display_name, followers FROM accounts ORDER BY account_id") == [
        ("ali_1400", "علی", 88), ("maria.news", "Мария 🌸", 5400), ("vid.maker", "Video Maker", 1200000),
    ]
    posts = query(workspace, "SELECT post_id, account_id, ts, text FROM posts ORDER BY ts")
    assert posts[0][:3] == ("https://www.instagram.com/p/CM1abcDEF12/", "maria.news", dt.datetime(2021, 4, 1, 18, 0))
    # An IGTV post without caption keeps its title as text.
    assert posts[2][3] == "Spring, part 1"
    # `Link` repeats the post's own URL and is not a shared object; the Photo CDN URL is
    # never an image object.
    assert _objects(workspace, "https://www.instagram.com/p/CM1abcDEF12/") == {
        ("hashtag", "весна"), ("hashtag", "spring"), ("hashtag-sequence", "весна spring"),
        ("link", "https://example.org/spring"), ("domain", "example.org"),
    }
    assert scalar(workspace, "SELECT count(*) FROM actions WHERE kind IN ('image', 'link') AND object_id LIKE '%instagram%'") == 0


def test_group_exports_name_the_group(workspace, tmp_path):
    group = tmp_path / "group.csv"
    group.write_text(
        "Group Name,User Name,Facebook Id,Post Created,Type,URL,Message,Link,Final Link\r\n"
        "Друзья 🌿,,1234567890,2021-05-05 10:00:00 MSK,Status,https://www.facebook.com/groups/1234567890/permalink/42/,"
        "\"Привет, всем\",,\r\n",
        encoding="utf-8",
    )
    run = ingest(workspace, "crowdtangle", group)
    assert_clean_exit(run)
    assert summary_counts(run) == (1, 1, 0)
    assert query(workspace, "SELECT account_id, display_name FROM accounts") == [("1234567890", "Друзья 🌿")]
    assert scalar(workspace, "SELECT ts FROM posts") == dt.datetime(2021, 5, 5, 7, 0)


def test_a_truncated_file_keeps_the_rows_before_the_cut(workspace, tmp_path):
    data = FACEBOOK.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index("أخبار عاجلة".encode())])
    run = ingest(workspace, "crowdtangle", cut)
    assert_clean_exit(run)
    # The second post stops inside its page description, long before its URL.
    assert summary_counts(run) == (1, 1, 1)
    assert scalar(workspace, "SELECT reason FROM quarantine") == "missing 'URL'"
    assert scalar(workspace, "SELECT post_id FROM posts") == FIRST_POST


def test_another_formats_csv_is_exit_2_naming_the_file(workspace):
    run = ingest(workspace, "crowdtangle", DATA / "io-archive" / "io_tweets.csv")
    assert_clean_exit(run, 2)
    message = run.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "io_tweets.csv" in message and "Post Created" in message
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0
