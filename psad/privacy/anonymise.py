"""Anonymising youth whose retention has run out: what identifies them goes, the facts stay.

Which rows are a youth's is read from the metadata, not listed by hand: every table with a
foreign key to ``youths``, or to a table that has one (cases, contacts, orientations...), is
the youth's (``youth_tables``), and so are the outbox rows of the youth's messages
(``OWNED_THROUGH``). ``RULES`` says, for each such table, either that its rows are deleted
or, for every text column, what becomes of it:

- ``KEEP``: a fact the bilan counts or the history needs (sex, birth date, commune and
  postal code, last schooling, reference codes, dates, outcomes), or no personal data;
- ``NULL``: emptied; ``Replace(text)``: a column that must hold text gets ``text``;
- ``CUSTOM``: rewritten by this module's own code (JSON reports, the audit log).

A test walks the metadata: a new table tied to a youth, or a new text column of one, without
a rule here fails it, and so does a table of the metadata that is neither the youth's nor
listed in ``UNLINKED_TABLES`` with the reason it holds nothing of a youth. Enum columns hold
one of fixed codes: always kept.

Kept on purpose: the exact birth date (the bilan's age bands and the share of minors met
within three months count ages on the day a youth was listed: a birth year alone would
change a past bilan's figures), the last school (UAI, name, commune, académie), its
formation, level and track, and the commune and postal code of residence.

The audit log is append-only for the application; anonymisation is its one exception: the
youth's events keep their action, author, date and ids, and any personal value of the youth
found in their details is replaced (written through the connection, below the ORM's guard).

No Flask; never commits (the run commits a chunk of youth at a time, all or nothing).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    ColumnElement,
    Enum,
    ForeignKey,
    MetaData,
    String,
    Table,
    Text,
    delete,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.db import Base, contains_text
from psad.imports.models import ImportBatch, Listing
from psad.messages.models import ReplyAnswer
from psad.youth.identifiers import fold, format_phone
from psad.youth.models import Guardian, Youth

ANONYMOUS_NAME = "Anonymisé"
ERASED = "(texte effacé)"
SCRUBBED = "(anonymisé)"


@dataclass(frozen=True)
class Rule:
    kind: Literal["keep", "null", "replace", "custom"]
    text: str = ""


KEEP = Rule("keep")
NULL = Rule("null")
CUSTOM = Rule("custom")


def Replace(text: str) -> Rule:  # reads as a rule, like KEEP and NULL
    return Rule("replace", text)


DELETE: Literal["delete"] = "delete"
TableRule = Literal["delete"] | Mapping[str, Rule]

RULES: dict[str, TableRule] = {
    "youths": {
        "ine": NULL,
        "last_name": Replace(ANONYMOUS_NAME),
        "first_name": Replace(""),
        "birth_place": NULL,
        "address": NULL,
        "postal_code": KEEP,  # the bilan's commune of residence
        "commune": KEEP,
        "phone": NULL,
        "other_phone": NULL,
        "email": NULL,
        "school_uai": KEEP,  # last schooling: the bilan's « établissement d'origine »
        "school_name": KEEP,
        "school_commune": KEEP,
        "school_academy": KEEP,
        "formation": KEEP,
        "level": KEEP,  # the bilan's « dernière classe »
        "exit_reason": NULL,  # free text
        "search_key": Replace(fold(ANONYMOUS_NAME)),
        "identity_key": NULL,  # names and birth date: an import would match the youth by it
        "last_row_hash": NULL,
    },
    "guardians": DELETE,
    "cases": {"source_detail": NULL, "reason": NULL, "project": NULL},
    "case_needs": {},
    "case_events": {"before": NULL, "after": NULL, "reason": NULL},
    "contacts": {"comment": NULL},
    "notes": {"body": Replace(ERASED)},
    "darfi_requests": {"wish": NULL, "interview_outcome": NULL},
    "obligation_steps": {"comment": NULL},
    "tasks": {"title": Replace(ERASED), "done_comment": NULL},
    "listings": {"row_json": NULL, "row_hash": Replace("")},
    "agenda_items": {"reasons": KEEP, "detail": NULL},  # reasons: codes of the agenda's rules
    "committee_decisions": {"comment": NULL},
    "committee_amendments": {"text": Replace(ERASED)},
    "orientations": {"comment": NULL, "reason": NULL},
    "orientation_steps": {"comment": NULL},
    "transfers": {
        "comment": Replace(ERASED),
        "refusal_reason": NULL,
        "subject_last_name": Replace(ANONYMOUS_NAME),
        "subject_first_name": Replace(""),
        "subject_birth_date": NULL,
    },
    "youth_messages": {
        "sending_key": KEEP,  # a random nonce
        "template_name": KEEP,
        "recipient": Replace(""),
        "subject": NULL,
        "body": Replace(ERASED),
    },
    "outbox_messages": {
        "key": KEEP,  # ids only (« message:<nonce>:<youth>:<channel> »)
        "recipient": Replace(""),
        "subject": Replace(""),
        "body_text": Replace(ERASED),
        "body_html": NULL,
        "secret": NULL,
        "reply_to": KEEP,  # the PSAD's address
        "last_error": NULL,  # a server's answer may quote the address
    },
    "reply_tokens": {"token_hash": KEEP},  # the SHA-256 of a random token
    "reply_answers": {"phone_proposed": NULL},
    "contact_blocks": {"lift_reason": NULL},
    "auto_reminder_suspensions": {},
    "youth_merges": {"detail_json": KEEP},  # field names and ids only
    "duplicate_keys": DELETE,  # derived from the identity: rebuilt (empty) if ever asked
    "duplicate_checks": DELETE,
    "probable_duplicates": DELETE,
    "duplicate_dismissals": DELETE,
    # Not the youth's rows, but they quote the youth: rewritten by the code below.
    "import_batches": {"report_json": CUSTOM},
    "audit_events": {"detail": CUSTOM},
}

# Rows of a table a youth's table points to, that are the youth's alone (not shared).
OWNED_THROUGH = {"outbox_messages": ("youth_messages", "outbox_message_id")}

# The tables that hold nothing of a youth, and why (a new table must be placed here or in
# RULES: the test says which).
UNLINKED_TABLES = {
    "psads": "the platforms",
    "structures": "partner organisations",
    "users": "staff accounts",
    "memberships": "staff roles",
    "login_throttles": "keyed hashes of log-in attempts",
    "user_sessions": "staff sessions",
    "recovery_codes": "staff two-factor codes (hashed)",
    "password_resets": "staff reset links (hashed)",
    "calendar_tokens": "staff calendar links (hashed)",
    "reference_items": "reference lists",
    "communes": "the INSEE communes",
    "priority_rules": "settings",
    "scheduler_leases": "the scheduler's lease",
    "reminder_rules": "a PSAD's thresholds",
    "notifications": "counts and links to lists; the text names no youth",
    "saved_list_views": "a member's own filters (a search typed stays the member's)",
    "messaging_settings": "a PSAD's settings",
    "message_templates": "templates: variables, no youth",
    "import_locks": "one row per PSAD",
    "import_jobs": "uploads in progress: deleted with the files ([imports] keep_uploads_days)",
    "bilan_snapshots": "figures, no youth",
    "committees": "meetings (place, link, the agenda's general note)",
    "committee_rhythms": "a PSAD's meeting rhythm",
    "committee_invitations": "structures invited",
    "attendances": "staff and guests present",
    "programmes": "the catalogue of dispositifs",
    "programme_rules": "the catalogue's eligibility rules",
    "programme_sites": "where the dispositifs are",
    "site_places": "places per school year",
    "vacant_places": "places declared by schools",
}


def text_columns(table: Table) -> list[str]:
    """The columns that may hold free text (enum columns hold codes: not listed)."""
    return [
        column.name
        for column in table.columns
        if isinstance(column.type, String | Text | JSON) and not isinstance(column.type, Enum)
    ]


def youth_tables(metadata: MetaData = Base.metadata) -> dict[str, tuple[ForeignKey, ...]]:
    """Every table whose rows are a youth's, with the foreign keys that tie a row to them:
    the ones to ``youths`` when the table has some, else those to the youth's other tables."""
    reached = {"youths"}
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name not in reached and any(
                fk.column.table.name in reached for fk in table.foreign_keys
            ):
                reached.add(table.name)
                grew = True
    links: dict[str, tuple[ForeignKey, ...]] = {}
    for name in reached - {"youths"}:
        table = metadata.tables[name]
        ties = [
            fk
            for fk in table.foreign_keys
            if fk.column.table.name in reached and fk.column.table is not table
        ]
        direct = [fk for fk in ties if fk.column.table.name == "youths"]
        links[name] = tuple(sorted(direct or ties, key=lambda fk: fk.parent.name))
    return links


class _Rows:
    """Which rows of each table are the chosen youth's (a WHERE clause per table)."""

    def __init__(self, youth_ids: Sequence[int], metadata: MetaData = Base.metadata) -> None:
        self.youth_ids = list(youth_ids)
        self.metadata = metadata
        self.links = youth_tables(metadata)
        self.found: dict[str, ColumnElement[bool]] = {}

    def where(self, name: str) -> ColumnElement[bool]:
        if name not in self.found:
            self.found[name] = self._where(name)
        return self.found[name]

    def _where(self, name: str) -> ColumnElement[bool]:
        table = self.metadata.tables[name]
        if name == "youths":
            return table.c.id.in_(self.youth_ids)
        if name in OWNED_THROUGH:
            source, column = OWNED_THROUGH[name]
            owner = self.metadata.tables[source]
            return table.c.id.in_(select(owner.c[column]).where(self.where(source)))
        clauses = []
        for fk in self.links[name]:
            parent = fk.column.table.name
            if parent == "youths":
                clauses.append(fk.parent.in_(self.youth_ids))
            else:
                clauses.append(fk.parent.in_(select(fk.column).where(self.where(parent))))
        return or_(*clauses) if clauses else false()


# -- The personal values the JSON reports and the audit log may quote -------------------------


def _phone_forms(number: str | None) -> list[str]:
    if not number:
        return []
    shown = format_phone(number)
    return [number, shown, shown.replace(" ", "")]


def personal_values(session: Session, youth_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each youth's identity and contact details as they may be quoted in a text."""
    values: dict[int, set[str]] = {youth_id: set() for youth_id in youth_ids}
    for youth in session.scalars(select(Youth).where(Youth.id.in_(youth_ids))):
        found = values[youth.id]
        found |= {youth.last_name, youth.first_name, f"{youth.first_name} {youth.last_name}"}
        found |= {v for v in (youth.ine, youth.email, youth.address, youth.birth_place) if v}
        found |= {*_phone_forms(youth.phone), *_phone_forms(youth.other_phone)}
    for guardian in session.scalars(select(Guardian).where(Guardian.youth_id.in_(youth_ids))):
        found = values[guardian.youth_id]
        found |= {v for v in (guardian.last_name, guardian.first_name) if v}
        found |= {v for v in (guardian.email, guardian.address) if v}
        found |= set(_phone_forms(guardian.phone))
    for youth_id, number in session.execute(
        select(ReplyAnswer.youth_id, ReplyAnswer.phone_proposed).where(
            ReplyAnswer.youth_id.in_(youth_ids), ReplyAnswer.phone_proposed.is_not(None)
        )
    ):
        values[youth_id] |= set(_phone_forms(number))
    return {
        youth_id: sorted((v for v in found if len(v.strip()) > 1), key=len, reverse=True)
        for youth_id, found in values.items()
    }


def _pattern(value: str) -> str:
    """A value as a pattern: a letter matches its accented and unaccented forms; a name
    matches whole words only, a value with digits or « @ » (number, INE, address) anywhere."""
    letters = []
    for char in value.strip():
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii())
        letters.append(f"[{re.escape(char)}{re.escape(base)}]" if base and base != char
                       else re.escape(char))  # fmt: skip
    pattern = "".join(letters)
    if any(char.isdigit() or char == "@" for char in value):
        return pattern
    return rf"(?<!\w){pattern}(?!\w)"


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` (any case, with or without accents) replaced by
    SCRUBBED."""
    for value in values:
        text = re.sub(_pattern(value), SCRUBBED, text, flags=re.IGNORECASE)
    return text


# -- The custom rules ------------------------------------------------------------------------

QUOTED = re.compile(r"«[^»]*»")
MERGED_LINE = re.compile(r"Même jeune qu'à la ligne (\d+)\b")  # psad.imports.checking.merging


def _scrub_batch_reports(
    session: Session, youth_ids: Sequence[int], values: Mapping[int, list[str]]
) -> None:
    """The lists' reports: the problems of the youth's lines lose the values they quote, and
    the conflicts met with the youth (another PSAD's list) lose the identity they copied."""
    lines: dict[int, set[int]] = {}
    for batch_id, line in session.execute(
        select(Listing.batch_id, Listing.line).where(Listing.youth_id.in_(youth_ids))
    ):
        lines.setdefault(batch_id, set()).add(line)
    quoting = or_(*(contains_text(ImportBatch.report_json, f'"youth_id": {i}') for i in youth_ids))
    batch_ids = set(lines) | set(session.scalars(select(ImportBatch.id).where(quoting)))
    every_value = [v for youth_id in youth_ids for v in values.get(youth_id, [])]
    for batch_id, report_json in session.execute(
        select(ImportBatch.id, ImportBatch.report_json).where(ImportBatch.id.in_(batch_ids))
    ):
        report = json.loads(report_json or "{}")
        mine = set(lines.get(batch_id, set()))
        for conflict in report.get("conflicts", []):
            if conflict.get("youth_id") in youth_ids:
                conflict.update(last_name="", first_name="", birth_date=None)
                mine.add(conflict.get("line"))
        problems = report.get("problems", [])
        for problem in problems:
            merged = MERGED_LINE.match(problem.get("message") or "")
            if merged and int(merged[1]) in mine:
                mine.add(problem.get("line"))
        for problem in problems:
            if problem.get("line") in mine:
                message = QUOTED.sub(f"« {SCRUBBED} »", problem.get("message") or "")
                problem["message"] = scrub(message, every_value)
        written = json.dumps(report, ensure_ascii=False, default=str)
        if written != report_json:
            batches = Base.metadata.tables["import_batches"]
            session.execute(
                update(batches).where(batches.c.id == batch_id).values(report_json=written)
            )


def _scrub_audit(session: Session, values: Mapping[int, list[str]]) -> None:
    """The youth's audit events keep everything but a personal value in their detail."""
    table = Base.metadata.tables["audit_events"]
    events = session.execute(
        select(table.c.id, table.c.object_id, table.c.detail).where(
            table.c.object_type == "youth",
            table.c.object_id.in_(list(values)),
            table.c.detail.is_not(None),
        )
    )
    connection = session.connection()
    for event_id, youth_id, detail in events.all():
        cleaned = scrub(detail, values[youth_id])
        if cleaned != detail:
            # The one change the audit log accepts, below the ORM's append-only guard.
            connection.execute(update(table).where(table.c.id == event_id).values(detail=cleaned))


# -- Anonymising -----------------------------------------------------------------------------


def _values(rules: Mapping[str, Rule]) -> dict[str, Any]:
    return {
        name: None if rule.kind == "null" else rule.text
        for name, rule in rules.items()
        if rule.kind in ("null", "replace")
    }


def anonymise(
    session: Session, *, youth_ids: Sequence[int], now: datetime, actor: audit.Actor
) -> int:
    """Anonymise these youth (already anonymised ones are skipped); returns how many were.

    Flushes first, then rewrites the rows with statements, and expires what the session had
    loaded (it reads the anonymised rows afterwards). Never commits."""
    session.flush()
    youth_ids = list(
        session.scalars(
            select(Youth.id).where(Youth.id.in_(youth_ids), Youth.anonymised_at.is_(None))
        )
    )
    if not youth_ids:
        return 0
    psad_of = {
        youth_id: psad_id
        for youth_id, psad_id in session.execute(
            select(Youth.id, Youth.psad_id).where(Youth.id.in_(youth_ids))
        )
    }
    values = personal_values(session, youth_ids)
    _scrub_batch_reports(session, youth_ids, values)
    _scrub_audit(session, values)
    rows = _Rows(youth_ids)
    metadata = Base.metadata
    for name, rule in RULES.items():
        if rule == DELETE or name == "youths" or not isinstance(rule, Mapping):
            continue
        changes = _values(rule)
        if changes and (name in rows.links or name in OWNED_THROUGH):
            table = metadata.tables[name]
            session.execute(update(table).where(rows.where(name)).values(**changes))
    youths = metadata.tables["youths"]
    youth_rule = RULES["youths"]
    assert isinstance(youth_rule, Mapping)
    session.execute(
        update(youths)
        .where(rows.where("youths"))
        .values(
            **_values(youth_rule),
            anonymised_at=now,
            updated_at=now,
            version=youths.c.version + 1,
        )
    )
    for table in reversed(metadata.sorted_tables):  # children first
        if RULES.get(table.name) == DELETE:
            session.execute(delete(table).where(rows.where(table.name)))
    for youth_id in youth_ids:
        audit.record(
            session,
            actor,
            AuditAction.YOUTH_ANONYMISED,
            object_type="youth",
            object_id=youth_id,
            psad_id=psad_of[youth_id],
        )
    session.flush()
    session.expire_all()
    return len(youth_ids)
