"""(stub: filled by the catalogue part)"""

from psad.orientations.views import bp  # noqa: F401
