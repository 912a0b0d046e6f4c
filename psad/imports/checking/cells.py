"""One cell of a list checked for the field it fills: the value kept, and any warning.

Texts are cut at the length of the column that stores them (read from the models). A value
that cannot be read is a warning, and the cell is left empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import String

from psad.imports.fields import FIELDS, GUARDIAN_FIELDS, YOUTH_COLUMNS
from psad.youth import identifiers as ids
from psad.youth.models import Guardian, Sex, Track, Youth
from psad.youth.services import YOUTH_FIELDS

# Each check returns (value, warning): ``ids.Checked`` is such a pair.
CellCheck = Callable[[object], tuple[Any, str | None]]

TRACK_WORDS = {
    "pro": Track.VOCATIONAL,
    "professionnelle": Track.VOCATIONAL,
    "voie professionnelle": Track.VOCATIONAL,
    "lp": Track.VOCATIONAL,
    "lycee professionnel": Track.VOCATIONAL,
    "gt": Track.GENERAL,
    "generale": Track.GENERAL,
    "generale et technologique": Track.GENERAL,
    "voie generale et technologique": Track.GENERAL,
    "technologique": Track.GENERAL,
    "lgt": Track.GENERAL,
    "apprentissage": Track.APPRENTICESHIP,
    "cfa": Track.APPRENTICESHIP,
    "apprenti": Track.APPRENTICESHIP,
    "agricole": Track.AGRICULTURAL,
    "college": Track.LOWER_SECONDARY,
    "autre": Track.OTHER,
}


def _track(value: object) -> tuple[Track | None, str | None]:
    track = TRACK_WORDS.get(ids.fold(value))
    if track is None:
        return None, f"Voie « {ids.clean_text(value)} » non reconnue"
    return track, None


def _sex(value: object) -> tuple[Sex | None, str | None]:
    checked = ids.parse_sex(value)
    return (Sex(checked.value) if checked.value else None), checked.warning


PARSERS: dict[str, CellCheck] = {
    "ine": ids.normalize_ine,
    "school_uai": ids.normalize_uai,
    "phone": ids.normalize_phone,
    "other_phone": ids.normalize_phone,
    "guardian_phone": ids.normalize_phone,
    "email": ids.normalize_email,
    "guardian_email": ids.normalize_email,
    "postal_code": ids.normalize_postal_code,
    "birth_date": ids.parse_date,
    "school_entry_date": ids.parse_date,
    "school_exit_date": ids.parse_date,
    "sex": _sex,
    "track": _track,
}


def stored_length(name: str) -> int | None:
    """The length of the column that stores the field ``name`` (the guardian's for theirs)."""
    if name in GUARDIAN_FIELDS:
        column = Guardian.__table__.c[GUARDIAN_FIELDS[name]]
    else:
        column = Youth.__table__.c[name]
    return column.type.length if isinstance(column.type, String) else None


# Every other field is text, kept as written and cut at its column's length.
TEXT_LIMITS = {name: stored_length(name) for name in FIELDS if name not in PARSERS}


def _text(limit: int | None) -> CellCheck:
    """Text kept as written, spaces collapsed; cut (with a warning) beyond ``limit``."""

    def parse(value: object) -> tuple[str | None, str | None]:
        checked = ids.clean_text(value)
        if checked and limit and len(checked) > limit:
            return checked[:limit], f"Texte trop long, coupé à {limit} caractères"
        return checked, None

    return parse


def check_for(name: str) -> CellCheck:
    """How the cells of the field ``name`` are checked."""
    return PARSERS.get(name) or _text(TEXT_LIMITS.get(name))


assert set(PARSERS) <= set(FIELDS), "a parser names an unknown field"
assert set(YOUTH_COLUMNS) <= set(YOUTH_FIELDS), "a field of the lists is not one of a youth"
