"""`articles`: news articles from plain-text files, HTML pages and JSON lines.

One article is one record. What later analyses need most is that `articles.text` is
exactly the text they will quote character offsets into, so nothing is cleaned:

- `.txt`: the file's bytes decoded as UTF-8, newlines as written (CRLF stays CRLF), only a
  leading byte-order mark removed. A file that is not UTF-8 is quarantined rather than
  decoded with guesses, since a guessed character would shift every offset after it.
  `doc_id` is the file name (the PTC corpus's `article<ID>.txt`); the title is the first
  non-empty line, as in PTC, where the headline is the first line.
- `.html`/`.htm`: the main text extracted by trafilatura (navigation, ads, footers and
  reader comments left out); offsets point into that extracted text. Title, canonical
  URL, site name and publication time come from the page's metadata.
- `.jsonl`/`.ndjson`/`.json` (JSON lines or a JSON array): one object per article with
  `id` and `text` or `html`; `url`, `outlet`, `published`, `title`, `lang` optional.
  Values given in the record win over what an `html` page says about itself.

The outlet falls back to the URL's host without `www.`. A compressed file (`.txt.gz`)
keeps the name it has inside the compression as its `doc_id`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields as dataclass_fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement

from inconcert.errors import UnusableFile
from inconcert.ingest import fields
from inconcert.ingest.fields import BadRecord
from inconcert.ingest.sources import DECOMPRESSION_ERRORS, ByteCounter, data_suffix, json_records, open_binary
from inconcert.ingest.staging import Staging
from inconcert.store.schema import Article

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
ACCEPTED = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSON_SUFFIXES)
TITLE_CHARS = 300
_BOM = "\ufeff"
_PUBLISHED_META = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished']/@content"
)


@dataclass(frozen=True)
class About:
    """What is known about an article besides its text; any field may be unknown."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: dt.datetime | None = None
    lang: str | None = None

    def filled_from(self, other: About) -> About:
        """These values, with the gaps filled from `other`."""
        gaps = [f.name for f in dataclass_fields(self) if getattr(self, f.name) is None]
        return replace(self, **{name: getattr(other, name) for name in gaps})


def read(path: Path, staging: Staging, on_bytes: ByteCounter | None = None) -> None:
    suffix = data_suffix(path)
    if suffix in JSON_SUFFIXES:
        staging.each(json_records(path, on_bytes), json_article)
        return
    parse: Callable[[str, bytes], Article]
    if suffix in TEXT_SUFFIXES:
        parse = text_file_article
    elif suffix in HTML_SUFFIXES:
        parse = html_file_article
    else:
        raise UnusableFile(
            f"{path}: not an article file (articles are read from {', '.join(ACCEPTED)} files, "
            "optionally compressed as .gz, .bz2, .xz or .zst)."
        )
    doc_id = stored_name(path)
    staging.each([(1, whole_file(path, on_bytes))], lambda raw: [parse(doc_id, raw)])


def stored_name(path: Path) -> str:
    """The file name with its extension; a compression suffix is transport, not identity,
    so `article1.txt.gz` is the article `article1.txt`."""
    return path.stem if path.suffix.lower() != data_suffix(path) else path.name


def whole_file(path: Path, on_bytes: ByteCounter | None) -> bytes:
    """One file is one article, so it is read whole (decompressed when needed); a broken
    or cut-off compressed file cannot give the article as written."""
    try:
        with open_binary(path, on_bytes) as stream:
            return stream.read()
    except DECOMPRESSION_ERRORS as error:
        raise UnusableFile(f"{path}: cannot be read ({error or type(error).__name__}).") from None


# -- .txt ------------------------------------------------------------------------------


def text_file_article(doc_id: str, raw: bytes) -> Article:
    text = exact_text(raw)
    return Article(doc_id=doc_id, text=text, title=first_line(text))


def exact_text(raw: bytes) -> str:
    """The bytes as UTF-8, untouched but for a leading BOM (which no offset counts)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRecord(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "re-encode the file as UTF-8 so that character offsets stay true"
        ) from None
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise BadRecord("the file holds no text")
    return text


def first_line(text: str) -> str | None:
    """The first non-empty line, as a title (PTC and most text dumps start with the headline)."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return line[:TITLE_CHARS].rstrip() if line else None


# -- .html -----------------------------------------------------------------------------


def html_file_article(doc_id: str, raw: bytes) -> Article:
    text, about = extracted_page(raw)
    return article(doc_id, text, about)


def extracted_page(html: bytes | str) -> tuple[str, About]:
    """The page's main text and what its metadata says about it.

    Bytes are decoded by trafilatura, which honours the page's declared charset.
    """
    tree = trafilatura.load_html(html)
    if tree is None:
        raise BadRecord("not an HTML page")
    page = as_mapping(trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False))
    text = page.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("no article text found in the HTML page")
    about = About(
        title=fields.optional(fields.text, page.get("title")),
        url=fields.optional(fields.text, page.get("url")),
        outlet=fields.optional(fields.text, page.get("sitename")),
        published=published_in_meta(tree) or fields.optional(fields.any_time, page.get("date")),
        lang=stripped(fields.optional(fields.text, tree.get("lang"))),
    )
    return text, about


def as_mapping(extraction: object) -> Mapping:
    """trafilatura 2 returns a Document, 1.x a dict; nothing at all when it finds no text."""
    if extraction is None:
        return {}
    if isinstance(extraction, Mapping):
        return extraction
    return extraction.as_dict()  # type: ignore[attr-defined]


def published_in_meta(tree: HtmlElement) -> dt.datetime | None:
    """`article:published_time` with its time of day and offset; trafilatura's own date
    (htmldate) keeps only the day."""
    for value in tree.xpath(_PUBLISHED_META):
        moment = fields.optional(fields.any_time, str(value))
        if moment is not None:
            return moment
    return None


# -- JSON lines ------------------------------------------------------------------------


def json_article(payload: object) -> list[Article]:
    if not isinstance(payload, dict):
        raise BadRecord(f"expected a JSON object, found {type(payload).__name__}")
    doc_id = fields.required_text(payload, "id")
    given = About(
        title=stripped(fields.optional(fields.text, payload.get("title"))),
        url=stripped(fields.optional(fields.text, payload.get("url"))),
        outlet=stripped(fields.optional(fields.text, payload.get("outlet"))),
        published=fields.optional(fields.any_time, payload.get("published")),
        lang=stripped(fields.optional(fields.text, payload.get("lang"))),
    )
    text, html = payload.get("text"), payload.get("html")
    if isinstance(text, str) and text.strip():
        return [article(doc_id, text, given)]
    if isinstance(html, str) and html.strip():
        page_text, page_about = extracted_page(html)
        return [article(doc_id, page_text, given.filled_from(page_about))]
    raise BadRecord("missing 'text' or 'html'")


# -- shared ----------------------------------------------------------------------------


def article(doc_id: str, text: str, about: About) -> Article:
    return Article(
        doc_id=doc_id,
        text=text,
        title=about.title,
        url=about.url,
        outlet=about.outlet or host_of(about.url),
        published=about.published,
        lang=about.lang,
    )


def host_of(url: str | None) -> str | None:
    """The outlet a URL names when nothing else does: its host, without `www.`."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def stripped(value: str | None) -> str | None:
    return value.strip() if value else None
