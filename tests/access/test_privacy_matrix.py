"""The access matrix of the right-of-access export and the register of processing activities
(issue 17), for each role: « Pilotes and co-pilotes export what is held on a youth of their
PSAD; administrators, pilotes and co-pilotes read the register. »

Same world as tests/access/test_youth_scope.py: LILLE (pilote, co-pilote, partenaire of the
Lycée Baggio, lecteur) and AMIENS, an administrator with no membership. Another PSAD's youth,
and one that does not exist, answer 404 like each other; a partner is refused even for a
youth it follows.
"""

from __future__ import annotations

import pytest

from tests.access.test_youth_scope import (
    ADMIN,
    AMIENS,
    ASSIGNED,
    CLOSED,
    COPILOT,
    PARTNER,
    PILOT,
    READER,
    ROLES,
)
from tests.helpers import events

EXPORTS = {PILOT: 200, COPILOT: 200, PARTNER: 403, READER: 403, ADMIN: 403}
ELSEWHERE = {PILOT: 404, COPILOT: 404, PARTNER: 403, READER: 403, ADMIN: 403}
REGISTER = {PILOT: 200, COPILOT: 200, PARTNER: 403, READER: 403, ADMIN: 200}
# A URL's {assigned}, {closed}, {amiens} are youth ids; {lille} the PSAD.
PAGES = {
    "/jeunes/{assigned}/droit-acces": EXPORTS,
    "/jeunes/{assigned}/droit-acces.json": EXPORTS,
    "/jeunes/{closed}/droit-acces": EXPORTS,
    "/jeunes/{amiens}/droit-acces": ELSEWHERE,
    "/jeunes/{amiens}/droit-acces.json": ELSEWHERE,
    "/jeunes/2147483647/droit-acces": ELSEWHERE,
    "/protection/registre": REGISTER,
    "/protection/registre?psad={lille}": REGISTER,
    "/protection/registre?psad=2147483647": {**REGISTER, ADMIN: 404},  # the others: their own
}


@pytest.fixture
def ids(access_world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "assigned": access_world.youth[ASSIGNED],
        "closed": access_world.youth[CLOSED],
        "amiens": access_world.youth[AMIENS],
        "lille": access_world.lille.id,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_page_by_role(client, access_world, ids, role, subtests):
    client.sign_in(access_world.users[role])

    for page, expected in PAGES.items():
        with subtests.test(msg=page):
            assert client.get(page.format(**ids)).status_code == expected[role]


@pytest.mark.parametrize("url", list(PAGES))
def test_a_visitor_is_sent_to_the_login_page(client, access_world, ids, url):
    response = client.get(url.format(**ids))

    assert response.status_code == 302
    assert response.location.startswith("/connexion")


@pytest.mark.parametrize("role", ROLES)
def test_only_an_export_that_was_answered_is_recorded(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    client.get(f"/jeunes/{ids['assigned']}/droit-acces")
    client.get(f"/jeunes/{ids['amiens']}/droit-acces")

    exported = [e.object_id for e in events(session, "privacy.access_exported")]
    assert exported == ([ids["assigned"]] if EXPORTS[role] == 200 else [])
