"""The bilan computes the populations many indicators share (youth listed, contacts,
interviews) once per period, in temporary tables (psad.reports.indicators.populations): it
gives every indicator's figure as computed alone, and leaves nothing behind."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from psad.reports.bilan import compute_bilan
from psad.reports.figures import Period, Scope
from psad.reports.indicators import REGISTRY, SHARED, populations
from tests.reports.conftest import build_bilan_world

NOW = datetime(2026, 8, 1, tzinfo=UTC)


def _temp_tables(session):
    if session.get_bind().dialect.name == "sqlite":
        return list(session.scalars(text("select name from sqlite_temp_master where type='table'")))
    return list(
        session.scalars(
            text("select relname from pg_class where relpersistence='t' and relkind='r'")
        )
    )


@pytest.mark.parametrize("which", ["a", "ab", "short"])
def test_bilan_equals_each_indicator_alone(session, bilan_world, which):
    world = bilan_world
    build_bilan_world(session, "2")
    session.flush()
    ids = [world.a.id] if which == "a" else [world.a.id, world.b.id]
    period = world.period if which != "short" else Period(date(2026, 1, 1), world.period.end)
    bilan = compute_bilan(session, ids, period, produced_at=NOW)
    assert _temp_tables(session) == []
    for code, indicator in REGISTRY.items():
        result = bilan.results[code]
        assert result.current == indicator.compute(session, bilan.scope), code
        assert result.previous == indicator.compute(session, bilan.previous), code
    again = compute_bilan(session, ids, period, produced_at=NOW)
    assert again.results == bilan.results


def test_an_error_leaves_no_table_and_the_next_bilan_works(session, bilan_world):
    scope_ids = [bilan_world.a.id]
    period = bilan_world.period
    scopes = [Scope(tuple(scope_ids), period), Scope(tuple(scope_ids), period.previous())]
    nested = session.begin_nested()
    with pytest.raises(RuntimeError), populations.shared(session, scopes, SHARED):
        assert len(_temp_tables(session)) == 6
        raise RuntimeError("boom")
    nested.rollback()
    assert _temp_tables(session) == []
    bilan = compute_bilan(session, scope_ids, period, produced_at=NOW)
    assert bilan.results["listed"].current.number == 7
