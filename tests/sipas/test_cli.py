"""`flask sipas …`: create a campaign, import a file, report as JSON and CSV, export."""

from __future__ import annotations

import csv
import json

import pytest

from survey_app.extensions import db
from tests.factories import make_sipas_campaign
from tests.sipas.helpers import CSV_TEXT, HEADER


def test_cli_create_import_report_json_and_csv(app, org, tmp_path):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "sipas", "campaign", "create", "TH-2026", "--questionnaire", "ward-short",
            "--name", "Tây Hồ 2026", "--start", "2026-03-01", "--end", "2026-04-30",
        ]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    for unit_code in ("00109", "00112"):  # an import takes rows of the campaign's units only
        assert (
            runner.invoke(
                args=["sipas", "campaign", "add-unit", "TH-2026", unit_code, "--target", "9"]
            ).exit_code
            == 0
        )
    path = tmp_path / "forms.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    imported = runner.invoke(args=["sipas", "import", str(path), "--campaign", "TH-2026"])
    assert imported.exit_code == 0 and "imported 4, already there 0" in imported.output
    again = runner.invoke(args=["sipas", "import", str(path), "--campaign", "TH-2026"])
    assert "imported 0, already there 4" in again.output

    report = runner.invoke(
        args=["sipas", "report", "--campaign", "TH-2026", "--format", "json", "--min-n", "0"]
    )
    data = json.loads(report.output)
    # ward-short is built on the 2017–2021 method (its file says `method: "2017"`)
    assert (data["campaign"], data["questionnaire"], data["method"]) == ("TH-2026", "ward-short", "2017")
    ward = next(u for u in data["units"] if u["unit"] == "00109")
    assert set(ward) == {
        "unit",
        "n",
        "overall",
        "aspects",
        "elements",
        "criteria",
        "min_n",
        "withheld",
        "left_out",
    }
    assert ward["criteria"]["S01"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1}
    assert ward["overall"] == pytest.approx(63.8888889)

    flat = runner.invoke(
        args=["sipas", "report", "--campaign", "TH-2026", "--format", "csv", "--min-n", "0"]
    ).output.splitlines()
    assert flat[0] == "unit,level,code,index,n,mean,ci_low,ci_high,1,2,3,4,5,dont_know,blank,method"
    assert any(
        line.startswith("00109,criterion,S01,100.0,2,4.5,") and line.endswith(",0,0,0,1,1,0,0,2017")
        for line in flat
    )
    # every line carries the method in the same column, the overall line too
    rows = list(csv.reader(flat))
    overall = next(row for row in rows if row[:2] == ["00109", "overall"])
    assert overall[4] == "2" and overall[5:15] == [""] * 10 and overall[15] == "2017"
    assert all(len(row) == 16 and row[-1] == "2017" for row in rows[1:])

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nx,00109,online,2020-01-01,1,1,1,1,1,1,1,1,1,1\n", encoding="utf-8")
    refused = runner.invoke(args=["sipas", "import", str(bad), "--campaign", "TH-2026"])
    assert refused.exit_code != 0
    assert "Dòng 2: submitted_at nằm ngoài thời gian của đợt khảo sát." in refused.output


def test_cli_units_states_and_export(app, org, tmp_path):
    runner = app.test_cli_runner()
    runner.invoke(
        args=[
            "sipas", "campaign", "create", "TH-2026", "--questionnaire", "ward-short", "--owner", "003",
            "--name", "Tây Hồ 2026", "--start", "2026-03-01", "--end", "2026-04-30",
        ]
    )  # fmt: skip
    added = runner.invoke(args=["sipas", "campaign", "add-unit", "TH-2026", "00112", "--dossiers", "6100"])
    assert added.exit_code == 0 and "00112: target 376" in added.output
    assert (
        runner.invoke(args=["sipas", "campaign", "add-unit", "TH-2026", "00109", "--target", "9"]).exit_code
        == 0
    )
    opened = runner.invoke(args=["sipas", "campaign", "state", "TH-2026", "open"])
    assert opened.exit_code == 0 and "TH-2026: open" in opened.output
    refused = runner.invoke(args=["sipas", "campaign", "state", "TH-2026", "publish"])
    assert refused.exit_code != 0
    path = tmp_path / "forms.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    runner.invoke(args=["sipas", "import", str(path), "--campaign", "TH-2026"])
    out = tmp_path / "out.csv"
    assert (
        runner.invoke(args=["sipas", "export", "--campaign", "TH-2026", "--output", str(out)]).exit_code == 0
    )
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("r1,00109,online,")
    assert runner.invoke(args=["sipas", "report", "--campaign", "NOPE"]).exit_code != 0


def test_the_report_names_the_2022_method_of_a_2023_questionnaire(app, org):
    make_sipas_campaign(org.district, {org.ward: 50}, code="SIPAS-2023", questionnaire="sipas-2023")
    db.session.commit()
    runner = app.test_cli_runner()
    data = json.loads(runner.invoke(args=["sipas", "report", "--campaign", "SIPAS-2023"]).output)
    assert (data["questionnaire"], data["method"], data["units"]) == ("sipas-2023", "2022", [])
    flat = runner.invoke(args=["sipas", "report", "--campaign", "SIPAS-2023", "--format", "csv"]).output
    assert flat.splitlines() == [
        "unit,level,code,index,n,mean,ci_low,ci_high,1,2,3,4,5,dont_know,blank,method"
    ]
