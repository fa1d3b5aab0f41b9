"""Readers: one module per input format, each turning files into canonical rows.

A reader module defines `read(path: Path, staging: Staging, on_bytes) -> None`. It is
registered here by format name with the one line `inconcert ingest --help` shows.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from inconcert.errors import UserError

# format name -> (module under inconcert.ingest, one-line description)
FORMATS: dict[str, tuple[str, str]] = {
    "actions": ("actions", "CooRTweet's table: object_id, account_id, content_id, timestamp_share [, kind] (CSV or Parquet)"),
    "cnt-csv": ("cnt_csv", "QUT coordination-network-toolkit CSV: message_id, user_id, username, repost_id, reply_id, message, timestamp, urls"),
    "twitter-v1": ("twitter_v1", "Twitter API v1.1 tweets as JSON lines (twarc 1), or a JSON array / search response"),
    "twitter-v2": ("twitter_v2", "Twitter API v2 JSON lines: twarc2 response pages with includes, or flattened tweets"),
    "io-archive": ("io_archive", "X/Twitter information-operations archive CSV (tweetid, userid, tweet_time, ...)"),
    "telegram": ("telegram", "Telegram Desktop JSON export (result.json): one chat or a whole account"),
    "bluesky": ("bluesky", "Bluesky Jetstream JSON lines: post and repost commits, identity events"),
    "mastodon": ("mastodon", "Mastodon API statuses: JSON arrays or JSON lines"),
    "crowdtangle": ("crowdtangle", "CrowdTangle CSV exports of Facebook pages/groups and Instagram accounts"),
    "4cat": ("fourcat", "4CAT dataset exports: mapped CSV or NDJSON"),
    "articles": ("articles", "news articles: .txt and .html files (doc_id = file name) or JSON lines (id, text|html, url, outlet, published, title)"),
}


def reader_module(format_name: str) -> ModuleType:
    if format_name not in FORMATS:
        raise UserError(f"--format {format_name}: unknown format; use one of {', '.join(FORMATS)}.")
    return importlib.import_module(f"inconcert.ingest.{FORMATS[format_name][0]}")


def formats_help() -> str:
    width = max(len(name) for name in FORMATS)
    return "\n".join(f"{name.ljust(width)}  {description}" for name, (_, description) in FORMATS.items())
