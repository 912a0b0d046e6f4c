"""The staff's forms of the messages: writing to youth (one, or a selection of the list), a
PSAD's templates and settings, and the file panel's buttons (opposition, answers)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import CheckboxInput, ListWidget

from psad.db import MAX_RECORD_ID
from psad.lists.forms import SelectionForm
from psad.lists.models import QUERY_MAX_LENGTH
from psad.messages.blocks import LIFT_REASON_MISSING, MAX_REASON
from psad.messages.models import MessageChannel, MessageTemplate
from psad.messages.services import AUTO_REMINDER_DAYS, NO_CHANNEL, TemplateData
from psad.reference.models import ReferenceItem
from psad.web.forms import FrenchForm
from psad.youth.forms import REQUIRED

INCOMPLETE = "Le formulaire est incomplet : rechargez la page et recommencez."
PREVIEWED = "psad.messages.previewed"  # the proof's purpose: no MAC made for another use matches


def new_sending_key() -> str:
    """The nonce of one « Envoyer »: posted twice, the form sends once."""
    return secrets.token_hex(16)


def preview_proof(
    secret: str,
    *,
    nonce: str,
    template: MessageTemplate,
    channels: Iterable[MessageChannel],
    youth_ids: Iterable[int],
) -> str:
    """The HMAC-SHA256 (key: ``[web] secret_key``) of what one preview showed: the template
    as it was (its code, its last change and its texts), the channels and the youth."""
    shown = [
        PREVIEWED,
        nonce,
        template.code,
        template.updated_at.astimezone(UTC).isoformat(),
        [template.name, template.subject, template.email_tu, template.email_vous],
        [template.sms_tu, template.sms_vous],
        sorted(channel.value for channel in channels),
        sorted(youth_ids),
    ]
    message = json.dumps(shown).encode()  # a list: no text can shift into the next one
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class MessageSelectionForm(SelectionForm):
    """What the list's toolbar sends to « Écrire aux jeunes sélectionnés »: the rows
    checked, or the whole filter, and the list (no bulk action)."""

    action = None


class ComposeForm(FrenchForm):
    """The template and the channels; then the preview (for one real recipient, ``apercu``)
    and the sending (``envoi``: the nonce of this « Envoyer » and the proof of what its
    preview showed). From the list, ``selection`` carries the youth chosen and ``liste`` the
    list to come back to."""

    template = SelectField("Modèle de message", validators=[InputRequired(REQUIRED)])
    channels = SelectMultipleField(
        "Envoyer par",
        validators=[DataRequired(NO_CHANNEL)],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    apercu = SelectField("Aperçu pour", coerce=int, validate_choice=False, validators=[Optional()])
    envoi = HiddenField("Envoi")  # « nonce.proof »; anything else is a sending not previewed
    selection = HiddenField(
        "Sélection", validators=[Optional(), Regexp(r"^\d{1,18}( \d{1,18})*$", message=INCOMPLETE)]
    )
    liste = HiddenField("Liste", validators=[Length(max=QUERY_MAX_LENGTH)])

    def offer(self, templates: Sequence[MessageTemplate], sms: bool) -> None:
        """The PSAD's active templates; SMS only when it can be sent."""
        self.template.choices = [SelectChoice(t.code, t.name) for t in templates]
        channels = [MessageChannel.EMAIL, *([MessageChannel.SMS] if sms else [])]
        self.channels.choices = [SelectChoice(c.value, c.label) for c in channels]

    def chosen_channels(self) -> list[MessageChannel]:
        return [MessageChannel(value) for value in self.channels.data or []]

    def selected_ids(self) -> list[int]:
        """The ids of ``selection``, once each; what is not an id is dropped."""
        words = (self.selection.data or "").split()
        numbers = (int(w) for w in words if w.isascii() and w.isdigit() and len(w) <= 18)
        return [n for n in dict.fromkeys(numbers) if 1 <= n <= MAX_RECORD_ID]

    def seal(
        self,
        secret: str,
        template: MessageTemplate,
        channels: Iterable[MessageChannel],
        youth_ids: Iterable[int],
    ) -> None:
        """``envoi`` for the preview being shown: a new nonce and the proof of its content."""
        nonce = new_sending_key()
        proof = preview_proof(
            secret, nonce=nonce, template=template, channels=channels, youth_ids=youth_ids
        )
        self.envoi.data = f"{nonce}.{proof}"

    def previewed_key(
        self,
        secret: str,
        template: MessageTemplate,
        channels: Iterable[MessageChannel],
        youth_ids: Iterable[int],
    ) -> str | None:
        """The sending key (the nonce of ``envoi``) when the fields still hold what its
        preview showed; None when anything changed since, or ``envoi`` is missing or forged."""
        nonce, _, proof = (self.envoi.data or "").partition(".")
        expected = preview_proof(
            secret, nonce=nonce, template=template, channels=channels, youth_ids=youth_ids
        )
        return nonce if hmac.compare_digest(proof.encode(), expected.encode()) else None


class TemplateForm(FrenchForm):
    name = StringField("Nom du modèle", validators=[DataRequired(REQUIRED), Length(max=120)])
    subject = StringField("Objet du courriel", validators=[DataRequired(REQUIRED), Length(max=200)])
    email_tu = TextAreaField(
        "Courriel, en tutoyant (mineurs)",
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        render_kw={"rows": 8},
    )
    email_vous = TextAreaField(
        "Courriel, en vouvoyant (majeurs, date de naissance inconnue)",
        validators=[DataRequired(REQUIRED), Length(max=5000)],
        render_kw={"rows": 8},
    )
    sms_tu = TextAreaField(
        "SMS, en tutoyant", validators=[Optional(), Length(max=600)], render_kw={"rows": 3}
    )
    sms_vous = TextAreaField(
        "SMS, en vouvoyant", validators=[Optional(), Length(max=600)], render_kw={"rows": 3}
    )
    active = BooleanField("Proposé à l'envoi", default=True)

    @classmethod
    def of(cls, template: MessageTemplate | None) -> TemplateForm:
        if template is None:
            return cls()
        return cls(
            data={
                "name": template.name,
                "subject": template.subject,
                "email_tu": template.email_tu,
                "email_vous": template.email_vous,
                "sms_tu": template.sms_tu or "",
                "sms_vous": template.sms_vous or "",
                "active": template.active,
            }
        )

    def template_data(self) -> TemplateData:
        return TemplateData(
            name=self.name.data or "",
            subject=self.subject.data or "",
            email_tu=self.email_tu.data or "",
            email_vous=self.email_vous.data or "",
            sms_tu=self.sms_tu.data or None,
            sms_vous=self.sms_vous.data or None,
            active=bool(self.active.data),
        )

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """The service's errors under their fields."""
        for name, messages in errors.items():
            field = self[name]
            field.errors = [*field.errors, *messages]


LOW, HIGH = AUTO_REMINDER_DAYS


class MessagingSettingsForm(FrenchForm):
    sms_enabled = BooleanField("Proposer l'envoi par SMS (aux numéros de portable)")
    auto_reminder_days = IntegerField(
        "Relance automatique après (jours)",
        validators=[
            Optional(),
            NumberRange(min=LOW, max=HIGH, message=f"Donnez un nombre de jours de {LOW} à {HIGH}."),
        ],
        description=(
            "Sans réponse à un message envoyé par une personne, le jeune reçoit une seule "
            "relance automatique après ce nombre de jours. Vide : pas de relance."
        ),
    )


class LiftBlockForm(FrenchForm):
    reason = TextAreaField(
        "Motif de la levée",
        validators=[DataRequired(LIFT_REASON_MISSING), Length(max=MAX_REASON)],
        description="Par exemple : « Le jeune a rappelé et accepte d'être contacté ».",
    )


class AutoRemindersForm(FrenchForm):
    suspendre = HiddenField("Relances", validators=[AnyOf(("oui", "non"), message=INCOMPLETE)])


class SituationForm(FrenchForm):
    situation = SelectField("Situation", validators=[InputRequired(REQUIRED)])

    def offer(self, items: Sequence[ReferenceItem]) -> None:
        self.situation.choices = [SelectChoice(item.code, item.label) for item in items]


class DismissForm(FrenchForm):
    part = HiddenField(
        "Partie", validators=[AnyOf(("phone", "situation", "refusal"), message=INCOMPLETE)]
    )


class ButtonForm(FrenchForm):
    """A button that sends nothing but its CSRF token."""
