"""The bilan's workbook downloaded (/bilan/export.xlsx): the PSAD's for its pilotes and
co-pilotes, the regional one, masked, for readers; audited; refused to the others."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from psad import clock
from psad.audit.actions import AuditAction
from psad.auth.models import Membership, Role, User
from psad.reports.indicators import REGISTRY
from tests.factories import make_user
from tests.helpers import events
from tests.reports.conftest import BilanWorld

TODAY = date(2026, 3, 15)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))


def member(session: Session, world: BilanWorld, role: Role) -> User:
    user = make_user(session, psad=world.a, role=role)
    session.commit()
    return user


def test_a_pilote_downloads_the_psad_s_workbook_for_two_dates(client, session, bilan_world):
    client.sign_in(member(session, bilan_world, Role.PILOT))

    response = client.get("/bilan/export.xlsx?du=2025-09-01&au=2026-08-31")

    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bilan-BILA-2025-09-01-2026-08-31.xlsx"'
    )
    workbook = load_workbook(BytesIO(response.data))
    assert workbook["Couverture"]["B3"].value == "PSAD Bilan A"
    sheet = workbook["Repérage à solution"]
    assert [sheet["A5"].value, sheet["C5"].value, sheet["D5"].value] == [
        REGISTRY["listed"].label,
        7,
        1,
    ]
    [event] = events(session, AuditAction.BILAN_EXPORTED.value)
    assert event.psad_id == bilan_world.a.id
    assert event.detail == "psad; du=2025-09-01; au=2026-08-31; psad=BILA"


def test_without_dates_the_workbook_is_the_current_school_year_s(client, session, bilan_world):
    client.sign_in(member(session, bilan_world, Role.COPILOT))

    response = client.get("/bilan/export.xlsx")

    assert response.status_code == 200
    cover = load_workbook(BytesIO(response.data))["Couverture"]
    assert cover["B4"].value == "année scolaire 2025-2026"


def test_an_unreadable_period_is_refused_with_its_reason(client, session, bilan_world):
    client.sign_in(member(session, bilan_world, Role.PILOT))

    response = client.get("/bilan/export.xlsx?du=2026-03-01&au=2026-01-01")

    assert response.status_code == 422
    assert "La date de fin doit être postérieure" in response.get_data(as_text=True)
    assert events(session, AuditAction.BILAN_EXPORTED.value) == []


def test_a_partner_may_not_download_the_bilan(client, session, bilan_world):
    client.sign_in(member(session, bilan_world, Role.PARTNER))

    response = client.get("/bilan/export.xlsx")

    assert response.status_code == 403


def test_a_reader_downloads_the_regional_workbook_masked_and_without_names(
    client, session, bilan_world
):
    reader = member(session, bilan_world, Role.READER)
    session.add(Membership(user_id=reader.id, psad_id=bilan_world.b.id, role=Role.READER))
    session.commit()
    client.sign_in(reader)

    response = client.get("/bilan/export.xlsx")

    assert response.status_code == 200
    assert "bilan-regional-2025-09-01-2026-08-31.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data))
    cover = workbook["Couverture"]
    assert cover["A1"].value == "Bilan d'activité · vue régionale"
    assert [cover["B3"].value, cover["B4"].value] == ["PSAD Bilan A", "PSAD Bilan B"]
    sheet = workbook["Repérage à solution"]
    assert [sheet.cell(4, c).value for c in range(1, 6)] == [
        "Indicateur",
        "Unité",
        "PSAD Bilan A",
        "PSAD Bilan B",
        "Ensemble",
    ]
    listed = [sheet.cell(5, c).value for c in range(1, 6)]
    # B's 1 is under 5, and A's 7 would give it back from the total: both masked
    assert listed == [REGISTRY["listed"].label, "jeunes", "< 5", "< 5", 8]
    texts = {
        str(cell.value)
        for name in workbook.sheetnames
        for row in workbook[name].iter_rows()
        for cell in row
        if cell.value is not None
    }
    for name in ("Alice", "Bruno", "Chloé", "Chloe", "Ines", "Inès"):
        assert not any(name in text for text in texts)
    counts = [
        cell.value
        for name in workbook.sheetnames[1:]
        for row in workbook[name].iter_rows(min_row=5)
        if row[1].value in ("jeunes", "nombre")
        for cell in row[2:]
        if cell.value is not None
    ]
    assert "< 5" in counts
    assert all(count == "< 5" or count >= 5 for count in counts)  # 0 is masked too
    [event] = events(session, AuditAction.BILAN_EXPORTED.value)
    assert event.detail == "regional; du=2025-09-01; au=2026-08-31; psad=BILA,BILB"
