"""(stub: filled by the offer part)"""

from psad.orientations.views import bp  # noqa: F401
