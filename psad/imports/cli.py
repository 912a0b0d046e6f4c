"""``psad import``: the same import as the web page, from a terminal or a script."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from psad import clock
from psad.audit.services import Actor
from psad.auth.services import psad_by_code
from psad.errors import DomainError
from psad.extensions import db
from psad.imports import pipeline
from psad.imports.models import ImportOrigin, ListSource
from psad.imports.results import ImportRequest

SOURCES = [s.value for s in ListSource]


class TerminalProgress:
    """A progress line on standard error, only when it is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.last = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if total:
            width = 30
            filled = int(width * done / total)
            line = f"{phase} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:
            line = f"{phase}…"
        if line != self.last:
            sys.stderr.write("\r" + line.ljust(len(self.last)))
            sys.stderr.flush()
            self.last = line

    def close(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\n")


@click.command("import", help="Importe une liste de jeunes repérés (xlsx, xls, ods, csv).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--psad", "psad_code", required=True, help="Code de la PSAD destinataire.")
@click.option("--label", required=True, help="Libellé de la liste, par exemple « SIEI mars 2026 ».")
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    default="siei",
    show_default=True,
    help="Origine de la liste.",
)
@click.option("--profile", default=None, help="Profil de colonnes (imports/profiles/NOM.toml).")
@click.option("--dry-run", is_flag=True, help="Lit et vérifie sans rien enregistrer.")
@click.option("--json", "as_json", is_flag=True, help="Une ligne JSON sur la sortie standard.")
@click.option("--force", is_flag=True, help="Relit un fichier déjà importé (sans rien changer).")
@with_appcontext
def import_command(
    file: Path,
    psad_code: str,
    label: str,
    source: str,
    profile: str | None,
    dry_run: bool,
    as_json: bool,
    force: bool,
) -> None:
    settings = current_app.extensions["psad_settings"]
    session = db.session()
    psad = psad_by_code(session, psad_code)
    if psad is None:
        raise click.UsageError(f"PSAD « {psad_code} » inconnue.")
    if not file.exists():
        raise click.UsageError(f"Fichier « {file} » introuvable.")
    if not label.strip():
        raise click.UsageError("--label ne peut pas être vide.")
    progress = TerminalProgress(enabled=not as_json)
    request = ImportRequest(
        psad=psad,
        label=label,
        source=ListSource(source),
        origin=ImportOrigin.CLI,
        actor=Actor(user_id=None, psad_id=psad.id, ip_address="cli"),
        today=clock.today(),
        now=clock.now(),
    )
    try:
        outcome = pipeline.import_file(
            session,
            settings,
            file,
            request,
            profile=profile,
            dry_run=dry_run,
            force=force,
            progress=progress,
        )
    except DomainError as error:
        progress.close()
        if as_json:
            click.echo(json.dumps({"error": error.message}, ensure_ascii=False))
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
    progress.close()
    result = outcome.result
    if as_json:
        payload = result.as_dict()
        if result.already_imported and not force:
            payload.update(
                {k: 0 for k, v in payload.items() if isinstance(v, int) and not isinstance(v, bool)}
            )
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    click.echo(pipeline.summary(outcome, force=force))
