"""Normalise and check what a person or a spreadsheet gives for a youth.

Pure functions, no Flask and no database. The spreadsheet import calls them for every cell, so
they stay cheap: patterns are compiled once, text results are cached, and the common French
10-digit phone forms skip the phonenumbers parser (validity still follows phonenumbers' rules
and metadata).

Nothing here rejects an identifier sent by the SI, which is authoritative: a doubtful INE or
UAI is kept and comes with a warning in French that names it. Only values that cannot be read
at all come back as ``None``.
"""

from psad.youth.identifiers.checked import FEMALE, MALE, Checked, clean_text
from psad.youth.identifiers.civil import normalize_postal_code, parse_sex
from psad.youth.identifiers.codes import normalize_ine, normalize_uai
from psad.youth.identifiers.dates import TWO_DIGIT_YEAR_PIVOT, age_on, parse_date
from psad.youth.identifiers.emails import normalize_email
from psad.youth.identifiers.names import fold, identity_key, mixed_scripts
from psad.youth.identifiers.phones import format_phone, normalize_phone

__all__ = [
    "FEMALE",
    "MALE",
    "TWO_DIGIT_YEAR_PIVOT",
    "Checked",
    "age_on",
    "clean_text",
    "fold",
    "format_phone",
    "identity_key",
    "mixed_scripts",
    "normalize_email",
    "normalize_ine",
    "normalize_phone",
    "normalize_postal_code",
    "normalize_uai",
    "parse_date",
    "parse_sex",
]
