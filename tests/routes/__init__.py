"""Route specifications for the route-by-role matrix: one module per feature, each with ROUTES."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """How one endpoint is reached and who may reach it.

    access: "public", "login" (any signed-in user), "token" (any API token), or a Capability
    value (HTML pages; "a|b" for any of several) / "token:<capability>" (API).
    scoped: the URL points into the test district, so a user of a sibling district must get 404.
    """

    endpoint: str
    url: Callable[[object], str]
    access: str
    method: str = "GET"
    scoped: bool = False
    ok: int = 200  # the status an allowed user gets
    signed_in: int | None = None  # what a signed-in user gets from a public route, if not `ok`
    extra: dict = field(default_factory=dict)
