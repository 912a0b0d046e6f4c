"""SMS the gateway receives and passes on (« STOP »): the youth we wrote to at that number are
blocked. The text of any other SMS is neither stored nor logged; the audit counts it."""

from __future__ import annotations

import string
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.messages import blocks
from psad.messages.models import BlockSource, MessageChannel, YouthMessage
from psad.youth.identifiers.phones import normalize_phone
from psad.youth.models import Youth

STOP_WORDS = frozenset({"stop", "stopp", "stop sms", "arret", "arret sms"})
_EDGES = string.punctuation + string.whitespace + "«»“”’…"


def is_stop(text: str | None) -> bool:
    """Whether an SMS asks to stop: « STOP », « Stop. », « arrêt », « STOP SMS »… (case and
    accents folded, spaces and punctuation around ignored)."""
    if not text:
        return False
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(folded.strip(_EDGES).split()) in STOP_WORDS


def sender_number(sender: str | None) -> str | None:
    """The sender in E.164, as the messages were sent (« 33612345678 » as gateways often
    write it, « +33612345678 », « 06 12 34 56 78 »); None when it is no phone number."""
    text = (sender or "").strip()
    if text.isdigit() and len(text) > 10 and not text.startswith("00"):
        text = "+" + text
    return normalize_phone(text).value


def receive_sms(session: Session, *, sender: str, text: str, now: datetime, actor: Actor) -> int:
    """Handle one SMS received; returns how many youth it blocked (« STOP » from a number
    we sent SMS to; youth already blocked are not counted again)."""
    stop = is_stop(text)
    number = sender_number(sender)
    blocked = 0
    if stop and number is not None:
        youth_ids = session.scalars(
            select(YouthMessage.youth_id)
            .where(YouthMessage.channel == MessageChannel.SMS, YouthMessage.recipient == number)
            .distinct()
        ).all()
        for youth in session.scalars(
            select(Youth).where(Youth.id.in_(youth_ids)).order_by(Youth.id)
        ):
            row = blocks.block(
                session, youth=youth, source=BlockSource.SMS_STOP, by_id=None, actor=actor, now=now
            )
            blocked += row is not None
    record(
        session,
        actor,
        AuditAction.SMS_RECEIVED,
        object_type=None,
        detail=f"stop={'oui' if stop else 'non'}; bloques={blocked}",
    )
    return blocked
