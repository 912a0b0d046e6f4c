"""Review of issue 15: a period no one means (a century) is refused on the dashboard, the
download and the command line, with a French message; HTML in a name stays text."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Role, User
from psad.imports.models import ImportBatch
from tests.factories import make_user
from tests.helpers import field_error, text
from tests.reports.conftest import BilanWorld


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))


@pytest.fixture
def pilot(session: Session, bilan_world: BilanWorld) -> User:
    user = make_user(session, psad=bilan_world.a, role=Role.PILOT)
    session.commit()
    return user


CENTURY = {"du": "1926-01-01", "au": "2026-01-01"}


def test_a_century_is_refused_on_the_dashboard(client, pilot):
    client.sign_in(pilot)

    response = client.get("/bilan", query_string=CENTURY)

    assert response.status_code == 422
    assert "5 ans" in field_error(response, "au")
    assert "Période : année scolaire 2025-2026" in text(response)


def test_a_century_is_refused_on_the_download(client, pilot):
    client.sign_in(pilot)

    response = client.get("/bilan/export.xlsx", query_string=CENTURY)

    assert response.status_code == 422
    assert "5 ans" in text(response)


def test_five_years_are_allowed(client, pilot):
    client.sign_in(pilot)

    response = client.get("/bilan", query_string={"du": "2021-09-01", "au": "2026-08-31"})

    assert response.status_code == 200
    assert "Période : du 01/09/2021 au 31/08/2026" in text(response)


def test_html_in_a_psad_name_or_a_list_label_stays_text(client, session, pilot, bilan_world):
    bilan_world.a.name = "<b>PSAD</b> & Cie"
    batch = session.scalars(
        select(ImportBatch).where(ImportBatch.id == bilan_world.batches["a_nov"])
    ).one()
    batch.label = '<img src=x onerror="alert(1)">SIEI'
    session.commit()
    client.sign_in(pilot)

    page = client.get("/bilan").get_data(as_text=True)

    assert "<b>PSAD</b>" not in page and "&lt;b&gt;PSAD&lt;/b&gt; &amp; Cie" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    svgs = [
        base64.b64decode(chart).decode("utf-8")
        for chart in re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    ]
    assert any("&lt;img src=x" in svg for svg in svgs)
    assert not any("<img" in svg for svg in svgs)  # pygal escapes the labels
