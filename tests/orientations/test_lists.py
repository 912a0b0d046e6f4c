"""The list of orientations: what a row shows, each filter (status, dispositif, site,
structure d'accueil, school year, name), the status badges, bad values refused under their
field, the pagination keeping the filters, and a page whose SQL does not grow with its rows."""

from __future__ import annotations

import re
from datetime import date

import pytest

from psad.orientations.models import OrientationStatus, VacantPlace
from tests.factories import make_youth
from tests.helpers import field_error, text
from tests.orientations.conftest import make_orientation
from tests.test_query_counts import statements

URL = "/orientations"


def rows(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The table's rows, each as its text with the spaces squeezed."""
    body = text(response)
    found = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[-1], flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<th scope="row"><a href="/jeunes/\d+">([^<]+)</a>', text(response))


def vacancy(session, world, offer) -> VacantPlace:  # type: ignore[no-untyped-def]
    place = VacantPlace(
        psad_id=world.psad.id,
        uai="0590002B",
        establishment="Lycée Pasteur",
        commune="Lille",
        formation="CAP Cuisine",
        places=2,
        available_until=date(2027, 6, 30),
        structure_id=offer.e2c_structure.id,
    )
    session.add(place)
    session.flush()
    return place


def test_a_row_shows_the_youth_the_dispositif_the_place_and_the_step(
    pilot_client, session, world, offer
):
    make_orientation(
        session,
        world.adult_case,
        offer.e2c,
        site=offer.e2c_site,
        status=OrientationStatus.STARTED,
        on=date(2026, 11, 20),
        by=world.pilot,
    )
    session.commit()

    response = pilot_client.get(URL)

    assert response.status_code == 200
    assert rows(response) == [
        "MARTIN Hugo 2006 École de la deuxième chance (E2C) Insertion "
        "E2C Lille Métropole (Roubaix) E2C Lille Commencée le 20/11/2026 20/11/2026 Claire Martin"
    ]
    assert f'href="/jeunes/{world.adult.id}"' in text(response)
    assert "<caption>" in text(response)


def test_the_page_lists_the_current_school_year_unless_asked(pilot_client, session, world, offer):
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    older = make_orientation(session, world.minor_case, offer.micro_lycee, site=offer.micro_site)
    older.school_year = 2025
    session.commit()

    assert names(pilot_client.get(URL)) == ["MARTIN Hugo"]
    assert names(pilot_client.get(f"{URL}?annee=2025")) == ["LEFÈVRE Éloïse"]
    assert sorted(names(pilot_client.get(f"{URL}?annee=toutes"))) == [
        "LEFÈVRE Éloïse",
        "MARTIN Hugo",
    ]


def test_the_status_filter_and_its_badges(pilot_client, session, world, offer):
    make_orientation(session, world.adult_case, offer.e2c, status=OrientationStatus.STARTED)
    make_orientation(session, world.adult_case, offer.micro_lycee, status=OrientationStatus.REFUSED)
    make_orientation(session, world.minor_case, offer.e2c, status=OrientationStatus.PROPOSED)
    session.commit()

    started = pilot_client.get(f"{URL}?statut=started")
    in_progress = pilot_client.get(f"{URL}?statut=ouvertes")

    assert names(started) == ["MARTIN Hugo"]
    assert sorted(names(in_progress)) == ["LEFÈVRE Éloïse", "MARTIN Hugo"]
    page = " ".join(text(started).split())
    assert 'aria-current="page" href="/orientations?statut=started&annee=2026">Commencée' in page
    for label, number in [("Tous", 3), ("En cours", 2), ("Commencée", 1), ("Refusée", 1)]:
        assert re.search(rf">{label} <span class=\"badge[^>]*>{number}</span>", page), label
    assert "1 orientation." in page


def test_the_dispositif_site_and_structure_filters(pilot_client, session, world, offer):
    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    make_orientation(session, world.minor_case, offer.micro_lycee, site=offer.micro_site)
    session.commit()

    by_programme = pilot_client.get(f"{URL}?dispositif={offer.micro_lycee.id}")
    by_site = pilot_client.get(f"{URL}?site={offer.e2c_site.id}")
    by_host = pilot_client.get(f"{URL}?structure={world.school.id}")

    assert names(by_programme) == ["LEFÈVRE Éloïse"]
    assert names(by_site) == ["MARTIN Hugo"]
    assert names(by_host) == ["LEFÈVRE Éloïse"]


def test_the_structure_d_accueil_is_also_the_one_that_declared_the_vacant_place(
    pilot_client, session, world, offer
):
    declared = vacancy(session, world, offer)
    oriented = make_orientation(session, world.minor_case, offer.programme(session, "RETOUR_FI"))
    oriented.vacant_place_id = declared.id
    session.commit()

    response = pilot_client.get(f"{URL}?structure={offer.e2c_structure.id}")

    assert names(response) == ["LEFÈVRE Éloïse"]
    assert "CAP Cuisine · Lycée Pasteur (Lille)" in rows(response)[0]
    assert "E2C Lille" in rows(response)[0]


def test_the_search_finds_a_name_without_its_accents(pilot_client, session, world, offer):
    make_orientation(session, world.adult_case, offer.e2c)
    make_orientation(session, world.minor_case, offer.e2c)
    session.commit()

    assert names(pilot_client.get(f"{URL}?q=lefevre+elo")) == ["LEFÈVRE Éloïse"]
    assert names(pilot_client.get(f"{URL}?q=dupont")) == []


def test_a_value_the_list_cannot_read_is_refused_under_its_field(pilot_client, offer):
    response = pilot_client.get(f"{URL}?statut=perdue&dispositif=abc&annee=1990")

    assert response.status_code == 422
    for field_id in ("statut", "dispositif", "annee"):
        assert field_error(response, field_id) == "N'est pas un choix valide."
    assert "Corrigez les filtres pour afficher la liste." in text(response)


def test_a_too_long_search_is_refused_under_its_field(pilot_client, offer):
    response = pilot_client.get(f"{URL}?q={'a' * 101}")

    assert response.status_code == 422
    assert field_error(response, "q") == "La recherche est trop longue : 100 caractères au plus."


def test_the_pages_keep_the_filters(pilot_client, session, world, offer):
    for _ in range(51):
        make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site)
    session.commit()

    first = pilot_client.get(f"{URL}?dispositif={offer.e2c.id}")
    second = pilot_client.get(f"{URL}?dispositif={offer.e2c.id}&page=2")

    assert len(rows(first)) == 50
    assert f'href="/orientations?dispositif={offer.e2c.id}&amp;page=2"' in (
        first.get_data(as_text=True)
    )
    assert len(rows(second)) == 1
    assert "Page 2 sur 2" in text(second)


@pytest.mark.parametrize("url", [URL, "/orientations/export.xlsx"])
def test_the_page_sends_as_many_statements_for_more_rows(
    app, pilot_client, session, world, offer, url
):
    def sent() -> int:
        with statements(app) as found:
            response = pilot_client.get(url)
            response.close()  # a workbook is streamed from a temporary file
        assert response.status_code == 200
        return len(found)

    make_orientation(session, world.adult_case, offer.e2c, site=offer.e2c_site, by=world.pilot)
    session.commit()
    pilot_client.get(url).close()  # what a first request alone does (caches) is not counted
    few = sent()
    declared = vacancy(session, world, offer)
    for number in range(30):  # each its youth, proposer, programme and site or vacant place
        youth = make_youth(session, world.psad, last_name=f"Jeune{number:02d}")
        proposer = world.pilot if number % 2 else world.copilot
        if number % 3:
            site = offer.e2c_site if number % 2 else offer.micro_site
            make_orientation(session, youth.cases[0], site.programme, site=site, by=proposer)
        else:
            returning = offer.programme(session, "RETOUR_FI")
            make_orientation(
                session, youth.cases[0], returning, by=proposer
            ).vacant_place = declared
    session.commit()

    assert sent() <= few
