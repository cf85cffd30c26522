"""A campaign keeps the questionnaire it was opened with: editing or deleting the file changes nothing."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest
import time_machine
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from survey_app.extensions import db
from survey_app.models.sipas import Channel, SipasCampaign
from survey_app.sipas import questionnaire as questionnaire_files
from survey_app.sipas.batches import open_batch
from survey_app.sipas.campaigns import SipasError, change_state, questionnaire_of
from survey_app.sipas.questionnaire import checksum
from survey_app.sipas.responses import record_response
from tests.conftest import csrf_token, login
from tests.factories import make_sipas_campaign

IN_THE_PERIOD = datetime(2026, 3, 10, 3, tzinfo=UTC)
ORIGINAL_S01 = "Công chức có thái độ giao tiếp lịch sự"
EDITED_S01 = "Câu hỏi đã bị sửa sau khi mở đợt"


@pytest.fixture
def files(app, monkeypatch, tmp_path):
    """The shipped questionnaires copied into a folder the test may edit, read in their place."""
    folder = tmp_path / "shipped"
    shutil.copytree(questionnaire_files.SHIPPED_DIR, folder)
    monkeypatch.setattr(questionnaire_files, "SHIPPED_DIR", folder)
    return folder


def _edit_ward_short(folder) -> None:
    """Reword S01 and drop criterion S02, as a careless edit of the file would."""
    path = folder / "ward-short.yaml"
    text = path.read_text(encoding="utf-8").replace(ORIGINAL_S01, EDITED_S01)
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "- code: S02")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("- code:"))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")
    assert questionnaire_files.get_questionnaire("ward-short").item("S02") is None  # the file did change


@pytest.fixture
def collected(files, org) -> SipasCampaign:
    """An open ward-short campaign with a typed paper form and an online answer; committed."""
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        campaign = make_sipas_campaign(org.district, {org.ward: 10, org.ward2: 10}, state="open")
        batch = open_batch(
            campaign, org.ward, place="Một cửa", collected_on=date(2026, 3, 9), forms_in_hand=3, user_id=None
        )
        record_response(
            campaign,
            org.ward,
            channel=Channel.paper,
            answers={"S01": 4, "S02": 5},
            submitted_at=IN_THE_PERIOD,
            batch=batch,
        )
        record_response(
            campaign,
            org.ward2,
            channel=Channel.online,
            answers={"S01": 2, "S02": 3},
            submitted_at=IN_THE_PERIOD,
        )
        db.session.commit()
    campaign.batch_id = batch.id
    return campaign


def _every_page_answers_with_the_original_wording(app, campaign) -> None:
    base = f"/sipas/campaigns/{campaign.code}"
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        client = app.test_client()
        login(client, "admin1")
        pages = {
            "campaign": base,
            "results": f"{base}/results?unit=003",
            "report": f"{base}/report?unit=003",
            "paper entry": f"/sipas/batches/{campaign.batch_id}",
            "import": f"{base}/import",
        }
        for name, url in pages.items():
            page = client.get(url)
            assert page.status_code == 200, name
        assert "đợt khảo sát vẫn dùng bản sao đã lưu" in client.get(base).get_data(as_text=True)
        for name in ("results", "paper entry"):
            text = client.get(pages[name]).get_data(as_text=True)
            assert ORIGINAL_S01 in text and EDITED_S01 not in text, name
        csv = client.get(f"{base}/export.csv")
        assert csv.status_code == 200
        header = csv.get_data(as_text=True).splitlines()[0]
        assert "S01" in header and "S02" in header  # the criterion dropped from the file is still exported
        assert client.get(f"{base}/export.xlsx").status_code == 200
        public = app.test_client()
        form = public.get("/sipas/s/TH-2026/00109")
        assert form.status_code == 200 and ORIGINAL_S01 in form.get_data(as_text=True)
        # a citizen can still answer the page with the criterion the file no longer has
        url = "/sipas/s/TH-2026/00109?p=1"
        answered = public.post(url, data={"S01": "5", "S02": "4", "csrf_token": csrf_token(public, url)})
        assert answered.status_code == 302


def test_editing_then_deleting_the_file_changes_nothing_for_a_campaign_that_collected(app, files, collected):
    _edit_ward_short(files)
    _every_page_answers_with_the_original_wording(app, collected)
    (files / "ward-short.yaml").unlink()
    _every_page_answers_with_the_original_wording(app, collected)
    db.session.expire_all()
    assert questionnaire_of(collected).item("S02") is not None


def test_a_draft_takes_the_files_wording_when_opened_and_keeps_it_from_then_on(app, files, org):
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        campaign = make_sipas_campaign(org.district, {org.ward: 10})
        db.session.commit()
        _edit_ward_short(files)
        assert questionnaire_of(campaign).item("S02") is not None  # still the copy taken at creation
        client = app.test_client()
        login(client, "admin1")
        page = client.get(f"/sipas/campaigns/{campaign.code}").get_data(as_text=True)
        assert "sẽ dùng nội dung hiện tại của tệp khi được mở" in page
        change_state(campaign, "open")  # a draft with nothing collected follows the file
        db.session.commit()
        assert questionnaire_of(campaign).item("S01").vi == EDITED_S01
        assert campaign.questionnaire_sha256 == checksum((files / "ward-short.yaml").read_text("utf-8"))
        (files / "ward-short.yaml").unlink()
        change_state(campaign, "close")
        change_state(campaign, "open")  # reopening keeps the copy: no file needed
        assert questionnaire_of(campaign).item("S01").vi == EDITED_S01


def test_a_draft_with_typed_forms_keeps_its_copy_and_a_broken_file_refuses_the_opening(app, files, org):
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        typed = make_sipas_campaign(org.district, {org.ward: 10})
        record_response(
            typed, org.ward, channel=Channel.paper, answers={"S01": 4}, submitted_at=IN_THE_PERIOD
        )
        fresh = make_sipas_campaign(org.district, {org.ward: 10}, code="TH-2026-B")
        db.session.commit()
        _edit_ward_short(files)
        change_state(typed, "open")
        assert questionnaire_of(typed).item("S01").vi == ORIGINAL_S01  # answers were given to this wording
        (files / "ward-short.yaml").write_text("version: ward-short\ntitle: [", encoding="utf-8")
        with pytest.raises(SipasError, match=r"ward-short\.yaml"):
            change_state(fresh, "open")


def test_a_campaign_without_a_readable_copy_is_refused_clearly_not_a_500(app, files, collected):
    collected.questionnaire_text = collected.questionnaire_sha256 = None  # taken before copies were kept
    db.session.commit()
    (files / "ward-short.yaml").unlink()
    client = app.test_client()
    login(client, "admin1")
    page = client.get(f"/sipas/campaigns/{collected.code}/results?unit=003")
    assert page.status_code == 409
    assert "Không đọc được bảng hỏi của đợt khảo sát TH-2026" in page.get_data(as_text=True)
    assert app.test_client().get("/sipas/s/TH-2026/00109").status_code == 409


def test_the_migration_gives_existing_campaigns_the_copy_of_their_readable_file(app, files):
    db.session.remove()
    downgrade(revision="0009_hardening")
    try:
        with db.engine.begin() as conn:
            for code, version in (("OLD-1", "ward-short"), ("OLD-2", "withdrawn-2019")):
                conn.execute(
                    text(
                        "INSERT INTO sipas_campaign (code, name, questionnaire, start_on, end_on, state,"
                        " channels, created_at) VALUES (:code, 'Cũ', :version, '2025-01-01', '2025-02-01',"
                        " 'closed', 'paper', '2025-01-01 00:00:00+00:00')"
                    ),
                    {"code": code, "version": version},
                )
    finally:
        upgrade(revision="heads")
    old, gone = (
        db.session.scalar(select(SipasCampaign).where(SipasCampaign.code == c)) for c in ("OLD-1", "OLD-2")
    )
    shipped = (files / "ward-short.yaml").read_text(encoding="utf-8")
    assert old.questionnaire_text == shipped and old.questionnaire_sha256 == checksum(shipped)
    assert gone.questionnaire_text is None and gone.questionnaire_sha256 is None  # no file: no copy
    (files / "ward-short.yaml").unlink()
    assert questionnaire_of(old).item("S01").vi == ORIGINAL_S01
