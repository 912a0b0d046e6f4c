"""The PSAD's dashboard (« Bilan », /bilan) and the youth behind its figures (/bilan/jeunes),
on the known-answer world of tests/reports/conftest.py: PSAD A's pilote, in 2025-2026."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Role, User
from psad.reports.figures import Scope
from psad.reports.indicators import REGISTRY
from psad.youth.models import Youth
from tests.factories import make_psad, make_user
from tests.helpers import events, field_error, text
from tests.reports.conftest import BilanWorld
from tests.test_query_counts import statements

TODAY = date(2026, 3, 15)  # in the school year 2025-2026
NAMES = ["alice", "bruno", "chloe", "david", "emma", "farid", "gaelle", "hugo", "ines"]


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 15, 9, tzinfo=UTC))


@pytest.fixture
def pilot_a(session: Session, bilan_world: BilanWorld) -> User:
    user = make_user(session, psad=bilan_world.a, role=Role.PILOT)
    session.commit()
    return user


@pytest.fixture
def signed_in(client, pilot_a):  # type: ignore[no-untyped-def]
    client.sign_in(pilot_a)
    return client


def figure_cells(page: str, code: str) -> list[str]:
    """The cells of an indicator's line on the dashboard: now, before, evolution."""
    row = re.search(rf'<tr id="indicateur-{code}">(.*?)</tr>', page, re.S)
    assert row, f"no line for {code}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def number(cell: str) -> int:
    return int(re.sub(r"\D", "", cell))


def listed_names(page: str) -> list[str]:
    return re.findall(r'<a href="/jeunes/\d+">[A-Z]+ ([a-z]+)</a>', page)


def youth_behind(
    session: Session, world: BilanWorld, code: str, key: str | None = None, *, anywhere=False
) -> list[str]:
    """The first names of the youth the indicator counts for PSAD A, in 2025-2026: those whose
    file is A's (what A's pilote may see), or ``anywhere`` (what the figure counts)."""
    indicator = REGISTRY[code]
    assert indicator.youth is not None
    ids = indicator.youth(Scope((world.a.id,), world.period), key)
    query = select(Youth.first_name).where(Youth.id.in_(ids))
    if not anywhere:
        query = query.where(Youth.psad_id == world.a.id)
    return sorted(session.scalars(query))


def test_the_dashboard_shows_every_indicator_with_its_definition(signed_in):
    response = signed_in.get("/bilan")

    assert response.status_code == 200
    page = text(response)
    assert "Période : année scolaire 2025-2026" in page
    assert "année scolaire 2024-2025" in page
    for indicator in REGISTRY.values():
        assert indicator.label in page
        assert indicator.definition in page
    for theme in {indicator.theme for indicator in REGISTRY.values()}:
        assert f'<h2 id="titre-{theme.value}">{theme.label}</h2>' in page


def test_the_period_switches_to_another_school_year(signed_in):
    page = text(signed_in.get("/bilan", query_string={"annee": "2024"}))

    assert "Période : année scolaire 2024-2025" in page
    assert "année scolaire 2023-2024" in page
    assert '<option selected value="2024">2024-2025</option>' in page


def test_the_period_switches_to_any_two_dates(signed_in):
    page = text(signed_in.get("/bilan", query_string={"du": "2026-01-01", "au": "2026-01-31"}))

    assert "Période : du 01/01/2026 au 31/01/2026" in page
    assert "du 01/12/2025 au 31/12/2025" in page  # the 31 days before
    assert 'value="2026-01-01"' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"du": "2026-02-31", "au": "2026-03-01"}, "du", "Date invalide"),
        ({"du": "2026-03-01"}, "au", "Indiquez les deux dates, du et au, ou aucune."),
        ({"du": "2026-03-01", "au": "2026-02-01"}, "au", "postérieure ou égale"),
    ],
)
def test_a_bad_period_is_refused_under_its_field_and_the_default_shown(
    signed_in, query, field, message
):
    response = signed_in.get("/bilan", query_string=query)

    assert response.status_code == 422
    assert message in field_error(response, field)
    assert "Période : année scolaire 2025-2026" in text(response)


def test_an_unknown_school_year_is_refused(signed_in):
    response = signed_in.get("/bilan", query_string={"annee": "1850"})

    assert response.status_code == 422
    assert "Période : année scolaire 2025-2026" in text(response)


def test_each_youth_based_figure_leads_to_exactly_the_youth_behind_it(
    signed_in, session, bilan_world
):
    page = text(signed_in.get("/bilan"))
    scalars = [i for i in REGISTRY.values() if i.youth is not None and not i.breakdown]
    assert scalars

    for indicator in scalars:
        link = re.search(rf'<a href="(/bilan/jeunes\?indicateur={indicator.code}&[^"]*)">', page)
        assert link, f"no link for {indicator.code}"
        listing = text(signed_in.get(link.group(1)))
        assert sorted(listed_names(listing)) == youth_behind(session, bilan_world, indicator.code)
        if indicator.unit.value == "youth":
            counted = youth_behind(session, bilan_world, indicator.code, anywhere=True)
            assert number(figure_cells(page, indicator.code)[0]) == len(counted)


def test_a_breakdown_line_leads_to_its_youth(signed_in, session, bilan_world):
    page = text(signed_in.get("/bilan"))
    links = re.findall(
        r'href="(/bilan/jeunes\?indicateur=[a-z_]+&amp;cle=[^"]+|/bilan/jeunes\?indicateur=[a-z_]+&cle=[^"]+)"',
        page,
    )
    assert links, "no breakdown line links to its youth"

    for link in links:
        asked = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        listing = text(signed_in.get(link.replace("&amp;", "&")))
        code, key = asked["indicateur"][0], asked["cle"][0]
        assert sorted(listed_names(listing)) == youth_behind(session, bilan_world, code, key)


def test_a_youth_whose_file_went_to_another_psad_is_counted_but_not_listed(
    signed_in, session, bilan_world
):
    page = text(signed_in.get("/bilan"))
    listing = text(signed_in.get("/bilan/jeunes", query_string={"indicateur": "transfers_out"}))

    assert figure_cells(page, "transfers_out")[0] == "1"  # emma, transferred to B
    assert youth_behind(session, bilan_world, "transfers_out", anywhere=True) == ["emma"]
    assert listed_names(listing) == []  # her file is B's now: A's pilote cannot open it
    assert "EMMA" not in listing and "Aucun jeune." in listing


def test_the_list_shows_no_youth_of_another_psad(signed_in):
    listing = text(signed_in.get("/bilan/jeunes", query_string={"indicateur": "transfers_in"}))

    assert "FARID" not in listing and "EMMA" not in listing


def test_listing_the_youth_is_audited_without_names(signed_in, session):
    signed_in.get("/bilan/jeunes", query_string={"indicateur": "transfers_out"})

    (event,) = events(session, "bilan.youth_listed")
    assert "indicateur=transfers_out" in (event.detail or "")
    assert "jeunes=0" in (event.detail or "")
    assert not any(name in (event.detail or "").lower() for name in NAMES)


@pytest.mark.parametrize(
    "query",
    [
        {"indicateur": "nope"},
        {"indicateur": "committees_held"},  # counts meetings: no youth behind it
        {"indicateur": "decisions_by_kind"},  # a breakdown needs its line
        {"indicateur": "transfers_out", "cle": "x"},  # a single figure has no line
    ],
)
def test_a_figure_without_youth_answers_404(signed_in, query):
    assert signed_in.get("/bilan/jeunes", query_string=query).status_code == 404


def test_charts_are_svg_images_without_any_script(signed_in):
    page = signed_in.get("/bilan").get_data(as_text=True)

    charts = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert charts
    for chart in charts:
        svg = base64.b64decode(chart).decode("utf-8")
        assert svg.startswith("<svg") and "<script" not in svg
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # no inline script


def test_each_chart_has_its_table_of_numbers(signed_in):
    page = signed_in.get("/bilan").get_data(as_text=True)

    for figure in re.findall(r'<div class="bilan-breakdown.*?</figure>', page, re.S):
        assert "<caption>" in figure and '<th scope="col">Catégorie</th>' in figure
        assert '<th scope="row">' in figure


def test_the_dashboard_sends_as_many_statements_for_an_empty_psad(
    app, client, session, bilan_world, pilot_a
):
    empty = make_psad(session, code="VIDE", name="PSAD vide")
    lonely = make_user(session, psad=empty, role=Role.PILOT)
    session.commit()

    client.sign_in(pilot_a)
    with statements(app) as full:
        assert client.get("/bilan").status_code == 200
    client.sign_in(lonely)
    with statements(app) as none:
        assert client.get("/bilan").status_code == 200

    assert len(full) == len(none)
