"""The templates each PSAD starts with: short, warm, plain French, « tu » to minors and
« vous » to adults. The pilote changes them on the templates page; a code missing from a
PSAD is added again (``ensure_default_templates``), a changed one is never overwritten.

SMS texts keep to the GSM alphabet (no « », no ê, ç, ô, no « · »): one SMS holds 160 of
those characters but only 70 otherwise. The link is added at the end of an SMS that does
not place it, then the STOP notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.messages.models import MessageTemplate

FIRST_CONTACT = "first_contact"
CALL_BACK = "call_back"
DARFI_INFO = "darfi_info"
COMMITTEE_OUTCOME = "committee_outcome"
AUTO_REMINDER = "auto_reminder"  # the automatic reminder's text (psad.messages.reminders)

SIGNATURE = "À bientôt,\n{conseiller}\n{psad}"


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    name: str
    subject: str
    email_tu: str
    email_vous: str
    sms_tu: str
    sms_vous: str


DEFAULT_TEMPLATES = (
    DefaultTemplate(
        code=FIRST_CONTACT,
        name="Premier contact après une liste",
        subject="{psad} : formation, emploi, accompagnement",
        email_tu=(
            "Bonjour {prenom},\n\n"
            "Je suis {conseiller}, de la plateforme de suivi et d'appui aux décrocheurs "
            "({psad}). Nous aidons les jeunes qui ont quitté leur formation à trouver la "
            "suite qui leur convient : reprendre des études, un apprentissage, un emploi ou "
            "un accompagnement.\n\n"
            "Dis-nous en une minute ce que tu souhaites, avec ton lien personnel :\n{lien}\n\n"
            "Tu peux y demander à être rappelé·e, nous dire que tu as déjà une solution, "
            "ou que tu ne souhaites pas être contacté·e.\n\n" + SIGNATURE
        ),
        email_vous=(
            "Bonjour {prenom},\n\n"
            "Je suis {conseiller}, de la plateforme de suivi et d'appui aux décrocheurs "
            "({psad}). Nous aidons les jeunes qui ont quitté leur formation à trouver la "
            "suite qui leur convient : reprendre des études, un apprentissage, un emploi ou "
            "un accompagnement.\n\n"
            "Dites-nous en une minute ce que vous souhaitez, avec votre lien personnel :\n"
            "{lien}\n\n"
            "Vous pouvez y demander à être rappelé·e, nous dire que vous avez déjà une "
            "solution, ou que vous ne souhaitez pas être contacté·e.\n\n" + SIGNATURE
        ),
        sms_tu=(
            "Bonjour {prenom}, c'est {conseiller} ({psad}). Nous pouvons t'aider à trouver "
            "une formation ou un emploi. Dis-nous ce qui te convient :"
        ),
        sms_vous=(
            "Bonjour {prenom}, {conseiller} ({psad}). Nous pouvons vous aider à trouver "
            "une formation ou un emploi. Dites-nous ce qui vous convient :"
        ),
    ),
    DefaultTemplate(
        code=CALL_BACK,
        name="Rappel après un appel manqué",
        subject="{psad} : un appel manqué",
        email_tu=(
            "Bonjour {prenom},\n\n"
            "J'ai essayé de t'appeler, sans réussir à te joindre. Je voulais faire le point "
            "avec toi sur ce que tu fais en ce moment et sur tes projets.\n\n"
            "Dis-moi quand te rappeler, ou donne-moi ton nouveau numéro s'il a changé, avec "
            "ton lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        email_vous=(
            "Bonjour {prenom},\n\n"
            "J'ai essayé de vous appeler, sans réussir à vous joindre. Je voulais faire le "
            "point avec vous sur ce que vous faites en ce moment et sur vos projets.\n\n"
            "Dites-moi quand vous rappeler, ou donnez-moi votre nouveau numéro s'il a changé, "
            "avec votre lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        sms_tu=(
            "Bonjour {prenom}, c'est {conseiller} ({psad}). J'ai essayé de t'appeler. "
            "Dis-moi quand te rappeler :"
        ),
        sms_vous=(
            "Bonjour {prenom}, {conseiller} ({psad}). J'ai essayé de vous appeler. "
            "Dites-moi quand vous rappeler :"
        ),
    ),
    DefaultTemplate(
        code=DARFI_INFO,
        name="Information DARFI (retour en formation)",
        subject="{psad} : reprendre une formation, c'est possible",
        email_tu=(
            "Bonjour {prenom},\n\n"
            "Entre 16 et 25 ans, si tu as quitté l'école sans diplôme ou sans qualification "
            "professionnelle, tu as le droit de reprendre une formation : au lycée, en "
            "apprentissage ou dans une autre formation. C'est le droit au retour en "
            "formation initiale.\n\n"
            "Je peux t'expliquer comment faire et t'aider à choisir. Pour demander un "
            "rendez-vous, utilise ton lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        email_vous=(
            "Bonjour {prenom},\n\n"
            "Entre 16 et 25 ans, si vous avez quitté l'école sans diplôme ou sans "
            "qualification professionnelle, vous avez le droit de reprendre une formation : "
            "au lycée, en apprentissage ou dans une autre formation. C'est le droit au "
            "retour en formation initiale.\n\n"
            "Je peux vous expliquer comment faire et vous aider à choisir. Pour demander un "
            "rendez-vous, utilisez votre lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        sms_tu=(
            "Bonjour {prenom}, c'est {conseiller} ({psad}). Tu as le droit de reprendre "
            "une formation jusqu'à 25 ans. On en parle ?"
        ),
        sms_vous=(
            "Bonjour {prenom}, {conseiller} ({psad}). Vous avez le droit de reprendre "
            "une formation jusqu'à 25 ans. Parlons-en :"
        ),
    ),
    DefaultTemplate(
        code=COMMITTEE_OUTCOME,
        name="Suite du comité technique",
        subject="{psad} : une proposition pour la suite",
        email_tu=(
            "Bonjour {prenom},\n\n"
            "Nous avons parlé de ton parcours avec nos partenaires et nous avons une "
            "proposition à te faire. J'aimerais en discuter avec toi.\n\n"
            "Dis-moi quand te joindre, avec ton lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        email_vous=(
            "Bonjour {prenom},\n\n"
            "Nous avons parlé de votre parcours avec nos partenaires et nous avons une "
            "proposition à vous faire. J'aimerais en discuter avec vous.\n\n"
            "Dites-moi quand vous joindre, avec votre lien personnel :\n{lien}\n\n" + SIGNATURE
        ),
        sms_tu=(
            "Bonjour {prenom}, c'est {conseiller} ({psad}). Nous avons une proposition "
            "à te faire. Dis-moi quand te joindre :"
        ),
        sms_vous=(
            "Bonjour {prenom}, {conseiller} ({psad}). Nous avons une proposition "
            "à vous faire. Dites-moi quand vous joindre :"
        ),
    ),
    DefaultTemplate(
        code=AUTO_REMINDER,
        name="Relance automatique",
        subject="{psad} : un petit rappel",
        email_tu=(
            "Bonjour {prenom},\n\n"
            "Nous t'avons écrit il y a quelques jours, sans réponse pour l'instant. Nous "
            "pouvons t'aider à trouver une formation, un apprentissage, un emploi ou un "
            "accompagnement.\n\n"
            "Une minute suffit pour nous dire ce qui te convient, avec ton lien personnel :\n"
            "{lien}\n\n"
            "Si tu ne souhaites plus être contacté·e, tu peux aussi le dire sur cette page.\n\n"
            + SIGNATURE
        ),
        email_vous=(
            "Bonjour {prenom},\n\n"
            "Nous vous avons écrit il y a quelques jours, sans réponse pour l'instant. Nous "
            "pouvons vous aider à trouver une formation, un apprentissage, un emploi ou un "
            "accompagnement.\n\n"
            "Une minute suffit pour nous dire ce qui vous convient, avec votre lien "
            "personnel :\n{lien}\n\n"
            "Si vous ne souhaitez plus être contacté·e, vous pouvez aussi le dire sur cette "
            "page.\n\n" + SIGNATURE
        ),
        sms_tu=(
            "Bonjour {prenom}, petit rappel de {psad} : nous pouvons t'aider. "
            "Dis-nous ce qui te convient :"
        ),
        sms_vous=(
            "Bonjour {prenom}, petit rappel de {psad} : nous pouvons vous aider. "
            "Dites-nous ce qui vous convient :"
        ),
    ),
)


def ensure_default_templates(session: Session, psad_id: int) -> int:
    """Add the shipped templates the PSAD lacks (by code); how many were added."""
    present = set(
        session.scalars(select(MessageTemplate.code).where(MessageTemplate.psad_id == psad_id))
    )
    added = 0
    for position, default in enumerate(DEFAULT_TEMPLATES, start=1):
        if default.code in present:
            continue
        session.add(
            MessageTemplate(
                psad_id=psad_id,
                code=default.code,
                name=default.name,
                subject=default.subject,
                email_tu=default.email_tu,
                email_vous=default.email_vous,
                sms_tu=default.sms_tu,
                sms_vous=default.sms_vous,
                active=True,
                position=position,
            )
        )
        added += 1
    if added:
        session.flush()
    return added
