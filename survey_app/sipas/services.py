"""Rules of SIPAS campaigns: states, units and targets, responses and the in-step count cube."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import uuid
from collections import Counter as Tally
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.orm import selectinload

from survey_app.analytics.sipas_index import sample_size
from survey_app.audit.service import record, snapshot
from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.models.sipas import (
    BatchState,
    CampaignState,
    Channel,
    SipasAnswer,
    SipasBatch,
    SipasCampaign,
    SipasCampaignUnit,
    SipasCount,
    SipasDeviceMark,
    SipasResponse,
    SipasUnitN,
)
from survey_app.org.services import subtree_ids_query
from survey_app.sipas.questionnaire import Questionnaire, QuestionnaireError, get_questionnaire

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CSV_FIXED_COLUMNS = ["response_id", "unit_code", "channel", "submitted_at"]
CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class SipasError(ValueError):
    """A SIPAS action the rules do not allow; the message is user-facing."""


# --- campaigns ---------------------------------------------------------------------------------


def get_campaign(code: str) -> SipasCampaign | None:
    """The campaign with a code, if any."""
    return db.session.scalar(select(SipasCampaign).where(SipasCampaign.code == code))


def questionnaire_of(campaign: SipasCampaign) -> Questionnaire:
    """The questionnaire version a campaign uses."""
    try:
        return get_questionnaire(campaign.questionnaire)
    except QuestionnaireError as exc:
        raise SipasError(str(exc)) from exc


def create_campaign(
    *,
    code: str,
    name: str,
    questionnaire: str,
    start_on: date,
    end_on: date,
    channels: Iterable[str] = tuple(Channel),
    owner_unit: Unit | None = None,
) -> SipasCampaign:
    """A new campaign, in draft."""
    code = code.strip()
    if not code or len(code) > 40 or not set(code) <= CODE_CHARS:
        raise SipasError(_("The code must have 1 to 40 letters, digits, dots, dashes or underscores."))
    if get_campaign(code):
        raise SipasError(_("A campaign with code %(code)s already exists.", code=code))
    if not name.strip():
        raise SipasError(_("The name is required."))
    try:
        get_questionnaire(questionnaire)
    except QuestionnaireError as exc:
        raise SipasError(str(exc)) from exc
    if end_on < start_on:
        raise SipasError(_("The period must end on or after its start."))
    chosen = [c for c in Channel if c.value in set(channels)]
    if not chosen:
        raise SipasError(_("Choose at least one channel."))
    campaign = SipasCampaign(
        code=code,
        name=name.strip(),
        questionnaire=questionnaire,
        start_on=start_on,
        end_on=end_on,
        channels=",".join(c.value for c in chosen),
        owner_unit=owner_unit,
        state=CampaignState.draft,
    )
    db.session.add(campaign)
    db.session.flush()
    record("sipas.campaign.create", campaign, summary=f"{code} {name}")
    return campaign


def _ensure_not_published(campaign: SipasCampaign) -> None:
    """A published campaign is frozen."""
    if campaign.state == CampaignState.published:
        raise SipasError(_("The campaign is published and can no longer change."))


def set_campaign_unit(
    campaign: SipasCampaign, unit: Unit, *, target: int | None, population: int | None = None
) -> SipasCampaignUnit:
    """Add a unit to a campaign or change its target; the target defaults to N/(1+N·e²)."""
    _ensure_not_published(campaign)
    if (population is not None and population < 0) or (target is not None and target < 0):
        raise SipasError(_("Targets and dossier counts cannot be negative."))
    if target is None:
        if population is None:
            raise SipasError(_("Give a sample target or the number of dossiers to compute it from."))
        target = sample_size(population)
    link = db.session.scalar(
        select(SipasCampaignUnit).where(
            SipasCampaignUnit.campaign_id == campaign.id, SipasCampaignUnit.unit_id == unit.id
        )
    )
    before = snapshot(link) if link else None
    if link is None:
        link = SipasCampaignUnit(campaign=campaign, unit=unit)
        db.session.add(link)
    link.target, link.population = target, population
    db.session.flush()
    record("sipas.campaign_unit.save", link, before=before, summary=f"{campaign.code} {unit.code} {target}")
    return link


def remove_campaign_unit(campaign: SipasCampaign, link: SipasCampaignUnit) -> None:
    """Take a unit out of a campaign (its responses, if any, stay)."""
    _ensure_not_published(campaign)
    record("sipas.campaign_unit.remove", link, before=snapshot(link), after={}, summary=campaign.code)
    db.session.delete(link)


TRANSITIONS = {
    "open": ({CampaignState.draft, CampaignState.closed}, CampaignState.open),
    "close": ({CampaignState.open}, CampaignState.closed),
    "publish": ({CampaignState.closed}, CampaignState.published),
}


def change_state(campaign: SipasCampaign, action: str) -> SipasCampaign:
    """Move a campaign along draft → open → closed → published (closed may reopen)."""
    if action not in TRANSITIONS:
        raise SipasError(_("Unknown action."))
    sources, target = TRANSITIONS[action]
    if campaign.state not in sources:
        raise SipasError(
            _("A campaign in state %(state)s cannot do this.", state=state_label(campaign.state))
        )
    if target == CampaignState.open and not campaign.units:
        raise SipasError(_("Add at least one participating unit before opening the campaign."))
    before = snapshot(campaign)
    campaign.state = target
    now = datetime.now(UTC)
    if target == CampaignState.open:
        campaign.opened_at = now
    elif target == CampaignState.closed:
        campaign.closed_at = now
    else:
        campaign.published_at = now
    record(f"sipas.campaign.{action}", campaign, before=before, summary=campaign.code)
    return campaign


def state_label(state: CampaignState) -> str:
    """The translated name of a campaign state."""
    return {
        CampaignState.draft: _("draft"),
        CampaignState.open: _("open"),
        CampaignState.closed: _("closed"),
        CampaignState.published: _("published"),
    }[state]


def channel_label(channel: Channel | str) -> str:
    """The translated name of a channel."""
    return {
        "online": _("online"),
        "paper": _("paper"),
        "phone": _("phone"),
        "interview": _("interview"),
    }[str(channel)]


def local_day(moment: datetime) -> date:
    """The date of a moment in Vietnam."""
    return moment.astimezone(LOCAL_TZ).date()


def within_period(campaign: SipasCampaign, moment: datetime) -> bool:
    """Whether a moment falls in the campaign's period (local dates, both ends included)."""
    return campaign.start_on <= local_day(moment) <= campaign.end_on


def ensure_accepts_online(campaign: SipasCampaign, now: datetime | None = None) -> None:
    """The public form answers only while the campaign is open and in its period."""
    now = now or datetime.now(UTC)
    if campaign.state != CampaignState.open or not within_period(campaign, now):
        raise SipasError(_("This survey is not accepting answers now."))
    if Channel.online not in campaign.channel_list:
        raise SipasError(_("This survey is not collected online."))


def ensure_accepts_entry(campaign: SipasCampaign, submitted_at: datetime) -> None:
    """Paper forms and imports: any state but published, for moments within the period."""
    _ensure_not_published(campaign)
    if not within_period(campaign, submitted_at):
        raise SipasError(
            _(
                "The date must lie within the campaign period (%(start)s – %(end)s).",
                start=campaign.start_on.strftime("%d/%m/%Y"),
                end=campaign.end_on.strftime("%d/%m/%Y"),
            )
        )


# --- the count cube ----------------------------------------------------------------------------

CubeKey = tuple[int, str, str, int]  # unit id, channel, question code, value (0 = no answer)


_UPSERT = {
    "sipas_count": (
        "INSERT INTO sipas_count (campaign_id, unit_id, channel, question_code, value, n) "
        "VALUES ({p}, {p}, {p}, {p}, {p}, {p}) "
        "ON CONFLICT (campaign_id, unit_id, channel, question_code, value) "
        "DO UPDATE SET n = sipas_count.n + excluded.n"
    ),
    "sipas_unit_n": (
        "INSERT INTO sipas_unit_n (campaign_id, unit_id, channel, n) VALUES ({p}, {p}, {p}, {p}) "
        "ON CONFLICT (campaign_id, unit_id, channel) DO UPDATE SET n = sipas_unit_n.n + excluded.n"
    ),
}


def _driver_executemany(sql: str, rows: list[tuple]) -> None:
    """executemany on the driver's cursor, inside the session's transaction (no per-row ORM work)."""
    if not rows:
        return
    connection = db.session.connection()
    marker = "%s" if connection.dialect.name == "postgresql" else "?"
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql.format(p=marker), rows)
    finally:
        cursor.close()


_PG_UPSERT = {
    "sipas_count": (
        "INSERT INTO sipas_count (campaign_id, unit_id, channel, question_code, value, n) "
        "SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[], %s::smallint[], %s::int[]) "
        "ON CONFLICT (campaign_id, unit_id, channel, question_code, value) "
        "DO UPDATE SET n = sipas_count.n + excluded.n"
    ),
    "sipas_unit_n": (
        "INSERT INTO sipas_unit_n (campaign_id, unit_id, channel, n) "
        "SELECT * FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::int[]) "
        "ON CONFLICT (campaign_id, unit_id, channel) DO UPDATE SET n = sipas_unit_n.n + excluded.n"
    ),
}


def _upsert(table: str, rows: list[tuple]) -> None:
    """Add `n` to existing cube rows or insert them: one statement on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        _driver_executemany(_UPSERT[table], rows)
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(_PG_UPSERT[table], columns)


def apply_to_cube(
    campaign_id: int, cube: Tally[CubeKey], unit_n: Tally[tuple[int, str]], sign: int = 1
) -> None:
    """Add (or with sign −1 take away) pooled answer counts and response counts (INSERT … ON CONFLICT)."""
    db.session.flush()
    _upsert("sipas_count", [(campaign_id, u, c, q, v, sign * n) for (u, c, q, v), n in cube.items() if n])
    _upsert("sipas_unit_n", [(campaign_id, u, c, sign * n) for (u, c), n in unit_n.items() if n])


def _cube_of(unit_id: int, channel: str, answers: dict[str, int], codes: list[str]):
    """The cube increments of one response: every question once, 0 when unanswered."""
    cube: Tally[CubeKey] = Tally((unit_id, channel, code, answers.get(code, 0)) for code in codes)
    return cube, Tally({(unit_id, channel): 1})


# --- responses ---------------------------------------------------------------------------------


def clean_answers(questionnaire: Questionnaire, raw: dict[str, object]) -> dict[str, int]:
    """Answers checked against the questionnaire: known codes, allowed values; 0/empty = no answer."""
    answers: dict[str, int] = {}
    for code, value in raw.items():
        item = questionnaire.item(code)
        if item is None:
            raise SipasError(_("Unknown question %(code)s.", code=code))
        if value in (None, "", 0, "0"):
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = -1
        if number not in questionnaire.allowed_values(code):
            raise SipasError(_("%(code)s: %(value)s is not an allowed answer.", code=code, value=value))
        answers[code] = number
    return answers


def record_response(
    campaign: SipasCampaign,
    unit: Unit,
    *,
    channel: Channel,
    answers: dict[str, int],
    submitted_at: datetime,
    comment: str = "",
    batch: SipasBatch | None = None,
    entered_by_id: int | None = None,
    external_id: str | None = None,
) -> SipasResponse:
    """Store one response and count it in the cube, in the same transaction."""
    questionnaire = questionnaire_of(campaign)
    answers = clean_answers(questionnaire, answers)
    response = SipasResponse(
        campaign_id=campaign.id,
        unit_id=unit.id,
        external_id=external_id or uuid.uuid4().hex,
        channel=channel,
        submitted_at=submitted_at,
        batch_id=batch.id if batch else None,
        comment=comment.strip()[:4000],
        entered_by_id=entered_by_id,
    )
    response.answers = [SipasAnswer(question_code=c, value=v) for c, v in answers.items()]
    db.session.add(response)
    db.session.flush()
    apply_to_cube(campaign.id, *_cube_of(unit.id, channel.value, answers, questionnaire.all_codes))
    return response


def answers_of(response: SipasResponse) -> dict[str, int]:
    """A response's answers as {code: value}."""
    return {a.question_code: a.value for a in response.answers}


def update_response(response: SipasResponse, answers: dict[str, int], comment: str | None = None) -> None:
    """Correct a typed form: the cube moves with it and the change is logged with who and when."""
    campaign = db.session.get(SipasCampaign, response.campaign_id)
    _ensure_not_published(campaign)
    questionnaire = questionnaire_of(campaign)
    new = clean_answers(questionnaire, answers)
    old = answers_of(response)
    if not response.excluded:
        codes = questionnaire.all_codes
        apply_to_cube(campaign.id, *_cube_of(response.unit_id, response.channel.value, old, codes), sign=-1)
        apply_to_cube(campaign.id, *_cube_of(response.unit_id, response.channel.value, new, codes))
    response.answers = [SipasAnswer(question_code=c, value=v) for c, v in new.items()]
    if comment is not None:
        response.comment = comment.strip()[:4000]
    response.updated_at = datetime.now(UTC)
    record(
        "sipas.response.edit",
        response,
        before={"answers": old},
        after={"answers": new},
        summary=f"{campaign.code} #{response.id}",
    )


def set_excluded(response: SipasResponse, excluded: bool, reason: str = "") -> None:
    """Leave a response out of every figure (or take it back in); logged."""
    if response.excluded == excluded:
        return
    campaign = db.session.get(SipasCampaign, response.campaign_id)
    _ensure_not_published(campaign)
    codes = questionnaire_of(campaign).all_codes
    cube = _cube_of(response.unit_id, response.channel.value, answers_of(response), codes)
    apply_to_cube(campaign.id, *cube, sign=-1 if excluded else 1)
    before = snapshot(response)
    response.excluded, response.exclude_reason = excluded, reason.strip()[:200]
    record("sipas.response.exclude" if excluded else "sipas.response.include", response, before=before)


# --- the online channel: "has this device answered?" kept apart from the answers ----------------


def device_hash(campaign: SipasCampaign, token: str) -> str:
    """A one-way hash of a device's random cookie token, salted by the campaign."""
    return hashlib.sha256(f"{campaign.id}:{token}".encode()).hexdigest()


def new_device_token() -> str:
    """A random token for the device cookie (it identifies nobody)."""
    return secrets.token_urlsafe(24)


def device_has_answered(campaign: SipasCampaign, token: str | None) -> bool:
    """Whether this device already submitted an answer to the campaign."""
    if not token:
        return False
    found = db.session.get(SipasDeviceMark, (campaign.id, device_hash(campaign, token)))
    return found is not None


def submit_online(
    campaign: SipasCampaign, unit: Unit, answers: dict[str, int], comment: str, device_token: str
) -> None:
    """Record an online answer and mark the device; the two records share no key."""
    ensure_accepts_online(campaign)
    if device_has_answered(campaign, device_token):
        raise SipasError(_("This device has already answered this survey. Thank you!"))
    if not participates(campaign, unit):
        raise SipasError(_("This unit does not take part in the survey."))
    # The submission minute is enough for period checks and keeps timing from pairing records.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    record_response(
        campaign, unit, channel=Channel.online, answers=answers, submitted_at=now, comment=comment
    )
    db.session.add(SipasDeviceMark(campaign_id=campaign.id, token_hash=device_hash(campaign, device_token)))


def participates(campaign: SipasCampaign, unit: Unit) -> bool:
    """Whether a unit is one of the campaign's participating units."""
    return any(link.unit_id == unit.id for link in campaign.units)


# --- paper batches -----------------------------------------------------------------------------


def open_batch(
    campaign: SipasCampaign, unit: Unit, *, place: str, collected_on: date, forms_in_hand: int, user_id: int
) -> SipasBatch:
    """An official starts typing a bundle of paper forms."""
    _ensure_not_published(campaign)
    if Channel.paper not in campaign.channel_list:
        raise SipasError(_("This campaign does not collect paper forms."))
    if not campaign.start_on <= collected_on <= campaign.end_on:
        raise SipasError(
            _(
                "The date must lie within the campaign period (%(start)s – %(end)s).",
                start=campaign.start_on.strftime("%d/%m/%Y"),
                end=campaign.end_on.strftime("%d/%m/%Y"),
            )
        )
    if forms_in_hand < 1:
        raise SipasError(_("The number of forms must be at least 1."))
    if not place.strip():
        raise SipasError(_("The place is required."))
    batch = SipasBatch(
        campaign=campaign,
        unit=unit,
        place=place.strip(),
        collected_on=collected_on,
        forms_in_hand=forms_in_hand,
        created_by_id=user_id,
    )
    db.session.add(batch)
    db.session.flush()
    record("sipas.batch.open", batch, summary=f"{campaign.code} {unit.code} {place}")
    return batch


def batch_count(batch: SipasBatch) -> int:
    """Forms typed into a batch so far."""
    return (
        db.session.scalar(select(func.count(SipasResponse.id)).where(SipasResponse.batch_id == batch.id)) or 0
    )


def enter_paper_form(batch: SipasBatch, answers: dict[str, int], comment: str, user_id: int) -> SipasResponse:
    """Type one paper form into an open batch."""
    if batch.state != BatchState.open:
        raise SipasError(_("This batch is closed."))
    if batch_count(batch) >= batch.forms_in_hand:
        raise SipasError(_("All the forms of this batch have been typed; close it or correct a form."))
    campaign = batch.campaign
    # Noon local time of the collection day: the day is what the form records.
    moment = datetime(
        batch.collected_on.year, batch.collected_on.month, batch.collected_on.day, 12, tzinfo=LOCAL_TZ
    ).astimezone(UTC)
    ensure_accepts_entry(campaign, moment)
    return record_response(
        campaign,
        batch.unit,
        channel=Channel.paper,
        answers=answers,
        submitted_at=moment,
        comment=comment,
        batch=batch,
        entered_by_id=user_id,
    )


def close_batch(batch: SipasBatch) -> None:
    """Close a batch once the number typed matches the forms in hand."""
    if batch.state != BatchState.open:
        raise SipasError(_("This batch is closed."))
    typed = batch_count(batch)
    if typed != batch.forms_in_hand:
        raise SipasError(
            _(
                "%(typed)d of %(expected)d forms are typed; the batch closes when they match.",
                typed=typed,
                expected=batch.forms_in_hand,
            )
        )
    before = snapshot(batch)
    batch.state, batch.closed_at = BatchState.closed, datetime.now(UTC)
    record("sipas.batch.close", batch, before=before, summary=f"{typed} forms")


# --- CSV import --------------------------------------------------------------------------------


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


def _parse_moment(text: str) -> datetime | None:
    """An ISO 8601 moment; without an offset it is read as Vietnam time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day, 12)
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None else moment


def _safe_rows(reader) -> Iterator[list[str] | None]:
    """The rows of a CSV reader, then None (and stop) at a line the csv module cannot read."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            return
        yield row


def import_csv(
    campaign: SipasCampaign, text: str, *, allowed_unit_ids: set[int] | None = None
) -> ImportResult:
    """Import responses from CSV text: the whole file is checked first; any problem imports nothing.

    Rows whose response_id the campaign already holds are skipped, so importing again adds nothing.
    """
    if campaign.state == CampaignState.published:
        return ImportResult(errors=[_("The campaign is published and can no longer change.")])
    questionnaire = questionnaire_of(campaign)
    if "\x00" in text:
        return ImportResult(errors=[_("The file is not a CSV text file.")])
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = _safe_rows(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in next(reader, None) or []]
    missing = [c for c in questionnaire.criterion_codes if c not in header]
    unknown = [c for c in header[4:] if questionnaire.item(c) is None]
    if header[:4] != CSV_FIXED_COLUMNS or missing or unknown or len(set(header)) != len(header):
        problems = []
        if header[:4] != CSV_FIXED_COLUMNS:
            problems.append(_("the first columns must be %(columns)s", columns=",".join(CSV_FIXED_COLUMNS)))
        if missing:
            problems.append(_("criterion columns missing: %(codes)s", codes=", ".join(missing)))
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
        return ImportResult(errors=[_("Line %(line)d: ", line=1) + "; ".join(problems) + "."])

    units = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    known_ids = set(
        db.session.scalars(select(SipasResponse.external_id).where(SipasResponse.campaign_id == campaign.id))
    )
    codes = header[4:]
    # every accepted cell text per column, mapped to its value (0 = no answer): one lookup per cell
    accepted = [{"": 0, "0": 0, **{str(v): v for v in questionnaire.allowed_values(code)}} for code in codes]
    channels = {c.value for c in Channel}
    seen: dict[str, int] = {}
    errors: list[str] = []
    rows: list[tuple[str, int, str, datetime, dict[str, int]]] = []
    skipped = 0
    width = len(header)
    for line_no, row in enumerate(reader, start=2):
        if row is None:
            errors.append(
                _("Line %(line)d: the line cannot be read as CSV (check the quotes).", line=line_no)
            )
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
            continue
        problems = []
        response_id, unit_code, channel, moment_text = (cell.strip() for cell in row[:4])
        if not response_id or len(response_id) > 64:
            problems.append(_("response_id must have 1 to 64 characters"))
        elif response_id in seen:
            problems.append(
                _("response_id %(id)s repeats line %(other)d", id=response_id, other=seen[response_id])
            )
        unit_id = units.get(unit_code)
        if unit_id is None:
            problems.append(_("unknown unit %(code)s", code=unit_code))
        elif allowed_unit_ids is not None and unit_id not in allowed_unit_ids:
            problems.append(_("unit %(code)s is outside your units", code=unit_code))
        if channel not in channels:
            problems.append(_("channel must be online, paper, phone or interview"))
        moment = _parse_moment(moment_text)
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
        if response_id:
            seen.setdefault(response_id, line_no)
        if not problems:
            if response_id in known_ids:
                skipped += 1
            else:
                rows.append((response_id, unit_id, channel, moment, answers))  # type: ignore[arg-type]
    if errors:
        return ImportResult(errors=errors)
    if not rows and not skipped:
        return ImportResult(errors=[_("The file holds no responses.")])
    insert_responses(campaign, questionnaire, rows)
    if rows:
        record(
            "sipas.import",
            campaign,
            summary=f"{len(rows)} responses, {skipped} already there",
            after={"created": len(rows), "skipped": skipped},
        )
    return ImportResult(created=len(rows), skipped=skipped)


def insert_responses(
    campaign: SipasCampaign,
    questionnaire: Questionnaire,
    rows: list[tuple[str, int, str, datetime, dict[str, int]]],
) -> None:
    """Bulk-insert checked responses (external_id, unit_id, channel, submitted_at, answers) and count them.

    Driver-level bulk writes (COPY on PostgreSQL, executemany on SQLite): the ORM would spend most of
    the time building per-row parameters.
    """
    codes = questionnaire.all_codes
    per_place: dict[tuple[int, str], Tally[tuple[str, int]]] = {}
    unit_n: Tally[tuple[int, str]] = Tally()
    copy = db.session.get_bind().dialect.name == "postgresql"
    db.session.flush()
    for start in range(0, len(rows), 20000):
        chunk = rows[start : start + 20000]
        if copy:
            _copy_chunk(campaign, chunk)
        else:
            _insert_chunk(campaign, chunk)
        for _ext, unit_id, channel, _moment, answers in chunk:
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
    apply_to_cube(campaign.id, cube, unit_n)


def _insert_chunk(campaign: SipasCampaign, chunk: list) -> None:
    """SQLite: executemany the responses, read their ids back by external_id, executemany the answers."""
    connection = db.session.connection()
    stamp = SipasResponse.__table__.c.submitted_at.type.bind_processor(connection.dialect)
    before = connection.execute(select(func.coalesce(func.max(SipasResponse.id), 0))).scalar_one()
    _driver_executemany(
        "INSERT INTO sipas_response (campaign_id, unit_id, external_id, channel, submitted_at, excluded, "
        "exclude_reason, comment) VALUES ({p}, {p}, {p}, {p}, {p}, 0, '', '')",
        [(campaign.id, unit_id, ext, channel, stamp(moment)) for ext, unit_id, channel, moment, _a in chunk],
    )
    ids = dict(
        connection.execute(
            select(SipasResponse.external_id, SipasResponse.id).where(
                SipasResponse.campaign_id == campaign.id, SipasResponse.id > before
            )
        ).all()
    )
    _driver_executemany(
        "INSERT INTO sipas_answer (response_id, question_code, value) VALUES ({p}, {p}, {p})",
        [(ids[row[0]], code, value) for row in chunk for code, value in row[4].items()],
    )


def _copy_chunk(campaign: SipasCampaign, chunk: list) -> None:
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
            "id, campaign_id, unit_id, external_id, channel, submitted_at, excluded, exclude_reason, comment"
        )
        with cursor.copy(f"COPY sipas_response ({columns}) FROM STDIN") as copy:
            for response_id, (external_id, unit_id, channel, moment, _answers) in zip(
                ids, chunk, strict=True
            ):
                copy.write_row(
                    (response_id, campaign.id, unit_id, external_id, channel, moment, False, "", "")
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
    units = dict(db.session.execute(select(Unit.id, Unit.code)).all())
    response, answer = SipasResponse.__table__, SipasAnswer.__table__
    pivot = [func.max(case((answer.c.question_code == code, answer.c.value))) for code in codes]
    next_ids = (
        select(response.c.id).where(response.c.campaign_id == campaign.id).order_by(response.c.id).limit(5000)
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
                row[4].astimezone(LOCAL_TZ).isoformat(),
                *("" if value is None else value for value in row[7:]),
                1 if row[5] else 0,
                row[6],
            ]


def recount_cube(campaign: SipasCampaign) -> None:
    """Recount the cube of a campaign from its answers (repair tool; reports never need it)."""
    questionnaire = questionnaire_of(campaign)
    db.session.execute(delete(SipasCount).where(SipasCount.campaign_id == campaign.id))
    db.session.execute(delete(SipasUnitN).where(SipasUnitN.campaign_id == campaign.id))
    cube: Tally[CubeKey] = Tally()
    unit_n: Tally[tuple[int, str]] = Tally()
    per_place = db.session.execute(
        select(SipasResponse.unit_id, SipasResponse.channel, func.count())
        .where(SipasResponse.campaign_id == campaign.id, SipasResponse.excluded.is_(False))
        .group_by(SipasResponse.unit_id, SipasResponse.channel)
    ).all()
    for unit_id, channel, n in per_place:
        unit_n[(unit_id, str(channel))] += n
    answered = db.session.execute(
        select(
            SipasResponse.unit_id,
            SipasResponse.channel,
            SipasAnswer.question_code,
            SipasAnswer.value,
            func.count(),
        )
        .join(SipasAnswer, SipasAnswer.response_id == SipasResponse.id)
        .where(SipasResponse.campaign_id == campaign.id, SipasResponse.excluded.is_(False))
        .group_by(SipasResponse.unit_id, SipasResponse.channel, SipasAnswer.question_code, SipasAnswer.value)
    ).all()
    answered_per: Tally[tuple[int, str, str]] = Tally()
    for unit_id, channel, code, value, n in answered:
        cube[(unit_id, str(channel), code, value)] += n
        answered_per[(unit_id, str(channel), code)] += n
    for (unit_id, channel), total in unit_n.items():
        for code in questionnaire.all_codes:
            rest = total - answered_per[(unit_id, channel, code)]
            if rest:
                cube[(unit_id, channel, code, 0)] += rest
    apply_to_cube(campaign.id, cube, unit_n)


# --- who sees which campaign -------------------------------------------------------------------


def visible_campaigns(root_id: int | None, *, with_units: bool = False) -> list[SipasCampaign]:
    """Campaigns run by, or with a participating unit in, a subtree (every campaign for None).

    with_units loads each campaign's owner and taking-part units in two more queries, not two a campaign.
    """
    query = select(SipasCampaign).order_by(SipasCampaign.start_on.desc(), SipasCampaign.code)
    if with_units:
        query = query.options(
            selectinload(SipasCampaign.owner_unit),
            selectinload(SipasCampaign.units).selectinload(SipasCampaignUnit.unit),
        )
    if root_id is not None:
        subtree = subtree_ids_query(root_id)
        taking_part = select(SipasCampaignUnit.campaign_id).where(SipasCampaignUnit.unit_id.in_(subtree))
        query = query.where(SipasCampaign.owner_unit_id.in_(subtree) | SipasCampaign.id.in_(taking_part))
    return list(db.session.scalars(query))


def campaign_visible(campaign: SipasCampaign, root_id: int | None) -> bool:
    """Whether a subtree runs or takes part in a campaign."""
    if root_id is None:
        return True
    ids = set(db.session.scalars(subtree_ids_query(root_id)))
    return campaign.owner_unit_id in ids or any(link.unit_id in ids for link in campaign.units)


def participating_units(campaign: SipasCampaign, root_id: int | None) -> list[Unit]:
    """The campaign's units within a subtree, by code."""
    ids = None if root_id is None else set(db.session.scalars(subtree_ids_query(root_id)))
    units = [link.unit for link in campaign.units if ids is None or link.unit_id in ids]
    return sorted(units, key=lambda u: u.code)


def batches_of(campaign: SipasCampaign, root_id: int | None) -> list[SipasBatch]:
    """Paper batches of a campaign within a subtree, newest first."""
    query = (
        select(SipasBatch)
        .where(SipasBatch.campaign_id == campaign.id)
        .order_by(SipasBatch.created_at.desc(), SipasBatch.id.desc())
    )
    if root_id is not None:
        query = query.where(SipasBatch.unit_id.in_(subtree_ids_query(root_id)))
    return list(db.session.scalars(query))


def batch_responses(batch: SipasBatch) -> list[SipasResponse]:
    """The forms typed into a batch, in typing order."""
    return list(
        db.session.scalars(
            select(SipasResponse).where(SipasResponse.batch_id == batch.id).order_by(SipasResponse.id)
        )
    )
