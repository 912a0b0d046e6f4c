"""The preview and the sending.

A message to one youth on one channel is written as: an outbox row (delivered later by
``psad.outbox.delivery``; its body holds ``LINK_TOKEN_MARK`` where the personal link's token
goes), a contact attempt on the case (« Courriel · non joint · Message envoyé »: the youth
goes to « À recontacter » like after « Message laissé »), and a ``YouthMessage`` row that
ties them to the template and the reply link. The youth's channels share one link.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad, User
from psad.config import Settings
from psad.followup.services.contacts import ContactData, record_contact
from psad.messages.models import MessageChannel, MessageTemplate, YouthMessage
from psad.messages.rendering import Rendered, has_sms, register_for, render
from psad.messages.services.errors import MessagingError
from psad.messages.services.recipients import Recipient, recipients
from psad.messages.tokens import TOKEN_BYTES, new_token
from psad.outbox.models import LINK_TOKEN_MARK, OutboxChannel, OutboxPurpose
from psad.outbox.services import enqueue
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import item_by_code
from psad.youth.models import Case, Youth

NO_BASE_URL = (
    "Envoi impossible : l'adresse publique de l'application ([web] base_url) n'est pas "
    "configurée ; le lien personnel ne peut pas être construit. Demandez à l'administrateur."
)
NO_CHANNEL = "Choisissez au moins un moyen d'envoi : courriel ou SMS."
NO_MAIL = (
    "Envoi par courriel impossible : le serveur de courriel ([mail] host) n'est pas configuré."
)
NO_SMS = "Envoi par SMS impossible : les SMS ne sont pas activés pour cette PSAD."
MASKED_TOKEN = "••••"
TOKEN_LENGTH = math.ceil(TOKEN_BYTES * 4 / 3)  # secrets.token_urlsafe: base64, no padding
MAX_SENDING_KEY = 40

CHANNEL_ITEMS = {MessageChannel.EMAIL: "email", MessageChannel.SMS: "sms"}
OUTBOX_CHANNELS = {MessageChannel.EMAIL: OutboxChannel.EMAIL, MessageChannel.SMS: OutboxChannel.SMS}


def counsellor_name(*, by: User | None, case: Case | None, psad: Psad) -> str:
    """Who signs: the sender; for an automatic reminder, the case's referent, else the PSAD."""
    if by is not None:
        return by.full_name
    if case is not None and case.referent_user is not None:
        return case.referent_user.full_name
    return psad.name


def masked_link(base_url: str | None) -> str:
    """The personal link as the preview and the stored copy show it."""
    return f"{base_url or 'https://…'}/r/{MASKED_TOKEN}"


def preview(
    session: Session,
    *,
    template: MessageTemplate,
    recipient: Recipient,
    by: User | None,
    today: date,
    settings: Settings,
    actor: Actor | None = None,
) -> dict[MessageChannel, Rendered]:
    """The messages ``recipient`` would get, the link masked; audited when ``actor`` is
    given (the preview shows the youth's first name)."""
    youth = recipient.youth
    rendered = {
        channel: _render(template, recipient, channel, by, today, settings, masked=True)
        for channel in recipient.channels
        if channel is MessageChannel.EMAIL or has_sms(template)
    }
    if actor is not None:
        record(
            session,
            actor,
            AuditAction.MESSAGE_PREVIEWED,
            object_type="youth",
            object_id=youth.id,
            detail=f"modele={template.code}",
            psad_id=youth.psad_id,
        )
    return rendered


def _render(
    template: MessageTemplate,
    recipient: Recipient,
    channel: MessageChannel,
    by: User | None,
    today: date,
    settings: Settings,
    *,
    masked: bool,
) -> Rendered:
    base_url = settings.web.base_url
    youth = recipient.youth
    psad = youth.psad
    return render(
        template,
        youth=youth,
        psad_name=psad.name,
        counsellor=counsellor_name(by=by, case=recipient.case, psad=psad),
        channel=channel,
        register=register_for(youth, today),
        link=masked_link(base_url) if masked else f"{base_url}/r/{LINK_TOKEN_MARK}",
        stop_notice=settings.sms.stop_notice,
        link_length=len(f"{base_url or ''}/r/") + TOKEN_LENGTH,
        masked_link=masked_link(base_url),
    )


# --- sending ----------------------------------------------------------------------------


@dataclass
class SendReport:
    """What one « Envoyer » did: messages queued by channel, youth left out by reason,
    messages this sending key had already queued (a second post), and youth written to on
    one asked channel only (``partial``: the channel they lacked)."""

    queued: dict[MessageChannel, int] = field(
        default_factory=lambda: dict.fromkeys(MessageChannel, 0)
    )
    left: dict[str, int] = field(default_factory=dict)
    already_sent: int = 0
    partial: dict[MessageChannel, int] = field(
        default_factory=lambda: dict.fromkeys(MessageChannel, 0)
    )
    youth_ids: list[int] = field(default_factory=list)  # those who got at least one message

    @property
    def total(self) -> int:
        return sum(self.queued.values())

    @property
    def left_total(self) -> int:
        return sum(self.left.values())


def send_messages(
    session: Session,
    *,
    template: MessageTemplate,
    youths: list[Youth],
    channels: Iterable[MessageChannel],
    sending_key: str,
    by: User | None,
    actor: Actor,
    now: datetime,
    today: date,
    settings: Settings,
    sms_on: bool,
    reminder_of: YouthMessage | None = None,
) -> SendReport:
    """Queue ``template`` to each youth on each asked channel they can get, with one
    personal link per youth. The same ``sending_key`` posted again queues nothing more.
    ``by`` None: an automatic reminder (``reminder_of`` the message it follows). A reminder
    carries a new link: the first one's raw token is gone once sent (only hashes are kept),
    and it stays valid until it expires."""
    asked = _check_sending(template, youths, channels, sending_key, settings, sms_on)
    report = SendReport()
    items = _items(session)
    for recipient in recipients(session, youths=youths, channels=asked, sms_on=sms_on):
        if recipient.left_because:
            report.left[recipient.left_because] = report.left.get(recipient.left_because, 0) + 1
            continue
        sent = _send_to(
            session,
            template=template,
            recipient=recipient,
            sending_key=sending_key,
            by=by,
            actor=actor,
            now=now,
            today=today,
            settings=settings,
            items=items,
            reminder_of=reminder_of,
            report=report,
        )
        for channel in asked - set(recipient.channels):
            if channel is MessageChannel.EMAIL or sms_on:
                report.partial[channel] += 1
        if sent:
            report.youth_ids.append(recipient.youth.id)
            _audit_one(session, actor, template, recipient.youth, sent)
    if len(report.youth_ids) > 1:
        record(
            session,
            actor,
            AuditAction.MESSAGES_SENT,
            object_type="message_template",
            object_id=template.id,
            detail=(
                f"modele={template.code}; jeunes={len(report.youth_ids)}; "
                f"courriels={report.queued[MessageChannel.EMAIL]}; "
                f"sms={report.queued[MessageChannel.SMS]}; ecartes={report.left_total}"
            ),
            psad_id=template.psad_id,
        )
    return report


def _check_sending(
    template: MessageTemplate,
    youths: list[Youth],
    channels: Iterable[MessageChannel],
    sending_key: str,
    settings: Settings,
    sms_on: bool,
) -> set[MessageChannel]:
    asked = set(channels)
    if not asked:
        raise MessagingError(NO_CHANNEL)
    most = settings.messages.max_recipients
    if len(youths) > most:
        raise MessagingError(
            f"Un envoi va à {most} jeunes au plus ; {len(youths)} sont choisis : "
            "réduisez la sélection."
        )
    if not settings.web.base_url:
        raise MessagingError(NO_BASE_URL)
    if MessageChannel.EMAIL in asked and not settings.mail.enabled:
        raise MessagingError(NO_MAIL)
    if MessageChannel.SMS in asked:
        if not (sms_on and settings.sms.enabled):
            raise MessagingError(NO_SMS)
        if not has_sms(template):
            raise MessagingError(
                f"Le modèle « {template.name} » n'a pas de texte pour les SMS : "
                "choisissez le courriel ou complétez le modèle."
            )
    if not template.active:
        raise MessagingError(f"Le modèle « {template.name} » est désactivé.")
    if not 1 <= len(sending_key) <= MAX_SENDING_KEY:
        raise MessagingError("Envoi refusé : le formulaire est incomplet, recommencez.")
    if any(youth.psad_id != template.psad_id for youth in youths):
        raise MessagingError("Envoi refusé : un des jeunes n'est pas suivi par cette PSAD.")
    return asked


@dataclass(frozen=True)
class _Items:
    """The reference items a message's contact uses."""

    channels: dict[MessageChannel, ReferenceItem]
    outcome: ReferenceItem  # « Message envoyé »


def _items(session: Session) -> _Items:
    channels = {
        channel: item_by_code(session, ReferenceKind.CONTACT_CHANNEL, code)
        for channel, code in CHANNEL_ITEMS.items()
    }
    outcome = item_by_code(session, ReferenceKind.CONTACT_OUTCOME, "message_sent")
    found = {channel: item for channel, item in channels.items() if item is not None}
    if outcome is None or len(found) != len(channels):
        raise MessagingError(
            "Envoi impossible : les listes de référence (modes et résultats de contact) ne "
            "sont pas à jour ; lancez « psad db upgrade »."
        )
    return _Items(found, outcome)


def _send_to(
    session: Session,
    *,
    template: MessageTemplate,
    recipient: Recipient,
    sending_key: str,
    by: User | None,
    actor: Actor,
    now: datetime,
    today: date,
    settings: Settings,
    items: _Items,
    reminder_of: YouthMessage | None,
    report: SendReport,
) -> list[YouthMessage]:
    youth, case = recipient.youth, recipient.case
    assert case is not None
    already = set(
        session.scalars(
            select(YouthMessage.channel).where(
                YouthMessage.sending_key == sending_key, YouthMessage.youth_id == youth.id
            )
        )
    )
    todo = [channel for channel in recipient.channels if channel not in already]
    report.already_sent += len(recipient.channels) - len(todo)
    if not todo:
        return []
    raw, token = new_token(
        session,
        psad_id=youth.psad_id,
        youth_id=youth.id,
        case_id=case.id,
        now=now,
        days=settings.messages.link_days,
    )
    purpose = OutboxPurpose.MESSAGE if reminder_of is None else OutboxPurpose.MESSAGE_REMINDER
    register = register_for(youth, today)
    sent: list[YouthMessage] = []
    for channel in todo:
        address = recipient.address(channel)
        assert address is not None
        outgoing = _render(template, recipient, channel, by, today, settings, masked=False)
        outbox = enqueue(
            session,
            key=f"message:{sending_key}:{youth.id}:{channel.value}",
            purpose=purpose,
            recipient=address,
            subject=outgoing.subject,
            body_text=outgoing.body,
            body_html=None,
            psad_id=youth.psad_id,
            user_id=None,
            now=now,
            channel=OUTBOX_CHANNELS[channel],
            secret=raw,
            reply_to=youth.psad.email if channel is MessageChannel.EMAIL else None,
        )
        if outbox is None:  # a concurrent post of the same form queued it
            report.already_sent += 1
            continue
        contact = record_contact(
            session,
            case=case,
            data=ContactData(
                occurred_at=now,
                channel=items.channels[channel],
                reached=False,
                outcome=items.outcome,
                comment=f"Message « {template.name} »",
            ),
            by=by,
            actor=actor,
            now=now,
        ).contact
        shown = _render(template, recipient, channel, by, today, settings, masked=True)
        message = YouthMessage(
            psad_id=youth.psad_id,
            youth_id=youth.id,
            case_id=case.id,
            sending_key=sending_key,
            channel=channel,
            register=register,
            template_id=template.id,
            template_name=template.name,
            recipient=address,
            subject=shown.subject or None,
            body=shown.body,
            reply_token_id=token.id,
            outbox_message_id=outbox.id,
            contact_id=contact.id,
            sent_by_id=by.id if by is not None else None,
            # one reminder on several channels: its first message names the one it follows
            reminder_of_id=reminder_of.id if reminder_of is not None and not sent else None,
            created_at=now,
        )
        session.add(message)
        report.queued[channel] += 1
        sent.append(message)
    if not sent:
        session.delete(token)
    session.flush()
    return sent


def _audit_one(
    session: Session,
    actor: Actor,
    template: MessageTemplate,
    youth: Youth,
    sent: list[YouthMessage],
) -> None:
    channels = ",".join(message.channel.value for message in sent)
    ids = ",".join(str(message.id) for message in sent)
    record(
        session,
        actor,
        AuditAction.MESSAGE_SENT,
        object_type="youth",
        object_id=youth.id,
        detail=f"modele={template.code}; canaux={channels}; messages={ids}",
        psad_id=youth.psad_id,
    )


def left_summary(left: dict[str, int]) -> str:
    """« 2 : opposition au contact ; 1 : dossier clos » (the report's reasons, for a flash)."""
    return " ; ".join(f"{count} : {reason}" for reason, count in Counter(left).most_common())
