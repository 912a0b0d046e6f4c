"""The forms of a transfer: propose (or request) with a comment, refuse with a reason.
Each carries its CSRF token; texts are bounded as their columns are. Accepting and
cancelling are a button each (CSRF checked for every POST by the app)."""

from __future__ import annotations

from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from psad.transfers.models import COMMENT_LENGTH
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING

COMMENT_REQUIRED = "Dites pourquoi ce jeune doit changer de PSAD."
REASON_REQUIRED = "Dites pourquoi vous refusez ce transfert."
PSAD_REQUIRED = "Choisissez la PSAD qui suivra ce jeune."
TOO_LONG = f"{COMMENT_LENGTH} caractères au plus."


def _comment(label: str, required: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[DataRequired(required), Length(max=COMMENT_LENGTH, message=TOO_LONG)],
        description=FREE_TEXT_WARNING,
    )


class ProposeForm(FrenchForm):
    to_psad_id = SelectField(
        "PSAD qui suivra ce jeune", coerce=int, validators=[DataRequired(PSAD_REQUIRED)]
    )
    comment = _comment("Commentaire pour la PSAD qui le recevra", COMMENT_REQUIRED)
    submit = SubmitField("Proposer le transfert")


class RequestForm(FrenchForm):
    comment = _comment("Commentaire pour la PSAD qui suit ce jeune", COMMENT_REQUIRED)
    submit = SubmitField("Demander le transfert")


class RefuseForm(FrenchForm):
    reason = _comment("Motif du refus", REASON_REQUIRED)
    submit = SubmitField("Refuser le transfert")
