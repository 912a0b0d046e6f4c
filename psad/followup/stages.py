"""The stage of an open case: derived from the contacts until a person decides.

À contacter (no contact yet) → contact en cours (attempts, or reached) → accompagné (a
person decides, once the youth was reached) → solution en cours (a person decides, from
accompagné). A solution that falls through goes back to accompagné. Any other change is
refused with a message that says why.
"""

from __future__ import annotations

from psad.errors import DomainError
from psad.youth.models import CaseStage

ALLOWED = {
    (CaseStage.CONTACTING, CaseStage.SUPPORTED),
    (CaseStage.SUPPORTED, CaseStage.SOLUTION),
    (CaseStage.SOLUTION, CaseStage.SUPPORTED),
}


class IllegalStageChange(DomainError):
    status_code = 409


def current_stage(decided: CaseStage | None, *, attempts: int) -> CaseStage:
    """The stage shown: the one a person decided, else what the contacts say."""
    if decided is not None:
        return decided
    return CaseStage.CONTACTING if attempts else CaseStage.TO_CONTACT


def check_change(current: CaseStage, wanted: CaseStage, *, reached: bool) -> None:
    """Refuse a change the rules do not allow, saying why in French."""
    if wanted is current:
        raise IllegalStageChange(f"Le dossier est déjà à l'étape « {wanted.label} ».")
    if wanted in (CaseStage.TO_CONTACT, CaseStage.CONTACTING):
        raise IllegalStageChange(
            f"L'étape « {wanted.label} » découle des prises de contact enregistrées : "
            "elle ne se choisit pas."
        )
    if wanted is CaseStage.SUPPORTED and not reached:
        raise IllegalStageChange(
            "Un jeune ne peut être « Accompagné » qu'après avoir été joint : enregistrez "
            "d'abord une prise de contact réussie."
        )
    if (current, wanted) not in ALLOWED:
        raise IllegalStageChange(
            f"Passage impossible de « {current.label} » à « {wanted.label} » : "
            "un dossier passe par « Accompagné » avant « Solution en cours »."
        )
