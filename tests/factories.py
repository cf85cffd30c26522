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

# The section's own imports, here so that the sections of the four features merge without conflict.
import uuid  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from survey_app.kiosk.devices import register_device_with_token  # noqa: E402
from survey_app.kiosk.ingest import ingest  # noqa: E402
from survey_app.kiosk.items import ItemResult  # noqa: E402
from survey_app.models import Counter  # noqa: E402
from survey_app.models.kiosk import KioskDevice  # noqa: E402


def make_kiosk_device(
    unit: Unit, *, counter: Counter | None = None, name: str = "Kiosk"
) -> tuple[KioskDevice, str]:
    """A paired kiosk at a unit (bound to a counter when given) and its device token."""
    device, token = register_device_with_token(unit, counter=counter, name=name)
    db.session.flush()
    return device, token


def kiosk_rating(level: str = "very_satisfied", *, at: datetime | None = None, **extra) -> dict:
    """One rating item as a kiosk sends it, pressed a minute ago unless `at` is given.

    A dissatisfied rating gets the reason "long_wait" unless `reasons` is given.
    """
    item = {
        "id": str(uuid.uuid4()),
        "level": level,
        "rated_at": (at or datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }
    if level == "dissatisfied" and "reasons" not in extra:
        extra["reasons"] = ["long_wait"]
    item.update(extra)
    return item


def kiosk_press_times(n: int, *, start: datetime | None = None, gap_seconds: int = 60) -> list[datetime]:
    """n press times `gap_seconds` apart, ending an hour ago (so never too close nor in the future)."""
    start = start or datetime.now(UTC) - timedelta(hours=1) - timedelta(seconds=gap_seconds * n)
    return [start + timedelta(seconds=gap_seconds * i) for i in range(n)]


def store_kiosk_ratings(device: KioskDevice, items: list[dict]) -> list[ItemResult]:
    """Ratings stored as the API stores them (ingest commits)."""
    return ingest(device, items)


# --- sipas ----------------------------------------------------------------------------------

# (sipas builders go here)


# --- dialogue -------------------------------------------------------------------------------

# (dialogue builders go here)


# --- dashboards -----------------------------------------------------------------------------

# (dashboard data sets go here)
