"""Rules of the kiosk: devices and pairing, exactly-once ingest, flags, roll-ups and follow-ups."""

from __future__ import annotations

import bisect
import hashlib
import json
import secrets
import threading
import uuid as uuid_module
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import JSON, String, and_, bindparam, cast, delete, func, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey_app.audit.service import record, snapshot
from survey_app.config import AUTOCOMMIT_BIND
from survey_app.core.prepared import Prepared
from survey_app.extensions import db
from survey_app.kiosk.levels import level_by_code, reason_codes
from survey_app.models import Counter, ProcedureField, Staff, Unit, User, utcnow
from survey_app.models.kiosk import (
    DeviceStatus,
    Flag,
    FlagState,
    FollowUpState,
    KioskDevice,
    KioskFollowUp,
    KioskHeat,
    KioskRating,
    KioskReasonMonth,
    KioskRollup,
    KioskRollupMonth,
    KioskUnitDay,
    KioskUnitMonth,
)

TOKEN_PREFIX = "kd_"  # noqa: S105 - a prefix that tells device tokens apart, not a secret
PAIRING_CODE_DIGITS = 8
PAIRING_CODE_LIFETIME = timedelta(hours=24)
MAX_BATCH = 500
MAX_COMMENT = 1000
MAX_DOSSIER_CODE = 50
COUNTED_STATES = (FlagState.none, FlagState.cleared)
REFUSED = "refused"  # an item's state while ingest finds its device no longer active (never answered)


class KioskError(ValueError):
    """A kiosk action the rules do not allow; the message is user-facing."""


class DeviceNotActive(Exception):
    """The device was revoked or paired again since its token was checked; nothing was stored."""


def setting(name: str, default):
    """A kiosk setting from the app config (tunable per deployment)."""
    return current_app.config.get(name, default) if has_app_context() else default


def min_interval() -> timedelta:
    """Presses of one device closer together than this are flagged."""
    return timedelta(seconds=float(setting("KIOSK_MIN_INTERVAL_SECONDS", 5)))


def max_age() -> timedelta:
    """Ratings older than this when they arrive are flagged as implausibly old."""
    return timedelta(days=float(setting("KIOSK_MAX_AGE_DAYS", 30)))


def future_tolerance() -> timedelta:
    """How far a device clock may run ahead before a rating counts as from the future."""
    return timedelta(seconds=float(setting("KIOSK_FUTURE_TOLERANCE_SECONDS", 300)))


def local_zone() -> ZoneInfo:
    """The time zone that days and hours of the roll-ups are in."""
    return ZoneInfo(setting("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh"))


def digest(secret: str) -> str:
    """SHA-256 hex digest of a token or pairing code; only digests are stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


# --- devices ---------------------------------------------------------------------------------


def _new_pairing_code(device: KioskDevice) -> str:
    """Give the device a fresh one-time pairing code and return it in clear (shown once)."""
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(PAIRING_CODE_DIGITS))
        hashed = digest(code)
        if db.session.scalar(select(KioskDevice.id).where(KioskDevice.pairing_code_hash == hashed)) is None:
            break
    device.pairing_code_hash = hashed
    device.pairing_expires_at = utcnow() + PAIRING_CODE_LIFETIME
    return code


def _new_token(device: KioskDevice) -> str:
    """Give the device a fresh long-lived token and return it in clear (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device.token_hash = digest(token)
    return token


def _check_device_place(unit: Unit, counter: Counter | None, name: str) -> str:
    """Validate where a device is placed; returns the cleaned name."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise KioskError(_("The device name must have 1 to 120 characters."))
    if not unit.is_active:
        raise KioskError(_("The unit is closed or merged."))
    if counter is not None and counter.unit_id != unit.id:
        raise KioskError(_("The counter belongs to another unit."))
    return name


def register_device(unit: Unit, *, counter: Counter | None, name: str) -> tuple[KioskDevice, str]:
    """Register a kiosk waiting to be paired; returns it with its one-time pairing code."""
    name = _check_device_place(unit, counter, name)
    device = KioskDevice(unit=unit, counter=counter, name=name, status=DeviceStatus.pending)
    db.session.add(device)
    code = _new_pairing_code(device)
    record("kiosk_device.create", device, summary=f"{unit.code} {name}")
    return device, code


def register_device_with_token(unit: Unit, *, counter: Counter | None, name: str) -> tuple[KioskDevice, str]:
    """Register an already-paired kiosk (scripted provisioning); returns it with its token."""
    name = _check_device_place(unit, counter, name)
    device = KioskDevice(
        unit=unit, counter=counter, name=name, status=DeviceStatus.active, paired_at=utcnow()
    )
    db.session.add(device)
    token = _new_token(device)
    record("kiosk_device.create", device, summary=f"{unit.code} {name} (token)")
    return device, token


def renew_pairing_code(device: KioskDevice) -> str:
    """A new pairing code for a device; its current token stops working until it is paired again."""
    before = snapshot(device)
    device.token_hash = None
    device.status = DeviceStatus.pending
    device.revoked_at = None
    code = _new_pairing_code(device)
    record("kiosk_device.repair", device, before=before, summary=device.name)
    return code


def pair_device(code: str) -> tuple[KioskDevice, str]:
    """Exchange a valid pairing code for the device's token; the code works once."""
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    device = (
        db.session.scalar(select(KioskDevice).where(KioskDevice.pairing_code_hash == digest(code)))
        if len(code) == PAIRING_CODE_DIGITS
        else None
    )
    if (
        device is None
        or device.status == DeviceStatus.revoked
        or device.pairing_expires_at is None
        or device.pairing_expires_at < utcnow()
    ):
        raise KioskError(_("This pairing code is not valid. Ask the administrator for a new one."))
    token = _new_token(device)
    device.pairing_code_hash, device.pairing_expires_at = None, None
    device.status, device.paired_at = DeviceStatus.active, utcnow()
    record("kiosk_device.pair", device, summary=device.name, actor_label="kiosk")
    return device, token


def revoke_device(device: KioskDevice) -> None:
    """Revoke a device: its token and any pairing code stop working at once."""
    if device.status == DeviceStatus.revoked:
        raise KioskError(_("This device is already revoked."))
    before = snapshot(device)
    device.status, device.revoked_at = DeviceStatus.revoked, utcnow()
    device.token_hash, device.pairing_code_hash, device.pairing_expires_at = None, None, None
    record("kiosk_device.revoke", device, before=before, summary=device.name)


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


def device_for_token(token: str | None) -> DeviceRef | None:
    """The active device a token belongs to, read from the database, if any."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    table = KioskDevice.__table__

    def build():
        return select(*(table.c[name] for name in _DEVICE_COLUMNS)).where(
            table.c.token_hash == bindparam("token_hash"), table.c.status == DeviceStatus.active.value
        )

    rows = _run("device_for_token", build, {"token_hash": digest(token)})
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


SEEN_RESOLUTION = timedelta(seconds=30)


def note_device_seen(device: DeviceRef, *, app_version: str | None, queue_length: str | None) -> bool:
    """Record that the device called in, with the app version and queue length it reported.

    Written at most every 30 seconds unless something changed: a busy kiosk posts many times a
    minute, and one row updated by every request would serialise them. True when something was written.
    """
    values: dict = {}
    if app_version and app_version.strip()[:40] != device.app_version:
        values["app_version"] = app_version.strip()[:40]
    if queue_length is not None and str(queue_length).strip().isdigit():
        reported = min(int(queue_length), 10_000_000)
        if reported != device.queue_length:
            values["queue_length"] = reported
    now = utcnow()
    if not values and device.last_seen_at is not None and now - device.last_seen_at < SEEN_RESOLUTION:
        return False
    values["last_seen_at"] = now
    db.session.execute(update(KioskDevice.__table__).where(KioskDevice.id == device.id).values(**values))
    for name, value in values.items():  # what this process remembers of the device
        setattr(device, name, value)
    return True


def devices_in_scope(root_id: int | None) -> list[KioskDevice]:
    """Devices of a unit subtree (all when root_id is None), newest first."""
    from survey_app.org.services import subtree_ids_query

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


# --- ingest ----------------------------------------------------------------------------------


@dataclass
class ItemResult:
    """What happened to one item of a batch."""

    id: str | None
    status: str  # created | duplicate | rejected
    errors: dict = field(default_factory=dict)
    flag: str | None = None

    def as_json(self) -> dict:
        """The item's entry in the API answer."""
        body: dict = {"id": self.id, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        if self.flag:
            body["flag"] = self.flag
        return body


def _parse_uuid(value) -> str | None:
    """The canonical form of a UUID string, or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return str(uuid_module.UUID(value))
    except ValueError:
        return None


def _parse_rated_at(value) -> datetime | None:
    """An aware datetime from ISO 8601 text with an offset, or None."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None and parsed.utcoffset() is not None else None


def _optional_text(item: dict, key: str, limit: int, errors: dict) -> str | None:
    """A stripped optional string of at most `limit` characters (errors noted)."""
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return None
    value = value.strip()
    if len(value) > limit:
        errors[key] = _("At most %(n)d characters.", n=limit)
        return None
    return value or None


def validate_item(item, field_ids: dict[str, int]) -> tuple[dict | None, dict, str | None]:
    """Check one item; returns (clean values or None, errors, id as sent)."""
    if not isinstance(item, dict):
        return None, {"_item": _("Each rating must be a JSON object.")}, None
    errors: dict[str, str] = {}
    raw_id = item.get("id")
    rating_uuid = _parse_uuid(raw_id)
    if rating_uuid is None:
        errors["id"] = _("A UUID is required.")
    level = level_by_code(item.get("level")) if isinstance(item.get("level"), str) else None
    if level is None:
        errors["level"] = _("Unknown level.")
    reasons = item.get("reasons", [])
    if reasons is None:
        reasons = []
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        errors["reasons"] = _("Must be a list of reason codes.")
        reasons = []
    else:
        known = set(reason_codes())
        unknown = [r for r in reasons if r not in known]
        reasons = list(dict.fromkeys(reasons))
        if unknown:
            errors["reasons"] = _("Unknown reasons: %(codes)s.", codes=", ".join(unknown[:5])[:200])
        elif level is not None and level.needs_reason and not reasons:
            errors["reasons"] = _("At least one reason is required for this level.")
    comment = _optional_text(item, "comment", MAX_COMMENT, errors)
    dossier_code = _optional_text(item, "dossier_code", MAX_DOSSIER_CODE, errors)
    staff_id = item.get("staff_id")
    whole = isinstance(staff_id, int) and not isinstance(staff_id, bool)
    if staff_id is not None and not (whole and 0 < staff_id < 2**31):
        errors["staff_id"] = _("Must be a whole number.")
    field_code = item.get("procedure_field")
    field_id = None
    if field_code is not None:
        field_id = field_ids.get(field_code) if isinstance(field_code, str) else None
        if field_id is None:
            errors["procedure_field"] = _("Unknown procedure field.")
    rated_at = _parse_rated_at(item.get("rated_at"))
    if rated_at is None:
        errors["rated_at"] = _("An ISO 8601 time with an offset is required.")
    sent_id = raw_id if isinstance(raw_id, str) else None
    if errors:
        return None, errors, sent_id
    clean = {
        "uuid": rating_uuid,
        "level": level.code,
        "reasons": reasons,
        "comment": comment,
        "dossier_code": dossier_code,
        "staff_id": staff_id,
        "field_id": field_id,
        "rated_at": rated_at,
    }
    return clean, {}, sent_id


def _active_field_ids() -> dict[str, int]:
    """Procedure field codes to ids (inactive fields too: a queued rating may predate a change)."""
    return dict(db.session.execute(select(ProcedureField.code, ProcedureField.id)).all())


@dataclass
class _DeviceCheck:
    """A device as the writing transaction finds it: its place now, and its presses near a batch's."""

    unit_id: int
    counter_id: int | None
    nearby: list[datetime]


def _check_device(connection, device, times: list[datetime]) -> _DeviceCheck | None:
    """The device's current place and stored presses around these times; None if no longer active.

    One statement does both: every batch needs the too-close window, and reading the device in the
    writing transaction is what lets the API remember tokens (known_device_for_token).
    """
    gap = min_interval()
    devices, ratings = KioskDevice.__table__, KioskRating.__table__

    def build():
        window = and_(
            ratings.c.device_id == devices.c.id,
            ratings.c.rated_at > bindparam("after", type_=ratings.c.rated_at.type),
            ratings.c.rated_at < bindparam("before", type_=ratings.c.rated_at.type),
        )
        return (
            select(devices.c.unit_id, devices.c.counter_id, ratings.c.rated_at)
            .select_from(devices.outerjoin(ratings, window))
            .where(
                devices.c.id == bindparam("device_id"),
                devices.c.token_hash == bindparam("token_hash"),
                devices.c.status == DeviceStatus.active.value,
            )
        )

    if times and gap > timedelta(0):
        after, before = min(times) - gap, max(times) + gap
    else:  # nothing to judge: an empty window, the device alone
        after = before = utcnow()
    params = {"device_id": device.id, "token_hash": device.token_hash, "after": after, "before": before}
    rows = _run("check_device", build, params, connection)
    if not rows:
        return None
    return _DeviceCheck(rows[0].unit_id, rows[0].counter_id, [r.rated_at for r in rows if r.rated_at])


def _too_close(stored: list[datetime], candidates: list[dict]) -> set[str]:
    """UUIDs of candidates pressed too soon after (or before) another press of the same device."""
    gap = min_interval()
    if gap <= timedelta(0):
        return set()
    stored = sorted(stored)
    flagged: set[str] = set()
    for candidate in sorted(candidates, key=lambda c: c["rated_at"]):
        moment = candidate["rated_at"]
        index = bisect.bisect_left(stored, moment - gap)
        if index < len(stored) and stored[index] < moment + gap and abs(stored[index] - moment) < gap:
            flagged.add(candidate["uuid"])
        bisect.insort(stored, moment)
    return flagged


def ingest(device, items: list) -> list[ItemResult]:
    """Store a batch of ratings exactly once each; flag the doubtful ones; keep roll-ups in step.

    Items are judged independently: a bad item never blocks the others. Commits (group commit: the
    ratings of concurrent requests are written in one transaction); device is a KioskDevice or a
    DeviceRef. Raises DeviceNotActive (nothing stored) when the device was revoked or paired again.
    """
    wants_fields = any(isinstance(item, dict) and item.get("procedure_field") is not None for item in items)
    field_ids = _active_field_ids() if wants_fields else {}
    results: list[ItemResult] = []
    candidates: list[dict] = []
    for item in items:
        clean, errors, sent_id = validate_item(item, field_ids)
        result = ItemResult(sent_id, "rejected", errors) if clean is None else ItemResult(sent_id, "created")
        results.append(result)
        if clean is not None:
            clean["_result"], clean["_device"] = result, device
            candidates.append(clean)
    if candidates:
        _group_commit(candidates)
        if any(result.status == REFUSED for result in results):
            raise DeviceNotActive
    elif _check_device(db.session.connection(), device, times=[]) is None:  # nothing to write: ask anyway
        raise DeviceNotActive
    return results


@dataclass
class _Queued:
    """One request's ratings waiting for the writer, and how their write went."""

    candidates: list[dict]
    done: bool = False
    error: BaseException | None = None
    alone: bool = False  # written in a transaction of its own


class _GroupCommit:
    """The ratings of concurrent requests of one app, waiting for one writer to store them together.

    Each request's commit (and on PostgreSQL the fsync and the roll-up row locks it holds until then) is
    the cost of a busy ingest; one transaction for whatever arrived meanwhile pays it once.
    """

    def __init__(self) -> None:
        self.turn = threading.Condition()
        self.pending: list[_Queued] = []
        self.writing = False


def _group_commit(candidates: list[dict]) -> None:
    """Queue a request's ratings; a request that finds no writer at work writes every queued one.

    The caller's session must hold no write lock (on SQLite the writer, in another thread, would wait
    for it): the API notes the device's visit after ingest.
    """
    group = current_app.extensions.setdefault("kiosk_group_commit", _GroupCommit())
    mine = _Queued(candidates)
    with group.turn:
        group.pending.append(mine)
        while not mine.done and group.writing:
            group.turn.wait()
        batch: list[_Queued] = []
        if not mine.done:  # nobody wrote it meanwhile: this request writes what is queued
            batch, group.pending, group.writing = group.pending, [], True
    if batch:
        error: BaseException | None = RuntimeError("The ratings were not written.")
        try:
            error = _write_and_commit([c for queued in batch for c in queued.candidates])
        finally:  # even when interrupted, no waiting request may wait forever
            with group.turn:
                for queued in batch:
                    queued.done, queued.error, queued.alone = True, error, len(batch) == 1
                group.writing = False
                group.turn.notify_all()
    if mine.error is not None and not mine.alone:
        # Written again alone, so that another request's trouble cannot fail this one.
        mine.error = _write_and_commit(candidates)
    if mine.error is not None:
        raise mine.error


def _write_and_commit(candidates: list[dict]) -> BaseException | None:
    """Write candidates atomically; the error if it failed (then nothing was written).

    In the session's transaction when ratings open follow-ups (both are written or neither) or the
    caller's session has work in progress; otherwise as one self-committing INSERT.
    """
    try:
        session_busy = db.session.registry.has() and db.session().in_transaction()  # never makes one
        if session_busy or any(_opens_follow_up(c) for c in candidates):
            _write_candidates(db.session.connection(), candidates)
            db.session.commit()
        else:
            # The ratings are then one INSERT (the trigger adds the roll-ups), atomic on its own: in
            # autocommit it holds SQLite's write lock only inside that statement, so other server
            # processes wait less, and it saves PostgreSQL the round trip of a COMMIT.
            with db.engines[AUTOCOMMIT_BIND].connect() as connection:
                _write_candidates(connection, candidates)
    except Exception as exc:  # noqa: BLE001 - handed to the requests of the batch, which raise it
        db.session.rollback()
        for candidate in candidates:
            candidate["_result"].status, candidate["_result"].flag = "created", None
        return exc
    return None


def _write_candidates(connection, candidates: list[dict]) -> None:
    """Insert valid ratings (first of each id only), flag doubtful ones, update roll-ups and follow-ups."""
    unique: dict[str, dict] = {}
    for candidate in candidates:  # the same id twice, in one batch or in two requests at once
        if candidate["uuid"] in unique:
            candidate["_result"].status = "duplicate"
        else:
            unique[candidate["uuid"]] = candidate
    by_device: dict[tuple, list[dict]] = {}
    for candidate in unique.values():
        by_device.setdefault((candidate["_device"].id, candidate["_device"].token_hash), []).append(candidate)
    checks: dict[int, _DeviceCheck] = {}
    candidates = []
    for group in by_device.values():
        check = _check_device(connection, group[0]["_device"], [c["rated_at"] for c in group])
        if check is None:  # revoked or paired again meanwhile: the request is refused, nothing stored
            forget_device(group[0]["_device"].token_hash)
            for candidate in group:
                candidate["_result"].status = REFUSED
        else:
            checks[group[0]["_device"].id] = check
            candidates += group
    if len(candidates) > 1:  # a drained queue may resend part of a batch; a single item needs no look-up
        ids = [c["uuid"] for c in candidates]
        existing = set(connection.scalars(select(KioskRating.uuid).where(KioskRating.uuid.in_(ids))))
        for candidate in candidates:
            if candidate["uuid"] in existing:
                candidate["_result"].status = "duplicate"
        candidates = [c for c in candidates if c["uuid"] not in existing]
    if not candidates:
        return
    now = utcnow()
    zone = local_zone()
    staff_ids = {c["staff_id"] for c in candidates if c["staff_id"] is not None}
    staff_place = {}
    if staff_ids:
        staff_place = {
            staff_id: (unit_id, counter_id)
            for staff_id, unit_id, counter_id in connection.execute(
                select(Staff.id, Staff.unit_id, Staff.counter_id).where(Staff.id.in_(staff_ids))
            )
        }
    per_device: dict[int, list[dict]] = {}
    for candidate in candidates:
        per_device.setdefault(candidate["_device"].id, []).append(candidate)
    too_close = set().union(*(_too_close(checks[i].nearby, group) for i, group in per_device.items()))
    rows = []
    for c in candidates:
        device_id = c["_device"].id
        device = checks[device_id]  # its unit and counter as they are now
        flag = None
        staff_id, claimed = c["staff_id"], None
        place = staff_place.get(staff_id) if staff_id is not None else None
        if staff_id is not None and (place is None or place[0] != device.unit_id):
            flag, staff_id, claimed, place = Flag.unknown_staff, None, c["staff_id"], None
        elif c["rated_at"] > now + future_tolerance():
            flag = Flag.future
        elif c["rated_at"] < now - max_age():
            flag = Flag.too_old
        elif c["uuid"] in too_close:
            flag = Flag.too_close
        counter_id = device.counter_id or (place[1] if place else None)
        local = c["rated_at"].astimezone(zone)
        rows.append(
            {
                "uuid": c["uuid"],
                "device_id": device_id,
                "unit_id": device.unit_id,
                "counter_id": counter_id,
                "staff_id": staff_id,
                "claimed_staff_id": claimed,
                "field_id": c["field_id"],
                "level": c["level"],
                "reasons": c["reasons"],
                "comment": c["comment"],
                "dossier_code": c["dossier_code"],
                "rated_at": c["rated_at"],
                "received_at": now,
                "local_day": local.date(),
                "local_hour": local.hour,
                "flag": flag.value if flag else None,
                "flag_state": (FlagState.flagged if flag else FlagState.none).value,
            }
        )
        c["_result"].flag = flag.value if flag else None
    created = _insert_ratings(connection, rows)
    for c in candidates:
        if c["uuid"] not in created:  # a concurrent request (another process) stored it first
            c["_result"].status, c["_result"].flag = "duplicate", None
    # The roll-ups took the counted ones in the INSERT itself (trigger kiosk_rating_rollups, migration 0006).
    _open_follow_ups(connection, [(created[r["uuid"]], r) for r in rows if r["uuid"] in created])


def bulk_insert(table, rows: list[dict]) -> None:
    """Write many rows at once: COPY on PostgreSQL, an executemany INSERT on SQLite."""
    if not rows:
        return
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = db.session.connection().connection.driver_connection.cursor()
    names = ", ".join(f'"{name}"' for name in columns)
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c] for c in columns]
            )


def _insert(model):
    """A dialect-specific INSERT of a model, for ON CONFLICT clauses."""
    dialect = db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model.__table__)


_STATEMENTS: dict[tuple[str, str], object] = {}
_PREPARED: dict[tuple, Prepared] = {}


def _run(kind: str, build, params: dict | list[dict], connection=None) -> list:
    """Execute a Core statement built once per dialect on a connection (the session's); its rows.

    The hot ingest path: one set of parameters runs straight on the DBAPI cursor (core.prepared);
    several go through SQLAlchemy, which sends them as one statement.
    """
    connection = connection or db.session.connection()
    key = (kind, connection.dialect.name)
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    if isinstance(params, list):
        return list(connection.execute(statement, params))
    prepared_key = (*key, *params)
    prepared = _PREPARED.get(prepared_key)
    if prepared is None:
        prepared = _PREPARED[prepared_key] = Prepared(statement, connection.dialect, params)
    return prepared.run(connection, params)


def _insert_ratings(connection, rows: list[dict]) -> dict[str, int]:
    """INSERT … ON CONFLICT (uuid) DO NOTHING; returns {uuid: id} of the rows actually created."""
    table = KioskRating.__table__
    if len(rows) > 1 and connection.dialect.name == "postgresql":
        return _insert_ratings_postgresql(connection, rows)

    def build():
        stmt = _insert(KioskRating).on_conflict_do_nothing(index_elements=["uuid"])
        return stmt.returning(table.c.id, table.c.uuid)

    result = _run("insert_rating", build, rows if len(rows) > 1 else rows[0], connection)
    return {row.uuid: row.id for row in result}


def _insert_ratings_postgresql(connection, rows: list[dict]) -> dict[str, int]:
    """A batch in one INSERT whose values travel as one array per column (unnest).

    A multi-row VALUES list has 17 placeholders a row, and psycopg parses that text in Python on every
    call (about 200 ms for a drained queue's 500 ratings); this text is short and never changes.
    """
    table = KioskRating.__table__
    columns = list(rows[0])

    def build():
        dialect = postgresql.dialect()
        arrays = ", ".join(
            f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in columns
        )
        names = ", ".join(columns)
        # Only our own column names go into the text; every value is a bind parameter.
        return text(
            f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}) "  # noqa: S608
            "ON CONFLICT (uuid) DO NOTHING RETURNING id, uuid"
        )

    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    params = {
        name: [json.dumps(row[name], ensure_ascii=False) for row in rows]
        if name in json_columns
        else [row[name] for row in rows]
        for name in columns
    }
    return {row.uuid: row.id for row in _run("insert_rating_arrays", build, params, connection)}


def _opens_follow_up(rating: dict) -> bool:
    """Whether a new rating lands in the follow-up list: it needs a reason and carries a comment."""
    if not rating["comment"]:
        return False
    level = level_by_code(rating["level"])
    return level is not None and level.needs_reason


def _open_follow_ups(connection, stored: list[tuple[int, dict]]) -> None:
    """Put every new rating that calls for it in the follow-up list."""
    rows = [
        {"rating_id": rating_id, "unit_id": row["unit_id"], "state": FollowUpState.open.value}
        for rating_id, row in stored
        if _opens_follow_up(row)
    ]
    if rows:
        connection.execute(_insert(KioskFollowUp).values(rows))


# --- roll-ups --------------------------------------------------------------------------------

ROLLUP_KEYS = {
    KioskRollup: ("day", "unit_id", "counter_id", "staff_id", "field_id", "level"),
    KioskRollupMonth: ("month", "unit_id", "counter_id", "staff_id", "field_id", "level"),
    KioskUnitDay: ("day", "unit_id", "level"),
    KioskUnitMonth: ("month", "unit_id", "level"),
    KioskHeat: ("month", "unit_id", "weekday", "hour", "level"),
    KioskReasonMonth: ("month", "unit_id", "reason"),
}


def rollup_counts(rows: Iterable[dict]) -> dict[type, Tally]:
    """The roll-up increments a set of rating rows makes, per roll-up table (`n` ratings per row, else 1)."""
    tallies: dict[type, Tally] = {model: Tally() for model in ROLLUP_KEYS}
    for row in rows:
        n = row.get("n", 1)
        day: date = row["local_day"]
        month = day.replace(day=1)
        unit, level = row["unit_id"], row["level"]
        fine = (unit, row["counter_id"] or 0, row["staff_id"] or 0, row["field_id"] or 0, level)
        tallies[KioskRollup][(day, *fine)] += n
        tallies[KioskRollupMonth][(month, *fine)] += n
        tallies[KioskUnitDay][(day, unit, level)] += n
        tallies[KioskUnitMonth][(month, unit, level)] += n
        tallies[KioskHeat][(month, unit, day.weekday(), row["local_hour"], level)] += n
        for reason in row["reasons"] or ():
            tallies[KioskReasonMonth][(month, unit, reason)] += n
    return tallies


def _upsert(model, keys: tuple[str, ...]):
    """INSERT … ON CONFLICT (keys) DO UPDATE SET n = n + excluded.n."""
    stmt = _insert(model)
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={"n": model.__table__.c.n + stmt.excluded.n}
    )


def apply_to_rollups(rows: list[dict], sign: int) -> None:
    """Add (sign +1) or remove (sign -1) rating rows from every roll-up, by upsert."""
    if not rows:
        return
    tallies = rollup_counts(rows)
    for model, tally in tallies.items():
        if not tally:
            continue
        keys = ROLLUP_KEYS[model]
        table = model.__table__
        # Sorted keys give concurrent transactions the same lock order (no deadlocks on PostgreSQL).
        values = [dict(zip(keys, key, strict=True), n=sign * n) for key, n in sorted(tally.items())]
        _run(
            f"upsert_{table.name}",
            lambda model=model, keys=keys: _upsert(model, keys),
            values if len(values) > 1 else values[0],
        )
        if sign < 0:
            for key in tally:
                db.session.execute(
                    delete(table).where(
                        and_(*(table.c[k] == v for k, v in zip(keys, key, strict=True))), table.c.n <= 0
                    )
                )


def _rating_row(rating: KioskRating) -> dict:
    """The roll-up-relevant values of a stored rating."""
    return {
        "local_day": rating.local_day,
        "local_hour": rating.local_hour,
        "unit_id": rating.unit_id,
        "counter_id": rating.counter_id,
        "staff_id": rating.staff_id,
        "field_id": rating.field_id,
        "level": rating.level,
        "reasons": rating.reasons,
    }


def counted_rows_from_database() -> list[dict]:
    """Roll-up-relevant values of every counted rating, aggregated in SQL where it can be."""
    table = KioskRating.__table__
    counted = table.c.flag_state.in_([s.value for s in COUNTED_STATES])
    grouped = db.session.execute(
        select(
            table.c.local_day,
            table.c.local_hour,
            table.c.unit_id,
            table.c.counter_id,
            table.c.staff_id,
            table.c.field_id,
            table.c.level,
            func.count().label("n"),
        )
        .where(counted)
        .group_by(
            table.c.local_day,
            table.c.local_hour,
            table.c.unit_id,
            table.c.counter_id,
            table.c.staff_id,
            table.c.field_id,
            table.c.level,
        )
    ).all()
    return grouped


def expected_rollups() -> dict[type, Tally]:
    """What every roll-up table should hold, computed from the raw ratings."""
    table = KioskRating.__table__
    tallies = rollup_counts({**g._mapping, "reasons": None} for g in counted_rows_from_database())
    # Reasons live in a JSON list; only ratings that carry some are read.
    with_reasons = db.session.execute(
        select(table.c.local_day, table.c.unit_id, table.c.reasons).where(
            table.c.flag_state.in_([s.value for s in COUNTED_STATES]),
            func.length(cast(table.c.reasons, String)) > 2,
        )
    )
    for day, unit_id, reasons in with_reasons:
        for reason in reasons or ():
            tallies[KioskReasonMonth][(day.replace(day=1), unit_id, reason)] += 1
    return tallies


def current_rollups() -> dict[type, Tally]:
    """What the roll-up tables hold now."""
    tallies: dict[type, Tally] = {}
    for model, keys in ROLLUP_KEYS.items():
        table = model.__table__
        tallies[model] = Tally(
            {
                tuple(row[:-1]): row[-1]
                for row in db.session.execute(select(*(table.c[k] for k in keys), table.c.n))
            }
        )
    return tallies


@dataclass
class RebuildReport:
    """What a roll-up rebuild found and did."""

    drift: dict[str, int]  # table -> number of keys whose count differed
    rows: dict[str, int]  # table -> rows written

    @property
    def drifted(self) -> bool:
        """Whether any roll-up was out of step."""
        return any(self.drift.values())


def rebuild_rollups() -> RebuildReport:
    """Recompute every roll-up from the raw ratings, reporting any drift; the caller commits."""
    expected = expected_rollups()
    current = current_rollups()
    drift, written = {}, {}
    for model, keys in ROLLUP_KEYS.items():
        want, have = expected[model], current[model]
        drift[model.__tablename__] = sum(
            1 for key in set(want) | set(have) if want.get(key, 0) != have.get(key, 0)
        )
        db.session.execute(delete(model.__table__))
        rows = [dict(zip(keys, key, strict=True), n=n) for key, n in want.items() if n]
        bulk_insert(model.__table__, rows)
        written[model.__tablename__] = len(rows)
    return RebuildReport(drift=drift, rows=written)


# --- flag review -----------------------------------------------------------------------------


def review_flag(rating: KioskRating, *, decision: str, reviewer: User) -> None:
    """Clear (count it) or confirm (keep it out) a flagged rating; roll-ups follow in step."""
    if rating.flag is None:
        raise KioskError(_("This rating has no flag."))
    wanted = {"clear": FlagState.cleared, "confirm": FlagState.confirmed}.get(decision)
    if wanted is None:
        raise KioskError(_("Choose whether to clear or confirm the flag."))
    if rating.flag_state == wanted:
        raise KioskError(_("The flag is already in that state."))
    before = snapshot(rating)
    was_counted = rating.counted
    rating.flag_state = wanted
    rating.flag_reviewed_by_id, rating.flag_reviewed_at = reviewer.id, utcnow()
    if rating.counted and not was_counted:
        apply_to_rollups([_rating_row(rating)], +1)
    elif was_counted and not rating.counted:
        apply_to_rollups([_rating_row(rating)], -1)
    record(
        "kiosk_rating.flag_" + decision, rating, before=before, summary=f"{rating.uuid} {rating.flag.value}"
    )


def flagged_ratings(root_id: int | None, *, state: FlagState | None = FlagState.flagged, limit: int = 200):
    """Ratings with a flag in a subtree, newest first."""
    from survey_app.org.services import subtree_ids_query

    query = select(KioskRating).where(KioskRating.flag.is_not(None))
    if state is not None:
        query = query.where(KioskRating.flag_state == state)
    if root_id is not None:
        query = query.where(KioskRating.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query.order_by(KioskRating.rated_at.desc()).limit(limit)))


# --- officials: feed and follow-ups ----------------------------------------------------------


def recent_ratings(root_id: int | None, *, limit: int = 50) -> list[KioskRating]:
    """The latest ratings of a subtree, newest first."""
    from survey_app.org.services import subtree_ids_query

    query = select(KioskRating)
    if root_id is not None:
        query = query.where(KioskRating.unit_id.in_(subtree_ids_query(root_id)))
    return list(
        db.session.scalars(
            query.order_by(
                KioskRating.received_at.desc(), KioskRating.rated_at.desc(), KioskRating.id.desc()
            ).limit(limit)
        )
    )


def follow_ups(
    root_id: int | None, *, state: FollowUpState | None = None, limit: int = 200
) -> list[KioskFollowUp]:
    """Follow-ups of a subtree, open ones first, newest first."""
    from survey_app.org.services import subtree_ids_query

    query = select(KioskFollowUp).join(KioskRating, KioskRating.id == KioskFollowUp.rating_id)
    if state is not None:
        query = query.where(KioskFollowUp.state == state)
    if root_id is not None:
        query = query.where(KioskFollowUp.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query.order_by(KioskRating.rated_at.desc()).limit(limit)))


def follow_up_counts(root_id: int | None) -> dict[str, int]:
    """How many follow-ups of a subtree are in each state."""
    from survey_app.org.services import subtree_ids_query

    query = select(KioskFollowUp.state, func.count()).group_by(KioskFollowUp.state)
    if root_id is not None:
        query = query.where(KioskFollowUp.unit_id.in_(subtree_ids_query(root_id)))
    counts = {state.value: 0 for state in FollowUpState}
    counts.update({state.value: n for state, n in db.session.execute(query)})
    return counts


def update_follow_up(follow_up: KioskFollowUp, *, action: str, note: str, user: User) -> None:
    """Acknowledge a follow-up, or close it with a note of the action taken."""
    note = (note or "").strip()
    if len(note) > 2000:
        raise KioskError(_("The note may have at most 2,000 characters."))
    before = snapshot(follow_up)
    if action == "acknowledge":
        if follow_up.state != FollowUpState.open:
            raise KioskError(_("This follow-up is already acknowledged."))
        follow_up.state = FollowUpState.acknowledged
        follow_up.acknowledged_by_id, follow_up.acknowledged_at = user.id, utcnow()
        if note:
            follow_up.action_note = note
    elif action == "done":
        if not note:
            raise KioskError(_("Describe the action taken."))
        if follow_up.state == FollowUpState.open:
            follow_up.acknowledged_by_id, follow_up.acknowledged_at = user.id, utcnow()
        follow_up.state = FollowUpState.done
        follow_up.action_note = note
        follow_up.done_by_id, follow_up.done_at = user.id, utcnow()
    else:
        raise KioskError(_("Unknown action."))
    record("kiosk_followup." + action, follow_up, before=before, summary=note[:100])
