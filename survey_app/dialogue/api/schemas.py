"""What the dialogue API reads and answers, as marshmallow schemas (the OpenAPI document comes from them)."""

from __future__ import annotations

from enum import StrEnum

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from survey_app.core import clock
from survey_app.dialogue.comments import MAX_ANSWER, MAX_BODY, MAX_CONTENT, MAX_NAME, OUTCOMES
from survey_app.dialogue.conferences import MAX_TITLE, TRANSITIONS
from survey_app.dialogue.handling import awaiting_notice
from survey_app.models.dialogue import (
    CommentChannel,
    CommentStatus,
    Competence,
    ConferenceForm,
    ConferenceState,
    HandlingBasis,
    HandlingOutcome,
    NoticeMeans,
    SignerCapacity,
    SpeakerKind,
)

Length = ma.validate.Length
OneOf = ma.validate.OneOf
# Statuses a client may move a comment to (received and published are set by the platform).
STATUS_CHANGES = ("answered_on_spot", "assigned", "forwarded", "in_progress", "answered")


class LocalDateTime(ma.fields.DateTime):
    """A date and time; one sent without an offset is local time of the configured zone (APP_TIMEZONE)."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        # The zone is read per request, not when the schema is built, so the configured one applies.
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.local_zone())


def _value_of(attribute: str, enum: type[StrEnum]) -> ma.fields.Function:
    """An enum attribute as its value, documented with the values it takes.

    A Function field rather than fields.Enum: a conference answers with hundreds of comments and their
    histories, and it dumps in a fraction of the calls.
    """
    return ma.fields.Function(
        lambda obj: getattr(obj, attribute).value,
        metadata={"type": "string", "enum": [member.value for member in enum]},
    )


def _optional_value_of(attribute: str, enum: type[StrEnum], description: str) -> ma.fields.Function:
    """An enum attribute that may be unset, as its value or null."""

    def value(obj):
        member = getattr(obj, attribute)
        return member.value if member is not None else None

    return ma.fields.Function(
        value,
        metadata={
            "type": "string",
            "nullable": True,
            "enum": [*(member.value for member in enum), None],
            "description": description,
        },
    )


def _handling_outcome(description: str) -> ma.fields.Enum:
    """An optional Decree 20 outcome of an answer (on the spot or written), by its value."""
    return ma.fields.Enum(
        HandlingOutcome,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={"description": description},
    )


def _code_of(unit_attribute: str) -> ma.fields.Function:
    """The code of a related unit (null when there is none)."""

    def code(obj):
        unit = getattr(obj, unit_attribute)
        return unit.code if unit is not None else None

    return ma.fields.Function(code, metadata={"type": "string", "nullable": True, "description": "Unit code"})


# --- what clients send -----------------------------------------------------------------------


class ConferenceInSchema(ma.Schema):
    """A conference to plan."""

    title = ma.fields.String(required=True, validate=Length(min=1, max=MAX_TITLE))
    host_unit = ma.fields.String(required=True, metadata={"description": "Code of the host unit"})
    held_at = LocalDateTime(
        required=True,
        metadata={
            "description": "Local time of the deployment when no offset is given",
            "example": "2018-06-01T08:00:00+07:00",
        },
    )
    chair = ma.fields.String(load_default="", validate=Length(max=200))
    co_organiser = ma.fields.String(load_default="", validate=Length(max=200))
    venue = ma.fields.String(load_default="", validate=Length(max=300))
    form = ma.fields.Enum(ConferenceForm, by_value=True, load_default=ConferenceForm.conference)
    scope = ma.fields.String(load_default="", validate=Length(max=4000))
    expected_participants = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(0, 100000)
    )
    invitees = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "Unit codes"})
    guests = ma.fields.String(
        load_default="", validate=Length(max=2000), metadata={"description": "who attends, one a line"}
    )
    minutes_number = ma.fields.String(
        load_default="",
        validate=ma.validate.Regexp(r"^\d{0,20}$", error=_l("Enter the number in digits.")),
        metadata={"description": "the number the clerk gives the minutes (Số: 12/BB-UBND); blank: …"},
    )
    notice_number = ma.fields.String(
        load_default="",
        validate=ma.validate.Regexp(r"^\d{0,20}$", error=_l("Enter the number in digits.")),
        metadata={"description": "the number of the conclusion notice (Số: 12/TB-UBND); blank: …"},
    )
    signer_name = ma.fields.String(load_default="", validate=Length(max=200))
    signer_capacity = ma.fields.Enum(
        SignerCapacity,
        by_value=True,
        load_default=SignerCapacity.vice_chair,
        metadata={"description": "chair: TM. ỦY BAN NHÂN DÂN; vice_chair: KT. CHỦ TỊCH; office_chief: TL."},
    )
    recipients = ma.fields.String(
        load_default="", validate=Length(max=2000), metadata={"description": "Nơi nhận, one a line"}
    )


class CommentInSchema(ma.Schema):
    """A comment raised at (or sent before) a conference, with its answer on the spot or its assignment."""

    content = ma.fields.String(required=True, validate=Length(min=1, max=MAX_CONTENT))
    category = ma.fields.String(
        required=True, metadata={"description": "Category code (data/categories.csv)"}
    )
    speaker_kind = ma.fields.Enum(SpeakerKind, by_value=True, load_default=SpeakerKind.individual)
    speaker_name = ma.fields.String(load_default="", validate=Length(max=MAX_NAME))
    speaker_organisation = ma.fields.String(load_default="", validate=Length(max=MAX_NAME))
    speaker_contact = ma.fields.String(
        load_default="",
        validate=Length(max=MAX_NAME),
        metadata={"description": "where the result can be sent (address, telephone, email); never public"},
    )
    name_consent = ma.fields.Boolean(load_default=False)
    channel = ma.fields.Enum(CommentChannel, by_value=True, load_default=CommentChannel.spoken)
    field = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Procedure field code"}
    )
    addressed_department = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Unit code"}
    )
    outcome = ma.fields.String(load_default="none", validate=OneOf(OUTCOMES))
    answered_by = ma.fields.String(
        load_default="", validate=Length(max=MAX_NAME), metadata={"description": "for outcome on_spot"}
    )
    answer = ma.fields.String(
        load_default="", validate=Length(max=MAX_ANSWER), metadata={"description": "for outcome on_spot"}
    )
    handling_outcome = _handling_outcome(
        "for outcome on_spot: what the handling decided (NĐ 20/2008 Điều 15), under the written answer's "
        "rule: required for a comment about an administrative regulation"
    )
    department = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Unit code, for outcome written"}
    )
    due_on = ma.fields.Date(
        load_default=None, allow_none=True, metadata={"description": "for outcome written"}
    )
    client_key = ma.fields.String(load_default=None, allow_none=True, validate=Length(max=64))
    received_on = ma.fields.Date(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "a comment sent beforehand (any channel but spoken): the day the host received "
            "it (the 5-working-day forwarding limit counts from it; default the conference day)"
        },
    )


class StatusChangeSchema(ma.Schema):
    """A step of a comment's follow-up."""

    status = ma.fields.String(required=True, validate=OneOf(STATUS_CHANGES))
    department = ma.fields.String(
        load_default=None, allow_none=True, metadata={"description": "Unit code, for assigned"}
    )
    due_on = ma.fields.Date(load_default=None, allow_none=True, metadata={"description": "for assigned"})
    body = ma.fields.String(
        load_default="", validate=Length(max=MAX_BODY), metadata={"description": "for forwarded"}
    )
    note = ma.fields.String(load_default="", validate=Length(max=1000))
    answer = ma.fields.String(
        load_default="",
        validate=Length(max=MAX_ANSWER),
        metadata={"description": "for answered_on_spot and answered"},
    )
    answered_by = ma.fields.String(
        load_default="",
        validate=Length(max=MAX_NAME),
        metadata={
            "description": "for answered_on_spot (required) and answered: who answered, as the minutes "
            "name them (default for answered: the department, or the competent body of a forward)"
        },
    )
    handling_outcome = _handling_outcome(
        "for answered_on_spot and answered: what the handling decided (NĐ 20/2008 Điều 15); required for a "
        "comment about an administrative regulation unless classified as lacking basis, refused then"
    )


class ClassificationSchema(ma.Schema):
    """A comment's classification (NĐ 20/2008 Điều 14)."""

    competence = ma.fields.Enum(
        Competence,
        by_value=True,
        required=True,
        metadata={"description": "within the host's competence, or outside (then forward it)"},
    )
    basis = ma.fields.Enum(
        HandlingBasis,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "required when within: enough basis to handle it, or not yet (keep collecting); "
            "null when outside (the competent body judges)"
        },
    )
    summaries = {
        "competence": _l("Say whether the comment lies within the host's competence."),
        "basis": _l("Say whether there is enough basis to handle the comment."),
    }


class NoticeSchema(ma.Schema):
    """The notice of a comment's result to the person who raised it (NĐ 20/2008 Điều 19)."""

    notified_on = ma.fields.Date(required=True, metadata={"description": "the day the result was sent"})
    means = ma.fields.Enum(NoticeMeans, by_value=True, required=True)
    reference = ma.fields.String(
        load_default="",
        validate=Length(max=MAX_NAME),
        metadata={"description": "number of the letter (công văn), address or telephone number"},
    )
    summaries = {
        "notified_on": _l("Enter the date the result was sent."),
        "means": _l("Choose how the result was sent."),
        "reference": _l("The reference is too long."),
    }


class StateChangeSchema(ma.Schema):
    """A step of a conference: start, close, publish."""

    action = ma.fields.String(required=True, validate=OneOf(list(TRANSITIONS)))


class ConferenceQuerySchema(ma.Schema):
    """Filters of the conference list."""

    unit = ma.fields.String(load_default=None, metadata={"description": "Unit code (its whole subtree)"})
    from_ = ma.fields.Date(
        load_default=None, data_key="from", metadata={"description": "Held on this local day or later"}
    )
    to = ma.fields.Date(load_default=None, metadata={"description": "Held on this local day or earlier"})


class StatsQuerySchema(ma.Schema):
    """Unit and period of the statistics."""

    unit = ma.fields.String(required=True, metadata={"description": "Unit code (its whole subtree)"})
    from_ = ma.fields.Date(
        load_default=None, data_key="from", metadata={"description": "Default: 1 year ago"}
    )
    to = ma.fields.Date(load_default=None, metadata={"description": "Default: today"})


# --- what the API answers --------------------------------------------------------------------


class EventSchema(ma.Schema):
    """One step of a comment's status history."""

    status = _value_of("status", CommentStatus)
    at = ma.fields.DateTime()
    actor = ma.fields.String(attribute="actor_label")
    note = ma.fields.String()


class CommentSchema(ma.Schema):
    """A comment and where its follow-up stands."""

    id = ma.fields.Integer()
    number = ma.fields.Integer()
    conference_id = ma.fields.Integer()
    speaker_kind = _value_of("speaker_kind", SpeakerKind)
    speaker_name = ma.fields.String()
    speaker_organisation = ma.fields.String()
    speaker_contact = ma.fields.String()
    name_consent = ma.fields.Boolean()
    channel = _value_of("channel", CommentChannel)
    category = ma.fields.String()
    field = ma.fields.Function(
        lambda c: c.field.code if c.field else None,
        metadata={"type": "string", "nullable": True, "description": "Procedure field code"},
    )
    content = ma.fields.String()
    addressed_department = _code_of("addressed_department")
    status = _value_of("status", CommentStatus)
    department = _code_of("department")
    due_on = ma.fields.Date(allow_none=True)
    received_on = ma.fields.Date(allow_none=True)
    forwarded_to = ma.fields.String()
    forwarded_on = ma.fields.Date(allow_none=True)
    answered_on_spot = ma.fields.Boolean()
    answered_by = ma.fields.String()
    answer = ma.fields.String()
    answered_at = ma.fields.DateTime(allow_none=True)
    competence = _optional_value_of("competence", Competence, "NĐ 20/2008 Điều 14; null: not classified")
    basis = _optional_value_of("basis", HandlingBasis, "NĐ 20/2008 Điều 14; null when not judged")
    handling_outcome = _optional_value_of("handling_outcome", HandlingOutcome, "NĐ 20/2008 Điều 15")
    notified_on = ma.fields.Date(
        allow_none=True, metadata={"description": "the day the result was sent to the speaker (Điều 19)"}
    )
    notice_means = _optional_value_of("notice_means", NoticeMeans, "how the result was sent")
    notice_reference = ma.fields.String()
    awaiting_notice = ma.fields.Function(
        awaiting_notice,
        metadata={
            "type": "boolean",
            "description": "answered in writing, the speaker named and not sent the result yet",
        },
    )
    history = ma.fields.List(ma.fields.Nested(EventSchema), attribute="events")


class ConferenceSchema(ma.Schema):
    """A conference."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    host_unit = _code_of("host_unit")
    held_at = ma.fields.DateTime()
    state = _value_of("state", ConferenceState)
    form = _value_of("form", ConferenceForm)
    chair = ma.fields.String()
    co_organiser = ma.fields.String()
    venue = ma.fields.String()
    scope = ma.fields.String()
    expected_participants = ma.fields.Integer(allow_none=True)
    invitees = ma.fields.Function(
        lambda c: [i.unit.code for i in c.invitees],
        metadata={"type": "array", "items": {"type": "string"}, "description": "Unit codes"},
    )
    guests = ma.fields.String()
    minutes_number = ma.fields.String()
    notice_number = ma.fields.String()
    signer_name = ma.fields.String()
    signer_capacity = _value_of("signer_capacity", SignerCapacity)
    recipients = ma.fields.String()
    reconstruction_note = ma.fields.String(metadata={"description": "demo data rebuilt from the press"})


class ConferenceDetailSchema(ConferenceSchema):
    """A conference with its comments."""

    comments = ma.fields.List(ma.fields.Nested(CommentSchema))


class DepartmentFiguresSchema(ma.Schema):
    """Written answers of one department."""

    unit = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "Unit code; null on the line of the written answers the host owes with no "
            "department recorded (counted in every total, overdue too)"
        },
    )
    name = ma.fields.String(allow_none=True)
    assigned = ma.fields.Integer()
    answered = ma.fields.Integer()
    answered_on_time = ma.fields.Integer()
    due = ma.fields.Integer()
    overdue = ma.fields.Integer()
    on_time_share = ma.fields.Float(
        allow_none=True,
        metadata={
            "description": "percent of `due` answered by the deadline; an administrative count, never "
            "withheld for a small number (null only when nothing is due)"
        },
    )


class StatsSchema(ma.Schema):
    """Dialogue figures of a unit's subtree."""

    unit = ma.fields.String()
    unit_name = ma.fields.String()
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    conferences = ma.fields.Integer()
    comments = ma.fields.Integer()
    by_category = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    by_department = ma.fields.List(ma.fields.Nested(DepartmentFiguresSchema))
    answered_on_spot = ma.fields.Integer()
    on_spot_share = ma.fields.Float(allow_none=True, metadata={"description": "percent"})
    written = ma.fields.Integer()
    answered_in_writing = ma.fields.Integer()
    answered_in_writing_on_time = ma.fields.Integer()
    written_due = ma.fields.Integer()
    on_time_share = ma.fields.Float(allow_none=True, metadata={"description": "percent"})
    overdue = ma.fields.Integer()
    forwarded = ma.fields.Integer(
        metadata={"description": "comments forwarded to a competent body (in no department's figures)"}
    )
    forwarded_awaiting_answer = ma.fields.Integer(
        metadata={"description": "forwarded comments whose competent body has not answered yet"}
    )
    forwarded_overdue = ma.fields.Integer(
        metadata={
            "description": "forwarded comments whose competent body is past its deadline (counted from "
            "its receipt); not in overdue, which counts the host's departments"
        }
    )
