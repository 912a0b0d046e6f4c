"""The digest e-mail: one person's reminders of one day, a section per PSAD.

E-mail is not a safe channel: the digest names no youth. It gives, for each kind of reminder,
the count and the sentence of the notification and a link to the filtered list in the app
(after sign-in), and the initials of the youth only when the PSAD allows them. Links are
absolute, built from ``[web] base_url``; without it the digest says the links are unavailable
and gives the paths.

Free of Flask: the templates are rendered by a Jinja environment of its own (autoescape on
for ``.html``), and the caller says how an endpoint becomes a path (``link_for``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from psad.committees.rhythm import long_date_fr
from psad.config import shipped
from psad.reminders.models import ReminderKind
from psad.reminders.rules import KIND_ORDER, Due

LinkFor = Callable[[str, dict[str, str]], str]  # (endpoint, its arguments) -> the app's path
ACCOUNT_ENDPOINT = "reminders.account"  # « Mon compte » : the digest's frequency


@dataclass(frozen=True)
class DigestLine:
    kind: ReminderKind
    count: int
    text: str
    path: str  # the app's path of the filtered list
    url: str | None  # the same, absolute; None without ``[web] base_url``
    initials: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestSection:
    psad_name: str
    lines: tuple[DigestLine, ...]


@dataclass(frozen=True)
class Digest:
    subject: str
    body_text: str
    body_html: str


def digest_subject(psad_names: Sequence[str], today: date) -> str:
    """« PSAD de Lille — vos rappels du lundi 7 décembre 2026 »; « Vos rappels PSAD du ... »
    for a person told about several PSADs."""
    day = long_date_fr(today)
    if len(psad_names) == 1:
        return f"{psad_names[0]} — vos rappels du {day}"
    return f"Vos rappels PSAD du {day}"


def compose_digest(
    items: Sequence[Due],
    *,
    psad_names: Mapping[int, str],
    today: date,
    link_for: LinkFor,
    base_url: str | None,
) -> Digest:
    """The e-mail of one person's ``items`` (each a count with its list), in French."""

    def absolute(path: str) -> str | None:
        return None if base_url is None else base_url + path

    by_psad: dict[int, list[DigestLine]] = {}
    for due in sorted(items, key=lambda d: (KIND_ORDER[d.kind], d.subject_id)):
        path = link_for(due.endpoint, dict(due.args))
        by_psad.setdefault(due.psad_id, []).append(
            DigestLine(
                kind=due.kind,
                count=due.count,
                text=due.text,
                path=path,
                url=absolute(path),
                initials=tuple(due.initials),
            )
        )
    sections = sorted(
        (DigestSection(psad_names[psad_id], tuple(lines)) for psad_id, lines in by_psad.items()),
        key=lambda section: section.psad_name.casefold(),
    )
    subject = digest_subject([section.psad_name for section in sections], today)
    account_path = link_for(ACCOUNT_ENDPOINT, {})
    values = {
        "subject": subject,
        "day": long_date_fr(today),
        "sections": sections,
        "links": base_url is not None,
        "account_path": account_path,
        "account_url": absolute(account_path),
    }
    environment = _environment()
    return Digest(
        subject=subject,
        body_text=environment.get_template("reminders/email/digest.txt").render(values),
        body_html=environment.get_template("reminders/email/digest.html").render(values),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(shipped("templates")),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
