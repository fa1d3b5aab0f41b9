"""One JSON document for every view of the report and the web app, read from the
workspace's tables. Each section comes from its tables; a section whose tables are
missing or empty carries a plain `message` saying why instead of data.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from inconcert import __version__
from inconcert.report import network
from inconcert.report.network import EdgeFilter
from inconcert.report.tables import columnar, plain, records, row_count, table_columns, table_exists

SIGNAL_TABLES = ("signals_creation_bursts", "signals_volume_bursts", "signals_accounts", "signals_sync_pairs")
TEXT_TABLES = (
    "text_quantities", "text_attributions", "text_labels", "text_relations", "text_techniques",
    "text_disagreements", "text_reuse", "text_reuse_outlets", "text_documents",
)
FLOOD_KINDS = ("hashtag", "link", "domain")
MAX_TABLE_ROWS = 500
MAX_ARTICLES = 300
MAX_ARTICLE_CHARS = 60_000


def report_data(
    con: duckdb.DuckDBPyConnection, view: EdgeFilter | None = None, inline_evidence: bool = True,
    failed: dict[str, str] | None = None,
) -> dict:
    """`failed`: analyses that could not run, with the reason, said in their sections."""
    view = view or EdgeFilter()
    failed = failed or {}
    data = {
        "meta": {
            "generator": f"inconcert {__version__}",
            "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
        "overview": overview(con),
        **coordination_sections(con, view, inline_evidence),
        "timelines": timelines(con),
        "signals": signals(con),
        "narratives": narratives(con),
    }
    for analysis, section in (("coordination", "network"), ("signals", "signals"), ("text", "narratives")):
        if analysis in failed and isinstance(data.get(section), dict):
            data[section]["message"] = f"The {analysis} analysis could not run: {failed[analysis]}"
    return data


def overview(con: duckdb.DuckDBPyConnection) -> dict:
    sources = records(
        con.execute(
            """
            SELECT format, count(*) AS files, sum(n_records) AS records, sum(n_quarantined) AS quarantined,
                   sum(n_posts) AS posts, sum(n_accounts) AS accounts, sum(n_actions) AS actions, sum(n_articles) AS articles
            FROM ingests GROUP BY format ORDER BY format
            """
        )
    )
    span = con.execute("SELECT min(ts), max(ts) FROM posts").fetchall()[0]
    article_span = con.execute("SELECT min(published), max(published) FROM articles").fetchall()[0]
    return {
        "sources": sources,
        "counts": {name: row_count(con, name) for name in ("accounts", "posts", "actions", "articles", "quarantine")},
        "posts_from": plain(span[0]), "posts_until": plain(span[1]),
        "articles_from": plain(article_span[0]), "articles_until": plain(article_span[1]),
        "platforms": records(con.execute("SELECT platform, kind, count(*) AS posts FROM posts GROUP BY ALL ORDER BY ALL")),
        "action_kinds": records(con.execute("SELECT kind, count(*) AS actions FROM actions GROUP BY kind ORDER BY kind")),
        "outlets": records(
            con.execute("SELECT coalesce(outlet, '') AS outlet, count(*) AS articles FROM articles GROUP BY ALL ORDER BY ALL")
        ),
        "quarantine_reasons": records(
            con.execute(
                "SELECT reason, count(*) AS records FROM quarantine GROUP BY reason ORDER BY records DESC, reason LIMIT 20"
            )
        ),
        "analyses": {
            "coordination": network.has_coordination(con),
            "signals": any(table_exists(con, name) for name in SIGNAL_TABLES),
            "text": any(table_exists(con, name) for name in TEXT_TABLES),
        },
    }


def coordination_sections(con: duckdb.DuckDBPyConnection, view: EdgeFilter, inline_evidence: bool) -> dict:
    if not network.has_coordination(con):
        message = "No coordination analysis in this workspace" + (
            ": it has no actions to compare." if not row_count(con, "actions") else "."
        )
        return {"network": {"message": message}, "evidence": None, "accounts": {}, "clusters": {"message": message}}
    graph = network.network_view(con, view)
    graph["parameters"] = network.parameters(con)
    graph["kinds"] = graph["parameters"].get("kinds", [])
    graph["cluster_ids"] = [row[0] for row in con.execute(
        "SELECT cluster_id FROM coordination_clusters ORDER BY flagged DESC, n_accounts DESC, cluster_id"
    ).fetchall()]
    if not graph["shown_edges"]:
        graph["message"] = "No co-sharing edges match" + (" these filters." if view != EdgeFilter() else ": no two accounts shared the same object within the window.")
    cards = network.cluster_cards(con)
    return {
        "network": graph,
        "evidence": network.inline_evidence(con, view) if inline_evidence and graph["shown_edges"] else None,
        "accounts": network.account_profiles(con),
        "clusters": {"cards": cards, "total": row_count(con, "coordination_clusters")} if cards else
        {"message": "The coordination analysis found no clusters."},
    }


def _bucket(span: dt.timedelta, hour_below: dt.timedelta, day_below: dt.timedelta) -> str:
    if span <= hour_below:
        return "hour"
    if span <= day_below:
        return "day"
    return "week" if span <= dt.timedelta(days=5 * 365) else "month"


def timelines(con: duckdb.DuckDBPyConnection) -> dict:
    result: dict = {}
    flagged_join = (
        "LEFT JOIN (SELECT account_id, bool_or(flagged) AS flagged FROM coordination_accounts GROUP BY account_id) f USING (account_id)"
        if network.has_coordination(con) else "LEFT JOIN (SELECT NULL::VARCHAR AS account_id, false AS flagged) f USING (account_id)"
    )
    first, last = con.execute("SELECT min(ts), max(ts) FROM posts").fetchall()[0]
    if first is None:
        result["activity"] = {"message": "No timestamped posts in this workspace."}
    else:
        bucket = _bucket(last - first, dt.timedelta(days=3), dt.timedelta(days=200))
        result["activity"] = {"bucket": bucket, **columnar(con.execute(
            f"""
            SELECT date_trunc('{bucket}', ts) AS t, count(*) FILTER (WHERE f.flagged) AS flagged,
                   count(*) FILTER (WHERE f.flagged IS NOT TRUE) AS other
            FROM posts {flagged_join} WHERE ts IS NOT NULL GROUP BY 1 ORDER BY 1
            """
        ))}
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM accounts").fetchall()[0]
    if first is None:
        result["creations"] = {"message": "No account creation dates in this workspace."}
    else:
        bucket = _bucket(last - first, dt.timedelta(days=2), dt.timedelta(days=250))
        result["creations"] = {"bucket": bucket, **columnar(con.execute(
            f"""
            SELECT date_trunc('{bucket}', created_at) AS t, count(*) FILTER (WHERE f.flagged) AS flagged,
                   count(*) FILTER (WHERE f.flagged IS NOT TRUE) AS other
            FROM (SELECT account_id, min(created_at) AS created_at FROM accounts GROUP BY account_id) {flagged_join}
            WHERE created_at IS NOT NULL GROUP BY 1 ORDER BY 1
            """
        ))}
        if table_exists(con, "signals_creation_bursts"):
            flagged_only = "WHERE flagged" if "flagged" in table_columns(con, "signals_creation_bursts") else ""
            result["creations"]["bursts"] = records(con.execute(
                f"SELECT * FROM signals_creation_bursts {flagged_only} ORDER BY period_start LIMIT 200"
            ))
    kinds = ", ".join(f"'{k}'" for k in FLOOD_KINDS)
    floods = records(con.execute(
        f"""
        SELECT a.kind, a.object_id, count(DISTINCT a.account_id) AS n_accounts, count(*) AS n_shares,
               count(DISTINCT a.account_id) FILTER (WHERE f.flagged) AS n_flagged_accounts,
               round(count(*) FILTER (WHERE f.flagged) / count(*), 4) AS flagged_share,
               min(a.ts) AS first_share, max(a.ts) AS last_share
        FROM actions a {flagged_join} WHERE a.kind IN ({kinds})
        GROUP BY a.kind, a.object_id ORDER BY n_accounts DESC, n_shares DESC, a.kind, a.object_id LIMIT 30
        """
    ))
    result["floods"] = {"rows": floods} if floods else {"message": "No hashtags, links or domains were shared."}
    return result


def _table_rows(con: duckdb.DuckDBPyConnection, name: str, limit: int = MAX_TABLE_ROWS) -> dict:
    """A result table for display: its columns and first rows in the order its strongest
    findings come first (a `score`-like column descending when it has one)."""
    columns = table_columns(con, name)
    order = next((c for c in ("score", "bot_score", "similarity", "weight", "n_created") if c in columns), None)
    order_sql = f'ORDER BY "{order}" DESC NULLS LAST' if order else ""
    rows = con.execute(f'SELECT * FROM "{name}" {order_sql} LIMIT {int(limit)}')
    return {"columns": columns, "rows": [[plain(v) for v in row] for row in rows.fetchall()], "total": row_count(con, name)}


def signals(con: duckdb.DuckDBPyConnection) -> dict:
    present = [name for name in SIGNAL_TABLES if table_exists(con, name)]
    extra = [
        row[0] for row in con.execute(
            # Stored tables only: the scratch tables of a signals run in this same process
            # (account dates, features) would otherwise make this report differ from the next.
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'signals\\_%' ESCAPE '\\' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall() if row[0] not in present
    ]
    tables = {name: _table_rows(con, name, limit=200) for name in [*present, *extra]}
    if not tables:
        return {"message": "No account and time signals in this workspace (run `inconcert signals`)."}
    result: dict = {"tables": tables}
    if "signals_accounts" in tables and "bot_score" in table_columns(con, "signals_accounts"):
        result["bot_histogram"] = columnar(con.execute(
            """
            WITH binned AS (
                SELECT CAST(least(floor(bot_score * 10), 9) AS INTEGER) AS band, count(*) AS n
                FROM signals_accounts WHERE bot_score IS NOT NULL GROUP BY 1
            )
            SELECT b.band / 10 AS bin, coalesce(n, 0) AS accounts
            FROM range(10) b(band) LEFT JOIN binned USING (band) ORDER BY b.band
            """
        ))
    return result


def narratives(con: duckdb.DuckDBPyConnection) -> dict:
    if not row_count(con, "articles"):
        return {"message": "No articles in this workspace, so no narrative analysis."}
    tables = {name: _table_rows(con, name, limit=5000) for name in TEXT_TABLES if table_exists(con, name)}
    if not tables:
        return {"message": "No text analysis in this workspace yet (run `inconcert text`).", "articles": _articles(con, [])}
    return {"tables": tables, "articles": _articles(con, list(tables))}


def _articles(con: duckdb.DuckDBPyConnection, finding_tables: list[str]) -> dict:
    """The articles with the most findings, full text (up to MAX_ARTICLE_CHARS) so that the
    findings' character offsets point into it."""
    counts = " UNION ALL ".join(
        f'SELECT doc_id FROM "{name}"' for name in finding_tables if "doc_id" in table_columns(con, name)
    )
    findings = f"LEFT JOIN (SELECT doc_id, count(*) AS n FROM ({counts}) GROUP BY doc_id) f USING (doc_id)" if counts else \
        "LEFT JOIN (SELECT NULL::VARCHAR AS doc_id, 0 AS n) f USING (doc_id)"
    rows = records(con.execute(
        f"""
        SELECT doc_id, outlet, url, published, title, lang, left(text, {MAX_ARTICLE_CHARS}) AS text,
               length(text) > {MAX_ARTICLE_CHARS} AS cut, coalesce(f.n, 0) AS findings
        FROM articles {findings} ORDER BY findings DESC, published, doc_id LIMIT {MAX_ARTICLES}
        """
    ))
    return {"docs": rows, "total": row_count(con, "articles")}
