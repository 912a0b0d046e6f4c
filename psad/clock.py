"""The only module that reads the wall clock. Dates are those of Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (what the database stores)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Paris (what people mean by « aujourd'hui »)."""
    return datetime.now(PARIS).date()


def local(moment: datetime) -> datetime:
    """An instant shown to people: converted to Paris time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(PARIS)
