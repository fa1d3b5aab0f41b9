"""One SQL definition, two dialects: steps are written for DuckDB and transpiled for
Spark by SQLGlot (e.g. `unnest([...])` becomes `LATERAL VIEW EXPLODE(ARRAY(...))`)."""

from __future__ import annotations

from functools import lru_cache

import sqlglot


@lru_cache(maxsize=256)
def to_spark(duckdb_sql: str) -> str:
    """The Spark SQL form of one DuckDB SELECT statement."""
    (statement,) = sqlglot.transpile(duckdb_sql, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    return statement
