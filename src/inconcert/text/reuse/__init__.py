"""Recycled talking points: passages reused between articles, and near-duplicate posts.

`find_reuse` (articles → `text_reuse`, `text_reuse_outlets`), `write_reuse_csv` and
`write_reuse_outlets_csv` (their files), `run_reuse` (both, with defaults) and
`create_near_text_shares` (posts → the coordination engine's `near-text` shares).
"""

from __future__ import annotations

from pathlib import Path

from inconcert.engines import Engine
from inconcert.store.workspace import Workspace
from inconcert.text.reuse.articles import ReuseParams, ReuseSummary, find_reuse
from inconcert.text.reuse.exports import write_reuse_boilerplate_csv, write_reuse_csv, write_reuse_outlets_csv

__all__ = ["ReuseParams", "ReuseSummary", "find_reuse", "run_reuse", "write_reuse_boilerplate_csv", "write_reuse_csv",
           "write_reuse_outlets_csv"]


def run_reuse(workspace: Workspace, out: Path | None = None, params: ReuseParams | None = None,
              engine: Engine | None = None) -> ReuseSummary:
    """The reuse analysis with default settings (its band join on `engine`, DuckDB when
    None), and its files when `out` is given."""
    summary = find_reuse(workspace, params, engine=engine)
    if out is not None:
        write_reuse_csv(workspace.con, out)
        write_reuse_outlets_csv(workspace.con, out)
        write_reuse_boilerplate_csv(workspace.con, out)
    return summary
