"""Places offered, taken and left: of each site for a school year, and of each vacant place.

A place is taken by an orientation that is accepted or started (``TAKING_A_PLACE``): a
proposal takes none yet, and one refused, cancelled or ended gives its place back. Counted
in one grouped query per page, never per site.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.orientations.models import (
    TAKING_A_PLACE,
    Orientation,
    ProgrammeSite,
    SitePlaces,
    VacantPlace,
)


@dataclass(frozen=True)
class Places:
    """A site's places for a school year (``offered`` None: not declared for that year)."""

    offered: int | None
    taken: int

    @property
    def left(self) -> int | None:
        return None if self.offered is None else max(0, self.offered - self.taken)

    @property
    def is_full(self) -> bool:
        return self.offered is not None and self.taken >= self.offered

    @property
    def text(self) -> str:
        if self.offered is None:
            return "places non déclarées"
        if self.is_full:
            return f"complet ({self.taken} / {self.offered})"
        left = self.left
        plural = "s" if left != 1 else ""
        return f"{left} place{plural} libre{plural} sur {self.offered}"


def taken_by_site(
    session: Session, site_ids: Collection[int], school_year: int, *, excluding: int | None = None
) -> dict[int, int]:
    """Places taken at each site for the school year (sites with none are left out).
    ``excluding`` leaves one orientation out (the one being decided)."""
    if not site_ids:
        return {}
    query = (
        select(Orientation.site_id, func.count())
        .where(
            Orientation.site_id.in_(site_ids),
            Orientation.school_year == school_year,
            Orientation.status.in_(TAKING_A_PLACE),
        )
        .group_by(Orientation.site_id)
    )
    if excluding is not None:
        query = query.where(Orientation.id != excluding)
    return {site_id: count for site_id, count in session.execute(query) if site_id is not None}


def offered_by_site(
    session: Session, site_ids: Collection[int], school_year: int
) -> dict[int, int]:
    if not site_ids:
        return {}
    rows = session.execute(
        select(SitePlaces.site_id, SitePlaces.places).where(
            SitePlaces.site_id.in_(site_ids), SitePlaces.school_year == school_year
        )
    )
    return {site_id: places for site_id, places in rows}


def site_places(
    session: Session,
    sites: Collection[ProgrammeSite],
    school_year: int,
    *,
    excluding: int | None = None,
) -> dict[int, Places]:
    """Each site's places for the school year, by site id."""
    ids = [site.id for site in sites]
    offered = offered_by_site(session, ids, school_year)
    taken = taken_by_site(session, ids, school_year, excluding=excluding)
    return {
        site_id: Places(offered=offered.get(site_id), taken=taken.get(site_id, 0))
        for site_id in ids
    }


def vacancy_places(
    session: Session, vacancies: Collection[VacantPlace], *, excluding: int | None = None
) -> dict[int, Places]:
    """Each vacant place's places declared and taken by orientations, by id."""
    ids = [vacancy.id for vacancy in vacancies]
    if not ids:
        return {}
    query = (
        select(Orientation.vacant_place_id, func.count())
        .where(Orientation.vacant_place_id.in_(ids), Orientation.status.in_(TAKING_A_PLACE))
        .group_by(Orientation.vacant_place_id)
    )
    if excluding is not None:
        query = query.where(Orientation.id != excluding)
    taken = {vacancy_id: count for vacancy_id, count in session.execute(query)}
    return {
        vacancy.id: Places(offered=vacancy.places, taken=taken.get(vacancy.id, 0))
        for vacancy in vacancies
    }


def is_current(vacancy: VacantPlace, today: date) -> bool:
    """A vacant place shows in matches until its date, unless withdrawn."""
    return vacancy.withdrawn_at is None and vacancy.available_until >= today
