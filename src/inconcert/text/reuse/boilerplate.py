"""Site boilerplate: text that appears in very many documents of one outlet, or in a large
share of all documents (share and subscribe widgets, polls, footers, wire credits).

Such text is reuse, but not a talking point, and left in it dominates every reuse
cluster (PTC: poll widgets shared by about a hundred of 446 articles made most of 6,892
reported passages). Like passim's `--maxDF`, a word n-gram found in too many documents
stops counting: it makes no candidate windows and anchors no alignment. Runs of such
n-grams long enough to be a passage are reported separately as boilerplate.

Document frequencies are kept in a count-min sketch (two rows of 32-bit counters, each
n-gram counted once per document under its own key and under a key of its outlet), so
memory is fixed whatever the corpus size; a sketch can only over-count, and with at most
a few increments per counter a rare n-gram cannot reach a threshold of tens of documents.
"""

from __future__ import annotations

import hashlib

import numpy as np

from inconcert.text.reuse.tokens import mix

_SALTS = (np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344))
_MIN_BITS, _MAX_BITS = 16, 24


def outlet_keys(outlets: list[str | None]) -> np.ndarray:
    """A stable 64-bit key per outlet name (0 for none)."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(o.encode("utf-8"), digest_size=8).digest(), "little") | 1 if o else 0
         for o in outlets], dtype=np.uint64)


class DocumentFrequencies:
    """Documents per n-gram, overall and within each outlet (module doc)."""

    def __init__(self, expected_increments: int) -> None:
        bits = int(np.clip(np.ceil(np.log2(max(expected_increments, 1))), _MIN_BITS, _MAX_BITS))
        self._shift = np.uint64(64 - bits)
        self._table = np.zeros((len(_SALTS), 1 << bits), dtype=np.uint32)

    def _slots(self, keys: np.ndarray) -> list[np.ndarray]:
        return [(mix(keys ^ salt) >> self._shift).astype(np.int64) for salt in _SALTS]

    @staticmethod
    def _keys(shingles: np.ndarray, outlet: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return mix(shingles ^ (outlet * np.uint64(0x9E3779B97F4A7C15)))

    def add(self, shingles: np.ndarray, documents: np.ndarray, outlets: np.ndarray) -> None:
        """Count each (document, n-gram) once, overall and for the document's outlet."""
        order = np.lexsort((documents, shingles))
        shingles, documents, outlets = shingles[order], documents[order], outlets[order]
        first = np.ones(len(shingles), dtype=bool)
        first[1:] = (shingles[1:] != shingles[:-1]) | (documents[1:] != documents[:-1])
        shingles, outlets = shingles[first], outlets[first]
        for keys in (shingles, self._keys(shingles[outlets != 0], outlets[outlets != 0])):
            for row, slots in enumerate(self._slots(keys)):
                np.add.at(self._table[row], slots, 1)

    def overall(self, shingles: np.ndarray) -> np.ndarray:
        return self._count(shingles)

    def in_outlet(self, shingles: np.ndarray, outlets: np.ndarray) -> np.ndarray:
        counts = self._count(self._keys(shingles, outlets))
        counts[outlets == 0] = 0
        return counts

    def _count(self, keys: np.ndarray) -> np.ndarray:
        slots = self._slots(keys)
        return np.minimum.reduce([self._table[row][s] for row, s in enumerate(slots)])


def runs(flags: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximal runs of True in each text's part of `flags` (texts cut at `offsets`):
    (text, first, last + 1) with positions relative to the text."""
    n = len(flags)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    text_start = np.zeros(n, dtype=bool)
    starts_in_range = offsets[:-1][offsets[:-1] < n]
    text_start[starts_in_range] = True
    previous = np.concatenate([[False], flags[:-1]]) & ~text_start
    following = np.concatenate([flags[1:], [False]])
    following[offsets[1:-1][offsets[1:-1] < n] - 1] = False
    first = np.flatnonzero(flags & ~previous)
    last = np.flatnonzero(flags & ~following)
    text = np.searchsorted(offsets, first, side="right") - 1
    return text, first - offsets[text], last + 1 - offsets[text]
