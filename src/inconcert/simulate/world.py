"""The synthetic social world: accounts, posts, and the clock and id schemes they live on.

Everything is drawn from one `random.Random`, in a fixed order, so a seed fixes the world.
Nothing here knows a file format: posts keep their text as `parts` (words, hashtags,
mentions, links) so that each writer can render them the way its platform does (t.co
links and entity offsets for the Twitter API, typed pieces for Telegram).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Generic, TypeVar

from inconcert.simulate import lexicon

T = TypeVar("T")

# -- the clock -----------------------------------------------------------------------------

COLLECTION_START = dt.datetime(2024, 3, 4)
COLLECTION_DAYS = 14
COLLECTION_END = COLLECTION_START + dt.timedelta(days=COLLECTION_DAYS)
# Originals posted the day before collection started are seen only when a collected
# retweet or reply carries them (twarc2's `includes.tweets`).
CONTEXT_START = COLLECTION_START - dt.timedelta(days=1)
ARCHIVE_START = dt.datetime(2024, 2, 19)
EVENT_TIME = dt.datetime(2024, 3, 5, 9, 40)
RETRIEVED_AT = dt.datetime(2024, 3, 18, 6, 12, 44)
EARLIEST_ACCOUNT = dt.datetime(2009, 3, 1)
LATEST_ORGANIC_ACCOUNT = dt.datetime(2024, 2, 1)

# Where a post ends up: which file holds it, if any.
IN_COLLECTION = "collection"  # a tweet of the twarc2 search results (`data`)
CONTEXT_ONLY = "context"  # an earlier original, written only inside `includes.tweets`
IN_ARCHIVE = "archive"  # a row of the io-archive CSV
UNSEEN = "unseen"  # known only by id, through the archive's retweet columns

Part = tuple[str, str]  # ("text" | "hashtag" | "mention" | "url" | "text_link", value)


@dataclass(eq=False)
class SimAccount:
    """A Twitter profile; `role` says which part of the scenario it plays."""

    account_id: str
    handle: str
    display_name: str
    created_at: dt.datetime
    role: str
    followers: int
    following: int
    posts_count: int
    likes_count: int
    listed_count: int
    description: str = ""
    location: str = ""
    url: str | None = None
    verified: bool = False
    default_profile_image: bool = False
    profile_image_url: str = ""
    utc_offset: int = 0
    client: str = "Twitter Web App"


@dataclass(eq=False)
class SimPost:
    """A tweet. A repost's text is its original's, written by the writer the way the platform does."""

    post_id: str
    author: SimAccount
    ts: dt.datetime
    kind: str
    where: str
    parts: list[Part] = field(default_factory=list)
    mentions: list[SimAccount] = field(default_factory=list)
    ref: SimPost | None = None
    reply_to: SimPost | None = None
    appeal: float = 1.0

    def hashtags(self) -> list[str]:
        return [value for kind, value in self.parts if kind == "hashtag"]

    def urls(self) -> list[str]:
        return [value for kind, value in self.parts if kind == "url"]

    def words(self) -> str:
        """The plain text: parts joined by spaces, hashtags and mentions with their sigils."""
        return " ".join(render_part(part) for part in self.parts)


def render_part(part: Part) -> str:
    kind, value = part
    return {"hashtag": "#", "mention": "@"}.get(kind, "") + value


# -- random helpers ------------------------------------------------------------------------


class Picker(Generic[T]):
    """Weighted choice in O(log n), for drawing thousands of times from one distribution."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]):
        self.items = list(items)
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    """Heavy-tailed popularity: the k-th most popular thing is chosen ∝ 1/k^exponent."""
    return [1.0 / (rank + 1) ** exponent for rank in range(n)]


def seconds_after(moment: dt.datetime, seconds: float) -> dt.datetime:
    """Times are whole seconds, as the Twitter API gives them."""
    return moment + dt.timedelta(seconds=round(seconds))


def uniform_moment(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime:
    return seconds_after(start, rng.uniform(0, (end - start).total_seconds() - 1))


_HOURS = Picker(range(24), lexicon.HOUR_WEIGHTS)


def diurnal_moment(rng: random.Random, start: dt.datetime, end: dt.datetime, utc_offset: int) -> dt.datetime:
    """A moment between start and end when a person living at `utc_offset` is likely awake."""
    first_day = dt.datetime.combine(start.date(), dt.time())
    days = (end - first_day).days + 1
    while True:
        day = first_day + dt.timedelta(days=rng.randrange(days))
        local_hour = _HOURS.pick(rng)
        moment = day + dt.timedelta(hours=local_hour - utc_offset, seconds=rng.randrange(3600))
        if start <= moment < end:
            return moment


def lognormal_delay(rng: random.Random, median_seconds: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median_seconds), sigma)


# -- ids and names -------------------------------------------------------------------------

TWITTER_EPOCH_MS = 1_288_834_974_657
_UNIX_EPOCH = dt.datetime(1970, 1, 1)
_SNOWFLAKE_USERS_FROM = dt.datetime(2014, 1, 1)


class Mint:
    """Hands out unique ids and handles in the shapes the platforms use."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._ids: set[int] = set()
        self._handles: set[str] = set()

    def snowflake(self, moment: dt.datetime) -> str:
        """Twitter's 64-bit ids: milliseconds since 2010-11-04, a worker, a sequence."""
        ms = int((moment - _UNIX_EPOCH).total_seconds() * 1000) + self.rng.randrange(1000)
        while True:
            value = ((ms - TWITTER_EPOCH_MS) << 22) | (self.rng.randrange(1024) << 12) | self.rng.randrange(4096)
            if value not in self._ids:
                self._ids.add(value)
                return str(value)

    def user_id(self, created_at: dt.datetime) -> str:
        """Older accounts have short sequential ids; accounts since 2014 have snowflakes."""
        if created_at >= _SNOWFLAKE_USERS_FROM:
            return self.snowflake(created_at)
        span = (_SNOWFLAKE_USERS_FROM - EARLIEST_ACCOUNT).total_seconds()
        fraction = (created_at - EARLIEST_ACCOUNT).total_seconds() / span
        value = int(20_000_000 + fraction * 2_300_000_000)
        while value in self._ids:
            value += self.rng.randrange(1, 500)
        self._ids.add(value)
        return str(value)

    def handle(self, candidates: Sequence[str]) -> str:
        """The first free one of a few candidate handles (at most 15 characters, as on Twitter)."""
        for candidate in candidates:
            candidate = candidate[:15]
            if candidate.lower() not in self._handles:
                self._handles.add(candidate.lower())
                return candidate
        fallback = f"{candidates[0][:9]}{self.rng.randrange(100_000, 999_999)}"
        return self.handle([fallback])

    def reserve_handle(self, handle: str) -> str:
        return self.handle([handle])


def person_name(rng: random.Random) -> tuple[str, str]:
    first = rng.choice(lexicon.FIRST_NAMES)
    surname = rng.choice(lexicon.SURNAME_HEADS) + rng.choice(lexicon.SURNAME_TAILS)
    return first, surname


def organic_handle_candidates(rng: random.Random, first: str, surname: str) -> list[str]:
    word = rng.choice(lexicon.HANDLE_WORDS)
    return [
        rng.choice([f"{first}{surname}", f"{first.lower()}_{word}", f"{first[0]}{surname}".lower(),
                    f"{word}{first}", f"{first}{rng.randrange(10, 99)}", f"{first}_{surname}"]),
        f"{first}{surname}{rng.randrange(1, 9)}",
        f"{first.lower()}{word}{rng.randrange(10, 99)}",
    ]


def profile_image_url(rng: random.Random, default: bool) -> str:
    if default:
        return "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") for _ in range(8))
    return f"https://pbs.twimg.com/profile_images/{rng.randrange(10**17, 10**18)}/{token}_normal.jpg"


def where_for(moment: dt.datetime) -> str:
    """Collected when posted inside the collection window, else seen only as context."""
    return IN_COLLECTION if moment >= COLLECTION_START else CONTEXT_ONLY
