"""Where the data-protection and two-factor pages are reached from: the menu, the youth's
file, « Rappels » and « Mon compte » (each page is only worth something if it is found)."""

from __future__ import annotations

from psad.auth.models import Role
from tests.factories import make_user, make_youth
from tests.helpers import text


def test_a_pilote_reaches_the_register_retention_and_the_two_factor_rule(client, psad, pilot):
    client.sign_in(pilot)

    home = text(client.get("/"))
    reminders = text(client.get("/notifications"))
    account = text(client.get("/compte/rappels"))

    assert 'href="/protection/registre">Registre</a>' in home
    assert f'href="/psad/{psad.id}/conservation">Conservation des données</a>' in reminders
    assert (
        f'href="/psad/{psad.id}/double-authentification">Double authentification obligatoire</a>'
        in reminders
    )
    assert 'href="/compte/double-authentification">Double authentification</a>' in account


def test_the_file_offers_the_right_of_access_to_managers_only(client, session, psad, pilot):
    youth = make_youth(session, psad)
    partner = make_user(session, psad=psad, role=Role.PARTNER)
    session.commit()
    link = f'href="/jeunes/{youth.id}/droit-acces">Droit d&#39;accès'

    client.sign_in(pilot)
    managers = client.get(f"/jeunes/{youth.id}").get_data(as_text=True)
    client.sign_in(partner)
    partners = client.get(f"/jeunes/{youth.id}")

    assert link in managers or link.replace("&#39;", "'") in managers
    assert "droit-acces" not in partners.get_data(as_text=True)
