"""The demo's comités techniques: the PSAD's rhythm (the 2nd Tuesday of each month at 14:00),
two past comités with their agenda, attendance, decisions and validated minutes (one
amended), and the next comité with the agenda the app proposes, not yet published.

Recorded through the services, as people would, so that the decisions create their
orientations and tasks, and the timelines and journals tell them. A decision of the first
comité is still to do: its task is late, so « Décisions en retard » has something to show.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, Structure, StructureKind, User
from psad.clock import PARIS
from psad.committees import rhythm as rhythms
from psad.committees.models import Committee, CommitteeKind, DecisionKind
from psad.committees.services import agenda, attendance, decisions, meetings, minutes
from psad.orientations.models import Programme, ProgrammeSite
from psad.reference.models import ReferenceKind
from psad.reference.services import item_by_code

PLACE = "CIO de Démo-ville, salle du conseil"
AGENDA_LENGTH = 6


def populate(
    session: Session,
    *,
    psad: Psad,
    structures: dict[StructureKind, Structure],
    counsellors: list[User],
    today: date,
) -> None:
    """``counsellors``: the demo's pilote, co-pilote and partner, in that order."""
    pilot, copilot, partner = counsellors[:3]
    actor = Actor(user_id=pilot.id, psad_id=psad.id, ip_address="demo")
    rhythm = meetings.save_rhythm(
        session,
        psad_id=psad.id,
        weekday=1,
        week_of_month=2,
        starts_at=time(14, 0),
        duration_minutes=120,
        place=PLACE,
        no_solution_weeks=8,
        overdue_decision_days=7,
        actor=actor,
    )
    invited = [structures[kind] for kind in StructureKind if kind in structures]
    past = [rhythms.next_dates(rhythm, today - timedelta(days=days), 1)[0] for days in (75, 40)]
    for index, starts_at in enumerate(past):
        committee = _plan(session, psad, starts_at, invited, pilot, actor)
        _hold(session, committee, pilot, copilot, partner, structures, actor, first=index == 0)
    upcoming = rhythms.next_dates(rhythm, today + timedelta(days=1), 1)[0]
    committee = _plan(session, psad, upcoming, invited, pilot, actor)
    agenda.propose_agenda(
        session, committee=committee, today=today, by=pilot, actor=actor, expected_version=None
    )


def _plan(
    session: Session,
    psad: Psad,
    starts_at: datetime,
    invited: list[Structure],
    pilot: User,
    actor: Actor,
) -> Committee:
    return meetings.plan_committee(
        session,
        psad=psad,
        kind=CommitteeKind.TECHNICAL,
        starts_at=starts_at,
        duration_minutes=120,
        place=PLACE,
        video_link=None,
        agenda_note="Situations des jeunes sans solution ; retour sur les orientations en cours.",
        invited=invited,
        by=pilot,
        actor=actor,
    )


def _hold(
    session: Session,
    committee: Committee,
    pilot: User,
    copilot: User,
    partner: User,
    structures: dict[StructureKind, Structure],
    actor: Actor,
    *,
    first: bool,
) -> None:
    """Prepare, publish and hold a past comité, then validate its minutes."""
    day = committee.starts_at.astimezone(PARIS).date()
    agenda.propose_agenda(
        session, committee=committee, today=day, by=pilot, actor=actor, expected_version=None
    )
    for item in list(committee.items)[AGENDA_LENGTH:]:
        agenda.remove_item(
            session, committee=committee, item=item, by=pilot, actor=actor, expected_version=None
        )
    at = datetime.combine(day, time(10, 0), tzinfo=PARIS)
    agenda.publish(
        session,
        committee=committee,
        by=pilot,
        now=at - timedelta(days=5),
        actor=actor,
        expected_version=None,
    )
    attendance.record_attendance(
        session,
        committee=committee,
        present=[pilot.id, copilot.id, partner.id],
        guests=[attendance.Guest(name="Référent décrochage (invité)", organisation="Collège")],
        actor=actor,
    )
    plans = _decisions(session, committee, copilot, structures, first=first)
    for item, (kind, programme, site, reason, structure, user, due, comment) in zip(
        committee.items, plans, strict=False
    ):
        decisions.record_decision(
            session,
            item=item,
            kind=kind,
            programme=programme,
            site=site,
            closing_reason=reason,
            acting_structure=structure,
            acting_user=user,
            due_on=due,
            comment=comment,
            by=pilot,
            actor=actor,
            today=day,
            confirm_full=True,
            now=datetime.combine(day, time(14, 30), tzinfo=PARIS),
        )
    minutes.validate_minutes(
        session,
        committee=committee,
        version=None,
        by=pilot,
        now=at + timedelta(days=1),
        actor=actor,
    )
    if first:
        minutes.amend_minutes(
            session,
            committee=committee,
            text="La mission locale reprend aussi le suivi du jeune examiné en 2e position.",
            decision=None,
            by=pilot,
            now=at + timedelta(days=3),
            actor=actor,
        )


def _decisions(
    session: Session,
    committee: Committee,
    copilot: User,
    structures: dict[StructureKind, Structure],
    *,
    first: bool,
) -> list[tuple[Any, ...]]:
    """What the comité decides for its lines, in order (the orientation to a site with
    places left, a referent, a contact to make, watching, adjourned, a closing)."""
    day = committee.starts_at.astimezone(PARIS).date()
    immersion = session.scalar(
        select(ProgrammeSite)
        .join(Programme)
        .where(Programme.code == "IMMERSION", ProgrammeSite.psad_id == committee.psad_id)
    )
    mission = structures.get(StructureKind.LOCAL_MISSION)
    refused = item_by_code(session, ReferenceKind.CLOSING_REASON, "refused")
    return [
        (
            DecisionKind.ORIENTATION,
            immersion.programme if immersion else None,
            immersion,
            None,
            immersion.structure if immersion else None,
            None,
            day + timedelta(days=21),
            "Entretien de positionnement à organiser avec le coordonnateur MLDS.",
        ),
        (
            DecisionKind.REFERENT,
            None,
            None,
            None,
            mission,
            copilot,
            None,
            "La mission locale devient référente.",
        ),
        (
            DecisionKind.CONTACT,
            None,
            None,
            None,
            mission,
            copilot,
            day + timedelta(days=10),
            "Appeler la famille avant la fin du mois." if first else "Relancer par SMS.",
        ),
        (DecisionKind.WATCH, None, None, None, None, None, None, "À revoir au prochain comité."),
        (DecisionKind.ADJOURNED, None, None, None, None, None, None, "Informations manquantes."),
        (
            DecisionKind.CLOSE,
            None,
            None,
            refused,
            None,
            None,
            None,
            "Le jeune ne souhaite pas être accompagné.",
        ),
    ]
