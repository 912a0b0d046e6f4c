"""The profile of the youth listed in the period (the ``listed`` population): by sex, age
band on the day they were listed, track, last class, school of origin and commune.

The youth's file is read as it is today (the lists update it); the age is computed on the
first day the youth was listed in the period (a list's import day, in Paris, or the case's
opening). Each youth is in exactly one row of each breakdown.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, or_, select

from psad.db import contains_text
from psad.orientations.schooling import CLASS_LABELS
from psad.reports.figures import Indicator, Scope, Theme, Unit
from psad.reports.indicators.common import (
    UNKNOWN,
    Facts,
    Query,
    age_at_least,
    count_by_key,
    key_of,
    youth_of,
)
from psad.reports.indicators.populations import first_listed
from psad.youth.models import TRACK_LABELS, Sex, Track, Youth

AGE_BANDS = {
    "16_17": "16-17 ans (obligation de formation)",
    "18_25": "18-25 ans",
    "under_16": "Moins de 16 ans",
    "over_25": "Plus de 25 ans",
    UNKNOWN: "Date de naissance inconnue",
}
SEX_LABELS = {sex.value: sex.label for sex in Sex}
TRACKS = {track.value: label for track, label in TRACK_LABELS.items()}
# The last class, read from the level's text in the database (see ``_last_class``)
LAST_CLASSES = {
    **{code: CLASS_LABELS[code] for code in ("2nde_gt", "1re_gt", "tle_gt")},
    **{code: CLASS_LABELS[code] for code in ("2nde_pro", "1re_pro", "tle_pro")},
    "cap": "CAP",
    "college": "Collège (6e à 3e)",
    "other": "Autre classe",
}


def _by(key: ColumnElement[Any], label: ColumnElement[Any] | None = None) -> Facts:
    def question(scope: Scope) -> Query:
        first = first_listed(scope)
        columns: list[Any] = [first.c.youth_id.label("youth_id"), key.label("key")]
        if label is not None:
            columns.append(label.label("label"))
        return select(*columns).join(Youth, Youth.id == first.c.youth_id)

    return question


def _age_band(scope: Scope) -> Query:
    first = first_listed(scope)
    born, day = Youth.birth_date, first.c.day
    band = case(
        (born.is_(None), UNKNOWN),
        (age_at_least(born, day, 26), "over_25"),
        (age_at_least(born, day, 18), "18_25"),
        (age_at_least(born, day, 16), "16_17"),
        else_="under_16",
    )
    return select(first.c.youth_id.label("youth_id"), band.label("key")).join(
        Youth, Youth.id == first.c.youth_id
    )


def _contains(text: Any, *words: str) -> ColumnElement[bool]:
    return or_(*(contains_text(text, word) for word in words))


def _last_class(levels: Any) -> ColumnElement[str]:
    """The last class from the level's free text (« 2nde pro », « Terminale générale »,
    « CAP 1re année », « 3e »), in the database: CAP; collège; else the year of lycée,
    professional when the text or the track says so. A coarser reading than
    psad.orientations.schooling (which runs in Python, row by row), with its labels.
    ``levels``: the columns ``level``, ``track`` and ``text`` (the level lowered, between
    spaces) of ``_levels``."""
    text = levels.text
    vocational = or_(
        _contains(text, "pro"), levels.track.in_([Track.VOCATIONAL, Track.AGRICULTURAL])
    )
    second = _contains(text, " 2de", " 2nd", "seconde")
    first = _contains(text, " 1re", " 1ère", " 1ere", "première", "premiere")
    final = _contains(text, "terminale", " tle", " term")
    return case(
        (levels.level.is_(None), UNKNOWN),
        (_contains(text, "cap"), "cap"),
        (
            _contains(text, " 6e", " 5e", " 4e", " 3e", " 6ème", " 5ème", " 4ème", " 3ème"),
            "college",
        ),
        (second & vocational, "2nde_pro"),
        (first & vocational, "1re_pro"),
        (final & vocational, "tle_pro"),
        (second, "2nde_gt"),
        (first, "1re_gt"),
        (final, "tle_gt"),
        else_="other",
    )


def _by_last_class(scope: Scope) -> Query:
    """The youth listed by last class. Their level is lowered once per youth, in a CTE the
    database computes first (``MATERIALIZED``): written inside the classes' twenty tests, it
    was lowered for each of them (on SQLite, a call into Python each time)."""
    first = first_listed(scope)
    text = literal(" ") + func.lower(func.coalesce(Youth.level, "")) + literal(" ")
    levels = (
        select(first.c.youth_id, Youth.level, Youth.track, text.label("text"))
        .join(Youth, Youth.id == first.c.youth_id)
        .cte("levels")
        .prefix_with("MATERIALIZED")
    )
    return select(levels.c.youth_id, _last_class(levels.c).label("key"))


def _school_label() -> ColumnElement[str]:
    uai, name = Youth.school_uai, Youth.school_name
    return case(
        (uai.is_not(None) & name.is_not(None), uai + literal(" ") + name),
        else_=func.coalesce(uai, name),
    )


def _indicator(code: str, label: str, definition: str, question: Facts, **rows: Any) -> Indicator:
    return Indicator(
        code=code,
        theme=Theme.PROFILE,
        label=label,
        definition=definition,
        unit=Unit.YOUTH,
        compute=count_by_key(question, **rows),
        youth=youth_of(question),
        breakdown=True,
    )


OF_LISTED = "Les jeunes repérés pendant la période (voir « Jeunes repérés »), "
TODAY = " d'après leur fiche telle qu'elle est aujourd'hui."

INDICATORS = [
    _indicator(
        "by_sex",
        "Jeunes repérés, par sexe",
        OF_LISTED + "par sexe," + TODAY,
        _by(key_of(Youth.sex)),
        labels=SEX_LABELS,
        fixed=[*SEX_LABELS, UNKNOWN],
    ),
    _indicator(
        "by_age_band",
        "Jeunes repérés, par âge",
        OF_LISTED + "par âge le premier jour où ils ont été repérés dans la période (date "
        "d'import de la liste, heure de Paris, ou d'ouverture du dossier) : 16-17 ans, "
        "soumis à l'obligation de formation ; 18-25 ans ; les autres âges ; date de "
        "naissance inconnue.",
        _age_band,
        labels=AGE_BANDS,
        fixed=list(AGE_BANDS),
    ),
    _indicator(
        "by_track",
        "Jeunes repérés, par voie de formation",
        OF_LISTED + "par voie de leur dernière formation (professionnelle, générale et "
        "technologique, apprentissage...)," + TODAY,
        _by(key_of(Youth.track)),
        labels=TRACKS,
        fixed=[*TRACKS, UNKNOWN],
    ),
    _indicator(
        "by_last_class",
        "Jeunes repérés, par dernière classe",
        OF_LISTED + "par dernière classe suivie, lue dans le niveau de formation de la fiche "
        "(« 2nde pro », « Terminale générale », « CAP »...) : la voie professionnelle "
        "quand le texte ou la voie le dit ; « Autre classe » : un niveau qui n'est pas une "
        "classe du collège ou du lycée (BTS...).",
        _by_last_class,
        labels=LAST_CLASSES,
        fixed=[*LAST_CLASSES, UNKNOWN],
    ),
    _indicator(
        "by_school",
        "Jeunes repérés, par établissement d'origine",
        OF_LISTED + "par établissement de leur dernière formation (UAI et nom)," + TODAY,
        _by(func.coalesce(Youth.school_uai, Youth.school_name, UNKNOWN), _school_label()),
    ),
    _indicator(
        "by_commune",
        "Jeunes repérés, par commune de résidence",
        OF_LISTED + "par commune de résidence," + TODAY,
        _by(func.coalesce(cast(Youth.commune, String), UNKNOWN)),
    ),
]
