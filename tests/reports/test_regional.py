"""The regional view (/bilan/regional): a reader's PSADs side by side, no personal data, no
link to any list, every count under 5 shown « < 5 » and the cells that would reveal one
masked too; on the known-answer world (PSADs A and B, nine youth)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Membership, Role, User
from psad.reports.indicators import REGISTRY
from tests.factories import make_psad, make_user
from tests.helpers import text
from tests.reports.conftest import BilanWorld

NAMES = ["alice", "bruno", "chloe", "david", "emma", "farid", "gaelle", "hugo", "ines"]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))


@pytest.fixture
def reader(session: Session, bilan_world: BilanWorld) -> User:
    """A lecteur of A and B (and of nothing else)."""
    user = make_user(session, psad=bilan_world.a, role=Role.READER)
    user.memberships.append(Membership(psad=bilan_world.b, role=Role.READER))
    make_psad(session, code="AUTRE", name="PSAD d'ailleurs")  # not read by them
    session.commit()
    return user


def cells(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    ]


def test_the_reader_sees_their_psads_side_by_side_and_a_total(client, reader, bilan_world):
    client.sign_in(reader)

    response = client.get("/bilan/regional")

    assert response.status_code == 200
    page = text(response)
    header = re.search(r"<thead>(.*?)</thead>", page, re.S)
    assert header
    assert re.findall(r"<th[^>]*>([^<]*)</th>", header.group(1)) == [
        "Indicateur",
        bilan_world.a.name,
        bilan_world.b.name,
        "Total",
    ]
    assert "PSAD d'ailleurs" not in page
    for indicator in REGISTRY.values():
        assert indicator.label in page and indicator.definition in page


def test_the_regional_view_shows_no_name_and_no_list(client, reader):
    client.sign_in(reader)

    page = client.get("/bilan/regional").get_data(as_text=True)

    for name in NAMES:
        assert not re.search(rf"\b{name}\b", page, re.I), name
    assert "/bilan/jeunes" not in page and not re.search(r'href="/jeunes', page)


def line(page: str, label: str) -> list[str]:
    row = re.search(rf"<tr><th[^>]*>{re.escape(label)} .*?</tr>", page, re.S)
    assert row, label
    return cells(row.group(0))


def test_every_count_under_five_is_masked(client, reader):
    client.sign_in(reader)

    page = text(client.get("/bilan/regional"))

    shown = cells(page)
    counts = [cell for cell in shown if re.fullmatch(r"[\d\u202f]+", cell)]
    assert counts and all(int(cell.replace("\u202f", "")) >= 5 for cell in counts)
    assert "< 5" in shown


def test_the_cell_that_would_reveal_a_masked_one_is_masked_too(client, reader):
    """A listed 7 youth, B 1: B's 1 is masked, and A's 7 too, else 8 − 7 would give it."""
    client.sign_in(reader)

    page = text(client.get("/bilan/regional"))

    assert line(page, "Jeunes repérés") == ["< 5", "< 5", "8"]


def test_no_line_of_counts_holds_a_single_masked_cell(client, reader):
    client.sign_in(reader)

    page = text(client.get("/bilan/regional"))

    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        found = cells(row)
        if found and not any(c.endswith((" j", " %")) for c in found):
            assert found.count("< 5") != 1, found


def test_an_administrator_sees_every_active_psad(client, session, bilan_world):
    admin = make_user(session, is_admin=True)
    closed = make_psad(session, code="FERME", name="PSAD fermée")
    closed.active = False
    session.commit()
    client.sign_in(admin)

    page = text(client.get("/bilan/regional"))

    assert bilan_world.a.name in page and bilan_world.b.name in page
    assert "PSAD fermée" not in page


def test_the_period_switches(client, reader):
    """A school year only: see tests/reports/test_review_regional.py for two dates."""
    client.sign_in(reader)

    page = text(client.get("/bilan/regional", query_string={"annee": "2024"}))

    assert "Période : année scolaire 2024-2025" in page


def test_a_bad_date_is_refused_and_the_default_period_shown(client, reader):
    client.sign_in(reader)

    response = client.get("/bilan/regional", query_string={"du": "n'importe", "au": "2026-01-31"})

    assert response.status_code == 422
    assert "Période : année scolaire 2025-2026" in text(response)
