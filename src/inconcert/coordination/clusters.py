"""Communities in the account network: who acts together as a group.

Graph work runs on the reduced edge table only, never on raw posts. Communities come from
networkit's Leiden implementation (MIT-licensed, fast on millions of edges); networkit
is seeded and single-threaded here so the same edges always give the same clusters.
"""

from __future__ import annotations

import sys

import numpy as np

SEED = 42
# networkit's package import pulls in these optional libraries when they are installed
# (scikit-learn for link prediction, pandas and matplotlib for profiling and plots): over
# 2 CPU-seconds per run, for features clustering never uses.
UNUSED_OPTIONAL_IMPORTS = ("sklearn", "pandas", "matplotlib")


def find_communities(n_nodes: int, source: np.ndarray, target: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Leiden communities of the weighted, undirected graph on nodes 0..n-1 (edges given
    once each). Returns a cluster id per node: 1 for the largest cluster, then down by
    size, ties broken by the smallest node, so ids do not depend on internal labels."""
    if n_nodes == 0:
        return np.zeros(0, dtype=np.int64)
    nk = _import_networkit()
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


def _import_networkit():
    """networkit, imported without the optional libraries it would load but clustering
    does not use. A library the process has already imported stays as it is; the others
    are hidden only while networkit loads (a `None` entry in sys.modules makes `import`
    fail, which networkit handles as "not installed"), so the caller can import them later."""
    if "networkit" in sys.modules:
        return sys.modules["networkit"]
    hidden = [name for name in UNUSED_OPTIONAL_IMPORTS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import networkit
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return networkit


def _renumber_by_size(raw: np.ndarray) -> np.ndarray:
    labels, inverse, sizes = np.unique(raw, return_inverse=True, return_counts=True)
    smallest_node = np.full(len(labels), len(raw), dtype=np.int64)
    np.minimum.at(smallest_node, inverse, np.arange(len(raw)))
    order = np.lexsort((smallest_node, -sizes))  # by size descending, then smallest node
    cluster_of_label = np.empty(len(labels), dtype=np.int64)
    cluster_of_label[order] = np.arange(1, len(labels) + 1)
    return cluster_of_label[inverse]
