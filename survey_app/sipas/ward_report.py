"""The ward SIPAS report of one unit and campaign: the figures a province publishes for a round.

Sample (planned and achieved, by channel and by each respondent question the questionnaire has),
the indices by aspect, element and criterion, the perception and expectation shares, and the comparison
with the unit's previous round. One structure feeds the page, the PDF and the DOCX (`ward_report_docx`).

Rules it follows:
- indices: `analytics.sipas_index.compute_report` and its one small-sample rule; perception and
  expectation shares are withheld by the same minimum of valid answers; the sample's make-up (counts of
  respondents) describes the sample, not the population, and is shown however small;
- the previous round is the latest earlier campaign with responses in the unit's subtree, which for a
  unit opened by a reorganisation includes its predecessors (pooled through the closure, each response
  once); it is compared only when both rounds use the same measurement method, else the report says the
  rounds are not comparable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from survey_app.analytics import sipas_queries
from survey_app.analytics.rates import difference, is_suppressed
from survey_app.analytics.sipas_index import BLANK, DONT_KNOW, OVERALL, IndexReport, compute_report
from survey_app.dashboards import history
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import Channel, SipasCampaign
from survey_app.sipas.campaigns import QuestionnaireUnavailable, questionnaire_of
from survey_app.sipas.questionnaire import Question, Questionnaire


@dataclass
class OptionRow:
    """One answer option of a question: how many chose it and its share of the valid answers."""

    label: str
    count: int
    share: float | None  # None: withheld (too few valid answers) or no valid answer


@dataclass
class QuestionRows:
    """A question's answers, option by option, with its valid, blank and "don't know" answers."""

    code: str
    text: str
    stem: str
    valid: int
    options: list[OptionRow]
    blank: int = 0
    dont_know: int = 0


@dataclass
class ExpectationRow:
    """An expectation item: the share wanting it (top levels) among its valid answers."""

    code: str
    text: str
    valid: int
    share: float | None


@dataclass
class ComparedRow:
    """One index of both rounds and the change in points (None where either is withheld)."""

    level: str  # "overall", "aspect", "element" or "criterion"
    label: str
    previous: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        """Current minus previous, in index points."""
        return difference(self.current, self.previous)


@dataclass
class Comparison:
    """The previous round of the unit, compared when the method is the same."""

    campaign: SipasCampaign
    n: int
    comparable: bool
    method: str  # the previous round's method label
    predecessors_note: str = ""  # set when the previous round holds a reorganised unit's predecessors
    rows: list[ComparedRow] = field(default_factory=list)


@dataclass
class WardReport:
    """Everything the ward report shows."""

    campaign: SipasCampaign
    unit: Unit
    questionnaire: Questionnaire
    lang: str
    min_n: int
    planned: int
    achieved: int
    channels: dict[str, int]
    index: IndexReport
    sample: list[QuestionRows]
    perceptions: list[QuestionRows]
    expectations: list[ExpectationRow]
    comparison: Comparison | None

    @property
    def channel_rows(self) -> list[tuple[str, int]]:
        """(channel name, responses) of each channel that collected any, in the channels' order."""
        return [(str(c.label), self.channels[c.value]) for c in Channel if self.channels.get(c.value)]

    @property
    def reached(self) -> float | None:
        """The achieved sample as a share of the planned one (a count against a target: never withheld)."""
        return 100 * self.achieved / self.planned if self.planned else None

    def index_rows(self) -> list[tuple[str, str, str, float | None, int | None]]:
        """(level, code, label, index, valid answers) from the overall index down to each criterion."""
        report, lang = self.index, self.lang
        rows: list[tuple[str, str, str, float | None, int | None]] = [
            ("overall", OVERALL, _("SIPAS index"), report.overall, None)
        ]
        several = len(self.questionnaire.aspects) > 1
        for aspect in self.questionnaire.aspects:
            if several:
                rows.append(("aspect", aspect.code, aspect.name(lang), report.aspects.get(aspect.code), None))
            for element in aspect.elements:
                rows.append(
                    ("element", element.code, element.name(lang), report.elements.get(element.code), None)
                )
                for criterion in element.criteria:
                    figures = report.criteria[criterion.code]
                    rows.append(("criterion", criterion.code, criterion.text(lang), figures.index, figures.n))
        return rows

    def is_withheld(self, code: str) -> bool:
        """Whether an index (a code, or OVERALL) is withheld by the small-sample rule."""
        return code in self.index.withheld

    def left_out_notes(self) -> list[str]:
        """A note per element computed without its criteria that have no valid answer."""
        return [
            _(
                "%(element)s is computed without %(codes)s: no valid answer.",
                element=element.name(self.lang),
                codes=", ".join(self.index.left_out[element.code]),
            )
            for element in self.questionnaire.elements
            if element.code in self.index.left_out
        ]


def _question_rows(question: Question, counts: dict[int, int], lang: str, min_n: int | None) -> QuestionRows:
    """A question's counts and shares; `min_n` None: shares shown however few (the sample's make-up)."""
    valid = sum(counts.get(option.value, 0) for option in question.options)
    withheld = valid == 0 or (min_n is not None and is_suppressed(valid, min_n))
    return QuestionRows(
        code=question.code,
        text=question.text(lang),
        stem=question.stem(lang),
        valid=valid,
        options=[
            OptionRow(
                option.label(lang),
                counts.get(option.value, 0),
                None if withheld else 100 * counts.get(option.value, 0) / valid,
            )
            for option in question.options
        ],
        blank=counts.get(BLANK, 0),
        dont_know=counts.get(DONT_KNOW, 0),
    )


def _expectation(question: Question, counts: dict[int, int], lang: str, min_n: int) -> ExpectationRow:
    """The share wanting an area improved, withheld below the minimum of valid answers."""
    valid = sum(n for value, n in counts.items() if value not in (BLANK, DONT_KNOW))
    wanted = sum(counts.get(value, 0) for value in question.top)
    share = None if is_suppressed(valid, min_n) else 100 * wanted / valid
    return ExpectationRow(question.code, question.text(lang), valid, share)


def previous_round(campaign: SipasCampaign, unit: Unit) -> tuple[SipasCampaign, int] | None:
    """The latest campaign before this one with responses in the unit's subtree, and their number."""
    for campaign_id, *_rest in sipas_queries.sipas_campaigns_for(db.session, unit.id):
        earlier = db.session.get(SipasCampaign, campaign_id)
        if earlier is None or earlier.id == campaign.id or earlier.start_on >= campaign.start_on:
            continue
        n = sum(sipas_queries.responses_by_channel(db.session, earlier, unit).values())
        if n:
            return earlier, n
    return None


def _compared_rows(
    questionnaire: Questionnaire, current: IndexReport, older: Questionnaire, previous: IndexReport, lang: str
) -> list[ComparedRow]:
    """The indices both rounds share, in the current order.

    Both rounds use one method, whose aspects and elements keep their codes; a criterion is compared only
    where the earlier questionnaire has the same code with the same wording (versions reuse codes for
    other criteria).
    """
    rows = [ComparedRow("overall", _("SIPAS index"), previous.overall, current.overall)]
    old_aspects = {a.code for a in older.aspects}
    old_elements = {e.code for e in older.elements}
    old_wording = {c.code: c.vi for c in older.criteria}
    several = len(questionnaire.aspects) > 1 and len(older.aspects) > 1
    for aspect in questionnaire.aspects:
        if several and aspect.code in old_aspects:
            rows.append(
                ComparedRow(
                    "aspect",
                    aspect.name(lang),
                    previous.aspects.get(aspect.code),
                    current.aspects[aspect.code],
                )
            )
        for element in aspect.elements:
            if element.code in old_elements:
                rows.append(
                    ComparedRow(
                        "element",
                        element.name(lang),
                        previous.elements.get(element.code),
                        current.elements[element.code],
                    )
                )
            for criterion in element.criteria:
                if old_wording.get(criterion.code) == criterion.vi:
                    rows.append(
                        ComparedRow(
                            "criterion",
                            criterion.text(lang),
                            previous.criteria[criterion.code].index,
                            current.criteria[criterion.code].index,
                        )
                    )
    return rows


def _comparison(
    campaign: SipasCampaign,
    unit: Unit,
    questionnaire: Questionnaire,
    current: IndexReport,
    min_n: int,
    lang: str,
) -> Comparison | None:
    """The previous round, compared index by index when its method is this round's."""
    found = previous_round(campaign, unit)
    if found is None:
        return None
    earlier, n = found
    try:
        older = questionnaire_of(earlier)
    except QuestionnaireUnavailable:
        return Comparison(earlier, n, comparable=False, method=_("Method not stated"))
    comparison = Comparison(
        earlier, n, comparable=questionnaire.comparable_with(older), method=older.method_label
    )
    reform = history.reform_history(unit)
    if reform is not None and reform.is_before(earlier.start_on):
        comparison.predecessors_note = reform.note()
    if comparison.comparable:
        counts = sipas_queries.pooled_counts(db.session, earlier, unit)
        previous = compute_report(older, counts, min_n)
        comparison.rows = _compared_rows(questionnaire, current, older, previous, lang)
    return comparison


def build_ward_report(campaign: SipasCampaign, unit: Unit, *, min_n: int, lang: str) -> WardReport:
    """The ward report of a unit's subtree in a campaign (QuestionnaireUnavailable when it has none)."""
    questionnaire = questionnaire_of(campaign)
    counts = sipas_queries.pooled_counts(db.session, campaign, unit)
    channels = sipas_queries.responses_by_channel(db.session, campaign, unit)
    targets = sipas_queries.sipas_targets_by_ancestor(db.session, campaign.id, [unit.id])
    index = compute_report(questionnaire, counts, min_n)
    questions = questionnaire.questions
    return WardReport(
        campaign=campaign,
        unit=unit,
        questionnaire=questionnaire,
        lang=lang,
        min_n=min_n,
        planned=targets.get(unit.id, 0),
        achieved=sum(channels.values()),
        channels=channels,
        index=index,
        sample=[
            _question_rows(q, counts.get(q.code, {}), lang, None)
            for q in questions
            if q.kind == "demographic"
        ],
        perceptions=[
            _question_rows(q, counts.get(q.code, {}), lang, min_n)
            for q in questions
            if q.kind == "perception"
        ],
        expectations=[
            _expectation(q, counts.get(q.code, {}), lang, min_n) for q in questions if q.kind == "expectation"
        ],
        comparison=_comparison(campaign, unit, questionnaire, index, min_n, lang),
    )
