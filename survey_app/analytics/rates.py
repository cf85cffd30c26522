"""Rates and shares over counts (pure maths, no Flask): the kiosk satisfaction rate of domain.md §2."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping


def total(counts: Mapping[str, int]) -> int:
    """All valid ratings."""
    return sum(counts.values())


def satisfaction_rate(counts: Mapping[str, int], satisfied: Iterable[str]) -> float | None:
    """(satisfied levels) / all valid ratings × 100; None when there is no rating."""
    n = total(counts)
    if n == 0:
        return None
    return 100.0 * sum(counts.get(level, 0) for level in set(satisfied)) / n


def shares(counts: Mapping[str, int], levels: Iterable[str]) -> dict[str, float | None]:
    """The share of each level in percent (None for every level when there is no rating)."""
    n = total(counts)
    return {level: (100.0 * counts.get(level, 0) / n if n else None) for level in levels}


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion, in percent; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, 100 * (centre - half)), min(100.0, 100 * (centre + half))
