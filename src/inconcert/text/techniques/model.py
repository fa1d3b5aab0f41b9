"""The shipped detector: a fine-tuned top of MiniLM that finds spans, and a span classifier that names the technique.

Spans: MiniLM's layers 5-6, fine-tuned on the PTC train spans, with a token head (`model/span_top.onnx`,
int8, run by onnxruntime on the frozen PyPI graph's states after layer 4). Techniques: logistic regressions
over the frozen final-layer vectors and the span's wording (`model/techniques.npz`). Both are written by
scripts/train_techniques.py; nothing here needs scikit-learn or PyTorch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from inconcert.errors import UserError

MODEL_FILE = Path(__file__).parent / "model" / "techniques.npz"
SPAN_MODEL_NAME = "span_top.onnx"  # next to the .npz it belongs to
_TRAILING = " \t\r\n,.;:!?\"'“”‘’()[]-—–"


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class TechniqueModel:
    techniques: list[str]
    span_top: bytes  # ONNX: (states after MiniLM layer 4, attention mask) -> P(token inside a technique span)
    threshold: float  # probability above which a word joins a span
    max_gap: int  # weaker words bridged inside a span
    min_words: int
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
    _sessions: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def text_index(self) -> dict[str, int]:
        return {term: k for k, term in enumerate(self.text_vocabulary)}

    @cached_property
    def lexicon(self) -> dict[str, tuple[int, float]]:
        """Cue word -> (technique index, share of its training uses inside spans of that technique)."""
        return dict(zip(self.lexicon_words, zip(self.lexicon_techniques.tolist(), self.lexicon_precision.tolist())))

    def span_probabilities(self, lower_states: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """P(token lies inside a persuasion-technique span), (batch, positions), from the states after layer 4.
        One session per process: a session is not carried into a forked worker."""
        session = self._sessions.get(os.getpid())
        if session is None:
            from inconcert.text.techniques.encoder import onnx_session

            session = self._sessions[os.getpid()] = onnx_session(self.span_top, spinning=False)
        return session.run(None, {"hidden": lower_states.astype(np.float32, copy=False), "attention_mask": attention_mask})[0]

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
        """`path` (.npz) and the span finder as SPAN_MODEL_NAME beside it."""
        arrays = {
            "techniques": np.array(self.techniques),
            "threshold": np.array(self.threshold), "max_gap": np.array(self.max_gap), "min_words": np.array(self.min_words),
            "classifier_weights": self.classifier_weights, "classifier_bias": self.classifier_bias,
            "classifier_mean": self.classifier_mean, "classifier_scale": self.classifier_scale,
            "lexicon_words": np.array(self.lexicon_words), "lexicon_techniques": self.lexicon_techniques,
            "lexicon_precision": self.lexicon_precision,
            "text_vocabulary": np.array(self.text_vocabulary), "text_idf": self.text_idf.astype(np.float32),
            "text_weights": self.text_weights.astype(np.float16), "text_bias": self.text_bias.astype(np.float32),
            "text_mix": np.array(self.text_mix),
        }
        tmp = Path(path).with_suffix(".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)
        span_path = Path(path).with_name(SPAN_MODEL_NAME)
        span_path.with_suffix(".tmp").write_bytes(self.span_top)
        span_path.with_suffix(".tmp").replace(span_path)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "TechniqueModel":
        span_path = Path(path).with_name(SPAN_MODEL_NAME)
        for required in (Path(path), span_path):
            if not required.exists():
                raise UserError(f"{required}: the techniques model is missing; reinstall inconcert or run scripts/train_techniques.py")
        with np.load(path) as data:
            return cls(
                techniques=[str(t) for t in data["techniques"]],
                span_top=span_path.read_bytes(),
                threshold=float(data["threshold"]), max_gap=int(data["max_gap"]), min_words=int(data["min_words"]),
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


def mean_inside(words: np.ndarray, word_probability: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Per span: the mean P(inside a technique span) of its words (0 for a span with no whole word)."""
    scores = []
    for start, end in spans:
        inside = word_probability[(words[:, 0] >= start) & (words[:, 1] <= end)] if len(words) else np.zeros(0)
        scores.append(float(inside.mean()) if len(inside) else 0.0)
    return np.asarray(scores, dtype=np.float32)
