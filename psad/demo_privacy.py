"""Former youth of the demo PSAD, for the page « Conservation des données » and
``psad retention run --dry-run``: some whose retention has run out (to anonymise), two whose
case is still open past 27 (to close « Limite d'âge »), and one whose retention is not over.

Dates count back from ``today``: the same demo every day. Phone numbers in 03 53 01 4x xx
(the fiction range: see psad.demo), INEs of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from psad.auth.models import Psad, User
from psad.clock import PARIS
from psad.followup.models import Contact, Note
from psad.reference.models import ReferenceKind
from psad.reference.services import item_by_code
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Track, Youth

MIN_DEMO = 100  # a smaller demo (as tests load) has no former youth
YOUTH_PHONE = "+33353014{:03d}"
GUARDIAN_PHONE = "+33353015{:03d}"


@dataclass(frozen=True)
class Former:
    last_name: str
    first_name: str
    sex: Sex
    age: tuple[int, int] | None  # years and days on ``today``; None: no birth date
    closed_years_ago: int | None  # None: the case is still open
    reason: str = "unreachable"


FORMER = [
    # Retention over: 27 or older and the last case closed more than 2 years ago
    Former("Delcroix", "Amandine", Sex.FEMALE, (29, 40), 4, "solution_found"),
    Former("Vermeulen", "Kévin", Sex.MALE, (28, 200), 3),
    Former("Lemahieu", "Sabrina", Sex.FEMALE, (30, 10), 5, "refused"),
    Former("Decottignies", "Jordan", Sex.MALE, None, 3),  # no birth date: 3 years since closed
    # 28, but the case closed a year ago: kept another year
    Former("Willemot", "Laëtitia", Sex.FEMALE, (28, 15), 1),
    # Still followed past 27: closed « Limite d'âge » by the next run
    Former("Plouvier", "Dylan", Sex.MALE, (27, 30), None),
    Former("Scherpereel", "Mélissa", Sex.FEMALE, (27, 3), None),
]


def _ine(index: int) -> str:
    digits = f"{3_000_000_000 + index * 7919:010d}"
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]


def _birth(today: date, age: tuple[int, int]) -> date:
    years, days = age
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=days)


def populate(session: Session, *, psad: Psad, pilot: User, today: date, youth_count: int) -> None:
    if youth_count < MIN_DEMO:
        return
    phone = item_by_code(session, ReferenceKind.CONTACT_CHANNEL, "phone")
    solution = item_by_code(session, ReferenceKind.SOLUTION, "job")
    assert phone is not None
    for index, former in enumerate(FORMER):
        youth = Youth(
            psad=psad,
            ine=_ine(index),
            last_name=former.last_name,
            first_name=former.first_name,
            sex=former.sex,
            birth_date=_birth(today, former.age) if former.age else None,
            postal_code="59000",
            commune="Lille",
            address=f"{index + 3} rue des Anciens",
            phone=YOUTH_PHONE.format(index),
            email=f"ancien{index}@demo.psad.example",
            school_uai="0590001A",
            school_name="Lycée professionnel Fictif Jean-Démo",
            track=Track.VOCATIONAL,
            level="CAP",
        )
        youth.refresh_keys()
        youth.guardians.append(
            Guardian(last_name=former.last_name, first_name="Parent fictif",
                     phone=GUARDIAN_PHONE.format(index))
        )  # fmt: skip
        session.add(youth)
        years_ago = former.closed_years_ago
        opened = today - timedelta(days=365 * (years_ago or 1) + 120)
        closed_on = today - timedelta(days=365 * years_ago + 20) if years_ago else None
        reason = item_by_code(session, ReferenceKind.CLOSING_REASON, former.reason)
        case = Case(
            youth=youth,
            psad_id=psad.id,
            source=CaseSource.LISTING,
            source_detail="Liste SIEI fictive d'une année passée",
            opened_on=opened,
            status=CaseStatus.CLOSED if closed_on else CaseStatus.OPEN,
            closed_on=closed_on,
            closing_reason=reason if closed_on else None,
            reason="Repéré par une liste SIEI d'une année passée (fictif).",
        )
        if closed_on and former.reason == "solution_found":
            case.solution, case.solution_since = solution, closed_on
        session.add(case)
        session.flush()
        contacted = datetime.combine(opened + timedelta(days=10), time(10), tzinfo=PARIS)
        session.add(
            Contact(case=case, occurred_at=contacted, channel_id=phone.id, reached=True,
                    comment=f"{former.first_name} rappellera (fictif).", author=pilot)
        )  # fmt: skip
        session.add(
            Note(case_id=case.id, body=f"Entretien avec {former.first_name} (fictif).",
                 author=pilot, created_at=contacted)
        )  # fmt: skip
    session.flush()
