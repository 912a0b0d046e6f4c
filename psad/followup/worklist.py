"""A work list as the URL says it (tab, search), the one query that lists it, and what its
page and a file opened from it show.

The youth list, its counts, « précédent / suivant » on a file and « Enregistrer et suivant »
use the same ``ordered`` query. A file opened from a list carries that list in its URL
(``?depuis=onglet%3Da-traiter%26q%3D...``), so that the file can walk it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.db import MAX_RECORD_ID
from psad.followup.deadlines import StepState
from psad.followup.models import ObligationStep, PriorityRule, Task, TaskRule
from psad.followup.queries import (
    OPEN_STATES,
    Neighbours,
    Priority,
    Tab,
    active_priorities,
    any_priority,
    missing_from_latest_list,
    missing_from_latest_list_among,
    neighbours,
    priority_badges,
    tab_condition,
    tab_counts,
    tab_counts_in_one_pass,
    years_before,
)
from psad.followup.recipients import youth_routed_to
from psad.followup.services.tasks import obligation_of, recorded_steps
from psad.imports.models import ImportBatch, Listing
from psad.youth.models import Case, CaseSource, CaseStage, CaseStatus, ListState, Youth
from psad.youth.queries import search_youth

FROM_LIST = "depuis"  # the file's URL parameter that holds its list
FROM_LIST_MAX_LENGTH = 2000  # a search (100 characters) and every filter fit
PAGE_SIZE = 25
PRIORITY_BLOCK_SIZE = 10  # the « Prioritaires » block shows the first ones; badges the rest


class Sort(enum.StrEnum):
    """The list's sortable columns (``tri=``; a leading « - » sorts downwards)."""

    NAME = "nom"
    BIRTH = "naissance"
    COMMUNE = "commune"
    OPENED = "ouverture"
    LAST_CONTACT = "contact"

    @property
    def label(self) -> str:
        return SORT_LABELS[self]


SORT_LABELS = {
    Sort.NAME: "Nom",
    Sort.BIRTH: "Date de naissance",
    Sort.COMMUNE: "Commune",
    Sort.OPENED: "Ouvert le",
    Sort.LAST_CONTACT: "Dernier contact",
}
NONE = "aucun"  # ``referent=aucun`` / ``structure=aucun``: no referent
MINOR, ADULT = "mineur", "majeur"
YES = "1"
E = TypeVar("E", bound=enum.Enum)
MAX_DAYS = 3650
MAX_AGE = 99


@dataclass(frozen=True)
class ListArgs:
    """The list as its URL says it: tab, search, filters, sort. Every value is read leniently
    (an unreadable one is dropped): the list's form shows what it refused, in French."""

    tab: Tab = Tab.TO_PROCESS
    q: str = ""
    stage: CaseStage | None = None
    situation: int | None = None
    referent: int | str | None = None  # a user id, or NONE
    structure: int | str | None = None  # a structure id, or NONE
    age: str | None = None  # MINOR or ADULT
    obligation_due: bool = False
    darfi_waiting: bool = False
    batch: int | None = None
    source: CaseSource | None = None
    school_uai: str | None = None
    commune: str | None = None
    no_contact_days: int | None = None
    overdue_tasks: bool = False
    missing: bool = False
    listed_days: int | None = None  # on a list imported this many days ago or more
    majority_days: int | None = None  # an open case, 18 within this many days
    min_age: int | None = None  # an open case, at least this age today
    recipient: int | None = None  # a user: the youth whose reminders go to them
    sort: Sort = Sort.NAME
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListArgs:
        """From the list's URL; an unknown tab is the first one."""
        sort_text = args.get("tri") or Sort.NAME.value
        return cls(
            tab=_member(Tab, args.get("onglet")) or Tab.TO_PROCESS,
            q=(args.get("q") or "").strip(),
            stage=_member(CaseStage, args.get("etape")),
            situation=_record_id(args.get("situation")),
            referent=_id_or_none(args.get("referent")),
            structure=_id_or_none(args.get("structure")),
            age=args.get("age") if args.get("age") in (MINOR, ADULT) else None,
            obligation_due=_ticked(args.get("of")),
            darfi_waiting=_ticked(args.get("darfi")),
            batch=_record_id(args.get("liste")),
            source=_member(CaseSource, args.get("source")),
            school_uai=(args.get("etablissement") or "").strip().upper()[:8] or None,
            commune=(args.get("commune") or "").strip()[:120] or None,
            no_contact_days=_days(args.get("sans_contact")),
            overdue_tasks=_ticked(args.get("taches_en_retard")),
            missing=_ticked(args.get("absent")),
            listed_days=_days(args.get("liste_depuis")),
            majority_days=_days(args.get("majorite")),
            min_age=_age(args.get("age_min")),
            recipient=_record_id(args.get("destinataire")),
            sort=_member(Sort, sort_text.removeprefix("-")) or Sort.NAME,
            descending=sort_text.startswith("-"),
        )

    @classmethod
    def from_file_url(cls, depuis: str | None) -> ListArgs | None:
        """The list a file was opened from (None when opened otherwise)."""
        if not depuis:
            return None
        return cls.from_args(dict(parse_qsl(depuis[:FROM_LIST_MAX_LENGTH])))

    def with_tab(self, tab: Tab) -> ListArgs:
        """The same search and filters on another tab (the tabs' links)."""
        return replace(self, tab=tab)

    def sorted_by(self, sort: Sort) -> ListArgs:
        """The same list sorted by ``sort``: upwards, or downwards when it already is upwards."""
        return replace(self, sort=sort, descending=self.sort is sort and not self.descending)

    @property
    def filtered(self) -> bool:
        """Whether a filter (besides the tab, the search and the sort) is set."""
        return any(value for value in self._filter_args().values())

    def url_args(self) -> dict[str, str]:
        """The list's URL arguments, for ``url_for("youth.index", **args.url_args())``."""
        args = {"onglet": self.tab.value, "q": self.q, **self._filter_args()}
        if self.sort is not Sort.NAME or self.descending:
            args["tri"] = f"{'-' if self.descending else ''}{self.sort.value}"
        return {key: value for key, value in args.items() if value}

    def _filter_args(self) -> dict[str, str]:
        flags = {
            "of": self.obligation_due,
            "darfi": self.darfi_waiting,
            "taches_en_retard": self.overdue_tasks,
            "absent": self.missing,
        }
        values = {
            "etape": self.stage.value if self.stage else None,
            "situation": self.situation,
            "referent": self.referent,
            "structure": self.structure,
            "age": self.age,
            "liste": self.batch,
            "source": self.source.value if self.source else None,
            "etablissement": self.school_uai,
            "commune": self.commune,
            "sans_contact": self.no_contact_days,
            "liste_depuis": self.listed_days,
            "majorite": self.majority_days,
            "age_min": self.min_age,
            "destinataire": self.recipient,
        }
        return {
            **{key: str(value) for key, value in values.items() if value is not None},
            **{key: YES for key, on in flags.items() if on},
        }

    def query_string(self) -> str:
        """The value of a file's ``depuis`` parameter."""
        return urlencode(self.url_args())


def _member(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _ticked(value: str | None) -> bool:
    """A checkbox's value: the list writes « 1 »; any value but « », « 0 », « false » is on."""
    return value is not None and value.strip().lower() not in ("", "0", "false")


def _record_id(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_RECORD_ID else None


def _id_or_none(value: str | None) -> int | str | None:
    return NONE if value == NONE else _record_id(value)


def _days(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_DAYS else None


def _age(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_AGE else None


def searched(scope: ColumnElement[bool], q: str) -> ColumnElement[bool]:
    """The youth of ``scope`` the search finds, whatever their tab."""
    clause = search_youth(scope, q).whereclause
    return true() if clause is None else clause


# The youth's current case (open, else the latest): filters and sorts on the case read it.
current_case = aliased(Case, name="current_case")


def filter_condition(args: ListArgs, today: date) -> ColumnElement[bool]:
    """The filters of ``args`` as one condition on ``Youth`` (and ``current_case``)."""
    conditions: list[ColumnElement[bool]] = []
    if args.stage is not None:
        conditions.append(stage_condition(args.stage))
    if args.situation is not None:
        conditions.append(current_case.situation_id == args.situation)
    for column, wanted in (
        (Youth.referent_user_id, args.referent),
        (Youth.referent_structure_id, args.structure),
    ):
        if wanted == NONE:
            conditions.append(column.is_(None))
        elif wanted is not None:
            conditions.append(column == wanted)
    if args.age is not None:
        adult_since = years_before(today, 18)
        conditions.append(
            Youth.birth_date > adult_since if args.age == MINOR else Youth.birth_date <= adult_since
        )
    if args.obligation_due:
        conditions.append(obligation_task_open(today))
    if args.darfi_waiting:
        conditions.append(Youth.darfi_waiting.is_(True))
    if args.batch is not None:
        conditions.append(
            exists().where(Listing.youth_id == Youth.id, Listing.batch_id == args.batch)
        )
    if args.source is not None:
        conditions.append(current_case.source == args.source)
    if args.school_uai:
        conditions.append(Youth.school_uai == args.school_uai)
    if args.commune:
        conditions.append(func.lower(Youth.commune) == args.commune.lower())
    if args.no_contact_days is not None:
        conditions.append(no_contact_since(today - timedelta(days=args.no_contact_days)))
    if args.overdue_tasks:
        conditions.append(Youth.next_task_due_on < today)
    if args.missing:
        conditions.append(missing_from_latest_list())
    if args.listed_days is not None:
        conditions.append(listed_days_ago(today - timedelta(days=args.listed_days)))
    if args.majority_days is not None:
        conditions.append(adult_within(today, args.majority_days))
    if args.min_age is not None:
        conditions.append(aged_at_least(today, args.min_age))
    if args.recipient is not None:
        conditions.append(youth_routed_to(args.recipient))
    return and_(true(), *conditions)


def list_condition(args: ListArgs, today: date) -> ColumnElement[bool]:
    """The youth of the list of ``args`` (its tab and filters; not the search) as one
    condition on ``Youth`` and ``current_case`` (joined when ``reads_current_case``)."""
    return and_(tab_condition(args.tab, today), filter_condition(args, today))


def stage_condition(stage: CaseStage) -> ColumnElement[bool]:
    """The open case is at ``stage``: decided by a person, else what the contacts say
    (psad.followup.stages.current_stage)."""
    undecided = and_(current_case.status == CaseStatus.OPEN, current_case.decided_stage.is_(None))
    if stage is CaseStage.TO_CONTACT:
        derived = Youth.list_state == ListState.TO_PROCESS
    elif stage is CaseStage.CONTACTING:
        derived = Youth.list_state.in_([s for s in OPEN_STATES if s is not ListState.TO_PROCESS])
    else:
        derived = false()
    decided = and_(current_case.status == CaseStatus.OPEN, current_case.decided_stage == stage)
    return or_(decided, and_(undecided, derived))


def obligation_task_open(today: date) -> ColumnElement[bool]:
    """An obligation de formation step is to do on the open case (its rule task is open)."""
    del today  # the rule task exists from the moment the step is to do
    return exists().where(
        Task.case_id == current_case.id,
        current_case.status == CaseStatus.OPEN,
        Task.rule.in_([TaskRule.OBLIGATION_INTERVIEW, TaskRule.OBLIGATION_TRANSMISSION]),
        Task.done_at.is_(None),
    )


def no_contact_since(day: date) -> ColumnElement[bool]:
    """An open case without a contact since ``day`` (its opening counts as the start)."""
    start = datetime.combine(day, time.min, tzinfo=clock.PARIS)  # the day as users live it
    return and_(
        Youth.list_state.in_(OPEN_STATES),
        or_(
            Youth.last_contact_at < start,
            and_(Youth.last_contact_at.is_(None), current_case.opened_on < day),
        ),
    )


def listed_days_ago(day: date) -> ColumnElement[bool]:
    """On a list imported on ``day`` or before (Paris dates), with the current case opened on
    ``day`` or before: a case the list brought, or older (not one opened since, by another
    list or a signalement, whose days start again)."""
    until = datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.PARIS)
    return and_(
        current_case.opened_on <= day,
        exists().where(
            Listing.youth_id == Youth.id,
            Listing.batch_id == ImportBatch.id,
            ImportBatch.imported_at < until,
        ),
    )


def adult_within(today: date, days: int) -> ColumnElement[bool]:
    """An open case of a minor who turns 18 from tomorrow to ``days`` days from today (the
    end of the obligation de formation)."""
    return and_(
        Youth.list_state.in_(OPEN_STATES),
        Youth.birth_date > years_before(today, 18),
        Youth.birth_date <= years_before(today + timedelta(days=days), 18),
    )


def aged_at_least(today: date, years: int) -> ColumnElement[bool]:
    """An open case of a youth aged ``years`` or more today."""
    return and_(Youth.list_state.in_(OPEN_STATES), Youth.birth_date <= years_before(today, years))


SORT_COLUMNS: dict[Sort, Any] = {
    Sort.NAME: Youth.search_key,
    Sort.BIRTH: Youth.birth_date,
    Sort.COMMUNE: Youth.commune,
    Sort.OPENED: current_case.opened_on,
    Sort.LAST_CONTACT: Youth.last_contact_at,
}


def ordered(scope: ColumnElement[bool], args: ListArgs, today: date) -> Select[Youth]:
    """The youth of the list, in its order (the sorted column, empty values last, then the
    name and the id)."""
    query = search_youth(scope, args.q)
    if _uses_current_case(args):
        query = query.outerjoin(current_case, current_case.id == Youth.current_case_id)
    query = query.where(tab_condition(args.tab, today), filter_condition(args, today))
    query = query.order_by(None)
    column = SORT_COLUMNS[args.sort]
    if args.sort is Sort.NAME:
        keys = [column.desc(), Youth.id.desc()] if args.descending else [column, Youth.id]
        return query.order_by(*keys)
    direction = column.desc() if args.descending else column.asc()
    return query.order_by(column.is_(None), direction, Youth.search_key, Youth.id)


# --- the list's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    """One page of the list: its rows and what the pagination macro asks."""

    items: list[Youth]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _uses_current_case(args: ListArgs) -> bool:
    return bool(
        args.stage
        or args.situation
        or args.obligation_due
        or args.source
        or args.no_contact_days
        or args.listed_days
        or args.sort is Sort.OPENED
    )


def reads_current_case(args: ListArgs) -> bool:
    """Whether ``list_condition(args, ...)`` reads ``current_case`` (an outer join then)."""
    return _uses_current_case(args)


def counts(
    session: Session, scope: ColumnElement[bool], args: ListArgs, today: date
) -> dict[Tab, int]:
    """How many youth each tab holds with the search and the filters of ``args``: one grouped
    count, answered by the list's index when no filter reads the case."""
    if not (args.q or args.filtered):  # six ranges of the list's index
        return tab_counts(session, scope, today)
    # a search or filters read each candidate row: once, for every tab
    condition = and_(searched(scope, args.q), filter_condition(args, today))
    joined = current_case if _uses_current_case(args) else None
    return tab_counts_in_one_pass(session, condition, today, join=joined)


def page_of(
    session: Session,
    *,
    scope: ColumnElement[bool],
    args: ListArgs,
    total: int,
    page: int,
    today: date,
) -> ListPage:
    """The rows of page ``page`` (the last one when beyond): their ids first, from the index,
    then the rows and their cases, two queries whatever the page."""
    last = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), last)
    ids_query = (
        ordered(scope, args, today)
        .with_only_columns(Youth.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    ids = list(session.scalars(ids_query))
    loaded = {
        youth.id: youth
        for youth in session.scalars(
            select(Youth)
            .where(Youth.id.in_(ids))
            .options(
                selectinload(Youth.cases),
                selectinload(Youth.current_case).options(
                    joinedload(Case.referent_user), joinedload(Case.referent_structure)
                ),
            )
        )
    }
    return ListPage([loaded[i] for i in ids if i in loaded], page, PAGE_SIZE, total)


@dataclass(frozen=True)
class ListExtras:
    """What the list's page shows besides its rows: the tabs and their counts, the
    « Prioritaires » block, and each row's badges and « absent de la dernière liste » mark."""

    args: ListArgs
    counts: dict[Tab, int]
    priorities: list[Youth] = field(default_factory=list)
    priority_total: int = 0
    badges: dict[int, list[Priority]] = field(default_factory=dict)
    missing: set[int] = field(default_factory=set)
    obligation: dict[int, ObligationMark] = field(default_factory=dict)

    @property
    def depuis(self) -> str:
        return self.args.query_string()


def list_extras(
    session: Session,
    *,
    scope: ColumnElement[bool],
    args: ListArgs,
    rows: list[Youth],
    first_page: bool,
    today: date,
    tab_totals: dict[Tab, int] | None = None,
) -> ListExtras:
    """For the page's rows (and the block heading the first page of « À traiter » and « À
    recontacter ») badges and marks; the tabs' counts unless ``tab_totals`` has them."""
    rules = active_priorities(session) if args.tab.has_priorities else []
    block: list[Youth] = []
    total = 0
    if rules and first_page:
        query = ordered(scope, args, today).where(any_priority(rules, today))
        total = session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
        block = list(session.scalars(query.limit(PRIORITY_BLOCK_SIZE)))
    ids = list({youth.id: None for youth in [*block, *rows]})
    return ListExtras(
        args=args,
        counts=tab_totals if tab_totals is not None else counts(session, scope, args, today),
        priorities=block,
        priority_total=total,
        badges=priority_badges(session, ids, rules, today),
        missing=missing_from_latest_list_among(session, ids),
        obligation=obligation_marks(session, [*block, *rows], today),
    )


@dataclass(frozen=True)
class ObligationMark:
    text: str
    late: bool


def obligation_marks(
    session: Session, youths: list[Youth], today: date
) -> dict[int, ObligationMark]:
    """For the minors of a page, the obligation de formation step to do next, as the list
    shows it (« OF : entretien en retard de 12 jours », « OF : transmission avant le ... »)."""
    marks: dict[int, ObligationMark] = {}
    cases = [y.open_case for y in youths if y.birth_date is not None and y.open_case is not None]
    steps = recorded_steps(session, list({case.id for case in cases if case is not None}))
    for youth in youths:
        case = youth.open_case
        if case is None or youth.birth_date is None or youth.id in marks:
            continue
        status = obligation_of(session, case, today, steps=steps[case.id])
        if not status.applies:
            continue
        pending = [s for s in status.steps if s.state in (StepState.OVERDUE, StepState.DUE)]
        if not pending:
            continue
        step = pending[0]
        late = step.days_late(today)
        when = (
            f"en retard de {late} jour{'s' if late > 1 else ''}"
            if late
            else f"avant le {step.due_on:%d/%m/%Y}"
            if step.due_on and step.due_on >= today
            else "à faire"
        )
        marks[youth.id] = ObligationMark(f"OF : {SHORT_STEPS[step.step]} {when}", late > 0)
    return marks


SHORT_STEPS = {
    ObligationStep.INTERVIEW: "entretien",
    ObligationStep.CONVOCATION: "convocation",
    ObligationStep.TRANSMISSION: "transmission au département",
}


# --- walking the list from a file ----------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    """« précédent / suivant » and « n / total » on a file opened from a list."""

    args: ListArgs
    position: int
    total: int
    previous_id: int | None
    next_id: int | None

    @property
    def depuis(self) -> str:
        return self.args.query_string()

    @property
    def list_page(self) -> int:
        """The page of the list where this youth is."""
        return (self.position - 1) // PAGE_SIZE + 1


def walk(
    session: Session, *, scope: ColumnElement[bool], youth_id: int, depuis: str | None, today: date
) -> Walk | None:
    """Where the youth sits in the list the file was opened from; None when the file was not
    opened from a list or the youth is no longer in it."""
    args = ListArgs.from_file_url(depuis)
    if args is None:
        return None
    found = neighbours_in(session, scope=scope, args=args, youth_id=youth_id, today=today)
    if found is None:
        return None
    return Walk(args, found.position, found.total, found.previous_id, found.next_id)


def neighbours_in(
    session: Session, *, scope: ColumnElement[bool], args: ListArgs, youth_id: int, today: date
) -> Neighbours | None:
    """Where ``youth_id`` sits in the list of ``args``: previous, next, « n / total ».

    In name order (the lists' default) the index answers: the youth's (name, id) key, the
    rows before it counted, one row on each side. Other orders read the list's ids."""
    query = ordered(scope, args, today)
    if args.sort is not Sort.NAME:
        return neighbours(session, query, youth_id)
    own = session.execute(
        query.with_only_columns(Youth.search_key, Youth.id).where(Youth.id == youth_id)
    ).first()
    if own is None:
        return None
    key, here = tuple_(Youth.search_key, Youth.id), tuple_(own[0], own[1])
    before, after = (key > here, key < here) if args.descending else (key < here, key > here)
    backwards: list[ColumnElement[Any]] = [Youth.search_key.asc(), Youth.id.asc()]
    if not args.descending:
        backwards = [Youth.search_key.desc(), Youth.id.desc()]

    def number(where: ColumnElement[bool] | None = None) -> int:
        counted = query if where is None else query.where(where)
        return session.scalar(counted.with_only_columns(func.count()).order_by(None)) or 0

    ids = query.with_only_columns(Youth.id).limit(1)
    previous_id = session.scalar(ids.where(before).order_by(None).order_by(*backwards))
    return Neighbours(
        position=number(before) + 1,
        total=number(),
        previous_id=previous_id,
        next_id=session.scalar(ids.where(after)),
    )


def walk_context(
    session: Session,
    *,
    scope: ColumnElement[bool],
    youth_id: int,
    depuis: str | None,
    today: date,
) -> dict[str, object]:
    """Template values for followup/_walk.html: « précédent / suivant » and « n / total »."""
    found = walk(session, scope=scope, youth_id=youth_id, depuis=depuis, today=today)
    return {"walk": found} if found is not None else {}


# --- the rules of the « Prioritaires » block -----------------------------------------------


def priority_rules(session: Session) -> dict[Priority, bool]:
    """Each rule and whether it is on."""
    on = set(active_priorities(session))
    return {rule: rule in on for rule in Priority}


def switch_priority_rules(
    session: Session, *, active: set[Priority], actor: audit.Actor
) -> list[Priority]:
    """Switch on the rules in ``active`` and off the others; audit each change. Returns the
    rules changed."""
    stored = {rule.code: rule for rule in session.scalars(select(PriorityRule))}
    changed = []
    for rule, was_on in priority_rules(session).items():
        wanted = rule in active
        if wanted == was_on:
            continue
        row = stored.get(rule.value) or PriorityRule(code=rule.value)
        row.active = wanted
        session.add(row)
        changed.append(rule)
        audit.record(
            session,
            actor,
            AuditAction.REFERENCE_UPDATED,
            object_type="priority_rule",
            detail=f"priorité={rule.value}; active={'oui' if wanted else 'non'}",
        )
    session.flush()
    return changed
