"""The SIPAS view: indices with intervals for a campaign, unit ranking, trend, expectations, sample progress.

Figures come from the count cube (`sipas_count`, `sipas_unit_n`) pooled over subtrees; the index maths
is `survey_app.analytics.sipas_index`, whose one small-sample rule withholds every index here (an index is
shown only when each criterion it is built from has SMALL_SAMPLE_MIN valid answers). The channel filter
narrows every figure (the cube keeps the channel).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _

from survey_app.analytics import pooling, sipas_queries
from survey_app.analytics.rates import is_suppressed, safe_share, safe_value
from survey_app.analytics.sipas_index import BLANK, DONT_KNOW, IndexReport, compute_report, expectation_share
from survey_app.core.formatting import vn_date
from survey_app.dashboards import charts, history, settings
from survey_app.dashboards.charts import Chart, Column
from survey_app.dashboards.filters import Filters
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import SipasCampaign
from survey_app.sipas import campaigns as sipas_campaigns
from survey_app.sipas.questionnaire import Questionnaire, method_label


def _lang() -> str:
    return str(get_locale() or "vi")


def questionnaire_of(campaign_id: int) -> Questionnaire | None:
    """A campaign's questionnaire (its stored copy), or None when it has no readable one."""
    campaign = db.session.get(SipasCampaign, campaign_id)
    try:
        return sipas_campaigns.questionnaire_of(campaign) if campaign else None
    except sipas_campaigns.QuestionnaireUnavailable:
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
    minimum: int = 0  # the small-sample minimum the page states
    # "element name: criterion codes" of elements computed without their criteria that have no valid answer
    left_out: list[str] = field(default_factory=list)
    known: bool = True  # whether the questionnaire version is known here
    method: str = ""  # the chosen campaign's measurement method
    # set when the chosen campaign began before the unit's reorganisation: whose figures they are
    predecessors_note: str = ""


def _overall(questionnaire, counts, minimum: int) -> tuple[float | None, IndexReport]:
    """The overall index and the report, withheld by the one small-sample rule (sipas_index)."""
    report = compute_report(questionnaire, counts, minimum)
    return report.overall, report


@dataclass
class _Campaign:
    """The chosen campaign's figures that every chart of the SIPAS page reads."""

    unit: Unit
    children: list[tuple[int, str, str]]
    campaign_id: int
    questionnaire: Questionnaire
    report: IndexReport
    own: dict[str, dict[int, int]]  # the unit's pooled answer counts
    counts: dict[tuple[int, int], dict[str, dict[int, int]]]  # (campaign, unit or child): answer counts
    responses: dict[tuple[int, int], dict[str, int]]  # (campaign, unit or child): responses per channel
    n: int
    minimum: int
    lang: str

    def responses_of(self, unit_id: int, campaign_id: int | None = None) -> int:
        """Responses pooled over a unit's subtree (in the chosen campaign unless another is given)."""
        return sum(self.responses.get((campaign_id or self.campaign_id, unit_id), {}).values())


def sipas_dashboard(filters: Filters) -> tuple[SipasSummary, list[Chart]]:
    """Every SIPAS figure of a unit's subtree for the chosen (or latest) campaign."""
    session = db.session
    unit, minimum, lang = filters.unit, settings.min_n(), _lang()
    campaigns = _campaigns(unit.id)
    summary = SipasSummary(minimum=minimum)
    if not campaigns:
        return summary, []
    chosen = next((c for c in campaigns if c[1] == filters.campaign), campaigns[0])
    campaign_id, code, name, _version, _start, _state = chosen
    summary.campaign, summary.campaign_code = name, code
    filters.campaign = code
    questionnaire = questionnaire_of(campaign_id)
    children = pooling.child_units(session, unit.id)
    ids = [unit.id] + [c[0] for c in children]
    # Responses of every campaign at once: this campaign's units, the trend and the sample progress.
    all_campaign_ids = [c[0] for c in campaigns]
    summaries = settings.sipas_summaries()
    responses = sipas_queries.sipas_responses_by_ancestor(
        session, all_campaign_ids, ids, channel=filters.channel, summaries=summaries
    )
    summary.n = sum(responses.get((campaign_id, unit.id), {}).values())
    if questionnaire is None:
        summary.known = False
        return summary, []
    counts = sipas_queries.sipas_counts_by_ancestor(
        session, [campaign_id], ids, channel=filters.channel, summaries=summaries
    )
    own = counts.get((campaign_id, unit.id), {})
    summary.overall, report = _overall(questionnaire, own, minimum)
    summary.method = questionnaire.method_label if questionnaire.method else method_label("")
    reform = history.reform_history(unit)
    if reform is not None and reform.is_before(chosen[4]):
        summary.predecessors_note = _(
            "This campaign began before the reorganisation of %(date)s: its figures are those of %(names)s.",
            date=vn_date(reform.effective_on),
            names=", ".join(f"{p.name} ({p.code})" for p in reform.predecessors),
        )
    summary.aspects = [(a.name(lang), report.aspects.get(a.code)) for a in questionnaire.aspects]
    summary.left_out = [
        f"{e.name(lang)}: {', '.join(report.left_out[e.code])}"
        for e in questionnaire.elements
        if e.code in report.left_out
    ]
    chosen_figures = _Campaign(
        unit, children, campaign_id, questionnaire, report, own, counts, responses, summary.n, minimum, lang
    )
    result = [_elements_chart(chosen_figures), _criteria_chart(chosen_figures)]
    if children:
        result.append(_ranking_chart(chosen_figures))
    result.append(_trend_chart(chosen_figures, campaigns, filters.channel))
    expectations = _expectations_chart(chosen_figures)
    if expectations is not None:
        result.append(expectations)
    result.append(_progress_chart(chosen_figures))
    return summary, result


def _elements_chart(chosen: _Campaign) -> Chart:
    """The index of each element as bars (lengths compare better than a radar's areas)."""
    lang = chosen.lang
    rows, names, values = [], [], []
    for aspect in chosen.questionnaire.aspects:
        for element in aspect.elements:
            value = chosen.report.elements.get(element.code)
            rows.append([element.name(lang), aspect.name(lang), value])
            names.append(element.name(lang))
            values.append(value)
    figure = None
    if any(v is not None for v in values):
        figure = charts.value_bars(names, values, _("Index"))
    return Chart(
        "elements",
        _("Index of each element"),
        [Column(_("Element")), Column(_("Aspect")), Column(_("Index"), "num")],
        rows,
        figure,
    )


def _criteria_chart(chosen: _Campaign) -> Chart:
    """Criterion indices with their 95% Wilson intervals; each withheld below the minimum of valid answers."""
    rows, labels, values, lows, highs = [], [], [], [], []
    for criterion in chosen.questionnaire.criteria:
        figures = chosen.report.criteria[criterion.code]
        shown = not is_suppressed(figures.n, chosen.minimum)
        value = figures.index if shown else None
        low = figures.ci_low if shown else None
        high = figures.ci_high if shown else None
        mean = figures.mean if shown else None
        rows.append(
            [
                f"{criterion.code}. {criterion.text(chosen.lang)}",
                figures.n,
                value,
                low,
                high,
                mean,
                figures.dont_know,
                figures.blank,
            ]
        )
        labels.append(f"{criterion.code}. {criterion.text(chosen.lang)}")
        values.append(value)
        lows.append(low)
        highs.append(high)
    return Chart(
        "criteria",
        _("Criterion indices with %(level)s confidence intervals", level="95%"),
        [
            Column(_("Criterion")),
            Column(_("Valid answers"), "int"),
            Column(_("Index"), "num"),
            Column(_("Lower bound"), "num"),
            Column(_("Upper bound"), "num"),
            Column(_("Mean score (1–5)"), "num"),
            Column(_("Don't know"), "int"),
            Column(_("Blank"), "int"),
        ],
        rows,
        charts.interval_bars(labels, values, lows, highs, _("Index"))
        if any(v is not None for v in values)
        else None,
    )


def _ranking_chart(chosen: _Campaign) -> Chart:
    """The child units ranked by their pooled index."""
    ranked = []
    for child_id, _code, child_name in chosen.children:
        n = chosen.responses_of(child_id)
        if not n:
            continue
        child_counts = chosen.counts.get((chosen.campaign_id, child_id), {})
        value, _report = _overall(chosen.questionnaire, child_counts, chosen.minimum)
        ranked.append((child_name, n, value))
    ranked.sort(key=lambda r: (r[2] is None, -(r[2] or 0), r[0]))
    return Chart(
        "ranking",
        _("Ranking of units"),
        [Column(_("Unit")), Column(_("Responses"), "int"), Column(_("SIPAS index"), "num")],
        [[name, n, value] for name, n, value in ranked],
        charts.value_bars([r[0] for r in ranked], [r[2] for r in ranked], _("SIPAS index"))
        if any(r[2] is not None for r in ranked)
        else None,
    )


def _trend_chart(chosen: _Campaign, campaigns: list[tuple], channel: str) -> Chart:
    """The unit's index across campaigns (oldest first), each with its own questionnaire.

    Results of different measurement methods (2017–2021, from 2022) are separate series with a
    visible break between them, never one line. For a unit opened by a reorganisation, campaigns that
    began before its effective date hold its predecessors' responses (pooled through the closure, each
    once): they are a marked series and the note names the predecessors (see dashboards.history).
    """
    history_rows = list(reversed(campaigns))
    unit_id = chosen.unit.id
    # The chosen campaign's counts are in hand; of the others only those with responses are read, and
    # only their criteria (the index needs nothing else): at national scale each read is ~10^5 cube rows.
    others = [
        c[0]
        for c in history_rows
        if c[0] != chosen.campaign_id and chosen.responses_of(unit_id, c[0]) and questionnaire_of(c[0])
    ]
    codes = sorted({code for c in others for code in questionnaire_of(c).criterion_codes})
    history_counts = {
        **sipas_queries.sipas_counts_by_ancestor(
            db.session, others, [unit_id], codes, channel=channel, summaries=settings.sipas_summaries()
        ),
        (chosen.campaign_id, unit_id): chosen.own,
    }
    reform = history.reform_history(chosen.unit)
    marked = history.marked_rows(reform, [c[4] for c in history_rows])
    rows, labels, values, ns, groups = [], [], [], [], []
    for (campaign_id, _code, name, version, _start, _state), before in zip(history_rows, marked, strict=True):
        n = chosen.responses_of(unit_id, campaign_id)
        questionnaire = questionnaire_of(campaign_id)
        value = None
        if questionnaire and n:
            counts = history_counts.get((campaign_id, unit_id), {})
            value = _overall(questionnaire, counts, chosen.minimum)[0]
        # a version that names no method is comparable with none: its own series
        method = (
            questionnaire.method_label
            if questionnaire and questionnaire.method
            else f"{method_label('')} ({version})"
        )
        row = [name, n, value, method]
        if any(marked):
            row.append(_("Predecessors") if before else chosen.unit.name)
        rows.append(row)
        labels.append(name)
        values.append(value)
        ns.append(n)
        groups.append(method)
    columns = [
        Column(_("Campaign")),
        Column(_("Responses"), "int"),
        Column(_("SIPAS index"), "num"),
        Column(_("Method")),
    ]
    notes = []
    if len(set(groups)) > 1:
        notes.append(
            _(
                "Results of different measurement methods are not comparable: each method is its own "
                "series, and the dotted line marks the change of method."
            )
        )
    if any(marked) and reform is not None:
        columns.append(Column(_("Figures of")))
        notes.append(reform.note())
    return Chart(
        "trend",
        _("SIPAS index across campaigns"),
        columns,
        rows,
        charts.series_trend(
            labels,
            values,
            ns,
            groups,
            _("SIPAS index"),
            marked=marked,
            marked_label=reform.label() if reform is not None else "",
            break_label=_("Change of method"),
        )
        if any(v is not None for v in values)
        else None,
        note=" ".join(notes),
        groups=groups,
        marked=marked,
    )


def _expectations_chart(chosen: _Campaign) -> Chart | None:
    """Expectation priorities: the share wanting an area improved (top levels), highest first."""
    expectations = []
    for question in chosen.questionnaire.questions:
        if question.kind != "expectation":
            continue
        item = chosen.own.get(question.code, {})
        valid = sum(n for value, n in item.items() if value not in (BLANK, DONT_KNOW))
        share = safe_value(expectation_share(item, question.top), valid, chosen.minimum)
        expectations.append((question.text(chosen.lang), valid, share))
    if not expectations:
        return None
    expectations.sort(key=lambda e: (e[2] is None, -(e[2] or 0)))
    return Chart(
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


def _progress_chart(chosen: _Campaign) -> Chart:
    """Sample progress of each child unit's subtree (or of the unit itself) against its target."""
    progress_units = [(c[0], c[2]) for c in chosen.children] or [(chosen.unit.id, chosen.unit.name)]
    targets = sipas_queries.sipas_targets_by_ancestor(
        db.session, chosen.campaign_id, [u[0] for u in progress_units]
    )
    rows = []
    for unit_id, name in progress_units:
        target = targets.get(unit_id, 0)
        n = chosen.responses_of(unit_id)
        if target or n:
            # A share of the target reached, not a figure about the respondents: shown from the first.
            rows.append([name, target, n, safe_share(n, target, 1) if target else None])
    return Chart(
        "progress",
        _("Sample progress"),
        [
            Column(_("Unit")),
            Column(_("Target"), "int"),
            Column(_("Collected"), "int"),
            Column(_("Reached"), "pct"),
        ],
        rows,
        charts.grouped_bars(
            [r[0] for r in rows],
            [(_("Target"), [r[1] for r in rows]), (_("Collected"), [r[2] for r in rows])],
            _("Responses"),
        )
        if rows
        else None,
    )
