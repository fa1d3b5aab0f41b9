"""`inconcert ingest --engine spark`: the readers' own per-record work, run by Spark.

Nothing here reimplements a reader; what runs on Spark is the code DuckDB ingest runs:

- `actions` Parquet: the per-row normalisation SQL of `ingest/actions.py`, transpiled to
  Spark SQL by SQLGlot. Its result comes back to the workspace, where quarantine,
  de-duplication and the insert are the same code as for DuckDB.
- JSON lines of twitter-v1, twitter-v2, bluesky, mastodon and 4cat: the file is cut at
  line boundaries into parts; each Spark task reads its part with the shared line decoder
  (`sources.json_lines`), the reader's own expansion of a line into records and its
  parse, then `staging.parsed`/`staging.stage_rows`, the steps `Staging` runs. The staged
  rows and quarantined records come back as Parquet into the staging tables, and
  `Staging.merge` moves them into the canonical tables exactly as after a DuckDB read.
  A row's sequence number is (line number, position in the line), which orders rows as
  the one-process count does, so the same sighting of a post or account wins.
- Any other file (CSV exports, JSON array documents, compressed files, Telegram and
  article files, actions CSV whose rejected lines are DuckDB's reader's own) is read by
  its reader on the driver, as without Spark: the result is the same either way.

Input files must be readable at the same path by the driver and the executors (local
mode, or a shared file system); each file is still hashed on the driver first, so a file
ingested before is skipped whatever the engine.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

import msgspec
import pyarrow as pa

from inconcert.engines import Step
from inconcert.ingest import actions, bluesky, fourcat, mastodon, twitter_v1, twitter_v2
from inconcert.ingest.sources import Malformed, Record, data_suffix, json_lines
from inconcert.ingest.staging import Staging, parsed, stage_rows, stage_schema
from inconcert.store.schema import ACCOUNTS, ACTIONS, ARTICLES, POSTS, QUARANTINE

# A part of a JSON-lines file that one Spark task reads (cut at the next line end).
PART_BYTES = 64 << 20
# Rows of one line are numbered below this; a line yields at most a few hundred.
ROWS_PER_LINE = 1 << 20
STAGED_TABLES = (ACCOUNTS, POSTS, ACTIONS, ARTICLES)


def _same(records: Iterable[Record]) -> Iterable[Record]:
    return records


# format -> (the reader's expansion of decoded lines into records, its parse of one record)
LINE_READERS: dict[str, tuple[Callable[[Iterable[Record]], Iterable[Record]], Callable]] = {
    "twitter-v1": (twitter_v1.statuses_of, twitter_v1.parse),
    "twitter-v2": (twitter_v2.page_tweets, twitter_v2.parse),
    "bluesky": (_same, bluesky._rows),
    "mastodon": (mastodon.statuses_of, mastodon._rows),
    "4cat": (_same, fourcat.parse_item),
}


def read_on_spark(engine, format_name: str, reader: ModuleType, path: Path, staging: Staging,
                  on_bytes=None) -> bool:
    """Read one file into `staging`, on Spark where the format allows it; True when Spark
    read it, False when its reader ran on the driver."""
    folder = f"{engine.staging}/ingest-{uuid.uuid4().hex}"
    try:
        if format_name == "actions" and data_suffix(path) in (".parquet", ".pq"):
            actions.read(path, staging, on_bytes, candidates_on=_actions_on(engine, staging, folder))
            return True
        if format_name in LINE_READERS and _is_json_lines(path):
            _read_lines(engine, format_name, path, staging, folder, PART_BYTES)
            if on_bytes is not None:
                on_bytes(path.stat().st_size)
            return True
    finally:
        engine.delete(folder)
    reader.read(path, staging, on_bytes)
    return False


# -- actions Parquet -----------------------------------------------------------------


def _actions_on(engine, staging: Staging, folder: str) -> actions.CandidatesOn:
    def candidates(path: Path, sql: str) -> str:
        engine.session.read.parquet(path.resolve().as_uri()).createOrReplaceTempView(actions.SOURCE_VIEW)
        try:
            engine.execute([Step("spark_action_candidates", sql)], ["spark_action_candidates"], folder)
        finally:
            engine.session.catalog.dropTempView(actions.SOURCE_VIEW)
        engine.download(staging.con, "spark_action_candidates", f"{folder}/spark_action_candidates")
        # Spark writes its timestamps as instants; the workspace is in UTC, so the cast
        # gives back the wall time the SQL computed.
        return "SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts) FROM spark_action_candidates"

    return candidates


# -- JSON lines ----------------------------------------------------------------------


def _is_json_lines(path: Path) -> bool:
    """An uncompressed file whose first non-blank line is a whole JSON object: JSON lines,
    which can be cut at line ends. A JSON array document, an indented object or a
    compressed file is read whole by its reader."""
    if data_suffix(path) != path.suffix.lower():
        return False
    with open(path, "rb") as stream:
        for _ in range(64):
            line = stream.readline(1 << 20)
            if not line:
                return False
            stripped = line.lstrip(b"\xef\xbb\xbf").strip()
            if stripped:
                if not stripped.startswith(b"{"):
                    return False
                try:
                    msgspec.json.decode(stripped)
                except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
                    return False
                return True
    return False


def line_parts(path: Path, part_bytes: int) -> list[tuple[int, int, int]]:
    """(start byte, end byte, number of the first line) of parts of about `part_bytes`,
    each ending at a line end."""
    size = path.stat().st_size
    ends: list[int] = []
    with open(path, "rb") as stream:
        position = 0
        while position < size:
            target = position + part_bytes
            if target >= size:
                ends.append(size)
                break
            stream.seek(target - 1)  # a line ending just before the target ends the part there
            skipped = 0
            while piece := stream.readline(1 << 20):
                skipped += len(piece)
                if piece.endswith(b"\n"):
                    break
            position = min(size, target - 1 + skipped)
            ends.append(position)
        parts, start, first_line = [], 0, 1
        stream.seek(0)
        for end in ends:
            parts.append((start, end, first_line))
            left = end - start
            while left:
                block = stream.read(min(left, 8 << 20))
                first_line += block.count(b"\n")
                left -= len(block)
            start = end
    return parts


class _Range(io.RawIOBase):
    """`length` bytes of an open file from where it stands."""

    def __init__(self, raw, length: int):
        self._raw = raw
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._left <= 0:
            return 0
        n = self._raw.readinto(memoryview(buffer)[: self._left]) or 0
        self._left -= n
        return n


def stage_part(format_name: str, path: str, start: int, end: int, first_line: int) -> Iterator[tuple]:
    """One part's staged rows as (table, values), its quarantined records as
    ("quarantine", (record, reason, raw)), and ("records", n good records)."""
    expand, parse = LINE_READERS[format_name]
    good = 0
    with open(path, "rb") as raw:
        raw.seek(start)
        stream = io.BufferedReader(_Range(raw, end - start), buffer_size=1 << 20)
        current, position = None, 0
        for outcome in parsed(expand(json_lines(stream, first_number=first_line)), parse):
            if isinstance(outcome, Malformed):
                yield "quarantine", (outcome.number, outcome.reason, outcome.raw)
                continue
            number, rows = outcome
            good += 1
            if number != current:
                current, position = number, 0
            yield from stage_rows(rows, number * ROWS_PER_LINE + position)
            position += len(rows)
    yield "records", (good,)


def _read_lines(engine, format_name: str, path: Path, staging: Staging, folder: str, part_bytes: int) -> None:
    from pyspark import StorageLevel

    parts = line_parts(path, part_bytes)
    where = str(path.resolve())
    rdd = engine.session.sparkContext.parallelize(parts, len(parts)).flatMap(
        lambda part: stage_part(format_name, where, *part)
    )
    rdd.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        quarantine_schema = pa.schema([QUARANTINE.arrow_schema().field(n) for n in ("record", "reason", "raw")])
        tables = [(f"stage_{t.name}", t.name, stage_schema(t)) for t in STAGED_TABLES]
        for target, tag, schema in [*tables, ("spark_quarantine", "quarantine", quarantine_schema)]:
            frame = engine.session.createDataFrame(
                rdd.filter(lambda item, tag=tag: item[0] == tag).map(lambda item: item[1]),
                _spark_schema(schema), verifySchema=False,
            )
            uri = f"{folder}/{tag}"
            frame.write.mode("overwrite").parquet(uri)
            engine.download(staging.con, f"spark_{tag}", uri)
            if target != "spark_quarantine":
                staging.con.execute(f"INSERT INTO {target} SELECT * FROM spark_{tag}")
                staging.con.execute(f"DROP TABLE spark_{tag}")
        good = rdd.filter(lambda item: item[0] == "records").map(lambda item: item[1][0]).sum()
    finally:
        rdd.unpersist()
    con = staging.con
    quarantined, first_reason = con.execute(
        "SELECT count(*), min_by(reason, coalesce(record, 0)) FROM spark_quarantine"
    ).fetchone()
    con.execute(
        "INSERT INTO quarantine SELECT ?, record, reason, raw, ? FROM spark_quarantine ORDER BY record",
        [staging.file_label, staging.ingest_id],
    )
    con.execute("DROP TABLE spark_quarantine")
    staging.records += int(good)
    staging.quarantined += quarantined
    staging.first_reason = staging.first_reason or first_reason


def _spark_schema(schema: pa.Schema):
    """The Spark form of a staging table's Arrow schema. Readers give times as naive UTC
    datetimes: TimestampNTZ keeps them as given on any executor's time zone."""
    from pyspark.sql import types as T

    kinds = {
        pa.string(): T.StringType(), pa.int64(): T.LongType(), pa.int32(): T.IntegerType(),
        pa.float64(): T.DoubleType(), pa.bool_(): T.BooleanType(), pa.timestamp("us"): T.TimestampNTZType(),
    }
    return T.StructType([T.StructField(field.name, kinds[field.type], True) for field in schema])
