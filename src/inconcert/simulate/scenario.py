"""One seeded scenario: build the world, write its files, its ground truth and its manifest.

The order of random draws is fixed, so a seed and a scale give byte-identical files. The
scale multiplies the organic crowd only; the planted operations and the narrative keep
their size, so a small scale makes a fast scenario in which they stand out more.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

from inconcert.errors import UserError
from inconcert.ingest.shares import actions_of
from inconcert.simulate import lexicon
from inconcert.simulate.channels import TelegramExport, build_telegram
from inconcert.simulate.narrative import Narrative, write_narrative
from inconcert.simulate.operations import (
    BotNetwork,
    HashtagCampaign,
    bot_accounts,
    fringe_url,
    plant_bot_network,
    plant_hashtag_campaign,
    pusher_accounts,
    seed_accounts,
    seed_originals,
)
from inconcert.simulate.organic import (
    Crowd,
    LinkTarget,
    OrganicWriter,
    activity_plan,
    audience_picker,
    news_pages,
    organic_account,
    react,
    viral_bursts,
    write_originals,
)
from inconcert.simulate.truth import ground_truth, summary_lines
from inconcert.simulate.world import IN_ARCHIVE, IN_COLLECTION, UNSEEN, Mint, Picker, SimPost
from inconcert.simulate.writers import FileFacts, write_articles, write_io_archive, write_telegram, write_twitter_v2

ORGANIC_ACCOUNTS = 1500
PUSHED_ARTICLES = 6
MANIFEST_NAME = "manifest.json"
GROUND_TRUTH_NAME = "ground_truth.json"


@dataclass
class World:
    seed: int
    scale: float
    crowd: Crowd
    network: BotNetwork
    campaign: HashtagCampaign
    telegram: TelegramExport
    narrative: Narrative

    def tweets(self, where: str) -> list[SimPost]:
        everything = [
            *self.crowd.originals, *self.crowd.reactions, *(p for burst in self.crowd.viral for p in burst.retweets),
            *self.network.seed_posts, *self.network.posts(), *self.campaign.posts(),
        ]
        return [post for post in everything if post.where == where]


@dataclass(frozen=True)
class ScenarioFile:
    """One written file, the `--format` that reads it, and what ingesting it must add."""

    path: Path
    format: str
    records: int
    posts: int
    accounts: int
    actions: int
    articles: int


@dataclass(frozen=True)
class Manifest:
    out_dir: Path
    seed: int
    scale: float
    files: tuple[ScenarioFile, ...]
    ground_truth: Path
    totals: dict[str, int]

    def planted(self) -> list[str]:
        """A few lines saying what was planted, from the ground truth written beside the files."""
        with open(self.ground_truth, encoding="utf-8") as stream:
            return summary_lines(json.load(stream))


def build_world(seed: int = 7, scale: float = 1.0) -> World:
    rng = random.Random(seed)
    mint = Mint(rng)
    narrative = write_narrative(rng)
    story_links = [LinkTarget(a.url, a.published) for a in narrative.articles]
    writer = OrganicWriter(rng, news_pages(rng), story_links)
    organic = [organic_account(rng, mint) for _ in range(max(50, round(ORGANIC_ACCOUNTS * scale)))]
    seeds = seed_accounts(rng, mint)
    bots = bot_accounts(rng, mint)
    pushers = pusher_accounts(rng, mint)
    mentionable = Picker(organic + seeds, [math.sqrt(a.followers + 10) for a in organic + seeds])
    plans = [activity_plan(rng) for _ in organic]
    originals = [p for a, plan in zip(organic, plans) for p in write_originals(rng, mint, writer, a, plan["post"], mentionable)]
    seed_posts = seed_originals(rng, mint, seeds)
    campaign = plant_hashtag_campaign(rng, mint, pushers, writer, mentionable)
    audience = audience_picker(originals + [p for p in seed_posts if p.where != UNSEEN] + campaign.ordinary)
    retweeted: set[tuple[str, str]] = set()
    reactions = []
    for account, plan in zip(organic, plans):
        for kind in ("repost", "reply", "quote"):
            for _ in range(plan[kind]):
                post = react(rng, mint, writer, account, kind, audience)
                if post is None or (kind == "repost" and (account.account_id, post.ref.post_id) in retweeted):
                    continue
                if kind == "repost":
                    retweeted.add((account.account_id, post.ref.post_id))
                reactions.append(post)
    crowd = Crowd(organic, originals, reactions, viral_bursts(rng, mint, organic, originals, retweeted))
    pushed = [LinkTarget(a.url, a.published) for a in narrative.articles if a.outlet.camp == "A"][:PUSHED_ARTICLES]
    network = plant_bot_network(rng, mint, bots, seeds, seed_posts, pushed, writer, audience, retweeted)
    camp_b = [LinkTarget(a.url, a.published) for a in narrative.articles if a.outlet.camp == "B"]
    telegram = build_telegram(rng, [fringe_url(slug) for slug in lexicon.FRINGE_SLUGS[:6]], camp_b, writer)
    return World(seed, scale, crowd, network, campaign, telegram, narrative)


def retweet_counts(world: World) -> dict[str, int]:
    counts: dict[str, int] = {}
    for where in (IN_COLLECTION, IN_ARCHIVE):
        for post in world.tweets(where):
            if post.kind == "repost":
                counts[post.ref.post_id] = counts.get(post.ref.post_id, 0) + 1
    return counts


def write_scenario(out_dir: Path, seed: int = 7, scale: float = 1.0) -> Manifest:
    """Write the scenario's files, `ground_truth.json` and `manifest.json` into `out_dir`."""
    if not scale > 0 or not math.isfinite(scale):
        raise UserError(f"--scale {scale}: must be a positive number.")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {out_dir}: exists and is not a folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    world = build_world(seed, scale)
    counts = retweet_counts(world)
    written = [
        ("twitter_v2.jsonl", "twitter-v2", "twitter", lambda p: write_twitter_v2(p, world.tweets(IN_COLLECTION), counts)),
        ("io_archive.csv", "io-archive", "twitter", lambda p: write_io_archive(p, world.tweets(IN_ARCHIVE))),
        ("telegram/result.json", "telegram", "telegram", lambda p: write_telegram(p, world.telegram)),
        ("articles.jsonl", "articles", "", lambda p: write_articles(p, world.narrative.articles)),
    ]
    files = []
    all_accounts: dict[tuple[str, str], None] = {}
    for name, format_name, platform, write in written:
        facts = write(out_dir / name)
        files.append(scenario_file(out_dir / name, format_name, facts))
        all_accounts.update(((platform, account), None) for account in facts.accounts)
    truth_path = out_dir / GROUND_TRUTH_NAME
    write_json(truth_path, ground_truth(world))
    manifest = Manifest(
        out_dir=out_dir, seed=seed, scale=scale, files=tuple(files), ground_truth=truth_path,
        totals={
            "records": sum(f.records for f in files), "posts": sum(f.posts for f in files),
            "accounts": len(all_accounts), "actions": sum(f.actions for f in files), "articles": sum(f.articles for f in files),
        },
    )
    write_json(out_dir / MANIFEST_NAME, manifest_json(manifest))
    return manifest


def scenario_file(path: Path, format_name: str, facts: FileFacts) -> ScenarioFile:
    return ScenarioFile(
        path=path, format=format_name, records=facts.records, posts=len(facts.posts), accounts=len(facts.accounts),
        actions=sum(len(actions_of(shared)) for shared in facts.posts.values()), articles=facts.articles,
    )


def manifest_json(manifest: Manifest) -> dict:
    return {
        "generator": "inconcert simulate",
        "seed": manifest.seed,
        "scale": manifest.scale,
        "files": [
            {"path": f.path.relative_to(manifest.out_dir).as_posix(), "format": f.format, "records": f.records,
             "posts": f.posts, "accounts": f.accounts, "actions": f.actions, "articles": f.articles}
            for f in manifest.files
        ],
        "totals": manifest.totals,
        "ground_truth": manifest.ground_truth.name,
    }


def write_json(path: Path, document: object) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        json.dump(document, out, ensure_ascii=False, indent=2)
        out.write("\n")
