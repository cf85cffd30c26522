"""Every shipped SIPAS questionnaire says what the official form says, item by item (issue 19).

The official items are listed form by form in `tests/sipas/official/` (transcribed from the sources of
domain-sources.md §1, never read from the files under test). A difference in an aspect, element,
criterion, question, table question (stem), option or code fails, except for the wording of items whose
text could not be verified: those must be marked `# unverified: …` in the file and listed in
docs/sipas-unverified.md. The files must still load, and the engine must still compute from them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from survey_app.analytics.sipas_index import compute_report, expectation_share, option_shares
from survey_app.analytics.sipas_queries import campaign_report
from survey_app.extensions import db
from survey_app.models.sipas import Channel
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.questionnaire import SHIPPED_DIR, load_catalogue, parse_questionnaire
from survey_app.sipas.responses import record_response
from tests.factories import make_sipas_campaign
from tests.sipas.official import SCALE, Form, sipas_2017, sipas_2022, sipas_2023, ward_short

FORMS = {form.version: form for form in (ward_short.FORM, sipas_2017.FORM, sipas_2022.FORM, sipas_2023.FORM)}
DOC = Path(__file__).resolve().parents[2] / "docs" / "sipas-unverified.md"
MARK = re.compile(r"^\s*# unverified: (.+)$")
CODE = re.compile(r"^\s*- code: (\S+)\s*$")


def shipped(version: str):
    return load_catalogue(None).versions[version]


def marked_unverified(version: str) -> dict[str, str]:
    """{code: reason} of the items the file marks with a `# unverified:` comment right above them."""
    marked, pending = {}, None
    for line in (SHIPPED_DIR / f"{version}.yaml").read_text(encoding="utf-8").splitlines():
        if found := MARK.match(line):
            pending = found.group(1)
        elif found := CODE.match(line):
            if pending:
                marked[found.group(1)] = pending
            pending = None
        elif not line.lstrip().startswith("#"):
            pending = None
    return marked


def unverified(form: Form) -> set[str]:
    rows = [r for a in form.aspects for e in a.elements for r in e.rows]
    return {item.code for item in [*rows, *form.questions] if item.unverified}


@pytest.mark.parametrize("version", FORMS)
def test_aspects_elements_and_criteria_are_the_forms_word_for_word(version):
    form, questionnaire = FORMS[version], shipped(version)
    assert [(a.code, a.vi) for a in questionnaire.aspects] == [(a.code, a.name) for a in form.aspects]
    assert [(e.code, e.vi) for e in questionnaire.elements] == [
        (e.code, e.name) for a in form.aspects for e in a.elements
    ]
    official = [(e.code, r) for a in form.aspects for e in a.elements for r in e.rows]
    assert [(e.code, c.code) for e in questionnaire.elements for c in e.criteria] == [
        (element, r.code) for element, r in official
    ]
    for _element, row in official:
        if not row.unverified:
            assert questionnaire.item(row.code).vi == row.text, f"{version} item {row.number} ({row.code})"
    assert [level.vi for level in questionnaire.scale] == list(SCALE)


@pytest.mark.parametrize("version", FORMS)
def test_every_other_question_and_option_is_the_forms(version):
    form, questionnaire = FORMS[version], shipped(version)
    assert [(q.code, q.kind) for q in questionnaire.questions] == [(a.code, a.kind) for a in form.questions]
    for ask in form.questions:
        question = questionnaire.item(ask.code)
        where = f"{version} Câu {ask.number} ({ask.code})"
        if ask.unverified:
            assert question.vi == ask.text, where  # the question itself is known; its options are not
            continue
        assert (question.stem_vi, question.vi) == (ask.stem, ask.text), where
        assert [(o.value, o.vi) for o in question.options] == list(ask.options), where


@pytest.mark.parametrize("version", FORMS)
def test_what_could_not_be_verified_is_marked_in_the_file_and_listed_for_the_readme(version):
    expected = unverified(FORMS[version])
    assert set(marked_unverified(version)) == expected
    section = DOC.read_text(encoding="utf-8").split(f"## {version}\n", 1)[1].split("\n## ", 1)[0]
    for code in expected:
        assert f"`{code}`" in section, f"docs/sipas-unverified.md, {version}: {code} is not listed"


@pytest.mark.parametrize("version", FORMS)
def test_a_code_whose_meaning_changed_never_comes_back(version):
    assert not set(FORMS[version].retired) & set(shipped(version).all_codes)


def test_the_respondent_is_always_ong_ba():
    for questionnaire in (shipped(version) for version in FORMS):
        texts = [c.vi for c in questionnaire.criteria]
        texts += [t for q in questionnaire.questions for t in (q.vi, q.stem_vi, *(o.vi for o in q.options))]
        assert not [t for t in texts if re.search(r"\b(anh|chị)\b", t, re.IGNORECASE)], questionnaire.version
        assert any("Ông/Bà" in t for t in texts) or questionnaire.version == "sipas-2017"


def test_the_differences_the_issue_lists_are_gone():
    short, v2022, v2023 = shipped("ward-short"), shipped("sipas-2022"), shipped("sipas-2023")
    assert "đúng quy định" in short.item("S04v2").vi and "đúng hẹn" not in short.item("S04v2").vi
    assert "Dạy nghề, Trung cấp, Cao đẳng" in [o.vi for o in short.item("D4v2").options]
    for questionnaire in (shipped(version) for version in FORMS):
        assert [o.vi for o in questionnaire.item("D1").options] == ["Nam", "Nữ"]  # no invented "Khác"
    policy_c = [c.vi for c in v2023.aspects[0].elements[2].criteria]
    assert len(policy_c) == 9 and all(
        t.startswith("Chính quyền tổ chức thực hiện tốt chính sách") for t in policy_c
    )
    assert not any("mang lại kết quả tốt" in c.vi for c in v2023.criteria)
    assert "đủ ghế ngồi chờ" in v2023.item("S17").vi and "bàn viết" in v2023.item("S17").vi
    assert "sau một lần hướng dẫn" in v2023.item("S09v2").vi
    wanted = " ".join(q.vi for q in v2023.questions if q.kind == "expectation")
    for topic in ("công khai, minh bạch", "giải trình", "giám sát", "dịch vụ công trực tuyến"):
        assert topic in wanted
    assert "giảm chi phí" not in wanted  # the invented item
    assert {o.vi for q in v2022.questions if q.kind == "expectation" for o in q.options} == {
        "Rất nhiều",
        "Nhiều",
        "Ít",
    }
    # how widespread harassment is ("Không có / Một số / Nhiều công chức"), not how often it happened to you
    assert [o.vi.split(" gây")[0] for o in v2022.item("R1v2").options] == [
        "Không có công chức nào",
        "Một số công chức",
        "Nhiều công chức",
    ]
    assert [o.vi.split(" gây")[0] for o in v2023.item("R1v2").options] == [
        "Không có công chức nào",
        "Có một số công chức",
        "Có nhiều công chức",
    ]
    for questionnaire in (v2022, v2023):
        kinds = {q.code[:2] for q in questionnaire.questions}
        assert {
            "I0",
            "KT",
            "TG",
            "TN",
            "D7",
        } <= kinds  # interest, channels, taking part, experience, urban/rural


def test_the_files_still_load_and_compute_a_hand_worked_index():
    catalogue = load_catalogue(None)
    assert not catalogue.errors and set(FORMS) <= set(catalogue.versions)
    # sipas-2023: every policy criterion 2 × "Rất hài lòng" -> 100; every service criterion one 4 and one 2
    # -> 50; elements alike, aspects 100 and 50, overall = their mean = 75
    v2023 = catalogue.versions["sipas-2023"]
    counts = {c.code: {5: 2} for c in v2023.aspects[0].elements[0].criteria}
    counts |= {c.code: {5: 2} for e in v2023.aspects[0].elements[1:] for c in e.criteria}
    counts |= {c.code: {4: 1, 2: 1, 0: 3} for c in v2023.aspects[1].elements[0].criteria}
    counts |= {c.code: {4: 1, 2: 1} for e in v2023.aspects[1].elements[1:] for c in e.criteria}
    report = compute_report(v2023, counts)
    assert report.aspects == {"policy": 100.0, "service": 50.0} and report.overall == 75.0
    assert report.criteria["S17"].no_answer == 3
    # ward-short: S04v2 {4, 4, 4, 1} 75 and S05 {5, 3} 50 -> element S4 = 62.5; the other elements 100
    short = catalogue.versions["ward-short"]
    counts = {c.code: {5: 1} for c in short.criteria} | {"S04v2": {4: 3, 1: 1}, "S05": {5: 1, 3: 1}}
    report = compute_report(short, counts)
    assert report.elements == {"S3": 100.0, "S4": 62.5, "S5": 100.0} and report.overall == 87.5
    # 2022 expectations on Rất nhiều (3) / Nhiều (2) / Ít (1): 2 + 1 of 4 valid answers -> 75
    assert (
        expectation_share({3: 2, 2: 1, 1: 1, 0: 4}, catalogue.versions["sipas-2022"].item("M01").top) == 75.0
    )
    # how widespread harassment is, as published: share of each option
    assert option_shares({1: 9, 2: 1}, catalogue.versions["sipas-2022"].item("R1v2").values) == {
        1: 90.0,
        2: 10.0,
        3: 0.0,
    }


def test_answers_to_the_new_sections_are_stored_and_reported(org):
    campaign = make_sipas_campaign(
        org.district,
        {org.ward: 100, org.ward2: 100},
        code="HN-2023",
        questionnaire="sipas-2023",
        state="open",
    )
    when = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    # two respondents: both followed policies on the ward loudspeakers (KT1 = ticked), one also online
    for answers in (
        {"S17": 5, "KT1": 1, "KT6": 1, "TN4": 1, "R1v2": 1, "X11": 4, "D7": 1},
        {"S17": 2, "KT1": 1, "KT6": 2, "TN4": 2, "R1v2": 2, "X11": 2, "D7": 1},
    ):
        record_response(campaign, org.ward, channel=Channel.paper, answers=answers, submitted_at=when)
    db.session.commit()
    report = campaign_report(db.session, campaign, org.ward, questionnaire=questionnaire_of(campaign))
    assert report["criteria"]["S17"]["index"] == 50.0
    assert report["perceptions"]["KT1"] == {1: 100.0, 2: 0.0}
    assert report["perceptions"]["KT6"] == {1: 50.0, 2: 50.0}
    assert report["perceptions"]["R1v2"] == {1: 50.0, 2: 50.0, 3: 0.0}
    assert report["perceptions"]["D7"] == {1: 100.0, 2: 0.0}
    assert report["expectations"]["X11"] == 50.0  # "Rất mong muốn" once, "Khá mong muốn" once


def test_a_table_question_keeps_its_stem_and_a_malformed_stem_is_refused():
    document = {
        "version": "local",
        "title": {"vi": "Phiếu", "en": "Form"},
        "aspects": [{"code": "service", "name": {"vi": "Dịch vụ", "en": "Service"}, "elements": [
            {"code": "S1", "name": {"vi": "Tiếp cận", "en": "Access"},
             "criteria": [{"code": "S01", "text": {"vi": "a", "en": "a"}}]}]}],
        "questions": [{"code": "TN1", "kind": "perception", "stem": {"vi": "Câu 8?", "en": "Q8?"},
                       "text": {"vi": "Giải quyết thủ tục hành chính", "en": "A procedure"},
                       "options": [{"value": 1, "vi": "Có", "en": "Yes"}]}],
    }  # fmt: skip
    question = parse_questionnaire(document, "local.yaml").item("TN1")
    assert (question.stem("vi"), question.stem("en"), question.text("vi")) == (
        "Câu 8?",
        "Q8?",
        "Giải quyết thủ tục hành chính",
    )
    document["questions"][0]["stem"] = {"vi": "Câu 8?"}
    with pytest.raises(ValueError, match="question TN1: the stem needs both"):
        parse_questionnaire(document, "local.yaml")


def test_the_public_form_prints_each_table_question_once_above_its_rows(client, org):
    campaign = make_sipas_campaign(
        org.district,
        {org.ward: 100, org.ward2: 100},
        code="HN-2023",
        questionnaire="sipas-2023",
        state="open",
    )
    db.session.commit()
    views = len(shipped("sipas-2023").elements) + 1  # the page after the nine elements
    with time_machine.travel(datetime(2026, 3, 10, 3, 0, tzinfo=UTC)):
        html = client.get(f"/sipas/s/{campaign.code}/{org.ward.code}?p={views}").get_data(as_text=True)
    assert html.count("Trong thời gian qua, Ông/Bà đã sử dụng kênh thông tin nào") == 1
    assert html.count("Qua loa phát thanh phường") == 1 and "Có một số công chức gây phiền hà" in html
    assert html.count("Xin Ông/Bà cho biết trải nghiệm của bản thân Ông/Bà") == 1
