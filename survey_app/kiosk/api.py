"""JSON API of the kiosk feature: pairing, device config, rating ingest, and kiosk statistics."""

from __future__ import annotations

import json
from datetime import date, timedelta

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from survey_app.analytics.kiosk_queries import kiosk_stats
from survey_app.api.auth import api_user, bearer_token, token_required
from survey_app.auth.permissions import Capability, in_scope
from survey_app.extensions import db, limiter
from survey_app.kiosk import services
from survey_app.kiosk.levels import REASONS, in_both_languages, levels
from survey_app.models import ProcedureField
from survey_app.models.kiosk import KioskDevice
from survey_app.org.services import get_unit_by_code

blp = Blueprint("kiosk_api", __name__, url_prefix="/api/v1", description="Kiosk devices and ratings")

DEFAULT_MAX_BODY = 2 * 1024 * 1024  # 500 ratings with 1,000-character Vietnamese comments fit


def _device_unauthorized() -> None:
    """401 with a JSON body for a missing, unknown or revoked device token."""
    abort(
        401,
        message=_("A valid kiosk device token is required (Authorization: Bearer <token>)."),
        headers={"WWW-Authenticate": 'Bearer realm="kiosk"'},
    )


def _current_device(*, known: bool = False) -> services.DeviceRef:
    """The device of the request's token, read now (or as this process remembers it); else 401."""
    find = services.known_device_for_token if known else services.device_for_token
    device = find(bearer_token())
    if device is None:
        _device_unauthorized()
    return device


def _note_visit(device) -> bool:
    """Note the device's visit, with the app version and queue length it reported (the caller commits).

    True when something was written.
    """
    return services.note_device_seen(
        device,
        app_version=request.headers.get("X-Kiosk-Version"),
        queue_length=request.headers.get("X-Kiosk-Queue"),
    )


def _json_body():
    """The request body parsed as JSON: 413 when too large, 400 when malformed."""
    request.max_content_length = current_app.config.get("KIOSK_MAX_BODY_BYTES", DEFAULT_MAX_BODY)
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        abort(400, message=_("The request body is not valid JSON."))


@blp.route("/kiosk/pair", methods=["POST"])
@limiter.limit("10 per minute")
@blp.doc(security=[])
def pair():
    """Exchange a one-time pairing code ({"code": "12345678"}) for the device's token."""
    body = _json_body() if request.mimetype == "application/json" else request.form.to_dict()
    if not isinstance(body, dict) or not isinstance(body.get("code"), str | int):
        abort(422, message=_("Send the pairing code."), errors={"json": {"code": [_("Required.")]}})
    try:
        device, token = services.pair_device(str(body["code"]))
    except services.KioskError as exc:
        db.session.rollback()
        abort(422, message=str(exc), errors={"json": {"code": [str(exc)]}})
    db.session.commit()
    return jsonify(token=token, device={"name": device.name, "unit": device.unit.name})


@blp.route("/kiosk/config", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
def config():
    """What the device shows: its unit and counter, staff on duty, fields, reasons and levels."""
    found = _current_device()
    _note_visit(found)
    device = db.session.get(KioskDevice, found.id)
    unit = device.unit
    staff = services.staff_on_duty(device)
    fields = db.session.scalars(
        db.select(ProcedureField).where(ProcedureField.active.is_(True)).order_by(ProcedureField.position)
    ).all()
    body = {
        "device": {"id": device.id, "name": device.name},
        "unit": {"code": unit.code, "name": unit.name},
        "counter": {"id": device.counter.id, "code": device.counter.code, "name": device.counter.name}
        if device.counter
        else None,
        "counters": [{"id": c.id, "code": c.code, "name": c.name} for c in unit.counters if c.active],
        "staff": [
            {
                "id": s.id,
                "full_name": s.full_name,
                "title": s.title,
                "initials": s.initials,
                "counter_id": s.counter_id,
                "photo_url": f"/org/staff/{s.id}/photo?v={s.photo_version}" if s.photo_mime else None,
            }
            for s in staff
        ],
        "fields": [{"code": f.code, "name": {"vi": f.name_vi, "en": f.name_en}} for f in fields],
        "reasons": [{"code": code, "label": in_both_languages(label)} for code, label in REASONS],
        "levels": [
            {
                "code": level.code,
                "label": in_both_languages(level.label),
                "satisfied": level.satisfied,
                "needs_reason": level.needs_reason,
                "tone": level.tone,
            }
            for level in levels()
        ],
        "limits": {
            "batch": services.MAX_BATCH,
            "comment": services.MAX_COMMENT,
            "dossier_code": services.MAX_DOSSIER_CODE,
        },
        "idle_seconds": int(current_app.config.get("KIOSK_IDLE_SECONDS", 60)),
        "thanks_seconds": int(current_app.config.get("KIOSK_THANKS_SECONDS", 5)),
    }
    db.session.commit()  # the device's last-seen time
    return jsonify(body)


@blp.route("/kiosk/ratings", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
def ratings():
    """Store a batch of 1 to 500 ratings exactly once each; one result per item, in order."""
    device = _current_device(known=True)  # before reading a body that may be large
    body = _json_body()
    items = body.get("ratings") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 1 <= len(items) <= services.MAX_BATCH:
        abort(
            422,
            message=_('Send {"ratings": [...]} with 1 to %(n)d ratings.', n=services.MAX_BATCH),
            errors={"json": {"ratings": [_("1 to %(n)d items are required.", n=services.MAX_BATCH)]}},
        )
    try:
        results = services.ingest(device, items)  # commits (group commit)
    except services.DeviceNotActive:
        _device_unauthorized()
    if _note_visit(device):
        db.session.commit()
    return jsonify(results=[result.as_json() for result in results])


def _parse_day(name: str, default: date) -> date:
    """A YYYY-MM-DD query argument (422 when malformed)."""
    value = request.args.get(name)
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(422, message=_("Dates are YYYY-MM-DD."), errors={"query": {name: [_("Dates are YYYY-MM-DD.")]}})


@blp.route("/stats/kiosk", methods=["GET"])
@token_required(Capability.read_results)
def stats():
    """Kiosk figures of a unit's whole subtree: n, counts and shares per level, satisfaction rate."""
    code = request.args.get("unit", "")
    unit = get_unit_by_code(code) if code else None
    if not code:
        abort(422, message=_("Give a unit code."), errors={"query": {"unit": [_("Required.")]}})
    if unit is None or not in_scope(api_user(), unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=code))
    end = _parse_day("to", date.today())
    start = _parse_day("from", end - timedelta(days=29))
    if start > end:
        abort(
            422,
            message=_("The start date is after the end date."),
            errors={"query": {"from": [_("After 'to'.")]}},
        )
    figures = kiosk_stats(unit, start, end)
    return jsonify(
        unit=unit.code, unit_name=unit.name, **{"from": start.isoformat(), "to": end.isoformat()}, **figures
    )
