"""The audit log: what one event holds, how the log is filtered, and that nobody changes it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from psad import clock
from psad.audit.actions import AuditAction
from psad.audit.models import AuditEvent, AuditLogIsAppendOnly
from psad.audit.services import Actor, AuditFilter, events_query, record
from tests.factories import make_psad, make_user


def test_event_records_who_what_which_record_and_from_where(session):
    psad = make_psad(session)
    user = make_user(session)
    actor = Actor(user_id=user.id, psad_id=psad.id, ip_address="192.0.2.10")

    record(session, actor, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=42)
    session.flush()

    event = session.scalars(select(AuditEvent)).one()
    assert (event.user_id, event.psad_id, event.ip_address) == (user.id, psad.id, "192.0.2.10")
    assert (event.action, event.object_type, event.object_id) == ("youth.viewed", "youth", 42)


def test_event_is_dated_in_utc(session):
    before = clock.now()

    record(session, Actor(None, None), AuditAction.LOGOUT)
    session.flush()

    occurred_at = session.scalars(select(AuditEvent.occurred_at)).one()
    assert occurred_at.tzinfo is not None
    assert before <= occurred_at <= clock.now()


def test_explicit_psad_wins_over_the_actor_psad(session):
    mine, other = make_psad(session), make_psad(session)

    record(session, Actor(None, mine.id), AuditAction.PSAD_CREATED, psad_id=other.id)
    session.flush()

    assert session.scalars(select(AuditEvent.psad_id)).one() == other.id


def test_long_detail_is_cut_to_the_column_size(session):
    record(session, Actor(None, None), AuditAction.IMPORT_APPLIED, detail="x" * 5000)
    session.flush()

    assert len(session.scalars(select(AuditEvent.detail)).one() or "") == 2000


# --- append only --------------------------------------------------------------------------


@pytest.fixture
def stored_event(session) -> AuditEvent:
    event = record(session, Actor(None, None), AuditAction.LOGOUT, detail="original")
    session.commit()
    return event


def test_an_event_cannot_be_edited(session, stored_event):
    stored_event.detail = "falsifié"

    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()


def test_an_event_cannot_be_deleted(session, stored_event):
    session.delete(stored_event)

    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()


def test_a_bulk_update_of_events_is_refused(session, stored_event):
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(update(AuditEvent).values(detail="falsifié"))


def test_a_bulk_delete_of_events_is_refused(session, stored_event):
    with pytest.raises(AuditLogIsAppendOnly):
        session.execute(delete(AuditEvent))


def test_refused_edit_leaves_the_event_as_it_was(session, stored_event):
    stored_event.detail = "falsifié"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()

    assert session.scalars(select(AuditEvent.detail)).one() == "original"


# --- filters ------------------------------------------------------------------------------


def add_event(session, action=AuditAction.LOGOUT, *, at=None, **values):  # type: ignore[no-untyped-def]
    event = AuditEvent(action=action.value, **values)
    if at is not None:
        event.occurred_at = at
    session.add(event)
    session.flush()
    return event


def found(session, *, psad_ids=None, **filters):  # type: ignore[no-untyped-def]
    query = events_query(psad_ids=psad_ids, filters=AuditFilter(**filters))
    return list(session.scalars(query))


def test_filter_by_action(session):
    viewed = add_event(session, AuditAction.YOUTH_VIEWED)
    add_event(session, AuditAction.LOGOUT)

    assert found(session, action="youth.viewed") == [viewed]


def test_filter_by_user(session):
    user, other = make_user(session), make_user(session)
    mine = add_event(session, user_id=user.id)
    add_event(session, user_id=other.id)

    assert found(session, user_id=user.id) == [mine]


def test_filter_by_record(session):
    wanted = add_event(session, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=7)
    add_event(session, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=8)
    add_event(session, AuditAction.USER_UPDATED, object_type="user", object_id=7)

    assert found(session, object_type="youth", object_id=7) == [wanted]


def test_filter_by_paris_days(session):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Paris.
    late = add_event(session, at=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    add_event(session, at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC))
    add_event(session, at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC))

    assert found(session, since=date(2026, 12, 1), until=date(2026, 12, 1)) == [late]


def test_filter_by_psad(session):
    mine, other = make_psad(session), make_psad(session)
    in_mine = add_event(session, psad_id=mine.id)
    add_event(session, psad_id=other.id)
    add_event(session)  # no PSAD: a failed log-in, for instance

    assert found(session, psad_ids=[mine.id]) == [in_mine]


def test_no_psad_restriction_lists_every_event(session):
    add_event(session, psad_id=make_psad(session).id)
    add_event(session)

    assert len(found(session, psad_ids=None)) == 2


def test_newest_events_come_first(session):
    start = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    first = add_event(session, at=start)
    second = add_event(session, at=start + timedelta(minutes=1))

    assert found(session) == [second, first]
