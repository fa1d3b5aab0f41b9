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

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from inconcert.ingest.fields import (
    BadRecord,
    as_dict,
    as_list,
    integer,
    iso_time,
    nonempty_strings,
    optional,
    required_text,
    text,
)
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import (
    Malformed,
    Record,
    first_significant_byte,
    json_array_items,
    json_lines,
    open_binary,
    peekable,
    until_broken,
)
from inconcert.ingest.staging import Embedded, Row, Staging
from inconcert.store.schema import Account, Post

PLATFORM = "mastodon"
# Mastodon marks the links it writes for @mentions and #hashtags with these classes.
_NOT_SHARED_LINKS = {"mention", "hashtag"}
# lxml.html's parser, called directly: its elements have `text_content`, without the
# fragment helpers' extra passes (half the time per status).
_HTML = lxml.html.HTMLParser()


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(_statuses(path, on_bytes), _rows)


# -- records ------------------------------------------------------------------------------


def _statuses(path: Path, on_bytes) -> Iterator[Record]:
    """Statuses from JSON arrays (streamed) or from JSON lines holding a status or an array."""
    with open_binary(path, on_bytes) as stream:
        yield from until_broken(_statuses_in(peekable(stream)))


def _statuses_in(stream: BinaryIO) -> Iterator[Record]:
    if first_significant_byte(stream) == b"[":
        yield from json_array_items(stream, multiple_values=True)
    else:
        yield from _statuses_of_lines(stream)


def _statuses_of_lines(stream: BinaryIO) -> Iterator[Record]:
    """Each line holds a status or an array of them; all of a line's share its number."""
    yield from statuses_of(json_lines(stream))


def statuses_of(records: Iterable[Record]) -> Iterator[Record]:
    """The statuses of decoded JSON values, each a status or an array of them."""
    for record in records:
        if isinstance(record, Malformed):
            yield record
            continue
        number, value = record
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
    url = optional(text, status.get("url"))
    host = _host(url or uri)
    reblog = status.get("reblog")
    reblogged = optional(text, reblog.get("uri")) if isinstance(reblog, dict) else None
    quoted = _quote_ref(status, host)
    reply_to = optional(text, status.get("in_reply_to_id"))
    reply_to_post_id = f"{host}/{reply_to}" if reply_to and host else None
    content = _fragment(optional(text, status.get("content")))
    post = Post(
        platform=PLATFORM,
        post_id=uri,
        account_id=author.account_id,
        ts=optional(iso_time, status.get("created_at")),
        text=_visible_text(content),
        lang=optional(text, status.get("language")),
        kind="repost" if reblogged else "quote" if quoted else "reply" if reply_to_post_id else "post",
        ref_post_id=reblogged or quoted,
        reply_to_post_id=reply_to_post_id,
        url=url,
        client=optional(text, as_dict(status.get("application")).get("name")),
    )
    shared = SharedPost(
        post=post,
        urls=_content_links(content) + nonempty_strings([as_dict(status.get("card")).get("url")]),
        hashtags=nonempty_strings([as_dict(tag).get("name") for tag in as_list(status.get("tags"))]),
        mentions=nonempty_strings(
            [as_dict(m).get("url") or as_dict(m).get("acct") for m in as_list(status.get("mentions"))]
        ),
        images=nonempty_strings([as_dict(media).get("blurhash") for media in as_list(status.get("media_attachments"))]),
    )
    return [shared, author]


def _account(account: object) -> Account:
    if not isinstance(account, dict):
        raise BadRecord("missing 'account'")
    account_id = required_text(account, "uri", "url")
    url = optional(text, account.get("url"))
    return Account(
        platform=PLATFORM,
        account_id=account_id,
        handle=_handle(optional(text, account.get("acct")), url or account_id),
        display_name=optional(text, account.get("display_name")),
        created_at=optional(iso_time, account.get("created_at")),
        followers=optional(integer, account.get("followers_count")),
        following=optional(integer, account.get("following_count")),
        posts_count=optional(integer, account.get("statuses_count")),
        description=_note_text(optional(text, account.get("note"))),
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
        return optional(text, quoted.get("uri"))
    quoted_id = optional(text, as_dict(status.get("quote")).get("quoted_status_id"))
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
