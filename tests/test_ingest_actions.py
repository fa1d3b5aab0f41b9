"""`inconcert ingest --format actions`: CooRTweet's table from CSV or Parquet."""

from __future__ import annotations

from conftest import DATA, assert_clean_exit, ingest, needs_shared_data, query, scalar, summary_counts


def test_csv_with_kinds_keeps_good_rows_and_quarantines_the_rest(workspace):
    run = ingest(workspace, "actions", DATA / "actions" / "actions.csv")
    assert_clean_exit(run)
    # 10 data rows: one unreadable time and one empty account_id are quarantined.
    assert summary_counts(run) == (8, 1, 2)
    kinds = dict(query(workspace, "SELECT kind, count(*) FROM actions GROUP BY kind"))
    # `URL` is another tool's name for link; rows without a kind keep the generic kind.
    assert kinds == {"link": 2, "hashtag": 2, "retweet": 2, "object": 2}
    reasons = [r[0] for r in query(workspace, "SELECT reason FROM quarantine ORDER BY record")]
    assert reasons == ["timestamp_share is not a Unix time or date-time: not-a-time", "empty account_id"]
    # Fractional seconds survive; ids stay text exactly as given.
    assert scalar(workspace, "SELECT epoch_us(ts) FROM actions WHERE content_id = 'p8'") == 1_600_000_001_500_000


def test_repeated_rows_within_a_file_are_kept_as_given(workspace):
    ingest(workspace, "actions", DATA / "actions" / "actions.csv")
    assert scalar(workspace, "SELECT count(*) FROM actions WHERE content_id = 'p5'") == 2


def test_parquet_with_integer_ids(workspace):
    run = ingest(workspace, "actions", DATA / "actions" / "actions.parquet")
    assert_clean_exit(run)
    assert summary_counts(run) == (5, 1, 0)
    assert scalar(workspace, "SELECT min(content_id) FROM actions") == "10"


def test_same_file_twice_adds_nothing(workspace):
    first = ingest(workspace, "actions", DATA / "actions" / "actions.parquet")
    second = ingest(workspace, "actions", DATA / "actions" / "actions.parquet")
    assert_clean_exit(second)
    assert summary_counts(first)[0] == 5 and summary_counts(second)[0] == 0
    assert scalar(workspace, "SELECT count(*) FROM actions") == 5
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 1


def test_the_same_rows_from_another_file_are_not_added_twice(workspace, tmp_path):
    as_csv = tmp_path / "same.csv"
    as_csv.write_text(
        "object_id,account_id,content_id,timestamp_share\n"
        "o1,a1,10,1600000000\no1,a2,11,1600000010\no9,a9,99,1600000000\n"
    )
    ingest(workspace, "actions", DATA / "actions" / "actions.parquet")
    run = ingest(workspace, "actions", as_csv)
    assert summary_counts(run) == (3, 1, 0)
    assert scalar(workspace, "SELECT count(*) FROM actions") == 6


def test_missing_columns_is_exit_2_naming_the_file(workspace, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b,c\n1,2,3\n")
    run = ingest(workspace, "actions", wrong)
    assert_clean_exit(run, 2)
    assert "wrong.csv" in run.stderr and "object_id" in run.stderr
    assert scalar(workspace, "SELECT count(*) FROM ingests") == 0


def test_russian_coordination_sample(workspace):
    parquet = needs_shared_data("coortweet", "russian_coord_tweets.parquet")
    run = ingest(workspace, "actions", parquet)
    assert_clean_exit(run)
    assert summary_counts(run) == (35125, 1, 0)
    assert scalar(workspace, "SELECT count(DISTINCT account_id) FROM actions") == 9509
    assert scalar(workspace, "SELECT count(DISTINCT object_id) FROM actions") == 7285


def test_cut_parquet_file_is_exit_2_naming_it(workspace, tmp_path):
    data = (DATA / "actions" / "actions.parquet").read_bytes()
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(data[: len(data) * 9 // 10])  # the footer is gone
    run = ingest(workspace, "actions", cut)
    assert_clean_exit(run, 2)
    assert "cut.parquet" in run.stderr
