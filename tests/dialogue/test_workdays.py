"""Working-day calendar: weekends and Vietnamese public holidays are days off."""

from datetime import date

from survey_app.dialogue.workdays import (
    add_working_days,
    load_holidays,
    working_days_between,
    write_holidays_csv,
)

HOLIDAYS = load_holidays()


def test_working_days_skip_weekends_and_vietnamese_holidays():
    # Fri 01/6/2018 + 10 working days: 4–8 and 11–15 June.
    assert add_working_days(date(2018, 6, 1), 10, HOLIDAYS) == date(2018, 6, 15)
    # Fri 24/4/2026 + 1: Mon 27/4 is the observed Hùng Kings' day, so Tue 28/4.
    assert add_working_days(date(2026, 4, 24), 1, HOLIDAYS) == date(2026, 4, 28)
    # Tue 28/4/2026 + 2: Wed 29/4, then 30/4 and 1/5 are holidays and 2–3/5 a weekend: Mon 4/5.
    assert add_working_days(date(2026, 4, 28), 2, HOLIDAYS) == date(2026, 5, 4)
    # Tết 2026: 16–20 February are days off.
    assert add_working_days(date(2026, 2, 13), 1, HOLIDAYS) == date(2026, 2, 23)
    assert working_days_between(date(2018, 6, 1), date(2018, 6, 15), HOLIDAYS) == 10


def test_the_holidays_file_is_safe_to_edit_in_a_spreadsheet_and_still_reads_back(tmp_path):
    """The file an administrator edits by hand: a name that could run is written as text."""
    path = tmp_path / "holidays.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_holidays_csv([(date(2026, 9, 2), '=HYPERLINK("http://evil.example","x")')], handle)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "date,name",
        '2026-09-02,"\'=HYPERLINK(""http://evil.example"",""x"")"',
    ]
    assert load_holidays(path) == frozenset({date(2026, 9, 2)})
