"""No comité page sends more SQL statements for more rows: the list of meetings, a meeting's
page, its printable agenda, the attendance, the meeting mode, the minutes (page, print,
workbook), the decisions overdue and the calendars, each read with a small comité and again
with ten times as many agenda lines, decisions, people present, amendments, overdue tasks and
meetings; and the meeting mode for a youth with ten times as many contacts and orientations.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from psad.auth.models import Role
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Amendment,
    Attendance,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.followup.models import Task, TaskRule
from psad.orientations.models import OrientationStatus
from psad.youth.models import Youth
from tests.committees.conftest import MEETING_AT, Comite, make_orientation
from tests.committees.test_decisions import publish
from tests.committees.test_meeting_views import add_contact, item_url, previous_comite
from tests.factories import make_structure, make_user, make_youth
from tests.followup.conftest import TODAY
from tests.helpers import text
from tests.test_query_counts import most_repeated, statements

FEW, MANY = 3, 30  # ten times as many


def grow(session: Session, comite: Comite, start: int, number: int) -> None:
    """``number`` more of everything a comité's pages list: agenda lines (youth followed by a
    user and a structure, or nobody; two reasons each), every other one decided with its task
    overdue; a member present for each line (a new structure every third) and a guest; an
    amendment by a pilote absent from the meeting; a past meeting every third line."""
    world, committee = comite.world, comite.committee
    for n in range(start, start + number):
        youth = make_youth(
            session,
            world.psad,
            last_name=f"Jeune{n:03d}",
            birth_date=date(2008, 1, 1) + timedelta(days=n),
            referent_structure=[world.school, world.mission, None][n % 3],
        )
        case = youth.open_case
        assert case is not None
        case.referent_user = [world.partner, None, world.copilot][n % 3]
        item = AgendaItem(
            youth=youth,
            position=n + 1,
            reasons=f"{AgendaReason.NO_SOLUTION.value},{AgendaReason.UNREACHABLE.value}",
            detail="sans solution depuis 9 semaines ; 3 tentatives sans réponse",
        )
        committee.items.append(item)
        structure = (
            make_structure(session, world.psad, name=f"Structure {n:03d}")
            if n % 3 == 0
            else world.mission
        )
        member = make_user(
            session,
            psad=world.psad,
            role=Role.COPILOT if n % 2 else Role.PARTNER,
            structure=structure,
            email=f"membre{n}@lille.psad.example",
            full_name=f"Membre {n:03d}",
        )
        session.flush()
        committee.attendances += [
            Attendance(user_id=member.id, structure_id=structure.id),
            Attendance(guest_name=f"Invité {n:03d}", structure_label="CIDJ"),
        ]
        if n % 2:
            decision = Decision(
                committee_id=committee.id,
                item_id=item.id,
                youth_id=youth.id,
                case_id=case.id,
                kind=DecisionKind.ORIENTATION if n % 4 == 1 else DecisionKind.CONTACT,
                programme_id=comite.offer.e2c.id if n % 4 == 1 else None,
                site_id=comite.offer.e2c_site.id if n % 4 == 1 else None,
                acting_structure_id=structure.id,
                acting_user_id=member.id,
                due_on=TODAY + timedelta(days=n),
                comment=f"Commentaire {n}",
                recorded_by_id=member.id,
            )
            session.add(decision)
            session.flush()
            session.add(
                Task(
                    case=case,
                    title="Décision du comité",
                    due_on=TODAY - timedelta(days=30 + n),
                    rule=TaskRule.COMMITTEE_DECISION,
                    fact_id=decision.id,
                    assignee_user_id=member.id,
                    assignee_structure_id=structure.id,
                )
            )
            author = make_user(  # absent from the meeting: not read with those present
                session, psad=world.psad, role=Role.PILOT, email=f"auteur{n}@lille.psad.example",
                full_name=f"Auteur {n:03d}",
            )  # fmt: skip
            session.add(
                Amendment(
                    committee=committee, decision_id=decision.id, text="Erratum", author=author
                )
            )
        if n % 3 == 0:
            for months in (-(n + 1), n + 1):  # one past, one to come
                at = MEETING_AT + timedelta(days=28 * months)
                session.add(Committee(psad=world.psad, starts_at=at, place="CIO"))
    session.commit()


def sent_by(app: Flask, client, address: str) -> list[str]:  # type: ignore[no-untyped-def]
    client.get(address).close()  # what a first request alone does (caches) is not counted
    with statements(app) as sent:
        response = client.get(address)
        response.close()  # a workbook is streamed
    assert response.status_code == 200, address
    return sent


def pages(comite: Comite) -> dict[str, str]:
    meeting = f"/comites/{comite.committee.id}"
    return {
        "the list of meetings": "/comites",
        "the meeting's page": meeting,
        "the full printed agenda": f"{meeting}/ordre-du-jour/imprimer",
        "the minimised printed agenda": f"{meeting}/ordre-du-jour/imprimer?version=reduite",
        "the attendance": f"{meeting}/presences",
        "the meeting mode": f"{meeting}/seance/2",
        "the minutes": f"{meeting}/releve",
        "the minimised minutes": f"{meeting}/releve?version=reduite",
        "the printed minutes": f"{meeting}/releve/imprimer",
        "the workbook": f"{meeting}/releve.xlsx",
        "the minimised workbook": f"{meeting}/releve.xlsx?version=reduite",
        "the decisions overdue": "/comites/decisions-en-retard",
        "the calendar page": "/comites/calendrier",
        "the meeting's .ics": f"{meeting}.ics",
    }


def grown(app, client, session, comite: Comite, urls: dict[str, str]):  # type: ignore[no-untyped-def]
    """The statements each page sends with FEW lines, then with MANY."""
    comite.committee.status = CommitteeStatus.PUBLISHED
    session.commit()
    grow(session, comite, 0, FEW)
    few = {page: sent_by(app, client, url) for page, url in urls.items()}
    grow(session, comite, FEW, MANY - FEW)
    many = {page: sent_by(app, client, url) for page, url in urls.items()}
    return few, many


def assert_no_growth(few, many, subtests) -> None:  # type: ignore[no-untyped-def]
    for page, few_statements in few.items():
        with subtests.test(msg=page):
            assert len(many[page]) <= len(few_statements), (
                f"{page} sends {len(few_statements)} SQL statements with {FEW} lines and "
                f"{len(many[page])} with {MANY}; most repeated: {most_repeated(many[page])}"
            )


def test_no_comite_page_sends_more_statements_for_ten_times_the_rows(
    app, client, session, comite: Comite, frozen_clock, subtests
):
    client.sign_in(comite.world.pilot)

    few, many = grown(app, client, session, comite, pages(comite))

    shown = text(client.get(pages(comite)["the meeting's page"]))
    assert shown.count('id="ligne-') == MANY
    assert f"Présents ({2 * MANY})" in shown
    assert f"{MANY // 2} décisions de comité en retard" in text(client.get("/comites"))
    assert_no_growth(few, many, subtests)


def test_a_partners_pages_send_no_more_statements_for_ten_times_the_rows(
    app, client, session, comite: Comite, frozen_clock, subtests
):
    client.sign_in(comite.world.partner)
    runners_only = ("seance", "presences", "retard")
    urls = {
        page: url for page, url in pages(comite).items() if not any(p in url for p in runners_only)
    }

    few, many = grown(app, client, session, comite, urls)

    assert_no_growth(few, many, subtests)


# --- one youth with more behind them -----------------------------------------------------------


def grow_file(session: Session, comite: Comite, youth: Youth, start: int, number: int) -> None:
    """``number`` more contacts and orientations of every status for the youth."""
    offer = comite.offer
    statuses = list(OrientationStatus)
    for index in range(start, start + number):
        add_contact(
            session, comite, youth, datetime(2026, 11, 11, 9, tzinfo=UTC) + timedelta(hours=index),
            reached=index % 2 == 0, outcome="no_answer" if index % 2 else "appointment",
        )  # fmt: skip
        programme, site = (
            (offer.e2c, offer.e2c_site) if index % 2 else (offer.micro_lycee, offer.micro_site)
        )
        make_orientation(
            session, youth.cases[0], programme, site=site if index % 3 else None,
            status=statuses[index % len(statuses)], on=date(2026, 11, 12), by=comite.world.pilot,
        )  # fmt: skip
    session.commit()


def test_the_meeting_mode_sends_no_more_statements_for_more_contacts_and_orientations(
    app: Flask, client, session, comite: Comite, frozen_clock
):
    client.sign_in(comite.world.pilot)
    minor = comite.world.minor
    previous_comite(session, comite, minor)
    publish(session, comite, minor)
    url = item_url(comite, 1)
    grow_file(session, comite, minor, 0, 2)
    few = sent_by(app, client, url)

    grow_file(session, comite, minor, 2, 20)
    many = sent_by(app, client, url)

    assert len(many) <= len(few), (len(few), len(many), most_repeated(many))
