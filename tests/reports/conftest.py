"""The known-answer world of the bilan (fixture ``bilan_world``), shared by the indicator,
dashboard, export and regional tests.

Two PSADs: A (« BILA ») and B (« BILB »). The period is the school year 2025-2026
(1/9/2025 to 31/8/2026); the previous one is 2024-2025. Lists (import batches):

- A « SIEI novembre 2025 » (SIEI), imported 10/11/2025 10:00 Paris;
- A « Lycée Jean Moulin février 2026 » (établissement), imported 02/02/2026 10:00;
- A « SIEI mars 2025 » (SIEI), imported 15/03/2025 10:00 (previous year);
- B « SIEI B novembre 2025 » (SIEI), imported 12/11/2025 10:00.

The youth, and what each gives for the funnel, situation and profile indicators (period
2025-2026 unless said; « A », « B »: the scope of one PSAD; « A+B »: both):

1. ``alice`` (A) — listed by both A lists (listed twice: counts once, in both list rows and
   once in « Campagne SIEI (RIO) » and « Liste d'un établissement »). F, born 01/05/2009
   (16: « 16-17 »), voie professionnelle, « 2nde pro », Lycée Jean Moulin 0590001A, Lille.
   Contacts: 20/11/2025 phone not reached, 25/11/2025 phone reached, 05/12/2025 « Entretien
   sur place » reached. Situation « Sans solution ». Orientation to « E2C Lille »
   (programme whose solution type is « École de la deuxième chance (E2C) ») proposed
   10/01/2026, started 01/02/2026. → listed, contacted, reached, interviewed, solution
   proposed, solution started (« solution:e2c »); situation_at_contact « no_solution ».
   Reviewed by the comité of 08/01/2026: decision « orientation » amended on 20/01/2026.
2. ``bruno`` (A) — listed by « SIEI novembre 2025 »; case closed « Injoignable » on
   01/12/2025 then reopened 05/01/2026 (open now: not in the closing reasons). M, born
   20/01/2008 (17), générale, « Terminale générale », Lycée Baudelaire 0590002B, Roubaix.
   Contacts: 15/11/2025 not reached, 10/01/2026 phone reached, situation unset. → listed,
   contacted, reached; situation_at_contact « unknown ». Comité: decision « veille ».
3. ``chloe`` (A) — turns 18 during the period: born 01/12/2007, listed 10/11/2025 at 17
   (« 16-17 »). F, apprentissage, « CAP 1re année », school without UAI « CFA BTP »,
   Lille. Contacts: 31/08/2026 23:30 Paris (21:30 UTC), phone reached — the period's last
   day: counted; 01/09/2026 00:30 Paris (31/08 22:30 UTC), phone reached — the next
   period. Situation « En emploi ». → listed, contacted, reached; situation « employed ».
4. ``david`` (A) — a signalement: case opened 01/03/2026 (source « Signalement », listed
   by no list: « Hors liste »). M, born 01/06/2005 (20: « 18-25 »), no track, level or
   commune. Contact 02/03/2026 phone reached; DARFI request 02/03/2026, interview
   10/03/2026. Closed 01/04/2026 « Solution trouvée » (« Apprentissage »), unknown to
   partners. → listed, contacted, reached, interviewed (DARFI), solution started
   (« solution:apprenticeship »); closing reason « solution_found »; discovered.
5. ``emma`` (transferred A → B mid-period) — A case opened 01/10/2025 by a signalement
   (listed in A, « Signalement »); contact 20/11/2025 phone reached on A's case. Transfer
   accepted 15/01/2026: A's case closed « Transfert vers une autre PSAD », a B case opened
   that day (source copied: « Signalement »). Contact 01/02/2026 « Entretien sur place »
   reached on B's case. F, born 01/02/2009 (16), générale, « 1re générale », Lens. → A:
   listed, contacted, reached, closing reason « transferred », not discovered. B: not
   listed (a case received by transfer is no repérage: P2 counts it as a transfer in),
   contacted, reached, interviewed. Situation unset (« unknown ») in both.
6. ``farid`` (B) — listed by « SIEI B novembre 2025 ». M, born 10/09/2008 (17),
   professionnelle, « Terminale pro », Arras. A contact 01/12/2025 recorded reached, then
   corrected (« annule et remplace ») as not reached → contacted, not reached. Orientation
   proposed 20/01/2026 then cancelled → no solution proposed.
7. ``gaelle`` (A, previous year only) — listed by « SIEI mars 2025 » (15/03/2025). F, born
   04/04/2008 (16), professionnelle, « 1re pro », Lycée Jean Moulin 0590001A, Lille.
   Contact 01/04/2025 phone reached (situation « Sans solution »); closed 30/06/2025
   « Solution trouvée » (« Retour en formation initiale (statut scolaire) »), followed by a
   partner. → 2024-2025: listed, contacted, reached, solution started (« solution:school »),
   closing reason « solution_found »; nothing in 2025-2026.
8. ``hugo`` (A) — démarche spontanée: case opened 01/05/2026. M, born 15/01/2010 (16),
   collège, « 3e », Collège Pasteur 0590003C, Lille. Obligation de formation « entretien »
   done 20/05/2026 (no contact) → interviewed. Orientation to « Remobilisation Lille »
   (no solution type: family « Remobilisation ») proposed 01/06/2026, still proposed.
   → listed, interviewed, solution proposed.
9. ``ines`` (A) — listed by « Lycée Jean Moulin février 2026 » only; no sex, birth date,
   track, level, school or commune recorded; no contact. → listed; « unknown » in every
   profile breakdown.

The expected figures are asserted in tests/reports/test_funnel.py and test_profile.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad
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
    CaseEvent,
    CaseEventKind,
    Contact,
    DarfiRequest,
    DarfiSource,
    ObligationStep,
    ObligationStepRecord,
)
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeFamily,
    ProgrammeSite,
    SitePlaces,
)
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import ensure_seeded
from psad.reports.figures import Period, Scope
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.models import Case, CaseSource, CaseStatus, KnownToPartner, Sex, Track, Youth
from tests.factories import make_psad

PERIOD = Period.school_year(2025)
PREVIOUS = Period.school_year(2024)


def paris(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=clock.PARIS).astimezone(UTC)


@dataclass
class BilanWorld:
    a: Psad
    b: Psad
    period: Period = PERIOD
    previous: Period = PREVIOUS
    youth: dict[str, int] = field(default_factory=dict)  # name → youth id
    batches: dict[str, int] = field(default_factory=dict)  # « a_nov » ... → batch id
    committee_id: int = 0
    decision_ids: dict[str, int] = field(default_factory=dict)

    def scope(self, *psads: Psad, previous: bool = False) -> Scope:
        ids = tuple(sorted(p.id for p in (psads or (self.a,))))
        return Scope(ids, self.previous if previous else self.period)

    def ids(self, *names: str) -> set[int]:
        return {self.youth[name] for name in names}


class _Builder:
    def __init__(self, session: Session) -> None:
        self.session = session
        ensure_seeded(session)
        self.items = {
            (item.kind, item.code): item for item in session.scalars(select(ReferenceItem))
        }

    def item(self, kind: ReferenceKind, code: str) -> ReferenceItem:
        return self.items[(kind, code)]

    def batch(self, psad: Psad, label: str, source: ListSource, at: datetime) -> ImportBatch:
        batch = ImportBatch(
            psad_id=psad.id,
            label=label,
            source=source,
            origin=ImportOrigin.WEB,
            file_name=f"{label}.xlsx",
            file_hash=label,
            file_size=1,
            imported_at=at,
        )
        self.session.add(batch)
        self.session.flush()
        return batch

    def youth(self, psad: Psad, name: str, **values: object) -> Youth:
        youth = Youth(psad_id=psad.id, last_name=name.upper(), first_name=name, **values)
        youth.refresh_keys()
        self.session.add(youth)
        self.session.flush()
        return youth

    def case(
        self,
        youth: Youth,
        psad: Psad,
        opened_on: date,
        source: CaseSource,
        batch: ImportBatch | None = None,
        **values: object,
    ) -> Case:
        case = Case(
            youth_id=youth.id,
            psad_id=psad.id,
            opened_on=opened_on,
            source=source,
            source_batch_id=batch.id if batch else None,
            **values,
        )
        self.session.add(case)
        self.session.flush()
        return case

    def listing(self, batch: ImportBatch, youth: Youth, line: int) -> None:
        self.session.add(
            Listing(
                batch_id=batch.id,
                youth_id=youth.id,
                line=line,
                outcome=ListingOutcome.CREATED,
                row_hash=f"{batch.id}-{youth.id}",
            )
        )

    def contact(
        self, case: Case, at: datetime, channel: str, *, reached: bool, **values: object
    ) -> Contact:
        contact = Contact(
            case_id=case.id,
            occurred_at=at,
            channel_id=self.item(ReferenceKind.CONTACT_CHANNEL, channel).id,
            reached=reached,
            outcome_id=self.item(
                ReferenceKind.CONTACT_OUTCOME, "reached" if reached else "no_answer"
            ).id,
            **values,
        )
        self.session.add(contact)
        self.session.flush()
        return contact

    def close(
        self,
        case: Case,
        on: date,
        reason: str,
        known: KnownToPartner | None,
        solution: str | None = None,
    ) -> None:
        case.status, case.closed_on = CaseStatus.CLOSED, on
        case.closing_reason_id = self.item(ReferenceKind.CLOSING_REASON, reason).id
        case.known_to_partner = known
        if solution is not None:
            case.solution_id = self.item(ReferenceKind.SOLUTION, solution).id
            case.solution_since = on
        self.session.add(
            CaseEvent(case_id=case.id, kind=CaseEventKind.CLOSED, occurred_at=paris(*_ymd(on)))
        )
        self.session.flush()


def _ymd(day: date) -> tuple[int, int, int]:
    return day.year, day.month, day.day


def build_bilan_world(session: Session, tag: str = "") -> BilanWorld:
    """The world; ``tag`` makes the codes of another copy of it unique."""
    b = _Builder(session)
    psad_a = make_psad(session, code=f"BILA{tag}", name=f"PSAD Bilan A{tag}")
    psad_b = make_psad(session, code=f"BILB{tag}", name=f"PSAD Bilan B{tag}")
    world = BilanWorld(a=psad_a, b=psad_b)
    sit = ReferenceKind.SITUATION

    a_nov = b.batch(psad_a, "SIEI novembre 2025", ListSource.SIEI, paris(2025, 11, 10))
    a_feb = b.batch(psad_a, "Lycée Jean Moulin février 2026", ListSource.SCHOOL, paris(2026, 2, 2))
    a_mar = b.batch(psad_a, "SIEI mars 2025", ListSource.SIEI, paris(2025, 3, 15))
    b_nov = b.batch(psad_b, "SIEI B novembre 2025", ListSource.SIEI, paris(2025, 11, 12))
    world.batches = {"a_nov": a_nov.id, "a_feb": a_feb.id, "a_mar": a_mar.id, "b_nov": b_nov.id}

    e2c = Programme(code=f"BIL-E2C{tag}", name="E2C Lille", family=ProgrammeFamily.QUALIFICATION)
    e2c.solution_id = b.item(ReferenceKind.SOLUTION, "e2c").id
    remob = Programme(
        code=f"BIL-REMOB{tag}", name="Remobilisation Lille", family=ProgrammeFamily.REMOBILISATION
    )
    session.add_all([e2c, remob])
    session.flush()
    e2c_site = ProgrammeSite(programme_id=e2c.id, psad_id=psad_a.id, commune="Lille")
    remob_site = ProgrammeSite(programme_id=remob.id, psad_id=psad_a.id, commune="Lille")
    session.add_all([e2c_site, remob_site])
    session.flush()
    session.add_all(
        [
            SitePlaces(site_id=e2c_site.id, school_year=2025, places=10),
            SitePlaces(site_id=remob_site.id, school_year=2025, places=5),
        ]
    )

    def orientation(
        case: Case, programme: Programme, site: ProgrammeSite | None, **values: object
    ) -> Orientation:
        proposed_on = values["proposed_on"]
        assert isinstance(proposed_on, date)
        o = Orientation(
            case_id=case.id,
            youth_id=case.youth_id,
            psad_id=case.psad_id,
            programme_id=programme.id,
            site_id=site.id if site else None,
            school_year=2025,
            last_news_on=proposed_on,
            **values,
        )
        session.add(o)
        session.flush()
        return o

    # 1. alice: listed twice, the whole funnel
    alice = b.youth(
        psad_a,
        "alice",
        sex=Sex.FEMALE,
        birth_date=date(2009, 5, 1),
        track=Track.VOCATIONAL,
        level="2nde pro",
        school_uai="0590001A",
        school_name="Lycée Jean Moulin",
        commune="Lille",
    )
    b.listing(a_nov, alice, 2)
    b.listing(a_feb, alice, 2)
    alice_case = b.case(
        alice,
        psad_a,
        date(2025, 11, 10),
        CaseSource.LISTING,
        a_nov,
        situation_id=b.item(sit, "no_solution").id,
    )
    b.contact(alice_case, paris(2025, 11, 20), "phone", reached=False)
    b.contact(alice_case, paris(2025, 11, 25), "phone", reached=True)
    b.contact(alice_case, paris(2025, 12, 5), "in_person", reached=True)
    orientation(
        alice_case,
        e2c,
        e2c_site,
        status=OrientationStatus.STARTED,
        proposed_on=date(2026, 1, 10),
        accepted_on=date(2026, 1, 15),
        started_on=date(2026, 2, 1),
    )

    # 2. bruno: closed then reopened
    bruno = b.youth(
        psad_a,
        "bruno",
        sex=Sex.MALE,
        birth_date=date(2008, 1, 20),
        track=Track.GENERAL,
        level="Terminale générale",
        school_uai="0590002B",
        school_name="Lycée Baudelaire",
        commune="Roubaix",
    )
    b.listing(a_nov, bruno, 3)
    bruno_case = b.case(bruno, psad_a, date(2025, 11, 10), CaseSource.LISTING, a_nov)
    b.contact(bruno_case, paris(2025, 11, 15), "phone", reached=False)
    b.close(bruno_case, date(2025, 12, 1), "unreachable", KnownToPartner.UNKNOWN)
    bruno_case.status, bruno_case.closed_on, bruno_case.closing_reason_id = (
        CaseStatus.OPEN,
        None,
        None,
    )
    bruno_case.known_to_partner = None
    session.add(
        CaseEvent(case_id=bruno_case.id, kind=CaseEventKind.REOPENED, occurred_at=paris(2026, 1, 5))
    )
    session.flush()
    b.contact(bruno_case, paris(2026, 1, 10), "phone", reached=True)

    # 3. chloe: turns 18 during the period; contacts at the period's edge
    chloe = b.youth(
        psad_a,
        "chloe",
        sex=Sex.FEMALE,
        birth_date=date(2007, 12, 1),
        track=Track.APPRENTICESHIP,
        level="CAP 1re année",
        school_name="CFA BTP",
        commune="Lille",
    )
    b.listing(a_nov, chloe, 4)
    chloe_case = b.case(
        chloe,
        psad_a,
        date(2025, 11, 10),
        CaseSource.LISTING,
        a_nov,
        situation_id=b.item(sit, "employed").id,
    )
    b.contact(chloe_case, paris(2026, 8, 31, 23, 30), "phone", reached=True)
    b.contact(chloe_case, paris(2026, 9, 1, 0, 30), "phone", reached=True)

    # 4. david: a signalement, DARFI interview, solution found, unknown to partners
    david = b.youth(psad_a, "david", sex=Sex.MALE, birth_date=date(2005, 6, 1))
    david_case = b.case(david, psad_a, date(2026, 3, 1), CaseSource.REFERRAL)
    b.contact(david_case, paris(2026, 3, 2), "phone", reached=True)
    session.add(
        DarfiRequest(
            case_id=david_case.id,
            requested_on=date(2026, 3, 2),
            source=DarfiSource.YOUTH,
            interview_on=date(2026, 3, 10),
        )
    )
    session.flush()
    b.close(
        david_case, date(2026, 4, 1), "solution_found", KnownToPartner.UNKNOWN, "apprenticeship"
    )

    # 5. emma: transferred from A to B on 15/01/2026
    emma = b.youth(
        psad_a,
        "emma",
        sex=Sex.FEMALE,
        birth_date=date(2009, 2, 1),
        track=Track.GENERAL,
        level="1re générale",
        commune="Lens",
    )
    emma_a = b.case(emma, psad_a, date(2025, 10, 1), CaseSource.REFERRAL)
    b.contact(emma_a, paris(2025, 11, 20), "phone", reached=True)
    b.close(emma_a, date(2026, 1, 15), "transferred", None)
    decided_at = paris(2026, 1, 15, 11)
    session.add(
        Transfer(
            youth_id=emma.id,
            from_psad_id=psad_a.id,
            to_psad_id=psad_b.id,
            direction=TransferDirection.OFFER,
            state=TransferState.ACCEPTED,
            comment="Déménagement",
            proposed_at=paris(2026, 1, 10),
            decided_at=decided_at,
            subject_last_name="EMMA",
            subject_first_name="emma",
        )
    )
    emma.psad_id = psad_b.id
    session.flush()
    emma_b = b.case(
        emma,
        psad_b,
        date(2026, 1, 15),
        CaseSource.REFERRAL,
        source_detail=f"Transfert de la PSAD {psad_a.code}",
        created_at=decided_at,
    )
    b.contact(emma_b, paris(2026, 2, 1), "in_person", reached=True)

    # 6. farid: a corrected contact, a cancelled orientation
    farid = b.youth(
        psad_b,
        "farid",
        sex=Sex.MALE,
        birth_date=date(2008, 9, 10),
        track=Track.VOCATIONAL,
        level="Terminale pro",
        commune="Arras",
    )
    b.listing(b_nov, farid, 2)
    farid_case = b.case(farid, psad_b, date(2025, 11, 12), CaseSource.LISTING, b_nov)
    wrong = b.contact(farid_case, paris(2025, 12, 1), "phone", reached=True)
    b.contact(farid_case, paris(2025, 12, 1), "phone", reached=False, replaces_id=wrong.id)
    orientation(
        farid_case,
        remob,
        None,
        status=OrientationStatus.CANCELLED,
        proposed_on=date(2026, 1, 20),
        cancelled_on=date(2026, 1, 25),
    )

    # 7. gaelle: the previous school year only
    gaelle = b.youth(
        psad_a,
        "gaelle",
        sex=Sex.FEMALE,
        birth_date=date(2008, 4, 4),
        track=Track.VOCATIONAL,
        level="1re pro",
        school_uai="0590001A",
        school_name="Lycée Jean Moulin",
        commune="Lille",
    )
    b.listing(a_mar, gaelle, 2)
    gaelle_case = b.case(
        gaelle,
        psad_a,
        date(2025, 3, 15),
        CaseSource.LISTING,
        a_mar,
        situation_id=b.item(sit, "no_solution").id,
    )
    b.contact(gaelle_case, paris(2025, 4, 1), "phone", reached=True)
    b.close(gaelle_case, date(2025, 6, 30), "solution_found", KnownToPartner.FOLLOWED, "school")

    # 8. hugo: démarche spontanée, obligation de formation interview, orientation proposed
    hugo = b.youth(
        psad_a,
        "hugo",
        sex=Sex.MALE,
        birth_date=date(2010, 1, 15),
        track=Track.LOWER_SECONDARY,
        level="3e",
        school_uai="0590003C",
        school_name="Collège Pasteur",
        commune="Lille",
    )
    hugo_case = b.case(hugo, psad_a, date(2026, 5, 1), CaseSource.SPONTANEOUS)
    session.add(
        ObligationStepRecord(
            case_id=hugo_case.id, step=ObligationStep.INTERVIEW, done_on=date(2026, 5, 20)
        )
    )
    orientation(
        hugo_case,
        remob,
        remob_site,
        status=OrientationStatus.PROPOSED,
        proposed_on=date(2026, 6, 1),
    )

    # 9. ines: listed, nothing recorded
    ines = b.youth(psad_a, "ines")
    b.listing(a_feb, ines, 3)
    b.case(ines, psad_a, date(2026, 2, 2), CaseSource.LISTING, a_feb)

    # The comité of 08/01/2026 (A): alice's decision amended after it, bruno's « veille »
    committee = Committee(
        psad_id=psad_a.id,
        kind=CommitteeKind.TECHNICAL,
        starts_at=paris(2026, 1, 8, 14),
        status=CommitteeStatus.VALIDATED,
        validated_at=paris(2026, 1, 9),
    )
    session.add(committee)
    session.flush()
    decisions: dict[str, int] = {}
    for position, (youth, case, kind) in enumerate(
        [(alice, alice_case, DecisionKind.ORIENTATION), (bruno, bruno_case, DecisionKind.WATCH)]
    ):
        item = AgendaItem(
            committee_id=committee.id, youth_id=youth.id, position=position, reasons="added"
        )
        session.add(item)
        session.flush()
        decision = Decision(
            committee_id=committee.id,
            item_id=item.id,
            youth_id=youth.id,
            case_id=case.id,
            kind=kind,
            programme_id=e2c.id if kind is DecisionKind.ORIENTATION else None,
            recorded_at=paris(2026, 1, 8, 15),
        )
        session.add(decision)
        session.flush()
        decisions[youth.first_name] = decision.id
    session.add(
        Amendment(
            committee_id=committee.id,
            decision_id=decisions["alice"],
            text="Site de Lille plutôt que Roubaix.",
            created_at=paris(2026, 1, 20),
        )
    )
    session.flush()
    world.committee_id = committee.id
    world.decision_ids = decisions

    world.youth = {
        y.first_name: y.id for y in (alice, bruno, chloe, david, emma, farid, gaelle, hugo, ines)
    }
    return world


@pytest.fixture
def bilan_world(session: Session) -> BilanWorld:
    return build_bilan_world(session)
