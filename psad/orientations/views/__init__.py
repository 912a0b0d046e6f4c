"""The orientations' pages: the catalogue and its sites, the territory's offer, the vacant
places, a youth's dispositifs and orientations, and the list of orientations."""

from flask import Blueprint

bp = Blueprint("orientations", __name__)

from psad.orientations.views import (  # noqa: E402,F401  (each module adds its routes)
    catalogue,
    file,
    lists,
    offer,
    vacancies,
)
