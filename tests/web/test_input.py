"""Input no database can store (NUL bytes) is refused at the web edge, the same on both."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from psad.audit.models import AuditEvent
from psad.imports import jobs
from psad.imports.models import ImportBatch
from psad.youth.models import Youth
from tests.helpers import count, text

CSV = "Nom;Prénom;Date de naissance\nLefèvre;Éloïse;14/03/2008\n".encode()


def assert_refused(response, where: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    page = text(response)
    assert "La requête contient un caractère invalide (octet nul)" in page
    assert where in page


def test_nul_in_the_login_form_before_authentication(client, session, pilot):
    response = client.submit("/connexion", {"email": "pilote@psad.example\x00", "password": "x"})

    assert_refused(response, "le champ « email » du formulaire")
    assert count(session, AuditEvent) == 0  # nothing looked up, nothing written


def test_nul_in_a_query_parameter(client, pilot):
    client.sign_in(pilot)

    assert_refused(client.get("/jeunes", query_string={"q": "Dup\x00ont"}), "« q »")
    assert_refused(client.get("/journal", query_string={"object_type": "\x00"}), "« object_type »")


def test_nul_in_a_form_field_stores_nothing(client, session, pilot):
    client.sign_in(pilot)

    response = client.submit(
        "/jeunes/signaler", {"last_name": "Lefèvre", "first_name": "Élo\x00ïse"}
    )

    assert_refused(response, "le champ « first_name » du formulaire")
    assert count(session, Youth) == 0


def upload_csv(client, *, label: str, filename: str):  # type: ignore[no-untyped-def]
    boundary, body = encode_multipart(
        {
            "csrf_token": client.csrf_token(),
            "label": label,
            "source": "siei",
            "file": FileStorage(io.BytesIO(CSV), filename=filename),
        }
    )
    return client.post(
        "/listes/deposer", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    ("label", "filename", "where"),
    [
        ("SIEI\x00 mars", "siei.csv", "le champ « label » du formulaire"),
        ("SIEI mars", "siei\x00.csv", "le nom du fichier envoyé"),
    ],
    ids=["label", "file-name"],
)
def test_nul_in_an_upload_leaves_no_file_behind(
    app, client, session, pilot, label, filename, where
):
    client.sign_in(pilot)
    uploads = app.extensions["psad_settings"].resolve("uploads")

    response = upload_csv(client, label=label, filename=filename)

    assert_refused(response, where)
    assert not uploads.exists() or not any(uploads.iterdir())
    assert count(session, ImportBatch) == 0


def test_a_clean_upload_is_still_accepted(client, pilot):
    client.sign_in(pilot)

    response = upload_csv(client, label="SIEI mars", filename="siei.csv")
    jobs.wait(response.headers["Location"].rsplit("/", 1)[1])

    assert response.status_code == 302
    assert "Lefèvre" in text(client.get(response.headers["Location"]))


def test_nul_in_the_address(client, pilot):
    client.sign_in(pilot)

    response = client.get("/listes/travaux/abc%00def")

    assert_refused(response, "l'adresse de la page")
