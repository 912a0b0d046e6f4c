"""The reminders send no more SQL statements for more rows: the notifications page (more
notifications, of more PSADs), the administrators' e-mail page (more failures), what is due
(more PSADs, each with thresholds, members, tasks and a comité of its own); and the header's
counter of unread notifications is one statement per page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Psad, Role, User
from psad.committees.models import AgendaItem, Committee, CommitteeKind
from psad.followup.models import TaskRule
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.reminders.models import Notification, ReminderKind, ReminderRules
from tests.factories import make_psad, make_structure, make_user, make_youth
from tests.followup.conftest import TODAY, World
from tests.reminders.conftest import due, task
from tests.test_query_counts import most_repeated, statements

MONDAY = date(2025, 12, 1)
KINDS = list(ReminderKind)


def notify(session: Session, user: User, psads: list[Psad], start: int, number: int) -> None:
    """``number`` more notifications of ``user``, a kind each over several days, in turn in
    each of ``psads``."""
    for n in range(start, start + number):
        session.add(
            Notification(
                user_id=user.id,
                psad_id=psads[n % len(psads)].id,
                day=MONDAY - timedelta(days=n // len(KINDS)),
                kind=KINDS[n % len(KINDS)],
                count=n + 1,
                text=f"{n + 1} tâches en retard",
                link="/taches",
                read_at=None if n % 2 else datetime(2025, 12, 1, 9, tzinfo=UTC),
            )
        )
    session.commit()


def join(session: Session, user: User, number: int) -> list[Psad]:
    """``number`` more PSADs the user is co-pilote of; all the user's PSADs."""
    for _ in range(number):
        user.memberships.append(Membership(psad=make_psad(session), role=Role.COPILOT))
    session.commit()
    return [membership.psad for membership in user.memberships]


def sent_by(app, client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    client.get(url)  # what a first request alone does (caches) is not counted
    with statements(app) as sent:
        response = client.get(url)
    assert response.status_code == 200, url
    return sent


def test_the_notifications_page_sends_as_many_statements_for_more_rows(
    app, client, session, pilot, psad
):
    notify(session, pilot, join(session, pilot, 1), 0, 4)
    client.sign_in(pilot)
    few = sent_by(app, client, "/notifications")

    notify(session, pilot, join(session, pilot, 4), 4, 40)
    many = sent_by(app, client, "/notifications")

    assert len(many) <= len(few), (
        f"/notifications sends {len(few)} statements, then {len(many)} for ten times the "
        f"notifications and more PSADs; most repeated: {most_repeated(many)}"
    )


def unread_counts(sent: list[str]) -> list[str]:
    return [s for s in sent if "count(" in s.lower() and "read_at IS NULL" in s]


@pytest.mark.parametrize("url", ["/", "/taches", "/jeunes", "/notifications", "/compte/rappels"])
def test_the_header_counts_the_unread_once_per_page(app, client, session, pilot, psad, url):
    notify(session, pilot, [psad], 0, 3)
    client.sign_in(pilot)

    sent = sent_by(app, client, url)

    assert len(unread_counts(sent)) == 1, unread_counts(sent)


def fail(session: Session, start: int, number: int) -> None:
    for n in range(start, start + number):
        session.add(
            OutboxMessage(
                key=f"digest:{n}:2026-12-07",
                purpose=OutboxPurpose.DIGEST,
                recipient=f"u{n}@psad.example",
                subject="Vos rappels",
                body_text="1 tâche en retard",
                state=OutboxState.FAILED if n % 2 else OutboxState.QUEUED,
                attempts=3,
                created_at=datetime(2026, 12, 7, 6, tzinfo=UTC),
                next_attempt_at=datetime(2026, 12, 7, 7, tzinfo=UTC),
                last_error="Refusé par le serveur : 550 unknown user",
            )
        )
    session.commit()


def test_the_email_page_sends_as_many_statements_for_more_failures(app, client, session, admin):
    fail(session, 0, 4)
    client.sign_in(admin)
    few = sent_by(app, client, "/admin/courriels")

    fail(session, 4, 36)
    many = sent_by(app, client, "/admin/courriels")

    assert len(many) <= len(few), most_repeated(many)


# --- what is due, for more PSADs ---------------------------------------------------------------


def another_psad(session: Session, world: World, number: int) -> None:
    """A PSAD with thresholds and initials of its own, a pilote, a partner of its school, two
    youth without contact (one followed by the school), tasks of every rule and a comité in
    two days with the school invited."""
    psad = make_psad(session, name=f"PSAD {number:02d}")
    school = make_structure(session, psad)
    pilot = make_user(session, psad=psad, role=Role.PILOT)
    make_user(session, psad=psad, role=Role.PARTNER, structure=school)
    session.add(ReminderRules(psad_id=psad.id, no_contact_days=20 + number, digest_initials=True))
    young = [
        make_youth(session, psad, referent_structure=school, birth_date=date(2004, 1, 1)),
        make_youth(session, psad, birth_date=date(2008, 12, 20)),
    ]
    for n, one in enumerate(young):
        for rule in TaskRule:
            task(session, world, one, rule=rule, due_on=TODAY - timedelta(days=n),
                 user=pilot if n else None)  # fmt: skip
    committee = Committee(psad=psad, kind=CommitteeKind.TECHNICAL, invited=[school],
                          starts_at=datetime(2026, 12, 9, 13, tzinfo=UTC),
                          created_by_id=pilot.id)  # fmt: skip
    session.add(committee)
    session.flush()
    session.add(AgendaItem(committee_id=committee.id, youth_id=young[0].id, position=1,
                           reasons="added"))  # fmt: skip
    session.commit()


def test_due_items_sends_as_many_statements_for_more_psads(app, session, world):
    another_psad(session, world, 1)
    with statements(app) as few:
        few_found = due(session)

    for number in range(2, 8):
        another_psad(session, world, number)
    with statements(app) as many:
        many_found = due(session)

    assert len({d.psad_id for d in many_found}) >= 7 > len({d.psad_id for d in few_found})
    assert len(many) <= len(few), (
        f"due_items sends {len(few)} statements, then {len(many)} for more PSADs; "
        f"most repeated: {most_repeated(many)}"
    )
