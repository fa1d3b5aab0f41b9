"""The two planted Twitter operations: what the detectors are meant to find.

Operation 1 is a bot network in the classic shape: forty accounts created within two
days, default profiles, handles with digit suffixes, that retweet the same seed
accounts' posts within seconds of each other, paste the same links (each pasted a little
differently, so only URL normalisation reveals they are one link) and copy-paste near
identical text. Part of its history, before the collection window, is what a platform
takedown archive would publish about it.

Operation 2 is slower and subtler: twenty-five older, lived-in accounts that never
retweet, but post the same campaign hashtags, in the same order, within minutes of each
other, twice a day for twelve days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from inconcert.simulate import lexicon
from inconcert.simulate.organic import LinkTarget, OrganicWriter, react, write_originals
from inconcert.simulate.world import (
    ARCHIVE_START,
    COLLECTION_END,
    COLLECTION_START,
    CONTEXT_START,
    EVENT_TIME,
    IN_ARCHIVE,
    IN_COLLECTION,
    UNSEEN,
    Mint,
    Part,
    Picker,
    SimAccount,
    SimPost,
    diurnal_moment,
    person_name,
    profile_image_url,
    seconds_after,
    uniform_moment,
    where_for,
)

BOT_COUNT = 40
BURST_START = dt.datetime(2024, 1, 22)
BURST_END = BURST_START + dt.timedelta(days=2)
SYNC_SECONDS = 12  # most bots act within this many seconds of the first
STRAGGLER_SHARE = 0.1  # ... the others a minute or two later
AMPLIFIED_IN_COLLECTION = 30
AMPLIFIED_IN_ARCHIVE = 12
PUSHED_ARTICLES = 6
PUSHED_FRINGE_IN_COLLECTION = 6
PUSHED_FRINGE_IN_ARCHIVE = 5
COPYPASTA_IN_COLLECTION = 10
FILLER_RETWEETS_PER_BOT = 6
SEED_POSTS_EACH = 40

PUSHER_COUNT = 25
CAMPAIGN_DAYS = range(1, 13)
WAVES_PER_DAY = 2
WAVE_SPREAD_SECONDS = 360
WAVE_SHARE = 0.75
PUSHER_ORDINARY_POSTS = 8


@dataclass
class Amplification:
    original: SimPost
    retweets: list[SimPost]


@dataclass
class LinkPush:
    canonical_url: str
    posts: list[SimPost]


@dataclass
class PastedCopy:
    post: SimPost
    edits: int  # word-level edit distance from the template


@dataclass
class CopypastaWave:
    template_id: str
    template: str
    copies: list[PastedCopy]


@dataclass
class BotNetwork:
    """Operation 1 and everything it did, in the collection window and before it."""

    bots: list[SimAccount]
    seeds: list[SimAccount]
    seed_posts: list[SimPost]
    amplifications: list[Amplification]
    link_pushes: list[LinkPush]
    copypasta: list[CopypastaWave]
    filler: list[SimPost]

    def posts(self) -> list[SimPost]:
        coordinated = [p for a in self.amplifications for p in a.retweets]
        coordinated += [p for push in self.link_pushes for p in push.posts]
        coordinated += [c.post for wave in self.copypasta for c in wave.copies]
        return coordinated + self.filler


@dataclass
class CampaignWave:
    start: dt.datetime
    posts: list[SimPost]


@dataclass
class HashtagCampaign:
    """Operation 2: older accounts pushing the same hashtags in the same order, never retweeting."""

    accounts: list[SimAccount]
    hashtags: tuple[str, ...]
    waves: list[CampaignWave]
    ordinary: list[SimPost]

    def posts(self) -> list[SimPost]:
        return [p for wave in self.waves for p in wave.posts] + self.ordinary


# -- accounts ------------------------------------------------------------------------------


def seed_accounts(rng: random.Random, mint: Mint) -> list[SimAccount]:
    """The partisan accounts the bots amplify: real-looking, with an audience of thousands."""
    seeds = []
    for handle, name, bio in lexicon.SEED_PROFILES:
        created_at = uniform_moment(rng, dt.datetime(2016, 1, 1), dt.datetime(2019, 12, 31))
        followers = rng.randrange(3_000, 12_000)
        seeds.append(
            SimAccount(
                account_id=mint.user_id(created_at), handle=mint.reserve_handle(handle), display_name=name,
                created_at=created_at, role="seed", followers=followers, following=rng.randrange(200, 900),
                posts_count=rng.randrange(8_000, 40_000), likes_count=rng.randrange(5_000, 30_000),
                listed_count=followers // 80, description=bio, location="Kessaly",
                profile_image_url=profile_image_url(rng, False), utc_offset=2, client="Twitter Web App",
            )
        )
    return seeds


def bot_accounts(rng: random.Random, mint: Mint) -> list[SimAccount]:
    """Forty accounts made within two days: default profiles, name-plus-digits handles."""
    bots = []
    for _ in range(BOT_COUNT):
        first, surname = person_name(rng)
        created_at = uniform_moment(rng, BURST_START, BURST_END)
        handle = mint.handle([f"{first[:7]}{rng.randrange(10**7, 10**8)}" for _ in range(3)])
        bots.append(
            SimAccount(
                account_id=mint.user_id(created_at), handle=handle, display_name=f"{first} {surname}",
                created_at=created_at, role="bot", followers=rng.randrange(0, 26), following=rng.randrange(60, 400),
                posts_count=rng.randrange(300, 4_000), likes_count=rng.randrange(0, 200), listed_count=0,
                default_profile_image=True, profile_image_url=profile_image_url(rng, True), utc_offset=3,
                client=rng.choice(["Twitter Web App", "Twitter for Android"]),
            )
        )
    return bots


def pusher_accounts(rng: random.Random, mint: Mint) -> list[SimAccount]:
    """Twenty-five accounts years old, with bios and audiences: nothing odd about any one of them."""
    pushers = []
    for _ in range(PUSHER_COUNT):
        first, surname = person_name(rng)
        created_at = uniform_moment(rng, dt.datetime(2014, 1, 1), dt.datetime(2021, 12, 31))
        followers = int(rng.lognormvariate(5.5, 0.8))
        pushers.append(
            SimAccount(
                account_id=mint.user_id(created_at), handle=mint.handle([f"{first}{surname}", f"{first}_{surname}"]),
                display_name=f"{first} {surname}", created_at=created_at, role="hashtag-pusher", followers=followers,
                following=int(rng.lognormvariate(5.8, 0.6)), posts_count=rng.randrange(1_500, 15_000),
                likes_count=rng.randrange(1_000, 20_000), listed_count=followers // 200,
                description=rng.choice(lexicon.PUSHER_BIOS), location=rng.choice(["Kessaly", "Dalmora", "Valen", ""]),
                profile_image_url=profile_image_url(rng, False), utc_offset=2, client="Twitter for Android",
            )
        )
    return pushers


# -- operation 1 ---------------------------------------------------------------------------


def seed_originals(rng: random.Random, mint: Mint, seeds: list[SimAccount]) -> list[SimPost]:
    """The seeds' own posts: the collection fortnight, and before it posts nobody collected."""
    posts = []
    for seed in seeds:
        for _ in range(SEED_POSTS_EACH):
            posts.append(_seed_post(rng, mint, seed, diurnal_moment(rng, CONTEXT_START, COLLECTION_END, seed.utc_offset)))
    unseen_end = COLLECTION_START - dt.timedelta(days=1)
    for _ in range(AMPLIFIED_IN_ARCHIVE):
        seed = rng.choice(seeds)
        posts.append(_seed_post(rng, mint, seed, diurnal_moment(rng, ARCHIVE_START, unseen_end, seed.utc_offset), UNSEEN))
    return posts


def _seed_post(rng: random.Random, mint: Mint, seed: SimAccount, moment: dt.datetime, where: str | None = None) -> SimPost:
    lines = lexicon.HUB_LINES if moment > EVENT_TIME else lexicon.GENERAL_LINES
    words = f"{rng.choice(lines)} {rng.choice(lexicon.SEED_TAILS)}".strip()
    parts: list[Part] = [("text", words)]
    if rng.random() < 0.3:
        parts.append(("hashtag", rng.choice(["Dalmora", "Kessaly", "SecurityFirst"])))
    return SimPost(
        post_id=mint.snowflake(moment), author=seed, ts=moment, kind="post", where=where or where_for(moment),
        parts=parts, appeal=rng.lognormvariate(0.5, 0.8),
    )


def synchronized_moments(rng: random.Random, start: dt.datetime, count: int) -> list[dt.datetime]:
    """When each of `count` bots acts on a cue: most within seconds, a few stragglers."""
    moments = []
    for _ in range(count):
        late = rng.random() < STRAGGLER_SHARE
        moments.append(seconds_after(start, rng.uniform(20, 120) if late else rng.uniform(0, SYNC_SECONDS)))
    return moments


def participants(rng: random.Random, bots: list[SimAccount], share: float) -> list[SimAccount]:
    chosen = [bot for bot in bots if rng.random() < share]
    return chosen if len(chosen) >= 3 else bots[:3]


def amplify(rng: random.Random, mint: Mint, bots: list[SimAccount], original: SimPost, where: str) -> Amplification:
    """Most of the network retweets one seed post, seconds apart, a few minutes after it appears."""
    cue = seconds_after(original.ts, rng.uniform(20, 240))
    group = participants(rng, bots, 0.8)
    retweets = [
        SimPost(post_id=mint.snowflake(moment), author=bot, ts=moment, kind="repost", where=where, ref=original)
        for bot, moment in zip(group, synchronized_moments(rng, cue, len(group)))
    ]
    return Amplification(original, sorted(retweets, key=lambda post: post.ts))


def url_variant(rng: random.Random, canonical: str) -> str:
    """One link pasted the ways a network pastes it: http or https, a trailing slash,
    campaign parameters. Normalised, every variant is the same link."""
    _, rest = canonical.split("://", 1)
    url = f"{rng.choice(('https', 'https', 'http'))}://{rest}"
    if rng.random() < 0.4:
        url += "/"
    roll = rng.random()
    if roll < 0.35:
        url += "?utm_source=twitter&utm_medium=social&utm_campaign=dalmora"
    elif roll < 0.55:
        url += f"?utm_source=tw&utm_content={rng.randrange(1000, 9999)}"
    return url


def push_link(
    rng: random.Random, mint: Mint, bots: list[SimAccount], canonical: str, cue: dt.datetime, where: str
) -> LinkPush:
    group = participants(rng, bots, 0.7)
    posts = []
    for bot, moment in zip(group, synchronized_moments(rng, cue, len(group))):
        parts: list[Part] = [("text", rng.choice(lexicon.PUSH_COMMENTS)), ("url", url_variant(rng, canonical))]
        posts.append(SimPost(post_id=mint.snowflake(moment), author=bot, ts=moment, kind="post", where=where, parts=parts))
    return LinkPush(canonical, sorted(posts, key=lambda post: post.ts))


def edited_copy(rng: random.Random, template: str) -> str:
    """The template as one bot pasted it: verbatim, or with one or two words changed,
    added or dropped."""
    words = template.split()
    for _ in range(rng.choice((0, 0, 0, 1, 1, 1, 1, 2, 2, 2))):
        swappable = [i for i, w in enumerate(words) if w.lower() in lexicon.COPYPASTA_SWAPS]
        operation = rng.choice(("swap", "insert", "delete"))
        if operation == "swap" and swappable:
            i = rng.choice(swappable)
            words[i] = lexicon.COPYPASTA_SWAPS[words[i].lower()]
        elif operation == "delete":
            del words[rng.randrange(1, len(words))]
        else:
            words.insert(rng.randrange(1, len(words)), rng.choice(lexicon.COPYPASTA_FILLERS))
    return " ".join(words)


def word_edit_distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance counted in words (substitutions, insertions, deletions)."""
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other)))
        previous = current
    return previous[-1]


def paste(
    rng: random.Random, mint: Mint, bots: list[SimAccount], index: int, cue: dt.datetime, where: str
) -> CopypastaWave:
    template = lexicon.COPYPASTA[index]
    group = participants(rng, bots, 0.6)
    copies = []
    for bot, moment in zip(group, synchronized_moments(rng, cue, len(group))):
        text = edited_copy(rng, template)
        post = SimPost(post_id=mint.snowflake(moment), author=bot, ts=moment, kind="post", where=where, parts=[("text", text)])
        copies.append(PastedCopy(post, word_edit_distance(template.split(), text.split())))
    return CopypastaWave(f"T{index + 1:02d}", template, sorted(copies, key=lambda copy: copy.post.ts))


def fringe_url(slug: str) -> str:
    return f"https://{lexicon.FRINGE_DOMAIN}/{slug}"


def plant_bot_network(
    rng: random.Random,
    mint: Mint,
    bots: list[SimAccount],
    seeds: list[SimAccount],
    seed_posts: list[SimPost],
    pushed_articles: list[LinkTarget],
    writer: OrganicWriter,
    audience: Picker[SimPost],
    retweeted: set[tuple[str, str]],
) -> BotNetwork:
    """Operation 1's coordinated acts, in the collection window and in its archived past."""
    amplifications = _amplifications(rng, mint, bots, seed_posts)
    retweeted.update((p.author.account_id, p.ref.post_id) for a in amplifications for p in a.retweets)
    link_pushes = _link_pushes(rng, mint, bots, pushed_articles)
    copypasta = _copypasta(rng, mint, bots)
    filler = []
    for bot in bots:
        for _ in range(FILLER_RETWEETS_PER_BOT):
            post = react(rng, mint, writer, bot, "repost", audience)
            if post is not None and (bot.account_id, post.ref.post_id) not in retweeted:
                retweeted.add((bot.account_id, post.ref.post_id))
                filler.append(post)
    return BotNetwork(bots, seeds, seed_posts, amplifications, link_pushes, copypasta, filler)


def _amplifications(rng: random.Random, mint: Mint, bots: list[SimAccount], seed_posts: list[SimPost]) -> list[Amplification]:
    last_cue = COLLECTION_END - dt.timedelta(hours=1)
    collected = [p for p in seed_posts if p.where == IN_COLLECTION and p.ts < last_cue]
    chosen = sorted(rng.sample(collected, AMPLIFIED_IN_COLLECTION), key=lambda post: post.ts)
    unseen = [p for p in seed_posts if p.where == UNSEEN]
    return [amplify(rng, mint, bots, p, IN_COLLECTION) for p in chosen] + [amplify(rng, mint, bots, p, IN_ARCHIVE) for p in unseen]


def _link_pushes(rng: random.Random, mint: Mint, bots: list[SimAccount], pushed_articles: list[LinkTarget]) -> list[LinkPush]:
    pushes = [
        push_link(rng, mint, bots, article.url, seconds_after(article.available_from, rng.uniform(600, 10_800)), IN_COLLECTION)
        for article in pushed_articles[:PUSHED_ARTICLES]
    ]
    slugs = lexicon.FRINGE_SLUGS
    for slug in slugs[:PUSHED_FRINGE_IN_COLLECTION]:
        cue = diurnal_moment(rng, EVENT_TIME, COLLECTION_END - dt.timedelta(days=1), 3)
        pushes.append(push_link(rng, mint, bots, fringe_url(slug), cue, IN_COLLECTION))
    archive_slugs = slugs[PUSHED_FRINGE_IN_COLLECTION:PUSHED_FRINGE_IN_COLLECTION + PUSHED_FRINGE_IN_ARCHIVE]
    for slug in archive_slugs:
        cue = diurnal_moment(rng, ARCHIVE_START, COLLECTION_START - dt.timedelta(hours=2), 3)
        pushes.append(push_link(rng, mint, bots, fringe_url(slug), cue, IN_ARCHIVE))
    return pushes


def _copypasta(rng: random.Random, mint: Mint, bots: list[SimAccount]) -> list[CopypastaWave]:
    waves = []
    for index in range(len(lexicon.COPYPASTA)):
        in_collection = index < COPYPASTA_IN_COLLECTION
        start, end = (EVENT_TIME, COLLECTION_END) if in_collection else (ARCHIVE_START, COLLECTION_START)
        cue = diurnal_moment(rng, start, end - dt.timedelta(hours=2), 3)
        waves.append(paste(rng, mint, bots, index, cue, IN_COLLECTION if in_collection else IN_ARCHIVE))
    return waves


# -- operation 2 ---------------------------------------------------------------------------


def campaign_tags(rng: random.Random) -> list[str]:
    """Mostly the full sequence in its fixed order; now and then part of it; case varies."""
    tags = list(lexicon.CAMPAIGN_HASHTAGS)
    if rng.random() < 0.2:
        keep = sorted(rng.sample(range(len(tags)), rng.choice((1, 2))))
        tags = [tags[i] for i in keep]
    return [tag.lower() if rng.random() < 0.15 else tag for tag in tags]


def plant_hashtag_campaign(
    rng: random.Random, mint: Mint, pushers: list[SimAccount], writer: OrganicWriter, mentionable: Picker[SimAccount]
) -> HashtagCampaign:
    """Twice a day, three quarters of the accounts post the campaign tags within six minutes."""
    waves = []
    for day in CAMPAIGN_DAYS:
        for wave in range(WAVES_PER_DAY):
            start = COLLECTION_START + dt.timedelta(days=day, hours=12 + 6 * wave + rng.randrange(4), minutes=rng.randrange(60))
            posts = []
            for account in pushers:
                if rng.random() >= WAVE_SHARE:
                    continue
                moment = seconds_after(start, rng.uniform(0, WAVE_SPREAD_SECONDS))
                words = f"{rng.choice(lexicon.CAMPAIGN_OPENERS)} {rng.choice(lexicon.CAMPAIGN_SLOGANS)}"
                parts: list[Part] = [("text", words)] + [("hashtag", tag) for tag in campaign_tags(rng)]
                posts.append(SimPost(post_id=mint.snowflake(moment), author=account, ts=moment, kind="post", where=IN_COLLECTION, parts=parts))
            waves.append(CampaignWave(start, sorted(posts, key=lambda post: post.ts)))
    ordinary = [p for account in pushers for p in write_originals(rng, mint, writer, account, PUSHER_ORDINARY_POSTS, mentionable)]
    return HashtagCampaign(pushers, lexicon.CAMPAIGN_HASHTAGS, waves, ordinary)
