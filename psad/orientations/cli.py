"""``psad dispositifs`` and ``psad communes``: seed the catalogue, load the communes."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from psad.errors import DomainError
from psad.extensions import db


@click.group("dispositifs", help="Catalogue des dispositifs.")
def programmes_group() -> None:
    pass


@programmes_group.command(
    "amorcer", help="Ajoute les dispositifs du guide et les solutions nationales manquants."
)
@with_appcontext
def seed_catalogue() -> None:
    from psad.orientations.seeds import ensure_catalogue
    from psad.reference.services import ensure_seeded

    ensure_seeded(db.session())
    added = ensure_catalogue(db.session())
    db.session.commit()
    click.echo(f"{added} dispositif(s) ajouté(s) au catalogue.")


@click.group("communes", help="Communes et leurs coordonnées (carte, distances).")
def communes_group() -> None:
    pass


@communes_group.command(
    "charger",
    help="Charge ou met à jour les communes d'un fichier (xlsx, xls, ods ou csv) : code "
    "officiel géographique ou fichier des communes de data.gouv.fr.",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_communes_command(file: Path) -> None:
    from psad.orientations.communes import load_communes, read_communes_file

    session = db.session()
    try:
        report = load_communes(session, read_communes_file(file))
    except DomainError as error:
        session.rollback()
        click.echo(f"Erreur : {error.message}", err=True)
        sys.exit(1)
    session.commit()
    click.echo(report.text)


@communes_group.command(
    "amorcer",
    help="Ajoute les communes livrées avec l'application (académies de Lille et Amiens) qui "
    "manquent ; celles déjà connues ne changent pas.",
)
@with_appcontext
def seed_communes() -> None:
    from psad.orientations.communes import SHIPPED, load_communes, read_communes_file

    session = db.session()
    report = load_communes(session, read_communes_file(SHIPPED), only_missing=True)
    session.commit()
    click.echo(report.text)
