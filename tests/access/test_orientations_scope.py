"""« The structure that hosts the dispositif sees the youth it received »: the one scoping
function (``psad.access.youth.youth_scope``) gives a partner the youth oriented to a site its
structure hosts, or to a vacant place it declared, in its PSAD; a cancelled orientation gives
nothing; the referent rule is unchanged.

The world is the orientation tests' (``offer``): LILLE, « Martin Hugo » followed by nobody,
« Lefèvre Éloïse » followed by the Lycée Baggio (partner Sophie Durand), the E2C Lille and its
partner Nadia Roche, a site of the E2C hosted by the E2C Lille.
"""

from __future__ import annotations

from datetime import date

from psad.orientations.models import OrientationStatus, ProgrammeSite, VacantPlace
from tests.factories import make_psad, make_youth
from tests.helpers import text
from tests.orientations import conftest as orientations
from tests.orientations.conftest import make_orientation

# the orientation tests' fixtures
world, offer, frozen_clock = orientations.world, orientations.offer, orientations.frozen_clock


def sees(client, youth) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """Where the signed-in user finds ``youth``: the youth list, the file, the orientations."""
    name = youth.display_name
    return {
        "liste des jeunes": name in text(client.get("/jeunes?onglet=tous")),
        "fiche": client.get(f"/jeunes/{youth.id}").status_code == 200,
        "orientations": name in text(client.get("/orientations?annee=toutes")),
    }


EVERYWHERE = {"liste des jeunes": True, "fiche": True, "orientations": True}
NOWHERE = {"liste des jeunes": False, "fiche": False, "orientations": False}


def test_the_hosting_structure_sees_the_youth_it_received(
    client, session, world, offer, frozen_clock
):
    client.sign_in(offer.e2c_partner)
    before = sees(client, world.adult)

    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()

    assert before == NOWHERE
    assert sees(client, world.adult) == EVERYWHERE
    assert sees(client, world.minor) == NOWHERE  # nothing else with it


def test_a_refused_orientation_still_counts_as_received(
    client, session, world, offer, frozen_clock
):
    make_orientation(
        session, world.adult_case, offer.e2c, site=offer.e2c_site, status=OrientationStatus.REFUSED
    )
    session.commit()
    client.sign_in(offer.e2c_partner)

    assert sees(client, world.adult) == EVERYWHERE


def test_a_cancelled_orientation_gives_no_access(client, session, world, offer, frozen_clock):
    make_orientation(
        session,
        world.adult_case,
        offer.e2c,
        site=offer.e2c_site,
        status=OrientationStatus.CANCELLED,
    )
    session.commit()
    client.sign_in(offer.e2c_partner)

    assert sees(client, world.adult) == NOWHERE
    assert client.get(f"/jeunes/{world.adult.id}").status_code == 404


def test_an_orientation_in_another_psad_does_not_leak(client, session, world, offer, frozen_clock):
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    youth = make_youth(session, amiens, last_name="Amienois", first_name="Paul")
    site = ProgrammeSite(
        programme=offer.e2c,
        psad=amiens,
        structure=offer.e2c_structure,  # the same structure hosts a site there
        establishment="E2C Amiens",
        commune="Amiens",
    )
    session.add(site)
    make_orientation(session, youth.cases[0], offer.e2c, site=site)
    session.commit()
    client.sign_in(offer.e2c_partner)

    assert sees(client, youth) == NOWHERE
    assert client.get(f"/jeunes/{youth.id}").status_code == 404


def test_the_structure_that_declared_a_vacant_place_sees_the_youth_oriented_to_it(
    client, session, world, offer, frozen_clock
):
    vacancy = VacantPlace(
        psad_id=world.psad.id,
        uai="0590002B",
        establishment="Lycée Pasteur",
        commune="Lille",
        formation="CAP Cuisine",
        places=1,
        available_until=date(2027, 6, 30),
        structure_id=offer.e2c_structure.id,
    )
    session.add(vacancy)
    orientation = make_orientation(session, world.adult_case, offer.programme(session, "RETOUR_FI"))
    orientation.vacant_place = vacancy
    session.commit()
    client.sign_in(offer.e2c_partner)

    assert sees(client, world.adult) == EVERYWHERE


def test_the_referent_structure_still_sees_the_youth_it_follows(
    client, session, world, offer, frozen_clock
):
    make_orientation(session, world.minor_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()
    client.sign_in(world.partner)  # the Lycée Baggio follows Éloïse

    assert sees(client, world.minor) == EVERYWHERE
    assert sees(client, world.adult) == NOWHERE


def test_an_orientation_is_seen_with_its_youth(client, session, world, offer, frozen_clock):
    """The E2C received Hugo: it sees his other orientations too (the orientations' scope is
    the youth's)."""
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.adult_case, offer.micro_lycee, site=offer.micro_site)
    session.commit()
    client.sign_in(offer.e2c_partner)

    page = text(client.get("/orientations?annee=toutes"))

    assert "E2C Lille Métropole (Roubaix)" in page
    assert "Lycée Baggio (Lille)" in page
