"""Reading a youth's file for the eligibility rules: the last class, the kind of school, the
time out of school, the terms done in the last class (pure), and ``facts_of`` on a youth and a
case written with the factories."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from psad.orientations.facts import facts_of
from psad.orientations.schooling import (
    CLASS_LABELS,
    last_class_of,
    months_between,
    school_kind_of,
    terms_between,
    terms_in_last_class,
)
from psad.reference.models import ReferenceKind
from psad.reference.services import ensure_seeded, item_by_code
from psad.youth.models import CaseSource, Track, Youth
from tests.factories import make_psad, make_youth


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("1re générale", "1re_gt"),
        ("1ERE STMG", "1re_gt"),
        ("Première technologique", "1re_gt"),
        ("1ʳᵉ générale", "1re_gt"),
        ("1re pro MELEC", "1re_pro"),
        ("Bac pro 2de", "2nde_pro"),
        ("2NDE PRO", "2nde_pro"),
        ("2nde GT", "2nde_gt"),
        ("Terminale générale", "tle_gt"),
        ("Term. STI2D", "tle_gt"),
        ("Tle pro", "tle_pro"),
        ("CAP 1re année", "cap_1"),
        ("1re année de CAP", "cap_1"),
        ("CAP 2e année", "cap_2"),
        ("Terminale CAP", "cap_2"),
        ("3e", "3e"),
        ("3EME", "3e"),
        ("3ème prépa-métiers", "3e"),
        ("3e prépa-pro", "3e"),
        ("4e", "4e"),
        # The SI's short names
        ("2NDPRO MELEC", "2nde_pro"),
        ("1ERPRO COMMERCE", "1re_pro"),
        ("TLEPRO COMMERCE", "tle_pro"),
        ("1CAP2 CUISINE", "cap_1"),
        ("2CAP2 CUISINE", "cap_2"),
        # The years of a bac pro, not the classes' names
        ("Bac pro 2e année", "1re_pro"),
        ("Bac pro 3e année", "tle_pro"),
    ],
)
def test_last_class_reads_the_lists_texts(level: str, expected: str) -> None:
    assert last_class_of(level, None) == expected


@pytest.mark.parametrize(
    "level",
    [
        "CAP",  # which year is not said
        "Bac pro",
        "BTS",
        "BTS 1re année",  # higher education: no class the rules name
        "",
        None,
    ],
)
def test_last_class_is_none_when_it_cannot_be_told(level: str | None) -> None:
    assert last_class_of(level, Track.VOCATIONAL) is None


@pytest.mark.parametrize(
    ("level", "track", "expected"),
    [
        ("1re", Track.VOCATIONAL, "1re_pro"),
        ("Terminale", Track.AGRICULTURAL, "tle_pro"),
        ("1re", Track.GENERAL, "1re_gt"),
        ("1re", None, "1re_gt"),
        # The text's « générale » or series wins over the track
        ("1ERE STMG", Track.VOCATIONAL, "1re_gt"),
        ("1re générale", Track.AGRICULTURAL, "1re_gt"),
        # and « pro » over a general track
        ("1re pro", Track.GENERAL, "1re_pro"),
    ],
)
def test_the_track_tells_a_professional_class_when_the_text_does_not(
    level: str, track: Track | None, expected: str
) -> None:
    assert last_class_of(level, track) == expected


def test_every_class_code_has_a_label() -> None:
    readable = {"1re_gt", "1re_pro", "2nde_gt", "2nde_pro", "tle_gt", "tle_pro", "cap_1", "cap_2"}
    assert readable | {"6e", "5e", "4e", "3e"} == set(CLASS_LABELS)


@pytest.mark.parametrize(
    ("track", "last_class", "expected"),
    [
        (Track.APPRENTICESHIP, "cap_2", "cfa"),
        (Track.APPRENTICESHIP, None, "cfa"),
        (Track.LOWER_SECONDARY, None, "college"),
        (Track.GENERAL, "3e", "college"),  # the SI calls the collège « voie générale »
        (Track.GENERAL, "1re_gt", "lycee"),
        (Track.GENERAL, None, "lycee"),
        (Track.VOCATIONAL, "3e", "lp"),  # a 3e prépa-métiers in a lycée professionnel
        (Track.VOCATIONAL, None, "lp"),
        (Track.AGRICULTURAL, "1re_gt", "lycee"),
        (Track.AGRICULTURAL, "cap_1", "lp"),
        (Track.OTHER, "tle_pro", "lp"),
        (None, "4e", "college"),
        (None, "tle_gt", "lycee"),
        (None, "2nde_pro", "lp"),
        (None, "cap_1", "lp"),
        (None, None, None),
        (Track.OTHER, None, None),
    ],
)
def test_school_kind(track: Track | None, last_class: str | None, expected: str | None) -> None:
    assert school_kind_of(track, last_class) == expected


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 3, 1), date(2026, 10, 1), 7),
        (date(2026, 3, 15), date(2026, 10, 14), 6),  # a day short of the seventh
        (date(2026, 3, 15), date(2026, 10, 15), 7),
        (date(2026, 10, 1), date(2026, 10, 1), 0),  # the same day
        (date(2026, 10, 2), date(2026, 10, 1), 0),  # end before start
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # from the 31st to a shorter month's end
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2026, 8, 31), date(2026, 9, 30), 1),
        (date(2025, 12, 31), date(2026, 1, 1), 0),  # across a new year
        (date(2025, 12, 1), date(2026, 1, 1), 1),
    ],
)
def test_months_between(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


@pytest.mark.parametrize(
    ("entry", "exit_", "terms"),
    [
        (date(2025, 9, 1), date(2025, 10, 20), 0),
        (date(2025, 9, 1), date(2025, 12, 1), 1),  # exactly three months
        (date(2025, 9, 1), date(2025, 11, 30), 0),
        (date(2025, 9, 1), date(2026, 3, 1), 2),
        (date(2025, 9, 1), date(2026, 2, 28), 1),
        (date(2025, 9, 1), date(2025, 9, 1), 0),
        (date(2025, 9, 1), date(2025, 8, 1), 0),
    ],
)
def test_terms_between(entry: date, exit_: date, terms: int) -> None:
    assert terms_between(entry, exit_) == terms


def test_terms_in_the_last_class_count_from_its_school_year() -> None:
    """Entered the bac pro in 2de (2023), left the 1re in January 2025: one term of 1re."""
    assert terms_in_last_class(date(2023, 9, 4), date(2025, 1, 15)) == 1


def test_terms_in_a_class_entered_during_the_year_count_from_the_entry() -> None:
    assert terms_in_last_class(date(2025, 1, 6), date(2025, 6, 30)) == 1


def test_a_youth_who_did_not_come_back_in_september_did_the_whole_year_before() -> None:
    assert terms_in_last_class(date(2024, 9, 2), date(2025, 9, 15)) == 4


def test_a_youth_who_left_in_the_first_weeks_did_no_term() -> None:
    assert terms_in_last_class(date(2025, 9, 1), date(2025, 9, 26)) == 0


def listed_youth(session: Session, **overrides: object) -> Youth:
    """A youth whose case came from an SI list: left 1re pro in January 2025, entered the bac
    pro in 2de in 2023."""
    values: dict[str, Any] = {
        "level": "1re pro MELEC",
        "school_entry_date": date(2023, 9, 4),
        "school_exit_date": date(2025, 1, 15),
        **overrides,
    }
    youth = make_youth(session, make_psad(session), **values)
    youth.cases[0].source = CaseSource.LISTING
    session.flush()
    return youth


def test_facts_of_a_listed_youth(session: Session) -> None:
    youth = listed_youth(session)
    facts = facts_of(youth, youth.cases[0])
    assert (facts.listed, facts.without_qualification, facts.without_bac) == (True, True, True)
    assert (facts.last_class, facts.school_kind, facts.terms_in_last_class) == ("1re_pro", "lp", 1)
    assert (facts.birth_date, facts.left_on) == (date(2008, 3, 14), date(2025, 1, 15))
    assert facts.level_text == "1re pro MELEC"


def test_a_listed_youth_without_exit_date_has_left_school(session: Session) -> None:
    youth = listed_youth(session, school_exit_date=None)
    facts = facts_of(youth, youth.cases[0])
    assert facts.enrolled_on(date(2026, 10, 1)) is False
    assert facts.terms_in_last_class is None


def test_the_diploma_of_a_darfi_request_wins_over_the_listing(session: Session) -> None:
    youth = listed_youth(session)
    facts = facts_of(youth, youth.cases[0], diploma="qualifying")
    assert (facts.without_qualification, facts.without_bac) == (False, None)
    assert facts.diploma_recorded


@pytest.mark.parametrize(
    ("diploma", "without_qualification", "without_bac"),
    [
        ("none", True, True),
        ("dnb", True, True),
        ("cfg", True, True),
        ("no_professional_certification", True, None),  # may hold a bac général
        ("qualifying", False, None),  # a bac, or a CAP registered in the RNCP
        ("unknown", None, None),
        (None, None, None),
    ],
)
def test_facts_of_a_referred_youth_read_the_diploma(
    session: Session, diploma: str | None, without_qualification: bool, without_bac: bool
) -> None:
    youth = make_youth(session, make_psad(session))
    facts = facts_of(youth, youth.cases[0], diploma=diploma)
    assert (facts.listed, facts.without_qualification, facts.without_bac) == (
        False,
        without_qualification,
        without_bac,
    )


def test_facts_of_read_the_cases_situation(session: Session) -> None:
    ensure_seeded(session)
    youth = make_youth(session, make_psad(session), level="3EME", track=Track.GENERAL)
    youth.cases[0].situation = item_by_code(session, ReferenceKind.SITUATION, "employed")
    session.flush()
    facts = facts_of(youth, youth.cases[0])
    assert (facts.situation_code, facts.situation_label) == ("employed", "En emploi")
    assert (facts.last_class, facts.school_kind) == ("3e", "college")


def test_facts_of_a_youth_without_a_case(session: Session) -> None:
    youth = make_youth(session, make_psad(session), case=False)
    facts = facts_of(youth, None)
    assert (facts.listed, facts.situation_code, facts.last_class) == (False, None, None)
