"""``psad dispositifs`` and ``psad communes``: seed the catalogue, load the communes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

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
