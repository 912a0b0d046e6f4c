"""The reference lists: seeded from domain.md, edited by administrators only."""

from __future__ import annotations

from sqlalchemy import select

from psad.audit.models import AuditEvent
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import active_items, ensure_seeded


def test_seeding_adds_the_domain_values_once(session):
    first = ensure_seeded(session)
    second = ensure_seeded(session)

    labels = [i.label for i in active_items(session, ReferenceKind.CLOSING_REASON)]
    assert first > 0 and second == 0
    assert "Exemption (certificat médical)" in labels


def test_an_admin_renames_and_retires_a_value(client, session, admin):
    ensure_seeded(session)
    item = session.scalars(select(ReferenceItem).where(ReferenceItem.code == "sms")).one()
    session.commit()
    client.sign_in(admin)

    response = client.submit(f"/admin/listes/{item.id}", {"label": "Texto (SMS)"})

    assert response.status_code == 302
    session.refresh(item)
    assert (item.label, item.active) == ("Texto (SMS)", False)
    assert "Texto (SMS)" in client.get("/admin/listes/").text
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reference.updated"))
    assert event.one().object_id == item.id


def test_an_admin_adds_a_value_and_a_duplicate_code_is_refused(client, session, admin):
    client.sign_in(admin)

    client.submit(
        "/admin/listes/ajouter",
        {"kind": "situation", "code": "service_civique", "label": "En service civique"},
    )
    again = client.submit(
        "/admin/listes/ajouter",
        {"kind": "situation", "code": "service_civique", "label": "Autre"},
        follow_redirects=True,
    )

    labels = [i.label for i in active_items(session, ReferenceKind.SITUATION)]
    assert labels == ["En service civique"]
    assert "existe déjà" in again.text


def test_a_pilot_cannot_edit_reference_lists(client, pilot):
    client.sign_in(pilot)

    assert client.get("/admin/listes/").status_code == 403
