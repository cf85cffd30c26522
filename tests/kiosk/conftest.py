"""Fixtures of the kiosk tests: a one-stop shop with a counter, staff, fields and a paired device."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from survey_app.extensions import db
from survey_app.kiosk import services
from survey_app.models import Counter, ProcedureField, Staff
from survey_app.models.kiosk import KioskDevice


@dataclass
class Shop:
    """The test one-stop shop and its paired kiosk."""

    org: object
    counter: Counter
    counter2: Counter
    staff: Staff
    staff2: Staff
    other_staff: Staff  # works in the sibling district
    field: ProcedureField
    device: KioskDevice
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def shop(org) -> Shop:
    """A counter with two civil servants at the ward's one-stop centre, and a kiosk bound to it."""
    counter = Counter(unit=org.centre, code="Q1", name="Quầy 1 - Hộ tịch")
    counter2 = Counter(unit=org.centre, code="Q2", name="Quầy 2 - Đất đai")
    staff = Staff(unit=org.centre, counter=counter, full_name="Nguyễn Thị Lan", title="Công chức Tư pháp")
    staff2 = Staff(unit=org.centre, counter=counter2, full_name="Trần Văn Bình", title="Công chức Địa chính")
    other = Staff(unit=org.sibling_ward, full_name="Lê Văn Khác", title="")
    field = ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status", position=1)
    db.session.add_all([counter, counter2, staff, staff2, other, field])
    db.session.flush()
    device, token = services.register_device_with_token(org.centre, counter=None, name="Kiosk sảnh")
    db.session.commit()
    return Shop(org, counter, counter2, staff, staff2, other, field, device, token)


def rating(level: str = "very_satisfied", *, at: datetime | None = None, **extra) -> dict:
    """One API rating item, rated a minute ago unless `at` is given."""
    item = {
        "id": str(uuid.uuid4()),
        "level": level,
        "rated_at": (at or datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }
    if level == "dissatisfied" and "reasons" not in extra:
        extra["reasons"] = ["long_wait"]
    item.update(extra)
    return item


def spaced(n: int, *, start: datetime | None = None, gap_seconds: int = 60) -> list[datetime]:
    """n rating times `gap_seconds` apart, ending an hour ago (so never too close nor future)."""
    start = start or datetime.now(UTC) - timedelta(hours=1) - timedelta(seconds=gap_seconds * n)
    return [start + timedelta(seconds=gap_seconds * i) for i in range(n)]
