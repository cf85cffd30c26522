"""Self-assessment ("Điểm tự chấm") by the unit's administrator and verification ("Điểm thẩm định") by an
official of a unit above, per indicator and quarter.

Who: a unit_admin of the unit itself records its self-scores; an official of a unit strictly above it
(its parent, or higher) verifies; admins may do both. Once a quarter is verified the unit's self-scores
for it are frozen, so the comparison the table shows cannot be rewritten afterwards. Every change is
written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from survey_app.analytics.dossier_scoring import quarter_name, quarter_start
from survey_app.audit.service import record
from survey_app.auth.permissions import in_scope
from survey_app.core import clock
from survey_app.dossiers.services import DossierError
from survey_app.extensions import db
from survey_app.models import Role, Unit, User
from survey_app.models.dossiers import INDICATORS, DossierAssessment

logger = logging.getLogger(__name__)


def can_self_assess(user: User, unit: Unit) -> bool:
    """Admins, and the unit's own administrators."""
    return user.role == Role.admin or (user.role == Role.unit_admin and user.unit_id == unit.id)


def can_verify(user: User, unit: Unit) -> bool:
    """Admins, and officials of a unit strictly above this one."""
    if user.role == Role.admin:
        return True
    return user.role == Role.official and user.unit_id != unit.id and in_scope(user, unit.id)


def assessments_of(unit_id: int, quarter: date) -> dict[int, DossierAssessment]:
    """{indicator: assessment row} of a unit's quarter."""
    rows = db.session.scalars(
        select(DossierAssessment).where(
            DossierAssessment.unit_id == unit_id, DossierAssessment.quarter == quarter_start(quarter)
        )
    )
    return {row.indicator: row for row in rows}


def assessments_by_unit(unit_ids: Sequence[int], quarter: date) -> dict[int, dict[int, DossierAssessment]]:
    """{unit id: {indicator: assessment}} of several units' quarter."""
    if not unit_ids:
        return {}
    rows = db.session.scalars(
        select(DossierAssessment).where(
            DossierAssessment.unit_id.in_(list(unit_ids)), DossierAssessment.quarter == quarter_start(quarter)
        )
    )
    out: dict[int, dict[int, DossierAssessment]] = {}
    for row in rows:
        out.setdefault(row.unit_id, {})[row.indicator] = row
    return out


def totals(rows: Mapping[int, DossierAssessment]) -> tuple[float | None, float | None]:
    """(self total, verified total): sums over the indicators given, None when none was given."""
    selves = [r.self_score for r in rows.values() if r.self_score is not None]
    verified = [r.verified_score for r in rows.values() if r.verified_score is not None]
    return (sum(selves) if selves else None, sum(verified) if verified else None)


def is_verified(unit_id: int, quarter: date) -> bool:
    """Whether an official has verified any indicator of the unit's quarter."""
    return any(row.verified_score is not None for row in assessments_of(unit_id, quarter).values())


def _check(scores: Mapping[int, float | None], max_score: int, quarter: date) -> None:
    """Scores from 0 to the maximum, for indicators 1–9, of a quarter that has begun."""
    if quarter_start(quarter) > clock.today():
        raise DossierError(_("The quarter %(quarter)s has not begun.", quarter=quarter_name(quarter)))
    for indicator, score in scores.items():
        if indicator not in INDICATORS:
            raise DossierError(_("Unknown indicator %(n)s.", n=indicator))
        if score is not None and not 0 <= score <= max_score:
            raise DossierError(
                _("Indicator %(n)d: a score from 0 to %(max)d is required.", n=indicator, max=max_score)
            )


def _save(unit: Unit, quarter: date, scores: Mapping[int, float | None], user: User, which: str) -> None:
    """Write self or verified scores of the indicators given (None clears one), with an audit entry."""
    first = quarter_start(quarter)
    existing = assessments_of(unit.id, first)
    before = {i: getattr(existing[i], f"{which}_score") for i in existing}
    now = clock.now()
    for indicator, score in scores.items():
        row = existing.get(indicator)
        if row is None:
            if score is None:
                continue
            row = DossierAssessment(unit_id=unit.id, quarter=first, indicator=indicator, note="")
            db.session.add(row)
        setattr(row, f"{which}_score", None if score is None else round(float(score), 2))
        setattr(row, f"{which}_by_id", user.id)
        setattr(row, f"{which}_at", now)
    record(
        f"dossiers.{which}_assessment",
        unit,
        before={str(k): v for k, v in before.items()},
        after={str(k): v for k, v in scores.items()},
        summary=f"{unit.code} {quarter_name(first)}",
    )
    logger.info("dossier %s scores recorded for unit %s, %s", which, unit.code, quarter_name(first))


def save_self_scores(
    unit: Unit, quarter: date, scores: Mapping[int, float | None], user: User, max_score: int
) -> None:
    """Record the unit's self-scores; refused once an official has verified the quarter."""
    if not can_self_assess(user, unit):
        raise DossierError(_("Only the unit's own administrators record its self-assessment."))
    _check(scores, max_score, quarter)
    if is_verified(unit.id, quarter):
        raise DossierError(
            _(
                "The quarter %(quarter)s is verified: its self-assessment can no longer change.",
                quarter=quarter_name(quarter),
            )
        )
    _save(unit, quarter, scores, user, "self")


def save_verified_scores(
    unit: Unit, quarter: date, scores: Mapping[int, float | None], user: User, max_score: int
) -> None:
    """Record the verified scores of a unit's quarter (an official of a unit above it)."""
    if not can_verify(user, unit):
        raise DossierError(_("Only an official of a unit above this one verifies its scores."))
    _check(scores, max_score, quarter)
    _save(unit, quarter, scores, user, "verified")
