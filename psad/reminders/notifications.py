"""A user's notifications: the header's counter, the list by day, marking them read.

Only the owner reaches a notification: any other id answers as if it did not exist. The link a
notification stores is opened only when it is a path of this application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from urllib.parse import urlsplit

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from psad.errors import DomainError, NotFoundError
from psad.reminders.models import Notification, ReminderKind

PAGE_SIZE = 50
NOT_FOUND = "Ce rappel n'existe pas ou ne vous est pas adressé."
UNSAFE_LINK = "Le lien de ce rappel ne mène pas à une page de l'application : il n'est pas ouvert."

# Within a day, the kinds in the digest's order (the enum's order).
_KIND_ORDER = case(
    {kind: position for position, kind in enumerate(ReminderKind)},
    value=Notification.kind,
    else_=len(ReminderKind),
)


class UnsafeLinkError(DomainError):
    """The stored link leads outside the application (or is not a plain path)."""


def unread_count(session: Session, *, user_id: int) -> int:
    """The header's counter: one count on the index ``ix_notifications_unread``."""
    query = select(func.count()).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return session.scalar(query) or 0


@dataclass(frozen=True)
class Day:
    """The notifications of one day, in the digest's order of kinds."""

    day: date
    items: list[Notification]


@dataclass(frozen=True)
class NotificationPage:
    """One page of a user's notifications grouped by day (newest first), and what the
    pagination macro asks."""

    days: list[Day]
    page: int
    per_page: int
    total: int
    unread: int

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


def notification_page(
    session: Session, *, user_id: int, page: int, per_page: int = PAGE_SIZE
) -> NotificationPage:
    """The user's notifications, newest day first; a page past the last shows the last."""
    mine = Notification.user_id == user_id
    total = session.scalar(select(func.count()).where(mine)) or 0
    unread = unread_count(session, user_id=user_id)
    page = min(max(page, 1), max(1, -(-total // per_page)))
    rows = session.scalars(
        select(Notification)
        .where(mine)
        .order_by(Notification.day.desc(), _KIND_ORDER, Notification.subject_id, Notification.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    days = [Day(day, list(items)) for day, items in groupby(rows, key=lambda n: n.day)]
    return NotificationPage(days, page, per_page, total, unread)


def get_own(session: Session, *, notification_id: int, user_id: int) -> Notification:
    """The user's notification; another user's, like a missing one, is not found."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFoundError(NOT_FOUND)
    return notification


def mark_read(notification: Notification, *, now: datetime) -> None:
    """Read now, unless it was read before (the first reading is kept)."""
    if notification.read_at is None:
        notification.read_at = now


def mark_all_read(session: Session, *, user_id: int, now: datetime) -> int:
    """Every unread notification of the user read now; how many were unread."""
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def is_local_path(link: str) -> bool:
    """A path of this application (« /jeunes?onglet=... »): one leading « / », no scheme, no
    host, no backslash, no control character."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and "\\" not in link
        and link.isprintable()
        and not urlsplit(link).scheme
        and not urlsplit(link).netloc
    )


def open_notification(notification: Notification, *, now: datetime) -> str:
    """Mark the notification read and give the path of the list it comes from."""
    if not is_local_path(notification.link):
        raise UnsafeLinkError(UNSAFE_LINK)
    mark_read(notification, now=now)
    return notification.link
