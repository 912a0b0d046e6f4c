"""A youth (jeune), the legal guardians, and the follow-up case (dossier de suivi).

No health, justice, nationality or family-situation field may ever be added here
(CNIL 2010-446; arrêté du 15 octobre 2020).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Psad, Structure, User
from psad.db import Base, enum_column, key_string
from psad.reference.models import ReferenceItem
from psad.youth.identifiers import age_on, fold, identity_key


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"

    @property
    def label(self) -> str:
        return "Fille" if self is Sex.FEMALE else "Garçon"


class Track(enum.StrEnum):
    """Voie de formation of the last schooling."""

    GENERAL = "general"
    VOCATIONAL = "vocational"
    APPRENTICESHIP = "apprenticeship"
    AGRICULTURAL = "agricultural"
    LOWER_SECONDARY = "lower_secondary"
    OTHER = "other"

    @property
    def label(self) -> str:
        return TRACK_LABELS[self]


TRACK_LABELS = {
    Track.GENERAL: "Générale et technologique",
    Track.VOCATIONAL: "Professionnelle",
    Track.APPRENTICESHIP: "Apprentissage",
    Track.AGRICULTURAL: "Agricole",
    Track.LOWER_SECONDARY: "Collège",
    Track.OTHER: "Autre",
}


class CaseStage(enum.StrEnum):
    """Where an open case stands: à contacter → contact en cours → accompagné → solution."""

    TO_CONTACT = "to_contact"
    CONTACTING = "contacting"
    SUPPORTED = "supported"
    SOLUTION = "solution"

    @property
    def label(self) -> str:
        return CASE_STAGE_LABELS[self]


CASE_STAGE_LABELS = {
    CaseStage.TO_CONTACT: "À contacter",
    CaseStage.CONTACTING: "Contact en cours",
    CaseStage.SUPPORTED: "Accompagné",
    CaseStage.SOLUTION: "Solution en cours",
}


class KnownToPartner(enum.StrEnum):
    """Asked at closing: was the youth already known to a partner? (« jeunes découverts »)"""

    FOLLOWED = "followed"
    KNOWN_NOT_FOLLOWED = "known_not_followed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return KNOWN_TO_PARTNER_LABELS[self]


KNOWN_TO_PARTNER_LABELS = {
    KnownToPartner.FOLLOWED: "Déjà suivi par un partenaire",
    KnownToPartner.KNOWN_NOT_FOLLOWED: "Connu d'un partenaire, sans suivi",
    KnownToPartner.UNKNOWN: "Inconnu des partenaires (jeune découvert)",
}


case_needs = Table(
    "case_needs",
    Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", ForeignKey("reference_items.id"), primary_key=True),
)


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return "Ouvert" if self is CaseStatus.OPEN else "Clos"


class CaseSource(enum.StrEnum):
    """How the youth came to the platform."""

    LISTING = "listing"
    REFERRAL = "referral"
    SPONTANEOUS = "spontaneous"

    @property
    def label(self) -> str:
        return CASE_SOURCE_LABELS[self]


CASE_SOURCE_LABELS = {
    CaseSource.LISTING: "Liste SI (repérage)",
    CaseSource.REFERRAL: "Signalement",
    CaseSource.SPONTANEOUS: "Démarche spontanée",
}


class ListState(enum.StrEnum):
    """Where a youth stands in the work lists, from the recorded facts alone (the tabs add
    what the date changes: a call-back task falling due). Kept by psad.followup.liststate."""

    TO_PROCESS = "to_process"  # open case, never contacted
    NEEDS_CALL = "needs_call"  # open, the latest contact failed or the youth asked a call-back
    NO_SOLUTION = "no_solution"  # open, reached, situation « sans solution »
    IN_PROGRESS = "in_progress"  # the other open cases reached
    CLOSED = "closed"  # no open case


class Youth(Base):
    __tablename__ = "youths"

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    ine: Mapped[str | None] = mapped_column(key_string(11))
    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str | None] = mapped_column(String(120))
    # Contact details
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    other_phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Last schooling
    school_uai: Mapped[str | None] = mapped_column(String(8))
    school_name: Mapped[str | None] = mapped_column(String(200))
    school_commune: Mapped[str | None] = mapped_column(String(120))
    school_academy: Mapped[str | None] = mapped_column(String(60))
    formation: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str | None] = mapped_column(String(60))
    track: Mapped[Track | None] = mapped_column(enum_column(Track))
    school_entry_date: Mapped[date | None] = mapped_column(Date)
    school_exit_date: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(String(200))
    # Matching and search keys, kept in step by refresh_keys()
    search_key: Mapped[str] = mapped_column(key_string(250), default="")
    identity_key: Mapped[str | None] = mapped_column(key_string(260))
    # Fingerprint of the row of the youth's latest listing (``Listing.row_hash``): an import
    # reads those of its PSAD (one covering index) to find the rows it listed identically
    # before.
    last_row_hash: Mapped[str | None] = mapped_column(String(40))
    # Optimistic locking of the file's identity, contact details and schooling: a save made
    # from an older version is refused (the import's bulk updates bump it too).
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    # Set when retention anonymised the youth (psad.privacy): identity, contact details and
    # free text are gone; the facts the bilan counts stay.
    anonymised_at: Mapped[datetime | None]
    # The list's copy of facts kept elsewhere, so that one index answers a tab's rows and
    # counts at 200,000 youth: recomputed from the cases, contacts and tasks whenever they
    # change (psad.followup.liststate), never edited. ``current_case_id`` is the open case,
    # else the latest one (no foreign key: a cache, written before the case by an import).
    list_state: Mapped[ListState | None] = mapped_column(enum_column(ListState))
    call_back_due_on: Mapped[date | None] = mapped_column(Date)
    last_contact_at: Mapped[datetime | None] = mapped_column()
    current_case_id: Mapped[int | None] = mapped_column()
    next_task_due_on: Mapped[date | None] = mapped_column(Date)  # open tasks, open case
    darfi_waiting: Mapped[bool] = mapped_column(default=False, server_default=false())
    call_back_asked: Mapped[bool] = mapped_column(default=False, server_default=false())
    partner_referral: Mapped[bool] = mapped_column(default=False, server_default=false())
    referent_user_id: Mapped[int | None] = mapped_column()  # of the current case
    referent_structure_id: Mapped[int | None] = mapped_column()

    psad: Mapped[Psad] = relationship()
    guardians: Mapped[list[Guardian]] = relationship(
        back_populates="youth", cascade="all, delete-orphan", order_by="Guardian.id"
    )
    cases: Mapped[list[Case]] = relationship(
        back_populates="youth",
        order_by="Case.opened_on.desc(), Case.id.desc()",
        foreign_keys="Case.youth_id",
    )
    current_case: Mapped[Case | None] = relationship(
        primaryjoin="foreign(Youth.current_case_id) == Case.id", viewonly=True
    )

    # Few indexes on purpose: each one slows the import of a 100,000-row list. Lookups by INE
    # and identity key span every PSAD (a youth followed elsewhere is a conflict); the PSAD's
    # own lists use the (psad_id, ...) ones. An INE names one pupil in the whole country: one
    # youth per INE, whatever the PSAD (several youth may have none).
    __table_args__ = (
        Index(None, "psad_id", "search_key"),
        # A tab's page in name order, the counts of every tab and of the « Prioritaires »
        # block, and the name searches: from the index alone, without reading the rows.
        Index(
            "ix_youths_list",
            "psad_id",
            "list_state",
            "search_key",
            "id",
            "call_back_due_on",
            "birth_date",
            "darfi_waiting",
            "call_back_asked",
            "partner_referral",
        ),
        # « my youth »: the lists of one referent structure or user. Partial: a youth a list
        # has just brought has no referent, so an import writes nothing in them.
        Index(
            "ix_youths_referent_structure",
            "psad_id",
            "referent_structure_id",
            "list_state",
            sqlite_where=text("referent_structure_id IS NOT NULL"),
            postgresql_where=text("referent_structure_id IS NOT NULL"),
        ),
        Index(
            "ix_youths_referent_user",
            "psad_id",
            "referent_user_id",
            "list_state",
            sqlite_where=text("referent_user_id IS NOT NULL"),
            postgresql_where=text("referent_user_id IS NOT NULL"),
        ),
        Index(None, "psad_id", "last_row_hash"),
        Index(None, "ine", unique=True),
        Index(None, "identity_key"),
    )

    def refresh_keys(self) -> None:
        """Recompute the folded search and identity keys after a name or birth date changed."""
        self.search_key = f"{fold(self.last_name)} {fold(self.first_name)}".strip()
        self.identity_key = identity_key(self.last_name, self.first_name, self.birth_date)

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def open_case(self) -> Case | None:
        return next((c for c in self.cases if c.status is CaseStatus.OPEN), None)

    @property
    def latest_case(self) -> Case | None:
        """The open case, else the latest opened (after a merge, an older case may be the
        open one)."""
        return self.open_case or (self.cases[0] if self.cases else None)

    def age_on(self, day: date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)


class Guardian(Base):
    """A legal guardian (représentant légal): identity and contact details only."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    last_name: Mapped[str | None] = mapped_column(String(120))
    first_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))

    youth: Mapped[Youth] = relationship(back_populates="guardians")

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, (self.last_name or "").upper()) if p)


class Case(Base):
    """The follow-up of one youth by the platform; at most one open case per youth."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.OPEN)
    source: Mapped[CaseSource] = mapped_column(enum_column(CaseSource))
    source_detail: Mapped[str | None] = mapped_column(String(200))
    source_structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    # The list (import batch) that opened or reopened the case, when it came from a list.
    source_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    opened_on: Mapped[date] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    situation_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    referent_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    referent_structure_id: Mapped[int | None] = mapped_column(
        ForeignKey("structures.id"), index=True
    )
    # Stored only where a person decides it (« accompagné », « solution en cours »); before
    # that the stage follows from the contacts recorded (psad.followup.stages).
    decided_stage: Mapped[CaseStage | None] = mapped_column(enum_column(CaseStage))
    # Needs and wishes (the guide's « identifier les besoins et les attentes »)
    project: Mapped[str | None] = mapped_column(String(500))
    needs: Mapped[list[ReferenceItem]] = relationship(secondary="case_needs")
    # Closing: the bilan's « jeunes découverts », and the solution found
    known_to_partner: Mapped[KnownToPartner | None] = mapped_column(enum_column(KnownToPartner))
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    solution_since: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closing_reason_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    youth: Mapped[Youth] = relationship(back_populates="cases", foreign_keys=[youth_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    referent_user: Mapped[User | None] = relationship(foreign_keys=[referent_user_id])
    referent_structure: Mapped[Structure | None] = relationship(
        foreign_keys=[referent_structure_id]
    )
    source_structure: Mapped[Structure | None] = relationship(foreign_keys=[source_structure_id])
    situation: Mapped[ReferenceItem | None] = relationship(foreign_keys=[situation_id])
    closing_reason: Mapped[ReferenceItem | None] = relationship(foreign_keys=[closing_reason_id])
    solution: Mapped[ReferenceItem | None] = relationship(foreign_keys=[solution_id])
    # Optimistic locking: a save made from an older version of the case is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        Index(
            "uq_cases_one_open_per_youth",
            "youth_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.OPEN
