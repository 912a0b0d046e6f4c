"""The demo's offer and orientations: the communes with their centres, the demo PSAD's sites
with places for this school year and the next, an E2C that receives youth (a partner
structure without a user), vacant places declared for the return to school (one past its
date), and orientations in every state, one of them started long ago without news.

Recorded through the services, as people would, so that timelines and journals tell them.
The demo partner (the Lycée professionnel Fictif Jean-Démo) hosts the Parcours Immersion:
they see the youth oriented there.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth import services as auth
from psad.auth.models import Psad, Structure, StructureKind, User
from psad.followup.models import DarfiRequest
from psad.orientations import jobs, services, sites, vacancies
from psad.orientations.communes import ensure_communes
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    RefusedBy,
)
from psad.schoolyear import school_year_of
from psad.youth.models import Case, CaseStatus, Youth

ACTOR = Actor(user_id=None, psad_id=None, ip_address="demo")

# programme code, establishment, UAI digits (key computed), commune, hosted by, places
SITES = [
    ("IMMERSION", "Lycée professionnel Fictif Jean-Démo", "0590001", "Lille", "school", 12),
    ("COMPETENCES", "Lycée Fictif des Métiers", "0590003", "Roubaix", "mlds", 10),
    ("SAS_LNC", "Lycée de la Nouvelle Chance (fictif)", "0590005", "Tourcoing", None, 15),
    ("MICRO_LYCEE", "Micro-lycée Fictif", "0590006", "Lille", None, 2),
    ("E2C", "E2C de Démo-ville", None, "Valenciennes", "e2c", 20),
    ("DEP", "Lycée Fictif Marie-Exemple", "0590002", "Arras", None, 8),
    ("FLS", "Lycée Fictif Marie-Exemple", "0590002", "Lille", None, 15),
    ("SCA", "Lycée Fictif de la Somme", "0800007", "Amiens", "mlds", 6),
    ("PPDS", "Collège Fictif Victor-Essai", "0590004", "Lille", None, 30),
]
# UAI digits, establishment, commune, formation, field, places, days from today to its end
VACANCIES = [
    (
        "0590001",
        "Lycée professionnel Fictif Jean-Démo",
        "Lille",
        "CAP Cuisine",
        "Hôtellerie-restauration",
        2,
        60,
    ),
    (
        "0590003",
        "Lycée Fictif des Métiers",
        "Roubaix",
        "Bac pro Métiers de l'électricité",
        "Électricité",
        1,
        40,
    ),
    (
        "0590002",
        "Lycée Fictif Marie-Exemple",
        "Arras",
        "2de générale et technologique",
        "Général",
        3,
        90,
    ),
    (
        "0800007",
        "Lycée Fictif de la Somme",
        "Amiens",
        "CAP Maintenance des véhicules",
        "Automobile",
        1,
        30,
    ),
    ("0590003", "Lycée Fictif des Métiers", "Roubaix", "CAP Menuisier", "Bois", 1, -10),  # past
]


def _uai(digits: str) -> str:
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]


def populate(
    session: Session,
    *,
    psad: Psad,
    structures: dict[StructureKind, Structure],
    pilot: User,
    today: date,
) -> None:
    ensure_communes(session)
    e2c = auth.create_structure(
        session,
        psad=psad,
        name="E2C de Démo-ville",
        kind=StructureKind.SECOND_CHANCE_SCHOOL,
        uai=None,
        commune="Valenciennes",
        email=None,
        actor=ACTOR,
    )
    hosts = {
        "school": structures[StructureKind.SCHOOL],
        "mlds": structures[StructureKind.MLDS],
        "e2c": e2c,
    }
    year = school_year_of(today)
    programmes = {p.code: p for p in session.scalars(select(Programme))}
    made: dict[str, ProgrammeSite] = {}
    for code, establishment, digits, commune, host, places in SITES:
        data = sites.SiteData(
            commune=commune,
            uai=_uai(digits) if digits else None,
            establishment=establishment,
            structure_id=hosts[host].id if host else None,
            contact="Coordonnateur (démo) · 03 53 01 09 99",
            places={year: places, year + 1: places},
        )
        made[code] = sites.save_site(
            session, programme=programmes[code], psad_id=psad.id, site=None, data=data, actor=ACTOR
        )
    for digits, establishment, commune, formation, field, count, days in VACANCIES:
        declared_on = today - timedelta(days=20) if days < 0 else today
        vacancies.declare_vacancy(
            session,
            psad=psad,
            uai=_uai(digits),
            establishment=establishment,
            commune=commune,
            formation=formation,
            field=field,
            places=count,
            available_until=today + timedelta(days=days),
            by=pilot,
            structure=None,
            actor=ACTOR,
            today=declared_on,
        )
    _orientations(session, psad=psad, pilot=pilot, programmes=programmes, made=made, today=today)


def _open_cases(session: Session, psad: Psad, count: int) -> list[Case]:
    """Open cases of youth of 16 to 25 that have no DARFI request (those wait for places)."""
    darfi = select(DarfiRequest.case_id)
    return list(
        session.scalars(
            select(Case)
            .join(Youth, Case.youth_id == Youth.id)
            .where(
                Case.psad_id == psad.id,
                Case.status == CaseStatus.OPEN,
                Case.id.not_in(darfi),
            )
            .order_by(Case.id.desc())
            .limit(count)
        )
    )


def _orientations(
    session: Session,
    *,
    psad: Psad,
    pilot: User,
    programmes: dict[str, Programme],
    made: dict[str, ProgrammeSite],
    today: date,
) -> None:
    """One orientation in each state, and a started one without news for two months."""
    actor = Actor(user_id=pilot.id, psad_id=psad.id, ip_address="demo")
    plan: list[tuple[str, list[Step], int]] = [
        ("IMMERSION", [], 5),
        ("E2C", [OrientationStatus.ACCEPTED], 12),
        ("COMPETENCES", [(OrientationStatus.REFUSED, RefusedBy.YOUTH)], 20),
        ("SAS_LNC", [(OrientationStatus.REFUSED, RefusedBy.STRUCTURE)], 25),
        ("IMMERSION", [OrientationStatus.ACCEPTED, OrientationStatus.STARTED], 30),
        ("MICRO_LYCEE", [OrientationStatus.ACCEPTED, OrientationStatus.STARTED], 40),
        ("MICRO_LYCEE", [OrientationStatus.ACCEPTED, OrientationStatus.STARTED], 70),
        (
            "E2C",
            [OrientationStatus.ACCEPTED, OrientationStatus.STARTED, OrientationStatus.COMPLETED],
            120,
        ),
        (
            "DEP",
            [OrientationStatus.ACCEPTED, OrientationStatus.STARTED, OrientationStatus.ABANDONED],
            90,
        ),
        ("FLS", [OrientationStatus.CANCELLED], 15),
        ("SERVICE_CIVIQUE", [OrientationStatus.ACCEPTED], 8),
    ]
    cases = _open_cases(session, psad, len(plan))
    for case, (code, steps, days_ago) in zip(cases, plan, strict=False):
        on = today - timedelta(days=days_ago)
        orientation = services.propose_orientation(
            session,
            case=case,
            programme=programmes[code],
            site=made.get(code),
            on=on,
            by=pilot,
            actor=actor,
            comment="Proposée après l'entretien de situation.",
            today=today,
        )
        for index, step in enumerate(steps):
            _step(
                session, orientation, step, pilot, actor, today, on + timedelta(days=7 * index + 7)
            )
    for orientation in jobs.stalled_orientations(session, today):
        jobs.ask_for_news(session, orientation, today)


REASONS = {
    OrientationStatus.REFUSED: "Le jeune préfère chercher un contrat d'apprentissage.",
    OrientationStatus.ABANDONED: "Arrêt après trois semaines : déménagement de la famille.",
    OrientationStatus.CANCELLED: "Proposition faite par erreur (doublon d'une autre orientation).",
}


Step = OrientationStatus | tuple[OrientationStatus, RefusedBy]


def _step(
    session: Session,
    orientation: Orientation,
    step: Step,
    pilot: User,
    actor: Actor,
    today: date,
    on: date,
) -> None:
    status, refused_by = step if isinstance(step, tuple) else (step, None)
    reason = REASONS.get(status)
    if refused_by is RefusedBy.STRUCTURE:
        reason = "Groupe complet pour cette session ; à représenter à la rentrée."
    services.change_status(
        session,
        orientation=orientation,
        to=status,
        on=min(today, on),
        by=pilot,
        actor=actor,
        reason=reason,
        refused_by=refused_by,
        confirm_full=True,
        today=today,
    )
