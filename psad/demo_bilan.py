"""The demo's previous school year, so that the bilan and the dashboard compare two years
(« période précédente »).

In the autumn of the year before, a SIEI list named most of that year's youth; a school's
list in February, signalements and démarches spontanées added a few. The counsellors
contacted them (some never answered, some refused), met them, took DARFI requests (most
interviews within 15 days, some later), recorded the obligation de formation's steps for
the minors, proposed orientations, held three comités techniques and a comité de pilotage,
sent one youth to the neighbouring PSAD and received one from it. By the summer nearly every
case was closed with its reason; the few still followed were contacted recently, so today's
reminders stay those of this year.

Recorded through the services, on the day each thing happened, as people would. The youth
have names of their own (a look-alike of this year's youth would make a probable duplicate
the demo did not plant), phone numbers in 03 53 01 2x xx (their guardians 03 53 01 3x xx: see
psad.demo for the ranges) and INEs of their own.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.services import Actor
from psad.auth.models import Psad, Structure, StructureKind, User
from psad.clock import PARIS
from psad.committees import rhythm as rhythms
from psad.committees.models import Committee, CommitteeKind, DecisionKind
from psad.committees.services import agenda, attendance, decisions, meetings, minutes
from psad.demo_transfers import NEIGHBOUR_CODE, NEIGHBOUR_LOGIN
from psad.followup import services
from psad.followup.models import DarfiSource, Diploma, ObligationStep, Party
from psad.imports.models import ImportBatch, ImportOrigin, Listing, ListingOutcome, ListSource
from psad.orientations import services as orientations
from psad.orientations.models import (
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    RefusedBy,
    SitePlaces,
)
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.schoolyear import school_year_of
from psad.transfers import services as transfers
from psad.youth.models import (
    Case,
    CaseSource,
    CaseStage,
    Guardian,
    KnownToPartner,
    Sex,
    Track,
    Youth,
)

YOUTH_PHONE = "+33353012{:03d}"
GUARDIAN_PHONE = "+33353013{:03d}"
SHARE = (4, 15)  # the previous year's youth per youth of this year: 80 for the demo's 300
MIN_YOUTH = 20  # fewer (a small demo, as most tests load): no previous year
PLACE = "CIO de Démo-ville, salle du conseil"
FIRST_NAMES = {
    Sex.FEMALE: ["Manon", "Maëlle", "Jade", "Ambre", "Romane", "Capucine", "Yasmine", "Bérénice"],
    Sex.MALE: ["Lucas", "Enzo", "Nolan", "Mathis", "Sacha", "Ilyès", "Évan", "Grégoire"],
}
LAST_NAMES = [
    "Vasseur",
    "Delattre",
    "Duhamel",
    "Carpentier",
    "Wattez",
    "Delannoy",
    "Dewaele",
    "Hennebert",
    "Caudron",
    "Flament",
    "Bécourt",
    "Ségard",
    "Vandamme",
    "Dhénin",
]
COMMUNES = [("59000", "Lille"), ("59100", "Roubaix"), ("59500", "Douai"), ("62000", "Arras")]
SCHOOLS = [
    ("0590001", "Lycée professionnel Fictif Jean-Démo", Track.VOCATIONAL, "CAP"),
    ("0590003", "Lycée Fictif des Métiers", Track.VOCATIONAL, "Terminale pro"),
    ("0590002", "Lycée Fictif Marie-Exemple", Track.GENERAL, "2de générale"),
    ("0590004", "Collège Fictif Victor-Essai", Track.LOWER_SECONDARY, "3e"),
]
# What became of each youth, in turn (the list repeats): see ``_Story``. The comités take
# youth of the SIEI list (positions 0 to 5 of each eight: see ``_source``).
FATES = (
    "solution",
    "unreachable",
    "committee",
    "oriented",
    "darfi",
    "committee",
    "found_in_training",
    "refused",
    "darfi_late",
    "oriented_refused",
    "committee",
    "still_followed",
    "unreachable",
    "out_of_scope",
    "oriented_abandoned",
    "solution",
)
MOVED_OUT = 1  # this youth moved to the neighbouring PSAD instead
MOVED_IN = 999  # the youth the neighbouring PSAD sent (their phone number's index)
ORIENTED_TO = ["IMMERSION", "E2C", "COMPETENCES", "SAS_LNC", "MICRO_LYCEE"]
SOLUTION_OF = {"IMMERSION": "school", "E2C": "e2c", "COMPETENCES": "mlds", "SAS_LNC": "school"}
DECIDED = [
    DecisionKind.ORIENTATION,
    DecisionKind.WATCH,
    DecisionKind.CLOSE,
    DecisionKind.REFERENT,
    DecisionKind.ORIENTATION,
    DecisionKind.WATCH,
    DecisionKind.CONTACT,
    DecisionKind.CLOSE,
    DecisionKind.ORIENTATION,
    DecisionKind.ADJOURNED,
]
KNOWN = [KnownToPartner.UNKNOWN, *KnownToPartner]  # more « inconnu de tous » than the rest


def _key(digits: str) -> str:
    return digits + "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]


def _morning(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS)


@dataclass
class _Year:
    """What every story of the year shares."""

    session: Session
    psad: Psad
    counsellors: list[User]  # pilote, co-pilote, partner
    refs: dict[ReferenceKind, dict[str, ReferenceItem]]
    sites: dict[str, ProgrammeSite]
    programmes: dict[str, Programme]
    start: date  # the previous school year's first day
    today: date
    rng: random.Random
    actor: Actor

    def ref(self, kind: ReferenceKind, code: str) -> ReferenceItem:
        return self.refs[kind][code]

    def day(self, day: date) -> date:
        return min(day, self.today)


def populate(
    session: Session,
    *,
    psad: Psad,
    structures: dict[StructureKind, Structure],
    counsellors: list[User],
    youth_count: int,
    today: date,
) -> int:
    """Give ``psad`` (the demo PSAD, its comités' rhythm and its sites made) a previous school
    year, proportional to ``youth_count``; returns the number of youth added (deterministic)."""
    count = youth_count * SHARE[0] // SHARE[1]
    if count < MIN_YOUTH:
        return 0
    pilot = counsellors[0]
    refs = {
        kind: {i.code: i for i in session.scalars(select(ReferenceItem).filter_by(kind=kind))}
        for kind in ReferenceKind
    }
    sites = {
        site.programme.code: site
        for site in session.scalars(select(ProgrammeSite).where(ProgrammeSite.psad_id == psad.id))
    }
    year = _Year(
        session=session,
        psad=psad,
        counsellors=counsellors,
        refs=refs,
        sites=sites,
        programmes={p.code: p for p in session.scalars(select(Programme))},
        start=date(school_year_of(today) - 1, 9, 1),
        today=today,
        rng=random.Random(2025),  # nosec B311
        actor=Actor(user_id=pilot.id, psad_id=psad.id, ip_address="demo"),
    )
    _declare_places(year)
    lists = {
        ListSource.SIEI: _batch(year, ListSource.SIEI, date(year.start.year, 10, 14)),
        ListSource.SCHOOL: _batch(year, ListSource.SCHOOL, date(year.start.year + 1, 2, 3)),
    }
    stories = [_Story(year, index, lists) for index in range(count)]
    session.flush()
    for story in stories:
        story.live()
    reviewed = [story for story in stories if story.fate == "committee"]
    _committees(year, structures, reviewed)
    for story in reviewed:
        story.after_committee()
    _moved_in(year)
    for batch in lists.values():
        listed = sum(story.batch is batch for story in stories)
        batch.rows_read = batch.created = batch.opened = listed
    session.flush()
    return count + 1


def _declare_places(year: _Year) -> None:
    """The sites offered places last year too (as many as this year)."""
    last = year.start.year
    for site in year.sites.values():
        offered = {row.school_year: row.places for row in site.places}
        if last not in offered and last + 1 in offered:
            site.places.append(SitePlaces(school_year=last, places=offered[last + 1]))


def _batch(year: _Year, source: ListSource, on: date) -> ImportBatch:
    label = f"{source.label} du {on:%d/%m/%Y} (démonstration)"
    batch = ImportBatch(
        psad_id=year.psad.id,
        label=label,
        source=source,
        origin=ImportOrigin.WEB,
        file_name=f"liste-{source.value}-{on:%Y-%m}-demo.xlsx",
        file_hash=hashlib.sha256(label.encode()).hexdigest(),
        file_size=0,
        imported_by_id=year.counsellors[0].id,
        imported_at=_morning(on, 9),
    )
    year.session.add(batch)
    year.session.flush()
    return batch


class _File:
    """The steps of one youth's follow-up, recorded through the services on their day."""

    def __init__(
        self, year: _Year, case: Case, index: int, *, by: User, actor: Actor, minor: bool
    ) -> None:
        self.year, self.case, self.index, self.rng = year, case, index, year.rng
        self.by, self.actor, self.minor = by, actor, minor

    def case_orientation(self) -> Orientation:
        return self.year.session.scalars(
            select(Orientation).where(Orientation.case_id == self.case.id)
        ).one()

    def _contact(
        self,
        day: date,
        *,
        reached: bool,
        outcome: str,
        channel: str | None = None,
        situation: str | None = None,
    ) -> None:
        year = self.year
        when = _morning(year.day(day), 9 + self.index % 8)
        channel = channel or ("phone" if reached else self.rng.choice(["phone", "sms", "email"]))
        data = services.ContactData(
            occurred_at=when,
            channel=year.ref(ReferenceKind.CONTACT_CHANNEL, channel),
            reached=reached,
            outcome=year.ref(ReferenceKind.CONTACT_OUTCOME, outcome),
            party=Party.YOUTH if reached or not self.minor else Party.GUARDIAN,
        )
        services.record_contact(
            year.session, case=self.case, data=data, by=self.by, actor=self.actor, now=when
        )
        if situation is not None:
            services.change_situation(
                year.session,
                case=self.case,
                situation=year.ref(ReferenceKind.SITUATION, situation),
                by=self.by,
                now=when,
                actor=self.actor,
            )

    def _met(self, first: date, *, late: bool = False) -> date:
        """Reached (sometimes at the second try), then met on site; returns the interview's
        day (the obligation de formation's interview for a minor)."""
        if self.index % 3 == 0:
            self._contact(first, reached=False, outcome="message_left")
            first += timedelta(days=self.rng.randint(2, 6))
        self._contact(first, reached=True, outcome="reached", situation="no_solution")
        met = first + timedelta(days=self.rng.randint(4, 12))
        if late:  # beyond the obligation de formation's three months
            met += timedelta(days=90)
        self._contact(met, reached=True, outcome="reached", channel="in_person")
        if self.minor:
            self._step(ObligationStep.INTERVIEW, met)
        return met

    def _stage(self, day: date) -> None:
        services.change_stage(
            self.year.session,
            case=self.case,
            wanted=CaseStage.SUPPORTED,
            by=self.by,
            now=_morning(self.year.day(day), 16),
            actor=self.actor,
        )

    def _step(self, step: ObligationStep, day: date) -> None:
        services.record_obligation_step(
            self.year.session,
            case=self.case,
            step=step,
            done_on=day,
            comment=None,
            by=self.by,
            today=day,
            now=_morning(day, 17),
            actor=self.actor,
        )

    def _orient(self, code: str, on: date, steps: list[str]) -> date:
        """Propose an orientation to ``code`` on ``on`` and take ``steps`` a week apart (two
        for a start); returns the day of the last."""
        year = self.year
        orientation = orientations.propose_orientation(
            year.session,
            case=self.case,
            programme=year.programmes[code],
            site=year.sites.get(code),
            on=on,
            by=year.counsellors[0],
            actor=self.actor,
            comment="Proposée après l'entretien (démo).",
            confirm_full=True,
            today=on,
        )
        day = on
        for step in steps:
            day += timedelta(days=14 if step == "started" else 7)
            status, _, refused_by = step.partition("_by_")
            self._change(
                OrientationStatus(status), day, orientation, RefusedBy(refused_by or "youth")
            )
        return day

    def _change(
        self,
        status: OrientationStatus,
        day: date,
        orientation: Orientation | None = None,
        refused_by: RefusedBy = RefusedBy.YOUTH,
    ) -> None:
        year, day = self.year, self.year.day(day)
        orientations.change_status(
            year.session,
            orientation=orientation or self.case_orientation(),
            to=status,
            on=day,
            by=year.counsellors[0],
            actor=self.actor,
            reason={
                OrientationStatus.REFUSED: "Le jeune préfère chercher un emploi (démo).",
                OrientationStatus.ABANDONED: "Arrêt après quelques semaines (démo).",
            }.get(status),
            refused_by=refused_by if status is OrientationStatus.REFUSED else None,
            confirm_full=True,
            today=day,
            now=_morning(day, 15),
        )

    def _close(
        self, reason: str, on: date, solution: str | None = None, since: date | None = None
    ) -> None:
        year, on = self.year, self.year.day(on)
        services.close_case(
            year.session,
            case=self.case,
            reason=year.ref(ReferenceKind.CLOSING_REASON, reason),
            known_to_partner=KNOWN[self.index % len(KNOWN)],
            solution=year.ref(ReferenceKind.SOLUTION, solution) if solution else None,
            solution_since=since,
            on=on,
            by=self.by,
            now=_morning(on, 18),
            actor=self.actor,
        )


class _Story(_File):
    """One youth of the previous year, from their listing to their case's closing."""

    def __init__(self, year: _Year, index: int, lists: dict[ListSource, ImportBatch]) -> None:
        self.year, self.index, self.rng = year, index, year.rng
        self.fate = "moved_out" if index == MOVED_OUT else FATES[index % len(FATES)]
        self.decided: tuple[DecisionKind, date] | None = None
        self.batch, source, self.entered = self._source(lists)
        self.minor = self.fate != "still_followed" and self.rng.random() < 0.4
        self.youth = self._youth()
        batch = self.batch
        case = Case(
            youth=self.youth,
            psad_id=year.psad.id,
            source=source,
            source_detail=batch.label if batch else "Signalement d'un partenaire (fictif)",
            source_batch_id=batch.id if batch else None,
            opened_on=self.entered,
            created_at=_morning(self.entered, 9),
        )
        year.session.add(case)
        by = year.counsellors[index % len(year.counsellors)]
        super().__init__(year, case, index, by=by, actor=year.actor, minor=self.minor)
        if batch is not None:
            year.session.add(
                Listing(
                    batch_id=batch.id,
                    youth=self.youth,
                    line=index + 2,
                    outcome=ListingOutcome.CREATED,
                    row_hash=f"{index:040d}",
                )
            )

    def _source(
        self, lists: dict[ListSource, ImportBatch]
    ) -> tuple[ImportBatch | None, CaseSource, date]:
        position = self.index % 8
        if position < 6:
            batch = lists[ListSource.SIEI]
        elif position == 6:
            batch = lists[ListSource.SCHOOL]
        else:
            source = CaseSource.REFERRAL if self.index % 16 == 7 else CaseSource.SPONTANEOUS
            return None, source, self.year.start + timedelta(days=self.rng.randint(25, 240))
        return batch, CaseSource.LISTING, batch.imported_at.astimezone(PARIS).date()

    def _youth(self) -> Youth:
        rng, index = self.rng, self.index
        sex = rng.choice([Sex.FEMALE, Sex.MALE])
        last_name = rng.choice(LAST_NAMES)
        years = (16 * 365 + 30, 18 * 365 - 30) if self.minor else (18 * 365 + 30, 21 * 365)
        postal_code, commune = rng.choice(COMMUNES)
        uai, school_name, track, level = rng.choice(SCHOOLS)
        youth = Youth(
            psad=self.year.psad,
            ine=_key(f"{2_000_000_000 + index * 7919:010d}"),
            last_name=last_name,
            first_name=rng.choice(FIRST_NAMES[sex]),
            sex=sex,
            birth_date=self.entered - timedelta(days=rng.randint(*years)),
            postal_code=postal_code,
            commune=commune,
            address=f"{rng.randint(1, 90)} chemin Imaginaire",
            phone=YOUTH_PHONE.format(index % 1000) if index % 5 else None,
            email=f"ancien{index}@demo.psad.example" if index % 3 == 1 else None,
            school_uai=_key(uai),
            school_name=school_name,
            track=track,
            level=level,
            school_exit_date=self.entered - timedelta(days=rng.randint(60, 300)),
            created_at=_morning(self.entered, 9),
        )
        youth.refresh_keys()
        if self.minor:
            youth.guardians.append(
                Guardian(
                    last_name=last_name,
                    first_name="Parent fictif",
                    phone=GUARDIAN_PHONE.format(index % 1000),
                )
            )
        self.year.session.add(youth)
        return youth

    # -- what happened ----------------------------------------------------------------------

    def live(self) -> None:
        """Everything but what a comité decides (``after_committee``)."""
        first = self.entered + timedelta(days=self.rng.randint(2, 21))
        getattr(self, f"_{self.fate}")(first)

    def _solution(self, first: date) -> None:
        met = self._met(first, late=self.index % 2 == 1)
        since = met + timedelta(days=self.rng.randint(15, 60))
        code = self.rng.choice(["apprenticeship", "job", "local_mission", "continuing_training"])
        self._close("solution_found", since + timedelta(days=3), solution=code, since=since)

    def _unreachable(self, first: date) -> None:
        for days, outcome in ((0, "no_answer"), (9, "message_left"), (23, "wrong_details")):
            self._contact(first + timedelta(days=days), reached=False, outcome=outcome)
        if self.minor:  # convened, then reported to the département
            self._step(ObligationStep.CONVOCATION, first + timedelta(days=35))
            self._step(ObligationStep.TRANSMISSION, first + timedelta(days=70))
        self._close("unreachable", first + timedelta(days=80 if self.minor else 45))

    def _refused(self, first: date) -> None:
        self._contact(first, reached=False, outcome="no_answer")
        self._contact(first + timedelta(days=5), reached=True, outcome="refused")
        self._close("refused", first + timedelta(days=6))

    def _oriented(self, first: date) -> None:
        met = self._met(first)
        code = ORIENTED_TO[self.index % 4]
        started = self._orient(code, met + timedelta(days=7), ["accepted", "started"])
        self._close("solution_found", started + timedelta(days=30), SOLUTION_OF[code], started)
        self._change(OrientationStatus.COMPLETED, started + timedelta(days=90))

    def _darfi(self, first: date, *, late: bool = False) -> None:
        self._contact(first, reached=True, outcome="reached", situation="no_solution")
        asked = first + timedelta(days=2)
        request = services.record_darfi_request(
            self.year.session,
            case=self.case,
            requested_on=asked,
            source=DarfiSource.YOUTH,
            diploma=Diploma.NONE,
            wish="Retour en formation initiale (démo)",
            by=self.by,
            today=asked,
            actor=self.actor,
        )
        held = asked + timedelta(days=self.rng.randint(18, 30) if late else self.rng.randint(4, 14))
        services.record_darfi_interview(
            self.year.session,
            case=self.case,
            request=request,
            held_on=held,
            outcome="Retour en lycée proposé (démo)",
            by=self.by,
            today=held,
            now=_morning(held, 15),
            actor=self.actor,
        )
        if late:
            code = "MICRO_LYCEE" if self.index % 2 else "SAS_LNC"
            started = self._orient(code, held + timedelta(days=5), ["accepted", "started"])
        else:
            started = held + timedelta(days=self.rng.randint(10, 40))
        self._close("solution_found", started + timedelta(days=10), "school", started)

    def _darfi_late(self, first: date) -> None:
        self._darfi(first, late=True)

    def _found_in_training(self, first: date) -> None:
        self._contact(
            first, reached=True, outcome="reached", situation="initial_training_apprentice"
        )
        self._close("solution_found", first + timedelta(days=2), "apprenticeship", first)

    def _oriented_refused(self, first: date) -> None:
        met = self._met(first)
        by_youth = self.index % 2 == 0
        self._orient(
            ORIENTED_TO[self.index % 5],
            met + timedelta(days=7),
            ["refused_by_youth" if by_youth else "refused_by_structure"],
        )
        self._close("refused" if by_youth else "out_of_scope", met + timedelta(days=40))

    def _oriented_abandoned(self, first: date) -> None:
        met = self._met(first)
        started = self._orient("COMPETENCES", met + timedelta(days=10), ["accepted", "started"])
        self._change(OrientationStatus.ABANDONED, started + timedelta(days=25))
        self._close("unreachable", started + timedelta(days=70))

    def _out_of_scope(self, first: date) -> None:
        self._contact(first, reached=True, outcome="already_followed", situation="employed")
        self._close("out_of_scope", first + timedelta(days=4))

    def _still_followed(self, first: date) -> None:
        """Followed since last year, without a solution yet; contacted a few days ago."""
        met = self._met(first)
        self._stage(met)
        services.change_situation(
            self.year.session,
            case=self.case,
            situation=self.year.ref(ReferenceKind.SITUATION, "followed_mlds"),
            by=self.by,
            now=_morning(met + timedelta(days=60)),
            actor=self.actor,
        )
        recent = self.year.today - timedelta(days=3 + self.index % 20)
        self._contact(recent, reached=True, outcome="appointment")

    def _committee(self, first: date) -> None:
        self._met(first)
        self._stage(first + timedelta(days=10))

    def _moved_out(self, first: date) -> None:
        """Reached, then the family moved to the neighbouring PSAD, which took the file."""
        self._contact(first, reached=True, outcome="reached", situation="no_solution")
        year = self.year
        neighbour, their_pilot, their_actor = _neighbour(year.session)
        asked = _morning(first + timedelta(days=30), 11)
        transfer = transfers.propose_transfer(
            year.session,
            youth=self.youth,
            to_psad=neighbour,
            comment="La famille a déménagé dans la PSAD voisine (démo).",
            by=self.by,
            now=asked,
            actor=year.actor,
        )
        accepted = asked + timedelta(days=4)
        theirs = transfers.accept_transfer(
            year.session,
            transfer=transfer,
            by=their_pilot,
            today=accepted.date(),
            now=accepted,
            actor=their_actor,
        )
        there = _File(year, theirs, self.index, by=their_pilot, actor=their_actor, minor=False)
        since = accepted.date() + timedelta(days=50)
        there._close("solution_found", since, "apprenticeship", since)

    # -- after the comité ---------------------------------------------------------------------

    def after_committee(self) -> None:
        """What followed the comité's decision (a case closed by it stays so)."""
        if not self.case.is_open or self.decided is None:
            return
        kind, day = self.decided
        if kind is DecisionKind.ORIENTATION:
            orientation = self.case_orientation()
            for status, days in ((OrientationStatus.ACCEPTED, 10), (OrientationStatus.STARTED, 21)):
                self._change(status, day + timedelta(days=days), orientation)
            since = day + timedelta(days=21)
            self._close("solution_found", since + timedelta(days=20), "school", since)
        elif kind is DecisionKind.REFERENT:
            since = day + timedelta(days=30)
            self._close("solution_found", since, "local_mission", since)
        elif kind is DecisionKind.CONTACT:
            self._contact(day + timedelta(days=8), reached=True, outcome="reached")
            since = day + timedelta(days=35)
            self._close("solution_found", since, "civic_service", since)
        elif kind is DecisionKind.WATCH:
            self._contact(day + timedelta(days=40), reached=True, outcome="reached")
            self._close("out_of_scope", day + timedelta(days=41))
        else:  # adjourned, then never reached again
            self._contact(day + timedelta(days=30), reached=False, outcome="no_answer")
            self._close("unreachable", day + timedelta(days=60))


def _committees(
    year: _Year, structures: dict[StructureKind, Structure], reviewed: list[_Story]
) -> None:
    """Three comités techniques (2nd Tuesdays of December, February and April) share the
    youth to review; a comité de pilotage in June reviews the year (no youth)."""
    pilot, copilot, partner = year.counsellors[:3]
    rhythm = meetings.rhythm_of(year.session, year.psad.id)
    first = year.start.year
    days = [date(first, 12, 1), date(first + 1, 2, 1), date(first + 1, 4, 1)]
    invited = list(structures.values())
    decided = 0
    for number, month in enumerate(days):
        starts_at = rhythms.next_dates(rhythm, month, 1)[0]
        committee = _held(year, CommitteeKind.TECHNICAL, starts_at, invited)
        day = starts_at.astimezone(PARIS).date()
        stories = reviewed[number :: len(days)]
        for story in stories:
            agenda.add_item(
                year.session, committee=committee, youth=story.youth, by=pilot, actor=year.actor
            )
        _publish(year, committee, [pilot.id, copilot.id, partner.id])
        for story, item in zip(stories, committee.items, strict=True):
            kind = DECIDED[decided % len(DECIDED)]
            decided += 1
            _decide(year, structures, item, kind, day)
            story.decided = kind, day
        minutes.validate_minutes(
            year.session,
            committee=committee,
            by=pilot,
            now=_morning(day + timedelta(days=1)),
            actor=year.actor,
        )
    steering = _held(year, CommitteeKind.STEERING, _morning(date(first + 1, 6, 16), 10), invited)
    _publish(year, steering, [pilot.id, copilot.id])
    minutes.validate_minutes(
        year.session,
        committee=steering,
        by=pilot,
        now=_morning(date(first + 1, 6, 18)),
        actor=year.actor,
    )


def _held(
    year: _Year, kind: CommitteeKind, starts_at: datetime, invited: list[Structure]
) -> Committee:
    return meetings.plan_committee(
        year.session,
        psad=year.psad,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=120,
        place=PLACE,
        video_link=None,
        agenda_note="Bilan de l'année scolaire."
        if kind is CommitteeKind.STEERING
        else "Situations des jeunes sans solution.",
        invited=invited,
        by=year.counsellors[0],
        actor=year.actor,
    )


def _publish(year: _Year, committee: Committee, present: list[int]) -> None:
    day = committee.starts_at.astimezone(PARIS).date()
    agenda.publish(
        year.session,
        committee=committee,
        by=year.counsellors[0],
        now=_morning(day - timedelta(days=5)),
        actor=year.actor,
    )
    attendance.record_attendance(
        year.session, committee=committee, present=present, guests=[], actor=year.actor
    )


def _decide(
    year: _Year,
    structures: dict[StructureKind, Structure],
    item: object,
    kind: DecisionKind,
    day: date,
) -> None:
    copilot = year.counsellors[1]
    mission = structures[StructureKind.LOCAL_MISSION]
    site = year.sites.get("IMMERSION")
    who = {
        DecisionKind.REFERENT: (mission, copilot, None),
        DecisionKind.CONTACT: (mission, copilot, day + timedelta(days=10)),
    }.get(kind, (None, None, None))
    decisions.record_decision(
        year.session,
        item=item,  # type: ignore[arg-type]
        kind=kind,
        programme=site.programme if site else year.programmes["IMMERSION"],
        site=site,
        closing_reason=year.ref(ReferenceKind.CLOSING_REASON, "refused"),
        acting_structure=who[0],
        acting_user=who[1],
        due_on=who[2],
        comment="Décision du comité (démo).",
        by=year.counsellors[0],
        actor=year.actor,
        today=day,
        confirm_full=True,
        now=_morning(day, 15),
    )


def _moved_in(year: _Year) -> None:
    """A youth the neighbouring PSAD sent in the winter, followed here to a solution."""
    session = year.session
    neighbour, their_pilot, their_actor = _neighbour(session)
    listed = year.start + timedelta(days=40)
    youth = Youth(
        psad=neighbour,
        ine=_key(f"{2_900_000_000:010d}"),
        last_name="Vandamme-Roussel",
        first_name="Clarisse",
        sex=Sex.FEMALE,
        birth_date=listed - timedelta(days=19 * 365),
        postal_code="59500",
        commune="Douai",
        phone=YOUTH_PHONE.format(MOVED_IN),
    )
    youth.refresh_keys()
    session.add(
        Case(
            youth=youth,
            psad_id=neighbour.id,
            source=CaseSource.REFERRAL,
            source_detail="Signalement fictif",
            opened_on=listed,
        )
    )
    session.flush()
    asked = _morning(listed + timedelta(days=60), 11)
    transfer = transfers.propose_transfer(
        session,
        youth=youth,
        to_psad=year.psad,
        comment="La jeune s'installe à Démo-ville ; elle cherche un apprentissage.",
        by=their_pilot,
        now=asked,
        actor=their_actor,
    )
    accepted = asked + timedelta(days=3)
    case = transfers.accept_transfer(
        session,
        transfer=transfer,
        by=year.counsellors[0],
        today=accepted.date(),
        now=accepted,
        actor=year.actor,
    )
    here = _File(year, case, MOVED_IN, by=year.counsellors[1], actor=year.actor, minor=False)
    met = here._met(accepted.date() + timedelta(days=5))
    since = met + timedelta(days=45)
    here._close("solution_found", since, "apprenticeship", since)


def _neighbour(session: Session) -> tuple[Psad, User, Actor]:
    """The neighbouring PSAD (psad.demo_transfers), its pilote, and them acting."""
    psad = session.scalars(select(Psad).filter_by(code=NEIGHBOUR_CODE)).one()
    pilot = session.scalars(select(User).filter_by(email=NEIGHBOUR_LOGIN[0])).one()
    return psad, pilot, Actor(user_id=pilot.id, psad_id=psad.id, ip_address="demo")
