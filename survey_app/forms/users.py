"""Forms for managing users."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp


class UserForm(FlaskForm):
    """Create or edit a user."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dot, dash or underscore.")),
        ],
    )
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(_l("Enter the full name.")), Length(max=120)]
    )
    role = SelectField(_l("Role"), choices=[])
    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))
