"""Pure scoring and quarter maths of dossiers (no database)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from survey_app.analytics.dossier_scoring import parse_quarter, period_score, quarter_name, timing
from survey_app.analytics.periods import split_period
from survey_app.dossiers.rules import PACKAGED, RulesError, parse_rules
from survey_app.dossiers.transfer import parse_moment

RULES = parse_rules(yaml.safe_load(Path(PACKAGED).read_text(encoding="utf-8")), "default.yaml")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("total", "label"),
    [
        (18, "Xuất sắc"),
        (15, "Xuất sắc"),
        (Fraction(1499, 100), "Tốt"),
        (12, "Tốt"),
        (9, "Khá"),
        (6, "Trung bình"),
        (Fraction(599, 100), "Yếu"),
        (0, "Yếu"),
    ],
)
def test_classes_at_their_thresholds(total, label):
    assert RULES.classify(total).vi == label


def test_a_total_of_exactly_15_from_averages_is_excellent():
    # nine averages of 5/3 sum to exactly 15 (in floating point 14.999…)
    measures = {
        "n_returned": 3,
        **{f"sum_{i}": 5 for i in range(1, 10)},
        **{f"n_{i}": 3 for i in range(1, 10)},
    }
    score = period_score(RULES, measures)
    assert score.total == 15 and score.score_class.vi == "Xuất sắc" and score.flagged == []


def test_quarters_and_periods():
    assert parse_quarter("2026Q3") == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_quarter("2024-q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert parse_quarter("2026Q5") is None and parse_quarter("Q3 2026") is None
    assert quarter_name(date(2026, 12, 31)) == "2026Q4"
    months, edges = split_period(date(2026, 7, 15), date(2026, 9, 30))
    assert months == [date(2026, 8, 1), date(2026, 9, 1)] and edges == [
        (date(2026, 7, 15), date(2026, 7, 31))
    ]
    assert timing(date(2026, 7, 9), date(2026, 7, 10)) == "before"
    assert timing(date(2026, 7, 10), date(2026, 7, 10)) == "on_time"


def test_local_days_of_iso_times():
    assert parse_moment("2026-09-30T17:30:00Z", HANOI)[1] == date(2026, 10, 1)  # 00:30 in Hà Nội
    assert parse_moment("2026-09-30T23:30:00+07:00", HANOI)[1] == date(2026, 9, 30)
    assert parse_moment("2026-09-30T08:00", HANOI)[0].utcoffset().total_seconds() == 7 * 3600
    assert parse_moment("2026-09-30", HANOI)[2] is True
    assert parse_moment("30/09/2026", HANOI) is None


def test_malformed_rules_are_refused_with_the_place():
    data = yaml.safe_load(Path(PACKAGED).read_text(encoding="utf-8"))
    data["indicators"][2]["scores"] = [2, 3]
    with pytest.raises(RulesError, match="indicator 3"):
        parse_rules(data, "local.yaml")
    data = yaml.safe_load(Path(PACKAGED).read_text(encoding="utf-8"))
    data["indicators"][1]["otherwise"] = 5  # indicator 5 is itself a source score
    with pytest.raises(RulesError, match="indicator 2"):
        parse_rules(data, "local.yaml")
