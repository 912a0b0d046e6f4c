"""The import pages: upload → preview → confirm → result, history, rejected rows."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from psad.auth.models import Role
from psad.imports import jobs
from psad.imports.models import ImportBatch
from psad.youth.models import Youth
from tests.factories import make_psad, make_structure, make_user
from tests.imports.files import (
    write_csv_with_long_cell,
    write_encrypted_xlsx,
    write_pdf,
    write_wide_csv,
    write_xlsx,
    write_zip_bomb,
)

HEADER = ["Nom", "Prénom", "Date de naissance", "INE", "Téléphone"]
GOOD = ["Lefèvre", "Éloïse", date(2008, 3, 14), "0494004062M", "06 12 34 56 78"]
BAD = ["", "Sans-Nom", date(2008, 3, 14), None, '=HYPERLINK("http://x")']


def upload(client, path: Path, label: str = "SIEI mars 2026"):
    # The body is encoded here, in memory: the test client would spool a body past 500 KB to
    # a temporary file that it never closes (a ResourceWarning in a later test).
    boundary, body = encode_multipart(
        {
            "csrf_token": client.csrf_token(),
            "label": label,
            "source": "siei",
            "file": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name),
        }
    )
    return client.post(
        "/listes/deposer", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def finished_page(client, location: str):
    token = location.rsplit("/", 1)[1]
    jobs.wait(token)
    return client.get(location), token


def confirm(client, token: str) -> None:
    """Confirm the import of a previewed list, and wait for it to end."""
    client.post(f"/listes/travaux/{token}/confirmer", data={"csrf_token": client.csrf_token()})
    jobs.wait(token)


def test_upload_shows_a_preview_with_mapping_rows_and_problems(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    path = write_xlsx(tmp_path, "mars.xlsx", [["Titre"], [], HEADER, GOOD, BAD])

    response = upload(client, path)
    page, _ = finished_page(client, response.headers["Location"])

    assert response.status_code == 302
    assert "<strong>1</strong> à importer" in page.text
    assert "<strong>1</strong> rejetées" in page.text
    assert "Nom manquant" in page.text
    assert "selected>Date de naissance</option>" in page.text
    assert "Lefèvre" in page.text and "14/03/2008" in page.text


def test_confirming_imports_and_the_result_page_gives_the_counts(client, pilot, tmp_path, session):
    client.login("pilote@psad.example")
    page = upload(client, write_xlsx(tmp_path, "mars.xlsx", [HEADER, GOOD, BAD]))
    _, token = finished_page(client, page.headers["Location"])

    confirm(client, token)
    result = client.get(f"/listes/travaux/{token}", follow_redirects=True)

    assert 'id="compte-crees">1<' in result.text
    assert 'id="compte-rejetees">1<' in result.text
    assert "LEFÈVRE Éloïse" in result.text
    assert session.scalar(select(func.count()).select_from(Youth)) == 1


def test_preview_and_result_say_in_words_what_each_row_and_youth_became(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    page = upload(client, write_xlsx(tmp_path, "mars.xlsx", [HEADER, GOOD, BAD]))
    preview, token = finished_page(client, page.headers["Location"])
    confirm(client, token)

    result = client.get(f"/listes/travaux/{token}", follow_redirects=True)

    refused = (
        "<td>3</td><td>Erreur : ligne non importée</td><td>A « Nom »</td><td>Nom manquant</td>"
    )
    assert f'<tr class="table-danger">{refused}' in preview.text
    assert refused in result.text
    assert "<td>créé</td>" in result.text


def test_rejected_rows_download_as_xlsx_with_reason_and_no_formula(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    csv = tmp_path / "mars.csv"
    csv.write_text(
        "Nom;Prénom;Date de naissance;INE;Téléphone\n"
        "Lefèvre;Éloïse;14/03/2008;0494004062M;06 12 34 56 78\n"
        ';Sans-Nom;14/03/2008;;=HYPERLINK("http://x")\n',
        encoding="utf-8",
    )
    page = upload(client, csv)
    _, token = finished_page(client, page.headers["Location"])
    confirm(client, token)
    batch_url = client.get(f"/listes/travaux/{token}").headers["Location"]

    download = client.get(f"{batch_url}/lignes-rejetees.xlsx")

    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    formula_like = sheet.cell(row=2, column=5)
    assert rows[0] == (*HEADER, "Motif du rejet", "Ligne d'origine")
    assert rows[1][1] == "Sans-Nom"
    assert rows[1][4] == '=HYPERLINK("http://x")'  # unchanged, for a re-import
    assert (formula_like.data_type, formula_like.quotePrefix) == ("s", True)  # never run
    assert "Nom manquant" in rows[1][5]
    assert rows[1][6] == 3


def test_a_file_already_imported_is_recognised_and_confirming_changes_nothing(
    client, pilot, tmp_path, session
):
    client.login("pilote@psad.example")
    path = write_xlsx(tmp_path, "mars.xlsx", [HEADER, GOOD])
    first = upload(client, path)
    _, token = finished_page(client, first.headers["Location"])
    confirm(client, token)

    second = upload(client, path, label="encore")
    page, token2 = finished_page(client, second.headers["Location"])
    confirmed = client.post(
        f"/listes/travaux/{token2}/confirmer",
        data={"csrf_token": client.csrf_token()},
        follow_redirects=True,
    )

    assert "a déjà été importé" in page.text
    assert "rien n&#39;a été créé ni modifié" in confirmed.text
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1


@pytest.mark.parametrize(
    ("writer", "expected"),
    [
        (write_pdf, "PDF"),
        (write_encrypted_xlsx, "mot de passe"),
        (write_zip_bomb, "xlsx"),
    ],
)
def test_an_unreadable_file_gets_one_french_message_and_nothing_is_stored(
    client, pilot, tmp_path, session, settings, writer, expected
):
    client.login("pilote@psad.example")
    path = writer(tmp_path) if writer is not write_zip_bomb else writer(tmp_path, megabytes=60)

    page, _ = finished_page(client, upload(client, path).headers["Location"])

    assert 'class="alert alert-danger"' in page.text
    assert expected in page.text
    assert "Rien n'a été enregistré" in page.text
    assert session.scalar(select(func.count()).select_from(Youth)) == 0
    assert list(jobs.upload_dir(settings).iterdir()) == []  # the unreadable file is not kept


def test_the_mapping_can_be_corrected_and_saved_as_a_profile(client, pilot, tmp_path, settings):
    client.login("pilote@psad.example")
    path = write_xlsx(
        tmp_path,
        "mars.xlsx",
        [
            ["Nom", "Prénom", "Naissance (jour)", "Tel"],
            ["Dupré", "Noé", "14/05/2007", "0612345678"],
        ],
    )
    _, token = finished_page(client, upload(client, path).headers["Location"])
    profiles_dir = settings.profiles_dir
    saved = profiles_dir / "lycee-test.toml"
    try:
        client.post(
            f"/listes/travaux/{token}/correspondance",
            data={
                "csrf_token": client.csrf_token(),
                "col_0": "last_name",
                "col_1": "first_name",
                "col_2": "birth_date",
                "col_3": "phone",
                "save_as": "lycee-test",
            },
        )
        page, _ = finished_page(client, f"/listes/travaux/{token}")
        assert saved.exists()
        assert "Naissance (jour)" in saved.read_text(encoding="utf-8")
    finally:
        saved.unlink(missing_ok=True)

    assert "14/05/2007" in page.text
    assert "<strong>1</strong> à importer" in page.text


def test_a_saved_profile_reads_the_lists_of_its_own_psad_only(
    client, pilot, session, tmp_path, settings
):
    other = make_psad(session, code="DOUAI", name="PSAD de Douai")
    make_user(session, psad=other, role=Role.PILOT, email="pilote.douai@psad.example")
    session.commit()
    path = write_xlsx(
        tmp_path,
        "mars.xlsx",
        [["Nom", "Prénom", "Né(e) le (jour)", "Tel"], ["Dupré", "Noé", "14/05/2007", "0612"]],
    )
    saved = settings.profiles_dir / "lycee-lille.toml"
    client.login("pilote@psad.example")
    _, token = finished_page(client, upload(client, path).headers["Location"])
    try:
        client.post(
            f"/listes/travaux/{token}/correspondance",
            data={
                "csrf_token": client.csrf_token(),
                "col_0": "last_name",
                "col_1": "first_name",
                "col_2": "birth_date",
                "col_3": "phone",
                "save_as": "lycee-lille",
            },
        )
        jobs.wait(token)
        lille, _ = finished_page(client, upload(client, path, "Avril").headers["Location"])
        client.post("/deconnexion", data={"csrf_token": client.csrf_token()})
        client.login("pilote.douai@psad.example")
        douai, _ = finished_page(client, upload(client, path).headers["Location"])
        assert 'psad = "LILLE"' in saved.read_text(encoding="utf-8")
    finally:
        saved.unlink(missing_ok=True)

    assert "profil reconnu : Profil lycee-lille." in lille.text
    assert "profil reconnu : Profil lycee-lille." not in douai.text
    assert "profil reconnu :" in douai.text


def test_a_field_chosen_for_two_columns_is_refused_and_nothing_saved(
    client, pilot, tmp_path, settings
):
    client.login("pilote@psad.example")
    path = write_xlsx(
        tmp_path, "mars.xlsx", [["Nom", "Prénom", "Naissance"], ["Dupré", "Noé", "14/05/2007"]]
    )
    _, token = finished_page(client, upload(client, path).headers["Location"])

    answer = client.post(
        f"/listes/travaux/{token}/correspondance",
        data={
            "csrf_token": client.csrf_token(),
            "col_0": "last_name",
            "col_1": "last_name",
            "col_2": "birth_date",
            "save_as": "doublon",
        },
    )

    page = client.get(answer.headers["Location"])
    assert "« Nom » est choisi pour deux colonnes : corrigez." in page.text
    assert not (settings.profiles_dir / "doublon.toml").exists()


def test_history_lists_batches_with_label_file_and_counts(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    page = upload(client, write_xlsx(tmp_path, "mars.xlsx", [HEADER, GOOD]))
    _, token = finished_page(client, page.headers["Location"])
    confirm(client, token)

    history = client.get("/listes/")

    assert "SIEI mars 2026" in history.text
    assert "mars.xlsx" in history.text
    assert re.search(r"<code title=\"SHA-256 [0-9a-f]{64}\">", history.text)


def test_partners_and_readers_cannot_import(client, session):
    psad = make_psad(session)
    structure = make_structure(session, psad)
    make_user(session, psad=psad, role=Role.PARTNER, structure=structure, email="p@psad.example")
    session.commit()
    client.login("p@psad.example")

    assert client.get("/listes/").status_code == 403


def test_a_batch_of_another_psad_answers_404(client, pilot, session, tmp_path):
    other = make_psad(session, code="AMIENS")
    batch = ImportBatch(
        psad_id=other.id,
        label="x",
        source="siei",
        origin="cli",
        file_name="a.xlsx",
        file_hash="0" * 64,
        file_size=1,
    )
    session.add(batch)
    session.commit()
    client.login("pilote@psad.example")

    assert client.get(f"/listes/{batch.id}").status_code == 404
    assert client.get(f"/listes/{batch.id}/lignes-rejetees.xlsx").status_code == 404


def test_a_long_list_pages_its_youth(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    rows = [[f"Nom{i}", "Prénom", date(2008, 1, 1), None, None] for i in range(60)]
    page = upload(client, write_xlsx(tmp_path, "longue.xlsx", [HEADER, *rows]))
    _, token = finished_page(client, page.headers["Location"])
    confirm(client, token)
    batch_url = client.get(f"/listes/travaux/{token}").headers["Location"]

    first = client.get(batch_url)
    second = client.get(f"{batch_url}?page=2")

    assert first.status_code == 200 and "Page 1 sur 2" in first.text
    assert f'href="{batch_url}?page=2"' in first.text
    assert "NOM59" in second.text


def test_the_rejected_rows_download_is_never_cached(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    page = upload(client, write_xlsx(tmp_path, "mars.xlsx", [HEADER, GOOD, BAD]))
    _, token = finished_page(client, page.headers["Location"])
    confirm(client, token)
    batch_url = client.get(f"/listes/travaux/{token}").headers["Location"]

    download = client.get(f"{batch_url}/lignes-rejetees.xlsx")

    assert download.headers["Cache-Control"] == "no-store"


def test_a_list_of_50_000_columns_is_refused_on_a_short_page(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    path = write_wide_csv(tmp_path, 50_000)

    page, _ = finished_page(client, upload(client, path).headers["Location"])

    assert page.status_code == 200
    assert "« large.csv » compte 50\N{NO-BREAK SPACE}000 colonnes" in page.text
    assert "Rien n'a été enregistré" in page.text
    assert len(page.data) < 20_000


def test_the_preview_of_a_list_at_the_column_limit_stays_small(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    path = write_wide_csv(tmp_path, 256, header_text=" " + "très long titre " * 125)

    page, _ = finished_page(client, upload(client, path).headers["Location"])

    assert page.status_code == 200
    assert "<strong>1</strong> à importer" in page.text
    assert 'name="col_255"' in page.text  # every column can still be mapped
    assert "Colonne 256 très long titre très long titre" in page.text
    assert "textes longs sont coupés" in page.text
    assert len(page.data) < 600_000  # about 1.7 KB a column: a choice of field for each


def test_a_csv_with_a_1_mb_cell_names_the_cell_too_long(client, pilot, tmp_path):
    client.login("pilote@psad.example")
    path = write_csv_with_long_cell(tmp_path)

    page, _ = finished_page(client, upload(client, path).headers["Location"])

    assert page.status_code == 200
    assert "contient une cellule trop longue, ligne 3, colonne C" in page.text
    assert "endommagé" not in page.text
