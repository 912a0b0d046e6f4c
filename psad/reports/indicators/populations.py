"""The populations many indicators read, and how a bilan computes each of them only once.

- ``listed``: the youth listed in the period, one row per way (a list, a case opened);
- ``first_listed``: each of them once, on their first day listed in the period;
- ``contacts``: the effective contacts of the scope's cases from the period's first day.

An indicator reads a population through ``read(population, scope)``: its query, or, while
``shared(session, scopes)`` is open (``compute_bilan``), the temporary table holding its rows
for that scope, filled once. The rows are the same either way, so an indicator computed
alone, in a bilan, or listing its youth (``youth(scope, key)``, always the query) agrees.

The tables are temporary: seen by this connection only, dropped when the bilan is computed;
on PostgreSQL they are also dropped at the end of the transaction (``ON COMMIT DROP``), so an
error that aborts it leaves nothing behind; on SQLite, a table an error left behind is
dropped before the next bilan fills it again on the same connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Index,
    MetaData,
    Subquery,
    Table,
    exists,
    func,
    insert,
    literal,
    not_,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from psad.followup.models import Contact
from psad.followup.queries import effective
from psad.imports.models import ImportBatch, Listing
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reports.figures import Scope
from psad.reports.indicators.common import Query, bounds, day_in, instant_in, key_of, local_date
from psad.transfers.models import Transfer, TransferState
from psad.youth.models import Case, CaseSource

# -- Sharing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """Rows several indicators read: ``build(scope)`` is their query; ``index``, the columns
    of the temporary table's index, if any (joins by youth). ``narrow``, for rows that
    start on the period's first day and run on past its end: the condition on a table
    holding the rows of the same PSADs from an earlier day that keeps those of ``scope``
    (the previous period's rows then serve the period too)."""

    name: str
    build: Callable[[Scope], Query]
    index: tuple[str, ...] = ()
    narrow: Callable[[Table, Scope], ColumnElement[bool]] | None = None


# What ``read`` gives from while a bilan is computed on this thread: (population, scope) →
# (temporary table, condition on it or None). None outside ``shared``.
_tables: ContextVar[dict[tuple[str, Scope], tuple[Table, Any]] | None] = ContextVar(
    "bilan_populations", default=None
)
# The tables' definitions, one per population and slot (the first scope of a bilan, the
# second...), reused from one bilan to the next (defined by one thread at a time).
_metadata = MetaData()
_defining = threading.Lock()


def read(population: Population, scope: Scope) -> Query:
    """The rows of ``population`` for ``scope``: from its temporary table while a bilan shares
    it, else its query."""
    found = (_tables.get() or {}).get((population.name, scope))
    if found is None:
        return population.build(scope)
    table, condition = found
    query = select(*table.c)
    return query if condition is None else query.where(condition)


@contextmanager
def shared(
    session: Session, scopes: Sequence[Scope], populations: Sequence[Population]
) -> Iterator[None]:
    """While open, ``read`` gives each of ``populations`` for each of ``scopes`` from a
    temporary table, filled on entering (in order: a population may read an earlier one).
    Nested in another: does nothing (the outer one goes on sharing what it shares)."""
    if _tables.get() is not None:
        yield
        return
    sources: dict[tuple[str, Scope], tuple[Table, Any]] = {}
    filled: list[Table] = []
    token = _tables.set(sources)
    try:
        earliest_first = sorted(set(scopes), key=lambda scope: scope.period.start)
        for slot, scope in enumerate(earliest_first):
            for population in populations:
                earlier = next(
                    (
                        sources[(population.name, before)][0]
                        for before in earliest_first[:slot]
                        if before.psad_ids == scope.psad_ids
                    ),
                    None,
                )
                if population.narrow is not None and earlier is not None:
                    sources[(population.name, scope)] = (earlier, population.narrow(earlier, scope))
                    continue
                table = _filled(session, population, slot, scope)
                filled.append(table)
                sources[(population.name, scope)] = (table, None)
        yield
    except BaseException:
        _tables.reset(token)
        if session.get_bind().dialect.name == "sqlite":  # PostgreSQL: the rollback drops them
            _drop(session, filled, quietly=True)
        raise
    else:
        _tables.reset(token)
        _drop(session, filled)


def _filled(session: Session, population: Population, slot: int, scope: Scope) -> Table:
    """The temporary table of ``population`` in ``slot``, (re)created and filled for
    ``scope``; its index built once it is filled (faster than row after row)."""
    query = population.build(scope)
    table = _table(population, slot, query)
    table.drop(session.connection(), checkfirst=True)
    session.execute(CreateTable(table))
    session.execute(insert(table).from_select(list(table.c.keys()), query))
    for index in table.indexes:
        index.create(session.connection())
    if session.get_bind().dialect.name == "postgresql":
        # Statistics, for the planner (autovacuum never sees temporary tables): without them
        # it guesses badly, and compiles cheap queries (JIT).
        session.execute(text(f"ANALYZE {table.name}"))
    return table


def _table(population: Population, slot: int, query: Query) -> Table:
    """The definition of the table (its columns: the query's), made on first use."""
    name = f"bilan_{population.name}_{slot}"
    with _defining:
        if name in _metadata.tables:
            return _metadata.tables[name]
        columns = [Column(column.name, column.type) for column in query.selected_columns]
        table = Table(
            name, _metadata, *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP"
        )
        if population.index:
            Index(f"ix_{name}", *(table.c[column] for column in population.index))
        return table


def _drop(session: Session, tables: Iterable[Table], *, quietly: bool = False) -> None:
    for table in tables:
        try:
            table.drop(session.connection())
        except Exception:
            if not quietly:
                raise


# -- Listed -----------------------------------------------------------------------------------

# The sources of a case that are a repérage of their own (a list's cases are its listings)
CASE_SOURCES = (CaseSource.REFERRAL, CaseSource.SPONTANEOUS)
OFF_LIST = "none"  # listed_by_list: the youth no list brought (a case opened otherwise)
OFF_LIST_LABEL = "Hors liste (signalement, démarche spontanée)"


def _received_by_transfer() -> ColumnElement[bool]:
    """The case a transfer opened in the receiving PSAD (opened at the transfer's acceptance,
    in its receiving PSAD, for its youth)."""
    return exists().where(
        Transfer.youth_id == Case.youth_id,
        Transfer.to_psad_id == Case.psad_id,
        Transfer.state == TransferState.ACCEPTED,
        Transfer.decided_at == Case.created_at,
    )


def _listed(scope: Scope) -> Query:
    by_list = (
        select(
            Listing.youth_id.label("youth_id"),
            local_date(ImportBatch.imported_at).label("day"),
            key_of(ImportBatch.id).label("batch"),
            ImportBatch.label.label("batch_label"),
            key_of(ImportBatch.source, "list:").label("source"),
        )
        .join(ImportBatch, ImportBatch.id == Listing.batch_id)
        .where(
            ImportBatch.psad_id.in_(scope.psad_ids),
            instant_in(ImportBatch.imported_at, scope.period),
        )
    )
    by_case = select(
        Case.youth_id.label("youth_id"),
        Case.opened_on.label("day"),
        literal(OFF_LIST).label("batch"),
        literal(OFF_LIST_LABEL).label("batch_label"),
        key_of(Case.source, "case:").label("source"),
    ).where(
        Case.psad_id.in_(scope.psad_ids),
        day_in(Case.opened_on, scope.period),
        Case.source.in_(CASE_SOURCES),
        not_(_received_by_transfer()),
    )
    return select(union_all(by_list, by_case).subquery())


LISTED = Population("listed", _listed)


def listed(scope: Scope) -> Query:
    """The youth listed in the period, one row per way: ``youth_id``; ``day`` (the Paris day
    of the list's import, or the case's opening); ``batch`` (the list's id as text, or
    ``OFF_LIST``) and ``batch_label``; ``source`` (« list:siei »..., « case:referral »...).

    Listed: on a list (an import batch of a PSAD of the scope) imported in the period; or
    with a case of the scope opened in the period by a signalement or a démarche spontanée,
    other than a case a transfer opened (the youth was listed by the sending PSAD)."""
    return read(LISTED, scope)


def _first_listed(scope: Scope) -> Query:
    rows = listed(scope).subquery()
    return select(rows.c.youth_id, func.min(rows.c.day).label("day")).group_by(rows.c.youth_id)


FIRST_LISTED = Population("first_listed", _first_listed, index=("youth_id", "day"))


def first_listed(scope: Scope) -> Subquery:
    """Each youth listed in the period once: ``youth_id`` and the first ``day`` listed."""
    return read(FIRST_LISTED, scope).subquery("first_listed")


# -- Contacts ---------------------------------------------------------------------------------


def _contacts(scope: Scope) -> Query:
    return (
        select(
            Case.youth_id.label("youth_id"),
            Case.id.label("case_id"),
            Case.situation_id.label("situation_id"),
            Contact.occurred_at.label("occurred_at"),
            local_date(Contact.occurred_at).label("day"),
            Contact.reached.label("reached"),
            Contact.channel_id.label("channel_id"),
            Contact.outcome_id.label("outcome_id"),
        )
        .join(Case, Contact.case_id == Case.id)
        .where(
            Case.psad_id.in_(scope.psad_ids),
            Contact.occurred_at >= bounds(scope.period)[0],
            effective(Contact),
        )
    )


CONTACTS = Population(
    "contacts",
    _contacts,
    index=("youth_id",),
    narrow=lambda table, scope: table.c.occurred_at >= bounds(scope.period)[0],
)


def contacts(scope: Scope) -> Subquery:
    """The effective contacts (not replaced by a correction) of the scope's cases from the
    period's first day on (the delays measure from a day in the period and count a contact
    after its end): ``youth_id``, ``case_id`` and the case's ``situation_id`` (today),
    ``occurred_at``, ``day`` (its Paris day), ``reached``, ``channel_id``, ``outcome_id``
    (see ``item``)."""
    return read(CONTACTS, scope).subquery("contacts")


def item(kind: ReferenceKind, code: str) -> Any:
    """The id of the reference item of ``kind`` and ``code``, as a scalar subquery: the
    databases compute it once, where a join or an EXISTS looks it up row after row."""
    return (
        select(ReferenceItem.id)
        .where(ReferenceItem.kind == kind, ReferenceItem.code == code)
        .scalar_subquery()
    )


def contacts_in_period(scope: Scope) -> tuple[Subquery, ColumnElement[bool]]:
    """``contacts(scope)`` and the condition that keeps those of the period (to its last day
    included, Paris time)."""
    rows = contacts(scope)
    return rows, rows.c.occurred_at < bounds(scope.period)[1]
