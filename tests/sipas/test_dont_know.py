"""'Không biết' (stored 99) and a blank (nothing stored) kept apart on every path in and out, and the small-
sample rule of the results page and the stats API."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from survey_app.auth.services import issue_token
from survey_app.extensions import db
from survey_app.models.sipas import SipasAnswer, SipasResponse
from survey_app.sipas.transfer import export_rows, import_csv
from tests.conftest import csrf_token, login, post_form
from tests.sipas.helpers import CRITERIA, HEADER, report_of

# Two forms of Phường Bưởi: S01 "don't know" on the first, blank on the second; S02 blank then 4;
# D1 "don't know" then blank. The rest are 4 (satisfied).
ROWS = [
    "k1,00109,paper,2026-03-05T09:30:00+07:00,99,,4,4,4,4,4,4,4,99",
    "k2,00109,paper,2026-03-06T09:30:00+07:00,,4,4,4,4,4,4,4,4,",
]


def stored(response_id: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(SipasAnswer.question_code, SipasAnswer.value).where(SipasAnswer.response_id == response_id)
        ).all()
    )


def test_csv_import_stores_dont_know_apart_and_the_export_and_api_give_both_counts(client, org, campaign):
    result = import_csv(campaign, HEADER + "\n" + "\n".join(ROWS) + "\n")
    db.session.commit()
    assert result.ok
    first, second = db.session.scalars(select(SipasResponse).order_by(SipasResponse.external_id)).all()
    assert stored(first.id)["S01"] == 99 and "S02" not in stored(first.id) and stored(first.id)["D1"] == 99
    assert "S01" not in stored(second.id)  # a blank is no stored answer
    exported = list(export_rows(campaign))
    header, rows = exported[0], {row[0]: row for row in exported[1:]}
    s01, d1 = header.index("S01"), header.index("D1")
    assert (rows["k1"][s01], rows["k2"][s01], rows["k1"][d1], rows["k2"][d1]) == (99, "", 99, "")

    _token, secret = issue_token(org.users["leader"], "api test")
    db.session.commit()
    body = client.get(
        "/api/v1/stats/sipas?campaign=TH-2026&unit=00109", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    criteria = body["criteria"]
    assert (criteria["S01"]["blank"], criteria["S01"]["dont_know"], criteria["S01"]["n"]) == (1, 1, 0)
    assert (criteria["S02"]["blank"], criteria["S02"]["dont_know"], criteria["S02"]["n"]) == (1, 0, 1)
    assert body["unanswered"]["D1"] == {"blank": 1, "dont_know": 1}
    # two forms: every criterion under SMALL_SAMPLE_MIN (30), so no element and no overall index is shown
    assert (
        body["min_n"] == 30
        and body["overall"] is None
        and body["elements"] == {"S3": None, "S4": None, "S5": None}
    )
    assert criteria["S02"]["withheld"] and criteria["S02"]["index"] is None
    assert "overall" in body["withheld"] and body["left_out"] == {"S3": ["S01"]}


def test_results_page_counts_them_apart_states_the_rule_and_notes_the_left_out_criterion(
    client, campaign, monkeypatch
):
    import_csv(campaign, HEADER + "\n" + "\n".join(ROWS) + "\n")
    db.session.commit()
    login(client, "leader1")
    html = client.get(f"/sipas/campaigns/{campaign.code}/results?unit=00109").get_data(as_text=True)
    assert 'data-testid="overall"><span class="suppressed">không đủ mẫu</span>' in html  # 2 forms < 30
    assert (
        "Một chỉ số chỉ được hiển thị khi mọi tiêu chí tạo nên nó đều có ít nhất 30 câu trả lời hợp lệ"
        in html
    )
    s01 = html[html.index("S01</span>") : html.index("</tr>", html.index("S01</span>"))]
    assert 'data-testid="dont-know">1</td><td class="num" data-testid="blank">1</td>' in s01
    monkeypatch.setitem(client.application.config, "SMALL_SAMPLE_MIN", 1)
    html = client.get(f"/sipas/campaigns/{campaign.code}/results?unit=00109").get_data(as_text=True)
    # S3 from S02 (1 of 1) and S03 (2 of 2) only: 100; S01 has no valid answer and is named in a note
    assert "Tính không có S01: không có câu trả lời hợp lệ." in html
    assert 'data-testid="overall">100,00%' in html


def test_paper_entry_takes_the_key_9_for_dont_know_and_an_empty_key_for_a_blank(client, open_campaign, org):
    login(client, "official1")
    url = f"/sipas/campaigns/{open_campaign.code}/batches"
    opened = post_form(
        client,
        url,
        {"unit_id": org.ward.id, "place": "Một cửa", "collected_on": "09/03/2026", "forms_in_hand": "1"},
    )
    entry = client.get(opened.headers["Location"]).get_data(as_text=True)
    s01_box = entry[entry.index('id="k-S01"') :][:200]
    assert 'maxlength="1"' in s01_box and 'data-allowed="0123459"' in s01_box  # one key: 9 for "don't know"
    keys = {**dict.fromkeys(CRITERIA, "4"), "S01": "9", "S02": "", "D1": "9", "D2": "99"}
    assert post_form(client, opened.headers["Location"], keys).status_code == 302
    response = db.session.scalars(select(SipasResponse)).one()
    answers = stored(response.id)
    assert answers["S01"] == 99 and "S02" not in answers and answers["D1"] == 99 and answers["D2"] == 99
    s01 = report_of(open_campaign, org.ward)["criteria"]["S01"]
    assert (s01["dont_know"], s01["blank"], s01["n"]) == (1, 0, 0)


@time_machine.travel(datetime(2026, 3, 10, 3, tzinfo=UTC), tick=False)
def test_the_online_form_stores_dont_know_apart_from_a_skipped_question(app, org, open_campaign):
    client = app.test_client()
    form = "/sipas/s/TH-2026/00109"
    page = client.get(form).get_data(as_text=True)
    assert 'name="S01" value="99"' in page  # "Không biết / không trả lời" is its own answer
    for number, data in enumerate(
        [{"S01": "99", "S03": "4"}, {"S04v2": "4", "S05": "4"}, {"S06": "4"}, {"D1": "99"}], start=1
    ):
        url = f"{form}?p={number}"
        client.post(url, data={**data, "go": "next", "csrf_token": csrf_token(client, url)})
    response = db.session.scalars(select(SipasResponse)).one()
    answers = stored(response.id)
    assert answers["S01"] == 99 and answers["D1"] == 99 and "S02" not in answers
    report = report_of(open_campaign, org.ward)
    assert (report["criteria"]["S01"]["dont_know"], report["criteria"]["S02"]["blank"]) == (1, 1)
