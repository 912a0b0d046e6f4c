"""Dates as people and spreadsheets write them, and a youth's age."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from psad.youth.identifiers.checked import TEXT_CACHE_SIZE, Checked, clean_text

# Two-digit years up to this value are in the 2000s, above it in the 1900s: "05" is 2005,
# "98" is 1998. Youth followed by a PSAD are 16 to 25, so this holds until about 2030.
TWO_DIGIT_YEAR_PIVOT = 30

# --- Dates --------------------------------------------------------------------------------

_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})" + _TIME)
_YEAR_FIRST = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME)
# Excel's 1900 system counts a 29 February 1900 that never was (serial 60): serials from 61
# on are days since 30/12/1899, those before it days since 31/12/1899.
_EXCEL_LATE_EPOCH = date(1899, 12, 30)
_EXCEL_EARLY_EPOCH = date(1899, 12, 31)
_EXCEL_MISSING_DAY = 60
_EXCEL_LAST_SERIAL = 80_000  # 2119; larger numbers are not dates


def _from_excel_serial(serial: float) -> date | None:
    if not 1 <= serial < _EXCEL_LAST_SERIAL + 1:  # also False for NaN and infinities
        return None
    day = int(serial)  # the fraction is the time of day
    if day == _EXCEL_MISSING_DAY:
        return None
    epoch = _EXCEL_EARLY_EPOCH if day < _EXCEL_MISSING_DAY else _EXCEL_LATE_EPOCH
    return epoch + timedelta(days=day)


@lru_cache(maxsize=TEXT_CACHE_SIZE)
def _date_from_text(text: str) -> date | None:
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, _, month, year = match.groups()
        full_year = int(year)
        if len(year) == 2:
            full_year += 2000 if full_year <= TWO_DIGIT_YEAR_PIVOT else 1900
        parts = (full_year, int(month), int(day))
    else:
        match = _YEAR_FIRST.fullmatch(text)
        if match is None:
            return None
        parts = (int(match[1]), int(match[2]), int(match[3]))
    try:
        return date(*parts)
    except ValueError:  # 31/02/2007, month 13, year 0
        return None


def parse_date(raw: object) -> Checked[date]:
    """Read a date from a date cell, an Excel serial number or French or ISO text.

    Two-digit years: 00 to 30 are 2000-2030, 31 to 99 are 1931-1999 (TWO_DIGIT_YEAR_PIVOT).
    """
    if isinstance(raw, datetime):  # before date: a datetime is a date
        return Checked(raw.date())
    if isinstance(raw, date):
        return Checked(raw)
    text = clean_text(raw)
    if text is None:
        return Checked(None)
    if isinstance(raw, bool):
        parsed = None
    elif isinstance(raw, (int, float)):
        parsed = _from_excel_serial(raw)
    else:
        parsed = _date_from_text(text)
    if parsed is None:
        return Checked(None, f"Date « {text} » illisible ou impossible")
    return Checked(parsed)


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``.

    Born on 29 February, one turns a year older on 1 March in common years. The result is
    negative when ``on`` precedes the birth: a data-entry error to show, not to hide.
    """
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)
