"""Co-share pairs: every pair of contents, by two different accounts, on the same object
within the time window — the evidence every coordination edge is built from.

Written once as SQL in DuckDB's dialect, restricted to constructs SQLGlot carries over to
Spark SQL, so both engines run the same statements (inconcert.engines). The windowed
self-join is a bucketed equi-join (DESIGN.md "Engines"): bucket `b = t // W`; two shares
within W of each other lie in the same bucket or in neighbouring ones, so each share meets
the shares of the same object in its own bucket and in the next; `|Δt| <= W` is checked
exactly afterwards. That is exact and never quadratic in an object's total popularity,
only in its popularity within one window. Each unordered pair is produced once: inside a
bucket by taking the smaller content id on the left (pairs need two different content ids
anyway), across buckets by the bucket order; unlike a row number this needs no global
ordering, which Spark could only compute on one partition.

Semantics are CooRTweet's (`detect_groups`), checked against its reference outputs:
accounts with fewer than `min_participation` rows are dropped first; a pair needs two
different accounts, two different content ids, and neither content may be the object
itself; afterwards only pairs with at least one content of an account that has
`min_participation` or more rows among the coordinated contents are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from inconcert.engines import Step

MICROS = 1_000_000
# An object whose shares make more candidate pairs than this is set aside before any pair
# is materialised (viral_objects.csv says so): ten million pairs is some 4,500 accounts
# sharing one object within the same window — a crowd, not a group, and the memory of a
# whole run. `--max-object-pairs` raises it; 0 lifts it.
DEFAULT_MAX_OBJECT_PAIRS = 10_000_000


@dataclass(frozen=True)
class PairingPlan:
    """The statements that turn the `shares` relation (kind, object_id, account_id,
    content_id, t in µs, own_object) into the `evidence` relation."""

    window_us: int
    min_participation: int
    max_object_accounts: int | None
    fast_window_us: int | None = None
    max_object_pairs: int | None = DEFAULT_MAX_OBJECT_PAIRS
    # True when object_id is a code of (kind, object id) (coordination/codes.py): the code
    # alone then names an object, and joins and groups skip the kind string. False for
    # ids as given (the spark-submit job), where one string can be an object of two kinds.
    objects_coded: bool = False

    def _object(self, alias: str = "") -> str:
        """The columns that name an object, for SELECT and GROUP BY."""
        prefix = f"{alias}." if alias else ""
        return f"{prefix}object_id" if self.objects_coded else f"{prefix}kind, {prefix}object_id"

    def _same_object(self, x: str, y: str) -> str:
        same = f"{x}.object_id = {y}.object_id"
        return same if self.objects_coded else f"{x}.kind = {y}.kind AND {same}"

    def steps(self) -> list[Step]:
        """From `shares` to `evidence` (oriented, participation-filtered pairs),
        `viral_objects` and, with a fast window, `fast_edges` (weight_fast per edge)."""
        bucket = max(self.window_us, 1)
        steps = [
            Step("active_shares", self._prefilter(), materialise=self.min_participation > 1),
            Step("object_loads", self._object_loads(bucket)),
            Step("viral_objects", self._viral_objects()),
            Step("bucketed_shares", self._bucketed(bucket)),
            Step("candidate_pairs", self._pairs()),
            Step("evidence", self.participation_filter("candidate_pairs")),
        ]
        if self.fast_window_us is not None:
            # CooRTweet's `flag_speed_share`: the pairs inside a narrower window,
            # re-filtered by participation, counted per edge.
            steps += [
                Step("fast_candidate_pairs",
                     f"SELECT * FROM candidate_pairs WHERE abs(t_x - t_y) <= {self.fast_window_us}"),
                Step("fast_edges",
                     f"SELECT account_a, account_b, count(*) AS weight_fast "
                     f"FROM ({self.participation_filter('fast_candidate_pairs')}) AS f GROUP BY account_a, account_b"),
            ]
        return steps

    def outputs(self) -> list[str]:
        return ["viral_objects", "evidence"] + (["fast_edges"] if self.fast_window_us is not None else [])

    def _prefilter(self) -> str:
        """Accounts with fewer than min_participation rows take no part (CooRTweet's pre-filter)."""
        if self.min_participation <= 1:
            return "SELECT * FROM shares"
        return f"""
            SELECT s.* FROM shares s
            JOIN (SELECT kind, account_id FROM shares GROUP BY kind, account_id
                  HAVING count(*) >= {self.min_participation}) a
              ON s.kind = a.kind AND s.account_id = a.account_id
        """

    def _object_loads(self, bucket: int) -> str:
        """Objects whose shares would make more candidate pairs than the limit, counted
        before any pair exists: n·(n−1)/2 within each bucket plus n·n' with the next one
        (every pair the bucketed join would look at, each once)."""
        if not self.max_object_pairs:
            return "SELECT kind, object_id, CAST(0 AS BIGINT) AS candidate_pairs FROM shares WHERE FALSE"
        # Only an object with more shares than √(2·limit) can make that many pairs at all:
        # the buckets are counted for those few, not for every object.
        heavy = f"""
            SELECT {self._object()} FROM active_shares WHERE NOT own_object
            GROUP BY {self._object()} HAVING count(*) * (count(*) - 1) / 2 > {self.max_object_pairs}
        """
        per_bucket = f"""
            SELECT s.kind, s.object_id, CAST(floor(s.t / {bucket}) AS BIGINT) AS bucket, count(*) AS n
            FROM active_shares s JOIN heavy h ON {self._same_object('h', 's')}
            WHERE NOT s.own_object
            GROUP BY s.kind, s.object_id, CAST(floor(s.t / {bucket}) AS BIGINT)
        """
        pairs = "x.n * (x.n - 1) / 2 + x.n * coalesce(y.n, 0)"
        return f"""
            WITH heavy AS ({heavy}), per_bucket AS ({per_bucket})
            SELECT x.kind, x.object_id, CAST(sum({pairs}) AS BIGINT) AS candidate_pairs
            FROM per_bucket x
            LEFT JOIN per_bucket y ON y.kind = x.kind AND y.object_id = x.object_id AND y.bucket = x.bucket + 1
            GROUP BY x.kind, x.object_id
            HAVING sum({pairs}) > {self.max_object_pairs}
        """

    def _viral_objects(self) -> str:
        """Objects set aside and reported: shared by more accounts than
        `max_object_accounts`, or making more candidate pairs than `max_object_pairs`."""
        counts = """
            SELECT s.kind, s.object_id, count(DISTINCT s.account_id) AS n_accounts, count(*) AS n_shares,
                   max(l.candidate_pairs) AS candidate_pairs
            FROM active_shares s
        """
        if self.max_object_accounts:
            # Distinct accounts are counted only where they could exceed the limit: objects
            # with more shares than that, or over-loaded ones (measured: 7x less work).
            crowded = f"""
                SELECT {self._object()} FROM active_shares GROUP BY {self._object()}
                HAVING count(*) > {self.max_object_accounts}
                UNION SELECT {self._object()} FROM object_loads
            """
            return f"""{counts} JOIN ({crowded}) c ON {self._same_object('c', 's')}
                LEFT JOIN object_loads l ON {self._same_object('l', 's')}
                GROUP BY s.kind, s.object_id
                HAVING count(DISTINCT s.account_id) > {self.max_object_accounts} OR max(l.candidate_pairs) IS NOT NULL
            """
        # Without an account limit only the over-loaded objects are counted, not every object.
        return f"""{counts} JOIN object_loads l ON {self._same_object('l', 's')}
            GROUP BY s.kind, s.object_id
        """

    def _bucketed(self, bucket: int) -> str:
        return f"""
            SELECT s.*, CAST(floor(s.t / {bucket}) AS BIGINT) AS bucket
            FROM active_shares s
            WHERE NOT s.own_object
              AND NOT EXISTS (SELECT 1 FROM viral_objects v WHERE {self._same_object('v', 's')})
        """

    def _pairs(self) -> str:
        """Each unordered pair of shares once, as (x, y) with content_x < content_y, loops
        removed; shares of the object itself were left out of bucketed_shares. Two joins:
        pairs inside one bucket (each once by content order), and pairs from a bucket to
        the next (each once by bucket order, then put in content order) — half the rows
        the join looks at compared with matching each share against three buckets."""
        x_first = "x.content_id < y.content_id"
        return f"""
            SELECT x.kind, x.object_id,
                   x.account_id AS account_x, y.account_id AS account_y,
                   x.content_id AS content_x, y.content_id AS content_y,
                   x.t AS t_x, y.t AS t_y
            FROM bucketed_shares x JOIN bucketed_shares y
              ON {self._same_object('x', 'y')} AND x.bucket = y.bucket
            WHERE {x_first} AND abs(x.t - y.t) <= {self.window_us} AND x.account_id <> y.account_id
            UNION ALL
            SELECT x.kind, x.object_id,
                   CASE WHEN {x_first} THEN x.account_id ELSE y.account_id END,
                   CASE WHEN {x_first} THEN y.account_id ELSE x.account_id END,
                   least(x.content_id, y.content_id), greatest(x.content_id, y.content_id),
                   CASE WHEN {x_first} THEN x.t ELSE y.t END,
                   CASE WHEN {x_first} THEN y.t ELSE x.t END
            FROM bucketed_shares x JOIN bucketed_shares y
              ON {self._same_object('x', 'y')} AND y.bucket = x.bucket + 1
            WHERE x.content_id <> y.content_id AND abs(x.t - y.t) <= {self.window_us} AND x.account_id <> y.account_id
        """

    def participation_filter(self, pairs: str) -> str:
        """CooRTweet's post-filter over the pairs in table `pairs`, then each pair oriented
        so that account_a < account_b."""
        oriented = f"""
            SELECT kind, object_id,
                   CASE WHEN account_x < account_y THEN account_x ELSE account_y END AS account_a,
                   CASE WHEN account_x < account_y THEN account_y ELSE account_x END AS account_b,
                   CASE WHEN account_x < account_y THEN content_x ELSE content_y END AS content_a,
                   CASE WHEN account_x < account_y THEN content_y ELSE content_x END AS content_b,
                   CASE WHEN account_x < account_y THEN t_x ELSE t_y END AS t_a,
                   CASE WHEN account_x < account_y THEN t_y ELSE t_x END AS t_b
            FROM {pairs}
        """
        if self.min_participation <= 1:
            return oriented
        # Rows (of the pre-filtered input) whose content is in some pair; accounts with at
        # least min_participation such rows qualify, and so do their contents. Semi-joins
        # (EXISTS) keep each row once without de-duplicating the pairs' contents first.
        return f"""
            WITH paired_contents AS (
                SELECT kind, content_x AS content_id FROM {pairs}
                UNION ALL SELECT kind, content_y FROM {pairs}
            ),
            paired_rows AS (
                SELECT s.kind, s.account_id, s.content_id FROM active_shares s
                WHERE EXISTS (SELECT 1 FROM paired_contents c WHERE c.kind = s.kind AND c.content_id = s.content_id)
            ),
            qualified_accounts AS (
                SELECT kind, account_id FROM paired_rows GROUP BY kind, account_id
                HAVING count(*) >= {self.min_participation}
            ),
            qualified_contents AS (
                SELECT DISTINCT r.kind, r.content_id FROM paired_rows r
                WHERE EXISTS (SELECT 1 FROM qualified_accounts q WHERE q.kind = r.kind AND q.account_id = r.account_id)
            )
            SELECT o.* FROM ({oriented}) o
            LEFT JOIN qualified_contents qa ON qa.kind = o.kind AND qa.content_id = o.content_a
            LEFT JOIN qualified_contents qb ON qb.kind = o.kind AND qb.content_id = o.content_b
            WHERE qa.content_id IS NOT NULL OR qb.content_id IS NOT NULL
        """
