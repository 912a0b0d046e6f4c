"""`psad import` and `psad inbox`: what they print, store and return."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from psad.youth.models import Youth
from tests.imports.files import write_pdf, write_xlsx

pytestmark = pytest.mark.committed

HEADER = ["Nom", "Prénom", "Date de naissance", "INE"]
ROWS = [
    HEADER,
    ["Lefèvre", "Éloïse", date(2008, 3, 14), "0494004062M"],
    ["", "Sans-Nom", date(2008, 3, 14), None],
]
INTEGER_KEYS = ["created", "updated", "unchanged", "reopened", "rejected", "warnings"]


def test_json_output_gives_the_counts_and_the_batch(run, committed_psad, tmp_path, session):
    path = write_xlsx(tmp_path, "mars.xlsx", ROWS)

    result = run("import", str(path), "--psad", "LILLE", "--label", "SIEI mars", "--json")

    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert all(isinstance(payload[key], int) for key in INTEGER_KEYS)
    assert (payload["created"], payload["rejected"]) == (1, 1)
    assert isinstance(payload["batch_id"], int)
    assert session.scalar(select(func.count()).select_from(Youth)) == 1


def test_the_french_summary_names_the_rejected_line(run, committed_psad, tmp_path):
    path = write_xlsx(tmp_path, "mars.xlsx", ROWS)

    result = run("import", str(path), "--psad", "LILLE", "--label", "SIEI mars")

    assert result.exit_code == 0
    assert "jeunes créés : 1" in result.stdout
    assert "ligne 3, colonne A « Nom » (erreur) : Nom manquant" in result.stdout


def test_a_dry_run_stores_nothing_and_has_no_batch(run, committed_psad, tmp_path, session):
    path = write_xlsx(tmp_path, "mars.xlsx", ROWS)

    result = run("import", str(path), "--psad", "LILLE", "--label", "x", "--dry-run", "--json")

    payload = json.loads(result.stdout)
    assert (payload["created"], payload["batch_id"]) == (1, None)
    assert session.scalar(select(func.count()).select_from(Youth)) == 0


def test_a_file_already_imported_is_skipped_unless_forced(run, committed_psad, tmp_path):
    path = write_xlsx(tmp_path, "mars.xlsx", ROWS)
    run("import", str(path), "--psad", "LILLE", "--label", "SIEI mars", "--json")

    skipped = json.loads(
        run("import", str(path), "--psad", "LILLE", "--label", "x", "--json").stdout
    )
    forced = json.loads(
        run("import", str(path), "--psad", "LILLE", "--label", "x", "--json", "--force").stdout
    )

    assert skipped["already_imported"] is True
    assert all(skipped[key] == 0 for key in INTEGER_KEYS)
    assert forced["already_imported"] is True
    assert (forced["created"], forced["unchanged"]) == (0, 1)


def test_an_unreadable_file_exits_1_with_a_french_message(run, committed_psad, tmp_path):
    result = run("import", str(write_pdf(tmp_path)), "--psad", "LILLE", "--label", "x")

    assert result.exit_code == 1
    assert "PDF" in result.stderr


def test_an_unknown_psad_is_a_usage_error(run, committed_psad, tmp_path):
    path = write_xlsx(tmp_path, "mars.xlsx", ROWS)

    result = run("import", str(path), "--psad", "NOPE", "--label", "x")

    assert result.exit_code == 2
    assert "PSAD « NOPE » inconnue" in result.stderr


def test_the_drop_folder_imports_and_moves_files_with_a_report(
    run, committed_psad, tmp_path, monkeypatch, session
):
    inbox = tmp_path / "inbox"
    (inbox / "LILLE").mkdir(parents=True)
    write_xlsx(inbox / "LILLE", "mars.xlsx", ROWS)
    write_pdf(inbox / "LILLE", "mauvais.pdf")
    monkeypatch.setenv("PSAD_IMPORTS_INBOX_DIR", str(inbox))

    result = run("inbox")

    assert result.exit_code == 0, result.output
    done = list((inbox / "LILLE" / "done").glob("*mars.xlsx"))
    failed = list((inbox / "LILLE" / "failed").glob("*mauvais.pdf"))
    assert len(done) == 1 and len(failed) == 1
    report = done[0].with_name(done[0].name + ".rapport.txt").read_text(encoding="utf-8")
    assert "jeunes créés : 1" in report
    assert "PDF" in failed[0].with_name(failed[0].name + ".rapport.txt").read_text("utf-8")
    assert not list((inbox / "LILLE").glob("*.xlsx"))
    assert session.scalar(select(func.count()).select_from(Youth)) == 1
