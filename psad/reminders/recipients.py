"""Who receives a group of counted rows: the users behind a route
(``psad.followup.recipients.Route``), read once per run from the memberships.

A group names its user (the referent or the assignee, who may receive), else a structure
(its members who may: pilotes and co-pilotes, and partners when the structure is the youth's
referent structure), else nobody (the PSAD's pilotes and co-pilotes). Readers, inactive users,
administrators without a membership and inactive PSADs are not in the directory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Role, User
from psad.followup.recipients import MANAGERS, RECEIVERS


@dataclass(frozen=True)
class Group:
    """Counted rows of one PSAD with one route."""

    psad_id: int
    user_id: int | None
    structure_id: int | None
    partners: bool  # the structure's partners may see the rows


@dataclass
class Directory:
    """The active members who may receive reminders, by PSAD and by structure."""

    managers: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    members: dict[tuple[int, int], list[tuple[int, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def load(cls, session: Session, psad_ids: Iterable[int]) -> Directory:
        """One query: the active users' memberships (but readers') in these PSADs."""
        directory = cls()
        rows = session.execute(
            select(Membership.user_id, Membership.psad_id, Membership.role, Membership.structure_id)
            .join(User, User.id == Membership.user_id)
            .where(
                User.active.is_(True),
                Membership.role.in_(RECEIVERS),
                Membership.psad_id.in_(list(psad_ids)),
            )
            .order_by(Membership.user_id)
        )
        for user_id, psad_id, role, structure_id in rows:
            if role in MANAGERS:
                directory.managers[psad_id].append(user_id)
            if structure_id is not None:
                is_partner = role is Role.PARTNER
                directory.members[(psad_id, structure_id)].append((user_id, is_partner))
        return directory

    def users_of(self, group: Group) -> list[int]:
        if group.user_id is not None:
            return [group.user_id]
        if group.structure_id is not None:
            return [
                user
                for user, is_partner in self.members.get((group.psad_id, group.structure_id), [])
                if group.partners or not is_partner
            ]
        return list(self.managers.get(group.psad_id, []))
