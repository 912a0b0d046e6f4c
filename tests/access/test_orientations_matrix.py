"""The access matrix of the dispositifs' and orientations' pages (issue 12), for each role,
including the partner whose structure hosts a site (« partenaire d'accueil »).

The world is the orientation tests' (``offer``): in LILLE, « Martin Hugo » (followed by
nobody) oriented to the E2C's site, hosted by the E2C Lille (partner Nadia Roche); « Lefèvre
Éloïse » (followed by the Lycée Baggio, partner Sophie Durand) oriented to the micro-lycée
hosted by the Lycée Baggio; a pilote, a co-pilote, a lecteur, and an administrator with no
membership.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from psad.auth.models import User
from tests.factories import make_user
from tests.followup.conftest import World
from tests.helpers import text
from tests.orientations import conftest as orientations
from tests.orientations.conftest import Offer, make_orientation

# the orientation tests' fixtures
world, offer, frozen_clock = orientations.world, orientations.offer, orientations.frozen_clock

PILOT, COPILOT, PARTNER, HOST, READER, ADMIN = (
    "pilote",
    "co-pilote",
    "partenaire",
    "partenaire d'accueil",
    "lecteur",
    "admin",
)
ROLES = [PILOT, COPILOT, PARTNER, HOST, READER, ADMIN]


def expect(*codes: int) -> dict[str, int]:
    """The expected status codes, in the order of ``ROLES``."""
    return dict(zip(ROLES, codes, strict=True))


SEES_NAMES = expect(200, 200, 200, 200, 403, 403)
# A URL's {hugo} and {eloise} are the youth's ids.
PAGES = {
    "/orientations": SEES_NAMES,
    "/orientations?annee=toutes&statut=ouvertes": SEES_NAMES,
    "/orientations?statut=perdue": expect(422, 422, 422, 422, 403, 403),
    "/orientations/export.xlsx": SEES_NAMES,
    "/dispositifs": expect(200, 200, 200, 200, 200, 200),
    "/offre": expect(200, 200, 200, 200, 200, 403),
    "/places-vacantes": expect(200, 200, 200, 200, 403, 403),
    "/jeunes/{hugo}/dispositifs": expect(200, 200, 404, 200, 403, 403),
    "/jeunes/{eloise}/dispositifs": expect(200, 200, 200, 404, 403, 403),
    "/jeunes/{hugo}": expect(200, 200, 404, 200, 403, 403),
    "/jeunes/{eloise}": expect(200, 200, 200, 404, 403, 403),
}


@dataclass
class Matrix:
    users: dict[str, User]
    youth: dict[str, int]


@pytest.fixture
def matrix(session: Session, world: World, offer: Offer, frozen_clock: None) -> Matrix:
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.minor_case, offer.micro_lycee, site=offer.micro_site)
    admin = make_user(session, is_admin=True, email="admin@psad.example")
    session.commit()
    users = {
        PILOT: world.pilot,
        COPILOT: world.copilot,
        PARTNER: world.partner,
        HOST: offer.e2c_partner,
        READER: world.reader,
        ADMIN: admin,
    }
    return Matrix(users, {"hugo": world.adult.id, "eloise": world.minor.id})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_by_role(client, matrix, role, page):
    url = page.format(**matrix.youth)
    client.sign_in(matrix.users[role])

    response = client.get(url)
    response.close()  # a workbook is streamed from a temporary file

    assert response.status_code == PAGES[page][role]


LISTED = {
    PILOT: ["LEFÈVRE Éloïse", "MARTIN Hugo"],
    COPILOT: ["LEFÈVRE Éloïse", "MARTIN Hugo"],
    PARTNER: ["LEFÈVRE Éloïse"],  # follows her, and hosts her micro-lycée
    HOST: ["MARTIN Hugo"],  # received him
}


@pytest.mark.parametrize("role", list(LISTED))
def test_the_list_and_its_export_hold_exactly_the_orientations_in_scope(client, matrix, role):
    client.sign_in(matrix.users[role])

    page = text(client.get("/orientations"))
    sheet = load_workbook(io.BytesIO(client.get("/orientations/export.xlsx").data)).worksheets[0]

    exported = sorted(str(row[0]) for row in list(sheet.iter_rows(values_only=True))[1:])
    assert exported == LISTED[role]
    for name in ["LEFÈVRE Éloïse", "MARTIN Hugo"]:
        assert (name in page) is (name in LISTED[role]), name
