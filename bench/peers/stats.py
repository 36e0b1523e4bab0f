"""Pure statistics for the suite: percentiles, median of round medians, rates.

No I/O, no clocks: every function takes plain numbers so the smoke tests can check
the arithmetic exactly.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by the nearest-rank method.

    Nearest rank never interpolates, so a p99 is always a latency that was seen:
    with 100 samples p99 is the 99th smallest, with 10 samples it is the largest.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} outside 0..100")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median_of_medians(rounds: Iterable[Sequence[float]]) -> float:
    """The median over rounds of each round's median (empty rounds are skipped).

    A slow round (another process woke up) moves one round median, not the result.
    """
    medians = [statistics.median(r) for r in rounds if r]
    if not medians:
        raise ValueError("no samples in any round")
    return statistics.median(medians)


@dataclass(frozen=True)
class LatencySummary:
    """One target's latencies over interleaved rounds, in seconds."""

    p50: float  # median of round medians
    p99: float  # nearest-rank p99 over all samples pooled
    count: int

    @classmethod
    def of(cls, rounds: Sequence[Sequence[float]]) -> LatencySummary:
        pooled = [v for r in rounds for v in r]
        return cls(median_of_medians(rounds), percentile(pooled, 99), len(pooled))


@dataclass(frozen=True)
class StepResult:
    """One open-loop step: ``offered`` requests/s for ``duration_s``."""

    offered: float
    duration_s: float
    latencies: tuple[float, ...]  # from each request's scheduled time, successes only
    errors: int

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99) if self.latencies else math.inf

    @property
    def achieved(self) -> float:
        return len(self.latencies) / self.duration_s if self.duration_s > 0 else 0.0

    def passes(self, p99_limit_s: float) -> bool:
        """No errors, every request done, and p99 within the limit."""
        expected = round(self.offered * self.duration_s)
        return self.errors == 0 and len(self.latencies) >= expected and self.p99 <= p99_limit_s


def max_passing_rate(steps: Iterable[StepResult], p99_limit_s: float) -> float:
    """The highest offered rate below the first failing one (0 if the first fails).

    Steps are taken in increasing rate order; a pass above a failure is noise and
    does not count, so the answer is what the target sustains, not a lucky step.
    """
    best = 0.0
    for step in sorted(steps, key=lambda s: s.offered):
        if not step.passes(p99_limit_s):
            break
        best = step.offered
    return best


def ratio(value: float, reference: float) -> float:
    """``value / reference``, NaN when the reference is zero or missing."""
    if reference == 0 or math.isnan(reference):
        return math.nan
    return value / reference
