"""The regional view: the PSADs a reader may see side by side, every indicator, small counts
masked (``psad.reports.masking``). No name, no list: counts only. No Flask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.auth.models import Membership, Psad, Role
from psad.reports import masking
from psad.reports.display import format_number
from psad.reports.figures import Computed, Indicator, Period, Scope, Theme
from psad.reports.indicators import REGISTRY
from psad.reports.snapshots import stored_bilan


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


# Every indicator's figure for the current period of a scope, by code.
Source = Callable[[Session, Scope], dict[str, Computed]]


def live(session: Session, scope: Scope) -> dict[str, Computed]:
    """Computed now (the workbook)."""
    return {code: indicator.compute(session, scope) for code, indicator in REGISTRY.items()}


def stored(now: datetime) -> Source:
    """Read from the stored bilans, computed and stored first if need be (the page)."""

    def figures(session: Session, scope: Scope) -> dict[str, Computed]:
        bilan = stored_bilan(session, list(scope.psad_ids), scope.period, now=now)
        return {code: result.current for code, result in bilan.results.items()}

    return figures


def regional_figures(
    session: Session, psad_ids: list[int], period: Period, source: Source = live
) -> Figures:
    """Every indicator for each PSAD, then for them all together (a youth counts once in
    the total even when two PSADs followed them), masked for readers, theme by theme."""
    scopes = [Scope((psad_id,), period) for psad_id in psad_ids]
    scopes.append(Scope(tuple(sorted(psad_ids)), period))
    computed = [source(session, scope) for scope in scopes]
    figures: Figures = {theme: [] for theme in Theme}
    for code, indicator in REGISTRY.items():
        columns = [column[code] for column in computed]
        lines = masking.regional_lines(indicator.unit, columns, label=indicator.label)
        figures[indicator.theme].append((indicator, lines))
    return figures


def regional_table(
    session: Session, psad_ids: list[int], period: Period, source: Source = live
) -> list[ShownTheme]:
    """``regional_figures`` as the page shows them: each cell's text, « < 5 » if masked."""
    return [
        ShownTheme(
            theme,
            [
                ShownIndicator(indicator, [_shown(line, indicator) for line in lines])
                for indicator, lines in shown
            ],
        )
        for theme, shown in regional_figures(session, psad_ids, period, source).items()
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
