"""Reuse clusters: passages that are copies of each other across many documents.

Every aligned pair links its two passages; passages of one document that overlap by at
least half of the longer are one passage (half of the shorter would let a stock sentence
inside a copied paragraph chain unrelated clusters together). Connected components of these links are the
clusters (passim clusters the same way). The likely source of a cluster is its passage in
the earliest dated document; a cluster with no dated document has none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

Passage = tuple[str, int, int]  # doc_id, start, end (characters)


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, item):
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller root wins, so the result does not depend on the order of links.
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class Cluster:
    cluster_id: int
    members: list[Passage]
    source: Passage | None


def reuse_clusters(links: list[tuple[Passage, Passage]], published: dict[str, dt.datetime | None]) -> dict[Passage, Cluster]:
    """Each passage's cluster, numbered 1.. in order of the clusters' sources (earliest
    first; undated clusters after, by their first passage)."""
    groups = UnionFind()
    for a, b in links:
        groups.union(a, b)
    _merge_overlapping(groups)
    members: dict[Passage, list[Passage]] = defaultdict(list)
    for passage in list(groups.parent):
        members[groups.find(passage)].append(passage)
    clusters = []
    for passages in members.values():
        passages.sort()
        dated = [p for p in passages if published.get(p[0]) is not None]
        source = min(dated, key=lambda p: (published[p[0]], p)) if dated else None
        clusters.append((passages, source))
    clusters.sort(key=lambda c: (c[1] is None, published[c[1][0]] if c[1] else dt.datetime.min, c[1] or c[0][0]))
    by_passage: dict[Passage, Cluster] = {}
    for number, (passages, source) in enumerate(clusters, 1):
        cluster = Cluster(number, passages, source)
        for passage in passages:
            by_passage[passage] = cluster
    return by_passage


def _merge_overlapping(groups: UnionFind) -> None:
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for passage in list(groups.parent):
        by_doc[passage[0]].append(passage)
    for passages in by_doc.values():
        passages.sort(key=lambda p: (p[1], p[2]))
        for index, passage in enumerate(passages):
            for later in passages[index + 1 :]:
                if later[1] >= passage[2]:
                    break
                overlap = min(passage[2], later[2]) - later[1]
                if overlap * 2 >= max(passage[2] - passage[1], later[2] - later[1]):
                    groups.union(passage, later)
