"""What is due on a day, and for whom: one count per user and kind, with the list it comes
from.

Each rule asks a question the domains already ask (the youth list's filters,
``psad.followup.worklist``; « Mes tâches »' filters, ``psad.followup.tasklist``), over every
active PSAD at once: one grouped query per kind, by PSAD and recipient
(``psad.followup.recipients``), never a loop over youth. The link of each count is that list
with those filters and the recipient's, so that it shows exactly what was counted. The counts
name no youth; initials at most, when the PSAD allows it.

What each kind asks and says is in ``psad.reminders.kinds``; its threshold comes from the
PSAD (``psad.reminders.thresholds``): a PSAD's own values make their own condition in the
same query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from psad import clock
from psad.auth.models import Psad
from psad.committees.models import AgendaItem, Committee, CommitteeStatus, committee_invitations
from psad.committees.rhythm import at_paris_time, time_fr
from psad.committees.services.decisions import committee_title
from psad.config import ReminderSettings
from psad.followup.queries import open_tasks
from psad.followup.recipients import task_route, youth_route
from psad.followup.tasklist import REMINDED
from psad.followup.worklist import current_case, list_condition, reads_current_case
from psad.reminders.kinds import TASK_COUNTS, TaskCount, Threshold, YouthRule, counted, youth_rules
from psad.reminders.models import ReminderKind
from psad.reminders.recipients import Directory, Group
from psad.reminders.thresholds import Thresholds, thresholds, thresholds_of
from psad.youth.models import Youth

__all__ = ["Due", "Thresholds", "due_items", "thresholds"]

MAX_INITIALS = 10
MIDNIGHT = time(0, 0)
KIND_ORDER = {kind: position for position, kind in enumerate(ReminderKind)}


@dataclass(frozen=True)
class Due:
    """One count for one user: what the digest line and the notification say."""

    kind: ReminderKind
    psad_id: int
    user_id: int
    count: int
    text: str  # a French sentence that names no youth
    endpoint: str  # the Flask endpoint of the filtered list
    args: dict[str, str]  # its URL arguments: exactly the counted items, for that user
    subject_id: int = 0  # the comité for COMMITTEE_SOON, else 0
    initials: tuple[str, ...] = field(default=())  # when the PSAD allows them (at most 10)


# --- what is due -----------------------------------------------------------------------------


def due_items(
    session: Session, today: date, defaults: ReminderSettings, *, max_age: int
) -> list[Due]:
    """Every count due on ``today`` for every active user of every active PSAD: one grouped
    query per kind (and one more for the initials where a PSAD gives them), whatever the
    number of youth. ``max_age`` is ``[data] max_age``: the age-limit rule counts youth aged
    ``max_age + 1`` or more with an open case."""
    psad_ids = list(session.scalars(select(Psad.id).where(Psad.active.is_(True))))
    if not psad_ids:
        return []
    limits = thresholds_of(session, psad_ids, defaults)
    directory = Directory.load(session, psad_ids)
    found: list[Due] = []
    for rule in youth_rules(max_age):
        found += _youth_dues(session, rule, limits, directory, today)
    for count in TASK_COUNTS:
        found += _task_dues(session, count, limits, directory, today)
    found += _committee_dues(session, limits, directory, today)
    return sorted(found, key=lambda d: (d.psad_id, d.user_id, KIND_ORDER[d.kind], d.subject_id))


def _by_threshold(limits: dict[int, Thresholds], threshold: Threshold) -> dict[int, list[int]]:
    """The PSADs grouped by their value of one threshold (most share the default)."""
    grouped: dict[int, list[int]] = defaultdict(list)
    for psad_id, values in limits.items():
        grouped[threshold(values)].append(psad_id)
    return grouped


def _youth_dues(
    session: Session,
    rule: YouthRule,
    limits: dict[int, Thresholds],
    directory: Directory,
    today: date,
) -> list[Due]:
    grouped = _by_threshold(limits, rule.threshold)
    lists = {days: rule.list_of(days) for days in grouped}
    route = youth_route()
    query = select(*route.columns()).select_from(Youth)
    if any(reads_current_case(args) for args in lists.values()):
        query = query.outerjoin(current_case, current_case.id == Youth.current_case_id)
    query = query.where(
        or_(
            *(
                and_(Youth.psad_id.in_(ids), list_condition(lists[days], today))
                for days, ids in grouped.items()
            )
        )
    )

    def due(user_id: int, psad_id: int, count: int, initials: tuple[str, ...]) -> Due:
        days = rule.threshold(limits[psad_id])
        args = replace(lists[days], recipient=user_id)
        return Due(
            kind=rule.kind,
            psad_id=psad_id,
            user_id=user_id,
            count=count,
            text=rule.text(count, days, today),
            endpoint="youth.index",
            args=args.url_args(),
            initials=initials,
        )

    return _dues(session, query, limits, directory, due)


def _task_dues(
    session: Session,
    rule: TaskCount,
    limits: dict[int, Thresholds],
    directory: Directory,
    today: date,
) -> list[Due]:
    grouped = _by_threshold(limits, rule.threshold)
    asked = {days: rule.tasks_of(today, days) for days in grouped}
    route = task_route()
    in_psads = or_(
        *(and_(Youth.psad_id.in_(ids), asked[days].due()) for days, ids in grouped.items())
    )
    query = open_tasks(in_psads).with_only_columns(*route.columns()).order_by(None)

    def due(user_id: int, psad_id: int, count: int, initials: tuple[str, ...]) -> Due:
        days = rule.threshold(limits[psad_id])
        args = replace(asked[days], assignment=REMINDED)
        return Due(
            kind=rule.kind,
            psad_id=psad_id,
            user_id=user_id,
            count=count,
            text=rule.text(count, days, today),
            endpoint="followup.my_tasks",
            args=args.url_args(),
            initials=initials,
        )

    return _dues(session, query, limits, directory, due)


def _dues(
    session: Session,
    rows: Select[Any],
    limits: dict[int, Thresholds],
    directory: Directory,
    due: Callable[[int, int, int, tuple[str, ...]], Due],
) -> list[Due]:
    """The counts of ``rows`` (a select of ``Route.columns``) grouped by PSAD and recipient,
    given to each user the groups reach, with the initials where the PSAD gives them."""
    routed = rows.subquery()
    keys = [routed.c.psad_id, routed.c.user_id, routed.c.structure_id, routed.c.partners]
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for row in session.execute(select(*keys, func.count().label("number")).group_by(*keys)):
        group = Group(row.psad_id, row.user_id, row.structure_id, bool(row.partners))
        for user in directory.users_of(group):
            counts[(user, row.psad_id)] += row.number
    initials = _initials(session, rows, limits, directory)
    return [
        due(user_id, psad_id, number, initials.get((user_id, psad_id), ()))
        for (user_id, psad_id), number in counts.items()
    ]


def _initials(
    session: Session,
    rows: Select[Any],
    limits: dict[int, Thresholds],
    directory: Directory,
) -> dict[tuple[int, int], tuple[str, ...]]:
    """« J. D. » of the counted youth, by user and PSAD, where the PSAD gives initials: at
    most ``MAX_INITIALS``, sorted (one query, of the distinct initials of each group)."""
    psads = [psad_id for psad_id, values in limits.items() if values.digest_initials]
    if not psads:
        return {}
    routed = (
        rows.add_columns(
            func.substr(Youth.first_name, 1, 1).label("first"),
            func.substr(Youth.last_name, 1, 1).label("last"),
        )
        .where(Youth.psad_id.in_(psads))
        .subquery()
    )
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    for row in session.execute(select(*routed.c).distinct()):
        said = " ".join(f"{letter.upper()}." for letter in (row.first, row.last) if letter)
        group = Group(row.psad_id, row.user_id, row.structure_id, bool(row.partners))
        for user in directory.users_of(group):
            found[(user, row.psad_id)].add(said)
    return {key: tuple(sorted(values)[:MAX_INITIALS]) for key, values in found.items()}


# --- the comités -----------------------------------------------------------------------------


def _committee_dues(
    session: Session, limits: dict[int, Thresholds], directory: Directory, today: date
) -> list[Due]:
    """The comités (any kind, not cancelled) starting from tomorrow to the PSAD's number of
    days ahead (Paris dates), for the members of the invited structures (the pilotes and
    co-pilotes when no member of an invited structure may receive reminders, or none is
    invited), with the number of youth on the agenda."""
    start = at_paris_time(today + timedelta(days=1), MIDNIGHT)
    windows = [
        and_(
            Committee.psad_id.in_(ids),
            Committee.starts_at < at_paris_time(today + timedelta(days=days + 1), MIDNIGHT),
        )
        for days, ids in _by_threshold(limits, lambda t: t.committee_notice_days).items()
    ]
    agenda = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.committee_id == Committee.id)
        .scalar_subquery()
    )
    found = session.execute(
        select(Committee, agenda)
        .where(
            Committee.status != CommitteeStatus.CANCELLED,
            Committee.starts_at >= start,
            or_(*windows),
        )
        .order_by(Committee.starts_at, Committee.id)
    ).all()
    if not found:
        return []
    invited: dict[int, list[int]] = defaultdict(list)
    for committee_id, structure_id in session.execute(
        select(committee_invitations.c.committee_id, committee_invitations.c.structure_id).where(
            committee_invitations.c.committee_id.in_([row[0].id for row in found])
        )
    ):
        invited[committee_id].append(structure_id)
    dues = []
    for committee, count in found:
        users = {
            user
            for structure_id in invited[committee.id]
            for user in directory.users_of(Group(committee.psad_id, None, structure_id, True))
        } or set(directory.users_of(Group(committee.psad_id, None, None, False)))
        text = (
            f"{committee_title(committee)} à {time_fr(clock.local(committee.starts_at).time())}"
            f" : {_agenda_size(count)} à l'ordre du jour"
        )
        dues += [
            Due(
                kind=ReminderKind.COMMITTEE_SOON,
                psad_id=committee.psad_id,
                user_id=user,
                count=count,
                text=text,
                endpoint="committees.show",
                args={"committee_id": str(committee.id)},
                subject_id=committee.id,
            )
            for user in sorted(users)
        ]
    return dues


def _agenda_size(count: int) -> str:
    return "aucun jeune" if count == 0 else counted(count, "jeune", "jeunes")
