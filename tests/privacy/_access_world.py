"""A youth with something in every part of the right-of-access export (helper J).

The ``msg`` world of ``tests/messages/conftest.py`` (PSAD LILLE, pilote Claire Martin,
co-pilote Karim Benali, partner Sophie Durand; TODAY 07/12/2026), and its minor, Éloïse
Lefèvre, given a value marked « Marque-… » in each domain: a test finds each mark in the page
and in the JSON file. ``twin`` is another youth, probably the same person: the export says
why, never who.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import record
from psad.committees.models import AgendaItem, Amendment, Committee, Decision, DecisionKind
from psad.duplicates.models import ProbableDuplicate, YouthMerge
from psad.followup.models import (
    CaseEvent,
    CaseEventKind,
    Contact,
    DarfiRequest,
    DarfiSource,
    Note,
    ObligationStep,
    ObligationStepRecord,
    Task,
)
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.messages.models import (
    AnswerKind,
    AutoReminderSuspension,
    BlockSource,
    ContactBlock,
    ReplyToken,
)
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    OrientationStep,
    Programme,
    ProgrammeFamily,
)
from psad.reference.models import ReferenceKind
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.models import Guardian, Youth
from tests.factories import make_psad, make_youth
from tests.followup.conftest import reference
from tests.messages.conftest import NOW, TODAY, Messaging, make_answer, make_sent_message

MERGED_ID = 1_999_999  # a file merged into the youth's (its row is gone)
MARKS = {
    "youth": "Lycée Marque-Scolarité",
    "guardians": "Marque-Tuteur",
    "listings": "Marque-LigneBrute",
    "cases": "Marque-Signalement",
    "case_events": "Marque-Événement",
    "contacts": "Marque-Contact",
    "notes": "Marque-Note",
    "darfi_requests": "Marque-DARFI",
    "obligation_steps": "Marque-Obligation",
    "tasks": "Marque-Tâche",
    "committee_items": "Marque-Comité",
    "committee_decisions": "Marque-Décision",
    "orientations": "Marque-Dispositif",
    "messages": "eloise.lefevre@example.org",
    "answers": "06 98 76 54 32",
    "contact_blocks": "Marque-Levée",
    "transfers": "Marque-Transfert",
    "duplicates": "Mêmes nom, prénom et date de naissance",
    "merges": "Marque-Fusion",
}
TWIN = "Jumeau-Autre"


@dataclass
class Rich:
    msg: Messaging
    youth: Youth
    twin: Youth


@pytest.fixture
def rich(session: Session, msg: Messaging) -> Rich:
    world, youth = msg.world, msg.minor
    case = youth.cases[0]
    pilot, copilot = world.pilot, world.copilot
    youth.ine, youth.school_name = "0494004062M", MARKS["youth"]
    case.reason = MARKS["cases"]
    case.needs.append(reference(session, ReferenceKind.OBSTACLE, "mobility"))
    session.add(
        Guardian(
            youth=youth, first_name=MARKS["guardians"], last_name="Lefèvre", phone="+33611111111"
        )
    )
    _listings(session, msg, youth)
    session.add_all(
        [
            CaseEvent(
                case_id=case.id,
                kind=CaseEventKind.SITUATION,
                after=MARKS["case_events"],
                author_id=pilot.id,
                occurred_at=NOW,
            ),
            Contact(
                case_id=case.id,
                occurred_at=NOW - timedelta(days=2),
                channel=reference(session, ReferenceKind.CONTACT_CHANNEL, "phone"),
                reached=True,
                outcome=reference(session, ReferenceKind.CONTACT_OUTCOME, "reached"),
                comment=MARKS["contacts"],
                author_id=copilot.id,
            ),
            Note(case_id=case.id, body=MARKS["notes"], author_id=pilot.id),
            DarfiRequest(
                case_id=case.id,
                requested_on=TODAY,
                source=DarfiSource.YOUTH,
                wish=MARKS["darfi_requests"],
                author_id=pilot.id,
            ),
            ObligationStepRecord(
                case_id=case.id,
                step=ObligationStep.INTERVIEW,
                done_on=TODAY,
                comment=MARKS["obligation_steps"],
                author_id=copilot.id,
            ),
            Task(case_id=case.id, title=MARKS["tasks"], due_on=TODAY, created_by_id=pilot.id),
        ]
    )
    _committee(session, msg, youth)
    _orientation(session, msg, youth)
    message = make_sent_message(session, msg, youth)
    token = session.get_one(ReplyToken, message.reply_token_id)
    make_answer(session, token, kind=AnswerKind.CALL_BACK, phone="+33698765432")
    session.add_all(
        [
            ContactBlock(
                psad_id=youth.psad_id,
                youth_id=youth.id,
                source=BlockSource.PERSON,
                blocked_by_id=pilot.id,
                blocked_at=NOW,
                lifted_at=NOW + timedelta(hours=1),
                lifted_by_id=pilot.id,
                lift_reason=MARKS["contact_blocks"],
            ),
            AutoReminderSuspension(youth_id=youth.id, suspended_by_id=pilot.id),
        ]
    )
    twin = _elsewhere(session, msg, youth)
    session.commit()
    return Rich(msg, youth, twin)


def _listings(session: Session, msg: Messaging, youth: Youth) -> None:
    """Two lists: the first keeps the row as read, the second listed it identically (no JSON:
    the export takes the first one's)."""
    for number, when in enumerate([NOW - timedelta(days=60), NOW - timedelta(days=30)]):
        batch = ImportBatch(
            psad_id=youth.psad_id,
            label=f"SIEI {number + 1}",
            source=ListSource.SIEI,
            origin=ImportOrigin.WEB,
            file_name=f"siei-{number + 1}.xlsx",
            file_hash=f"{number}" * 64,
            file_size=1000,
            imported_by_id=msg.pilot.id,
            imported_at=when,
            report_json=json.dumps({"headers": ["NOM", "PRENOM", "Commentaire SI"]}),
        )
        session.add(batch)
        session.flush()
        row = json.dumps(["LEFEVRE", "Éloïse", MARKS["listings"]]) if number == 0 else None
        session.add(
            Listing(
                batch_id=batch.id,
                youth_id=youth.id,
                line=7 + number,
                outcome=ListingOutcome.CREATED if number == 0 else ListingOutcome.UNCHANGED,
                row_hash="a" * 40,
                row_json=row,
            )
        )


def _committee(session: Session, msg: Messaging, youth: Youth) -> None:
    committee = Committee(psad_id=youth.psad_id, starts_at=NOW - timedelta(days=5))
    item = AgendaItem(
        committee=committee,
        youth_id=youth.id,
        reasons="no_solution,added",
        detail=MARKS["committee_items"],
        added_by_id=msg.pilot.id,
    )
    session.add_all([committee, item])
    session.flush()
    decision = Decision(
        committee_id=committee.id,
        item=item,
        youth_id=youth.id,
        case_id=youth.cases[0].id,
        kind=DecisionKind.WATCH,
        comment=MARKS["committee_decisions"],
        recorded_by_id=msg.pilot.id,
    )
    session.add(decision)
    session.flush()
    session.add(
        Amendment(
            committee=committee,
            decision_id=decision.id,
            text="Marque-Rectificatif",
            author_id=msg.pilot.id,
        )
    )


def _orientation(session: Session, msg: Messaging, youth: Youth) -> None:
    programme = Programme(
        code="MARQUE", name=MARKS["orientations"], family=ProgrammeFamily.REMOBILISATION
    )
    session.add(programme)
    session.flush()
    orientation = Orientation(
        case_id=youth.cases[0].id,
        youth_id=youth.id,
        psad_id=youth.psad_id,
        programme_id=programme.id,
        school_year=2026,
        proposed_on=TODAY,
        proposed_by_id=msg.pilot.id,
        last_news_on=TODAY,
    )
    orientation.steps.append(
        OrientationStep(
            status=OrientationStatus.PROPOSED,
            on=TODAY,
            comment="Marque-Étape",
            author_id=msg.pilot.id,
        )
    )
    session.add(orientation)


def _elsewhere(session: Session, msg: Messaging, youth: Youth) -> Youth:
    """A refused transfer, a probable duplicate, a merged file and an event on it."""
    amiens = make_psad(session, code="AMIENS", name="PSAD d'Amiens")
    session.add(
        Transfer(
            youth_id=youth.id,
            from_psad_id=youth.psad_id,
            to_psad_id=amiens.id,
            direction=TransferDirection.OFFER,
            state=TransferState.REFUSED,
            comment=MARKS["transfers"],
            proposed_by_id=msg.pilot.id,
            subject_last_name=youth.last_name,
            subject_first_name=youth.first_name,
            subject_birth_date=youth.birth_date,
        )
    )
    twin = make_youth(session, youth.psad, last_name=TWIN, first_name="Éloïse")
    low, high = sorted([youth.id, twin.id])
    session.add_all(
        [
            ProbableDuplicate(
                low_youth_id=low,
                high_youth_id=high,
                psad_id=youth.psad_id,
                strength=1,
                reasons="same_identity",
            ),
            YouthMerge(
                merged_id=MERGED_ID,
                kept_id=youth.id,
                psad_id=youth.psad_id,
                merged_by_id=msg.pilot.id,
                detail_json=json.dumps({"motif": MARKS["merges"], "champs": ["phone"]}),
            ),
        ]
    )
    record(
        session,
        msg.actor(msg.copilot),
        AuditAction.YOUTH_VIEWED,
        object_type="youth",
        object_id=MERGED_ID,
    )
    return twin
