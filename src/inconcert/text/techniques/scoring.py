"""The SemEval-2020 task 11 measures: span identification (partial overlap) and technique classification (micro-F1)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def merge_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def span_identification(predicted: dict[str, list[tuple[int, int]]], gold: dict[str, list[tuple[int, int]]]) -> Scores:
    """Partial credit for character overlap (Da San Martino et al. 2020, §3): overlapping spans are merged first.

    P = sum over predicted s, gold t of |s∩t| / |s|, over the number of predicted spans;
    R = the same sum with |t| as denominator, over the number of gold spans.
    """
    precision_sum = recall_sum = 0.0
    n_predicted = n_gold = 0
    for article in set(predicted) | set(gold):
        mine = merge_overlapping(predicted.get(article, []))
        theirs = merge_overlapping(gold.get(article, []))
        n_predicted += len(mine)
        n_gold += len(theirs)
        for s_start, s_end in mine:
            for t_start, t_end in theirs:
                overlap = min(s_end, t_end) - max(s_start, t_start)
                if overlap > 0:
                    precision_sum += overlap / (s_end - s_start)
                    recall_sum += overlap / (t_end - t_start)
    precision = precision_sum / n_predicted if n_predicted else 0.0
    recall = recall_sum / n_gold if n_gold else 0.0
    return Scores(precision, recall, _f1(precision, recall))


def technique_classification(predicted: list[tuple[str, int, int, str]], gold: list[tuple[str, int, int, str]]) -> tuple[Scores, dict[str, Scores]]:
    """Micro-F1 over (article, start, end, technique), counting repeated spans as a multiset; and per technique."""
    def by_span(rows):
        grouped: dict[tuple[str, int, int], Counter] = defaultdict(Counter)
        for article, start, end, technique in rows:
            grouped[(article, start, end)][technique] += 1
        return grouped

    mine, theirs = by_span(predicted), by_span(gold)
    hits: Counter = Counter()
    for key, labels in mine.items():
        hits.update(labels & theirs.get(key, Counter()))
    n_mine = Counter(t for *_, t in predicted)
    n_theirs = Counter(t for *_, t in gold)
    total_hits = sum(hits.values())
    micro_p = total_hits / len(predicted) if predicted else 0.0
    micro_r = total_hits / len(gold) if gold else 0.0
    per_technique = {}
    for technique in sorted(set(n_mine) | set(n_theirs)):
        p = hits[technique] / n_mine[technique] if n_mine[technique] else 0.0
        r = hits[technique] / n_theirs[technique] if n_theirs[technique] else 0.0
        per_technique[technique] = Scores(p, r, _f1(p, r))
    return Scores(micro_p, micro_r, _f1(micro_p, micro_r)), per_technique
