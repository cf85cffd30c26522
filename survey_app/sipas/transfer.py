"""Responses of SIPAS in and out as files: CSV import checked as a whole, bulk insert, the export's rows.

The rows are written to CSV or XLSX by `survey_app.core.spreadsheets`, which neutralises formulas.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.exc import IntegrityError

from survey_app.audit.service import record
from survey_app.core import clock, import_runs
from survey_app.core.spreadsheets import csv_rows_until_unreadable, imported_id_problem
from survey_app.extensions import db
from survey_app.models import Unit, UnitStatus
from survey_app.models.sipas import CampaignState, Channel, SipasAnswer, SipasCampaign, SipasResponse
from survey_app.org.services import is_open_on
from survey_app.sipas.campaigns import questionnaire_of, within_period
from survey_app.sipas.count_cube import CubeKey, UnitNKey, apply_to_cube, driver_executemany
from survey_app.sipas.questionnaire import Questionnaire

logger = logging.getLogger(__name__)

CSV_FIXED_COLUMNS = ["response_id", "unit_code", "channel", "submitted_at"]
INSERT_CHUNK = 20_000  # responses written per bulk statement
UNDO_CHUNK = 5_000  # responses deleted per transaction when an import is undone
EXPORT_CHUNK = 5_000  # responses read per export query

# A checked import row: external_id, unit_id, channel, submitted_at, answers
ImportRow = tuple[str, int, str, datetime, dict[str, int]]


@dataclass
class ImportResult:
    """What an import did, or every problem that stopped it."""

    created: int = 0
    skipped: int = 0  # response_ids already imported
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file was valid (and so was applied)."""
        return not self.errors


def parse_moment(text: str) -> datetime | None:
    """An ISO 8601 moment; without an offset it is read as local time (a bare date as local noon)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day, 12)
    return moment.replace(tzinfo=clock.local_zone()) if moment.tzinfo is None else moment


def _header_problems(header: list[str], questionnaire: Questionnaire) -> list[str]:
    """What is wrong with the header line, if anything."""
    problems = []
    if header[:4] != CSV_FIXED_COLUMNS:
        problems.append(_("the first columns must be %(columns)s", columns=",".join(CSV_FIXED_COLUMNS)))
    missing = [c for c in questionnaire.criterion_codes if c not in header]
    if missing:
        problems.append(_("criterion columns missing: %(codes)s", codes=", ".join(missing)))
    unknown = [c for c in header[4:] if questionnaire.item(c) is None]
    if unknown:
        problems.append(
            _(
                "columns not in questionnaire %(version)s: %(codes)s",
                version=questionnaire.version,
                codes=", ".join(unknown),
            )
        )
    if len(set(header)) != len(header):
        problems.append(_("a column appears twice"))
    return problems


def _refused(campaign: SipasCampaign, errors: list[str], lines: list[int]) -> ImportResult:
    """An import stopped by problems: logged with their line numbers (never the content)."""
    shown = ", ".join(map(str, lines[:20])) + (" …" if len(lines) > 20 else "")
    logger.warning(
        "import into %s refused: %d problem(s), lines %s", campaign.code, len(errors), shown or "-"
    )
    return ImportResult(errors=errors)


def import_csv(
    campaign: SipasCampaign,
    text: str,
    *,
    allowed_unit_ids: set[int] | None = None,
    after_chunk: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import responses from CSV text: the whole file is checked first; any problem imports nothing.

    Rows whose response_id the campaign already holds are skipped, so importing again adds nothing.
    A valid file is written and committed here, in chunks on SQLite (see write_import); `after_chunk`
    is called with the number of responses written after each chunk.
    """
    if campaign.state == CampaignState.published:
        return _refused(campaign, [_("The campaign is published and can no longer change.")], [])
    undo_abandoned_imports()
    if import_runs.is_running("sipas", campaign.id):
        return _refused(
            campaign, [_("Another import into this campaign is still being written; try again soon.")], []
        )
    questionnaire = questionnaire_of(campaign)
    if "\x00" in text:
        return _refused(campaign, [_("The file is not a CSV text file.")], [])
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv_rows_until_unreadable(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in next(reader, None) or []]
    problems = _header_problems(header, questionnaire)
    if problems:
        return _refused(campaign, [_("Line %(line)d: ", line=1) + "; ".join(problems) + "."], [1])

    units = _units_by_code()
    taking_part = {link.unit_id for link in campaign.units}
    known_ids = set(
        db.session.scalars(select(SipasResponse.external_id).where(SipasResponse.campaign_id == campaign.id))
    )
    codes = header[4:]
    # every accepted cell text per column, mapped to its value (0 = blank, not stored; 99 = "don't know",
    # stored): one lookup per cell
    accepted = [{"": 0, "0": 0, **{str(v): v for v in questionnaire.allowed_values(code)}} for code in codes]
    channels = {c.value for c in Channel}
    seen: dict[str, int] = {}
    errors: list[str] = []
    bad_lines: list[int] = []
    rows: list[ImportRow] = []
    skipped = 0
    width = len(header)
    for line_no, row in enumerate(reader, start=2):
        if row is None:
            errors.append(
                _("Line %(line)d: the line cannot be read as CSV (check the quotes).", line=line_no)
            )
            bad_lines.append(line_no)
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            errors.append(
                _(
                    "Line %(line)d: expected %(want)d columns, found %(n)d.",
                    line=line_no,
                    want=width,
                    n=len(row),
                )
            )
            bad_lines.append(line_no)
            continue
        problems = []
        response_id, unit_code, channel, moment_text = (cell.strip() for cell in row[:4])
        if id_problem := imported_id_problem(row[0], column="response_id"):
            problems.append(id_problem)
        elif not response_id or len(response_id) > 64:
            problems.append(_("response_id must have 1 to 64 characters"))
        elif response_id in seen:
            problems.append(
                _("response_id %(id)s repeats line %(other)d", id=response_id, other=seen[response_id])
            )
        moment = parse_moment(moment_text)
        unit_id = None
        if unit_problem := imported_id_problem(row[1], column="unit_code"):
            problems.append(unit_problem)
        elif unit_code not in units:
            problems.append(_("unknown unit %(code)s", code=unit_code))
        else:
            unit_id, unit_problem = _unit_on(units[unit_code], unit_code, moment)
            if unit_problem:
                problems.append(unit_problem)
            elif allowed_unit_ids is not None and unit_id not in allowed_unit_ids:
                problems.append(_("unit %(code)s is outside your units", code=unit_code))
            elif unit_id not in taking_part:
                problems.append(_("unit %(code)s does not take part in the campaign", code=unit_code))
        if channel not in channels:
            problems.append(_("channel must be online, paper, phone or interview"))
        if moment is None:
            problems.append(_("submitted_at is not an ISO 8601 date and time"))
        elif not within_period(campaign, moment):
            problems.append(_("submitted_at is outside the campaign period"))
        answers: dict[str, int] = {}
        for code, table, cell in zip(codes, accepted, row[4:], strict=True):
            value = table.get(cell)
            if value is None:
                value = table.get(cell.strip())
                if value is None:
                    problems.append(
                        _("%(code)s: %(value)s is not an allowed answer", code=code, value=cell.strip())
                    )
                    continue
            if value:
                answers[code] = value
        if problems:
            errors.append(_("Line %(line)d: ", line=line_no) + "; ".join(problems) + ".")
            bad_lines.append(line_no)
        if response_id:
            seen.setdefault(response_id, line_no)
        if not problems:
            if response_id in known_ids:
                skipped += 1
            else:
                rows.append((response_id, unit_id, channel, moment, answers))  # type: ignore[arg-type]
    if errors:
        return _refused(campaign, errors, bad_lines)
    if not rows and not skipped:
        return _refused(campaign, [_("The file holds no responses.")], [])
    return write_import(campaign, questionnaire, rows, skipped, after_chunk=after_chunk)


def _units_by_code() -> dict[str, list]:
    """Each code's holders (id, status, active_from, active_to), today's holder first: a closed unit may
    share its code with its successor (org.services.unit_for_code_on)."""
    rows = db.session.execute(
        select(Unit.code, Unit.id, Unit.status, Unit.active_from, Unit.active_to).order_by(
            (Unit.status != UnitStatus.active), Unit.id.desc()
        )
    ).all()
    units: dict[str, list] = {}
    for row in rows:
        units.setdefault(row.code, []).append(row)
    return units


def _unit_on(holders: list, code: str, moment: datetime | None) -> tuple[int | None, str | None]:
    """The unit a row's code names on its response day, or why none collects then (closed, not yet open).

    Without a readable moment the code's current holder stands in (the moment's own problem is reported).
    """
    if moment is None:
        return holders[0].id, None
    day = clock.local_date(moment)
    for holder in holders:
        if is_open_on(holder, day):
            return holder.id, None
    closed = [h.active_to for h in holders if h.active_to is not None and h.active_to <= day]
    if closed or all(h.status != UnitStatus.active and h.active_to is None for h in holders):
        return None, _(
            "unit %(code)s no longer operated on %(date)s (closed on %(closed)s)",
            code=code,
            date=day.strftime("%d/%m/%Y"),
            closed=max(closed).strftime("%d/%m/%Y") if closed else "–",
        )
    return None, _("unit %(code)s did not exist yet on %(date)s", code=code, date=day.strftime("%d/%m/%Y"))


def write_import(
    campaign: SipasCampaign,
    questionnaire: Questionnaire,
    rows: list[ImportRow],
    skipped: int,
    *,
    after_chunk: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write checked rows all or nothing without holding SQLite's write lock for the whole file; commits.

    How: core/import_runs.py. On SQLite the responses and their answers are written SIPAS_IMPORT_CHUNK
    at a time, each chunk its own transaction; the count cube, which the reports read, only in the last
    one. Until then the responses already written are visible to the lists and exports of responses,
    never to the reports. If anything fails the run's responses and answers are deleted again.
    """
    campaign_id, code = campaign.id, campaign.code
    if not rows:
        logger.info("import into %s: 0 responses added, %d already there", code, skipped)
        return ImportResult(created=0, skipped=skipped)
    run_id = import_runs.start_run("sipas", campaign_id)
    try:
        import_runs.write_chunks(
            run_id,
            rows,
            lambda chunk: _write_rows(campaign_id, chunk, run_id),
            size=current_app.config["SIPAS_IMPORT_CHUNK"],
            pause=current_app.config["SIPAS_IMPORT_PAUSE_SECONDS"],
            after_chunk=after_chunk,
        )
        import_runs.finish_run(run_id)
        apply_to_cube(campaign_id, *_tally(questionnaire, rows))
        record(
            "sipas.import",
            db.session.get(SipasCampaign, campaign_id),
            summary=f"{len(rows)} responses, {skipped} already there",
            after={"created": len(rows), "skipped": skipped},
        )
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        if import_runs.in_chunks():
            import_runs.undo_run(run_id, _delete_some)
        logger.warning("import into %s failed while writing; nothing kept (%s)", code, type(exc).__name__)
        # Some response_id was stored meanwhile by someone else (the driver's error on the bulk writes).
        if isinstance(exc, (IntegrityError, db.session.get_bind().dialect.loaded_dbapi.IntegrityError)):
            return ImportResult(
                errors=[
                    _(
                        "Some responses of the file were stored by someone else while it was being "
                        "written; nothing was imported. Import the file again."
                    )
                ]
            )
        raise
    logger.info("import into %s: %d responses added, %d already there", code, len(rows), skipped)
    return ImportResult(created=len(rows), skipped=skipped)


def _delete_some(run_id: int) -> bool:
    """Delete UNDO_CHUNK responses of an import run with their answers; False when none was left."""
    ids = list(
        db.session.scalars(
            select(SipasResponse.id).where(SipasResponse.import_run_id == run_id).limit(UNDO_CHUNK)
        )
    )
    if ids:
        db.session.execute(delete(SipasAnswer).where(SipasAnswer.response_id.in_(ids)))
        db.session.execute(delete(SipasResponse).where(SipasResponse.id.in_(ids)))
    return bool(ids)


def undo_abandoned_imports() -> None:
    """Undo the SIPAS imports that failed or were killed midway (core/import_runs.py)."""
    for run_id in import_runs.abandoned_runs("sipas"):
        logger.warning("import run %d was abandoned; undoing it", run_id)
        import_runs.undo_run(run_id, _delete_some)


def insert_responses(campaign: SipasCampaign, questionnaire: Questionnaire, rows: list[ImportRow]) -> None:
    """Bulk-insert checked responses (external_id, unit_id, channel, submitted_at, answers) and count them.

    In the caller's transaction (the demo's seed); imports go through write_import.
    """
    db.session.flush()
    _write_rows(campaign.id, rows, None)
    apply_to_cube(campaign.id, *_tally(questionnaire, rows))


def _write_rows(campaign_id: int, rows: list[ImportRow], run_id: int | None) -> None:
    """Insert responses and their answers, INSERT_CHUNK per statement, in the session's transaction.

    Driver-level bulk writes (COPY on PostgreSQL, executemany on SQLite): the ORM would spend most of
    the time building per-row parameters. The cube is left to the caller.
    """
    copy = db.session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        if copy:
            _copy_chunk(campaign_id, chunk, run_id)
        else:
            _insert_chunk(campaign_id, chunk, run_id)


def _tally(questionnaire: Questionnaire, rows: list[ImportRow]) -> tuple[Tally[CubeKey], Tally[UnitNKey]]:
    """The count cube increments of rows: every question once per response, 0 when unanswered."""
    codes = questionnaire.all_codes
    per_place: dict[UnitNKey, Tally[tuple[str, int]]] = {}
    unit_n: Tally[UnitNKey] = Tally()
    for _ext, unit_id, channel, _moment, answers in rows:
        unit_n[(unit_id, channel)] += 1
        tally = per_place.get((unit_id, channel))
        if tally is None:
            tally = per_place[(unit_id, channel)] = Tally()
        tally.update(answers.items())
    cube: Tally[CubeKey] = Tally()
    for (unit_id, channel), tally in per_place.items():
        answered: Tally[str] = Tally()
        for (code, value), n in tally.items():
            cube[(unit_id, channel, code, value)] += n
            answered[code] += n
        for code in codes:
            missing = unit_n[(unit_id, channel)] - answered[code]
            if missing:
                cube[(unit_id, channel, code, 0)] += missing
    return cube, unit_n


def _insert_chunk(campaign_id: int, chunk: list[ImportRow], run_id: int | None) -> None:
    """SQLite: executemany the responses, read their ids back by external_id, executemany the answers."""
    connection = db.session.connection()
    stamp = SipasResponse.__table__.c.submitted_at.type.bind_processor(connection.dialect)
    before = connection.execute(select(func.coalesce(func.max(SipasResponse.id), 0))).scalar_one()
    driver_executemany(
        "INSERT INTO sipas_response (campaign_id, unit_id, external_id, channel, submitted_at, excluded, "
        "exclude_reason, comment, import_run_id) VALUES ({p}, {p}, {p}, {p}, {p}, 0, '', '', {p})",
        [
            (campaign_id, unit_id, ext, channel, stamp(moment), run_id)
            for ext, unit_id, channel, moment, _a in chunk
        ],
    )
    ids = dict(
        connection.execute(
            select(SipasResponse.external_id, SipasResponse.id).where(
                SipasResponse.campaign_id == campaign_id, SipasResponse.id > before
            )
        ).all()
    )
    driver_executemany(
        "INSERT INTO sipas_answer (response_id, question_code, value) VALUES ({p}, {p}, {p})",
        [(ids[row[0]], code, value) for row in chunk for code, value in row[4].items()],
    )


def _copy_chunk(campaign_id: int, chunk: list[ImportRow], run_id: int | None) -> None:
    """PostgreSQL: reserve ids from the sequence, then COPY responses and answers."""
    connection = db.session.connection()
    ids = list(
        connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('sipas_response', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": len(chunk)},
        ).scalars()
    )
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        columns = (
            "id, campaign_id, unit_id, external_id, channel, submitted_at, excluded, exclude_reason, "
            "comment, import_run_id"
        )
        with cursor.copy(f"COPY sipas_response ({columns}) FROM STDIN") as copy:
            for response_id, (external_id, unit_id, channel, moment, _answers) in zip(
                ids, chunk, strict=True
            ):
                copy.write_row(
                    (response_id, campaign_id, unit_id, external_id, channel, moment, False, "", "", run_id)
                )
        with cursor.copy(
            "COPY sipas_answer (response_id, question_code, value) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(["int4", "varchar", "int2"])
            for response_id, row in zip(ids, chunk, strict=True):
                for code, value in row[4].items():
                    copy.write_row((response_id, code, value))


# --- export ------------------------------------------------------------------------------------


def export_rows(campaign: SipasCampaign, unit_ids_query=None) -> Iterator[list]:
    """The header, then one row per response with its answers, 5,000 responses per query (never all at once).

    The database pivots the answers into one column per question (MAX(CASE …) grouped by response).
    """
    questionnaire = questionnaire_of(campaign)
    codes = questionnaire.all_codes
    yield [*CSV_FIXED_COLUMNS, *codes, "excluded", "comment"]
    zone = clock.local_zone()
    units = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    response, answer = SipasResponse.__table__, SipasAnswer.__table__
    pivot = [func.max(case((answer.c.question_code == code, answer.c.value))) for code in codes]
    next_ids = (
        select(response.c.id)
        .where(response.c.campaign_id == campaign.id)
        .order_by(response.c.id)
        .limit(EXPORT_CHUNK)
    )
    if unit_ids_query is not None:
        next_ids = next_ids.where(response.c.unit_id.in_(unit_ids_query))
    query = (
        select(
            response.c.id,
            response.c.external_id,
            response.c.unit_id,
            response.c.channel,
            response.c.submitted_at,
            response.c.excluded,
            response.c.comment,
            *pivot,
        )
        .select_from(response.outerjoin(answer, answer.c.response_id == response.c.id))
        .group_by(response.c.id)
        .order_by(response.c.id)
    )
    last_id = 0
    while True:
        # the next 5,000 ids first, so each query pivots only its own chunk
        chunk_ids = next_ids.where(response.c.id > last_id).scalar_subquery()
        chunk = db.session.execute(query.where(response.c.id.in_(chunk_ids))).all()
        if not chunk:
            break
        last_id = chunk[-1][0]
        for row in chunk:
            yield [
                row[1],
                units.get(row[2], ""),
                str(row[3]),
                row[4].astimezone(zone).isoformat(),
                *("" if value is None else value for value in row[7:]),
                1 if row[5] else 0,
                row[6],
            ]
