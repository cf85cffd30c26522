"""Results of a campaign: the index tables of a unit's subtree, on screen and laid out for printing."""

from __future__ import annotations

import re

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.analytics.sipas_queries import campaign_report, sample_progress
from survey_app.auth.permissions import Capability, in_scope, require, scope_root
from survey_app.core import clock
from survey_app.core.pdf import pdf_download, stylesheet
from survey_app.extensions import db
from survey_app.models.sipas import Channel, SipasCampaign
from survey_app.sipas import ward_report as ward_reports
from survey_app.sipas import ward_report_docx as ward_docx
from survey_app.sipas.campaigns import participating_units, questionnaire_of
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import campaign_or_404, ui_language

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _units(campaign: SipasCampaign) -> tuple[list, object]:
    """The units whose results the user may read in a campaign, and the one asked for (404 otherwise)."""
    root = scope_root(current_user)
    choices = participating_units(campaign, root)
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
    return choices, unit


def _report_context(code: str) -> dict:
    """What the results page and the printable report show."""
    campaign = campaign_or_404(code)
    root = scope_root(current_user)
    choices, unit = _units(campaign)
    questionnaire = questionnaire_of(campaign)
    parts = [u for u in participating_units(campaign, root) if u.id != unit.id]
    minimum = current_app.config["SMALL_SAMPLE_MIN"]
    return {
        "campaign": campaign,
        "questionnaire": questionnaire,
        "lang": ui_language(),
        "unit": unit,
        "choices": choices,
        "report": campaign_report(db.session, campaign, unit, questionnaire=questionnaire, min_n=minimum),
        "min_n": minimum,
        "by_unit": [
            (u, campaign_report(db.session, campaign, u, questionnaire=questionnaire, min_n=minimum))
            for u in parts
            if in_scope(current_user, u.id)
        ],
        "progress": [
            r for r in sample_progress(db.session, campaign) if in_scope(current_user, r["unit"].id)
        ],
        "Channel": Channel,
        "today": clock.today(),
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


def _ward_report(code: str) -> tuple[ward_reports.WardReport, list]:
    """The ward report of the unit asked for, and the units the user may choose from."""
    campaign = campaign_or_404(code)
    choices, unit = _units(campaign)
    report = ward_reports.build_ward_report(
        campaign, unit, min_n=current_app.config["SMALL_SAMPLE_MIN"], lang=ui_language()
    )
    return report, choices


def _file_name(report: ward_reports.WardReport, extension: str) -> str:
    """The download name of a ward report."""
    name = f"bao-cao-sipas-{report.campaign.code}-{report.unit.code}.{extension}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


@bp.get("/campaigns/<code>/ward-report")
@require(Capability.read_results, Capability.enter_data)
def ward_report(code: str):
    """The ward report of a round: sample, indices, perceptions, expectations, previous round."""
    report, choices = _ward_report(code)
    return render_template("sipas/ward_report.html", report=report, choices=choices, today=clock.today())


@bp.get("/campaigns/<code>/ward-report.docx")
@require(Capability.read_results, Capability.enter_data)
def ward_report_docx(code: str):
    """The ward report as a Word document."""
    report, _choices = _ward_report(code)
    return Response(
        ward_docx.ward_report_docx(report, clock.today()),
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{_file_name(report, "docx")}"'},
    )


@bp.get("/campaigns/<code>/ward-report.pdf")
@require(Capability.read_results, Capability.enter_data)
def ward_report_pdf(code: str):
    """The ward report as a PDF (the page, with a message, when PDF cannot be made here)."""
    report, _choices = _ward_report(code)
    download = pdf_download(
        "sipas/ward_report_pdf.html",
        _file_name(report, "pdf"),
        report=report,
        today=clock.today(),
        report_css=stylesheet("dashboards-report.css"),
    )
    if download is None:
        flash(_("PDF is not available on this server; use Print to save the report as PDF."), "error")
        return redirect(url_for("sipas.ward_report", code=code, unit=report.unit.code))
    return download
