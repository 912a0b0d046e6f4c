"""The data of the bilan benchmark: two school years of a PSAD's activity, seeded, bulk-written.

One PSAD (« BILAN », the measured one) holds ``youth`` youth listed or signalled from
1 September 2024 to ``TODAY`` (20 August 2026): the bilan's default period is the school year
2025-2026 and the period it is compared with is 2024-2025, both full. A second PSAD
(« BILAN2 », a twentieth of the youth) sends and receives transfers. For the measured PSAD:

- eight lists over the two years (SIEI in November and June, a school's list, a partner's),
  about 80 % of the youth brought by a list (one in eight of them listed again on a later
  list), the others signalled or come by themselves;
- one case per youth (5 % with an earlier case closed, then reopened as a new one), 40 %
  closed with a reason (solution found with its solution, unreachable, refused...), whether
  the youth was known to partners;
- about 3 contacts per youth (300,000 for 100,000 youth: 0 to 8, channel, outcome, reached
  half the time), 2 % of them corrected by a later contact that replaces them;
- DARFI requests on 5 % of cases (70 % with an interview), obligation de formation steps for
  minors (interview, convocation, transmission);
- about 0.5 orientation per youth (50,000), to the seeded catalogue's dispositifs and the
  PSAD's sites, every status, the places declared per site and school year;
- 24 comités (one a month, two of them comités de pilotage, one cancelled) with about 50
  youth on each agenda, a decision for most (every kind), a few amendments;
- transfers out (1.5 % of the youth, mostly accepted) and in (from BILAN2).

Rows go in by Core ``insert()`` executemany, 5,000 youth at a time, ids chosen here (see
``pages_data.Rows``).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pages_data import Rows, reference_ids
from siei_list import COMMUNES, FIRST_NAMES, LAST_NAMES, words
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.orm import Session

import psad.models  # noqa: F401  (every table)
from psad.auth.models import Membership, Psad, Role, Structure, StructureKind, User
from psad.clock import PARIS
from psad.committees.models import (
    AgendaItem,
    Amendment,
    Committee,
    CommitteeKind,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.followup.models import (
    Contact,
    DarfiRequest,
    DarfiSource,
    Diploma,
    ObligationStep,
    ObligationStepRecord,
    Party,
)
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    SitePlaces,
)
from psad.orientations.seeds import ensure_catalogue
from psad.reference.models import ReferenceKind
from psad.schoolyear import school_year_of
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.identifiers import fold, identity_key
from psad.youth.models import Case, CaseSource, CaseStatus, KnownToPartner, Sex, Track, Youth

TODAY = date(2026, 8, 20)  # the bench's « today »: late in the school year 2025-2026
NOW = datetime(2026, 8, 20, 10, 0, tzinfo=PARIS).astimezone(UTC)
FIRST_DAY = date(2024, 9, 1)
MAIN_CODE = "BILAN"
PILOT_EMAIL = "pilote@bilan.psad.example"
PILOT_PASSWORD = "Banc-bilan-2026"
CHUNK = 5_000
COMMITTEES = 24
AGENDA_PER_COMMITTEE = 50

CONTACT_WEIGHTS = [10, 15, 20, 18, 14, 10, 7, 4, 2]  # 0 to 8 contacts: 3.0 on average
OUTCOMES_REACHED = ["reached", "appointment", "already_followed", "refused", "call_back_asked"]
OUTCOMES_REACHED_WEIGHTS = [40, 25, 15, 8, 12]
OUTCOMES_FAILED = ["no_answer", "message_left", "wrong_details"]
CHANNELS = ["phone", "sms", "email", "letter", "home_visit", "in_person"]
CHANNEL_WEIGHTS = [50, 15, 10, 5, 5, 15]
SITUATIONS = [
    "no_solution",
    "employed",
    "continuing_training",
    "followed_local_mission",
    "followed_mlds",
    "initial_training_school",
    "initial_training_apprentice",
    "unknown",
]
SITUATION_WEIGHTS = [22, 12, 8, 20, 10, 10, 8, 10]
CLOSING_REASONS = ["solution_found", "refused", "unreachable", "out_of_scope", "age_limit"]
CLOSING_WEIGHTS = [45, 10, 25, 10, 10]
SOLUTIONS = ["school", "apprenticeship", "mlds"]
LEVELS = [
    ("2nde pro", Track.VOCATIONAL),
    ("1re pro", Track.VOCATIONAL),
    ("Terminale pro", Track.VOCATIONAL),
    ("CAP 1re année", Track.VOCATIONAL),
    ("Seconde générale", Track.GENERAL),
    ("1re générale", Track.GENERAL),
    ("Terminale générale", Track.GENERAL),
    ("3e", Track.LOWER_SECONDARY),
    ("CAP 2e année", Track.APPRENTICESHIP),
    ("BTS 1re année", Track.OTHER),
    (None, None),
]
SCHOOLS = 40  # schools of origin (UAI and name)
AGES = {15: 2, 16: 14, 17: 16, 18: 16, 19: 14, 20: 12, 21: 9, 22: 7, 23: 5, 24: 3, 25: 2}
ORIENTATION_WEIGHTS = [57, 38, 5]  # 0, 1 or 2 orientations: 0.48 per youth
ORIENTATION_STATUSES = [
    (OrientationStatus.PROPOSED, 12),
    (OrientationStatus.ACCEPTED, 10),
    (OrientationStatus.STARTED, 22),
    (OrientationStatus.COMPLETED, 18),
    (OrientationStatus.ABANDONED, 10),
    (OrientationStatus.REFUSED, 20),
    (OrientationStatus.CANCELLED, 8),
]
DECISIONS = [
    (DecisionKind.ORIENTATION, 35),
    (DecisionKind.REFERENT, 15),
    (DecisionKind.CONTACT, 20),
    (DecisionKind.CLOSE, 10),
    (DecisionKind.WATCH, 15),
    (DecisionKind.ADJOURNED, 5),
]
COUNSELLORS = words(
    "Claire_Martin Karim_Benali Sophie_Durand Luc_Petit Nadia_Haddad Julien_Roux "
    "Émilie_Garnier Thomas_Lemaire"
)


class BilanRows(Rows):
    ORDER = (
        Youth,
        Case,
        Listing,
        Contact,
        DarfiRequest,
        ObligationStepRecord,
        Orientation,
        Transfer,
        Committee,
        AgendaItem,
        Decision,
        Amendment,
    )


@dataclass
class Place:
    psad_id: int
    users: list[int]
    batches: list[tuple[int, date, ListSource]]  # (id, Paris day of the import, source)
    sites: dict[int, list[int]]  # programme id → its sites in the PSAD


@dataclass
class Filled:
    youth: int
    total_youth: int
    rows: int
    counts: dict[str, int]
    psad_id: int
    timing: dict[str, float]


def at(day: date, hour: int = 10) -> datetime:
    """A Paris time of a day, as the UTC instant the database stores."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(UTC)


def lists_of(psad: Psad, number: int) -> list[ImportBatch]:
    """Eight lists over the two school years."""
    found = []
    for year in (2024, 2025):
        for label, source, day in (
            (f"Liste du lycée Jean-Moulin {year}", ListSource.SCHOOL, date(year, 10, 6)),
            (f"SIEI novembre {year}", ListSource.SIEI, date(year, 11, 18)),
            (f"Liste de la mission locale {year + 1}", ListSource.PARTNER, date(year + 1, 2, 9)),
            (f"SIEI juin {year + 1}", ListSource.SIEI, date(year + 1, 6, 15)),
        ):
            found.append(
                ImportBatch(
                    psad=psad,
                    label=label,
                    source=source,
                    origin=ImportOrigin.WEB,
                    file_name=f"{label}.xlsx",
                    file_hash=f"{number:02d}{len(found):02d}".ljust(64, "0"),
                    file_size=1_000_000,
                    imported_at=at(day, 9),
                )
            )
    return found


def add_place(session: Session, *, code: str, password_hash: str, number: int) -> Place:
    """A PSAD with its structures, people, lists, sites and places (the ORM: few rows)."""
    measured = number == 1
    psad = Psad(code=code, name=f"PSAD du bilan {number}", territory="Banc d'essai")
    structures = [
        Structure(psad=psad, name=name, kind=kind, commune="Lille")
        for name, kind in (
            ("CIO", StructureKind.CIO),
            ("Mission locale", StructureKind.LOCAL_MISSION),
            ("MLDS", StructureKind.MLDS),
        )
    ]
    people = []
    for index, name in enumerate(COUNSELLORS):
        email = PILOT_EMAIL if measured and index == 0 else f"c{index}.{code.lower()}@psad.example"
        role = Role.PILOT if index == 0 else Role.COPILOT if index == 1 else Role.PARTNER
        user = User(email=email, full_name=name, password_hash=password_hash)
        structure = structures[index % len(structures)] if role is Role.PARTNER else None
        user.memberships.append(Membership(psad=psad, role=role, structure=structure))
        people.append(user)
    batches = lists_of(psad, number)
    session.add_all([psad, *structures, *people, *batches])
    session.flush()
    sites: dict[int, list[int]] = {}
    for position, programme in enumerate(session.scalars(select(Programme).order_by(Programme.id))):
        communes = [COMMUNES[(position + k) % len(COMMUNES)][0] for k in range(position % 3)]
        for commune in communes:
            site = ProgrammeSite(
                programme=programme,
                psad=psad,
                establishment=f"{programme.name[:60]} de {commune}",
                commune=commune,
            )
            session.add(site)
            session.flush()
            sites.setdefault(programme.id, []).append(site.id)
            for year in (2024, 2025):
                session.add(SitePlaces(site_id=site.id, school_year=year, places=20 + position))
        sites.setdefault(programme.id, [])
    session.flush()
    return Place(
        psad_id=psad.id,
        users=[user.id for user in people],
        batches=[(b.id, b.imported_at.astimezone(PARIS).date(), b.source) for b in batches],
        sites=sites,
    )


class Generator:
    def __init__(self, rng: random.Random, refs: dict[tuple[ReferenceKind, str], int]) -> None:
        self.rng = rng
        self.refs = refs
        self.rows = BilanRows()
        self.ines: set[int] = set()
        self.timing = {"generate": 0.0, "write": 0.0}
        self.total_rows = 0
        self.entered: list[tuple[int, int, date]] = []  # measured youth: (youth, case, entry)
        self.transferred: list[tuple[int, date]] = []  # youth of BILAN2 sent to the measured PSAD

    def ref(self, kind: ReferenceKind, code: str) -> int:
        return self.refs[(kind, code)]

    def youth(self, place: Place, *, measured: bool, other: Place | None) -> None:
        rng = self.rng
        last, first = rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
        listed = self._listed(place)
        entry = listed[0][1] if listed else self._day(FIRST_DAY, TODAY)
        age = rng.choices(list(AGES), list(AGES.values()))[0]
        born = entry - timedelta(days=int(age * 365.25) + rng.randrange(0, 365))
        commune, postal_code, academy = rng.choice(COMMUNES)
        level, track = rng.choice(LEVELS)
        school = rng.randrange(SCHOOLS)
        youth_id = self.rows.add(
            Youth,
            psad_id=place.psad_id,
            ine=self._ine(),
            last_name=last,
            first_name=first,
            sex=rng.choice((Sex.FEMALE, Sex.MALE)) if rng.random() < 0.98 else None,
            birth_date=born if rng.random() < 0.99 else None,
            postal_code=postal_code,
            commune=commune if rng.random() < 0.97 else None,
            school_uai=f"0590{school:03d}X" if rng.random() < 0.8 else None,
            school_name=f"Lycée n° {school} de {COMMUNES[school % len(COMMUNES)][0]}",
            school_academy=academy,
            formation="CAP Cuisine",
            level=level,
            track=track,
            search_key=f"{fold(last)} {fold(first)}".strip(),
            identity_key=identity_key(last, first, born),
            version=1,
            created_at=at(entry),
            updated_at=at(entry),
        )
        for line, (batch_id, _day, _source) in enumerate(listed):
            self.rows.add(
                Listing,
                batch_id=batch_id,
                youth_id=youth_id,
                line=4 + line,
                outcome=ListingOutcome.CREATED if line == 0 else ListingOutcome.UNCHANGED,
                row_hash=f"{rng.getrandbits(160):040x}",
            )
        source = (
            CaseSource.LISTING
            if listed
            else rng.choice((CaseSource.REFERRAL, CaseSource.SPONTANEOUS))
        )
        opened_on = entry
        if rng.random() < 0.05 and entry - FIRST_DAY > timedelta(days=120):
            # an earlier case, closed, then this one opened (reopened) later
            earlier = self._day(FIRST_DAY, entry - timedelta(days=60))
            early_case = self._case(place, youth_id, source, listed, earlier, born, closed=True)
            self._activity(place, youth_id, early_case, earlier, born)
            opened_on = entry + timedelta(days=rng.randrange(0, 30))
            opened_on = min(opened_on, TODAY)
        case_id = self._case(place, youth_id, source, listed, opened_on, born, closed=None)
        self._activity(place, youth_id, case_id, opened_on, born)
        if measured:
            self.entered.append((youth_id, case_id, opened_on))
            if other is not None and rng.random() < 0.015:
                self._transfer(youth_id, place, other, case_id, opened_on)
        elif other is not None and rng.random() < 0.1:
            # sent to the measured PSAD later: this case closes on that day
            day = min(TODAY, opened_on + timedelta(days=rng.randrange(5, 200)))
            self._close_transferred(case_id, at(day, 15))
            self.transferred.append((youth_id, day))

    def _day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    def _ine(self) -> str | None:
        if self.rng.random() < 0.06:
            return None
        while True:
            digits = self.rng.randrange(10**10)
            if digits not in self.ines:
                self.ines.add(digits)
                return f"{digits:010d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[digits % 23]

    def _listed(self, place: Place) -> list[tuple[int, date, ListSource]]:
        """The lists that listed the youth (none: signalled or came by themselves)."""
        rng = self.rng
        if rng.random() < 0.2:
            return []
        weights = [10 if source is not ListSource.SIEI else 30 for _, _, source in place.batches]
        first = rng.choices(range(len(place.batches)), weights)[0]
        found = [place.batches[first]]
        later = [batch for batch in place.batches[first + 1 :] if batch[2] is ListSource.SIEI]
        if later and rng.random() < 0.125:
            found.append(later[0])  # listed twice
        return found

    def _case(
        self,
        place: Place,
        youth_id: int,
        source: CaseSource,
        listed: list[tuple[int, date, ListSource]],
        opened_on: date,
        born: date,
        *,
        closed: bool | None,
    ) -> int:
        rng = self.rng
        case_id = self.rows.add(
            Case,
            youth_id=youth_id,
            psad_id=place.psad_id,
            status=CaseStatus.OPEN,
            source=source,
            source_batch_id=listed[0][0] if listed else None,
            opened_on=opened_on,
            created_at=at(opened_on),
            known_to_partner=None,
            version=1,
        )
        case = self.rows.tables[Case][-1]
        if rng.random() < 0.7:
            code = rng.choices(SITUATIONS, SITUATION_WEIGHTS)[0]
            case["situation_id"] = self.ref(ReferenceKind.SITUATION, code)
        if closed is None:
            closed = rng.random() < 0.4
        if closed:
            closed_on = min(TODAY, opened_on + timedelta(days=rng.randrange(20, 300)))
            reason = rng.choices(CLOSING_REASONS, CLOSING_WEIGHTS)[0]
            case.update(
                status=CaseStatus.CLOSED,
                closed_on=closed_on,
                closing_reason_id=self.ref(ReferenceKind.CLOSING_REASON, reason),
                known_to_partner=rng.choice(list(KnownToPartner)),
            )
            if reason == "solution_found":
                solution = rng.choice(SOLUTIONS)
                case["solution_id"] = self.ref(ReferenceKind.SOLUTION, solution)
                case["solution_since"] = closed_on - timedelta(days=rng.randrange(0, 10))
        return case_id

    def _activity(
        self, place: Place, youth_id: int, case_id: int, opened_on: date, born: date
    ) -> None:
        """Contacts, DARFI, obligation steps and orientations of one case."""
        rng = self.rng
        count = rng.choices(range(9), CONTACT_WEIGHTS)[0]
        day = opened_on
        for _ in range(count):
            day = day + timedelta(days=int(rng.expovariate(1 / 20)))
            if day > TODAY:
                break
            moment = at(day, 8) + timedelta(minutes=rng.randrange(0, 600))
            reached = rng.random() < 0.5
            outcome = (
                rng.choices(OUTCOMES_REACHED, OUTCOMES_REACHED_WEIGHTS)[0]
                if reached
                else rng.choice(OUTCOMES_FAILED)
            )
            values = {
                "case_id": case_id,
                "occurred_at": moment,
                "channel_id": self.ref(
                    ReferenceKind.CONTACT_CHANNEL, rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
                ),
                "reached": reached,
                "outcome_id": self.ref(ReferenceKind.CONTACT_OUTCOME, outcome),
                "party": Party.YOUTH if rng.random() < 0.85 else Party.GUARDIAN,
                "author_id": rng.choice(place.users),
                "created_at": moment,
            }
            contact_id = self.rows.add(Contact, **values)
            if rng.random() < 0.02:  # corrected: a new contact replaces it
                self.rows.add(
                    Contact, **{**values, "reached": not reached, "replaces_id": contact_id}
                )
        if rng.random() < 0.05:
            requested = self._day(opened_on, min(TODAY, opened_on + timedelta(days=60)))
            held = rng.random() < 0.7
            self.rows.add(
                DarfiRequest,
                case_id=case_id,
                requested_on=requested,
                source=rng.choice(list(DarfiSource)),
                diploma=rng.choice((Diploma.NONE, Diploma.DNB, Diploma.UNKNOWN)),
                interview_on=min(TODAY, requested + timedelta(days=rng.randrange(2, 30)))
                if held
                else None,
                interview_by_id=rng.choice(place.users) if held else None,
                author_id=rng.choice(place.users),
                created_at=at(requested),
            )
        minor = (opened_on - born).days < 18 * 365.25
        if minor:
            for step, chance, days in (
                (ObligationStep.INTERVIEW, 0.5, 90),
                (ObligationStep.CONVOCATION, 0.15, 60),
                (ObligationStep.TRANSMISSION, 0.1, 150),
            ):
                if rng.random() < chance:
                    done_on = min(TODAY, opened_on + timedelta(days=rng.randrange(3, days)))
                    self.rows.add(
                        ObligationStepRecord,
                        case_id=case_id,
                        step=step,
                        done_on=done_on,
                        author_id=rng.choice(place.users),
                        created_at=at(done_on),
                    )
        for _ in range(rng.choices(range(3), ORIENTATION_WEIGHTS)[0]):
            self._orientation(place, youth_id, case_id, opened_on)

    def _orientation(self, place: Place, youth_id: int, case_id: int, opened_on: date) -> None:
        rng = self.rng
        proposed = min(TODAY, opened_on + timedelta(days=rng.randrange(10, 150)))
        programme = rng.choice(list(place.sites))
        sites = place.sites[programme]
        status = rng.choices(*zip(*ORIENTATION_STATUSES, strict=True))[0]
        row: dict[str, Any] = {
            "case_id": case_id,
            "youth_id": youth_id,
            "psad_id": place.psad_id,
            "programme_id": programme,
            "site_id": rng.choice(sites) if sites else None,
            "school_year": school_year_of(proposed),
            "status": status,
            "proposed_on": proposed,
            "proposed_by_id": rng.choice(place.users),
            "last_news_on": proposed,
            "created_at": at(proposed),
            "version": 1,
            "over_capacity": False,
        }
        step = proposed
        if status is OrientationStatus.CANCELLED:
            row["cancelled_on"] = step = min(TODAY, step + timedelta(days=rng.randrange(1, 20)))
        if status is OrientationStatus.REFUSED:
            row["refused_on"] = step = min(TODAY, step + timedelta(days=rng.randrange(1, 30)))
        if status not in (
            OrientationStatus.PROPOSED,
            OrientationStatus.REFUSED,
            OrientationStatus.CANCELLED,
        ):
            row["accepted_on"] = step = min(TODAY, step + timedelta(days=rng.randrange(1, 20)))
        if status in (
            OrientationStatus.STARTED,
            OrientationStatus.COMPLETED,
            OrientationStatus.ABANDONED,
        ):
            row["started_on"] = step = min(TODAY, step + timedelta(days=rng.randrange(1, 40)))
        if status in (OrientationStatus.COMPLETED, OrientationStatus.ABANDONED):
            row["ended_on"] = step = min(TODAY, step + timedelta(days=rng.randrange(10, 200)))
        row["last_news_on"] = step
        self.rows.add(Orientation, **row)

    def _transfer(
        self, youth_id: int, place: Place, other: Place, case_id: int, opened_on: date
    ) -> None:
        rng = self.rng
        proposed = min(TODAY, opened_on + timedelta(days=rng.randrange(5, 120)))
        state = rng.choices(
            (TransferState.ACCEPTED, TransferState.REFUSED, TransferState.CANCELLED), (80, 10, 10)
        )[0]
        decided = at(min(TODAY, proposed + timedelta(days=rng.randrange(1, 15))), 15)
        self._transfer_row(youth_id, place, other, state, at(proposed), decided)
        if state is TransferState.ACCEPTED:
            self._close_transferred(case_id, decided)

    def _close_transferred(self, case_id: int, decided: datetime) -> None:
        case = next(row for row in reversed(self.rows.tables[Case]) if row["id"] == case_id)
        case.update(
            status=CaseStatus.CLOSED,
            closed_on=decided.astimezone(PARIS).date(),
            closing_reason_id=self.ref(ReferenceKind.CLOSING_REASON, "transferred"),
            solution_id=None,
            solution_since=None,
        )

    def _transfer_row(
        self,
        youth_id: int,
        source: Place,
        target: Place,
        state: TransferState,
        proposed: datetime,
        decided: datetime,
    ) -> None:
        self.rows.add(
            Transfer,
            youth_id=youth_id,
            from_psad_id=source.psad_id,
            to_psad_id=target.psad_id,
            direction=TransferDirection.OFFER,
            state=state,
            comment="Déménagement de la famille",
            proposed_by_id=source.users[0],
            proposed_at=proposed,
            decided_by_id=target.users[0],
            decided_at=decided,
            subject_last_name="Transféré",
            subject_first_name="Jeune",
            version=1,
        )

    def transfers_in(self, main: Place, other: Place) -> None:
        """BILAN2's youth received by the measured PSAD: the transfer and the case it opened."""
        rng = self.rng
        for youth_id, day in self.transferred:
            decided = at(day, 15)
            self._transfer_row(youth_id, other, main, TransferState.ACCEPTED, at(day, 9), decided)
            case_id = self.rows.add(
                Case,
                youth_id=youth_id,
                psad_id=main.psad_id,
                status=CaseStatus.OPEN,
                source=CaseSource.REFERRAL,
                opened_on=day,
                created_at=decided,
                version=1,
            )
            if rng.random() < 0.5:
                self._activity(main, youth_id, case_id, day, day - timedelta(days=7000))

    def committees(self, place: Place) -> None:
        """24 comités, one a month, with their agendas, decisions and a few amendments."""
        rng = self.rng
        for number in range(COMMITTEES):
            month = FIRST_DAY.month + number
            day = date(FIRST_DAY.year + (month - 1) // 12, (month - 1) % 12 + 1, 12)
            kind = CommitteeKind.STEERING if number % 12 == 5 else CommitteeKind.TECHNICAL
            cancelled = number == 7
            past = day < TODAY
            status = (
                CommitteeStatus.CANCELLED
                if cancelled
                else CommitteeStatus.VALIDATED
                if past and rng.random() < 0.9
                else CommitteeStatus.PUBLISHED
            )
            committee_id = self.rows.add(
                Committee,
                psad_id=place.psad_id,
                kind=kind,
                starts_at=at(day, 14),
                duration_minutes=120,
                status=status,
                created_by_id=place.users[0],
                created_at=at(day - timedelta(days=20)),
                version=1,
            )
            known = [entry for entry in self.entered if entry[2] < day]
            chosen = rng.sample(known, min(AGENDA_PER_COMMITTEE, len(known)))
            for position, (youth_id, case_id, _) in enumerate(chosen):
                item_id = self.rows.add(
                    AgendaItem,
                    committee_id=committee_id,
                    youth_id=youth_id,
                    position=position,
                    reasons="no_solution",
                    added_at=at(day - timedelta(days=10)),
                )
                if cancelled or not past or rng.random() < 0.1:
                    continue
                decision_id = self.rows.add(
                    Decision,
                    committee_id=committee_id,
                    item_id=item_id,
                    youth_id=youth_id,
                    case_id=case_id,
                    kind=rng.choices(*zip(*DECISIONS, strict=True))[0],
                    recorded_by_id=place.users[0],
                    recorded_at=at(day, 16),
                    version=1,
                )
                if rng.random() < 0.03:
                    self.rows.add(
                        Amendment,
                        committee_id=committee_id,
                        decision_id=decision_id,
                        text="Précision apportée au relevé.",
                        author_id=place.users[0],
                        created_at=at(day + timedelta(days=8)),
                    )

    def write(self, connection: Connection) -> None:
        began = time.perf_counter()
        self.total_rows += self.rows.flush(connection)
        connection.commit()
        self.timing["write"] += time.perf_counter() - began


def fill(engine: Engine, *, youth: int, seed: int, password_hash: str) -> Filled:
    """Write the two PSADs into an empty, migrated database."""
    began = time.perf_counter()
    rng = random.Random(seed)
    with Session(engine) as session:
        refs = reference_ids(session)
        ensure_catalogue(session)
        session.commit()
        main = add_place(session, code=MAIN_CODE, password_hash=password_hash, number=1)
        other = add_place(session, code=f"{MAIN_CODE}2", password_hash=password_hash, number=2)
        session.commit()
    generator = Generator(rng, refs)
    set_up = time.perf_counter() - began
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        for place, size, measured in ((other, max(1, youth // 20), False), (main, youth, True)):
            for start in range(0, size, CHUNK):
                started = time.perf_counter()
                for _ in range(start, min(size, start + CHUNK)):
                    generator.youth(place, measured=measured, other=other if measured else main)
                generator.timing["generate"] += time.perf_counter() - started
                generator.write(connection)
        started = time.perf_counter()
        generator.transfers_in(main, other)
        generator.committees(main)
        generator.timing["generate"] += time.perf_counter() - started
        generator.write(connection)
        if engine.dialect.name == "postgresql":
            for model in BilanRows.ORDER:
                table = model.__table__.name  # type: ignore[attr-defined]
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce(max(id), 1)) FROM {table}"
                    )
                )
            connection.commit()
        counts = {
            model.__table__.name: connection.scalar(  # type: ignore[attr-defined]
                select(func.count()).select_from(model.__table__)  # type: ignore[attr-defined]
            )
            or 0
            for model in BilanRows.ORDER
        }
    return Filled(
        youth=youth,
        total_youth=youth + max(1, youth // 20),
        rows=generator.total_rows,
        counts=counts,
        psad_id=main.psad_id,
        timing={"set_up": set_up, **generator.timing},
    )
