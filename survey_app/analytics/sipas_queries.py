"""Aggregating queries over the SIPAS count cube: pooled over unit subtrees, excluded responses left out.

Everything here reads `sipas_count` / `sipas_unit_n` (already aggregated), never individual responses;
the maths is `survey_app.analytics.sipas_index`. Each query takes the SQLAlchemy session first, and the
campaign's questionnaire from the caller (anything shaped like `sipas_index.ReportedQuestionnaire`), so
this module needs neither Flask nor the SIPAS feature package.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.analytics.sipas_index import (
    IndexReport,
    ReportedQuestionnaire,
    compute_report,
    criterion_codes,
    expectation_share,
    option_shares,
)
from survey_app.models import Unit, UnitClosure
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
            }
            for criterion_code, figures in report.criteria.items()
        },
    }


def campaign_report(
    session: Session, campaign: SipasCampaign, unit: Unit, *, questionnaire: ReportedQuestionnaire
) -> dict:
    """Index figures of one unit's subtree, plus expectation and perception shares."""
    counts = pooled_counts(session, campaign, unit)
    channels = responses_by_channel(session, campaign, unit)
    result = report_dict(unit.code, sum(channels.values()), compute_report(questionnaire, counts))
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
    return result


def all_units_report(
    session: Session, campaign: SipasCampaign, *, questionnaire: ReportedQuestionnaire
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
        report = compute_report(questionnaire, pooled.get(unit_id, {}))
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
