"""Near-duplicate posts (copypasta) as shares for the coordination engine's `near-text` kind.

A network pasting one text with a word changed here and there defeats the exact `text`
fingerprint; here each post's normalised text (normalize.normalize_text: case, Unicode
variants, URLs and mentions removed) becomes a set of word-bigram shingles, and:

1. posts with identical normalised text are one item (the QUT toolkit's co-tweet);
2. items get 60-hash MinHash signatures in 20 bands of 3 rows (two texts with Jaccard
   0.55 share a band with probability 0.97, 0.2 with only 0.15), and items sharing a band
   key are candidates — an SQL equi-join (banding.py), never all pairs;
3. each candidate pair is verified by the exact Jaccard of the two shingle sets;
4. connected components of verified pairs are the near-duplicate groups.

A group's id is a hash of the normalised text of its earliest post, so it is the same
on every run over the same posts. Reposts and forwards are left out (they have their own
`retweet` kind), and so are texts too short to tell a paste from a coincidence.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
import pyarrow as pa

from inconcert.errors import UserError
from inconcert.normalize import normalize_text
from inconcert.text.reuse.banding import bucket_pairs_sql
from inconcert.text.reuse.clusters import UnionFind
from inconcert.text.reuse.minhash import band_keys, grouped_signatures, seeds
from inconcert.text.reuse.tokens import WordHasher, as_signed, ngram_hashes

NEAR_TEXT_KIND = "near-text"
# Measured on the demo scenario (docs/reuse.md): a paste of a 13-20-word text with two
# words dropped keeps a bigram Jaccard of 0.57 with the original, and one with a word
# swapped or inserted 0.7-0.85, so 0.6 splits campaigns; at 0.5, short chatty posts built
# on one stock frame ("... is packed today ...") chain into large groups. 0.55 keeps
# every planted campaign whole and alone.
DEFAULT_THRESHOLD = 0.55
DEFAULT_MIN_WORDS = 6
SHINGLE_WORDS = 2
BANDS, ROWS = 20, 3
MAX_BUCKET = 50
_FETCH_ROWS = 50_000
_SKIPPED_KINDS = ("repost", "forward")


def create_near_text_shares(con, threshold: float = DEFAULT_THRESHOLD, table: str = "near_text_shares",
                            min_words: int = DEFAULT_MIN_WORDS) -> int:
    """Build `table(kind, object_id, account_id, content_id, t)` from `posts`: one row per
    post in a near-duplicate group of two or more posts; `t` in epoch microseconds.
    Returns the number of rows."""
    if not 0 < threshold <= 1:
        raise UserError(f"--near-text-threshold {threshold}: must be above 0 and at most 1.")
    if min_words < SHINGLE_WORDS:
        raise UserError(f"near-text min_words {min_words}: must be {SHINGLE_WORDS} or more.")
    items = _distinct_texts(con, min_words)
    groups = _near_duplicate_groups(con, items, threshold)
    mapping = _group_ids(items, groups)
    con.register("near_text_items", mapping)
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT '{NEAR_TEXT_KIND}' AS kind, m.object_id, p.account_id, p.post_id AS content_id,
                   epoch_us(p.ts) AS t
            FROM posts p JOIN near_text_items m ON p.platform = m.platform AND p.post_id = m.post_id
        """)
    finally:
        con.unregister("near_text_items")
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


class _Items:
    """Distinct normalised texts (items) and, for each post kept, its item number."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.first_seen: list[tuple] = []  # (t, platform, post_id) of the earliest post
        self.number_of: dict[str, int] = {}
        self.post_platform: list[str] = []
        self.post_id: list[str] = []
        self.post_item: list[int] = []
        self.shingles: list[np.ndarray] = []


def _distinct_texts(con, min_words: int) -> _Items:
    hasher = WordHasher()
    items = _Items()
    skipped = ", ".join(f"'{kind}'" for kind in _SKIPPED_KINDS)
    cursor = con.execute(f"""
        SELECT platform, post_id, epoch_us(ts) AS t, text FROM posts
        WHERE text IS NOT NULL AND kind NOT IN ({skipped})
    """)
    while batch := cursor.fetchmany(_FETCH_ROWS):
        for platform, post_id, t, text in batch:
            normalized = normalize_text(text)
            number = items.number_of.get(normalized)
            if number is None:
                words = hasher.word_hashes(normalized)
                if len(words) < min_words:
                    continue
                number = len(items.texts)
                items.number_of[normalized] = number
                items.texts.append(normalized)
                items.first_seen.append((t if t is not None else float("inf"), platform, post_id))
                items.shingles.append(np.unique(ngram_hashes(words, SHINGLE_WORDS)))
            else:
                items.first_seen[number] = min(items.first_seen[number], (t if t is not None else float("inf"), platform, post_id))
            items.post_platform.append(platform)
            items.post_id.append(post_id)
            items.post_item.append(number)
    return items


def _near_duplicate_groups(con, items: _Items, threshold: float) -> UnionFind:
    groups = UnionFind()
    if len(items.texts) < 2:
        return groups
    lengths = np.fromiter((len(s) for s in items.shingles), dtype=np.int64, count=len(items.shingles))
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    signatures = grouped_signatures(np.concatenate(items.shingles), starts, seeds(BANDS * ROWS))
    keys = band_keys(signatures, BANDS, ROWS)
    band_rows = pa.table({
        "band": pa.array(np.repeat(np.arange(BANDS, dtype=np.int32)[None, :], len(keys), axis=0).ravel()),
        "key": pa.array(as_signed(np.ascontiguousarray(keys.ravel()))),
        "item": pa.array(np.repeat(np.arange(len(keys), dtype=np.int64), BANDS)),
    })
    con.register("near_text_band_rows", band_rows)
    try:
        cursor = con.execute(bucket_pairs_sql("near_text_band_rows", MAX_BUCKET))
        while batch := cursor.fetchmany(_FETCH_ROWS):
            for a, b in batch:
                if _jaccard(items.shingles[a], items.shingles[b]) >= threshold:
                    groups.union(a, b)
    finally:
        con.unregister("near_text_band_rows")
    return groups


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


def _group_ids(items: _Items, groups: UnionFind) -> pa.Table:
    """(platform, post_id, object_id) for every post of a group of two or more posts."""
    members: dict[int, list[int]] = defaultdict(list)
    for item in range(len(items.texts)):
        if item in groups.parent:
            members[groups.find(item)].append(item)
    posts_per_item = np.bincount(np.asarray(items.post_item, dtype=np.int64), minlength=len(items.texts))
    object_of: dict[int, str] = {}
    for item, count in enumerate(posts_per_item.tolist()):
        if count > 1 and item not in groups.parent:
            members[item] = [item]  # identical texts alone make a group
    for group in members.values():
        earliest = min(group, key=lambda item: items.first_seen[item])
        digest = hashlib.blake2b(items.texts[earliest].encode("utf-8"), digest_size=10).hexdigest()
        for item in group:
            object_of[item] = f"near:{digest}"
    keep = [i for i, item in enumerate(items.post_item) if item in object_of]
    return pa.table({
        "platform": pa.array([items.post_platform[i] for i in keep], type=pa.string()),
        "post_id": pa.array([items.post_id[i] for i in keep], type=pa.string()),
        "object_id": pa.array([object_of[items.post_item[i]] for i in keep], type=pa.string()),
    })
