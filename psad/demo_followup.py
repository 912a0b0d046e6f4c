"""The demo's follow-up: a living PSAD where every part of a file can be tried.

Some youth were never contacted, some were tried in vain (call-backs due), some reached,
with a situation, needs, a stage, DARFI requests and obligation de formation steps; closed
cases have a reason; tasks are due, late or done. Recorded through the services, as people
would, so that the timeline, the tabs and the tasks agree.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, User
from psad.clock import PARIS
from psad.followup import services
from psad.followup.models import DarfiSource, Diploma, NoteKind, ObligationStep, Party
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.youth.identifiers import age_on
from psad.youth.models import Case, CaseStage, CaseStatus, KnownToPartner

ACTOR = Actor(user_id=None, psad_id=None, ip_address="demo")


def _items(session: Session, kind: ReferenceKind) -> dict[str, ReferenceItem]:
    return {
        i.code: i for i in session.scalars(select(ReferenceItem).where(ReferenceItem.kind == kind))
    }


def add_follow_up(session: Session, *, psad: Psad, counsellors: list[User], today: date) -> None:
    """Give the demo's cases a history (deterministic: the same demo every time)."""
    # made-up demo data, the same every time
    rng = random.Random(1810)  # nosec B311
    refs = {kind: _items(session, kind) for kind in ReferenceKind}
    cases = list(session.scalars(select(Case).where(Case.psad_id == psad.id).order_by(Case.id)))
    for index, case in enumerate(cases):
        by = counsellors[index % len(counsellors)]
        start = datetime.combine(case.opened_on, time(10, 0), tzinfo=PARIS)
        if case.status is CaseStatus.CLOSED:
            _closed(session, case, refs, by, today, start, rng)
        elif index % 3 == 0:
            continue  # « À traiter »: never contacted
        elif index % 4 == 1:
            _tried(session, case, refs, by, today, start, rng)
        else:
            _reached(session, case, refs, by, today, start, rng, index)
        _obligation(session, case, by, today, index)
    if counsellors and cases:
        _manual_tasks(session, cases, counsellors, today)


def _at(start: datetime, today: date, days: int) -> datetime:
    """``days`` after ``start``, never after today."""
    latest = datetime.combine(today, time(9, 30), tzinfo=PARIS)
    return min(start + timedelta(days=days), latest)


def _contact(session, case, refs, by, when, *, reached, outcome):
    data = services.ContactData(
        occurred_at=when,
        channel=refs[ReferenceKind.CONTACT_CHANNEL]["phone" if reached else "sms"],
        reached=reached,
        outcome=refs[ReferenceKind.CONTACT_OUTCOME][outcome],
        party=Party.YOUTH,
    )
    call_back = when.date() + timedelta(days=7) if not reached else None
    services.record_contact(
        session, case=case, data=data, by=by, actor=ACTOR, now=when, call_back_on=call_back
    )


def _tried(session, case, refs, by, today, start, rng):
    for attempt in range(rng.randint(1, 3)):
        when = _at(start, today, 3 + attempt * 8)
        _contact(session, case, refs, by, when, reached=False, outcome="no_answer")


def _reached(session, case, refs, by, today, start, rng, index):
    now = _at(start, today, 12)
    if index % 5 == 0:
        _contact(
            session, case, refs, by, _at(start, today, 4), reached=False, outcome="message_left"
        )
    _contact(session, case, refs, by, now, reached=True, outcome="reached")
    situations = refs[ReferenceKind.SITUATION]
    code = rng.choice(
        [
            "no_solution",
            "no_solution",
            "employed",
            "initial_training_school",
            "followed_local_mission",
        ]
    )
    services.change_situation(
        session, case=case, situation=situations[code], by=by, now=now, actor=ACTOR
    )
    wishes, obstacles = refs[ReferenceKind.WISH], refs[ReferenceKind.OBSTACLE]
    services.update_needs(
        session,
        case=case,
        project="Projet en cours de construction (démo)",
        needs=[wishes[rng.choice(list(wishes))], obstacles[rng.choice(list(obstacles))]],
        by=by,
        now=now,
        actor=ACTOR,
    )
    if index % 2 == 0:
        services.change_stage(
            session, case=case, wanted=CaseStage.SUPPORTED, by=by, now=now, actor=ACTOR
        )
    if index % 11 == 0:
        services.add_note(
            session,
            case=case,
            kind=NoteKind.DIAGNOSTIC,
            body="Souhaite reprendre une formation en alternance ; mobilité limitée (démo).",
            by=by,
            actor=ACTOR,
        )
    if index % 6 == 2 and case.youth.birth_date:
        _darfi(session, case, by, today, now, index)


def _darfi(session, case, by, today, now, index):
    requested = min(today, now.date() + timedelta(days=2))
    request = services.record_darfi_request(
        session,
        case=case,
        requested_on=requested,
        source=DarfiSource.YOUTH,
        diploma=Diploma.NONE,
        wish="Retour en lycée professionnel (démo)",
        by=by,
        today=today,
        actor=ACTOR,
    )
    if index % 12 == 2 and requested + timedelta(days=9) <= today:
        services.record_darfi_interview(
            session,
            case=case,
            request=request,
            held_on=requested + timedelta(days=9),
            outcome="Orientation vers un lycée professionnel (démo)",
            by=by,
            today=today,
            now=now,
            actor=ACTOR,
        )


def _closed(session, case, refs, by, today, start, rng):
    reasons = refs[ReferenceKind.CLOSING_REASON]
    code = rng.choice(
        ["solution_found", "solution_found", "unreachable", "refused", "out_of_scope"]
    )
    closed_on = case.closed_on or today
    case.status, case.closed_on = CaseStatus.OPEN, None  # closed again below, as people do
    when = _at(start, today, 5)
    _contact(
        session,
        case,
        refs,
        by,
        when,
        reached=code != "unreachable",
        outcome="reached" if code != "unreachable" else "no_answer",
    )
    solution = refs[ReferenceKind.SOLUTION][rng.choice(["apprenticeship", "school", "e2c", "job"])]
    services.close_case(
        session,
        case=case,
        reason=reasons[code],
        known_to_partner=rng.choice(list(KnownToPartner)),
        solution=solution if code == "solution_found" else None,
        solution_since=closed_on if code == "solution_found" else None,
        on=closed_on,
        by=by,
        now=datetime.combine(closed_on, time(11, 0), tzinfo=PARIS),
        actor=ACTOR,
    )


def _obligation(session, case, by, today, index):
    birth = case.youth.birth_date
    if not case.is_open or birth is None or age_on(birth, today) >= 18:
        return
    now = datetime.combine(today, time(9, 0), tzinfo=PARIS)
    if index % 2 == 0 and case.opened_on + timedelta(days=20) <= today:
        services.record_obligation_step(
            session,
            case=case,
            step=ObligationStep.INTERVIEW,
            done_on=case.opened_on + timedelta(days=20),
            comment=None,
            by=by,
            today=today,
            now=now,
            actor=ACTOR,
        )
    else:
        services.sync_obligation_tasks(session, case=case, today=today, now=now)


def _manual_tasks(session, cases, counsellors, today):
    open_cases = [c for c in cases if c.is_open][:12]
    for number, case in enumerate(open_cases):
        services.add_task(
            session,
            case=case,
            title="Appeler le lycée d'origine (démo)"
            if number % 2
            else "Préparer le comité technique (démo)",
            due_on=today + timedelta(days=number - 4),
            user=counsellors[number % len(counsellors)],
            structure=None,
            by=counsellors[0],
            actor=ACTOR,
        )
