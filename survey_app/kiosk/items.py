"""What an ingest item becomes: a valid Candidate to write, and the ItemResult the API answers for it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from survey_app.models.kiosk import Flag


class ItemStatus(enum.StrEnum):
    """What happened to one item of a batch."""

    created = "created"  # stored now (perhaps with a flag that keeps it out of the figures)
    duplicate = "duplicate"  # an item with this id was stored before, or earlier in the batch
    rejected = "rejected"  # not valid: nothing stored, `errors` says why


class RejectReason(enum.StrEnum):
    """Machine-readable reasons of a rejection that no field of the item explains."""

    unit_closed = "unit_closed"  # dated on or after the closing day of the device's unit: nobody collects it


# Not frozen: a frozen dataclass takes eight times as long to build, and a batch builds 500 of each.
@dataclass(slots=True)
class ItemResult:
    """The answer for one item, in the order the items were sent."""

    id: str | None  # the id as sent (None when it was not text)
    status: ItemStatus
    errors: dict[str, str] = field(default_factory=dict)  # rejected: field -> translated message
    flag: Flag | None = None  # created but set aside until an admin reviews it
    code: RejectReason | None = None  # rejected for a reason a kiosk can act on, beyond its fields

    @property
    def reason(self) -> str:
        """Why the item was rejected or set aside, as codes: the reason, the failing fields, or the flag."""
        if self.code:
            return self.code.value
        if self.errors:
            return ",".join(self.errors)
        return self.flag.value if self.flag else ""

    def as_json(self) -> dict:
        """The item's entry in the API answer."""
        body: dict = {"id": self.id, "status": self.status}  # string enums: JSON writes their values
        if self.errors:
            body["errors"] = self.errors
        if self.code:
            body["reason"] = self.code
        if self.flag:
            body["flag"] = self.flag
        return body


class Device(Protocol):
    """What ingest needs of a device: a KioskDevice or a devices.DeviceRef."""

    id: int
    token_hash: str | None


@dataclass(slots=True)
class Candidate:
    """A valid item, cleaned and typed, waiting to be written."""

    sent_id: str  # the id as sent, for the answer
    uuid: str  # its canonical form, the key of exactly-once storage
    level: str
    reasons: list[str]
    comment: str | None
    dossier_code: str | None
    staff_id: int | None
    field_id: int | None
    rated_at: datetime  # aware


@dataclass(slots=True)
class Batch:
    """One request's valid items and the device that sent them."""

    device: Device
    candidates: list[Candidate]
