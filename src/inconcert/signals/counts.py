"""The count model behind every burst in this package.

A count (accounts created in a day, posts carrying a hashtag in an hour) is compared with
what the same series did around it:

- the *expected* count is the median of the sums of a few blocks of periods before and
  after it, leaving out a guard band around the period itself, so a burst never raises
  its own baseline and a trend or a slow season moves the baseline with it;
- the *spread* around that baseline is negative binomial (variance mu + alpha * mu^2),
  with one dispersion alpha per analysis estimated by the method of moments on the
  periods that are not themselves outliers, so ordinary lumpiness is not read as a burst;
- the p-values of all periods are corrected for multiple testing with Benjamini and
  Hochberg's false discovery rate. Periods with a count of zero cannot be significant and
  are not counted as tests (Tarone 1990).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

# Periods whose count is this unlikely under the current fit are left out of the next
# estimate of the dispersion, so that bursts do not pass for over-dispersion.
_OUTLIER_P = 1e-3
_DISPERSION_ROUNDS = 4
_MAX_DISPERSION = 10.0
# Cells of a (series x periods) matrix handled at once when gathering block sums.
_CHUNK_CELLS = 1_000_000


@dataclass(frozen=True)
class Baseline:
    """How the expected count of a period is taken from its neighbours.

    `block` periods are summed; `blocks_each_side` such sums before and as many after the
    period, `guard` periods away from it, give the median; `floor` is the smallest
    expected count per period, so an event in an otherwise empty stretch is surprising
    but not infinitely so.
    """

    block: int
    blocks_each_side: int
    guard: int

    @property
    def floor(self) -> float:
        return 0.5 / (self.block * 2 * self.blocks_each_side)


def adaptive_block(counts: np.ndarray, unit: int, target_per_block: float) -> int:
    """A block of whole `unit`s (7 days, 24 hours) long enough that a typical block holds
    `target_per_block` events, so the median of block sums is not zero on sparse series."""
    rate = float(counts.sum()) / max(counts.shape[-1], 1)
    if rate <= 0:
        return unit
    units = max(1, math.ceil(target_per_block / (rate * unit)))
    return unit * units


def rolling_expected(counts: np.ndarray, baseline: Baseline) -> np.ndarray:
    """Expected count per period for each row of `counts` (series x periods)."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    rows_per_chunk = max(1, _CHUNK_CELLS // max(counts.shape[1], 1))
    parts = [
        _rolling_expected_chunk(counts[start:start + rows_per_chunk], baseline)
        for start in range(0, counts.shape[0], rows_per_chunk)
    ]
    return np.vstack(parts) if parts else np.zeros_like(counts)


def _rolling_expected_chunk(counts: np.ndarray, baseline: Baseline) -> np.ndarray:
    n_series, n_periods = counts.shape
    size = baseline.block
    cumulative = np.concatenate([np.zeros((n_series, 1)), np.cumsum(counts, axis=1)], axis=1)
    period = np.arange(n_periods)
    offsets = [baseline.guard + 1 + j * size for j in range(baseline.blocks_each_side)]
    offsets += [-baseline.guard - (j + 1) * size for j in range(baseline.blocks_each_side)]
    sums = np.full((len(offsets), n_series, n_periods), np.nan)
    for i, offset in enumerate(offsets):
        start = period + offset
        inside = (start >= 0) & (start + size <= n_periods)
        first = start[inside]
        sums[i][:, inside] = cumulative[:, first + size] - cumulative[:, first]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # periods without any neighbour block: handled below
        median = np.nanmedian(sums, axis=0) / size
    # A series shorter than one block on either side has no neighbours: its own mean stands in.
    fallback = np.broadcast_to(counts.mean(axis=1, keepdims=True), median.shape)
    median = np.where(np.isnan(median), fallback, median)
    return np.maximum(median, baseline.floor)


def log_survival(counts: np.ndarray, expected: np.ndarray, alpha: float) -> np.ndarray:
    """log P(X >= count) under a negative binomial with mean `expected` and dispersion
    `alpha` (Poisson when alpha is 0)."""
    counts = np.asarray(counts, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if alpha <= 1e-9:
        return stats.poisson.logsf(counts - 1, expected)
    size = 1.0 / alpha
    return stats.nbinom.logsf(counts - 1, size, size / (size + expected))


def estimate_dispersion(counts: np.ndarray, expected: np.ndarray) -> float:
    """Method-of-moments alpha (Var = mu + alpha mu^2), refitted without the periods the
    previous fit finds extreme, so that the bursts being looked for do not inflate it."""
    counts = np.asarray(counts, dtype=float).ravel()
    expected = np.asarray(expected, dtype=float).ravel()
    alpha = 0.0
    for _ in range(_DISPERSION_ROUNDS):
        # The first round leaves out what a Poisson count finds extreme: fitting the
        # dispersion with the bursts still in would let them explain themselves away.
        keep = np.exp(log_survival(counts, expected, alpha)) >= _OUTLIER_P
        c, mu = counts[keep], expected[keep]
        denominator = float(np.sum(mu * mu))
        if denominator <= 0:
            return 0.0
        alpha = min(_MAX_DISPERSION, max(0.0, float(np.sum((c - mu) ** 2 - c)) / denominator))
    return alpha


@dataclass(frozen=True)
class Tested:
    """Per-cell results of the count model; q is NaN where the count is zero (not a test)."""

    expected: np.ndarray
    p_value: np.ndarray
    q_value: np.ndarray
    score: np.ndarray
    dispersion: float


def score_counts(counts: np.ndarray, baseline: Baseline) -> Tested:
    """Expected counts, p-values, BH q-values and scores (-log10 p) for a count matrix."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    expected = rolling_expected(counts, baseline)
    alpha = estimate_dispersion(counts, expected)
    log_p = log_survival(counts, expected, alpha)
    p_value = np.exp(log_p)
    q_value = np.full(counts.shape, np.nan)
    tested = counts > 0
    if tested.any():
        q_value[tested] = stats.false_discovery_control(p_value[tested], method="bh")
    score = np.minimum(-log_p / math.log(10), 300.0)
    return Tested(expected, p_value, q_value, np.maximum(score, 0.0), alpha)
