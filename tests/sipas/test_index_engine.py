"""The index engine on hand-worked examples (domain.md §3.2)."""

from __future__ import annotations

import pytest
import yaml

from survey_app.analytics.sipas_index import (
    compute_report,
    criterion_figures,
    expectation_share,
    option_shares,
    pool_counts,
    sample_size,
    weighted_mean,
    wilson_interval,
)
from survey_app.sipas.questionnaire import load_catalogue, parse_questionnaire

TWO_ASPECTS = """
version: two-aspects
title: {vi: Hai khía cạnh, en: Two aspects}
aspects:
  - code: policy
    name: {vi: Chính sách, en: Policy}
    elements:
      - code: PA
        name: {vi: Trách nhiệm giải trình, en: Accountability}
        criteria:
          - {code: P01, text: {vi: a, en: a}}
          - {code: P02, text: {vi: b, en: b}}
  - code: service
    name: {vi: Dịch vụ, en: Service}
    elements:
      - code: S1
        name: {vi: Tiếp cận, en: Access}
        criteria:
          - {code: S01, text: {vi: c, en: c}}
"""


def test_criterion_index_mean_interval_and_counts():
    # 20 valid answers (5 "don't know" left out): 6 + 4 satisfied -> I_c = 50;
    # mean = (1·2 + 2·3 + 3·5 + 4·6 + 5·4) / 20 = 67 / 20 = 3.35
    figures = criterion_figures({1: 2, 2: 3, 3: 5, 4: 6, 5: 4, 0: 5})
    assert figures.index == 50.0
    assert figures.n == 20 and figures.no_answer == 5
    assert figures.mean == pytest.approx(3.35)
    assert figures.counts == {1: 2, 2: 3, 3: 5, 4: 6, 5: 4}
    # Wilson 10/20 at 95%: 0.5 ± 1.96·sqrt(0.0125 + 3.8415/1600) / 1.19207 = 0.5 ± 0.2007
    assert figures.ci_low == pytest.approx(29.93, abs=0.01)
    assert figures.ci_high == pytest.approx(70.07, abs=0.01)


def test_wilson_interval_edges():
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(27.75, abs=0.01)  # z²/(n+z²) = 3.8415/13.8415
    assert wilson_interval(0, 0) is None


def test_a_criterion_with_only_no_answers_has_no_index():
    figures = criterion_figures({0: 7})
    assert (figures.index, figures.n, figures.mean, figures.ci_low) == (None, 0, None, None)


def test_ward_short_from_criterion_to_overall_with_missing_answers():
    short = load_catalogue(None).versions["ward-short"]
    counts = {
        "S01": {4: 4, 1: 1},  # 80
        "S02": {5: 3, 2: 2},  # 60
        "S03": {4: 2},  # 100   -> S3 = (80 + 60 + 100) / 3 = 80
        "S04v2": {5: 1, 3: 1},  # 50
        "S05": {0: 3},  # no valid answer: left out -> S4 = 50
        "S06": {4: 3, 2: 1},  # 75
        "S07": {4: 1, 3: 3},  # 25
        "S08": {5: 2, 1: 2},  # 50
        "S09": {4: 1, 5: 1, 3: 2},  # 50  -> S5 = 200 / 4 = 50
    }
    report = compute_report(short, counts)
    assert report.criteria["S01"].index == 80.0
    assert report.criteria["S05"].index is None
    assert report.elements == {"S3": 80.0, "S4": 50.0, "S5": 50.0}
    assert report.aspects == {"service": 60.0}
    assert report.overall == 60.0  # one aspect: the mean of the elements (80 + 50 + 50) / 3


def test_two_aspects_overall_is_the_mean_of_the_aspects():
    questionnaire = parse_questionnaire(yaml.safe_load(TWO_ASPECTS), "two-aspects.yaml")
    counts = {"P01": {5: 4}, "P02": {4: 1, 2: 1}, "S01": {4: 2, 3: 3}}
    report = compute_report(questionnaire, counts)
    # P01 100, P02 50 -> PA 75 -> policy 75; S01 2/5 = 40 -> service 40; overall (75 + 40) / 2
    assert report.elements == {"PA": 75.0, "S1": 40.0}
    assert report.aspects == {"policy": 75.0, "service": 40.0}
    assert report.overall == 57.5


def test_weights_are_configurable():
    data = yaml.safe_load(TWO_ASPECTS)
    data["aspects"][1]["weight"] = 3
    questionnaire = parse_questionnaire(data, "two-aspects.yaml")
    report = compute_report(questionnaire, {"P01": {5: 4}, "P02": {4: 1, 2: 1}, "S01": {4: 2, 3: 3}})
    assert report.overall == pytest.approx((75 * 1 + 40 * 3) / 4)  # 48.75


def test_a_district_is_computed_from_pooled_counts_not_averaged_percentages():
    ward_a = {"S01": {4: 9, 2: 1}}  # 90 %
    ward_b = {"S01": {5: 10, 1: 30}}  # 25 %
    pooled = pool_counts(ward_a, ward_b)
    assert pooled == {"S01": {4: 9, 2: 1, 5: 10, 1: 30}}
    assert criterion_figures(pooled["S01"]).index == 38.0  # 19 / 50, not (90 + 25) / 2 = 57.5


def test_expectation_and_perception_shares():
    # 4-level expectation item: (Mong muốn 5 + Rất mong muốn 3) / 16 valid; 4 no answers left out
    assert expectation_share({0: 4, 1: 2, 2: 6, 3: 5, 4: 3}, (3, 4)) == 50.0
    assert expectation_share({0: 4}, (3, 4)) is None
    assert option_shares({1: 6, 2: 3, 3: 1, 0: 10}, (1, 2, 3)) == {1: 60.0, 2: 30.0, 3: 10.0}


def test_weighted_mean_skips_missing_values():
    assert weighted_mean([(80.0, 1), (None, 1), (50.0, 1)]) == 65.0
    assert weighted_mean([(None, 1)]) is None


def test_sample_size_helper():
    # Tây Hồ: N = 6,100 dossiers, e = 5 %: 6100 / (1 + 6100 · 0.0025) = 6100 / 16.25 = 375.4 -> 376
    assert sample_size(6100) == 376
    assert sample_size(400) == 200  # 400 / 2
    assert sample_size(0) == 0
