"""What retention makes due: the open cases to close at the age limit, the youth to anonymise.

The rule of a PSAD (the missions locales' one by default): a youth's personal data is kept
while a case is open, and until the later of (a) the day they turn ``retention_age`` and
(b) ``retention_years_after_close`` years after their last case closed; then the youth is
anonymised (``psad.privacy.anonymise``). A case still open when the youth reaches
``retention_age`` is closed first, with the reason « Limite d'âge », by the follow-up's own
service (lists, timeline and audit stay right); the youth is then due
``retention_years_after_close`` years later. Without a birth date, rule (b) alone; a youth
without any case counts from the day the file was created. An anonymised youth is never
due again.

Every date follows ``psad.youth.identifiers.age_on``: born on 29 February, one is a year
older on 1 March in common years; a case closed on 29 February has its years on 1 March.

No Flask: the daily job, ``psad retention run`` and the page « Conservation des données » ask
these questions with ``today`` passed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.errors import DomainError
from psad.followup.services.case import close_case
from psad.reference.models import ReferenceItem, ReferenceKind
from psad.reference.services import item_by_code
from psad.youth.models import Case, CaseStatus, KnownToPartner, Youth

AGE_LIMIT = "age_limit"  # the closing reason « Limite d'âge » (reference list)
RUN_AT = time(1, 30)  # the daily run, Paris time (psad.scheduler)
MIN_AGE, MAX_AGE = 25, 40
MIN_YEARS, MAX_YEARS = 1, 10
PER_PAGE = 50
NO_AGE_LIMIT_REASON = (
    "Le motif de clôture « Limite d'âge » (code age_limit) manque dans les listes de "
    "référence : un administrateur doit le rétablir avant que la conservation ne clôture "
    "les dossiers."
)


@dataclass(frozen=True)
class RetentionRule:
    age: int
    years_after_close: int

    @classmethod
    def of(cls, psad: Psad) -> RetentionRule:
        return cls(psad.retention_age, psad.retention_years_after_close)

    @property
    def label(self) -> str:
        """« jusqu'à 27 ans, et 2 ans après la clôture du dernier dossier »."""
        years = "an" if self.years_after_close == 1 else "ans"
        return (
            f"jusqu'à {self.age} ans, et {self.years_after_close} {years} après la clôture "
            "du dernier dossier (la plus tardive des deux dates)"
        )


def years_before(day: date, years: int) -> date:
    """The latest date that is ``years`` full years old on ``day``: whoever was born, or had
    a case closed, on that date or before has had their ``years`` by ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February: the 28th of a common year
        return day.replace(year=day.year - years, day=28)


def years_after(day: date, years: int) -> date:
    """The day ``years`` full years after ``day`` (1 March for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def next_run_day(now: datetime) -> date:
    """The day of the next daily run: today before 01:30 (Paris), tomorrow after."""
    here = clock.local(now)
    return here.date() if here.time() < RUN_AT else here.date() + timedelta(days=1)


# -- The questions ---------------------------------------------------------------------------


def _open_case() -> ColumnElement[bool]:
    return exists().where(Case.youth_id == Youth.id, Case.status == CaseStatus.OPEN)


def _last_closed_on() -> ColumnElement[date | None]:
    return (
        select(func.max(Case.closed_on))
        .where(Case.youth_id == Youth.id)
        .correlate(Youth)
        .scalar_subquery()
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.PARIS)


def _kept(psad_id: int) -> ColumnElement[bool]:
    return and_(Youth.psad_id == psad_id, Youth.anonymised_at.is_(None))


def cases_to_close(psad_id: int, rule: RetentionRule, today: date) -> Select[int]:
    """The open cases of the PSAD's youth who are ``rule.age`` or older on ``today``."""
    return (
        select(Case.id)
        .join(Youth, Youth.id == Case.youth_id)
        .where(
            _kept(psad_id),
            Case.status == CaseStatus.OPEN,
            Youth.birth_date <= years_before(today, rule.age),
        )
    )


def youth_due(psad_id: int, rule: RetentionRule, today: date) -> Select[int]:
    """The PSAD's youth to anonymise on ``today``: no open case, old enough (or no birth
    date), and their last case closed ``rule.years_after_close`` years ago or more (without
    any case: the file created that long ago)."""
    closed_by = years_before(today, rule.years_after_close)
    last_closed = _last_closed_on()
    return select(Youth.id).where(
        _kept(psad_id),
        ~_open_case(),
        or_(Youth.birth_date.is_(None), Youth.birth_date <= years_before(today, rule.age)),
        or_(
            last_closed <= closed_by,
            and_(last_closed.is_(None), Youth.created_at < _start_of(closed_by + timedelta(1))),
        ),
    )


def count(session: Session, query: Select[int]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


# -- The page's rows -------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    """One line of the page: a youth to anonymise, or a youth whose case is to close."""

    youth_id: int
    name: str
    birth_year: int | None
    last_closed_on: date | None
    due_since: date


@dataclass(frozen=True)
class RowsPage:
    rows: list[DueRow]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _due_since(
    rule: RetentionRule, birth: date | None, last_closed: date | None, created: date
) -> date:
    """When rule (a) and rule (b) have both passed."""
    after_close = years_after(last_closed or created, rule.years_after_close)
    return after_close if birth is None else max(after_close, years_after(birth, rule.age))


def _rows(
    session: Session,
    youth_ids: Select[int],
    rule: RetentionRule,
    page: int,
    *,
    closing: bool,
) -> RowsPage:
    total = count(session, youth_ids)
    page = min(max(page, 1), max(1, math.ceil(total / PER_PAGE)))
    query = (
        select(
            Youth.id,
            Youth.last_name,
            Youth.first_name,
            Youth.birth_date,
            Youth.created_at,
            _last_closed_on(),
        )
        .where(Youth.id.in_(youth_ids.scalar_subquery()))
        .order_by(Youth.search_key, Youth.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    rows = []
    for youth_id, last, first, birth, created, last_closed in session.execute(query):
        if closing:
            assert birth is not None  # the query asks for the birth date
            due = years_after(birth, rule.age)
        else:
            due = _due_since(rule, birth, last_closed, clock.local(created).date())
        rows.append(
            DueRow(
                youth_id=youth_id,
                name=f"{last.upper()} {first}".strip(),
                birth_year=birth.year if birth else None,
                last_closed_on=last_closed,
                due_since=due,
            )
        )
    return RowsPage(rows, total, page)


def youth_due_page(session: Session, psad: Psad, today: date, page: int = 1) -> RowsPage:
    """The youth the run of ``today`` anonymises, by name, a page at a time."""
    rule = RetentionRule.of(psad)
    return _rows(session, youth_due(psad.id, rule, today), rule, page, closing=False)


def cases_to_close_page(session: Session, psad: Psad, today: date, page: int = 1) -> RowsPage:
    """The youth whose open case the run of ``today`` closes « Limite d'âge »."""
    rule = RetentionRule.of(psad)
    cases = cases_to_close(psad.id, rule, today).subquery()
    youth_ids = select(Case.youth_id).where(Case.id.in_(select(cases.c.id)))
    return _rows(session, youth_ids, rule, page, closing=True)


# -- Changes ---------------------------------------------------------------------------------


def age_limit_reason(session: Session) -> ReferenceItem:
    reason = item_by_code(session, ReferenceKind.CLOSING_REASON, AGE_LIMIT)
    if reason is None:
        raise DomainError(NO_AGE_LIMIT_REASON)
    return reason


def close_at_age_limit(
    session: Session,
    *,
    case_ids: Sequence[int],
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> int:
    """Close these open cases « Limite d'âge » on ``today``; returns how many were closed
    (a case closed meanwhile is left as it is)."""
    reason = age_limit_reason(session)
    closed = 0
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)):
        if not case.is_open:
            continue
        known = case.known_to_partner
        close_case(
            session,
            case=case,
            reason=reason,
            known_to_partner=known or KnownToPartner.UNKNOWN,
            solution=None,
            solution_since=None,
            on=today,
            by=None,  # the run acts for nobody: no author
            now=now,
            actor=actor,
        )
        # The age limit says nothing of whether partners knew the youth (the bilan's
        # « jeunes découverts »): the answer stays as it was.
        case.known_to_partner = known
        closed += 1
    session.flush()
    return closed


def set_rule(
    session: Session, *, psad: Psad, age: int, years_after_close: int, actor: audit.Actor
) -> bool:
    """Change the PSAD's retention rule; False when it was already that one."""
    if not MIN_AGE <= age <= MAX_AGE:
        raise DomainError(f"L'âge de fin de conservation doit être compris entre {MIN_AGE} et "
                          f"{MAX_AGE} ans.")  # fmt: skip
    if not MIN_YEARS <= years_after_close <= MAX_YEARS:
        raise DomainError(f"La durée après la clôture doit être comprise entre {MIN_YEARS} et "
                          f"{MAX_YEARS} ans.")  # fmt: skip
    before = RetentionRule.of(psad)
    if before == RetentionRule(age, years_after_close):
        return False
    psad.retention_age, psad.retention_years_after_close = age, years_after_close
    audit.record(
        session,
        actor,
        AuditAction.RETENTION_SETTINGS_CHANGED,
        object_type="psad",
        object_id=psad.id,
        psad_id=psad.id,
        detail=(
            f"âge={before.age}→{age}; "
            f"années_après_clôture={before.years_after_close}→{years_after_close}"
        ),
    )
    session.flush()
    return True
