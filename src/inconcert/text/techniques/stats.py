"""Technique rates per 1,000 words, per document and per outlet (Prta's outlet comparison)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, Mapping

_WORD = re.compile(r"\w+")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def rates_per_thousand_words(techniques: Iterable[str], n_words: int) -> dict[str, float]:
    """Spans of each technique per 1,000 words; empty when the text has no words."""
    if n_words <= 0:
        return {}
    return {technique: 1000.0 * n / n_words for technique, n in sorted(Counter(techniques).items())}


def document_rates(texts: Mapping[str, str], spans: Mapping[str, Iterable]) -> dict[str, dict[str, float]]:
    """doc_id -> technique -> spans per 1,000 words (`spans` holds TechniqueSpan-like objects with `.technique`)."""
    return {doc_id: rates_per_thousand_words((s.technique for s in spans.get(doc_id, [])), word_count(text))
            for doc_id, text in texts.items()}


def outlet_rates(texts: Mapping[str, str], spans: Mapping[str, Iterable], outlet_of: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """outlet -> technique -> spans per 1,000 words over all the outlet's documents (pooled, so long articles weigh more)."""
    words: Counter = Counter()
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc_id, text in texts.items():
        outlet = outlet_of.get(doc_id) or "(unknown outlet)"
        words[outlet] += word_count(text)
        counts[outlet].update(s.technique for s in spans.get(doc_id, []))
    return {outlet: {t: 1000.0 * n / words[outlet] for t, n in sorted(counts[outlet].items())} if words[outlet] else {}
            for outlet in sorted(words)}
