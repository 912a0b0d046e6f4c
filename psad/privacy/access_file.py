"""The youth's own file in the right-of-access export: identity, legal guardians, the lists
that named them (each row as read), the cases and everything recorded on them."""

from __future__ import annotations

import json

from sqlalchemy import select

from psad.followup.models import (
    CaseEvent,
    Contact,
    DarfiRequest,
    Note,
    ObligationStepRecord,
    Task,
)
from psad.imports.models import ImportBatch, Listing
from psad.privacy.access_values import (
    Gather,
    Record,
    Section,
    Value,
    columns,
    label,
    record_of,
    section,
)
from psad.transfers.models import psad_label
from psad.youth.identifiers import format_phone
from psad.youth.services import FIELD_LABELS

IDENTITY_FIELDS = ("ine", "last_name", "first_name", "sex", "birth_date", "birth_place")
CONTACT_FIELDS = ("address", "postal_code", "commune", "phone", "other_phone", "email")
SCHOOLING_FIELDS = (
    "school_uai",
    "school_name",
    "school_commune",
    "school_academy",
    "formation",
    "level",
    "track",
    "school_entry_date",
    "school_exit_date",
    "exit_reason",
)
YOUTH_FIELDS = IDENTITY_FIELDS + CONTACT_FIELDS + SCHOOLING_FIELDS
PHONES = ("phone", "other_phone")


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@section(
    "youth",
    "Identité, coordonnées et dernière scolarité",
    columns(
        *((name, _capitalised(FIELD_LABELS[name])) for name in YOUTH_FIELDS),
        ("psad", "PSAD qui suit le jeune"),
        ("created_at", "Fiche créée le"),
        ("updated_at", "Fiche modifiée le"),
        ("anonymised_at", "Anonymisée le"),
    ),
    ("youths",),
)
def youth(g: Gather, section: Section) -> None:
    youth = g.youth
    values: dict[str, Value] = {}
    for name in YOUTH_FIELDS:
        value = getattr(youth, name)
        if name in PHONES:
            value = format_phone(value) or None
        values[name] = label(value) if hasattr(value, "label") else value
    section.add(
        **values,
        psad=psad_label(youth.psad),
        created_at=youth.created_at,
        updated_at=youth.updated_at,
        anonymised_at=youth.anonymised_at,
    )


@section(
    "guardians",
    "Représentants légaux",
    columns(
        ("last_name", "Nom"),
        ("first_name", "Prénom"),
        ("phone", "Téléphone"),
        ("email", "Courriel"),
        ("address", "Adresse"),
    ),
    ("guardians",),
)
def guardians(g: Gather, section: Section) -> None:
    for guardian in g.youth.guardians:
        section.add(
            last_name=guardian.last_name,
            first_name=guardian.first_name,
            phone=format_phone(guardian.phone) or None,
            email=guardian.email,
            address=guardian.address,
        )


@section(
    "listings",
    "Listes où le jeune figure (repérage)",
    columns(
        ("list", "Liste"),
        ("source", "Origine"),
        ("file_name", "Fichier"),
        ("imported_at", "Importée le"),
        ("line", "Ligne du fichier"),
        ("outcome", "Effet sur le dossier"),
        ("row", "Ligne telle que lue dans le fichier"),
    ),
    ("listings", "import_batches"),
    empty="Le jeune ne figure dans aucune liste importée.",
)
def listings(g: Gather, section: Section) -> None:
    rows = g.session.execute(
        select(Listing, ImportBatch)
        .join(ImportBatch, ImportBatch.id == Listing.batch_id)
        .where(Listing.youth_id == g.youth.id)
        .order_by(ImportBatch.imported_at, ImportBatch.id)
    ).all()
    rows_by_hash: dict[str, Record] = {}
    for listing, batch in rows:
        row = _raw_row(listing, batch)
        if row is not None:
            rows_by_hash[listing.row_hash] = row
        section.add(
            list=batch.label,
            source=batch.source.label,
            file_name=batch.file_name,
            imported_at=batch.imported_at,
            line=listing.line,
            outcome=listing.outcome.label,
            row=row if row is not None else rows_by_hash.get(listing.row_hash),
        )


def _raw_row(listing: Listing, batch: ImportBatch) -> Record | None:
    """The row as read, under the file's headers (an identical later row is not stored
    again: the youth's earlier listing with the same fingerprint holds it)."""
    if not listing.row_json:
        return None
    cells = json.loads(listing.row_json)
    headers = [str(header) for header in batch.report.get("headers", [])]
    pairs: dict[str, str | None] = {}
    for position, cell in enumerate(cells):
        header = headers[position] if position < len(headers) and headers[position] else ""
        name = header or f"Colonne {position + 1}"
        pairs[name if name not in pairs else f"{name} ({position + 1})"] = (
            None if cell is None else str(cell)
        )
    return record_of(pairs)


# --- cases and what happened on them ------------------------------------------------------


@section(
    "cases",
    "Dossiers de suivi",
    columns(
        ("status", "État"),
        ("opened_on", "Ouvert le"),
        ("source", "Origine"),
        ("source_detail", "Précision sur l'origine"),
        ("source_structure", "Structure à l'origine"),
        ("opened_by", "Ouvert par"),
        ("reason", "Motif du signalement"),
        ("situation", "Situation"),
        ("stage", "Étape décidée"),
        ("referent_user", "Référent"),
        ("referent_structure", "Structure référente"),
        ("project", "Projet"),
        ("needs", "Besoins et attentes"),
        ("known_to_partner", "Connu d'un partenaire"),
        ("solution", "Solution"),
        ("solution_since", "Solution depuis le"),
        ("closed_on", "Clos le"),
        ("closing_reason", "Motif de clôture"),
    ),
    ("cases", "case_needs"),
)
def cases(g: Gather, section: Section) -> None:
    for case in sorted(g.youth.cases, key=lambda c: (c.opened_on, c.id)):
        section.add(
            status=case.status.label,
            opened_on=case.opened_on,
            source=case.source.label,
            source_detail=case.source_detail,
            source_structure=g.structure(case.source_structure_id),
            opened_by=g.user(case.opened_by_id),
            reason=case.reason,
            situation=label(case.situation),
            stage=label(case.decided_stage),
            referent_user=g.user(case.referent_user_id),
            referent_structure=g.structure(case.referent_structure_id),
            project=case.project,
            needs=[item.label for item in case.needs],
            known_to_partner=label(case.known_to_partner),
            solution=label(case.solution),
            solution_since=case.solution_since,
            closed_on=case.closed_on,
            closing_reason=label(case.closing_reason),
        )


@section(
    "case_events",
    "Historique des dossiers",
    columns(
        ("occurred_at", "Date"),
        ("kind", "Changement"),
        ("before", "Avant"),
        ("after", "Après"),
        ("reason", "Motif"),
        ("author", "Par"),
    ),
    ("case_events",),
)
def case_events(g: Gather, section: Section) -> None:
    for event in g.of_cases(CaseEvent, [CaseEvent.occurred_at, CaseEvent.id]):
        section.add(
            occurred_at=event.occurred_at,
            kind=event.kind.label,
            before=event.before,
            after=event.after,
            reason=event.reason,
            author=g.user(event.author_id),
        )


@section(
    "contacts",
    "Prises de contact",
    columns(
        ("occurred_at", "Date"),
        ("channel", "Canal"),
        ("party", "Avec"),
        ("reached", "Joint"),
        ("outcome", "Résultat"),
        ("comment", "Commentaire"),
        ("author", "Par"),
        ("corrects", "Annule et remplace le contact du"),
    ),
    ("contacts",),
)
def contacts(g: Gather, section: Section) -> None:
    for contact in g.of_cases(Contact, [Contact.occurred_at, Contact.id]):
        section.add(
            occurred_at=contact.occurred_at,
            channel=contact.channel.label,
            party=contact.party.label,
            reached=contact.reached,
            outcome=label(contact.outcome),
            comment=contact.comment,
            author=g.user(contact.author_id),
            corrects=contact.replaces.occurred_at if contact.replaces else None,
        )


@section(
    "notes",
    "Notes et diagnostics",
    columns(
        ("created_at", "Date"),
        ("kind", "Nature"),
        ("body", "Texte"),
        ("author", "Par"),
        ("corrects", "Annule et remplace une note antérieure"),
    ),
    ("notes",),
)
def notes(g: Gather, section: Section) -> None:
    for note in g.of_cases(Note, [Note.created_at, Note.id]):
        section.add(
            created_at=note.created_at,
            kind=note.kind.label,
            body=note.body,
            author=g.user(note.author_id),
            corrects=note.replaces_id is not None,
        )


@section(
    "darfi_requests",
    "Demandes de retour en formation (DARFI)",
    columns(
        ("requested_on", "Demandée le"),
        ("source", "Demandée par"),
        ("diploma", "Diplôme"),
        ("wish", "Souhait"),
        ("interview_on", "Entretien le"),
        ("interview_by", "Entretien mené par"),
        ("interview_outcome", "Suite de l'entretien"),
        ("author", "Enregistrée par"),
    ),
    ("darfi_requests",),
)
def darfi(g: Gather, section: Section) -> None:
    for request in g.of_cases(DarfiRequest, [DarfiRequest.requested_on, DarfiRequest.id]):
        section.add(
            requested_on=request.requested_on,
            source=request.source.label,
            diploma=request.diploma.label,
            wish=request.wish,
            interview_on=request.interview_on,
            interview_by=g.user(request.interview_by_id),
            interview_outcome=request.interview_outcome,
            author=g.user(request.author_id),
        )


@section(
    "obligation_steps",
    "Obligation de formation (16-18 ans)",
    columns(
        ("done_on", "Date"),
        ("step", "Étape"),
        ("comment", "Commentaire"),
        ("author", "Par"),
    ),
    ("obligation_steps",),
)
def obligation(g: Gather, section: Section) -> None:
    steps = g.of_cases(ObligationStepRecord, [ObligationStepRecord.done_on])
    for step in steps:
        section.add(
            done_on=step.done_on,
            step=step.step.label,
            comment=step.comment,
            author=g.user(step.author_id),
        )


@section(
    "tasks",
    "Tâches",
    columns(
        ("title", "Tâche"),
        ("rule", "Origine"),
        ("due_on", "Échéance"),
        ("assignee", "Pour"),
        ("created_by", "Créée par"),
        ("created_at", "Créée le"),
        ("done_at", "Faite le"),
        ("done_by", "Faite par"),
        ("done_comment", "Commentaire"),
    ),
    ("tasks",),
)
def tasks(g: Gather, section: Section) -> None:
    for task in g.of_cases(Task, [Task.due_on, Task.id]):
        for_whom = [g.user(task.assignee_user_id), g.structure(task.assignee_structure_id)]
        section.add(
            title=task.title,
            rule=task.rule.label,
            due_on=task.due_on,
            assignee=", ".join(name for name in for_whom if name) or None,
            created_by=g.user(task.created_by_id),
            created_at=task.created_at,
            done_at=task.done_at,
            done_by=g.user(task.done_by_id),
            done_comment=task.done_comment,
        )
