"""(stub: filled by the agenda part)"""

from psad.committees.views import bp  # noqa: F401
