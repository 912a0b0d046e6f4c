"""What the pages write to the audit log, the log's page, and logs without youth names."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from psad import clock
from psad.audit.actions import AuditAction
from psad.audit.models import AuditEvent
from psad.audit.services import Actor, record
from psad.auth.models import Membership, Role
from tests.factories import PASSWORD, make_psad, make_user, make_youth
from tests.helpers import events, text

IP = "192.0.2.44"


@pytest.fixture
def from_ip(client) -> FlaskClient:
    client.environ_base["REMOTE_ADDR"] = IP
    return client


# --- what is recorded ---------------------------------------------------------------------


def test_reading_a_youth_file_is_recorded(from_ip, session, psad, pilot):
    youth = make_youth(session, psad)
    session.commit()
    from_ip.sign_in(pilot)
    before = clock.now()

    from_ip.get(f"/jeunes/{youth.id}")

    [event] = events(session, "youth.viewed")
    assert (event.user_id, event.psad_id, event.ip_address) == (pilot.id, psad.id, IP)
    assert (event.object_type, event.object_id) == ("youth", youth.id)
    assert before <= event.occurred_at <= clock.now()


def test_each_read_is_recorded(from_ip, session, psad, pilot):
    youth = make_youth(session, psad)
    session.commit()
    from_ip.sign_in(pilot)

    from_ip.get(f"/jeunes/{youth.id}")
    from_ip.get(f"/jeunes/{youth.id}")

    assert len(events(session, "youth.viewed")) == 2


def test_referral_records_the_creation_and_the_opened_case(from_ip, session, psad, pilot):
    from_ip.sign_in(pilot)

    from_ip.submit("/jeunes/signaler", {"last_name": "Dupont", "first_name": "Léa"})

    [created] = events(session, "youth.created")
    [opened] = events(session, "case.opened")
    assert (created.user_id, created.psad_id, created.ip_address) == (pilot.id, psad.id, IP)
    assert created.object_type == opened.object_type == "youth"
    assert created.object_id == opened.object_id is not None


def test_successful_login_is_recorded_with_the_address(from_ip, session, pilot):
    from_ip.login("pilote@psad.example", PASSWORD)

    [event] = events(session, "login.succeeded")
    assert (event.user_id, event.object_id, event.ip_address) == (pilot.id, pilot.id, IP)


def test_failed_login_is_recorded_with_the_address(from_ip, session, pilot):
    from_ip.submit("/connexion", {"email": "pilote@psad.example", "password": "mauvais"})

    [event] = events(session, "login.failed")
    assert (event.user_id, event.ip_address) == (pilot.id, IP)


def test_failed_login_of_an_unknown_address_keeps_a_short_hash_never_the_text(
    from_ip, session, admin
):
    typed = "MonMotDePasse2026!"  # typed in the address field by mistake
    for _ in range(2):
        from_ip.submit("/connexion", {"email": typed, "password": "mauvais"})

    first, second = events(session, "login.failed")
    assert (first.user_id, first.ip_address) == (None, IP)
    assert "empreinte" in (first.detail or "")
    assert first.detail == second.detail.replace("2/5", "1/5")  # repeated attempts linked
    from_ip.sign_in(admin)
    journal = text(from_ip.get("/journal"))
    assert "Échec de connexion" in journal
    assert typed.lower() not in journal.lower()
    assert typed.lower() not in " ".join(e.detail or "" for e in (first, second)).lower()


def test_password_change_is_recorded(from_ip, session, pilot):
    from_ip.sign_in(pilot)

    from_ip.submit(
        "/compte/mot-de-passe",
        {
            "current": PASSWORD,
            "new": "un nouveau mot de passe",
            "confirm": "un nouveau mot de passe",
        },
    )

    [event] = events(session, "password.changed")
    assert (event.user_id, event.object_id, event.ip_address) == (pilot.id, pilot.id, IP)


def test_psad_switch_is_recorded(from_ip, session, psad, pilot):
    other = make_psad(session)
    session.add(Membership(user_id=pilot.id, psad_id=other.id, role=Role.READER))
    session.commit()
    from_ip.sign_in(pilot)

    from_ip.submit("/psad/changer", {"psad_id": other.id})

    [event] = events(session, "psad.switched")
    assert (event.user_id, event.psad_id) == (pilot.id, other.id)


def test_admin_writes_are_recorded(from_ip, session, admin):
    from_ip.sign_in(admin)

    from_ip.submit("/admin/psad/nouvelle", {"code": "ARRAS", "name": "PSAD d'Arras"})

    [event] = events(session, "psad.created")
    assert (event.user_id, event.ip_address, event.object_type) == (admin.id, IP, "psad")


def test_events_hold_ids_never_the_youth_name_or_contact(from_ip, session, pilot):
    from_ip.sign_in(pilot)

    response = from_ip.submit(
        "/jeunes/signaler",
        {
            "last_name": "Lefèvre",
            "first_name": "Éloïse",
            "phone": "06 12 34 56 78",
            "email": "eloise@example.fr",
        },
    )
    from_ip.get(response.location)

    session.expire_all()
    recorded = list(session.scalars(select(AuditEvent).where(AuditEvent.object_type == "youth")))
    youth_id = int(response.location.rsplit("/", 1)[1])
    assert {(e.action, e.object_id) for e in recorded} == {
        ("youth.created", youth_id),
        ("case.opened", youth_id),
        ("youth.viewed", youth_id),
    }
    stored = " ".join(str(e.detail) for e in recorded)
    for personal in ("Lefèvre", "Éloïse", "612345678", "eloise@example.fr"):
        assert personal not in stored


# --- the log page -------------------------------------------------------------------------


@pytest.fixture
def log_of_lille(session, psad, pilot):  # type: ignore[no-untyped-def]
    actor = Actor(user_id=pilot.id, psad_id=psad.id, ip_address=IP)
    record(session, actor, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=41)
    record(session, actor, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=42)
    record(session, actor, AuditAction.CASE_OPENED, object_type="youth", object_id=42)
    session.commit()


def test_log_page_shows_who_what_which_record_and_from_where(client, pilot, log_of_lille):
    client.sign_in(pilot)

    page = text(client.get("/journal"))

    assert "<td>pilote@psad.example</td><td>Consultation d'un dossier</td>" in page
    assert f"<td>youth n° 42</td><td>{IP}</td>" in page


def test_log_page_filters_by_action(client, pilot, log_of_lille):
    client.sign_in(pilot)

    page = text(client.get("/journal", query_string={"action": "case.opened"}))

    assert page.count("Ouverture d'un dossier de suivi</td>") == 1
    assert "Consultation d'un dossier</td>" not in page


def test_log_page_filters_by_record(client, pilot, log_of_lille):
    client.sign_in(pilot)

    page = text(client.get("/journal", query_string={"object_type": "youth", "object_id": 41}))

    assert page.count("<td>youth n° 41</td>") == 1
    assert "youth n° 42" not in page


def test_log_page_filters_by_dates(client, pilot, log_of_lille):
    client.sign_in(pilot)
    tomorrow = clock.today() + timedelta(days=1)

    page = text(client.get("/journal", query_string={"since": tomorrow.isoformat()}))

    assert "Aucun événement." in page


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"object_id": "abc"}, "object_id", "Numéro d'objet invalide"),
        ({"object_id": "99999999999999999999"}, "object_id", "Numéro d'objet invalide"),
        ({"since": "2026-02-31"}, "since", "Date invalide"),
        ({"action": "youth.burnt"}, "action", "N'est pas un choix valide."),
    ],
)
def test_invalid_filter_gets_a_french_message(client, pilot, log_of_lille, args, field, message):
    client.sign_in(pilot)

    response = client.get("/journal", query_string=args)

    assert response.status_code == 422
    assert message in text(response)
    assert f'id="{field}-erreur"' in text(response)


def test_log_page_has_no_form_that_changes_an_event(client, pilot, log_of_lille):
    client.sign_in(pilot)

    page = text(client.get("/journal"))

    main = page.split('<main id="contenu"')[1]
    assert main.count("Consultation d'un dossier</td>") == 2  # the events are listed...
    assert 'method="post"' not in main  # ...with nothing to change them


def test_no_route_changes_the_log(app):
    audit_rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")]

    assert audit_rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in audit_rules)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_to_the_log_page_is_not_allowed(client, session, pilot, log_of_lille, method):
    client.sign_in(pilot)

    response = client.open("/journal", method=method, data={"csrf_token": client.csrf_token()})

    assert response.status_code == 405
    assert "Cette action n'est pas permise sur cette page." in text(response)
    assert len(events(session, "youth.viewed")) == 2


# --- application logs ---------------------------------------------------------------------


def test_a_full_request_cycle_logs_no_youth_name_or_contact(client, session, pilot, caplog):
    caplog.set_level(logging.DEBUG)
    personal = {
        "last_name": "Lefèvre",
        "first_name": "Éloïse",
        "phone": "06 12 34 56 78",
        "email": "eloise@example.fr",
        "ine": "0494004062M",
    }

    client.login("pilote@psad.example")
    created = client.submit("/jeunes/signaler", personal)
    client.get(created.location)
    client.get("/jeunes", query_string={"q": "eloise lefevre"})
    client.submit("/jeunes/signaler", personal)  # 409: a duplicate
    client.submit("/jeunes/signaler", {**personal, "phone": "12"})  # 422
    client.get("/jeunes/99999999")  # 404
    client.submit("/deconnexion")

    requests = [r.getMessage() for r in caplog.records if r.name == "psad.requests"]
    assert len(requests) >= 8  # the app did log each request...
    assert f"POST /jeunes/signaler - -> 302 user={pilot.id}" in " ".join(requests)
    assert any(m.startswith("GET /jeunes/<int(") and "-> 404" in m for m in requests)
    logged = caplog.text.lower()  # ...and nothing personal
    for value in ("lefèvre", "lefevre", "éloïse", "eloise", "612345678", "0494004062m"):
        assert value not in logged


# --- out-of-range dates (issue 8, item 5) -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"since": "01/01/0001"}, "since", "« Depuis le »"),
        ({"until": "31/12/9999"}, "until", "« Jusqu'au »"),
        ({"since": "0001-01-01"}, "since", "« Depuis le »"),
        ({"until": "9999-12-31"}, "until", "« Jusqu'au »"),
    ],
)
def test_date_filter_out_of_range_gets_a_french_message(
    client, pilot, log_of_lille, args, field, message
):
    client.sign_in(pilot)

    response = client.get("/journal", query_string=args)

    assert response.status_code == 422
    page = text(response)
    error = page.split(f'id="{field}-erreur"')[1].split("</div>")[0]
    assert message in error
    assert "entre le 01/01/1900 et le 31/12/2100" in error


def test_date_filter_at_the_edges_of_the_range_is_accepted(client, pilot, log_of_lille):
    client.sign_in(pilot)

    response = client.get("/journal", query_string={"since": "01/01/1900", "until": "31/12/2100"})

    assert response.status_code == 200
    assert text(response).count("Consultation d'un dossier</td>") == 2


# --- what a pilote sees of the sign-ins, refused reads ------------------------------------


def test_pilot_sees_the_sign_ins_of_the_members_of_their_psad(app, client, session, psad, pilot):
    make_user(session, psad=psad, role=Role.COPILOT, email="copilote@psad.example")
    elsewhere = make_psad(session, code="ROUBAIX")
    make_user(session, psad=elsewhere, role=Role.PILOT, email="autre@psad.example")
    session.commit()
    app.test_client().submit("/connexion", {"email": "copilote@psad.example", "password": "faux"})
    app.test_client().login("copilote@psad.example", PASSWORD)
    app.test_client().login("autre@psad.example", PASSWORD)
    client.sign_in(pilot)

    page = text(client.get("/journal"))

    assert "<td>copilote@psad.example</td><td>Connexion réussie</td>" in page
    assert "<td>copilote@psad.example</td><td>Échec de connexion</td>" in page
    assert "autre@psad.example" not in page


def test_a_refused_read_is_recorded_without_saying_whether_the_youth_exists(
    from_ip, session, psad, pilot
):
    elsewhere = make_psad(session, code="ROUBAIX")
    hidden = make_youth(session, elsewhere)
    session.commit()
    from_ip.sign_in(pilot)
    missing_id = hidden.id + 1000

    assert from_ip.get(f"/jeunes/{hidden.id}").status_code == 404
    assert from_ip.get(f"/jeunes/{missing_id}").status_code == 404

    out_of_scope, missing = events(session, "youth.access_refused")
    assert (out_of_scope.object_id, missing.object_id) == (hidden.id, missing_id)
    assert (out_of_scope.user_id, out_of_scope.psad_id, out_of_scope.ip_address) == (
        pilot.id,
        psad.id,
        IP,
    )
    assert out_of_scope.detail == missing.detail is None
    journal = text(from_ip.get("/journal"))
    assert "Accès refusé à un dossier (inexistant ou hors périmètre)" in journal
