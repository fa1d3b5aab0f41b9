"""Where the relational work runs: embedded DuckDB (the default) or Apache Spark.

An analysis describes its heavy relational work once, as a list of `Step`s written in
DuckDB's SQL dialect and restricted to constructs SQLGlot carries over to Spark SQL. An
engine runs the steps over input tables of the workspace and leaves the steps named as
outputs as tables on the workspace's DuckDB connection, where everything after (graph
work, scoring, exports) carries on the same whichever engine ran the steps. There is one
definition of the work, so the engines cannot drift apart; tests/test_spark.py checks that
their results are identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import duckdb

from inconcert.errors import UserError

DUCKDB, SPARK = "duckdb", "spark"
ENGINE_CHOICES = (DUCKDB, SPARK)


@dataclass(frozen=True)
class Step:
    """One relation of the work: `sql` (DuckDB dialect) is a SELECT over the inputs and
    the earlier steps, and its result is known to later steps by `name`."""

    name: str
    sql: str
    # False for a step that only renames its input: kept as a view, not copied.
    materialise: bool = True


class Engine(Protocol):
    name: str

    def run(self, con: duckdb.DuckDBPyConnection, inputs: list[str], steps: list[Step], outputs: list[str]) -> None:
        """Run `steps` over the tables `inputs` of `con`; afterwards each step named in
        `outputs` is a temporary table of that name on `con`."""

    def close(self) -> None:
        """Release what the engine started (a Spark session it created)."""


def open_engine(name: str, workspace_path=None, spark_master: str | None = None) -> Engine:
    """The engine called `name` (`--engine`). Spark is imported only when asked for, so
    the default install needs no Java and no pyspark."""
    if name == DUCKDB:
        from inconcert.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine()
    if name == SPARK:
        from inconcert.engines.spark import SparkEngine

        return SparkEngine.from_settings(workspace_path=workspace_path, master=spark_master)
    raise UserError(f"--engine {name}: unknown engine; use one of {', '.join(ENGINE_CHOICES)}.")
