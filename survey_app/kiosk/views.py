"""HTML pages of the kiosk feature: the kiosk screen, device admin, flag review, live feed, follow-ups."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app.auth.permissions import Capability, ensure_in_scope, require, scope_root
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.kiosk import DeviceForm, FlagReviewForm, FollowUpForm
from survey_app.kiosk import review
from survey_app.kiosk.devices import devices_in_scope, register_device, renew_pairing_code, revoke_device
from survey_app.kiosk.errors import KioskError
from survey_app.kiosk.levels import level_label, reason_label
from survey_app.kiosk.screen import APP_VERSION, screen_texts
from survey_app.models import Counter, Unit
from survey_app.models.kiosk import FlagState, FollowUpState, KioskDevice, KioskFollowUp, KioskRating
from survey_app.org.services import is_open_today, tree_rows

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

# What the kiosk screen loads, cached by its service worker under the URLs the page asks for.
SHELL_ASSETS = ("js/kiosk.js", "css/kiosk.css", "css/app.css", "js/nav.js", "favicon.svg")
SERVICE_WORKER = Path(__file__).resolve().parents[2] / "static" / "js" / "kiosk-sw.js"


@bp.app_context_processor
def kiosk_helpers() -> dict:
    """Labels of levels and reasons for the kiosk templates."""
    return {"kiosk_level_label": level_label, "kiosk_reason_label": reason_label}


# --- the kiosk screen (public: the tablet has no user, only its device token) -------------------


@bp.get("")
def screen():
    """The touch screen: pairing once, then ratings; works offline from the service worker's cache."""
    return render_template("kiosk/screen.html", texts=screen_texts(), version=APP_VERSION)


@bp.get("/sw.js")
def service_worker():
    """The kiosk's service worker, allowed to control /kiosk."""
    shell = ["/kiosk", *(url_for("static", filename=name) for name in SHELL_ASSETS)]
    version = hashlib.sha256(json.dumps(shell).encode()).hexdigest()[:12]  # new assets, new cache
    preamble = f"self.KIOSK_SHELL = {json.dumps(shell)};\nself.KIOSK_SHELL_VERSION = {json.dumps(version)};\n"
    response = current_app.response_class(
        preamble.encode() + SERVICE_WORKER.read_bytes(), mimetype="text/javascript"
    )
    response.headers["Service-Worker-Allowed"] = "/kiosk"
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- devices (unit admins) -------------------------------------------------------------------


def _place_choices() -> list[tuple[str, str]]:
    """Units of the user's scope open today ("u<id>") and their active counters ("c<id>")."""
    choices: list[tuple[str, str]] = []
    for unit, level in tree_rows(scope_root(current_user)):
        if not is_open_today(unit):
            continue
        choices.append((f"u{unit.id}", "\u2003" * level + f"{unit.name} ({unit.code})"))
        for counter in unit.counters:
            if counter.active:
                choices.append((f"c{counter.id}", "\u2003" * (level + 1) + f"› {counter.name}"))
    return choices


def _resolve_place(value: str) -> tuple[Unit, Counter | None] | None:
    """The unit (and counter) a place choice stands for, if it is in scope."""
    kind, number = (value or "")[:1], (value or "")[1:]
    if not number.isdigit():
        return None
    if kind == "u":
        unit = db.session.get(Unit, int(number))
        return (unit, None) if unit else None
    if kind == "c":
        counter = db.session.get(Counter, int(number))
        return (counter.unit, counter) if counter else None
    return None


def _device_or_404(device_id: int) -> KioskDevice:
    """A device of the user's scope, else 404."""
    device = db.session.get(KioskDevice, device_id)
    ensure_in_scope(device.unit_id if device else None)
    return device


def _devices_page(form: DeviceForm, *, new_code: str | None = None, coded: KioskDevice | None = None):
    """The device list with the registration form, and a just-issued pairing code if any."""
    return render_template(
        "kiosk/devices.html",
        form=form,
        action_form=ActionForm(),
        devices=devices_in_scope(scope_root(current_user)),
        new_code=new_code,
        coded=coded,
    )


@bp.route("/devices", methods=["GET", "POST"])
@require(Capability.manage_people)
def devices():
    """Kiosks of the user's units; register a new one and show its one-time pairing code."""
    form = DeviceForm(place_choices=_place_choices())
    if form.validate_on_submit():
        place = _resolve_place(form.place.data)
        if place is None:
            abort(404)
        unit, counter = place
        ensure_in_scope(unit)
        try:
            device, code = register_device(unit, counter=counter, name=form.name.data)
        except KioskError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            return _devices_page(
                DeviceForm(place_choices=_place_choices(), formdata=None), new_code=code, coded=device
            )
    return _devices_page(form)


@bp.post("/devices/<int:device_id>/pairing-code")
@require(Capability.manage_people)
def pairing_code(device_id: int):
    """Issue a new one-time pairing code (the device's old token stops working)."""
    device = _device_or_404(device_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    code = renew_pairing_code(device)
    db.session.commit()
    return _devices_page(
        DeviceForm(place_choices=_place_choices(), formdata=None), new_code=code, coded=device
    )


@bp.post("/devices/<int:device_id>/revoke")
@require(Capability.manage_people)
def revoke(device_id: int):
    """Revoke a device: it can no longer send ratings (its queued ratings stay on the tablet)."""
    device = _device_or_404(device_id)
    if ActionForm().validate_on_submit():
        try:
            revoke_device(device)
        except KioskError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Device %(name)s revoked.", name=device.name), "success")
    return redirect(url_for("kiosk.devices"))


# --- flagged ratings (unit admins) -------------------------------------------------------------


REVIEW_STATES = (FlagState.flagged, FlagState.cleared, FlagState.confirmed)  # the tabs, in order


@bp.get("/flags")
@require(Capability.manage_people)
def flags():
    """Ratings stored but set aside by a flag, to clear (count) or confirm (keep out)."""
    state = next((s for s in REVIEW_STATES if s.value == request.args.get("state")), FlagState.flagged)
    ratings = review.flagged_ratings(scope_root(current_user), state=state)
    return render_template(
        "kiosk/flags.html",
        ratings=ratings,
        state=state.value,
        states=REVIEW_STATES,
        form=FlagReviewForm(formdata=None),
    )


@bp.post("/ratings/<int:rating_id>/flag")
@require(Capability.manage_people)
def review_flag(rating_id: int):
    """Clear or confirm one rating's flag; the roll-ups follow in the same transaction."""
    rating = db.session.get(KioskRating, rating_id)
    ensure_in_scope(rating.unit_id if rating else None)
    form = FlagReviewForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to clear or confirm the flag."), "error")
        return redirect(url_for("kiosk.flags"))
    try:
        review.review_flag(rating, decision=form.decision.data, reviewer=current_user)
    except KioskError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if form.decision.data == "clear":
            flash(_("Flag cleared: the rating now counts."), "success")
        else:
            flash(_("Flag confirmed: the rating stays out of the figures."), "success")
    return redirect(url_for("kiosk.flags", state=request.args.get("state", "flagged")))


# --- officials: live feed and follow-ups -------------------------------------------------------


def _feed_entry(rating: KioskRating) -> dict:
    """One rating of the live feed as JSON (no personal data: the kiosk is anonymous)."""
    return {
        "id": rating.id,
        "rated_at": rating.rated_at.isoformat(),
        "unit": rating.unit.name,
        "counter": rating.counter.name if rating.counter else "",
        "staff": rating.staff.full_name if rating.staff else "",
        "level": rating.level,
        "level_label": level_label(rating.level),
        "reasons": [reason_label(code) for code in rating.reasons or []],
        "comment": rating.comment or "",
        "flagged": not rating.counted,
    }


@bp.get("/feed")
@require(Capability.enter_data)
def feed():
    """The latest ratings of the official's units, refreshed live."""
    ratings = review.recent_ratings(scope_root(current_user), limit=50)
    refresh = int(current_app.config["KIOSK_FEED_REFRESH_SECONDS"])
    return render_template("kiosk/feed.html", ratings=ratings, refresh_seconds=refresh)


@bp.get("/feed.json")
@require(Capability.enter_data)
def feed_data():
    """The latest ratings as JSON, polled by the feed page."""
    ratings = review.recent_ratings(scope_root(current_user), limit=50)
    return jsonify(ratings=[_feed_entry(r) for r in ratings])


@bp.get("/follow-ups")
@require(Capability.enter_data)
def follow_ups():
    """Dissatisfied ratings with a comment: acknowledge them and note the action taken."""
    state_name = request.args.get("state", "open")
    state = next((s for s in FollowUpState if s.value == state_name), None)  # None: every state
    items = review.follow_ups(scope_root(current_user), state=state)
    counts = review.follow_up_counts(scope_root(current_user))
    return render_template(
        "kiosk/follow_ups.html",
        items=items,
        state=state.value if state else "all",
        tabs=[(s.value, s.label) for s in FollowUpState] + [("all", _("All"))],
        counts=counts,
        form=FollowUpForm(formdata=None),
    )


@bp.post("/follow-ups/<int:follow_up_id>")
@require(Capability.enter_data)
def follow_up(follow_up_id: int):
    """Acknowledge a follow-up or record the action taken."""
    item = db.session.scalar(select(KioskFollowUp).where(KioskFollowUp.id == follow_up_id))
    ensure_in_scope(item.unit_id if item else None)
    form = FollowUpForm()
    back = url_for("kiosk.follow_ups", state=request.args.get("state", "open"))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(back)
    try:
        review.update_follow_up(item, action=form.action.data, note=form.note.data or "", user=current_user)
    except KioskError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Follow-up updated."), "success")
    return redirect(back)
