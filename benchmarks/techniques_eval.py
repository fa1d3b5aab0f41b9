"""Persuasion techniques on PTC v2 dev: the official SemEval-2020 task 11 measures, de-duplicated too,
per-technique F1, inference speed and the impartiality rate.

    .venv/bin/python benchmarks/techniques_eval.py [--ptc ../shared/data/ptc/ptc_v2_semeval2020_task11]

TC: micro-F1 of the technique given the gold spans (dev-task-flc-tc.labels, repeated spans as a multiset).
SI: partial-overlap P/R/F1 (Da San Martino et al. 2020) of the spans found against dev-task-si.labels.
"De-duplicated" drops the dev articles that a train article contains to 50% or more of its 5-word
shingles (either way round), since PTC has rewritten copies of one story across splits.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from inconcert.text.techniques import assign_labels, classify_spans, detect_techniques_many, ptc  # noqa: E402
from inconcert.text.techniques.impartiality import impartiality  # noqa: E402
from inconcert.text.techniques.model import shipped_model  # noqa: E402
from inconcert.text.techniques.scoring import span_identification, technique_classification  # noqa: E402

DEFAULT_PTC = ROOT.parent / "shared" / "data" / "ptc" / "ptc_v2_semeval2020_task11"
CONTAINMENT = 0.5


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 0))}


def near_duplicates(held_out: dict[str, str], train: dict[str, str]) -> dict[str, tuple[str, float]]:
    """Held-out article -> (train article, containment) where either contains >= CONTAINMENT of the other's shingles."""
    train_shingles = {i: shingles(t) for i, t in train.items()}
    found = {}
    for article_id, text in held_out.items():
        mine = shingles(text)
        for train_id, theirs in train_shingles.items():
            shared = len(mine & theirs)
            containment = max(shared / len(mine) if mine else 0, shared / len(theirs) if theirs else 0)
            if containment >= CONTAINMENT and containment > found.get(article_id, ("", 0))[1]:
                found[article_id] = (train_id, containment)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ptc", type=Path, default=DEFAULT_PTC)
    args = parser.parse_args()

    dev = ptc.read_articles(args.ptc / "dev-articles")
    train = ptc.read_articles(args.ptc / "train-articles")
    gold_tc = ptc.read_span_lines(args.ptc / "dev-task-flc-tc.labels", "--ptc")
    gold_si = ptc.read_span_lines(args.ptc / "dev-task-si.labels", "--ptc", with_technique=False)
    duplicates = near_duplicates(dev, train)
    print(f"dev: {len(dev)} articles, {len(gold_tc)} technique spans, {len(gold_si)} SI spans; "
          f"{len(duplicates)} near-duplicates of train articles: "
          + ", ".join(f"{d} ~ {t} ({c:.2f})" for d, (t, c) in sorted(duplicates.items())))
    model = shipped_model()
    ids = sorted(dev)
    n_words = sum(len(re.findall(r"\w+", dev[i])) for i in ids)

    by_article = defaultdict(list)
    for span in gold_tc:
        by_article[span.article_id].append(span)
    tc_ids = [i for i in ids if by_article[i]]
    started = time.perf_counter()
    probabilities = classify_spans([dev[i] for i in tc_ids], [[(s.start, s.end) for s in by_article[i]] for i in tc_ids])
    tc_seconds = time.perf_counter() - started
    predicted_tc = []
    for article_id, rows in zip(tc_ids, probabilities):
        spans = [(s.start, s.end) for s in by_article[article_id]]
        predicted_tc += [(article_id, s, e, label) for (s, e), label in zip(spans, assign_labels(rows, spans, model.techniques))]
    gold_rows = [(s.article_id, s.start, s.end, s.technique) for s in gold_tc]

    started, started_cpu = time.perf_counter(), time.process_time()
    found = detect_techniques_many([dev[i] for i in ids])
    si_seconds, si_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    predicted_si = {i: [(s.start, s.end) for s in spans] for i, spans in zip(ids, found)}
    gold_si_by_article = defaultdict(list)
    for span in gold_si:
        gold_si_by_article[span.article_id].append((span.start, span.end))

    for label, keep in (("all dev", set(ids)), ("de-duplicated dev", set(ids) - set(duplicates))):
        micro, per_technique = technique_classification([r for r in predicted_tc if r[0] in keep], [r for r in gold_rows if r[0] in keep])
        si = span_identification({i: predicted_si[i] for i in keep}, {i: gold_si_by_article[i] for i in keep})
        n_found = sum(len(predicted_si[i]) for i in keep)
        print(f"\n== {label} ({len(keep)} articles)")
        print(f"TC micro-F1 {micro.f1:.3f} (gold spans)   macro-F1 {sum(s.f1 for s in per_technique.values()) / len(per_technique):.3f}")
        print(f"SI P {si.precision:.3f} R {si.recall:.3f} F1 {si.f1:.3f} ({n_found} spans found)")
        if label == "all dev":
            for technique, scores in per_technique.items():
                print(f"  {technique:40s} P {scores.precision:.3f} R {scores.recall:.3f} F1 {scores.f1:.3f}")

    print(f"\nspeed: span finding {n_words / si_seconds:,.0f} words/s ({si_seconds:.1f} s wall, {si_cpu:.1f} CPU-s for {n_words:,} words; "
          f"{si_cpu / n_words * 800:.2f} CPU-s per 800 words); "
          f"classification of {len(gold_tc)} given spans {tc_seconds:.1f} s")

    sentences = [line for i in ids for line in dev[i].split("\n") if len(line.split()) >= 4]
    result = impartiality(sentences)
    print(f"\nimpartiality: {result.n_identical} of {result.n_sentences} dev sentences naming a listed actor keep "
          f"identical techniques after the swap: {result.rate:.4f}")
    for sentence, swapped, before, after in result.changed[:10]:
        print(f"  changed: {before} -> {after}\n    {sentence[:120]!r}\n    {swapped[:120]!r}")


if __name__ == "__main__":
    main()
