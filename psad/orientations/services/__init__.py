"""What people do with an orientation: propose it, move it along its lifecycle, give news.

Plain functions: they flush, never commit; the entry point owns the transaction. The steps are
in ``lifecycle``; what a step must satisfy, and the French words of each refusal, in ``checks``.
"""

from psad.orientations.services.checks import (
    BECOMES,
    CASE_CLOSED,
    STALE,
    ClosedCaseError,
    IllegalTransitionError,
    OrientationInputError,
    OrientationVersionError,
    SiteFullError,
    check_step,
)
from psad.orientations.services.lifecycle import (
    cancel_left_behind,
    change_status,
    close_stalled_task,
    propose_orientation,
    record_news,
    started_orientation,
)

__all__ = [
    "BECOMES",
    "CASE_CLOSED",
    "STALE",
    "ClosedCaseError",
    "IllegalTransitionError",
    "OrientationInputError",
    "OrientationVersionError",
    "SiteFullError",
    "cancel_left_behind",
    "change_status",
    "check_step",
    "close_stalled_task",
    "propose_orientation",
    "record_news",
    "started_orientation",
]
