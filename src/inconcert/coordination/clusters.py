"""Communities in the account network: who acts together as a group.

Graph work runs on the reduced edge table only, never on raw posts. Communities come from
networkit's Leiden implementation (MIT-licensed, fast on millions of edges); networkit
is seeded and single-threaded here so the same edges always give the same clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkit as nk
import numpy as np
import pyarrow as pa

SEED = 42


@dataclass(frozen=True)
class Communities:
    accounts: list[str]
    cluster_of: np.ndarray  # cluster id per account, 1-based, largest cluster first


def find_communities(account_a: pa.Array, account_b: pa.Array, weight: pa.Array) -> Communities:
    """Leiden communities of the weighted, undirected account graph."""
    accounts = sorted(set(account_a.to_pylist()) | set(account_b.to_pylist()))
    if not accounts:
        return Communities([], np.zeros(0, dtype=np.int64))
    index = {account: i for i, account in enumerate(accounts)}
    graph = nk.Graph(len(accounts), weighted=True, directed=False)
    for a, b, w in zip(account_a.to_pylist(), account_b.to_pylist(), weight.to_pylist()):
        graph.addEdge(index[a], index[b], float(w))
    nk.setSeed(SEED, False)
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        partition = None
        if graph.numberOfEdges():
            leiden = nk.community.ParallelLeiden(graph, randomize=False)
            leiden.run()
            partition = leiden.getPartition()
    finally:
        nk.setNumberOfThreads(threads)
    raw = np.array(partition.getVector(), dtype=np.int64) if partition else np.arange(len(accounts))
    return Communities(accounts, _renumber_by_size(raw, accounts))


def _renumber_by_size(raw: np.ndarray, accounts: list[str]) -> np.ndarray:
    """Cluster ids 1, 2, ... from the largest cluster down; ties broken by the smallest
    member id so the numbering does not depend on the algorithm's internal labels."""
    members: dict[int, list[int]] = {}
    for i, label in enumerate(raw.tolist()):
        members.setdefault(label, []).append(i)
    order = sorted(members.values(), key=lambda m: (-len(m), accounts[m[0]]))
    renumbered = np.zeros(len(raw), dtype=np.int64)
    for cluster_id, member_rows in enumerate(order, start=1):
        renumbered[member_rows] = cluster_id
    return renumbered
