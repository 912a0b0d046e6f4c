"""Who can be written to: each youth's addresses on the asked channels, or why the youth
is left out of a sending."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from psad.config import Settings
from psad.messages.blocks import blocked_among
from psad.messages.models import MessageChannel
from psad.messages.phones import takes_sms
from psad.messages.services.settings import settings_of
from psad.youth.models import Case, Youth

# Why a youth is left out of a sending (the report counts them by reason).
LEFT_BLOCKED = "opposition au contact"
LEFT_CLOSED = "dossier clos"
LEFT_NO_EMAIL = "sans adresse électronique"
LEFT_NO_MOBILE = "sans numéro de portable"
LEFT_NO_DETAILS = "sans adresse électronique ni numéro de portable"


@dataclass(frozen=True)
class Recipient:
    """One youth of a sending: where each asked channel goes (None: not that way), or why
    the youth is left out."""

    youth: Youth
    case: Case | None  # the open case
    email: str | None
    sms: str | None  # an E.164 mobile number
    left_because: str | None = None

    @property
    def channels(self) -> list[MessageChannel]:
        """The channels this youth gets, e-mail first."""
        if self.left_because:
            return []
        found = [MessageChannel.EMAIL] if self.email else []
        return found + ([MessageChannel.SMS] if self.sms else [])

    def address(self, channel: MessageChannel) -> str | None:
        return self.email if channel is MessageChannel.EMAIL else self.sms


def sms_number_of(youth: Youth) -> str | None:
    """The youth's first number that takes an SMS (a mobile), if any."""
    return next((n for n in (youth.phone, youth.other_phone) if n and takes_sms(n)), None)


def recipients(
    session: Session, *, youths: Iterable[Youth], channels: Iterable[MessageChannel], sms_on: bool
) -> list[Recipient]:
    """Each youth with the addresses the asked channels use, or the reason they are left
    out: an opposition to contact, no open case, nothing to write to. SMS is used only when
    ``sms_on`` (the installation's gateway and the PSAD's switch)."""
    youths = list(youths)
    asked = set(channels)
    blocked = blocked_among(session, [y.id for y in youths])
    found: list[Recipient] = []
    for youth in youths:
        case = youth.open_case
        email = sms = None
        if MessageChannel.EMAIL in asked:
            email = (youth.email or "").strip() or None
        if MessageChannel.SMS in asked and sms_on:
            sms = sms_number_of(youth)
        reason = None
        if youth.id in blocked:
            reason = LEFT_BLOCKED
        elif case is None:
            reason = LEFT_CLOSED
        elif not email and not sms:
            reason = _missing(asked, sms_on)
        found.append(Recipient(youth, case, email, sms, reason))
    return found


def _missing(asked: set[MessageChannel], sms_on: bool) -> str:
    if MessageChannel.EMAIL not in asked:
        return LEFT_NO_MOBILE
    return LEFT_NO_DETAILS if MessageChannel.SMS in asked and sms_on else LEFT_NO_EMAIL


def sms_offered(session: Session, *, settings: Settings, psad_id: int) -> bool:
    """SMS is offered when the installation has a gateway and the PSAD switched it on."""
    return settings.sms.enabled and settings_of(session, psad_id).sms_enabled
