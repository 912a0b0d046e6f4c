"""The « registre des traitements » (issue 17): built from the configuration and the database,
printable, for administrators, pilotes and co-pilotes."""

from __future__ import annotations

from itertools import pairwise

import pytest

from psad.auth.models import Role, StructureKind
from psad.privacy.register import youth_tables
from tests.committees.test_accessibility import read
from tests.factories import make_psad, make_structure, make_user
from tests.helpers import text, with_settings

URL = "/protection/registre"


def part(page: str, anchor: str) -> str:
    """The register's section whose heading has the id ``anchor``."""
    start = page.index(f'<h2 id="{anchor}">')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def lille(session, psad):  # type: ignore[no-untyped-def]
    """The PSAD de Lille with its details, two partner structures (one with a partner)."""
    psad.address, psad.email = "1 rue du Port, 59000 Lille", "psad@lille.example"
    school = make_structure(session, psad, name="Lycée Baggio", kind=StructureKind.SCHOOL)
    make_structure(session, psad, name="Mission locale de Lille", kind=StructureKind.LOCAL_MISSION)
    make_user(session, psad=psad, role=Role.PARTNER, structure=school)
    session.commit()
    return psad


def test_the_register_names_the_psad_as_controller(client, lille, pilot):
    client.sign_in(pilot)

    page = text(client.get(URL))

    controller = part(page, "responsable")
    assert "PSAD de Lille" in controller
    assert "1 rue du Port, 59000 Lille" in controller and "psad@lille.example" in controller
    assert "<h1>Registre des traitements" in page


def test_the_register_shows_the_default_configuration(client, lille, pilot):
    client.sign_in(pilot)

    page = text(client.get(URL))

    retention = part(page, "conservation")
    assert "jusqu'à ses 27 ans ou 2 an(s) après la clôture" in retention
    assert "30 jours après le dépôt" in retention
    assert "Courriels aux utilisateurs (récapitulatifs des rappels, liens de mot de passe)" in (
        retention
    )
    assert "effacés 30 jours après leur écriture" in retention
    # what anonymisation keeps, as psad.privacy.anonymise does: the birth date, not only its year
    assert "ne restent que les faits que compte le bilan (sexe, date de naissance" in retention
    security = part(page, "securite")
    assert "fermées après 60 minutes d'inactivité et au plus 12 heures" in security
    assert "5 échecs de connexion bloquent 15 minutes" in security
    assert "hachés avec Argon2id ; au moins 12 caractères" in security
    assert "proposée à chaque utilisateur, non exigée" in security
    assert "script-src 'self'" in security
    transfers = part(page, "transferts")
    assert "courriel désactivé" in transfers and "SMS désactivés" in transfers


@with_settings(
    imports={"keep_uploads_days": 12},
    web={"session_idle_minutes": 25, "secure_cookies": True},
    auth={"max_failed_logins": 3, "lockout_minutes": 40},
    mail={"host": "relais.example.eu", "port": 465, "security": "tls"},
    sms={"url": "https://passerelle.example.eu/envoi", "api_key": "cle"},
)
def test_the_register_follows_the_configuration(client, lille, pilot):
    client.sign_in(pilot)

    page = text(client.get(URL))

    assert "12 jours après le dépôt" in part(page, "conservation")
    security = part(page, "securite")
    assert "fermées après 25 minutes d'inactivité" in security
    assert "3 échecs de connexion bloquent 40 minutes" in security
    assert "réservés à HTTPS (Secure)" in security
    transfers = part(page, "transferts")
    assert "serveur relais.example.eu (port 465, tls)" in transfers
    assert "passerelle passerelle.example.eu" in transfers
    assert "cle" not in transfers  # the gateway's name, never its credentials


def test_the_register_follows_the_psads_own_rules(client, session, lille, admin):
    lille.retention_age, lille.retention_years_after_close = 30, 5
    lille.two_factor_required = True  # (its pilote would be sent to enrolment first)
    session.commit()
    client.sign_in(admin)

    page = text(client.get(URL, query_string={"psad": lille.id}))

    assert "jusqu'à ses 30 ans ou 5 an(s) après la clôture" in part(page, "conservation")
    assert "exigée pour tous les membres de la PSAD" in part(page, "securite")


def test_the_register_lists_the_partner_structures_and_accounts(client, lille, pilot):
    client.sign_in(pilot)

    recipients = part(text(client.get(URL)), "destinataires")

    assert "Lycée Baggio</th><td" in recipients
    assert "Établissement scolaire ; 1 compte(s) partenaire(s)" in recipients
    assert "Mission locale ; 0 compte(s) partenaire(s)" in recipients
    assert "Pilotes (1 compte(s) actif(s))" in recipients
    assert "Partenaires (1 compte(s) actif(s))" in recipients


def test_the_register_states_the_absence_of_sensitive_data(client, lille, pilot):
    client.sign_in(pilot)

    data = part(text(client.get(URL)), "donnees")

    assert "Aucune donnée de santé, de justice, de nationalité ni de situation familiale" in data
    assert f"des {len(youth_tables())} tables qui concernent les jeunes" in data
    assert "INE, nom, prénom, sexe, date de naissance, lieu de naissance" in data
    assert "Prises de contact" in data and "Orientations vers un dispositif" in data
    assert 'role="alert"' not in data


def test_the_register_is_printable(client, lille, pilot):
    client.sign_in(pilot)

    page = text(client.get(URL))

    assert '<link rel="stylesheet" href="/static/privacy.css">' in page
    assert "Ctrl+P" in page
    assert "à compléter par le délégué à la protection des données".lower() in page.lower()


@pytest.mark.parametrize("who", ["pilot", "admin"])
def test_the_register_and_the_choice_of_a_psad_are_accessible(client, lille, request, who):
    client.sign_in(request.getfixturevalue(who))

    page = read(client, URL)

    assert page.headings.count(1) == 1
    assert all(after <= before + 1 for before, after in pairwise(page.headings))
    assert page.captions == page.tables and page.unscoped == [] and page.blocked == []


def test_a_copilot_reads_the_register_of_the_psad(client, session, lille):
    copilot = make_user(session, psad=lille, role=Role.COPILOT)
    session.commit()
    client.sign_in(copilot)

    assert "PSAD de Lille" in part(text(client.get(URL)), "responsable")


def test_a_pilot_cannot_read_another_psads_register(client, session, lille, pilot):
    other = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.commit()
    client.sign_in(pilot)

    page = text(client.get(URL, query_string={"psad": other.id}))

    assert "PSAD de Lille" in part(page, "responsable")
    assert "Amiens" not in page


def test_an_administrator_chooses_the_psad(client, session, lille, admin):
    other = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.commit()
    client.sign_in(admin)

    choice = text(client.get(URL))
    register = text(client.get(URL, query_string={"psad": other.id}))

    assert f'href="/protection/registre?psad={other.id}">PSAD d\'Amiens (AMIENS)</a>' in choice
    assert "PSAD de Lille (LILLE)" in choice
    assert "PSAD d'Amiens" in part(register, "responsable")


@pytest.mark.parametrize("psad_id", ["2147483647", "99999999999", "0"])
def test_an_administrator_asking_for_an_unknown_psad_gets_404(client, lille, admin, psad_id):
    client.sign_in(admin)

    assert client.get(URL, query_string={"psad": psad_id}).status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNER, Role.READER])
def test_partners_and_readers_are_refused(client, session, lille, role):
    user = make_user(session, psad=lille, role=role)
    session.commit()
    client.sign_in(user)

    response = client.get(URL)

    assert response.status_code == 403
    assert "réservé aux pilotes, aux co-pilotes et aux administrateurs" in text(response)


def test_no_table_about_youth_has_a_column_for_sensitive_data():
    names = [f"{t.name}.{c.name}" for t in youth_tables() for c in t.columns]

    assert "youths.ine" in names and "contacts.comment" in names
    assert not [n for n in names if any(w in n for w in ("health", "nationality", "family"))]
