"""`reuse.csv` and `reuse_outlets.csv`, written only from the stored reuse tables."""

from __future__ import annotations

from pathlib import Path

from inconcert.store.files import copy_csv
from inconcert.text.reuse.articles import BOILERPLATE_TABLE, OUTLETS_TABLE, REUSE_TABLE

REUSE_FILE, OUTLETS_FILE, BOILERPLATE_FILE = "reuse.csv", "reuse_outlets.csv", "reuse_boilerplate.csv"


def write_reuse_csv(con, out: Path) -> Path:
    """reuse.csv: CONTRACT §4's columns first, then the source, outlets, dates and both texts."""
    return copy_csv(con, f"SELECT * FROM {REUSE_TABLE} ORDER BY cluster_id, doc_a, start_a, doc_b, start_b", Path(out) / REUSE_FILE)


def write_reuse_outlets_csv(con, out: Path) -> Path:
    return copy_csv(con, f"SELECT * FROM {OUTLETS_TABLE} ORDER BY n_passages DESC, source_outlet, copying_outlet",
                    Path(out) / OUTLETS_FILE)


def write_reuse_boilerplate_csv(con, out: Path) -> Path:
    """reuse_boilerplate.csv: the passages kept out of reuse.csv as site boilerplate."""
    return copy_csv(con, f"SELECT * FROM {BOILERPLATE_TABLE} ORDER BY doc_id, start", Path(out) / BOILERPLATE_FILE)
