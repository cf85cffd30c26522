"""Who may do what, where: role capabilities and unit-subtree scoping."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from survey_app.models import Role, Unit, User
from survey_app.org.services import is_within


class Capability(enum.StrEnum):
    """Things a role may do within its unit subtree."""

    manage_tree = "manage_tree"  # units, procedure fields, audit log
    manage_people = "manage_people"  # users, counters, staff, devices
    enter_data = "enter_data"  # paper surveys, conference comments, follow-ups
    read_results = "read_results"  # dashboards, reports, raw results


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.admin: frozenset(Capability),
    Role.unit_admin: frozenset({Capability.manage_people, Capability.read_results}),
    Role.official: frozenset({Capability.enter_data}),
    Role.leader: frozenset({Capability.read_results}),
}


def has_capability(user: User, capability: Capability) -> bool:
    """Whether the user's role grants a capability."""
    return user.is_authenticated and capability in ROLE_CAPABILITIES[user.role]


def in_scope(user: User, unit_id: int) -> bool:
    """Whether a unit lies in the user's subtree (admins see everything)."""
    return user.role == Role.admin or is_within(unit_id, user.unit_id)


def scope_root(user: User) -> int | None:
    """The root of the user's subtree, None meaning the whole tree."""
    return None if user.role == Role.admin else user.unit_id


def require(*capabilities: Capability) -> Callable:
    """View decorator: sign-in required (302 to login), then any one of the capabilities (403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(has_capability(current_user, capability) for capability in capabilities):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def ensure_in_scope(unit: Unit | int | None) -> None:
    """404 for a unit outside the current user's subtree, so other units are not even revealed."""
    unit_id = unit.id if isinstance(unit, Unit) else unit
    if unit_id is None or not in_scope(current_user, unit_id):
        abort(404)
