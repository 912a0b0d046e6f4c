"""The sites (implantations) of the dispositifs: a pilote records those of their PSAD (UAI key
checked, commune located for the map, the hosting structure, places of this school year and
the next), an administrator those of any PSAD; nobody else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.auth.models import Role
from psad.orientations.models import ProgrammeSite
from tests.factories import make_psad, make_user
from tests.helpers import count, events, field_error, text

GOOD_UAI = "0593456L"  # its key checked (mod 23)


def site_form(**values: object) -> dict[str, object]:
    form = {
        "uai": GOOD_UAI,
        "establishment": "Lycée Colbert",
        "commune": "Tourcoing",
        "structure_id": "0",
        "active": "y",
        "places_current": "3",
        "places_next": "",
    }
    form.update(values)
    return form


def test_a_pilote_adds_a_site_located_in_its_commune(pilot_client, session, world, offer):
    response = pilot_client.submit(
        f"/dispositifs/{offer.micro_lycee.id}/implantations/nouvelle",
        site_form(commune="tourcoing", structure_id=str(world.school.id)),
    )

    assert response.status_code == 302
    site = session.scalars(select(ProgrammeSite).where(ProgrammeSite.uai == GOOD_UAI)).one()
    assert (site.psad_id, site.commune, site.commune_code) == (world.psad.id, "Tourcoing", "59599")
    assert site.structure_id == world.school.id
    assert [(p.school_year, p.places) for p in site.places] == [(2026, 3)]
    assert (
        events(session, AuditAction.SITE_SAVED.value)[0].detail
        == "code=MICRO_LYCEE; uai=0593456L; places=2026:3"
    )
    assert "Lycée Colbert" in text(pilot_client.get(response.headers["Location"]))


def test_the_site_form_asks_the_places_of_this_school_year_and_the_next(pilot_client, offer):
    page = text(pilot_client.get(f"/dispositifs/{offer.e2c.id}/implantations/nouvelle"))

    assert "Places 2026-2027" in page and "Places 2027-2028" in page
    assert "E2C Lille" in page  # the PSAD's structures, to host the youth


def test_a_uai_with_a_wrong_key_is_refused_under_the_field(pilot_client, session, offer):
    response = pilot_client.submit(
        f"/dispositifs/{offer.e2c.id}/implantations/nouvelle", site_form(uai="0593456A")
    )

    assert response.status_code == 422
    assert field_error(response, "uai") == "UAI 0593456A : clé de contrôle incorrecte (attendue L)"
    assert count(session, ProgrammeSite) == 2


def test_a_commune_not_found_is_kept_and_said_not_on_the_map(pilot_client, session, offer):
    response = pilot_client.submit(
        f"/dispositifs/{offer.e2c.id}/implantations/nouvelle",
        site_form(commune="Bailleul"),
        follow_redirects=True,
    )

    assert "n'est pas placée sur la carte" in text(response)
    site = session.scalars(select(ProgrammeSite).where(ProgrammeSite.commune == "Bailleul")).one()
    assert site.commune_code is None


def test_a_pilote_edits_the_places_of_a_site(pilot_client, session, offer):
    response = pilot_client.submit(
        f"/implantations/{offer.e2c_site.id}/modifier",
        site_form(uai="", commune="Roubaix", places_current="", places_next="4"),
    )

    assert response.status_code == 302
    site = stored_site(session, offer.e2c_site.id)
    assert [(p.school_year, p.places) for p in site.places] == [(2027, 4)]


@pytest.mark.parametrize("role", ["copilot", "partner", "reader"])
def test_only_administrators_and_pilotes_record_sites(client, world, offer, role):
    client.sign_in(getattr(world, role))

    assert client.get(f"/dispositifs/{offer.e2c.id}/implantations/nouvelle").status_code == 403
    assert (
        client.submit(f"/implantations/{offer.e2c_site.id}/modifier", site_form()).status_code
        == 403
    )


def test_a_pilote_may_not_edit_the_site_of_another_psad(client, session, offer):
    lens = make_psad(session, code="LENS", name="PSAD de Lens")
    client.sign_in(make_user(session, psad=lens, role=Role.PILOT))

    assert client.get(f"/implantations/{offer.e2c_site.id}/modifier").status_code == 404


def test_an_administrator_outside_any_psad_chooses_the_site_s_psad(
    client, session, admin, world, offer
):
    client.sign_in(admin)
    url = f"/dispositifs/{offer.e2c.id}/implantations/nouvelle"

    unchosen = client.submit(url, site_form())
    chosen = client.submit(url, site_form(psad_id=str(world.psad.id)))

    assert unchosen.status_code == 422
    assert field_error(unchosen, "psad_id") == "Choisissez la PSAD."
    assert chosen.status_code == 302
    assert count(session, ProgrammeSite, ProgrammeSite.psad_id == world.psad.id) == 3


def stored_site(session, site_id: int) -> ProgrammeSite:  # type: ignore[no-untyped-def]
    session.expire_all()
    found = session.get(ProgrammeSite, site_id)
    assert found is not None
    return found
