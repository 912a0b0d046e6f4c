"""The probable pairs of a PSAD, kept up to date, and « pas un doublon ».

Each youth's blocking keys (``psad.duplicates.rules.blocking_keys``) and the version of the
file they were computed from are stored; a youth whose file changed since (edited, imported,
merged into, come from another PSAD) is compared again with the youth sharing a key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Select, Table, delete, func, or_, select, text
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.duplicates import rules
from psad.duplicates.models import (
    DuplicateCheck,
    DuplicateDismissal,
    DuplicateKey,
    ProbableDuplicate,
)
from psad.errors import NotFoundError
from psad.imports.writing.bulk import insert_rows
from psad.youth.models import Youth

CHUNK = 1000  # ids per statement (a bound list)
# PostgreSQL plans the look-ups of keys from the table's statistics: after many new keys (the
# first pass over a large PSAD) they are refreshed, or a look-up would read the whole table.
ANALYZE_AFTER = 10_000
T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the probable pairs, kept up to date ---------------------------------------------------


def stale_youth(psad_id: int) -> Select[int, bool]:
    """The youth of the PSAD whose keys and pairs were computed from another version of their
    file (or never): created, edited, imported, merged into, or come from another PSAD; with
    whether they were computed before."""
    return (
        select(Youth.id, DuplicateCheck.youth_id.is_not(None))
        .outerjoin(DuplicateCheck, DuplicateCheck.youth_id == Youth.id)
        .where(
            Youth.psad_id == psad_id,
            or_(
                DuplicateCheck.youth_id.is_(None),
                DuplicateCheck.version != Youth.version,
                DuplicateCheck.psad_id != Youth.psad_id,
            ),
        )
    )


def count_stale(session: Session, psad_id: int) -> int:
    """How many youth of the PSAD wait to be compared again."""
    return session.scalar(select(func.count()).select_from(stale_youth(psad_id).subquery())) or 0


def count_pairs(session: Session, psad_id: int) -> int:
    """How many probable pairs the PSAD has (« pas un doublon » included)."""
    query = select(func.count()).where(ProbableDuplicate.psad_id == psad_id)
    return session.scalar(query) or 0


def refresh_pairs(session: Session, *, psad_id: int, limit: int | None = None) -> int:
    """Compare again the youth of the PSAD that changed since they were last compared (at
    most ``limit`` of them); returns how many were. Their keys are replaced first, then each
    is compared, by the rules, with the youth sharing one of its keys."""
    stale = session.execute(stale_youth(psad_id).order_by(Youth.id).limit(limit)).all()
    if not stale:
        return 0
    ids = [youth_id for youth_id, _ in stale]
    _forget(session, [youth_id for youth_id, computed in stale if computed])
    identities: dict[int, rules.Identity] = {}
    keys: dict[int, set[int]] = {}
    added = 0
    for chunk in _chunks(ids):
        checks = []
        for youth_id, version, identity in _identities(session, chunk):
            identities[youth_id] = identity
            keys[youth_id] = rules.blocking_keys(identity)
            checks.append((youth_id, psad_id, version))
        rows = [(youth_id, key, psad_id) for youth_id in chunk for key in keys.get(youth_id, ())]
        insert_rows(session, _table(DuplicateKey), ("youth_id", "key", "psad_id"), rows)
        insert_rows(session, _table(DuplicateCheck), ("youth_id", "psad_id", "version"), checks)
        added += len(rows)
    if added > ANALYZE_AFTER and session.connection().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {_table(DuplicateKey).name}"))
    insert_rows(
        session,
        _table(ProbableDuplicate),
        ("low_youth_id", "high_youth_id", "psad_id", "strength", "reasons"),
        _compare(session, keys, identities, psad_id),
    )
    return len(ids)


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _forget(session: Session, youth_ids: Sequence[int]) -> None:
    """Drop what was computed for these youth: keys, check, pairs (with anyone)."""
    for chunk in _chunks(youth_ids):
        for model, column in (
            (DuplicateKey, DuplicateKey.youth_id),
            (DuplicateCheck, DuplicateCheck.youth_id),
            (ProbableDuplicate, ProbableDuplicate.low_youth_id),
            (ProbableDuplicate, ProbableDuplicate.high_youth_id),
        ):
            session.execute(
                delete(model).where(column.in_(chunk)).execution_options(synchronize_session=False)
            )


def _identities(
    session: Session, youth_ids: Sequence[int]
) -> Iterator[tuple[int, int, rules.Identity]]:
    query = select(
        Youth.id, Youth.version, Youth.identity_key, Youth.ine, Youth.phone, Youth.other_phone
    ).where(Youth.id.in_(youth_ids))
    for youth_id, version, key, ine, phone, other_phone in session.execute(query):
        yield youth_id, version, rules.Identity.of(key, ine, (phone, other_phone))


def _compare(
    session: Session,
    keys: dict[int, set[int]],
    identities: dict[int, rules.Identity],
    psad_id: int,
) -> list[tuple[int, int, int, int, str]]:
    """The pairs of these youth (``keys``: their blocking keys) with anyone of the PSAD
    sharing a key, each pair once: the index on (psad_id, key) finds who shares them."""
    seen: set[tuple[int, int]] = set()
    found = []
    for chunk in _chunks(sorted(keys)):
        wanted = sorted({key for youth_id in chunk for key in keys[youth_id]})
        holders: dict[int, list[int]] = {}
        for part in _chunks(wanted):
            for key, youth_id in session.execute(
                select(DuplicateKey.key, DuplicateKey.youth_id).where(
                    DuplicateKey.psad_id == psad_id, DuplicateKey.key.in_(part)
                )
            ):
                holders.setdefault(key, []).append(youth_id)
        pairs = {
            (min(mine, theirs), max(mine, theirs))
            for mine in chunk
            for key in keys[mine]
            for theirs in holders.get(key, ())
            if theirs != mine
        } - seen
        seen |= pairs
        unknown = sorted({i for pair in pairs for i in pair} - identities.keys())
        for part in _chunks(unknown):
            identities.update((i, identity) for i, _, identity in _identities(session, part))
        for low, high in sorted(pairs):
            if low in identities and high in identities:  # else deleted meanwhile
                reasons = rules.reasons(identities[low], identities[high])
                if reasons:
                    found.append(
                        (low, high, psad_id, rules.strength(reasons), rules.encode(reasons))
                    )
    return found


# --- « pas un doublon » --------------------------------------------------------------------


def distinct_pair(first: Youth, second: Youth) -> None:
    if first.id == second.id or first.psad_id != second.psad_id:
        raise NotFoundError("Ces deux dossiers ne forment pas une paire de votre PSAD.")


def dismiss_pair(
    session: Session,
    *,
    first: Youth,
    second: Youth,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> DuplicateDismissal:
    """Remember that two youth are not the same person: the pair is never proposed again
    (saying it twice changes nothing)."""
    distinct_pair(first, second)
    low, high = sorted((first.id, second.id))
    existing = session.get(DuplicateDismissal, (low, high))
    if existing is not None:
        return existing
    dismissal = DuplicateDismissal(
        low_youth_id=low,
        high_youth_id=high,
        psad_id=first.psad_id,
        dismissed_by_id=by.id,
        dismissed_at=now,
    )
    session.add(dismissal)
    session.flush()
    for youth_id, other in ((low, high), (high, low)):
        audit.record(
            session,
            actor,
            AuditAction.DUPLICATE_DISMISSED,
            object_type="youth",
            object_id=youth_id,
            detail=f"autre dossier={other}",
        )
    return dismissal
