"""The automatic reminder: once, N days after a sending a person made, when the youth has
not answered (N: the PSAD's ``auto_reminder_days``; none when it is empty, the default).

A sending is one « Envoyer » to one youth: one message per channel (e-mail, SMS), sharing a
``sending_key``, a link and an instant. Its reminder is one too: the PSAD's
« auto_reminder » template on every channel of the sending that was delivered and can still
be used, with one new personal link (the first one's raw token is gone once sent; that link
stays valid until it expires, and an answer through either stops further reminders). It is
a sending like another: an outbox row and a contact without author per channel, and
``YouthMessage`` rows; the first names the sending's first message in ``reminder_of_id``
(unique), and no message of a sending already reminded is reminded again, whatever the
number of runs.

No reminder when, since the sending: the youth answered, was reached by someone, or was
written to again; nor when the youth is blocked (« STOP »), has automatic reminders
suspended, the case is closed, or the link has expired.

A day counts as people count it: a message sent on Monday at 10:02 is « 2 days old » on
Wednesday, whatever the hour of the run. A message is reminded on the day it is N days old,
or up to ``CATCH_UP_DAYS`` days later when runs were missed (a weekend, a server down);
never older ones: turning reminders on, or changing N, does not remind months-old messages.

The service does one PSAD and flushes; the scheduled job (``psad.messages.jobs``) commits
after each PSAD, so that one PSAD's failure loses nothing of the others'.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from psad import clock
from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.config import Settings
from psad.errors import DomainError
from psad.followup.models import Contact
from psad.messages.defaults import AUTO_REMINDER, ensure_default_templates
from psad.messages.models import (
    AutoReminderSuspension,
    ContactBlock,
    MessageChannel,
    MessageTemplate,
    MessagingSettings,
    ReplyAnswer,
    ReplyToken,
    YouthMessage,
)
from psad.messages.rendering import has_sms
from psad.messages.services import send_messages, sms_offered, template_by_code
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Case, CaseStatus, Youth

log = logging.getLogger(__name__)


CATCH_UP_DAYS = 3  # how many days late a message is still reminded after missed runs


@dataclass
class PsadRun:
    """One PSAD's part of a run: the reminder messages queued (one per channel), and the
    messages left without one, by reason (counted in the audit)."""

    queued: int = 0
    left: dict[str, int] = field(default_factory=dict)

    def leave(self, reason: str, number: int = 1) -> None:
        self.left[reason] = self.left.get(reason, 0) + number


def psads_with_reminders(session: Session) -> list[tuple[int, int]]:
    """``(psad id, N days)`` of every PSAD that has automatic reminders on, by id."""
    rows = session.execute(
        select(MessagingSettings.psad_id, MessagingSettings.auto_reminder_days)
        .where(MessagingSettings.auto_reminder_days.is_not(None))
        .order_by(MessagingSettings.psad_id)
    )
    return [(psad_id, days) for psad_id, days in rows if days is not None]


def remind_psad(
    session: Session, settings: Settings, *, psad_id: int, days: int, now: datetime, today: date
) -> PsadRun:
    """Queue today's automatic reminders of one PSAD (``days``: its N) and audit the run,
    counts only; flushed, the caller commits."""
    run = _remind(session, settings, psad_id=psad_id, days=days, now=now, today=today)
    record(
        session,
        Actor(user_id=None, psad_id=psad_id),
        AuditAction.AUTO_REMINDERS_RUN,
        object_type="psad",
        object_id=psad_id,
        detail=_audit_detail(run, days, today),
        psad_id=psad_id,
    )
    session.flush()
    return run


def due_messages(
    session: Session, *, psad_id: int, days: int, now: datetime, today: date
) -> list[YouthMessage]:
    """The PSAD's messages that get their reminder today: delivered ``days`` days ago, or at
    most ``CATCH_UP_DAYS`` days more (oldest first)."""
    later = aliased(YouthMessage)
    same_sending = aliased(YouthMessage)
    reminder = aliased(YouthMessage)
    answered = exists().where(
        ReplyAnswer.youth_id == YouthMessage.youth_id,
        or_(
            ReplyAnswer.token_id == YouthMessage.reply_token_id,
            ReplyAnswer.answered_at >= YouthMessage.created_at,
        ),
    )
    reached = exists().where(
        Contact.case_id == YouthMessage.case_id,
        Contact.reached.is_(True),
        Contact.occurred_at >= YouthMessage.created_at,
    )
    # the messages of one sending share their instant: none is « later » than another
    written_again = exists().where(
        later.youth_id == YouthMessage.youth_id, later.created_at > YouthMessage.created_at
    )
    reminded = exists().where(
        reminder.reminder_of_id == same_sending.id,
        same_sending.sending_key == YouthMessage.sending_key,
        same_sending.youth_id == YouthMessage.youth_id,
    )
    blocked = exists().where(
        ContactBlock.youth_id == YouthMessage.youth_id, ContactBlock.lifted_at.is_(None)
    )
    suspended = exists().where(AutoReminderSuspension.youth_id == YouthMessage.youth_id)
    return list(
        session.scalars(
            select(YouthMessage)
            .join(OutboxMessage, OutboxMessage.id == YouthMessage.outbox_message_id)
            .join(ReplyToken, ReplyToken.id == YouthMessage.reply_token_id)
            .join(Case, Case.id == YouthMessage.case_id)
            .where(
                YouthMessage.psad_id == psad_id,
                YouthMessage.sent_by_id.is_not(None),
                YouthMessage.reminder_of_id.is_(None),
                OutboxMessage.state == OutboxState.SENT,
                OutboxMessage.sent_at >= sent_before(today, days + CATCH_UP_DAYS + 1),
                OutboxMessage.sent_at < sent_before(today, days),
                ReplyToken.expires_at > now,
                Case.status == CaseStatus.OPEN,
                ~reminded,
                ~answered,
                ~reached,
                ~written_again,
                ~blocked,
                ~suspended,
            )
            .order_by(YouthMessage.created_at, YouthMessage.id)
        )
    )


def sent_before(today: date, days: int) -> datetime:
    """The instant before which a message is at least ``days`` days old on ``today``:
    midnight (Paris) starting the day after the one ``days`` days ago."""
    day = today - timedelta(days=days - 1)
    return datetime.combine(day, time(), tzinfo=clock.PARIS).astimezone(UTC)


def purge_expired_secrets(session: Session, now: datetime) -> int:
    """Forget the raw token of every outbox row whose link has expired (a failed message
    keeps it until then: it may be sent again). Returns how many were forgotten."""
    expired = (
        select(YouthMessage.outbox_message_id)
        .join(ReplyToken, ReplyToken.id == YouthMessage.reply_token_id)
        .where(ReplyToken.expires_at <= now)
    )
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.secret.is_not(None), OutboxMessage.id.in_(expired))
        .values(secret=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _remind(
    session: Session, settings: Settings, *, psad_id: int, days: int, now: datetime, today: date
) -> PsadRun:
    run = PsadRun()
    due = due_messages(session, psad_id=psad_id, days=days, now=now, today=today)
    if not due:
        return run
    ensure_default_templates(session, psad_id)
    template = template_by_code(session, psad_id, AUTO_REMINDER)
    sms_on = sms_offered(session, settings=settings, psad_id=psad_id)
    for sending in _sendings(due):
        kept = []
        for message in sending:
            reason = _left_because(message.channel, template, settings, sms_on=sms_on)
            if reason:
                run.leave(reason)
            else:
                kept.append(message)
        if kept and template is not None:
            _remind_sending(session, settings, run, kept, template=template, sms_on=sms_on,
                            now=now, today=today)  # fmt: skip
    return run


def _sendings(due: list[YouthMessage]) -> list[list[YouthMessage]]:
    """The messages grouped by sending (one « Envoyer » to one youth), first message first."""
    sendings: dict[tuple[str, int], list[YouthMessage]] = {}
    for message in due:
        sendings.setdefault((message.sending_key, message.youth_id), []).append(message)
    return [sorted(messages, key=lambda message: message.id) for messages in sendings.values()]


def _left_because(
    channel: MessageChannel, template: MessageTemplate | None, settings: Settings, *, sms_on: bool
) -> str | None:
    """Why a channel cannot carry the reminder today (a code counted in the audit)."""
    if template is None or not template.active:
        return "modele_inactif"
    if channel is MessageChannel.SMS and not sms_on:
        return "sms_desactive"
    if channel is MessageChannel.SMS and not has_sms(template):
        return "modele_sans_sms"
    if channel is MessageChannel.EMAIL and not settings.mail.enabled:
        return "courriel_desactive"
    return None


def _remind_sending(
    session: Session,
    settings: Settings,
    run: PsadRun,
    messages: list[YouthMessage],
    *,
    template: MessageTemplate,
    sms_on: bool,
    now: datetime,
    today: date,
) -> None:
    """One reminder of one sending, on the channels of ``messages``, with one link."""
    first = messages[0]
    try:
        with session.begin_nested():
            report = send_messages(
                session,
                template=template,
                youths=[session.get_one(Youth, first.youth_id)],
                channels={message.channel for message in messages},
                sending_key=f"auto:{first.id}",
                by=None,
                actor=Actor(user_id=None, psad_id=first.psad_id),
                now=now,
                today=today,
                settings=settings,
                sms_on=sms_on,
                reminder_of=first,
            )
    except DomainError:
        log.warning("automatic reminder of message %s not sent", first.id, exc_info=True)
        run.leave("refuse", len(messages))
        return
    run.queued += report.total
    if missing := len(messages) - report.total:
        run.leave("deja_envoye" if report.already_sent else "ecarte", missing)


def _audit_detail(run: PsadRun, days: int, today: date) -> str:
    """Counts only."""
    left = "".join(f"; {reason}={number}" for reason, number in sorted(run.left.items()))
    return f"jour={today.isoformat()}; apres_jours={days}; relances={run.queued}{left}"
