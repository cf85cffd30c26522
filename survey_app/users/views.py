"""Pages for managing users within one's unit subtree."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.auth import services
from survey_app.auth.permissions import Capability, ensure_in_scope, require, scope_root
from survey_app.extensions import db
from survey_app.forms.common import ActionForm
from survey_app.forms.users import UserForm
from survey_app.models import Role, Unit, User
from survey_app.org.services import is_open_today, tree_rows
from survey_app.users import listing

bp = Blueprint("users", __name__, url_prefix="/users")


def grantable_roles() -> list[Role]:
    """Roles the current user may give: unit administrators cannot make administrators."""
    return list(Role) if current_user.role == Role.admin else [r for r in Role if r != Role.admin]


def _user_or_404(user_id: int) -> User:
    """A user of the current user's scope, else 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    ensure_in_scope(user.unit_id)
    if user.role == Role.admin and current_user.role != Role.admin:
        abort(404)
    return user


def _prepare(form: UserForm, user: User | None) -> None:
    """Fill the role and unit choices of the form for the current user: units open today, and the
    edited user's own unit even if it has closed since (so that the rest of the account can be saved)."""
    form.role.choices = Role.choices(grantable_roles())
    form.unit_id.choices = [
        (unit.id, "\u2003" * level + f"{unit.name} ({unit.code})")
        for unit, level in tree_rows(scope_root(current_user))
        if is_open_today(unit) or (user is not None and unit.id == user.unit_id)
    ]


@bp.get("/")
@require(Capability.manage_people)
def index():
    """Users of the current user's subtree, found by name, username or unit, a page at a time."""
    query = request.args.get("q", "").strip()[: listing.MAX_QUERY]
    page = listing.find_users(scope_root(current_user), query, page=request.args.get("page", 1, type=int))
    return render_template("users/index.html", page=page, query=query)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@require(Capability.manage_people)
def form(user_id: int | None = None):
    """Create or edit a user."""
    user = _user_or_404(user_id) if user_id else None
    form = UserForm(obj=user)
    _prepare(form, user)
    if request.method == "GET" and user is not None:
        form.role.data = user.role.value
    if user is not None:
        form.username.data = user.username  # usernames are fixed once created
    new_password = None
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        ensure_in_scope(unit.id if unit else None)
        role = Role(form.role.data)
        try:
            if user is None:
                user, new_password = services.create_user(
                    username=form.username.data, full_name=form.full_name.data, role=role, unit=unit
                )
            else:
                services.update_user(
                    user, full_name=form.full_name.data, role=role, unit=unit, active=form.active.data
                )
        except services.AuthError as exc:
            form.username.errors.append(str(exc))
        else:
            db.session.commit()
            if new_password:
                return render_template("users/password_once.html", user=user, password=new_password)
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user, actions=ActionForm())


@bp.post("/<int:user_id>/reset-password")
@require(Capability.manage_people)
def reset_password(user_id: int):
    """Give a user a new password, shown once."""
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = services.reset_password(user)
    db.session.commit()
    return render_template("users/password_once.html", user=user, password=password)


@bp.post("/<int:user_id>/unlock")
@require(Capability.manage_people)
def unlock(user_id: int):
    """Lift a lockout after too many failed sign-ins."""
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unlock(user)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.username), "success")
    return redirect(url_for("users.form", user_id=user.id))
