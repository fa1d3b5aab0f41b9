"""Features shared by training and inference: one place, so the shipped model sees what it was trained on."""

from __future__ import annotations

import re

import numpy as np

from inconcert.text.techniques.encoder import HIDDEN, EncodedText
from inconcert.text.techniques.masking import mask_names

_WORD = re.compile(r"\w+")


def _normalise(fragment: str) -> str:
    return " ".join(_WORD.findall(fragment.lower()))


SPAN_HANDCRAFTED = 10
HANDCRAFTED_WEIGHT = 20.0  # standardised hand-made cues count this much more against the L2 penalty


def span_features(text: str, encoded: EncodedText, spans: list[tuple[int, int]]) -> np.ndarray:
    """Per span: pooled token vectors (mean, max, first, last), the surrounding context and line, and cues
    a vector cannot see: how often the same words recur in the document (Repetition), length, punctuation.
    The cues are read from the masked text, so that swapping one actor's name for another's changes nothing."""
    rows = []
    starts, ends = encoded.offsets[:, 0], encoded.offsets[:, 1]
    normalised_text = " " + _normalise(mask_names(text).text) + " "
    for start, end in spans:
        inside = np.flatnonzero((starts < end) & (ends > start))
        if len(inside) == 0 and len(starts):
            inside = np.array([int(np.argmin(np.abs(starts - start)))])
        if len(inside):
            v = encoded.vectors[inside]
            first, last = inside[0], inside[-1]
            before = encoded.vectors[max(0, first - 3):first]
            after = encoded.vectors[last + 1:last + 4]
            pooled = [v.mean(0), v.max(0), v[0], v[-1],
                      before.mean(0) if len(before) else np.zeros(HIDDEN, np.float32),
                      after.mean(0) if len(after) else np.zeros(HIDDEN, np.float32),
                      encoded.segment_vectors[encoded.segment[first]]]
        else:
            pooled = [np.zeros(HIDDEN, np.float32)] * 7
        handcrafted = span_handcrafted(text, normalised_text, start, end)
        rows.append(np.concatenate([*pooled, handcrafted]))
    if not rows:
        return np.zeros((0, 7 * HIDDEN + SPAN_HANDCRAFTED), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def span_handcrafted(text: str, normalised_text: str, start: int, end: int) -> np.ndarray:
    """The SPAN_HANDCRAFTED cues of `text[start:end]`; `normalised_text` is `normalised_masked(text)`."""
    fragment = mask_names(text[start:end]).text
    occurrences = repetitions(normalised_text, fragment)
    letters = [c for c in fragment if c.isalpha()]
    return np.array([
        np.log1p(len(fragment)),
        np.log1p(len(_WORD.findall(fragment))),
        np.log1p(max(occurrences - 1, 0)),
        float(occurrences >= 2),
        float(occurrences >= 3),
        float("!" in fragment),
        float("?" in fragment),
        sum(c.isupper() for c in letters) / max(len(letters), 1),
        float(fragment[:1] in "\"'“‘" or text[max(0, start - 1):start] in ("\"", "“", "'", "‘")),
        float("\n" in fragment),
    ], dtype=np.float32)


def repetitions(normalised_text: str, fragment: str) -> int:
    """How many times the fragment's words occur, in order, in the (normalised, masked) text."""
    key = _normalise(fragment)
    return normalised_text.count(" " + key + " ") if key else 0


def normalised_masked(text: str) -> str:
    return " " + _normalise(mask_names(text).text) + " "


_TEXT_WORD = re.compile(r"\w\w+")


def span_text_terms(fragment: str) -> list[str]:
    """The terms a span's own wording is classified by: its words and word pairs, and the 2-5 letter
    pieces of each word (so "traitors" and "traitorous" share cues). `fragment` is the masked text,
    so a named actor contributes only the placeholder."""
    lower = fragment.lower()
    words = _TEXT_WORD.findall(lower)
    terms = ["w " + w for w in words] + ["w " + a + " " + b for a, b in zip(words, words[1:])]
    for word in lower.split():
        padded = f" {word} "
        for n in range(2, 6):
            if n > len(padded):
                break
            terms += ["c " + padded[k:k + n] for k in range(len(padded) - n + 1)]
    return terms


def span_text_rows(fragments: list[str], vocabulary: dict[str, int], idf: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per fragment, the sparse tf-idf row over `vocabulary`: (term indices, l2-normalised weights);
    the term frequency is dampened (1 + log tf) so a repeated word does not swamp the rest."""
    rows = []
    for fragment in fragments:
        counts: dict[int, int] = {}
        for term in span_text_terms(fragment):
            index = vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
        norm = np.sqrt((values ** 2).sum())
        rows.append((indices, (values / norm if norm else values).astype(np.float32)))
    return rows
