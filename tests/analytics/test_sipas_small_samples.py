"""The SIPAS engine's one small-sample rule and its "don't know" / blank counts, on hand-worked counts.

Pure functions: no database, no app. The questionnaire is the ward-short shape (one aspect; elements
S3 = S01–S03, S4 = S04v2–S05, S5 = S06–S09), built here as plain objects.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from survey_app.analytics.sipas_index import BLANK, DONT_KNOW, OVERALL, compute_report, expectation_share


def _shape():
    def criterion(code):
        return SimpleNamespace(code=code, weight=1.0)

    elements = [
        SimpleNamespace(code="S3", weight=1.0, criteria=[criterion(c) for c in ("S01", "S02", "S03")]),
        SimpleNamespace(code="S4", weight=1.0, criteria=[criterion(c) for c in ("S04v2", "S05")]),
        SimpleNamespace(code="S5", weight=1.0, criteria=[criterion(c) for c in ("S06", "S07", "S08", "S09")]),
    ]
    return SimpleNamespace(aspects=[SimpleNamespace(code="service", weight=1.0, elements=elements)])


# S01 30 of 40 satisfied = 75; S02 30 of 30 = 100 (5 "don't know"); S03 no valid answer (3 "don't know",
# 2 blank); S04v2 35 of 40 = 87,5; S05 10 of 20 = 50 (20 "don't know"); S06–S09 40 of 40 = 100.
COUNTS = {
    "S01": {5: 20, 4: 10, 2: 10},
    "S02": {4: 30, DONT_KNOW: 5},
    "S03": {DONT_KNOW: 3, BLANK: 2},
    "S04v2": {5: 35, 1: 5},
    "S05": {4: 10, 3: 10, DONT_KNOW: 20},
    **{code: {4: 40} for code in ("S06", "S07", "S08", "S09")},
}


def test_dont_know_and_blank_are_counted_apart_and_out_of_every_denominator():
    report = compute_report(_shape(), COUNTS)
    s02, s03 = report.criteria["S02"], report.criteria["S03"]
    assert (s02.n, s02.index, s02.dont_know, s02.blank) == (30, 100.0, 5, 0)
    assert (s03.n, s03.index, s03.dont_know, s03.blank, s03.no_answer) == (0, None, 3, 2, 5)
    # expectation: 3 of the 4 valid answers in the top level; 6 "don't know" and 2 blanks left out
    assert expectation_share({4: 3, 3: 1, DONT_KNOW: 6, BLANK: 2}, (4,)) == 75.0


def test_without_a_minimum_every_index_is_computed_and_the_empty_criterion_is_left_out():
    report = compute_report(_shape(), COUNTS)
    assert report.elements == pytest.approx({"S3": 87.5, "S4": 68.75, "S5": 100.0})  # S3 = (75 + 100) / 2
    assert report.overall == pytest.approx((87.5 + 68.75 + 100) / 3)  # 85,4167
    assert report.left_out == {"S3": ["S03"]}
    assert report.bases == {"S3": 30, "S4": 20, "S5": 40, "service": 20, OVERALL: 20}
    assert report.withheld == set()


def test_a_figure_built_on_a_withheld_criterion_is_withheld_at_every_level():
    report = compute_report(_shape(), COUNTS, min_n=30)
    # S05 has 20 valid answers: it, its element S4, the aspect and the overall index are withheld
    assert report.withheld == {"S05", "S4", "service", OVERALL}
    assert report.criteria["S05"].index is None and report.criteria["S05"].n == 20
    assert report.criteria["S05"].counts == {1: 0, 2: 0, 3: 10, 4: 10, 5: 0}  # the counts stay shown
    assert report.elements == pytest.approx({"S3": 87.5, "S4": None, "S5": 100.0})
    assert report.aspects == {"service": None} and report.overall is None
    # S3 rests on 30 valid answers at least (S02): shown, computed without S03, which has none
    assert report.left_out == {"S3": ["S03"]} and "S03" not in report.withheld
    # with a minimum of 20 nothing is withheld
    assert compute_report(_shape(), COUNTS, min_n=20).overall == pytest.approx(85.41666666)


def test_a_ward_with_every_criterion_withheld_has_no_overall_index():
    few = {code: {5: 10, 4: 5} for code in ("S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09")}
    assert compute_report(_shape(), few).overall == 100.0  # what was shown before the rule
    report = compute_report(_shape(), few, min_n=30)
    assert report.overall is None and set(report.elements.values()) == {None}
    assert all(report.criteria[code].index is None for code in few)
