"""The comités' questions, each written once as a query builder: the meetings of a PSAD with
their counts, a meeting's agenda lines as the pages show them, the youth one may add, and
the questions that put a youth on the agenda (« sans solution depuis N semaines »,
« injoignable », obligation de formation due, orientation refused, abandoned or without
news, DARFI without a solution, adjourned at the previous comité).

Which meetings and which youth a viewer sees is decided above this package
(``psad.access.committees``, ``psad.access.youth``): the functions here take that scope as a
condition. The agenda questions return one row per fact about an open case of the PSAD,
with what the line's detail says; ``services.agenda`` gathers them per youth. They reuse the
follow-up's conditions (« sans solution », the list's copy of each youth's state) and the
rules that made the tasks (obligation de formation, orientation without news).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from psad.auth.models import Psad, Structure
from psad.committees.models import (
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.db import contains_text
from psad.errors import NotFoundError
from psad.followup.models import Contact, DarfiRequest, Task, TaskRule
from psad.followup.queries import OPEN_STATES, no_solution
from psad.followup.services.tasks import RULE_OF_STEP
from psad.orientations.models import (
    TAKING_A_PLACE,
    Orientation,
    OrientationStatus,
    Programme,
)
from psad.youth.identifiers import fold
from psad.youth.models import Case, CaseStage, CaseStatus, ListState, Youth
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
    """The PSAD's latest meeting before this one whose agenda was published (or minutes
    validated)."""
    return session.scalar(
        select(Committee)
        .where(
            Committee.psad_id == committee.psad_id,
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


# --- why a youth goes on the agenda -----------------------------------------------------------


def _open_cases(psad_id: int) -> Select[Any]:
    """The open cases of the PSAD (the columns are the caller's)."""
    return select().where(Case.psad_id == psad_id, Case.status == CaseStatus.OPEN)


def under_way() -> ColumnElement[bool]:
    """The case has an orientation under way (accepted or started): a solution."""
    return exists().where(Orientation.case_id == Case.id, Orientation.status.in_(TAKING_A_PLACE))


def without_solution(psad_id: int, *, opened_by: date) -> Select[Any]:
    """Open cases opened on ``opened_by`` or before, whose situation is « sans solution » (or
    not yet known), with no orientation under way nor solution decided: youth, opened on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Case.opened_on)
        .where(
            Case.opened_on <= opened_by,
            or_(Case.situation_id.is_(None), no_solution()),
            or_(Case.decided_stage.is_(None), Case.decided_stage != CaseStage.SOLUTION),
            not_(under_way()),
        )
    )


def _effective(contact: type[Contact]) -> ColumnElement[bool]:
    """No correction replaced the contact (« annule et remplace »)."""
    correction = aliased(Contact)
    return not_(exists().where(correction.replaces_id == contact.id))


def failed_in_a_row() -> Any:
    """How many effective attempts of the case failed since the youth was last reached (a
    correlated count on ``Case``)."""
    attempt, reached = aliased(Contact), aliased(Contact)
    reached_later = exists().where(
        reached.case_id == attempt.case_id,
        reached.reached.is_(True),
        _effective(reached),
        or_(
            reached.occurred_at > attempt.occurred_at,
            and_(reached.occurred_at == attempt.occurred_at, reached.id > attempt.id),
        ),
    )
    return (
        select(func.count(attempt.id))
        .where(
            attempt.case_id == Case.id,
            attempt.reached.is_(False),
            _effective(attempt),
            not_(reached_later),
        )
        .correlate(Case)
        .scalar_subquery()
    )


def unreachable(psad_id: int) -> Select[Any]:
    """Open cases whose latest contact failed (the list's « À recontacter » state) after as
    many failed attempts in a row as the PSAD counts before « injoignable »: youth,
    attempts."""
    failed = failed_in_a_row()
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, failed)
        .join(Youth, Youth.id == Case.youth_id)
        .join(Psad, Psad.id == Case.psad_id)
        .where(Youth.list_state == ListState.NEEDS_CALL, failed >= Psad.unreachable_after)
    )


def obligation_due(psad_id: int, *, by: date) -> Select[Any]:
    """Open obligation de formation tasks (interview, transmission) due on ``by`` or before:
    youth, rule, due on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Task.rule, Task.due_on)
        .join(Task, Task.case_id == Case.id)
        .where(
            Task.rule.in_(list(RULE_OF_STEP.values())),
            Task.done_at.is_(None),
            Task.due_on <= by,
        )
        .order_by(Task.due_on, Task.id)
    )


ENDED = (OrientationStatus.REFUSED, OrientationStatus.ABANDONED)


def orientation_ended(psad_id: int, *, since: date) -> Select[Any]:
    """Open cases whose latest orientation (cancelled ones aside) was refused or abandoned on
    ``since`` or after: youth, status, dispositif, refused by, day."""
    newer = aliased(Orientation)
    later_one = exists().where(
        newer.case_id == Orientation.case_id,
        newer.status != OrientationStatus.CANCELLED,
        or_(
            newer.proposed_on > Orientation.proposed_on,
            and_(newer.proposed_on == Orientation.proposed_on, newer.id > Orientation.id),
        ),
    )
    day = func.coalesce(
        Orientation.refused_on, Orientation.ended_on, Orientation.last_news_on
    ).label("day")
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Orientation.status, Programme.name, Orientation.refused_by, day)
        .join(Orientation, Orientation.case_id == Case.id)
        .join(Programme, Programme.id == Orientation.programme_id)
        .where(Orientation.status.in_(ENDED), not_(later_one), day >= since)
    )


def orientation_stalled(psad_id: int) -> Select[Any]:
    """Open « orientation sans nouvelles » tasks (``orientations.jobs``): youth, dispositif,
    last news."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, Programme.name, Orientation.last_news_on)
        .join(Task, Task.case_id == Case.id)
        .outerjoin(Orientation, Orientation.id == Task.fact_id)
        .outerjoin(Programme, Programme.id == Orientation.programme_id)
        .where(Task.rule == TaskRule.ORIENTATION_STALLED, Task.done_at.is_(None))
    )


def darfi_without_solution(psad_id: int) -> Select[Any]:
    """DARFI requests of open cases still waiting for their interview (the list's
    ``darfi_waiting``), or whose interview took place without an orientation under way since:
    youth, requested on, interview on."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id, DarfiRequest.requested_on, DarfiRequest.interview_on)
        .join(DarfiRequest, DarfiRequest.case_id == Case.id)
        .join(Youth, Youth.id == Case.youth_id)
        .where(
            or_(
                and_(DarfiRequest.interview_on.is_(None), Youth.darfi_waiting.is_(True)),
                and_(DarfiRequest.interview_on.is_not(None), not_(under_way())),
            )
        )
        .order_by(DarfiRequest.requested_on.desc(), DarfiRequest.id.desc())  # latest first
    )


def adjourned_at(committee_id: int, psad_id: int) -> Select[Any]:
    """Youth with an open case that the meeting adjourned."""
    return (
        _open_cases(psad_id)
        .add_columns(Case.youth_id)
        .join(Decision, Decision.youth_id == Case.youth_id)
        .where(Decision.committee_id == committee_id, Decision.kind == DecisionKind.ADJOURNED)
    )


def names_of(session: Session, youth_ids: Sequence[int]) -> dict[int, str]:
    """The folded names of these youth (the agenda's order among equals)."""
    if not youth_ids:
        return {}
    query = select(Youth.id, Youth.search_key).where(Youth.id.in_(list(youth_ids)))
    return {youth_id: key for youth_id, key in session.execute(query)}
