"""Creating youth and opening their case (signalement), finding possible duplicates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad, Structure, User
from psad.errors import DomainError
from psad.youth.identifiers import identity_key
from psad.youth.models import Case, CaseSource, CaseStatus, Guardian, Sex, Track, Youth


class DuplicateYouthError(DomainError):
    status_code = 409

    def __init__(self, message: str, youth: Youth) -> None:
        super().__init__(message)
        self.youth = youth


class YouthOutOfScopeError(DomainError):
    """The youth exists but is followed by another PSAD."""

    status_code = 409

    def __init__(self, message: str, psad: Psad) -> None:
        super().__init__(message)
        self.psad = psad


@dataclass
class YouthData:
    """Identity, contact details and last schooling, already normalised."""

    last_name: str
    first_name: str
    ine: str | None = None
    sex: Sex | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    address: str | None = None
    postal_code: str | None = None
    commune: str | None = None
    phone: str | None = None
    other_phone: str | None = None
    email: str | None = None
    school_uai: str | None = None
    school_name: str | None = None
    school_commune: str | None = None
    school_academy: str | None = None
    formation: str | None = None
    level: str | None = None
    track: Track | None = None
    school_entry_date: date | None = None
    school_exit_date: date | None = None
    exit_reason: str | None = None


YOUTH_FIELDS = tuple(f.name for f in fields(YouthData))


@dataclass
class GuardianData:
    last_name: str | None = None
    first_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None

    def is_empty(self) -> bool:
        return not any((self.last_name, self.first_name, self.phone, self.email, self.address))


@dataclass
class Referral:
    youth: YouthData
    guardian: GuardianData = field(default_factory=GuardianData)
    reason: str | None = None
    source: CaseSource = CaseSource.REFERRAL
    source_structure: Structure | None = None
    referent_structure: Structure | None = None
    allow_homonym: bool = False


@dataclass(frozen=True)
class Match:
    youth: Youth
    by_ine: bool


def find_matches(
    session: Session, *, ine: str | None, key: str | None, exclude_id: int | None = None
) -> list[Match]:
    """Youth, in any PSAD, with the same INE or the same folded name + birth date."""
    conditions = []
    if ine:
        conditions.append(Youth.ine == ine)
    if key:
        conditions.append(Youth.identity_key == key)
    if not conditions:
        return []
    query = select(Youth).where(or_(*conditions)).order_by(Youth.id)
    if exclude_id is not None:
        query = query.where(Youth.id != exclude_id)
    return [Match(y, by_ine=bool(ine) and y.ine == ine) for y in session.scalars(query)]


def _refuse_known(session: Session, psad: Psad, data: Referral, key: str | None) -> None:
    """Raise if the youth signalled is already known, here or in another PSAD."""
    youth_data = data.youth
    for match in find_matches(session, ine=youth_data.ine, key=key):
        if data.allow_homonym and not match.by_ine:
            continue  # the user said: same name and birth date, another person
        if match.youth.psad_id != psad.id:
            raise YouthOutOfScopeError(
                f"Ce jeune est déjà suivi par la PSAD {match.youth.psad.code} "
                f"({match.youth.psad.name}) : demandez-lui un transfert.",
                match.youth.psad,
            )
        if match.by_ine:
            raise DuplicateYouthError(
                f"Un jeune avec l'INE {youth_data.ine} existe déjà dans votre PSAD.", match.youth
            )
        raise DuplicateYouthError(
            "Un jeune de même nom, prénom et date de naissance existe déjà dans votre PSAD. "
            "S'il s'agit d'une autre personne, cochez « Il s'agit d'un homonyme ».",
            match.youth,
        )


class ReferralRaceError(DomainError):
    """Another transaction saved the same youth meanwhile. The caller rolls back its own
    transaction, then ``explain_race`` says who has the youth."""

    status_code = 409


def explain_race(session: Session, *, psad: Psad, data: Referral) -> None:
    """After a raced referral was rolled back: raise what a fresh check finds (a duplicate in
    this PSAD, or the youth followed by another PSAD)."""
    youth_data = data.youth
    key = identity_key(youth_data.last_name, youth_data.first_name, youth_data.birth_date)
    _refuse_known(session, psad, data, key)


def refer_youth(
    session: Session, *, psad: Psad, data: Referral, by: User, on: date, actor: audit.Actor
) -> Case:
    """Create a youth and open their case; refuse a duplicate of a known youth."""
    youth_data = data.youth
    key = identity_key(youth_data.last_name, youth_data.first_name, youth_data.birth_date)
    _refuse_known(session, psad, data, key)
    youth = Youth(psad=psad, **{name: getattr(youth_data, name) for name in YOUTH_FIELDS})
    youth.refresh_keys()
    if not data.guardian.is_empty():
        youth.guardians.append(Guardian(**vars(data.guardian)))
    case = Case(
        youth=youth,
        psad_id=psad.id,
        status=CaseStatus.OPEN,
        source=data.source,
        source_structure=data.source_structure,
        opened_on=on,
        opened_by=by,
        reason=data.reason,
        referent_structure=data.referent_structure,
    )
    session.add(case)  # and the youth with it
    try:
        session.flush()
    except IntegrityError as error:  # the same INE saved meanwhile (an import, another user)
        raise ReferralRaceError(
            "Ce jeune vient d'être enregistré par ailleurs : le signalement n'a pas été fait."
        ) from error
    audit.record(session, actor, AuditAction.YOUTH_CREATED, object_type="youth", object_id=youth.id)
    audit.record(
        session,
        actor,
        AuditAction.CASE_OPENED,
        object_type="youth",
        object_id=youth.id,
        detail=f"dossier={case.id}; origine={data.source.value}",
    )
    return case


def record_file_read(session: Session, *, youth: Youth, actor: audit.Actor) -> None:
    audit.record(session, actor, AuditAction.YOUTH_VIEWED, object_type="youth", object_id=youth.id)


# --- editing a youth's file ---------------------------------------------------------------

# The fields of a file as people name them: the audit log and the file's timeline say which
# fields changed with these words, never with the values.
FIELD_LABELS = {
    "last_name": "nom",
    "first_name": "prénom",
    "ine": "INE",
    "sex": "sexe",
    "birth_date": "date de naissance",
    "birth_place": "lieu de naissance",
    "address": "adresse",
    "postal_code": "code postal",
    "commune": "commune",
    "phone": "téléphone",
    "other_phone": "autre téléphone",
    "email": "courriel",
    "school_uai": "UAI",
    "school_name": "établissement",
    "school_commune": "commune de l'établissement",
    "school_academy": "académie",
    "formation": "formation",
    "level": "niveau",
    "track": "voie",
    "school_entry_date": "date d'entrée en formation",
    "school_exit_date": "date de sortie de formation",
    "exit_reason": "motif de sortie",
    "guardian_last_name": "nom du représentant légal",
    "guardian_first_name": "prénom du représentant légal",
    "guardian_phone": "téléphone du représentant légal",
    "guardian_email": "courriel du représentant légal",
}
GUARDIAN_FIELDS = ("last_name", "first_name", "phone", "email")
STALE_FILE = (
    "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la consultiez : "
    "rien n'a été enregistré."
)


class YouthVersionError(DomainError):
    """The file was saved by someone else since the form was loaded (optimistic locking)."""

    status_code = 409


def update_youth(
    session: Session,
    *,
    youth: Youth,
    changes: Mapping[str, object],
    guardian: GuardianData | None = None,
    expected_version: int | None = None,
    now: datetime,
    actor: audit.Actor,
) -> list[str]:
    """Change some fields of a youth's file (``changes``: ``YouthData`` names, values already
    normalised) and of the first legal guardian; refresh the matching keys; audit the names
    of the fields changed, never their values. Returns those names (``FIELD_LABELS`` keys).

    A save prepared on another version of the file (``expected_version``) is refused.
    """
    if expected_version is not None and expected_version != youth.version:
        raise YouthVersionError(STALE_FILE)
    unknown = set(changes) - set(YOUTH_FIELDS)
    if unknown:
        raise ValueError(f"not a field of the file: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(youth, name) != value]
    if "ine" in changed and changes["ine"]:
        _refuse_taken_ine(session, youth, str(changes["ine"]))
    for name in changed:
        setattr(youth, name, changes[name])
    if guardian is not None:
        changed += _update_guardian(youth, guardian)
    if not changed:
        return []
    youth.refresh_keys()
    youth.updated_at = now  # a column that changes, so the version moves even for a guardian
    session.flush()
    names = ", ".join(FIELD_LABELS[name] for name in changed)
    audit.record(
        session,
        actor,
        AuditAction.YOUTH_UPDATED,
        object_type="youth",
        object_id=youth.id,
        detail=f"champs={names}",
    )
    return changed


def _refuse_taken_ine(session: Session, youth: Youth, ine: str) -> None:
    """An INE names one pupil in the whole country (no name nor PSAD in the message)."""
    for match in find_matches(session, ine=ine, key=None, exclude_id=youth.id):
        raise DuplicateYouthError(
            f"L'INE {ine} est déjà celui d'un autre jeune : vérifiez la saisie.", match.youth
        )


def _update_guardian(youth: Youth, data: GuardianData) -> list[str]:
    """Edit the first legal guardian (create it, or remove it once emptied)."""
    current = youth.guardians[0] if youth.guardians else None
    if current is None:
        if data.is_empty():
            return []
        current = Guardian()
        youth.guardians.append(current)
    changed = [name for name in GUARDIAN_FIELDS if getattr(current, name) != getattr(data, name)]
    for name in changed:
        setattr(current, name, getattr(data, name))
    if not any(getattr(current, name) for name in (*GUARDIAN_FIELDS, "address")):
        youth.guardians.remove(current)
    return [f"guardian_{name}" for name in changed]
