"""Sign in, sign out, change password, personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from survey_app.auth import services
from survey_app.core.navigation import home_endpoint, safe_next
from survey_app.extensions import db, limiter
from survey_app.forms.auth import ChangePasswordForm, LoginForm, TokenForm
from survey_app.forms.common import ActionForm
from survey_app.models import ApiToken

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user.role)))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        outcome = services.authenticate(form.username.data, form.password.data, address=request.remote_addr)
        db.session.commit()
        if outcome.user is not None:
            lang = session.get("lang")  # the language chosen on this page outlives the reset
            session.clear()  # a fresh session on sign-in: no fixation
            session.permanent = True
            if lang:
                session["lang"] = lang
            login_user(outcome.user)
            return redirect(safe_next(request.args.get("next"), url_for(home_endpoint(outcome.user.role))))
        error = outcome.error
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required
def logout():
    """Sign out."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    lang = session.get("lang")
    services.end_sessions(current_user)  # a copy of this cookie, or any other session, stops working too
    db.session.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data, new=form.new.data)
        except services.AuthError as exc:
            getattr(form, exc.field or "new").errors.append(str(exc))
        else:
            db.session.commit()
            user, lang = current_user._get_current_object(), session.get("lang")
            session.clear()  # a fresh cookie: the old one, wherever copied, ended with the version bump
            session.permanent = True
            if lang:
                session["lang"] = lang
            login_user(user)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.account"))
    return render_template("auth/password.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke one's personal API tokens."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = services.issue_token(current_user, form.name.data)
        db.session.commit()
    listing = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "auth/tokens.html", form=form, tokens=listing, new_token=new_token, revoke_form=ActionForm()
    )


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """Revoke one of one's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_token(token)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("auth.tokens"))
