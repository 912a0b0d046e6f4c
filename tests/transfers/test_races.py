"""A transfer decided by two people at the same moment is decided once: the second one gets
a clear message and nothing is written twice (a row lock on PostgreSQL, the versions of the
transfer, the youth and the case on both databases)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy.orm.exc import StaleDataError

from psad.auth.models import User
from psad.transfers.models import Transfer, TransferState
from psad.youth.models import Case, CaseStatus, Youth
from tests.helpers import count, text
from tests.imports.test_races import other_session
from tests.transfers.conftest import offer
from tests.transfers.test_services import accept

__all__ = ["other_session"]

pytestmark = pytest.mark.committed


def accept_elsewhere(other_session, lens, transfer_id: int) -> None:  # type: ignore[no-untyped-def]
    """LENS's co-pilote accepts the transfer in another transaction (flushed, not committed)."""
    transfer = other_session.get(Transfer, transfer_id)
    accept(other_session, lens, transfer, by=other_session.get(User, lens.copilot.id))


def open_cases(session, youth_id: int) -> int:  # type: ignore[no-untyped-def]
    return count(session, Case, Case.youth_id == youth_id, Case.status == CaseStatus.OPEN)


def test_a_transfer_accepted_meanwhile_is_not_accepted_again(session, other_session, world, lens):
    """The page read the transfer, the youth and the case; then another person accepted."""
    transfer = offer(session, world, lens)
    assert transfer.is_pending and transfer.youth.open_case is not None  # what the page read
    accept_elsewhere(other_session, lens, transfer.id)
    other_session.commit()

    with pytest.raises(StaleDataError):
        accept(session, lens, transfer)
    session.rollback()
    assert open_cases(session, world.minor.id) == 1
    assert session.get(Youth, world.minor.id).psad_id == lens.psad.id


def test_two_people_accepting_at_once_get_one_transfer_and_a_message(
    client, session, other_session, world, lens, frozen_clock
):
    transfer = offer(session, world, lens)
    client.sign_in(lens.pilot)
    token = client.csrf_token()
    answer: dict[str, Any] = {}

    def accept_on_the_page() -> None:
        url = f"/transferts/{transfer.id}/accepter"
        answer["response"] = client.post(url, data={"csrf_token": token})

    accept_elsewhere(other_session, lens, transfer.id)
    worker = threading.Thread(target=accept_on_the_page)
    worker.start()
    time.sleep(0.5)
    other_session.commit()
    worker.join(20)
    assert not worker.is_alive(), "the second acceptance never ended"

    response = answer["response"]
    assert response.status_code == 409
    assert "rien n'a été" in text(response)
    assert open_cases(session, world.minor.id) == 1
    stored = session.get(Transfer, transfer.id)
    assert (stored.state, stored.decided_by_id) == (TransferState.ACCEPTED, lens.copilot.id)
