"""Home, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from survey_app.auth.permissions import Capability, require, scope_root
from survey_app.core.navigation import home_endpoint, menu, safe_next
from survey_app.extensions import db, limiter, talisman
from survey_app.org.services import tree_rows

bp = Blueprint("core", __name__)


@bp.app_context_processor
def main_menu() -> dict:
    """The top menu of the signed-in user, grouped by job."""
    if not current_user.is_authenticated:
        return {"main_menu": []}
    code = current_user.unit.code if current_user.unit else None
    return {"main_menu": menu(current_user.role, code, set(current_app.view_functions))}


@bp.get("/")
def index():
    """Send people to their home, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    return redirect(url_for("auth.login"))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the UI language for this browser session."""
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("core.index")))


@bp.get("/official")
@require(Capability.enter_data)
def official_home():
    """The data-entry hub of officials."""
    return render_template("core/official_home.html", rows=_todays_units())


@bp.get("/leader")
@require(Capability.read_results)
def leader_home():
    """The results hub of leaders."""
    return render_template("core/leader_home.html", rows=_todays_units())


def _todays_units() -> list:
    """The units of the user's scope that operate today, in tree order (closed ones keep their history
    in the dashboards, but are no longer one's units: a new ward's home does not list its predecessors)."""
    return [(unit, level) for unit, level in tree_rows(scope_root(current_user)) if unit.is_active]


@bp.get("/account")
@login_required
def account():
    """One's own account: role, unit, password, tokens."""
    return render_template("core/account.html")


@bp.get("/healthz")
@limiter.exempt
@talisman(force_https=False)  # load balancers probe the app port over plain HTTP; no redirect for them
def healthz():
    """Liveness and database status for load balancers and monitoring."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
