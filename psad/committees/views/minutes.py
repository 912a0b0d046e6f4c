"""(stub: filled by the minutes part)"""

from psad.committees.views import bp  # noqa: F401
