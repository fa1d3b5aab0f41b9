"""The Telegram face of the operation, as one researcher's account export would show it.

The account follows seven chats. A hub channel posts the operation's lines and links;
four amplifier channels, all created within two days, forward every hub post within
seconds. Around them, ordinary life: a news channel, a notes channel that forwards some
of its posts hours later (an organic forward), and a neighbourhood group where people
talk, reply, mention each other and join by invite link.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from inconcert.simulate import lexicon
from inconcert.simulate.organic import LinkTarget, OrganicWriter, tracking_variant
from inconcert.simulate.world import (
    COLLECTION_END,
    COLLECTION_START,
    EVENT_TIME,
    Part,
    Picker,
    diurnal_moment,
    person_name,
    seconds_after,
    uniform_moment,
    zipf_weights,
)

HUB_POSTS = 36
FORWARD_SHARE = 0.85
AMPLIFIER_OWN_POSTS = 4
AMPLIFIERS_CREATED = dt.datetime(2024, 2, 27, 8)  # all four within two days of this
NEWS_POSTS = 28
NOTES_OWN_POSTS = 10
NOTES_FORWARDS = 6
GROUP_MEMBERS = 20
GROUP_MESSAGES = 120
GROUP_JOINS = 3
LOCAL_OFFSET = 3  # the chats' (and the exporter's) time zone
TEXT_LINK_LABEL = "Read the full story"


@dataclass(eq=False)
class TgUser:
    user_id: int
    name: str
    username: str | None

    @property
    def from_id(self) -> str:
        return f"user{self.user_id}"


@dataclass(eq=False)
class TgMessage:
    """One message; `original` is the truth behind a forward, which the export itself does not name."""

    ts: dt.datetime
    sender_name: str
    from_id: str
    parts: list[Part] = field(default_factory=list)
    forwarded_from: TgChat | None = None
    original: TgMessage | None = None
    reply_to: TgMessage | None = None
    service: str | None = None  # the action of a service message
    inviter: str | None = None
    message_id: int = 0


@dataclass(eq=False)
class TgChat:
    chat_id: int
    name: str
    type: str
    role: str
    first_message_id: int
    messages: list[TgMessage] = field(default_factory=list)
    created: dt.datetime | None = None

    @property
    def from_id(self) -> str:
        return f"channel{self.chat_id}"

    def number_messages(self) -> None:
        """Telegram numbers a chat's messages in the order they were sent."""
        self.messages.sort(key=lambda message: message.ts)
        for offset, message in enumerate(self.messages):
            message.message_id = self.first_message_id + offset

    def post_id(self, message: TgMessage) -> str:
        """The id the `telegram` reader gives a message: chat id and message id."""
        return f"{self.chat_id}/{message.message_id}"


@dataclass
class CoordinatedForward:
    """A hub post and the amplifiers' forwards of it."""

    original: TgMessage
    forwards: list[tuple[TgChat, TgMessage]]


@dataclass
class TelegramExport:
    chats: list[TgChat]
    hub: TgChat
    amplifiers: list[TgChat]
    coordinated: list[CoordinatedForward]
    organic_forwards: list[CoordinatedForward]


def channel(rng: random.Random, name: str, role: str, first_message_id: int, used_ids: set[int]) -> TgChat:
    chat_id = rng.randrange(1_100_000_000, 2_300_000_000)
    while chat_id in used_ids:
        chat_id += 1
    used_ids.add(chat_id)
    return TgChat(chat_id, name, "public_channel", role, first_message_id)


def channel_post(chat: TgChat, moment: dt.datetime, parts: list[Part]) -> TgMessage:
    return TgMessage(ts=moment, sender_name=chat.name, from_id=chat.from_id, parts=parts)


def forward(chat: TgChat, source: TgChat, original: TgMessage, moment: dt.datetime) -> TgMessage:
    """A forward carries the original's text and entities under the forwarding chat's name."""
    return TgMessage(
        ts=moment, sender_name=chat.name, from_id=chat.from_id, parts=list(original.parts),
        forwarded_from=source, original=original,
    )


def hub_lines(rng: random.Random) -> list[str]:
    """Distinct lines, so that no two hub posts could be mistaken for one forwarded original."""
    pairs = [(line, comment) for line in lexicon.HUB_LINES for comment in lexicon.PUSH_COMMENTS]
    return [f"{line} {comment}" for line, comment in rng.sample(pairs, HUB_POSTS)]


def hub_posts(rng: random.Random, hub: TgChat, pushed: list[str]) -> list[TgMessage]:
    posts = []
    for line in hub_lines(rng):
        moment = diurnal_moment(rng, EVENT_TIME, COLLECTION_END - dt.timedelta(hours=1), LOCAL_OFFSET)
        parts: list[Part] = [("text", line)]
        if rng.random() < 0.6:
            parts.append(("url", f"{rng.choice(pushed)}?utm_source=telegram&utm_medium=channel"))
        if rng.random() < 0.4:
            parts.append(("hashtag", rng.choice(lexicon.CAMPAIGN_HASHTAGS)))
        posts.append(channel_post(hub, moment, parts))
    return posts


def amplify_on_telegram(rng: random.Random, hub: TgChat, amplifiers: list[TgChat]) -> list[CoordinatedForward]:
    """Each amplifier forwards most hub posts within seconds, now and then a few minutes
    late; every hub post is forwarded by at least two of them."""
    coordinated = []
    for original in hub.messages:
        forwards = []
        chosen = [amplifier for amplifier in amplifiers if rng.random() < FORWARD_SHARE]
        for amplifier in chosen if len(chosen) >= 2 else rng.sample(amplifiers, 2):
            delay = rng.uniform(60, 600) if rng.random() < 0.1 else rng.uniform(3, 25)
            message = forward(amplifier, hub, original, seconds_after(original.ts, delay))
            amplifier.messages.append(message)
            forwards.append((amplifier, message))
        coordinated.append(CoordinatedForward(original, forwards))
    return coordinated


def creation_notice(chat: TgChat, moment: dt.datetime) -> TgMessage:
    """The service message a channel's history starts with."""
    return TgMessage(ts=moment, sender_name=chat.name, from_id=chat.from_id, service="create_channel")


def news_posts(rng: random.Random, news: TgChat, articles: list[LinkTarget]) -> list[TgMessage]:
    posts = []
    for _ in range(NEWS_POSTS):
        moment = diurnal_moment(rng, EVENT_TIME, COLLECTION_END, LOCAL_OFFSET)
        published = [a for a in articles if a.available_from <= moment]
        parts: list[Part] = [("text", rng.choice(lexicon.NEWS_CHANNEL_LINES))]
        if published:
            article = rng.choice(published)
            parts.append(("text_link", article.url) if rng.random() < 0.5 else ("url", article.url))
        else:
            parts.append(("text", "Reports of an explosion in Dalmora, details to follow."))
        posts.append(channel_post(news, moment, parts))
    return posts


def notes_channel(rng: random.Random, notes: TgChat, news: TgChat, writer: OrganicWriter) -> list[CoordinatedForward]:
    """Small talk of its own, and a few of the news channel's posts passed on hours later."""
    for _ in range(NOTES_OWN_POSTS):
        moment = diurnal_moment(rng, COLLECTION_START, COLLECTION_END, LOCAL_OFFSET)
        notes.messages.append(channel_post(notes, moment, [("text", writer.small_talk())]))
    passed_on = []
    candidates = [m for m in news.messages if m.ts < COLLECTION_END - dt.timedelta(hours=9)]
    for original in sorted(rng.sample(candidates, NOTES_FORWARDS), key=lambda m: m.ts):
        message = forward(notes, news, original, seconds_after(original.ts, rng.uniform(3_600, 28_800)))
        notes.messages.append(message)
        passed_on.append(CoordinatedForward(original, [(notes, message)]))
    return passed_on


def group_chat(rng: random.Random, group: TgChat, articles: list[LinkTarget]) -> None:
    """Neighbours talking: Zipf-active members, replies, @mentions, links, a few joins."""
    members = []
    for _ in range(GROUP_MEMBERS):
        first, surname = person_name(rng)
        username = f"{first.lower()}_{surname.lower()}" if rng.random() < 0.7 else None
        members.append(TgUser(rng.randrange(100_000_000, 7_000_000_000), f"{first} {surname}", username))
    speakers = Picker(members, zipf_weights(len(members), 1.0))
    for member in members[-GROUP_JOINS:]:
        moment = uniform_moment(rng, COLLECTION_START, COLLECTION_START + dt.timedelta(days=3))
        group.messages.append(
            TgMessage(ts=moment, sender_name=member.name, from_id=member.from_id, service="join_group_by_link",
                      inviter=members[0].name)
        )
    talk = []
    for _ in range(GROUP_MESSAGES):
        speaker = speakers.pick(rng)
        moment = diurnal_moment(rng, COLLECTION_START, COLLECTION_END, LOCAL_OFFSET)
        message = TgMessage(ts=moment, sender_name=speaker.name, from_id=speaker.from_id, parts=_group_parts(rng, members, speaker, articles, moment))
        earlier = [m for m in talk if m.ts < moment]
        if earlier and rng.random() < 0.2:
            message.reply_to = rng.choice(earlier[-10:])
        talk.append(message)
    group.messages.extend(talk)


def _group_parts(rng: random.Random, members: list[TgUser], speaker: TgUser, articles: list[LinkTarget], moment: dt.datetime) -> list[Part]:
    parts: list[Part] = [("text", rng.choice(lexicon.GROUP_LINES))]
    handles = [m for m in members if m.username and m is not speaker]
    if rng.random() < 0.1 and handles:
        parts.insert(0, ("mention", rng.choice(handles).username))
    published = [a for a in articles if a.available_from <= moment]
    if published and rng.random() < 0.06:
        parts.append(("url", tracking_variant(rng, rng.choice(published).url, "telegram")))
    return parts


def build_telegram(rng: random.Random, pushed: list[str], news_articles: list[LinkTarget], writer: OrganicWriter) -> TelegramExport:
    used_ids: set[int] = set()
    hub = channel(rng, lexicon.TELEGRAM_HUB, "hub", 4_120, used_ids)
    amplifiers = [channel(rng, name, "amplifier", 1, used_ids) for name in lexicon.TELEGRAM_AMPLIFIERS]
    news = channel(rng, lexicon.TELEGRAM_NEWS_CHANNEL, "news", 15_230, used_ids)
    notes = channel(rng, lexicon.TELEGRAM_NOTES_CHANNEL, "notes", 880, used_ids)
    group = channel(rng, lexicon.TELEGRAM_GROUP, "group", 40_210, used_ids)
    group.type = "public_supergroup"

    hub.messages = hub_posts(rng, hub, pushed)
    for amplifier in amplifiers:
        amplifier.created = uniform_moment(rng, AMPLIFIERS_CREATED, AMPLIFIERS_CREATED + dt.timedelta(days=2))
        amplifier.messages.append(creation_notice(amplifier, amplifier.created))
        for _ in range(AMPLIFIER_OWN_POSTS):
            moment = diurnal_moment(rng, COLLECTION_START, COLLECTION_END, LOCAL_OFFSET)
            amplifier.messages.append(channel_post(amplifier, moment, [("text", rng.choice(lexicon.PUSH_COMMENTS))]))
    coordinated = amplify_on_telegram(rng, hub, amplifiers)
    news.messages = news_posts(rng, news, news_articles)
    organic_forwards = notes_channel(rng, notes, news, writer)
    group_chat(rng, group, news_articles)

    chats = [hub, *amplifiers, news, notes, group]
    for chat in chats:
        chat.number_messages()
    return TelegramExport(chats, hub, amplifiers, coordinated, organic_forwards)
