"""`actions`: CooRTweet's four-column table (`object_id, account_id, content_id,
timestamp_share` in Unix seconds, optional `kind`) from CSV/TSV or Parquet.

This is the fast path for big inputs: DuckDB's own readers stream the file straight into
the `actions` table with no Python per row (a CSV file DuckDB's reader cannot get through
falls back to Python's csv module, slower but forgiving). Rows are kept as given (CooRTweet keeps
repeated rows too); a row with an empty id or an unreadable time goes to quarantine, and
so do CSV lines DuckDB cannot parse (its `store_rejects` tables give the reasons).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa

from inconcert.errors import UnusableFile
from inconcert.ingest.sources import RAW_EXCERPT_CHARS, Malformed, csv_records, data_suffix, open_binary
from inconcert.ingest.staging import Staging
from inconcert.store.schema import ACTIONS

REQUIRED = ("object_id", "account_id", "content_id", "timestamp_share")
# Other tools' names for the kinds of shared object, mapped to `coordination --kind` names.
KIND_SYNONYMS = {
    "url": "link", "urls": "link", "links": "link", "url_id": "link",
    "repost": "retweet", "reshare": "retweet", "share": "retweet", "forward": "retweet", "reblog": "retweet",
    "hashtags": "hashtag", "hashtag_id": "hashtag", "tag": "hashtag",
    "domain_id": "domain", "domains": "domain",
    "phash": "image", "phash_id": "image", "image_hash": "image", "images": "image",
    "mentions": "mention", "replies": "reply", "reply_to": "reply",
}
KINDLESS = "object"
CandidatesOn = Callable[[Path, str], str]
_MAX_EPOCH_SECONDS = 253_402_300_799
# Longer lines are quarantined. A bigger limit makes DuckDB's reader allocate bigger
# buffers: 64 MiB doubled the time of every CSV ingest.
_CSV_LINE_LIMIT = 4 << 20
# DuckDB errors that mean a bug in this module's SQL or lack of resources, not a bad file.
_OUR_OWN_FAULTS = (
    duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException,
    duckdb.InternalException, duckdb.OutOfMemoryException,
)


# What a Parquet file's rows are called in the SQL that normalises them on another engine.
SOURCE_VIEW = "actions_source"


def read(path: Path, staging: Staging, on_bytes=None, candidates_on: CandidatesOn | None = None,
         source: str | None = None) -> None:
    """`candidates_on`, when given, runs the per-row normalisation on another engine
    (`inconcert.ingest.on_spark`): it gets the file and the SQL over SOURCE_VIEW, and
    returns a DuckDB query over the engine's result. For a CSV file that engine has the
    rows DuckDB's CSV reader gives and quarantines its rejected lines itself
    (`quarantine_csv_rejects`). `source` is a DuckDB relation with the file's columns and
    types when DuckDB cannot open the file (a remote Parquet file). Everything else
    (quarantine, de-duplication, counts) is the same code whichever engine ran it."""
    try:
        _read(path, staging, candidates_on, source)
    except _OUR_OWN_FAULTS:
        raise
    except duckdb.Error as error:  # the file's fault: corrupt Parquet, undecodable CSV, ...
        what = "Parquet" if data_suffix(path) in (".parquet", ".pq") else "CSV"
        raise UnusableFile(f"{path}: cannot be read as {what} ({str(error).splitlines()[0][:200]}).") from None


def _read(path: Path, staging: Staging, candidates_on: CandidatesOn | None = None, source: str | None = None) -> None:
    con = staging.con
    from_duckdb_csv = False
    if source is None:
        source, from_duckdb_csv = file_source(path)
    if candidates_on is not None:
        candidates = candidates_on(path, _candidates_sql(path, con, source, read_from=SOURCE_VIEW))
        from_duckdb_csv = False  # the engine read the lines; it hands over the rejected ones
    else:
        candidates = _candidates_sql(path, con, source)
    good = "account_id IS NOT NULL AND content_id IS NOT NULL AND object_id IS NOT NULL AND ts IS NOT NULL"
    counts = _counts(con, candidates, good, on_cursor=from_duckdb_csv)
    if counts is None:  # DuckDB's CSV reader gave up on this file
        source, from_duckdb_csv = _load_with_python_csv(path, staging), False
        candidates = _candidates_sql(path, con, source)
        counts = _counts(con, candidates, good, on_cursor=False)
    total, bad = counts
    con.execute(f"CREATE OR REPLACE TEMP VIEW action_candidates AS {candidates}")
    if bad:
        _quarantine_bad_values(staging, good)
    inserted = con.execute(
        f"INSERT INTO actions SELECT {', '.join(ACTIONS.columns)} FROM action_candidates c "
        f"WHERE {good}{_not_already_there(con)}"
    ).fetchone()[0]
    if from_duckdb_csv:
        quarantine_csv_rejects(staging)
    staging.count_direct(records=total - bad, actions=inserted)
    con.execute("DROP VIEW action_candidates")
    con.execute("DROP TABLE IF EXISTS python_csv_rows")


def _candidates_sql(path: Path, con: duckdb.DuckDBPyConnection, source: str, read_from: str | None = None) -> str:
    """The file's rows as canonical action columns plus what quarantine needs. No window
    functions: this must stream (flat memory, parallel scan). Types come from `source`;
    the rows from `read_from` when given (the same file as another engine reads it), so
    the SQL keeps to what SQLGlot carries over to Spark."""
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {source})").fetchall())
    missing = [c for c in REQUIRED if c not in types]
    if missing:
        raise UnusableFile(
            f"{path}: not an actions table (missing column(s) {', '.join(missing)}; "
            f"found {', '.join(list(types)[:8]) or 'none'})."
        )
    seconds, ts = _time_expressions("timestamp_share", types["timestamp_share"])
    kind = _kind_expression(types)
    kind_given = "lower(trim(CAST(kind AS VARCHAR)))" if "kind" in types else "NULL"
    platform = "CAST(platform AS VARCHAR)" if "platform" in types else "'unknown'"
    line = "_line" if "_line" in types else "NULL"
    ids = {c: f"nullif(CAST({c} AS VARCHAR), '')" for c in ("object_id", "account_id", "content_id")}  # as given
    return f"""
        SELECT {platform} AS platform, {ids['account_id']} AS account_id, {ids['content_id']} AS content_id,
               {ids['object_id']} AS object_id, {kind} AS kind, {ts} AS ts,
               CAST(timestamp_share AS VARCHAR) AS raw_ts, {line} AS line
        FROM (SELECT *, {seconds} AS seconds, {kind_given} AS kind_given FROM {read_from or source}) AS given
    """


def _counts(con: duckdb.DuckDBPyConnection, candidates: str, good: str, on_cursor: bool) -> tuple[int, int] | None:
    """(rows, rows with bad values). On DuckDB's CSV reader this pass also tells whether the
    reader gets through the file at all (None when not); it runs on a separate cursor
    because a failed statement would abort the ingest's transaction."""
    query = f"SELECT count(*), count(*) FILTER (WHERE NOT ({good})) FROM ({candidates})"
    if not on_cursor:
        return con.execute(query).fetchone()
    cursor = con.cursor()
    try:
        return cursor.execute(query).fetchone()
    except _OUR_OWN_FAULTS:
        raise
    except duckdb.Error:
        return None
    finally:
        cursor.close()


def _load_with_python_csv(path: Path, staging: Staging) -> str:
    """The slow, forgiving path for CSV files DuckDB's reader gives up on (mixed newlines,
    stray quotes): Python's csv module row by row, bad rows quarantined with their line."""
    header, batch = None, []
    columns: list[str] = []

    def flush() -> None:
        table = pa.table({c: pa.array([row.get(c) for row in batch], pa.string()) for c in columns} |
                         {"_line": pa.array([row["_line"] for row in batch], pa.int64())})
        staging.con.register("_python_csv_batch", table)
        staging.con.execute("INSERT INTO python_csv_rows SELECT * FROM _python_csv_batch")
        staging.con.unregister("_python_csv_batch")
        batch.clear()

    for record in csv_records(path, REQUIRED, format_name="actions"):
        if isinstance(record, Malformed):
            staging.reject(record.number, record.reason, record.raw)
            continue
        number, row = record
        if header is None:
            header = list(row)
            columns = header
            spec = ", ".join(f'"{c}" VARCHAR' for c in columns)
            staging.con.execute(f"CREATE OR REPLACE TEMP TABLE python_csv_rows ({spec}, _line BIGINT)")
        batch.append({**row, "_line": number})
        if len(batch) >= 50_000:
            flush()
    if header is None:
        raise UnusableFile(f"{path}: no data rows.")
    if batch:
        flush()
    return "python_csv_rows"


def _not_already_there(con) -> str:
    """Repeated rows inside one file are kept (CooRTweet counts them); rows already in the
    workspace from another file (the same data ingested twice, say as CSV and Parquet) are not."""
    if con.execute("SELECT NOT EXISTS (SELECT 1 FROM actions)").fetchone()[0]:
        return ""
    already = " AND ".join(f"a.{c} = c.{c}" for c in ACTIONS.columns)
    return f" AND NOT EXISTS (SELECT 1 FROM actions a WHERE {already})"


def file_source(path: Path) -> tuple[str, bool]:
    """The DuckDB table function that reads the file, and whether it is DuckDB's CSV reader."""
    literal = "'" + str(path).replace("'", "''") + "'"
    if data_suffix(path) in (".parquet", ".pq"):
        _check_parquet(path)
        return f"read_parquet({literal})", False
    header, delimiter = csv_header(path)
    columns = "{" + ", ".join(f"'{_quote(c)}': 'VARCHAR'" for c in header) + "}"
    delim = "\\t" if delimiter == "\t" else delimiter
    return (
        f"read_csv({literal}, header = true, auto_detect = false, columns = {columns}, "
        f"delim = '{delim}', quote = '\"', escape = '\"', store_rejects = true, "
        f"max_line_size = {_CSV_LINE_LIMIT}, null_padding = false)",
        True,
    )


def _check_parquet(path: Path) -> None:
    with open(path, "rb") as stream:
        if stream.read(4) != b"PAR1":
            raise UnusableFile(f"{path}: not a Parquet file (it does not start with PAR1).")


def csv_header(path: Path) -> tuple[list[str], str]:
    with open_binary(path) as binary:
        first = binary.readline(1 << 20)
    if not first.strip():
        raise UnusableFile(f"{path}: empty, no header row.")
    line = first.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = max((",", "\t", ";", "|"), key=line.count)
    try:
        header = [h.strip() for h in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
    except (csv.Error, StopIteration):
        raise UnusableFile(f"{path}: the CSV header cannot be read.") from None
    if len(set(header)) != len(header) or any(not h for h in header):
        raise UnusableFile(f"{path}: the header has empty or repeated column names.")
    return header, delimiter


def _quote(name: str) -> str:
    return name.replace("'", "''")


def _time_expressions(column: str, column_type: str) -> tuple[str, str]:
    """Unix seconds (integer or fractional, exact to the microsecond) or an ISO date-time,
    as a UTC TIMESTAMP (NULL when neither). Returns the expression for the seconds, computed
    once per row in an inner query, and the timestamp expression built on it."""
    if column_type.startswith("TIMESTAMP") or column_type == "DATE":
        return "NULL", f"CAST({column} AS TIMESTAMP)"
    if column_type in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "HUGEINT"):
        seconds = f"CAST({column} AS BIGINT)"
        return seconds, f"CASE WHEN abs(seconds) <= {_MAX_EPOCH_SECONDS} THEN make_timestamp(seconds * 1000000) END"
    # Whole seconds (the usual case) take the integer cast; DuckDB would round "1.5" to 2
    # there, so anything with a point or an exponent takes the exact DECIMAL route.
    text = f"CAST({column} AS VARCHAR)"
    seconds = (
        f"CASE WHEN contains({text}, '.') OR contains({text}, 'e') OR contains({text}, 'E') "
        f"THEN coalesce(try_cast({text} AS DECIMAL(38, 6)), try_cast(try_cast({text} AS DOUBLE) AS DECIMAL(38, 6))) "
        f"ELSE try_cast({text} AS BIGINT) END"
    )
    return seconds, (
        f"CASE WHEN abs(seconds) <= {_MAX_EPOCH_SECONDS} THEN make_timestamp(CAST(seconds * 1000000 AS BIGINT)) "
        f"WHEN seconds IS NULL THEN try_cast({text} AS TIMESTAMP) END"
    )


def _kind_expression(types: dict[str, str]) -> str:
    if "kind" not in types:
        return f"'{KINDLESS}'"
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KIND_SYNONYMS.items())
    return f"coalesce(nullif(CASE kind_given {cases} ELSE kind_given END, ''), '{KINDLESS}')"


def _quarantine_bad_values(staging: Staging, good: str) -> int:
    reason = (
        "CASE WHEN object_id IS NULL THEN 'empty object_id' "
        "WHEN account_id IS NULL THEN 'empty account_id' "
        "WHEN content_id IS NULL THEN 'empty content_id' "
        "ELSE 'timestamp_share is not a Unix time or date-time: ' || coalesce(raw_ts, 'empty') END"
    )
    raw = (
        "left(concat_ws(',', object_id, account_id, content_id, raw_ts), "
        f"{RAW_EXCERPT_CHARS})"
    )
    rows = staging.con.execute(
        f"""
        INSERT INTO quarantine
        SELECT ?, coalesce(line, record + 1), {reason}, {raw}, ?
        FROM (SELECT row_number() OVER () AS record, * FROM action_candidates)
        WHERE NOT ({good})
        """,
        [staging.file_label, staging.ingest_id],
    ).fetchone()[0]
    staging.quarantined += rows
    if rows and staging.first_reason is None:
        staging.first_reason = "rows without ids or times"
    return rows


def quarantine_csv_rejects(staging: Staging, rejects: str = "reject_errors") -> None:
    """The lines DuckDB's CSV reader rejected, from its `reject_errors` table or from a
    table of the same columns (`line, error_type, error_message, csv_line, scan_id`) that
    readers of parts of the file filled."""
    rows = staging.con.execute(
        f"""
        INSERT INTO quarantine
        SELECT ?, CAST(line AS BIGINT), lower(CAST(error_type AS VARCHAR)) || ': ' || error_message,
               left(csv_line, {RAW_EXCERPT_CHARS}), ?
        FROM {rejects}
        WHERE scan_id = (SELECT min(scan_id) FROM {rejects})  -- the view is scanned twice
        ORDER BY line
        """,
        [staging.file_label, staging.ingest_id],
    ).fetchone()[0]
    staging.quarantined += rows
    if rows and staging.first_reason is None:
        staging.first_reason = "CSV lines that could not be parsed"
    if rejects == "reject_errors":
        staging.con.execute("DELETE FROM reject_errors")
        staging.con.execute("DELETE FROM reject_scans")
