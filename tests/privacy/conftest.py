"""A youth the app knows everything about, for the anonymisation tests (``build_rich_youth``),
and a search of every text column of every table (``traces``).

« Zéphyrine Quenardel » (INE 0494004062M, 06 87 65 43 21, zephyrine.quenardel@exemple.org),
born 14/03/1995, of the PSAD LILLE, case closed 30/06/2022: her name, INE, numbers and
address are written in every free text the app has: her guardian, the case, its timeline,
contacts, notes, DARFI, obligation step, task, a list's row and report, a comité's agenda,
decision and amendment, an orientation and its news, a message and its outbox row, a reply
with a new number, an opposition lifted, a transfer, a duplicate pair, a merge, audit events,
and a conflict in another PSAD's list. « Bertille Ortolan » of the same PSAD, the bystander,
has hers in some of them too: they must stay.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, String, Text, select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad, Role, User
from psad.committees.models import AgendaItem, Amendment, Committee, Decision, DecisionKind
from psad.db import Base
from psad.duplicates.models import (
    DuplicateCheck,
    DuplicateDismissal,
    DuplicateKey,
    ProbableDuplicate,
    YouthMerge,
)
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
    MessageChannel,
    Register,
    ReplyAnswer,
    ReplyToken,
    YouthMessage,
)
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    OrientationStep,
    Programme,
    ProgrammeFamily,
)
from psad.outbox.models import OutboxMessage, OutboxPurpose, OutboxState
from psad.reference.models import ReferenceKind
from psad.reference.services import ensure_seeded, item_by_code
from psad.transfers.models import Transfer, TransferDirection, TransferState
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Track, Youth
from tests.factories import make_psad, make_user

LAST, FIRST = "Quenardel", "Zéphyrine"
INE = "0494004062M"
PHONE = "+33687654321"
GUARDIAN_PHONE = "+33611998877"
PROPOSED_PHONE = "+33611223344"
EMAIL = "zephyrine.quenardel@exemple.org"
GUARDIAN_EMAIL = "famille.quenardel@exemple.org"
ADDRESS = "12 impasse des Quenouilles"
# What must be found nowhere afterwards (numbers by their last nine digits: every form).
NEEDLES = [
    LAST,
    FIRST,
    "Zephyrine",
    INE,
    "687654321",
    "06 87 65 43 21",
    "611998877",
    "611223344",
    EMAIL,
    GUARDIAN_EMAIL,
    "impasse des Quenouilles",
]
OTHER_LAST, OTHER_FIRST, OTHER_PHONE = "Ortolan", "Bertille", "+33699887766"
OTHER_NEEDLES = [OTHER_LAST, OTHER_FIRST, "699887766"]
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


@dataclass
class Rich:
    psad: Psad
    other_psad: Psad
    pilot: User
    youth: Youth
    bystander: Youth
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.pilot.id, psad_id=self.psad.id, ip_address="192.0.2.1")


def _said(text: str) -> str:
    """A free text naming the youth, as counsellors write them."""
    return f"{text} {FIRST} {LAST.upper()} ({INE}), 06 87 65 43 21, {EMAIL}, {ADDRESS}."


def build_rich_youth(session: Session) -> Rich:
    ensure_seeded(session)
    psad = make_psad(session, code="LILLE", name="PSAD de Lille")
    other = make_psad(session, code="DOUAI", name="PSAD de Douai")
    pilot = make_user(session, psad=psad, role=Role.PILOT, full_name="Claire Martin")
    youth = Youth(
        psad=psad,
        ine=INE,
        last_name=LAST,
        first_name=FIRST,
        sex=Sex.FEMALE,
        birth_date=date(1995, 3, 14),
        birth_place="Quenardel-sur-Mer",
        address=ADDRESS,
        postal_code="59000",
        commune="Lille",
        phone=PHONE,
        other_phone=GUARDIAN_PHONE,
        email=EMAIL,
        school_uai="0590001A",
        school_name="Lycée Jean Moulin",
        school_commune="Lille",
        formation="CAP Cuisine",
        level="CAP",
        track=Track.VOCATIONAL,
        exit_reason=_said("Départ de"),
        last_row_hash="f" * 40,
    )
    youth.refresh_keys()
    youth.guardians.append(
        Guardian(
            last_name=LAST,
            first_name="Armand",
            phone=GUARDIAN_PHONE,
            email=GUARDIAN_EMAIL,
            address=ADDRESS,
        )
    )
    bystander = Youth(
        psad=psad,
        last_name=OTHER_LAST,
        first_name=OTHER_FIRST,
        birth_date=date(2008, 1, 2),
        phone=OTHER_PHONE,
    )
    bystander.refresh_keys()
    session.add_all([youth, bystander])
    session.flush()
    rich = Rich(psad, other, pilot, youth, bystander)
    reason = item_by_code(session, ReferenceKind.CLOSING_REASON, "refused")
    phone = item_by_code(session, ReferenceKind.CONTACT_CHANNEL, "phone")
    assert reason is not None and phone is not None
    case = Case(
        youth=youth,
        psad_id=psad.id,
        source=CaseSource.REFERRAL,
        source_detail=_said("Signalé:"),
        opened_on=date(2021, 10, 1),
        reason=_said("Motif"),
        project=_said("Projet de"),
        status=CaseStatus.CLOSED,
        closed_on=date(2022, 6, 30),
        closing_reason=reason,
    )
    other_case = Case(
        youth=bystander,
        psad_id=psad.id,
        source=CaseSource.REFERRAL,
        opened_on=date(2026, 10, 1),
        reason=f"Motif {OTHER_FIRST} {OTHER_LAST}",
    )
    session.add_all([case, other_case])
    session.flush()
    at = datetime(2022, 1, 10, 9, tzinfo=UTC)
    contact = Contact(
        case_id=case.id,
        occurred_at=at,
        channel_id=phone.id,
        reached=True,
        comment=_said("Joint"),
        author_id=pilot.id,
    )
    session.add_all(
        [
            contact,
            Contact(
                case_id=other_case.id,
                occurred_at=at,
                channel_id=phone.id,
                reached=True,
                comment=f"{OTHER_FIRST} joint au 06 99 88 77 66",
            ),
            CaseEvent(
                case_id=case.id,
                kind=CaseEventKind.NEEDS,
                occurred_at=at,
                before=_said("Avant"),
                after=_said("Après"),
                reason=_said("Parce que"),
            ),
            Note(case_id=case.id, body=_said("Entretien avec"), author_id=pilot.id),
            DarfiRequest(
                case_id=case.id,
                requested_on=date(2022, 1, 5),
                source=DarfiSource.YOUTH,
                wish=_said("Souhait de"),
                interview_outcome=_said("Entretien de"),
            ),
            ObligationStepRecord(
                case_id=case.id,
                step=ObligationStep.INTERVIEW,
                done_on=date(2022, 1, 6),
                comment=_said("Vu"),
            ),
            Task(
                case_id=case.id,
                title=_said("Rappeler"),
                due_on=date(2022, 2, 1),
                done_at=at,
                done_comment=_said("Fait pour"),
            ),
        ]
    )
    session.flush()
    _lists(session, rich, case)
    _committee_and_orientation(session, rich, case)
    _messages(session, rich, case, contact)
    _moves(session, rich)
    record(
        session,
        rich.actor,
        AuditAction.YOUTH_UPDATED,
        object_type="youth",
        object_id=youth.id,
        detail=f"champs=nom; avant={LAST}; tél={PHONE}; {EMAIL}",
    )
    record(session, rich.actor, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=youth.id)
    record(
        session,
        rich.actor,
        AuditAction.YOUTH_UPDATED,
        object_type="youth",
        object_id=bystander.id,
        detail=f"avant={OTHER_LAST}",
    )
    session.flush()
    rich.ids.update(case=case.id, other_case=other_case.id, contact=contact.id)
    return rich


def _lists(session: Session, rich: Rich, case: Case) -> None:
    def batch(psad: Psad, label: str, report: dict[str, Any]) -> ImportBatch:
        made = ImportBatch(
            psad_id=psad.id,
            label=label,
            source=ListSource.SIEI,
            origin=ImportOrigin.WEB,
            file_name=f"{label}.xlsx",
            file_hash=label,
            file_size=1,
            report_json=json.dumps(report, ensure_ascii=False),
        )
        session.add(made)
        session.flush()
        return made

    mine = batch(
        rich.psad,
        "SIEI 2021",
        {
            "headers": ["Nom", "Prénom", "INE", "Téléphone"],
            "problems": [
                {
                    "line": 3,
                    "level": "warning",
                    "column": "C « INE »",
                    "message": f"INE « {INE} » : format non reconnu, non enregistré",
                },
                {
                    "line": 4,
                    "level": "warning",
                    "column": None,
                    "message": "Même jeune qu'à la ligne 3 : lignes fusionnées",
                },
                {
                    "line": 4,
                    "level": "warning",
                    "column": "E « Courriel »",
                    "message": f"Adresse électronique « {EMAIL}x » invalide : {EMAIL}x",
                },
                {
                    "line": 5,
                    "level": "warning",
                    "column": "D « Téléphone »",
                    "message": f"Numéro de téléphone « {OTHER_PHONE} » invalide",
                },
            ],
            "rejected_rows": [],
            "conflicts": [],
        },
    )
    session.add_all(
        [
            Listing(
                batch_id=mine.id,
                youth_id=rich.youth.id,
                line=3,
                outcome=ListingOutcome.CREATED,
                row_hash="f" * 40,
                row_json=json.dumps([LAST, FIRST, INE, "0687654321", EMAIL, ADDRESS]),
            ),
            Listing(
                batch_id=mine.id,
                youth_id=rich.bystander.id,
                line=5,
                outcome=ListingOutcome.CREATED,
                row_hash="e" * 40,
                row_json=json.dumps([OTHER_LAST, OTHER_FIRST, OTHER_PHONE]),
            ),
        ]
    )
    case.source_batch_id = mine.id
    batch(
        rich.other_psad,
        "SIEI Douai 2022",
        {
            "headers": ["Nom"],
            "problems": [
                {
                    "line": 7,
                    "level": "error",
                    "column": None,
                    "message": f"Jeune suivi par une autre PSAD : « {LAST} {FIRST} »",
                }
            ],
            "rejected_rows": [],
            "conflicts": [
                {
                    "line": 7,
                    "youth_id": rich.youth.id,
                    "psad_id": rich.psad.id,
                    "last_name": LAST,
                    "first_name": FIRST,
                    "birth_date": "1995-03-14",
                },
                {
                    "line": 8,
                    "youth_id": rich.bystander.id,
                    "psad_id": rich.psad.id,
                    "last_name": OTHER_LAST,
                    "first_name": OTHER_FIRST,
                    "birth_date": "2008-01-02",
                },
            ],
        },
    )


def _committee_and_orientation(session: Session, rich: Rich, case: Case) -> None:
    committee = Committee(psad_id=rich.psad.id, starts_at=datetime(2022, 3, 1, 13, tzinfo=UTC))
    session.add(committee)
    session.flush()
    item = AgendaItem(
        committee_id=committee.id,
        youth_id=rich.youth.id,
        reasons="no_solution",
        detail=_said("Revoir"),
    )
    session.add(item)
    session.flush()
    decision = Decision(
        committee_id=committee.id,
        item_id=item.id,
        youth_id=rich.youth.id,
        case_id=case.id,
        kind=DecisionKind.WATCH,
        comment=_said("Suivre"),
    )
    session.add(decision)
    session.flush()
    session.add(
        Amendment(committee_id=committee.id, decision_id=decision.id, text=_said("Corrigé pour"))
    )
    programme = Programme(code="PRIV-E2C", name="E2C Lille", family=ProgrammeFamily.QUALIFICATION)
    session.add(programme)
    session.flush()
    orientation = Orientation(
        case_id=case.id,
        youth_id=rich.youth.id,
        psad_id=rich.psad.id,
        programme_id=programme.id,
        school_year=2021,
        status=OrientationStatus.ABANDONED,
        proposed_on=date(2022, 2, 1),
        ended_on=date(2022, 4, 1),
        last_news_on=date(2022, 4, 1),
        comment=_said("Proposé à"),
        reason=_said("Abandon de"),
    )
    session.add(orientation)
    session.flush()
    session.add(
        OrientationStep(
            orientation_id=orientation.id,
            status=OrientationStatus.ABANDONED,
            on=date(2022, 4, 1),
            comment=_said("Nouvelles de"),
        )
    )


def _messages(session: Session, rich: Rich, case: Case, contact: Contact) -> None:
    token = ReplyToken(
        token_hash="a" * 64,
        psad_id=rich.psad.id,
        youth_id=rich.youth.id,
        case_id=case.id,
        expires_at=datetime(2022, 2, 10, tzinfo=UTC),
    )
    outbox = OutboxMessage(
        key=f"message:k1:{rich.youth.id}:email",
        purpose=OutboxPurpose.MESSAGE,
        psad_id=rich.psad.id,
        recipient=EMAIL,
        subject=f"Bonjour {FIRST}",
        body_text=_said("Bonjour"),
        body_html=f"<p>{_said('Bonjour')}</p>",
        secret="s3cr3t",
        reply_to="psad@lille.example",
        state=OutboxState.FAILED,
        last_error=f"550 {EMAIL} refusée",
    )
    session.add_all([token, outbox])
    session.flush()
    session.add_all(
        [
            YouthMessage(
                psad_id=rich.psad.id,
                youth_id=rich.youth.id,
                case_id=case.id,
                sending_key="k1",
                channel=MessageChannel.EMAIL,
                register=Register.VOUS,
                template_name="Premier contact",
                recipient=EMAIL,
                subject=f"Bonjour {FIRST}",
                body=_said("Bonjour"),
                reply_token_id=token.id,
                outbox_message_id=outbox.id,
                contact_id=contact.id,
            ),
            ReplyAnswer(
                token_id=token.id,
                youth_id=rich.youth.id,
                case_id=case.id,
                kind=AnswerKind.CALL_BACK,
                phone_proposed=PROPOSED_PHONE,
            ),
            ContactBlock(
                psad_id=rich.psad.id,
                youth_id=rich.youth.id,
                source=BlockSource.PERSON,
                lifted_at=datetime(2022, 3, 1, tzinfo=UTC),
                lift_reason=_said("Levée pour"),
            ),
            AutoReminderSuspension(youth_id=rich.youth.id),
        ]
    )


def _moves(session: Session, rich: Rich) -> None:
    youth, other = rich.youth, rich.bystander
    low, high = sorted((youth.id, other.id))
    session.add_all(
        [
            Transfer(
                youth_id=youth.id,
                from_psad_id=rich.psad.id,
                to_psad_id=rich.other_psad.id,
                direction=TransferDirection.OFFER,
                state=TransferState.REFUSED,
                comment=_said("Déménage :"),
                refusal_reason=_said("Pas chez nous :"),
                subject_last_name=LAST,
                subject_first_name=FIRST,
                subject_birth_date=date(1995, 3, 14),
            ),
            ProbableDuplicate(
                low_youth_id=low,
                high_youth_id=high,
                psad_id=rich.psad.id,
                strength=9,
                reasons="same_phone",
            ),
            DuplicateDismissal(low_youth_id=low, high_youth_id=high, psad_id=rich.psad.id),
            DuplicateKey(youth_id=youth.id, key=123456789, psad_id=rich.psad.id),
            DuplicateKey(youth_id=other.id, key=123456789, psad_id=rich.psad.id),
            DuplicateCheck(youth_id=youth.id, psad_id=rich.psad.id, version=1),
            YouthMerge(
                merged_id=2_000_000_000,
                kept_id=youth.id,
                psad_id=rich.psad.id,
                detail_json=json.dumps({"from_merged": ["phone"], "changed": ["phone"]}),
            ),
        ]
    )


# -- Searching the whole database ------------------------------------------------------------


def _texts(value: Any, column_type: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(column_type, JSON):
        return [json.dumps(value, ensure_ascii=False)]
    found = [str(value)]
    if found[0][:1] in "[{":
        with contextlib.suppress(ValueError):
            found.append(json.dumps(json.loads(found[0]), ensure_ascii=False))
    return found


def traces(session: Session, needles: list[str]) -> set[tuple[str, str, str]]:
    """(table, column, needle) for every text column of every table holding a needle (any
    case, JSON decoded too)."""
    session.expire_all()
    found = set()
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text | JSON) and not isinstance(c.type, Enum)
        ]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                for text in _texts(value, column.type):
                    folded = text.casefold()
                    found |= {
                        (table.name, column.name, n) for n in needles if n.casefold() in folded
                    }
    return found
