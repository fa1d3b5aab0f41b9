"""Is an edge more than chance? A null model for co-action, and false-discovery control.

Co-sharing alone flags fans of a viral post and heavy users who post the same popular
hashtags all day. For each edge we ask how many distinct objects two accounts would
co-share within the window if they chose objects and times independently, given what
the data says about each account's activity and each object's popularity and tempo:

- **choice**: account b, which acted on `k_b` distinct objects, picks any given object
  at the rate `k_b * n_o / M` (a configuration model over the account-object bipartite
  graph: `n_o` accounts acted on object o, `M` account-object incidences in all; left
  uncapped, which only makes heavy accounts' expectations larger);
- **timing**: two shares of object o, by different accounts, fall within the window with
  probability `s_o`, measured on the object's own diffusion curve (its co-share pairs over
  all its cross-account share pairs; objects seen once take their kind's overall rate).
  With `m` shares by a and `μ_b` shares per object by b (rounded up in steps of 2^(1/8)),
  at least one of their `m * μ_b` share pairs falls within the window with probability
  `1 - (1 - s_o)^(m * μ_b)`.

Both factors multiply, so `λ_ab = k_b / M * Σ_{o ∈ objects of a} n_o * timing`: the sum is
computed once per account and partner multiplicity, and each edge costs one lookup — linear in
the data, where summing over every edge's objects grew with edges × objects.

The expected number of co-shared objects is λ_ab as above, and symmetrically `λ_ba`; the larger of the two is kept (heavy users get the benefit of
the doubt). The observed `n_objects` is compared with a Poisson(λ) upper tail, p-values
are adjusted across all edges with Benjamini–Hochberg, and an edge is `significant` when
its q-value is at most ALPHA and it rests on at least MIN_OBJECTS distinct objects (a
p-value on one or two coincidences is too fragile to accuse anyone on). Viral bursts
have a high `s_o` and a high `n_o`, so their fans expect to meet there; a network that
picks the same dozens of obscure objects within seconds does not.

An account is `flagged` when it has a significant edge; a cluster when two or more of
its members are flagged and its internal edges, taken together, are significant too.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc

from inconcert.store.tables import exact_sum

ALPHA = 0.01
MIN_EPISODES = 3
EPISODE_SECONDS = 86_400


def episode_length_us(window_us: int) -> int:
    """Episodes are a day long, or ten windows when the window is longer than 2.4 hours."""
    return max(EPISODE_SECONDS * 1_000_000, 10 * window_us)


def edge_null_sql(edges: str, shares: str, evidence: str, episode_us: int) -> str:
    """One row per edge of table `edges`: `observed_episodes` (distinct object-episodes
    the two accounts co-shared within the window, from `evidence`) and
    `expected_episodes` (λ under the null).

    `shares` holds the analysed shares (kind, object_id, account_id, content_id, t in µs);
    `evidence` the co-share pairs (kind, object_id, account_a, account_b, content_a, content_b,
    t_a, t_b in µs); `edges` has `weight`, its number of evidence rows. Objects are coded
    (coordination/codes.py): an object code names its kind too, so no join or group needs
    the kind string."""
    return f"""
        WITH account_objects AS (
            SELECT object_id, CAST(floor(t / {episode_us}) AS BIGINT) AS episode, account_id,
                   min(kind) AS kind, count(*) AS m
            FROM {shares} GROUP BY object_id, CAST(floor(t / {episode_us}) AS BIGINT), account_id
        ),
        paired AS (
            SELECT object_id, account_a, account_b, content_a, content_b,
                   CAST(floor(least(t_a, t_b) / {episode_us}) AS BIGINT) AS episode
            FROM {evidence}
        ),
        within_pairs AS (
            SELECT object_id, episode, count(*) AS c FROM paired GROUP BY object_id, episode
        ),
        observed AS (
            -- One post carrying two hashtags (or a link and its domain) is one coincidence,
            -- not three: an episode counts only as often as there are distinct post pairs.
            -- An edge of weight 1 rests on one pair: one episode, without distinct counts.
            SELECT account_a, account_b, 1 AS observed_episodes FROM {edges} WHERE weight = 1
            UNION ALL
            SELECT p.account_a, p.account_b,
                   least(count(DISTINCT (p.object_id, p.episode)), count(DISTINCT (p.content_a, p.content_b)))
            FROM paired p
            JOIN (SELECT account_a, account_b FROM {edges} WHERE weight > 1) e
              ON e.account_a = p.account_a AND e.account_b = p.account_b
            GROUP BY p.account_a, p.account_b
        ),
        objects AS (
            SELECT object_id, episode, min(kind) AS kind, count(*) AS n_o,
                   (sum(m) * sum(m) - sum(m * m)) // 2 AS cross_pairs
            FROM account_objects GROUP BY object_id, episode
        ),
        kind_rates AS (
            SELECT o.kind, least(1.0, coalesce(sum(w.c), 0) / greatest(sum(o.cross_pairs), 1)) AS s_kind
            FROM objects o LEFT JOIN within_pairs w USING (object_id, episode) GROUP BY o.kind
        ),
        object_rates AS (
            SELECT o.object_id, o.episode, o.n_o,
                   CASE WHEN o.cross_pairs > 0 THEN least(1.0, coalesce(w.c, 0) / o.cross_pairs)
                        ELSE r.s_kind END AS s_o
            FROM objects o JOIN kind_rates r USING (kind) LEFT JOIN within_pairs w USING (object_id, episode)
        ),
        incidences AS (SELECT CAST(count(*) AS DOUBLE) AS total FROM account_objects),
        activity AS (
            SELECT account_id, count(*) AS k, CAST(sum(m) AS DOUBLE) / count(*) AS mu,
                   -- shares per object, rounded up to a step of 2^(1/8) (at most 9 % more)
                   pow(2, ceil(8 * log2(greatest(CAST(sum(m) AS DOUBLE) / count(*), 1))) / 8) AS mu_bin
            FROM account_objects GROUP BY account_id
        ),
        needed AS (
            SELECT e.account_a AS account_id, partner.mu_bin FROM {edges} e
            JOIN activity partner ON partner.account_id = e.account_b
            UNION
            SELECT e.account_b, partner.mu_bin FROM {edges} e
            JOIN activity partner ON partner.account_id = e.account_a
        ),
        -- For each account and each partner multiplicity: the sum over its object-episodes
        -- of popularity × timing. λ then needs one lookup per edge, not a pass over the
        -- account's objects for every partner.
        exposure AS (
            SELECT ao.account_id, b.mu_bin, {exact_sum(EXPOSURE_TERM)} AS exposure
            FROM account_objects ao JOIN needed b USING (account_id) JOIN object_rates r USING (object_id, episode)
            GROUP BY ao.account_id, b.mu_bin
        ),
        directed AS (
            SELECT e.account_a, e.account_b, partner.k * x.exposure / i.total AS lam
            FROM {edges} e
            JOIN activity partner ON partner.account_id = e.account_b
            JOIN exposure x ON x.account_id = e.account_a AND x.mu_bin = partner.mu_bin
            CROSS JOIN incidences i
            UNION ALL
            SELECT e.account_a, e.account_b, partner.k * x.exposure / i.total
            FROM {edges} e
            JOIN activity partner ON partner.account_id = e.account_a
            JOIN exposure x ON x.account_id = e.account_b AND x.mu_bin = partner.mu_bin
            CROSS JOIN incidences i
        ),
        expected AS (
            SELECT account_a, account_b, max(lam) AS expected_episodes FROM directed GROUP BY account_a, account_b
        )
        SELECT e.account_a, e.account_b,
               coalesce(o.observed_episodes, 0) AS observed_episodes,
               coalesce(x.expected_episodes, 0.0) AS expected_episodes
        FROM {edges} e
        LEFT JOIN observed o USING (account_a, account_b)
        LEFT JOIN expected x USING (account_a, account_b)
        ORDER BY e.account_a, e.account_b
    """


# One object-episode's contribution to an account's exposure: how many accounts acted on
# it, times the chance that one of its share pairs with a partner falls within the window.
# A partner with k object-episodes then meets it by chance k · exposure / M times.
EXPOSURE_TERM = "r.n_o * (1 - pow(1 - r.s_o, ao.m * b.mu_bin))"


def poisson_upper_tail(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """P(X >= observed) for X ~ Poisson(expected): the regularised lower incomplete gamma."""
    observed = np.asarray(observed, dtype=float)
    expected = np.maximum(np.asarray(expected, dtype=float), 1e-300)
    return np.where(observed <= 0, 1.0, gammainc(np.maximum(observed, 1.0), expected))


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """q-values: the smallest false-discovery rate at which each test would be rejected."""
    p_values = np.asarray(p_values, dtype=float)
    n = p_values.size
    if n == 0:
        return p_values
    order = np.argsort(p_values, kind="stable")
    ranked = p_values[order] * n / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q_values = np.empty(n)
    q_values[order] = np.minimum(q_sorted, 1.0)
    return q_values
