"""Who hears of what is due on a youth or a task: the reminders' recipients, as conditions.

A youth's reminders go to their referent user (the list's copy of the current case's
referent) when that user may receive them: an active user, member of the youth's PSAD as
pilote or co-pilote, or as partner of the youth's referent structure (so that they see the youth:
a partner who sees a youth otherwise, through an orientation their structure received, is
not counted on); else to the members of the referent structure who may; else to the PSAD's pilotes
and co-pilotes (« ce qui concerne la PSAD sans référent »). A task's reminders go to its
assignee user, else the members of its assignee structure, else the pilotes and co-pilotes,
on the same conditions. Readers, inactive users and administrators without a membership never
receive anything.

The daily reminders count with these conditions (``psad.reminders.rules``, grouped by
``Route``), and the youth list's « destinataire » filter and « Mes tâches »
« assignation=relances » list with them: what a reminder counts is what its link shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, not_, or_
from sqlalchemy.orm import aliased

from psad.auth.models import Membership, Role, User
from psad.followup.models import Task
from psad.youth.models import Youth

MANAGERS = (Role.PILOT, Role.COPILOT)  # see every youth of their PSAD
RECEIVERS = (Role.PILOT, Role.COPILOT, Role.PARTNER)


def _may_receive(membership: Any, user: Any) -> ColumnElement[bool]:
    """The membership (and its user) may hear of ``Youth``: an active user of the youth's PSAD,
    pilote or co-pilote, or partner of the youth's referent structure."""
    return and_(
        user.id == membership.user_id,
        user.active.is_(True),
        membership.psad_id == Youth.psad_id,
        or_(
            membership.role.in_(MANAGERS),
            and_(
                membership.role == Role.PARTNER,
                membership.structure_id == Youth.referent_structure_id,
            ),
        ),
    )


def _user_receives(user_id: Any) -> ColumnElement[bool]:
    membership, user = aliased(Membership), aliased(User)
    return exists().where(membership.user_id == user_id, _may_receive(membership, user))


def _member_receives(structure_id: Any, user_id: int | None = None) -> ColumnElement[bool]:
    """A member of the structure (``user_id`` when given) may hear of ``Youth``."""
    membership, user = aliased(Membership), aliased(User)
    mine = [] if user_id is None else [membership.user_id == user_id]
    return exists().where(
        membership.structure_id == structure_id, *mine, _may_receive(membership, user)
    )


def _manager(user_id: int) -> ColumnElement[bool]:
    """``user_id`` is an active pilote or co-pilote of the youth's PSAD."""
    membership, user = aliased(Membership), aliased(User)
    return exists().where(
        membership.user_id == user_id,
        membership.role.in_(MANAGERS),
        _may_receive(membership, user),
    )


@dataclass(frozen=True)
class Route:
    """Where the reminders about one row go: ``to_user`` (its user receives), else
    ``to_structure`` (the members of its structure who may), else the pilotes and co-pilotes.
    ``user_key`` and ``structure_key`` are the columns that name them."""

    user_key: Any
    structure_key: Any
    to_user: ColumnElement[bool]
    to_structure: ColumnElement[bool]

    @property
    def to_managers(self) -> ColumnElement[bool]:
        return and_(not_(self.to_user), not_(self.to_structure))

    def routed_to(self, user_id: int) -> ColumnElement[bool]:
        """The rows whose reminders go to ``user_id``."""
        return or_(
            and_(self.user_key == user_id, self.to_user),
            and_(self.to_structure, _member_receives(self.structure_key, user_id)),
            and_(self.to_managers, _manager(user_id)),
        )

    def columns(self) -> list[Any]:
        """What a grouped count reads for each row: the PSAD, the user who receives (else
        None), the structure whose members receive (else None), and whether its partners may
        (the structure is the youth's referent structure; its pilotes and co-pilotes always
        may)."""
        return [
            Youth.psad_id.label("psad_id"),
            case((self.to_user, self.user_key), else_=None).label("user_id"),
            case((self.to_structure, self.structure_key), else_=None).label("structure_id"),
            case((self.structure_key == Youth.referent_structure_id, 1), else_=0).label("partners"),
        ]


def _route(user_key: Any, structure_key: Any) -> Route:
    to_user = and_(user_key.is_not(None), _user_receives(user_key))
    to_structure = and_(not_(to_user), structure_key.is_not(None), _member_receives(structure_key))
    return Route(user_key, structure_key, to_user, to_structure)


def youth_route() -> Route:
    """The route of a youth's reminders (a condition on ``Youth``)."""
    return _route(Youth.referent_user_id, Youth.referent_structure_id)


def task_route() -> Route:
    """The route of a task's reminders (a condition on ``Task`` and its youth, ``Youth``)."""
    return _route(Task.assignee_user_id, Task.assignee_structure_id)


def youth_routed_to(user_id: int) -> ColumnElement[bool]:
    """The youth whose reminders go to ``user_id`` (the list's « destinataire » filter)."""
    return youth_route().routed_to(user_id)


def tasks_routed_to(user_id: int) -> ColumnElement[bool]:
    """The tasks whose reminders go to ``user_id`` (« Mes tâches », « assignation=relances »)."""
    return task_route().routed_to(user_id)
