"""The stored rating link: `dossier.rated` says whether some kiosk rating carries the dossier's code.

A rating arriving after its dossier sets it through the database trigger kiosk_rating_dossier_link
(migration 0019_drate), so the kiosk's ingest runs no Python for it; a dossier arriving after its ratings
gets it from `mark_rated`, which the import calls for the dossiers it creates. A re-imported dossier keeps
its flag (the upsert never writes it) and ratings are never deleted, so the flag never has to turn false;
flagged ratings set it too, the reports count only the counted ones. `rated_drift` and `relink` check and
repair it from the raw rows (`flask dossiers check`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import any_, bindparam, exists, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from survey_app.extensions import db
from survey_app.models.dossiers import Dossier
from survey_app.models.kiosk import KioskRating

LINK_LOCK = 180017  # the advisory lock ratings with a code take shared (migration 0019_drate's trigger)
CHUNK = 5000  # codes per statement on SQLite (bound parameters)
PG_CHUNK = 50_000  # codes per statement on PostgreSQL (one array parameter)


def _rated_codes():
    """SELECT of every dossier code some kiosk rating carries (read from the ratings' partial index)."""
    code = KioskRating.__table__.c.dossier_code
    return select(code).where(code.is_not(None))


def mark_rated(codes: Sequence[str]) -> None:
    """Set `rated` on the dossiers of these codes that some rating already carries (new dossiers).

    On PostgreSQL it first waits for the transactions writing ratings with a code, and holds them off until
    the caller commits (LINK_LOCK): call it before locking any stored dossier, or a rating waiting for
    that dossier would wait for this lock too.
    """
    if not codes:
        return
    table, ratings = Dossier.__table__, KioskRating.__table__
    rating_code = ratings.c.dossier_code
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(LINK_LOCK)))
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


def _carried():
    """EXISTS: some rating carries the dossier's code (planned as a semi- or anti-join, never NOT IN)."""
    table, code = Dossier.__table__, KioskRating.__table__.c.dossier_code
    return exists().where(code == table.c.code, code.is_not(None))


def rated_drift() -> int:
    """Dossiers whose `rated` disagrees with the ratings (0 when in step)."""
    table = Dossier.__table__
    count = select(func.count()).select_from(table)
    unmarked = db.session.scalar(count.where(~table.c.rated, _carried())) or 0
    stale = db.session.scalar(count.where(table.c.rated, ~_carried())) or 0
    return int(unmarked) + int(stale)


def relink() -> None:
    """Recompute `rated` of every dossier from the ratings (to repair drift)."""
    table = Dossier.__table__
    db.session.execute(table.update().where(~table.c.rated, _carried()).values(rated=True))
    db.session.execute(table.update().where(table.c.rated, ~_carried()).values(rated=False))
