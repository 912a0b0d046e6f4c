"""(stub: filled by the calendar part)"""

from psad.committees.views import bp  # noqa: F401
