"""The shape of a right-of-access export: sections of rows, each value shown the French way
on the printable page and written as is (ISO dates) in the JSON file.

A value is a plain one (text, number, yes/no, date, instant), a list of texts, or a nested
record (a list's raw row, an orientation's steps), so that both outputs come from the same
rows and hold the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Structure, User
from psad.clock import local
from psad.youth.models import Case, Youth

Scalar: TypeAlias = str | int | bool | date | datetime | None
# Free text of several lines stays one value; a cell of the page is a text or a list.
Cell: TypeAlias = str | list[str]
# Sections with more columns than this show each row as a card (label: value) instead of a
# table's line, which an A4 page could not hold.
TABLE_COLUMNS = 6
EMPTY = "—"
NO_USER = "Application (aucun utilisateur)"
NO_DATA = "Aucune donnée enregistrée."


@dataclass(frozen=True)
class Entry:
    """One field of a nested record: its key in the JSON file, its French label."""

    key: str
    label: str
    value: Scalar


@dataclass(frozen=True)
class Record:
    """A value made of labelled fields (a row as a list gave it, a step, an amendment)."""

    entries: tuple[Entry, ...]

    @classmethod
    def of(cls, *entries: tuple[str, str, Scalar]) -> Record:
        return cls(tuple(Entry(key, label, value) for key, label, value in entries))

    def as_json(self) -> dict[str, object]:
        return {entry.key: json_scalar(entry.value) for entry in self.entries}

    def as_text(self) -> str:
        return " · ".join(f"{entry.label} : {text_of(entry.value)}" for entry in self.entries)


Value: TypeAlias = Scalar | list[str] | Record | list[Record]


@dataclass(frozen=True)
class Column:
    key: str  # English, the JSON file's key
    label: str  # French, the page's heading


@dataclass
class Section:
    """One part of the export: what the app holds of one kind, and the tables it comes from."""

    key: str
    title: str
    columns: tuple[Column, ...]
    tables: tuple[str, ...]
    empty: str = NO_DATA
    rows: list[dict[str, Value]] = field(default_factory=list)

    def add(self, **values: Value) -> None:
        unknown = set(values) - {column.key for column in self.columns}
        assert not unknown, f"{self.key}: unknown keys {sorted(unknown)}"
        self.rows.append(values)

    @property
    def as_table(self) -> bool:
        return len(self.columns) <= TABLE_COLUMNS

    def cells(self) -> list[list[tuple[str, Cell]]]:
        """Each row as (label, cell) pairs in the columns' order, for the page."""
        return [
            [(column.label, cell_of(row.get(column.key))) for column in self.columns]
            for row in self.rows
        ]

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "labels": {column.key: column.label for column in self.columns},
            "rows": [
                {column.key: json_value(row.get(column.key)) for column in self.columns}
                for row in self.rows
            ],
        }


def text_of(value: Scalar) -> str:
    """A plain value as the page shows it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime):
        return local(value).strftime("%d/%m/%Y à %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def cell_of(value: Value) -> Cell:
    if isinstance(value, Record):
        return [f"{entry.label} : {text_of(entry.value)}" for entry in value.entries]
    if isinstance(value, list):
        if not value:
            return EMPTY
        return [item.as_text() if isinstance(item, Record) else item for item in value]
    return text_of(value)


def json_scalar(value: Scalar) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def json_value(value: Value) -> object:
    if isinstance(value, Record):
        return value.as_json()
    if isinstance(value, list):
        return [item.as_json() if isinstance(item, Record) else item for item in value]
    return json_scalar(value)


def record_of(pairs: Mapping[str, Scalar]) -> Record:
    """A record whose keys are also its labels (a list's columns, as the file named them)."""
    return Record(tuple(Entry(key, key, value) for key, value in pairs.items()))


def columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, label) for key, label in pairs)


def label(item: object) -> str | None:
    """An enum's or a reference item's French label; None stays None."""
    return None if item is None else str(item.label)  # type: ignore[attr-defined]


class Gather:
    """The youth, their cases, and the names of the people and structures rows point at."""

    def __init__(self, session: Session, youth: Youth) -> None:
        self.session = session
        self.youth = youth
        self.case_ids = list(session.scalars(select(Case.id).where(Case.youth_id == youth.id)))

    def user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        user = self.session.get(User, user_id)
        return user.full_name if user else f"Compte n° {user_id}"

    def structure(self, structure_id: int | None) -> str | None:
        if structure_id is None:
            return None
        structure = self.session.get(Structure, structure_id)
        return structure.name if structure else None

    def of_cases(self, model: Any, order: Sequence[Any]) -> list[Any]:
        """The rows of ``model`` on any of the youth's cases."""
        query = select(model).where(model.case_id.in_(self.case_ids)).order_by(*order)
        return list(self.session.scalars(query))

    def of_youth(self, model: Any, order: Sequence[Any]) -> list[Any]:
        """The rows of ``model`` that name the youth."""
        query = select(model).where(model.youth_id == self.youth.id).order_by(*order)
        return list(self.session.scalars(query))


@dataclass(frozen=True)
class SectionSpec:
    """A section's key, title, columns and tables, and the function that fills its rows."""

    key: str
    title: str
    columns: tuple[Column, ...]
    tables: tuple[str, ...]
    fill: Callable[[Gather, Section], None]
    empty: str = NO_DATA

    def build(self, gather: Gather) -> Section:
        built = Section(self.key, self.title, self.columns, self.tables, self.empty)
        self.fill(gather, built)
        return built


def section(
    key: str,
    title: str,
    cols: tuple[Column, ...],
    tables: tuple[str, ...],
    empty: str = NO_DATA,
) -> Callable[[Callable[[Gather, Section], None]], SectionSpec]:
    """Declare a section: the decorated function fills its rows."""

    def declare(fill: Callable[[Gather, Section], None]) -> SectionSpec:
        return SectionSpec(key, title, cols, tables, fill, empty)

    return declare
