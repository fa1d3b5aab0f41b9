"""MinHash signatures and LSH band keys, computed with numpy.

A signature is the minimum of K independent hash functions over a set of shingles; two
sets agree in one position with probability equal to their Jaccard similarity. The K
functions are multiply-add hashes `a·x + b` modulo 2**64 (odd `a`), whose order is set by
the high bits: two arithmetic operations per shingle and function, where a full mixer
costs ten, and enough because shingles are already well-mixed 64-bit hashes. Cutting
the K positions into bands of r rows and hashing each band gives keys that two sets share
with probability 1 - (1 - J^r)^bands; an equi-join on (band, key) is then the whole
candidate search (ecosystem.md §3c), in any SQL engine.
"""

from __future__ import annotations

import numpy as np

from inconcert.text.reuse.tokens import mix

_CHUNK_ROWS = 1 << 16  # shingles hashed at once: bounds the (rows × K) scratch matrix


def seeds(count: int, salt: int = 0x5EED) -> np.ndarray:
    """`count` hash functions as rows of (multiplier, addend)."""
    values = mix(np.arange(2 * count, dtype=np.uint64) + np.uint64(salt)).reshape(count, 2)
    values[:, 0] |= np.uint64(1)
    return values


def grouped_signatures(shingles: np.ndarray, group_starts: np.ndarray, hash_seeds: np.ndarray) -> np.ndarray:
    """One signature per group of consecutive shingles (`group_starts` ascending, every
    group non-empty): an array of shape (groups, K), in the shingles' unsigned dtype
    (32-bit shingles hash in 32-bit arithmetic, half the memory traffic)."""
    k = len(hash_seeds)
    hash_seeds = hash_seeds.astype(shingles.dtype)
    hash_seeds[:, 0] |= 1
    out = np.empty((len(group_starts), k), dtype=shingles.dtype)
    if len(group_starts) == 0:
        return out
    bounds = np.append(group_starts, len(shingles))
    first = 0
    while first < len(group_starts):
        # Take whole groups until the chunk is full (at least one group).
        last = int(np.searchsorted(bounds, bounds[first] + _CHUNK_ROWS, side="right")) - 1
        last = max(last, first + 1)
        rows = shingles[bounds[first] : bounds[last]]
        with np.errstate(over="ignore"):
            # (K, rows): each hash function's values contiguous, which reduceat runs fastest over.
            hashed = hash_seeds[:, 0, None] * rows[None, :]
            hashed += hash_seeds[:, 1, None]
        out[first:last] = np.minimum.reduceat(hashed, bounds[first:last] - bounds[first], axis=1).T
        first = last
    return out


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) keys, each a hash of one band's `rows` signature values."""
    n = len(signatures)
    keys = np.empty((n, bands), dtype=np.uint64)
    for band in range(bands):
        part = signatures[:, band * rows : (band + 1) * rows]
        combined = np.full(n, np.uint64(band), dtype=np.uint64)
        for column in range(rows):
            combined = mix(combined ^ part[:, column])
        keys[:, band] = combined
    return keys
