"""Questionnaire versions are data files: shipped versions, local ones, malformed ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.sipas.questionnaire import QuestionnaireError, catalogue, load_catalogue, load_file
from tests.conftest import login

SHIPPED = Path(__file__).resolve().parents[2] / "survey_app" / "sipas" / "questionnaires"

LOCAL = """
version: quan-tay-ho-2026
title: {vi: Phiếu khảo sát Tây Hồ 2026, en: Tay Ho survey 2026}
aspects:
  - code: service
    name: {vi: Dịch vụ, en: Service}
    elements:
      - code: S3
        name: {vi: Công chức, en: Civil servants}
        criteria:
          - code: S01
            text: {vi: Công chức lịch sự, en: Polite staff}
"""


def test_the_four_shipped_versions_have_the_codes_the_issue_fixes():
    versions = load_catalogue(None).versions
    assert {"sipas-2017", "sipas-2022", "sipas-2023", "ward-short"} <= set(versions)

    v2017 = versions["sipas-2017"]
    assert v2017.criterion_codes == [f"C{i:02d}" for i in range(1, 23)]
    assert [e.code for e in v2017.elements] == ["E1", "E2", "E3", "E4", "E5"]
    assert [len(e.criteria) for e in v2017.elements] == [4, 5, 6, 3, 4]
    assert v2017.criteria[0].vi == "Nơi ngồi chờ tại cơ quan giải quyết thủ tục hành chính có đủ chỗ ngồi"

    v2022 = versions["sipas-2022"]
    assert [a.code for a in v2022.aspects] == ["policy", "service"]
    assert [e.code for e in v2022.elements] == ["PA", "PB", "PC", "PD", "S1", "S2", "S3", "S4", "S5"]
    assert [c.code for c in v2022.aspects[0].elements[0].criteria] == ["P01v2", "P02v2"]  # official A
    assert sum(len(e.criteria) for e in v2022.aspects[0].elements) == 14
    assert sum(len(e.criteria) for e in v2022.aspects[1].elements) == 19
    # the official Câu 10 on its 3-level scale; item 8 is missing from the transcription, so 9 items
    expectations = [q for q in v2022.questions if q.kind == "expectation"]
    assert [q.code for q in expectations] == [f"M{i:02d}" for i in (1, 2, 3, 4, 5, 6, 7, 9, 10)]
    assert expectations[0].values == (3, 2, 1) and expectations[0].top == (2, 3)

    v2023 = versions["sipas-2023"]
    assert [len(e.criteria) for e in v2023.aspects[0].elements] == [2, 2, 9, 10]
    assert [len(e.criteria) for e in v2023.aspects[1].elements] == [3, 4, 3, 3, 3]
    assert v2023.criterion_codes[-1] == "S16"
    expectation = v2023.item("X02")
    assert expectation.values == (1, 2, 3, 4) and expectation.top == (3, 4)

    short = versions["ward-short"]
    # item 4 is "đúng quy định" (lawful), not "trả đúng hẹn": a new code, S04v2
    assert short.criterion_codes == ["S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09"]
    assert [e.code for e in short.elements] == ["S3", "S4", "S5"]
    assert [d.code for d in short.demographics] == ["D1", "D2", "D4v2"]  # what Mẫu số 02 asks


def test_a_local_version_is_added_by_dropping_a_file(app, tmp_path, monkeypatch):
    (tmp_path / "quan-tay-ho-2026.yaml").write_text(LOCAL, encoding="utf-8")
    monkeypatch.setitem(app.config, "SIPAS_QUESTIONNAIRE_DIR", str(tmp_path))
    found = catalogue().versions["quan-tay-ho-2026"]
    assert found.criterion_codes == ["S01"]
    assert found.title("en") == "Tay Ho survey 2026"
    # a local file that names no method is its own series in a trend, joined to no other
    assert found.method == "" and not found.comparable_with(found)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("version: [", "not valid YAML"),
        (LOCAL.replace("quan-tay-ho-2026", "other-name"), "does not match the file name"),
        (LOCAL.replace("code: S01", "code: S3"), "the code S3 is used twice"),
        (LOCAL.replace("code: S01", "code: 1bad"), "the code '1bad' is invalid"),
        (LOCAL.replace(", en: Polite staff", ""), "criterion S01: the text needs both"),
        (
            LOCAL.replace("        criteria:\n", "        weight: -2\n        criteria:\n"),
            "element S3: the weight",
        ),
        (LOCAL.split("    elements:")[0] + "    elements: []\n", "elements must be a non-empty list"),
        (LOCAL.replace("title:", 'method: "2030"\ntitle:'), "the method must be one of 2017, 2022"),
    ],
)
def test_a_malformed_file_is_refused_with_a_message_naming_the_problem(tmp_path, text, problem):
    path = tmp_path / "quan-tay-ho-2026.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as error:
        load_file(path)
    assert "quan-tay-ho-2026.yaml" in str(error.value)
    assert problem in str(error.value)


def test_a_malformed_local_file_does_not_hide_the_other_versions(tmp_path, caplog):
    (tmp_path / "broken.yaml").write_text("version: broken\ntitle: x\n", encoding="utf-8")
    result = load_catalogue(tmp_path)
    assert "sipas-2017" in result.versions and "broken" not in result.versions
    assert result.errors == [
        "broken.yaml: the title needs both a Vietnamese (vi) and an English (en) wording."
    ]
    assert caplog.messages == [
        "questionnaire file refused: broken.yaml: the title needs both a Vietnamese (vi) and an English (en) "
        "wording."
    ]


def test_a_local_file_cannot_replace_a_shipped_version(tmp_path):
    (tmp_path / "ward-short.yaml").write_text((SHIPPED / "ward-short.yaml").read_text(encoding="utf-8"))
    result = load_catalogue(tmp_path)
    assert result.errors == ["ward-short.yaml: version ward-short exists already."]


def test_refused_files_are_shown_to_the_reform_office_and_by_the_cli(app, client, org, tmp_path, monkeypatch):
    (tmp_path / "quan-tay-ho-2026.yaml").write_text(LOCAL.replace("code: S01", "code: S3"), encoding="utf-8")
    monkeypatch.setitem(app.config, "SIPAS_QUESTIONNAIRE_DIR", str(tmp_path))
    login(client, "admin1")
    page = client.get("/sipas/campaigns/new").get_data(as_text=True)
    assert "Các tệp bảng hỏi sau bị từ chối" in page
    assert "quan-tay-ho-2026.yaml, element S3, criterion 1: mã S3 bị dùng hai lần." in page
    result = app.test_cli_runner().invoke(args=["sipas", "questionnaires"])
    assert result.exit_code == 1
    assert "ward-short: 9 criteria, 3 elements, method 2017" in result.output
    assert "sipas-2023: 39 criteria, 9 elements, method 2022" in result.output
    assert "refused: quan-tay-ho-2026.yaml" in result.output
