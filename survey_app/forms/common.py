"""Fields shared by the feature forms."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SubmitField
from wtforms.widgets import TextInput


class VnDateField(DateField):
    """A date typed as dd/mm/yyyy (the Vietnamese format), also accepting yyyy-mm-dd."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        for fmt in self.strptime_format:
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Enter a date as dd/mm/yyyy."))


class ActionForm(FlaskForm):
    """A bare form for buttons that post an action on one record: the CSRF token only."""

    submit = SubmitField(_l("Confirm"))
