"""Near-duplicate posts (copypasta) as shares for the coordination engine's `near-text` kind.

A network pasting one text with a word changed here and there defeats the exact `text`
fingerprint; here each post's words (URLs, mentions and a retweet prefix removed, then
folded like normalize.fold) become a set of word-bigram shingles, and:

1. posts with the same words are one item (the QUT toolkit's co-tweet);
2. items get 60-hash MinHash signatures in 20 bands of 3 rows (two texts with Jaccard
   0.55 share a band with probability 0.97, 0.2 with only 0.15), and items sharing a band
   key are candidates — an SQL equi-join (banding.py), never all pairs;
3. each candidate pair is verified by the exact Jaccard of the two shingle sets;
4. connected components of verified pairs are the near-duplicate groups.

Every step works on whole-collection arrays (numpy, Arrow, DuckDB), never a Python loop
over posts: a million posts take seconds. A group's id is a hash of the normalised text
(normalize.normalize_text) of its earliest post, so it is the same on every run over the
same posts. Reposts and forwards are left out (they have their own `retweet` kind), and
so are texts too short to tell a paste from a coincidence.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from inconcert.engines import Engine, Step
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import UserError
from inconcert.ingest.shares import NEAR_TEXT_KIND
from inconcert.ingest.shares import NEAR_TEXT_THRESHOLD as DEFAULT_THRESHOLD
from inconcert.normalize import normalize_text
from inconcert.text.reuse.banding import bucket_pairs_sql
from inconcert.text.reuse.minhash import band_keys, grouped_signatures, seeds
from inconcert.text.reuse.tokens import as_signed, mix, text_word_hashes

DEFAULT_MIN_WORDS = 6
SHINGLE_WORDS = 2
BANDS, ROWS = 20, 3
MAX_BUCKET = 50
_CHUNK_POSTS = 100_000  # posts tokenised at once: bounds the per-character scratch arrays
_SKIPPED_KINDS = ("repost", "forward")
_ORDER_FACTOR = np.uint64(0x9E3779B97F4A7C15)  # odd: makes a bigram's word order part of its hash
# What normalize.normalize_text removes before folding, in RE2 (Arrow's regex engine),
# which has no look-behind: a mention keeps the character before it instead.
_RETWEET_PREFIX = r"^\s*(?i:rt)\s+@[\pL\pN_.\-]+:?"
_URL_OR_MENTION = r"(?i:https?://|www\.)\S+|(^|[^\pL\pN_])@[\pL\pN_.\-]+"


def create_near_text_shares(con, threshold: float = DEFAULT_THRESHOLD, table: str = "near_text_shares",
                            min_words: int = DEFAULT_MIN_WORDS, engine: Engine | None = None) -> int:
    """Build `table(kind, object_id, account_id, content_id, t)` from `posts`: one row per
    post in a near-duplicate group of two or more posts; `t` in epoch microseconds.
    `engine` runs the band join (DuckDB on `con` when None). Returns the number of rows."""
    if not 0 < threshold <= 1:
        raise UserError(f"--near-text-threshold {threshold}: must be above 0 and at most 1.")
    if min_words < SHINGLE_WORDS:
        raise UserError(f"near-text min_words {min_words}: must be {SHINGLE_WORDS} or more.")
    posts = _eligible_posts(con)
    items = post_items(posts.column("text"), min_words)
    groups = near_duplicate_groups(con, items, threshold, engine)
    shares = _shares(posts, items, groups)
    con.register("near_text_rows", shares)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM near_text_rows")
    finally:
        con.unregister("near_text_rows")
    return shares.num_rows


def _eligible_posts(con) -> pa.Table:
    """Posts in order of time (undated last), so that item numbers follow first appearance.
    The order is a column: with `preserve_insertion_order` off, DuckDB's Arrow export does
    not keep an ORDER BY."""
    skipped = ", ".join(f"'{kind}'" for kind in _SKIPPED_KINDS)
    table = con.sql(f"""
        SELECT platform, post_id, account_id, epoch_us(ts) AS t, text,
               row_number() OVER (ORDER BY ts NULLS LAST, platform, post_id) AS position
        FROM posts
        WHERE text IS NOT NULL AND kind NOT IN ({skipped})
    """).to_arrow_table()
    order = np.argsort(table.column("position").to_numpy(), kind="stable")
    return table.drop_columns(["position"]).take(pa.array(order)).combine_chunks()


def cleaned_texts(texts: pa.Array) -> pa.Array:
    """Texts without a retweet prefix, URLs and mentions, as normalize.normalize_text
    removes them (only texts that can hold one go through the regular expressions)."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    texts = pc.replace_substring_regex(texts, _RETWEET_PREFIX, "")
    candidates = pc.or_(pc.match_substring(texts, "@"),
                        pc.or_(pc.match_substring(texts, "http", ignore_case=True),
                               pc.match_substring(texts, "www.", ignore_case=True)))
    if not pc.any(candidates).as_py():
        return texts
    subset = pc.replace_substring_regex(pc.filter(texts, candidates), _URL_OR_MENTION, r"\1 ")
    return pc.replace_with_mask(texts, candidates, subset)


@dataclass
class PostItems:
    """Distinct texts (items) and their shingle sets.

    `item_of_post[i]` is post i's item (-1 when the post has too few words); items are
    numbered in order of their first post, `first_post[j]`. `keyed` holds every item's
    distinct shingles (32-bit hashes of word bigrams) as `item << 32 | shingle`, sorted,
    so item j's set is `keyed[starts[j]:starts[j + 1]]` and any (item, shingle) can be
    looked up in the whole collection with one binary search."""

    item_of_post: np.ndarray
    first_post: np.ndarray
    keyed: np.ndarray
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.first_post)

    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    @property
    def shingles(self) -> np.ndarray:
        return self.keyed & np.uint64(0xFFFFFFFF)


def post_items(texts: pa.Array, min_words: int = DEFAULT_MIN_WORDS) -> PostItems:
    """Texts with the same words (in the same order) are one item; texts with fewer than
    `min_words` words are no item."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    hashes, offsets, total = [], [np.zeros(1, np.int64)], 0
    for first in range(0, len(texts), _CHUNK_POSTS):
        chunk_hashes, chunk_offsets = text_word_hashes(cleaned_texts(texts.slice(first, _CHUNK_POSTS)))
        hashes.append(chunk_hashes)
        offsets.append(chunk_offsets[1:] + total)
        total += len(chunk_hashes)
    words = np.concatenate(hashes) if hashes else np.zeros(0, np.uint64)
    del hashes
    word_offsets = np.concatenate(offsets)
    counts = np.diff(word_offsets)
    bigrams = _bigram_hashes(words, word_offsets)
    del words
    eligible = np.flatnonzero(counts >= min_words)
    keys = _sequence_keys(bigrams, word_offsets)[eligible]
    _, first_index, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first_index, kind="stable")  # items numbered by first appearance
    number = np.empty(len(order), np.int64)
    number[order] = np.arange(len(order))
    item_of_post = np.full(len(counts), -1, np.int64)
    item_of_post[eligible] = number[inverse]
    first_post = eligible[first_index[order]]
    keyed, starts = _shingle_sets(bigrams, word_offsets, first_post)
    return PostItems(item_of_post, first_post, keyed, starts)


def _bigram_hashes(words: np.ndarray, word_offsets: np.ndarray) -> np.ndarray:
    """A hash of every word and its successor, end to end: a text's shingles are
    `bigrams[word_offsets[i]:word_offsets[i + 1] - 1]` (the last word of each text pairs
    with the next text's first, a value never used)."""
    with np.errstate(over="ignore"):
        combined = words[:-1] * _ORDER_FACTOR
        combined += words[1:]
        return mix(combined)


def _within_text(bigrams: np.ndarray, word_offsets: np.ndarray) -> np.ndarray:
    within = np.ones(len(bigrams), dtype=bool)
    ends = word_offsets[1:] - 1
    within[ends[(ends >= 0) & (ends < len(bigrams))]] = False  # the pair across two texts
    return within


def _sequence_keys(bigrams: np.ndarray, word_offsets: np.ndarray) -> np.ndarray:
    """One key per text of two or more words for its word sequence: the sum of its bigram
    hashes. Texts whose words differ in order but not in bigrams share a key; their
    shingle sets are the same, so they would be one group anyway."""
    counts = np.diff(word_offsets)
    with np.errstate(over="ignore"):
        terms = np.append(np.where(_within_text(bigrams, word_offsets), bigrams, np.uint64(0)), np.uint64(0))
        sums = np.add.reduceat(terms, np.minimum(word_offsets[:-1], len(terms) - 1))
    return mix(sums ^ counts.astype(np.uint64))


def _ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All indices of the ranges [starts[i], ends[i]) end to end, and the range of each."""
    lengths = ends - starts
    owner = np.repeat(np.arange(len(starts)), lengths)
    firsts = np.cumsum(lengths) - lengths
    return np.arange(lengths.sum()) + np.repeat(starts - firsts, lengths), owner


def _shingle_sets(bigrams: np.ndarray, word_offsets: np.ndarray, posts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct bigram hashes (high 32 bits) of each of `posts`, tagged with the
    post's place in `posts`, sorted."""
    number = np.full(len(word_offsets) - 1, -1, np.int64)
    number[posts] = np.arange(len(posts))
    owner = np.repeat(number, np.diff(word_offsets))[: len(bigrams)]
    wanted = _within_text(bigrams, word_offsets) & (owner >= 0)
    keyed = (owner[wanted].astype(np.uint64) << np.uint64(32)) | (bigrams[wanted] >> np.uint64(32))
    del owner, wanted
    keyed.sort()
    distinct = np.ones(len(keyed), dtype=bool)
    distinct[1:] = keyed[1:] != keyed[:-1]
    keyed = keyed[distinct]
    set_starts = np.searchsorted(keyed >> np.uint64(32), np.arange(len(posts) + 1, dtype=np.uint64))
    return keyed, set_starts


def near_duplicate_groups(con, items: PostItems, threshold: float, engine: Engine | None = None) -> np.ndarray:
    """Each item's group: the smallest item number of its connected component of
    verified pairs (an item alone is its own group). The band join, the one step whose
    size grows with the collection's duplication, runs on `engine`; the signatures before
    and the verification after are whole-array numpy work on the driver."""
    if len(items) < 2:
        return np.arange(len(items))
    signatures = grouped_signatures(items.shingles.astype(np.uint32), items.starts[:-1], seeds(BANDS * ROWS))
    band_rows = _shared_band_rows(band_keys(signatures, BANDS, ROWS))
    del signatures
    con.register("near_text_band_rows", band_rows)
    try:
        (engine or DuckDBEngine()).run(
            con, ["near_text_band_rows"], [Step("near_text_candidates", bucket_pairs_sql("near_text_band_rows", MAX_BUCKET))],
            ["near_text_candidates"],
        )
        pairs = con.execute("SELECT item_a, item_b FROM near_text_candidates").fetchnumpy()
        con.execute("DROP TABLE near_text_candidates")
    finally:
        con.unregister("near_text_band_rows")
    a, b = pairs["item_a"].astype(np.int64), pairs["item_b"].astype(np.int64)
    sizes = items.sizes()
    # Jaccard is at most the ratio of the two set sizes: most false candidates stop here.
    possible = np.minimum(sizes[a], sizes[b]) >= threshold * np.maximum(sizes[a], sizes[b])
    a, b = a[possible], b[possible]
    keep = jaccard(items, a, b) >= threshold
    a, b = a[keep], b[keep]
    graph = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(len(items), len(items)))
    _, component = connected_components(graph, directed=False)
    smallest = np.full(component.max() + 1, len(items), np.int64)
    np.minimum.at(smallest, component, np.arange(len(items)))
    return smallest[component]


def _shared_band_rows(keys: np.ndarray) -> pa.Table:
    """(band, key, item) for the band keys that two or more items share. Almost every key
    belongs to one item only; one numpy sort finds the shared ones about ten times faster
    than a grouped count in DuckDB (measured on 20M keys), and the band join then runs
    on what is left."""
    flat = keys.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    same_as_next = ordered[1:] == ordered[:-1]
    shared = np.zeros(len(flat), dtype=bool)
    shared[1:] |= same_as_next
    shared[:-1] |= same_as_next
    rows = order[shared]
    bands = keys.shape[1]
    return pa.table({
        "band": pa.array((rows % bands).astype(np.int32)),
        "key": pa.array(as_signed(np.ascontiguousarray(flat[rows]))),
        "item": pa.array(rows // bands),
    })


def jaccard(items: PostItems, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of items a[i] and b[i]: every shingle
    of a[i] is looked up in b[i]'s set, all pairs at once."""
    sizes = items.sizes()
    take, owner = _ranges(items.starts[a], items.starts[a + 1])
    wanted = (b[owner].astype(np.uint64) << np.uint64(32)) | (items.keyed[take] & np.uint64(0xFFFFFFFF))
    del take
    found = np.searchsorted(items.keyed, wanted)
    hit = items.keyed[np.minimum(found, len(items.keyed) - 1)] == wanted
    shared = np.bincount(owner[hit], minlength=len(a))
    return shared / (sizes[a] + sizes[b] - shared)


def _shares(posts: pa.Table, items: PostItems, groups: np.ndarray) -> pa.Table:
    """The rows of the shares table for every post of a group of two or more posts."""
    item_of_post = items.item_of_post
    in_item = item_of_post >= 0
    group_of_post = np.full(len(item_of_post), -1, np.int64)
    group_of_post[in_item] = groups[item_of_post[in_item]]
    posts_per_group = np.bincount(group_of_post[in_item], minlength=len(items))
    keep = np.flatnonzero(in_item & (posts_per_group[np.maximum(group_of_post, 0)] >= 2))
    representatives = np.unique(group_of_post[keep])
    texts = posts.column("text")
    object_of_group = {
        int(group): "near:" + hashlib.blake2b(
            normalize_text(texts[int(items.first_post[group])].as_py()).encode("utf-8"), digest_size=10).hexdigest()
        for group in representatives
    }
    kept = posts.take(pa.array(keep))
    return pa.table({
        "kind": pa.array([NEAR_TEXT_KIND] * len(keep), pa.string()),
        "object_id": pa.array([object_of_group[int(g)] for g in group_of_post[keep]], pa.string()),
        "account_id": kept.column("account_id"),
        "content_id": kept.column("post_id"),
        "t": kept.column("t"),
    })
