"""The world of the follow-up tests holds together."""

from psad.followup import services
from psad.followup.models import Party
from psad.reference.models import ReferenceKind
from tests.followup.conftest import NOW, reference


def test_a_failed_attempt_schedules_a_call_back_and_counts_towards_unreachable(session, world):
    case = world.adult_case
    data = services.ContactData(
        occurred_at=NOW,
        channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
        reached=False,
        party=Party.YOUTH,
    )

    result = services.record_contact(
        session, case=case, data=data, by=world.pilot, actor=world.actor(world.pilot), now=NOW
    )

    assert (result.failed_in_a_row, result.offer_unreachable) == (1, False)
