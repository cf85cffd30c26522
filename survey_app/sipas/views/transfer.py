"""Responses in and out as files: the CSV import page and the CSV/XLSX export of raw responses."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth.permissions import Capability, require, scope_root
from survey_app.core import spreadsheets
from survey_app.extensions import db
from survey_app.forms.sipas import ImportForm
from survey_app.org.services import subtree_ids_query
from survey_app.sipas.campaigns import questionnaire_of
from survey_app.sipas.transfer import CSV_FIXED_COLUMNS, export_rows, import_csv
from survey_app.sipas.views import bp
from survey_app.sipas.views.lookups import campaign_or_404


@bp.route("/campaigns/<code>/import", methods=["GET", "POST"])
@require(Capability.enter_data)
def import_responses(code: str):
    """Upload a CSV file of responses; every problem is listed and nothing imported on error."""
    campaign = campaign_or_404(code)
    questionnaire = questionnaire_of(campaign)
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
            result = import_csv(campaign, text, allowed_unit_ids=allowed)
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
    header = [*CSV_FIXED_COLUMNS, *questionnaire.criterion_codes]
    return render_template(
        "sipas/import.html", campaign=campaign, form=form, result=result, header=",".join(header)
    )


@bp.get("/campaigns/<code>/export.<fmt>")
@require(Capability.read_results)
def export(code: str, fmt: str):
    """Raw responses of the user's units as CSV (streamed) or XLSX, formulas neutralised."""
    campaign = campaign_or_404(code)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    root = scope_root(current_user)
    rows = export_rows(campaign, None if root is None else subtree_ids_query(root))
    filename = f"sipas-{campaign.code}.{fmt}"
    if fmt == "csv":
        return spreadsheets.csv_response(rows, filename)  # streamed, 500 rows a piece
    return spreadsheets.xlsx_response({"responses": rows}, filename)
