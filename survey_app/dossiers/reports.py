"""The figures of a unit's quarter: what the report command, the stats API and the pages show.

`unit_report` gives exactly the report of issue 18 (plus `assessed`, the dossiers each indicator was
assessed on, from which the "not assessed for every dossier" flag follows); `quarter_rows` gives the
quarterly table of a unit and its children with self-assessed and verified totals beside the computed
one. Rates are in percent; administrative counts are never suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from survey_app.analytics import dossier_queries as q
from survey_app.analytics.dossier_scoring import PeriodScore, Timeliness, period_score, quarter_name, share
from survey_app.core import clock
from survey_app.dossiers.assessments import assessments_by_unit, totals
from survey_app.dossiers.rules import rules as current_rules
from survey_app.extensions import db
from survey_app.kiosk.levels import satisfied_levels
from survey_app.models import Unit

CSV_COLUMNS = (
    "unit",
    "quarter",
    "n_scored",
    *(f"i{i}" for i in range(1, 10)),
    "total",
    "class",
    "before",
    "on_time",
    "after",
    "in_progress",
    "overdue",
    "on_time_rate",
    "rated_share",
    "satisfaction_rate",
)


@dataclass
class UnitFigures:
    """One unit's pooled quarter: scores, timeliness, and the citizens' voice."""

    unit: Unit
    score: PeriodScore
    timeliness: Timeliness
    rated: int
    ratings: int
    satisfied: int
    self_total: float | None = None
    verified_total: float | None = None

    @property
    def rated_share(self) -> float | None:
        """Percent of the returned dossiers rated by at least one counted kiosk rating."""
        return share(self.rated, self.score.n_scored)

    @property
    def satisfaction_rate(self) -> float | None:
        """Percent of those ratings at a satisfied level."""
        return share(self.satisfied, self.ratings)


def figures(
    units: list[Unit], start: date, end: date, *, field_id: int | None = None
) -> dict[int, UnitFigures]:
    """{unit id: UnitFigures} pooled over each unit's subtree, for the dossiers returned in [start, end]."""
    rules = current_rules()
    session = db.session
    ids = [unit.id for unit in units]
    measures = q.measures_by_ancestor(session, ids, start, end, field_id=field_id)
    opened = q.open_counts(session, ids, end, clock.today(), field_id=field_id)
    linked = q.rating_link(session, ids, start, end, satisfied_levels(), field_id=field_id)
    out = {}
    for unit in units:
        m = measures.get(unit.id, {})
        in_progress, overdue = opened.get(unit.id, (0, 0))
        rated, ratings, satisfied = linked.get(unit.id, (0, 0, 0))
        out[unit.id] = UnitFigures(
            unit=unit,
            score=period_score(rules, m),
            timeliness=Timeliness(
                m.get("n_before", 0), m.get("n_on_time", 0), m.get("n_after", 0), in_progress, overdue
            ),
            rated=rated,
            ratings=ratings,
            satisfied=satisfied,
        )
    return out


def unit_report(unit: Unit, start: date, end: date) -> dict:
    """The report of issue 18 for a unit's subtree and a quarter (values unrounded)."""
    found = figures([unit], start, end)[unit.id]
    score = found.score
    return {
        "unit": unit.code,
        "quarter": quarter_name(start),
        "n_scored": score.n_scored,
        "indicators": {str(i): score.averages[i] for i in sorted(score.averages)},
        "assessed": {str(i): score.assessed[i] for i in sorted(score.assessed)},
        "total": score.total_value,
        "class": score.score_class.vi if score.score_class else None,
        "timeliness": found.timeliness.as_dict(),
        "on_time_rate": found.timeliness.on_time_rate,
        "rated_share": found.rated_share,
        "satisfaction_rate": found.satisfaction_rate,
    }


def report_csv_row(report: dict) -> list:
    """The report as one CSV row (columns CSV_COLUMNS), for `core.spreadsheets.write_csv`."""
    values = {
        "unit": report["unit"],
        "quarter": report["quarter"],
        "n_scored": report["n_scored"],
        **{f"i{k}": v for k, v in report["indicators"].items()},
        "total": report["total"],
        "class": report["class"],
        **report["timeliness"],
        "on_time_rate": report["on_time_rate"],
        "rated_share": report["rated_share"],
        "satisfaction_rate": report["satisfaction_rate"],
    }
    return [values[c] for c in CSV_COLUMNS]  # the spreadsheet writer neutralises text and empties nulls


def quarter_rows(unit: Unit, start: date, end: date) -> list[UnitFigures]:
    """The unit itself, then each of its children (by name), pooled, with self and verified totals."""
    children = sorted((child for child in unit.children), key=lambda u: u.name)
    units = [unit, *children]
    found = figures(units, start, end)
    assessed = assessments_by_unit([u.id for u in units], start)
    rows = []
    for each in units:
        row = found[each.id]
        row.self_total, row.verified_total = totals(assessed.get(each.id, {}))
        rows.append(row)
    return rows
