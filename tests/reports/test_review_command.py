"""Review of issue 15: ``psad bilan`` refuses, with a French message and exit code 2, a
period no one means or one the calendar cannot hold, before it reads anything."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("1926-01-01", "2026-01-01", "5 ans"),
        ("0001-01-01", "0001-01-05", "entre le 01/01/1900 et le 31/12/2100"),
        ("2026-01-01", "9999-12-31", "entre le 01/01/1900 et le 31/12/2100"),
    ],
)
def test_a_period_out_of_reason_stops_with_a_message(run, tmp_path, start, end, message):
    target = tmp_path / "bilan.xlsx"

    result = run("bilan", "--psad", "X", "--from", start, "--to", end, "-o", str(target))

    assert result.exit_code == 2, result.output
    assert "Erreur :" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert not target.exists()
