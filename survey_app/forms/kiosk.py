"""Forms of the kiosk feature: registering devices, reviewing flags, following up complaints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class DeviceForm(FlaskForm):
    """Register a kiosk at a unit, optionally bound to one counter."""

    place = SelectField(_l("Where the kiosk stands"), choices=[], validators=[DataRequired()])
    name = StringField(
        _l("Device name"),
        validators=[DataRequired(_l("Give the device a name.")), Length(max=120)],
        render_kw={"placeholder": _l("e.g. Kiosk at counter 1")},
    )

    def __init__(self, *args, place_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = place_choices


class FlagReviewForm(FlaskForm):
    """Clear (count the rating) or confirm (keep it out) a flag."""

    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("clear", _l("Clear the flag")),
            SelectChoice("confirm", _l("Confirm the flag")),
        ],
        validators=[DataRequired(_l("Choose whether to clear or confirm the flag."))],
    )


class FollowUpForm(FlaskForm):
    """Acknowledge a complaint, or record the action taken on it."""

    action = SelectField(
        _l("Action"),
        choices=[
            SelectChoice("acknowledge", _l("Acknowledge")),
            SelectChoice("done", _l("Record the action taken")),
        ],
        validators=[DataRequired(_l("Choose an action."))],
    )
    note = TextAreaField(
        _l("Action taken"),
        validators=[Optional(), Length(max=2000, message=_l("At most 2,000 characters."))],
    )
