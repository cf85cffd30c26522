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
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import any_, bindparam, delete, select
from sqlalchemy.dialects.postgresql import ARRAY
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
            items, write = inserts, lambda chunk: _insert(list(chunk), run_id)
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
        mark_rated([values["code"] for values in inserts])  # ratings that came before their dossier
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
        self.vectors: dict[tuple, list[int]] = {}
        self.day: Tally[tuple] = Tally()
        self.month: Tally[tuple] = Tally()
        self.procedure: Tally[tuple] = Tally()

    def add(self, facts: tuple, vector: list[int] | None, sign: int) -> None:
        """Add (sign 1) or take away (sign −1) one dossier: facts = (returned_day, unit, field, procedure)."""
        if vector is None:
            return
        returned_day, unit_id, field_id, procedure_id = facts
        kind = tuple(vector)
        self.vectors.setdefault(kind, vector)
        month = month_start(returned_day)
        self.day[(unit_id, returned_day, kind)] += sign
        self.month[(unit_id, month, field_id, kind)] += sign
        self.procedure[(unit_id, month, field_id, procedure_id, kind)] += sign

    @staticmethod
    def _cells(counts: Tally[tuple]) -> dict[tuple, list[int]]:
        """{cell key: summed measures}."""
        cells: dict[tuple, list[int]] = {}
        for (*key, kind), n in counts.items():
            if not n:
                continue
            cell = cells.setdefault(tuple(key), [0] * len(kind))
            for index, value in enumerate(kind):
                if value:
                    cell[index] += n * value
        return cells

    def write(self) -> None:
        """Upsert every changed cell (n = n + delta)."""
        _upsert_cube("dossier_day", ("unit_id", "day"), self._cells(self.day))
        _upsert_cube("dossier_month", ("unit_id", "month", "field_id"), self._cells(self.month))
        _upsert_cube(
            "dossier_procedure_month",
            ("unit_id", "month", "field_id", "procedure_id"),
            self._cells(self.procedure),
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


def _stored_columns() -> list:
    """The columns _existing reads: id, code, the compared facts, due and return days, the scores."""
    table = Dossier.__table__
    wanted = [
        table.c.id,
        table.c.code,
        *(table.c[name] for name in COMPARED),
        table.c.due_day,
        table.c.returned_day,
    ]
    return wanted + [table.c[f"s{i}"] for i in INDICATORS]


def _existing(codes: Sequence[str]) -> dict[str, dict]:
    """The stored dossiers with these codes: {code: {column: value}} (id, compared facts, days, scores).

    On PostgreSQL the codes travel as one array parameter (`code = ANY(:codes)`): an IN list of thousands
    of parameters costs more to build and plan than the lookup itself.
    """
    table = Dossier.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        return _existing_postgresql(codes)
    wanted = _stored_columns()
    found: dict[str, dict] = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        for row in db.session.execute(select(*wanted).where(table.c.code.in_(chunk))).mappings():
            found[row["code"]] = dict(row)
    return found


def _existing_postgresql(codes: Sequence[str]) -> dict[str, dict]:
    """_existing on PostgreSQL: the codes as one array parameter per PG_LOOKUP codes."""
    code = Dossier.__table__.c.code
    statement = select(*_stored_columns()).where(code == any_(bindparam("codes", type_=ARRAY(code.type))))
    found: dict[str, dict] = {}
    for start in range(0, len(codes), PG_LOOKUP):
        chunk = list(codes[start : start + PG_LOOKUP])
        for row in db.session.execute(statement, {"codes": chunk}).mappings():
            found[row["code"]] = dict(row)
    return found


def _values(row: CleanRow, procedure_id: int, scores: tuple) -> dict:
    """The columns of a dossier as written."""
    i2, i5, i6, i8, i9 = row.sources
    values = {
        "code": row.code,
        "unit_id": row.unit_id,
        "procedure_id": procedure_id,
        "field_id": row.field_id,
        "channel": row.channel,
        "received_at": row.received_at,
        "due_at": row.due_at,
        "returned_at": row.returned_at,
        "supplement_requests": row.supplement_requests,
        "agencies_contacted": row.agencies_contacted,
        "complaint": row.complaint,
        "i2": i2,
        "i5": i5,
        "i6": i6,
        "i8": i8,
        "i9": i9,
        "received_day": row.received_day,
        "due_day": row.due_day,
        "returned_day": row.returned_day,
    }
    values.update({f"s{i}": score for i, score in zip(INDICATORS, scores, strict=True)})
    return values


def _same(stored: dict, values: dict) -> bool:
    """Whether a stored dossier already holds these facts."""
    for name in COMPARED:
        old, new = stored[name], values[name]
        if hasattr(old, "value"):
            old = old.value
        if old != new:
            return False
    return True


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
    mark_rated([values["code"] for values in inserts])  # ratings that came before their dossier
    _update(updates)
    delta.write()
    return result


def _plan(rows: Sequence[CleanRow]) -> tuple[ImportResult, list[dict], list[dict], CubeDelta, dict]:
    """What applying rows does: (result, new dossiers, changed ones, cube changes, changed ones as stored).

    Creates the procedures not known yet. Scores and cube contributions depend on a handful of facts
    that repeat across dossiers: each combination is worked out once per call.
    """
    rules = current_rules()
    memo: dict[tuple, tuple] = {}
    db.session.flush()
    procedure_ids = _procedure_ids(rows)
    stored = _existing([row.code for row in rows])
    delta = CubeDelta()
    result = ImportResult()
    inserts: list[dict] = []
    updates: list[dict] = []
    for row in rows:
        procedure_id = procedure_ids[row.procedure_code]
        when = None if row.returned_day is None else timing(row.returned_day, row.due_day)
        facts = (when, row.supplement_requests, row.agencies_contacted, row.complaint, row.sources)
        known = memo.get(facts)
        if known is None:
            scores = _scores(rules, row)
            known = memo[facts] = (scores, _contribution(row.returned_day, row.due_day, scores))
        scores, contribution = known
        values = _values(row, procedure_id, scores)
        old = stored.get(row.code)
        if old is not None and _same(old, values):
            result.unchanged += 1
            result.statuses[row.code] = "unchanged"
            continue
        if old is not None:
            old_scores = [old[f"s{i}"] for i in INDICATORS]
            delta.add(
                (old["returned_day"], old["unit_id"], old["field_id"], old["procedure_id"]),
                _contribution(old["returned_day"], old["due_day"], old_scores),
                -1,
            )
            updates.append({**values, "dossier_id": old["id"]})
            result.updated += 1
            result.statuses[row.code] = "updated"
        else:
            inserts.append(values)
            result.created += 1
            result.statuses[row.code] = "created"
        delta.add((row.returned_day, row.unit_id, row.field_id, procedure_id), contribution, 1)
    changed = {values["code"] for values in updates}
    return result, inserts, updates, delta, {code: old for code, old in stored.items() if code in changed}


def _sqlite_instant(moment: datetime | None) -> str | None:
    """An aware instant as SQLAlchemy stores UTCDateTime on SQLite (UTC, without offset)."""
    if moment is None:
        return None
    utc = (moment - moment.utcoffset()).replace(tzinfo=None)
    return utc.isoformat(" ", "microseconds")


def _insert(rows: list[dict], run_id: int | None = None) -> None:
    """Bulk-insert new dossiers (of an import run): COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    now = clock.now()
    connection = db.session.connection()
    columns = (*WRITTEN, "imported_at", "import_run_id")
    raw = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY dossier ({', '.join(columns)}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row([*(values[c] for c in WRITTEN), now, run_id])
        return
    _write_sqlite_rows(_sqlite_rows(rows, run_id))


def _sqlite_rows(rows: Sequence[dict], run_id: int | None) -> list[tuple]:
    """New dossiers as SQLite stores them: WRITTEN, then imported_at and import_run_id."""
    stamp = _sqlite_instant(clock.now())
    due: dict[datetime, str | None] = {}  # due times repeat (a due date is mostly a date alone)
    return [(*_sqlite_row(values, stamp, due), run_id) for values in rows]


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


def _sqlite_row(v: dict, stamp: str, due: dict[datetime, str | None]) -> tuple:
    """A new dossier's values in WRITTEN order, then imported_at, as SQLite stores them."""
    returned_day = v["returned_day"]
    return (
        v["code"],
        v["unit_id"],
        v["procedure_id"],
        v["field_id"],
        v["channel"],
        _sqlite_instant(v["received_at"]),
        due[v["due_at"]] if v["due_at"] in due else due.setdefault(v["due_at"], _sqlite_instant(v["due_at"])),
        _sqlite_instant(v["returned_at"]),
        v["supplement_requests"],
        v["agencies_contacted"],
        v["complaint"],
        v["i2"],
        v["i5"],
        v["i6"],
        v["i8"],
        v["i9"],
        v["received_day"].isoformat(),
        v["due_day"].isoformat(),
        None if returned_day is None else returned_day.isoformat(),
        v["s1"],
        v["s2"],
        v["s3"],
        v["s4"],
        v["s5"],
        v["s6"],
        v["s7"],
        v["s8"],
        v["s9"],
        stamp,
    )


def _update(rows: list[dict]) -> None:
    """Write changed dossiers (every column but the code), by id."""
    if not rows:
        return
    table = Dossier.__table__
    names = [c for c in WRITTEN if c != "code"]
    statement = (
        table.update()
        .where(table.c.id == bindparam("dossier_id"))
        .values({name: bindparam(f"v_{name}", type_=table.c[name].type) for name in (*names, "updated_at")})
    )
    now = clock.now()
    params = [
        {
            "dossier_id": values["dossier_id"],
            "v_updated_at": now,
            **{f"v_{name}": values[name] for name in names},
        }
        for values in rows
    ]
    db.session.execute(statement, params)


def stamp(moment: datetime | None) -> str:
    """An instant as ISO 8601 in local time, for reports."""
    return "" if moment is None else moment.astimezone(clock.local_zone()).isoformat()
