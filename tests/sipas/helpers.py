"""Shared data of the SIPAS tests: four hand-worked forms of the ward-short questionnaire, cube readers."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.analytics.sipas_queries import campaign_report
from survey_app.extensions import db
from survey_app.models.sipas import SipasCampaign, SipasCount, SipasUnitN
from survey_app.sipas.campaigns import questionnaire_of

# The ward-short criteria in form order; item 4 is S04v2 ("đúng quy định", issue 19), not the former S04.
CRITERIA = ("S01", "S02", "S03", "S04v2", "S05", "S06", "S07", "S08", "S09")
HEADER = "response_id,unit_code,channel,submitted_at," + ",".join(CRITERIA) + ",D1"

# Four forms of the ward-short questionnaire (empty = no answer), worked by hand in the tests.
FORMS = [
    "r1,00109,online,2026-03-05T09:30:00+07:00,5,4,3,4,,2,5,4,1,1",
    "r2,00109,paper,2026-03-06T10:00:00+07:00,4,2,4,5,3,4,4,,5,2",
    "r3,00112,phone,2026-03-07,1,4,4,4,4,4,4,4,4,",
    "r4,00112,paper,2026-04-30T23:00:00+07:00,2,5,5,1,5,5,3,2,4,0",
]
CSV_TEXT = HEADER + "\n" + "\n".join(FORMS) + "\n"


def report_of(campaign: SipasCampaign, unit) -> dict:
    """The campaign report of a unit's subtree, as the results page computes it."""
    return campaign_report(db.session, campaign, unit, questionnaire=questionnaire_of(campaign))


def cube(campaign, channel: str | None = None) -> dict[tuple[int, str, int], int]:
    """The count cube of a campaign (all channels added up, or one), zeros left out."""
    query = select(SipasCount.unit_id, SipasCount.question_code, SipasCount.value, SipasCount.n).where(
        SipasCount.campaign_id == campaign.id
    )
    if channel:
        query = query.where(SipasCount.channel == channel)
    totals: dict[tuple[int, str, int], int] = {}
    for u, q, v, n in db.session.execute(query):
        if n:
            totals[(u, q, v)] = totals.get((u, q, v), 0) + n
    return totals


def unit_n(campaign) -> dict[tuple[int, str], int]:
    """Counted responses per (unit, channel), zeros left out."""
    rows = db.session.execute(
        select(SipasUnitN.unit_id, SipasUnitN.channel, SipasUnitN.n).where(
            SipasUnitN.campaign_id == campaign.id
        )
    )
    return {(u, c): n for u, c, n in rows if n}
