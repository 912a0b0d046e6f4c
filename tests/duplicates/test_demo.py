"""The demo PSAD has probable pairs of every kind to try."""

from __future__ import annotations

from sqlalchemy import select

from psad.auth.models import Psad
from psad.demo import DEMO_CODE, load_demo
from psad.duplicates.rules import Reason
from psad.youth.models import CaseStatus, Youth
from tests.duplicates.conftest import pairs
from tests.followup.conftest import TODAY


def test_the_demo_has_pairs_of_every_kind(session):
    load_demo(session, today=TODAY, youth_count=300)  # with psad.demo_duplicates.populate
    psad = session.scalar(select(Psad).where(Psad.code == DEMO_CODE))

    found = pairs(session, psad.id)
    assert 5 <= len(found) <= 8  # the planted pairs, not look-alikes the generator made
    reasons = {reason for why in found.values() for reason in why}
    assert {
        Reason.FIRST_NAME_TYPO,
        Reason.SWAPPED,
        Reason.INE_DIFFERS,
        Reason.COMPOUND_FIRST_NAME,
        Reason.SAME_PHONE,
    } <= reasons
    [typo] = [pair for pair, why in found.items() if Reason.FIRST_NAME_TYPO in why]
    for youth_id in typo:  # both open: the merge closes the newer case
        youth = session.get(Youth, youth_id)
        assert any(case.status is CaseStatus.OPEN for case in youth.cases)
