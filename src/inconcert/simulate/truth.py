"""`ground_truth.json`: what was planted, with ids exactly as each file writes them.

Detection tests and the demo compare findings against this document, so every list in
it is exact: which accounts belong to each operation (per format: the io-archive hashes
the operation's ids), when they were created, which posts they made together and how
far apart, which texts were pasted from which template, which article passages were
copied from which, and what figure and labels each outlet used, with character offsets.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from inconcert.normalize import normalize_hashtag
from inconcert.simulate import lexicon
from inconcert.simulate.channels import AMPLIFIERS_CREATED, CoordinatedForward, TelegramExport, TgChat
from inconcert.simulate.narrative import OUTLETS, STANCES, Narrative, Reuse
from inconcert.simulate.operations import (
    BURST_END,
    BURST_START,
    STRAGGLER_SHARE,
    SYNC_SECONDS,
    WAVE_SPREAD_SECONDS,
    HashtagCampaign,
)
from inconcert.simulate.world import (
    ARCHIVE_START,
    COLLECTION_END,
    COLLECTION_START,
    EVENT_TIME,
    IN_ARCHIVE,
    IN_COLLECTION,
    SimAccount,
    SimPost,
)
from inconcert.simulate.writers import hashed_id

if TYPE_CHECKING:
    from inconcert.simulate.scenario import World

FORMAT_OF = {IN_COLLECTION: "twitter-v2", IN_ARCHIVE: "io-archive"}


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ground_truth(world: World) -> dict:
    return {
        "seed": world.seed,
        "scale": world.scale,
        "windows": {
            "twitter-v2": {"start": iso(COLLECTION_START), "end": iso(COLLECTION_END)},
            "io-archive": {"start": iso(ARCHIVE_START), "end": iso(COLLECTION_START)},
            "event": iso(EVENT_TIME),
        },
        "organic": organic_truth(world),
        "bot_network": bot_network_truth(world),
        "hashtag_campaign": campaign_truth(world.campaign, world),
        "telegram": telegram_truth(world.telegram),
        "narrative": narrative_truth(world.narrative),
    }


# -- Twitter -------------------------------------------------------------------------------


def account_ref(account: SimAccount) -> dict:
    return {"account_id": account.account_id, "handle": account.handle}


def account_id_in(account: SimAccount, where: str) -> str:
    return hashed_id(account) if where == IN_ARCHIVE else account.account_id


def post_ref(post: SimPost) -> dict:
    return {"post_id": post.post_id, "account_id": account_id_in(post.author, post.where), "ts": iso(post.ts)}


def spread_seconds(posts: list[SimPost]) -> int:
    """From the first to the last of a group of posts."""
    return int((max(p.ts for p in posts) - min(p.ts for p in posts)).total_seconds())


def organic_truth(world: World) -> dict:
    crowd = world.crowd
    campaign_tags = {normalize_hashtag(tag) for tag in lexicon.CAMPAIGN_HASHTAGS}
    return {
        "accounts": len(crowd.accounts),
        "viral_bursts": [
            {"post_id": burst.original.post_id, "account_id": burst.original.author.account_id,
             "posted_at": iso(burst.original.ts), "retweets": len(burst.retweets),
             "last_retweet_after_seconds": int((burst.retweets[-1].ts - burst.original.ts).total_seconds()),
             "retweet_ids": [p.post_id for p in burst.retweets]}
            for burst in crowd.viral
        ],
        "posts_with_campaign_hashtags": [
            p.post_id for p in crowd.originals
            if p.where == IN_COLLECTION and campaign_tags & {normalize_hashtag(t) for t in p.hashtags()}
        ],
    }


def bot_network_truth(world: World) -> dict:
    network = world.network
    created = [bot.created_at for bot in network.bots]
    return {
        "accounts": {
            "twitter-v2": [bot.account_id for bot in network.bots],
            "io-archive": [hashed_id(bot) for bot in network.bots],
        },
        "profiles": [
            {**account_ref(bot), "io_archive_id": hashed_id(bot), "created_at": iso(bot.created_at)}
            for bot in network.bots
        ],
        "creation_burst": {"start": iso(BURST_START), "end": iso(BURST_END), "first": iso(min(created)),
                           "last": iso(max(created)), "n_accounts": len(created),
                           "others_in_window": others_created_in_burst(world)},
        "seed_accounts": [account_ref(seed) for seed in network.seeds],
        "timing": {"sync_seconds": SYNC_SECONDS, "straggler_share": STRAGGLER_SHARE, "straggler_delay_seconds": [20, 120]},
        "amplified_posts": [
            {"post_id": a.original.post_id, "seed": a.original.author.handle, "format": FORMAT_OF[a.retweets[0].where],
             "spread_seconds": spread_seconds(a.retweets), "retweets": [post_ref(p) for p in a.retweets]}
            for a in network.amplifications
        ],
        "link_pushes": [
            {"canonical_url": push.canonical_url, "format": FORMAT_OF[push.posts[0].where],
             "spread_seconds": spread_seconds(push.posts),
             "posts": [{**post_ref(p), "raw_url": p.urls()[0]} for p in push.posts]}
            for push in network.link_pushes
        ],
        "near_duplicate_text": [
            {"template_id": wave.template_id, "template": wave.template, "format": FORMAT_OF[wave.copies[0].post.where],
             "spread_seconds": spread_seconds([c.post for c in wave.copies]),
             "posts": [{**post_ref(c.post), "text": c.post.words(), "edits": c.edits} for c in wave.copies]}
            for wave in network.copypasta
        ],
        "filler_retweets": len(network.filler),
    }


def others_created_in_burst(world: World) -> list[str]:
    """Accounts outside the network that happen to have been created inside its burst window
    (the flat organic baseline puts one there now and then)."""
    others = [*world.crowd.accounts, *world.network.seeds, *world.campaign.accounts]
    return [a.account_id for a in others if BURST_START <= a.created_at < BURST_END]


def campaign_truth(campaign: HashtagCampaign, world: World) -> dict:
    sequence = [normalize_hashtag(tag) for tag in campaign.hashtags]
    return {
        "accounts": {"twitter-v2": [a.account_id for a in campaign.accounts]},
        "profiles": [{**account_ref(a), "created_at": iso(a.created_at)} for a in campaign.accounts],
        "hashtags": list(campaign.hashtags),
        "hashtag_sequence": " ".join(sequence),
        "wave_spread_seconds": WAVE_SPREAD_SECONDS,
        "waves": [
            {"start": iso(wave.start), "spread_seconds": spread_seconds(wave.posts), "posts": [post_ref(p) for p in wave.posts]}
            for wave in campaign.waves
        ],
        "retweets_by_these_accounts": sum(
            1 for p in world.tweets(IN_COLLECTION) if p.kind == "repost" and p.author in campaign.accounts
        ),
    }


# -- Telegram ------------------------------------------------------------------------------


def chat_ref(chat: TgChat) -> dict:
    ref = {"chat_id": chat.chat_id, "from_id": chat.from_id, "name": chat.name}
    if chat.created is not None:
        ref["created_at"] = iso(chat.created)
    return ref


def forward_truth(export: TelegramExport, forwards: list[CoordinatedForward]) -> list[dict]:
    source_of = {id(m): chat for chat in export.chats for m in chat.messages}
    return [
        {
            "original_post_id": source_of[id(group.original)].post_id(group.original),
            "posted_at": iso(group.original.ts),
            "forwards": [
                {"post_id": chat.post_id(message), "from_id": chat.from_id, "ts": iso(message.ts),
                 "delay_seconds": int((message.ts - group.original.ts).total_seconds())}
                for chat, message in group.forwards
            ],
        }
        for group in forwards
    ]


def telegram_truth(export: TelegramExport) -> dict:
    return {
        "post_id_form": "{chat id}/{message id}",
        "hub": chat_ref(export.hub),
        "amplifiers": [chat_ref(chat) for chat in export.amplifiers],
        "amplifier_creation": {"start": iso(AMPLIFIERS_CREATED), "end": iso(AMPLIFIERS_CREATED + dt.timedelta(days=2))},
        "coordinated_forwards": forward_truth(export, export.coordinated),
        "organic_forwards": forward_truth(export, export.organic_forwards),
        "chats": [{**chat_ref(chat), "type": chat.type, "role": chat.role, "messages": len(chat.messages)} for chat in export.chats],
    }


# -- articles ------------------------------------------------------------------------------


def spans(text: str, phrase: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]


def narrative_truth(narrative: Narrative) -> dict:
    figures, labels = [], []
    for article in narrative.articles:
        stance = STANCES[article.outlet.camp]
        text = article.text
        for figure in stance.figures:
            for start, end in spans(text, figure.phrase):
                figures.append({"doc_id": article.doc_id, "outlet": article.outlet.name, "start": start, "end": end,
                                "text": figure.phrase, "value": figure.value, "qualifier": figure.qualifier,
                                "attributed_to": figure.attributed_to})
        for actor, (label, polarity) in stance.labels.items():
            for start, end in spans(text, f"{actor}, {label}"):
                labels.append({"doc_id": article.doc_id, "outlet": article.outlet.name, "start": start, "end": end,
                               "entity": actor, "label": label, "polarity": polarity})
    return {
        "outlets": [{"name": o.name, "camp": o.camp, "domain": o.domain, "recycles_from": list(o.recycles_from)} for o in OUTLETS],
        "articles": [
            {"doc_id": a.doc_id, "outlet": a.outlet.name, "camp": a.outlet.camp, "published": iso(a.published),
             "url": a.url, "title": a.title}
            for a in narrative.articles
        ],
        "reuse": [reuse_truth(reuse) for reuse in narrative.reuse],
        "contested_figures": {
            o.name: [{"phrase": f.phrase, "value": f.value, "qualifier": f.qualifier, "attributed_to": f.attributed_to}
                     for f in STANCES[o.camp].figures]
            for o in OUTLETS
        },
        "labels_by_outlet": {o.name: {actor: label for actor, (label, _) in STANCES[o.camp].labels.items()} for o in OUTLETS},
        "figures": figures,
        "labels": labels,
    }


def reuse_truth(reuse: Reuse) -> dict:
    source_start, source_end = reuse.source.span_of(reuse.source_index)
    copy_start, copy_end = reuse.copy.span_of(reuse.copy_index)
    return {
        "passage_id": reuse.passage_id,
        "source_doc": reuse.source.doc_id,
        "copy_doc": reuse.copy.doc_id,
        "source_start": source_start, "source_end": source_end,
        "copy_start": copy_start, "copy_end": copy_end,
        "source_text": reuse.source.paragraphs[reuse.source_index].text,
        "copy_text": reuse.copy.paragraphs[reuse.copy_index].text,
        "edits": reuse.edits,
    }


def summary_lines(truth: dict) -> list[str]:
    """What was planted, in a few lines a person can check the findings against."""
    bots, campaign = truth["bot_network"], truth["hashtag_campaign"]
    telegram, narrative = truth["telegram"], truth["narrative"]
    burst = bots["creation_burst"]
    in_collection = [a for a in bots["amplified_posts"] if a["format"] == "twitter-v2"]
    tolls = sorted({f["value"] for figures in narrative["contested_figures"].values() for f in figures}, reverse=True)
    group_labels = sorted({labels[lexicon.GROUP] for labels in narrative["labels_by_outlet"].values()})
    viral = truth["organic"]["viral_bursts"]
    return [
        f"bot network: {burst['n_accounts']} accounts created {burst['start'][:10]} to {burst['end'][:10]}; "
        f"{len(in_collection)} seed posts co-retweeted within seconds, {len(bots['link_pushes'])} links co-posted, "
        f"{len(bots['near_duplicate_text'])} copy-paste templates (the io-archive holds its earlier acts under hashed ids)",
        f"hashtag network: {len(campaign['accounts']['twitter-v2'])} older accounts, {len(campaign['waves'])} waves of "
        f"{' '.join('#' + tag for tag in campaign['hashtags'])} within {campaign['wave_spread_seconds'] // 60} minutes, no retweets",
        f"telegram: {len(telegram['amplifiers'])} channels made within two days forward \"{telegram['hub']['name']}\" "
        f"within seconds ({len(telegram['coordinated_forwards'])} posts)",
        f"narrative: {len(narrative['articles'])} articles from {len(narrative['outlets'])} outlets, "
        f"{len(narrative['reuse'])} recycled passages, death toll {' vs '.join(map(str, tolls))}, "
        f"the {lexicon.GROUP} called {' / '.join(repr(label) for label in group_labels)}",
        f"organic traps: {len(viral)} viral posts retweeted by {' and '.join(str(v['retweets']) for v in viral)} "
        "unrelated accounts within the hour",
    ]
