"""Passage-level text reuse between articles, with the earliest document as the likely source.

Reads the canonical `articles` table; writes `text_reuse` (one row per aligned pair of
passages), `text_reuse_outlets` (who copies whom) and `text_reuse_parameters`, replacing
the previous run's in one transaction. Steps, after passim (text_anchors.md §5):

1. Candidates. Each article's words are folded and hashed into word 3-gram shingles;
   overlapping windows of shingles get MinHash signatures cut into LSH bands. Windows make
   the search containment-aware: a paragraph copied into a long, otherwise different
   article matches the window that holds it, where whole-document Jaccard would not.
   Articles sharing a band key in a bucket of at most `max_bucket` articles are a
   candidate pair (an SQL equi-join, banding.py).
2. Alignment (align.py): the exact reused spans in both texts, despite small edits.
3. Clusters (clusters.py): passages copied across many documents, with a likely source.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.engines import Engine, Step
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import UserError
from inconcert.store.workspace import Workspace
from inconcert.text.reuse.align import AlignParams, align_pair, char_span, shingle_positions
from inconcert.text.reuse.banding import window_pairs_sql
from inconcert.text.reuse.boilerplate import DocumentFrequencies, outlet_keys, runs
from inconcert.text.reuse.clusters import Passage, reuse_clusters
from inconcert.text.reuse.minhash import band_keys, grouped_signatures, seeds
from inconcert.text.reuse.tokens import WordHasher, Words, as_signed, ngram_hashes, text_ngram_hashes, text_word_hashes

REUSE_TABLE, OUTLETS_TABLE, PARAMETERS_TABLE = "text_reuse", "text_reuse_outlets", "text_reuse_parameters"
BOILERPLATE_TABLE = "text_reuse_boilerplate"
_FETCH_ROWS = 1000

ProgressCallback = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class ReuseParams:
    """`window` and `stride` count shingles; with 24 bands of 2 rows, two windows with
    Jaccard 0.3 become candidates with probability 0.90, with 0.1 only 0.21."""

    shingle_words: int = 3
    window: int = 24
    stride: int = 8
    bands: int = 24
    rows: int = 2
    max_bucket: int = 100
    # Two documents sharing one band key by chance is common in a big collection (most of
    # 421k candidate pairs among 20k generated articles, for 969 real passages); a reused
    # passage spans several windows and bands and shares more.
    min_shared_keys: int = 2
    pair_batch: int = 2000
    # An n-gram in at least this many documents and this share of all documents, or of
    # one outlet's documents, is boilerplate (boilerplate.py). PTC's poll widgets are in
    # about 100 of 446 articles; the demo's recycled paragraphs in two or three.
    boilerplate_min_documents: int = 20
    boilerplate_share: float = 0.05
    outlet_boilerplate_share: float = 0.25
    align: AlignParams = field(default_factory=AlignParams)

    def validate(self) -> None:
        if self.shingle_words < 1 or self.rows < 1 or self.bands < 1:
            raise UserError("reuse parameters: shingle_words, bands and rows must be 1 or more.")
        if self.stride < 1 or self.window % self.stride:
            raise UserError(f"reuse window {self.window}: must be a positive multiple of the stride {self.stride}.")
        if self.min_shared_keys < 1:
            raise UserError(f"reuse min_shared_keys {self.min_shared_keys}: must be 1 or more.")
        if self.max_bucket < 2:
            raise UserError(f"reuse max_bucket {self.max_bucket}: must be 2 or more.")
        if self.boilerplate_min_documents < 2 or not 0 < self.boilerplate_share <= 1 or not 0 < self.outlet_boilerplate_share <= 1:
            raise UserError("reuse boilerplate thresholds: at least 2 documents, shares above 0 and at most 1.")
        if not 0 <= self.align.min_similarity <= 1:
            raise UserError(f"reuse min_similarity {self.align.min_similarity}: must be between 0 and 1.")


@dataclass(frozen=True)
class ReuseSummary:
    articles: int
    candidate_pairs: int
    passages: int
    clusters: int
    outlet_links: int
    boilerplate_passages: int = 0  # kept out of reuse.csv, listed in text_reuse_boilerplate
    boilerplate_documents: int = 0


@dataclass
class _Document:
    doc_id: str
    text: str
    words: Words
    shingles: np.ndarray
    positions: dict[int, list[int]] | None = None
    boilerplate: np.ndarray | None = None  # n-gram positions that anchor nothing

    def shingle_positions(self) -> dict[int, list[int]]:
        if self.positions is None:
            self.positions = shingle_positions(self.shingles, self.boilerplate)
        return self.positions


def find_reuse(workspace: Workspace, params: ReuseParams | None = None,
               progress: ProgressCallback | None = None, engine: Engine | None = None) -> ReuseSummary:
    """Find reused passages between the workspace's articles and store them (module doc).
    `engine` runs the band join (DuckDB on the workspace when None)."""
    params = params or ReuseParams()
    params.validate()
    con = workspace.con
    total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if total == 0:
        raise UserError("the workspace has no articles yet; run `inconcert ingest --format articles` first.")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE reuse_docs AS
        SELECT row_number() OVER (ORDER BY doc_id) AS doc_no, doc_id, outlet, published FROM articles
    """)
    hasher = WordHasher()
    frequencies = _document_frequencies(con, params, total)
    thresholds = _thresholds(con, params, total)
    band_file = workspace.path / ".tmp" / f"reuse-bands-{os.getpid()}.parquet"
    try:
        boilerplate = _write_band_rows(con, params, frequencies, thresholds, total, band_file, progress)
        con.execute(f"CREATE OR REPLACE TEMP VIEW reuse_band_rows AS SELECT * FROM read_parquet('{_sql_string(str(band_file))}')")
        candidates_sql = (f"SELECT item_a, item_b FROM ({window_pairs_sql('reuse_band_rows', params.max_bucket)}) "
                          f"WHERE shared_keys >= {int(params.min_shared_keys)}")
        (engine or DuckDBEngine()).run(con, ["reuse_band_rows"], [Step("reuse_candidates", candidates_sql)], ["reuse_candidates"])
        candidates = con.execute("SELECT item_a, item_b FROM reuse_candidates ORDER BY item_a, item_b").fetchall()
        con.execute("DROP TABLE reuse_candidates")
        con.execute("DROP VIEW reuse_band_rows")
    finally:
        band_file.unlink(missing_ok=True)
    boilerplate_rows = _boilerplate_rows(con, boilerplate, hasher)
    aligned = list(_aligned_passages(con, candidates, params, hasher, frequencies, thresholds, progress))
    rows = _reuse_rows(con, aligned)
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("reuse_rows_arrow", rows)
        con.execute(f"CREATE OR REPLACE TABLE {REUSE_TABLE} AS SELECT * FROM reuse_rows_arrow")
        con.unregister("reuse_rows_arrow")
        con.execute(f"CREATE OR REPLACE TABLE {OUTLETS_TABLE} AS {outlet_network_sql(REUSE_TABLE)}")
        con.register("reuse_boilerplate_arrow", boilerplate_rows)
        con.execute(f"CREATE OR REPLACE TABLE {BOILERPLATE_TABLE} AS SELECT * FROM reuse_boilerplate_arrow")
        con.unregister("reuse_boilerplate_arrow")
        _store_parameters(con, params)
        summary = ReuseSummary(
            articles=total,
            candidate_pairs=len(candidates),
            passages=rows.num_rows,
            clusters=con.execute(f"SELECT count(DISTINCT cluster_id) FROM {REUSE_TABLE}").fetchone()[0],
            outlet_links=con.execute(f"SELECT count(*) FROM {OUTLETS_TABLE}").fetchone()[0],
            boilerplate_passages=boilerplate_rows.num_rows,
            boilerplate_documents=len(set(boilerplate_rows.column("doc_id").to_pylist())),
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return summary


def _sql_string(value: str) -> str:
    return value.replace("'", "''")


def _documents(con, query: str, params: list, hasher: WordHasher, shingle_words: int) -> Iterator[tuple[int, _Document]]:
    cursor = con.execute(query, params)
    while batch := cursor.fetchmany(_FETCH_ROWS):
        for doc_no, doc_id, text in batch:
            words = hasher.words(text)
            yield doc_no, _Document(doc_id, text, words, ngram_hashes(words.hashes, shingle_words))


@dataclass
class _Batch:
    """Up to `_FETCH_ROWS` articles at once: their word n-grams end to end."""

    doc_nos: np.ndarray
    outlets: np.ndarray  # boilerplate.outlet_keys
    word_counts: np.ndarray
    shingles: np.ndarray
    offsets: np.ndarray  # article i's n-grams are shingles[offsets[i]:offsets[i + 1]]


def _batches(con, params: ReuseParams, total: int, doc_nos: list[int] | None = None) -> Iterator[_Batch]:
    """Articles in order of doc_no (all, or the listed ones), tokenised whole-batch at once."""
    wanted = sorted(doc_nos) if doc_nos is not None else None
    count = len(wanted) if wanted is not None else total
    for first in range(0, count, _FETCH_ROWS):
        if wanted is None:
            table = con.sql(
                "SELECT d.doc_no, d.outlet, a.text FROM reuse_docs d JOIN articles a USING (doc_id) "
                "WHERE d.doc_no BETWEEN ? AND ?", params=[first + 1, first + _FETCH_ROWS]).to_arrow_table()
        else:
            table = con.sql(
                "SELECT d.doc_no, d.outlet, a.text FROM reuse_docs d JOIN articles a USING (doc_id) "
                "WHERE d.doc_no IN (SELECT unnest(?::BIGINT[]))", params=[wanted[first : first + _FETCH_ROWS]]).to_arrow_table()
        table = table.take(pa.array(np.argsort(table.column("doc_no").to_numpy(), kind="stable")))
        words, word_offsets = text_word_hashes(table.column("text").combine_chunks())
        shingles, offsets = text_ngram_hashes(words, word_offsets, params.shingle_words)
        yield _Batch(table.column("doc_no").to_numpy(), outlet_keys(table.column("outlet").to_pylist()),
                     np.diff(word_offsets), shingles, offsets)


def _batch_owners(batch: _Batch) -> np.ndarray:
    return np.repeat(np.arange(len(batch.doc_nos)), np.diff(batch.offsets))


def _document_frequencies(con, params: ReuseParams, total: int) -> DocumentFrequencies:
    """First pass: in how many documents (overall and per outlet) each n-gram appears."""
    words = con.execute("SELECT coalesce(sum(length(text)), 0) // 6 FROM articles").fetchall()[0][0]
    frequencies = DocumentFrequencies(2 * int(words))
    for batch in _batches(con, params, total):
        owners = _batch_owners(batch)
        frequencies.add(batch.shingles, batch.doc_nos[owners], batch.outlets[owners])
    return frequencies


def _boilerplate_flags(frequencies: DocumentFrequencies, batch: _Batch, thresholds: tuple[int, dict[int, int]]) -> np.ndarray:
    """Which of the batch's n-grams are boilerplate, overall or in their article's outlet."""
    overall, per_outlet = thresholds
    owners = _batch_owners(batch)
    outlets = batch.outlets[owners]
    outlet_threshold = np.array([per_outlet.get(int(o), np.iinfo(np.int64).max) for o in batch.outlets], np.int64)[owners]
    return (frequencies.overall(batch.shingles) >= overall) | (frequencies.in_outlet(batch.shingles, outlets) >= outlet_threshold)


def _thresholds(con, params: ReuseParams, total: int) -> tuple[int, dict[int, int]]:
    """Documents an n-gram must be in to be boilerplate: overall, and per outlet key."""
    overall = max(params.boilerplate_min_documents, int(np.ceil(params.boilerplate_share * total)))
    outlets = con.execute("SELECT outlet, count(*) FROM reuse_docs WHERE outlet IS NOT NULL GROUP BY outlet").fetchall()
    keys = outlet_keys([o for o, _ in outlets])
    per_outlet = {int(k): max(params.boilerplate_min_documents, int(np.ceil(params.outlet_boilerplate_share * n)))
                  for k, (_, n) in zip(keys, outlets)}
    return overall, per_outlet


def _write_band_rows(con, params: ReuseParams, frequencies: DocumentFrequencies, thresholds: tuple[int, dict[int, int]],
                     total: int, path: Path, progress: ProgressCallback | None) -> list[tuple[int, int, int, int]]:
    """Second pass: (band, key, item) for every distinct band key of every article's
    windows over its n-grams that are not boilerplate, streamed to a Parquet file so
    memory holds one batch at a time. Returns the boilerplate runs long enough to be a
    passage: (doc_no, first word, end word, estimated documents)."""
    hash_seeds = seeds(params.bands * params.rows)
    schema = pa.schema([("band", pa.int32()), ("key", pa.int64()), ("item", pa.int64())])
    boilerplate: list[tuple[int, int, int, int]] = []
    done = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(con, params, total):
            flags = _boilerplate_flags(frequencies, batch, thresholds)
            boilerplate += _long_runs(batch, flags, frequencies, params)
            long_enough = batch.word_counts >= params.align.min_words
            keep = ~flags & long_enough[_batch_owners(batch)]
            kept = np.bincount(_batch_owners(batch)[keep], minlength=len(batch.doc_nos))
            kept_offsets = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
            writer.write_table(pa.Table.from_batches([_band_batch(batch.doc_nos, batch.shingles[keep], kept_offsets,
                                                                   params, hash_seeds, schema)], schema))
            done += len(batch.doc_nos)
            if progress is not None:
                progress("shingling", done, total)
    return boilerplate


def _long_runs(batch: _Batch, flags: np.ndarray, frequencies: DocumentFrequencies,
               params: ReuseParams) -> list[tuple[int, int, int, int]]:
    text, first, end = runs(flags, batch.offsets)
    words = end - first + params.shingle_words - 1
    out = []
    for t, f, e, n in zip(text.tolist(), first.tolist(), end.tolist(), words.tolist()):
        if n >= params.align.min_words:
            start = int(batch.offsets[t])
            documents = int(np.median(frequencies.overall(batch.shingles[start + f : start + e])))
            out.append((int(batch.doc_nos[t]), f, f + n, documents))
    return out


def _band_batch(doc_nos: np.ndarray, shingles: np.ndarray, offsets: np.ndarray, params: ReuseParams,
                hash_seeds: np.ndarray, schema: pa.Schema) -> pa.RecordBatch:
    """Distinct (band, key) of every window of every article of a batch, all at once.
    Windows are minima of `window // stride` neighbouring blocks of `stride` n-grams; a
    text shorter than a window is one window."""
    counts = np.diff(offsets)
    blocks = -(-counts // params.stride)
    block_firsts = np.cumsum(blocks) - blocks
    within = np.arange(blocks.sum()) - np.repeat(block_firsts, blocks)
    block_starts = np.repeat(offsets[:-1], blocks) + params.stride * within
    signatures = grouped_signatures(shingles, block_starts, hash_seeds)
    per_window = params.window // params.stride
    windows = np.where(blocks > 0, np.maximum(blocks - per_window + 1, 1), 0)
    window_firsts = np.cumsum(windows) - windows
    first_block = np.repeat(block_firsts, windows) + (np.arange(windows.sum()) - np.repeat(window_firsts, windows))
    last_block = np.repeat(block_firsts + blocks - 1, windows)
    window_signatures = signatures[first_block].copy()
    for offset in range(1, per_window):
        np.minimum(window_signatures, signatures[np.minimum(first_block + offset, last_block)], out=window_signatures)
    keys = band_keys(window_signatures, params.bands, params.rows).ravel()
    items = np.repeat(np.repeat(doc_nos, windows), params.bands)
    bands = np.tile(np.arange(params.bands, dtype=np.int32), int(windows.sum()))
    order = np.lexsort((keys, items))
    keys, items, bands = keys[order], items[order], bands[order]
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (items[1:] != items[:-1])
    return pa.record_batch(
        [pa.array(bands[distinct]), pa.array(as_signed(np.ascontiguousarray(keys[distinct]))),
         pa.array(items[distinct].astype(np.int64))],
        schema=schema,
    )


def _boilerplate_rows(con, boilerplate: list[tuple[int, int, int, int]], hasher: WordHasher) -> pa.Table:
    """The boilerplate passages with their character spans (BOILERPLATE_TYPES)."""
    columns: dict[str, list] = {name: [] for name in BOILERPLATE_TYPES}
    by_doc: dict[int, list[tuple[int, int, int]]] = {}
    for doc_no, first, end, documents in boilerplate:
        by_doc.setdefault(doc_no, []).append((first, end, documents))
    if by_doc:
        rows = con.execute(
            "SELECT d.doc_no, d.doc_id, d.outlet, a.text FROM reuse_docs d JOIN articles a USING (doc_id) "
            "WHERE d.doc_no IN (SELECT unnest(?::BIGINT[])) ORDER BY d.doc_no", [sorted(by_doc)]).fetchall()
        for doc_no, doc_id, outlet, text in rows:
            words = hasher.words(text)
            for first, end, documents in by_doc[doc_no]:
                if end > len(words):  # the two tokenisers disagree on this text: no span to quote
                    continue
                start_char, end_char = char_span(text, words, first, end)
                for name, value in zip(BOILERPLATE_TYPES, (doc_id, outlet, start_char, end_char, end - first, documents,
                                                           text[start_char:end_char])):
                    columns[name].append(value)
    return pa.table({name: pa.array(values, type=BOILERPLATE_TYPES[name]) for name, values in columns.items()})


BOILERPLATE_TYPES = {
    "doc_id": pa.string(), "outlet": pa.string(), "start": pa.int64(), "end": pa.int64(), "n_words": pa.int64(),
    "documents_estimate": pa.int64(), "text": pa.string(),
}


@dataclass(frozen=True)
class _Aligned:
    doc_a: str
    doc_b: str
    span_a: tuple[int, int]
    span_b: tuple[int, int]
    similarity: float
    text_a: str
    text_b: str


def _aligned_passages(con, candidates: list[tuple[int, int]], params: ReuseParams, hasher: WordHasher,
                      frequencies: DocumentFrequencies, thresholds: tuple[int, dict[int, int]], progress: ProgressCallback | None) -> Iterator[_Aligned]:
    """Align candidate pairs in batches, reading only the texts a batch needs; boilerplate
    n-grams anchor nothing."""
    for first in range(0, len(candidates), params.pair_batch):
        batch = candidates[first : first + params.pair_batch]
        needed = sorted({doc for pair in batch for doc in pair})
        query = (
            "SELECT d.doc_no, d.doc_id, a.text FROM reuse_docs d JOIN articles a USING (doc_id) "
            "WHERE d.doc_no IN (SELECT unnest(?::BIGINT[]))"
        )
        documents = dict(_documents(con, query, [needed], hasher, params.shingle_words))
        for vectorised in _batches(con, params, 0, needed):
            flags = _boilerplate_flags(frequencies, vectorised, thresholds)
            for index, doc_no in enumerate(vectorised.doc_nos.tolist()):
                document = documents[doc_no]
                part = flags[vectorised.offsets[index] : vectorised.offsets[index + 1]]
                if len(part) == len(document.shingles) and part.any():
                    document.boilerplate = part
        for doc_a, doc_b in batch:
            a, b = documents[doc_a], documents[doc_b]
            for span in align_pair(a.words, a.shingle_positions(), b.words, b.shingle_positions(), params.align):
                span_a = char_span(a.text, a.words, span.start_a, span.end_a)
                span_b = char_span(b.text, b.words, span.start_b, span.end_b)
                yield _Aligned(a.doc_id, b.doc_id, span_a, span_b, round(span.similarity, 6),
                               a.text[span_a[0] : span_a[1]], b.text[span_b[0] : span_b[1]])
        if progress is not None:
            progress("aligning", min(first + params.pair_batch, len(candidates)), len(candidates))


def _reuse_rows(con, aligned: list[_Aligned]) -> pa.Table:
    """One row per aligned pair, oriented earlier → later, with its cluster and source."""
    meta = {doc_id: (outlet, published) for doc_id, outlet, published in
            con.execute("SELECT doc_id, outlet, published FROM reuse_docs").fetchall()}
    published = {doc_id: value[1] for doc_id, value in meta.items()}
    oriented = [_oriented(pair, published) for pair in aligned]
    links: list[tuple[Passage, Passage]] = [((p.doc_a, *p.span_a), (p.doc_b, *p.span_b)) for p in oriented]
    clusters = reuse_clusters(links, published)
    oriented.sort(key=lambda p: (clusters[(p.doc_a, *p.span_a)].cluster_id, p.doc_a, p.span_a, p.doc_b, p.span_b))
    columns: dict[str, list] = {name: [] for name in REUSE_COLUMNS}
    for pair in oriented:
        cluster = clusters[(pair.doc_a, *pair.span_a)]
        source = cluster.source or (None, None, None)
        when_a, when_b = published[pair.doc_a], published[pair.doc_b]
        values = (
            pair.doc_a, pair.span_a[0], pair.span_a[1], pair.doc_b, pair.span_b[0], pair.span_b[1], pair.similarity,
            cluster.cluster_id, *source, meta[pair.doc_a][0], meta[pair.doc_b][0], when_a, when_b,
            (when_b - when_a).total_seconds() if when_a is not None and when_b is not None else None,
            pair.text_a, pair.text_b,
        )
        for name, value in zip(REUSE_COLUMNS, values):
            columns[name].append(value)
    return pa.table({name: pa.array(values, type=REUSE_TYPES[name]) for name, values in columns.items()})


def _oriented(pair: _Aligned, published: dict[str, dt.datetime | None]) -> _Aligned:
    def order(doc_id: str) -> tuple:
        return (published[doc_id] is None, published[doc_id] or dt.datetime.min, doc_id)

    if order(pair.doc_a) <= order(pair.doc_b):
        return pair
    return _Aligned(pair.doc_b, pair.doc_a, pair.span_b, pair.span_a, pair.similarity, pair.text_b, pair.text_a)


REUSE_TYPES = {
    "doc_a": pa.string(), "start_a": pa.int64(), "end_a": pa.int64(),
    "doc_b": pa.string(), "start_b": pa.int64(), "end_b": pa.int64(),
    "similarity": pa.float64(), "cluster_id": pa.int64(),
    "source_doc": pa.string(), "source_start": pa.int64(), "source_end": pa.int64(),
    "outlet_a": pa.string(), "outlet_b": pa.string(),
    "published_a": pa.timestamp("us"), "published_b": pa.timestamp("us"), "lag_seconds": pa.float64(),
    "text_a": pa.string(), "text_b": pa.string(),
}
REUSE_COLUMNS = tuple(REUSE_TYPES)


def outlet_network_sql(reuse_table: str) -> str:
    """Who copies whom: for each later passage and cluster, its closest earlier partner
    (highest similarity, then latest before it: the direct parent rather than the
    grandparent, as passim's seriatim picks one source per passage), counted per pair of
    outlets. Only pairs with both dates and both outlets known, the later strictly later."""
    return f"""
        WITH dated AS (
            SELECT * FROM {reuse_table}
            WHERE outlet_a IS NOT NULL AND outlet_b IS NOT NULL AND published_a < published_b
        ),
        best AS (
            SELECT *, row_number() OVER (
                PARTITION BY doc_b, cluster_id
                ORDER BY similarity DESC, published_a DESC, doc_a, start_a) AS choice
            FROM dated
        )
        SELECT outlet_a AS source_outlet, outlet_b AS copying_outlet,
               count(*) AS n_passages,
               sum(end_b - start_b) AS n_characters,
               count(DISTINCT doc_a) AS n_source_documents,
               count(DISTINCT doc_b) AS n_copying_documents,
               median(lag_seconds) AS median_lag_seconds,
               round(avg(similarity), 12) AS mean_similarity,  -- parallel sums differ in the last bits
               min(published_b) AS first_copy,
               max(published_b) AS last_copy
        FROM best WHERE choice = 1
        GROUP BY outlet_a, outlet_b
        ORDER BY n_passages DESC, source_outlet, copying_outlet
    """


def _store_parameters(con, params: ReuseParams) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {PARAMETERS_TABLE} (name VARCHAR, value VARCHAR)")
    flat = {**{k: v for k, v in asdict(params).items() if k != "align"}, **asdict(params.align)}
    con.executemany(f"INSERT INTO {PARAMETERS_TABLE} VALUES (?, ?)", [[k, json.dumps(v)] for k, v in flat.items()])
