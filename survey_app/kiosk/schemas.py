"""Schemas of the kiosk's JSON API: what each request carries and each answer holds (the OpenAPI document).

`summaries` on an input schema gives the translated message of the error body for the first field that
failed (kiosk.api's parser reads it).
"""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from survey_app.kiosk.items import ItemStatus, RejectReason
from survey_app.kiosk.levels import LEVEL_SETS, level_by_code, reason_codes
from survey_app.kiosk.validation import (
    MAX_BATCH,
    MAX_COMMENT,
    MAX_DOSSIER_CODE,
    MAX_ID,
    MAX_STAFF_ID,
    parse_rated_at,
    parse_uuid,
)
from survey_app.models.kiosk import Flag

Length = ma.validate.Length
REQUIRED = _l("Required.")
DATES = _l("Dates are YYYY-MM-DD.")
EVERY_LEVEL_CODE = list(dict.fromkeys(level.code for level_set in LEVEL_SETS.values() for level in level_set))


# --- a batch of ratings ------------------------------------------------------------------------


def _is_uuid(value: str) -> None:
    if parse_uuid(value) is None:
        raise ma.ValidationError(_l("A UUID is required."))


def _is_aware_time(value: str) -> None:
    if parse_rated_at(value) is None:
        raise ma.ValidationError(_l("An ISO 8601 time with an offset is required."))


def _is_configured_level(value: str) -> None:
    if level_by_code(value) is None:
        raise ma.ValidationError(_l("Unknown level."))


class KioskRatingItemSchema(ma.Schema):
    """One rating as the kiosk sends it; other keys are ignored.

    Ingest judges every item on its own (kiosk.validation states these same rules in a faster form): an
    item that breaks them is answered `rejected` with the failing fields, and the others are stored.
    """

    class Meta:
        unknown = ma.EXCLUDE

    id = ma.fields.String(
        required=True,
        validate=[Length(max=MAX_ID), _is_uuid],
        metadata={
            "format": "uuid",
            "description": "Chosen by the kiosk; the rating is stored once under it (replays: `duplicate`)",
        },
    )
    level = ma.fields.String(
        required=True,
        validate=_is_configured_level,
        metadata={
            "enum": EVERY_LEVEL_CODE,
            "description": "A level of the deployment's set (KIOSK_LEVEL_SET): GET /kiosk/config lists them",
        },
    )
    reasons = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(reason_codes())),
        allow_none=True,
        load_default=list,
        metadata={
            "description": "Reason codes; at least one for a level that needs a reason (repeats count once)"
        },
    )
    comment = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=Length(max=MAX_COMMENT),
        metadata={"description": "Free text; spaces around it are trimmed before its length is checked"},
    )
    dossier_code = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=Length(max=MAX_DOSSIER_CODE),
        metadata={
            "description": "The dossier's code; spaces around it are trimmed before its length is checked"
        },
    )
    staff_id = ma.fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=ma.validate.Range(min=1, max=MAX_STAFF_ID),
        metadata={"description": "Id of the civil servant who served (GET /kiosk/config lists them)"},
    )
    procedure_field = ma.fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "Code of a procedure field (GET /kiosk/config lists the active ones)"},
    )
    rated_at = ma.fields.String(
        required=True,
        validate=[Length(max=MAX_ID), _is_aware_time],
        metadata={"format": "date-time", "description": "When the button was pressed, with its UTC offset"},
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _reason_for_level(self, data: dict, **kwargs) -> None:
        """A level that needs a reason comes with at least one."""
        level = level_by_code(data["level"]) if "level" in data else None
        if level is not None and level.needs_reason and "reasons" in data and not data["reasons"]:
            raise ma.ValidationError(_l("At least one reason is required for this level."), "reasons")


class RatingItems(ma.fields.List):
    """The items of a batch, documented one by one; ingest judges each on its own, so that one bad item
    is answered `rejected` while the others are stored (loading them here would fail the whole batch)."""

    def __init__(self, **kwargs):
        super().__init__(ma.fields.Nested(KioskRatingItemSchema), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> list:
        """The list as sent: its items go to ingest unchanged."""
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


class KioskRatingsSchema(ma.Schema):
    """A batch of 1 to 500 ratings from one kiosk; other keys are ignored."""

    class Meta:
        unknown = ma.EXCLUDE

    checks_own_text = ("ratings",)  # an unstorable comment rejects its own item (kiosk.validation)
    summaries = {
        "ratings": _l('Send {"ratings": [...]} with 1 to %(n)d ratings.', n=MAX_BATCH),
        "_schema": _l('Send {"ratings": [...]} with 1 to %(n)d ratings.', n=MAX_BATCH),
    }

    ratings = RatingItems(
        required=True,
        validate=Length(min=1, max=MAX_BATCH, error=_l("1 to %(n)d items are required.", n=MAX_BATCH)),
        error_messages={
            "required": _l("1 to %(n)d items are required.", n=MAX_BATCH),
            "null": _l("1 to %(n)d items are required.", n=MAX_BATCH),
            "invalid": _l("1 to %(n)d items are required.", n=MAX_BATCH),
        },
    )


class KioskItemResultSchema(ma.Schema):
    """What became of one item."""

    id = ma.fields.String(
        allow_none=True, metadata={"description": "The id as sent (null when it was not text)"}
    )
    status = ma.fields.Enum(ItemStatus)
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "Only when rejected: each failing field (`_item`: not an object; `unit`: the "
            "device's unit no longer collects on the rating's day) and why"
        },
    )
    reason = ma.fields.Enum(
        RejectReason,
        metadata={
            "description": "Only when rejected for a reason beyond the item's fields, for the kiosk to act "
            "on: `unit_closed` — the rating is dated (local calendar) on or after the closing day of the "
            "device's unit (merged, split or closed by a reorganisation); nobody collects it, and sending it "
            "again will not help. A rating dated before the closing, sent late from an offline queue, is "
            "stored."
        },
    )
    flag = ma.fields.Enum(
        Flag, metadata={"description": "Only when created but set aside until an administrator reviews it"}
    )


class KioskRatingsAnswerSchema(ma.Schema):
    """One result per item, in the order they were sent."""

    results = ma.fields.List(ma.fields.Nested(KioskItemResultSchema))


# --- pairing and the device's configuration ----------------------------------------------------


class PairingCode(ma.fields.String):
    """A pairing code: text (spaces allowed) or a JSON number."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class KioskPairingSchema(ma.Schema):
    """The one-time code the administrator was shown when registering the kiosk."""

    class Meta:
        unknown = ma.EXCLUDE

    summaries = {"code": _l("Send the pairing code.")}

    code = PairingCode(
        required=True,
        error_messages={"required": REQUIRED, "null": REQUIRED, "invalid": REQUIRED},
        metadata={"example": "1234 5678", "description": "8 digits; spaces are ignored"},
    )


class KioskPairedDeviceSchema(ma.Schema):
    """The device just paired."""

    name = ma.fields.String()
    unit = ma.fields.String(metadata={"description": "Name of the unit where it stands"})


class KioskPairedSchema(ma.Schema):
    """The device's token (shown once: the kiosk keeps it) and what it is."""

    token = ma.fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`"})
    device = ma.fields.Nested(KioskPairedDeviceSchema)


class KioskPlaceSchema(ma.Schema):
    """A unit: its code and name."""

    code = ma.fields.String()
    name = ma.fields.String()


class KioskCounterSchema(KioskPlaceSchema):
    """A counter of the unit."""

    id = ma.fields.Integer()


class KioskNamedDeviceSchema(ma.Schema):
    """The device itself."""

    id = ma.fields.Integer()
    name = ma.fields.String()


class KioskStaffSchema(ma.Schema):
    """A civil servant on duty."""

    id = ma.fields.Integer()
    full_name = ma.fields.String()
    title = ma.fields.String()
    initials = ma.fields.String()
    counter_id = ma.fields.Integer(allow_none=True)
    photo_url = ma.fields.String(allow_none=True)


class BothLanguagesSchema(ma.Schema):
    """A text in Vietnamese and in English (the kiosk switches language on its own)."""

    vi = ma.fields.String()
    en = ma.fields.String()


class KioskFieldSchema(ma.Schema):
    """An active procedure field."""

    code = ma.fields.String()
    name = ma.fields.Nested(BothLanguagesSchema)


class KioskReasonSchema(ma.Schema):
    """A reason for dissatisfaction."""

    code = ma.fields.String()
    label = ma.fields.Nested(BothLanguagesSchema)


class KioskLevelSchema(ma.Schema):
    """A level of the deployment's level set, most satisfied first."""

    code = ma.fields.String()
    label = ma.fields.Nested(BothLanguagesSchema)
    satisfied = ma.fields.Boolean(metadata={"description": "Counts towards the satisfaction rate"})
    needs_reason = ma.fields.Boolean(metadata={"description": "At least one reason is required"})
    tone = ma.fields.String(metadata={"description": "Colour family of the button: good, ok, neutral, bad"})


class KioskLimitsSchema(ma.Schema):
    """Limits of a batch and of its texts."""

    batch = ma.fields.Integer(metadata={"description": "Ratings per request"})
    comment = ma.fields.Integer(metadata={"description": "Characters of a comment"})
    dossier_code = ma.fields.Integer(metadata={"description": "Characters of a dossier code"})


class KioskConfigSchema(ma.Schema):
    """What the device shows: its place, staff on duty, fields, reasons, levels and timings."""

    device = ma.fields.Nested(KioskNamedDeviceSchema)
    unit = ma.fields.Nested(KioskPlaceSchema)
    counter = ma.fields.Nested(KioskCounterSchema, allow_none=True)
    counters = ma.fields.List(ma.fields.Nested(KioskCounterSchema))
    staff = ma.fields.List(ma.fields.Nested(KioskStaffSchema))
    fields_ = ma.fields.List(
        ma.fields.Nested(KioskFieldSchema), data_key="fields"
    )  # `fields` is the schema's
    reasons = ma.fields.List(ma.fields.Nested(KioskReasonSchema))
    levels = ma.fields.List(ma.fields.Nested(KioskLevelSchema))
    limits = ma.fields.Nested(KioskLimitsSchema)
    idle_seconds = ma.fields.Integer(metadata={"description": "A half-finished rating is reset after this"})
    thanks_seconds = ma.fields.Integer(metadata={"description": "How long the thank-you screen shows"})


# --- statistics ----------------------------------------------------------------------------------


class OptionalDate(ma.fields.Date):
    """A YYYY-MM-DD date; an empty value counts as not given."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "":
            return None
        return super()._deserialize(value, attr, data, **kwargs)


class KioskStatsQuerySchema(ma.Schema):
    """The unit whose subtree is pooled, and the period (local days, both included)."""

    summaries = {"unit": _l("Give a unit code."), "from": DATES, "to": DATES}

    unit = ma.fields.String(
        required=True,
        validate=Length(min=1, error=REQUIRED),
        error_messages={"required": REQUIRED},
        metadata={"description": "Unit code (its whole subtree)"},
    )
    from_ = OptionalDate(
        data_key="from",
        load_default=None,
        error_messages={"invalid": DATES},
        metadata={"description": "First day; default: 29 days before `to`; not after `to`"},
    )
    to = OptionalDate(
        load_default=None,
        error_messages={"invalid": DATES},
        metadata={"description": "Last day; default: today"},
    )


class KioskStatsSchema(ma.Schema):
    """Kiosk figures of a unit's whole subtree; flagged ratings are not counted."""

    unit = ma.fields.String()
    unit_name = ma.fields.String()
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    n = ma.fields.Integer(metadata={"description": "Counted ratings"})
    counts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "Ratings per level code"},
    )
    shares = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Float(allow_none=True),
        metadata={"description": "Percent of n per level code; null when suppressed"},
    )
    satisfaction_rate = ma.fields.Float(
        allow_none=True, metadata={"description": "Percent of n at a satisfied level; null when suppressed"}
    )
    satisfaction_interval = ma.fields.List(
        ma.fields.Float(),
        allow_none=True,
        metadata={
            "description": "95% Wilson interval of the rate, [low, high] in percent; null when suppressed"
        },
    )
    suppressed = ma.fields.Boolean(
        metadata={"description": "True when n is below `min_n`: shares, rate and interval are then withheld"}
    )
    min_n = ma.fields.Integer(
        metadata={
            "description": "The fewest ratings a figure is shown for (SMALL_SAMPLE_MIN, as on the dashboards)"
        }
    )
    excluded_flagged = ma.fields.Integer(
        metadata={"description": "Ratings set aside by a flag in the period"}
    )
