"""The date arithmetic and the median the activity indicators ask the database for, written
once for SQLite and PostgreSQL (the Paris day of an instant is ``common.local_date``).

- ``day_diff(later, earlier)``: whole days between two dates.
- ``add_months(day, n)``: ``n`` months later (or earlier), on the month's last day when the
  day does not exist, as ``psad.followup.deadlines.add_months`` (31 January + 1 = 28/29
  February; PostgreSQL's interval does the same, SQLite's modifier would overflow).
- ``median_of(values)``: the median of a subquery's column, from ROW_NUMBER() and COUNT()
  OVER (), the average of the middle one or two rows; with the number of values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Float, Integer, Select, cast, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from psad.reports.figures import Value


class day_diff(FunctionElement[int]):
    type = Integer()
    inherit_cache = True
    name = "day_diff"


@compiles(day_diff)
def _day_diff_default(element: day_diff, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(day_diff, "sqlite")
def _day_diff_sqlite(element: day_diff, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(round(julianday({later}) - julianday({earlier})) AS INTEGER)"


class add_months(FunctionElement[date]):
    """``add_months(day, literal(n))``: ``n`` must be an integer literal."""

    type = Date()
    inherit_cache = True
    name = "add_months"


def _months(element: add_months) -> int:
    months = list(element.clauses)[1]
    value = getattr(months, "value", None)
    if not isinstance(value, int):
        raise TypeError("add_months takes a literal number of months")
    return value


@compiles(add_months)
def _add_months_default(element: add_months, compiler: Any, **kw: Any) -> str:
    day = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(CAST({day} AS DATE) + interval '{_months(element)} months' AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    day = compiler.process(next(iter(element.clauses)), **kw)
    months = _months(element)
    # The same day n months on, or the last day of that month when it has no such day.
    same_day = f"date({day}, '{months:+d} months')"
    month_end = f"date({day}, 'start of month', '{months + 1:+d} months', '-1 day')"
    return f"min({same_day}, {month_end})"


def median_of(session: Session, measured: Select[*tuple[Any, ...]], name: str) -> Value:
    """The median of the column ``name`` of ``measured`` (one row per youth), and how many
    values it is computed on: one statement. No values: ``Value(None, 0)``."""
    column = measured.subquery().c[name]
    ranked = select(
        column.label("value"),
        func.row_number().over(order_by=column).label("position"),
        func.count().over().label("total"),
    ).subquery()
    middle = ranked.c.position.in_([(ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2])
    row = session.execute(
        select(func.avg(cast(ranked.c.value, Float)).filter(middle), func.max(ranked.c.total))
    ).one()
    number, total = row
    if not total:
        return Value(None, 0)
    median = float(number)
    return Value(int(median) if median.is_integer() else median, int(total))


def share(numerator: int, base: int) -> Value:
    """A percentage of ``base`` (None when there is nobody to measure)."""
    if not base:
        return Value(None, 0)
    return Value(round(100 * numerator / base, 1), base)
