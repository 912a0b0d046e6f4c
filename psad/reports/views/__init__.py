"""The bilan's pages: the PSAD's dashboard, the youth behind a figure, the regional view,
the workbook."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from psad.reports.views import (  # noqa: E402,F401  (each module adds its routes)
    dashboard,
    export,
    regional,
)
