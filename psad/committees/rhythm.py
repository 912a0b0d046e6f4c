"""A PSAD's rhythm of comités (« le 2e mardi de chaque mois à 14 h 00 »): the next dates it
proposes, and the French words that say a rhythm and a meeting's date.

Pure functions of the rhythm and a day. Times are those of Paris: « 14 h » stays 14 h when the
clocks change, so the UTC instant moves by an hour between winter and summer. Holidays are the
users' business, not the app's.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from psad.clock import PARIS, local
from psad.committees.models import CommitteeRhythm

# As ``psad.followup.panels`` says them (that module reaches the web forms: not imported here)
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
LAST = -1  # ``week_of_month`` of « le dernier mardi du mois »
WEEKS_OF_MONTH = (1, 2, 3, 4, LAST)
DEFAULT_WEEKDAY, DEFAULT_WEEK, DEFAULT_TIME = 1, 2, time(14, 0)  # the 2nd Tuesday at 14:00
DEFAULT_DURATION = 120
DEFAULT_NO_SOLUTION_WEEKS, DEFAULT_OVERDUE_DAYS = 8, 7
MONTHS_AHEAD = 24  # enough for any count of dates a page asks


DEFAULT_MAX_PROPOSED = 30


def default_rhythm(psad_id: int) -> CommitteeRhythm:
    """The rhythm of a PSAD that never chose one (not added to any session)."""
    return CommitteeRhythm(
        psad_id=psad_id,
        weekday=DEFAULT_WEEKDAY,
        week_of_month=DEFAULT_WEEK,
        starts_at=DEFAULT_TIME,
        duration_minutes=DEFAULT_DURATION,
        place=None,
        no_solution_weeks=DEFAULT_NO_SOLUTION_WEEKS,
        overdue_decision_days=DEFAULT_OVERDUE_DAYS,
        max_proposed=DEFAULT_MAX_PROPOSED,
    )


def day_in_month(year: int, month: int, weekday: int, week_of_month: int) -> date:
    """The ``week_of_month``-th ``weekday`` (Monday 0) of the month; -1 is the last."""
    if week_of_month == LAST:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def at_paris_time(day: date, at: time) -> datetime:
    """The UTC instant of ``at`` o'clock in Paris on ``day`` (summer or winter time)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def next_dates(rhythm: CommitteeRhythm, after: date, count: int = 3) -> list[datetime]:
    """The next ``count`` meetings the rhythm gives from ``after`` on (that day included), as
    UTC instants."""
    found: list[datetime] = []
    year, month = after.year, after.month
    for _ in range(MONTHS_AHEAD):
        day = day_in_month(year, month, rhythm.weekday, rhythm.week_of_month)
        if day >= after:
            found.append(at_paris_time(day, rhythm.starts_at))
            if len(found) == count:
                break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def time_fr(at: time) -> str:
    """« 14 h 00 »."""
    return f"{at.hour} h {at.minute:02d}"


def ordinal_fr(week_of_month: int) -> str:
    """« 1er », « 2e »..., « dernier »."""
    if week_of_month == LAST:
        return "dernier"
    return "1er" if week_of_month == 1 else f"{week_of_month}e"


def describe(rhythm: CommitteeRhythm) -> str:
    """« le 2e mardi de chaque mois à 14 h 00 »."""
    day = f"{ordinal_fr(rhythm.week_of_month)} {DAYS[rhythm.weekday]}"
    return f"le {day} de chaque mois à {time_fr(rhythm.starts_at)}"


def long_date_fr(day: date) -> str:
    """« mardi 1er décembre 2026 »."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {first} {MONTHS[day.month - 1]} {day.year}"


def when_fr(moment: datetime) -> str:
    """A meeting's date as people read it: « mardi 8 décembre 2026 à 14 h 00 » (Paris)."""
    there = local(moment)
    return f"{long_date_fr(there.date())} à {time_fr(there.time())}"


def duration_fr(minutes: int) -> str:
    """« 2 h », « 1 h 30 », « 45 min »."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
