"""Language-agnostic normalisation of the objects accounts share: URLs, domains, hashtags, text.

Two posts "share" a URL, hashtag or text only after these functions agree they are the
same, so every reader and detector goes through here. Nothing here touches the network.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign or a click, never the page itself.
_TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "igsh",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "s_cid", "twclid",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "_hsenc", "_hsmi", "si", "feature",
}
_TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "at_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}

# Letter variants that Arabic-script users type interchangeably.
_LETTER_VARIANTS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura -> Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0640": None,  # tatweel
        "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    }
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<!\w)@[\w.\-]+")
_RT_PREFIX_RE = re.compile(r"^rt\s+@[\w.\-]+:?\s*", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)")
# `@handle` not glued to a word, another `@` or a `/` (so e-mail addresses and profile
# links do not count); inner dots and hyphens allowed for handles such as Bluesky's
# `@name.bsky.social`, trailing punctuation left out.
_HANDLE_RE = re.compile(r"(?<![\w@/])@(\w(?:[\w.\-]*\w)?)")


class _WithoutCombiningMarks(dict):
    """A `str.translate` table that deletes combining marks (diacritics, harakat), filled
    lazily so each character is classified once per process, not once per occurrence."""

    def __missing__(self, codepoint: int) -> int | None:
        value = None if unicodedata.combining(chr(codepoint)) else codepoint
        self[codepoint] = value
        return value


_NO_COMBINING = _WithoutCombiningMarks()


def fold(text: str) -> str:
    """NFKC, case-fold, strip diacritics, unify Arabic/Persian variants, drop zero-width marks."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTER_VARIANTS)
    if text.isascii():
        return text
    stripped = unicodedata.normalize("NFD", text).translate(_NO_COMBINING)
    return unicodedata.normalize("NFC", stripped)


def normalize_text(text: str) -> str:
    """Text as compared for co-text: folded, without URLs, mentions, RT prefix or extra spaces."""
    text = _RT_PREFIX_RE.sub("", text.strip())
    text = _URL_RE.sub(" ", text)
    text = _MENTION_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", fold(text)).strip()


def text_fingerprint(text: str | None) -> str | None:
    """A short stable id for the normalised text, or None when nothing is left to compare."""
    if not text:
        return None
    normalized = normalize_text(text)
    if not normalized:
        return None
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=10).hexdigest()


@functools.lru_cache(maxsize=1 << 16)
def normalize_hashtag(tag: str | None) -> str | None:
    if not tag:
        return None
    folded = fold(tag.strip().lstrip("#＃"))
    return folded or None


def hashtags_in(text: str | None) -> list[str]:
    """Hashtags written in free text, for sources that do not list them separately."""
    return _HASHTAG_RE.findall(text) if text else []


def mentions_in(text: str | None) -> list[str]:
    """Handles written as `@handle` in free text, without the `@`, for sources that do not
    list mentions separately."""
    return _HANDLE_RE.findall(text) if text else []


def urls_in(text: str | None) -> list[str]:
    """URLs written in free text (trailing punctuation removed)."""
    if not text:
        return []
    return [u.rstrip(".,;:!?)]}>\"'") for u in _URL_RE.findall(text)]


@functools.lru_cache(maxsize=1 << 16)  # shared URLs repeat: that is the point of co-linking
def normalize_url(url: str | None) -> str | None:
    """Canonical form of a URL: https, lower-case host, no default port, no tracking
    parameters, no fragment, no trailing slash. Returns None for things that are not URLs."""
    if not url:
        return None
    url = url.strip()
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.rstrip(".")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    host = f"[{host.lower()}]" if ":" in host else host.lower()  # IPv6 literals keep brackets
    if port is not None and str(port) != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)],
        doseq=True,
    )
    path = parts.path.rstrip("/")
    # http and https name the same page for the purpose of "shared the same link".
    return urlunsplit(("https", host, path, query, ""))


def url_domain(url: str | None) -> str | None:
    """The host of a URL without `www.` or port; works on raw or normalised URLs."""
    normalized = normalize_url(url)
    if normalized is None:
        return None
    authority = normalized.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    host = authority[: authority.index("]") + 1] if authority.startswith("[") else authority.rsplit(":", 1)[0]
    return host[4:] if host.startswith("www.") else host or None


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)
