"""Why a unit refuses data on a day: the sentence every feature shows when a closed unit is asked to collect.

The rule itself is `org.services.accepts_data` / `is_open_on`; this module only words the refusal, naming
the closing day and the successors that collect since then, so a kiosk admin, a SIPAS typist and a
dialogue secretary read the same thing.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _

from survey_app.core import clock
from survey_app.models import Unit
from survey_app.org.services import is_open_on


def closed_refusal(unit: Unit, at: datetime | date) -> str | None:
    """None when the unit collects at `at` (a local day, or an aware moment read on the local calendar);
    else a translated sentence saying since when it no longer does and who took over."""
    day = clock.local_date(at) if isinstance(at, datetime) else at
    if is_open_on(unit, day):
        return None
    if unit.active_from is not None and day < unit.active_from:
        return _(
            "%(code)s %(name)s only opened on %(date)s.",
            code=unit.code,
            name=unit.name,
            date=unit.active_from.strftime("%d/%m/%Y"),
        )
    if unit.active_to is None:
        return _("%(code)s %(name)s is closed.", code=unit.code, name=unit.name)
    successors = ", ".join(f"{s.code} {s.name}" for s in unit.successors)
    if successors:
        return _(
            "%(code)s %(name)s closed on %(date)s; since then %(successors)s collects instead.",
            code=unit.code,
            name=unit.name,
            date=unit.active_to.strftime("%d/%m/%Y"),
            successors=successors,
        )
    return _(
        "%(code)s %(name)s closed on %(date)s.",
        code=unit.code,
        name=unit.name,
        date=unit.active_to.strftime("%d/%m/%Y"),
    )
