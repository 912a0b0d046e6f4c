"""A meeting's agenda: proposed by the app from the state of the cases, then added to,
trimmed and ordered by the pilote, and published for the members.

Each line says why the youth is there (``AgendaReason`` codes) and, in ``detail``, the facts
in words (« sans solution depuis 11 semaines ; 3 tentatives sans réponse »). Positions stay
1..n. Every change is audited with ids only, refused once the minutes are validated, and
goes through the meeting's version (optimistic locking): two pilotes preparing the agenda
never overwrite each other, the second is told to look again.

The facts are read on these days: « sans solution » counts the weeks since the case opened
up to ``today`` (the PSAD's ``no_solution_weeks``); an obligation de formation step is due
by the meeting's day; an orientation refused or abandoned counts since the previous comité
(its day), or in the last three months when there was none; « ajourné » is a decision of the
previous comité. An orientation accepted or started is a solution under way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.clock import local
from psad.committees import agenda_facts, queries
from psad.committees.models import (
    TEXT_LENGTH,
    AgendaItem,
    AgendaReason,
    Committee,
    CommitteeStatus,
)
from psad.committees.services.meetings import check_version, rhythm_of
from psad.committees.services.state import CommitteeStateError, ensure_open, moved_on
from psad.followup.deadlines import add_months
from psad.followup.models import TaskRule
from psad.orientations.models import OrientationStatus, RefusedBy
from psad.youth.models import Youth

RECENT_MONTHS = 3  # without a previous comité: orientations ended in the last three months
WRONG_PSAD = "Ce jeune n'est pas suivi par la PSAD de ce comité."
NO_OPEN_CASE = "Ce jeune n'a pas de dossier ouvert : rouvrez son dossier pour l'inscrire."
ALREADY_ON = "{} est déjà à l'ordre du jour."
NOT_ON = "Cette ligne n'est pas à l'ordre du jour de ce comité."
HAS_DECISION = (
    "Une décision est enregistrée pour ce jeune : sa ligne reste à l'ordre du jour de ce comité."
)
ALREADY_PUBLISHED = "L'ordre du jour est déjà publié."
STEP_WORDS = {
    TaskRule.OBLIGATION_INTERVIEW: "entretien dû",
    TaskRule.OBLIGATION_TRANSMISSION: "transmission au conseil départemental due",
}
FIRST = [AgendaReason.ADJOURNED, *(r for r in AgendaReason if r is not AgendaReason.ADJOURNED)]
Direction = Literal["up", "down"]
Fact = tuple[int, AgendaReason, str]  # youth, reason, words


class AgendaError(CommitteeStateError):
    """The agenda cannot change this way (already on it, a decision recorded...)."""


@dataclass
class Candidate:
    """A youth the facts put on the agenda, with each reason and its words."""

    youth_id: int
    reasons: dict[AgendaReason, str] = field(default_factory=dict)

    def ordered(self) -> list[AgendaReason]:
        """Adjourned first, then in the order of ``AgendaReason``."""
        return [reason for reason in FIRST if reason in self.reasons]

    @property
    def codes(self) -> str:
        return ",".join(reason.value for reason in self.ordered())

    @property
    def detail(self) -> str:
        return " ; ".join(self.reasons[reason] for reason in self.ordered())[:TEXT_LENGTH]


@dataclass(frozen=True)
class Context:
    """What the questions are asked about: the meeting's PSAD, its day, the one before."""

    psad_id: int
    today: date
    meeting_day: date
    previous: Committee | None
    no_solution_weeks: int


# --- the facts, one question each (``psad.committees.agenda_facts``) --------------------------


def _weeks(days: int) -> str:
    weeks = days // 7
    return f"{weeks} semaine" if weeks == 1 else f"{weeks} semaines"


def _adjourned(session: Session, context: Context) -> Iterator[Fact]:
    previous = context.previous
    if previous is None:
        return
    held = f"ajourné au comité du {local(previous.starts_at):%d/%m/%Y}"
    for (youth_id,) in session.execute(agenda_facts.adjourned_at(previous.id, context.psad_id)):
        yield youth_id, AgendaReason.ADJOURNED, held


def _without_solution(session: Session, context: Context) -> Iterator[Fact]:
    opened_by = context.today - timedelta(weeks=context.no_solution_weeks)
    query = agenda_facts.without_solution(context.psad_id, opened_by=opened_by)
    for youth_id, opened_on in session.execute(query):
        words = f"sans solution depuis {_weeks((context.today - opened_on).days)}"
        yield youth_id, AgendaReason.NO_SOLUTION, words


def _unreachable(session: Session, context: Context) -> Iterator[Fact]:
    for youth_id, failed in session.execute(agenda_facts.unreachable(context.psad_id)):
        yield youth_id, AgendaReason.UNREACHABLE, f"{failed} tentatives sans réponse"


def _obligation(session: Session, context: Context) -> Iterator[Fact]:
    query = agenda_facts.obligation_due(context.psad_id, by=context.meeting_day)
    for youth_id, rule, due_on in session.execute(query):
        words = f"obligation de formation : {STEP_WORDS[rule]} le {due_on:%d/%m/%Y}"
        yield youth_id, AgendaReason.OBLIGATION_DUE, words


def _orientation_ended(session: Session, context: Context) -> Iterator[Fact]:
    previous = context.previous
    since = (
        local(previous.starts_at).date()
        if previous is not None
        else add_months(context.today, -RECENT_MONTHS)
    )
    for youth_id, status, name, refused_by, day in session.execute(
        agenda_facts.orientation_ended(context.psad_id, since=since)
    ):
        if status is OrientationStatus.REFUSED:
            who = f" {RefusedBy(refused_by).label}" if refused_by else ""
            words = f"orientation « {name} » refusée{who} le {day:%d/%m/%Y}"
            yield youth_id, AgendaReason.ORIENTATION_REFUSED, words
        else:
            words = f"orientation « {name} » abandonnée le {day:%d/%m/%Y}"
            yield youth_id, AgendaReason.ORIENTATION_ENDED, words


def _stalled(session: Session, context: Context) -> Iterator[Fact]:
    for youth_id, name, last_news in session.execute(
        agenda_facts.orientation_stalled(context.psad_id)
    ):
        since = f" depuis le {last_news:%d/%m/%Y}" if last_news else ""
        words = f"orientation « {name or 'retirée'} » sans nouvelles{since}"
        yield youth_id, AgendaReason.ORIENTATION_STALLED, words


def _darfi(session: Session, context: Context) -> Iterator[Fact]:
    for youth_id, requested_on, interview_on in session.execute(
        agenda_facts.darfi_without_solution(context.psad_id)
    ):
        asked = f"demande DARFI du {requested_on:%d/%m/%Y}"
        if interview_on is None:
            words = f"{asked} en attente d'entretien"
        else:
            words = f"{asked}, entretien tenu le {interview_on:%d/%m/%Y}, toujours sans solution"
        yield youth_id, AgendaReason.DARFI_WITHOUT_SOLUTION, words


QUESTIONS = (
    _adjourned,
    _without_solution,
    _unreachable,
    _obligation,
    _orientation_ended,
    _stalled,
    _darfi,
)


def candidates(session: Session, *, committee: Committee, today: date) -> list[Candidate]:
    """Every youth with an open case of the meeting's PSAD that the facts put on its agenda:
    the adjourned first, then those with most reasons, then by name."""
    context = Context(
        psad_id=committee.psad_id,
        today=today,
        meeting_day=local(committee.starts_at).date(),
        previous=queries.previous_committee(session, committee),
        no_solution_weeks=rhythm_of(session, committee.psad_id).no_solution_weeks,
    )
    found: dict[int, Candidate] = {}
    for question in QUESTIONS:
        for youth_id, reason, words in question(session, context):
            reasons = found.setdefault(youth_id, Candidate(youth_id)).reasons
            reasons.setdefault(reason, words)  # the first fact of a kind says it
    names = agenda_facts.names_of(session, list(found))
    return sorted(
        found.values(),
        key=lambda c: (
            AgendaReason.ADJOURNED not in c.reasons,
            -len(c.reasons),
            names.get(c.youth_id, ""),
            c.youth_id,
        ),
    )


# --- changing the agenda ----------------------------------------------------------------------


def _changing(committee: Committee, expected_version: int | None) -> None:
    """Checks before any change; the change then bumps the meeting's version."""
    ensure_open(committee)
    check_version(committee, expected_version)
    moved_on(committee)


def _renumber(committee: Committee) -> None:
    for position, item in enumerate(committee.items, start=1):
        item.position = position


def _audit(session: Session, actor: audit.Actor, committee: Committee, detail: str) -> None:
    audit.record(
        session,
        actor,
        AuditAction.AGENDA_CHANGED,
        object_type="committee",
        object_id=committee.id,
        detail=f"comité={committee.id}; {detail}",
        psad_id=committee.psad_id,
    )


@dataclass(frozen=True)
class Proposal:
    added: int
    left_out: int  # youth meeting a criterion beyond the PSAD's number of lines


def propose_agenda(
    session: Session,
    *,
    committee: Committee,
    today: date,
    by: User,
    actor: audit.Actor,
    expected_version: int | None = None,
) -> Proposal:
    """Add the youth the facts put on the agenda and not on it yet, after the lines already
    there, the most urgent first, up to the PSAD's ``max_proposed`` lines."""
    _changing(committee, expected_version)
    present = {item.youth_id for item in committee.items}
    room = max(0, rhythm_of(session, committee.psad_id).max_proposed - len(present))
    missing = [
        c
        for c in candidates(session, committee=committee, today=today)
        if c.youth_id not in present
    ]
    added = missing[:room]
    for candidate in added:
        committee.items.append(
            AgendaItem(
                youth_id=candidate.youth_id, reasons=candidate.codes, detail=candidate.detail
            )
        )
    _renumber(committee)
    session.flush()
    ids = ",".join(str(c.youth_id) for c in added) or "aucun"
    _audit(session, actor, committee, f"proposé: jeunes={ids}")
    return Proposal(added=len(added), left_out=len(missing) - len(added))


def add_item(
    session: Session,
    *,
    committee: Committee,
    youth: Youth,
    by: User,
    actor: audit.Actor,
    reason: AgendaReason = AgendaReason.ADDED,
    detail: str | None = None,
    expected_version: int | None = None,
) -> AgendaItem:
    """Put a youth of the meeting's PSAD, with an open case, at the end of the agenda."""
    _changing(committee, expected_version)
    if youth.psad_id != committee.psad_id:
        raise AgendaError(WRONG_PSAD)
    if youth.open_case is None:
        raise AgendaError(NO_OPEN_CASE)
    if any(item.youth_id == youth.id for item in committee.items):
        raise AgendaError(ALREADY_ON.format(youth.display_name))
    item = AgendaItem(
        youth=youth,
        reasons=reason.value,
        detail=(detail or "").strip()[:TEXT_LENGTH] or None,
        added_by=by,
    )
    committee.items.append(item)
    _renumber(committee)
    session.flush()
    _audit(session, actor, committee, f"ajouté: ligne={item.id}; jeune={youth.id}")
    return item


def _own(committee: Committee, item: AgendaItem) -> None:
    if item.committee_id != committee.id or item not in committee.items:
        raise AgendaError(NOT_ON)


def remove_item(
    session: Session,
    *,
    committee: Committee,
    item: AgendaItem,
    by: User,
    actor: audit.Actor,
    expected_version: int | None = None,
) -> None:
    """Take a line off the agenda (not one with a decision); the others close up."""
    _changing(committee, expected_version)
    _own(committee, item)
    if item.decision is not None:
        raise AgendaError(HAS_DECISION)
    line, youth_id = item.id, item.youth_id
    committee.items.remove(item)  # deleted with the flush (delete-orphan)
    _renumber(committee)
    session.flush()
    _audit(session, actor, committee, f"retiré: ligne={line}; jeune={youth_id}")


def move_item(
    session: Session,
    *,
    committee: Committee,
    item: AgendaItem,
    by: User,
    actor: audit.Actor,
    direction: Direction | None = None,
    position: int | None = None,
    expected_version: int | None = None,
) -> int:
    """Move a line one place up or down, or to ``position`` (clamped to 1..n); returns its
    new position."""
    _changing(committee, expected_version)
    _own(committee, item)
    lines = list(committee.items)
    index = lines.index(item)
    if position is not None:
        target = min(max(position, 1), len(lines)) - 1
    else:
        target = index - 1 if direction == "up" else index + 1
        target = min(max(target, 0), len(lines) - 1)
    lines.insert(target, lines.pop(index))
    for number, line in enumerate(lines, start=1):
        line.position = number
    session.flush()
    session.expire(committee, ["items"])  # read again in the new order
    _audit(session, actor, committee, f"déplacé: ligne={item.id}; position={target + 1}")
    return target + 1


def publish(
    session: Session,
    *,
    committee: Committee,
    by: User,
    now: datetime,
    actor: audit.Actor,
    expected_version: int | None = None,
) -> None:
    """Members see the agenda from now on (an empty agenda may be published)."""
    ensure_open(committee)
    check_version(committee, expected_version)
    if committee.status is not CommitteeStatus.DRAFT:
        raise AgendaError(ALREADY_PUBLISHED)
    committee.status = CommitteeStatus.PUBLISHED
    committee.published_at, committee.published_by_id = now, by.id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGENDA_PUBLISHED,
        object_type="committee",
        object_id=committee.id,
        detail=f"comité={committee.id}; lignes={len(committee.items)}",
        psad_id=committee.psad_id,
    )
