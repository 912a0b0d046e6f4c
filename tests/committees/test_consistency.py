"""A decision and what it creates are one transaction: an error after the orientation or the
closing was written leaves nothing of the decision. The meeting moves on with each decision
and attendance, so that minutes read before are not validated unseen; and a decision or an
attendance on a meeting validated meanwhile is refused (the services read the meeting again,
holding its row)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.committees.models import Committee, CommitteeStatus, Decision, DecisionKind
from psad.committees.services import decisions
from psad.committees.services.attendance import Guest, record_attendance
from psad.committees.services.state import LOCKED, CommitteeStateError
from psad.followup.models import Task, TaskRule
from psad.orientations.models import Orientation
from psad.youth.models import Case, CaseStatus
from tests.committees.conftest import Comite, comite, frozen_clock
from tests.committees.test_decisions import DUE, decide, publish
from tests.helpers import count, events, text

__all__ = ["comite", "frozen_clock"]


@pytest.fixture
def pilot(client, comite: Comite, frozen_clock: None):  # type: ignore[no-untyped-def]
    client.sign_in(comite.world.pilot)
    return client


def seance(comite: Comite, n: int = 1) -> str:
    return f"/comites/{comite.committee.id}/seance/{n}"


def nothing_of_a_decision(session: Session) -> None:
    assert count(session, Decision) == 0
    assert count(session, Orientation) == 0
    assert count(session, Task, Task.rule == TaskRule.COMMITTEE_DECISION) == 0
    assert events(session, AuditAction.DECISION_RECORDED) == []
    assert events(session, AuditAction.ORIENTATION_PROPOSED) == []


# --- one transaction --------------------------------------------------------------------------


def test_an_error_after_the_orientation_is_created_leaves_nothing(
    pilot, session, comite: Comite, monkeypatch
):
    """The task is made last: its failure takes the orientation and the decision with it."""
    world, offer = comite.world, comite.offer
    publish(session, comite, world.adult)
    made: list[int] = []

    def failing_task(request_session: Session, **kwargs: Any) -> None:
        made.extend(request_session.scalars(select(Orientation.id)))  # flushed, not committed
        raise decisions.DecisionInputError("La tâche n'a pas pu être créée.")

    monkeypatch.setattr(decisions.followup, "add_task", failing_task)

    response = pilot.submit(
        seance(comite),
        {
            "kind": "orientation", "choice": f"{offer.e2c.id}:{offer.e2c_site.id}",
            "acting_structure": str(world.mission.id), "due_on": "22/12/2026",
        },
    )  # fmt: skip

    assert response.status_code == 422
    assert "La tâche n'a pas pu être créée." in text(response)
    assert len(made) == 1  # the orientation was written when the task failed...
    nothing_of_a_decision(session)  # ...and went with the rest


def test_a_close_on_a_case_changed_meanwhile_is_undone_whole(
    pilot, session, comite: Comite, monkeypatch
):
    """Another member closes the case while the comité decides to close it: the comité's
    closing fails on the case's version, and its decision goes with it."""
    world = comite.world
    publish(session, comite, world.adult)
    close_case = decisions.followup.close_case

    def closed_meanwhile(session: Session, *, case: Case, **kwargs: Any) -> None:
        session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(status=CaseStatus.CLOSED, version=Case.version + 1)
            .execution_options(synchronize_session=False)
        )
        close_case(session, case=case, **kwargs)

    monkeypatch.setattr(decisions.followup, "close_case", closed_meanwhile)

    response = pilot.submit(seance(comite), {"kind": "close", "closing_reason": "refused"})

    assert response.status_code == 409
    assert "modifié" in text(response)
    nothing_of_a_decision(session)
    assert events(session, AuditAction.CASE_CLOSED) == []


# --- the meeting moves on ---------------------------------------------------------------------


def test_minutes_read_before_a_decision_are_not_validated(pilot, session, comite: Comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    read = comite.committee.version  # the pilote opens the minutes...
    decide(session, comite, item, DecisionKind.WATCH, by=world.copilot)  # ...the co-pilote decides
    session.commit()

    response = pilot.submit(f"/comites/{comite.committee.id}/valider", {"version": str(read)})

    assert response.status_code == 409
    assert "relisez-le" in text(response)
    session.expire_all()
    assert comite.committee.status is CommitteeStatus.PUBLISHED


def test_minutes_read_before_the_attendance_are_not_validated(pilot, session, comite: Comite):
    world = comite.world
    publish(session, comite, world.adult)
    read = comite.committee.version
    record_attendance(
        session, committee=comite.committee, present=[world.copilot.id],
        guests=[Guest("Jean Dupont", None)], actor=world.actor(world.copilot),
    )  # fmt: skip
    session.commit()

    response = pilot.submit(f"/comites/{comite.committee.id}/valider", {"version": str(read)})

    assert response.status_code == 409
    session.expire_all()
    assert comite.committee.status is CommitteeStatus.PUBLISHED


def validated_meanwhile(session: Session, committee: Committee) -> None:
    """Another member's validation, committed while this one's meeting was already read."""
    session.execute(
        update(Committee)
        .where(Committee.id == committee.id)
        .values(status=CommitteeStatus.VALIDATED, version=Committee.version + 1)
        .execution_options(synchronize_session=False)
    )
    assert committee.status is CommitteeStatus.PUBLISHED  # as this one read it


def test_a_decision_on_a_meeting_validated_meanwhile_is_refused(session, comite: Comite):
    [item] = publish(session, comite, comite.world.adult)
    validated_meanwhile(session, comite.committee)

    with pytest.raises(CommitteeStateError) as refused:
        decide(session, comite, item, DecisionKind.WATCH, acting_user=comite.world.copilot)

    assert refused.value.message == LOCKED
    assert count(session, Decision) == 0


def test_an_attendance_on_a_meeting_validated_meanwhile_is_refused(session, comite: Comite):
    world = comite.world
    publish(session, comite, world.adult)
    validated_meanwhile(session, comite.committee)

    with pytest.raises(CommitteeStateError):
        record_attendance(
            session, committee=comite.committee, present=[world.pilot.id], guests=[],
            actor=world.actor(world.pilot),
        )  # fmt: skip


def test_a_decision_with_its_task_moves_the_meeting_on_once(session, comite: Comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    before = comite.committee.version

    decide(session, comite, item, DecisionKind.CONTACT, acting_structure=world.mission, due_on=DUE)
    session.commit()

    session.expire_all()
    assert comite.committee.version == before + 1
