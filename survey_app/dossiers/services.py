"""Rules of the dossier import: upsert by dossier code, scores computed on the way in, cubes kept in step.

Every write of `dossier` (import, API, rescore) goes through `apply_rows` or `rescore`, which add to and
take from the count cubes `dossier_day`, `dossier_month` and `dossier_procedure_month` in the same
transaction: a cube cell is
always the sum over the dossiers it describes (`rebuild_cubes` recomputes them in SQL from the raw rows
and reports any drift). Writes use driver-level bulk statements (COPY on PostgreSQL, executemany on
SQLite): building ORM objects would cost more than the database work of a million dossiers. A CSV
file is written in chunks on SQLite (write_import). Over 500 lines: planning the upsert, writing it and
undoing it share their helpers.
"""

from __future__ import annotations

import logging
import re
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from survey_app.analytics.dossier_scoring import Rules, score_dossier, timing
from survey_app.analytics.periods import month_start
from survey_app.audit.service import record
from survey_app.core import clock, import_runs
from survey_app.dossiers.rating_link import mark_rated
from survey_app.dossiers.rules import rules as current_rules
from survey_app.dossiers.transfer import CleanRow, Vocabulary, parse_csv
from survey_app.extensions import db
from survey_app.models import ProcedureField, Unit
from survey_app.models.dossiers import (
    INDICATORS,
    MEASURES,
    Dossier,
    DossierDay,
    DossierProcedure,
)
from survey_app.org.procedure_fields import field_refusal

logger = logging.getLogger(__name__)

CHUNK = 5000
PG_LOOKUP = 50_000  # codes per lookup on PostgreSQL (one array parameter)
TIMING_INDEX = {"before": 1, "on_time": 2, "after": 3}
COMPARED = (
    "unit_id",
    "procedure_id",
    "field_id",
    "channel",
    "received_at",
    "due_at",
    "returned_at",
    "supplement_requests",
    "agencies_contacted",
    "complaint",
    "i2",
    "i5",
    "i6",
    "i8",
    "i9",
)
WRITTEN = (
    "code",
    *COMPARED,
    "received_day",
    "due_day",
    "returned_day",
    *(f"s{i}" for i in INDICATORS),
)


class DossierError(ValueError):
    """A dossier action the rules do not allow; the message is user-facing."""


@dataclass
class ImportResult:
    """What an import did, or every problem that stopped it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # dossier code: created | updated | unchanged

    @property
    def ok(self) -> bool:
        """Whether the input was valid (and so was applied)."""
        return not self.errors

    @property
    def summary(self) -> str:
        """The last line of the import command."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


def vocabulary(allowed_unit_ids: set[int] | None = None) -> Vocabulary:
    """Unit and procedure-field codes to ids, and the time zone, for checking rows."""
    return Vocabulary(
        unit_ids=dict(db.session.execute(select(Unit.code, Unit.id)).all()),
        field_ids=dict(db.session.execute(select(ProcedureField.code, ProcedureField.id)).all()),
        zone=clock.local_zone(),
        allowed_unit_ids=allowed_unit_ids,
        field_closings={
            f.id: (f.active_to, field_refusal(f, f.active_to) or "")
            for f in db.session.scalars(select(ProcedureField).where(ProcedureField.active_to.is_not(None)))
        },
    )


def import_csv(text_: str, *, after_chunk: Callable[[int], None] | None = None) -> ImportResult:
    """Import a one-stop system export: all or nothing, upsert by dossier code; commits.

    The whole file is checked first. Written in chunks on SQLite (write_import); `after_chunk` is called
    with the number of new dossiers written after each chunk.
    """
    undo_abandoned_imports()
    if import_runs.is_running("dossiers"):
        return ImportResult(errors=[_("Another dossier import is still being written; try again soon.")])
    parsed = parse_csv(text_, vocabulary())
    if parsed.errors:
        logger.info("dossier import refused: %d problem(s)", len(parsed.errors))
        return ImportResult(errors=parsed.errors)
    result = write_import(parsed.rows, after_chunk=after_chunk)
    if result.ok:
        logger.info("dossier import: %s", result.summary)
    return result


def write_import(
    rows: Sequence[CleanRow], *, after_chunk: Callable[[int], None] | None = None
) -> ImportResult:
    """Apply checked rows all or nothing without holding SQLite's write lock for the whole file; commits.

    How: core/import_runs.py. On SQLite the new dossiers, the bulk of a large file, are written
    DOSSIER_IMPORT_CHUNK at a time, each chunk its own transaction. The changes to dossiers already
    stored and the cubes, which the reports read, are written in the last transaction, after checking
    that nobody changed those dossiers meanwhile. If anything fails the run's new dossiers are deleted
    again (procedure names created on the way stay: a catalogue, not data). Until the last step the new
    dossiers are visible in lists, never in the cubes.
    """
    run_id = import_runs.start_run("dossiers")
    try:
        result, inserts, updates, delta, stored = _plan(rows)
        if import_runs.in_chunks():
            db.session.commit()  # new procedure names, before the first dossier
            # the rows as SQLite stores them, built before any chunk takes the write lock: the lock is
            # then held only for the INSERT itself
            items: Sequence = _sqlite_rows(inserts, run_id)
            write: Callable[[Sequence], None] = _write_sqlite_rows
        else:
            # one transaction: a failure is a rollback, so the dossiers need not carry the run; a NULL
            # import_run_id skips its foreign-key check, and per-row checks are most of COPY's server time
            items, write = inserts, lambda chunk: _insert(chunk)
        import_runs.write_chunks(
            run_id,
            items,
            write,
            size=current_app.config["DOSSIER_IMPORT_CHUNK"],
            pause=current_app.config["DOSSIER_IMPORT_PAUSE_SECONDS"],
            after_chunk=after_chunk,
        )
        import_runs.finish_run(run_id)
        if updates and _existing(list(stored)) != stored:  # a stale "before" would skew the cubes
            raise _ChangedMeanwhile
        mark_rated([values[0] for values in inserts])  # WRITTEN[0], the code: ratings before their dossier
        _update(updates)
        delta.write()
        record(
            "dossiers.import",
            summary=result.summary,
            after={"created": result.created, "updated": result.updated},
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if import_runs.in_chunks():
            import_runs.undo_run(run_id, _delete_some)
        logger.warning("dossier import failed while writing; nothing kept (%s)", type(exc).__name__)
        driver_integrity = db.session.get_bind().dialect.loaded_dbapi.IntegrityError
        if isinstance(exc, (_ChangedMeanwhile, IntegrityError, driver_integrity)):
            return ImportResult(
                errors=[
                    _(
                        "Some dossiers of the file were stored or changed by someone else while it was "
                        "being written; nothing was imported. Import the file again."
                    )
                ]
            )
        raise
    return result


class _ChangedMeanwhile(Exception):
    """A dossier the import updates was changed by someone else between its check and its write."""


def _delete_some(run_id: int) -> bool:
    """Delete CHUNK dossiers an import run created; False when none was left."""
    table = Dossier.__table__
    ids = list(db.session.scalars(select(table.c.id).where(table.c.import_run_id == run_id).limit(CHUNK)))
    if ids:
        db.session.execute(delete(table).where(table.c.id.in_(ids)))
    return bool(ids)


def undo_abandoned_imports() -> None:
    """Undo the dossier imports that failed or were killed midway (core/import_runs.py)."""
    for run_id in import_runs.abandoned_runs("dossiers"):
        logger.warning("dossier import run %d was abandoned; undoing it", run_id)
        import_runs.undo_run(run_id, _delete_some)


# --- writing ------------------------------------------------------------------------------------------


def _contribution(returned_day: date | None, due_day: date, scores: Sequence[int | None]) -> list[int] | None:
    """A returned dossier's measures in a cube cell (see models.dossiers.MEASURES); None if not returned."""
    if returned_day is None:
        return None
    vector = [1, 0, 0, 0]
    vector += [s or 0 for s in scores]
    vector += [0 if s is None else 1 for s in scores]
    vector[TIMING_INDEX[timing(returned_day, due_day)]] = 1
    return vector


class CubeDelta:
    """Changes to the cubes, counted per (cell, contribution) and summed into cells when written.

    Dossiers of a cell mostly share one of a few contributions (same timing, same scores), so counting
    them costs one increment per cube instead of adding 22 measures each time.
    """

    def __init__(self) -> None:
        # {(returned_day, unit, field, procedure, contribution): dossiers}, spread over the cubes when written
        self.counts: dict[tuple, int] = {}

    def add(self, facts: tuple, vector: Sequence[int] | None, sign: int) -> None:
        """Add (sign 1) or take away (sign −1) one dossier: facts = (returned_day, unit, field, procedure)."""
        if vector is None:
            return
        key = (*facts, tuple(vector))
        self.counts[key] = self.counts.get(key, 0) + sign

    def _spread(self) -> tuple[Tally[tuple], Tally[tuple], Tally[tuple]]:
        """The counts per cell of each cube: day, month, procedure-month."""
        day: Tally[tuple] = Tally()
        month: Tally[tuple] = Tally()
        procedure: Tally[tuple] = Tally()
        months: dict[date, date] = {}
        for (returned_day, unit_id, field_id, procedure_id, kind), n in self.counts.items():
            if not n:
                continue
            first = months.get(returned_day)
            if first is None:
                first = months[returned_day] = month_start(returned_day)
            day[(unit_id, returned_day, kind)] += n
            month[(unit_id, first, field_id, kind)] += n
            procedure[(unit_id, first, field_id, procedure_id, kind)] += n
        return day, month, procedure

    @staticmethod
    def _cells(counts: Tally[tuple]) -> dict[tuple, list[int]]:
        """{cell key: summed measures}."""
        cells: dict[tuple, list[int]] = {}
        for key, n in counts.items():
            if not n:
                continue
            kind = key[-1]
            cell = cells.get(key[:-1])
            if cell is None:
                cells[key[:-1]] = [n * value for value in kind]
            else:
                cells[key[:-1]] = [total + n * value for total, value in zip(cell, kind, strict=True)]
        return cells

    def write(self) -> None:
        """Upsert every changed cell (n = n + delta)."""
        day, month, procedure = self._spread()
        _upsert_cube("dossier_day", ("unit_id", "day"), self._cells(day))
        _upsert_cube("dossier_month", ("unit_id", "month", "field_id"), self._cells(month))
        _upsert_cube(
            "dossier_procedure_month",
            ("unit_id", "month", "field_id", "procedure_id"),
            self._cells(procedure),
        )


def _upsert_cube(table: str, keys: tuple[str, ...], cells: dict[tuple, list[int]]) -> None:
    """INSERT … ON CONFLICT DO UPDATE adding the deltas (driver executemany, keys in sorted order)."""
    rows = [(*key, *vector) for key, vector in sorted(cells.items()) if any(vector)]
    if not rows:
        return
    connection = db.session.connection()
    postgres = connection.dialect.name == "postgresql"
    marker = "%s" if postgres else "?"
    columns = (*keys, *MEASURES)
    # table and column names are constants of this module
    updates = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in MEASURES)
    placeholders = ", ".join([marker] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608
    sql += f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    day = DossierDay.__table__.c.day.type.bind_processor(connection.dialect)
    if day is not None:
        rows = [(r[0], day(r[1]), *r[2:]) for r in rows]
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _procedure_ids(rows: Iterable[CleanRow]) -> dict[str, int]:
    """Ids of the rows' procedures: new ones created, names brought up to date (the last one given wins)."""
    names: dict[str, str] = {}
    for row in rows:
        names[row.procedure_code] = row.procedure_name
    table = DossierProcedure.__table__
    known: dict[str, tuple[int, str]] = {}
    codes = list(names)
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        for code, pid, name in db.session.execute(
            select(table.c.code, table.c.id, table.c.name).where(table.c.code.in_(chunk))
        ):
            known[code] = (pid, name)
    new = [{"code": c, "name": n} for c, n in names.items() if c not in known]
    if new:
        db.session.execute(table.insert(), new)
    renamed = [
        {"pid": known[c][0], "new_name": n} for c, n in names.items() if c in known and known[c][1] != n
    ]
    if renamed:
        db.session.execute(
            table.update().where(table.c.id == bindparam("pid")).values(name=bindparam("new_name")), renamed
        )
    if new:
        for start in range(0, len(new), CHUNK):
            chunk = [item["code"] for item in new[start : start + CHUNK]]
            for code, pid in db.session.execute(
                select(table.c.code, table.c.id).where(table.c.code.in_(chunk))
            ):
                known[code] = (pid, names[code])
    return {code: pid for code, (pid, _name) in known.items()}


def _scores(rules: Rules, row: CleanRow) -> tuple[int | None, ...]:
    """The nine scores of a checked row."""
    i2, i5, i6, i8, i9 = row.sources
    return score_dossier(
        rules,
        returned_day=row.returned_day,
        due_day=row.due_day,
        supplement_requests=row.supplement_requests,
        agencies_contacted=row.agencies_contacted,
        complaint=row.complaint,
        sources={"i2": i2, "i5": i5, "i6": i6, "i8": i8, "i9": i9},
    )


def apply_rows(rows: Sequence[CleanRow]) -> ImportResult:
    """Create, update or leave each checked dossier (upsert by code), with its scores and the cubes.

    In the caller's transaction (the API's batches); a CSV file goes through write_import.
    """
    result, inserts, updates, delta, _stored = _plan(rows)
    _insert(inserts)
    mark_rated([values[0] for values in inserts])  # WRITTEN[0], the code: ratings before their dossier
    _update(updates)
    delta.write()
    return result


STORED = ("id", *COMPARED, "due_day", "returned_day", *(f"s{i}" for i in INDICATORS))
"""What _existing reads of a stored dossier, in this order (its compared facts are STORED[1:16])."""
SQLITE_LOOKUP = 500  # codes per lookup on SQLite (one parameter each)


def _existing(codes: Sequence[str]) -> dict[str, tuple]:
    """The stored dossiers with these codes: {code: their STORED values, as Python values}.

    Read with the driver (a million SQLAlchemy rows would cost more than the lookups). On PostgreSQL the
    codes travel as one array parameter (`code = ANY(...)`): an IN list of thousands of parameters costs
    more to build and plan than the lookup itself.
    """
    connection = db.session.connection()
    columns = ", ".join(("code", *STORED))
    found: dict[str, tuple] = {}
    cursor = connection.connection.driver_connection.cursor()
    try:
        if connection.dialect.name == "postgresql":
            sql = f"SELECT {columns} FROM dossier WHERE code = ANY(%s)"  # noqa: S608 (constant names)
            for start in range(0, len(codes), PG_LOOKUP):
                cursor.execute(sql, (list(codes[start : start + PG_LOOKUP]),))
                for code, *values in cursor.fetchall():
                    found[code] = tuple(values)
            return found
        as_python = _SqliteValues()
        for start in range(0, len(codes), SQLITE_LOOKUP):
            chunk = codes[start : start + SQLITE_LOOKUP]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(f"SELECT {columns} FROM dossier WHERE code IN ({marks})", chunk)  # noqa: S608
            for code, *values in cursor.fetchall():
                found[code] = tuple(map(as_python.__getitem__, values))
    finally:
        cursor.close()
    return found


class _SqliteValues(dict):
    """SQLite's stored text of instants and days as Python values, as SQLAlchemy reads them (memoised)."""

    def __missing__(self, value):
        read = value
        if value.__class__ is str and value[:1].isdigit():
            if len(value) == 10:
                read = date.fromisoformat(value)
            else:  # UTCDateTime: UTC without an offset
                read = datetime.fromisoformat(value).replace(tzinfo=UTC)
        self[value] = read
        return read


def _plan(rows: Sequence[CleanRow]) -> tuple[ImportResult, list[tuple], list[tuple], CubeDelta, dict]:
    """What applying rows does: (result, new dossiers, changed ones, cube changes, changed ones as stored).

    New dossiers are tuples in WRITTEN order, changed ones (id, WRITTEN tuple). Creates the procedures not
    known yet. Scores and cube contributions depend on a handful of facts that repeat across dossiers:
    each combination is worked out once per call.
    """
    rules = current_rules()
    memo: dict[tuple, tuple] = {}
    db.session.flush()
    procedure_ids = _procedure_ids(rows)
    stored = _existing([row.code for row in rows])
    delta = CubeDelta()
    counts = delta.counts
    result = ImportResult()
    statuses = result.statuses
    inserts: list[tuple] = []
    updates: list[tuple] = []
    for row in rows:
        code = row.code
        procedure_id = procedure_ids[row.procedure_code]
        returned_day = row.returned_day
        when = None if returned_day is None else timing(returned_day, row.due_day)
        facts = (when, row.supplement_requests, row.agencies_contacted, row.complaint, row.sources)
        known = memo.get(facts)
        if known is None:
            scores = _scores(rules, row)
            contribution = _contribution(returned_day, row.due_day, scores)
            known = memo[facts] = (scores, None if contribution is None else tuple(contribution))
        scores, kind = known
        values = (
            code,
            row.unit_id,
            procedure_id,
            row.field_id,
            row.channel,
            row.received_at,
            row.due_at,
            row.returned_at,
            row.supplement_requests,
            row.agencies_contacted,
            row.complaint,
            *row.sources,
            row.received_day,
            row.due_day,
            returned_day,
            *scores,
        )
        old = stored.get(code)
        if old is not None:
            if old[1:16] == values[1:16]:  # the COMPARED facts
                result.unchanged += 1
                statuses[code] = "unchanged"
                continue
            delta.add((old[17], old[1], old[3], old[2]), _contribution(old[17], old[16], old[18:]), -1)
            updates.append((old[0], values))
            result.updated += 1
            statuses[code] = "updated"
        else:
            inserts.append(values)
            result.created += 1
            statuses[code] = "created"
        if kind is not None:
            key = (returned_day, row.unit_id, row.field_id, procedure_id, kind)
            counts[key] = counts.get(key, 0) + 1
    changed = {values[0] for _id, values in updates}
    return result, inserts, updates, delta, {code: old for code, old in stored.items() if code in changed}


def _sqlite_instant(moment: datetime | None) -> str | None:
    """An aware instant as SQLAlchemy stores UTCDateTime on SQLite (UTC, without offset)."""
    if moment is None:
        return None
    utc = (moment - moment.utcoffset()).replace(tzinfo=None)
    return utc.isoformat(" ", "microseconds")


class _SqliteText(dict):
    """Values as SQLite stores them (instants and days as text, the rest as is), memoised: they repeat."""

    def __missing__(self, value):
        if isinstance(value, datetime):
            text = _sqlite_instant(value)
        elif isinstance(value, date):
            text = value.isoformat()
        else:
            text = value
        self[value] = text
        return text


class _CopyText(dict):
    """Values as COPY's text format writes them (None as \\N, specials escaped), memoised: they repeat."""

    def __missing__(self, value):
        text = _copy_text(value)
        self[value] = text
        return text


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    text = value.isoformat() if isinstance(value, date) else str(value)
    if _COPY_SPECIAL.search(text):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
COPY_BATCH = 2_000  # rows per write to the COPY stream


def _insert(rows: Sequence[tuple], run_id: int | None = None) -> None:
    """Bulk-insert new dossiers (WRITTEN tuples) of an import run: COPY on PostgreSQL, else executemany.

    On PostgreSQL the rows are written as COPY text by hand: the values repeat (days, instants, scores)
    and each is formatted once, where the driver's write_row would adapt every value of every row.
    """
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        _write_sqlite_rows(_sqlite_rows(rows, run_id))
        return
    columns = (*WRITTEN, "imported_at", "import_run_id")
    texts = _CopyText()
    tail = "\t" + texts[clock.now()] + "\t" + texts[run_id] + "\n"
    text_of = texts.__getitem__
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY dossier ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(rows), COPY_BATCH):
            copy.write(
                "".join(
                    [
                        _copy_text(values[0]) + "\t" + "\t".join(map(text_of, values[1:])) + tail
                        for values in rows[start : start + COPY_BATCH]
                    ]
                )
            )


def _sqlite_rows(rows: Sequence[tuple], run_id: int | None) -> list[tuple]:
    """New dossiers as SQLite stores them: WRITTEN, then imported_at and import_run_id."""
    texts = _SqliteText()
    tail = (texts[clock.now()], run_id)
    text_of = texts.__getitem__
    return [(values[0], *map(text_of, values[1:]), *tail) for values in rows]


def _write_sqlite_rows(rows: Sequence[tuple]) -> None:
    """INSERT rows made by _sqlite_rows (driver executemany)."""
    if not rows:
        return
    columns = (*WRITTEN, "imported_at", "import_run_id")
    sql = f"INSERT INTO dossier ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
    cursor = db.session.connection().connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _update(rows: list[tuple]) -> None:
    """Write changed dossiers, (id, WRITTEN tuple) each: every column but the code."""
    if not rows:
        return
    table = Dossier.__table__
    names = WRITTEN[1:]
    statement = (
        table.update()
        .where(table.c.id == bindparam("dossier_id"))
        .values({name: bindparam(f"v_{name}", type_=table.c[name].type) for name in (*names, "updated_at")})
    )
    now = clock.now()
    params = [
        {
            "dossier_id": dossier_id,
            "v_updated_at": now,
            **{f"v_{name}": value for name, value in zip(names, values[1:], strict=True)},
        }
        for dossier_id, values in rows
    ]
    db.session.execute(statement, params)


def stamp(moment: datetime | None) -> str:
    """An instant as ISO 8601 in local time, for reports."""
    return "" if moment is None else moment.astimezone(clock.local_zone()).isoformat()
