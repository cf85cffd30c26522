"""Where people land: each role's home page, and redirect targets that stay on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from survey_app.models import Role


def home_endpoint(role: Role) -> str:
    """Where each role lands after signing in."""
    return {
        Role.admin: "org.units",
        Role.unit_admin: "org.units",
        Role.official: "core.official_home",
        Role.leader: "core.leader_home",
    }[role]


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target on this site only (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback
