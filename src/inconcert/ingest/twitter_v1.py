"""`twitter-v1`: Twitter API v1.1 tweets, one per line as twarc 1 writes them; also a JSON
array of tweets and a search response `{"statuses": [...]}` (on one line or indented).

Each tweet is one record. A retweet's `retweeted_status` and a quote's `quoted_status`
are full copies of the originals: they are stored (with their authors) but not counted,
and a copy of the same tweet elsewhere in the file is preferred. Streaming notices
(`{"delete": ...}`, `{"limit": ...}` and the like) are not tweets and are skipped without
being counted or quarantined. Streamed tweets longer than 140 characters are `truncated`
and carry the whole text and its entities in `extended_tweet`, which is preferred. The
API escapes `&`, `<` and `>` in text; they are unescaped so text is what the user wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from inconcert.ingest.fields import BadRecord, as_dict, as_list, optional, required_text, twitter_v1_time
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import ByteCounter, Malformed, Record
from inconcert.ingest.staging import Embedded, Row, Staging
from inconcert.ingest.twitter_common import (
    PLATFORM,
    client_name,
    entity_strings,
    first_string,
    json_payloads,
    kind_and_ref,
    optional_boolean,
    optional_integer,
    optional_text,
    profile_url,
    shared_urls,
    status_url,
    tweet_text,
)
from inconcert.store.schema import Account, Post

# Top-level keys of the streaming API's messages that are not tweets.
STREAM_NOTICES = frozenset(
    {
        "delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect",
        "warning", "event", "friends", "friends_str", "for_user", "control",
    }
)


def read(path: Path, staging: Staging, on_bytes: ByteCounter | None = None) -> None:
    staging.each(tweets(path, on_bytes), parse)


def tweets(path: Path, on_bytes: ByteCounter | None = None) -> Iterator[Record]:
    """One record per tweet: search responses are opened up, stream notices left out."""
    yield from statuses_of(json_payloads(path, on_bytes))


def statuses_of(records: Iterable[Record]) -> Iterator[Record]:
    """The tweets of decoded JSON values: search responses opened up, stream notices left out."""
    for record in records:
        if isinstance(record, Malformed):
            yield record
            continue
        number, payload = record
        if _is_search_response(payload):
            for status in payload["statuses"]:
                yield number, status
        elif not _is_stream_notice(payload):
            yield record


def _is_search_response(payload: object) -> bool:
    return isinstance(payload, dict) and isinstance(payload.get("statuses"), list)


def _is_stream_notice(payload: object) -> bool:
    return (
        isinstance(payload, dict)
        and "id" not in payload
        and "id_str" not in payload
        and not STREAM_NOTICES.isdisjoint(payload)
    )


def parse(payload: object) -> list[Row]:
    """A tweet's post and author, then its embedded originals (and theirs) as Embedded."""
    if not isinstance(payload, dict):
        raise BadRecord("not a tweet object")
    if "user" not in payload and ("data" in payload or "author_id" in payload):
        raise BadRecord("Twitter API v2 data, not a v1.1 tweet (use --format twitter-v2)")
    shared, author = _post_and_author(payload)
    return [shared, author, *_originals(payload)]


def _post_and_author(tweet: dict) -> tuple[SharedPost, Account]:
    user = tweet.get("user")
    if not isinstance(user, dict):
        raise BadRecord("missing 'user'")
    author = _account(user)
    return _shared_post(tweet, author), author


def _originals(tweet: dict) -> list[Row]:
    """The retweeted and quoted tweets carried inside this one, with their own originals."""
    rows: list[Row] = []
    for key in ("retweeted_status", "quoted_status"):
        original = tweet.get(key)
        if isinstance(original, dict):
            rows.extend(_embedded(original))
    return rows


def _embedded(original: dict) -> list[Row]:
    """An embedded original as Embedded rows; one too broken to store is left out, since
    the tweet carrying it is still good."""
    try:
        shared, author = _post_and_author(original)
    except BadRecord:
        return []
    return [Embedded(shared), Embedded(author), *_originals(original)]


def _shared_post(tweet: dict, author: Account) -> SharedPost:
    post_id = required_text(tweet, "id_str", "id")
    extended = as_dict(tweet.get("extended_tweet"))
    entities = as_dict(extended.get("entities") or tweet.get("entities"))
    repost_of = _original_id(tweet, "retweeted_status")
    quote_of = _original_id(tweet, "quoted_status") or optional_text(tweet.get("quoted_status_id_str"))
    reply_to = first_string(tweet, ("in_reply_to_status_id_str", "in_reply_to_status_id"))
    kind, ref = kind_and_ref(repost_of, quote_of, reply_to)
    post = Post(
        platform=PLATFORM,
        post_id=post_id,
        account_id=author.account_id,
        ts=optional(twitter_v1_time, tweet.get("created_at")),
        text=tweet_text(extended.get("full_text") or tweet.get("full_text") or tweet.get("text")),
        lang=optional_text(tweet.get("lang")),
        kind=kind,
        ref_post_id=ref,
        reply_to_post_id=reply_to,
        url=status_url(author.handle, post_id),
        client=client_name(tweet.get("source")),
    )
    return SharedPost(
        post=post,
        urls=shared_urls(entities.get("urls"), "expanded_url", "url"),
        hashtags=entity_strings(entities.get("hashtags"), "text"),
        mentions=entity_strings(entities.get("user_mentions"), "id_str", "id", "screen_name"),
        images=entity_strings(_media(tweet, extended, entities), "id_str", "id"),
    )


def _original_id(tweet: dict, key: str) -> str | None:
    """The id of an embedded original; an original without one makes the tweet unusable,
    since what it reposts or quotes is the point of it."""
    original = tweet.get(key)
    if not isinstance(original, dict):
        return None
    try:
        return required_text(original, "id_str", "id")
    except BadRecord:
        raise BadRecord(f"'{key}' without 'id_str' or 'id'") from None


def _media(tweet: dict, extended: dict, entities: dict) -> list:
    """Attached media: `extended_entities` lists every photo, `entities.media` only the first."""
    for block in (extended.get("extended_entities"), tweet.get("extended_entities"), entities):
        media = as_list(as_dict(block).get("media"))
        if media:
            return media
    return []


def _user_id(user: dict) -> str:
    try:
        return required_text(user, "id_str", "id")
    except BadRecord:
        raise BadRecord("'user' without 'id_str' or 'id'") from None


def _account(user: dict) -> Account:
    return Account(
        platform=PLATFORM,
        account_id=_user_id(user),
        handle=optional_text(user.get("screen_name")),
        display_name=optional_text(user.get("name")),
        created_at=optional(twitter_v1_time, user.get("created_at")),
        followers=optional_integer(user.get("followers_count")),
        following=optional_integer(user.get("friends_count")),
        posts_count=optional_integer(user.get("statuses_count")),
        likes_count=optional_integer(user.get("favourites_count")),
        listed_count=optional_integer(user.get("listed_count")),
        verified=optional_boolean(user.get("verified")),
        default_profile=optional_boolean(user.get("default_profile")),
        default_profile_image=optional_boolean(user.get("default_profile_image")),
        description=optional_text(user.get("description")),
        location=optional_text(user.get("location")),
        url=profile_url(user),
    )
