"""The catalogue as first installed: every dispositif of the regional guide and the national
solutions, with rules that say what the guide says, stored once and never overwritten."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.orientations import eligibility
from psad.orientations.models import Programme, ProgrammeFamily, RuleKind
from psad.orientations.schooling import CLASS_LABELS, SCHOOL_KIND_LABELS
from psad.orientations.seeds import IA_DASEN, SEEDS, Seed, ensure_catalogue
from psad.reference.models import ReferenceKind
from psad.reference.seeds import SEEDS as REFERENCE_SEEDS
from psad.reference.services import ensure_seeded

SITUATIONS = {code for code, _ in REFERENCE_SEEDS[ReferenceKind.SITUATION]}
SOLUTIONS = {code for code, _ in REFERENCE_SEEDS[ReferenceKind.SOLUTION]}
VALID_VALUES = {
    RuleKind.SCHOOLING: {eligibility.ENROLLED, eligibility.LEFT},
    RuleKind.SCHOOL_KIND: set(SCHOOL_KIND_LABELS),
    RuleKind.LAST_CLASS: set(CLASS_LABELS),
    RuleKind.DIPLOMA: {eligibility.WITHOUT_QUALIFICATION, eligibility.WITHOUT_BAC},
    RuleKind.SITUATION: SITUATIONS - {eligibility.UNKNOWN_SITUATION},
}
SEED = {seed.code: seed for seed in SEEDS}


def seeded(session: Session) -> dict[str, Programme]:
    ensure_seeded(session)
    ensure_catalogue(session)
    return {programme.code: programme for programme in session.scalars(select(Programme))}


def test_ensure_catalogue_adds_every_seed_once(session: Session) -> None:
    ensure_seeded(session)
    assert ensure_catalogue(session) == len(SEEDS)
    codes = list(session.scalars(select(Programme.code)))
    assert sorted(codes) == sorted(SEED) and len(SEED) == len(SEEDS)


def test_ensure_catalogue_twice_adds_nothing(session: Session) -> None:
    seeded(session)
    assert ensure_catalogue(session) == 0
    assert session.scalar(select(func.count()).select_from(Programme)) == len(SEEDS)


def test_ensure_catalogue_keeps_what_an_administrator_edited(session: Session) -> None:
    programme = seeded(session)["MICRO_LYCEE"]
    programme.name = "Micro-lycée de Lille"
    programme.rules[0].max_value = 26
    session.flush()
    ensure_catalogue(session)
    session.expire_all()
    assert programme.name == "Micro-lycée de Lille"
    assert programme.rules[0].max_value == 26


def test_each_seed_gives_its_solution(session: Session) -> None:
    programmes = seeded(session)
    for seed in SEEDS:
        solution = programmes[seed.code].solution
        if seed.solution is None:
            assert solution is None, seed.code
        else:
            assert solution is not None, seed.code
            assert (solution.kind, solution.code) == (ReferenceKind.SOLUTION, seed.solution)


def test_the_stored_rules_are_the_seeds(session: Session) -> None:
    programme = seeded(session)["SAS_LNC"]
    session.expire_all()
    stored = [
        (rule.kind, rule.min_value, rule.values, rule.exceptional) for rule in programme.rules
    ]
    assert stored == [
        (rule.kind, rule.min_value, rule.values, rule.exceptional) for rule in SEED["SAS_LNC"].rules
    ]


def test_the_catalogue_is_in_the_seeds_order(session: Session) -> None:
    seeded(session)
    codes = list(session.scalars(select(Programme.code).order_by(Programme.position)))
    assert codes == [seed.code for seed in SEEDS]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.code)
def test_every_rule_names_valid_codes(seed: Seed) -> None:
    for rule in seed.rules:
        values = [value for value in (rule.values or "").split(",") if value]
        if rule.kind in VALID_VALUES:
            assert values and set(values) <= VALID_VALUES[rule.kind], (rule.kind, values)
        else:
            assert not values, rule.kind
        if rule.kind is RuleKind.CHECK:
            assert rule.label, "a condition to check says what"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: seed.code)
def test_every_rule_is_complete(seed: Seed) -> None:
    for rule in seed.rules:
        if rule.kind is RuleKind.AGE:
            assert rule.min_value is not None or rule.max_value is not None
            assert (rule.waiver_value is None) == (rule.waiver_label is None)
        if rule.kind is RuleKind.OUT_OF_SCHOOL:
            assert rule.min_value
    assert seed.solution is None or seed.solution in SOLUTIONS


def test_every_family_of_the_guide_has_dispositifs() -> None:
    assert {seed.family for seed in SEEDS} == set(ProgrammeFamily)


def ages(code: str) -> tuple[int | None, int | None, int | None, str | None]:
    (rule,) = [rule for rule in SEED[code].rules if rule.kind is RuleKind.AGE]
    return rule.min_value, rule.max_value, rule.waiver_value, rule.waiver_label


def values(code: str, kind: RuleKind) -> list[str]:
    return [rule.values or "" for rule in SEED[code].rules if rule.kind is kind]


# What the guide says of each of its dispositifs (public, ages, waivers, conditions)

GUIDE_AGES = {
    "IMMERSION": (16, None, 15, IA_DASEN),
    "COMPETENCES": (16, None, 15, IA_DASEN),
    "SAS_LNC": (18, 24, None, None),
    "FLS": (16, 18, 15, IA_DASEN),
    "SCA": (16, 18, None, None),
    "MICRO_LYCEE": (16, 25, None, None),
}


@pytest.mark.parametrize(("code", "expected"), GUIDE_AGES.items())
def test_the_ages_are_the_guides(code: str, expected: tuple[object, ...]) -> None:
    assert ages(code) == expected


GUIDE_PUBLICS = {
    # code: (still enrolled or left, the schools its pupils come from), from the guide's tables
    "PPDS": ("enrolled", "college,lycee,lp"),
    "PAFI": ("enrolled", "college,lycee,lp"),
    "PAFI_TDO": ("enrolled", "college,lycee,lp"),
    "PAE": ("enrolled", "lp"),
    "TUTORAT": ("enrolled", "college,lycee,lp"),
    "RELAIS": ("enrolled", "college"),
    "SAS_LNC": ("left", "lycee,lp"),
    "CSF": ("left", "college,lycee,lp"),
    "DEP": ("left", "lycee,lp"),
    "MICRO_LYCEE": ("left", "lycee,lp"),
    "LNC": ("left", "lycee,lp"),
}


@pytest.mark.parametrize(("code", "expected"), GUIDE_PUBLICS.items())
def test_the_publics_are_the_guides(code: str, expected: tuple[str, str]) -> None:
    schooling, kinds = expected
    assert values(code, RuleKind.SCHOOLING) == [schooling]
    assert values(code, RuleKind.SCHOOL_KIND) == [kinds]


@pytest.mark.parametrize("code", ["IMMERSION", "COMPETENCES", "SCA"])
def test_the_remobilisation_parcours_take_leavers(code: str) -> None:
    assert values(code, RuleKind.SCHOOLING) == ["left"]


def test_sas_lnc_names_the_guides_classes() -> None:
    classes = [
        (rule.values, rule.min_value, rule.exceptional)
        for rule in SEED["SAS_LNC"].rules
        if rule.kind is RuleKind.LAST_CLASS
    ]
    assert classes == [
        ("tle_gt,tle_pro", None, False),
        ("1re_gt", 1, False),
        ("1re_pro", 2, False),
        ("cap_2", None, True),
    ]
    assert values("SAS_LNC", RuleKind.DIPLOMA) == ["without_bac"]


def test_micro_lycee_waives_the_six_months_on_the_ien_ios_opinion() -> None:
    (rule,) = [rule for rule in SEED["MICRO_LYCEE"].rules if rule.kind is RuleKind.OUT_OF_SCHOOL]
    assert rule.min_value == 6
    assert rule.waiver_label == "dérogation sur avis favorable de l'IEN-IO"
    assert SEED["MICRO_LYCEE"].prescriber == "CIO ou psychologue de l'Éducation nationale (Psy-EN)"


def test_micro_college_is_for_4e_and_3e() -> None:
    assert values("MICRO_COLLEGE", RuleKind.LAST_CLASS) == ["4e,3e"]
    assert values("MICRO_COLLEGE", RuleKind.SCHOOL_KIND) == ["college"]


def test_fls_asks_for_the_casnavs_assessment() -> None:
    (check,) = [rule for rule in SEED["FLS"].rules if rule.kind is RuleKind.CHECK]
    assert "CASNAV" in (check.label or "")


def test_the_families_are_the_guides_map() -> None:
    families = {seed.code: seed.family for seed in SEEDS if not seed.national}
    assert families == {
        **dict.fromkeys(
            ["PPDS", "PAFI", "PAFI_TDO", "PAE", "TUTORAT", "RELAIS"], ProgrammeFamily.PREVENTION
        ),
        **dict.fromkeys(["OBJECTIF_REUSSITE", "SAS_LNC"], ProgrammeFamily.SUPPORT),
        **dict.fromkeys(["IMMERSION", "COMPETENCES", "FLS"], ProgrammeFamily.REMOBILISATION),
        **dict.fromkeys(["SCA", "CSF"], ProgrammeFamily.INSERTION),
        **dict.fromkeys(
            ["DEP", "MICRO_LYCEE", "LNC", "MICRO_COLLEGE"], ProgrammeFamily.QUALIFICATION
        ),
    }


def test_the_national_solutions_of_domain_md_are_all_there() -> None:
    national = {seed.solution for seed in SEEDS if seed.national}
    assert national == SOLUTIONS
