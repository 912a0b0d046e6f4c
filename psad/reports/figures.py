"""What the bilan is made of: a period, the PSADs it covers, and indicators, each with its
written definition and its value for the period and for the previous one.

An indicator is defined once (``Indicator``): its French label, the definition shown beside
the figure and in the export, and the query that computes it in the database. The dashboard,
the regional view, the workbook and ``psad bilan`` all read the same ``Bilan``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select
from sqlalchemy.orm import Session

from psad.schoolyear import school_year_bounds, school_year_label, school_year_of


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both included (Paris days)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("end before start")

    @classmethod
    def school_year(cls, year: int) -> Period:
        start, end = school_year_bounds(year)
        return cls(start, end)

    @classmethod
    def school_year_of(cls, day: date) -> Period:
        return cls.school_year(school_year_of(day))

    @property
    def is_school_year(self) -> bool:
        return self == Period.school_year_of(self.start)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The school year before a school year; otherwise the same number of days just
        before ``start``."""
        if self.is_school_year:
            return Period.school_year(school_year_of(self.start) - 1)
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    @property
    def label(self) -> str:
        if self.is_school_year:
            return f"année scolaire {school_year_label(school_year_of(self.start))}"
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class Scope:
    """The PSADs and the period an indicator is computed for."""

    psad_ids: tuple[int, ...]
    period: Period


class Theme(enum.StrEnum):
    """The bilan's chapters: one dashboard section and one sheet of the workbook each."""

    FUNNEL = "funnel"
    SITUATIONS = "situations"
    PROFILE = "profile"
    DELAYS = "delays"
    LEGAL = "legal"
    COMMITTEES = "committees"
    ORIENTATIONS = "orientations"
    MOVES = "moves"

    @property
    def label(self) -> str:
        return THEME_LABELS[self]


THEME_LABELS = {
    Theme.FUNNEL: "Du repérage à la solution",
    Theme.SITUATIONS: "Situations et sorties",
    Theme.PROFILE: "Profil des jeunes",
    Theme.DELAYS: "Délais",
    Theme.LEGAL: "DARFI et obligation de formation",
    Theme.COMMITTEES: "Comités techniques",
    Theme.ORIENTATIONS: "Orientations et places",
    Theme.MOVES: "Transferts et contacts",
}


class Unit(enum.StrEnum):
    YOUTH = "youth"  # distinct youth: a youth counts once per indicator
    COUNT = "count"  # events (comités held, decisions...)
    DAYS = "days"  # a median number of days
    PERCENT = "percent"  # a share, 0 to 100

    @property
    def label(self) -> str:
        return {
            Unit.YOUTH: "jeunes",
            Unit.COUNT: "nombre",
            Unit.DAYS: "jours (médiane)",
            Unit.PERCENT: "%",
        }[self]


@dataclass(frozen=True)
class Value:
    """A figure: ``number`` (None when undefined: a median of nobody), and ``base``, the
    number of youth it is computed on for a median or a share (masking needs it)."""

    number: int | float | None
    base: int | None = None


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a stable key (used in links), its French label, its value."""

    key: str
    label: str
    value: Value


Computed = Value | list[Row]


@dataclass(frozen=True)
class Indicator:
    code: str  # stable, lower-case, used in URLs and the workbook (« listed », « by_sex »)
    theme: Theme
    label: str  # « Jeunes repérés »
    definition: str  # what is counted, on which date, what is excluded (French, one paragraph)
    unit: Unit
    compute: Callable[[Session, Scope], Computed]
    # The youth behind the figure (``key``: a breakdown's row, None for a scalar): a
    # ``select(Youth.id)``-like query, for the roles that see names. None: not youth-based.
    youth: Callable[[Scope, str | None], Select[tuple[int]]] | None = None
    breakdown: bool = False


@dataclass(frozen=True)
class Result:
    indicator: Indicator
    current: Computed
    previous: Computed


@dataclass
class Bilan:
    scope: Scope
    previous: Scope
    psad_names: list[str]
    produced_at: datetime
    results: dict[str, Result] = field(default_factory=dict)

    def by_theme(self) -> dict[Theme, list[Result]]:
        themes: dict[Theme, list[Result]] = {theme: [] for theme in Theme}
        for result in self.results.values():
            themes[result.indicator.theme].append(result)
        return themes
