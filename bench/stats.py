"""Latency and throughput summaries of one benchmark run (pure functions, unit tested)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], fraction: float) -> float:
    """The fraction-quantile with linear interpolation between closest ranks.

    Same definition as numpy's default ("linear"), so numbers can be checked by hand;
    NaN for no values, because an empty level must not look fast.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within [0, 1]: {fraction}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True)
class LevelSummary:
    """One variant at one concurrency level: what a patient would feel, and capacity."""

    users: int
    answered: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    throughput: float  # answered messages per second of the variant's own slices

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def summarise(
    users: int, latencies_ms: Sequence[float], errors: int, seconds: float
) -> LevelSummary:
    """Percentiles over answered messages; throughput over the time the variant had the load."""
    return LevelSummary(
        users=users,
        answered=len(latencies_ms),
        errors=errors,
        p50_ms=percentile(latencies_ms, 0.50),
        p95_ms=percentile(latencies_ms, 0.95),
        p99_ms=percentile(latencies_ms, 0.99),
        throughput=len(latencies_ms) / seconds if seconds > 0 else math.nan,
    )


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when either is missing or the denominator is zero."""
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return math.nan
    return numerator / denominator


def slice_order(variants: Sequence[str], slices: int) -> list[str]:
    """Which variant gets the load in each time slice: round robin, reversed every other round.

    A-B, B-A, A-B ... (or A-B-C, C-B-A ...): every variant is as often early as late in a
    round, so a drift of the machine's load over the run hits all variants alike.
    """
    order: list[str] = []
    round_number = 0
    while len(order) < slices:
        names = list(variants) if round_number % 2 == 0 else list(reversed(variants))
        order.extend(names)
        round_number += 1
    return order[:slices]
