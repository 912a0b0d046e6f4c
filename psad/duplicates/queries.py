"""The questions about duplicates: the probable pairs of a PSAD (kept up to date by
``services.refresh_pairs``), the two files of a pair side by side, and where a merged file
went (``merged_into``).

Every question that lists or opens youth takes the viewer's scope
(``psad.access.youth.youth_scope``), a condition on ``Youth``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from psad.duplicates import rules
from psad.duplicates.models import DuplicateDismissal, ProbableDuplicate, YouthMerge
from psad.followup.models import Contact
from psad.imports.models import Listing
from psad.youth.identifiers import fold, format_phone
from psad.youth.models import Case, Guardian, Youth
from psad.youth.services import FIELD_LABELS

PAGE_SIZE = 25


def _in_scope(
    column: InstrumentedAttribute[int], scope: ColumnElement[bool]
) -> ColumnElement[bool]:
    """The youth ``column`` names is in the viewer's scope. A scalar subquery with LIMIT:
    the database looks each pair's youth up by its key, rather than reading every youth of
    the PSAD to join them (a hash join PostgreSQL would choose for an EXISTS)."""
    one = select(Youth.id).where(Youth.id == column, scope).limit(1).scalar_subquery()
    return one.is_not(None)


def _not_dismissed() -> ColumnElement[bool]:
    return ~exists().where(
        DuplicateDismissal.low_youth_id == ProbableDuplicate.low_youth_id,
        DuplicateDismissal.high_youth_id == ProbableDuplicate.high_youth_id,
    )


def probable_pairs(psad_id: int, scope: ColumnElement[bool]) -> Select[ProbableDuplicate]:
    """The PSAD's probable pairs whose two youth the viewer sees, not marked « pas un
    doublon », strongest reason first (an index answers the order and the page)."""
    return (
        select(ProbableDuplicate)
        .where(
            ProbableDuplicate.psad_id == psad_id,
            _in_scope(ProbableDuplicate.low_youth_id, scope),
            _in_scope(ProbableDuplicate.high_youth_id, scope),
            _not_dismissed(),
        )
        .options(selectinload(ProbableDuplicate.low), selectinload(ProbableDuplicate.high))
        .order_by(
            ProbableDuplicate.strength,
            ProbableDuplicate.low_youth_id,
            ProbableDuplicate.high_youth_id,
        )
    )


def pairs_of(
    session: Session, scope: ColumnElement[bool], youth_id: int
) -> list[ProbableDuplicate]:
    """The probable pairs a youth is part of (for the hint on their file), as last found."""
    query = (
        select(ProbableDuplicate)
        .where(
            or_(
                ProbableDuplicate.low_youth_id == youth_id,
                ProbableDuplicate.high_youth_id == youth_id,
            ),
            _in_scope(ProbableDuplicate.low_youth_id, scope),
            _in_scope(ProbableDuplicate.high_youth_id, scope),
            _not_dismissed(),
        )
        .options(selectinload(ProbableDuplicate.low), selectinload(ProbableDuplicate.high))
        .order_by(ProbableDuplicate.strength)
    )
    return list(session.scalars(query))


def is_dismissed(session: Session, first_id: int, second_id: int) -> bool:
    low, high = sorted((first_id, second_id))
    return session.get(DuplicateDismissal, (low, high)) is not None


def identity_of(youth: Youth) -> rules.Identity:
    return rules.Identity.of(youth.identity_key, youth.ine, (youth.phone, youth.other_phone))


def pair_reasons(first: Youth, second: Youth) -> tuple[rules.Reason, ...]:
    """Why two youth are probably the same person, as the files say now (strongest first)."""
    found = rules.reasons(identity_of(first), identity_of(second))
    return tuple(sorted(found, key=lambda reason: reason.rank))


# --- the two files side by side --------------------------------------------------------------

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Identité", ("last_name", "first_name", "sex", "birth_date", "birth_place", "ine")),
    ("Coordonnées", ("address", "postal_code", "commune", "phone", "other_phone", "email")),
    (
        "Dernière scolarité",
        (
            "school_uai",
            "school_name",
            "school_commune",
            "school_academy",
            "formation",
            "level",
            "track",
            "school_entry_date",
            "school_exit_date",
            "exit_reason",
        ),
    ),
)


def shown(youth: Youth, name: str) -> str:
    """A field's value as people read it (« — » when empty)."""
    value = getattr(youth, name)
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if name in ("phone", "other_phone"):
        return format_phone(value) or str(value)
    label = getattr(value, "label", None)
    return str(label) if label is not None else str(value)


@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    first: str
    second: str
    differs: bool


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[FieldRow, ...]


def differing_fields(first: Youth, second: Youth) -> list[str]:
    """The file's fields whose values differ, in the file's order."""
    return [
        name
        for _, names in SECTIONS
        for name in names
        if getattr(first, name) != getattr(second, name)
    ]


def side_by_side(first: Youth, second: Youth) -> list[Section]:
    differing = set(differing_fields(first, second))
    return [
        Section(
            title,
            tuple(
                FieldRow(
                    name,
                    FIELD_LABELS[name].capitalize() if name != "ine" else FIELD_LABELS[name],
                    shown(first, name),
                    shown(second, name),
                    name in differing,
                )
                for name in names
            ),
        )
        for title, names in SECTIONS
    ]


@dataclass(frozen=True)
class FileHoldings:
    """What hangs on a youth's file besides its fields."""

    cases: list[Case]
    guardians: list[Guardian]
    listings: int
    contacts: int


def holdings(session: Session, youth: Youth) -> FileHoldings:
    listings = session.scalar(
        select(func.count()).select_from(Listing).where(Listing.youth_id == youth.id)
    )
    contacts = session.scalar(
        select(func.count())
        .select_from(Contact)
        .join(Case, Case.id == Contact.case_id)
        .where(Case.youth_id == youth.id)
    )
    return FileHoldings(
        cases=list(youth.cases),
        guardians=list(youth.guardians),
        listings=listings or 0,
        contacts=contacts or 0,
    )


def common_batches(session: Session, first_id: int, second_id: int) -> list[int]:
    """The lists (import batches) that listed both youth."""
    other = select(Listing.batch_id).where(Listing.youth_id == second_id)
    return list(
        session.scalars(
            select(Listing.batch_id)
            .where(Listing.youth_id == first_id, Listing.batch_id.in_(other))
            .order_by(Listing.batch_id)
        )
    )


def open_cases(cases: Sequence[Case]) -> list[Case]:
    return [case for case in cases if case.is_open]


# --- where a merged file went --------------------------------------------------------------


def merged_into(session: Session, youth_id: int) -> int | None:
    """The youth a merged-away youth now lives in, following merges of merges (a→b then
    b→c gives c); None when ``youth_id`` was never merged, or names a youth that exists
    (SQLite may give a deleted row's id to a new youth).

    The youth returned is not checked against anyone's scope: the caller opens it as any
    other file (404 outside the viewer's scope).
    """
    if session.get(Youth, youth_id) is not None:
        return None
    seen: set[int] = set()
    current = youth_id
    while current not in seen:
        seen.add(current)
        kept = session.scalar(select(YouthMerge.kept_id).where(YouthMerge.merged_id == current))
        if kept is None:
            break
        current = kept
    return None if current == youth_id else current


# --- what a merge will do ------------------------------------------------------------------


@dataclass(frozen=True)
class CasePlan:
    """The open case that stays open, and the one the merge closes (« Doublon fusionné »)
    when both youth have one: the older stays open."""

    stays_open: Case | None
    closes: Case | None


def case_plan(first: Youth, second: Youth) -> CasePlan:
    opened = sorted(
        open_cases([*first.cases, *second.cases]), key=lambda case: (case.opened_on, case.id)
    )
    if len(opened) < 2:
        return CasePlan(opened[0] if opened else None, None)
    return CasePlan(opened[0], opened[1])


def guardian_key(guardian: Guardian) -> tuple[str, ...]:
    """What makes two legal guardians the same (a repeated one is kept once)."""
    return (
        fold(guardian.last_name),
        fold(guardian.first_name),
        guardian.phone or "",
        (guardian.email or "").lower(),
        fold(guardian.address),
    )


@dataclass(frozen=True)
class MergePreview:
    """What the kept file will hold, for the confirmation page."""

    cases: int
    listings: int
    contacts: int
    guardians: int
    repeated_guardians: int
    common_batches: int
    plan: CasePlan


def merge_preview(session: Session, first: Youth, second: Youth) -> MergePreview:
    one, other = holdings(session, first), holdings(session, second)
    common = common_batches(session, first.id, second.id)
    guardians = {guardian_key(g) for g in [*one.guardians, *other.guardians]}
    return MergePreview(
        cases=len(one.cases) + len(other.cases),
        listings=one.listings + other.listings - len(common),
        contacts=one.contacts + other.contacts,
        guardians=len(guardians),
        repeated_guardians=len(one.guardians) + len(other.guardians) - len(guardians),
        common_batches=len(common),
        plan=case_plan(first, second),
    )
