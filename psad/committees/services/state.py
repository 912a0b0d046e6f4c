"""What every part of a comité checks before changing it."""

from __future__ import annotations

from psad.committees.models import Committee, CommitteeStatus
from psad.errors import DomainError

LOCKED = (
    "Le relevé de décisions de ce comité est validé : il ne change plus. Une correction se "
    "fait par un amendement, daté et signé."
)
NOT_PUBLISHED = "L'ordre du jour n'est pas encore publié : publiez-le avant la séance."
CANCELLED = "Ce comité est annulé."


class CommitteeStateError(DomainError):
    """The meeting is not in a state that allows this change."""

    status_code = 409


def ensure_open(committee: Committee) -> None:
    """The meeting may still change (its minutes are not validated, it is not cancelled)."""
    if committee.status is CommitteeStatus.VALIDATED:
        raise CommitteeStateError(LOCKED)
    if committee.status is CommitteeStatus.CANCELLED:
        raise CommitteeStateError(CANCELLED)


def ensure_published(committee: Committee) -> None:
    """The meeting may be held: its agenda is published and its minutes not validated."""
    ensure_open(committee)
    if committee.status is not CommitteeStatus.PUBLISHED:
        raise CommitteeStateError(NOT_PUBLISHED)
