"""`--engine spark` gives what DuckDB gives: the same edges, evidence, viral objects,
accounts and clusters (integers exactly, floats to a relative 1e-9, CONTRACT §7), on the
generated scenario for every kind and on CooRTweet's Russian sample.

One local Spark session (two cores, four shuffle partitions) is shared by the whole file:
starting a JVM costs seconds."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import assert_clean_exit, ingest, needs_shared_data, run_cli
from inconcert.coordination.detect import CoordinationParams, detect
from inconcert.ingest.pipeline import ingest as ingest_files
from inconcert.ingest.shares import ACTION_KINDS
from inconcert.simulate.scenario import write_scenario
from inconcert.store.workspace import Workspace

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install '.[spark]')")

from inconcert.engines.spark import SparkEngine, build_session  # noqa: E402

RESULT_TABLES = {
    "coordination_edges": "account_a, account_b",
    "coordination_evidence": "account_a, account_b, ts_a, ts_b, kind, object_id, content_a, content_b",
    "coordination_viral_objects": "kind, object_id",
    "coordination_accounts": "account_id",
    "coordination_clusters": "cluster_id",
}


@pytest.fixture(scope="session")
def spark():
    session = build_session("local[2]", app_name="inconcert-tests", shuffle_partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def scenario_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-scenario")
    manifest = write_scenario(folder / "scenario", seed=7)
    workspace = folder / "ws"
    with Workspace.open(workspace) as ws:
        for file in manifest.files:
            assert not ingest_files(ws, file.format, [file.path]).errors
    return workspace


def results(workspace, params: CoordinationParams, engine=None) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every stored coordination table after one run, as (columns, rows in a fixed order)."""
    with Workspace.open(workspace) as ws:
        detect(ws, params, engine=engine)
        tables = {}
        for table, order in RESULT_TABLES.items():
            cursor = ws.con.execute(f"SELECT * FROM {table} ORDER BY {order}")
            tables[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return tables


def spark_engine(session, workspace) -> SparkEngine:
    return SparkEngine(session, staging=str(workspace.parent / "spark-staging"))


def assert_same(duck: dict, spark: dict) -> None:
    for table, (columns, rows) in duck.items():
        spark_columns, spark_rows = spark[table]
        assert spark_columns == columns, table
        assert len(spark_rows) == len(rows), table
        for duck_row, spark_row in zip(rows, spark_rows):
            for column, a, b in zip(columns, duck_row, spark_row):
                if isinstance(a, float) and isinstance(b, float):
                    assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300), (table, column, duck_row)
                else:
                    assert a == b, (table, column, duck_row)


def test_every_kind_of_the_scenario_pairs_alike_on_both_engines(spark, scenario_workspace):
    """One Spark run over all kinds, with the participation filter, a fast window and the
    viral-object guard, gives the DuckDB results; its evidence and edges of each kind are
    exactly those of a DuckDB run on that kind alone (kinds never pair across, so this
    checks every kind's pairing on Spark)."""
    settings = dict(window=120, min_participation=2, max_object_accounts=40)
    params = CoordinationParams(kind="any", fast_window=10, **settings)
    duck = results(scenario_workspace, params)
    assert duck["coordination_viral_objects"][1], "the guard should set some viral posts aside"
    assert "weight_fast" in duck["coordination_edges"][0]
    on_spark = results(scenario_workspace, params, engine=spark_engine(spark, scenario_workspace))
    assert_same(duck, on_spark)
    columns, evidence = on_spark["coordination_evidence"]
    kind_at = columns.index("kind")
    kinds_seen = {row[kind_at] for row in evidence}
    assert {"retweet", "link", "hashtag", "text"} <= kinds_seen  # domains: all past the guard
    edge_columns, edges = on_spark["coordination_edges"]
    for kind in sorted(set(ACTION_KINDS) | kinds_seen):
        spark_evidence = [row for row in evidence if row[kind_at] == kind]
        layer = edge_columns.index(f"weight_{kind}") if f"weight_{kind}" in edge_columns else None
        spark_layer = sorted((row[0], row[1], row[layer]) for row in edges if layer is not None and row[layer] > 0)
        if kind not in kinds_seen:
            assert not spark_evidence and not spark_layer, kind
            continue
        alone = results(scenario_workspace, CoordinationParams(kind=kind, **settings))
        assert spark_evidence == alone["coordination_evidence"][1], kind
        assert spark_layer == sorted((row[0], row[1], row[2]) for row in alone["coordination_edges"][1]), kind


@pytest.fixture(scope="module")
def russian_workspace(tmp_path_factory):
    source = needs_shared_data("coortweet", "russian_coord_tweets.csv")
    workspace = tmp_path_factory.mktemp("spark-russian") / "ws"
    assert_clean_exit(ingest(workspace, "actions", source))
    return workspace


def test_russian_sample_alike_on_both_engines(spark, russian_workspace):
    params = CoordinationParams(window=60, kind="retweet")
    duck = results(russian_workspace, params)
    assert len(duck["coordination_edges"][1]) > 100
    assert_same(duck, results(russian_workspace, params, engine=spark_engine(spark, russian_workspace)))


def test_spark_submit_job_reads_and_writes_parquet_on_hadoop_paths(spark, russian_workspace, tmp_path):
    """The lake-to-lake job (inconcert.engines.spark_job) on file:// URIs: its edges are
    the workspace's edges."""
    from inconcert.engines.spark_job import parse_args, run

    parquet = needs_shared_data("coortweet", "russian_coord_tweets.parquet")
    out = (tmp_path / "job").as_uri()
    args = parse_args(["--actions", parquet.as_uri(), "--out", out, "--window", "60", "--kind", "retweet"])
    counts = run(spark, args)
    columns = "account_a, account_b, weight, n_objects, weight_ab, weight_ba"
    job_edges = sorted(tuple(row) for row in spark.read.parquet(f"{out}/edges").selectExpr(*columns.split(", ")).collect())
    duck = results(russian_workspace, CoordinationParams(window=60, kind="retweet"))
    names, rows = duck["coordination_edges"]
    picked = [names.index(name) for name in columns.split(", ")]
    assert job_edges == sorted(tuple(row[i] for i in picked) for row in rows)
    assert counts["evidence"] == len(duck["coordination_evidence"][1])
    assert not (tmp_path / "job" / "_steps").exists()


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def test_cli_engine_spark_writes_the_same_edges_csv(russian_workspace, tmp_path, monkeypatch):
    """The user's path: a fresh process, Spark started from INCONCERT_SPARK_MASTER."""
    monkeypatch.setenv("INCONCERT_SPARK_MASTER", "local[2]")
    monkeypatch.setenv("INCONCERT_SPARK_SHUFFLE_PARTITIONS", "4")
    flags = ["coordination", "--workspace", russian_workspace, "--window", "60", "--kind", "retweet", "--no-graph-files"]
    assert_clean_exit(run_cli(*flags, "--out", tmp_path / "duckdb"))
    run = run_cli(*flags, "--engine", "spark", "--out", tmp_path / "spark")
    assert_clean_exit(run)
    duck, spark = read_csv(tmp_path / "duckdb" / "edges.csv"), read_csv(tmp_path / "spark" / "edges.csv")
    assert duck[0] == spark[0] and len(duck) == len(spark) > 1000
    for duck_row, spark_row in zip(duck, spark):
        for a, b in zip(duck_row, spark_row):
            try:
                assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-300)
            except ValueError:
                assert a == b
    assert not any((russian_workspace / ".tmp" / "spark").glob("run-*")), "staging files are cleaned up"


def test_without_pyspark_engine_spark_says_what_to_install(tmp_path):
    """As on an install without the `spark` extra: pyspark cannot be imported."""
    program = (
        "import sys; sys.modules['pyspark'] = None; from inconcert.cli import main; "
        f"sys.argv = ['inconcert', 'coordination', '--workspace', {str(tmp_path / 'ws')!r}, "
        f"'--window', '60', '--engine', 'spark', '--out', {str(tmp_path / 'out')!r}]; main()"
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "inconcert[spark]" in run.stderr and "Traceback" not in run.stderr


def test_unknown_engine_is_a_user_mistake(tmp_path):
    run = run_cli("coordination", "--workspace", tmp_path / "ws", "--window", "60", "--engine", "flink",
                  "--out", tmp_path / "out")
    assert run.returncode == 2 and "--engine flink" in run.stderr


SIGNALS_COUNTED_ON_ENGINE = {
    "signals_volume_bursts": "kind, object_id, period_start",
    "signals_creation_bursts": "date_basis, resolution, period_start",
    "signals_accounts": "platform, account_id",
}


def test_signals_series_counted_on_spark_equal_duckdb(spark, scenario_workspace, tmp_path):
    """`signals --engine spark` dates the accounts and counts the creation and the
    hashtag/link/domain series on Spark; the creation bursts, volume bursts and account
    table found from them are DuckDB's."""
    from inconcert.signals import run_signals

    tables = {}
    for name, engine in (("duckdb", None), ("spark", spark_engine(spark, scenario_workspace))):
        with Workspace.open(scenario_workspace) as ws:
            run_signals(ws, engine=engine)
            tables[name] = {}
            for table, order in SIGNALS_COUNTED_ON_ENGINE.items():
                cursor = ws.con.execute(f"SELECT * FROM {table} ORDER BY {order}")
                tables[name][table] = ([c[0] for c in cursor.description], cursor.fetchall())
    duck = tables["duckdb"]
    assert duck["signals_volume_bursts"][1], "the scenario has hashtag bursts"
    columns, periods = duck["signals_creation_bursts"]
    assert any(row[columns.index("flagged")] for row in periods), "the scenario's bot network was made in bursts"
    columns, accounts = duck["signals_accounts"]
    assert any(row[columns.index("in_creation_burst")] for row in accounts)
    assert_same(duck, tables["spark"])


class RecordingSparkEngine(SparkEngine):
    """The Spark engine, noting which steps it ran: proves the band join went to Spark."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps_run: list[str] = []

    def run(self, con, inputs, steps, outputs):
        self.steps_run += [step.name for step in steps]
        super().run(con, inputs, steps, outputs)


def test_reuse_and_near_text_band_joins_on_spark_equal_duckdb(spark, scenario_workspace):
    """The MinHash band joins (articles' passage windows, posts' near-duplicates) run on
    Spark and give DuckDB's reused passages and near-text groups."""
    from inconcert.text.reuse import find_reuse
    from inconcert.text.reuse.posts import create_near_text_shares

    found = {}
    for name in ("duckdb", "spark"):
        engine = RecordingSparkEngine(spark, staging=str(scenario_workspace.parent / "spark-staging")) if name == "spark" else None
        with Workspace.open(scenario_workspace) as ws:
            find_reuse(ws, engine=engine)
            create_near_text_shares(ws.con, table="near_text_check", engine=engine)
            found[name] = {
                table: ws.con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
                for table in ("text_reuse", "text_reuse_outlets", "near_text_check")
            }
        if engine is not None:
            assert engine.steps_run == ["reuse_candidates", "near_text_candidates"]
    assert found["duckdb"]["text_reuse"] and found["duckdb"]["near_text_check"], "the scenario plants both"
    assert found["spark"] == found["duckdb"]


# -- ingest --------------------------------------------------------------------------

DATA = Path(__file__).parent / "data"
INGESTED_TABLES = ("posts", "accounts", "actions", "articles", "quarantine", "ingests")


def ingested(workspace, format_name: str, path, engine=None) -> dict[str, list]:
    """Every canonical table and the ingest log after ingesting one file, rows sorted
    (order-free), with what the run reported."""
    with Workspace.open(workspace) as ws:
        report = ingest_files(ws, format_name, [path], engine=engine)
        tables = {table: sorted(map(repr, ws.con.execute(f"SELECT * FROM {table}").fetchall()))
                  for table in INGESTED_TABLES}
    tables["report"] = [(report.records, report.quarantined, report.errors)]
    return tables


def actions_with_bad_rows(folder):
    """A Parquet actions table with what ingest must quarantine (empty ids, times that
    are neither Unix seconds nor date-times) and what it must read (fractional seconds,
    ISO date-times, kind synonyms)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / "actions_bad.parquet"
    pq.write_table(pa.table({
        "object_id": ["o1", "o1", "", "o2", "o2", "o3", None, "o3"],
        "account_id": ["a1", "a2", "a3", "", "a4", "a5", "a6", "a1"],
        "content_id": ["c1", "c2", "c3", "c4", None, "c6", "c7", "c8"],
        "timestamp_share": ["1600000000", "1600000010.25", "1600000020", "1600000030", "1600000040",
                            "2020-09-13T12:26:50", "1600000060", "yesterday"],
        "kind": ["url", "Repost", "hashtag", None, "link", "", "tag", "link"],
    }), path)
    return path


def scenario_pages(scenario_workspace):
    manifest = json.loads((scenario_workspace.parent / "scenario" / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [f for f in manifest["files"] if f["format"] == "twitter-v2"]
    return scenario_workspace.parent / "scenario" / entry["path"]


@pytest.mark.parametrize("format_name, source", [
    ("actions", "bad rows"),
    ("actions", DATA / "actions" / "actions.parquet"),
    ("bluesky", DATA / "bluesky" / "jetstream.jsonl"),
    ("4cat", DATA / "4cat" / "twitter_zeeschuimer.ndjson"),
    ("mastodon", DATA / "mastodon" / "statuses.jsonl"),
    ("twitter-v2", "scenario"),
])
def test_ingest_on_spark_gives_duckdbs_rows_and_quarantine(spark, scenario_workspace, tmp_path, monkeypatch,
                                                           format_name, source):
    """The same file ingested by DuckDB/Python and by Spark (JSON lines cut into four or
    five parts, so records are parsed by several tasks and parts meet mid-file) gives the
    same canonical rows, quarantined records with the same reasons and line numbers, and
    the same ingest log."""
    from inconcert.ingest import on_spark

    path = {"bad rows": lambda: actions_with_bad_rows(tmp_path),
            "scenario": lambda: scenario_pages(scenario_workspace)}.get(source, lambda: source)()
    part_bytes = max(4096, path.stat().st_size // 4)  # a few parts: each task costs a Python worker's start
    monkeypatch.setattr(on_spark, "PART_BYTES", part_bytes)
    read_by = []
    real = on_spark.read_on_spark
    monkeypatch.setattr(on_spark, "read_on_spark", lambda *a, **k: read_by.append(real(*a, **k)) or read_by[-1])
    duck = ingested(tmp_path / "duckdb", format_name, path)
    on_spark_engine = SparkEngine(spark, staging=str(tmp_path / "spark-staging"))
    spark_tables = ingested(tmp_path / "spark", format_name, path, engine=on_spark_engine)
    assert read_by == [True], "Spark, not the driver, read the file"
    if format_name != "actions":
        assert len(on_spark.line_parts(path, part_bytes)) > 1
    assert duck["actions"], "the file yields actions"
    for table in duck:
        assert spark_tables[table] == duck[table], table
    if source == "bad rows":
        reasons = sorted(row.split(", ")[2] for row in duck["quarantine"])
        assert len(reasons) == 5 and any("yesterday" in reason for reason in reasons)
    assert not any((tmp_path / "spark-staging").glob("ingest-*")), "staging files are cleaned up"


def test_russian_parquet_ingested_on_spark_equals_duckdb(spark, tmp_path):
    source = needs_shared_data("coortweet", "russian_coord_tweets.parquet")
    duck = ingested(tmp_path / "duckdb", "actions", source)
    on_spark = ingested(tmp_path / "spark", "actions", source, engine=SparkEngine(spark, staging=str(tmp_path / "st")))
    assert len(duck["actions"]) > 10_000
    assert on_spark == duck


def test_cli_ingest_engine_spark_writes_the_same_actions(tmp_path, monkeypatch):
    """`inconcert ingest --engine spark` in a fresh process leaves the actions and
    quarantine that DuckDB ingest leaves."""
    monkeypatch.setenv("INCONCERT_SPARK_MASTER", "local[2]")
    files = [DATA / "bluesky" / "jetstream.jsonl"]
    assert_clean_exit(run_cli("ingest", "--workspace", tmp_path / "duckdb", "--format", "bluesky", *files))
    run = run_cli("ingest", "--workspace", tmp_path / "spark", "--format", "bluesky", "--engine", "spark", *files)
    assert_clean_exit(run)
    tables = {}
    for name in ("duckdb", "spark"):
        with Workspace.open(tmp_path / name, read_only=True) as ws:
            tables[name] = {t: sorted(ws.con.execute(f"SELECT * FROM {t}").fetchall()) for t in ("actions", "quarantine")}
    assert tables["duckdb"]["actions"] and tables["spark"] == tables["duckdb"]


def actions_csv_with_bad_rows(folder, newline: str):
    """An actions CSV with what DuckDB's CSV reader rejects (too many and too few fields,
    with a blank line before), values ingest quarantines (an empty id, a time that is
    not one), quoted values over several lines and doubled quotes."""
    lines = [
        "object_id,account_id,content_id,timestamp_share,kind", "o1,a1,c1,1600000000,url",
        '"o\n2",a2,c2,1600000001,link', "o3,a3,c3,1600000002,link,extra", "", "o4,a4",
        "o5,a5,c5,160000x,link", ",a6,c6,1600000005,Repost", "o7,a7,c7,1600000007,",
        '"o,8",a8,"c8 ""quoted""",1600000008.5,tag', "o9,a9,c9,2020-09-13T12:26:50,hashtag",
        'o10,"a\n10\n",c10,1600000010,link', "", "", "o11,a11,c11,1600000011,link", "o12,a12,c12",
        "o13,a13,c13,1600000013,link",
    ]
    path = folder / f"actions_bad_{len(newline)}.csv"
    path.write_bytes(("\n".join(lines) + "\n").replace("\n", newline).encode())
    return path


def ingest_both_ways(spark, tmp_path, monkeypatch, path, part_bytes: int) -> tuple[dict, dict, list[bool]]:
    """The file ingested by DuckDB, and by Spark with CSV parts of `part_bytes`; whether
    Spark (True) or the driver (False) read it."""
    from inconcert.ingest import on_spark

    monkeypatch.setattr(on_spark, "CSV_PART_BYTES", part_bytes)
    read_by = []
    real = on_spark.read_on_spark
    monkeypatch.setattr(on_spark, "read_on_spark", lambda *a, **k: read_by.append(real(*a, **k)) or read_by[-1])
    duck = ingested(tmp_path / "duckdb", "actions", path)
    spark_tables = ingested(tmp_path / "spark", "actions", path,
                            engine=SparkEngine(spark, staging=str(tmp_path / "spark-staging")))
    assert not any((tmp_path / "spark-staging").glob("ingest-*")), "staging files are cleaned up"
    return duck, spark_tables, read_by


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_actions_csv_read_in_spark_tasks_gives_duckdbs_rows_quarantine_and_log(spark, tmp_path, monkeypatch, newline):
    """An actions CSV cut into parts of a few lines, each read by DuckDB's CSV reader in a
    Spark task: the same actions, the same quarantined records with DuckDB's reasons,
    line numbers and excerpts, the same ingest log as DuckDB reading the whole file."""
    from inconcert.ingest import on_spark

    path = actions_csv_with_bad_rows(tmp_path, newline)
    assert len(on_spark.csv_parts(path, 40)[1]) > 5
    duck, on_spark_tables, read_by = ingest_both_ways(spark, tmp_path, monkeypatch, path, 40)
    assert read_by == [True], "Spark tasks, not the driver, read the file"
    reasons = [row.split(", ")[2] for row in duck["quarantine"]]
    assert any("too many columns" in r for r in reasons) and any("missing columns" in r for r in reasons)
    assert any("160000x" in r for r in reasons) and any("empty object_id" in r for r in reasons)
    assert len(duck["actions"]) == 8
    for table in duck:
        assert on_spark_tables[table] == duck[table], table


def test_actions_csv_samples_read_in_spark_tasks_equal_duckdb(spark, tmp_path, monkeypatch):
    """CooRTweet's Russian sample (3.9 MB, in four parts) and the small CRLF sample with
    bad values."""
    for name, path in (("russian", needs_shared_data("coortweet", "russian_coord_tweets.csv")),
                       ("sample", DATA / "actions" / "actions.csv")):
        part_bytes = max(100, path.stat().st_size // 4)
        duck, on_spark_tables, read_by = ingest_both_ways(spark, tmp_path / name, monkeypatch, path, part_bytes)
        assert read_by == [True], name
        assert duck["actions"] and on_spark_tables == duck, name


def test_actions_csv_with_a_stray_quote_is_read_on_the_driver(spark, tmp_path, monkeypatch):
    """A quote that opens a value never closed makes the quote count lie about where
    records end: the part reading it reports an unterminated quote, and the whole file is
    read on the driver, as DuckDB alone reads it."""
    path = tmp_path / "stray.csv"
    lines = ["object_id,account_id,content_id,timestamp_share"] + [f"o{i},a{i},c{i},{1600000000 + i}" for i in range(30)]
    lines[10] = '"o9,a9,c9,1600000009'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    duck, on_spark_tables, read_by = ingest_both_ways(spark, tmp_path, monkeypatch, path, 60)
    assert read_by == [False]
    assert on_spark_tables == duck
