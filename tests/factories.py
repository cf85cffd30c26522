"""Builders of the objects tests make again and again; each returns a flushed object.

One section per feature. A test that needs a campaign, a device, a conference or a dossier asks for it
here, so a change of what such an object needs is made in one place.
"""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import Role, Unit, User

PASSWORD = "correct-horse-42"


# --- people ---------------------------------------------------------------------------------


def make_user(username: str, role: Role, unit: Unit, password: str = PASSWORD) -> User:
    """A user with a known password."""
    user = User(username=username, full_name=username.title(), role=role, unit=unit)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# --- kiosk ----------------------------------------------------------------------------------

# (kiosk builders go here)


# --- sipas ----------------------------------------------------------------------------------

# Imported here rather than at the top so that each feature's section stays its own block.
from collections.abc import Mapping  # noqa: E402
from datetime import date  # noqa: E402

from survey_app.models.sipas import SipasCampaign  # noqa: E402
from survey_app.sipas.campaigns import change_state, create_campaign, set_campaign_unit  # noqa: E402

SIPAS_STATE_PATHS = {
    "draft": (),
    "open": ("open",),
    "closed": ("open", "close"),
    "published": ("open", "close", "publish"),
}


def make_sipas_campaign(
    owner: Unit | None,
    units: Mapping[Unit, int] | None = None,
    *,
    code: str = "TH-2026",
    name: str = "Khảo sát SIPAS Tây Hồ 2026",
    questionnaire: str = "ward-short",
    start_on: date = date(2026, 3, 1),
    end_on: date = date(2026, 4, 30),
    state: str = "draft",
) -> SipasCampaign:
    """A SIPAS campaign run by `owner` with its units ({unit: sample target}), moved on to `state`.

    Made through the SIPAS services, as the pages make one (audit entries included).
    """
    campaign = create_campaign(
        code=code, name=name, questionnaire=questionnaire, start_on=start_on, end_on=end_on, owner_unit=owner
    )
    for unit, target in (units or {}).items():
        set_campaign_unit(campaign, unit, target=target)
    for action in SIPAS_STATE_PATHS[state]:
        change_state(campaign, action)
    db.session.flush()
    return campaign


# --- dialogue -------------------------------------------------------------------------------

# (dialogue builders go here)


# --- dashboards -----------------------------------------------------------------------------

# (dashboard data sets go here)
