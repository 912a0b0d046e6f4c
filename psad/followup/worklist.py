"""A work list as the URL says it (tab, search), the one query that lists it, and what its
page and a file opened from it show.

The youth list, its counts, « précédent / suivant » on a file and « Enregistrer et suivant »
use the same ``ordered`` query. A file opened from a list carries that list in its URL
(``?depuis=onglet%3Da-traiter%26q%3D...``), so that the file can walk it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.followup.deadlines import StepState
from psad.followup.models import ObligationStep, PriorityRule
from psad.followup.queries import (
    Priority,
    Tab,
    active_priorities,
    any_priority,
    missing_from_latest_list_among,
    neighbours,
    priority_badges,
    tab_condition,
    tab_counts,
)
from psad.followup.services.tasks import obligation_of
from psad.youth.models import Youth
from psad.youth.queries import search_youth

FROM_LIST = "depuis"  # the file's URL parameter that holds its list
FROM_LIST_MAX_LENGTH = 500
PAGE_SIZE = 25
PRIORITY_BLOCK_SIZE = 10  # the « Prioritaires » block shows the first ones; badges the rest


@dataclass(frozen=True)
class ListArgs:
    tab: Tab = Tab.TO_PROCESS
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListArgs:
        """From the list's URL (``onglet``, ``q``); an unknown tab is the first one."""
        try:
            tab = Tab(args.get("onglet", Tab.TO_PROCESS.value))
        except ValueError:
            tab = Tab.TO_PROCESS
        return cls(tab=tab, q=(args.get("q") or "").strip())

    @classmethod
    def from_file_url(cls, depuis: str | None) -> ListArgs | None:
        """The list a file was opened from (None when opened otherwise)."""
        if not depuis:
            return None
        return cls.from_args(dict(parse_qsl(depuis[:FROM_LIST_MAX_LENGTH])))

    def with_tab(self, tab: Tab) -> ListArgs:
        """The same search on another tab (the tabs' links)."""
        return replace(self, tab=tab)

    def url_args(self) -> dict[str, str]:
        """The list's URL arguments, for ``url_for("youth.index", **args.url_args())``."""
        return {"onglet": self.tab.value, **({"q": self.q} if self.q else {})}

    def query_string(self) -> str:
        """The value of a file's ``depuis`` parameter."""
        return urlencode(self.url_args())


def searched(scope: ColumnElement[bool], q: str) -> ColumnElement[bool]:
    """The youth of ``scope`` the search finds, whatever their tab."""
    clause = search_youth(scope, q).whereclause
    return true() if clause is None else clause


def ordered(scope: ColumnElement[bool], args: ListArgs, today: date) -> Select[Youth]:
    """The youth of the list, in its order (name, then id)."""
    return search_youth(scope, args.q).where(tab_condition(args.tab, today))


# --- the list's page ---------------------------------------------------------------------


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
) -> ListExtras:
    """Counts of every tab (with the search), and for the page's rows (and the block heading
    the first page of « À traiter » and « À recontacter ») badges and marks."""
    counts = tab_counts(session, searched(scope, args.q), today)
    rules = active_priorities(session) if args.tab.has_priorities else []
    block: list[Youth] = []
    total = 0
    if rules and first_page:
        query = ordered(scope, args, today).where(any_priority(rules, today))
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        block = list(session.scalars(query.limit(PRIORITY_BLOCK_SIZE)))
    ids = list({youth.id: None for youth in [*block, *rows]})
    return ListExtras(
        args=args,
        counts=counts,
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
    for youth in youths:
        case = youth.open_case
        if case is None or youth.birth_date is None or youth.id in marks:
            continue
        status = obligation_of(session, case, today)
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
    found = neighbours(session, ordered(scope, args, today), youth_id)
    if found is None:
        return None
    return Walk(args, found.position, found.total, found.previous_id, found.next_id)


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
