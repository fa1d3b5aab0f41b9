"""`io-archive`: the tweets CSV of X/Twitter's information-operations archives.

The transparency releases (2018-2021, later the Moderation Research Consortium) publish
one row per tweet with the author's profile repeated on every row: `tweetid, userid,
user_screen_name, account_creation_date, tweet_time, is_retweet, retweet_tweetid,
hashtags, urls, user_mentions, tweet_text, ...`.

Quirks kept in mind here:
- For accounts with few followers `userid`, `user_screen_name` and `user_display_name`
  are replaced by one hash. Ids are kept exactly as given, hashes included.
- `tweet_time` is often cut to the minute ("2018-05-01 12:34"), so a co-action window
  under 60 seconds means little on these files; `account_creation_date` may be a date.
- `hashtags`, `urls` and `user_mentions` are bracketed list strings ("[a, b]" or
  "['a', 'b']"); mentions are user ids, not handles.
- Releases differ in their columns, so only `tweetid`, `userid` and `tweet_time` are
  required; any other column may be missing and an unreadable optional value is
  dropped, not the tweet. Empty cells, "nan" and "None" all mean "no value".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from inconcert.ingest import fields
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import csv_records
from inconcert.ingest.staging import Row, Staging
from inconcert.store.schema import Account, Post

PLATFORM = "twitter"
REQUIRED = ("tweetid", "userid", "tweet_time")
_MISSING = {"", "nan", "NaN", "None", "null", "NULL"}


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(csv_records(path, REQUIRED, on_bytes, format_name="io-archive"), parse_row)


def parse_row(row: dict[str, str]) -> list[Row]:
    """One tweet row: the author's profile as of the release, and the tweet."""
    tweet_id = _id(row, "tweetid")
    user_id = _id(row, "userid")
    if tweet_id is None:
        raise fields.BadRecord("missing 'tweetid'")
    if user_id is None:
        raise fields.BadRecord("missing 'userid'")
    ts = fields.iso_time(_cell(row, "tweet_time"))
    if ts is None:
        raise fields.BadRecord("missing 'tweet_time'")
    return [author_of(row, user_id), tweet_of(row, tweet_id, user_id, ts)]


def tweet_of(row: dict[str, str], tweet_id: str, user_id: str, ts: dt.datetime) -> SharedPost:
    retweet_of = _id(row, "retweet_tweetid")
    is_retweet = fields.optional(fields.boolean, _cell(row, "is_retweet")) or retweet_of is not None
    quote_of = _id(row, "quoted_tweet_tweetid")
    reply_to = _id(row, "in_reply_to_tweetid")
    kind = "repost" if is_retweet else "quote" if quote_of else "reply" if reply_to else "post"
    post = Post(
        platform=PLATFORM,
        post_id=tweet_id,
        account_id=user_id,
        ts=ts,
        text=_cell(row, "tweet_text"),
        lang=_cell(row, "tweet_language"),
        kind=kind,
        ref_post_id=retweet_of if is_retweet else quote_of,
        reply_to_post_id=reply_to,
        client=_cell(row, "tweet_client_name"),
    )
    return SharedPost(
        post=post,
        urls=_list(row, "urls"),
        hashtags=_list(row, "hashtags"),
        mentions=_list(row, "user_mentions"),
    )


def author_of(row: dict[str, str], user_id: str) -> Account:
    return Account(
        platform=PLATFORM,
        account_id=user_id,
        handle=_cell(row, "user_screen_name"),
        display_name=_cell(row, "user_display_name"),
        created_at=fields.optional(fields.iso_time, _cell(row, "account_creation_date")),
        followers=fields.optional(fields.integer, _cell(row, "follower_count")),
        following=fields.optional(fields.integer, _cell(row, "following_count")),
        description=_cell(row, "user_profile_description"),
        location=_cell(row, "user_reported_location"),
        url=_cell(row, "user_profile_url"),
    )


def _cell(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    if value is None or value.strip() in _MISSING:
        return None
    return value


def _id(row: dict[str, str], column: str) -> str | None:
    """An id cell; ids written by a spreadsheet as `1.0` lose the float tail, nothing else."""
    value = _cell(row, column)
    if value is None:
        return None
    value = value.strip()
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def _list(row: dict[str, str], column: str) -> list[str]:
    return fields.optional(fields.string_list, _cell(row, column)) or []
