"""Small-number suppression: a figure resting on fewer than a minimum of answers is not shown.

Pure functions (no Flask): callers pass the configured minimum (SMALL_SAMPLE_MIN, default 30).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_MIN_N = 30


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
    """A satisfaction rate with its sample: value None means "not enough sample"."""

    value: float | None
    n: int
    satisfied: int

    @property
    def suppressed(self) -> bool:
        """Whether the rate is withheld."""
        return self.value is None


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
