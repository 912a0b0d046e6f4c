"""Every indicator of the bilan, in the order they are shown (``REGISTRY``)."""

from __future__ import annotations

from psad.reports.figures import Indicator
from psad.reports.indicators import activity, activity_base, funnel, populations

REGISTRY: dict[str, Indicator] = {
    indicator.code: indicator for indicator in [*funnel.INDICATORS, *activity.INDICATORS]
}

# The populations a bilan computes once per period (``populations.shared``), in order: each
# may read the ones before
SHARED = [
    populations.LISTED,
    populations.FIRST_LISTED,
    populations.CONTACTS,
    activity_base.INTERVIEWS,
]
