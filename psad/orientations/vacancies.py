"""Vacant places for the return to school (DARFI, réseau FOQUALE).

Schools declare the places they have free per formation (UAI checked with its key, number,
until when), by hand or from a spreadsheet (``vacancy_import``). A youth whose open case has
a DARFI request is shown the current ones with places left (``matches_for``): the formation
or field they asked for first, then the nearest, then those that end soonest. A place past
its date, or withdrawn, shows no more; one whose places are all taken by accepted or started
orientations neither.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import Psad, Structure, User
from psad.db import max_length
from psad.errors import DomainError
from psad.followup.models import DarfiRequest
from psad.orientations import geo
from psad.orientations.models import VacantPlace
from psad.orientations.places import Places, is_current, vacancy_places
from psad.youth.identifiers import fold, normalize_uai
from psad.youth.models import Youth

MAX_PLACES = 999
HAND_TYPED = "saisie"
# Words that say nothing of a formation's subject: a « bac pro » wish must not match every
# bac pro. Words of one or two letters are left out as well.
GENERIC_WORDS = frozenset(
    (
        *("les", "des", "une", "aux", "par", "pour", "sur", "avec", "dans", "sans"),
        *("option", "options", "classe", "classes", "niveau", "annee", "annees", "lycee"),
        *("bac", "pro", "bts", "cap", "mention", "complementaire", "diplome"),
        *("seconde", "premiere", "terminale", "1re", "2nde", "tle"),
        *("professionnel", "professionnelle", "professionnels", "professionnelles"),
        *("general", "generale", "generales", "technologique", "technologiques"),
        *("formation", "formations", "metier", "metiers", "public", "privee"),
    )
)
SHARED_PREFIX = 5  # « électricité » meets « électrique », « commerce » « commercial »


class VacancyError(DomainError):
    """A vacant place that cannot be declared as given: ``problems`` gives each wrong field's
    message (in the order of the form), ``field`` and the message are the first one."""

    status_code = 422

    def __init__(self, message: str, *, field: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field
        self.problems = problems or {field: message}

    @classmethod
    def of(cls, problems: dict[str, str]) -> VacancyError:
        field = next(iter(problems))
        return cls(problems[field], field=field, problems=problems)


@dataclass(frozen=True)
class VacancyFields:
    """A vacant place as a person or a spreadsheet gives it (texts empty when not given)."""

    uai: str
    establishment: str
    commune: str
    formation: str
    field: str
    places: int
    available_until: date


TEXT_FIELDS = {
    "establishment": ("Établissement", max_length(VacantPlace.establishment)),
    "commune": ("Commune", max_length(VacantPlace.commune)),
    "formation": ("Formation", max_length(VacantPlace.formation)),
    "field": ("Domaine ou filière", max_length(VacantPlace.field)),
}


def check_vacancy(fields: VacancyFields, *, today: date) -> VacancyFields:
    """The place with its UAI normalised and texts trimmed, or ``VacancyError`` naming every
    wrong field."""
    problems: dict[str, str] = {}
    uai = _checked_uai(fields.uai, problems)
    texts = {name: " ".join(getattr(fields, name).split()) for name in TEXT_FIELDS}
    if not texts["formation"]:
        problems["formation"] = "Indiquez la formation proposée."
    for name, (label, length) in TEXT_FIELDS.items():
        if len(texts[name]) > length:
            problems[name] = f"{label} : {length} caractères au plus."
    if fields.places < 1:
        problems["places"] = "Le nombre de places doit être d'au moins 1."
    elif fields.places > MAX_PLACES:
        problems["places"] = f"{MAX_PLACES} places au plus par déclaration."
    if fields.available_until < today:
        problems["available_until"] = (
            f"La date « jusqu'au » ({fields.available_until:%d/%m/%Y}) est déjà passée."
        )
    if problems or uai is None:
        raise VacancyError.of(problems)
    return replace(
        fields,
        uai=uai,
        establishment=texts["establishment"],
        commune=texts["commune"],
        formation=texts["formation"],
        field=texts["field"],
    )


def _checked_uai(raw: str, problems: dict[str, str]) -> str | None:
    if not raw.strip():
        problems["uai"] = "Indiquez l'UAI de l'établissement (7 chiffres et une lettre)."
        return None
    uai, warning = normalize_uai(raw)
    if uai is None or warning:
        problems["uai"] = f"{warning or 'UAI invalide'}."
        return None
    return uai


def new_vacancy(
    session: Session,
    *,
    psad: Psad,
    fields: VacancyFields,
    by: User | None,
    structure: Structure | None = None,
    source: str = HAND_TYPED,
) -> VacantPlace:
    """Add a checked place; its commune's INSEE code is found when the commune is known."""
    commune = geo.locate(session, name=fields.commune) if fields.commune else None
    vacancy = VacantPlace(
        psad_id=psad.id,
        uai=fields.uai,
        establishment=fields.establishment or None,
        commune=fields.commune or None,
        commune_code=commune.code if commune else None,
        formation=fields.formation,
        field=fields.field or None,
        places=fields.places,
        available_until=fields.available_until,
        structure_id=structure.id if structure else None,
        declared_by_id=by.id if by else None,
        source=source[:200],
    )
    session.add(vacancy)
    session.flush()
    return vacancy


def declare_vacancy(
    session: Session,
    *,
    psad: Psad,
    uai: str,
    establishment: str | None,
    commune: str | None,
    formation: str,
    field: str | None,
    places: int,
    available_until: date,
    by: User | None,
    structure: Structure | None,
    actor: Actor,
    today: date,
    source: str = HAND_TYPED,
) -> VacantPlace:
    """Declare a vacant place (``structure``: the partner structure that receives, if any)."""
    fields = check_vacancy(
        VacancyFields(
            uai=uai or "",
            establishment=establishment or "",
            commune=commune or "",
            formation=formation or "",
            field=field or "",
            places=places,
            available_until=available_until,
        ),
        today=today,
    )
    vacancy = new_vacancy(
        session, psad=psad, fields=fields, by=by, structure=structure, source=source
    )
    record(
        session,
        actor,
        AuditAction.VACANCY_DECLARED,
        object_type="vacant_place",
        object_id=vacancy.id,
        detail=f"uai={vacancy.uai} places={vacancy.places}",
        psad_id=psad.id,
    )
    return vacancy


def withdraw_vacancy(
    session: Session, *, vacancy: VacantPlace, actor: Actor, now: datetime
) -> None:
    """Withdraw a place: it shows in no match any more (orientations to it stay)."""
    if vacancy.withdrawn_at is not None:
        raise VacancyError("Cette place vacante a déjà été retirée.", field="withdrawn_at")
    vacancy.withdrawn_at = now
    record(
        session,
        actor,
        AuditAction.VACANCY_WITHDRAWN,
        object_type="vacant_place",
        object_id=vacancy.id,
        detail=f"uai={vacancy.uai}",
        psad_id=vacancy.psad_id,
    )
    session.flush()


def current_vacancies(session: Session, psad_id: int, today: date) -> list[VacantPlace]:
    """The PSAD's places neither withdrawn nor past their date, soonest ending first."""
    return list(
        session.scalars(
            select(VacantPlace)
            .where(
                VacantPlace.psad_id == psad_id,
                VacantPlace.withdrawn_at.is_(None),
                VacantPlace.available_until >= today,
            )
            .order_by(VacantPlace.available_until, VacantPlace.formation, VacantPlace.id)
        )
    )


def psad_vacancies(
    session: Session, psad_id: int, *, today: date, include_past: bool
) -> list[VacantPlace]:
    """The places of the PSAD's page: the current ones, or all of them (latest first)."""
    query = select(VacantPlace).options(
        selectinload(VacantPlace.declared_by), selectinload(VacantPlace.structure)
    )
    if include_past:
        query = query.where(VacantPlace.psad_id == psad_id).order_by(
            VacantPlace.available_until.desc(), VacantPlace.id.desc()
        )
    else:
        query = query.where(
            VacantPlace.psad_id == psad_id,
            VacantPlace.withdrawn_at.is_(None),
            VacantPlace.available_until >= today,
        ).order_by(VacantPlace.available_until, VacantPlace.formation, VacantPlace.id)
    return list(session.scalars(query))


def state_of(vacancy: VacantPlace, today: date) -> str:
    """« en cours », « date passée » or « retirée »: what the page says of a place."""
    if vacancy.withdrawn_at is not None:
        return "retirée"
    return "en cours" if is_current(vacancy, today) else "date passée"


# --- what a youth asking to return to school is shown ----------------------------------------


@dataclass(frozen=True)
class Match:
    """A vacant place shown to a youth asking to return to school, and why it is there."""

    vacancy: VacantPlace
    places: Places
    distance_km: float | None  # from the youth's commune; None when either is unknown
    formation_match: bool  # the formation or field meets the youth's wish or last formation
    why: str  # « même formation que le souhait », « à 12 km »...


def matches_for(session: Session, *, youth: Youth, today: date) -> list[Match]:
    """The current vacant places of the youth's PSAD that a return to school could take, best
    first: formation or field matching, then distance from the youth's commune, then date.
    Empty when the youth has no DARFI request."""
    case = youth.open_case
    if case is None:
        return []
    requests = list(session.scalars(select(DarfiRequest).where(DarfiRequest.case_id == case.id)))
    if not requests:
        return []
    vacancies = current_vacancies(session, youth.psad_id, today)
    places = vacancy_places(session, vacancies)
    wished = words(" ".join(request.wish or "" for request in requests))
    followed = words(youth.formation)
    communes = geo.Gazetteer.load(
        session,
        codes=[vacancy.commune_code for vacancy in vacancies],
        names=[youth.commune, *(vacancy.commune for vacancy in vacancies)],
    )
    home = geo.point_of(communes.find(name=youth.commune, postal_code=youth.postal_code))
    found = []
    for vacancy in vacancies:
        if places[vacancy.id].is_full:
            continue
        offered = words(f"{vacancy.formation} {vacancy.field or ''}")
        asked, known = meets(wished, offered), meets(followed, offered)
        there = communes.find(code=vacancy.commune_code, name=vacancy.commune)
        distance = geo.distance_km(home, geo.point_of(there))
        found.append(
            Match(
                vacancy=vacancy,
                places=places[vacancy.id],
                distance_km=distance,
                formation_match=asked or known,
                why=_why(vacancy, asked=asked, known=known, distance=distance),
            )
        )
    return sorted(found, key=_rank)


def words(text: str | None) -> set[str]:
    """The words of a formation that say what it is about, folded."""
    return {w for w in fold(text or "").split() if len(w) > 2 and w not in GENERIC_WORDS}


def meets(wanted: set[str], offered: set[str]) -> bool:
    """A word in common, or two long words that begin alike (« vente », « vendeur » do not)."""
    return any(
        a == b or (min(len(a), len(b)) >= SHARED_PREFIX and a[:SHARED_PREFIX] == b[:SHARED_PREFIX])
        for a in wanted
        for b in offered
    )


def _rank(match: Match) -> tuple[bool, bool, float, date, str, int]:
    distance = match.distance_km
    return (
        not match.formation_match,
        distance is None,
        distance or 0.0,
        match.vacancy.available_until,
        fold(match.vacancy.formation),
        match.vacancy.id,
    )


def _why(vacancy: VacantPlace, *, asked: bool, known: bool, distance: float | None) -> str:
    parts = []
    if asked:
        parts.append("formation demandée")
    elif known:
        parts.append("proche de la dernière formation suivie")
    parts.append(distance_text(distance))
    parts.append(f"jusqu'au {vacancy.available_until:%d/%m/%Y}")
    return " · ".join(parts)


def distance_text(distance: float | None) -> str:
    if distance is None:
        return "distance inconnue"
    if distance < 1:
        return "à moins de 1 km"
    return f"à {round(distance)} km"
