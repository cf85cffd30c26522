"""Reading dossiers from the one-stop system: the CSV file and the JSON items share one set of checks.

CSV: UTF-8 with a header, columns COLUMNS (i2 … i9 optional). Times are ISO 8601; a date alone is that
day (its local midnight), a time without an offset is local time. Every problem is reported with its
line and column; one problem anywhere and nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from survey_app.core.spreadsheets import FORMULA_TRIGGERS, imported_id_problem

REQUIRED = (
    "dossier_code",
    "unit_code",
    "procedure_code",
    "procedure_name",
    "field_code",
    "received_at",
    "due_at",
    "returned_at",
    "channel",
    "supplement_requests",
    "agencies_contacted",
    "complaint",
)
OPTIONAL = ("i2", "i5", "i6", "i8", "i9")
COLUMNS = REQUIRED + OPTIONAL
CHANNELS = ("in_person", "online", "post")
COMPLAINTS = ("none", "verified", "unfounded")
MAX_CODE, MAX_PROCEDURE_CODE, MAX_PROCEDURE_NAME, MAX_COUNT = 50, 60, 500, 999
SCORES = {"0": 0, "1": 1, "2": 2, 0: 0, 1: 1, 2: 2}


class CleanRow(NamedTuple):
    """A dossier as checked, ready to be written (a tuple: a million of them are built per file)."""

    code: str
    unit_id: int
    procedure_code: str
    procedure_name: str
    field_id: int
    channel: str
    received_at: datetime
    due_at: datetime
    returned_at: datetime | None
    received_day: date
    due_day: date
    returned_day: date | None
    supplement_requests: int
    agencies_contacted: int
    complaint: str
    sources: tuple[int | None, ...]  # i2, i5, i6, i8, i9


@dataclass
class Vocabulary:
    """What a row is checked against: units (those allowed), procedure fields, the time zone."""

    unit_ids: dict[str, int]
    field_ids: dict[str, int]
    zone: ZoneInfo
    allowed_unit_ids: set[int] | None = None  # None: every unit (the command line)
    # Fields closed to new data: {field id: (closing day, the refusal for a dossier received from then)}
    field_closings: dict[int, tuple[date, str]] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _day_offsets(zone: ZoneInfo, day: date) -> tuple:
    """The zone's UTC offsets at the start and at the end of a calendar day."""
    return zone.utcoffset(datetime(day.year, day.month, day.day)), zone.utcoffset(
        datetime(day.year, day.month, day.day, 23, 59, 59)
    )


def parse_moment(value: str, zone: ZoneInfo) -> tuple[datetime, date, bool] | None:
    """(aware instant, local day, date only?) of ISO 8601 text; None when it is not one."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=zone), day, True
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone), moment.date(), False
    day = moment.date()
    start, end = _day_offsets(zone, day)
    if start == end == moment.utcoffset():  # written in local time already (the usual case): no conversion
        return moment, day, False
    return moment, moment.astimezone(zone).date(), False


def _text(value) -> str:
    """A cell or JSON value as stripped text ('' for null)."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def _count(value, name: str, problems: list[tuple[str, str]]) -> int:
    """A whole number from 0 to MAX_COUNT."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value)
        number = int(text) if text.isdigit() and len(text) <= 4 else -1
    if not 0 <= number <= MAX_COUNT:
        problems.append((name, _("a whole number from 0 to %(max)d is required", max=MAX_COUNT)))
        return 0
    return number


def check_row(
    get: Callable[[str], object], vocabulary: Vocabulary
) -> tuple[CleanRow | None, list[tuple[str, str]]]:
    """Check one dossier; returns (the clean row or None, [(column, problem)])."""
    problems: list[tuple[str, str]] = []
    code = _text(get("dossier_code"))
    if formula := imported_id_problem(code):
        problems.append(("dossier_code", formula))
    elif not code or len(code) > MAX_CODE:
        problems.append(("dossier_code", _("1 to %(n)d characters are required", n=MAX_CODE)))
    unit_code = _text(get("unit_code"))
    unit_id = vocabulary.unit_ids.get(unit_code)
    if unit_id is None or (
        vocabulary.allowed_unit_ids is not None and unit_id not in vocabulary.allowed_unit_ids
    ):
        problems.append(("unit_code", _("unknown unit %(code)s", code=unit_code[:60])))
    procedure_code = _text(get("procedure_code"))
    if formula := imported_id_problem(procedure_code):
        problems.append(("procedure_code", formula))
    elif not procedure_code or len(procedure_code) > MAX_PROCEDURE_CODE:
        problems.append(("procedure_code", _("1 to %(n)d characters are required", n=MAX_PROCEDURE_CODE)))
    procedure_name = _text(get("procedure_name"))
    if not procedure_name or len(procedure_name) > MAX_PROCEDURE_NAME:
        problems.append(("procedure_name", _("1 to %(n)d characters are required", n=MAX_PROCEDURE_NAME)))
    field_code = _text(get("field_code"))
    field_id = vocabulary.field_ids.get(field_code)
    if field_id is None:
        problems.append(("field_code", _("unknown procedure field %(code)s", code=field_code[:60])))
    zone = vocabulary.zone
    moments = {}
    for name in ("received_at", "due_at", "returned_at"):
        text = _text(get(name))
        if not text and name == "returned_at":
            moments[name] = None
            continue
        parsed = parse_moment(text, zone) if text else None
        if parsed is None:
            problems.append((name, _("an ISO 8601 date or date and time is required")))
        moments[name] = parsed
    received, due, returned = moments["received_at"], moments.get("due_at"), moments.get("returned_at")
    closing = vocabulary.field_closings.get(field_id) if field_id is not None else None
    if closing and received and received[1] >= closing[0]:
        problems.append(("field_code", closing[1]))  # a dossier received before the closing keeps it
    if received and due and _before(due, received):
        problems.append(("due_at", _("the due date is before the date of receipt")))
    if received and returned and _before(returned, received):
        problems.append(("returned_at", _("the return date is before the date of receipt")))
    channel = _text(get("channel"))
    if channel not in CHANNELS:
        problems.append(("channel", _("must be in_person, online or post")))
    supplement = _count(get("supplement_requests"), "supplement_requests", problems)
    agencies = _count(get("agencies_contacted"), "agencies_contacted", problems)
    complaint = _text(get("complaint"))
    if complaint not in COMPLAINTS:
        problems.append(("complaint", _("must be none, verified or unfounded")))
    sources: list[int | None] = []
    for name in OPTIONAL:
        raw = get(name)
        text = raw if isinstance(raw, int) and not isinstance(raw, bool) else _text(raw)
        if text == "":
            sources.append(None)
            continue
        score = SCORES.get(text)
        if score is None:
            problems.append((name, _("a score of 0, 1 or 2 is required")))
        sources.append(score)
    if problems:
        return None, problems
    return (
        CleanRow(
            code=code,
            unit_id=unit_id,  # type: ignore[arg-type]
            procedure_code=procedure_code,
            procedure_name=procedure_name,
            field_id=field_id,  # type: ignore[arg-type]
            channel=channel,
            received_at=received[0],  # type: ignore[index]
            due_at=due[0],  # type: ignore[index]
            returned_at=returned[0] if returned else None,
            received_day=received[1],  # type: ignore[index]
            due_day=due[1],  # type: ignore[index]
            returned_day=returned[1] if returned else None,
            supplement_requests=supplement,
            agencies_contacted=agencies,
            complaint=complaint,
            sources=tuple(sources),
        ),
        [],
    )


def _before(later: tuple[datetime, date, bool], earlier: tuple[datetime, date, bool]) -> bool:
    """Whether `later` comes before `earlier`: by local day when either is a date alone, else by instant."""
    if later[2] or earlier[2]:
        return later[1] < earlier[1]
    return later[0] < earlier[0]


# --- the CSV file -------------------------------------------------------------------------------------

_MOMENTS_KEPT = 200_000  # distinct time texts remembered while reading a file (they repeat a lot)
_COUNTS = {str(n): n for n in range(MAX_COUNT + 1)}
_UNUSUAL = object()


def _new_row(values: tuple) -> CleanRow:
    """A CleanRow from its values in order (without the keyword call's cost)."""
    return tuple.__new__(CleanRow, values)


class _Moments(dict):
    """{cell text: parse_moment of it, None when it is not a time}, kept while a file is read."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone

    def __missing__(self, cell: str) -> tuple[datetime, date, bool] | None:
        if len(self) >= _MOMENTS_KEPT:
            self.clear()
        text = cell.strip()
        found = self[cell] = parse_moment(text, self.zone) if text else None
        return found


def _usual_row_checker(
    position: dict[str, int], vocabulary: Vocabulary
) -> Callable[[list[str]], CleanRow | None]:
    """check_row for the usual CSV row, without the messages: its clean row, or None to use check_row.

    A million rows are checked per file: this accepts only rows check_row accepts, with the same
    values, and leaves every row with a problem (or an unusual spelling, such as a count written 007) to
    check_row, which words the problems. Times repeat across rows, so each text is parsed once.
    """
    code_at, unit_at, procedure_at, name_at, field_at, received_at, due_at, returned_at = (
        position[name] for name in REQUIRED[:8]
    )
    channel_at, supplement_at, agencies_at, complaint_at = (position[name] for name in REQUIRED[8:])
    source_at = tuple(position.get(name) for name in OPTIONAL)
    # the five source scores at once when every column is there: their usual spellings, else _UNUSUAL
    source_cells = itemgetter(*source_at) if None not in source_at else None
    source_scores, unusual = {"": None, "0": 0, "1": 1, "2": 2}.get, (_UNUSUAL,) * len(OPTIONAL)
    allowed = vocabulary.allowed_unit_ids
    unit_ids = {code: uid for code, uid in vocabulary.unit_ids.items() if allowed is None or uid in allowed}
    field_ids, closings, zone = vocabulary.field_ids, vocabulary.field_closings, vocabulary.zone
    channels, complaints, counts, scores = frozenset(CHANNELS), frozenset(COMPLAINTS), _COUNTS, SCORES
    triggers = FORMULA_TRIGGERS
    moment = _Moments(zone)

    def usual(row: list[str]) -> CleanRow | None:
        code = row[code_at].strip()
        procedure_code = row[procedure_at].strip()
        procedure_name = row[name_at].strip()
        if not (
            code
            and len(code) <= MAX_CODE
            and code[0] not in triggers
            and procedure_code
            and len(procedure_code) <= MAX_PROCEDURE_CODE
            and procedure_code[0] not in triggers
            and procedure_name
            and len(procedure_name) <= MAX_PROCEDURE_NAME
        ):
            return None
        unit_id = unit_ids.get(row[unit_at].strip())
        field_id = field_ids.get(row[field_at].strip())
        received = moment[row[received_at]]
        due = moment[row[due_at]]
        returned_cell = row[returned_at]
        returned = moment[returned_cell] if returned_cell and returned_cell.strip() else None
        channel = row[channel_at].strip()
        complaint = row[complaint_at].strip()
        supplement = counts.get(row[supplement_at].strip())
        agencies = counts.get(row[agencies_at].strip())
        if (
            unit_id is None
            or field_id is None
            or received is None
            or due is None
            or (returned is None and returned_cell.strip())
            or channel not in channels
            or complaint not in complaints
            or supplement is None
            or agencies is None
            # _before, written out: a call per row costs more than the comparison
            or (due[1] < received[1] if due[2] or received[2] else due[0] < received[0])
            or (
                returned is not None
                and (returned[1] < received[1] if returned[2] or received[2] else returned[0] < received[0])
            )
            or (field_id in closings and received[1] >= closings[field_id][0])
        ):
            return None
        head = (  # CleanRow but its sources
            code,
            unit_id,
            procedure_code,
            procedure_name,
            field_id,
            channel,
            received[0],
            due[0],
            returned[0] if returned else None,
            received[1],
            due[1],
            returned[1] if returned else None,
            supplement,
            agencies,
            complaint,
        )
        if source_cells is not None:
            found = tuple(map(source_scores, source_cells(row), unusual))
            if _UNUSUAL not in found:
                return _new_row((*head, found))
        sources = []
        for at in source_at:
            text = "" if at is None else row[at].strip()
            if text:
                score = scores.get(text)
                if score is None:
                    return None
                sources.append(score)
            else:
                sources.append(None)
        return _new_row((*head, tuple(sources)))

    return usual


@dataclass
class ParsedFile:
    """The checked rows of a file, or every problem found in it."""

    rows: list[CleanRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _where(line: int, column: int, name: str) -> str:
    """'Line 12, column 7 (due_at)'."""
    return _("Line %(line)d, column %(column)d (%(name)s)", line=line, column=column, name=name)


def parse_csv(text: str, vocabulary: Vocabulary) -> ParsedFile:
    """Check a whole CSV file: every row, and no dossier code twice."""
    if "\x00" in text:
        return ParsedFile(errors=[_("The file is not a CSV text file.")])
    text = text.lstrip("\ufeff")
    source = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(source, None) or []]
    except csv.Error:
        header = []
    problems = []
    for position, name in enumerate(header, start=1):
        if name not in COLUMNS:
            problems.append(_where(1, position, name) + ": " + _("unknown column"))
        elif header.index(name) != position - 1:
            problems.append(_where(1, position, name) + ": " + _("the column appears twice"))
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        problems.append(
            _("Line %(line)d: required columns missing: %(names)s", line=1, names=", ".join(missing))
        )
    if problems:
        return ParsedFile(errors=problems)
    position = {name: index for index, name in enumerate(header)}
    width = len(header)
    usual = _usual_row_checker(position, vocabulary)
    code_at = position["dossier_code"]
    result = ParsedFile()
    seen: dict[str, int] = {}
    line = 1
    try:
        for row in source:  # the csv module raises csv.Error at a line it cannot read
            line = source.line_num  # the physical line the row ends on
            if not (row and row[0].strip()) and not any(cell.strip() for cell in row):
                continue
            if len(row) != width:
                found = len(row)
                result.errors.append(
                    _(
                        "Line %(line)d: expected %(want)d columns, found %(n)d.",
                        line=line,
                        want=width,
                        n=found,
                    )
                )
                continue
            clean = usual(row)
            if clean is None:  # a problem, or something the fast check leaves to the full one
                clean, row_problems = check_row(dict(zip(header, row, strict=True)).get, vocabulary)
                for name, problem in row_problems:
                    result.errors.append(_where(line, position[name] + 1, name) + ": " + problem + ".")
            code = clean.code if clean else _text(row[code_at])
            if code:
                if code in seen:
                    result.errors.append(
                        _where(line, code_at + 1, "dossier_code")
                        + ": "
                        + _(
                            "the dossier code %(code)s repeats line %(other)d",
                            code=code[:50],
                            other=seen[code],
                        )
                        + "."
                    )
                    continue
                seen[code] = line
            if clean is not None and not result.errors:
                result.rows.append(clean)
    except csv.Error:
        result.errors.append(
            _("Line %(line)d: the line cannot be read as CSV (check the quotes).", line=line + 1)
        )
    if not result.errors and not result.rows:
        result.errors.append(_("The file holds no dossiers."))
    if result.errors:
        result.rows = []
    return result
