"""The regional view: the PSADs a reader may see side by side, every indicator, small counts
masked (``psad.reports.masking``). No name, no list: counts only. No Flask."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Psad, Role
from psad.reports import masking
from psad.reports.display import format_number
from psad.reports.figures import Indicator, Period, Scope, Theme
from psad.reports.indicators import REGISTRY


def visible_psads(session: Session, *, user_id: int, is_admin: bool) -> list[Psad]:
    """Administrators: every active PSAD; a reader: the active PSADs they read."""
    query = select(Psad).where(Psad.active).order_by(Psad.name, Psad.id)
    if not is_admin:
        query = query.where(
            Psad.id.in_(
                select(Membership.psad_id).where(
                    Membership.user_id == user_id, Membership.role == Role.READER
                )
            )
        )
    return list(session.scalars(query))


@dataclass(frozen=True)
class ShownLine:
    """One line of the table as shown: its label and each cell's text (« < 5 » if masked)."""

    key: str | None
    label: str
    texts: list[str]
    masked: list[bool]


@dataclass(frozen=True)
class ShownIndicator:
    indicator: Indicator
    lines: list[ShownLine]


@dataclass(frozen=True)
class ShownTheme:
    theme: Theme
    indicators: list[ShownIndicator]


Figures = dict[Theme, list[tuple[Indicator, list[masking.Line]]]]


def regional_figures(session: Session, psad_ids: list[int], period: Period) -> Figures:
    """Every indicator for each PSAD, then for them all together (a youth counts once in
    the total even when two PSADs followed them), masked for readers, theme by theme."""
    scopes = [Scope((psad_id,), period) for psad_id in psad_ids]
    scopes.append(Scope(tuple(sorted(psad_ids)), period))
    figures: Figures = {theme: [] for theme in Theme}
    for indicator in REGISTRY.values():
        columns = [indicator.compute(session, scope) for scope in scopes]
        lines = masking.regional_lines(indicator.unit, columns, label=indicator.label)
        figures[indicator.theme].append((indicator, lines))
    return figures


def regional_table(session: Session, psad_ids: list[int], period: Period) -> list[ShownTheme]:
    """``regional_figures`` as the page shows them: each cell's text, « < 5 » if masked."""
    return [
        ShownTheme(
            theme,
            [
                ShownIndicator(indicator, [_shown(line, indicator) for line in lines])
                for indicator, lines in shown
            ],
        )
        for theme, shown in regional_figures(session, psad_ids, period).items()
    ]


def _shown(line: masking.Line, indicator: Indicator) -> ShownLine:
    return ShownLine(
        line.key,
        line.label,
        [
            masking.MASKED if cell.masked else format_number(cell.number, indicator.unit)
            for cell in line.cells
        ],
        [cell.masked for cell in line.cells],
    )
