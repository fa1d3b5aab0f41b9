"""From evidence (content pairs) to account-pair edges.

`weight` is CooRTweet's (the number of content pairs), `weight_ab`/`weight_ba` the QUT
toolkit's directed weights (distinct contents of one account matched by the other),
`n_objects` the distinct objects behind the edge. With several kinds (`--kind any`) every
count is the sum of the per-kind counts and `weight_<kind>` keeps each layer's weight.
"""

from __future__ import annotations

from inconcert.coordination.pairs import MICROS



def edges_by_kind_sql() -> str:
    """One row per account pair and kind; the layer-level counts. Engine-neutral (runs on
    DuckDB or, transpiled, on Spark): the sum is cast so both engines give BIGINT.

    Most pairs of accounts meet once or on one object with one content each, and for
    them a distinct count is 1 when the column's min equals its max. Only the other
    pairs go through the distinct counts, which cost a hash table per column (measured
    on 2.5M pairs: half the time of counting distinct values for every pair)."""
    return """
        WITH grouped AS (
            SELECT account_a, account_b, kind,
                   count(*) AS weight,
                   min(object_id) = max(object_id) AS one_object,
                   min(content_a) = max(content_a) AS one_content_a,
                   min(content_b) = max(content_b) AS one_content_b,
                   CAST(sum(abs(t_b - t_a)) AS BIGINT) AS total_delta_us,
                   min(least(t_a, t_b)) AS first_us,
                   max(greatest(t_a, t_b)) AS last_us
            FROM evidence
            GROUP BY account_a, account_b, kind
        ),
        repeated AS (
            SELECT e.account_a, e.account_b, e.kind,
                   count(DISTINCT e.object_id) AS n_objects,
                   count(DISTINCT e.content_a) AS weight_ab,
                   count(DISTINCT e.content_b) AS weight_ba
            FROM evidence e
            JOIN (SELECT account_a, account_b, kind FROM grouped
                  WHERE NOT (one_object AND one_content_a AND one_content_b)) r
              ON e.account_a = r.account_a AND e.account_b = r.account_b AND e.kind = r.kind
            GROUP BY e.account_a, e.account_b, e.kind
        )
        SELECT g.account_a, g.account_b, g.kind, g.weight,
               CASE WHEN g.one_object THEN 1 ELSE r.n_objects END AS n_objects,
               CASE WHEN g.one_content_a THEN 1 ELSE r.weight_ab END AS weight_ab,
               CASE WHEN g.one_content_b THEN 1 ELSE r.weight_ba END AS weight_ba,
               g.total_delta_us, g.first_us, g.last_us
        FROM grouped g
        LEFT JOIN repeated r ON r.account_a = g.account_a AND r.account_b = g.account_b AND r.kind = g.kind
    """


def edges_sql(kinds: list[str]) -> str:
    """Layers summed per account pair, with one `weight_<kind>` column per kind present."""
    if len(kinds) == 1:  # one layer: its rows are already one per account pair
        return f"""
            SELECT account_a, account_b, weight, n_objects, weight_ab, weight_ba,
                   CAST(total_delta_us AS DOUBLE) / weight / {MICROS} AS mean_time_delta,
                   kind AS kinds, first_us, last_us, weight AS "weight_{kinds[0]}"
            FROM edges_by_kind
        """
    per_kind = ", ".join(
        f"sum(CASE WHEN kind = '{kind}' THEN weight ELSE 0 END) AS \"weight_{kind}\"" for kind in kinds
    )
    return f"""
        SELECT account_a, account_b,
               sum(weight) AS weight,
               sum(n_objects) AS n_objects,
               sum(weight_ab) AS weight_ab,
               sum(weight_ba) AS weight_ba,
               CAST(sum(total_delta_us) AS DOUBLE) / sum(weight) / {MICROS} AS mean_time_delta,
               string_agg(kind, ';' ORDER BY kind) AS kinds,
               min(first_us) AS first_us,
               max(last_us) AS last_us{', ' + per_kind if per_kind else ''}
        FROM edges_by_kind
        GROUP BY account_a, account_b
    """
