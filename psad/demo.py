"""The demonstration PSAD: one user per role and a few hundred clearly fictitious youth.

Names are invented, phone numbers lie in the range that ARCEP reserves for fiction in the
north-east (03 53 01 xx xx), e-mail addresses use the reserved ``.example`` domain, INEs are
valid but made up.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import (
    demo_bilan,
    demo_comites,
    demo_duplicates,
    demo_lists,
    demo_orientations,
    demo_privacy,
    demo_transfers,
)
from psad.audit.services import Actor
from psad.auth import services as auth
from psad.auth.login import LoginPolicy
from psad.auth.models import Psad, Role, Structure, StructureKind, User
from psad.demo_followup import add_follow_up
from psad.orientations.seeds import ensure_catalogue
from psad.reference.services import ensure_seeded
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Track, Youth

DEMO_CODE = "DEMO"
# ARCEP's numbering plan reserves 01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49 and
# 06 39 98 for fiction. 06 39 98 lies in Mayotte's block (+262 639), where phonenumbers finds
# it invalid as it does in France, so the form and the import refuse it; the landline ranges
# are valid numbers for both. The demo takes the one of its region, Hauts-de-France.
# 03 53 01 0x xx for youth, 03 53 01 1x xx for guardians: a thousand of each, all different
# (a shared number makes a probable duplicate).
YOUTH_PHONE = "+33353010{:03d}"
GUARDIAN_PHONE = "+33353011{:03d}"
ACTOR = Actor(user_id=None, psad_id=None, ip_address="demo")
DEMO_USERS = [
    ("pilote@demo.psad.example", "Demo-pilote-2026", "Pilote (directeur de CIO)"),
    ("copilote@demo.psad.example", "Demo-copilote-2026", "Co-pilote (mission locale)"),
    ("partenaire@demo.psad.example", "Demo-partenaire-2026", "Partenaire (lycée)"),
    ("lecteur@demo.psad.example", "Demo-lecteur-2026", "Lecteur (DRAIO)"),
    ("admin@demo.psad.example", "Demo-admin-2026", "Administrateur"),
]
FIRST_NAMES = {
    Sex.FEMALE: [
        "Éloïse",
        "Zoé",
        "Chloé",
        "Inès",
        "Léa",
        "Maëlys",
        "Anaïs",
        "Noémie",
        "Célia",
        "Héloïse",
        "Océane",
        "Clémence",
        "Gaëlle",
        "Aïcha",
        "Loïs",
        "Salomé",
    ],
    Sex.MALE: [
        "Noé",
        "Théo",
        "Maël",
        "Jérôme",
        "François",
        "Loïc",
        "Anaël",
        "Raphaël",
        "Joël",
        "Timothée",
        "Gaël",
        "Bastien",
        "Mathéo",
        "Aurélien",
        "Killian",
        "Yanis",
    ],
}
LAST_NAMES = [
    "Lefèvre",
    "Dupré",
    "Béranger",
    "Ménard",
    "Lemaître",
    "Févrot",
    "Prévost",
    "Lécuyer",
    "Rivière",
    "Le Goff",
    "Kerbrat",
    "Gaudé",
    "Thébault",
    "Noël",
    "Benoît",
    "Hébert",
    "Carré",
    "Lévêque",
    "Sénéchal",
    "Marchal-Évrard",
    "Da Silva",
    "N'Diaye",
    "Boucher",
    "Guérin",
    "Chevalier",
    "Aubé",
]
COMMUNES = [
    ("59000", "Lille"),
    ("59100", "Roubaix"),
    ("59200", "Tourcoing"),
    ("59300", "Valenciennes"),
    ("80000", "Amiens"),
    ("62000", "Arras"),
]
SCHOOLS = [
    ("0590001A", "Lycée professionnel Fictif Jean-Démo", Track.VOCATIONAL, "CAP"),
    ("0590002B", "Lycée Fictif Marie-Exemple", Track.GENERAL, "1re générale"),
    ("0590003C", "Lycée Fictif des Métiers", Track.VOCATIONAL, "Bac pro 2de"),
    ("0590004D", "Collège Fictif Victor-Essai", Track.LOWER_SECONDARY, "3e"),
]


def _uai(digits: str) -> str:
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]


def _ine(number: int) -> str:
    digits = f"{number:010d}"
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]


def load_demo(
    session: Session, *, today: date, youth_count: int = 300, previous_year: bool = False
) -> bool:
    """Create the demo PSAD once; False (and nothing changed) when it exists already.
    ``previous_year``: the school year before too (``psad demo``; most tests go without)."""
    if session.scalar(select(Psad).where(Psad.code == DEMO_CODE)):
        return False
    ensure_seeded(session)
    ensure_catalogue(session)
    psad = auth.create_psad(
        session,
        code=DEMO_CODE,
        name="PSAD de démonstration (fictive)",
        territory="Communes fictives",
        actor=ACTOR,
    )
    structures = _structures(session, psad)
    counsellors = _users(session, psad, structures)
    _add_youth(session, psad, structures[StructureKind.SCHOOL], today, youth_count)
    session.flush()
    add_follow_up(session, psad=psad, counsellors=counsellors, today=today)
    session.flush()
    pilot = counsellors[0]
    demo_duplicates.populate(session, psad=psad, today=today)
    demo_transfers.populate(session, psad=psad, pilot=pilot, today=today)
    demo_lists.populate(session, psad=psad, pilot=pilot)
    demo_orientations.populate(session, psad=psad, structures=structures, pilot=pilot, today=today)
    demo_comites.populate(
        session, psad=psad, structures=structures, counsellors=counsellors, today=today
    )
    if previous_year:
        demo_bilan.populate(
            session,
            psad=psad,
            structures=structures,
            counsellors=counsellors,
            youth_count=youth_count,
            today=today,
        )
        demo_privacy.populate(session, psad=psad, pilot=pilot, today=today, youth_count=youth_count)
    session.flush()
    return True


def _structures(session: Session, psad: Psad) -> dict[StructureKind, Structure]:
    return {
        kind: auth.create_structure(
            session,
            psad=psad,
            name=name,
            kind=kind,
            uai=uai,
            commune="Lille",
            email=None,
            actor=ACTOR,
        )
        for kind, name, uai in [
            (StructureKind.CIO, "CIO de Démo-ville", None),
            (StructureKind.LOCAL_MISSION, "Mission locale de Démo-ville", None),
            (StructureKind.SCHOOL, "Lycée professionnel Fictif Jean-Démo", _uai("0590001")),
            (StructureKind.MLDS, "MLDS de Démo-ville", None),
        ]
    }


def _users(session: Session, psad: Psad, structures: dict[StructureKind, Structure]) -> list[User]:
    """One user per role; returns those who follow youth (pilote, co-pilote, partenaire)."""
    roles = [
        (Role.PILOT, StructureKind.CIO),
        (Role.COPILOT, StructureKind.LOCAL_MISSION),
        (Role.PARTNER, StructureKind.SCHOOL),
        (Role.READER, None),
        (None, None),
    ]
    policy = LoginPolicy()
    counsellors: list[User] = []
    for (email, password, label), (role, kind) in zip(DEMO_USERS, roles, strict=True):
        user = auth.create_user(
            session,
            email=email,
            full_name=f"{label} (démo)",
            password=password,
            policy=policy,
            actor=ACTOR,
            is_admin=role is None,
        )
        if role in (Role.PILOT, Role.COPILOT, Role.PARTNER):
            counsellors.append(user)
        if role is not None:
            auth.add_membership(
                session,
                user=user,
                psad=psad,
                role=role,
                structure=structures[kind] if kind else None,
                actor=ACTOR,
            )
    return counsellors


def _add_youth(session: Session, psad: Psad, school: Structure, today: date, count: int) -> None:
    # made-up demo data, the same every time
    rng = random.Random(2026)  # nosec B311
    for index in range(count):
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        last_name = rng.choice(LAST_NAMES)
        first_name = rng.choice(FIRST_NAMES[sex])
        birth = today - timedelta(days=rng.randint(16 * 365 + 5, 21 * 365))
        postal_code, commune = rng.choice(COMMUNES)
        uai_digits, school_name, track, level = rng.choice(SCHOOLS)
        youth = Youth(
            psad=psad,
            ine=_ine(1_000_000_000 + index * 7919),
            last_name=last_name,
            first_name=first_name,
            sex=sex,
            birth_date=birth,
            postal_code=postal_code,
            commune=commune,
            address=f"{rng.randint(1, 120)} rue Imaginaire",
            phone=YOUTH_PHONE.format(index % 1000) if index % 4 else None,
            email=f"jeune{index}@demo.psad.example" if index % 3 == 0 else None,
            school_uai=_uai(uai_digits[:7]),
            school_name=school_name,
            track=track,
            level=level,
            school_exit_date=today - timedelta(days=rng.randint(30, 400)),
        )
        youth.refresh_keys()
        if index % 5 == 0:
            youth.guardians.append(
                Guardian(
                    last_name=last_name,
                    first_name="Parent fictif",
                    phone=GUARDIAN_PHONE.format(index % 1000),
                )
            )
        session.add(youth)
        closed = index % 7 == 0
        session.add(
            Case(
                youth=youth,
                psad_id=psad.id,
                source=CaseSource.LISTING if index % 3 else CaseSource.REFERRAL,
                source_detail="Liste SIEI fictive",
                opened_on=today - timedelta(days=rng.randint(1, 300)),
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_on=today - timedelta(days=1) if closed else None,
                referent_structure=school if index % 10 == 0 else None,
            )
        )
