"""The comités as iCalendar (RFC 5545), for a calendar application: one meeting to download, or
a PSAD's meetings as a feed a member subscribes to.

Each meeting is a VEVENT whose UID stays the same from one download to the next (so that a
calendar updates it rather than adding a copy), in Paris time with its VTIMEZONE, and a
SEQUENCE that grows with every change of the meeting. No personal data of youth: at most
how many youth the published agenda holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, Timezone

from psad.clock import PARIS, local
from psad.committees.models import Committee, CommitteeStatus

PRODUCT = "-//PSAD//Comités techniques//FR"
TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class MeetingEntry:
    """A meeting as the calendar shows it: its page's address, and how many youth its
    published agenda holds (None while the agenda is a draft)."""

    committee: Committee
    url: str
    youth_count: int | None = None


def uid_of(committee: Committee, host: str) -> str:
    return f"committee-{committee.id}@{host or 'psad'}"


def summary_of(committee: Committee) -> str:
    """« Comité technique — PSAD de Lille »."""
    return f"{committee.kind.label} — {committee.psad.name}"


def youth_line(count: int) -> str:
    if count == 0:
        return "Aucun jeune à l'ordre du jour"
    return f"{count} jeune{'s' if count > 1 else ''} à l'ordre du jour"


def description_of(entry: MeetingEntry) -> str:
    committee = entry.committee
    lines = []
    if committee.status is CommitteeStatus.CANCELLED:
        lines.append("Ce comité est annulé.")
    if committee.video_link:
        lines.append(f"Visioconférence : {committee.video_link}")
    if entry.youth_count is not None:
        lines.append(youth_line(entry.youth_count))
    if committee.agenda_note:
        lines.append(committee.agenda_note.strip())
    lines.append(f"Dans l'application : {entry.url}")
    return "\n\n".join(lines)


def event_of(entry: MeetingEntry, *, host: str, now: datetime) -> Event:
    committee = entry.committee
    starts = local(committee.starts_at)
    event = Event()
    event.add("uid", uid_of(committee, host))
    event.add("dtstamp", now)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=committee.duration_minutes))
    event.add("summary", summary_of(committee))
    if committee.place:
        event.add("location", committee.place)
    event.add("description", description_of(entry))
    event.add("url", entry.url)
    event.add("sequence", max(committee.version - 1, 0))
    cancelled = committee.status is CommitteeStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_of(entries: Iterable[MeetingEntry], *, name: str, host: str, now: datetime) -> bytes:
    """The iCalendar text of these meetings (``now`` stamps them, in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE)
    entries = list(entries)
    if entries:
        calendar.add_component(_paris_between([entry.committee.starts_at for entry in entries]))
    for entry in entries:
        calendar.add_component(event_of(entry, host=host, now=now))
    return calendar.to_ical()


def _paris_between(moments: list[datetime]) -> Timezone:
    """Paris's VTIMEZONE, its transitions over the years the meetings span (a short text)."""
    first, last = min(moments), max(moments)
    return Timezone.from_tzinfo(
        PARIS, tzid=TIMEZONE, first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )
