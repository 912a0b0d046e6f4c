"""``psad bilan``: the bilan d'activité's workbook, from a terminal or a script.

The same workbook as the dashboard's download, for one PSAD or several (a consolidated
bilan: a youth counts once across them), for the current school year or any two dates.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Psad
from psad.auth.services import psad_by_code
from psad.extensions import db
from psad.reports.figures import Period
from psad.reports.forms import MAX_PERIOD_YEARS, too_long
from psad.youth.forms import EARLIEST_DATE, LATEST_DATE

DATE_HINT = "attendu AAAA-MM-JJ (par exemple 2025-09-01)"


def _stop(message: str, code: int = 1) -> NoReturn:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(code)


def read_period(start: str | None, end: str | None, today: date) -> Period:
    """The period of ``--from`` and ``--to``; the school year of ``today`` without either.
    Stops the command with a French message on a bad or incomplete period."""
    if start is None and end is None:
        return Period.school_year_of(today)
    if start is None or end is None:
        _stop("indiquez les deux dates, --from et --to, ou aucune (année scolaire en cours).", 2)
    days = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            days.append(date.fromisoformat(text or ""))
        except ValueError:
            _stop(f"date « {text} » invalide pour {option} : {DATE_HINT}.", 2)
    for option, day in zip(("--from", "--to"), days, strict=True):
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            _stop(
                f"date {day:%d/%m/%Y} hors limites pour {option} : elle doit être comprise "
                f"entre le {EARLIEST_DATE:%d/%m/%Y} et le {LATEST_DATE:%d/%m/%Y}.",
                2,
            )
    if days[1] < days[0]:
        _stop(f"la date de fin ({end}) est antérieure à la date de début ({start}).", 2)
    if too_long(days[0], days[1]):
        _stop(f"la période du {start} au {end} dépasse {MAX_PERIOD_YEARS} ans.", 2)
    return Period(days[0], days[1])


@click.command("bilan", help="Écrit le bilan d'activité d'une ou plusieurs PSAD (classeur Excel).")
@click.option(
    "--psad",
    "codes",
    multiple=True,
    required=True,
    metavar="CODE",
    help="Code de la PSAD ; plusieurs --psad : bilan consolidé.",
)
@click.option(
    "--from",
    "start",
    default=None,
    metavar="AAAA-MM-JJ",
    help="Premier jour de la période (défaut : année scolaire en cours).",
)
@click.option("--to", "end", default=None, metavar="AAAA-MM-JJ", help="Dernier jour, inclus.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier .xlsx à écrire (remplacé s'il existe).",
)
@with_appcontext
def bilan_command(codes: tuple[str, ...], start: str | None, end: str | None, output: Path) -> None:
    from psad.reports.bilan import compute_bilan
    from psad.reports.workbook import workbook_bytes

    session = db.session()
    period = read_period(start, end, clock.today())
    psads: dict[int, Psad] = {}
    for code in codes:
        psad = psad_by_code(session, code)
        if psad is None:
            _stop(f"PSAD « {code} » inconnue.")
        psads[psad.id] = psad
    bilan = compute_bilan(session, list(psads), period, produced_at=clock.now())
    content = workbook_bytes(bilan)
    try:
        output.write_bytes(content)
    except OSError as error:
        _stop(f"impossible d'écrire « {output} » : {error.strerror or error}.")
    chosen = sorted(psads.values(), key=lambda p: p.name)
    detail = (
        f"du={period.start}; au={period.end}; psad={','.join(p.code for p in chosen)}; "
        f"indicateurs={len(bilan.results)}; commande"
    )
    for psad in chosen:
        actor = audit.Actor(user_id=None, psad_id=psad.id, ip_address="cli")
        audit.record(session, actor, AuditAction.BILAN_EXPORTED, object_type="bilan", detail=detail)
    session.commit()
    for line in describe(
        bilan_file=output, psads=chosen, period=period, indicators=len(bilan.results)
    ):
        click.echo(line)


def describe(*, bilan_file: Path, psads: list[Psad], period: Period, indicators: int) -> list[str]:
    """What the command wrote, in French."""
    names = ", ".join(f"{p.name} ({p.code})" for p in psads)
    which = "PSAD" if len(psads) == 1 else f"PSAD (bilan consolidé de {len(psads)})"
    return [
        f"Bilan d'activité écrit dans {bilan_file}",
        f"{which} : {names}",
        f"Période : {_dated(period)}",
        f"Comparée à : {_dated(period.previous())}",
        f"Indicateurs : {indicators}",
    ]


def _dated(period: Period) -> str:
    """« année scolaire 2024-2025 (du 01/09/2024 au 31/08/2025) », « du 01/01/2025 au ... »."""
    if period.is_school_year:
        return f"{period.label} (du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y})"
    return period.label
