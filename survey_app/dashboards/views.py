"""HTML pages of the dashboards feature (leaders' dashboards, downloads, reports)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, require
from survey_app.core.pdf import pdf_download, stylesheet
from survey_app.dashboards import dialogue_figures, exports, formatting, services, sipas_figures
from survey_app.dashboards import report as leadership
from survey_app.dashboards.services import resolve_filters

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")


def _kiosk_page():
    """Filters and figures of the kiosk view."""
    form, filters = resolve_filters(request.args, current_user)
    summary, charts = services.kiosk_dashboard(filters, current_user)
    return form, filters, {"summary": summary, "levels": services.kiosk_level_info()}, charts


def _sipas_page():
    """Filters and figures of the SIPAS view."""
    form, filters = resolve_filters(request.args, current_user, sipas_figures.campaign_choices)
    summary, charts = sipas_figures.sipas_dashboard(filters)
    form.campaign.data = filters.campaign
    return form, filters, {"summary": summary}, charts


def _dialogue_page():
    """Filters and figures of the dialogue view."""
    form, filters = resolve_filters(request.args, current_user)
    summary, charts = dialogue_figures.dialogue_dashboard(filters)
    return form, filters, {"summary": summary}, charts


VIEWS = {"kiosk": _kiosk_page, "sipas": _sipas_page, "dialogue": _dialogue_page}


@bp.get("/kiosk")
@require(Capability.read_results)
def kiosk():
    """Kiosk ratings of a unit's subtree: trend, units, fields, counters, staff, reasons, heatmap."""
    form, filters, context, charts = _kiosk_page()
    return render_template(
        "dashboards/kiosk.html", form=form, filters=filters, charts=charts, view="kiosk", **context
    )


@bp.get("/sipas")
@require(Capability.read_results)
def sipas():
    """SIPAS indices of a campaign for a unit's subtree: elements, criteria, ranking, trend, progress."""
    form, filters, context, charts = _sipas_page()
    return render_template(
        "dashboards/sipas.html", form=form, filters=filters, charts=charts, view="sipas", **context
    )


@bp.get("/dialogue")
@require(Capability.read_results)
def dialogue():
    """Dialogue conferences of a unit's subtree: held vs required, comments, answers, overdue items."""
    form, filters, context, charts = _dialogue_page()
    return render_template(
        "dashboards/dialogue.html", form=form, filters=filters, charts=charts, view="dialogue", **context
    )


def _report_page():
    """Filters and figures of the leadership report."""
    form, filters = resolve_filters(request.args, current_user)
    return form, filters, leadership.build(filters, current_user)


@bp.get("/report")
@require(Capability.read_results)
def report():
    """The leadership report of a unit and period: printable HTML."""
    form, filters, data = _report_page()
    return render_template(
        "dashboards/report.html",
        form=form,
        filters=filters,
        report=data,
        levels=services.kiosk_level_info(),
        min_n=services.min_n(),
    )


@bp.get("/report.pdf")
@require(Capability.read_results)
def report_pdf():
    """The same report as a PDF download (the printable page when PDF cannot be made here)."""
    _form, filters, data = _report_page()
    name = f"bao-cao-{filters.unit.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.pdf"
    download = pdf_download(
        "dashboards/report_pdf.html",
        re.sub(r"[^A-Za-z0-9._-]+", "_", name),
        report=data,
        filters=filters,
        levels=services.kiosk_level_info(),
        min_n=services.min_n(),
        report_css=stylesheet("dashboards-report.css"),
    )
    if download is None:
        flash(_("PDF is not available on this server; use Print to save the report as PDF."), "error")
        return redirect(url_for("dashboards.report", **filters.args()))
    return download


@bp.get("/<view>/export/<chart_id>.<fmt>")
@require(Capability.read_results)
def export(view: str, chart_id: str, fmt: str):
    """The data table behind one chart, as CSV or XLSX, for the same filters."""
    if view not in VIEWS or fmt not in ("csv", "xlsx"):
        abort(404)
    _form, filters, _context, charts = VIEWS[view]()
    chart = next((c for c in charts if c.id == chart_id), None)
    if chart is None:
        abort(404)
    period = filters.campaign if view == "sipas" else f"{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    filename = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{view}-{chart_id}-{filters.unit.code}-{period}") + f".{fmt}"
    return exports.download(chart, fmt, filename)


@bp.app_context_processor
def dashboard_globals() -> dict:
    """Which dashboard pages exist, for the tiles and tabs shown on other pages."""
    return {
        "dashboard_views": set(current_app.view_functions),
        "cell": formatting.cell,
        "table_rows": formatting.table_rows,
        "select_options": formatting.select_options,
    }
