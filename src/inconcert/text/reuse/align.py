"""Exact reused spans in a pair of documents, despite small edits.

Like passim, alignment starts from anchors: word n-grams the two documents share. Anchors
that follow each other in both texts (each gap at most `max_gap` words) form a chain; a
chain is one candidate passage. Its region, widened by a few words, is aligned word by
word (Levenshtein opcodes from rapidfuzz, on folded-word hashes) and its high-scoring
stretches are kept, scored as in a Smith–Waterman local alignment with
match +1, mismatch −2 and gap −2 per word: a stretch must be more than two-thirds
matches to score at all, so a copy with light edits (up to about 15% of words) holds
together while sentences that merely share a template's frame (about half their words)
do not. Re-punctuation is invisible (words only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from inconcert.text.reuse.tokens import Words

MATCH, MISMATCH, GAP = 1, -2, -2
X_DROP = 8


@dataclass(frozen=True)
class AlignParams:
    anchor_words: int = 3
    max_gap: int = 20  # words between anchors before a chain breaks into two passages
    margin: int = 6  # words added around a chain before aligning, to recover edited edges
    min_words: int = 12  # shorter matches are stock phrases, not reused passages
    min_similarity: float = 0.6
    max_anchor_repeats: int = 4  # n-grams repeated more often in one text anchor nothing


@dataclass(frozen=True)
class WordSpan:
    """Aligned word ranges [start, end) in documents a and b, and their similarity."""

    start_a: int
    end_a: int
    start_b: int
    end_b: int
    similarity: float


def shingle_positions(shingles: np.ndarray, skip: np.ndarray | None = None) -> dict[int, list[int]]:
    """Where each n-gram occurs in a text, leaving out the positions flagged in `skip`
    (boilerplate); built once per document, used for every pair."""
    positions: dict[int, list[int]] = {}
    for position, value in enumerate(shingles.tolist()):
        if skip is None or not skip[position]:
            positions.setdefault(value, []).append(position)
    return positions


def anchors(positions_a: dict[int, list[int]], positions_b: dict[int, list[int]], max_repeats: int) -> np.ndarray:
    """(i, j) word positions where both texts have the same n-gram, sorted by i then j."""
    pairs = [
        (i, j)
        for value in positions_a.keys() & positions_b.keys()
        if len(positions_a[value]) <= max_repeats and len(positions_b[value]) <= max_repeats
        for i in positions_a[value]
        for j in positions_b[value]
    ]
    pairs.sort()
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def chains(points: np.ndarray, max_gap: int) -> list[list[tuple[int, int]]]:
    """Anchors grouped into chains that go forward in both texts with bounded gaps; each
    anchor joins the open chain it continues most diagonally."""
    open_chains: list[list[tuple[int, int]]] = []
    for i, j in points.tolist():
        best, best_skew = None, None
        for chain in open_chains:
            last_i, last_j = chain[-1]
            di, dj = i - last_i, j - last_j
            if 0 < di <= max_gap and 0 < dj <= max_gap:
                skew = abs(di - dj)
                if best_skew is None or skew < best_skew:
                    best, best_skew = chain, skew
        if best is None:
            open_chains.append([(i, j)])
        else:
            best.append((i, j))
    return open_chains


def align_pair(words_a: Words, positions_a: dict[int, list[int]], words_b: Words, positions_b: dict[int, list[int]],
               params: AlignParams) -> list[WordSpan]:
    """Every reused passage between two documents, as word ranges, without two passages
    covering the same words of either document (longer ones kept first)."""
    points = anchors(positions_a, positions_b, params.max_anchor_repeats)
    n = params.anchor_words
    min_anchors = max(2, params.min_words // (2 * n))
    spans: list[WordSpan] = []
    for chain in chains(points, params.max_gap):
        if len(chain) < min_anchors:
            continue
        spans += [
            span for span in _local_alignments(words_a.hashes, words_b.hashes, chain, n, params.margin)
            if _long_enough(span, params)
        ]
    return _without_overlaps(spans)


def _local_alignments(a: np.ndarray, b: np.ndarray, chain: list[tuple[int, int]], n: int, margin: int) -> list[WordSpan]:
    a0, a1 = max(0, chain[0][0] - margin), min(len(a), chain[-1][0] + n + margin)
    b0, b1 = max(0, chain[0][1] - margin), min(len(b), chain[-1][1] + n + margin)
    steps = _steps(Levenshtein.opcodes(a[a0:a1].tolist(), b[b0:b1].tolist()))
    spans = []
    for first, last in _stretches(steps):
        first, last = _rescue_edges(steps, first, last, at_start=a0 == 0 and b0 == 0, at_end=a1 == len(a) and b1 == len(b))
        (sa, sb), (ea, eb) = steps[first][1:3], steps[last][3:5]
        matched = sum(1 for step in steps[first : last + 1] if step[0])
        spans.append(WordSpan(a0 + sa, a0 + ea, b0 + sb, b0 + eb, matched / max(ea - sa, eb - sb)))
    return spans


Step = tuple[bool, int, int, int, int]  # matched?, (i, j) before the step, (i, j) after it


def _steps(opcodes) -> list[Step]:
    """The alignment one word at a time; a replaced block of unequal lengths is its
    mismatched pairs followed by gaps."""
    steps: list[Step] = []
    for op in opcodes:
        i, j = op.src_start, op.dest_start
        while i < op.src_end or j < op.dest_end:
            di, dj = int(i < op.src_end), int(j < op.dest_end)
            steps.append((op.tag == "equal", i, j, i + di, j + dj))
            i, j = i + di, j + dj
    return steps


def _stretches(steps: list[Step]) -> list[tuple[int, int]]:
    """The high-scoring stretches of the alignment as (first, last) step indices: each
    starts at a match and ends at its best score, once the score falls to zero or more
    than X_DROP below that best (BLAST's X-drop), so two copied paragraphs with a merely
    similar one between them come out as two passages."""
    found = []
    start = best_end = None
    score = best = 0
    for index, step in enumerate(steps):
        if step[0]:
            if start is None:
                start, score, best = index, 0, 0
            score += MATCH
            if score > best:
                best, best_end = score, index
        elif start is not None:
            score += MISMATCH if step[1] < step[3] and step[2] < step[4] else GAP
            if score <= 0 or score < best - X_DROP:
                found.append((start, best_end))
                start = None
    if start is not None:
        found.append((start, best_end))
    return found


def _rescue_edges(steps: list[Step], first: int, last: int, at_start: bool, at_end: bool) -> tuple[int, int]:
    """Take back matched words cut off by a single edit at a passage's edge ("Shoppers
    [quickly] fled"): two or more matches beyond one edit, or one at the document's edge."""
    def run(index: int, direction: int) -> int:
        length = 0
        while 0 <= index < len(steps) and steps[index][0]:
            length, index = length + 1, index + direction
        return length

    if first >= 2 and not steps[first - 1][0]:
        length = run(first - 2, -1)
        if length >= 2 or (length == 1 and first - 2 == 0 and at_start):
            first -= 1 + length
    if last + 2 < len(steps) and not steps[last + 1][0]:
        length = run(last + 2, 1)
        if length >= 2 or (length == 1 and last + 2 == len(steps) - 1 and at_end):
            last += 1 + length
    return first, last


def _long_enough(span: WordSpan, params: AlignParams) -> bool:
    return (
        min(span.end_a - span.start_a, span.end_b - span.start_b) >= params.min_words
        and span.similarity >= params.min_similarity
    )


def _without_overlaps(spans: list[WordSpan]) -> list[WordSpan]:
    kept: list[WordSpan] = []
    for span in sorted(spans, key=lambda s: (-(s.end_a - s.start_a), s.start_a, s.start_b)):
        if not any(_overlaps(span, other) for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start_a, s.start_b))


def _overlaps(x: WordSpan, y: WordSpan) -> bool:
    return (x.start_a < y.end_a and y.start_a < x.end_a) or (x.start_b < y.end_b and y.start_b < x.end_b)


def char_span(text: str, words: Words, start_word: int, end_word: int) -> tuple[int, int]:
    """Character offsets of a word range, widened over punctuation glued to its first and
    last words (an opening quote, a closing full stop), so a copied sentence is quoted whole."""
    start, end = int(words.starts[start_word]), int(words.ends[end_word - 1])
    while start > 0 and not text[start - 1].isspace() and not text[start - 1].isalnum():
        start -= 1
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return start, end
