"""The sites (implantations) of the dispositifs in each PSAD, and their places per school year.

Administrators record sites in any PSAD, a pilote in their own; a site names its establishment
(UAI checked with its key), its commune (located in the communes list for the offer's map when
found) and the partner structure that hosts the youth, whose members then see those it
received. A dispositif's page shows its sites with the places left this school year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad, Structure
from psad.orientations import geo, places
from psad.orientations.catalogue import (
    CatalogueError,
    clean,
    rules_in_words,
    situation_labels,
)
from psad.orientations.models import Orientation, Programme, ProgrammeSite, SitePlaces
from psad.youth.identifiers.codes import normalize_uai


@dataclass(frozen=True)
class SiteRow:
    site: ProgrammeSite
    places: places.Places


def site_rows(session: Session, sites: Sequence[ProgrammeSite], school_year: int) -> list[SiteRow]:
    counted = places.site_places(session, sites, school_year)
    return [SiteRow(site, counted[site.id]) for site in sites]


def sites_of(session: Session, programme: Programme, psad_id: int | None) -> list[ProgrammeSite]:
    """The programme's sites in a PSAD (every PSAD's when ``psad_id`` is None)."""
    query = (
        select(ProgrammeSite)
        .where(ProgrammeSite.programme_id == programme.id)
        .options(
            selectinload(ProgrammeSite.places),
            selectinload(ProgrammeSite.psad),
            selectinload(ProgrammeSite.structure),
        )
        .order_by(ProgrammeSite.active.desc(), ProgrammeSite.commune, ProgrammeSite.id)
    )
    if psad_id is not None:
        query = query.where(ProgrammeSite.psad_id == psad_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ProgrammePage:
    programme: Programme
    rules: list[str]
    sites: list[SiteRow]
    orientations: int  # how many orientations name it (in the PSAD, or everywhere)


def programme_page(
    session: Session, programme: Programme, *, psad_id: int | None, school_year: int
) -> ProgrammePage:
    count = select(func.count()).where(Orientation.programme_id == programme.id)
    if psad_id is not None:
        count = count.where(Orientation.psad_id == psad_id)
    return ProgrammePage(
        programme=programme,
        rules=rules_in_words(programme, situation_labels(session)),
        sites=site_rows(session, sites_of(session, programme, psad_id), school_year),
        orientations=session.scalar(count) or 0,
    )


# --- sites --------------------------------------------------------------------------------


def psad_choices(session: Session) -> list[tuple[int, str]]:
    """The active PSADs, for an administrator who works in none."""
    rows = session.scalars(select(Psad).where(Psad.active.is_(True)).order_by(Psad.code))
    return [(psad.id, f"{psad.code} · {psad.name}") for psad in rows]


def structure_choices(
    session: Session, psad_id: int | None, current: Structure | None = None
) -> list[tuple[int, str]]:
    """The active structures of the PSAD (of every PSAD, named with it, when None), and the
    site's current structure even if it was deactivated since."""
    query = select(Structure).join(Psad).order_by(Psad.code, Structure.name)
    query = query.where(Structure.active.is_(True))
    if psad_id is not None:
        query = query.where(Structure.psad_id == psad_id)
    found = list(session.scalars(query))
    if current is not None and current not in found:
        found.append(current)
    if psad_id is not None:
        return [(structure.id, structure.name) for structure in found]
    return [(structure.id, f"{structure.psad.code} · {structure.name}") for structure in found]


@dataclass(frozen=True)
class SiteData:
    commune: str
    uai: str | None = None
    establishment: str | None = None
    postal_code: str | None = None  # only to tell homonymous communes apart
    address: str | None = None
    contact: str | None = None
    structure_id: int | None = None
    active: bool = True
    places: Mapping[int, int | None] | None = None  # school year → places (None: undeclared)


def save_site(
    session: Session,
    *,
    programme: Programme,
    psad_id: int,
    site: ProgrammeSite | None,
    data: SiteData,
    actor: Actor,
) -> ProgrammeSite:
    """Add (``site`` None) or edit a site of the programme in the PSAD, with its places."""
    if site is None and not programme.is_active:
        raise CatalogueError(
            "Ce dispositif est retiré du catalogue : pas de nouvelle implantation."
        )
    uai, problem = normalize_uai(data.uai)
    if problem:
        raise CatalogueError(problem, "uai")
    commune_name = " ".join(data.commune.split())
    if not commune_name:
        raise CatalogueError("Donnez la commune de l'implantation.", "commune")
    structure = session.get(Structure, data.structure_id) if data.structure_id else None
    if structure is not None and structure.psad_id != psad_id:
        raise CatalogueError("Cette structure n'est pas une structure de la PSAD.", "structure_id")
    commune = geo.locate(session, name=commune_name, postal_code=clean(data.postal_code))
    if site is None:
        site = ProgrammeSite(programme=programme, psad_id=psad_id, places=[])
        session.add(site)
    site.commune = commune.name if commune else commune_name
    site.commune_code = commune.code if commune else None
    site.uai, site.structure, site.active = uai, structure, data.active
    site.establishment, site.address = clean(data.establishment), clean(data.address)
    site.contact = clean(data.contact)
    _set_places(site, data.places or {})
    session.flush()
    declared = ",".join(f"{p.school_year}:{p.places}" for p in site.places)
    record(
        session,
        actor,
        AuditAction.SITE_SAVED,
        object_type="programme_site",
        object_id=site.id,
        detail=f"code={programme.code}; uai={uai or '-'}; places={declared or '-'}",
        psad_id=psad_id,
    )
    return site


def _set_places(site: ProgrammeSite, wanted: Mapping[int, int | None]) -> None:
    by_year = {row.school_year: row for row in site.places}
    for year, count in wanted.items():
        row = by_year.get(year)
        if count is None and row is not None:
            site.places.remove(row)
        elif count is not None and row is None:
            site.places.append(SitePlaces(school_year=year, places=count))
        elif count is not None and row is not None:
            row.places = count
