"""The bilan as the pages show it: French numbers, the evolution from the period before, the
charts, theme by theme (computed here, so that templates only show values).

No Flask: the dashboard and the regional view build on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from psad.reports import charts
from psad.reports.figures import Bilan, Computed, Indicator, Result, Theme, Unit, Value

NARROW_SPACE = "\u202f"
MINUS = "\u2212"
NOTHING = "—"


def format_number(number: int | float | None, unit: Unit) -> str:
    """« 7 300 », « 12,5 j », « 43,2 % »; « — » for an undefined figure."""
    if number is None:
        return NOTHING
    if unit in (Unit.YOUTH, Unit.COUNT):
        return f"{round(number):,}".replace(",", NARROW_SPACE)
    text = _decimal(number)
    return f"{text} j" if unit is Unit.DAYS else f"{text} %"


def format_evolution(current: int | float | None, previous: int | float | None, unit: Unit) -> str:
    """« +12 (+20 %) », « −3 j », « +4,5 pts »; « — » when either figure is undefined."""
    if current is None or previous is None:
        return NOTHING
    difference = current - previous
    if unit in (Unit.YOUTH, Unit.COUNT):
        text = _signed(round(difference), str(abs(round(difference))))
        if previous:
            share = 100 * difference / previous
            text += f" ({_signed(share, _decimal(abs(share), digits=0))} %)"
        return text
    magnitude = _decimal(abs(difference))
    if unit is Unit.DAYS:
        return f"{_signed(difference, magnitude)} j"
    return f"{_signed(difference, magnitude)} pt{'s' if abs(difference) >= 2 else ''}"


def _signed(number: float, magnitude: str) -> str:
    if round(number, 1) == 0:
        return "0" if magnitude.strip("0,") == "" else magnitude
    return ("+" if number > 0 else MINUS) + magnitude


def _decimal(number: float, digits: int = 1) -> str:
    text = f"{number:.{digits}f}"
    if digits and text.endswith("0"):
        text = text[: -digits - 1]
    return text.replace(".", ",").replace("-", MINUS)


@dataclass(frozen=True)
class Line:
    """A figure or a breakdown's category: now, before, and the evolution, as text."""

    key: str | None
    label: str
    current: Value
    previous: Value
    unit: Unit

    @property
    def current_text(self) -> str:
        return format_number(self.current.number, self.unit)

    @property
    def previous_text(self) -> str:
        return format_number(self.previous.number, self.unit)

    @property
    def evolution(self) -> str:
        return format_evolution(self.current.number, self.previous.number, self.unit)


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


def breakdown_lines(indicator: Indicator, current: Computed, previous: Computed) -> list[Line]:
    """A single figure's line, or a breakdown's: the current period's categories in their
    order, then those only the period before had."""
    unit = indicator.unit
    if not isinstance(current, list) and not isinstance(previous, list):
        return [Line(None, indicator.label, current, previous, unit)]
    now = current if isinstance(current, list) else []
    before = {row.key: row for row in (previous if isinstance(previous, list) else [])}
    empty = Value(0, 0) if unit in (Unit.YOUTH, Unit.COUNT) else Value(None, 0)
    lines = [
        Line(
            row.key,
            row.label,
            row.value,
            before[row.key].value if row.key in before else empty,
            unit,
        )
        for row in now
    ]
    known = {row.key for row in now}
    lines += [
        Line(r.key, r.label, empty, r.value, unit) for r in before.values() if r.key not in known
    ]
    return lines


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
