"""The forms of the legal steps: DARFI request and interview, obligation de formation steps,
and the date and place printed on a convocation letter."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import (
    DateField,
    Field,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from psad.followup.models import DarfiSource, Diploma
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, REQUIRED, FrenchDateField

TEXT_MAX = 2000


def date_of(field: Field) -> date:
    """The date of a validated, required date field (typed for the services)."""
    value = field.data
    assert isinstance(value, date)
    return value


def _not_in_future(form: Any, field: Field) -> None:
    if field.data and field.data > form.today:
        raise ValidationError("Cette date est dans le futur.")


class DatedForm(FrenchForm):
    """A form whose dates may not be in the future; ``today`` fills them by default."""

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if not self.is_submitted():
            for field in self:
                if isinstance(field, DateField) and field.data is None:
                    field.data = today


class DarfiRequestForm(DatedForm):
    requested_on = FrenchDateField(
        "Date de la demande (jj/mm/aaaa)", validators=[DataRequired(REQUIRED), _not_in_future]
    )
    source = SelectField(
        "Demande venue de",
        choices=[SelectChoice(s.value, s.label) for s in DarfiSource],
        validators=[DataRequired(REQUIRED)],
    )
    diploma = SelectField(
        "Diplôme le plus élevé",
        choices=[SelectChoice(d.value, d.label) for d in Diploma],
        default=Diploma.UNKNOWN.value,
        validators=[DataRequired(REQUIRED)],
    )
    wish = TextAreaField(
        "Souhait du jeune (formation, établissement, statut)",
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Enregistrer la demande")


class DarfiInterviewForm(DatedForm):
    held_on = FrenchDateField(
        "Date de l'entretien (jj/mm/aaaa)", validators=[DataRequired(REQUIRED), _not_in_future]
    )
    outcome = TextAreaField(
        "Issue de l'entretien",
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Enregistrer l'entretien")


class ObligationStepForm(DatedForm):
    done_on = FrenchDateField(
        "Date (jj/mm/aaaa)", validators=[DataRequired(REQUIRED), _not_in_future]
    )
    comment = TextAreaField(
        "Commentaire (facultatif)",
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Enregistrer l'étape")


class ConvocationForm(FrenchForm):
    """What the letter prints: the appointment's date, time and place (read from the URL)."""

    class Meta:
        csrf = False

    # French names in the URL: ?date=...&heure=...&lieu=...
    on = FrenchDateField("Date du rendez-vous (jj/mm/aaaa)", validators=[Optional()], name="date")
    at = StringField("Heure", validators=[Optional(), Length(max=10)], name="heure")
    place = StringField("Lieu", validators=[Optional(), Length(max=300)], name="lieu")
