"""Attacks on the dispositifs' and orientations' pages, tried with the test client: a form
sent without its CSRF token, a pilote of another PSAD, a partner who guesses the id of an
orientation, a site or a vacant place. Each is refused without writing anything; what lies
outside the viewer's PSAD or scope answers 404, exactly like what does not exist.

The world is the orientation tests' (``offer``): in LILLE, « Martin Hugo » (followed by
nobody) and « Lefèvre Éloïse » (followed by the Lycée Baggio, partner Sophie Durand); the E2C
Lille (partner Nadia Roche) hosts the E2C's site, the Lycée Baggio the micro-lycée's. AMIENS
is another PSAD with its own pilote, youth and vacant place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from psad.auth.models import Psad, Role, User
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    ProgrammeRule,
    ProgrammeSite,
    VacantPlace,
)
from psad.youth.models import Youth
from tests.factories import make_psad, make_user, make_youth
from tests.helpers import count, text
from tests.orientations import conftest as orientations
from tests.orientations.conftest import Offer, make_orientation

# the orientation tests' fixtures
world, offer, frozen_clock = orientations.world, orientations.offer, orientations.frozen_clock

Status = OrientationStatus


@dataclass
class Amiens:
    psad: Psad
    pilot: User
    youth: Youth
    vacancy: VacantPlace
    site: ProgrammeSite


def vacant_place(psad: Psad, **values: object) -> VacantPlace:
    return VacantPlace(
        psad=psad,
        uai="0590001F",
        establishment="Lycée Pasteur",
        formation="CAP Cuisine",
        places=2,
        available_until=date(2027, 6, 30),
        **values,
    )


@pytest.fixture
def amiens(session: Session, offer: Offer, frozen_clock: None) -> Amiens:
    psad = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    pilot = make_user(session, psad=psad, role=Role.PILOT, email="pilote@amiens.example")
    youth = make_youth(session, psad, last_name="Amienois", first_name="Paul")
    vacancy = vacant_place(psad, commune="Amiens")
    site = ProgrammeSite(
        programme=offer.e2c, psad=psad, establishment="E2C Amiens", commune="Amiens"
    )
    session.add_all([vacancy, site])
    session.commit()
    return Amiens(psad, pilot, youth, vacancy, site)


def stored_status(session: Session, orientation: Orientation) -> Status:
    session.expire_all()
    found = session.get(Orientation, orientation.id)
    assert found is not None
    return found.status


def step_values() -> dict[str, str]:
    return {"on": "07/12/2026", "version": "1", "comment": "Essai."}


# --- forms without their CSRF token ----------------------------------------------------------


def test_a_step_without_its_csrf_token_is_refused(client, session, world, offer):
    orientation = make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()
    client.sign_in(world.pilot)

    response = client.post(f"/orientations/{orientation.id}/accepter", data=step_values())

    assert response.status_code == 400
    assert stored_status(session, orientation) is Status.PROPOSED


def test_orienting_without_the_csrf_token_is_refused(client, session, world, offer, frozen_clock):
    client.sign_in(world.pilot)

    response = client.post(
        f"/jeunes/{world.adult.id}/orientations/nouvelle",
        data={"choice": f"{offer.e2c.id}:", "on": "07/12/2026"},
    )

    assert response.status_code == 400
    assert count(session, Orientation) == 0


def test_withdrawing_a_place_without_the_csrf_token_is_refused(
    client, session, world, offer, frozen_clock
):
    place = vacant_place(world.psad)
    session.add(place)
    session.commit()
    client.sign_in(world.pilot)

    response = client.post(f"/places-vacantes/{place.id}/retirer")

    assert response.status_code == 400
    assert count(session, VacantPlace, VacantPlace.withdrawn_at.is_not(None)) == 0


def test_catalogue_posts_without_the_csrf_token_are_refused(client, session, offer):
    admin = make_user(session, is_admin=True, email="admin@psad.example")
    rule = offer.e2c.rules[0]
    session.commit()
    client.sign_in(admin)

    retire = client.post(f"/dispositifs/{offer.e2c.id}/retirer")
    delete = client.post(f"/dispositifs/{offer.e2c.id}/regles/{rule.id}/supprimer")

    assert (retire.status_code, delete.status_code) == (400, 400)
    session.expire_all()
    assert offer.e2c.retired_on is None
    assert count(session, ProgrammeRule, ProgrammeRule.id == rule.id) == 1


# --- a pilote of another PSAD ------------------------------------------------------------------


def test_another_psads_pilote_gets_404_on_an_orientation(client, session, world, offer, amiens):
    orientation = make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()
    client.sign_in(amiens.pilot)

    shown = client.get(f"/orientations/{orientation.id}/accepter")
    sent = client.submit(f"/orientations/{orientation.id}/accepter", step_values())

    assert (shown.status_code, sent.status_code) == (404, 404)
    assert stored_status(session, orientation) is Status.PROPOSED


def test_another_psads_pilote_gets_404_on_a_youths_dispositifs(client, world, amiens):
    client.sign_in(amiens.pilot)

    for url in (
        f"/jeunes/{world.adult.id}/dispositifs",
        f"/jeunes/{world.adult.id}/orientations/nouvelle",
    ):
        assert client.get(url).status_code == 404, url


def test_a_vacant_place_of_another_psad_cannot_be_taken(client, session, world, amiens):
    """Neither listed, nor withdrawn, nor offered to a youth of the other PSAD."""
    client.sign_in(world.pilot)

    listed = text(client.get("/places-vacantes?toutes=1"))
    withdrawn = client.submit(f"/places-vacantes/{amiens.vacancy.id}/retirer")
    url = f"/jeunes/{world.adult.id}/orientations/nouvelle?place={amiens.vacancy.id}"
    shown, sent = client.get(url), client.submit(url, {"on": "07/12/2026"})

    assert "Lycée Pasteur" not in listed
    assert (withdrawn.status_code, shown.status_code, sent.status_code) == (404, 404, 404)
    assert count(session, Orientation) == 0
    assert count(session, VacantPlace, VacantPlace.withdrawn_at.is_not(None)) == 0


def test_a_pilote_may_not_orient_to_a_site_of_another_psad(client, session, world, offer, amiens):
    client.sign_in(world.pilot)

    response = client.submit(
        f"/jeunes/{world.adult.id}/orientations/nouvelle",
        {"choice": f"{offer.e2c.id}:{amiens.site.id}", "on": "07/12/2026"},
    )

    assert response.status_code == 422
    assert count(session, Orientation) == 0


def test_the_list_filters_name_no_site_of_another_psad(client, world, amiens):
    client.sign_in(world.pilot)

    response = client.get(f"/orientations?site={amiens.site.id}")

    assert response.status_code == 422
    assert "E2C Amiens" not in text(response)


# --- partners ------------------------------------------------------------------------------


def test_a_partner_gets_404_on_an_orientation_of_a_youth_they_do_not_see(
    client, session, world, offer, frozen_clock
):
    orientation = make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()
    client.sign_in(world.partner)  # the Lycée Baggio neither follows nor receives Hugo

    for etape in ("accepter", "annuler", "nouvelles"):
        response = client.submit(f"/orientations/{orientation.id}/{etape}", step_values())
        assert response.status_code == 404, etape
    assert stored_status(session, orientation) is Status.PROPOSED


def test_a_cancelled_orientation_gives_its_host_no_hand_on_it(
    client, session, world, offer, frozen_clock
):
    orientation = make_orientation(
        session, world.adult_case, offer.e2c, site=offer.e2c_site, status=Status.CANCELLED
    )
    session.commit()
    client.sign_in(offer.e2c_partner)

    response = client.get(f"/orientations/{orientation.id}/nouvelles")

    assert response.status_code == 404


def test_a_host_may_not_move_on_an_orientation_hosted_by_another_structure(
    client, session, world, offer, frozen_clock
):
    """The E2C received Hugo and sees his file; his micro-lycée orientation is not theirs."""
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    other = make_orientation(session, world.adult_case, offer.micro_lycee, site=offer.micro_site)
    session.commit()
    client.sign_in(offer.e2c_partner)

    page = text(client.get(f"/jeunes/{world.adult.id}"))
    response = client.submit(f"/orientations/{other.id}/accepter", step_values())

    assert f"/orientations/{other.id}/accepter" not in page
    assert response.status_code == 403
    assert stored_status(session, other) is Status.PROPOSED


def test_a_partner_may_not_orient_a_youth_they_do_not_see(client, session, world, offer):
    client.sign_in(world.partner)

    response = client.submit(
        f"/jeunes/{world.adult.id}/orientations/nouvelle",
        {"choice": f"{offer.e2c.id}:", "on": "07/12/2026"},
    )

    assert response.status_code == 404
    assert count(session, Orientation) == 0


def test_a_partner_may_not_record_or_edit_a_site(client, session, world, offer):
    client.sign_in(offer.e2c_partner)
    data = {"commune": "Lille", "places_current": "99"}

    new = client.submit(f"/dispositifs/{offer.e2c.id}/implantations/nouvelle", data)
    edit = client.submit(f"/implantations/{offer.e2c_site.id}/modifier", data)

    assert (new.status_code, edit.status_code) == (403, 403)
    assert count(session, ProgrammeSite) == 2
    session.expire_all()
    assert [row.places for row in offer.e2c_site.places] == [2]


def test_a_partner_may_not_import_vacant_places(client, world):
    client.sign_in(world.partner)

    assert client.get("/places-vacantes/importer").status_code == 403


def test_a_partner_does_not_see_another_psads_vacant_places(client, session, world, amiens):
    client.sign_in(world.partner)

    listed = text(client.get("/places-vacantes?toutes=1"))
    withdrawn = client.submit(f"/places-vacantes/{amiens.vacancy.id}/retirer")

    assert "Lycée Pasteur" not in listed
    assert withdrawn.status_code == 404
