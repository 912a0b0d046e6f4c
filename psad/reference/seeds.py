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
        ("merged", "Doublon fusionné"),
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
        ("call_back_asked", "Rappel demandé par le jeune"),
    ],
    # Needs (the guide's « identifier les besoins et les attentes »): no health item.
    ReferenceKind.OBSTACLE: [
        ("mobility", "Mobilité"),
        ("housing", "Logement"),
        ("resources", "Ressources financières"),
        ("papers", "Démarches administratives"),
        ("digital", "Accès au numérique"),
        ("childcare", "Garde d'enfant"),
    ],
    ReferenceKind.WISH: [
        ("return_to_school", "Retour en formation initiale"),
        ("apprenticeship", "Apprentissage"),
        ("job", "Emploi"),
        ("vocational_training", "Formation professionnelle"),
        ("civic_service", "Service civique"),
        ("undecided", "Projet à construire"),
    ],
    ReferenceKind.SOLUTION: [
        ("school", "Retour en formation initiale (statut scolaire)"),
        ("apprenticeship", "Apprentissage"),
        ("mlds", "MLDS"),
        ("local_mission", "Accompagnement mission locale (PACEA / CEJ)"),
        ("e2c", "École de la deuxième chance (E2C)"),
        ("epide", "EPIDE"),
        ("civic_service", "Service civique"),
        ("smv_rsma", "SMV / RSMA"),
        ("job", "Emploi"),
        ("continuing_training", "Formation professionnelle continue"),
        ("esms", "ESMS"),
        ("other", "Autre solution"),
    ],
    ReferenceKind.EXIT_REASON: [
        ("dropped_out", "Abandon en cours de formation"),
        ("exam_failed", "Échec à l'examen"),
        ("no_assignment", "Sans affectation"),
        ("moved", "Déménagement"),
        ("other", "Autre"),
    ],
}
