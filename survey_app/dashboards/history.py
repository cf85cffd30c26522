"""A new unit's history before its reorganisation, as the dashboards mark it.

The closure already pools a predecessor's history under each successor (docs/units-reform.md, "How
figures follow"): nothing is added here, nothing is counted again. This module only says *which* part
of a successor's trend is its predecessors' — the buckets that begin before the effective date — and
names the predecessors, so that a chart draws that part apart (dashed, shaded) and a note says whose
figures they are; for a split it says that the history is shared and not to be added up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from survey_app.core.formatting import vn_date
from survey_app.models import Unit
from survey_app.models.org import SuccessionKind


@dataclass
class Predecessor:
    """A unit that passed into the dashboard's unit, and (for a split) the other units that share it."""

    name: str
    code: str
    kind: SuccessionKind
    shared_with: list[str] = field(default_factory=list)


@dataclass
class ReformHistory:
    """The effective date from which the unit stands as it is, and the units its earlier figures come from."""

    effective_on: date
    predecessors: list[Predecessor]

    def is_before(self, first_day: date) -> bool:
        """Whether a time bucket beginning on `first_day` belongs to the history before the reorganisation."""
        return first_day < self.effective_on

    def label(self) -> str:
        """The legend of the marked series."""
        return _("Before the reorganisation of %(date)s", date=vn_date(self.effective_on))

    def note(self) -> str:
        """Whose figures the marked part holds, and what may not be added up."""
        names = ", ".join(f"{p.name} ({p.code})" for p in self.predecessors)
        text = _(
            "Before %(date)s (shaded, dashed line) the figures are those of the predecessors: %(names)s. "
            "From %(date)s on they are the unit's own.",
            date=vn_date(self.effective_on),
            names=names,
        )
        # One sentence for all split predecessors: a commune made of many divided wards would otherwise
        # repeat the same warning once per ward.
        shared = [
            _("%(name)s (also under %(others)s)", name=p.name, others=", ".join(p.shared_with))
            for p in self.predecessors
            if p.kind == SuccessionKind.split and p.shared_with
        ]
        if shared:
            text += " " + _(
                "Split units, whose whole history is shown here and also under their other successors: "
                "%(units)s. Do not add these units' figures up; read the unit above them.",
                units="; ".join(shared),
            )
        return text


def reform_history(unit: Unit) -> ReformHistory | None:
    """The unit's latest reorganisation that gave it predecessors, or None for a unit without any."""
    links = list(unit.predecessor_links)
    if not links:
        return None
    effective_on = max(link.effective_on for link in links)
    predecessors = []
    for link in sorted(links, key=lambda link: (link.predecessor.name, link.predecessor.code)):
        old = link.predecessor
        others = [s.name for s in old.successors if s.id != unit.id]
        predecessors.append(Predecessor(old.name, old.code, link.kind, others))
    return ReformHistory(effective_on, predecessors)


def marked_rows(history: ReformHistory | None, firsts: list[date]) -> list[bool]:
    """For each time bucket (its first day), whether it is the predecessors' history."""
    if history is None:
        return [False] * len(firsts)
    return [history.is_before(first) for first in firsts]
