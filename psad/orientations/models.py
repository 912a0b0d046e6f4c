"""The territory's offer and what became of each orientation.

``Programme`` (dispositif) is the catalogue shared by every PSAD of the installation, seeded
from the regional guide and the national solutions (domain.md section 4); an administrator
adds, edits and retires entries, and a retired entry stays on the orientations that name it.
Its eligibility rules are rows of ``ProgrammeRule`` read by one evaluator
(``psad.orientations.eligibility``), never code per dispositif. ``ProgrammeSite`` is an
implantation in a PSAD, with its places per school year (``SitePlaces``). ``VacantPlace`` is a
place a school declared free for the return to school (DARFI, réseau FOQUALE).

``Orientation`` follows a youth's case to a dispositif (and optionally a site or a vacant
place) from its proposal to its outcome; each step is an ``OrientationStep`` row, which the
youth's timeline reads.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from psad import clock
from psad.auth.models import Psad, Structure, User
from psad.db import Base, enum_column, key_string
from psad.reference.models import ReferenceItem
from psad.youth.models import Case, Youth

TEXT_LENGTH = 1000


class ProgrammeFamily(enum.StrEnum):
    """The guide's five families (« Carte de la persévérance »)."""

    SUPPORT = "support"
    REMOBILISATION = "remobilisation"
    QUALIFICATION = "qualification"
    INSERTION = "insertion"
    PREVENTION = "prevention"

    @property
    def label(self) -> str:
        return FAMILY_LABELS[self]


FAMILY_LABELS = {
    ProgrammeFamily.SUPPORT: "Accompagnement",
    ProgrammeFamily.REMOBILISATION: "Remobilisation",
    ProgrammeFamily.QUALIFICATION: "Qualification",
    ProgrammeFamily.INSERTION: "Insertion",
    ProgrammeFamily.PREVENTION: "Prévention",
}


class EntryMode(enum.StrEnum):
    ROLLING = "rolling"
    FIXED_DATES = "fixed_dates"

    @property
    def label(self) -> str:
        return "Entrées et sorties permanentes" if self is EntryMode.ROLLING else "Dates fixes"


class Programme(Base):
    """A dispositif of the catalogue."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(key_string(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[ProgrammeFamily] = mapped_column(enum_column(ProgrammeFamily))
    public: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    conditions: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    description: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[str | None] = mapped_column(String(200))
    prescriber: Mapped[str | None] = mapped_column(String(300))
    piloted_by: Mapped[str | None] = mapped_column(String(200))
    entry_mode: Mapped[EntryMode] = mapped_column(enum_column(EntryMode), default=EntryMode.ROLLING)
    entry_dates: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    # The solution a case closed as « solution trouvée » records when this is what started
    solution_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"))
    # From the guide (seeded) or national (domain.md section 4): both are edited alike
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    solution: Mapped[ReferenceItem | None] = relationship()
    rules: Mapped[list[ProgrammeRule]] = relationship(
        back_populates="programme",
        order_by="ProgrammeRule.position, ProgrammeRule.id",
        cascade="all, delete-orphan",
    )
    sites: Mapped[list[ProgrammeSite]] = relationship(back_populates="programme")

    @property
    def is_active(self) -> bool:
        return self.retired_on is None


class RuleKind(enum.StrEnum):
    """What an eligibility rule looks at. All the rules of a dispositif must hold, except
    the ``LAST_CLASS`` ones, of which one is enough (the guide lists alternatives)."""

    AGE = "age"  # min_value..max_value years on the date asked; waiver_value with waiver_label
    SCHOOLING = "schooling"  # values: enrolled | left (still at school, or out of it)
    SCHOOL_KIND = "school_kind"  # values among college | lycee | lp | cfa: the last school's
    OUT_OF_SCHOOL = "out_of_school"  # min_value months since leaving; waiver_label
    LAST_CLASS = "last_class"  # values: one class code; min_value terms done in it
    DIPLOMA = "diploma"  # values: without_qualification | without_bac
    SITUATION = "situation"  # values: situation codes that fit (no solution...)
    CHECK = "check"  # a condition the app cannot know: label, checked by the prescriber

    @property
    def label(self) -> str:
        return RULE_KIND_LABELS[self]


RULE_KIND_LABELS = {
    RuleKind.AGE: "Âge",
    RuleKind.SCHOOLING: "Scolarité en cours ou quittée",
    RuleKind.SCHOOL_KIND: "Établissement fréquenté (collège, lycée, LP, CFA)",
    RuleKind.OUT_OF_SCHOOL: "Temps hors de l'école",
    RuleKind.LAST_CLASS: "Dernière classe suivie (une au choix)",
    RuleKind.DIPLOMA: "Diplôme",
    RuleKind.SITUATION: "Situation actuelle",
    RuleKind.CHECK: "Condition à vérifier par le prescripteur",
}


class ProgrammeRule(Base):
    """One eligibility rule of a dispositif, as data (see ``RuleKind`` for each field's use)."""

    __tablename__ = "programme_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RuleKind] = mapped_column(enum_column(RuleKind))
    min_value: Mapped[int | None]
    max_value: Mapped[int | None]
    waiver_value: Mapped[int | None]  # e.g. 15: the age allowed with the waiver
    waiver_label: Mapped[str | None] = mapped_column(String(200))  # « accord de l'IA-DASEN »
    values: Mapped[str | None] = mapped_column(String(300))  # codes, separated by commas
    label: Mapped[str | None] = mapped_column(String(300))  # CHECK's text, or a note
    exceptional: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[Programme] = relationship(back_populates="rules")

    @property
    def value_list(self) -> list[str]:
        return [value.strip() for value in (self.values or "").split(",") if value.strip()]


class ProgrammeSite(Base):
    """An implantation of a dispositif in a PSAD: where, who hosts it, its places."""

    __tablename__ = "programme_sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    # The partner structure that receives the youth: its members see those it received
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"), index=True)
    uai: Mapped[str | None] = mapped_column(String(8))
    establishment: Mapped[str | None] = mapped_column(String(200))
    commune: Mapped[str] = mapped_column(String(120))
    commune_code: Mapped[str | None] = mapped_column(String(5))  # INSEE, for the map
    address: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    programme: Mapped[Programme] = relationship(back_populates="sites")
    psad: Mapped[Psad] = relationship()
    structure: Mapped[Structure | None] = relationship()
    places: Mapped[list[SitePlaces]] = relationship(
        back_populates="site", order_by="SitePlaces.school_year", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        where = self.establishment or self.commune
        return f"{where} ({self.commune})" if self.establishment else where


class SitePlaces(Base):
    """How many places a site offers for one school year (2026 is « 2026-2027 »)."""

    __tablename__ = "site_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("programme_sites.id", ondelete="CASCADE"))
    school_year: Mapped[int]
    places: Mapped[int]

    site: Mapped[ProgrammeSite] = relationship(back_populates="places")

    __table_args__ = (UniqueConstraint("site_id", "school_year"),)


class VacantPlace(Base):
    """A place a school declared vacant for the return to school, until a date."""

    __tablename__ = "vacant_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"))
    uai: Mapped[str] = mapped_column(String(8))
    establishment: Mapped[str | None] = mapped_column(String(200))
    commune: Mapped[str | None] = mapped_column(String(120))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    formation: Mapped[str] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(200))  # domaine / filière
    places: Mapped[int]
    available_until: Mapped[date] = mapped_column(Date)
    structure_id: Mapped[int | None] = mapped_column(ForeignKey("structures.id"))
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(default=clock.now)
    source: Mapped[str | None] = mapped_column(String(200))  # « saisie », or the file's name
    withdrawn_at: Mapped[datetime | None]

    psad: Mapped[Psad] = relationship()
    structure: Mapped[Structure | None] = relationship()
    declared_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_vacant_places_psad_until", "psad_id", "available_until"),)

    @property
    def label(self) -> str:
        where = self.establishment or self.uai
        return f"{self.formation} · {where}" + (f" ({self.commune})" if self.commune else "")


class OrientationStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    STARTED = "started"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES


STATUS_LABELS = {
    OrientationStatus.PROPOSED: "Proposée",
    OrientationStatus.ACCEPTED: "Acceptée",
    OrientationStatus.REFUSED: "Refusée",
    OrientationStatus.STARTED: "Commencée",
    OrientationStatus.COMPLETED: "Terminée (achevée)",
    OrientationStatus.ABANDONED: "Terminée (abandon)",
    OrientationStatus.CANCELLED: "Annulée",
}
FINAL_STATUSES = frozenset(
    {
        OrientationStatus.REFUSED,
        OrientationStatus.COMPLETED,
        OrientationStatus.ABANDONED,
        OrientationStatus.CANCELLED,
    }
)
# An orientation in these states holds a place of its site (or of its vacant place).
TAKING_A_PLACE = (OrientationStatus.ACCEPTED, OrientationStatus.STARTED)
# The lifecycle: what each state may become. Anything else is refused with a message.
TRANSITIONS: dict[OrientationStatus, frozenset[OrientationStatus]] = {
    OrientationStatus.PROPOSED: frozenset(
        {OrientationStatus.ACCEPTED, OrientationStatus.REFUSED, OrientationStatus.CANCELLED}
    ),
    OrientationStatus.ACCEPTED: frozenset(
        {OrientationStatus.STARTED, OrientationStatus.REFUSED, OrientationStatus.CANCELLED}
    ),
    OrientationStatus.STARTED: frozenset(
        {OrientationStatus.COMPLETED, OrientationStatus.ABANDONED}
    ),
    OrientationStatus.REFUSED: frozenset(),
    OrientationStatus.COMPLETED: frozenset(),
    OrientationStatus.ABANDONED: frozenset(),
    OrientationStatus.CANCELLED: frozenset(),
}


class RefusedBy(enum.StrEnum):
    YOUTH = "youth"
    STRUCTURE = "structure"

    @property
    def label(self) -> str:
        return "par le jeune" if self is RefusedBy.YOUTH else "par la structure d'accueil"


class Orientation(Base):
    """A youth's case oriented to a dispositif, from the proposal to the outcome."""

    __tablename__ = "orientations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The case's youth, kept here so that the one scoping function finds the youth a
    # hosting structure received without a join through cases
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    psad_id: Mapped[int] = mapped_column(ForeignKey("psads.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("programme_sites.id"))
    vacant_place_id: Mapped[int | None] = mapped_column(ForeignKey("vacant_places.id"), index=True)
    school_year: Mapped[int]  # whose places it takes
    status: Mapped[OrientationStatus] = mapped_column(
        enum_column(OrientationStatus), default=OrientationStatus.PROPOSED
    )
    proposed_on: Mapped[date] = mapped_column(Date)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A comité technique's decision that proposed it (the comités issue links it)
    decision_id: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    over_capacity: Mapped[bool] = mapped_column(Boolean, default=False)  # confirmed when full
    accepted_on: Mapped[date | None] = mapped_column(Date)
    refused_on: Mapped[date | None] = mapped_column(Date)
    refused_by: Mapped[RefusedBy | None] = mapped_column(enum_column(RefusedBy))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))  # refusal, abandon, cancel
    last_news_on: Mapped[date] = mapped_column(Date)  # the last step or news recorded
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    youth: Mapped[Youth] = relationship()
    psad: Mapped[Psad] = relationship()
    programme: Mapped[Programme] = relationship()
    site: Mapped[ProgrammeSite | None] = relationship()
    vacant_place: Mapped[VacantPlace | None] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    steps: Mapped[list[OrientationStep]] = relationship(
        back_populates="orientation",
        order_by="OrientationStep.occurred_at, OrientationStep.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        Index("ix_orientations_psad_status", "psad_id", "status"),
        # Places taken: a site's (or a vacant place's) orientations of a school year
        Index("ix_orientations_site_year", "site_id", "school_year", "status"),
    )

    @property
    def is_open(self) -> bool:
        return not self.status.is_final

    def may_become(self, status: OrientationStatus) -> bool:
        return status in TRANSITIONS[self.status]


class NewsKind(enum.StrEnum):
    """What an orientation step records: a change of status, or news without one."""

    STATUS = "status"
    NEWS = "news"


class OrientationStep(Base):
    """A step of an orientation (a change of status, or news): the timeline reads these."""

    __tablename__ = "orientation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    orientation_id: Mapped[int] = mapped_column(
        ForeignKey("orientations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[NewsKind] = mapped_column(enum_column(NewsKind), default=NewsKind.STATUS)
    status: Mapped[OrientationStatus] = mapped_column(enum_column(OrientationStatus))
    on: Mapped[date] = mapped_column(Date)  # the day it happened, as the user says
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now)  # when it was recorded
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))

    orientation: Mapped[Orientation] = relationship(back_populates="steps")
    author: Mapped[User | None] = relationship()
