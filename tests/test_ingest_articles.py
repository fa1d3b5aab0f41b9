"""`inconcert ingest --format articles`: .txt and .html files and JSON lines of articles."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pytest
from conftest import DATA, assert_clean_exit, ingest, needs_shared_data, query, scalar, summary_counts

ARTICLES = DATA / "articles"
TXT = ARTICLES / "txt"
HTML = ARTICLES / "html"
JSONL = ARTICLES / "articles.jsonl"


def article(workspace, doc_id: str) -> dict:
    columns = ("doc_id", "outlet", "url", "published", "title", "text", "lang")
    rows = query(workspace, f"SELECT {', '.join(columns)} FROM articles WHERE doc_id = ?", [doc_id])
    assert len(rows) == 1, f"{doc_id}: {len(rows)} rows"
    return dict(zip(columns, rows[0]))


def file_text(path) -> str:
    """The file as the reader must see it: UTF-8, newlines untouched, a leading BOM dropped."""
    return path.read_bytes().decode("utf-8").removeprefix("\ufeff")


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# -- the whole fixture folder ------------------------------------------------------------


def test_fixture_folder_counts_one_record_per_article(workspace):
    run = ingest(workspace, "articles", ARTICLES)
    assert_clean_exit(run)
    # 4 .txt + 2 .html + 5 good JSON lines; a cut-off JSON line and one without `id`.
    assert summary_counts(run) == (11, 7, 2)
    assert scalar(workspace, "SELECT count(*) FROM articles") == 11
    assert scalar(workspace, "SELECT sum(n_articles) FROM ingests") == 11
    assert scalar(workspace, "SELECT count(*) FROM posts") == 0


def test_same_folder_twice_adds_nothing(workspace):
    ingest(workspace, "articles", ARTICLES)
    again = ingest(workspace, "articles", ARTICLES)
    assert_clean_exit(again)
    assert summary_counts(again) == (0, 7, 0)
    assert scalar(workspace, "SELECT count(*) FROM articles") == 11


# -- .txt ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["article700000001.txt", "crlf_press_release.txt", "persian_emoji.txt", "bom_statement.txt"]
)
def test_txt_text_is_the_file_exactly(workspace, name):
    assert_clean_exit(ingest(workspace, "articles", TXT / name))
    stored = article(workspace, name)
    assert stored["text"] == file_text(TXT / name)
    assert (stored["outlet"], stored["url"], stored["published"], stored["lang"]) == (None, None, None, None)


def test_txt_keeps_crlf_and_drops_only_a_leading_bom(workspace):
    assert_clean_exit(ingest(workspace, "articles", TXT))
    crlf = article(workspace, "crlf_press_release.txt")["text"]
    assert crlf.count("\r\n") == 8 and "\n" not in crlf.replace("\r\n", "")
    bom = article(workspace, "bom_statement.txt")["text"]
    assert bom.startswith("\n\n   Statement on the closure") and "\ufeff" not in bom


def test_txt_title_is_the_first_non_empty_line(workspace):
    assert_clean_exit(ingest(workspace, "articles", TXT))
    titles = dict(query(workspace, "SELECT doc_id, title FROM articles"))
    assert titles == {
        "article700000001.txt": "Mayor’s “Clean Streets” Plan Is a Betrayal of Every Hard-Working Family",
        "crlf_press_release.txt": "Ministry announces review of school meal contracts",
        "persian_emoji.txt": "🔴 فوری: افزایش قیمت بنزین در سه استان جنوبی",
        # after a BOM, two empty lines and surrounding spaces
        "bom_statement.txt": "Statement on the closure of the Riverside community clinic",
    }


@pytest.mark.parametrize(
    "name, phrase",
    [
        ("article700000001.txt", "a tax grab dressed up as civic pride"),
        ("crlf_press_release.txt", "it will be recovered"),
        # after an emoji outside the BMP, a flag (two code points) and zero-width non-joiners
        ("persian_emoji.txt", "درآمد ما ثابت مانده"),
        ("persian_emoji.txt", "صف‌های طولانی"),
        ("bom_statement.txt", "St Anne’s practice"),
    ],
)
def test_offsets_found_in_the_file_point_at_the_same_text(workspace, name, phrase):
    assert_clean_exit(ingest(workspace, "articles", TXT / name))
    text = article(workspace, name)["text"]
    raw = (TXT / name).read_bytes().removeprefix(b"\xef\xbb\xbf")
    # the phrase's place in the file's bytes, as a character offset
    start = len(raw[: raw.index(phrase.encode("utf-8"))].decode("utf-8"))
    assert text.index(phrase) == start
    assert text[start : start + len(phrase)] == phrase


def test_long_first_line_is_cut_for_the_title_only(workspace, tmp_path):
    long_line = "word " * 200
    path = tmp_path / "no-headline.txt"
    path.write_bytes(f"{long_line}\nSecond paragraph.\n".encode())
    assert_clean_exit(ingest(workspace, "articles", path))
    stored = article(workspace, "no-headline.txt")
    assert stored["title"] == long_line[:300].strip()
    assert stored["text"] == f"{long_line}\nSecond paragraph.\n"


def test_compressed_txt_is_the_article_inside(workspace, tmp_path):
    source = TXT / "crlf_press_release.txt"
    packed = tmp_path / "crlf_press_release.txt.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    run = ingest(workspace, "articles", packed)
    assert_clean_exit(run)
    assert summary_counts(run) == (1, 1, 0)
    assert article(workspace, "crlf_press_release.txt")["text"] == file_text(source)


def test_cut_off_compressed_txt_is_unusable(workspace, tmp_path):
    packed = tmp_path / "cut.txt.gz"
    packed.write_bytes(gzip.compress((TXT / "article700000001.txt").read_bytes())[:200])
    run = ingest(workspace, "articles", packed)
    assert_clean_exit(run, 2)
    message = one_line(run.stderr)
    assert "cut.txt.gz" in message and "cannot be read (Compressed file ended" in message


def test_txt_that_is_not_utf8_is_unusable_not_altered(workspace, tmp_path):
    latin1 = tmp_path / "cafe.txt"
    latin1.write_bytes("Le café de la gare ferme ses portes\n".encode("latin-1"))
    run = ingest(workspace, "articles", latin1)
    assert_clean_exit(run, 2)
    assert summary_counts(run) == (0, 0, 0)
    message = one_line(run.stderr)
    assert "cafe.txt" in message and "not UTF-8" in message and "0xe9" in message
    assert scalar(workspace, "SELECT count(*) FROM articles") == 0


def test_empty_txt_is_unusable(workspace, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    run = ingest(workspace, "articles", empty)
    assert_clean_exit(run, 2)
    assert "empty.txt" in one_line(run.stderr) and "holds no text" in run.stderr


# -- .html -----------------------------------------------------------------------------


def test_html_main_text_without_boilerplate(workspace):
    assert_clean_exit(ingest(workspace, "articles", HTML))
    text = article(workspace, "harbour-gazette-port-strike.html")["text"]
    for body in (
        "Hundreds of dockworkers walked off the job at the city’s container terminal",
        "Transport & Maritime Workers’ Union",  # &amp; and &rsquo;
        "not asking for the moon — they are asking",  # &mdash;
        'Tomás Brennan, said he remained "open to meaningful dialogue"',  # &aacute; and &quot;
        "the longest at the port since 1989.",
    ):
        assert body in text
    for boilerplate in (
        "Subscribe for", "Manage cookie preferences", "Sponsored", "Advertisement",
        "Related stories", "Share on Facebook", "Contact the newsroom", "All rights reserved",
    ):
        assert boilerplate not in text


def test_html_right_to_left_page_without_comments_or_footer(workspace):
    assert_clean_exit(ingest(workspace, "articles", HTML))
    text = article(workspace, "alwadi-water-rationing.html")["text"]
    assert 'إن "الضخ سيتوقف يومين في الأسبوع" حتى نهاية الصيف' in text
    assert "ومحطة التحلية المتوقفة منذ عام 2021." in text
    for boilerplate in ("الرئيسية", "عروض الصيف", "القرار ظالم", "الأكثر قراءة", "جميع الحقوق محفوظة"):
        assert boilerplate not in text


def test_html_metadata(workspace):
    assert_clean_exit(ingest(workspace, "articles", HTML))
    english = article(workspace, "harbour-gazette-port-strike.html")
    assert english["title"] == "Dockworkers walk out as port talks collapse"
    assert english["url"] == "https://www.harbourgazette.co.example/news/2024/03/05/dockworkers-walk-out-port-talks-collapse"
    assert english["outlet"] == "The Harbour Gazette"
    assert english["published"] == dt.datetime(2024, 3, 5, 13, 30)  # 14:30+01:00 in UTC
    assert english["lang"] == "en-GB"
    arabic = article(workspace, "alwadi-water-rationing.html")
    assert arabic["title"] == "السلطات تعلن تقنين المياه في ثلاثة أحياء بسبب الجفاف"
    assert arabic["outlet"] == "صحيفة الوادي"
    assert arabic["url"] == "https://www.alwadi-news.example/ar/local/2024/07/14/water-rationing-east"
    assert arabic["published"] == dt.datetime(2024, 7, 14, 6, 45)
    assert arabic["lang"] == "ar"


def test_html_offsets_point_into_the_extracted_text(workspace):
    assert_clean_exit(ingest(workspace, "articles", HTML / "harbour-gazette-port-strike.html"))
    text = article(workspace, "harbour-gazette-port-strike.html")["text"]
    start = text.index("4.5% over two years")
    assert scalar(workspace, "SELECT substr(text, ?, 19) FROM articles", [start + 1]) == "4.5% over two years"


# -- JSON lines ------------------------------------------------------------------------


def test_json_lines_counts_and_quarantine(workspace):
    run = ingest(workspace, "articles", JSONL)
    assert_clean_exit(run)
    assert summary_counts(run) == (5, 1, 2)
    quarantined = query(workspace, "SELECT record, reason FROM quarantine ORDER BY record")
    assert quarantined[0][0] == 6 and quarantined[0][1].startswith("not valid JSON")
    assert quarantined[1] == (7, "missing 'id'")


def test_json_lines_fields(workspace):
    assert_clean_exit(ingest(workspace, "articles", JSONL))
    ferry = article(workspace, "hg-2024-0311-ferry")
    assert ferry["outlet"] == "The Harbour Gazette" and ferry["lang"] == "en"
    assert ferry["published"] == dt.datetime(2024, 3, 11, 8, 0)
    assert ferry["title"] == "Ferry fares to rise 7% from April"
    # JSON escapes decoded: \u2019 and an emoji written as a surrogate pair
    assert ferry["text"].startswith("Ferry fares to rise 7% from April\n\nThe island’s ferry operator")
    assert "a year. 🚢 Season tickets" in ferry["text"]

    budget = article(workspace, "48213")  # a numeric id is kept as text
    assert budget["outlet"] == "dailyledger.example"  # from the url, without www
    assert budget["published"] == dt.datetime(2024, 3, 11, 8, 30)  # Unix seconds 1710145800

    ria = article(workspace, "ria-1107")  # "вчера вечером" is no date: kept, published unknown
    assert ria["published"] is None
    assert ria["outlet"] == "РИА Пример" and ria["title"] == "Явка на выборах превысила 60%"

    release = article(workspace, "pr-0005")
    assert release["text"] == "Council approves new cycle lanes\r\nWork starts in May.\r\n"
    assert release["outlet"] == "news.example.org"
    assert release["published"] == dt.datetime(2024, 3, 12)
    assert release["title"] is None


def test_json_html_goes_through_extraction(workspace):
    assert_clean_exit(ingest(workspace, "articles", JSONL))
    grid = article(workspace, "ledger-2024-0312-grid")
    assert grid["outlet"] == "The Daily Ledger"
    assert grid["url"] == "https://www.dailyledger.example/energy/2024/03/12/grid-winter-shortfall/"
    assert grid["title"] == "Grid operator warns of winter shortfall"
    assert grid["published"] == dt.datetime(2024, 3, 12, 22, 5)  # 17:05-05:00
    assert grid["lang"] == "en-US"
    assert "at peak times — a scheme it last used in 2019." in grid["text"]
    assert "Get our newsletter" not in grid["text"] and "Reproduction prohibited" not in grid["text"]


def test_json_record_values_win_over_the_page_and_odd_optionals_are_dropped(workspace, tmp_path):
    page = "<html><head><meta property='og:site_name' content='Page Name'><title>Page title</title></head>" \
           "<body><article><p>" + "A paragraph of the article body. " * 10 + "</p></article></body></html>"
    records = [
        {"id": "a1", "html": page, "outlet": "Given Outlet", "title": "Given title", "published": 1710000000},
        {"id": "a2", "text": "Body.", "url": ["not", "text"], "title": {"x": 1}, "published": True, "lang": 5},
        {"id": "a3", "url": "https://www.example.com/a3"},
        {"id": "a4", "html": "only words, no markup"},
        {"id": 1.5, "text": "a fractional id is no id"},
        ["a", "list"],
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    run = ingest(workspace, "articles", path)
    assert_clean_exit(run)
    assert summary_counts(run) == (2, 1, 4)
    given = article(workspace, "a1")
    assert (given["outlet"], given["title"]) == ("Given Outlet", "Given title")
    assert given["published"] == dt.datetime(2024, 3, 9, 16, 0)
    odd = article(workspace, "a2")
    assert (odd["url"], odd["title"], odd["published"], odd["outlet"], odd["text"]) == (None, None, None, None, "Body.")
    assert odd["lang"] == "5"
    reasons = [r[0] for r in query(workspace, "SELECT reason FROM quarantine ORDER BY record")]
    assert reasons == [
        "missing 'text' or 'html'",
        "not an HTML page",
        "expected text, found float",
        "expected a JSON object, found list",
    ]


def test_json_array_document(workspace, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": "x1", "text": "One."}, {"id": "x2", "text": "Two.", "url": "http://www.x.example/2"}]))
    run = ingest(workspace, "articles", path)
    assert_clean_exit(run)
    assert summary_counts(run) == (2, 1, 0)
    assert article(workspace, "x2")["outlet"] == "x.example"


def test_truncated_json_lines_keep_the_good_records(workspace, tmp_path):
    data = JSONL.read_bytes()
    fourth_line = data.index("ria-1107".encode())
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: fourth_line + 40])
    run = ingest(workspace, "articles", cut)
    assert_clean_exit(run)
    assert summary_counts(run) == (3, 1, 1)
    assert [r[0] for r in query(workspace, "SELECT doc_id FROM articles ORDER BY doc_id")] == [
        "48213", "hg-2024-0311-ferry", "ledger-2024-0312-grid",
    ]


# -- files that are not articles --------------------------------------------------------


def test_other_suffix_in_a_folder_is_named_with_the_accepted_ones(workspace, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "story.txt").write_text("Headline\n\nBody.\n", encoding="utf-8")
    (folder / "story.docx").write_bytes(b"PK\x03\x04 not a text file")
    run = ingest(workspace, "articles", folder)
    assert_clean_exit(run, 2)
    assert summary_counts(run) == (1, 1, 0)
    message = one_line(run.stderr)
    assert "story.docx" in message and ".txt, .html, .htm, .jsonl, .ndjson, .json" in message
    assert scalar(workspace, "SELECT doc_id FROM articles") == "story.txt"


def test_csv_named_jsonl_is_unusable(workspace, tmp_path):
    wrong = tmp_path / "export.jsonl"
    wrong.write_text("id,text\n1,hello\n2,world\n")
    run = ingest(workspace, "articles", wrong)
    assert_clean_exit(run, 2)
    assert "export.jsonl" in one_line(run.stderr)
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0


def test_binary_named_html_is_unusable(workspace, tmp_path):
    wrong = tmp_path / "photo.html"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    run = ingest(workspace, "articles", wrong)
    assert_clean_exit(run, 2)
    assert "photo.html" in one_line(run.stderr)


# -- the PTC corpus (SemEval 2020 task 11) -----------------------------------------------


def test_ptc_dev_articles_are_stored_exactly(workspace):
    folder = needs_shared_data("ptc", "ptc_v2_semeval2020_task11", "dev-articles")
    files = sorted(folder.glob("article*.txt"))
    run = ingest(workspace, "articles", folder)
    assert_clean_exit(run)
    assert summary_counts(run) == (len(files), len(files), 0)
    stored = dict(query(workspace, "SELECT doc_id, text FROM articles"))
    assert set(stored) == {f.name for f in files}
    for path in files:
        assert stored[path.name] == path.read_bytes().decode("utf-8"), path.name
    first = files[0]
    assert scalar(workspace, "SELECT title FROM articles WHERE doc_id = ?", [first.name]) == \
        first.read_text(encoding="utf-8").splitlines()[0].strip()


def test_ptc_label_offsets_point_at_their_fragments(workspace):
    folder = needs_shared_data("ptc", "ptc_v2_semeval2020_task11", "dev-articles")
    assert_clean_exit(ingest(workspace, "articles", folder / "article738447109.txt"))
    text = article(workspace, "article738447109.txt")["text"]
    # This article has a byte-order mark in the middle (kept: the labels count it).
    assert text[2536] == "\ufeff"
    assert text[0:17] == "From Bad To Worse"  # Slogans 0 17
    assert text[5790:5819] == "horrific torture of detainees"  # Loaded_Language 5790 5819
