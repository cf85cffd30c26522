"""Counters of a one-stop shop and the civil servants who serve at them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.audit.service import record, snapshot
from survey_app.extensions import db
from survey_app.models import Counter, Staff, Unit
from survey_app.org.services import OrgError


def save_counter(counter: Counter | None, *, unit: Unit, code: str, name: str, active: bool) -> Counter:
    """Create or update a counter of a one-stop shop."""
    code = code.strip()
    clash = db.session.scalar(select(Counter).where(Counter.unit_id == unit.id, Counter.code == code))
    if clash is not None and clash is not counter:
        raise OrgError(_("This unit already has a counter with code %(code)s.", code=code))
    before = snapshot(counter) if counter else None
    if counter is None:
        counter = Counter(unit=unit)
        db.session.add(counter)
    counter.code, counter.name, counter.active = code, name.strip(), active
    record("counter.update" if before else "counter.create", counter, before=before, summary=name)
    return counter


def save_staff(
    staff: Staff | None,
    *,
    unit: Unit,
    full_name: str,
    title: str,
    counter: Counter | None,
    active: bool,
    photo: tuple[bytes, str] | None = None,
) -> Staff:
    """Create or update a civil servant; a photo is (bytes, mime type)."""
    if counter is not None and counter.unit_id != unit.id:
        raise OrgError(_("The counter belongs to another unit."))
    before = snapshot(staff) if staff else None
    if staff is None:
        staff = Staff(unit=unit)
        db.session.add(staff)
    staff.full_name, staff.title, staff.counter, staff.active = (
        full_name.strip(),
        title.strip(),
        counter,
        active,
    )
    if photo is not None:
        staff.photo, staff.photo_mime = photo
        staff.photo_version = (staff.photo_version or 0) + 1
    record("staff.update" if before else "staff.create", staff, before=before, summary=full_name)
    return staff
