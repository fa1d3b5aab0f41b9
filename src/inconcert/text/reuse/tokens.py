"""Words with their character offsets, and stable 64-bit hashes of words and word n-grams.

Comparison happens on folded words (normalize.fold: NFKC, case folding, diacritics,
Arabic/Persian letter variants, zero-width marks), so re-punctuation, case and script
variants do not count as edits, while every word keeps the offsets of the text exactly as
stored. Hashes are blake2b of the folded word, mixed with splitmix64 for n-grams: the same
text gives the same numbers in every process and on every machine.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

from inconcert.normalize import fold

# Scripts written without spaces (Han, kana) count one character as one word; elsewhere a
# word is a run of word characters with the combining marks and joiners inside it.
_NO_SPACE_SCRIPTS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_INNER_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d"
WORD_RE = re.compile(f"[{_NO_SPACE_SCRIPTS}]|(?:[^\\W{_NO_SPACE_SCRIPTS}]|[{_INNER_MARKS}])+")

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)


@dataclass
class Words:
    """A text's words: folded-word hashes and the character span of each word."""

    hashes: np.ndarray  # uint64, one per word
    starts: np.ndarray  # int64
    ends: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.hashes)


class WordHasher:
    """Folds and hashes words, remembering each distinct word (vocabularies repeat)."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def hash(self, word: str) -> int:
        value = self._cache.get(word)
        if value is None:
            folded = word.lower() if word.isascii() else fold(word)
            value = int.from_bytes(hashlib.blake2b(folded.encode("utf-8"), digest_size=8).digest(), "little")
            if len(self._cache) < 2_000_000:
                self._cache[word] = value
        return value

    def words(self, text: str) -> Words:
        matches = list(WORD_RE.finditer(text))
        return Words(
            hashes=np.fromiter((self.hash(m.group()) for m in matches), dtype=_U64, count=len(matches)),
            starts=np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches)),
            ends=np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches)),
        )

    def word_hashes(self, text: str) -> np.ndarray:
        """Hashes only, for texts whose offsets nobody will quote (posts)."""
        return np.fromiter((self.hash(w) for w in WORD_RE.findall(text)), dtype=_U64)


def mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a cheap bijection on uint64 that spreads every input bit."""
    with np.errstate(over="ignore"):
        z = values + _GOLDEN
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        return z ^ (z >> _U64(31))


def ngram_hashes(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """One hash per run of n consecutive words (position i covers words i..i+n-1); a text
    shorter than n words gives one hash of all its words."""
    count = len(word_hashes)
    if count == 0:
        return np.zeros(0, dtype=_U64)
    n = min(n, count)
    combined = word_hashes[: count - n + 1].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, n):
            combined = mix(combined) ^ word_hashes[offset : count - n + 1 + offset]
    return mix(combined)


def as_signed(values: np.ndarray) -> np.ndarray:
    """uint64 hashes as BIGINT for SQL engines, which have no unsigned 64-bit join keys."""
    return values.view(np.int64)
