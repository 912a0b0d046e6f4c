"""Which number takes an SMS (the masks are tested in tests/test_masks.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from psad.messages.phones import takes_sms
from psad.messages.services import sms_number_of
from tests.messages.conftest import LANDLINE, MOBILE, OTHER_MOBILE, Messaging


@pytest.mark.parametrize("number", [MOBILE, OTHER_MOBILE, "+32470123456", "+590690001234"])
def test_a_mobile_takes_sms(number: str):
    assert takes_sms(number)


@pytest.mark.parametrize("number", [LANDLINE, "+33972123456", "not a number", "", None])
def test_a_landline_or_no_number_takes_no_sms(number: str | None):
    assert not takes_sms(number)


def test_the_sms_goes_to_the_first_mobile_of_the_youth(session: Session, msg: Messaging):
    assert sms_number_of(msg.minor) == MOBILE
    assert sms_number_of(msg.adult) == OTHER_MOBILE  # the landline first is skipped


def test_a_youth_with_a_landline_only_has_no_sms_number(session: Session, msg: Messaging):
    assert sms_number_of(msg.landline) is None
    assert sms_number_of(msg.unknown_age) is None
