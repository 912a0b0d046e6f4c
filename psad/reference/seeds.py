"""Initial values of the reference lists (domain.md section 5); admins edit them afterwards."""

from __future__ import annotations

from psad.reference.models import ReferenceKind

SEEDS: dict[ReferenceKind, list[tuple[str, str]]] = {
    ReferenceKind.SITUATION: [
        ("initial_training_school", "Retrouvé en formation initiale (statut scolaire)"),
        ("initial_training_apprentice", "Retrouvé en formation initiale (apprentissage)"),
        ("employed", "En emploi"),
        ("continuing_training", "En formation continue"),
        ("followed_local_mission", "Déjà accompagné par la mission locale"),
        ("followed_mlds", "Déjà accompagné par la MLDS"),
        ("followed_cio", "Déjà accompagné par le CIO"),
        ("followed_employment_agency", "Déjà accompagné par France Travail"),
        ("followed_other", "Déjà accompagné par un autre partenaire"),
        ("no_solution", "Sans solution (ni formation, ni emploi, ni accompagnement)"),
        ("unknown", "Situation inconnue"),
    ],
    ReferenceKind.CLOSING_REASON: [
        ("solution_found", "Solution trouvée"),
        ("refused", "Refus du jeune"),
        ("unreachable", "Injoignable"),
        ("transferred", "Transfert vers une autre PSAD"),
        ("exempted", "Exemption (certificat médical)"),
        ("out_of_scope", "Hors champ"),
        ("age_limit", "Limite d'âge"),
    ],
    ReferenceKind.CONTACT_CHANNEL: [
        ("phone", "Téléphone"),
        ("sms", "SMS"),
        ("email", "Courriel"),
        ("letter", "Courrier"),
        ("home_visit", "Visite à domicile"),
        ("in_person", "Entretien sur place"),
    ],
    ReferenceKind.CONTACT_OUTCOME: [
        ("reached", "Joint"),
        ("message_left", "Message laissé"),
        ("no_answer", "Contacté mais sans réponse"),
        ("wrong_details", "Coordonnées incorrectes"),
        ("refused", "Refus"),
        ("appointment", "Rendez-vous pris"),
        ("already_followed", "Déjà accompagné par la mission locale et/ou un partenaire"),
    ],
    ReferenceKind.EXIT_REASON: [
        ("dropped_out", "Abandon en cours de formation"),
        ("exam_failed", "Échec à l'examen"),
        ("no_assignment", "Sans affectation"),
        ("moved", "Déménagement"),
        ("other", "Autre"),
    ],
}
