"""The automatic reminder: once, N days after a message a person sent, when the youth has
not answered (N: the PSAD's ``auto_reminder_days``; none when it is empty, the default).

The reminder is the PSAD's « auto_reminder » template, on the channel of the message it
follows, with a new personal link (the first one's raw token is gone once sent; that link
stays valid until it expires, and an answer through either stops further reminders). It is
a message like another: an outbox row, a contact without author, a ``YouthMessage`` whose
``reminder_of_id`` names the message (unique: one reminder per message, whatever the number
of runs).

No reminder when, since the message: the youth answered, was reached by someone, or was
written to again; nor when the youth is blocked (« STOP »), has automatic reminders
suspended, the case is closed, or the link has expired.

A day counts as people count it: a message sent on Monday at 10:02 is « 2 days old » on
Wednesday, whatever the hour of the run.
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


@dataclass
class PsadRun:
    """One PSAD's part of a run: reminders queued (one per message reminded), and the
    messages left without one, by reason (counted in the audit)."""

    queued: int = 0
    left: dict[str, int] = field(default_factory=dict)

    def leave(self, reason: str) -> None:
        self.left[reason] = self.left.get(reason, 0) + 1


def queue_auto_reminders(
    session: Session, settings: Settings, *, now: datetime, today: date
) -> int:
    """Queue today's automatic reminders of every PSAD that has them on; commits after each
    PSAD. Returns how many reminders were queued."""
    plans = session.execute(
        select(MessagingSettings.psad_id, MessagingSettings.auto_reminder_days)
        .where(MessagingSettings.auto_reminder_days.is_not(None))
        .order_by(MessagingSettings.psad_id)
    ).all()
    total = 0
    for psad_id, days in plans:
        if days is None:  # for the type checker: the query asked for a number
            continue
        run = _remind_psad(session, settings, psad_id=psad_id, days=days, now=now, today=today)
        record(
            session,
            Actor(user_id=None, psad_id=psad_id),
            AuditAction.AUTO_REMINDERS_RUN,
            object_type="psad",
            object_id=psad_id,
            detail=_audit_detail(run, days, today),
            psad_id=psad_id,
        )
        session.commit()
        total += run.queued
        log.info("automatic reminders of psad %s: %s queued, %s left", psad_id, run.queued,
                 sum(run.left.values()))  # fmt: skip
    return total


def due_messages(
    session: Session, *, psad_id: int, days: int, now: datetime, today: date
) -> list[YouthMessage]:
    """The PSAD's messages that get their reminder today (oldest first)."""
    later = aliased(YouthMessage)
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
    written_again = exists().where(
        later.youth_id == YouthMessage.youth_id, later.created_at > YouthMessage.created_at
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
                OutboxMessage.sent_at < sent_before(today, days),
                ReplyToken.expires_at > now,
                Case.status == CaseStatus.OPEN,
                ~exists().where(reminder.reminder_of_id == YouthMessage.id),
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


def _remind_psad(
    session: Session, settings: Settings, *, psad_id: int, days: int, now: datetime, today: date
) -> PsadRun:
    run = PsadRun()
    due = due_messages(session, psad_id=psad_id, days=days, now=now, today=today)
    if not due:
        return run
    ensure_default_templates(session, psad_id)
    template = template_by_code(session, psad_id, AUTO_REMINDER)
    sms_on = sms_offered(session, settings=settings, psad_id=psad_id)
    actor = Actor(user_id=None, psad_id=psad_id)
    for message in due:
        if template is None or not template.active:
            run.leave("modele_inactif")
            continue
        if message.channel is MessageChannel.SMS and not sms_on:
            run.leave("sms_desactive")
            continue
        if message.channel is MessageChannel.SMS and not has_sms(template):
            run.leave("modele_sans_sms")
            continue
        if message.channel is MessageChannel.EMAIL and not settings.mail.enabled:
            run.leave("courriel_desactive")
            continue
        youth = session.get_one(Youth, message.youth_id)
        try:
            with session.begin_nested():
                report = send_messages(
                    session,
                    template=template,
                    youths=[youth],
                    channels={message.channel},
                    sending_key=f"auto:{message.id}",
                    by=None,
                    actor=actor,
                    now=now,
                    today=today,
                    settings=settings,
                    sms_on=sms_on,
                    reminder_of=message,
                )
        except DomainError:
            log.warning("automatic reminder of message %s not sent", message.id, exc_info=True)
            run.leave("refuse")
            continue
        if report.total:
            run.queued += report.total
        else:
            run.leave("ecarte" if report.left_total else "deja_envoye")
    return run


def _audit_detail(run: PsadRun, days: int, today: date) -> str:
    """Counts only."""
    left = "".join(f"; {reason}={number}" for reason, number in sorted(run.left.items()))
    return f"jour={today.isoformat()}; apres_jours={days}; relances={run.queued}{left}"
