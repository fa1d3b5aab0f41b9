"""What the Twitter v1.1 and v2 readers share: fast optional fields, tweet text as the
user wrote it, the client name, status links, entity lists and how a file is opened.

Both API versions escape `&`, `<` and `>` in tweet text, wrap links in t.co and describe
hashtags, links and mentions in an `entities` block whose item shapes differ only in
key names, so one set of helpers serves both readers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from inconcert.ingest.fields import as_dict, as_list, boolean, integer, optional, text
from inconcert.ingest.sources import ByteCounter, Record, json_document, json_records, open_binary

PLATFORM = "twitter"

_ANCHOR = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# A t.co link to the tweet's own photo or video (v2 lists these among `entities.urls`).
_MEDIA_LINK = re.compile(r"^https?://(?:mobile\.)?(?:twitter|x)\.com/[^/]+/status/\d+/(?:photo|video)/\d+/?$")
_SNIFF_BYTES = 1 << 16


def optional_text(value: object) -> str | None:
    """`optional(text, value)`, with the common case (a string) checked first: a tweet has
    dozens of such fields and this is where a reader spends its time."""
    if type(value) is str:
        return value if value and not value.isspace() else None
    return optional(text, value)


def optional_integer(value: object) -> int | None:
    """`optional(integer, value)`, an int checked first (counts in every user object)."""
    return value if type(value) is int else optional(integer, value)


def optional_boolean(value: object) -> bool | None:
    """`optional(boolean, value)`, a bool checked first (flags in every user object)."""
    return value if type(value) is bool else optional(boolean, value)


def tweet_text(value: object) -> str | None:
    """Tweet text as the user typed it: the API escapes exactly `&`, `<` and `>`, so undo
    exactly that (`&amp;` last, so a typed `&lt;` survives) and nothing else."""
    raw = optional_text(value)
    if raw is None:
        return None
    return raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def client_name(source: object) -> str | None:
    """The visible name of the posting app: v1.1 gives an HTML anchor, v2 the plain name."""
    raw = optional_text(source)
    return _client_from_source(raw) if raw is not None else None


@lru_cache(maxsize=4096)
def _client_from_source(raw: str) -> str | None:
    """Cached: a data set has a few hundred distinct clients over millions of tweets."""
    anchor = _ANCHOR.search(raw)
    name = html.unescape(_TAG.sub("", anchor.group(1) if anchor else raw)).strip()
    return name or None


def status_url(handle: str | None, post_id: str) -> str | None:
    return f"https://twitter.com/{handle}/status/{post_id}" if handle else None


def first_string(entity: object, keys: tuple[str, ...]) -> str | None:
    """The first non-empty value among `keys` of an entity object (e.g. id, then handle)."""
    for key in keys:
        value = optional_text(as_dict(entity).get(key))
        if value is not None:
            return value
    return None


def entity_strings(items: object, *keys: str) -> list[str]:
    """For each entity object of a list, its first non-empty value among `keys`."""
    return [value for value in (first_string(item, keys) for item in as_list(items)) if value]


def shared_urls(items: object, *keys: str) -> list[str]:
    """Links a tweet shares, in the preferred form among `keys`; links to the tweet's own
    attached photo or video are its media, not links it shares."""
    urls = []
    for item in as_list(items):
        url = first_string(item, keys)
        if url and "media_key" not in as_dict(item) and not _MEDIA_LINK.match(url):
            urls.append(url)
    return urls


def profile_url(user: dict) -> str | None:
    """A profile's website: the expanded link behind the t.co `url` when the API gives it."""
    expanded = entity_strings(as_dict(as_dict(user.get("entities")).get("url")).get("urls"), "expanded_url")
    return expanded[0] if expanded else optional_text(user.get("url"))


def kind_and_ref(repost_of: str | None, quote_of: str | None, reply_to: str | None) -> tuple[str, str | None]:
    """The canonical kind (repost beats quote beats reply) and the post it points at."""
    if repost_of:
        return "repost", repost_of
    if quote_of:
        return "quote", quote_of
    if reply_to:
        return "reply", None
    return "post", None


def json_payloads(path: Path, on_bytes: ByteCounter | None = None) -> Iterator[Record]:
    """JSON lines or a JSON array, as collectors write them; a pretty-printed single object
    (an API response saved by hand) is read whole, as record 1."""
    if _starts_with_lone_brace(path):
        yield 1, json_document(path, on_bytes)
    else:
        yield from json_records(path, on_bytes)


def _starts_with_lone_brace(path: Path) -> bool:
    """True when the first non-blank line is just `{`: an indented document, not JSON lines."""
    with open_binary(path) as stream:
        for _ in range(8):
            line = stream.readline(_SNIFF_BYTES)
            if not line:
                return False
            stripped = line.lstrip(b"\xef\xbb\xbf").strip()
            if stripped:
                return stripped == b"{"
    return False
