"""Where readers put what they read: staging tables merged into the workspace in one go.

A reader hands over each good record's rows (`add`; rows carried inside the record but
not records of their own, such as a retweet's original, come wrapped in `Embedded`) and
bad records (`reject`). Rows are buffered, flushed to temporary DuckDB tables through Arrow, and at
the end merged into the canonical tables: a post or article already in the workspace
is not added again, and an account's empty fields are filled from later sightings.
Everything happens inside the caller's transaction, so a killed ingest leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Union

import duckdb
import msgspec
import pyarrow as pa

from inconcert.ingest.fields import BadRecord
from inconcert.ingest.shares import SharedPost, actions_of
from inconcert.ingest.sources import Malformed, Record, excerpt
from inconcert.store.schema import (
    ACCOUNTS,
    ACTIONS,
    ARTICLES,
    POSTS,
    QUARANTINE,
    Account,
    Article,
    Quarantined,
    Table,
)



class Embedded(msgspec.Struct):
    """A row carried inside another record (a retweet's original, a page's `includes`):
    stored, but a full copy of the same post elsewhere in the file is preferred to it."""

    row: Union[Account, SharedPost, Article]


Row = Union[Account, SharedPost, Article, Embedded]
_FLUSH_ROWS = 50_000
# What a record that breaks a reader's expectations looks like; anything else is a bug.
_RECORD_ERRORS = (
    BadRecord, KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, ArithmeticError,
)


class Staging:
    """Collects one file's rows; `merge` moves them into the canonical tables."""

    def __init__(self, con: duckdb.DuckDBPyConnection, ingest_id: int, file_label: str):
        self.con = con
        self.ingest_id = ingest_id
        self.file_label = file_label
        self.records = 0
        self.quarantined = 0
        self.first_reason: str | None = None
        self.added = {"posts": 0, "accounts": 0, "actions": 0, "articles": 0}
        self._seq = 0
        self._buffers: dict[str, list[tuple]] = {"accounts": [], "posts": [], "actions": [], "articles": []}
        self._quarantine: list[Quarantined] = []
        for table in (ACCOUNTS, POSTS, ACTIONS, ARTICLES):
            self._create_stage(table)

    # -- what readers call ------------------------------------------------------------

    def each(self, records: Iterable[Record], parse: Callable[[object], Iterable[Row]]) -> None:
        """Parse every record; a record that fails goes to quarantine with the reason."""
        for outcome in parsed(records, parse):
            if isinstance(outcome, Malformed):
                self.reject(outcome.number, outcome.reason, outcome.raw)
            else:
                self.add(outcome[1])

    def add(self, rows: Iterable[Row]) -> None:
        """One good record and the rows it yields."""
        self.records += 1
        self._stage(rows)

    def reject(self, number: int | None, reason: str, raw: str | None = None) -> None:
        self.quarantined += 1
        self.first_reason = self.first_reason or reason
        self._quarantine.append(Quarantined(file=self.file_label, record=number, reason=reason, raw=raw))
        if len(self._quarantine) >= _FLUSH_ROWS:
            self._flush_quarantine()

    def count_direct(self, records: int, actions: int) -> None:
        """For readers that insert straight into `actions` with SQL (the `actions` format)."""
        self.records += records
        self.added["actions"] += actions

    # -- staging ---------------------------------------------------------------------

    def _create_stage(self, table: Table) -> None:
        extra = ", seq BIGINT, counted BOOLEAN" if table is not ACTIONS else ", seq BIGINT"
        ddl = table.ddl().replace(f"CREATE TABLE IF NOT EXISTS {table.name} (", f"CREATE TEMP TABLE stage_{table.name} (")
        ddl = ddl.replace(", ingest_id INTEGER NOT NULL", "")
        self.con.execute(f"DROP TABLE IF EXISTS stage_{table.name}")
        self.con.execute(ddl[:-1] + extra + ")")

    def _stage(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        for table, values in stage_rows(rows, self._seq + 1):
            self._buffers[table].append(values)
        self._seq += len(rows)
        if any(len(buffer) >= _FLUSH_ROWS for buffer in self._buffers.values()):
            self.flush()

    def flush(self) -> None:
        for table in (ACCOUNTS, POSTS, ACTIONS, ARTICLES):
            buffer = self._buffers[table.name]
            if buffer:
                self._append(f"stage_{table.name}", stage_schema(table), buffer)
                buffer.clear()
        self._flush_quarantine()

    def _flush_quarantine(self) -> None:
        if not self._quarantine:
            return
        rows = [(*msgspec.structs.astuple(q), self.ingest_id) for q in self._quarantine]
        schema = QUARANTINE.arrow_schema().append(pa.field("ingest_id", pa.int32()))
        self._append("quarantine", schema, rows)
        self._quarantine.clear()

    def _append(self, target: str, schema: pa.Schema, rows: list[tuple]) -> None:
        columns = list(zip(*rows))
        batch = pa.table([pa.array(col, type=field.type) for col, field in zip(columns, schema)], schema=schema)
        self.con.register("_staging_batch", batch)
        try:
            self.con.execute(f"INSERT INTO {target} SELECT * FROM _staging_batch")
        finally:
            self.con.unregister("_staging_batch")

    # -- merging into the workspace ----------------------------------------------------

    def merge(self) -> None:
        """Move staged rows into the canonical tables (caller holds the transaction)."""
        self.flush()
        self._merge_posts_and_actions()
        self._merge_accounts()
        self._merge_articles()
        for table in (ACCOUNTS, POSTS, ACTIONS, ARTICLES):
            self.con.execute(f"DROP TABLE IF EXISTS stage_{table.name}")

    def _merge_posts_and_actions(self) -> None:
        keys = " AND ".join(f"p.{k} = s.{k}" for k in POSTS.key)
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE new_posts AS
            SELECT * FROM (
                SELECT DISTINCT ON ({', '.join(POSTS.key)}) * FROM stage_posts
                ORDER BY {', '.join(POSTS.key)}, counted DESC, seq
            ) s
            WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE {keys})
            """
        )
        columns = ", ".join(POSTS.columns)
        self.added["posts"] += self._insert(
            f"INSERT INTO posts SELECT {columns}, {self.ingest_id} FROM new_posts ORDER BY seq"
        )
        action_columns = ", ".join(f"a.{c}" for c in ACTIONS.columns)
        self.added["actions"] += self._insert(
            f"""
            INSERT INTO actions
            SELECT {action_columns} FROM stage_actions a
            JOIN new_posts n ON a.platform = n.platform AND a.content_id = n.post_id AND a.seq = n.seq
            ORDER BY a.seq, a.kind, a.object_id
            """
        )
        self.con.execute("DROP TABLE new_posts")

    def _merge_accounts(self) -> None:
        key = ", ".join(ACCOUNTS.key)
        fields = [c for c in ACCOUNTS.columns if c not in ACCOUNTS.key]
        firsts = ", ".join(f"min_by({c}, seq) FILTER (WHERE {c} IS NOT NULL) AS {c}" for c in fields)
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE seen_accounts AS
            SELECT {key}, {firsts}, min(seq) AS seq FROM stage_accounts GROUP BY {key}
            """
        )
        match = " AND ".join(f"a.{k} = s.{k}" for k in ACCOUNTS.key)
        self.added["accounts"] += self._insert(
            f"""
            INSERT INTO accounts
            SELECT {', '.join(ACCOUNTS.columns)}, {self.ingest_id} FROM seen_accounts s
            WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE {match})
            ORDER BY seq
            """
        )
        fill = ", ".join(f"{c} = coalesce(accounts.{c}, s.{c})" for c in fields)
        gaps = " OR ".join(f"(accounts.{c} IS NULL AND s.{c} IS NOT NULL)" for c in fields)
        self.con.execute(
            f"""
            UPDATE accounts SET {fill} FROM seen_accounts s
            WHERE {match.replace('a.', 'accounts.')} AND ({gaps})
            """
        )
        self.con.execute("DROP TABLE seen_accounts")

    def _merge_articles(self) -> None:
        key = ", ".join(ARTICLES.key)
        match = " AND ".join(f"a.{k} = s.{k}" for k in ARTICLES.key)
        self.added["articles"] += self._insert(
            f"""
            INSERT INTO articles
            SELECT {', '.join(ARTICLES.columns)}, {self.ingest_id} FROM (
                SELECT DISTINCT ON ({key}) * FROM stage_articles ORDER BY {key}, counted DESC, seq
            ) s
            WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE {match})
            ORDER BY seq
            """
        )

    def _insert(self, sql: str) -> int:
        return self.con.execute(sql).fetchone()[0]


def parsed(
    records: Iterable[Record], parse: Callable[[object], Iterable[Row]]
) -> Iterator[Malformed | tuple[int, list[Row]]]:
    """Each record's number and rows, or a Malformed saying why the record could not be used: the
    per-record step every engine runs alike (DuckDB ingest here, Spark's executors in
    `inconcert.ingest.on_spark`)."""
    for record in records:
        if isinstance(record, Malformed):
            yield record
            continue
        number, payload = record
        try:
            rows = list(parse(payload))
        except _RECORD_ERRORS as error:
            yield Malformed(number, _reason(error), excerpt(payload))
            continue
        yield number, rows


def stage_rows(rows: Iterable[Row], first_seq: int) -> Iterator[tuple[str, tuple]]:
    """(staging table, row values) for one record's rows, numbered from `first_seq` in
    the order the reader gave them: the first sighting of a post or account wins."""
    for seq, row in enumerate(rows, first_seq):
        row_counted = not isinstance(row, Embedded)
        if isinstance(row, Embedded):
            row = row.row
        if isinstance(row, SharedPost):
            yield "posts", (*msgspec.structs.astuple(row.post), seq, row_counted)
            for action in actions_of(row):
                yield "actions", (*msgspec.structs.astuple(action), seq)
        elif isinstance(row, Account):
            yield "accounts", (*msgspec.structs.astuple(row), seq, row_counted)
        elif isinstance(row, Article):
            yield "articles", (*msgspec.structs.astuple(row), seq, row_counted)
        else:
            raise TypeError(f"a reader produced {type(row).__name__}, not a canonical row")


def stage_schema(table: Table) -> pa.Schema:
    schema = table.arrow_schema().append(pa.field("seq", pa.int64()))
    return schema if table is ACTIONS else schema.append(pa.field("counted", pa.bool_()))


def _reason(error: BaseException) -> str:
    if isinstance(error, BadRecord):
        return str(error)
    if isinstance(error, KeyError):
        return f"missing field {error.args[0]!r}" if error.args else "missing field"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return f"unexpected value ({type(error).__name__}: {str(error)[:200]})"
