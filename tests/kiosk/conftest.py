"""Fixtures of the kiosk tests: a one-stop shop with counters, staff, a field and a paired device."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from survey_app.extensions import db
from survey_app.models import Counter, ProcedureField, Staff
from survey_app.models.kiosk import KioskDevice
from tests.factories import make_kiosk_device

RATINGS = "/api/v1/kiosk/ratings"


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
    device, token = make_kiosk_device(org.centre, name="Kiosk sảnh")
    db.session.commit()
    return Shop(org, counter, counter2, staff, staff2, other, field, device, token)


def post_ratings(client, shop: Shop, items: list, headers: dict | None = None):
    """POST a batch of rating items with the shop's device token (or other headers)."""
    return client.post(RATINGS, json={"ratings": items}, headers=headers or shop.headers)
