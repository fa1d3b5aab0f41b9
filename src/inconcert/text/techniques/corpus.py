"""`inconcert techniques`: a folder of article<ID>.txt files in, SemEval-2020 task 11 lines out."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from inconcert.errors import UserError
from inconcert.text.techniques import ptc
from inconcert.text.techniques.detect import assign_labels, classify_spans, detect_techniques_many
from inconcert.text.techniques.model import shipped_model


@dataclass
class CorpusRun:
    n_articles: int
    n_lines: int
    mode: str  # "spans" (found here) or "template" (labels for given spans)


def _write_atomically(out: Path, lines: list[str]) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"--out {out}: the folder {folder} does not exist")
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder; give a file name")
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.writelines(lines)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def predict_spans(articles: dict[str, str]) -> list[str]:
    ids = sorted(articles, key=lambda i: (len(i), i))
    found = detect_techniques_many([articles[i] for i in ids])
    return [f"{i}\t{s.technique}\t{s.start}\t{s.end}\n" for i, spans in zip(ids, found) for s in spans]


def label_template(articles: dict[str, str], template: list[ptc.LabelledSpan]) -> list[str]:
    """The template's lines in its order, each `?` replaced by the predicted technique."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for row, span in enumerate(template):
        by_article[span.article_id].append(row)
    ids = list(by_article)
    model = shipped_model()
    probabilities = classify_spans([articles[i] for i in ids],
                                   [[(template[r].start, template[r].end) for r in by_article[i]] for i in ids], model)
    labels: list[str] = [""] * len(template)
    for article_id, rows in zip(ids, probabilities):
        spans = [(template[r].start, template[r].end) for r in by_article[article_id]]
        for r, label in zip(by_article[article_id], assign_labels(rows, spans, model.techniques)):
            labels[r] = label
    return [f"{s.article_id}\t{label}\t{s.start}\t{s.end}\n" for s, label in zip(template, labels)]


def run_techniques(articles_dir: Path, out: Path, spans_template: Path | None = None) -> CorpusRun:
    articles = ptc.read_articles(articles_dir)
    if spans_template is None:
        lines = predict_spans(articles)
        mode = "spans"
    else:
        template = ptc.read_span_lines(spans_template, "--spans")
        ptc.check_spans_fit(template, articles, "--spans", spans_template)
        lines = label_template(articles, template)
        mode = "template"
    _write_atomically(Path(out), lines)
    return CorpusRun(len(articles), len(lines), mode)
