"""The SIPAS index engine (domain.md §3.2): pure functions over answer counts, no database, no Flask.

Counts come in as {question_code: {value: n}} where value 1–5 is a rating, BLANK (0) a question left
blank and DONT_KNOW (99) the answer "Không biết / không trả lời"; the two are counted apart and neither
enters any denominator (domain.md §3.2 rule 8). Subtree figures are computed from counts pooled over the
units below, never from averaged percentages: callers pool counts first.

The small-sample rule (domain.md §3.2 rule 9), one rule at every level, applied when `compute_report`
is given `min_n` (SMALL_SAMPLE_MIN):

    An index is shown only when every criterion it is built from has at least `min_n` valid answers;
    a criterion without any valid answer is left out of its element (which is then computed from the
    other criteria, with a note) instead of withholding it.

So each figure has a *base*: a criterion's base is its number of valid answers; an element's, aspect's
or the overall index's base is the smallest base among the criteria below it that have valid answers.
A figure whose base is below `min_n` is withheld (None, its code in `IndexReport.withheld`), which
withholds every figure built on it: a ward with all criteria withheld has no overall index.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from survey_app.analytics.rates import wilson_interval

RATING_VALUES = (1, 2, 3, 4, 5)
BLANK = 0  # cube value of a question left blank (no stored answer)
DONT_KNOW = 99  # stored code of "Không biết / không trả lời" (as SIPAS data files code it)
OVERALL = "overall"  # the overall index's key in IndexReport.bases and .withheld
SATISFIED_VALUES = (4, 5)


class _Weighted(Protocol):
    code: str
    weight: float


class _Element(_Weighted, Protocol):
    criteria: Sequence[_Weighted]


class _Aspect(_Weighted, Protocol):
    elements: Sequence[_Element]


class QuestionnaireShape(Protocol):
    """What the engine needs of a questionnaire: aspects → elements → criteria, each with a weight."""

    aspects: Sequence[_Aspect]


class _Question(Protocol):
    code: str
    kind: str  # "expectation", "perception" or "demographic"
    top: tuple[int, ...]  # expectation: the levels that count as "wanted"

    @property
    def values(self) -> tuple[int, ...]: ...


class ReportedQuestionnaire(QuestionnaireShape, Protocol):
    """What a campaign report needs: the index tree, plus the expectation and other questions."""

    questions: Sequence[_Question]


def criterion_codes(questionnaire: QuestionnaireShape) -> list[str]:
    """Codes of the rated criteria, in order."""
    return [c.code for a in questionnaire.aspects for e in a.elements for c in e.criteria]


@dataclass(frozen=True)
class CriterionFigures:
    """Everything reported for one criterion."""

    index: float | None  # I_c = 100 × (4 or 5) / valid answers; None without valid answers
    n: int  # valid answers (1–5)
    mean: float | None  # mean score on the 1–5 scale
    ci_low: float | None  # 95% Wilson interval of I_c, in percent
    ci_high: float | None
    counts: dict[int, int]  # answers per level 1–5
    blank: int = 0  # questions left blank (no stored answer)
    dont_know: int = 0  # "Không biết / không trả lời" answers

    @property
    def no_answer(self) -> int:
        """Blank and "don't know" answers together (neither is a valid answer)."""
        return self.blank + self.dont_know


@dataclass
class IndexReport:
    """Criterion, element, aspect and overall indices of one set of pooled counts."""

    overall: float | None
    aspects: dict[str, float | None] = field(default_factory=dict)
    elements: dict[str, float | None] = field(default_factory=dict)
    criteria: dict[str, CriterionFigures] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)  # element / aspect / OVERALL code → its base
    withheld: set[str] = field(default_factory=set)  # codes of figures withheld by the small-sample rule
    # element code → its criteria without any valid answer, left out of an element computed from the others
    left_out: dict[str, list[str]] = field(default_factory=dict)
    min_n: int = 0  # the minimum applied (0: nothing withheld)


def criterion_figures(counts: Mapping[int, int]) -> CriterionFigures:
    """I_c, n, mean score, Wilson interval and the count per level, from one criterion's counts."""
    get = counts.get
    c1, c2, c3, c4, c5 = (int(get(1, 0)), int(get(2, 0)), int(get(3, 0)), int(get(4, 0)), int(get(5, 0)))
    per_level = {1: c1, 2: c2, 3: c3, 4: c4, 5: c5}
    valid = c1 + c2 + c3 + c4 + c5
    dont_know = int(get(DONT_KNOW, 0))
    blank = sum(int(n) for value, n in counts.items() if value not in RATING_VALUES and value != DONT_KNOW)
    if valid == 0:
        return CriterionFigures(None, 0, None, None, None, per_level, blank, dont_know)
    satisfied = c4 + c5
    low, high = wilson_interval(satisfied, valid)  # type: ignore[misc]
    mean = (c1 + 2 * c2 + 3 * c3 + 4 * c4 + 5 * c5) / valid
    return CriterionFigures(100 * satisfied / valid, valid, mean, low, high, per_level, blank, dont_know)


def _withheld_criterion(figures: CriterionFigures) -> CriterionFigures:
    """The criterion's counts kept, its index, mean and interval withheld."""
    return CriterionFigures(
        None, figures.n, None, None, None, figures.counts, figures.blank, figures.dont_know
    )


def _base(bases: Iterable[int]) -> int:
    """The base of a figure: the smallest positive base of its parts (0 when none has valid answers)."""
    positive = [b for b in bases if b > 0]
    return min(positive) if positive else 0


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of (value, weight) pairs, leaving out values that could not be computed."""
    total = weights = 0.0
    for value, weight in pairs:
        if value is not None:
            total += value * weight
            weights += weight
    return total / weights if weights else None


def compute_report(
    questionnaire: QuestionnaireShape, counts: Mapping[str, Mapping[int, int]], min_n: int = 0
) -> IndexReport:
    """All indices of a questionnaire version from pooled counts (domain.md §3.2, steps 1–4).

    An element, aspect or overall index is the (weighted, by default equal) mean of the parts
    below it that have valid answers. Overall is the mean of the aspects when there are several,
    else the mean of the elements of the only aspect. With `min_n` > 0 the small-sample rule of the
    module docstring withholds figures (None) whose base is below it.
    """
    report = IndexReport(overall=None, min_n=min_n)
    for aspect in questionnaire.aspects:
        for element in aspect.elements:
            for criterion in element.criteria:
                report.criteria[criterion.code] = criterion_figures(counts.get(criterion.code, {}))
            report.elements[element.code] = weighted_mean(
                (report.criteria[c.code].index, c.weight) for c in element.criteria
            )
            report.bases[element.code] = _base(report.criteria[c.code].n for c in element.criteria)
            empty = [c.code for c in element.criteria if report.criteria[c.code].n == 0]
            if empty and len(empty) < len(element.criteria):
                report.left_out[element.code] = empty
        report.aspects[aspect.code] = weighted_mean(
            (report.elements[e.code], e.weight) for e in aspect.elements
        )
        report.bases[aspect.code] = _base(report.bases[e.code] for e in aspect.elements)
    if len(questionnaire.aspects) > 1:
        report.overall = weighted_mean((report.aspects[a.code], a.weight) for a in questionnaire.aspects)
    else:
        only = questionnaire.aspects[0]
        report.overall = weighted_mean((report.elements[e.code], e.weight) for e in only.elements)
    report.bases[OVERALL] = _base(report.bases[a.code] for a in questionnaire.aspects)
    if min_n > 0:
        _withhold(report, min_n)
    return report


def _withhold(report: IndexReport, min_n: int) -> None:
    """Apply the small-sample rule: every figure whose base is positive but below min_n becomes None."""
    for code, figures in report.criteria.items():
        if 0 < figures.n < min_n:
            report.criteria[code] = _withheld_criterion(figures)
            report.withheld.add(code)
    for level in (report.elements, report.aspects):
        for code in level:
            if 0 < report.bases[code] < min_n:
                level[code] = None
                report.withheld.add(code)
    if 0 < report.bases[OVERALL] < min_n:
        report.overall = None
        report.withheld.add(OVERALL)


def expectation_share(counts: Mapping[int, int], top_values: Iterable[int]) -> float | None:
    """Expectation item: 100 × answers in the top levels / valid answers (blank and don't know left out)."""
    valid = sum(n for value, n in counts.items() if value not in (BLANK, DONT_KNOW))
    if valid == 0:
        return None
    return 100 * sum(counts.get(value, 0) for value in top_values) / valid


def option_shares(counts: Mapping[int, int], option_values: Iterable[int]) -> dict[int, float | None]:
    """Perception item: the share (percent) of each option among valid answers."""
    values = list(option_values)
    valid = sum(counts.get(value, 0) for value in values)
    return {value: (100 * counts.get(value, 0) / valid if valid else None) for value in values}


def pool_counts(*unit_counts: Mapping[str, Mapping[int, int]]) -> dict[str, dict[int, int]]:
    """Add the answer counts of several units (pooling, domain.md §3.2 step 5)."""
    pooled: dict[str, dict[int, int]] = {}
    for counts in unit_counts:
        for code, per_value in counts.items():
            target = pooled.setdefault(code, {})
            for value, n in per_value.items():
                target[value] = target.get(value, 0) + n
    return pooled


def sample_size(population: int, margin: float = 0.05) -> int:
    """Forms to collect: n = N / (1 + N·e²), rounded up (domain.md §3.3)."""
    if population <= 0:
        return 0
    return math.ceil(population / (1 + population * margin * margin) - 1e-9)
