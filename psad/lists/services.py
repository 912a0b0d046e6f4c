"""What people do on the youth list as a whole: name a view of it, and change many files at
once (bulk actions).

A bulk action reuses the follow-up's services file by file, so that each file gets the case
event and the audit event of the single action; one more audit event summarises the whole
(action, filter, counts). It runs in the caller's one transaction and refuses to start when a
file changed since the user confirmed: nothing is then written.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from urllib.parse import parse_qsl

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.errors import DomainError, NotFoundError
from psad.followup import services as followup
from psad.lists.models import NAME_MAX_LENGTH, QUERY_MAX_LENGTH, SavedListView
from psad.reference.models import ReferenceItem
from psad.youth.models import Case, KnownToPartner, Youth

MAX_VIEWS = 50  # saved views per user and PSAD
# Files one bulk action may change: each goes through the single action's service (its case
# event, its audit event), in one transaction that must stay short. A larger set is cut by
# filtering further; 1,000 files take a few seconds.
MAX_FILES = 1000
SEARCH_PARAMETER = "q"  # the free-text search may hold a youth's name: never audited as typed

VIEW_NOT_FOUND = "Cette vue n'existe pas ou ne vous appartient pas."
STALE_SELECTION = (
    "Des dossiers de la sélection ont changé depuis votre confirmation (une autre personne "
    "les a modifiés) : rien n'a été enregistré. Voici le décompte à jour : vérifiez-le et "
    "confirmez de nouveau."
)


# --- saved views ---------------------------------------------------------------------------


def filter_detail(query: str) -> str:
    """A list's query string as the audit log keeps it: the search text masked (it may be a
    youth's name), the other filters as they are."""
    pairs = parse_qsl(query[:QUERY_MAX_LENGTH])
    shown = [
        f"{key}=(recherche masquée)" if key == SEARCH_PARAMETER else f"{key}={value}"
        for key, value in pairs
    ]
    return "filtre=" + ("&".join(shown) or "(aucun)")


def save_view(
    session: Session, *, user_id: int, psad_id: int, name: str, query: str, actor: audit.Actor
) -> tuple[SavedListView, bool]:
    """Save the list's ``query`` under ``name``; a view of the same name is replaced. Returns
    the view and whether it is new."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Donnez un nom à la vue.")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(f"Le nom d'une vue compte au plus {NAME_MAX_LENGTH} caractères.")
    if len(query) > QUERY_MAX_LENGTH:
        raise DomainError("Ces filtres sont trop longs pour être enregistrés : simplifiez-les.")
    view = session.scalar(
        select(SavedListView).where(
            SavedListView.user_id == user_id,
            SavedListView.psad_id == psad_id,
            SavedListView.name == name,
        )
    )
    created = view is None
    if view is None:
        if _views_count(session, user_id, psad_id) >= MAX_VIEWS:
            raise DomainError(
                f"Vous avez déjà {MAX_VIEWS} vues enregistrées : supprimez-en une d'abord."
            )
        view = SavedListView(user_id=user_id, psad_id=psad_id, name=name, query=query)
        session.add(view)
    view.query = query
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.LIST_VIEW_SAVED,
        object_type="saved_list_view",
        object_id=view.id,
        detail=f"{'créée' if created else 'remplacée'}; {filter_detail(query)}",
        psad_id=psad_id,
    )
    return view, created


def _views_count(session: Session, user_id: int, psad_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SavedListView)
            .where(SavedListView.user_id == user_id, SavedListView.psad_id == psad_id)
        )
        or 0
    )


def delete_view(
    session: Session, *, view_id: int, user_id: int, psad_id: int, actor: audit.Actor
) -> SavedListView:
    """Delete one of the user's own views in this PSAD (another's answers « not found »)."""
    view = session.get(SavedListView, view_id)
    if view is None or view.user_id != user_id or view.psad_id != psad_id:
        raise NotFoundError(VIEW_NOT_FOUND)
    session.delete(view)
    audit.record(
        session,
        actor,
        AuditAction.LIST_VIEW_SAVED,
        object_type="saved_list_view",
        object_id=view_id,
        detail="supprimée",
        psad_id=psad_id,
    )
    session.flush()
    return view


# --- bulk actions --------------------------------------------------------------------------


class BulkAction(enum.StrEnum):
    """What a bulk action does (the value is the URL segment)."""

    REFERENT = "referent"
    TASK = "tache"
    CLOSE = "cloture"

    @property
    def label(self) -> str:
        return BULK_ACTION_LABELS[self]


BULK_ACTION_LABELS = {
    BulkAction.REFERENT: "Désigner le référent",
    BulkAction.TASK: "Ajouter une tâche",
    BulkAction.CLOSE: "Clore les dossiers",
}

NO_CASE = "sans dossier de suivi"
CASE_CLOSED = "dossier clos"


@dataclass(frozen=True)
class Who:
    """Who acts, when, from where: what every follow-up service records."""

    by: User
    now: datetime
    actor: audit.Actor


class Change(Protocol):
    """One bulk action with its parameters, applied file by file."""

    @property
    def action(self) -> BulkAction: ...

    def left_because(self, case: Case) -> str | None:
        """Why this file stays as it is (None: it changes)."""

    def apply(self, session: Session, case: Case, who: Who) -> None: ...

    def detail(self) -> str:
        """The parameters, for the audit log (ids and codes, no personal data)."""


def _id(record: User | Structure | None) -> str:
    return str(record.id) if record is not None else "aucun"


@dataclass(frozen=True)
class ReferentChange:
    """Assign the referent user and/or structure; ``keep_*`` leaves each file's own."""

    user: User | None
    structure: Structure | None
    keep_user: bool = False
    keep_structure: bool = False
    action: BulkAction = BulkAction.REFERENT

    def wanted(self, case: Case) -> tuple[User | None, Structure | None]:
        return (
            case.referent_user if self.keep_user else self.user,
            case.referent_structure if self.keep_structure else self.structure,
        )

    def left_because(self, case: Case) -> str | None:
        if not case.is_open:
            return CASE_CLOSED
        if self.wanted(case) == (case.referent_user, case.referent_structure):
            return "a déjà ce référent"
        return None

    def apply(self, session: Session, case: Case, who: Who) -> None:
        user, structure = self.wanted(case)
        followup.assign_referent(
            session,
            case=case,
            user=user,
            structure=structure,
            by=who.by,
            now=who.now,
            actor=who.actor,
        )

    def detail(self) -> str:
        user = "inchangé" if self.keep_user else _id(self.user)
        structure = "inchangée" if self.keep_structure else _id(self.structure)
        return f"référent={user}; structure={structure}"


@dataclass(frozen=True)
class TaskChange:
    """Add the same task to each open file."""

    title: str
    due_on: date
    user: User | None
    structure: Structure | None
    action: BulkAction = BulkAction.TASK

    def left_because(self, case: Case) -> str | None:
        return None if case.is_open else CASE_CLOSED

    def apply(self, session: Session, case: Case, who: Who) -> None:
        followup.add_task(
            session,
            case=case,
            title=self.title,
            due_on=self.due_on,
            user=self.user,
            structure=self.structure,
            by=who.by,
            actor=who.actor,
        )

    def detail(self) -> str:
        return f"échéance={self.due_on.isoformat()}; pour={_id(self.user or self.structure)}"


@dataclass(frozen=True)
class CloseChange:
    """Close each open file with the same reason (and what closing asks)."""

    reason: ReferenceItem
    known_to_partner: KnownToPartner
    solution: ReferenceItem | None
    solution_since: date | None
    on: date
    action: BulkAction = BulkAction.CLOSE

    def left_because(self, case: Case) -> str | None:
        return None if case.is_open else "déjà clos"

    def apply(self, session: Session, case: Case, who: Who) -> None:
        followup.close_case(
            session,
            case=case,
            reason=self.reason,
            known_to_partner=self.known_to_partner,
            solution=self.solution,
            solution_since=self.solution_since,
            on=self.on,
            by=who.by,
            now=who.now,
            actor=who.actor,
        )

    def detail(self) -> str:
        return f"motif={self.reason.code}"


@dataclass(frozen=True)
class Plan:
    """What a bulk action would do to a selection: the files that change, and how many stay
    as they are, by reason."""

    changing: list[Case]
    left: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.changing)

    @property
    def left_count(self) -> int:
        return sum(self.left.values())

    @property
    def versions(self) -> dict[int, int]:
        """The version of each file that changes, as the user confirms it."""
        return {case.id: case.version for case in self.changing}


def current_case(youth: Youth) -> Case | None:
    """The file a bulk action works on: the open case, else the latest."""
    return youth.open_case or youth.latest_case


def plan_bulk(youths: Iterable[Youth], change: Change) -> Plan:
    changing: list[Case] = []
    left: dict[str, int] = {}
    for youth in youths:
        case = current_case(youth)
        reason = NO_CASE if case is None else change.left_because(case)
        if reason is not None:
            left[reason] = left.get(reason, 0) + 1
        elif case is not None:
            changing.append(case)
    return Plan(changing, left)


class StaleSelectionError(DomainError):
    status_code = 409


def apply_bulk(
    session: Session,
    *,
    youths: Sequence[Youth],
    change: Change,
    confirmed: Mapping[int, int],
    list_query: str,
    who: Who,
) -> Plan:
    """Apply ``change`` to the files of ``youths`` that it changes, provided they are exactly
    those the user confirmed, at the versions confirmed (else nothing is done)."""
    plan = plan_bulk(youths, change)
    if plan.versions != dict(confirmed):
        raise StaleSelectionError(STALE_SELECTION)
    for case in plan.changing:
        change.apply(session, case, who)
    audit.record(
        session,
        who.actor,
        AuditAction.BULK_APPLIED,
        object_type="youth_list",
        detail=(
            f"action={change.action.value}; {change.detail()}; dossiers={plan.count}; "
            f"inchangés={plan.left_count}; {filter_detail(list_query)}"
        ),
    )
    session.flush()
    return plan
