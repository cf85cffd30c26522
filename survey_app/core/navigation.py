"""Where people land: each role's home page, the top menu, and redirect targets that stay on this site."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from survey_app.auth.permissions import ROLE_CAPABILITIES
from survey_app.models import Role


@dataclass(frozen=True)
class MenuItem:
    """One link of the top menu."""

    label: object
    endpoint: str
    needs: str  # the capability it needs ("" for any signed-in user)
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the top menu and the links under it."""

    label: object
    items: list[MenuItem]


def home_endpoint(role: Role) -> str:
    """Where each role lands after signing in."""
    return {
        Role.admin: "org.units",
        Role.unit_admin: "org.units",
        Role.official: "core.official_home",
        Role.leader: "core.leader_home",
    }[role]


def menu(role: Role, unit_code: str | None, endpoints: set[str]) -> list[MenuGroup]:
    """The top menu of a role: three groups (administration, data entry, results), each with the pages
    the role may open. `endpoints` are the views the app serves (a feature left out shows no link)."""
    scoreboard = {"code": unit_code} if unit_code else None
    groups = [
        MenuGroup(
            _l("Administration"),
            [
                MenuItem(_l("Units"), "org.units", "manage_people"),
                MenuItem(_l("Users"), "users.index", "manage_people"),
                MenuItem(_l("Kiosks"), "kiosk.devices", "manage_people"),
                MenuItem(_l("Flagged kiosk ratings"), "kiosk.flags", "manage_people"),
                MenuItem(_l("Procedure fields"), "org.fields", "manage_tree"),
                MenuItem(_l("Audit log"), "audit.index", "manage_tree"),
            ],
        ),
        MenuGroup(
            _l("Data entry"),
            [
                MenuItem(_l("Data entry"), "core.official_home", "enter_data"),
                MenuItem(_l("Kiosk ratings"), "kiosk.feed", "enter_data"),
                MenuItem(_l("SIPAS surveys"), "sipas.campaigns", "enter_data"),
                MenuItem(_l("Dialogue conferences"), "dialogue.index", "enter_data"),
                MenuItem(_l("Dossiers"), "dossiers.index", "enter_data"),
            ],
        ),
        MenuGroup(
            _l("Results"),
            [
                MenuItem(_l("Results"), "core.leader_home", "read_results"),
                MenuItem(_l("Kiosk dashboard"), "dashboards.kiosk", "read_results"),
                MenuItem(_l("SIPAS dashboard"), "dashboards.sipas", "read_results"),
                MenuItem(_l("Dialogue dashboard"), "dashboards.dialogue", "read_results"),
                MenuItem(_l("Dossiers dashboard"), "dashboards.dossiers", "read_results"),
                MenuItem(_l("Leadership report"), "dashboards.report", "read_results"),
                *(
                    [MenuItem(_l("Public scoreboard"), "scoreboard.board", "read_results", scoreboard)]
                    if scoreboard
                    else []
                ),
                MenuItem(_l("SIPAS surveys"), "sipas.campaigns", "read_results"),
                MenuItem(_l("Dossiers"), "dossiers.index", "read_results"),
            ],
        ),
    ]
    jobs = {capability.value for capability in ROLE_CAPABILITIES[role]}
    shown = []
    seen: set[str] = set()
    for group in groups:
        items = [
            item
            for item in group.items
            if item.endpoint in endpoints and item.needs in jobs and item.endpoint not in seen
        ]
        seen.update(item.endpoint for item in items)
        if items:
            shown.append(MenuGroup(group.label, items))
    return shown


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target on this site only (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback
