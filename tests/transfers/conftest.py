"""Two PSADs for the transfer tests: the follow-up's ``world`` (LILLE: pilote Claire Martin,
co-pilote, partenaire of the Lycée Baggio, lecteur; « Lefèvre Éloïse », whose case the
Lycée Baggio follows, and « Martin Hugo ») and LENS, with its pilote Julie Roux and
co-pilote Paul Henry; a transfer made as people make it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, Role, User
from psad.transfers import services
from psad.transfers.models import Transfer
from psad.youth.models import Youth
from tests.factories import make_psad, make_user
from tests.followup.conftest import NOW, World, frozen_clock, pilot_client, world

__all__ = ["Lens", "frozen_clock", "lens", "offer", "pilot_client", "world"]


@dataclass
class Lens:
    psad: Psad
    pilot: User
    copilot: User

    def actor(self, user: User) -> Actor:
        return Actor(user_id=user.id, psad_id=self.psad.id, ip_address="192.0.2.2")


@pytest.fixture
def lens(session: Session, world: World) -> Lens:
    psad = make_psad(session, code="LENS", name="PSAD de Lens")
    pilot = make_user(
        session,
        psad=psad,
        role=Role.PILOT,
        email="pilote@lens.psad.example",
        full_name="Julie Roux",
    )
    copilot = make_user(
        session,
        psad=psad,
        role=Role.COPILOT,
        email="copilote@lens.psad.example",
        full_name="Paul Henry",
    )
    session.commit()
    return Lens(psad=psad, pilot=pilot, copilot=copilot)


def offer(
    session: Session,
    world: World,
    lens: Lens,
    *,
    youth: Youth | None = None,
    comment: str = "Déménagement à Lens chez sa mère.",
) -> Transfer:
    """LILLE's pilote offers ``youth`` (Lefèvre Éloïse by default) to LENS at NOW;
    committed."""
    transfer = services.propose_transfer(
        session,
        youth=youth or world.minor,
        to_psad=lens.psad,
        comment=comment,
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )
    session.commit()
    return transfer
