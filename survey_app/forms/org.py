"""Forms for the unit tree, counters, staff and procedure fields."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey_app.forms.common import VnDateField
from survey_app.models import UnitKind

CODE_PATTERN = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message=_l("Use letters, digits, dot, dash or underscore.")
)
MAX_PHOTO_BYTES = 2 * 1024 * 1024


class UnitForm(FlaskForm):
    """Create or edit a unit."""

    code = StringField(
        _l("Official code"),
        validators=[DataRequired(_l("Enter the unit's code.")), Length(max=32), CODE_PATTERN],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the unit's name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
    parent_id = SelectField(_l("Parent unit"), coerce=int, choices=[])
    active_from = VnDateField(_l("Active from"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, parent_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = UnitKind.choices()
        self.parent_id.choices = [(0, _l("— none (top level) —")), *parent_choices]


class MergeForm(FlaskForm):
    """Merge a unit into a successor."""

    successor_id = SelectField(
        _l("Successor unit"),
        coerce=int,
        choices=[],
        default=0,
        validate_choice=False,  # the view says why a unit is refused (another level, another province)
        validators=[DataRequired(_l("Choose the unit it merges into."))],
    )
    on = VnDateField(_l("Merged on"), validators=[DataRequired(_l("Enter the date of the merger."))])
    confirmed = HiddenField()
    submit = SubmitField(_l("Continue"))

    def __init__(self, *args, successor_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.successor_id.choices = [(0, _l("— choose the successor —")), *successor_choices]


class CloseForm(FlaskForm):
    """Close a unit."""

    on = VnDateField(_l("Closed on"), validators=[DataRequired(_l("Enter the date of closure."))])
    submit = SubmitField(_l("Close unit"))


class UnitImportForm(FlaskForm):
    """Upload a CSV of units."""

    file = FileField(
        _l("CSV file (code,name,kind,parent_code)"),
        validators=[FileRequired(_l("Choose a file.")), FileAllowed(["csv"], _l("Upload a .csv file."))],
    )
    submit = SubmitField(_l("Import"))


class CounterForm(FlaskForm):
    """Create or edit a counter."""

    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Enter a code.")), Length(max=32), CODE_PATTERN]
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    active = BooleanField(_l("In service"), default=True)
    submit = SubmitField(_l("Save"))


class StaffForm(FlaskForm):
    """Create or edit a civil servant."""

    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=120)]
    )
    title = StringField(_l("Title"), validators=[Optional(), Length(max=160)])
    counter_id = SelectField(_l("Counter"), coerce=int, choices=[])
    active = BooleanField(_l("On duty"), default=True)
    photo = FileField(
        _l("Photo (JPEG or PNG, at most 2 MB)"),
        validators=[
            FileAllowed(["jpg", "jpeg", "png"], _l("Upload a JPEG or PNG image.")),
            FileSize(MAX_PHOTO_BYTES, message=_l("The photo is larger than 2 MB.")),
        ],
    )
    submit = SubmitField(_l("Save"))


class FieldForm(FlaskForm):
    """Create or edit a procedure field."""

    code = StringField(
        _l("Code"), validators=[DataRequired(_l("Enter a code.")), Length(max=40), CODE_PATTERN]
    )
    name_vi = StringField(
        _l("Name (Vietnamese)"), validators=[DataRequired(_l("Enter a name.")), Length(max=160)]
    )
    name_en = StringField(
        _l("Name (English)"), validators=[DataRequired(_l("Enter a name.")), Length(max=160)]
    )
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))
