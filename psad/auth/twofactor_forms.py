"""Forms of the two-factor log-in: the code after the password, enrolment, the PSAD's rule."""

from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from psad.auth.forms import REQUIRED, PsadForm
from psad.web.forms import FrenchForm

SIX_DIGITS = "Saisissez les 6 chiffres affichés par votre application d'authentification."
REQUIREMENT_LABEL = "Double authentification obligatoire pour les membres"


def code_field(label: str, *, id: str = "code", description: str | None = None) -> StringField:
    """Six digits (a space in the middle tolerated, as some applications show them)."""
    return StringField(
        label,
        id=id,
        validators=[DataRequired(REQUIRED), Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=SIX_DIGITS)],
        description=description,
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7},
    )


class CodeForm(FrenchForm):
    code = code_field(
        "Code à 6 chiffres",
        description="Le code affiché maintenant par votre application d'authentification.",
    )
    submit = SubmitField("Valider")


class RecoveryCodeForm(FrenchForm):
    code = StringField(
        "Code de secours",
        validators=[DataRequired(REQUIRED), Length(max=20, message="Code de secours trop long.")],
        description="Un des dix codes notés à l'activation, par exemple 7K3QD-M9XAE.",
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
    submit = SubmitField("Valider")


class EnrolForm(CodeForm):
    code = code_field("Code à 6 chiffres affiché par l'application")
    submit = SubmitField("Activer la double authentification")


# The account page holds both forms below: their fields get ids of their own.
class RenewCodesForm(CodeForm):
    code = code_field("Code actuel de votre application", id="renew-code")
    submit = SubmitField("Renouveler mes codes de secours")


class DisableForm(CodeForm):
    code = code_field("Code actuel de votre application", id="disable-code")
    submit = SubmitField("Désactiver la double authentification")


class RequirementForm(FrenchForm):
    two_factor_required = BooleanField(REQUIREMENT_LABEL)
    submit = SubmitField("Enregistrer")


class PsadSettingsForm(PsadForm):
    """The administrator's PSAD form, with the PSAD's two-factor rule."""

    two_factor_required = BooleanField(REQUIREMENT_LABEL)
