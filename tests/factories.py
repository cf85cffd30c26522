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

# (sipas builders go here)


# --- dialogue -------------------------------------------------------------------------------

# (dialogue builders go here)


# --- dashboards -----------------------------------------------------------------------------

# (dashboard data sets go here)
