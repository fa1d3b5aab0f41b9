"""Run, with default settings, each analysis whose results the report needs and the
workspace lacks (CONTRACT §6). An analysis joins here through its `run_<analysis>`
function; one whose module is not installed is simply left out, and one that cannot run
on this workspace (nothing to analyse, a missing model, a bug) is reported in its
section instead of stopping the whole report.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from inconcert.errors import UserError
from inconcert.report.network import has_coordination
from inconcert.report.tables import row_count
from inconcert.store.files import folder_interrupted, write_folder_atomically
from inconcert.store.workspace import Workspace

COORDINATION_FOLDER = "coordination"
TEXT_FOLDER = "text"


@dataclass
class AnalysesRun:
    ran: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # analysis -> why it could not run


def ensure_analyses(ws: Workspace) -> AnalysesRun:
    """An analysis with files in the workspace (coordination, text) counts as done only
    when its folder was written to the end: a run killed between storing its tables and
    writing its files is run again, so the workspace ends as a clean run leaves it."""
    run = AnalysesRun()
    coordination_folder, text_folder = ws.path / COORDINATION_FOLDER, ws.path / TEXT_FOLDER
    if row_count(ws.con, "actions") and (not has_coordination(ws.con) or folder_interrupted(coordination_folder)):
        _attempt(ws, run, "coordination", lambda: write_folder_atomically(coordination_folder, lambda tmp: _coordination(ws, tmp)))
    run_signals = _optional("inconcert.signals", "run_signals")
    if run_signals and not _has_tables(ws, "signals_") and row_count(ws.con, "accounts"):
        _attempt(ws, run, "signals", lambda: run_signals(ws))
    run_text = _optional("inconcert.text.run", "run_text")
    if run_text and row_count(ws.con, "articles") and (not _has_tables(ws, "text_") or folder_interrupted(text_folder)):
        _attempt(ws, run, "text", lambda: write_folder_atomically(text_folder, lambda tmp: run_text(ws, tmp)))
    return run


def _coordination(ws: Workspace, out: Path) -> None:
    from inconcert.coordination.detect import CoordinationParams, detect
    from inconcert.coordination.exports import write_outputs

    # What an analyst tries first: every kind of shared object, within a minute.
    detect(ws, CoordinationParams(window=60, kind="any"))
    write_outputs(ws.con, out)


def _attempt(ws: Workspace, run: AnalysesRun, name: str, action) -> None:
    """A failing analysis costs its own section, not the whole report; the report says why
    (and the command says so on stderr)."""
    try:
        action()
    except UserError as error:
        run.failed[name] = str(error)
    except Exception as error:  # a bug there: name it, keep the rest of the report
        run.failed[name] = f"internal error ({type(error).__name__}: {error}); please report it"
        _abandon_transaction(ws)
    else:
        run.ran.append(name)


def _abandon_transaction(ws: Workspace) -> None:
    """An analysis that died inside its transaction leaves it open; the report reads on."""
    try:
        ws.con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # it had closed its transaction itself


def _has_tables(ws: Workspace, prefix: str) -> bool:
    return bool(
        ws.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND starts_with(table_name, ?)",
            [prefix],
        ).fetchall()[0][0]
    )


def _optional(module: str, function: str):
    try:
        return getattr(importlib.import_module(module), function, None)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None  # that analysis is not part of this installation
        raise
