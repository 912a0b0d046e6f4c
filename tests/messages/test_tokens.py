"""Personal reply links: random, kept as a hash, valid for a time and while the case is open."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.orm import Session

from psad.followup.services import close_case
from psad.messages.models import ReplyToken
from psad.messages.tokens import hash_token, new_token, valid_token
from psad.reference.models import ReferenceKind
from psad.youth.models import KnownToPartner
from tests.followup.conftest import reference
from tests.messages.conftest import NOW, TODAY, Messaging


def issue(session: Session, msg: Messaging, days: int = 30) -> tuple[str, ReplyToken]:
    case = msg.minor.open_case
    assert case is not None
    return new_token(
        session, psad_id=msg.psad.id, youth_id=msg.minor.id, case_id=case.id, now=NOW, days=days
    )


def test_a_token_is_22_url_safe_characters_kept_only_as_its_sha256(
    session: Session, msg: Messaging
):
    raw, token = issue(session, msg)

    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", raw)
    assert token.token_hash == hash_token(raw) and len(token.token_hash) == 64
    assert raw not in (token.token_hash, str(token.id))
    assert (token.expires_at, token.answers) == (NOW + timedelta(days=30), 0)


def test_two_tokens_differ(session: Session, msg: Messaging):
    assert issue(session, msg)[0] != issue(session, msg)[0]


def test_a_valid_token_finds_its_link(session: Session, msg: Messaging):
    raw, token = issue(session, msg)

    assert valid_token(session, raw, NOW + timedelta(days=29)) is token


def test_an_unknown_malformed_or_empty_token_finds_nothing(session: Session, msg: Messaging):
    raw, _ = issue(session, msg)

    assert valid_token(session, raw[:-1] + ("A" if raw[-1] != "A" else "B"), NOW) is None
    assert valid_token(session, "x" * 500, NOW) is None
    assert valid_token(session, "", NOW) is None


def test_a_token_expires_after_its_days(session: Session, msg: Messaging):
    raw, _ = issue(session, msg, days=30)

    assert valid_token(session, raw, NOW + timedelta(days=30)) is None


def test_a_token_of_a_closed_case_finds_nothing(session: Session, msg: Messaging):
    raw, _ = issue(session, msg)
    case = msg.minor.open_case
    assert case is not None
    close_case(
        session,
        case=case,
        reason=reference(session, ReferenceKind.CLOSING_REASON, "refused"),
        known_to_partner=KnownToPartner.UNKNOWN,
        solution=None,
        solution_since=None,
        on=TODAY,
        by=msg.pilot,
        now=NOW,
        actor=msg.actor(),
    )

    assert valid_token(session, raw, NOW) is None
