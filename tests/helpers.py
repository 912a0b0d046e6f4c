"""Small functions the tests share: read a page, count rows, find audit events, pick settings.

Fixtures live in ``tests/conftest.py``; record builders in ``tests/factories.py``.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.audit.models import AuditEvent


def text(response: Any) -> str:
    """The body of ``response`` as the reader sees it: entities such as ``&#39;`` decoded."""
    return html.unescape(response.get_data(as_text=True))


def count(session: Session, model: type, *where: Any) -> int:
    """How many rows of ``model`` match ``where``, read afresh from the database."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


def events(session: Session, action: str) -> list[AuditEvent]:
    """The audit events recorded for ``action``, read afresh from the database."""
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def field_error(response: Any, field_id: str) -> str:
    """The error shown under a form field, tied to the field by its ``aria-describedby``."""
    page = text(response)
    assert re.search(rf'id="{field_id}"[^>]*aria-describedby="[^"]*{field_id}-erreur', page) or (
        re.search(rf'aria-describedby="[^"]*{field_id}-erreur[^>]*id="{field_id}"', page)
    ), f"no error tied to {field_id}"
    match = re.search(rf'<div id="{field_id}-erreur"[^>]*>([^<]*)</div>', page)
    assert match, f"no error under {field_id}"
    return match.group(1)


def with_settings(**sections: dict[str, object]) -> pytest.MarkDecorator:
    """Run the test with these settings changed, e.g. ``with_settings(auth={...})``.

    It parametrizes the ``settings`` fixture of ``tests/conftest.py`` indirectly.
    """
    return pytest.mark.parametrize("settings", [sections], indirect=True, ids=[""])
