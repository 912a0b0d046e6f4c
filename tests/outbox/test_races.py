"""Two schedulers at once: each message is sent once; one key queued twice at once is one row.

Real concurrency: separate connections in threads, committed data (on SQLite, the file).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from psad.outbox.delivery import DeliveryReport, deliver_due, deliver_due_sms
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.outbox.services import enqueue
from psad.outbox.sms import HttpSmsGateway
from tests.helpers import count
from tests.outbox.conftest import NOW, mail_settings, queue, queue_sms, sms_settings

pytestmark = pytest.mark.committed


@pytest.fixture
def engine(app: Flask) -> Iterator[Engine]:
    """Another pool of connections to the test's database, as another process would have."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    yield engine
    engine.dispose()


def in_threads(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads started together; what each returned (or raised)."""
    results: list[Any] = [None] * len(actions)
    start = threading.Barrier(len(actions))

    def run(index: int, action: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[index] = action()
        except BaseException as error:  # the test shows it
            results[index] = error

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a delivery never ended"
    return results


def test_two_schedulers_at_once_send_each_message_once(session, engine, smtp_server):
    for number in range(30):
        queue(session, key=f"digest:{number}:2026-12-07", recipient=f"u{number}@psad.example")
    session.commit()
    smtp_server.delay_seconds = 0.02  # both runs are busy at the same time
    mail = mail_settings(smtp_server)

    def scheduler() -> DeliveryReport:
        with Session(engine) as own:
            return deliver_due(own, mail, NOW)

    reports = in_threads(scheduler, scheduler)

    assert all(isinstance(r, DeliveryReport) for r in reports), reports
    assert sum(r.sent for r in reports) == 30
    assert all(r.sent > 0 for r in reports), "the two runs did not overlap"
    received = Counter(m.recipients[0] for m in smtp_server.wait_for(30))
    assert len(received) == 30 and set(received.values()) == {1}
    assert count(session, OutboxMessage, OutboxMessage.state == OutboxState.SENT) == 30


def test_two_schedulers_at_once_send_each_sms_once(session, engine, sms_server):
    for number in range(30):
        queue_sms(session, key=f"message:n1:{number}:sms", recipient=f"+336123456{number:02d}")
    session.commit()
    sms_server.delay_seconds = 0.02  # both runs are busy at the same time
    sms = sms_settings(sms_server)

    def scheduler() -> DeliveryReport:
        with Session(engine) as own:
            return deliver_due_sms(own, sms, HttpSmsGateway(sms), NOW)

    reports = in_threads(scheduler, scheduler)

    assert all(isinstance(r, DeliveryReport) for r in reports), reports
    assert sum(r.sent for r in reports) == 30
    assert all(r.sent > 0 for r in reports), "the two runs did not overlap"
    received = Counter(m.to for m in sms_server.wait_for(30))
    assert len(received) == 30 and set(received.values()) == {1}
    assert count(session, OutboxMessage, OutboxMessage.state == OutboxState.SENT) == 30


def test_one_key_queued_by_two_transactions_at_once_is_one_row(session, engine):
    def queue_elsewhere(own: Session) -> OutboxMessage | None:
        return enqueue(
            own,
            key="digest:1:2026-12-07",
            purpose=OutboxPurpose.DIGEST,
            recipient="claire.martin@psad.example",
            subject="Vos rappels",
            body_text="2 jeunes",
            body_html=None,
            psad_id=None,
            user_id=None,
            now=NOW,
        )

    with Session(engine) as first, Session(engine) as second:
        assert queue_elsewhere(first) is not None  # written, not committed yet
        outcome: dict[str, Any] = {}

        def later() -> None:
            outcome["second"] = queue_elsewhere(second)
            second.commit()

        worker = threading.Thread(target=later)
        worker.start()
        time.sleep(0.5)  # the second waits on the first's uncommitted row (or lock)
        first.commit()
        worker.join(20)

    assert not worker.is_alive()
    assert outcome == {"second": None}
    assert count(session, OutboxMessage) == 1
