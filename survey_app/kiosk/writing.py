"""The write of valid ratings: each id stored once, doubtful ones flagged, complaints listed for follow-up.

The roll-ups take the counted ratings in the INSERT itself (trigger kiosk_rating_rollups, migration
0006). Everything here runs on the connection the group committer gives it, in one transaction.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import JSON, and_, bindparam, select, text
from sqlalchemy.dialects import postgresql

from survey_app.analytics import kiosk_pooled
from survey_app.core import clock
from survey_app.kiosk import statements
from survey_app.kiosk.devices import forget_device
from survey_app.kiosk.errors import DeviceNotActive
from survey_app.kiosk.flags import FlagRules, min_interval, too_close
from survey_app.kiosk.items import Batch, Candidate, Device, ItemResult, ItemStatus, RejectReason
from survey_app.kiosk.levels import level_by_code
from survey_app.models import Staff, Unit, UnitStatus
from survey_app.models.kiosk import (
    DeviceStatus,
    FlagState,
    FollowUpState,
    KioskDevice,
    KioskFollowUp,
    KioskRating,
)

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class DeviceNow:
    """A device as the writing transaction finds it: its place now, and its presses near a batch's."""

    unit_id: int
    counter_id: int | None
    nearby: list[datetime]
    closes_on: date | None = None  # the unit's first local day without collecting (org.services.is_open_on)


def _device_window():
    """SELECT of an active device's place and its unit's closing, joined to its stored presses in a window."""
    devices, ratings, units = KioskDevice.__table__, KioskRating.__table__, Unit.__table__
    window = and_(
        ratings.c.device_id == devices.c.id,
        ratings.c.rated_at > bindparam("after", type_=ratings.c.rated_at.type),
        ratings.c.rated_at < bindparam("before", type_=ratings.c.rated_at.type),
    )
    return (
        select(devices.c.unit_id, devices.c.counter_id, units.c.status, units.c.active_to, ratings.c.rated_at)
        .select_from(devices.join(units, units.c.id == devices.c.unit_id).outerjoin(ratings, window))
        .where(
            devices.c.id == bindparam("device_id"),
            devices.c.token_hash == bindparam("token_hash"),
            devices.c.status == DeviceStatus.active.value,
        )
    )


def device_now(connection, device: Device, times: list[datetime]) -> DeviceNow | None:
    """The device's current place, its unit's closing and stored presses around these times; None if no
    longer active.

    One statement does all: every batch needs the too-close window, reading the device in the writing
    transaction is what lets the API remember tokens (devices.known_device_for_token), and the unit's
    closing day is read once per batch, not per rating.
    """
    gap = min_interval()
    if times and gap > timedelta(0):
        after, before = min(times) - gap, max(times) + gap
    else:  # nothing to judge: an empty window, the device alone
        after = before = clock.now()
    params = {"device_id": device.id, "token_hash": device.token_hash, "after": after, "before": before}
    rows = statements.run("check_device", _device_window, params, connection)
    if not rows:
        return None
    first = rows[0]
    closes_on = first.active_to
    if closes_on is None and first.status != UnitStatus.active.value:
        closes_on = date.min  # closed without a date: collects nothing
    return DeviceNow(first.unit_id, first.counter_id, [r.rated_at for r in rows if r.rated_at], closes_on)


def opens_follow_up(candidate: Candidate) -> bool:
    """Whether a new rating lands in the follow-up list: its level needs a reason and it carries a comment."""
    if not candidate.comment:
        return False
    level = level_by_code(candidate.level)
    return level is not None and level.needs_reason


def write_batches(
    connection, batches: list[Batch], *, autocommit: bool = False
) -> list[list[ItemResult] | DeviceNotActive]:
    """Write the batches of concurrent requests; for each, its results in order, or DeviceNotActive.

    A batch whose device was revoked or paired again since its token was read is refused whole (nothing
    of it stored). The caller commits, unless `autocommit` says each statement commits on its own.
    """
    by_device: dict[tuple[int, str | None], list[int]] = {}
    for index, batch in enumerate(batches):
        by_device.setdefault((batch.device.id, batch.device.token_hash), []).append(index)
    places: dict[int, DeviceNow] = {}
    refused: set[int] = set()
    for indexes in by_device.values():
        device = batches[indexes[0]].device
        place = device_now(connection, device, [c.rated_at for i in indexes for c in batches[i].candidates])
        if place is None:
            forget_device(device.token_hash)
            refused.update(indexes)
            logger.info("kiosk device %s refused: revoked or paired again; nothing stored", device.id)
        else:
            places[device.id] = place

    results: list[list[ItemResult | None]] = [[None] * len(batch.candidates) for batch in batches]
    first: set[str] = set()
    to_write: list[tuple[int, int]] = []  # (batch, item) of each id's first occurrence
    zone = clock.local_zone()
    for index, batch in enumerate(batches):
        if index in refused:
            continue
        closes_on = places[batch.device.id].closes_on
        closed_message, closed_count = None, 0
        for position, candidate in enumerate(batch.candidates):
            if closes_on is not None and candidate.rated_at.astimezone(zone).date() >= closes_on:
                closed_message = closed_message or _closed_message(closes_on)
                closed_count += 1
                results[index][position] = ItemResult(
                    candidate.sent_id,
                    ItemStatus.rejected,
                    {"unit": closed_message},
                    code=RejectReason.unit_closed,
                )
            elif candidate.uuid in first:  # the same id twice, in one batch or in two requests at once
                results[index][position] = ItemResult(candidate.sent_id, ItemStatus.duplicate)
            else:
                first.add(candidate.uuid)
                to_write.append((index, position))
        if closed_count:
            logger.warning(
                "kiosk ratings rejected from device %s: unit_closed (%d dated on or after %s)",
                batch.device.id,
                closed_count,
                closes_on,
            )
    if len(to_write) > 1:  # a drained queue may resend part of a batch; a single item needs no look-up
        ids = [batches[i].candidates[p].uuid for i, p in to_write]
        existing = set(connection.scalars(select(KioskRating.uuid).where(KioskRating.uuid.in_(ids))))
        for i, p in to_write:
            candidate = batches[i].candidates[p]
            if candidate.uuid in existing:
                results[i][p] = ItemResult(candidate.sent_id, ItemStatus.duplicate)
        to_write = [(i, p) for i, p in to_write if batches[i].candidates[p].uuid not in existing]
    if to_write:
        _insert_new(connection, batches, to_write, places, results, committed=autocommit)
    return [DeviceNotActive() if index in refused else results[index] for index in range(len(batches))]


def _closed_message(closes_on: date) -> str:
    """Why a rating dated on or after the closing day of the device's unit is not stored."""
    if closes_on == date.min:
        return _("The unit is closed: ratings are not accepted.")
    return _(
        "The unit closed on %(date)s: ratings from that day on are not accepted.",
        date=closes_on.strftime("%d/%m/%Y"),
    )


def _insert_new(
    connection,
    batches: list[Batch],
    to_write: list[tuple[int, int]],
    places: dict[int, DeviceNow],
    results: list[list[ItemResult | None]],
    *,
    committed: bool = False,
) -> None:
    """Insert the new ratings (flagged when doubtful), open their follow-ups, and note each one's result.

    `committed`: each statement commits on its own (the INSERT is in when the next statement runs).
    """
    now = clock.now()
    zone = clock.local_zone()
    rules = FlagRules.at(now)
    entries = [(batches[i].device.id, batches[i].candidates[p]) for i, p in to_write]
    staff_ids = {c.staff_id for _d, c in entries if c.staff_id is not None}
    staff_place = {}
    if staff_ids:
        staff_place = {
            staff_id: (unit_id, counter_id)
            for staff_id, unit_id, counter_id in connection.execute(
                select(Staff.id, Staff.unit_id, Staff.counter_id).where(Staff.id.in_(staff_ids))
            )
        }
    per_device: dict[int, list[Candidate]] = {}
    for device_id, candidate in entries:
        per_device.setdefault(device_id, []).append(candidate)
    pressed_too_close = set().union(*(too_close(places[d].nearby, group) for d, group in per_device.items()))
    rows, flags = [], []
    for device_id, c in entries:
        device = places[device_id]  # its unit and counter as they are now
        place = staff_place.get(c.staff_id) if c.staff_id is not None else None
        staff_known = c.staff_id is None or (place is not None and place[0] == device.unit_id)
        flag = rules.flag(c.rated_at, staff_known=staff_known, too_close=c.uuid in pressed_too_close)
        staff_id, claimed = (c.staff_id, None) if staff_known else (None, c.staff_id)
        counter_id = device.counter_id or (place[1] if staff_known and place else None)
        local = c.rated_at.astimezone(zone)
        flags.append(flag)
        rows.append(
            {
                "uuid": c.uuid,
                "device_id": device_id,
                "unit_id": device.unit_id,
                "counter_id": counter_id,
                "staff_id": staff_id,
                "claimed_staff_id": claimed,
                "field_id": c.field_id,
                "level": c.level,
                "reasons": c.reasons,
                "comment": c.comment,
                "dossier_code": c.dossier_code,
                "rated_at": c.rated_at,
                "received_at": now,
                "local_day": local.date(),
                "local_hour": local.hour,
                "flag": flag.value if flag else None,
                "flag_state": (FlagState.flagged if flag else FlagState.none).value,
            }
        )
    created = _insert_ratings(connection, rows)
    # A counted rating of a month already over (an offline tablet's backlog) changes a month a national
    # summary may hold: one more statement for those only, after the INSERT (analytics.kiosk_pooled).
    today = clock.today()
    late = {
        (row["unit_id"], row["local_day"].replace(day=1))
        for row in rows
        if row["uuid"] in created
        and row["flag_state"] == FlagState.none.value
        and kiosk_pooled.is_late(row["local_day"], today)
    }
    if late and committed:  # the ratings are in: existing summaries above them are moved on, if any
        for params in kiosk_pooled.touch_params(late, "late_month"):
            if statements.run("pooled_above", lambda: kiosk_pooled.SUMMARISED_ABOVE, params, connection):
                statements.run("bump_pooled_above", lambda: kiosk_pooled.BUMP_ABOVE, params, connection)
    elif late:  # in the transaction of the ratings: state rows created, so a concurrent fill waits
        params = kiosk_pooled.touch_params(late)
        statement = functools.partial(kiosk_pooled.touch_statement, connection.dialect.name)
        statements.run("touch_pooled", statement, params if len(params) > 1 else params[0], connection)
    follow_ups = []
    for (i, p), (_device_id, c), row, flag in zip(to_write, entries, rows, flags, strict=True):
        if c.uuid in created:
            results[i][p] = ItemResult(c.sent_id, ItemStatus.created, flag=flag)
            if opens_follow_up(c):
                follow_ups.append(
                    {
                        "rating_id": created[c.uuid],
                        "unit_id": row["unit_id"],
                        "state": FollowUpState.open.value,
                    }
                )
        else:  # a concurrent request (another process) stored it first
            results[i][p] = ItemResult(c.sent_id, ItemStatus.duplicate)
    if follow_ups:
        connection.execute(
            statements.dialect_insert(KioskFollowUp, connection.dialect.name).values(follow_ups)
        )


def _insert_rating():
    """INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING id, uuid."""
    table = KioskRating.__table__
    statement = statements.dialect_insert(KioskRating).on_conflict_do_nothing(index_elements=["uuid"])
    return statement.returning(table.c.id, table.c.uuid)


def _insert_ratings(connection, rows: list[dict]) -> dict[str, int]:
    """INSERT … ON CONFLICT (uuid) DO NOTHING; returns {uuid: id} of the rows actually created."""
    if len(rows) > 1 and connection.dialect.name == "postgresql":
        return _insert_ratings_postgresql(connection, rows)
    result = statements.run("insert_rating", _insert_rating, rows if len(rows) > 1 else rows[0], connection)
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
    return {row.uuid: row.id for row in statements.run("insert_rating_arrays", build, params, connection)}
