"""The data of the pages benchmark: a regional installation, seeded, written by bulk statements.

One PSAD (« BENCH », the measured one) holds ``youth`` youth, four others (« BENCH2 »...) a
tenth of that each. Each PSAD has its structures (CIO, mission locale, MLDS, E2C, EPIDE,
lycées), a pilote, a co-pilote and counsellors, three lists (SIEI June and November, a
school's list). Each youth: accented French names (surnames drawn so that a common one,
« Lefèvre », names about 1 % of the youth), 15 to 25 years old on ``TODAY``, a case (about
85 % open; listed, signalé or spontaneous; referents, situations, stages, closings), one or
two listings, about two contacts (channel, outcome, reached or not) and one task (some late,
some done, some call-backs, about 200 open ones for the bench's pilote), a few DARFI
requests and obligation de formation steps, and 4 % an earlier closed case. One youth of the
measured PSAD has 50 entries in their timeline (30 contacts, 15 notes, 5 tasks).

Rows go in by Core ``insert()`` executemany, 5,000 youth at a time, ids chosen here; the
generator keeps, for the measured PSAD, what each list page must count (the tabs as
``psad.followup.queries`` defines them today), so that the benchmark checks the pages'
counts against the data rather than against the application itself.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from siei_list import COMMUNES, FIRST_NAMES, LAST_NAMES, TODAY, words
from sqlalchemy import Column, Connection, Engine, Table, func, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

import psad.models  # noqa: F401  (every table)
from psad.auth.models import Membership, Psad, Role, Structure, StructureKind, User
from psad.clock import PARIS
from psad.followup.models import (
    Contact,
    DarfiRequest,
    DarfiSource,
    Diploma,
    Note,
    NoteKind,
    ObligationStep,
    ObligationStepRecord,
    Party,
    Task,
    TaskRule,
)
from psad.followup.queries import CALL_BACK_ASKED, NO_SOLUTION, Tab
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import ensure_seeded
from psad.youth.identifiers import age_on, fold, identity_key
from psad.youth.models import (
    Case,
    CaseSource,
    CaseStage,
    CaseStatus,
    Guardian,
    KnownToPartner,
    Sex,
    Track,
    Youth,
)

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 10, 0, tzinfo=PARIS).astimezone(UTC)
MAIN_CODE = "BENCH"
OTHER_PSADS = 4
PILOT_EMAIL = "pilote@bench.psad.example"
PILOT_PASSWORD = "Banc-pilote-2026"
CHUNK = 5_000  # youth per round of bulk statements
SEARCHED_SURNAME = "Lefèvre"  # a common surname; the page searches its accent-free spelling
SEARCH = fold(SEARCHED_SURNAME)
FILTER_TAB = Tab.IN_PROGRESS  # the filtered list: this tab, minors, one referent structure
FILTER_STRUCTURE = "Mission locale"  # the name of the structure it filters on
PILOT_OPEN_TASKS = 200  # about, whatever the size: « Mes tâches » of the measured pilote
TIMELINE_CONTACTS, TIMELINE_NOTES, TIMELINE_TASKS = 30, 15, 5  # the file with 50 entries

AGES = {15: 1, 16: 8, 17: 14, 18: 16, 19: 15, 20: 13, 21: 10, 22: 8, 23: 6, 24: 5, 25: 4}
# How many contacts a case has (0 to 8), then tasks (0 to 3): about two, and about one.
CONTACT_WEIGHTS = [28, 20, 20, 14, 9, 4, 3, 1, 1]
TASK_WEIGHTS = [40, 35, 20, 5]
STRUCTURES = [
    ("CIO", StructureKind.CIO, 20),
    ("Mission locale", StructureKind.LOCAL_MISSION, 35),
    ("MLDS", StructureKind.MLDS, 15),
    ("E2C", StructureKind.SECOND_CHANCE_SCHOOL, 4),
    ("EPIDE", StructureKind.EPIDE, 2),
    ("Lycée professionnel Jean-Moulin", StructureKind.SCHOOL, 8),
    ("Lycée Louise-Michel", StructureKind.SCHOOL, 6),
    ("Lycée polyvalent Marie-Curie", StructureKind.SCHOOL, 5),
    ("CFA du Bâtiment", StructureKind.SCHOOL, 5),
]
FILTER_INDEX = [name for name, _, _ in STRUCTURES].index(FILTER_STRUCTURE)
COUNSELLORS = words(
    "Claire_Martin Karim_Benali Sophie_Durand Luc_Petit Nadia_Haddad Julien_Roux "
    "Émilie_Garnier Thomas_Lemaire"
)
TASK_TITLES = [
    "Appeler le lycée",
    "Envoyer la convocation",
    "Relancer la mission locale",
    "Préparer le comité",
    "Vérifier l'adresse",
    "Proposer un rendez-vous",
]
NOTE_BODIES = [
    "Échange avec le CPE du lycée d'origine.",
    "Le jeune souhaite travailler dans la restauration.",
    "Rendez-vous manqué, à reprogrammer.",
    "Diagnostic : projet à construire, mobilité limitée.",
]
OUTCOMES_REACHED = ["reached", "appointment", "already_followed", "refused", CALL_BACK_ASKED]
OUTCOMES_REACHED_WEIGHTS = [40, 25, 15, 8, 12]
OUTCOMES_FAILED = ["no_answer", "message_left", "wrong_details"]
CHANNELS = ["phone", "sms", "email", "letter", "in_person"]
CHANNEL_WEIGHTS = [60, 20, 10, 5, 5]
SITUATIONS = [
    NO_SOLUTION,
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


def cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


# Surnames drawn with weights falling with their rank, as real surnames are: the first dozen
# name 1 to 2 % of the youth each; « Lefèvre » (13th) about 1.5 %.
LAST_NAME_WEIGHTS = cumulative([1 / (rank + 10) for rank in range(len(LAST_NAMES))])
AGE_LIST, AGE_WEIGHTS = list(AGES), cumulative(list(AGES.values()))


@dataclass
class Expected:
    """What the measured PSAD's pages must show, counted while generating."""

    tabs: Counter[str] = field(default_factory=Counter)
    filtered: int = 0  # FILTER_TAB, minors, referent structure FILTER_STRUCTURE
    search_in_default_tab: int = 0  # SEARCH in « À traiter »
    search_all_tabs: int = 0
    pilot_open_tasks: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tabs": {tab.value: self.tabs[tab.value] for tab in Tab if tab.value in self.tabs},
            "filtered": self.filtered,
            "search_in_default_tab": self.search_in_default_tab,
            "search_all_tabs": self.search_all_tabs,
            "pilot_open_tasks": self.pilot_open_tasks,
        }


@dataclass
class Place:
    """One PSAD's ids: the PSAD, its structures (with their weights), people and lists."""

    psad_id: int
    structures: list[int]
    structure_weights: list[float]
    users: list[int]  # every member, the pilote first
    pilot_id: int
    batches: dict[str, int]  # june, november, school


def blank(column: Column[Any]) -> Any:
    default = column.default
    return default.arg if isinstance(default, ScalarElementColumnDefault) else None


class Rows:
    """The rows of one round of bulk statements, table by table, with the ids given."""

    ORDER = (
        Youth,
        Guardian,
        Case,
        Listing,
        Contact,
        Note,
        Task,
        DarfiRequest,
        ObligationStepRecord,
    )

    def __init__(self) -> None:
        self.tables: dict[type, list[dict[str, Any]]] = {model: [] for model in self.ORDER}
        self.ids: Counter[type] = Counter()
        # executemany wants the same keys in every row: a column not given takes its
        # default (a constant), else NULL
        self.empty = {
            model: {column.name: blank(column) for column in model.__table__.columns}
            for model in self.ORDER
        }

    def add(self, model: type, **values: Any) -> int:
        self.ids[model] += 1
        identifier = self.ids[model]
        self.tables[model].append({**self.empty[model], "id": identifier, **values})
        return identifier

    def flush(self, connection: Connection) -> int:
        written = 0
        for model in self.ORDER:
            rows = self.tables[model]
            if rows:
                table: Table = model.__table__
                connection.execute(insert(table), rows)
                written += len(rows)
                rows.clear()
        return written


@dataclass
class Contacted:
    """A case's contacts as the tabs read them: the latest one decides."""

    count: int = 0
    last_reached: bool = False
    last_outcome: str | None = None
    last_at: datetime | None = None
    reached_once: bool = False


class Generator:
    """Draws the installation, youth by youth, into ``Rows``; counts what the pages show."""

    def __init__(self, rng: random.Random, refs: dict[tuple[ReferenceKind, str], int]) -> None:
        self.rng = rng
        self.refs = refs
        self.rows = Rows()
        self.expected = Expected()
        self.ines: set[int] = set()
        self.timing = {"generate": 0.0, "write": 0.0}
        self.total_rows = 0
        self.pilot_tasks = 0

    def ref(self, kind: ReferenceKind, code: str) -> int:
        return self.refs[(kind, code)]

    # --- a youth and their case -------------------------------------------------------

    def youth(self, place: Place, *, measured: bool, pilot_share: float, long: bool) -> int:
        """One youth with their cases and facts; returns the youth's id."""
        rng = self.rng
        last = rng.choices(LAST_NAMES, cum_weights=LAST_NAME_WEIGHTS)[0]
        first = rng.choice(FIRST_NAMES)
        age = rng.choices(AGE_LIST, cum_weights=AGE_WEIGHTS)[0]
        born = TODAY - timedelta(days=int(age * 365.25) + rng.randrange(1, 364))
        commune, postal_code, academy = rng.choice(COMMUNES)
        listed = self._listed(place)
        youth_id = self.rows.add(
            Youth,
            psad_id=place.psad_id,
            ine=self._ine(),
            last_name=last,
            first_name=first,
            sex=rng.choice((Sex.FEMALE, Sex.MALE)),
            birth_date=born,
            birth_place=rng.choice(COMMUNES)[0] if rng.random() < 0.7 else None,
            address=f"{rng.randrange(1, 180)} rue Victor-Hugo",
            postal_code=postal_code,
            commune=commune,
            phone=f"+3335301{rng.randrange(10_000):04d}" if rng.random() < 0.85 else None,
            email=f"jeune{rng.randrange(10**6)}@example.org" if rng.random() < 0.7 else None,
            school_name=f"Lycée de {commune}",
            school_commune=commune,
            school_academy=academy,
            formation="CAP Cuisine",
            level="1re année CAP",
            track=Track.VOCATIONAL,
            school_entry_date=date(TODAY.year - 2, 9, 2),
            school_exit_date=TODAY - timedelta(days=rng.randrange(30, 500)),
            exit_reason="Abandon en cours d'année",
            search_key=f"{fold(last)} {fold(first)}".strip(),
            identity_key=identity_key(last, first, born),
            last_row_hash=f"{rng.getrandbits(160):040x}" if listed else None,
            version=1,
            created_at=NOW,
            updated_at=NOW,
        )
        if long:
            self.rows.add(
                Guardian,
                youth_id=youth_id,
                last_name=last,
                first_name="Nathalie",
                phone="+33353019999",
            )
        for line, batch in enumerate(listed):
            self.rows.add(
                Listing,
                batch_id=place.batches[batch],
                youth_id=youth_id,
                line=4 + line,
                outcome=ListingOutcome.CREATED if line == 0 else ListingOutcome.UNCHANGED,
                row_hash=f"{rng.getrandbits(160):040x}",
            )
        if rng.random() < 0.04:
            self._earlier_case(place, youth_id)
        tab, structure_id = self._case(
            place, youth_id, born, listed, pilot_share=pilot_share, long=long
        )
        if measured:
            self._count(tab, born, structure_id, place, last)
        return youth_id

    def _ine(self) -> str | None:
        if self.rng.random() < 0.06:
            return None
        while True:
            digits = self.rng.randrange(10**10)
            if digits not in self.ines:
                self.ines.add(digits)
                return f"{digits:010d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[digits % 23]

    def _listed(self, place: Place) -> list[str]:
        """The lists the youth was in: the November SIEI list, June's, both, or a school's."""
        draw = self.rng.random()
        if draw < 0.40:
            return ["november"]
        if draw < 0.70:
            return ["june", "november"]
        if draw < 0.85:
            return ["june"]  # « absent de la dernière liste »
        if draw < 0.92:
            return ["school"]
        return []  # signalé or came by themselves

    def _case(
        self,
        place: Place,
        youth_id: int,
        born: date,
        listed: list[str],
        *,
        pilot_share: float,
        long: bool,
    ) -> tuple[Tab, int | None]:
        """The youth's current case and its facts; returns its tab and referent structure."""
        rng = self.rng
        closed = not long and rng.random() < 0.15
        opened_on = TODAY - timedelta(days=rng.randrange(5, 450))
        source, source_structure = self._source(place, listed)
        referent_structure = None
        referent_user = None
        if rng.random() < 0.6:
            structures = place.structures
            referent_structure = rng.choices(structures, cum_weights=place.structure_weights)[0]
        if rng.random() < 0.35:
            referent_user = rng.choice(place.users)
        case_id = self.rows.add(
            Case,
            youth_id=youth_id,
            psad_id=place.psad_id,
            status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
            source=source,
            source_structure_id=source_structure,
            source_batch_id=place.batches[listed[0]] if source is CaseSource.LISTING else None,
            opened_on=opened_on,
            referent_user_id=referent_user,
            referent_structure_id=referent_structure,
            created_at=NOW,
            version=1,
        )
        case = self.rows.tables[Case][-1]
        count = TIMELINE_CONTACTS if long else rng.choices(range(9), CONTACT_WEIGHTS)[0]
        contacts = self._contacts(place, case_id, opened_on, count)
        if contacts.reached_once:
            self._reached(case)
        call_back_due = self._tasks(
            place, case_id, contacts, closed=closed, pilot_share=pilot_share, long=long
        )
        if long:
            self._notes(place, case_id, opened_on)
        if closed:
            self._close(case, contacts, opened_on)
            return Tab.CLOSED, None
        self._legal(place, case_id, born, opened_on)
        to_recontact = call_back_due or (
            contacts.count > 0
            and (not contacts.last_reached or contacts.last_outcome == CALL_BACK_ASKED)
        )
        if contacts.count == 0 and not call_back_due:
            tab = Tab.TO_PROCESS
        elif to_recontact:
            tab = Tab.TO_RECONTACT
        elif case["situation_id"] == self.ref(ReferenceKind.SITUATION, NO_SOLUTION):
            tab = Tab.NO_SOLUTION
        else:
            tab = Tab.IN_PROGRESS
        return tab, referent_structure

    def _source(self, place: Place, listed: list[str]) -> tuple[CaseSource, int | None]:
        if listed:
            return CaseSource.LISTING, None
        if self.rng.random() < 0.8:  # signalé, half of them by a partner (a priority)
            partner = self.rng.choice(place.structures) if self.rng.random() < 0.5 else None
            return CaseSource.REFERRAL, partner
        return CaseSource.SPONTANEOUS, None

    def _contacts(self, place: Place, case_id: int, opened_on: date, count: int) -> Contacted:
        rng = self.rng
        start = datetime(opened_on.year, opened_on.month, opened_on.day, 9, tzinfo=PARIS)
        span = (NOW - timedelta(hours=1) - start).total_seconds()
        moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
        seen = Contacted(count=count)
        for at in moments:
            reached = rng.random() < 0.5
            outcome = (
                rng.choices(OUTCOMES_REACHED, OUTCOMES_REACHED_WEIGHTS)[0]
                if reached
                else rng.choice(OUTCOMES_FAILED)
            )
            self.rows.add(
                Contact,
                case_id=case_id,
                occurred_at=at.astimezone(UTC),
                channel_id=self.ref(
                    ReferenceKind.CONTACT_CHANNEL, rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0]
                ),
                reached=reached,
                outcome_id=self.ref(ReferenceKind.CONTACT_OUTCOME, outcome),
                party=Party.YOUTH if rng.random() < 0.85 else Party.GUARDIAN,
                author_id=rng.choice(place.users),
                created_at=at.astimezone(UTC),
            )
            seen.last_reached, seen.last_outcome, seen.last_at = reached, outcome, at
            seen.reached_once = seen.reached_once or reached
        return seen

    def _reached(self, case: dict[str, Any]) -> None:
        """A youth reached once: often a situation, sometimes a stage decided."""
        rng = self.rng
        if rng.random() < 0.7:
            code = rng.choices(SITUATIONS, SITUATION_WEIGHTS)[0]
            case["situation_id"] = self.ref(ReferenceKind.SITUATION, code)
        draw = rng.random()
        if draw < 0.3:
            case["decided_stage"] = CaseStage.SUPPORTED
        elif draw < 0.4:
            case["decided_stage"] = CaseStage.SOLUTION

    def _tasks(
        self,
        place: Place,
        case_id: int,
        contacts: Contacted,
        *,
        closed: bool,
        pilot_share: float,
        long: bool,
    ) -> bool:
        """The case's tasks (all done on a closed case); whether a call-back is due."""
        rng = self.rng
        count = TIMELINE_TASKS if long else rng.choices(range(4), TASK_WEIGHTS)[0]
        call_back_due = False
        for number in range(count):
            call_back = number == 0 and contacts.count > 0 and not contacts.last_reached
            if call_back:
                assert contacts.last_at is not None
                due_on = contacts.last_at.date() + timedelta(days=7)
            else:
                due_on = TODAY + timedelta(days=rng.randrange(-45, 60))
            done = closed or rng.random() < 0.35
            pilot = rng.random() < pilot_share
            structure = None
            if not pilot and rng.random() < 0.4:
                structure = rng.choices(place.structures, cum_weights=place.structure_weights)[0]
            user = place.pilot_id if pilot else (None if structure else rng.choice(place.users[1:]))
            self.rows.add(
                Task,
                case_id=case_id,
                title="Rappeler le jeune" if call_back else rng.choice(TASK_TITLES),
                due_on=due_on,
                assignee_user_id=user,
                assignee_structure_id=structure,
                rule=TaskRule.CALL_BACK if call_back else TaskRule.MANUAL,
                created_by_id=rng.choice(place.users),
                created_at=NOW - timedelta(days=rng.randrange(1, 60)),
                done_at=NOW - timedelta(days=rng.randrange(0, 30)) if done else None,
                done_by_id=rng.choice(place.users) if done else None,
            )
            if not done and pilot:
                self.pilot_tasks += 1
            call_back_due = call_back_due or (call_back and not done and due_on <= TODAY)
        return call_back_due

    def _notes(self, place: Place, case_id: int, opened_on: date) -> None:
        for number in range(TIMELINE_NOTES):
            at = datetime(opened_on.year, opened_on.month, opened_on.day, 14, tzinfo=PARIS)
            self.rows.add(
                Note,
                case_id=case_id,
                kind=NoteKind.NOTE if number % 3 else NoteKind.DIAGNOSTIC,
                body=NOTE_BODIES[number % len(NOTE_BODIES)],
                author_id=self.rng.choice(place.users),
                created_at=(at + timedelta(days=number * 3)).astimezone(UTC),
            )

    def _close(self, case: dict[str, Any], contacts: Contacted, opened_on: date) -> None:
        rng = self.rng
        last = contacts.last_at.date() if contacts.last_at else opened_on
        case["closed_on"] = min(TODAY, last + timedelta(days=rng.randrange(1, 30)))
        reason = rng.choice(CLOSING_REASONS)
        case["closing_reason_id"] = self.ref(ReferenceKind.CLOSING_REASON, reason)
        case["known_to_partner"] = rng.choice(list(KnownToPartner))
        if reason == "solution_found":
            case["solution_id"] = self.ref(ReferenceKind.SOLUTION, "apprenticeship")
            case["solution_since"] = case["closed_on"]

    def _legal(self, place: Place, case_id: int, born: date, opened_on: date) -> None:
        """DARFI requests (3 % of open cases, half waiting), obligation interviews of minors."""
        rng = self.rng
        if rng.random() < 0.03:
            requested = TODAY - timedelta(days=rng.randrange(1, 40))
            held = rng.random() < 0.5
            self.rows.add(
                DarfiRequest,
                case_id=case_id,
                requested_on=requested,
                source=rng.choice(list(DarfiSource)),
                diploma=rng.choice((Diploma.NONE, Diploma.DNB, Diploma.UNKNOWN)),
                interview_on=min(TODAY, requested + timedelta(days=10)) if held else None,
                interview_by_id=rng.choice(place.users) if held else None,
                author_id=rng.choice(place.users),
                created_at=NOW,
            )
        if 16 <= age_on(born, TODAY) < 18 and rng.random() < 0.4:
            self.rows.add(
                ObligationStepRecord,
                case_id=case_id,
                step=ObligationStep.INTERVIEW,
                done_on=min(TODAY, opened_on + timedelta(days=rng.randrange(5, 80))),
                author_id=rng.choice(place.users),
                created_at=NOW,
            )

    def _earlier_case(self, place: Place, youth_id: int) -> None:
        """A case closed more than a year ago, with one contact."""
        opened_on = TODAY - timedelta(days=self.rng.randrange(500, 700))
        case_id = self.rows.add(
            Case,
            youth_id=youth_id,
            psad_id=place.psad_id,
            status=CaseStatus.CLOSED,
            source=CaseSource.LISTING,
            opened_on=opened_on,
            known_to_partner=KnownToPartner.UNKNOWN,
            closed_on=opened_on + timedelta(days=90),
            closing_reason_id=self.ref(ReferenceKind.CLOSING_REASON, "unreachable"),
            created_at=NOW,
            version=1,
        )
        self._contacts(place, case_id, opened_on, 1)

    def _count(
        self, tab: Tab, born: date, structure_id: int | None, place: Place, last: str
    ) -> None:
        expected = self.expected
        expected.tabs[tab.value] += 1
        minor = age_on(born, TODAY) < 18
        if tab is FILTER_TAB and minor and structure_id == place.structures[FILTER_INDEX]:
            expected.filtered += 1
        if SEARCH in fold(last):
            expected.search_all_tabs += 1
            expected.search_in_default_tab += tab is Tab.TO_PROCESS

    # --- writing -----------------------------------------------------------------------

    def psad_youth(
        self, connection: Connection, place: Place, youth: int, *, measured: bool
    ) -> int | None:
        """``youth`` youth of one PSAD, written a chunk at a time; the long file's youth id."""
        # About half the tasks drawn stay open (tasks of closed cases are done).
        pilot_share = min(0.5, PILOT_OPEN_TASKS / 0.5 / max(youth, 1)) if measured else 0.0
        self.pilot_tasks = 0
        long_file = None
        for start in range(0, youth, CHUNK):
            began = time.perf_counter()
            for number in range(start, min(youth, start + CHUNK)):
                long = measured and number == 0
                youth_id = self.youth(place, measured=measured, pilot_share=pilot_share, long=long)
                long_file = youth_id if long else long_file
            written = time.perf_counter()
            self.total_rows += self.rows.flush(connection)
            connection.commit()
            self.timing["generate"] += written - began
            self.timing["write"] += time.perf_counter() - written
        if measured:
            self.expected.pilot_open_tasks = self.pilot_tasks
        return long_file


def reference_ids(session: Session) -> dict[tuple[ReferenceKind, str], int]:
    ensure_seeded(session)
    session.commit()
    items = session.execute(select(ReferenceItem.kind, ReferenceItem.code, ReferenceItem.id))
    return {(kind, code): identifier for kind, code, identifier in items}


def add_place(
    session: Session, *, code: str, password_hash: str, number: int, measured: bool
) -> Place:
    """A PSAD with its structures, people and lists (a handful of rows: the ORM)."""
    psad = Psad(code=code, name=f"PSAD de mesure {number}", territory="Banc d'essai")
    session.add(psad)
    structures = [
        Structure(psad=psad, name=name, kind=kind, commune="Lille") for name, kind, _ in STRUCTURES
    ]
    session.add_all(structures)
    people = []
    for index, name in enumerate(COUNSELLORS):
        email = PILOT_EMAIL if measured and index == 0 else f"c{index}.{code.lower()}@psad.example"
        role = Role.PILOT if index == 0 else Role.COPILOT if index == 1 else Role.PARTNER
        user = User(email=email, full_name=name, password_hash=password_hash)
        structure = structures[index % len(structures)] if role is Role.PARTNER else None
        user.memberships.append(Membership(psad=psad, role=role, structure=structure))
        people.append(user)
    session.add_all(people)
    june, november = datetime(2026, 6, 15, 9, tzinfo=UTC), datetime(2026, 11, 16, 9, tzinfo=UTC)
    lists = {
        "june": ("SIEI juin 2026", ListSource.SIEI, june),
        "school": ("Liste du lycée Jean-Moulin", ListSource.SCHOOL, november - timedelta(days=40)),
        "november": ("SIEI novembre 2026", ListSource.SIEI, november),
    }
    batches = {
        key: ImportBatch(
            psad=psad,
            label=label,
            source=source,
            origin=ImportOrigin.WEB,
            file_name=f"{key}.xlsx",
            file_hash=f"{number:02d}{key:0>62}"[:64],
            file_size=1_000_000,
            imported_at=at,
        )
        for key, (label, source, at) in lists.items()
    }
    session.add_all(batches.values())
    session.flush()
    return Place(
        psad_id=psad.id,
        structures=[s.id for s in structures],
        structure_weights=cumulative([weight for _, _, weight in STRUCTURES]),
        users=[u.id for u in people],
        pilot_id=people[0].id,
        batches={key: batch.id for key, batch in batches.items()},
    )


@dataclass
class Filled:
    """What the benchmark needs to know of a filled database."""

    youth: int  # in the measured PSAD
    total_youth: int
    rows: int
    expected: dict[str, Any]
    long_file_id: int
    filter_structure_id: int
    timing: dict[str, float]


def fill(engine: Engine, *, youth: int, seed: int, password_hash: str) -> Filled:
    """Write the installation into an empty, migrated database."""
    began = time.perf_counter()
    rng = random.Random(seed)
    with Session(engine) as session:
        refs = reference_ids(session)
        places = [
            add_place(
                session,
                code=MAIN_CODE if number == 1 else f"{MAIN_CODE}{number}",
                password_hash=password_hash,
                number=number,
                measured=number == 1,
            )
            for number in range(1, OTHER_PSADS + 2)
        ]
        session.commit()
    generator = Generator(rng, refs)
    set_up = time.perf_counter() - began
    sizes = [youth] + [youth // 10] * OTHER_PSADS
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":  # a faster fill; the pages run with the app's
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        long_file = None
        for number, (place, size) in enumerate(zip(places, sizes, strict=True)):
            found = generator.psad_youth(connection, place, size, measured=number == 0)
            long_file = found if number == 0 else long_file
        if engine.dialect.name == "postgresql":
            reset_sequences(connection)
    assert long_file is not None
    return Filled(
        youth=youth,
        total_youth=sum(sizes),
        rows=generator.total_rows,
        expected=generator.expected.as_dict(),
        long_file_id=long_file,
        filter_structure_id=places[0].structures[FILTER_INDEX],
        timing={"set_up": set_up, **generator.timing},
    )


def reset_sequences(connection: Connection) -> None:
    """The ids were chosen here: each PostgreSQL sequence continues after the largest."""
    for model in Rows.ORDER:
        table = model.__table__.name
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        )
    connection.commit()


def youth_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Youth)) or 0
