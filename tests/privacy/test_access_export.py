"""The right of access (issue 17): for one youth, a printable page and a JSON file of
everything the app holds, for pilotes and co-pilotes, audited, and read back by the next
export's « who read » part."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from psad.audit.models import AuditEvent
from psad.auth.models import Psad
from psad.db import Base
from psad.privacy.access_export import NOT_EXPORTED, SECTIONS, exported_tables
from tests.committees.test_accessibility import read
from tests.factories import make_youth
from tests.helpers import events, text
from tests.messages.conftest import frozen_clock, msg, settings, world
from tests.privacy._access_world import MARKS, MERGED_ID, TWIN, rich

# Fixtures of the messages' world and the rich youth (tests/privacy has no conftest of its own).
__all__ = ["frozen_clock", "msg", "rich", "settings", "world"]

EXPORTED = "Export des données d'un jeune (droit d'accès)"


def page_of(client, youth_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/jeunes/{youth_id}/droit-acces")
    assert response.status_code == 200, response.status_code
    return text(response)


def json_of(client, youth_id: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = client.get(f"/jeunes/{youth_id}/droit-acces.json")
    assert response.status_code == 200, response.status_code
    return json.loads(response.get_data().decode("utf-8"))


def part(page: str, key: str) -> str:
    """The page's section ``key``, up to the next one."""
    start = page.index(f'<section class="access-section" id="{key}"')
    return page[start : page.index("</section>", start)]


# --- what the export holds ------------------------------------------------------------------


def test_the_page_shows_the_youth_data_from_every_domain(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    page = page_of(client, rich.youth.id)

    assert "<h1>Données détenues sur LEFÈVRE Éloïse</h1>" in page
    for key, mark in MARKS.items():
        assert mark in part(page, key), key
    assert "Marque-Rectificatif" in part(page, "committee_decisions")
    assert "Marque-Étape" in part(page, "orientations")
    assert "Commentaire SI : Marque-LigneBrute" in part(page, "listings")
    assert "0494004062M" in part(page, "youth")
    assert "Responsable du traitement" in page and "PSAD de Lille" in page


def test_the_page_never_names_the_other_youth_of_a_probable_duplicate(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    page = page_of(client, rich.youth.id)

    assert "À examiner" in part(page, "duplicates")
    assert TWIN not in page and TWIN.upper() not in page


def test_a_list_that_repeated_the_same_row_shows_it_from_the_earlier_list(
    client, rich, frozen_clock
):
    client.sign_in(rich.msg.pilot)

    rows = json_of(client, rich.youth.id)["sections"]["listings"]["rows"]

    assert [row["list"] for row in rows] == ["SIEI 1", "SIEI 2"]
    assert (
        rows[0]["row"]
        == rows[1]["row"]
        == {
            "NOM": "LEFEVRE",
            "PRENOM": "Éloïse",
            "Commentaire SI": MARKS["listings"],
        }
    )


def test_the_json_file_holds_what_the_page_shows(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    response = client.get(f"/jeunes/{rich.youth.id}/droit-acces.json")
    page = page_of(client, rich.youth.id)

    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="droit-acces-jeune-{rich.youth.id}-20261207.json"'
    )
    raw = response.get_data().decode("utf-8")
    assert MARKS["notes"] in raw  # UTF-8 as is, not \u escapes
    exported = json.loads(raw)
    for key, mark in MARKS.items():
        assert mark in json.dumps(exported["sections"][key], ensure_ascii=False), key
    shown = dict(re.findall(r'<li><a href="#(\w+)">[^<]+</a> \((\d+)\)</li>', page))
    in_file = {key: len(s["rows"]) for key, s in exported["sections"].items() if s["rows"]}
    in_page = {key: int(n) for key, n in shown.items()}
    in_page["audit_events"] -= 1  # the page's export came after the file's
    assert in_file == in_page
    assert exported["controller"]["name"] == "PSAD de Lille"


def test_the_json_file_writes_dates_in_iso_format_and_labels_its_keys(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    exported = json_of(client, rich.youth.id)

    contacts = exported["sections"]["contacts"]
    assert contacts["title"] == "Prises de contact"
    assert contacts["labels"]["occurred_at"] == "Date"
    assert contacts["rows"][0]["occurred_at"] == "2026-12-05T09:00:00+00:00"
    assert contacts["rows"][0]["reached"] is True
    assert exported["sections"]["youth"]["rows"][0]["birth_date"] == "2009-03-14"
    assert exported["made_at"] == "2026-12-07T09:00:00+00:00"


def test_the_page_documents_the_json_keys(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    annex = text(client.get(f"/jeunes/{rich.youth.id}/droit-acces")).split('id="annexe-json"')[1]

    for spec in SECTIONS:
        assert f"<code>{spec.key}</code> : {spec.title}" in annex
    assert "<code>occurred_at</code> : Date" in annex


def test_a_youth_with_nothing_recorded_lists_the_parts_without_data(client, session, world):
    client.sign_in(world.copilot)

    page = page_of(client, world.adult.id)

    empty = page.split('id="sans-donnee"')[1]
    assert "Prises de contact : Aucune donnée enregistrée." in empty
    assert "Listes où le jeune figure (repérage) : Le jeune ne figure dans aucune liste" in empty


def test_the_page_has_print_rules_and_a_link_back_to_the_file(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    page = page_of(client, rich.youth.id)

    assert '<link rel="stylesheet" href="/static/privacy.css">' in page
    assert f'href="/jeunes/{rich.youth.id}">← Dossier de LEFÈVRE Éloïse</a>' in page
    stylesheet = client.get("/static/privacy.css")
    css = stylesheet.get_data(as_text=True)
    stylesheet.close()
    assert ".access-section { break-before: page;" in css


def test_the_page_is_accessible(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    page = read(client, f"/jeunes/{rich.youth.id}/droit-acces")

    assert page.headings.count(1) == 1
    assert set(page.headings) == {1, 2}
    assert page.tables > 0 and page.captions == page.tables
    assert page.unscoped == [] and page.blocked == []


# --- who read the file ----------------------------------------------------------------------


def test_the_export_is_audited_with_its_format(client, session, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    client.get(f"/jeunes/{rich.youth.id}/droit-acces")
    client.get(f"/jeunes/{rich.youth.id}/droit-acces.json")

    exports = events(session, "privacy.access_exported")
    assert [(e.object_id, e.user_id, e.detail) for e in exports] == [
        (rich.youth.id, rich.msg.pilot.id, "format=page"),
        (rich.youth.id, rich.msg.pilot.id, "format=json"),
    ]


def test_an_export_appears_in_the_next_exports_who_read(client, rich, frozen_clock):
    client.sign_in(rich.msg.copilot)
    client.get(f"/jeunes/{rich.youth.id}/droit-acces")
    client.sign_in(rich.msg.pilot)

    rows = json_of(client, rich.youth.id)["sections"]["audit_events"]["rows"]

    assert {
        "user": "Karim Benali",
        "action": EXPORTED,
        "psad": "LILLE",
        "detail": "format=page",
    }.items() <= next(row for row in rows if row["action"] == EXPORTED).items()


def test_who_read_lists_the_reads_of_the_file_and_of_a_file_merged_into_it(client, session, rich):
    client.sign_in(rich.msg.world.partner)
    client.get(f"/jeunes/{rich.youth.id}")  # the partner follows the youth (Lycée Baggio)
    client.sign_in(rich.msg.pilot)

    log = part(page_of(client, rich.youth.id), "audit_events")

    assert log.count("Consultation d'un dossier") == 2  # the partner's, and the merged file's
    assert "Sophie Durand" in log and "Karim Benali" in log
    merged = session.scalar(select(AuditEvent).where(AuditEvent.object_id == MERGED_ID))
    assert merged is not None


# --- who may export -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["partner", "reader"])
@pytest.mark.parametrize("suffix", ["", ".json"])
def test_partners_and_readers_are_refused(client, session, rich, role, suffix):
    client.sign_in(getattr(rich.msg.world, role))

    response = client.get(f"/jeunes/{rich.youth.id}/droit-acces{suffix}")

    assert response.status_code == 403
    assert "réservé aux pilotes et co-pilotes" in text(response)
    assert MARKS["notes"] not in text(response)
    assert events(session, "privacy.access_exported") == []


def test_a_youth_of_another_psad_answers_404_and_is_recorded_as_refused(
    client, session, rich, frozen_clock
):
    amiens = session.scalars(select(Psad).where(Psad.code == "AMIENS")).one()
    elsewhere = make_youth(session, amiens, last_name="Amienois")
    session.commit()
    client.sign_in(rich.msg.pilot)

    response = client.get(f"/jeunes/{elsewhere.id}/droit-acces.json")

    assert response.status_code == 404
    assert "ne fait pas partie de vos dossiers" in text(response)
    assert [e.object_id for e in events(session, "youth.access_refused")] == [elsewhere.id]
    assert events(session, "privacy.access_exported") == []


# --- every table about youth ----------------------------------------------------------------


def _tables_about_youth() -> set[str]:
    """The youths table and every table with a chain of foreign keys to it."""
    found, grown = {"youths"}, True
    while grown:
        before = len(found)
        for table in Base.metadata.sorted_tables:
            if any(fk.column.table.name in found for fk in table.foreign_keys):
                found.add(table.name)
        grown = len(found) > before
    return found


def test_every_table_about_youth_is_exported_or_explained():
    about_youth = _tables_about_youth()

    missing = about_youth - exported_tables() - set(NOT_EXPORTED)

    assert "contacts" in about_youth and "orientation_steps" in about_youth  # the walk works
    assert missing == set(), f"tables about youth neither exported nor explained: {missing}"
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
    assert exported_tables() <= set(Base.metadata.tables)  # no misspelt table


# Columns of youths the export leaves out: keys, caches and counters kept from the facts shown.
TECHNICAL_YOUTH_COLUMNS = {
    "id",
    "psad_id",
    "search_key",
    "identity_key",
    "last_row_hash",
    "version",
    "list_state",
    "call_back_due_on",
    "last_contact_at",
    "current_case_id",
    "next_task_due_on",
    "darfi_waiting",
    "call_back_asked",
    "partner_referral",
    "referent_user_id",
    "referent_structure_id",
}


def test_every_column_of_a_youth_is_exported_or_technical():
    youth_section = next(spec for spec in SECTIONS if spec.key == "youth")
    exported = {column.key for column in youth_section.columns} - {"psad"}

    columns = {column.name for column in Base.metadata.tables["youths"].columns}

    assert columns - exported - TECHNICAL_YOUTH_COLUMNS == set()


def test_made_at_is_the_instant_of_the_export(client, rich, frozen_clock):
    client.sign_in(rich.msg.pilot)

    made_at = datetime.fromisoformat(json_of(client, rich.youth.id)["made_at"])

    assert made_at == datetime(2026, 12, 7, 9, tzinfo=UTC)
