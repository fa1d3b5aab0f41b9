"""The shipped detector: a token tagger that finds spans and a span classifier that names the technique.

Both are small numpy networks over frozen MiniLM token vectors (weights in `model/techniques.npz`,
written by scripts/train_techniques.py); nothing here needs scikit-learn or PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from inconcert.errors import UserError

MODEL_FILE = Path(__file__).parent / "model" / "techniques.npz"
_TRAILING = " \t\r\n,.;:!?\"'“”‘’()[]-—–"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class TechniqueModel:
    techniques: list[str]
    tagger_layers: list[tuple[np.ndarray, np.ndarray]]
    tagger_mean: np.ndarray
    tagger_scale: np.ndarray
    threshold: float  # tagger probability above which a word joins a candidate span
    max_gap: int  # weaker words bridged inside a candidate
    min_words: int
    filter_weights: np.ndarray  # logistic regression: does a candidate overlap a real span?
    filter_bias: float
    filter_mean: np.ndarray
    filter_scale: np.ndarray
    filter_threshold: float
    classifier_weights: np.ndarray
    classifier_bias: np.ndarray
    classifier_mean: np.ndarray
    classifier_scale: np.ndarray
    lexicon_words: list[str]
    lexicon_techniques: np.ndarray
    lexicon_precision: np.ndarray
    # A second classifier over the span's own wording (tf-idf of words, word pairs and letter pieces), whose
    # log-probabilities are mixed in with weight `text_mix`: it errs on different spans than the pooled vectors.
    text_vocabulary: list[str] = field(default_factory=list)
    text_idf: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    text_weights: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    text_bias: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    text_mix: float = 0.0

    @cached_property
    def text_index(self) -> dict[str, int]:
        return {term: k for k, term in enumerate(self.text_vocabulary)}

    @cached_property
    def lexicon(self) -> dict[str, tuple[int, float]]:
        """Cue word -> (technique index, share of its training uses inside spans of that technique)."""
        return dict(zip(self.lexicon_words, zip(self.lexicon_techniques.tolist(), self.lexicon_precision.tolist())))

    def token_probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(token lies inside a persuasion-technique span)."""
        h = (features - self.tagger_mean) / self.tagger_scale
        for k, (weights, bias) in enumerate(self.tagger_layers):
            h = h @ weights.astype(np.float32) + bias
            if k < len(self.tagger_layers) - 1:
                h = np.maximum(h, 0)
        return _sigmoid(h[:, 0])

    def candidate_probabilities(self, span_features: np.ndarray, tagger_summary: np.ndarray) -> np.ndarray:
        """P(candidate span overlaps a technique span) from its pooled vectors and the tagger's scores on it."""
        if len(span_features) == 0:
            return np.zeros(0, np.float32)
        x = (np.hstack([span_features, tagger_summary]) - self.filter_mean) / self.filter_scale
        return _sigmoid(x @ self.filter_weights + self.filter_bias)

    def technique_probabilities(self, features: np.ndarray, fragments: list[str] | None = None) -> np.ndarray:
        """Rows: spans; columns: `self.techniques`. `fragments`: each span's masked text, for the wording classifier."""
        if len(features) == 0:
            return np.zeros((0, len(self.techniques)), np.float32)
        x = (features - self.classifier_mean) / self.classifier_scale
        probabilities = _softmax(x @ self.classifier_weights + self.classifier_bias)
        if not self.text_mix or fragments is None:
            return probabilities
        from inconcert.text.techniques.features import span_text_rows

        weights = self.text_weights.astype(np.float32)
        logits = np.vstack([values @ weights[indices] for indices, values in span_text_rows(fragments, self.text_index, self.text_idf)])
        text_probabilities = _softmax(logits + self.text_bias)
        mixed = (1 - self.text_mix) * np.log(probabilities + 1e-9) + self.text_mix * np.log(text_probabilities + 1e-9)
        return _softmax(mixed)

    def save(self, path: Path) -> None:
        arrays = {
            "techniques": np.array(self.techniques),
            "threshold": np.array(self.threshold), "max_gap": np.array(self.max_gap), "min_words": np.array(self.min_words),
            "filter_weights": self.filter_weights, "filter_bias": np.array(self.filter_bias),
            "filter_mean": self.filter_mean, "filter_scale": self.filter_scale,
            "filter_threshold": np.array(self.filter_threshold),
            "tagger_mean": self.tagger_mean, "tagger_scale": self.tagger_scale,
            "classifier_weights": self.classifier_weights, "classifier_bias": self.classifier_bias,
            "classifier_mean": self.classifier_mean, "classifier_scale": self.classifier_scale,
            "lexicon_words": np.array(self.lexicon_words), "lexicon_techniques": self.lexicon_techniques,
            "lexicon_precision": self.lexicon_precision,
            "text_vocabulary": np.array(self.text_vocabulary), "text_idf": self.text_idf.astype(np.float32),
            "text_weights": self.text_weights.astype(np.float16), "text_bias": self.text_bias.astype(np.float32),
            "text_mix": np.array(self.text_mix),
        }
        for k, (weights, bias) in enumerate(self.tagger_layers):
            arrays[f"tagger_w{k}"] = weights.astype(np.float16)
            arrays[f"tagger_b{k}"] = bias.astype(np.float32)
        tmp = Path(path).with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "TechniqueModel":
        if not Path(path).exists():
            raise UserError(f"{path}: the techniques model is missing; reinstall inconcert or run scripts/train_techniques.py")
        with np.load(path) as data:
            layers = []
            while f"tagger_w{len(layers)}" in data:
                k = len(layers)
                layers.append((data[f"tagger_w{k}"], data[f"tagger_b{k}"]))
            return cls(
                techniques=[str(t) for t in data["techniques"]],
                tagger_layers=layers,
                tagger_mean=data["tagger_mean"], tagger_scale=data["tagger_scale"],
                threshold=float(data["threshold"]), max_gap=int(data["max_gap"]), min_words=int(data["min_words"]),
                filter_weights=data["filter_weights"], filter_bias=float(data["filter_bias"]),
                filter_mean=data["filter_mean"], filter_scale=data["filter_scale"],
                filter_threshold=float(data["filter_threshold"]),
                classifier_weights=data["classifier_weights"], classifier_bias=data["classifier_bias"],
                classifier_mean=data["classifier_mean"], classifier_scale=data["classifier_scale"],
                lexicon_words=[str(w) for w in data["lexicon_words"]],
                lexicon_techniques=data["lexicon_techniques"], lexicon_precision=data["lexicon_precision"],
                text_vocabulary=[str(t) for t in data["text_vocabulary"]] if "text_vocabulary" in data else [],
                text_idf=data["text_idf"] if "text_idf" in data else np.zeros(0, np.float32),
                text_weights=data["text_weights"] if "text_weights" in data else np.zeros((0, 0), np.float32),
                text_bias=data["text_bias"] if "text_bias" in data else np.zeros(0, np.float32),
                text_mix=float(data["text_mix"]) if "text_mix" in data else 0.0,
            )


@lru_cache(maxsize=1)
def shipped_model() -> TechniqueModel:
    return TechniqueModel.load(MODEL_FILE)


def word_runs(text: str, offsets: np.ndarray, segment: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word pieces joined into words (pieces that touch): (start, end) per word, its line, and its mean probability."""
    if len(offsets) == 0:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int32), np.zeros(0)
    new_word = np.ones(len(offsets), dtype=bool)
    new_word[1:] = (offsets[1:, 0] != offsets[:-1, 1]) | (segment[1:] != segment[:-1])
    word_id = np.cumsum(new_word) - 1
    n = word_id[-1] + 1
    starts = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(starts, word_id, offsets[:, 0])
    ends = np.zeros(n, dtype=np.int64)
    np.maximum.at(ends, word_id, offsets[:, 1])
    sums = np.bincount(word_id, weights=probabilities, minlength=n)
    counts = np.bincount(word_id, minlength=n)
    lines = np.zeros(n, dtype=np.int32)
    lines[word_id] = segment
    return np.stack([starts, ends], axis=1), lines, sums / counts


def decode_spans(text: str, words: np.ndarray, lines: np.ndarray, word_probability: np.ndarray, threshold: float,
                 max_gap: int = 1, min_words: int = 1) -> list[tuple[int, int]]:
    """Candidate spans: runs of words above the threshold on one line, up to `max_gap` weaker words bridged,
    at least `min_words` long, trimmed of punctuation."""
    above = word_probability >= threshold
    spans = []
    n = len(above)
    k = 0
    while k < n:
        if not above[k]:
            k += 1
            continue
        j = k
        while True:
            following = j + 1
            while following < n and following - j - 1 < max_gap and not above[following] and lines[following] == lines[k]:
                following += 1
            if following < n and above[following] and lines[following] == lines[k]:
                j = following
            else:
                break
        start, end = int(words[k, 0]), int(words[j, 1])
        while start < end and text[start] in _TRAILING:
            start += 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if end > start and j - k + 1 >= min_words:
            spans.append((start, end))
        k = j + 1
    return spans


def tagger_summary(words: np.ndarray, word_probability: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Per span: the tagger's mean and highest word probability inside it, and log(1 + words)."""
    rows = []
    for start, end in spans:
        inside = word_probability[(words[:, 0] >= start) & (words[:, 1] <= end)] if len(words) else np.zeros(0)
        if len(inside) == 0:
            inside = np.zeros(1)
        rows.append([inside.mean(), inside.max(), np.log1p(len(inside))])
    return np.asarray(rows, dtype=np.float32).reshape(-1, 3)
