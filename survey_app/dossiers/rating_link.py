"""The stored rating link: `dossier.rated` says whether some kiosk rating carries the dossier's code.

A rating arriving after its dossier sets it through the database trigger kiosk_rating_dossier_link
(migration 0017), so the kiosk's ingest runs no Python for it; a dossier arriving after its ratings gets it
from `mark_rated`, which the import calls for the dossiers it creates. A re-imported dossier keeps its flag
(the upsert never writes it) and ratings are never deleted, so the flag never has to turn false; flagged
ratings set it too, the reports count only the counted ones. `rated_drift` and `relink` check and repair
it from the raw rows (`flask dossiers check`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, any_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from survey_app.extensions import db
from survey_app.models.dossiers import Dossier
from survey_app.models.kiosk import KioskRating

CHUNK = 5000  # codes per statement on SQLite (bound parameters)
PG_CHUNK = 50_000  # codes per statement on PostgreSQL (one array parameter)


def _rated_codes():
    """SELECT of every dossier code some kiosk rating carries (read from the ratings' partial index)."""
    code = KioskRating.__table__.c.dossier_code
    return select(code).where(code.is_not(None))


def mark_rated(codes: Sequence[str]) -> None:
    """Set `rated` on the dossiers of these codes that some rating already carries (new dossiers)."""
    if not codes:
        return
    table, ratings = Dossier.__table__, KioskRating.__table__
    rating_code = ratings.c.dossier_code
    if db.session.get_bind().dialect.name == "postgresql":
        wanted = rating_code == any_(bindparam("codes", type_=ARRAY(rating_code.type)))
        size = PG_CHUNK
    else:
        wanted = rating_code.in_(bindparam("codes", expanding=True))
        size = CHUNK
    statement = (
        table.update()
        .where(table.c.code.in_(_rated_codes().where(wanted)), ~table.c.rated)
        .values(rated=True)
    )
    for start in range(0, len(codes), size):
        db.session.execute(statement, {"codes": list(codes[start : start + size])})


def rated_drift() -> int:
    """Dossiers whose `rated` disagrees with the ratings (0 when in step)."""
    table = Dossier.__table__
    should = table.c.code.in_(_rated_codes())
    wrong = or_(and_(table.c.rated, ~should), and_(~table.c.rated, should))
    return int(db.session.scalar(select(func.count()).select_from(table).where(wrong)) or 0)


def relink() -> None:
    """Recompute `rated` of every dossier from the ratings (to repair drift)."""
    table = Dossier.__table__
    should = table.c.code.in_(_rated_codes())
    db.session.execute(table.update().where(~table.c.rated, should).values(rated=True))
    db.session.execute(table.update().where(table.c.rated, ~should).values(rated=False))
