"""Forms of « Mot de passe oublié » : the address to send a link to, the new password."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from psad.auth.forms import REQUIRED
from psad.auth.models import User
from psad.db import max_length
from psad.web.forms import FrenchForm


class ResetRequestForm(FrenchForm):
    email = EmailField(
        "Adresse électronique de votre compte",
        validators=[DataRequired(REQUIRED), Length(max=max_length(User.email))],
        render_kw={"autocomplete": "username"},
    )
    submit = SubmitField("Recevoir un lien par courriel")


class NewPasswordForm(FrenchForm):
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
    submit = SubmitField("Enregistrer le nouveau mot de passe")
