"""The form of the page « Conservation des données »: a PSAD's retention rule."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from psad.privacy.retention import MAX_AGE, MAX_YEARS, MIN_AGE, MIN_YEARS
from psad.web.forms import FrenchForm

AGE_RANGE = f"Indiquez un âge entier entre {MIN_AGE} et {MAX_AGE} ans."
YEARS_RANGE = f"Indiquez un nombre entier d'années entre {MIN_YEARS} et {MAX_YEARS}."


class WholeNumberField(IntegerField):
    """A whole number; anything else says so with the field's own French message."""

    def __init__(self, label: str, *, message: str, low: int, high: int, **kwargs: Any) -> None:
        super().__init__(
            label,
            validators=[InputRequired(message), NumberRange(low, high, message)],
            **kwargs,
        )
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # not a whole number: its range says nothing more
            raise StopValidation()


class RetentionRuleForm(FrenchForm):
    retention_age = WholeNumberField(
        "Conserver les données jusqu'à l'âge de (ans)",
        message=AGE_RANGE,
        low=MIN_AGE,
        high=MAX_AGE,
        description=f"Au moins {MIN_AGE} ans : la limite d'âge du public suivi (25 ans), "
        "plus le temps d'un éventuel retour. Par défaut : 27 ans.",
    )
    retention_years_after_close = WholeNumberField(
        "Et au moins, après la clôture du dernier dossier (années)",
        message=YEARS_RANGE,
        low=MIN_YEARS,
        high=MAX_YEARS,
        description="Par défaut : 2 ans. La plus tardive des deux dates s'applique.",
    )
    submit = SubmitField("Enregistrer la règle")
