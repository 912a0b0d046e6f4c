"""The rules of the « Prioritaires » block, switched on or off by an administrator at
/admin/prioritaires (audited), and who may open that page."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor
from psad.followup.models import PriorityRule
from psad.followup.queries import Priority, active_priorities
from psad.followup.worklist import priority_rules, switch_priority_rules
from tests.helpers import events, text

URL = "/admin/prioritaires"
ALL_ON = [rule.value for rule in Priority]


def stored_rules(session: Session) -> dict[str, bool]:
    """Whether each stored priority rule is active, read afresh from the database."""
    session.expire_all()
    return {row.code: row.active for row in session.scalars(select(PriorityRule))}


# --- the service -------------------------------------------------------------------------


def test_every_rule_is_on_until_switched_off(session, world):
    assert priority_rules(session) == {rule: True for rule in Priority}


def test_switching_a_rule_off_stores_it_and_audits_it(session, world, admin):
    actor = Actor(user_id=admin.id, psad_id=None, ip_address="192.0.2.1")

    changed = switch_priority_rules(session, active=set(Priority) - {Priority.MINOR}, actor=actor)

    assert changed == [Priority.MINOR]
    assert Priority.MINOR not in active_priorities(session)
    [event] = events(session, AuditAction.REFERENCE_UPDATED.value)
    assert event.detail == "priorité=minor_obligation; active=non"


def test_switching_a_rule_back_on_updates_its_row(session, world, admin):
    actor = Actor(user_id=admin.id, psad_id=None, ip_address="192.0.2.1")
    session.add(PriorityRule(code=Priority.DARFI_WAITING.value, active=False))
    session.flush()

    changed = switch_priority_rules(session, active=set(Priority), actor=actor)

    assert changed == [Priority.DARFI_WAITING]
    assert stored_rules(session) == {Priority.DARFI_WAITING.value: True}


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_each_rule_with_its_box(client, world, admin):
    client.sign_in(admin)

    page = text(client.get(URL))

    assert "<h1>Règles des prioritaires</h1>" in page
    assert page.count("<h1") == 1
    for number, rule in enumerate(Priority):
        assert f'<label class="form-check-label" for="active-{number}">{rule.label}</label>' in page
    assert page.count("checked") == len(Priority)


def test_an_administrator_switches_a_rule_off(client, session, world, admin):
    client.sign_in(admin)
    kept = [code for code in ALL_ON if code != Priority.PARTNER_REFERRAL.value]

    response = client.submit(URL, {"active": kept}, follow_redirects=True)

    assert "Règles des prioritaires enregistrées." in text(response)
    assert stored_rules(session) == {Priority.PARTNER_REFERRAL.value: False}
    [event] = events(session, AuditAction.REFERENCE_UPDATED.value)
    assert (event.user_id, event.detail) == (admin.id, "priorité=partner_referral; active=non")
    assert text(response).count("checked") == len(Priority) - 1


def test_an_administrator_switches_every_rule_off(client, session, world, admin):
    client.sign_in(admin)

    client.submit(URL, {})

    assert stored_rules(session) == {code: False for code in ALL_ON}
    assert len(events(session, AuditAction.REFERENCE_UPDATED.value)) == len(Priority)


def test_saving_without_change_audits_nothing(client, session, world, admin):
    client.sign_in(admin)

    response = client.submit(URL, {"active": ALL_ON}, follow_redirects=True)

    assert "Aucune règle n'a changé." in text(response)
    assert events(session, AuditAction.REFERENCE_UPDATED.value) == []


def test_an_unknown_rule_is_refused(client, session, world, admin):
    client.sign_in(admin)

    response = client.submit(URL, {"active": ["no_such_rule"]})

    assert response.status_code == 422
    assert 'id="active-erreur"' in text(response)
    assert stored_rules(session) == {}


def test_a_rule_switched_off_leaves_the_list(client, session, world, admin, frozen_clock):
    client.sign_in(admin)
    client.submit(URL, {"active": [c for c in ALL_ON if c != Priority.MINOR.value]})
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes"))

    assert "Mineur soumis à l'obligation de formation" not in page


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pilot", "copilot", "partner", "reader"])
def test_psad_roles_may_not_open_the_page(client, world, role):
    client.sign_in(getattr(world, role))

    response = client.get(URL)

    assert response.status_code == 403
    assert "Cette page est réservée aux administrateurs." in text(response)


@pytest.mark.parametrize("role", ["pilot", "copilot", "partner", "reader"])
def test_psad_roles_may_not_switch_rules(client, session, world, role):
    client.sign_in(getattr(world, role))

    response = client.submit(URL, {})

    assert response.status_code == 403
    assert stored_rules(session) == {}


def test_an_administrator_may_open_the_page(client, world, admin):
    client.sign_in(admin)

    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("method", ["get", "submit"])
def test_an_anonymous_visitor_is_asked_to_sign_in(client, world, method):
    response = getattr(client, method)(URL)

    assert response.status_code == 302
    assert response.location.startswith("/connexion")
