from __future__ import annotations

from sqlalchemy import select

from psad.audit.models import AuditEvent
from psad.auth.models import Role
from tests.factories import make_psad, make_user


def test_login_with_right_password_opens_home_page(client, session):
    psad = make_psad(session, name="PSAD du Hainaut")
    make_user(session, psad=psad, role=Role.PILOT, email="pilote@psad.example")
    session.commit()

    client.login("pilote@psad.example")
    page = client.get("/")

    assert page.status_code == 200
    assert "PSAD du Hainaut" in page.text


def test_wrong_password_is_refused_with_french_message_and_audited(client, session):
    user = make_user(session, email="pilote@psad.example")
    session.commit()

    response = client.submit("/connexion", {"email": "pilote@psad.example", "password": "faux"})

    assert response.status_code == 401
    assert "Adresse électronique ou mot de passe incorrect." in response.text
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).one()
    assert event.user_id == user.id
