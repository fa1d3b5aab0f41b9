"""The world written out in the formats analysts receive, field for field.

- `twitter_v2.jsonl`: twarc2 search output, one API response page per line (`data`,
  `includes.users`, `includes.tweets`, `meta`, `__twarc`); a retweet's text is the
  truncated `RT @user: …` and its original travels in `includes.tweets`; text is
  HTML-escaped and links are t.co links with the real URL in `entities.urls`.
- `io_archive.csv`: the transparency archive's tweets file, with its exact header; the
  operation's own accounts hashed, times cut to the minute, lists as bracketed strings.
- `telegram/result.json`: a Telegram Desktop whole-account export (`chats.list`), local
  times in `date` beside the true `date_unixtime`, text as a string or a list of pieces.
- `articles.jsonl`: one article per line: `id, text, url, outlet, published, title`.

Each writer also returns the canonical rows its file stands for (what a faithful reader
must find in it), from which the manifest's expected counts are computed.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from inconcert.ingest.shares import SharedPost
from inconcert.simulate.channels import TEXT_LINK_LABEL, LOCAL_OFFSET, TelegramExport, TgChat, TgMessage
from inconcert.simulate.narrative import Article as SimArticle
from inconcert.simulate.world import RETRIEVED_AT, SimAccount, SimPost, render_part
from inconcert.store.schema import Post

TWITTER = "twitter"
TELEGRAM = "telegram"
PAGE_SIZE = 100
RT_LIMIT = 140
IO_ARCHIVE_HEADER = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SEARCH_URL = (
    "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Creferenced_tweets.id%2C"
    "referenced_tweets.id.author_id%2Centities.mentions.username%2Cin_reply_to_user_id"
    "&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cin_reply_to_user_id%2Clang"
    "%2Cpublic_metrics%2Creferenced_tweets%2Creply_settings%2Cpossibly_sensitive"
    "&user.fields=created_at%2Cdescription%2Centities%2Clocation%2Cprofile_image_url%2Cprotected"
    "%2Cpublic_metrics%2Curl%2Cverified%2Cverified_type&max_results=100"
    "&query=%28Dalmora+OR+Kessaly+OR+Valen%29+OR+context%3A123.1220701888179359745"
    "&start_time=2024-03-04T00%3A00%3A00Z&end_time=2024-03-18T00%3A00%3A00Z"
)


@dataclass
class FileFacts:
    """What one written file holds, in canonical terms."""

    records: int = 0
    posts: dict[str, SharedPost] = field(default_factory=dict)
    accounts: dict[str, None] = field(default_factory=dict)
    articles: int = 0

    def add_post(self, shared: SharedPost, counted: bool) -> None:
        """A post counted as a record wins over an embedded copy of it, as in ingest."""
        key = shared.post.post_id
        if counted or key not in self.posts:
            self.posts[key] = shared


# -- Twitter API v2 ------------------------------------------------------------------------


def short_link(post_id: str, index: int) -> str:
    """A stable stand-in for the t.co link Twitter would have made."""
    digest = int.from_bytes(hashlib.blake2b(f"{post_id}:{index}".encode(), digest_size=8).digest(), "big")
    code = ""
    for _ in range(10):
        digest, rest = divmod(digest, 62)
        code += _BASE62[rest]
    return f"https://t.co/{code}"


def display_url(url: str) -> str:
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= 26 else bare[:25] + "\u2026"


def api_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tweet_text_and_entities(post: SimPost) -> tuple[str, dict[str, list[dict]]]:
    """The text as typed (t.co links in place of URLs) and its entity lists with offsets."""
    pieces: list[str] = []
    entities: dict[str, list[dict]] = {}
    position = 0
    mentions = iter(post.mentions)
    for index, (kind, value) in enumerate(post.parts):
        if pieces:
            pieces.append(" ")
            position += 1
        shown = short_link(post.post_id, index) if kind == "url" else render_part((kind, value))
        end = position + len(shown)
        if kind == "url":
            entities.setdefault("urls", []).append(
                {"start": position, "end": end, "url": shown, "expanded_url": value, "display_url": display_url(value)}
            )
        elif kind == "hashtag":
            entities.setdefault("hashtags", []).append({"start": position, "end": end, "tag": value})
        elif kind == "mention":
            entities.setdefault("mentions", []).append(
                {"start": position, "end": end, "username": value, "id": next(mentions).account_id}
            )
        pieces.append(shown)
        position = end
    return "".join(pieces), entities


def retweet_text_and_entities(post: SimPost) -> tuple[str, dict[str, list[dict]]]:
    """`RT @author: ` and the original, cut at 140 characters as the API does."""
    original = post.ref
    text, inner = tweet_text_and_entities(original)
    prefix = f"RT @{original.author.handle}: "
    full = prefix + text
    limit = len(full) if len(full) <= RT_LIMIT else RT_LIMIT - 1
    entities: dict[str, list[dict]] = {
        "mentions": [{"start": 3, "end": 4 + len(original.author.handle), "username": original.author.handle,
                      "id": original.author.account_id}]
    }
    for kind, items in inner.items():
        for item in items:
            shifted = {**item, "start": item["start"] + len(prefix), "end": item["end"] + len(prefix)}
            if shifted["end"] <= limit:
                entities.setdefault(kind, []).append(shifted)
    return (full if limit == len(full) else full[:limit] + "\u2026"), entities


def conversation_id(post: SimPost) -> str:
    while post.reply_to is not None:
        post = post.reply_to
    return post.post_id


def referenced_tweets(post: SimPost) -> list[dict]:
    if post.kind == "repost":
        return [{"type": "retweeted", "id": post.ref.post_id}]
    if post.kind == "quote":
        return [{"type": "quoted", "id": post.ref.post_id}]
    if post.kind == "reply":
        return [{"type": "replied_to", "id": post.reply_to.post_id}]
    return []


def tweet_json(post: SimPost, retweet_counts: dict[str, int]) -> dict:
    if post.kind == "repost":
        text, entities = retweet_text_and_entities(post)
        shown_counts = retweet_counts.get(post.ref.post_id, 0)
    else:
        text, entities = tweet_text_and_entities(post)
        shown_counts = retweet_counts.get(post.post_id, 0)
    tweet: dict = {
        "edit_history_tweet_ids": [post.post_id],
        "reply_settings": "everyone",
        "possibly_sensitive": False,
        "conversation_id": conversation_id(post),
        "lang": "en",
        "text": html.escape(text, quote=False),
        "created_at": api_time(post.ts),
        "public_metrics": {
            "retweet_count": shown_counts, "reply_count": 0, "like_count": 0 if post.kind == "repost" else 3 * shown_counts,
            "quote_count": 0, "bookmark_count": 0, "impression_count": 0 if post.kind == "repost" else 40 * shown_counts + 25,
        },
        "author_id": post.author.account_id,
        "id": post.post_id,
    }
    if entities:
        tweet["entities"] = entities
    if post.kind != "post":
        tweet["referenced_tweets"] = referenced_tweets(post)
    if post.kind == "reply":
        tweet["in_reply_to_user_id"] = post.reply_to.author.account_id
    return tweet


def user_json(account: SimAccount) -> dict:
    user: dict = {
        "id": account.account_id,
        "username": account.handle,
        "name": account.display_name,
        "created_at": api_time(account.created_at),
        "description": account.description,
        "protected": False,
        "verified": account.verified,
        "verified_type": "blue" if account.verified else "none",
        "profile_image_url": account.profile_image_url,
        "url": short_link(account.account_id, 0) if account.url else "",
        "public_metrics": {
            "followers_count": account.followers, "following_count": account.following,
            "tweet_count": account.posts_count, "listed_count": account.listed_count, "like_count": account.likes_count,
        },
    }
    if account.location:
        user["location"] = account.location
    if account.url:
        user["entities"] = {"url": {"urls": [{"start": 0, "end": 23, "url": user["url"], "expanded_url": account.url,
                                              "display_url": display_url(account.url)}]}}
    return user


def shared_tweet(post: SimPost) -> SharedPost:
    """The canonical post a tweet object stands for."""
    if post.kind == "repost":
        return SharedPost(post=_post(post, ref=post.ref.post_id))
    return SharedPost(
        post=_post(post, ref=post.ref.post_id if post.kind == "quote" else None),
        urls=post.urls(),
        hashtags=post.hashtags(),
        mentions=[account.account_id for account in post.mentions],
    )


def _post(post: SimPost, ref: str | None) -> Post:
    text = retweet_text_and_entities(post)[0] if post.kind == "repost" else tweet_text_and_entities(post)[0]
    return Post(
        platform=TWITTER, post_id=post.post_id, account_id=post.author.account_id, ts=post.ts, text=text,
        kind=post.kind, ref_post_id=ref, reply_to_post_id=post.reply_to.post_id if post.reply_to else None,
    )


def page_includes(page: list[SimPost]) -> tuple[list[SimPost], list[SimAccount]]:
    """What twarc2's expansions add to a page: the referenced tweets and every user named."""
    tweets: dict[str, SimPost] = {}
    for post in page:
        for referenced in (post.ref, post.reply_to):
            if referenced is not None:
                tweets.setdefault(referenced.post_id, referenced)
    users: dict[str, SimAccount] = {}
    for post in [*page, *tweets.values()]:
        for account in (post.author, *post.mentions, *(p.author for p in (post.ref, post.reply_to) if p)):
            users.setdefault(account.account_id, account)
    return list(tweets.values()), list(users.values())


def write_twitter_v2(path: Path, posts: list[SimPost], retweet_counts: dict[str, int]) -> FileFacts:
    """Newest first, a hundred tweets a page, as a full-archive search returns them."""
    facts = FileFacts()
    ordered = sorted(posts, key=lambda post: (post.ts, int(post.post_id)), reverse=True)
    pages = [ordered[i:i + PAGE_SIZE] for i in range(0, len(ordered), PAGE_SIZE)]
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for number, page in enumerate(pages):
            tweets, users = page_includes(page)
            response = {
                "data": [tweet_json(post, retweet_counts) for post in page],
                "includes": {"users": [user_json(a) for a in users], "tweets": [tweet_json(p, retweet_counts) for p in tweets]},
                "meta": _page_meta(page, number, len(pages)),
                "__twarc": {"url": _SEARCH_URL, "version": "2.14.0", "retrieved_at": f"{RETRIEVED_AT:%Y-%m-%dT%H:%M:%S}+00:00"},
            }
            out.write(json.dumps(response, ensure_ascii=False) + "\n")
            facts.records += len(page)
            for post in page:
                facts.add_post(shared_tweet(post), counted=True)
            for post in tweets:
                facts.add_post(shared_tweet(post), counted=False)
            facts.accounts.update((account.account_id, None) for account in users)
    return facts


def _page_meta(page: list[SimPost], number: int, total: int) -> dict:
    meta = {"newest_id": page[0].post_id, "oldest_id": page[-1].post_id, "result_count": len(page)}
    if number + 1 < total:
        meta["next_token"] = "b26v89c19zqg8o3fp" + _BASE62[number // 62 % 62] + _BASE62[number % 62] + "lyqfc9a3l4ff9tbll"
    return meta


# -- information-operations archive ----------------------------------------------------------


def hashed_id(account: SimAccount) -> str:
    """The archive replaces small accounts' ids and names by one salted hash."""
    digest = hashlib.sha256(f"inconcert-io-archive:{account.account_id}".encode()).digest()
    return base64.b64encode(digest).decode("ascii")


def bracketed(values: Iterable[str]) -> str:
    return "[" + ", ".join(values) + "]"


def archive_row(post: SimPost) -> list[str]:
    author = post.author
    user = hashed_id(author)
    is_retweet = post.kind == "repost"
    source = post.ref if is_retweet else post
    text = retweet_text_and_entities(post)[0] if is_retweet else tweet_text_and_entities(post)[0]
    mentions = [post.ref.author.account_id] if is_retweet else [a.account_id for a in post.mentions]
    values = {
        "tweetid": post.post_id, "userid": user, "user_display_name": user, "user_screen_name": user,
        "user_reported_location": author.location, "user_profile_description": author.description,
        "user_profile_url": author.url or "", "follower_count": str(author.followers),
        "following_count": str(author.following), "account_creation_date": f"{author.created_at:%Y-%m-%d}",
        "account_language": "en", "tweet_language": "en", "tweet_text": text, "tweet_time": f"{post.ts:%Y-%m-%d %H:%M}",
        "tweet_client_name": author.client, "in_reply_to_userid": "", "in_reply_to_tweetid": "",
        "quoted_tweet_tweetid": "", "is_retweet": str(is_retweet), "retweet_userid": post.ref.author.account_id if is_retweet else "",
        "retweet_tweetid": post.ref.post_id if is_retweet else "", "latitude": "absent", "longitude": "absent",
        "quote_count": "0", "reply_count": "0", "like_count": "0", "retweet_count": "0",
        "hashtags": bracketed(source.hashtags()), "urls": bracketed(source.urls()), "user_mentions": bracketed(mentions),
        "poll_choices": "",
    }
    return [values[column] for column in IO_ARCHIVE_HEADER]


def write_io_archive(path: Path, posts: list[SimPost]) -> FileFacts:
    facts = FileFacts()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(IO_ARCHIVE_HEADER)
        for post in sorted(posts, key=lambda p: (p.ts, int(p.post_id))):
            row = archive_row(post)
            writer.writerow(row)
            facts.records += 1
            facts.accounts[row[1]] = None
            facts.add_post(_archived_post(post, row), counted=True)
    return facts


def _archived_post(post: SimPost, row: list[str]) -> SharedPost:
    column = dict(zip(IO_ARCHIVE_HEADER, row))
    is_retweet = post.kind == "repost"
    canonical = Post(
        platform=TWITTER, post_id=post.post_id, account_id=column["userid"],
        ts=dt.datetime.strptime(column["tweet_time"], "%Y-%m-%d %H:%M"), text=column["tweet_text"],
        kind=post.kind, ref_post_id=post.ref.post_id if is_retweet else None,
    )
    source = post.ref if is_retweet else post
    mentions = [post.ref.author.account_id] if is_retweet else [a.account_id for a in post.mentions]
    return SharedPost(post=canonical, urls=source.urls(), hashtags=source.hashtags(), mentions=mentions)


# -- Telegram Desktop export -----------------------------------------------------------------


def local_date(moment: dt.datetime) -> str:
    """Telegram Desktop writes the exporting machine's local time, with no zone."""
    return (moment + dt.timedelta(hours=LOCAL_OFFSET)).strftime("%Y-%m-%dT%H:%M:%S")


def unix_time(moment: dt.datetime) -> str:
    return str(int((moment - dt.datetime(1970, 1, 1)).total_seconds()))


def text_pieces(message: TgMessage) -> list[str | dict]:
    """Plain runs as strings, entities as typed objects, in order."""
    pieces: list[str | dict] = []
    for kind, value in message.parts:
        if pieces:
            _append_plain(pieces, " ")
        if kind == "text":
            _append_plain(pieces, value)
        elif kind == "hashtag":
            pieces.append({"type": "hashtag", "text": f"#{value}"})
        elif kind == "mention":
            pieces.append({"type": "mention", "text": f"@{value}"})
        elif kind == "url":
            pieces.append({"type": "link", "text": value})
        elif kind == "text_link":
            pieces.append({"type": "text_link", "text": TEXT_LINK_LABEL, "href": value})
    return pieces


def _append_plain(pieces: list[str | dict], text: str) -> None:
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] += text
    else:
        pieces.append(text)


def message_json(chat: TgChat, message: TgMessage) -> dict:
    head = {"id": message.message_id, "type": "service" if message.service else "message",
            "date": local_date(message.ts), "date_unixtime": unix_time(message.ts)}
    if message.service:
        head.update({"actor": message.sender_name, "actor_id": message.from_id, "action": message.service})
        if message.service == "create_channel":
            head["title"] = chat.name
        if message.inviter:
            head["inviter"] = message.inviter
        return {**head, "text": "", "text_entities": []}
    head.update({"from": message.sender_name, "from_id": message.from_id})
    if message.forwarded_from is not None:
        head.update({"forwarded_from": message.forwarded_from.name, "forwarded_from_id": message.forwarded_from.from_id})
    if message.reply_to is not None:
        head["reply_to_message_id"] = message.reply_to.message_id
    pieces = text_pieces(message)
    text: str | list = pieces[0] if len(pieces) == 1 and isinstance(pieces[0], str) else pieces
    entities = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in pieces]
    return {**head, "text": text, "text_entities": entities}


def write_telegram(path: Path, export: TelegramExport) -> FileFacts:
    document = {
        "about": "Here is the data you requested. Remember: Telegram is ad free, it doesn't collect your data "
                 "for marketing purposes.",
        "personal_information": {"user_id": 5_550_000_001, "first_name": "Field", "last_name": "Researcher",
                                 "phone_number": "+00 000 000 0000", "bio": ""},
        "chats": {
            "about": "This page lists all chats from this export.",
            "list": [{"name": chat.name, "type": chat.type, "id": chat.chat_id,
                      "messages": [message_json(chat, m) for m in chat.messages]} for chat in export.chats],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    facts = FileFacts()
    for chat in export.chats:
        for message in chat.messages:
            facts.records += 1
            facts.accounts[message.from_id] = None
            if message.service is None:
                facts.add_post(_telegram_post(chat, message), counted=True)
                if chat.type.endswith("channel"):
                    facts.accounts[chat.from_id] = None
    return facts


def _telegram_post(chat: TgChat, message: TgMessage) -> SharedPost:
    pieces = text_pieces(message)
    entities = [p for p in pieces if isinstance(p, dict)]
    forward_of = message.original
    kind = "forward" if forward_of else "reply" if message.reply_to else "post"
    post = Post(
        platform=TELEGRAM, post_id=chat.post_id(message), account_id=message.from_id, ts=message.ts,
        text="".join(p if isinstance(p, str) else p["text"] for p in pieces) or None, kind=kind,
        ref_post_id=message.forwarded_from.post_id(forward_of) if forward_of else None,
        reply_to_post_id=chat.post_id(message.reply_to) if message.reply_to else None,
    )
    return SharedPost(
        post=post,
        urls=[e["text"] if e["type"] == "link" else e["href"] for e in entities if e["type"] in ("link", "text_link")],
        hashtags=[e["text"] for e in entities if e["type"] == "hashtag"],
        mentions=[e["text"] for e in entities if e["type"] == "mention"],
    )


# -- articles --------------------------------------------------------------------------------


def article_json(article: SimArticle) -> dict:
    offset = dt.timezone(dt.timedelta(hours=article.outlet.utc_offset))
    published = article.published.replace(tzinfo=dt.timezone.utc).astimezone(offset)
    return {"id": article.doc_id, "text": article.text, "url": article.url, "outlet": article.outlet.name,
            "published": published.isoformat(), "title": article.title}


def write_articles(path: Path, articles: list[SimArticle]) -> FileFacts:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for article in articles:
            out.write(json.dumps(article_json(article), ensure_ascii=False) + "\n")
    return FileFacts(records=len(articles), articles=len(articles))
