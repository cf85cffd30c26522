"""The SIPAS index engine (domain.md §3.2): pure functions over answer counts, no database, no Flask.

Counts come in as {question_code: {value: n}} where value 1–5 is a rating and 0 means
"no answer / don't know"; only 1–5 enter any denominator. Subtree figures are computed from
counts pooled over the units below, never from averaged percentages: callers pool counts first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from survey_app.analytics.rates import wilson_interval

RATING_VALUES = (1, 2, 3, 4, 5)
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
    no_answer: int = 0  # "don't know / no answer" (and missing) answers


@dataclass
class IndexReport:
    """Criterion, element, aspect and overall indices of one set of pooled counts."""

    overall: float | None
    aspects: dict[str, float | None] = field(default_factory=dict)
    elements: dict[str, float | None] = field(default_factory=dict)
    criteria: dict[str, CriterionFigures] = field(default_factory=dict)


def criterion_figures(counts: Mapping[int, int]) -> CriterionFigures:
    """I_c, n, mean score, Wilson interval and the count per level, from one criterion's counts."""
    get = counts.get
    c1, c2, c3, c4, c5 = (int(get(1, 0)), int(get(2, 0)), int(get(3, 0)), int(get(4, 0)), int(get(5, 0)))
    per_level = {1: c1, 2: c2, 3: c3, 4: c4, 5: c5}
    valid = c1 + c2 + c3 + c4 + c5
    no_answer = sum(int(n) for value, n in counts.items() if value not in RATING_VALUES)
    if valid == 0:
        return CriterionFigures(None, 0, None, None, None, per_level, no_answer)
    satisfied = c4 + c5
    low, high = wilson_interval(satisfied, valid)  # type: ignore[misc]
    mean = (c1 + 2 * c2 + 3 * c3 + 4 * c4 + 5 * c5) / valid
    return CriterionFigures(100 * satisfied / valid, valid, mean, low, high, per_level, no_answer)


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of (value, weight) pairs, leaving out values that could not be computed."""
    total = weights = 0.0
    for value, weight in pairs:
        if value is not None:
            total += value * weight
            weights += weight
    return total / weights if weights else None


def compute_report(questionnaire: QuestionnaireShape, counts: Mapping[str, Mapping[int, int]]) -> IndexReport:
    """All indices of a questionnaire version from pooled counts (domain.md §3.2, steps 1–4).

    An element, aspect or overall index is the (weighted, by default equal) mean of the parts
    below it that have valid answers. Overall is the mean of the aspects when there are several,
    else the mean of the elements of the only aspect.
    """
    report = IndexReport(overall=None)
    for aspect in questionnaire.aspects:
        for element in aspect.elements:
            for criterion in element.criteria:
                report.criteria[criterion.code] = criterion_figures(counts.get(criterion.code, {}))
            report.elements[element.code] = weighted_mean(
                (report.criteria[c.code].index, c.weight) for c in element.criteria
            )
        report.aspects[aspect.code] = weighted_mean(
            (report.elements[e.code], e.weight) for e in aspect.elements
        )
    if len(questionnaire.aspects) > 1:
        report.overall = weighted_mean((report.aspects[a.code], a.weight) for a in questionnaire.aspects)
    else:
        only = questionnaire.aspects[0]
        report.overall = weighted_mean((report.elements[e.code], e.weight) for e in only.elements)
    return report


def expectation_share(counts: Mapping[int, int], top_values: Iterable[int]) -> float | None:
    """Expectation item: 100 × answers in the top levels / valid answers (value 0 = no answer)."""
    valid = sum(n for value, n in counts.items() if value > 0)
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
