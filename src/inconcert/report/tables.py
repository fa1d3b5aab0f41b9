"""Small questions about what a workspace holds, asked by every view."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import duckdb

from inconcert.store.tables import table_exists


def table_columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' "
        "ORDER BY ordinal_position",
        [name],
    ).fetchall()
    return [row[0] for row in rows]


def row_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    if not table_exists(con, name):
        return 0
    return con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]


def plain(value: object) -> object:
    """A value JSON can carry: timestamps as ISO 8601 (UTC), huge integers as int, NaN as null."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    """The rows of an executed query as dicts of plain values."""
    names = [d[0] for d in cursor.description]
    return [{name: plain(value) for name, value in zip(names, row)} for row in cursor.fetchall()]


def columnar(cursor: duckdb.DuckDBPyConnection) -> dict[str, list]:
    """The rows of an executed query as one list per column: compact for big tables in JSON."""
    names = [d[0] for d in cursor.description]
    columns: dict[str, list] = {name: [] for name in names}
    for row in cursor.fetchall():
        for name, value in zip(names, row):
            columns[name].append(plain(value))
    return columns
