"""Contacts (attempts and interviews) and notes: the services with the time passed in, and
who may use their pages (the pages themselves: test_contact_views)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from psad.errors import DomainError, PermissionDeniedError
from psad.followup import services
from psad.followup.models import Contact, Note, NoteKind, Party, Task, TaskRule
from psad.followup.services.contacts import ContactReplacedError
from psad.reference.models import ReferenceKind
from psad.youth.models import CaseStatus
from tests.factories import make_user, make_youth
from tests.followup.conftest import NOW, reference
from tests.helpers import count

LATER = NOW + timedelta(hours=25)


def contact_data(session, *, reached=False, at=NOW, outcome=None, comment=None):
    return services.ContactData(
        occurred_at=at,
        channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
        reached=reached,
        outcome=reference(session, ReferenceKind.CONTACT_OUTCOME, outcome) if outcome else None,
        party=Party.YOUTH,
        comment=comment,
    )


def record(session, world, *, user=None, case=None, reached=False, at=NOW):
    user = user or world.pilot
    return services.record_contact(
        session,
        case=case or world.adult_case,
        data=contact_data(session, reached=reached, at=at),
        by=user,
        actor=world.actor(user),
        now=at,
    )


def correct(session, world, original, *, user, now, may_correct_any=False, reached=True):
    return services.correct_contact(
        session,
        original=original,
        data=contact_data(session, reached=reached, at=original.occurred_at),
        by=user,
        may_correct_any=may_correct_any,
        actor=world.actor(user),
        now=now,
    )


def open_tasks_of_case(session, case, rule):
    """The open tasks of ``case`` for ``rule``, read afresh from the database."""
    session.expire_all()
    return list(
        session.scalars(
            select(Task).where(Task.case_id == case.id, Task.rule == rule, Task.done_at.is_(None))
        )
    )


# --- services -----------------------------------------------------------------------------


def test_a_failed_attempt_schedules_the_call_back_asked(session, world):
    services.record_contact(
        session,
        case=world.adult_case,
        data=contact_data(session),
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW,
        call_back_on=date(2026, 12, 14),
    )

    [task] = open_tasks_of_case(session, world.adult_case, TaskRule.CALL_BACK)
    assert task.due_on == date(2026, 12, 14)


def test_reaching_the_youth_closes_the_call_back(session, world):
    services.record_contact(
        session,
        case=world.adult_case,
        data=contact_data(session),
        by=world.pilot,
        actor=world.actor(world.pilot),
        now=NOW,
        call_back_on=date(2026, 12, 14),
    )

    record(session, world, reached=True, at=NOW + timedelta(hours=1))

    assert open_tasks_of_case(session, world.adult_case, TaskRule.CALL_BACK) == []


def test_the_third_failed_attempt_in_a_row_offers_to_close_as_unreachable(session, world):
    first = record(session, world, at=NOW - timedelta(days=2))
    second = record(session, world, at=NOW - timedelta(days=1))
    third = record(session, world)

    assert [r.offer_unreachable for r in (first, second, third)] == [False, False, True]
    assert third.failed_in_a_row == 3


def test_the_number_of_attempts_before_unreachable_is_the_psads(session, world):
    world.psad.unreachable_after = 2
    record(session, world, at=NOW - timedelta(days=1))

    result = record(session, world)

    assert result.offer_unreachable


def test_a_reached_contact_starts_the_count_again(session, world):
    record(session, world, at=NOW - timedelta(days=3))
    record(session, world, at=NOW - timedelta(days=2))
    record(session, world, reached=True, at=NOW - timedelta(days=1))

    result = record(session, world)

    assert (result.failed_in_a_row, result.offer_unreachable) == (1, False)


def test_no_contact_on_a_closed_case(session, world):
    world.adult_case.status = CaseStatus.CLOSED

    with pytest.raises(DomainError, match="clos"):
        record(session, world)


def test_no_contact_in_the_future(session, world):
    with pytest.raises(DomainError, match="futur"):
        services.record_contact(
            session,
            case=world.adult_case,
            data=contact_data(session, at=NOW + timedelta(hours=1)),
            by=world.pilot,
            actor=world.actor(world.pilot),
            now=NOW,
        )


def test_its_author_corrects_a_contact_within_24_hours(session, world):
    original = record(session, world, user=world.copilot).contact

    replacement = correct(
        session, world, original, user=world.copilot, now=NOW + timedelta(hours=23)
    )

    assert replacement.replaces_id == original.id
    assert count(session, Contact) == 2  # the original stays


def test_its_author_may_not_correct_a_contact_after_24_hours(session, world):
    original = record(session, world, user=world.copilot).contact

    with pytest.raises(PermissionDeniedError, match="24 heures"):
        correct(session, world, original, user=world.copilot, now=LATER)


def test_another_user_may_not_correct_a_recent_contact(session, world):
    original = record(session, world, user=world.copilot).contact

    with pytest.raises(PermissionDeniedError):
        correct(session, world, original, user=world.partner, now=NOW)


def test_the_pilote_corrects_a_contact_after_24_hours(session, world):
    original = record(session, world, user=world.copilot).contact

    replacement = correct(
        session, world, original, user=world.pilot, now=LATER, may_correct_any=True
    )

    assert replacement.replaces_id == original.id


def test_a_contact_is_replaced_once(session, world):
    original = record(session, world).contact
    correct(session, world, original, user=world.pilot, now=NOW)

    with pytest.raises(ContactReplacedError, match="déjà été corrigée"):
        correct(session, world, original, user=world.pilot, now=NOW)


def test_a_replaced_attempt_no_longer_counts_as_failed(session, world):
    record(session, world, at=NOW - timedelta(days=1))
    last = record(session, world).contact

    correct(session, world, last, user=world.pilot, now=NOW, reached=True)

    assert services.failed_attempts_in_a_row(session, world.adult_case) == 0


def test_a_note_keeps_its_author_and_time(session, world):
    note = services.add_note(
        session,
        case=world.adult_case,
        kind=NoteKind.DIAGNOSTIC,
        body="  Souhaite un CAP cuisine.  ",
        by=world.copilot,
        actor=world.actor(world.copilot),
        now=NOW,
    )

    assert (note.body, note.author_id, note.created_at) == (
        "Souhaite un CAP cuisine.",
        world.copilot.id,
        NOW,
    )


def test_an_empty_note_is_refused(session, world):
    with pytest.raises(DomainError, match="vide"):
        services.add_note(
            session,
            case=world.adult_case,
            kind=NoteKind.NOTE,
            body="   ",
            by=world.pilot,
            actor=world.actor(world.pilot),
            now=NOW,
        )


# --- who may ------------------------------------------------------------------------------

ROUTES = ["contacts/nouveau", "notes/nouvelle", "contacts/{contact}/corriger"]


@pytest.fixture
def matrix(session, world, frozen_clock):
    """A contact on the minor's case recorded by the partner (who may correct it), and an
    administrator."""
    other = make_youth(session, world.psad, last_name="Autre", first_name="Jeune")
    contact = record(session, world, user=world.partner, case=world.minor_case).contact
    admin = make_user(session, is_admin=True)
    session.commit()
    return other, contact, admin


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("who", "youth", "status"),
    [
        ("pilot", "minor", 200),
        ("copilot", "minor", 200),
        ("partner", "minor", 200),
        ("partner", "other", 404),
        ("reader", "minor", 403),
        ("admin", "minor", 403),
        (None, "minor", 302),
    ],
)
def test_role_matrix(client, world, matrix, route, who, youth, status):
    other, contact, admin = matrix
    target = world.minor if youth == "minor" else other
    users = {"admin": admin, "pilot": world.pilot, "copilot": world.copilot}
    users |= {"partner": world.partner, "reader": world.reader}
    if who is not None:
        client.sign_in(users[who])

    response = client.get(f"/jeunes/{target.id}/" + route.format(contact=contact.id))

    if route.endswith("corriger") and who == "copilot":
        status = 403  # not the author, not the pilote
    if route.endswith("corriger") and youth == "other" and who == "partner":
        status = 404
    assert response.status_code == status
    if status == 302:
        assert response.location.startswith("/connexion")


@pytest.mark.parametrize("route", ["contacts/nouveau", "notes/nouvelle"])
@pytest.mark.parametrize(
    ("who", "youth", "status"), [("reader", "minor", 403), ("partner", "other", 404)]
)
def test_refused_users_record_nothing(client, session, world, matrix, route, who, youth, status):
    other, _, _ = matrix
    target = world.minor if youth == "minor" else other
    client.sign_in(world.reader if who == "reader" else world.partner)

    response = client.submit(f"/jeunes/{target.id}/{route}", {"body": "Texte", "reached": "oui"})

    assert response.status_code == status
    assert count(session, Contact) == 1  # the matrix's own
    assert count(session, Note) == 0
