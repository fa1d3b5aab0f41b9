"""The organic crowd: ordinary accounts and what they post, retweet, reply and quote.

This is the background every detector must not flag: heavy-tailed activity (a few
accounts do most of the posting), popularity-driven retweets spread over hours, a
diurnal rhythm, news links with a heavy-tailed popularity, and two viral bursts in which
hundreds of unrelated accounts retweet one post within an hour, the pattern a naive
"same object within seconds" rule mistakes for coordination.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from inconcert.simulate import lexicon
from inconcert.simulate.world import (
    COLLECTION_END,
    COLLECTION_START,
    CONTEXT_START,
    EARLIEST_ACCOUNT,
    EVENT_TIME,
    IN_COLLECTION,
    LATEST_ORGANIC_ACCOUNT,
    Mint,
    Part,
    Picker,
    SimAccount,
    SimPost,
    diurnal_moment,
    lognormal_delay,
    organic_handle_candidates,
    person_name,
    profile_image_url,
    seconds_after,
    uniform_moment,
    where_for,
    zipf_weights,
)

CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "Twitter for iPad")
# Shares of an ordinary account's actions.
ACTION_MIX = (("post", 0.50), ("repost", 0.32), ("reply", 0.12), ("quote", 0.06))
VIRAL_SHARE = 0.2  # of the organic crowd retweets each viral post
VIRAL_WINDOW_SECONDS = 3600
VIRAL_DAYS = (3, 9)


@dataclass
class ViralBurst:
    """An organic post that hundreds of unrelated accounts retweeted within the hour."""

    original: SimPost
    retweets: list[SimPost]


@dataclass
class Crowd:
    """The organic side of the world."""

    accounts: list[SimAccount]
    originals: list[SimPost]
    reactions: list[SimPost]
    viral: list[ViralBurst]


# -- accounts ------------------------------------------------------------------------------


def organic_account(rng: random.Random, mint: Mint) -> SimAccount:
    """An ordinary user: created any day of fifteen years (a flat baseline), heavy-tailed audience."""
    first, surname = person_name(rng)
    created_at = uniform_moment(rng, EARLIEST_ACCOUNT, LATEST_ORGANIC_ACCOUNT)
    followers = int(rng.lognormvariate(4.8, 1.5))
    default_image = rng.random() < 0.06
    return SimAccount(
        account_id=mint.user_id(created_at),
        handle=mint.handle(organic_handle_candidates(rng, first, surname)),
        display_name=rng.choice([f"{first} {surname}", first, f"{first} {surname[0]}."]),
        created_at=created_at,
        role="organic",
        followers=followers,
        following=int(rng.lognormvariate(5.3, 0.9)),
        posts_count=int(rng.lognormvariate(7.0, 1.5)),
        likes_count=int(rng.lognormvariate(7.5, 1.6)),
        listed_count=followers // 150 + rng.randrange(3),
        description=organic_bio(rng) if rng.random() < 0.7 else "",
        location=rng.choice(lexicon.LOCATIONS),
        url=f"https://{first.lower()}{surname.lower()}.example" if rng.random() < 0.08 else None,
        verified=followers > 20_000 and rng.random() < 0.5,
        default_profile_image=default_image,
        profile_image_url=profile_image_url(rng, default_image),
        utc_offset=rng.choice(lexicon.UTC_OFFSETS),
        client=rng.choice(CLIENTS),
    )


def organic_bio(rng: random.Random) -> str:
    interests = rng.sample(lexicon.ORGANIC_HASHTAGS, 2)
    return rng.choice(["Into", "Loves", "Mostly", "Talking about"]) + f" {interests[0].lower()} and {interests[1].lower()}."


def activity_plan(rng: random.Random) -> dict[str, int]:
    """How many of each action one account does in the fortnight. The total is Pareto
    distributed, so a few accounts do most of the posting."""
    total = min(400, int(rng.paretovariate(1.35) * 2.2))
    kinds = Picker([kind for kind, _ in ACTION_MIX], [share for _, share in ACTION_MIX])
    plan = {kind: 0 for kind, _ in ACTION_MIX}
    for _ in range(total):
        plan[kinds.pick(rng)] += 1
    return plan


# -- content -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkTarget:
    """A page that can be linked: its URL and the first moment it exists."""

    url: str
    available_from: dt.datetime


def news_pages(rng: random.Random) -> list[tuple[LinkTarget, float]]:
    """News pages with heavy-tailed popularity: a few sites, and a few pages on each, get most links."""
    pages: list[tuple[LinkTarget, float]] = []
    for site_weight, domain in zip(zipf_weights(len(lexicon.NEWS_DOMAINS), 1.1), lexicon.NEWS_DOMAINS):
        for page_weight in zipf_weights(25, 1.2):
            day = CONTEXT_START + dt.timedelta(days=rng.randrange(-4, 14))
            slug = "-".join(rng.sample(lexicon.SLUG_WORDS, 3))
            url = f"https://{domain}/{rng.choice(lexicon.NEWS_SECTIONS)}/{day:%Y/%m/%d}/{slug}"
            pages.append((LinkTarget(url, day), site_weight * page_weight))
    return pages


def tracking_variant(rng: random.Random, url: str, medium: str = "twitter") -> str:
    """A URL as people really paste it: now and then with campaign parameters attached."""
    roll = rng.random()
    if roll < 0.08:
        return f"{url}?utm_source={medium}&utm_medium=social"
    if roll < 0.12:
        return f"{url}?ref_src=twsrc%5Etfw"
    return url


class OrganicWriter:
    """Writes what ordinary people post: small talk, news links, hashtags, the odd mention."""

    def __init__(self, rng: random.Random, pages: list[tuple[LinkTarget, float]], story_links: list[LinkTarget]):
        self.rng = rng
        self.pages = Picker([page for page, _ in pages], [weight for _, weight in pages])
        self.story_links = story_links
        self.hashtags = Picker(lexicon.ORGANIC_HASHTAGS, zipf_weights(len(lexicon.ORGANIC_HASHTAGS), 1.0))
        self.topics = list(lexicon.TOPICS)

    def original(self, moment: dt.datetime, mentionable: Picker[SimAccount]) -> tuple[list[Part], list[SimAccount]]:
        rng = self.rng
        if moment > EVENT_TIME and rng.random() < 0.18:
            parts = self._story(moment)
        else:
            parts = [("text", self.small_talk())]
            if rng.random() < 0.18:
                parts.append(("url", self._news_link(moment)))
        mentions: list[SimAccount] = []
        if rng.random() < 0.08:
            mentioned = mentionable.pick(rng)
            mentions.append(mentioned)
            parts.insert(rng.randrange(2), ("mention", mentioned.handle))
        if rng.random() < 0.22:
            for tag in dict.fromkeys(self.hashtags.pick(rng) for _ in range(rng.choice((1, 1, 2)))):
                parts.append(("hashtag", tag.lower() if rng.random() < 0.2 else tag))
        return parts, mentions

    def comment(self) -> str:
        """A reply's or a quote's own words."""
        if self.rng.random() < 0.6:
            return self.small_talk()
        return self.rng.choice(
            ["So true.", "Completely agree", "Not sure about this one", "Ha, exactly!", "Where did you read that?",
             "This 👏", "Thanks for sharing", "Hmm, source?", "Same here", "Can confirm."]
        )

    def small_talk(self) -> str:
        rng = self.rng
        openers, subjects, endings = lexicon.TOPICS[rng.choice(self.topics)]
        sentence = f"{rng.choice(openers)} {rng.choice(subjects)} {rng.choice(endings)}"
        if rng.random() < 0.03:
            sentence += f", {rng.choice(lexicon.AMPERSAND_PHRASES)}"
        sentence += rng.choice([".", "!", "", "...", " :)"])
        if rng.random() < 0.15:
            sentence += " " + rng.choice(lexicon.EMOJI)
        return sentence

    def _news_link(self, moment: dt.datetime) -> str:
        page = self.pages.pick(self.rng)
        for _ in range(20):
            if page.available_from <= moment:
                break
            page = self.pages.pick(self.rng)
        return tracking_variant(self.rng, page.url)

    def _story(self, moment: dt.datetime) -> list[Part]:
        rng = self.rng
        words = f"{rng.choice(lexicon.STORY_OPENERS)}. {rng.choice(lexicon.STORY_TAILS)}".strip()
        parts: list[Part] = [("text", words)]
        published = [link for link in self.story_links if link.available_from <= moment]
        if published and rng.random() < 0.5:
            parts.append(("url", tracking_variant(rng, rng.choice(published).url)))
        if rng.random() < 0.4:
            parts.append(("hashtag", rng.choice(["Dalmora", "Kessaly", "DalmoraAttack", "JusticeForDalmora"])))
        return parts


# -- posting -------------------------------------------------------------------------------


def write_originals(
    rng: random.Random, mint: Mint, writer: OrganicWriter, account: SimAccount, count: int, mentionable: Picker[SimAccount]
) -> list[SimPost]:
    """An account's own posts, at the hours its owner is awake, from the day before collection on."""
    posts = []
    for _ in range(count):
        moment = diurnal_moment(rng, CONTEXT_START, COLLECTION_END, account.utc_offset)
        parts, mentions = writer.original(moment, mentionable)
        posts.append(
            SimPost(
                post_id=mint.snowflake(moment), author=account, ts=moment, kind="post", where=where_for(moment),
                parts=parts, mentions=mentions, appeal=rng.lognormvariate(0, 1.0),
            )
        )
    return posts


def audience_picker(originals: list[SimPost]) -> Picker[SimPost]:
    """Which posts get retweeted, replied to and quoted: the big accounts' and the catchy ones."""
    return Picker(originals, [math.sqrt(post.author.followers + 10) * post.appeal for post in originals])


def react(
    rng: random.Random, mint: Mint, writer: OrganicWriter, account: SimAccount, kind: str, targets: Picker[SimPost]
) -> SimPost | None:
    """One retweet, reply or quote of someone else's post, minutes to hours after it.
    Reactions that would fall outside the collection window are not made."""
    target = targets.pick(rng)
    for _ in range(5):
        if target.author is not account:
            break
        target = targets.pick(rng)
    else:
        return None
    moment = seconds_after(target.ts, lognormal_delay(rng, 1800, 1.4))
    if not COLLECTION_START <= moment < COLLECTION_END:
        return None
    post_id = mint.snowflake(moment)
    if kind == "repost":
        return SimPost(post_id=post_id, author=account, ts=moment, kind="repost", where=IN_COLLECTION, ref=target)
    if kind == "reply":
        return SimPost(
            post_id=post_id, author=account, ts=moment, kind="reply", where=IN_COLLECTION,
            parts=[("mention", target.author.handle), ("text", writer.comment())], mentions=[target.author],
            reply_to=target,
        )
    permalink = f"https://twitter.com/{target.author.handle}/status/{target.post_id}"
    return SimPost(
        post_id=post_id, author=account, ts=moment, kind="quote", where=IN_COLLECTION,
        parts=[("text", writer.comment()), ("url", permalink)], ref=target,
    )


def viral_bursts(
    rng: random.Random, mint: Mint, accounts: list[SimAccount], originals: list[SimPost], retweeted: set[tuple[str, str]]
) -> list[ViralBurst]:
    """Two organic posts that a fifth of the crowd retweets within an hour, most in the first
    minutes. `retweeted` holds (account, post) pairs already made: nobody retweets twice."""
    bursts = []
    for day in VIRAL_DAYS:
        start = COLLECTION_START + dt.timedelta(days=day, hours=10)
        later = [p for p in originals if p.ts >= start and p.where == IN_COLLECTION]
        that_day = [p for p in later if p.ts < start + dt.timedelta(hours=10)]
        original = max(that_day or later, key=lambda post: post.author.followers)
        others = [a for a in accounts if a is not original.author]
        retweeters = rng.sample(others, round(VIRAL_SHARE * len(accounts)))
        retweets = []
        for account in retweeters:
            if (account.account_id, original.post_id) in retweeted:
                continue
            retweeted.add((account.account_id, original.post_id))
            delay = rng.expovariate(1 / 600)
            while delay >= VIRAL_WINDOW_SECONDS:
                delay = rng.expovariate(1 / 600)
            moment = seconds_after(original.ts, delay)
            retweets.append(
                SimPost(post_id=mint.snowflake(moment), author=account, ts=moment, kind="repost", where=IN_COLLECTION, ref=original)
            )
        bursts.append(ViralBurst(original, sorted(retweets, key=lambda post: post.ts)))
    return bursts
