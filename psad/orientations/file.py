"""What a youth's file shows of the orientations, and the choices of the orient form.

The file: every orientation of the youth (all cases), with its dates, who proposed it, why it
was refused, abandoned or cancelled, the places left at its site, and the steps the viewer may
record; then the dispositifs the youth is eligible for today. The orient form: the active
dispositifs by family, the eligible first, each with its sites in the PSAD and their places
left. The page « Éligibilité détaillée » is ``psad.orientations.eligibility_page``.

Who may record a step is the access package's rule (``psad.access.orientations.may_update``):
the page passes it in, as this package sits below ``psad.access``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from psad.followup.models import DarfiRequest
from psad.orientations import eligibility, places
from psad.orientations.eligibility import State, Verdict
from psad.orientations.facts import Facts, facts_of
from psad.orientations.models import (
    TRANSITIONS,
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeFamily,
    ProgrammeSite,
)
from psad.orientations.places import Places
from psad.schoolyear import school_year_label, school_year_of
from psad.youth.models import Case, Youth

Status = OrientationStatus
FITTING = (State.ELIGIBLE, State.ELIGIBLE_IF)


@dataclass(frozen=True)
class Action:
    """A step the file offers on an orientation: its page is ``/orientations/<id>/<slug>``."""

    slug: str
    to: OrientationStatus | None  # None: news, without a change of status
    label: str  # the button
    title: str  # the page's heading
    done: str  # the message once saved


ACTIONS = (
    Action("accepter", Status.ACCEPTED, "Accepter", "Accepter l'orientation",
           "Orientation acceptée."),
    Action("refuser", Status.REFUSED, "Refuser", "Refuser l'orientation", "Orientation refusée."),
    Action("commencer", Status.STARTED, "Commencer", "Marquer l'orientation commencée",
           "Orientation commencée."),
    Action("terminer", Status.COMPLETED, "Terminer", "Marquer l'orientation terminée (achevée)",
           "Orientation terminée."),
    Action("abandonner", Status.ABANDONED, "Abandon", "Marquer l'orientation abandonnée",
           "Abandon de l'orientation enregistré."),
    Action("annuler", Status.CANCELLED, "Annuler", "Annuler l'orientation", "Orientation annulée."),
    Action("nouvelles", None, "Nouvelles", "Donner des nouvelles de l'orientation",
           "Nouvelles enregistrées."),
)  # fmt: skip
ACTION_BY_SLUG = {action.slug: action for action in ACTIONS}


def actions_of(orientation: Orientation) -> list[Action]:
    """The steps its lifecycle allows now, and news while it is open."""
    allowed = TRANSITIONS[orientation.status]
    return [
        action
        for action in ACTIONS
        if (action.to in allowed) or (action.to is None and orientation.is_open)
    ]


@dataclass(frozen=True)
class OrientationRow:
    orientation: Orientation
    where: str | None  # the site's or the vacant place's label
    places: Places | None  # of its site (or vacant place) for its school year
    school_year: str
    dates: list[tuple[str, date]]  # (« Proposée le », day), in order
    proposed_by: str | None
    outcome: str | None  # « Refusée par le jeune : motif », « Motif de l'abandon : ... »
    actions: list[Action]


@dataclass(frozen=True)
class FilePanel:
    """The « Dispositifs et orientations » section of the file."""

    rows: list[OrientationRow]
    eligible: list[Verdict]  # eligible, then under conditions
    may_orient: bool  # the viewer may orient the youth (an open case)
    on: date


def solution_offered(orientation: Orientation) -> str:
    """What closing « solution trouvée » is offered: « Solution proposée : E2C commencée le
    07/12/2026 (orientation en cours) »."""
    started = f" commencée le {orientation.started_on:%d/%m/%Y}" if orientation.started_on else ""
    state = "en cours" if orientation.status is Status.STARTED else "achevée"
    return f"Solution proposée : {orientation.programme.name}{started} (orientation {state})"


def youth_orientations(session: Session, youth_id: int) -> list[Orientation]:
    """Every orientation of the youth, newest first, with what the file shows of them."""
    return list(
        session.scalars(
            select(Orientation)
            .where(Orientation.youth_id == youth_id)
            .options(
                joinedload(Orientation.programme),
                joinedload(Orientation.site),
                joinedload(Orientation.vacant_place),
                joinedload(Orientation.proposed_by),
                joinedload(Orientation.case),
            )
            .order_by(Orientation.proposed_on.desc(), Orientation.id.desc())
        ).unique()
    )


def _places_of(session: Session, orientations: Sequence[Orientation]) -> dict[int, Places]:
    """Each orientation's site (or vacant place) places, for its own school year."""
    site_places = places.places_by_site_year(
        session, {(o.site_id, o.school_year) for o in orientations if o.site_id is not None}
    )
    vacancies = {o.vacant_place for o in orientations if o.vacant_place is not None}
    vacancy_places = places.vacancy_places(session, vacancies)
    found: dict[int, Places] = {}
    for orientation in orientations:
        if orientation.site_id is not None:
            found[orientation.id] = site_places[(orientation.site_id, orientation.school_year)]
        elif orientation.vacant_place_id is not None:
            found[orientation.id] = vacancy_places[orientation.vacant_place_id]
    return found


def where(orientation: Orientation) -> str | None:
    if orientation.site is not None:
        return orientation.site.label
    if orientation.vacant_place is not None:
        return orientation.vacant_place.label
    return None


def _dates(orientation: Orientation) -> list[tuple[str, date]]:
    steps = [
        ("Proposée le", orientation.proposed_on),
        ("Acceptée le", orientation.accepted_on),
        ("Refusée le", orientation.refused_on),
        ("Commencée le", orientation.started_on),
        ("Terminée le", orientation.ended_on),
        ("Annulée le", orientation.cancelled_on),
    ]
    return [(label, day) for label, day in steps if day is not None]


def _outcome(orientation: Orientation) -> str | None:
    if orientation.reason is None:
        return None
    if orientation.status is Status.REFUSED and orientation.refused_by is not None:
        return f"Refusée {orientation.refused_by.label} : {orientation.reason}"
    if orientation.status is Status.ABANDONED:
        return f"Motif de l'abandon : {orientation.reason}"
    if orientation.status is Status.CANCELLED:
        return f"Motif de l'annulation : {orientation.reason}"
    return f"Motif : {orientation.reason}"


def orientation_rows(
    session: Session, youth: Youth, *, may_update: Callable[[Orientation], bool]
) -> list[OrientationRow]:
    return rows_of(session, youth_orientations(session, youth.id), may_update=may_update)


def rows_of(
    session: Session,
    orientations: Sequence[Orientation],
    *,
    may_update: Callable[[Orientation], bool],
) -> list[OrientationRow]:
    counted = _places_of(session, orientations)
    return [
        OrientationRow(
            orientation=orientation,
            where=where(orientation),
            places=counted.get(orientation.id),
            school_year=school_year_label(orientation.school_year),
            dates=_dates(orientation),
            proposed_by=getattr(orientation.proposed_by, "full_name", None),
            outcome=_outcome(orientation),
            actions=actions_of(orientation) if may_update(orientation) else [],
        )
        for orientation in orientations
    ]


def active_programmes(session: Session) -> list[Programme]:
    """The catalogue's active dispositifs, in its order, with their rules."""
    return list(
        session.scalars(
            select(Programme)
            .where(Programme.retired_on.is_(None))
            .options(selectinload(Programme.rules))
            .order_by(Programme.position, Programme.id)
        )
    )


def case_diploma(session: Session, case: Case | None) -> str | None:
    """The diploma recorded with the case's latest DARFI request (its ``Diploma`` value)."""
    if case is None:
        return None
    diploma = session.scalar(
        select(DarfiRequest.diploma)
        .where(DarfiRequest.case_id == case.id)
        .order_by(DarfiRequest.requested_on.desc(), DarfiRequest.id.desc())
        .limit(1)
    )
    return diploma.value if diploma is not None else None


def facts_for(session: Session, youth: Youth) -> Facts:
    case = youth.latest_case
    return facts_of(youth, case, diploma=case_diploma(session, case))


def verdicts(session: Session, youth: Youth, on: date) -> tuple[Facts, list[Verdict]]:
    facts = facts_for(session, youth)
    return facts, eligibility.evaluate_all(active_programmes(session), facts, on)


def file_panel(
    session: Session,
    *,
    youth: Youth,
    today: date,
    may_update: Callable[[Orientation], bool],
    may_orient: bool,
) -> FilePanel:
    _, found = verdicts(session, youth, today)
    return FilePanel(
        rows=orientation_rows(session, youth, may_update=may_update),
        eligible=[verdict for verdict in found if verdict.state in FITTING],
        may_orient=may_orient and youth.open_case is not None,
        on=today,
    )


def psad_sites(
    session: Session, psad_id: int, programme_ids: Sequence[int]
) -> dict[int, list[ProgrammeSite]]:
    """The PSAD's active sites of these dispositifs, by dispositif."""
    found: dict[int, list[ProgrammeSite]] = defaultdict(list)
    if not programme_ids:
        return found
    for site in session.scalars(
        select(ProgrammeSite)
        .where(
            ProgrammeSite.psad_id == psad_id,
            ProgrammeSite.active.is_(True),
            ProgrammeSite.programme_id.in_(programme_ids),
        )
        .order_by(ProgrammeSite.commune, ProgrammeSite.establishment, ProgrammeSite.id)
    ):
        found[site.programme_id].append(site)
    return found


# --- the orient form's choices ------------------------------------------------------------------

NO_SITE = ""  # the site part of a choice « dispositif, sans site précis »
STATE_MARKS = {State.ELIGIBLE: " — éligible", State.ELIGIBLE_IF: " — éligible sous conditions"}


@dataclass(frozen=True)
class Option:
    """One « dispositif · site » the orient form offers (``site`` None: no site chosen)."""

    value: str
    label: str
    programme: Programme
    site: ProgrammeSite | None


def choice_value(programme_id: int, site_id: int | None) -> str:
    return f"{programme_id}:{site_id or NO_SITE}"


def orient_options(session: Session, youth: Youth, on: date) -> list[tuple[str, list[Option]]]:
    """The active dispositifs by family (the guide's order), the eligible first within
    each, each followed by its sites in the youth's PSAD with their places left."""
    _, found = verdicts(session, youth, on)
    sites = psad_sites(session, youth.psad_id, [verdict.programme.id for verdict in found])
    counted = places.site_places(
        session, [site for group in sites.values() for site in group], school_year_of(on)
    )
    families: dict[str, list[Option]] = {family.label: [] for family in _families(found)}
    for verdict in found:  # already the eligible first
        programme = verdict.programme
        mark = STATE_MARKS.get(verdict.state, "")
        group = families[programme.family.label]
        group.append(
            Option(
                choice_value(programme.id, None),
                f"{programme.name} (sans site précis){mark}",
                programme,
                None,
            )
        )
        for site in sites.get(programme.id, []):
            label = f"{programme.name} · {site.label} ({counted[site.id].text}){mark}"
            group.append(Option(choice_value(programme.id, site.id), label, programme, site))
    return [(family, options) for family, options in families.items() if options]


def _families(found: Sequence[Verdict]) -> list[ProgrammeFamily]:
    present = {verdict.programme.family for verdict in found}
    return [family for family in ProgrammeFamily if family in present]
