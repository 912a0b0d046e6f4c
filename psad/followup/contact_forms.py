"""The forms of contacts (record, correct) and notes: every value checked here.

A contact takes a few keystrokes: date and time (now by default), channel, reached or not,
outcome, with whom, an optional comment; a failed attempt proposes a call-back date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from wtforms import RadioField, SelectChoice, SelectField, SubmitField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from psad.clock import PARIS, local
from psad.followup.models import Contact, NoteKind, Party
from psad.followup.services.contacts import ContactData
from psad.reference.models import ReferenceItem
from psad.web.forms import FrenchForm
from psad.youth.forms import FREE_TEXT_WARNING, REQUIRED, FrenchDateField

YES, NO = "oui", "non"
FUTURE_TOLERANCE = timedelta(minutes=5)
COMMENT_MAX = 2000
NOTE_MAX = 5000
TIME_ERROR = "Heure invalide : utilisez le format hh:mm, par exemple 14:30."


class FrenchTimeField(TimeField):
    """A time typed as hh:mm or 14h30 (or picked by the browser's time control)."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, format=["%H:%M", "%Hh%M", "%Hh", "%H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [" ".join(valuelist).strip().lower().replace(" ", "")]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(TIME_ERROR) from None


class ContactFields(FrenchForm):
    """What a person says of one contact, for recording it and for correcting it."""

    on = FrenchDateField("Date (jj/mm/aaaa)", validators=[InputRequired(REQUIRED)])
    at = FrenchTimeField("Heure (hh:mm)", validators=[InputRequired(REQUIRED)])
    channel_id = SelectField("Mode de contact", coerce=int)
    reached = RadioField(
        "Quelqu'un a-t-il été joint ?",
        choices=[SelectChoice(YES, "Oui"), SelectChoice(NO, "Non")],
        invalid_choice_message="Dites si quelqu'un a été joint.",
    )
    outcome_id = SelectField("Résultat", coerce=int, validators=[Optional()])
    party = RadioField(
        "Avec qui",
        choices=[SelectChoice(party.value, party.label) for party in Party],
        default=Party.YOUTH.value,
        invalid_choice_message="Dites avec qui le contact a eu lieu.",
    )
    comment = TextAreaField(
        "Commentaire (facultatif)",
        validators=[Optional(), Length(max=COMMENT_MAX)],
        description=FREE_TEXT_WARNING,
    )

    def __init__(
        self,
        *args: Any,
        now: datetime,
        channels: list[ReferenceItem],
        outcomes: list[ReferenceItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.items = {item.id: item for item in [*channels, *outcomes]}
        self.channel_id.choices = [SelectChoice(item.id, item.label) for item in channels]
        self.outcome_id.choices = [SelectChoice(0, "Non précisé")] + [
            SelectChoice(item.id, item.label) for item in outcomes
        ]

    @property
    def occurred_at(self) -> datetime | None:
        if self.on.data is None or self.at.data is None:
            return None
        return datetime.combine(self.on.data, self.at.data, PARIS).astimezone(UTC)

    def validate_on(self, field: FrenchDateField) -> None:
        if field.data and field.data > local(self.now).date():
            raise ValidationError("Cette date est dans le futur.")

    def validate_at(self, field: FrenchTimeField) -> None:
        occurred_at = self.occurred_at  # a future day is the date's error, not the time's
        if occurred_at and not self.on.errors and occurred_at > self.now + FUTURE_TOLERANCE:
            raise ValidationError("Cette heure est dans le futur.")

    def contact_data(self) -> ContactData:
        occurred_at = self.occurred_at
        assert occurred_at is not None  # the form was validated
        return ContactData(
            occurred_at=occurred_at,
            channel=self.items[self.channel_id.data],
            reached=self.reached.data == YES,
            outcome=self.items.get(self.outcome_id.data or 0),
            party=Party(self.party.data),
            comment=(self.comment.data or "").strip() or None,
        )

    @staticmethod
    def values_of(contact: Contact) -> dict[str, object]:
        """The values of a recorded contact, to start its correction from."""
        at = local(contact.occurred_at)
        return {
            "on": at.date(),
            "at": at.time().replace(second=0, microsecond=0),
            "channel_id": contact.channel_id,
            "reached": YES if contact.reached else NO,
            "outcome_id": contact.outcome_id or 0,
            "party": contact.party.value,
            "comment": contact.comment,
        }


def defaults(now: datetime, call_back_on: date) -> dict[str, object]:
    """A new contact: now, and a call-back on the PSAD's default day."""
    at = local(now)
    return {"on": at.date(), "at": time(at.hour, at.minute), "call_back_on": call_back_on}


class ContactForm(ContactFields):
    call_back_on = FrenchDateField(
        "Rappeler le (jj/mm/aaaa)",
        validators=[Optional()],
        description=(
            "Si personne n'a été joint, une tâche de rappel est créée pour cette date ; "
            "laissez vide pour ne pas en créer."
        ),
    )
    submit = SubmitField("Enregistrer")
    save_next = SubmitField("Enregistrer et suivant")

    def validate_call_back_on(self, field: FrenchDateField) -> None:
        if field.data and field.data < local(self.now).date():
            raise ValidationError("La date de rappel est passée.")

    @property
    def call_back(self) -> date | None:
        """The call-back date, for a failed attempt only."""
        return self.call_back_on.data if self.reached.data == NO else None


class CorrectionForm(ContactFields):
    submit = SubmitField("Enregistrer la correction")


class NoteForm(FrenchForm):
    kind = SelectField(
        "Type",
        choices=[SelectChoice(kind.value, kind.label) for kind in NoteKind],
        default=NoteKind.NOTE.value,
    )
    body = TextAreaField(
        "Texte",
        validators=[InputRequired(REQUIRED), Length(max=NOTE_MAX)],
        description=FREE_TEXT_WARNING,
    )
    submit = SubmitField("Enregistrer la note")

    def validate_body(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            raise ValidationError(REQUIRED)
