"""(stub: filled by the meeting part)"""

from psad.committees.views import bp  # noqa: F401
