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
import pyarrow as pa

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
        spans = np.array([m.span() for m in WORD_RE.finditer(text)], dtype=np.int64).reshape(-1, 2)
        return Words(hashes=self._hashes([text[s:e] for s, e in spans.tolist()]), starts=spans[:, 0], ends=spans[:, 1])

    def word_hashes(self, text: str) -> np.ndarray:
        """Hashes only, for texts whose offsets nobody will quote (posts)."""
        return self._hashes(WORD_RE.findall(text))

    def _hashes(self, words: list[str]) -> np.ndarray:
        # Known words are one C-level dictionary lookup each; only new ones are hashed.
        found = list(map(self._cache.get, words))
        if None in found:
            found = [value if value is not None else self.hash(word) for value, word in zip(found, words)]
        return np.array(found, dtype=_U64)


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


# -- many texts at once ----------------------------------------------------------------------
#
# Python's per-word loop costs microseconds a word; a million posts or a hundred thousand
# articles need whole-collection arrays instead. Texts go in as an Arrow string array and
# are decoded from their UTF-8 buffer straight into code points. Each code point is
# folded on its own (normalize.fold of that one character, looked up once per distinct
# character), which equals folding the whole text except where two characters compose
# under NFC (Hangul jamo typed one by one); words are then the same runs as WORD_RE's.
# Word hashes are a polynomial over the folded code points, so a word hashes the same in
# every text, process and machine; they are not the blake2b hashes of WordHasher, which
# alignment keeps for its anchors.

_ASCII_FOLD = np.arange(128, dtype=np.uint32)
_ASCII_FOLD[ord("A") : ord("Z") + 1] += 32
_WORD_CHAR, _SINGLE_CHAR_WORD = 1, 2
_POLY = _U64(0x100000001B3)  # FNV's prime: odd, so its powers never vanish modulo 2**64
_MAX_POWER = 64  # longer words reuse the powers cyclically; they still hash by all their characters


def _powers() -> np.ndarray:
    with np.errstate(over="ignore"):
        out = np.ones(_MAX_POWER, dtype=_U64)
        for index in range(1, _MAX_POWER):
            out[index] = out[index - 1] * _POLY
    return out


_POWER_TABLE = _powers()
_folded_chars: dict[int, tuple[int, ...]] = {}
_char_classes: dict[int, int] = {}


def _fold_char(code_point: int) -> tuple[int, ...]:
    value = _folded_chars.get(code_point)
    if value is None:
        value = tuple(ord(c) for c in fold(chr(code_point)))
        _folded_chars[code_point] = value
    return value


def _char_class(code_point: int) -> int:
    value = _char_classes.get(code_point)
    if value is None:
        match = WORD_RE.fullmatch(chr(code_point))
        if match is None:
            value = 0
        elif re.fullmatch(f"[{_NO_SPACE_SCRIPTS}]", chr(code_point)):
            value = _SINGLE_CHAR_WORD
        else:
            value = _WORD_CHAR
        _char_classes[code_point] = value
    return value


def _utf8_code_points(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts end to end, and each text's start (plus the total)."""
    texts = texts.cast(pa.large_string())
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    byte_offsets = offsets - offsets[0]
    if not len(raw) or raw.max() < 0x80:
        return raw.astype(np.uint32), byte_offsets
    lead = (raw & 0xC0) != 0x80
    padded = np.concatenate([raw, np.zeros(3, np.uint8)]).astype(np.uint32)
    at = np.flatnonzero(lead)
    first = padded[at]
    cont = [padded[at + k] & 0x3F for k in (1, 2, 3)]
    points = np.where(
        first < 0x80, first,
        np.where(first < 0xE0, ((first & 0x1F) << 6) | cont[0],
                 np.where(first < 0xF0, ((first & 0x0F) << 12) | (cont[0] << 6) | cont[1],
                          ((first & 0x07) << 18) | (cont[0] << 12) | (cont[1] << 6) | cont[2])))
    char_offsets = np.concatenate([[0], np.cumsum(lead)])[byte_offsets]
    return points.astype(np.uint32), char_offsets


def _folded(points: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every code point replaced by its fold (zero, one or several code points)."""
    wide = points >= 128
    if not wide.any():
        return _ASCII_FOLD[points], offsets
    distinct = np.unique(points[wide])
    folds = [_fold_char(int(p)) for p in distinct]
    lengths = np.concatenate([np.ones(128, np.int64), np.fromiter(map(len, folds), np.int64, len(folds))])
    table = np.concatenate([_ASCII_FOLD, np.fromiter((c for f in folds for c in f), np.uint32)])
    table_starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    index = np.where(wide, 128 + np.searchsorted(distinct, points), points).astype(np.int64)
    counts = lengths[index]
    ends = np.cumsum(counts)
    within = np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - counts, counts)
    out = table[np.repeat(table_starts[index], counts) + within]
    new_offsets = np.concatenate([[0], ends])[offsets]
    return out, new_offsets


def _classes(points: np.ndarray) -> np.ndarray:
    ascii_class = np.zeros(128, np.uint8)
    for code in range(128):
        ascii_class[code] = _char_class(code)
    wide = points >= 128
    if not wide.any():
        return ascii_class[points]
    distinct = np.unique(points[wide])
    wide_class = np.fromiter((_char_class(int(p)) for p in distinct), np.uint8, len(distinct))
    out = ascii_class[np.minimum(points, 127)]
    out[wide] = wide_class[np.searchsorted(distinct, points[wide])]
    return out


def text_word_hashes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Folded-word hashes of every text at once: text i's words are
    `hashes[word_offsets[i]:word_offsets[i + 1]]`. Null texts have no words."""
    texts = pa.array(texts) if not isinstance(texts, pa.Array) else texts
    texts = texts.fill_null("")
    points, offsets = _utf8_code_points(texts)
    points, offsets = _folded(points, offsets)
    classes = _classes(points)
    n = len(points)
    is_word = classes > 0
    text_start = np.zeros(n + 1, dtype=bool)
    text_start[offsets] = True
    single = classes == _SINGLE_CHAR_WORD
    # A word breaks where a text starts and around every single-character word.
    breaks = text_start[:n].copy()
    breaks |= single
    breaks[1:] |= single[:-1]
    previous_word = np.concatenate([[False], is_word[:-1]])
    starts = np.flatnonzero(is_word & (~previous_word | breaks))
    is_start = np.zeros(n, dtype=bool)
    is_start[starts] = True
    first_in_word = is_start[is_word]  # over the word characters only: words are their runs
    cut = np.flatnonzero(first_in_word)
    position = np.arange(len(first_in_word), dtype=np.int64)
    position -= cut[np.cumsum(first_in_word) - 1]
    with np.errstate(over="ignore"):
        terms = points[is_word].astype(_U64) * _POWER_TABLE[position % _MAX_POWER]
        raw = np.add.reduceat(terms, cut) if len(cut) else np.zeros(0, _U64)
        lengths = np.diff(np.append(cut, len(first_in_word))).astype(_U64)
        hashes = mix(raw ^ mix(lengths))
    word_offsets = np.searchsorted(starts, offsets, side="left")
    return hashes, word_offsets


def text_ngram_hashes(word_hashes: np.ndarray, word_offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Word n-gram hashes of many texts at once (position i of a text covers its words
    i..i+n-1): text t's are `hashes[offsets[t]:offsets[t + 1]]`; a text shorter than n
    words has none."""
    counts = np.diff(word_offsets)
    per_text = np.maximum(counts - (n - 1), 0)
    offsets = np.concatenate([[0], np.cumsum(per_text)])
    first = np.repeat(word_offsets[:-1] - offsets[:-1], per_text) + np.arange(offsets[-1])
    with np.errstate(over="ignore"):
        combined = word_hashes[first].copy()
        for offset in range(1, n):
            combined *= _NGRAM_FACTOR
            combined += word_hashes[first + offset]
        return mix(combined), offsets


_NGRAM_FACTOR = _U64(0xD6E8FEB86659FD93)  # odd: word order is part of an n-gram's hash
