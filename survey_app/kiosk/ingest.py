"""The ingest of a batch of ratings from a kiosk: each item judged on its own, the valid ones written once."""

from __future__ import annotations

import logging

from survey_app.extensions import db
from survey_app.kiosk.errors import DeviceNotActive
from survey_app.kiosk.group_commit import write_together
from survey_app.kiosk.items import Batch, Candidate, Device, ItemResult
from survey_app.kiosk.validation import procedure_field_ids, validate_item, wants_field_ids
from survey_app.kiosk.writing import device_now

logger = logging.getLogger(__name__)


def ingest(device: Device, items: list) -> list[ItemResult]:
    """Store a batch of ratings exactly once each; flag the doubtful ones; one result per item, in order.

    A bad item never blocks the others: it is answered `rejected` with its errors. Commits (group
    commit: the ratings of concurrent requests are written in one transaction); device is a KioskDevice
    or a devices.DeviceRef. Raises DeviceNotActive (nothing stored) when the device was revoked or
    paired again.
    """
    field_ids = procedure_field_ids() if wants_field_ids(items) else {}
    judged = [validate_item(item, field_ids) for item in items]
    candidates = [item for item in judged if isinstance(item, Candidate)]
    if len(candidates) < len(judged):
        for result in judged:
            if isinstance(result, ItemResult):  # the fields that failed, never their values
                logger.warning("kiosk rating rejected from device %s: %s", device.id, result.reason)
    if not candidates:  # nothing to write: the device is checked all the same
        if device_now(db.session.connection(), device, times=[]) is None:
            raise DeviceNotActive
        return judged
    written = iter(write_together(Batch(device, candidates)))
    return [next(written) if isinstance(item, Candidate) else item for item in judged]
