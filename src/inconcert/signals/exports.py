"""Files for analysts, written only from the stored signals tables (CSV: RFC 4180, UTF-8;
times in ISO 8601 UTC)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from inconcert.errors import UserError
from inconcert.store.files import copy_csv, write_json
from inconcert.signals.bots import FEATURES

CREATION_FILE, VOLUME_FILE, ACCOUNT_FILE = "creation_bursts.csv", "volume_bursts.csv", "accounts.csv"
SYNC_FILE, PARAMETERS_FILE = "sync_pairs.csv", "parameters.json"

_INSTANT = "%Y-%m-%dT%H:%M:%SZ"


def _period(column: str) -> str:
    """Days as dates, hours as date-times: the contract's ISO 8601 periods."""
    return f"CASE resolution WHEN 'day' THEN strftime({column}, '%Y-%m-%d') ELSE strftime({column}, '{_INSTANT}') END"


def check_out_folder(out: Path) -> None:
    """Refuse an unusable --out before any work is done."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder.")


def write_outputs(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    check_out_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    features = ", ".join(f'"{name}"' for name in FEATURES)
    return [
        copy_csv(con, f"""
            SELECT {_period('period_start')} AS period_start, {_period('period_end')} AS period_end,
                   n_created, expected, score, flagged, p_value, q_value, resolution, date_basis, burst_id,
                   n_in_clusters, n_coordinated, coordinated_clusters, baseline_block_periods, dispersion
            FROM signals_creation_bursts ORDER BY date_basis DESC, resolution, period_start
            """, out / CREATION_FILE),
        copy_csv(con, f"""
            SELECT kind, object_id, {_period('period_start')} AS period_start, {_period('period_end')} AS period_end,
                   resolution, n_periods, n_posts, expected, score, p_value, q_value, n_accounts,
                   coordinated_share, gini, top10_share, top_accounts
            FROM signals_volume_bursts ORDER BY score DESC, kind, object_id, period_start
            """, out / VOLUME_FILE),
        copy_csv(con, f"""
            SELECT account_id, strftime(created_at, '{_INSTANT}') AS created_at, bot_score, {features},
                   in_creation_burst, platform, handle, created_at_source, n_features, creation_burst_id
            FROM signals_accounts ORDER BY bot_score DESC, account_id, platform
            """, out / ACCOUNT_FILE),
        copy_csv(con, "SELECT * FROM signals_sync_pairs ORDER BY p_value, account_a, account_b", out / SYNC_FILE),
        _write_parameters(con, out / PARAMETERS_FILE),
    ]


def _write_parameters(con, path: Path) -> Path:
    params = {name: json.loads(value) for name, value in con.execute("SELECT * FROM signals_parameters").fetchall()}
    return write_json(path, params)
