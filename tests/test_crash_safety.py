"""An ingest or analysis killed with SIGKILL at any point leaves no partial trace:
running the same command again gives a workspace (and output files) identical to one
clean run."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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


def run_and_kill_when(ready: Callable[[float], bool], *args: object, timeout: float = 600) -> bool:
    """Start `inconcert ARGS` and SIGKILL it as soon as `ready(launch_time)` holds (polled
    every few milliseconds), as a crash at that moment would; False if it finished first.
    Worker processes it forked are killed after it, as they would die with a machine."""
    launched = time.time()
    process = subprocess.Popen([sys.executable, "-m", "inconcert.cli", *map(str, args)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    killed = False
    try:
        while process.poll() is None and time.time() - launched < timeout:
            if ready(launched):
                os.kill(process.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.002)
    finally:
        if process.poll() is None and not killed:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return killed


def after(seconds: float) -> Callable[[float], bool]:
    return lambda launched: time.time() - launched >= seconds


def new_file_in(folder: Path, pattern: str = "*") -> Callable[[float], bool]:
    """Ready once a file matching `pattern` has been created or rewritten in `folder`
    since the launch: the command has reached the step that writes it."""
    def ready(launched: float) -> bool:
        try:
            return any(path.stat().st_mtime >= launched for path in folder.glob(pattern))
        except FileNotFoundError:  # renamed between listing and stat: it was being written
            return True
    return ready


def files_content(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with its digest (temporary files and
    all: a crash must leave none behind once the command has run to the end)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_whole_tables(partial: dict[str, str], expected: dict[str, str], together: set[str]) -> None:
    """After a kill, each table present is the whole clean result, never part of one, and
    the tables written in one transaction (`together`) are all there or none is."""
    assert set(partial) <= set(expected)
    assert partial == {name: expected[name] for name in partial}
    assert not (together & set(partial)) or together <= set(partial), sorted(together - set(partial))


@pytest.fixture(scope="module")
def articles_file(analysed_scenario) -> Path:
    _, manifest, _ = analysed_scenario
    return next(file.path for file in manifest.files if file.format == "articles")


def test_killed_text_then_rerun_equals_clean_run(articles_file, tmp_path):
    """`inconcert text` killed while loading its models and analysing, as it stores its
    tables, as it writes its first file and among its files: each time the workspace
    keeps whole tables, and a run to the end gives the tables and files of a clean run."""
    from conftest import run_cli
    from inconcert.text.run import SCHEMAS

    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    for workspace in (clean, crashed):
        assert_clean_exit(ingest(workspace, "articles", articles_file))
    started = time.monotonic()
    assert_clean_exit(run_cli("text", "--workspace", clean, "--out", tmp_path / "clean-out"))
    duration = time.monotonic() - started
    expected, expected_files = analysis_tables(clean, "text_"), files_content(tmp_path / "clean-out")
    assert "text_reuse" in expected and "reuse.csv" in expected_files

    out = tmp_path / "out"
    stored_together = set(SCHEMAS) | {"text_parameters"}
    moments = [
        ("a third of a clean run's time in", after(duration / 3), False),
        ("as its tables are stored", lambda launched: (crashed / "inconcert.duckdb.wal").exists(), True),
        ("as its first file is written", new_file_in(out), True),
        ("among its files", lambda launched: len([p for p in out.glob("*.csv") if p.stat().st_mtime >= launched]) >= 4, True),
    ]
    for moment, ready, must_happen in moments:
        killed = run_and_kill_when(ready, "text", "--workspace", crashed, "--out", out)
        assert killed or not must_happen, f"the run ended before it was killed {moment}"
        assert_whole_tables(analysis_tables(crashed, "text_"), expected, stored_together)
    assert_clean_exit(run_cli("text", "--workspace", crashed, "--out", out))
    assert analysis_tables(crashed, "text_") == expected
    assert files_content(out) == expected_files


def report_content(path: Path) -> str:
    """The report's text without the moment it was written (which differs run to run)."""
    document = path.read_text(encoding="utf-8")
    moment = re.search(r'"generated_at":"([^"]+)"', document).group(1)
    return document.replace(moment, "GENERATED_AT")


def test_killed_report_then_rerun_equals_clean_run(analysed_scenario, tmp_path):
    """`inconcert report` on a workspace with no analyses runs coordination, signals and
    text, then writes the page. Killed at several points along the way, then run to the
    end: the same tables, files and report as a clean run, and no temporary file left."""
    from conftest import run_cli
    from inconcert.text.run import SCHEMAS

    _, manifest, _ = analysed_scenario
    # Same folder name for both workspaces: the report's title names it.
    clean, crashed = tmp_path / "clean" / "ws", tmp_path / "crashed" / "ws"
    for workspace in (clean, crashed):
        for file in manifest.files:
            assert_clean_exit(ingest(workspace, file.format, file.path))
    started = time.monotonic()
    assert_clean_exit(run_cli("report", "--workspace", clean, "--out", clean.parent / "report.html"))
    duration = time.monotonic() - started
    prefixes = ("coordination_", "signals_", "text_")
    expected = {prefix: analysis_tables(clean, prefix) for prefix in prefixes}
    expected_files = {folder: files_content(clean / folder) for folder in ("coordination", "text")}
    expected_report = report_content(clean.parent / "report.html")
    # Coordination and signals each replace all their tables in one transaction; text
    # stores its own, then the reuse analysis its tables in a second one.
    together = {"coordination_": set(expected["coordination_"]), "signals_": set(expected["signals_"]),
                "text_": set(SCHEMAS) | {"text_parameters"}}

    report = crashed.parent / "report.html"
    moments = [
        ("a tenth of a clean run's time in", after(duration / 10), False),
        ("as the coordination files are written", new_file_in(crashed, "coordination*/*"), True),
        ("half a clean run's time in", after(duration / 2), False),
        ("as the text files are written", new_file_in(crashed, "text*/*"), True),
        ("as the page is written", new_file_in(crashed.parent, "report.html*"), True),
    ]
    for moment, ready, must_happen in moments:
        killed = run_and_kill_when(ready, "report", "--workspace", crashed, "--out", report)
        assert killed or not must_happen, f"the run ended before it was killed {moment}"
        for prefix in prefixes:
            assert_whole_tables(analysis_tables(crashed, prefix), expected[prefix], together[prefix])
        print("DEBUG", moment, killed, {prefix: len(analysis_tables(crashed, prefix)) for prefix in prefixes}, {f: sorted(p.name for p in (crashed / f).glob("*")) for f in ("coordination", "text") if (crashed / f).exists()}, sorted(p.name for p in crashed.parent.iterdir()))
    assert_clean_exit(run_cli("report", "--workspace", crashed, "--out", report))
    assert {prefix: analysis_tables(crashed, prefix) for prefix in prefixes} == expected
    assert {folder: files_content(crashed / folder) for folder in ("coordination", "text")} == expected_files
    assert sorted(path.name for path in crashed.parent.iterdir()) == ["report.html", "ws"]
    assert sorted(path.name for path in crashed.iterdir()) == sorted(path.name for path in clean.iterdir())
    assert report_content(report) == expected_report
