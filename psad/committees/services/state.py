"""What every part of a comité checks before changing it, and how a change reaches the
meeting.

Each change of a meeting (its agenda, attendance or decisions) moves its ``version`` on
(``moved_on``): the pilote validates the minutes they read, and a change made meanwhile stops
the validation. The attendance, the decisions and the validation first ``hold`` the meeting's
row for their transaction: a validation and a decision made at the same instant wait for one
another, and the second sees what the first did (a validated meeting refuses the decision).
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

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


def hold(session: Session, committee: Committee) -> None:
    """Lock the meeting's row until the transaction ends, and read it again as it stands
    (PostgreSQL's ``FOR UPDATE``; SQLite writes one transaction at a time anyway)."""
    session.refresh(committee, ["status", "version"], with_for_update=True)


def moved_on(committee: Committee) -> None:
    """The meeting changed: its next flush writes it, which moves its version on."""
    flag_modified(committee, "status")
