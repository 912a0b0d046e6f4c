"""Where communes are, and how far apart: for the offer's map and the vacant places' order.

A commune is found by its INSEE code when one is known, else by its name (folded: accents,
case, hyphens), the postal code choosing among homonyms. Distances are great-circle
kilometres between the communes' centres: a bird's-eye order, which is all a list of places
needs; none when either centre is unknown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from psad.reference.models import Commune
from psad.youth.identifiers import fold

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def name_key(name: str) -> str:
    """The commune's name as lookups compare it: « Saint-Quentin » → « saint quentin »."""
    return fold(name)


def locate(
    session: Session,
    *,
    code: str | None = None,
    name: str | None = None,
    postal_code: str | None = None,
) -> Commune | None:
    """The commune of an INSEE code, or of a name (and postal code among homonyms)."""
    found = Gazetteer.load(session, codes=[code], names=[name])
    return found.find(code=code, name=name, postal_code=postal_code)


@dataclass(frozen=True)
class Gazetteer:
    """The communes of many codes and names, read in one query, found as ``locate`` finds
    them: a page that places many sites or places asks the database once."""

    by_code: dict[str, Commune]
    by_name: dict[str, list[Commune]]

    @classmethod
    def load(
        cls, session: Session, *, codes: Iterable[str | None], names: Iterable[str | None]
    ) -> Gazetteer:
        wanted_codes = sorted({code for code in codes if code})
        wanted_names = sorted({name_key(name) for name in names if name})
        if not wanted_codes and not wanted_names:
            return cls({}, {})
        communes = session.scalars(
            select(Commune)
            .where(or_(Commune.code.in_(wanted_codes), Commune.name_key.in_(wanted_names)))
            .order_by(Commune.code)
        )
        by_code: dict[str, Commune] = {}
        by_name: dict[str, list[Commune]] = {}
        for commune in communes:
            by_code[commune.code] = commune
            by_name.setdefault(commune.name_key, []).append(commune)
        return cls(by_code, by_name)

    def find(
        self, *, code: str | None = None, name: str | None = None, postal_code: str | None = None
    ) -> Commune | None:
        if code and code in self.by_code:
            return self.by_code[code]
        if not name:
            return None
        candidates = self.by_name.get(name_key(name), [])
        if len(candidates) <= 1 or not postal_code:
            return candidates[0] if len(candidates) == 1 else _by_postal(candidates, postal_code)
        return _by_postal(candidates, postal_code) or candidates[0]


def _by_postal(candidates: list[Commune], postal_code: str | None) -> Commune | None:
    if not candidates or not postal_code:
        return None
    for commune in candidates:
        if postal_code in (commune.postal_codes or "").split():
            return commune
    department = postal_code[:2]
    same_department = [c for c in candidates if c.department.startswith(department)]
    return same_department[0] if same_department else None


def point_of(commune: Commune | None) -> Point | None:
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return Point(commune.latitude, commune.longitude)


def distance_km(a: Point | None, b: Point | None) -> float | None:
    """Great-circle distance between two points (haversine), None when one is unknown."""
    if a is None or b is None:
        return None
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Frame:
    """A plane projection of a set of points onto an SVG view box (equirectangular, scaled
    by the cosine of the mean latitude: true enough at the scale of a bassin)."""

    min_x: float
    max_y: float
    scale: float
    cos_latitude: float
    width: int
    height: int
    margin: int

    def place(self, point: Point) -> tuple[float, float]:
        x, y = _plane(point, self.cos_latitude)
        return (
            round(self.margin + (x - self.min_x) * self.scale, 1),
            round(self.margin + (self.max_y - y) * self.scale, 1),
        )


def _plane(point: Point, cos_latitude: float) -> tuple[float, float]:
    return point.longitude * cos_latitude, point.latitude


def frame_of(points: Iterable[Point], *, width: int = 600, margin: int = 30) -> Frame | None:
    """The frame that fits every point in ``width`` pixels (height follows the shape)."""
    points = list(points)
    if not points:
        return None
    cos_latitude = math.cos(math.radians(sum(p.latitude for p in points) / len(points)))
    planes = [_plane(point, cos_latitude) for point in points]
    xs, ys = [x for x, _ in planes], [y for _, y in planes]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    span = max(span_x, span_y, 0.05)
    scale = (width - 2 * margin) / span
    height = int(span_y * scale) + 2 * margin
    return Frame(
        min_x=min(xs),
        max_y=max(ys),
        scale=scale,
        cos_latitude=cos_latitude,
        width=width,
        height=height,
        margin=margin,
    )
