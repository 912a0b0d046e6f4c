"""The « registre des traitements » of one PSAD (RGPD article 30), built from what the app
knows: the PSAD's details and rules, the configuration, the models' personal columns, the
partner structures and members in the database.

What the law or the data protection officer must say (the legal basis, the controller's
exact designation) stays text in the page's template; what the app does comes from here, so
that a change of configuration changes the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Psad, Role, Structure, User
from psad.config import Settings
from psad.db import Base
from psad.privacy import access_file
from psad.privacy.access_export import SECTIONS
from psad.privacy.access_file import CONTACT_FIELDS, IDENTITY_FIELDS, SCHOOLING_FIELDS
from psad.youth.services import FIELD_LABELS

# Sections of the export that are the youth's own file or the log, not the follow-up.
NOT_FOLLOW_UP = ("youth", "guardians", "audit_events")
# Words a column about health, justice, nationality or family life would carry: the register
# checks that no table about youth has one (CNIL 2010-446; arrêté du 15 octobre 2020).
SENSITIVE_WORDS = (
    "health",
    "medical",
    "disability",
    "handicap",
    "justice",
    "judicial",
    "conviction",
    "offence",
    "nationality",
    "citizenship",
    "origin",
    "religion",
    "family",
    "marital",
    "pregnan",
)
ROLE_SCOPES = {
    Role.PILOT: "tous les jeunes de la PSAD ; imports, comités, bilan, journal d'audit",
    Role.COPILOT: "tous les jeunes de la PSAD ; suivi, obligation de formation, comités, bilan",
    Role.PARTNER: (
        "seulement les jeunes dont le dossier est confié à sa structure, ou orientés vers elle"
    ),
    Role.READER: "des chiffres agrégés, sans aucun nom (petits effectifs masqués)",
}


@dataclass(frozen=True)
class Line:
    """One line of a part of the register: what, and what the app does or knows of it."""

    what: str
    detail: str
    by: str = ""  # « Application » or « Exploitant » for the security measures


@dataclass(frozen=True)
class ProcessingRegister:
    psad: Psad
    people: tuple[Line, ...]
    data: tuple[Line, ...]
    no_sensitive_data: str
    sensitive_columns: tuple[str, ...]
    recipients: tuple[Line, ...]
    structures: tuple[Line, ...]
    retention: tuple[Line, ...]
    security: tuple[Line, ...]
    transfers: tuple[Line, ...]


def build_register(
    session: Session, *, psad: Psad, settings: Settings, content_policy: str
) -> ProcessingRegister:
    """The register of ``psad``; ``content_policy`` is the Content-Security-Policy the web
    edge sends (this module stays free of Flask)."""
    tables = youth_tables()
    sensitive = tuple(
        f"{table.name}.{column.name}"
        for table in tables
        for column in table.columns
        if any(word in column.name.lower() for word in SENSITIVE_WORDS)
    )
    column_count = sum(len(table.columns) for table in tables)
    return ProcessingRegister(
        psad=psad,
        people=_people(settings),
        data=_data(),
        no_sensitive_data=(
            "Aucune donnée de santé, de justice, de nationalité ni de situation familiale : "
            f"aucune des {column_count} colonnes des {len(tables)} tables qui concernent les "
            "jeunes n'est prévue pour en recevoir (vérifié à l'affichage de cette page), et "
            "chaque zone de texte libre le rappelle à la saisie."
        ),
        sensitive_columns=sensitive,
        recipients=_recipients(session, psad),
        structures=_structures(session, psad),
        retention=_retention(psad, settings),
        security=_security(psad, settings, content_policy),
        transfers=_transfers(settings),
    )


def youth_tables() -> list[Table]:
    """The youths table and every table with a chain of foreign keys to it."""
    tables = {name: table for name, table in Base.metadata.tables.items()}
    found = {"youths"}
    grown = True
    while grown:
        grown = False
        for name, table in tables.items():
            if name not in found and any(
                fk.column.table.name in found for fk in table.foreign_keys
            ):
                found.add(name)
                grown = True
    return [tables[name] for name in sorted(found)]


def _labels(names: Iterable[str]) -> str:
    return ", ".join(FIELD_LABELS[name] for name in names)


def _people(settings: Settings) -> tuple[Line, ...]:
    ages = f"{settings.data.min_age} à {settings.data.max_age} ans"
    return (
        Line(
            "Jeunes",
            f"de {ages} sortis de formation sans le niveau de qualification attendu, repérés "
            "par les listes SI (SIEI) ou signalés ; les moins de 16 ans sont écartés à "
            "l'import",
        ),
        Line("Représentants légaux", "des jeunes mineurs (identité et coordonnées)"),
        Line(
            "Utilisateurs",
            "membres de la PSAD et de ses structures partenaires, administrateurs techniques",
        ),
    )


def _data() -> tuple[Line, ...]:
    follow_up = [spec.title for spec in SECTIONS if spec.key not in NOT_FOLLOW_UP]
    return (
        Line("Identité du jeune", _labels(IDENTITY_FIELDS)),
        Line("Coordonnées du jeune", _labels(CONTACT_FIELDS)),
        Line("Dernière scolarité", _labels(SCHOOLING_FIELDS)),
        Line(
            "Représentants légaux",
            ", ".join(column.label.lower() for column in access_file.guardians.columns),
        ),
        Line("Suivi", " ; ".join(follow_up)),
        Line(
            "Utilisateurs",
            "nom, adresse électronique, rôle et structure, mot de passe haché, secret de la "
            "double authentification, sessions de connexion",
        ),
        Line(
            "Journal d'audit",
            "date, utilisateur, adresse IP, action et dossier concerné (numéro) ; les détails "
            "nomment des champs et des numéros, jamais les valeurs",
        ),
    )


def _recipients(session: Session, psad: Psad) -> tuple[Line, ...]:
    counts = dict(
        session.execute(
            select(Membership.role, func.count())
            .join(User, User.id == Membership.user_id)
            .where(Membership.psad_id == psad.id, User.active.is_(True))
            .group_by(Membership.role)
        ).all()
    )
    lines = [
        Line(f"{role.label}s ({counts.get(role, 0)} compte(s) actif(s))", scope)
        for role, scope in ROLE_SCOPES.items()
    ]
    lines += [
        Line(
            "Administrateurs techniques",
            "aucune donnée nominative des jeunes ; les destinataires des messages leur sont "
            "montrés masqués",
        ),
        Line(
            "Autres PSAD de l'installation",
            "le dossier d'un jeune qui déménage, après acceptation d'un transfert",
        ),
        Line(
            "Le jeune lui-même",
            "les messages qui lui sont écrits et sa page personnelle de réponse",
        ),
        Line(
            "Président du conseil départemental",
            "la situation d'un mineur soumis à l'obligation de formation, transmise par la "
            "mission locale (hors de l'application)",
        ),
    ]
    return tuple(lines)


def _structures(session: Session, psad: Psad) -> tuple[Line, ...]:
    partners = (
        select(Membership.structure_id, func.count())
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.psad_id == psad.id,
            Membership.role == Role.PARTNER,
            User.active.is_(True),
        )
        .group_by(Membership.structure_id)
    )
    accounts = {structure_id: count for structure_id, count in session.execute(partners)}
    structures = session.scalars(
        select(Structure)
        .where(Structure.psad_id == psad.id, Structure.active.is_(True))
        .order_by(Structure.name)
    )
    return tuple(
        Line(
            structure.name,
            f"{structure.kind.label} ; {accounts.get(structure.id, 0)} compte(s) partenaire(s)",
        )
        for structure in structures
    )


def _retention(psad: Psad, settings: Settings) -> tuple[Line, ...]:
    web, auth = settings.web, settings.auth
    return (
        Line(
            "Données d'un jeune",
            f"tant qu'un dossier est ouvert, puis jusqu'à ses {psad.retention_age} ans ou "
            f"{psad.retention_years_after_close} an(s) après la clôture de son dernier dossier "
            "(la plus tardive des deux dates) ; ensuite anonymisées chaque nuit : ne restent "
            "que les faits que compte le bilan (sexe, date de naissance, qui donne les âges "
            "du bilan, dernier établissement et formation, commune et code postal, dates, "
            "résultats)",
        ),
        Line(
            "Fichiers de listes déposés et lignes rejetées",
            f"{settings.imports.keep_uploads_days} jours après le dépôt",
        ),
        Line(
            "Liens personnels de réponse envoyés aux jeunes",
            f"valables {settings.messages.link_days} jours ; seule leur empreinte est gardée",
        ),
        Line(
            "Sessions de connexion",
            f"closes après {web.session_idle_minutes} minutes d'inactivité et au plus "
            f"{web.session_max_hours} heures ; effacées un jour après leur fin possible",
        ),
        Line(
            "Liens de réinitialisation du mot de passe",
            f"valables {auth.reset_link_minutes} minutes ; effacés un jour après leur fin",
        ),
        Line(
            "Courriels aux utilisateurs (récapitulatifs des rappels, liens de mot de passe)",
            f"effacés {settings.mail.keep_sent_days} jours après leur écriture, envoyés ou "
            "non ; les messages aux jeunes suivent la conservation des données du jeune",
        ),
        Line("Compteurs d'échecs de connexion", "effacés après un jour sans échec"),
        Line(
            "Journal d'audit",
            "conservé par l'application sans limite (il ne peut être ni modifié ni effacé) ; "
            "durée à fixer par le délégué à la protection des données",
        ),
        Line(
            "Comptes des utilisateurs",
            "jusqu'à leur désactivation par un administrateur ; durée à fixer par le délégué "
            "à la protection des données",
        ),
    )


def _security(psad: Psad, settings: Settings, content_policy: str) -> tuple[Line, ...]:
    web, auth, app, operator = settings.web, settings.auth, "Application", "Exploitant"
    two_factor = (
        "exigée pour tous les membres de la PSAD"
        if psad.two_factor_required
        else "proposée à chaque utilisateur, non exigée (réglage du pilote ou d'un administrateur)"
    )
    cookies = (
        "cookies de session réservés à HTTPS (Secure), inaccessibles aux scripts (HttpOnly), "
        "SameSite=Lax ; HSTS"
        if web.secure_cookies
        else "ATTENTION : cookies de session non réservés à HTTPS ([web] secure_cookies = "
        "false), réglage de poste de développement"
    )
    return (
        Line(
            "Mots de passe",
            f"hachés avec Argon2id ; au moins {auth.min_password_length} caractères",
            app,
        ),
        Line("Double authentification (TOTP)", two_factor, app),
        Line(
            "Sessions",
            f"fermées après {web.session_idle_minutes} minutes d'inactivité et au plus "
            f"{web.session_max_hours} heures ; toutes fermées quand le mot de passe change",
            app,
        ),
        Line(
            "Verrouillage",
            f"{auth.max_failed_logins} échecs de connexion bloquent {auth.lockout_minutes} "
            f"minutes ; au plus {auth.max_failed_logins_per_address} échecs par adresse IP et "
            f"{auth.max_failed_logins_per_account} par compte",
            app,
        ),
        Line("Cookies", cookies, app),
        Line("Politique de sécurité du contenu", content_policy, app),
        Line(
            "Cloisonnement",
            "chaque page et chaque export passent par une seule règle de visibilité : un "
            "partenaire ne voit que ses jeunes, un lecteur et un administrateur aucun nom",
            app,
        ),
        Line(
            "Traçabilité",
            "chaque consultation d'un dossier, refus d'accès, modification et export est "
            "inscrit au journal d'audit, que personne ne peut modifier",
            app,
        ),
        Line(
            "Journaux techniques",
            "numéros d'enregistrement seulement : ni nom, ni coordonnées, ni recherche saisie",
            app,
        ),
        Line(
            "Chiffrement des échanges (HTTPS)",
            "certificat et proxy inverse devant l'application"
            + (f" ({web.base_url})" if web.base_url else ""),
            operator,
        ),
        Line(
            "Sauvegardes",
            "base de données et dossier instance/ : fréquence, chiffrement, lieu et essais de "
            "restauration",
            operator,
        ),
        Line(
            "Serveur et base de données",
            "mises à jour, accès restreints, chiffrement du disque",
            operator,
        ),
    )


def _transfers(settings: Settings) -> tuple[Line, ...]:
    mail, sms = settings.mail, settings.sms
    smtp = (
        f"serveur {mail.host} (port {mail.port}, {mail.security})"
        if mail.enabled
        else "courriel désactivé (pas de [mail] host)"
    )
    gateway = (
        f"passerelle {urlsplit(sms.url).hostname}"
        if sms.url
        else "SMS désactivés (pas de [sms] url)"
    )
    return (
        Line("Application", "aucun transfert hors de l'Union européenne", "Application"),
        Line("Envoi des courriels", smtp, "Exploitant"),
        Line("Envoi des SMS", gateway, "Exploitant"),
    )
