"""The list's copy of each youth's follow-up facts (psad.followup.liststate) follows every
write: contacts and their corrections, call-back tasks, closing and reopening, the situation,
DARFI, a partner's signalement, an import that opens and reopens cases; ``refresh_all`` gives
back a copy blanked by hand; and a call-back falling due moves the youth as the date moves,
with no write at all. Each test reads the copy back and checks it against the facts
(``liststate.stale``)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad import clock
from psad.followup import liststate, services
from psad.followup.models import DarfiRequest, Task, TaskRule
from psad.followup.queries import Tab, tab_counts, tab_of
from psad.followup.worklist import ListArgs, ordered
from psad.reference.models import ReferenceKind
from psad.youth import services as youth_services
from psad.youth.models import Case, CaseStatus, ListState, Youth
from tests.factories import make_psad, make_youth
from tests.followup.conftest import NOW, TODAY, World, reference
from tests.followup.helpers import close
from tests.followup.test_case import who
from tests.followup.test_contact_views import form
from tests.followup.test_darfi import interview
from tests.followup.test_list_filters import listed
from tests.followup.test_worklists import (
    adult,
    attempt,
    call_back_task,
    close_as_refused,
    darfi_request,
    scope_of,
    shown_counts,
    shown_rows,
    without_solution,
)
from tests.helpers import text
from tests.imports.test_services import do_import, listing, row

COPY = list(liststate.COMPUTED)


def copy_of(session: Session, youth: Youth) -> dict[str, Any]:
    """The list's copy of ``youth``, read afresh, once checked against the facts."""
    session.flush()
    assert liststate.stale(session) == []
    session.expire_all()
    stored = session.execute(
        select(*(getattr(Youth, name) for name in COPY)).where(Youth.id == youth.id)
    ).one()
    return dict(zip(COPY, stored, strict=True))


def open_case_of(youth: Youth) -> Case:
    case = youth.open_case
    assert case is not None
    return case


def tab_rows(session: Session, world: World, tab: Tab, today: date = TODAY) -> list[str]:
    """The pilote's rows of ``tab`` on ``today`` (names, in order)."""
    query = ordered(scope_of(world.pilot), ListArgs(tab), today)
    return [youth.display_name for youth in session.scalars(query)]


# --- contacts ------------------------------------------------------------------------------


def test_a_new_case_is_to_process_until_a_contact(session, world):
    copy = copy_of(session, world.adult)

    assert copy == {
        "list_state": ListState.TO_PROCESS,
        "call_back_due_on": None,
        "current_case_id": world.adult_case.id,
        "last_contact_at": None,
        "next_task_due_on": None,
        "darfi_waiting": False,
        "call_back_asked": False,
        "partner_referral": False,
        "referent_user_id": None,
        "referent_structure_id": None,
    }


def test_a_failed_attempt_asks_to_recontact_on_its_call_back(session, world):
    attempt(session, world, world.adult, reached=False, call_back_on=TODAY + timedelta(days=7))

    copy = copy_of(session, world.adult)

    assert copy["list_state"] is ListState.NEEDS_CALL
    assert copy["last_contact_at"] == NOW - timedelta(hours=2)
    assert copy["call_back_due_on"] == copy["next_task_due_on"] == TODAY + timedelta(days=7)


def test_reaching_the_youth_closes_the_call_back_in_the_copy(session, world):
    attempt(session, world, world.adult, reached=False, hours_ago=5, call_back_on=TODAY)
    attempt(session, world, world.adult, reached=True, hours_ago=1)

    copy = copy_of(session, world.adult)

    assert copy["list_state"] is ListState.IN_PROGRESS
    assert copy["last_contact_at"] == NOW - timedelta(hours=1)
    assert (copy["call_back_due_on"], copy["next_task_due_on"]) == (None, None)


def test_a_call_back_asked_by_the_youth_is_copied(session, world):
    attempt(session, world, world.adult, reached=True, outcome="call_back_asked")

    copy = copy_of(session, world.adult)

    assert (copy["list_state"], copy["call_back_asked"]) == (ListState.NEEDS_CALL, True)


def test_a_correction_replaces_the_contact_in_the_copy(session, world):
    wrong = attempt(session, world, world.adult, reached=True, hours_ago=2).contact
    services.correct_contact(
        session,
        original=wrong,
        data=services.ContactData(
            occurred_at=NOW - timedelta(hours=6), channel=wrong.channel, reached=False
        ),
        by=world.pilot,
        may_correct_any=True,
        actor=world.actor(world.pilot),
        now=NOW,
    )

    copy = copy_of(session, world.adult)

    assert copy["list_state"] is ListState.NEEDS_CALL
    assert copy["last_contact_at"] == NOW - timedelta(hours=6)  # the replaced one is gone


def test_the_copy_does_not_move_the_file_version(session, world):
    """A counsellor editing the file is not refused because a colleague recorded a contact."""
    session.expire_all()
    before = session.get(Youth, world.adult.id)
    assert before is not None
    version = before.version

    attempt(session, world, before, reached=False)
    session.flush()
    session.expire_all()

    after = session.get(Youth, world.adult.id)
    assert after is not None
    assert (after.version, after.list_state) == (version, ListState.NEEDS_CALL)


def test_a_contact_recorded_on_the_page_moves_the_youth_in_the_list(pilot_client, session, world):
    response = pilot_client.submit(f"/jeunes/{world.adult.id}/contacts/nouveau", form(session))
    assert response.status_code == 302

    rows = listed(pilot_client, session, world.pilot, onglet=Tab.TO_RECONTACT.value)

    assert rows == ["MARTIN Hugo"]
    assert copy_of(session, world.adult)["call_back_due_on"] == date(2026, 12, 14)


# --- tasks ---------------------------------------------------------------------------------


def test_a_call_back_task_added_then_done(session, world):
    call_back_task(session, world, world.adult, due_on=TODAY + timedelta(days=3))
    added = copy_of(session, world.adult)
    task = session.scalars(select(Task).where(Task.rule == TaskRule.CALL_BACK)).one()
    services.complete_task(
        session, task=task, by=world.pilot, now=NOW, comment=None, actor=world.actor(world.pilot)
    )

    done = copy_of(session, world.adult)

    assert added["call_back_due_on"] == added["next_task_due_on"] == TODAY + timedelta(days=3)
    assert (done["call_back_due_on"], done["next_task_due_on"]) == (None, None)
    assert done["list_state"] is ListState.TO_PROCESS


# --- the case ------------------------------------------------------------------------------


def test_closing_empties_what_only_an_open_case_has(session, world):
    attempt(session, world, world.adult, reached=False, call_back_on=TODAY + timedelta(days=2))
    darfi_request(session, world, world.adult)

    close_as_refused(session, world, world.adult)
    copy = copy_of(session, world.adult)

    assert copy["list_state"] is ListState.CLOSED
    assert copy["current_case_id"] == world.adult_case.id  # the latest case
    assert copy["last_contact_at"] == NOW - timedelta(hours=2)
    assert (copy["call_back_due_on"], copy["next_task_due_on"], copy["darfi_waiting"]) == (
        None,
        None,
        False,
    )


def test_reopening_gives_back_the_state_its_contacts_say(session, world):
    attempt(session, world, world.adult, reached=False)
    case = world.adult_case
    close(session, world, case, "refused")

    services.reopen_case(session, case=case, reason="Le jeune a rappelé.", **who(world))
    copy = copy_of(session, world.adult)

    assert (copy["list_state"], copy["current_case_id"]) == (ListState.NEEDS_CALL, case.id)


def test_a_situation_sans_solution_then_another(session, world):
    attempt(session, world, world.adult, reached=True)
    without_solution(session, world, world.adult)
    lost = copy_of(session, world.adult)["list_state"]

    followed = reference(session, ReferenceKind.SITUATION, "followed_cio")
    services.change_situation(session, case=world.adult_case, situation=followed, **who(world))

    assert (lost, copy_of(session, world.adult)["list_state"]) == (
        ListState.NO_SOLUTION,
        ListState.IN_PROGRESS,
    )


def test_a_darfi_request_then_its_interview(session, world):
    darfi_request(session, world, world.minor)
    waiting = copy_of(session, world.minor)

    interview(session, world, session.scalars(select(DarfiRequest)).one())
    held = copy_of(session, world.minor)

    assert (waiting["darfi_waiting"], waiting["next_task_due_on"]) == (
        True,
        TODAY - timedelta(days=3) + timedelta(days=15),
    )
    assert (held["darfi_waiting"], held["next_task_due_on"]) == (False, None)


def test_a_partner_signalement_is_to_process_and_marked(client, session, world, frozen_clock):
    case = youth_services.refer_youth(
        session,
        psad=world.psad,
        data=youth_services.Referral(
            youth=youth_services.YouthData(
                last_name="Signale", first_name="Inès", birth_date=date(2008, 5, 5)
            ),
            source_structure=world.school,
            referent_structure=world.school,
        ),
        by=world.partner,
        on=TODAY,
        actor=world.actor(world.partner),
    )
    copy = copy_of(session, case.youth)
    session.commit()
    client.sign_in(world.partner)

    rows = listed(client, session, world.partner, onglet=Tab.TO_PROCESS.value)

    assert (copy["list_state"], copy["current_case_id"], copy["partner_referral"]) == (
        ListState.TO_PROCESS,
        case.id,
        True,
    )
    assert rows == ["LEFÈVRE Éloïse", "SIGNALE Inès"]


# --- the import ----------------------------------------------------------------------------


def test_an_import_opens_and_reopens_cases_that_are_to_process(
    pilot_client, session, world, tmp_path: Path
):
    """« Ferme » had a failed attempt, a call-back and a DARFI request before her case was
    closed; the list reopens her a new case and creates « Nouveau »."""
    known = adult(session, world, "Ferme", first_name="Jade", ine="0494004062M")
    attempt(session, world, known, reached=False, call_back_on=TODAY + timedelta(days=2))
    darfi_request(session, world, known)
    close_as_refused(session, world, known)
    session.commit()
    path = listing(
        tmp_path,
        row(ine="0494004062M", last="Ferme", first="Jade", birth=date(2004, 1, 15)),
        row(ine=None, last="Nouveau", first="Noé", birth=date(2007, 5, 14)),
    )

    outcome = do_import(session, world.psad, path)

    assert (outcome.result.created, outcome.result.reopened) == (1, 1)
    created = session.scalars(select(Youth).where(Youth.last_name == "Nouveau")).one()
    for youth in (known, created):
        case = session.scalars(
            select(Case).where(Case.youth_id == youth.id, Case.status == CaseStatus.OPEN)
        ).one()
        assert copy_of(session, youth) == {
            "list_state": ListState.TO_PROCESS,
            "call_back_due_on": None,
            "current_case_id": case.id,
            "last_contact_at": None,
            "next_task_due_on": None,
            "darfi_waiting": False,
            "call_back_asked": False,
            "partner_referral": False,
            "referent_user_id": None,
            "referent_structure_id": None,
        }
    assert listed(pilot_client, session, world.pilot, onglet=Tab.TO_PROCESS.value) == [
        "FERME Jade",
        "LEFÈVRE Éloïse",
        "MARTIN Hugo",
        "NOUVEAU Noé",
    ]


# --- refresh_all ---------------------------------------------------------------------------


def blank(session: Session, *youth: Youth) -> None:
    """Empty the list's copy of ``youth`` with a Core statement, as a bulk load might."""
    session.execute(
        update(Youth)
        .where(Youth.id.in_([y.id for y in youth]))
        .values(
            list_state=None,
            call_back_due_on=None,
            last_contact_at=None,
            current_case_id=None,
            next_task_due_on=None,
            darfi_waiting=False,
            call_back_asked=False,
            partner_referral=False,
            referent_user_id=None,
            referent_structure_id=None,
        )
        .execution_options(synchronize_session=False)
    )


def test_refresh_all_gives_back_a_copy_blanked_by_hand(session, world):
    attempt(session, world, world.adult, reached=False, call_back_on=TODAY + timedelta(days=4))
    darfi_request(session, world, world.adult)
    elsewhere = make_youth(session, make_psad(session), last_name="Ailleurs")
    session.flush()
    expected = {y.id: copy_of(session, y) for y in (world.adult, world.minor, elsewhere)}
    blank(session, world.adult, world.minor, elsewhere)
    assert liststate.stale(session) == sorted(expected)

    refreshed = liststate.refresh_all(session, world.psad.id)

    assert refreshed == 2
    assert liststate.stale(session) == [elsewhere.id]  # another PSAD: left as it was
    assert liststate.refresh_all(session) == 3
    assert {y.id: copy_of(session, y) for y in (world.adult, world.minor, elsewhere)} == expected


def test_a_youth_without_a_case_has_no_list_state_and_no_tab(pilot_client, session, world):
    alone = make_youth(session, world.psad, last_name="Seul", case=False)
    session.commit()

    assert copy_of(session, alone)["list_state"] is None
    assert "SEUL Prénom" not in listed(pilot_client, session, world.pilot)


def test_a_case_moved_to_another_youth_refreshes_both_youth(session, world):
    """As a merge of duplicates may do: Martin's case goes to « Double », who had none."""
    double = make_youth(session, world.psad, last_name="Double", case=False)
    world.adult_case.youth = double
    session.flush()

    try:
        assert liststate.stale(session) == []
    finally:
        liststate.refresh_all(session)  # the fixture's own check must not fail the teardown


# --- the date moves, nothing is written ----------------------------------------------------


@pytest.fixture
def call_backs(session: Session, world: World) -> World:
    """« Bientot », reached, a call-back in two days; « Echec », a failed attempt with a
    call-back in a week; « Neuf », never contacted, a call-back in two days; « Clos », closed."""
    soon = adult(session, world, "Bientot")
    attempt(session, world, soon, reached=True)
    call_back_task(session, world, soon, due_on=TODAY + timedelta(days=2))
    failed = adult(session, world, "Echec")
    attempt(session, world, failed, reached=False, call_back_on=TODAY + timedelta(days=7))
    call_back_task(session, world, adult(session, world, "Neuf"), due_on=TODAY + timedelta(days=2))
    close_as_refused(session, world, adult(session, world, "Clos"))
    session.commit()
    return world


@pytest.mark.parametrize(
    ("days", "to_recontact"),
    [
        (0, ["ECHEC Test"]),
        (2, ["BIENTOT Test", "ECHEC Test", "NEUF Test"]),
        (8, ["BIENTOT Test", "ECHEC Test", "NEUF Test"]),
    ],
)
def test_a_call_back_falls_due_as_the_date_moves(session, call_backs, days, to_recontact):
    today = TODAY + timedelta(days=days)
    rows = {tab: tab_rows(session, call_backs, tab, today) for tab in Tab}
    youth = session.scalars(select(Youth).where(Youth.psad_id == call_backs.psad.id)).all()

    placed = {
        y.display_name: tab_of(
            y.list_state, y.call_back_due_on is not None and y.call_back_due_on <= today
        )
        for y in youth
        if y.list_state is not None
    }

    assert rows[Tab.TO_RECONTACT] == to_recontact
    assert tab_counts(session, scope_of(call_backs.pilot), today) == {
        tab: len(names) for tab, names in rows.items()
    }
    assert placed == {name: tab for tab in Tab if tab is not Tab.ALL for name in rows[tab]}


def test_the_page_moves_the_youth_when_the_clock_does(client, session, call_backs, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY + timedelta(days=2))
    client.sign_in(call_backs.pilot)

    page = text(client.get("/jeunes?onglet=a-recontacter"))

    assert shown_rows(page) == ["BIENTOT Test", "ECHEC Test", "NEUF Test"]
    assert shown_counts(page) == {
        "À traiter": 2,  # Lefèvre and Martin
        "À recontacter": 3,
        "En cours": 0,
        "Sans solution": 0,
        "Clos": 1,
        "Tous": 6,
    }
