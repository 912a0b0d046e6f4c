"""The demo's messages to youth: the shipped templates, a first-contact e-mail sent three days
ago to a few youth of « À traiter » (delivered, one refused by the server, one waiting), and
the answers that came back through the personal links: a call-back with a new number to
confirm, a solution to confirm, a refusal, an opposition (« STOP »), and an opposition
lifted with its reason. SMS is switched on for the PSAD (it shows once ``[sms]`` is set).

A local run has no e-mail server: the messages are queued with a stand-in server name and
their outbox rows set as delivery would have left them; nothing is ever sent.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, User
from psad.config import Settings
from psad.followup.models import Contact
from psad.messages import blocks, reply
from psad.messages.defaults import FIRST_CONTACT, ensure_default_templates
from psad.messages.models import (
    AnswerKind,
    MessageChannel,
    MessagingSettings,
    ReplyToken,
    SolutionKind,
    TimeSlot,
    YouthMessage,
)
from psad.messages.services import send_messages, template_by_code
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Case, CaseStatus, Youth

WRITTEN_TO = 8  # youth of « À traiter » written to
NEW_PHONE = "+33353012001"  # the fiction range of the demo (03 53 01 2x xx: none used yet)
LOCAL_BASE_URL = "http://127.0.0.1:5000"


def populate(
    session: Session, *, psad: Psad, copilot: User, settings: Settings, now: datetime
) -> int:
    """Commits; returns how many messages were written."""
    ensure_default_templates(session, psad.id)
    session.add(MessagingSettings(psad_id=psad.id, sms_enabled=True, auto_reminder_days=7))
    youths = _never_contacted(session, psad)
    template = template_by_code(session, psad.id, FIRST_CONTACT)
    assert template is not None
    sent_at = now - timedelta(days=3)
    report = send_messages(
        session,
        template=template,
        youths=youths,
        channels={MessageChannel.EMAIL},
        sending_key="demo-first-contact",
        by=copilot,
        actor=Actor(user_id=copilot.id, psad_id=psad.id, ip_address="demo"),
        now=sent_at,
        today=sent_at.date(),
        settings=_sending_settings(settings),
        sms_on=False,
    )
    messages = list(
        session.scalars(
            select(YouthMessage)
            .where(YouthMessage.sending_key == "demo-first-contact")
            .order_by(YouthMessage.id)
        )
    )
    _delivered(session, messages, sent_at)
    _answers(session, psad, messages, settings, now)
    session.commit()
    return sum(report.queued.values())


def _sending_settings(settings: Settings) -> Settings:
    """The app's settings with an e-mail server and a public address (local run: none)."""
    web = settings.web if settings.web.base_url else replace(settings.web, base_url=LOCAL_BASE_URL)
    mail = settings.mail if settings.mail.enabled else replace(settings.mail, host="localhost")
    return replace(settings, web=web, mail=mail)


def _never_contacted(session: Session, psad: Psad) -> list[Youth]:
    return list(
        session.scalars(
            select(Youth)
            .join(Case, Case.youth_id == Youth.id)
            .where(
                Youth.psad_id == psad.id,
                Youth.email.is_not(None),
                Case.status == CaseStatus.OPEN,
                ~exists().where(Contact.case_id == Case.id),
            )
            .order_by(Youth.id)
            .limit(WRITTEN_TO)
        )
    )


def _delivered(session: Session, messages: list[YouthMessage], sent_at: datetime) -> None:
    """All delivered a minute after, but the last two: one refused, one still waiting."""
    for index, message in enumerate(messages):
        outbox = session.get_one(OutboxMessage, message.outbox_message_id)
        outbox.attempts = 1
        if index == len(messages) - 2:
            outbox.state = OutboxState.FAILED
            outbox.last_error = "Adresse refusée par le serveur (550 : boîte inconnue)"
        elif index < len(messages) - 1:
            outbox.state, outbox.sent_at = OutboxState.SENT, sent_at + timedelta(minutes=1)
        if outbox.state is not OutboxState.QUEUED:
            outbox.secret = None
    session.flush()


def _answers(
    session: Session,
    psad: Psad,
    messages: list[YouthMessage],
    settings: Settings,
    now: datetime,
) -> None:
    """Answers of the first five youth written to, one and two days after the message."""
    tokens = [session.get_one(ReplyToken, m.reply_token_id) for m in messages[:5]]
    if len(tokens) < 5:
        return
    actor = Actor(user_id=None, psad_id=psad.id, ip_address="demo")
    yesterday, before = now - timedelta(days=1), now - timedelta(days=2)
    call_back, solution, refusal, stop, lifted = tokens
    reply.record_answer(session, token=call_back, kind=AnswerKind.CALL_BACK,
                        time_slot=TimeSlot.MORNING, solution_kind=None, phone=NEW_PHONE,
                        now=yesterday, actor=actor, settings=settings)  # fmt: skip
    reply.record_answer(session, token=solution, kind=AnswerKind.SOLUTION, time_slot=None,
                        solution_kind=SolutionKind.EMPLOYMENT, phone=None, now=before,
                        actor=actor, settings=settings)  # fmt: skip
    reply.record_answer(session, token=refusal, kind=AnswerKind.REFUSAL, time_slot=None,
                        solution_kind=None, phone=None, now=yesterday, actor=actor,
                        settings=settings)  # fmt: skip
    reply.stop_from_page(session, token=stop, now=before, actor=actor)
    reply.stop_from_page(session, token=lifted, now=before, actor=actor)
    copilot_id = messages[0].sent_by_id
    assert copilot_id is not None
    blocks.lift(
        session,
        youth=lifted.youth,
        reason="Le jeune a rappelé la mission locale et souhaite être recontacté.",
        by_id=copilot_id,
        actor=Actor(user_id=copilot_id, psad_id=psad.id, ip_address="demo"),
        now=yesterday,
    )
    session.flush()
