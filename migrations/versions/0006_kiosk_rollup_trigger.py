"""kiosk: the database keeps the roll-ups in step with every inserted rating (trigger kiosk_rating_rollups)

Every counted rating (no flag) adds one to each of the six roll-ups in the transaction of its INSERT. Done
by the database, not by the application, because ingest is the busiest path: six upserts per batch from
Python cost more than the rating's own insert. `flask kiosk rebuild-rollup` recomputes the roll-ups in
Python from the raw rows and reports any drift, so the trigger is checked against an independent
implementation; flag reviews (rare) still add or remove their rating in Python.

Revision ID: 0006_kiosk_rollup_trigger
Revises: 0005_merge_features
"""

from alembic import op

revision = "0006_kiosk_rollup_trigger"
down_revision = "0005_merge_features"
branch_labels = None
depends_on = None

# SQLite: a row trigger. Weekday 0 = Monday (strftime's %w counts from Sunday); reasons are a JSON array.
SQLITE_TRIGGER = """
CREATE TRIGGER kiosk_rating_rollups AFTER INSERT ON kiosk_rating WHEN NEW.flag IS NULL BEGIN
  INSERT INTO kiosk_rollup (day, unit_id, counter_id, staff_id, field_id, level, n)
    VALUES (NEW.local_day, NEW.unit_id, coalesce(NEW.counter_id, 0), coalesce(NEW.staff_id, 0),
            coalesce(NEW.field_id, 0), NEW.level, 1)
    ON CONFLICT (day, unit_id, counter_id, staff_id, field_id, level) DO UPDATE SET n = n + 1;
  INSERT INTO kiosk_rollup_month (month, unit_id, counter_id, staff_id, field_id, level, n)
    VALUES (date(NEW.local_day, 'start of month'), NEW.unit_id, coalesce(NEW.counter_id, 0),
            coalesce(NEW.staff_id, 0), coalesce(NEW.field_id, 0), NEW.level, 1)
    ON CONFLICT (month, unit_id, counter_id, staff_id, field_id, level) DO UPDATE SET n = n + 1;
  INSERT INTO kiosk_unit_day (day, unit_id, level, n) VALUES (NEW.local_day, NEW.unit_id, NEW.level, 1)
    ON CONFLICT (day, unit_id, level) DO UPDATE SET n = n + 1;
  INSERT INTO kiosk_unit_month (month, unit_id, level, n)
    VALUES (date(NEW.local_day, 'start of month'), NEW.unit_id, NEW.level, 1)
    ON CONFLICT (month, unit_id, level) DO UPDATE SET n = n + 1;
  INSERT INTO kiosk_heat (month, unit_id, weekday, hour, level, n)
    VALUES (date(NEW.local_day, 'start of month'), NEW.unit_id,
            (CAST(strftime('%w', NEW.local_day) AS INTEGER) + 6) % 7, NEW.local_hour, NEW.level, 1)
    ON CONFLICT (month, unit_id, weekday, hour, level) DO UPDATE SET n = n + 1;
  INSERT INTO kiosk_reason_month (month, unit_id, reason, n)
    SELECT date(NEW.local_day, 'start of month'), NEW.unit_id, value, 1
    FROM json_each(CASE WHEN json_type(NEW.reasons) = 'array' THEN NEW.reasons ELSE '[]' END) WHERE true
    ON CONFLICT (month, unit_id, reason) DO UPDATE SET n = n + 1;
END
"""

# PostgreSQL: a statement trigger over the inserted rows (a batch of 500 is six grouped upserts, not 3,000
# single ones). Keys are upserted in sorted order so concurrent batches lock rows in one order.
POSTGRESQL_FUNCTION = """
CREATE FUNCTION kiosk_rating_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kiosk_rollup (day, unit_id, counter_id, staff_id, field_id, level, n)
    SELECT local_day, unit_id, coalesce(counter_id, 0), coalesce(staff_id, 0), coalesce(field_id, 0), level,
           count(*)
    FROM new_ratings WHERE flag IS NULL GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, unit_id, counter_id, staff_id, field_id, level) DO UPDATE SET n = kiosk_rollup.n + excluded.n;
  INSERT INTO kiosk_rollup_month (month, unit_id, counter_id, staff_id, field_id, level, n)
    SELECT date_trunc('month', local_day)::date, unit_id, coalesce(counter_id, 0), coalesce(staff_id, 0),
           coalesce(field_id, 0), level, count(*)
    FROM new_ratings WHERE flag IS NULL GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (month, unit_id, counter_id, staff_id, field_id, level)
    DO UPDATE SET n = kiosk_rollup_month.n + excluded.n;
  INSERT INTO kiosk_unit_day (day, unit_id, level, n)
    SELECT local_day, unit_id, level, count(*)
    FROM new_ratings WHERE flag IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, unit_id, level) DO UPDATE SET n = kiosk_unit_day.n + excluded.n;
  INSERT INTO kiosk_unit_month (month, unit_id, level, n)
    SELECT date_trunc('month', local_day)::date, unit_id, level, count(*)
    FROM new_ratings WHERE flag IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, unit_id, level) DO UPDATE SET n = kiosk_unit_month.n + excluded.n;
  INSERT INTO kiosk_heat (month, unit_id, weekday, hour, level, n)
    SELECT date_trunc('month', local_day)::date, unit_id, extract(isodow FROM local_day)::int - 1, local_hour,
           level, count(*)
    FROM new_ratings WHERE flag IS NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (month, unit_id, weekday, hour, level) DO UPDATE SET n = kiosk_heat.n + excluded.n;
  INSERT INTO kiosk_reason_month (month, unit_id, reason, n)
    SELECT date_trunc('month', r.local_day)::date, r.unit_id, reason, count(*)
    FROM new_ratings r
    CROSS JOIN LATERAL json_array_elements_text(
      CASE WHEN json_typeof(r.reasons) = 'array' THEN r.reasons ELSE '[]'::json END) AS reason
    WHERE r.flag IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (month, unit_id, reason) DO UPDATE SET n = kiosk_reason_month.n + excluded.n;
  RETURN NULL;
END
$$
"""

POSTGRESQL_TRIGGER = """
CREATE TRIGGER kiosk_rating_rollups AFTER INSERT ON kiosk_rating
REFERENCING NEW TABLE AS new_ratings FOR EACH STATEMENT EXECUTE FUNCTION kiosk_rating_rollups()
"""


def upgrade():
    if _postgresql():
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS kiosk_rating_rollups" + (" ON kiosk_rating" if _postgresql() else ""))
    if _postgresql():
        op.execute("DROP FUNCTION IF EXISTS kiosk_rating_rollups()")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
