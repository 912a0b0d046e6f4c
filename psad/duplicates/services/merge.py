"""The merge of two youth files: everything of both kept, the chosen values taken, one
open case left, the merge remembered and audited (what happens to each table that refers to
a youth: ``references``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import MetaData, String, cast, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.db import Base
from psad.duplicates import queries
from psad.duplicates.models import DuplicateDismissal, YouthMerge
from psad.duplicates.services.pairs import distinct_pair
from psad.duplicates.services.references import (
    UnhandledReferenceError,
    move_references,
    refuse_both_holding,
    unhandled_references,
)
from psad.errors import DomainError
from psad.followup import liststate
from psad.followup.models import CaseEvent, CaseEventKind, Task
from psad.imports.models import ImportBatch, Listing
from psad.reference.models import ReferenceKind
from psad.reference.services import item_by_code
from psad.youth.models import Case, CaseStatus, Guardian, Youth
from psad.youth.services import FIELD_LABELS, YOUTH_FIELDS

MERGED_REASON = "merged"  # the closing reason « Doublon fusionné »
STALE_MERGE = (
    "L'un des deux dossiers a été modifié pendant que vous prépariez la fusion : rien n'a été "
    "fusionné. Voici les valeurs actuelles ; vérifiez vos choix et recommencez."
)


class MergeVersionError(DomainError):
    """One of the files changed since the merge form was loaded (optimistic locking)."""

    status_code = 409


@dataclass(frozen=True)
class MergeRequest:
    """Keep ``kept``, fold ``merged`` into it; ``from_merged``: the fields (``YouthData``
    names) whose value comes from ``merged``; the versions both files were seen at."""

    kept: Youth
    merged: Youth
    from_merged: frozenset[str]
    kept_version: int
    merged_version: int


def merge_youth(
    session: Session,
    *,
    request: MergeRequest,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
    metadata: MetaData = Base.metadata,
) -> YouthMerge:
    """Fold the merged-away youth into the kept one and delete it.

    Every case (with its contacts, notes, events, DARFI, obligation steps and tasks),
    listing, legal guardian and anything else pointing at the merged-away youth moves to
    the kept one. When both have an open case, the older stays open and the newer is closed
    « Doublon fusionné », its tasks still to do moving to the one left open. A list that
    listed both keeps one row (the kept youth's). A legal guardian given twice is kept once.
    The kept youth takes the chosen values, its keys recomputed and its version moved; the
    merge is remembered (``queries.merged_into``) and audited on both ids.
    """
    unhandled = unhandled_references(metadata)
    if unhandled:
        raise UnhandledReferenceError(f"the merge does not know how to move {unhandled}")
    kept, merged = _locked(session, request)
    refuse_both_holding(session, metadata, kept.id, merged.id)
    plan = queries.case_plan(kept, merged)
    closed = plan.closes
    if closed is not None and plan.stays_open is not None:
        _close_as_merged(session, closed, plan.stays_open, by=by, today=today, now=now, actor=actor)
    folded = _fold_common_listings(session, kept.id, merged.id)
    _separate_common_sendings(session, kept.id, merged.id)
    _move_dismissals(session, kept.id, merged.id)
    move_references(session, metadata, kept.id, merged.id)
    session.expire_all()  # the rows moved under the loaded objects
    repeated = _drop_repeated_guardians(session, kept.id)
    changed = _take_values(session, kept, merged, request.from_merged, now)
    kept.last_row_hash = _latest_row_hash(session, kept.id)
    merge = _remember(
        session,
        kept,
        merged,
        by=by,
        now=now,
        detail={
            "from_merged": sorted(request.from_merged),
            "changed": changed,
            "closed_case_id": closed.id if closed is not None else None,
            "folded_listings": folded,
            "repeated_guardians": repeated,
        },
    )
    _history(session, kept, merged.id, changed, by=by, now=now)
    _audit_merge(session, actor, kept.id, merged.id, changed)
    session.delete(merged)
    session.flush()
    liststate.refresh(session, [kept.id])
    session.expire(kept)
    return merge


def _locked(session: Session, request: MergeRequest) -> tuple[Youth, Youth]:
    """Both youth, locked and read afresh; refused when either changed since the form."""
    kept, merged = request.kept, request.merged
    distinct_pair(kept, merged)
    unknown = set(request.from_merged) - set(YOUTH_FIELDS)
    if unknown:
        raise ValueError(f"not a field of the file: {sorted(unknown)}")
    session.flush()
    session.execute(
        select(Youth.id).where(Youth.id.in_([kept.id, merged.id])).with_for_update()
    ).all()
    for youth in (kept, merged):
        session.refresh(youth)
        session.expire(youth, ["cases", "guardians"])  # the case plan reads them as they are
    if (kept.version, merged.version) != (request.kept_version, request.merged_version):
        raise MergeVersionError(STALE_MERGE)
    return kept, merged


def _close_as_merged(
    session: Session,
    case: Case,
    stays_open: Case,
    *,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """Close the newer open case « Doublon fusionné »; its open tasks go to the case left
    open. Its contacts, notes and steps stay in its history."""
    reason = item_by_code(session, ReferenceKind.CLOSING_REASON, MERGED_REASON)
    if reason is None:
        raise DomainError(
            "Le motif de clôture « Doublon fusionné » manque dans les listes de référence : "
            "la fusion n'a pas été faite."
        )
    case.status, case.closed_on, case.closing_reason = CaseStatus.CLOSED, today, reason
    case.solution, case.solution_since, case.known_to_partner = None, None, None
    why = (
        f"Fusion de deux dossiers : le dossier de suivi n° {stays_open.id} reste ouvert et "
        "reçoit les tâches à faire."
    )
    _told(session, case, CaseEventKind.CLOSED, reason.label, by=by, now=now, reason=why)
    session.flush()
    session.execute(
        update(Task)
        .where(Task.case_id == case.id, Task.done_at.is_(None))
        .values(case_id=stays_open.id)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor,
        AuditAction.CASE_CLOSED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"motif={reason.code}; dossier={case.id}",
    )


def _fold_common_listings(session: Session, kept_id: int, merged_id: int) -> list[dict[str, int]]:
    """A list that listed both youth keeps the kept youth's row; the other one goes (its
    row as read passes to a later listing that pointed at it). Returns the rows folded."""
    common = queries.common_batches(session, kept_id, merged_id)
    if not common:
        return []
    folded = []
    for listing in session.scalars(
        select(Listing).where(Listing.youth_id == merged_id, Listing.batch_id.in_(common))
    ):
        if listing.row_json:  # a later identical row of the same youth was stored as None
            session.execute(
                update(Listing)
                .where(
                    Listing.youth_id == merged_id,
                    Listing.row_hash == listing.row_hash,
                    Listing.row_json.is_(None),
                    Listing.id != listing.id,
                )
                .values(row_json=listing.row_json)
                .execution_options(synchronize_session=False)
            )
        folded.append({"batch_id": listing.batch_id, "line": listing.line})
        session.delete(listing)
    session.flush()
    return folded


def _separate_common_sendings(session: Session, kept_id: int, merged_id: int) -> None:
    """A message sent to both youth by one sending: the merged-away youth's row takes a
    sending key of its own (« fusion:<id> »), so both messages stay on the kept youth."""
    messages = Base.metadata.tables["youth_messages"]  # a domain above: by its table
    kept_rows = messages.alias("kept_rows")
    session.execute(
        update(messages)
        .where(
            messages.c.youth_id == merged_id,
            exists().where(
                kept_rows.c.youth_id == kept_id,
                kept_rows.c.sending_key == messages.c.sending_key,
                kept_rows.c.channel == messages.c.channel,
            ),
        )
        .values(sending_key="fusion:" + cast(messages.c.id, String))
    )


def _move_dismissals(session: Session, kept_id: int, merged_id: int) -> None:
    """« Pas un doublon » said of the merged-away youth holds for the kept one."""
    said = list(
        session.scalars(
            select(DuplicateDismissal).where(
                or_(
                    DuplicateDismissal.low_youth_id == merged_id,
                    DuplicateDismissal.high_youth_id == merged_id,
                )
            )
        )
    )
    if not said:
        return
    for dismissal in said:
        session.delete(dismissal)
    session.flush()
    for dismissal in said:
        other = (
            dismissal.high_youth_id
            if dismissal.low_youth_id == merged_id
            else (dismissal.low_youth_id)
        )
        low, high = sorted((kept_id, other))
        if other == kept_id or session.get(DuplicateDismissal, (low, high)) is not None:
            continue
        session.add(
            DuplicateDismissal(
                low_youth_id=low,
                high_youth_id=high,
                psad_id=dismissal.psad_id,
                dismissed_by_id=dismissal.dismissed_by_id,
                dismissed_at=dismissal.dismissed_at,
            )
        )
    session.flush()


def _drop_repeated_guardians(session: Session, kept_id: int) -> int:
    seen: set[tuple[str, ...]] = set()
    repeated = 0
    for guardian in session.scalars(
        select(Guardian).where(Guardian.youth_id == kept_id).order_by(Guardian.id)
    ):
        key = queries.guardian_key(guardian)
        if key in seen:
            session.delete(guardian)
            repeated += 1
        seen.add(key)
    session.flush()
    return repeated


def _take_values(
    session: Session, kept: Youth, merged: Youth, names: Collection[str], now: datetime
) -> list[str]:
    """The kept youth takes the chosen values of the merged-away one (an INE leaves it
    first: one youth per INE); keys recomputed, version moved. Returns the fields changed."""
    values = {name: getattr(merged, name) for name in names}
    changed = [
        name for name in YOUTH_FIELDS if name in values and getattr(kept, name) != values[name]
    ]
    if "ine" in changed and values["ine"]:
        merged.ine = None
        session.flush()
    for name in changed:
        setattr(kept, name, values[name])
    kept.refresh_keys()
    kept.updated_at = now  # a column that changes: the version moves whatever was chosen
    session.flush()
    return changed


def _latest_row_hash(session: Session, youth_id: int) -> str | None:
    return session.scalar(
        select(Listing.row_hash)
        .join(ImportBatch, ImportBatch.id == Listing.batch_id)
        .where(Listing.youth_id == youth_id)
        .order_by(ImportBatch.imported_at.desc(), ImportBatch.id.desc())
        .limit(1)
    )


def _remember(
    session: Session,
    kept: Youth,
    merged: Youth,
    *,
    by: User,
    now: datetime,
    detail: dict[str, object],
) -> YouthMerge:
    # SQLite may have given this id to a youth before (the largest id of a deleted row)
    session.execute(delete(YouthMerge).where(YouthMerge.merged_id == merged.id))
    merge = YouthMerge(
        merged_id=merged.id,
        kept_id=kept.id,
        psad_id=kept.psad_id,
        merged_by_id=by.id,
        merged_at=now,
        detail_json=json.dumps(detail),
    )
    session.add(merge)
    return merge


def _history(
    session: Session, kept: Youth, merged_id: int, changed: list[str], *, by: User, now: datetime
) -> None:
    """The kept youth's timeline tells the merge (on its open case, else its latest)."""
    case = next((c for c in kept.cases if c.is_open), None) or kept.latest_case
    if case is None:
        return
    taken = ", ".join(FIELD_LABELS[name] for name in changed)
    after = f"Fusion avec le dossier n° {merged_id}" + (
        f" ; valeurs reprises : {taken}" if taken else ""
    )
    _told(session, case, CaseEventKind.IDENTITY, after, by=by, now=now)


def _told(
    session: Session,
    case: Case,
    kind: CaseEventKind,
    after: str,
    *,
    by: User,
    now: datetime,
    reason: str | None = None,
) -> None:
    """A case event of the merge, for the timeline."""
    session.add(
        CaseEvent(
            case_id=case.id, kind=kind, occurred_at=now, author=by, after=after[:300], reason=reason
        )
    )


def _audit_merge(
    session: Session, actor: audit.Actor, kept_id: int, merged_id: int, changed: list[str]
) -> None:
    names = ", ".join(FIELD_LABELS[name] for name in changed) or "aucun"
    detail = f"conservé={kept_id}; fusionné={merged_id}; champs repris={names}"
    for youth_id in (kept_id, merged_id):
        audit.record(
            session,
            actor,
            AuditAction.YOUTH_MERGED,
            object_type="youth",
            object_id=youth_id,
            detail=detail,
        )
