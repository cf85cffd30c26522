"""Forms of the dossiers feature: a unit's self-assessed or verified scores, one per indicator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import TextInput


class ScoreField(FloatField):
    """A score typed with a decimal comma (1,5) or point (1.5); empty means not given.

    A text box: a number input refuses the Vietnamese decimal comma in most browsers.
    """

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].strip().replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter a number such as 1,5.")) from exc


def assessment_form(max_score: int, names: dict[int, str], **kwargs) -> FlaskForm:
    """A form with one score field per indicator (i1 … i9) from 0 to max_score."""

    class AssessmentForm(FlaskForm):
        """Scores of the nine indicators of one quarter."""

        note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})

    for number, name in names.items():
        setattr(
            AssessmentForm,
            f"i{number}",
            ScoreField(
                name,
                validators=[
                    Optional(),
                    NumberRange(0, max_score, _l("A score from %(min)s to %(max)s is required.")),
                ],
                render_kw={"inputmode": "decimal", "autocomplete": "off", "size": 5},
            ),
        )
    return AssessmentForm(**kwargs)
