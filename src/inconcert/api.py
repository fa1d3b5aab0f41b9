"""The Python API: what the command line does, for notebooks and scripts.

Each function takes a workspace folder, runs the same code as the command of the same
name, keeps the results in the workspace as the command does, and hands them back as
Arrow tables (`result["edges"]`, or `result.to_pandas("edges")` with pandas installed).
Nothing is printed; user mistakes raise `inconcert.errors.UserError` with the sentence the
command line would print.

    import inconcert.api as ic

    ic.ingest("ws", "twitter-v2", "collection.jsonl")
    found = ic.coordination("ws", window=60, kind="any")
    found.summary.flagged_accounts
    edges = found.to_pandas("edges")
    ic.table("ws", "coordination_evidence")      # any stored table, read-only
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.errors import UserError
from inconcert.store.tables import table_exists
from inconcert.store.workspace import Workspace

# The order of each coordination table, as its file is written.
COORDINATION_TABLES = {
    "edges": "account_a, account_b",
    "accounts": "cluster_id, account_id",
    "clusters": "cluster_id",
    "evidence": "account_a, account_b, ts_a, ts_b, kind, object_id, content_a, content_b",
    "viral_objects": "n_accounts DESC, kind, object_id",
    "parameters": "name",
}


@dataclass(frozen=True)
class Results:
    """An analysis's summary (the numbers the command prints) and its tables by short name."""

    summary: Any
    tables: dict[str, pa.Table]

    def __getitem__(self, name: str) -> pa.Table:
        return self.tables[name]

    def to_pandas(self, name: str):
        """The table as a pandas DataFrame (pandas comes with `pip install inconcert[notebook]`)."""
        try:
            import pandas  # noqa: F401  (only to give the install hint)
        except ImportError:
            raise UserError("to_pandas needs pandas: pip install 'inconcert[notebook]'.") from None
        return self.tables[name].to_pandas()


def ingest(workspace: Path | str, format: str, *paths: Path | str):
    """`inconcert ingest`: read files or folders of `format` into the workspace. Returns the
    ingest report (per file: records, quarantined, skipped; `.summary()` is the line the
    command prints). Files that could not be used at all raise UserError after the others
    were ingested."""
    from inconcert.ingest import reader_module
    from inconcert.ingest.pipeline import expand_paths
    from inconcert.ingest.pipeline import ingest as run_ingest

    reader_module(format)
    files = expand_paths([Path(p) for p in paths])
    with Workspace.open(workspace) as ws:
        report = run_ingest(ws, format, files, None)
    if report.errors:
        raise UserError(" ".join(report.errors))
    return report


def coordination(
    workspace: Path | str,
    window: float | str = 60,
    kind: str = "retweet",
    min_participation: int = 1,
    max_object_accounts: int | None = None,
    max_object_pairs: int | None = None,
    fast_window: float | None = None,
    edge_percentile: float = 0.5,
    near_text_threshold: float | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    out: Path | str | None = None,
    graph_files: bool = True,
) -> Results:
    """`inconcert coordination`; `window="auto"` estimates it (the value used is
    `summary.window`). With `out`, the command's files are written there too. Tables:
    edges, accounts, clusters, evidence, viral_objects, parameters."""
    from inconcert.coordination.detect import CoordinationParams, detect
    from inconcert.coordination.exports import write_outputs
    from inconcert.coordination.pairs import DEFAULT_MAX_OBJECT_PAIRS
    from inconcert.engines import open_engine
    from inconcert.ingest.shares import NEAR_TEXT_THRESHOLD as DEFAULT_THRESHOLD

    params = CoordinationParams(
        window=None if window == "auto" else _seconds(window),
        kind=kind,
        min_participation=min_participation,
        max_object_accounts=max_object_accounts,
        max_object_pairs=DEFAULT_MAX_OBJECT_PAIRS if max_object_pairs is None else max_object_pairs,
        fast_window=fast_window,
        edge_percentile=edge_percentile,
        near_text_threshold=DEFAULT_THRESHOLD if near_text_threshold is None else near_text_threshold,
    )
    params.validate()
    runner = open_engine(engine, workspace_path=Path(workspace), spark_master=spark_master)
    try:
        with Workspace.open(workspace) as ws:
            summary = detect(ws, params, engine=runner)
            if out is not None:
                write_outputs(ws.con, Path(out), graph_files=graph_files)
            tables = {name: _arrow(ws, f"coordination_{name}", order) for name, order in COORDINATION_TABLES.items()}
    finally:
        runner.close()
    return Results(summary, tables)


def signals(workspace: Path | str, out: Path | str | None = None, **thresholds: Any) -> Results:
    """`inconcert signals`; `thresholds` are SignalsParams fields (fdr, min_burst_accounts,
    min_burst_posts, sync_bin_seconds, ...). Tables: every `signals_*` table, by the name
    after the prefix."""
    from inconcert.signals import SignalsParams, run_signals
    from inconcert.signals.exports import check_out_folder, write_outputs

    try:
        params = SignalsParams(**thresholds)
    except TypeError as error:
        raise UserError(f"signals: {error}.") from None
    params.validate()
    if out is not None:
        check_out_folder(Path(out))
    with Workspace.open(workspace) as ws:
        summary = run_signals(ws, params)
        if out is not None:
            write_outputs(ws.con, Path(out))
        return Results(summary, _prefixed(ws, "signals_"))


def text(workspace: Path | str, out: Path | str | None = None, processes: int = 0) -> Results:
    """`inconcert text` on the workspace's articles. Tables: every `text_*` table
    (quantities, attributions, labels, relations, techniques, disagreements, ...)."""
    from inconcert.text.run import TextParams, run_text

    params = TextParams(n_process=processes)
    params.validate()
    with Workspace.open(workspace) as ws:
        summary = run_text(ws, None if out is None else Path(out), params)
        return Results(summary, _prefixed(ws, "text_"))


def table(workspace: Path | str, name: str) -> pa.Table:
    """One stored table of the workspace (canonical or result), opened read-only."""
    with Workspace.open(workspace, read_only=True) as ws:
        if not table_exists(ws.con, name):
            raise UserError(f"{workspace}: no table {name!r} (see inconcert.api.tables).")
        return _arrow(ws, name)


def tables(workspace: Path | str) -> list[str]:
    """The names of the workspace's stored tables."""
    with Workspace.open(workspace, read_only=True) as ws:
        return [row[0] for row in ws.con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]


def _seconds(window: float | str) -> float:
    try:
        return float(window)
    except (TypeError, ValueError):
        raise UserError(f"window {window!r}: must be a number of seconds or 'auto'.") from None


def _arrow(ws: Workspace, name: str, order: str | None = None) -> pa.Table:
    # The workspace lets DuckDB reorder results for speed; with that, even an ORDER BY is
    # lost on the way to Arrow (DuckDB 2.0), so order is asked for on this connection.
    ws.con.execute("SET preserve_insertion_order = true")
    # Quoted: result names come from this module, but a table name is still an identifier.
    query = f'SELECT * FROM "{name}"' + (f" ORDER BY {order}" if order else "")
    return ws.con.sql(query).to_arrow_table()


def _prefixed(ws: Workspace, prefix: str) -> dict[str, pa.Table]:
    names = [row[0] for row in ws.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND starts_with(table_name, ?) ORDER BY 1", [prefix]
    ).fetchall()]
    return {name.removeprefix(prefix): _arrow(ws, name) for name in names}
