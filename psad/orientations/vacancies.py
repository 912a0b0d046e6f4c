"""Vacant places for the return to school (DARFI, réseau FOQUALE).

(Interface fixed before the work is split; the vacant places' part fills it in.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from psad.orientations.models import VacantPlace
from psad.orientations.places import Places
from psad.youth.models import Youth


@dataclass(frozen=True)
class Match:
    """A vacant place shown to a youth asking to return to school, and why it is there."""

    vacancy: VacantPlace
    places: Places
    distance_km: float | None  # from the youth's commune; None when either is unknown
    formation_match: bool  # the formation or field meets the youth's wish or last formation
    why: str  # « même formation que le souhait », « à 12 km »...


def matches_for(session: Session, *, youth: Youth, today: date) -> list[Match]:
    """The current vacant places of the youth's PSAD that a return to school could take, best
    first: formation or field matching, then distance from the youth's commune, then date.
    Empty when the youth has no DARFI request."""
    return []
