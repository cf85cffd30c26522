"""What a deployment configures in files: holidays, answer days, categories."""

from datetime import date

from survey_app.dialogue import vocabulary
from survey_app.dialogue.workdays import add_working_days


def test_holidays_are_configurable_data(app, tmp_path, monkeypatch):
    custom = tmp_path / "holidays.csv"
    custom.write_text("date,name\n2018-06-04,Ngày nghỉ địa phương\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "DIALOGUE_HOLIDAYS_FILE", str(custom))
    monkeypatch.setitem(app.config, "DIALOGUE_ANSWER_WORKING_DAYS", 3)
    assert vocabulary.holidays() == {date(2018, 6, 4)}
    # 01/6/2018 + 3 working days skipping Mon 4/6: 5, 6, 7 June.
    assert add_working_days(
        date(2018, 6, 1), vocabulary.answer_working_days(), vocabulary.holidays()
    ) == date(2018, 6, 7)


def test_categories_have_names_in_both_languages(app):
    assert vocabulary.category_name("procedure_questions", "en") == "Questions about procedures"
    assert vocabulary.category_name("attitude", "vi") == "Thái độ, trách nhiệm của cán bộ"
    assert vocabulary.category_name("no-such-code", "vi") == "no-such-code"
    assert "procedure_questions" in vocabulary.category_codes()
