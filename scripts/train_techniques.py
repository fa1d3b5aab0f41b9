"""Train the persuasion-technique detector shipped in src/inconcert/text/techniques/model/.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python scripts/train_techniques.py --ptc ../shared/data/ptc/ptc_v2_semeval2020_task11

Uses the PTC v2 train split only (dev is for benchmarks/techniques_eval.py). Steps: mine the
list of words usually written in lower case (the name masker's vocabulary), encode every train
article with the frozen MiniLM, fit a token tagger (one hidden layer) for span identification on
80% of the articles and choose its threshold on the other 20% with the official partial-overlap
F1, fit a span classifier (multinomial logistic regression) for the technique on the pooled vectors
and a second one on the span's wording (tf-idf), choose how much the second counts on the held-out
articles, mine a small cue lexicon, and write model/techniques.npz. About 20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import pickle
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from inconcert.text.techniques import masking, ptc  # noqa: E402
from inconcert.text.techniques.encoder import encode_texts  # noqa: E402
from inconcert.text.techniques.detect import masked_fragments  # noqa: E402
from inconcert.text.techniques.features import (  # noqa: E402
    HANDCRAFTED_WEIGHT, SPAN_HANDCRAFTED, span_features, span_text_rows, span_text_terms, token_features)
from inconcert.text.techniques.model import MODEL_FILE, TechniqueModel, decode_spans, tagger_summary, word_runs  # noqa: E402
from inconcert.text.techniques.scoring import merge_overlapping, span_identification  # noqa: E402

SEED = 13
_WORDS = re.compile(r"[A-Za-z][a-z\-]*")
STOPWORDS = set("the a an and or of to in on for with at by from as is are was were be been it its this that these those he she they we you i his her their our your not but if so than then there here who whom which what when where why how all any some no nor only own same such too very can will just should now also into over under again about after before".split())


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def mine_common_words(texts: list[str]) -> list[str]:
    """Words seen at least twice in lower case and mostly in lower case: everything else capitalised is a name."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for text in texts:
        for word in _WORDS.findall(text):
            counts[word.lower()][0 if word[0].islower() else 1] += 1
    return sorted(w for w, (lower, upper) in counts.items() if lower >= 2 and lower / (lower + upper) >= 0.5)


def encode_cached(ids: list[str], texts: list[str], cache: Path | None, tag: str):
    if cache is None:
        return encode_texts(texts)
    key = hashlib.sha256(masking.COMMON_WORDS_FILE.read_bytes() + Path(masking.__file__).read_bytes()
                         + "\0".join(texts).encode()).hexdigest()[:16]
    path = cache / f"{tag}-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    encoded = encode_texts(texts)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(encoded, protocol=5))
    return encoded


def token_labels(encoded, gold_spans: list[tuple[int, int]]) -> np.ndarray:
    inside = np.zeros(len(encoded.offsets), dtype=np.int8)
    middles = encoded.offsets.mean(axis=1)
    for start, end in merge_overlapping(gold_spans):
        inside[(middles >= start) & (middles < end)] = 1
    return inside


def fit_tagger(x: np.ndarray, y: np.ndarray):
    from sklearn.neural_network import MLPClassifier

    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    tagger = MLPClassifier(hidden_layer_sizes=(256,), alpha=1e-3, batch_size=512, learning_rate_init=1e-3,
                           max_iter=8, early_stopping=True, n_iter_no_change=2, random_state=SEED)
    tagger.fit((x - mean) / scale, y)
    layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in zip(tagger.coefs_, tagger.intercepts_)]
    return layers, mean.astype(np.float32), scale.astype(np.float32)


def overlaps_gold(spans: list[tuple[int, int]], gold: list[tuple[int, int]]) -> np.ndarray:
    """1 where at least half of a candidate's characters lie inside gold spans."""
    merged = merge_overlapping(gold)
    return np.array([sum(max(0, min(e, b) - max(s, a)) for a, b in merged) / (e - s) >= 0.5 for s, e in spans], dtype=np.int8)


def choose_span_decoding(model: TechniqueModel, ids, texts, encoded, held_out: set[str], gold_si) -> None:
    """Candidate decoding chosen, then a candidate filter fitted on the tagger's own articles and its threshold
    chosen, both by the official SI F1 on the held-out articles."""
    from sklearn.linear_model import LogisticRegression

    word_scores = {i: word_runs(texts[i], enc.offsets, enc.segment, model.token_probabilities(token_features(enc)))
                   for i, enc in zip(ids, encoded)}
    held = [i for i in ids if i in held_out]
    best = (-1.0, 0.5, 1, 1)
    for threshold in (0.1, 0.15, 0.2, 0.3, 0.4):
        for max_gap in (1, 2, 4):
            for min_words in (1, 2):
                found = {i: decode_spans(texts[i], *word_scores[i], threshold, max_gap, min_words) for i in held}
                scores = span_identification(found, {i: gold_si[i] for i in held})
                best = max(best, (scores.f1, threshold, max_gap, min_words))
    model.threshold, model.max_gap, model.min_words = best[1:]
    log(f"candidates: threshold {model.threshold}, gap {model.max_gap}, min words {model.min_words} (held-out train SI F1 {best[0]:.3f})")

    def candidate_rows(article_ids):
        rows, labels, spans = [], [], {}
        for i in article_ids:
            k = ids.index(i)
            spans[i] = decode_spans(texts[i], *word_scores[i], model.threshold, model.max_gap, model.min_words)
            if spans[i]:
                rows.append(np.hstack([span_features(texts[i], encoded[k], spans[i]),
                                       tagger_summary(word_scores[i][0], word_scores[i][2], spans[i])]))
                labels.append(overlaps_gold(spans[i], gold_si[i]))
        return np.vstack(rows), np.concatenate(labels), spans

    x, y, _ = candidate_rows([i for i in ids if i not in held_out])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    candidate_filter = LogisticRegression(C=0.001, max_iter=2000, random_state=SEED).fit((x - mean) / scale, y)
    model.filter_weights = candidate_filter.coef_[0].astype(np.float32)
    model.filter_bias = float(candidate_filter.intercept_[0])
    model.filter_mean, model.filter_scale = mean.astype(np.float32), scale.astype(np.float32)
    x_held, _, spans_held = candidate_rows(held)
    keep = model.candidate_probabilities(x_held[:, :-3], x_held[:, -3:])
    best_filter = (-1.0, 0.0)
    for filter_threshold in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6):
        kept, cursor = {}, 0
        for i in held:
            kept[i] = [span for span, p in zip(spans_held[i], keep[cursor:cursor + len(spans_held[i])]) if p >= filter_threshold]
            cursor += len(spans_held[i])
        scores = span_identification(kept, {i: gold_si[i] for i in held})
        log(f"  filter {filter_threshold}: SI P {scores.precision:.3f} R {scores.recall:.3f} F1 {scores.f1:.3f}")
        best_filter = max(best_filter, (scores.f1, filter_threshold))
    model.filter_threshold = best_filter[1]
    log(f"candidate filter threshold {model.filter_threshold} (held-out train SI F1 {best_filter[0]:.3f})")


def fit_classifier(x: np.ndarray, y: np.ndarray, c: float):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    scale[-SPAN_HANDCRAFTED:] /= HANDCRAFTED_WEIGHT
    classifier = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    classifier.fit((x - mean) / scale, y)
    return classifier, mean.astype(np.float32), scale.astype(np.float32)


def fit_text_classifier(fragments: list[str], y: np.ndarray):
    """Multinomial logistic regression on the tf-idf of the span's wording (terms seen in two spans or more)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=span_text_terms, sublinear_tf=True, min_df=2)
    x = vectorizer.fit_transform(fragments)
    classifier = LogisticRegression(C=10.0, max_iter=3000, random_state=SEED).fit(x, y)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    idf = vectorizer.idf_.astype(np.float32)
    # the numpy re-implementation used at run time must give sklearn's rows
    rows = span_text_rows(fragments[:50], vectorizer.vocabulary_, idf)
    for (indices, values), expected in zip(rows, x[:50]):
        dense = np.zeros(len(vocabulary), np.float32)
        dense[indices] = values
        assert np.allclose(dense, expected.toarray()[0], atol=1e-5)
    return vocabulary, idf, classifier.coef_.T.astype(np.float32), classifier.intercept_.astype(np.float32)


def mine_lexicon(texts: dict[str, str], spans: list[ptc.LabelledSpan], techniques: list[str], common: set[str]):
    """Words whose occurrences in the train articles fall mostly inside spans of one technique: cues, not evidence."""
    total: collections.Counter = collections.Counter()
    inside: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    by_article = collections.defaultdict(list)
    for span in spans:
        by_article[span.article_id].append(span)
    for article_id, text in texts.items():
        for match in _WORDS.finditer(text):
            word = match.group().lower()
            if word in STOPWORDS or len(word) < 3 or word not in common:
                continue
            total[word] += 1
            for technique in {s.technique for s in by_article[article_id] if s.start <= match.start() < s.end}:
                inside[word][technique] += 1
    words, labels, precision = [], [], []
    for word, per_technique in inside.items():
        technique, hits = per_technique.most_common(1)[0]
        if hits >= 3 and hits / total[word] >= 0.4:
            words.append(word)
            labels.append(techniques.index(technique))
            precision.append(hits / total[word])
    return words, np.array(labels, dtype=np.int16), np.array(precision, dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ptc", type=Path, required=True, help="the ptc_v2_semeval2020_task11 folder")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep encoded articles between runs")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)

    articles = ptc.read_articles(args.ptc / "train-articles")
    technique_spans = ptc.read_span_lines(args.ptc / "train-task-flc-tc.labels", "--ptc")
    si_spans = ptc.read_span_lines(args.ptc / "train-task-si.labels", "--ptc", with_technique=False)
    ids = sorted(articles)
    texts = {i: articles[i] for i in ids}

    common = mine_common_words(list(texts.values()))
    masking.COMMON_WORDS_FILE.parent.mkdir(parents=True, exist_ok=True)
    masking.COMMON_WORDS_FILE.write_text("\n".join(common) + "\n", encoding="utf-8")
    masking.common_words.cache_clear()
    log(f"{len(common)} common words; encoding {len(ids)} articles")
    encoded = encode_cached(ids, list(texts.values()), args.cache, "train")
    log(f"encoded {sum(len(e.offsets) for e in encoded)} tokens")

    held_out = set(rng.choice(ids, size=len(ids) // 5, replace=False).tolist())
    gold_si = collections.defaultdict(list)
    for span in si_spans:
        gold_si[span.article_id].append((span.start, span.end))
    fit_rows = [k for k, i in enumerate(ids) if i not in held_out]
    x = np.vstack([token_features(encoded[k]) for k in fit_rows])
    y = np.concatenate([token_labels(encoded[k], gold_si[ids[k]]) for k in fit_rows])
    log(f"tagger: {len(y)} tokens, {y.mean():.3f} inside spans")
    tagger_cache = args.cache / f"tagger-{hashlib.sha256(x[::97].tobytes() + y.tobytes()).hexdigest()[:16]}.npz" if args.cache else None
    if tagger_cache and tagger_cache.exists():
        with np.load(tagger_cache) as saved:
            layers = [(saved["w0"], saved["b0"]), (saved["w1"], saved["b1"])]
            tagger_mean, tagger_scale = saved["mean"], saved["scale"]
    else:
        layers, tagger_mean, tagger_scale = fit_tagger(x, y)
        if tagger_cache:
            np.savez(tagger_cache, w0=layers[0][0], b0=layers[0][1], w1=layers[1][0], b1=layers[1][1], mean=tagger_mean, scale=tagger_scale)
    del x, y
    log("tagger fitted")

    techniques = sorted({s.technique for s in technique_spans})
    model = TechniqueModel(techniques, layers, tagger_mean, tagger_scale, 0.5, 1, 1,
                           np.zeros(1), 0.0, np.zeros(1), np.ones(1), 0.0,
                           np.zeros((1, 1)), np.zeros(1), np.zeros(1), np.ones(1), [], np.zeros(0), np.zeros(0))
    choose_span_decoding(model, ids, texts, encoded, held_out, gold_si)
    features, labels, in_held_out, fragments = [], [], [], []
    by_article = collections.defaultdict(list)
    for span in technique_spans:
        by_article[span.article_id].append(span)
    for k, article_id in enumerate(ids):
        spans = by_article[article_id]
        if spans:
            features.append(span_features(texts[article_id], encoded[k], [(s.start, s.end) for s in spans]))
            labels.extend(techniques.index(s.technique) for s in spans)
            in_held_out.extend([article_id in held_out] * len(spans))
            fragments.extend(masked_fragments(texts[article_id], [(s.start, s.end) for s in spans]))
    x, y, in_held_out = np.vstack(features), np.array(labels), np.array(in_held_out)
    fragments_fit = [f for f, h in zip(fragments, in_held_out) if not h]
    fragments_held = [f for f, h in zip(fragments, in_held_out) if h]
    model.text_vocabulary, model.text_idf, model.text_weights, model.text_bias = fit_text_classifier(fragments_fit, y[~in_held_out])
    best = (0.0, 0.003, 0.0)
    for c in (0.001, 0.003):
        classifier, mean, scale = fit_classifier(x[~in_held_out], y[~in_held_out], c)
        model.classifier_weights, model.classifier_bias = classifier.coef_.T.astype(np.float32), classifier.intercept_.astype(np.float32)
        model.classifier_mean, model.classifier_scale = mean, scale
        for mix in (0.0, 0.2, 0.3, 0.4, 0.5, 1.0):
            model.text_mix = mix
            accuracy = float((model.technique_probabilities(x[in_held_out], fragments_held).argmax(axis=1) == y[in_held_out]).mean())
            log(f"  classifier C={c}, wording weight {mix}: held-out train accuracy {accuracy:.3f}")
            best = max(best, (accuracy, c, mix))
    _, best_c, model.text_mix = best
    classifier, mean, scale = fit_classifier(x, y, best_c)
    model.classifier_weights = classifier.coef_.T.astype(np.float32)
    model.classifier_bias = classifier.intercept_.astype(np.float32)
    model.classifier_mean, model.classifier_scale = mean, scale
    model.text_vocabulary, model.text_idf, model.text_weights, model.text_bias = fit_text_classifier(fragments, y)
    log(f"classifier fitted on {len(y)} spans with C={best_c}; wording classifier ({len(model.text_vocabulary)} terms) weight {model.text_mix}")

    model.lexicon_words, model.lexicon_techniques, model.lexicon_precision = mine_lexicon(texts, technique_spans, techniques, set(common))
    model.save(args.out)
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB); {len(model.lexicon_words)} cue words")


if __name__ == "__main__":
    main()
