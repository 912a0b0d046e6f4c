"""Which tables refer to a youth, and what a merge does with each: moved by one UPDATE,
prepared first (cases, listings), re-pointed by a rule of its own (« pas un doublon »), or
dropped because it is rebuilt (the keys and pairs). A table of tomorrow that refers to a
youth is moved without anyone editing this module, unless a plain UPDATE may break it: then
``unhandled_references`` names it and the merge refuses to run until it has a rule.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from psad.db import Base
from psad.errors import DomainError

# Who refers to a youth, and what the merge does with it. Every column of the metadata that
# points at ``youths.id`` (or is named ``youth_id`` / ``*_youth_id``) is moved to the kept
# youth by one UPDATE, unless its table is named here:
PREPARED = {
    # both open: the newer one is closed first (one open case per youth)
    "cases",
    # both listed by one list: the merged-away youth's row is folded (one row per list)
    "listings",
    # both written to by one sending: the merged-away youth's rows get a sending key of their
    # own (one message per youth, sending and channel)
    "youth_messages",
}
OWN_RULE = {"duplicate_dismissals"}  # re-pointed in canonical order, self-pairs dropped
# Unique per youth within a parent row (a youth is once on a comité's agenda): moved by the
# UPDATE, unless both youth are in the same parent: then the merge is refused, saying why.
ONCE_PER_PARENT = {
    "agenda_items": (
        "committee_id",
        "Les deux jeunes sont à l'ordre du jour du même comité : retirez l'un des deux de cet "
        "ordre du jour, puis fusionnez les dossiers.",
    ),
}
DERIVED = {"duplicate_keys", "duplicate_checks", "probable_duplicates"}  # rebuilt: dropped


class UnhandledReferenceError(RuntimeError):
    """A table refers to youth in a way that a plain UPDATE may break (a unique constraint):
    the merge must learn what to do with it (``PREPARED`` or ``OWN_RULE``)."""


def youth_references(metadata: MetaData = Base.metadata) -> list[Column[int]]:
    """The columns of every table that point at a youth."""
    found: list[Column[int]] = []
    for table in metadata.sorted_tables:
        if table.name == "youths":
            continue
        for column in table.columns:
            points = any(fk.target_fullname == "youths.id" for fk in column.foreign_keys)
            if points or column.name == "youth_id" or column.name.endswith("_youth_id"):
                found.append(column)
    return found


def _unique_sets(column: Column[int]) -> list[tuple[list[Column[Any]], Any]]:
    """The unique constraints and indexes of the column's table that hold it: their columns
    and, for a partial index, its condition (else None)."""
    table = column.table
    assert isinstance(table, Table)
    sets: list[tuple[list[Column[Any]], Any]] = [
        (list(constraint.columns), None)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)
    ]
    for index in table.indexes:
        if index.unique:
            options = index.dialect_options
            where = options["postgresql"].get("where")
            if where is None:
                where = options["sqlite"].get("where")
            sets.append((list(index.columns), where))
    return [(columns, where) for columns, where in sets if any(c is column for c in columns)]


def _one_per_youth(column: Column[int]) -> list[Any]:
    """The conditions of the unique sets that hold the youth column alone (« one pending
    transfer per youth »: ``state = 'proposed'``; ``true()`` when unconditional)."""
    return [
        true() if where is None else where
        for columns, where in _unique_sets(column)
        if len(columns) == 1
    ]


def unhandled_references(metadata: MetaData = Base.metadata) -> list[str]:
    """``table.column`` of the references to a youth that the merge cannot move by a plain
    UPDATE and has no rule for: part of a unique constraint or index with other columns.
    (Unique by youth alone, a row moves unless both youth hold one: then the merge is
    refused, see ``refuse_both_holding``.)"""
    handled = PREPARED | OWN_RULE | DERIVED | set(ONCE_PER_PARENT)
    return [
        f"{column.table.name}.{column.name}"
        for column in youth_references(metadata)
        if column.table.name not in handled
        and any(len(columns) > 1 for columns, _ in _unique_sets(column))
    ]


# What to say when both youth hold a row their table allows once per youth.
BOTH_HOLDING = {
    "transfers": (
        "Les deux jeunes ont chacun un transfert en attente : acceptez, refusez ou annulez "
        "l'un des deux, puis fusionnez les dossiers."
    ),
    "contact_blocks": (
        "Les deux jeunes ont chacun une opposition au contact en cours : levez celle de l'un "
        "des deux (le jeune gardé la garde), puis fusionnez les dossiers."
    ),
    "auto_reminder_suspensions": (
        "Les relances automatiques sont suspendues pour les deux jeunes : reprenez-les pour "
        "l'un des deux, puis fusionnez les dossiers."
    ),
}


def refuse_both_holding(session: Session, metadata: MetaData, kept_id: int, merged_id: int) -> None:
    """Refuse the merge (nothing written yet) when both youth hold a row that their table
    allows once per youth (a pending transfer)."""
    handled = PREPARED | OWN_RULE | DERIVED
    for column in youth_references(metadata):
        if column.table.name in ONCE_PER_PARENT:
            _refuse_same_parent(session, column, kept_id, merged_id)
            continue
        if column.table.name in handled:
            continue
        for condition in _one_per_youth(column):
            holders = session.scalars(
                select(column).where(column.in_([kept_id, merged_id]), condition).distinct()
            ).all()
            if len(holders) == 2:
                raise DomainError(
                    BOTH_HOLDING.get(
                        column.table.name,
                        "Les deux dossiers ont chacun un élément en cours qu'un jeune ne peut "
                        f"avoir qu'une fois ({column.table.name}) : réglez l'un des deux, puis "
                        "fusionnez les dossiers.",
                    )
                )


def _refuse_same_parent(
    session: Session, column: Column[int], kept_id: int, merged_id: int
) -> None:
    parent_name, message = ONCE_PER_PARENT[column.table.name]
    parent = column.table.c[parent_name]
    shared = session.execute(
        select(parent)
        .where(column.in_([kept_id, merged_id]))
        .group_by(parent)
        .having(func.count(column.distinct()) == 2)
        .limit(1)
    ).first()
    if shared is not None:
        raise DomainError(message)


def move_references(session: Session, metadata: MetaData, kept_id: int, merged_id: int) -> None:
    """Every other row pointing at the merged-away youth now points at the kept one; the
    derived rows of both are dropped (compared again next time)."""
    for column in youth_references(metadata):
        table = column.table
        if table.name in OWN_RULE:
            continue
        if table.name in DERIVED:
            session.execute(delete(table).where(column.in_([kept_id, merged_id])))
            continue
        session.execute(update(table).where(column == merged_id).values({column.name: kept_id}))
