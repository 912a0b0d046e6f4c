"""The territory's offer: the dispositifs with a site in the PSAD by family, with their sites and
places left this school year, the other dispositifs, the map of the communes and its table, the
print stylesheet, and who may read it (every member of the PSAD; no youth named)."""

from __future__ import annotations

import re

import pytest

from psad.auth.models import Role
from psad.orientations.models import OrientationStatus, ProgrammeSite, SitePlaces
from tests.factories import make_psad, make_user
from tests.helpers import text
from tests.orientations.conftest import make_orientation

URL = "/offre"


def section(page: str, heading_id: str) -> str:
    """The page from the heading with this id to the next section's end."""
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def programme_card(page: str, name: str) -> str:
    """The card of one dispositif, as its text with the tags removed."""
    cards = re.findall(r'<article class="offer-programme.*?</article>', page, flags=re.S)
    found = [card for card in cards if name in card]
    assert len(found) == 1, name
    return " ".join(re.sub(r"<[^>]+>", " ", found[0]).split())


@pytest.mark.parametrize("role", ["pilot", "copilot", "partner", "reader"])
def test_every_member_of_the_psad_reads_the_offer(client, world, offer, frozen_clock, role):
    client.sign_in(getattr(world, role))

    response = client.get(URL)

    assert response.status_code == 200
    assert "Offre du territoire" in text(response)


def test_the_offer_lists_the_dispositifs_with_a_site_by_family(client, world, offer, frozen_clock):
    client.sign_in(world.reader)

    page = text(client.get(URL))

    headings = re.findall(r'<h2 id="famille-[a-z]+" class="h3">([^<]+)</h2>', page)
    assert headings == ["Qualification", "Insertion"]
    card = programme_card(page, "École de la deuxième chance (E2C)")
    assert "Jeunes de 16 à 25 ans sortis sans diplôme ni qualification" in card
    assert "E2C Lille Métropole Roubaix" in card
    assert "2 places libres sur 2" in card
    assert "Entrées et sorties permanentes" in card
    assert "Places 2026-2027" in card


def test_the_other_dispositifs_are_listed_compactly(client, world, offer, frozen_clock):
    client.sign_in(world.reader)

    others = section(text(client.get(URL)), "autres")

    assert "EPIDE" in others
    assert "Parcours Immersion" in others
    assert "École de la deuxième chance" not in others


def test_a_started_orientation_takes_a_place_and_no_youth_is_named(
    client, session, world, offer, frozen_clock
):
    make_orientation(
        session, world.adult_case, offer.e2c, site=offer.e2c_site, status=OrientationStatus.STARTED
    )
    make_orientation(session, world.minor_case, offer.e2c, site=offer.e2c_site)  # proposed only
    session.commit()
    client.sign_in(world.reader)

    page = text(client.get(URL))

    assert "1 place libre sur 2" in programme_card(page, "École de la deuxième chance (E2C)")
    for name in ("Martin", "Hugo", "Lefèvre", "Éloïse"):
        assert name not in page.split("<main", 1)[1]


def test_a_full_site_says_so(client, session, world, offer, frozen_clock):
    make_orientation(
        session,
        world.adult_case,
        offer.micro_lycee,
        site=offer.micro_site,
        status=OrientationStatus.ACCEPTED,
    )
    session.commit()
    client.sign_in(world.pilot)

    card = programme_card(text(client.get(URL)), "Micro-lycée")

    assert "complet (1 / 1)" in card


def test_inactive_sites_and_retired_dispositifs_leave_the_offer(
    client, session, world, offer, frozen_clock
):
    offer.e2c_site.active = False
    offer.micro_lycee.retired_on = offer.world.minor.birth_date
    session.commit()
    client.sign_in(world.reader)

    page = text(client.get(URL))

    assert "Aucun dispositif n'a encore d'implantation dans cette PSAD." in page
    assert "Micro-lycée" not in page
    assert "École de la deuxième chance (E2C)" in section(page, "autres")


def test_the_map_has_a_marker_per_located_commune_and_the_table_lists_them(
    client, session, world, offer, frozen_clock
):
    session.add_all(
        [
            ProgrammeSite(
                programme=offer.e2c,
                psad=world.psad,
                establishment="E2C antenne de Lille",
                commune="Lille",
                commune_code="59350",
                places=[SitePlaces(school_year=2026, places=5)],
            ),
            ProgrammeSite(
                programme=offer.micro_lycee, psad=world.psad, commune="Bailleul", commune_code=None
            ),
        ]
    )
    session.commit()
    client.sign_in(world.reader)

    page = text(client.get(URL))

    svg = section(page, "carte").split('<svg class="offer-map-svg"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="carte-titre carte-description"' in svg
    markers = re.findall(r'<g class="offer-marker">\s*<title>([^<]+)</title>', svg)
    assert markers == [
        "Lille : Micro-lycée (structure de retour à l'école) (Qualification), "
        "École de la deuxième chance (E2C) (Insertion)",
        "Roubaix : École de la deuxième chance (E2C) (Insertion)",
    ]
    assert svg.count("<circle") == 3  # Lille: two families; Roubaix: one
    table = page.split('<table class="table table-sm offer-communes">', 1)[1].split("</table>")[0]
    communes = re.findall(r'<th scope="row">([^<]+)', table)
    assert [c.strip() for c in communes] == ["Bailleul", "Lille", "Roubaix"]
    assert "Non placées sur la carte (commune sans coordonnées) : Bailleul." in page


def test_the_legend_names_the_five_families_in_the_guide_s_order(
    client, world, offer, frozen_clock
):
    client.sign_in(world.reader)

    legend = text(client.get(URL)).split('class="list-inline offer-legend"', 1)[1].split("</ul>")[0]

    assert re.findall(r"</svg> ([A-Z]) : ([^<]+)</li>", legend) == [
        ("A", "Accompagnement"),
        ("R", "Remobilisation"),
        ("Q", "Qualification"),
        ("I", "Insertion"),
        ("P", "Prévention"),
    ]


def test_the_page_prints_with_its_own_stylesheet(client, world, offer, frozen_clock):
    client.sign_in(world.reader)

    page = text(client.get(URL))
    with client.get("/static/psad.css") as response:
        css = response.get_data(as_text=True)

    assert '<link rel="stylesheet" href="/static/psad.css">' in page
    assert "Utilisez la fonction Imprimer du navigateur" in page
    assert "@media print" in css
    assert ".offer-programme, .offer-map, table tr { break-inside: avoid;" in css
    assert "<script>" not in page  # the CSP forbids inline scripts


def test_the_offer_is_for_members_of_a_psad(client, session, admin, offer):
    client.sign_in(admin)
    assert client.get(URL).status_code == 403

    client.sign_in(make_user(session))
    assert client.get(URL).status_code == 403


def test_a_member_of_another_psad_reads_its_own_offer(client, session, offer, frozen_clock):
    lens = make_psad(session, code="LENS", name="PSAD de Lens")
    client.sign_in(make_user(session, psad=lens, role=Role.READER))

    page = text(client.get(URL))

    assert "PSAD de Lens" in page
    assert "Aucun dispositif n'a encore d'implantation dans cette PSAD." in page
    assert "E2C Lille Métropole" not in page
