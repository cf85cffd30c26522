"""The SIPAS trend never joins results of different methods, and a new commune shows its predecessors'.

Hand-built campaigns (every criterion of a campaign answered alike, so each index is that criterion's):
- Phường Bưởi (00109): 2019 on sipas-2017 (30 responses, 24 of 30 satisfied = 80,00); 2021 on
  ward-short, whose stored copy predates the `method:` key (40 responses, 34 of 40 = 85,00); 2023 on
  sipas-2023 (40 responses, 30 of 40 = 75,00).
- After 1/7/2025 Bưởi is merged into the new Phường Tây Hồ (00103): 2024 on sipas-2023, Bưởi 40
  responses at 75,00 and Phường Thụy Khuê 40 all "5"; 2026 on sipas-2023, Tây Hồ 40, 36 of 40 = 90,00.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from survey_app.extensions import db
from survey_app.models.sipas import CampaignState, SipasCampaign, SipasCampaignUnit
from survey_app.org.services import unit_for_code_on
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.questionnaire import SHIPPED_DIR, checksum, get_questionnaire
from tests.conftest import login
from tests.factories import close_by_reorganisation, cube_sipas_answers


def campaign(code: str, version: str, start: date, units, *, text: str | None = None) -> SipasCampaign:
    """A published campaign holding a copy of its questionnaire (the shipped file's unless given)."""
    text = text if text is not None else (SHIPPED_DIR / f"{version}.yaml").read_text(encoding="utf-8")
    made = SipasCampaign(
        code=code,
        name=f"Khảo sát {start.year}",
        questionnaire=version,
        questionnaire_text=text,
        questionnaire_sha256=checksum(text),
        start_on=start,
        end_on=start.replace(month=start.month + 1),
        state=CampaignState.published,
    )
    db.session.add(made)
    db.session.flush()
    for unit in units:
        db.session.add(SipasCampaignUnit(campaign_id=made.id, unit_id=unit.id, target=40))
    return made


def answer(made: SipasCampaign, unit, responses: int, counts: dict[int, int]) -> None:
    """`responses` paper forms answering every criterion of the campaign's questionnaire with `counts`."""
    codes = get_questionnaire(made.questionnaire).criterion_codes
    cube_sipas_answers(made, unit, {"paper": responses}, {code: dict(counts) for code in codes})


def without_method(version: str) -> str:
    """The shipped file's text as a copy taken before files named their method."""
    text = (SHIPPED_DIR / f"{version}.yaml").read_text(encoding="utf-8")
    stripped = re.sub(r'^method: "\d+"\n', "", text, flags=re.MULTILINE)
    assert stripped != text
    return stripped


def trend_rows(client, query: str) -> list[list[str]]:
    text = client.get(f"/dashboards/sipas/export/trend.csv?{query}").get_data().decode("utf-8-sig")
    return [line.split(",") for line in text.strip().splitlines()]


def figure_of(html: str, chart_id: str) -> dict:
    section = html[html.index(f'id="chart-{chart_id}"') :]
    raw = re.search(r'data-figure="([^"]+)"', section).group(1)
    return json.loads(raw.replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture
def two_methods(org):
    c2019 = campaign("B2019", "sipas-2017", date(2019, 9, 1), [org.ward])
    c2021 = campaign("B2021", "ward-short", date(2021, 9, 1), [org.ward], text=without_method("ward-short"))
    c2023 = campaign("B2023", "sipas-2023", date(2023, 9, 1), [org.ward])
    answer(c2019, org.ward, 30, {5: 15, 4: 9, 3: 6})
    answer(c2021, org.ward, 40, {5: 20, 4: 14, 3: 6})
    answer(c2023, org.ward, 40, {5: 20, 4: 10, 3: 10})
    db.session.commit()
    org.old_copy = c2021
    return org


def test_every_shipped_questionnaire_names_its_method(app):
    with app.test_request_context():
        versions = ("sipas-2017", "ward-short", "sipas-2022", "sipas-2023")
        methods = {v: get_questionnaire(v).method for v in versions}
        assert methods == dict(zip(versions, ("2017", "2017", "2022", "2022"), strict=True))
        assert get_questionnaire("ward-short").method_label == "Phương pháp 2017–2021"
        assert get_questionnaire("sipas-2023").method_label == "Phương pháp từ 2022"


def test_a_copy_without_the_method_takes_it_from_the_shipped_file(app, two_methods):
    with app.test_request_context():
        copy = questionnaire_of(two_methods.old_copy)
        assert "method:" not in two_methods.old_copy.questionnaire_text  # the stored row is not rewritten
        assert copy.method == "2017"
        assert not copy.comparable_with(get_questionnaire("sipas-2023"))
        assert copy.comparable_with(get_questionnaire("sipas-2017"))


def test_the_trend_keeps_each_method_on_its_own_line(client, two_methods):
    login(client, "admin1")
    rows = trend_rows(client, "unit=00109")
    assert rows[0] == ["Đợt khảo sát", "Số phiếu", "Chỉ số SIPAS", "Phương pháp"]
    assert rows[1:] == [
        ["Khảo sát 2019", "30", "80.0", "Phương pháp 2017–2021"],
        ["Khảo sát 2021", "40", "85.0", "Phương pháp 2017–2021"],
        ["Khảo sát 2023", "40", "75.0", "Phương pháp từ 2022"],
    ]
    html = client.get("/dashboards/sipas?unit=00109").get_data(as_text=True)
    figure = figure_of(html, "trend")
    by_name = {trace["name"]: trace["y"] for trace in figure["data"]}
    # two series, each only at its own campaigns: no line runs from 85 (2021) to 75 (2023)
    assert by_name == {"Phương pháp 2017–2021": [80.0, 85.0, None], "Phương pháp từ 2022": [None, None, 75.0]}
    breaks = [s for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert [(b["x0"], b["x1"]) for b in breaks] == [(1.5, 1.5)]  # between 2021 and 2023
    assert "Đổi phương pháp" in html and "không so sánh được" in html


def test_the_leadership_report_breaks_the_trend_at_the_change_of_method(client, two_methods):
    login(client, "admin1")
    html = client.get("/dashboards/report?unit=00109&start=01/01/2019&end=31/12/2023").get_data(as_text=True)
    drawing = html[html.index("Chỉ số SIPAS qua các đợt khảo sát") :]
    drawing = drawing[drawing.index("<svg") : drawing.index("</svg>")]
    assert drawing.count('class="method-break"') == 1
    assert "Phương pháp 2017–2021" in drawing and "Phương pháp từ 2022" in drawing
    # one polyline (2019–2021); the 2023 point stands alone, joined to nothing
    assert drawing.count("<polyline") == 1


@pytest.fixture
def merged(org):
    close_by_reorganisation()
    tay_ho = unit_for_code_on("00103", date(2025, 7, 1))
    c2024 = campaign("HN2024", "sipas-2023", date(2024, 9, 1), [org.ward, org.ward2])
    c2026 = campaign("HN2026", "sipas-2023", date(2026, 3, 1), [tay_ho])
    answer(c2024, org.ward, 40, {5: 20, 4: 10, 3: 10})
    answer(c2024, org.ward2, 40, {5: 40})
    answer(c2026, tay_ho, 40, {5: 30, 4: 6, 3: 4})
    db.session.commit()
    org.tay_ho = tay_ho
    return org


def test_a_new_commune_shows_its_predecessors_campaign_marked(client, merged):
    login(client, "admin1")
    rows = trend_rows(client, "unit=00103")
    assert rows[0][-1] == "Số liệu của"
    # 2024: Bưởi's own 40 responses at 75,00 (not Thụy Khuê's, which did not pass into Tây Hồ)
    assert rows[1:] == [
        ["Khảo sát 2024", "40", "75.0", "Phương pháp từ 2022", "Đơn vị tiền thân"],
        ["Khảo sát 2026", "40", "90.0", "Phương pháp từ 2022", "Phường Tây Hồ"],
    ]
    html = client.get("/dashboards/sipas?unit=00103").get_data(as_text=True)
    assert "Trước ngày 01/07/2025" in html and "Phường Bưởi (00109)" in html
    figure = figure_of(html, "trend")
    before, own = figure["data"]
    assert before["name"] == "Phương pháp từ 2022 · Trước sắp xếp ngày 01/07/2025"
    assert before["line"]["dash"] == "dash" and before["y"] == [75.0, None]
    assert own["y"] == [None, 90.0]
    assert any(s["type"] == "rect" for s in figure["layout"]["shapes"])
    query = "unit=00103&start=01/01/2024&end=31/12/2026"
    report = client.get(f"/dashboards/report?{query}").get_data(as_text=True)
    assert 'class="before-reform"' in report and "Phường Bưởi (00109)" in report
    # the 2026 campaign is Tây Hồ's own; the 2024 one, chosen, is said to be Bưởi's
    assert 'data-testid="predecessors"' not in html
    older = client.get("/dashboards/sipas?unit=00103&campaign=HN2024").get_data(as_text=True)
    assert (
        "Đợt khảo sát này bắt đầu trước ngày sắp xếp 01/07/2025: số liệu là của Phường Bưởi (00109)." in older
    )
    assert 'data-testid="sipas-overall">75,00' in older and "Phương pháp từ 2022" in older


def test_the_city_counts_each_response_once(client, merged):
    login(client, "admin1")
    rows = trend_rows(client, "unit=01")
    # 2024: Bưởi 40 + Thụy Khuê 40 = 80 (Bưởi's 40 not again through Tây Hồ); each criterion
    # (20 + 40) "5" + 10 "4" of 80 = 87,5; 2026: Tây Hồ's 40 at 90,00. The city was not reorganised.
    assert rows[1:] == [
        ["Khảo sát 2024", "80", "87.5", "Phương pháp từ 2022"],
        ["Khảo sát 2026", "40", "90.0", "Phương pháp từ 2022"],
    ]
