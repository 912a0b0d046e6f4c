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


SiteYear = tuple[int, int]  # (site id, school year)


def places_by_site_year(
    session: Session, wanted: Collection[SiteYear], *, excluding: int | None = None
) -> dict[SiteYear, Places]:
    """The places of each (site, school year): two queries, whatever the sites and years.
    ``excluding`` leaves one orientation out (the one being decided)."""
    if not wanted:
        return {}
    site_ids = {site_id for site_id, _ in wanted}
    years = {year for _, year in wanted}
    offered = session.execute(
        select(SitePlaces.site_id, SitePlaces.school_year, SitePlaces.places).where(
            SitePlaces.site_id.in_(site_ids), SitePlaces.school_year.in_(years)
        )
    )
    taking = (
        select(Orientation.site_id, Orientation.school_year, func.count())
        .where(
            Orientation.site_id.in_(site_ids),
            Orientation.school_year.in_(years),
            Orientation.status.in_(TAKING_A_PLACE),
        )
        .group_by(Orientation.site_id, Orientation.school_year)
    )
    if excluding is not None:
        taking = taking.where(Orientation.id != excluding)
    declared = {(site_id, year): count for site_id, year, count in offered}
    taken = {(site_id, year): count for site_id, year, count in session.execute(taking)}
    return {key: Places(offered=declared.get(key), taken=taken.get(key, 0)) for key in set(wanted)}


def site_places(
    session: Session,
    sites: Collection[ProgrammeSite],
    school_year: int,
    *,
    excluding: int | None = None,
) -> dict[int, Places]:
    """Each site's places for the school year, by site id."""
    found = places_by_site_year(
        session, {(site.id, school_year) for site in sites}, excluding=excluding
    )
    return {site_id: counted for (site_id, _), counted in found.items()}


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
