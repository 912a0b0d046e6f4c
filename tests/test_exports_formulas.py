"""No formula lands in any export (issue 17, « Hostile input »).

Text that starts like a formula (=, +, -, @, tab, carriage return) is planted in every free
text column of the demo (found by walking the metadata, so new columns are covered), then
every workbook the app writes is downloaded and read back with openpyxl: no cell is a
formula, and such text is kept, visibly, as text (Excel's quote prefix, ``psad.xlsx``).
Control characters that XML cannot hold (a vertical tab pasted from a word processor) must
not break an export either.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import Enum, String, func, literal, select, update
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad, User
from psad.committees.models import Committee
from psad.db import Base
from psad.demo import DEMO_CODE, DEMO_USERS, load_demo
from psad.followup.liststate import COMPUTED
from psad.schoolyear import school_year_of
from psad.xlsx import FORMULA_TRIGGERS, sheet_text
from tests.conftest import Client, Run
from tests.imports.test_views import confirm, finished_page, upload

PAYLOADS = [
    '=HYPERLINK("http://x.example","clic")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\x0bsaut\x0cde page\x1béchappement\x07",  # what XML cannot hold
]
# Columns whose value the app reads as a code, a key or a format (not text people typed or
# imported); the enums, and the list columns computed from the facts, are left alone too.
KEPT = re.compile(
    r"(^|_)(code|codes|hash|token|secret|key|json|link|query|email|uai|ine|phone|phones|ip|"
    r"address|action|type|holder|phase|name_key|department|psads|password|recipient|reply|"
    r"profile|stored|file|sheet|html|text|subject|reasons|before|after)$"
)
KEPT_TABLES = {"login_throttles", "scheduler_leases", "outbox_messages", "import_jobs"}


def plant(session: Session) -> list[str]:
    """Prefix every free text of the database with a payload (cut to the column's length);
    returns the columns changed."""
    planted = []
    index = 0
    for table in Base.metadata.sorted_tables:
        if table.name in KEPT_TABLES:
            continue
        for column in table.columns:
            if not isinstance(column.type, String) or isinstance(column.type, Enum):
                continue
            if KEPT.search(column.name) or column.foreign_keys or column.primary_key:
                continue
            if table.name == "youths" and column.name in COMPUTED:
                continue
            payload = PAYLOADS[index % len(PAYLOADS)] + " "
            index += 1
            value = literal(payload).concat(column)
            if column.type.length:
                value = func.substr(value, 1, column.type.length)
            session.execute(
                update(table).where(column.is_not(None), column != "").values({column: value})
            )
            planted.append(f"{table.name}.{column.name}")
    session.commit()
    return planted


@dataclass
class Sheet:
    problems: list[str]
    hostile: int  # cells that start like a formula, kept as text


def read_back(data: bytes, name: str) -> Sheet:
    """Every cell of the workbook: a formula, or formula-like text without its quote prefix,
    is a problem."""
    workbook = load_workbook(io.BytesIO(data))
    problems, hostile = [], 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{name} {sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where}: formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    hostile += 1
                    if cell.data_type != "s" or not cell.quotePrefix:
                        problems.append(f"{where}: {cell.value[:40]!r} without quote prefix")
    return Sheet(problems, hostile)


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert response.mimetype.endswith("spreadsheetml.sheet"), url
    return response.data


@pytest.fixture
def demo(session: Session) -> Psad:
    """The demo PSAD (and its previous school year), every free text planted; committed."""
    load_demo(session, today=clock.today(), youth_count=20, previous_year=True)
    session.commit()
    planted = plant(session)
    assert {"youths.last_name", "notes.body", "committee_decisions.comment"} <= set(planted)
    return session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()


def signed_in(app: Flask, session: Session, email: str, psad: Psad | None) -> Client:
    app.test_client_class = Client
    client: Client = app.test_client()  # type: ignore[assignment]
    user = session.scalars(select(User).where(User.email == email)).one()
    client.sign_in(user, psad)
    return client


def test_every_workbook_of_the_app_keeps_formulas_as_text(
    app: Flask, session: Session, demo: Psad
) -> None:
    pilot = signed_in(app, session, DEMO_USERS[0][0], demo)
    admin = signed_in(app, session, DEMO_USERS[4][0], None)
    year = school_year_of(clock.today())
    held = select(Committee.id).where(
        Committee.psad_id == demo.id, Committee.starts_at < clock.now()
    )
    committees = session.scalars(held).all()
    assert committees
    exports = {
        "lists.export": [(pilot, "/jeunes/export.xlsx?onglet=tous")],
        "orientations.export": [
            (pilot, f"/orientations/export.xlsx?annee={y}") for y in (year - 1, year)
        ],
        "committees.minutes_xlsx": [
            (pilot, f"/comites/{c}/releve.xlsx?version={v}")
            for c in committees
            for v in ("complete", "reduite")
        ],
        "reports.export": [(pilot, f"/bilan/export.xlsx?annee={y}") for y in (year - 1, year)]
        + [(admin, f"/bilan/export.xlsx?annee={year - 1}")],  # the regional workbook
    }
    results = {
        endpoint: [read_back(download(client, url), url) for client, url in urls]
        for endpoint, urls in exports.items()
    }

    problems = [p for sheets in results.values() for sheet in sheets for p in sheet.problems]
    assert not problems, "\n".join(problems)
    assert set(exports) | {"imports.rejects"} >= spreadsheet_routes(app)
    unseen = [e for e, sheets in results.items() if not sum(s.hostile for s in sheets)]
    assert not unseen, f"no planted text reached these exports: {unseen}"


def spreadsheet_routes(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith((".xlsx", ".xls", ".ods", ".csv"))
    }


def test_the_rejected_rows_keep_a_hostile_file_as_text(client: Client, pilot: User, tmp_path):
    """The rejected rows come back as they were sent, headers included, for a re-import."""
    client.sign_in(pilot)
    header = ["Nom", "Prénom", "Date de naissance", "@SUM(1+1)", '=HYPERLINK("http://x")']
    rows = [
        ["Lefèvre", "Éloïse", "14/03/2008", "", ""],
        ["", "+cmd|' /C calc'!A0", "14/03/2008", "-2+3", "=1+1\x0bsaut"],
        ["", "\t=1+1", "14/03/2008", "@SUM(1)", '=HYPERLINK("http://x.example")'],
    ]
    path = tmp_path / "mars.csv"
    path.write_text("\n".join(";".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    page = upload(client, path)
    _, token = finished_page(client, page.headers["Location"])
    confirm(client, token)
    batch_url = client.get(f"/listes/travaux/{token}").headers["Location"]

    data = download(client, f"{batch_url}/lignes-rejetees.xlsx")

    result = read_back(data, "lignes-rejetees.xlsx")
    assert result.problems == []
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3:5] == ("@SUM(1+1)", '=HYPERLINK("http://x")')
    assert values[1][1] == "+cmd|' /C calc'!A0" and values[1][3] == "-2+3"
    assert values[2][4] == '=HYPERLINK("http://x.example")'
    assert result.hostile >= 7


def test_the_bilan_written_by_the_command_keeps_formulas_as_text(
    run: Run, demo: Psad, tmp_path: Path
) -> None:
    output = tmp_path / "bilan.xlsx"

    result = run("bilan", "--psad", DEMO_CODE, "-o", str(output))

    assert result.exit_code == 0, result.output
    sheet = read_back(output.read_bytes(), "bilan.xlsx")
    assert sheet.problems == []
    assert sheet.hostile > 0


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Ligne 1\x0bLigne 2\x0cFin", "Ligne 1\nLigne 2\nFin"),
        ("Bip\x07 échappement\x1b nul\x00", "Bip\ufffd échappement\ufffd nul\ufffd"),
        ("Tab\tretour\r\nligne", "Tab\tretour\r\nligne"),
        ("A" * 40_000, "A" * 32_766 + "…"),
    ],
    ids=["breaks", "controls", "allowed", "too-long"],
)
def test_text_is_made_fit_for_a_cell(text: str, kept: str) -> None:
    assert sheet_text(text) == kept
