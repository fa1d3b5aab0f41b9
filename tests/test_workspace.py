"""The workspace and the command line's behaviour on user mistakes."""

from __future__ import annotations

import duckdb

from conftest import DATA, assert_clean_exit, ingest, run_cli
from inconcert import __version__
from inconcert.ingest import FORMATS
from inconcert.store.schema import SCHEMA_VERSION
from inconcert.store.workspace import Workspace


def test_version():
    run = run_cli("--version")
    assert_clean_exit(run)
    assert run.stdout.strip() == f"inconcert {__version__}"


def test_ingest_help_lists_every_format_with_a_line():
    run = run_cli("ingest", "--help")
    assert_clean_exit(run)
    for name in FORMATS:
        assert any(line.strip().startswith(name + " ") for line in run.stdout.splitlines()), name


def test_unknown_format_is_exit_2(workspace):
    run = ingest(workspace, "myspace", DATA / "actions" / "actions.csv")
    assert_clean_exit(run, 2)
    assert "--format myspace" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_missing_file_is_exit_2_and_workspace_untouched(workspace):
    run = ingest(workspace, "actions", DATA / "nope.csv")
    assert_clean_exit(run, 2)
    assert "nope.csv" in run.stderr
    assert not workspace.exists()


def test_schema_version_recorded_and_newer_workspace_refused(workspace):
    assert_clean_exit(ingest(workspace, "actions", DATA / "actions" / "actions.parquet"))
    con = duckdb.connect(str(workspace / "inconcert.duckdb"))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    run = run_cli("status", "--workspace", workspace)
    assert_clean_exit(run, 2)
    assert "newer inconcert" in run.stderr


def test_workspace_that_is_a_file_is_exit_2(tmp_path):
    not_a_folder = tmp_path / "ws"
    not_a_folder.write_text("x")
    run = ingest(not_a_folder, "actions", DATA / "actions" / "actions.parquet")
    assert_clean_exit(run, 2)
    assert "not a folder" in run.stderr


def test_status_on_missing_workspace_is_exit_2(tmp_path):
    run = run_cli("status", "--workspace", tmp_path / "none")
    assert_clean_exit(run, 2)


def test_memory_limit_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INCONCERT_MEMORY_LIMIT", "300MB")
    with Workspace.open(tmp_path / "ws") as ws:
        limit = ws.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "").upper() in ("300.0MB", "286.1MIB", "300MB")


def test_bad_memory_limit_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("INCONCERT_MEMORY_LIMIT", "lots")
    run = ingest(tmp_path / "ws", "actions", DATA / "actions" / "actions.parquet")
    assert_clean_exit(run, 2)
    assert "INCONCERT_MEMORY_LIMIT" in run.stderr


def test_scratch_left_by_a_killed_command_is_cleared_by_the_next_writer(tmp_path):
    with Workspace.open(tmp_path / "ws"):
        pass
    leftover = tmp_path / "ws" / ".tmp" / "reuse-bands-12345.parquet"
    leftover.write_bytes(b"half a file")
    with Workspace.open(tmp_path / "ws", read_only=True):
        assert leftover.exists()  # a reader leaves the scratch folder alone
    with Workspace.open(tmp_path / "ws"):
        assert (tmp_path / "ws" / ".tmp").is_dir() and not leftover.exists()
