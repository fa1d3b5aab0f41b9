"""Communities in the account network: who acts together as a group.

Graph work runs on the reduced edge table only, never on raw posts. Communities come from
networkit's Leiden implementation (MIT-licensed, fast on millions of edges); networkit
is seeded and single-threaded here so the same edges always give the same clusters.
"""

from __future__ import annotations

import numpy as np

SEED = 42


def find_communities(n_nodes: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Leiden communities of the weighted, undirected graph on nodes 0..n-1 (edges given
    once each). Returns a cluster id per node: 1 for the largest cluster, then down by
    size, ties broken by the smallest node, so ids do not depend on internal labels."""
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    import networkit as nk  # imported here: it takes a second or more to load

    graph = nk.GraphFromCoo(
        (weight.astype(np.float64), (source.astype(np.uint64), target.astype(np.uint64))),
        n=n_nodes, weighted=True, directed=False,
    )
    nk.setSeed(SEED, False)
    threads = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    try:
        leiden = nk.community.ParallelLeiden(graph, randomize=False)
        leiden.run()
        raw = np.asarray(leiden.getPartition().getVector(), dtype=np.int64)
    finally:
        nk.setNumberOfThreads(threads)
    return _renumber_by_size(raw)


def _renumber_by_size(raw: np.ndarray) -> np.ndarray:
    labels, inverse, sizes = np.unique(raw, return_inverse=True, return_counts=True)
    smallest_node = np.full(len(labels), len(raw), dtype=np.int64)
    np.minimum.at(smallest_node, inverse, np.arange(len(raw)))
    order = np.lexsort((smallest_node, -sizes))  # by size descending, then smallest node
    cluster_of_label = np.empty(len(labels), dtype=np.int64)
    cluster_of_label[order] = np.arange(1, len(labels) + 1)
    return cluster_of_label[inverse]
