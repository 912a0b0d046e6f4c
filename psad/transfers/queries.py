"""Questions about transfers that pages ask.

A transfer is seen by the pilotes and co-pilotes of its two PSADs, whatever the youth scope:
the deciding side must see who they are asked to take, before the youth is theirs. What each
side is shown is chosen by the pages (the asking side sees its own ``subject_*`` only).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from psad.auth.models import Psad
from psad.auth.queries import all_psads
from psad.errors import NotFoundError
from psad.transfers.models import Transfer, TransferDirection, TransferState

NOT_FOUND = "Ce transfert n'existe pas ou ne concerne pas votre PSAD."


def decided_by_psad(psad_id: int) -> ColumnElement[bool]:
    """The transfers the PSAD accepts or refuses: offers made to it, requests made to it."""
    return or_(
        and_(Transfer.direction == TransferDirection.OFFER, Transfer.to_psad_id == psad_id),
        and_(Transfer.direction == TransferDirection.REQUEST, Transfer.from_psad_id == psad_id),
    )


def asked_by_psad(psad_id: int) -> ColumnElement[bool]:
    """The transfers the PSAD asked for: its offers and its requests."""
    return or_(
        and_(Transfer.direction == TransferDirection.OFFER, Transfer.from_psad_id == psad_id),
        and_(Transfer.direction == TransferDirection.REQUEST, Transfer.to_psad_id == psad_id),
    )


def _listed(query: Select[Transfer]) -> Select[Transfer]:
    return query.options(
        joinedload(Transfer.youth),
        joinedload(Transfer.from_psad),
        joinedload(Transfer.to_psad),
        joinedload(Transfer.proposed_by),
        joinedload(Transfer.decided_by),
        joinedload(Transfer.batch),
    )


def to_decide(session: Session, psad_id: int) -> Sequence[Transfer]:
    """The pending transfers the PSAD has to decide, oldest first."""
    return session.scalars(
        _listed(select(Transfer))
        .where(Transfer.state == TransferState.PROPOSED, decided_by_psad(psad_id))
        .order_by(Transfer.proposed_at, Transfer.id)
    ).all()


def asked(psad_id: int) -> Select[Transfer]:
    """The transfers the PSAD asked for, pending ones first, then newest first (a page)."""
    return (
        _listed(select(Transfer))
        .where(asked_by_psad(psad_id))
        .order_by(
            (Transfer.state == TransferState.PROPOSED).desc(),
            Transfer.proposed_at.desc(),
            Transfer.id.desc(),
        )
    )


def count_to_decide(session: Session, psad_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Transfer)
            .where(Transfer.state == TransferState.PROPOSED, decided_by_psad(psad_id))
        )
        or 0
    )


def pending_for_youth(session: Session, youth_id: int) -> Transfer | None:
    """The youth's pending transfer (at most one, by a unique index)."""
    return session.scalar(
        _listed(select(Transfer)).where(
            Transfer.youth_id == youth_id, Transfer.state == TransferState.PROPOSED
        )
    )


def of_psad(
    session: Session, transfer_id: int, psad_id: int, *, for_update: bool = False
) -> Transfer:
    """A transfer one of whose sides is the PSAD (404 otherwise, like a missing one).

    ``for_update`` locks its row (PostgreSQL) and reads it afresh: two people deciding at
    once are served one after the other, the second seeing the first one's decision.
    """
    query = select(Transfer).where(
        Transfer.id == transfer_id,
        or_(Transfer.from_psad_id == psad_id, Transfer.to_psad_id == psad_id),
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    transfer = session.scalar(query)
    if transfer is None:
        raise NotFoundError(NOT_FOUND)
    return transfer


def requested_from_line(session: Session, batch_id: int, line: int) -> Transfer | None:
    """The latest transfer requested from a line of an imported list."""
    return session.scalar(
        select(Transfer)
        .where(Transfer.batch_id == batch_id, Transfer.line == line)
        .order_by(Transfer.id.desc())
        .limit(1)
    )


def other_psads(session: Session, psad_id: int) -> list[Psad]:
    """Where a youth may be transferred: every active PSAD of the installation but this one."""
    return [psad for psad in all_psads(session, active_only=True) if psad.id != psad_id]
