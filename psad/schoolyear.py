"""School years, as French schools count them: from 1 September to 31 August.

A school year is named by the year it starts in: 2026 is « 2026-2027 ».
"""

from __future__ import annotations

from datetime import date

FIRST_MONTH = 9


def school_year_of(day: date) -> int:
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


def school_year_bounds(year: int) -> tuple[date, date]:
    """The first and last days of the school year."""
    return date(year, FIRST_MONTH, 1), date(year + 1, FIRST_MONTH - 1, 31)
