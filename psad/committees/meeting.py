"""The meeting mode's page data: the agenda as the viewer sees it, and for one youth what
matters to decide.

Beside each youth: the file at a glance (age, commune, referent, situation and stage), why
they are on the agenda, the last contacts, the previous comité's decision and what happened
since, the orientations under way, and the dispositifs the youth is eligible for (or under
conditions) with their sites' places left this school year. A fixed number of statements,
whatever the contacts, orientations and sites (no N+1); the template only shows the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from psad.auth.models import Structure
from psad.auth.queries import active_structures
from psad.committees.models import AgendaItem, Committee, Decision
from psad.committees.services.attendance import Member, members
from psad.committees.services.decisions import (
    NOT_FROM_A_COMMITTEE,
    committee_title,
    decision_what,
    who_acts,
)
from psad.followup.models import Contact, Task, TaskRule
from psad.followup.services.case import current_stage
from psad.orientations import file
from psad.orientations.eligibility import State
from psad.orientations.eligibility_page import VerdictLine, eligibility_page
from psad.orientations.file import Option, OrientationRow
from psad.orientations.models import NewsKind, Orientation, OrientationStatus, OrientationStep
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import active_items
from psad.youth.models import Case, Youth

LAST_CONTACTS = 3


@dataclass(frozen=True)
class Agenda:
    """The lines of a comité's agenda the viewer sees, in order (youth and decision loaded)."""

    committee: Committee
    items: list[AgendaItem]

    @property
    def total(self) -> int:
        return len(self.items)

    def at(self, n: int) -> AgendaItem | None:
        """The ``n``-th line, counted from 1."""
        return self.items[n - 1] if 1 <= n <= len(self.items) else None

    @property
    def first_undecided(self) -> int:
        """The position of the first line without a decision (the first when all have one)."""
        return next((n for n, item in enumerate(self.items, 1) if item.decision is None), 1)

    @property
    def decided(self) -> int:
        return sum(1 for item in self.items if item.decision is not None)


def agenda_of(session: Session, committee: Committee, visible: ColumnElement[bool]) -> Agenda:
    """``visible`` is the viewer's condition on ``AgendaItem`` (``psad.access.committees``)."""
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.committee_id == committee.id, visible)
        .options(
            joinedload(AgendaItem.youth),
            joinedload(AgendaItem.decision).joinedload(Decision.recorded_by),
        )
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    return Agenda(committee, list(items))


@dataclass(frozen=True)
class ContactLine:
    at: datetime
    channel: str
    reached: bool
    outcome: str | None


@dataclass(frozen=True)
class DecisionView:
    """A recorded decision as the pages show it."""

    title: str  # « Comité technique du 08/12/2026 »
    what: str
    who_acts: str | None
    due_on: date | None
    comment: str | None
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class Since:
    """What happened after a decision: contacts, orientation steps, the decision's task."""

    contacts: int
    latest_contact: ContactLine | None
    steps: int
    latest_step: str | None
    task: str | None


@dataclass(frozen=True)
class Previous:
    decision: DecisionView
    since: Since


@dataclass(frozen=True)
class DispositifLine:
    name: str
    state: str
    conditional: bool  # eligible under conditions
    conditions: list[str]
    sites: list[tuple[str, str]]  # (site, places left this school year)


@dataclass(frozen=True)
class YouthFacts:
    youth: Youth
    age: int | None
    commune: str | None
    referent: str | None
    case_state: str
    situation: str | None
    reasons: list[str]
    detail: str | None
    contacts: list[ContactLine]
    previous: Previous | None
    orientations: list[OrientationRow]  # under way
    last_ended: OrientationRow | None  # the latest one over, when none is under way
    eligible: list[DispositifLine]  # with sites in the PSAD
    eligible_elsewhere: list[DispositifLine]  # without a site in the PSAD
    school_year: str


def youth_facts(session: Session, *, item: AgendaItem, today: date) -> YouthFacts:
    youth = item.youth
    case = youth.open_case or youth.latest_case
    rows = file.rows_of(
        session, file.youth_orientations(session, youth.id), may_update=lambda _: False
    )
    under_way = [row for row in rows if row.orientation.is_open]
    page = eligibility_page(session, youth=youth, on=today)
    fitting = [line for line in page.lines if line.fits]
    return YouthFacts(
        youth=youth,
        age=youth.age_on(today),
        commune=youth.commune,
        referent=who_acts(case.referent_structure, case.referent_user) if case else None,
        case_state=_case_state(session, case),
        situation=case.situation.label if case and case.situation else None,
        reasons=[reason.label for reason in item.reason_list],
        detail=item.detail,
        contacts=_last_contacts(session, case),
        previous=_previous(session, item, today),
        orientations=under_way,
        last_ended=None if under_way else next(iter(rows), None),
        eligible=[_dispositif(line) for line in fitting if line.sites],
        eligible_elsewhere=[_dispositif(line) for line in fitting if not line.sites],
        school_year=page.school_year,
    )


def _dispositif(line: VerdictLine) -> DispositifLine:
    return DispositifLine(
        name=line.verdict.programme.name,
        state=line.verdict.state.label,
        conditional=line.verdict.state is State.ELIGIBLE_IF,
        conditions=line.verdict.conditions,
        sites=[(site.site.label, site.places.text) for site in line.sites],
    )


def _case_state(session: Session, case: Case | None) -> str:
    if case is None:
        return "Aucun dossier de suivi"
    if not case.is_open:
        closed = f" le {case.closed_on:%d/%m/%Y}" if case.closed_on else ""
        return f"Dossier clos{closed}"
    return f"Dossier ouvert le {case.opened_on:%d/%m/%Y} · {current_stage(session, case).label}"


def _effective_contacts(case_id: int) -> ColumnElement[bool]:
    """The case's contacts that no correction replaced."""
    newer = aliased(Contact)
    return and_(Contact.case_id == case_id, not_(exists().where(newer.replaces_id == Contact.id)))


def _contact_line(contact: Contact) -> ContactLine:
    return ContactLine(
        at=contact.occurred_at,
        channel=contact.channel.label,
        reached=contact.reached,
        outcome=contact.outcome.label if contact.outcome else None,
    )


def _last_contacts(
    session: Session,
    case: Case | None,
    *,
    after: datetime | None = None,
    limit: int = LAST_CONTACTS,
) -> list[ContactLine]:
    if case is None:
        return []
    query = select(Contact).where(_effective_contacts(case.id))
    if after is not None:
        query = query.where(Contact.occurred_at > after)
    contacts = session.scalars(
        query.options(joinedload(Contact.channel), joinedload(Contact.outcome))
        .order_by(Contact.occurred_at.desc(), Contact.id.desc())
        .limit(limit)
    )
    return [_contact_line(contact) for contact in contacts]


def view_of(session: Session, decision: Decision, committee: Committee) -> DecisionView:
    return DecisionView(
        title=committee_title(committee),
        what=decision_what(session, decision),
        who_acts=who_acts(decision.acting_structure, decision.acting_user),
        due_on=decision.due_on,
        comment=decision.comment,
        recorded_by=decision.recorded_by.full_name if decision.recorded_by else None,
        recorded_at=decision.recorded_at,
    )


def _previous(session: Session, item: AgendaItem, today: date) -> Previous | None:
    """The youth's latest decision at an earlier comité, and what happened since."""
    committee = item.committee
    found = session.execute(
        select(Decision, Committee)
        .join(Committee, Committee.id == Decision.committee_id)
        .where(
            Decision.youth_id == item.youth_id,
            Committee.id != committee.id,
            Committee.starts_at < committee.starts_at,
        )
        .options(
            joinedload(Decision.acting_structure),
            joinedload(Decision.acting_user),
            joinedload(Decision.recorded_by),
            joinedload(Decision.closing_reason),
            joinedload(Decision.case),
        )
        .order_by(Committee.starts_at.desc(), Decision.id.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    decision, earlier = found
    return Previous(view_of(session, decision, earlier), _since(session, decision, today))


def _since(session: Session, decision: Decision, today: date) -> Since:
    case, after = decision.case, decision.recorded_at
    contacts = 0
    if case is not None:
        contacts = (
            session.scalar(
                select(func.count())
                .select_from(Contact)
                .where(_effective_contacts(case.id), Contact.occurred_at > after)
            )
            or 0
        )
    latest = _last_contacts(session, case, after=after, limit=1)
    steps = (
        select(OrientationStep)
        .join(Orientation, Orientation.id == OrientationStep.orientation_id)
        .where(
            Orientation.youth_id == decision.youth_id,
            OrientationStep.occurred_at > after,
            # the proposal the decision made is the decision, not what followed it
            or_(
                Orientation.decision_id.is_(None),
                Orientation.decision_id != decision.id,
                OrientationStep.status != OrientationStatus.PROPOSED,
            ),
        )
    )
    count = session.scalar(select(func.count()).select_from(steps.subquery())) or 0
    step = session.scalar(
        steps.options(joinedload(OrientationStep.orientation).joinedload(Orientation.programme))
        .order_by(OrientationStep.occurred_at.desc(), OrientationStep.id.desc())
        .limit(1)
    )
    return Since(
        contacts=contacts,
        latest_contact=latest[0] if latest else None,
        steps=count,
        latest_step=_step_text(step),
        task=_task_text(session, decision, today),
    )


def _step_text(step: OrientationStep | None) -> str | None:
    if step is None:
        return None
    what = "Nouvelles" if step.kind is NewsKind.NEWS else step.status.label
    return f"{step.orientation.programme.name} : {what} le {step.on:%d/%m/%Y}"


def _task_text(session: Session, decision: Decision, today: date) -> str | None:
    task = session.scalar(
        select(Task)
        .where(Task.rule == TaskRule.COMMITTEE_DECISION, Task.fact_id == decision.id)
        .order_by(Task.id)
        .limit(1)
    )
    if task is None:
        return None
    if task.done_at is not None:
        return f"Tâche faite (échéance du {task.due_on:%d/%m/%Y})"
    late = task.days_late(today)
    if late:
        days = f"{late} jour{'s' if late > 1 else ''}"
        return f"Tâche en retard de {days} (échéance du {task.due_on:%d/%m/%Y})"
    return f"Tâche à faire pour le {task.due_on:%d/%m/%Y}"


# --- the decision form's choices ----------------------------------------------------------------


@dataclass(frozen=True)
class FormChoices:
    options: list[tuple[str, list[Option]]]  # « dispositif · site » by family
    structures: Sequence[Structure]
    members: list[Member]
    reasons: list[ReferenceItem]

    def option(self, value: str | None) -> Option | None:
        return next((o for _, group in self.options for o in group if o.value == value), None)


def form_choices(session: Session, *, youth: Youth, psad_id: int, today: date) -> FormChoices:
    return FormChoices(
        options=file.orient_options(session, youth, today),
        structures=active_structures(session, psad_id),
        members=members(session, psad_id, acting_only=True),
        reasons=[
            item
            for item in active_items(session, ReferenceKind.CLOSING_REASON)
            if item.code not in NOT_FROM_A_COMMITTEE
        ],
    )
