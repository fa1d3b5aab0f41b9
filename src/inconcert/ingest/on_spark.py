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
- `actions` CSV: DuckDB's CSV reader in each Spark task on a part of the file, then the
  same transpiled per-row SQL (see "actions CSV" below).
- Any other file (CSV exports of other formats, JSON array documents, compressed files,
  Telegram and article files) is read by its reader on the driver, as without Spark: the
  result is the same either way.

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
from inconcert.engines.spark import to_arrow
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
        if format_name == "actions" and data_suffix(path) == path.suffix.lower():
            if _read_actions_csv(engine, path, staging, folder, CSV_PART_BYTES):
                if on_bytes is not None:
                    on_bytes(path.stat().st_size)
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


def _actions_on(engine, staging: Staging, folder: str, rows=None) -> actions.CandidatesOn:
    """The hook that runs the per-row SQL on Spark, over the Parquet file at `path` or
    over the DataFrame `rows` (an actions CSV as DuckDB's reader gave it)."""
    def candidates(path: Path, sql: str) -> str:
        source = rows if rows is not None else engine.session.read.parquet(path.resolve().as_uri())
        source.createOrReplaceTempView(actions.SOURCE_VIEW)
        try:
            engine.execute([Step("spark_action_candidates", sql)], ["spark_action_candidates"], folder)
        finally:
            engine.session.catalog.dropTempView(actions.SOURCE_VIEW)
        engine.download(staging.con, "spark_action_candidates", f"{folder}/spark_action_candidates")
        # Spark writes its timestamps as instants; the workspace is in UTC, so the cast
        # gives back the wall time the SQL computed.
        return "SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts) FROM spark_action_candidates"

    return candidates


# -- actions CSV ---------------------------------------------------------------------
#
# Each Spark task runs DuckDB's CSV reader, with the very options of the one-process
# ingest (`actions.file_source`), on one part of the file behind a copy of the header;
# Spark then runs the per-row SQL on the lines it read, as for Parquet. Parts are cut at
# line ends outside quoted values (an even count of quotes before), so every part starts
# at a record. A cut that is wrong after all (a stray quote made the count lie) leaves a
# part that ends inside a quoted value, which DuckDB rejects as an unterminated quote:
# then, and when DuckDB gives up on a part, the whole file is read on the driver as
# without Spark. The result is DuckDB's either way.

CSV_PART_BYTES = 64 << 20
# Quote errors are the ones that could stem from a part cut inside a quoted value.
_QUOTE_ERROR = "UNQUOTED VALUE"
_CSV_COLUMNS = (*actions.REQUIRED, "kind", "platform")
_CSV_RESULT = (
    "tag STRING, part INT, row BIGINT, line BIGINT, error_type STRING, error_message STRING, csv_line STRING"
)


def csv_parts(path: Path, part_bytes: int) -> tuple[bytes, list[tuple[int, int]]] | None:
    """The header line and (start byte, end byte) of parts of about `part_bytes` after it,
    each ending at a line end outside quotes and after a non-blank line (DuckDB counts a
    blank line as a line and keeps it in the next rejected line's text, so a part must
    not start just after one). None when the file has no data lines."""
    size = path.stat().st_size
    with open(path, "rb") as stream:
        header = stream.readline()
        position = start = len(header)
        if position >= size:
            return None
        quotes = header.count(b'"')
        parts: list[tuple[int, int]] = []
        while True:
            target = start + part_bytes
            if target >= size:
                parts.append((start, size))
                return header, parts
            while position < target:  # count quotes up to the target, in blocks
                block = stream.read(min(target - position, 8 << 20))
                quotes += block.count(b'"')
                position += len(block)
            previous = b"x"
            if position > 0:
                stream.seek(position - 1)
                previous = stream.read(1)
            # From the target, line by line to the first line end that can start a part.
            line = b""
            if previous != b"\n":
                line = stream.readline()
                quotes += line.count(b'"')
                position += len(line)
            while position < size and (quotes % 2 or not line.strip(b"\r\n")):
                line = stream.readline()
                quotes += line.count(b'"')
                position += len(line)
            if position >= size:
                parts.append((start, size))
                return header, parts
            parts.append((start, position))
            start = position


def read_csv_parts(batches: Iterator[pa.RecordBatch], path: str, header: bytes, delimiter: str, n_fields: int,
                   columns: list[str]) -> Iterator[pa.RecordBatch]:
    """The Spark task: DuckDB's CSV reader on each part given (part, start, end, last).

    Yields the part's lines as ("row", part, row number in the part, columns...), DuckDB's
    rejected lines as ("reject", part, line number in the part, ...), the number of rows
    ("rows") and of lines DuckDB counted in the part ("lines"), or ("failed", part) when
    DuckDB gave up.

    The part is read behind the header and, but for the first part, one line of filler:
    DuckDB words a rejected line differently right after the header (with CRLF line ends
    it leaves out the line end before), so the part's first line must follow a data line
    as it does in the whole file. A last line with one field too many ends every part but
    the last: its rejection tells the line number DuckDB reached."""
    import tempfile

    import duckdb

    newline = b"\r\n" if header.endswith(b"\r\n") else b"\n"  # DuckDB gives up on mixed line ends
    filler = delimiter.encode().join([_FILLER] * n_fields)
    # n_fields + 1 fields: too many columns (not empty: DuckDB lets empty fields past the end go)
    counter = delimiter.encode().join([_FILLER] * (n_fields + 1))
    for batch in batches:
        for part, start, end, last in zip(*(batch.column(i).to_pylist() for i in range(4))):
            with tempfile.TemporaryDirectory(prefix="inconcert-csv-part-") as folder:
                copy = Path(folder) / "part.csv"
                with open(path, "rb") as source, open(copy, "wb") as target:
                    target.write(header)  # ends with the file's line end, as every part does
                    if part:
                        target.write(filler + newline)
                    source.seek(start)
                    left = end - start
                    while left:
                        block = source.read(min(left, 8 << 20))
                        target.write(block)
                        left -= len(block)
                    if not last:
                        target.write(counter + newline)
                yield from _read_csv_part(duckdb, copy, part, 1 if part else 0, last, columns, counter.decode())


_FILLER = b"~"


def _meta(tag: str, part: int, columns: list[str], row=None, line=None, error_type=None, message=None,
          csv_line=None) -> pa.RecordBatch:
    values = {"tag": [tag], "part": pa.array([part], pa.int32()), "row": pa.array([row], pa.int64()),
              "line": pa.array([line], pa.int64()), "error_type": pa.array([error_type], pa.string()),
              "error_message": pa.array([message], pa.string()), "csv_line": pa.array([csv_line], pa.string())}
    values |= {c: pa.array([None], pa.string()) for c in columns}
    return pa.RecordBatch.from_pydict(values)


def _read_csv_part(duckdb, copy: Path, part: int, filler: int, last: bool, columns: list[str], counter: str):
    """DuckDB's reading of one part's copy, less its `filler` lines after the header."""
    con = duckdb.connect()
    con.execute("SET threads TO 1")  # one Spark task, one core
    source, _ = actions.file_source(copy)
    selected = ", ".join(f'"{c}"' for c in columns)
    names = ["tag", "part", "row", "line", "error_type", "error_message", "csv_line", *columns]
    try:
        reader = con.sql(f"SELECT {selected} FROM {source}").to_arrow_reader(65_536)
        rows, skip = 0, filler
        for batch in reader:
            if skip:
                if batch.num_rows < skip or batch.column(0)[0].as_py() != _FILLER.decode():
                    yield _meta("failed", part, columns, message="the filler line was not the part's first row")
                    return
                batch, skip = batch.slice(skip), 0
            n = batch.num_rows
            yield pa.RecordBatch.from_arrays(
                [pa.array(["row"] * n, pa.string()), pa.array([part] * n, pa.int32()), pa.array(range(rows, rows + n), pa.int64()),
                 *(pa.nulls(n, t) for t in (pa.int64(), pa.string(), pa.string(), pa.string())), *batch.columns],
                names=names,
            )
            rows += n
        rejects = con.execute(
            "SELECT line - ?, CAST(error_type AS VARCHAR), error_message, csv_line FROM reject_errors ORDER BY line",
            [filler],
        ).fetchall()
    except (duckdb.Error, UnicodeError) as error:
        yield _meta("failed", part, columns, message=str(error).splitlines()[0][:200])
        return
    finally:
        con.close()
    yield _meta("rows", part, columns, row=rows)
    if not last:
        ends = [r for r in rejects if r[3].strip("\r\n") == counter]
        if not ends or ends[-1][0] != max(r[0] for r in rejects):
            yield _meta("failed", part, columns, message="the part's last line was not where DuckDB ended")
            return
        rejects = [r for r in rejects if r is not ends[-1]]
        yield _meta("lines", part, columns, line=ends[-1][0] - 2)  # less the header and the counting line
    for line, error_type, message, csv_line in rejects:
        yield _meta("reject", part, columns, line=line, error_type=error_type, message=message, csv_line=csv_line)


def _read_actions_csv(engine, path: Path, staging: Staging, folder: str, part_bytes: int) -> bool:
    """An uncompressed actions CSV read by DuckDB's CSV reader in Spark tasks; False (and
    nothing staged) when it must be read on the driver instead."""
    cut = csv_parts(path, part_bytes)
    if cut is None:
        return False
    header, parts = cut
    csv_source, _ = actions.file_source(path)  # also checks the header as the driver would
    names, delimiter = actions.csv_header(path)
    columns = [c for c in names if c in _CSV_COLUMNS]
    schema = ", ".join([_CSV_RESULT, *(f"`{c}` STRING" for c in columns)])
    session = engine.session
    where = str(path.resolve())
    one_per_task = session.sparkContext.parallelize(
        [(i, start, end, i == len(parts) - 1) for i, (start, end) in enumerate(parts)], len(parts)
    )
    tasks = session.createDataFrame(one_per_task, "part INT, start BIGINT, end BIGINT, last BOOLEAN")
    lines_read = tasks.mapInArrow(
        lambda batches: read_csv_parts(batches, where, header, delimiter, len(names), columns), schema
    )
    uri = f"{folder}/csv_parts"
    lines_read.write.mode("overwrite").parquet(uri)
    lines_read = session.read.parquet(uri)
    meta = to_arrow(lines_read.where("tag <> 'row'").drop(*columns)).to_pylist()
    if any(m["tag"] == "failed" or m["error_type"] == _QUOTE_ERROR for m in meta):
        return False
    rows_in = {m["part"]: m["row"] for m in meta if m["tag"] == "rows"}
    lines_in = {m["part"]: m["line"] for m in meta if m["tag"] == "lines"}
    rows_before, lines_before = {}, {}
    for part in range(len(parts)):
        rows_before[part] = sum(rows_in[p] for p in range(part))
        lines_before[part] = sum(lines_in[p] for p in range(part))
    # A row's record number is what `actions` gives the rows of DuckDB's CSV reader: its
    # number among the rows read (from 1), plus one for the header.
    offsets = session.createDataFrame(list(rows_before.items()), "part INT, rows_before BIGINT")
    rows = lines_read.where("tag = 'row'").join(offsets.hint("broadcast"), "part").selectExpr(
        *(f"`{c}`" for c in columns), "row + rows_before + 2 AS _line"
    )
    con = staging.con
    typed = f"(SELECT *, CAST(NULL AS BIGINT) AS _line FROM {csv_source})"
    actions.read(path, staging, candidates_on=_actions_on(engine, staging, folder, rows=rows), source=typed)
    rejects = pa.table({
        "line": pa.array([m["line"] + lines_before[m["part"]] for m in meta if m["tag"] == "reject"], pa.int64()),
        **{k: pa.array([m[k] for m in meta if m["tag"] == "reject"], pa.string())
           for k in ("error_type", "error_message", "csv_line")},
        "scan_id": pa.array([0] * sum(m["tag"] == "reject" for m in meta), pa.int64()),
    })
    con.register("_spark_csv_rejects", rejects)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE spark_csv_rejects AS SELECT * FROM _spark_csv_rejects")
    finally:
        con.unregister("_spark_csv_rejects")
    actions.quarantine_csv_rejects(staging, "spark_csv_rejects")
    con.execute("DROP TABLE spark_csv_rejects")
    return True


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
