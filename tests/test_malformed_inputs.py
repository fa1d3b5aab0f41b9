"""Hostile and broken input never ends in a traceback: every reader, on mutated copies of
its own fixtures, exits 0 (good records kept, the rest quarantined) or 2 (one sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, ingest, summary_counts
from inconcert.errors import UserError
from inconcert.ingest import FORMATS
from inconcert.ingest.pipeline import IngestReport, ingest as run_ingest
from inconcert.store.workspace import Workspace


def fixtures_of(fmt: str) -> list[Path]:
    folder = DATA / fmt
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def first_fixture(fmt: str) -> Path:
    files = fixtures_of(fmt)
    assert files, f"no fixture for --format {fmt} in {DATA / fmt}"
    # The largest file of many records exercises the most code (a page or a Parquet file
    # is one unit that truncation destroys whole).
    many_records = [p for p in files if p.suffix in (".jsonl", ".ndjson", ".csv", ".json")]
    return max(many_records or files, key=lambda p: p.stat().st_size)


def mutations(original: bytes) -> dict[str, bytes]:
    middle = len(original) // 2
    return {
        "empty": b"",
        "truncated-half": original[:middle],
        "truncated-90pct": original[: len(original) * 9 // 10],
        "binary-garbage": bytes(range(256)) * 64,
        "invalid-utf8-inside": original[:middle] + b"\xff\xfe\xc3\x28" + original[middle:],
        "nul-bytes-inside": original[:middle] + b"\x00" * 16 + original[middle:],
        "bom-and-crlf": b"\xef\xbb\xbf" + original.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"),
        "cr-only-newlines": original.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
        "giant-line-appended": original + b"\n" + b"A" * (8 << 20) + b"\n",
        "deep-nesting-appended": original + b"\n" + b"[" * 200_000 + b"\n",
        "formula-cells": original + b"\n=HYPERLINK(\"http://evil\"),@SUM(1),+1,-1\n",
    }


def test_every_format_has_a_fixture():
    for fmt in FORMATS:
        assert fixtures_of(fmt), f"tests/data/{fmt}/ is empty"


def ingest_in_process(workspace: Path, fmt: str, path: Path) -> IngestReport | UserError:
    """The ingest command's work without a new interpreter per input (hundreds of inputs
    here); a UserError is what the command turns into exit 2, anything else is a crash."""
    try:
        with Workspace.open(workspace) as ws:
            return run_ingest(ws, fmt, [path])
    except UserError as error:
        return error


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_mutated_inputs_end_cleanly(fmt, tmp_path):
    for source in fixtures_of(fmt):
        original = source.read_bytes()
        for name, content in mutations(original).items():
            mutated = tmp_path / source.parent.name / f"{source.name}-{name}" / source.name
            mutated.parent.mkdir(parents=True)
            mutated.write_bytes(content)
            outcome = ingest_in_process(tmp_path / f"ws-{source.name}-{name}", fmt, mutated)
            if isinstance(outcome, UserError):
                assert "\n" not in str(outcome), outcome
                continue
            for message in outcome.errors:  # files reported unusable: one sentence naming the file
                assert str(mutated) in message and "\n" not in message, message


def test_cli_reports_an_unusable_file_in_one_line(tmp_path):
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(bytes(range(256)) * 8)
    run = ingest(tmp_path / "ws", "twitter-v1", garbage)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if line.strip()] == [
        line for line in run.stderr.splitlines() if "garbage.jsonl" in line
    ]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_truncation_keeps_the_good_records_before_the_cut(fmt, tmp_path):
    source = first_fixture(fmt)
    full = ingest(tmp_path / "ws-full", fmt, source)
    records = summary_counts(full)[0]
    if records < 4:
        pytest.skip(f"{source.name} has only {records} records")
    cut = tmp_path / "cut" / source.name
    cut.parent.mkdir()
    cut.write_bytes(source.read_bytes()[: source.stat().st_size * 9 // 10])
    run = ingest(tmp_path / "ws-cut", fmt, cut)
    assert run.returncode == 0, run.stderr
    assert 0 < summary_counts(run)[0] <= records
