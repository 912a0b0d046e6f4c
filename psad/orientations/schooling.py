"""What the eligibility rules need to know of a youth's last schooling, read from the file.

The lists give the last class as free text (« 1re générale », « Bac pro 2de », « 2NDPRO »,
« CAP », « 3e »); ``last_class_of`` reads it into a code the rules name, or None when the
class or its year cannot be told. The kind of school (collège, lycée, LP, CFA) comes from the
track and the class together. Time out of school counts calendar months; the terms done in a
class are counted as whole three-month periods (an approximation of the school's trimestres).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

from psad.schoolyear import school_year_bounds, school_year_of
from psad.youth.models import Track

CLASS_LABELS = {
    "6e": "6e",
    "5e": "5e",
    "4e": "4e",
    "3e": "3e",
    "2nde_gt": "2de générale et technologique",
    "1re_gt": "1re générale ou technologique",
    "tle_gt": "Terminale générale ou technologique",
    "2nde_pro": "2de professionnelle",
    "1re_pro": "1re professionnelle",
    "tle_pro": "Terminale professionnelle",
    "cap_1": "1re année de CAP",
    "cap_2": "Terminale CAP",
}
COLLEGE_CLASSES = ("6e", "5e", "4e", "3e")
SCHOOL_KIND_LABELS = {
    "college": "collège",
    "lycee": "lycée général et technologique",
    "lp": "lycée professionnel",
    "cfa": "CFA (apprentissage)",
}
# « réservé aux élèves du collège » / « venant d'un CFA »
SCHOOL_KIND_OF = {
    "college": "du collège",
    "lycee": "du lycée général et technologique",
    "lp": "du lycée professionnel",
    "cfa": "d'un CFA (apprentissage)",
}
MONTHS_PER_TERM = 3

# The SI's short class names, spelled out before reading (« 2NDPRO », « 1CAP2 », « TLEPRO »)
_SHORT_NAMES = (
    (r" (2nd|2nde|1er|1ere|1re|tle|term)pro ", r" \1 pro "),
    (r" 1cap\d ", " cap 1re annee "),
    (r" 2cap\d ", " cap 2e annee "),
    (r" prepa pro ", " prepa metiers "),  # the 3e « prépa-pro », now « prépa-métiers »
    (r" bacpro ", " bac pro "),
)
_COLLEGE = r" ([6543]) ?(e|eme|ieme)? "
_CAP_SECOND_YEAR = r" (terminale|tle|2e annee|2eme annee|deuxieme annee|2 annee) "
_CAP_FIRST_YEAR = r" (1re annee|1ere annee|premiere annee|1 annee) "
_VOCATIONAL = r" (pro|professionnelle|professionnel|bacpro) "
# « générale », « technologique », or a series of the bac technologique
_GENERAL = r" (generale|general|technologique|techno|gt|stmg|sti2d|stl|st2s|std2a|sthr|stav|s2tmd) "
_HIGHER = r" (bts|but|dut|licence|master|cpge|l1|l2|l3) "
_YEARS = (
    ("2nde", r" (2de|2nde|seconde|2nd) "),
    ("1re", r" (1re|1ere|premiere|1er) "),
    ("tle", r" (terminale|tle|term) "),
)
# « Bac pro 2e année »: the years of the bac, not the classes' names
_BAC_YEARS = (
    ("2nde", r" (1|1re|1ere|premiere) annee "),
    ("1re", r" (2|2e|2eme|deuxieme) annee "),
    ("tle", r" (3|3e|3eme|troisieme) annee "),
)


def _folded(text: str) -> str:
    """Lower case, without accents or punctuation, one space between words and around."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    words = re.sub(r"[^a-z0-9]+", " ", decomposed.encode("ascii", "ignore").decode()).split()
    folded = f" {' '.join(words)} "
    for pattern, replacement in _SHORT_NAMES:
        folded = re.sub(pattern, replacement, folded)
    return folded


def last_class_of(level: str | None, track: Track | None) -> str | None:
    """The class code of a free-text level, or None when it cannot be told (« CAP » alone
    does not say which year, « BTS » is no class the rules name)."""
    if not level:
        return None
    words = _folded(level)
    if " cap " in words:
        return _cap_year(words)
    college = re.search(_COLLEGE, words)
    if college and not re.search(r" (bac|pro|2de|2nde|seconde) ", words):
        return f"{college.group(1)}e"
    return _lycee_class(words, track)


def _cap_year(words: str) -> str | None:
    if re.search(_CAP_SECOND_YEAR, words):
        return "cap_2"
    if re.search(_CAP_FIRST_YEAR, words):
        return "cap_1"
    return None


def _lycee_class(words: str, track: Track | None) -> str | None:
    """2de, 1re or terminale; professional when the text says so, or when the track does and
    the text does not say « générale » or « technologique »."""
    vocational = bool(re.search(_VOCATIONAL, words)) or (
        track in (Track.VOCATIONAL, Track.AGRICULTURAL) and not re.search(_GENERAL, words)
    )
    suffix = "pro" if vocational else "gt"
    year = _year_of(words)
    return f"{year}_{suffix}" if year and not re.search(_HIGHER, words) else None


def _year_of(words: str) -> str | None:
    years = _BAC_YEARS if " bac " in words and " annee " in words else _YEARS
    return next((year for year, pattern in years if re.search(pattern, words)), None)


def _kind_of_class(last_class: str | None) -> str | None:
    if last_class in COLLEGE_CLASSES:
        return "college"
    if last_class is not None and last_class.endswith("_gt"):
        return "lycee"
    if last_class is not None and (last_class.endswith("_pro") or last_class.startswith("cap")):
        return "lp"
    return None


def school_kind_of(track: Track | None, last_class: str | None) -> str | None:
    """The kind of the last school: a CFA for apprentices; the collège for a collège class on
    the general track (the SI calls the collège « voie générale »); a lycée agricole is general
    or professional by its class; else the track, else the class."""
    by_class = _kind_of_class(last_class)
    if track is Track.APPRENTICESHIP:
        return "cfa"
    if track is Track.LOWER_SECONDARY:
        return "college"
    if track is Track.GENERAL:
        return "college" if by_class == "college" else "lycee"
    if track is Track.VOCATIONAL:
        return "lp"
    if track is Track.AGRICULTURAL:
        return "lycee" if by_class == "lycee" else "lp"
    return by_class


def _last_day_of_month(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``end`` is not after ``start``).
    A month from the 31st ends on the last day of a shorter month (31/01 → 28/02: 1 month)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and not _last_day_of_month(end):
        months -= 1
    return max(0, months)


def terms_between(entry: date, exit_: date) -> int:
    """Terms done between two dates: whole periods of three calendar months."""
    return months_between(entry, exit_) // MONTHS_PER_TERM


def terms_in_last_class(entry: date, exit_: date) -> int:
    """Terms done in the class left on ``exit_``. The SI's entry date is the formation's, which
    may have begun years earlier (a bac pro lasts three): terms are counted from the start of
    the class's school year at the earliest. A youth who left in September, as a school notes
    those who did not come back, is counted in the class of the year before."""
    year = school_year_of(exit_)
    if exit_.month == 9:
        year -= 1
    year_start, _ = school_year_bounds(year)
    return terms_between(max(entry, year_start), exit_)
