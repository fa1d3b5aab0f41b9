"""Run the signals analysis on a workspace and keep its results there.

Reads the canonical `accounts`, `posts` and `actions` tables (and `coordination_accounts`
when a coordination analysis has been run); writes `signals_creation_bursts`,
`signals_volume_bursts`, `signals_accounts`, `signals_sync_pairs` and
`signals_parameters`, replacing the previous run's in one transaction.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from inconcert.engines import Engine
from inconcert.errors import UserError
from inconcert.signals.bots import FEATURES, bot_model, features_sql, score_sql
from inconcert.signals.creation import (
    CLUSTERS_OF_PERIODS_SQL,
    CREATION_BURSTS_SQL,
    CreationRules,
    creation_periods,
    store_account_dates,
)
from inconcert.signals.sync import SyncRules, sync_pairs
from inconcert.signals.volume import VolumeRules, volume_bursts_sql, volume_cells
from inconcert.store.tables import settle_floats, table_exists
from inconcert.store.workspace import Workspace

RESULT_TABLES = ("signals_creation_bursts", "signals_volume_bursts", "signals_accounts", "signals_sync_pairs")


@dataclass(frozen=True)
class SignalsParams:
    """Thresholds of every signal; docs/signals.md explains each."""

    fdr: float = 0.01
    min_burst_accounts: int = 5
    min_ratio: float = 2.0
    min_object_posts: int = 10
    min_burst_posts: int = 10
    sync_bin_seconds: int = 600
    sync_min_active_bins: int = 5
    sync_min_shared_bins: int = 3
    sync_max_bin_accounts: int = 100

    def validate(self) -> None:
        if not 0 < self.fdr <= 1:
            raise UserError(f"--fdr {self.fdr}: must be a false discovery rate above 0 and at most 1.")
        if not self.min_ratio >= 1:
            raise UserError(f"--min-ratio {self.min_ratio}: must be 1 or more.")
        if self.sync_bin_seconds < 1:
            raise UserError(f"--sync-bin {self.sync_bin_seconds}: must be a number of seconds, 1 or more.")
        for flag, value in (
            ("--min-burst-accounts", self.min_burst_accounts), ("--min-object-posts", self.min_object_posts),
            ("--min-burst-posts", self.min_burst_posts), ("--sync-min-bins", self.sync_min_active_bins),
            ("--sync-min-shared", self.sync_min_shared_bins), ("--sync-max-bin-accounts", self.sync_max_bin_accounts),
        ):
            if value < 1:
                raise UserError(f"{flag} {value}: must be 1 or more.")


@dataclass(frozen=True)
class SignalsSummary:
    accounts: int
    dated_accounts: int
    creation_bursts: int
    accounts_in_bursts: int
    volume_bursts: int
    sync_pairs: int
    high_bot_score: int


def run_signals(workspace: Workspace, params: SignalsParams | None = None, engine: Engine | None = None) -> SignalsSummary:
    """Compute every signal and store the result tables (the report calls this with defaults).
    `engine` dates the accounts and counts the creation and volume series (DuckDB on the
    workspace when None, or Spark)."""
    params = params or SignalsParams()
    params.validate()
    con = workspace.con
    _require_data(con)
    with_coordination = table_exists(con, "coordination_accounts")
    con.execute("BEGIN TRANSACTION")
    try:
        store_account_dates(con, engine)
        _store_creation_bursts(con, params, with_coordination)
        _store_accounts(con)
        _store_volume_bursts(con, params, with_coordination, engine)
        _store_sync_pairs(con, params)
        _store_parameters(con, params, with_coordination)
        for table in ("signals_creation_bursts", "signals_accounts", "signals_volume_bursts", "signals_sync_pairs"):
            settle_floats(con, table)
        summary = _summary(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def _require_data(con) -> None:
    found = con.execute(
        "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM posts) + (SELECT count(*) FROM actions)"
    ).fetchall()[0][0]
    if not found:
        raise UserError("the workspace has no accounts, posts or actions yet; run `inconcert ingest` first.")


def _store_creation_bursts(con, params: SignalsParams, with_coordination: bool) -> None:
    rules = CreationRules(fdr=params.fdr, min_accounts=params.min_burst_accounts, min_ratio=params.min_ratio)
    con.register("creation_periods_raw", creation_periods(con, rules))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE creation_periods AS {CREATION_BURSTS_SQL}")
    finally:
        con.unregister("creation_periods_raw")
    clusters = (
        f"LEFT JOIN ({CLUSTERS_OF_PERIODS_SQL}) c USING (date_basis, resolution, period_start)"
        if with_coordination else
        "LEFT JOIN (SELECT NULL::VARCHAR AS date_basis, NULL::VARCHAR AS resolution, NULL::TIMESTAMP AS period_start, "
        "NULL::BIGINT AS n_in_clusters, NULL::BIGINT AS n_coordinated, NULL::VARCHAR AS coordinated_clusters) c "
        "USING (date_basis, resolution, period_start)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE signals_creation_bursts AS
        SELECT p.*, c.n_in_clusters, c.n_coordinated, c.coordinated_clusters
        FROM creation_periods p {clusters}
        ORDER BY p.date_basis DESC, p.resolution, p.period_start
        """
    )


def _store_accounts(con) -> None:
    con.execute(f"CREATE OR REPLACE TEMP TABLE signals_features AS {features_sql()}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE signals_scored AS {score_sql(bot_model(), 'signals_features')}")
    feature_columns = ", ".join(f's."{name}"' for name in FEATURES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE signals_accounts AS
        WITH in_burst AS (
            SELECT s.platform, s.account_id, min(b.burst_id) AS creation_burst_id
            FROM signals_scored s JOIN signals_creation_bursts b
              ON b.flagged AND b.date_basis = s.created_at_source
             AND CASE b.resolution WHEN 'hour' THEN date_trunc('hour', s.created_at)
                                   ELSE date_trunc('day', s.created_at) END = b.period_start
            GROUP BY ALL
        )
        SELECT s.account_id, s.created_at, s.bot_score, {feature_columns},
               i.creation_burst_id IS NOT NULL AS in_creation_burst,
               s.platform, s.handle, s.created_at_source, s.n_features, i.creation_burst_id
        FROM signals_scored s LEFT JOIN in_burst i USING (platform, account_id)
        ORDER BY s.bot_score DESC, s.account_id, s.platform
        """
    )


def _store_volume_bursts(con, params: SignalsParams, with_coordination: bool, engine: Engine | None) -> None:
    rules = VolumeRules(
        fdr=params.fdr, min_object_posts=params.min_object_posts, min_burst_posts=params.min_burst_posts,
        min_ratio=params.min_ratio,
    )
    cells, resolution = volume_cells(con, rules, engine)
    con.register("volume_cells_raw", cells)
    try:
        con.execute(f"CREATE OR REPLACE TABLE signals_volume_bursts AS {volume_bursts_sql(resolution, with_coordination)}")
    finally:
        con.unregister("volume_cells_raw")


def _store_sync_pairs(con, params: SignalsParams) -> None:
    rules = SyncRules(
        bin_seconds=params.sync_bin_seconds, min_active_bins=params.sync_min_active_bins,
        min_shared_bins=params.sync_min_shared_bins, max_bin_accounts=params.sync_max_bin_accounts, fdr=params.fdr,
    )
    con.register("sync_pairs_raw", sync_pairs(con, rules))
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TABLE signals_sync_pairs AS
            SELECT account_a, account_b, similarity, p_value, q_value, shared_bins, bins_a, bins_b, expected_shared,
                   {params.sync_bin_seconds} AS bin_seconds
            FROM sync_pairs_raw ORDER BY p_value, account_a, account_b
            """
        )
    finally:
        con.unregister("sync_pairs_raw")


def _store_parameters(con, params: SignalsParams, with_coordination: bool) -> None:
    model = bot_model()
    record = {
        **asdict(params),
        "coordination_used": with_coordination,
        "bot_model": {key: model[key] for key in ("version", "trained_by", "training") if key in model},
    }
    con.execute("CREATE OR REPLACE TABLE signals_parameters (name VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO signals_parameters VALUES (?, ?)", [[name, json.dumps(value)] for name, value in record.items()]
    )


def _summary(con) -> SignalsSummary:
    def count(sql: str) -> int:
        return con.execute(sql).fetchall()[0][0]

    return SignalsSummary(
        accounts=count("SELECT count(*) FROM signals_accounts"),
        dated_accounts=count("SELECT count(created_at) FROM signals_accounts"),
        creation_bursts=count("SELECT count(DISTINCT burst_id) FROM signals_creation_bursts WHERE flagged"),
        accounts_in_bursts=count("SELECT count(*) FROM signals_accounts WHERE in_creation_burst"),
        volume_bursts=count("SELECT count(*) FROM signals_volume_bursts"),
        sync_pairs=count("SELECT count(*) FROM signals_sync_pairs"),
        high_bot_score=count("SELECT count(*) FROM signals_accounts WHERE bot_score >= 0.5"),
    )
