"""The PSAD's message templates: listing, checking and saving them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import User
from psad.messages.models import MessageTemplate
from psad.messages.rendering import validate_template
from psad.messages.services.errors import MessagingError, TemplateError


@dataclass(frozen=True)
class TemplateData:
    """What the template form gives; SMS texts empty: the template offers no SMS."""

    name: str
    subject: str
    email_tu: str
    email_vous: str
    sms_tu: str | None = None
    sms_vous: str | None = None
    active: bool = True


TEXT_FIELDS = ("subject", "email_tu", "email_vous", "sms_tu", "sms_vous")
REQUIRED_FIELDS = {
    "name": "Donnez un nom au modèle.",
    "subject": "L'objet du courriel est obligatoire.",
    "email_tu": "Le texte du courriel (tutoiement) est obligatoire.",
    "email_vous": "Le texte du courriel (vouvoiement) est obligatoire.",
}
SMS_PAIR = "Donnez les deux textes SMS (tutoiement et vouvoiement), ou aucun."


def templates_of(
    session: Session, psad_id: int, *, active_only: bool = False
) -> list[MessageTemplate]:
    """The PSAD's templates, in their order."""
    query = select(MessageTemplate).where(MessageTemplate.psad_id == psad_id)
    if active_only:
        query = query.where(MessageTemplate.active.is_(True))
    return list(
        session.scalars(
            query.order_by(MessageTemplate.position, MessageTemplate.name, MessageTemplate.id)
        )
    )


def template_by_code(session: Session, psad_id: int, code: str) -> MessageTemplate | None:
    return session.scalar(
        select(MessageTemplate).where(
            MessageTemplate.psad_id == psad_id, MessageTemplate.code == code
        )
    )


def template_errors(data: TemplateData) -> dict[str, list[str]]:
    """Each field's French errors (empty when the template can be saved)."""
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED_FIELDS.items():
        if not (getattr(data, name) or "").strip():
            errors.setdefault(name, []).append(message)
    for name in TEXT_FIELDS:
        problems = validate_template(getattr(data, name), subject=name == "subject")
        if problems:
            errors.setdefault(name, []).extend(problems)
    if bool((data.sms_tu or "").strip()) != bool((data.sms_vous or "").strip()):
        missing = "sms_vous" if (data.sms_tu or "").strip() else "sms_tu"
        errors.setdefault(missing, []).append(SMS_PAIR)
    return errors


def save_template(
    session: Session,
    *,
    psad_id: int,
    code: str | None,
    data: TemplateData,
    by: User,
    actor: Actor,
    now: datetime,
) -> MessageTemplate:
    """Change the template ``code`` of the PSAD, or add a new one (``code`` None: a code
    is made from its name). ``TemplateError`` lists each field's errors."""
    errors = template_errors(data)
    if errors:
        raise TemplateError(errors)
    template = None if code is None else template_by_code(session, psad_id, code)
    if code is not None and template is None:
        raise MessagingError("Ce modèle n'existe pas dans cette PSAD.")
    created = template is None
    if template is None:
        template = MessageTemplate(
            psad_id=psad_id,
            code=_new_code(session, psad_id, data.name),
            position=len(templates_of(session, psad_id)) + 1,
        )
        session.add(template)
    template.name = data.name.strip()[:120]
    template.subject = " ".join(data.subject.split())[:200]
    template.email_tu = data.email_tu.strip()
    template.email_vous = data.email_vous.strip()
    template.sms_tu = (data.sms_tu or "").strip() or None
    template.sms_vous = (data.sms_vous or "").strip() or None
    template.active = data.active
    template.updated_at, template.updated_by_id = now, by.id
    session.flush()
    record(
        session,
        actor,
        AuditAction.MESSAGE_TEMPLATE_SAVED,
        object_type="message_template",
        object_id=template.id,
        detail=f"modele={template.code}; nouveau={'oui' if created else 'non'}",
        psad_id=psad_id,
    )
    return template


def _new_code(session: Session, psad_id: int, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:30] or "modele"
    taken = set(
        session.scalars(select(MessageTemplate.code).where(MessageTemplate.psad_id == psad_id))
    )
    code, number = stem, 1
    while code in taken:
        number += 1
        code = f"{stem}_{number}"
    return code
