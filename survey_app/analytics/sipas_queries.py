"""Aggregating queries over the SIPAS count cube: pooled over unit subtrees, excluded responses left out.

Everything here reads `sipas_count` / `sipas_unit_n` (already aggregated), never individual responses
(the dashboards' reads by ancestor, asked to, read large subtrees from `analytics.sipas_pooled`'s sums);
the maths is `survey_app.analytics.sipas_index`. Each query takes the SQLAlchemy session first, and the
campaign's questionnaire from the caller (anything shaped like `sipas_index.ReportedQuestionnaire`), so
this module needs neither Flask nor the SIPAS feature package. Callers pass the small-sample minimum
(`min_n`); the one rule it applies at every level is `sipas_index`'s (see its docstring).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.analytics import pooling, sipas_pooled
from survey_app.analytics.sipas_index import (
    BLANK,
    DONT_KNOW,
    IndexReport,
    ReportedQuestionnaire,
    compute_report,
    criterion_codes,
    expectation_share,
    option_shares,
)
from survey_app.models import Unit, UnitClosure
from survey_app.models import sipas as sipas_model
from survey_app.models.sipas import SipasCampaign, SipasCampaignUnit, SipasCount, SipasUnitN


def pooled_counts(session: Session, campaign: SipasCampaign, unit: Unit) -> dict[str, dict[int, int]]:
    """{question_code: {value: n}} pooled over the unit's subtree."""
    rows = session.execute(
        select(SipasCount.question_code, SipasCount.value, func.sum(SipasCount.n))
        .join(UnitClosure, UnitClosure.descendant_id == SipasCount.unit_id)
        .where(SipasCount.campaign_id == campaign.id, UnitClosure.ancestor_id == unit.id)
        .group_by(SipasCount.question_code, SipasCount.value)
    ).all()
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for code, value, n in rows:
        if n:
            counts[code][int(value)] = int(n)
    return dict(counts)


def responses_by_channel(session: Session, campaign: SipasCampaign, unit: Unit) -> dict[str, int]:
    """Counted responses of the unit's subtree per channel."""
    rows = session.execute(
        select(SipasUnitN.channel, func.sum(SipasUnitN.n))
        .join(UnitClosure, UnitClosure.descendant_id == SipasUnitN.unit_id)
        .where(SipasUnitN.campaign_id == campaign.id, UnitClosure.ancestor_id == unit.id)
        .group_by(SipasUnitN.channel)
    ).all()
    return {channel: int(n) for channel, n in rows if n}


def report_dict(code: str, n: int, report: IndexReport) -> dict:
    """One unit's figures in the shape of `sipas report --format json` (values unrounded)."""
    return {
        "unit": code,
        "n": n,
        "overall": report.overall,
        "aspects": dict(report.aspects),
        "elements": dict(report.elements),
        "criteria": {
            criterion_code: {
                "index": figures.index,
                "n": figures.n,
                "mean": figures.mean,
                "ci_low": figures.ci_low,
                "ci_high": figures.ci_high,
                "counts": {str(level): figures.counts[level] for level in (1, 2, 3, 4, 5)},
                "blank": figures.blank,
                "dont_know": figures.dont_know,
                "withheld": criterion_code in report.withheld,
            }
            for criterion_code, figures in report.criteria.items()
        },
        "min_n": report.min_n,
        "withheld": sorted(report.withheld),
        "left_out": {code: list(empty) for code, empty in report.left_out.items()},
    }


def campaign_report(
    session: Session,
    campaign: SipasCampaign,
    unit: Unit,
    *,
    questionnaire: ReportedQuestionnaire,
    min_n: int = 0,
) -> dict:
    """Index figures of one unit's subtree (withheld by the small-sample rule with `min_n`), plus
    expectation and perception shares and, per other question, its blank and "don't know" answers."""
    counts = pooled_counts(session, campaign, unit)
    channels = responses_by_channel(session, campaign, unit)
    report = compute_report(questionnaire, counts, min_n)
    result = report_dict(unit.code, sum(channels.values()), report)
    result["channels"] = channels
    result["expectations"] = {
        q.code: expectation_share(counts.get(q.code, {}), q.top)
        for q in questionnaire.questions
        if q.kind == "expectation"
    }
    result["perceptions"] = {
        q.code: option_shares(counts.get(q.code, {}), q.values)
        for q in questionnaire.questions
        if q.kind != "expectation"
    }
    result["unanswered"] = {
        q.code: {
            "blank": counts.get(q.code, {}).get(BLANK, 0),
            "dont_know": counts.get(q.code, {}).get(DONT_KNOW, 0),
        }
        for q in questionnaire.questions
    }
    return result


def all_units_report(
    session: Session, campaign: SipasCampaign, *, questionnaire: ReportedQuestionnaire, min_n: int = 0
) -> list[dict]:
    """The figures of every unit with responses in its subtree.

    Reads the campaign's cube once (one row per unit, question and value) and the closure of the units
    that have counts, then adds each unit's counts into every ancestor: a single pass over aggregated
    counts, cheaper than a GROUP BY over the cube joined to the closure for hundreds of units at once.
    """
    criteria = criterion_codes(questionnaire)
    unit_totals: dict[int, int] = defaultdict(int)
    for unit_id, n in session.execute(
        select(SipasUnitN.unit_id, SipasUnitN.n).where(SipasUnitN.campaign_id == campaign.id)
    ):
        unit_totals[unit_id] += int(n)
    ancestors: dict[int, list[int]] = defaultdict(list)
    for ancestor_id, descendant_id in session.execute(
        select(UnitClosure.ancestor_id, UnitClosure.descendant_id).where(
            UnitClosure.descendant_id.in_(
                select(SipasUnitN.unit_id).where(SipasUnitN.campaign_id == campaign.id).distinct()
            )
        )
    ):
        ancestors[descendant_id].append(ancestor_id)
    totals: dict[int, int] = defaultdict(int)
    for unit_id, n in unit_totals.items():
        for ancestor_id in ancestors[unit_id]:
            totals[ancestor_id] += n
    pooled: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    rows = session.execute(
        select(SipasCount.unit_id, SipasCount.question_code, SipasCount.value, SipasCount.n).where(
            SipasCount.campaign_id == campaign.id, SipasCount.question_code.in_(criteria)
        )
    )
    for unit_id, code, value, n in rows:
        if n:
            for ancestor_id in ancestors[unit_id]:
                pooled[ancestor_id][code][value] += n
    codes = dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(list(totals)))).all())
    result = []
    for unit_id in sorted(totals, key=lambda uid: codes.get(uid, "")):
        if totals[unit_id] <= 0:
            continue
        report = compute_report(questionnaire, pooled.get(unit_id, {}), min_n)
        result.append(report_dict(codes[unit_id], totals[unit_id], report))
    return result


def sample_progress(session: Session, campaign: SipasCampaign) -> list[dict]:
    """Per participating unit: target, collected responses (own subtree) and the share reached."""
    collected = dict(
        session.execute(
            select(UnitClosure.ancestor_id, func.sum(SipasUnitN.n))
            .join(UnitClosure, UnitClosure.descendant_id == SipasUnitN.unit_id)
            .where(SipasUnitN.campaign_id == campaign.id)
            .group_by(UnitClosure.ancestor_id)
        ).all()
    )
    links = session.scalars(
        select(SipasCampaignUnit).where(SipasCampaignUnit.campaign_id == campaign.id)
    ).all()
    rows = []
    for link in links:
        n = int(collected.get(link.unit_id) or 0)
        rows.append(
            {
                "link": link,
                "unit": link.unit,
                "target": link.target,
                "collected": n,
                "reached": 100 * n / link.target if link.target else None,
            }
        )
    rows.sort(key=lambda r: r["unit"].code)
    return rows


# --- dashboard cubes ----------------------------------------------------------------------------


_campaigns = sipas_model.SipasCampaign.__table__
_campaign_units = sipas_model.SipasCampaignUnit.__table__
_counts = sipas_model.SipasCount.__table__
_unit_ns = sipas_model.SipasUnitN.__table__
_closure = pooling.closure
_CAMPAIGN_IDS = sa.bindparam("campaign_ids", expanding=True, type_=sa.Integer)
_CODES = sa.bindparam("codes", expanding=True, type_=sa.String)
_CHANNEL = sa.bindparam("channel", type_=sa.String)

# Built once, with bind parameters (see analytics.pooling); one statement per combination of filters.
_CUBE_CAMPAIGNS = (
    sa.select(
        _campaigns.c.id,
        _campaigns.c.code,
        _campaigns.c.name,
        _campaigns.c.questionnaire,
        _campaigns.c.start_on,
        _campaigns.c.state,
    )
    .where(
        _campaigns.c.id.in_(
            sa.select(_campaign_units.c.campaign_id)
            .select_from(_campaign_units.join(_closure, pooling.under(_campaign_units.c.unit_id)))
            .union(
                sa.select(_unit_ns.c.campaign_id).select_from(
                    _unit_ns.join(_closure, pooling.under(_unit_ns.c.unit_id))
                )
            )
        )
    )
    .order_by(_campaigns.c.start_on.desc(), _campaigns.c.id.desc())
)


def _cube_counts(by_codes: bool, by_channel: bool):
    """(campaign, ancestor, question, value, n) of the count cube pooled over each of ANCESTORS' subtrees."""
    statement = (
        sa.select(
            _counts.c.campaign_id,
            _closure.c.ancestor_id,
            _counts.c.question_code,
            _counts.c.value,
            sa.func.sum(_counts.c.n),
        )
        .select_from(_counts.join(_closure, _closure.c.descendant_id == _counts.c.unit_id))
        .where(_counts.c.campaign_id.in_(_CAMPAIGN_IDS), _closure.c.ancestor_id.in_(pooling.ANCESTORS))
        .group_by(_counts.c.campaign_id, _closure.c.ancestor_id, _counts.c.question_code, _counts.c.value)
    )
    if by_codes:
        statement = statement.where(_counts.c.question_code.in_(_CODES))
    if by_channel:
        statement = statement.where(_counts.c.channel == _CHANNEL)
    return statement


def _cube_responses(by_channel: bool):
    """(campaign, ancestor, channel, responses) pooled over each of ANCESTORS' subtrees."""
    statement = (
        sa.select(
            _unit_ns.c.campaign_id, _closure.c.ancestor_id, _unit_ns.c.channel, sa.func.sum(_unit_ns.c.n)
        )
        .select_from(_unit_ns.join(_closure, _closure.c.descendant_id == _unit_ns.c.unit_id))
        .where(_unit_ns.c.campaign_id.in_(_CAMPAIGN_IDS), _closure.c.ancestor_id.in_(pooling.ANCESTORS))
        .group_by(_unit_ns.c.campaign_id, _closure.c.ancestor_id, _unit_ns.c.channel)
    )
    return statement.where(_unit_ns.c.channel == _CHANNEL) if by_channel else statement


_CUBE_COUNTS = {
    (codes, channel): _cube_counts(codes, channel) for codes in (False, True) for channel in (False, True)
}
_CUBE_RESPONSES = {channel: _cube_responses(channel) for channel in (False, True)}
_CUBE_TARGETS = (
    sa.select(_closure.c.ancestor_id, sa.func.sum(_campaign_units.c.target))
    .select_from(_campaign_units.join(_closure, _closure.c.descendant_id == _campaign_units.c.unit_id))
    .where(
        _campaign_units.c.campaign_id == sa.bindparam("campaign_id", type_=sa.Integer),
        _closure.c.ancestor_id.in_(pooling.ANCESTORS),
    )
    .group_by(_closure.c.ancestor_id)
)


def sipas_campaigns_for(session: Session, root_id: int) -> list[tuple[int, str, str, str, date, str]]:
    """(id, code, name, version, start_on, state) of the campaigns of units in the subtree, newest first."""
    rows = session.execute(_CUBE_CAMPAIGNS, {"root_id": root_id})
    return [(int(i), str(c), str(n), str(v), pooling.as_date(s), str(st)) for i, c, n, v, s, st in rows]


def sipas_counts_by_ancestor(
    session: Session,
    campaign_ids: list[int],
    ancestor_ids: list[int],
    codes: list[str] | None = None,
    channel: str = "",
    *,
    summaries: bool = False,
) -> dict[tuple[int, int], dict[str, dict[int, int]]]:
    """{(campaign id, ancestor id): {question: {value: n}}}: answer counts pooled over each subtree.

    With `summaries`, large subtrees are read from the summaries per ancestor (analytics.sipas_pooled).
    """
    if not campaign_ids or not ancestor_ids:
        return {}
    params = {"campaign_ids": list(campaign_ids), "ancestor_ids": list(ancestor_ids)}
    if codes is not None:
        params["codes"] = list(codes)
    if channel:
        params["channel"] = channel
    statement = _CUBE_COUNTS[codes is not None, bool(channel)]
    out: dict[tuple[int, int], dict[str, dict[int, int]]] = {}
    for campaign_id, unit_id, code, value, n in _rows(session, "counts", statement, params, summaries):
        if n:
            out.setdefault((int(campaign_id), int(unit_id)), {}).setdefault(str(code), {})[int(value)] = int(
                n
            )
    return out


def sipas_responses_by_ancestor(
    session: Session,
    campaign_ids: list[int],
    ancestor_ids: list[int],
    channel: str = "",
    *,
    summaries: bool = False,
) -> dict[tuple[int, int], dict[str, int]]:
    """{(campaign id, ancestor id): {channel: responses}} pooled over each subtree."""
    if not campaign_ids or not ancestor_ids:
        return {}
    params = {"campaign_ids": list(campaign_ids), "ancestor_ids": list(ancestor_ids)}
    if channel:
        params["channel"] = channel
    out: dict[tuple[int, int], dict[str, int]] = {}
    rows = _rows(session, "responses", _CUBE_RESPONSES[bool(channel)], params, summaries)
    for campaign_id, unit_id, each, n in rows:
        out.setdefault((int(campaign_id), int(unit_id)), {})[str(each)] = int(n or 0)
    return out


def _rows(session: Session, kind: str, statement, params: dict, summaries: bool):
    """The rows of a cube read by ancestor: live, or through the summaries of large subtrees."""
    if not summaries:
        return session.execute(statement, params)
    return sipas_pooled.read(session, kind, params["campaign_ids"], params["ancestor_ids"], statement, params)


def sipas_targets_by_ancestor(session: Session, campaign_id: int, ancestor_ids: list[int]) -> dict[int, int]:
    """{ancestor id: summed sample target of the campaign's participating units in its subtree}."""
    if not ancestor_ids:
        return {}
    params = {"campaign_id": campaign_id, "ancestor_ids": list(ancestor_ids)}
    return {int(u): int(t or 0) for u, t in session.execute(_CUBE_TARGETS, params)}
