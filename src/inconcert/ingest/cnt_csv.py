"""`cnt-csv`: the QUT coordination-network-toolkit's platform-neutral CSV.

Columns `message_id, user_id, username, repost_id, reply_id, message, timestamp, urls`,
one message per row. The toolkit reads them by position; we read them by header name,
so a file whose header names differ is refused rather than silently misread.

Quirks: `timestamp` is Unix seconds in the toolkit's README, but converted files carry
fractional seconds or ISO date-times too, so both are accepted. `urls` is one
space-separated cell. Empty `repost_id` / `reply_id` mean "none". The toolkit keys on
`message_id` and keeps the first row it sees; the posts table does the same, so a
repeated id is one post (both rows still count as records). Hashtags and mentions are
not columns: they are taken from the message text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from inconcert.ingest import fields
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import csv_records
from inconcert.ingest.staging import Row, Staging
from inconcert.normalize import hashtags_in, mentions_in
from inconcert.store.schema import Account, Post

PLATFORM = "cnt"
COLUMNS = ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls")
_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(csv_records(path, COLUMNS, on_bytes, format_name="cnt-csv"), parse_row)


def parse_row(row: dict[str, str]) -> list[Row]:
    """One message: its author and the post with what it shares."""
    message_id = fields.required_text(row, "message_id").strip()
    user_id = fields.required_text(row, "user_id").strip()
    ts = message_time(row.get("timestamp"))
    repost_id = fields.text(row.get("repost_id"))
    reply_id = fields.text(row.get("reply_id"))
    message = fields.text(row.get("message"))
    post = Post(
        platform=PLATFORM,
        post_id=message_id,
        account_id=user_id,
        ts=ts,
        text=message,
        kind="repost" if repost_id else "reply" if reply_id else "post",
        ref_post_id=repost_id.strip() if repost_id else None,
        reply_to_post_id=reply_id.strip() if reply_id else None,
    )
    author = Account(platform=PLATFORM, account_id=user_id, handle=fields.text(row.get("username")))
    shared = SharedPost(
        post=post,
        urls=(row.get("urls") or "").split(),
        hashtags=hashtags_in(message),
        mentions=mentions_in(message),
    )
    return [author, shared]


def message_time(value: str | None) -> dt.datetime:
    """Unix seconds (integer or fractional) or an ISO date-time; the toolkit needs one."""
    cell = (value or "").strip()
    if _NUMBER.fullmatch(cell):
        return fields.from_epoch(cell)
    moment = fields.iso_time(cell)
    if moment is None:
        raise fields.BadRecord("missing 'timestamp'")
    return moment
