"""``psad bilan``: the workbook written from the command line, what it prints in French, how
it fails. The command builds its own application and commits through its own connection,
hence ``committed`` (on PostgreSQL the tables are emptied afterwards)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from psad import clock
from psad.audit.actions import AuditAction
from psad.reports.figures import Period
from psad.reports.indicators import REGISTRY
from tests.helpers import events
from tests.reports.conftest import BilanWorld, build_bilan_world

pytestmark = pytest.mark.committed

TODAY = date(2026, 3, 15)


@pytest.fixture
def world(session, monkeypatch) -> BilanWorld:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))
    built = build_bilan_world(session)
    session.commit()
    return built


def test_bilan_writes_the_workbook_and_says_what_it_wrote(run, world, session, tmp_path):
    target = tmp_path / "bilan.xlsx"

    result = run(
        "bilan", "--psad", "bila", "--from", "2025-09-01", "--to", "2026-08-31", "-o", str(target)
    )

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Bilan d'activité écrit dans {target}",
        "PSAD : PSAD Bilan A (BILA)",
        "Période : année scolaire 2025-2026 (du 01/09/2025 au 31/08/2026)",
        "Comparée à : année scolaire 2024-2025 (du 01/09/2024 au 31/08/2025)",
        f"Indicateurs : {len(REGISTRY)}",
    ]
    workbook = load_workbook(target)
    cover = workbook["Couverture"]
    assert cover["B3"].value == "PSAD Bilan A"
    assert cover["B4"].value == "année scolaire 2025-2026"
    assert cover["B5"].value == datetime(2025, 9, 1)
    sheet = workbook["Repérage à solution"]
    assert [sheet["A5"].value, sheet["C5"].value] == [REGISTRY["listed"].label, 7]
    [event] = events(session, AuditAction.BILAN_EXPORTED.value)
    assert event.psad_id == world.a.id and event.user_id is None
    assert "du=2025-09-01; au=2026-08-31; psad=BILA" in (event.detail or "")


def test_the_default_period_is_the_current_school_year(run, world, tmp_path):
    target = tmp_path / "bilan.xlsx"

    result = run("bilan", "--psad", "BILA", "-o", str(target))

    assert result.exit_code == 0, result.output
    assert "Période : année scolaire 2025-2026 (du 01/09/2025 au 31/08/2026)" in result.output
    assert Period.school_year_of(TODAY) == world.period


def test_several_psads_make_a_consolidated_bilan(run, world, session, tmp_path):
    target = tmp_path / "region.xlsx"

    result = run("bilan", "--psad", "BILB", "--psad", "BILA", "-o", str(target))

    assert result.exit_code == 0, result.output
    assert "PSAD (bilan consolidé de 2) : PSAD Bilan A (BILA), PSAD Bilan B (BILB)" in (
        result.output
    )
    workbook = load_workbook(target)
    cover = workbook["Couverture"]
    assert [cover["A3"].value, cover["B3"].value, cover["B4"].value] == [
        "PSAD (2, bilan consolidé)",
        "PSAD Bilan A",
        "PSAD Bilan B",
    ]
    assert workbook["Repérage à solution"]["C5"].value == 8  # a youth counts once
    assert {e.psad_id for e in events(session, AuditAction.BILAN_EXPORTED.value)} == {
        world.a.id,
        world.b.id,
    }


def test_any_two_dates(run, world, tmp_path):
    target = tmp_path / "bilan.xlsx"

    result = run(
        "bilan", "--psad", "BILA", "--from", "2026-01-01", "--to", "2026-03-31", "-o", str(target)
    )

    assert result.exit_code == 0, result.output
    assert "Période : du 01/01/2026 au 31/03/2026" in result.output
    assert "Comparée à : du 03/10/2025 au 31/12/2025" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--psad", "NOWHERE"], "Erreur : PSAD « NOWHERE » inconnue."),
        (["--psad", "BILA", "--psad", "NOPE"], "Erreur : PSAD « NOPE » inconnue."),
        (
            ["--psad", "BILA", "--from", "2025-13-01", "--to", "2026-01-01"],
            "Erreur : date « 2025-13-01 » invalide pour --from : attendu AAAA-MM-JJ",
        ),
        (
            ["--psad", "BILA", "--from", "2025-09-01", "--to", "31/08/2026"],
            "Erreur : date « 31/08/2026 » invalide pour --to",
        ),
        (["--psad", "BILA", "--from", "2025-09-01"], "indiquez les deux dates, --from et --to"),
        (["--psad", "BILA", "--to", "2025-09-01"], "indiquez les deux dates, --from et --to"),
        (
            ["--psad", "BILA", "--from", "2026-01-02", "--to", "2026-01-01"],
            "la date de fin (2026-01-01) est antérieure à la date de début (2026-01-02)",
        ),
    ],
)
def test_a_bad_code_or_date_stops_with_a_clear_message_and_writes_nothing(
    run, world, session, tmp_path, arguments, message
):
    target = tmp_path / "bilan.xlsx"

    result = run("bilan", *arguments, "-o", str(target))

    assert result.exit_code != 0
    assert message in result.output
    assert not target.exists()
    assert events(session, AuditAction.BILAN_EXPORTED.value) == []


def test_a_folder_that_does_not_exist_is_named(run, world, tmp_path):
    target = tmp_path / "absent" / "bilan.xlsx"

    result = run("bilan", "--psad", "BILA", "-o", str(target))

    assert result.exit_code == 1
    assert f"Erreur : impossible d'écrire « {target} »" in result.output


def test_bilan_is_listed_in_the_help(run):
    result = run("--help")

    assert "  bilan " in result.output
