"""The audit log's filter form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from survey_app.forms.common import VnDateField


class AuditFilterForm(FlaskForm):
    """Filter the audit log by action, user and a range of days (read from the query string)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    action = SelectField(_l("Action"), choices=[], default="", validate_choice=False)
    actor = StringField(_l("User"), validators=[Optional(), Length(max=80)])
    date_from = VnDateField(_l("From"), validators=[Optional()])
    date_to = VnDateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, action_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("All actions")), *action_choices]

    def validate_date_to(self, field) -> None:
        """The range ends on or after its start."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
