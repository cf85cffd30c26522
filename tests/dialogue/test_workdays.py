"""Working-day calendar: weekends and Vietnamese public holidays are days off."""

from datetime import date

import pytest

from survey_app.dialogue.workdays import (
    add_working_days,
    load_calendar,
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
        "date,name,kind",
        '2026-09-02,"\'=HYPERLINK(""http://evil.example"",""x"")",day_off',
    ]
    assert load_holidays(path) == frozenset({date(2026, 9, 2)})


def test_a_make_up_working_saturday_counts_as_a_working_day():
    """2025: Friday 2/5 was given off in exchange for working Saturday 26/4 (the Government's notice)."""
    calendar = load_calendar()
    assert date(2025, 4, 26) in calendar.make_up_days and date(2025, 5, 2) in calendar.holidays
    # Thu 24/4/2025 + 2 working days: Fri 25/4, then the make-up Saturday 26/4
    assert add_working_days(date(2025, 4, 24), 2, calendar) == date(2025, 4, 26)
    # 26/4 to 5/5: Sat 26/4, Mon 28/4, Tue 29/4 and Mon 5/5 (30/4–2/5 off, 3–4/5 a weekend)
    assert working_days_between(date(2025, 4, 25), date(2025, 5, 5), calendar) == 4
    # without the make-up day the same deadline falls on Monday
    assert add_working_days(date(2025, 4, 24), 2, calendar.holidays) == date(2025, 4, 28)


def test_the_administrator_adds_a_make_up_day_to_the_calendar_file(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(
        "date,name,kind\n2030-06-03,Nghỉ địa phương,day_off\n2030-06-08,Làm bù,working_day\n"
        "2030-06-04,Không ghi loại,\n",
        encoding="utf-8",
    )
    calendar = load_calendar(path)
    assert calendar.holidays == {date(2030, 6, 3), date(2030, 6, 4)}
    assert calendar.make_up_days == {date(2030, 6, 8)}
    # Fri 31/5/2030 + 2: Mon 3/6 and Tue 4/6 off, Wed 5/6, Thu 6/6
    assert add_working_days(date(2030, 5, 31), 2, calendar) == date(2030, 6, 6)
    # Thu 6/6 + 2: Fri 7/6, Sat 8/6 (worked)
    assert add_working_days(date(2030, 6, 6), 2, calendar) == date(2030, 6, 8)


def test_a_wrong_kind_in_the_calendar_file_names_its_line(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("date,name,kind\n2030-06-03,A,day_off\n2030-06-08,B,làm bù\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: kind must be day_off or working_day"):
        load_calendar(path)
