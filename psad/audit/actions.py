"""What the audit log records, with the French words shown in the log's page."""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    LOGIN_SUCCEEDED = "login.succeeded"
    PASSWORD_ACCEPTED = "login.password_accepted"
    LOGIN_FAILED = "login.failed"
    LOGIN_LOCKED = "login.locked"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password.changed"
    PSAD_SWITCHED = "psad.switched"
    YOUTH_VIEWED = "youth.viewed"
    YOUTH_ACCESS_REFUSED = "youth.access_refused"
    YOUTH_CREATED = "youth.created"
    YOUTH_UPDATED = "youth.updated"
    CASE_OPENED = "case.opened"
    CASE_REOPENED = "case.reopened"
    CASE_CHANGED = "case.changed"
    CASE_CLOSED = "case.closed"
    CONTACT_RECORDED = "contact.recorded"
    CONTACT_CORRECTED = "contact.corrected"
    NOTE_ADDED = "note.added"
    DARFI_RECORDED = "darfi.recorded"
    OBLIGATION_STEP_RECORDED = "obligation.recorded"
    TASK_CREATED = "task.created"
    TASK_DONE = "task.done"
    PSAD_CREATED = "psad.created"
    PSAD_UPDATED = "psad.updated"
    STRUCTURE_CREATED = "structure.created"
    STRUCTURE_UPDATED = "structure.updated"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    MEMBERSHIP_ADDED = "membership.added"
    MEMBERSHIP_REMOVED = "membership.removed"
    REFERENCE_UPDATED = "reference.updated"
    IMPORT_PREVIEWED = "import.previewed"
    IMPORT_APPLIED = "import.applied"
    IMPORT_REJECTS_DOWNLOADED = "import.rejects_downloaded"
    IMPORT_BATCH_VIEWED = "import.batch_viewed"
    PROFILE_SAVED = "import.profile_saved"
    LIST_EXPORTED = "list.exported"
    LIST_VIEW_SAVED = "list.view_saved"
    BULK_APPLIED = "list.bulk_applied"
    DUPLICATE_DISMISSED = "duplicate.dismissed"
    YOUTH_MERGED = "youth.merged"
    TRANSFER_PROPOSED = "transfer.proposed"
    TRANSFER_ACCEPTED = "transfer.accepted"
    TRANSFER_REFUSED = "transfer.refused"
    TRANSFER_CANCELLED = "transfer.cancelled"
    PROGRAMME_CREATED = "programme.created"
    PROGRAMME_UPDATED = "programme.updated"
    PROGRAMME_RETIRED = "programme.retired"
    SITE_SAVED = "programme.site_saved"
    VACANCY_DECLARED = "vacancy.declared"
    VACANCY_WITHDRAWN = "vacancy.withdrawn"
    VACANCIES_IMPORTED = "vacancy.imported"
    ORIENTATION_PROPOSED = "orientation.proposed"
    ORIENTATION_CHANGED = "orientation.changed"
    ORIENTATION_NEWS = "orientation.news"
    ORIENTATIONS_EXPORTED = "orientation.exported"
    ELIGIBILITY_VIEWED = "orientation.eligibility_viewed"
    COMMITTEE_CREATED = "committee.created"
    COMMITTEE_UPDATED = "committee.updated"
    AGENDA_CHANGED = "committee.agenda_changed"
    AGENDA_PUBLISHED = "committee.agenda_published"
    ATTENDANCE_RECORDED = "committee.attendance"
    DECISION_RECORDED = "committee.decision"
    MINUTES_VALIDATED = "committee.minutes_validated"
    MINUTES_AMENDED = "committee.minutes_amended"
    MINUTES_EXPORTED = "committee.minutes_exported"
    CALENDAR_TOKEN_CHANGED = "committee.calendar_token"
    REMINDER_RULES_CHANGED = "reminders.rules"
    DIGEST_PREFERENCE_CHANGED = "reminders.digest_preference"
    REMINDERS_RUN = "reminders.run"
    OUTBOX_RETRIED = "outbox.retried"
    BILAN_EXPORTED = "bilan.exported"
    BILAN_YOUTH_LISTED = "bilan.youth_listed"
    BILAN_RECOMPUTED = "bilan.recomputed"
    MESSAGE_SENT = "message.sent"
    MESSAGES_SENT = "message.bulk_sent"
    MESSAGE_PREVIEWED = "message.previewed"
    MESSAGE_TEMPLATE_SAVED = "message.template_saved"
    MESSAGING_SETTINGS_CHANGED = "messaging.settings"
    REPLY_VIEWED = "reply.viewed"
    REPLY_REFUSED = "reply.refused"
    REPLY_THROTTLED = "reply.throttled"
    REPLY_ANSWERED = "reply.answered"
    REPLY_REVIEWED = "reply.reviewed"
    CONTACT_BLOCKED = "contact.blocked"
    CONTACT_UNBLOCKED = "contact.unblocked"
    AUTO_REMINDERS_SUSPENDED = "auto_reminders.suspended"
    AUTO_REMINDERS_RESUMED = "auto_reminders.resumed"
    AUTO_REMINDERS_RUN = "auto_reminders.run"
    SMS_RECEIVED = "sms.received"
    TWO_FACTOR_ENABLED = "two_factor.enabled"
    TWO_FACTOR_DISABLED = "two_factor.disabled"
    TWO_FACTOR_FAILED = "two_factor.failed"
    RECOVERY_CODE_USED = "two_factor.recovery_used"
    RECOVERY_CODES_RENEWED = "two_factor.recovery_renewed"
    TWO_FACTOR_REQUIREMENT_CHANGED = "two_factor.requirement_changed"
    PASSWORD_RESET_REQUESTED = "password.reset_requested"
    PASSWORD_RESET_DONE = "password.reset_done"
    RETENTION_RUN = "retention.run"
    YOUTH_ANONYMISED = "youth.anonymised"
    RETENTION_SETTINGS_CHANGED = "retention.settings_changed"
    ACCESS_REQUEST_EXPORTED = "privacy.access_exported"

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self, self.value)


# What a PSAD's pilote sees of its members' accounts in the journal, besides the PSAD's events.
SIGN_IN_ACTIONS = (
    AuditAction.LOGIN_SUCCEEDED,
    AuditAction.PASSWORD_ACCEPTED,
    AuditAction.LOGIN_FAILED,
    AuditAction.LOGIN_LOCKED,
    AuditAction.LOGOUT,
    AuditAction.PASSWORD_CHANGED,
    AuditAction.TWO_FACTOR_ENABLED,
    AuditAction.TWO_FACTOR_DISABLED,
    AuditAction.TWO_FACTOR_FAILED,
    AuditAction.RECOVERY_CODE_USED,
    AuditAction.RECOVERY_CODES_RENEWED,
    AuditAction.PASSWORD_RESET_REQUESTED,
    AuditAction.PASSWORD_RESET_DONE,
)


ACTION_LABELS = {
    AuditAction.LOGIN_SUCCEEDED: "Connexion réussie",
    AuditAction.PASSWORD_ACCEPTED: "Mot de passe accepté, code de double authentification attendu",
    AuditAction.LOGIN_FAILED: "Échec de connexion",
    AuditAction.LOGIN_LOCKED: "Connexion refusée (compte verrouillé)",
    AuditAction.LOGOUT: "Déconnexion",
    AuditAction.PASSWORD_CHANGED: "Mot de passe changé",
    AuditAction.PSAD_SWITCHED: "Changement de PSAD",
    AuditAction.YOUTH_VIEWED: "Consultation d'un dossier",
    AuditAction.YOUTH_ACCESS_REFUSED: "Accès refusé à un dossier (inexistant ou hors périmètre)",
    AuditAction.YOUTH_CREATED: "Création d'un jeune",
    AuditAction.YOUTH_UPDATED: "Modification d'un jeune",
    AuditAction.CASE_OPENED: "Ouverture d'un dossier de suivi",
    AuditAction.CASE_REOPENED: "Réouverture d'un dossier de suivi",
    AuditAction.CASE_CHANGED: "Modification d'un dossier de suivi",
    AuditAction.CASE_CLOSED: "Clôture d'un dossier de suivi",
    AuditAction.CONTACT_RECORDED: "Prise de contact enregistrée",
    AuditAction.CONTACT_CORRECTED: "Prise de contact corrigée (annule et remplace)",
    AuditAction.NOTE_ADDED: "Note ajoutée",
    AuditAction.DARFI_RECORDED: "DARFI : demande ou entretien enregistré",
    AuditAction.OBLIGATION_STEP_RECORDED: "Obligation de formation : étape enregistrée",
    AuditAction.TASK_CREATED: "Tâche créée",
    AuditAction.TASK_DONE: "Tâche faite",
    AuditAction.PSAD_CREATED: "Création d'une PSAD",
    AuditAction.PSAD_UPDATED: "Modification d'une PSAD",
    AuditAction.STRUCTURE_CREATED: "Création d'une structure",
    AuditAction.STRUCTURE_UPDATED: "Modification d'une structure",
    AuditAction.USER_CREATED: "Création d'un utilisateur",
    AuditAction.USER_UPDATED: "Modification d'un utilisateur",
    AuditAction.MEMBERSHIP_ADDED: "Ajout d'un rôle",
    AuditAction.MEMBERSHIP_REMOVED: "Retrait d'un rôle",
    AuditAction.REFERENCE_UPDATED: "Modification d'une liste de référence",
    AuditAction.IMPORT_PREVIEWED: "Aperçu d'un import",
    AuditAction.IMPORT_APPLIED: "Import d'une liste",
    AuditAction.IMPORT_REJECTS_DOWNLOADED: "Téléchargement des lignes rejetées",
    AuditAction.IMPORT_BATCH_VIEWED: "Consultation d'une liste importée",
    AuditAction.PROFILE_SAVED: "Enregistrement d'un profil d'import",
    AuditAction.LIST_EXPORTED: "Export d'une liste de jeunes",
    AuditAction.LIST_VIEW_SAVED: "Enregistrement d'une vue de liste",
    AuditAction.BULK_APPLIED: "Action groupée sur une liste",
    AuditAction.DUPLICATE_DISMISSED: "Paire marquée « pas un doublon »",
    AuditAction.YOUTH_MERGED: "Fusion de deux dossiers (doublon)",
    AuditAction.TRANSFER_PROPOSED: "Transfert proposé à une autre PSAD",
    AuditAction.TRANSFER_ACCEPTED: "Transfert accepté",
    AuditAction.TRANSFER_REFUSED: "Transfert refusé",
    AuditAction.TRANSFER_CANCELLED: "Transfert annulé",
    AuditAction.PROGRAMME_CREATED: "Dispositif ajouté au catalogue",
    AuditAction.PROGRAMME_UPDATED: "Dispositif modifié (fiche ou règles)",
    AuditAction.PROGRAMME_RETIRED: "Dispositif retiré du catalogue",
    AuditAction.SITE_SAVED: "Implantation d'un dispositif enregistrée",
    AuditAction.VACANCY_DECLARED: "Place vacante déclarée",
    AuditAction.VACANCY_WITHDRAWN: "Place vacante retirée",
    AuditAction.VACANCIES_IMPORTED: "Places vacantes importées",
    AuditAction.ORIENTATION_PROPOSED: "Orientation proposée",
    AuditAction.ORIENTATION_CHANGED: "Orientation : changement d'étape",
    AuditAction.ORIENTATION_NEWS: "Orientation : nouvelles",
    AuditAction.ORIENTATIONS_EXPORTED: "Export des orientations",
    AuditAction.ELIGIBILITY_VIEWED: "Consultation de l'éligibilité d'un jeune",
    AuditAction.COMMITTEE_CREATED: "Comité planifié",
    AuditAction.COMMITTEE_UPDATED: "Comité modifié",
    AuditAction.AGENDA_CHANGED: "Ordre du jour modifié",
    AuditAction.AGENDA_PUBLISHED: "Ordre du jour publié",
    AuditAction.ATTENDANCE_RECORDED: "Présences enregistrées",
    AuditAction.DECISION_RECORDED: "Décision de comité enregistrée",
    AuditAction.MINUTES_VALIDATED: "Relevé de décisions validé",
    AuditAction.MINUTES_AMENDED: "Relevé de décisions amendé",
    AuditAction.MINUTES_EXPORTED: "Relevé de décisions exporté ou imprimé",
    AuditAction.CALENDAR_TOKEN_CHANGED: "Adresse d'agenda créée ou révoquée",
    AuditAction.REMINDER_RULES_CHANGED: "Règles des rappels modifiées",
    AuditAction.DIGEST_PREFERENCE_CHANGED: "Fréquence du récapitulatif par courriel modifiée",
    AuditAction.REMINDERS_RUN: "Calcul des rappels du jour",
    AuditAction.OUTBOX_RETRIED: "Nouvel essai d'envoi d'un courriel",
    AuditAction.BILAN_EXPORTED: "Export du bilan d'activité",
    AuditAction.BILAN_YOUTH_LISTED: "Liste des jeunes derrière un chiffre du bilan",
    AuditAction.BILAN_RECOMPUTED: "Bilan d'activité recalculé",
    AuditAction.MESSAGE_SENT: "Message envoyé à un jeune",
    AuditAction.MESSAGES_SENT: "Messages envoyés à une sélection de jeunes",
    AuditAction.MESSAGE_PREVIEWED: "Aperçu d'un message pour un jeune",
    AuditAction.MESSAGE_TEMPLATE_SAVED: "Modèle de message enregistré",
    AuditAction.MESSAGING_SETTINGS_CHANGED: "Réglages des messages modifiés",
    AuditAction.REPLY_VIEWED: "Page de réponse ouverte par un jeune",
    AuditAction.REPLY_REFUSED: "Lien de réponse invalide ou expiré",
    AuditAction.REPLY_THROTTLED: "Page de réponse : trop de demandes",
    AuditAction.REPLY_ANSWERED: "Réponse d'un jeune",
    AuditAction.REPLY_REVIEWED: "Réponse d'un jeune confirmée ou écartée",
    AuditAction.CONTACT_BLOCKED: "Opposition au contact (STOP)",
    AuditAction.CONTACT_UNBLOCKED: "Opposition au contact levée",
    AuditAction.AUTO_REMINDERS_SUSPENDED: "Relances automatiques suspendues",
    AuditAction.AUTO_REMINDERS_RESUMED: "Relances automatiques reprises",
    AuditAction.AUTO_REMINDERS_RUN: "Relances automatiques envoyées",
    AuditAction.SMS_RECEIVED: "SMS reçu",
    AuditAction.TWO_FACTOR_ENABLED: "Double authentification activée",
    AuditAction.TWO_FACTOR_DISABLED: "Double authentification désactivée",
    AuditAction.TWO_FACTOR_FAILED: "Code de double authentification refusé",
    AuditAction.RECOVERY_CODE_USED: "Connexion avec un code de secours",
    AuditAction.RECOVERY_CODES_RENEWED: "Codes de secours renouvelés",
    AuditAction.TWO_FACTOR_REQUIREMENT_CHANGED: "Double authentification obligatoire (réglage)",
    AuditAction.PASSWORD_RESET_REQUESTED: "Réinitialisation du mot de passe demandée",
    AuditAction.PASSWORD_RESET_DONE: "Mot de passe réinitialisé",
    AuditAction.RETENTION_RUN: "Conservation : anonymisation des dossiers échus",
    AuditAction.YOUTH_ANONYMISED: "Jeune anonymisé (durée de conservation échue)",
    AuditAction.RETENTION_SETTINGS_CHANGED: "Durées de conservation modifiées",
    AuditAction.ACCESS_REQUEST_EXPORTED: "Export des données d'un jeune (droit d'accès)",
}


def label_of(action: str) -> str:
    try:
        return AuditAction(action).label
    except ValueError:
        return action
