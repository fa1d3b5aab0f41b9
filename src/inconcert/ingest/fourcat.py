"""`4cat`: datasets exported from 4CAT, as its mapped CSV or as NDJSON.

The CSV holds 4CAT's mapped items: the core `id, thread_id, author, body, timestamp`
(UTC "YYYY-MM-DD HH:MM:SS", with `unix_timestamp` beside it) plus each datasource's own
columns. Lists are comma-joined strings. The columns that matter here:
- Twitter (API v2 and Zeeschuimer imports): `author_id`, `link`, `is_retweet`,
  `retweeted_user`, `is_quote_tweet`, `is_reply`, `hashtags`, `urls`, `mentions`,
  `language_guess`, `source`. 4CAT keeps no id of a retweeted tweet, so a retweet points
  at a stand-in id made from the retweeted user and a hash of the retweet's text
  (identical for every retweet of one tweet); no replied-to tweet id either.
- Telegram: `author` (the sender's id), `author_username`, `author_name`, `reply_to`
  (a message number inside the same chat, so it becomes `<thread_id>-<reply_to>` like
  4CAT's own ids), `author_forwarded_from_{id,username,name}`,
  `[unix_]timestamp_forwarded_from`, `entities_mentioned`, `link_attached`,
  `attachment_type` / `attachment_data` (a photo's Telegram id, stable across forwards).
  The original id of a forwarded message is not exported, so a forward points at
  `<forwarded-from id>@<forwarded message's Unix time>`, the same for every forward
  of one message.

The NDJSON export holds items as 4CAT stored them. Lines with the mapped fields are read
as above. Raw items are mapped where this reader knows them: X/Twitter GraphQL tweets
captured by Zeeschuimer (`rest_id`, `legacy`, `core`; full ids, so retweets point at the
real original, which is stored as an embedded post) and Telethon messages from 4CAT's
Telegram datasource (`message`, `date`, `_chat`, `_sender`, `fwd_from`, ...). Any other
raw item is quarantined with the platform named, so it can be exported as CSV instead.

Platform: the export's own `datasource` column or Zeeschuimer's
`__import_meta.source_platform` when present; otherwise "4cat".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inconcert.ingest import fields
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import csv_records, json_records, open_binary
from inconcert.ingest.staging import Embedded, Row, Staging
from inconcert.normalize import hashtags_in, urls_in
from inconcert.store.schema import Account, Post

REQUIRED = ("id", "author", "body", "timestamp")
DEFAULT_PLATFORM = "4cat"
# 4CAT datasource names and Zeeschuimer hosts that name a platform differently.
PLATFORM_ALIASES = {
    "x": "twitter", "twitterv2": "twitter", "twitter-import": "twitter", "twitter-search": "twitter",
    "bsky": "bluesky", "fourchan": "4chan", "upload": DEFAULT_PLATFORM, "custom": DEFAULT_PLATFORM,
}
_EPOCH = dt.datetime(1970, 1, 1)
_URL_SEPARATOR = re.compile(r",\s*(?=https?://|www\.)", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_TWEET_TYPES = ("Tweet", "TweetWithVisibilityResults", "TweetTombstone")
# Telegram usernames have no dots or hyphens, so `@name-x` or `@name.x` mentions `name`;
# `normalize.mentions_in`, made for handles with dots (Bluesky's), would read `name-x`.
_TELEGRAM_MENTION = re.compile(r"(?<![\w@])@(\w+)")


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    if _holds_json(path):
        staging.each(json_records(path, on_bytes), parse_item)
    else:
        staging.each(csv_records(path, REQUIRED, on_bytes, format_name="4CAT"), parse_mapped_row)


def _holds_json(path: Path) -> bool:
    """NDJSON and CSV exports are told apart by their first character, whatever the name."""
    with open_binary(path) as stream:
        start = stream.read(4096)
    return start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


# -- mapped items (CSV rows, and NDJSON lines with the mapped fields) -----------------


def parse_mapped_row(row: dict[str, str]) -> list[Row]:
    return mapped_rows(row, platform_named(row.get("datasource")))


def mapped_rows(item: Mapping[str, Any], platform: str) -> list[Row]:
    """One mapped 4CAT item: its author and the post."""
    post_id = fields.required_text(item, "id").strip()
    account_id = fields.required_text(item, "author_id", "author").strip()
    body = _text(item, "body")
    kind, ref = kind_and_reference(item, body)
    post = Post(
        platform=platform,
        post_id=post_id,
        account_id=account_id,
        ts=item_time(item),
        text=body,
        lang=_text(item, "language_guess"),
        kind=kind,
        ref_post_id=ref,
        reply_to_post_id=reply_target(item, post_id),
        url=_text(item, "link") or _text(item, "url"),
        client=_text(item, "source"),
    )
    handle = _text(item, "author_username") if "author_username" in item else _text(item, "author")
    author = Account(
        platform=platform,
        account_id=account_id,
        handle=handle,
        display_name=_text(item, "author_fullname") or _text(item, "author_name"),
    )
    shared = SharedPost(
        post=post,
        urls=shared_urls(item, body, post.url),
        hashtags=_list(item, "hashtags") if "hashtags" in item else hashtags_in(body),
        mentions=[*_list(item, "mentions"), *_list(item, "entities_mentioned")],
        images=photo_ids(item),
    )
    return [author, shared]


def item_time(item: Mapping[str, Any]) -> dt.datetime:
    """`unix_timestamp` when readable (it is exact UTC), else `timestamp`."""
    unix = fields.optional(fields.from_epoch, item.get("unix_timestamp")) if _text(item, "unix_timestamp") else None
    moment = unix or fields.any_time(item.get("timestamp"))
    if moment is None:
        raise fields.BadRecord("missing 'timestamp'")
    return moment


def kind_and_reference(item: Mapping[str, Any], body: str | None) -> tuple[str, str | None]:
    """Forward, retweet, quote, reply or plain post, and what a forward/retweet/quote points at."""
    if is_forward(item):
        return "forward", forward_reference(item)
    if _flag(item, "is_retweet"):
        return "repost", retweet_stand_in(_text(item, "retweeted_user"), body)
    if _flag(item, "is_quote_tweet"):
        return "quote", _text(item, "quote_tweet_id") or _text(item, "quoted_tweet_id")
    if _flag(item, "is_reply") or _text(item, "reply_to"):
        return "reply", None
    return "post", None


def is_forward(item: Mapping[str, Any]) -> bool:
    columns = ("author_forwarded_from_id", "author_forwarded_from_username", "author_forwarded_from_name",
               "timestamp_forwarded_from", "unix_timestamp_forwarded_from")
    return any(_text(item, column) for column in columns)


def forward_reference(item: Mapping[str, Any]) -> str | None:
    """`<source>@<unix time of the forwarded message>`: the same for every forward of one message."""
    source = (_text(item, "author_forwarded_from_id") or _text(item, "author_forwarded_from_username")
              or _text(item, "author_forwarded_from_name"))
    moment = fields.optional(fields.from_epoch, item.get("unix_timestamp_forwarded_from")) or fields.optional(
        fields.any_time, item.get("timestamp_forwarded_from")
    )
    if not source or moment is None:
        return None
    return f"{source}@{int((moment - _EPOCH).total_seconds())}"


def retweet_stand_in(retweeted_user: str | None, body: str | None) -> str | None:
    """4CAT drops the retweeted tweet's id; every retweet of one tweet has the same text."""
    if not body:
        return None
    digest = hashlib.blake2b(body.encode("utf-8"), digest_size=8).hexdigest()
    return f"rt:{retweeted_user}:{digest}" if retweeted_user else f"rt:{digest}"


def reply_target(item: Mapping[str, Any], post_id: str) -> str | None:
    """Telegram's `reply_to` is a message number in the chat; 4CAT ids are `<thread>-<number>`."""
    target = _text(item, "reply_to")
    thread = _text(item, "thread_id")
    if target and thread and post_id.startswith(f"{thread}-") and not target.startswith(f"{thread}-"):
        return f"{thread}-{target}"
    return target


def shared_urls(item: Mapping[str, Any], body: str | None, own_url: str | None) -> list[str]:
    listed = _url_list(item.get("urls")) if "urls" in item else urls_in(body)
    found = [*listed, _text(item, "link_attached")]
    return [url for url in found if url and url != own_url]


def photo_ids(item: Mapping[str, Any]) -> list[str]:
    """The Telegram id of an attached photo (`attachment_data` is JSON with its `id`)."""
    if _text(item, "attachment_type") != "photo":
        return []
    data = item.get("attachment_data")
    if isinstance(data, str):
        data = fields.optional(json.loads, data)
    photo_id = fields.optional(fields.text, data.get("id")) if isinstance(data, dict) else None
    return [photo_id] if photo_id else []


def platform_named(name: object) -> str:
    """`twitter.com`, `twitterv2`, `telegram` ... as this project's platform names."""
    raw = fields.optional(fields.text, name)
    if not raw:
        return DEFAULT_PLATFORM
    host = raw.strip().lower().removeprefix("www.")
    base = re.sub(r"\.(com|org|net|app|social)$", "", host)
    return PLATFORM_ALIASES.get(base, base)


# -- NDJSON lines ---------------------------------------------------------------------


def parse_item(item: object) -> list[Row]:
    """One NDJSON line: a mapped item, or a raw item this reader knows how to map."""
    if not isinstance(item, dict):
        raise fields.BadRecord("not a JSON object")
    item = _with_import_meta(item)
    meta = item.get("__import_meta") if isinstance(item.get("__import_meta"), dict) else {}
    platform = platform_named(meta.get("source_platform") or item.get("datasource"))
    if "id" in item and "timestamp" in item and ("author" in item or "author_id" in item):
        return mapped_rows(item, platform)
    if item.get("__typename") in _TWEET_TYPES or ("rest_id" in item and "legacy" in item):
        return tweet_rows(item)
    if "message" in item and "date" in item and ("_chat" in item or "peer_id" in item):
        return mapped_rows(telegram_item(item), platform)
    if "action" in item and ("_chat" in item or "peer_id" in item):
        raise fields.BadRecord("a Telegram service message (someone joined, a title changed ...), not a post")
    source = meta.get("source_platform")
    if source:
        raise fields.BadRecord(
            f"a raw {str(source)[:40]} item (Zeeschuimer import) that this reader does not map; "
            "export the dataset from 4CAT as CSV to ingest it"
        )
    raise fields.BadRecord("not a 4CAT item: no 'id', 'author' and 'timestamp', and not a raw item this reader knows")


def _with_import_meta(item: dict) -> dict:
    """Zeeschuimer's own export wraps the item in `data`; 4CAT moves the wrapper to `__import_meta`."""
    if isinstance(item.get("data"), dict) and "source_platform" in item:
        return {**item["data"], "__import_meta": {k: v for k, v in item.items() if k != "data"}}
    return item


# -- raw X/Twitter GraphQL tweets (Zeeschuimer) ---------------------------------------


def tweet_rows(raw: dict) -> list[Row]:
    """A GraphQL tweet: its author, the tweet, and the retweeted/quoted originals it carries."""
    tweet = _tweet_result(raw)
    if tweet is None:
        raise fields.BadRecord("a withheld or deleted tweet (tombstone)")
    legacy = tweet["legacy"]
    author = twitter_user(tweet["core"]["user_results"]["result"])
    post_id = fields.required_text(tweet, "rest_id")
    retweeted = _tweet_result(legacy.get("retweeted_status_result"))
    quoted = _tweet_result(tweet.get("quoted_status_result"))
    quoted_id = _text(legacy, "quoted_status_id_str") or (quoted or {}).get("rest_id")
    reply_to = _text(legacy, "in_reply_to_status_id_str")
    ts = fields.twitter_v1_time(legacy.get("created_at"))
    if ts is None:
        raise fields.BadRecord("missing 'legacy.created_at'")
    kind = "repost" if retweeted else "quote" if quoted_id else "reply" if reply_to else "post"
    post = Post(
        platform="twitter",
        post_id=post_id,
        account_id=author.account_id,
        ts=ts,
        text=_tweet_text(tweet),
        lang=_text(legacy, "lang"),
        kind=kind,
        ref_post_id=fields.text(retweeted["rest_id"]) if retweeted else quoted_id,
        reply_to_post_id=reply_to,
        url=f"https://x.com/{author.handle}/status/{post_id}" if author.handle else None,
        client=_TAGS.sub("", _text(tweet, "source") or "") or None,
    )
    entities = legacy.get("entities") or {}
    media = (legacy.get("extended_entities") or entities).get("media") or []
    photos = [m for m in media if isinstance(m, dict) and m.get("type") == "photo"]
    shared = SharedPost(
        post=post,
        urls=_entity_values(entities.get("urls"), "expanded_url", "url"),
        hashtags=_entity_values(entities.get("hashtags"), "text"),
        mentions=_entity_values(entities.get("user_mentions"), "id_str", "screen_name"),
        images=_entity_values(photos, "media_key", "id_str"),
    )
    return [author, shared, *_embedded_tweet(retweeted), *_embedded_tweet(quoted)]


def _entity_values(entities: object, *keys: str) -> list[str]:
    """From each entity object, the first of `keys` it has (mentions: the id, else the handle)."""
    values = []
    for entity in entities if isinstance(entities, list) else []:
        if isinstance(entity, dict):
            value = next((entity[k] for k in keys if entity.get(k)), None)
            if value is not None:
                values.append(str(value))
    return values


def twitter_user(user: dict) -> Account:
    """The author's profile; newer captures moved names and dates from `legacy` to `core`."""
    legacy = user.get("legacy") or {}
    core = user.get("core") or {}

    def pick(key: str) -> Any:
        return core.get(key) if core.get(key) is not None else legacy.get(key)

    profile_urls = ((legacy.get("entities") or {}).get("url") or {}).get("urls") or [{}]
    location = legacy.get("location") or (user.get("location") or {}).get("location")
    return Account(
        platform="twitter",
        account_id=fields.required_text(user, "rest_id"),
        handle=fields.optional(fields.text, pick("screen_name")),
        display_name=fields.optional(fields.text, pick("name")),
        created_at=fields.optional(fields.twitter_v1_time, pick("created_at")),
        followers=fields.optional(fields.integer, legacy.get("followers_count")),
        following=fields.optional(fields.integer, legacy.get("friends_count")),
        posts_count=fields.optional(fields.integer, legacy.get("statuses_count")),
        likes_count=fields.optional(fields.integer, legacy.get("favourites_count")),
        listed_count=fields.optional(fields.integer, legacy.get("listed_count")),
        verified=fields.optional(fields.boolean, legacy.get("verified")),
        default_profile=fields.optional(fields.boolean, legacy.get("default_profile")),
        default_profile_image=fields.optional(fields.boolean, legacy.get("default_profile_image")),
        description=fields.optional(fields.text, legacy.get("description")),
        location=fields.optional(fields.text, location),
        url=fields.optional(fields.text, profile_urls[0].get("expanded_url") or legacy.get("url")),
    )


def _tweet_result(value: object) -> dict | None:
    """Unwrap `{"result": ...}` and `TweetWithVisibilityResults`; None for tombstones."""
    if not isinstance(value, dict):
        return None
    if "result" in value:
        value = value["result"]
    if isinstance(value, dict) and "tweet" in value and "legacy" not in value:
        value = value["tweet"]
    return value if isinstance(value, dict) and "legacy" in value else None


def _tweet_text(tweet: dict) -> str | None:
    """Long tweets keep their full text in `note_tweet`; `full_text` is cut there."""
    note = ((tweet.get("note_tweet") or {}).get("note_tweet_results") or {}).get("result") or {}
    return _text(note, "text") or _text(tweet["legacy"], "full_text")


def _embedded_tweet(original: dict | None) -> list[Row]:
    """An original carried inside a retweet or quote; an unreadable one is simply not kept."""
    if original is None:
        return []
    try:
        rows = tweet_rows(original)
    except (fields.BadRecord, KeyError, TypeError, AttributeError):
        return []
    return [row if isinstance(row, Embedded) else Embedded(row) for row in rows]


# -- raw Telethon messages (4CAT's Telegram datasource) -------------------------------


def telegram_item(message: dict) -> dict[str, Any]:
    """A Telethon message as 4CAT would map it (mentions are `@name` in the text, as 4CAT
    finds them), plus the links hidden behind text by `MessageEntityTextUrl`."""
    thread = _telegram_thread(message)
    sender = message.get("_sender") or {}
    forward = message.get("fwd_from") or {}
    media = message.get("media") or {}
    body = message.get("message") or ""
    names = [sender.get("first_name"), sender.get("last_name")]
    hidden_links = [e.get("url") for e in message.get("entities") or [] if isinstance(e, dict) and e.get("url")]
    photo = media.get("photo") if media.get("_type") == "MessageMediaPhoto" else None
    return {
        "id": f"{thread}-{message['id']}",
        "thread_id": thread,
        "author": sender.get("id") or _peer_id(message.get("from_id")) or _peer_id(message.get("peer_id")),
        "author_username": sender.get("username"),
        "author_name": " ".join(n for n in names if n) or sender.get("title"),
        "body": body,
        "timestamp": message.get("date"),
        "reply_to": (message.get("reply_to") or {}).get("reply_to_msg_id"),
        "author_forwarded_from_id": _peer_id(forward.get("from_id")),
        "author_forwarded_from_name": forward.get("from_name"),
        "unix_timestamp_forwarded_from": forward.get("date"),
        "urls": [*urls_in(body), *hidden_links],
        "entities_mentioned": _TELEGRAM_MENTION.findall(body),
        "link_attached": (media.get("webpage") or {}).get("url"),
        "attachment_type": "photo" if isinstance(photo, dict) else None,
        "attachment_data": photo,
    }


def _telegram_thread(message: dict) -> str:
    """The chat's username, else its id or squashed title, as 4CAT names threads."""
    chat = message.get("_chat") or {}
    thread = chat.get("username") or chat.get("id")
    if not thread and chat.get("title"):
        thread = re.sub(r"\s", "", chat["title"])
    thread = thread or _peer_id(message.get("peer_id"))
    if not thread:
        raise fields.BadRecord("a Telegram message without its chat ('_chat' or 'peer_id')")
    return str(thread)


def _peer_id(peer: object) -> str | None:
    if isinstance(peer, dict):
        peer = peer.get("channel_id") or peer.get("user_id") or peer.get("chat_id")
    return fields.optional(fields.text, peer)


# -- lenient field access ---------------------------------------------------------------


def _text(item: Mapping[str, Any], key: str) -> str | None:
    return fields.optional(fields.text, item.get(key))


def _flag(item: Mapping[str, Any], key: str) -> bool:
    return bool(fields.optional(fields.boolean, item.get(key)))


def _list(item: Mapping[str, Any], key: str) -> list[str]:
    return fields.optional(fields.string_list, item.get(key)) or []


def _url_list(value: object) -> list[str]:
    """Comma-joined URLs, split only where a new URL starts (URLs may hold commas)."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if v and str(v).strip()]
    if not isinstance(value, str):
        return []
    return [part.strip() for part in _URL_SEPARATOR.split(value) if part.strip()]
