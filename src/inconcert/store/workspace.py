"""The workspace: a folder holding one embedded DuckDB database and derived files."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from inconcert import __version__
from inconcert.errors import UserError
from inconcert.store.schema import ALL_TABLES, SCHEMA_VERSION

DATABASE_NAME = "inconcert.duckdb"
MEMORY_LIMIT_VARIABLE = "INCONCERT_MEMORY_LIMIT"  # e.g. "2GB"; DuckDB's default is 80% of RAM
DEFAULT_WORKSPACE = Path("inconcert-workspace")

# Upgrades from version N to N+1, keyed by N. Each runs inside the opening transaction.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {}

_LOCK_WAIT_SECONDS = 30.0


class Workspace:
    """An open workspace. Commands share one connection; writers hold DuckDB's file lock."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, read_only: bool):
        self.path = path
        self.con = con
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path | str = DEFAULT_WORKSPACE, read_only: bool = False) -> "Workspace":
        path = Path(path)
        if path.exists() and not path.is_dir():
            raise UserError(f"--workspace {path}: exists and is not a folder.")
        database = path / DATABASE_NAME
        if read_only and not database.exists():
            raise UserError(f"--workspace {path}: no inconcert workspace there (run `inconcert ingest` first).")
        path.mkdir(parents=True, exist_ok=True)
        con = _connect(database, read_only)
        tmp = path / ".tmp"
        if not read_only:
            # Holding the write lock, no other command uses the workspace: whatever is in
            # its scratch folder was left by a command that was killed.
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(exist_ok=True)
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        _apply_memory_limit(con)
        # Big inserts stream without buffering for order; results that need an order say ORDER BY.
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = '{_sql_string(str(tmp))}'")
        workspace = cls(path, con, read_only)
        if not read_only:
            workspace._ensure_schema()
        else:
            workspace._check_version()
        return workspace

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int | None:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()[0]
        if not exists:
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _ensure_schema(self) -> None:
        version = self.schema_version()
        self._refuse_newer(version)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if version is None:
                self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
                for table in ALL_TABLES:
                    self.con.execute(table.ddl())
                self.con.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                    [str(SCHEMA_VERSION), f"inconcert {__version__}"],
                )
            else:
                for step in range(version, SCHEMA_VERSION):
                    MIGRATIONS[step](self.con)
                self.con.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
                )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _check_version(self) -> None:
        version = self.schema_version()
        self._refuse_newer(version)
        if version is None or version < SCHEMA_VERSION:
            raise UserError(
                f"--workspace {self.path}: made by an older inconcert (schema {version}); "
                "run any writing command such as `inconcert ingest` once to upgrade it."
            )

    def _refuse_newer(self, version: int | None) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise UserError(
                f"--workspace {self.path}: made by a newer inconcert (schema {version}, this one reads "
                f"{SCHEMA_VERSION}); upgrade inconcert to use it."
            )

    def counts(self) -> dict[str, int]:
        return {
            table.name: self.con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
            for table in ALL_TABLES
        }


def _connect(database: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting a while if another inconcert command holds it."""
    deadline = time.monotonic() + _LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(database), read_only=read_only)
        except duckdb.IOException as error:
            message = str(error)
            if "lock" not in message.lower():
                raise UserError(f"--workspace {database.parent}: cannot open its database ({message.splitlines()[0]}).") from None
            if time.monotonic() > deadline:
                raise UserError(
                    f"--workspace {database.parent}: another inconcert command is using it; "
                    "try again when it has finished."
                ) from None
            time.sleep(0.5)
        except duckdb.Error as error:
            raise UserError(
                f"--workspace {database.parent}: {database.name} is not a readable inconcert database "
                f"({str(error).splitlines()[0]})."
            ) from None


def _apply_memory_limit(con: duckdb.DuckDBPyConnection) -> None:
    """INCONCERT_MEMORY_LIMIT caps DuckDB's memory; beyond it work spills to WS/.tmp."""
    limit = os.environ.get(MEMORY_LIMIT_VARIABLE)
    if not limit:
        return
    try:
        con.execute(f"SET memory_limit = '{_sql_string(limit)}'")
    except duckdb.Error:
        raise UserError(f"{MEMORY_LIMIT_VARIABLE}={limit}: not a memory size such as 2GB or 500MB.") from None


def _sql_string(value: str) -> str:
    return value.replace("'", "''")
