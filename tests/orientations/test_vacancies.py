"""Vacant places declared by hand: the rules of a place, withdrawing one, and the pages
(who sees and declares them, a partner for their own structure, who withdraws them)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from psad.audit.actions import AuditAction
from psad.auth.models import Role
from psad.orientations.models import OrientationStatus, VacantPlace
from psad.orientations.vacancies import (
    VacancyError,
    current_vacancies,
    declare_vacancy,
    withdraw_vacancy,
)
from tests.factories import make_psad, make_structure, make_user
from tests.followup.conftest import NOW, TODAY
from tests.helpers import count, events, field_error, text
from tests.orientations.conftest import make_orientation

UAI = "0590001F"  # the key of 0590001 is F
UNTIL = date(2027, 1, 31)


def declare(session, world, **values):  # type: ignore[no-untyped-def]
    arguments = {
        "psad": world.psad,
        "uai": UAI,
        "establishment": "Lycée Baggio",
        "commune": "Lille",
        "formation": "CAP Cuisine",
        "field": "Hôtellerie-restauration",
        "places": 2,
        "available_until": UNTIL,
        "by": world.pilot,
        "structure": None,
        "actor": world.actor(world.pilot),
        "today": TODAY,
        **values,
    }
    return declare_vacancy(session, **arguments)


def form(**values: object) -> dict[str, object]:
    return {
        "uai": UAI,
        "establishment": "Lycée Baggio",
        "commune": "Lille",
        "formation": "CAP Cuisine",
        "field": "Hôtellerie-restauration",
        "places": "2",
        "available_until": "31/01/2027",
        **values,
    }


# --- the rules of a place -------------------------------------------------------------------


def test_a_declared_place_finds_its_commune_and_is_audited(session, offer):
    world = offer.world

    vacancy = declare(session, world, uai=" 0590001f ")
    session.commit()

    assert (vacancy.uai, vacancy.commune_code, vacancy.source) == (UAI, "59350", "saisie")
    [event] = events(session, AuditAction.VACANCY_DECLARED)
    assert event.object_id == vacancy.id
    assert event.detail == f"uai={UAI} places=2"


def test_a_uai_with_a_wrong_key_is_refused_with_the_expected_key(session, world):
    with pytest.raises(VacancyError) as refused:
        declare(session, world, uai="0590001A")

    assert refused.value.field == "uai"
    assert "clé de contrôle incorrecte (attendue F)" in refused.value.message


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"uai": ""}, "uai", "Indiquez l'UAI"),
        ({"uai": "lycée"}, "uai", "format non reconnu"),
        ({"formation": "  "}, "formation", "Indiquez la formation"),
        ({"places": 0}, "places", "au moins 1"),
        ({"available_until": date(2026, 12, 6)}, "available_until", "déjà passée"),
    ],
)
def test_a_place_without_what_it_needs_is_refused(session, world, values, field, message):
    with pytest.raises(VacancyError) as refused:
        declare(session, world, **values)

    assert refused.value.field == field
    assert message in refused.value.message
    assert count(session, VacantPlace) == 0


def test_a_place_available_until_today_is_current(session, world):
    declare(session, world, available_until=TODAY)

    assert len(current_vacancies(session, world.psad.id, TODAY)) == 1


def test_a_withdrawn_place_is_no_longer_current_and_the_withdrawal_is_audited(session, world):
    vacancy = declare(session, world)

    withdraw_vacancy(session, vacancy=vacancy, actor=world.actor(world.pilot), now=NOW)
    session.commit()

    assert current_vacancies(session, world.psad.id, TODAY) == []
    assert [e.object_id for e in events(session, AuditAction.VACANCY_WITHDRAWN)] == [vacancy.id]
    with pytest.raises(VacancyError, match="déjà été retirée"):
        withdraw_vacancy(session, vacancy=vacancy, actor=world.actor(world.pilot), now=NOW)


# --- the page -------------------------------------------------------------------------------


def test_the_page_lists_the_current_places_with_places_taken_and_left(pilot_client, session, offer):
    world = offer.world
    vacancy = declare(session, world, places=3)
    orientation = make_orientation(
        session, world.adult_case, offer.e2c, status=OrientationStatus.ACCEPTED
    )
    orientation.vacant_place_id = vacancy.id
    declare(
        session,
        world,
        formation="Bac pro Commerce",
        available_until=date(2026, 12, 6),
        today=date(2026, 12, 1),
    )
    session.commit()

    page = text(pilot_client.get("/places-vacantes"))

    assert "1 place vacante en cours." in page
    assert "CAP Cuisine" in page and "Bac pro Commerce" not in page
    row = page[page.index("CAP Cuisine") :]
    assert "<td>3</td>" in row and "<td>1</td>" in row and "<td>2</td>" in row
    assert "Claire Martin" in row and "31/01/2027" in row and UAI in row
    every = text(pilot_client.get("/places-vacantes?toutes=1"))
    assert "Bac pro Commerce" in every and "date passée" in every


def test_a_reader_cannot_see_the_vacant_places(client, world, frozen_clock):
    client.sign_in(world.reader)

    assert client.get("/places-vacantes").status_code == 403
    assert client.get("/places-vacantes/nouvelle").status_code == 403


def test_the_pilote_declares_a_place_naming_the_structure_that_receives(
    pilot_client, session, world
):
    response = pilot_client.submit(
        "/places-vacantes/nouvelle", form(structure_id=str(world.school.id))
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/places-vacantes"
    vacancy = session.scalars(select(VacantPlace)).one()
    assert (vacancy.structure_id, vacancy.declared_by_id) == (world.school.id, world.pilot.id)
    assert "Place vacante déclarée : CAP Cuisine · Lycée Baggio (Lille)." in text(
        pilot_client.get("/places-vacantes")
    )


def test_a_partner_declares_for_their_own_structure(client, session, world, frozen_clock):
    world.school.uai, world.school.commune = "0595678B", "Roubaix"
    session.commit()
    client.sign_in(world.partner)

    page = text(client.get("/places-vacantes/nouvelle"))
    response = client.submit("/places-vacantes/nouvelle", form(structure_id=str(world.cio.id)))

    assert 'value="0595678B"' in page and 'value="Roubaix"' in page
    assert "Structure qui accueille" not in page
    assert response.status_code == 302
    assert session.scalars(select(VacantPlace)).one().structure_id == world.school.id


def test_a_wrong_key_is_shown_under_the_uai_field(pilot_client, session, world):
    response = pilot_client.submit("/places-vacantes/nouvelle", form(uai="0590001A"))

    assert response.status_code == 422
    assert "clé de contrôle incorrecte (attendue F)" in field_error(response, "uai")
    assert count(session, VacantPlace) == 0


def test_a_date_already_past_is_shown_under_its_field(pilot_client, session, world):
    response = pilot_client.submit("/places-vacantes/nouvelle", form(available_until="01/12/2026"))

    assert response.status_code == 422
    assert "déjà passée" in field_error(response, "available_until")


# --- withdrawing ----------------------------------------------------------------------------


def test_the_structure_that_declared_a_place_withdraws_it(client, session, world, frozen_clock):
    vacancy = declare(session, world, structure=world.school, by=world.partner)
    session.commit()
    client.sign_in(world.partner)

    response = client.submit(f"/places-vacantes/{vacancy.id}/retirer")

    assert response.status_code == 302
    session.refresh(vacancy)
    assert vacancy.withdrawn_at is not None
    assert "Aucune place vacante en cours." in text(client.get("/places-vacantes"))


def test_a_partner_cannot_withdraw_another_structures_place(client, session, offer, frozen_clock):
    world = offer.world
    vacancy = declare(session, world, structure=world.school)
    session.commit()
    client.sign_in(offer.e2c_partner)

    page = text(client.get("/places-vacantes"))
    response = client.submit(f"/places-vacantes/{vacancy.id}/retirer")

    assert "CAP Cuisine" in page and "Retirer" not in page
    assert response.status_code == 403
    session.refresh(vacancy)
    assert vacancy.withdrawn_at is None


def test_a_place_of_another_psad_answers_404(pilot_client, session, world):
    other = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    pilot = make_user(
        session, psad=other, role=Role.PILOT, structure=make_structure(session, other)
    )
    vacancy = declare(session, world, psad=other, by=pilot, actor=world.actor(pilot))
    session.commit()

    assert pilot_client.submit(f"/places-vacantes/{vacancy.id}/retirer").status_code == 404
    assert "CAP Cuisine" not in text(pilot_client.get("/places-vacantes"))
