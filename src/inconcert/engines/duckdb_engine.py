"""The default engine: the steps run on the workspace's own DuckDB connection.

Every step becomes a temporary table, inside the caller's transaction. DuckDB keeps them
in memory up to its cap (INCONCERT_MEMORY_LIMIT) and spills the rest to the workspace's
`.tmp` folder, so inputs larger than memory still finish.
"""

from __future__ import annotations

import duckdb

from inconcert.engines import DUCKDB, Step


class DuckDBEngine:
    name = DUCKDB

    def run(self, con: duckdb.DuckDBPyConnection, inputs: list[str], steps: list[Step], outputs: list[str]) -> None:
        for step in steps:
            relation = "TABLE" if step.materialise else "VIEW"
            con.execute(f"CREATE OR REPLACE TEMP {relation} {step.name} AS {step.sql}")

    def close(self) -> None:
        pass
