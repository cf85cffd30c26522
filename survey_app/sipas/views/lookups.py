"""Look-ups shared by the SIPAS pages: objects within the current user's scope (else 404), unit choices."""

from __future__ import annotations

from flask import abort
from flask_babel import get_locale
from flask_login import current_user

from survey_app.auth.permissions import in_scope, scope_root
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import SipasBatch, SipasCampaign
from survey_app.org.services import get_unit_by_code, is_open_today, tree_rows
from survey_app.sipas.campaigns import campaign_visible, get_campaign, participates


def ui_language() -> str:
    """The UI language code ("vi" or "en"): questionnaires carry both wordings."""
    return str(get_locale() or "vi")


def campaign_or_404(code: str) -> SipasCampaign:
    """A campaign the current user's subtree runs or takes part in, else 404."""
    campaign = get_campaign(code)
    if campaign is None or not campaign_visible(campaign, scope_root(current_user)):
        abort(404)
    return campaign


def managed_campaign_or_404(code: str) -> SipasCampaign:
    """A campaign run within the current user's subtree (admins: any), else 404."""
    campaign = campaign_or_404(code)
    if scope_root(current_user) is not None and not manages(campaign):
        abort(404)
    return campaign


def manages(campaign: SipasCampaign) -> bool:
    """Whether the campaign is run within the current user's subtree (admins: every campaign)."""
    if scope_root(current_user) is None:
        return True
    return campaign.owner_unit_id is not None and in_scope(current_user, campaign.owner_unit_id)


def campaign_unit_or_404(code: str, unit_code: str) -> tuple[SipasCampaign, Unit]:
    """A visible campaign and one of its participating units in the user's scope."""
    campaign = campaign_or_404(code)
    unit = get_unit_by_code(unit_code)
    if unit is None or not participates(campaign, unit) or not in_scope(current_user, unit.id):
        abort(404)
    return campaign, unit


def batch_or_404(batch_id: int) -> SipasBatch:
    """A batch of a unit in the user's scope."""
    batch = db.session.get(SipasBatch, batch_id)
    if batch is None or not in_scope(current_user, batch.unit_id):
        abort(404)
    return batch


def unit_choices(*, with_closed: bool = False) -> list[tuple[int, str]]:
    """Units of the user's subtree open today as indented select choices (closed ones too when asked, so
    that the service, not the select, says why a closed unit is refused)."""
    return [
        (unit.id, "\u2003" * level + f"{unit.name} ({unit.code})")
        for unit, level in tree_rows(scope_root(current_user))
        if with_closed or is_open_today(unit)
    ]
