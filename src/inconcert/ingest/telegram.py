"""`telegram`: Telegram Desktop's "Export chat history" JSON (`result.json`).

Two shapes: one chat (`{name, type, id, messages: [...]}`) or a whole account
(`chats.list[]` and `left_chats.list[]`, each a chat of that shape). Exports reach
hundreds of MB in one JSON document, so the file is streamed with ijson and only one
message is held at a time; a document that breaks off keeps the messages before the break.

Quirks this reader deals with:
- Message ids are per chat, so a post id is `"{chat id}/{message id}"`.
- `date` is the exporting machine's local time with no zone; `date_unixtime` (a string of
  Unix seconds) is true UTC and is preferred. `date` is used only when it is missing.
- `text` is a string or a list mixing strings and entity objects; `text_entities[]`
  (newer exports) lists the same pieces, each typed.
- Service messages (joins, pins, ...) are records but not posts; their `actor_id` is an account.
- A forward does not say which message it copies, only whose (`forwarded_from_id` or the
  name `forwarded_from`). Its `ref_post_id` is therefore built from that source and the
  normalised text (`forward:{source}:{text fingerprint}`), so two accounts forwarding the
  same original share it; a media-only forward falls back to the media's size and shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec

from inconcert.errors import UnusableFile
from inconcert.ingest.fields import BadRecord, from_epoch, iso_time, optional, required_text, text
from inconcert.ingest.shares import SharedPost
from inconcert.ingest.sources import (
    CLOSING_EVENTS,
    DECOMPRESSION_ERRORS,
    JSON_BREAKS,
    OPENING_EVENTS,
    JsonEvent,
    Malformed,
    Record,
    json_events,
    one_level_deeper,
    one_line,
    open_binary,
    whole_value,
)
from inconcert.ingest.staging import Row, Staging
from inconcert.normalize import text_fingerprint
from inconcert.store.schema import Account, Post

PLATFORM = "telegram"
# Where chats sit in the two export shapes ("" is the document itself for a one-chat export).
_CHAT_PREFIXES = ("", "chats.list.item", "left_chats.list.item")
_CHAT_FIELDS = ("name", "type", "id")
_FIELD_AT = {f"{chat}.{name}".lstrip("."): name for chat in _CHAT_PREFIXES for name in _CHAT_FIELDS}
_MESSAGES_AT = {f"{chat}.messages".lstrip(".") for chat in _CHAT_PREFIXES}
_MESSAGE_AT = {f"{messages}.item" for messages in _MESSAGES_AT}
_CHAT_START = {chat for chat in _CHAT_PREFIXES if chat}
# Where reading stops early: the JSON breaks off, or the compressed file under it does.
_BREAKS = (*JSON_BREAKS, *DECOMPRESSION_ERRORS)
# What identifies a forwarded photo or file when it has no text: the same original
# forwarded twice is the same file on Telegram's servers, with the same size and shape.
_MEDIA_SIGNATURE = ("media_type", "mime_type", "photo_file_size", "file_size", "width", "height", "duration_seconds")


class Chat(msgspec.Struct):
    """What a message needs to know about the chat it belongs to."""

    id: str | None = None
    name: str | None = None
    type: str | None = None


def read(path: Path, staging: Staging, on_bytes=None) -> None:
    staging.each(_messages(path, on_bytes), _rows)


# -- streaming the document ---------------------------------------------------------------


def _messages(path: Path, on_bytes) -> Iterator[Record]:
    """Every element of every `messages` array, paired with its chat, one at a time."""
    progress = _Progress()
    with open_binary(path, on_bytes) as stream:
        try:
            yield from _walk(json_events(stream), progress)
        except _BREAKS as error:
            if progress.saw_messages:
                yield Malformed(progress.records + 1, _break_reason(error, progress.records))
                return
            if isinstance(error, DECOMPRESSION_ERRORS):
                raise UnusableFile(f"{path}: the compressed data is corrupt ({one_line(error)}).") from None
            raise UnusableFile(f"{path}: not a Telegram JSON export ({one_line(error)}).") from None
    if not progress.saw_messages:
        raise UnusableFile(f"{path}: not a Telegram JSON export (no 'messages' list of a chat or of 'chats.list').")


class _Progress(msgspec.Struct):
    """How far the walk got, for what to say when the document breaks off."""

    records: int = 0
    saw_messages: bool = False


def _walk(events: Iterator[JsonEvent], progress: _Progress) -> Iterator[Record]:
    """Follows the document's structure: chat fields update the current chat, and each
    message is built whole and handed over with it."""
    chat = Chat()
    depth = 0  # outside messages, which whole_value reads whole
    for prefix, event, value in events:
        if prefix in _MESSAGE_AT:
            message = whole_value(event, value, events)
            progress.records += 1
            yield progress.records, (chat, message)
        elif event in OPENING_EVENTS:
            depth = one_level_deeper(depth)
            if prefix in _CHAT_START and event == "start_map":
                chat = Chat()
            elif prefix in _MESSAGES_AT and event == "start_array":
                progress.saw_messages = True
        elif event in CLOSING_EVENTS:
            depth -= 1
        elif prefix in _FIELD_AT:
            setattr(chat, _FIELD_AT[prefix], optional(text, value))


def _break_reason(error: Exception, records: int) -> str:
    if isinstance(error, DECOMPRESSION_ERRORS):
        return f"the compressed data is cut off or corrupt after record {records} ({one_line(error)})"
    return f"JSON document breaks off after record {records} ({one_line(error)})"


# -- one message --------------------------------------------------------------------------


def _rows(payload: tuple[Chat, object]) -> list[Row]:
    chat, message = payload
    if not isinstance(message, dict):
        raise BadRecord("message is not a JSON object")
    required_text(message, "id")
    if message.get("type") == "service":
        return _service_rows(message)
    return _post_rows(chat, message)


def _service_rows(message: dict) -> list[Row]:
    """A join, pin or title change is no post, but its actor is an account seen in the chat."""
    actor_id = optional(text, message.get("actor_id"))
    if actor_id is None:
        return []
    return [Account(platform=PLATFORM, account_id=actor_id, display_name=optional(text, message.get("actor")))]


def _post_rows(chat: Chat, message: dict) -> list[Row]:
    if chat.id is None:
        raise BadRecord("the chat has no 'id' before its messages")
    account_id = _author_id(chat, message)
    body = _text_of(message)
    entities = _entities_of(message)
    forward_source = _forward_source(message)
    reply_to = optional(text, message.get("reply_to_message_id"))
    kind = "forward" if forward_source else "reply" if reply_to else "post"
    post = Post(
        platform=PLATFORM,
        post_id=f"{chat.id}/{required_text(message, 'id')}",
        account_id=account_id,
        ts=_time_of(message),
        text=body,
        kind=kind,
        ref_post_id=_forward_ref(forward_source, body, message) if forward_source else None,
        reply_to_post_id=f"{chat.id}/{reply_to}" if reply_to else None,
        client=optional(text, message.get("via_bot")),
    )
    shared = SharedPost(
        post=post,
        urls=_urls(entities),
        hashtags=[e["text"] for e in entities if e.get("type") == "hashtag" and isinstance(e.get("text"), str)],
        mentions=_mentions(entities),
    )
    rows: list[Row] = [shared, _author(account_id, message)]
    if _is_channel(chat):
        rows.append(Account(platform=PLATFORM, account_id=f"channel{chat.id}", display_name=chat.name))
    return rows


def _author_id(chat: Chat, message: dict) -> str:
    """`from_id` as given; old exports leave it out of channel posts, whose author is the channel."""
    from_id = text(message.get("from_id"))
    if from_id is not None:
        return from_id
    if _is_channel(chat):
        return f"channel{chat.id}"
    raise BadRecord("missing 'from_id'")


def _is_channel(chat: Chat) -> bool:
    """`public_channel` or `private_channel`: a broadcast whose posts are the channel's own."""
    return bool(chat.type and "channel" in chat.type)


def _author(account_id: str, message: dict) -> Account:
    return Account(platform=PLATFORM, account_id=account_id, display_name=optional(text, message.get("from")))


def _time_of(message: dict):
    """UTC from `date_unixtime`; the zone-less local `date` only when that is missing."""
    unix = message.get("date_unixtime")
    if unix not in (None, ""):
        moment = optional(from_epoch, unix)
        if moment is not None:
            return moment
    return optional(iso_time, message.get("date"))


def _text_of(message: dict) -> str | None:
    """The message text: a string, or the concatenation of a list of strings and entities."""
    pieces = message.get("text")
    if pieces is None:
        pieces = message.get("text_entities")
    if isinstance(pieces, str):
        return pieces or None
    if not isinstance(pieces, list):
        return None
    parts = (p if isinstance(p, str) else str(p.get("text") or "") for p in pieces if isinstance(p, (str, dict)))
    return "".join(parts) or None


def _entities_of(message: dict) -> list[dict]:
    """Typed pieces of the text: `text_entities` when the export has them, else the dicts in `text`."""
    entities = message.get("text_entities")
    if not isinstance(entities, list):
        entities = message.get("text")
    if not isinstance(entities, list):
        return []
    return [e for e in entities if isinstance(e, dict)]


def _urls(entities: list[dict]) -> list[str]:
    """`link` pieces are the URL as typed (a scheme is added when Telegram linked a bare
    host); `text_link` pieces carry theirs in `href`."""
    urls = []
    for entity in entities:
        kind = entity.get("type")
        if kind == "link" and isinstance(entity.get("text"), str):
            url = entity["text"].strip()
            urls.append(url if "://" in url else f"http://{url}")
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            urls.append(entity["href"])
    return urls


def _mentions(entities: list[dict]) -> list[str]:
    """`@handle` mentions by handle; `mention_name` (a user without a handle) by id, written
    `user{id}` as `from_id` writes it so that a mention and the account it names agree."""
    mentions = []
    for entity in entities:
        kind = entity.get("type")
        if kind == "mention" and isinstance(entity.get("text"), str):
            mentions.append(entity["text"])
        elif kind == "mention_name":
            user_id = optional(text, entity.get("user_id"))
            if user_id is not None:
                mentions.append(f"user{user_id}")
    return mentions


def _forward_source(message: dict) -> str | None:
    """Whose message this copies: the original's id when the export gives it, else its name."""
    for key in ("forwarded_from_id", "forwarded_from", "saved_from"):
        source = optional(text, message.get(key))
        if source:
            return source
    return None


def _forward_ref(source: str, body: str | None, message: dict) -> str | None:
    """A stable stand-in for the forwarded original, equal for everyone who forwards it."""
    fingerprint = text_fingerprint(body)
    if fingerprint is None:
        media = [f"{key}={message[key]}" for key in _MEDIA_SIGNATURE if message.get(key) not in (None, "")]
        if not media:
            return None
        fingerprint = ",".join(media)
    return f"forward:{source}:{fingerprint}"
