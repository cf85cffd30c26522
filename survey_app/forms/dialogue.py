"""Forms of the dialogue feature: planning, live logging, assignment, answers."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.forms.common import VnDateField

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _time_of(text: str) -> time | None:
    match = TIME_RE.match((text or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


class ConferencePlanForm(FlaskForm):
    """Plan or edit a conference."""

    title = StringField(
        _l("Conference title"), validators=[DataRequired(_l("Enter the conference title.")), Length(max=300)]
    )
    host_unit_id = SelectField(_l("Host unit"), coerce=int, choices=[])
    held_on = VnDateField(_l("Date"), validators=[DataRequired(_l("Enter the date of the conference."))])
    held_time = StringField(
        _l("Time (hh:mm)"),
        default="08:00",
        validators=[DataRequired(_l("Enter the time as hh:mm."))],
        render_kw={"inputmode": "numeric", "placeholder": "08:00"},
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    chair = StringField(_l("Chair"), validators=[Optional(), Length(max=200)])
    co_organiser = StringField(_l("Co-organiser"), validators=[Optional(), Length(max=200)])
    form = SelectField(_l("Form"), choices=[])
    scope = TextAreaField(_l("Scope"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    invitee_ids = MultiCheckboxField(_l("Invited departments and wards"), coerce=int, choices=[])
    expected_participants = IntegerField(
        _l("Expected participants"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("Enter a number from 0 to 100000.")),
        ],
    )
    participant_organisations = IntegerField(
        _l("Organisations and businesses that took part"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("Enter a number from 0 to 100000.")),
        ],
    )
    participant_individuals = IntegerField(
        _l("Individuals who took part"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message=_l("Enter a number from 0 to 100000.")),
        ],
    )
    conclusion = TextAreaField(
        _l("Conclusions of the chair"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 4}
    )
    guests = TextAreaField(
        _l("Attending guests (one a line)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    minutes_number = StringField(
        _l("Number of the minutes (given by the clerk)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    notice_number = StringField(
        _l("Number of the conclusion notice (given by the clerk)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric"},
    )
    signer_name = StringField(_l("Signer of the notice"), validators=[Optional(), Length(max=200)])
    signer_capacity = SelectField(_l("Signs as"), choices=[], default="vice_chair")
    recipients = TextAreaField(
        _l("Recipients (one a line; blank: the invited units and the file copy)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def validate_minutes_number(self, field) -> None:
        if field.data and not field.data.strip().isdecimal():
            raise ValidationError(_l("Enter the number in digits."))

    validate_notice_number = validate_minutes_number

    def validate_held_on(self, field) -> None:
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Enter a date between 2000 and 2100."))

    def validate_held_time(self, field) -> None:
        if _time_of(field.data) is None:
            raise ValidationError(_l("Enter the time as hh:mm."))

    def local_start(self) -> datetime:
        """The naive local start of the conference."""
        return datetime.combine(self.held_on.data, _time_of(self.held_time.data))


# A select of units gets a search box over it (static/js/select_filter.js): most names start with "Phòng".
UNIT_FILTER = {
    "data-filter-label": _l("Search in names"),
    "data-filter-count": _l("{n} unit(s) match"),
    "data-filter-none": _l("No name holds this text"),
}


class CommentForm(FlaskForm):
    """One comment on the live-logging screen."""

    client_key = HiddenField()
    content = TextAreaField(
        _l("Content of the comment"),
        validators=[DataRequired(_l("Enter the content of the comment.")), Length(max=4000)],
        render_kw={"rows": 4},
    )
    category = SelectField(  # starts empty: a hurried comment must not land in the first category
        _l("Category"), choices=[], validators=[DataRequired(_l("Choose the comment's category."))]
    )
    speaker_kind = SelectField(_l("Speaker"), choices=[])
    speaker_name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)])
    speaker_organisation = StringField(
        _l("Organisation / business"), validators=[Optional(), Length(max=200)]
    )
    speaker_contact = StringField(
        _l("Contact for the answer"),
        validators=[Optional(), Length(max=200)],
        render_kw={"placeholder": _l("address, telephone or email; never published")},
    )
    name_consent = BooleanField(_l("The speaker agrees to the name being published"))
    channel = SelectField(_l("Channel"), choices=[])
    # A comment sent before the conference (in writing, by telephone, on a form, online) has its own
    # receipt date: the 5-working-day forwarding limit counts from it. The rules refuse one after the
    # conference day, or on a comment spoken there.
    received_on = VnDateField(_l("Received on (sent before the conference)"), validators=[Optional()])
    field_id = SelectField(_l("Procedure field"), coerce=int, choices=[])
    addressed_department_id = SelectField(_l("Addressed to"), coerce=int, choices=[], render_kw=UNIT_FILTER)
    outcome = RadioField(_l("Response"), choices=[], default="on_spot")
    answered_by = StringField(_l("Answered by"), validators=[Optional(), Length(max=200)])
    answer = TextAreaField(
        _l("Answer given"), validators=[Optional(), Length(max=8000)], render_kw={"rows": 3}
    )
    # NĐ 20/2008 Điều 15, for an answer on the spot; the rules say when it is needed (a regulation).
    handling_outcome = SelectField(_l("Outcome of the handling"), choices=[], default="")
    department_id = SelectField(
        _l("Department to answer in writing"), coerce=int, choices=[], render_kw=UNIT_FILTER
    )
    due_on = VnDateField(_l("Due date"), validators=[Optional()])


class AssignForm(FlaskForm):
    """Assign ticked comments to a department."""

    comment_ids = MultiCheckboxField(_l("Comments"), coerce=int, choices=[])
    department_id = SelectField(_l("Department"), coerce=int, choices=[], render_kw=UNIT_FILTER)
    due_on = VnDateField(_l("Due date"), validators=[Optional()])


class AnswerForm(FlaskForm):
    """A department's written answer."""

    answer = TextAreaField(
        _l("Written answer"),
        validators=[DataRequired(_l("Enter the answer.")), Length(max=8000)],
        render_kw={"rows": 6},
    )
    answered_by = StringField(
        _l("Answered by (name and title)"),
        validators=[Optional(), Length(max=200)],
    )
    # NĐ 20/2008 Điều 15; the rules say when it is needed (a comment about a regulation).
    handling_outcome = SelectField(_l("Outcome of the handling"), choices=[], default="")


class ClassifyForm(FlaskForm):
    """Classify a comment (NĐ 20/2008 Điều 14): competence, and enough basis or not."""

    competence = RadioField(
        _l("Competence"),
        choices=[],
        validators=[DataRequired(_l("Say whether the comment lies within the host's competence."))],
    )
    # blank for a comment outside the competence (the competent body judges); the rules check the pair
    basis = RadioField(
        _l("Basis to handle it (within the competence)"),
        choices=[],
        validate_choice=False,
        validators=[Optional()],
    )


class NoticeForm(FlaskForm):
    """Record that the result was sent to the person who raised the comment (NĐ 20/2008 Điều 19)."""

    notified_on = VnDateField(
        _l("Sent on"), validators=[DataRequired(_l("Enter the date the result was sent."))]
    )
    notice_means = SelectField(
        _l("Sent by"), choices=[], validators=[DataRequired(_l("Choose how the result was sent."))]
    )
    notice_reference = StringField(
        _l("Reference (number of the letter, address)"), validators=[Optional(), Length(max=200)]
    )


class ForwardForm(FlaskForm):
    """Forward a comment to the competent body."""

    body = StringField(
        _l("Competent body"),
        validators=[DataRequired(_l("Enter the competent body the comment goes to.")), Length(max=300)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])


class ConferenceStepForm(FlaskForm):
    """The button that moves a conference on: unlike the common ActionForm, it carries the step."""

    action = HiddenField()
    confirmed = HiddenField()  # "yes" once the confirmation page was seen (closing and publishing)
