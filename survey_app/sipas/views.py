"""HTML pages of SIPAS: campaigns, results, import/export, paper batches, and the public online form."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.analytics.sipas_queries import campaign_report, sample_progress
from survey_app.auth.permissions import Capability, has_capability, in_scope, require, scope_root
from survey_app.extensions import db, limiter
from survey_app.forms.sipas import ActionForm, BatchForm, CampaignForm, CampaignUnitForm, ImportForm
from survey_app.models import Unit
from survey_app.models.sipas import SipasBatch, SipasResponse
from survey_app.org.services import get_unit_by_code, subtree_ids_query, tree_rows
from survey_app.sipas import services
from survey_app.sipas.questionnaire import catalogue
from survey_app.sipas.services import SipasError

bp = Blueprint("sipas", __name__, url_prefix="/sipas")

DEVICE_COOKIE = "sipas_device"
DRAFT_KEY = "sipas_draft"


# --- helpers -----------------------------------------------------------------------------------


def _campaign_or_404(code: str):
    """A campaign the current user's subtree runs or takes part in, else 404."""
    campaign = services.get_campaign(code)
    if campaign is None or not services.campaign_visible(campaign, scope_root(current_user)):
        abort(404)
    return campaign


def _managed_campaign_or_404(code: str):
    """A campaign run within the current user's subtree (admins: any), else 404."""
    campaign = _campaign_or_404(code)
    root = scope_root(current_user)
    if root is not None and (
        campaign.owner_unit_id is None or not in_scope(current_user, campaign.owner_unit_id)
    ):
        abort(404)
    return campaign


def _unit_choices() -> list[tuple[int, str]]:
    """Active units of the user's subtree as indented select choices."""
    return [
        (unit.id, "\u2003" * level + f"{unit.name} ({unit.code})")
        for unit, level in tree_rows(scope_root(current_user))
        if unit.is_active
    ]


def _lang() -> str:
    """The UI language code."""
    from survey_app.core.formatting import _locale

    return _locale()


# --- campaigns ---------------------------------------------------------------------------------


def _signed_in(view):
    """Sign-in required (302 to the login page)."""
    from flask_login import login_required

    return login_required(view)


@bp.get("/campaigns")
@_signed_in
def campaigns():
    """Campaigns the user's units run or take part in."""
    return render_template(
        "sipas/campaigns.html",
        campaigns=services.visible_campaigns(scope_root(current_user)),
        can_manage=has_capability(current_user, Capability.manage_people),
        state_label=services.state_label,
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@require(Capability.manage_people)
def new_campaign():
    """Create a campaign in draft."""
    lang = _lang()
    versions = catalogue().versions
    form = CampaignForm(
        questionnaires=[(v, q.title(lang)) for v, q in sorted(versions.items())],
        units=_unit_choices(),
    )
    if form.validate_on_submit():
        owner = db.session.get(Unit, form.owner_id.data)
        if owner is None or not in_scope(current_user, owner.id):
            form.owner_id.errors.append(_("Choose a unit of yours."))
        else:
            try:
                campaign = services.create_campaign(
                    code=form.code.data,
                    name=form.name.data,
                    questionnaire=form.questionnaire.data,
                    start_on=form.start_on.data,
                    end_on=form.end_on.data,
                    channels=form.channels.data,
                    owner_unit=owner,
                )
            except SipasError as exc:
                form.code.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Campaign %(code)s created.", code=campaign.code), "success")
                return redirect(url_for("sipas.campaign", code=campaign.code))
    return render_template("sipas/campaign_form.html", form=form, refused=catalogue().errors)


@bp.get("/campaigns/<code>")
@_signed_in
def campaign(code: str):
    """A campaign: state, participating units with sample progress, links to every channel."""
    campaign = _campaign_or_404(code)
    root = scope_root(current_user)
    manage = has_capability(current_user, Capability.manage_people) and (
        root is None
        or (campaign.owner_unit_id is not None and in_scope(current_user, campaign.owner_unit_id))
    )
    progress = [
        row for row in sample_progress(campaign) if root is None or in_scope(current_user, row["unit"].id)
    ]
    unit_form = CampaignUnitForm(units=_unit_choices()) if manage else None
    return render_template(
        "sipas/campaign.html",
        campaign=campaign,
        questionnaire=services.questionnaire_of(campaign),
        progress=progress,
        manage=manage,
        unit_form=unit_form,
        action_form=ActionForm(),
        state_label=services.state_label,
        channel_label=services.channel_label,
        can_enter=has_capability(current_user, Capability.enter_data),
        can_read=has_capability(current_user, Capability.read_results),
    )


@bp.post("/campaigns/<code>/units")
@require(Capability.manage_people)
def add_unit(code: str):
    """Add a participating unit (or change its target)."""
    campaign = _managed_campaign_or_404(code)
    form = CampaignUnitForm(units=_unit_choices())
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None or not in_scope(current_user, unit.id):
            abort(404)
        try:
            link = services.set_campaign_unit(
                campaign, unit, target=form.target.data, population=form.population.data
            )
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _("%(unit)s takes part with a target of %(n)d forms.", unit=unit.name, n=link.target),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("sipas.campaign", code=campaign.code))


@bp.post("/campaigns/<code>/units/<int:unit_id>/remove")
@require(Capability.manage_people)
def remove_unit(code: str, unit_id: int):
    """Take a unit out of the campaign."""
    campaign = _managed_campaign_or_404(code)
    link = next((link for link in campaign.units if link.unit_id == unit_id), None)
    if link is None or not in_scope(current_user, unit_id):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.remove_campaign_unit(campaign, link)
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
    return redirect(url_for("sipas.campaign", code=campaign.code))


@bp.post("/campaigns/<code>/state/<action>")
@require(Capability.manage_people)
def change_state(code: str, action: str):
    """Open, close or publish a campaign."""
    campaign = _managed_campaign_or_404(code)
    if action not in services.TRANSITIONS:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.change_state(campaign, action)
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("The campaign is now %(state)s.", state=services.state_label(campaign.state)), "success")
    return redirect(url_for("sipas.campaign", code=campaign.code))


# --- results and report ------------------------------------------------------------------------


def _report_context(code: str) -> dict:
    """What the results page and the printable report show."""
    campaign = _campaign_or_404(code)
    root = scope_root(current_user)
    choices = services.participating_units(campaign, root)
    owner = campaign.owner_unit
    if owner is not None and (root is None or in_scope(current_user, owner.id)):
        choices = [owner, *[u for u in choices if u.id != owner.id]]
    elif root is not None and choices and all(u.id != root for u in choices):
        choices = [current_user.unit, *choices]  # the user's own unit, pooled over its wards
    if not choices:
        abort(404)
    wanted = request.args.get("unit")
    unit = next((u for u in choices if u.code == wanted), None) if wanted else choices[0]
    if unit is None:
        abort(404)
    questionnaire = services.questionnaire_of(campaign)
    parts = [u for u in services.participating_units(campaign, root) if u.id != unit.id]
    return {
        "campaign": campaign,
        "questionnaire": questionnaire,
        "lang": _lang(),
        "unit": unit,
        "choices": choices,
        "report": campaign_report(campaign, unit),
        "by_unit": [(u, campaign_report(campaign, u)) for u in parts if in_scope(current_user, u.id)],
        "progress": [r for r in sample_progress(campaign) if in_scope(current_user, r["unit"].id)],
        "channel_label": services.channel_label,
        "state_label": services.state_label,
        "today": date.today(),
    }


@bp.get("/campaigns/<code>/results")
@require(Capability.read_results, Capability.enter_data)
def results(code: str):
    """Index tables of a unit's subtree: overall, elements, criteria, units, sample progress."""
    return render_template("sipas/results.html", **_report_context(code))


@bp.get("/campaigns/<code>/report")
@require(Capability.read_results, Capability.enter_data)
def print_report(code: str):
    """The same figures laid out for printing."""
    return render_template("sipas/report.html", **_report_context(code))


# --- import / export ---------------------------------------------------------------------------


@bp.route("/campaigns/<code>/import", methods=["GET", "POST"])
@require(Capability.enter_data)
def import_responses(code: str):
    """Upload a CSV file of responses; every problem is listed and nothing imported on error."""
    campaign = _campaign_or_404(code)
    questionnaire = services.questionnaire_of(campaign)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8")
        except UnicodeDecodeError:
            form.file.errors.append(_("The file is not UTF-8 text."))
        else:
            root = scope_root(current_user)
            allowed = None if root is None else set(db.session.scalars(subtree_ids_query(root)))
            result = services.import_csv(campaign, text, allowed_unit_ids=allowed)
            if result.ok:
                db.session.commit()
                flash(
                    _(
                        "Import done: %(created)d responses added, %(skipped)d already there.",
                        created=result.created,
                        skipped=result.skipped,
                    ),
                    "success",
                )
                return redirect(url_for("sipas.campaign", code=campaign.code))
            db.session.rollback()
    header = [*services.CSV_FIXED_COLUMNS, *questionnaire.criterion_codes]
    return render_template(
        "sipas/import.html", campaign=campaign, form=form, result=result, header=",".join(header)
    )


@bp.get("/campaigns/<code>/export.<fmt>")
@require(Capability.read_results)
def export(code: str, fmt: str):
    """Raw responses of the user's units as CSV or XLSX, streamed chunk by chunk."""
    campaign = _campaign_or_404(code)
    root = scope_root(current_user)
    units = None if root is None else subtree_ids_query(root)
    filename = f"sipas-{campaign.code}.{fmt}"
    if fmt == "csv":

        def generate():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
            for i, row in enumerate(services.export_rows(campaign, units)):
                writer.writerow(row)
                if i % 500 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        return Response(
            stream_with_context(generate()),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)  # rows go to a temporary file, not memory
        sheet = workbook.create_sheet("responses")
        for row in services.export_rows(campaign, units):
            sheet.append(row)
        spooled = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after streaming
        workbook.save(spooled)
        spooled.seek(0)
        return send_file(
            spooled,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=filename,
        )
    abort(404)


# --- QR code and poster ------------------------------------------------------------------------


def _campaign_unit_or_404(code: str, unit_code: str):
    """A visible campaign and one of its participating units in the user's scope."""
    campaign = _campaign_or_404(code)
    unit = get_unit_by_code(unit_code)
    if unit is None or not services.participates(campaign, unit) or not in_scope(current_user, unit.id):
        abort(404)
    return campaign, unit


def _public_url(campaign, unit) -> str:
    """The link of the public form (what the QR code holds)."""
    return url_for("sipas.public_form", code=campaign.code, unit_code=unit.code, _external=True)


@bp.get("/campaigns/<code>/qr/<unit_code>.<fmt>")
@_signed_in
def qr_code(code: str, unit_code: str, fmt: str):
    """The QR code of a unit's public form, as PNG or SVG."""
    import segno

    campaign, unit = _campaign_unit_or_404(code, unit_code)
    if fmt not in ("png", "svg"):
        abort(404)
    qr = segno.make(_public_url(campaign, unit), error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        qr.save(buffer, kind="png", scale=10, border=2)
        mimetype = "image/png"
    else:
        qr.save(buffer, kind="svg", scale=10, border=2, xmldecl=False)
        mimetype = "image/svg+xml"
    return Response(buffer.getvalue(), mimetype=mimetype)


@bp.get("/campaigns/<code>/poster/<unit_code>")
@_signed_in
def poster(code: str, unit_code: str):
    """A printable A5 poster and appointment-slip-sized QR labels."""
    campaign, unit = _campaign_unit_or_404(code, unit_code)
    return render_template("sipas/poster.html", campaign=campaign, unit=unit, url=_public_url(campaign, unit))


# --- paper batches -----------------------------------------------------------------------------


def _batch_or_404(batch_id: int) -> SipasBatch:
    """A batch of a unit in the user's scope."""
    batch = db.session.get(SipasBatch, batch_id)
    if batch is None or not in_scope(current_user, batch.unit_id):
        abort(404)
    return batch


@bp.route("/campaigns/<code>/batches", methods=["GET", "POST"])
@require(Capability.enter_data)
def batches(code: str):
    """Paper batches of the campaign; open a new one."""
    campaign = _campaign_or_404(code)
    root = scope_root(current_user)
    units = services.participating_units(campaign, root)
    form = BatchForm(units=[(u.id, f"{u.name} ({u.code})") for u in units])
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit_id.data), None)
        if unit is None:
            abort(404)
        try:
            batch = services.open_batch(
                campaign,
                unit,
                place=form.place.data,
                collected_on=form.collected_on.data,
                forms_in_hand=form.forms_in_hand.data,
                user_id=current_user.id,
            )
        except SipasError as exc:
            form.collected_on.errors.append(str(exc))
        else:
            db.session.commit()
            return redirect(url_for("sipas.batch", batch_id=batch.id))
    rows = [(b, services.batch_count(b)) for b in services.batches_of(campaign, root)]
    return render_template("sipas/batches.html", campaign=campaign, form=form, rows=rows)


def _typed_answers(questionnaire, form) -> tuple[dict[str, int], dict[str, str]]:
    """Answers typed on the entry screen (empty or 0 = no answer) and the problems per code."""
    answers: dict[str, int] = {}
    problems: dict[str, str] = {}
    for code in questionnaire.all_codes:
        raw = form.get(code, "").strip()
        if raw in ("", "0", "-"):
            continue
        if not raw.isdigit() or int(raw) not in questionnaire.allowed_values(code):
            allowed = ", ".join(str(v) for v in questionnaire.allowed_values(code))
            problems[code] = _("Type %(allowed)s, or 0 for no answer.", allowed=allowed)
            continue
        answers[code] = int(raw)
    return answers, problems


@bp.route("/batches/<int:batch_id>", methods=["GET", "POST"])
@require(Capability.enter_data)
def batch(batch_id: int):
    """The keyboard-first entry screen of a batch: one key per answer, Enter saves the form."""
    batch = _batch_or_404(batch_id)
    questionnaire = services.questionnaire_of(batch.campaign)
    typed, problems = {}, {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        typed = {code: request.form.get(code, "").strip()[:2] for code in questionnaire.all_codes}
        answers, problems = _typed_answers(questionnaire, request.form)
        if not problems:
            try:
                services.enter_paper_form(batch, answers, request.form.get("comment", ""), current_user.id)
            except SipasError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Form %(n)d saved.", n=services.batch_count(batch)), "success")
                return redirect(url_for("sipas.batch", batch_id=batch.id))
    typed_so_far = services.batch_responses(batch)
    return render_template(
        "sipas/batch.html",
        batch=batch,
        questionnaire=questionnaire,
        lang=_lang(),
        typed=typed,
        problems=problems,
        forms=typed_so_far,
        count=len(typed_so_far),
        form=ActionForm(),
        comment=request.form.get("comment", "") if request.method == "POST" else "",
    )


@bp.post("/batches/<int:batch_id>/close")
@require(Capability.enter_data)
def close_batch(batch_id: int):
    """Close a batch when the number typed matches the forms in hand."""
    batch = _batch_or_404(batch_id)
    if ActionForm().validate_on_submit():
        try:
            services.close_batch(batch)
        except SipasError as exc:
            flash(str(exc), "error")
            return redirect(url_for("sipas.batch", batch_id=batch.id))
        db.session.commit()
        flash(_("Batch closed: %(n)d forms.", n=batch.forms_in_hand), "success")
    return redirect(url_for("sipas.batches", code=batch.campaign.code))


@bp.route("/responses/<int:response_id>/edit", methods=["GET", "POST"])
@require(Capability.enter_data)
def edit_response(response_id: int):
    """Correct a typed paper form; the change is logged with who and when."""
    response = db.session.get(SipasResponse, response_id)
    if response is None or response.batch_id is None or not in_scope(current_user, response.unit_id):
        abort(404)
    batch = db.session.get(SipasBatch, response.batch_id)
    questionnaire = services.questionnaire_of(batch.campaign)
    typed = {code: str(value) for code, value in services.answers_of(response).items()}
    problems: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        typed = {code: request.form.get(code, "").strip()[:2] for code in questionnaire.all_codes}
        answers, problems = _typed_answers(questionnaire, request.form)
        if not problems:
            try:
                services.update_response(response, answers, request.form.get("comment", ""))
            except SipasError as exc:
                flash(str(exc), "error")
            else:
                db.session.commit()
                flash(_("Form corrected."), "success")
                return redirect(url_for("sipas.batch", batch_id=batch.id))
    return render_template(
        "sipas/edit_response.html",
        batch=batch,
        response=response,
        questionnaire=questionnaire,
        lang=_lang(),
        typed=typed,
        problems=problems,
        form=ActionForm(),
        comment=response.comment,
    )


@bp.post("/responses/<int:response_id>/exclude")
@require(Capability.enter_data)
def toggle_excluded(response_id: int):
    """Leave a form out of every figure (a spoiled or duplicate form), or take it back in; logged."""
    response = db.session.get(SipasResponse, response_id)
    if response is None or not in_scope(current_user, response.unit_id):
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.set_excluded(response, not response.excluded, request.form.get("reason", ""))
        except SipasError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _("Form left out of the figures.") if response.excluded else _("Form counted again."),
                "success",
            )
    if response.batch_id:
        return redirect(url_for("sipas.batch", batch_id=response.batch_id))
    campaign = db.session.get(services.SipasCampaign, response.campaign_id)
    return redirect(url_for("sipas.campaign", code=campaign.code))


# --- the public online form --------------------------------------------------------------------


def _public_target(code: str, unit_code: str):
    """The campaign and unit of a public form link, else 404 (nothing else is revealed)."""
    campaign = services.get_campaign(code)
    unit = get_unit_by_code(unit_code)
    if campaign is None or unit is None or not services.participates(campaign, unit):
        abort(404)
    return campaign, unit


def _pages(questionnaire) -> list[dict]:
    """The pages of the online form: one per element, then the other questions, then about you."""
    pages = [{"element": element, "questions": []} for element in questionnaire.elements]
    others = [q for q in questionnaire.questions if q.kind != "demographic"]
    if others:
        pages.append({"element": None, "questions": others})
    pages.append({"element": None, "questions": questionnaire.demographics, "last": True})
    return pages


def _page_codes(page: dict) -> list[str]:
    """Question codes answered on a page."""
    codes = [c.code for c in page["element"].criteria] if page["element"] else []
    return codes + [q.code for q in page["questions"]]


def _submit_rate() -> str:
    """How many public-form posts one address may make (configurable)."""
    return current_app.config.get("SIPAS_SUBMIT_RATE", "60 per minute")


@bp.route("/s/<code>/<unit_code>", methods=["GET", "POST"])
@limiter.limit(_submit_rate, methods=["POST"])
def public_form(code: str, unit_code: str):
    """The anonymous, mobile-first form: one page per element, saved page by page."""
    campaign, unit = _public_target(code, unit_code)
    questionnaire = services.questionnaire_of(campaign)
    token = request.cookies.get(DEVICE_COOKIE)
    closed_reason = None
    try:
        services.ensure_accepts_online(campaign)
    except SipasError as exc:
        closed_reason = str(exc)
    if closed_reason is None and services.device_has_answered(campaign, token):
        closed_reason = _("This device has already answered this survey. Thank you!")
    if closed_reason:
        return render_template("sipas/public_closed.html", campaign=campaign, unit=unit, reason=closed_reason)

    pages = _pages(questionnaire)
    key = f"{campaign.id}:{unit.id}"
    drafts = session.get(DRAFT_KEY, {})
    draft = drafts.get(key, {"a": {}, "c": ""})
    number = max(1, min(len(pages), request.values.get("p", 1, type=int)))
    page = pages[number - 1]
    errors: dict[str, str] = {}
    comment = draft.get("c", "")
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        for code_ in _page_codes(page):
            raw = request.form.get(code_, "")
            if raw in ("", "0"):
                draft["a"].pop(code_, None)
                if raw == "0":
                    draft["a"][code_] = 0
                continue
            if not raw.isdigit() or int(raw) not in questionnaire.allowed_values(code_):
                errors[code_] = _("Choose one of the answers.")
                continue
            draft["a"][code_] = int(raw)
        if page.get("last"):
            comment = request.form.get("comment", "")[:2000]
            # the draft lives in the session cookie (about 4 KB): keep only the start of a long comment there
            draft["c"] = comment[:300]
        drafts[key] = draft
        session[DRAFT_KEY] = drafts
        if not errors:
            direction = request.form.get("go", "next")
            if direction == "back":
                return redirect(url_for("sipas.public_form", code=code, unit_code=unit_code, p=number - 1))
            if not page.get("last"):
                return redirect(url_for("sipas.public_form", code=code, unit_code=unit_code, p=number + 1))
            answers = {c: v for c, v in draft["a"].items() if v}
            device = token or services.new_device_token()
            try:
                services.submit_online(campaign, unit, answers, comment, device)
            except SipasError as exc:
                return render_template(
                    "sipas/public_closed.html", campaign=campaign, unit=unit, reason=str(exc)
                )
            db.session.commit()
            drafts.pop(key, None)
            session[DRAFT_KEY] = drafts
            reply = redirect(url_for("sipas.public_thanks", code=code, unit_code=unit_code))
            reply.set_cookie(
                DEVICE_COOKIE,
                device,
                max_age=400 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            )
            return reply
    return render_template(
        "sipas/public_form.html",
        campaign=campaign,
        unit=unit,
        questionnaire=questionnaire,
        lang=_lang(),
        page=page,
        number=number,
        total=len(pages),
        answers=draft["a"],
        comment=comment,
        errors=errors,
        form=ActionForm(),
    )


@bp.get("/s/<code>/<unit_code>/thanks")
def public_thanks(code: str, unit_code: str):
    """Thanks after a submission."""
    campaign, unit = _public_target(code, unit_code)
    return render_template("sipas/public_thanks.html", campaign=campaign, unit=unit)
