"""The dialogue view: conferences held per unit and half-year against the required number, comments by
category and department, the share answered on the spot, written answers on time, the overdue list.

These are administrative counts, not survey samples: every share is shown with the count it rests on and
none is withheld for a small number (a department answers a handful of comments a year)."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.analytics import dialogue_queries, pooling
from survey_app.core import clock
from survey_app.dashboards import charts, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import Filters
from survey_app.dialogue.vocabulary import category_name
from survey_app.extensions import db


def half_years(start: date, end: date) -> list[tuple[int, int]]:
    """(year, 1 or 2) of every half-year the period touches."""
    out = []
    year, half = start.year, 1 if start.month <= 6 else 2
    while (year, half) <= (end.year, 1 if end.month <= 6 else 2):
        out.append((year, half))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return out


def half_year_label(year: int, half: int) -> str:
    """ "6 tháng đầu năm 2026" / "First half of 2026"."""
    return _("First half of %(year)s", year=year) if half == 1 else _("Second half of %(year)s", year=year)


def share(part: int, whole: int) -> float | None:
    """100 × part / whole, never withheld for a small whole (None only when there is nothing to count)."""
    return 100.0 * part / whole if whole else None


def category_label(code: str) -> str:
    """A comment category's name from the dialogue module's list (the code when unknown)."""
    return category_name(code, str(get_locale() or "vi"))


@dataclass
class DialogueSummary:
    """Headline figures of the dialogue view."""

    conferences: int
    comments: int
    on_spot: int
    on_spot_share: float | None
    written_due: int
    written_on_time: int
    on_time_share: float | None
    overdue: int
    # Forwarded comments whose competent body is past its own deadline (not the host departments').
    forwarded_overdue: int = 0


def dialogue_dashboard(filters: Filters) -> tuple[DialogueSummary, list[Chart]]:
    """Every dialogue figure of a unit's subtree over the period."""
    session, unit = db.session, filters.unit
    start_utc, end_utc = clock.day_bounds(filters.start, filters.end)
    today = clock.today()
    facts = dialogue_queries.comment_facts(session, unit.id, start_utc, end_utc)
    # the API's stats count with the same function: the two never disagree
    tally = dialogue_queries.tally_comments(facts, today, clock.local_zone())
    summary = DialogueSummary(
        conferences=dialogue_queries.subtree_conference_count(session, unit.id, start_utc, end_utc),
        comments=tally.comments,
        on_spot=tally.on_spot,
        on_spot_share=share(tally.on_spot, tally.comments),
        written_due=tally.due,
        written_on_time=tally.answered_on_time,
        on_time_share=share(tally.answered_on_time, tally.due),
        overdue=tally.overdue,
        forwarded_overdue=tally.forwarded_overdue,
    )
    late = dialogue_queries.overdue_comments(session, unit.id, today, start_utc, end_utc)
    return summary, [
        _conferences_chart(filters),
        _categories_chart(tally.by_category, tally.comments),
        _departments_chart(tally.departments),
        _overdue_chart(late, today),
    ]


def _conferences_chart(filters: Filters) -> Chart:
    """Conferences each unit held itself, per half-year, against the required number."""
    session, unit, zone = db.session, filters.unit, clock.local_zone()
    start_utc, end_utc = clock.day_bounds(filters.start, filters.end)
    hosts = [(unit.id, unit.name)] + [(c[0], c[2]) for c in pooling.child_units(session, unit.id)]
    halves = half_years(filters.start, filters.end)
    held: Tally = Tally()
    for host_id, held_at in dialogue_queries.conferences_held(
        session, [h[0] for h in hosts], start_utc, end_utc
    ):
        day = held_at.astimezone(zone).date()
        held[(host_id, day.year, 1 if day.month <= 6 else 2)] += 1
    required = settings.required_conferences_per_half_year()
    rows, highlight = [], []
    for host_id, name in hosts:
        for year, half in halves:
            count = held[(host_id, year, half)]
            rows.append([name, half_year_label(year, half), count, required])
            highlight.append(count < required)
    series = [
        (_("Held in %(half)s", half=half_year_label(year, half)), [held[(h[0], year, half)] for h in hosts])
        for year, half in halves
    ]
    series.append((_("Required per half-year"), [required] * len(hosts)))
    return Chart(
        "conferences",
        _("Conferences held per unit and half-year"),
        [
            Column(_("Unit")),
            Column(_("Half-year")),
            Column(_("Held"), "int"),
            Column(_("Required"), "int"),
        ],
        rows,
        charts.grouped_bars([h[1] for h in hosts], series, _("Conferences")),
        note=_("Rows below the required number are highlighted."),
        highlight=highlight,
    )


def _categories_chart(by_category: Tally, total: int) -> Chart:
    """Comments by category, most frequent first."""
    categories = sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
    labels = [category_label(code) for code, _n in categories]
    return Chart(
        "categories",
        _("Comments by category"),
        [Column(_("Category")), Column(_("Comments"), "int"), Column(_("Share"), "pct")],
        [[label, n, share(n, total)] for label, (_c, n) in zip(labels, categories, strict=True)],
        charts.value_bars(labels, [n for _c, n in categories], _("Comments")) if categories else None,
    )


def _departments_chart(per_department: dict[int | None, dialogue_queries.DepartmentTally]) -> Chart:
    """Written answers of each department: assigned, answered, due (answered or past the deadline), on time
    (count and share of those due), overdue (those overdue marked); those owed with no department recorded
    on a line of their own."""
    names = pooling.unit_names(db.session, [d for d in per_department if d])
    departments = sorted(per_department.items(), key=lambda item: (-item[1].assigned, names.get(item[0], "")))
    rows = [
        [
            names.get(department_id, _("Not assigned")),
            line.assigned,
            line.answered,
            line.due,
            line.answered_on_time,
            share(line.answered_on_time, line.due),
            line.overdue,
        ]
        for department_id, line in departments
    ]
    return Chart(
        "departments",
        _("Written answers by department"),
        [
            Column(_("Department")),
            Column(_("Assigned"), "int"),
            Column(_("Answered"), "int"),
            Column(_("Due"), "int"),
            Column(_("On time"), "int"),
            Column(_("On time share"), "pct"),
            Column(_("Overdue"), "int"),
        ],
        rows,
        charts.grouped_bars(
            [r[0] for r in rows],
            [(_("Answered"), [r[2] for r in rows]), (_("Overdue"), [r[6] for r in rows])],
            _("Comments"),
        )
        if rows
        else None,
        note=_(
            "Due: comments answered or past their deadline; the on-time share is of those. "
            "Administrative counts: shown however few."
        ),
        highlight=[r[6] > 0 for r in rows],
    )


def _overdue_chart(late: list[tuple], today: date) -> Chart:
    """The open comments past their due date, oldest due first: the host departments' and those of the
    competent bodies comments were forwarded to."""
    names = pooling.unit_names(db.session, [r[4] for r in late if r[4]])
    return Chart(
        "overdue",
        _("Overdue written answers"),
        [
            Column(_("Conference")),
            Column(_("Host unit")),
            Column(_("Comment no."), "int"),
            Column(_("Category")),
            Column(_("Department or competent body")),
            Column(_("Due date"), "date"),
            Column(_("Days overdue"), "int"),
        ],
        [
            [
                title,
                host,
                number,
                category_label(category),
                _("%(body)s (competent body)", body=body)
                if body
                else names.get(department_id, _("Not assigned")),
                due,
                (today - due).days,
            ]
            for title, host, number, category, department_id, due, body in late
        ],
    )
