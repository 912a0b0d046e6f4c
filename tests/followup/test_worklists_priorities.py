"""The « Prioritaires » block heading « À traiter » and « À recontacter » (rules switched on
or off, a badge saying why), and the « absent de la dernière liste » mark."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.followup import services
from psad.followup.models import DarfiRequest, PriorityRule
from psad.followup.queries import Priority, Tab
from psad.followup.worklist import ListArgs, list_extras, ordered
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.youth.models import Youth
from tests.followup.conftest import NOW, TODAY, World
from tests.followup.test_worklists import (
    adult,
    attempt,
    block,
    darfi_request,
    scope_of,
    shown_rows,
)
from tests.helpers import text

# --- « Prioritaires » --------------------------------------------------------------------


@pytest.fixture
def priorities(session: Session, world: World) -> World:
    """À traiter: Lefèvre (17: minor), a DARFI request waiting, a signalement by a partner,
    Martin (nothing). À recontacter: a call-back asked by the youth, a failed attempt."""
    darfi_request(session, world, adult(session, world, "Darfi"))
    referred = adult(session, world, "Signale")
    case = referred.open_case
    assert case is not None
    case.source_structure = world.mission
    asked = adult(session, world, "Rappel")
    attempt(session, world, asked, reached=True, outcome="call_back_asked")
    attempt(session, world, adult(session, world, "Echec"), reached=False)
    session.commit()
    return world


def badges_of(extras_badges: dict[int, list[Priority]], youth: list[Youth]) -> dict[str, list]:
    return {y.display_name: extras_badges[y.id] for y in youth}


def test_the_priority_block_holds_the_tab_youth_a_rule_holds_for(session, priorities):
    args = ListArgs(Tab.TO_PROCESS)

    extras = list_extras(
        session, scope=scope_of(priorities.pilot), args=args, rows=[], first_page=True, today=TODAY
    )

    assert badges_of(extras.badges, extras.priorities) == {
        "DARFI Test": [Priority.DARFI_WAITING],
        "LEFÈVRE Éloïse": [Priority.MINOR],
        "SIGNALE Test": [Priority.PARTNER_REFERRAL],
    }
    assert extras.priority_total == 3


def test_the_priority_block_of_a_recontacter_shows_the_call_back_asked(session, priorities):
    extras = list_extras(
        session,
        scope=scope_of(priorities.pilot),
        args=ListArgs(Tab.TO_RECONTACT),
        rows=[],
        first_page=True,
        today=TODAY,
    )

    assert badges_of(extras.badges, extras.priorities) == {
        "RAPPEL Test": [Priority.CALL_BACK_ASKED]
    }


def test_a_darfi_interview_held_ends_the_priority(session, priorities):
    youth = session.scalars(ordered(scope_of(priorities.pilot), ListArgs(q="darfi"), TODAY)).one()
    case = youth.open_case
    assert case is not None
    request = session.scalars(select(DarfiRequest).where(DarfiRequest.case_id == case.id)).one()
    services.record_darfi_interview(
        session,
        case=case,
        request=request,
        held_on=TODAY,
        outcome=None,
        by=priorities.pilot,
        today=TODAY,
        now=NOW,
        actor=priorities.actor(priorities.pilot),
    )

    extras = list_extras(
        session,
        scope=scope_of(priorities.pilot),
        args=ListArgs(Tab.TO_PROCESS),
        rows=[],
        first_page=True,
        today=TODAY,
    )

    assert "DARFI Test" not in [y.display_name for y in extras.priorities]


def test_a_rule_switched_off_puts_nobody_in_the_block(session, priorities):
    session.add(PriorityRule(code=Priority.MINOR.value, active=False))
    session.flush()

    extras = list_extras(
        session,
        scope=scope_of(priorities.pilot),
        args=ListArgs(Tab.TO_PROCESS),
        rows=[],
        first_page=True,
        today=TODAY,
    )

    assert "LEFÈVRE Éloïse" not in [y.display_name for y in extras.priorities]
    assert extras.priority_total == 2


def test_a_youth_of_18_is_no_longer_a_minor_priority(session, world):
    today = date(2027, 3, 14)  # Lefèvre Éloïse, born 14/03/2009, is 18 that day

    extras = list_extras(
        session,
        scope=scope_of(world.pilot),
        args=ListArgs(Tab.TO_PROCESS),
        rows=[],
        first_page=True,
        today=today,
    )

    assert extras.priorities == []


def test_the_block_heads_the_first_two_tabs_only(session, priorities):
    attempt(session, priorities, priorities.minor, reached=True)

    extras = list_extras(
        session,
        scope=scope_of(priorities.pilot),
        args=ListArgs(Tab.IN_PROGRESS),
        rows=[priorities.minor],
        first_page=True,
        today=TODAY,
    )

    assert (extras.priorities, extras.badges) == ([], {priorities.minor.id: []})


def test_the_list_page_shows_the_block_with_a_badge_saying_why(client, priorities, frozen_clock):
    client.sign_in(priorities.pilot)

    shown = block(text(client.get("/jeunes")))

    assert "Prioritaires (3)" in shown
    assert re.search(r"LEFÈVRE Éloïse</a>\s*<span[^>]*>Mineur soumis à l'obligation", shown)
    assert re.search(r"DARFI Test</a>\s*<span[^>]*>Demande DARFI en attente d'entretien", shown)
    assert re.search(r"SIGNALE Test</a>\s*<span[^>]*>Signalé par un partenaire", shown)
    assert "MARTIN Hugo" not in shown


def test_the_rows_of_the_list_carry_their_badges_too(client, priorities, frozen_clock):
    client.sign_in(priorities.pilot)

    page = text(client.get("/jeunes?onglet=a-recontacter"))

    row = re.search(r"RAPPEL Test</a></th>\s*<td>(.*?)</td>", page, re.S)
    assert row and "Rappel demandé par le jeune" in row.group(1)
    assert "Rappel demandé par le jeune" in block(page)


def test_the_page_without_active_rules_has_no_block(client, session, priorities, frozen_clock):
    session.add_all(PriorityRule(code=rule.value, active=False) for rule in Priority)
    session.commit()
    client.sign_in(priorities.pilot)

    page = text(client.get("/jeunes"))

    assert block(page) == ""
    assert "Mineur soumis" not in page


def test_the_block_shows_the_first_ten_and_says_how_many_more(client, session, world, frozen_clock):
    for number in range(12):
        adult(session, world, f"Mineur{number:02d}", birth_date=date(2009, 1, 1))
    session.commit()
    client.sign_in(world.pilot)

    shown = block(text(client.get("/jeunes")))

    assert "Prioritaires (13)" in shown
    assert shown.count("<li") == 10
    assert "Et 3 autres" in shown


def test_the_block_heads_the_first_page_only(client, session, world, frozen_clock):
    for number in range(30):
        adult(session, world, f"Nom{number:02d}")
    session.commit()
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes?page=2"))

    assert block(page) == ""


# --- « absent de la dernière liste » -----------------------------------------------------


def siei_list(
    session: Session, world: World, youth: list[Youth], at: datetime, source=ListSource.SIEI
) -> ImportBatch:
    batch = ImportBatch(
        psad_id=world.psad.id,
        label=f"Liste du {at:%d/%m/%Y}",
        source=source,
        origin=ImportOrigin.WEB,
        file_name="liste.xlsx",
        file_hash=f"{at.timestamp():064.0f}",
        file_size=1,
        imported_at=at,
    )
    session.add(batch)
    session.flush()
    for line, listed in enumerate(youth, start=2):
        session.add(
            Listing(
                batch_id=batch.id,
                youth_id=listed.id,
                line=line,
                outcome=ListingOutcome.UNCHANGED,
                row_hash="0" * 40,
            )
        )
    session.flush()
    return batch


@pytest.fixture
def lists(session: Session, world: World) -> World:
    """Two SIEI lists: the first lists Lefèvre and Martin, the latest Lefèvre only; a school's
    list after them lists nobody. « Signalé » was never listed."""
    adult(session, world, "Signale")
    siei_list(session, world, [world.minor, world.adult], datetime(2026, 3, 1, 9, tzinfo=UTC))
    siei_list(session, world, [world.minor], datetime(2026, 10, 1, 9, tzinfo=UTC))
    siei_list(session, world, [], datetime(2026, 11, 1, 9, tzinfo=UTC), source=ListSource.SCHOOL)
    session.commit()
    return world


def test_a_youth_missing_from_the_latest_siei_list_is_marked(session, lists):
    scope = scope_of(lists.pilot)
    rows = list(session.scalars(ordered(scope, ListArgs(), TODAY)))

    extras = list_extras(
        session, scope=scope, args=ListArgs(), rows=rows, first_page=False, today=TODAY
    )

    assert len(rows) == 3  # Lefèvre, Martin, Signalé
    assert extras.missing == {lists.adult.id}


def test_the_list_marks_the_youth_missing_from_the_latest_list(client, lists, frozen_clock):
    client.sign_in(lists.pilot)

    page = text(client.get("/jeunes"))

    marked = re.findall(
        r">([^<]+)</a></th>\s*<td>[^<]*(?:<span[^>]*>[^<]*</span>\s*)*"
        r"<span[^>]*>Absent de la dernière liste</span>",
        page,
    )
    assert marked == ["MARTIN Hugo"]
    assert shown_rows(page) == ["LEFÈVRE Éloïse", "MARTIN Hugo", "SIGNALE Test"]


def test_no_youth_is_marked_before_any_siei_list(client, world, frozen_clock):
    client.sign_in(world.pilot)

    page = text(client.get("/jeunes"))

    assert "Absent de la dernière liste" not in page
