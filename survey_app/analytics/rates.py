"""Rates and shares over counts, and the one small-sample rule (pure maths, no Flask).

The kiosk satisfaction rate of domain.md §2, shares of levels, the 95% Wilson interval of a proportion
(also used by the SIPAS engine) and the suppression of figures resting on fewer answers than the
configured minimum (SMALL_SAMPLE_MIN; callers pass it in): dashboards, reports and the JSON API all
suppress through these functions, so a figure is withheld in the same cases everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_MIN_N = 30
Z_95 = 1.959963984540054  # two-sided 95% normal quantile


def total(counts: Mapping[str, int]) -> int:
    """All valid ratings."""
    return sum(counts.values())


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion, in percent; None when n is 0."""
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def is_suppressed(n: int | None, min_n: int = DEFAULT_MIN_N) -> bool:
    """Whether a figure built on n observations must be withheld."""
    return n is None or n < max(min_n, 1)


def safe_share(part: int, n: int, min_n: int = DEFAULT_MIN_N) -> float | None:
    """100 × part / n, or None when n is below the minimum (shown as "không đủ mẫu")."""
    if is_suppressed(n, min_n):
        return None
    return 100.0 * part / n


def safe_value(value: float | None, n: int, min_n: int = DEFAULT_MIN_N) -> float | None:
    """A ready-made figure (an index, say), withheld when it rests on too few answers."""
    return None if is_suppressed(n, min_n) else value


@dataclass(frozen=True)
class Rate:
    """A satisfaction rate with its sample: value None means "not enough sample" (or no rating)."""

    value: float | None
    n: int
    satisfied: int

    @property
    def suppressed(self) -> bool:
        """Whether the rate is withheld."""
        return self.value is None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% Wilson interval, withheld with the rate."""
        return None if self.suppressed else wilson_interval(self.satisfied, self.n)


def satisfaction_rate(
    counts: Mapping[str, int], satisfied_levels: Iterable[str], min_n: int = DEFAULT_MIN_N
) -> Rate:
    """(satisfied levels) / all valid ratings × 100 from counts per level, suppressed below min_n."""
    wanted = set(satisfied_levels)
    n = sum(counts.values())
    satisfied = sum(v for level, v in counts.items() if level in wanted)
    return Rate(safe_share(satisfied, n, min_n), n, satisfied)


def level_shares(counts: Mapping[str, int], levels: Iterable[str], min_n: int = DEFAULT_MIN_N) -> dict:
    """Share in percent of each level (None for all when the total is below min_n)."""
    n = sum(counts.values())
    return {level: safe_share(counts.get(level, 0), n, min_n) for level in levels}


def difference(current: float | None, previous: float | None) -> float | None:
    """Change in percentage points, None when either side is withheld."""
    if current is None or previous is None:
        return None
    return current - previous
