"""`bluesky`: Bluesky Jetstream events as JSON lines (the JSON view of the AT Protocol firehose).

Every line is one record: `{did, time_us, kind: commit|identity|account, ...}`. Early
Jetstream (2024) wrote `type: "com"|"id"|"acc"` and `commit.type: "c"|"u"|"d"` instead
of `kind` and `commit.operation`; both are read.

What becomes rows:
- a `create` in `app.bsky.feed.post`: a post with id `at://{did}/app.bsky.feed.post/{rkey}`;
  a reply when `record.reply` is set, a quote when it embeds another post
  (`app.bsky.embed.record`, or `app.bsky.embed.recordWithMedia` with media beside it);
  links, hashtags and mentions from the rich-text `facets` (plus the out-of-text `tags`
  and an `app.bsky.embed.external` card), images by the content id (CID) of their blob,
  a hash of the image bytes;
- a `create` in `app.bsky.feed.repost`: a repost whose `ref_post_id` is `subject.uri`;
- an `identity` event: the account with its current handle.
Likes, follows and other collections, updates, deletes and `account` events are
counted as records but yield nothing: they are not shares of content.
"""

from __future__ import annotations

from pathlib import Path

from inconcert.ingest.fields import (
    BadRecord,
    as_dict,
    as_list,
    from_epoch,
    iso_time,
    nonempty_strings,
    optional,
    required_text,
    text,
)
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import json_records
from inconcert.ingest.staging import Row, Staging
from inconcert.store.schema import Account, Post

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
# Early Jetstream's short names for event kinds and commit operations.
_OLD_KINDS = {"com": "commit", "id": "identity", "acc": "account"}
_OLD_OPERATIONS = {"c": "create", "u": "update", "d": "delete"}
_FACET = "app.bsky.richtext.facet#"
_EMBED = "app.bsky.embed."


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(json_records(path, on_bytes), _rows)


def _rows(event: object) -> list[Row]:
    if not isinstance(event, dict):
        raise BadRecord("event is not a JSON object")
    did = required_text(event, "did")
    kind = event.get("kind") or _OLD_KINDS.get(event.get("type"))  # type: ignore[arg-type]
    if kind == "commit":
        return _commit_rows(did, event)
    if kind == "identity":
        return _identity_rows(did, event)
    if kind == "account":
        return []
    raise BadRecord("not a Jetstream event (no 'kind' commit, identity or account)")


def _identity_rows(did: str, event: dict) -> list[Row]:
    identity = event.get("identity")
    handle = optional(text, identity.get("handle")) if isinstance(identity, dict) else None
    return [Account(platform=PLATFORM, account_id=did, handle=handle)]


def _commit_rows(did: str, event: dict) -> list[Row]:
    commit = event.get("commit")
    if not isinstance(commit, dict):
        raise BadRecord("commit event without a 'commit' object")
    operation = commit.get("operation") or _OLD_OPERATIONS.get(commit.get("type"))  # type: ignore[arg-type]
    collection = commit.get("collection")
    if operation != "create" or collection not in (POST, REPOST):
        return []
    rkey = required_text(commit, "rkey")
    record = commit.get("record")
    if not isinstance(record, dict):
        raise BadRecord("create without a 'record' object")
    shared = _post(did, rkey, record, event) if collection == POST else _repost(did, rkey, record, event)
    return [shared, Account(platform=PLATFORM, account_id=did)]


def _post(did: str, rkey: str, record: dict, event: dict) -> SharedPost:
    embed = as_dict(record.get("embed"))
    quoted = _quoted_post(embed)
    reply_to = optional(text, as_dict(as_dict(record.get("reply")).get("parent")).get("uri"))
    post = Post(
        platform=PLATFORM,
        post_id=f"at://{did}/{POST}/{rkey}",
        account_id=did,
        ts=_time_of(record, event),
        text=optional(text, record.get("text")),
        lang=_first_language(record.get("langs")),
        kind="quote" if quoted else "reply" if reply_to else "post",
        ref_post_id=quoted,
        reply_to_post_id=reply_to,
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
    )
    features = _facet_features(record.get("facets"))
    return SharedPost(
        post=post,
        urls=_feature_values(features, "link", "uri") + _external_urls(embed),
        hashtags=_feature_values(features, "tag", "tag") + nonempty_strings(record.get("tags")),
        mentions=_feature_values(features, "mention", "did"),
        images=_image_cids(embed),
    )


def _repost(did: str, rkey: str, record: dict, event: dict) -> SharedPost:
    subject = optional(text, as_dict(record.get("subject")).get("uri"))
    if subject is None:
        raise BadRecord("repost without 'subject.uri'")
    post = Post(
        platform=PLATFORM,
        post_id=f"at://{did}/{REPOST}/{rkey}",
        account_id=did,
        ts=_time_of(record, event),
        kind="repost",
        ref_post_id=subject,
    )
    return SharedPost(post=post)


def _time_of(record: dict, event: dict):
    """`createdAt` as the author's client wrote it; Jetstream's receive time when it is unusable."""
    created = optional(iso_time, record.get("createdAt"))
    if created is not None:
        return created
    return optional(_from_microseconds, event.get("time_us"))


def _from_microseconds(value: object):
    return from_epoch(value, 1e-6)


def _first_language(langs: object) -> str | None:
    return optional(text, langs[0]) if isinstance(langs, list) and langs else None


def _quoted_post(embed: dict) -> str | None:
    """The post a quote embeds; an embedded feed or list is a share of no post, so not a quote."""
    kind = embed.get("$type")
    if kind == f"{_EMBED}record":
        uri = as_dict(embed.get("record")).get("uri")
    elif kind == f"{_EMBED}recordWithMedia":
        uri = as_dict(as_dict(embed.get("record")).get("record")).get("uri")
    else:
        return None
    uri = optional(text, uri)
    return uri if uri and f"/{POST}/" in uri else None


def _media(embed: dict) -> dict:
    """The media part of an embed: the embed itself, or the media beside a quoted record."""
    if embed.get("$type") == f"{_EMBED}recordWithMedia":
        return as_dict(embed.get("media"))
    return embed


def _external_urls(embed: dict) -> list[str]:
    media = _media(embed)
    if media.get("$type") != f"{_EMBED}external":
        return []
    return nonempty_strings([as_dict(media.get("external")).get("uri")])


def _image_cids(embed: dict) -> list[str]:
    media = _media(embed)
    if media.get("$type") != f"{_EMBED}images" or not isinstance(media.get("images"), list):
        return []
    return nonempty_strings(
        [as_dict(as_dict(as_dict(image).get("image")).get("ref")).get("$link") for image in media["images"]]
    )


def _facet_features(facets: object) -> list[dict]:
    if not isinstance(facets, list):
        return []
    features = [f for facet in facets for f in as_list(as_dict(facet).get("features"))]
    return [f for f in features if isinstance(f, dict)]


def _feature_values(features: list[dict], kind: str, field: str) -> list[str]:
    return nonempty_strings([f.get(field) for f in features if f.get("$type") == f"{_FACET}{kind}"])
