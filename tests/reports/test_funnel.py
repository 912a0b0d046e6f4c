"""The funnel and the situations on the known-answer world (tests/reports/conftest.py): each
indicator's value for the period and the previous one, and the youth behind each figure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from psad.reports.figures import Indicator, Period, Row, Scope, Value
from psad.reports.indicators import REGISTRY, funnel
from psad.reports.indicators.common import local_date
from tests.reports.conftest import BilanWorld, build_bilan_world, paris


def figure(session: Session, code: str, scope: Scope) -> int | dict[str, int]:
    """A scalar's number, or a breakdown's ``{key: number}`` (zero rows left out)."""
    computed = REGISTRY[code].compute(session, scope)
    if isinstance(computed, Value):
        assert isinstance(computed.number, int)
        return computed.number
    return {row.key: int(row.value.number or 0) for row in computed if row.value.number}


def youth_behind(session: Session, code: str, scope: Scope, key: str | None = None) -> set[int]:
    youth = REGISTRY[code].youth
    assert youth is not None
    return set(session.scalars(youth(scope, key)))


# code → {scope name: (expected now, youth now by key or None, expected previous year)}
# Scopes: « A », « B », « AB » (both PSADs).
SCALARS = {
    "listed": {
        "A": (7, "alice bruno chloe david emma hugo ines", 1),
        "B": (1, "farid", 0),
        "AB": (8, "alice bruno chloe david emma farid hugo ines", 1),
    },
    "contacted": {
        "A": (5, "alice bruno chloe david emma", 1),
        "B": (2, "emma farid", 0),
        "AB": (6, "alice bruno chloe david emma farid", 1),
    },
    "reached": {
        "A": (5, "alice bruno chloe david emma", 1),
        "B": (1, "emma", 0),
        "AB": (5, "alice bruno chloe david emma", 1),
    },
    "interviewed": {
        "A": (3, "alice david hugo", 0),
        "B": (1, "emma", 0),
        "AB": (4, "alice david emma hugo", 0),
    },
    "solution_proposed": {
        "A": (2, "alice hugo", 0),
        "B": (0, "", 0),
        "AB": (2, "alice hugo", 0),
    },
    "solution_started": {
        "A": (2, "alice david", 1),
        "B": (0, "", 0),
        "AB": (2, "alice david", 1),
    },
    "discovered": {
        "A": (1, "david", 0),
        "B": (0, "", 0),
        "AB": (1, "david", 0),
    },
}

# code → {scope: (rows now {key: youth names}, rows previous year {key: number})}
BREAKDOWNS = {
    "listed_by_source": {
        "A": (
            {
                "list:siei": "alice bruno chloe",
                "list:school": "alice ines",
                "case:referral": "david emma",
                "case:spontaneous": "hugo",
            },
            {"list:siei": 1},
        ),
        "B": ({"list:siei": "farid"}, {}),
    },
    "solution_started_by_type": {
        "A": (
            {"solution:e2c": "alice", "solution:apprenticeship": "david"},
            {"solution:school": 1},
        ),
        "B": ({}, {}),
    },
    "situation_at_contact": {
        "A": (
            {"no_solution": "alice", "employed": "chloe", "unknown": "bruno david emma"},
            {"no_solution": 1},
        ),
        "B": ({"unknown": "emma"}, {}),
        "AB": (
            {"no_solution": "alice", "employed": "chloe", "unknown": "bruno david emma"},
            {"no_solution": 1},
        ),
    },
    "closing_reasons": {
        "A": ({"solution_found": "david", "transferred": "emma"}, {"solution_found": 1}),
        "B": ({}, {}),
    },
}


@pytest.fixture
def world(session: Session) -> BilanWorld:
    return build_bilan_world(session)


def _scope(world: BilanWorld, name: str, *, previous: bool = False) -> Scope:
    psads = {"A": (world.a,), "B": (world.b,), "AB": (world.a, world.b)}[name]
    return world.scope(*psads, previous=previous)


def _names(world: BilanWorld, names: str) -> set[int]:
    return world.ids(*names.split())


def test_every_scalar_of_the_funnel_and_its_youth(session: Session, world: BilanWorld) -> None:
    for code, scopes in SCALARS.items():
        for name, (now, youth, before) in scopes.items():
            scope = _scope(world, name)
            assert figure(session, code, scope) == now, (code, name)
            assert youth_behind(session, code, scope) == _names(world, youth), (code, name)
            assert figure(session, code, _scope(world, name, previous=True)) == before, (
                code,
                name,
                "previous",
            )


def test_every_breakdown_and_the_youth_of_each_row(session: Session, world: BilanWorld) -> None:
    for code, scopes in BREAKDOWNS.items():
        for name, (now, before) in scopes.items():
            scope = _scope(world, name)
            expected = {key: len(names.split()) for key, names in now.items()}
            assert figure(session, code, scope) == expected, (code, name)
            for key, names in now.items():
                assert youth_behind(session, code, scope, key) == _names(world, names), (code, key)
            assert figure(session, code, _scope(world, name, previous=True)) == before, (
                code,
                name,
            )


def test_listed_by_list_names_each_list_once_per_youth(session: Session, world: BilanWorld) -> None:
    rows = REGISTRY["listed_by_list"].compute(session, world.scope(world.a))
    assert isinstance(rows, list)
    by_label = {row.label: row.value.number for row in rows}
    assert by_label == {
        "SIEI novembre 2025": 3,
        "Lycée Jean Moulin février 2026": 2,
        "Hors liste (signalement, démarche spontanée)": 3,
    }
    november = str(world.batches["a_nov"])
    assert youth_behind(session, "listed_by_list", world.scope(world.a), november) == world.ids(
        "alice", "bruno", "chloe"
    )


def test_breakdown_rows_are_labelled_in_french(session: Session, world: BilanWorld) -> None:
    def labels(code: str) -> dict[str, str]:
        rows = REGISTRY[code].compute(session, world.scope(world.a))
        assert isinstance(rows, list)
        return {row.key: row.label for row in rows}

    assert labels("listed_by_source") == {
        "list:siei": "Campagne SIEI (RIO)",
        "list:school": "Liste d'un établissement",
        "list:partner": "Liste d'un partenaire",
        "list:other": "Autre liste",
        "case:referral": "Signalement",
        "case:spontaneous": "Démarche spontanée",
    }
    assert labels("solution_started_by_type") == {
        "solution:e2c": "École de la deuxième chance (E2C)",
        "solution:apprenticeship": "Apprentissage",
    }
    assert labels("closing_reasons") == {
        "solution_found": "Solution trouvée",
        "transferred": "Transfert vers une autre PSAD",
    }
    assert labels("situation_at_contact")["unknown"] == "Non renseigné"


def test_an_orientation_without_a_solution_type_counts_by_its_family(
    session: Session, world: BilanWorld
) -> None:
    from psad.orientations.models import Orientation, OrientationStatus

    hugo = session.scalars(
        select(Orientation).where(Orientation.youth_id == world.youth["hugo"])
    ).one()
    hugo.status, hugo.accepted_on, hugo.started_on = (
        OrientationStatus.STARTED,
        date(2026, 6, 5),
        date(2026, 6, 10),
    )
    session.flush()
    rows = REGISTRY["solution_started_by_type"].compute(session, world.scope(world.a))
    assert isinstance(rows, list)
    assert Row("family:remobilisation", "Dispositif : Remobilisation", Value(1)) in rows


def test_a_contact_on_the_last_day_counts_and_the_next_day_does_not(
    session: Session, world: BilanWorld
) -> None:
    # Chloé: 31/08/2026 23:30 and 01/09/2026 00:30, Paris time (both 31/08 in UTC)
    assert world.youth["chloe"] in youth_behind(session, "contacted", world.scope(world.a))
    next_year = Scope((world.a.id,), Period.school_year(2026))
    assert youth_behind(session, "contacted", next_year) == world.ids("chloe")
    only_august = Scope((world.a.id,), Period(date(2026, 8, 31), date(2026, 8, 31)))
    assert youth_behind(session, "reached", only_august) == world.ids("chloe")


def test_the_paris_day_of_an_instant_on_both_databases(session: Session) -> None:
    cases = {
        paris(2026, 8, 31, 23, 30): date(2026, 8, 31),  # summer, 21:30 UTC
        paris(2026, 9, 1, 0, 30): date(2026, 9, 1),  # summer, 22:30 UTC the day before
        paris(2026, 1, 15, 0, 30): date(2026, 1, 15),  # winter, 23:30 UTC the day before
        paris(2026, 3, 29, 1, 30): date(2026, 3, 29),  # the night summer time begins
        paris(2026, 10, 25, 0, 30): date(2026, 10, 25),  # the night it ends
    }
    for moment, day in cases.items():
        found = session.scalar(select(local_date(moment)))
        assert found in (day, day.isoformat()), moment


def test_every_indicator_has_a_french_definition() -> None:
    for indicator in funnel.INDICATORS:
        assert indicator.definition.strip().endswith((".", ")")), indicator.code
        assert indicator.youth is not None
        assert indicator.code in REGISTRY


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("indicator", funnel.INDICATORS, ids=lambda i: i.code)
def test_each_indicator_runs_one_statement_whatever_the_number_of_youth(
    session: Session, world: BilanWorld, indicator: Indicator
) -> None:
    scope = world.scope(world.a, world.b)
    session.flush()
    with statements(session) as seen:
        indicator.compute(session, scope)
    assert len(seen) == 1, seen
    again = build_bilan_world(session, "2")  # twice the youth, lists, contacts...
    session.flush()
    scope = Scope((*scope.psad_ids, again.a.id, again.b.id), scope.period)
    with statements(session) as seen:
        indicator.compute(session, scope)
    assert len(seen) == 1, seen
