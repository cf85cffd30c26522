"""`flask dialogue overdue` and `flask dialogue holidays`."""

from datetime import UTC, date, datetime

import time_machine

from survey_app.dialogue.comments import forward, start_work
from survey_app.dialogue.workdays import add_working_days, load_calendar, load_holidays
from survey_app.extensions import db
from tests.factories import add_departments, make_comment, make_conference


def test_overdue_command_lists_late_comments_per_department(app, org, caplog):
    add_departments(org)
    conference = make_conference(org)
    make_comment(conference, outcome="written", department_id=org.dept_tp.id)
    make_comment(conference, outcome="written", department_id=org.dept_qldt.id, due_on=date(2018, 6, 29))
    db.session.commit()
    caplog.set_level("INFO", logger="survey_app.dialogue")
    with time_machine.travel(datetime(2018, 6, 20, 1, 0, tzinfo=UTC), tick=False):  # 08:00 in Hà Nội
        result = app.test_cli_runner().invoke(args=["dialogue", "overdue", "--unit", "003"])
        unknown = app.test_cli_runner().invoke(args=["dialogue", "overdue", "--unit", "nope"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Phòng Tư pháp quận Tây Hồ\t15/06/2018\t5 days late")
    assert lines[-1] == "1 overdue comment(s) on 20/06/2018"
    assert unknown.exit_code != 0
    assert (
        "overdue run on 2018-06-20 for unit 003: 1 comment(s) overdue in 1 department(s), "
        "0 at competent bodies" in caplog.messages
    )


def test_overdue_command_lists_comments_late_at_their_competent_body_labelled_as_such(app, org, caplog):
    """Forwarded on 01/6/2018 to the city's construction department, due there 15/6 (10 working days from
    its receipt): on 20/6 it is listed after the departments' late answers, with the body's name and the
    label; one forwarded on 14/6 (due 28/6) is not late yet; the --unit filter keeps the host's own."""
    add_departments(org)
    conference = make_conference(org)
    make_comment(conference, outcome="written", department_id=org.dept_tp.id)  # due 15/6, open
    late, on_time = (
        make_comment(conference, outcome="written", department_id=org.dept_qldt.id) for _ in "ab"
    )
    with time_machine.travel(datetime(2018, 6, 1, 3, 0, tzinfo=UTC), tick=False):
        forward(late, "Sở Xây dựng Hà Nội", None)
        start_work(late, None)  # the body works on it: still the body's delay, not the department's
    with time_machine.travel(datetime(2018, 6, 14, 3, 0, tzinfo=UTC), tick=False):
        forward(on_time, "Sở Tư pháp Hà Nội", None)
    db.session.commit()
    caplog.set_level("INFO", logger="survey_app.dialogue")
    with time_machine.travel(datetime(2018, 6, 20, 1, 0, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["dialogue", "overdue"])
        ward = app.test_cli_runner().invoke(args=["dialogue", "overdue", "--unit", "00109"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Phòng Tư pháp quận Tây Hồ\t15/06/2018\t5 days late\t"
        "Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018 #1",
        "Sở Xây dựng Hà Nội (competent body, forwarded 01/06/2018)\t15/06/2018\t5 days late\t"
        "Hội nghị đối thoại về thủ tục hành chính lần thứ nhất năm 2018 #2",
        "2 overdue comment(s) on 20/06/2018 (1 forwarded, late at the competent body)",
    ]
    assert ward.output.splitlines() == ["0 overdue comment(s) on 20/06/2018"]  # not the ward's conference
    assert "overdue run on 2018-06-20: 1 comment(s) overdue in 1 department(s), 1 at competent bodies" in (
        caplog.messages
    )


def test_holidays_command_writes_a_calendar_the_deadlines_use(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["dialogue", "holidays", "--from-year", "2026", "--to-year", "2026"]
    )
    assert result.exit_code == 0
    calendar = tmp_path / "holidays.csv"
    calendar.write_text(result.output, encoding="utf-8")
    days = load_holidays(calendar)
    # National Day (2/9) and Labour Day (1/5) are always off; nothing from another year slips in
    assert {date(2026, 9, 2), date(2026, 5, 1), date(2026, 1, 1)} <= days
    assert all(day.year == 2026 for day in days)
    # Wed 29/4/2026 + 2 working days: 30/4 and 1/5 are holidays, then the weekend → Tue 5/5
    assert add_working_days(date(2026, 4, 29), 2, days) == date(2026, 5, 5)
    # Mon 31/8/2026 is off in exchange for Saturday 22/8, which the file lists as a working day
    assert load_calendar(calendar).make_up_days == {date(2026, 8, 22)}
    assert "2026-08-22,Làm bù (thay cho ngày 31/08/2026),working_day" in result.output
    backwards = app.test_cli_runner().invoke(
        args=["dialogue", "holidays", "--from-year", "2027", "--to-year", "2026"]
    )
    assert backwards.exit_code != 0
