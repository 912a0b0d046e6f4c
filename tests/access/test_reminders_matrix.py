"""The access matrix of the reminders' pages (issue 14), for each role: « Everyone signed in
has their notifications and « Mon compte »; a PSAD's thresholds are its pilote's and the
administrators'. »

Same world as tests/access/test_youth_scope.py: LILLE (pilote, co-pilote, partenaire, lecteur)
and AMIENS, an administrator with no membership. The pilote has a notification; each other
user's attempts on it answer 404 and change nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from psad.reminders.models import Notification, ReminderKind, ReminderRules
from tests.access.test_youth_scope import ADMIN, COPILOT, PARTNER, PILOT, READER, ROLES
from tests.helpers import count, events

EVERYONE = dict.fromkeys(ROLES, 200)
SETS_RULES = {PILOT: 200, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 200}
# A URL's {lille} and {amiens} are the PSADs, {mine} the pilote's notification.
PAGES = {
    "/notifications": EVERYONE,
    "/notifications?page=2": EVERYONE,
    "/compte/rappels": EVERYONE,
    "/psad/{lille}/rappels": SETS_RULES,
    # another PSAD's thresholds: as a PSAD that does not exist for its pilote
    "/psad/{amiens}/rappels": {PILOT: 404, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 200},
    "/psad/2147483647/rappels": {PILOT: 404, COPILOT: 403, PARTNER: 403, READER: 403, ADMIN: 404},
    "/notifications/{mine}/ouvrir": {PILOT: 302, **dict.fromkeys(ROLES[1:], 404)},
    "/notifications/2147483647/ouvrir": dict.fromkeys(ROLES, 404),
}
OWNER_ONLY = {PILOT: 302, **dict.fromkeys(ROLES[1:], 404)}


@pytest.fixture
def ids(session: Session, access_world) -> dict[str, int]:
    mine = Notification(
        user_id=access_world.users[PILOT].id,
        psad_id=access_world.lille.id,
        day=date(2025, 12, 1),
        kind=ReminderKind.NO_CONTACT,
        count=4,
        text="4 dossiers ouverts sans contact depuis plus de 45 jours",
        link="/jeunes?onglet=sans-contact",
    )
    session.add(mine)
    session.commit()
    return {"lille": access_world.lille.id, "amiens": access_world.amiens.id, "mine": mine.id}


def unread(session: Session) -> int:
    return count(session, Notification, Notification.read_at.is_(None))


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
def test_marking_read_by_role(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/notifications/{ids['mine']}/lu")

    assert response.status_code == OWNER_ONLY[role]
    assert unread(session) == (0 if role == PILOT else 1)


@pytest.mark.parametrize("role", ROLES)
def test_marking_all_read_touches_only_ones_own(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit("/notifications/tout-lu")

    assert response.status_code == 302
    assert unread(session) == (0 if role == PILOT else 1)


@pytest.mark.parametrize("role", ROLES)
def test_saving_thresholds_by_role(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/psad/{ids['lille']}/rappels", {"no_contact_days": "60"})

    saved = SETS_RULES[role] == 200
    assert response.status_code == (302 if saved else SETS_RULES[role])
    assert count(session, ReminderRules) == (1 if saved else 0)
    assert len(events(session, "reminders.rules")) == (1 if saved else 0)


@pytest.mark.parametrize("role", ROLES)
def test_saving_another_psads_thresholds_by_role(client, session, access_world, ids, role):
    client.sign_in(access_world.users[role])

    response = client.submit(f"/psad/{ids['amiens']}/rappels", {"no_contact_days": "60"})

    expected = PAGES["/psad/{amiens}/rappels"][role]
    assert response.status_code == (302 if expected == 200 else expected)
    assert count(session, ReminderRules) == (1 if role == ADMIN else 0)


@pytest.mark.parametrize("role", ROLES)
def test_the_digest_preference_is_each_ones_own(client, session, access_world, role):
    user = access_world.users[role]
    client.sign_in(user)

    response = client.submit("/compte/rappels", {"frequency": "none"})

    assert response.status_code == 302
    changed = events(session, "reminders.digest_preference")
    assert [(e.user_id, e.object_id) for e in changed] == [(user.id, user.id)]
