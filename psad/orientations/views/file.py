"""(stub: filled by the file part)"""

from psad.orientations.views import bp  # noqa: F401
