"""Reading and seeding the reference lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.seeds import SEEDS


def ensure_seeded(session: Session) -> int:
    """Add the seed values that are missing (never touches edited ones); returns how many."""
    existing = {(item.kind, item.code) for item in session.scalars(select(ReferenceItem))}
    added = 0
    for kind, values in SEEDS.items():
        for position, (code, label) in enumerate(values):
            if (kind, code) not in existing:
                session.add(ReferenceItem(kind=kind, code=code, label=label, position=position))
                added += 1
    session.flush()
    return added


def active_items(session: Session, kind: ReferenceKind) -> list[ReferenceItem]:
    return list(
        session.scalars(
            select(ReferenceItem)
            .where(ReferenceItem.kind == kind, ReferenceItem.active.is_(True))
            .order_by(ReferenceItem.position, ReferenceItem.label)
        )
    )


def item_by_code(session: Session, kind: ReferenceKind, code: str) -> ReferenceItem | None:
    return session.scalar(
        select(ReferenceItem).where(ReferenceItem.kind == kind, ReferenceItem.code == code)
    )
