"""What every indicator needs: the period's bounds, the Paris day of an instant, ages, and
the two shapes of a youth-based indicator (a count, a breakdown) built from one question.

An indicator is written once as its *facts*: a query of the youth behind it, one row per
fact (``youth_id``, and for a breakdown ``key`` and ``label``). Its count (COUNT(DISTINCT
youth_id), grouped by key for a breakdown) and its list of youth (``youth(scope, key)``)
both read those facts, so that a figure and the list it links to always agree. Everything
runs in the database: one statement per computation, whatever the number of youth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    cast,
    distinct,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from psad import clock
from psad.reports.figures import Computed, Period, Row, Scope, Value

# The key of a breakdown's row for a value not recorded (« Non renseigné »).
UNKNOWN = "unknown"
UNKNOWN_LABEL = "Non renseigné"

# A query of any columns (a fact's ``youth_id``, ``key``, ``label``...)
Query = Select[*tuple[Any, ...]]
Facts = Callable[[Scope], Query]


# -- Dates ------------------------------------------------------------------------------


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as instants: from its first day at midnight, Paris time (included), to the
    day after its last at midnight (excluded)."""
    start = datetime.combine(period.start, time.min, tzinfo=clock.PARIS)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=clock.PARIS)
    return start, end


def instant_in(column: Any, period: Period) -> ColumnElement[bool]:
    """An instant (stored in UTC) on one of the period's Paris days."""
    start, end = bounds(period)
    return (column >= start) & (column < end)


def day_in(column: Any, period: Period) -> ColumnElement[bool]:
    """A date within the period, both ends included."""
    return column.between(period.start, period.end)


class local_date(FunctionElement[date]):
    """The Paris day of an instant stored in UTC. PostgreSQL converts with its time zone
    database; SQLite applies the European summer time rule (from the last Sunday of March to
    the last Sunday of October, 01:00 UTC): exact for every date since 1996."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_pg(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"CAST(timezone('Europe/Paris', {column}) AS DATE)"


# The years whose summer time bounds are written out in the SQLite expression (a year's
# comparison costs far less than computing its last Sundays for every row); other years
# fall back to the computed rule.
SUMMER_YEARS = range(2040, 1995, -1)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _summer_case(column: str) -> str:
    """For SQLite: the Paris offset of an instant stored in UTC (« YYYY-MM-DD HH:MM:SS... »),
    by its year: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
    last Sunday of October."""
    years = " ".join(
        f"WHEN '{year}' THEN CASE WHEN {column} >= '{_last_sunday(year, 3)} 01:00:00' "
        f"AND {column} < '{_last_sunday(year, 10)} 01:00:00' THEN '+2 hours' "
        "ELSE '+1 hours' END"
        for year in SUMMER_YEARS
    )
    year = f"strftime('%Y', {column})"
    summer_from = f"datetime(date({year} || '-03-25', 'weekday 0'), '+1 hours')"
    summer_to = f"datetime(date({year} || '-10-25', 'weekday 0'), '+1 hours')"
    computed = (
        f"CASE WHEN datetime({column}) >= {summer_from} "
        f"AND datetime({column}) < {summer_to} THEN '+2 hours' ELSE '+1 hours' END"
    )
    return f"CASE substr({column}, 1, 4) {years} ELSE {computed} END"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"date({column}, {_summer_case(column)})"


class day_number(FunctionElement[int]):
    """A date as the number YYYYMMDD: two of them subtracted give an age in years in the
    ten-thousands (« 180000 » or more: 18 years old), on both databases."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number_default(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    day = next(iter(element.clauses))
    number = (
        cast(extract("year", day), Integer) * 10000
        + cast(extract("month", day), Integer) * 100
        + cast(extract("day", day), Integer)
    )
    return f"({compiler.process(number, **kw)})"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # One strftime for the three parts (SQLite's extract is a strftime per part)
    return f"CAST(strftime('%Y%m%d', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


def age_at_least(birth_date: Any, day: Any, years: int) -> ColumnElement[bool]:
    """Aged ``years`` or more on ``day`` (a date column or expression)."""
    return day_number(day) - day_number(birth_date) >= years * 10000


# -- The shapes of an indicator ----------------------------------------------------------


def key_of(column: Any, prefix: str = "") -> ColumnElement[str]:
    """A breakdown's key as text (``UNKNOWN`` when not recorded), optionally prefixed."""
    text = func.coalesce(cast(column, String), UNKNOWN)
    return literal(prefix) + text if prefix else text


def count_youth(facts: Facts) -> Callable[[Session, Scope], Computed]:
    """The compute of a scalar indicator: the distinct youth of its facts."""

    def compute(session: Session, scope: Scope) -> Computed:
        rows = facts(scope).subquery()
        number = session.scalar(select(func.count(distinct(rows.c.youth_id))))
        return Value(number or 0)

    return compute


def youth_of(facts: Facts) -> Callable[[Scope, str | None], Select[tuple[int]]]:
    """The youth behind a figure: every youth of the facts, or of one row's ``key``."""

    def youth(scope: Scope, key: str | None) -> Select[tuple[int]]:
        rows = facts(scope).subquery()
        query = select(rows.c.youth_id).distinct()
        if key is not None:
            query = query.where(rows.c.key == key)
        return query

    return youth


def count_by_key(
    facts: Facts,
    *,
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
    fixed: Sequence[str] = (),
) -> Callable[[Session, Scope], Computed]:
    """The compute of a breakdown: distinct youth per ``key`` of the facts (a youth counts
    once per row; a youth in two rows counts in both). The label is the facts' ``label``
    column when they have one, else ``labels`` (a mapping or a function of the key).
    ``fixed`` keys come first, in that order, even when nobody is in them (zero); the other
    rows follow, largest first, then by label."""

    def compute(session: Session, scope: Scope) -> Computed:
        rows = facts(scope).subquery()
        has_label = "label" in rows.c
        label = func.max(rows.c.label) if has_label else literal(None, String)
        query = select(rows.c.key, label, func.count(distinct(rows.c.youth_id))).group_by(
            rows.c.key
        )
        found = {key: (text, number) for key, text, number in session.execute(query)}
        return breakdown_rows(found, labels=labels, fixed=fixed)

    return compute


def breakdown_rows(
    found: Mapping[str, tuple[str | None, int]],
    *,
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
    fixed: Sequence[str] = (),
) -> list[Row]:
    """The rows of a breakdown from ``{key: (label or None, number)}`` (a GROUP BY's result):
    see ``count_by_key`` for the order."""

    def label_of(key: str, text: str | None) -> str:
        if text:
            return text
        if key == UNKNOWN:
            return UNKNOWN_LABEL
        if callable(labels):
            return labels(key)
        if labels is not None and key in labels:
            return labels[key]
        return key

    rows = [
        Row(key, label_of(key, found.get(key, (None, 0))[0]), Value(found.get(key, (None, 0))[1]))
        for key in fixed
    ]
    others = [
        Row(key, label_of(key, text), Value(number))
        for key, (text, number) in found.items()
        if key not in fixed
    ]
    others.sort(key=lambda row: (-(row.value.number or 0), row.label, row.key))
    return rows + others


def total(rows: list[Row]) -> int:
    """The sum of a breakdown's numbers (not a count of youth when rows overlap)."""
    return sum(int(row.value.number or 0) for row in rows)
