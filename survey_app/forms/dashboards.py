"""The dashboards' filter form: a GET form whose every value lives in the URL (shareable, bookmarkable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import Optional, ValidationError

from survey_app.forms.common import VnDateField

GRANULARITIES = ("day", "week", "month")
CHANNELS = ("paper", "online", "phone", "interview")


def granularity_choices() -> list[tuple[str, str]]:
    """Time buckets of the trend charts."""
    return [("day", _l("Day")), ("week", _l("Week")), ("month", _l("Month"))]


def channel_choices() -> list[tuple[str, str]]:
    """SIPAS response channels, with "all" first."""
    return [
        ("", _l("All channels")),
        ("paper", _l("Paper")),
        ("online", _l("Online")),
        ("phone", _l("Phone")),
        ("interview", _l("Interview")),
    ]


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
        self.channel.choices = channel_choices()
        self.campaign.choices = [("", _l("Latest campaign")), *(campaign_choices or [])]

    def validate_end(self, field) -> None:
        """The period must not run backwards nor span more than five years."""
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The end date must not be before the start date."))
            if (field.data - self.start.data).days > 5 * 366:
                raise ValidationError(_l("Choose a period of at most five years."))
