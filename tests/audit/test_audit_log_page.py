"""The audit log page: readable actions with the record's name, and a validated date filter."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from survey_app.dialogue.conferences import change_state
from survey_app.extensions import db
from survey_app.models import AuditEntry
from tests.conftest import login
from tests.factories import make_conference


def audit_page(client, query: str = "") -> str:
    response = client.get(f"/admin/audit/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_actions_read_as_sentences_with_the_records_name(app, org, client):
    conference = make_conference(org)
    for step in ("start", "close", "publish"):
        change_state(conference, step, None)
    db.session.commit()
    login(client, "admin1")
    html = audit_page(client)
    assert (
        '<span title="dialogue.conference.publish">Công bố hội nghị</span> '
        "<strong>Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018</strong>" in html
    )
    assert '<span title="unit.create">Tạo đơn vị</span> <strong>Phường Bưởi</strong>' in html
    assert "DialogueConference" not in html


def test_filter_by_action_keeps_only_that_action(app, org, client):
    login(client, "admin1")
    html = audit_page(client, "?action=unit.create")
    assert html.count('title="unit.create"') == 7
    assert "Tất cả thao tác" in html and '<option selected value="unit.create">Tạo đơn vị</option>' in html


def test_the_date_range_keeps_local_days(app, org, client):
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    # the first unit on 31/5/2025 at 23:30 in Hanoi (16:30 UTC), the rest on 2/6/2025
    db.session.execute(update(AuditEntry).values(at=datetime(2025, 6, 2, 3, 0, tzinfo=UTC)))
    late_in_may = datetime(2025, 5, 31, 16, 30, tzinfo=UTC)
    db.session.execute(update(AuditEntry).where(AuditEntry.id == entries[0].id).values(at=late_in_may))
    db.session.commit()
    login(client, "admin1")
    may = audit_page(client, "?date_from=31/05/2025&date_to=31/05/2025")
    assert "Thành phố Hà Nội" in may and "Quận Tây Hồ" not in may
    june = audit_page(client, "?date_from=01/06/2025")
    assert "Thành phố Hà Nội</strong>" not in june and "Quận Tây Hồ" in june
    assert 'value="01/06/2025"' in june
    assert "Không có thao tác nào trong phạm vi đã chọn." in audit_page(client, "?date_to=30/05/2025")


def test_bad_dates_re_render_with_a_message(app, org, client):
    login(client, "admin1")
    html = audit_page(client, "?date_from=31/02/2025")
    assert "Vui lòng nhập ngày theo định dạng dd/mm/yyyy." in html
    assert 'value="31/02/2025"' in html and "<table" not in html
    backwards = audit_page(client, "?date_from=02/06/2025&date_to=01/06/2025")
    assert "Ngày kết thúc đang trước ngày bắt đầu." in backwards and "<table" not in backwards
