"""dossiers rated: each dossier says whether a kiosk rating carries its code (the rating link, stored)

`dossier.rated` is true once any rating carries the dossier's code, whatever its flag state (ratings are
never deleted, so it never turns false); the partial index ix_dossier_rated holds only those dossiers, so a
quarter's rating link reads its rated dossiers instead of joining every returned one to every rating.
Kept by the trigger kiosk_rating_dossier_link (a rating arriving after its dossier) and by the dossier
import (dossiers.rating_link.mark_rated: a dossier arriving after its ratings). Backfilled here.

Revision ID: 0019_drate
Revises: 0018_sipas_pooled
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_drate"
down_revision = "0018_sipas_pooled"
branch_labels = None
depends_on = None

# SQLite: a row trigger, run only for ratings that carry a code.
SQLITE_TRIGGER = """
CREATE TRIGGER kiosk_rating_dossier_link AFTER INSERT ON kiosk_rating WHEN NEW.dossier_code IS NOT NULL
BEGIN
  UPDATE dossier SET rated = 1 WHERE code = NEW.dossier_code AND rated = 0;
END
"""

# PostgreSQL: a statement trigger over the inserted rows. One UPDATE by code per distinct code (in code
# order, so concurrent batches lock dossiers in one order): a single set-based UPDATE would keep the plan
# of its first batch, and a plan made for a million rows scans the whole dossier table for one rating.
# Ratings with a code take the link lock (LINK_LOCK) shared; the import takes it exclusive before it links
# its new dossiers (dossiers.rating_link.mark_rated), so a rating can never miss a dossier being imported:
# either the import's link statement sees the rating committed, or the rating waits and sees the dossier.
LINK_LOCK = 180017
POSTGRESQL_FUNCTION = """
CREATE FUNCTION kiosk_rating_dossier_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  linked text;
  locked boolean := false;
BEGIN
  FOR linked IN
    SELECT DISTINCT dossier_code FROM new_ratings WHERE dossier_code IS NOT NULL ORDER BY 1
  LOOP
    IF NOT locked THEN
      PERFORM pg_advisory_xact_lock_shared(%d);
      locked := true;
    END IF;
    UPDATE dossier SET rated = true WHERE code = linked AND NOT rated;
  END LOOP;
  RETURN NULL;
END
$$
""" % LINK_LOCK

POSTGRESQL_TRIGGER = """
CREATE TRIGGER kiosk_rating_dossier_link AFTER INSERT ON kiosk_rating
REFERENCING NEW TABLE AS new_ratings FOR EACH STATEMENT EXECUTE FUNCTION kiosk_rating_dossier_link()
"""

BACKFILL = """
UPDATE dossier SET rated = {true}
WHERE code IN (SELECT dossier_code FROM kiosk_rating WHERE dossier_code IS NOT NULL)
"""


def upgrade():
    postgresql = _postgresql()
    # a plain ADD COLUMN, never batch mode: rebuilding dossier would copy millions of rows
    op.add_column("dossier", sa.Column("rated", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(BACKFILL.format(true="true" if postgresql else "1"))
    op.create_index(
        "ix_dossier_rated",
        "dossier",
        ["unit_id", "returned_day", "field_id", "procedure_id", "code"],
        unique=False,
        sqlite_where=sa.text("rated = 1"),
        postgresql_where=sa.text("rated"),
    )
    if postgresql:
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    postgresql = _postgresql()
    op.execute("DROP TRIGGER IF EXISTS kiosk_rating_dossier_link" + (" ON kiosk_rating" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS kiosk_rating_dossier_link()")
    op.drop_index("ix_dossier_rated", table_name="dossier")
    if postgresql:
        op.drop_column("dossier", "rated")
    else:
        op.execute("ALTER TABLE dossier DROP COLUMN rated")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
