"""(stub: filled by the vacancies part)"""

from psad.orientations.views import bp  # noqa: F401
