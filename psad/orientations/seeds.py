"""The catalogue as first installed: every dispositif of the regional guide (académies of Lille
and Amiens, 2024-2025, in ``shared/reference``) and the national solutions of domain.md
section 4, with their eligibility rules as data. Administrators edit everything afterwards;
``ensure_catalogue`` only adds the entries whose code is missing, never touches edited ones.

The guide gives the rules of its own dispositifs: its texts (public, ages, waivers) and its
summary tables (pupils still at school or leavers, of the collège, lycée or LP). Where it says
nothing (Objectif Réussite's public) the seed says nothing either. The national solutions' ages
are the public rules of each (apprentissage 16-29, EPIDE 17-25...): an administrator adapts them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.orientations.models import EntryMode, Programme, ProgrammeFamily, ProgrammeRule, RuleKind
from psad.reference.models import ReferenceItem, ReferenceKind

IA_DASEN = "l'accord de l'IA-DASEN"
POLE = "Pôle Persévérance (DRAIO)"
GUIDE_ECMLDS = (
    "Implanté dans un lycée ou un LP, coordonné par un enseignant coordonnateur de la MLDS."
)
# « Sans solution de formation ou d'insertion »: neither in training nor in a job, whether or
# not a partner already follows them (the MLDS's own dispositifs take the youth it follows)
NO_SOLUTION = "sans solution de formation ou d'insertion"
NEITHER_JOB_NOR_TRAINING = (
    "no_solution,followed_local_mission,followed_mlds,followed_cio,"
    "followed_employment_agency,followed_other"
)


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    min_value: int | None = None
    max_value: int | None = None
    waiver_value: int | None = None
    waiver_label: str | None = None
    values: str | None = None
    label: str | None = None
    exceptional: bool = False


@dataclass(frozen=True)
class Seed:
    code: str
    name: str
    family: ProgrammeFamily
    public: str
    rules: tuple[Rule, ...] = ()
    conditions: str | None = None
    description: str | None = None
    duration: str | None = None
    prescriber: str | None = None
    piloted_by: str | None = None
    entry_mode: EntryMode = EntryMode.ROLLING
    solution: str | None = None  # the code of the « Solutions trouvées » item it gives
    national: bool = False


def _age(low: int | None, high: int | None = None, *, waiver: int | None = None) -> Rule:
    return Rule(
        RuleKind.AGE,
        min_value=low,
        max_value=high,
        waiver_value=waiver,
        waiver_label=IA_DASEN if waiver is not None else None,
    )


ENROLLED = Rule(RuleKind.SCHOOLING, values="enrolled")
LEFT = Rule(RuleKind.SCHOOLING, values="left")


def _from(*kinds: str) -> Rule:
    return Rule(RuleKind.SCHOOL_KIND, values=",".join(kinds))


PREVENTION_PUBLIC = "Élèves scolarisés au collège, au lycée ou au lycée professionnel"
LEAVERS_PUBLIC = "Élèves sortant du collège, du lycée ou du lycée professionnel"

SEEDS: tuple[Seed, ...] = (
    # Prévenir le décrochage scolaire: the youth stay in their class
    Seed(
        "PPDS",
        "Parcours de prévention du décrochage scolaire",
        ProgrammeFamily.PREVENTION,
        PREVENTION_PUBLIC,
        (ENROLLED, _from("college", "lycee", "lp")),
        description="Les jeunes restent inscrits dans leur classe d'origine.",
        piloted_by=POLE,
    ),
    Seed(
        "PAFI",
        "Parcours aménagé de formation initiale",
        ProgrammeFamily.PREVENTION,
        PREVENTION_PUBLIC,
        (ENROLLED, _from("college", "lycee", "lp")),
        description="Moyens propres à l'établissement (missions pouvant relever du PACTE).",
    ),
    Seed(
        "PAFI_TDO",
        "Parcours aménagé de formation initiale (TDO)",
        ProgrammeFamily.PREVENTION,
        PREVENTION_PUBLIC,
        (ENROLLED, _from("college", "lycee", "lp")),
    ),
    Seed(
        "PAE",
        "Parcours Ambition Emploi",
        ProgrammeFamily.PREVENTION,
        "Élèves du lycée professionnel",
        (ENROLLED, _from("lp")),
    ),
    Seed(
        "TUTORAT",
        "Tutorat",
        ProgrammeFamily.PREVENTION,
        PREVENTION_PUBLIC,
        (ENROLLED, _from("college", "lycee", "lp")),
    ),
    Seed(
        "RELAIS",
        "Dispositifs relais",
        ProgrammeFamily.PREVENTION,
        "Élèves du collège",
        (ENROLLED, _from("college")),
    ),
    # Accompagnement: named by the guide's map only; its conditions are left to the admin
    Seed(
        "OBJECTIF_REUSSITE",
        "Objectif Réussite",
        ProgrammeFamily.SUPPORT,
        "Cité par la carte de la persévérance du guide (famille Accompagnement)",
        (Rule(RuleKind.CHECK, label="les conditions d'accès, que le guide ne décrit pas"),),
    ),
    # Remobiliser vers la réussite
    Seed(
        "IMMERSION",
        "Parcours Immersion",
        ProgrammeFamily.REMOBILISATION,
        "Jeunes à partir de 16 ans (15 ans avec l'accord de l'IA-DASEN) sans solution de "
        "formation ou d'insertion mais autonomes dans leurs démarches",
        (
            _age(16, waiver=15),
            LEFT,
            Rule(RuleKind.SITUATION, values=NEITHER_JOB_NOR_TRAINING, label=NO_SOLUTION),
            Rule(RuleKind.CHECK, label="autonome dans ses démarches"),
        ),
        description="3 modules, aucun cours disciplinaire : approche du monde professionnel "
        "et définition du projet ; préparation à l'apprentissage ; immersions et/ou stages. "
        "Proposé à l'issue d'une SAS et/ou pour tous les jeunes décrocheurs repérés. "
        + GUIDE_ECMLDS,
        duration="Durée variable",
        piloted_by=POLE,
        solution="mlds",
    ),
    Seed(
        "COMPETENCES",
        "Parcours Compétences",
        ProgrammeFamily.REMOBILISATION,
        "Jeunes à partir de 16 ans (15 ans avec l'accord de l'IA-DASEN) sortis du système "
        "scolaire et sans solution de formation ou d'insertion",
        (
            _age(16, waiver=15),
            LEFT,
            Rule(RuleKind.SITUATION, values=NEITHER_JOB_NOR_TRAINING, label=NO_SOLUTION),
        ),
        description="4 modules : confiance en soi ; monde professionnel et projet ; "
        "développement des compétences ; préparation à l'apprentissage. Les jeunes sont sous "
        "statut scolaire, élèves de l'établissement d'accueil. " + GUIDE_ECMLDS,
        duration="Variable, au plus une année scolaire",
        piloted_by=POLE,
        solution="mlds",
    ),
    Seed(
        "SAS_LNC",
        "SAS Lycée de la Nouvelle Chance",
        ProgrammeFamily.SUPPORT,
        "Jeunes de 18 à 24 ans sans emploi ni formation, déscolarisés de terminale sans le "
        "baccalauréat, de 1re générale et technologique après au moins un trimestre, de 1re "
        "professionnelle après au moins deux trimestres, de terminale CAP (exceptionnel)",
        (
            _age(18, 24),
            LEFT,
            _from("lycee", "lp"),  # the guide's table: sortants du lycée et du LP
            Rule(
                RuleKind.SITUATION,
                values=NEITHER_JOB_NOR_TRAINING,
                label="sans emploi ni formation",
            ),
            Rule(RuleKind.DIPLOMA, values="without_bac"),
            Rule(RuleKind.LAST_CLASS, values="tle_gt,tle_pro"),
            Rule(RuleKind.LAST_CLASS, values="1re_gt", min_value=1),
            Rule(RuleKind.LAST_CLASS, values="1re_pro", min_value=2),
            Rule(RuleKind.LAST_CLASS, values="cap_2", exceptional=True),
        ),
        description="Remise à niveau scolaire ; découverte de deux enseignements "
        "professionnels ; deux sessions de trois semaines de stages. Dispositif rattaché "
        "uniquement au Lycée de la Nouvelle Chance (LNC).",
        piloted_by=POLE,
        solution="school",
    ),
    Seed(
        "FLS",
        "Parcours FLS (français langue seconde)",
        ProgrammeFamily.REMOBILISATION,
        "Jeunes allophones nouvellement arrivés en France, de 16 à 18 ans (15 ans avec l'accord de "
        "l'IA-DASEN), évalués par le CASNAV",
        (
            _age(16, 18, waiver=15),
            Rule(RuleKind.CHECK, label="jeune allophone nouvellement arrivé, évalué par le CASNAV"),
        ),
        description="7 modules combinant l'apprentissage du français et la préparation du "
        "projet d'orientation ; groupes de 5 à 15 élèves. " + GUIDE_ECMLDS,
        duration="Durée variable",
        piloted_by=POLE,
        solution="mlds",
    ),
    Seed(
        "SCA",
        "Service civique alterné",
        ProgrammeFamily.INSERTION,
        "Jeunes de 16 à 18 ans en situation de décrochage, exerçant parallèlement une mission "
        "de service civique",
        (
            _age(16, 18),
            LEFT,
            Rule(
                RuleKind.CHECK,
                label="mission de service civique en parallèle ; entretien de positionnement "
                "avec une association agréée",
            ),
        ),
        description="4 modules : remise à niveau ; ateliers d'écriture et formation "
        "civique ; mission de service civique ; projet personnel. Accompagnement conjoint "
        "(ECMLDS et encadrant du service civique). " + GUIDE_ECMLDS,
        duration="6 à 9 mois",
        piloted_by=POLE,
        solution="civic_service",
    ),
    Seed(
        "CSF",
        "Clause sociale de formation",
        ProgrammeFamily.INSERTION,
        LEAVERS_PUBLIC,
        (LEFT, _from("college", "lycee", "lp")),
        conditions="La CSF peut prévoir une gratification du stagiaire ; sinon le droit commun "
        "des stages s'applique : gratification au-delà de deux mois (308 heures), article "
        "L. 124-6 du code de l'éducation.",
        description="Stage ; procédure de dépôt distincte de l'application MLDS.",
        piloted_by=POLE,
        entry_mode=EntryMode.FIXED_DATES,
    ),
    # Accompagner vers la diplomation
    Seed(
        "DEP",
        "Diplôme en poche",
        ProgrammeFamily.QUALIFICATION,
        "Élèves sortant du lycée ou du lycée professionnel",
        (LEFT, _from("lycee", "lp")),
        piloted_by=POLE,
        solution="school",
    ),
    Seed(
        "MICRO_LYCEE",
        "Micro-lycée (structure de retour à l'école)",
        ProgrammeFamily.QUALIFICATION,
        "Jeunes de 16 à 25 ans sortis du lycée ou du lycée professionnel, déscolarisés depuis "
        "au moins 6 mois",
        (
            _age(16, 25),
            LEFT,
            _from("lycee", "lp"),  # the guide's table: sortants du lycée et du LP
            Rule(
                RuleKind.OUT_OF_SCHOOL,
                min_value=6,
                waiver_label="dérogation sur avis favorable de l'IEN-IO",
            ),
            Rule(RuleKind.DIPLOMA, values="without_bac"),  # it prepares the bac
        ),
        conditions="Dérogation possible si avis favorable de l'IEN-IO.",
        description="Prépare un baccalauréat général, technologique ou professionnel : "
        "enseignements disciplinaires, projets interdisciplinaires, tutorat, suivi éducatif "
        "global.",
        prescriber="CIO ou psychologue de l'Éducation nationale (Psy-EN)",
        solution="school",
    ),
    Seed(
        "LNC",
        "Lycée de la Nouvelle Chance",
        ProgrammeFamily.QUALIFICATION,
        "Élèves sortant du lycée ou du lycée professionnel",
        (LEFT, _from("lycee", "lp")),
        solution="school",
    ),
    Seed(
        "MICRO_COLLEGE",
        "Micro-collège (expérimental)",
        ProgrammeFamily.QUALIFICATION,
        "Élèves de 4e et de 3e absentéistes en risque de rupture, présentant des troubles "
        "scolaires anxieux ou ayant besoin d'une scolarité alternative",
        (
            _from("college"),
            Rule(RuleKind.LAST_CLASS, values="4e,3e"),
            Rule(
                RuleKind.CHECK,
                label="absentéisme en risque de rupture ou besoin d'une scolarité alternative",
            ),
        ),
        description="Structure de retour à l'école expérimentale : rescolariser, préparer "
        "le DNB, accompagner l'orientation.",
        solution="school",
    ),
    # National solutions (domain.md section 4)
    Seed(
        "RETOUR_FI",
        "Retour en formation initiale (DARFI, statut scolaire)",
        ProgrammeFamily.QUALIFICATION,
        "Jeunes de 16 à 25 ans sortis sans diplôme, avec le seul DNB ou CFG, ou sans "
        "certification professionnelle (code de l'éducation, D. 122-3-1)",
        (_age(16, 25), LEFT, Rule(RuleKind.DIPLOMA, values="without_qualification")),
        description="Le réseau FOQUALE mobilise les places vacantes du bassin ; entretien "
        "dans les 15 jours suivant la demande ; retour d'une année scolaire, renouvelable.",
        duration="Une année scolaire, renouvelable",
        solution="school",
        national=True,
    ),
    Seed(
        "APPRENTISSAGE",
        "Apprentissage",
        ProgrammeFamily.QUALIFICATION,
        "Jeunes de 16 à 29 ans (15 ans après la classe de 3e)",
        (
            Rule(
                RuleKind.AGE,
                min_value=16,
                max_value=29,
                waiver_value=15,
                waiver_label="la classe de 3e achevée",
            ),
        ),
        solution="apprenticeship",
        national=True,
    ),
    Seed(
        "MLDS",
        "Mission de lutte contre le décrochage scolaire (MLDS)",
        ProgrammeFamily.REMOBILISATION,
        "Jeunes de 16 ans et plus sortis de formation sans qualification",
        (_age(16), LEFT, Rule(RuleKind.DIPLOMA, values="without_qualification")),
        solution="mlds",
        national=True,
    ),
    Seed(
        "ML_PACEA_CEJ",
        "Accompagnement mission locale (PACEA / CEJ)",
        ProgrammeFamily.SUPPORT,
        "Jeunes de 16 à 25 ans sortis de formation",
        (_age(16, 25), LEFT),
        solution="local_mission",
        national=True,
    ),
    Seed(
        "E2C",
        "École de la deuxième chance (E2C)",
        ProgrammeFamily.INSERTION,
        "Jeunes de 16 à 25 ans sortis sans diplôme ni qualification",
        (_age(16, 25), LEFT, Rule(RuleKind.DIPLOMA, values="without_qualification")),
        solution="e2c",
        national=True,
    ),
    Seed(
        "EPIDE",
        "EPIDE (établissement pour l'insertion dans l'emploi)",
        ProgrammeFamily.INSERTION,
        "Jeunes de 17 à 25 ans sortis sans diplôme ou avec un diplôme infra-bac",
        # infra-bac diplomas (CAP, BEP) are welcome
        (_age(17, 25), LEFT, Rule(RuleKind.DIPLOMA, values="without_bac")),
        solution="epide",
        national=True,
    ),
    Seed(
        "SERVICE_CIVIQUE",
        "Service civique",
        ProgrammeFamily.INSERTION,
        "Jeunes de 16 à 25 ans",
        (_age(16, 25),),
        duration="6 à 12 mois",
        solution="civic_service",
        national=True,
    ),
    Seed(
        "SMV_RSMA",
        "Service militaire volontaire (SMV) / adapté (RSMA)",
        ProgrammeFamily.INSERTION,
        "Jeunes de 18 à 25 ans",
        (_age(18, 25),),
        solution="smv_rsma",
        national=True,
    ),
    Seed(
        "EMPLOI",
        "Emploi",
        ProgrammeFamily.INSERTION,
        "Jeunes de 16 ans et plus",
        (_age(16),),
        solution="job",
        national=True,
    ),
    Seed(
        "FORMATION_CONTINUE",
        "Formation professionnelle continue (Région)",
        ProgrammeFamily.QUALIFICATION,
        "Jeunes de 16 ans et plus sortis de formation initiale",
        (_age(16), LEFT),
        solution="continuing_training",
        national=True,
    ),
    Seed(
        "ESMS",
        "Établissement ou service social ou médico-social (ESMS)",
        ProgrammeFamily.SUPPORT,
        "Sur orientation de l'instance compétente",
        (Rule(RuleKind.CHECK, label="orientation décidée par l'instance compétente"),),
        solution="esms",
        national=True,
    ),
    Seed(
        "AUTRE",
        "Autre solution",
        ProgrammeFamily.SUPPORT,
        "Toute solution hors catalogue, décrite dans le commentaire de l'orientation",
        solution="other",
        national=True,
    ),
)


def ensure_catalogue(session: Session) -> int:
    """Add the seeded dispositifs whose code is missing; returns how many were added. The
    solutions they give must be seeded first (``psad.reference.services.ensure_seeded``)."""
    existing = set(session.scalars(select(Programme.code)))
    solutions = {
        item.code: item
        for item in session.scalars(
            select(ReferenceItem).where(ReferenceItem.kind == ReferenceKind.SOLUTION)
        )
    }
    added = 0
    for position, seed in enumerate(SEEDS):
        if seed.code in existing:
            continue
        session.add(
            programme_of(seed, position=position, solution=solutions.get(seed.solution or ""))
        )
        added += 1
    session.flush()
    return added


def programme_of(
    seed: Seed, *, position: int = 0, solution: ReferenceItem | None = None
) -> Programme:
    """The dispositif of a seed, with its rules (not added to any session)."""
    return Programme(
        code=seed.code,
        name=seed.name,
        family=seed.family,
        public=seed.public,
        conditions=seed.conditions,
        description=seed.description,
        duration=seed.duration,
        prescriber=seed.prescriber,
        piloted_by=seed.piloted_by,
        entry_mode=seed.entry_mode,
        solution=solution,
        national=seed.national,
        position=position,
        rules=[
            ProgrammeRule(
                kind=rule.kind,
                min_value=rule.min_value,
                max_value=rule.max_value,
                waiver_value=rule.waiver_value,
                waiver_label=rule.waiver_label,
                values=rule.values,
                label=rule.label,
                exceptional=rule.exceptional,
                position=index,
            )
            for index, rule in enumerate(seed.rules)
        ],
    )
