"""Kiosk devices: registration, one-time pairing codes, tokens, revocation, and the token cache of ingest."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from survey_app.audit.service import record, snapshot
from survey_app.core import clock
from survey_app.core.text import is_unstorable
from survey_app.extensions import db
from survey_app.kiosk import statements
from survey_app.kiosk.errors import KioskError
from survey_app.models import Counter, Staff, Unit
from survey_app.models.kiosk import DeviceStatus, KioskDevice
from survey_app.org.closing import closed_refusal
from survey_app.org.services import subtree_ids_query

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "kd_"  # noqa: S105 - a prefix that tells device tokens apart, not a secret
PAIRING_CODE_DIGITS = 8
PAIRING_CODE_LIFETIME = timedelta(hours=24)
SEEN_RESOLUTION = timedelta(seconds=30)  # how stale a device's last-seen time may grow before it is written
MAX_NAME = 120


def digest(secret: str) -> str:
    """SHA-256 hex digest of a token or pairing code; only digests are stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_pairing_code(device: KioskDevice) -> str:
    """Give the device a fresh one-time pairing code and return it in clear (shown once)."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(PAIRING_CODE_DIGITS))
        hashed = digest(code)
        if db.session.scalar(select(KioskDevice.id).where(KioskDevice.pairing_code_hash == hashed)) is None:
            break
    device.pairing_code_hash = hashed
    device.pairing_expires_at = clock.now() + PAIRING_CODE_LIFETIME
    return code


def _new_token(device: KioskDevice) -> str:
    """Give the device a fresh long-lived token and return it in clear (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device.token_hash = digest(token)
    return token


def _check_device_place(unit: Unit, counter: Counter | None, name: str) -> str:
    """Validate where a device is placed; returns the cleaned name."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise KioskError(_("The device name must have 1 to 120 characters."))
    _ensure_unit_collects(unit)
    if counter is not None and counter.unit_id != unit.id:
        raise KioskError(_("The counter belongs to another unit."))
    return name


def _ensure_unit_collects(unit: Unit) -> None:
    """A closed unit receives no new device (its successor's centre does); the refusal says since when."""
    if not unit.is_active:
        refusal = closed_refusal(unit, clock.now()) or _("The unit is closed or merged.")
        raise KioskError(_("No kiosk can be placed here: %(reason)s", reason=refusal))


def register_device(unit: Unit, *, counter: Counter | None, name: str) -> tuple[KioskDevice, str]:
    """Register a kiosk waiting to be paired; returns it with its one-time pairing code."""
    name = _check_device_place(unit, counter, name)
    device = KioskDevice(unit=unit, counter=counter, name=name, status=DeviceStatus.pending)
    db.session.add(device)
    code = _new_pairing_code(device)
    record("kiosk_device.create", device, summary=f"{unit.code} {name}")
    logger.info("kiosk device %s registered at %s, waiting for pairing", device.id, unit.code)
    return device, code


def register_device_with_token(unit: Unit, *, counter: Counter | None, name: str) -> tuple[KioskDevice, str]:
    """Register an already-paired kiosk (scripted provisioning); returns it with its token."""
    name = _check_device_place(unit, counter, name)
    device = KioskDevice(
        unit=unit, counter=counter, name=name, status=DeviceStatus.active, paired_at=clock.now()
    )
    db.session.add(device)
    token = _new_token(device)
    record("kiosk_device.create", device, summary=f"{unit.code} {name} (token)")
    logger.info("kiosk device %s registered at %s with a token", device.id, unit.code)
    return device, token


def renew_pairing_code(device: KioskDevice) -> str:
    """A new pairing code for a device; its current token stops working until it is paired again."""
    _ensure_unit_collects(device.unit)
    before = snapshot(device)
    device.token_hash = None
    device.status = DeviceStatus.pending
    device.revoked_at = None
    code = _new_pairing_code(device)
    record("kiosk_device.repair", device, before=before, summary=device.name)
    logger.info("kiosk device %s has a new pairing code; its token no longer works", device.id)
    return code


def pair_device(code: str) -> tuple[KioskDevice, str]:
    """Exchange a valid pairing code for the device's token; the code works once."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    device = (
        db.session.scalar(select(KioskDevice).where(KioskDevice.pairing_code_hash == digest(code)))
        if len(code) == PAIRING_CODE_DIGITS
        else None
    )
    now = clock.now()
    if (
        device is None
        or device.status == DeviceStatus.revoked
        or device.pairing_expires_at is None
        or device.pairing_expires_at < now
    ):
        logger.info("kiosk pairing refused: unknown, used or expired code")
        raise KioskError(_("This pairing code is not valid. Ask the administrator for a new one."))
    _ensure_unit_collects(device.unit)  # the unit closed since the code was given
    token = _new_token(device)
    device.pairing_code_hash, device.pairing_expires_at = None, None
    device.status, device.paired_at = DeviceStatus.active, now
    record("kiosk_device.pair", device, summary=device.name, actor_label="kiosk")
    logger.info("kiosk device %s paired", device.id)
    return device, token


def revoke_device(device: KioskDevice) -> None:
    """Revoke a device: its token and any pairing code stop working at once."""
    if device.status == DeviceStatus.revoked:
        raise KioskError(_("This device is already revoked."))
    before = snapshot(device)
    device.status, device.revoked_at = DeviceStatus.revoked, clock.now()
    device.token_hash, device.pairing_code_hash, device.pairing_expires_at = None, None, None
    record("kiosk_device.revoke", device, before=before, summary=device.name)
    logger.info("kiosk device %s revoked", device.id)


def devices_in_scope(root_id: int | None) -> list[KioskDevice]:
    """Devices of a unit subtree (all when root_id is None), newest first."""
    query = select(KioskDevice).order_by(KioskDevice.status, KioskDevice.created_at.desc())
    if root_id is not None:
        query = query.where(KioskDevice.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query))


def staff_on_duty(device: KioskDevice) -> list[Staff]:
    """Active staff shown on a device: those of its counter, else of its unit."""
    query = select(Staff).where(Staff.unit_id == device.unit_id, Staff.active.is_(True))
    if device.counter_id is not None:
        query = query.where(Staff.counter_id == device.counter_id)
    return list(db.session.scalars(query.order_by(Staff.full_name)))


# --- the token of a request ------------------------------------------------------------------


@dataclass
class DeviceRef:
    """What a kiosk request needs of its device: who it is and what it last reported (not an ORM object)."""

    id: int
    name: str
    unit_id: int
    counter_id: int | None
    token_hash: str
    last_seen_at: datetime | None
    app_version: str | None
    queue_length: int | None


_DEVICE_COLUMNS = tuple(DeviceRef.__dataclass_fields__)
_KNOWN_DEVICES: dict[str, DeviceRef] = {}  # token digest -> device, in this process
_KNOWN_DEVICES_LIMIT = 10_000


def _device_by_token_hash():
    """SELECT of an active device's columns by token digest."""
    table = KioskDevice.__table__
    return select(*(table.c[name] for name in _DEVICE_COLUMNS)).where(
        table.c.token_hash == bindparam("token_hash"), table.c.status == DeviceStatus.active.value
    )


def device_for_token(token: str | None) -> DeviceRef | None:
    """The active device a token belongs to, read from the database, if any."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    rows = statements.run("device_for_token", _device_by_token_hash, {"token_hash": digest(token)})
    return DeviceRef(*rows[0]) if rows else None


def known_device_for_token(token: str | None) -> DeviceRef | None:
    """device_for_token, remembered by this process: the ingest path reads no device row per request.

    Safe to remember because ingest checks, in the transaction that writes the ratings, that the device
    is still active with this token (ingest answers DeviceNotActive otherwise): a revoked or re-paired
    device is refused at once, and its unit and counter are read fresh there.
    """
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    hashed = digest(token)
    device = _KNOWN_DEVICES.get(hashed)
    if device is None:
        device = device_for_token(token)
        if device is not None:
            if len(_KNOWN_DEVICES) >= _KNOWN_DEVICES_LIMIT:
                _KNOWN_DEVICES.clear()
            _KNOWN_DEVICES[hashed] = device
    return device


def forget_device(token_hash: str | None) -> None:
    """Stop remembering a device token (it was found revoked or re-paired)."""
    if token_hash:
        _KNOWN_DEVICES.pop(token_hash, None)


def note_device_seen(device: DeviceRef, *, app_version: str | None, queue_length: str | None) -> bool:
    """Record that the device called in, with the app version and queue length it reported.

    Written at most every 30 seconds unless something changed: a busy kiosk posts many times a
    minute, and one row updated by every request would serialise them. True when something was written.
    """
    values: dict = {}
    if app_version and not is_unstorable(app_version) and app_version.strip()[:40] != device.app_version:
        values["app_version"] = app_version.strip()[:40]
    if queue_length is not None and str(queue_length).strip().isdigit():
        reported = min(int(queue_length), 10_000_000)
        if reported != device.queue_length:
            values["queue_length"] = reported
    now = clock.now()
    if not values and device.last_seen_at is not None and now - device.last_seen_at < SEEN_RESOLUTION:
        return False
    values["last_seen_at"] = now
    db.session.execute(update(KioskDevice.__table__).where(KioskDevice.id == device.id).values(**values))
    for name, value in values.items():  # what this process remembers of the device
        setattr(device, name, value)
    return True
