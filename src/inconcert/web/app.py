"""The FastAPI application: the report's front end served as static files (no inline
script), and JSON endpoints over the workspace that the page and notebooks call."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import html
import json
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import duckdb
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

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
COMPRESS_FROM_BYTES = 2048
JSON = "application/json"

Since = Annotated[dt.datetime | None, Query(description="Only co-shares at or after this time (ISO 8601, UTC).")]
Until = Annotated[dt.datetime | None, Query(description="Only co-shares before this time (ISO 8601, UTC).")]
Kind = Annotated[str | None, Query(max_length=40, description="Only co-shares of this kind (retweet, link, hashtag, …).")]
MinWeight = Annotated[float, Query(ge=0, le=1e12, description="Only edges with at least this weight.")]
Cluster = Annotated[int | None, Query(ge=0, description="Only edges inside this cluster.")]
MaxEdges = Annotated[int, Query(ge=1, le=network_views.MAX_VIEW_EDGES, description="At most this many edges, strongest first.")]


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _filter(since, until, kind, min_weight, cluster, max_edges=network_views.MAX_VIEW_EDGES) -> EdgeFilter:
    return EdgeFilter(since=_utc(since), until=_utc(until), kind=kind or None, min_weight=min_weight,
                      cluster=cluster, max_edges=max_edges)


@dataclass(frozen=True)
class Encoded:
    """A reply body as sent, and gzipped once as well when that saves much: the page's
    data is over a megabyte of JSON that compresses to a seventh, which matters to a
    browser across a network and spares both ends most of the copying on loopback."""

    plain: bytes
    media_type: str
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, media_type: str) -> "Encoded":
        if len(body) < COMPRESS_FROM_BYTES:
            return cls(body, media_type)
        return cls(body, media_type, gzip.compress(body, compresslevel=6, mtime=0))

    def response(self, request: Request, headers: dict[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        if self.gzipped is None:
            return Response(self.plain, media_type=self.media_type, headers=headers)
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request.headers.get("accept-encoding", "")):
            headers["Content-Encoding"] = "gzip"
            return Response(self.gzipped, media_type=self.media_type, headers=headers)
        return Response(self.plain, media_type=self.media_type, headers=headers)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip: listed (or `*`) with a weight above 0."""
    weights = {}
    for offer in accept_encoding.lower().split(","):
        coding, _, parameter = offer.partition(";")
        name, _, value = parameter.strip().partition("=")
        try:
            weights[coding.strip()] = float(value) if name.strip() == "q" else 1.0
        except ValueError:
            weights[coding.strip()] = 0.0
    return weights.get("gzip", weights.get("*", 0.0)) > 0


class AnswerCache:
    """Recent answers by their parameters, encoded once and kept as bytes. `serve` opens
    the workspace read-only, so a view's answer depends on nothing else; repeated
    requests (every browser opening the page, a notebook polling) are then answered on
    the event loop without a thread hop or a database cursor. Only a miss reads the
    workspace, in a worker thread, and one computation per key runs at a time: fifty
    clients asking for the same cold view wait for one query, not fifty."""

    def __init__(self, workspace: Workspace, size: int = 64):
        self._workspace = workspace
        self._size = size
        self._answers: OrderedDict[Hashable, Encoded] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    async def respond(self, request: Request, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Response:
        return (await self.prepare(key, compute)).response(request)

    async def prepare(self, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Encoded:
        answer = self._cached(key)
        if answer is None:
            answer = await run_in_threadpool(self._compute, key, compute)
        return answer

    def _cached(self, key: Hashable) -> Encoded | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def _compute(self, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], Any]) -> Encoded:
        with self._lock:
            one_at_a_time = self._computing.setdefault(key, threading.Lock())
        try:
            with one_at_a_time:
                answer = self._cached(key)
                if answer is None:
                    with reading(self._workspace) as con:
                        body = json.dumps(jsonable_encoder(compute(con)), ensure_ascii=False, allow_nan=False).encode("utf-8")
                    answer = Encoded.of(body, JSON)
                    with self._lock:
                        self._answers[key] = answer
                        while len(self._answers) > self._size:
                            self._answers.popitem(last=False)
            return answer
        finally:
            with self._lock:
                self._computing.pop(key, None)


@contextmanager
def reading(workspace: Workspace) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the one read-only connection, for one computation in one thread."""
    con = workspace.con.cursor()
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def create_app(workspace: Workspace, token: str | None = None, loopback_only: bool = True) -> FastAPI:
    """`workspace` should be opened read-only: answers are cached on that premise, and
    each computation reads through its own cursor."""
    answers = AnswerCache(workspace)
    page_view = _filter(None, None, None, 0, None)

    def page_data(chosen: EdgeFilter) -> tuple[Hashable, Callable[[duckdb.DuckDBPyConnection], Any]]:
        return ("report", chosen), lambda con: views.report_data(con, chosen, inline_evidence=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Every browser first asks for the page's data, the one slow view (all views at
        # once): compute it in the background from the start, so the first visitor does
        # not wait and a crowd arriving together waits for one computation. Shutdown
        # lets it finish, as the workspace closes after; should it fail, the request
        # that asks for it computes it again and reports the error.
        warming = asyncio.create_task(answers.prepare(*page_data(page_view)))
        yield
        await asyncio.gather(warming, return_exceptions=True)

    app = FastAPI(
        lifespan=lifespan,
        title="inconcert",
        version=__version__,
        description="The views of an inconcert workspace as JSON: overview, coordination network and evidence, "
        "clusters, timelines, signals, narratives, and full-text search. Read-only.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the schema is at /openapi.json
    )

    # Read once: the workspace cannot change while `serve` holds it read-only.
    coordinated = network_views.has_coordination(workspace.con)
    static_files = {name: Encoded.of(asset(name).encode("utf-8"), media_type) for name, media_type in STATIC_FILES.items()}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> HTMLResponse:
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
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    async def static(request: Request, name: str) -> Response:
        # A fixed list, looked up by exact name: no path ever reaches the file system.
        if name not in static_files:
            raise HTTPException(404, "not found")
        return static_files[name].response(request, {"Cache-Control": "no-cache"})

    def require_coordination() -> None:
        if not coordinated:
            raise HTTPException(404, "no coordination analysis in this workspace")

    @app.get("/api/report", summary="Every view at once (what the page loads), evidence fetched per edge")
    async def report(request: Request, since: Since = None, until: Until = None, kind: Kind = None, min_weight: MinWeight = 0,
                     cluster: Cluster = None, max_edges: MaxEdges = network_views.MAX_VIEW_EDGES) -> dict[str, Any]:
        return await answers.respond(request, *page_data(_filter(since, until, kind, min_weight, cluster, max_edges)))

    @app.get("/api/overview", summary="Sources, counts, time span and which analyses have results")
    async def overview(request: Request) -> dict[str, Any]:
        return await answers.respond(request, ("overview",), views.overview)

    @app.get("/api/network", summary="The coordination network under the filters, as columns (edges index nodes)")
    async def network(request: Request, since: Since = None, until: Until = None, kind: Kind = None, min_weight: MinWeight = 0,
                      cluster: Cluster = None, max_edges: MaxEdges = network_views.MAX_VIEW_EDGES) -> dict[str, Any]:
        require_coordination()
        chosen = _filter(since, until, kind, min_weight, cluster, max_edges)
        return await answers.respond(request, ("network", chosen), lambda con: network_views.network_view(con, chosen))

    @app.get("/api/evidence", summary="The co-share pairs behind one edge, tightest first, with the posts")
    async def evidence(request: Request, a: Annotated[str, Query(max_length=512)], b: Annotated[str, Query(max_length=512)],
                       since: Since = None, until: Until = None, kind: Kind = None,
                       limit: Annotated[int, Query(ge=1, le=MAX_EVIDENCE_PAIRS)] = 200) -> dict[str, Any]:
        require_coordination()
        chosen = _filter(since, until, kind, 0, None)
        return await answers.respond(request, ("evidence", a, b, chosen, limit),
                                     lambda con: network_views.edge_evidence(con, a, b, chosen, limit))

    @app.get("/api/clusters", summary="Cluster cards, flagged first")
    async def clusters(request: Request, limit: Annotated[int, Query(ge=1, le=5000)] = 60) -> list[dict[str, Any]]:
        if not coordinated:
            return []
        return await answers.respond(request, ("clusters", limit), lambda con: network_views.cluster_cards(con, limit))

    @app.get("/api/timelines", summary="Activity, account creation and hashtag/link/domain floods")
    async def timelines(request: Request) -> dict[str, Any]:
        return await answers.respond(request, ("timelines",), views.timelines)

    @app.get("/api/signals", summary="The signals_* tables (creation bursts, bot scores, …)")
    async def signals(request: Request) -> dict[str, Any]:
        return await answers.respond(request, ("signals",), views.signals)

    @app.get("/api/narratives", summary="The text_* tables and the articles they point into")
    async def narratives(request: Request) -> dict[str, Any]:
        return await answers.respond(request, ("narratives",), views.narratives)

    @app.get("/api/search", summary="Full-text search (case-insensitive substring) over posts and articles")
    async def search(request: Request, q: Annotated[str, Query(min_length=2, max_length=200)],
                     limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 100) -> dict[str, Any]:
        return await answers.respond(request, ("search", q, limit), lambda con: search_text(con, q, limit))

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
