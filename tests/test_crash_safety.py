"""An ingest killed with SIGKILL at any point leaves no partial trace: running the same
ingest again gives a workspace identical to one clean run."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import assert_clean_exit, ingest
from inconcert.store.schema import ALL_TABLES


def workspace_content(workspace: Path) -> dict[str, str]:
    """A digest of every canonical table's rows, independent of physical row order."""
    con = duckdb.connect(str(workspace / "inconcert.duckdb"), read_only=True)
    try:
        digests = {}
        for table in ALL_TABLES:
            rows = con.execute(f"SELECT * FROM {table.name} ORDER BY ALL").fetchall()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return digests
    finally:
        con.close()


def write_actions_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "w") as out:
        out.write("object_id,account_id,content_id,timestamp_share,kind\n")
        for i in range(rows):
            out.write(f"o{rng.randrange(rows // 20)},a{rng.randrange(rows // 10)},c{seed}_{i},{1_600_000_000 + i},retweet\n")
        out.write("o1,,broken,1600000000,retweet\n")


def kill_ingest_after(seconds: float, workspace: Path, *files: Path, fmt: str = "actions") -> None:
    """Start `inconcert ingest` and SIGKILL it after `seconds` (if it is still running)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "inconcert.cli", "ingest", "--workspace", str(workspace), "--format", fmt,
         *map(str, files)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(seconds)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("crash-inputs")
    files = [folder / f"part{i}.csv" for i in range(3)]
    for i, path in enumerate(files):
        write_actions_csv(path, 250_000, seed=i)
    return files


@pytest.fixture(scope="module")
def clean_content(inputs, tmp_path_factory) -> dict[str, str]:
    workspace = tmp_path_factory.mktemp("clean") / "ws"
    assert_clean_exit(ingest(workspace, "actions", *inputs))
    return workspace_content(workspace)


@pytest.mark.parametrize("kill_after", [0.3, 0.9, 1.6, 2.4])
def test_killed_ingest_then_rerun_equals_clean_run(inputs, clean_content, tmp_path, kill_after):
    workspace = tmp_path / "ws"
    kill_ingest_after(kill_after, workspace, *inputs)
    assert_clean_exit(ingest(workspace, "actions", *inputs))
    assert workspace_content(workspace) == clean_content


def test_killed_twice_then_rerun_equals_clean_run(inputs, clean_content, tmp_path):
    workspace = tmp_path / "ws"
    for delay in (0.8, 1.5):
        kill_ingest_after(delay, workspace, *inputs)
    assert_clean_exit(ingest(workspace, "actions", *inputs))
    assert workspace_content(workspace) == clean_content


@pytest.fixture(scope="module")
def scenario_files(tmp_path_factory) -> list[Path]:
    """Twitter v2 pages: the staged (Python) ingest path, with embedded originals and
    accounts merged across records."""
    from inconcert.simulate import write_scenario

    manifest = write_scenario(tmp_path_factory.mktemp("scenario"), seed=11, scale=2.0)
    return [file.path for file in manifest.files if file.format == "twitter-v2"]


@pytest.mark.parametrize("kill_after", [0.8, 1.6, 2.6])
def test_killed_staged_ingest_then_rerun_equals_clean_run(scenario_files, tmp_path, kill_after):
    clean = tmp_path / "clean"
    assert_clean_exit(ingest(clean, "twitter-v2", *scenario_files))
    workspace = tmp_path / "ws"
    kill_ingest_after(kill_after, workspace, *scenario_files, fmt="twitter-v2")
    assert_clean_exit(ingest(workspace, "twitter-v2", *scenario_files))
    assert workspace_content(workspace) == workspace_content(clean)


def analysis_tables(workspace: Path, prefix: str) -> dict[str, str]:
    """A digest of every table an analysis keeps (`coordination_*`, `signals_*`)."""
    con = duckdb.connect(str(workspace / "inconcert.duckdb"), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE ? ORDER BY 1", [prefix + "%"]
        ).fetchall()]
        return {name: hashlib.sha256(repr(con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall()).encode()).hexdigest()
                for name in names}
    finally:
        con.close()


def run_and_kill(seconds: float, *args: object) -> None:
    process = subprocess.Popen([sys.executable, "-m", "inconcert.cli", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="module")
def analysed_scenario(tmp_path_factory):
    """The demo scenario ingested; its clean coordination and signals results."""
    from inconcert.simulate.scenario import write_scenario

    folder = tmp_path_factory.mktemp("analysis-crash")
    manifest = write_scenario(folder / "scenario", seed=7)
    clean = folder / "clean"
    for file in manifest.files:
        assert_clean_exit(ingest(clean, file.format, file.path))
    return folder, manifest, clean


@pytest.mark.parametrize("analysis,args,prefix", [
    ("coordination", ("--window", "60", "--kind", "any"), "coordination_"),
    ("signals", (), "signals_"),
])
def test_killed_analysis_then_rerun_equals_clean_run(analysed_scenario, analysis, args, prefix):
    folder, manifest, _ = analysed_scenario
    from conftest import run_cli

    clean, crashed = folder / f"clean-{analysis}", folder / f"crashed-{analysis}"
    for workspace in (clean, crashed):
        for file in manifest.files:
            assert_clean_exit(ingest(workspace, file.format, file.path))
    assert_clean_exit(run_cli(analysis, "--workspace", clean, *args, "--out", folder / f"clean-out-{analysis}"))
    expected = analysis_tables(clean, prefix)
    assert expected
    out = folder / f"out-{analysis}"
    for seconds in (0.3, 1.0, 1.8, 2.6, 3.5):
        run_and_kill(seconds, analysis, "--workspace", crashed, *args, "--out", out)
        # Whatever the moment of the kill, the workspace holds a whole previous state or none.
        partial = analysis_tables(crashed, prefix)
        assert not partial or partial == expected
    assert_clean_exit(run_cli(analysis, "--workspace", crashed, *args, "--out", out))
    assert analysis_tables(crashed, prefix) == expected


def test_concurrent_commands_wait_or_fail_clearly(analysed_scenario):
    """Two commands on one workspace: the second waits for the lock, or says plainly that
    the workspace is busy; neither corrupts it."""
    folder, _, clean = analysed_scenario
    from conftest import run_cli

    first = subprocess.Popen([sys.executable, "-m", "inconcert.cli", "coordination", "--workspace", str(clean),
                              "--window", "60", "--kind", "any", "--out", str(folder / "concurrent-1")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = run_cli("coordination", "--workspace", clean, "--window", "60", "--kind", "any", "--out", folder / "concurrent-2")
    first_out, first_err = first.communicate(timeout=600)
    for code, stderr in ((first.returncode, first_err), (second.returncode, second.stderr)):
        assert "Traceback" not in stderr
        assert code == 0 or (code == 2 and "workspace" in stderr and len(stderr.strip().splitlines()) == 1), stderr
    assert first.returncode == 0 or second.returncode == 0
    assert analysis_tables(clean, "coordination_")
