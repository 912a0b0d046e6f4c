"""The demo shows transfers: one waiting for the demo PSAD, one it proposed, one refused."""

from __future__ import annotations

from sqlalchemy import select

from psad.auth.models import Psad
from psad.demo import DEMO_CODE, load_demo
from psad.demo_transfers import NEIGHBOUR_CODE
from psad.transfers import queries
from psad.transfers.models import Transfer, TransferState
from tests.followup.conftest import TODAY


def test_the_demo_pilote_has_transfers_to_decide_and_sent(session):
    load_demo(session, today=TODAY, youth_count=10)  # which calls demo_transfers.populate
    demo = session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()

    waiting = queries.to_decide(session, demo.id)
    assert [t.from_psad.code for t in waiting] == [NEIGHBOUR_CODE]
    sent = session.scalars(queries.asked(demo.id)).all()
    assert [t.state for t in sent] == [TransferState.PROPOSED, TransferState.REFUSED]
    assert all(t.to_psad.code == NEIGHBOUR_CODE for t in sent)
    assert session.scalar(select(Transfer).where(Transfer.refusal_reason.is_not(None)))
