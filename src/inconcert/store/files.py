"""Result files written safely: whole or not at all, and inert in a spreadsheet.

Every analysis exports through these helpers. A file is written under a temporary name in
its folder and renamed into place, so a reader (or a run killed half-way) never sees half
a file. CSV cells that a spreadsheet would run as a formula — text starting with `=`, `+`,
`-`, `@`, a tab or a carriage return, the OWASP list — get a leading apostrophe, which
spreadsheets show as text; plain signed numbers (`-3`, `+1.5`, a Telegram chat id such as
`-1001234`) are numbers to a spreadsheet already and stay as they are. Identifier columns
(`*_id`, `account_a`/`account_b`, `content_a`/`content_b`, `doc_a`/`doc_b`) must join with
the analyst's own data, and takedown archives' base64 ids often start with `+`: they are
changed only when they could call something (a `(`, `|` or `!` after such a start).
Parquet and JSON exports keep every value exactly as stored.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

FORMULA_START = r"^[=+\-@\t\r]"
PLAIN_NUMBER = r"^[+-]?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)?$"
CALLS_SOMETHING = r"[(|!]"
IDENTIFIER_COLUMNS = {"account_a", "account_b", "content_a", "content_b", "doc_a", "doc_b"}
_TEXT_TYPES = ("VARCHAR",)


def copy_csv(con, query: str, path: Path) -> Path:
    """`query`'s rows as RFC 4180 CSV with a header, text cells neutralised."""
    return _copy(con, neutralised(con, query), path, "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'")


def copy_parquet(con, query: str, path: Path) -> Path:
    return _copy(con, query, path, "FORMAT parquet")


def write_json(path: Path, document: object) -> Path:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a temporary path beside `path`, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    write(tmp)
    tmp.replace(path)
    return path


def write_folder_atomically(folder: Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on an empty temporary folder beside `folder`, then put it in place of
    `folder`. The temporary folder is made before anything else, so whatever stops the
    process on the way leaves it behind: `folder_interrupted` then says so, and the
    next run writes the folder again."""
    folder = Path(folder)
    partial, previous = _temporary(folder), folder.with_name(folder.name + ".old")
    for leftover in (partial, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    partial.mkdir(parents=True)
    write(partial)
    if folder.exists():
        folder.rename(previous)
    partial.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    return folder


def folder_interrupted(folder: Path) -> bool:
    """Whether a `write_folder_atomically` of `folder` started and did not finish."""
    return _temporary(Path(folder)).exists()


def neutralised(con, query: str) -> str:
    """`query` with every text column made inert for spreadsheets (column order kept)."""
    columns = con.execute(f"DESCRIBE {query}").fetchall()
    selected = []
    for name, column_type, *_ in columns:
        quoted = '"' + name.replace('"', '""') + '"'
        if column_type in _TEXT_TYPES:
            identifier = name.endswith("_id") or name in IDENTIFIER_COLUMNS
            calls = f"AND regexp_matches({quoted}, '{CALLS_SOMETHING}') " if identifier else ""
            selected.append(
                f"CASE WHEN regexp_matches({quoted}, '{FORMULA_START}') "
                f"AND NOT regexp_matches({quoted}, '{PLAIN_NUMBER}') {calls}"
                f"THEN '''' || {quoted} ELSE {quoted} END AS {quoted}"
            )
        else:
            selected.append(quoted)
    return f"SELECT {', '.join(selected)} FROM ({query})"


def _copy(con, query: str, path: Path, options: str) -> Path:
    """The workspace runs with preserve_insertion_order off (less memory for big
    queries), under which DuckDB writes the row groups of a scan in whatever order its
    threads finish: a table stored sorted would come out shuffled, differently on each
    run. Files are written with it on, so they follow the stored order (or the query's
    ORDER BY) exactly."""
    def copy(tmp: Path) -> None:
        literal = str(tmp).replace("'", "''")
        preserved = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
        con.execute("SET preserve_insertion_order = true")
        try:
            con.execute(f"COPY ({query}) TO '{literal}' ({options})")
        finally:
            con.execute(f"SET preserve_insertion_order = {'true' if preserved else 'false'}")

    return write_atomically(path, copy)


def _temporary(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")
