"""The FastAPI application: the report's front end served as static files (no inline
script), and JSON endpoints over the workspace that the page and notebooks call."""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Annotated, Any

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from inconcert import __version__
from inconcert.report import network as network_views
from inconcert.report import views
from inconcert.report.html import SCRIPT_FILE, STYLE_FILE, asset
from inconcert.report.network import EdgeFilter
from inconcert.report.tables import plain
from inconcert.store.workspace import Workspace
from inconcert.web.security import Guard

STATIC_FILES = {SCRIPT_FILE: "text/javascript; charset=utf-8", STYLE_FILE: "text/css; charset=utf-8"}
MAX_SEARCH_RESULTS = 500
MAX_EVIDENCE_PAIRS = 2000
SNIPPET_CHARS = 240

Since = Annotated[dt.datetime | None, Query(description="Only co-shares at or after this time (ISO 8601, UTC).")]
Until = Annotated[dt.datetime | None, Query(description="Only co-shares before this time (ISO 8601, UTC).")]
Kind = Annotated[str | None, Query(max_length=40, description="Only co-shares of this kind (retweet, link, hashtag, …).")]
MinWeight = Annotated[float, Query(ge=0, le=1e12, description="Only edges with at least this weight.")]
Cluster = Annotated[int | None, Query(ge=0, description="Only edges inside this cluster.")]
MaxEdges = Annotated[int, Query(ge=1, le=network_views.MAX_VIEW_EDGES, description="At most this many edges, strongest first.")]


def _cursor(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """Each request reads through its own cursor of the one read-only connection."""
    con = request.app.state.workspace.con.cursor()
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


Con = Annotated[duckdb.DuckDBPyConnection, Depends(_cursor)]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _filter(since, until, kind, min_weight, cluster, max_edges=network_views.MAX_VIEW_EDGES) -> EdgeFilter:
    return EdgeFilter(since=_utc(since), until=_utc(until), kind=kind or None, min_weight=min_weight,
                      cluster=cluster, max_edges=max_edges)


class AnswerCache:
    """Recent answers by their parameters. `serve` opens the workspace read-only, so a
    view's answer depends on nothing else; repeated requests (every browser opening the
    page, a notebook polling) are then served without touching the database."""

    def __init__(self, size: int = 64):
        self._size = size
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Response:
        """The answer as a JSON response, encoded once and kept as bytes."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return Response(self._answers[key], media_type="application/json")
        answer = json.dumps(jsonable_encoder(compute()), ensure_ascii=False, allow_nan=False).encode("utf-8")
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self._size:
                self._answers.popitem(last=False)
        return Response(answer, media_type="application/json")


def create_app(workspace: Workspace, token: str | None = None, loopback_only: bool = True) -> FastAPI:
    """`workspace` should be opened read-only; each request reads through its own cursor."""
    app = FastAPI(
        title="inconcert",
        version=__version__,
        description="The views of an inconcert workspace as JSON: overview, coordination network and evidence, "
        "clusters, timelines, signals, narratives, and full-text search. Read-only.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the schema is at /openapi.json
    )

    app.state.workspace = workspace
    answers = AnswerCache()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        title = html.escape(f"inconcert — {workspace.path.resolve().name}")
        return HTMLResponse(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n<link rel=\"stylesheet\" href=\"static/{STYLE_FILE}\">\n</head>\n<body>\n"
            f"<header class=\"top\"><h1>{title}</h1><p>Live view of the workspace (read-only). "
            "JSON API: <a href=\"openapi.json\">openapi.json</a>. It measures behaviour and text, not who is right.</p></header>\n"
            "<main id=\"app\"><noscript>This page needs JavaScript to draw its views.</noscript></main>\n"
            f"<script src=\"static/{SCRIPT_FILE}\"></script>\n</body>\n</html>\n"
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        # A fixed list, looked up by exact name: no path ever reaches the file system.
        if name not in STATIC_FILES:
            raise HTTPException(404, "not found")
        return Response(asset(name), media_type=STATIC_FILES[name], headers={"Cache-Control": "no-cache"})

    @app.get("/api/report", summary="Every view at once (what the page loads), evidence fetched per edge")
    def report(con: Con, since: Since = None, until: Until = None, kind: Kind = None, min_weight: MinWeight = 0,
               cluster: Cluster = None, max_edges: MaxEdges = network_views.MAX_VIEW_EDGES) -> dict[str, Any]:
        chosen = _filter(since, until, kind, min_weight, cluster, max_edges)
        return answers.get(("report", chosen), lambda: views.report_data(con, chosen, inline_evidence=False))

    @app.get("/api/overview", summary="Sources, counts, time span and which analyses have results")
    def overview(con: Con) -> dict[str, Any]:
        return answers.get(("overview",), lambda: views.overview(con))

    @app.get("/api/network", summary="The coordination network under the filters, as columns (edges index nodes)")
    def network(con: Con, since: Since = None, until: Until = None, kind: Kind = None, min_weight: MinWeight = 0,
                cluster: Cluster = None, max_edges: MaxEdges = network_views.MAX_VIEW_EDGES) -> dict[str, Any]:
        if not network_views.has_coordination(con):
            raise HTTPException(404, "no coordination analysis in this workspace")
        chosen = _filter(since, until, kind, min_weight, cluster, max_edges)
        return answers.get(("network", chosen), lambda: network_views.network_view(con, chosen))

    @app.get("/api/evidence", summary="The co-share pairs behind one edge, tightest first, with the posts")
    def evidence(con: Con, a: Annotated[str, Query(max_length=512)], b: Annotated[str, Query(max_length=512)],
                 since: Since = None, until: Until = None, kind: Kind = None,
                 limit: Annotated[int, Query(ge=1, le=MAX_EVIDENCE_PAIRS)] = 200) -> dict[str, Any]:
        if not network_views.has_coordination(con):
            raise HTTPException(404, "no coordination analysis in this workspace")
        chosen = _filter(since, until, kind, 0, None)
        return answers.get(("evidence", a, b, chosen, limit), lambda: network_views.edge_evidence(con, a, b, chosen, limit))

    @app.get("/api/clusters", summary="Cluster cards, flagged first")
    def clusters(con: Con, limit: Annotated[int, Query(ge=1, le=5000)] = 60) -> list[dict[str, Any]]:
        if not network_views.has_coordination(con):
            return []
        return answers.get(("clusters", limit), lambda: network_views.cluster_cards(con, limit))

    @app.get("/api/timelines", summary="Activity, account creation and hashtag/link/domain floods")
    def timelines(con: Con) -> dict[str, Any]:
        return answers.get(("timelines",), lambda: views.timelines(con))

    @app.get("/api/signals", summary="The signals_* tables (creation bursts, bot scores, …)")
    def signals(con: Con) -> dict[str, Any]:
        return answers.get(("signals",), lambda: views.signals(con))

    @app.get("/api/narratives", summary="The text_* tables and the articles they point into")
    def narratives(con: Con) -> dict[str, Any]:
        return answers.get(("narratives",), lambda: views.narratives(con))

    @app.get("/api/search", summary="Full-text search (case-insensitive substring) over posts and articles")
    def search(con: Con, q: Annotated[str, Query(min_length=2, max_length=200)],
               limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 100) -> dict[str, Any]:
        return answers.get(("search", q, limit), lambda: search_text(con, q, limit))

    return app


def search_text(con: duckdb.DuckDBPyConnection, query: str, limit: int) -> dict[str, Any]:
    """Posts and articles containing `query` (case-folded, no pattern syntax)."""
    needle = query.lower()
    posts = con.execute(
        f"""
        SELECT p.post_id, p.ts, p.account_id, any_value(a.handle), p.kind, left(p.text, {network_views.POST_TEXT_CHARS}), p.url, p.platform
        FROM posts p LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.account_id
        WHERE contains(lower(p.text), ?)
        GROUP BY ALL ORDER BY p.ts, p.post_id LIMIT ?
        """,
        [needle, limit + 1],
    ).fetchall()
    articles = con.execute(
        """
        SELECT doc_id, outlet, title, published, url, text FROM articles
        WHERE contains(lower(text), ?) OR contains(lower(coalesce(title, '')), ?)
        ORDER BY published, doc_id LIMIT ?
        """,
        [needle, needle, limit],
    ).fetchall()
    return {
        "posts": [
            {"post_id": pid, "ts": plain(ts), "account": account, "handle": handle, "kind": kind, "text": text, "url": url, "platform": platform}
            for pid, ts, account, handle, kind, text, url, platform in posts[:limit]
        ],
        "more_posts": len(posts) > limit,
        "articles": [
            {"doc_id": doc, "outlet": outlet, "title": title, "published": plain(published), "url": url, "snippet": _snippet(text, needle)}
            for doc, outlet, title, published, url, text in articles
        ],
        "scope": "all posts and articles in the workspace",
    }


def _snippet(text: str, needle: str) -> str:
    at = text.lower().find(needle)
    if at < 0:
        return text[:SNIPPET_CHARS]
    start = max(0, at - SNIPPET_CHARS // 3)
    return ("…" if start else "") + text[start:start + SNIPPET_CHARS] + ("…" if start + SNIPPET_CHARS < len(text) else "")


def guarded_app(workspace: Workspace, token: str | None, loopback_only: bool) -> Guard:
    return Guard(create_app(workspace, token, loopback_only), token, loopback_only)
