"""Reading and seeding the reference lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.audit.services import Actor
from psad.errors import DomainError
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


def items_by_codes(session: Session, kind: ReferenceKind, codes: list[str]) -> list[ReferenceItem]:
    """The items of a list with these codes, in the list's order (unknown codes left out)."""
    if not codes:
        return []
    return list(
        session.scalars(
            select(ReferenceItem)
            .where(ReferenceItem.kind == kind, ReferenceItem.code.in_(codes))
            .order_by(ReferenceItem.position)
        )
    )


def item_by_code(session: Session, kind: ReferenceKind, code: str) -> ReferenceItem | None:
    return session.scalar(
        select(ReferenceItem).where(ReferenceItem.kind == kind, ReferenceItem.code == code)
    )


def update_item(
    session: Session, *, item: ReferenceItem, label: str, active: bool, actor: Actor
) -> None:
    label = " ".join(label.split())
    if not label:
        raise DomainError("Le libellé ne peut pas être vide.")
    item.label = label[:200]
    item.active = active
    audit.record(
        session,
        actor,
        AuditAction.REFERENCE_UPDATED,
        object_type="reference_item",
        object_id=item.id,
        detail=f"liste={item.kind.value}; code={item.code}",
    )


def add_item(
    session: Session, *, kind: ReferenceKind, code: str, label: str, actor: Actor
) -> ReferenceItem:
    code = code.strip().lower()
    if not code.replace("_", "").isalnum() or len(code) > 40:
        raise DomainError("Code invalide : lettres minuscules, chiffres et _ (40 au plus).")
    if item_by_code(session, kind, code) is not None:
        raise DomainError(f"Le code « {code} » existe déjà dans cette liste.")
    label = " ".join(label.split())
    if not label:
        raise DomainError("Le libellé ne peut pas être vide.")
    position = len(active_items(session, kind)) + 100
    item = ReferenceItem(kind=kind, code=code, label=label[:200], position=position)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.REFERENCE_UPDATED,
        object_type="reference_item",
        object_id=item.id,
        detail=f"liste={kind.value}; ajout={code}",
    )
    return item


def all_items(session: Session) -> list[ReferenceItem]:
    return list(
        session.scalars(
            select(ReferenceItem).order_by(
                ReferenceItem.kind, ReferenceItem.position, ReferenceItem.label
            )
        )
    )
