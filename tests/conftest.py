"""Shared test helpers: run the real `inconcert` command and open real workspaces."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

DATA = Path(__file__).parent / "data"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def read_csv(path: Path) -> list[dict]:
    """A CSV file the command wrote, as one dict per row (header as keys)."""
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: object, cwd: Path | None = None, timeout: float = 600) -> Run:
    """Run `inconcert ARGS...` as a user would, in a fresh Python process."""
    proc = subprocess.run(
        [sys.executable, "-m", "inconcert.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def ingest(workspace: Path, fmt: str, *paths: object) -> Run:
    return run_cli("ingest", "--workspace", workspace, "--format", fmt, *paths)


def query(workspace: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(workspace / "inconcert.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def scalar(workspace: Path, sql: str, params: list | None = None):
    return query(workspace, sql, params)[0][0]


def assert_clean_exit(run: Run, code: int = 0) -> None:
    assert run.returncode == code, f"exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    assert "Traceback" not in run.stderr, run.stderr


def summary_counts(run: Run) -> tuple[int, int, int]:
    """(records, files, quarantined) from the contract's summary line."""
    import re

    line = run.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"ingested (\d+) records from (\d+) files; quarantined (\d+)", line)
    assert match, f"no summary line in: {run.stdout!r}"
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "ws"


def needs_shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing: the shared research data sits beside the project in CI only")
    return path
