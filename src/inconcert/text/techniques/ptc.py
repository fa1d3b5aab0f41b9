"""The PTC corpus layout (SemEval-2020 task 11): `article<ID>.txt` files and tab-separated span lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from inconcert.errors import UserError

ARTICLE_NAME = re.compile(r"article(\d+)\.txt")


@dataclass(frozen=True)
class LabelledSpan:
    article_id: str
    technique: str  # "?" in a template
    start: int
    end: int


def read_articles(folder: Path) -> dict[str, str]:
    """Article ID (the number only) to text, read as UTF-8 with newlines kept as in the file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"--articles {folder}: not a folder")
    articles = {}
    for path in sorted(folder.iterdir()):
        match = ARTICLE_NAME.fullmatch(path.name)
        if match and path.is_file():
            try:
                with open(path, encoding="utf-8", newline="") as handle:
                    articles[match.group(1)] = handle.read()
            except UnicodeDecodeError as error:
                raise UserError(f"--articles {path}: not UTF-8 text ({error.reason})") from None
    if not articles:
        raise UserError(f"--articles {folder}: no article<ID>.txt files in it")
    return articles


def read_span_lines(path: Path, flag: str = "--spans", with_technique: bool = True) -> list[LabelledSpan]:
    """Lines `ID<TAB>technique<TAB>start<TAB>end` (or `ID<TAB>start<TAB>end` without a technique)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{flag} {path}: no such file")
    spans = []
    expected = 4 if with_technique else 3
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\r\n").split("\t")
            if len(fields) != expected or not fields[-1].isdigit() or not fields[-2].isdigit():
                raise UserError(f"{flag} {path}: line {number} is not ID<TAB>technique<TAB>start<TAB>end")
            article = fields[0].removeprefix("article")
            technique = fields[1] if with_technique else ""
            spans.append(LabelledSpan(article, technique, int(fields[-2]), int(fields[-1])))
    return spans


def check_spans_fit(spans: list[LabelledSpan], articles: dict[str, str], flag: str, path: Path) -> None:
    for span in spans:
        text = articles.get(span.article_id)
        if text is None:
            raise UserError(f"{flag} {path}: article {span.article_id} is not in the --articles folder")
        if not 0 <= span.start < span.end <= len(text):
            raise UserError(f"{flag} {path}: span {span.start}-{span.end} lies outside article {span.article_id}")
