"""Recomputing what imports keep in step: every dossier's scores after a rules change, and the cubes.

`rebuild_cubes` computes the cubes in SQL from the raw dossiers, an implementation independent of the
Python deltas of `services.apply_rows`; `cube_drift` compares the two (`flask dossiers check`).
"""

from __future__ import annotations

import logging

from sqlalchemy import Date, SmallInteger, bindparam, cast, delete, func, select, text

from survey_app.analytics.dossier_scoring import score_dossier
from survey_app.dossiers.rules import rules as current_rules
from survey_app.extensions import db
from survey_app.models.dossiers import (
    INDICATORS,
    MEASURES,
    Dossier,
    DossierDay,
    DossierMonth,
    DossierProcedureMonth,
)

logger = logging.getLogger(__name__)


# --- recomputing ----------------------------------------------------------------------------------------


def rescore(batch: int = 20000) -> int:
    """Recompute every dossier's scores with the rules in force, then the cubes; returns dossiers changed."""
    rules = current_rules()
    table = Dossier.__table__
    changed = 0
    last_id = 0
    score_columns = [table.c[f"s{i}"] for i in INDICATORS]
    while True:
        chunk = db.session.execute(
            select(
                table.c.id,
                table.c.returned_day,
                table.c.due_day,
                table.c.supplement_requests,
                table.c.agencies_contacted,
                table.c.complaint,
                table.c.i2,
                table.c.i5,
                table.c.i6,
                table.c.i8,
                table.c.i9,
                *score_columns,
            )
            .where(table.c.id > last_id)
            .order_by(table.c.id)
            .limit(batch)
        ).all()
        if not chunk:
            break
        params = []
        for row in chunk:
            scores = score_dossier(
                rules,
                returned_day=row.returned_day,
                due_day=row.due_day,
                supplement_requests=row.supplement_requests,
                agencies_contacted=row.agencies_contacted,
                complaint=getattr(row.complaint, "value", row.complaint),
                sources={"i2": row.i2, "i5": row.i5, "i6": row.i6, "i8": row.i8, "i9": row.i9},
            )
            if tuple(row[11:]) != scores:
                params.append(
                    {"dossier_id": row.id, **{f"v_s{i}": s for i, s in zip(INDICATORS, scores, strict=True)}}
                )
        if params:
            db.session.execute(
                table.update()
                .where(table.c.id == bindparam("dossier_id"))
                .values({f"s{i}": bindparam(f"v_s{i}", type_=SmallInteger()) for i in INDICATORS}),
                params,
            )
            changed += len(params)
        last_id = chunk[-1].id
    rebuild_cubes()
    logger.info("dossiers rescored with rules %s: %d changed", rules.version, changed)
    return changed


def _cube_select(keys: list, group: list):
    """The cube rows of every returned dossier, computed in SQL from the raw rows."""
    d = Dossier.__table__.c
    when = [
        func.sum(text("CASE WHEN returned_day < due_day THEN 1 ELSE 0 END")),
        func.sum(text("CASE WHEN returned_day = due_day THEN 1 ELSE 0 END")),
        func.sum(text("CASE WHEN returned_day > due_day THEN 1 ELSE 0 END")),
    ]
    sums = [func.coalesce(func.sum(d[f"s{i}"]), 0) for i in INDICATORS]
    assessed = [func.count(d[f"s{i}"]) for i in INDICATORS]
    return (
        select(*keys, func.count(), *when, *sums, *assessed)
        .where(d.returned_day.is_not(None))
        .group_by(*group)
    )


def _fresh_cubes() -> dict[str, tuple]:
    """{cube: (model, key names, SELECT of its rows computed from the raw dossiers)}."""
    d = Dossier.__table__.c
    postgres = db.session.get_bind().dialect.name == "postgresql"
    month = (
        cast(func.date_trunc("month", d.returned_day), Date)
        if postgres
        else func.date(d.returned_day, "start of month")
    )
    day_keys = [d.unit_id, d.returned_day]
    month_keys = [d.unit_id, month, d.field_id]
    procedure_keys = [d.unit_id, month, d.field_id, d.procedure_id]
    return {
        "day": (DossierDay, ("unit_id", "day"), _cube_select(day_keys, day_keys)),
        "month": (DossierMonth, ("unit_id", "month", "field_id"), _cube_select(month_keys, month_keys)),
        "procedure": (
            DossierProcedureMonth,
            ("unit_id", "month", "field_id", "procedure_id"),
            _cube_select(procedure_keys, procedure_keys),
        ),
    }


def _keyed(rows, width: int) -> dict[tuple, tuple]:
    """{(unit, day as text, …): measures} of cube rows, empty cells left out."""
    return {
        (r[0], str(r[1])[:10], *r[2:width]): tuple(int(v) for v in r[width:]) for r in rows if any(r[width:])
    }


def cube_drift() -> dict[str, int]:
    """{cube: cells that differ from what the raw dossiers give} (0 everywhere when in step)."""
    drift = {}
    for name, (model, keys, fresh) in _fresh_cubes().items():
        table = model.__table__
        expected = _keyed(db.session.execute(fresh), len(keys))
        stored = _keyed(
            db.session.execute(select(*(table.c[k] for k in keys), *(table.c[m] for m in MEASURES))),
            len(keys),
        )
        drift[name] = sum(1 for k in expected.keys() | stored.keys() if expected.get(k) != stored.get(k))
    return drift


def rebuild_cubes() -> None:
    """Recompute the cubes from the raw dossiers (after a rescore, or to repair drift)."""
    for model, keys, fresh in _fresh_cubes().values():
        db.session.execute(delete(model))
        db.session.execute(model.__table__.insert().from_select([*keys, *MEASURES], fresh))
