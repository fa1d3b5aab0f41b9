"""The canonical tables: the one definition every reader writes and every analysis reads.

Each table is a msgspec Struct (the row type readers build) plus its key. The DuckDB
DDL, the Arrow schemas used for staging and the column lists used in SQL are all
derived from these classes, so a column is named in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass

import msgspec
import pyarrow as pa

SCHEMA_VERSION = 1

POST_KINDS = ("post", "repost", "reply", "quote", "forward")


class Account(msgspec.Struct, kw_only=True):
    """A profile as seen in the data; later files fill fields earlier ones left empty."""

    platform: str
    account_id: str
    handle: str | None = None
    display_name: str | None = None
    created_at: dt.datetime | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    likes_count: int | None = None
    listed_count: int | None = None
    verified: bool | None = None
    default_profile: bool | None = None
    default_profile_image: bool | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None
    profile_image_hash: str | None = None


class Post(msgspec.Struct, kw_only=True):
    """One post, repost, reply, quote or forward; `ref_post_id` is what a repost/quote/forward points at."""

    platform: str
    post_id: str
    account_id: str
    ts: dt.datetime | None = None
    text: str | None = None
    lang: str | None = None
    kind: str = "post"
    ref_post_id: str | None = None
    reply_to_post_id: str | None = None
    url: str | None = None
    client: str | None = None


class Action(msgspec.Struct, kw_only=True):
    """CooRTweet's long table: one row per object an account shared in one content."""

    platform: str
    account_id: str
    content_id: str
    object_id: str
    kind: str
    ts: dt.datetime | None = None


class Article(msgspec.Struct, kw_only=True):
    """A news article; `text` is exactly as read so character offsets point into it."""

    doc_id: str
    outlet: str | None = None
    url: str | None = None
    published: dt.datetime | None = None
    title: str | None = None
    text: str
    lang: str | None = None


class Quarantined(msgspec.Struct, kw_only=True):
    """A record that could not be used, kept with the reason so nothing is lost silently."""

    file: str
    record: int | None = None
    reason: str
    raw: str | None = None


class Ingest(msgspec.Struct, kw_only=True):
    """One file ingested: what it was and what it added."""

    file: str
    format: str
    size: int
    sha256: str
    n_records: int
    n_quarantined: int
    n_posts: int
    n_accounts: int
    n_actions: int
    n_articles: int


@dataclass(frozen=True)
class Table:
    """A canonical table: its name, row type, natural key and whether rows record their ingest."""

    name: str
    row: type[msgspec.Struct]
    key: tuple[str, ...] = ()
    provenance: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        return self.row.__struct_fields__

    @property
    def stored_columns(self) -> tuple[str, ...]:
        return (*self.columns, "ingest_id") if self.provenance else self.columns

    def ddl(self) -> str:
        hints = typing.get_type_hints(self.row)
        cols = [f"{name} {duckdb_type(hints[name])}" for name in self.columns]
        if self.provenance:
            cols.append("ingest_id INTEGER NOT NULL")
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)})"

    def arrow_schema(self) -> pa.Schema:
        hints = typing.get_type_hints(self.row)
        return pa.schema([(name, arrow_type(hints[name])) for name in self.columns])


ACCOUNTS = Table("accounts", Account, key=("platform", "account_id"))
POSTS = Table("posts", Post, key=("platform", "post_id"))
ACTIONS = Table("actions", Action, provenance=False)
ARTICLES = Table("articles", Article, key=("doc_id",))
QUARANTINE = Table("quarantine", Quarantined)
INGESTS = Table("ingests", Ingest, key=("sha256", "format"))

CANONICAL_TABLES = (ACCOUNTS, POSTS, ACTIONS, ARTICLES, QUARANTINE)
ALL_TABLES = (*CANONICAL_TABLES, INGESTS)

_SCALARS = {
    str: ("VARCHAR", pa.string()),
    int: ("BIGINT", pa.int64()),
    float: ("DOUBLE", pa.float64()),
    bool: ("BOOLEAN", pa.bool_()),
    dt.datetime: ("TIMESTAMP", pa.timestamp("us")),
}


def _scalar(hint: object) -> type:
    """Strip `| None` from a type hint; every canonical column is a plain scalar."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return inner
    return hint  # type: ignore[return-value]


def duckdb_type(hint: object) -> str:
    return _SCALARS[_scalar(hint)][0]


def arrow_type(hint: object) -> pa.DataType:
    return _SCALARS[_scalar(hint)][1]
