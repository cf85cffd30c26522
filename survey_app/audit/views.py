"""Browsing the audit log."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select

from survey_app.audit import labels
from survey_app.auth.permissions import Capability, require
from survey_app.core import clock
from survey_app.extensions import db
from survey_app.forms.audit import AuditFilterForm
from survey_app.models import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PAGE_SIZE = 50


@bp.get("/")
@require(Capability.manage_tree)
def index():
    """The audit log, newest first, filterable by action, user and a range of local days."""
    form = AuditFilterForm(request.args, action_choices=labels.action_choices())
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    filtered = form.validate() if request.args.keys() - {"page"} else True
    if filtered:
        if form.action.data:
            query = query.where(AuditEntry.action == form.action.data)
        if form.actor.data:
            query = query.where(AuditEntry.actor_label == form.actor.data.strip())
        if form.date_from.data:
            query = query.where(AuditEntry.at >= clock.start_of_day(form.date_from.data))
        if form.date_to.data:
            query = query.where(AuditEntry.at < clock.start_of_day(form.date_to.data + timedelta(days=1)))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False) if filtered else None
    args = {k: v for k, v in request.args.items() if k not in ("page", "submit")}
    return render_template("audit/index.html", form=form, page=page, args=args, labels=labels)
