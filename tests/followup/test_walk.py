"""Walking a list from a file: « précédent / suivant » and « n / total » through the same
filtered, sorted list the file was opened from (``?depuis=``)."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.followup.queries import Tab
from psad.followup.worklist import ListArgs, walk
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup.conftest import TODAY, World
from tests.followup.test_worklists import adult, attempt, scope_of
from tests.helpers import text

A_TRAITER = quote("onglet=a-traiter", safe="")


@pytest.fixture
def walkers(session: Session, world: World) -> dict[str, Youth]:
    """« À traiter », in name order: Alpha, Lefèvre (Lycée Baggio), Martin, Zulu (Lycée
    Baggio)."""
    youth = {
        "alpha": adult(session, world, "Alpha"),
        "lefevre": world.minor,
        "martin": world.adult,
        "zulu": adult(session, world, "Zulu", referent_structure=world.school),
    }
    session.commit()
    return youth


def walk_nav(page: str) -> str:
    match = re.search(r'<nav aria-label="Parcourir la liste.*?</nav>', page, re.S)
    return match.group(0) if match else ""


def link(nav: str, label: str) -> str | None:
    match = re.search(rf'<a class="page-link"[^>]*href="([^"]+)">{label}</a>', nav)
    return match.group(1) if match else None


# --- the walk ----------------------------------------------------------------------------


def test_walk_says_where_the_youth_is_and_who_comes_before_and_after(session, world, walkers):
    found = walk(
        session,
        scope=scope_of(world.pilot),
        youth_id=walkers["lefevre"].id,
        depuis="onglet=a-traiter",
        today=TODAY,
    )

    assert found is not None
    assert (found.position, found.total) == (2, 4)
    assert (found.previous_id, found.next_id) == (walkers["alpha"].id, walkers["martin"].id)


def test_walk_follows_the_search_of_the_list(session, world, walkers):
    found = walk(
        session,
        scope=scope_of(world.pilot),
        youth_id=walkers["zulu"].id,
        depuis="onglet=a-traiter&q=test",
        today=TODAY,
    )

    assert found is not None
    assert (found.position, found.total, found.previous_id, found.next_id) == (
        2,
        2,
        walkers["alpha"].id,
        None,
    )


def test_walk_of_a_partner_counts_only_their_youth(session, world, walkers):
    found = walk(
        session,
        scope=scope_of(world.partner),
        youth_id=walkers["zulu"].id,
        depuis="onglet=a-traiter",
        today=TODAY,
    )

    assert found is not None
    assert (found.position, found.total, found.previous_id) == (2, 2, walkers["lefevre"].id)


def test_no_walk_for_a_file_not_opened_from_a_list(session, world, walkers):
    found = walk(
        session, scope=scope_of(world.pilot), youth_id=walkers["alpha"].id, depuis=None, today=TODAY
    )

    assert found is None


def test_no_walk_once_the_youth_left_the_list(session, world, walkers):
    attempt(session, world, walkers["martin"], reached=False)

    found = walk(
        session,
        scope=scope_of(world.pilot),
        youth_id=walkers["martin"].id,
        depuis="onglet=a-traiter",
        today=TODAY,
    )

    assert found is None


def test_walk_knows_the_page_of_the_list_the_youth_is_on(session, world):
    for number in range(30):
        make_youth(session, world.psad, last_name=f"Nom{number:02d}")  # after Martin
    session.commit()
    last = session.scalars(select(Youth).where(Youth.last_name == "Nom29")).one()

    found = walk(
        session,
        scope=scope_of(world.pilot),
        youth_id=last.id,
        depuis=ListArgs().query_string(),
        today=TODAY,
    )

    assert found is not None
    assert (found.position, found.total, found.list_page) == (32, 32, 2)


# --- the file page -----------------------------------------------------------------------


def test_file_opened_from_a_list_shows_previous_next_and_position(
    client, world, walkers, frozen_clock
):
    client.sign_in(world.pilot)

    nav = walk_nav(text(client.get(f"/jeunes/{walkers['lefevre'].id}?depuis={A_TRAITER}")))

    assert re.search(r"</span>2 / 4</span>", nav)
    assert link(nav, "← Précédent") == f"/jeunes/{walkers['alpha'].id}?depuis={A_TRAITER}"
    assert link(nav, "Suivant →") == f"/jeunes/{walkers['martin'].id}?depuis={A_TRAITER}"
    assert link(nav, "Liste « À traiter »") == "/jeunes?page=1&onglet=a-traiter"


def test_following_suivant_keeps_walking_the_same_list(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)
    first = walk_nav(text(client.get(f"/jeunes/{walkers['martin'].id}?depuis={A_TRAITER}")))

    nav = walk_nav(text(client.get(link(first, "Suivant →") or "")))

    assert "4 / 4" in nav
    assert link(nav, "Suivant →") is None
    assert 'aria-disabled="true">Suivant →' in nav


def test_the_first_youth_has_no_previous(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)

    nav = walk_nav(text(client.get(f"/jeunes/{walkers['alpha'].id}?depuis={A_TRAITER}")))

    assert "1 / 4" in nav
    assert link(nav, "← Précédent") is None


def test_walking_a_search_keeps_it_in_the_links(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)
    depuis = quote("onglet=a-traiter&q=test", safe="")

    nav = walk_nav(text(client.get(f"/jeunes/{walkers['alpha'].id}?depuis={depuis}")))

    assert "1 / 2" in nav
    assert link(nav, "Suivant →") == f"/jeunes/{walkers['zulu'].id}?depuis={depuis}"
    assert "Parcourir la liste « À traiter » (recherche « test »)" in nav


def test_file_opened_otherwise_shows_no_walk(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)

    page = text(client.get(f"/jeunes/{walkers['alpha'].id}"))

    assert walk_nav(page) == ""


def test_file_of_a_youth_no_longer_in_the_list_shows_no_walk(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)
    depuis = quote(f"onglet={Tab.CLOSED.value}", safe="")

    response = client.get(f"/jeunes/{walkers['alpha'].id}?depuis={depuis}")

    assert response.status_code == 200
    assert walk_nav(text(response)) == ""


def test_a_garbled_list_in_the_url_does_no_harm(client, world, walkers, frozen_clock):
    client.sign_in(world.pilot)

    response = client.get(f"/jeunes/{walkers['alpha'].id}", query_string={"depuis": "%%&&=x" * 300})

    assert response.status_code == 200


# --- who may walk ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "youth", "status"),
    [
        ("pilot", "martin", 200),
        ("copilot", "martin", 200),
        ("partner", "lefevre", 200),
        ("partner", "martin", 404),
        ("reader", "martin", 403),
    ],
)
def test_file_walk_by_role(client, world, walkers, frozen_clock, role, youth, status):
    client.sign_in(getattr(world, role))

    response = client.get(f"/jeunes/{walkers[youth].id}?depuis={A_TRAITER}")

    assert response.status_code == status
    if status == 200:
        assert walk_nav(text(response)) != ""


def test_file_walk_refused_to_an_administrator(client, world, walkers, admin):
    client.sign_in(admin)

    assert client.get(f"/jeunes/{walkers['martin'].id}?depuis={A_TRAITER}").status_code == 403


def test_file_walk_asks_an_anonymous_visitor_to_sign_in(client, world, walkers):
    response = client.get(f"/jeunes/{walkers['martin'].id}?depuis={A_TRAITER}")

    assert response.status_code == 302
    assert response.location.startswith("/connexion")
