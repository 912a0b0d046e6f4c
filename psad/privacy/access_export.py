"""Everything the app holds on one youth, for the PSAD to answer a right of access (RGPD
article 15): a printable page and a JSON file, made from the same sections.

The sections (``psad.privacy.access_file`` and ``access_exchanges``) walk every table that
names the youth or one of their cases, and the audit log's events on the youth: who read the
file, when, and what they did. A test walks the metadata: a new table about youth must appear
in a section or in ``NOT_EXPORTED`` with its reason. Reading the export is itself recorded
(``record_export``), so the next export shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad, User
from psad.privacy import access_exchanges as exchanges
from psad.privacy import access_file as file
from psad.privacy.access_values import Gather, Section, SectionSpec
from psad.youth.models import Youth

FORMAT = "psad-droit-acces/1"
SECTIONS: tuple[SectionSpec, ...] = (
    file.youth,
    file.guardians,
    file.listings,
    file.cases,
    file.case_events,
    file.contacts,
    file.notes,
    file.darfi,
    file.obligation,
    file.tasks,
    exchanges.agenda,
    exchanges.decisions,
    exchanges.orientations,
    exchanges.messages,
    exchanges.reply_links,
    exchanges.answers,
    exchanges.blocks,
    exchanges.suspensions,
    exchanges.transfers,
    exchanges.duplicates,
    exchanges.merges,
    exchanges.journal,
)
# Tables about a youth that the export leaves out, and why (the completeness test reads it).
NOT_EXPORTED = {
    "duplicate_keys": (
        "Empreintes numériques du nom et de la date de naissance, calculées depuis la fiche "
        "pour chercher les doublons : elles n'apprennent rien de plus que la fiche."
    ),
    "duplicate_checks": (
        "Numéro de version de la fiche lors de la dernière recherche de doublons : donnée "
        "technique, sans contenu sur le jeune."
    ),
}


@dataclass(frozen=True)
class AccessExport:
    """The export of one youth, made by a user of a PSAD at an instant."""

    youth_id: int
    youth_name: str
    psad: Psad
    made_at: datetime
    made_by: str
    sections: tuple[Section, ...]

    @property
    def filled(self) -> list[Section]:
        return [section for section in self.sections if section.rows]

    @property
    def empty(self) -> list[Section]:
        return [section for section in self.sections if not section.rows]

    def as_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "youth_id": self.youth_id,
            "made_at": self.made_at.isoformat(),
            "made_by": self.made_by,
            "controller": {
                "name": self.psad.name,
                "address": self.psad.address,
                "email": self.psad.email,
                "phone": self.psad.phone,
            },
            "sections": {section.key: section.as_json() for section in self.sections},
        }

    def json_text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)


def build_export(session: Session, *, youth: Youth, by: User, now: datetime) -> AccessExport:
    """Gather every section for ``youth`` (already checked to be in the viewer's scope)."""
    gather = Gather(session, youth)
    return AccessExport(
        youth_id=youth.id,
        youth_name=youth.display_name,
        psad=youth.psad,
        made_at=now,
        made_by=by.full_name,
        sections=tuple(spec.build(gather) for spec in SECTIONS),
    )


def record_export(session: Session, *, youth: Youth, actor: audit.Actor, output: str) -> None:
    """The export is a read of the whole file: audited on the youth, with its format."""
    audit.record(
        session,
        actor,
        AuditAction.ACCESS_REQUEST_EXPORTED,
        object_type="youth",
        object_id=youth.id,
        detail=f"format={output}",
    )


def exported_tables() -> set[str]:
    """Every table a section reads."""
    return {table for spec in SECTIONS for table in spec.tables}
