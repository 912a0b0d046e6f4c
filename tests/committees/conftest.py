"""A PSAD with its offer and a comité technique to prepare, for the comités' tests.

``comite``: the orientations' ``offer`` world (PSAD LILLE, pilote Claire Martin, co-pilote
Karim Benali, partner Sophie Durand of the Lycée Baggio, reader Luc Petit, E2C partner
Nadia Roche; « Lefèvre Éloïse », 17, followed by the Lycée Baggio; « Martin Hugo », 20,
followed by nobody; the E2C and micro-lycée sites) and a draft comité technique on
Tuesday 8 December 2026 at 14:00 (Paris), the CIO and the mission locale invited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from psad.committees.models import Committee, CommitteeKind, CommitteeRhythm
from tests.followup.conftest import World
from tests.orientations.conftest import (
    Offer,
    frozen_clock,
    make_orientation,
    offer,
    pilot_client,
    world,
)

__all__ = [
    "Comite",
    "comite",
    "frozen_clock",
    "make_orientation",
    "offer",
    "pilot_client",
    "world",
]

MEETING_AT = datetime(2026, 12, 8, 13, 0, tzinfo=UTC)  # 14:00 in Paris


@dataclass
class Comite:
    offer: Offer
    committee: Committee

    @property
    def world(self) -> World:
        return self.offer.world


@pytest.fixture
def comite(session: Session, offer: Offer) -> Comite:
    world = offer.world
    session.add(CommitteeRhythm(psad_id=world.psad.id, place="CIO de Lille, salle 2"))
    committee = Committee(
        psad=world.psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=MEETING_AT,
        place="CIO de Lille, salle 2",
        invited=[world.cio, world.mission],
        created_by_id=world.pilot.id,
    )
    session.add(committee)
    session.commit()
    return Comite(offer=offer, committee=committee)
