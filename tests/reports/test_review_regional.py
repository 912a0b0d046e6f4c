"""Review of issue 15, the regional view: what a reader could still work out from the cells
shown (a total that is not the sum of its PSADs, two overlapping periods), its tables read
by a screen reader, and the statements it sends."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Membership, Role, User
from psad.reports import masking
from psad.reports.figures import Row, Unit, Value
from tests.factories import make_user
from tests.helpers import text
from tests.reports.conftest import BilanWorld
from tests.test_query_counts import statements


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 15))
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))


@pytest.fixture
def reader(session: Session, bilan_world: BilanWorld) -> User:
    user = make_user(session, psad=bilan_world.a, role=Role.READER)
    user.memberships.append(Membership(psad=bilan_world.b, role=Role.READER))
    session.commit()
    return user


# --- a total that is not the sum of its PSADs -----------------------------------------------


def test_a_total_smaller_than_the_sum_by_under_five_is_masked():
    """A 10, B 10, both 19: one youth was followed by both PSADs (a transfer), and
    10 + 10 − 19 would single them out."""
    [line] = masking.regional_lines(Unit.YOUTH, [Value(10), Value(10), Value(19)], label="x")

    assert line.cells[-1].masked
    assert sum(cell.masked for cell in line.cells) >= 2  # and the total cannot be rebuilt


def test_a_breakdown_line_whose_total_betrays_an_overlap_is_masked():
    a = [Row("f", "Filles", Value(12)), Row("m", "Garçons", Value(20))]
    b = [Row("f", "Filles", Value(9)), Row("m", "Garçons", Value(15))]
    both = [Row("f", "Filles", Value(20)), Row("m", "Garçons", Value(35))]

    girls, boys = masking.regional_lines(Unit.YOUTH, [a, b, both], label="Par sexe")

    assert girls.cells[-1].masked and sum(c.masked for c in girls.cells) >= 2
    for column in zip(girls.cells, boys.cells, strict=True):  # nor one alone down a column
        assert sum(cell.masked for cell in column) != 1


def test_a_total_equal_to_the_sum_or_far_from_it_is_shown():
    [equal] = masking.regional_lines(Unit.YOUTH, [Value(10), Value(10), Value(20)], label="x")
    [far] = masking.regional_lines(Unit.YOUTH, [Value(10), Value(10), Value(14)], label="x")

    assert [c.number for c in equal.cells] == [10, 10, 20]
    assert [c.number for c in far.cells] == [10, 10, 14]


# --- two overlapping periods ----------------------------------------------------------------


def test_the_regional_view_offers_school_years_only(client, reader):
    """From 1 Sept. to 14 March, then to 15 March: the difference would be the youth of a
    single day, however small. A reader chooses a school year."""
    client.sign_in(reader)

    response = client.get("/bilan/regional", query_string={"du": "2025-09-01", "au": "2026-03-15"})

    assert response.status_code == 422
    page = text(response)
    assert "année scolaire" in page and "Période : année scolaire 2025-2026" in page
    assert 'name="du"' not in page and 'name="au"' not in page


def test_the_regional_workbook_is_for_a_school_year_only(client, reader):
    client.sign_in(reader)

    response = client.get(
        "/bilan/export.xlsx", query_string={"du": "2025-09-01", "au": "2026-03-15"}
    )

    assert response.status_code == 422
    assert "année scolaire" in text(response)


# --- read by a screen reader ----------------------------------------------------------------


def test_each_breakdown_heads_its_own_group_of_rows(client, reader):
    client.sign_in(reader)

    page = client.get("/bilan/regional").get_data(as_text=True)

    groups = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    headed = [group for group in groups if 'scope="rowgroup"' in group]
    assert headed
    for group in headed:
        assert group.count('scope="rowgroup"') == 1
        assert re.match(r'\s*<tr><th scope="rowgroup"', group)


# --- statements -----------------------------------------------------------------------------


def test_the_regional_view_sends_no_statement_per_line(app, client, session, reader, bilan_world):
    """The indicators' own statements for each PSAD and the total; a few for the page."""
    client.sign_in(reader)
    with statements(app) as two:
        assert client.get("/bilan/regional").status_code == 200
    session.delete(next(m for m in reader.memberships if m.psad_id == bilan_world.b.id))
    session.commit()
    with statements(app) as one:
        assert client.get("/bilan/regional").status_code == 200

    per_scope = len(two) - len(one)  # one more PSAD: one more scope's indicators
    assert len(one) - 2 * per_scope < 15
