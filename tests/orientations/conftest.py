"""The follow-up's ``world`` with the territory's offer, for the orientation tests.

``offer``: the catalogue seeded (the guide's dispositifs and the national solutions); a
structure « E2C Lille » with its partner user Nadia Roche; two sites in LILLE for the school
year 2026-2027: E2C at the E2C Lille (hosted by that structure, 2 places) and Micro-lycée at
the Lycée Baggio (hosted by the Lycée Baggio, 1 place); a few communes with their centres.
``make_orientation`` writes an orientation in a given state directly (no service), for tests
that need orientations to exist rather than to be made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Role, Structure, StructureKind, User
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    OrientationStep,
    Programme,
    ProgrammeSite,
    SitePlaces,
)
from psad.orientations.seeds import ensure_catalogue
from psad.reference.models import Commune
from psad.youth.models import Case
from tests.factories import make_structure, make_user
from tests.followup.conftest import TODAY, World, frozen_clock, pilot_client, world

__all__ = ["Offer", "frozen_clock", "make_orientation", "offer", "pilot_client", "world"]

SCHOOL_YEAR = 2026
COMMUNES = [
    # code, name, postal codes, department, latitude, longitude
    ("59350", "Lille", "59000 59160 59260 59777 59800", "59", 50.6311, 3.0468),
    ("59512", "Roubaix", "59100", "59", 50.6942, 3.1746),
    ("59599", "Tourcoing", "59200", "59", 50.7239, 3.1612),
    ("80021", "Amiens", "80000 80080 80090", "80", 49.9009, 2.2907),
]


@dataclass
class Offer:
    world: World
    e2c_structure: Structure
    e2c_partner: User
    e2c: Programme
    micro_lycee: Programme
    e2c_site: ProgrammeSite  # 2 places in 2026-2027, hosted by E2C Lille
    micro_site: ProgrammeSite  # 1 place in 2026-2027, hosted by the Lycée Baggio

    def programme(self, session: Session, code: str) -> Programme:
        found = session.scalar(select(Programme).where(Programme.code == code))
        assert found is not None, code
        return found


@pytest.fixture
def offer(session: Session, world: World) -> Offer:
    ensure_catalogue(session)
    for code, name, postal, department, lat, lon in COMMUNES:
        session.add(
            Commune(
                code=code,
                name=name,
                name_key=name.lower(),
                postal_codes=postal,
                department=department,
                latitude=lat,
                longitude=lon,
            )
        )
    e2c_structure = make_structure(
        session, world.psad, name="E2C Lille", kind=StructureKind.SECOND_CHANCE_SCHOOL
    )
    e2c_partner = make_user(
        session,
        psad=world.psad,
        role=Role.PARTNER,
        structure=e2c_structure,
        email="e2c@lille.psad.example",
        full_name="Nadia Roche",
    )
    programmes = {p.code: p for p in session.scalars(select(Programme))}
    e2c_site = ProgrammeSite(
        programme=programmes["E2C"],
        psad=world.psad,
        structure=e2c_structure,
        establishment="E2C Lille Métropole",
        commune="Roubaix",
        commune_code="59512",
        places=[SitePlaces(school_year=SCHOOL_YEAR, places=2)],
    )
    micro_site = ProgrammeSite(
        programme=programmes["MICRO_LYCEE"],
        psad=world.psad,
        structure=world.school,
        uai="0590001F",
        establishment="Lycée Baggio",
        commune="Lille",
        commune_code="59350",
        places=[SitePlaces(school_year=SCHOOL_YEAR, places=1)],
    )
    session.add_all([e2c_site, micro_site])
    session.commit()
    return Offer(
        world=world,
        e2c_structure=e2c_structure,
        e2c_partner=e2c_partner,
        e2c=programmes["E2C"],
        micro_lycee=programmes["MICRO_LYCEE"],
        e2c_site=e2c_site,
        micro_site=micro_site,
    )


def make_orientation(
    session: Session,
    case: Case,
    programme: Programme,
    *,
    site: ProgrammeSite | None = None,
    status: OrientationStatus = OrientationStatus.PROPOSED,
    on: date = TODAY,
    by: User | None = None,
) -> Orientation:
    """An orientation already in ``status`` (its dates set to ``on``), flushed."""
    orientation = Orientation(
        case=case,
        youth_id=case.youth_id,
        psad_id=case.psad_id,
        programme=programme,
        site=site,
        school_year=SCHOOL_YEAR,
        status=status,
        proposed_on=on,
        proposed_by_id=by.id if by else None,
        last_news_on=on,
    )
    if status in (OrientationStatus.ACCEPTED, OrientationStatus.STARTED):
        orientation.accepted_on = on
    if status is OrientationStatus.STARTED:
        orientation.started_on = on
    orientation.steps.append(
        OrientationStep(status=status, on=on, author_id=orientation.proposed_by_id)
    )
    session.add(orientation)
    session.flush()
    return orientation
