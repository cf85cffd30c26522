"""Life of a SIPAS campaign: creation, participating units and targets, states, periods, who sees it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from survey_app.analytics.sipas_index import sample_size
from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import CampaignState, Channel, SipasCampaign, SipasCampaignUnit, SipasResponse
from survey_app.org.closing import closed_refusal
from survey_app.org.services import is_open_on, subtree_ids_query
from survey_app.sipas.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    checksum,
    from_snapshot,
    get_questionnaire,
)

logger = logging.getLogger(__name__)

CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")

# action → (states it may start from, state it leads to); a closed campaign may reopen
TRANSITIONS = {
    "open": ({CampaignState.draft, CampaignState.closed}, CampaignState.open),
    "close": ({CampaignState.open}, CampaignState.closed),
    "publish": ({CampaignState.closed}, CampaignState.published),
}


class SipasError(ValueError):
    """A SIPAS action the rules do not allow; the message is user-facing."""


class QuestionnaireUnavailable(SipasError):
    """A campaign without a usable copy of its questionnaire (taken before copies were kept, file gone)."""


def get_campaign(code: str) -> SipasCampaign | None:
    """The campaign with a code, if any."""
    return db.session.scalar(select(SipasCampaign).where(SipasCampaign.code == code))


def questionnaire_of(campaign: SipasCampaign) -> Questionnaire:
    """The questionnaire a campaign uses: its stored copy, whatever the file says now.

    Every page, report, export, import, paper entry, public form and API answer of a campaign reads
    this, so editing or deleting the YAML file never changes or breaks collected data. Only a campaign
    without a copy (its file was unreadable when copies were first taken) reads the file, and is refused
    with QuestionnaireUnavailable when that fails.
    """
    try:
        if campaign.questionnaire_text is not None and campaign.questionnaire_sha256:
            return from_snapshot(
                campaign.questionnaire, campaign.questionnaire_text, campaign.questionnaire_sha256
            )
        return get_questionnaire(campaign.questionnaire)
    except QuestionnaireError as exc:
        logger.warning("campaign %s: questionnaire unusable: %s", campaign.code, exc)
        raise QuestionnaireUnavailable(
            _(
                "The questionnaire of campaign %(code)s cannot be read: %(problem)s",
                code=campaign.code,
                problem=str(exc),
            )
        ) from exc


def keeps_copy_refreshed(campaign: SipasCampaign) -> bool:
    """Whether the campaign's questionnaire copy still follows the file, by state.

    - draft, nothing collected yet: yes — the copy is taken again from the file when the campaign is
      opened, so a reform office may still correct its wording before collection starts;
    - draft with paper forms already typed in (entry is allowed before opening): no — those answers
      were given to the copied wording;
    - open, closed, published: no — the campaign keeps the questionnaire it was opened with for good;
      reopening a closed campaign does not take a new copy.
    """
    if campaign.state != CampaignState.draft:
        return False
    if campaign.id is None:
        return True
    collected = db.session.scalar(
        select(SipasResponse.id).where(SipasResponse.campaign_id == campaign.id).limit(1)
    )
    return collected is None


def take_questionnaire_copy(campaign: SipasCampaign) -> Questionnaire:
    """Copy the version's current file onto the campaign; SipasError naming the problem if unreadable."""
    try:
        questionnaire = get_questionnaire(campaign.questionnaire)
    except QuestionnaireError as exc:
        raise SipasError(str(exc)) from exc
    campaign.questionnaire_text = questionnaire.text
    campaign.questionnaire_sha256 = checksum(questionnaire.text)
    return questionnaire


def file_changed_since_copy(campaign: SipasCampaign) -> bool:
    """Whether the version's file now differs from (or lacks) the campaign's copy (shown on its page)."""
    try:
        current = get_questionnaire(campaign.questionnaire)
    except QuestionnaireError:
        return True
    return checksum(current.text) != campaign.questionnaire_sha256


def create_campaign(
    *,
    code: str,
    name: str,
    questionnaire: str,
    start_on: date,
    end_on: date,
    channels: Iterable[str] = tuple(Channel),
    owner_unit: Unit | None = None,
) -> SipasCampaign:
    """A new campaign, in draft."""
    code = code.strip()
    if not code or len(code) > 40 or not set(code) <= CODE_CHARS:
        raise SipasError(_("The code must have 1 to 40 letters, digits, dots, dashes or underscores."))
    if get_campaign(code):
        raise SipasError(_("A campaign with code %(code)s already exists.", code=code))
    if not name.strip():
        raise SipasError(_("The name is required."))
    if end_on < start_on:
        raise SipasError(_("The period must end on or after its start."))
    chosen = [c for c in Channel if c.value in set(channels)]
    if not chosen:
        raise SipasError(_("Choose at least one channel."))
    campaign = SipasCampaign(
        code=code,
        name=name.strip(),
        questionnaire=questionnaire,
        start_on=start_on,
        end_on=end_on,
        channels=",".join(c.value for c in chosen),
        owner_unit=owner_unit,
        state=CampaignState.draft,
    )
    take_questionnaire_copy(campaign)
    db.session.add(campaign)
    db.session.flush()
    record("sipas.campaign.create", campaign, summary=f"{code} {name}")
    return campaign


def ensure_not_published(campaign: SipasCampaign) -> None:
    """A published campaign is frozen."""
    if campaign.state == CampaignState.published:
        raise SipasError(_("The campaign is published and can no longer change."))


def set_campaign_unit(
    campaign: SipasCampaign, unit: Unit, *, target: int | None, population: int | None = None
) -> SipasCampaignUnit:
    """Add a unit to a campaign or change its target; the target defaults to N/(1+N·e²)."""
    ensure_not_published(campaign)
    if (population is not None and population < 0) or (target is not None and target < 0):
        raise SipasError(_("Targets and dossier counts cannot be negative."))
    if target is None:
        if population is None:
            raise SipasError(_("Give a sample target or the number of dossiers to compute it from."))
        target = sample_size(population)
    link = db.session.scalar(
        select(SipasCampaignUnit).where(
            SipasCampaignUnit.campaign_id == campaign.id, SipasCampaignUnit.unit_id == unit.id
        )
    )
    before = snapshot(link) if link else None
    if link is None:
        ensure_open_during(unit, campaign)
        link = SipasCampaignUnit(campaign=campaign, unit=unit)
        db.session.add(link)
    link.target, link.population = target, population
    db.session.flush()
    record("sipas.campaign_unit.save", link, before=before, summary=f"{campaign.code} {unit.code} {target}")
    return link


def ensure_open_during(unit: Unit, campaign: SipasCampaign) -> None:
    """A unit joins a campaign only if it operates on some day of its period (a closed ward cannot join
    a 2026 campaign; a 2024 campaign may still take it in, to enter its backlog)."""
    first_day = max(campaign.start_on, unit.active_from or campaign.start_on)
    if first_day > campaign.end_on or not is_open_on(unit, first_day):
        refusal = closed_refusal(unit, first_day)
        raise SipasError(
            _("This unit cannot take part in the campaign: %(reason)s", reason=refusal)
            if refusal
            else _("This unit does not operate during the campaign period.")
        )


def ensure_unit_collects(unit: Unit, moment: datetime | date) -> None:
    """Paper, online and imported responses go only to a unit that operates on their (local) day."""
    refusal = closed_refusal(unit, moment)
    if refusal:
        raise SipasError(
            _("No response can be recorded for this unit on this date: %(reason)s", reason=refusal)
        )


def remove_campaign_unit(campaign: SipasCampaign, link: SipasCampaignUnit) -> None:
    """Take a unit out of a campaign (its responses, if any, stay)."""
    ensure_not_published(campaign)
    record("sipas.campaign_unit.remove", link, before=snapshot(link), after={}, summary=campaign.code)
    db.session.delete(link)


def change_state(campaign: SipasCampaign, action: str) -> SipasCampaign:
    """Move a campaign along draft → open → closed → published (closed may reopen)."""
    if action not in TRANSITIONS:
        raise SipasError(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if campaign.state not in sources:
        raise SipasError(_("A campaign in state %(state)s cannot do this.", state=campaign.state.label))
    if target == CampaignState.open and not campaign.units:
        raise SipasError(_("Add at least one participating unit before opening the campaign."))
    before = snapshot(campaign)
    if target == CampaignState.open and keeps_copy_refreshed(campaign):
        take_questionnaire_copy(campaign)  # a file that no longer reads refuses the opening, by name
    previous, campaign.state = campaign.state, target
    now = clock.now()
    if target == CampaignState.open:
        campaign.opened_at = now
    elif target == CampaignState.closed:
        campaign.closed_at = now
    else:
        campaign.published_at = now
    record(f"sipas.campaign.{action}", campaign, before=before, summary=campaign.code)
    logger.info("campaign %s: %s -> %s", campaign.code, previous.value, target.value)
    return campaign


def within_period(campaign: SipasCampaign, moment: datetime) -> bool:
    """Whether a moment falls in the campaign's period (local dates, both ends included)."""
    return campaign.start_on <= clock.local_date(moment) <= campaign.end_on


def period_refusal(campaign: SipasCampaign) -> SipasError:
    """The refusal of a date outside the campaign period, naming the period."""
    return SipasError(
        _(
            "The date must lie within the campaign period (%(start)s – %(end)s).",
            start=campaign.start_on.strftime("%d/%m/%Y"),
            end=campaign.end_on.strftime("%d/%m/%Y"),
        )
    )


def ensure_accepts_online(
    campaign: SipasCampaign, now: datetime | None = None, unit: Unit | None = None
) -> None:
    """The public form answers only while the campaign is open and in its period (and, given a unit,
    while that unit still operates: a closed ward's QR poster leads to a page saying who took over)."""
    now = now or clock.now()
    if campaign.state != CampaignState.open or not within_period(campaign, now):
        raise SipasError(_("This survey is not accepting answers now."))
    if Channel.online not in campaign.channel_list:
        raise SipasError(_("This survey is not collected online."))
    if unit is not None:
        ensure_unit_collects(unit, now)


def ensure_accepts_entry(campaign: SipasCampaign, submitted_at: datetime) -> None:
    """Paper forms and imports: any state but published, for moments within the period."""
    ensure_not_published(campaign)
    if not within_period(campaign, submitted_at):
        raise period_refusal(campaign)


def participates(campaign: SipasCampaign, unit: Unit) -> bool:
    """Whether a unit is one of the campaign's participating units."""
    return any(link.unit_id == unit.id for link in campaign.units)


# --- who sees which campaign -------------------------------------------------------------------


def visible_campaigns(root_id: int | None, *, with_units: bool = False) -> list[SipasCampaign]:
    """Campaigns run by, or with a participating unit in, a subtree (every campaign for None).

    with_units loads each campaign's owner and taking-part units in two more queries, not two a campaign.
    """
    query = select(SipasCampaign).order_by(SipasCampaign.start_on.desc(), SipasCampaign.code)
    if with_units:
        query = query.options(
            selectinload(SipasCampaign.owner_unit),
            selectinload(SipasCampaign.units).selectinload(SipasCampaignUnit.unit),
        )
    if root_id is not None:
        subtree = subtree_ids_query(root_id)
        taking_part = select(SipasCampaignUnit.campaign_id).where(SipasCampaignUnit.unit_id.in_(subtree))
        query = query.where(SipasCampaign.owner_unit_id.in_(subtree) | SipasCampaign.id.in_(taking_part))
    return list(db.session.scalars(query))


def campaign_visible(campaign: SipasCampaign, root_id: int | None) -> bool:
    """Whether a subtree runs or takes part in a campaign."""
    if root_id is None:
        return True
    ids = set(db.session.scalars(subtree_ids_query(root_id)))
    return campaign.owner_unit_id in ids or any(link.unit_id in ids for link in campaign.units)


def participating_units(campaign: SipasCampaign, root_id: int | None) -> list[Unit]:
    """The campaign's units within a subtree, by code."""
    ids = None if root_id is None else set(db.session.scalars(subtree_ids_query(root_id)))
    units = [link.unit for link in campaign.units if ids is None or link.unit_id in ids]
    return sorted(units, key=lambda u: u.code)
