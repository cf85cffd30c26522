"""Forms of the SIPAS pages: campaigns, participating units, import, paper batches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.forms.common import VnDateField
from survey_app.models.sipas import Channel

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CampaignForm(FlaskForm):
    """Create a survey campaign."""

    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Enter a code.")),
            Length(max=40),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dot, dash or underscore.")),
        ],
        render_kw={"placeholder": "SIPAS-2026"},
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    questionnaire = SelectField(_l("Questionnaire version"), choices=[])
    start_on = VnDateField(_l("First day"), validators=[DataRequired(_l("Enter the first day."))])
    end_on = VnDateField(_l("Last day"), validators=[DataRequired(_l("Enter the last day."))])
    channels = CheckboxesField(_l("Channels"), choices=[], validators=[DataRequired(_l("Choose a channel."))])
    owner_id = SelectField(_l("Unit running the campaign"), coerce=int, choices=[])

    def __init__(self, *args, questionnaires=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire.choices = list(questionnaires)
        self.owner_id.choices = list(units)
        self.channels.choices = Channel.choices()
        if not self.channels.data and not self.is_submitted():
            self.channels.data = [Channel.online.value, Channel.paper.value]


class CampaignUnitForm(FlaskForm):
    """Add a participating unit with its sample target."""

    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    target = IntegerField(
        _l("Sample target (forms)"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0."))],
    )
    population = IntegerField(
        _l("or dossiers returned in the period (N)"),
        validators=[Optional(), NumberRange(min=0, max=100_000_000, message=_l("Enter a number from 0."))],
        description=_l("The target is then n = N / (1 + N·e²) with a margin of error e = 0.05."),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = list(units)


class ImportForm(FlaskForm):
    """Upload a CSV file of responses."""

    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileSize(MAX_IMPORT_BYTES, message=_l("The file is too large (at most 50 MB).")),
        ],
    )


class BatchForm(FlaskForm):
    """Open a batch of paper forms."""

    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    place = StringField(
        _l("Place collected"),
        validators=[DataRequired(_l("Enter the place.")), Length(max=200)],
        render_kw={"placeholder": _l("e.g. one-stop shop of the ward")},
    )
    collected_on = VnDateField(_l("Date collected"), validators=[DataRequired(_l("Enter the date."))])
    forms_in_hand = IntegerField(
        _l("Number of forms in hand"),
        validators=[
            DataRequired(_l("Enter the number of forms.")),
            NumberRange(min=1, max=5000, message=_l("Enter a number from 1 to 5,000.")),
        ],
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = list(units)
