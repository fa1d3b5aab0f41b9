"""From a post and the things it shares to rows of the `actions` table.

Every reader hands its posts over as `SharedPost` (the post plus the raw URLs, hashtags,
mentions and image hashes it carries); this module is the single place that decides
which actions a post yields and how their objects are normalised.
"""

from __future__ import annotations

import msgspec

from inconcert.ingest.fields import BadRecord
from inconcert.normalize import normalize_hashtag, normalize_url, text_fingerprint, url_domain
from inconcert.store.schema import Action, Post

# Kinds of the `actions` table; `coordination --kind` selects among them.
RETWEET, LINK, DOMAIN, HASHTAG, HASHTAG_SEQUENCE, TEXT, REPLY, MENTION, IMAGE = (
    "retweet", "link", "domain", "hashtag", "hashtag-sequence", "text", "reply", "mention", "image",
)
ACTION_KINDS = (RETWEET, LINK, DOMAIN, HASHTAG, HASHTAG_SEQUENCE, TEXT, REPLY, MENTION, IMAGE)
# Near-duplicate posts are a kind of share too, but not one stored at ingest: which posts
# copy each other depends on the whole collection (text/reuse/posts.py builds them).
NEAR_TEXT_KIND = "near-text"
# Measured on the demo scenario (docs/reuse.md): a paste of a 13-20-word text with two
# words dropped keeps a bigram Jaccard of 0.57 with the original, and one with a word
# swapped or inserted 0.7-0.85, so 0.6 splits campaigns; at 0.5, short chatty posts built
# on one stock frame ("... is packed today ...") chain into large groups. 0.55 keeps
# every planted campaign whole and alone.
NEAR_TEXT_THRESHOLD = 0.55

# Reposts and forwards carry the original's text and entities; counting those again as
# co-link or co-hashtag would double-count the one act of re-sharing (the QUT toolkit
# likewise takes URLs from non-reposts only).
_RESHARE_KINDS = ("repost", "forward")


# No platform lets one post carry more links, hashtags, mentions and images than this
# (a 280-character tweet holds at most about 140 hashtags; a 4,096-character Telegram
# message about 2,000). A record claiming more is crafted: it is quarantined, not expanded
# into millions of actions.
MAX_OBJECTS_PER_POST = 5_000


class SharedPost(msgspec.Struct, kw_only=True):
    """A post as a reader found it, with the objects it shares still in raw form."""

    post: Post
    urls: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    images: list[str] = []

    def __post_init__(self) -> None:
        carried = len(self.urls) + len(self.hashtags) + len(self.mentions) + len(self.images)
        if carried > MAX_OBJECTS_PER_POST:
            raise BadRecord(
                f"the post carries {carried} links, hashtags, mentions and images, more than the "
                f"{MAX_OBJECTS_PER_POST} any platform allows; set aside"
            )


def actions_of(shared: SharedPost) -> list[Action]:
    """The actions one post stands for, each object normalised and listed once."""
    post = shared.post
    objects: dict[tuple[str, str], None] = {}

    def add(kind: str, object_id: str | None) -> None:
        if object_id:
            objects[(kind, object_id)] = None

    if post.kind in _RESHARE_KINDS:
        add(RETWEET, post.ref_post_id)
    else:
        for raw in shared.urls:
            url = normalize_url(raw)
            add(LINK, url)
            add(DOMAIN, url_domain(url))
        tags = [t for t in (normalize_hashtag(h) for h in shared.hashtags) if t]
        for tag in tags:
            add(HASHTAG, tag)
        if len(tags) >= 2:
            add(HASHTAG_SEQUENCE, " ".join(tags))
        add(TEXT, text_fingerprint(post.text))
        add(REPLY, post.reply_to_post_id)
        for mention in shared.mentions:
            add(MENTION, mention.strip().lstrip("@").lower() or None)
        for image in shared.images:
            add(IMAGE, image.strip() or None)
    return [
        Action(
            platform=post.platform,
            account_id=post.account_id,
            content_id=post.post_id,
            object_id=object_id,
            kind=kind,
            ts=post.ts,
        )
        for kind, object_id in objects
    ]
