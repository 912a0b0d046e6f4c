"""What the eligibility rules need to know of a youth's last schooling, read from the file.

The lists give the last class as free text (« 1re générale », « Bac pro 2de », « CAP »,
« 3e »); ``last_class_of`` reads it into a code the rules name. The kind of school (collège,
lycée, LP, CFA) comes from the track, or from the class when the track is missing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

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
    "cap_2": "Terminale CAP (2e année)",
}
SCHOOL_KIND_LABELS = {
    "college": "collège",
    "lycee": "lycée général et technologique",
    "lp": "lycée professionnel",
    "cfa": "CFA (apprentissage)",
}
KIND_OF_TRACK = {
    Track.LOWER_SECONDARY: "college",
    Track.GENERAL: "lycee",
    Track.VOCATIONAL: "lp",
    Track.AGRICULTURAL: "lp",
    Track.APPRENTICESHIP: "cfa",
}
MONTHS_PER_TERM = 3
DAYS_PER_MONTH = 30.44


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return " ".join(
        re.sub(r"[^a-z0-9]+", " ", decomposed.encode("ascii", "ignore").decode()).split()
    )


def last_class_of(level: str | None, track: Track | None) -> str | None:
    """The class code of a free-text level, or None when it cannot be told."""
    if not level:
        return None
    words = f" {_folded(level)} "
    college = " cap " not in words and not re.search(r" (bac|pro|seconde|2nde|2de) ", words)
    for number in ("6", "5", "4", "3"):
        if college and re.search(rf" {number} ?(e|eme|ieme)? ", words):
            return f"{number}e"
    if " cap " in words:
        if re.search(r" (terminale|tle|2e annee|2eme annee|deuxieme annee|2 annee) ", words):
            return "cap_2"
        if re.search(r" (1re annee|1ere annee|premiere annee|1 annee) ", words):
            return "cap_1"
        return None
    vocational = bool(re.search(r" (pro|professionnelle|bac pro|bacpro) ", words)) or (
        track in (Track.VOCATIONAL, Track.AGRICULTURAL)
    )
    suffix = "pro" if vocational else "gt"
    if re.search(r" (2de|2nde|seconde|2 nde) ", words):
        return f"2nde_{suffix}"
    if re.search(r" (1re|1ere|premiere|1 re) ", words):
        return f"1re_{suffix}"
    if re.search(r" (terminale|tle|term) ", words):
        return f"tle_{suffix}"
    return None


def school_kind_of(track: Track | None, last_class: str | None) -> str | None:
    if track is not None and track in KIND_OF_TRACK:
        return KIND_OF_TRACK[track]
    if last_class in ("6e", "5e", "4e", "3e"):
        return "college"
    if last_class is not None and last_class.endswith("_gt"):
        return "lycee"
    if last_class is not None and (last_class.endswith("_pro") or last_class.startswith("cap")):
        return "lp"
    return None


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


def terms_between(entry: date, exit_: date) -> int:
    """Terms done in a class: whole periods of three months between entry and exit."""
    return max(0, int((exit_ - entry).days / DAYS_PER_MONTH) // MONTHS_PER_TERM)
