"""``psad retention run``: the retention run by hand (the scheduler runs it every night)."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from psad import clock
from psad.errors import DomainError
from psad.privacy.jobs import RetentionReport, run_retention


@click.group(
    "retention", help="Conservation des données : clôture à la limite d'âge, anonymisation."
)
def retention_group() -> None:
    pass


def _day(text: str | None) -> date:
    today = clock.today()
    if text is None:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        click.echo(
            f"Erreur : date « {text} » invalide pour --today : attendu AAAA-MM-JJ "
            "(par exemple 2026-12-07).",
            err=True,
        )
        sys.exit(2)


@retention_group.command(
    "run", help="Clôt les dossiers à la limite d'âge et anonymise les jeunes dont la durée de "
    "conservation est échue ; affiche les nombres par PSAD."
)  # fmt: skip
@click.option("--today", "day", default=None, metavar="AAAA-MM-JJ",
              help="Le jour du passage (défaut : aujourd'hui, heure de Paris).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Compte sans rien modifier.")
@click.option("--psad", "psad_code", default=None, metavar="CODE",
              help="Une seule PSAD (défaut : toutes).")  # fmt: skip
@with_appcontext
def retention_run(day: str | None, dry_run: bool, psad_code: str | None) -> None:
    today = _day(day)
    if today > clock.today() and not dry_run:
        click.echo(
            f"Erreur : le {today:%d/%m/%Y} est à venir : l'anonymisation ne se défait pas, elle "
            "ne passe pas avant son jour. Ajoutez --dry-run pour voir ce qu'elle fera.",
            err=True,
        )
        sys.exit(2)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        report = run_retention(app, today, dry_run=dry_run, psad_code=psad_code, ip="cli")
    except DomainError as error:
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
    for line in describe(report):
        click.echo(line)


def describe(report: RetentionReport) -> list[str]:
    """The command's French lines: per PSAD, its rule and counts; then the totals."""
    closing, forgetting = (
        ("Dossiers à clore pour limite d'âge", "Jeunes à anonymiser")
        if report.dry_run
        else ("Dossiers clos pour limite d'âge", "Jeunes anonymisés")
    )
    lines = []
    if report.dry_run:
        lines.append("Simulation (--dry-run) : rien n'est modifié.")
    lines.append(f"Conservation des données au {report.today:%d/%m/%Y} :")
    for run in report.psads:
        lines.append(f"{run.name} ({run.code}) : conservation {run.rule.label}")
        lines.append(f"  {closing} : {run.cases_closed}")
        lines.append(f"  {forgetting} : {run.anonymised}")
        if run.failed:
            lines.append(f"  En échec : {run.failed} (détail dans le journal du serveur)")
    if not report.psads:
        lines.append("  Aucune PSAD.")
    lines.append(f"Total : {closing.lower()} : {report.cases_closed} ; "
                 f"{forgetting.lower()} : {report.anonymised}.")  # fmt: skip
    return lines
