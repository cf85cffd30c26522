"""Issue 15, defect 1: a citizen's comment never comes out of a SIPAS export as a live formula.

The comments go in through the real entry paths (the public form and paper entry); every export route
(the CSV and XLSX downloads, the command line's export and report) is opened as a spreadsheet would.
Imports refuse ids that look like formulas, with the line, and store nothing.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models.sipas import SipasResponse
from tests.conftest import csrf_token, login, post_form
from tests.sipas.helpers import CRITERIA, HEADER
from tests.spreadsheet_checks import assert_csv_safe, assert_xlsx_safe

IN_THE_PERIOD = datetime(2026, 3, 10, 3, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://evil.example","x")'
PAPER_COMMENTS = ["+1", "-2", "@SUM(A1)"]


def answer_online(app, comment: str) -> None:
    """One citizen fills in the public form, page by page, ending with a comment."""
    client = app.test_client()
    url = "/sipas/s/TH-2026/00109"
    pages = [{"S01": "5", "S02": "4", "S03": "0"}, {"S04v2": "2", "S05": "4"}, {"S06": "4", "S07": "3"}]
    for page, data in enumerate([*pages, {"D1": "2", "comment": comment}], start=1):
        answer = client.post(
            f"{url}?p={page}",
            data={**data, "go": "next", "csrf_token": csrf_token(client, f"{url}?p={page}")},
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)


def enter_paper(client, campaign, org, comments: list[str]) -> None:
    """An official types paper forms, each with a comment written on it."""
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/batches"
    opened = post_form(
        client, url, {"unit_id": org.ward.id, "place": "Một cửa", "collected_on": "09/03/2026",
                      "forms_in_hand": str(len(comments))},
    )  # fmt: skip
    batch_url = opened.headers["Location"]
    for comment in comments:
        typed = post_form(client, batch_url, {**dict.fromkeys(CRITERIA, "4"), "comment": comment})
        assert typed.status_code == 302


def collect_hostile_comments(app, campaign, org) -> None:
    with time_machine.travel(IN_THE_PERIOD, tick=False):
        answer_online(app, HYPERLINK)
        enter_paper(app.test_client(), campaign, org, PAPER_COMMENTS)
    db.session.expire_all()
    stored = db.session.scalars(select(SipasResponse.comment).order_by(SipasResponse.id)).all()
    assert stored == [HYPERLINK, *PAPER_COMMENTS]  # stored as the citizen wrote it


def comments_and_first_answers(rows: list[list]) -> tuple[list, list]:
    header = rows[0]
    comment, s01 = header.index("comment"), header.index("S01")
    return [row[comment] for row in rows[1:]], [row[s01] for row in rows[1:]]


def test_the_csv_and_xlsx_downloads_neutralise_citizens_formulas(app, client, open_campaign, org):
    collect_hostile_comments(app, open_campaign, org)
    login(client, "leader1")

    csv_answer = client.get(f"/sipas/campaigns/{open_campaign.code}/export.csv")
    assert csv_answer.status_code == 200 and csv_answer.is_streamed
    comments, s01 = comments_and_first_answers(assert_csv_safe(csv_answer.get_data()))
    assert comments == ["'" + HYPERLINK, "'+1", "'-2", "'@SUM(A1)"]
    assert s01 == ["5", "4", "4", "4"]  # answers are plain numbers, no apostrophe

    xlsx_answer = client.get(f"/sipas/campaigns/{open_campaign.code}/export.xlsx")
    assert xlsx_answer.status_code == 200
    assert_xlsx_safe(xlsx_answer.get_data())
    sheet = load_workbook(io.BytesIO(xlsx_answer.get_data())).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("comment") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, 6)]
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in cells] == ["'" + HYPERLINK, "'+1", "'-2", "'@SUM(A1)"]
    answer = sheet.cell(row=2, column=header.index("S01") + 1)
    assert answer.value == 5 and answer.data_type == "n"


def test_the_command_line_export_neutralises_citizens_formulas(app, open_campaign, org, tmp_path):
    collect_hostile_comments(app, open_campaign, org)
    out = tmp_path / "responses.csv"
    result = app.test_cli_runner().invoke(
        args=["sipas", "export", "--campaign", open_campaign.code, "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    comments, s01 = comments_and_first_answers(assert_csv_safe(out.read_bytes()))
    assert comments == ["'" + HYPERLINK, "'+1", "'-2", "'@SUM(A1)"]
    assert s01 == ["5", "4", "4", "4"]


def test_the_command_line_report_neutralises_a_unit_code_stored_before_the_guard(app, open_campaign, org):
    collect_hostile_comments(app, open_campaign, org)
    org.ward.code = "-2+3"  # a code from before imports refused such codes
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["sipas", "report", "--campaign", open_campaign.code, "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = assert_csv_safe(result.output.encode())
    ward_rows = [row for row in rows if row[0] == "'-2+3"]
    assert ward_rows and ward_rows[0][1:3] == ["overall", ""]
    assert float(ward_rows[0][4]) == 4  # n stays a number


def test_the_import_refuses_ids_that_look_like_formulas_with_their_line(client, campaign):
    text = "\n".join(
        [
            HEADER,
            "r1,00109,paper,2026-03-06,4,4,4,4,4,4,4,4,4,1",
            "=1+1,00109,paper,2026-03-06,4,4,4,4,4,4,4,4,4,1",
            "r3,@SUM(A1),paper,2026-03-06,4,4,4,4,4,4,4,4,4,1",
            '"-2",00109,paper,2026-03-06,4,4,4,4,4,4,4,4,4,1',
        ]
    )
    login(client, "official1")
    url = f"/sipas/campaigns/{campaign.code}/import"
    page = post_form(client, url, {"file": (io.BytesIO(text.encode()), "f.csv")})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dòng 3: response_id: “=1+1” trông giống một công thức bảng tính" in html
    assert "Dòng 4: unit_code: “@SUM(A1)” trông giống một công thức bảng tính" in html
    assert "Dòng 5: response_id: “-2” trông giống một công thức bảng tính" in html
    assert "Dòng 2" not in html
    assert db.session.scalar(select(func.count()).select_from(SipasResponse)) == 0
