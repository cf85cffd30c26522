"""Figures of the public scoreboard: per child unit, only aggregates that may be published."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _

from survey_app.analytics import dialogue_queries, kiosk_queries, pooling, sipas_queries
from survey_app.analytics.periods import months_back, next_month
from survey_app.analytics.rates import satisfaction_rate
from survey_app.analytics.sipas_index import compute_report
from survey_app.core import clock
from survey_app.dashboards import charts, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import buckets
from survey_app.dashboards.sipas_figures import questionnaire_of
from survey_app.extensions import db
from survey_app.kiosk import levels as kiosk_levels
from survey_app.models import Unit
from survey_app.models.sipas import CampaignState


@dataclass
class ScoreRow:
    """One unit's line on the scoreboard."""

    code: str
    name: str
    kiosk_n: int
    kiosk_rate: float | None
    sipas: float | None = None
    sipas_n: int = 0
    conferences: int = 0
    answers_published: int = 0


@dataclass
class Scoreboard:
    """Everything the public page shows."""

    month: date
    months: list[date]
    rows: list[ScoreRow]
    total_rate: float | None
    total_n: int
    charts: list[Chart]
    sipas_campaign: str = ""
    dialogue_from: date | None = None
    dialogue_to: date | None = None


def last_complete_month(today: date) -> date:
    """The first day of the month before today's."""
    return months_back(today, 1)


def parse_month(text: str | None) -> tuple[date, str | None]:
    """A month given as mm/yyyy or yyyy-mm; a bad value gives the default month and a message."""
    default = last_complete_month(clock.today())
    if not text:
        return default, None
    text = text.strip()
    for sep, order in (("/", "my"), ("-", "ym")):
        parts = text.split(sep)
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            month, year = (int(parts[0]), int(parts[1])) if order == "my" else (int(parts[1]), int(parts[0]))
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return date(year, month, 1), None
    return default, _("Enter a month as mm/yyyy.")


def board_link(code: str, month: date) -> str:
    """The public scoreboard of a unit for a month (the drill-down from its parent's board)."""
    return url_for("scoreboard.board", code=code, month=month.strftime("%m/%Y"))


def build(unit: Unit, month: date) -> Scoreboard:
    """The scoreboard of a unit's children (or the unit itself when it has none) for one month."""
    session = db.session
    minimum = settings.min_n()
    satisfied = kiosk_levels.satisfied_levels()
    children = pooling.child_units(session, unit.id) or [(unit.id, unit.code, unit.name)]
    month_end = next_month(month) - timedelta(days=1)
    counts: dict = defaultdict(lambda: defaultdict(int))
    ids = [c[0] for c in children]
    settled = settings.pooled_before()
    for unit_id, level, n in kiosk_queries.kiosk_counts_by_ancestor(
        session, ids, month, month_end, settled_before=settled
    ):
        counts[unit_id][level] += n
    rows = []
    for child_id, code, name in children:
        rate = satisfaction_rate(counts.get(child_id, {}), satisfied, minimum)
        rows.append(ScoreRow(code, name, rate.n, rate.value))
    totals: dict[str, int] = defaultdict(int)
    for _m, level, n in kiosk_queries.kiosk_counts_by_month(
        session, unit.id, [month], settled_before=settled
    ):
        totals[level] += n
    total = satisfaction_rate(totals, satisfied, minimum)

    # Twelve months of the unit's own pooled rate.
    first = months_back(month, 11)
    months = buckets(first, month, "month")
    per_month: dict = defaultdict(lambda: defaultdict(int))
    for m, level, n in kiosk_queries.kiosk_counts_by_month(session, unit.id, months, settled_before=settled):
        per_month[m][level] += n
    trend_rows, labels, values, ns = [], [], [], []
    for m in months:
        rate = satisfaction_rate(per_month.get(m, {}), satisfied, minimum)
        labels.append(m.strftime("%m/%Y"))
        values.append(rate.value)
        ns.append(rate.n)
        trend_rows.append([m.strftime("%m/%Y"), rate.n, rate.value])
    target = settings.kiosk_target()
    board_charts = [
        Chart(
            "units",
            _("Kiosk satisfaction rate by unit, %(month)s", month=month.strftime("%m/%Y")),
            [Column(_("Unit")), Column(_("Ratings"), "int"), Column(_("Satisfaction rate"), "pct")],
            [[r.name, r.kiosk_n, r.kiosk_rate] for r in rows],
            charts.rate_bars(
                [r.name for r in rows],
                [r.kiosk_rate for r in rows],
                [r.kiosk_n for r in rows],
                target,
                [board_link(r.code, month) if r.code != unit.code else "" for r in rows],
            )
            if any(r.kiosk_rate is not None for r in rows)
            else None,
        ),
        Chart(
            "trend",
            _("Kiosk satisfaction rate over twelve months"),
            [Column(_("Month")), Column(_("Ratings"), "int"), Column(_("Satisfaction rate"), "pct")],
            trend_rows,
            charts.rate_over_time(labels, values, ns, target) if any(v is not None for v in values) else None,
        ),
    ]
    board = Scoreboard(month, months, rows, total.value, total.n, board_charts)
    _add_published_sipas(board, unit, children, minimum)
    _add_dialogue(board, children, first, month_end)
    return board


def _add_published_sipas(board: Scoreboard, unit: Unit, children, minimum: int) -> None:
    """The SIPAS index of each unit in the latest published campaign (withheld below the minimum)."""
    session = db.session
    campaigns = sipas_queries.sipas_campaigns_for(session, unit.id)
    published = [c for c in campaigns if c[5] == CampaignState.published]
    if not published:
        return
    campaign_id, _code, name, _version, _start, _state = published[0]
    questionnaire = questionnaire_of(campaign_id)
    if questionnaire is None:
        return
    ids = [c[0] for c in children]
    summaries = settings.sipas_summaries()
    counts = sipas_queries.sipas_counts_by_ancestor(
        session, [campaign_id], ids, questionnaire.criterion_codes, summaries=summaries
    )
    responses = sipas_queries.sipas_responses_by_ancestor(session, [campaign_id], ids, summaries=summaries)
    board.sipas_campaign = name
    for row, (child_id, _c, _n) in zip(board.rows, children, strict=True):
        n = sum(responses.get((campaign_id, child_id), {}).values())
        report = compute_report(questionnaire, counts.get((campaign_id, child_id), {}), minimum)
        row.sipas_n = n
        row.sipas = report.overall  # withheld by the one small-sample rule (analytics.sipas_index)


def _add_dialogue(board: Scoreboard, children, first: date, last: date) -> None:
    """Conferences held and written answers published over the twelve months shown."""
    start_utc, end_utc = clock.day_bounds(first, last)
    figures = dialogue_queries.dialogue_counts_by_ancestor(
        db.session, [c[0] for c in children], start_utc, end_utc
    )
    board.dialogue_from, board.dialogue_to = first, last
    for row, (child_id, _c, _n) in zip(board.rows, children, strict=True):
        row.conferences, row.answers_published = figures.get(child_id, (0, 0))
