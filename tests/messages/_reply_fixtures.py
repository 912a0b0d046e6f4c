"""Helpers of the reply page's tests (H3): a personal link for a youth, an answer posted as
the youth would, the public pages' checks.

The ``msg`` world of ``tests/messages/conftest.py`` provides the PSAD and its youth.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from psad.messages.tokens import new_token
from psad.youth.models import Youth
from tests.messages.conftest import NOW

IP = "127.0.0.1"  # the test client's address


def link_for(session: Session, youth: Youth, *, created: datetime = NOW, days: int = 30) -> str:
    """A personal link (the raw token) for the youth's open case, committed."""
    case = youth.open_case or youth.latest_case
    assert case is not None
    raw, _ = new_token(
        session,
        psad_id=youth.psad_id,
        youth_id=youth.id,
        case_id=case.id,
        now=created,
        days=days,
    )
    session.commit()
    return raw


def expired_link(session: Session, youth: Youth) -> str:
    """A link whose 30 days ended a minute before NOW."""
    return link_for(session, youth, created=NOW - timedelta(days=30, minutes=1))


def answer(client: Any, raw: str, **fields: str) -> Any:
    """Post the reply form as the youth would, with the page's CSRF token."""
    return client.submit(f"/r/{raw}", fields)


def public_page_is_clean(response: Any) -> None:
    """What every public page keeps: the app's CSP, no script, no inline style, nothing
    cached, no referrer, no indexing."""
    page = response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" not in page.lower()
    assert "style=" not in page.lower()
    assert "<style" not in page.lower()
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="fr">' in page
    assert 'name="viewport"' in page
