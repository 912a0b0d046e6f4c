"""The shape every check returns, and the cleaning every cell goes through first."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

FEMALE = "female"
MALE = "male"

KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # mod-23 check letters of the INE and the UAI
TEXT_CACHE_SIZE = 65_536
ASCII_DIGITS = re.compile(r"[0-9]+")


class Checked(NamedTuple, Generic[T]):
    """A normalised value (``None`` when empty or unreadable) and a French warning if needed.

    A named pair rather than a frozen dataclass: an import builds one per cell, and a tuple
    is several times cheaper to build; the import reads it as ``(value, warning)``.
    """

    value: T | None
    warning: str | None = None


def clean_text(raw: object) -> str | None:
    """Strip and collapse whitespace; ``None`` for an empty cell; 59000.0 becomes "59000"."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return " ".join(raw.split()) or None
    if isinstance(raw, bool):  # before int: bool is an int
        return "VRAI" if raw else "FAUX"  # as a French spreadsheet shows it
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):  # an empty cell read by some libraries
            return None
        return str(int(raw)) if raw.is_integer() else str(raw)
    if isinstance(raw, datetime):
        return raw.strftime("%d/%m/%Y" if raw.time() == datetime.min.time() else "%d/%m/%Y %H:%M")
    if isinstance(raw, date):
        return raw.strftime("%d/%m/%Y")
    return " ".join(str(raw).split()) or None


def mod23_key(digits: str) -> str:
    return KEY_LETTERS[int(digits) % 23]
