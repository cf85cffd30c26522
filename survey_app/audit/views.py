"""Browsing the audit log."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from survey_app.auth.permissions import Capability, require
from survey_app.extensions import db
from survey_app.models import AuditEntry

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PAGE_SIZE = 50


@bp.get("/")
@require(Capability.manage_tree)
def index():
    """The audit log, newest first, filterable by action and actor."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    action = request.args.get("action", "").strip()[:60]
    actor = request.args.get("actor", "").strip()[:80]
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor:
        query = query.where(AuditEntry.actor_label == actor)
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("audit/index.html", page=page, action=action, actor=actor)
