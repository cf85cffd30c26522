"""The dashboards' filter form: a GET form whose every value lives in the URL (shareable, bookmarkable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from survey_app.forms.common import VnDateField
from survey_app.models.sipas import Channel


def granularity_choices() -> list[tuple[str, str]]:
    """Time buckets of the trend charts."""
    return [("day", _l("Day")), ("week", _l("Week")), ("month", _l("Month"))]


class DashboardFilterForm(FlaskForm):
    """Unit, period, granularity and channel; read from the query string."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    # The unit is checked by the view (known code, inside the user's subtree): no per-choice validation.
    unit = SelectField(_l("Unit"), choices=[], validate_choice=False)
    start = VnDateField(_l("From"), validators=[Optional()])
    end = VnDateField(_l("To"), validators=[Optional()])
    granularity = SelectField(_l("Per"), choices=[], default="month")
    channel = SelectField(_l("Channel"), choices=[], default="")
    campaign = SelectField(_l("Campaign"), choices=[], default="")
    submit = SubmitField(_l("Show"))

    def __init__(self, *args, unit_choices: list[tuple[str, str]], campaign_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = unit_choices
        self.granularity.choices = granularity_choices()
        self.channel.choices = [("", _l("All channels")), *Channel.choices()]
        self.campaign.choices = [("", _l("Latest campaign")), *(campaign_choices or [])]

    def validate_end(self, field) -> None:
        """The period must not run backwards nor span more than five years."""
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The end date must not be before the start date."))
            if (field.data - self.start.data).days > 5 * 366:
                raise ValidationError(_l("Choose a period of at most five years."))

    def checked_values(self) -> dict:
        """The values that passed validation, None for the others.

        A wrong end date drops the whole period: the end is checked against the start.
        """
        period_valid = not self.end.errors
        return {
            "start": self.start.data if period_valid and not self.start.errors else None,
            "end": self.end.data if period_valid else None,
            "granularity": None if self.granularity.errors else self.granularity.data,
            "channel": None if self.channel.errors else self.channel.data,
            "campaign": None if self.campaign.errors else self.campaign.data,
        }
