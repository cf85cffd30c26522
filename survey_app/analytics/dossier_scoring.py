"""Per-dossier scoring and the quarter's maths (pure: no Flask, no database).

The rules arrive as data (`Rules`, read from the rules file by survey_app.dossiers.rules); a dossier's
nine scores depend only on its own facts; a unit's quarter is the sum of the nine per-indicator averages
over the dossiers returned in it, pooled over the subtree (sums and counts added first, never averages
of averages), with an indicator assessed on fewer dossiers than were scored flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from survey_app.analytics.periods import next_month

INDICATORS = tuple(range(1, 10))
TIMINGS = ("before", "on_time", "after")
QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


# --- the rules, as data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRule:
    """How one indicator is scored (kinds: timeliness, count, source; see the rules file)."""

    number: int
    name_vi: str
    name_en: str
    kind: str
    timing_scores: Mapping[str, int] = field(default_factory=dict)  # timeliness
    verified_complaint: int | None = None  # timeliness: score when a complaint was verified
    column: str = ""  # count: the count column; source: i2 … i9
    count_scores: tuple[int, ...] = ()  # count: score for 0, 1, …
    more: int = 0  # count: score beyond count_scores
    otherwise: int | None = None  # source: the indicator used when absent (None = not assessed)

    def name(self, language: str) -> str:
        """The indicator's title in a UI language."""
        return self.name_en if language == "en" else self.name_vi


@dataclass(frozen=True)
class ScoreClass:
    """A class (xếp loại) of a quarterly total: from `minimum` up."""

    minimum: float
    vi: str
    en: str

    def label(self, language: str) -> str:
        """The class name in a UI language."""
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class Rules:
    """One version of the scoring rules."""

    version: str
    title_vi: str
    title_en: str
    max_score: int
    indicators: tuple[IndicatorRule, ...]  # numbers 1 to 9, in order
    classes: tuple[ScoreClass, ...]  # highest minimum first
    source: str = ""

    @property
    def maximum(self) -> int:
        """The highest possible quarterly total (18 by default)."""
        return self.max_score * len(self.indicators)

    def indicator(self, number: int) -> IndicatorRule:
        """The rule of indicator `number`."""
        return self.indicators[number - 1]

    def classify(self, total: Fraction | float | None) -> ScoreClass | None:
        """The class of a quarterly total (None when there is no total)."""
        if total is None:
            return None
        for score_class in self.classes:
            if total >= Fraction(score_class.minimum).limit_denominator(10**6):
                return score_class
        return None


# --- one dossier --------------------------------------------------------------------------------------


def timing(returned_day: date, due_day: date) -> str:
    """Returned before, on or after the due day (local calendar days)."""
    if returned_day < due_day:
        return "before"
    return "on_time" if returned_day == due_day else "after"


def score_dossier(
    rules: Rules,
    *,
    returned_day: date | None,
    due_day: date,
    supplement_requests: int,
    agencies_contacted: int,
    complaint: str,
    sources: Mapping[str, int | None],
) -> tuple[int | None, ...]:
    """The nine scores of a dossier (None = not assessed); all None while it is not returned."""
    if returned_day is None:
        return (None,) * len(rules.indicators)
    when = timing(returned_day, due_day)
    counts = {"supplement_requests": supplement_requests, "agencies_contacted": agencies_contacted}
    scores: dict[int, int | None] = {}
    for rule in rules.indicators:
        if rule.kind == "timeliness":
            if rule.verified_complaint is not None and complaint == "verified":
                scores[rule.number] = rule.verified_complaint
            else:
                scores[rule.number] = rule.timing_scores[when]
        elif rule.kind == "count":
            k = counts[rule.column]
            scores[rule.number] = rule.count_scores[k] if k < len(rule.count_scores) else rule.more
    for rule in rules.indicators:  # source scores last: their fallback is another indicator's score
        if rule.kind == "source":
            given = sources.get(rule.column)
            if given is not None:
                scores[rule.number] = given
            else:
                scores[rule.number] = scores.get(rule.otherwise) if rule.otherwise else None
    return tuple(scores[rule.number] for rule in rules.indicators)


# --- a unit's period ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodScore:
    """A subtree's pooled scores over a period."""

    n_scored: int
    averages: dict[int, float | None]  # None: assessed on no dossier
    assessed: dict[int, int]  # dossiers assessed on each indicator
    total: Fraction | None  # sum of the available averages; None when nothing was scored
    score_class: ScoreClass | None

    @property
    def flagged(self) -> list[int]:
        """Indicators assessed on fewer dossiers than were scored (averaged over those assessed)."""
        return [i for i, n in self.assessed.items() if self.n_scored and n < self.n_scored]

    @property
    def total_value(self) -> float | None:
        """The total as a number."""
        return None if self.total is None else float(self.total)


def period_score(rules: Rules, measures: Mapping[str, int]) -> PeriodScore:
    """Averages, total and class from pooled cube measures (n_returned, sum_i, n_i)."""
    n_scored = int(measures.get("n_returned", 0))
    averages: dict[int, float | None] = {}
    assessed: dict[int, int] = {}
    total = Fraction(0)
    for i in range(1, len(rules.indicators) + 1):
        n_i = int(measures.get(f"n_{i}", 0))
        assessed[i] = n_i
        if n_i:
            exact = Fraction(int(measures.get(f"sum_{i}", 0)), n_i)
            averages[i] = float(exact)
            total += exact
        else:
            averages[i] = None
    final = total if n_scored else None
    return PeriodScore(n_scored, averages, assessed, final, rules.classify(final))


@dataclass(frozen=True)
class Timeliness:
    """Returned before / on / after the due day, in progress and overdue now (never suppressed)."""

    before: int
    on_time: int
    after: int
    in_progress: int = 0
    overdue: int = 0

    @property
    def returned(self) -> int:
        """Dossiers returned in the period."""
        return self.before + self.on_time + self.after

    @property
    def on_time_rate(self) -> float | None:
        """Percent returned on or before the due day ("đúng hạn" as the portals count it)."""
        return share(self.before + self.on_time, self.returned)

    def shares(self) -> dict[str, float | None]:
        """Percent of the returned dossiers before, on and after the due day."""
        return {name: share(getattr(self, name), self.returned) for name in TIMINGS}

    def as_dict(self) -> dict[str, int]:
        """The counts, as the report gives them."""
        return {
            "before": self.before,
            "on_time": self.on_time,
            "after": self.after,
            "in_progress": self.in_progress,
            "overdue": self.overdue,
        }


def share(part: int, whole: int) -> float | None:
    """100 × part / whole, None when whole is 0 (administrative counts: never suppressed)."""
    return None if not whole else 100.0 * part / whole


# --- quarters and periods -----------------------------------------------------------------------------


def parse_quarter(text: str) -> tuple[date, date] | None:
    """(first day, last day) of a quarter written 2026Q3 (or 2026-Q3); None when malformed."""
    match = QUARTER_RE.match((text or "").strip())
    if not match:
        return None
    year, number = int(match.group(1)), int(match.group(2))
    if not 1900 <= year <= 2999:
        return None
    start = date(year, 3 * number - 2, 1)
    return start, next_month(next_month(next_month(start))) - timedelta(days=1)


def quarter_start(day: date) -> date:
    """The first day of a date's quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_name(day: date) -> str:
    """The quarter a date falls in, written 2026Q3."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def previous_quarter(day: date) -> date:
    """The first day of the quarter before the one a date falls in."""
    first = quarter_start(day)
    return quarter_start(first - timedelta(days=1))


def add_measures(into: dict[str, int], row: Sequence[int], names: Sequence[str]) -> None:
    """Add one cube row's measures into a running total."""
    for name, value in zip(names, row, strict=True):
        into[name] = into.get(name, 0) + int(value or 0)
