"""The regional guide's dispositifs built in memory from ``SEEDS``, and the youth its cases
speak of, as the facts the evaluator reads: a listed leaver of a terminale générale, a
collegian still in 4e."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from psad.orientations.eligibility import Verdict, evaluate
from psad.orientations.facts import Facts
from psad.orientations.seeds import SEEDS, programme_of

ON = date(2026, 10, 1)
CATALOGUE = {seed.code: programme_of(seed, position=index) for index, seed in enumerate(SEEDS)}
NO_SOLUTION = ("no_solution", "Sans solution (ni formation, ni emploi, ni accompagnement)")


def born(age: int, on: date = ON) -> date:
    """A birth date that makes the youth ``age`` on ``on`` (born 14 March)."""
    return date(on.year - age - (1 if (on.month, on.day) < (3, 14) else 0), 3, 14)


def leaver(**changes: object) -> Facts:
    """A listed 20-year-old who left a terminale générale in February 2026, without a solution."""
    facts = Facts(
        birth_date=born(20),
        left_on=date(2026, 2, 10),
        listed=True,
        school_kind="lycee",
        last_class="tle_gt",
        level_text="Terminale générale",
        terms_in_last_class=2,
        without_qualification=True,
        without_bac=True,
        situation_code=NO_SOLUTION[0],
        situation_label=NO_SOLUTION[1],
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def verdict(code: str, facts: Facts, on: date = ON) -> Verdict:
    return evaluate(CATALOGUE[code], facts, on)


def collegian(**changes: object) -> Facts:
    """A 14-year-old in 4e, whose school year ends in July 2027 (referred, not listed)."""
    facts = Facts(
        birth_date=born(14), left_on=date(2027, 7, 5), school_kind="college", last_class="4e"
    )
    return replace(facts, **changes)  # type: ignore[arg-type]
