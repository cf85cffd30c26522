"""JSON API of the kiosk feature: pairing, device config, rating ingest, and kiosk statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_smorest import abort
from flask_smorest.error_handler import ErrorSchema

from survey_app.analytics.kiosk_queries import kiosk_stats
from survey_app.api.auth import api_user, bearer_token, token_required
from survey_app.api.blueprint import ApiBlueprint
from survey_app.auth.permissions import Capability, in_scope
from survey_app.core import clock
from survey_app.core.errors import busy_headers, busy_message, is_database_busy
from survey_app.extensions import db, limiter
from survey_app.kiosk.devices import (
    DeviceRef,
    device_for_token,
    known_device_for_token,
    note_device_seen,
    pair_device,
)
from survey_app.kiosk.errors import DeviceNotActive, KioskError
from survey_app.kiosk.ingest import ingest
from survey_app.kiosk.levels import level_codes, satisfied_levels
from survey_app.kiosk.schemas import (
    KioskConfigSchema,
    KioskPairedSchema,
    KioskPairingSchema,
    KioskRatingsAnswerSchema,
    KioskRatingsSchema,
    KioskStatsQuerySchema,
    KioskStatsSchema,
)
from survey_app.kiosk.screen import device_config
from survey_app.models.kiosk import KioskDevice
from survey_app.org.services import get_unit_by_code

DEFAULT_PERIOD = timedelta(days=29)  # the stats' period ends today and spans 30 days unless given


blp = ApiBlueprint(
    "kiosk_api",
    __name__,
    url_prefix="/api/v1",
    description="Kiosk devices and ratings",
    max_body_setting="KIOSK_MAX_BODY_BYTES",
)


def _device_unauthorized() -> None:
    """401 with a JSON body for a missing, unknown or revoked device token."""
    abort(
        401,
        message=_("A valid kiosk device token is required (Authorization: Bearer <token>)."),
        headers={"WWW-Authenticate": 'Bearer realm="kiosk"'},
    )


def device_token(*, remembered: bool) -> Callable:
    """View decorator: the device of the request's token (401 otherwise), passed on as `device`.

    `remembered` reads it as this process remembers it (devices.known_device_for_token: ingest checks
    it again where it writes); otherwise from the database now.
    """
    find = known_device_for_token if remembered else device_for_token

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            device = find(bearer_token())
            if device is None:
                _device_unauthorized()
            return view(*args, device=device, **kwargs)

        return wrapped

    return decorator


def _note_visit(device: DeviceRef) -> bool:
    """Note the device's visit, with the app version and queue length it reported (the caller commits).

    True when something was written.
    """
    return note_device_seen(
        device,
        app_version=request.headers.get("X-Kiosk-Version"),
        queue_length=request.headers.get("X-Kiosk-Queue"),
    )


DEVICE_TOKEN_REFUSED = "Missing, unknown or revoked device token"  # noqa: S105 - a description


@blp.route("/kiosk/pair", methods=["POST"])
@limiter.limit("10 per minute")
@blp.doc(security=[])
@blp.arguments(KioskPairingSchema())
@blp.response(200, KioskPairedSchema())
@blp.alt_response(429, schema=ErrorSchema, description="More than 10 attempts a minute")
def pair(body: dict):
    """Exchange a one-time pairing code for the device's token (422 when the code is not valid)."""
    try:
        device, token = pair_device(body["code"])
    except KioskError as exc:
        db.session.rollback()
        abort(422, message=str(exc), errors={"json": {"code": [str(exc)]}})
    answer = {"token": token, "device": {"name": device.name, "unit": device.unit.name}}
    db.session.commit()
    return answer


@blp.route("/kiosk/config", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@device_token(remembered=False)
@blp.response(200, KioskConfigSchema())
@blp.alt_response(401, schema=ErrorSchema, description=DEVICE_TOKEN_REFUSED)
def config(device: DeviceRef):
    """What the device shows: its unit and counter, staff on duty, fields, reasons and levels."""
    _note_visit(device)
    answer = device_config(db.session.get(KioskDevice, device.id))
    db.session.commit()  # the device's last-seen time
    return answer


@blp.route("/kiosk/ratings", methods=["POST"])
@blp.doc(security=[{"bearerAuth": []}])
@device_token(remembered=True)  # before reading a body that may be large
@blp.arguments(KioskRatingsSchema())
@blp.built_response(200, KioskRatingsAnswerSchema())
@blp.alt_response(400, schema=ErrorSchema, description="The body is not JSON")
@blp.alt_response(401, schema=ErrorSchema, description=DEVICE_TOKEN_REFUSED)
@blp.alt_response(413, schema=ErrorSchema, description="The body is over KIOSK_MAX_BODY_BYTES")
@blp.alt_response(
    503,
    schema=ErrorSchema,
    description="The database stayed busy (an import, say): nothing stored; send again after Retry-After",
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
)
def ratings(body: dict, device: DeviceRef):
    """Store a batch of 1 to 500 ratings exactly once each; one result per item, in order.

    A bad item is answered `rejected` with its errors while the others are stored; only an envelope
    that is not `{"ratings": [1 to 500 items]}` is refused whole (422). When the database stays locked
    longer than DATABASE_LOCK_WAIT_SECONDS the batch is not stored and the answer is 503 with
    Retry-After: the tablet sends it again, and each rating is still stored once.
    """
    try:
        results = ingest(device, body["ratings"])  # commits (group commit)
    except DeviceNotActive:
        _device_unauthorized()
    except Exception as exc:
        if not is_database_busy(exc):  # SQLAlchemy's error or the driver's own (prepared statements)
            raise
        db.session.rollback()
        abort(503, message=busy_message(), headers=busy_headers())
    try:
        if _note_visit(device):
            db.session.commit()
    except Exception as exc:
        if not is_database_busy(exc):
            raise
        db.session.rollback()  # the ratings are stored: their answer matters more than the visit's time
    # Built here rather than dumped by the schema, which documents it (tests/kiosk/test_api.py checks the
    # two agree): dumping 500 results through marshmallow costs 2 ms, 8% of a drained queue's batch.
    return jsonify(results=[result.as_json() for result in results])


@blp.route("/stats/kiosk", methods=["GET"])
@token_required(Capability.read_results)  # before the query is read: no token is 401 whatever it asks
@blp.arguments(KioskStatsQuerySchema(), location="query")
@blp.response(200, KioskStatsSchema())
@blp.alt_response(401, schema=ErrorSchema, description="Missing or unknown API token")
@blp.alt_response(403, schema=ErrorSchema, description="The token's role does not read results")
@blp.alt_response(404, schema=ErrorSchema, description="No such unit in the token owner's scope")
def stats(query: dict):
    """Kiosk figures of a unit's whole subtree: n, counts and shares per level, satisfaction rate.

    Shares, rate and interval are withheld (null, `suppressed` true) below SMALL_SAMPLE_MIN ratings,
    as on the dashboards.
    """
    unit = get_unit_by_code(query["unit"])
    if unit is None or not in_scope(api_user(), unit.id):
        abort(404, message=_("No unit %(code)s in your scope.", code=query["unit"]))
    end = query["to"] or clock.today()
    start = query["from_"] or end - DEFAULT_PERIOD
    if start > end:
        abort(
            422,
            message=_("The start date is after the end date."),
            errors={"query": {"from": [_("After 'to'.")]}},
        )
    figures = kiosk_stats(
        db.session,
        unit,
        start,
        end,
        level_codes=level_codes(),
        satisfied_levels=satisfied_levels(),
        min_n=current_app.config["SMALL_SAMPLE_MIN"],
    )
    return {"unit": unit.code, "unit_name": unit.name, "from_": start, "to": end, **figures}
