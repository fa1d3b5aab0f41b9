"""Ingest files into a workspace: one transaction per file, skipped when already there.

Each file is hashed first; a file whose bytes were ingested before (under any name) adds
nothing. A file is read, staged and merged inside one DuckDB transaction, so an ingest
killed at any point leaves the workspace exactly as it was before that file, and running
the same command again gives the same workspace as one clean run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from inconcert.engines import SPARK, Engine
from inconcert.errors import UnusableFile, UserError
from inconcert.ingest import reader_module
from inconcert.ingest.staging import Staging
from inconcert.store.schema import INGESTS, Ingest
from inconcert.store.workspace import Workspace

ProgressHook = Callable[[Path, int], Callable[[int], None]]


@dataclass
class FileResult:
    path: Path
    records: int = 0
    quarantined: int = 0
    added: dict[str, int] = field(default_factory=dict)
    skipped: bool = False
    error: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    def summary(self) -> str:
        return (
            f"ingested {self.records} records from {sum(1 for f in self.files if not f.error)} files; "
            f"quarantined {self.quarantined}"
        )


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and the files inside named folders (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
            )
        elif path.is_file():
            files.append(path)
        elif path.exists():
            raise UserError(f"{path}: not a regular file or folder.")
        else:
            raise UserError(f"{path}: no such file or folder.")
    return files


def file_sha256(path: Path) -> str:
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError as error:
        raise UnusableFile(f"{path}: cannot be read ({error.strerror}).") from None


def ingest(
    workspace: Workspace, format_name: str, paths: Iterable[Path], progress: ProgressHook | None = None,
    engine: Engine | None = None,
) -> IngestReport:
    """`engine` reads the files (DuckDB and Python in this process when None; Spark reads
    what `inconcert.ingest.on_spark` can read); hashing, the transaction and the merge into
    the canonical tables are the same whichever reads."""
    reader = reader_module(format_name)
    files = expand_paths(paths)
    report = IngestReport()
    for path in files:
        result = FileResult(path)
        report.files.append(result)
        try:
            _ingest_file(workspace, reader, format_name, path, result, progress, engine)
        except UnusableFile as error:
            result.error = str(error)
            result.records = result.quarantined = 0
    return report


def _ingest_file(workspace, reader, format_name: str, path: Path, result: FileResult, progress, engine=None) -> None:
    con = workspace.con
    size = path.stat().st_size
    digest = file_sha256(path)
    already = con.execute(
        "SELECT count(*) FROM ingests WHERE sha256 = ? AND format = ?", [digest, format_name]
    ).fetchone()[0]
    if already:
        result.skipped = True
        return
    on_bytes = progress(path, size) if progress else None
    con.execute("BEGIN TRANSACTION")
    try:
        ingest_id = con.execute("SELECT coalesce(max(ingest_id), 0) + 1 FROM ingests").fetchone()[0]
        staging = Staging(con, ingest_id, str(path))
        if engine is not None and engine.name == SPARK:
            from inconcert.ingest.on_spark import read_on_spark

            read_on_spark(engine, format_name, reader, path, staging, on_bytes)
        else:
            reader.read(path, staging, on_bytes)
        if staging.records == 0 and staging.quarantined > 0:
            raise UnusableFile(
                f"{path}: no record could be read as --format {format_name} "
                f"(first problem: {staging.first_reason})."
            )
        staging.merge()
        entry = Ingest(
            file=str(path),
            format=format_name,
            size=size,
            sha256=digest,
            n_records=staging.records,
            n_quarantined=staging.quarantined,
            n_posts=staging.added["posts"],
            n_accounts=staging.added["accounts"],
            n_actions=staging.added["actions"],
            n_articles=staging.added["articles"],
        )
        values = [getattr(entry, c) for c in INGESTS.columns]
        placeholders = ", ".join("?" for _ in INGESTS.stored_columns)
        con.execute(f"INSERT INTO ingests VALUES ({placeholders})", [*values, ingest_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.records = staging.records
    result.quarantined = staging.quarantined
    result.added = dict(staging.added)
