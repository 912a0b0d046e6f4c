"""The forms after the meeting: validate the minutes (with the version read, so that a change
made meanwhile is not validated unseen), and amend validated minutes. Each carries its CSRF
token; the calendar's two buttons need nothing else (the app checks CSRF on every POST)."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from psad.committees.models import TEXT_LENGTH
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING

WHOLE = 0  # the amendment is about the minutes as a whole
TEXT_REQUIRED = "Écrivez la correction apportée au relevé."
TOO_LONG = f"{TEXT_LENGTH} caractères au plus."


class ValidateForm(FrenchForm):
    version = HiddenField()
    submit = SubmitField("Valider le relevé de décisions")

    def read_version(self) -> int:
        """The version the pilote read; 0 (never a version) when missing or unreadable."""
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else 0


class AmendForm(FrenchForm):
    decision_id = SelectField("Décision concernée", coerce=int, default=WHOLE)
    text = TextAreaField(
        "Correction",
        validators=[DataRequired(TEXT_REQUIRED), Length(max=TEXT_LENGTH, message=TOO_LONG)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Ajouter l'amendement")
