"""(stub: filled by the lists part)"""

from psad.orientations.views import bp  # noqa: F401
