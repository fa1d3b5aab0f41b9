"""Volume bursts of hashtags, links and domains, and who carried them.

Each object with enough posts gets a count series (posts carrying it per hour, or per day
when the data spans more than two months), tested with the same count model as account
creation (`counts.py`). Consecutive flagged periods of one object make one burst; for
each burst the posts behind it are counted by account, giving how many accounts carried
it, how concentrated it was (Gini coefficient and the share of the ten busiest accounts)
and, when a coordination analysis has been run, the share carried by the accounts it
flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from inconcert.engines import Engine, Step
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.ingest.shares import DOMAIN, HASHTAG, LINK
from inconcert.signals.counts import Baseline, score_counts
from inconcert.signals.creation import DAY, HOUR

VOLUME_KINDS = (HASHTAG, LINK, DOMAIN)
# Hourly series up to this span, daily beyond: two months of hours is 1,500 periods per object.
HOURLY_MAX_DAYS = 62
MAX_MATRIX_CELLS = 20_000_000
BLOCKS_EACH_SIDE = 4
TOP_ACCOUNTS = 10
MICROS = 1_000_000


@dataclass(frozen=True)
class VolumeRules:
    fdr: float
    min_object_posts: int
    min_burst_posts: int
    min_ratio: float


def volume_count_steps(rules: VolumeRules) -> list[Step]:
    """The relational part, engine-neutral (DuckDB, or Spark SQL through SQLGlot), over the
    input `volume_shares` (kind, object_id, content_id, t in µs): objects with enough
    posts, their posts per hour, and the time span they cover. Per day is the sum of per
    hour: a post has one time, so it falls in one hour of one day."""
    return [
        Step("volume_object_posts", f"""
            SELECT kind, object_id, count(DISTINCT content_id) AS n_posts FROM volume_shares
            GROUP BY kind, object_id HAVING count(DISTINCT content_id) >= {rules.min_object_posts}
        """),
        Step("volume_hour_counts", f"""
            SELECT s.kind, s.object_id, CAST(floor(s.t / {HOUR.seconds * MICROS}) AS BIGINT) AS hour,
                   count(DISTINCT s.content_id) AS n
            FROM volume_shares s JOIN volume_object_posts o ON o.kind = s.kind AND o.object_id = s.object_id
            GROUP BY s.kind, s.object_id, CAST(floor(s.t / {HOUR.seconds * MICROS}) AS BIGINT)
        """),
        Step("volume_span", """
            SELECT min(s.t) AS first_us, max(s.t) AS last_us
            FROM volume_shares s JOIN volume_object_posts o ON o.kind = s.kind AND o.object_id = s.object_id
        """),
    ]


def volume_cells(con, rules: VolumeRules, engine: Engine | None = None) -> tuple[pa.Table, str]:
    """The flagged (object, period) cells, and the resolution used. The counting runs on
    `engine` (DuckDB on the workspace when None); the test on the reduced counts here."""
    kinds = ", ".join(f"'{kind}'" for kind in VOLUME_KINDS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW volume_shares AS
        SELECT kind, object_id, content_id, epoch_us(ts) AS t FROM actions WHERE kind IN ({kinds}) AND ts IS NOT NULL
        """
    )
    (engine or DuckDBEngine()).run(
        con, ["volume_shares"], volume_count_steps(rules), ["volume_object_posts", "volume_hour_counts", "volume_span"]
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE volume_objects AS
        SELECT kind, object_id, row_number() OVER (ORDER BY n_posts DESC, kind, object_id) - 1 AS row
        FROM volume_object_posts
        """
    )
    first_us, last_us = con.execute("SELECT first_us, last_us FROM volume_span").fetchall()[0]
    if first_us is None:
        return _empty_cells(), DAY.name
    span = (first_us / MICROS, last_us / MICROS)
    n_volume_objects = con.execute("SELECT count(*) FROM volume_objects").fetchall()[0][0]
    resolution = HOUR if span[1] - span[0] <= HOURLY_MAX_DAYS * DAY.seconds else DAY
    first = int(span[0] // resolution.seconds)
    n_periods = int(span[1] // resolution.seconds) - first + 1
    # The busiest objects first, as many as fit in memory at once.
    n_objects = min(int(n_volume_objects), max(1, MAX_MATRIX_CELLS // n_periods))
    hours_per_period = resolution.seconds // HOUR.seconds
    found = con.execute(
        f"""
        SELECT o.row, CAST(floor(h.hour / {hours_per_period}) AS BIGINT) - {first} AS col, sum(h.n) AS n
        FROM volume_hour_counts h JOIN volume_objects o USING (kind, object_id)
        WHERE o.row < {n_objects}
        GROUP BY ALL
        """
    ).fetchnumpy()
    counts = np.zeros((n_objects, n_periods))
    counts[found["row"], found["col"]] = found["n"]
    tested = score_counts(counts, Baseline(block=resolution.unit, blocks_each_side=BLOCKS_EACH_SIDE, guard=1))
    flagged = (
        (tested.q_value <= rules.fdr) & (counts >= rules.min_burst_posts) & (counts >= rules.min_ratio * tested.expected)
    )
    rows, cols = np.nonzero(flagged)
    start_us = (first + cols).astype(np.int64) * resolution.seconds * 1_000_000
    cells = pa.table({
        "row": pa.array(rows.astype(np.int64)),
        "period_start": pa.array(start_us, pa.timestamp("us")),
        "period_end": pa.array(start_us + resolution.seconds * 1_000_000, pa.timestamp("us")),
        "n_posts": pa.array(counts[rows, cols].astype(np.int64)),
        "expected": pa.array(tested.expected[rows, cols]),
        "p_value": pa.array(tested.p_value[rows, cols]),
        "q_value": pa.array(tested.q_value[rows, cols]),
        "score": pa.array(tested.score[rows, cols]),
    })
    return cells, resolution.name


def _empty_cells() -> pa.Table:
    return pa.table({
        "row": pa.array([], pa.int64()),
        "period_start": pa.array([], pa.timestamp("us")), "period_end": pa.array([], pa.timestamp("us")),
        "n_posts": pa.array([], pa.int64()), "expected": pa.array([], pa.float64()),
        "p_value": pa.array([], pa.float64()), "q_value": pa.array([], pa.float64()), "score": pa.array([], pa.float64()),
    })


def volume_bursts_sql(resolution: str, with_coordination: bool) -> str:
    """Flagged cells (`volume_cells_raw`) merged into bursts, with who carried each one."""
    flagged_share = (
        "sum(n) FILTER (WHERE account_id IN (SELECT account_id FROM coordination_accounts WHERE flagged)) * 1.0 / sum(n)"
        if with_coordination else "CAST(NULL AS DOUBLE)"
    )
    return f"""
    WITH cells AS (
        SELECT o.kind, o.object_id, c.* EXCLUDE (row)
        FROM volume_cells_raw c JOIN volume_objects o USING (row)
    ),
    islands AS (
        SELECT *, sum(CASE WHEN previous_end = period_start THEN 0 ELSE 1 END)
                      OVER (PARTITION BY kind, object_id ORDER BY period_start) AS island
        FROM (SELECT *, lag(period_end) OVER (PARTITION BY kind, object_id ORDER BY period_start) AS previous_end FROM cells)
    ),
    bursts AS (
        SELECT kind, object_id, island, min(period_start) AS period_start, max(period_end) AS period_end,
               count(*) AS n_periods, sum(expected) AS expected, max(score) AS score,
               min(p_value) AS p_value, min(q_value) AS q_value
        FROM islands GROUP BY ALL
    ),
    carried AS (
        SELECT b.kind, b.object_id, b.period_start, a.account_id, count(DISTINCT a.content_id) AS n
        FROM bursts b JOIN actions a
          ON a.kind = b.kind AND a.object_id = b.object_id AND a.ts >= b.period_start AND a.ts < b.period_end
        GROUP BY ALL
    ),
    ranked AS (
        SELECT *, row_number() OVER (PARTITION BY kind, object_id, period_start ORDER BY n, account_id) AS ascending,
                  row_number() OVER (PARTITION BY kind, object_id, period_start ORDER BY n DESC, account_id) AS descending
        FROM carried
    ),
    concentration AS (
        SELECT kind, object_id, period_start, sum(n) AS n_posts, count(*) AS n_accounts,
               2.0 * sum(ascending * n) / (count(*) * sum(n)) - (count(*) + 1.0) / count(*) AS gini,
               sum(n) FILTER (WHERE descending <= {TOP_ACCOUNTS}) * 1.0 / sum(n) AS top10_share,
               {flagged_share} AS coordinated_share,
               string_agg(account_id || ' (' || n || ')', '; ' ORDER BY descending) FILTER (WHERE descending <= 3) AS top_accounts
        FROM ranked GROUP BY ALL
    )
    SELECT b.kind, b.object_id, b.period_start, b.period_end, '{resolution}' AS resolution, b.n_periods,
           c.n_posts, b.expected, b.score, b.p_value, b.q_value, c.n_accounts,
           c.coordinated_share, c.gini, c.top10_share, c.top_accounts
    FROM bursts b JOIN concentration c USING (kind, object_id, period_start)
    ORDER BY b.score DESC, b.kind, b.object_id, b.period_start
    """
