# ruff: noqa: E501  (CSV lines of the one-stop system are kept whole, as a file would hold them)
"""A hand-worked quarter: two wards of the test district, 2026Q3, today 05/10/2026.

Ward 00109 (Phường Bưởi) returns D1 (before), D2 (on the day), D3 (after), D7 (on the day, 23:30 local on
30/09 = 16:30 UTC); D4 and D5 are in progress (D4 overdue), D6 was returned in Q2. Ward 00112 returns D8
(before, every source score 2). The scores each dossier must get are worked out in test_quarter.py.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine

from survey_app.extensions import db
from survey_app.models import ProcedureField
from survey_app.models.kiosk import DeviceStatus, FlagState, KioskDevice, KioskRating

HEADER = (
    "dossier_code,unit_code,procedure_code,procedure_name,field_code,received_at,due_at,returned_at,"
    "channel,supplement_requests,agencies_contacted,complaint,i2,i5,i6,i8,i9"
)
ROWS = [
    "D1,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-01T08:00:00+07:00,2026-07-10,2026-07-08T15:00:00+07:00,in_person,0,0,none,,2,2,1,2",
    "D2,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-07-05,2026-07-15,2026-07-15T16:00:00+07:00,online,1,0,unfounded,1,,1,,2",
    "D3,00109,P-CT,Chứng thực bản sao,chung-thuc,2026-08-01,2026-08-05,2026-08-06T09:00:00+07:00,post,3,2,verified,,0,2,0,",
    "D4,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-09-20,2026-09-28,,in_person,0,0,none,,,,,",
    "D5,00109,P-CT,Chứng thực bản sao,chung-thuc,2026-09-29,2026-10-10,,online,0,0,none,,,,,",
    "D6,00109,P-KS,Đăng ký khai sinh,ho-tich,2026-06-01,2026-06-10,2026-06-30T10:00:00+07:00,in_person,0,0,none,,,,,",
    "D7,00109,P-CT,Chứng thực bản sao,chung-thuc,2026-09-25T09:00,2026-09-30,2026-09-30T23:30:00+07:00,in_person,0,1,none,,,,,",
    "D8,00112,P-KS,Đăng ký khai sinh,ho-tich,2026-07-10,2026-07-20,2026-07-18T10:00:00+07:00,in_person,0,0,none,2,2,2,2,2",
]
TODAY = datetime(2026, 10, 5, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


def csv_text(rows=None, header: str = HEADER) -> str:
    """A CSV file of the given rows (the hand-worked quarter by default)."""
    return "\n".join([header, *(ROWS if rows is None else rows)]) + "\n"


@pytest.fixture
def fields(app):
    """The two procedure fields the rows use."""
    found = [
        ProcedureField(code="ho-tich", name_vi="Hộ tịch", name_en="Civil status"),
        ProcedureField(code="chung-thuc", name_vi="Chứng thực", name_en="Certification"),
    ]
    db.session.add_all(found)
    db.session.commit()
    return found


@pytest.fixture
def clock():
    """Today is 05/10/2026 in Hà Nội."""
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def add_rating(unit, code: str | None, level: str, *, flagged: bool = False, day: date = date(2026, 9, 1)):
    """A kiosk rating at a unit carrying a dossier code (flagged ratings are not counted)."""
    device = db.session.query(KioskDevice).filter_by(unit_id=unit.id).first()
    if device is None:
        device = KioskDevice(unit_id=unit.id, name="Kiosk", status=DeviceStatus.active)
        db.session.add(device)
        db.session.flush()
    rating = KioskRating(
        uuid=str(uuid.uuid4()),
        device_id=device.id,
        unit_id=unit.id,
        level=level,
        reasons=["attitude"] if level == "dissatisfied" else [],
        dossier_code=code,
        rated_at=datetime(day.year, day.month, day.day, 3, tzinfo=UTC),
        local_day=day,
        local_hour=10,
        flag="too_close" if flagged else None,
        flag_state=FlagState.flagged if flagged else FlagState.none,
    )
    db.session.add(rating)
    db.session.commit()
    return rating
