"""The SIPAS view: indices with intervals for a campaign, unit ranking, trend, expectations, sample progress.

Figures come from the count cube (`sipas_count`, `sipas_unit_n`) pooled over subtrees; the index maths
is `survey_app.analytics.sipas_index`. The channel filter narrows every figure (the cube keeps the channel).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.analytics import pooling, sipas_queries
from survey_app.analytics.rates import is_suppressed, safe_share, safe_value
from survey_app.analytics.sipas_index import IndexReport, compute_report, expectation_share
from survey_app.dashboards import charts, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import Filters
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.sipas.questionnaire import Questionnaire, get_questionnaire


def _lang() -> str:
    return str(get_locale() or "vi")


def questionnaire_of(version: str) -> Questionnaire | None:
    """The questionnaire version of a campaign, or None when this deployment does not know it."""
    try:
        return get_questionnaire(version)
    except ValueError:  # QuestionnaireError: a version removed from this deployment
        return None


def _campaigns(unit_id: int) -> list[tuple]:
    """Campaigns with a unit in the subtree, latest first (read once per request: filters and figures)."""
    cache = g.setdefault("sipas_campaigns", {})
    if unit_id not in cache:
        cache[unit_id] = sipas_queries.sipas_campaigns_for(db.session, unit_id)
    return cache[unit_id]


def campaign_choices(unit: Unit) -> list[tuple[str, str]]:
    """Campaigns with a unit in the subtree, latest first, as (code, name)."""
    return [(code, name) for _i, code, name, _v, _s, _st in _campaigns(unit.id)]


@dataclass
class SipasSummary:
    """Headline figures of the SIPAS view."""

    campaign: str = ""
    campaign_code: str = ""
    n: int = 0
    overall: float | None = None
    aspects: list[tuple[str, float | None]] = field(default_factory=list)
    known: bool = True  # whether the questionnaire version is known here


def _overall(questionnaire, counts, n: int, minimum: int) -> tuple[float | None, IndexReport]:
    report = compute_report(questionnaire, counts)
    return safe_value(report.overall, n, minimum), report


def sipas_dashboard(filters: Filters) -> tuple[SipasSummary, list[Chart]]:
    """Every SIPAS figure of a unit's subtree for the chosen (or latest) campaign."""
    session = db.session
    unit, minimum, lang = filters.unit, settings.min_n(), _lang()
    campaigns = _campaigns(unit.id)
    summary = SipasSummary()
    if not campaigns:
        return summary, []
    chosen = next((c for c in campaigns if c[1] == filters.campaign), campaigns[0])
    campaign_id, code, name, version, _start, _state = chosen
    summary.campaign, summary.campaign_code = name, code
    filters.campaign = code
    questionnaire = questionnaire_of(version)
    children = pooling.child_units(session, unit.id)
    ids = [unit.id] + [c[0] for c in children]
    # Responses of every campaign at once: this campaign's units, the trend and the sample progress.
    all_campaign_ids = [c[0] for c in campaigns]
    responses = sipas_queries.sipas_responses_by_ancestor(
        session, all_campaign_ids, ids, channel=filters.channel
    )
    summary.n = sum(responses.get((campaign_id, unit.id), {}).values())
    if questionnaire is None:
        summary.known = False
        return summary, []
    counts = sipas_queries.sipas_counts_by_ancestor(session, [campaign_id], ids, channel=filters.channel)
    own = counts.get((campaign_id, unit.id), {})
    summary.overall, report = _overall(questionnaire, own, summary.n, minimum)
    summary.aspects = [
        (a.name(lang), safe_value(report.aspects.get(a.code), summary.n, minimum))
        for a in questionnaire.aspects
    ]
    result: list[Chart] = []

    # Elements (radar when there are at least three, with their aspect in the table).
    element_rows, element_names, element_values = [], [], []
    for aspect in questionnaire.aspects:
        for element in aspect.elements:
            value = safe_value(report.elements.get(element.code), summary.n, minimum)
            element_rows.append([element.name(lang), aspect.name(lang), value])
            element_names.append(element.name(lang))
            element_values.append(value)
    figure = None
    if any(v is not None for v in element_values):
        figure = (
            charts.radar(element_names, element_values, _("Element index"))
            if len(element_names) >= 3
            else charts.value_bars(element_names, element_values, _("Index"))
        )
    result.append(
        Chart(
            "elements",
            _("Index of each element"),
            [Column(_("Element")), Column(_("Aspect")), Column(_("Index"), "num")],
            element_rows,
            figure,
        )
    )

    # Criteria with their 95% Wilson intervals; each withheld below the minimum of valid answers.
    criterion_rows, labels, values, lows, highs = [], [], [], [], []
    for criterion in questionnaire.criteria:
        figures = report.criteria[criterion.code]
        shown = not is_suppressed(figures.n, minimum)
        value = figures.index if shown else None
        low = figures.ci_low if shown else None
        high = figures.ci_high if shown else None
        mean = figures.mean if shown else None
        label = f"{criterion.code}. {criterion.text(lang)}"
        criterion_rows.append([label, figures.n, value, low, high, mean])
        labels.append(criterion.code)
        values.append(value)
        lows.append(low)
        highs.append(high)
    result.append(
        Chart(
            "criteria",
            _("Criterion indices with %(level)s confidence intervals", level="95%"),
            [
                Column(_("Criterion")),
                Column(_("Valid answers"), "int"),
                Column(_("Index"), "num"),
                Column(_("Lower bound"), "num"),
                Column(_("Upper bound"), "num"),
                Column(_("Mean score (1–5)"), "num"),
            ],
            criterion_rows,
            charts.interval_bars(labels, values, lows, highs, _("Index"))
            if any(v is not None for v in values)
            else None,
        )
    )

    # Ranking of the child units by their pooled index.
    if children:
        ranked = []
        for child_id, _code, child_name in children:
            n = sum(responses.get((campaign_id, child_id), {}).values())
            if not n:
                continue
            value, _r = _overall(questionnaire, counts.get((campaign_id, child_id), {}), n, minimum)
            ranked.append((child_name, n, value))
        ranked.sort(key=lambda r: (r[2] is None, -(r[2] or 0), r[0]))
        result.append(
            Chart(
                "ranking",
                _("Ranking of units"),
                [Column(_("Unit")), Column(_("Responses"), "int"), Column(_("SIPAS index"), "num")],
                [[name, n, value] for name, n, value in ranked],
                charts.value_bars([r[0] for r in ranked], [r[2] for r in ranked], _("SIPAS index"))
                if any(r[2] is not None for r in ranked)
                else None,
            )
        )

    # Trend across campaigns (oldest first), each with its own questionnaire.
    history = list(reversed(campaigns))
    history_ids = [c[0] for c in history]
    history_counts = sipas_queries.sipas_counts_by_ancestor(
        session, history_ids, [unit.id], channel=filters.channel
    )
    trend_rows, trend_labels, trend_values = [], [], []
    for cid, _ccode, cname, cversion, _cs, _cst in history:
        n = sum(responses.get((cid, unit.id), {}).values())
        qn = questionnaire_of(cversion)
        value = _overall(qn, history_counts.get((cid, unit.id), {}), n, minimum)[0] if qn and n else None
        trend_rows.append([cname, n, value])
        trend_labels.append(cname)
        trend_values.append(value)
    result.append(
        Chart(
            "trend",
            _("SIPAS index across campaigns"),
            [Column(_("Campaign")), Column(_("Responses"), "int"), Column(_("SIPAS index"), "num")],
            trend_rows,
            charts.lines(trend_labels, [(_("SIPAS index"), trend_values)], _("SIPAS index"))
            if any(v is not None for v in trend_values)
            else None,
        )
    )

    # Expectation priorities: share wanting improvement (top levels), highest first.
    expectations = []
    for question in questionnaire.questions:
        if question.kind != "expectation":
            continue
        item = own.get(question.code, {})
        valid = sum(n for value, n in item.items() if value > 0)
        share = safe_value(expectation_share(item, question.top), valid, minimum)
        expectations.append((question.text(lang), valid, share))
    if expectations:
        expectations.sort(key=lambda e: (e[2] is None, -(e[2] or 0)))
        result.append(
            Chart(
                "expectations",
                _("Expectation priorities"),
                [
                    Column(_("Area to improve")),
                    Column(_("Valid answers"), "int"),
                    Column(_("Want it improved"), "pct"),
                ],
                [list(e) for e in expectations],
                charts.value_bars([e[0] for e in expectations], [e[2] for e in expectations], _("Share (%)"))
                if any(e[2] is not None for e in expectations)
                else None,
            )
        )

    # Sample progress of each child unit's subtree (or the unit itself).
    progress_units = [(c[0], c[2]) for c in children] or [(unit.id, unit.name)]
    targets = sipas_queries.sipas_targets_by_ancestor(session, campaign_id, [u[0] for u in progress_units])
    progress_rows = []
    for progress_id, progress_name in progress_units:
        target = targets.get(progress_id, 0)
        n = sum(responses.get((campaign_id, progress_id), {}).values())  # children, or the unit
        if target or n:
            progress_rows.append([progress_name, target, n, safe_share(n, target, 1) if target else None])
    result.append(
        Chart(
            "progress",
            _("Sample progress"),
            [
                Column(_("Unit")),
                Column(_("Target"), "int"),
                Column(_("Collected"), "int"),
                Column(_("Reached"), "pct"),
            ],
            progress_rows,
            charts.grouped_bars(
                [r[0] for r in progress_rows],
                [
                    (_("Target"), [r[1] for r in progress_rows]),
                    (_("Collected"), [r[2] for r in progress_rows]),
                ],
                _("Responses"),
            )
            if progress_rows
            else None,
        )
    )
    return summary, result
