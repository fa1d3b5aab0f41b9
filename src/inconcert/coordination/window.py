"""`--window auto`: CooRnet's `estimate_coord_interval`, estimating the coordination
window from the data itself.

Among objects shared more than once, take the quickest ones (the fraction `q` with the
shortest delay between first and second share); for each, the seconds from its first
share until more than a fraction `p` of its shares had happened; the window is the median
of those, and 1 s when that median is 0 (as in CooRnet).
"""

from __future__ import annotations

from inconcert.coordination.pairs import MICROS



def estimate_window_sql(q: float = 0.1, p: float = 0.5) -> str:
    """A one-value query over the `shares` relation (t in microseconds)."""
    return f"""
        WITH ranked AS (
            SELECT object_id, t,
                   row_number() OVER (PARTITION BY kind, object_id ORDER BY t) AS share_rank,
                   count(*) OVER (PARTITION BY kind, object_id) AS n_shares,
                   min(t) OVER (PARTITION BY kind, object_id) AS first_t, kind
            FROM shares
        ),
        second_share AS (
            SELECT kind, object_id, t - first_t AS delay FROM ranked WHERE share_rank = 2
        ),
        quickest AS (
            SELECT kind, object_id FROM second_share
            WHERE delay <= (SELECT quantile_cont(delay, {q}) FROM second_share)
        ),
        reach AS (
            SELECT r.kind, r.object_id, min(r.t - r.first_t) AS delay
            FROM ranked r JOIN quickest USING (kind, object_id)
            WHERE r.n_shares > 1 AND CAST(r.share_rank AS DOUBLE) / r.n_shares > {p}
            GROUP BY r.kind, r.object_id
        )
        SELECT quantile_cont(delay, 0.5) / {MICROS} FROM reach
    """


def estimate_window(con, q: float = 0.1, p: float = 0.5) -> float:
    """The estimated window in seconds (1 when the data gives 0 or nothing to go on)."""
    value = con.execute(estimate_window_sql(q, p)).fetchone()[0]
    return float(value) if value else 1.0
