"""The comités' questions, each written once as a query builder: the meetings of a PSAD with
their counts, a meeting's agenda lines as the pages show them, the youth one may add. The
facts that put a youth on the agenda are asked in ``psad.committees.agenda_facts``.

Which meetings and which youth a viewer sees is decided above this package
(``psad.access.committees``, ``psad.access.youth``): the functions here take that scope as a
condition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    exists,
    false,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from psad.auth.models import Structure
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeStatus,
    Decision,
)
from psad.db import contains_text
from psad.errors import NotFoundError
from psad.followup.queries import OPEN_STATES
from psad.youth.identifiers import fold
from psad.youth.models import Case, Youth
from psad.youth.queries import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS

NOT_FOUND = "Ce comité n'existe pas ou n'est pas un comité de votre PSAD."
SEARCH_LIMIT = 20

# --- the meetings -----------------------------------------------------------------------------


def committee_in(session: Session, committee_id: int, scope: ColumnElement[bool]) -> Committee:
    """The meeting, if ``scope`` (``committee_scope(viewer)``) holds for it; 404 otherwise."""
    committee = session.scalar(
        select(Committee)
        .where(Committee.id == committee_id, scope)
        .options(selectinload(Committee.invited))
    )
    if committee is None:
        raise NotFoundError(NOT_FOUND)
    return committee


def _items_count() -> Any:
    return (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.committee_id == Committee.id)
        .correlate(Committee)
        .scalar_subquery()
    )


def _decisions_count() -> Any:
    return (
        select(func.count(Decision.id))
        .where(Decision.committee_id == Committee.id)
        .correlate(Committee)
        .scalar_subquery()
    )


def meetings(scope: ColumnElement[bool], *, upcoming: bool, now: datetime) -> Select[Any]:
    """The meetings of ``scope`` to come (from ``now`` on, soonest first) or past (latest
    first), each with how many youth its agenda holds and how many decisions it took."""
    query = select(Committee, _items_count(), _decisions_count()).where(scope)
    if upcoming:
        return query.where(Committee.starts_at >= now).order_by(Committee.starts_at, Committee.id)
    return query.where(Committee.starts_at < now).order_by(
        Committee.starts_at.desc(), Committee.id.desc()
    )


def invitable(psad_id: int, invited: Sequence[int] = ()) -> Select[Any]:
    """The structures a meeting may invite: the PSAD's active ones, and those already
    invited (kept when retired since)."""
    kept = Structure.id.in_(list(invited)) if invited else false()
    return (
        select(Structure)
        .where(Structure.psad_id == psad_id, or_(Structure.active.is_(True), kept))
        .order_by(Structure.name, Structure.id)
    )


def previous_committee(session: Session, committee: Committee) -> Committee | None:
    """The PSAD's latest meeting of the same kind before this one whose agenda was published
    (or minutes validated): a comité de pilotage between two comités techniques does not
    hide the youth the first one adjourned."""
    return session.scalar(
        select(Committee)
        .where(
            Committee.psad_id == committee.psad_id,
            Committee.kind == committee.kind,
            Committee.id != committee.id,
            Committee.starts_at < committee.starts_at,
            Committee.status.in_((CommitteeStatus.PUBLISHED, CommitteeStatus.VALIDATED)),
        )
        .order_by(Committee.starts_at.desc(), Committee.id.desc())
        .limit(1)
    )


# --- a meeting's agenda as the pages show it --------------------------------------------------


@dataclass(frozen=True)
class AgendaLine:
    """One line of an agenda: the youth, why they are there, who follows them, and the
    comité's decision once recorded."""

    item: AgendaItem
    youth: Youth
    reasons: list[AgendaReason]
    referent: str | None
    decision: Decision | None
    decision_text: str | None

    @property
    def initials(self) -> str:
        """« É. L. » (first name, then last name): the minimised version's name."""
        letters = (self.youth.first_name.strip()[:1], self.youth.last_name.strip()[:1])
        return " ".join(f"{letter.upper()}." for letter in letters if letter)

    @property
    def birth_year(self) -> int | None:
        return self.youth.birth_date.year if self.youth.birth_date else None


def _referent(case: Case | None) -> str | None:
    if case is None:
        return None
    names = [
        case.referent_user.full_name if case.referent_user else None,
        case.referent_structure.name if case.referent_structure else None,
    ]
    return " · ".join(name for name in names if name) or None


def decision_text(decision: Decision | None) -> str | None:
    """« Orientation proposée · E2C Lille · d'ici le 15/01/2027 »."""
    if decision is None:
        return None
    who = decision.acting_user.full_name if decision.acting_user else None
    where = decision.acting_structure.name if decision.acting_structure else None
    due = f"d'ici le {decision.due_on:%d/%m/%Y}" if decision.due_on else None
    return " · ".join(part for part in (decision.kind.label, where, who, due) if part)


def agenda_items(committee_id: int, item_scope: ColumnElement[bool]) -> Select[AgendaItem]:
    """The lines of the agenda that ``item_scope`` (``visible_items(viewer)``) lets the
    viewer see, in their order, with what a line shows."""
    current = selectinload(AgendaItem.youth).selectinload(Youth.current_case)
    return (
        select(AgendaItem)
        .where(AgendaItem.committee_id == committee_id, item_scope)
        .options(
            current.joinedload(Case.referent_user),
            current.joinedload(Case.referent_structure),
            selectinload(AgendaItem.decision).options(
                joinedload(Decision.acting_structure), joinedload(Decision.acting_user)
            ),
        )
        .order_by(AgendaItem.position, AgendaItem.id)
    )


def agenda_lines(
    session: Session, committee_id: int, item_scope: ColumnElement[bool]
) -> list[AgendaLine]:
    return [
        AgendaLine(
            item=item,
            youth=item.youth,
            reasons=item.reason_list,
            referent=_referent(item.youth.current_case),
            decision=item.decision,
            decision_text=decision_text(item.decision),
        )
        for item in session.scalars(agenda_items(committee_id, item_scope))
    ]


def agenda_size(session: Session, committee_id: int) -> int:
    """How many youth the agenda holds (what a reader sees)."""
    query = select(func.count(AgendaItem.id)).where(AgendaItem.committee_id == committee_id)
    return session.scalar(query) or 0


def addable_youth(
    scope: ColumnElement[bool], committee: Committee, text: str
) -> Select[Youth] | None:
    """Youth of ``scope`` (``youth_scope(viewer)``) with an open case in the meeting's PSAD,
    whose name holds every word of ``text``, not yet on the agenda (None: nothing typed)."""
    words = fold(text[:SEARCH_MAX_LENGTH]).split()[:SEARCH_MAX_WORDS]
    if not words:
        return None
    on_agenda = exists().where(
        AgendaItem.committee_id == committee.id, AgendaItem.youth_id == Youth.id
    )
    return (
        select(Youth)
        .where(
            scope,
            Youth.psad_id == committee.psad_id,
            Youth.list_state.in_(OPEN_STATES),
            not_(on_agenda),
            *(contains_text(Youth.search_key, word) for word in words),
        )
        .order_by(Youth.search_key, Youth.id)
        .limit(SEARCH_LIMIT)
    )
