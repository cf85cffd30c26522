"""CSV import checked as a whole and idempotent; the import page; CSV and XLSX export of raw responses."""

from __future__ import annotations

import io
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from survey_app.config import AUTOCOMMIT_BIND
from survey_app.extensions import db
from survey_app.models.imports import ImportRun
from survey_app.models.kiosk import KioskRating
from survey_app.models.sipas import SipasAnswer, SipasResponse
from survey_app.sipas.campaigns import change_state, set_campaign_unit
from survey_app.sipas.transfer import import_csv
from tests.conftest import login, post_form
from tests.factories import kiosk_rating, make_kiosk_device
from tests.locks import short_lock_wait
from tests.sipas.helpers import CSV_TEXT, FORMS, HEADER, report_of


def responses(campaign) -> int:
    return db.session.scalar(select(func.count()).where(SipasResponse.campaign_id == campaign.id))


def test_a_file_with_errors_imports_nothing_and_lists_every_problem_with_its_line(campaign, caplog):
    bad = "\n".join(
        [
            HEADER,
            FORMS[0],
            "r2,99999,fax,2026-03-06,4,2,4,5,3,4,4,,5,2",
            "r3,00112,phone,2025-12-31,1,4,4,4,4,4,4,4,7,",
            "r1,00112,paper,2026-03-08,1,1,1,1,1,1,1,1,1,1",
            "r5,00112,paper,2026-03-08,1,1",
        ]
    )
    result = import_csv(campaign, bad)
    assert result.errors == [
        "Dòng 3: không có đơn vị mã 99999; kênh phải là online, paper, phone hoặc interview.",
        "Dòng 4: submitted_at nằm ngoài thời gian của đợt khảo sát; S09: 7 không phải là câu trả lời hợp lệ.",
        "Dòng 5: response_id r1 trùng với dòng 2.",
        "Dòng 6: cần 14 cột, nhưng có 6 cột.",
    ]
    # the log names the lines, never what they hold
    assert "import into TH-2026 refused: 4 problem(s), lines 3, 4, 5, 6" in caplog.messages
    assert not any("99999" in message for message in caplog.messages)
    db.session.rollback()
    assert responses(campaign) == 0


def test_reimporting_the_same_response_ids_adds_nothing(campaign, org, caplog):
    caplog.set_level(logging.INFO, logger="survey_app.sipas")
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    again = import_csv(campaign, CSV_TEXT)
    assert (again.created, again.skipped) == (0, 4)
    db.session.commit()
    assert responses(campaign) == 4
    assert report_of(campaign, org.district)["n"] == 4
    assert caplog.messages[-2:] == [
        "import into TH-2026: 4 responses added, 0 already there",
        "import into TH-2026: 0 responses added, 4 already there",
    ]


def test_a_missing_criterion_column_is_named(campaign):
    header = HEADER.replace(",S05", "")
    result = import_csv(campaign, header + "\n")
    assert result.errors == ["Dòng 1: thiếu cột tiêu chí: S05."]


def test_a_published_campaign_refuses_imports(campaign):
    for action in ("open", "close", "publish"):
        change_state(campaign, action)
    assert import_csv(campaign, CSV_TEXT).errors == ["Đợt khảo sát đã công bố, không thể thay đổi nữa."]


def test_odd_files_get_a_clear_message_never_a_crash(campaign):
    assert import_csv(campaign, "\x00\x01binary").errors == ["Tệp không phải là tệp văn bản CSV."]
    broken = HEADER + "\n" + FORMS[0] + '\nr9,00109,paper,2026-03-05,"4\r5,4,4,4,4,4,4,4,4,1\n'
    assert import_csv(campaign, HEADER + "\r" + FORMS[0] + "\r").created == 1  # old Mac line ends
    db.session.rollback()
    errors = import_csv(campaign, broken).errors
    assert len(errors) == 1 and errors[0].startswith("Dòng 3:")


def test_import_page_lists_every_problem_and_imports_nothing(client, campaign):
    login(client, "admin1")
    url = f"/sipas/campaigns/{campaign.code}/import"
    bad = (
        HEADER
        + "\nr1,00109,online,2026-03-05,6,4,3,4,,2,5,4,1,1\nr2,00000,paper,2026-03-06,4,2,4,5,3,4,4,,5,2\n"
    )
    page = post_form(client, url, {"file": (io.BytesIO(bad.encode()), "forms.csv")})
    html = page.get_data(as_text=True)
    assert "Chưa nhập dữ liệu nào" in html
    assert "Dòng 2: S01: 6 không phải là câu trả lời hợp lệ." in html
    assert "Dòng 3: không có đơn vị mã 00000." in html
    assert db.session.scalar(select(SipasResponse.id)) is None
    good = post_form(client, url, {"file": (io.BytesIO(CSV_TEXT.encode()), "forms.csv")})
    assert good.status_code == 302


def test_a_district_official_cannot_import_for_another_district(client, campaign, org):
    set_campaign_unit(campaign, org.sibling_ward, target=10)
    db.session.commit()
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/import"
    text = HEADER + "\nr9,00367,paper,2026-03-05,4,4,4,4,4,4,4,4,4,1\n"
    html = post_form(client, url, {"file": (io.BytesIO(text.encode()), "f.csv")}).get_data(as_text=True)
    assert "Dòng 2: đơn vị 00367 không thuộc phạm vi của bạn." in html


def test_exports_stream_csv_and_xlsx(client, campaign):
    import_csv(campaign, CSV_TEXT)
    db.session.commit()
    login(client, "leader1")
    csv_text = client.get(f"/sipas/campaigns/{campaign.code}/export.csv").get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("response_id,unit_code,channel,submitted_at,S01,S02")
    assert len(lines) == 5
    assert lines[1].startswith("r1,00109,online,2026-03-05T09:30:00+07:00,5,4,3,4,,2,5,4,1,1")
    xlsx = client.get(f"/sipas/campaigns/{campaign.code}/export.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[3][0] == "r3" and rows[3][4] == 1
    assert client.get(f"/sipas/campaigns/{campaign.code}/export.pdf").status_code == 404


# --- a large import written in chunks (issue 15: kiosks failed during a 1,000,000-row import) ----------

MANY = [f"m{i},00109,paper,2026-03-{10 + i % 9:02d}T09:00:00+07:00,4,4,5,3,4,5,4,4,5,1" for i in range(7)]
MANY_TEXT = HEADER + "\n" + "\n".join(MANY) + "\n"


@pytest.fixture
def small_chunks(app, monkeypatch):
    """Imports written two responses a chunk (on SQLite), without the pause between chunks."""
    monkeypatch.setitem(app.config, "SIPAS_IMPORT_CHUNK", 2)
    monkeypatch.setitem(app.config, "SIPAS_IMPORT_PAUSE_SECONDS", 0.0)


def answers(campaign) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SipasAnswer)
        .join(SipasResponse, SipasResponse.id == SipasAnswer.response_id)
        .where(SipasResponse.campaign_id == campaign.id)
    )


def test_an_import_whose_last_row_fails_when_written_stores_nothing(campaign, org, small_chunks):
    campaign_id, unit_id = campaign.id, org.ward.id

    def someone_stores_the_last_response_meanwhile(written: int) -> None:
        if written == 6:  # before the fourth and last chunk, which holds m6
            with db.engines[AUTOCOMMIT_BIND].connect() as other:
                other.execute(
                    insert(SipasResponse.__table__).values(
                        campaign_id=campaign_id,
                        unit_id=unit_id,
                        external_id="m6",
                        channel="online",
                        submitted_at=datetime(2026, 3, 20, 2, tzinfo=UTC),
                        excluded=False,
                        exclude_reason="",
                        comment="",
                    )
                )

    result = import_csv(campaign, MANY_TEXT, after_chunk=someone_stores_the_last_response_meanwhile)
    assert result.errors == [
        "Một số phiếu trong tệp đã được người khác lưu trong lúc đang ghi; không có phiếu nào được nhập. "
        "Hãy nhập lại tệp."
    ]
    db.session.rollback()
    assert responses(campaign) == 1  # only the one stored by someone else; none of the file's six others
    assert answers(campaign) == 0
    assert report_of(campaign, org.district)["n"] == 0  # the count cube never saw them
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_an_import_killed_midway_is_undone_by_the_next_one(campaign, org, small_chunks, app):
    class Killed(BaseException):  # not an Exception: like kill -9, nothing of the import's own undo runs
        pass

    def killed(written: int) -> None:
        if written == 4:
            raise Killed

    with pytest.raises(Killed):
        import_csv(campaign, MANY_TEXT, after_chunk=killed)
    db.session.rollback()
    if app.config["BACKEND"] == "sqlite":  # four responses committed, not counted; PostgreSQL rolled back
        assert (responses(campaign), report_of(campaign, org.district)["n"]) == (4, 0)
        assert import_csv(campaign, CSV_TEXT).errors == [
            "Một lần nhập khác vào đợt khảo sát này vẫn đang được ghi; hãy thử lại sau ít phút."
        ]
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=11)):
        assert import_csv(campaign, CSV_TEXT).created == 4
    assert responses(campaign) == 4 and report_of(campaign, org.district)["n"] == 4


def test_a_kiosk_rating_is_stored_between_the_chunks_of_an_import(campaign, org, client, small_chunks):
    _device, token = make_kiosk_device(org.centre)
    db.session.commit()
    app = current_app._get_current_object()
    answered: list[int] = []

    def a_kiosk_posts(written: int) -> None:
        def post() -> None:  # its own thread: a request of its own, as on a server
            with app.test_client() as kiosk:
                reply = kiosk.post(
                    "/api/v1/kiosk/ratings",
                    json={"ratings": [kiosk_rating("satisfied")]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                answered.append(reply.status_code)

        thread = threading.Thread(target=post)
        thread.start()
        thread.join()

    with short_lock_wait():  # a lock held by the import would make the kiosk's post 503 at once
        result = import_csv(campaign, MANY_TEXT, after_chunk=a_kiosk_posts)
    assert result.created == 7
    assert answered == [200, 200, 200, 200]  # after each of the four chunks
    assert db.session.scalar(select(func.count()).select_from(KioskRating)) == 4
    assert responses(campaign) == 7 and report_of(campaign, org.district)["n"] == 7
