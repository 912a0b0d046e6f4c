"""A PSAD at work for the follow-up tests, and a clock that stands still.

``world``: the PSAD LILLE (seeded reference lists), its structures (CIO, mission locale,
Lycée Baggio), a pilote, a co-pilote, a partenaire of the Lycée Baggio and a lecteur;
« Lefèvre Éloïse », 17, whose open case is assigned to the Lycée Baggio, and « Martin
Hugo », 20, whose open case is assigned to nobody. ``frozen_clock`` fixes ``today`` to
TODAY and ``now`` to 10:00 that day (Paris) for the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.services import Actor
from psad.auth.models import Psad, Role, Structure, StructureKind, User
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import ensure_seeded, item_by_code
from psad.youth.models import Case, Youth
from tests.factories import make_psad, make_structure, make_user, make_youth

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10:00 in Paris


@dataclass
class World:
    psad: Psad
    cio: Structure
    mission: Structure
    school: Structure
    pilot: User
    copilot: User
    partner: User
    reader: User
    minor: Youth  # Lefèvre Éloïse, 17, case assigned to the school
    adult: Youth  # Martin Hugo, 20, case assigned to nobody

    def actor(self, user: User) -> Actor:
        return Actor(user_id=user.id, psad_id=self.psad.id, ip_address="192.0.2.1")

    @property
    def minor_case(self) -> Case:
        return self.minor.cases[0]

    @property
    def adult_case(self) -> Case:
        return self.adult.cases[0]


def reference(session: Session, kind: ReferenceKind, code: str) -> ReferenceItem:
    item = item_by_code(session, kind, code)
    assert item is not None, (kind, code)
    return item


@pytest.fixture
def world(session: Session) -> World:
    ensure_seeded(session)
    psad = make_psad(session, code="LILLE", name="PSAD de Lille")
    cio = make_structure(session, psad, name="CIO de Lille", kind=StructureKind.CIO)
    mission = make_structure(
        session, psad, name="Mission locale de Lille", kind=StructureKind.LOCAL_MISSION
    )
    school = make_structure(session, psad, name="Lycée Baggio", kind=StructureKind.SCHOOL)
    users = {
        role: make_user(
            session,
            psad=psad,
            role=role,
            structure=structure,
            email=f"{role.value}@lille.psad.example",
            full_name=name,
        )
        for role, structure, name in [
            (Role.PILOT, cio, "Claire Martin"),
            (Role.COPILOT, mission, "Karim Benali"),
            (Role.PARTNER, school, "Sophie Durand"),
            (Role.READER, None, "Luc Petit"),
        ]
    }
    minor = make_youth(
        session,
        psad,
        last_name="Lefèvre",
        first_name="Éloïse",
        birth_date=date(2009, 3, 14),
        referent_structure=school,
    )
    adult = make_youth(
        session, psad, last_name="Martin", first_name="Hugo", birth_date=date(2006, 5, 2)
    )
    session.commit()
    return World(
        psad=psad,
        cio=cio,
        mission=mission,
        school=school,
        pilot=users[Role.PILOT],
        copilot=users[Role.COPILOT],
        partner=users[Role.PARTNER],
        reader=users[Role.READER],
        minor=minor,
        adult=adult,
    )


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pages see TODAY and NOW (services get them as arguments anyway)."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: NOW)
    yield


@pytest.fixture
def pilot_client(client, world: World, frozen_clock: None):  # type: ignore[no-untyped-def]
    """The test client, signed in as the world's pilote, on the frozen clock."""
    client.sign_in(world.pilot)
    return client
