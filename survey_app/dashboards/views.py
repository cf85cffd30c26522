"""HTML pages of the dashboards feature (leaders' dashboards, downloads, reports)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, require
from survey_app.core.pdf import pdf_download, stylesheet
from survey_app.dashboards import (
    dialogue_figures,
    dossier_figures,
    exports,
    formatting,
    kiosk_figures,
    settings,
    sipas_figures,
)
from survey_app.dashboards import filters as dashboard_filters
from survey_app.dashboards import report as leadership
from survey_app.dashboards.filters import Filters, UnitNotFound
from survey_app.forms.dashboards import DashboardFilterForm
from survey_app.models import Unit

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
logger = logging.getLogger(__name__)


def _read_filters(
    campaign_choices: Callable[[Unit], list[tuple[str, str]]] | None = None,
    data_months: Callable[[Unit], tuple[date, date] | None] | None = None,
) -> tuple[DashboardFilterForm, Filters]:
    """The filter form of the query string and the filters it gives; a unit out of scope is a 404.

    Invalid values are reported on the form and replaced by defaults, so the page still shows figures.
    """
    try:
        unit = dashboard_filters.resolve_unit(request.args.get("unit"), current_user)
    except UnitNotFound:
        abort(404)
    months = data_months(unit) if data_months else None  # the default period holds the view's data
    defaults = dashboard_filters.resolve_filters(unit, data_months=months)
    form = DashboardFilterForm(
        formdata=request.args or None,
        unit_choices=dashboard_filters.unit_choices(current_user, unit),
        campaign_choices=campaign_choices(unit) if campaign_choices else None,
        data={
            "unit": unit.code,
            "start": defaults.start,
            "end": defaults.end,
            "granularity": defaults.granularity,
        },
    )
    if not request.args:
        return form, defaults
    form.validate()
    form.unit.data = unit.code
    return form, dashboard_filters.resolve_filters(unit, data_months=months, **form.checked_values())


def _kiosk_page():
    """Filters and figures of the kiosk view."""
    form, filters = _read_filters(data_months=dashboard_filters.kiosk_data_months)
    summary, charts = kiosk_figures.kiosk_dashboard(filters, current_user)
    return form, filters, {"summary": summary, "levels": kiosk_figures.level_info()}, charts


def _sipas_page():
    """Filters and figures of the SIPAS view."""
    form, filters = _read_filters(sipas_figures.campaign_choices)
    summary, charts = sipas_figures.sipas_dashboard(filters)
    form.campaign.data = filters.campaign
    return form, filters, {"summary": summary}, charts


def _dialogue_page():
    """Filters and figures of the dialogue view."""
    form, filters = _read_filters(data_months=dashboard_filters.dialogue_data_months)
    summary, charts = dialogue_figures.dialogue_dashboard(filters)
    return form, filters, {"summary": summary}, charts


def _dossiers_page():
    """Filters and figures of the dossiers view."""
    form, filters = _read_filters(data_months=dossier_figures.data_months)
    summary, charts = dossier_figures.dossier_dashboard(filters)
    return form, filters, {"summary": summary}, charts


VIEWS = {
    "kiosk": _kiosk_page,
    "sipas": _sipas_page,
    "dialogue": _dialogue_page,
    "dossiers": _dossiers_page,
}


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


@bp.get("/dossiers")
@require(Capability.read_results)
def dossiers():
    """Dossiers of a unit's subtree: quarterly scores, timeliness, late procedures, rated dossiers."""
    form, filters, context, charts = _dossiers_page()
    return render_template(
        "dashboards/dossiers.html", form=form, filters=filters, charts=charts, view="dossiers", **context
    )


def _report_page():
    """Filters and figures of the leadership report."""
    form, filters = _read_filters(data_months=dashboard_filters.kiosk_data_months)
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
        levels=kiosk_figures.level_info(),
        min_n=settings.min_n(),
    )


@bp.get("/report.pdf")
@require(Capability.read_results)
def report_pdf():
    """The same report as a PDF download (the printable page when PDF cannot be made here)."""
    _form, filters, data = _report_page()
    name = f"bao-cao-{filters.unit.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.pdf"
    started = time.perf_counter()
    download = pdf_download(
        "dashboards/report_pdf.html",
        re.sub(r"[^A-Za-z0-9._-]+", "_", name),
        report=data,
        filters=filters,
        levels=kiosk_figures.level_info(),
        min_n=settings.min_n(),
        report_css=stylesheet("dashboards-report.css"),
    )
    if download is None:
        logger.warning("leadership report PDF for %s: PDF cannot be made on this server", filters.unit.code)
        flash(_("PDF is not available on this server; use Print to save the report as PDF."), "error")
        return redirect(url_for("dashboards.report", **filters.args()))
    logger.info(
        "leadership report PDF for %s, %s to %s: %d bytes in %.0f ms",
        filters.unit.code,
        filters.start,
        filters.end,
        download.content_length or 0,
        (time.perf_counter() - started) * 1000,
    )
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
