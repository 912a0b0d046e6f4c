"""What the evaluator gives any dispositif, an administrator's as well as the guide's: its
rules read as data, the ages in years, a birth date to correct, the verdicts in order, and
every text in French as a counsellor reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from psad.orientations.eligibility import State, evaluate, evaluate_all
from psad.orientations.facts import Facts
from psad.orientations.models import Programme, ProgrammeFamily, ProgrammeRule, RuleKind
from tests.orientations.guide import CATALOGUE, ON, born, collegian, leaver, verdict


def administrators_programme() -> Programme:
    """A dispositif an administrator added: 18 to 20, and a condition the app cannot know."""
    return Programme(
        code="PERMIS",
        name="Permis pour l'emploi",
        family=ProgrammeFamily.INSERTION,
        rules=[
            ProgrammeRule(kind=RuleKind.AGE, min_value=18, max_value=20),
            ProgrammeRule(kind=RuleKind.CHECK, label="projet professionnel nécessitant le permis"),
        ],
    )


def test_a_dispositif_added_by_an_administrator_is_evaluated_by_its_rules() -> None:
    found = evaluate(administrators_programme(), Facts(birth_date=born(19)), ON)
    assert found.state is State.ELIGIBLE_IF
    assert found.met == ["19 ans au 01/10/2026 (de 18 à 20 ans)"]
    assert found.conditions == ["à vérifier : projet professionnel nécessitant le permis"]


def test_a_dispositif_added_by_an_administrator_explains_a_refusal() -> None:
    found = evaluate(administrators_programme(), Facts(birth_date=born(21)), ON)
    assert found.state is State.NOT_ELIGIBLE
    assert found.reasons == ["21 ans au 01/10/2026 : il faut avoir de 18 à 20 ans"]


def test_a_dispositif_without_rules_is_open_to_all() -> None:
    assert verdict("AUTRE", Facts()).state is State.ELIGIBLE


@pytest.mark.parametrize(
    ("age", "text"),
    [(1, "1 an au 01/10/2026 (de 0 à 2 ans)"), (2, "2 ans au 01/10/2026 (de 0 à 2 ans)")],
)
def test_ages_are_said_in_years(age: int, text: str) -> None:
    rule = ProgrammeRule(kind=RuleKind.AGE, min_value=0, max_value=2)
    found = evaluate(Programme(code="X", rules=[rule]), Facts(birth_date=born(age)), ON)
    assert found.met == [text]


def test_a_birth_date_after_the_date_asked_is_to_correct() -> None:
    found = verdict("RETOUR_FI", leaver(birth_date=date(2027, 1, 5)))
    assert found.state is State.UNKNOWN
    assert found.missing == [
        "l'âge (la date de naissance, 05/01/2027, est postérieure au 01/10/2026 : à corriger)"
    ]


def test_evaluate_all_lists_the_eligible_then_conditions_then_to_complete_then_refused() -> None:
    facts = leaver(left_on=date(2026, 7, 1))  # 20, left a terminale générale 3 months ago
    codes = ["PPDS", "SAS_LNC", "MICRO_COLLEGE", "RETOUR_FI", "MICRO_LYCEE", "E2C", "ESMS"]
    facts = replace(facts, situation_code=None)
    found = evaluate_all([CATALOGUE[code] for code in codes], facts, ON)
    assert [(verdict.programme.code, verdict.state) for verdict in found] == [
        ("RETOUR_FI", State.ELIGIBLE),
        ("E2C", State.ELIGIBLE),
        ("MICRO_LYCEE", State.ELIGIBLE_IF),
        ("ESMS", State.ELIGIBLE_IF),
        ("SAS_LNC", State.UNKNOWN),
        ("PPDS", State.NOT_ELIGIBLE),
        ("MICRO_COLLEGE", State.NOT_ELIGIBLE),
    ]


WORDING_CASES = [
    Facts(),
    leaver(),
    leaver(birth_date=born(15), last_class="1re_pro", school_kind="lp", terms_in_last_class=1),
    leaver(last_class=None, level_text="CAP", listed=False, without_bac=None, left_on=None),
    leaver(diploma="qualifying", without_qualification=False, without_bac=None),
    leaver(situation_code="employed", situation_label="En emploi", birth_date=born(30)),
    collegian(),
    collegian(left_on=None, birth_date=None, school_kind=None, last_class=None),
]


@pytest.mark.parametrize("facts", WORDING_CASES)
def test_every_text_reads_as_french(facts: Facts) -> None:
    texts = [
        text
        for found in evaluate_all(CATALOGUE.values(), facts, ON)
        for text in found.met + found.conditions + found.missing + found.reasons
    ]
    for text in texts:
        assert text == text.strip() and "  " not in text, text
        assert text[0].islower() or text[0].isdigit(), text
        assert not text.endswith("."), text
        assert "None" not in text and "(s)" not in text, text
        assert " ," not in text and "( " not in text and " )" not in text, text
        assert " 1 ans" not in text and " 1 trimestres" not in text, text
