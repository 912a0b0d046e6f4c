"""No page of the dispositifs and orientations sends more SQL statements because it shows more
rows (no N+1), on either database.

Each page is requested with a few communes, sites, vacant places, dispositifs and orientations,
then with ten times as many, and the statements the application sends during the request are
counted on its engine (``tests.test_query_counts.statements``). Every kind of row is there in
both: sites of old and new dispositifs in their own communes, hosted by structures of their
own or shared; vacant places located by INSEE code or by name only, declared by several people;
the minor's orientations in every status, to a site, to a vacant place or to none, on two
school years, proposed by several people; the minor asked to return to school (the file shows
the matching places). A page whose count grows with its rows fails, naming the page and both
counts.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import cycle, islice

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from psad.followup import services as followup
from psad.followup.models import DarfiSource, Diploma
from psad.orientations.geo import name_key
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeFamily,
    ProgrammeRule,
    ProgrammeSite,
    RuleKind,
    SitePlaces,
    VacantPlace,
)
from psad.reference.models import Commune
from tests.factories import make_structure
from tests.followup.conftest import TODAY
from tests.orientations.conftest import SCHOOL_YEAR, Offer, make_orientation
from tests.test_query_counts import most_repeated, statements

FEW, MANY = 3, 30
WISH = "CAP Cuisine"


def grow(session: Session, offer: Offer, start: int, count: int) -> None:
    """``count`` more of each kind of row, numbered from ``start``."""
    for number in range(start, start + count):
        commune = add_commune(session, number)
        programme = add_programme(session, number)
        host = make_structure(session, offer.world.psad, name=f"Structure {number:03d}")
        site = add_site(session, offer, programme if number % 2 else offer.e2c, commune, number)
        site.structure = host if number % 3 else site.structure
        vacancy = add_vacancy(session, offer, commune, number)
        vacancy.structure = host if number % 3 == 1 else vacancy.structure
        add_orientation(session, offer, number, site=site, vacancy=vacancy)
    session.commit()


def add_commune(session: Session, number: int) -> Commune:
    name = f"Bourg-{number:03d}"
    commune = Commune(
        code=f"62{number:03d}",
        name=name,
        name_key=name_key(name),
        postal_codes=f"62{number:03d}",
        department="62",
        latitude=50.0 + number / 100,
        longitude=2.5 + number / 100,
    )
    session.add(commune)
    return commune


def add_programme(session: Session, number: int) -> Programme:
    families = list(ProgrammeFamily)
    programme = Programme(
        code=f"LOCAL_{number:03d}",
        name=f"Dispositif local {number:03d}",
        family=families[number % len(families)],
        position=1000 + number,
        rules=[ProgrammeRule(kind=RuleKind.AGE, min_value=16, max_value=25)],
    )
    session.add(programme)
    return programme


def add_site(
    session: Session, offer: Offer, programme: Programme, commune: Commune, number: int
) -> ProgrammeSite:
    site = ProgrammeSite(
        programme=programme,
        psad=offer.world.psad,
        structure=offer.e2c_structure if number % 2 else offer.world.school,
        establishment=f"Établissement {number:03d}",
        commune=commune.name,
        commune_code=commune.code if number % 3 else None,  # some located by name only
        places=[SitePlaces(school_year=SCHOOL_YEAR, places=1 + number % 3)],
    )
    session.add(site)
    return site


def add_vacancy(session: Session, offer: Offer, commune: Commune, number: int) -> VacantPlace:
    world = offer.world
    declarers = [world.pilot, world.copilot, offer.e2c_partner]
    vacancy = VacantPlace(
        psad=world.psad,
        uai="0590001F",
        establishment=f"Lycée {number:03d}",
        commune=commune.name,
        commune_code=commune.code if number % 2 else None,  # some located by name only
        formation=f"{WISH} option {number:03d}" if number % 2 else f"Bac pro Vente {number:03d}",
        places=2,
        available_until=TODAY + timedelta(days=30 + number),
        declared_by=declarers[number % len(declarers)],
        structure=offer.e2c_structure if number % 2 else None,
    )
    session.add(vacancy)
    return vacancy


def add_orientation(
    session: Session, offer: Offer, number: int, *, site: ProgrammeSite, vacancy: VacantPlace
) -> Orientation:
    """One of the minor's orientations: every status in turn, to the site, to the vacant
    place or to no site, proposed by one person or another, on this school year or the last."""
    world = offer.world
    status = next(islice(cycle(OrientationStatus), number, None))
    proposers = [world.pilot, world.copilot, world.partner]
    target = number % 3
    orientation = make_orientation(
        session,
        world.minor_case,
        site.programme if target == 0 else offer.programme(session, "RETOUR_FI"),
        site=site if target == 0 else None,
        status=status,
        on=TODAY - timedelta(days=number),
        by=proposers[number % len(proposers)],
    )
    if target == 1:
        orientation.vacant_place = vacancy
    if number % 2:
        orientation.school_year = SCHOOL_YEAR - 1
    return orientation


@pytest.fixture
def setting(session: Session, offer: Offer, frozen_clock: None) -> Offer:
    """The minor lives in Lille and asked to return to school (a CAP Cuisine)."""
    world = offer.world
    world.minor.commune = "Lille"
    followup.record_darfi_request(
        session,
        case=world.minor_case,
        requested_on=TODAY - timedelta(days=3),
        source=DarfiSource.YOUTH,
        diploma=Diploma.NONE,
        wish=WISH,
        by=world.pilot,
        today=TODAY,
        actor=world.actor(world.pilot),
    )
    session.commit()
    return offer


def urls(offer: Offer) -> dict[str, str]:
    minor = offer.world.minor.id
    return {
        "the youth's file": f"/jeunes/{minor}",
        "the detailed eligibility": f"/jeunes/{minor}/dispositifs",
        "the eligibility on another date": f"/jeunes/{minor}/dispositifs?date=01/09/2027",
        "the orient form": f"/jeunes/{minor}/orientations/nouvelle",
        "the territory's offer": "/offre",
        "the catalogue": "/dispositifs",
        "a dispositif's page": f"/dispositifs/{offer.e2c.id}",
        "the vacant places": "/places-vacantes",
        "every vacant place": "/places-vacantes?toutes=1",
        "the list of orientations": "/orientations?annee=toutes",
        "the export of the orientations": "/orientations/export.xlsx?annee=toutes",
    }


def sent_by(app: Flask, client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    with statements(app) as sent:
        response = client.get(url)
        response.close()  # a workbook is streamed from a temporary file
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return sent


def counts(app: Flask, client, offer: Offer) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    found = {}
    for page, url in urls(offer).items():
        sent_by(app, client, url)  # what a first request alone does (caches) is not counted
        found[page] = sent_by(app, client, url)
    return found


def shown(client, url: str, needle: str) -> int:  # type: ignore[no-untyped-def]
    return client.get(url).get_data(as_text=True).count(needle)


def test_no_orientation_page_sends_more_statements_for_more_rows(
    app, client, session, setting, subtests
):
    offer = setting
    grow(session, offer, 0, FEW)
    client.sign_in(offer.world.pilot)
    few = counts(app, client, offer)

    grow(session, offer, FEW, MANY - FEW)
    many = counts(app, client, offer)

    file_url = f"/jeunes/{offer.world.minor.id}"
    assert shown(client, file_url, 'id="orientation-') >= MANY  # the rows are there
    assert shown(client, file_url, "Orienter vers cette place") >= MANY // 2
    for page, few_statements in few.items():
        with subtests.test(msg=page):
            many_statements = many[page]
            assert len(many_statements) <= len(few_statements), (
                f"{page} sends {len(few_statements)} SQL statements with {FEW} rows of each "
                f"kind and {len(many_statements)} with {MANY}: its count grows with its rows; "
                f"most repeated: {most_repeated(many_statements)}"
            )
