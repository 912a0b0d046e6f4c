"""Forms of the accounts pages and of the administration."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from psad.auth.models import Psad, Role, Structure, StructureKind, User
from psad.auth.services import FollowUpRules
from psad.db import max_length
from psad.web.forms import FrenchForm

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FrenchForm):
    email = EmailField(
        "Adresse électronique",
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Se connecter")


class PasswordChangeForm(FrenchForm):
    current = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "Nouveau mot de passe (12 caractères au moins)",
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmation du nouveau mot de passe",
        validators=[DataRequired(REQUIRED), EqualTo("new", "Les deux mots de passe diffèrent.")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Changer le mot de passe")


class SwitchPsadForm(FrenchForm):
    psad_id = SelectField("PSAD", coerce=int)
    submit = SubmitField("Changer")


class PsadForm(FrenchForm):
    code = StringField(
        "Code", validators=[DataRequired(REQUIRED), Length(max=max_length(Psad.code))]
    )
    name = StringField(
        "Nom", validators=[DataRequired(REQUIRED), Length(max=max_length(Psad.name))]
    )
    territory = StringField(
        "Territoire (communes ou départements)",
        validators=[Optional(), Length(max=max_length(Psad.territory))],
    )
    active = BooleanField("Active", default=True)
    # The PSAD's follow-up rules (« Règles de suivi »)
    unreachable_after = IntegerField(
        "Tentatives sans réponse d'affilée avant de proposer « injoignable »",
        default=3,
        validators=[Optional(), NumberRange(1, 20, "Entre 1 et 20.")],
    )
    call_back_days = IntegerField(
        "Délai de rappel proposé après une tentative sans réponse (jours)",
        default=7,
        validators=[Optional(), NumberRange(1, 90, "Entre 1 et 90 jours.")],
    )
    orientation_stalled_weeks = IntegerField(
        "Orientation commencée sans nouvelles : tâche pour le référent après (semaines)",
        default=6,
        validators=[Optional(), NumberRange(1, 52, "Entre 1 et 52 semaines.")],
    )
    submit = SubmitField("Enregistrer")

    def follow_up_rules(self, current: Psad | None) -> FollowUpRules:
        """The rules asked; a field left empty keeps the PSAD's value (or the default)."""
        kept = FollowUpRules() if current is None else FollowUpRules.of(current)
        return FollowUpRules(
            unreachable_after=self.unreachable_after.data or kept.unreachable_after,
            call_back_days=self.call_back_days.data or kept.call_back_days,
            orientation_stalled_weeks=(
                self.orientation_stalled_weeks.data or kept.orientation_stalled_weeks
            ),
        )


class StructureForm(FrenchForm):
    name = StringField(
        "Nom", validators=[DataRequired(REQUIRED), Length(max=max_length(Structure.name))]
    )
    kind = SelectField("Type", choices=[SelectChoice(k.value, k.label) for k in StructureKind])
    uai = StringField("UAI (établissements scolaires)", validators=[Optional(), Length(max=12)])
    commune = StringField(
        "Commune", validators=[Optional(), Length(max=max_length(Structure.commune))]
    )
    email = EmailField(
        "Adresse électronique de contact",
        validators=[Optional(), Length(max=max_length(Structure.email))],
    )
    active = BooleanField("Active", default=True)
    submit = SubmitField("Enregistrer")


class UserForm(FrenchForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED)])
    full_name = StringField(
        "Nom complet",
        validators=[DataRequired(REQUIRED), Length(max=max_length(User.full_name))],
    )
    password = PasswordField(
        "Mot de passe (12 caractères au moins ; vide : inchangé)",
        validators=[Optional()],
        render_kw={"autocomplete": "new-password"},
    )
    is_admin = BooleanField("Administrateur technique")
    active = BooleanField("Compte actif", default=True)
    submit = SubmitField("Enregistrer")


class MembershipForm(FrenchForm):
    psad_id = SelectField("PSAD", coerce=int)
    role = SelectField("Rôle", choices=[SelectChoice(r.value, r.label) for r in Role])
    structure_id = SelectField("Structure (obligatoire pour un partenaire)", coerce=int)
    submit = SubmitField("Ajouter ce rôle")


class ConfirmForm(FrenchForm):
    """A form with only its CSRF token, for buttons that act (log-out, remove)."""

    submit = SubmitField("Confirmer")
