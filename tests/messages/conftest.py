"""Messages to youth: the follow-up tests' PSAD with contact details, templates, and helpers
to send, for every test of issue 16.

``msg`` (a ``Messaging``): the PSAD LILLE of ``tests/followup/conftest.py`` (pilote Claire
Martin, co-pilote Karim Benali, partner Sophie Durand, reader Luc Petit; TODAY 07/12/2026),
SMS switched on for it, its shipped templates, and four youth with an open case:

- ``minor``: Éloïse Lefèvre, 17 — e-mail and a mobile (« tu »);
- ``adult``: Hugo Martin, 20 — e-mail, a landline first and a mobile second (« vous »);
- ``unknown_age``: Inès Robert, no birth date — e-mail only (« vous »);
- ``landline``: Paul Girard, 22 — a landline only (nothing to write to).

The suite's ``settings`` here have ``[web] base_url`` (BASE_URL), a ``[mail]`` host and an
``[sms]`` gateway that are never reached (tests that deliver replace them with the loopback
servers through ``tests.helpers.with_settings``, section by section).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, User
from psad.config import Settings
from psad.messages.defaults import ensure_default_templates
from psad.messages.models import (
    AnswerKind,
    MessageChannel,
    MessageTemplate,
    MessagingSettings,
    ReplyAnswer,
    ReplyToken,
    ReviewState,
    YouthMessage,
)
from psad.messages.services import SendReport, send_messages, template_by_code
from psad.outbox.models import OutboxMessage, OutboxState
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY, World, frozen_clock, pilot_client, world

__all__ = [
    "BASE_URL",
    "LANDLINE",
    "MOBILE",
    "NOW",
    "OTHER_MOBILE",
    "TODAY",
    "Messaging",
    "frozen_clock",
    "make_answer",
    "make_sent_message",
    "make_template",
    "msg",
    "pilot_client",
    "send",
    "settings",
    "world",
]

BASE_URL = "https://psad.example.org"
MOBILE = "+33612345678"  # 06 12 34 56 78
OTHER_MOBILE = "+33798765432"  # 07 98 76 54 32
LANDLINE = "+33320123456"  # 03 20 12 34 56
SECTIONS: dict[str, dict[str, object]] = {
    "web": {"base_url": BASE_URL},
    "mail": {"host": "smtp.invalid", "sender": "psad@psad.example.org"},
    "sms": {"url": "https://sms.invalid/envoi", "api_key": "test-key"},
}
_keys = itertools.count(1)


@pytest.fixture
def settings(make_settings, request: pytest.FixtureRequest) -> Settings:  # type: ignore[no-untyped-def]
    """The suite's settings with a public address, e-mail and SMS; ``with_settings`` replaces
    a section (``web`` key by key)."""
    changed: dict[str, dict[str, object]] = dict(getattr(request, "param", {}))
    web = {**SECTIONS["web"], **changed.pop("web", {})}
    return make_settings(**{**SECTIONS, **changed, "web": web})


@dataclass
class Messaging:
    world: World
    settings: Settings
    minor: Youth
    adult: Youth
    unknown_age: Youth
    landline: Youth

    @property
    def psad(self) -> Psad:
        return self.world.psad

    @property
    def pilot(self) -> User:
        return self.world.pilot

    @property
    def copilot(self) -> User:
        return self.world.copilot

    def actor(self, user: User | None = None) -> Actor:
        """Who acts: ``user`` (the pilote by default) from a known address."""
        return self.world.actor(user or self.world.pilot)

    def template(self, session: Session, code: str = "first_contact") -> MessageTemplate:
        """The PSAD's template ``code`` (a shipped one by default)."""
        found = template_by_code(session, self.psad.id, code)
        assert found is not None, code
        return found


@pytest.fixture
def msg(session: Session, world: World, settings: Settings) -> Messaging:
    """The world with youth to write to, SMS on for the PSAD and its shipped templates;
    committed (pages and other connections see it)."""
    minor, adult = world.minor, world.adult
    minor.email, minor.phone = "eloise.lefevre@example.org", MOBILE
    adult.email, adult.phone, adult.other_phone = "hugo.martin@example.org", LANDLINE, OTHER_MOBILE
    unknown_age = make_youth(
        session,
        world.psad,
        last_name="Robert",
        first_name="Inès",
        birth_date=None,
        email="ines.robert@example.org",
    )
    landline = make_youth(
        session,
        world.psad,
        last_name="Girard",
        first_name="Paul",
        birth_date=date(2004, 6, 1),
        phone=LANDLINE,
    )
    session.add(MessagingSettings(psad_id=world.psad.id, sms_enabled=True))
    ensure_default_templates(session, world.psad.id)
    session.commit()
    return Messaging(world, settings, minor, adult, unknown_age, landline)


def make_template(session: Session, psad: Psad, **overrides: Any) -> MessageTemplate:
    """A template of ``psad`` with every variable in each text (flushed)."""
    number = next(_keys)
    values: dict[str, Any] = {
        "code": f"test_{number}",
        "name": f"Modèle de test {number}",
        "subject": "Un message de la {psad}",
        "email_tu": "Bonjour {prenom},\n\nC'est {conseiller}, de la {psad}. Réponds ici : {lien}",
        "email_vous": "Bonjour {prenom},\n\n{conseiller}, {psad}. Répondez ici : {lien}",
        "sms_tu": "Bonjour {prenom}, c'est {conseiller} ({psad}). Reponds ici : {lien}",
        "sms_vous": "Bonjour {prenom}, {conseiller} ({psad}). Repondez ici : {lien}",
        "position": 100 + number,
        **overrides,
    }
    template = MessageTemplate(psad_id=psad.id, **values)
    session.add(template)
    session.flush()
    return template


def send(
    session: Session,
    msg: Messaging,
    youths: Iterable[Youth],
    *,
    channels: Iterable[MessageChannel] = (MessageChannel.EMAIL,),
    template: MessageTemplate | None = None,
    key: str | None = None,
    by: User | Literal["pilot"] | None = "pilot",
    now: datetime = NOW,
    today: date = TODAY,
    settings: Settings | None = None,
    sms_on: bool = True,
    **extra: Any,
) -> SendReport:
    """``send_messages`` as the pilote (by default; ``by=None``: automatic) with « Premier
    contact », by e-mail, a fresh sending key; flushed, not committed."""
    sender = msg.pilot if by == "pilot" else by
    assert not isinstance(sender, str)
    return send_messages(
        session,
        template=template or msg.template(session),
        youths=list(youths),
        channels=set(channels),
        sending_key=key or f"key-{next(_keys)}",
        by=sender,
        actor=msg.actor(sender) if sender else Actor(user_id=None, psad_id=msg.psad.id),
        now=now,
        today=today,
        settings=settings or msg.settings,
        sms_on=sms_on,
        **extra,
    )


def make_sent_message(
    session: Session,
    msg: Messaging,
    youth: Youth,
    *,
    channel: MessageChannel = MessageChannel.EMAIL,
    sent_at: datetime = NOW,
    template: MessageTemplate | None = None,
    by: User | Literal["pilot"] = "pilot",
    keep_secret: bool = True,
) -> YouthMessage:
    """A message a person sent to ``youth`` at ``sent_at``, its outbox row marked sent as
    delivery would (``keep_secret`` False: the raw token cleared too); flushed."""
    report = send(session, msg, [youth], channels=[channel], template=template, by=by, now=sent_at)
    assert report.queued[channel] == 1, report
    message = session.scalars(
        select(YouthMessage)
        .where(YouthMessage.youth_id == youth.id, YouthMessage.channel == channel)
        .order_by(YouthMessage.id.desc())
    ).first()
    assert message is not None
    outbox = session.get(OutboxMessage, message.outbox_message_id)
    assert outbox is not None
    outbox.state, outbox.sent_at, outbox.attempts = OutboxState.SENT, sent_at, 1
    if not keep_secret:
        outbox.secret = None
    session.flush()
    return message


def make_answer(
    session: Session,
    token: ReplyToken,
    *,
    kind: AnswerKind = AnswerKind.CALL_BACK,
    answered_at: datetime = NOW,
    phone: str | None = None,
    **overrides: Any,
) -> ReplyAnswer:
    """A bare answer row on ``token`` (no contact: ``psad.messages.reply.record_answer``
    writes the real ones); a phone is pending review. Flushed."""
    answer = ReplyAnswer(
        token_id=token.id,
        youth_id=token.youth_id,
        case_id=token.case_id,
        kind=kind,
        phone_proposed=phone,
        phone_review=ReviewState.PENDING if phone else None,
        answered_at=answered_at,
        **overrides,
    )
    token.answers += 1
    session.add(answer)
    session.flush()
    return answer
