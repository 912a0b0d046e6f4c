"""What an orientation's step must satisfy before it is written, and the French words of each
refusal: an open case, an active dispositif, a site or a vacant place of the youth's PSAD that
still takes youth, a day neither in the future nor before the last step, the version the form
was loaded with, a full site confirmed, a legal transition (``models.TRANSITIONS``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.errors import DomainError
from psad.orientations import places
from psad.orientations.models import (
    STATUS_LABELS,
    TEXT_LENGTH,
    TRANSITIONS,
    Orientation,
    OrientationStatus,
    Programme,
    ProgrammeSite,
    VacantPlace,
)
from psad.youth.models import Case

Status = OrientationStatus
# What an orientation « can be made »: the words of the messages (« ne peut pas être ... »)
BECOMES = {
    Status.PROPOSED: "proposée à nouveau",
    Status.ACCEPTED: "acceptée",
    Status.REFUSED: "refusée",
    Status.STARTED: "commencée",
    Status.COMPLETED: "terminée",
    Status.ABANDONED: "abandonnée",
    Status.CANCELLED: "annulée",
}
CASE_CLOSED = "Le dossier de ce jeune est clos : rouvrez-le avant de l'orienter."
RETIRED = "Le dispositif « {} » a été retiré du catalogue : choisissez-en un autre."
SITE_ELSEWHERE = "Ce site n'est pas une implantation de ce dispositif dans la PSAD du jeune."
SITE_CLOSED = "Ce site n'accueille plus de jeunes : choisissez-en un autre."
VACANCY_ELSEWHERE = "Cette place vacante n'a pas été déclarée dans la PSAD du jeune."
VACANCY_GONE = "Cette place vacante n'est plus proposée (retirée, ou sa date est passée)."
SITE_FULL = (
    "{} est complet pour l'année scolaire {} ({}). Confirmez-vous l'orientation malgré tout ? "
    "Cochez « Je confirme l'orientation vers un site complet » pour l'enregistrer."
)
STALE = (
    "Cette orientation a été modifiée entre-temps par quelqu'un d'autre : voici son état "
    "actuel ; refaites votre modification si elle est toujours utile."
)
NO_REFUSER = "Dites qui refuse l'orientation : le jeune ou la structure d'accueil."
NO_REASON = {
    Status.REFUSED: "Dites pourquoi l'orientation est refusée.",
    Status.ABANDONED: "Dites pourquoi le jeune a abandonné.",
    Status.CANCELLED: "Dites pourquoi l'orientation est annulée.",
}
NO_NEWS = "Dites quelles sont les nouvelles."
NEWS_OF_ENDED = "Cette orientation est terminée : ses nouvelles se notent dans le dossier du jeune."
IN_THE_FUTURE = "La date ne peut pas être dans le futur (aujourd'hui : {:%d/%m/%Y})."
BEFORE_LAST_STEP = (
    "La date ne peut pas précéder l'étape précédente de l'orientation ({} le {:%d/%m/%Y})."
)
TOO_LONG = f"Le texte dépasse {TEXT_LENGTH} caractères."


class ClosedCaseError(DomainError):
    status_code = 409


class OrientationInputError(DomainError):
    """A value the user gave does not fit; ``field`` names the form's field it is about."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SiteFullError(DomainError):
    """The site or the vacant place is full: the user must confirm."""

    status_code = 409


class IllegalTransitionError(DomainError):
    status_code = 409


class OrientationVersionError(DomainError):
    """The orientation changed since the form was loaded."""

    status_code = 409


def illegal_transition(current: OrientationStatus, wanted: OrientationStatus) -> str:
    """« Une orientation refusée ne peut pas être commencée. », and what it may become."""
    now = STATUS_LABELS[current].lower()
    if current is wanted:
        return f"Cette orientation est déjà {now}."
    allowed = [BECOMES[status] for status in Status if status in TRANSITIONS[current]]
    if not allowed:
        then = "Elle est close : plus aucune étape n'est possible."
    else:
        words = allowed[0] if len(allowed) == 1 else f"{', '.join(allowed[:-1])} ou {allowed[-1]}"
        then = f"Elle peut être {words}."
    return f"Une orientation {now} ne peut pas être {BECOMES[wanted]}. {then}"


def check_step(orientation: Orientation, to: OrientationStatus | None) -> None:
    """The orientation may take this step now (``to`` None: news, while it is open)."""
    if to is None and not orientation.is_open:
        raise IllegalTransitionError(NEWS_OF_ENDED)
    if to is not None and not orientation.may_become(to):
        raise IllegalTransitionError(illegal_transition(orientation.status, to))


def cleaned(value: str | None, field: str, missing: str | None = None) -> str | None:
    """The text trimmed (None when empty); refused when missing and ``missing`` says why, or
    when too long."""
    cleaned = (value or "").strip() or None
    if cleaned is None and missing:
        raise OrientationInputError(missing, field)
    if cleaned is not None and len(cleaned) > TEXT_LENGTH:
        raise OrientationInputError(TOO_LONG, field)
    return cleaned


def check_full(
    session: Session,
    *,
    site: ProgrammeSite | None,
    vacancy: VacantPlace | None,
    school_year: int,
    confirm_full: bool,
    excluding: int | None = None,
) -> bool:
    """Whether the site (or the vacant place) is full; refused unless confirmed.

    The site's and the place's rows are locked until the transaction ends (PostgreSQL), so
    that two people taking the last place at the same time count each other's orientation."""
    _lock(session, site, vacancy)
    full = None
    if site is not None:
        found = places.site_places(session, [site], school_year, excluding=excluding)[site.id]
        full = (site.label, found) if found.is_full else None
    if full is None and vacancy is not None:
        found = places.vacancy_places(session, [vacancy], excluding=excluding)[vacancy.id]
        full = (vacancy.label, found) if found.is_full else None
    if full is None:
        return False
    if not confirm_full:
        label, found = full
        year = f"{school_year}-{school_year + 1}"
        raise SiteFullError(SITE_FULL.format(label, year, found.text))
    return True


def _lock(session: Session, site: ProgrammeSite | None, vacancy: VacantPlace | None) -> None:
    if site is not None:
        session.execute(
            select(ProgrammeSite.id).where(ProgrammeSite.id == site.id).with_for_update()
        )
    if vacancy is not None:
        session.execute(
            select(VacantPlace.id).where(VacantPlace.id == vacancy.id).with_for_update()
        )


def check_site(case: Case, programme: Programme, site: ProgrammeSite | None) -> None:
    if site is None:
        return
    if site.programme_id != programme.id or site.psad_id != case.psad_id:
        raise OrientationInputError(SITE_ELSEWHERE, "choice")
    if not site.active:
        raise OrientationInputError(SITE_CLOSED, "choice")


def check_vacancy(case: Case, vacancy: VacantPlace | None, on: date) -> None:
    if vacancy is None:
        return
    if vacancy.psad_id != case.psad_id:
        raise OrientationInputError(VACANCY_ELSEWHERE)
    if not places.is_current(vacancy, on):
        raise OrientationInputError(VACANCY_GONE)


def check_day(on: date, today: date, *, after: tuple[str, date] | None = None) -> None:
    if on > today:
        raise OrientationInputError(IN_THE_FUTURE.format(today), "on")
    if after is not None and on < after[1]:
        raise OrientationInputError(BEFORE_LAST_STEP.format(*after), "on")


def check_version(orientation: Orientation, expected: int | None) -> None:
    if expected is not None and expected != orientation.version:
        raise OrientationVersionError(STALE)


def last_step(orientation: Orientation) -> tuple[str, date]:
    """The latest dated step of the orientation (what a new step cannot precede)."""
    dated = [
        (STATUS_LABELS[status], day)
        for status, day in (
            (Status.PROPOSED, orientation.proposed_on),
            (Status.ACCEPTED, orientation.accepted_on),
            (Status.STARTED, orientation.started_on),
        )
        if day is not None
    ]
    return max(reversed(dated), key=lambda pair: pair[1])  # the later step on the same day
