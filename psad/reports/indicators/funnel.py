"""The bilan's first three chapters: the funnel from repérage to solution, the situations
found and the closings, and the profile of the youth listed (helper P1).

Each indicator is one question of psad.reports.indicators.funnel_facts (or funnel_profile),
counted as distinct youth: a youth counts once per indicator (once per row of a breakdown)
even when listed twice or when their case was reopened.
"""

from __future__ import annotations

from psad.reports.figures import Indicator, Theme, Unit
from psad.reports.indicators import funnel_facts as facts
from psad.reports.indicators import funnel_profile as profile
from psad.reports.indicators.common import Facts, count_by_key, count_youth, youth_of
from psad.youth.models import KNOWN_TO_PARTNER_LABELS

WHERE = (
    " Un fait compte pour la PSAD du dossier où il est enregistré (un dossier transféré "
    "reste à la PSAD qui l'a suivi), ou de la liste qui a repéré le jeune."
)
ONCE = " Un jeune compte une fois, même repéré deux fois ou dont le dossier a été rouvert."
LISTED = (
    "Jeunes repérés pendant la période : inscrits sur une liste importée pendant la période "
    "(date d'import), ou dont un dossier a été ouvert pendant la période sur signalement ou "
    "démarche spontanée (date d'ouverture). Un dossier ouvert par un transfert n'est pas un "
    "repérage : le jeune compte dans les transferts reçus."
)


def _scalar(code: str, theme: Theme, label: str, definition: str, question: Facts) -> Indicator:
    return Indicator(
        code=code,
        theme=theme,
        label=label,
        definition=definition,
        unit=Unit.YOUTH,
        compute=count_youth(question),
        youth=youth_of(question),
    )


def _breakdown(
    code: str,
    theme: Theme,
    label: str,
    definition: str,
    question: Facts,
    **rows: object,
) -> Indicator:
    return Indicator(
        code=code,
        theme=theme,
        label=label,
        definition=definition,
        unit=Unit.YOUTH,
        compute=count_by_key(question, **rows),  # type: ignore[arg-type]
        youth=youth_of(question),
        breakdown=True,
    )


F, S, P = Theme.FUNNEL, Theme.SITUATIONS, Theme.PROFILE

FUNNEL = [
    _scalar("listed", F, "Jeunes repérés", LISTED + ONCE + WHERE, facts.listed_youth),
    _breakdown(
        "listed_by_list",
        F,
        "Jeunes repérés, par liste",
        "Les jeunes repérés, par liste importée pendant la période (son intitulé) ; la ligne "
        "« Hors liste » compte ceux qu'un signalement ou une démarche spontanée a amenés. "
        "Un jeune inscrit sur deux listes compte dans chacune : les lignes ne s'additionnent "
        "pas.",
        facts.listed_by_list,
    ),
    _breakdown(
        "listed_by_source",
        F,
        "Jeunes repérés, par source",
        "Les jeunes repérés, par source : le type de la liste (campagne SIEI, établissement, "
        "partenaire, autre) ou du dossier ouvert hors liste (signalement, démarche "
        "spontanée). Un jeune venu par deux sources compte dans chacune.",
        facts.listed_by_source,
        labels=facts.SOURCE_LABELS,
        fixed=facts.SOURCE_ORDER,
    ),
    _scalar(
        "contacted",
        F,
        "Jeunes contactés",
        "Jeunes avec au moins une prise de contact datée de la période (heure de Paris), "
        "jointe ou non. Une prise de contact corrigée (« annule et remplace ») ne compte "
        "plus : seule sa correction compte." + ONCE + WHERE,
        facts.contacted,
    ),
    _scalar(
        "reached",
        F,
        "Jeunes joints",
        "Jeunes joints au moins une fois pendant la période : une prise de contact effective "
        "(non remplacée par une correction) marquée « joint »." + ONCE + WHERE,
        facts.reached,
    ),
    _scalar(
        "interviewed",
        F,
        "Jeunes reçus en entretien",
        "Jeunes reçus en entretien pendant la période : une prise de contact « Entretien sur "
        "place » où le jeune a été joint, un entretien DARFI (sa date d'entretien) ou "
        "l'étape « entretien » de l'obligation de formation (sa date de réalisation)."
        + ONCE
        + WHERE,
        facts.interviewed,
    ),
    _scalar(
        "solution_proposed",
        F,
        "Jeunes à qui une solution a été proposée",
        "Jeunes avec une orientation vers un dispositif proposée pendant la période (date de "
        "proposition), quelle qu'en soit la suite, sauf si elle a été annulée (saisie par "
        "erreur)." + ONCE,
        facts.solution_proposed,
    ),
    _scalar(
        "solution_started",
        F,
        "Jeunes entrés en solution",
        "Jeunes dont une solution a commencé pendant la période : une orientation commencée "
        "(date de début), ou un dossier clos « Solution trouvée » (date de clôture)." + ONCE,
        facts.solution_started,
    ),
    _breakdown(
        "solution_started_by_type",
        F,
        "Jeunes entrés en solution, par type de solution",
        "Les jeunes entrés en solution, par type : pour un dossier clos « Solution "
        "trouvée », la solution indiquée à la clôture ; pour une orientation commencée, le "
        "type de solution que le catalogue donne à son dispositif, ou à défaut la famille du "
        "dispositif (« Dispositif : … »). Un jeune entré dans deux types de solution compte "
        "dans chacun.",
        facts.solution_started,
        labels=facts.FAMILY_KEY_LABELS,
    ),
]

SITUATIONS = [
    _breakdown(
        "situation_at_contact",
        S,
        "Situation constatée au contact",
        "Les jeunes joints pendant la période, par la situation de leur dossier telle "
        "qu'elle est enregistrée aujourd'hui (le journal du dossier ne garde pas la "
        "situation par contact) ; « Non renseigné » : aucune situation saisie." + ONCE,
        facts.situation_at_contact,
    ),
    _breakdown(
        "closing_reasons",
        S,
        "Dossiers clos, par motif de clôture",
        "Les jeunes dont un dossier a été clos pendant la période (date de clôture), par "
        "motif. Un dossier rouvert depuis n'est plus clos et ne compte pas.",
        facts.closed,
    ),
    _scalar(
        "discovered",
        S,
        "Jeunes découverts",
        "Jeunes dont un dossier a été clos pendant la période avec la réponse « "
        + KNOWN_TO_PARTNER_LABELS[facts.KnownToPartner.UNKNOWN]
        + " » : inconnus de tous les partenaires avant la plateforme. Les clôtures par "
        "transfert ou fusion de doublon ne comptent pas (le suivi continue ailleurs).",
        facts.discovered,
    ),
]

INDICATORS: list[Indicator] = [*FUNNEL, *SITUATIONS, *profile.INDICATORS]
