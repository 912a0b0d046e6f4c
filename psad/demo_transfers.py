"""The demo's transfers: a neighbouring PSAD, one transfer waiting for the demo PSAD's
decision, one the demo PSAD proposed (waiting), and one it proposed that was refused.

Recorded through the services, as people would, so that both journals tell them. The
neighbouring PSAD has a pilote of its own (``NEIGHBOUR_LOGIN``) to try the other side.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth import services as auth
from psad.auth.login import LoginPolicy
from psad.auth.models import Psad, Role, User
from psad.clock import PARIS
from psad.transfers import services
from psad.youth.models import Case, CaseSource, CaseStatus, Sex, Youth

NEIGHBOUR_CODE = "VOISINE"
NEIGHBOUR_LOGIN = ("pilote-voisine@demo.psad.example", "Demo-voisine-2026")
ACTOR = Actor(user_id=None, psad_id=None, ip_address="demo")


def populate(session: Session, *, psad: Psad, pilot: User, today: date) -> None:
    """Create the neighbouring PSAD and the transfers (deterministic). ``psad`` is the demo
    PSAD and ``pilot`` its pilote."""
    neighbour = auth.create_psad(
        session,
        code=NEIGHBOUR_CODE,
        name="PSAD voisine (fictive)",
        territory="Communes fictives voisines",
        actor=ACTOR,
    )
    email, password = NEIGHBOUR_LOGIN
    their_pilot = auth.create_user(
        session,
        email=email,
        full_name="Pilote de la PSAD voisine (démo)",
        password=password,
        policy=LoginPolicy(),
        actor=ACTOR,
    )
    auth.add_membership(
        session, user=their_pilot, psad=neighbour, role=Role.PILOT, structure=None, actor=ACTOR
    )
    moved_in = _neighbour_youth(session, neighbour, today)
    morning = datetime.combine(today, time(9, 15), tzinfo=PARIS)
    services.propose_transfer(
        session,
        youth=moved_in,
        to_psad=psad,
        comment="La jeune a emménagé chez sa tante à Démo-ville ; elle souhaite préparer un CAP.",
        by=their_pilot,
        now=morning - timedelta(days=2),
        actor=Actor(user_id=their_pilot.id, psad_id=neighbour.id, ip_address="demo"),
    )
    ours = Actor(user_id=pilot.id, psad_id=psad.id, ip_address="demo")
    youth = _open_youth(session, psad, count=2)
    if len(youth) < 2:
        return
    sent = [
        (
            youth[0],
            "Déménagement annoncé par la famille ; nouvelle adresse dans la PSAD voisine.",
            1,
        ),
        (youth[1], "Le jeune dit vouloir s'installer chez son père.", 9),
    ]
    transfers = [
        services.propose_transfer(
            session,
            youth=leaving,
            to_psad=neighbour,
            comment=comment,
            by=pilot,
            now=morning - timedelta(days=days_ago),
            actor=ours,
        )
        for leaving, comment, days_ago in sent
    ]
    services.refuse_transfer(
        session,
        transfer=transfers[1],
        reason="Le père habite hors de notre territoire : voyez la PSAD de son département.",
        by=their_pilot,
        now=morning - timedelta(days=7),
        actor=Actor(user_id=their_pilot.id, psad_id=neighbour.id, ip_address="demo"),
    )


def _neighbour_youth(session: Session, neighbour: Psad, today: date) -> Youth:
    youth = Youth(
        psad=neighbour,
        last_name="Fictive-Voisine",
        first_name="Maëlys",
        sex=Sex.FEMALE,
        birth_date=today - timedelta(days=17 * 365 + 40),
        postal_code="59000",
        commune="Démo-ville",
    )
    youth.refresh_keys()
    session.add(
        Case(
            youth=youth,
            psad_id=neighbour.id,
            status=CaseStatus.OPEN,
            source=CaseSource.REFERRAL,
            source_detail="Signalement fictif",
            opened_on=today - timedelta(days=60),
        )
    )
    session.flush()
    return youth


def _open_youth(session: Session, psad: Psad, *, count: int) -> list[Youth]:
    """The PSAD's first youth with an open case."""
    return list(
        session.scalars(
            select(Youth)
            .join(Case, Case.youth_id == Youth.id)
            .where(Youth.psad_id == psad.id, Case.status == CaseStatus.OPEN)
            .order_by(Youth.id)
            .limit(count)
        )
    )
