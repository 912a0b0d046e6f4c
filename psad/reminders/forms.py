"""Forms of the reminders' pages: the digest preference and the PSAD's thresholds."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, IntegerField, RadioField, SelectChoice, SubmitField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional, StopValidation

from psad.auth.models import DigestFrequency
from psad.reminders.preferences import DAY_FIELDS, RuleValues
from psad.web.forms import FrenchForm

MAX_DAYS = 365
NOT_WHOLE = f"Indiquez un nombre entier de jours, entre 1 et {MAX_DAYS} (ou laissez vide)."
OUT_OF_RANGE = f"Entre 1 et {MAX_DAYS} jours."
CHOOSE_FREQUENCY = "Choisissez chaque jour, chaque semaine ou jamais."


class DigestPreferenceForm(FrenchForm):
    frequency = RadioField(
        "Recevoir mes rappels par courriel",
        choices=[SelectChoice(f.value, f.label) for f in DigestFrequency],
        validators=[
            InputRequired(CHOOSE_FREQUENCY),
            AnyOf([f.value for f in DigestFrequency], CHOOSE_FREQUENCY),
        ],
        validate_choice=False,  # AnyOf says it in French
    )
    submit = SubmitField("Enregistrer ma préférence")

    def chosen(self) -> DigestFrequency:
        return DigestFrequency(self.frequency.data)


class DaysField(IntegerField):
    """A number of days; what is not a whole number says so in plain French."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None  # empty: the default
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(NOT_WHOLE) from error

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:  # not a whole number: its range says nothing more
            raise StopValidation()


def _days(label: str) -> DaysField:
    return DaysField(label, validators=[Optional(), NumberRange(1, MAX_DAYS, OUT_OF_RANGE)])


class ReminderRulesForm(FrenchForm):
    list_not_contacted_days = _days(
        "Jeunes d'une liste importée jamais contactés : rappel après (jours depuis l'import)"
    )
    no_contact_days = _days("Dossier ouvert sans aucun contact : rappel après (jours)")
    darfi_notice_days = _days("Entretien DARFI : prévenir (jours avant l'échéance de 15 jours)")
    obligation_notice_days = _days(
        "Obligation de formation, entretien ou transmission : prévenir (jours avant l'échéance)"
    )
    majority_notice_days = _days("Mineur bientôt majeur : prévenir (jours avant ses 18 ans)")
    committee_notice_days = _days(
        "Comité technique : prévenir les membres des structures invitées (jours avant)"
    )
    digest_initials = BooleanField("Donner les initiales des jeunes dans les courriels")
    submit = SubmitField("Enregistrer les seuils")

    def describe_defaults(self, defaults: dict[str, int]) -> None:
        """Say each field's default beside it (what an empty field means)."""
        for name in DAY_FIELDS:
            field = self[name]
            days = defaults[name]
            field.description = f"Vide : la valeur par défaut du serveur, {days} jours."
            field.render_kw = {"placeholder": str(days)}

    def values(self) -> RuleValues:
        days = {name: self[name].data for name in DAY_FIELDS}
        return RuleValues(**days, digest_initials=bool(self.digest_initials.data))
