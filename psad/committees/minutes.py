"""The minutes of a comité (relevé de décisions) as the page, the print and the workbook show
them: the meeting, who attended, one row per youth of the agenda the viewer may see, in agenda
order, with the decision, who acts and by when, then the amendments.

Two versions: the full one (« NOM Prénom », birth date) for members, and the minimised one
for circulation (initials and birth year, never a name). A reader sees neither: only the
decisions counted by type. A partner sees the rows of their youth only (``visible_items``),
and the amendments about those rows or about the minutes as a whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload, selectinload

from psad.clock import local
from psad.committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.rhythm import when_fr
from psad.orientations.models import Programme, ProgrammeSite
from psad.youth.models import Youth

NO_DECISION = "Pas de décision"


class Version(StrEnum):
    """Which minutes: ``complete`` for members, ``reduite`` for circulation (URL values)."""

    FULL = "complete"
    MINIMISED = "reduite"

    @property
    def label(self) -> str:
        if self is Version.FULL:
            return "version complète"
        return "version réduite (initiales et année de naissance)"

    @classmethod
    def of(cls, value: str | None) -> Version:
        return cls.MINIMISED if value == cls.MINIMISED.value else cls.FULL


@dataclass(frozen=True)
class Present:
    name: str
    structure: str
    guest: bool


@dataclass(frozen=True)
class MinutesRow:
    number: int
    decision_id: int | None
    youth: str  # « LEFÈVRE Éloïse », or « É. L. » in the minimised version
    born: str  # « 14/03/2009 », or « 2009 »
    birth_year: int | None
    reasons: str
    decision: str
    programme: str
    site: str
    structure: str
    person: str
    due_on: date | None
    comment: str

    @property
    def who_acts(self) -> str:
        return " · ".join(part for part in (self.structure, self.person) if part)


@dataclass(frozen=True)
class AmendmentRow:
    at: datetime  # Paris time
    author: str
    text: str  # empty for a reader
    about: str  # the youth whose decision it amends, as the version names them; or ""


@dataclass(frozen=True)
class Minutes:
    committee: Committee
    title: str  # « Comité technique — PSAD de Lille »
    when: str  # « mardi 8 décembre 2026 à 14 h 00 »
    place: str
    video_link: str
    status: str
    version: Version
    shows_youth: bool  # False for a reader: counts only
    present: list[Present]
    rows: list[MinutesRow]
    counts: list[tuple[str, int]]  # decisions by type, over the whole agenda
    total: int  # youth on the agenda
    amendments: list[AmendmentRow]

    @property
    def validated(self) -> bool:
        return self.committee.status is CommitteeStatus.VALIDATED

    @property
    def minimised(self) -> bool:
        return self.version is Version.MINIMISED

    @property
    def present_members(self) -> int:
        return len(self.present)


def initials(first_name: str, last_name: str) -> str:
    """« É. L. » for Éloïse Lefèvre; « J.-P. D. » for Jean-Pierre Dupont."""

    def of(name: str) -> str:
        parts = [part for part in name.replace(" ", "-").split("-") if part]
        return "-".join(f"{part[0].upper()}." for part in parts)

    return " ".join(part for part in (of(first_name), of(last_name)) if part)


def status_of(committee: Committee) -> str:
    if committee.status is CommitteeStatus.VALIDATED and committee.validated_at is not None:
        by = f" par {committee.validated_by.full_name}" if committee.validated_by else ""
        return f"Validé le {local(committee.validated_at):%d/%m/%Y}{by}"
    if committee.status is CommitteeStatus.PUBLISHED:
        return "Relevé provisoire : il n'est pas encore validé par le pilote"
    if committee.status is CommitteeStatus.CANCELLED:
        return "Comité annulé"
    return "Brouillon : l'ordre du jour n'est pas encore publié"


def minutes_of(
    session: Session,
    committee: Committee,
    *,
    items_scope: ColumnElement[bool],
    shows_youth: bool,
    version: Version = Version.FULL,
) -> Minutes:
    """The minutes in ``version``, as a viewer reads them: the agenda lines within
    ``items_scope`` (``psad.access.committees.visible_items``), none unless ``shows_youth``."""
    rows: list[MinutesRow] = []
    about: dict[int, str] = {}
    if shows_youth:
        items = _visible_items(session, committee, items_scope)
        programmes, sites = _offer_of(session, [item.decision for item in items if item.decision])
        for number, item in enumerate(items, start=1):
            row = _row(number, item, version, programmes, sites)
            rows.append(row)
            if row.decision_id is not None:
                about[row.decision_id] = row.youth
    return Minutes(
        committee=committee,
        title=f"{committee.kind.label} — {committee.psad.name}",
        when=when_fr(committee.starts_at),
        place=committee.place or "",
        video_link=committee.video_link or "",
        status=status_of(committee),
        version=version,
        shows_youth=shows_youth,
        present=_present(session, committee),
        rows=rows,
        counts=_counts(session, committee),
        total=len(committee.items),
        amendments=_amendments(
            session,
            committee,
            about,
            shows_youth,
            with_text=shows_youth and version is Version.FULL,
        ),
    )


def _visible_items(
    session: Session, committee: Committee, scope: ColumnElement[bool]
) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.committee_id == committee.id, scope)
            .options(
                joinedload(AgendaItem.youth),
                joinedload(AgendaItem.decision).joinedload(Decision.acting_structure),
                joinedload(AgendaItem.decision).joinedload(Decision.acting_user),
            )
            .order_by(AgendaItem.position, AgendaItem.id)
        ).unique()
    )


def _offer_of(
    session: Session, decisions: list[Decision]
) -> tuple[dict[int, Programme], dict[int, ProgrammeSite]]:
    """The dispositifs and sites the decisions name, in two queries."""
    programme_ids = {d.programme_id for d in decisions if d.programme_id}
    site_ids = {d.site_id for d in decisions if d.site_id}
    programmes = {
        p.id: p for p in session.scalars(select(Programme).where(Programme.id.in_(programme_ids)))
    }
    sites = {
        s.id: s
        for s in session.scalars(select(ProgrammeSite).where(ProgrammeSite.id.in_(site_ids)))
    }
    return programmes, sites


def _row(
    number: int,
    item: AgendaItem,
    version: Version,
    programmes: dict[int, Programme],
    sites: dict[int, ProgrammeSite],
) -> MinutesRow:
    youth: Youth = item.youth
    decision = item.decision
    born = youth.birth_date
    if version is Version.MINIMISED:
        name, born_text = (
            initials(youth.first_name, youth.last_name),
            str(born.year) if born else "",
        )
    else:
        name, born_text = youth.display_name, f"{born:%d/%m/%Y}" if born else ""
    programme = (
        programmes.get(decision.programme_id) if decision and decision.programme_id else None
    )
    site = sites.get(decision.site_id) if decision and decision.site_id else None
    return MinutesRow(
        number=number,
        decision_id=decision.id if decision else None,
        youth=name,
        born=born_text,
        birth_year=born.year if born else None,
        reasons=", ".join(reason.label for reason in item.reason_list),
        decision=decision.kind.label if decision else NO_DECISION,
        programme=programme.name if programme else "",
        site=site.label if site else "",
        structure=decision.acting_structure.name if decision and decision.acting_structure else "",
        person=decision.acting_user.full_name if decision and decision.acting_user else "",
        due_on=decision.due_on if decision else None,
        # Free text may name the youth or their family: the version for circulation omits it
        comment=(decision.comment or "") if decision and version is Version.FULL else "",
    )


def _present(session: Session, committee: Committee) -> list[Present]:
    """Members present first (by name), then guests, each with their structure."""
    attendances = session.scalars(
        select(Attendance)
        .where(Attendance.committee_id == committee.id, Attendance.present.is_(True))
        .options(selectinload(Attendance.user), selectinload(Attendance.structure))
    )
    present = []
    for attendance in attendances:
        structure = attendance.structure.name if attendance.structure else ""
        if attendance.user is not None:
            present.append(Present(attendance.user.full_name, structure, guest=False))
        else:
            label = structure or attendance.structure_label or ""
            present.append(Present(attendance.guest_name or "", label, guest=True))
    return sorted(present, key=lambda p: (p.guest, p.name.casefold()))


def _counts(session: Session, committee: Committee) -> list[tuple[str, int]]:
    """The decisions by type over the whole agenda, then the youth without a decision."""
    kinds = Counter(
        session.scalars(select(Decision.kind).where(Decision.committee_id == committee.id))
    )
    counts = [(kind.label, kinds[kind]) for kind in DecisionKind if kinds[kind]]
    undecided = len(committee.items) - sum(kinds.values())
    if undecided > 0:
        counts.append((NO_DECISION, undecided))
    return counts


def _amendments(
    session: Session,
    committee: Committee,
    about: dict[int, str],
    shows_youth: bool,
    *,
    with_text: bool,
) -> list[AmendmentRow]:
    """The amendments the viewer may read: about the minutes as a whole, or about a row they
    see. A reader, and the version for circulation, get their date and author, not their
    text (free text)."""
    shown = []
    amendments = session.scalars(
        select(Amendment)
        .where(Amendment.committee_id == committee.id)
        .options(joinedload(Amendment.author))
        .order_by(Amendment.id)
    )
    for amendment in amendments:
        hidden_row = amendment.decision_id is not None and amendment.decision_id not in about
        if shows_youth and hidden_row:
            continue
        shown.append(
            AmendmentRow(
                at=local(amendment.created_at),
                author=amendment.author.full_name if amendment.author else "",
                text=amendment.text if with_text else "",
                about=about.get(amendment.decision_id or 0, ""),
            )
        )
    return shown
