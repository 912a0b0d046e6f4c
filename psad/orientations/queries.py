"""The list of orientations: which ones a filter keeps, one page of them, their counts by
status, and the choices the list's filters offer.

Which orientations a viewer may see is decided above this package
(``psad.access.orientations.orientation_scope``): every function here takes that scope as a
condition. The « structure d'accueil » of an orientation is the structure that hosts its site,
or that declared its vacant place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from psad.auth.models import User
from psad.db import contains_text
from psad.orientations.models import (
    FINAL_STATUSES,
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    VacantPlace,
)
from psad.youth.identifiers import fold
from psad.youth.models import Youth
from psad.youth.queries import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS

PER_PAGE = 50
OPEN_STATUSES = tuple(status for status in OrientationStatus if status not in FINAL_STATUSES)


@dataclass(frozen=True)
class OrientationFilter:
    """What the list keeps. Empty values keep everything; ``school_year`` None is every year."""

    statuses: tuple[OrientationStatus, ...] = ()
    programme_id: int | None = None
    site_id: int | None = None
    structure_id: int | None = None  # the structure d'accueil (site's host, or vacancy's)
    school_year: int | None = None
    q: str = ""  # words of the youth's name
    open_only: bool = False

    def any_status(self) -> OrientationFilter:
        """The same filter on every status (the status badges count with it)."""
        return replace(self, statuses=(), open_only=False)

    def audit_detail(self) -> str:
        """The filter as the audit log keeps it: ids and codes, the search masked."""
        parts = {
            "statut": ",".join(status.value for status in self.statuses),
            "ouvertes": "oui" if self.open_only else "",
            "dispositif": self.programme_id,
            "site": self.site_id,
            "structure": self.structure_id,
            "annee": self.school_year,
            "recherche": "(masquée)" if self.q else "",
        }
        shown = [f"{key}={value}" for key, value in parts.items() if value]
        return "filtre=" + ("&".join(shown) or "(aucun)")


def host_condition(structure_id: int) -> ColumnElement[bool]:
    """The orientation's structure d'accueil is ``structure_id``."""
    return or_(
        Orientation.site_id.in_(
            select(ProgrammeSite.id).where(ProgrammeSite.structure_id == structure_id)
        ),
        Orientation.vacant_place_id.in_(
            select(VacantPlace.id).where(VacantPlace.structure_id == structure_id)
        ),
    )


def name_condition(q: str) -> ColumnElement[bool] | None:
    """The orientation's youth has every word of ``q`` in their name (accents and case
    ignored), as the youth list searches; None when there is nothing to search."""
    words = fold(q[:SEARCH_MAX_LENGTH]).split()[:SEARCH_MAX_WORDS]
    if not words:
        return None
    return exists().where(
        Youth.id == Orientation.youth_id,
        *(contains_text(Youth.search_key, word) for word in words),
    )


def filter_condition(chosen: OrientationFilter) -> ColumnElement[bool]:
    """The filter as one condition on ``Orientation``."""
    conditions: list[ColumnElement[bool]] = []
    if chosen.statuses:
        conditions.append(Orientation.status.in_(chosen.statuses))
    if chosen.open_only:
        conditions.append(Orientation.status.in_(OPEN_STATUSES))
    if chosen.programme_id is not None:
        conditions.append(Orientation.programme_id == chosen.programme_id)
    if chosen.site_id is not None:
        conditions.append(Orientation.site_id == chosen.site_id)
    if chosen.structure_id is not None:
        conditions.append(host_condition(chosen.structure_id))
    if chosen.school_year is not None:
        conditions.append(Orientation.school_year == chosen.school_year)
    searched = name_condition(chosen.q)
    if searched is not None:
        conditions.append(searched)
    return and_(true(), *conditions)


def listed(viewer_scope: ColumnElement[bool], chosen: OrientationFilter) -> Select[Orientation]:
    """The orientations of the list, most recently proposed first, with what a row shows."""
    return (
        select(Orientation)
        .where(viewer_scope, filter_condition(chosen))
        .options(
            joinedload(Orientation.youth),
            joinedload(Orientation.programme),
            joinedload(Orientation.site).joinedload(ProgrammeSite.structure),
            joinedload(Orientation.vacant_place).joinedload(VacantPlace.structure),
            joinedload(Orientation.proposed_by),
        )
        .order_by(Orientation.proposed_on.desc(), Orientation.id.desc())
    )


@dataclass(frozen=True)
class OrientationRow:
    """One orientation as the list and its export show it."""

    id: int
    youth_id: int
    youth_name: str  # « NOM Prénom »
    birth_year: int | None
    programme_code: str
    programme_name: str
    family: str
    place: str | None  # the site, or the vacant place
    host: str | None  # the structure d'accueil
    status: OrientationStatus
    status_on: date  # the day it reached its status
    proposed_on: date
    accepted_on: date | None
    started_on: date | None
    ended_on: date | None
    reason: str | None
    proposed_by: str | None

    @classmethod
    def of(cls, orientation: Orientation) -> OrientationRow:
        youth, programme = orientation.youth, orientation.programme
        site, vacancy = orientation.site, orientation.vacant_place
        where = site or vacancy
        host = (site.structure if site else None) or (vacancy.structure if vacancy else None)
        proposer: User | None = orientation.proposed_by
        return cls(
            id=orientation.id,
            youth_id=youth.id,
            youth_name=youth.display_name,
            birth_year=youth.birth_date.year if youth.birth_date else None,
            programme_code=programme.code,
            programme_name=programme.name,
            family=programme.family.label,
            place=where.label if where else None,
            host=host.name if host else None,
            status=orientation.status,
            status_on=status_date(orientation),
            proposed_on=orientation.proposed_on,
            accepted_on=orientation.accepted_on,
            started_on=orientation.started_on,
            ended_on=orientation.ended_on,
            reason=orientation.reason,
            proposed_by=proposer.full_name if proposer else None,
        )


def status_date(orientation: Orientation) -> date:
    """The day the orientation reached its current status."""
    reached = {
        OrientationStatus.ACCEPTED: orientation.accepted_on,
        OrientationStatus.REFUSED: orientation.refused_on,
        OrientationStatus.STARTED: orientation.started_on,
        OrientationStatus.COMPLETED: orientation.ended_on,
        OrientationStatus.ABANDONED: orientation.ended_on,
        OrientationStatus.CANCELLED: orientation.cancelled_on,
    }.get(orientation.status)
    return reached or orientation.proposed_on


@dataclass(frozen=True)
class OrientationPage:
    """One page of the list, its counts by status, and what the pagination macro asks."""

    items: list[OrientationRow]
    page: int
    per_page: int
    total: int
    by_status: dict[OrientationStatus, int] = field(default_factory=dict)

    @property
    def all_statuses(self) -> int:
        return sum(self.by_status.values())

    @property
    def open_total(self) -> int:
        return sum(self.by_status[status] for status in OPEN_STATUSES)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def status_counts(
    session: Session, viewer_scope: ColumnElement[bool], chosen: OrientationFilter
) -> dict[OrientationStatus, int]:
    """How many orientations of the filter (on any status) each status holds: one query."""
    found = dict(
        session.execute(
            select(Orientation.status, func.count())
            .where(viewer_scope, filter_condition(chosen.any_status()))
            .group_by(Orientation.status)
        ).all()
    )
    return {status: found.get(status, 0) for status in OrientationStatus}


def orientations_page(
    session: Session,
    *,
    viewer_scope: ColumnElement[bool],
    filter: OrientationFilter,
    page: int,
    per_page: int = PER_PAGE,
) -> OrientationPage:
    """Page ``page`` of the list (the last one when beyond) and the counts by status: two
    queries whatever the number of rows."""
    by_status = status_counts(session, viewer_scope, filter)
    kept = [
        status
        for status in OrientationStatus
        if (not filter.statuses or status in filter.statuses)
        and (not filter.open_only or status in OPEN_STATUSES)
    ]
    total = sum(by_status[status] for status in kept)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = session.scalars(
        listed(viewer_scope, filter).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return OrientationPage(
        items=[OrientationRow.of(orientation) for orientation in rows],
        page=page,
        per_page=per_page,
        total=total,
        by_status=by_status,
    )


EXPORT_CHUNK = 1000


def all_rows(
    session: Session, viewer_scope: ColumnElement[bool], chosen: OrientationFilter
) -> Iterator[OrientationRow]:
    """Every row of the list, streamed from the database by chunks (the export)."""
    query = listed(viewer_scope, chosen).execution_options(yield_per=EXPORT_CHUNK)
    for orientation in session.scalars(query):
        yield OrientationRow.of(orientation)


# --- what the filters offer -----------------------------------------------------------------


def programmes(session: Session) -> Sequence[Programme]:
    """Every dispositif of the catalogue, retired ones included (they stay on orientations)."""
    return session.scalars(select(Programme).order_by(Programme.position, Programme.name)).all()


def psad_sites(session: Session, psad_id: int) -> Sequence[ProgrammeSite]:
    """The PSAD's sites, with their dispositif, by dispositif then place."""
    return session.scalars(
        select(ProgrammeSite)
        .join(ProgrammeSite.programme)
        .where(ProgrammeSite.psad_id == psad_id)
        .options(joinedload(ProgrammeSite.programme))
        .order_by(Programme.code, ProgrammeSite.establishment, ProgrammeSite.commune)
    ).all()


def school_years(session: Session, psad_id: int, current: int) -> list[int]:
    """The school years the filter offers, latest first: from the earliest orientation of the
    PSAD (or the current year) to the next year."""
    years = set(
        session.scalars(
            select(Orientation.school_year).where(Orientation.psad_id == psad_id).distinct()
        )
    )
    years |= {current, current + 1}
    return list(range(max(years), min(years) - 1, -1))
