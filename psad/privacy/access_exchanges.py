"""What the youth's file shares with others in the right-of-access export: comités,
orientations, messages and answers, oppositions, transfers, duplicates and merges, and the
audit log's events on the youth (who read the file, when, and what they did)."""

from __future__ import annotations

import json

from sqlalchemy import or_, select

from psad.audit.actions import label_of
from psad.audit.models import AuditEvent
from psad.auth.models import Psad
from psad.committees.models import AgendaItem, Amendment, Committee, Decision
from psad.duplicates import rules
from psad.duplicates.models import DuplicateDismissal, ProbableDuplicate, YouthMerge
from psad.messages.models import (
    AutoReminderSuspension,
    ContactBlock,
    ReplyAnswer,
    ReplyToken,
    ReviewState,
    YouthMessage,
)
from psad.orientations.models import Orientation, Programme, ProgrammeSite
from psad.privacy.access_values import (
    NO_USER,
    Gather,
    Record,
    Section,
    columns,
    label,
    record_of,
    section,
)
from psad.schoolyear import school_year_label
from psad.transfers.models import Transfer, psad_label
from psad.youth.identifiers import format_phone

REVIEW_LABELS = {
    ReviewState.PENDING: "À vérifier",
    ReviewState.CONFIRMED: "Confirmé",
    ReviewState.DISMISSED: "Écarté",
}


@section(
    "committee_items",
    "Passages en comité",
    columns(
        ("committee", "Comité"),
        ("starts_at", "Date du comité"),
        ("reasons", "Motifs d'inscription"),
        ("detail", "Faits présentés"),
        ("added_by", "Inscrit par"),
    ),
    ("agenda_items", "committees"),
)
def agenda(g: Gather, section: Section) -> None:
    items = g.session.execute(
        select(AgendaItem, Committee)
        .join(Committee, Committee.id == AgendaItem.committee_id)
        .where(AgendaItem.youth_id == g.youth.id)
        .order_by(Committee.starts_at, AgendaItem.id)
    ).all()
    for item, committee in items:
        section.add(
            committee=f"{committee.kind.label} ({committee.status.label.lower()})",
            starts_at=committee.starts_at,
            reasons=[reason.label for reason in item.reason_list],
            detail=item.detail,
            added_by=g.user(item.added_by_id) or NO_USER,
        )


@section(
    "committee_decisions",
    "Décisions de comité",
    columns(
        ("committee_on", "Comité du"),
        ("kind", "Décision"),
        ("programme", "Dispositif"),
        ("site", "Lieu"),
        ("closing_reason", "Motif de clôture"),
        ("acting", "Qui agit"),
        ("due_on", "Pour le"),
        ("comment", "Commentaire"),
        ("recorded_by", "Enregistrée par"),
        ("recorded_at", "Enregistrée le"),
        ("amendments", "Rectificatifs"),
    ),
    ("committee_decisions", "committee_amendments", "programmes", "programme_sites"),
)
def decisions(g: Gather, section: Section) -> None:
    rows = g.session.execute(
        select(Decision, Committee)
        .join(Committee, Committee.id == Decision.committee_id)
        .where(Decision.youth_id == g.youth.id)
        .order_by(Committee.starts_at, Decision.id)
    ).all()
    for decision, committee in rows:
        acting = [g.structure(decision.acting_structure_id), g.user(decision.acting_user_id)]
        section.add(
            committee_on=committee.starts_at,
            kind=decision.kind.label,
            programme=_programme(g, decision.programme_id),
            site=_site(g, decision.site_id),
            closing_reason=label(decision.closing_reason),
            acting=", ".join(name for name in acting if name) or None,
            due_on=decision.due_on,
            comment=decision.comment,
            recorded_by=g.user(decision.recorded_by_id),
            recorded_at=decision.recorded_at,
            amendments=[
                Record.of(
                    ("created_at", "Le", amendment.created_at),
                    ("text", "Rectificatif", amendment.text),
                    ("author", "Par", g.user(amendment.author_id)),
                )
                for amendment in g.session.scalars(
                    select(Amendment)
                    .where(Amendment.decision_id == decision.id)
                    .order_by(Amendment.created_at, Amendment.id)
                )
            ],
        )


def _programme(g: Gather, programme_id: int | None) -> str | None:
    programme = g.session.get(Programme, programme_id) if programme_id else None
    return programme.name if programme else None


def _site(g: Gather, site_id: int | None) -> str | None:
    site = g.session.get(ProgrammeSite, site_id) if site_id else None
    return site.label if site else None


@section(
    "orientations",
    "Orientations vers un dispositif",
    columns(
        ("programme", "Dispositif"),
        ("site", "Lieu"),
        ("vacant_place", "Place vacante"),
        ("school_year", "Année scolaire"),
        ("status", "État"),
        ("proposed_on", "Proposée le"),
        ("proposed_by", "Proposée par"),
        ("comment", "Commentaire"),
        ("refused_by", "Refusée"),
        ("reason", "Motif (refus, abandon, annulation)"),
        ("steps", "Étapes"),
    ),
    ("orientations", "orientation_steps", "vacant_places"),
)
def orientations(g: Gather, section: Section) -> None:
    for orientation in g.of_youth(Orientation, [Orientation.proposed_on, Orientation.id]):
        place = orientation.vacant_place
        section.add(
            programme=orientation.programme.name,
            site=_site(g, orientation.site_id),
            vacant_place=place.label if place else None,
            school_year=school_year_label(orientation.school_year),
            status=orientation.status.label,
            proposed_on=orientation.proposed_on,
            proposed_by=g.user(orientation.proposed_by_id),
            comment=orientation.comment,
            refused_by=label(orientation.refused_by),
            reason=orientation.reason,
            steps=[
                Record.of(
                    ("on", "Le", step.on),
                    ("status", "État", step.status.label),
                    ("comment", "Commentaire", step.comment),
                    ("author", "Par", g.user(step.author_id)),
                )
                for step in orientation.steps
            ],
        )


# --- messages, answers, opposition ----------------------------------------------------------


@section(
    "messages",
    "Messages envoyés au jeune",
    columns(
        ("created_at", "Écrit le"),
        ("channel", "Canal"),
        ("recipient", "Destinataire"),
        ("template", "Modèle"),
        ("subject", "Objet"),
        ("body", "Texte envoyé (lien personnel masqué)"),
        ("sent_by", "Envoyé par"),
        ("state", "Acheminement"),
        ("sent_at", "Parti le"),
    ),
    ("youth_messages", "outbox_messages"),
)
def messages(g: Gather, section: Section) -> None:
    for message in g.of_youth(YouthMessage, [YouthMessage.created_at, YouthMessage.id]):
        section.add(
            created_at=message.created_at,
            channel=message.channel.label,
            recipient=message.recipient,
            template=message.template_name,
            subject=message.subject,
            body=message.body,
            sent_by=g.user(message.sent_by_id) or "Relance automatique",
            state=message.outbox.state.label,
            sent_at=message.outbox.sent_at,
        )


@section(
    "reply_links",
    "Liens personnels de réponse",
    columns(
        ("created_at", "Créé le"),
        ("expires_at", "Valable jusqu'au"),
        ("last_visit_at", "Dernière visite"),
        ("answers", "Réponses données"),
    ),
    ("reply_tokens",),
)
def reply_links(g: Gather, section: Section) -> None:
    for token in g.of_youth(ReplyToken, [ReplyToken.created_at, ReplyToken.id]):
        section.add(
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_visit_at=token.last_visit_at,
            answers=token.answers,
        )


@section(
    "answers",
    "Réponses du jeune sur la page de réponse",
    columns(
        ("answered_at", "Le"),
        ("kind", "Réponse"),
        ("time_slot", "Moment pour être rappelé"),
        ("solution_kind", "Solution déclarée"),
        ("phone_proposed", "Numéro proposé"),
        ("review", "Vérification"),
        ("reviewed_by", "Vérifiée par"),
        ("reviewed_at", "Vérifiée le"),
    ),
    ("reply_answers",),
)
def answers(g: Gather, section: Section) -> None:
    for answer in g.of_youth(ReplyAnswer, [ReplyAnswer.answered_at, ReplyAnswer.id]):
        reviews = (answer.phone_review, answer.situation_review, answer.refusal_review)
        section.add(
            answered_at=answer.answered_at,
            kind=answer.kind.label,
            time_slot=label(answer.time_slot),
            solution_kind=label(answer.solution_kind),
            phone_proposed=format_phone(answer.phone_proposed) or None,
            review=next((REVIEW_LABELS[r] for r in reviews if r is not None), None),
            reviewed_by=g.user(answer.reviewed_by_id),
            reviewed_at=answer.reviewed_at,
        )


@section(
    "contact_blocks",
    "Oppositions à être contacté",
    columns(
        ("blocked_at", "Depuis le"),
        ("source", "Exprimée"),
        ("blocked_by", "Saisie par"),
        ("lifted_at", "Levée le"),
        ("lifted_by", "Levée par"),
        ("lift_reason", "Motif de la levée"),
    ),
    ("contact_blocks",),
)
def blocks(g: Gather, section: Section) -> None:
    for block in g.of_youth(ContactBlock, [ContactBlock.blocked_at, ContactBlock.id]):
        section.add(
            blocked_at=block.blocked_at,
            source=block.source.label,
            blocked_by=g.user(block.blocked_by_id),
            lifted_at=block.lifted_at,
            lifted_by=g.user(block.lifted_by_id),
            lift_reason=block.lift_reason,
        )


@section(
    "auto_reminder_suspensions",
    "Relances automatiques suspendues",
    columns(("suspended_at", "Depuis le"), ("suspended_by", "Par")),
    ("auto_reminder_suspensions",),
)
def suspensions(g: Gather, section: Section) -> None:
    for row in g.of_youth(AutoReminderSuspension, [AutoReminderSuspension.suspended_at]):
        section.add(suspended_at=row.suspended_at, suspended_by=g.user(row.suspended_by_id))


# --- transfers, duplicates, merges -----------------------------------------------------------


@section(
    "transfers",
    "Transferts entre PSAD",
    columns(
        ("direction", "Demande"),
        ("from_psad", "De"),
        ("to_psad", "Vers"),
        ("state", "État"),
        ("comment", "Commentaire"),
        ("proposed_by", "Demandé par"),
        ("proposed_at", "Demandé le"),
        ("decided_by", "Décidé par"),
        ("decided_at", "Décidé le"),
        ("refusal_reason", "Motif du refus"),
        ("subject", "Identité transmise"),
    ),
    ("transfers",),
)
def transfers(g: Gather, section: Section) -> None:
    for transfer in g.of_youth(Transfer, [Transfer.proposed_at, Transfer.id]):
        section.add(
            direction=transfer.direction.label,
            from_psad=psad_label(transfer.from_psad),
            to_psad=psad_label(transfer.to_psad),
            state=transfer.state.label,
            comment=transfer.comment,
            proposed_by=g.user(transfer.proposed_by_id),
            proposed_at=transfer.proposed_at,
            decided_by=g.user(transfer.decided_by_id),
            decided_at=transfer.decided_at,
            refusal_reason=transfer.refusal_reason,
            subject=Record.of(
                ("last_name", "Nom", transfer.subject_last_name),
                ("first_name", "Prénom", transfer.subject_first_name),
                ("birth_date", "Né(e) le", transfer.subject_birth_date),
            ),
        )


@section(
    "duplicates",
    "Doublons possibles",
    columns(
        ("state", "État"),
        ("reasons", "Motifs du rapprochement"),
        ("decided_at", "Décidé le"),
        ("decided_by", "Par"),
    ),
    ("probable_duplicates", "duplicate_dismissals"),
)
def duplicates(g: Gather, section: Section) -> None:
    """Files found alike: the reasons and what was decided, never the other youth's identity
    (another person's data)."""
    mine = or_(
        ProbableDuplicate.low_youth_id == g.youth.id,
        ProbableDuplicate.high_youth_id == g.youth.id,
    )
    for pair in g.session.scalars(select(ProbableDuplicate).where(mine)):
        section.add(
            state="À examiner",
            reasons=[rules.Reason(r).label for r in pair.reasons.split(",") if r],
            decided_at=None,
            decided_by=None,
        )
    dismissed = or_(
        DuplicateDismissal.low_youth_id == g.youth.id,
        DuplicateDismissal.high_youth_id == g.youth.id,
    )
    for dismissal in g.session.scalars(select(DuplicateDismissal).where(dismissed)):
        section.add(
            state="Écarté : pas la même personne",
            reasons=[],
            decided_at=dismissal.dismissed_at,
            decided_by=g.user(dismissal.dismissed_by_id),
        )


@section(
    "merges",
    "Dossiers fusionnés dans celui-ci",
    columns(
        ("merged_at", "Fusionné le"),
        ("merged_by", "Par"),
        ("merged_id", "Numéro du dossier fusionné"),
        ("detail", "Détail"),
    ),
    ("youth_merges",),
)
def merges(g: Gather, section: Section) -> None:
    for merge in _merges_into(g):
        section.add(
            merged_at=merge.merged_at,
            merged_by=g.user(merge.merged_by_id),
            merged_id=merge.merged_id,
            detail=record_of({key: _flat(value) for key, value in merge.detail.items()}),
        )


def _merges_into(g: Gather) -> list[YouthMerge]:
    return list(
        g.session.scalars(
            select(YouthMerge).where(YouthMerge.kept_id == g.youth.id).order_by(YouthMerge.id)
        )
    )


def _flat(value: object) -> str | int | bool | None:
    if value is None or isinstance(value, str | int | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- who read the file ----------------------------------------------------------------------


@section(
    "audit_events",
    "Consultations et actions enregistrées au journal",
    columns(
        ("occurred_at", "Date"),
        ("user", "Utilisateur"),
        ("action", "Action"),
        ("psad", "PSAD"),
        ("detail", "Détail"),
    ),
    ("audit_events",),
    empty="Aucune consultation enregistrée.",
)
def journal(g: Gather, section: Section) -> None:
    """Every event of the audit log on this youth (and on files merged into it): reads,
    refused reads, changes, exports; whoever made them, whichever PSAD."""
    ids = [g.youth.id, *(merge.merged_id for merge in _merges_into(g))]
    events = g.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "youth", AuditEvent.object_id.in_(ids))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    for event in events:
        psad = g.session.get(Psad, event.psad_id) if event.psad_id else None
        section.add(
            occurred_at=event.occurred_at,
            user=g.user(event.user_id) or NO_USER,
            action=label_of(event.action),
            psad=psad.code if psad else None,
            detail=event.detail,
        )
