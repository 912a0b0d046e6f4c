"""The access matrix of the bilan's pages (issue 15), for each role: « The PSAD's dashboard
and the youth behind its figures are its pilotes' and co-pilotes'; the regional view, with
no name, is the readers' and the administrators'. »

Same world as tests/access/test_youth_scope.py: LILLE (pilote, co-pilote, partenaire,
lecteur) and AMIENS, an administrator with no membership.
"""

from __future__ import annotations

import pytest

from tests.access.test_youth_scope import ADMIN, COPILOT, PARTNER, PILOT, READER, ROLES
from tests.helpers import text

DASHBOARD = {PILOT: 200, COPILOT: 200, PARTNER: 403, READER: 403, ADMIN: 403}
REGIONAL = {PILOT: 403, COPILOT: 403, PARTNER: 403, READER: 200, ADMIN: 200}
PAGES = {
    "/bilan": DASHBOARD,
    "/bilan?annee=2024": DASHBOARD,
    "/bilan?du=2025-09-01&au=2025-12-31": DASHBOARD,
    "/bilan/jeunes?indicateur=transfers_out": DASHBOARD,
    "/bilan/jeunes?indicateur=transfers_out&page=99999999999": DASHBOARD,
    # no such figure: 404 for those who may list youth, 403 before that for the others
    "/bilan/jeunes?indicateur=inconnu": {**DASHBOARD, PILOT: 404, COPILOT: 404},
    "/bilan/regional": REGIONAL,
    "/bilan/regional?annee=2024": REGIONAL,
}
NAV = {"Bilan": "/bilan", "Vue régionale": "/bilan/regional"}


@pytest.mark.parametrize("role", ROLES)
def test_each_page_by_role(client, access_world, role, subtests):
    client.sign_in(access_world.users[role])

    for page, expected in PAGES.items():
        with subtests.test(msg=page):
            assert client.get(page).status_code == expected[role]


@pytest.mark.parametrize("url", list(PAGES))
def test_a_visitor_is_sent_to_the_login_page(client, access_world, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.location.startswith("/connexion")


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_offers_what_the_role_may_open(client, access_world, role):
    client.sign_in(access_world.users[role])

    page = text(client.get("/"))

    assert (f'href="{NAV["Bilan"]}">Bilan</a>' in page) is (DASHBOARD[role] == 200)
    assert (f'href="{NAV["Vue régionale"]}">Vue régionale</a>' in page) is (REGIONAL[role] == 200)


@pytest.mark.parametrize("role", [PARTNER, READER, ADMIN])
def test_a_refusal_says_why_in_french(client, access_world, role):
    client.sign_in(access_world.users[role])

    response = client.get("/bilan")

    assert "Le bilan de la PSAD est réservé aux pilotes et co-pilotes." in text(response)
