"""Synchronised activity: pairs of accounts active in the same time bins far more often
than their activity levels allow by chance (Pacheco et al. 2021's "same time intervals"
trace).

Every account's posts are binned (10 minutes by default). Candidate pairs come from an
equi-join of accounts on the bins they are both active in, never from all pairs; bins in
which a crowd is active (a viral moment, more than `max_bin_accounts` accounts) say
nothing about who is in step with whom and are left out of the join, the similarity and
the null model alike, as TF-IDF gives a ubiquitous term no weight.

Similarity is Pacheco et al.'s cosine of TF-IDF weighted bin vectors. Significance: if
two accounts were active in k_a and k_b bins chosen independently, each bin b with a
probability proportional to its share w_b of all account activity, the number of bins
they share would have mean k_a * k_b * sum(w_b^2); the p-value is the Poisson tail of
the shared count at that mean, and Benjamini-Hochberg runs over every pair sharing at
least one bin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import stats

from inconcert.store.tables import exact_sum


@dataclass(frozen=True)
class SyncRules:
    bin_seconds: int
    min_active_bins: int
    min_shared_bins: int
    max_bin_accounts: int
    fdr: float


def sync_pairs(con, rules: SyncRules) -> pa.Table:
    """The significant pairs, `account_a < account_b`."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sync_active AS
        WITH activity AS (
            SELECT account_id, post_id AS content_id, ts FROM posts WHERE ts IS NOT NULL
            UNION SELECT account_id, content_id, ts FROM actions WHERE ts IS NOT NULL
        ),
        binned AS (
            SELECT account_id, CAST(floor(epoch(ts) / {rules.bin_seconds}) AS BIGINT) AS bin, count(*) AS n
            FROM activity GROUP BY ALL
        ),
        eligible AS (
            SELECT account_id FROM binned GROUP BY account_id HAVING count(*) >= {rules.min_active_bins}
        ),
        active AS (SELECT * FROM binned SEMI JOIN eligible USING (account_id)),
        crowd AS (SELECT bin, count(*) AS n_accounts FROM active GROUP BY bin)
        SELECT a.account_id, a.bin, a.n, c.n_accounts
        FROM active a JOIN crowd c USING (bin) WHERE c.n_accounts <= {rules.max_bin_accounts}
        """
    )
    n_accounts = con.execute("SELECT count(DISTINCT account_id) FROM sync_active").fetchall()[0][0]
    if not n_accounts:
        return _empty()
    # sum over bins of w_b^2 with w_b = n_b / sum n_b: each bin appears n_b times in sync_active.
    concentration = con.execute(
        "SELECT sum(n_b * n_b) / (sum(n_b) ^ 2) FROM (SELECT bin, any_value(n_accounts) AS n_b FROM sync_active GROUP BY bin)"
    ).fetchall()[0][0]
    found = con.sql(
        f"""
        WITH weighted AS (
            SELECT account_id, bin, n * ln({n_accounts} / n_accounts) AS weight FROM sync_active
        ),
        norms AS (
            SELECT account_id, sqrt({exact_sum('weight * weight')}) AS norm, count(*) AS k FROM weighted GROUP BY account_id
        ),
        pairs AS (
            SELECT x.account_id AS account_a, y.account_id AS account_b, count(*) AS shared_bins,
                   {exact_sum('x.weight * y.weight')} AS dot
            FROM weighted x JOIN weighted y ON x.bin = y.bin AND x.account_id < y.account_id
            GROUP BY ALL
        )
        SELECT p.account_a, p.account_b, p.shared_bins, na.k AS bins_a, nb.k AS bins_b,
               CASE WHEN na.norm > 0 AND nb.norm > 0 THEN p.dot / (na.norm * nb.norm) ELSE 0 END AS similarity
        FROM pairs p JOIN norms na ON na.account_id = p.account_a JOIN norms nb ON nb.account_id = p.account_b
        """
    ).to_arrow_table()
    if found.num_rows == 0:
        return _empty()
    shared = found["shared_bins"].to_numpy().astype(float)
    expected = found["bins_a"].to_numpy() * found["bins_b"].to_numpy() * float(concentration)
    p_value = stats.poisson.sf(shared - 1, expected)
    q_value = stats.false_discovery_control(p_value, method="bh")
    keep = (q_value <= rules.fdr) & (shared >= rules.min_shared_bins)
    kept = found.filter(pa.array(keep))
    return (
        kept.append_column("expected_shared", pa.array(expected[keep]))
        .append_column("p_value", pa.array(p_value[keep]))
        .append_column("q_value", pa.array(q_value[keep]))
    )


def _empty() -> pa.Table:
    return pa.table({
        "account_a": pa.array([], pa.string()), "account_b": pa.array([], pa.string()),
        "shared_bins": pa.array([], pa.int64()), "bins_a": pa.array([], pa.int64()), "bins_b": pa.array([], pa.int64()),
        "similarity": pa.array([], pa.float64()), "expected_shared": pa.array([], pa.float64()),
        "p_value": pa.array([], pa.float64()), "q_value": pa.array([], pa.float64()),
    })
