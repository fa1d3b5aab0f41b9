"""The shipped detector: a token tagger that finds spans and a span classifier that names the technique.

Both are small numpy networks over frozen MiniLM token vectors (weights in `model/techniques.npz`,
written by scripts/train_techniques.py); nothing here needs scikit-learn or PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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
    threshold: float
    classifier_weights: np.ndarray
    classifier_bias: np.ndarray
    classifier_mean: np.ndarray
    classifier_scale: np.ndarray
    lexicon_words: list[str]
    lexicon_techniques: np.ndarray
    lexicon_precision: np.ndarray

    def token_probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(token lies inside a persuasion-technique span)."""
        h = (features - self.tagger_mean) / self.tagger_scale
        for k, (weights, bias) in enumerate(self.tagger_layers):
            h = h @ weights.astype(np.float32) + bias
            if k < len(self.tagger_layers) - 1:
                h = np.maximum(h, 0)
        return _sigmoid(h[:, 0])

    def technique_probabilities(self, features: np.ndarray) -> np.ndarray:
        """Rows: spans; columns: `self.techniques`."""
        if len(features) == 0:
            return np.zeros((0, len(self.techniques)), np.float32)
        x = (features - self.classifier_mean) / self.classifier_scale
        return _softmax(x @ self.classifier_weights + self.classifier_bias)

    def save(self, path: Path) -> None:
        arrays = {
            "techniques": np.array(self.techniques),
            "threshold": np.array(self.threshold),
            "tagger_mean": self.tagger_mean, "tagger_scale": self.tagger_scale,
            "classifier_weights": self.classifier_weights, "classifier_bias": self.classifier_bias,
            "classifier_mean": self.classifier_mean, "classifier_scale": self.classifier_scale,
            "lexicon_words": np.array(self.lexicon_words), "lexicon_techniques": self.lexicon_techniques,
            "lexicon_precision": self.lexicon_precision,
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
                threshold=float(data["threshold"]),
                classifier_weights=data["classifier_weights"], classifier_bias=data["classifier_bias"],
                classifier_mean=data["classifier_mean"], classifier_scale=data["classifier_scale"],
                lexicon_words=[str(w) for w in data["lexicon_words"]],
                lexicon_techniques=data["lexicon_techniques"], lexicon_precision=data["lexicon_precision"],
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


def decode_spans(text: str, words: np.ndarray, lines: np.ndarray, word_probability: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """Runs of words above the threshold on one line, a single weaker word inside a run bridged; punctuation trimmed."""
    above = word_probability >= threshold
    bridge = np.zeros_like(above)
    bridge[1:-1] = ~above[1:-1] & above[:-2] & above[2:] & (word_probability[1:-1] >= threshold / 2)
    chosen = above | bridge
    spans = []
    k = 0
    while k < len(chosen):
        if not chosen[k]:
            k += 1
            continue
        j = k
        while j + 1 < len(chosen) and chosen[j + 1] and lines[j + 1] == lines[k]:
            j += 1
        start, end = int(words[k, 0]), int(words[j, 1])
        while start < end and text[start] in _TRAILING:
            start += 1
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        if end > start:
            spans.append((start, end, float(word_probability[k:j + 1].mean())))
        k = j + 1
    return spans
