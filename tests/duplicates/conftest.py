"""Duplicates in the follow-up's ``world`` (PSAD LILLE: pilote Claire Martin, co-pilote,
partenaire of the Lycée Baggio, lecteur; « Lefèvre Éloïse », 17, whose open case the Lycée
Baggio follows, and « Martin Hugo », 20), with ``double``: a second file of Éloïse, and
LENS, another PSAD (``tests/transfers/conftest.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.duplicates import services
from psad.duplicates.models import ProbableDuplicate
from psad.followup import services as followup
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY, World, frozen_clock, pilot_client, world
from tests.transfers.conftest import lens

__all__ = ["double", "frozen_clock", "lens", "pilot_client", "world"]


@pytest.fixture
def double(session: Session, world: World) -> Youth:
    """« LEFEBVRE Eloise », born the same day as « Lefèvre Éloïse » (one letter apart), with
    other contact details, schooling and an open case of her own, opened after the minor's;
    committed."""
    youth = make_youth(
        session,
        world.psad,
        last_name="LEFEBVRE",
        first_name="Eloise",
        birth_date=world.minor.birth_date,
        ine="0494004062M",
        phone="+33353010042",
        commune="Roubaix",
        postal_code="59100",
        school_name="Lycée Fictif Marie-Exemple",
    )
    youth.cases[0].opened_on = date(2026, 11, 2)
    session.commit()
    return youth


def refreshed(session: Session, world: World) -> None:
    """Compare the PSAD's files as the page does, and commit."""
    services.refresh_pairs(session, psad_id=world.psad.id)
    session.commit()


def pairs(session: Session, psad_id: int | None = None) -> dict[tuple[int, int], tuple[Any, ...]]:
    """The probable pairs stored (of one PSAD, or all): (low, high) → reasons."""
    session.expire_all()
    query = select(ProbableDuplicate)
    if psad_id is not None:
        query = query.where(ProbableDuplicate.psad_id == psad_id)
    return {(p.low_youth_id, p.high_youth_id): p.reason_list for p in session.scalars(query)}


def born_with(session: Session, world: World, last: str, first: str, **values: Any) -> Youth:
    """A youth of the world's PSAD born the day Éloïse was, without a case; flushed."""
    values.setdefault("birth_date", world.minor.birth_date)
    return make_youth(session, world.psad, case=False, last_name=last, first_name=first, **values)


def merge(session, world, kept, merged, from_merged=(), versions=None, **kwargs):  # type: ignore[no-untyped-def]
    """Merge ``merged`` into ``kept`` as the pilote, at NOW, from the current versions (or
    ``versions``: kept's and merged's); committed."""
    kept_version, merged_version = versions or (kept.version, merged.version)
    done = services.merge_youth(
        session,
        request=services.MergeRequest(
            kept=kept,
            merged=merged,
            from_merged=frozenset(from_merged),
            kept_version=kept_version,
            merged_version=merged_version,
        ),
        by=world.pilot,
        today=TODAY,
        now=NOW,
        actor=world.actor(world.pilot),
        **kwargs,
    )
    session.commit()
    return done


def edit(session: Session, world: World, youth: Youth, **changes: Any) -> None:
    """The co-pilote edits the youth's file (its version moves), at NOW; committed."""
    followup.edit_youth(
        session,
        youth=youth,
        changes=changes,
        by=world.copilot,
        now=NOW,
        actor=world.actor(world.copilot),
    )
    session.commit()


def dismiss(session: Session, world: World, first: Youth, second: Youth) -> None:
    """The pilote says the two youth are not the same person, at NOW; committed."""
    services.dismiss_pair(
        session, first=first, second=second, by=world.pilot, now=NOW, actor=world.actor(world.pilot)
    )
    session.commit()
