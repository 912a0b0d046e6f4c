"""TODO(helper): see the brief."""

from psad.reports.figures import Indicator

INDICATORS: list[Indicator] = []
