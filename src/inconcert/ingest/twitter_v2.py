"""`twitter-v2`: Twitter API v2 JSON lines as twarc2 writes them: one response page per line
(`data`, `includes`, `meta`, `__twarc`; a streamed page holds a single tweet in `data`),
or flattened tweets (`twarc2 flatten`), one per line with the expansions written inline.

Each tweet of a page's `data` is one record; pages without tweets (an empty search, a
page of `errors` only) add nothing. The page's `includes.tweets` and `includes.users` are
joined by id and stored as Embedded rows, not counted: a retweet in `data` carries only a
truncated `RT @x: …` text and the id of its original, which is stored whole, with its own
author, from `includes`. A flattened tweet carries the same objects inline (`author`,
`in_reply_to_user`, full tweets inside `referenced_tweets`, user fields merged into
`entities.mentions`), so both shapes go through one parser. Includes that no tweet of the
page refers to (pinned tweets of a user lookup, say) are not stored. Long posts carry
their whole text and entities in `note_tweet`, which is preferred. As in v1.1, `&`, `<`
and `>` come escaped in text and are unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from inconcert.ingest.fields import BadRecord, as_dict, as_list, iso_time, optional, required_text
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

PAGE_KEYS = frozenset({"data", "includes", "meta", "errors"})
# A v2 media key is `<media type>_<media id>`; the id alone matches v1.1's `id_str`.
_MEDIA_KEY = re.compile(r"\d+_(\d+)")


class Includes(msgspec.Struct, frozen=True):
    """A page's expansions by id (users also by lower-cased username, for mentions)."""

    users: dict[str, dict] = {}
    usernames: dict[str, dict] = {}
    tweets: dict[str, dict] = {}


class PageTweet(msgspec.Struct, frozen=True):
    """One record: a tweet and the expansions of the page it came in."""

    tweet: object
    includes: Includes


NO_INCLUDES = Includes()


def read(path: Path, staging: Staging, on_bytes: ByteCounter | None = None) -> None:
    staging.each(tweets(path, on_bytes), parse)


def tweets(path: Path, on_bytes: ByteCounter | None = None) -> Iterator[Record]:
    """One record per tweet of each page's `data`, or per flattened tweet."""
    yield from page_tweets(json_payloads(path, on_bytes))


def page_tweets(records: Iterable[Record]) -> Iterator[Record]:
    """The tweets of decoded pages (or flattened tweets), each with its page's expansions."""
    for record in records:
        if isinstance(record, Malformed):
            yield record
            continue
        number, payload = record
        if _is_page(payload):
            includes = _includes(payload.get("includes"))
            for tweet in _data_items(payload.get("data")):
                yield number, PageTweet(tweet, includes)
        else:
            yield number, PageTweet(payload, NO_INCLUDES)


def _is_page(payload: object) -> bool:
    return isinstance(payload, dict) and "id" not in payload and not PAGE_KEYS.isdisjoint(payload)


def _data_items(data: object) -> list:
    if data is None:
        return []
    return data if isinstance(data, list) else [data]


def _includes(block: object) -> Includes:
    includes = as_dict(block)
    users = _by_key(as_list(includes.get("users")), "id")
    return Includes(
        users=users,
        usernames={name.lower(): user for name, user in _by_key(list(users.values()), "username").items()},
        tweets=_by_key(as_list(includes.get("tweets")), "id"),
    )


def _by_key(items: list, key: str) -> dict[str, dict]:
    """Objects by one of their fields; objects without it cannot be joined and are left out."""
    found = {}
    for item in items:
        value = first_string(item, (key,))
        if value is not None:
            found[value] = item
    return found


def parse(item: PageTweet) -> list[Row]:
    """A tweet's post and author, then the users and tweets it refers to as Embedded."""
    tweet, includes = item.tweet, item.includes
    if not isinstance(tweet, dict):
        raise BadRecord("not a tweet object")
    if isinstance(tweet.get("user"), dict) or "statuses" in tweet:
        raise BadRecord("Twitter API v1.1 data, not v2 (use --format twitter-v1)")
    shared, author = _post_and_author(tweet, includes)
    return [shared, author, *_people(tweet, includes), *_originals(tweet, includes)]


def _post_and_author(tweet: dict, includes: Includes) -> tuple[SharedPost, Account]:
    post_id = required_text(tweet, "id")
    profile = _author_profile(tweet, includes)
    account_id = optional_text(tweet.get("author_id")) or first_string(profile, ("id",))
    if account_id is None:
        if "username" in tweet and "text" not in tweet:
            raise BadRecord("a user object, not a tweet")
        raise BadRecord("missing 'author_id'")
    author = _account(account_id, profile)
    return _shared_post(tweet, post_id, author), author


def _author_profile(tweet: dict, includes: Includes) -> dict | None:
    inline = tweet.get("author")
    if isinstance(inline, dict) and inline:
        return inline
    return includes.users.get(optional_text(tweet.get("author_id")))


def _people(tweet: dict, includes: Includes) -> list[Row]:
    """Profiles of the users a tweet replies to or mentions, when the data has them."""
    replied = tweet.get("in_reply_to_user")
    if not isinstance(replied, dict):
        replied = includes.users.get(optional_text(tweet.get("in_reply_to_user_id")))
    mentioned = [_mentioned_profile(m, includes) for m in as_list(_entities(tweet).get("mentions"))]
    rows: list[Row] = []
    for profile in (replied, *mentioned):
        account_id = first_string(profile, ("id",))
        if account_id is not None:
            rows.append(Embedded(_account(account_id, profile)))
    return rows


def _mentioned_profile(mention: object, includes: Includes) -> dict | None:
    """A flattened mention has the user's fields merged in; a page's is joined by id or name."""
    entity = as_dict(mention)
    if "name" in entity:
        return entity
    by_id = includes.users.get(first_string(entity, ("id",)))
    username = first_string(entity, ("username",))
    return by_id or (includes.usernames.get(username.lower()) if username else None)


def _originals(tweet: dict, includes: Includes) -> list[Row]:
    """The tweets this one retweets, quotes or replies to, as far as the data holds them."""
    rows: list[Row] = []
    for reference in as_list(tweet.get("referenced_tweets")):
        original = _referenced_tweet(reference, includes)
        if original is not None:
            rows.extend(_embedded(original, includes))
    return rows


def _referenced_tweet(reference: object, includes: Includes) -> dict | None:
    entry = as_dict(reference)
    if "text" in entry or "author_id" in entry:  # flattened: the whole tweet is inline
        return entry
    return includes.tweets.get(first_string(entry, ("id",)))


def _embedded(original: dict, includes: Includes) -> list[Row]:
    """A referenced tweet as Embedded rows; one too broken to store is left out, since the
    tweet referring to it is still good."""
    try:
        shared, author = _post_and_author(original, includes)
    except BadRecord:
        return []
    return [Embedded(shared), Embedded(author), *_people(original, includes)]


def _entities(tweet: dict) -> dict:
    """Entities of the whole text: a long post's `note_tweet` has its own."""
    note = as_dict(tweet.get("note_tweet"))
    return as_dict(note.get("entities") or tweet.get("entities"))


def _shared_post(tweet: dict, post_id: str, author: Account) -> SharedPost:
    entities = _entities(tweet)
    references = _references(tweet)
    replied_to = references.get("replied_to")
    kind, ref = kind_and_ref(references.get("retweeted"), references.get("quoted"), replied_to)
    post = Post(
        platform=PLATFORM,
        post_id=post_id,
        account_id=author.account_id,
        ts=optional(iso_time, tweet.get("created_at")),
        text=tweet_text(as_dict(tweet.get("note_tweet")).get("text") or tweet.get("text")),
        lang=optional_text(tweet.get("lang")),
        kind=kind,
        ref_post_id=ref,
        reply_to_post_id=replied_to,
        url=status_url(author.handle, post_id),
        client=client_name(tweet.get("source")),
    )
    return SharedPost(
        post=post,
        urls=shared_urls(entities.get("urls"), "expanded_url", "unwound_url", "url"),
        hashtags=entity_strings(entities.get("hashtags"), "tag"),
        mentions=entity_strings(entities.get("mentions"), "id", "username"),
        images=_media_ids(tweet),
    )


def _references(tweet: dict) -> dict[str, str]:
    """`referenced_tweets` as type -> id (retweeted, quoted, replied_to)."""
    references: dict[str, str] = {}
    for reference in as_list(tweet.get("referenced_tweets")):
        kind, ref_id = first_string(reference, ("type",)), first_string(reference, ("id",))
        if kind and ref_id:
            references.setdefault(kind, ref_id)
    return references


def _media_ids(tweet: dict) -> list[str]:
    """Attached media by media id, the part of the media key v1.1 data also has."""
    attachments = as_dict(tweet.get("attachments"))
    keys = [key for key in (optional_text(k) for k in as_list(attachments.get("media_keys"))) if key]
    keys = keys or entity_strings(attachments.get("media"), "media_key")
    return [match.group(1) if (match := _MEDIA_KEY.fullmatch(key)) else key for key in keys]


def _account(account_id: str, profile: dict | None) -> Account:
    user = profile or {}
    metrics = as_dict(user.get("public_metrics"))
    return Account(
        platform=PLATFORM,
        account_id=account_id,
        handle=optional_text(user.get("username")),
        display_name=optional_text(user.get("name")),
        created_at=optional(iso_time, user.get("created_at")),
        followers=optional_integer(metrics.get("followers_count")),
        following=optional_integer(metrics.get("following_count")),
        posts_count=optional_integer(metrics.get("tweet_count")),
        likes_count=optional_integer(metrics.get("like_count")),
        listed_count=optional_integer(metrics.get("listed_count")),
        verified=optional_boolean(user.get("verified")),
        description=optional_text(user.get("description")),
        location=optional_text(user.get("location")),
        url=profile_url(user),
    )
