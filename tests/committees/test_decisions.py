"""A comité's decision creates what it implies in the same transaction: the orientation
(proposed, linked to the decision), the task for who acts, the referent, the closing. One
decision per line: a second one is refused with the first shown, nothing overwritten.

``publish`` and ``decide`` are shared with the other tests of the meeting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services import decisions
from psad.committees.services.decisions import (
    NEEDS_DUE,
    NEEDS_PROGRAMME,
    NEEDS_REASON,
    NEEDS_REFERENT,
    NEEDS_WHO,
    DecisionCaseClosedError,
    DecisionExistsError,
    DecisionInputError,
    DecisionRaceError,
    record_decision,
)
from psad.committees.services.state import CommitteeStateError
from psad.followup.models import Task, TaskRule
from psad.orientations.models import Orientation, OrientationStatus
from psad.orientations.services import SiteFullError
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStatus, Youth
from tests.committees.conftest import Comite, comite, make_orientation
from tests.followup.conftest import NOW, TODAY, reference
from tests.followup.helpers import close, stored_case
from tests.helpers import count, events

__all__ = ["comite"]

DUE = date(2026, 12, 22)


def publish(
    session: Session, comite: Comite, *youths: Youth, committee: Committee | None = None
) -> list[AgendaItem]:
    """Put ``youths`` on the comité's agenda (positions 1..n, « sans solution ») and publish
    it; committed."""
    committee = committee or comite.committee
    committee.status = CommitteeStatus.PUBLISHED
    items = [
        AgendaItem(
            committee=committee,
            youth=youth,
            position=position,
            reasons=AgendaReason.NO_SOLUTION.value,
            detail="Sans solution depuis 10 semaines",
        )
        for position, youth in enumerate(youths, 1)
    ]
    session.add_all(items)
    session.commit()
    return items


def decide(
    session: Session, comite: Comite, item: AgendaItem, kind: DecisionKind, **values: Any
) -> Decision:
    """Record a decision through the service as the pilote (flushed, not committed)."""
    world = comite.world
    by = values.pop("by", world.pilot)
    arguments: dict[str, Any] = {
        "programme": None,
        "site": None,
        "closing_reason": None,
        "acting_structure": None,
        "acting_user": None,
        "due_on": None,
        "comment": None,
        "today": TODAY,
        "now": NOW,
        **values,
    }
    return record_decision(session, item=item, kind=kind, by=by, actor=world.actor(by), **arguments)


def decision_tasks(session: Session, decision: Decision) -> list[Task]:
    session.expire_all()
    return list(
        session.scalars(
            select(Task).where(
                Task.rule == TaskRule.COMMITTEE_DECISION, Task.fact_id == decision.id
            )
        )
    )


def test_an_orientation_is_proposed_linked_to_the_decision_with_its_task(session, comite):
    offer, world = comite.offer, comite.world
    [item] = publish(session, comite, world.adult)

    decision = decide(
        session, comite, item, DecisionKind.ORIENTATION, programme=offer.e2c,
        site=offer.e2c_site, acting_structure=offer.e2c_structure, due_on=DUE,
        comment="Visite de l'E2C avec la mission locale",
    )  # fmt: skip
    session.commit()

    [orientation] = session.scalars(
        select(Orientation).where(Orientation.youth_id == world.adult.id)
    )
    assert (orientation.decision_id, orientation.status) == (
        decision.id,
        OrientationStatus.PROPOSED,
    )
    assert (orientation.programme_id, orientation.site_id) == (offer.e2c.id, offer.e2c_site.id)
    assert orientation.case_id == world.adult_case.id
    [task] = decision_tasks(session, decision)
    assert task.title == (
        "Décision du comité du 08/12/2026 : Orientation proposée · "
        "École de la deuxième chance (E2C) · E2C Lille Métropole (Roubaix)"
    )
    assert (task.assignee_structure_id, task.due_on) == (offer.e2c_structure.id, DUE)
    [event] = events(session, "committee.decision")
    assert event.object_id == world.adult.id
    assert f"décision={decision.id}; type=orientation; orientation={orientation.id}" in (
        event.detail or ""
    )


def test_a_referent_assigned_changes_the_case_without_a_task(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)

    decision = decide(
        session, comite, item, DecisionKind.REFERENT, acting_structure=world.mission,
        acting_user=world.copilot, due_on=DUE,
    )  # fmt: skip
    session.commit()

    case = stored_case(session, world.adult_case.id)
    assert (case.referent_structure_id, case.referent_user_id) == (
        world.mission.id,
        world.copilot.id,
    )
    assert decision_tasks(session, decision) == []


def test_a_contact_to_make_is_a_task_for_who_acts(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.minor)

    decision = decide(
        session, comite, item, DecisionKind.CONTACT, acting_user=world.partner, due_on=DUE
    )
    session.commit()

    [task] = decision_tasks(session, decision)
    assert task.title == "Décision du comité du 08/12/2026 : Contact à prendre"
    assert (task.assignee_user_id, task.due_on, task.case_id) == (
        world.partner.id,
        DUE,
        world.minor_case.id,
    )
    assert task.done_at is None


def test_a_close_closes_the_case_with_the_reason(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    reason = reference(session, ReferenceKind.CLOSING_REASON, "unreachable")

    decision = decide(session, comite, item, DecisionKind.CLOSE, closing_reason=reason)
    session.commit()

    case = stored_case(session, world.adult_case.id)
    assert case.status is CaseStatus.CLOSED
    assert (case.closing_reason_id, case.closed_on) == (reason.id, TODAY)
    assert decision.case_id == case.id
    assert decision_tasks(session, decision) == []


def test_keep_watching_makes_a_task_only_with_who_acts_and_a_due_date(session, comite):
    world = comite.world
    first, second = publish(session, comite, world.minor, world.adult)

    without = decide(session, comite, first, DecisionKind.WATCH, acting_structure=world.school)
    with_task = decide(
        session, comite, second, DecisionKind.WATCH, acting_structure=world.mission, due_on=DUE
    )
    session.commit()

    assert decision_tasks(session, without) == []
    [task] = decision_tasks(session, with_task)
    assert task.assignee_structure_id == world.mission.id


def test_adjourned_creates_nothing_else(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)

    decide(session, comite, item, DecisionKind.ADJOURNED, comment="Dossier incomplet")
    session.commit()

    assert count(session, Orientation) == 0
    assert count(session, Task) == 0
    assert stored_case(session, world.adult_case.id).is_open


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        (DecisionKind.ORIENTATION, {}, "choice", NEEDS_PROGRAMME),
        (DecisionKind.REFERENT, {}, "acting_structure", NEEDS_REFERENT),
        (DecisionKind.CONTACT, {"due_on": DUE}, "acting_structure", NEEDS_WHO),
        (DecisionKind.CLOSE, {}, "closing_reason", NEEDS_REASON),
    ],
)
def test_a_decision_without_what_its_kind_needs_is_refused(
    session, comite, kind, values, field, message
):
    [item] = publish(session, comite, comite.world.adult)

    with pytest.raises(DecisionInputError) as refused:
        decide(session, comite, item, kind, **values)

    assert (refused.value.field, refused.value.message) == (field, message)
    session.rollback()
    assert count(session, Decision) == 0


def test_a_contact_needs_a_due_date(session, comite):
    [item] = publish(session, comite, comite.world.adult)

    with pytest.raises(DecisionInputError) as refused:
        decide(session, comite, item, DecisionKind.CONTACT, acting_user=comite.world.copilot)

    assert (refused.value.field, refused.value.message) == ("due_on", NEEDS_DUE)


def test_a_closing_reason_with_its_own_procedure_is_refused(session, comite):
    [item] = publish(session, comite, comite.world.adult)
    found = reference(session, ReferenceKind.CLOSING_REASON, "solution_found")

    with pytest.raises(DecisionInputError) as refused:
        decide(session, comite, item, DecisionKind.CLOSE, closing_reason=found)

    assert refused.value.field == "closing_reason"


def test_a_second_decision_on_the_line_is_refused_and_the_first_kept(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    first = decide(
        session, comite, item, DecisionKind.CONTACT, acting_user=world.copilot, due_on=DUE,
        by=world.copilot,
    )  # fmt: skip
    session.commit()

    with pytest.raises(DecisionExistsError) as refused:
        decide(session, comite, item, DecisionKind.ADJOURNED)

    assert refused.value.message == (
        "Karim Benali a déjà enregistré la décision de ce jeune à 10 h 00 : Contact à prendre. "
        "Rien n'a été modifié ; la voici."
    )
    session.rollback()
    [stored] = session.scalars(select(Decision))
    assert (stored.id, stored.kind) == (first.id, DecisionKind.CONTACT)
    assert count(session, Task) == 1


def test_a_decision_saved_at_the_same_instant_is_refused_by_the_database(
    session, comite, monkeypatch
):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    decide(session, comite, item, DecisionKind.WATCH, by=world.copilot)
    session.commit()
    # the check before the insert saw nothing: the other decision was not committed yet
    monkeypatch.setattr(decisions, "existing_decision", lambda session, item_id: None)

    with pytest.raises(DecisionRaceError):
        decide(session, comite, item, DecisionKind.ADJOURNED)

    session.rollback()
    [stored] = session.scalars(select(Decision))
    assert stored.kind is DecisionKind.WATCH


def test_a_full_site_needs_the_confirmation(session, comite):
    offer, world = comite.offer, comite.world
    make_orientation(  # the micro-lycée's only place is taken
        session, world.minor_case, offer.micro_lycee, site=offer.micro_site,
        status=OrientationStatus.ACCEPTED,
    )  # fmt: skip
    [item] = publish(session, comite, world.adult)
    orient = {"programme": offer.micro_lycee, "site": offer.micro_site}

    with pytest.raises(SiteFullError):
        decide(session, comite, item, DecisionKind.ORIENTATION, **orient)
    session.rollback()
    assert count(session, Decision) == 0  # nothing of the refused decision stays

    item = session.get(AgendaItem, item.id)
    decision = decide(session, comite, item, DecisionKind.ORIENTATION, confirm_full=True, **orient)
    session.commit()
    orientation = session.scalar(select(Orientation).where(Orientation.decision_id == decision.id))
    assert orientation is not None and orientation.over_capacity


def test_a_case_closed_meanwhile_is_refused(session, comite):
    world = comite.world
    [item] = publish(session, comite, world.adult)
    close(session, world, world.adult_case, "refused")
    session.commit()

    with pytest.raises(DecisionCaseClosedError) as refused:
        decide(session, comite, item, DecisionKind.ADJOURNED)

    assert refused.value.status_code == 409
    assert "clos entre-temps" in refused.value.message


@pytest.mark.parametrize("status", [CommitteeStatus.DRAFT, CommitteeStatus.VALIDATED])
def test_a_meeting_not_held_takes_no_decision(session, comite, status):
    [item] = publish(session, comite, comite.world.adult)
    comite.committee.status = status
    session.commit()

    with pytest.raises(CommitteeStateError):
        decide(session, comite, item, DecisionKind.ADJOURNED)
