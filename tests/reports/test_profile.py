"""The profile of the youth listed, on the known-answer world (tests/reports/conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from psad.reports.figures import Period, Scope
from psad.reports.indicators import REGISTRY
from tests.reports.conftest import BilanWorld, build_bilan_world
from tests.reports.test_funnel import figure, youth_behind

# code → rows of PSAD A in 2025-2026: {key: youth names}
PROFILE_A = {
    "by_sex": {
        "female": "alice chloe emma",
        "male": "bruno david hugo",
        "unknown": "ines",
    },
    "by_age_band": {
        # Chloé turns 18 on 01/12/2025 but was listed on 10/11/2025, at 17
        "16_17": "alice bruno chloe emma hugo",
        "18_25": "david",
        "unknown": "ines",
    },
    "by_track": {
        "vocational": "alice",
        "general": "bruno emma",
        "apprenticeship": "chloe",
        "lower_secondary": "hugo",
        "unknown": "david ines",
    },
    "by_last_class": {
        "2nde_pro": "alice",
        "tle_gt": "bruno",
        "cap": "chloe",
        "1re_gt": "emma",
        "college": "hugo",
        "unknown": "david ines",
    },
    "by_school": {
        "0590001A": "alice",
        "0590002B": "bruno",
        "CFA BTP": "chloe",
        "0590003C": "hugo",
        "unknown": "david emma ines",
    },
    "by_commune": {
        "Lille": "alice chloe hugo",
        "Roubaix": "bruno",
        "Lens": "emma",
        "unknown": "david ines",
    },
}
PREVIOUS_A = {
    "by_sex": {"female": 1},
    "by_age_band": {"16_17": 1},  # Gaëlle, 16 on 15/03/2025
    "by_track": {"vocational": 1},
    "by_last_class": {"1re_pro": 1},
    "by_school": {"0590001A": 1},
    "by_commune": {"Lille": 1},
}


@pytest.fixture
def world(session: Session) -> BilanWorld:
    return build_bilan_world(session)


def test_each_breakdown_of_the_youth_listed(session: Session, world: BilanWorld) -> None:
    scope, previous = world.scope(world.a), world.scope(world.a, previous=True)
    for code, rows in PROFILE_A.items():
        assert figure(session, code, scope) == {k: len(v.split()) for k, v in rows.items()}, code
        for key, names in rows.items():
            assert youth_behind(session, code, scope, key) == world.ids(*names.split()), (
                code,
                key,
            )
        assert figure(session, code, previous) == PREVIOUS_A[code], code


def test_each_youth_is_in_one_row_and_the_rows_add_up_to_the_listed(
    session: Session, world: BilanWorld
) -> None:
    for scope in (world.scope(world.a), world.scope(world.b), world.scope(world.a, world.b)):
        listed = figure(session, "listed", scope)
        for code in PROFILE_A:
            rows = figure(session, code, scope)
            assert isinstance(rows, dict)
            assert sum(rows.values()) == listed, (code, scope)


def test_the_age_is_the_one_on_the_first_day_listed(session: Session, world: BilanWorld) -> None:
    # From 01/12/2025 on, Chloé is 18: a period starting then sees her listed in February?
    # No: she was listed once, on 10/11/2025. A period from 01/11/2025 keeps her at 17.
    scope = Scope((world.a.id,), Period(date(2025, 11, 1), date(2025, 11, 30)))
    assert youth_behind(session, "by_age_band", scope, "16_17") == world.ids(
        "alice", "bruno", "chloe"
    )
    # David, 20, and a youth listed at 26 would be « Plus de 25 ans »
    rows = REGISTRY["by_age_band"].compute(session, world.scope(world.a))
    assert isinstance(rows, list)
    assert [row.key for row in rows] == ["16_17", "18_25", "under_16", "over_25", "unknown"]
    assert rows[0].label == "16-17 ans (obligation de formation)"


def test_labels_of_the_rows(session: Session, world: BilanWorld) -> None:
    def labels(code: str) -> dict[str, str]:
        rows = REGISTRY[code].compute(session, world.scope(world.a))
        assert isinstance(rows, list)
        return {row.key: row.label for row in rows if row.value.number}

    assert labels("by_sex") == {"female": "Fille", "male": "Garçon", "unknown": "Non renseigné"}
    assert labels("by_track")["vocational"] == "Professionnelle"
    assert labels("by_track")["general"] == "Générale et technologique"
    assert labels("by_last_class")["2nde_pro"] == "2de professionnelle"
    assert labels("by_school")["0590001A"] == "0590001A Lycée Jean Moulin"
    assert labels("by_school")["CFA BTP"] == "CFA BTP"
    assert labels("by_commune")["Lille"] == "Lille"


def test_a_second_copy_of_the_world_doubles_every_row(session: Session, world: BilanWorld) -> None:
    again = build_bilan_world(session, "2")
    scope = Scope((world.a.id, again.a.id), world.period)
    for code, rows in PROFILE_A.items():
        assert figure(session, code, scope) == {k: 2 * len(v.split()) for k, v in rows.items()}, (
            code
        )
