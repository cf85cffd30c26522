"""The dossiers view: the quarterly table of a unit and its children (nine indicator averages, total out
of 18, class), returned before / on / after the due day month by month with those in progress and
overdue at each month's end, the procedures with the most late dossiers, and the satisfaction of the
citizens whose dossiers these were (kiosk ratings linked by dossier code).

The quarterly figures are those of `survey_app.dossiers.reports` (the report command and the stats API):
whole quarters the period touches. Dossier counts and scores are administrative figures, never withheld;
the satisfaction of rated dossiers is a share of ratings and is withheld below the minimum sample like
every other rating figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.analytics import dossier_queries as q
from survey_app.analytics.dossier_scoring import Timeliness, quarter_name, quarter_start, share
from survey_app.analytics.periods import next_month
from survey_app.analytics.rates import safe_share
from survey_app.core import clock
from survey_app.dashboards import charts, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import Filters
from survey_app.dossiers.reports import UnitFigures, quarter_rows
from survey_app.dossiers.rules import rules as current_rules
from survey_app.extensions import db
from survey_app.kiosk.levels import satisfied_levels
from survey_app.models import Unit

LATE_PROCEDURES = 10


def data_months(unit: Unit) -> tuple[date, date] | None:
    """The first and last month with returned dossiers under the unit (the view's default period)."""
    return q.months_with_data(db.session, unit.id)


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day) of every quarter the period touches."""
    out, cursor = [], quarter_start(start)
    while cursor <= end:
        following = next_month(next_month(next_month(cursor)))
        out.append((cursor, following - timedelta(days=1)))
        cursor = following
    return out


@dataclass
class DossierSummary:
    """Headline figures of the dossiers view over the period (the unit's whole subtree)."""

    returned: int
    timeliness: Timeliness
    on_time_rate: float | None
    quarter: str  # the last quarter the period touches
    n_scored: int  # dossiers scored in that quarter
    indicators: list[tuple[int, str, float | None, int]]  # (number, name, average or None, dossiers assessed)
    total: float | None
    class_label: str | None
    rated: int
    rated_share: float | None
    ratings: int
    satisfaction_rate: float | None  # withheld (None) below the minimum sample


def _lang() -> str:
    return str(get_locale() or "vi")


def dossier_dashboard(filters: Filters) -> tuple[DossierSummary, list[Chart]]:
    """Every dossier figure of a unit's subtree over the period."""
    session, unit, minimum = db.session, filters.unit, settings.min_n()
    measures = q.period_measures(session, unit.id, filters.start, filters.end)
    in_progress, overdue = q.open_counts(session, [unit.id], filters.end, clock.today()).get(unit.id, (0, 0))
    timeliness = Timeliness(
        measures.get("n_before", 0),
        measures.get("n_on_time", 0),
        measures.get("n_after", 0),
        in_progress,
        overdue,
    )
    linked = q.rating_link(session, [unit.id], filters.start, filters.end, satisfied_levels())
    rated, ratings, satisfied = linked.get(unit.id, (0, 0, 0))
    quarter_chart, last = _quarters_chart(filters)
    language, rules = _lang(), current_rules()
    summary = DossierSummary(
        returned=timeliness.returned,
        timeliness=timeliness,
        on_time_rate=timeliness.on_time_rate,
        quarter=quarter_name(filters.end),
        n_scored=last.score.n_scored if last else 0,
        indicators=[
            (
                rule.number,
                rule.name(language),
                last.score.averages.get(rule.number) if last else None,
                last.score.assessed.get(rule.number, 0) if last else 0,
            )
            for rule in rules.indicators
        ],
        total=last.score.total_value if last else None,
        class_label=last.score.score_class.label(language) if last and last.score.score_class else None,
        rated=rated,
        rated_share=share(rated, timeliness.returned),
        ratings=ratings,
        satisfaction_rate=safe_share(satisfied, ratings, minimum),
    )
    return summary, [
        quarter_chart,
        _timeliness_chart(filters),
        _late_procedures_chart(filters),
        _satisfaction_chart(filters, minimum),
    ]


def _difference(given: float | None, computed: float | None) -> float | None:
    """A recorded total minus the computed one (None when either is missing)."""
    return None if given is None or computed is None else given - computed


def _quarters_chart(filters: Filters) -> tuple[Chart, UnitFigures | None]:
    """The unit and each child per quarter: dossiers scored, the nine averages, the computed total and
    class, and beside them the self-assessed ("Điểm tự chấm") and verified ("Điểm thẩm định") totals with
    their differences from the computed one.

    Also gives the unit's own row of the last quarter (the headline score)."""
    language = _lang()
    rows, highlight, last = [], [], None
    for first, final in quarters(filters.start, filters.end):
        for index, found in enumerate(quarter_rows(filters.unit, first, final)):
            score = found.score
            if index == 0:
                last = found
            rows.append(
                [
                    found.unit.name,
                    quarter_name(first),
                    score.n_scored,
                    *(score.averages[i] for i in sorted(score.averages)),
                    score.total_value,
                    score.score_class.label(language) if score.score_class else "",
                    found.self_total,
                    _difference(found.self_total, score.total_value),
                    found.verified_total,
                    _difference(found.verified_total, score.total_value),
                ]
            )
            highlight.append(bool(score.flagged))
    columns = [Column(_("Unit")), Column(_("Quarter")), Column(_("Dossiers scored"), "int")]
    columns += [Column(_("Indicator %(number)s", number=i), "score") for i in range(1, 10)]
    columns += [
        Column(_("Computed score (of %(max)s)", max=current_rules().maximum), "score"),
        Column(_("Class")),
        Column(_("Self-assessed score"), "given"),
        Column(_("Self − computed"), "diff"),
        Column(_("Verified score"), "given"),
        Column(_("Verified − computed"), "diff"),
    ]
    return (
        Chart(
            "quarters",
            _("Quarterly scores per unit"),
            columns,
            rows,
            note=_(
                "Whole quarters the period touches. Highlighted rows have an indicator not assessed for "
                'every dossier (averaged over those assessed); "Not assessed": no dossier was assessed on '
                'it. Self-assessed and verified scores are those recorded for the quarter; "–": none '
                "recorded."
            ),
            highlight=highlight,
        ),
        last,
    )


def _month_ends(filters: Filters) -> list[tuple[date, date]]:
    """(first day, day counted) of every month of the period: its last day, or today for this month."""
    today, out = clock.today(), []
    cursor = filters.start.replace(day=1)
    while cursor <= filters.end:
        counted = min(next_month(cursor) - timedelta(days=1), filters.end, today)
        if counted >= cursor:
            out.append((cursor, counted))
        cursor = next_month(cursor)
    return out


def _timeliness_chart(filters: Filters) -> Chart:
    """Per month: returned before / on / after the due day (counts and shares), in progress and overdue
    at the month's end."""
    session, unit = db.session, filters.unit
    months = q.measures_by_month(session, unit.id, filters.start, filters.end)
    ends = _month_ends(filters)
    opened = q.open_at(session, unit.id, [counted for _first, counted in ends])
    rows = []
    for first, counted in ends:
        m = months.get(first, {})
        t = Timeliness(m.get("n_before", 0), m.get("n_on_time", 0), m.get("n_after", 0))
        shares = t.shares()
        rows.append(
            [
                first.strftime("%m/%Y"),
                t.returned,
                t.before,
                shares["before"],
                t.on_time,
                shares["on_time"],
                t.after,
                shares["after"],
                *opened.get(counted, (0, 0)),
            ]
        )
    labels = [r[0] for r in rows]
    return Chart(
        "timeliness",
        _("Dossiers returned on time, month by month"),
        [
            Column(_("Month")),
            Column(_("Returned"), "int"),
            Column(_("Before the due day"), "int"),
            Column(_("Share before the due day"), "share"),
            Column(_("On the due day"), "int"),
            Column(_("Share on the due day"), "share"),
            Column(_("After the due day"), "int"),
            Column(_("Share after the due day"), "share"),
            Column(_("In progress at month end"), "int"),
            Column(_("Overdue at month end"), "int"),
        ],
        rows,
        charts.stacked_shares(
            labels,
            [
                (_("Before the due day"), [r[3] for r in rows]),
                (_("On the due day"), [r[5] for r in rows]),
                (_("After the due day"), [r[7] for r in rows]),
            ],
        )
        if any(r[1] for r in rows)
        else None,
        note=_("Shares of the dossiers returned in the month; the current month is counted up to today."),
        highlight=[r[9] > 0 for r in rows],
    )


def _late_procedures_chart(filters: Filters) -> Chart:
    """The procedures with the most dossiers returned after their due day in the period."""
    session = db.session
    found = q.measures_by_procedure_exact(session, filters.unit.id, filters.start, filters.end)
    late = sorted(
        ((pid, m) for pid, m in found.items() if m.get("n_after")),
        key=lambda item: (-item[1]["n_after"], item[0]),
    )[:LATE_PROCEDURES]
    names = q.procedure_names(session, [pid for pid, _m in late])
    rows = [
        [
            names.get(pid, ("", ""))[1],
            names.get(pid, ("", ""))[0],
            m.get("n_returned", 0),
            m["n_after"],
            share(m["n_after"], m.get("n_returned", 0)),
        ]
        for pid, m in late
    ]
    return Chart(
        "late_procedures",
        _("Procedures with the most late dossiers"),
        [
            Column(_("Procedure")),
            Column(_("Code")),
            Column(_("Returned"), "int"),
            Column(_("Late"), "int"),
            Column(_("Late share"), "share"),
        ],
        rows,
        charts.value_bars([r[0] for r in rows], [r[3] for r in rows], _("Late dossiers")) if rows else None,
    )


def _satisfaction_chart(filters: Filters, minimum: int) -> Chart:
    """Per procedure: returned dossiers, those rated at the kiosk, the ratings and their satisfaction."""
    session, unit = db.session, filters.unit
    found = q.measures_by_procedure_exact(session, unit.id, filters.start, filters.end)
    linked = q.rating_link(session, [unit.id], filters.start, filters.end, satisfied_levels(), by="procedure")
    names = q.procedure_names(session, list(linked))
    ordered = sorted(linked.items(), key=lambda item: (-item[1][1], names.get(item[0], ("", ""))[1]))
    rows = []
    for pid, (rated, ratings, satisfied) in ordered:
        returned = found.get(pid, {}).get("n_returned", 0)
        rows.append(
            [
                names.get(pid, ("", ""))[1],
                returned,
                rated,
                share(rated, returned),
                ratings,
                safe_share(satisfied, ratings, minimum),
            ]
        )
    return Chart(
        "satisfaction",
        _("Satisfaction of rated dossiers by procedure"),
        [
            Column(_("Procedure")),
            Column(_("Returned"), "int"),
            Column(_("Number of rated dossiers"), "int"),
            Column(_("Rated share"), "share"),
            Column(_("Ratings"), "int"),
            Column(_("Satisfaction rate"), "pct"),
        ],
        rows,
        charts.value_bars([r[0] for r in rows], [r[4] for r in rows], _("Ratings")) if rows else None,
        note=_(
            "Kiosk ratings carrying the code of a dossier returned in the period; a satisfaction rate "
            "on fewer than %(min)s ratings is not shown.",
            min=minimum,
        ),
    )
