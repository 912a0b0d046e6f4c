"""An orientation's lifecycle after its proposal: every legal and illegal step, the reasons and
dates each needs, the audit, version conflicts, news and the task asking for it, and the
solution a closing « solution trouvée » offers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from psad.audit.actions import AuditAction
from psad.followup.models import Task, TaskRule
from psad.orientations import services
from psad.orientations.models import (
    TRANSITIONS,
    NewsKind,
    OrientationStatus,
    RefusedBy,
)
from tests.followup.conftest import NOW, TODAY
from tests.helpers import events
from tests.orientations.conftest import make_orientation
from tests.orientations.steps import change, needed

Status = OrientationStatus
PAIRS = [(before, after) for before in Status for after in Status]
LEGAL = [pair for pair in PAIRS if pair[1] in TRANSITIONS[pair[0]]]
ILLEGAL = [pair for pair in PAIRS if pair[1] not in TRANSITIONS[pair[0]]]


# --- the lifecycle ---------------------------------------------------------------------------


@pytest.mark.parametrize(("before", "after"), LEGAL, ids=[f"{a}-{b}" for a, b in LEGAL])
def test_every_legal_step_is_recorded(session, offer, before, after):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, site=offer.e2c_site, status=before
    )

    change(session, offer, orientation, after, **needed(after))

    assert orientation.status is after
    assert orientation.steps[-1].status is after
    assert orientation.steps[-1].author_id == offer.world.pilot.id


@pytest.mark.parametrize(("before", "after"), ILLEGAL, ids=[f"{a}-{b}" for a, b in ILLEGAL])
def test_every_illegal_step_is_refused_naming_both_states(session, offer, before, after):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, site=offer.e2c_site, status=before
    )

    with pytest.raises(services.IllegalTransitionError) as refused:
        change(session, offer, orientation, after, **needed(after))

    assert refused.value.status_code == 409
    message = refused.value.message
    assert before.label.lower() in message
    assert before is after or services.BECOMES[after] in message
    assert orientation.status is before


def test_the_illegal_message_reads_as_a_sentence(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.REFUSED
    )

    with pytest.raises(services.IllegalTransitionError) as refused:
        change(session, offer, orientation, Status.STARTED)

    assert refused.value.message == (
        "Une orientation refusée ne peut pas être commencée. "
        "Elle est close : plus aucune étape n'est possible."
    )


def test_the_illegal_message_says_what_is_possible(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    with pytest.raises(services.IllegalTransitionError) as refused:
        change(session, offer, orientation, Status.COMPLETED)

    assert refused.value.message == (
        "Une orientation proposée ne peut pas être terminée. "
        "Elle peut être acceptée, refusée ou annulée."
    )


@pytest.mark.parametrize(
    ("to", "values", "message"),
    [
        (Status.REFUSED, {"reason": "Pas intéressé."}, "Dites qui refuse"),
        (Status.REFUSED, {"refused_by": RefusedBy.STRUCTURE}, "pourquoi l'orientation est refusée"),
        (Status.REFUSED, {"refused_by": RefusedBy.YOUTH, "reason": "  "}, "est refusée"),
        (Status.CANCELLED, {}, "pourquoi l'orientation est annulée"),
    ],
)
def test_refusing_and_cancelling_need_a_reason(session, offer, to, values, message):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    with pytest.raises(services.OrientationInputError, match=message) as refused:
        change(session, offer, orientation, to, **values)

    assert refused.value.status_code == 422
    assert orientation.status is Status.PROPOSED


def test_abandoning_needs_a_reason(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.STARTED
    )

    with pytest.raises(services.OrientationInputError, match="pourquoi le jeune a abandonné"):
        change(session, offer, orientation, Status.ABANDONED)


def test_a_refusal_keeps_who_refused_why_and_when(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    change(
        session,
        offer,
        orientation,
        Status.REFUSED,
        refused_by=RefusedBy.STRUCTURE,
        reason="Plus de session avant mars.",
    )

    assert (orientation.refused_by, orientation.reason, orientation.refused_on) == (
        RefusedBy.STRUCTURE,
        "Plus de session avant mars.",
        TODAY,
    )
    assert orientation.steps[-1].comment == "Plus de session avant mars."


@pytest.mark.parametrize(
    ("to", "attribute"),
    [
        (Status.ACCEPTED, "accepted_on"),
        (Status.CANCELLED, "cancelled_on"),
    ],
)
def test_each_step_dates_itself(session, offer, to, attribute):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c, on=date(2026, 12, 1))

    change(session, offer, orientation, to, on=date(2026, 12, 3), **needed(to))

    assert getattr(orientation, attribute) == date(2026, 12, 3)
    assert orientation.last_news_on == date(2026, 12, 3)


@pytest.mark.parametrize("to", [Status.COMPLETED, Status.ABANDONED])
def test_an_end_dates_it_ended(session, offer, to):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.STARTED, on=date(2026, 11, 2)
    )

    change(session, offer, orientation, to, on=date(2026, 12, 4), **needed(to))

    assert orientation.ended_on == date(2026, 12, 4)


def test_a_step_cannot_be_dated_in_the_future(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    with pytest.raises(services.OrientationInputError, match="dans le futur") as refused:
        change(session, offer, orientation, Status.ACCEPTED, on=TODAY + timedelta(days=1))

    assert refused.value.field == "on"


def test_a_step_cannot_precede_the_proposal(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    with pytest.raises(services.OrientationInputError, match=r"Proposée le 07/12/2026"):
        change(session, offer, orientation, Status.ACCEPTED, on=TODAY - timedelta(days=1))


def test_starting_cannot_precede_the_acceptance(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.ACCEPTED, on=date(2026, 12, 3)
    )

    with pytest.raises(services.OrientationInputError, match=r"Acceptée le 03/12/2026"):
        change(session, offer, orientation, Status.STARTED, on=date(2026, 12, 2))


def test_an_orientation_to_a_retired_dispositif_still_moves_on(session, offer):
    """A retired entry is no more proposed; those already oriented to it go to their end."""
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c, site=offer.e2c_site)
    offer.e2c.retired_on = TODAY

    change(session, offer, orientation, Status.ACCEPTED)
    change(session, offer, orientation, Status.STARTED)

    assert orientation.status is Status.STARTED and orientation.programme.code == "E2C"


def test_every_step_is_audited_from_and_to(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    change(session, offer, orientation, Status.ACCEPTED)
    session.commit()

    [event] = events(session, AuditAction.ORIENTATION_CHANGED.value)
    assert event.object_id == offer.world.adult.id
    assert f"orientation={orientation.id}" in event.detail
    assert "de=proposed; vers=accepted" in event.detail


# --- versions, news --------------------------------------------------------------------------


def test_a_step_made_on_an_older_version_is_refused(session, offer):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)
    seen = orientation.version
    change(session, offer, orientation, Status.ACCEPTED)
    session.flush()

    with pytest.raises(services.OrientationVersionError, match="modifiée entre-temps") as refused:
        change(session, offer, orientation, Status.STARTED, expected_version=seen)

    assert refused.value.status_code == 409
    assert orientation.status is Status.ACCEPTED


def news(session, offer, orientation, **values):  # type: ignore[no-untyped-def]
    world = offer.world
    arguments = {
        "orientation": orientation,
        "on": TODAY,
        "by": world.copilot,
        "actor": world.actor(world.copilot),
        "comment": "Assidu, stage en entreprise trouvé.",
        "today": TODAY,
        "now": NOW,
        **values,
    }
    return services.record_news(session, **arguments)


def test_news_is_a_step_that_resets_the_last_news(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.STARTED, on=date(2026, 10, 1)
    )

    step = news(session, offer, orientation)
    session.commit()

    assert (step.kind, step.status, step.comment) == (
        NewsKind.NEWS,
        Status.STARTED,
        "Assidu, stage en entreprise trouvé.",
    )
    assert orientation.last_news_on == TODAY and orientation.status is Status.STARTED
    assert len(events(session, AuditAction.ORIENTATION_NEWS.value)) == 1


def test_news_needs_words(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.STARTED
    )

    with pytest.raises(services.OrientationInputError, match="quelles sont les nouvelles"):
        news(session, offer, orientation, comment=" ")


def test_news_of_an_ended_orientation_is_refused(session, offer):
    orientation = make_orientation(
        session, offer.world.adult_case, offer.e2c, status=Status.COMPLETED
    )

    with pytest.raises(services.IllegalTransitionError, match="terminée"):
        news(session, offer, orientation)


def stalled_task(session, case, orientation) -> Task:  # type: ignore[no-untyped-def]
    task = Task(
        case=case,
        title="Prendre des nouvelles de l'orientation : E2C",
        due_on=TODAY,
        rule=TaskRule.ORIENTATION_STALLED,
        fact_id=orientation.id,
    )
    session.add(task)
    session.flush()
    return task


@pytest.mark.parametrize(
    "act",
    [
        lambda session, offer, o: news(session, offer, o),
        lambda session, offer, o: change(session, offer, o, Status.COMPLETED),
        lambda session, offer, o: change(session, offer, o, Status.ABANDONED, reason="Parti."),
    ],
    ids=["news", "completed", "abandoned"],
)
def test_news_or_an_end_closes_the_task_asking_for_news(session, offer, act):
    case = offer.world.adult_case
    orientation = make_orientation(session, case, offer.e2c, status=Status.STARTED)
    other = make_orientation(session, case, offer.micro_lycee, status=Status.STARTED)
    task, others = stalled_task(session, case, orientation), stalled_task(session, case, other)

    act(session, offer, orientation)

    assert task.done_at == NOW
    assert others.done_at is None  # the other orientation still has no news


# --- the solution a closing offers -----------------------------------------------------------


def test_the_started_orientation_is_the_solution_offered(session, offer):
    case = offer.world.adult_case
    make_orientation(session, case, offer.micro_lycee, status=Status.COMPLETED)
    started = make_orientation(session, case, offer.e2c, status=Status.STARTED)
    make_orientation(session, case, offer.e2c, status=Status.PROPOSED)

    assert services.started_orientation(session, case) is started


def test_else_the_completed_one(session, offer):
    case = offer.world.adult_case
    completed = make_orientation(session, case, offer.micro_lycee, status=Status.COMPLETED)
    make_orientation(session, case, offer.e2c, status=Status.REFUSED)

    assert services.started_orientation(session, case) is completed


def test_no_solution_offered_without_a_started_orientation(session, offer):
    make_orientation(session, offer.world.adult_case, offer.e2c, status=Status.ACCEPTED)

    assert services.started_orientation(session, offer.world.adult_case) is None


def test_without_today_the_clock_says_what_is_the_future(session, offer, frozen_clock):
    orientation = make_orientation(session, offer.world.adult_case, offer.e2c)

    with pytest.raises(services.OrientationInputError, match=r"aujourd'hui : 07/12/2026"):
        services.change_status(
            session,
            orientation=orientation,
            to=Status.ACCEPTED,
            on=TODAY + timedelta(days=1),
            by=offer.world.pilot,
            actor=offer.world.actor(offer.world.pilot),
        )
