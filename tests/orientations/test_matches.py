"""The vacant places shown to a youth asking to return to school: only with a DARFI request,
the formation asked first, then the nearest, then the soonest ending; a place past its date,
withdrawn or full is not shown."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import render_template

from psad.access.viewer import Viewer
from psad.auth.models import Role
from psad.followup.models import DarfiRequest, DarfiSource
from psad.orientations.models import OrientationStatus
from psad.orientations.vacancies import declare_vacancy, matches_for, words
from tests.factories import make_psad
from tests.followup.conftest import NOW, TODAY
from tests.orientations.conftest import make_orientation

UAI = "0590001F"


def place(session, world, formation, commune, until, *, places=1):  # type: ignore[no-untyped-def]
    return declare_vacancy(
        session,
        psad=world.psad,
        uai=UAI,
        establishment="Lycée",
        commune=commune,
        formation=formation,
        field=None,
        places=places,
        available_until=until,
        by=world.pilot,
        structure=None,
        actor=world.actor(world.pilot),
        today=TODAY,
    )


def asking(session, world, wish="Bac pro Commerce"):  # type: ignore[no-untyped-def]
    """Éloïse, of Lille, last in CAP Cuisine, asks to return to school."""
    youth = world.minor
    youth.commune, youth.postal_code, youth.formation = "Lille", "59000", "CAP Cuisine"
    session.add(
        DarfiRequest(
            case_id=world.minor_case.id, requested_on=TODAY, source=DarfiSource.YOUTH, wish=wish
        )
    )
    session.commit()
    return youth


def formations(matches) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{m.vacancy.formation} ({m.vacancy.commune})" for m in matches]


def test_a_youth_without_a_darfi_request_is_shown_no_place(session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Lille", date(2027, 1, 31))
    session.commit()

    assert matches_for(session, youth=world.minor, today=TODAY) == []


def test_the_formation_asked_comes_first_then_the_nearest_then_the_soonest(session, offer):
    world = offer.world
    place(session, world, "CAP Électricien", "Roubaix", date(2027, 1, 31))
    place(session, world, "Bac pro Métiers du commerce et de la vente", "Amiens", date(2027, 3, 1))
    place(session, world, "Bac pro Commerce", "Tourcoing", date(2027, 2, 1))
    place(session, world, "CAP Plombier", "Bourg-Inconnu", date(2027, 1, 1))
    place(session, world, "CAP Électricien", "Roubaix", date(2027, 1, 15))
    youth = asking(session, world)

    matches = matches_for(session, youth=youth, today=TODAY)

    assert formations(matches) == [
        "Bac pro Commerce (Tourcoing)",
        "Bac pro Métiers du commerce et de la vente (Amiens)",
        "CAP Électricien (Roubaix)",
        "CAP Électricien (Roubaix)",
        "CAP Plombier (Bourg-Inconnu)",
    ]
    assert [m.vacancy.available_until.day for m in matches[2:4]] == [15, 31]
    assert matches[0].why == "formation demandée · à 13 km · jusqu'au 01/02/2027"
    assert matches[1].distance_km is not None and 95 < matches[1].distance_km < 100
    assert matches[4].why == "distance inconnue · jusqu'au 01/01/2027"
    assert [m.formation_match for m in matches] == [True, True, False, False, False]


def test_the_last_formation_followed_counts_as_a_match(session, offer):
    world = offer.world
    place(session, world, "CAP Électricien", "Lille", date(2027, 1, 31))
    place(session, world, "CAP Cuisine", "Amiens", date(2027, 1, 31))
    youth = asking(session, world, wish=None)

    matches = matches_for(session, youth=youth, today=TODAY)

    assert formations(matches) == ["CAP Cuisine (Amiens)", "CAP Électricien (Lille)"]
    assert matches[0].why.startswith("proche de la dernière formation suivie · à 97 km")
    assert matches[1].why.startswith("à moins de 1 km")


def test_generic_words_do_not_make_a_match():
    assert words("Bac pro Commerce") == {"commerce"}
    assert words("1re année de CAP") == set()


def test_a_place_past_its_date_disappears_from_the_matches(session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Lille", TODAY)
    youth = asking(session, world)

    assert len(matches_for(session, youth=youth, today=TODAY)) == 1
    assert matches_for(session, youth=youth, today=TODAY + timedelta(days=1)) == []


def test_a_withdrawn_place_disappears_from_the_matches(session, offer):
    world = offer.world
    vacancy = place(session, world, "Bac pro Commerce", "Lille", date(2027, 1, 31))
    vacancy.withdrawn_at = NOW
    youth = asking(session, world)

    assert matches_for(session, youth=youth, today=TODAY) == []


def test_a_full_place_is_left_out_and_a_proposal_takes_no_place(session, offer):
    world = offer.world
    full = place(session, world, "Bac pro Commerce", "Lille", date(2027, 1, 31))
    proposed = place(session, world, "Bac pro Commerce", "Roubaix", date(2027, 1, 31), places=1)
    for vacancy, status in (
        (full, OrientationStatus.ACCEPTED),
        (proposed, OrientationStatus.PROPOSED),
    ):
        orientation = make_orientation(session, world.adult_case, offer.e2c, status=status)
        orientation.vacant_place_id = vacancy.id
    youth = asking(session, world)

    matches = matches_for(session, youth=youth, today=TODAY)

    assert [m.vacancy.id for m in matches] == [proposed.id]
    assert (matches[0].places.left, matches[0].places.offered) == (1, 1)


def test_places_of_another_psad_are_not_shown(session, offer):
    world = offer.world
    vacancy = place(session, world, "Bac pro Commerce", "Lille", date(2027, 1, 31))
    vacancy.psad_id = make_psad(session, code="AMIENS").id
    youth = asking(session, world)

    assert matches_for(session, youth=youth, today=TODAY) == []


# --- the partial the youth's file includes --------------------------------------------------


def render(app, youth, matches, role: Role, **more):  # type: ignore[no-untyped-def]
    viewer = Viewer(user_id=1, psad_id=youth.psad_id, role=role, structure_id=None)
    with app.test_request_context("/"):
        return render_template(
            "orientations/_vacancy_matches.html",
            youth=youth,
            vacancy_matches=matches,
            viewer=viewer,
            **more,
        )


def test_the_partial_shows_each_place_and_why(app, session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Tourcoing", date(2027, 2, 1), places=2)
    youth = asking(session, world)

    html = render(app, youth, matches_for(session, youth=youth, today=TODAY), Role.PILOT)

    assert "Places vacantes pour un retour en formation" in html
    assert '<th scope="row">Bac pro Commerce' in html
    assert "<td>13 km</td>" in html and "<td>2 sur 2</td>" in html
    assert "formation demandée · à 13 km · jusqu&#39;au 01/02/2027" in html
    orient = "Orienter vers cette place" in html
    assert orient == ("orientations.orient" in app.view_functions)


def test_the_partial_offers_no_orientation_to_a_reader(app, session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Tourcoing", date(2027, 2, 1))
    youth = asking(session, world)

    html = render(app, youth, matches_for(session, youth=youth, today=TODAY), Role.READER)

    assert "Bac pro Commerce" in html and "Orienter vers cette place" not in html


def test_the_partial_says_when_no_place_matches_a_darfi_request(app, session, offer):
    youth = offer.world.minor

    assert render(app, youth, [], Role.PILOT).strip() == ""
    html = render(app, youth, [], Role.PILOT, darfi_requested=True)
    assert "Aucune place vacante déclarée ne correspond pour l'instant." in html


def test_the_partial_is_headed_by_an_h2_on_its_own(app, session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Tourcoing", date(2027, 2, 1))
    youth = asking(session, world)

    html = render(app, youth, matches_for(session, youth=youth, today=TODAY), Role.PILOT)

    assert '<h2 id="places-vacantes-jeune" class="h4">' in html


def test_in_the_file_the_places_are_an_h3_of_its_orientations_section(pilot_client, session, offer):
    world = offer.world
    place(session, world, "Bac pro Commerce", "Tourcoing", date(2027, 2, 1))
    youth = asking(session, world)
    session.commit()

    page = pilot_client.get(f"/jeunes/{youth.id}").get_data(as_text=True)

    section = page[page.index('<h2 id="dispositifs"') :]
    section = section[: section.index('<h2 id="identite"')]  # the file's next section
    headings = re.findall(r"<h(\d)[^>]*>([^<]+)</h\d>", section)
    assert [level for level, _ in headings] == ["2", "3", "3", "3"]
    assert headings[-1] == ("3", "Places vacantes pour un retour en formation")
