"""The online channel: the anonymous public form page by page, its thanks, the QR code and poster to it."""

from __future__ import annotations

import io

import segno
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from survey_app.core.drafts import DraftError
from survey_app.extensions import db, limiter
from survey_app.forms.common import ActionForm
from survey_app.models import Unit
from survey_app.models.sipas import SipasCampaign
from survey_app.org.services import get_unit_by_code
from survey_app.sipas.campaigns import (
    SipasError,
    ensure_accepts_online,
    get_campaign,
    participates,
    questionnaire_of,
)
from survey_app.sipas.online import (
    MAX_COMMENT,
    device_has_answered,
    form_pages,
    load_draft,
    new_device_token,
    save_draft,
    submit_online,
    take_page_answers,
)
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import campaign_unit_or_404, ui_language

DEVICE_COOKIE = "sipas_device"
DEVICE_COOKIE_SECONDS = 400 * 24 * 3600  # the longest lifetime browsers keep a cookie
QR_KINDS = {"png": "image/png", "svg": "image/svg+xml"}


# --- QR code and poster ------------------------------------------------------------------------


def _public_url(campaign: SipasCampaign, unit: Unit) -> str:
    """The link of the public form (what the QR code holds)."""
    return url_for("sipas.public_form", code=campaign.code, unit_code=unit.code, _external=True)


@bp.get("/campaigns/<code>/qr/<unit_code>.<fmt>")
@login_required
def qr_code(code: str, unit_code: str, fmt: str):
    """The QR code of a unit's public form, as PNG or SVG."""
    campaign, unit = campaign_unit_or_404(code, unit_code)
    if fmt not in QR_KINDS:
        abort(404)
    qr = segno.make(_public_url(campaign, unit), error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=10, border=2)
    else:
        qr.save(buffer, kind="svg", scale=10, border=2, xmldecl=False)
    return Response(buffer.getvalue(), mimetype=QR_KINDS[fmt])


@bp.get("/campaigns/<code>/poster/<unit_code>")
@login_required
def poster(code: str, unit_code: str):
    """A printable A5 poster and appointment-slip-sized QR labels."""
    campaign, unit = campaign_unit_or_404(code, unit_code)
    return render_template("sipas/poster.html", campaign=campaign, unit=unit, url=_public_url(campaign, unit))


# --- the public form ---------------------------------------------------------------------------


def _public_target(code: str, unit_code: str) -> tuple[SipasCampaign, Unit]:
    """The campaign and unit of a public form link, else 404 (nothing else is revealed)."""
    campaign = get_campaign(code)
    unit = get_unit_by_code(unit_code)
    if campaign is None or unit is None or not participates(campaign, unit):
        abort(404)
    return campaign, unit


def _closed_reason(campaign: SipasCampaign, unit: Unit, device_token: str | None) -> str | None:
    """Why the form takes no answer from this device for this unit now, if it does not."""
    try:
        ensure_accepts_online(campaign, unit=unit)
    except SipasError as exc:
        return str(exc)
    if device_has_answered(campaign, device_token):
        return _("This device has already answered this survey. Thank you!")
    return None


def _submit_rate() -> str:
    """How many public-form posts one address may make (configurable)."""
    return current_app.config["SIPAS_SUBMIT_RATE"]


@bp.route("/s/<code>/<unit_code>", methods=["GET", "POST"])
@limiter.limit(_submit_rate, methods=["POST"])
def public_form(code: str, unit_code: str):
    """The anonymous, mobile-first form: one page per element, saved page by page."""
    campaign, unit = _public_target(code, unit_code)
    questionnaire = questionnaire_of(campaign)
    token = request.cookies.get(DEVICE_COOKIE)
    closed_reason = _closed_reason(campaign, unit, token)
    if closed_reason:
        return render_template("sipas/public_closed.html", campaign=campaign, unit=unit, reason=closed_reason)

    pages = form_pages(questionnaire)
    draft = load_draft(campaign, unit)  # kept on the server; the cookie holds only a random key
    number = max(1, min(len(pages), request.values.get("p", 1, type=int)))
    page = pages[number - 1]
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        draft.answers, errors = take_page_answers(questionnaire, page, request.form, draft.answers)
        if page.last:
            draft.comment = request.form.get("comment", "")[:MAX_COMMENT]
        try:
            save_draft(campaign, unit, draft)
        except DraftError as exc:
            errors["comment"] = str(exc)
        if not errors:
            if request.form.get("go", "next") == "back":
                db.session.commit()
                return redirect(url_for("sipas.public_form", code=code, unit_code=unit_code, p=number - 1))
            if not page.last:
                db.session.commit()
                return redirect(url_for("sipas.public_form", code=code, unit_code=unit_code, p=number + 1))
            device = token or new_device_token()
            try:
                submit_online(campaign, unit, draft.answers, draft.comment, device)  # deletes the draft
            except SipasError as exc:
                db.session.rollback()
                return render_template(
                    "sipas/public_closed.html", campaign=campaign, unit=unit, reason=str(exc)
                )
            db.session.commit()
            reply = redirect(url_for("sipas.public_thanks", code=code, unit_code=unit_code))
            reply.set_cookie(
                DEVICE_COOKIE,
                device,
                max_age=DEVICE_COOKIE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return reply
        db.session.commit()
    return render_template(
        "sipas/public_form.html",
        campaign=campaign,
        unit=unit,
        questionnaire=questionnaire,
        lang=ui_language(),
        page=page,
        number=number,
        total=len(pages),
        answers=draft.answers,
        comment=draft.comment,
        errors=errors,
        form=ActionForm(),
    )


@bp.get("/s/<code>/<unit_code>/thanks")
def public_thanks(code: str, unit_code: str):
    """Thanks after a submission."""
    campaign, unit = _public_target(code, unit_code)
    return render_template("sipas/public_thanks.html", campaign=campaign, unit=unit)
