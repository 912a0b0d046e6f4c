"""The territory's offer: a PSAD's dispositifs by family, with their sites and places left, and
the map of the sites drawn on the server.

The page lists the active dispositifs with an active site in the PSAD, by the guide's five
families, then the other active dispositifs (national solutions and entries without a site
here). The map places each commune with a site at its centre (communes shipped with the app,
no internet), one dot per family present there; the table of the same data goes with it, and
the sites whose commune has no coordinates are named under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from psad.auth.models import Psad
from psad.orientations import geo
from psad.orientations.catalogue import rules_in_words, situation_labels
from psad.orientations.models import Programme, ProgrammeFamily, ProgrammeSite
from psad.orientations.sites import SiteRow, site_rows

# Dark enough for a white letter on each; the letter tells the families apart without colour
FAMILY_COLOURS = {
    ProgrammeFamily.SUPPORT: "#1f4e79",
    ProgrammeFamily.REMOBILISATION: "#9a4a00",
    ProgrammeFamily.QUALIFICATION: "#2e6b30",
    ProgrammeFamily.INSERTION: "#6a1b9a",
    ProgrammeFamily.PREVENTION: "#b02a37",
}
FAMILY_LETTERS = {
    ProgrammeFamily.SUPPORT: "A",
    ProgrammeFamily.REMOBILISATION: "R",
    ProgrammeFamily.QUALIFICATION: "Q",
    ProgrammeFamily.INSERTION: "I",
    ProgrammeFamily.PREVENTION: "P",
}
FAMILY_ORDER = list(ProgrammeFamily)  # the guide's legend order
MAP_WIDTH = 640
MAP_MARGIN = 70  # room for the communes' names at the edges
DOT_RADIUS = 12
DOT_SPACING = 26


@dataclass(frozen=True)
class Legend:
    family: ProgrammeFamily
    colour: str
    letter: str


LEGEND = [Legend(f, FAMILY_COLOURS[f], FAMILY_LETTERS[f]) for f in ProgrammeFamily]


@dataclass(frozen=True)
class OfferEntry:
    programme: Programme
    rules: list[str]
    sites: list[SiteRow]


@dataclass(frozen=True)
class Dot:
    x: float
    legend: Legend


@dataclass(frozen=True)
class Marker:
    """One commune on the map: a dot per family of the dispositifs implanted there."""

    commune: str
    x: float
    y: float
    dots: tuple[Dot, ...]
    title: str


@dataclass(frozen=True)
class OfferMap:
    width: int
    height: int
    markers: list[Marker]
    radius: int = DOT_RADIUS


@dataclass(frozen=True)
class CommuneRow:
    """A commune with sites, and the dispositifs there (« Nom (Famille) »)."""

    commune: str
    programmes: list[str]
    located: bool


@dataclass(frozen=True)
class OfferPage:
    psad: Psad
    families: list[tuple[ProgrammeFamily, list[OfferEntry]]]
    others: list[Programme]
    map: OfferMap | None
    communes: list[CommuneRow]
    legend: list[Legend]

    @property
    def unplaced(self) -> list[CommuneRow]:
        return [row for row in self.communes if not row.located]


def active_sites(session: Session, psad_id: int) -> list[ProgrammeSite]:
    """The PSAD's active sites of active dispositifs, in the catalogue's order."""
    query = (
        select(ProgrammeSite)
        .join(ProgrammeSite.programme)
        .where(
            ProgrammeSite.psad_id == psad_id,
            ProgrammeSite.active.is_(True),
            Programme.retired_on.is_(None),
        )
        .options(
            selectinload(ProgrammeSite.programme).selectinload(Programme.rules),
            selectinload(ProgrammeSite.structure),
        )
        .order_by(Programme.position, Programme.name, ProgrammeSite.commune, ProgrammeSite.id)
    )
    return list(session.scalars(query))


def offer_page(session: Session, *, psad: Psad, school_year: int) -> OfferPage:
    sites = active_sites(session, psad.id)
    rows = site_rows(session, sites, school_year)
    situations = situation_labels(session)
    by_programme: dict[int, OfferEntry] = {}
    for row in rows:
        programme = row.site.programme
        if programme.id not in by_programme:
            by_programme[programme.id] = OfferEntry(
                programme, rules_in_words(programme, situations), []
            )
        by_programme[programme.id].sites.append(row)
    entries = list(by_programme.values())
    families = [(f, [e for e in entries if e.programme.family is f]) for f in ProgrammeFamily]
    others = session.scalars(
        select(Programme)
        .where(Programme.retired_on.is_(None), Programme.id.not_in(list(by_programme)))
        .order_by(Programme.position, Programme.name)
    )
    communes, markers = _communes(session, sites)
    return OfferPage(
        psad=psad,
        families=[(family, found) for family, found in families if found],
        others=sorted(others, key=lambda programme: FAMILY_ORDER.index(programme.family)),
        map=markers,
        communes=communes,
        legend=LEGEND,
    )


def _communes(
    session: Session, sites: Sequence[ProgrammeSite]
) -> tuple[list[CommuneRow], OfferMap | None]:
    """The communes with sites (table rows) and the map of those with coordinates."""
    groups: dict[str, list[ProgrammeSite]] = {}
    for site in sites:
        groups.setdefault(site.commune_code or geo.name_key(site.commune), []).append(site)
    communes = geo.Gazetteer.load(
        session,
        codes=[site.commune_code for site in sites],
        names=[site.commune for site in sites],
    )
    located: list[tuple[str, geo.Point, list[ProgrammeSite]]] = []
    rows = []
    for grouped in groups.values():
        first = grouped[0]
        commune = communes.find(code=first.commune_code, name=first.commune)
        point = geo.point_of(commune)
        name = commune.name if commune is not None else first.commune
        names = list(dict.fromkeys(_named(site.programme) for site in grouped))
        rows.append(CommuneRow(name, names, point is not None))
        if point is not None:
            located.append((name, point, grouped))
    rows.sort(key=lambda row: geo.name_key(row.commune))
    return rows, _map(located)


def _named(programme: Programme) -> str:
    return f"{programme.name} ({programme.family.label})"


def _map(located: list[tuple[str, geo.Point, list[ProgrammeSite]]]) -> OfferMap | None:
    frame = geo.frame_of((point for _, point, _ in located), width=MAP_WIDTH, margin=MAP_MARGIN)
    if frame is None:
        return None
    markers = []
    for name, point, grouped in sorted(located, key=lambda item: geo.name_key(item[0])):
        x, y = frame.place(point)
        families = sorted({site.programme.family for site in grouped}, key=FAMILY_ORDER.index)
        first_x = x - DOT_SPACING * (len(families) - 1) / 2
        dots = tuple(
            Dot(round(first_x + DOT_SPACING * index, 1), LEGEND[FAMILY_ORDER.index(f)])
            for index, f in enumerate(families)
        )
        names = ", ".join(dict.fromkeys(_named(site.programme) for site in grouped))
        markers.append(Marker(name, x, y, dots, f"{name} : {names}"))
    return OfferMap(width=frame.width, height=frame.height, markers=markers)
