"""The forms of the public reply page: the youth's answer, and « ne plus être contacté·e »."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from psad.messages.models import (
    ANSWER_KIND_LABELS,
    SOLUTION_KIND_LABELS,
    TIME_SLOT_LABELS,
    AnswerKind,
    SolutionKind,
    TimeSlot,
)
from psad.messages.reply import SOLUTION_MISSING, TIME_SLOT_MISSING
from psad.web.forms import FrenchForm
from psad.youth.identifiers.phones import normalize_phone

KIND_MISSING = "Choisissez une des trois réponses."
PHONE_INVALID = (
    "Ce numéro n'est pas un numéro de téléphone valable : "
    "écrivez ses 10 chiffres, comme 06 01 02 03 04."
)
STOP_UNCONFIRMED = "Cochez la case pour confirmer que vous ne voulez plus être contacté·e."


class ReplyForm(FrenchForm):
    kind = RadioField(
        "Que souhaitez-vous ?",
        choices=[SelectChoice(kind.value, label) for kind, label in ANSWER_KIND_LABELS.items()],
        validators=[InputRequired(KIND_MISSING)],
    )
    time_slot = RadioField(
        "Quand préférez-vous être appelé·e ?",
        choices=[SelectChoice(slot.value, label) for slot, label in TIME_SLOT_LABELS.items()],
        default=TimeSlot.ANY.value,
        validators=[Optional()],
    )
    solution_kind = RadioField(
        "Quelle solution avez-vous ?",
        choices=[SelectChoice(kind.value, label) for kind, label in SOLUTION_KIND_LABELS.items()],
        validators=[Optional()],
    )
    phone = StringField(
        "Nouveau numéro de téléphone, seulement s'il a changé",
        validators=[Optional(), Length(max=30)],
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"},
    )

    def validate_phone(self, field: StringField) -> None:
        if normalize_phone(field.data).value is None:
            raise ValidationError(PHONE_INVALID)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.answer_kind is AnswerKind.CALL_BACK and not self.time_slot.data:
            self.time_slot.errors = [*self.time_slot.errors, TIME_SLOT_MISSING]
            valid = False
        if self.answer_kind is AnswerKind.SOLUTION and not self.solution_kind.data:
            self.solution_kind.errors = [*self.solution_kind.errors, SOLUTION_MISSING]
            valid = False
        return valid

    @property
    def answer_kind(self) -> AnswerKind | None:
        try:
            return AnswerKind(self.kind.data)
        except ValueError:
            return None

    @property
    def slot(self) -> TimeSlot | None:
        return TimeSlot(self.time_slot.data) if self.time_slot.data else None

    @property
    def solution(self) -> SolutionKind | None:
        return SolutionKind(self.solution_kind.data) if self.solution_kind.data else None

    @property
    def e164(self) -> str | None:
        return normalize_phone(self.phone.data).value if self.phone.data else None


class StopForm(FrenchForm):
    confirm = BooleanField(
        "Je ne veux plus recevoir de message de la PSAD",
        validators=[DataRequired(STOP_UNCONFIRMED)],
    )
