"""The work lists' tabs, computed from each case's state: rows and counts from the same
condition, for each role. The states are built with the services, as counsellors make them.
The builders here serve the other work list tests too."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from psad.access.viewer import Viewer
from psad.access.youth import youth_scope
from psad.auth.models import User
from psad.followup import services
from psad.followup.models import DarfiSource, Diploma, TaskRule
from psad.followup.queries import Tab, tab_counts
from psad.followup.worklist import ListArgs, ordered, searched
from psad.reference.models import ReferenceKind
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup.conftest import NOW, TODAY, World, reference
from tests.followup.helpers import close
from tests.helpers import text

# --- builders ----------------------------------------------------------------------------


def scope_of(user: User) -> ColumnElement[bool]:
    return youth_scope(Viewer.of(user, user.memberships[0]))


def adult(session: Session, world: World, last_name: str, **overrides: object) -> Youth:
    """A youth of 22 with an open case, as signalé (no list)."""
    values: dict[str, object] = {"first_name": "Test", "birth_date": date(2004, 1, 15)}
    return make_youth(session, world.psad, last_name=last_name, **{**values, **overrides})


def attempt(
    session: Session,
    world: World,
    youth: Youth,
    *,
    reached: bool,
    hours_ago: int = 2,
    outcome: str | None = None,
    call_back_on: date | None = None,
) -> services.ContactResult:
    data = services.ContactData(
        occurred_at=NOW - timedelta(hours=hours_ago),
        channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
        reached=reached,
        outcome=reference(session, ReferenceKind.CONTACT_OUTCOME, outcome) if outcome else None,
    )
    case = youth.open_case
    assert case is not None
    return services.record_contact(
        session,
        case=case,
        data=data,
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW,
        call_back_on=call_back_on,
    )


def without_solution(session: Session, world: World, youth: Youth) -> None:
    case = youth.open_case
    assert case is not None
    services.change_situation(
        session,
        case=case,
        situation=reference(session, ReferenceKind.SITUATION, "no_solution"),
        by=world.pilot,
        now=NOW,
        actor=world.actor(world.pilot),
    )


def close_as_refused(session: Session, world: World, youth: Youth) -> None:
    """Close the open case of ``youth`` as refused (by the pilote, TODAY)."""
    case = youth.open_case
    assert case is not None
    close(session, world, case, "refused")


def call_back_task(session: Session, world: World, youth: Youth, due_on: date) -> None:
    case = youth.open_case
    assert case is not None
    services.add_task(
        session,
        case=case,
        title="Rappeler le jeune",
        due_on=due_on,
        user=None,
        structure=None,
        by=world.pilot,
        actor=world.actor(world.pilot),
        rule=TaskRule.CALL_BACK,
    )


def darfi_request(session: Session, world: World, youth: Youth) -> None:
    case = youth.open_case
    assert case is not None
    services.record_darfi_request(
        session,
        case=case,
        requested_on=TODAY - timedelta(days=3),
        source=DarfiSource.YOUTH,
        diploma=Diploma.NONE,
        wish=None,
        by=world.pilot,
        today=TODAY,
        actor=world.actor(world.pilot),
    )


def names(session: Session, scope: ColumnElement[bool], tab: Tab, q: str = "") -> list[str]:
    return [y.display_name for y in session.scalars(ordered(scope, ListArgs(tab, q), TODAY))]


def shown_rows(page: str) -> list[str]:
    """Names in the list's table, in order."""
    return re.findall(r'<th scope="row"><a href="/jeunes/\d+\?depuis=[^"]*">([^<]+)</a></th>', page)


def shown_counts(page: str) -> dict[str, int]:
    """Each tab's count, as its link shows it."""
    found = re.findall(r'>([^<>]+) <span class="badge rounded-pill[^"]*">(\d+)</span></a>', page)
    return {label: int(number) for label, number in found}


def block(page: str) -> str:
    """The « Prioritaires » block of the page ('' when absent)."""
    match = re.search(r'<section class="card border-warning.*?</section>', page, re.S)
    return match.group(0) if match else ""


# --- a youth in each state ---------------------------------------------------------------

EXPECTED = {
    Tab.TO_PROCESS: ["LEFÈVRE Éloïse", "MARTIN Hugo"],
    Tab.TO_RECONTACT: ["ECHEC Test", "RAPPEL Test"],
    Tab.IN_PROGRESS: ["JOINT Test"],
    Tab.NO_SOLUTION: ["SANSSOLUTION Test"],
    Tab.CLOSED: ["CLOS Test"],
    Tab.ALL: [
        "CLOS Test",
        "ECHEC Test",
        "JOINT Test",
        "LEFÈVRE Éloïse",
        "MARTIN Hugo",
        "RAPPEL Test",
        "SANSSOLUTION Test",
    ],
}
# The partenaire of the Lycée Baggio sees Lefèvre (world), Echec and Clos.
PARTNER_SEES = {
    Tab.TO_PROCESS: ["LEFÈVRE Éloïse"],
    Tab.TO_RECONTACT: ["ECHEC Test"],
    Tab.IN_PROGRESS: [],
    Tab.NO_SOLUTION: [],
    Tab.CLOSED: ["CLOS Test"],
    Tab.ALL: ["CLOS Test", "ECHEC Test", "LEFÈVRE Éloïse"],
}


@pytest.fixture
def states(session: Session, world: World) -> World:
    """Besides the world's two youth never contacted: a failed attempt (call-back in a week),
    a reached contact, reached with situation « sans solution », a closed case, and a reached
    youth with a call-back task due today."""
    failed = adult(session, world, "Echec", referent_structure=world.school)
    attempt(session, world, failed, reached=False, call_back_on=TODAY + timedelta(days=7))
    attempt(session, world, adult(session, world, "Joint"), reached=True)
    lost = adult(session, world, "Sanssolution")
    attempt(session, world, lost, reached=True)
    without_solution(session, world, lost)
    close_as_refused(session, world, adult(session, world, "Clos", referent_structure=world.school))
    call_back = adult(session, world, "Rappel")
    attempt(session, world, call_back, reached=True, hours_ago=30)
    call_back_task(session, world, call_back, due_on=TODAY)
    session.commit()
    return world


@pytest.mark.parametrize("tab", list(Tab))
def test_each_tab_holds_the_youth_in_its_state(session, states, tab):
    assert names(session, scope_of(states.pilot), tab) == EXPECTED[tab]


def test_each_tab_count_is_the_number_of_its_rows(session, states):
    counts = tab_counts(session, scope_of(states.pilot), TODAY)

    assert counts == {tab: len(EXPECTED[tab]) for tab in Tab}


def test_counts_with_a_search_count_the_rows_the_search_finds(session, states):
    scope = scope_of(states.pilot)

    counts = tab_counts(session, searched(scope, "test"), TODAY)

    assert counts == {tab: len(names(session, scope, tab, "test")) for tab in Tab}
    assert counts[Tab.TO_PROCESS] == 0


def test_a_partner_counts_only_their_youth_in_each_tab(session, states):
    scope = scope_of(states.partner)

    counts = tab_counts(session, scope, TODAY)

    assert {tab: names(session, scope, tab) for tab in Tab} == PARTNER_SEES
    assert counts == {tab: len(PARTNER_SEES[tab]) for tab in Tab}


def test_a_call_back_not_yet_due_leaves_a_reached_youth_in_progress(session, world):
    youth = adult(session, world, "Bientot")
    attempt(session, world, youth, reached=True)
    call_back_task(session, world, youth, due_on=TODAY + timedelta(days=1))

    assert names(session, scope_of(world.pilot), Tab.IN_PROGRESS) == ["BIENTOT Test"]


def test_a_failed_attempt_after_reaching_the_youth_asks_to_recontact(session, world):
    youth = adult(session, world, "Retombe")
    attempt(session, world, youth, reached=True, hours_ago=5)
    attempt(session, world, youth, reached=False, hours_ago=1)

    assert "RETOMBE Test" in names(session, scope_of(world.pilot), Tab.TO_RECONTACT)


def test_reaching_the_youth_after_failed_attempts_moves_them_in_progress(session, world):
    youth = adult(session, world, "Enfin")
    attempt(session, world, youth, reached=False, hours_ago=5)
    attempt(session, world, youth, reached=True, hours_ago=1)

    assert names(session, scope_of(world.pilot), Tab.IN_PROGRESS) == ["ENFIN Test"]


def test_a_corrected_contact_counts_as_corrected(session, world):
    youth = adult(session, world, "Corrige")
    wrong = attempt(session, world, youth, reached=True).contact
    services.correct_contact(
        session,
        original=wrong,
        data=services.ContactData(
            occurred_at=wrong.occurred_at, channel=wrong.channel, reached=False
        ),
        by=world.pilot,
        may_correct_any=True,
        actor=world.actor(world.pilot),
        now=NOW,
    )

    assert "CORRIGE Test" in names(session, scope_of(world.pilot), Tab.TO_RECONTACT)


def test_a_call_back_asked_by_the_youth_asks_to_recontact(session, world):
    youth = adult(session, world, "Demande")
    attempt(session, world, youth, reached=True, outcome="call_back_asked")

    assert "DEMANDE Test" in names(session, scope_of(world.pilot), Tab.TO_RECONTACT)


def test_the_list_page_shows_the_tab_its_rows_and_every_count(client, states, frozen_clock):
    client.sign_in(states.pilot)

    page = text(client.get("/jeunes?onglet=a-recontacter"))

    assert shown_rows(page) == EXPECTED[Tab.TO_RECONTACT]
    assert shown_counts(page) == {tab.label: len(EXPECTED[tab]) for tab in Tab}
    assert re.search(
        r'class="nav-link active" aria-current="page" href="[^"]*">À recontacter', page
    )


@pytest.mark.parametrize("tab", list(Tab))
def test_each_tab_page_lists_its_youth(client, states, frozen_clock, tab):
    client.sign_in(states.pilot)

    page = text(client.get(f"/jeunes?onglet={tab.value}"))

    assert shown_rows(page) == EXPECTED[tab]


def test_the_list_opens_on_a_traiter(client, states, frozen_clock):
    client.sign_in(states.pilot)

    page = text(client.get("/jeunes"))

    assert shown_rows(page) == EXPECTED[Tab.TO_PROCESS]
    assert 'aria-current="page" href="/jeunes?onglet=a-traiter">À traiter' in page


def test_a_partner_sees_only_their_youth_in_each_tab_count(client, states, frozen_clock):
    client.sign_in(states.partner)

    page = text(client.get("/jeunes?onglet=clos"))

    assert shown_rows(page) == ["CLOS Test"]
    assert shown_counts(page) == {tab.label: len(PARTNER_SEES[tab]) for tab in Tab}


def test_tab_links_keep_the_search_and_rows_carry_the_list(client, states, frozen_clock):
    client.sign_in(states.pilot)

    page = text(client.get("/jeunes?onglet=en-cours&q=joint"))

    assert 'href="/jeunes?onglet=clos&q=joint"' in page
    assert re.search(r'href="/jeunes/\d+\?depuis=onglet%3Den-cours%26q%3Djoint"', page)
    assert 'name="onglet" value="en-cours"' in page


def test_an_unknown_tab_shows_a_traiter(client, states, frozen_clock):
    client.sign_in(states.pilot)

    page = text(client.get("/jeunes?onglet=n-importe-quoi"))

    assert shown_rows(page) == EXPECTED[Tab.TO_PROCESS]


def test_pagination_keeps_the_tab(client, session, world, frozen_clock):
    for number in range(30):
        close_as_refused(session, world, adult(session, world, f"Clos{number:02d}"))
    session.commit()
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes?onglet=clos"))

    assert len(shown_rows(page)) == 25
    assert 'href="/jeunes?onglet=clos&page=2"' in page


def test_a_search_too_long_on_a_tab_gets_its_message_and_keeps_the_tab(client, world):
    client.sign_in(world.pilot)

    response = client.get("/jeunes", query_string={"onglet": "clos", "q": "a b c d e f g h i j k"})

    assert response.status_code == 422
    assert "La recherche compte trop de mots : 10 au plus." in text(response)
    assert 'name="onglet" value="clos"' in text(response)


def test_an_empty_tab_says_so(client, world, frozen_clock):
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes?onglet=sans-solution"))

    assert "Aucun jeune dans cet onglet." in page
