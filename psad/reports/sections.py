"""The dashboard's sections: theme by theme, the figures as lines of text and the charts
drawn from them (computed here, so that templates only show values).

No Flask: the dashboard's view builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from psad.reports import charts
from psad.reports.display import Line, breakdown_lines
from psad.reports.figures import Bilan, Indicator, Result, Theme, Unit


@dataclass(frozen=True)
class Figure:
    """One indicator on the dashboard: its lines (one for a single figure, one per
    category for a breakdown) and, for a breakdown, its chart."""

    indicator: Indicator
    lines: list[Line]
    chart: str | None = None  # the chart's data: URI

    @property
    def linked(self) -> bool:
        """Whether each figure leads to the youth behind it."""
        return self.indicator.youth is not None


@dataclass
class Section:
    theme: Theme
    figures: list[Figure] = field(default_factory=list)  # single figures, one table
    breakdowns: list[Figure] = field(default_factory=list)  # one chart and table each
    chart: str | None = None  # the single figures counted in youth, when there are several

    @property
    def empty(self) -> bool:
        return not self.figures and not self.breakdowns


@dataclass(frozen=True)
class PeriodNames:
    current: str
    previous: str


def sections(bilan: Bilan, names: PeriodNames) -> list[Section]:
    """Every theme, in order, with its figures and charts."""
    shown = []
    for theme, results in bilan.by_theme().items():
        section = Section(theme)
        for result in results:
            figure = _figure(result, names)
            (section.breakdowns if figure.indicator.breakdown else section.figures).append(figure)
        youth = [f for f in section.figures if f.indicator.unit is Unit.YOUTH]
        if len(youth) > 1:
            section.chart = _chart(theme.label, [f.lines[0] for f in youth], names)
        shown.append(section)
    return shown


def _figure(result: Result, names: PeriodNames) -> Figure:
    indicator = result.indicator
    lines = breakdown_lines(indicator, result.current, result.previous)
    if not indicator.breakdown:
        return Figure(indicator, lines)
    return Figure(indicator, lines, _chart(indicator.label, lines, names) if lines else None)


def _chart(title: str, lines: Sequence[Line], names: PeriodNames) -> str:
    svg = charts.bar_chart(
        title,
        [line.label for line in lines],
        [
            (names.current, [line.current.number for line in lines]),
            (names.previous, [line.previous.number for line in lines]),
        ],
    )
    return charts.data_uri(svg)
