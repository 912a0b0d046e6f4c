"""The access matrix: for each role, which youth it sees, which pages it may open.

Two PSADs: LILLE (structures « Lycée Baggio » and « E2C Lille ») and AMIENS. In LILLE, four
youth: two assigned to the Lycée Baggio (one with a closed case), one to the E2C, one to nobody.
In AMIENS, one youth. Users: a pilote, a co-pilote, a partenaire of the Lycée Baggio and a
lecteur of LILLE, and an administrator with no membership.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.models import AuditEvent
from psad.audit.services import Actor, record
from psad.auth.models import Psad, Role, Structure, User
from psad.youth.models import Case, CaseSource, CaseStatus, Youth
from tests.factories import make_psad, make_structure, make_user, make_youth
from tests.helpers import text

PILOT, COPILOT, PARTNER, READER, ADMIN = "pilote", "co-pilote", "partenaire", "lecteur", "admin"
ROLES = [PILOT, COPILOT, PARTNER, READER, ADMIN]
# Youth of LILLE, by last name, and the one of AMIENS.
ASSIGNED, CLOSED, OTHER_STRUCTURE, UNASSIGNED, AMIENS = (
    "Baggio-Suivi",
    "Baggio-Clos",
    "Ecole-Deuxieme",
    "Sans-Referent",
    "Amienois",
)
LILLE_YOUTH = [ASSIGNED, CLOSED, OTHER_STRUCTURE, UNASSIGNED]


@dataclass
class AccessWorld:
    lille: Psad
    amiens: Psad
    baggio: Structure
    users: dict[str, User]
    youth: dict[str, int]


@pytest.fixture
def access_world(session: Session, psad: Psad) -> AccessWorld:
    lille = psad
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    baggio = make_structure(session, lille, name="Lycée Baggio")
    e2c = make_structure(session, lille, name="E2C Lille")
    amiens_school = make_structure(session, amiens, name="Lycée d'Amiens")
    youth = {
        ASSIGNED: make_youth(session, lille, last_name=ASSIGNED, referent_structure=baggio),
        CLOSED: make_youth(
            session,
            lille,
            last_name=CLOSED,
            referent_structure=baggio,
            case_status=CaseStatus.CLOSED,
        ),
        OTHER_STRUCTURE: make_youth(
            session, lille, last_name=OTHER_STRUCTURE, referent_structure=e2c
        ),
        UNASSIGNED: make_youth(session, lille, last_name=UNASSIGNED),
        AMIENS: make_youth(session, amiens, last_name=AMIENS, referent_structure=amiens_school),
    }
    users = {
        PILOT: make_user(session, psad=lille, role=Role.PILOT),
        COPILOT: make_user(session, psad=lille, role=Role.COPILOT),
        PARTNER: make_user(session, psad=lille, role=Role.PARTNER, structure=baggio),
        READER: make_user(session, psad=lille, role=Role.READER),
        ADMIN: make_user(session, is_admin=True),
    }
    session.commit()
    return AccessWorld(lille, amiens, baggio, users, {name: y.id for name, y in youth.items()})


def shows_name(page: str, last_name: str) -> bool:
    """Whether ``page`` names the youth, in capitals (lists) or as typed."""
    return last_name.upper() in page or last_name in page


# --- the youth list -----------------------------------------------------------------------

LIST_SEES = {
    PILOT: LILLE_YOUTH,
    COPILOT: LILLE_YOUTH,
    PARTNER: [ASSIGNED, CLOSED],
}


@pytest.mark.parametrize("role", [PILOT, COPILOT, PARTNER])
def test_youth_list_shows_exactly_the_youth_in_scope(client, access_world, role):
    client.sign_in(access_world.users[role])

    page = text(client.get("/jeunes")) + text(client.get("/jeunes?onglet=clos"))

    visible = [name for name in [*LILLE_YOUTH, AMIENS] if shows_name(page, name)]
    assert visible == LIST_SEES[role]
    opened = len(LIST_SEES[role]) - 1  # the closed one is under « Clos »
    assert f'À traiter <span class="badge rounded-pill text-bg-primary">{opened}</span>' in page


@pytest.mark.parametrize("role", [READER, ADMIN])
def test_youth_list_is_forbidden_to_roles_without_names(client, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.get("/jeunes")

    assert response.status_code == 403
    assert "Votre rôle ne donne pas accès aux dossiers nominatifs des jeunes." in text(response)
    assert not any(shows_name(text(response), name) for name in [*LILLE_YOUTH, AMIENS])


@pytest.mark.parametrize("role", [PILOT, COPILOT, PARTNER])
def test_search_stays_within_the_scope(client, access_world, role):
    client.sign_in(access_world.users[role])

    page = text(client.get("/jeunes", query_string={"q": "amienois"}))

    assert not shows_name(page, AMIENS)
    assert "0 jeune" in page


# --- a youth's file -----------------------------------------------------------------------

FILE_STATUS = {
    PILOT: {ASSIGNED: 200, CLOSED: 200, OTHER_STRUCTURE: 200, UNASSIGNED: 200, AMIENS: 404},
    COPILOT: {ASSIGNED: 200, CLOSED: 200, OTHER_STRUCTURE: 200, UNASSIGNED: 200, AMIENS: 404},
    PARTNER: {ASSIGNED: 200, CLOSED: 200, OTHER_STRUCTURE: 404, UNASSIGNED: 404, AMIENS: 404},
    READER: dict.fromkeys([*LILLE_YOUTH, AMIENS], 403),
    ADMIN: dict.fromkeys([*LILLE_YOUTH, AMIENS], 403),
}


@pytest.mark.parametrize(
    ("role", "youth", "status"),
    [(role, youth, status) for role, row in FILE_STATUS.items() for youth, status in row.items()],
)
def test_opening_a_youth_file(client, access_world, role, youth, status):
    client.sign_in(access_world.users[role])

    response = client.get(f"/jeunes/{access_world.youth[youth]}")

    assert response.status_code == status
    assert shows_name(text(response), youth) is (status == 200)


def test_partner_of_psad_a_gets_404_for_a_youth_of_psad_b(client, access_world):
    client.sign_in(access_world.users[PARTNER])

    response = client.get(f"/jeunes/{access_world.youth[AMIENS]}")

    assert response.status_code == 404
    assert "Ce dossier n'existe pas ou ne fait pas partie de vos dossiers." in text(response)


def test_outside_scope_answers_like_a_youth_that_does_not_exist(client, access_world):
    client.sign_in(access_world.users[PARTNER])

    outside = client.get(f"/jeunes/{access_world.youth[AMIENS]}")
    missing = client.get("/jeunes/2000000000")

    def message(response) -> str:  # type: ignore[no-untyped-def]
        return text(response).split("<h1>")[1].split("</p>")[0]

    assert (outside.status_code, message(outside)) == (missing.status_code, message(missing))


def test_partner_never_sees_another_psad_even_with_its_structure_as_referent(
    client, session, access_world
):
    # A case of AMIENS wrongly pointing at LILLE's structure must not open the file.
    youth = make_youth(session, access_world.amiens, last_name="Incoherent", case=False)
    session.add(
        Case(
            youth=youth,
            psad_id=access_world.amiens.id,
            source=CaseSource.LISTING,
            opened_on=date(2026, 10, 1),
            referent_structure_id=access_world.baggio.id,
        )
    )
    session.commit()
    client.sign_in(access_world.users[PARTNER])

    assert client.get(f"/jeunes/{youth.id}").status_code == 404


def test_pilot_of_psad_a_gets_404_for_a_youth_of_psad_b(client, access_world):
    client.sign_in(access_world.users[PILOT])

    assert client.get(f"/jeunes/{access_world.youth[AMIENS]}").status_code == 404


def test_refused_file_is_not_recorded_as_read(client, session, access_world):
    client.sign_in(access_world.users[PARTNER])

    response = client.get(f"/jeunes/{access_world.youth[AMIENS]}")

    assert response.status_code == 404
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == access_world.youth[AMIENS])
    ).all()
    assert actions == ["youth.access_refused"]  # refused, and not « viewed »


# --- the home page ------------------------------------------------------------------------


def test_reader_sees_the_figures_of_the_psad(client, access_world):
    client.sign_in(access_world.users[READER])

    page = text(client.get("/"))

    assert 'Jeunes connus</th><td class="text-end">4</td>' in page
    assert 'Dossiers de suivi ouverts</th><td class="text-end">3</td>' in page


@pytest.mark.parametrize("role", [READER, ADMIN])
def test_home_page_of_roles_without_names_shows_no_name(client, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.get("/")
    page = text(response)

    assert response.status_code == 200
    assert "<h1>Accueil</h1>" in page  # the page is there...
    assert not any(shows_name(page, name) for name in [*LILLE_YOUTH, AMIENS])  # ...without names
    assert 'href="/jeunes"' not in page


def test_admin_home_page_shows_no_youth_figures(client, access_world):
    client.sign_in(access_world.users[ADMIN])

    page = text(client.get("/"))

    assert "Jeunes connus" not in page
    assert "Vous êtes administrateur technique" in page


# --- signalement --------------------------------------------------------------------------

SIGNAL_STATUS = {PILOT: 200, COPILOT: 200, PARTNER: 200, READER: 403, ADMIN: 403}


@pytest.mark.parametrize(("role", "status"), SIGNAL_STATUS.items())
def test_referral_form_by_role(client, access_world, role, status):
    client.sign_in(access_world.users[role])

    assert client.get("/jeunes/signaler").status_code == status


@pytest.mark.parametrize("role", [READER, ADMIN])
def test_referral_post_is_refused_and_saves_nothing(client, session, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.submit("/jeunes/signaler", {"last_name": "Nouveau", "first_name": "Léa"})

    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(Youth)) == 5


def test_partner_keeps_sight_of_the_youth_it_signals(client, session, access_world):
    client.sign_in(access_world.users[PARTNER])

    response = client.submit("/jeunes/signaler", {"last_name": "Signale", "first_name": "Léa"})

    assert client.get(response.location).status_code == 200
    youth = session.scalars(select(Youth).where(Youth.last_name == "Signale")).one()
    assert youth.cases[0].referent_structure_id == access_world.baggio.id


# --- the audit log ------------------------------------------------------------------------

JOURNAL_STATUS = {PILOT: 200, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 200}


@pytest.mark.parametrize(("role", "status"), JOURNAL_STATUS.items())
def test_audit_log_by_role(client, access_world, role, status):
    client.sign_in(access_world.users[role])

    response = client.get("/journal")

    assert response.status_code == status
    if status == 403:
        assert "Le journal d'audit est réservé aux pilotes et aux administrateurs." in text(
            response
        )


@pytest.fixture
def events_of_both_psads(session, access_world):  # type: ignore[no-untyped-def]
    actor = Actor(user_id=None, psad_id=None, ip_address="192.0.2.1")
    record(
        session,
        actor,
        AuditAction.PSAD_UPDATED,
        psad_id=access_world.lille.id,
        detail="marque-lille",
    )
    record(
        session,
        actor,
        AuditAction.PSAD_UPDATED,
        psad_id=access_world.amiens.id,
        detail="marque-amiens",
    )
    session.commit()


def test_pilot_sees_only_the_events_of_his_psad(client, access_world, events_of_both_psads):
    client.sign_in(access_world.users[PILOT])

    page = text(client.get("/journal"))

    assert "marque-lille" in page
    assert "marque-amiens" not in page


def test_admin_sees_the_events_of_every_psad(client, access_world, events_of_both_psads):
    client.sign_in(access_world.users[ADMIN])

    page = text(client.get("/journal"))

    assert "marque-lille" in page
    assert "marque-amiens" in page


def test_a_partner_signalling_a_known_youth_learns_nothing_about_the_file(client, session, psad):
    school = make_structure(session, psad)
    partner = make_user(session, psad=psad, role=Role.PARTNER, structure=school)
    make_youth(session, psad, ine="0494004062M", last_name="Secret", first_name="Jeune")
    session.commit()
    client.sign_in(partner)

    page = client.submit(
        "/jeunes/signaler", {"last_name": "Autre", "first_name": "Nom", "ine": "0494004062M"}
    )

    assert page.status_code == 409
    body = text(page)
    assert "semble déjà connu de la plateforme" in body
    assert "0494004062M existe déjà" not in body and "Voir la fiche existante" not in body
