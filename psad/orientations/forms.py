"""The forms of an orientation: the date the eligibility is read on, orient a youth (dispositif
and site, or a vacant place), and each step of its lifecycle (accept, refuse, start, complete,
abandon, cancel, news).

A step's form carries the orientation's version: a save made from an older version is refused.
Reasons are asked where the lifecycle needs one (refusal, abandon, cancellation); the service
checks them too.
"""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from psad.followup.case_forms import VersionedForm
from psad.orientations.models import TEXT_LENGTH, RefusedBy
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, REQUIRED, FrenchDateField

TOO_LONG = f"{TEXT_LENGTH} caractères au plus."
CONFIRM_FULL = "Je confirme l'orientation vers un site complet"


def set_date(field: Field, day: date) -> None:
    """A date field's value before the form is sent (today, by default)."""
    field.data = day


def _text(label: str, *, required: str | None = None) -> TextAreaField:
    first = DataRequired(required) if required else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=TEXT_LENGTH, message=TOO_LONG)],
        description=FREE_TEXT_WARNING,
    )


def _day(label: str) -> FrenchDateField:
    return FrenchDateField(f"{label} (jj/mm/aaaa)", validators=[DataRequired(REQUIRED)])


class EligibilityDateForm(FrenchForm):
    """The date the page « Éligibilité détaillée » evaluates on (read from the URL)."""

    class Meta(FrenchForm.Meta):
        csrf = False

    date = FrenchDateField("À la date du (jj/mm/aaaa)", validators=[Optional()])  # empty: today


class OrientForm(FrenchForm):
    choice = SelectField(
        "Dispositif et site",
        validators=[InputRequired("Choisissez un dispositif.")],
        validate_choice=True,
    )
    on = _day("Date de la proposition")
    comment = _text("Commentaire")
    confirm_full = BooleanField(CONFIRM_FULL)
    submit = SubmitField("Orienter")


class StepForm(VersionedForm):
    on = _day("Date")


class AcceptForm(StepForm):
    comment = _text("Commentaire")
    confirm_full = BooleanField(CONFIRM_FULL)
    submit = SubmitField("Accepter l'orientation")


class RefuseForm(StepForm):
    refused_by = RadioField(
        "Qui refuse ?",
        choices=[SelectChoice(r.value, f"Refusée {r.label}") for r in RefusedBy],
        validators=[InputRequired("Dites qui refuse l'orientation.")],
    )
    reason = _text("Motif du refus", required="Dites pourquoi l'orientation est refusée.")
    submit = SubmitField("Refuser l'orientation")


class StartForm(StepForm):
    comment = _text("Commentaire")
    confirm_full = BooleanField(CONFIRM_FULL)
    submit = SubmitField("Marquer commencée")


class CompleteForm(StepForm):
    comment = _text("Commentaire (bilan, suite prévue)")
    submit = SubmitField("Marquer terminée")


class AbandonForm(StepForm):
    reason = _text("Motif de l'abandon", required="Dites pourquoi le jeune a abandonné.")
    submit = SubmitField("Enregistrer l'abandon")


class CancelForm(StepForm):
    reason = _text("Motif de l'annulation", required="Dites pourquoi l'orientation est annulée.")
    submit = SubmitField("Annuler l'orientation")


class NewsForm(StepForm):
    comment = _text("Nouvelles", required="Dites quelles sont les nouvelles.")
    submit = SubmitField("Enregistrer les nouvelles")


STEP_FORMS: dict[str, type[StepForm]] = {
    "accepter": AcceptForm,
    "refuser": RefuseForm,
    "commencer": StartForm,
    "terminer": CompleteForm,
    "abandonner": AbandonForm,
    "annuler": CancelForm,
    "nouvelles": NewsForm,
}
