# ruff: noqa: E501  (CSV lines of the one-stop system are kept whole, as a file would hold them)
"""A small unit's quarter worked out by hand: every indicator, "not assessed", total, class, timeliness,
pooled over the district (from the pooled dossiers, not averaged), and the ratings linked by code.

Scores by hand (rules of TT 01/2018 as shipped), ward 00109, 2026Q3:
  D1 returned 08/07, due 10/07 (before); 0 returns, 0 bodies; i5 2, i6 2, i8 1, i9 2, no i2
     → 2 2 2 2 2 2 2 1 2
  D2 returned 15/07, due 15/07 (on the day); 1 return; unfounded complaint; i2 1, i6 1, i9 2
     → 1 1 1 2 – 1 1 – 2          (i2 given; unfounded complaint does not count: indicator 7 = 1)
  D3 returned 06/08, due 05/08 (after); 3 returns, 2 bodies; verified complaint; i5 0, i6 2, i8 0
     → 0 0 0 0 0 2 0 0 –          (no i2: indicator 2 = indicator 1; verified complaint: 7 = 0)
  D7 returned 30/09 23:30 local (16:30 UTC), due 30/09 (on the day); 0 returns, 1 body; no source score
     → 1 1 2 1 – – 1 – –
  sums/assessed: 4/4 4/4 5/4 5/4 2/2 5/3 4/4 1/2 4/2
  averages: 1 1 1,25 1,25 1 1,667 1 0,5 2 → total 32/3 = 10,667 → Khá; 5, 6, 8, 9 flagged
  timeliness: before 1, on 2, after 1; in progress D4, D5; overdue D4 (due 28/09 < 05/10); on time 75%
Ward 00112: D8 before, all 2 → 18. District pooled, n = 5:
  sums/assessed: 6/5 6/5 7/5 7/5 4/3 7/4 6/5 3/3 6/3 → total 749/60 = 12,483 → Tốt
  (the average of the two wards' totals would be (32/3 + 18)/2 = 14,33: not what a parent shows)
"""

from __future__ import annotations

import pytest

from survey_app.analytics.dossier_scoring import parse_quarter
from survey_app.dossiers import recompute, services
from survey_app.dossiers.reports import unit_report
from survey_app.dossiers.rules import PACKAGED, current_rules
from survey_app.extensions import db
from survey_app.models.dossiers import Dossier
from tests.dossiers.conftest import add_rating, csv_text

Q3 = parse_quarter("2026Q3")


@pytest.fixture
def quarter(org, fields, clock):
    """The hand-worked quarter imported, with kiosk ratings carrying dossier codes."""
    result = services.import_csv(csv_text())
    assert result.ok, result.errors
    db.session.commit()
    add_rating(org.ward, "D1", "very_satisfied")
    add_rating(org.ward, "D1", "dissatisfied")
    add_rating(org.centre, "D3", "satisfied")
    add_rating(org.ward, "D3", "satisfied", flagged=True)  # set aside by the kiosk: not counted
    add_rating(org.ward, "NO-SUCH-DOSSIER", "satisfied")
    add_rating(org.ward, "D6", "dissatisfied")  # a dossier returned in Q2
    return org


def scores_of(code: str) -> list:
    return db.session.query(Dossier).filter_by(code=code).one().scores


def test_each_dossier_gets_the_scores_worked_out_by_hand(quarter):
    assert scores_of("D1") == [2, 2, 2, 2, 2, 2, 2, 1, 2]
    assert scores_of("D2") == [1, 1, 1, 2, None, 1, 1, None, 2]
    assert scores_of("D3") == [0, 0, 0, 0, 0, 2, 0, 0, None]
    assert scores_of("D7") == [1, 1, 2, 1, None, None, 1, None, None]
    assert scores_of("D4") == [None] * 9  # in progress: not scored
    stored = db.session.query(Dossier).filter_by(code="D7").one()
    assert str(stored.returned_day) == "2026-09-30"  # 16:30 UTC is still 30/09 in Hà Nội


def test_ward_quarter_by_hand(quarter):
    report = unit_report(quarter.ward, *Q3)
    assert report["unit"] == "00109" and report["quarter"] == "2026Q3"
    assert report["n_scored"] == 4
    expected = {"1": 1.0, "2": 1.0, "3": 1.25, "4": 1.25, "5": 1.0, "6": 5 / 3, "7": 1.0, "8": 0.5, "9": 2.0}
    assert report["indicators"] == pytest.approx(expected)
    assert report["assessed"] == {"1": 4, "2": 4, "3": 4, "4": 4, "5": 2, "6": 3, "7": 4, "8": 2, "9": 2}
    assert report["total"] == pytest.approx(32 / 3)
    assert report["class"] == "Khá"
    assert report["timeliness"] == {"before": 1, "on_time": 2, "after": 1, "in_progress": 2, "overdue": 1}
    assert report["on_time_rate"] == pytest.approx(75.0)
    assert report["rated_share"] == pytest.approx(50.0)  # D1 and D3 of 4
    assert report["satisfaction_rate"] == pytest.approx(200 / 3)  # 2 satisfied of 3 counted ratings


def test_district_pools_its_wards_dossiers(quarter):
    report = unit_report(quarter.district, *Q3)
    assert report["n_scored"] == 5
    expected = {"1": 1.2, "2": 1.2, "3": 1.4, "4": 1.4, "5": 4 / 3, "6": 1.75, "7": 1.2, "8": 1.0, "9": 2.0}
    assert report["indicators"] == pytest.approx(expected)
    assert report["total"] == pytest.approx(749 / 60)
    assert report["class"] == "Tốt"
    assert report["timeliness"] == {"before": 2, "on_time": 2, "after": 1, "in_progress": 2, "overdue": 1}
    assert report["on_time_rate"] == pytest.approx(80.0)
    assert report["rated_share"] == pytest.approx(40.0)
    other = unit_report(quarter.ward2, *Q3)
    assert other["total"] == pytest.approx(18.0) and other["class"] == "Xuất sắc"
    assert report["total"] != pytest.approx((32 / 3 + 18) / 2)


def test_a_unit_without_dossiers_has_no_score_and_no_class(quarter):
    report = unit_report(quarter.sibling, *Q3)
    assert report["n_scored"] == 0 and report["total"] is None and report["class"] is None
    assert report["indicators"] == {str(i): None for i in range(1, 10)}
    assert report["on_time_rate"] is None and report["rated_share"] is None


def test_quarter_boundaries_and_the_cubes_match_the_raw_dossiers(quarter):
    q2 = unit_report(quarter.ward, *parse_quarter("2026Q2"))
    assert q2["n_scored"] == 1  # D6
    assert recompute.cube_drift() == {"day": 0, "month": 0, "procedure": 0}


def test_a_rating_before_its_dossier_links_once_the_dossier_is_imported(org, fields, clock):
    add_rating(org.ward, "LATE-1", "satisfied")
    first = [
        "D1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01,2026-07-10,2026-07-08,in_person,0,0,none,,,,,"
    ]
    assert services.import_csv(csv_text(first)).ok
    db.session.commit()
    assert unit_report(org.ward, *Q3)["rated_share"] == pytest.approx(0.0)
    assert services.import_csv(
        csv_text(
            [
                *first,
                "LATE-1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-02,2026-07-10,2026-07-09,in_person,0,0,none,,,,,",
            ]
        )
    ).ok
    db.session.commit()
    report = unit_report(org.ward, *Q3)
    assert report["rated_share"] == pytest.approx(50.0) and report["satisfaction_rate"] == pytest.approx(
        100.0
    )


def test_rules_file_in_instance_overrides_the_packaged_rules(quarter, app, tmp_path):
    rules_file = tmp_path / "dossier_rules.yaml"
    text = PACKAGED.read_text(encoding="utf-8").replace("version: nd61-2018", "version: local-2026")
    # indicator 7 gives 2 also on the due day; classes: only Đạt (>= 10) / Chưa đạt
    text = text.replace(
        "scores: {before: 2, on_time: 1, after: 1}", "scores: {before: 2, on_time: 2, after: 1}"
    )
    text = (
        text[: text.index("classes:")]
        + "classes:\n  - {min: 10, vi: Đạt, en: Pass}\n  - {min: 0, vi: Chưa đạt, en: Fail}\n"
    )
    rules_file.write_text(text, encoding="utf-8")
    app.config["DOSSIER_RULES_FILE"] = str(rules_file)
    try:
        assert recompute.rescore() == 2  # D2 and D7 were returned on the day
        db.session.commit()
        report = unit_report(quarter.ward, *Q3)
        assert report["indicators"]["7"] == pytest.approx(1.5)  # 2, 2, 0, 2
        assert report["class"] == "Đạt"
        assert recompute.cube_drift() == {"day": 0, "month": 0, "procedure": 0}
        assert current_rules()[0].version == "local-2026"
        rules_file.write_text("version: [broken", encoding="utf-8")
        rules, problem = current_rules()
        assert rules.version == "nd61-2018" and "dossier_rules.yaml" in problem and "(dòng 1)" in problem
    finally:
        app.config["DOSSIER_RULES_FILE"] = ""
