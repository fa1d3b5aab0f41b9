"""`mastodon`: Mastodon API Status entities, as saved API responses.

A file is either JSON arrays (one API response such as `/api/v1/timelines/public` per
array; several arrays one after another, one per line, are read too), streamed one
status at a time, or JSON lines with one status, or one array of statuses, per line.
Every status is a record; a reblog's original (`reblog`) and a quoted status
(`quote.quoted_status`, Mastodon 4.4+) are stored as embedded copies, not counted.

Quirks this reader deals with:
- Status and account `id`s are local to the server that answered the API call, so the
  same status has other ids elsewhere: posts are keyed on `uri`, accounts on their `uri`
  (Mastodon 4.2+) or else `url`.
- A reply names its parent only by that server-local `in_reply_to_id`, so
  `reply_to_post_id` is `"{host of the status url}/{in_reply_to_id}"`. For a status from
  another server the id is still the answering server's while the host is the origin's,
  so co-replies line up only among statuses read through the same server.
- `content` and the account `note` are HTML: they are turned into text with line breaks
  kept for `<br>` and paragraphs. Links are the content's `<a href>` except mention and
  hashtag links, plus the preview `card.url`.
- Images are identified by their `blurhash`, a small perceptual hash of the picture,
  since attachment ids and URLs differ from server to server.
- The account `bot` flag has no column and is not kept.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import ijson
import lxml.html
import msgspec
from ijson.common import ObjectBuilder
from lxml import etree

from inconcert.ingest.fields import BadRecord, integer, iso_time, required_text, text
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import DECOMPRESSION_ERRORS, Malformed, Record, excerpt, open_binary
from inconcert.ingest.staging import Embedded, Row, Staging
from inconcert.store.schema import Account, Post

PLATFORM = "mastodon"
_JSON = msgspec.json.Decoder()
# Mastodon marks the links it writes for @mentions and #hashtags with these classes.
_NOT_SHARED_LINKS = {"mention", "hashtag"}
# lxml.html's parser, called directly: its elements have `text_content`, without the
# fragment helpers' extra passes (half the time per status).
_HTML = lxml.html.HTMLParser()
_BOM = b"\xef\xbb\xbf"
_OPENERS = ("start_map", "start_array")
_CLOSERS = ("end_map", "end_array")
# Real records nest a few levels; hostile input nests thousands, and ijson's cost per
# event grows with the depth.
_MAX_DEPTH = 512
# ijson turns a whole chunk into events before handing any over; small chunks let the
# depth check stop hostile nesting early, and parse no slower.
_CHUNK = 4096


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(_statuses(path, on_bytes), _rows)


# -- records ------------------------------------------------------------------------------


def _statuses(path: Path, on_bytes) -> Iterator[Record]:
    """Statuses from JSON arrays (streamed) or from JSON lines holding a status or an array."""
    with open_binary(path, on_bytes) as stream:
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream)  # type: ignore[arg-type, assignment]
        try:
            yield from _statuses_in(stream)
        except DECOMPRESSION_ERRORS as error:
            yield Malformed(None, f"the compressed data is cut off or corrupt here ({_first_line(error)})")


def _statuses_in(stream) -> Iterator[Record]:
    head = stream.peek(4096)
    if head.lstrip(_BOM + b" \t\r\n")[:1] != b"[":
        yield from _lines(stream)
        return
    if head.startswith(_BOM):
        stream.read(len(_BOM))  # ijson's parser rejects a byte-order mark
    yield from _array_items(stream)


def _array_items(stream) -> Iterator[Record]:
    """Statuses inside the file's top-level arrays, or between them, built one at a time."""
    number = 0
    events = ijson.parse(stream, buf_size=_CHUNK, use_float=True, multiple_values=True)
    try:
        for prefix, event, value in events:
            if prefix == "item" or (prefix == "" and event == "start_map"):
                status = _whole_value(event, value, events)
                number += 1
                yield number, status
    except (ijson.JSONError, UnicodeDecodeError) as error:
        yield Malformed(number + 1, f"JSON document breaks off after record {number} ({_first_line(error)})")


def _whole_value(event: str, value: object, events: Iterator[tuple[str, str, object]]) -> object:
    """The value that starts with this event, built from the events that follow it."""
    if event not in _OPENERS:
        return value
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in _OPENERS:
            depth += 1
            if depth > _MAX_DEPTH:
                raise ijson.JSONError(f"nested deeper than {_MAX_DEPTH} levels")
        elif event in _CLOSERS:
            depth -= 1
            if depth == 0:
                return builder.value
    raise ijson.IncompleteJSONError("the document ends inside a status")


def _first_line(error: Exception) -> str:
    """ijson's message (bytes, from its C parser) draws a caret on further lines; the first says it all."""
    message = error.args[0] if error.args and isinstance(error.args[0], bytes) else str(error)
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    lines = message.strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _lines(stream) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if not line.strip():
            continue
        try:
            value = _JSON.decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
            yield Malformed(number, f"not valid JSON ({error})", excerpt(line))
            continue
        for status in value if isinstance(value, list) else [value]:
            yield number, status


# -- one status ---------------------------------------------------------------------------


def _rows(status: object) -> list[Row]:
    """The status and its author; a reblogged or quoted original comes along embedded."""
    if not isinstance(status, dict):
        raise BadRecord("status is not a JSON object")
    rows: list[Row] = _status_rows(status)
    for original in (status.get("reblog"), _quoted_status(status)):
        if isinstance(original, dict):
            rows.extend(Embedded(row) for row in _status_rows(original))  # type: ignore[arg-type]
    return rows


def _status_rows(status: dict) -> list[Row]:
    uri = required_text(status, "uri")
    author = _account(status.get("account"))
    url = _optional(text, status.get("url"))
    host = _host(url or uri)
    reblog = status.get("reblog")
    reblogged = _optional(text, reblog.get("uri")) if isinstance(reblog, dict) else None
    quoted = _quote_ref(status, host)
    reply_to = _optional(text, status.get("in_reply_to_id"))
    reply_to_post_id = f"{host}/{reply_to}" if reply_to and host else None
    content = _fragment(_optional(text, status.get("content")))
    post = Post(
        platform=PLATFORM,
        post_id=uri,
        account_id=author.account_id,
        ts=_optional(iso_time, status.get("created_at")),
        text=_visible_text(content),
        lang=_optional(text, status.get("language")),
        kind="repost" if reblogged else "quote" if quoted else "reply" if reply_to_post_id else "post",
        ref_post_id=reblogged or quoted,
        reply_to_post_id=reply_to_post_id,
        url=url,
        client=_optional(text, _dict(status.get("application")).get("name")),
    )
    shared = SharedPost(
        post=post,
        urls=_content_links(content) + _strings([_dict(status.get("card")).get("url")]),
        hashtags=_strings([_dict(tag).get("name") for tag in _list(status.get("tags"))]),
        mentions=_strings([_dict(m).get("url") or _dict(m).get("acct") for m in _list(status.get("mentions"))]),
        images=_strings([_dict(media).get("blurhash") for media in _list(status.get("media_attachments"))]),
    )
    return [shared, author]


def _account(account: object) -> Account:
    if not isinstance(account, dict):
        raise BadRecord("missing 'account'")
    account_id = required_text(account, "uri", "url")
    url = _optional(text, account.get("url"))
    return Account(
        platform=PLATFORM,
        account_id=account_id,
        handle=_handle(_optional(text, account.get("acct")), url or account_id),
        display_name=_optional(text, account.get("display_name")),
        created_at=_optional(iso_time, account.get("created_at")),
        followers=_optional(integer, account.get("followers_count")),
        following=_optional(integer, account.get("following_count")),
        posts_count=_optional(integer, account.get("statuses_count")),
        description=_note_text(_optional(text, account.get("note"))),
        url=url,
    )


def _handle(acct: str | None, url: str) -> str | None:
    """`acct` is bare for accounts of the answering server; the handle always names the server."""
    if acct is None or "@" in acct:
        return acct
    host = _host(url)
    return f"{acct}@{host}" if host else acct


def _quoted_status(status: dict) -> dict | None:
    """The quoted original: Mastodon 4.4 wraps it (`quote.quoted_status`); some forks put it in `quote`."""
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    if "uri" in quote:
        return quote
    inner = quote.get("quoted_status")
    return inner if isinstance(inner, dict) else None


def _quote_ref(status: dict, host: str | None) -> str | None:
    """What a quote points at: the quoted status's uri, or, when the API gave only its
    server-local id (a shallow quote), that id qualified like a reply's."""
    quoted = _quoted_status(status)
    if quoted is not None:
        return _optional(text, quoted.get("uri"))
    quoted_id = _optional(text, _dict(status.get("quote")).get("quoted_status_id"))
    return f"{host}/{quoted_id}" if quoted_id and host else None


@lru_cache(maxsize=4096)
def _note_text(note: str | None) -> str | None:
    """An account's bio as text; cached because every status repeats its author's."""
    return _visible_text(_fragment(note))


def _visible_text(root) -> str | None:
    """Visible text of Mastodon's HTML: entities decoded, `<br>` and paragraphs as line breaks."""
    if root is None:
        return None
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = root.findall(".//p")
    for paragraph in paragraphs[:-1]:
        paragraph.tail = "\n\n" + (paragraph.tail or "")
    return root.text_content().strip() or None


def _content_links(root) -> list[str]:
    """Links the author shared: every `<a href>` except the ones Mastodon wrote for mentions and hashtags."""
    if root is None:
        return []
    links = []
    for anchor in root.iter("a"):
        classes = set((anchor.get("class") or "").split())
        href = anchor.get("href")
        if href and not classes & _NOT_SHARED_LINKS:
            links.append(href)
    return links


def _fragment(html: str | None):
    """The HTML parsed as a document (libxml2 adds `<html><body>`), or None when there is none."""
    if html is None or not html.strip():
        return None
    try:
        return etree.fromstring(html, _HTML)
    except (etree.LxmlError, ValueError):
        return None


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def _strings(values: list) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.strip()]


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _optional(convert, value):
    """An optional field: a value of the wrong type is dropped, never the whole status."""
    try:
        return convert(value)
    except BadRecord:
        return None
