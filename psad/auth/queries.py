"""Questions about accounts, PSADs and structures that pages ask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from psad.auth.models import Membership, Psad, Role, Structure, User


def member_ids(psad_id: int) -> Select[int]:
    """The ids of the users who hold a role in the PSAD (a subquery)."""
    return select(Membership.user_id).where(Membership.psad_id == psad_id)


def all_psads(session: Session, *, active_only: bool = False) -> Sequence[Psad]:
    query = select(Psad).order_by(Psad.code)
    if active_only:
        query = query.where(Psad.active.is_(True))
    return session.scalars(query).all()


def structures(
    session: Session, *, psad_id: int | None = None, active_only: bool = False
) -> Sequence[Structure]:
    """Structures by name: of one PSAD (or all), every one or the active ones only."""
    query = select(Structure).order_by(Structure.name)
    if psad_id is not None:
        query = query.where(Structure.psad_id == psad_id)
    if active_only:
        query = query.where(Structure.active.is_(True))
    return session.scalars(query).all()


def active_structures(session: Session, psad_id: int | None = None) -> Sequence[Structure]:
    """What a form offers as a structure: the active ones (of one PSAD, or of all)."""
    return structures(session, psad_id=psad_id, active_only=True)


def referent_candidates(session: Session, psad_id: int) -> Sequence[User]:
    """The active users of a PSAD who see names (every role but the reader), by name."""
    return session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.psad_id == psad_id,
            Membership.role != Role.READER,
            User.active.is_(True),
        )
        .order_by(User.full_name)
    ).all()


def structure_named(session: Session, *, psad_id: int, name: str) -> Structure | None:
    return session.scalar(
        select(Structure).where(Structure.psad_id == psad_id, Structure.name == name)
    )


def users_with_roles(session: Session) -> Sequence[User]:
    return session.scalars(
        select(User).options(selectinload(User.memberships)).order_by(User.email)
    ).all()


def emails_by_id(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()
    return {user_id: email for user_id, email in rows}
