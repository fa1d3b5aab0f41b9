"""Find persuasion-technique spans in texts, name the technique, and say which cue led there."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from inconcert.text.techniques.encoder import encode_texts
from inconcert.text.techniques.masking import mask_names
from inconcert.text.techniques.features import normalised_masked, repetitions, span_features
from inconcert.text.techniques.model import TechniqueModel, decode_spans, mean_inside, shipped_model, word_runs

_WORDS = re.compile(r"[A-Za-z][a-z\-]*")


@dataclass(frozen=True)
class TechniqueSpan:
    """`text[start:end]` is the evidence; `score` is the mean P(inside a technique span) of its words x P(this technique | span)."""

    start: int
    end: int
    technique: str
    score: float
    cue: str


def _cue(model: TechniqueModel, fragment: str, technique_index: int, occurrences: int, top_words: list[str]) -> str:
    technique = model.techniques[technique_index]
    if technique == "Repetition" and occurrences >= 2:
        return f"pattern: the same words occur {occurrences} times in the text"
    lexicon = model.lexicon
    hits = sorted({w.lower() for w in _WORDS.findall(fragment)
                   if w.lower() in lexicon and lexicon[w.lower()][0] == technique_index},
                  key=lambda w: -lexicon[w][1])
    if hits:
        return "lexicon: " + ", ".join(f"'{w}' ({lexicon[w][1]:.0%} of its uses in training fall in {technique} spans)" for w in hits[:3])
    return "model: strongest words " + ", ".join(f"'{w}'" for w in top_words)


def detect_techniques_many(texts: list[str], model: TechniqueModel | None = None) -> list[list[TechniqueSpan]]:
    """Technique spans for each text; offsets are Python str indices into the text exactly as given."""
    model = model or shipped_model()
    results = []
    for text, encoded in zip(texts, encode_texts(texts, model.span_probabilities)):
        normalised = normalised_masked(text)
        words, lines, word_probability = word_runs(text, encoded.offsets, encoded.segment, encoded.inside)
        found = decode_spans(text, words, lines, word_probability, model.threshold, model.max_gap, model.min_words)
        strength = mean_inside(words, word_probability, found)
        probabilities = model.technique_probabilities(span_features(text, encoded, found), masked_fragments(text, found))
        spans = []
        for (start, end), mean_probability, row in zip(found, strength, probabilities):
            best = int(np.argmax(row))
            inside = (words[:, 0] >= start) & (words[:, 1] <= end)
            ranked = np.argsort(-np.where(inside, word_probability, -1))[:2]
            top_words = [text[words[w, 0]:words[w, 1]] for w in ranked if inside[w]]
            fragment = text[start:end]
            cue = _cue(model, fragment, best, repetitions(normalised, mask_names(fragment).text), top_words)
            spans.append(TechniqueSpan(start, end, model.techniques[best], round(float(mean_probability * row[best]), 4), cue))
        results.append(spans)
    return results


def detect_techniques(text: str, model: TechniqueModel | None = None) -> list[TechniqueSpan]:
    return detect_techniques_many([text], model)[0]


def classify_spans(texts: list[str], spans: list[list[tuple[int, int]]], model: TechniqueModel | None = None) -> list[np.ndarray]:
    """Technique probabilities (rows: the given spans; columns: `model.techniques`) for spans fixed in advance."""
    model = model or shipped_model()
    return [model.technique_probabilities(span_features(text, encoded, text_spans), masked_fragments(text, text_spans))
            for text, encoded, text_spans in zip(texts, encode_texts(texts), spans)]


def masked_fragments(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """Each span's text with named actors masked, as the wording classifier was trained on it."""
    return [mask_names(text[start:end]).text for start, end in spans]


def assign_labels(probabilities: np.ndarray, spans: list[tuple[int, int]], techniques: list[str]) -> list[str]:
    """The most likely technique per span; a span listed k times gets the k most likely, one each,
    because the corpus lists a span once per technique it uses."""
    labels: list[str] = []
    seen: dict[tuple[int, int], int] = {}
    for row, span in zip(probabilities, spans):
        rank = seen.get(span, 0)
        seen[span] = rank + 1
        labels.append(techniques[int(np.argsort(-row)[min(rank, len(techniques) - 1)])])
    return labels
