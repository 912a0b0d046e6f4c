"""Helpers of the tests of writing to youth (« Écrire à ce jeune », « Écrire aux jeunes
sélectionnés »): the forms posted as the page posts them, the preview's « envoi » read back,
the page's text as read, what the outbox holds for a youth.

The ``msg`` world of ``tests/messages/conftest.py`` provides the PSAD and its youth.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.messages.models import YouthMessage
from psad.outbox.models import OutboxMessage
from psad.youth.models import Youth
from tests.helpers import text

LIST = "onglet=a-traiter"  # the list the selection came from


def compose(client, youth: Youth, *, follow: bool = False, **fields: object):  # type: ignore[no-untyped-def]
    """Post the file's message form (« Prévisualiser » unless ``envoyer`` is given)."""
    data = {"template": "first_contact", "channels": ["email"], "previsualiser": "1", **fields}
    return client.submit(f"/jeunes/{youth.id}/message", data, follow_redirects=follow)


def bulk_start(client, youths: list[Youth], *, follow: bool = False):  # type: ignore[no-untyped-def]
    """« Écrire aux jeunes sélectionnés » with ``youths`` checked in the list."""
    data = {"ids": [y.id for y in youths], "liste": LIST}
    return client.submit("/jeunes/messages", data, follow_redirects=follow)


def bulk(client, action: str, youths: list[Youth], *, follow: bool = False, **fields: object):  # type: ignore[no-untyped-def]
    """Post the selection's form to ``apercu`` or ``envoi`` (``selection`` may be forged)."""
    data = {
        "selection": " ".join(str(y.id) for y in youths),
        "liste": LIST,
        "template": "first_contact",
        "channels": ["email"],
        "previsualiser": "1",
        **fields,
    }
    return client.submit(f"/jeunes/messages/{action}", data, follow_redirects=follow)


def shown(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text as read: tags removed, spaces collapsed."""
    return (
        " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())
        .replace(" ,", ",")
        .replace(" .", ".")
    )


def sending_key(response) -> str:  # type: ignore[no-untyped-def]
    """The preview's « envoi », as « Envoyer » posts it back: its nonce and its proof."""
    page = response.get_data(as_text=True)
    found = re.search(r'name="envoi" value="([0-9a-f]{32}\.[0-9a-f]{64})"', page)
    assert found, "the preview carries no sending key"
    return found.group(1)


def sent_to(session: Session, youth: Youth) -> list[OutboxMessage]:
    """The outbox rows of the messages to ``youth``."""
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMessage)
            .join(YouthMessage, YouthMessage.outbox_message_id == OutboxMessage.id)
            .where(YouthMessage.youth_id == youth.id)
        )
    )
