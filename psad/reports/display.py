"""The bilan's figures as people read them: French numbers, the evolution from the period
before, and the lines of a figure (one, or one per category of a breakdown) beside the
period before.

No Flask, no pygal: the dashboard (``psad.reports.sections``), the regional view and the
workbook build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from psad.reports.figures import Computed, Indicator, Unit, Value

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
