"""Bursts of account creation: days (and hours, where creation is dense enough) on which
far more accounts were made than the data's own history around them would lead one to
expect.

Each account gets one creation date: its profile's `created_at`, or, on platforms whose
data carries no creation date at all (Bluesky's firehose), the first moment it was seen
posting, marked as such in `created_at_source`. No date is ever guessed: accounts without
either stay out of the series. The two kinds of dates are separate series (`date_basis`),
since a first-seen date is a date of activity, not of creation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from inconcert.engines import Engine, Step
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.signals.counts import Baseline, adaptive_block, score_counts

PROFILE, FIRST_SEEN = "profile", "first_seen"
# Platforms whose accounts carry no creation date in any format inconcert reads.
FIRST_SEEN_PLATFORMS = ("bluesky",)
# Blocks of the baseline hold this many accounts on average, so sparse years are compared
# with a wide enough stretch of history to have a median above zero.
ACCOUNTS_PER_BLOCK = 5
BLOCKS_EACH_SIDE = 4
# Hourly series are tested only when creation averages this many accounts a day: below
# that almost every hour is empty and the daily series says all there is to say.
HOURLY_MIN_PER_DAY = 24


@dataclass(frozen=True)
class Resolution:
    name: str
    seconds: int
    unit: int  # a baseline block is a whole number of these periods (a week of days, a day of hours)
    guard: int  # periods on each side of the tested one that its baseline leaves out


DAY = Resolution("day", 86_400, 7, 1)
HOUR = Resolution("hour", 3_600, 24, 24)

MICROS = 1_000_000
_FIRST_SEEN_LIST = ", ".join(f"'{platform}'" for platform in FIRST_SEEN_PLATFORMS)

# The inputs of the relational part, times as integer microseconds so that both engines
# read and write them alike: profiles' creation dates, and every moment an account was
# seen active (a post or an action; NULL where the data gives no time).
CREATION_INPUTS_SQL = {
    "creation_profiles": "SELECT platform, account_id, epoch_us(created_at) AS created_us FROM accounts",
    "creation_activity": (
        "SELECT platform, account_id, epoch_us(ts) AS t FROM posts "
        "UNION ALL SELECT platform, account_id, epoch_us(ts) AS t FROM actions"
    ),
}


def creation_count_steps() -> list[Step]:
    """The relational part, engine-neutral (DuckDB, or Spark SQL through SQLGlot): one
    creation date per known account (`creation_account_dates`, one row per account), and
    how many accounts were created in each day and hour of each date basis
    (`creation_period_counts`). Only these reduced tables come back from the engine."""
    counts = " UNION ALL ".join(
        f"""
        SELECT created_at_source AS date_basis, '{resolution.name}' AS resolution,
               CAST(floor(created_us / {resolution.seconds * MICROS}) AS BIGINT) AS period, count(*) AS n
        FROM creation_account_dates WHERE created_us IS NOT NULL
        GROUP BY created_at_source, CAST(floor(created_us / {resolution.seconds * MICROS}) AS BIGINT)
        """
        for resolution in (DAY, HOUR)
    )
    return [
        Step("creation_account_dates", f"""
            WITH known AS (
                SELECT platform, account_id FROM creation_profiles
                UNION SELECT platform, account_id FROM creation_activity
            ),
            profile AS (
                SELECT platform, account_id, min(created_us) AS created_us FROM creation_profiles
                GROUP BY platform, account_id
            ),
            seen AS (
                SELECT platform, account_id, min(t) AS first_seen_us, max(t) AS last_seen_us FROM creation_activity
                WHERE t IS NOT NULL GROUP BY platform, account_id
            )
            SELECT k.platform, k.account_id,
                   CASE WHEN p.created_us IS NOT NULL THEN p.created_us
                        WHEN k.platform IN ({_FIRST_SEEN_LIST}) THEN s.first_seen_us END AS created_us,
                   CASE WHEN p.created_us IS NOT NULL THEN '{PROFILE}'
                        WHEN k.platform IN ({_FIRST_SEEN_LIST}) AND s.first_seen_us IS NOT NULL
                        THEN '{FIRST_SEEN}' END AS created_at_source,
                   s.first_seen_us, s.last_seen_us
            FROM known k
            LEFT JOIN profile p ON p.platform = k.platform AND p.account_id = k.account_id
            LEFT JOIN seen s ON s.platform = k.platform AND s.account_id = k.account_id
        """),
        Step("creation_period_counts", counts),
    ]


def store_account_dates(con, engine: Engine | None = None) -> None:
    """Count on `engine` (DuckDB on the workspace when None, or Spark) and keep the
    results on `con`: `signals_account_dates` (platform, account_id, created_at,
    created_at_source, first_seen, last_seen) and `creation_period_counts`."""
    for name, sql in CREATION_INPUTS_SQL.items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")
    (engine or DuckDBEngine()).run(
        con, list(CREATION_INPUTS_SQL), creation_count_steps(), ["creation_account_dates", "creation_period_counts"]
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE signals_account_dates AS
        SELECT platform, account_id, make_timestamp(created_us) AS created_at, created_at_source,
               make_timestamp(first_seen_us) AS first_seen, make_timestamp(last_seen_us) AS last_seen
        FROM creation_account_dates
        """
    )


@dataclass(frozen=True)
class CreationRules:
    fdr: float
    min_accounts: int
    min_ratio: float


def creation_periods(con, rules: CreationRules) -> pa.Table:
    """One row per period with at least one account created, for every date basis and
    resolution tested. Reads the table `creation_period_counts` (`store_account_dates`)."""
    tables = []
    for basis in (PROFILE, FIRST_SEEN):
        day_index, day_counts = _period_counts(con, basis, DAY)
        if day_counts.size == 0:
            continue
        tables.append(_tested_series(basis, DAY, day_index, day_counts, rules))
        if day_counts.sum() / day_counts.size >= HOURLY_MIN_PER_DAY:
            hour_index, hour_counts = _period_counts(con, basis, HOUR)
            tables.append(_tested_series(basis, HOUR, hour_index, hour_counts, rules))
    return pa.concat_tables(tables) if tables else _empty()


def _period_counts(con, basis: str, resolution: Resolution) -> tuple[int, np.ndarray]:
    """The dense count series from the first period with an account to the last, and the
    index (periods since the Unix epoch) of its first period."""
    found = con.execute(
        """
        SELECT period, n FROM creation_period_counts WHERE date_basis = ? AND resolution = ?
        ORDER BY period
        """,
        [basis, resolution.name],
    ).fetchnumpy()
    periods, counts = found["period"], found["n"]
    if periods.size == 0:
        return 0, np.zeros(0)
    first = int(periods[0])
    dense = np.zeros(int(periods[-1]) - first + 1)
    dense[periods - first] = counts
    return first, dense


def _tested_series(basis: str, resolution: Resolution, first: int, counts: np.ndarray, rules: CreationRules) -> pa.Table:
    baseline = Baseline(
        block=adaptive_block(counts, resolution.unit, ACCOUNTS_PER_BLOCK),
        blocks_each_side=BLOCKS_EACH_SIDE, guard=resolution.guard,
    )
    tested = score_counts(counts, baseline)
    expected, p_value, q_value, score = (a[0] for a in (tested.expected, tested.p_value, tested.q_value, tested.score))
    present = np.flatnonzero(counts > 0)
    flagged = (q_value[present] <= rules.fdr) & (counts[present] >= rules.min_accounts) & (
        counts[present] >= rules.min_ratio * expected[present]
    )
    start_seconds = (first + present) * resolution.seconds
    n = present.size
    return pa.table({
        "date_basis": pa.array([basis] * n, pa.string()),
        "resolution": pa.array([resolution.name] * n, pa.string()),
        "period_start": pa.array(start_seconds * 1_000_000, pa.timestamp("us")),
        "period_end": pa.array((start_seconds + resolution.seconds) * 1_000_000, pa.timestamp("us")),
        "n_created": pa.array(counts[present].astype(np.int64)),
        "expected": pa.array(expected[present]),
        "score": pa.array(score[present]),
        "flagged": pa.array(flagged),
        "p_value": pa.array(p_value[present]),
        "q_value": pa.array(q_value[present]),
        "baseline_block_periods": pa.array(np.full(n, baseline.block, dtype=np.int64)),
        "dispersion": pa.array(np.full(n, tested.dispersion)),
    })


def _empty() -> pa.Table:
    return pa.table({
        "date_basis": pa.array([], pa.string()), "resolution": pa.array([], pa.string()),
        "period_start": pa.array([], pa.timestamp("us")), "period_end": pa.array([], pa.timestamp("us")),
        "n_created": pa.array([], pa.int64()), "expected": pa.array([], pa.float64()),
        "score": pa.array([], pa.float64()), "flagged": pa.array([], pa.bool_()),
        "p_value": pa.array([], pa.float64()), "q_value": pa.array([], pa.float64()),
        "baseline_block_periods": pa.array([], pa.int64()), "dispersion": pa.array([], pa.float64()),
    })


CREATION_BURSTS_SQL = """
WITH periods AS (SELECT * FROM creation_periods_raw),
islands AS (
    SELECT *, sum(CASE WHEN flagged AND previous_end = period_start THEN 0 ELSE 1 END)
                  OVER (PARTITION BY date_basis, resolution, flagged ORDER BY period_start) AS island
    FROM (SELECT *, lag(period_end) OVER (PARTITION BY date_basis, resolution, flagged ORDER BY period_start) AS previous_end
          FROM periods)
)
SELECT period_start, period_end, n_created, expected, score, flagged, p_value, q_value,
       resolution, date_basis,
       CASE WHEN flagged THEN resolution || '-' || date_basis || '-'
            || dense_rank() OVER (PARTITION BY date_basis, resolution, flagged ORDER BY island) END AS burst_id,
       baseline_block_periods, dispersion
FROM islands
"""

CLUSTERS_OF_PERIODS_SQL = """
WITH members AS (
    SELECT p.date_basis, p.resolution, p.period_start, c.cluster_id, c.flagged
    FROM creation_periods p
    JOIN signals_account_dates d
      ON d.created_at_source = p.date_basis
     AND CASE p.resolution WHEN 'hour' THEN date_trunc('hour', d.created_at)
                           ELSE date_trunc('day', d.created_at) END = p.period_start
    JOIN coordination_accounts c ON c.account_id = d.account_id
),
per_cluster AS (
    SELECT date_basis, resolution, period_start, cluster_id, count(*) AS n,
           count(*) FILTER (WHERE flagged) AS n_flagged
    FROM members GROUP BY ALL
)
SELECT date_basis, resolution, period_start,
       sum(n) AS n_in_clusters, sum(n_flagged) AS n_coordinated,
       string_agg(cluster_id || ' (' || n || ')', '; ' ORDER BY n DESC, cluster_id) AS coordinated_clusters
FROM per_cluster GROUP BY ALL
"""
