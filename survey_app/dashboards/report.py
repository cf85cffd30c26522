"""The leadership report ("Báo cáo kết quả đo lường sự hài lòng"): key figures of the kiosk, SIPAS, dialogue
and dossier sources for a unit and period, with server-drawn SVG charts so the printed page and the PDF
need no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup

from survey_app.core import clock
from survey_app.dashboards import (
    dialogue_figures,
    dossier_figures,
    history,
    kiosk_figures,
    settings,
    sipas_figures,
    svg,
)
from survey_app.dashboards.charts import Chart
from survey_app.dashboards.filters import Filters, buckets
from survey_app.models import User


@dataclass
class ReportSection:
    """One chart of the report: its table, and a static drawing of it when it has one."""

    chart: Chart
    drawing: Markup | None = None


@dataclass
class LeadershipReport:
    """Everything the report shows."""

    filters: Filters
    generated_at: datetime
    kiosk: kiosk_figures.KioskSummary
    kiosk_sections: list[ReportSection] = field(default_factory=list)
    sipas: sipas_figures.SipasSummary | None = None
    sipas_sections: list[ReportSection] = field(default_factory=list)
    dialogue: dialogue_figures.DialogueSummary | None = None
    dialogue_sections: list[ReportSection] = field(default_factory=list)
    dossiers: dossier_figures.DossierSummary | None = None
    dossier_sections: list[ReportSection] = field(default_factory=list)


def _bars(chart: Chart, label_col: int, value_col: int, **options) -> Markup:
    rows = chart.rows[:25]
    return svg.hbars(
        [str(r[label_col]) for r in rows],
        [r[value_col] for r in rows],
        withheld=_("not enough sample"),
        title=chart.title,
        **options,
    )


def _marked(filters: Filters) -> dict:
    """Which points of the kiosk trend are a new unit's predecessors' history (see dashboards.history)."""
    reform = history.reform_history(filters.unit)
    if reform is None:
        return {}
    firsts = list(buckets(filters.start, filters.end, filters.granularity))
    return {"marked": history.marked_rows(reform, firsts), "marked_label": reform.label()}


def _sipas_trend(chart: Chart, filters: Filters) -> Markup | None:
    """The SIPAS trend drawn with one line per measurement method and the predecessors' part marked."""
    if not any(r[2] is not None for r in chart.rows):
        return None
    reform = history.reform_history(filters.unit)
    return svg.line(
        [r[0] for r in chart.rows],
        [r[2] for r in chart.rows],
        title=chart.title,
        marked=chart.marked,
        marked_label=reform.label() if reform is not None else "",
        groups=chart.groups,
        break_label=_("Change of method"),
    )


def _columns(chart: Chart, keep: list[int]) -> Chart:
    """The same chart with only some columns of its table (a report page is narrower than a screen)."""
    return Chart(
        chart.id,
        chart.title,
        [chart.columns[i] for i in keep],
        [[row[i] for i in keep] for row in chart.rows],
        note=chart.note,
        highlight=chart.highlight,
    )


def _dossier_sections(charts: list[Chart]) -> list[ReportSection]:
    """The dossiers view's tables, as the report shows them (the same figures, fewer columns)."""
    sections = []
    for chart in charts:
        if chart.empty:
            continue
        if chart.id == "quarters":
            # unit, quarter, scored, computed total, class, self, verified and their differences
            sections.append(ReportSection(_columns(chart, [0, 1, 2, *range(12, len(chart.columns))])))
        elif chart.id == "timeliness":
            sections.append(ReportSection(chart))
        elif chart.id == "late_procedures":
            sections.append(ReportSection(chart, _bars(chart, 0, 3, digits=0)))
        elif chart.id == "satisfaction":
            sections.append(ReportSection(chart, _bars(chart, 0, 5, maximum=100, suffix="%")))
    return sections


def build(filters: Filters, user: User) -> LeadershipReport:
    """Kiosk, SIPAS, dialogue and dossier figures of a unit's subtree for the report."""
    target = settings.kiosk_target()
    kiosk_summary, kiosk_charts = kiosk_figures.kiosk_dashboard(filters, user)
    by_id = {c.id: c for c in kiosk_charts}
    report = LeadershipReport(filters, clock.local_now(), kiosk_summary)
    trend = by_id["trend"]
    report.kiosk_sections.append(
        ReportSection(
            trend,
            svg.line(
                [r[0] for r in trend.rows],
                [r[3] for r in trend.rows],
                target=target,
                title=trend.title,
                **_marked(filters),
            )
            if any(r[3] is not None for r in trend.rows)
            else None,
        )
    )
    for chart_id in ("units", "fields", "reasons"):
        chart = by_id.get(chart_id)
        if chart is None or chart.empty:
            continue
        if chart_id == "reasons":
            drawing = _bars(chart, 0, 1, digits=0)
        else:
            drawing = _bars(chart, 0, 2, maximum=100, target=target, suffix="%")
        report.kiosk_sections.append(ReportSection(chart, drawing))

    sipas_filters = Filters(filters.unit, filters.start, filters.end)
    sipas_summary, sipas_charts = sipas_figures.sipas_dashboard(sipas_filters)
    if sipas_summary.campaign:
        report.sipas = sipas_summary
        for chart in sipas_charts:
            if chart.id in ("elements", "ranking") and not chart.empty:
                report.sipas_sections.append(ReportSection(chart, _bars(chart, 0, 2, maximum=100, digits=2)))
            elif chart.id == "trend" and not chart.empty:
                report.sipas_sections.append(ReportSection(chart, _sipas_trend(chart, filters)))

    dialogue_summary, dialogue_charts = dialogue_figures.dialogue_dashboard(filters)
    report.dialogue = dialogue_summary
    for chart in dialogue_charts:
        if chart.id == "categories" and not chart.empty:
            report.dialogue_sections.append(ReportSection(chart, _bars(chart, 0, 1, digits=0)))
        elif chart.id in ("conferences", "departments", "overdue") and not chart.empty:
            report.dialogue_sections.append(ReportSection(chart))

    # the dossiers view's own figures (dossier_figures), so the report and the dashboard cannot disagree
    dossier_summary, dossier_charts = dossier_figures.dossier_dashboard(filters)
    report.dossiers = dossier_summary
    report.dossier_sections = _dossier_sections(dossier_charts)
    return report
