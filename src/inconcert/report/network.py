"""The coordination network, its evidence and its clusters, read from the `coordination_*`
tables for the network view and the cluster cards.

Big networks degrade to a filtered view: the strongest edges up to `EdgeFilter.max_edges`
and the accounts they join, with the counts of what was left out so the page can say so
(the full network stays in the coordination exports: edges.csv, network.graphml).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from inconcert.report.tables import columnar, plain, records, table_columns, table_exists

# 10k accounts / 100k edges open in a few seconds in Chromium (benchmarks/report_graph.py);
# past these the view keeps the strongest part and says what it left out.
MAX_VIEW_EDGES = 150_000
MAX_VIEW_NODES = 25_000
# Evidence inlined into a report: the tightest pairs of the strongest edges, so the file
# stays small enough to open; the rest is one click away in the served app.
PAIRS_PER_EDGE = 3
MAX_INLINE_PAIRS = 30_000
POST_TEXT_CHARS = 600


@dataclass(frozen=True)
class EdgeFilter:
    """What the network view shows. Time range and kind recount edges from their evidence
    (only the co-shares inside the range, of that kind); min_weight and cluster select."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    kind: str | None = None
    min_weight: float = 0
    cluster: int | None = None
    max_edges: int = MAX_VIEW_EDGES
    max_nodes: int = MAX_VIEW_NODES

    @property
    def recounts(self) -> bool:
        return self.since is not None or self.until is not None or self.kind is not None


def has_coordination(con: duckdb.DuckDBPyConnection) -> bool:
    return all(table_exists(con, name) for name in ("coordination_edges", "coordination_accounts", "coordination_clusters"))


def _edges_source(con, view: EdgeFilter) -> tuple[str, list]:
    """SQL for the edges under the time range and kind, with its parameters."""
    if not view.recounts:
        return (
            "SELECT account_a, account_b, CAST(weight AS DOUBLE) AS weight, CAST(n_objects AS BIGINT) AS n_objects, "
            "mean_time_delta, kinds FROM coordination_edges",
            [],
        )
    conditions, params = [], []
    if view.since is not None:
        conditions.append("least(ts_a, ts_b) >= ?")
        params.append(view.since)
    if view.until is not None:
        conditions.append("greatest(ts_a, ts_b) < ?")
        params.append(view.until)
    if view.kind is not None:
        conditions.append("kind = ?")
        params.append(view.kind)
    return (
        f"""
        SELECT account_a, account_b, CAST(count(*) AS DOUBLE) AS weight, count(DISTINCT (kind, object_id)) AS n_objects,
               avg(delta_seconds) AS mean_time_delta, string_agg(DISTINCT kind, ',' ORDER BY kind) AS kinds
        FROM coordination_evidence WHERE {' AND '.join(conditions)}
        GROUP BY account_a, account_b
        """,
        params,
    )


def select_view(con: duckdb.DuckDBPyConnection, view: EdgeFilter) -> dict[str, int]:
    """Fill the temp tables `view_edges` and `view_nodes` with what the view shows; returns
    the totals before the size caps."""
    source, params = _edges_source(con, view)
    cluster_join, cluster_params = "", []
    if view.cluster is not None:
        cluster_join = (
            "JOIN coordination_accounts ca ON ca.account_id = e.account_a AND ca.cluster_id = ? "
            "JOIN coordination_accounts cb ON cb.account_id = e.account_b AND cb.cluster_id = ?"
        )
        cluster_params = [view.cluster, view.cluster]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE matching_edges AS SELECT e.* FROM ({source}) e {cluster_join} WHERE e.weight >= ?",
        [*params, *cluster_params, view.min_weight],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE matching_nodes AS
        WITH incident AS (SELECT account_a AS account_id, weight FROM matching_edges
                          UNION ALL SELECT account_b, weight FROM matching_edges)
        SELECT i.account_id, sum(i.weight) AS strength, count(*) AS degree, coalesce(a.flagged, false) AS flagged
        FROM incident i LEFT JOIN coordination_accounts a USING (account_id)
        GROUP BY i.account_id, a.flagged
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE view_nodes AS SELECT * FROM matching_nodes "
        "ORDER BY flagged DESC, strength DESC, account_id LIMIT ?",
        [view.max_nodes],
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE view_edges AS
        SELECT e.* FROM matching_edges e
        SEMI JOIN view_nodes na ON na.account_id = e.account_a
        SEMI JOIN view_nodes nb ON nb.account_id = e.account_b
        ORDER BY e.weight DESC, e.n_objects DESC, e.account_a, e.account_b LIMIT ?
        """,
        [view.max_edges],
    )
    # Accounts whose every edge fell past the cap would float alone: drop them.
    con.execute(
        """
        DELETE FROM view_nodes WHERE account_id NOT IN
            (SELECT account_a FROM view_edges UNION SELECT account_b FROM view_edges)
        """
    )
    return {
        "total_edges": con.execute("SELECT count(*) FROM matching_edges").fetchall()[0][0],
        "total_nodes": con.execute("SELECT count(*) FROM matching_nodes").fetchall()[0][0],
    }


def network_view(con: duckdb.DuckDBPyConnection, view: EdgeFilter) -> dict:
    """Nodes and edges as columns (edges point at node positions), ready for graphology."""
    totals = select_view(con, view)
    nodes = columnar(
        con.execute(
            """
            SELECT n.account_id AS id, coalesce(a.handle, p.handle, n.account_id) AS label,
                   a.cluster_id AS cluster, n.flagged, round(a.coordination_score, 4) AS score,
                   n.strength, n.degree
            FROM view_nodes n
            LEFT JOIN coordination_accounts a USING (account_id)
            LEFT JOIN (SELECT account_id, min(handle) AS handle FROM accounts GROUP BY account_id) p USING (account_id)
            ORDER BY n.account_id
            """
        )
    )
    position = {account: index for index, account in enumerate(nodes["id"])}
    edges = columnar(
        con.execute(
            "SELECT account_a, account_b, weight, n_objects, round(mean_time_delta, 2) AS mean_dt, kinds "
            "FROM view_edges ORDER BY account_a, account_b"
        )
    )
    edges["source"] = [position[a] for a in edges.pop("account_a")]
    edges["target"] = [position[b] for b in edges.pop("account_b")]
    return {
        "nodes": nodes,
        "edges": edges,
        "shown_nodes": len(nodes["id"]),
        "shown_edges": len(edges["source"]),
        **totals,
        "filter": {
            "since": plain(view.since), "until": plain(view.until), "kind": view.kind,
            "min_weight": view.min_weight, "cluster": view.cluster,
        },
    }


def inline_evidence(con: duckdb.DuckDBPyConnection, view: EdgeFilter) -> dict:
    """The tightest co-share pairs of the strongest edges in the view, with the posts they
    join; call after `network_view` (it reads `view_edges`)."""
    max_edges = max(1, MAX_INLINE_PAIRS // PAIRS_PER_EDGE)
    conditions, params = _evidence_conditions(view)
    rows = con.execute(
        f"""
        WITH strongest AS (
            SELECT account_a, account_b FROM view_edges ORDER BY weight DESC, account_a, account_b LIMIT {max_edges}
        ),
        ranked AS (
            SELECT v.*, row_number() OVER (PARTITION BY v.account_a, v.account_b
                                           ORDER BY v.delta_seconds, v.ts_a, v.kind, v.object_id, v.content_a, v.content_b) AS rank
            FROM coordination_evidence v SEMI JOIN strongest s USING (account_a, account_b)
            {('WHERE ' + ' AND '.join(conditions)) if conditions else ''}
        )
        SELECT account_a, account_b, kind, object_id, content_a, ts_a, content_b, ts_b, delta_seconds
        FROM ranked WHERE rank <= {PAIRS_PER_EDGE}
        ORDER BY account_a, account_b, rank
        """,
        params,
    ).fetchall()
    pairs: dict[str, list] = {}
    for a, b, kind, obj, content_a, ts_a, content_b, ts_b, delta in rows:
        pairs.setdefault(f"{a}\n{b}", []).append([kind, obj, content_a, plain(ts_a), content_b, plain(ts_b), delta])
    contents = sorted({row[4] for row in rows} | {row[6] for row in rows})
    return {"pairs": pairs, "posts": posts_by_id(con, contents), "per_edge": PAIRS_PER_EDGE, "edges_with_pairs": len(pairs)}


def _evidence_conditions(view: EdgeFilter, alias: str = "v") -> tuple[list[str], list]:
    conditions, params = [], []
    if view.since is not None:
        conditions.append(f"least({alias}.ts_a, {alias}.ts_b) >= ?")
        params.append(view.since)
    if view.until is not None:
        conditions.append(f"greatest({alias}.ts_a, {alias}.ts_b) < ?")
        params.append(view.until)
    if view.kind is not None:
        conditions.append(f"{alias}.kind = ?")
        params.append(view.kind)
    return conditions, params


def edge_evidence(con: duckdb.DuckDBPyConnection, account_a: str, account_b: str, view: EdgeFilter, limit: int) -> dict:
    """Every co-share pair behind one edge (up to `limit`), tightest first, with the posts."""
    a, b = sorted((account_a, account_b))
    conditions, params = _evidence_conditions(view)
    where = " AND ".join(["v.account_a = ?", "v.account_b = ?", *conditions])
    rows = con.execute(
        f"""
        SELECT kind, object_id, content_a, ts_a, content_b, ts_b, delta_seconds FROM coordination_evidence v
        WHERE {where} ORDER BY delta_seconds, ts_a, kind, object_id, content_a, content_b LIMIT ?
        """,
        [a, b, *params, limit],
    ).fetchall()
    total = con.execute(f"SELECT count(*) FROM coordination_evidence v WHERE {where}", [a, b, *params]).fetchall()[0][0]
    pairs = [[kind, obj, ca, plain(ta), cb, plain(tb), delta] for kind, obj, ca, ta, cb, tb, delta in rows]
    contents = sorted({p[2] for p in pairs} | {p[4] for p in pairs})
    return {"account_a": a, "account_b": b, "pairs": pairs, "total_pairs": total, "posts": posts_by_id(con, contents)}


def posts_by_id(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> dict[str, dict]:
    """Post id -> its time, author, kind and text (cut to POST_TEXT_CHARS), for evidence."""
    if not post_ids:
        return {}
    con.register("wanted_posts", pa.table({"post_id": pa.array(post_ids, pa.string())}))
    try:
        rows = con.execute(
            f"""
            SELECT p.post_id, any_value(p.ts), any_value(p.account_id), any_value(a.handle), any_value(p.kind),
                   any_value(left(p.text, {POST_TEXT_CHARS})), any_value(p.url), any_value(p.platform)
            FROM posts p SEMI JOIN wanted_posts w USING (post_id)
            LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
            GROUP BY p.post_id ORDER BY p.post_id
            """
        ).fetchall()
    finally:
        con.unregister("wanted_posts")
    return {
        post_id: {"ts": plain(ts), "account": account, "handle": handle, "kind": kind, "text": text, "url": url, "platform": platform}
        for post_id, ts, account, handle, kind, text, url, platform in rows
    }


def account_profiles(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Profiles of the accounts in the view (read after `network_view`)."""
    signal_columns = _bot_score_join(con)
    rows = records(
        con.execute(
            f"""
            SELECT n.account_id, min(a.platform) AS platform, min(a.handle) AS handle,
                   min(a.display_name) AS display_name, min(a.created_at) AS created_at,
                   min(a.followers) AS followers, min(a.description) AS description,
                   min(a.url) AS url {signal_columns[0]}
            FROM view_nodes n LEFT JOIN accounts a USING (account_id) {signal_columns[1]}
            GROUP BY n.account_id
            ORDER BY n.account_id
            """
        )
    )
    return {row.pop("account_id"): row for row in rows}


def _bot_score_join(con) -> tuple[str, str]:
    """Bot score and creation-burst membership, when the signals analysis has run."""
    if not table_exists(con, "signals_accounts"):
        return "", ""
    columns = set(table_columns(con, "signals_accounts"))
    picked = [c for c in ("bot_score", "in_creation_burst") if c in columns]
    if not picked or "account_id" not in columns:
        return "", ""
    # min, not any_value: the same page on every run (a report re-run after a kill included)
    select = "".join(f", min(s.{c}) AS {c}" for c in picked)
    return select, "LEFT JOIN signals_accounts s USING (account_id)"


def cluster_cards(con: duckdb.DuckDBPyConnection, limit: int = 60) -> list[dict]:
    """The clusters, flagged first, with their strongest members and what they shared."""
    bot = ""
    if table_exists(con, "signals_accounts") and "bot_score" in table_columns(con, "signals_accounts"):
        bot = """,
            (SELECT round(avg(s.bot_score), 3) FROM signals_accounts s
             WHERE s.account_id IN (SELECT account_id FROM coordination_accounts m WHERE m.cluster_id = c.cluster_id)) AS mean_bot_score"""
    cards = records(
        con.execute(
            f"""
            SELECT c.* EXCLUDE (total_weight), CAST(c.total_weight AS BIGINT) AS total_weight {bot}
            FROM coordination_clusters c
            ORDER BY c.flagged DESC, c.n_flagged DESC, c.total_weight DESC, c.cluster_id LIMIT ?
            """,
            [limit],
        )
    )
    members = con.execute(
        """
        SELECT cluster_id, list(struct_pack(id := account_id, handle := coalesce(handle, account_id), flagged := flagged,
                                            score := round(coordination_score, 3), created := created_at)
                                ORDER BY strength DESC, account_id)[1:24]
        FROM coordination_accounts GROUP BY cluster_id
        """
    ).fetchall()
    by_cluster = {cluster: [{k: plain(v) for k, v in m.items()} for m in member_list] for cluster, member_list in members}
    for card in cards:
        card["members"] = by_cluster.get(card["cluster_id"], [])
        card["top_objects"] = [o for o in (card.get("top_objects") or "").split(" | ") if o]
    return cards


def parameters(con: duckdb.DuckDBPyConnection) -> dict:
    if not table_exists(con, "coordination_parameters"):
        return {}
    return {name: json.loads(value) for name, value in con.execute("SELECT name, value FROM coordination_parameters").fetchall()}
