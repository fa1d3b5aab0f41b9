"""Run a coordination analysis on a workspace and keep its results there.

Reads the canonical `actions` table; writes `coordination_evidence`, `coordination_edges`,
`coordination_accounts`, `coordination_clusters`, `coordination_viral_objects` and
`coordination_parameters`, replacing the previous run's in one transaction. Presentation
(CSV/Parquet/GraphML/GEXF files, the report) only reads these tables.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, replace

import numpy as np
import pyarrow as pa

from inconcert.coordination.clusters import find_communities
from inconcert.coordination.codes import IdCodes, choose_codes
from inconcert.coordination.edges import edges_by_kind_sql, edges_sql
from inconcert.coordination.pairs import DEFAULT_MAX_OBJECT_PAIRS, MICROS, PairingPlan
from inconcert.coordination.significance import (
    ALPHA,
    MIN_EPISODES,
    benjamini_hochberg,
    edge_null_sql,
    episode_length_us,
    poisson_upper_tail,
)
from inconcert.coordination.window import estimate_window
from inconcert.engines import Engine, Step
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import UserError
from inconcert.ingest.actions import KINDLESS
from inconcert.ingest.shares import ACTION_KINDS, NEAR_TEXT_KIND, NEAR_TEXT_THRESHOLD
from inconcert.store.tables import exact_sum
from inconcert.store.workspace import Workspace

ANY = "any"
# Near-duplicate text is not an action stored at ingest: which posts are copies of each
# other depends on the whole collection, so its groups are built when an analysis asks.
NEAR_TEXT = NEAR_TEXT_KIND
KIND_CHOICES = (*ACTION_KINDS, NEAR_TEXT, ANY)


@dataclass(frozen=True)
class CoordinationParams:
    """`window` in seconds; None estimates it from the data (`--window auto`)."""

    window: float | None
    kind: str = "retweet"
    min_participation: int = 1
    max_object_accounts: int | None = None
    max_object_pairs: int | None = DEFAULT_MAX_OBJECT_PAIRS
    fast_window: float | None = None
    edge_percentile: float = 0.5
    near_text_threshold: float = NEAR_TEXT_THRESHOLD

    def validate(self) -> None:
        if self.window is not None and (not self.window >= 0 or math.isinf(self.window)):
            raise UserError(f"--window {self.window}: must be a number of seconds, 0 or more.")
        if self.kind not in KIND_CHOICES:
            raise UserError(f"--kind {self.kind}: unknown kind; use one of {', '.join(KIND_CHOICES)}.")
        if self.min_participation < 1:
            raise UserError(f"--min-participation {self.min_participation}: must be 1 or more.")
        if self.max_object_accounts is not None and self.max_object_accounts < 2:
            raise UserError(f"--max-object-accounts {self.max_object_accounts}: must be 2 or more.")
        if self.max_object_pairs is not None and self.max_object_pairs < 0:
            raise UserError(f"--max-object-pairs {self.max_object_pairs}: must be 0 (no limit) or more.")
        if self.fast_window is not None and not 0 <= self.fast_window <= (self.window or math.inf):
            raise UserError(f"--fast-window {self.fast_window}: must be between 0 and --window.")
        if not 0 < self.near_text_threshold <= 1:
            raise UserError(f"--near-text-threshold {self.near_text_threshold}: must be above 0 and at most 1.")
        if not 0 <= self.edge_percentile <= 1:
            raise UserError(f"--edge-percentile {self.edge_percentile}: must be between 0 and 1.")


@dataclass(frozen=True)
class CoordinationSummary:
    window: float
    kinds: list[str]
    shares: int
    pairs: int
    edges: int
    accounts: int
    clusters: int
    flagged_accounts: int
    flagged_clusters: int
    viral_objects: int


def detect(workspace: Workspace, params: CoordinationParams, engine: Engine | None = None) -> CoordinationSummary:
    """`engine` runs the pairing and edge aggregation (DuckDB on the workspace when None);
    everything after runs on the workspace's DuckDB whichever engine paired."""
    params.validate()
    con = workspace.con
    kinds = _layers(con, params.kind)
    con.execute("BEGIN TRANSACTION")
    try:
        kinds = _near_text_layer(con, kinds, params, engine)
        con.execute(f"CREATE OR REPLACE TEMP VIEW share_rows AS {_shares_sql(params.kind, kinds)}")
        codes = choose_codes(con, "share_rows")
        con.execute(f"CREATE OR REPLACE TEMP TABLE shares AS {codes.coded_shares_sql('share_rows')}")
        if params.window is None:
            params = replace(params, window=estimate_window(con))
        plan = PairingPlan(
            window_us=round(params.window * MICROS),
            min_participation=params.min_participation,
            max_object_accounts=params.max_object_accounts,
            max_object_pairs=params.max_object_pairs,
            fast_window_us=None if params.fast_window is None else round(params.fast_window * MICROS),
            objects_coded=True,
        )
        _run_pairing(workspace, plan, engine)
        fast_counts = plan.fast_window_us is not None
        _code_edges(con, kinds, fast_counts, params.edge_percentile)
        _judge_edges(con, plan.window_us)
        _name_results(con, codes, kinds, params)
        _store_accounts_and_clusters(con)
        _judge_clusters(con)
        _store_parameters(con, params, kinds)
        summary = _summary(con, params.window, kinds)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def _layers(con, kind: str) -> list[str]:
    present = [row[0] for row in con.execute("SELECT DISTINCT kind FROM actions ORDER BY kind").fetchall()]
    if not present:
        raise UserError("the workspace has no actions yet; run `inconcert ingest` first.")
    if kind == ANY:
        return sorted([*present, NEAR_TEXT])
    if kind == NEAR_TEXT:
        return [NEAR_TEXT]
    if kind not in present and KINDLESS not in present:
        raise UserError(f"--kind {kind}: the workspace has no actions of that kind (it has {', '.join(present)}).")
    return [kind]


def _near_text_layer(con, kinds: list[str], params: CoordinationParams, engine: Engine | None) -> list[str]:
    """Build the near-duplicate groups (table `near_text_shares`, their band join on
    `engine`) when the near-text layer is asked for; with `--kind any` a collection
    without near-duplicates simply has no such layer."""
    if NEAR_TEXT not in kinds:
        return kinds
    # Imported here: the near-duplicate machinery (MinHash, sparse graphs) costs a second
    # of start-up that runs of the other kinds do not need.
    from inconcert.text.reuse.posts import create_near_text_shares

    if create_near_text_shares(con, threshold=params.near_text_threshold, table="near_text_shares", engine=engine) > 0:
        return kinds
    if params.kind == NEAR_TEXT:
        raise UserError(
            f"--kind near-text: no two posts in the workspace are near-duplicates at "
            f"--near-text-threshold {params.near_text_threshold:g}; there is nothing to pair."
        )
    return [kind for kind in kinds if kind != NEAR_TEXT]


def _shares_sql(kind: str, kinds: list[str]) -> str:
    """The actions of the chosen kind as (kind, object, account, content, t in µs).
    Rows of an `actions` file without a kind column take part whatever the kind: their
    object is `object_id` as given (CONTRACT §2)."""
    near_text = "SELECT kind, object_id, account_id, content_id, t FROM near_text_shares"
    if kind == NEAR_TEXT:
        return near_text
    if kind == ANY:
        actions = "SELECT kind, object_id, account_id, content_id, epoch_us(ts) AS t FROM actions"
        return f"{actions} UNION ALL {near_text}" if NEAR_TEXT in kinds else actions
    return f"""
        SELECT '{kind}' AS kind, object_id, account_id, content_id, epoch_us(ts) AS t
        FROM actions WHERE kind = '{kind}' OR kind = '{KINDLESS}'
    """


def _run_pairing(workspace: Workspace, plan: PairingPlan, engine: Engine | None) -> None:
    """From the `shares` table to `evidence`, `viral_objects`, `edges_by_kind` (and
    `fast_edges`) as temporary tables of the workspace, on the chosen engine."""
    steps = [*plan.steps(), Step("edges_by_kind", edges_by_kind_sql())]
    (engine or DuckDBEngine()).run(workspace.con, ["shares"], steps, [*plan.outputs(), "edges_by_kind"])


def _code_edges(con, kinds: list[str], fast: bool, percentile: float) -> None:
    """`coded_edges`: one row per account pair, still on coded ids (oriented by code)."""
    fast_column = "coalesce(f.weight_fast, 0) AS weight_fast," if fast else ""
    fast_join = "LEFT JOIN fast_edges f USING (account_a, account_b)" if fast else ""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE coded_edges AS
        WITH e AS ({edges_sql(kinds)}),
        threshold AS (SELECT quantile_cont(weight, {percentile}) AS t FROM e)
        SELECT e.account_a, e.account_b, e.weight, e.n_objects, e.weight_ab, e.weight_ba,
               e.mean_time_delta, {fast_column}
               e.weight > threshold.t AS above_percentile,
               make_timestamp(e.first_us) AS first_seen, make_timestamp(e.last_us) AS last_seen,
               e.kinds, {', '.join(f'e."weight_{k}"' for k in kinds)}
        FROM e CROSS JOIN threshold {fast_join}
        """
    )


def _judge_edges(con, window_us: int) -> None:
    """`edge_verdicts`: each edge's co-shared object-episodes, the number expected by
    chance, its p-value and Benjamini–Hochberg q-value, and the verdict
    (coordination/significance.py), on coded ids."""
    rows = con.execute(
        edge_null_sql("coded_edges", "shares", "evidence", episode_length_us(window_us))
    ).fetchnumpy()
    p_values = poisson_upper_tail(rows["observed_episodes"], rows["expected_episodes"])
    q_values = benjamini_hochberg(p_values)
    significant = (q_values <= ALPHA) & (np.asarray(rows["observed_episodes"]) >= MIN_EPISODES)
    verdicts = pa.table({
        "account_a": pa.array(rows["account_a"], pa.int64()),
        "account_b": pa.array(rows["account_b"], pa.int64()),
        "observed_episodes": pa.array(rows["observed_episodes"], pa.int64()),
        "expected_episodes": pa.array(rows["expected_episodes"], pa.float64()),
        "p_value": pa.array(p_values, pa.float64()),
        "q_value": pa.array(q_values, pa.float64()),
        "significant": pa.array(significant, pa.bool_()),
    })
    con.register("_edge_verdicts", verdicts)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE edge_verdicts AS SELECT * FROM _edge_verdicts")
    finally:
        con.unregister("_edge_verdicts")


def _name_results(con, codes: IdCodes, kinds: list[str], params: CoordinationParams) -> None:
    """The stored tables, with the ids as given joined back onto the coded results. Pairs
    were oriented by code; CONTRACT §2 orients them by name (account_a < account_b), so a
    pair whose names sort the other way has its directed columns swapped."""
    codes.create_name_tables(con, {
        "account_id": "SELECT account_a FROM coded_edges UNION SELECT account_b FROM coded_edges",
        "object_id": "SELECT object_id FROM evidence UNION SELECT object_id FROM viral_objects",
        "content_id": "SELECT content_a FROM evidence UNION SELECT content_b FROM evidence",
    })
    codes.drop_code_tables(con)
    fast = "weight_fast, " if "weight_fast" in _columns(con, "coded_edges") else ""
    layers = ", ".join(f'e."weight_{k}"' for k in kinds)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE coordination_edges AS
        WITH named AS (
            SELECT e.*, na.name AS name_a, nb.name AS name_b, na.name_rank > nb.name_rank AS swap,
                   least(na.name_rank, nb.name_rank) AS rank_a, greatest(na.name_rank, nb.name_rank) AS rank_b
            FROM coded_edges e
            JOIN account_names na ON na.code = e.account_a
            JOIN account_names nb ON nb.code = e.account_b
        )
        SELECT CASE WHEN swap THEN name_b ELSE name_a END AS account_a,
               CASE WHEN swap THEN name_a ELSE name_b END AS account_b,
               e.weight, e.n_objects,
               CASE WHEN swap THEN e.weight_ba ELSE e.weight_ab END AS weight_ab,
               CASE WHEN swap THEN e.weight_ab ELSE e.weight_ba END AS weight_ba,
               e.mean_time_delta, {fast}e.above_percentile, e.first_seen, e.last_seen, e.kinds, {layers},
               v.observed_episodes, v.expected_episodes, v.p_value, v.q_value, v.significant
        FROM named e JOIN edge_verdicts v USING (account_a, account_b)
        ORDER BY e.rank_a, e.rank_b
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE coordination_evidence AS
        WITH named AS (
            SELECT v.kind, o.name AS object_id, na.name AS name_a, nb.name AS name_b,
                   ca.name AS c_a, cb.name AS c_b, v.t_a, v.t_b, na.name_rank > nb.name_rank AS swap,
                   least(na.name_rank, nb.name_rank) AS rank_a, greatest(na.name_rank, nb.name_rank) AS rank_b
            FROM evidence v
            JOIN object_names o ON o.code = v.object_id
            JOIN account_names na ON na.code = v.account_a
            JOIN account_names nb ON nb.code = v.account_b
            JOIN content_names ca ON ca.code = v.content_a
            JOIN content_names cb ON cb.code = v.content_b
        )
        SELECT kind, object_id,
               CASE WHEN swap THEN name_b ELSE name_a END AS account_a,
               CASE WHEN swap THEN name_a ELSE name_b END AS account_b,
               CASE WHEN swap THEN c_b ELSE c_a END AS content_a,
               CASE WHEN swap THEN c_a ELSE c_b END AS content_b,
               make_timestamp(CASE WHEN swap THEN t_b ELSE t_a END) AS ts_a,
               make_timestamp(CASE WHEN swap THEN t_a ELSE t_b END) AS ts_b,
               CAST(abs(t_b - t_a) AS DOUBLE) / {MICROS} AS delta_seconds
        FROM named
        ORDER BY rank_a, rank_b, ts_a, ts_b, kind, object_id, content_a, content_b
        """
    )
    max_object_pairs, max_object_accounts = params.max_object_pairs, params.max_object_accounts
    con.execute(
        f"""
        CREATE OR REPLACE TABLE coordination_viral_objects AS
        SELECT v.kind, o.name AS object_id, v.n_accounts, v.n_shares, v.candidate_pairs,
               CASE WHEN v.candidate_pairs IS NOT NULL
                    THEN 'its shares make ' || v.candidate_pairs || ' candidate pairs within the window, '
                         || 'more than --max-object-pairs {max_object_pairs}'
                    ELSE 'shared by more accounts than --max-object-accounts {max_object_accounts}' END AS reason
        FROM viral_objects v JOIN object_names o ON o.code = v.object_id
        ORDER BY n_accounts DESC, kind, object_id
        """
    )


def _columns(con, table: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]


def _store_accounts_and_clusters(con) -> None:
    # Float sums below are in fixed point (exact_sum): a parallel sum's last digit depends
    # on the order threads add in, and a re-run must give the very same tables.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE network_nodes AS
        SELECT account_id, row_number() OVER (ORDER BY account_id) - 1 AS node
        FROM (SELECT account_a AS account_id FROM coordination_edges UNION SELECT account_b FROM coordination_edges)
        """
    )
    n_nodes = con.execute("SELECT count(*) FROM network_nodes").fetchone()[0]
    edges = con.execute(
        """
        SELECT na.node AS source, nb.node AS target, e.weight FROM coordination_edges e
        JOIN network_nodes na ON na.account_id = e.account_a
        JOIN network_nodes nb ON nb.account_id = e.account_b
        ORDER BY source, target
        """
    ).fetchnumpy()
    clusters = find_communities(n_nodes, edges["source"], edges["target"], edges["weight"])
    con.register("_clusters", pa.table({"node": pa.array(range(n_nodes), pa.int64()), "cluster_id": clusters}))
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE membership AS "
            "SELECT n.account_id, c.cluster_id FROM network_nodes n JOIN _clusters c USING (node)"
        )
    finally:
        con.unregister("_clusters")
    con.execute(
        f"""
        CREATE OR REPLACE TABLE coordination_accounts AS
        WITH incident AS (
            SELECT account_a AS account_id, account_b AS partner, weight, n_objects, first_seen, last_seen,
                   q_value, significant
            FROM coordination_edges
            UNION ALL
            SELECT account_b, account_a, weight, n_objects, first_seen, last_seen, q_value, significant
            FROM coordination_edges
        ),
        stats AS (
            SELECT account_id, count(*) AS n_partners, sum(weight) AS strength,
                   max(n_objects) AS max_objects_with_one_partner,
                   count(*) FILTER (WHERE significant) AS n_significant_partners,
                   min(q_value) AS min_q_value,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM incident GROUP BY account_id
        ),
        profile AS (
            SELECT account_id, min(handle) AS handle, min(created_at) AS created_at
            FROM accounts WHERE account_id IN (SELECT account_id FROM membership) GROUP BY account_id
        )
        SELECT m.account_id, m.cluster_id,
               greatest(0.0, 1 - s.min_q_value) AS coordination_score,
               s.n_significant_partners > 0 AS flagged,
               p.handle, p.created_at, s.n_partners, s.n_significant_partners, s.strength,
               s.max_objects_with_one_partner, s.min_q_value, s.first_seen, s.last_seen
        FROM membership m JOIN stats s USING (account_id) LEFT JOIN profile p USING (account_id)
        ORDER BY m.cluster_id, m.account_id
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE coordination_clusters AS
        WITH internal AS (
            SELECT ma.cluster_id, e.* FROM coordination_edges e
            JOIN membership ma ON ma.account_id = e.account_a
            JOIN membership mb ON mb.account_id = e.account_b
            WHERE ma.cluster_id = mb.cluster_id
        ),
        edge_stats AS (
            SELECT cluster_id, count(*) AS n_edges, sum(weight) AS total_weight,
                   sum(observed_episodes) AS observed_episodes, {exact_sum('expected_episodes')} AS expected_episodes,
                   min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM internal GROUP BY cluster_id
        ),
        member_stats AS (
            SELECT cluster_id, count(*) AS n_accounts, count(*) FILTER (WHERE flagged) AS n_flagged,
                   min(created_at) AS created_min, max(created_at) AS created_max
            FROM coordination_accounts GROUP BY cluster_id
        ),
        shared AS (
            SELECT ma.cluster_id, v.kind, v.object_id,
                   count(DISTINCT v.account_a) + count(DISTINCT v.account_b) AS reach, count(*) AS n_pairs
            FROM coordination_evidence v
            JOIN membership ma ON ma.account_id = v.account_a
            JOIN membership mb ON mb.account_id = v.account_b
            WHERE ma.cluster_id = mb.cluster_id
            GROUP BY ma.cluster_id, v.kind, v.object_id
        ),
        top_objects AS (
            SELECT cluster_id,
                   string_agg(kind || ' ' || object_id, ' | ' ORDER BY n_pairs DESC, kind, object_id)
                       FILTER (WHERE rank <= 3) AS top_objects,
                   count(*) AS n_objects
            FROM (SELECT *, row_number() OVER (PARTITION BY cluster_id ORDER BY n_pairs DESC, kind, object_id) AS rank
                  FROM shared)
            GROUP BY cluster_id
        )
        SELECT m.cluster_id, m.n_accounts, coalesce(e.n_edges, 0) AS n_edges,
               coalesce(e.total_weight, 0) AS total_weight,
               m.n_flagged >= 2 AS flagged,
               m.n_accounts || ' accounts co-shared ' || coalesce(t.n_objects, 0) || ' objects'
                   || coalesce(', most: ' || t.top_objects, '') AS summary,
               CASE WHEN m.n_accounts > 1 THEN 2.0 * coalesce(e.n_edges, 0) / (m.n_accounts * (m.n_accounts - 1)) END AS density,
               m.n_flagged, coalesce(t.n_objects, 0) AS n_objects, t.top_objects,
               e.first_seen, e.last_seen, m.created_min, m.created_max,
               date_diff('day', m.created_min, m.created_max) AS creation_spread_days,
               coalesce(e.observed_episodes, 0) AS observed_episodes,
               coalesce(e.expected_episodes, 0.0) AS expected_episodes
        FROM member_stats m LEFT JOIN edge_stats e USING (cluster_id) LEFT JOIN top_objects t USING (cluster_id)
        ORDER BY m.cluster_id
        """
    )


def _judge_clusters(con) -> None:
    """A cluster is flagged when two or more members are and its internal edges, summed,
    co-share far more objects than chance would (the same Poisson test, BH across clusters)."""
    rows = con.execute(
        "SELECT cluster_id, observed_episodes, expected_episodes FROM coordination_clusters ORDER BY cluster_id"
    ).fetchnumpy()
    p_values = poisson_upper_tail(rows["observed_episodes"], rows["expected_episodes"])
    q_values = benjamini_hochberg(p_values)
    con.register("_cluster_verdicts", pa.table({
        "cluster_id": pa.array(rows["cluster_id"], pa.int64()),
        "p_value": pa.array(p_values, pa.float64()),
        "q_value": pa.array(q_values, pa.float64()),
    }))
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TABLE coordination_clusters AS
            SELECT c.* REPLACE (c.flagged AND v.q_value <= {ALPHA} AS flagged), v.p_value, v.q_value
            FROM coordination_clusters c JOIN _cluster_verdicts v USING (cluster_id)
            ORDER BY c.cluster_id
            """
        )
    finally:
        con.unregister("_cluster_verdicts")


def _store_parameters(con, params: CoordinationParams, kinds: list[str]) -> None:
    record = {**asdict(params), "kinds": kinds, "significance_alpha": ALPHA, "min_episodes": MIN_EPISODES}
    con.execute("CREATE OR REPLACE TABLE coordination_parameters (name VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO coordination_parameters VALUES (?, ?)",
        [[name, json.dumps(value)] for name, value in record.items()],
    )


def _summary(con, window: float, kinds: list[str]) -> CoordinationSummary:
    def count(sql: str) -> int:
        return con.execute(sql).fetchone()[0]

    return CoordinationSummary(
        window=window,
        kinds=kinds,
        shares=count("SELECT count(*) FROM shares"),
        pairs=count("SELECT count(*) FROM coordination_evidence"),
        edges=count("SELECT count(*) FROM coordination_edges"),
        accounts=count("SELECT count(*) FROM coordination_accounts"),
        clusters=count("SELECT count(*) FROM coordination_clusters"),
        flagged_accounts=count("SELECT count(*) FROM coordination_accounts WHERE flagged"),
        flagged_clusters=count("SELECT count(*) FROM coordination_clusters WHERE flagged"),
        viral_objects=count("SELECT count(*) FROM coordination_viral_objects"),
    )
