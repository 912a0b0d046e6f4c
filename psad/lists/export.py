"""The filtered youth list as an ``.xlsx`` workbook: one row per youth, in the list's order.

The columns are those the list shows, plus contact details for those who may call the youth
(pilotes and co-pilotes). One query streams the rows (its joins bring each youth's current
case, referent, situation and closing reason; the list's copy of the follow-up state gives
the tab, the stage and the last contact), and openpyxl's write-only mode writes them to the
target as they come: memory stays flat whatever the length of the list. Dates are real
dates; every text cell is safe from formula injection (``psad.xlsx.safe_cell``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import ColumnElement, Row, Select
from sqlalchemy.orm import Session, aliased

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.clock import local
from psad.followup.queries import tab_of
from psad.followup.worklist import ListArgs, ordered
from psad.lists.services import filter_detail
from psad.reference.models import ReferenceItem
from psad.xlsx import safe_cell
from psad.youth.identifiers import age_on, format_phone
from psad.youth.models import Case, CaseStage, CaseStatus, ListState, Youth

SHEET_TITLE = "Jeunes"
DATE_FORMAT = "DD/MM/YYYY"
CHUNK = 1000  # rows fetched at a time from the database


@dataclass(frozen=True)
class Column:
    header: str
    width: int


COLUMNS = (
    Column("Nom", 22),
    Column("Prénom", 18),
    Column("INE", 13),
    Column("Date de naissance", 12),
    Column("Âge", 6),
    Column("Commune", 20),
    Column("Onglet", 15),
    Column("Dossier", 9),
    Column("Étape", 18),
    Column("Situation", 24),
    Column("Référent", 22),
    Column("Structure référente", 28),
    Column("Ouvert le", 12),
    Column("Clos le", 12),
    Column("Motif de clôture", 24),
    Column("Dernier contact", 12),
)
CONTACT_COLUMNS = (
    Column("Téléphone", 16),
    Column("Autre téléphone", 16),
    Column("Adresse électronique", 30),
    Column("Adresse", 36),
    Column("Code postal", 8),
)


def columns(with_contacts: bool) -> tuple[Column, ...]:
    return COLUMNS + CONTACT_COLUMNS if with_contacts else COLUMNS


def export_query(listed: Select[Youth]) -> Select[*tuple[Any, ...]]:
    """The list's rows (same filter, same order) as the workbook's values. The joins use
    aliases of their own, so that a list already joined to cases or users stays intact."""
    case = aliased(Case)
    referent = aliased(User)
    structure = aliased(Structure)
    situation = aliased(ReferenceItem)
    reason = aliased(ReferenceItem)
    return (
        listed.with_only_columns(
            Youth.last_name,
            Youth.first_name,
            Youth.ine,
            Youth.birth_date,
            Youth.commune,
            Youth.list_state,
            Youth.call_back_due_on,
            Youth.last_contact_at,
            case.status,
            case.decided_stage,
            situation.label.label("situation"),
            referent.full_name.label("referent"),
            structure.name.label("structure"),
            case.opened_on,
            case.closed_on,
            reason.label.label("closing_reason"),
            Youth.phone,
            Youth.other_phone,
            Youth.email,
            Youth.address,
            Youth.postal_code,
        )
        .outerjoin(case, case.id == Youth.current_case_id)
        .outerjoin(situation, situation.id == case.situation_id)
        .outerjoin(referent, referent.id == case.referent_user_id)
        .outerjoin(structure, structure.id == case.referent_structure_id)
        .outerjoin(reason, reason.id == case.closing_reason_id)
        .execution_options(yield_per=CHUNK)
    )


def stage_of(row: Row[Any]) -> CaseStage | None:
    """The stage of an open case, as ``psad.followup.stages.current_stage`` says it: the one a
    person decided, else « à contacter » until a first contact."""
    if row.status is not CaseStatus.OPEN:
        return None
    if row.decided_stage is not None:
        return CaseStage(row.decided_stage)
    return CaseStage.TO_CONTACT if row.list_state is ListState.TO_PROCESS else CaseStage.CONTACTING


def values(row: Row[Any], *, today: date, with_contacts: bool) -> list[Any]:
    """One youth's cells, in the order of ``columns``."""
    tab = (
        tab_of(row.list_state, row.call_back_due_on is not None and row.call_back_due_on <= today)
        if row.list_state is not None
        else None
    )
    stage = stage_of(row)
    cells: list[Any] = [
        row.last_name,
        row.first_name,
        row.ine,
        row.birth_date,
        age_on(row.birth_date, today) if row.birth_date else None,
        row.commune,
        tab.label if tab else None,
        row.status.label if row.status else None,
        stage.label if stage else None,
        row.situation,
        row.referent,
        row.structure,
        row.opened_on,
        row.closed_on,
        row.closing_reason,
        local(row.last_contact_at).date() if row.last_contact_at else None,
    ]
    if with_contacts:
        cells += [
            format_phone(row.phone) or None,
            format_phone(row.other_phone) or None,
            row.email,
            row.address,
            row.postal_code,
        ]
    return cells


def rows(
    session: Session, listed: Select[Youth], *, today: date, with_contacts: bool
) -> Iterator[list[Any]]:
    for row in session.execute(export_query(listed)):
        yield values(row, today=today, with_contacts=with_contacts)


def write_workbook(
    target: IO[bytes], headers: Sequence[Column], table: Iterator[Sequence[Any]]
) -> int:
    """One sheet: a bold, frozen header row, the columns' widths, then the rows as they come
    (write-only mode). Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header_cells = []
    for column in headers:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    written = 0
    for row in table:
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
    workbook.save(target)
    return written


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return safe_cell(sheet, value)


def export_list(
    session: Session,
    *,
    scope: ColumnElement[bool],
    args: ListArgs,
    with_contacts: bool,
    today: date,
    target: IO[bytes],
    actor: audit.Actor,
) -> int:
    """Write the list that ``args`` describes, within ``scope``, to ``target``; audit it with
    the filter used and the number of rows. Returns that number."""
    listed = ordered(scope, args, today)
    written = write_workbook(
        target,
        columns(with_contacts),
        rows(session, listed, today=today, with_contacts=with_contacts),
    )
    audit.record(
        session,
        actor,
        AuditAction.LIST_EXPORTED,
        object_type="youth_list",
        detail=(
            f"{filter_detail(args.query_string())}; lignes={written}; "
            f"coordonnées={'oui' if with_contacts else 'non'}"
        ),
    )
    return written
