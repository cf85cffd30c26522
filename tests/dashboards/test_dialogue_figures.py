"""The dialogue view: conferences held vs required, comments by category/department, answers, overdue."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models.dialogue import CommentStatus, DialogueComment, DialogueConference
from tests.conftest import login
from tests.dialogue.helpers import bearer

YEAR_2025 = "unit=003&start=01/01/2025&end=31/12/2025"


def test_dialogue_figures(client, dialogue_data):
    login(client, "leader1")
    client.application.config["SMALL_SAMPLE_MIN"] = 4
    try:
        html = client.get(f"/dashboards/dialogue?{YEAR_2025}").get_data(as_text=True)
    finally:
        client.application.config["SMALL_SAMPLE_MIN"] = 30
    assert 'data-testid="conferences">3<' in html  # the planned one is not counted
    assert 'data-testid="comments">12<' in html
    assert "66,7%" in html  # 8 of 12 answered on the spot
    assert "25,0%" in html  # 1 of the 4 written answers due was on time
    assert 'data-testid="overdue">2<' in html
    assert 'data-testid="forwarded-overdue"' not in html  # no forwarded comment is late: nothing said


def test_administrative_counts_are_never_withheld(client, dialogue_data):
    """A department answers a handful of comments a year: its counts and on-time share are shown with the
    number they rest on, under the survey sample minimum (30) too."""
    login(client, "leader1")
    html = client.get(f"/dashboards/dialogue?{YEAR_2025}").get_data(as_text=True)
    assert 'data-testid="on-spot">66,7%' in html and "không đủ mẫu" not in html
    assert "8 trên 12 ý kiến" in html or "8 of 12 comments" in html
    departments = (
        client.get(f"/dashboards/dialogue/export/departments.csv?{YEAR_2025}").get_data().decode("utf-8-sig")
    )
    header, *rows = csv.reader(io.StringIO(departments))
    assert header[1:] == ["Được giao", "Đã trả lời", "Đến hạn", "Đúng hạn", "Tỷ lệ đúng hạn (%)", "Quá hạn"]
    justice = next(row for row in rows if row[0] == "Phòng Tư pháp")
    assert justice[1:5] == ["3", "2", "3", "1"]  # assigned, answered, due, on time
    assert justice[5] == "33.33" and justice[6] == "1"


def test_conferences_against_the_required_number(client, dialogue_data):
    login(client, "leader1")
    text = (
        client.get(f"/dashboards/dialogue/export/conferences.csv?{YEAR_2025}").get_data().decode("utf-8-sig")
    )
    lines = text.strip().splitlines()
    assert (
        "Quận Tây Hồ,6 tháng đầu năm 2025,1,1" in lines and "Quận Tây Hồ,6 tháng cuối năm 2025,0,1" in lines
    )
    assert (
        "Phường Bưởi,6 tháng đầu năm 2025,1,1" in lines and "Phường Bưởi,6 tháng cuối năm 2025,1,1" in lines
    )
    assert "Phường Thụy Khuê,6 tháng cuối năm 2025,0,1" in lines


def test_comments_by_category_and_department_and_overdue_list(client, dialogue_data):
    login(client, "leader1")
    base = "/dashboards/dialogue/export/{}.csv?" + YEAR_2025
    categories = client.get(base.format("categories")).get_data().decode("utf-8-sig").strip().splitlines()
    assert [line.split(",")[-2] for line in categories[1:]] == ["5", "4", "3"]  # attitude, delays, online
    departments = client.get(base.format("departments")).get_data().decode("utf-8-sig")
    assert "Phòng Tư pháp,3,2," in departments
    overdue = client.get(base.format("overdue")).get_data().decode("utf-8-sig").strip().splitlines()
    assert len(overdue) == 3
    assert (
        overdue[1].startswith("Đối thoại quý I,Quận Tây Hồ,9,") and ",Phòng Tư pháp,2025-04-10," in overdue[1]
    )
    assert overdue[2].startswith("Đối thoại quý I,Quận Tây Hồ,10,")


def test_a_later_period_has_no_comments(client, dialogue_data):
    login(client, "leader1")
    html = client.get("/dashboards/dialogue?unit=003&start=01/01/2026&end=30/06/2026").get_data(as_text=True)
    assert 'data-testid="comments">0<' in html and 'data-testid="conferences">0<' in html


def test_a_competent_body_past_its_own_deadline_is_counted_and_listed(client, dialogue_data):
    """Two comments forwarded to the city's construction department on 14/3/2025, due 28/3 (10 working days
    from its receipt): one still unanswered is overdue at the competent body, counted beside the host's 2
    overdue answers (not in them) and listed with the body's name; the one answered is not."""
    conference = db.session.scalar(
        select(DialogueConference).where(DialogueConference.title == "Đối thoại quý I")
    )
    forwarded = {
        "category": "delays",
        "forwarded_to": "Sở Xây dựng Hà Nội",
        "forwarded_on": date(2025, 3, 14),
        "due_on": date(2025, 3, 28),
    }
    for number, status in ((11, CommentStatus.forwarded), (12, CommentStatus.answered)):
        db.session.add(
            DialogueComment(
                conference_id=conference.id, number=number, content="…", status=status, **forwarded
            )
        )
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/dashboards/dialogue?{YEAR_2025}").get_data(as_text=True)
    assert 'data-testid="overdue">2<' in html and 'data-testid="forwarded-overdue"' in html
    assert "và 1 ý kiến đã chuyển, quá hạn tại cơ quan có thẩm quyền" in html
    report = client.get(f"/dashboards/report?{YEAR_2025}").get_data(as_text=True)
    assert 'data-testid="report-forwarded-overdue">1<' in report
    overdue = (
        client.get(f"/dashboards/dialogue/export/overdue.csv?{YEAR_2025}")
        .get_data()
        .decode("utf-8-sig")
        .strip()
        .splitlines()
    )
    assert len(overdue) == 4  # the header, the body's comment (due first), the host's two
    assert overdue[1].startswith("Đối thoại quý I,Quận Tây Hồ,11,")
    assert ",Sở Xây dựng Hà Nội (cơ quan có thẩm quyền),2025-03-28," in overdue[1]
    stats = client.get(
        "/api/v1/stats/dialogue?unit=003&from=2025-01-01&to=2025-12-31",
        headers=bearer(dialogue_data.users["leader"]),
    ).json
    assert (stats["forwarded"], stats["forwarded_awaiting_answer"], stats["forwarded_overdue"]) == (2, 1, 1)
