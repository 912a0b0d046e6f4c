"""Changing the agenda: a member adds a youth, the pilote removes and moves lines (positions
stay 1..n) and publishes it; each change audited with ids only, refused once the meeting is
locked or when made from an older page."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.committees.models import AgendaItem, AgendaReason, CommitteeStatus, Decision, DecisionKind
from psad.committees.services import agenda
from psad.committees.services.meetings import CommitteeVersionError
from psad.committees.services.state import CommitteeStateError
from tests.committees.conftest import Comite, comite
from tests.committees.test_agenda import on_agenda, positions, propose
from tests.factories import make_psad, make_youth
from tests.followup.conftest import NOW, TODAY
from tests.followup.helpers import close
from tests.followup.test_worklists import adult
from tests.helpers import events

__all__ = ["comite"]

R = AgendaReason


def act(session: Session, comite: Comite, change, **values):  # type: ignore[no-untyped-def]
    world = comite.world
    result = change(
        session,
        committee=comite.committee,
        by=world.pilot,
        actor=world.actor(world.pilot),
        **values,
    )
    session.commit()
    return result


def three_lines(session: Session, comite: Comite) -> dict[str, AgendaItem]:
    propose(session, comite)
    act(session, comite, agenda.add_item, youth=adult(session, comite.world, "Zoe"))
    return on_agenda(session, comite.committee)


def test_a_member_adds_a_youth_at_the_end(session, comite: Comite):
    lines = three_lines(session, comite)

    line = lines["ZOE Test"]
    assert (line.position, line.reason_list, line.added_by_id) == (
        3,
        [R.ADDED],
        comite.world.pilot.id,
    )


def test_adding_is_refused_for_one_already_there_closed_or_elsewhere(session, comite: Comite):
    world = comite.world
    propose(session, comite)
    closed = adult(session, world, "Clos")
    close(session, world, closed.open_case, "refused")
    elsewhere = make_youth(session, make_psad(session), last_name="Ailleurs")
    session.commit()

    for youth, message in [
        (world.minor, "LEFÈVRE Éloïse est déjà à l'ordre du jour."),
        (closed, agenda.NO_OPEN_CASE),
        (elsewhere, agenda.WRONG_PSAD),
    ]:
        with pytest.raises(agenda.AgendaError) as refused:
            act(session, comite, agenda.add_item, youth=youth)
        assert refused.value.message == message
        session.rollback()


def test_removing_closes_up_the_positions(session, comite: Comite):
    lines = three_lines(session, comite)

    act(session, comite, agenda.remove_item, item=lines["LEFÈVRE Éloïse"])

    assert positions(session, comite.committee) == [(1, "MARTIN Hugo"), (2, "ZOE Test")]


def test_a_line_with_a_decision_stays(session, comite: Comite):
    lines = three_lines(session, comite)
    item = lines["MARTIN Hugo"]
    session.add(
        Decision(
            committee_id=comite.committee.id,
            item_id=item.id,
            youth_id=item.youth_id,
            kind=DecisionKind.WATCH,
        )
    )
    session.commit()

    with pytest.raises(agenda.AgendaError, match="Une décision est enregistrée"):
        act(session, comite, agenda.remove_item, item=item)


@pytest.mark.parametrize(
    ("name", "move", "expected"),
    [
        ("ZOE Test", {"direction": "up"}, ["LEFÈVRE Éloïse", "ZOE Test", "MARTIN Hugo"]),
        ("LEFÈVRE Éloïse", {"direction": "down"}, ["MARTIN Hugo", "LEFÈVRE Éloïse", "ZOE Test"]),
        ("LEFÈVRE Éloïse", {"direction": "up"}, ["LEFÈVRE Éloïse", "MARTIN Hugo", "ZOE Test"]),
        ("ZOE Test", {"direction": "down"}, ["LEFÈVRE Éloïse", "MARTIN Hugo", "ZOE Test"]),
        ("ZOE Test", {"position": 1}, ["ZOE Test", "LEFÈVRE Éloïse", "MARTIN Hugo"]),
        ("LEFÈVRE Éloïse", {"position": 99}, ["MARTIN Hugo", "ZOE Test", "LEFÈVRE Éloïse"]),
    ],
)
def test_moving_keeps_positions_one_to_n(session, comite: Comite, name, move, expected):
    lines = three_lines(session, comite)

    act(session, comite, agenda.move_item, item=lines[name], **move)

    assert positions(session, comite.committee) == list(enumerate(expected, start=1))


def test_publishing_shows_the_agenda_to_members(session, comite: Comite):
    world = comite.world
    propose(session, comite)

    act(session, comite, agenda.publish, now=NOW)

    committee = comite.committee
    assert committee.status is CommitteeStatus.PUBLISHED
    assert (committee.published_at, committee.published_by_id) == (NOW, world.pilot.id)
    [event] = events(session, AuditAction.AGENDA_PUBLISHED)
    assert event.detail == f"comité={committee.id}; lignes=2"
    with pytest.raises(agenda.AgendaError, match="déjà publié"):
        act(session, comite, agenda.publish, now=NOW)


def test_an_empty_agenda_may_be_published(session, comite: Comite):
    act(session, comite, agenda.publish, now=NOW)

    assert comite.committee.status is CommitteeStatus.PUBLISHED


def test_every_change_is_audited_with_ids(session, comite: Comite):
    lines = three_lines(session, comite)
    act(session, comite, agenda.move_item, item=lines["ZOE Test"], direction="up")
    act(session, comite, agenda.remove_item, item=lines["ZOE Test"])

    details = [e.detail or "" for e in events(session, AuditAction.AGENDA_CHANGED)]
    zoe = lines["ZOE Test"]
    assert [d.split("; ")[1].split(":")[0] for d in details] == [
        "proposé",
        "ajouté",
        "déplacé",
        "retiré",
    ]
    assert f"retiré: ligne={zoe.id}; jeune={zoe.youth_id}" in details[-1]


def test_a_locked_meeting_refuses_every_change(session, comite: Comite):
    lines = three_lines(session, comite)
    comite.committee.status = CommitteeStatus.VALIDATED
    session.commit()

    for change, values in [
        (agenda.propose_agenda, {"today": TODAY}),
        (agenda.add_item, {"youth": adult(session, comite.world, "Tard")}),
        (agenda.remove_item, {"item": lines["ZOE Test"]}),
        (agenda.move_item, {"item": lines["ZOE Test"], "direction": "up"}),
        (agenda.publish, {"now": NOW}),
    ]:
        with pytest.raises(CommitteeStateError, match="validé"):
            act(session, comite, change, **values)
        session.rollback()


def test_a_change_from_an_older_page_is_refused(session, comite: Comite):
    lines = three_lines(session, comite)
    seen = comite.committee.version
    act(session, comite, agenda.move_item, item=lines["ZOE Test"], direction="up")

    with pytest.raises(CommitteeVersionError):
        act(session, comite, agenda.remove_item, item=lines["ZOE Test"], expected_version=seen)
