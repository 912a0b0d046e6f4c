"""No page sends more SQL statements because it shows more rows (no N+1), on either database.

Each page is requested with a PSAD of a few youth, then of ten times as many, and the
statements the application sends during the request are counted on its engine (SQLAlchemy's
``before_cursor_execute``: instrumentation, nothing of ours replaced). Every kind of row is
there in both: youth never contacted (a minor with an obligation de formation step due and
signalé by a partner, one with a DARFI request waiting, one listed), a call-back due, youth
reached, without solution, closed; each with a task for the pilote and in the lists (half
missing from the latest); the file's timeline grows by the same factor. A page whose count
grows with its rows fails, naming the page and both counts; a page whose endpoint does not
exist yet is skipped, saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from psad.followup import services
from psad.followup.models import NoteKind
from psad.followup.worklist import PAGE_SIZE
from psad.youth.models import Youth
from tests.factories import make_youth
from tests.followup import conftest as followup
from tests.followup.conftest import NOW, TODAY, World
from tests.followup.helpers import add_task
from tests.followup.test_worklists import (
    attempt,
    call_back_task,
    close_as_refused,
    darfi_request,
    without_solution,
)
from tests.followup.test_worklists_priorities import siei_list

world, frozen_clock = followup.world, followup.frozen_clock  # the follow-up tests' fixtures

KINDS = 7  # the kinds of youth below, drawn in turn
FEW, MANY = KINDS, 10 * KINDS  # youth added to the world's two; MANY fills two pages
MINOR_BORN, ADULT_BORN = date(2009, 6, 1), date(2004, 1, 15)  # 17 and 22 on TODAY


def crowd(session: Session, world: World, start: int, count: int) -> None:
    """``count`` more youth, named « Lefèvre » (the search finds them), of each kind in turn;
    each with a task for the pilote; all in an older SIEI list, one in two in a newer one;
    and as many entries more in the minor's timeline."""
    added = [youth_of_kind(session, world, number) for number in range(start, start + count)]
    day = start // KINDS
    siei_list(session, world, added, datetime(2026, 3, 1 + day, 9, tzinfo=UTC))
    siei_list(session, world, added[::2], datetime(2026, 10, 1 + day, 9, tzinfo=UTC))
    for number in range(start, start + count):
        grow_timeline(session, world, number)
    session.commit()


def youth_of_kind(session: Session, world: World, number: int) -> Youth:
    kind = number % KINDS
    youth = make_youth(
        session,
        world.psad,
        last_name="Lefèvre",
        first_name=f"Jeune{number:03d}",
        birth_date=MINOR_BORN if kind in (0, 4) else ADULT_BORN,
        referent_structure=world.school if kind == 4 else None,
    )
    case = youth.open_case
    assert case is not None
    add_task(session, world, case=case, user=world.pilot)
    if kind == 0:  # « À traiter », a minor signalé by a partner: two priorities, an OF step
        case.source_structure = world.mission
    elif kind == 1:  # « À traiter », a DARFI request waiting
        darfi_request(session, world, youth)
    elif kind == 3:  # « À recontacter »: a failed attempt, its call-back due
        attempt(session, world, youth, reached=False)
        call_back_task(session, world, youth, TODAY - timedelta(days=1))
    elif kind == 4:  # « En cours »: a minor reached, followed by the school (the filter)
        attempt(session, world, youth, reached=True)
    elif kind == 5:  # « Sans solution »
        attempt(session, world, youth, reached=True)
        without_solution(session, world, youth)
    elif kind == 6:  # « Clos »
        close_as_refused(session, world, youth)
    return youth  # kind 2: « À traiter », listed, nothing else


def grow_timeline(session: Session, world: World, number: int) -> None:
    """One more entry in the minor's timeline: a failed call or a note, in turn."""
    case = world.minor_case
    if number % 2:
        attempt(session, world, world.minor, reached=False, hours_ago=number + 3)
        return
    services.add_note(
        session,
        case=case,
        kind=NoteKind.NOTE,
        body=f"Note {number}",
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW - timedelta(hours=number),
    )


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the application sends while the block runs."""
    bind = app.extensions["psad_test_bind"]  # the app's engine, or its connection (PostgreSQL)
    sent: list[str] = []

    def count(connection: object, cursor: object, statement: str, *args: object) -> None:
        sent.append(statement)

    event.listen(bind, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(bind, "before_cursor_execute", count)


def shown_total(client) -> int:
    """The number of youth the list's default tab says it holds."""
    page = client.get("/jeunes").get_data(as_text=True)
    found = re.search(r'role="status"[^>]*>\s*([\d\s\u00a0\u202f]+?)\s*jeunes?\b', page)
    assert found, "the list shows no count"
    return int(re.sub(r"\D", "", found.group(1)))


def urls(app: Flask, world: World, client) -> dict[str, str | None]:
    """Each page's URL (None: its endpoint does not exist yet)."""
    last = -(-shown_total(client) // PAGE_SIZE)
    export = "lists.export" in app.view_functions
    return {
        "the list's default tab": "/jeunes",
        "the list filtered by three criteria": (
            f"/jeunes?onglet=en-cours&age=mineur&structure={world.school.id}"
        ),
        "a name search": "/jeunes?q=lefevre",
        "the last page of the default tab": f"/jeunes?page={last}",
        "a youth's file": f"/jeunes/{world.minor.id}",
        "« Mes tâches »": "/taches",
        "the export of the default tab": "/jeunes/export.xlsx?onglet=a-traiter" if export else None,
    }


def sent_by(app: Flask, client, url: str) -> list[str]:
    with statements(app) as sent:
        response = client.get(url)
        response.close()  # a workbook is streamed from a temporary file
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return sent


def counts(app: Flask, world: World, client) -> dict[str, tuple[str, list[str]] | None]:
    """Each page's URL and the statements it sends (None: no such page yet)."""
    found: dict[str, tuple[str, list[str]] | None] = {}
    for page, url in urls(app, world, client).items():
        if url is not None:
            sent_by(app, client, url)  # what a first request alone does (caches) is not counted
        found[page] = None if url is None else (url, sent_by(app, client, url))
    return found


def most_repeated(sent: list[str]) -> str:
    statement, times = Counter(" ".join(statement.split()) for statement in sent).most_common(1)[0]
    return f"{times} × {statement[:160]}"


def test_no_page_sends_more_statements_for_more_rows(
    app, client, session, world, frozen_clock, subtests
):
    crowd(session, world, 0, FEW)
    client.sign_in(world.pilot)
    few = counts(app, world, client)

    crowd(session, world, FEW, MANY - FEW)
    many = counts(app, world, client)

    assert shown_total(client) > PAGE_SIZE  # « the last page » is not the first one
    for page, sent_few in few.items():
        with subtests.test(msg=page):
            sent_many = many[page]
            if sent_few is None or sent_many is None:
                pytest.skip(f"{page}: no such page yet")
            (url_few, few_statements), (url_many, many_statements) = sent_few, sent_many
            assert len(many_statements) <= len(few_statements), (
                f"{page} sends {len(few_statements)} SQL statements with {FEW + 2} youth "
                f"({url_few}) and {len(many_statements)} with {MANY + 2} ({url_many}): its "
                f"count grows with its rows; most repeated: {most_repeated(many_statements)}"
            )
