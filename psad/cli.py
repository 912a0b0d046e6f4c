"""The ``psad`` command: serve, set up, create PSADs and users, load the demo."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext
from flask_migrate.cli import db as migrate_db_group
from sqlalchemy import select

from psad import create_app
from psad.audit.services import Actor
from psad.config import config_path, write_local_config
from psad.errors import ConfigError, DomainError
from psad.extensions import db
from psad.imports.cli import import_command
from psad.orientations.cli import communes_group, programmes_group
from psad.privacy.cli import retention_group
from psad.reports.cli import bilan_command

if TYPE_CHECKING:
    from psad.reminders.run import RunReport

CLI_ACTOR = Actor(user_id=None, psad_id=None, ip_address="cli")


def _app_factory() -> Flask:
    return create_app()


@click.group(help="Suivi PSAD : application des plateformes de suivi et d'appui aux décrocheurs.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    # Commands that need the application load it lazily through Flask's ScriptInfo, so that
    # `psad --help` and `psad config init` work before any configuration exists.
    ctx.obj = ScriptInfo(create_app=_app_factory, set_debug_flag=False, load_dotenv_defaults=False)


cli.add_command(migrate_db_group, "db")
cli.add_command(import_command, "import")
cli.add_command(programmes_group)
cli.add_command(communes_group)
cli.add_command(bilan_command)
cli.add_command(retention_group)


def fail(message: str) -> None:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@cli.group("config", help="Fichier de configuration.")
def config_group() -> None:
    pass


@config_group.command(
    "init", help="Crée config.toml avec une clé secrète aléatoire s'il n'existe pas."
)
def config_init() -> None:
    path = config_path()
    if write_local_config(path):
        click.echo(f"Configuration locale créée : {path} (clé secrète aléatoire).")
    else:
        click.echo(f"Configuration existante conservée : {path}.")


def _log_to_stderr() -> None:
    """Long-running commands log at INFO (one line per request, ids only) on stderr."""
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@cli.command("serve", help="Sert l'application avec le serveur WSGI waitress.")
@click.option("--host", default=None, help="Adresse d'écoute (défaut : [web] host).")
@click.option("--port", default=None, type=int, help="Port (défaut : [web] port).")
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Lancer aussi les tâches planifiées (une seule instance les exécute).",
)
@with_appcontext
def serve(host: str | None, port: int | None, scheduler: bool) -> None:
    from waitress import serve as waitress_serve

    _log_to_stderr()
    settings = current_app.extensions["psad_settings"]
    host = host or settings.web.host
    port = port or settings.web.port
    click.echo(f"Suivi PSAD sur http://{host}:{port}/ (Ctrl+C pour arrêter).")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if scheduler:
        from psad.scheduler import start_background

        start_background(app)
        click.echo(
            "Tâches planifiées démarrées (dossier de dépôt, nettoyage, rappels à "
            f"{settings.reminders.hour} h {settings.reminders.minute:02d}, envoi des courriels)."
        )
    waitress_serve(
        app,
        host=host,
        port=port,
        threads=settings.web.threads,
        ident="psad",
    )


@cli.command(
    "scheduler", help="Exécute seulement les tâches planifiées (déploiement à plusieurs processus)."
)
@with_appcontext
def scheduler_command() -> None:
    from psad.scheduler import run_blocking

    _log_to_stderr()
    click.echo("Tâches planifiées en cours (Ctrl+C pour arrêter).")
    run_blocking(current_app._get_current_object())  # type: ignore[attr-defined]


# E-mail on without [web] base_url: the application says so when it starts, whatever the
# command (psad.app.NO_BASE_URL, logged on stderr), so the commands do not repeat it.
MAIL_OFF = "Envoi de courriels désactivé ([mail] host) : rappels dans l'application seulement."


@cli.group("reminders", help="Rappels : ce qui est dû, dans l'application et par courriel.")
def reminders_group() -> None:
    pass


@reminders_group.command(
    "run", help="Calcule les rappels du jour, les enregistre et envoie les courriels."
)
@click.option(
    "--today",
    "day",
    default=None,
    metavar="AAAA-MM-JJ",
    help="Le jour des rappels (défaut : aujourd'hui, heure de Paris).",
)
@click.option("--dry-run", is_flag=True, help="Compte sans rien enregistrer ni envoyer.")
@with_appcontext
def reminders_run(day: str | None, dry_run: bool) -> None:
    from psad import clock
    from psad.reminders.jobs import remind

    if day is None:
        today = clock.today()
    else:
        try:
            today = date.fromisoformat(day)
        except ValueError:
            click.echo(
                f"Erreur : date « {day} » invalide pour --today : attendu AAAA-MM-JJ "
                "(par exemple 2026-12-07).",
                err=True,
            )
            sys.exit(2)
    settings = current_app.extensions["psad_settings"]
    report = remind(current_app._get_current_object(), today, dry_run=dry_run)  # type: ignore[attr-defined]
    for line in describe_run(report, mail_enabled=settings.mail.enabled):
        click.echo(line)


def describe_run(report: RunReport, *, mail_enabled: bool) -> list[str]:
    """The command's French lines: reminders per kind, people told, e-mails."""
    from psad.committees.rhythm import long_date_fr

    lines = []
    if report.dry_run:
        lines.append("Simulation (--dry-run) : rien n'est enregistré ni envoyé.")
    lines.append(f"Rappels du {long_date_fr(report.today)} :")
    for kind, number in report.reminders.items():
        lines.append(f"  {kind.label} : {plural(number, 'rappel')}")
    if not report.reminders:
        lines.append("  Aucun nouveau rappel.")
    lines.append(f"Personnes prévenues : {report.users}")
    if not mail_enabled:
        lines.append(MAIL_OFF)
    elif report.dry_run:
        lines.append(f"Courriels qui seraient envoyés : {report.emails_queued}")
    else:
        lines.append(
            f"Courriels : {report.emails_queued} mis en file d'attente, "
            f"{plural(report.emails_sent, 'envoyé')}, {report.emails_retrying} à réessayer, "
            f"{report.emails_failed} en échec."
        )
    return lines


def plural(number: int, word: str) -> str:
    """« 1 rappel », « 3 rappels » (and « 0 envoyé », as French says it)."""
    return f"{number} {word}" if number <= 1 else f"{number} {word}s"


@cli.command("inbox", help="Importe maintenant les fichiers du dossier de dépôt.")
@with_appcontext
def inbox_command() -> None:
    from psad.imports.jobs import process_inbox

    settings = current_app.extensions["psad_settings"]
    handled = process_inbox(current_app._get_current_object())  # type: ignore[attr-defined]
    if not handled:
        click.echo(f"Aucun fichier à importer dans {settings.inbox_dir}.")
    for path in handled:
        where = "importé" if path.parent.name == "done" else "en échec"
        click.echo(f"{path.name} : {where} (rapport : {path.name}.rapport.txt)")


@cli.group("psad", help="Plateformes (PSAD).")
def psad_group() -> None:
    pass


@psad_group.command("create", help="Crée une PSAD.")
@click.argument("code")
@click.option("--name", required=True, help="Nom de la PSAD.")
@click.option("--territory", default=None, help="Communes ou départements couverts.")
@with_appcontext
def psad_create(code: str, name: str, territory: str | None) -> None:
    from psad.auth.services import create_psad
    from psad.messages.defaults import ensure_default_templates
    from psad.orientations.communes import ensure_communes
    from psad.orientations.seeds import ensure_catalogue
    from psad.reference.services import ensure_seeded

    try:
        psad = create_psad(db.session(), code=code, name=name, territory=territory, actor=CLI_ACTOR)
        ensure_seeded(db.session())
        ensure_catalogue(db.session())
        ensure_communes(db.session())
        ensure_default_templates(db.session(), psad.id)
    except DomainError as error:
        db.session.rollback()
        fail(error.message)
    db.session.commit()
    click.echo(f"PSAD {psad.code} créée : {psad.name}.")


@cli.group("users", help="Comptes utilisateurs.")
def users_group() -> None:
    pass


ROLE_CHOICES = ["pilote", "co-pilote", "partenaire", "lecteur", "admin"]
ROLE_BY_WORD = {
    "pilote": "pilot",
    "co-pilote": "copilot",
    "partenaire": "partner",
    "lecteur": "reader",
}


@users_group.command(
    "create", help="Crée un utilisateur (mot de passe : $PSAD_PASSWORD ou saisie)."
)
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLE_CHOICES, case_sensitive=False),
    help="Rôle dans la PSAD ; admin : administrateur technique.",
)
@click.option("--psad", "psad_code", default=None, help="Code de la PSAD (sauf pour admin).")
@click.option("--name", "full_name", default=None, help="Nom complet.")
@click.option("--structure", default=None, help="Structure du partenaire (nom exact).")
@with_appcontext
def users_create(
    email: str, role: str, psad_code: str | None, full_name: str | None, structure: str | None
) -> None:
    from psad import settings_of
    from psad.auth import services
    from psad.auth.login import policy_of
    from psad.auth.models import Role
    from psad.auth.queries import structure_named

    role = role.lower()
    if role != "admin" and not psad_code:
        raise click.UsageError("--psad est obligatoire pour ce rôle.")
    password = os.environ.get("PSAD_PASSWORD") or click.prompt(
        "Mot de passe (12 caractères au moins)", hide_input=True, confirmation_prompt=True
    )
    session = db.session()
    try:
        psad = services.psad_by_code(session, psad_code) if psad_code else None
        if psad_code and psad is None:
            raise DomainError(f"PSAD {psad_code} inconnue (psad psad create {psad_code} ...).")
        user = services.create_user(
            session,
            email=email,
            full_name=full_name or email,
            password=password,
            policy=policy_of(
                settings_of(current_app).auth, secret=settings_of(current_app).web.secret_key
            ),
            actor=CLI_ACTOR,
            is_admin=role == "admin",
        )
        if psad is not None and role != "admin":
            found = None
            if structure:
                found = structure_named(session, psad_id=psad.id, name=structure)
                if found is None:
                    raise DomainError(f"Structure « {structure} » inconnue dans {psad.code}.")
            services.add_membership(
                session,
                user=user,
                psad=psad,
                role=Role(ROLE_BY_WORD[role]),
                structure=found,
                actor=CLI_ACTOR,
            )
    except DomainError as error:
        session.rollback()
        fail(error.message)
    session.commit()
    where = f" dans la PSAD {psad.code}" if psad is not None else ""
    click.echo(f"Utilisateur {user.email} créé ({role}{where}).")


@cli.command(
    "demo",
    help="Crée (une seule fois) la PSAD DEMO, un utilisateur par rôle et des "
    "jeunes fictifs ; affiche les identifiants.",
)
@click.option("--youth", "youth_count", default=300, show_default=True, type=int)
@with_appcontext
def demo(youth_count: int) -> None:
    from psad import clock
    from psad.demo import DEMO_USERS, load_demo
    from psad.demo_transfers import NEIGHBOUR_LOGIN

    created = load_demo(
        db.session(), today=clock.today(), youth_count=youth_count, previous_year=True
    )
    db.session.commit()
    if created:
        _demo_reminders(clock.today())
        _demo_messages()
    click.echo(
        "PSAD DEMO "
        + (
            "créée avec des données fictives."
            if created
            else "déjà présente : rien n'a été modifié."
        )
    )
    click.echo("Identifiants de démonstration (à ne jamais utiliser en production) :")
    for email, password, label in DEMO_USERS:
        click.echo(f"  {label:<26} {email:<28} mot de passe : {password}")
    email, password = NEIGHBOUR_LOGIN
    click.echo(f"  {'Pilote de la PSAD voisine':<26} {email:<28} mot de passe : {password}")


def _demo_reminders(today: date) -> None:
    """Yesterday's and today's reminders of the new demo (notifications in the app)."""
    from psad import demo_reminders
    from psad.auth.models import Psad, User
    from psad.demo import DEMO_CODE, DEMO_USERS
    from psad.reminders.jobs import links_of, path_for

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = db.session()
    psad = session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()
    partner = session.scalars(select(User).where(User.email == DEMO_USERS[2][0])).one()
    with links_of(app):
        demo_reminders.populate(
            session,
            psad=psad,
            partner=partner,
            settings=app.extensions["psad_settings"],
            today=today,
            link_for=path_for,
        )


def _demo_messages() -> None:
    """Messages sent to youth of the new demo three days ago, and their answers."""
    from psad import clock, demo_messages
    from psad.auth.models import Psad, User
    from psad.demo import DEMO_CODE, DEMO_USERS

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = db.session()
    psad = session.scalars(select(Psad).where(Psad.code == DEMO_CODE)).one()
    copilot = session.scalars(select(User).where(User.email == DEMO_USERS[1][0])).one()
    demo_messages.populate(
        session, psad=psad, copilot=copilot, settings=app.extensions["psad_settings"],
        now=clock.now(),
    )  # fmt: skip


@cli.command("purge-throttles", hidden=True)
@with_appcontext
def purge_throttles() -> None:
    from psad.auth.jobs import purge_sign_ins

    purge_sign_ins(current_app._get_current_object())  # type: ignore[attr-defined]


def main() -> None:
    try:
        cli.main(prog_name="psad")
    except ConfigError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
