"""Who attended a comité: the PSAD's members who were present, for their structure, and the
guests (a name and an organisation).

The attendance is saved whole, in one go: the members ticked present (the others have no
row), and the guests as listed (they replace the previous ones). ``attendance_of`` is what
the meeting's pages and its minutes show.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, object_session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Membership, Role, Structure, User
from psad.committees.models import Attendance, Committee
from psad.committees.services.state import ensure_open, hold, moved_on
from psad.errors import DomainError

NAME_LENGTH = 200
NO_STRUCTURE = "Sans structure"
NOT_A_MEMBER = "Une des personnes cochées n'est pas membre de la PSAD : rechargez la page."
GUEST_WITHOUT_NAME = "Indiquez le nom de l'invité."


class AttendanceInputError(DomainError):
    status_code = 422


@dataclass(frozen=True)
class Member:
    """A user with a role in the PSAD, and the structure they belong to there."""

    user: User
    structure: Structure | None
    role: Role


@dataclass(frozen=True)
class MemberGroup:
    """The members of one structure (``structure`` None: those without one)."""

    structure: Structure | None
    invited: bool
    members: list[Member]

    @property
    def label(self) -> str:
        return self.structure.name if self.structure is not None else NO_STRUCTURE


@dataclass(frozen=True)
class Guest:
    name: str
    organisation: str | None


@dataclass(frozen=True)
class AttendanceRow:
    """One person present: a member for their structure, or a guest for their organisation."""

    name: str
    organisation: str | None
    is_guest: bool
    user_id: int | None


def members(session: Session, psad_id: int, *, acting_only: bool = False) -> list[Member]:
    """The active users with a role in the PSAD, by name (``acting_only``: those who see
    names, who may be given something to do)."""
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.psad_id == psad_id, User.active.is_(True))
        .options(joinedload(Membership.user), joinedload(Membership.structure))
        .order_by(User.full_name, User.id)
    )
    if acting_only:
        query = query.where(Membership.role != Role.READER)
    return [Member(m.user, m.structure, m.role) for m in session.scalars(query)]


def member_groups(session: Session, committee: Committee) -> list[MemberGroup]:
    """The PSAD's members grouped by structure: the invited structures first, then the
    others by name, then the members without a structure."""
    invited = {structure.id for structure in committee.invited}
    groups: dict[int | None, list[Member]] = {}
    for member in members(session, committee.psad_id):
        groups.setdefault(member.structure.id if member.structure else None, []).append(member)
    found = [
        MemberGroup(group[0].structure, key in invited, group)
        for key, group in groups.items()
        if key is not None
    ]
    found.sort(key=lambda group: (not group.invited, group.label.lower()))
    if None in groups:
        found.append(MemberGroup(None, False, groups[None]))
    return found


def present_user_ids(committee: Committee) -> set[int]:
    return {a.user_id for a in committee.attendances if a.user_id is not None and a.present}


def guests_of(committee: Committee) -> list[Guest]:
    return [
        Guest(a.guest_name or "", a.structure_label)
        for a in committee.attendances
        if a.user_id is None
    ]


def record_attendance(
    session: Session,
    *,
    committee: Committee,
    present: Collection[int],
    guests: Sequence[Guest],
    actor: audit.Actor,
) -> None:
    """Save who was present: the members ticked (for their structure in the PSAD) and the
    guests listed, in place of what was saved before."""
    hold(session, committee)
    ensure_open(committee)
    moved_on(committee)
    by_user = {member.user.id: member for member in members(session, committee.psad_id)}
    if any(user_id not in by_user for user_id in present):
        raise AttendanceInputError(NOT_A_MEMBER)
    cleaned = [_cleaned(guest) for guest in guests]
    kept: set[int] = set()
    for attendance in list(committee.attendances):
        if attendance.user_id is not None and attendance.user_id in present:
            kept.add(attendance.user_id)
            attendance.present = True
        else:  # a member no longer ticked, or a guest (the list replaces them)
            committee.attendances.remove(attendance)
    for user_id in sorted(set(present) - kept):
        structure = by_user[user_id].structure
        committee.attendances.append(
            Attendance(user_id=user_id, structure_id=structure.id if structure else None)
        )
    for guest in cleaned:
        committee.attendances.append(
            Attendance(guest_name=guest.name, structure_label=guest.organisation)
        )
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.ATTENDANCE_RECORDED,
        object_type="committee",
        object_id=committee.id,
        psad_id=committee.psad_id,
        detail=f"comité={committee.id}; membres={len(set(present))}; invités={len(cleaned)}",
    )


def _cleaned(guest: Guest) -> Guest:
    name = " ".join(guest.name.split())
    organisation = " ".join((guest.organisation or "").split()) or None
    if not name:
        raise AttendanceInputError(GUEST_WITHOUT_NAME)
    return Guest(name[:NAME_LENGTH], organisation[:NAME_LENGTH] if organisation else None)


def attendance_of(committee: Committee) -> list[AttendanceRow]:
    """Who was present: the members by structure (the invited structures first) and name,
    then the guests in the order they were entered."""
    session = object_session(committee)
    assert session is not None, "a committee read from the database"
    invited = {structure.id for structure in committee.invited}
    present = session.scalars(
        select(Attendance)
        .where(Attendance.committee_id == committee.id, Attendance.present.is_(True))
        .options(joinedload(Attendance.user), joinedload(Attendance.structure))
        .order_by(Attendance.id)
    ).all()

    def order(attendance: Attendance) -> tuple[int, str, str]:
        if attendance.user is None:
            return (3, "", "")  # a guest: the sort is stable, guests keep their order
        structure = attendance.structure
        group = 2 if structure is None else (0 if structure.id in invited else 1)
        name = structure.name.lower() if structure else ""
        return (group, name, attendance.user.full_name.lower())

    return [
        AttendanceRow(
            name=attendance.user.full_name if attendance.user else attendance.guest_name or "",
            organisation=(
                attendance.structure.name if attendance.structure else attendance.structure_label
            ),
            is_guest=attendance.user is None,
            user_id=attendance.user_id,
        )
        for attendance in sorted(present, key=order)
    ]
