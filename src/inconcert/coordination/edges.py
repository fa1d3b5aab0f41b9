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
    DuckDB or, transpiled, on Spark): the sum is cast so both engines give BIGINT."""
    return """
        SELECT account_a, account_b, kind,
               count(*) AS weight,
               count(DISTINCT object_id) AS n_objects,
               count(DISTINCT content_a) AS weight_ab,
               count(DISTINCT content_b) AS weight_ba,
               CAST(sum(abs(t_b - t_a)) AS BIGINT) AS total_delta_us,
               min(least(t_a, t_b)) AS first_us,
               max(greatest(t_a, t_b)) AS last_us
        FROM evidence
        GROUP BY account_a, account_b, kind
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
