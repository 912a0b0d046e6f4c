"""Every indicator of the bilan, in the order they are shown (``REGISTRY``)."""

from __future__ import annotations

from psad.reports.figures import Indicator
from psad.reports.indicators import activity, funnel

REGISTRY: dict[str, Indicator] = {
    indicator.code: indicator for indicator in [*funnel.INDICATORS, *activity.INDICATORS]
}
